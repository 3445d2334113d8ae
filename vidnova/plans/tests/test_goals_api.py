"""REST API of the goal tree and of the classification code lists."""

from __future__ import annotations

import json
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
    nodes["vision"] = add(None, VISION, "Бачення")
    nodes["s1"] = add(nodes["vision"], STRATEGIC, "Безпека", sdg_targets=["11.5"], charter_articles=["4"])
    nodes["s2"] = add(nodes["vision"], STRATEGIC, "Економіка")
    nodes["o11"] = add(nodes["s1"], OPERATIONAL, "Укриття")
    return nodes


def _url(plan: Plan, suffix: str = "", number: int = 1) -> str:
    return f"/api/v1/plans/{plan.pk}/versions/{number}/goals/{suffix}"


def _json(client: Client, method: str, url: str, body: dict[str, Any] | None = None) -> Any:
    return getattr(client, method)(url, data=json.dumps(body or {}), content_type="application/json")


def test_insiders_read_the_nested_numbered_tree(
    clients: dict[str, Client], plan: Plan, tree: dict[str, GoalNode]
) -> None:
    for persona in ("editor", "viewer", "expert", "coordinator"):
        response = clients[persona].get(_url(plan), HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200, persona
    data = response.json()
    assert len(data) == 1
    assert data[0]["level"] == VISION
    assert data[0]["code"] == ""
    strategic = data[0]["children"]
    assert [item["code"] for item in strategic] == ["1", "2"]
    assert strategic[0]["children"][0]["code"] == "1.1"
    assert strategic[0]["sdg_targets"] == ["11.5"]
    assert strategic[0]["tags"][0]["short"] == "SDG 11.5"
    assert strategic[0]["tags"][1] == {
        "scheme": "charter_article",
        "code": "4",
        "short": "Charter art. 4",
        "label": "Scope of local self-government",
    }
    assert strategic[0]["level_label"] == "strategic goal"


@pytest.mark.parametrize("persona", ["outsider", "anonymous"])
def test_draft_tree_hidden_from_outsiders(
    clients: dict[str, Client], plan: Plan, tree: dict[str, GoalNode], persona: str
) -> None:
    assert clients[persona].get(_url(plan)).status_code == 404
    assert clients[persona].get(_url(plan, f"{tree['s1'].pk}/")).status_code == 404


def test_adopted_tree_is_public_and_read_only(
    clients: dict[str, Client], plan: Plan, tree: dict[str, GoalNode]
) -> None:
    version = plan.versions.get()
    PlanVersion.objects.filter(pk=version.pk).update(
        adopted_at=timezone.now(), adopting_body="council", act_number="5", act_date=timezone.now().date()
    )
    Plan.objects.filter(pk=plan.pk).update(state=PlanState.ADOPTED, public_version=version)
    assert clients["anonymous"].get(_url(plan)).status_code == 200
    assert clients["outsider"].get(_url(plan, f"{tree['s1'].pk}/")).json()["code"] == "1"
    response = _json(
        clients["editor"], "post", _url(plan), {"parent": tree["s1"].pk, "level": OPERATIONAL, "text_uk": "Ні"}
    )
    assert response.status_code == 403
    response = _json(clients["coordinator"], "patch", _url(plan, f"{tree['s1'].pk}/"), {"version": 1, "text_uk": "Ні"})
    assert response.status_code == 403
    assert _json(clients["outsider"], "post", _url(plan), {"level": STRATEGIC, "text_uk": "Ні"}).status_code == 404
    assert not GoalNode.objects.filter(text_uk="Ні").exists()


def test_unknown_version_or_item_is_404(
    clients: dict[str, Client], plan: Plan, tree: dict[str, GoalNode], world: World
) -> None:
    assert clients["editor"].get(_url(plan, number=7)).status_code == 404
    other = factories.make_plan(world.hromada, programme=world.programme)
    assert clients["editor"].get(_url(other, f"{tree['s1'].pk}/")).status_code == 404


def test_editor_creates_with_tags(clients: dict[str, Client], plan: Plan, tree: dict[str, GoalNode]) -> None:
    response = _json(
        clients["editor"],
        "post",
        _url(plan),
        {
            "parent": tree["s1"].pk,
            "level": OPERATIONAL,
            "text_uk": "Розмінування",
            "sdg_targets": ["2.4"],
            "acquis_chapters": ["11"],
        },
    )
    assert response.status_code == 201
    data = response.json()
    assert (data["code"], data["parent"], data["acquis_chapters"]) == ("1.2", tree["s1"].pk, ["11"])
    assert AuditEntry.objects.filter(action="plans.goal.created", actor__email="editor@example.org").exists()


def test_create_refusals_name_the_problem(clients: dict[str, Client], plan: Plan, tree: dict[str, GoalNode]) -> None:
    client = clients["editor"]
    response = _json(client, "post", _url(plan), {"parent": tree["s1"].pk, "level": TASK, "text_uk": "Задача"})
    assert response.status_code == 400
    assert response.json() == {"parent": ["A task goes under an operational goal."]}
    response = _json(
        client,
        "post",
        _url(plan),
        {"parent": tree["s1"].pk, "level": OPERATIONAL, "text_uk": "Ціль", "sdg_targets": ["11.9"]},
    )
    assert response.json() == {"sdg_targets": ["SDG targets has no code 11.9."]}
    response = _json(client, "post", _url(plan), {"parent": 999999, "level": OPERATIONAL, "text_uk": "Ціль"})
    assert response.status_code == 400
    assert "parent" in response.json()


@pytest.mark.parametrize("persona", ["viewer", "expert"])
def test_read_only_members_get_403_on_writes(
    clients: dict[str, Client], plan: Plan, tree: dict[str, GoalNode], persona: str
) -> None:
    client = clients[persona]
    node = tree["s2"]
    assert (
        _json(client, "post", _url(plan), {"parent": node.pk, "level": OPERATIONAL, "text_uk": "Ні"}).status_code == 403
    )
    assert (
        _json(client, "patch", _url(plan, f"{node.pk}/"), {"version": node.version, "text_uk": "Ні"}).status_code == 403
    )
    assert client.delete(_url(plan, f"{tree['o11'].pk}/")).status_code == 403
    assert _json(client, "post", _url(plan, f"{node.pk}/move/"), {"direction": "up"}).status_code == 403
    reorder = {"parent": tree["vision"].pk, "ordered_ids": [tree["s2"].pk, tree["s1"].pk]}
    assert _json(client, "post", _url(plan, "reorder/"), reorder).status_code == 403
    assert GoalNode.objects.get(pk=node.pk).position == 2


def test_anonymous_writes_need_credentials(clients: dict[str, Client], plan: Plan, tree: dict[str, GoalNode]) -> None:
    response = _json(clients["anonymous"], "post", _url(plan), {"level": STRATEGIC, "text_uk": "Ні"})
    assert response.status_code == 401
    assert not GoalNode.objects.filter(text_uk="Ні").exists()


def test_patch_keeps_what_is_not_sent_and_answers_409_when_stale(
    clients: dict[str, Client], plan: Plan, tree: dict[str, GoalNode]
) -> None:
    node = tree["s1"]
    url = _url(plan, f"{node.pk}/")
    response = _json(clients["coordinator"], "patch", url, {"version": node.version, "text_en": "Safety"})
    assert response.status_code == 200
    data = response.json()
    assert (data["text_uk"], data["text_en"], data["sdg_targets"]) == ("Безпека", "Safety", ["11.5"])
    assert data["version"] == node.version + 1
    stale = _json(clients["editor"], "patch", url, {"version": node.version, "text_uk": "Інше"})
    assert stale.status_code == 409
    assert stale.json()["current"]["text_en"] == "Safety"
    assert "you sent version 1" in stale.json()["detail"]
    assert _json(clients["editor"], "patch", url, {"text_uk": "Без версії"}).status_code == 400
    node.refresh_from_db()
    assert node.text_uk == "Безпека"


def test_delete_move_and_reorder(clients: dict[str, Client], plan: Plan, tree: dict[str, GoalNode]) -> None:
    client = clients["editor"]
    refused = client.delete(_url(plan, f"{tree['s1'].pk}/"))
    assert refused.status_code == 400
    assert "Delete that one first" in refused.json()["non_field_errors"][0]
    moved = _json(client, "post", _url(plan, f"{tree['s2'].pk}/move/"), {"direction": "up"})
    assert moved.status_code == 200
    assert moved.json()["code"] == "1"
    edge = _json(client, "post", _url(plan, f"{tree['s2'].pk}/move/"), {"direction": "up"})
    assert edge.status_code == 400
    reordered = _json(
        client,
        "post",
        _url(plan, "reorder/"),
        {"parent": tree["vision"].pk, "ordered_ids": [tree["s1"].pk, tree["s2"].pk]},
    )
    assert reordered.status_code == 200
    assert [item["id"] for item in reordered.json()[0]["children"]] == [tree["s1"].pk, tree["s2"].pk]
    foreign = _json(
        client,
        "post",
        _url(plan, "reorder/"),
        {"parent": tree["vision"].pk, "ordered_ids": [tree["s1"].pk, tree["o11"].pk]},
    )
    assert foreign.status_code == 400
    assert "exactly once" in foreign.json()["ordered_ids"][0]
    assert client.delete(_url(plan, f"{tree['o11'].pk}/")).status_code == 204
    assert not GoalNode.objects.filter(pk=tree["o11"].pk).exists()


def test_classification_lists_are_public(clients: dict[str, Client]) -> None:
    client = clients["anonymous"]
    schemes = client.get("/api/v1/classifications/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert {scheme["scheme"]: scheme["count"] for scheme in schemes} == {
        "sdg-goals": 17,
        "sdg-targets": 169,
        "acquis-clusters": 6,
        "acquis-chapters": 35,
        "charter-articles": 11,
    }
    chapters = client.get("/api/v1/classifications/acquis-chapters/", HTTP_ACCEPT_LANGUAGE="uk").json()
    chapter = next(item for item in chapters if item["code"] == "22")
    assert chapter["group"] == "5"
    assert chapter["label"] == chapter["labels"]["uk"]
    assert set(chapter["labels"]) == {"uk", "en", "nl"}
    assert client.get("/api/v1/classifications/nothing/").status_code == 404


def test_schema_documents_the_goal_endpoints(clients: dict[str, Client]) -> None:
    response = clients["anonymous"].get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    paths = json.loads(response.content)["paths"]
    assert "/api/v1/plans/{plan_pk}/versions/{number}/goals/" in paths
    assert "/api/v1/classifications/{scheme}/" in paths
