"""partnership_create / partnership_update / partnership_transition and the partnership selectors:
validation, access, audit and status rules."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from vidnova.audit.models import AuditEntry
from vidnova.core.exceptions import EditConflict
from vidnova.partnerships.models import (
    Agreement,
    PartnerRole,
    Partnership,
    PartnershipStatus,
    PartnershipTransition,
)
from vidnova.partnerships.selectors.partnerships import (
    open_follow_ups,
    participant_totals,
    partnership_detail,
    visible_partnerships,
)
from vidnova.partnerships.services.activities import activity_create
from vidnova.partnerships.services.partnerships import (
    partnership_create,
    partnership_transition,
    partnership_update,
)
from vidnova.programmes.models import Organisation
from vidnova.testing import factories
from vidnova.testing.partnerships import make_offer, make_partnership


@pytest.fixture
def rheden(world: Any) -> Organisation:
    municipality = factories.DutchMunicipalityFactory()
    organisation = factories.OrganisationFactory(
        kind="dutch_municipality", country="NL", name_en="Rheden", dutch_municipality=municipality
    )
    organisation.programmes.add(world.programme)
    return organisation


def _create(world: Any, **overrides: Any) -> Partnership:
    arguments: dict[str, Any] = {
        "acting_user": world.coordinator,
        "programme": world.programme,
        "hromada": world.hromada,
        "partners": [(world.organisation, PartnerRole.LEAD)],
        "themes": ["crisis-planning", "civil-protection"],
        "title": "  Crisis planning with the safety region  ",
        "description": "Coaching",
        "starts_on": datetime.date(2026, 3, 1),
        "ends_on": datetime.date(2027, 2, 28),
    }
    arguments.update(overrides)
    return partnership_create(**arguments)


def _errors(excinfo: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return excinfo.value.message_dict


# --- create -------------------------------------------------------------------------------------


def test_create_saves_partners_themes_and_audits(world: Any, rheden: Organisation) -> None:
    partnership = _create(world, partners=[(world.organisation, "lead"), (rheden, "supporting")])
    assert partnership.status == PartnershipStatus.PROPOSED
    assert partnership.title == "Crisis planning with the safety region"
    assert partnership.created_by == world.coordinator
    links = {link.organisation_id: link.role for link in partnership.partner_links.all()}
    assert links == {world.organisation.pk: "lead", rheden.pk: "supporting"}
    assert sorted(partnership.themes.values_list("code", flat=True)) == ["civil-protection", "crisis-planning"]
    assert not PartnershipTransition.objects.filter(partnership=partnership).exists()
    entry = AuditEntry.objects.get(action="partnerships.partnership.created")
    assert entry.object_id == str(partnership.pk)
    assert entry.hromada == world.hromada
    assert entry.actor == world.coordinator
    assert entry.changes["status"] == [None, "proposed"]


def test_create_accepts_mappings_and_text_dates(world: Any) -> None:
    partnership = _create(
        world,
        partners=[{"organisation": str(world.organisation.pk), "role": "partner"}],
        starts_on="2026-04-01",
        ends_on="01.05.2027",
    )
    assert partnership.starts_on == datetime.date(2026, 4, 1)
    assert partnership.ends_on == datetime.date(2027, 5, 1)


def test_create_refuses_hromada_outside_programme(world: Any) -> None:
    with pytest.raises(ValidationError) as excinfo:
        _create(world, hromada=world.other_hromada)
    message = _errors(excinfo)["hromada"][0]
    assert str(world.other_hromada) in message
    assert str(world.programme) in message
    assert "does not take part" in message
    assert not Partnership.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="partnerships.").exists()


def test_create_refuses_missing_partners_and_themes_and_title(world: Any) -> None:
    with pytest.raises(ValidationError) as excinfo:
        _create(world, partners=[], themes=[], title=" ")
    errors = _errors(excinfo)
    assert "at least one partner" in errors["partners"][0]
    assert "at least one theme" in errors["themes"][0]
    assert "title" in errors
    assert not Partnership.objects.exists()


def test_create_refuses_non_partner_kind_and_organisation_outside_programme(world: Any) -> None:
    agency = factories.OrganisationFactory(kind="implementing_agency", name_en="Agency")
    agency.programmes.add(world.programme)
    stranger = factories.OrganisationFactory(kind="eu_municipality", country="PL", name_en="Elsewhere")
    with pytest.raises(ValidationError) as excinfo:
        _create(world, partners=[(agency, "lead"), (stranger, "partner"), (world.organisation, "boss")])
    errors = _errors(excinfo)
    assert "not a partner organisation" in errors["partners[0].organisation"][0]
    assert "does not take part" in errors["partners[1].organisation"][0]
    assert "role" in errors["partners[2].role"][0].lower()
    assert not Partnership.objects.exists()


def test_create_refuses_unknown_theme_and_end_before_start(world: Any) -> None:
    with pytest.raises(ValidationError) as excinfo:
        _create(
            world,
            themes=["crisis-planning", "space-travel"],
            starts_on=datetime.date(2026, 5, 1),
            ends_on=datetime.date(2026, 4, 1),
        )
    errors = _errors(excinfo)
    assert "space-travel" in errors["themes"][0]
    assert "cannot end" in errors["ends_on"][0]


def test_create_refuses_full_offer_and_offer_of_another_organisation(world: Any, rheden: Organisation) -> None:
    offer = make_offer(world.organisation, capacity=2, title="Crisis coaching")
    make_partnership(world.programme, world.hromada, world.organisation, offer=offer)
    make_partnership(world.programme, world.hromada, world.organisation, offer=offer, status="active")
    make_partnership(world.programme, world.hromada, world.organisation, offer=offer, status="closed")
    with pytest.raises(ValidationError) as excinfo:
        _create(world, offer=offer)
    assert _errors(excinfo)["offer"] == ["Crisis coaching has no places left (capacity 2, 2 taken)."]
    other_offer = make_offer(rheden, title="Rheden offer")
    with pytest.raises(ValidationError) as excinfo:
        _create(world, offer=other_offer)
    assert "not one of the partners' offers" in _errors(excinfo)["offer"][0]
    assert Partnership.objects.count() == 3


def test_create_takes_a_place_on_an_offer(world: Any) -> None:
    offer = make_offer(world.organisation, capacity=1)
    partnership = _create(world, offer=offer)
    assert partnership.offer == offer


def test_create_is_staff_only(world: Any) -> None:
    for user in (world.editor, world.viewer, world.expert, world.outsider):
        with pytest.raises(PermissionDenied):
            _create(world, acting_user=user)
    assert _create(world, acting_user=world.admin).pk
    assert _create(world, acting_user=None).created_by is None


# --- update -------------------------------------------------------------------------------------


def test_update_changes_fields_and_audits_diff(world: Any, rheden: Organisation) -> None:
    partnership = _create(world)
    updated = partnership_update(
        acting_user=world.coordinator,
        partnership=partnership,
        data={
            "title": "Renamed",
            "themes": ["energy-resilience"],
            "partners": [(world.organisation, "partner"), (rheden, "lead")],
            "ends_on": "2027-06-30",
        },
        expected_version=partnership.version,
    )
    assert updated.version == partnership.version + 1
    updated.refresh_from_db()
    assert updated.title == "Renamed"
    assert updated.ends_on == datetime.date(2027, 6, 30)
    assert list(updated.themes.values_list("code", flat=True)) == ["energy-resilience"]
    assert {link.organisation_id: link.role for link in updated.partner_links.all()} == {
        world.organisation.pk: "partner",
        rheden.pk: "lead",
    }
    entry = AuditEntry.objects.get(action="partnerships.partnership.updated")
    assert entry.changes["title"] == ["Crisis planning with the safety region", "Renamed"]
    assert entry.changes["themes"] == [["civil-protection", "crisis-planning"], ["energy-resilience"]]
    assert "description" not in entry.changes


def test_update_conflict_and_bad_input_save_nothing(world: Any) -> None:
    partnership = _create(world)
    with pytest.raises(EditConflict):
        partnership_update(
            acting_user=world.coordinator, partnership=partnership, data={"title": "X"}, expected_version=99
        )
    with pytest.raises(ValidationError) as excinfo:
        partnership_update(
            acting_user=world.coordinator,
            partnership=partnership,
            data={"title": "", "ends_on": "2020-01-01", "colour": "red"},
            expected_version=partnership.version,
        )
    errors = _errors(excinfo)
    assert set(errors) == {"title", "ends_on", "colour"}
    partnership.refresh_from_db()
    assert partnership.title == "Crisis planning with the safety region"
    assert partnership.version == 1


def test_update_keeps_the_offer_organisation_as_partner(world: Any, rheden: Organisation) -> None:
    offer = make_offer(world.organisation)
    partnership = _create(world, offer=offer, partners=[(world.organisation, "lead"), (rheden, "partner")])
    with pytest.raises(ValidationError) as excinfo:
        partnership_update(
            acting_user=world.coordinator,
            partnership=partnership,
            data={"partners": [(rheden, "lead")]},
            expected_version=None,
        )
    assert "stays a partner" in _errors(excinfo)["partners"][0]


def test_update_access(world: Any) -> None:
    partnership = _create(world)
    with pytest.raises(Http404):
        partnership_update(
            acting_user=world.outsider, partnership=partnership, data={"title": "X"}, expected_version=None
        )
    for user in (world.editor, world.viewer, world.expert):
        with pytest.raises(PermissionDenied):
            partnership_update(acting_user=user, partnership=partnership, data={"title": "X"}, expected_version=None)


# --- transitions --------------------------------------------------------------------------------


def _sign(partnership: Partnership, signed: datetime.date | None = datetime.date(2026, 1, 10)) -> Agreement:
    return Agreement.objects.create(
        partnership=partnership, kind="municipal_agreement", title="Agreement", signed_on=signed
    )


def test_agreed_needs_a_signed_agreement(world: Any) -> None:
    partnership = _create(world)
    _sign(partnership, signed=None)
    with pytest.raises(ValidationError) as excinfo:
        partnership_transition(acting_user=world.coordinator, partnership=partnership, to_status="agreed")
    assert _errors(excinfo)["to_status"][0].startswith("Record the signed agreement first:")
    _sign(partnership)
    moved = partnership_transition(acting_user=world.coordinator, partnership=partnership, to_status="agreed")
    assert moved.status == "agreed"
    transition = PartnershipTransition.objects.get(partnership=partnership)
    assert (transition.from_status, transition.to_status, transition.actor) == ("proposed", "agreed", world.coordinator)
    entry = AuditEntry.objects.get(action="partnerships.partnership.transitioned")
    assert entry.changes == {"status": ["proposed", "agreed"]}


def test_active_and_closed_fill_empty_dates(world: Any) -> None:
    partnership = _create(world, starts_on=None, ends_on=None)
    _sign(partnership)
    today = timezone.localdate()
    partnership_transition(acting_user=world.coordinator, partnership=partnership, to_status="agreed")
    partnership = partnership_transition(acting_user=world.coordinator, partnership=partnership, to_status="active")
    assert partnership.starts_on == today
    partnership = partnership_transition(
        acting_user=world.coordinator, partnership=partnership, to_status="closed", expected_version=partnership.version
    )
    partnership.refresh_from_db()
    assert (partnership.status, partnership.ends_on) == ("closed", today)
    assert list(partnership.transitions.values_list("to_status", flat=True)) == ["agreed", "active", "closed"]


def test_refused_transitions_name_allowed_statuses(world: Any) -> None:
    partnership = _create(world)
    with pytest.raises(ValidationError) as excinfo:
        partnership_transition(acting_user=world.coordinator, partnership=partnership, to_status="active")
    assert _errors(excinfo)["to_status"] == ["A partnership that is proposed can move only to: agreed, closed."]
    with pytest.raises(ValidationError) as excinfo:
        partnership_transition(acting_user=world.coordinator, partnership=partnership, to_status="flying")
    assert "agreed, closed" in _errors(excinfo)["to_status"][0]
    partnership.refresh_from_db()
    assert partnership.status == "proposed"
    assert not PartnershipTransition.objects.exists()


def test_closing_before_start_needs_a_note(world: Any) -> None:
    partnership = _create(world)
    with pytest.raises(ValidationError) as excinfo:
        partnership_transition(acting_user=world.coordinator, partnership=partnership, to_status="closed")
    assert "Say why" in _errors(excinfo)["note"][0]
    closed = partnership_transition(
        acting_user=world.coordinator, partnership=partnership, to_status="closed", note="The hromada withdrew."
    )
    assert closed.status == "closed"
    assert closed.transitions.get().note == "The hromada withdrew."
    with pytest.raises(ValidationError) as excinfo:
        partnership_transition(acting_user=world.coordinator, partnership=closed, to_status="active")
    assert "closed partnership" in _errors(excinfo)["to_status"][0]


def test_transition_conflict_and_access(world: Any) -> None:
    partnership = _create(world)
    with pytest.raises(EditConflict):
        partnership_transition(
            acting_user=world.coordinator, partnership=partnership, to_status="closed", note="x", expected_version=7
        )
    with pytest.raises(Http404):
        partnership_transition(acting_user=world.outsider, partnership=partnership, to_status="closed", note="x")
    for user in (world.editor, world.viewer, world.expert):
        with pytest.raises(PermissionDenied):
            partnership_transition(acting_user=user, partnership=partnership, to_status="closed", note="x")


# --- selectors ----------------------------------------------------------------------------------


def test_visible_partnerships_filters(world: Any, rheden: Organisation) -> None:
    first = _create(world)  # field 1, safety region (country from factory)
    second = _create(world, partners=[(rheden, "lead")], themes=["local-finance"], title="Finance")
    partnership_transition(acting_user=world.coordinator, partnership=second, to_status="closed", note="Ended")

    def ids(**filters: Any) -> set[int]:
        return set(visible_partnerships(world.outsider, filters).values_list("pk", flat=True))

    assert ids() == {first.pk, second.pk}
    assert ids(status="closed") == {second.pk}
    assert ids(status="nonsense") == set()
    assert ids(theme="crisis-planning") == {first.pk}
    assert ids(field="2") == {second.pk}
    assert ids(field="9") == set()
    assert ids(organisation=rheden.pk) == {second.pk}
    assert ids(country="nl") == {second.pk}
    assert ids(hromada=world.hromada.katottg) == {first.pk, second.pk}
    assert ids(hromada=world.other_hromada.katottg) == set()
    assert ids(programme=world.programme.slug) == {first.pk, second.pk}
    assert ids(programme="other") == set()
    assert ids(oblast=world.hromada.oblast.katottg) == {first.pk, second.pk}


def test_partnership_detail_and_totals(world: Any, django_assert_max_num_queries: Any) -> None:
    partnership = _create(world)
    activity_create(
        acting_user=world.editor,
        partnership=partnership,
        data={"kind": "call", "title": "Kick-off", "starts_on": "2026-03-02"},
        participants={"hromada_staff": {"women": 3, "men": 2}, "partner_experts": {"men": 1, "not_stated": 1}},
        follow_ups=[{"description": "Send the plan"}],
    )
    activity_create(
        acting_user=world.expert,
        partnership=partnership,
        data={"kind": "visit_to_hromada", "title": "Visit", "starts_on": "2026-04-02"},
        participants={"hromada_staff": {"women": 1}},
    )
    with django_assert_max_num_queries(12):
        detail = partnership_detail(partnership.pk)
        totals = participant_totals(detail.activities.all())
    assert [(row.role, row.women, row.men, row.not_stated) for row in totals.rows] == [
        ("hromada_staff", 4, 2, 0),
        ("partner_experts", 0, 1, 1),
    ]
    assert (totals.women, totals.men, totals.not_stated, totals.total) == (4, 3, 1, 8)
    assert participant_totals(partnership.activities.all()).total == 8  # a queryset is summed in the database


def test_open_follow_ups_only_for_insiders(world: Any) -> None:
    partnership = _create(world)
    activity_create(
        acting_user=world.coordinator,
        partnership=partnership,
        data={"kind": "call", "title": "Kick-off", "starts_on": "2026-03-02"},
        follow_ups=[
            {"description": "Later", "due_on": "2026-06-01"},
            {"description": "No date"},
            {"description": "Soon", "due_on": "2026-04-01"},
        ],
    )
    assert [f.description for f in open_follow_ups(world.coordinator)] == ["Soon", "Later", "No date"]
    assert open_follow_ups(world.viewer).count() == 3
    assert open_follow_ups(world.expert).count() == 3
    assert open_follow_ups(world.outsider).count() == 0
    other_programme = factories.ProgrammeFactory(slug="other")
    assert open_follow_ups(world.coordinator, programme=other_programme).count() == 0
