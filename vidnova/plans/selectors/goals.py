"""The goal tree of a version, read in one query and numbered (1, 1.1, 1.1.1)."""

from __future__ import annotations

from dataclasses import dataclass, field

from vidnova.plans.models import GoalLevel, GoalNode, PlanVersion


@dataclass
class TreeNode:
    node: GoalNode
    code: str  # "" for the vision, then 1, 1.1, 1.1.1
    depth: int  # 0 for the vision and for strategic goals without a vision above them
    children: list[TreeNode] = field(default_factory=list)


def goal_tree(version: PlanVersion) -> list[TreeNode]:
    """The roots of the tree (normally the vision alone), children ordered by position.

    Strategic goals are numbered 1, 2, …; below them each level appends its position, so numbers stay
    right whatever is added, moved or removed.
    """
    nodes = list(GoalNode.objects.filter(plan_version=version).order_by("position", "pk"))
    by_parent: dict[int | None, list[GoalNode]] = {}
    for node in nodes:
        by_parent.setdefault(node.parent_id, []).append(node)

    def build(node: GoalNode, code: str, depth: int) -> TreeNode:
        tree_node = TreeNode(node=node, code=code, depth=depth)
        for index, child in enumerate(by_parent.get(node.pk, []), start=1):
            child_code = str(index) if node.level == GoalLevel.VISION or not code else f"{code}.{index}"
            tree_node.children.append(build(child, child_code, depth + 1))
        return tree_node

    roots: list[TreeNode] = []
    strategic_index = 0
    for root in by_parent.get(None, []):
        if root.level == GoalLevel.VISION:
            roots.append(build(root, "", 0))
        else:
            strategic_index += 1
            roots.append(build(root, str(strategic_index), 0))
    return roots


def flatten(tree: list[TreeNode]) -> list[TreeNode]:
    """Depth-first, in document order: for tables, exports and comparisons."""
    flat: list[TreeNode] = []

    def walk(items: list[TreeNode]) -> None:
        for item in items:
            flat.append(item)
            walk(item.children)

    walk(tree)
    return flat
