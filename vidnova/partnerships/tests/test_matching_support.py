"""Helpers of the matching tests (a programme with two seeking hromadas and offers), and the tests of
the engine's input as the selectors read it from the database."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from conftest import World
from vidnova.partnerships.matching.types import Weights
from vidnova.partnerships.models import (
    ConstraintKind,
    ExpertiseOffer,
    HromadaPartnerProfile,
    MatchRun,
    OfferStatus,
    PairConstraint,
    PartnerContact,
    RunStatus,
)
from vidnova.partnerships.selectors.matching import build_input
from vidnova.partnerships.services import matching as services
from vidnova.programmes.models import Organisation, OrganisationKind
from vidnova.registry.models import DutchMunicipality, Hromada, SecurityStatus
from vidnova.testing import factories
from vidnova.testing.partnerships import make_offer, make_partnership, validated_assessment

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 9, 1)


@dataclass
class Setup:
    world: World
    first: Hromada  # world.hromada: civil-protection dimension at 22/100 (crisis-planning need)
    second: Hromada  # a second programme hromada, also weak on crisis planning
    municipality: Organisation  # a Dutch municipality taking part in the programme
    offer: ExpertiseOffer  # the safety region's crisis planning coaching, 1 place
    other_offer: ExpertiseOffer  # the municipality's crisis planning, 1 place


def make_setup(world: World, *, capacity: int = 1) -> Setup:
    second = factories.HromadaFactory(name_uk="Друга громада", name_latin="Druha hromada", population_2022=4000)
    factories.ParticipationFactory(phase=world.phase, hromada=second)
    validated_assessment(world.programme, world.hromada, {"f1_org": 22, "f1_risk": 70})
    validated_assessment(world.programme, second, {"f1_org": 40, "f1_risk": 80})
    dutch = DutchMunicipality.objects.order_by("cbs_code").first()
    assert dutch is not None
    municipality = factories.OrganisationFactory(
        kind=OrganisationKind.DUTCH_MUNICIPALITY, name_en=dutch.name, dutch_municipality=dutch
    )
    municipality.programmes.add(world.programme)
    offer = make_offer(world.organisation, capacity=capacity, title="Crisis planning coaching")
    other_offer = make_offer(municipality, capacity=1, title="Crisis team training", languages=("en", "uk"))
    return Setup(world, world.hromada, second, municipality, offer, other_offer)


def run_now(
    world: World,
    capture: Callable[..., Any],
    *,
    weights: Weights | None = None,
    starts_on: datetime.date = START,
    title: str = "",
) -> MatchRun:
    """Create a run as the coordinator and let the (immediate) task run it after the commit."""
    with capture(execute=True):
        run = services.match_run_create(
            acting_user=world.coordinator,
            programme=world.programme,
            starts_on=starts_on,
            weights=weights or Weights(),
            title=title,
        )
    run.refresh_from_db()
    return run


# --- the engine's input --------------------------------------------------------------------------


def test_build_input_reads_hromadas_offers_and_constraints(world: World) -> None:
    setup = make_setup(world, capacity=3)
    # The second hromada's team also speaks English and prefers remote coaching; an expert mission
    # offer is impossible in a hromada with active hostilities.
    HromadaPartnerProfile.objects.create(
        programme=world.programme,
        hromada=setup.second,
        seeks_partner=True,
        languages=["uk", "en"],
        preferred_modes=["remote_coaching"],
    )
    factories.SecurityStatusPeriodFactory(
        hromada=setup.second, status=SecurityStatus.ACTIVE_HOSTILITIES, starts_on=datetime.date(2025, 1, 1)
    )
    PartnerContact.objects.create(organisation=world.organisation, full_name="Anna", languages=["nl", "de"])
    make_partnership(world.programme, setup.first, world.organisation, offer=setup.offer)  # a place and a tie
    paused = make_offer(world.organisation, title="Paused offer", status=OfferStatus.PAUSED)
    later = make_offer(world.organisation, title="Later offer", available_from=datetime.date(2027, 1, 1))
    outside = factories.OrganisationFactory(kind=OrganisationKind.SAFETY_REGION)  # not in the programme
    make_offer(outside, title="Outside offer")
    PairConstraint.objects.create(
        programme=world.programme, hromada=setup.second, offer=setup.offer, kind=ConstraintKind.LOCK
    )
    PairConstraint.objects.create(
        programme=world.programme, hromada=setup.first, offer=paused, kind=ConstraintKind.RULE_OUT
    )
    run = MatchRun.objects.create(programme=world.programme, starts_on=START, fairness_weight=20)

    data, info = build_input(run)

    assert [h.id for h in data.hromadas] == sorted([setup.first.pk, setup.second.pk])
    second = next(h for h in data.hromadas if h.id == setup.second.pk)
    assert second.languages == frozenset({"uk", "en"})
    assert second.preferred_modes == frozenset({"remote_coaching"})
    assert second.security_status == SecurityStatus.ACTIVE_HOSTILITIES
    assert second.population == 4000
    assert {need.theme for need in second.needs} >= {"crisis-planning"}
    first = next(h for h in data.hromadas if h.id == setup.first.pk)
    assert first.security_status == "none"
    assert first.languages == frozenset({"uk"})
    crisis = next(n for n in first.needs if n.theme == "crisis-planning")
    assert crisis.severity == pytest.approx(0.78)
    assert crisis.source == "assessment"

    offers = {o.id: o for o in data.offers}
    assert set(offers) == {setup.offer.pk, setup.other_offer.pk, later.pk}  # open offers of the programme
    assert offers[setup.offer.pk].places_left == 2  # 3 places, one partnership
    assert offers[setup.offer.pk].languages == frozenset({"en", "nl", "de"})
    assert offers[setup.offer.pk].population is None  # a safety region
    dutch = setup.municipality.dutch_municipality
    assert dutch is not None
    assert offers[setup.other_offer.pk].population == dutch.population
    assert offers[later.pk].available is False
    assert offers[setup.offer.pk].available is True
    assert data.ties == {(setup.first.pk, world.organisation.pk): 1}
    assert data.weights == Weights(fairness=20)
    assert data.locks == frozenset({(setup.second.pk, setup.offer.pk)})
    assert data.rule_outs == frozenset()
    assert [c["offer_id"] for c in info["locks"]] == [setup.offer.pk]
    assert info["ignored_constraints"] == [
        {
            "constraint_id": PairConstraint.objects.get(offer=paused).pk,
            "kind": "rule_out",
            "hromada_id": setup.first.pk,
            "hromada": setup.first.name_uk,
            "offer_id": paused.pk,
            "offer": "Paused offer",
            "reason": "",
            "why": "offer_not_open",
        }
    ]


def test_build_input_leaves_out_hromadas_not_seeking(world: World) -> None:
    setup = make_setup(world)
    HromadaPartnerProfile.objects.create(
        programme=world.programme, hromada=setup.second, seeks_partner=False, languages=["uk"]
    )
    PairConstraint.objects.create(
        programme=world.programme, hromada=setup.second, offer=setup.offer, kind=ConstraintKind.LOCK
    )
    run = MatchRun.objects.create(programme=world.programme, starts_on=START)
    data, info = build_input(run)
    assert [h.id for h in data.hromadas] == [setup.first.pk]
    assert data.locks == frozenset()
    assert [(c["hromada_id"], c["why"]) for c in info["ignored_constraints"]] == [
        (setup.second.pk, "hromada_not_seeking")
    ]


def test_build_input_of_one_phase(world: World) -> None:
    setup = make_setup(world)
    phase_two = factories.PhaseFactory(programme=world.programme, number=2)
    factories.ParticipationFactory(phase=phase_two, hromada=setup.second)
    run = MatchRun.objects.create(programme=world.programme, phase=phase_two, starts_on=START)
    data, _info = build_input(run)
    assert [h.id for h in data.hromadas] == [setup.second.pk]


def test_a_run_waits_in_the_queue_until_the_commit(world: World, django_capture_on_commit_callbacks: Any) -> None:
    make_setup(world)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = services.match_run_create(
            acting_user=world.coordinator, programme=world.programme, starts_on=START, weights=Weights()
        )
    assert len(callbacks) == 1
    run.refresh_from_db()
    assert run.status == RunStatus.QUEUED
    callbacks[0]()
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
