"""Writing the goal tree of a plan version: vision → strategic goals → operational goals → tasks.

Every change locks the version's row first, so two people adding or moving items at once cannot give
two siblings the same position; positions among siblings are kept dense (1, 2, 3, …) and the numbers
people see (1, 1.1, 1.1.1) are computed from them (vidnova.plans.selectors.goals).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext, ngettext

from vidnova import classifications
from vidnova.accounts.access import Action, AnyUser, require
from vidnova.audit.services import diff, record, snapshot
from vidnova.core.concurrency import check_version
from vidnova.plans.models import GoalLevel, GoalNode, Plan, PlanVersion
from vidnova.plans.services.plans import actor
from vidnova.plans.workflow import workflow_for

MAX_TEXT_LENGTH = 2000  # characters per language; a goal is a sentence or two, not a section
AUDITED_FIELDS = ["text_uk", "text_en", "sdg_targets", "acquis_chapters", "charter_articles"]

# Which level may stand under which (None: at the top of the tree).
ALLOWED_PARENTS: dict[str, tuple[str | None, ...]] = {
    GoalLevel.VISION: (None,),
    GoalLevel.STRATEGIC_GOAL: (None, GoalLevel.VISION),
    GoalLevel.OPERATIONAL_GOAL: (GoalLevel.STRATEGIC_GOAL,),
    GoalLevel.TASK: (GoalLevel.OPERATIONAL_GOAL,),
}

# The level a new item under a parent of this level gets (None: the top of the tree).
CHILD_LEVEL: dict[str | None, str | None] = {
    GoalLevel.VISION: GoalLevel.STRATEGIC_GOAL,
    GoalLevel.STRATEGIC_GOAL: GoalLevel.OPERATIONAL_GOAL,
    GoalLevel.OPERATIONAL_GOAL: GoalLevel.TASK,
    GoalLevel.TASK: None,
}


def _hierarchy_message(level: str) -> str:
    messages: dict[str, str] = {
        GoalLevel.VISION: gettext("The vision stands at the top of the tree, not under another item."),
        GoalLevel.STRATEGIC_GOAL: gettext("A strategic goal goes under the vision or at the top of the tree."),
        GoalLevel.OPERATIONAL_GOAL: gettext("An operational goal goes under a strategic goal."),
        GoalLevel.TASK: gettext("A task goes under an operational goal."),
    }
    return messages[level]


def _lock_version(version: PlanVersion) -> PlanVersion:
    """The version's row, locked for the rest of the transaction: every change to one tree waits for
    the one before it."""
    return (
        PlanVersion.objects.select_for_update(of=("self",))
        .select_related("plan", "plan__hromada", "plan__programme", "plan__public_version")
        .get(pk=version.pk)
    )


def _lock_node(node: GoalNode, version: PlanVersion) -> GoalNode:
    locked = GoalNode.objects.select_for_update().get(pk=node.pk)
    locked.plan_version = version  # the locked version, with its plan (for the access rule)
    return locked


def _check_access(acting_user: AnyUser | None, obj: PlanVersion | GoalNode) -> None:
    if acting_user is not None:
        require(acting_user, Action.EDIT, obj, visible_with=Action.VIEW_PRIVATE)


def _check_editable(plan: Plan) -> None:
    if not workflow_for(plan.plan_type).is_editable(plan.state):
        raise ValidationError(
            gettext(
                "The plan is at the stage “%(state)s”, so its goal tree can no longer be changed. "
                "Start an amendment to change it."
            )
            % {"state": plan.get_state_display()}
        )


def _clean_text(text_uk: str, text_en: str) -> tuple[str, str]:
    errors: dict[str, str] = {}
    text_uk = (text_uk or "").strip()
    text_en = (text_en or "").strip()
    if not text_uk:
        errors["text_uk"] = gettext("Write the text in Ukrainian.")
    for name, text in (("text_uk", text_uk), ("text_en", text_en)):
        if len(text) > MAX_TEXT_LENGTH:
            errors[name] = gettext(
                "Keep it under %(limit)s characters (it has %(length)s): put details in the plan’s sections."
            ) % {"limit": MAX_TEXT_LENGTH, "length": len(text)}
    if errors:
        raise ValidationError(errors)
    return text_uk, text_en


def _clean_tags(
    sdg_targets: Sequence[str], acquis_chapters: Sequence[str], charter_articles: Sequence[str]
) -> dict[str, list[str]]:
    cleaned: dict[str, list[str]] = {}
    errors: dict[str, Any] = {}
    for name, scheme, values in (
        ("sdg_targets", classifications.SDG_TARGET, sdg_targets),
        ("acquis_chapters", classifications.ACQUIS_CHAPTER, acquis_chapters),
        ("charter_articles", classifications.CHARTER_ARTICLE, charter_articles),
    ):
        try:
            cleaned[name] = classifications.validate(scheme, values)
        except ValidationError as error:
            errors[name] = error
    if errors:
        raise ValidationError(errors)
    return cleaned


def _siblings(version: PlanVersion, parent_id: int | None) -> list[GoalNode]:
    return list(
        GoalNode.objects.select_for_update()
        .filter(plan_version=version, parent_id=parent_id)
        .order_by("position", "pk")
    )


def _renumber(siblings: list[GoalNode]) -> None:
    """Positions 1, 2, 3, … in the order given; only rows whose position changes are written."""
    changed = []
    for index, sibling in enumerate(siblings, start=1):
        if sibling.position != index:
            sibling.position = index
            changed.append(sibling)
    if changed:
        GoalNode.objects.bulk_update(changed, ["position"])


def goal_create(
    *,
    acting_user: AnyUser | None,
    version: PlanVersion,
    parent: GoalNode | None,
    level: str,
    text_uk: str,
    text_en: str = "",
    sdg_targets: Sequence[str] = (),
    acquis_chapters: Sequence[str] = (),
    charter_articles: Sequence[str] = (),
) -> GoalNode:
    """A new item at the end of its parent's children (or of the top of the tree)."""
    with transaction.atomic():
        version = _lock_version(version)
        _check_access(acting_user, version)
        plan = version.plan
        _check_editable(plan)
        if level not in GoalLevel.values:
            raise ValidationError({"level": gettext("Choose a level from the list.")})
        if parent is not None:
            parent = GoalNode.objects.filter(pk=parent.pk).first()
            if parent is None or parent.plan_version_id != version.pk:
                raise ValidationError({"parent": gettext("The item above belongs to another version of the plan.")})
        parent_level = parent.level if parent is not None else None
        if parent_level not in ALLOWED_PARENTS[level]:
            raise ValidationError({"parent" if parent is not None else "level": _hierarchy_message(level)})
        if level == GoalLevel.VISION and GoalNode.objects.filter(plan_version=version, level=GoalLevel.VISION).exists():
            raise ValidationError(
                {"level": gettext("This version already has a vision; change that one instead of adding another.")}
            )
        text_uk, text_en = _clean_text(text_uk, text_en)
        tags = _clean_tags(sdg_targets, acquis_chapters, charter_articles)
        last = GoalNode.objects.filter(plan_version=version, parent=parent).aggregate(last=Max("position"))["last"]
        node = GoalNode(
            plan_version=version,
            parent=parent,
            level=level,
            position=(last or 0) + 1,
            text_uk=text_uk,
            text_en=text_en,
            **tags,
        )
        node.full_clean()
        node.save()
        record(
            actor=actor(acting_user),
            action="plans.goal.created",
            target=node,
            changes=diff({}, snapshot(node, AUDITED_FIELDS)),
            data={"plan": plan.pk, "version": version.number, "level": level, "parent": parent.pk if parent else None},
            hromada=plan.hromada,
        )
    return node


