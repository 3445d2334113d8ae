"""An adopted plan keeps the title, summary and period it was adopted with: an amendment may rename or
re-date the plan, but the public page and the documents of the adopted version do not change."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from conftest import World
from vidnova.plans.documents import build_document
from vidnova.plans.models import AdoptingBody, Plan, PlanState
from vidnova.plans.services.plans import plan_update
from vidnova.plans.services.workflow import amendment_start, plan_adopt, plan_transition
from vidnova.plans.tests.test_workflow_helpers import freeze_today, pdf_upload, ready_to_adopt
from vidnova.testing.factories import make_plan


@pytest.fixture
def amended(world: World, monkeypatch: pytest.MonkeyPatch) -> Plan:
    today = freeze_today(monkeypatch)
    plan = make_plan(world.hromada, programme=world.programme, state=PlanState.CONSULTATION, title_uk="План 2025")
    ready_to_adopt(plan, today)
    plan.refresh_from_db()
    plan = plan_adopt(
        acting_user=world.coordinator,
        plan=plan,
        expected_version=plan.version,
        adopting_body=AdoptingBody.COUNCIL,
        act_number="7/1",
        act_date=today,
        act_document=pdf_upload(),
    )
    amendment_start(acting_user=world.editor, plan=plan, expected_version=plan.version, reason="Нові потреби")
    plan.refresh_from_db()
    plan_transition(acting_user=world.editor, plan=plan, target=PlanState.DRAFT, expected_version=plan.version)
    plan.refresh_from_db()
    return plan_update(
        acting_user=world.editor,
        plan=plan,
        expected_version=plan.version,
        title_uk="План 2026",
        title_en="Plan 2026",
        summary_uk="Оновлений план",
        summary_en="",
        summary_nl="",
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2030, 12, 31),
        programme=plan.programme,
        original_language=plan.original_language,
    )


def test_the_adopted_version_keeps_its_description(amended: Plan) -> None:
    adopted = amended.versions.get(number=1)
    assert adopted.adopted_description["title_uk"] == "План 2025"
    described = adopted.described_plan()
    assert (described.title_uk, described.starts_on) == ("План 2025", datetime.date(2025, 1, 1))
    assert amended.title_uk == "План 2026"  # the plan itself moved on
    working = amended.versions.get(number=2)
    assert working.described_plan().title_uk == "План 2026"


def test_public_page_and_document_show_the_adopted_title(amended: Plan, clients: dict[str, Client]) -> None:
    page = clients["anonymous"].get(reverse("plans:plan-public", args=[amended.pk])).content.decode()
    assert "План 2025" in page
    assert "План 2026" not in page
    assert build_document(amended.versions.get(number=1), language="uk").title == "План 2025"
    assert build_document(amended.versions.get(number=2), language="uk").title == "План 2026"
