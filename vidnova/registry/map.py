"""Server-rendered SVG maps of Ukraine: oblast outlines and one dot per hromada.

No tiles, no script and no external host: the outlines come from the shipped geoBoundaries ADM1 file
(properties ``shapeName`` and ``shapeISO``, joined to TopLevelUnit.iso_3166_2), projected with a
plain equirectangular projection scaled by cos(48.5°), Ukraine's middle latitude, and simplified with
Douglas–Peucker to about half a pixel of the drawing they are used in. Projected and simplified
outlines are cached per frame, so a page only formats the dots.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

GEOJSON_PATH = Path(__file__).resolve().parent / "data" / "ukraine" / "geoBoundaries-UKR-ADM1_simplified.geojson"
REFERENCE_LATITUDE = 48.5
_X_SCALE = math.cos(math.radians(REFERENCE_LATITUDE))
# Outlines of territory occupied since 2014 get their own tint.
OCCUPIED_SINCE_2014 = frozenset({"UA-43", "UA-40"})

Point = tuple[float, float]
Ring = tuple[Point, ...]


def project(longitude: float, latitude: float) -> Point:
    """Equirectangular projection: x grows east, y grows south (SVG's direction), in degrees of latitude."""
    return (longitude * _X_SCALE, -latitude)


def _segment_distance(point: Point, start: Point, end: Point) -> float:
    dx, dy = end[0] - start[0], end[1] - start[1]
    length = math.hypot(dx, dy)
    if length == 0:
        return math.hypot(point[0] - start[0], point[1] - start[1])
    return abs(dy * point[0] - dx * point[1] + end[0] * start[1] - end[1] * start[0]) / length


def simplify(points: Sequence[Point], tolerance: float) -> list[Point]:
    """Douglas–Peucker: drop points closer than ``tolerance`` to the line their neighbours keep.

    Iterative (no recursion limit). The first and last point always stay, so a closed ring stays
    closed; rings are split at their farthest point first (see ``simplify_ring``).
    """
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        farthest, index = -1.0, -1
        for i in range(first + 1, last):
            distance = _segment_distance(points[i], points[first], points[last])
            if distance > farthest:
                farthest, index = distance, i
        if index != -1 and farthest > tolerance:
            keep[index] = True
            stack.append((first, index))
            stack.append((index, last))
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def simplify_ring(ring: Sequence[Point], tolerance: float) -> list[Point]:
    """Simplify a closed ring (first point repeated at the end or not). A ring whose first and last
    point coincide has no baseline for Douglas–Peucker, so it is split at the point farthest from the
    start and both halves are simplified. Rings that shrink below a triangle are dropped (empty list)."""
    points = list(ring)
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()
    if len(points) < 3:
        return []
    start = points[0]
    split = max(range(len(points)), key=lambda i: math.hypot(points[i][0] - start[0], points[i][1] - start[1]))
    first_half = simplify(points[: split + 1], tolerance)
    second_half = simplify([*points[split:], start], tolerance)
    result = first_half[:-1] + second_half[:-1]
    return result if len(result) >= 3 else []


@dataclass(frozen=True)
class Shape:
    iso: str
    name: str  # English name from geoBoundaries; pages show the Ukrainian one from the registry
    rings: tuple[Ring, ...]  # projected, not simplified
    bbox: tuple[float, float, float, float]  # min x, min y, max x, max y (projected)


def _bbox(points: Iterable[Point]) -> tuple[float, float, float, float]:
    xs, ys = zip(*points, strict=True)
    return (min(xs), min(ys), max(xs), max(ys))


def _rings_of(geometry: dict[str, Any]) -> list[list[list[float]]]:
    coordinates: list[Any] = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        return list(coordinates)
    if geometry["type"] == "MultiPolygon":
        return [ring for polygon in coordinates for ring in polygon]
    raise ValueError(f"Unsupported geometry type {geometry['type']!r}")


@lru_cache(maxsize=1)
def oblast_shapes() -> dict[str, Shape]:
    """The 27 top-level units (24 oblasts, Crimea, Kyiv, Sevastopol) keyed by ISO 3166-2 code."""
    with GEOJSON_PATH.open(encoding="utf-8") as handle:
        collection = json.load(handle)
    shapes: dict[str, Shape] = {}
    for feature in collection["features"]:
        properties = feature["properties"]
        rings = tuple(
            tuple(project(float(lon), float(lat)) for lon, lat, *_ in ring) for ring in _rings_of(feature["geometry"])
        )
        shapes[properties["shapeISO"]] = Shape(
            iso=properties["shapeISO"],
            name=properties["shapeName"],
            rings=rings,
            bbox=_bbox(point for ring in rings for point in ring),
        )
    return shapes


@dataclass(frozen=True)
class Frame:
    """Maps projected coordinates onto an SVG canvas of ``width`` × ``height`` pixels."""

    min_x: float
    min_y: float
    scale: float
    offset_x: float
    offset_y: float
    width: int
    height: int

    def to_pixels(self, point: Point) -> Point:
        return (
            (point[0] - self.min_x) * self.scale + self.offset_x,
            (point[1] - self.min_y) * self.scale + self.offset_y,
        )

    def contains(self, bbox: tuple[float, float, float, float]) -> bool:
        """Does a projected bounding box overlap the canvas?"""
        left, top = self.to_pixels((bbox[0], bbox[1]))
        right, bottom = self.to_pixels((bbox[2], bbox[3]))
        return right >= 0 and bottom >= 0 and left <= self.width and top <= self.height


def frame_for(
    bbox: tuple[float, float, float, float],
    *,
    max_width: int = 1000,
    max_height: int = 760,
    padding: int = 12,
    fixed: bool = False,
) -> Frame:
    """A canvas showing ``bbox`` whole, as large as fits in ``max_width`` × ``max_height``.

    The canvas shrinks to the box's proportions, unless ``fixed``: then it keeps the full size and
    the box is centred in it (a zoomed map takes the same room on the page as the whole country).
    """
    span_x = max(bbox[2] - bbox[0], 1e-9)
    span_y = max(bbox[3] - bbox[1], 1e-9)
    scale = min((max_width - 2 * padding) / span_x, (max_height - 2 * padding) / span_y)
    width = max_width if fixed else math.ceil(span_x * scale + 2 * padding)
    height = max_height if fixed else math.ceil(span_y * scale + 2 * padding)
    return Frame(
        min_x=bbox[0],
        min_y=bbox[1],
        scale=scale,
        offset_x=(width - span_x * scale) / 2,
        offset_y=(height - span_y * scale) / 2,
        width=width,
        height=height,
    )


def country_bbox() -> tuple[float, float, float, float]:
    boxes = [shape.bbox for shape in oblast_shapes().values()]
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def path_data(rings: Iterable[Sequence[Point]], frame: Frame, tolerance: float = 0.5) -> str:
    """SVG path data for rings, simplified to ``tolerance`` pixels and rounded to half pixels.

    After the first point each ring is written with relative ``l`` steps, which keeps the text short.
    """
    parts: list[str] = []
    for ring in rings:
        simplified = simplify_ring([frame.to_pixels(point) for point in ring], tolerance)
        halves = [(round(x * 2), round(y * 2)) for x, y in simplified]  # integer half-pixels
        deduplicated = [p for i, p in enumerate(halves) if i == 0 or p != halves[i - 1]]
        if len(deduplicated) < 3:
            continue
        start_x, start_y = deduplicated[0]
        steps = " ".join(f"{_half(x - px)} {_half(y - py)}" for (px, py), (x, y) in itertools.pairwise(deduplicated))
        parts.append(f"M{_half(start_x)} {_half(start_y)}l{steps}z")
    return "".join(parts)


def _half(value: int) -> str:
    """An integer count of half pixels as the shortest decimal text."""
    return str(value // 2) if value % 2 == 0 else f"{value / 2:g}"


@lru_cache(maxsize=64)
def outline_paths(
    focus_iso: str | None, max_width: int = 1000, tolerance: float = 0.5
) -> tuple[Frame, tuple[tuple[str, str], ...]]:
    """The canvas and the (ISO code, path data) of every outline that shows on it.

    The canvas has the country's proportions. With ``focus_iso`` it is zoomed to that unit;
    neighbours that reach into it are drawn too.
    """
    shapes = oblast_shapes()
    frame = frame_for(country_bbox(), max_width=max_width, max_height=max_width)
    if focus_iso in shapes:
        frame = frame_for(shapes[focus_iso].bbox, max_width=frame.width, max_height=frame.height, fixed=True)
    paths = tuple(
        (iso, data)
        for iso, shape in shapes.items()
        if frame.contains(shape.bbox) and (data := path_data(shape.rings, frame, tolerance))
    )
    return frame, paths


@dataclass(frozen=True)
class Dot:
    latitude: float
    longitude: float
    url: str
    label: str  # the tooltip and accessible name
    status: str | None  # SecurityStatus value, None when no status is recorded
    participant: bool = False


def _join(parts: Iterable[str]) -> SafeString:
    """Concatenate markup whose every value has already been escaped (format_html or escape)."""
    return mark_safe("".join(parts))  # noqa: S308 - every part is built with escaped values


def _outline_group(
    paths: Iterable[tuple[str, str]], *, names: dict[str, str] | None, highlight: str | None = None
) -> SafeString:
    """The outlines as one group; each gets its name as a tooltip when ``names`` is given."""
    rows = []
    for iso, data in paths:
        title = format_html("<title>{}</title>", names.get(iso) or oblast_shapes()[iso].name) if names else ""
        if iso == highlight:
            rows.append(
                format_html('<path fill="#cfe0f5" stroke="#0b4f9c" stroke-width="1.2" d="{}">{}</path>', data, title)
            )
        else:
            css = "oblast oblast-occupied" if iso in OCCUPIED_SINCE_2014 else "oblast"
            rows.append(format_html('<path class="{}" d="{}">{}</path>', css, data, title))
    return format_html('<g fill="#fff" stroke="#7b8794" stroke-width=".6" fill-rule="evenodd">{}</g>', _join(rows))


def _dot(frame: Frame, dot: Dot, radius: float) -> str:
    """One linked dot. Plain formatting with explicit escapes: this runs for every hromada."""
    x, y = frame.to_pixels(project(dot.longitude, dot.latitude))
    classes = f"dot-{dot.status}" if dot.status else ""
    if dot.participant:
        classes = f"{classes} dot-participant".strip()
        radius *= 1.4
    class_attribute = f' class="{escape(classes)}"' if classes else ""
    return (
        f'<a href="{escape(dot.url)}"><circle{class_attribute} cx="{x:.1f}" cy="{y:.1f}" r="{radius:g}">'
        f"<title>{escape(dot.label)}</title></circle></a>"
    )


def render_map(
    dots: Iterable[Dot],
    *,
    names: dict[str, str],
    title: str,
    description: str,
    focus_iso: str | None = None,
    dot_radius: float = 3.0,
) -> SafeString:
    """The full map: every outline (zoomed to ``focus_iso`` if given) and one linked dot per hromada.

    ``names`` maps ISO 3166-2 codes to the names to show (the registry's Ukrainian names). Dots
    without a status class take the group's grey.
    """
    frame, paths = outline_paths(focus_iso)
    return format_html(
        '<svg class="map-svg" viewBox="0 0 {} {}" xmlns="http://www.w3.org/2000/svg" '
        'aria-labelledby="map-title map-desc">'
        '<title id="map-title">{}</title><desc id="map-desc">{}</desc>{}'
        '<g class="dots" fill="#6b7785">{}</g></svg>',
        frame.width,
        frame.height,
        title,
        description,
        _outline_group(paths, names=names),
        _join(_dot(frame, dot, dot_radius) for dot in dots),
    )


LOCATOR_WIDTH = 320


def render_locator(*, iso: str, latitude: float | None, longitude: float | None, title: str) -> SafeString:
    """A small picture of Ukraine with one oblast highlighted and, if known, the hromada's centre.

    It is one image (``role="img"`` with ``title`` as its name); styled by attributes alone, so it
    needs no stylesheet.
    """
    if iso not in oblast_shapes():
        return SafeString("")
    frame, paths = outline_paths(None, LOCATOR_WIDTH, 0.6)
    marker = SafeString("")
    if latitude is not None and longitude is not None:
        x, y = frame.to_pixels(project(longitude, latitude))
        marker = format_html(
            '<circle cx="{}" cy="{}" r="5" fill="#1a1f26" stroke="#fff" stroke-width="1.5"></circle>',
            f"{x:.1f}",
            f"{y:.1f}",
        )
    return format_html(
        '<svg class="map-locator" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
        'xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{title}">{outlines}{marker}</svg>',
        title=title,
        outlines=_outline_group(paths, names=None, highlight=iso),
        marker=marker,
        w=frame.width,
        h=frame.height,
    )
