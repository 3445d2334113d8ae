"""The change history of programmes and organisations: shown to those who may see internal parts."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import World
from vidnova.programmes import services


@pytest.fixture
def edited(world: World) -> World:
    services.organisation_update(
        acting_user=world.coordinator,
        organisation=world.organisation,
        expected_version=world.organisation.version,
        kind=world.organisation.kind,
        name_uk="Регіон безпеки Утрехт",
        name_en="Safety Region Utrecht",
        name_nl="Veiligheidsregio Utrecht",
        country="NL",
        website="",
        hromada=None,
        dutch_municipality=None,
    )
    services.participation_add(acting_user=world.coordinator, phase=world.phase, hromada=world.other_hromada)
    return world


def _organisation_page(clients: dict[str, Client], who: str, world: World) -> str:
    clients[who].cookies["vidnova_language"] = "en"
    response = clients[who].get(f"/programmes/organisations/{world.organisation.pk}/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("who", ["coordinator", "admin", "expert"])
def test_staff_and_the_organisations_experts_see_its_history(
    edited: World, clients: dict[str, Client], who: str
) -> None:
    html = _organisation_page(clients, who, edited)
    assert "Change history" in html
    assert "Organisation updated" in html
    assert "Veiligheidsregio Utrecht" in html


@pytest.mark.parametrize("who", ["anonymous", "outsider", "viewer", "editor"])
def test_others_see_the_public_profile_without_history(edited: World, clients: dict[str, Client], who: str) -> None:
    html = _organisation_page(clients, who, edited)
    assert "Change history" not in html
    assert "Organisation updated" not in html


def test_programme_staff_see_the_programme_history(edited: World, clients: dict[str, Client]) -> None:
    clients["coordinator"].cookies["vidnova_language"] = "en"
    html = clients["coordinator"].get(f"/programmes/{edited.programme.slug}/").content.decode()
    assert "Change history" in html
    assert "Hromada added to a programme phase" in html
    assert edited.other_hromada.name_uk in html


@pytest.mark.parametrize("who", ["anonymous", "outsider", "viewer", "expert"])
def test_the_programme_history_is_not_public(edited: World, clients: dict[str, Client], who: str) -> None:
    clients[who].cookies["vidnova_language"] = "en"
    response = clients[who].get(f"/programmes/{edited.programme.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Change history" not in html
    assert "Hromada added to a programme phase" not in html
