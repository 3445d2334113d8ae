"""The partnerships map: Ukraine and the Netherlands side by side, as two server-rendered SVG pictures.

No tiles, no script and no external host. Ukraine's oblast outlines come from vidnova.registry.map
(geoBoundaries ADM1); the Netherlands' outline and province borders from
``registry/data/netherlands/nl_gemeenten_2024_simplified.geojson`` (derived from the CBS Wijk- en
Buurtkaart 2024, see registry/data/ATTRIBUTION.md), projected with cos(52.2°), the country's middle
latitude.

Every partnership shown gets a number. A hromada is one circle (sized by how many partnerships it
has, coloured by the most advanced status among them) labelled with its partnerships' numbers; each
partner that is a Dutch municipality, or is linked to one in the registry, is a circle labelled the
same way in the Netherlands. Partners that cannot be placed there are listed beside the map: those
from other countries (Mińsk Mazowiecki in Poland, the Association of Ukrainian Cities) and Dutch ones
without a municipality (a safety region not linked to one). The table of numbered partnerships under
the map is the accessible equivalent of the pictures, which are single images (``role="img"``).
"""

from __future__ import annotations

import itertools
import json
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vidnova.partnerships.models import Partnership, PartnershipPartner, PartnershipStatus, Theme
from vidnova.programmes.models import Organisation
from vidnova.registry import map as svg_map
from vidnova.registry.map import Frame, Point, frame_for, path_data, simplify

NL_GEOJSON_PATH = (
    Path(svg_map.__file__).resolve().parent / "data" / "netherlands" / "nl_gemeenten_2024_simplified.geojson"
)
NL_REFERENCE_LATITUDE = 52.2
_NL_X_SCALE = math.cos(math.radians(NL_REFERENCE_LATITUDE))

UKRAINE_WIDTH = 600
NETHERLANDS_WIDTH = 400
NETHERLANDS_HEIGHT = 470
NUMBERS_SHOWN = 4  # a marker's label lists at most this many numbers, then "…"
LABEL_LEFT_BELOW = 0.3  # share of the width: markers left of it have their label on their left

# The status a place's circle takes when it has several partnerships: the most advanced ongoing one.
STATUS_RANK = {
    PartnershipStatus.ACTIVE.value: 4,
    PartnershipStatus.AGREED.value: 3,
    PartnershipStatus.PROPOSED.value: 2,
    PartnershipStatus.CLOSED.value: 1,
}


def nl_project(longitude: float, latitude: float) -> Point:
    """Equirectangular projection for the Netherlands (x east, y south, in degrees of latitude)."""
    return (longitude * _NL_X_SCALE, -latitude)


@dataclass(frozen=True)
class NetherlandsShapes:
    outline: tuple[tuple[Point, ...], ...]  # projected rings of the land
    borders: tuple[tuple[Point, ...], ...]  # projected province borders (open lines)
    bbox: tuple[float, float, float, float]


@lru_cache(maxsize=1)
def netherlands_shapes() -> NetherlandsShapes:
    with NL_GEOJSON_PATH.open(encoding="utf-8") as handle:
        collection = json.load(handle)
    outline: list[tuple[Point, ...]] = []
    borders: list[tuple[Point, ...]] = []
    for feature in collection["features"]:
        geometry = feature["geometry"]
        if geometry["type"] == "MultiPolygon":
            for polygon in geometry["coordinates"]:
                for ring in polygon:
                    outline.append(tuple(nl_project(float(lon), float(lat)) for lon, lat, *_ in ring))
        elif geometry["type"] == "MultiLineString":
            for line in geometry["coordinates"]:
                borders.append(tuple(nl_project(float(lon), float(lat)) for lon, lat, *_ in line))
    points = [point for ring in outline for point in ring]
    xs = [x for x, _y in points]
    ys = [y for _x, y in points]
    return NetherlandsShapes(tuple(outline), tuple(borders), (min(xs), min(ys), max(xs), max(ys)))


def line_data(lines: Iterable[Sequence[Point]], frame: Frame, tolerance: float = 0.5) -> str:
    """SVG path data for open lines, simplified to ``tolerance`` pixels, rounded to half pixels."""
    parts: list[str] = []
    for line in lines:
        simplified = simplify([frame.to_pixels(point) for point in line], tolerance)
        halves = [(round(x * 2), round(y * 2)) for x, y in simplified]
        points = [p for i, p in enumerate(halves) if i == 0 or p != halves[i - 1]]
        if len(points) < 2:
            continue
        start_x, start_y = points[0]
        steps = " ".join(f"{_half(x - px)} {_half(y - py)}" for (px, py), (x, y) in itertools.pairwise(points))
        parts.append(f"M{_half(start_x)} {_half(start_y)}l{steps}")
    return "".join(parts)


