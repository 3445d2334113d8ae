"""The three plan workflows as data (domain.md 10.3): states in order, allowed transitions, who may
take each, and the guards checked before it is taken.

Services (vidnova.plans.services.workflow) evaluate the guards and refuse a transition with the
reason; pages list the transitions a user may take from here. Nothing else decides.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vidnova.plans.models import PlanState, PlanType

S = PlanState

# Who may take a transition: editors of the plan's hromada, programme coordinators and
# administrators. (Superusers may do everything, as everywhere.)
HROMADA = "hromada"
PROGRAMME = "programme"
BOTH = frozenset({HROMADA, PROGRAMME})
PROGRAMME_ONLY = frozenset({PROGRAMME})

# Guards, checked by the workflow service before a transition is taken.
REQUIRED_SECTIONS = "required_sections"  # every required section has text in Ukrainian
GOAL_TREE = "goal_tree"  # a vision and at least one strategic goal
CONSULTATION_PERIOD = "consultation_period"  # consultation dates set and at least the minimum length
CONSULTATION_OVER = "consultation_over"  # the consultation period has ended
PROPOSALS_PERIOD = "proposals_period"  # proposal collection dates set and at least the legal minimum
PROPOSALS_OVER = "proposals_over"  # the proposal collection period has ended
PRINCIPLES = "principles"  # every principle confirmed with a justification
ADOPTING_ACT = "adopting_act"  # body, number, date and signed document given (plan_adopt)
REGISTRATION = "registration"  # construction register number and date given (plan_register)

# Legal minimum for the collection of proposals on a comprehensive recovery programme (CMU Res. 1159,
# "at least 10 calendar days"); the programme applies the same minimum to every public consultation.
MINIMUM_PARTICIPATION_DAYS = 10


@dataclass(frozen=True)
class Transition:
    source: PlanState
    target: PlanState
    who: frozenset[str]
    label: Promise | None  # None: "Move on to <state>"
    guards: tuple[str, ...] = ()
    is_return: bool = False  # sends the plan back a step (shown apart, needs a note)

    def display_label(self) -> str:
        if self.label is not None:
            return str(self.label)
        return gettext("Move on to “%(state)s”") % {"state": self.target.label}


@dataclass(frozen=True)
class Workflow:
    plan_type: PlanType
    states: tuple[PlanState, ...]  # in order; the first is the initial state
    transitions: tuple[Transition, ...]
    adoption_state: PlanState  # entering it freezes the version
    consultation_state: PlanState  # public consultation or discussion of the draft
    drafting_state: PlanState  # where an amendment's new version starts drafting
    proposals_state: PlanState | None = None  # ПКВ: collection of proposals

    @property
    def initial(self) -> PlanState:
        return self.states[0]

    def transitions_from(self, state: str) -> list[Transition]:
        return [transition for transition in self.transitions if transition.source == state]

    def find(self, source: str, target: str) -> Transition | None:
        return next((t for t in self.transitions if t.source == source and t.target == target), None)

    def is_editable(self, state: str) -> bool:
        """Sections and goals can be edited in every state before adoption and during an amendment's
        drafting; the adopted version itself is frozen whatever the state."""
        return state not in self.post_adoption_states

    @property
    def post_adoption_states(self) -> frozenset[PlanState]:
        index = self.states.index(self.adoption_state)
        return frozenset(state for state in self.states[index:] if state != S.AMENDMENT)


def _forward(states: tuple[PlanState, ...], who: frozenset[str] = BOTH) -> list[Transition]:
    return [Transition(source, target, who, None) for source, target in itertools.pairwise(states)]


LOCAL_RECOVERY_PLAN = Workflow(
    plan_type=PlanType.LOCAL_RECOVERY_PLAN,
    states=(
        S.SCOPING,
        S.SITUATION_ANALYSIS,
        S.NEEDS_AND_PARTICIPATION,
        S.VISION_GOALS,
        S.PROJECT_IDEAS,
        S.PRIORITISATION,
        S.DRAFT,
        S.CONSULTATION,
        S.ADOPTED,
        S.MONITORED,
        S.AMENDMENT,
    ),
    transitions=(
        *_forward((S.SCOPING, S.SITUATION_ANALYSIS, S.NEEDS_AND_PARTICIPATION, S.VISION_GOALS)),
        Transition(S.VISION_GOALS, S.PROJECT_IDEAS, BOTH, _("Move on to project ideas"), (GOAL_TREE,)),
        *_forward((S.PROJECT_IDEAS, S.PRIORITISATION, S.DRAFT)),
        Transition(
            S.DRAFT,
            S.CONSULTATION,
            PROGRAMME_ONLY,
            _("Open the public consultation"),
            (REQUIRED_SECTIONS, GOAL_TREE, CONSULTATION_PERIOD),
        ),
        Transition(S.CONSULTATION, S.DRAFT, BOTH, _("Return to drafting"), is_return=True),
        Transition(
            S.CONSULTATION,
            S.ADOPTED,
            BOTH,
            _("Record the adoption"),
            (CONSULTATION_OVER, REQUIRED_SECTIONS, PRINCIPLES, ADOPTING_ACT),
        ),
        Transition(S.ADOPTED, S.MONITORED, PROGRAMME_ONLY, _("Start monitoring")),
        Transition(S.ADOPTED, S.AMENDMENT, BOTH, _("Start an amendment")),
        Transition(S.MONITORED, S.AMENDMENT, BOTH, _("Start an amendment")),
        Transition(S.AMENDMENT, S.DRAFT, BOTH, _("Move on to drafting")),
    ),
    adoption_state=S.ADOPTED,
    consultation_state=S.CONSULTATION,
    drafting_state=S.DRAFT,
)

COMPREHENSIVE_RECOVERY_PROGRAMME = Workflow(
    plan_type=PlanType.COMPREHENSIVE_RECOVERY_PROGRAMME,
    states=(
        S.INITIATED,
        S.WORKING_GROUP_FORMED,
        S.PROPOSALS_COLLECTION,
        S.BASELINE_DATA_ANALYSIS,
        S.DRAFTING,
        S.PUBLIC_DISCUSSION,
        S.AGREEMENT,
        S.APPROVED,
        S.REGISTERED,
        S.IN_IMPLEMENTATION,
        S.AMENDMENT,
    ),
    transitions=(
        Transition(S.INITIATED, S.WORKING_GROUP_FORMED, BOTH, _("Record the working group")),
        Transition(
            S.WORKING_GROUP_FORMED,
            S.PROPOSALS_COLLECTION,
            BOTH,
            _("Open the collection of proposals"),
            (PROPOSALS_PERIOD,),
        ),
        Transition(
            S.PROPOSALS_COLLECTION,
            S.BASELINE_DATA_ANALYSIS,
            BOTH,
            _("Close the collection of proposals"),
            (PROPOSALS_OVER,),
        ),
        Transition(S.BASELINE_DATA_ANALYSIS, S.DRAFTING, BOTH, _("Start drafting")),
        Transition(
            S.DRAFTING,
            S.PUBLIC_DISCUSSION,
            BOTH,
            _("Open the public discussion"),
            (REQUIRED_SECTIONS, GOAL_TREE, CONSULTATION_PERIOD),
        ),
        Transition(S.PUBLIC_DISCUSSION, S.DRAFTING, BOTH, _("Return to drafting"), is_return=True),
        Transition(S.PUBLIC_DISCUSSION, S.AGREEMENT, BOTH, _("Send for agreement"), (CONSULTATION_OVER,)),
        Transition(S.AGREEMENT, S.DRAFTING, BOTH, _("Return to drafting"), is_return=True),
        Transition(
            S.AGREEMENT,
            S.APPROVED,
            BOTH,
            _("Record the approval"),
            (REQUIRED_SECTIONS, PRINCIPLES, ADOPTING_ACT),
        ),
        Transition(S.APPROVED, S.REGISTERED, BOTH, _("Record the registration"), (REGISTRATION,)),
        Transition(S.REGISTERED, S.IN_IMPLEMENTATION, BOTH, _("Start implementation")),
        Transition(S.IN_IMPLEMENTATION, S.AMENDMENT, BOTH, _("Start an amendment")),
        Transition(S.AMENDMENT, S.DRAFTING, BOTH, _("Move on to drafting")),
    ),
    adoption_state=S.APPROVED,
    consultation_state=S.PUBLIC_DISCUSSION,
    drafting_state=S.DRAFTING,
    proposals_state=S.PROPOSALS_COLLECTION,
)

DEVELOPMENT_STRATEGY = Workflow(
    plan_type=PlanType.DEVELOPMENT_STRATEGY,
    states=(
        S.ORGANISATION_ACT,
        S.WORKING_GROUP,
        S.ANALYSIS,
        S.GOAL_TREE,
        S.PROJECT_PROPOSALS,
        S.DRAFT,
        S.PUBLIC_DISCUSSION,
        S.APPROVED,
        S.ACTION_PLAN,
        S.MONITORING,
        S.AMENDMENT,
    ),
    transitions=(
        *_forward((S.ORGANISATION_ACT, S.WORKING_GROUP, S.ANALYSIS, S.GOAL_TREE)),
        Transition(S.GOAL_TREE, S.PROJECT_PROPOSALS, BOTH, _("Move on to project proposals"), (GOAL_TREE,)),
        *_forward((S.PROJECT_PROPOSALS, S.DRAFT)),
        Transition(
            S.DRAFT,
            S.PUBLIC_DISCUSSION,
            BOTH,
            _("Open the public discussion"),
            (REQUIRED_SECTIONS, GOAL_TREE, CONSULTATION_PERIOD),
        ),
        Transition(S.PUBLIC_DISCUSSION, S.DRAFT, BOTH, _("Return to drafting"), is_return=True),
        Transition(
            S.PUBLIC_DISCUSSION,
            S.APPROVED,
            BOTH,
            _("Record the approval"),
            (CONSULTATION_OVER, REQUIRED_SECTIONS, PRINCIPLES, ADOPTING_ACT),
        ),
        Transition(S.APPROVED, S.ACTION_PLAN, BOTH, _("Move on to the action plan")),
        Transition(S.ACTION_PLAN, S.MONITORING, BOTH, _("Start monitoring")),
        Transition(S.APPROVED, S.AMENDMENT, BOTH, _("Start an amendment")),
        Transition(S.ACTION_PLAN, S.AMENDMENT, BOTH, _("Start an amendment")),
        Transition(S.MONITORING, S.AMENDMENT, BOTH, _("Start an amendment")),
        Transition(S.AMENDMENT, S.DRAFT, BOTH, _("Move on to drafting")),
    ),
    adoption_state=S.APPROVED,
    consultation_state=S.PUBLIC_DISCUSSION,
    drafting_state=S.DRAFT,
)

WORKFLOWS: dict[str, Workflow] = {
    workflow.plan_type.value: workflow
    for workflow in (LOCAL_RECOVERY_PLAN, COMPREHENSIVE_RECOVERY_PROGRAMME, DEVELOPMENT_STRATEGY)
}


def workflow_for(plan_type: str) -> Workflow:
    return WORKFLOWS[plan_type]
