"""The map of partnerships: Ukraine and the Netherlands side by side, numbered markers shared by the
two pictures, partners that cannot be placed listed beside them, and the table that is the pictures'
accessible equivalent. Also the shipped outline of the Netherlands and the drawing helpers."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from conftest import World
from vidnova.partnerships import map as partnership_map
from vidnova.partnerships.models import PartnerRole, Partnership, PartnershipPartner
from vidnova.partnerships.views.overview import COUNTRY_NAMES
from vidnova.programmes.models import Organisation
from vidnova.registry.map import frame_for
from vidnova.registry.models import DutchMunicipality, Hromada
from vidnova.testing import factories
from vidnova.testing.partnerships import make_partnership

MAP_URL = "/partnerships/map/"


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _dutch(cbs_code: str, name: str) -> Organisation:
    return factories.OrganisationFactory(
        kind="dutch_municipality",
        name_en=name,
        country="NL",
        dutch_municipality=DutchMunicipality.objects.get(cbs_code=cbs_code),
    )


@pytest.fixture
def records(world: World) -> dict[str, Partnership]:
    """Bilozerska (Kherson oblast) with Rheden + Mińsk Mazowiecki (active) and with Rhenen (proposed);
    the world hromada with a Dutch safety region that is not linked to a municipality (closed)."""
    bilozerska = Hromada.objects.get(katottg="UA65100010000048953")
    factories.ParticipationFactory(phase=world.phase, hromada=bilozerska)
    rheden = _dutch("GM0275", "Municipality of Rheden")
    rhenen = _dutch("GM0340", "Municipality of Rhenen")
    minsk = factories.OrganisationFactory(kind="eu_municipality", name_en="Town of Mińsk Mazowiecki", country="PL")
    world.organisation.country = "NL"
    world.organisation.save()
    economy = make_partnership(
        world.programme, bilozerska, rheden, status="active", themes=("local-economy",), title="Economy"
    )
    PartnershipPartner.objects.create(partnership=economy, organisation=minsk, role=PartnerRole.SUPPORTING)
    recovery = make_partnership(
        world.programme, bilozerska, rhenen, status="proposed", themes=("recovery-planning",), title="Recovery"
    )
    crisis = make_partnership(
        world.programme, world.hromada, world.organisation, status="closed", themes=("crisis-planning",), title="Crisis"
    )
    return {"economy": economy, "recovery": recovery, "crisis": crisis}


def _svgs(html: str) -> dict[str, str]:
    pattern = r'(<svg class="pmap-svg"[^>]*aria-labelledby="pmap-(\w+)-title[^>]*>.*?</svg>)'
    return {key: svg for svg, key in re.findall(pattern, html, flags=re.S)}


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "viewer", "expert", "coordinator"])
def test_the_map_is_public(clients: dict[str, Client], records: dict[str, Partnership], persona: str) -> None:
    response = clients[persona].get(MAP_URL)
    assert response.status_code == 200
    assert 'aria-current="page">Map</a>' in response.content.decode()


def test_two_accessible_pictures_and_a_table(clients: dict[str, Client], records: dict[str, Partnership]) -> None:
    html = clients["anonymous"].get(MAP_URL).content.decode()
    svgs = _svgs(html)
    assert set(svgs) == {"ua", "nl"}
    for key, svg in svgs.items():
        assert 'role="img"' in svg
        assert f'aria-labelledby="pmap-{key}-title pmap-{key}-desc"' in svg
        assert f'<title id="pmap-{key}-title">' in svg
        assert f'<desc id="pmap-{key}-desc">' in svg
        assert "<a " not in svg  # nothing to focus inside an image; the table links
        # No tiles, no external host: the only URL is the SVG namespace.
        assert re.findall(r"https?://[^\s\"']+", svg) == ["http://www.w3.org/2000/svg"]
    assert "<script" not in html.split("</header>", 1)[-1]

    # Numbered in the hromadas' alphabetical order (the test hromada has no sort key, so it comes
    # first), then by age: the test hromada's (1), then Bilozerska's two (2, 3).
    rows = [(row.number, row.partnership.title) for row in clients["anonymous"].get(MAP_URL).context["drawing"].rows]
    assert rows == [(1, "Crisis"), (2, "Economy"), (3, "Recovery")]
    # Ukraine: Bilozerska once, labelled 1, 2, coloured by its most advanced status (active); the test hromada 3.
    assert re.search(
        r'<g class="pmap-marker pmap-active"><title>Білозерська: 2, 3</title><circle [^>]*r="5.5"', svgs["ua"]
    )
    assert re.search(r'<g class="pmap-marker pmap-closed"><title>Тестова громада \d+: 1</title>', svgs["ua"])
    assert svgs["ua"].count("<circle") == 2
    # The Netherlands: Rheden (1) and Rhenen (2) at their municipalities.
    assert '<g class="pmap-marker pmap-active"><title>Municipality of Rheden: 2</title>' in svgs["nl"]
    assert '<g class="pmap-marker pmap-proposed"><title>Municipality of Rhenen: 3</title>' in svgs["nl"]
    assert svgs["nl"].count("<circle") == 2
    # Beside the map: the Polish partner, and the Dutch safety region with no municipality.
    text = _text(html)
    assert "Partners in other countries Town of Mińsk Mazowiecki PL : 2" in text
    assert "Dutch partners not on the map" in text
    assert "Test Safety Region : 1" in text
    # The table: number, hromada, partners, themes, status.
    table = _text(html.split('id="pmap-table"', 1)[1])
    assert (
        "2 Білозерська Херсонська · Economy Municipality of Rheden NL (lead partner) Town of Mińsk Mazowiecki PL"
        in table
    )
    assert "Local economic development and business support Active" in table
    assert "3 Білозерська" in table
    assert "Outline of the Netherlands: Bron: CBS" in text


def test_the_map_takes_the_list_filters(clients: dict[str, Client], records: dict[str, Partnership]) -> None:
    response = clients["anonymous"].get(MAP_URL, {"status": "proposed"})
    assert [row.partnership.title for row in response.context["drawing"].rows] == ["Recovery"]
    html = response.content.decode()
    assert "1 partnership shown." in html
    assert 'href="/partnerships/?status=proposed"' in html  # the same partnerships as a list
    for query, expected in [
        ({"field": "1"}, ["Crisis"]),
        ({"theme": "local-economy"}, ["Economy"]),
        ({"country": "PL"}, ["Economy"]),
        ({"q": "Rhenen"}, ["Recovery"]),
    ]:
        drawing = clients["anonymous"].get(MAP_URL, query).context["drawing"]
        assert [row.partnership.title for row in drawing.rows] == expected, query
    empty = clients["anonymous"].get(MAP_URL, {"theme": "fire-rescue"})
    assert "No partnership matches these filters." in empty.content.decode()
    assert "<circle" not in empty.content.decode()


def test_the_map_is_cut_at_its_limit(clients: dict[str, Client], world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from vidnova.partnerships.views import overview

    monkeypatch.setattr(overview, "MAP_LIMIT", 2)
    for number in range(3):
        make_partnership(world.programme, world.hromada, world.organisation, title=f"P{number}")
    response = clients["anonymous"].get(MAP_URL)
    assert len(response.context["drawing"].rows) == 2
    assert "The map shows the first 2; narrow the filters to see the others." in response.content.decode()


def test_the_page_is_small(clients: dict[str, Client], records: dict[str, Partnership]) -> None:
    import gzip

    html = clients["anonymous"].get(MAP_URL).content
    assert len(gzip.compress(html)) < 60 * 1024  # the whole budget is 150 KB with CSS and scripts


# --- the drawing ---------------------------------------------------------------------------------


def test_the_shipped_outline_of_the_netherlands() -> None:
    shapes = partnership_map.netherlands_shapes()
    left, top, right, bottom = shapes.bbox
    # Projected: x = longitude · cos 52.2°, y = −latitude. The Netherlands spans about 3.36–7.23 °E, 50.75–53.56 °N.
    assert 3.2 < left / partnership_map._NL_X_SCALE < 3.5
    assert 7.1 < right / partnership_map._NL_X_SCALE < 7.3
    assert -53.7 < top < -53.4
    assert -50.9 < bottom < -50.7
    assert len(shapes.outline) >= 5  # the mainland and the Wadden islands
    assert len(shapes.borders) >= 12  # province borders
    frame, land, borders = partnership_map.netherlands_paths()
    assert frame.width <= partnership_map.NETHERLANDS_WIDTH
    assert frame.height <= partnership_map.NETHERLANDS_HEIGHT
    assert land.startswith("M")
    assert land.endswith("z")
    assert borders.startswith("M")
    assert "z" not in borders
    assert len(land) + len(borders) < 30_000


def test_every_dutch_municipality_falls_on_the_canvas(world: World) -> None:
    frame, _land, _borders = partnership_map.netherlands_paths()
    positions = DutchMunicipality.objects.exclude(latitude=None).values_list("name", "longitude", "latitude")
    assert len(positions) == 342
    for name, longitude, latitude in positions:
        assert longitude is not None
        assert latitude is not None
        x, y = frame.to_pixels(partnership_map.nl_project(float(longitude), float(latitude)))
        assert 0 <= x <= frame.width, name
        assert 0 <= y <= frame.height, name


def test_build_numbers_groups_and_places(world: World, records: dict[str, Partnership]) -> None:
    from vidnova.partnerships.views.overview import filtered_partnerships

    partnerships = list(filtered_partnerships(world.admin, {}).order_by("hromada__name_sort", "hromada_id", "pk"))
    drawing = partnership_map.build(partnerships, country_names=COUNTRY_NAMES)
    ukraine = {marker.name: (marker.numbers, marker.status) for marker in drawing.ukraine}
    assert ukraine["Білозерська"] == ([2, 3], "active")
    netherlands = {marker.name: marker.numbers for marker in drawing.netherlands}
    assert netherlands == {"Municipality of Rheden": [2], "Municipality of Rhenen": [3]}
    assert [(p.organisation.name, p.country, p.country_name, p.numbers) for p in drawing.abroad] == [
        ("Town of Mińsk Mazowiecki", "PL", "Poland", [2])
    ]
    assert [(p.organisation.name, p.numbers) for p in drawing.not_on_map] == [("Test Safety Region", [1])]
    assert drawing.hromadas_without_position == []


def test_markers_without_a_position_are_listed(world: World) -> None:
    world.hromada.latitude = None
    world.hromada.save()
    make_partnership(world.programme, world.hromada, world.organisation, title="Somewhere")
    partnerships = list(
        Partnership.objects.prefetch_related("partner_links__organisation__dutch_municipality", "themes")
    )
    drawing = partnership_map.build(partnerships, country_names=COUNTRY_NAMES)
    assert drawing.ukraine == []
    assert [marker.name for marker in drawing.hromadas_without_position] == [world.hromada.name_uk]


def test_marker_sizes_and_labels() -> None:
    assert partnership_map.marker_radius(1) == 4.5
    assert partnership_map.marker_radius(4) == 7.0
    assert partnership_map.marker_radius(400) == 14.0
    marker = partnership_map.Marker(latitude=50.0, longitude=30.0, name="X")
    for number, status in [(1, "closed"), (2, "proposed"), (3, "agreed"), (4, "proposed"), (5, "closed")]:
        marker.add(number, status)
    assert marker.status == "agreed"
    assert marker.label == "1, 2, 3, 4, …"


def test_line_data_keeps_lines_open() -> None:
    frame = frame_for((0.0, 0.0, 10.0, 10.0), max_width=100, max_height=100, padding=0)
    data = partnership_map.line_data([((0.0, 0.0), (5.0, 0.01), (10.0, 0.0)), ((1.0, 1.0), (1.0, 1.0))], frame)
    assert data == "M0 0l100 0"


def test_labels_near_the_western_edge_go_left() -> None:
    frame = frame_for((0.0, 0.0, 10.0, 10.0), max_width=100, max_height=100, padding=0)
    west = partnership_map.Marker(latitude=-5.0, longitude=1.0, name="West", numbers=[1])
    east = partnership_map.Marker(latitude=-5.0, longitude=8.0, name="East", numbers=[2])
    assert '<text x="3.5" y="54.0" text-anchor="end">1</text>' in partnership_map._marker(frame, (1.0, 5.0), west)
    assert '<text x="86.5" y="54.0">2</text>' in partnership_map._marker(frame, (8.0, 5.0), east)
