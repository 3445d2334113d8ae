"""The browser's rules.js and the server's expressions.py give the same result on every case.

rules.js is served from a routed page whose CSP forbids eval and inline scripts (as Vidnova's does),
then each row of vidnova/assessments/tests/expression_cases.json is parsed in Python and its JSON tree
evaluated by both. The default instrument's own expressions are also evaluated on many generated
answer sets, and the question helpers (isRelevant, constraintOk, choiceOk) are compared too.
"""

from __future__ import annotations

import importlib
import json
import math
import random
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from vidnova.assessments import expressions

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Route

ROOT = Path(__file__).resolve().parents[1]
RULES_JS = ROOT / "vidnova" / "assessments" / "static" / "assessments" / "rules.js"
CASES = json.loads((ROOT / "vidnova" / "assessments" / "tests" / "expression_cases.json").read_text("utf-8"))
DEFAULT_INSTRUMENT = ROOT / "vidnova" / "assessments" / "data" / "default_instrument.xlsx"
ORIGIN = "http://rules.vidnova.test"
PAGE = (
    "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>rules</title>"
    "<script src='/rules.js'></script></head><body></body></html>"
)
CSP = "default-src 'none'; script-src 'self'"


@pytest.fixture
def rules_page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    page = context.new_page()

    def serve(route: Route) -> None:
        if route.request.url.endswith("/rules.js"):
            route.fulfill(status=200, content_type="text/javascript", body=RULES_JS.read_text("utf-8"))
        else:
            route.fulfill(status=200, content_type="text/html", body=PAGE, headers={"Content-Security-Policy": CSP})

    page.route(f"{ORIGIN}/**", serve)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{ORIGIN}/")
    assert page.evaluate("typeof window.VidnovaRules") == "object", errors
    yield page
    assert errors == []
    context.close()


def same(python: Any, browser: Any) -> bool:
    """Equal values of the same kind; booleans only equal booleans, strings only strings."""
    if isinstance(python, bool) or isinstance(browser, bool):
        return python is browser
    if isinstance(python, str) or isinstance(browser, str):
        return isinstance(python, str) and isinstance(browser, str) and python == browser
    if math.isnan(python):
        return math.isnan(browser)
    return bool(python == browser)


def evaluate_in_browser(page: Page, jobs: list[dict[str, Any]]) -> list[Any]:
    result: list[Any] = page.evaluate(
        "jobs => jobs.map(j => VidnovaRules.evaluate(j.tree, j.answers, j.current, j.choice))", jobs
    )
    return result


def test_rules_js_is_small_and_uses_no_eval() -> None:
    source = RULES_JS.read_text("utf-8")
    assert len(source.encode()) < 5 * 1024
    for forbidden in ("eval(", "new Function", 'setTimeout("', "import "):
        assert forbidden not in source


def test_every_case_of_the_table_agrees(rules_page: Page) -> None:
    cases = [case for case in CASES if "error" not in case]
    jobs: list[dict[str, Any]] = []
    for case in cases:
        choice = case.get("choice")
        jobs.append(
            {
                "tree": expressions.parse(case["expr"], choice_filter=choice is not None),
                "answers": case["answers"],
                "current": case.get("current"),
                "choice": choice,
            }
        )
    browser_results = evaluate_in_browser(rules_page, jobs)
    disagreements = []
    for case, job, in_browser in zip(cases, jobs, browser_results, strict=True):
        on_server = expressions.evaluate(job["tree"], job["answers"], job["current"], job["choice"])
        if not (same(on_server, in_browser) and same(case["expected"], in_browser)):
            disagreements.append((case["expr"], case["answers"], case["expected"], on_server, in_browser))
    assert disagreements == []
    assert len(cases) >= 60


def default_instrument_expressions() -> list[tuple[str, str, dict[str, Any]]]:
    openpyxl = importlib.import_module("openpyxl")  # no type stubs in the venv
    sheet = openpyxl.load_workbook(DEFAULT_INSTRUMENT, read_only=True)["survey"]
    rows = sheet.iter_rows(values_only=True)
    header = list(next(rows))
    found = []
    for row in rows:
        cells = dict(zip(header, row, strict=False))
        for column in ("relevant", "constraint", "choice_filter"):
            if cells.get(column):
                tree = expressions.parse(str(cells[column]), choice_filter=column == "choice_filter")
                found.append((str(cells["name"]), column, tree))
    return found


