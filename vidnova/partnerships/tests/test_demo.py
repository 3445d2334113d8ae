"""The demo partnerships built by the create_demo command: contacts and offers of the six demo
partners, hand-typed needs and profiles, the two constraints, the executed match run, the accepted
and active partnership with its memorandum and first visit, the closed phase-1 partnership, and
idempotence. Runs on the real registry (the root conftest loads it)."""

from __future__ import annotations

from collections import Counter

import pytest

from vidnova.audit.models import AuditEntry
from vidnova.partnerships import demo as partnership_demo
from vidnova.partnerships.models import (
    Activity,
    Agreement,
    ConstraintKind,
    Decision,
    ExpertiseOffer,
    FollowUp,
    HromadaPartnerProfile,
    MatchRun,
    MatchSuggestion,
    Need,
    PairConstraint,
    PartnerContact,
    Partnership,
    PartnershipStatus,
    RunStatus,
    UnmatchedHromada,
)
from vidnova.programmes import demo
from vidnova.programmes.tests.conftest import demo_registry  # noqa: F401 - a fixture, used by name

pytestmark = pytest.mark.usefixtures("demo_registry")

PASSWORD = "demo-password-123"
PARTNERS = {
    "Municipality of The Hague",
    "Municipality of Rheden",
    "Municipality of Oudewater",
    "Municipality of Rhenen",
    "Safety Region Utrecht",
    "Town of Mińsk Mazowiecki",
}