def goal_update(
    *,
    acting_user: AnyUser | None,
    node: GoalNode,
    expected_version: int,
    text_uk: str,
    text_en: str,
    sdg_targets: Sequence[str],
    acquis_chapters: Sequence[str],
    charter_articles: Sequence[str],
) -> GoalNode:
    """Change an item's texts and tags. Raises EditConflict when it was saved after
    ``expected_version`` was read. (Level and place change only by adding, moving or deleting.)"""
    with transaction.atomic():
        version = _lock_version(node.plan_version)
        node = _lock_node(node, version)
        _check_access(acting_user, node)
        _check_editable(version.plan)
        check_version(node, expected_version=expected_version)
        text_uk, text_en = _clean_text(text_uk, text_en)
        tags = _clean_tags(sdg_targets, acquis_chapters, charter_articles)
        before = snapshot(node, AUDITED_FIELDS)
        node.text_uk = text_uk
        node.text_en = text_en
        node.sdg_targets = tags["sdg_targets"]
        node.acquis_chapters = tags["acquis_chapters"]
        node.charter_articles = tags["charter_articles"]
        node.full_clean()
        node.save()
        record(
            actor=actor(acting_user),
            action="plans.goal.updated",
            target=node,
            changes=diff(before, snapshot(node, AUDITED_FIELDS)),
            data={"plan": version.plan_id, "version": version.number, "level": node.level},
            hromada=version.plan.hromada,
        )
    return node


