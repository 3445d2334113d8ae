"""The goal tree of a version, read in one query and numbered (1, 1.1, 1.1.1)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import get_language, ngettext

from vidnova import classifications
from vidnova.plans.models import GoalLevel, GoalNode, PlanVersion

# The node fields holding tags, and the code list each is validated against.
TAG_FIELDS: tuple[tuple[str, str], ...] = (
    ("sdg_targets", classifications.SDG_TARGET),
    ("acquis_chapters", classifications.ACQUIS_CHAPTER),
    ("charter_articles", classifications.CHARTER_ARTICLE),
)


@dataclass(frozen=True)
class Tag:
    """One tag of a node as pages show it: a chip "SDG 11.3" with the full label as its title."""

    scheme: str
    code: str

    @property
    def short(self) -> str:
        return classifications.short_label(self.scheme, self.code)

    @property
    def label(self) -> str:
        return classifications.label(self.scheme, self.code)

    @property
    def label_en(self) -> str:
        entry = classifications.get(self.scheme, self.code)
        return entry.labels["en"] if entry is not None else self.code


@dataclass
class TreeNode:
    node: GoalNode
    code: str  # "" for the vision, then 1, 1.1, 1.1.1
    depth: int  # 0 for the vision and for strategic goals without a vision above them
    children: list[TreeNode] = field(default_factory=list)
    is_first: bool = False  # among its siblings (no "move up")
    is_last: bool = False  # among its siblings (no "move down")

    @property
    def tags(self) -> list[Tag]:
        return [Tag(scheme, code) for name, scheme in TAG_FIELDS for code in getattr(self.node, name) or []]

    @property
    def text_lang(self) -> str:
        """The language ``node.text`` is in (English pages show the English text where there is one)."""
        return "en" if (get_language() or "uk")[:2] != "uk" and self.node.text_en else "uk"

    @property
    def level_label(self) -> str:
        return str(self.node.get_level_display())


def goal_tree(version: PlanVersion) -> list[TreeNode]:
    """The roots of the tree (normally the vision alone), children ordered by position.

    Strategic goals are numbered 1, 2, … through the whole tree (under the vision or, where a plan
    has none, at the top); below them each level appends its position, so numbers stay right
    whatever is added, moved or removed.
    """
    nodes = list(GoalNode.objects.filter(plan_version=version).order_by("position", "pk"))
    by_parent: dict[int | None, list[GoalNode]] = {}
    for node in nodes:
        by_parent.setdefault(node.parent_id, []).append(node)
    strategic_index = 0

    def walk(siblings: list[GoalNode], parent_code: str, depth: int) -> list[TreeNode]:
        nonlocal strategic_index
        items: list[TreeNode] = []
        for index, node in enumerate(siblings, start=1):
            if node.level == GoalLevel.VISION:
                code = ""
            elif not parent_code:  # under the vision or at the top: numbered through the tree
                strategic_index += 1
                code = str(strategic_index)
            else:
                code = f"{parent_code}.{index}"
            item = TreeNode(node=node, code=code, depth=depth, is_first=index == 1, is_last=index == len(siblings))
            item.children = walk(by_parent.get(node.pk, []), code, depth + 1)
            items.append(item)
        return items

    return walk(by_parent.get(None, []), "", 0)


def flatten(tree: list[TreeNode]) -> list[TreeNode]:
    """Depth-first, in document order: for tables, exports and comparisons."""
    flat: list[TreeNode] = []

    def walk(items: list[TreeNode]) -> None:
        for item in items:
            flat.append(item)
            walk(item.children)

    walk(tree)
    return flat


def find(tree: list[TreeNode], node_id: int) -> TreeNode | None:
    """The numbered item of ``node_id`` in ``tree``."""
    return next((item for item in flatten(tree) if item.node.pk == node_id), None)


@dataclass(frozen=True)
class LevelCount:
    level: str
    text: str  # "3 strategic goals", translated
    count: int


def _count_text(level: str, count: int) -> str:
    if level == GoalLevel.VISION:
        text = ngettext("%(count)s vision", "%(count)s visions", count)
    elif level == GoalLevel.STRATEGIC_GOAL:
        text = ngettext("%(count)s strategic goal", "%(count)s strategic goals", count)
    elif level == GoalLevel.OPERATIONAL_GOAL:
        text = ngettext("%(count)s operational goal", "%(count)s operational goals", count)
    else:
        text = ngettext("%(count)s task", "%(count)s tasks", count)
    return text % {"count": count}


def level_counts(tree: list[TreeNode]) -> list[LevelCount]:
    """How many items of each level the tree has, in hierarchy order ("3 strategic goals")."""
    flat = flatten(tree)
    counts = []
    for level in GoalLevel:
        count = sum(1 for item in flat if item.node.level == level)
        counts.append(LevelCount(level.value, _count_text(level.value, count), count))
    return counts


@dataclass
class TagUse:
    """A tag and the numbered items carrying it (for the alignment overview)."""

    tag: Tag
    items: list[TreeNode] = field(default_factory=list)


def tag_overview(tree: list[TreeNode]) -> list[tuple[str, str, list[TagUse]]]:
    """Per code list (scheme, its name, uses): which codes the tree uses and on which items, in the
    list's own order. Empty lists are left out."""
    flat = flatten(tree)
    overview: list[tuple[str, str, list[TagUse]]] = []
    for name, scheme in TAG_FIELDS:
        uses: dict[str, TagUse] = {}
        for item in flat:
            for code in getattr(item.node, name) or []:
                uses.setdefault(code, TagUse(Tag(scheme, code))).items.append(item)
        if not uses:
            continue
        order = {entry.code: index for index, entry in enumerate(classifications.codes(scheme))}
        ordered = sorted(uses.values(), key=lambda use: order.get(use.tag.code, len(order)))
        overview.append((scheme, str(classifications.SCHEMES[scheme].name), ordered))
    return overview
