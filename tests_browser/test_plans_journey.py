"""The main journey of a recovery plan in a real browser: a hromada editor writes a section, a
programme coordinator comments on it, the editor replies and resolves the comment, the coordinator
opens the public consultation and records the adoption with the signed act, and the adopted plan
downloads as a PDF. Two people, two browser windows, one live server; nothing is fetched from another
host.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone

from tests_browser.conftest import BUCHANSKA, PASSWORD, Visit

if TYPE_CHECKING:
    from playwright.sync_api import Browser, FilePayload, Page

    from vidnova.accounts.models import User
    from vidnova.plans.models import Plan

PROFILE_UK = "Бучанська громада розташована на північному заході Київської області, поруч зі столицею."
PROFILE_EN = "Buchanska hromada lies in the north-west of Kyiv oblast, next to the capital."
COMMENT = "Додайте, будь ласка, чисельність населення до і після 2022 року та джерело даних."
REPLY = "Додали таблицю з реєстру Vidnova та оцінку соціальної служби."


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
def journey(editor: User) -> tuple[Plan, User]:
    """A Local Recovery Plan of the editor's hromada in drafting: every required section but the
    profile written, a goal tree and the principles checklist done; and the programme's coordinator."""
    from vidnova.accounts.models import Role
    from vidnova.plans import principles
    from vidnova.plans.models import GoalLevel, PlanState, PrincipleCheck, Section, SectionCode
    from vidnova.plans.selectors.plans import current_version
    from vidnova.plans.services.goals import goal_create
    from vidnova.plans.services.sections import section_save
    from vidnova.plans.services.workflow import principle_check_update
    from vidnova.registry.models import Hromada
    from vidnova.testing import factories

    hromada = Hromada.objects.get(katottg=BUCHANSKA)
    programme = factories.ProgrammeFactory(slug="journey-programme")
    phase = factories.PhaseFactory(programme=programme, number=1)
    factories.ParticipationFactory(phase=phase, hromada=hromada)
    coordinator = factories.UserFactory(email="koordynatorka@example.org", full_name="Оксана Координаторка")
    factories.MembershipFactory(user=coordinator, role=Role.PROGRAMME_COORDINATOR, programme=programme)

    plan = factories.make_plan(
        hromada,
        programme=programme,
        state=PlanState.DRAFT,
        title_uk="План відновлення Бучанської громади",
        title_en="Recovery plan of Buchanska hromada",
    )
    version = current_version(plan)
    for section in Section.objects.filter(plan_version=version).exclude(code=SectionCode.PROFILE):
        section_save(
            acting_user=None,
            section=section,
            expected_version=section.version,
            body_uk=f"<p>Текст розділу «{section.get_code_display()}».</p>",
            body_en=f"<p>Text of the section “{section.code}”.</p>",
        )
    vision = goal_create(
        acting_user=None, version=version, parent=None, level=GoalLevel.VISION, text_uk="Безпечна громада"
    )
    goal_create(acting_user=None, version=version, parent=vision, level=GoalLevel.STRATEGIC_GOAL, text_uk="Відбудова")
    for principle in principles.PRINCIPLES:
        check = PrincipleCheck.objects.get(plan_version=version, principle=principle.code)
        principle_check_update(
            acting_user=None,
            check=check,
            expected_version=check.version,
            is_met=True,
            justification_uk="Враховано в цілях і завданнях плану.",
        )
    plan.refresh_from_db()
    return plan, coordinator


def sign_in(visit: Visit, email: str) -> None:
    page = visit.page
    page.goto(visit.url("/accounts/login/"))
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("form:has(input[name=password]) [type=submit]").first.click()
    assert "/accounts/login/" not in page.url


def plan_state(plan: Plan) -> str:
    plan.refresh_from_db()
    return plan.state


