"""The comments API: same rules as the pages (404 for outsiders and anonymous readers, 403 for the
viewer on writes), validation as 400 naming the field, and a fixed number of queries."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import include, path, reverse
from django.utils import timezone
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator

from conftest import World
from vidnova.api.docs import generate_schema
from vidnova.plans.api import comments as comments_api
from vidnova.plans.models import CommentThread, Plan, PlanVersion, Section
from vidnova.plans.services.comments import comment_reply, thread_resolve, thread_start
from vidnova.testing import factories

pytestmark = pytest.mark.django_db

INSIDERS = ["admin", "coordinator", "editor", "viewer", "expert"]
WRITERS = ["admin", "coordinator", "editor", "expert"]


@pytest.fixture
def plan(world: World) -> Plan:
    plan = factories.make_plan(world.hromada, programme=world.programme)
    Section.objects.filter(plan_version__plan=plan, code="needs").update(body_uk="<p>Потреби ветеранів і ВПО</p>")
    return plan


def section(plan: Plan, code: str = "needs") -> Section:
    return Section.objects.get(plan_version__plan=plan, plan_version__number=1, code=code)


@pytest.fixture
def thread(world: World, plan: Plan) -> CommentThread:
    return thread_start(acting_user=world.coordinator, section=section(plan), body="Add numbers.", quote="ветеранів")


def list_url(plan: Plan) -> str:
    return reverse("api:plan-comment-list", kwargs={"plan_pk": plan.pk})


def url(name: str, thread: CommentThread) -> str:
    plan_pk = thread.section.plan_version.plan_id
    return reverse(f"api:plan-comment-{name}", kwargs={"plan_pk": plan_pk, "thread_pk": thread.pk})


def adopt(plan: Plan) -> None:
    version = plan.versions.get(number=1)
    PlanVersion.objects.filter(pk=version.pk).update(
        adopted_at=timezone.now(), act_date=datetime.date(2025, 6, 1), act_number="7", adopting_body="council"
    )
    Plan.objects.filter(pk=plan.pk).update(public_version=version, state="adopted")


# --- reading -------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", INSIDERS)
def test_insiders_list_and_read_threads(
    world: World, clients: dict[str, Client], plan: Plan, thread: CommentThread, persona: str
) -> None:
    comment_reply(acting_user=world.editor, thread=thread, body="Done: <b>table 3</b>.")
    response = clients[persona].get(list_url(plan))
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1
    [item] = data["results"]
    assert item["id"] == thread.pk
    assert item["section"] == "needs"
    assert item["version"] == 1
    assert item["status"] == "open"
    assert item["quote"] == "ветеранів"
    assert item["created_by"] == str(world.coordinator)
    assert item["resolved_by"] is None
    assert [c["body"] for c in item["comments"]] == ["Add numbers.", "Done: <b>table 3</b>."]
    assert item["comments"][1]["author"] == str(world.editor)
    detail = clients[persona].get(url("detail", thread))
    assert detail.status_code == 200
    assert detail.json() == item


@pytest.mark.parametrize("persona", ["outsider", "anonymous"])
def test_outsiders_and_anonymous_get_404_even_on_an_adopted_plan(
    clients: dict[str, Client], plan: Plan, thread: CommentThread, persona: str
) -> None:
    adopt(plan)
    assert clients[persona].get(list_url(plan)).status_code == 404
    assert clients[persona].get(url("detail", thread)).status_code == 404


def test_outsiders_writes_are_404_and_anonymous_writes_401(
    clients: dict[str, Client], plan: Plan, thread: CommentThread
) -> None:
    body = {"section": "needs", "body": "Hi"}
    assert clients["outsider"].post(list_url(plan), body, content_type="application/json").status_code == 404
    for name in ("replies", "resolve", "reopen"):
        assert clients["outsider"].post(url(name, thread), {"body": "Hi"}).status_code == 404
        assert clients["anonymous"].post(url(name, thread), {"body": "Hi"}).status_code == 401
    assert clients["anonymous"].post(list_url(plan), body, content_type="application/json").status_code == 401
    assert CommentThread.objects.count() == 1
    assert thread.comments.count() == 1


def test_unknown_plan_or_thread_is_404(world: World, clients: dict[str, Client], thread: CommentThread) -> None:
    assert clients["coordinator"].get(reverse("api:plan-comment-list", kwargs={"plan_pk": 999_999})).status_code == 404
    other = factories.make_plan(world.hromada, programme=world.programme)
    wrong = reverse("api:plan-comment-detail", kwargs={"plan_pk": other.pk, "thread_pk": thread.pk})
    assert clients["coordinator"].get(wrong).status_code == 404


def test_filters_by_status_section_and_version(world: World, clients: dict[str, Client], plan: Plan) -> None:
    open_thread = thread_start(acting_user=world.expert, section=section(plan), body="Open")
    resolved = thread_start(acting_user=world.expert, section=section(plan, "profile"), body="Resolved")
    thread_resolve(acting_user=world.editor, thread=resolved)
    client = clients["coordinator"]

    def ids(**query: Any) -> list[int]:
        response = client.get(list_url(plan), query)
        assert response.status_code == 200, response.json()
        return [item["id"] for item in response.json()["results"]]

    # Document order: profile (section 1) before needs (section 4).
    assert ids() == [resolved.pk, open_thread.pk]
    assert ids(status="open") == [open_thread.pk]
    assert ids(status="resolved") == [resolved.pk]
    assert ids(section="needs") == [open_thread.pk]
    assert ids(version=1, status="all") == [resolved.pk, open_thread.pk]
    bad = client.get(list_url(plan), {"status": "closed"})
    assert bad.status_code == 400
    assert "status" in bad.json()
    assert client.get(list_url(plan), {"version": 5}).status_code == 404


def test_the_list_costs_a_fixed_number_of_queries(
    world: World, clients: dict[str, Client], plan: Plan, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    def add(count: int) -> None:
        for number in range(count):
            thread = thread_start(acting_user=world.expert, section=section(plan), body=f"Remark {number}")
            comment_reply(acting_user=world.editor, thread=thread, body="Reply")

    add(2)
    client = clients["expert"]
    client.get(list_url(plan))
    with django_assert_max_num_queries(12) as few:
        client.get(list_url(plan))
    add(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(list_url(plan)).json()["results"]) == 12


# --- writing -------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", WRITERS)
def test_those_who_may_comment_start_a_thread(
    world: World, clients: dict[str, Client], plan: Plan, persona: str
) -> None:
    response = clients[persona].post(
        list_url(plan),
        {"section": "needs", "body": "Which veterans' programmes?", "quote": "ветеранів"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    thread = CommentThread.objects.get()
    assert data["id"] == thread.pk
    assert data["status"] == "open"
    assert data["comments"][0]["body"] == "Which veterans' programmes?"
    assert thread.created_by == getattr(world, persona)


def test_the_viewer_gets_403_on_every_write(clients: dict[str, Client], plan: Plan, thread: CommentThread) -> None:
    viewer = clients["viewer"]
    body = {"section": "needs", "body": "Me too"}
    assert viewer.post(list_url(plan), body, content_type="application/json").status_code == 403
    assert viewer.post(url("replies", thread), {"body": "Me too"}).status_code == 403
    assert viewer.post(url("resolve", thread)).status_code == 403
    thread_resolve(acting_user=None, thread=thread)
    assert viewer.post(url("reopen", thread)).status_code == 403
    assert CommentThread.objects.count() == 1
    assert thread.comments.count() == 1


def test_validation_errors_name_the_field(clients: dict[str, Client], plan: Plan) -> None:
    client = clients["coordinator"]
    too_long = client.post(list_url(plan), {"section": "needs", "body": "x" * 10_001}, content_type="application/json")
    assert too_long.status_code == 400
    assert "10,001 characters" in too_long.json()["body"][0]
    bad_quote = client.post(
        list_url(plan), {"section": "needs", "body": "Ok", "quote": "not there"}, content_type="application/json"
    )
    assert bad_quote.status_code == 400
    assert "quote" in bad_quote.json()
    bad_section = client.post(list_url(plan), {"section": "chapter-9", "body": "Ok"}, content_type="application/json")
    assert bad_section.status_code == 400
    assert "section" in bad_section.json()
    assert not CommentThread.objects.exists()


def test_an_adopted_version_refuses_new_threads_and_replies(
    clients: dict[str, Client], plan: Plan, thread: CommentThread
) -> None:
    adopt(plan)
    client = clients["coordinator"]
    response = client.post(list_url(plan), {"section": "needs", "body": "Late"}, content_type="application/json")
    assert response.status_code == 400
    assert "Comment on the current draft instead." in response.json()["non_field_errors"][0]
    assert client.post(url("replies", thread), {"body": "Late"}).status_code == 400
    # A thread left open at adoption can still be resolved.
    assert client.post(url("resolve", thread)).json()["status"] == "resolved"


def test_reply_resolve_and_reopen(
    world: World,
    clients: dict[str, Client],
    thread: CommentThread,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        reply = clients["editor"].post(url("replies", thread), {"body": "Added in table 2."})
    assert reply.status_code == 201
    assert [c["body"] for c in reply.json()["comments"]] == ["Add numbers.", "Added in table 2."]
    assert [message.to for message in mail.outbox] == [["coordinator@example.org"]]

    resolved = clients["editor"].post(url("resolve", thread))
    assert resolved.status_code == 200
    assert resolved.json()["status"] == "resolved"
    assert resolved.json()["resolved_by"] == str(world.editor)

    refused = clients["coordinator"].post(url("replies", thread), {"body": "One more thing"})
    assert refused.status_code == 400
    assert "Reopen it first" in refused.json()["non_field_errors"][0]
    assert clients["coordinator"].post(url("resolve", thread)).status_code == 400

    reopened = clients["coordinator"].post(url("reopen", thread))
    assert reopened.status_code == 200
    assert reopened.json()["status"] == "open"
    assert clients["coordinator"].post(url("replies", thread), {"body": "One more thing"}).status_code == 201


def test_a_reply_must_have_text(clients: dict[str, Client], thread: CommentThread) -> None:
    response = clients["expert"].post(url("replies", thread), {"body": "   "})
    assert response.status_code == 400
    assert response.json()["body"] == ["Write a comment."]
    assert clients["expert"].post(url("replies", thread), {}).status_code == 400


# --- documentation -------------------------------------------------------------------------------


def test_the_endpoints_are_documented_without_warnings() -> None:
    # Only the comment endpoints: their schema must generate without a warning or an error.
    GENERATOR_STATS.reset()
    patterns = [path("api/v1/", include((comments_api.urlpatterns, "api"), namespace="api"))]
    generated = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)  # type: ignore[no-untyped-call]
    assert not GENERATOR_STATS, dict(GENERATOR_STATS._warn_cache) | dict(GENERATOR_STATS._error_cache)
    # And in the project's schema, with summaries, errors and parameters.
    paths = generate_schema()["paths"]
    base = "/api/v1/plans/{plan_pk}/comments/"
    assert set(generated["paths"]) == {
        base,
        base + "{thread_pk}/",
        base + "{thread_pk}/replies/",
        base + "{thread_pk}/resolve/",
        base + "{thread_pk}/reopen/",
    }
    assert set(paths[base]) >= {"get", "post"}
    assert paths[base + "{thread_pk}/"]["get"]["summary"]
    for action in ("replies", "resolve", "reopen"):
        operation = paths[f"{base}{{thread_pk}}/{action}/"]["post"]
        assert operation["summary"]
        assert {"400", "401", "403", "404"} <= set(operation["responses"])
    listing = paths[base]["get"]
    names = {parameter["name"] for parameter in listing["parameters"]}
    assert {"status", "section", "version", "page", "page_size", "plan_pk"} <= names
    assert listing["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/PaginatedCommentThreadList"
    )
    assert paths[base]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/ThreadCreateRequest"
    )
