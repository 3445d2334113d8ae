"""The core of filling in and validating: answers with versions, conflicts, scores, workflow."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from vidnova.assessments.answers import AnswerInvalid
from vidnova.assessments.models import AssessmentState, DimensionResult
from vidnova.assessments.services import instrument_load_default
from vidnova.assessments.services.answers import AnswerConflict, answer_save
from vidnova.assessments.services.rounds import round_open
from vidnova.assessments.services.workflow import (
    assessment_submit,
    submission_problems,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(world):  # type: ignore[no-untyped-def]
    version = instrument_load_default()
    round_ = round_open(
        acting_user=world.coordinator,
        programme=world.programme,
        instrument_version=version,
        name_uk="Базове оцінювання",
        opens_on=datetime.date(2026, 12, 1),
        deadline=datetime.date(2027, 1, 31),
        hromadas=[world.hromada],
    )
    return round_.assessments.get()


def test_answer_versions_and_conflict(world, assessment):  # type: ignore[no-untyped-def]
    first = answer_save(
        acting_user=world.editor, assessment=assessment, question="ctx_population", value="1200", expected_version=0
    )
    assert first.version == 1
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.IN_PROGRESS
    answer_save(
        acting_user=world.coordinator,
        assessment=assessment,
        question="ctx_population",
        value="1300",
        expected_version=1,
    )
    with pytest.raises(AnswerConflict) as conflict:
        answer_save(
            acting_user=world.editor, assessment=assessment, question="ctx_population", value="1250", expected_version=1
        )
    assert conflict.value.theirs == "1300"
    assert conflict.value.yours == "1250"


def test_constraint_message_in_form_language(world, assessment):  # type: ignore[no-untyped-def]
    with pytest.raises(AnswerInvalid) as problem:
        answer_save(
            acting_user=world.editor, assessment=assessment, question="ctx_population", value="0", expected_version=0
        )
    assert "3 000 000" in problem.value.message or "3,000,000" in problem.value.message


def test_scores_follow_answers_and_workflow(world, assessment):  # type: ignore[no-untyped-def]
    version = assessment.round.instrument_version.definition
    scored = [q for q in version["questions"] if q.get("scored")]
    answer_save(
        acting_user=world.editor, assessment=assessment, question=scored[0]["name"], value="4", expected_version=0
    )
    assessment.refresh_from_db()
    dimension = scored[0]["dimension"]
    assert DimensionResult.objects.get(assessment=assessment, dimension=dimension).normalised is not None
    assert submission_problems(assessment)
    with pytest.raises(ValidationError):
        assessment_submit(acting_user=world.editor, assessment=assessment)


def test_outsider_and_viewer(world, assessment):  # type: ignore[no-untyped-def]
    with pytest.raises(Http404):
        answer_save(
            acting_user=world.outsider, assessment=assessment, question="ctx_population", value="5", expected_version=0
        )
    with pytest.raises(PermissionDenied):
        answer_save(
            acting_user=world.viewer, assessment=assessment, question="ctx_population", value="5", expected_version=0
        )
