"""Reads the API needs beyond vidnova.registry.selectors: oblasts and raions with their counts.
The registry is public, so these take no user."""

from __future__ import annotations

from django.db.models import Count, IntegerField, Model, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from vidnova.registry import selectors
from vidnova.registry.models import Hromada, Raion, TopLevelUnit


def _count_of(queryset: QuerySet[Model], field: str) -> Coalesce:
    """Correlated subquery: how many rows of ``queryset`` point at the outer row through ``field``."""
    counted = (
        queryset.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(total=Count("pk")).values("total")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def oblasts() -> QuerySet[TopLevelUnit]:
    """The 27 top-level units, annotated with ``raion_count`` and ``hromada_count``."""
    return (
        selectors.oblasts()
        .annotate(
            raion_count=_count_of(Raion.objects.all(), "oblast"),
            hromada_count=_count_of(Hromada.objects.all(), "oblast"),
        )
        .order_by("name_sort", "katottg")
    )


def raions(*, oblast: str = "") -> QuerySet[Raion]:
    """Raions (of the oblast with KATOTTG code ``oblast`` if given), annotated with ``hromada_count``."""
    queryset = (
        Raion.objects.select_related("oblast")
        .annotate(hromada_count=_count_of(Hromada.objects.all(), "raion"))
        .order_by("name_sort", "katottg")
    )
    if oblast:
        queryset = queryset.filter(oblast__katottg=oblast)
    return queryset
