"""Helpers of the prioritisation tests (no tests here): project rows made directly with the ORM and a
round set up to the point a test needs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from vidnova.accounts.models import User
from vidnova.projects.models import (
    FinancingLine,
    PrioritisationRound,
    PriorityCriterion,
    Project,
    ProjectDocument,
)
from vidnova.projects.services import prioritisation as services
from vidnova.registry.models import Hromada

_counter = {"n": 0}


def make_project(
    hromada: Hromada,
    *,
    programme: Any = None,
    code: str | None = None,
    title: str | None = None,
    readiness: int = 0,
    project_type: str = "",
    cost: Decimal | None = Decimal(1000),
    local_share: Decimal | None = Decimal(200),
    dream_id: str = "",
    design: bool = False,
) -> Project:
    """A project with (optionally) a local-budget financing line of ``local_share`` UAH."""
    _counter["n"] += 1
    number = _counter["n"]
    project = Project.objects.create(
        hromada=hromada,
        programme=programme,
        code=code or f"PRIO-{number:04d}",
        title_uk=title or f"Проєкт {number}",
        readiness=readiness,
        project_type=project_type,
        cost=cost,
        currency="UAH",
        dream_id=dream_id,
    )
    if local_share is not None:
        FinancingLine.objects.create(
            project=project,
            finance_type="grant",
            finance_category="localBudget",
            amount=local_share,
            currency="UAH",
            status="committed",
        )
    if design:
        ProjectDocument.objects.create(project=project, document_type="designDocument", title="Проєктна документація")
    return project


CRITERIA = [
    {"code": "reach", "name_uk": "Охоплення", "name_en": "Reach", "pillar": "soc_env", "weight": "2", "scale_max": 5},
    {"code": "cost", "name_uk": "Вартість", "name_en": "Cost", "pillar": "fin_eco", "weight": "1", "scale_max": 10},
]


@dataclass
class Setup:
    round: PrioritisationRound
    projects: list[Project]
    criteria: dict[str, PriorityCriterion]


def make_round(
    world: Any,
    *,
    projects: list[Project] | None = None,
    gates: dict[str, Any] | None = None,
    criteria: list[dict[str, Any]] | None = None,
    publish: bool = False,
    scorers: list[User] | None = None,
) -> Setup:
    round_ = services.round_create(
        acting_user=world.coordinator,
        programme=world.programme,
        name_uk="Пріоритизація",
        name_en="Prioritisation",
        gates=gates
        if gates is not None
        else {"security": True, "min_cofinancing": "10", "design_for_construction": True, "dream_duplicates": True},
    )
    created = services.criteria_set(acting_user=world.coordinator, round_=round_, criteria=criteria or CRITERIA)
    if projects is None:
        projects = [make_project(world.hromada, programme=world.programme) for _ in range(2)]
    services.projects_set(acting_user=world.coordinator, round_=round_, projects=projects)
    for user in scorers or []:
        services.scorer_add(acting_user=world.coordinator, round_=round_, user=user)
    if publish:
        round_ = services.round_publish(acting_user=world.coordinator, round_=round_)
    round_.refresh_from_db()
    return Setup(round_, projects, {c.code: c for c in created})


def score_all(
    world: Any, setup: Setup, user: User, values: dict[str, dict[str, Any]], conflicts: Sequence[Project] = ()
) -> None:
    """``user`` declares ``conflicts`` and scores: values[project code][criterion code]."""
    scorer = setup.round.scorers.get(user=user)
    services.conflict_declare(
        acting_user=user, scorer=scorer, projects=list(conflicts), note="родич" if conflicts else ""
    )
    by_code = {p.code: p for p in setup.projects}
    for code, scores in values.items():
        for criterion_code, value in scores.items():
            services.score_set(
                acting_user=user,
                scorer=scorer,
                project=by_code[code],
                criterion=setup.criteria[criterion_code],
                value=value,
                justification="Обґрунтування",
            )
