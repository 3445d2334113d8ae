"""The main journey of a needs assessment in a real browser: a hromada editor answers a page where skip
logic shows and hides a question as she answers, her answers are saved as she gives them, and she
submits; a programme coordinator returns one question with a comment; the editor sees the comment at
the question, changes the answer and submits again; the coordinator validates and the hromada's
results page shows the scores. Two people, two browser windows, one live server; nothing is fetched
from another host.

To keep the journey short, the answers outside the preparedness page are given beforehand through the
services (as the demo does); the page in the browser is the one with the shelter questions, whose
details are only asked when the hromada has shelters.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

from tests_browser.conftest import BUCHANSKA, PASSWORD, Visit

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from vidnova.accounts.models import User
    from vidnova.assessments.models import Assessment

PAGE = "f1_prep"
# The preparedness page's questions answered in the browser (the rest come from the services).
IN_BROWSER = {
    "f1_has_shelters",
    "f1_shelter_count",
    "f1_shelter_capacity",
    "f1_prep_shelter_coverage",
    "f1_prep_shelter_register",
}
COMMENT = "Місткість укриттів не збігається з паспортами укриттів. Перевірте, будь ласка."


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
def journey(editor: User) -> tuple[Assessment, User]:
    """A baseline round of the default instrument for the editor's hromada, with every answer given
    except those of the shelter questions; and the programme's coordinator."""
    from vidnova.accounts.models import Role
    from vidnova.assessments import demo as assessment_demo
    from vidnova.assessments.services import instrument_load_default
    from vidnova.assessments.services.rounds import round_open
    from vidnova.assessments.services.scores import form_of
    from vidnova.registry.models import Hromada
    from vidnova.testing import factories

    hromada = Hromada.objects.select_related("oblast").get(katottg=BUCHANSKA)
    programme = factories.ProgrammeFactory(slug="assessment-journey")
    phase = factories.PhaseFactory(programme=programme, number=1)
    factories.ParticipationFactory(phase=phase, hromada=hromada)
    coordinator = factories.UserFactory(email="koordynatorka@example.org", full_name="Оксана Координаторка")
    factories.MembershipFactory(user=coordinator, role=Role.PROGRAMME_COORDINATOR, programme=programme)

    version = instrument_load_default()
    round_ = round_open(
        acting_user=coordinator,
        programme=programme,
        instrument_version=version,
        name_uk="Базове оцінювання",
        opens_on=datetime.date(2026, 2, 1),
        deadline=datetime.date(2026, 4, 30),
        hromadas=[hromada],
    )
    assessment = round_.assessments.get()
    answers = assessment_demo.demo_answers(form_of(version), hromada)
    given = {name: value for name, value in answers.items() if name not in IN_BROWSER}
    assessment_demo._write_answers(assessment, given, editor)
    return assessment, coordinator


def sign_in(visit: Visit, email: str) -> None:
    page = visit.page
    page.goto(visit.url("/accounts/login/"))
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("form:has(input[name=password]) [type=submit]").first.click()
    assert "/accounts/login/" not in page.url


def wait_for(condition: Callable[[], Any], what: str, timeout: float = 15) -> Any:
    """Poll the database until ``condition`` holds (the live server writes in its own thread; SQLite
    may report its table as locked meanwhile, which only means "ask again")."""
    from django.db import OperationalError

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            result = condition()
        except OperationalError:
            result = None
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def wait_saved(page: Page, question: str) -> None:
    """Wait until the page says the answer to ``question`` was saved (the status the script writes)."""
    page.wait_for_function(
        """(name) => {
            const form = document.getElementById("fill-form");
            const status = document.getElementById("status-" + name);
            return Boolean(form && status && status.textContent.trim() === form.dataset.msgSaved);
        }""",
        arg=question,
    )


def answer_of(assessment: Assessment, question: str) -> str | None:
    from vidnova.assessments.models import Answer

    return Answer.objects.filter(assessment=assessment, question=question).values_list("value", flat=True).first()


def state_of(assessment: Assessment) -> str:
    assessment.refresh_from_db()
    return assessment.state


