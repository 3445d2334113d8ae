"""Measure what each main page weighs against the 150 KB budget.

    .venv/bin/python benchmarks/bench_page_weight.py
    .venv/bin/python benchmarks/bench_page_weight.py --database-url postgres://postgres@127.0.0.1:5432/vidnova_bench

Same throwaway site as bench_pages.py (real registry, demo, collected static files). For each page:
the HTML as served to an anonymous visitor (the login page included; private plan pages as the demo
coordinator), raw and gzip-compressed, plus
the style sheets and scripts the page references, read from the collected static files and
gzip-compressed (level 6, as nginx and WhiteNoise's pre-compressed files roughly are). Images and
the favicon are not counted. A page passes when HTML + CSS + JS, compressed, is at most 150 KB.
Exits with status 1 if any page fails.
"""

from __future__ import annotations

import argparse
import gzip
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_pages import BUCHANSKA, prepared_site, step

BUDGET_BYTES = 150 * 1024
AMSTERDAM = "GM0363"


def gzipped_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6, mtime=0))


class AssetFinder(HTMLParser):
    """Style sheets and scripts that a page loads."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.assets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and values.get("src"):
            self.assets.append(str(values["src"]))
        if tag == "link" and values.get("href") and "stylesheet" in (values.get("rel") or "").split():
            self.assets.append(str(values["href"]))


@dataclass(frozen=True)
class Weight:
    name: str
    path: str
    html_raw: int
    html_gzip: int
    assets_gzip: int
    asset_count: int

    @property
    def total(self) -> int:
        return self.html_gzip + self.assets_gzip

    @property
    def passes(self) -> bool:
        return self.total <= BUDGET_BYTES


# Plan pages are private until adoption: they are weighed as the demo coordinator sees them.
COORDINATOR = "coordinator@demo.vidnova.local"
EDITOR = "editor@demo.vidnova.local"


def assessment_pages() -> list[tuple[str, str, str]]:
    """The demo's baseline round as its users see it: the editor's questionnaire pages, the
    coordinator's round, review, cohort, results and selection pages."""
    from vidnova.accounts.models import Membership, Role
    from vidnova.assessments.models import Assessment, AssessmentState, Round, SelectionCall

    round_ = Round.objects.order_by("pk").first()
    call = SelectionCall.objects.order_by("pk").first()
    editor_hromadas = Membership.objects.filter(user__email=EDITOR, role=Role.HROMADA_EDITOR).values("hromada_id")
    own = Assessment.objects.filter(round=round_, hromada_id__in=editor_hromadas).first()
    submitted = Assessment.objects.filter(round=round_, state=AssessmentState.SUBMITTED).first()
    validated = (
        Assessment.objects.filter(round=round_, state=AssessmentState.VALIDATED).select_related("hromada").first()
    )
    if round_ is None or call is None or own is None or submitted is None or validated is None:
        raise SystemExit("The demo created no assessment round, selection call or assessments in every state.")
    return [
        ("Assessments (hromada editor)", "/assessments/", EDITOR),
        ("Assessment overview (hromada editor)", f"/assessments/{own.pk}/", EDITOR),
        ("Questionnaire page, 9 questions (hromada editor)", f"/assessments/{own.pk}/pages/f1_prep/", EDITOR),
        ("Round (coordinator)", f"/assessments/rounds/{round_.pk}/", COORDINATOR),
        ("Validation page (coordinator)", f"/assessments/{submitted.pk}/review/", COORDINATOR),
        ("Cohort view and heat map (coordinator)", f"/assessments/rounds/{round_.pk}/cohort/", COORDINATOR),
        ("Hromada results (coordinator)", f"/assessments/hromadas/{validated.hromada.katottg}/", COORDINATOR),
        ("Selection call (coordinator)", f"/assessments/selection/{call.pk}/", COORDINATOR),
    ]


def partnership_pages(programme_slug: str) -> list[tuple[str, str] | tuple[str, str, str]]:
    """The partnerships area with the demo's offers, match run and partnership."""
    from vidnova.partnerships.models import MatchRun, Partnership

    run = MatchRun.objects.order_by("pk").first()
    partnership = Partnership.objects.order_by("-pk").first()
    if run is None or partnership is None:
        raise SystemExit("The demo created no match run or no partnership.")
    return [
        ("Partnerships list", "/partnerships/"),
        ("Partnerships map (Ukraine and the Netherlands)", "/partnerships/map/"),
        ("Expertise offers", "/partnerships/offers/"),
        (
            "Needs of the programme's hromadas (coordinator)",
            f"/partnerships/programmes/{programme_slug}/needs/",
            COORDINATOR,
        ),
        (
            "Matching: runs and constraints (coordinator)",
            f"/partnerships/programmes/{programme_slug}/matching/",
            COORDINATOR,
        ),
        ("Match run with explanations (coordinator)", f"/partnerships/matching/{run.pk}/", COORDINATOR),
        ("Partnership with activity log (coordinator)", f"/partnerships/{partnership.pk}/", COORDINATOR),
    ]


