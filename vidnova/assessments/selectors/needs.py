"""Training needs of a hromada: the dimensions of its latest validated assessment that score under the
round's threshold, weakest first. Read by the hromada page, the API and (later) the training,
coaching and partner-matching modules."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from vidnova.assessments.answers import text_in_language
from vidnova.assessments.models import Assessment, AssessmentState, DimensionResult
from vidnova.registry.models import Hromada


@dataclass(frozen=True)
class TrainingNeed:
    dimension: str
    label: str
    field: int
    normalised: Decimal
    maturity_level: int | None
    threshold: Decimal
    assessment: Assessment


def latest_validated(hromada: Hromada) -> Assessment | None:
    return (
        Assessment.objects.filter(hromada=hromada, state=AssessmentState.VALIDATED)
        .select_related("round__instrument_version", "round__programme")
        .order_by("-validated_at", "-pk")
        .first()
    )


def dimension_labels(definition: Mapping[str, Any]) -> dict[str, Mapping[str, str]]:
    return {g["name"]: g.get("label") or {} for g in definition.get("groups") or ()}


def training_needs_of(hromada: Hromada, *, language: str | None = None) -> list[TrainingNeed]:
    assessment = latest_validated(hromada)
    if assessment is None:
        return []
    threshold = assessment.round.training_threshold
    labels = dimension_labels(assessment.round.instrument_version.definition)
    rows = DimensionResult.objects.filter(
        assessment=assessment, normalised__isnull=False, normalised__lt=threshold
    ).order_by("normalised", "pk")
    return [
        TrainingNeed(
            dimension=row.dimension,
            label=text_in_language(labels.get(row.dimension), language, row.dimension),
            field=row.field,
            normalised=row.normalised,  # type: ignore[arg-type]
            maturity_level=row.maturity_level,
            threshold=threshold,
            assessment=assessment,
        )
        for row in rows
    ]


@dataclass(frozen=True)
class DimensionChoice:
    name: str
    label: str
    normalised: Decimal | None  # the latest validated score, None when not assessed


def dimension_choices(hromada: Hromada, *, language: str | None = None) -> list[DimensionChoice]:
    """The dimensions a project idea of ``hromada`` can say it addresses: those of the instrument of
    its latest validated assessment (or, before any, of the programme's default instrument), weakest
    first, with the latest validated score."""
    from vidnova.assessments.models import InstrumentVersion

    assessment = latest_validated(hromada)
    if assessment is not None:
        definition = assessment.round.instrument_version.definition
        scores = dict(DimensionResult.objects.filter(assessment=assessment).values_list("dimension", "normalised"))
    else:
        version = (
            InstrumentVersion.objects.filter(instrument__is_default=True).order_by("-number").first()
            or InstrumentVersion.objects.order_by("-created_at").first()
        )
        if version is None:
            return []
        definition, scores = version.definition, {}
    choices = [
        DimensionChoice(
            name=group["name"],
            label=text_in_language(group.get("label"), language, group["name"]),
            normalised=scores.get(group["name"]),
        )
        for group in definition.get("groups") or ()
        if group.get("is_dimension")
    ]
    return sorted(choices, key=lambda c: (c.normalised is None, c.normalised or 0))
