"""What every plan page shares: loading the plan with access applied, and the context the plan
layout (plans/base_plan.html and its tabs) needs."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from vidnova.accounts import access
from vidnova.accounts.access import Action
from vidnova.plans import selectors
from vidnova.plans.models import CommentThread, Plan, PlanVersion
from vidnova.plans.workflow import workflow_for


def load_plan(
    request: HttpRequest, pk: int, action: Action = Action.VIEW_PRIVATE, *, visible_with: Action = Action.VIEW_PRIVATE
) -> Plan:
    """The plan, or 404 for whoever may not see it (drafts: insiders only) and 403 for whoever may see
    it but not perform ``action``."""
    return access.get_for_user(
        request.user,
        Plan.objects.select_related("hromada", "programme", "public_version"),
        action,
        visible_with=visible_with,
        pk=pk,
    )


def plan_context(request: HttpRequest, plan: Plan, version: PlanVersion | None = None, *, tab: str) -> dict[str, Any]:
    """The context of plans/base_plan.html: the plan, the version shown, what the user may do, and
    the tab to highlight (overview, sections, goals, workflow, comments, translation, exports)."""
    version = version or selectors.current_version(plan)
    user = request.user
    workflow = workflow_for(plan.plan_type)
    can_edit = access.can(user, Action.EDIT, version)  # False for frozen versions
    return {
        "nav": "plans",
        "tab": tab,
        "plan": plan,
        "version": version,
        "workflow": workflow,
        "state_label": plan.get_state_display(),
        "can_view_private": access.can(user, Action.VIEW_PRIVATE, plan),
        "can_edit": can_edit and workflow.is_editable(plan.state),
        "can_comment": access.can(user, Action.COMMENT, plan),
        "open_comment_count": CommentThread.objects.filter(
            section__plan_version=version, resolved_at__isnull=True
        ).count()
        if access.can(user, Action.VIEW_PRIVATE, plan)
        else 0,
    }
