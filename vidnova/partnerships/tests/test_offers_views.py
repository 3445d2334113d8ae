"""The offer pages: the public catalogue, an offer's page, the offer form (create, edit, conflicts, bad
input) and its status; who may do what."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from vidnova.audit.models import AuditEntry
from vidnova.partnerships.models import ExpertiseOffer, PartnerContact
from vidnova.registry.models import DutchMunicipality
from vidnova.testing import factories
from vidnova.testing.partnerships import make_offer, make_partnership


def _rheden() -> Any:
    return factories.OrganisationFactory(
        kind="dutch_municipality",
        country="NL",
        name_en="Rheden",
        dutch_municipality=DutchMunicipality.objects.get(name="Rheden"),
    )


def _post(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Shelter management coaching",
        "description": "Coaching by our civil protection staff.",
        "text_language": "en",
        "themes": ["civil-protection", "crisis-planning"],
        "modes": ["remote_coaching"],
        "capacity": "2",
        "languages": ["en", "nl"],
        "available_from": "2026-01-01",
        "available_until": "",
    }
    data.update(overrides)
    return data


# --- the catalogue -------------------------------------------------------------------------------


def test_catalogue_is_public_and_filters(world: Any, clients: dict[str, Client]) -> None:
    offer = make_offer(world.organisation, capacity=3, modes=["expert_mission"])
    rheden = _rheden()
    make_offer(rheden, themes=["local-finance"], title="Municipal finance", languages=["nl"])
    make_partnership(world.programme, world.hromada, world.organisation, offer=offer)
    PartnerContact.objects.create(organisation=world.organisation, full_name="Secret Person", email="s@example.org")
    url = reverse("partnerships:offer-list")
    for name in ("anonymous", "outsider", "viewer"):
        response = clients[name].get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert "Crisis planning coaching" in page
        assert "Municipal finance" in page
        assert "2 of 3 left" in page
        assert "Secret Person" not in page
        assert "Add an offer" not in page
    page = clients["anonymous"].get(url, {"theme": "local-finance"}).content.decode()
    assert "Municipal finance" in page
    assert "Crisis planning coaching" not in page
    page = clients["anonymous"].get(url, {"country": "NL", "language": "nl"}).content.decode()
    assert "Municipal finance" in page
    assert "Crisis planning coaching" not in page
    page = clients["anonymous"].get(url, {"mode": "expert_mission", "field": "1"}).content.decode()
    assert "Municipal finance" not in page
    assert "Crisis planning coaching" in page
    assert "No offer matches these filters." in clients["anonymous"].get(url, {"field": "3"}).content.decode()


def test_catalogue_offers_the_add_button_to_editors(world: Any, clients: dict[str, Client]) -> None:
    url = reverse("partnerships:offer-list")
    page = clients["expert"].get(url).content.decode()
    assert "Add an offer" in page
    assert f"?organisation={world.organisation.pk}" in page
    assert "Add an offer" in clients["coordinator"].get(url).content.decode()


def test_catalogue_is_paginated(world: Any, clients: dict[str, Client]) -> None:
    for number in range(30):
        make_offer(world.organisation, title=f"Offer {number:02d}")
    page = clients["anonymous"].get(reverse("partnerships:offer-list")).content.decode()
    assert "Page 1 of 2" in page
    second = clients["anonymous"].get(reverse("partnerships:offer-list"), {"page": 2}).content.decode()
    assert "Offer 29" in second


# --- one offer -----------------------------------------------------------------------------------


def test_offer_page_shows_partnerships_and_contacts_to_insiders_only(world: Any, clients: dict[str, Client]) -> None:
    offer = make_offer(world.organisation, capacity=2, languages=["en"])
    partnership = make_partnership(world.programme, world.hromada, world.organisation, offer=offer, title="Shelters")
    PartnerContact.objects.create(
        organisation=world.organisation,
        full_name="Jan Jansen",
        email="jan@example.nl",
        phone="+31 6 1234",
        languages=["nl"],
    )
    url = reverse("partnerships:offer-detail", args=[offer.pk])
    for name in ("anonymous", "outsider"):
        page = clients[name].get(url).content.decode()
        assert "Shelters" in page
        assert reverse("partnerships:partnership-detail", args=[partnership.pk]) in page
        assert "Jan Jansen" not in page
        assert "jan@example.nl" not in page
        assert "+31 6 1234" not in page
        assert "Edit the offer" not in page
    for name in ("viewer", "editor", "expert", "coordinator"):
        page = clients[name].get(url).content.decode()
        assert "Jan Jansen" in page
        assert "jan@example.nl" in page
    page = clients["viewer"].get(url).content.decode()
    assert "Edit the offer" not in page
    assert "Dutch, English" in page  # the offer and its contact person
    page = clients["expert"].get(url).content.decode()
    assert "Edit the offer" in page
    assert "Pause the offer" in page
    assert clients["anonymous"].get(reverse("partnerships:offer-detail", args=[99999])).status_code == 404


# --- create --------------------------------------------------------------------------------------


def test_expert_adds_an_offer(world: Any, clients: dict[str, Client]) -> None:
    url = reverse("partnerships:offer-create") + f"?organisation={world.organisation.pk}"
    page = clients["expert"].get(url).content.decode()
    assert "Safety, security and resilience" in page
    assert "Decentralisation and democratisation during wartime" in page
    response = clients["expert"].post(url, _post())
    offer = ExpertiseOffer.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("partnerships:offer-detail", args=[offer.pk])
    assert offer.organisation == world.organisation
    assert sorted(offer.themes.values_list("code", flat=True)) == ["civil-protection", "crisis-planning"]
    assert offer.created_by == world.expert
    assert AuditEntry.objects.filter(action="partnerships.offer.created").count() == 1


def test_expert_without_organisation_parameter_gets_their_own(world: Any, clients: dict[str, Client]) -> None:
    response = clients["expert"].post(reverse("partnerships:offer-create"), _post())
    assert response.status_code == 302
    assert ExpertiseOffer.objects.get().organisation == world.organisation


def test_staff_choose_the_organisation(world: Any, clients: dict[str, Client]) -> None:
    rheden = _rheden()
    url = reverse("partnerships:offer-create")
    page = clients["coordinator"].get(url).content.decode()
    assert 'name="organisation"' in page
    assert "Rheden" in page
    response = clients["coordinator"].post(url, _post())
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    response = clients["coordinator"].post(url, _post(organisation=rheden.pk))
    assert response.status_code == 302
    assert ExpertiseOffer.objects.get().organisation == rheden


def test_create_refused_to_others(world: Any, clients: dict[str, Client]) -> None:
    rheden = _rheden()
    url = reverse("partnerships:offer-create")
    assert clients["anonymous"].get(url).status_code == 302  # to the sign-in page
    for name in ("outsider", "viewer", "editor"):
        assert clients[name].get(url).status_code == 403
        assert clients[name].post(url, _post()).status_code == 403
    assert clients["expert"].get(url + f"?organisation={rheden.pk}").status_code == 403
    assert clients["expert"].post(url + f"?organisation={rheden.pk}", _post()).status_code == 403
    agency = factories.OrganisationFactory(kind="implementing_agency")
    assert clients["coordinator"].get(url + f"?organisation={agency.pk}").status_code == 404
    assert not ExpertiseOffer.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"themes": []}, "Choose at least one theme."),
        ({"modes": []}, "Choose at least one mode."),
        ({"capacity": "0"}, "Ensure this value is greater than or equal to 1."),
        ({"capacity": "51"}, "Ensure this value is less than or equal to 50."),
        ({"available_until": "2025-06-01"}, "The offer cannot end before it starts"),
    ],
)
def test_bad_input_is_refused_and_kept(
    world: Any, clients: dict[str, Client], overrides: dict[str, Any], message: str
) -> None:
    url = reverse("partnerships:offer-create") + f"?organisation={world.organisation.pk}"
    response = clients["expert"].post(url, _post(**overrides))
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "Please correct the following:" in page
    assert 'value="Shelter management coaching"' in page  # the input is kept
    assert not ExpertiseOffer.objects.exists()


# --- edit ----------------------------------------------------------------------------------------


def test_expert_edits_an_offer(world: Any, clients: dict[str, Client]) -> None:
    offer = make_offer(world.organisation)
    url = reverse("partnerships:offer-edit", args=[offer.pk])
    page = clients["expert"].get(url).content.decode()
    assert 'value="Crisis planning coaching"' in page
    assert 'name="version" value="1"' in page
    response = clients["expert"].post(url, _post(version=1, capacity="4"))
    assert response.status_code == 302
    offer.refresh_from_db()
    assert (offer.capacity, offer.title, offer.version) == (4, "Shelter management coaching", 2)


def test_edit_conflict_keeps_the_input(world: Any, clients: dict[str, Client]) -> None:
    offer = make_offer(world.organisation)
    url = reverse("partnerships:offer-edit", args=[offer.pk])
    assert clients["coordinator"].post(url, _post(version=1, title="Saved first")).status_code == 302
    response = clients["expert"].post(url, _post(version=1, title="My own title"))
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone saved this offer while you were editing it." in page
    assert 'value="My own title"' in page
    assert "Saved first" in page
    assert 'name="version" value="2"' in page
    offer.refresh_from_db()
    assert offer.title == "Saved first"


def test_edit_refused_to_others(world: Any, clients: dict[str, Client]) -> None:
    offer = make_offer(world.organisation)
    foreign = make_offer(_rheden())
    url = reverse("partnerships:offer-edit", args=[offer.pk])
    for name in ("outsider", "viewer", "editor"):
        assert clients[name].get(url).status_code == 403
        assert clients[name].post(url, _post(version=1)).status_code == 403
    assert clients["expert"].get(reverse("partnerships:offer-edit", args=[foreign.pk])).status_code == 403
    offer.refresh_from_db()
    assert offer.version == 1


# --- status --------------------------------------------------------------------------------------


def test_status_changes(world: Any, clients: dict[str, Client]) -> None:
    offer = make_offer(world.organisation)
    url = reverse("partnerships:offer-status", args=[offer.pk])
    assert clients["viewer"].post(url, {"status": "paused", "version": 1}).status_code == 403
    assert clients["outsider"].post(url, {"status": "paused", "version": 1}).status_code == 403
    assert clients["expert"].get(url).status_code == 405
    response = clients["expert"].post(url, {"status": "paused", "version": 1})
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == "paused"
    response = clients["expert"].post(url, {"status": "withdrawn", "version": 1}, follow=True)
    assert "Someone saved this offer while you were changing its status." in response.content.decode()
    response = clients["expert"].post(url, {"status": "gone", "version": 2}, follow=True)
    assert "Choose open, paused or withdrawn." in response.content.decode()
    offer.refresh_from_db()
    assert offer.status == "paused"
