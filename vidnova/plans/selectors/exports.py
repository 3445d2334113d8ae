"""Reads for plan documents: which versions a person may export and which exports they may see.

Whoever may see a version may see and download its documents: insiders every version's, everyone
else (anonymous visitors included) those of adopted versions. Failed exports and who asked for an
export are internal: outsiders see neither.
"""

from __future__ import annotations

from django.db.models import QuerySet

from vidnova.accounts import access
from vidnova.accounts.access import Action, AnyUser
from vidnova.plans.models import ExportStatus, Plan, PlanExport, PlanVersion


def exportable_versions(user: AnyUser, plan: Plan) -> QuerySet[PlanVersion]:
    """The versions of ``plan`` the user may see (and so export), newest first."""
    versions = PlanVersion.objects.filter(plan=plan).select_related("plan").order_by("-number")
    if access.can(user, Action.VIEW_PRIVATE, plan):
        return versions
    return versions.filter(adopted_at__isnull=False)


def plan_exports(user: AnyUser, plan: Plan) -> QuerySet[PlanExport]:
    """The exports of ``plan`` the user may see, newest first, in a fixed number of queries."""
    exports = (
        PlanExport.objects.filter(plan_version__plan=plan)
        .select_related("plan_version", "plan_version__plan", "plan_version__plan__hromada", "requested_by")
        .order_by("-created_at", "-pk")
    )
    if access.can(user, Action.VIEW_PRIVATE, plan):
        return exports
    return exports.filter(plan_version__adopted_at__isnull=False).exclude(status=ExportStatus.FAILED)


def export_queryset() -> QuerySet[PlanExport]:
    """Exports with what their pages, downloads and access rules read."""
    return PlanExport.objects.select_related(
        "plan_version",
        "plan_version__plan",
        "plan_version__plan__hromada",
        "plan_version__plan__public_version",
        "requested_by",
    )


def may_see_internals(user: AnyUser, export: PlanExport) -> bool:
    """Whether the user may see who asked for an export and why it failed (insiders)."""
    return access.can(user, Action.VIEW_PRIVATE, export.plan_version.plan)


def is_in_progress(export: PlanExport) -> bool:
    return export.status in {ExportStatus.QUEUED, ExportStatus.RUNNING}
