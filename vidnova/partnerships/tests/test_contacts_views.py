"""Partner pages (the list and a profile) and the contact person pages: contacts are for insiders only,
the organisation's partner experts and programme staff edit them."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from vidnova.audit.models import AuditEntry
from vidnova.partnerships.models import PartnerContact
from vidnova.registry.models import DutchMunicipality
from vidnova.testing import factories
from vidnova.testing.partnerships import make_offer, make_partnership


def _contact(world: Any, **fields: Any) -> PartnerContact:
    defaults: dict[str, Any] = {
        "organisation": world.organisation,
        "full_name": "Jan Jansen",
        "email": "jan@example.nl",
        "phone": "+31 30 555 1234",
        "languages": ["nl", "de"],
    }
    defaults.update(fields)
    return PartnerContact.objects.create(**defaults)


# --- partner list and profile --------------------------------------------------------------------


def test_partner_list_is_public_with_counts_and_filters(world: Any, clients: dict[str, Client]) -> None:
    factories.OrganisationFactory(
        kind="dutch_municipality",
        country="NL",
        name_en="Rheden",
        dutch_municipality=DutchMunicipality.objects.get(name="Rheden"),
    )
    factories.OrganisationFactory(kind="implementing_agency", name_en="Some Agency")
    make_offer(world.organisation)
    make_partnership(world.programme, world.hromada, world.organisation)
    _contact(world)
    url = reverse("partnerships:partner-list")
    page = clients["anonymous"].get(url).content.decode()
    assert "Test Safety Region" in page
    assert "Rheden" in page
    assert "Some Agency" not in page
    assert "Dutch, German" in page  # languages of the contacts, not their names
    assert "Jan Jansen" not in page
    assert "342 Dutch municipalities" in page
    assert reverse("registry:municipality-list") in page
    page = clients["anonymous"].get(url, {"kind": "dutch_municipality"}).content.decode()
    assert "Rheden" in page
    assert "Test Safety Region" not in page
    page = clients["outsider"].get(url, {"country": "NL"}).content.decode()
    assert "Rheden" in page
    assert "Test Safety Region" not in page


def test_partner_profile_shows_contacts_to_insiders_only(world: Any, clients: dict[str, Client]) -> None:
    municipality = DutchMunicipality.objects.get(name="Oudewater")
    oudewater = factories.OrganisationFactory(
        kind="dutch_municipality", country="NL", name_en="Oudewater", dutch_municipality=municipality
    )
    make_offer(oudewater, title="Water management")
    make_offer(oudewater, title="Old offer", status="withdrawn")
    _contact(world, organisation=oudewater, full_name="Piet de Boer", email="piet@oudewater.nl")
    url = reverse("partnerships:partner-detail", args=[oudewater.pk])
    for name in ("anonymous", "outsider"):
        page = clients[name].get(url).content.decode()
        assert "Water management" in page
        assert "Old offer" not in page
        assert municipality.province in page
        assert reverse("registry:municipality-detail", args=[municipality.cbs_code]) in page
        assert "Piet de Boer" not in page
        assert "piet@oudewater.nl" not in page
        assert "Contact persons" not in page
    for name in ("viewer", "editor", "expert"):
        page = clients[name].get(url).content.decode()
        assert "Piet de Boer" in page
        assert "Add a contact person" not in page  # not the expert's organisation
    page = clients["coordinator"].get(url).content.decode()
    assert "Add a contact person" in page
    assert "Old offer" in page
    assert reverse("partnerships:contact-edit", args=[PartnerContact.objects.get().pk]) in page
    agency = factories.OrganisationFactory(kind="implementing_agency")
    assert clients["anonymous"].get(reverse("partnerships:partner-detail", args=[agency.pk])).status_code == 404


def test_organisation_page_links_to_the_partner_profile(world: Any, clients: dict[str, Client]) -> None:
    page = clients["anonymous"].get(reverse("programmes:organisation-detail", args=[world.organisation.pk])).content
    assert reverse("partnerships:partner-detail", args=[world.organisation.pk]) in page.decode()


# --- contact pages -------------------------------------------------------------------------------


def test_expert_adds_a_contact(world: Any, clients: dict[str, Client]) -> None:
    url = reverse("partnerships:contact-create", args=[world.organisation.pk])
    assert clients["expert"].get(url).status_code == 200
    response = clients["expert"].post(
        url, {"full_name": "Anna", "email": "anna@example.nl", "languages": ["nl", "en"], "is_primary": "on"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#contacts")
    contact = PartnerContact.objects.get()
    assert (contact.full_name, contact.languages, contact.is_primary) == ("Anna", ["nl", "en"], True)
    assert AuditEntry.objects.filter(action="partnerships.contact.created").exists()


def test_contact_bad_input_is_kept(world: Any, clients: dict[str, Client]) -> None:
    url = reverse("partnerships:contact-create", args=[world.organisation.pk])
    response = clients["expert"].post(url, {"full_name": "Anna", "email": "nope", "phone": "call me"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter a valid email address." in page
    assert "Give a phone number" in page
    assert 'value="Anna"' in page
    assert not PartnerContact.objects.exists()


def test_contact_pages_are_private(world: Any, clients: dict[str, Client]) -> None:
    contact = _contact(world)
    create = reverse("partnerships:contact-create", args=[world.organisation.pk])
    edit = reverse("partnerships:contact-edit", args=[contact.pk])
    delete = reverse("partnerships:contact-delete", args=[contact.pk])
    assert clients["anonymous"].get(edit).status_code == 302  # to the sign-in page
    for url in (create, edit, delete):
        assert clients["outsider"].get(url).status_code == 404
        assert clients["viewer"].get(url).status_code == 403
        assert clients["editor"].post(url, {"full_name": "X"}).status_code == 403
    contact.refresh_from_db()
    assert contact.full_name == "Jan Jansen"


def test_contact_edit_conflict_and_delete(world: Any, clients: dict[str, Client]) -> None:
    contact = _contact(world)
    edit = reverse("partnerships:contact-edit", args=[contact.pk])
    page = clients["expert"].get(edit).content.decode()
    assert 'value="Jan Jansen"' in page
    response = clients["coordinator"].post(edit, {"full_name": "Jan Jansen", "position": "Mayor", "version": 1})
    assert response.status_code == 302
    response = clients["expert"].post(edit, {"full_name": "Johannes Jansen", "version": 1})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone saved this contact person while you were editing." in page
    assert 'value="Johannes Jansen"' in page
    contact.refresh_from_db()
    assert contact.position == "Mayor"
    delete = reverse("partnerships:contact-delete", args=[contact.pk])
    assert "Remove Jan Jansen?" in clients["expert"].get(delete).content.decode()
    assert clients["expert"].post(delete).status_code == 302
    assert not PartnerContact.objects.exists()