def goal_delete(*, acting_user: AnyUser | None, node: GoalNode) -> None:
    """Remove an item that has nothing under it; the items after it move up."""
    with transaction.atomic():
        version = _lock_version(node.plan_version)
        node = _lock_node(node, version)
        _check_access(acting_user, node)
        _check_editable(version.plan)
        children = GoalNode.objects.filter(parent=node).count()
        if children:
            raise ValidationError(
                ngettext(
                    "This item has %(count)s item under it. Delete that one first.",
                    "This item has %(count)s items under it. Delete those first.",
                    children,
                )
                % {"count": children}
            )
        record(
            actor=actor(acting_user),
            action="plans.goal.deleted",
            target=node,
            changes=diff(snapshot(node, AUDITED_FIELDS), {}),
            data={"plan": version.plan_id, "version": version.number, "level": node.level, "parent": node.parent_id},
            hromada=version.plan.hromada,
        )
        parent_id = node.parent_id
        node.delete()
        _renumber(_siblings(version, parent_id))


def goal_move(*, acting_user: AnyUser | None, node: GoalNode, direction: str) -> GoalNode:
    """Swap an item with the sibling before it ("up") or after it ("down")."""
    with transaction.atomic():
        version = _lock_version(node.plan_version)
        node = _lock_node(node, version)
        _check_access(acting_user, node)
        _check_editable(version.plan)
        if direction not in {"up", "down"}:
            raise ValidationError({"direction": gettext("Move an item up or down.")})
        siblings = _siblings(version, node.parent_id)
        index = next(i for i, sibling in enumerate(siblings) if sibling.pk == node.pk)
        target = index - 1 if direction == "up" else index + 1
        if not 0 <= target < len(siblings):
            message = (
                gettext("This item is already the first at its level.")
                if direction == "up"
                else gettext("This item is already the last at its level.")
            )
            raise ValidationError({"direction": message})
        before = [sibling.pk for sibling in siblings]
        siblings[index], siblings[target] = siblings[target], siblings[index]
        _renumber(siblings)
        record(
            actor=actor(acting_user),
            action="plans.goal.moved",
            target=node,
            data={
                "plan": version.plan_id,
                "version": version.number,
                "direction": direction,
                "before": before,
                "after": [sibling.pk for sibling in siblings],
            },
            hromada=version.plan.hromada,
        )
        node.position = target + 1
    return node


def goal_reorder(
    *,
    acting_user: AnyUser | None,
    parent: GoalNode | None,
    ordered_ids: Sequence[int],
    version: PlanVersion | None = None,
) -> None:
    """Put the items under ``parent`` in the order of ``ordered_ids``, which must name each of them
    exactly once. For the top of the tree pass ``parent=None`` and the ``version``."""
    with transaction.atomic():
        if parent is not None:
            version = _lock_version(parent.plan_version)
            parent = _lock_node(parent, version)
            _check_access(acting_user, parent)
        elif version is not None:
            version = _lock_version(version)
            _check_access(acting_user, version)
        else:
            raise ValueError("goal_reorder needs a parent or, for the top of the tree, the version")
        _check_editable(version.plan)
        siblings = _siblings(version, parent.pk if parent is not None else None)
        by_id = {sibling.pk: sibling for sibling in siblings}
        try:
            wanted = [int(value) for value in ordered_ids]
        except (TypeError, ValueError):
            wanted = []
        if len(wanted) != len(set(wanted)) or set(wanted) != set(by_id):
            raise ValidationError(
                {
                    "ordered_ids": gettext(
                        "The new order must list every item at this level exactly once, and nothing else. "
                        "Reload the page: someone may have changed the tree."
                    )
                }
            )
        before = [sibling.pk for sibling in siblings]
        _renumber([by_id[pk] for pk in wanted])
        record(
            actor=actor(acting_user),
            action="plans.goal.moved",
            target=parent if parent is not None else version,
            data={"plan": version.plan_id, "version": version.number, "before": before, "after": wanted},
            hromada=version.plan.hromada,
        )
