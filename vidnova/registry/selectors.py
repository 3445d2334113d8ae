"""Reads of the registry, shared by pages, the API and exports.

The registry is public, so these take no user; what a user may *do* is decided in
vidnova.accounts.access.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from vidnova.programmes.models import Participation
from vidnova.registry.models import (
    DutchMunicipality,
    Hromada,
    SecurityStatus,
    SecurityStatusPeriod,
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
        .order_by("name_uk", "katottg")
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