def _half(value: int) -> str:
    return str(value // 2) if value % 2 == 0 else f"{value / 2:g}"


@lru_cache(maxsize=4)
def netherlands_paths(
    max_width: int = NETHERLANDS_WIDTH, max_height: int = NETHERLANDS_HEIGHT
) -> tuple[Frame, str, str]:
    """The canvas, the land's path data and the province borders' path data."""
    shapes = netherlands_shapes()
    frame = frame_for(shapes.bbox, max_width=max_width, max_height=max_height)
    return frame, path_data(shapes.outline, frame), line_data(shapes.borders, frame)


# --- what the map shows --------------------------------------------------------------------------


@dataclass
class Marker:
    """One place on a map: a hromada, or a Dutch municipality with its partner organisations."""

    latitude: float
    longitude: float
    name: str
    numbers: list[int] = field(default_factory=list)
    status: str = ""

    def add(self, number: int, status: str) -> None:
        if number not in self.numbers:
            self.numbers.append(number)
        if STATUS_RANK.get(status, 0) > STATUS_RANK.get(self.status, 0):
            self.status = status

    @property
    def label(self) -> str:
        shown = ", ".join(str(number) for number in self.numbers[:NUMBERS_SHOWN])
        return f"{shown}, …" if len(self.numbers) > NUMBERS_SHOWN else shown


@dataclass(frozen=True)
class PartnerShown:
    """A partner as the list and the map show it: name, role and country (as a text code)."""

    organisation: Organisation
    role: str
    role_label: str
    country: str
    country_name: str


def partners_shown(links: Iterable[PartnershipPartner], country_names: Mapping[str, Any]) -> list[PartnerShown]:
    return [
        PartnerShown(
            organisation=link.organisation,
            role=link.role,
            role_label=link.get_role_display(),
            country=link.organisation.country,
            country_name=str(country_names.get(link.organisation.country, link.organisation.country)),
        )
        for link in links
    ]


@dataclass
class NumberedPartnership:
    number: int
    partnership: Partnership
    partners: list[PartnerShown]
    themes: list[Theme]


@dataclass
class OffMapPartner:
    organisation: Organisation
    country: str
    country_name: str
    numbers: list[int] = field(default_factory=list)


@dataclass
class Drawing:
    rows: list[NumberedPartnership] = field(default_factory=list)
    ukraine: list[Marker] = field(default_factory=list)
    netherlands: list[Marker] = field(default_factory=list)
    abroad: list[OffMapPartner] = field(default_factory=list)  # partners outside the Netherlands
    not_on_map: list[OffMapPartner] = field(default_factory=list)  # Dutch partners with no municipality
    hromadas_without_position: list[Marker] = field(default_factory=list)


def build(partnerships: Iterable[Partnership], *, country_names: Mapping[str, Any]) -> Drawing:
    """Number ``partnerships`` in the order given (1, 2, …) and place them. Uses the prefetched
    ``partner_links`` (with ``organisation__dutch_municipality``) and ``themes``; runs no query."""
    drawing = Drawing()
    hromadas: dict[int, Marker] = {}
    municipalities: dict[int, Marker] = {}
    municipality_names: dict[int, list[str]] = defaultdict(list)
    off_map: dict[int, OffMapPartner] = {}
    for number, partnership in enumerate(partnerships, start=1):
        links = list(partnership.partner_links.all())
        drawing.rows.append(
            NumberedPartnership(
                number, partnership, partners_shown(links, country_names), list(partnership.themes.all())
            )
        )
        hromada = partnership.hromada
        marker = hromadas.get(hromada.pk)
        if marker is None:
            marker = Marker(
                latitude=float(hromada.latitude) if hromada.latitude is not None else math.nan,
                longitude=float(hromada.longitude) if hromada.longitude is not None else math.nan,
                name=hromada.name_uk,
            )
            hromadas[hromada.pk] = marker
        marker.add(number, partnership.status)
        for link in links:
            organisation = link.organisation
            municipality = organisation.dutch_municipality
            if municipality is not None and municipality.latitude is not None and municipality.longitude is not None:
                place = municipalities.get(municipality.pk)
                if place is None:
                    place = Marker(float(municipality.latitude), float(municipality.longitude), municipality.name)
                    municipalities[municipality.pk] = place
                if organisation.name not in municipality_names[municipality.pk]:
                    municipality_names[municipality.pk].append(organisation.name)
                place.add(number, partnership.status)
                continue
            partner = off_map.get(organisation.pk)
            if partner is None:
                code = organisation.country
                partner = OffMapPartner(organisation, code, str(country_names.get(code, code)))
                off_map[organisation.pk] = partner
            if number not in partner.numbers:
                partner.numbers.append(number)
    for marker in hromadas.values():
        if math.isnan(marker.latitude) or math.isnan(marker.longitude):
            drawing.hromadas_without_position.append(marker)
        else:
            drawing.ukraine.append(marker)
    for pk, place in municipalities.items():
        names = municipality_names[pk]
        if names and names != [place.name]:
            place.name = "; ".join(names)
        drawing.netherlands.append(place)
    for partner in off_map.values():
        (drawing.not_on_map if partner.country == "NL" else drawing.abroad).append(partner)
    drawing.abroad.sort(key=lambda partner: (partner.country, partner.organisation.name))
    drawing.not_on_map.sort(key=lambda partner: partner.organisation.name)
    # Bigger circles first, so smaller ones stay visible on top of them.
    drawing.ukraine.sort(key=lambda marker: -len(marker.numbers))
    drawing.netherlands.sort(key=lambda marker: -len(marker.numbers))
    return drawing


# --- rendering -----------------------------------------------------------------------------------


def _join(parts: Iterable[str]) -> SafeString:
    return mark_safe("".join(parts))  # noqa: S308 - every part is built with escaped values


def marker_radius(count: int) -> float:
    return round(min(4.5 + 2.5 * (math.sqrt(max(count, 1)) - 1), 14.0), 1)


def _marker(frame: Frame, point: Point, marker: Marker) -> str:
    x, y = frame.to_pixels(point)
    radius = marker_radius(len(marker.numbers))
    title = f"{marker.name}: {', '.join(str(number) for number in marker.numbers)}"
    # Labels go to the right of the circle, except near the western edge (the North Sea, western
    # Ukraine), where they go left: fewer labels run into their neighbours' circles.
    if x < frame.width * LABEL_LEFT_BELOW:
        label = f'<text x="{x - radius - 2:.1f}" y="{y + 4:.1f}" text-anchor="end">{escape(marker.label)}</text>'
    else:
        label = f'<text x="{x + radius + 2:.1f}" y="{y + 4:.1f}">{escape(marker.label)}</text>'
    return (
        f'<g class="pmap-marker pmap-{escape(marker.status)}"><title>{escape(title)}</title>'
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:g}"></circle>{label}</g>'
    )


