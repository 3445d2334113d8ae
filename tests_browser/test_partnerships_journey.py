"""The main journey of partnerships in a real browser (issue 5): a partner expert adds an expertise
offer for her municipality (themes, modes, capacity); the programme coordinator starts a match run on
the programme's matching page, opens the run, reads why the hromada and the new offer were matched
(its weak assessment dimension, the partner, the places left), accepts the match, opens the
partnership it created and logs a first visit with its participants, which then shows in the
activity log; the public list and map show the partnership. Two people, two browser windows, one live
server; nothing is fetched from another host.

The hromada's validated assessment (crisis organisation weak: 22/100) and the partner's place in the
programme are set up beforehand, to keep the journey short; their pages are tested elsewhere. The
interface is read in English (the language cookie), so the checks do not depend on the catalogues.
Match runs execute on commit here: the test settings run tasks immediately.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest

from tests_browser.conftest import BUCHANSKA, PASSWORD, Visit

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from vidnova.accounts.models import User
    from vidnova.programmes.models import Organisation, Programme
    from vidnova.registry.models import Hromada

OFFER_TITLE = "Crisis planning coaching for hromadas"
RUN_TITLE = "Journey run"
VISIT_TITLE = "First visit of the crisis team"


@dataclass
class Journey:
    programme: Programme
    hromada: Hromada
    partner: Organisation
    expert: User
    coordinator: User


def english(visit: Visit) -> None:
    visit.page.context.add_cookies([{"name": "vidnova_language", "value": "en", "url": visit.base_url}])


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
def journey(registry: None) -> Journey:
    """A programme with Buchanska hromada (validated assessment, crisis organisation at 22/100), the
    municipality of Rheden taking part with its partner expert, and the programme's coordinator."""
    from vidnova.accounts.models import Role
    from vidnova.partnerships.demo import ensure_themes
    from vidnova.registry.models import DutchMunicipality, Hromada
    from vidnova.testing import factories
    from vidnova.testing.partnerships import validated_assessment

    ensure_themes([])  # seeded by a migration, gone when an earlier browser test flushed the database
    hromada = Hromada.objects.get(katottg=BUCHANSKA)
    programme = factories.ProgrammeFactory(slug="partnerships-journey")
    phase = factories.PhaseFactory(programme=programme, number=1)
    factories.ParticipationFactory(phase=phase, hromada=hromada)
    validated_assessment(
        programme, hromada, {"f1_org": 22, "f1_risk": 71, "f1_prep": 66, "f2_planning": 80, "f3_participation": 75}
    )
    partner = factories.OrganisationFactory(
        kind="dutch_municipality",
        name_uk="Муніципалітет Реден",
        name_en="Municipality of Rheden",
        name_nl="Gemeente Rheden",
        country="NL",
        dutch_municipality=DutchMunicipality.objects.get(cbs_code="GM0275"),
    )
    partner.programmes.add(programme)
    expert = factories.UserFactory(email="ekspertka@example.org", full_name="Anna de Expert")
    factories.MembershipFactory(user=expert, role=Role.PARTNER_EXPERT, organisation=partner)
    coordinator = factories.UserFactory(email="koordynatorka@example.org", full_name="Оксана Координаторка")
    factories.MembershipFactory(user=coordinator, role=Role.PROGRAMME_COORDINATOR, programme=programme)
    return Journey(programme=programme, hromada=hromada, partner=partner, expert=expert, coordinator=coordinator)


def sign_in(visit: Visit, email: str) -> None:
    page = visit.page
    page.goto(visit.url("/accounts/login/"))
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("form:has(input[name=password]) [type=submit]").first.click()
    assert "/accounts/login/" not in page.url