def test_an_assessment_goes_from_answers_with_skip_logic_to_validated_scores(
    visit: Visit, coordinator_visit: Visit, editor: User, journey: tuple[Assessment, User]
) -> None:
    from vidnova.assessments.models import AssessmentState, ReturnNote

    assessment, coordinator = journey
    page = visit.page
    base = f"/assessments/{assessment.pk}"
    sign_in(visit, editor.email)

    # --- the editor answers the preparedness page ----------------------------------------------
    page.goto(visit.url(f"{base}/pages/{PAGE}/"))
    count = page.locator("#q-f1_shelter_count")
    capacity = page.locator("#q-f1_shelter_capacity")
    register = page.locator("#q-f1_prep_shelter_register")
    # Not asked until the hromada says it has shelters.
    assert count.is_hidden()
    assert capacity.is_hidden()
    assert register.is_hidden()
    page.locator("input[name='q-f1_has_shelters'][value='yes']").check()
    count.wait_for(state="visible")
    assert capacity.is_visible()
    assert register.is_visible()
    wait_saved(page, "f1_has_shelters")
    # Skip logic in the browser, without a round trip: "no" hides them again, "yes" shows them.
    page.locator("input[name='q-f1_has_shelters'][value='no']").check()
    count.wait_for(state="hidden")
    assert register.is_hidden()
    wait_saved(page, "f1_has_shelters")
    page.locator("input[name='q-f1_has_shelters'][value='yes']").check()
    count.wait_for(state="visible")
    wait_saved(page, "f1_has_shelters")

    # Every answer is saved as it is given, without pressing a button (one at a time, as a person
    # answers; the checks of the database below confirm what the page says).
    page.locator("#q-f1_shelter_count-input").fill("14")
    page.locator("#q-f1_shelter_count-input").blur()
    wait_saved(page, "f1_shelter_count")
    page.locator("#q-f1_shelter_capacity-input").fill("1800")
    page.locator("#q-f1_shelter_capacity-input").blur()
    wait_saved(page, "f1_shelter_capacity")
    page.locator("input[name='q-f1_prep_shelter_coverage'][value='2']").check()
    wait_saved(page, "f1_prep_shelter_coverage")
    page.locator("input[name='q-f1_prep_shelter_register'][value='3']").check()
    wait_saved(page, "f1_prep_shelter_register")
    wait_for(lambda: answer_of(assessment, "f1_has_shelters") == "yes", "the shelter answer to be saved")
    wait_for(lambda: answer_of(assessment, "f1_shelter_count") == "14", "the shelter count to be saved")
    wait_for(lambda: answer_of(assessment, "f1_shelter_capacity") == "1800", "the capacity to be saved")
    wait_for(lambda: answer_of(assessment, "f1_prep_shelter_coverage") == "2", "the coverage to be saved")
    wait_for(lambda: answer_of(assessment, "f1_prep_shelter_register") == "3", "the register level to be saved")

    # Resumable: the page shows the saved answers when opened again.
    page.reload()
    assert page.locator("#q-f1_shelter_count-input").input_value() == "14"
    assert page.locator("input[name='q-f1_has_shelters'][value='yes']").is_checked()
    assert count.is_visible()

    # --- she submits ----------------------------------------------------------------------------
    page.goto(visit.url(f"{base}/"))
    with page.expect_navigation():
        page.locator(f"form[action='{base}/submit/'] button[type=submit]").click()
    assert state_of(assessment) == AssessmentState.SUBMITTED

    # --- the coordinator returns one question with a comment ----------------------------------
    review = coordinator_visit.page
    sign_in(coordinator_visit, coordinator.email)
    review.goto(coordinator_visit.url(f"{base}/review/"))
    review.locator("#note-f1_shelter_capacity").fill(COMMENT)
    with review.expect_navigation():
        review.locator("button[name=action][value=return]").click()
    assert state_of(assessment) == AssessmentState.IN_PROGRESS
    note = ReturnNote.objects.get(assessment=assessment)
    assert (note.question, note.message, note.created_by) == ("f1_shelter_capacity", COMMENT, coordinator)

    # --- the editor sees the comment at the question, changes the answer, submits again --------
    page.goto(visit.url(f"{base}/pages/{PAGE}/"))
    comment = page.locator("#q-f1_shelter_capacity .fill-return-note")
    assert COMMENT in comment.inner_text()
    page.locator("#q-f1_shelter_capacity-input").fill("1650")
    page.locator("#q-f1_shelter_capacity-input").blur()
    wait_saved(page, "f1_shelter_capacity")
    wait_for(lambda: answer_of(assessment, "f1_shelter_capacity") == "1650", "the corrected capacity to be saved")
    # Changing the answer addresses the comment.
    wait_for(
        lambda: ReturnNote.objects.filter(pk=note.pk, resolved_at__isnull=False).exists(), "the comment to be resolved"
    )
    page.goto(visit.url(f"{base}/"))
    with page.expect_navigation():
        page.locator(f"form[action='{base}/submit/'] button[type=submit]").click()
    assert state_of(assessment) == AssessmentState.SUBMITTED

    # --- the coordinator validates, and the scores appear ---------------------------------------
    review.goto(coordinator_visit.url(f"{base}/review/"))
    with review.expect_navigation():
        review.locator("button[name=action][value=validate]").click()
    assert state_of(assessment) == AssessmentState.VALIDATED

    review.goto(coordinator_visit.url(f"/assessments/hromadas/{BUCHANSKA}/"))
    assessment.refresh_from_db()
    fields = review.locator("section[aria-labelledby=fields-heading] table.score-table tbody tr")
    assert fields.count() == 3
    for field_score in assessment.scores["fields"]:
        shown = f"{float(field_score['normalised']):.1f}".replace(".", ",")  # Ukrainian decimal comma
        assert shown in fields.nth(field_score["field"] - 1).inner_text()
    prep = next(d for d in assessment.scores["dimensions"] if d["name"] == PAGE)
    assert prep["answered"] == prep["applicable"] == 6  # the shelter register counts: there are shelters
    dimensions = review.locator("section[aria-labelledby=dimensions-heading]")
    assert dimensions.locator("svg, table").count() >= 1

    # Nothing came from another host.
    assert visit.other_host_requests() == []
    assert coordinator_visit.other_host_requests() == []
