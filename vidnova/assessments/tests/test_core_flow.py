"""The core of filling in and validating: answers with versions, conflicts, scores, workflow."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from vidnova.assessments.answers import AnswerInvalid
from vidnova.assessments.models import AssessmentState, DimensionResult, ReturnNote
from vidnova.assessments.services import instrument_load_default
from vidnova.assessments.services.answers import AnswerConflict, answer_save
from vidnova.assessments.services.rounds import round_open
from vidnova.assessments.services.workflow import (
    assessment_return,
    assessment_submit,
    assessment_validate,
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


def _fill(world, assessment, level: float = 0.75) -> dict[str, str]:  # type: ignore[no-untyped-def]
    from vidnova.testing.assessments import generated_answers

    answers = generated_answers(assessment.round.instrument_version.definition, level=level)
    for name, value in answers.items():
        answer_save(acting_user=world.editor, assessment=assessment, question=name, value=value, expected_version=None)
    return answers


def test_full_cycle_submit_return_fix_validate(world, assessment):  # type: ignore[no-untyped-def]
    from vidnova.assessments.models import AssessmentTransition
    from vidnova.assessments.services.workflow import return_note_resolve
    from vidnova.audit.models import AuditEntry

    answers = _fill(world, assessment)
    assessment.refresh_from_db()
    assert assessment.required_completeness == 100
    assert assessment.overall_normalised is not None
    assessment_submit(acting_user=world.editor, assessment=assessment)
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.SUBMITTED
    # Submitted: the editor can no longer change answers.
    with pytest.raises(ValidationError):
        answer_save(
            acting_user=world.editor, assessment=assessment, question="ctx_population", value="7", expected_version=None
        )
    # The editor cannot validate; the viewer cannot either.
    with pytest.raises(PermissionDenied):
        assessment_validate(acting_user=world.editor, assessment=assessment)
    assessment_return(
        acting_user=world.coordinator,
        assessment=assessment,
        notes={"ctx_population": "Please use the 2026 estimate.", "ctx_respondent": "Name the department."},
    )
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.IN_PROGRESS
    assert ReturnNote.objects.filter(assessment=assessment, resolved_at__isnull=True).count() == 2
    problems = submission_problems(assessment)
    assert any("still open" in problem for problem in problems)
    # Changing the answer resolves its note; the other one is marked as addressed.
    answer_save(
        acting_user=world.editor, assessment=assessment, question="ctx_population", value="15000", expected_version=None
    )
    note = ReturnNote.objects.get(assessment=assessment, resolved_at__isnull=True)
    assert note.question == "ctx_respondent"
    return_note_resolve(acting_user=world.editor, note=note)
    assessment_submit(acting_user=world.editor, assessment=assessment)
    assessment_validate(acting_user=world.coordinator, assessment=assessment)
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.VALIDATED
    assert assessment.validated_by == world.coordinator
    states = list(AssessmentTransition.objects.filter(assessment=assessment).values_list("to_state", flat=True))
    assert states == [
        "in_progress",
        "submitted",
        "under_validation",
        "in_progress",
        "submitted",
        "under_validation",
        "validated",
    ]
    logged = set(AuditEntry.objects.filter(object_id=str(assessment.pk)).values_list("action", flat=True))
    assert {
        "assessments.assessment.submitted",
        "assessments.assessment.validated",
        "assessments.answer.saved",
    } <= logged
    assert answers


def test_scores_recomputed_when_an_answer_changes(world, assessment):  # type: ignore[no-untyped-def]
    definition = assessment.round.instrument_version.definition
    question = next(
        q for q in definition["questions"] if q.get("scored") and q["type"] == "select_one" and not q["relevant"]
    )
    answer_save(
        acting_user=world.editor, assessment=assessment, question=question["name"], value="4", expected_version=0
    )
    high = DimensionResult.objects.get(assessment=assessment, dimension=question["dimension"]).normalised
    answer_save(
        acting_user=world.editor, assessment=assessment, question=question["name"], value="1", expected_version=1
    )
    low = DimensionResult.objects.get(assessment=assessment, dimension=question["dimension"]).normalised
    assert high == 100
    assert low == 25


def test_return_needs_a_comment_and_a_submitted_assessment(world, assessment):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match="submitted"):
        assessment_return(acting_user=world.coordinator, assessment=assessment, notes={"ctx_population": "x"})
    _fill(world, assessment)
    assessment_submit(acting_user=world.editor, assessment=assessment)
    with pytest.raises(ValidationError, match="comment on at least one question"):
        assessment_return(acting_user=world.coordinator, assessment=assessment, notes={"ctx_population": "  "})
    with pytest.raises(ValidationError, match="no question"):
        assessment_return(acting_user=world.coordinator, assessment=assessment, notes={"nonexistent": "why"})
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.SUBMITTED


def test_invalid_values_are_refused_and_nothing_saved(world, assessment):  # type: ignore[no-untyped-def]
    from vidnova.assessments.models import Answer

    for question, value in [
        ("ctx_population", "many"),
        ("ctx_assessment_date", "31.12.2026"),
        ("ctx_hromada_type", "metropolis"),
        ("ctx_hromada_type", "urban rural"),
        ("intro", "x"),
        ("no_such_question", "1"),
    ]:
        with pytest.raises(AnswerInvalid):
            answer_save(
                acting_user=world.editor, assessment=assessment, question=question, value=value, expected_version=0
            )
    assert not Answer.objects.filter(assessment=assessment).exists()
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.DRAFT


def test_round_only_for_programme_hromadas(world):  # type: ignore[no-untyped-def]
    version = instrument_load_default()
    with pytest.raises(ValidationError, match="do not take part"):
        round_open(
            acting_user=world.coordinator,
            programme=world.programme,
            instrument_version=version,
            name_uk="Раунд",
            opens_on=datetime.date(2026, 12, 1),
            deadline=datetime.date(2027, 1, 31),
            hromadas=[world.hromada, world.other_hromada],
        )
    with pytest.raises(ValidationError, match="deadline"):
        round_open(
            acting_user=world.coordinator,
            programme=world.programme,
            instrument_version=version,
            name_uk="Раунд",
            opens_on=datetime.date(2026, 12, 1),
            deadline=datetime.date(2026, 11, 1),
            hromadas=[world.hromada],
        )
    with pytest.raises(PermissionDenied):
        round_open(
            acting_user=world.editor,
            programme=world.programme,
            instrument_version=version,
            name_uk="Раунд",
            opens_on=datetime.date(2026, 12, 1),
            deadline=datetime.date(2027, 1, 31),
            hromadas=[world.hromada],
        )


def test_closed_round_refuses_answers(world, assessment):  # type: ignore[no-untyped-def]
    from vidnova.assessments.services.rounds import round_set_status

    round_set_status(acting_user=world.coordinator, round_=assessment.round, status="closed")
    assessment.refresh_from_db()
    with pytest.raises(ValidationError, match="closed"):
        answer_save(
            acting_user=world.editor, assessment=assessment, question="ctx_population", value="5", expected_version=0
        )


def test_training_needs_from_the_latest_validated_assessment(world, assessment):  # type: ignore[no-untyped-def]
    from vidnova.assessments.selectors.needs import training_needs_of

    definition = assessment.round.instrument_version.definition
    weak_dimension = next(q["dimension"] for q in definition["questions"] if q.get("scored"))
    _fill(world, assessment, level=0.9)
    for question in definition["questions"]:
        if (
            question.get("dimension") == weak_dimension
            and question["type"] == "select_one"
            and question["list"] == "maturity"
        ):
            answer_save(
                acting_user=world.editor,
                assessment=assessment,
                question=question["name"],
                value="0",
                expected_version=None,
            )
    assert training_needs_of(world.hromada) == []  # not validated yet
    assessment_submit(acting_user=world.editor, assessment=assessment)
    assessment_validate(acting_user=world.coordinator, assessment=assessment)
    needs = training_needs_of(world.hromada)
    assert needs
    assert needs[0].dimension == weak_dimension
    assert all(need.normalised < 50 for need in needs)