def test_a_plan_goes_from_a_written_section_to_an_adopted_pdf(
    visit: Visit, coordinator_visit: Visit, editor: User, journey: tuple[Plan, User]
) -> None:
    from vidnova.plans.demo import demo_act_pdf
    from vidnova.plans.demo_content import Adoption
    from vidnova.plans.models import AdoptingBody, CommentThread, PlanState

    plan, coordinator = journey
    base = f"/plans/{plan.pk}"
    today = timezone.localdate()

    # 1. The editor opens the plan, goes to the empty profile section and writes it.
    sign_in(visit, editor.email)
    page: Page = visit.page
    page.goto(visit.url(f"{base}/"))
    assert page.locator("html").get_attribute("lang") == "uk"
    page.locator(f"a[href='{base}/sections/profile/']").first.click()
    page.wait_for_url(f"**{base}/sections/profile/")
    page.locator(f"a[href='{base}/sections/profile/edit/']").first.click()
    page.wait_for_url(f"**{base}/sections/profile/edit/")
    page.locator("#id_body_uk").fill(PROFILE_UK)
    page.locator("#id_body_en").fill(PROFILE_EN)
    with page.expect_navigation():
        page.locator("button[name=save]").click()
    assert page.url.endswith(f"{base}/sections/profile/")
    assert PROFILE_UK in page.locator("section[lang=uk] .rich-text").inner_text()
    assert PROFILE_EN in page.locator("section[lang=en] .rich-text").inner_text()

    # 2. The coordinator reads it and starts a thread, quoting a passage.
    sign_in(coordinator_visit, coordinator.email)
    review: Page = coordinator_visit.page
    review.goto(coordinator_visit.url(f"{base}/sections/profile/comments/"))
    review.locator("#id_thread-quote").fill("поруч зі столицею")
    review.locator("#id_thread-body").fill(COMMENT)
    with review.expect_navigation():
        review.locator("form:has(#id_thread-body) button[type=submit]").click()
    thread_box = review.locator("article.comment-thread.is-open")
    assert COMMENT in thread_box.inner_text()
    thread = CommentThread.objects.get(section__plan_version__plan=plan)
    assert thread.created_by == coordinator

    # 3. The editor sees the open comment on the plan page, replies and marks it resolved.
    page.goto(visit.url(f"{base}/"))
    page.locator(f"a[href='{base}/sections/profile/comments/']").first.click()
    page.wait_for_url(f"**{base}/sections/profile/comments/")
    article = page.locator(f"#thread-{thread.pk}")
    assert COMMENT in article.inner_text()
    article.locator("textarea[name=body]").fill(REPLY)
    article.locator("form.comment-reply button[type=submit]").click()
    page.locator(f"#thread-{thread.pk} .comment-list li").nth(1).wait_for()
    assert REPLY in page.locator(f"#thread-{thread.pk}").inner_text()
    page.locator(f"#thread-{thread.pk} form[action$='/resolve/'] button").click()
    page.locator(f"#thread-{thread.pk}.is-resolved").wait_for()
    thread.refresh_from_db()
    assert not thread.is_open
    assert thread.resolved_by == editor

    # 4. The coordinator records the consultation the hromada held (three weeks, ended yesterday) and
    #    opens it in Vidnova.
    review.goto(coordinator_visit.url(f"{base}/workflow/"))
    review.locator("#dates_consultation_starts_on").fill((today - datetime.timedelta(days=21)).isoformat())
    review.locator("#dates_consultation_ends_on").fill((today - datetime.timedelta(days=1)).isoformat())
    with review.expect_navigation():
        review.locator("form.dates-form button[type=submit]").click()
    with review.expect_navigation():
        review.locator(f"button[name=target][value={PlanState.CONSULTATION.value}]").click()
    assert plan_state(plan) == PlanState.CONSULTATION

    # 5. The coordinator records the adoption by the council, uploading the signed act.
    signed_act = demo_act_pdf(plan, Adoption(AdoptingBody.COUNCIL, "17-2", today))
    review.goto(coordinator_visit.url(f"{base}/workflow/"))
    review.locator(f"input[name=adopting_body][value={AdoptingBody.COUNCIL.value}]").check()
    review.locator("#adoption_act_number").fill("17-2")
    review.locator("#adoption_act_date").fill(today.isoformat())
    act_file: FilePayload = {"name": "rishennia-17-2.pdf", "mimeType": "application/pdf", "buffer": signed_act}
    review.locator("#adoption_act_document").set_input_files(files=[act_file])
    with review.expect_navigation():
        review.locator("form[action$='/workflow/adopt/'] button[type=submit]").click()
    assert plan_state(plan) == PlanState.ADOPTED
    version = plan.versions.get()
    assert plan.public_version == version
    assert version.is_frozen
    assert version.act_number == "17-2"

    # 6. The adopted plan is exported as a PDF in Ukrainian and downloads.
    review.goto(coordinator_visit.url(f"{base}/exports/"))
    review.locator("input[name=file_format][value=pdf]").check()
    review.locator("input[name=language][value=uk]").check()
    with review.expect_navigation():
        review.locator("form.export-form button[type=submit]").click()
    download_link = review.locator("a[href*='/plans/exports/'][href$='/download/']").first
    download_link.wait_for()
    with review.expect_download() as download_info:
        download_link.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"

    # The editor's window shows the plan as adopted, read-only.
    page.goto(visit.url(f"{base}/sections/profile/"))
    assert page.locator(f"a[href='{base}/sections/profile/edit/']").count() == 0

    assert visit.other_host_requests() == []
    assert coordinator_visit.other_host_requests() == []
