"""Services for participations and organisations: access, validation, conflicts and the audit log."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import World
from vidnova.accounts.models import Role
from vidnova.audit.models import AuditEntry
from vidnova.core.exceptions import EditConflict
from vidnova.programmes import services
from vidnova.programmes.models import Organisation, OrganisationKind, Participation
from vidnova.testing import factories

# --- participation_add / participation_remove ------------------------------------------------


@pytest.mark.parametrize("persona", ["coordinator", "admin"])
def test_programme_staff_add_a_hromada_to_a_phase(world: World, persona: str) -> None:
    user = getattr(world, persona)
    participation = services.participation_add(
        acting_user=user, phase=world.phase, hromada=world.other_hromada, joined_on=datetime.date(2024, 5, 1)
    )

    assert Participation.objects.filter(phase=world.phase, hromada=world.other_hromada).exists()
    entry = AuditEntry.objects.get(action="programmes.participation.added")
    assert entry.actor == user
    assert entry.object_id == str(participation.pk)
    assert entry.hromada == world.other_hromada
    assert entry.data["katottg"] == world.other_hromada.katottg
    assert entry.changes == {"joined_on": [None, "2024-05-01"]}


@pytest.mark.parametrize("persona", ["editor", "viewer", "expert", "outsider"])
def test_others_may_not_add_a_hromada(world: World, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        services.participation_add(acting_user=getattr(world, persona), phase=world.phase, hromada=world.other_hromada)
    assert not Participation.objects.filter(hromada=world.other_hromada).exists()
    assert not AuditEntry.objects.exists()


def test_anonymous_may_not_add_a_hromada(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.participation_add(acting_user=AnonymousUser(), phase=world.phase, hromada=world.other_hromada)


def test_staff_of_another_programme_may_not_add_a_hromada(world: World) -> None:
    other_staff = factories.MembershipFactory.create(
        role=Role.PROGRAMME_COORDINATOR, programme=factories.ProgrammeFactory.create()
    ).user
    with pytest.raises(PermissionDenied):
        services.participation_add(acting_user=other_staff, phase=world.phase, hromada=world.other_hromada)


def test_a_hromada_cannot_join_the_same_phase_twice(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        services.participation_add(acting_user=world.coordinator, phase=world.phase, hromada=world.hromada)
    assert caught.value.code == "duplicate"
    assert world.hromada.name_uk in caught.value.messages[0]
    assert Participation.objects.filter(hromada=world.hromada).count() == 1
    assert not AuditEntry.objects.exists()


def test_the_same_hromada_may_join_another_phase(world: World) -> None:
    phase_2 = factories.PhaseFactory.create(programme=world.programme, number=2)
    services.participation_add(acting_user=world.coordinator, phase=phase_2, hromada=world.hromada)
    assert Participation.objects.filter(hromada=world.hromada).count() == 2


@pytest.mark.parametrize(
    ("joined_on", "code"),
    [(datetime.date(2023, 12, 31), "joined_before_phase"), (datetime.date(2025, 1, 1), "joined_after_phase")],
)
def test_joining_date_must_lie_within_the_phase(world: World, joined_on: datetime.date, code: str) -> None:
    phase = factories.PhaseFactory.create(
        programme=world.programme, number=5, starts_on=datetime.date(2024, 1, 1), ends_on=datetime.date(2024, 12, 31)
    )
    with pytest.raises(ValidationError) as caught:
        services.participation_add(
            acting_user=world.coordinator, phase=phase, hromada=world.other_hromada, joined_on=joined_on
        )
    assert caught.value.code == code
    assert not Participation.objects.filter(phase=phase).exists()


def test_coordinator_removes_a_participation(world: World) -> None:
    participation = Participation.objects.get(phase=world.phase, hromada=world.hromada)
    services.participation_remove(acting_user=world.coordinator, participation=participation)

    assert not Participation.objects.filter(pk=participation.pk).exists()
    entry = AuditEntry.objects.get(action="programmes.participation.removed")
    assert entry.actor == world.coordinator
    assert entry.hromada == world.hromada
    assert entry.object_id == str(participation.pk)
    assert entry.data["phase"] == world.phase.number


@pytest.mark.parametrize("persona", ["editor", "viewer", "expert", "outsider"])
def test_others_may_not_remove_a_participation(world: World, persona: str) -> None:
    participation = Participation.objects.get(phase=world.phase, hromada=world.hromada)
    with pytest.raises(PermissionDenied):
        services.participation_remove(acting_user=getattr(world, persona), participation=participation)
    assert Participation.objects.filter(pk=participation.pk).exists()
    assert not AuditEntry.objects.exists()


def test_removing_twice_says_it_is_gone(world: World) -> None:
    participation = Participation.objects.get(phase=world.phase, hromada=world.hromada)
    stale = Participation.objects.get(pk=participation.pk)
    services.participation_remove(acting_user=world.coordinator, participation=participation)
    with pytest.raises(ValidationError) as caught:
        services.participation_remove(acting_user=world.coordinator, participation=stale)
    assert caught.value.code == "already_removed"
    assert AuditEntry.objects.filter(action="programmes.participation.removed").count() == 1


# --- organisation_create ---------------------------------------------------------------------


def test_coordinator_creates_an_organisation(world: World) -> None:
    municipality = factories.DutchMunicipalityFactory.create()
    organisation = services.organisation_create(
        acting_user=world.coordinator,
        kind=OrganisationKind.DUTCH_MUNICIPALITY,
        name_uk=" Муніципалітет ",
        name_en="Municipality",
        country="nl",
        website="https://example.org/",
        dutch_municipality=municipality,
        programmes=[world.programme],
    )

    organisation.refresh_from_db()
    assert organisation.name_uk == "Муніципалітет"
    assert organisation.country == "NL"
    assert list(organisation.programmes.all()) == [world.programme]
    entry = AuditEntry.objects.get(action="programmes.organisation.created")
    assert entry.actor == world.coordinator
    assert entry.changes["name_uk"] == [None, "Муніципалітет"]
    assert entry.changes["dutch_municipality"] == [None, f"{municipality.name} ({municipality.cbs_code})"]
    assert "name_nl" not in entry.changes  # empty values are not listed as changes
    assert entry.data["programmes"] == [world.programme.slug]


@pytest.mark.parametrize("persona", ["editor", "viewer", "expert", "outsider"])
def test_only_staff_create_organisations(world: World, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        services.organisation_create(acting_user=getattr(world, persona), kind=OrganisationKind.NGO, name_uk="НГО")
    assert Organisation.objects.count() == 1


def test_linking_a_new_organisation_needs_staff_rights_in_that_programme(world: World) -> None:
    other_programme = factories.ProgrammeFactory.create()
    with pytest.raises(PermissionDenied):
        services.organisation_create(
            acting_user=world.coordinator, kind=OrganisationKind.NGO, name_uk="НГО", programmes=[other_programme]
        )
    assert Organisation.objects.count() == 1


@pytest.mark.parametrize(
    ("arguments", "field", "code"),
    [
        ({"kind": OrganisationKind.NGO, "name_uk": "  "}, "name_uk", "name_uk_required"),
        ({"kind": "club", "name_uk": "Клуб"}, "kind", "invalid_kind"),
        ({"kind": OrganisationKind.NGO, "name_uk": "НГО", "country": "Ukraine"}, "country", "invalid_country"),
        ({"kind": OrganisationKind.NGO, "name_uk": "НГО", "country": "U1"}, "country", "invalid_country"),
        ({"kind": OrganisationKind.NGO, "name_uk": "НГО", "website": "not a url"}, "website", "invalid_website"),
        (
            {"kind": OrganisationKind.DUTCH_MUNICIPALITY, "name_uk": "Гемеенте", "country": "NL"},
            "dutch_municipality",
            "dutch_municipality_required",
        ),
        ({"kind": OrganisationKind.HROMADA_COUNCIL, "name_uk": "Рада"}, "hromada", "hromada_required"),
        ({"kind": OrganisationKind.MILITARY_ADMINISTRATION, "name_uk": "МВА"}, "hromada", "hromada_required"),
    ],
)
def test_organisation_create_validates(world: World, arguments: dict[str, str], field: str, code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        services.organisation_create(acting_user=world.coordinator, **arguments)  # type: ignore[arg-type]
    assert [error.code for error in caught.value.error_dict[field]] == [code]
    assert Organisation.objects.count() == 1
    assert not AuditEntry.objects.exists()


def test_only_dutch_municipalities_link_a_dutch_municipality(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        services.organisation_create(
            acting_user=world.coordinator,
            kind=OrganisationKind.NGO,
            name_uk="НГО",
            country="NL",
            dutch_municipality=factories.DutchMunicipalityFactory.create(),
        )
    assert caught.value.error_dict["dutch_municipality"][0].code == "dutch_municipality_not_allowed"


def test_a_dutch_municipality_is_in_the_netherlands(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        services.organisation_create(
            acting_user=world.coordinator,
            kind=OrganisationKind.DUTCH_MUNICIPALITY,
            name_uk="Гемеенте",
            country="BE",
            dutch_municipality=factories.DutchMunicipalityFactory.create(),
        )
    assert caught.value.error_dict["country"][0].code == "country_not_nl"


def test_a_hromada_council_links_its_hromada(world: World) -> None:
    council = services.organisation_create(
        acting_user=world.admin, kind=OrganisationKind.HROMADA_COUNCIL, name_uk="Рада", hromada=world.hromada
    )
    assert council.hromada == world.hromada
    assert AuditEntry.objects.get(action="programmes.organisation.created").hromada == world.hromada


def test_only_ukrainian_organisations_link_a_hromada(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        services.organisation_create(
            acting_user=world.coordinator, kind=OrganisationKind.NGO, name_uk="НГО", country="PL", hromada=world.hromada
        )
    assert caught.value.error_dict["hromada"][0].code == "hromada_not_allowed"


# --- organisation_update ---------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["expert", "coordinator", "admin"])
def test_expert_of_the_organisation_and_staff_update_it(world: World, persona: str) -> None:
    organisation = world.organisation
    saved = services.organisation_update(
        acting_user=getattr(world, persona),
        organisation=organisation,
        expected_version=organisation.version,
        name_en="Renamed Safety Region",
        website="https://renamed.example.org/",
    )

    assert saved.version == organisation.version + 1
    organisation.refresh_from_db()
    assert organisation.name_en == "Renamed Safety Region"
    assert organisation.version == saved.version
    entry = AuditEntry.objects.get(action="programmes.organisation.updated")
    assert entry.actor == getattr(world, persona)
    assert entry.changes == {
        "name_en": ["Test Safety Region", "Renamed Safety Region"],
        "website": ["", "https://renamed.example.org/"],
    }


def test_fields_left_out_keep_their_value(world: World) -> None:
    organisation = world.organisation
    services.organisation_update(
        acting_user=world.expert, organisation=organisation, expected_version=1, name_nl="Veiligheidsregio"
    )
    organisation.refresh_from_db()
    assert organisation.name_en == "Test Safety Region"
    assert organisation.name_nl == "Veiligheidsregio"
    assert organisation.kind == OrganisationKind.SAFETY_REGION


@pytest.mark.parametrize("persona", ["viewer", "editor", "outsider"])
def test_members_without_a_role_in_the_organisation_may_not_update_it(world: World, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        services.organisation_update(
            acting_user=getattr(world, persona), organisation=world.organisation, expected_version=1, name_en="X"
        )
    world.organisation.refresh_from_db()
    assert world.organisation.name_en == "Test Safety Region"


def test_expert_of_another_organisation_may_not_update_it(world: World) -> None:
    other = factories.OrganisationFactory.create()
    with pytest.raises(PermissionDenied):
        services.organisation_update(acting_user=world.expert, organisation=other, expected_version=1, name_en="X")


def test_a_stale_version_raises_a_conflict_and_changes_nothing(world: World) -> None:
    organisation = world.organisation
    services.organisation_update(
        acting_user=world.coordinator, organisation=organisation, expected_version=1, name_en="First"
    )
    with pytest.raises(EditConflict) as caught:
        services.organisation_update(
            acting_user=world.expert, organisation=organisation, expected_version=1, name_en="Second"
        )

    assert caught.value.current_version == 2
    organisation.refresh_from_db()
    assert organisation.name_en == "First"
    assert organisation.version == 2
    assert AuditEntry.objects.filter(action="programmes.organisation.updated").count() == 1


def test_saving_without_changes_is_not_an_edit(world: World) -> None:
    saved = services.organisation_update(
        acting_user=world.expert, organisation=world.organisation, expected_version=1, name_en="Test Safety Region"
    )
    assert saved.version == 1
    assert not AuditEntry.objects.exists()


def test_update_validates_and_saves_nothing_on_error(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        services.organisation_update(
            acting_user=world.expert,
            organisation=world.organisation,
            expected_version=1,
            name_uk="",
            country="Netherlands",
        )
    assert set(caught.value.error_dict) == {"name_uk", "country"}
    world.organisation.refresh_from_db()
    assert world.organisation.version == 1
    assert world.organisation.name_uk != ""
    assert not AuditEntry.objects.exists()


def test_update_to_dutch_municipality_needs_the_registry_link(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        services.organisation_update(
            acting_user=world.coordinator,
            organisation=world.organisation,
            expected_version=1,
            kind=OrganisationKind.DUTCH_MUNICIPALITY,
            country="NL",
        )
    assert caught.value.error_dict["dutch_municipality"][0].code == "dutch_municipality_required"

    municipality = factories.DutchMunicipalityFactory.create()
    saved = services.organisation_update(
        acting_user=world.coordinator,
        organisation=world.organisation,
        expected_version=1,
        kind=OrganisationKind.DUTCH_MUNICIPALITY,
        country="NL",
        dutch_municipality=municipality,
    )
    assert saved.dutch_municipality == municipality


def test_relinking_to_a_namesake_hromada_is_logged_with_codes(world: World) -> None:
    first = factories.HromadaFactory.create(name_uk="Семенівська")
    second = factories.HromadaFactory.create(name_uk="Семенівська")
    council = services.organisation_create(
        acting_user=world.coordinator, kind=OrganisationKind.HROMADA_COUNCIL, name_uk="Рада", hromada=first
    )
    services.organisation_update(
        acting_user=world.coordinator, organisation=council, expected_version=1, hromada=second
    )

    entry = AuditEntry.objects.get(action="programmes.organisation.updated")
    assert entry.changes == {"hromada": [f"Семенівська ({first.katottg})", f"Семенівська ({second.katottg})"]}
    assert entry.hromada == second
