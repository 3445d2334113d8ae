"""Goal-tree pages: who sees and changes what, the forms, moving with and without JavaScript."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import World
from vidnova.audit.models import AuditEntry
from vidnova.plans.models import GoalLevel, GoalNode, Plan, PlanState, PlanVersion
from vidnova.plans.services.goals import goal_create
from vidnova.testing import factories

VISION, STRATEGIC, OPERATIONAL, TASK = (
    GoalLevel.VISION,
    GoalLevel.STRATEGIC_GOAL,
    GoalLevel.OPERATIONAL_GOAL,
    GoalLevel.TASK,
)
PARTIAL = {"X-Goal-Tree": "partial"}


@pytest.fixture
def english(clients: dict[str, Client]) -> dict[str, Client]:
    for client in clients.values():
        client.cookies["vidnova_language"] = "en"
    return clients


@pytest.fixture
def plan(world: World) -> Plan:
    plan: Plan = factories.make_plan(world.hromada, programme=world.programme)
    return plan


@pytest.fixture
def tree(plan: Plan) -> dict[str, GoalNode]:
    version = plan.versions.get()

    def add(parent: GoalNode | None, level: str, text: str, **kwargs: Any) -> GoalNode:
        return goal_create(acting_user=None, version=version, parent=parent, level=level, text_uk=text, **kwargs)

    nodes: dict[str, GoalNode] = {}
    nodes["vision"] = add(None, VISION, "Громада, де безпечно жити")
    nodes["s1"] = add(
        nodes["vision"],
        STRATEGIC,
        "Безпечна громада",
        sdg_targets=["11.5"],
        acquis_chapters=["22"],
        charter_articles=["4"],
    )
    nodes["s2"] = add(nodes["vision"], STRATEGIC, "Сильна економіка")
    nodes["o11"] = add(nodes["s1"], OPERATIONAL, "Укриття в кожній школі")
    nodes["t111"] = add(nodes["o11"], TASK, "Укриття в ліцеї №1")
    return nodes


def _url(plan: Plan, suffix: str = "") -> str:
    return f"/plans/{plan.pk}/goals/{suffix}"


def _text(response: Any) -> str:
    return str(response.content.decode())


# --- the tree page ---------------------------------------------------------------------------------


def test_tree_page_for_insiders_numbered_with_tags(
    english: dict[str, Client], plan: Plan, tree: dict[str, GoalNode]
) -> None:
    for persona in ("editor", "viewer", "expert", "coordinator", "admin"):
        response = english[persona].get(_url(plan))
        assert response.status_code == 200, persona
        text = _text(response)
        assert '<span class="goal-code">1.1.1</span>' in text
        assert "Укриття в ліцеї №1" in text
        assert "SDG 11.5" in text
        assert "acquis ch. 22" in text
        assert "Charter art. 4" in text
        assert "Alignment overview" in text


@pytest.mark.parametrize("persona", ["outsider", "anonymous"])
def test_tree_page_hidden_from_outsiders(
    clients: dict[str, Client], plan: Plan, tree: dict[str, GoalNode], persona: str
) -> None:
    assert clients[persona].get(_url(plan)).status_code == 404


def test_viewer_and_expert_see_no_edit_controls(
    english: dict[str, Client], plan: Plan, tree: dict[str, GoalNode]
) -> None:
    for persona in ("viewer", "expert"):
        text = _text(english[persona].get(_url(plan)))
        assert "Move up" not in text
        assert "goal-handle" not in text
        assert f"/plans/{plan.pk}/goals/new/" not in text
    text = _text(english["editor"].get(_url(plan)))
    assert "Move down" in text
    assert "goal-handle" in text
    assert "Add an operational goal" in text


def test_tree_page_costs_a_fixed_number_of_queries(
    english: dict[str, Client], plan: Plan, tree: dict[str, GoalNode], django_assert_max_num_queries: Callable[..., Any]
) -> None:
    version = plan.versions.get()
    for number in range(8):
        strategic = goal_create(
            acting_user=None, version=version, parent=tree["vision"], level=STRATEGIC, text_uk=f"Ціль {number}"
        )
        for sub in range(5):
            goal_create(
                acting_user=None,
                version=version,
                parent=strategic,
                level=OPERATIONAL,
                text_uk=f"Операційна {sub}",
                sdg_targets=["1.1"],
            )
    english["editor"].get(_url(plan))  # warm up the session and the roles
    with django_assert_max_num_queries(8):
        response = english["editor"].get(_url(plan))
    assert response.status_code == 200
    assert '<span class="goal-code">10.5</span>' in _text(response)


def test_empty_tree_invites_the_vision(english: dict[str, Client], plan: Plan) -> None:
    text = _text(english["editor"].get(_url(plan)))
    assert "The tree is empty" in text
    assert "Add the vision or a strategic goal" in text


def test_earlier_adopted_version_is_read_only(
    english: dict[str, Client], plan: Plan, tree: dict[str, GoalNode]
) -> None:
    version = plan.versions.get()
    PlanVersion.objects.filter(pk=version.pk).update(
        adopted_at=timezone.now(), adopting_body="council", act_number="7", act_date=timezone.now().date()
    )
    PlanVersion.objects.create(plan=plan, number=2, based_on=version)
    response = english["editor"].get(_url(plan, "?version=1"))
    assert response.status_code == 200
    text = _text(response)
    assert "This version is adopted and read-only." in text
    assert "Move up" not in text
    assert english["editor"].get(_url(plan, "?version=9")).status_code == 404
    assert english["editor"].get(_url(plan, "?version=x")).status_code == 404


# --- adding ----------------------------------------------------------------------------------------


def test_editor_adds_an_operational_goal_with_tags(
    english: dict[str, Client], plan: Plan, tree: dict[str, GoalNode]
) -> None:
    form = english["editor"].get(_url(plan, f"new/?parent={tree['s1'].pk}"))
    assert form.status_code == 200
    text = _text(form)
    assert "Add under 1" in text
    assert 'name="sdg_targets" value="11.a"' in text
    assert "Goal 11. Sustainable cities and communities" in text
    response = english["editor"].post(
        _url(plan, "new/"),
        {
            "parent": tree["s1"].pk,
            "level": OPERATIONAL,
            "text_uk": "Розмінування полів",
            "text_en": "Demining of fields",
            "sdg_targets": ["2.4", "15.3"],
            "acquis_chapters": ["11"],
        },
    )
    assert response.status_code == 302
    node = GoalNode.objects.get(text_uk="Розмінування полів")
    assert response["Location"] == f"/plans/{plan.pk}/goals/#goal-{node.pk}"
    assert (node.level, node.parent_id, node.position) == (OPERATIONAL, tree["s1"].pk, 2)
    assert node.sdg_targets == ["2.4", "15.3"]
    assert node.acquis_chapters == ["11"]


def test_unknown_tag_is_shown_as_a_form_error(
    english: dict[str, Client], plan: Plan, tree: dict[str, GoalNode]
) -> None:
    response = english["editor"].post(
        _url(plan, "new/"),
        {"parent": tree["s1"].pk, "level": OPERATIONAL, "text_uk": "Щось", "sdg_targets": ["11.3", "99.9"]},
    )
    assert response.status_code == 400
    text = _text(response)
    assert "SDG targets has no code 99.9." in text
    assert '<a href="#id_sdg_targets">' in text  # the summary links to the picker
    assert 'id="id_sdg_targets"' in text
    assert 'name="sdg_targets" value="11.3" id="id_sdg_targets_11_3" checked' in text  # the choice is kept
    assert not GoalNode.objects.filter(text_uk="Щось").exists()


def test_level_offered_follows_the_parent(english: dict[str, Client], plan: Plan, tree: dict[str, GoalNode]) -> None:
    text = _text(english["editor"].get(_url(plan, f"new/?parent={tree['o11'].pk}")))
    assert 'type="hidden" name="level" value="task"' in text
    response = english["editor"].get(_url(plan, f"new/?parent={tree['t111'].pk}"))
    assert response.status_code == 302  # nothing goes under a task
    # A level the parent does not allow is refused even if posted by hand.
    response = english["editor"].post(
        _url(plan, "new/"), {"parent": tree["o11"].pk, "level": STRATEGIC, "text_uk": "Ні"}
    )
    assert response.status_code == 400
    assert not GoalNode.objects.filter(text_uk="Ні").exists()


def test_missing_ukrainian_text_is_refused(english: dict[str, Client], plan: Plan, tree: dict[str, GoalNode]) -> None:
    response = english["editor"].post(
        _url(plan, "new/"), {"parent": tree["s1"].pk, "level": OPERATIONAL, "text_uk": ""}
    )
    assert response.status_code == 400
    assert "Please correct the following" in _text(response)


@pytest.mark.parametrize("persona", ["viewer", "expert"])
def test_read_only_members_cannot_add(
    clients: dict[str, Client], plan: Plan, tree: dict[str, GoalNode], persona: str
) -> None:
    assert clients[persona].get(_url(plan, "new/")).status_code == 403
    response = clients[persona].post(
        _url(plan, "new/"), {"parent": tree["s1"].pk, "level": OPERATIONAL, "text_uk": "Ні"}
    )
    assert response.status_code == 403
    assert not GoalNode.objects.filter(text_uk="Ні").exists()


def test_outsider_and_anonymous_cannot_add(clients: dict[str, Client], plan: Plan, tree: dict[str, GoalNode]) -> None:
    assert clients["outsider"].post(_url(plan, "new/"), {"level": STRATEGIC, "text_uk": "Ні"}).status_code == 404
    response = clients["anonymous"].post(_url(plan, "new/"), {"level": STRATEGIC, "text_uk": "Ні"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not GoalNode.objects.filter(text_uk="Ні").exists()


# --- editing ---------------------------------------------------------------------------------------


def test_coordinator_edits_an_item(english: dict[str, Client], plan: Plan, tree: dict[str, GoalNode]) -> None:
    node = tree["o11"]
    form = english["coordinator"].get(_url(plan, f"{node.pk}/edit/"))
    assert form.status_code == 200
    assert "Edit operational goal 1.1" in _text(form)
    response = english["coordinator"].post(
        _url(plan, f"{node.pk}/edit/"),
        {
            "version": node.version,
            "text_uk": "Укриття всюди",
            "text_en": "Shelters everywhere",
            "charter_articles": ["P1"],
        },
    )
    assert response.status_code == 302
    node.refresh_from_db()
    assert (node.text_uk, node.charter_articles) == ("Укриття всюди", ["P1"])
    assert AuditEntry.objects.filter(action="plans.goal.updated", actor__email="coordinator@example.org").exists()


def test_edit_conflict_shows_both_versions(english: dict[str, Client], plan: Plan, tree: dict[str, GoalNode]) -> None:
    node = tree["o11"]
    stale = node.version
    english["coordinator"].post(_url(plan, f"{node.pk}/edit/"), {"version": stale, "text_uk": "Перший запис"})
    response = english["editor"].post(_url(plan, f"{node.pk}/edit/"), {"version": stale, "text_uk": "Другий запис"})
    assert response.status_code == 409
    text = _text(response)
    assert "Someone else saved this item" in text
    assert "Перший запис" in text
    assert "Другий запис" in text
    node.refresh_from_db()
    assert node.text_uk == "Перший запис"


@pytest.mark.parametrize("persona", ["viewer", "expert"])
def test_read_only_members_cannot_edit_delete_or_move(
    clients: dict[str, Client], plan: Plan, tree: dict[str, GoalNode], persona: str
) -> None:
    node = tree["s2"]
    client = clients[persona]
    assert client.get(_url(plan, f"{node.pk}/edit/")).status_code == 403
    assert client.post(_url(plan, f"{node.pk}/edit/"), {"version": node.version, "text_uk": "Ні"}).status_code == 403
    assert client.get(_url(plan, f"{tree['t111'].pk}/delete/")).status_code == 403
    assert client.post(_url(plan, f"{tree['t111'].pk}/delete/")).status_code == 403
    assert client.post(_url(plan, f"{node.pk}/move/"), {"direction": "up"}).status_code == 403
    assert (
        client.post(
            _url(plan, "reorder/"), {"parent": tree["vision"].pk, "order": [tree["s2"].pk, tree["s1"].pk]}
        ).status_code
        == 403
    )
    assert GoalNode.objects.get(pk=node.pk).position == 2
    assert GoalNode.objects.filter(pk=tree["t111"].pk).exists()


def test_outsider_gets_404_on_every_write(clients: dict[str, Client], plan: Plan, tree: dict[str, GoalNode]) -> None:
    node = tree["s2"]
    client = clients["outsider"]
    assert client.get(_url(plan, f"{node.pk}/edit/")).status_code == 404
    assert client.post(_url(plan, f"{tree['t111'].pk}/delete/")).status_code == 404
    assert client.post(_url(plan, f"{node.pk}/move/"), {"direction": "up"}).status_code == 404
    assert client.post(_url(plan, "reorder/"), {"parent": tree["vision"].pk, "order": [node.pk]}).status_code == 404


def test_node_of_another_plan_is_not_found(
    english: dict[str, Client], world: World, plan: Plan, tree: dict[str, GoalNode]
) -> None:
    other = factories.make_plan(world.hromada, programme=world.programme)
    assert english["editor"].get(f"/plans/{other.pk}/goals/{tree['s1'].pk}/edit/").status_code == 404


# --- deleting --------------------------------------------------------------------------------------


def test_delete_asks_then_deletes_and_renumbers(
    english: dict[str, Client], plan: Plan, tree: dict[str, GoalNode]
) -> None:
    confirm = english["editor"].get(_url(plan, f"{tree['s1'].pk}/delete/"))
    assert "This item has 1 item under it" in _text(confirm)
    leaf = tree["t111"]
    confirm = english["editor"].get(_url(plan, f"{leaf.pk}/delete/"))
    assert "Delete task 1.1.1?" in _text(confirm)
    response = english["editor"].post(_url(plan, f"{leaf.pk}/delete/"))
    assert response.status_code == 302
    assert not GoalNode.objects.filter(pk=leaf.pk).exists()


def test_delete_with_children_refused_with_message(
    english: dict[str, Client], plan: Plan, tree: dict[str, GoalNode]
) -> None:
    response = english["editor"].post(_url(plan, f"{tree['s1'].pk}/delete/"), follow=True)
    assert "This item has 1 item under it. Delete that one first." in _text(response)
    assert GoalNode.objects.filter(pk=tree["s1"].pk).exists()


# --- moving ----------------------------------------------------------------------------------------


def test_move_buttons_without_javascript(english: dict[str, Client], plan: Plan, tree: dict[str, GoalNode]) -> None:
    response = english["editor"].post(_url(plan, f"{tree['s2'].pk}/move/"), {"direction": "up"})
    assert response.status_code == 302
    assert response["Location"] == f"/plans/{plan.pk}/goals/#goal-{tree['s2'].pk}"
    text = _text(english["editor"].get(_url(plan)))
    assert text.index("Сильна економіка") < text.index("Безпечна громада")
    assert f'id="goal-{tree["o11"].pk}" data-node-id="{tree["o11"].pk}" data-code="2.1"' in text


def test_move_for_the_script_answers_with_the_tree(
    english: dict[str, Client], plan: Plan, tree: dict[str, GoalNode]
) -> None:
    response = english["editor"].post(_url(plan, f"{tree['s2'].pk}/move/"), {"direction": "up"}, headers=PARTIAL)
    assert response.status_code == 200
    text = _text(response)
    assert text.lstrip().startswith('<ol class="goal-tree"')
    assert f'data-node-id="{tree["s2"].pk}" data-code="1"' in text
    refused = english["editor"].post(_url(plan, f"{tree['s2'].pk}/move/"), {"direction": "up"}, headers=PARTIAL)
    assert refused.status_code == 400
    assert _text(refused) == "This item is already the first at its level."


def test_reorder_by_drag_and_drop(english: dict[str, Client], plan: Plan, tree: dict[str, GoalNode]) -> None:
    response = english["editor"].post(
        _url(plan, "reorder/"),
        {"version": 1, "parent": tree["vision"].pk, "order": [tree["s2"].pk, tree["s1"].pk]},
        headers=PARTIAL,
    )
    assert response.status_code == 200
    assert f'data-node-id="{tree["t111"].pk}" data-code="2.1.1"' in _text(response)


def test_reorder_refuses_foreign_ids(english: dict[str, Client], plan: Plan, tree: dict[str, GoalNode]) -> None:
    response = english["editor"].post(
        _url(plan, "reorder/"),
        {"parent": tree["vision"].pk, "order": [tree["s2"].pk, tree["o11"].pk]},
        headers=PARTIAL,
    )
    assert response.status_code == 400
    assert "every item at this level exactly once" in _text(response)
    assert list(GoalNode.objects.filter(parent=tree["vision"]).values_list("pk", flat=True)) == [
        tree["s1"].pk,
        tree["s2"].pk,
    ]


# --- frozen and closed ------------------------------------------------------------------------------


def test_frozen_version_refuses_edits_with_403(
    english: dict[str, Client], plan: Plan, tree: dict[str, GoalNode]
) -> None:
    version = plan.versions.get()
    PlanVersion.objects.filter(pk=version.pk).update(
        adopted_at=timezone.now(), adopting_body="council", act_number="7", act_date=timezone.now().date()
    )
    Plan.objects.filter(pk=plan.pk).update(state=PlanState.ADOPTED, public_version=version)
    node = tree["s2"]
    client = english["editor"]
    assert client.get(_url(plan, f"{node.pk}/edit/")).status_code == 403
    assert client.post(_url(plan, f"{node.pk}/move/"), {"direction": "up"}).status_code == 403
    assert client.post(_url(plan, f"{tree['t111'].pk}/delete/")).status_code == 403
    assert (
        client.post(_url(plan, "new/"), {"parent": node.pk, "level": OPERATIONAL, "text_uk": "Ні"}).status_code == 403
    )
    text = _text(client.get(_url(plan)))
    assert "This version is adopted and read-only." in text
    assert "Move up" not in text


def test_stage_after_adoption_explains_why(english: dict[str, Client], plan: Plan, tree: dict[str, GoalNode]) -> None:
    Plan.objects.filter(pk=plan.pk).update(state=PlanState.MONITORED)
    response = english["editor"].get(_url(plan, f"{tree['s2'].pk}/edit/"), follow=True)
    assert "its goal tree can no longer be changed" in _text(response)
    response = english["editor"].post(_url(plan, f"{tree['s2'].pk}/move/"), {"direction": "up"}, follow=True)
    assert "Start an amendment" in _text(response)
    assert GoalNode.objects.get(pk=tree["s2"].pk).position == 2
