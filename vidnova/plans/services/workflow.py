"""Moving a plan through its workflow: transitions and their guards, the public participation periods,
the principles checklist, adoption, registration and amendments.

The workflows themselves are data (vidnova.plans.workflow): which states, which transitions, who may
take each and which guards must hold. This module evaluates them. ``transition_problems`` lists every
reason a transition is refused now, in words a hromada secretary can act on, so the workflow page can
show why a step is not yet possible before anyone tries it; the services refuse with the same words.

Adoption freezes the version being worked on (``PlanVersion.adopted_at``); the access rules then refuse
every edit of it, and an amendment continues in a copy, the next version.
"""

from __future__ import annotations

import copy
import datetime
from collections import defaultdict
from collections.abc import Sequence
from functools import cached_property
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext

from vidnova.accounts.access import Action, AnyUser, require, roles_of
from vidnova.audit.services import diff, record, snapshot
from vidnova.core.concurrency import check_version
from vidnova.core.uploads import validate_upload
from vidnova.plans import catalogue, principles, text
from vidnova.plans import workflow as wf
from vidnova.plans.models import (
    AdoptingBody,
    GoalLevel,
    GoalNode,
    Plan,
    PlanState,
    PlanTransition,
    PlanVersion,
    PrincipleCheck,
    Section,
    SectionCode,
    description_of,
)
from vidnova.plans.selectors.plans import current_version
from vidnova.plans.services.plans import actor
from vidnova.plans.workflow import Transition, Workflow, workflow_for

MAX_NOTE_CHARS = 4000  # transition notes and amendment reasons
MAX_JUSTIFICATION_CHARS = 4000  # "a short justification" per principle
ACT_DOCUMENT_KINDS = frozenset({"pdf"})
# Guards checked with the data of a form rather than from the plan: plan_adopt and plan_register.
FORM_GUARDS = frozenset({wf.ADOPTING_ACT, wf.REGISTRATION})

PROPOSALS = "proposals"
CONSULTATION = "consultation"
DATE_FIELDS = ("proposals_starts_on", "proposals_ends_on", "consultation_starts_on", "consultation_ends_on")


def today() -> datetime.date:
    """Today in the project's time zone (tests replace it to move through a consultation)."""
    return timezone.localdate()


def long_date(day: datetime.date) -> str:
    """12 March 2026 / 12 березня 2026."""
    return formats.date_format(day, "j E Y")


# --- who may act ------------------------------------------------------------------------------


def may_take(user: AnyUser | None, plan: Plan, transition: Transition) -> bool:
    """Does ``transition.who`` include the user? ``None`` is the system (commands, the demo)."""
    if user is None:
        return True
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    roles = roles_of(user)
    if wf.PROGRAMME in transition.who and roles.is_programme_staff:
        return True
    return wf.HROMADA in transition.who and plan.hromada_id in roles.hromada_editor_of


def _role_problem(transition: Transition) -> str:
    if transition.who == wf.PROGRAMME_ONLY:
        if transition.target in {PlanState.CONSULTATION, PlanState.PUBLIC_DISCUSSION}:
            return gettext("Only programme coordinators may open the public consultation.")
        if transition.target in {PlanState.MONITORED, PlanState.MONITORING}:
            return gettext("Only programme coordinators may start monitoring.")
        return gettext("Only programme coordinators may take the step “%(step)s”.") % {
            "step": transition.display_label()
        }
    return gettext("Only editors of the hromada and programme coordinators may take the step “%(step)s”.") % {
        "step": transition.display_label()
    }


# --- guards -----------------------------------------------------------------------------------


