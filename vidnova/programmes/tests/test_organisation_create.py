"""Programme staff add partner organisations to their programme, starting from the registry's Dutch
municipalities; everyone else is refused."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import World
from vidnova.audit.models import AuditEntry
from vidnova.programmes.models import Organisation
from vidnova.registry.models import DutchMunicipality

pytestmark = pytest.mark.django_db


def _url(world: World) -> str:
    return reverse("programmes:organisation-create", kwargs={"slug": world.programme.slug})


def test_only_the_programmes_staff_may_add_an_organisation(world: World, clients: dict[str, Client]) -> None:
    assert clients["anonymous"].get(_url(world)).status_code == 302  # to the sign-in page
    # The programme is a public record: people who see it but do not run it are refused with 403.
    for persona in ("outsider", "viewer", "editor", "expert"):
        assert clients[persona].get(_url(world)).status_code == 403, persona
        assert clients[persona].post(_url(world), {"kind": "ngo", "name_uk": "Х", "country": "UA"}).status_code == 403
    assert clients["coordinator"].get(_url(world)).status_code == 200
    unknown = reverse("programmes:organisation-create", kwargs={"slug": "no-such-programme"})
    assert clients["coordinator"].get(unknown).status_code == 404


def test_a_dutch_municipality_of_the_registry_becomes_a_partner(world: World, clients: dict[str, Client]) -> None:
    municipality = DutchMunicipality.objects.get(cbs_code="GM0344")  # Utrecht
    page = clients["coordinator"].get(_url(world) + "?municipality=gm0344").content.decode()
    assert 'value="Municipality of Utrecht"' in page
    assert 'value="GM0344" selected' in page

    response = clients["coordinator"].post(
        _url(world),
        {
            "kind": "dutch_municipality",
            "name_uk": "Муніципалітет Утрехт",
            "name_en": "Municipality of Utrecht",
            "name_nl": "Gemeente Utrecht",
            "country": "nl",
            "dutch_municipality": "GM0344",
        },
    )
    organisation = Organisation.objects.get(dutch_municipality=municipality)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "programmes:organisation-detail", kwargs={"organisation_id": organisation.pk}
    )
    assert organisation.country == "NL"
    assert list(organisation.programmes.all()) == [world.programme]
    assert AuditEntry.objects.filter(action="programmes.organisation.created", object_id=str(organisation.pk)).exists()

    # The municipality's registry page no longer offers to add it to this programme.
    detail = clients["coordinator"].get(reverse("registry:municipality-detail", kwargs={"cbs_code": "GM0344"}))
    assert _url(world) not in detail.content.decode()


def test_the_registry_page_offers_staff_to_add_the_municipality(world: World, clients: dict[str, Client]) -> None:
    detail = reverse("registry:municipality-detail", kwargs={"cbs_code": "GM0363"})
    assert f"{_url(world)}?municipality=GM0363" in clients["coordinator"].get(detail).content.decode()
    for persona in ("anonymous", "outsider", "expert", "viewer"):
        assert _url(world) not in clients[persona].get(detail).content.decode(), persona
    partners = clients["coordinator"].get(reverse("partnerships:partner-list")).content.decode()
    assert _url(world) in partners
    assert _url(world) not in clients["expert"].get(reverse("partnerships:partner-list")).content.decode()


def test_bad_input_is_refused_and_nothing_is_saved(world: World, english: dict[str, Client]) -> None:
    clients = english
    before = Organisation.objects.count()
    response = clients["coordinator"].post(
        _url(world), {"kind": "dutch_municipality", "name_uk": "", "country": "Netherlands", "dutch_municipality": ""}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "This field is required." in body
    assert 'value="Netherlands"' in body  # what was typed stays in the form
    assert Organisation.objects.count() == before
