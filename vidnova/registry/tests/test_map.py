"""The SVG map builder: projection, simplification, framing and markup (no database)."""

from __future__ import annotations

import math
import re

import pytest

from vidnova.registry import map as svg_map


def test_projection_scales_longitude_by_the_middle_latitude() -> None:
    x, y = svg_map.project(30.0, 50.0)
    assert x == pytest.approx(30.0 * math.cos(math.radians(48.5)))
    assert y == -50.0  # SVG's y grows downwards, so north is up


def test_simplify_drops_points_on_a_straight_line() -> None:
    line = [(float(i), 0.0) for i in range(11)]
    assert svg_map.simplify(line, 0.5) == [(0.0, 0.0), (10.0, 0.0)]


def test_simplify_keeps_a_corner_beyond_the_tolerance_and_drops_a_small_bump() -> None:
    points = [(0.0, 0.0), (5.0, 0.2), (10.0, 0.0), (10.0, 10.0)]
    assert svg_map.simplify(points, 0.5) == [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0)]
    assert svg_map.simplify(points, 0.1) == points


def test_simplify_ring_keeps_a_closed_square() -> None:
    square = [(0.0, 0.0), (5.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0), (0.0, 0.0)]
    assert sorted(svg_map.simplify_ring(square, 0.5)) == [(0.0, 0.0), (0.0, 10.0), (10.0, 0.0), (10.0, 10.0)]


def test_simplify_ring_drops_a_ring_smaller_than_the_tolerance() -> None:
    speck = [(0.0, 0.0), (0.1, 0.0), (0.1, 0.1), (0.0, 0.0)]
    assert svg_map.simplify_ring(speck, 0.5) == []


def test_frame_fits_the_box_within_the_limits() -> None:
    frame = svg_map.frame_for((0.0, 0.0, 20.0, 10.0), max_width=1000, max_height=760, padding=10)
    assert frame.width == 1000
    assert frame.height == 510  # 10 units at 49 px each, and the padding
    assert frame.to_pixels((0.0, 0.0)) == (10.0, 10.0)
    assert frame.to_pixels((20.0, 10.0)) == pytest.approx((990.0, 500.0))
    tall = svg_map.frame_for((0.0, 0.0, 1.0, 10.0), max_width=1000, max_height=760, padding=10)
    assert tall.height == 760
    assert tall.width < 200


def test_a_fixed_frame_keeps_its_size_and_centres_the_box() -> None:
    frame = svg_map.frame_for((0.0, 0.0, 1.0, 10.0), max_width=1000, max_height=760, padding=10, fixed=True)
    assert (frame.width, frame.height) == (1000, 760)
    left, top = frame.to_pixels((0.0, 0.0))
    right, bottom = frame.to_pixels((1.0, 10.0))
    assert (top, bottom) == pytest.approx((10.0, 750.0))
    assert (left + right) / 2 == pytest.approx(500.0)


def test_path_data_is_compact_relative_half_pixels() -> None:
    frame = svg_map.frame_for((0.0, 0.0, 10.0, 10.0), max_width=120, max_height=120, padding=10)
    data = svg_map.path_data([[(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0), (0.0, 0.0)]], frame)
    assert data == "M10 10l100 0 0 100 -100 0z"


def test_the_shipped_outlines_cover_all_27_units_including_crimea_kyiv_and_sevastopol() -> None:
    shapes = svg_map.oblast_shapes()
    assert len(shapes) == 27
    assert {"UA-43", "UA-30", "UA-40", "UA-32", "UA-14"} <= set(shapes)
    kyiv_oblast = shapes["UA-32"]
    # Kyiv oblast's bounding box holds Kyiv city's.
    kyiv = shapes["UA-30"]
    assert kyiv_oblast.bbox[0] < kyiv.bbox[0]
    assert kyiv.bbox[2] < kyiv_oblast.bbox[2]


def test_country_outlines_are_simplified_to_a_few_thousand_points() -> None:
    frame, paths = svg_map.outline_paths(None)
    assert frame.width == 1000
    assert len(paths) == 27
    raw_points = sum(len(ring) for shape in svg_map.oblast_shapes().values() for ring in shape.rings)
    kept = sum(len(re.findall(r"-?[\d.]+ -?[\d.]+", data)) for _iso, data in paths)
    assert kept < raw_points / 2
    assert sum(len(data) for _iso, data in paths) < 80_000


def test_zooming_to_an_oblast_shows_it_and_its_neighbours_only() -> None:
    country, _paths = svg_map.outline_paths(None)
    frame, paths = svg_map.outline_paths("UA-21")  # Zakarpattia, on the western border
    shown = {iso for iso, _data in paths}
    assert "UA-21" in shown
    assert "UA-46" in shown  # Lviv borders Zakarpattia
    assert "UA-09" not in shown  # Luhansk is at the other end of the country
    assert (frame.width, frame.height) == (country.width, country.height)
    assert frame.scale > 4 * country.scale


def test_render_map_escapes_labels_and_marks_status_and_participation() -> None:
    dots = [
        svg_map.Dot(50.55, 30.21, "/hromadas/UA32080070000050759/", "Бучанська <b>", "active_hostilities", True),
        svg_map.Dot(48.63, 35.26, "/hromadas/UA12100070000011492/", "Самарівська", None),
    ]
    svg = str(svg_map.render_map(dots, names={"UA-32": "Київська"}, title="Map & more", description="Dots"))
    assert svg.startswith('<svg class="map-svg" viewBox="0 0 1000 ')
    assert "Map &amp; more" in svg
    assert "Бучанська &lt;b&gt;" in svg
    assert '<circle class="dot-active_hostilities dot-participant"' in svg
    assert '<a href="/hromadas/UA12100070000011492/"><circle cx=' in svg  # no status: the group's grey
    assert "<title>Київська</title>" in svg
    assert "<title>Autonomous Republic of Crimea</title>" in svg  # no registry name given: geoBoundaries'
    assert 'class="oblast oblast-occupied"' in svg
    assert "http://" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_locator_highlights_the_oblast_and_marks_the_centre() -> None:
    svg = str(svg_map.render_locator(iso="UA-32", latitude=50.55, longitude=30.21, title="Буча"))
    assert 'role="img" aria-label="Буча"' in svg
    assert svg.count('fill="#cfe0f5"') == 1
    assert svg.count("<circle") == 1
    assert "<title>" not in svg  # one image with one name


def test_locator_without_position_or_outline() -> None:
    assert "<circle" not in str(svg_map.render_locator(iso="UA-32", latitude=None, longitude=None, title="x"))
    assert str(svg_map.render_locator(iso="T-000", latitude=50.0, longitude=30.0, title="x")) == ""