def _period_texts(workflow: Workflow, period: str) -> dict[str, Any]:
    """The sentences about one participation period, whole so translators see them whole."""
    if period == PROPOSALS:
        return {
            "not_set": gettext("Set the dates of the collection of proposals first."),
            "too_short": lambda days: ngettext(
                "The collection of proposals lasts %(days)s day; the minimum is %(minimum)s calendar days.",
                "The collection of proposals lasts %(days)s days; the minimum is %(minimum)s calendar days.",
                days,
            ),
            "running": gettext("The collection of proposals runs until %(date)s."),
        }
    if workflow.consultation_state == PlanState.PUBLIC_DISCUSSION:
        return {
            "not_set": gettext("Set the dates of the public discussion first."),
            "too_short": lambda days: ngettext(
                "The public discussion lasts %(days)s day; the minimum is %(minimum)s calendar days.",
                "The public discussion lasts %(days)s days; the minimum is %(minimum)s calendar days.",
                days,
            ),
            "running": gettext("The public discussion runs until %(date)s."),
        }
    return {
        "not_set": gettext("Set the dates of the consultation first."),
        "too_short": lambda days: ngettext(
            "The consultation lasts %(days)s day; the minimum is %(minimum)s calendar days.",
            "The consultation lasts %(days)s days; the minimum is %(minimum)s calendar days.",
            days,
        ),
        "running": gettext("The consultation runs until %(date)s."),
    }


def period_days(starts_on: datetime.date, ends_on: datetime.date) -> int:
    """Calendar days of a period, both the first and the last day counting."""
    return (ends_on - starts_on).days + 1


class Checks:
    """The guards of one plan, evaluated on its working version; each table is read once, so the
    workflow page can ask about every transition without repeating queries."""

    def __init__(self, plan: Plan, version: PlanVersion | None = None) -> None:
        self.plan = plan
        self.workflow = workflow_for(plan.plan_type)
        if version is not None:
            self.version = version

    @cached_property
    def version(self) -> PlanVersion:
        return current_version(self.plan)

    @cached_property
    def sections(self) -> dict[str, Section]:
        return {section.code: section for section in Section.objects.filter(plan_version=self.version)}

    @cached_property
    def goal_levels(self) -> set[str]:
        """The levels present in the goal tree (nodes with text only)."""
        return {
            level
            for level, text_uk in GoalNode.objects.filter(plan_version=self.version).values_list("level", "text_uk")
            if text_uk.strip()
        }

    @cached_property
    def principle_checks(self) -> dict[str, PrincipleCheck]:
        return {check.principle: check for check in PrincipleCheck.objects.filter(plan_version=self.version)}

    # Each check returns the problems it finds: an empty list when the guard holds.

    def goal_tree(self) -> list[str]:
        has_vision = GoalLevel.VISION in self.goal_levels
        has_goal = GoalLevel.STRATEGIC_GOAL in self.goal_levels
        if has_vision and has_goal:
            return []
        if has_vision:
            return [gettext("The goal tree needs at least one strategic goal under the vision.")]
        if has_goal:
            return [gettext("The goal tree needs a vision above its strategic goals.")]
        return [gettext("The goal tree needs a vision and at least one strategic goal.")]

    def section_is_filled(self, code: str) -> bool:
        spec = catalogue.spec_for(code)
        if spec.goal_tree:
            return not self.goal_tree()
        section = self.sections.get(code)
        if section is None:
            return False
        if not text.is_empty(section.body_uk):
            return True
        return any(section.tables.get(table) for table in spec.tables)

    def empty_required_sections(self) -> list[str]:
        return [code for code in catalogue.required_codes(self.plan.plan_type) if not self.section_is_filled(code)]

    def required_sections(self, *, goal_tree_reported: bool = False) -> list[str]:
        empty = self.empty_required_sections()
        if goal_tree_reported:  # the goal tree's own message says what is missing there
            empty = [code for code in empty if not catalogue.spec_for(code).goal_tree]
        if not empty:
            return []
        return [
            gettext("Required sections are empty: %(sections)s.")
            % {"sections": ", ".join(str(SectionCode(code).label) for code in empty)}
        ]

    def period(self, period: str, *, opening: bool) -> list[str]:
        """Opening: the dates are set and long enough. Closing (not ``opening``): the period is long
        enough and has ended."""
        texts = _period_texts(self.workflow, period)
        starts_on: datetime.date | None = getattr(self.version, f"{period}_starts_on")
        ends_on: datetime.date | None = getattr(self.version, f"{period}_ends_on")
        if starts_on is None or ends_on is None:
            return [texts["not_set"]]
        problems: list[str] = []
        days = period_days(starts_on, ends_on)
        if days < wf.MINIMUM_PARTICIPATION_DAYS:
            problems.append(texts["too_short"](days) % {"days": days, "minimum": wf.MINIMUM_PARTICIPATION_DAYS})
        # A period that has already ended may be opened: hromadas often record a consultation held
        # before the plan was in Vidnova, and the next step then follows at once.
        if not opening and ends_on >= today():
            problems.append(texts["running"] % {"date": long_date(ends_on)})
        return problems

    def principles(self) -> list[str]:
        missing = [
            principle
            for principle in principles.PRINCIPLES
            if not (
                (check := self.principle_checks.get(principle.code)) is not None
                and check.is_met
                and check.justification_uk.strip()
            )
        ]
        if not missing:
            return []
        if len(missing) == len(principles.PRINCIPLES):
            return [
                gettext("None of the %(count)s principles is confirmed with a justification yet.")
                % {"count": len(missing)}
            ]
        return [
            gettext("Principles not yet confirmed with a justification: %(principles)s.")
            % {"principles": ", ".join(str(principle.label) for principle in missing)}
        ]

    def guard(self, name: str, transition: Transition) -> list[str]:
        if name == wf.REQUIRED_SECTIONS:
            return self.required_sections(goal_tree_reported=wf.GOAL_TREE in transition.guards)
        if name == wf.GOAL_TREE:
            return self.goal_tree()
        if name == wf.CONSULTATION_PERIOD:
            return self.period(CONSULTATION, opening=True)
        if name == wf.CONSULTATION_OVER:
            return self.period(CONSULTATION, opening=False)
        if name == wf.PROPOSALS_PERIOD:
            return self.period(PROPOSALS, opening=True)
        if name == wf.PROPOSALS_OVER:
            return self.period(PROPOSALS, opening=False)
        if name == wf.PRINCIPLES:
            return self.principles()
        if name in FORM_GUARDS:
            return []  # checked by plan_adopt / plan_register with the act or register entry given
        raise LookupError(f"Unknown workflow guard {name!r}")

    def problems(self, transition: Transition, user: AnyUser | None) -> list[str]:
        """Every reason ``transition`` is refused for ``user`` now: the role first, then each guard."""
        problems: list[str] = []
        if not may_take(user, self.plan, transition):
            problems.append(_role_problem(transition))
        for name in transition.guards:
            problems.extend(self.guard(name, transition))
        return problems


