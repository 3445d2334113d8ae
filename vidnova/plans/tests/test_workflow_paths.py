"""Whole journeys through the workflows, as a hromada secretary and a programme coordinator take them:
a Local Recovery Plan from scoping to adoption, monitoring and an amendment; a comprehensive recovery
programme from initiation to registration, with the 10-day minimum for proposals."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import World
from vidnova.accounts.access import Action, can
from vidnova.plans.models import AdoptingBody, GoalNode, Plan, PlanState, PlanType, PlanVersion, Section
from vidnova.plans.selectors.plans import current_version
from vidnova.plans.selectors.workflow import available_transitions, transition_history, workflow_path
from vidnova.plans.services.workflow import (
    participation_dates_set,
    plan_adopt,
    plan_register,
    plan_transition,
    principle_check_update,
    transition_problems,
)
from vidnova.plans.tests.test_workflow_helpers import add_goal_tree, fill_sections, freeze_today, pdf_upload
from vidnova.testing.factories import make_plan

S = PlanState
DAY = datetime.timedelta(days=1)


def move(user: Any, plan: Plan, target: str, note: str = "") -> Plan:
    plan.refresh_from_db()
    return plan_transition(acting_user=user, plan=plan, target=target, expected_version=plan.version, note=note)


def confirm_all_principles(user: Any, version: PlanVersion) -> None:
    for check in version.principle_checks.all():
        principle_check_update(
            acting_user=user,
            check=check,
            expected_version=check.version,
            is_met=True,
            justification_uk="Принцип враховано в цілях і проєктах плану.",
        )


def test_local_recovery_plan_from_scoping_to_an_amendment(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    day = freeze_today(monkeypatch, datetime.date(2026, 2, 2))
    editor, coordinator = world.editor, world.coordinator
    plan = make_plan(world.hromada, programme=world.programme)
    version = current_version(plan)

    for target in (S.SITUATION_ANALYSIS, S.NEEDS_AND_PARTICIPATION, S.VISION_GOALS):
        plan = move(editor, plan, target)
    with pytest.raises(ValidationError):
        move(editor, plan, S.PROJECT_IDEAS)  # no goal tree yet
    add_goal_tree(version)
    for target in (S.PROJECT_IDEAS, S.PRIORITISATION, S.DRAFT):
        plan = move(editor, plan, target)

    fill_sections(version)
    participation_dates_set(
        acting_user=editor, plan=plan, consultation_starts_on=day + DAY, consultation_ends_on=day + 14 * DAY
    )
    option = {o.target: o for o in available_transitions(plan, editor)}[S.CONSULTATION]
    assert option.problems == ["Only programme coordinators may open the public consultation."]
    plan = move(coordinator, plan, S.CONSULTATION)

    # Adoption waits for the consultation to end; meanwhile the principles are confirmed.
    confirm_all_principles(editor, version)
    assert transition_problems(plan=plan, target=S.ADOPTED, user=editor) == [
        "The consultation runs until 16 February 2026."
    ]
    day = freeze_today(monkeypatch, datetime.date(2026, 2, 20))
    assert transition_problems(plan=plan, target=S.ADOPTED, user=editor) == []
    plan = plan_adopt(
        acting_user=editor,
        plan=plan,
        expected_version=plan.version,
        adopting_body=AdoptingBody.MILITARY_ADMINISTRATION,
        act_number="112-р",
        act_date=day - DAY,
        act_document=pdf_upload("розпорядження.pdf"),
    )
    assert plan.state == S.ADOPTED
    version.refresh_from_db()
    assert version.is_frozen
    assert plan.public_version == version
    assert can(AnonymousUser(), Action.VIEW, plan), "an adopted plan is public"

    plan = move(coordinator, plan, S.MONITORED)

    # The amendment: version 2 copies version 1, which stays frozen and public.
    plan = move(editor, plan, S.AMENDMENT, note="Оновлення переліку проєктів")
    second = current_version(plan)
    assert second.number == 2
    assert second.sections.get(code="vision").body_uk == version.sections.get(code="vision").body_uk
    assert second.goal_nodes.count() == version.goal_nodes.count() == 4
    assert not can(editor, Action.EDIT, version)
    assert can(editor, Action.EDIT, second)

    plan = move(editor, plan, S.DRAFT)
    Section.objects.filter(plan_version=second, code="projects").update(body_uk="<p>Новий перелік проєктів</p>")
    GoalNode.objects.filter(plan_version=second, level="task").update(text_uk="Облаштувати два укриття")
    participation_dates_set(
        acting_user=editor, plan=plan, consultation_starts_on=day, consultation_ends_on=day + 9 * DAY
    )
    plan = move(coordinator, plan, S.CONSULTATION)
    day = freeze_today(monkeypatch, day + 12 * DAY)
    plan = plan_adopt(
        acting_user=editor,
        plan=plan,
        expected_version=plan.version,
        adopting_body=AdoptingBody.COUNCIL,
        act_number="7/45",
        act_date=day,
        act_document=pdf_upload(),
    )
    second.refresh_from_db()
    version.refresh_from_db()
    assert plan.state == S.ADOPTED
    assert plan.public_version == second
    assert second.is_frozen
    # Version 1 is unchanged: its text, its tree and its act.
    assert version.act_number == "112-р"
    assert version.sections.get(code="projects").body_uk == "<p>Текст розділу projects</p>"
    assert version.goal_nodes.get(level="task").text_uk == "Облаштувати укриття"

    history = [(step.from_state, step.to_state) for step in transition_history(plan)]
    assert history[0] == (S.CONSULTATION, S.ADOPTED)
    assert history[-1] == (S.SCOPING, S.SITUATION_ANALYSIS)
    assert len(history) == 13
    path = {step.state: step.status for step in workflow_path(plan)}
    assert path[S.ADOPTED] == "current"
    assert path[S.MONITORED] == "next"
    assert path[S.SCOPING] == "done"


def test_comprehensive_recovery_programme_to_registration(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    day = freeze_today(monkeypatch, datetime.date(2026, 3, 2))
    editor = world.editor
    plan = make_plan(world.hromada, programme=world.programme, plan_type=PlanType.COMPREHENSIVE_RECOVERY_PROGRAMME)
    version = current_version(plan)
    plan = move(editor, plan, S.WORKING_GROUP_FORMED, note="Рішення виконкому № 15")

    # Proposals are collected for at least 10 calendar days, both ends counting.
    participation_dates_set(acting_user=editor, plan=plan, proposals_starts_on=day, proposals_ends_on=day + 8 * DAY)
    with pytest.raises(ValidationError) as error:
        move(editor, plan, S.PROPOSALS_COLLECTION)
    assert error.value.message_dict["target"] == [
        "The collection of proposals lasts 9 days; the minimum is 10 calendar days."
    ]
    participation_dates_set(acting_user=editor, plan=plan, proposals_ends_on=day + 9 * DAY)
    plan = move(editor, plan, S.PROPOSALS_COLLECTION)
    assert transition_problems(plan=plan, target=S.BASELINE_DATA_ANALYSIS, user=editor) == [
        "The collection of proposals runs until 11 March 2026."
    ]
    day = freeze_today(monkeypatch, day + 10 * DAY)
    plan = move(editor, plan, S.BASELINE_DATA_ANALYSIS)
    plan = move(editor, plan, S.DRAFTING)

    fill_sections(version)
    add_goal_tree(version)
    participation_dates_set(
        acting_user=editor, plan=plan, consultation_starts_on=day, consultation_ends_on=day + 29 * DAY
    )
    plan = move(editor, plan, S.PUBLIC_DISCUSSION)  # both may open a ПКВ's public discussion
    assert transition_problems(plan=plan, target=S.AGREEMENT, user=editor) == [
        "The public discussion runs until 10 April 2026."
    ]
    day = freeze_today(monkeypatch, day + 30 * DAY)
    plan = move(editor, plan, S.AGREEMENT)
    confirm_all_principles(world.coordinator, version)
    plan = plan_adopt(
        acting_user=editor,
        plan=plan,
        expected_version=plan.version,
        adopting_body=AdoptingBody.COUNCIL,
        act_number="33-12/VIII",
        act_date=day,
        act_document=pdf_upload(),
    )
    assert plan.state == S.APPROVED

    with pytest.raises(ValidationError) as error:
        move(editor, plan, S.REGISTERED)
    assert error.value.message_dict["target"] == ["Record the registration with its register number and date."]
    with pytest.raises(PermissionDenied):
        plan_register(
            acting_user=world.viewer,
            plan=plan,
            expected_version=plan.version,
            register_reference="ПКВ-01",
            registered_on=day,
        )
    with pytest.raises(ValidationError) as error:
        plan_register(
            acting_user=editor, plan=plan, expected_version=plan.version, register_reference="", registered_on=day - DAY
        )
    assert error.value.message_dict == {
        "register_reference": ["Give the number of the entry in the construction register."],
        "registered_on": ["The registration is dated 10 April 2026, before the approval on 11 April 2026."],
    }
    plan = plan_register(
        acting_user=editor,
        plan=plan,
        expected_version=plan.version,
        register_reference="RB01:1234-5678-9012",
        registered_on=day,
    )
    version.refresh_from_db()
    assert plan.state == S.REGISTERED
    assert (version.register_reference, version.registered_on) == ("RB01:1234-5678-9012", day)
    plan = move(editor, plan, S.IN_IMPLEMENTATION)
    assert [o.target for o in available_transitions(plan, editor)] == [S.AMENDMENT]