def test_the_default_instruments_rules_agree_on_generated_answers(rules_page: Page) -> None:
    """Random but typical answers: empty, numbers as strings, edge numbers, choices, multi-selects."""
    found = default_instrument_expressions()
    names = sorted({name for _, _, tree in found for name in expressions.references(tree)} | {n for n, _, _ in found})
    pool = ["", "0", "1", "2", "-1", "80", "100", "120", "2.5", "1000001", "abc", "yes", "no", "none", "council",
            "ma_full", "'", "sirens", "none sirens", "sirens radio cell", "energy water", "2024-05-01"]  # fmt: skip
    rng = random.Random(6)  # noqa: S311 - reproducible test data, not secrets
    jobs: list[dict[str, Any]] = []
    for _ in range(40):
        answers = {name: rng.choice(pool) for name in names if rng.random() < 0.85}
        for name, _column, tree in found:
            choice = {"name": rng.choice(["energy", "water", "flood"]), "hazard_group": rng.choice(["natural", "war"])}
            jobs.append({"tree": tree, "answers": answers, "current": answers.get(name), "choice": choice})
    browser_results = evaluate_in_browser(rules_page, jobs)
    disagreements = []
    for job, in_browser in zip(jobs, browser_results, strict=True):
        on_server = expressions.evaluate(job["tree"], job["answers"], job["current"], job["choice"])
        if not same(on_server, in_browser):
            disagreements.append((job["tree"], job["answers"], on_server, in_browser))
    assert disagreements == []
    assert len(jobs) > 1000


def test_question_helpers_agree(rules_page: Page) -> None:
    question = {
        "name": "ctx_idp_collective",
        "relevant": expressions.parse("${ctx_idp_hosted} > 0"),
        "constraint": expressions.parse("${ctx_idp_collective} >= 0 and ${ctx_idp_collective} <= ${ctx_idp_hosted}"),
        "choice_filter": None,
    }
    multi = {
        "name": "m",
        "relevant": None,
        "constraint": expressions.parse("not(selected(${m}, 'none') and count-selected(${m}) > 1)"),
        "choice_filter": expressions.parse("selected(${s}, name) or hazard_group = 'war'", choice_filter=True),
    }
    checks: list[dict[str, Any]] = []
    for answers in ({}, {"ctx_idp_hosted": "0"}, {"ctx_idp_hosted": "100", "ctx_idp_collective": "5"}):
        checks.append({"kind": "relevant", "q": question, "answers": answers})
        for value in (None, "", "80", "120", "-1", "x"):
            checks.append({"kind": "constraint", "q": question, "answers": answers, "value": value})
    values: list[Any] = [None, [], ["none"], ["none", "radio"], ["radio", "cell"], "none radio"]
    for value in values:
        checks.append({"kind": "constraint", "q": multi, "answers": {}, "value": value})
    for choice in ({"name": "energy"}, {"name": "water", "extra": {"hazard_group": "war"}}, {"name": "x", "extra": {}}):
        checks.append({"kind": "choice", "q": multi, "answers": {"s": "energy"}, "choice": choice})
    in_browser = rules_page.evaluate(
        """checks => checks.map(c => c.kind === "relevant" ? VidnovaRules.isRelevant(c.q, c.answers)
            : c.kind === "constraint" ? VidnovaRules.constraintOk(c.q, c.answers, c.value)
            : VidnovaRules.choiceOk(c.q, c.choice, c.answers))""",
        checks,
    )
    on_server = [
        expressions.relevant(c["q"], c["answers"])
        if c["kind"] == "relevant"
        else expressions.constraint_ok(c["q"], c["answers"], c["value"])
        if c["kind"] == "constraint"
        else expressions.choice_ok(c["q"], c["choice"], c["answers"])
        for c in checks
    ]
    assert in_browser == on_server
    assert True in on_server
    assert False in on_server
