"""GET /api/v1/oblasts/, /api/v1/raions/ and /api/v1/partner-municipalities/ (public reference data)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from vidnova.registry.models import DutchMunicipality, Hromada, Raion

KYIV_OBLAST = "UA32000000000030281"
KYIV_CITY = "UA80000000000093317"
BUCHA_RAION = "UA32080000000084076"

PERSONAS = ["anonymous", "outsider", "viewer", "editor", "coordinator"]
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


# --- oblasts ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_oblast_list_has_all_27_units_with_counts(clients: dict[str, Client], persona: str) -> None:
    response = clients[persona].get(reverse("api:oblast-list"))
    assert response.status_code == 200
    body = response.json()
    real = [item for item in body["results"] if not item["katottg"].startswith("UA99")]  # test factories
    assert len(real) == 27
    kyiv_oblast = next(item for item in real if item["katottg"] == KYIV_OBLAST)
    assert kyiv_oblast == {
        "katottg": KYIV_OBLAST,
        "name_uk": "Київська",
        "name_latin": "Kyivska",
        "name_en": kyiv_oblast["name_en"],
        "iso_3166_2": "UA-32",
        "category": "O",
        "raion_count": 7,
        "hromada_count": 69,
    }
    kyiv_city = next(item for item in real if item["katottg"] == KYIV_CITY)
    assert kyiv_city["category"] == "K"
    assert kyiv_city["iso_3166_2"] == "UA-30"
    assert sum(item["hromada_count"] for item in real) == Hromada.objects.exclude(katottg__startswith="UA97").count()


def test_oblast_list_runs_a_constant_number_of_queries(
    clients: dict[str, Client], django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(3):
        clients["anonymous"].get(reverse("api:oblast-list"))


def test_oblast_detail(clients: dict[str, Client]) -> None:
    response = clients["viewer"].get(reverse("api:oblast-detail", kwargs={"katottg": KYIV_OBLAST}))
    assert response.status_code == 200
    assert response.json()["iso_3166_2"] == "UA-32"
    assert response.json()["raion_count"] == 7


@pytest.mark.parametrize("code", ["UA99999999999999999", "UA32080070000050759", "kyiv"])
def test_unknown_oblast_gives_404(clients: dict[str, Client], code: str) -> None:
    response = clients["anonymous"].get(
        reverse("api:oblast-detail", kwargs={"katottg": code}), headers={"accept-language": "en"}
    )
    assert response.status_code == 404
    assert response.json() == {"detail": "No oblast with this KATOTTG code."}


# --- raions --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_raions_of_an_oblast(clients: dict[str, Client], persona: str) -> None:
    response = clients[persona].get(reverse("api:raion-list"), {"oblast": KYIV_OBLAST})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 7
    bucha = next(item for item in body["results"] if item["katottg"] == BUCHA_RAION)
    assert bucha == {
        "katottg": BUCHA_RAION,
        "name_uk": "Бучанський",
        "name_latin": bucha["name_latin"],
        "oblast": {"katottg": KYIV_OBLAST, "name_uk": "Київська", "iso_3166_2": "UA-32"},
        "hromada_count": 12,
    }


def test_all_raions_are_listed_in_pages(clients: dict[str, Client], django_assert_max_num_queries: Any) -> None:
    with django_assert_max_num_queries(3):
        body = clients["anonymous"].get(reverse("api:raion-list"), {"page_size": "200"}).json()
    assert body["count"] == Raion.objects.count()
    assert len(body["results"]) == min(200, body["count"])


def test_bad_oblast_filter_gives_400(clients: dict[str, Client]) -> None:
    response = clients["anonymous"].get(reverse("api:raion-list"), {"oblast": "UA-32"})
    assert response.status_code == 400
    assert list(response.json()) == ["oblast"]


def test_raion_detail_and_404(clients: dict[str, Client]) -> None:
    ok = clients["editor"].get(reverse("api:raion-detail", kwargs={"katottg": BUCHA_RAION}))
    assert ok.status_code == 200
    assert ok.json()["hromada_count"] == 12
    missing = clients["editor"].get(reverse("api:raion-detail", kwargs={"katottg": KYIV_OBLAST}))
    assert missing.status_code == 404


# --- partner municipalities -------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_partner_municipality_search(clients: dict[str, Client], persona: str) -> None:
    response = clients[persona].get(reverse("api:partner-municipality-list"), {"q": "Amsterdam"})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [item["cbs_code"] for item in results] == ["GM0363"]
    amsterdam = results[0]
    assert amsterdam["name"] == "Amsterdam"
    assert amsterdam["province"] == "Noord-Holland"
    assert amsterdam["population"] == 931298
    assert isinstance(amsterdam["latitude"], float)
    assert amsterdam["url"] == "http://testserver" + reverse(
        "registry:municipality-detail", kwargs={"cbs_code": "GM0363"}
    )


def test_partner_municipalities_by_province(clients: dict[str, Client], django_assert_max_num_queries: Any) -> None:
    with django_assert_max_num_queries(3):
        body = (
            clients["anonymous"]
            .get(reverse("api:partner-municipality-list"), {"province": "Utrecht", "page_size": "200"})
            .json()
        )
    assert body["count"] == DutchMunicipality.objects.filter(province="Utrecht").count() > 0
    assert {item["province"] for item in body["results"]} == {"Utrecht"}
    assert "GM0344" in [item["cbs_code"] for item in body["results"]]


def test_partner_municipality_detail_and_404(clients: dict[str, Client]) -> None:
    ok = clients["outsider"].get(reverse("api:partner-municipality-detail", kwargs={"cbs_code": "GM0344"}))
    assert ok.status_code == 200
    assert ok.json()["name"] == "Utrecht"
    missing = clients["outsider"].get(
        reverse("api:partner-municipality-detail", kwargs={"cbs_code": "GM9999"}), headers={"accept-language": "en"}
    )
    assert missing.status_code == 404
    assert missing.json() == {"detail": "No municipality with this CBS code."}


def test_search_text_too_long_gives_400(clients: dict[str, Client]) -> None:
    response = clients["anonymous"].get(reverse("api:partner-municipality-list"), {"q": "x" * 201})
    assert response.status_code == 400
    assert list(response.json()) == ["q"]


@pytest.mark.parametrize("name", ["api:oblast-list", "api:raion-list", "api:partner-municipality-list"])
def test_reference_data_is_read_only(clients: dict[str, Client], name: str) -> None:
    assert clients["coordinator"].post(reverse(name), {}).status_code == 405


def test_api_root_lists_the_endpoints_as_json(clients: dict[str, Client]) -> None:
    response = clients["anonymous"].get(reverse("api:api-root"), headers={"accept": BROWSER_ACCEPT})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == {
        "hromadas": "http://testserver/api/v1/hromadas/",
        "oblasts": "http://testserver/api/v1/oblasts/",
        "raions": "http://testserver/api/v1/raions/",
        "partner-municipalities": "http://testserver/api/v1/partner-municipalities/",
    }


def test_browsers_get_json_not_the_browsable_api(clients: dict[str, Client]) -> None:
    response = clients["coordinator"].get(reverse("api:hromada-list"), headers={"accept": BROWSER_ACCEPT})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
