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
