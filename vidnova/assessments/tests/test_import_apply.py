"""Kobo / ODK import, applying: all-or-nothing, answers replaced, submitted, scores recomputed."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from vidnova.assessments.models import (
    Answer,
    AssessmentSource,
    AssessmentState,
    AssessmentTransition,
    DimensionResult,
    Evidence,
)
from vidnova.assessments.services.answers import answer_save
from vidnova.assessments.services.kobo import import_apply
from vidnova.assessments.services.rounds import round_set_status
from vidnova.assessments.tests.test_import_parsing import check, setup, xlsx  # noqa: F401 - fixture
from vidnova.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

HEADERS = ["hromada_katottg", "has_plan", "plan_level", "staff", "tools"]


def good_file(world: Any, setup: dict[str, Any]) -> bytes:  # noqa: F811
    return xlsx(
        HEADERS,
        [world.hromada.katottg, "yes", "2", 7, "sirens sms"],
        [setup["second"].katottg, "no", "", "", ""],
    )


def test_apply_replaces_answers_submits_and_scores(world: Any, setup: dict[str, Any]) -> None:  # noqa: F811
    mine = setup["round"].assessments.get(hromada=world.hromada)
    answer_save(acting_user=world.editor, assessment=mine, question="staff", value="3", expected_version=0)
    answer_save(acting_user=world.editor, assessment=mine, question="remark", value="old note", expected_version=0)
    imported = check(world, setup["round"], good_file(world, setup))
    assert imported.error_count == 0
    assert imported.report["rows"][0]["outcome"] == "replace"
    assert imported.report["rows"][0]["replaces"] == 2
    import_apply(acting_user=world.coordinator, submission_import=imported)

    mine.refresh_from_db()
    answers = {a.question: (a.value, a.version) for a in Answer.objects.filter(assessment=mine)}
    assert answers == {"has_plan": ("yes", 1), "plan_level": ("2", 1), "staff": ("7", 2), "tools": ("sirens sms", 1)}
    assert mine.state == AssessmentState.SUBMITTED
    assert mine.source == AssessmentSource.IMPORT
    assert mine.submitted_by == world.coordinator
    transition = AssessmentTransition.objects.filter(assessment=mine).latest("pk")
    assert (transition.from_state, transition.to_state) == (AssessmentState.IN_PROGRESS, AssessmentState.SUBMITTED)
    assert transition.message == "Imported from export.xlsx"
    # scores recomputed from the imported answers: plan_level 2 of 2 → 100
    assert DimensionResult.objects.get(assessment=mine, dimension="dim").normalised == 100
    assert mine.overall_normalised == 100
    other = setup["round"].assessments.get(hromada=setup["second"])
    assert other.state == AssessmentState.SUBMITTED
    assert AssessmentTransition.objects.get(assessment=other).from_state == AssessmentState.DRAFT
    applied = AuditEntry.objects.get(action="assessments.import.applied")
    assert applied.data["assessments"] == 2
    assert applied.data["answers_created"] == 4
    imported.refresh_from_db()
    assert imported.applied_at is not None
    assert imported.applied_by == world.coordinator
    with pytest.raises(ValidationError):  # only once
        import_apply(acting_user=world.coordinator, submission_import=imported)


def test_answers_with_evidence_are_emptied_not_deleted(world: Any, setup: dict[str, Any]) -> None:  # noqa: F811
    mine = setup["round"].assessments.get(hromada=world.hromada)
    answer = answer_save(acting_user=world.editor, assessment=mine, question="remark", value="x", expected_version=0)
    Evidence.objects.create(answer=answer, url="https://example.org/doc")
    import_apply(acting_user=world.coordinator, submission_import=check(world, setup["round"], good_file(world, setup)))
    answer.refresh_from_db()
    assert answer.value == ""
    assert answer.version == 2
    assert answer.evidence.count() == 1


def test_an_error_changes_nothing(world: Any, setup: dict[str, Any]) -> None:  # noqa: F811
    data = xlsx(HEADERS, [world.hromada.katottg, "yes", "2", 7, ""], [setup["second"].katottg, "no", "", "-1", ""])
    imported = check(world, setup["round"], data)
    assert imported.error_count == 1
    with pytest.raises(ValidationError):
        import_apply(acting_user=world.coordinator, submission_import=imported)
    assert not Answer.objects.exists()
    assert not setup["round"].assessments.exclude(state=AssessmentState.DRAFT).exists()
    assert not AuditEntry.objects.filter(action="assessments.import.applied").exists()


def test_refused_when_answers_changed_since_the_check(world: Any, setup: dict[str, Any]) -> None:  # noqa: F811
    imported = check(world, setup["round"], good_file(world, setup))
    mine = setup["round"].assessments.get(hromada=world.hromada)
    answer_save(acting_user=world.editor, assessment=mine, question="staff", value="3", expected_version=0)
    with pytest.raises(ValidationError) as refused:
        import_apply(acting_user=world.coordinator, submission_import=imported)
    assert "changed since the check" in refused.value.messages[0]
    assert Answer.objects.filter(assessment=mine).count() == 1
    assert not AssessmentTransition.objects.filter(to_state=AssessmentState.SUBMITTED).exists()


def test_validated_in_between_is_refused(world: Any, setup: dict[str, Any]) -> None:  # noqa: F811
    imported = check(world, setup["round"], good_file(world, setup))
    other = setup["round"].assessments.get(hromada=setup["second"])
    other.state = AssessmentState.VALIDATED
    other.version += 1
    other.save()
    with pytest.raises(ValidationError):
        import_apply(acting_user=world.coordinator, submission_import=imported)
    assert not Answer.objects.exists()


def test_closed_round_and_access(world: Any, setup: dict[str, Any]) -> None:  # noqa: F811
    imported = check(world, setup["round"], good_file(world, setup))
    for persona in ("viewer", "expert", "editor"):
        with pytest.raises(PermissionDenied):
            import_apply(acting_user=getattr(world, persona), submission_import=imported)
    round_set_status(acting_user=world.coordinator, round_=setup["round"], status="closed")
    with pytest.raises(ValidationError):
        import_apply(acting_user=world.coordinator, submission_import=imported)
    assert not Answer.objects.exists()


def test_reimport_over_a_submitted_assessment(world: Any, setup: dict[str, Any]) -> None:  # noqa: F811
    import_apply(acting_user=world.coordinator, submission_import=check(world, setup["round"], good_file(world, setup)))
    data = xlsx(HEADERS, [world.hromada.katottg, "yes", "1", 7, ""])
    second = check(world, setup["round"], data)
    assert second.report["rows"][0]["replaces"] == 4
    import_apply(acting_user=world.coordinator, submission_import=second)
    mine = setup["round"].assessments.get(hromada=world.hromada)
    assert dict(Answer.objects.filter(assessment=mine).values_list("question", "value")) == {
        "has_plan": "yes",
        "plan_level": "1",
        "staff": "7",
    }
    assert DimensionResult.objects.get(assessment=mine, dimension="dim").normalised == 50
