"""Programme and organisation pages, addressed by their literal URLs."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from conftest import World
from vidnova.audit.models import AuditEntry
from vidnova.programmes.models import Organisation, OrganisationKind, Participation
from vidnova.registry.models import SecurityStatus
from vidnova.testing import factories

ALL_PERSONAS = ["anonymous", "outsider", "viewer", "editor", "expert", "coordinator", "admin"]
NOT_STAFF = ["outsider", "viewer", "editor", "expert"]


def _text(response: Any) -> str:
    return str(response.content.decode())


# --- programme list --------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_programme_list_is_public(world: World, clients: dict[str, Client], persona: str) -> None:
    response = clients[persona].get("/programmes/")
    assert response.status_code == 200
    assert world.programme.name_uk in _text(response)
    assert f'href="/programmes/{world.programme.slug}/"' in _text(response)


def test_programme_list_counts_hromadas_in_few_queries(
    world: World, english: dict[str, Client], django_assert_max_num_queries: Callable[..., Any]
) -> None:
    for number in range(6):
        programme = factories.ProgrammeFactory.create(name_en=f"Extra programme {number}")
        phase = factories.PhaseFactory.create(programme=programme, number=1)
        factories.FieldFactory.create(programme=programme, number=1)
        for _ in range(3):
            factories.ParticipationFactory.create(phase=phase)
    with django_assert_max_num_queries(10):
        response = english["anonymous"].get("/programmes/")
    assert response.status_code == 200
    assert "Extra programme 5" in _text(response)
    assert "3 hromadas" in _text(response)


# --- programme detail ------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_programme_detail_is_public(world: World, clients: dict[str, Client], persona: str) -> None:
    response = clients[persona].get(f"/programmes/{world.programme.slug}/")
    assert response.status_code == 200
    text = _text(response)
    assert world.programme.name_uk in text
    assert f'href="/hromadas/{world.hromada.katottg}/"' in text


def test_programme_detail_shows_phases_fields_status_and_organisations(
    world: World, english: dict[str, Client], django_assert_max_num_queries: Callable[..., Any]
) -> None:
    world.phase.starts_on = datetime.date(2024, 4, 1)
    world.phase.ends_on = datetime.date(2025, 12, 31)
    world.phase.save()
    factories.FieldFactory.create(programme=world.programme, number=1, name_en="Safety, security and resilience")
    factories.SecurityStatusPeriodFactory.create(
        hromada=world.hromada, status=SecurityStatus.ACTIVE_HOSTILITIES, starts_on=datetime.date(2022, 2, 24)
    )
    world.organisation.programmes.add(world.programme)
    donor = factories.OrganisationFactory.create(kind=OrganisationKind.DONOR, name_en="Test Donor")
    donor.programmes.add(world.programme)
    for _ in range(10):
        factories.ParticipationFactory.create(phase=world.phase)

    with django_assert_max_num_queries(14):
        response = english["anonymous"].get(f"/programmes/{world.programme.slug}/")
    text = _text(response)
    assert 'datetime="2024-04-01"' in text
    assert 'datetime="2025-12-31"' in text
    assert "Safety, security and resilience" in text
    assert "status-active_hostilities" in text
    assert "active hostilities" in text
    assert "Safety region" in text
    assert "Donor" in text
    assert f'href="/programmes/organisations/{donor.pk}/"' in text
    assert f'href="/programmes/organisations/{world.organisation.pk}/"' in text
    assert text.count('href="/hromadas/UA97') == 11


@pytest.mark.parametrize("persona", ["anonymous", *NOT_STAFF])
def test_only_staff_see_the_add_form_and_remove_buttons(world: World, clients: dict[str, Client], persona: str) -> None:
    text = _text(clients[persona].get(f"/programmes/{world.programme.slug}/"))
    assert f'action="/programmes/{world.programme.slug}/participants/"' not in text
    assert "/remove/" not in text


@pytest.mark.parametrize("persona", ["coordinator", "admin"])
def test_staff_see_the_add_form_and_remove_buttons(world: World, clients: dict[str, Client], persona: str) -> None:
    participation = Participation.objects.get(phase=world.phase, hromada=world.hromada)
    text = _text(clients[persona].get(f"/programmes/{world.programme.slug}/"))
    assert f'action="/programmes/{world.programme.slug}/participants/"' in text
    assert f'action="/programmes/{world.programme.slug}/participants/{participation.pk}/remove/"' in text
    assert '<label for="id_hromada"' in text
    assert f'<option value="{world.phase.pk}"' in text


def test_unknown_programme_is_404(world: World, clients: dict[str, Client]) -> None:
    assert clients["anonymous"].get("/programmes/no-such-programme/").status_code == 404


# --- participation add -----------------------------------------------------------------------


def _add(client: Client, world: World, hromada: str, **extra: str) -> Any:
    return client.post(
        f"/programmes/{world.programme.slug}/participants/",
        {"phase": str(world.phase.pk), "hromada": hromada, **extra},
    )


@pytest.mark.parametrize("persona", ["coordinator", "admin"])
def test_staff_add_a_hromada_by_code(world: World, clients: dict[str, Client], persona: str) -> None:
    response = _add(clients[persona], world, world.other_hromada.katottg, joined_on="2024-06-01")
    assert response.status_code == 302
    assert response["Location"] == f"/programmes/{world.programme.slug}/#participants"
    participation = Participation.objects.get(phase=world.phase, hromada=world.other_hromada)
    assert participation.joined_on == datetime.date(2024, 6, 1)
    assert AuditEntry.objects.filter(action="programmes.participation.added").count() == 1


def test_staff_add_a_hromada_by_exact_name(world: World, clients: dict[str, Client]) -> None:
    hromada = factories.HromadaFactory.create(name_uk="Тестобузька", name_latin="Testobuzka")
    response = _add(clients["coordinator"], world, "тестобузька громада")
    assert response.status_code == 302
    assert Participation.objects.filter(phase=world.phase, hromada=hromada).exists()

    factories.HromadaFactory.create(name_uk="Тестоочаківська", name_latin="Testoochakivska")
    assert _add(clients["coordinator"], world, "Testoochakivska").status_code == 302


def test_a_name_shared_by_several_hromadas_asks_for_the_code(world: World, english: dict[str, Client]) -> None:
    first = factories.HromadaFactory.create(name_uk="Тестівська", name_latin="Testivska")
    second = factories.HromadaFactory.create(name_uk="Тестівська", name_latin="Testivska")
    response = _add(english["coordinator"], world, "Тестівська")
    assert response.status_code == 400
    text = _text(response)
    assert first.katottg in text
    assert second.katottg in text
    assert "Enter the KATOTTG code of the one you mean." in text
    assert 'aria-invalid="true"' in text
    assert 'href="#id_hromada"' in text  # the error summary links to the field
    assert 'value="Тестівська"' in text  # what was typed is kept
    assert not Participation.objects.filter(hromada__in=[first, second]).exists()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("UA99999999999999999", "No hromada has the KATOTTG code UA99999999999999999"),
        ("UA123", "“UA123” has 3 digits"),
        ("Атлантида", "No hromada is called “Атлантида”"),
        ("", "This field is required."),
    ],
)
def test_helpful_errors_for_the_hromada_field(
    world: World, english: dict[str, Client], typed: str, message: str
) -> None:
    response = _add(english["coordinator"], world, typed)
    assert response.status_code == 400
    assert message in _text(response)
    assert Participation.objects.count() == 1


def test_a_settlement_code_points_to_its_hromada(world: World, english: dict[str, Client]) -> None:
    from vidnova.registry.models import CodifierUnit

    CodifierUnit.objects.create(
        katottg="UA97000000000000001",
        category="C",
        name_uk="Тестове",
        name_latin="Testove",
        hromada=world.other_hromada,
    )
    response = _add(english["coordinator"], world, "ua97000000000000001")
    assert response.status_code == 400
    assert f"whose code is {world.other_hromada.katottg}" in _text(response)


def test_adding_a_hromada_twice_is_refused_with_a_message(world: World, english: dict[str, Client]) -> None:
    response = _add(english["coordinator"], world, world.hromada.katottg)
    assert response.status_code == 400
    assert "already takes part" in _text(response)
    assert Participation.objects.count() == 1


@pytest.mark.parametrize("persona", NOT_STAFF)
def test_others_may_not_add_hromadas(world: World, clients: dict[str, Client], persona: str) -> None:
    response = _add(clients[persona], world, world.other_hromada.katottg)
    assert response.status_code == 403
    assert not Participation.objects.filter(hromada=world.other_hromada).exists()


def test_anonymous_adding_is_sent_to_sign_in(world: World, clients: dict[str, Client]) -> None:
    response = _add(clients["anonymous"], world, world.other_hromada.katottg)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert not Participation.objects.filter(hromada=world.other_hromada).exists()


def test_adding_needs_post(world: World, clients: dict[str, Client]) -> None:
    assert clients["coordinator"].get(f"/programmes/{world.programme.slug}/participants/").status_code == 405


def test_a_phase_of_another_programme_is_refused(world: World, clients: dict[str, Client]) -> None:
    other_phase = factories.PhaseFactory.create()
    response = clients["coordinator"].post(
        f"/programmes/{world.programme.slug}/participants/",
        {"phase": str(other_phase.pk), "hromada": world.other_hromada.katottg},
    )
    assert response.status_code == 400
    assert not Participation.objects.filter(phase=other_phase).exists()


# --- participation remove --------------------------------------------------------------------


def _remove_url(world: World, participation: Participation) -> str:
    return f"/programmes/{world.programme.slug}/participants/{participation.pk}/remove/"


def test_coordinator_removes_a_hromada(world: World, clients: dict[str, Client]) -> None:
    participation = Participation.objects.get(phase=world.phase, hromada=world.hromada)
    response = clients["coordinator"].post(_remove_url(world, participation))
    assert response.status_code == 302
    assert not Participation.objects.filter(pk=participation.pk).exists()
    assert AuditEntry.objects.filter(action="programmes.participation.removed").count() == 1


@pytest.mark.parametrize("persona", NOT_STAFF)
def test_others_may_not_remove_hromadas(world: World, clients: dict[str, Client], persona: str) -> None:
    participation = Participation.objects.get(phase=world.phase, hromada=world.hromada)
    assert clients[persona].post(_remove_url(world, participation)).status_code == 403
    assert Participation.objects.filter(pk=participation.pk).exists()


def test_anonymous_removing_is_sent_to_sign_in(world: World, clients: dict[str, Client]) -> None:
    participation = Participation.objects.get(phase=world.phase, hromada=world.hromada)
    response = clients["anonymous"].post(_remove_url(world, participation))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert Participation.objects.filter(pk=participation.pk).exists()


def test_a_participation_of_another_programme_is_404(world: World, clients: dict[str, Client]) -> None:
    foreign = factories.ParticipationFactory.create()
    assert clients["coordinator"].post(_remove_url(world, foreign)).status_code == 404
    assert Participation.objects.filter(pk=foreign.pk).exists()


def test_removing_needs_post(world: World, clients: dict[str, Client]) -> None:
    participation = Participation.objects.get(phase=world.phase, hromada=world.hromada)
    assert clients["coordinator"].get(_remove_url(world, participation)).status_code == 405


# --- organisation detail ---------------------------------------------------------------------


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_organisation_profile_is_public(world: World, clients: dict[str, Client], persona: str) -> None:
    response = clients[persona].get(f"/programmes/organisations/{world.organisation.pk}/")
    assert response.status_code == 200
    assert world.organisation.name_uk in _text(response)


def test_organisation_profile_links_registry_entries_and_programmes(world: World, english: dict[str, Client]) -> None:
    municipality = factories.DutchMunicipalityFactory.create(cbs_code="GM9518", name="Testgemeente")
    organisation = factories.OrganisationFactory.create(
        kind=OrganisationKind.DUTCH_MUNICIPALITY,
        country="NL",
        name_en="Municipality of Test",
        website="https://www.example.nl/",
        dutch_municipality=municipality,
    )
    organisation.programmes.add(world.programme)
    council = factories.OrganisationFactory.create(kind=OrganisationKind.HROMADA_COUNCIL, hromada=world.hromada)

    text = _text(english["anonymous"].get(f"/programmes/organisations/{organisation.pk}/"))
    assert "Municipality of Test" in text
    assert "Dutch municipality" in text
    assert "NL" in text
    assert 'href="https://www.example.nl/"' in text
    assert 'href="/hromadas/partner-municipalities/GM9518/"' in text
    assert f'href="/programmes/{world.programme.slug}/"' in text

    text = _text(english["anonymous"].get(f"/programmes/organisations/{council.pk}/"))
    assert f'href="/hromadas/{world.hromada.katottg}/"' in text


@pytest.mark.parametrize(("persona", "sees_links"), [("expert", True), ("coordinator", True), ("admin", True)])
def test_members_link_for_those_who_may_see_it(
    world: World, clients: dict[str, Client], persona: str, sees_links: bool
) -> None:
    text = _text(clients[persona].get(f"/programmes/organisations/{world.organisation.pk}/"))
    assert (f'href="/people/organisations/{world.organisation.pk}/members/"' in text) is sees_links
    assert (f'href="/programmes/organisations/{world.organisation.pk}/edit/"' in text) is sees_links


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "viewer", "editor"])
def test_no_members_link_for_others(world: World, clients: dict[str, Client], persona: str) -> None:
    text = _text(clients[persona].get(f"/programmes/organisations/{world.organisation.pk}/"))
    assert "/members/" not in text
    assert "/edit/" not in text


def test_expert_of_another_organisation_sees_no_members_link(world: World, clients: dict[str, Client]) -> None:
    other = factories.OrganisationFactory.create()
    text = _text(clients["expert"].get(f"/programmes/organisations/{other.pk}/"))
    assert "/members/" not in text


def test_unknown_organisation_is_404(world: World, clients: dict[str, Client]) -> None:
    assert clients["anonymous"].get("/programmes/organisations/999999/").status_code == 404


# --- organisation edit -----------------------------------------------------------------------


def _edit_url(organisation: Organisation) -> str:
    return f"/programmes/organisations/{organisation.pk}/edit/"


def _form_data(organisation: Organisation, **changes: str) -> dict[str, str]:
    data = {
        "kind": organisation.kind,
        "name_uk": organisation.name_uk,
        "name_en": organisation.name_en,
        "name_nl": organisation.name_nl,
        "country": organisation.country,
        "website": organisation.website,
        "hromada": organisation.hromada.katottg if organisation.hromada else "",
        "dutch_municipality": organisation.dutch_municipality.cbs_code if organisation.dutch_municipality else "",
        "version": str(organisation.version),
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("persona", ["expert", "coordinator"])
def test_edit_form_shows_current_values_and_version(world: World, clients: dict[str, Client], persona: str) -> None:
    response = clients[persona].get(_edit_url(world.organisation))
    assert response.status_code == 200
    text = _text(response)
    assert 'type="hidden" name="version" value="1"' in text
    assert 'value="Test Safety Region"' in text
    assert '<label for="id_name_uk"' in text


@pytest.mark.parametrize("persona", ["expert", "coordinator"])
def test_expert_and_staff_save_the_profile(world: World, clients: dict[str, Client], persona: str) -> None:
    response = clients[persona].post(
        _edit_url(world.organisation), _form_data(world.organisation, name_nl="Veiligheidsregio Test", country="nl")
    )
    assert response.status_code == 302
    assert response["Location"] == f"/programmes/organisations/{world.organisation.pk}/"
    world.organisation.refresh_from_db()
    assert world.organisation.name_nl == "Veiligheidsregio Test"
    assert world.organisation.country == "NL"
    assert world.organisation.version == 2
    assert AuditEntry.objects.filter(action="programmes.organisation.updated").count() == 1


@pytest.mark.parametrize("persona", ["viewer", "editor", "outsider"])
def test_others_may_not_edit(world: World, clients: dict[str, Client], persona: str) -> None:
    assert clients[persona].get(_edit_url(world.organisation)).status_code == 403
    response = clients[persona].post(_edit_url(world.organisation), _form_data(world.organisation, name_en="Hacked"))
    assert response.status_code == 403
    world.organisation.refresh_from_db()
    assert world.organisation.name_en == "Test Safety Region"


def test_expert_of_another_organisation_may_not_edit(world: World, clients: dict[str, Client]) -> None:
    other = factories.OrganisationFactory.create(name_en="Other")
    assert clients["expert"].get(_edit_url(other)).status_code == 403
    assert clients["expert"].post(_edit_url(other), _form_data(other, name_en="Hacked")).status_code == 403
    other.refresh_from_db()
    assert other.name_en == "Other"


def test_anonymous_editing_is_sent_to_sign_in(world: World, clients: dict[str, Client]) -> None:
    response = clients["anonymous"].get(_edit_url(world.organisation))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_edit_conflict_shows_saved_values_and_keeps_typed_ones(world: World, english: dict[str, Client]) -> None:
    stale = _form_data(world.organisation, name_en="My typed name")
    # Someone else saves first.
    english["coordinator"].post(_edit_url(world.organisation), _form_data(world.organisation, name_en="Their name"))

    response = english["expert"].post(_edit_url(world.organisation), stale)
    assert response.status_code == 409
    text = _text(response)
    assert "Someone else saved this organisation while you were editing it." in text
    assert "Their name" in text  # the saved value
    assert 'value="My typed name"' in text  # the typed value is kept
    assert 'type="hidden" name="version" value="2"' in text  # saving again replaces knowingly
    world.organisation.refresh_from_db()
    assert world.organisation.name_en == "Their name"

    again = english["expert"].post(_edit_url(world.organisation), {**stale, "version": "2"})
    assert again.status_code == 302
    world.organisation.refresh_from_db()
    assert world.organisation.name_en == "My typed name"


def test_edit_shows_validation_errors_next_to_fields(world: World, english: dict[str, Client]) -> None:
    response = english["expert"].post(
        _edit_url(world.organisation),
        _form_data(world.organisation, kind=OrganisationKind.HROMADA_COUNCIL, hromada="", country="UA"),
    )
    assert response.status_code == 400
    text = _text(response)
    assert "must be linked to its hromada" in text
    assert 'id="id_hromada_error"' in text
    world.organisation.refresh_from_db()
    assert world.organisation.kind == OrganisationKind.SAFETY_REGION


def test_edit_links_a_hromada_by_code(world: World, clients: dict[str, Client]) -> None:
    council = factories.OrganisationFactory.create(kind=OrganisationKind.HROMADA_COUNCIL, hromada=world.other_hromada)
    response = clients["coordinator"].post(_edit_url(council), _form_data(council, hromada=world.hromada.katottg))
    assert response.status_code == 302
    council.refresh_from_db()
    assert council.hromada == world.hromada


def test_real_namesakes_in_other_oblasts_are_told_apart(world: World, english: dict[str, Client]) -> None:
    """The test database holds the real registry: Semenivska hromadas exist in four oblasts."""
    response = _add(english["coordinator"], world, "Semenivska")
    assert response.status_code == 400
    text = _text(response)
    assert "UA74060070000028810" in text  # Chernihiv oblast
    assert "UA53020230000086353" in text  # Poltava oblast

    assert _add(english["coordinator"], world, "UA74060070000028810").status_code == 302
    assert Participation.objects.filter(phase=world.phase, hromada__katottg="UA74060070000028810").exists()
