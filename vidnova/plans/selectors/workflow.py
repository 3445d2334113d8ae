"""Reads for the workflow page and API: where a plan stands on its path, what can be done next and
why not yet, what happened before, and the versions with their adoption."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from vidnova.accounts.access import AnyUser
from vidnova.plans import principles
from vidnova.plans import workflow as wf
from vidnova.plans.models import Plan, PlanState, PlanTransition, PlanVersion, PrincipleCheck
from vidnova.plans.services.workflow import Checks
from vidnova.plans.workflow import Transition, workflow_for

DONE = "done"
CURRENT = "current"
NEXT = "next"
UPCOMING = "upcoming"
LOOP = "loop"  # the amendment stage: entered only when an adopted plan is amended

MOVE = "move"
RETURN = "return"
ADOPTION = "adoption"
REGISTRATION = "registration"
AMENDMENT = "amendment"


@dataclass(frozen=True)
class PathStep:
    number: int
    state: str
    label: str
    status: str  # done, current, next, upcoming or loop


@dataclass
class TransitionOption:
    """One step the plan can take from its stage, with every reason it cannot be taken now by the
    user asking (empty when it can)."""

    transition: Transition
    kind: str  # move, return, adoption, registration or amendment
    problems: list[str] = field(default_factory=list)

    @property
    def target(self) -> str:
        return str(self.transition.target)

    @property
    def target_label(self) -> str:
        return str(PlanState(self.transition.target).label)

    @property
    def label(self) -> str:
        return self.transition.display_label()

    @property
    def allowed(self) -> bool:
        return not self.problems

    @property
    def needs_note(self) -> bool:
        return self.transition.is_return or self.kind == AMENDMENT


def kind_of(transition: Transition) -> str:
    if wf.REGISTRATION in transition.guards:
        return REGISTRATION
    if wf.ADOPTING_ACT in transition.guards:
        return ADOPTION
    if transition.target == PlanState.AMENDMENT:
        return AMENDMENT
    if transition.is_return:
        return RETURN
    return MOVE


def workflow_path(plan: Plan) -> list[PathStep]:
    """Every stage of the plan's workflow in order, each marked done, current, next (a step forward
    from here), upcoming, or loop (the amendment stage while no amendment is open)."""
    workflow = workflow_for(plan.plan_type)
    current_index = workflow.states.index(PlanState(plan.state)) if plan.state in workflow.states else -1
    forward = {t.target for t in workflow.transitions_from(plan.state) if not t.is_return}
    steps = []
    for index, state in enumerate(workflow.states):
        if state == plan.state:
            status = CURRENT
        elif state in forward:
            status = NEXT
        elif state == PlanState.AMENDMENT:
            status = LOOP
        elif index < current_index:
            status = DONE
        else:
            status = UPCOMING
        steps.append(PathStep(number=index + 1, state=str(state), label=str(state.label), status=status))
    return steps


def available_transitions(plan: Plan, user: AnyUser, *, checks: Checks | None = None) -> list[TransitionOption]:
    """The transitions out of the plan's stage, forward steps first, each with its problems for
    ``user`` (the guards are read once for all of them)."""
    checks = checks or Checks(plan)
    workflow = workflow_for(plan.plan_type)
    options = [
        TransitionOption(transition=transition, kind=kind_of(transition), problems=checks.problems(transition, user))
        for transition in workflow.transitions_from(plan.state)
    ]
    return sorted(options, key=lambda option: option.transition.is_return)


def transition_history(plan: Plan) -> QuerySet[PlanTransition]:
    """Every change of stage, newest first, with who made it and on which version."""
    return (
        PlanTransition.objects.filter(plan=plan).select_related("actor", "plan_version").order_by("-created_at", "-pk")
    )


def versions(plan: Plan) -> QuerySet[PlanVersion]:
    """The plan's versions, newest first, with their adoption (act, registration) and origin."""
    return PlanVersion.objects.filter(plan=plan).select_related("adopted_by", "based_on").order_by("-number")


@dataclass
class PrincipleRow:
    code: str
    label: str
    check: PrincipleCheck | None


@dataclass
class PrincipleGroup:
    code: str
    label: str
    rows: list[PrincipleRow]


def principle_groups(version: PlanVersion) -> list[PrincipleGroup]:
    """The principles checklist of a version in the order of vidnova.plans.principles, by group."""
    checks = {check.principle: check for check in PrincipleCheck.objects.filter(plan_version=version)}
    groups: dict[str, PrincipleGroup] = {}
    for principle in principles.PRINCIPLES:
        group = groups.setdefault(
            principle.group,
            PrincipleGroup(code=principle.group, label=str(principles.GROUP_LABELS[principle.group]), rows=[]),
        )
        group.rows.append(
            PrincipleRow(code=principle.code, label=str(principle.label), check=checks.get(principle.code))
        )
    return list(groups.values())
