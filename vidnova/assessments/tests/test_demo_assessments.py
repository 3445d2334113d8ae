"""The demo needs assessment: the baseline round built by the create_demo command, its states, valid
and varied answers, the selection call, and idempotence."""

from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from vidnova.accounts.models import User
from vidnova.assessments import answers as answer_rules
from vidnova.assessments import demo as assessment_demo
from vidnova.assessments.models import (
    Answer,
    Assessment,
    AssessmentState,
    AssessmentTransition,
    DimensionResult,
    ReturnNote,
    Round,
    SelectionCall,
)
from vidnova.assessments.services.scores import answers_of, form_of
from vidnova.assessments.services.workflow import submission_problems
from vidnova.audit.models import AuditEntry
from vidnova.programmes import demo
from vidnova.programmes.tests.conftest import demo_registry  # noqa: F401 - a fixture, used by name
from vidnova.registry.models import Hromada

pytestmark = pytest.mark.usefixtures("demo_registry")

PASSWORD = "demo-password-123"


def _round() -> Round:
    return Round.objects.get(programme__slug=demo.PROGRAMME_SLUG, name_uk=assessment_demo.ROUND_NAME_UK)


def test_demo_round_states_and_answers() -> None:
    demo.demo_create(password=PASSWORD)

    round_ = _round()
    coordinator = User.objects.get(email="coordinator@demo.vidnova.local")
    editor = User.objects.get(email="editor@demo.vidnova.local")
    assert (round_.name_en, round_.name_nl) == ("Baseline assessment 2026", "Nulmeting 2026")
    assert round_.kind == "baseline"
    assert round_.opened_by == coordinator
    assert round_.instrument_version.instrument.is_default
    assessments = {a.hromada.katottg: a for a in round_.assessments.select_related("hromada")}
    assert len(assessments) == 19

    states = Counter(a.state for a in assessments.values())
    assert states == {
        AssessmentState.VALIDATED: 12,
        AssessmentState.SUBMITTED: 3,
        AssessmentState.IN_PROGRESS: 3,  # the returned one and two half-filled
        AssessmentState.DRAFT: 1,
    }

    # The demo editor's hromada was returned with two comments from the coordinator, answered by her.
    returned = assessments[demo.MEMBER_HROMADA.katottg]
    assert returned.state == AssessmentState.IN_PROGRESS
    notes = list(ReturnNote.objects.filter(assessment=returned))
    assert len(notes) == 2
    assert {n.question for n in notes} == set(assessment_demo.RETURN_NOTES)
    assert all(n.created_by == coordinator and n.resolved_at is None for n in notes)
    assert list(returned.transitions.values_list("to_state", flat=True)) == [
        AssessmentState.IN_PROGRESS,
        AssessmentState.SUBMITTED,
        AssessmentState.UNDER_VALIDATION,
        AssessmentState.IN_PROGRESS,
    ]
    assert set(Answer.objects.filter(assessment=returned).values_list("answered_by", flat=True)) == {editor.pk}
    assert returned.submitted_by == editor
    other = next(a for a in assessments.values() if a.state == AssessmentState.VALIDATED)
    assert set(Answer.objects.filter(assessment=other).values_list("answered_by", flat=True)) == {coordinator.pk}
    assert other.validated_by == coordinator

    form = form_of(round_.instrument_version)
    for assessment in assessments.values():
        answers = answers_of(assessment)
        if assessment.state == AssessmentState.DRAFT:
            assert answers == {}
            assert not assessment.transitions.exists()
            continue
        # Every stored answer passes the form's own checks and is relevant.
        assert answer_rules.invalid_answers(form, answers) == {}
        assert set(answers) <= answer_rules.relevant_questions(form, answers)
        if assessment.state in {AssessmentState.VALIDATED, AssessmentState.SUBMITTED}:
            assert submission_problems(assessment) == []
            assert assessment.completeness == 100
            assert DimensionResult.objects.filter(assessment=assessment, normalised__isnull=False).count() >= 14
        elif assessment != returned:  # half-filled
            assert answer_rules.missing_required(form, answers)
        # Context consistent with the registry: the population near the registry's.
        registry_population = assessment.hromada.population_2022
        if registry_population:
            assert 0.7 * registry_population <= int(answers["ctx_population"]) <= registry_population

    # Varied results: the hromadas do not all score alike, field by field.
    validated = [a for a in assessments.values() if a.state == AssessmentState.VALIDATED]
    overall = [a.overall_normalised for a in validated if a.overall_normalised is not None]
    assert len(set(overall)) == len(overall) == 12
    assert max(overall) - min(overall) > 15
    strongest_fields = Counter(
        max(a.scores["fields"], key=lambda f: float(f["normalised"]))["field"] for a in validated
    )
    assert len(strongest_fields) >= 2

    # The real services ran: transitions and audit entries for every step.
    assert AuditEntry.objects.filter(action="assessments.round.opened", actor=coordinator).count() == 1
    assert AuditEntry.objects.filter(action="assessments.assessment.validated").count() == 12
    assert AuditEntry.objects.filter(action="assessments.assessment.submitted").count() == 16
    assert AuditEntry.objects.filter(action="assessments.answer.saved").count() == 18
    assert AssessmentTransition.objects.filter(assessment__round=round_, to_state="validated").count() == 12

    # The demo selection call on the round.
    assert SelectionCall.objects.filter(programme=round_.programme, round=round_).count() == 1


def test_demo_round_is_created_once() -> None:
    first = demo.demo_create(password=PASSWORD)
    assert any("Baseline assessment 2026" in line for line in first.created)
    counts = (
        Round.objects.count(),
        Assessment.objects.count(),
        Answer.objects.count(),
        ReturnNote.objects.count(),
        SelectionCall.objects.count(),
        AuditEntry.objects.count(),
    )

    second = demo.demo_create(password=PASSWORD)

    assert second.created == []
    assert (
        Round.objects.count(),
        Assessment.objects.count(),
        Answer.objects.count(),
        ReturnNote.objects.count(),
        SelectionCall.objects.count(),
        AuditEntry.objects.count(),
    ) == counts


def test_the_command_adds_the_round() -> None:
    call_command("create_demo", stdout=StringIO())
    assert _round().assessments.filter(state=AssessmentState.VALIDATED).count() == 12


def test_answers_are_deterministic_valid_and_varied() -> None:
    """The generator gives the same answers on every run, different answers per hromada, and answers the
    form accepts for any hromada of the registry (with or without registry figures)."""
    demo.demo_create(password=PASSWORD)
    form = form_of(_round().instrument_version)
    hromadas = list(Hromada.objects.select_related("oblast").order_by("katottg")[:60])
    generated = {h.katottg: assessment_demo.demo_answers(form, h) for h in hromadas}
    assert generated[hromadas[0].katottg] == assessment_demo.demo_answers(form, hromadas[0])
    for answers in generated.values():
        assert answer_rules.invalid_answers(form, answers) == {}
        assert answer_rules.missing_required(form, answers) == []
    scored = [q["name"] for q in form.answerable() if q.get("scored")]
    profiles = {tuple(answers.get(name) for name in scored) for answers in generated.values()}
    assert len(profiles) == len(generated)