def test_an_offer_is_matched_accepted_and_its_first_visit_logged(
    visit: Visit, coordinator_visit: Visit, journey: Journey
) -> None:
    from vidnova.partnerships.models import (
        Activity,
        Decision,
        ExpertiseOffer,
        MatchRun,
        MatchSuggestion,
        Partnership,
        PartnershipStatus,
        RunStatus,
    )

    today = datetime.date.today()  # noqa: DTZ011 - the live server's local date is the same
    starts_on = today + datetime.timedelta(days=7)

    # 1. The partner expert adds an offer for her municipality (the only one she may write for).
    english(visit)
    page: Page = visit.page
    sign_in(visit, journey.expert.email)
    page.goto(visit.url("/partnerships/offers/new/"))
    assert "Municipality of Rheden" in page.locator("h1").inner_text()
    page.locator("#id_title").fill(OFFER_TITLE)
    page.locator("#id_description").fill("Remote coaching of the crisis team, with a study visit to Rheden.")
    page.locator("input[name=themes][value='crisis-planning']").check()
    page.locator("input[name=themes][value='civil-protection']").check()
    page.locator("input[name=modes][value='remote_coaching']").check()
    page.locator("input[name=modes][value='study_visit']").check()
    page.locator("#id_capacity").fill("2")
    with page.expect_navigation():
        page.locator("form.offer-form button[type=submit]").click()
    assert page.locator("#form-errors").count() == 0
    offer = ExpertiseOffer.objects.get(title=OFFER_TITLE)
    assert offer.organisation == journey.partner
    assert offer.capacity == 2
    assert sorted(offer.themes.values_list("code", flat=True)) == ["civil-protection", "crisis-planning"]
    assert sorted(offer.modes) == ["remote_coaching", "study_visit"]
    assert offer.created_by == journey.expert
    assert page.url.endswith(f"/partnerships/offers/{offer.pk}/")

    # 2. The coordinator runs matching on the programme's matching page.
    english(coordinator_visit)
    work: Page = coordinator_visit.page
    sign_in(coordinator_visit, journey.coordinator.email)
    matching = f"/partnerships/programmes/{journey.programme.slug}/matching/"
    work.goto(coordinator_visit.url(matching))
    run_form = work.locator(f"form[action='{matching}']")
    run_form.locator("#id_title").fill(RUN_TITLE)
    run_form.locator("#id_starts_on").fill(starts_on.isoformat())
    with work.expect_navigation():
        run_form.locator("button[type=submit]").click()
    run = MatchRun.objects.get(title=RUN_TITLE)
    assert work.url.endswith(f"/partnerships/matching/{run.pk}/")
    assert run.status == RunStatus.DONE, run.error
    suggestion = MatchSuggestion.objects.get(run=run)
    assert (suggestion.hromada, suggestion.offer) == (journey.hromada, offer)

    # 3. She reads why: the weak dimension, the partner and its offer, the places left.
    row = work.locator(f"#suggestion-{suggestion.pk}")
    summary = row.locator(".match-summary").inner_text()
    assert "22/100" in summary
    assert "Municipality of Rheden" in summary
    assert OFFER_TITLE in summary
    assert "1 place left" in summary
    row.locator("details summary").click()
    components = row.locator("details table")
    assert components.is_visible()
    why = components.inner_text()
    assert "Theme fit" in why
    assert "Crisis planning and crisis management" in why
    assert "1 place left" in row.locator("details").inner_text()

    # 4. She accepts the match: the row says so and links the new partnership.
    row.locator("button", has_text="Accept").click()
    opened = work.locator(f"#suggestion-{suggestion.pk} a", has_text="Open the partnership")
    opened.wait_for()
    suggestion.refresh_from_db()
    assert suggestion.decision == Decision.ACCEPTED
    partnership = Partnership.objects.get(suggestion=suggestion)
    assert partnership.status == PartnershipStatus.PROPOSED
    assert partnership.hromada == journey.hromada
    assert list(partnership.partners.all()) == [journey.partner]
    assert partnership.offer == offer
    with work.expect_navigation():
        opened.click()
    assert work.url.endswith(f"/partnerships/{partnership.pk}/")

    # 5. She logs the first visit from the partnership's page and finds it in the activity log.
    with work.expect_navigation():
        work.locator("#activities a", has_text="Log an activity").click()
    work.locator("#id_kind").select_option("visit_to_hromada")
    work.locator("#id_title").fill(VISIT_TITLE)
    work.locator("#id_starts_on").fill(today.isoformat())
    work.locator("#id_location").fill("Bucha")
    work.locator("#id_p_hromada_staff_women").fill("4")
    work.locator("#id_p_hromada_staff_men").fill("2")
    work.locator("#id_p_partner_experts_men").fill("1")
    work.locator("#id_follow_up_1_description").fill("Send the crisis plan template")
    with work.expect_navigation():
        work.locator("main form button[type=submit]").click()
    assert work.locator("#form-errors").count() == 0
    activity = Activity.objects.get(partnership=partnership)
    assert (activity.kind, activity.title, activity.starts_on) == ("visit_to_hromada", VISIT_TITLE, today)
    counts = {row.role: (row.women, row.men) for row in activity.participants.all()}
    assert counts == {"hromada_staff": (4, 2), "partner_experts": (0, 1)}
    assert list(activity.follow_ups.values_list("description", flat=True)) == ["Send the crisis plan template"]
    work.goto(coordinator_visit.url(f"/partnerships/{partnership.pk}/"))
    log = work.locator("#activities table.activity-log")
    assert VISIT_TITLE in log.inner_text()
    entry = log.locator("tbody tr", has_text=VISIT_TITLE)
    assert entry.count() == 1
    assert "7" in entry.inner_text()  # participants in all

    # 6. The public list and map show the partnership (the expert's window is enough).
    page.goto(visit.url("/partnerships/?q=Rheden"))
    assert page.locator(f"table a[href='/partnerships/{partnership.pk}/']").count() == 1
    page.goto(visit.url("/partnerships/map/"))
    assert page.locator("svg.pmap-svg[role=img]").count() == 2
    assert page.locator("#pmap-table tbody tr").count() == 1
    assert "Municipality of Rheden" in page.locator("#pmap-table").inner_text()

    # Nothing came from another host.
    assert visit.other_host_requests() == []
    assert coordinator_visit.other_host_requests() == []
