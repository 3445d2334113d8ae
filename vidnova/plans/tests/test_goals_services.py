"""Goal-tree services: hierarchy, numbering after every change, tags, order and refusals."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from conftest import World
from vidnova.audit.models import AuditEntry
from vidnova.core.exceptions import EditConflict
from vidnova.plans.models import GoalLevel, GoalNode, Plan, PlanState, PlanVersion
from vidnova.plans.selectors.goals import flatten, goal_tree, level_counts, tag_overview
from vidnova.plans.services.goals import goal_create, goal_delete, goal_move, goal_reorder, goal_update
from vidnova.testing import factories

VISION, STRATEGIC, OPERATIONAL, TASK = (
    GoalLevel.VISION,
    GoalLevel.STRATEGIC_GOAL,
    GoalLevel.OPERATIONAL_GOAL,
    GoalLevel.TASK,
)


@pytest.fixture
def plan(world: World) -> Plan:
    plan: Plan = factories.make_plan(world.hromada, programme=world.programme)
    return plan


def _version(plan: Plan) -> PlanVersion:
    return plan.versions.get(number=1)


def _add(version: PlanVersion, parent: GoalNode | None, level: str, text: str, **kwargs: Any) -> GoalNode:
    return goal_create(acting_user=None, version=version, parent=parent, level=level, text_uk=text, **kwargs)


def _numbers(version: PlanVersion) -> list[tuple[str, str]]:
    return [(item.code, item.node.text_uk) for item in flatten(goal_tree(version))]


@pytest.fixture
def tree(plan: Plan) -> dict[str, GoalNode]:
    version = _version(plan)
    nodes: dict[str, GoalNode] = {}
    nodes["vision"] = _add(version, None, VISION, "Бачення")
    nodes["s1"] = _add(version, nodes["vision"], STRATEGIC, "Безпечна громада")
    nodes["s2"] = _add(version, nodes["vision"], STRATEGIC, "Економіка")
    nodes["o11"] = _add(version, nodes["s1"], OPERATIONAL, "Укриття")
    nodes["o12"] = _add(version, nodes["s1"], OPERATIONAL, "Розмінування")
    nodes["t111"] = _add(version, nodes["o11"], TASK, "Укриття в школах")
    nodes["t112"] = _add(version, nodes["o11"], TASK, "Укриття в лікарні")
    nodes["o21"] = _add(version, nodes["s2"], OPERATIONAL, "Малий бізнес")
    return nodes


def test_tree_is_numbered_automatically(plan: Plan, tree: dict[str, GoalNode]) -> None:
    assert _numbers(_version(plan)) == [
        ("", "Бачення"),
        ("1", "Безпечна громада"),
        ("1.1", "Укриття"),
        ("1.1.1", "Укриття в школах"),
        ("1.1.2", "Укриття в лікарні"),
        ("1.2", "Розмінування"),
        ("2", "Економіка"),
        ("2.1", "Малий бізнес"),
    ]
    counts = {count.level: count.count for count in level_counts(goal_tree(_version(plan)))}
    assert counts == {VISION: 1, STRATEGIC: 2, OPERATIONAL: 3, TASK: 2}
    texts = [count.text for count in level_counts(goal_tree(_version(plan)))]
    assert texts == ["1 vision", "2 strategic goals", "3 operational goals", "2 tasks"]


def test_numbers_follow_moves(plan: Plan, tree: dict[str, GoalNode]) -> None:
    goal_move(acting_user=None, node=tree["s2"], direction="up")
    goal_move(acting_user=None, node=tree["t112"], direction="up")
    assert _numbers(_version(plan)) == [
        ("", "Бачення"),
        ("1", "Економіка"),
        ("1.1", "Малий бізнес"),
        ("2", "Безпечна громада"),
        ("2.1", "Укриття"),
        ("2.1.1", "Укриття в лікарні"),
        ("2.1.2", "Укриття в школах"),
        ("2.2", "Розмінування"),
    ]
    assert AuditEntry.objects.filter(action="plans.goal.moved").count() == 2


def test_numbers_close_up_after_a_deletion(plan: Plan, tree: dict[str, GoalNode]) -> None:
    goal_delete(acting_user=None, node=tree["t111"])
    goal_delete(acting_user=None, node=tree["o21"])
    goal_delete(acting_user=None, node=tree["s2"])
    assert _numbers(_version(plan)) == [
        ("", "Бачення"),
        ("1", "Безпечна громада"),
        ("1.1", "Укриття"),
        ("1.1.1", "Укриття в лікарні"),
        ("1.2", "Розмінування"),
    ]
    positions = list(GoalNode.objects.filter(parent=tree["o11"]).values_list("position", flat=True))
    assert positions == [1]  # dense again
    entry = AuditEntry.objects.filter(action="plans.goal.deleted").first()
    assert entry is not None
    assert entry.hromada == plan.hromada


def test_a_node_with_children_is_not_deleted(tree: dict[str, GoalNode]) -> None:
    with pytest.raises(ValidationError) as caught:
        goal_delete(acting_user=None, node=tree["o11"])
    assert caught.value.messages == ["This item has 2 items under it. Delete those first."]
    assert GoalNode.objects.filter(pk=tree["o11"].pk).exists()


def test_moving_past_the_edge_is_refused(tree: dict[str, GoalNode]) -> None:
    with pytest.raises(ValidationError, match="already the first"):
        goal_move(acting_user=None, node=tree["s1"], direction="up")
    with pytest.raises(ValidationError, match="already the last"):
        goal_move(acting_user=None, node=tree["s2"], direction="down")
    with pytest.raises(ValidationError):
        goal_move(acting_user=None, node=tree["s2"], direction="sideways")


@pytest.mark.parametrize(
    ("parent_key", "level", "message"),
    [
        ("vision", VISION, "The vision stands at the top of the tree"),
        ("s1", STRATEGIC, "A strategic goal goes under the vision or at the top"),
        ("vision", OPERATIONAL, "An operational goal goes under a strategic goal."),
        (None, OPERATIONAL, "An operational goal goes under a strategic goal."),
        ("s1", TASK, "A task goes under an operational goal."),
        ("t111", TASK, "A task goes under an operational goal."),
    ],
)
def test_levels_follow_the_hierarchy(
    plan: Plan, tree: dict[str, GoalNode], parent_key: str | None, level: str, message: str
) -> None:
    parent = tree[parent_key] if parent_key else None
    before = GoalNode.objects.count()
    with pytest.raises(ValidationError, match=message):
        _add(_version(plan), parent, level, "Не туди")
    assert GoalNode.objects.count() == before


def test_one_vision_per_version(plan: Plan, tree: dict[str, GoalNode]) -> None:
    with pytest.raises(ValidationError, match="already has a vision"):
        _add(_version(plan), None, VISION, "Друге бачення")


def test_strategic_goals_at_the_top_without_a_vision_are_numbered_on(plan: Plan) -> None:
    version = _version(plan)
    first = _add(version, None, STRATEGIC, "Перша")
    _add(version, None, STRATEGIC, "Друга")
    _add(version, first, OPERATIONAL, "Операційна")
    assert [code for code, _text in _numbers(version)] == ["1", "1.1", "2"]


def test_parent_from_another_plan_is_refused(plan: Plan, tree: dict[str, GoalNode], world: World) -> None:
    other = factories.make_plan(world.hromada, programme=world.programme)
    with pytest.raises(ValidationError, match="another version"):
        _add(other.versions.get(), tree["s1"], OPERATIONAL, "Чужа")


def test_text_uk_is_required_and_limited(plan: Plan) -> None:
    with pytest.raises(ValidationError) as caught:
        _add(_version(plan), None, VISION, "   ")
    assert caught.value.message_dict == {"text_uk": ["Write the text in Ukrainian."]}
    with pytest.raises(ValidationError, match="under 2000 characters"):
        _add(_version(plan), None, VISION, "я" * 2001)


def test_tags_are_validated_and_normalised(plan: Plan) -> None:
    node = _add(
        _version(plan),
        None,
        VISION,
        "Бачення",
        sdg_targets=["11.A", "1.1", "11.a"],
        acquis_chapters=["22", "5"],
        charter_articles=["p1", "4"],
    )
    node.refresh_from_db()
    assert node.sdg_targets == ["1.1", "11.a"]
    assert node.acquis_chapters == ["5", "22"]
    assert node.charter_articles == ["4", "P1"]


def test_unknown_tags_are_refused_by_name(plan: Plan) -> None:
    with pytest.raises(ValidationError) as caught:
        _add(
            _version(plan),
            None,
            VISION,
            "Бачення",
            sdg_targets=["11.3", "11.9"],
            acquis_chapters=["36"],
            charter_articles=["12"],
        )
    assert caught.value.message_dict == {
        "sdg_targets": ["SDG targets has no code 11.9."],
        "acquis_chapters": ["EU acquis chapters has no code 36."],
        "charter_articles": ["European Charter of Local Self-Government articles has no code 12."],
    }
    assert not GoalNode.objects.exists()


def test_update_changes_text_and_tags_and_is_audited(tree: dict[str, GoalNode]) -> None:
    node = tree["o11"]
    updated = goal_update(
        acting_user=None,
        node=node,
        expected_version=node.version,
        text_uk="Укриття для всіх",
        text_en="Shelters for everyone",
        sdg_targets=["11.5"],
        acquis_chapters=[],
        charter_articles=["4"],
    )
    assert updated.version == node.version + 1
    updated.refresh_from_db()
    assert (updated.text_en, updated.sdg_targets, updated.charter_articles) == (
        "Shelters for everyone",
        ["11.5"],
        ["4"],
    )
    entry = AuditEntry.objects.get(action="plans.goal.updated")
    assert entry.changes["text_uk"] == ["Укриття", "Укриття для всіх"]
    assert entry.changes["sdg_targets"] == [[], ["11.5"]]


def test_stale_update_raises_edit_conflict(tree: dict[str, GoalNode]) -> None:
    node = tree["o11"]
    arguments: dict[str, Any] = {"text_en": "", "sdg_targets": [], "acquis_chapters": [], "charter_articles": []}
    goal_update(acting_user=None, node=node, expected_version=node.version, text_uk="Перше", **arguments)
    with pytest.raises(EditConflict):
        goal_update(acting_user=None, node=node, expected_version=node.version, text_uk="Друге", **arguments)
    node.refresh_from_db()
    assert node.text_uk == "Перше"


def test_reorder_sets_the_given_order(plan: Plan, tree: dict[str, GoalNode]) -> None:
    goal_reorder(acting_user=None, parent=tree["s1"], ordered_ids=[tree["o12"].pk, tree["o11"].pk])
    assert [code for code, _text in _numbers(_version(plan))][:6] == ["", "1", "1.1", "1.2", "1.2.1", "1.2.2"]
    assert _numbers(_version(plan))[2] == ("1.1", "Розмінування")


def test_reorder_refuses_foreign_missing_or_repeated_ids(tree: dict[str, GoalNode]) -> None:
    o11, o12, o21 = tree["o11"].pk, tree["o12"].pk, tree["o21"].pk
    for ordered in ([o12, o21], [o12], [o11, o12, o21], [o11, o11], [o11, o12, 999999]):
        with pytest.raises(ValidationError, match="every item at this level exactly once"):
            goal_reorder(acting_user=None, parent=tree["s1"], ordered_ids=ordered)
    assert list(GoalNode.objects.filter(parent=tree["s1"]).values_list("pk", flat=True)) == [o11, o12]


def test_reorder_at_the_top_of_the_tree(plan: Plan) -> None:
    version = _version(plan)
    first = _add(version, None, STRATEGIC, "Перша")
    second = _add(version, None, STRATEGIC, "Друга")
    goal_reorder(acting_user=None, parent=None, version=version, ordered_ids=[second.pk, first.pk])
    assert _numbers(version) == [("1", "Друга"), ("2", "Перша")]


def test_access_viewer_and_expert_refused_outsider_not_found(
    world: World, plan: Plan, tree: dict[str, GoalNode]
) -> None:
    version = _version(plan)
    for user in (world.viewer, world.expert):
        with pytest.raises(PermissionDenied):
            goal_create(acting_user=user, version=version, parent=tree["s1"], level=OPERATIONAL, text_uk="Ні")
        with pytest.raises(PermissionDenied):
            goal_move(acting_user=user, node=tree["s2"], direction="up")
    with pytest.raises(Http404):
        goal_delete(acting_user=world.outsider, node=tree["t111"])
    created = goal_create(
        acting_user=world.editor, version=version, parent=tree["s1"], level=OPERATIONAL, text_uk="Так"
    )
    assert created.position == 3
    goal_move(acting_user=world.coordinator, node=created, direction="up")
    assert AuditEntry.objects.filter(action="plans.goal.created", actor=world.editor).exists()


def test_frozen_version_refused_with_403(world: World, plan: Plan, tree: dict[str, GoalNode]) -> None:
    version = _version(plan)
    PlanVersion.objects.filter(pk=version.pk).update(
        adopted_at=timezone.now(), adopting_body="council", act_number="1", act_date=timezone.now().date()
    )
    with pytest.raises(PermissionDenied):
        goal_update(
            acting_user=world.editor,
            node=tree["s1"],
            expected_version=tree["s1"].version,
            text_uk="Змінено",
            text_en="",
            sdg_targets=[],
            acquis_chapters=[],
            charter_articles=[],
        )
    with pytest.raises(PermissionDenied):
        goal_reorder(acting_user=world.coordinator, parent=tree["vision"], ordered_ids=[tree["s2"].pk, tree["s1"].pk])


def test_state_after_adoption_refused_with_a_reason(plan: Plan, tree: dict[str, GoalNode]) -> None:
    Plan.objects.filter(pk=plan.pk).update(state=PlanState.MONITORED)
    with pytest.raises(ValidationError, match="“monitored”, so its goal tree can no longer be changed"):
        goal_move(acting_user=None, node=tree["s2"], direction="up")
    with pytest.raises(ValidationError, match="Start an amendment"):
        _add(_version(plan), tree["s1"], OPERATIONAL, "Пізно")


def test_tag_overview_lists_codes_with_their_items(plan: Plan, tree: dict[str, GoalNode]) -> None:
    for key, targets in (("o11", ["11.5", "1.5"]), ("t111", ["11.5"])):
        node = tree[key]
        node.refresh_from_db()
        goal_update(
            acting_user=None,
            node=node,
            expected_version=node.version,
            text_uk=node.text_uk,
            text_en="",
            sdg_targets=targets,
            acquis_chapters=["27"] if key == "o11" else [],
            charter_articles=[],
        )
    overview = tag_overview(goal_tree(_version(plan)))
    assert [
        (scheme, [(use.tag.short, [item.code for item in use.items]) for use in uses]) for scheme, _n, uses in overview
    ] == [
        ("sdg_target", [("SDG 1.5", ["1.1"]), ("SDG 11.5", ["1.1", "1.1.1"])]),
        ("acquis_chapter", [("acquis ch. 27", ["1.1"])]),
    ]
