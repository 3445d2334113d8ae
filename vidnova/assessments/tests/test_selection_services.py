"""Selection calls: gates, criterion kinds, the weight lock, ranking, explanations and decisions."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from vidnova.accounts import access
from vidnova.accounts.models import Role
from vidnova.assessments.models import (
    Answer,
    Assessment,
    AssessmentState,
    Candidate,
    CriterionKind,
    Decision,
    Round,
    SelectionCall,
    SelectionStatus,
)
from vidnova.assessments.selectors import selection as selectors
from vidnova.assessments.services import instrument_load_default
from vidnova.assessments.services import selection as services
from vidnova.assessments.services.rounds import round_open
from vidnova.audit.models import AuditEntry
from vidnova.registry.models import Hromada, SecurityStatus
from vidnova.testing import factories

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 12, 1)


@dataclass
class Setup:
    world: Any
    round: Round
    hromadas: list[Hromada]  # world.hromada first, then four more
    call: SelectionCall


def make_assessment(
    assessment: Assessment,
    *,
    overall: str | None,
    fields: dict[int, str] | None = None,
    completeness: str = "96",
    state: str = AssessmentState.VALIDATED,
    damage: str | None = None,
) -> None:
    Assessment.objects.filter(pk=assessment.pk).update(
        state=state,
        completeness=Decimal(completeness),
        overall_normalised=None if overall is None else Decimal(overall),
        scores={"fields": [{"field": n, "normalised": v} for n, v in (fields or {}).items()]},
    )
    if damage is not None:
        Answer.objects.update_or_create(assessment=assessment, question="ctx_damage_level", defaults={"value": damage})


def build(world: Any, **call_options: Any) -> Setup:
    version = instrument_load_default()
    hromadas = [world.hromada]
    for _ in range(4):
        hromada = factories.HromadaFactory()
        factories.ParticipationFactory(phase=world.phase, hromada=hromada)
        hromadas.append(hromada)
    round_ = round_open(
        acting_user=world.coordinator,
        programme=world.programme,
        instrument_version=version,
        name_uk="Базове оцінювання",
        opens_on=datetime.date(2026, 10, 1),
        deadline=datetime.date(2026, 11, 30),
        hromadas=hromadas,
    )
    options: dict[str, Any] = {
        "acting_user": world.coordinator,
        "programme": world.programme,
        "round_": round_,
        "name_uk": "Відбір",
        "name_en": "Selection",
        "security_date": DAY,
        "min_completeness": Decimal(80),
        "places": 2,
        **call_options,
    }
    call = services.selection_create(**options)
    return Setup(world, round_, hromadas, call)


def assessment_of(setup: Setup, index: int) -> Assessment:
    return Assessment.objects.get(round=setup.round, hromada=setup.hromadas[index])


CRITERIA = [
    {"code": "gap", "kind": CriterionKind.CAPACITY_GAP, "weight": Decimal(40), "name_uk": "Розрив", "name_en": "Gap"},
    {
        "code": "f1",
        "kind": CriterionKind.FIELD_GAP,
        "weight": Decimal(20),
        "name_uk": "Галузь 1",
        "parameters": {"field": 1},
    },
    {
        "code": "damage",
        "kind": CriterionKind.ANSWER_POINTS,
        "weight": Decimal(20),
        "name_uk": "Руйнування",
        "parameters": {"question": "ctx_damage_level", "points": {"none": 0, "minor": 25, "significant": 50}},
    },
    {"code": "commitment", "kind": CriterionKind.MANUAL, "weight": Decimal(20), "name_uk": "Зобовʼязання"},
]


def test_create_checks_round_and_access(world):  # type: ignore[no-untyped-def]
    setup = build(world)
    assert setup.call.status == SelectionStatus.DRAFT
    assert AuditEntry.objects.filter(action="assessments.selection.created").count() == 1
    other = factories.ProgrammeFactory()
    factories.MembershipFactory(user=world.coordinator, role=Role.PROGRAMME_COORDINATOR, programme=other)
    access.forget_roles(world.coordinator)
    with pytest.raises(ValidationError) as error:
        services.selection_create(
            acting_user=world.coordinator, programme=other, round_=setup.round, name_uk="X", security_date=DAY
        )
    assert "round" in error.value.message_dict
    for user in (world.editor, world.viewer, world.expert, world.outsider):
        with pytest.raises(Http404):
            services.selection_create(
                acting_user=user, programme=world.programme, round_=setup.round, name_uk="X", security_date=DAY
            )


def test_update_conflict_and_only_in_draft(world):  # type: ignore[no-untyped-def]
    from vidnova.core.exceptions import EditConflict

    setup = build(world)
    call = services.selection_update(
        acting_user=world.coordinator, call=setup.call, expected_version=setup.call.version, places=5
    )
    assert call.places == 5
    with pytest.raises(EditConflict):
        services.selection_update(acting_user=world.coordinator, call=call, expected_version=1, places=6)
    services.criteria_set(acting_user=world.coordinator, call=call, criteria=CRITERIA[:1])
    call = services.selection_lock(acting_user=world.coordinator, call=call)
    with pytest.raises(ValidationError) as error:
        services.selection_update(acting_user=world.coordinator, call=call, expected_version=call.version, places=7)
    assert "locked" in error.value.messages[0]


def test_criteria_validation(world):  # type: ignore[no-untyped-def]
    setup = build(world)
    saved = services.criteria_set(acting_user=world.coordinator, call=setup.call, criteria=CRITERIA)
    assert [c.code for c in saved] == ["gap", "f1", "damage", "commitment"]
    bad = [
        {"code": "a", "kind": CriterionKind.FIELD_GAP, "weight": 1, "name_uk": "A", "parameters": {"field": 4}},
        {
            "code": "b",
            "kind": CriterionKind.ANSWER_POINTS,
            "weight": 1,
            "name_uk": "B",
            "parameters": {"question": "ctx_population", "points": {"x": 1}},
        },
        {
            "code": "c",
            "kind": CriterionKind.ANSWER_POINTS,
            "weight": 1,
            "name_uk": "C",
            "parameters": {"question": "ctx_damage_level", "points": {"huge": 10, "minor": 120}},
        },
        {"code": "d", "kind": CriterionKind.MANUAL, "weight": 0, "name_uk": "D"},
        {"code": "e", "kind": "popularity", "weight": 1, "name_uk": "E"},
    ]
    with pytest.raises(ValidationError) as error:
        services.criteria_set(acting_user=world.coordinator, call=setup.call, criteria=bad)
    messages = error.value.message_dict["criteria"]
    text = "\n".join(messages)
    assert "Criterion 1 (a): choose the field (1, 2 or 3)." in text
    assert "“ctx_population” is not a single-choice question" in text
    assert "“huge” is not a choice of “ctx_damage_level”" in text
    assert "the points for “minor” must be a number from 0 to 100" in text
    assert "Criterion 4 (d): the weight must be a number greater than 0." in text
    assert "Criterion 5 (e): the kind must be one of" in text
    with pytest.raises(ValidationError):
        services.criteria_set(acting_user=world.coordinator, call=setup.call, criteria=[])
    # Nothing saved half-way: the first list is still there.
    assert list(setup.call.criteria.values_list("code", flat=True)) == ["gap", "f1", "damage", "commitment"]


def test_weights_locked_and_audited(world):  # type: ignore[no-untyped-def]
    setup = build(world)
    with pytest.raises(ValidationError):
        services.selection_lock(acting_user=world.coordinator, call=setup.call)  # no criteria yet
    with pytest.raises(ValidationError):
        services.selection_rank(acting_user=world.coordinator, call=setup.call)  # not locked
    services.criteria_set(acting_user=world.coordinator, call=setup.call, criteria=CRITERIA)
    call = services.selection_lock(acting_user=world.coordinator, call=setup.call)
    assert call.status == SelectionStatus.LOCKED
    assert call.locked_by == world.coordinator
    assert call.locked_at is not None
    entry = AuditEntry.objects.get(action="assessments.selection.locked")
    assert entry.data["weights"] == {"gap": "40.00", "f1": "20.00", "damage": "20.00", "commitment": "20.00"}
    assert entry.data["shares"]["gap"] == "40.00"
    with pytest.raises(ValidationError) as error:
        services.criteria_set(acting_user=world.coordinator, call=call, criteria=CRITERIA[:1])
    assert "were locked on" in error.value.messages[0]
    assert call.criteria.count() == 4
    with pytest.raises(ValidationError):
        services.selection_lock(acting_user=world.coordinator, call=call)


def _ranked(setup: Setup) -> dict[str, Candidate]:
    return {c.hromada.katottg: c for c in Candidate.objects.filter(call=setup.call).select_related("hromada")}


def test_each_gate(world):  # type: ignore[no-untyped-def]
    oblast_in = world.hromada.oblast
    setup = build(world)
    h = setup.hromadas
    services.selection_update(
        acting_user=world.coordinator,
        call=setup.call,
        expected_version=setup.call.version,
        oblasts=[oblast_in] + [x.oblast for x in h[1:4]],
    )
    for index in range(5):
        make_assessment(assessment_of(setup, index), overall="50", fields={1: "40"})
    # 0: no status recorded (passes, noted); 1: occupied; 2: active hostilities; 3: not validated; 4: oblast out
    factories.SecurityStatusPeriodFactory(
        hromada=h[1], status=SecurityStatus.TEMPORARILY_OCCUPIED, starts_on=datetime.date(2022, 3, 1)
    )
    factories.SecurityStatusPeriodFactory(
        hromada=h[2], status=SecurityStatus.ACTIVE_HOSTILITIES, starts_on=datetime.date(2024, 1, 1)
    )
    # An older period that ended before the date does not count.
    factories.SecurityStatusPeriodFactory(
        hromada=h[3],
        status=SecurityStatus.ACTIVE_HOSTILITIES,
        starts_on=datetime.date(2022, 3, 1),
        ends_on=datetime.date(2023, 1, 1),
    )
    factories.SecurityStatusPeriodFactory(hromada=h[3], status=SecurityStatus.NONE, starts_on=datetime.date(2023, 1, 1))
    make_assessment(assessment_of(setup, 3), overall="50", state=AssessmentState.SUBMITTED)
    services.criteria_set(acting_user=world.coordinator, call=setup.call, criteria=CRITERIA[:1])
    call = services.selection_lock(acting_user=world.coordinator, call=setup.call)
    services.selection_rank(acting_user=world.coordinator, call=call)
    ranked = _ranked(setup)

    def failed(index: int) -> list[str]:
        return [g["gate"] for g in ranked[h[index].katottg].gates if not g["passed"]]

    assert ranked[h[0].katottg].eligible
    assert failed(0) == []
    assert ranked[h[0].katottg].gates[0]["detail"]["reason"] == "no_status"
    assert failed(1) == ["security"]
    assert failed(2) == ["security"]
    assert failed(3) == ["assessment"]
    assert failed(4) == ["oblast"]
    ranking = selectors.ranking(call)
    texts = {row.candidate.hromada.katottg: row.explanation for row in ranking.rows}
    assert (
        "temporarily occupied on 1 December 2026" in texts[h[1].katottg]
        or "temporarily occupied on" in texts[h[1].katottg]
    )
    assert "active hostilities on" in texts[h[2].katottg]
    assert "which this call excludes" in texts[h[2].katottg]
    assert "not validated" in texts[h[3].katottg]
    assert "is not in the list of oblasts" in texts[h[4].katottg]
    assert "no security status recorded" in texts[h[0].katottg]

    # Active hostilities allowed when the flag is off (in a new call), occupation never.
    second = services.selection_create(
        acting_user=world.coordinator,
        programme=world.programme,
        round_=setup.round,
        name_uk="Другий",
        security_date=DAY,
        exclude_active_hostilities=False,
        require_validated=False,
        min_completeness=Decimal(97),
    )
    services.criteria_set(acting_user=world.coordinator, call=second, criteria=CRITERIA[:1])
    second = services.selection_lock(acting_user=world.coordinator, call=second)
    services.selection_rank(acting_user=world.coordinator, call=second)
    by_code = {c.hromada.katottg: c for c in Candidate.objects.filter(call=second).select_related("hromada")}
    assert [g["gate"] for g in by_code[h[2].katottg].gates if not g["passed"]] == ["completeness"]
    assert [g["gate"] for g in by_code[h[1].katottg].gates if not g["passed"]] == ["security", "completeness"]


def test_criterion_kinds_ranking_and_explanation(world):  # type: ignore[no-untyped-def]
    setup = build(world)
    h = setup.hromadas
    make_assessment(assessment_of(setup, 0), overall="37.5", fields={1: "20"}, damage="significant")
    make_assessment(assessment_of(setup, 1), overall="60", fields={1: "50"}, damage="minor")
    make_assessment(assessment_of(setup, 2), overall="60", fields={1: "50"}, damage="minor")
    make_assessment(assessment_of(setup, 3), overall="40", fields={1: "50"}, damage="minor")
    make_assessment(assessment_of(setup, 4), overall=None, completeness="50")
    services.criteria_set(acting_user=world.coordinator, call=setup.call, criteria=CRITERIA)
    call = services.selection_lock(acting_user=world.coordinator, call=setup.call)
    commitment = call.criteria.get(code="commitment")
    with pytest.raises(ValidationError) as error:
        services.manual_score_set(acting_user=world.coordinator, criterion=commitment, hromada=h[0], value=101, note="")
    assert set(error.value.message_dict) == {"value", "note"}
    with pytest.raises(ValidationError):
        services.manual_score_set(
            acting_user=world.coordinator, criterion=call.criteria.get(code="gap"), hromada=h[0], value=5, note="x"
        )
    with pytest.raises(ValidationError):
        services.manual_score_set(
            acting_user=world.coordinator, criterion=commitment, hromada=world.other_hromada, value=5, note="x"
        )
    services.manual_score_set(
        acting_user=world.coordinator, criterion=commitment, hromada=h[0], value=80, note="Signed letter"
    )
    services.selection_rank(acting_user=world.coordinator, call=call)
    ranked = _ranked(setup)
    first = ranked[h[0].katottg]
    values = {s["code"]: s["value"] for s in first.criterion_scores}
    assert values == {"gap": "62.50", "f1": "80.00", "damage": "50.00", "commitment": "80.00"}
    # (62.5*40 + 80*20 + 50*20 + 80*20) / 100 = 25 + 16 + 10 + 16 = 67
    assert first.total == Decimal("67.00")
    assert first.rank == 1
    # h1 and h2 tie exactly (40*0.4 + 50*0.2 + 25*0.2 + 0) = 31; h3 (60*0.4+10+5) = 39 ranks 2.
    assert ranked[h[3].katottg].rank == 2
    assert ranked[h[3].katottg].total == Decimal("39.00")
    assert ranked[h[1].katottg].total == ranked[h[2].katottg].total == Decimal("31.00")
    tied = sorted([h[1], h[2]], key=lambda x: x.katottg)
    assert ranked[tied[0].katottg].rank == 3
    assert ranked[tied[1].katottg].rank == 4
    assert not ranked[h[4].katottg].eligible
    assert ranked[h[4].katottg].rank is None
    # Missing manual score counts as 0 and is noted.
    missing = next(s for s in ranked[h[3].katottg].criterion_scores if s["code"] == "commitment")
    assert Decimal(missing["value"]) == 0
    assert missing["detail"]["missing"] is True

    rows = {row.candidate.hromada.katottg: row for row in selectors.ranking(call).rows}
    text = rows[h[0].katottg].explanation
    assert text.startswith("Eligible: no security status recorded on")
    assert "assessment validated; 96% complete (minimum 80%)" in text
    assert "Gap 62.50 (100 − overall score 37.50) × weight 40% = 25.00" in text
    assert "Галузь 1 80.00 (100 − field 1 score 20.00) × weight 20% = 16.00" in text
    assert "answer “Significant: many buildings damaged, services restored”" in text
    assert "coordinator's score: Signed letter" in text
    assert f"Total 67.00, rank 1 of 4: ahead of {h[3]} by 28.00 points." in text
    assert "tied with" in rows[tied[0].katottg].position
    assert "KATOTTG" in rows[tied[0].katottg].position
    assert "has no value for this hromada" in " ".join(rows[h[3].katottg].notes)

    # Determinism: ranking again gives the same order and totals.
    before = [(c.hromada_id, c.rank, c.total) for c in Candidate.objects.filter(call=call).order_by("hromada_id")]
    services.selection_rank(acting_user=world.coordinator, call=call)
    after = [(c.hromada_id, c.rank, c.total) for c in Candidate.objects.filter(call=call).order_by("hromada_id")]
    assert before == after
    entry = AuditEntry.objects.filter(action="assessments.selection.ranked").latest("pk")
    assert entry.data["eligible"] == 4
    assert entry.data["ranking"][0] == [h[0].katottg, "67.00"]


def test_tie_broken_by_lower_overall_score(world):  # type: ignore[no-untyped-def]
    setup = build(world)
    h = setup.hromadas
    # Same total from the field gap alone, different overall scores.
    make_assessment(assessment_of(setup, 0), overall="70", fields={1: "40"})
    make_assessment(assessment_of(setup, 1), overall="30", fields={1: "40"})
    services.criteria_set(acting_user=world.coordinator, call=setup.call, criteria=[CRITERIA[1]])
    call = services.selection_lock(acting_user=world.coordinator, call=setup.call)
    services.selection_rank(acting_user=world.coordinator, call=call)
    ranked = _ranked(setup)
    assert ranked[h[1].katottg].rank == 1
    assert ranked[h[0].katottg].rank == 2
    rows = {row.candidate.hromada.katottg: row for row in selectors.ranking(call).rows}
    assert "ahead because its overall assessment score is lower" in rows[h[1].katottg].position


def test_decisions(world):  # type: ignore[no-untyped-def]
    setup = build(world)
    h = setup.hromadas
    for index in range(4):
        make_assessment(assessment_of(setup, index), overall=str(30 + index * 10), fields={1: "40"})
    make_assessment(assessment_of(setup, 4), overall="10", state=AssessmentState.IN_PROGRESS)
    services.criteria_set(acting_user=world.coordinator, call=setup.call, criteria=CRITERIA[:1])
    call = services.selection_lock(acting_user=world.coordinator, call=setup.call)
    with pytest.raises(ValidationError):
        services.selection_decide(acting_user=world.coordinator, call=call)  # not ranked
    services.selection_rank(acting_user=world.coordinator, call=call)
    ranked = _ranked(setup)
    candidate = ranked[h[0].katottg]
    with pytest.raises(ValidationError) as error:
        services.candidate_decide(
            acting_user=world.coordinator, candidate=candidate, decision="selected", justification=" "
        )
    assert "justification" in error.value.message_dict
    ineligible = ranked[h[4].katottg]
    with pytest.raises(ValidationError) as error:
        services.candidate_decide(
            acting_user=world.coordinator, candidate=ineligible, decision=Decision.SELECTED, justification="x"
        )
    assert "did not pass the eligibility gates" in error.value.messages[0]
    services.candidate_decide(
        acting_user=world.coordinator, candidate=ineligible, decision=Decision.NOT_SELECTED, justification="Gate"
    )
    for index in (0, 1, 2):
        services.candidate_decide(
            acting_user=world.coordinator,
            candidate=ranked[h[index].katottg],
            decision=Decision.SHORTLISTED,
            justification="Top three",
        )
    call.refresh_from_db()
    problems = services.decide_problems(call)
    assert any("shortlisted" in p for p in problems)
    with pytest.raises(ValidationError):
        services.selection_decide(acting_user=world.coordinator, call=call)
    services.candidate_decide(
        acting_user=world.coordinator,
        candidate=ranked[h[0].katottg],
        decision=Decision.SELECTED,
        justification="Rank 1",
    )
    services.candidate_decide(
        acting_user=world.coordinator,
        candidate=ranked[h[1].katottg],
        decision=Decision.SELECTED,
        justification="Rank 2",
    )
    with pytest.raises(ValidationError) as error:  # 2 places
        services.candidate_decide(
            acting_user=world.coordinator,
            candidate=ranked[h[2].katottg],
            decision=Decision.SELECTED,
            justification="Rank 3",
        )
    assert "places are taken" in error.value.messages[0]
    services.candidate_decide(
        acting_user=world.coordinator,
        candidate=ranked[h[2].katottg],
        decision=Decision.WAITLISTED,
        justification="Rank 3",
    )
    call = services.selection_decide(acting_user=world.coordinator, call=call)
    assert call.status == SelectionStatus.DECIDED
    entry = AuditEntry.objects.get(action="assessments.selection.decided")
    assert entry.data["selected"] == sorted([h[0].katottg, h[1].katottg])
    assert AuditEntry.objects.filter(action="assessments.selection.decision").count() == 7
    with pytest.raises(ValidationError):
        services.selection_rank(acting_user=world.coordinator, call=call)
    with pytest.raises(ValidationError):
        services.candidate_decide(
            acting_user=world.coordinator,
            candidate=ranked[h[3].katottg],
            decision=Decision.NOT_SELECTED,
            justification="late",
        )
    for user in (world.editor, world.viewer, world.expert, world.outsider):
        with pytest.raises(Http404):
            services.selection_rank(acting_user=user, call=call)


def test_demo_selection_call(world):  # type: ignore[no-untyped-def]
    from vidnova.assessments.demo_selection import create_demo_selection_call, damage_points

    setup = build(world)
    for index in range(3):
        make_assessment(assessment_of(setup, index), overall=str(40 + index), fields={1: "30"}, damage="minor")
    call = create_demo_selection_call(programme=world.programme, round_=setup.round)
    assert call.status == SelectionStatus.LOCKED
    assert call.places == 8
    weights = {c.code: c.weight for c in call.criteria.all()}
    assert weights == {"capacity-gap": 40, "field-1-gap": 20, "need-damage": 20, "commitment": 20}
    points = damage_points(setup.round)
    assert points["none"] == 0
    assert max(points.values()) == 100
    shortlisted = Candidate.objects.filter(call=call, decision=Decision.SHORTLISTED).count()
    assert shortlisted == 3
    assert create_demo_selection_call(programme=world.programme, round_=setup.round).pk == call.pk
    # No validated assessment at all: still works, with an empty shortlist.
    Assessment.objects.filter(round=setup.round).update(state=AssessmentState.IN_PROGRESS)
    SelectionCall.objects.filter(pk=call.pk).update(name_en="old")
    empty = create_demo_selection_call(programme=world.programme, round_=setup.round)
    assert empty.pk != call.pk
    assert not Candidate.objects.filter(call=empty, decision=Decision.SHORTLISTED).exists()
