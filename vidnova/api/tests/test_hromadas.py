"""GET /api/v1/hromadas/ and /api/v1/hromadas/{katottg}/: filters, validation, fields, queries.

The real registry is in the test database: Buchanska (Bucha, Kyiv oblast) and Samarivska, the
hromada of Samar that was called Novomoskovska until 2024, are looked up by their KATOTTG codes.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import World
from vidnova.registry.models import Hromada, SecurityStatus, SecurityStatusPeriod

BUCHA = "UA32080070000050759"
SAMARIVSKA = "UA12100070000011492"  # formerly Novomoskovska
KYIV_OBLAST = "UA32000000000030281"
BUCHA_RAION = "UA32080000000084076"

LIST_URL = reverse("api:hromada-list")


def detail_url(code: str) -> str:
    return reverse("api:hromada-detail", kwargs={"katottg": code})


def codes(response: Any) -> list[str]:
    return [item["katottg"] for item in response.json()["results"]]


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "viewer", "editor", "coordinator"])
def test_everyone_reads_the_list(clients: dict[str, Client], persona: str) -> None:
    response = clients[persona].get(LIST_URL, {"q": "Buchanska"})
    assert response.status_code == 200
    assert codes(response) == [BUCHA]


def test_list_item_has_the_documented_fields(clients: dict[str, Client]) -> None:
    item = clients["anonymous"].get(LIST_URL, {"q": "Buchanska"}).json()["results"][0]
    assert item == {
        "katottg": BUCHA,
        "name_uk": "Бучанська",
        "name_latin": "Buchanska",
        "name_en": "Buchanska",
        "type": "urban",
        "oblast": {"katottg": KYIV_OBLAST, "name_uk": "Київська", "iso_3166_2": "UA-32"},
        "raion": {"katottg": BUCHA_RAION, "name_uk": "Бучанський"},
        "admin_center": {"katottg": "UA32080070010087821", "name": "Буча"},
        "population_2022": 58286,
        "area_km2": "260.80",
        "latitude": item["latitude"],
        "longitude": item["longitude"],
        "in_crimea": False,
        "security_status": item["security_status"],
        "in_programme": False,
        "url": "http://testserver" + reverse("registry:hromada-detail", kwargs={"katottg": BUCHA}),
    }
    assert isinstance(item["latitude"], float)
    assert 50 < item["latitude"] < 51
    assert 29 < item["longitude"] < 31
    assert item["security_status"] in SecurityStatus.values


@pytest.mark.parametrize("query", ["Buchanska", "бучанська", "Бучанська", BUCHA])
def test_search_in_latin_ukrainian_and_by_code(clients: dict[str, Client], query: str) -> None:
    assert codes(clients["anonymous"].get(LIST_URL, {"q": query})) == [BUCHA]


@pytest.mark.parametrize("query", ["Novomoskovska", "Новомосковська"])
def test_search_finds_a_hromada_by_its_former_name(clients: dict[str, Client], query: str) -> None:
    response = clients["anonymous"].get(LIST_URL, {"q": query})
    assert SAMARIVSKA in codes(response)
    found = next(item for item in response.json()["results"] if item["katottg"] == SAMARIVSKA)
    assert found["name_uk"] == "Самарівська"


def test_filter_by_oblast_and_raion(clients: dict[str, Client]) -> None:
    in_oblast = clients["anonymous"].get(LIST_URL, {"oblast": KYIV_OBLAST, "page_size": "200"}).json()
    assert in_oblast["count"] == Hromada.objects.filter(oblast__katottg=KYIV_OBLAST).count() == 69
    assert {item["oblast"]["katottg"] for item in in_oblast["results"]} == {KYIV_OBLAST}

    in_raion = clients["anonymous"].get(LIST_URL, {"raion": BUCHA_RAION, "page_size": "200"}).json()
    assert in_raion["count"] == Hromada.objects.filter(raion__katottg=BUCHA_RAION).count() == 12
    assert BUCHA in [item["katottg"] for item in in_raion["results"]]
    assert {item["raion"]["katottg"] for item in in_raion["results"]} == {BUCHA_RAION}


def test_filter_by_type(clients: dict[str, Client]) -> None:
    response = clients["anonymous"].get(LIST_URL, {"raion": BUCHA_RAION, "type": "urban"})
    assert response.status_code == 200
    assert {item["type"] for item in response.json()["results"]} == {"urban"}
    assert BUCHA in codes(response)
    assert response.json()["count"] == Hromada.objects.filter(raion__katottg=BUCHA_RAION, hromada_type="urban").count()


def test_filter_by_security_status_and_as_of(clients: dict[str, Client], world: World) -> None:
    SecurityStatusPeriod.objects.create(
        hromada=world.other_hromada,
        status=SecurityStatus.ACTIVE_HOSTILITIES,
        starts_on=datetime.date(2024, 1, 1),
        ends_on=datetime.date(2024, 6, 1),
    )
    SecurityStatusPeriod.objects.create(
        hromada=world.other_hromada, status=SecurityStatus.POSSIBLE_HOSTILITIES, starts_on=datetime.date(2024, 6, 1)
    )
    oblast = world.other_hromada.oblast.katottg
    client = clients["anonymous"]

    in_march = client.get(LIST_URL, {"oblast": oblast, "security_status": "active_hostilities", "as_of": "2024-03-01"})
    assert codes(in_march) == [world.other_hromada.katottg]
    assert in_march.json()["results"][0]["security_status"] == "active_hostilities"

    today = client.get(LIST_URL, {"oblast": oblast, "security_status": "active_hostilities"})
    assert codes(today) == []
    today = client.get(LIST_URL, {"oblast": oblast, "security_status": "possible_hostilities"})
    assert codes(today) == [world.other_hromada.katottg]

    # "none" also matches hromadas with no recorded period.
    before = client.get(LIST_URL, {"oblast": oblast, "security_status": "none", "as_of": "2023-12-31"})
    assert codes(before) == [world.other_hromada.katottg]
    assert before.json()["results"][0]["security_status"] == "none"


def test_filter_by_programme(clients: dict[str, Client], world: World) -> None:
    response = clients["anonymous"].get(LIST_URL, {"programme": world.programme.slug})
    assert codes(response) == [world.hromada.katottg]
    assert response.json()["results"][0]["in_programme"] is True
    assert codes(clients["anonymous"].get(LIST_URL, {"programme": "no-such-programme"})) == []


def test_crimea_is_included_unless_excluded(clients: dict[str, Client]) -> None:
    client = clients["anonymous"]
    total = Hromada.objects.count()
    in_crimea = Hromada.objects.filter(in_crimea=True).count()
    assert in_crimea == 303
    assert client.get(LIST_URL).json()["count"] == total
    assert client.get(LIST_URL, {"include_crimea": "true"}).json()["count"] == total
    assert client.get(LIST_URL, {"include_crimea": "false"}).json()["count"] == total - in_crimea


def test_empty_parameters_count_as_absent(clients: dict[str, Client]) -> None:
    response = clients["anonymous"].get(
        LIST_URL, {"q": "Buchanska", "oblast": "", "type": "", "security_status": "", "as_of": ""}
    )
    assert response.status_code == 200
    assert codes(response) == [BUCHA]


@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("security_status", "at_war"),
        ("as_of", "2024-13-01"),
        ("as_of", "01.03.2024"),
        ("oblast", "UA-32"),
        ("oblast", "UA3200000000003028"),
        ("raion", "32080000000084076"),
        ("type", "city"),
        ("programme", "no spaces allowed"),
        ("include_crimea", "maybe"),
    ],
)
def test_bad_parameter_gives_400_naming_it(clients: dict[str, Client], parameter: str, value: str) -> None:
    response = clients["anonymous"].get(LIST_URL, {parameter: value})
    assert response.status_code == 400
    body = response.json()
    assert list(body) == [parameter]
    assert body[parameter]
    assert all(isinstance(message, str) for message in body[parameter])


def test_errors_follow_accept_language(clients: dict[str, Client]) -> None:
    english = clients["anonymous"].get(LIST_URL, {"oblast": "UA-32"}, headers={"accept-language": "en"})
    assert english.json() == {"oblast": ["Enter a KATOTTG code: “UA” followed by 17 digits, e.g. UA32000000000030281."]}


def test_list_is_paginated(clients: dict[str, Client]) -> None:
    client = clients["anonymous"]
    first = client.get(LIST_URL, {"oblast": KYIV_OBLAST}).json()
    assert first["count"] == 69
    assert len(first["results"]) == 50
    assert first["previous"] is None
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 19
    assert second["next"] is None
    assert {item["katottg"] for item in first["results"]}.isdisjoint(item["katottg"] for item in second["results"])

    small = client.get(LIST_URL, {"oblast": KYIV_OBLAST, "page_size": "10"}).json()
    assert len(small["results"]) == 10
    capped = client.get(LIST_URL, {"page_size": "100000"}).json()
    assert len(capped["results"]) == 200
    assert client.get(LIST_URL, {"oblast": KYIV_OBLAST, "page": "9"}).status_code == 404


@pytest.mark.parametrize("persona", ["anonymous", "coordinator"])
def test_list_runs_a_constant_number_of_queries(
    clients: dict[str, Client], persona: str, django_assert_max_num_queries: Any
) -> None:
    client = clients[persona]
    client.get(LIST_URL)  # warm-up: sessions, content types
    with django_assert_max_num_queries(5):
        response = client.get(LIST_URL, {"page_size": "200", "include_crimea": "false"})
    assert len(response.json()["results"]) == 200


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "viewer", "editor", "coordinator"])
def test_everyone_reads_the_detail(clients: dict[str, Client], persona: str) -> None:
    response = clients[persona].get(detail_url(BUCHA))
    assert response.status_code == 200
    assert response.json()["name_latin"] == "Buchanska"


def test_detail_has_former_names_and_status_history(clients: dict[str, Client]) -> None:
    hromada = Hromada.objects.get(katottg=SAMARIVSKA)
    SecurityStatusPeriod.objects.create(
        hromada=hromada,
        status=SecurityStatus.POSSIBLE_HOSTILITIES,
        starts_on=datetime.date(2025, 3, 1),
        source="Government list",
        note="The whole hromada",
    )
    body = clients["anonymous"].get(detail_url(SAMARIVSKA)).json()
    assert body["katottg"] == SAMARIVSKA
    assert body["name_uk"] == "Самарівська"
    assert {"name_uk": "Новомосковська", "name_latin": "Novomoskovska"} in body["former_names"]
    assert body["security_status_history"][0] == {
        "status": "possible_hostilities",
        "starts_on": "2025-03-01",
        "ends_on": None,
        "source": "Government list",
        "note": "The whole hromada",
    }
    assert body["security_status"] == "possible_hostilities"
    assert {"urban_population_2022", "settlement_count", "creation_year", "occupied_before_2022"} <= set(body)


def test_detail_status_as_of(clients: dict[str, Client], world: World) -> None:
    SecurityStatusPeriod.objects.create(
        hromada=world.other_hromada, status=SecurityStatus.ACTIVE_HOSTILITIES, starts_on=datetime.date(2024, 1, 1)
    )
    url = detail_url(world.other_hromada.katottg)
    assert clients["anonymous"].get(url, {"as_of": "2023-06-01"}).json()["security_status"] == "none"
    assert clients["anonymous"].get(url, {"as_of": "2024-06-01"}).json()["security_status"] == "active_hostilities"
    bad = clients["anonymous"].get(url, {"as_of": "yesterday"})
    assert bad.status_code == 400
    assert list(bad.json()) == ["as_of"]


@pytest.mark.parametrize("code", ["UA99999999999999999", "UA32000000000030281", "bucha"])
def test_unknown_code_gives_404(clients: dict[str, Client], code: str) -> None:
    response = clients["anonymous"].get(detail_url(code), headers={"accept-language": "en"})
    assert response.status_code == 404
    assert response.json() == {"detail": "No hromada with this KATOTTG code."}


def test_writes_to_the_list_are_not_allowed(clients: dict[str, Client]) -> None:
    assert clients["coordinator"].post(LIST_URL, {}).status_code == 405
    assert clients["coordinator"].delete(detail_url(BUCHA)).status_code == 405
