"""Access rules for plans and everything inside them, registered with vidnova.accounts.access.

* A plan is visible to the programme's staff, the members of its hromada and the partner experts of
  organisations taking part in its programme; once a version is adopted, everyone may read the plan's
  public page (``VIEW``), but drafts, comments and history stay private (``VIEW_PRIVATE``).
* Hromada editors and programme staff edit; the same plus partner experts comment; hromada viewers
  only read (403 on every write).
* An adopted (frozen) version refuses every edit: 403 for those who may otherwise edit.
"""

from __future__ import annotations

from typing import Any

from vidnova.accounts import access
from vidnova.accounts.access import Action, UserRoles


def plan_rule(roles: UserRoles, action: Action, plan: Any) -> bool:
    is_staff = roles.is_programme_staff
    is_editor = plan.hromada_id in roles.hromada_editor_of
    is_member = plan.hromada_id in roles.hromada_member_of
    is_expert = plan.programme_id is not None and plan.programme_id in roles.expert_programme_of
    insider = is_staff or is_member or is_expert
    if action == Action.VIEW:
        return insider or plan.public_version_id is not None
    if action == Action.VIEW_PRIVATE:
        return insider
    if action == Action.COMMENT:
        return is_staff or is_editor or is_expert
    if action == Action.EDIT:
        return is_staff or is_editor
    if action == Action.ADMINISTER:
        return roles.is_programme_admin
    return False


def version_rule(roles: UserRoles, action: Action, version: Any) -> bool:
    """An adopted version is public; a working version is as private as the plan's drafts."""
    plan = version.plan
    if action == Action.VIEW:
        return plan_rule(roles, Action.VIEW_PRIVATE, plan) or version.adopted_at is not None
    if action == Action.EDIT and version.adopted_at is not None:
        return False
    return plan_rule(roles, action, plan)


def _in_version_rule(roles: UserRoles, action: Action, obj: Any) -> bool:
    """Sections, goal nodes and principle checks follow their version."""
    return version_rule(roles, action, obj.plan_version)


def comment_thread_rule(roles: UserRoles, action: Action, thread: Any) -> bool:
    """Review comments are internal: never public, even on an adopted version."""
    plan = thread.section.plan_version.plan
    if action == Action.VIEW:
        return plan_rule(roles, Action.VIEW_PRIVATE, plan)
    if action in {Action.EDIT, Action.COMMENT}:
        return plan_rule(roles, Action.COMMENT, plan)
    return plan_rule(roles, action, plan)


def export_rule(roles: UserRoles, action: Action, export: Any) -> bool:
    """Exports of an adopted version are public documents; exports of drafts are not."""
    return version_rule(roles, action, export.plan_version)


def register() -> None:
    from vidnova.plans import models

    access.register_rule(models.Plan, plan_rule)
    access.register_rule(models.PlanVersion, version_rule)
    access.register_rule(models.Section, _in_version_rule)
    access.register_rule(models.GoalNode, _in_version_rule)
    access.register_rule(models.PrincipleCheck, _in_version_rule)
    access.register_rule(models.CommentThread, comment_thread_rule)
    access.register_rule(models.PlanExport, export_rule)
