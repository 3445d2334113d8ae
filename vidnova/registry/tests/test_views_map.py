"""The map page: one inline SVG, no script or external host, small enough to send compressed."""

from __future__ import annotations

import datetime
import gzip
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import World
from vidnova.programmes.models import Participation
from vidnova.registry.models import Hromada, SecurityStatus
from vidnova.testing.factories import SecurityStatusPeriodFactory

MAP_URL = "/hromadas/map/"
KYIV_OBLAST = "UA32000000000030281"
BUCHANSKA = "UA32080070000050759"


pytestmark = pytest.mark.usefixtures("english_pages")


def _dot_codes(html: str) -> list[str]:
    return re.findall(r'<a href="/hromadas/(UA\d{17})/"><circle', html)


def _view_box(html: str) -> str:
    match = re.search(r'<svg class="map-svg" viewBox="([\d ]+)"', html)
    assert match
    return match.group(1)


def _spread(html: str, codes: set[str]) -> float:
    """How wide, in canvas pixels, the dots of ``codes`` are spread."""
    xs = [
        float(x)
        for code, x in re.findall(r'<a href="/hromadas/(UA\d{17})/"><circle[^>]* cx="([\d.]+)"', html)
        if code in codes
    ]
    return max(xs) - min(xs)


def test_url_name() -> None:
    assert reverse("registry:map") == MAP_URL


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "viewer", "coordinator"])
def test_everyone_sees_the_map(clients: dict[str, Client], persona: str) -> None:
    response = clients[persona].get(MAP_URL)
    assert response.status_code == 200
    assert response.context["nav"] == "map"


def test_the_whole_map_is_under_100_kb_compressed(clients: dict[str, Client], world: World) -> None:
    response = clients["anonymous"].get(MAP_URL)
    html = response.content.decode()
    with_position = Hromada.objects.filter(latitude__isnull=False, longitude__isnull=False).count()
    assert with_position > 1700
    assert len(_dot_codes(html)) == with_position == response.context["shown"]
    assert len(gzip.compress(response.content)) < 100_000


def test_the_map_has_every_outline_and_needs_no_script_or_other_host(clients: dict[str, Client]) -> None:
    html = clients["anonymous"].get(MAP_URL).content.decode()
    assert html.count('<path class="oblast') == 27  # 24 oblasts, Crimea, Kyiv and Sevastopol
    for name in ("Автономна Республіка Крим", "Київ", "Севастополь", "Київська"):
        assert f"<title>{name}</title>" in html
    assert 'class="oblast oblast-occupied"' in html
    svg = html[html.index('<svg class="map-svg"') : html.index("</svg>", html.index('<svg class="map-svg"'))]
    assert "<script" not in svg
    assert "style=" not in svg
    assert re.findall(r'(?:href|src)="https?://', html) == []


def test_dots_are_coloured_by_status_and_participants_ringed(clients: dict[str, Client], world: World) -> None:
    bucha = Hromada.objects.get(katottg=BUCHANSKA)
    SecurityStatusPeriodFactory.create(
        hromada=bucha, status=SecurityStatus.ACTIVE_HOSTILITIES, starts_on=datetime.date(2024, 1, 1)
    )
    Participation.objects.create(phase=world.phase, hromada=bucha)
    html = clients["anonymous"].get(MAP_URL).content.decode()
    assert re.search(
        rf'<a href="/hromadas/{BUCHANSKA}/"><circle class="dot-active_hostilities dot-participant" '
        r'cx="[\d.]+" cy="[\d.]+" r="4.2"><title>Бучанська: active hostilities; takes part in a programme</title>',
        html,
    )
    assert "dot-temporarily_occupied" in html  # Crimea, as the registry records it
    assert "Самарівська: not recorded</title>" in html


def test_oblast_filter_zooms_and_keeps_the_oblasts_dots(clients: dict[str, Client]) -> None:
    country = clients["anonymous"].get(MAP_URL).content.decode()
    response = clients["anonymous"].get(MAP_URL, {"oblast": KYIV_OBLAST})
    html = response.content.decode()
    assert response.context["focus"].katottg == KYIV_OBLAST
    assert _view_box(html) == _view_box(country)  # the same room on the page, zoomed in
    codes = _dot_codes(html)
    assert _spread(html, set(codes)) > 3 * _spread(country, set(codes))
    assert BUCHANSKA in codes
    assert len(codes) == Hromada.objects.filter(oblast__katottg=KYIV_OBLAST).count()
    assert html.count('<path class="oblast') < 27  # only outlines that reach into the view
    assert "Map of hromadas: Київська" in html


def test_status_and_programme_filters(clients: dict[str, Client], world: World) -> None:
    bucha = Hromada.objects.get(katottg=BUCHANSKA)
    SecurityStatusPeriodFactory.create(
        hromada=bucha, status=SecurityStatus.ACTIVE_HOSTILITIES, starts_on=datetime.date(2024, 1, 1)
    )
    active = clients["anonymous"].get(MAP_URL, {"status": "active_hostilities"}).content.decode()
    assert _dot_codes(active) == [BUCHANSKA]
    in_programme = clients["anonymous"].get(MAP_URL, {"programme": world.programme.slug})
    assert _dot_codes(in_programme.content.decode()) == [world.hromada.katottg]


def test_the_same_hromadas_as_a_list(clients: dict[str, Client], world: World) -> None:
    response = clients["anonymous"].get(MAP_URL, {"oblast": KYIV_OBLAST, "status": "none", "programme": ""})
    assert response.context["list_url"] == f"/hromadas/?oblast={KYIV_OBLAST}&status=none"
    assert f'href="/hromadas/?oblast={KYIV_OBLAST}&amp;status=none"' in response.content.decode()
    listed = clients["anonymous"].get(response.context["list_url"])
    assert (
        listed.context["page_obj"].paginator.count == response.context["shown"] + response.context["without_position"]
    )


def test_legend_and_accessible_names(clients: dict[str, Client]) -> None:
    html = clients["anonymous"].get(MAP_URL).content.decode()
    assert 'aria-labelledby="map-title map-desc"' in html
    assert '<ul class="legend"' in html
    for label in ("no hostilities", "possible hostilities", "active hostilities", "temporarily occupied"):
        assert f"</span>{label}</li>" in html
    assert "Skip the map" in html


def test_an_unknown_filter_value_shows_an_error_and_the_whole_country(clients: dict[str, Client]) -> None:
    response = clients["anonymous"].get(MAP_URL, {"oblast": "UA00000000000000000"})
    assert response.status_code == 200
    assert response.context["form"].errors["oblast"]
    assert response.context["focus"] is None


def test_map_queries_are_bounded(clients: dict[str, Client], django_assert_max_num_queries: Any) -> None:
    with django_assert_max_num_queries(6):
        response = clients["viewer"].get(MAP_URL)
    assert response.context["shown"] > 1700