def _state_label(state: str) -> str:
    return str(PlanState(state).label) if state in PlanState.values else state


def _unreachable(plan: Plan, workflow: Workflow, target: str) -> str:
    if target not in workflow.states:
        return gettext("“%(target)s” is not a stage of a %(plan_type)s.") % {
            "target": _state_label(target),
            "plan_type": plan.get_plan_type_display(),
        }
    return gettext("A plan at the stage “%(state)s” cannot move to “%(target)s”.") % {
        "state": _state_label(plan.state),
        "target": _state_label(target),
    }


def transition_problems(*, plan: Plan, target: str, user: AnyUser | None) -> list[str]:
    """Every reason the move of ``plan`` to ``target`` is refused now (empty: it may be taken): not
    allowed from this stage, not allowed for this user's role, and each failing guard. The adopting act
    and the register entry are checked by plan_adopt and plan_register with the data given."""
    workflow = workflow_for(plan.plan_type)
    transition = workflow.find(plan.state, target)
    if transition is None:
        return [_unreachable(plan, workflow, target)]
    return Checks(plan).problems(transition, user)


# --- shared steps -----------------------------------------------------------------------------


def _lock(plan: Plan) -> Plan:
    return Plan.objects.select_for_update(of=("self",)).select_related("hromada", "programme").get(pk=plan.pk)


