"""Helpers the test_sections_* and test_compare* files share (no tests here): a plan with its
sections, adoption and a second version written straight to the models, so these tests depend only
on the sections code."""

from __future__ import annotations

import datetime

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import World
from vidnova.plans.models import AdoptingBody, Plan, PlanState, PlanVersion, Section
from vidnova.testing import factories


def new_plan(world: World, **kwargs: str) -> Plan:
    return factories.make_plan(world.hromada, programme=world.programme, **kwargs)


def version_of(plan: Plan, number: int | None = None) -> PlanVersion:
    versions = plan.versions.order_by("-number")
    version = versions.get(number=number) if number is not None else versions.first()
    assert version is not None
    return version


def section_of(plan: Plan, code: str = "profile", number: int | None = None) -> Section:
    return Section.objects.get(plan_version=version_of(plan, number), code=code)


def adopt(plan: Plan) -> PlanVersion:
    """Record the newest version as adopted: frozen, the plan public and in the adopted state."""
    version = version_of(plan)
    PlanVersion.objects.filter(pk=version.pk).update(
        adopted_at=timezone.now(),
        adopting_body=AdoptingBody.COUNCIL,
        act_number="12/3-VIII",
        act_date=datetime.date(2025, 6, 20),
    )
    Plan.objects.filter(pk=plan.pk).update(public_version=version, state=PlanState.ADOPTED)
    plan.refresh_from_db()
    version.refresh_from_db()
    return version


def amend(plan: Plan) -> PlanVersion:
    """Adopt the newest version and open the next one as a copy of it (state AMENDMENT)."""
    old = adopt(plan)
    new = PlanVersion.objects.create(plan=plan, number=old.number + 1, based_on=old, amendment_reason="Оновлення")
    Section.objects.bulk_create(
        Section(
            plan_version=new,
            code=section.code,
            position=section.position,
            body_uk=section.body_uk,
            body_en=section.body_en,
            tables=section.tables,
        )
        for section in old.sections.all()
    )
    Plan.objects.filter(pk=plan.pk).update(state=PlanState.AMENDMENT)
    plan.refresh_from_db()
    return new


def page_url(name: str, plan: Plan, code: str = "profile", **kwargs: object) -> str:
    return reverse(f"plans:{name}", kwargs={"pk": plan.pk, "code": code, **kwargs})


def english(client: Client) -> Client:
    client.cookies["vidnova_language"] = "en"
    return client
