"""Reads of plans for pages, the API and exports: permission-filtered, with a fixed number of queries."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from vidnova.accounts.access import AnyUser, roles_of
from vidnova.plans.models import Plan, PlanVersion


def plans_visible_to(user: AnyUser) -> QuerySet[Plan]:
    """Every plan the user may open: all of them for programme staff; otherwise the plans of their
    hromadas and of their organisations' programmes, plus every plan with an adopted version."""
    plans = Plan.objects.select_related("hromada", "programme", "public_version")
    if user.is_authenticated and user.is_active and user.is_superuser:
        return plans
    roles = roles_of(user)
    if roles.is_programme_staff:
        return plans
    return plans.filter(
        Q(public_version__isnull=False)
        | Q(hromada_id__in=roles.hromada_member_of)
        | Q(programme_id__in=roles.expert_programme_of)
    )


def current_version(plan: Plan) -> PlanVersion:
    """The version being worked on: the newest one (the adopted one when no amendment is open)."""
    return plan.versions.order_by("-number").select_related("plan").first()  # type: ignore[return-value]
