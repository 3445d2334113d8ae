"""The expression subset: the shared table (also run in the browser), printing, and the helpers."""

from __future__ import annotations

import importlib
import json
import math
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from vidnova.assessments.expressions import (
    ExpressionError,
    choice_ok,
    columns,
    constraint_ok,
    evaluate,
    parse,
    references,
    relevant,
    to_boolean,
    unparse,
    uses_self,
)

CASES_PATH = Path(__file__).with_name("expression_cases.json")
CASES: list[dict[str, Any]] = json.loads(CASES_PATH.read_text(encoding="utf-8"))
VALUE_CASES = [case for case in CASES if "error" not in case]
ERROR_CASES = [case for case in CASES if "error" in case]


def case_id(case: dict[str, Any]) -> str:
    return f"{case['expr']!r}-{json.dumps(case.get('answers', {}), ensure_ascii=False)}"


def run_case(case: dict[str, Any]) -> Any:
    """Parse and evaluate one row of the table as the browser test does."""
    choice = case.get("choice")
    tree = parse(case["expr"], choice_filter=choice is not None)
    return evaluate(tree, case["answers"], case.get("current"), choice)


def test_the_table_covers_what_the_brief_asks() -> None:
    assert len(CASES) >= 60
    assert len(ERROR_CASES) >= 10
    text = " ".join(case["expr"] for case in CASES)
    for needle in ["=", "!=", "<", "<=", ">", ">=", " and ", " or ", "not(", "selected(", "count-selected(",
                   " + ", " - ", " * ", " div ", " mod ", "${", "."]:  # fmt: skip
        assert needle in text, needle


@pytest.mark.parametrize("case", VALUE_CASES, ids=case_id)
def test_table_value(case: dict[str, Any]) -> None:
    result = run_case(case)
    expected = case["expected"]
    assert type(result) is type(expected) or (type(expected) is int and isinstance(result, float))
    assert result == expected


@pytest.mark.parametrize("case", [case for case in VALUE_CASES if "tree" in case], ids=case_id)
def test_table_tree(case: dict[str, Any]) -> None:
    assert parse(case["expr"], choice_filter="choice" in case) == case["tree"]


@pytest.mark.parametrize("case", VALUE_CASES, ids=case_id)
def test_unparse_round_trip(case: dict[str, Any]) -> None:
    choice_filter = "choice" in case
    tree = parse(case["expr"], choice_filter=choice_filter)
    text = unparse(tree)
    assert parse(text, choice_filter=choice_filter) == tree
    # and the tree survives JSON (it is stored in InstrumentVersion.definition)
    assert json.loads(json.dumps(tree)) == tree


@pytest.mark.parametrize("case", ERROR_CASES, ids=lambda case: repr(case["expr"]))
def test_table_error(case: dict[str, Any]) -> None:
    with translation.override("en"), pytest.raises(ExpressionError) as raised:
        parse(case["expr"], choice_filter=case.get("choice_filter", False))
    assert case["error"] in raised.value.message
    assert str(raised.value) == raised.value.message


def test_error_position_points_at_the_problem() -> None:
    with pytest.raises(ExpressionError) as raised:
        parse("${a} = 1 and foo(2)")
    assert raised.value.position == 14
    with pytest.raises(ExpressionError) as raised:
        parse("(${a} = 1 or (${b} = 2)")
    assert raised.value.position == 1
    with pytest.raises(ExpressionError) as raised:
        parse("")
    assert raised.value.position is None


def test_unparse_prints_readable_xlsform() -> None:
    assert unparse(parse("${a}='x' and(${b}>1 or ${c} != 'y')")) == "${a} = 'x' and (${b} > 1 or ${c} != 'y')"
    assert unparse(parse("not( selected( ${m} , 'none' ) )")) == "not(selected(${m}, 'none'))"
    assert unparse(parse("10 - (2 - 3)")) == "10 - (2 - 3)"
    assert unparse(parse("(10 - 2) - 3")) == "10 - 2 - 3"
    assert unparse(parse('"it\'s"')) == '"it\'s"'
    assert unparse(parse("2.50")) == "2.5"
    assert unparse({"lit": 1e-7}) == "0.0000001"
    assert unparse(parse(". > 0")) == ". > 0"
    assert unparse(parse("hazard_group = ${g}", choice_filter=True)) == "hazard_group = ${g}"


def test_unparse_refuses_what_xpath_cannot_write() -> None:
    with pytest.raises(ExpressionError):
        unparse({"lit": 'it\'s "quoted"'})
    with pytest.raises(ExpressionError):
        unparse({"lit": math.inf})
    with pytest.raises(ExpressionError):
        unparse({"what": 1})


