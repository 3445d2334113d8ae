"""The settlement search behind location pickers: htmx options or JSON."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

SEARCH_URL = "/hromadas/settlements/search/"
BUCHANSKA = "UA32080070000050759"
BUCHA_CITY = "UA32080070010087821"


pytestmark = pytest.mark.usefixtures("english_pages")


def _values(response: Any) -> list[str]:
    return re.findall(r'<option value="(UA\d{17})">', response.content.decode())


def test_url_name() -> None:
    assert reverse("registry:settlement-search") == SEARCH_URL


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "viewer", "coordinator"])
def test_finds_a_city_with_its_hromada_raion_and_oblast(clients: dict[str, Client], persona: str) -> None:
    response = clients[persona].get(SEARCH_URL, {"q": "Буча"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert _values(response)[0] == BUCHA_CITY  # the name that starts with the query comes first
    assert "Буча (city) — Бучанська hromada, Бучанський raion, Київська" in html
    assert "<html" not in html


def test_latin_search(clients: dict[str, Client]) -> None:
    assert BUCHA_CITY in _values(clients["anonymous"].get(SEARCH_URL, {"q": "bucha"}))


def test_hromadas_raions_and_oblasts_are_left_out_unless_asked(clients: dict[str, Client]) -> None:
    default = clients["anonymous"].get(SEARCH_URL, {"q": "Бучанськ"})
    assert BUCHANSKA not in _values(default)
    assert "UA32080000000084076" not in _values(default)  # Бучанський raion
    asked = clients["anonymous"].get(SEARCH_URL, {"q": "Бучанськ", "category": ["H", "P"]})
    assert BUCHANSKA in _values(asked)
    assert "UA32080000000084076" in _values(asked)
    kyiv = clients["anonymous"].get(SEARCH_URL, {"q": "Київ"})
    assert "UA80000000000093317" not in _values(kyiv)  # the city with special status


def test_at_most_20_results(clients: dict[str, Client]) -> None:
    assert len(_values(clients["anonymous"].get(SEARCH_URL, {"q": "ка"}))) == 20


def test_limited_to_one_hromada(clients: dict[str, Client]) -> None:
    values = _values(clients["anonymous"].get(SEARCH_URL, {"q": "а", "hromada": BUCHANSKA, "x": ""}))
    assert values == []  # one letter is too short
    values = _values(clients["anonymous"].get(SEARCH_URL, {"q": "ка", "hromada": BUCHANSKA}))
    assert values
    assert all(value.startswith("UA3208007") for value in values)  # oblast, raion, hromada digits


def test_short_and_empty_queries(clients: dict[str, Client]) -> None:
    short = clients["anonymous"].get(SEARCH_URL, {"q": "Б"}).content.decode()
    assert '<option value="" disabled>Type at least two letters of the name.</option>' in short
    nothing = clients["anonymous"].get(SEARCH_URL, {"q": "Zzyzx"}).content.decode()
    assert '<option value="" disabled>No place matches this name.</option>' in nothing


def test_json(clients: dict[str, Client]) -> None:
    response = clients["anonymous"].get(SEARCH_URL, {"q": "Буча"}, headers={"Accept": "application/json"})
    assert response["Content-Type"] == "application/json"
    first = response.json()["results"][0]
    assert first == {
        "katottg": BUCHA_CITY,
        "name_uk": "Буча",
        "name_latin": "Bucha",
        "category": "M",
        "category_label": "City",
        "hromada": {"katottg": BUCHANSKA, "name_uk": "Бучанська"},
        "raion": "Бучанський",
        "oblast": "Київська",
    }
    assert "Accept" in response["Vary"]
    short = clients["anonymous"].get(SEARCH_URL, {"q": "Б"}, headers={"Accept": "application/json"}).json()
    assert short["results"] == []
    assert "q" in short["errors"]


def test_search_queries_are_bounded(clients: dict[str, Client], django_assert_max_num_queries: Any) -> None:
    with django_assert_max_num_queries(1):
        response = clients["anonymous"].get(SEARCH_URL, {"q": "ка"}, headers={"Accept": "application/json"})
    assert len(response.json()["results"]) == 20