def pages() -> list[tuple[str, str] | tuple[str, str, str]]:
    from vidnova.plans.models import Plan, PlanState
    from vidnova.programmes.models import Programme

    programme = Programme.objects.order_by("pk").first()
    if programme is None:
        raise SystemExit("The demo created no programme; cannot measure the programme page.")
    adopted = Plan.objects.filter(public_version__isnull=False).order_by("pk").first()
    drafting = Plan.objects.filter(state=PlanState.CONSULTATION).order_by("pk").first()
    if adopted is None or drafting is None:
        raise SystemExit("The demo created no adopted plan or no plan in consultation.")
    return [
        ("Assessment instruments", "/assessments/instruments/"),
        ("Default instrument (questionnaire preview)", "/assessments/instruments/vidnova_default_assessment/"),
        *assessment_pages(),
        *partnership_pages(programme.slug),
        ("Plan list", "/plans/"),
        ("Public plan page", f"/plans/{adopted.pk}/public/"),
        ("Plan overview (coordinator)", f"/plans/{drafting.pk}/", COORDINATOR),
        ("Section editor (coordinator)", f"/plans/{drafting.pk}/sections/profile/edit/", COORDINATOR),
        ("Goal tree (coordinator)", f"/plans/{adopted.pk}/goals/", COORDINATOR),
        ("Workflow (coordinator)", f"/plans/{drafting.pk}/workflow/", COORDINATOR),
        ("Comments (coordinator)", f"/plans/{drafting.pk}/comments/", COORDINATOR),
        ("Home", "/"),
        ("Hromada list", "/hromadas/"),
        ("Hromada page", f"/hromadas/{BUCHANSKA}/"),
        ("Map", "/hromadas/map/"),
        ("Partner municipalities", "/hromadas/partner-municipalities/"),
        ("Municipality page", f"/hromadas/partner-municipalities/{AMSTERDAM}/"),
        ("Programme page", f"/programmes/{programme.slug}/"),
        ("Sign in", "/accounts/login/"),
        ("API documentation", "/api/docs/"),
    ]


def static_file(url: str) -> Path:
    from django.conf import settings

    path = urlsplit(url).path
    if not path.startswith(settings.STATIC_URL):
        raise SystemExit(f"{url} is not a static file of this site")
    file = Path(settings.STATIC_ROOT) / path.removeprefix(settings.STATIC_URL)
    if not file.is_file():
        raise SystemExit(f"{url} is referenced but {file} does not exist")
    return file


def weigh(name: str, path: str, user_email: str | None = None) -> Weight:
    from django.test import Client

    from vidnova.accounts.models import User

    client = Client()
    if user_email is not None:
        client.force_login(User.objects.get(email=user_email))
    response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}; is that page finished?")
    html = response.content
    finder = AssetFinder()
    finder.feed(html.decode())
    assets = sorted(set(finder.assets))
    return Weight(
        name=name,
        path=path,
        html_raw=len(html),
        html_gzip=gzipped_size(html),
        assets_gzip=sum(gzipped_size(static_file(url).read_bytes()) for url in assets),
        asset_count=len(assets),
    )


def kb(size: int) -> str:
    return f"{size / 1024:.1f}"


def run(database_url: str | None) -> tuple[str, bool]:
    with prepared_site(database_url) as environment:
        weights = []
        for name, path, *user in pages():
            step(f"weighing {path}")
            weights.append(weigh(name, path, *user))
    lines = [
        f"Budget: HTML + CSS + JS, gzip-compressed, at most {BUDGET_BYTES // 1024} KB per page. "
        f"Anonymous visitor unless the page says otherwise; {environment.details}.",
        "",
        "| Page | URL | HTML KB | HTML gzip KB | CSS+JS files | CSS+JS gzip KB | total gzip KB | budget |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for weight in weights:
        lines.append(
            f"| {weight.name} | `{weight.path}` | {kb(weight.html_raw)} | {kb(weight.html_gzip)} | "
            f"{weight.asset_count} | {kb(weight.assets_gzip)} | {kb(weight.total)} | "
            f"{'PASS' if weight.passes else 'FAIL'} |"
        )
    return "\n".join(lines), all(weight.passes for weight in weights)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--database-url",
        help="PostgreSQL server to use (the benchmark creates and drops test_<name>); default: a temporary SQLite file",
    )
    options = parser.parse_args(argv)
    table, passed = run(options.database_url)
    print(table)
    if not passed:
        sys.exit(1)


if __name__ == "__main__":
    main()
