"""The main journey of project ideas in a real browser (issue 4): a hromada editor writes a project
fiche through the form (title, sector, cost, a financing line, a location) and finds it in the
hromada's portfolio; she uploads a spreadsheet in the columns of the export, and the dry run names the
row and column of its error without saving anything; the programme coordinator, named scorer of a
prioritisation round, declares a conflict of interest and scores the fiche on the round's page; the
ranking shows the fiche first with the explanation of its total; and the portfolio's OC4IDS package
downloads and contains the fiche. Two people, two browser windows, one live server; nothing is
fetched from another host.

The round itself (criteria, weights, projects, scorer, publication) is set up through the services to
keep the journey short; its pages are tested in vidnova/projects/tests/test_prioritisation_views.py.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest

from tests_browser.conftest import BUCHANSKA, PASSWORD, Visit

if TYPE_CHECKING:
    from playwright.sync_api import Browser, FilePayload, Page

    from vidnova.accounts.models import User
    from vidnova.programmes.models import Programme
    from vidnova.projects.models import Project

TITLE = "Відновлення даху ліцею № 3"
OTHER_TITLE = "Облаштування скверу біля ради"
FUNDER = "Бучанська міська рада"
PLACE = "Ліцей № 3, вул. Шевченка"
DECLARATION = "Мій брат працює в підрядника, який готує проєкт скверу."
JUSTIFICATION = "Дах протікає над класами; ремонт повертає навчання в усі кабінети."


@dataclass
class Journey:
    programme: Programme
    coordinator: User
    other: Project  # a project idea already recorded, on which the coordinator has a conflict
    settlement: str  # KATOTTG of a settlement of the hromada, chosen as the location


@pytest.fixture
def coordinator_visit(browser: Browser, visit: Visit) -> Iterator[Visit]:
    """A second browser window on the same live server, for the coordinator."""
    context = browser.new_context(locale="uk-UA", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    current = Visit(page=page, base_url=visit.base_url)
    page.on("request", lambda request: current.requests.append(request.url))
    yield current
    context.close()


@pytest.fixture
def journey(editor: User) -> Journey:
    """A programme the editor's hromada takes part in, its coordinator, and one project idea of the
    hromada recorded beforehand."""
    from vidnova.accounts.models import Role
    from vidnova.projects.services.projects import project_create
    from vidnova.registry.models import Hromada
    from vidnova.registry.selectors import settlements_of
    from vidnova.testing import factories

    hromada = Hromada.objects.get(katottg=BUCHANSKA)
    programme = factories.ProgrammeFactory(slug="projects-journey")
    phase = factories.PhaseFactory(programme=programme, number=1)
    factories.ParticipationFactory(phase=phase, hromada=hromada)
    coordinator = factories.UserFactory(email="koordynatorka@example.org", full_name="Оксана Координаторка")
    factories.MembershipFactory(user=coordinator, role=Role.PROGRAMME_COORDINATOR, programme=programme)
    other = project_create(
        acting_user=editor,
        hromada=hromada,
        data={"title_uk": OTHER_TITLE, "programme": programme.pk, "sectors": ["cultureSportsAndRecreation"]},
    )
    settlement = settlements_of(hromada).first()
    assert settlement is not None
    return Journey(programme=programme, coordinator=coordinator, other=other, settlement=settlement.katottg)


def sign_in(visit: Visit, email: str) -> None:
    page = visit.page
    page.goto(visit.url("/accounts/login/"))
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("form:has(input[name=password]) [type=submit]").first.click()
    assert "/accounts/login/" not in page.url


def import_workbook() -> bytes:
    """A spreadsheet in the columns of the export: row 2 is a good new project, row 3 has a cost that
    is not a number."""
    import openpyxl  # type: ignore[import-untyped]

    from vidnova.projects.tabular import SHEET, column_names

    names = column_names()
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append(names)
    rows = [
        {
            "hromada_katottg": BUCHANSKA,
            "title_uk": "Ремонт амбулаторії в Луб'янці",
            "cost": "1200000",
            "currency": "UAH",
        },
        {"hromada_katottg": BUCHANSKA, "title_uk": "Модернізація котельні", "cost": "два мільйони", "currency": "UAH"},
    ]
    for row in rows:
        sheet.append([row.get(name, "") for name in names])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_project_idea_goes_from_the_fiche_form_to_a_ranking_and_an_oc4ids_package(
    visit: Visit, coordinator_visit: Visit, editor: User, journey: Journey
) -> None:
    from vidnova.projects.models import PriorityScore, Project, Scorer
    from vidnova.projects.services import prioritisation

    page: Page = visit.page
    sign_in(visit, editor.email)

    # 1. The editor opens her hromada's portfolio and writes a new fiche through the form.
    page.goto(visit.url(f"/projects/?hromada={BUCHANSKA}"))
    with page.expect_navigation():
        page.locator(f"a[href='/projects/new/?hromada={BUCHANSKA}']").click()
    page.locator("#id_title_uk").fill(TITLE)
    page.locator("#id_title_en").fill("Repair of the roof of lyceum No. 3")
    page.locator("#id_sectors").select_option(["education"])
    page.locator("#id_cost").fill("2500000.00")
    page.locator("#id_currency").select_option("UAH")
    page.locator("#id_financing_lines-0-finance_type").select_option("stateFunds")
    page.locator("#id_financing_lines-0-finance_category").select_option("localBudget")
    page.locator("#id_financing_lines-0-funder").fill(FUNDER)
    page.locator("#id_financing_lines-0-amount").fill("500000")
    page.locator("#id_financing_lines-0-currency").select_option("UAH")
    page.locator("#id_financing_lines-0-status").select_option("committed")
    page.locator("#id_locations-0-katottg").select_option(journey.settlement)
    page.locator("#id_locations-0-name").fill(PLACE)
    with page.expect_navigation():
        page.locator("button[name=save]").click()
    errors = page.locator("#form-errors")
    assert errors.count() == 0, errors.inner_text()
    project = Project.objects.get(title_uk=TITLE)
    assert page.url.endswith(f"/projects/{project.pk}/")
    assert project.hromada.katottg == BUCHANSKA
    assert project.programme == journey.programme  # the only programme of the hromada, preselected
    assert project.sectors == ["education"]
    assert str(project.cost) == "2500000.00"
    line = project.financing_lines.get()
    assert (line.finance_category, line.funder, str(line.amount), line.status) == (
        "localBudget",
        FUNDER,
        "500000.00",
        "committed",
    )
    assert list(project.locations.values_list("katottg", "name")) == [(journey.settlement, PLACE)]
    assert TITLE in page.locator("h1").inner_text()
    assert PLACE in page.locator("main").inner_text()

    # ... and finds it in the portfolio, with its funding gap (2,500,000 − 500,000 committed).
    page.goto(visit.url(f"/projects/?hromada={BUCHANSKA}"))
    row = page.locator("table.projects-table tbody tr", has=page.locator(f"a[href='/projects/{project.pk}/']"))
    assert row.count() == 1
    assert TITLE in row.inner_text()
    assert project.code in row.inner_text()
    assert "2 000 000" in row.inner_text().replace("\u00a0", " ").replace("\u202f", " ")

    # 2. She uploads a spreadsheet; the dry run names the row and column of the error, saves nothing.
    before = Project.objects.count()
    page.goto(visit.url("/projects/import/"))
    workbook: FilePayload = {
        "name": "proekty-buchanska.xlsx",
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "buffer": import_workbook(),
    }
    page.locator("#id_file").set_input_files(files=[workbook])
    with page.expect_navigation():
        page.locator("form[action='/projects/import/'] button[type=submit]").click()
    assert page.locator("#import-errors").is_visible()
    assert page.locator("#import-apply").count() == 0  # nothing to apply while a row has an error
    bad_row = page.locator("#import-rows tbody tr.import-row-error")
    assert bad_row.count() == 1
    assert bad_row.locator("th[scope=row]").inner_text().strip() == "3"
    assert bad_row.locator(".import-errors code").first.inner_text().strip() == "cost"
    good_row = page.locator("#import-rows tbody tr:not(.import-row-error)")
    assert good_row.locator("th[scope=row]").inner_text().strip() == "2"
    assert Project.objects.count() == before

    # 3. The coordinator sets up a round (services) with the two projects and herself as scorer.
    coordinator = journey.coordinator
    round_ = prioritisation.round_create(
        acting_user=coordinator, programme=journey.programme, name_uk="Відбір проєктів 2026"
    )
    prioritisation.criteria_set(
        acting_user=coordinator,
        round_=round_,
        criteria=[
            {"code": "need", "name_uk": "Нагальність потреби", "pillar": "soc_env", "weight": "60"},
            {"code": "cost", "name_uk": "Економічна доцільність", "pillar": "fin_eco", "weight": "40"},
        ],
    )
    prioritisation.projects_set(acting_user=coordinator, round_=round_, projects=[project, journey.other])
    prioritisation.scorer_add(acting_user=coordinator, round_=round_, user=coordinator)
    prioritisation.round_publish(acting_user=coordinator, round_=round_)

    # 4. On the round's page she declares her conflict on the other project, then scores the fiche.
    sign_in(coordinator_visit, coordinator.email)
    review: Page = coordinator_visit.page
    base = f"/projects/prioritisation/{round_.pk}/"
    review.goto(coordinator_visit.url(base))
    assert review.locator(f"form[action='{base}scores/{project.pk}/']").count() == 0  # not before declaring
    review.locator(f"input[name=conflicts][value='{journey.other.pk}']").check()
    review.locator("#id_conflict_note").fill(DECLARATION)
    with review.expect_navigation():
        review.locator(f"form[action='{base}conflicts/'] button[type=submit]").click()
    scorer = Scorer.objects.get(round=round_, user=coordinator)
    assert scorer.declared_at is not None
    assert list(scorer.conflicts.all()) == [journey.other]
    assert scorer.conflict_note == DECLARATION
    # No scoring form for the project with the conflict.
    assert review.locator(f"form[action='{base}scores/{journey.other.pk}/']").count() == 0
    score_form = review.locator(f"form[action='{base}scores/{project.pk}/']")
    score_form.locator(f"[name='p{project.pk}-value_need']").fill("5")
    score_form.locator(f"[name='p{project.pk}-justification_need']").fill(JUSTIFICATION)
    score_form.locator(f"[name='p{project.pk}-value_cost']").fill("3")
    score_form.locator(f"[name='p{project.pk}-justification_cost']").fill(
        "Вартість відповідає кошторисам подібних робіт."
    )
    with review.expect_navigation():
        score_form.locator("button[type=submit]").click()
    scores = dict(PriorityScore.objects.filter(scorer=scorer, project=project).values_list("criterion__code", "value"))
    assert {code: str(value) for code, value in scores.items()} == {"need": "5.00", "cost": "3.00"}
    assert not PriorityScore.objects.filter(project=journey.other).exists()

    # 5. The ranking: the fiche first (need 100, cost 60: 0.6 × 100 + 0.4 × 60 = 84), explained.
    ranking = review.locator("#ranking-table tbody tr")
    first = ranking.first
    assert first.locator("td").first.inner_text().strip() == "1"
    assert project.code in first.locator("th[scope=row]").inner_text()
    assert "84" in first.locator("td strong").inner_text()
    first.locator("details summary").click()
    explanation = first.locator("details ul")
    assert explanation.is_visible()
    assert explanation.locator("li").count() >= 2
    other_row = ranking.filter(has_text=journey.other.code)
    assert other_row.count() == 1
    assert other_row.locator("td").first.inner_text().strip() != "1"

    # 6. The OC4IDS package of the hromada downloads from the portfolio and contains the fiche.
    page.goto(visit.url(f"/projects/?hromada={BUCHANSKA}"))
    with page.expect_download() as download_info:
        page.locator(f"a[href='/projects/oc4ids/?hromada={BUCHANSKA}']").click()
    download = download_info.value
    assert download.suggested_filename == f"oc4ids-{BUCHANSKA}.json"
    with open(download.path(), encoding="utf-8") as handle:
        package = json.load(handle)
    by_title = {item.get("title"): item for item in package["projects"]}
    assert TITLE in by_title
    assert by_title[TITLE]["id"].endswith(project.code)

    # Nothing came from another host.
    assert visit.other_host_requests() == []
    assert coordinator_visit.other_host_requests() == []
