"""The Dutch municipalities that can become partners: list and page (public)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from conftest import World
from vidnova.programmes.models import Organisation
from vidnova.registry.models import DutchMunicipality

LIST_URL = "/hromadas/partner-municipalities/"
THE_HAGUE = "GM0518"


pytestmark = pytest.mark.usefixtures("english_pages")


def _codes(response: Any) -> list[str]:
    return re.findall(r'href="/hromadas/partner-municipalities/(GM\d{4})/"', response.content.decode())


def test_url_names() -> None:
    assert reverse("registry:municipality-list") == LIST_URL
    assert reverse("registry:municipality-detail", kwargs={"cbs_code": THE_HAGUE}) == f"{LIST_URL}{THE_HAGUE}/"


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "viewer", "coordinator"])
def test_everyone_sees_the_list(clients: dict[str, Client], persona: str) -> None:
    response = clients[persona].get(LIST_URL)
    assert response.status_code == 200
    assert response.context["nav"] == "municipalities"
    assert response.context["page_obj"].paginator.count == DutchMunicipality.objects.count() >= 342
    assert len(_codes(response)) == 50


def test_search_and_province_filter(clients: dict[str, Client]) -> None:
    response = clients["anonymous"].get(LIST_URL, {"q": "Utrecht"})
    assert "GM0344" in _codes(response)  # the municipality of Utrecht
    by_province = clients["anonymous"].get(LIST_URL, {"province": "Zeeland"})
    municipalities = list(by_province.context["page_obj"].object_list)
    assert municipalities
    assert {municipality.province for municipality in municipalities} == {"Zeeland"}
    by_code = clients["anonymous"].get(LIST_URL, {"q": THE_HAGUE.lower()})
    assert _codes(by_code) == [THE_HAGUE]


def test_partners_are_marked(clients: dict[str, Client], world: World) -> None:
    the_hague = DutchMunicipality.objects.get(cbs_code=THE_HAGUE)
    organisation = Organisation.objects.create(
        kind="dutch_municipality", dutch_municipality=the_hague, name_uk="Муніципалітет Гааги"
    )
    organisation.programmes.add(world.programme)
    response = clients["anonymous"].get(LIST_URL, {"q": THE_HAGUE})
    row = next(m for m in response.context["page_obj"].object_list if m.cbs_code == THE_HAGUE)
    assert row.is_partner
    assert "✓</span> partner" in response.content.decode()
    other = clients["anonymous"].get(LIST_URL, {"q": "GM0344"})
    assert not next(iter(other.context["page_obj"].object_list)).is_partner


def test_pagination_and_htmx(clients: dict[str, Client]) -> None:
    second = clients["anonymous"].get(LIST_URL, {"page": "2"})
    first = clients["anonymous"].get(LIST_URL)
    assert set(_codes(first)).isdisjoint(_codes(second))
    partial = clients["anonymous"].get(LIST_URL, {"q": "Utrecht", "province": ""}, headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode()
    assert partial["HX-Push-Url"] == f"{LIST_URL}?q=Utrecht"


@pytest.mark.parametrize("persona", ["anonymous", "viewer"])
def test_list_queries_are_bounded(clients: dict[str, Client], persona: str, django_assert_max_num_queries: Any) -> None:
    with django_assert_max_num_queries(7):
        response = clients[persona].get(LIST_URL)
    assert len(_codes(response)) == 50


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "viewer", "coordinator"])
def test_municipality_page(clients: dict[str, Client], world: World, persona: str) -> None:
    the_hague = DutchMunicipality.objects.get(cbs_code=THE_HAGUE)
    organisation = Organisation.objects.create(
        kind="dutch_municipality",
        dutch_municipality=the_hague,
        name_uk="Муніципалітет Гааги",
        name_en="Municipality of The Hague",
    )
    organisation.programmes.add(world.programme)
    response = clients[persona].get(f"{LIST_URL}{THE_HAGUE}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert escape(the_hague.name) in html  # 's-Gravenhage
    assert "Zuid-Holland" in html
    assert f"/programmes/organisations/{organisation.pk}/" in html
    assert f"/programmes/{world.programme.slug}/" in html


def test_municipality_without_organisations(clients: dict[str, Client]) -> None:
    html = clients["anonymous"].get(f"{LIST_URL}GM0344/").content.decode()
    assert "No organisation is linked to this municipality yet." in html


def test_unknown_municipality_is_404(clients: dict[str, Client]) -> None:
    assert clients["anonymous"].get(f"{LIST_URL}GM9999/").status_code == 404
    assert clients["coordinator"].get(f"{LIST_URL}nonsense/").status_code == 404