def _working_version(plan: Plan) -> PlanVersion:
    version = PlanVersion.objects.select_for_update().filter(plan=plan).order_by("-number").first()
    if version is None:  # plan_create always makes version 1
        raise ValidationError(gettext("This plan has no version to work on."))
    version.plan = plan
    return version


def _require_edit(acting_user: AnyUser | None, obj: Plan | PlanVersion | PrincipleCheck) -> None:
    if acting_user is not None:
        require(acting_user, Action.EDIT, obj, visible_with=Action.VIEW_PRIVATE)


def _require_editable(plan: Plan) -> None:
    workflow = workflow_for(plan.plan_type)
    if not workflow.is_editable(plan.state):
        raise ValidationError(
            gettext(
                "The plan is at the stage “%(state)s”: its adopted version is final. Start an amendment to change it."
            )
            % {"state": plan.get_state_display()}
        )


def _clean_note(value: str, *, field: str, required_message: str | None, errors: dict[str, list[str]]) -> str:
    value = (value or "").strip()
    if required_message is not None and not value:
        errors.setdefault(field, []).append(required_message)
    if len(value) > MAX_NOTE_CHARS:
        errors.setdefault(field, []).append(
            gettext("The text is %(length)s characters long; the limit is %(limit)s.")
            % {"length": len(value), "limit": MAX_NOTE_CHARS}
        )
    return value


