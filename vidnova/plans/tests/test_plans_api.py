"""/api/v1/plans/…: list, retrieve, create and change plans, their documents and versions, with the
same access as the pages (404 for outsiders on private plans, 403 for read-only members, 401 without
credentials) and 409 on conflicting edits."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from conftest import World
from vidnova.audit.models import AuditEntry
from vidnova.plans.models import HigherLevelDocument, Plan, PlanType
from vidnova.plans.tests.test_plans_support import adopt, open_amendment, version_of, write
from vidnova.testing import factories


@pytest.fixture(autouse=True)
def _fresh_throttle_counts() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def plan(world: World) -> Plan:
    return factories.make_plan(world.hromada, programme=world.programme)


@pytest.fixture
def token_client(world: World) -> Callable[[str], Client]:
    def make(persona: str) -> Client:
        token, _created = Token.objects.get_or_create(user=getattr(world, persona))
        return Client(headers={"authorization": f"Token {token.key}", "accept-language": "en"})

    return make


def api(name: str, **kwargs: Any) -> str:
    return reverse(f"api:{name}", kwargs=kwargs)


def patch(client: Client, address: str, body: dict[str, Any]) -> Any:
    return client.patch(address, body, content_type="application/json")


def post(client: Client, address: str, body: dict[str, Any]) -> Any:
    return client.post(address, body, content_type="application/json")


# --- list and retrieve ---------------------------------------------------------------------------


def test_the_list_holds_what_each_client_may_see(clients: dict[str, Client], world: World, plan: Plan) -> None:
    public = factories.make_plan(world.hromada, title_en="Strategy", plan_type=PlanType.DEVELOPMENT_STRATEGY)
    adopt(public)
    for persona, expected in [("anonymous", {public.pk}), ("outsider", {public.pk}), ("viewer", {plan.pk, public.pk})]:
        body = clients[persona].get(api("plan-list")).json()
        assert {row["id"] for row in body["results"]} == expected
        assert body["count"] == len(expected)
    row = clients["anonymous"].get(api("plan-list")).json()["results"][0]
    assert row["hromada"]["katottg"] == world.hromada.katottg
    assert row["public_version"] == 1
    assert row["url"] == api("plan-detail", pk=public.pk)


def test_the_list_filters(clients: dict[str, Client], world: World, plan: Plan) -> None:
    factories.make_plan(world.hromada, title_uk="Стратегія", plan_type=PlanType.DEVELOPMENT_STRATEGY)
    client = clients["coordinator"]
    assert [row["id"] for row in client.get(api("plan-list"), {"type": "local_recovery_plan"}).json()["results"]] == [
        plan.pk
    ]
    assert [row["id"] for row in client.get(api("plan-list"), {"programme": "test-programme"}).json()["results"]] == [
        plan.pk
    ]
    assert client.get(api("plan-list"), {"q": "стратегія"}).json()["count"] == 1
    assert client.get(api("plan-list"), {"hromada": world.other_hromada.katottg}).json()["count"] == 0
    response = client.get(api("plan-list"), {"hromada": "Kyiv", "state": "nonsense"})
    assert response.status_code == 400
    assert set(response.json()) == {"hromada", "state"}


def test_list_queries_are_bounded(clients: dict[str, Client], world: World, django_assert_max_num_queries: Any) -> None:
    for number in range(20):
        adopt(factories.make_plan(world.hromada, programme=world.programme, title_uk=f"План {number}"))
    with django_assert_max_num_queries(6):
        response = clients["anonymous"].get(api("plan-list"))
    assert response.json()["count"] == 20


def test_insiders_get_the_working_version_and_others_the_public_one(clients: dict[str, Client], plan: Plan) -> None:
    adopt(plan)
    open_amendment(plan)
    HigherLevelDocument.objects.create(plan=plan, document_type="hromada_strategy", title="Стратегія")
    inside = clients["expert"].get(api("plan-detail", pk=plan.pk)).json()
    assert inside["shown_version"]["number"] == 2
    assert inside["shown_version"]["is_frozen"] is False
    assert inside["higher_level_documents"][0]["title"] == "Стратегія"
    outside = clients["anonymous"].get(api("plan-detail", pk=plan.pk)).json()
    assert outside["shown_version"]["number"] == 1
    assert outside["shown_version"]["act_number"] == "12/3-VIII"


@pytest.mark.parametrize("persona", ["anonymous", "outsider"])
def test_a_draft_is_not_found_for_outsiders(clients: dict[str, Client], plan: Plan, persona: str) -> None:
    assert clients[persona].get(api("plan-detail", pk=plan.pk)).status_code == 404
    assert clients[persona].get(api("plan-version-list", plan_pk=plan.pk)).status_code == 404
    assert clients[persona].get(api("plan-version-detail", plan_pk=plan.pk, number=1)).status_code == 404
    assert clients[persona].get(api("plan-detail", pk=424242)).status_code == 404


# --- versions ------------------------------------------------------------------------------------


def test_versions_with_their_sections(clients: dict[str, Client], plan: Plan) -> None:
    write(
        version_of(plan),
        "profile",
        uk="<p>Опис</p>",
        tables={"key_figures": [{"indicator_uk": "Населення", "value": "1"}]},
    )
    adopt(plan)
    open_amendment(plan)
    assert [row["number"] for row in clients["viewer"].get(api("plan-version-list", plan_pk=plan.pk)).json()] == [2, 1]
    assert [row["number"] for row in clients["anonymous"].get(api("plan-version-list", plan_pk=plan.pk)).json()] == [1]
    body = clients["anonymous"].get(api("plan-version-detail", plan_pk=plan.pk, number=1)).json()
    assert body["is_frozen"] is True
    sections = body["sections"]
    assert [section["code"] for section in sections][:3] == ["profile", "war_impact", "resources"]
    assert sections[0]["body_uk"] == "<p>Опис</p>"
    assert sections[0]["tables"]["key_figures"][0]["indicator_uk"] == "Населення"
    assert sections[0]["is_required"] is True
    assert clients["anonymous"].get(api("plan-version-detail", plan_pk=plan.pk, number=2)).status_code == 404
    assert clients["viewer"].get(api("plan-version-detail", plan_pk=plan.pk, number=2)).json()["based_on"] == 1
    assert clients["viewer"].get(api("plan-version-detail", plan_pk=plan.pk, number=9)).status_code == 404


# --- create --------------------------------------------------------------------------------------


NEW_PLAN = {
    "plan_type": "comprehensive_recovery_programme",
    "title_uk": "Програма комплексного відновлення",
    "starts_on": "2026-01-01",
    "ends_on": "2031-12-31",
    "programme": "test-programme",
}


@pytest.mark.parametrize("persona", ["editor", "coordinator"])
def test_editors_and_staff_create_plans(token_client: Callable[[str], Client], world: World, persona: str) -> None:
    response = post(token_client(persona), api("plan-list"), {**NEW_PLAN, "hromada": world.hromada.katottg})
    assert response.status_code == 201
    body = response.json()
    plan = Plan.objects.get()
    assert body["id"] == plan.pk
    assert body["state"] == "initiated"
    assert body["shown_version"]["number"] == 1
    assert AuditEntry.objects.filter(action="plans.plan.created", actor=getattr(world, persona)).exists()


@pytest.mark.parametrize(("persona", "status"), [("viewer", 403), ("expert", 404), ("outsider", 404)])
def test_others_cannot_create_plans(
    token_client: Callable[[str], Client], world: World, persona: str, status: int
) -> None:
    response = post(token_client(persona), api("plan-list"), {**NEW_PLAN, "hromada": world.hromada.katottg})
    assert response.status_code == status
    assert not Plan.objects.exists()


def test_creating_needs_credentials(clients: dict[str, Client], world: World) -> None:
    response = post(clients["anonymous"], api("plan-list"), {**NEW_PLAN, "hromada": world.hromada.katottg})
    assert response.status_code == 401
    assert not Plan.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"hromada": "UA" + "9" * 17}, "hromada"),
        ({"hromada": "Kyiv"}, "hromada"),
        ({"plan_type": "masterplan"}, "plan_type"),
        ({"programme": "no-such-programme"}, "programme"),
        ({"ends_on": "2020-01-01"}, "ends_on"),
    ],
)
def test_bad_plans_name_the_field(
    token_client: Callable[[str], Client], world: World, changes: dict[str, str], field: str
) -> None:
    response = post(
        token_client("coordinator"), api("plan-list"), {**NEW_PLAN, "hromada": world.hromada.katottg, **changes}
    )
    assert response.status_code == 400
    assert field in response.json()
    assert not Plan.objects.exists()


def test_a_programme_the_hromada_is_not_in_is_refused(token_client: Callable[[str], Client], world: World) -> None:
    factories.ProgrammeFactory(slug="other-programme")
    response = post(
        token_client("coordinator"),
        api("plan-list"),
        {**NEW_PLAN, "hromada": world.hromada.katottg, "programme": "other-programme"},
    )
    assert response.status_code == 400
    assert set(response.json()) == {"programme"}


# --- partial update ------------------------------------------------------------------------------


def test_the_editor_changes_fields_and_keeps_the_rest(token_client: Callable[[str], Client], plan: Plan) -> None:
    response = patch(
        token_client("editor"), api("plan-detail", pk=plan.pk), {"version": plan.version, "title_en": "New title"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["title_en"] == "New title"
    assert body["title_uk"] == plan.title_uk
    assert body["programme"] == "test-programme"
    assert body["version"] == plan.version + 1
    assert AuditEntry.objects.get(action="plans.plan.updated").changes == {"title_en": ["Recovery plan", "New title"]}
    response = patch(
        token_client("editor"), api("plan-detail", pk=plan.pk), {"version": plan.version + 1, "programme": None}
    )
    assert response.json()["programme"] is None


def test_a_stale_version_is_409_with_the_saved_values(token_client: Callable[[str], Client], plan: Plan) -> None:
    patch(token_client("coordinator"), api("plan-detail", pk=plan.pk), {"version": plan.version, "title_en": "First"})
    response = patch(
        token_client("editor"), api("plan-detail", pk=plan.pk), {"version": plan.version, "title_en": "Second"}
    )
    assert response.status_code == 409
    body = response.json()
    assert body["current_version"] == plan.version + 1
    assert body["current"]["title_en"] == "First"
    assert "Nothing was saved" in body["detail"]
    assert Plan.objects.get(pk=plan.pk).title_en == "First"


def test_bad_changes_name_the_field(token_client: Callable[[str], Client], plan: Plan) -> None:
    client = token_client("editor")
    assert set(patch(client, api("plan-detail", pk=plan.pk), {"title_en": "No version"}).json()) == {"version"}
    response = patch(client, api("plan-detail", pk=plan.pk), {"version": plan.version, "ends_on": "2000-01-01"})
    assert response.status_code == 400
    assert set(response.json()) == {"ends_on"}
    assert Plan.objects.get(pk=plan.pk).version == plan.version


def test_an_adopted_plan_refuses_changes_until_an_amendment(token_client: Callable[[str], Client], plan: Plan) -> None:
    adopt(plan)
    response = patch(token_client("editor"), api("plan-detail", pk=plan.pk), {"version": plan.version, "title_en": "X"})
    assert response.status_code == 400
    assert "amendment" in response.json()["non_field_errors"][0]


@pytest.mark.parametrize(("persona", "status"), [("viewer", 403), ("expert", 403), ("outsider", 404)])
def test_others_cannot_change_plans(
    token_client: Callable[[str], Client], plan: Plan, persona: str, status: int
) -> None:
    response = patch(token_client(persona), api("plan-detail", pk=plan.pk), {"version": plan.version, "title_en": "X"})
    assert response.status_code == status
    assert Plan.objects.get(pk=plan.pk).title_en == "Recovery plan"


def test_changing_needs_credentials_and_put_is_not_allowed(
    clients: dict[str, Client], token_client: Callable[[str], Client], plan: Plan
) -> None:
    assert (
        patch(clients["anonymous"], api("plan-detail", pk=plan.pk), {"version": 1, "title_en": "X"}).status_code == 401
    )
    response = token_client("editor").put(api("plan-detail", pk=plan.pk), {}, content_type="application/json")
    assert response.status_code == 405


# --- documents -----------------------------------------------------------------------------------


def test_documents_are_linked_and_unlinked(token_client: Callable[[str], Client], world: World, plan: Plan) -> None:
    strategy = factories.make_plan(world.hromada, title_uk="Стратегія", plan_type=PlanType.DEVELOPMENT_STRATEGY)
    client = token_client("editor")
    response = post(
        client,
        api("plan-document-list", plan_pk=plan.pk),
        {"document_type": "hromada_strategy", "linked_plan": strategy.pk},
    )
    assert response.status_code == 201
    assert response.json()["title"] == "Стратегія"
    document = HigherLevelDocument.objects.get()
    response = client.delete(api("plan-document-detail", plan_pk=plan.pk, pk=document.pk))
    assert response.status_code == 204
    assert not HigherLevelDocument.objects.exists()


def test_bad_documents_name_the_field(token_client: Callable[[str], Client], plan: Plan) -> None:
    client = token_client("editor")
    response = post(
        client, api("plan-document-list", plan_pk=plan.pk), {"document_type": "other", "linked_plan": plan.pk}
    )
    assert set(response.json()) == {"linked_plan"}
    response = post(
        client, api("plan-document-list", plan_pk=plan.pk), {"document_type": "other", "linked_plan": 999999}
    )
    assert set(response.json()) == {"linked_plan"}
    response = post(
        client, api("plan-document-list", plan_pk=plan.pk), {"document_type": "other", "url": "nonsense", "title": "X"}
    )
    assert set(response.json()) == {"url"}
    assert not HigherLevelDocument.objects.exists()


@pytest.mark.parametrize(("persona", "status"), [("viewer", 403), ("expert", 403), ("outsider", 404)])
def test_others_cannot_touch_documents(
    token_client: Callable[[str], Client], plan: Plan, persona: str, status: int
) -> None:
    document = HigherLevelDocument.objects.create(plan=plan, document_type="other", title="Документ")
    client = token_client(persona)
    assert (
        post(client, api("plan-document-list", plan_pk=plan.pk), {"document_type": "other", "title": "X"}).status_code
        == status
    )
    assert client.delete(api("plan-document-detail", plan_pk=plan.pk, pk=document.pk)).status_code == status
    assert list(HigherLevelDocument.objects.values_list("title", flat=True)) == ["Документ"]


def test_document_writes_need_credentials(clients: dict[str, Client], plan: Plan) -> None:
    response = post(
        clients["anonymous"], api("plan-document-list", plan_pk=plan.pk), {"document_type": "other", "title": "X"}
    )
    assert response.status_code == 401
