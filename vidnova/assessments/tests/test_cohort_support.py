"""Shared set-up of the cohort tests: a round of four hromadas in three oblasts with scored answers,
different types, security statuses and states."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from conftest import World
from vidnova.assessments import scoring
from vidnova.assessments.models import Assessment, AssessmentState, DimensionResult, Round
from vidnova.assessments.services import instrument_load_default
from vidnova.assessments.services.rounds import round_open
from vidnova.assessments.services.scores import form_of, store_score
from vidnova.registry.collation import ukrainian_sort_key
from vidnova.registry.models import Hromada, HromadaType, SecurityStatus
from vidnova.testing import factories


def answers_at(definition: dict[str, Any], level: float) -> dict[str, str]:
    """Answers that put every scored question at ``level`` (0 = lowest choice, 1 = highest): the
    context questions answered so that every section is relevant."""
    answers: dict[str, str] = {}
    for question in definition["questions"]:
        kind = question["type"]
        if kind == "select_one":
            names = [choice["name"] for choice in definition["choices"][question["list"]]]
            if question.get("scored"):
                answers[question["name"]] = names[round(level * (len(names) - 1))]
            else:
                answers[question["name"]] = names[0]
        elif kind == "select_multiple":
            names = [c["name"] for c in definition["choices"][question["list"]] if c["name"] != "none"]
            answers[question["name"]] = " ".join(names) if level >= 0.5 else "none"
        elif kind in {"integer", "decimal"}:
            answers[question["name"]] = "10"
        elif kind == "date":
            answers[question["name"]] = "2026-06-01"
        elif kind == "text":
            answers[question["name"]] = "Text"
    return answers


def score_at(assessment: Assessment, level: float) -> scoring.AssessmentScore:
    form = form_of(assessment.round.instrument_version)
    result = scoring.score(form.prepared, answers_at(assessment.round.instrument_version.definition, level))
    store_score(assessment, result)
    return result


@dataclass
class CohortWorld:
    round: Round
    low: Assessment  # urban, oblast A, active hostilities, validated, every score 0
    middle: Assessment  # world.hromada: rural, submitted, scores at one half
    high: Assessment  # settlement, oblast B, no status recorded, validated, every score 100
    blank: Assessment  # rural, oblast C, possible hostilities ended (none today), not started, no scores


def make_cohort(world: World) -> CohortWorld:
    version = instrument_load_default()
    oblast_a = factories.TopLevelUnitFactory(name_uk="Альфівська область")
    oblast_b = factories.TopLevelUnitFactory(name_uk="Бетівська область")
    oblast_c = factories.TopLevelUnitFactory(name_uk="Гамівська область")

    def hromada(name: str, oblast: Any, kind: str) -> Hromada:
        raion = factories.RaionFactory(oblast=oblast)
        created: Hromada = factories.HromadaFactory(name_uk=name, raion=raion, hromada_type=kind)
        factories.ParticipationFactory(phase=world.phase, hromada=created)
        return created

    low_h = hromada("Бориспільська", oblast_a, HromadaType.URBAN)
    high_h = hromada("Ананьївська", oblast_b, HromadaType.SETTLEMENT)
    blank_h = hromada("Вишнева", oblast_c, HromadaType.RURAL)
    # Ukrainian alphabetical order, as the registry loader stores it (factories leave it empty).
    for unit in (world.hromada, world.hromada.oblast, low_h, high_h, blank_h, oblast_a, oblast_b, oblast_c):
        type(unit).objects.filter(pk=unit.pk).update(name_sort=ukrainian_sort_key(unit.name_uk))
    factories.SecurityStatusPeriodFactory(
        hromada=low_h, status=SecurityStatus.ACTIVE_HOSTILITIES, starts_on=datetime.date(2024, 1, 1)
    )
    factories.SecurityStatusPeriodFactory(
        hromada=blank_h,
        status=SecurityStatus.POSSIBLE_HOSTILITIES,
        starts_on=datetime.date(2023, 1, 1),
        ends_on=datetime.date(2024, 1, 1),
    )
    round_ = round_open(
        acting_user=world.coordinator,
        programme=world.programme,
        instrument_version=version,
        name_uk="Базове оцінювання 2026",
        name_en="Baseline 2026",
        opens_on=datetime.date(2026, 12, 1),
        deadline=datetime.date(2027, 1, 31),
        hromadas=[world.hromada, low_h, high_h, blank_h],
    )
    by_hromada = {a.hromada_id: a for a in round_.assessments.select_related("round__instrument_version")}
    low, middle, high, blank = (by_hromada[h.pk] for h in (low_h, world.hromada, high_h, blank_h))
    score_at(low, 0)
    score_at(middle, 0.5)
    score_at(high, 1)
    Assessment.objects.filter(pk__in=[low.pk, high.pk]).update(state=AssessmentState.VALIDATED)
    Assessment.objects.filter(pk=middle.pk).update(state=AssessmentState.SUBMITTED)
    for assessment in (low, middle, high, blank):
        assessment.refresh_from_db()
    return CohortWorld(round=round_, low=low, middle=middle, high=high, blank=blank)


def set_dimension(assessment: Assessment, dimension: str, value: str | None) -> None:
    DimensionResult.objects.filter(assessment=assessment, dimension=dimension).update(
        normalised=None if value is None else Decimal(value)
    )


@pytest.fixture
def cohort_world(world: World) -> CohortWorld:
    return make_cohort(world)
