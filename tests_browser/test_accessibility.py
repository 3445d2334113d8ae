"""WCAG 2.2 A/AA checks of the main pages with axe-core, in Ukrainian and English.

axe-core (MPL-2.0, tests_browser/vendor/) is injected into the page by the test only; the product
never serves it. The test context bypasses the page's CSP for that injection alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
BUCHANSKA = "UA32080070000050759"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

PUBLIC_PAGES = [
    "/",
    "/hromadas/",
    "/hromadas/?q=Buchanska",
    f"/hromadas/{BUCHANSKA}/",
    "/hromadas/map/?oblast=UA32000000000030281",
    "/hromadas/partner-municipalities/",
    "/hromadas/partner-municipalities/GM0363/",
    "/programmes/recovery-ua-nl/",
    "/accounts/login/",
    "/accounts/password/reset/",
    "/api/docs/",
    "/data-sources/",
    "/assessments/instruments/",
    "/assessments/instruments/vidnova_default_assessment/",
]
SIGNED_IN_PAGES = [
    "/dashboard/",
    "/assessments/instruments/import/",
    f"/hromadas/{BUCHANSKA}/",
    "/people/invitations/new/",
    "/hromadas/security-status/import/",
    "/programmes/recovery-ua-nl/",
]


def _plan_pages() -> tuple[list[str], list[str]]:
    """Plan pages of the demo: the public ones, and the ones a coordinator works in."""
    from vidnova.plans.models import Plan, PlanState

    adopted = Plan.objects.filter(public_version__isnull=False).order_by("pk").first()
    drafting = Plan.objects.filter(state=PlanState.CONSULTATION).order_by("pk").first()
    assert adopted is not None
    assert drafting is not None
    public = ["/plans/", f"/plans/{adopted.pk}/public/", f"/plans/{adopted.pk}/public/?content=en"]
    working = [
        f"/plans/{drafting.pk}/",
        f"/plans/{drafting.pk}/sections/profile/",
        f"/plans/{drafting.pk}/sections/profile/edit/",
        f"/plans/{drafting.pk}/sections/swot/tables/swot/",
        f"/plans/{drafting.pk}/sections/profile/history/",
        f"/plans/{drafting.pk}/goals/",
        f"/plans/{drafting.pk}/workflow/",
        f"/plans/{drafting.pk}/comments/",
        f"/plans/{drafting.pk}/sections/profile/comments/",
        f"/plans/{drafting.pk}/translation/",
        f"/plans/{adopted.pk}/compare/",
        f"/plans/{drafting.pk}/exports/",
        f"/plans/{adopted.pk}/versions/1/",
        f"/plans/new/?hromada={BUCHANSKA}",
    ]
    return public, working


def _assessment_pages() -> list[str]:
    """The demo's baseline round as the coordinator works in it (the editor's pages are the same
    templates; the coordinator may answer on a hromada's behalf, so the form's inputs are checked)."""
    from vidnova.assessments.models import Assessment, AssessmentState, Round, SelectionCall

    round_ = Round.objects.order_by("pk").first()
    call = SelectionCall.objects.order_by("pk").first()
    assert round_ is not None
    assert call is not None
    working = Assessment.objects.filter(round=round_, state=AssessmentState.IN_PROGRESS).order_by("pk").first()
    submitted = Assessment.objects.filter(round=round_, state=AssessmentState.SUBMITTED).order_by("pk").first()
    validated = Assessment.objects.filter(round=round_, state=AssessmentState.VALIDATED).order_by("pk").first()
    assert working is not None
    assert submitted is not None
    assert validated is not None
    return [
        "/assessments/",
        "/assessments/programmes/recovery-ua-nl/rounds/",
        "/assessments/programmes/recovery-ua-nl/rounds/open/",
        f"/assessments/rounds/{round_.pk}/",
        f"/assessments/rounds/{round_.pk}/cohort/",
        f"/assessments/rounds/{round_.pk}/imports/",
        f"/assessments/{working.pk}/",
        f"/assessments/{working.pk}/pages/f1_prep/",
        f"/assessments/{working.pk}/pages/context/",
        f"/assessments/{submitted.pk}/review/",
        f"/assessments/hromadas/{validated.hromada.katottg}/",
        "/assessments/programmes/recovery-ua-nl/selection/",
        f"/assessments/selection/{call.pk}/",
    ]


def _project_pages() -> tuple[list[str], list[str]]:
    """Project pages of the demo: the public ones (the portfolio, a fiche of a site that is not
    sensitive, the exchange rates), and the ones a coordinator works in."""
    from vidnova.programmes.demo import PROGRAMME_SLUG
    from vidnova.projects.models import PrioritisationRound, Project

    open_fiche = Project.objects.filter(is_sensitive=False).order_by("pk").first()
    sensitive = Project.objects.filter(is_sensitive=True).order_by("pk").first()
    round_ = PrioritisationRound.objects.order_by("pk").first()
    assert open_fiche is not None
    assert sensitive is not None
    assert round_ is not None
    katottg = open_fiche.hromada.katottg
    public = [
        "/projects/",
        f"/projects/?hromada={katottg}",
        f"/projects/?programme={PROGRAMME_SLUG}",
        f"/projects/{open_fiche.pk}/",
        "/projects/rates/",
    ]
    working = [
        f"/projects/?programme={PROGRAMME_SLUG}",
        f"/projects/{open_fiche.pk}/",
        f"/projects/{sensitive.pk}/",
        f"/projects/{open_fiche.pk}/edit/",
        f"/projects/new/?hromada={katottg}",
        f"/projects/{open_fiche.pk}/transition/",
        "/projects/import/",
        "/projects/rates/",
        f"/projects/programmes/{round_.programme.slug}/prioritisation/",
        f"/projects/prioritisation/{round_.pk}/",
    ]
    return public, working


def _partnership_pages() -> tuple[list[str], list[str]]:
    """Partnership pages of the demo: the public list, map and partnership page, and the match run and
    partnership pages as the coordinator works in them."""
    from vidnova.partnerships.models import MatchRun, Partnership

    run = MatchRun.objects.order_by("pk").first()
    partnership = Partnership.objects.filter(suggestion__isnull=False).order_by("pk").first()
    assert run is not None
    assert partnership is not None
    public = ["/partnerships/", "/partnerships/map/", f"/partnerships/{partnership.pk}/"]
    working = [
        "/partnerships/",
        "/partnerships/map/",
        f"/partnerships/matching/{run.pk}/",
        f"/partnerships/{partnership.pk}/",
    ]
    return public, working


@pytest.fixture
def axe_page(browser: Browser, live_server: Any, transactional_db: None) -> Iterator[tuple[Page, str]]:
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    yield context.new_page(), live_server.url
    context.close()


@pytest.fixture
def demo(registry: None) -> None:
    from vidnova.programmes.demo import demo_create

    demo_create()


def _violations(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    problems = []
    for violation in result["violations"]:
        targets = ", ".join(str(node["target"]) for node in violation["nodes"][:5])
        problems.append(f"{violation['id']} ({violation['impact']}): {violation['help']} — {targets}")
    return problems


def _check(page: Page, base_url: str, paths: list[str], language: str) -> dict[str, list[str]]:
    page.context.add_cookies([{"name": "vidnova_language", "value": language, "url": base_url}])
    found: dict[str, list[str]] = {}
    for path in paths:
        response = page.goto(base_url + path)
        assert response is not None
        assert response.status == 200, path
        problems = _violations(page)
        if problems:
            found[path] = problems
    return found


@pytest.mark.parametrize("language", ["uk", "en"])
def test_public_pages_meet_wcag_aa(axe_page: tuple[Page, str], demo: None, language: str) -> None:
    page, base_url = axe_page
    public_plan_pages, _working = _plan_pages()
    public_project_pages, _working_projects = _project_pages()
    public_partnership_pages, _working_partnerships = _partnership_pages()
    paths = PUBLIC_PAGES + public_plan_pages + public_project_pages + public_partnership_pages
    assert _check(page, base_url, paths, language) == {}


def test_signed_in_pages_meet_wcag_aa(axe_page: tuple[Page, str], demo: None) -> None:
    page, base_url = axe_page
    page.goto(base_url + "/accounts/login/")
    page.fill("input[name=login]", "coordinator@demo.vidnova.local")
    page.fill("input[name=password]", "vidnova-demo-2026")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    _public, plan_pages = _plan_pages()
    _public_projects, project_pages = _project_pages()
    _public_partnerships, partnership_pages = _partnership_pages()
    paths = SIGNED_IN_PAGES + plan_pages + _assessment_pages() + project_pages + partnership_pages
    assert _check(page, base_url, paths, "uk") == {}