def test_references_columns_and_self() -> None:
    tree = parse("${a} = 1 and (selected(${b}, 'x') or not(count-selected(${a}) > 2)) and . != ''")
    assert references(tree) == {"a", "b"}
    assert references(None) == set()
    assert uses_self(tree)
    assert not uses_self(parse("${a} = 1"))
    assert not uses_self(None)
    filter_tree = parse("hazard_group = ${g} and selected(${s}, name)", choice_filter=True)
    assert columns(filter_tree) == {"hazard_group", "name"}
    assert references(filter_tree) == {"g", "s"}
    assert columns(None) == set()


def test_answers_of_other_types() -> None:
    from decimal import Decimal

    assert evaluate(parse("${a} = 2.5"), {"a": Decimal("2.50")}) is True
    assert evaluate(parse("${a} > 1"), {"a": 2}) is True
    assert evaluate(parse("${a} = 'x'"), {"a": ("x",)}) is True
    assert evaluate(parse("${a}"), {"a": True}) is True
    assert evaluate(parse("${a} = '2026-12-01'"), {"a": __import__("datetime").date(2026, 12, 1)}) is True


def test_to_boolean() -> None:
    assert [to_boolean(value) for value in ("x", "0", 1.0, -2.5, math.inf, True)] == [True] * 6
    assert [to_boolean(value) for value in ("", 0.0, math.nan, False)] == [False] * 4


def test_evaluate_rejects_an_unknown_node() -> None:
    with pytest.raises(ExpressionError):
        evaluate({"op": "xor", "args": []}, {})


QUESTION = {
    "name": "ctx_idp_collective",
    "relevant": parse("${ctx_idp_hosted} > 0"),
    "constraint": parse("${ctx_idp_collective} >= 0 and ${ctx_idp_collective} <= ${ctx_idp_hosted}"),
    "choice_filter": None,
}


def test_relevant() -> None:
    assert relevant(QUESTION, {"ctx_idp_hosted": "100"})
    assert not relevant(QUESTION, {"ctx_idp_hosted": "0"})
    assert not relevant(QUESTION, {})
    assert relevant({"name": "q", "relevant": None}, {})
    assert relevant({"name": "q"}, {})


def test_constraint_ok_uses_the_new_value_not_the_stored_one() -> None:
    answers = {"ctx_idp_hosted": "100", "ctx_idp_collective": "5"}
    assert constraint_ok(QUESTION, answers, "80")
    assert not constraint_ok(QUESTION, answers, "120")
    assert not constraint_ok(QUESTION, answers, "-1")
    assert constraint_ok(QUESTION, answers, ""), "an empty answer is left to `required`"
    assert constraint_ok(QUESTION, answers, None)
    assert constraint_ok({"name": "q", "constraint": None}, {}, "x")
    self_question = {"name": "q", "constraint": parse(". <= 10")}
    assert constraint_ok(self_question, {}, "10")
    assert not constraint_ok(self_question, {}, "11")
    multi = {"name": "m", "constraint": parse("not(selected(${m}, 'none') and count-selected(${m}) > 1)")}
    assert constraint_ok(multi, {}, ["sirens", "radio"])
    assert not constraint_ok(multi, {}, ["none", "radio"])
    assert constraint_ok(multi, {}, [])


def test_choice_ok() -> None:
    question = {"name": "f1_risk_top_hazard", "choice_filter": parse("hazard_group = ${g}", choice_filter=True)}
    flood = {"name": "flood", "label": {"en": "Flood"}, "score": None, "extra": {"hazard_group": "natural"}}
    shelling = {"name": "shelling", "label": {"en": "Shelling"}, "score": None, "extra": {"hazard_group": "war"}}
    assert choice_ok(question, flood, {"g": "natural"})
    assert not choice_ok(question, shelling, {"g": "natural"})
    sectors = {"name": "p", "choice_filter": parse("selected(${s}, name)", choice_filter=True)}
    assert choice_ok(sectors, {"name": "energy"}, {"s": "energy water"})
    assert not choice_ok(sectors, {"name": "housing", "extra": {}}, {"s": "energy water"})
    assert choice_ok({"name": "q", "choice_filter": None}, flood, {})


def test_the_default_instruments_expressions_parse_and_print_back() -> None:
    """Every relevant, constraint and choice_filter of the shipped form parses and round-trips."""
    openpyxl = importlib.import_module("openpyxl")  # no type stubs in the venv
    path = Path(__file__).resolve().parents[1] / "data" / "default_instrument.xlsx"
    sheet = openpyxl.load_workbook(path, read_only=True)["survey"]
    rows = sheet.iter_rows(values_only=True)
    header = list(next(rows))
    count = 0
    for row in rows:
        cells = dict(zip(header, row, strict=False))
        for column in ("relevant", "constraint", "choice_filter"):
            text = cells.get(column)
            if text:
                tree = parse(str(text), choice_filter=column == "choice_filter")
                assert parse(unparse(tree), choice_filter=column == "choice_filter") == tree
                count += 1
    assert count >= 40
