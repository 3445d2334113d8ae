"""Stored scores of an assessment: recomputed from its answers whenever they change (never typed in).

``assessment_rescore`` is called inside the transaction of every service that changes answers (the
online form, the API, the Kobo/ODK import), so the stored numbers always match the answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils import timezone

from vidnova.assessments import answers as answer_rules
from vidnova.assessments import scoring
from vidnova.assessments.models import Answer, Assessment, DimensionResult, InstrumentVersion

_FORMS: dict[tuple[int, str], answer_rules.Form] = {}


def form_of(version: InstrumentVersion) -> answer_rules.Form:
    """The indexed definition of an instrument version (kept per process: versions never change)."""
    key = (version.pk, version.content_hash)
    form = _FORMS.get(key)
    if form is None:
        form = answer_rules.form_for(version.definition)
        if len(_FORMS) > 64:
            _FORMS.clear()
        _FORMS[key] = form
    return form


def answers_of(assessment: Assessment) -> dict[str, str]:
    return dict(Answer.objects.filter(assessment=assessment).values_list("question", "value"))


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def overall_normalised(result: scoring.AssessmentScore) -> Decimal | None:
    """The mean of the field scores (each field counts once, as the programme's three fields do)."""
    values = [f.normalised for f in result.fields if f.normalised is not None]
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.01"))


def store_score(assessment: Assessment, result: scoring.AssessmentScore) -> None:
    """Write a computed score onto the assessment and its DimensionResult rows (no save of other fields)."""
    data = result.as_dict()
    data["overall_normalised"] = None if (overall := overall_normalised(result)) is None else str(overall)
    assessment.scores = data
    assessment.completeness = result.completeness
    assessment.required_completeness = result.required_completeness
    assessment.overall_normalised = overall
    assessment.scored_at = timezone.now()
    Assessment.objects.filter(pk=assessment.pk).update(
        scores=assessment.scores,
        completeness=assessment.completeness,
        required_completeness=assessment.required_completeness,
        overall_normalised=assessment.overall_normalised,
        scored_at=assessment.scored_at,
    )
    DimensionResult.objects.filter(assessment=assessment).delete()
    DimensionResult.objects.bulk_create(
        DimensionResult(
            assessment=assessment,
            dimension=d.name,
            field=d.field,
            raw=d.raw,
            scale_max=d.scale_max,
            normalised=d.normalised,
            maturity_level=d.maturity_level,
            completeness=d.completeness,
        )
        for d in result.dimensions
    )


def assessment_rescore(assessment: Assessment, answers: Mapping[str, Any] | None = None) -> scoring.AssessmentScore:
    """Recompute and store the scores of ``assessment`` from its answers (call inside the writer's
    transaction)."""
    form = form_of(assessment.round.instrument_version)
    result = scoring.score(form.prepared, answers if answers is not None else answers_of(assessment))
    store_score(assessment, result)
    return result
