"""Expertise offers: the services (cleaning, refusals, access, conflicts, the audit log) and the
catalogue selectors (places taken, languages, filters)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from vidnova.audit.models import AuditEntry
from vidnova.core.exceptions import EditConflict
from vidnova.partnerships.models import MAX_OFFER_CAPACITY, ExpertiseOffer, PartnerContact, PartnershipStatus
from vidnova.partnerships.selectors.offers import (
    language_name,
    offer_languages,
    partner_organisations,
    places_taken,
    visible_offers,
)
from vidnova.partnerships.services.offers import offer_create, offer_set_status, offer_update
from vidnova.programmes.models import Organisation
from vidnova.registry.models import DutchMunicipality
from vidnova.testing import factories
from vidnova.testing.partnerships import make_offer, make_partnership


def _dutch(name: str) -> Organisation:
    municipality = DutchMunicipality.objects.get(name=name)
    return factories.OrganisationFactory(
        kind="dutch_municipality", country="NL", name_en=name, dutch_municipality=municipality
    )


def _data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "  Crisis planning coaching  ",
        "description": "Two coaches from the safety region.",
        "text_language": "en",
        "themes": ["crisis-planning", "civil-protection"],
        "modes": ["remote_coaching", "study_visit"],
        "capacity": "3",
        "languages": "en, nl",
        "available_from": "2026-01-01",
        "available_until": "31.12.2026",
    }
    data.update(overrides)
    return data


def test_expert_creates_an_offer_for_own_organisation(world: Any) -> None:
    offer = offer_create(acting_user=world.expert, organisation=world.organisation, data=_data())
    offer.refresh_from_db()
    assert offer.title == "Crisis planning coaching"
    assert sorted(offer.themes.values_list("code", flat=True)) == ["civil-protection", "crisis-planning"]
    assert offer.modes == ["remote_coaching", "study_visit"]
    assert offer.capacity == 3
    assert offer.languages == ["en", "nl"]
    assert offer.available_until == datetime.date(2026, 12, 31)
    assert offer.status == "active"
    assert offer.created_by == world.expert
    entry = AuditEntry.objects.get(action="partnerships.offer.created")
    assert entry.actor == world.expert
    assert entry.data["themes"] == ["civil-protection", "crisis-planning"]


def test_staff_create_for_any_partner_but_others_may_not(world: Any) -> None:
    other = _dutch("Rheden")
    offer = offer_create(acting_user=world.coordinator, organisation=other, data=_data())
    assert offer.organisation == other
    for user in (world.expert, world.viewer, world.editor, world.outsider):
        with pytest.raises(PermissionDenied):
            offer_create(acting_user=user, organisation=other, data=_data())
    assert ExpertiseOffer.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"themes": []}, "themes", "Choose at least one theme"),
        ({"themes": ["no-such-theme"]}, "themes", "Unknown theme: no-such-theme"),
        ({"modes": []}, "modes", "Choose at least one mode"),
        ({"modes": ["teleportation"]}, "modes", "Unknown mode: teleportation"),
        ({"capacity": 0}, "capacity", "from 1 to 50"),
        ({"capacity": MAX_OFFER_CAPACITY + 1}, "capacity", "from 1 to 50"),
        ({"capacity": ""}, "capacity", "from 1 to 50"),
        ({"languages": ["xx"]}, "languages", "Unknown language code: xx"),
        ({"available_until": "2025-12-31"}, "available_until", "cannot end before it starts"),
        ({"available_from": "someday"}, "available_from", "YYYY-MM-DD"),
        ({"title": "   "}, "title", "required"),
        ({"status": "sleeping"}, "status", "Unknown status"),
        ({"text_language": "klingon"}, "text_language", "Unknown language code"),
    ],
)
def test_bad_offer_is_refused_and_nothing_saved(
    world: Any, overrides: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        offer_create(acting_user=world.expert, organisation=world.organisation, data=_data(**overrides))
    assert field in caught.value.message_dict
    assert message in " ".join(caught.value.message_dict[field])
    assert not ExpertiseOffer.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="partnerships.").exists()


def test_every_bad_field_is_named_at_once(world: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        offer_create(
            acting_user=world.expert,
            organisation=world.organisation,
            data=_data(themes=[], modes=[], capacity=0),
        )
    assert {"themes", "modes", "capacity"} <= set(caught.value.message_dict)


def test_organisation_that_is_not_a_partner_is_refused(world: Any) -> None:
    agency = factories.OrganisationFactory(kind="implementing_agency", name_en="Agency")
    with pytest.raises(ValidationError) as caught:
        offer_create(acting_user=world.coordinator, organisation=agency, data=_data())
    assert "does not lend expertise" in caught.value.message_dict["organisation"][0]
    assert not ExpertiseOffer.objects.exists()


def test_update_changes_given_fields_and_records_the_diff(world: Any) -> None:
    offer = offer_create(acting_user=world.expert, organisation=world.organisation, data=_data())
    updated = offer_update(
        acting_user=world.expert,
        offer=offer,
        data={"capacity": 5, "themes": ["energy-resilience"]},
        expected_version=offer.version,
    )
    assert updated.capacity == 5
    assert updated.version == 2
    assert list(updated.themes.values_list("code", flat=True)) == ["energy-resilience"]
    assert updated.title == "Crisis planning coaching"
    entry = AuditEntry.objects.get(action="partnerships.offer.updated")
    assert entry.changes["capacity"] == [3, 5]
    assert entry.changes["themes"] == [["civil-protection", "crisis-planning"], ["energy-resilience"]]


def test_update_checks_until_against_the_saved_start(world: Any) -> None:
    offer = make_offer(world.organisation, available_from=datetime.date(2026, 6, 1))
    with pytest.raises(ValidationError) as caught:
        offer_update(acting_user=world.expert, offer=offer, data={"available_until": "2026-05-01"}, expected_version=1)
    assert "available_until" in caught.value.message_dict
    offer.refresh_from_db()
    assert offer.available_until is None
    assert offer.version == 1


def test_update_with_a_stale_version_is_a_conflict(world: Any) -> None:
    offer = make_offer(world.organisation)
    offer_update(acting_user=world.expert, offer=offer, data={"title": "First"}, expected_version=1)
    with pytest.raises(EditConflict):
        offer_update(acting_user=world.coordinator, offer=offer, data={"title": "Second"}, expected_version=1)
    offer.refresh_from_db()
    assert offer.title == "First"


def test_update_by_someone_else_is_refused(world: Any) -> None:
    offer = make_offer(world.organisation)
    other = _dutch("Oudewater")
    foreign = make_offer(other)
    offer_update(acting_user=world.expert, offer=offer, data={"capacity": 4}, expected_version=None)
    for user in (world.viewer, world.editor, world.outsider):
        with pytest.raises(PermissionDenied):
            offer_update(acting_user=user, offer=offer, data={"capacity": 9}, expected_version=None)
    with pytest.raises(PermissionDenied):
        offer_update(acting_user=world.expert, offer=foreign, data={"capacity": 9}, expected_version=None)


def test_status_changes_are_logged_and_unknown_status_refused(world: Any) -> None:
    offer = make_offer(world.organisation)
    offer_set_status(acting_user=world.expert, offer=offer, status="paused")
    offer.refresh_from_db()
    assert offer.status == "paused"
    entry = AuditEntry.objects.get(action="partnerships.offer.status_changed")
    assert entry.changes == {"status": ["active", "paused"]}
    with pytest.raises(ValidationError) as caught:
        offer_set_status(acting_user=world.expert, offer=offer, status="gone")
    assert "status" in caught.value.message_dict
    with pytest.raises(PermissionDenied):
        offer_set_status(acting_user=world.viewer, offer=offer, status="withdrawn")
    with pytest.raises(EditConflict):
        offer_set_status(acting_user=world.expert, offer=offer, status="active", expected_version=1)


# --- selectors ------------------------------------------------------------------------------------


def test_places_taken_counts_partnerships_that_are_not_closed(world: Any) -> None:
    offer = make_offer(world.organisation, capacity=3)
    empty = make_offer(world.organisation, title="Other")
    make_partnership(world.programme, world.hromada, world.organisation, offer=offer)
    make_partnership(world.programme, world.other_hromada, world.organisation, offer=offer, status="active")
    make_partnership(world.programme, world.hromada, world.organisation, offer=offer, status=PartnershipStatus.CLOSED)
    assert places_taken([offer.pk, empty.pk]) == {offer.pk: 2, empty.pk: 0}
    assert places_taken([]) == {}


def test_offer_languages_include_the_contacts_languages(world: Any) -> None:
    offer = make_offer(world.organisation, languages=["en"])
    PartnerContact.objects.create(organisation=world.organisation, full_name="A", languages=["nl", "de"])
    PartnerContact.objects.create(organisation=world.organisation, full_name="B", languages=["uk"])
    assert offer_languages([offer]) == {offer.pk: frozenset({"en", "nl", "de", "uk"})}


def test_language_names_follow_the_interface_language() -> None:
    assert language_name("nl") == "Dutch"
    assert language_name("pl") == "Polish"


def test_catalogue_filters(world: Any, django_assert_max_num_queries: Any) -> None:
    rheden = _dutch("Rheden")
    minsk = factories.OrganisationFactory(kind="eu_municipality", country="PL", name_en="Minsk Mazowiecki")
    crisis = make_offer(world.organisation, themes=["crisis-planning"], modes=["expert_mission"], languages=["en"])
    finance = make_offer(
        rheden, themes=["local-finance"], modes=["study_visit"], languages=["nl"], title="Municipal finance"
    )
    participation = make_offer(
        minsk, themes=["citizen-participation"], capacity=1, languages=["pl"], title="Participation"
    )
    withdrawn = make_offer(rheden, title="Withdrawn", status="withdrawn")
    PartnerContact.objects.create(organisation=minsk, full_name="Anna", languages=["uk"])
    make_partnership(world.programme, world.hromada, minsk, offer=participation)
    expired = make_offer(
        rheden, title="Expired", available_from=datetime.date(2020, 1, 1), available_until=datetime.date(2020, 12, 31)
    )

    def ids(**filters: Any) -> set[int]:
        return {offer.pk for offer in visible_offers(None, filters)}  # type: ignore[arg-type]

    assert ids() == {crisis.pk, finance.pk, participation.pk, expired.pk}
    assert ids(theme="local-finance") == {finance.pk}
    assert ids(field="3") == {participation.pk}
    assert ids(mode="expert_mission") == {crisis.pk}
    assert ids(language="uk") == {participation.pk}  # through its contact person
    assert ids(country="nl") == {finance.pk, expired.pk}
    assert ids(status="withdrawn") == {withdrawn.pk}
    assert ids(open="1") == {crisis.pk, finance.pk}  # participation is full, expired is over
    assert ids(q="finance") == {finance.pk}
    assert ids(organisation=str(minsk.pk)) == {participation.pk}
    with django_assert_max_num_queries(3):
        offers = list(visible_offers(None, {}))  # type: ignore[arg-type]
        taken = {offer.pk: offer.taken for offer in offers}  # type: ignore[attr-defined]
        assert [theme.code for theme in offers[0].themes.all()]
    assert taken[participation.pk] == 1
    assert timezone.localdate() > expired.available_until  # type: ignore[operator]


def test_partner_organisations_count_open_offers_and_partnerships(world: Any) -> None:
    make_offer(world.organisation)
    make_offer(world.organisation, title="Paused", status="paused")
    make_partnership(world.programme, world.hromada, world.organisation)
    factories.OrganisationFactory(kind="implementing_agency")
    rows = {organisation.pk: organisation for organisation in partner_organisations()}
    assert list(rows) == [world.organisation.pk]
    assert rows[world.organisation.pk].open_offers == 1  # type: ignore[attr-defined]
    assert rows[world.organisation.pk].partnership_count == 1  # type: ignore[attr-defined]
