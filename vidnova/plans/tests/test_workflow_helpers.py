"""Helpers the workflow tests share: content that satisfies (or not) each guard, and signed acts.

No tests here. Content is written straight to the models so these tests do not depend on the
sections and goals services, which are tested in their own files.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from vidnova.plans import catalogue
from vidnova.plans.models import GoalLevel, GoalNode, Plan, PlanVersion, PrincipleCheck, Section
from vidnova.plans.selectors.plans import current_version
from vidnova.plans.services import workflow as workflow_services

# The smallest file every PDF reader opens: header, one empty page, cross-reference table, trailer.
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n170\n%%EOF\n"
)
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


def pdf_upload(name: str = "act.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def fill_sections(version: PlanVersion, *, except_codes: tuple[str, ...] = ()) -> None:
    """Ukrainian text in every required section of the plan type (the goals section excepted: it is
    filled by its goal tree)."""
    for code in catalogue.required_codes(version.plan.plan_type):
        if code in except_codes or catalogue.spec_for(code).goal_tree:
            continue
        Section.objects.filter(plan_version=version, code=code).update(body_uk=f"<p>Текст розділу {code}</p>")


def add_goal_tree(version: PlanVersion) -> dict[str, GoalNode]:
    """Vision → strategic goal 1 → operational goal 1.1 → task 1.1.1."""
    vision = GoalNode.objects.create(plan_version=version, level=GoalLevel.VISION, text_uk="Громада, де добре жити")
    goal = GoalNode.objects.create(
        plan_version=version,
        parent=vision,
        level=GoalLevel.STRATEGIC_GOAL,
        text_uk="Безпечна громада",
        sdg_targets=["11.1"],
    )
    operational = GoalNode.objects.create(
        plan_version=version, parent=goal, level=GoalLevel.OPERATIONAL_GOAL, text_uk="Укриття в школах"
    )
    task = GoalNode.objects.create(
        plan_version=version, parent=operational, level=GoalLevel.TASK, text_uk="Облаштувати укриття"
    )
    return {"vision": vision, "goal": goal, "operational": operational, "task": task}


def confirm_principles(version: PlanVersion, *, except_codes: tuple[str, ...] = ()) -> None:
    PrincipleCheck.objects.filter(plan_version=version).exclude(principle__in=except_codes).update(
        is_met=True, justification_uk="Враховано в цілях і проєктах."
    )


def set_consultation(version: PlanVersion, starts_on: datetime.date, ends_on: datetime.date) -> None:
    PlanVersion.objects.filter(pk=version.pk).update(consultation_starts_on=starts_on, consultation_ends_on=ends_on)


def ready_to_consult(plan: Plan, today: datetime.date) -> PlanVersion:
    """Content and dates that let the plan open its consultation on ``today`` (14 days from today)."""
    version = current_version(plan)
    fill_sections(version)
    add_goal_tree(version)
    set_consultation(version, today, today + datetime.timedelta(days=13))
    return version


def ready_to_adopt(plan: Plan, today: datetime.date) -> PlanVersion:
    """Content, principles and a consultation that ended yesterday."""
    version = current_version(plan)
    fill_sections(version)
    if not version.goal_nodes.exists():
        add_goal_tree(version)
    confirm_principles(version)
    set_consultation(version, today - datetime.timedelta(days=20), today - datetime.timedelta(days=1))
    return version


TODAY = datetime.date(2026, 3, 2)


def freeze_today(monkeypatch: pytest.MonkeyPatch, day: datetime.date = TODAY) -> datetime.date:
    """Make the workflow's "today" ``day`` (the guards compare the participation periods with it)."""
    monkeypatch.setattr(workflow_services, "today", lambda: day)
    return day
