"""Reads of the registry, shared by pages, the API and exports.

The registry is public, so these take no user; what a user may *do* is decided in
vidnova.accounts.access.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from vidnova.programmes.models import Organisation, Participation, Programme
from vidnova.registry.models import (
    CodifierCategory,
    CodifierUnit,
    DutchMunicipality,
    Hromada,
    Raion,
    SecurityStatus,
    SecurityStatusPeriod,
    TopLevelUnit,
    UnitFormerName,
    search_key,
)

# "none" in the filter means: no recorded period in force (or an explicit "none" period).
STATUS_FILTER_NONE = SecurityStatus.NONE.value


@dataclass(frozen=True)
class HromadaFilter:
    query: str = ""
    oblast: str = ""  # KATOTTG code of the oblast
    raion: str = ""  # KATOTTG code of the raion
    hromada_type: str = ""
    security_status: str = ""
    programme: str = ""  # programme slug: hromadas taking part in any of its phases
    include_crimea: bool = True
    as_of: datetime.date | None = None


def security_status_as_of(day: datetime.date) -> Subquery:
    """Correlated subquery: the status of the outer hromada on ``day`` (one query for a whole list)."""
    return Subquery(
        SecurityStatusPeriod.objects.as_of(day)
        .filter(hromada=OuterRef("pk"))
        .order_by("-starts_on")
        .values("status")[:1]
    )


def hromadas(filters: HromadaFilter | None = None) -> QuerySet[Hromada]:
    """Hromadas matching ``filters``, annotated with ``current_status`` (as of ``filters.as_of`` or
    today) and ``in_programme`` (takes part in any programme phase)."""
    filters = filters or HromadaFilter()
    day = filters.as_of or timezone.localdate()
    queryset = (
        Hromada.objects.select_related("oblast", "raion")
        .annotate(
            current_status=security_status_as_of(day),
            in_programme=Exists(Participation.objects.filter(hromada=OuterRef("pk"))),
        )
        .order_by("name_sort", "katottg")
    )
    if filters.query:
        for word in search_key(filters.query).split():
            queryset = queryset.filter(Q(search_text__contains=word) | Q(katottg=word.upper()))
    if filters.oblast:
        queryset = queryset.filter(oblast__katottg=filters.oblast)
    if filters.raion:
        queryset = queryset.filter(raion__katottg=filters.raion)
    if filters.hromada_type:
        queryset = queryset.filter(hromada_type=filters.hromada_type)
    if filters.security_status == STATUS_FILTER_NONE:
        queryset = queryset.filter(Q(current_status__isnull=True) | Q(current_status=STATUS_FILTER_NONE))
    elif filters.security_status:
        queryset = queryset.filter(current_status=filters.security_status)
    if filters.programme:
        queryset = queryset.filter(
            Exists(Participation.objects.filter(hromada=OuterRef("pk"), phase__programme__slug=filters.programme))
        )
    if not filters.include_crimea:
        queryset = queryset.filter(in_crimea=False)
    return queryset


def security_status_on(hromada: Hromada, day: datetime.date | None = None) -> SecurityStatusPeriod | None:
    """The period in force on ``day`` (default today), or None if none is recorded."""
    day = day or timezone.localdate()
    return SecurityStatusPeriod.objects.as_of(day).filter(hromada=hromada).order_by("-starts_on").first()


def security_history(hromada: Hromada) -> QuerySet[SecurityStatusPeriod]:
    return SecurityStatusPeriod.objects.filter(hromada=hromada).select_related("created_by").order_by("-starts_on")


def municipalities(query: str = "", province: str = "") -> QuerySet[DutchMunicipality]:
    queryset = DutchMunicipality.objects.all().order_by("name")
    if query:
        for word in search_key(query).split():
            queryset = queryset.filter(Q(search_text__contains=word) | Q(cbs_code=word.upper()))
    if province:
        queryset = queryset.filter(province=province)
    return queryset


# --- pages: choices, profiles, map, settlement search -------------------------------------------------


def oblasts() -> QuerySet[TopLevelUnit]:
    """The 27 top-level units (24 oblasts, Crimea, Kyiv, Sevastopol), by Ukrainian name."""
    return TopLevelUnit.objects.order_by("name_sort")


def raions_of(oblast_katottg: str) -> QuerySet[Raion]:
    """The raions of one oblast (none for an empty code)."""
    if not oblast_katottg:
        return Raion.objects.none()
    return Raion.objects.filter(oblast__katottg=oblast_katottg).order_by("name_sort")


def programmes() -> QuerySet[Programme]:
    return Programme.objects.order_by("name_uk")


def hromada_profiles() -> QuerySet[Hromada]:
    """Hromadas with what a profile page shows alongside (views narrow it with a code)."""
    return Hromada.objects.select_related("oblast", "raion")


def former_names(katottg: str) -> QuerySet[UnitFormerName]:
    return UnitFormerName.objects.filter(katottg=katottg).order_by("recorded_at", "name_uk")


def participations_of(hromada: Hromada) -> QuerySet[Participation]:
    return (
        Participation.objects.filter(hromada=hromada)
        .select_related("phase__programme")
        .order_by("phase__programme__name_uk", "phase__number")
    )


def organisations_of(hromada: Hromada) -> QuerySet[Organisation]:
    return Organisation.objects.filter(hromada=hromada).prefetch_related("programmes").order_by("name_uk")


# Cities, settlements and villages: what people mean by "a place" in a location picker.
SETTLEMENT_CATEGORIES = (CodifierCategory.CITY, CodifierCategory.SETTLEMENT, CodifierCategory.VILLAGE)


def settlements_of(hromada: Hromada) -> QuerySet[CodifierUnit]:
    """The cities, settlements and villages of a hromada, cities first, then by name."""
    return CodifierUnit.objects.filter(hromada=hromada, category__in=SETTLEMENT_CATEGORIES).order_by(
        Case(
            When(category=CodifierCategory.CITY, then=Value(0)),
            When(category=CodifierCategory.SETTLEMENT, then=Value(1)),
            default=Value(2),
        ),
        "name_uk",
        "katottg",
    )


def settlement_search(
    query: str,
    *,
    hromada_katottg: str = "",
    categories: tuple[str, ...] = SETTLEMENT_CATEGORIES,
    limit: int = 20,
) -> list[CodifierUnit]:
    """Codifier units whose name (Ukrainian or Latin) contains every word of ``query``; names that
    start with the first word come first. Only ``categories`` are searched: oblasts, raions,
    hromadas and special-status cities are left out unless the caller asks for them."""
    words = search_key(query).split()
    if not words:
        return []
    queryset = CodifierUnit.objects.filter(category__in=categories).select_related("hromada__raion", "hromada__oblast")
    for word in words:
        queryset = queryset.filter(search_text__contains=word)
    if hromada_katottg:
        queryset = queryset.filter(hromada__katottg=hromada_katottg)
    queryset = queryset.annotate(
        starts=Case(When(search_text__startswith=words[0], then=Value(0)), default=Value(1))
    ).order_by("starts", "name_uk", "katottg")
    return list(queryset[:limit])


@dataclass(frozen=True)
class MapRow:
    katottg: str
    name_uk: str
    oblast_iso: str
    latitude: float | None
    longitude: float | None
    status: str | None
    in_programme: bool


def map_rows(filters: HromadaFilter) -> list[MapRow]:
    """The few columns the map needs for every matching hromada, in one query."""
    return [
        MapRow(
            katottg=katottg,
            name_uk=name_uk,
            oblast_iso=oblast_iso,
            latitude=float(latitude) if latitude is not None else None,
            longitude=float(longitude) if longitude is not None else None,
            status=status,
            in_programme=bool(in_programme),
        )
        for katottg, name_uk, oblast_iso, latitude, longitude, status, in_programme in hromadas(filters)
        .order_by()
        .values_list(  # type: ignore[misc]  # the stubs do not see the annotations of hromadas()
            "katottg", "name_uk", "oblast__iso_3166_2", "latitude", "longitude", "current_status", "in_programme"
        )
    ]


def municipality_list(query: str = "", province: str = "") -> QuerySet[DutchMunicipality]:
    """``municipalities()`` annotated with ``is_partner``: an organisation linked to the municipality
    takes part in a programme."""
    return municipalities(query, province).annotate(
        is_partner=Exists(Organisation.objects.filter(dutch_municipality=OuterRef("pk"), programmes__isnull=False))
    )


def provinces() -> list[str]:
    return list(DutchMunicipality.objects.order_by("province").values_list("province", flat=True).distinct())


def organisations_of_municipality(municipality: DutchMunicipality) -> QuerySet[Organisation]:
    return (
        Organisation.objects.filter(dutch_municipality=municipality).prefetch_related("programmes").order_by("name_uk")
    )
