"""The project lifecycle as data (domain.md 10.4): states in order, each mapped to DREAM
``statusDetails``/``status`` and OC4IDS ``projectStatus``, and the transitions allowed from each.

Hromada editors and programme staff move a project through preparation; only programme staff record
a funding decision (approved / refused) and an ex-post evaluation. Every transition needs a reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from vidnova.projects.models import ProjectState as S


@dataclass(frozen=True)
class StateMapping:
    dream_status_details: str | None
    dream_status: str
    oc4ids_status: str


MAPPING: dict[str, StateMapping] = {
    S.IDEA: StateMapping("initiated", "pending", "identification"),
    S.CONCEPT: StateMapping("defined", "pending", "identification"),
    S.APPRAISAL: StateMapping("appraisal", "pending", "preparation"),
    S.STRUCTURING: StateMapping("structuring", "pending", "preparation"),
    S.APPLIED: StateMapping("applied", "pending", "preparation"),
    S.APPROVED: StateMapping("approved", "active", "preparation"),
    S.REFUSED: StateMapping("refused", "unsuccessful", "cancelled"),
    S.IMPLEMENTATION: StateMapping("implementation", "active", "implementation"),
    S.COMPLETION: StateMapping(None, "complete", "completion"),
    S.EX_POST_EVALUATED: StateMapping(None, "complete", "completion"),  # 0.9.4 has no "completed"
    S.CANCELLED: StateMapping(None, "cancelled", "cancelled"),
}

# Forward steps and the way back for corrections; CANCELLED is reachable from every open state.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.IDEA: (S.CONCEPT, S.CANCELLED),
    S.CONCEPT: (S.APPRAISAL, S.IDEA, S.CANCELLED),
    S.APPRAISAL: (S.STRUCTURING, S.CONCEPT, S.CANCELLED),
    S.STRUCTURING: (S.APPLIED, S.APPRAISAL, S.CANCELLED),
    S.APPLIED: (S.APPROVED, S.REFUSED, S.STRUCTURING, S.CANCELLED),
    S.APPROVED: (S.IMPLEMENTATION, S.CANCELLED),
    S.REFUSED: (S.STRUCTURING, S.CANCELLED),
    S.IMPLEMENTATION: (S.COMPLETION, S.CANCELLED),
    S.COMPLETION: (S.EX_POST_EVALUATED,),
    S.EX_POST_EVALUATED: (),
    S.CANCELLED: (S.IDEA,),
}

# Steps that only programme staff may take (funding decisions and evaluation).
STAFF_ONLY: frozenset[tuple[str, str]] = frozenset(
    {(S.APPLIED, S.APPROVED), (S.APPLIED, S.REFUSED), (S.COMPLETION, S.EX_POST_EVALUATED)}
)