def _enter_state(
    *,
    acting_user: AnyUser | None,
    plan: Plan,
    version: PlanVersion,
    target: str,
    note: str,
    action: str,
    changes: dict[str, list[Any]] | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    """Move the (locked) plan to ``target``, keep the step in the history and the audit log."""
    from_state = plan.state
    plan.state = target
    plan.save()
    PlanTransition.objects.create(
        plan=plan,
        plan_version=version,
        from_state=from_state,
        to_state=target,
        actor=actor(acting_user),
        note=note,
    )
    record(
        actor=actor(acting_user),
        action=action,
        target=plan,
        changes={"state": [from_state, target], **(changes or {})},
        data={"version": version.number, "note": note, **(data or {})},
        hromada=plan.hromada,
    )


# --- transitions ------------------------------------------------------------------------------


def plan_transition(
    *, acting_user: AnyUser | None, plan: Plan, target: str, expected_version: int | None, note: str = ""
) -> Plan:
    """Move the plan to ``target`` (``expected_version`` is the plan's version the person saw).

    Refused with a ValidationError listing every reason (under "target"; a missing note under
    "note"). Moving to the amendment stage starts an amendment with ``note`` as its reason; the
    adoption and registration stages are reached only through plan_adopt and plan_register.
    """
    if target == PlanState.AMENDMENT:
        version = _amendment_start(
            acting_user=acting_user, plan=plan, expected_version=expected_version, reason=note, reason_field="note"
        )
        return version.plan
    with transaction.atomic():
        plan = _lock(plan)
        _require_edit(acting_user, plan)
        check_version(plan, expected_version=expected_version)
        workflow = workflow_for(plan.plan_type)
        transition = workflow.find(plan.state, target)
        errors: dict[str, list[str]] = {}
        problems = transition_problems(plan=plan, target=target, user=acting_user)
        if transition is not None and FORM_GUARDS & set(transition.guards):
            if wf.REGISTRATION in transition.guards:
                problems.insert(0, gettext("Record the registration with its register number and date."))
            else:
                problems.insert(
                    0,
                    gettext(
                        "Record the adoption with the adopting body, the act's number and date and the signed act."
                    ),
                )
        if problems:
            errors["target"] = problems
        is_return = transition is not None and transition.is_return
        note = _clean_note(
            note,
            field="note",
            required_message=gettext("Say why the plan goes back: a note is required.") if is_return else None,
            errors=errors,
        )
        if errors:
            raise ValidationError(errors)
        assert transition is not None  # noqa: S101 - no problems means the transition exists
        _enter_state(
            acting_user=acting_user,
            plan=plan,
            version=_working_version(plan),
            target=target,
            note=note,
            action="plans.plan.transitioned",
        )
    return plan


# --- participation periods ----------------------------------------------------------------------


def period_is_open(plan: Plan, period: str) -> bool:
    """Can the dates of ``period`` still change? Until the plan leaves the period's stage (during an
    amendment the new version's periods are all ahead)."""
    workflow = workflow_for(plan.plan_type)
    state = workflow.proposals_state if period == PROPOSALS else workflow.consultation_state
    if state is None:
        return False
    if plan.state == PlanState.AMENDMENT:
        return True
    return workflow.states.index(PlanState(plan.state)) <= workflow.states.index(state)


def participation_dates_set(
    *,
    acting_user: AnyUser | None,
    plan: Plan,
    proposals_starts_on: datetime.date | None = None,
    proposals_ends_on: datetime.date | None = None,
    consultation_starts_on: datetime.date | None = None,
    consultation_ends_on: datetime.date | None = None,
) -> PlanVersion:
    """Set the dates of the collection of proposals (comprehensive recovery programmes) and of the
    public consultation on the version being worked on. A date left as None keeps its value. The
    dates of a period can change until the plan leaves that period's stage."""
    given = {
        "proposals_starts_on": proposals_starts_on,
        "proposals_ends_on": proposals_ends_on,
        "consultation_starts_on": consultation_starts_on,
        "consultation_ends_on": consultation_ends_on,
    }
    with transaction.atomic():
        plan = _lock(plan)
        version = _working_version(plan)
        _require_edit(acting_user, version)
        _require_editable(plan)
        workflow = workflow_for(plan.plan_type)
        errors: dict[str, list[str]] = {}
        before = snapshot(version, DATE_FIELDS)
        for period in (PROPOSALS, CONSULTATION):
            start_field, end_field = f"{period}_starts_on", f"{period}_ends_on"
            changed = [
                name
                for name in (start_field, end_field)
                if given[name] is not None and given[name] != getattr(version, name)
            ]
            if not changed:
                continue
            if period == PROPOSALS and workflow.proposals_state is None:
                errors[changed[0]] = [gettext("Only comprehensive recovery programmes have a collection of proposals.")]
                continue
            if not period_is_open(plan, period):
                message = (
                    gettext("The collection of proposals is over; its dates can no longer change.")
                    if period == PROPOSALS
                    else gettext("The consultation is over; its dates can no longer change.")
                )
                errors[changed[0]] = [message]
                continue
            for name in changed:
                setattr(version, name, given[name])
            starts_on, ends_on = getattr(version, start_field), getattr(version, end_field)
            if starts_on is not None and ends_on is not None and ends_on < starts_on:
                errors[end_field] = [gettext("The period must end on or after the day it starts.")]
        if errors:
            raise ValidationError(errors)
        changes = diff(before, snapshot(version, DATE_FIELDS))
        if changes:
            version.save(update_fields=[*DATE_FIELDS, "updated_at"])
            record(
                actor=actor(acting_user),
                action="plans.version.dates_set",
                target=version,
                changes=changes,
                data={"version": version.number},
                hromada=plan.hromada,
            )
    return version


# --- principles checklist ------------------------------------------------------------------------


def principle_check_update(
    *,
    acting_user: AnyUser | None,
    check: PrincipleCheck,
    expected_version: int,
    is_met: bool,
    justification_uk: str,
    justification_en: str = "",
) -> PrincipleCheck:
    """Confirm (or not) that the plan follows one principle, with a justification in Ukrainian (and
    optionally English). Confirming needs the Ukrainian justification."""
    fields = ["is_met", "justification_uk", "justification_en"]
    with transaction.atomic():
        check = (
            PrincipleCheck.objects.select_for_update(of=("self",))
            .select_related("plan_version__plan__hromada")
            .get(pk=check.pk)
        )
        _require_edit(acting_user, check)
        plan = check.plan_version.plan
        _require_editable(plan)
        check_version(check, expected_version=expected_version)
        justification_uk = (justification_uk or "").strip()
        justification_en = (justification_en or "").strip()
        errors: dict[str, list[str]] = {}
        if is_met and not justification_uk:
            errors["justification_uk"] = [gettext("Say in Ukrainian how the plan follows this principle.")]
        for name, value in (("justification_uk", justification_uk), ("justification_en", justification_en)):
            if len(value) > MAX_JUSTIFICATION_CHARS:
                errors.setdefault(name, []).append(
                    gettext("The justification is %(length)s characters long; the limit is %(limit)s.")
                    % {"length": len(value), "limit": MAX_JUSTIFICATION_CHARS}
                )
        if errors:
            raise ValidationError(errors)
        before = snapshot(check, fields)
        check.is_met = bool(is_met)
        check.justification_uk = justification_uk
        check.justification_en = justification_en
        check.updated_by = actor(acting_user)
        check.save()
        record(
            actor=actor(acting_user),
            action="plans.principle.updated",
            target=check,
            changes=diff(before, snapshot(check, fields)),
            data={"principle": check.principle, "version": check.plan_version.number},
            hromada=plan.hromada,
        )
    return check


# --- adoption and registration ---------------------------------------------------------------------


def _step_problems(
    plan: Plan, version: PlanVersion, user: AnyUser | None, *, guard: str
) -> tuple[Transition | None, list[str]]:
    """The transition from the plan's stage that carries ``guard`` (adoption or registration) and
    what stands in its way."""
    workflow = workflow_for(plan.plan_type)
    transition = next((t for t in workflow.transitions_from(plan.state) if guard in t.guards), None)
    if transition is None:
        if not any(guard in t.guards for t in workflow.transitions):
            return None, [
                gettext("A %(plan_type)s is not entered in the construction register.")
                % {"plan_type": plan.get_plan_type_display()}
            ]
        target = next(t.target for t in workflow.transitions if guard in t.guards)
        return None, [_unreachable(plan, workflow, target)]
    return transition, Checks(plan, version).problems(transition, user)


def plan_adopt(
    *,
    acting_user: AnyUser | None,
    plan: Plan,
    expected_version: int,
    adopting_body: str,
    act_number: str,
    act_date: datetime.date,
    act_document: File[Any] | None,
    note: str = "",
) -> Plan:
    """Record the adoption of the version being worked on by the council or the head of the military
    administration: the act, its number and date and the signed document (a PDF). The version is then
    frozen and becomes the plan's public version; the plan moves to its workflow's adoption stage."""
    with transaction.atomic():
        plan = _lock(plan)
        _require_edit(acting_user, plan)
        check_version(plan, expected_version=expected_version)
        version = _working_version(plan)
        transition, problems = _step_problems(plan, version, acting_user, guard=wf.ADOPTING_ACT)
        if version.is_frozen:
            problems.append(gettext("This version is already adopted."))
        errors: dict[str, list[str]] = {}
        if problems:
            errors[NON_FIELD_ERRORS] = problems
        if adopting_body not in AdoptingBody.values:
            errors["adopting_body"] = [
                gettext("Choose who adopted the plan: the hromada council or the head of the military administration.")
            ]
        act_number = (act_number or "").strip()
        if not act_number:
            errors["act_number"] = [gettext("Give the number of the act.")]
        elif len(act_number) > PlanVersion._meta.get_field("act_number").max_length:  # type: ignore[operator]
            errors["act_number"] = [gettext("The act number is too long.")]
        if act_date is None:
            errors["act_date"] = [gettext("Give the date of the act.")]
        elif act_date > today():
            errors["act_date"] = [gettext("The act is dated %(date)s, in the future.") % {"date": long_date(act_date)}]
        elif version.consultation_ends_on is not None and act_date <= version.consultation_ends_on:
            errors["act_date"] = [
                gettext(
                    "The act is dated %(date)s, but the consultation ran until %(end)s: a plan is adopted after "
                    "its consultation."
                )
                % {"date": long_date(act_date), "end": long_date(version.consultation_ends_on)}
            ]
        kind = None
        if act_document is None:
            errors["act_document"] = [gettext("Upload the signed act as a PDF.")]
        else:
            try:
                kind = validate_upload(act_document, allowed=ACT_DOCUMENT_KINDS)
            except ValidationError as error:
                errors["act_document"] = error.messages
        note = _clean_note(note, field="note", required_message=None, errors=errors)
        if errors:
            raise ValidationError(errors)
        assert transition is not None  # noqa: S101 - no problems means the transition exists
        assert act_document is not None  # noqa: S101 - checked above
        assert kind is not None  # noqa: S101 - set with the document

        version.adopting_body = adopting_body
        version.act_number = act_number
        version.act_date = act_date
        version.act_document.save(f"plan-{plan.pk}-v{version.number}-act.{kind.extension}", act_document, save=False)
        version.adopted_at = timezone.now()
        version.adopted_by = actor(acting_user)
        version.adopted_description = description_of(plan)
        version.save()
        previous_public = plan.public_version
        plan.public_version = version
        _enter_state(
            acting_user=acting_user,
            plan=plan,
            version=version,
            target=transition.target,
            note=note,
            action="plans.plan.adopted",
            changes={"public_version": [str(previous_public or ""), str(version)]},
            data={
                "adopting_body": adopting_body,
                "act_number": act_number,
                "act_date": act_date,
                "act_document": version.act_document.name,
            },
        )
    return plan


def plan_register(
    *,
    acting_user: AnyUser | None,
    plan: Plan,
    expected_version: int,
    register_reference: str,
    registered_on: datetime.date,
) -> Plan:
    """Record that an approved comprehensive recovery programme was entered in the Construction
    Activity Register (ЄДЕССБ): its number there and the date. The entry belongs to the adopted
    version; its content stays frozen."""
    with transaction.atomic():
        plan = _lock(plan)
        _require_edit(acting_user, plan)
        check_version(plan, expected_version=expected_version)
        version = _working_version(plan)
        transition, problems = _step_problems(plan, version, acting_user, guard=wf.REGISTRATION)
        if transition is not None and not version.is_frozen:
            problems.append(gettext("Record the approval before the registration."))
        errors: dict[str, list[str]] = {}
        if problems:
            errors[NON_FIELD_ERRORS] = problems
        register_reference = (register_reference or "").strip()
        if not register_reference:
            errors["register_reference"] = [gettext("Give the number of the entry in the construction register.")]
        elif len(register_reference) > PlanVersion._meta.get_field("register_reference").max_length:  # type: ignore[operator]
            errors["register_reference"] = [gettext("The register number is too long.")]
        if registered_on is None:
            errors["registered_on"] = [gettext("Give the date of registration.")]
        elif registered_on > today():
            errors["registered_on"] = [
                gettext("The registration is dated %(date)s, in the future.") % {"date": long_date(registered_on)}
            ]
        elif version.act_date is not None and registered_on < version.act_date:
            errors["registered_on"] = [
                gettext("The registration is dated %(date)s, before the approval on %(approved)s.")
                % {"date": long_date(registered_on), "approved": long_date(version.act_date)}
            ]
        if errors:
            raise ValidationError(errors)
        assert transition is not None  # noqa: S101 - checked above
        version.register_reference = register_reference
        version.registered_on = registered_on
        version.save(update_fields=["register_reference", "registered_on", "updated_at"])
        _enter_state(
            acting_user=acting_user,
            plan=plan,
            version=version,
            target=transition.target,
            note="",
            action="plans.plan.registered",
            data={"register_reference": register_reference, "registered_on": registered_on},
        )
    return plan


# --- amendments ---------------------------------------------------------------------------------


def _copy_goal_tree(source: PlanVersion, target: PlanVersion) -> None:
    """Copy the goal tree level by level, so every copy's parent exists before it; ``origin`` points
    at the node copied."""
    by_parent: dict[int | None, list[GoalNode]] = defaultdict(list)
    for node in GoalNode.objects.filter(plan_version=source).order_by("position", "pk"):
        by_parent[node.parent_id].append(node)
    copies: dict[int, GoalNode] = {}
    level: Sequence[GoalNode] = by_parent[None]
    while level:
        new_nodes = [
            GoalNode(
                plan_version=target,
                parent=copies[node.parent_id] if node.parent_id is not None else None,
                level=node.level,
                position=node.position,
                text_uk=node.text_uk,
                text_en=node.text_en,
                sdg_targets=list(node.sdg_targets),
                acquis_chapters=list(node.acquis_chapters),
                charter_articles=list(node.charter_articles),
                origin=node,
            )
            for node in level
        ]
        for old, new in zip(level, GoalNode.objects.bulk_create(new_nodes), strict=True):
            copies[old.pk] = new
        level = [child for node in level for child in by_parent[node.pk]]


def _copy_content(source: PlanVersion, target: PlanVersion) -> None:
    sections = {section.code: section for section in Section.objects.filter(plan_version=source)}
    Section.objects.bulk_create(
        Section(
            plan_version=target,
            code=spec.code,
            position=position,
            body_uk=sections[spec.code].body_uk if spec.code in sections else "",
            body_en=sections[spec.code].body_en if spec.code in sections else "",
            tables=copy.deepcopy(sections[spec.code].tables) if spec.code in sections else {},
            updated_by=sections[spec.code].updated_by if spec.code in sections else None,
        )
        for position, spec in enumerate(catalogue.SECTIONS, start=1)
    )
    _copy_goal_tree(source, target)
    checks = {check.principle: check for check in PrincipleCheck.objects.filter(plan_version=source)}
    codes = [principle.code for principle in principles.PRINCIPLES]
    codes += [code for code in checks if code not in principles.BY_CODE]
    PrincipleCheck.objects.bulk_create(
        PrincipleCheck(
            plan_version=target,
            principle=code,
            is_met=checks[code].is_met if code in checks else False,
            justification_uk=checks[code].justification_uk if code in checks else "",
            justification_en=checks[code].justification_en if code in checks else "",
            updated_by=checks[code].updated_by if code in checks else None,
        )
        for code in codes
    )


def _amendment_start(
    *, acting_user: AnyUser | None, plan: Plan, expected_version: int | None, reason: str, reason_field: str
) -> PlanVersion:
    with transaction.atomic():
        plan = _lock(plan)
        _require_edit(acting_user, plan)
        check_version(plan, expected_version=expected_version)
        source = _working_version(plan)
        errors: dict[str, list[str]] = {}
        problems = transition_problems(plan=plan, target=PlanState.AMENDMENT, user=acting_user)
        if not problems and not source.is_frozen:
            problems.append(gettext("Only an adopted version can be amended."))
        if problems:
            errors["target" if reason_field == "note" else NON_FIELD_ERRORS] = problems
        reason = _clean_note(
            reason,
            field=reason_field,
            required_message=gettext("Give the reason for the amendment."),
            errors=errors,
        )
        if errors:
            raise ValidationError(errors)
        new = PlanVersion.objects.create(plan=plan, number=source.number + 1, based_on=source, amendment_reason=reason)
        _copy_content(source, new)
        _enter_state(
            acting_user=acting_user,
            plan=plan,
            version=new,
            target=PlanState.AMENDMENT,
            note=reason,
            action="plans.plan.amendment_started",
            data={"based_on": source.number},
        )
        new.plan = plan
    return new


def amendment_start(*, acting_user: AnyUser | None, plan: Plan, expected_version: int, reason: str) -> PlanVersion:
    """Start amending an adopted plan: version n+1 copies the adopted version (sections with their
    text and tables, the goal tree with ``origin`` pointing at each copied node, the principles
    checklist) and the plan moves to the amendment stage. The adopted version stays public and frozen
    until the new one is adopted."""
    return _amendment_start(
        acting_user=acting_user, plan=plan, expected_version=expected_version, reason=reason, reason_field="reason"
    )
