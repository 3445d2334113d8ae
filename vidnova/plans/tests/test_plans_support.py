"""Helpers the test_plans_* files share (no tests here): an adopted plan, an amendment, filled-in
content.

Content and adoption are written straight to the models, so these tests do not depend on the
sections, goals and workflow services, which are tested in their own files.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from vidnova.plans.models import AdoptingBody, GoalLevel, GoalNode, Plan, PlanState, PlanVersion, Section


def version_of(plan: Plan, number: int | None = None) -> PlanVersion:
    versions = plan.versions.order_by("-number")
    version = versions.get(number=number) if number is not None else versions.first()
    assert version is not None
    return version


def adopt(plan: Plan, *, state: str = PlanState.ADOPTED) -> PlanVersion:
    """Record the plan's newest version as adopted: frozen, and the plan public."""
    version = version_of(plan)
    PlanVersion.objects.filter(pk=version.pk).update(
        adopted_at=timezone.now(),
        adopting_body=AdoptingBody.COUNCIL,
        act_number="12/3-VIII",
        act_date=datetime.date(2025, 6, 20),
    )
    Plan.objects.filter(pk=plan.pk).update(public_version=version, state=state)
    plan.refresh_from_db()
    version.refresh_from_db()
    return version


def open_amendment(plan: Plan) -> PlanVersion:
    """A new working version after the adopted one (what amendment_start does, reduced to the rows
    these tests read): every section copied, state AMENDMENT."""
    adopted = version_of(plan)
    version = PlanVersion.objects.create(
        plan=plan, number=adopted.number + 1, based_on=adopted, amendment_reason="Нові проєкти"
    )
    Section.objects.bulk_create(
        Section(
            plan_version=version,
            code=section.code,
            position=section.position,
            body_uk=section.body_uk,
            body_en=section.body_en,
            tables=section.tables,
        )
        for section in adopted.sections.all()
    )
    Plan.objects.filter(pk=plan.pk).update(state=PlanState.AMENDMENT)
    plan.refresh_from_db()
    return version


def write(
    version: PlanVersion, code: str, *, uk: str = "", en: str = "", tables: dict[str, Any] | None = None
) -> Section:
    section = version.sections.get(code=code)
    section.body_uk, section.body_en = uk, en
    if tables is not None:
        section.tables = tables
    section.save()
    return section


def goal_tree(version: PlanVersion) -> dict[str, GoalNode]:
    """Vision → strategic goal 1 (tagged) → operational goal 1.1 → task 1.1.1, plus strategic goal 2."""
    vision = GoalNode.objects.create(
        plan_version=version, level=GoalLevel.VISION, text_uk="Громада, де добре жити", text_en="A good place to live"
    )
    goal = GoalNode.objects.create(
        plan_version=version,
        parent=vision,
        level=GoalLevel.STRATEGIC_GOAL,
        position=1,
        text_uk="Безпечна громада",
        text_en="A safe hromada",
        sdg_targets=["11.1"],
        acquis_chapters=["22"],
        charter_articles=["4"],
    )
    operational = GoalNode.objects.create(
        plan_version=version, parent=goal, level=GoalLevel.OPERATIONAL_GOAL, text_uk="Укриття в школах"
    )
    task = GoalNode.objects.create(
        plan_version=version,
        parent=operational,
        level=GoalLevel.TASK,
        text_uk="Облаштувати укриття",
        text_en="Equip the shelters",
    )
    second = GoalNode.objects.create(
        plan_version=version,
        parent=vision,
        level=GoalLevel.STRATEGIC_GOAL,
        position=2,
        text_uk="Робочі місця",
        text_en="Jobs",
    )
    return {"vision": vision, "goal": goal, "operational": operational, "task": task, "second": second}