def _counts() -> dict[str, int]:
    return {
        "contacts": PartnerContact.objects.count(),
        "offers": ExpertiseOffer.objects.count(),
        "needs": Need.objects.count(),
        "profiles": HromadaPartnerProfile.objects.count(),
        "constraints": PairConstraint.objects.count(),
        "runs": MatchRun.objects.count(),
        "suggestions": MatchSuggestion.objects.count(),
        "unmatched": UnmatchedHromada.objects.count(),
        "partnerships": Partnership.objects.count(),
        "agreements": Agreement.objects.count(),
        "activities": Activity.objects.count(),
        "follow_ups": FollowUp.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


def test_demo_partnerships() -> None:
    result = demo.demo_create(password=PASSWORD)
    programme = result.programme

    # Contacts with their languages, and ~a dozen offers from each of the six partners.
    contacts = PartnerContact.objects.select_related("organisation")
    assert {contact.organisation.name_en for contact in contacts} == PARTNERS
    languages = {contact.organisation.name_en: set(contact.languages) for contact in contacts if contact.is_primary}
    assert languages["Municipality of Rheden"] == {"nl", "en", "de"}
    assert languages["Town of Mińsk Mazowiecki"] == {"pl", "en", "uk"}
    offers = list(ExpertiseOffer.objects.select_related("organisation").prefetch_related("themes"))
    assert len(offers) == len(partnership_demo.OFFERS) >= 12
    assert {offer.organisation.name_en for offer in offers} == PARTNERS
    assert all(offer.is_demo for offer in offers)
    assert all(1 <= offer.capacity <= 3 for offer in offers)
    assert {mode for offer in offers for mode in offer.modes} == {
        "peer_exchange",
        "study_visit",
        "remote_coaching",
        "expert_mission",
        "equipment_donation",
    }
    assert {str(offer.available_from) for offer in offers} == {"2026-01-01"}
    assert {str(offer.available_until) for offer in offers} == {"2027-12-31"}
    themes = {theme.code for offer in offers for theme in offer.themes.all()}
    assert {
        "crisis-planning",
        "civil-protection",
        "fire-rescue",
        "eu-integration",
        "dream-project-preparation",
    } <= themes
    # The safety region's offers were written by its own partner expert.
    safety_offers = [offer for offer in offers if offer.organisation.name_en == "Safety Region Utrecht"]
    assert {offer.created_by.email for offer in safety_offers if offer.created_by} == {"expert@demo.vidnova.local"}
    assert AuditEntry.objects.filter(action="partnerships.offer.created").count() == len(offers)

    # Needs typed by hand, profiles (one hromada works in Ukrainian and English; one does not seek).
    assert Need.objects.filter(programme=programme, is_demo=True).count() == len(partnership_demo.NEEDS)
    profiles = {p.hromada.katottg: p for p in HromadaPartnerProfile.objects.select_related("hromada")}
    assert profiles[partnership_demo.BASHTANSKA].languages == ["uk", "en"]
    assert profiles[partnership_demo.POKROVSKA].seeks_partner is False

    # One lock and one rule-out.
    kinds = Counter(PairConstraint.objects.filter(programme=programme).values_list("kind", flat=True))
    assert kinds == {ConstraintKind.LOCK: 1, ConstraintKind.RULE_OUT: 1}

    # The match run: over the programme's hromadas, fairness weight 20, done, with results.
    run = MatchRun.objects.get(programme=programme)
    assert run.title == "Demo match run"
    assert run.fairness_weight == 20
    assert run.status == RunStatus.DONE
    assert run.is_demo
    assert run.inputs["hromadas"] >= 15
    suggestions = list(run.suggestions.select_related("hromada", "offer"))
    assert len(suggestions) >= 5
    assert all(suggestion.components for suggestion in suggestions)
    ruled_out = PairConstraint.objects.get(kind=ConstraintKind.RULE_OUT)
    assert not any(s.hromada_id == ruled_out.hromada_id and s.offer_id == ruled_out.offer_id for s in suggestions)
    locked = PairConstraint.objects.get(kind=ConstraintKind.LOCK)
    accepted = run.suggestions.get(hromada=locked.hromada, offer=locked.offer)
    assert accepted.locked
    assert accepted.decision == Decision.ACCEPTED
    # The best match with a Dutch municipality is accepted too and stays proposed (it shows on the map).
    proposed = run.suggestions.exclude(pk=accepted.pk).get(decision=Decision.ACCEPTED)
    assert proposed.offer.organisation.kind == "dutch_municipality"
    assert Partnership.objects.get(suggestion=proposed).status == PartnershipStatus.PROPOSED
    assert run.suggestions.filter(decision=Decision.PENDING).count() == len(suggestions) - 2

    # The accepted suggestion became an active partnership with a signed tripartite memorandum.
    partnership = Partnership.objects.get(suggestion=accepted)
    assert partnership.status == PartnershipStatus.ACTIVE
    assert partnership.is_demo
    assert partnership.offer == locked.offer
    assert partnership.hromada.katottg == partnership_demo.BASHTANSKA
    assert list(partnership.transitions.values_list("to_status", flat=True)) == ["agreed", "active"]
    memorandum = partnership.agreements.get()
    assert memorandum.kind == "tripartite_memorandum"
    assert memorandum.signed_on is not None
    assert not memorandum.file
    assert sorted(memorandum.signatories.values_list("organisation_name", flat=True)) == sorted(
        ["Association of Ukrainian Cities", "VNG International", "Баштанська територіальна громада"]
    )
    # Its first activity: a visit with participants by role and gender, one follow-up done, one open.
    activity = partnership.activities.get()
    assert activity.kind == "visit_to_partner"
    roles = {row.role: (row.women, row.men) for row in activity.participants.all()}
    assert roles == {"hromada_staff": (3, 2), "elected": (0, 1), "partner_experts": (2, 3)}
    assert sorted(activity.follow_ups.values_list("status", flat=True)) == ["done", "open"]
    assert activity.created_by is not None
    assert activity.created_by.email == "editor@demo.vidnova.local"

    # The phase-1 partnership of the safety region, closed, with its history.
    history = Partnership.objects.get(title=partnership_demo.HISTORY_TITLE)
    assert history.status == PartnershipStatus.CLOSED
    assert history.hromada.katottg == partnership_demo.VOZNESENSKA
    assert [link.organisation.name_en for link in history.partner_links.all()] == ["Safety Region Utrecht"]
    assert list(history.transitions.values_list("to_status", flat=True)) == ["agreed", "active", "closed"]
    assert history.activities.count() == 1
    assert history.agreements.get().signatories.count() == 3


def test_demo_partnerships_run_twice_without_creating_anything() -> None:
    first = demo.demo_create(password=PASSWORD)
    assert any(line.startswith("match run Demo match run") for line in first.created)
    before = _counts()
    assert before["runs"] == 1
    assert before["partnerships"] == 3  # the active one, the proposed one and the closed phase-1 one

    second = demo.demo_create(password=PASSWORD)
    assert second.created == []
    assert _counts() == before

    # Also when called on its own, with the demo's accounts and organisations.
    from vidnova.accounts.models import User
    from vidnova.programmes.models import Organisation

    users = {
        key: User.objects.get(email=f"{key}@demo.vidnova.local")
        for key in ("admin", "coordinator", "editor", "viewer", "expert")
    }
    created: list[str] = []
    partnership_demo.create_demo_partnerships(
        programme=first.programme,
        users=users,
        organisations=list(Organisation.objects.filter(is_demo=True)),
        created=created,
    )
    assert created == []
    assert _counts() == before


def test_the_themes_come_back_when_a_database_lost_them() -> None:
    from vidnova.partnerships.models import Theme

    assert Theme.objects.count() == 20  # seeded by the migration
    created: list[str] = []
    partnership_demo.ensure_themes(created)
    assert created == []
    Theme.objects.all().delete()
    partnership_demo.ensure_themes(created)
    assert created == ["20 themes"]
    crisis = Theme.objects.get(code="crisis-planning")
    assert (crisis.field, crisis.dimensions, crisis.name_en) == (
        1,
        ["f1_org", "f1_risk"],
        "Crisis planning and crisis management",
    )


def test_renamed_partners_are_still_found() -> None:
    from vidnova.programmes.models import Organisation

    demo.demo_create(password=PASSWORD)
    Organisation.objects.filter(name_en="Safety Region Utrecht").update(name_en="VRU")
    Organisation.objects.filter(name_en="Municipality of Rheden").update(name_en="Rheden")
    before = _counts()
    assert demo.demo_create(password=PASSWORD).created == []
    assert _counts() == before