def _svg(*, key: str, frame: Frame, title: str, description: str, body: SafeString) -> SafeString:
    return format_html(
        '<svg class="pmap-svg" viewBox="0 0 {w} {h}" xmlns="http://www.w3.org/2000/svg" role="img" '
        'aria-labelledby="pmap-{key}-title pmap-{key}-desc">'
        '<title id="pmap-{key}-title">{title}</title><desc id="pmap-{key}-desc">{description}</desc>{body}</svg>',
        w=frame.width,
        h=frame.height,
        key=key,
        title=title,
        description=description,
        body=body,
    )


def render_ukraine(drawing: Drawing) -> SafeString:
    frame, paths = svg_map.outline_paths(None, UKRAINE_WIDTH, 0.6)
    outlines = _join(
        format_html(
            '<path class="{}" d="{}"></path>',
            "oblast oblast-occupied" if iso in svg_map.OCCUPIED_SINCE_2014 else "oblast",
            data,
        )
        for iso, data in paths
    )
    markers = _join(
        _marker(frame, svg_map.project(marker.longitude, marker.latitude), marker) for marker in drawing.ukraine
    )
    count = len(drawing.ukraine)
    return _svg(
        key="ua",
        frame=frame,
        title=_("Ukraine: hromadas with partnerships"),
        description=ngettext(
            "Map of Ukraine with oblast outlines. %(count)s hromada is marked with a circle, sized by how "
            "many partnerships it has and coloured by the most advanced status; the numbers next to a "
            "circle are the partnerships' numbers in the table below the maps.",
            "Map of Ukraine with oblast outlines. %(count)s hromadas are marked with a circle, sized by how "
            "many partnerships they have and coloured by the most advanced status; the numbers next to a "
            "circle are the partnerships' numbers in the table below the maps.",
            count,
        )
        % {"count": count},
        body=format_html('<g class="pmap-land">{}</g><g class="pmap-markers">{}</g>', outlines, markers),
    )


def render_netherlands(drawing: Drawing) -> SafeString:
    frame, land, borders = netherlands_paths()
    markers = _join(
        _marker(frame, nl_project(marker.longitude, marker.latitude), marker) for marker in drawing.netherlands
    )
    count = len(drawing.netherlands)
    return _svg(
        key="nl",
        frame=frame,
        title=_("The Netherlands: partner municipalities"),
        description=ngettext(
            "Map of the Netherlands with province borders. %(count)s partner municipality is marked with "
            "a circle, labelled with the numbers of its partnerships in the table below the maps.",
            "Map of the Netherlands with province borders. %(count)s partner municipalities are marked with "
            "a circle, labelled with the numbers of their partnerships in the table below the maps.",
            count,
        )
        % {"count": count},
        body=format_html(
            '<path class="pmap-country" d="{}"></path><path class="pmap-borders" d="{}"></path>'
            '<g class="pmap-markers">{}</g>',
            land,
            borders,
            markers,
        ),
    )
