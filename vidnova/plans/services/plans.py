"""Creating plans and changing their description (title, period, programme, higher-level documents)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from vidnova.accounts.access import Action, AnyUser, require
from vidnova.accounts.models import User
from vidnova.audit.services import record
from vidnova.plans import catalogue, principles
from vidnova.plans.models import Plan, PlanType, PlanVersion, PrincipleCheck, Section
from vidnova.plans.workflow import workflow_for
from vidnova.programmes.models import Participation, Programme
from vidnova.registry.models import Hromada


def actor(user: AnyUser | None) -> User | None:
    """The user to record in the audit log (None for the system: commands, the demo, tasks)."""
    return user if isinstance(user, User) else None


def check_programme(*, hromada: Hromada, programme: Programme | None) -> None:
    """A plan may only be reviewed by a programme the hromada takes part in."""
    if programme is not None and not Participation.objects.filter(phase__programme=programme, hromada=hromada).exists():
        raise ValidationError(
            {
                "programme": gettext("%(hromada)s does not take part in %(programme)s.")
                % {"hromada": hromada, "programme": programme}
            }
        )


def plan_create(
    *,
    acting_user: AnyUser | None,
    hromada: Hromada,
    plan_type: str,
    title_uk: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    title_en: str = "",
    programme: Programme | None = None,
    original_language: str = "uk",
    summary_uk: str = "",
    summary_en: str = "",
    summary_nl: str = "",
    is_demo: bool = False,
) -> Plan:
    """A new plan in its workflow's first state, with version 1, every section of the catalogue
    (empty) and an unchecked principles checklist."""
    with transaction.atomic():
        if acting_user is not None:
            require(acting_user, Action.EDIT, hromada, visible_with=Action.VIEW_PRIVATE)
        if plan_type not in PlanType.values:
            raise ValidationError({"plan_type": gettext("Choose a plan type from the list.")})
        check_programme(hromada=hromada, programme=programme)
        plan = Plan(
            hromada=hromada,
            programme=programme,
            plan_type=plan_type,
            title_uk=title_uk.strip(),
            title_en=title_en.strip(),
            summary_uk=summary_uk.strip(),
            summary_en=summary_en.strip(),
            summary_nl=summary_nl.strip(),
            starts_on=starts_on,
            ends_on=ends_on,
            original_language=original_language,
            state=workflow_for(plan_type).initial,
            created_by=actor(acting_user),
            is_demo=is_demo,
        )
        plan.full_clean()
        plan.save()
        version = PlanVersion.objects.create(plan=plan, number=1)
        Section.objects.bulk_create(
            Section(plan_version=version, code=spec.code, position=index)
            for index, spec in enumerate(catalogue.SECTIONS, start=1)
        )
        PrincipleCheck.objects.bulk_create(
            PrincipleCheck(plan_version=version, principle=principle.code) for principle in principles.PRINCIPLES
        )
        record(
            actor=actor(acting_user),
            action="plans.plan.created",
            target=plan,
            data={"plan_type": plan_type, "state": plan.state, "programme": str(programme or "")},
            hromada=hromada,
        )
    return plan
