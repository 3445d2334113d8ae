"""The workflow services: every guard refuses with its own message and changes nothing; roles; stale
versions; the participation periods; the principles checklist; adoption, registration, amendments."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404
from django.test import override_settings

from conftest import World
from vidnova.audit.models import AuditEntry
from vidnova.core.exceptions import EditConflict
from vidnova.plans.models import (
    AdoptingBody,
    GoalNode,
    Plan,
    PlanState,
    PlanTransition,
    PlanType,
    PlanVersion,
    PrincipleCheck,
    Section,
)
from vidnova.plans.selectors.plans import current_version
from vidnova.plans.services.workflow import (
    amendment_start,
    participation_dates_set,
    plan_adopt,
    plan_register,
    plan_transition,
    principle_check_update,
    transition_problems,
)
from vidnova.plans.tests.test_workflow_helpers import (
    PNG_BYTES,
    TODAY,
    add_goal_tree,
    confirm_principles,
    fill_sections,
    freeze_today,
    pdf_upload,
    ready_to_adopt,
    ready_to_consult,
    set_consultation,
)
from vidnova.testing.factories import make_plan

S = PlanState
DAY = datetime.timedelta(days=1)


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> datetime.date:
    return freeze_today(monkeypatch)


@pytest.fixture
def plan(world: World) -> Plan:
    return make_plan(world.hromada, programme=world.programme)


def at(plan: Plan, state: str) -> Plan:
    Plan.objects.filter(pk=plan.pk).update(state=state)
    plan.refresh_from_db()
    return plan


def messages(error: ValidationError, field: str = "target") -> list[str]:
    return list(error.message_dict[field])


def assert_unchanged(plan: Plan, state: str) -> None:
    plan.refresh_from_db()
    assert plan.state == state
    assert not PlanTransition.objects.filter(plan=plan).exists()
    assert not AuditEntry.objects.filter(action__startswith="plans.plan.").exclude(action="plans.plan.created").exists()


def move(user: Any, plan: Plan, target: str, note: str = "") -> Plan:
    plan.refresh_from_db()
    return plan_transition(acting_user=user, plan=plan, target=target, expected_version=plan.version, note=note)


# --- stages and roles ---------------------------------------------------------------------------------


def test_a_step_is_taken_recorded_and_audited(world: World, plan: Plan) -> None:
    moved = move(world.editor, plan, S.SITUATION_ANALYSIS, note="Межі плану узгоджено")

    assert moved.state == S.SITUATION_ANALYSIS
    assert moved.version == plan.version + 1
    step = PlanTransition.objects.get(plan=plan)
    assert (step.from_state, step.to_state, step.actor, step.note) == (
        S.SCOPING,
        S.SITUATION_ANALYSIS,
        world.editor,
        "Межі плану узгоджено",
    )
    assert step.plan_version == current_version(plan)
    entry = AuditEntry.objects.get(action="plans.plan.transitioned")
    assert entry.actor == world.editor
    assert entry.changes == {"state": ["scoping", "situation_analysis"]}
    assert entry.data["note"] == "Межі плану узгоджено"
    assert entry.hromada == world.hromada


def test_a_stage_that_does_not_follow_is_refused(world: World, plan: Plan) -> None:
    with pytest.raises(ValidationError) as error:
        move(world.editor, plan, S.DRAFT)
    assert messages(error.value) == ["A plan at the stage “scoping” cannot move to “draft”."]
    assert_unchanged(plan, S.SCOPING)


def test_a_stage_of_another_plan_type_is_named_as_such(world: World, plan: Plan) -> None:
    assert transition_problems(plan=plan, target=S.REGISTERED, user=world.editor) == [
        "“registered” is not a stage of a Local Recovery Plan."
    ]


def test_the_coordinator_only_step_is_refused_for_an_editor(world: World, plan: Plan, today: datetime.date) -> None:
    at(plan, S.DRAFT)
    ready_to_consult(plan, today)

    with pytest.raises(ValidationError) as error:
        move(world.editor, plan, S.CONSULTATION)
    assert messages(error.value) == ["Only programme coordinators may open the public consultation."]
    assert_unchanged(plan, S.DRAFT)

    assert move(world.coordinator, plan, S.CONSULTATION).state == S.CONSULTATION


def test_monitoring_is_started_by_the_programme(world: World, plan: Plan) -> None:
    at(plan, S.ADOPTED)
    assert transition_problems(plan=plan, target=S.MONITORED, user=world.editor) == [
        "Only programme coordinators may start monitoring."
    ]
    assert transition_problems(plan=plan, target=S.MONITORED, user=world.admin) == []


@pytest.mark.parametrize("persona", ["viewer", "expert"])
def test_readers_and_experts_may_not_move_the_plan(world: World, plan: Plan, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        move(getattr(world, persona), plan, S.SITUATION_ANALYSIS)
    assert_unchanged(plan, S.SCOPING)
    assert transition_problems(plan=plan, target=S.SITUATION_ANALYSIS, user=getattr(world, persona)) == [
        "Only editors of the hromada and programme coordinators may take the step “Move on to “situation analysis””."
    ]


def test_outsiders_do_not_learn_the_plan_exists(world: World, plan: Plan) -> None:
    with pytest.raises(Http404):
        move(world.outsider, plan, S.SITUATION_ANALYSIS)
    assert_unchanged(plan, S.SCOPING)


def test_editors_of_another_hromada_may_not_move_the_plan(world: World) -> None:
    other = make_plan(world.other_hromada)
    with pytest.raises(Http404):
        move(world.editor, other, S.SITUATION_ANALYSIS)


def test_a_stale_version_is_a_conflict(world: World, plan: Plan) -> None:
    with pytest.raises(EditConflict):
        plan_transition(
            acting_user=world.editor, plan=plan, target=S.SITUATION_ANALYSIS, expected_version=plan.version - 1
        )
    assert_unchanged(plan, S.SCOPING)


def test_going_back_needs_a_note(world: World, plan: Plan) -> None:
    at(plan, S.CONSULTATION)
    with pytest.raises(ValidationError) as error:
        move(world.editor, plan, S.DRAFT, note="   ")
    assert messages(error.value, "note") == ["Say why the plan goes back: a note is required."]
    assert_unchanged(plan, S.CONSULTATION)

    assert move(world.editor, plan, S.DRAFT, note="Потрібно доопрацювати фінансування").state == S.DRAFT


def test_adoption_is_not_a_plain_step(world: World, plan: Plan, today: datetime.date) -> None:
    at(plan, S.CONSULTATION)
    ready_to_adopt(plan, today)
    assert transition_problems(plan=plan, target=S.ADOPTED, user=world.editor) == []
    with pytest.raises(ValidationError) as error:
        move(world.editor, plan, S.ADOPTED)
    assert messages(error.value) == [
        "Record the adoption with the adopting body, the act's number and date and the signed act."
    ]
    assert_unchanged(plan, S.CONSULTATION)


def test_the_system_may_take_any_allowed_step(plan: Plan) -> None:
    moved = plan_transition(acting_user=None, plan=plan, target=S.SITUATION_ANALYSIS, expected_version=None)
    assert moved.state == S.SITUATION_ANALYSIS
    assert AuditEntry.objects.get(action="plans.plan.transitioned").actor_label == "system"


# --- guards -----------------------------------------------------------------------------------------


def test_goal_tree_guard(world: World, plan: Plan) -> None:
    at(plan, S.VISION_GOALS)
    version = current_version(plan)
    with pytest.raises(ValidationError) as error:
        move(world.editor, plan, S.PROJECT_IDEAS)
    assert messages(error.value) == ["The goal tree needs a vision and at least one strategic goal."]
    assert_unchanged(plan, S.VISION_GOALS)

    vision = GoalNode.objects.create(plan_version=version, level="vision", text_uk="Бачення")
    assert transition_problems(plan=plan, target=S.PROJECT_IDEAS, user=world.editor) == [
        "The goal tree needs at least one strategic goal under the vision."
    ]
    GoalNode.objects.create(plan_version=version, parent=vision, level="strategic_goal", text_uk="  ")
    assert transition_problems(plan=plan, target=S.PROJECT_IDEAS, user=world.editor) == [
        "The goal tree needs at least one strategic goal under the vision."
    ], "a goal without text does not count"
    GoalNode.objects.create(plan_version=version, parent=vision, level="strategic_goal", text_uk="Ціль")
    assert move(world.editor, plan, S.PROJECT_IDEAS).state == S.PROJECT_IDEAS


def test_required_sections_guard_names_the_empty_sections(world: World, plan: Plan, today: datetime.date) -> None:
    at(plan, S.DRAFT)
    version = ready_to_consult(plan, today)
    Section.objects.filter(plan_version=version, code__in=["vision", "financing"]).update(body_uk="<p> </p>")

    with pytest.raises(ValidationError) as error:
        move(world.coordinator, plan, S.CONSULTATION)
    assert messages(error.value) == ["Required sections are empty: Vision, Financing plan."]
    assert_unchanged(plan, S.DRAFT)

    # A section with tables counts as filled by its rows alone; text in English only does not count.
    Section.objects.filter(plan_version=version, code="financing").update(
        tables={"financing": [{"source": "local_budget", "amount": "1000"}]}
    )
    Section.objects.filter(plan_version=version, code="vision").update(body_en="<p>Vision</p>")
    assert transition_problems(plan=plan, target=S.CONSULTATION, user=world.coordinator) == [
        "Required sections are empty: Vision."
    ]


def test_sections_required_by_the_plan_type_only(world: World, today: datetime.date) -> None:
    # A development strategy requires neither war impact nor financing.
    plan = make_plan(world.hromada, programme=world.programme, plan_type=PlanType.DEVELOPMENT_STRATEGY, state=S.DRAFT)
    version = ready_to_consult(plan, today)
    Section.objects.filter(plan_version=version).exclude(
        code__in=["profile", "swot", "vision", "participation", "monitoring"]
    ).update(body_uk="")
    assert transition_problems(plan=plan, target=S.PUBLIC_DISCUSSION, user=world.editor) == []


def test_the_goals_section_is_filled_by_its_tree(world: World, plan: Plan, today: datetime.date) -> None:
    at(plan, S.CONSULTATION)
    version = current_version(plan)
    fill_sections(version)
    confirm_principles(version)
    set_consultation(version, today - 20 * DAY, today - DAY)
    Section.objects.filter(plan_version=version, code="goals").update(body_uk="<p>Цілі описано текстом</p>")
    assert transition_problems(plan=plan, target=S.ADOPTED, user=world.editor) == [
        "Required sections are empty: Strategic and operational goals."
    ]
    add_goal_tree(version)
    assert transition_problems(plan=plan, target=S.ADOPTED, user=world.editor) == []


def test_every_reason_is_listed_at_once(world: World, plan: Plan) -> None:
    at(plan, S.DRAFT)
    problems = transition_problems(plan=plan, target=S.CONSULTATION, user=world.editor)
    assert problems[0] == "Only programme coordinators may open the public consultation."
    assert problems[1].startswith("Required sections are empty: General description of the hromada, ")
    assert "Strategic and operational goals" not in problems[1], "the goal tree has its own message"
    assert problems[2:] == [
        "The goal tree needs a vision and at least one strategic goal.",
        "Set the dates of the consultation first.",
    ]


@pytest.mark.parametrize(
    ("days", "problem"),
    [
        (7, "The consultation lasts 7 days; the minimum is 10 calendar days."),
        (9, "The consultation lasts 9 days; the minimum is 10 calendar days."),
        (1, "The consultation lasts 1 day; the minimum is 10 calendar days."),
        (10, None),
    ],
)
def test_consultation_minimum_counts_both_first_and_last_day(
    world: World, plan: Plan, today: datetime.date, days: int, problem: str | None
) -> None:
    at(plan, S.DRAFT)
    version = ready_to_consult(plan, today)
    set_consultation(version, today + DAY, today + days * DAY)
    problems = transition_problems(plan=plan, target=S.CONSULTATION, user=world.coordinator)
    assert problems == ([problem] if problem else [])
    if problem:
        with pytest.raises(ValidationError):
            move(world.coordinator, plan, S.CONSULTATION)
        assert_unchanged(plan, S.DRAFT)


def test_a_consultation_held_before_it_was_recorded_can_be_opened_and_closed_at_once(
    world: World, plan: Plan, today: datetime.date
) -> None:
    at(plan, S.DRAFT)
    version = ready_to_consult(plan, today)
    set_consultation(version, today - 30 * DAY, today - 5 * DAY)
    assert transition_problems(plan=plan, target=S.CONSULTATION, user=world.coordinator) == []
    move(world.coordinator, plan, S.CONSULTATION)
    assert not [p for p in transition_problems(plan=plan, target=S.ADOPTED, user=world.editor) if "runs until" in p]


def test_adoption_waits_for_the_end_of_the_consultation(world: World, plan: Plan, today: datetime.date) -> None:
    at(plan, S.CONSULTATION)
    version = ready_to_adopt(plan, today)
    set_consultation(version, today - 3 * DAY, datetime.date(2026, 3, 12))
    assert transition_problems(plan=plan, target=S.ADOPTED, user=world.editor) == [
        "The consultation runs until 12 March 2026."
    ]
    with pytest.raises(ValidationError) as error:
        adopt(world.editor, plan)
    assert error.value.message_dict[NON_FIELD_ERRORS] == ["The consultation runs until 12 March 2026."]
    assert_not_adopted(plan)


def test_principles_guard_names_the_missing_principles(world: World, plan: Plan, today: datetime.date) -> None:
    at(plan, S.CONSULTATION)
    version = ready_to_adopt(plan, today)
    PrincipleCheck.objects.filter(plan_version=version, principle="inclusiveness").update(is_met=False)
    PrincipleCheck.objects.filter(plan_version=version, principle="energy_efficiency").update(justification_uk=" ")
    assert transition_problems(plan=plan, target=S.ADOPTED, user=world.editor) == [
        "Principles not yet confirmed with a justification: inclusiveness, energy efficiency."
    ]
    PrincipleCheck.objects.filter(plan_version=version).update(is_met=False)
    assert transition_problems(plan=plan, target=S.ADOPTED, user=world.editor) == [
        "None of the 16 principles is confirmed with a justification yet."
    ]


# --- participation periods --------------------------------------------------------------------------


def test_participation_dates_are_set_and_audited(world: World, plan: Plan) -> None:
    version = participation_dates_set(
        acting_user=world.editor,
        plan=plan,
        consultation_starts_on=datetime.date(2026, 4, 1),
        consultation_ends_on=datetime.date(2026, 4, 14),
    )
    assert (version.consultation_starts_on, version.consultation_ends_on) == (
        datetime.date(2026, 4, 1),
        datetime.date(2026, 4, 14),
    )
    entry = AuditEntry.objects.get(action="plans.version.dates_set")
    assert entry.changes == {
        "consultation_ends_on": [None, "2026-04-14"],
        "consultation_starts_on": [None, "2026-04-01"],
    }
    # A date left out keeps its value.
    version = participation_dates_set(
        acting_user=world.editor, plan=plan, consultation_ends_on=datetime.date(2026, 4, 20)
    )
    assert version.consultation_starts_on == datetime.date(2026, 4, 1)
    assert version.consultation_ends_on == datetime.date(2026, 4, 20)


def test_a_period_must_end_after_it_starts(world: World, plan: Plan) -> None:
    with pytest.raises(ValidationError) as error:
        participation_dates_set(
            acting_user=world.editor,
            plan=plan,
            consultation_starts_on=datetime.date(2026, 4, 10),
            consultation_ends_on=datetime.date(2026, 4, 9),
        )
    assert error.value.message_dict == {"consultation_ends_on": ["The period must end on or after the day it starts."]}
    assert current_version(plan).consultation_starts_on is None


def test_a_local_recovery_plan_has_no_collection_of_proposals(world: World, plan: Plan) -> None:
    with pytest.raises(ValidationError) as error:
        participation_dates_set(acting_user=world.editor, plan=plan, proposals_starts_on=datetime.date(2026, 4, 1))
    assert error.value.message_dict == {
        "proposals_starts_on": ["Only comprehensive recovery programmes have a collection of proposals."]
    }


def test_a_period_is_fixed_once_its_stage_is_left(world: World) -> None:
    plan = make_plan(
        world.hromada,
        programme=world.programme,
        plan_type=PlanType.COMPREHENSIVE_RECOVERY_PROGRAMME,
        state=S.PROPOSALS_COLLECTION,
    )
    first = datetime.date(2026, 2, 1)
    participation_dates_set(
        acting_user=world.editor, plan=plan, proposals_starts_on=first, proposals_ends_on=first + 13 * DAY
    )
    at(plan, S.BASELINE_DATA_ANALYSIS)
    with pytest.raises(ValidationError) as error:
        participation_dates_set(acting_user=world.editor, plan=plan, proposals_ends_on=first + 20 * DAY)
    assert error.value.message_dict == {
        "proposals_ends_on": ["The collection of proposals is over; its dates can no longer change."]
    }
    # Passing the same dates again (as a form does) changes nothing and is fine; the discussion is ahead.
    version = participation_dates_set(
        acting_user=world.editor,
        plan=plan,
        proposals_ends_on=first + 13 * DAY,
        consultation_starts_on=datetime.date(2026, 5, 1),
        consultation_ends_on=datetime.date(2026, 5, 20),
    )
    assert version.consultation_ends_on == datetime.date(2026, 5, 20)
    at(plan, S.AGREEMENT)
    with pytest.raises(ValidationError) as error:
        participation_dates_set(acting_user=world.editor, plan=plan, consultation_ends_on=datetime.date(2026, 5, 25))
    assert error.value.message_dict == {
        "consultation_ends_on": ["The consultation is over; its dates can no longer change."]
    }


def test_participation_dates_follow_the_access_rules(world: World, plan: Plan) -> None:
    with pytest.raises(PermissionDenied):
        participation_dates_set(acting_user=world.viewer, plan=plan, consultation_starts_on=datetime.date(2026, 4, 1))
    with pytest.raises(Http404):
        participation_dates_set(acting_user=world.outsider, plan=plan, consultation_starts_on=datetime.date(2026, 4, 1))
    assert not AuditEntry.objects.filter(action="plans.version.dates_set").exists()


# --- principles checklist ---------------------------------------------------------------------------


def check_of(plan: Plan, code: str) -> PrincipleCheck:
    return PrincipleCheck.objects.get(plan_version=current_version(plan), principle=code)


def test_a_principle_is_confirmed_with_a_justification(world: World, plan: Plan) -> None:
    check = check_of(plan, "inclusiveness")
    saved = principle_check_update(
        acting_user=world.editor,
        check=check,
        expected_version=check.version,
        is_met=True,
        justification_uk="  Укриття доступні для людей з інвалідністю.  ",
        justification_en="Shelters are accessible.",
    )
    assert (saved.is_met, saved.justification_uk, saved.version, saved.updated_by) == (
        True,
        "Укриття доступні для людей з інвалідністю.",
        check.version + 1,
        world.editor,
    )
    entry = AuditEntry.objects.get(action="plans.principle.updated")
    assert entry.changes["is_met"] == [False, True]
    assert entry.data == {"principle": "inclusiveness", "version": 1}


def test_confirming_needs_a_ukrainian_justification(world: World, plan: Plan) -> None:
    check = check_of(plan, "inclusiveness")
    with pytest.raises(ValidationError) as error:
        principle_check_update(
            acting_user=world.editor,
            check=check,
            expected_version=check.version,
            is_met=True,
            justification_uk=" ",
            justification_en="Only in English",
        )
    assert error.value.message_dict == {"justification_uk": ["Say in Ukrainian how the plan follows this principle."]}
    check.refresh_from_db()
    assert (check.is_met, check.justification_en, check.version) == (False, "", 1)


def test_a_stale_principle_is_a_conflict(world: World, plan: Plan) -> None:
    check = check_of(plan, "inclusiveness")
    principle_check_update(
        acting_user=world.coordinator, check=check, expected_version=1, is_met=True, justification_uk="Так"
    )
    with pytest.raises(EditConflict):
        principle_check_update(
            acting_user=world.editor, check=check, expected_version=1, is_met=False, justification_uk="Ні"
        )
    check.refresh_from_db()
    assert check.justification_uk == "Так"


@pytest.mark.parametrize(
    ("persona", "error"), [("viewer", PermissionDenied), ("expert", PermissionDenied), ("outsider", Http404)]
)
def test_only_editors_fill_the_checklist(world: World, plan: Plan, persona: str, error: type[Exception]) -> None:
    check = check_of(plan, "inclusiveness")
    with pytest.raises(error):
        principle_check_update(
            acting_user=getattr(world, persona), check=check, expected_version=1, is_met=True, justification_uk="Так"
        )


# --- adoption -----------------------------------------------------------------------------------------


def adopt(user: Any, plan: Plan, **overrides: Any) -> Plan:
    plan.refresh_from_db()
    arguments: dict[str, Any] = {
        "adopting_body": AdoptingBody.COUNCIL,
        "act_number": "  45-3/VIII ",
        "act_date": TODAY,
        "act_document": pdf_upload(),
        "note": "Рішення сесії",
    }
    arguments.update(overrides)
    return plan_adopt(acting_user=user, plan=plan, expected_version=plan.version, **arguments)


def assert_not_adopted(plan: Plan) -> None:
    plan.refresh_from_db()
    version = current_version(plan)
    assert plan.public_version is None
    assert version.adopted_at is None
    assert not version.act_document
    assert not AuditEntry.objects.filter(action="plans.plan.adopted").exists()


def test_adoption_freezes_the_version_and_makes_it_public(world: World, plan: Plan, today: datetime.date) -> None:
    at(plan, S.CONSULTATION)
    ready_to_adopt(plan, today)

    adopted = adopt(world.editor, plan)

    version = current_version(plan)
    assert adopted.state == S.ADOPTED
    assert adopted.public_version == version
    assert version.is_frozen
    assert (version.adopting_body, version.act_number, version.act_date, version.adopted_by) == (
        "council",
        "45-3/VIII",
        TODAY,
        world.editor,
    )
    assert str(version.act_document.name).endswith(".pdf")
    with version.act_document.open("rb") as stored:
        assert stored.read().startswith(b"%PDF-")
    step = PlanTransition.objects.get(plan=plan)
    assert (step.from_state, step.to_state, step.note) == (S.CONSULTATION, S.ADOPTED, "Рішення сесії")
    entry = AuditEntry.objects.get(action="plans.plan.adopted")
    assert entry.changes["state"] == ["consultation", "adopted"]
    assert entry.data["act_number"] == "45-3/VIII"


def test_a_frozen_version_refuses_every_change(world: World, plan: Plan, today: datetime.date) -> None:
    at(plan, S.CONSULTATION)
    ready_to_adopt(plan, today)
    adopt(world.editor, plan)
    check = check_of(plan, "inclusiveness")

    for user in (world.editor, world.coordinator):
        with pytest.raises(PermissionDenied):
            principle_check_update(
                acting_user=user, check=check, expected_version=check.version, is_met=False, justification_uk=""
            )
        with pytest.raises(PermissionDenied):
            participation_dates_set(acting_user=user, plan=plan, consultation_ends_on=today)
    with pytest.raises(ValidationError) as error:
        participation_dates_set(acting_user=None, plan=plan, consultation_ends_on=today)
    assert "Start an amendment to change it." in error.value.messages[0]
    with pytest.raises(ValidationError):
        adopt(world.editor, plan)


def test_a_non_pdf_renamed_to_pdf_is_refused(world: World, plan: Plan, today: datetime.date) -> None:
    at(plan, S.CONSULTATION)
    ready_to_adopt(plan, today)
    with pytest.raises(ValidationError) as error:
        adopt(world.editor, plan, act_document=pdf_upload("act.pdf", PNG_BYTES))
    assert error.value.message_dict == {
        "act_document": ["“act.pdf” is not an accepted kind of file: its content is a PNG image. Accepted: PDF."]
    }
    assert_not_adopted(plan)


@override_settings(VIDNOVA_MAX_UPLOAD_BYTES=1024)
def test_an_oversize_act_is_refused(world: World, plan: Plan, today: datetime.date) -> None:
    at(plan, S.CONSULTATION)
    ready_to_adopt(plan, today)
    with pytest.raises(ValidationError) as error:
        adopt(world.editor, plan, act_document=pdf_upload("big.pdf", b"%PDF-1.7\n" + b"0" * 2000))
    assert error.value.message_dict == {
        "act_document": ["“big.pdf” is 2.0\xa0KB; the largest file accepted is 1.0\xa0KB."]
    }
    assert_not_adopted(plan)


def test_the_act_itself_is_checked(world: World, plan: Plan, today: datetime.date) -> None:
    at(plan, S.CONSULTATION)
    ready_to_adopt(plan, today)
    with pytest.raises(ValidationError) as error:
        adopt(world.editor, plan, adopting_body="mayor", act_number=" ", act_date=today + DAY, act_document=None)
    assert error.value.message_dict == {
        "adopting_body": [
            "Choose who adopted the plan: the hromada council or the head of the military administration."
        ],
        "act_number": ["Give the number of the act."],
        "act_date": ["The act is dated 3 March 2026, in the future."],
        "act_document": ["Upload the signed act as a PDF."],
    }
    with pytest.raises(ValidationError) as error:
        adopt(world.editor, plan, act_date=today - DAY)
    assert error.value.message_dict == {
        "act_date": [
            "The act is dated 1 March 2026, but the consultation ran until 1 March 2026: a plan is adopted after "
            "its consultation."
        ]
    }
    assert_not_adopted(plan)


def test_adoption_needs_the_principles_and_the_right_stage(world: World, plan: Plan, today: datetime.date) -> None:
    at(plan, S.DRAFT)
    version = ready_to_adopt(plan, today)
    with pytest.raises(ValidationError) as error:
        adopt(world.editor, plan)
    assert error.value.message_dict == {NON_FIELD_ERRORS: ["A plan at the stage “draft” cannot move to “adopted”."]}

    at(plan, S.CONSULTATION)
    PrincipleCheck.objects.filter(plan_version=version, principle="lugano_partnership").update(is_met=False)
    with pytest.raises(ValidationError) as error:
        adopt(world.editor, plan)
    assert error.value.message_dict == {
        NON_FIELD_ERRORS: ["Principles not yet confirmed with a justification: partnership."]
    }
    assert_not_adopted(plan)


@pytest.mark.parametrize(
    ("persona", "error"), [("viewer", PermissionDenied), ("expert", PermissionDenied), ("outsider", Http404)]
)
def test_only_editors_and_staff_record_the_adoption(
    world: World, plan: Plan, today: datetime.date, persona: str, error: type[Exception]
) -> None:
    at(plan, S.CONSULTATION)
    ready_to_adopt(plan, today)
    with pytest.raises(error):
        adopt(getattr(world, persona), plan)
    assert_not_adopted(plan)


# --- registration -------------------------------------------------------------------------------------


def test_only_comprehensive_recovery_programmes_are_registered(world: World, plan: Plan) -> None:
    at(plan, S.ADOPTED)
    with pytest.raises(ValidationError) as error:
        plan_register(
            acting_user=world.editor,
            plan=plan,
            expected_version=plan.version,
            register_reference="RB-1",
            registered_on=TODAY,
        )
    assert error.value.message_dict == {
        NON_FIELD_ERRORS: ["A Local Recovery Plan is not entered in the construction register."]
    }


# --- amendments ---------------------------------------------------------------------------------------


@pytest.fixture
def adopted(world: World, plan: Plan, today: datetime.date) -> Plan:
    at(plan, S.CONSULTATION)
    version = ready_to_adopt(plan, today)
    Section.objects.filter(plan_version=version, code="financing").update(
        tables={"financing": [{"source": "local_budget", "amount": "1000"}]}
    )
    return adopt(world.editor, plan)


def test_an_amendment_copies_the_adopted_version(world: World, adopted: Plan) -> None:
    first = current_version(adopted)
    new = amendment_start(
        acting_user=world.editor, plan=adopted, expected_version=adopted.version, reason="Нові проєкти"
    )

    adopted.refresh_from_db()
    assert adopted.state == S.AMENDMENT
    assert adopted.public_version == first, "the adopted version stays public"
    assert (new.number, new.based_on, new.amendment_reason, new.is_frozen) == (2, first, "Нові проєкти", False)
    assert current_version(adopted) == new
    old_sections = {s.code: s for s in first.sections.all()}
    new_sections = {s.code: s for s in new.sections.all()}
    assert set(new_sections) == set(old_sections)
    for code, section in new_sections.items():
        assert (section.body_uk, section.body_en, section.tables, section.position) == (
            old_sections[code].body_uk,
            old_sections[code].body_en,
            old_sections[code].tables,
            old_sections[code].position,
        )
    assert new_sections["financing"].tables == {"financing": [{"source": "local_budget", "amount": "1000"}]}
    # The goal tree keeps its shape; each copy remembers its original.
    old_nodes = list(first.goal_nodes.all())
    copies = {node.origin_id: node for node in new.goal_nodes.all()}
    assert set(copies) == {node.pk for node in old_nodes}
    for node in old_nodes:
        copy = copies[node.pk]
        assert (copy.level, copy.text_uk, copy.position, copy.sdg_targets) == (
            node.level,
            node.text_uk,
            node.position,
            node.sdg_targets,
        )
        assert copy.parent_id == (copies[node.parent_id].pk if node.parent_id else None)
    checks = {c.principle: (c.is_met, c.justification_uk) for c in new.principle_checks.all()}
    assert checks == {c.principle: (c.is_met, c.justification_uk) for c in first.principle_checks.all()}
    step = PlanTransition.objects.filter(plan=adopted).first()
    assert step is not None
    assert (step.to_state, step.plan_version, step.note) == (S.AMENDMENT, new, "Нові проєкти")
    assert AuditEntry.objects.get(action="plans.plan.amendment_started").data["based_on"] == 1

    # The new version is worked on; the adopted one still refuses every change.
    check = new.principle_checks.get(principle="inclusiveness")
    principle_check_update(
        acting_user=world.editor, check=check, expected_version=check.version, is_met=False, justification_uk=""
    )
    old = first.principle_checks.get(principle="inclusiveness")
    with pytest.raises(PermissionDenied):
        principle_check_update(
            acting_user=world.editor, check=old, expected_version=old.version, is_met=False, justification_uk=""
        )


def test_an_amendment_needs_a_reason(world: World, adopted: Plan) -> None:
    with pytest.raises(ValidationError) as error:
        amendment_start(acting_user=world.editor, plan=adopted, expected_version=adopted.version, reason=" ")
    assert error.value.message_dict == {"reason": ["Give the reason for the amendment."]}
    with pytest.raises(ValidationError) as error:
        move(world.editor, adopted, S.AMENDMENT)
    assert error.value.message_dict == {"note": ["Give the reason for the amendment."]}
    assert PlanVersion.objects.filter(plan=adopted).count() == 1
    adopted.refresh_from_db()
    assert adopted.state == S.ADOPTED


def test_the_amendment_stage_through_a_transition_starts_an_amendment(world: World, adopted: Plan) -> None:
    moved = move(world.coordinator, adopted, S.AMENDMENT, note="Оновлення після оцінки")
    assert moved.state == S.AMENDMENT
    assert current_version(moved).amendment_reason == "Оновлення після оцінки"


def test_a_plan_not_adopted_cannot_be_amended(world: World, plan: Plan) -> None:
    at(plan, S.DRAFT)
    with pytest.raises(ValidationError) as error:
        amendment_start(acting_user=world.editor, plan=plan, expected_version=plan.version, reason="Зміни")
    assert error.value.message_dict == {NON_FIELD_ERRORS: ["A plan at the stage “draft” cannot move to “amendment”."]}
    assert PlanVersion.objects.filter(plan=plan).count() == 1


def test_an_amendment_with_a_stale_version_is_a_conflict(world: World, adopted: Plan) -> None:
    with pytest.raises(EditConflict):
        amendment_start(acting_user=world.editor, plan=adopted, expected_version=adopted.version - 1, reason="Зміни")
    assert PlanVersion.objects.filter(plan=adopted).count() == 1


@pytest.mark.parametrize(("persona", "error"), [("viewer", PermissionDenied), ("expert", PermissionDenied)])
def test_readers_may_not_start_an_amendment(world: World, adopted: Plan, persona: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        amendment_start(
            acting_user=getattr(world, persona), plan=adopted, expected_version=adopted.version, reason="Зміни"
        )
    assert PlanVersion.objects.filter(plan=adopted).count() == 1


# --- the comprehensive recovery programme's own guards -------------------------------------------------


@pytest.mark.parametrize(
    ("state", "target", "dates", "problem"),
    [
        (
            S.WORKING_GROUP_FORMED,
            S.PROPOSALS_COLLECTION,
            {},
            "Set the dates of the collection of proposals first.",
        ),
        (
            S.WORKING_GROUP_FORMED,
            S.PROPOSALS_COLLECTION,
            {"proposals_starts_on": TODAY, "proposals_ends_on": TODAY + 8 * DAY},
            "The collection of proposals lasts 9 days; the minimum is 10 calendar days.",
        ),
        (
            S.PROPOSALS_COLLECTION,
            S.BASELINE_DATA_ANALYSIS,
            {"proposals_starts_on": TODAY - 5 * DAY, "proposals_ends_on": TODAY + 4 * DAY},
            "The collection of proposals runs until 6 March 2026.",
        ),
        (
            S.DRAFTING,
            S.PUBLIC_DISCUSSION,
            {"consultation_starts_on": TODAY, "consultation_ends_on": TODAY + 6 * DAY},
            "The public discussion lasts 7 days; the minimum is 10 calendar days.",
        ),
        (
            S.PUBLIC_DISCUSSION,
            S.AGREEMENT,
            {"consultation_starts_on": TODAY - 20 * DAY, "consultation_ends_on": TODAY},
            "The public discussion runs until 2 March 2026.",
        ),
    ],
)
def test_programme_guards_refuse_with_their_message(
    world: World, today: datetime.date, state: str, target: str, dates: dict[str, datetime.date], problem: str
) -> None:
    plan = make_plan(
        world.hromada, programme=world.programme, plan_type=PlanType.COMPREHENSIVE_RECOVERY_PROGRAMME, state=state
    )
    version = current_version(plan)
    fill_sections(version)
    add_goal_tree(version)
    PlanVersion.objects.filter(pk=version.pk).update(**dates)

    with pytest.raises(ValidationError) as error:
        move(world.editor, plan, target)
    assert messages(error.value) == [problem]
    assert_unchanged(plan, state)
