"""Comment pages for every persona: the plan's threads grouped by section, a section's threads with
the form to start one, and reply / resolve / reopen with and without htmx."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import World
from vidnova.plans.models import Comment, CommentThread, Plan, PlanVersion, Section
from vidnova.plans.services.comments import comment_reply, thread_resolve, thread_start
from vidnova.testing import factories

pytestmark = pytest.mark.django_db

INSIDERS = ["admin", "coordinator", "editor", "viewer", "expert"]
WRITERS = ["admin", "coordinator", "editor", "expert"]
HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def english(clients: dict[str, Client]) -> None:
    for client in clients.values():
        client.cookies["vidnova_language"] = "en"


@pytest.fixture
def plan(world: World) -> Plan:
    plan = factories.make_plan(world.hromada, programme=world.programme)
    Section.objects.filter(plan_version__plan=plan, code="profile").update(
        body_uk="<p>Громада має 12 старостинських округів.</p>", body_en="<p>The hromada has 12 districts.</p>"
    )
    return plan


def section(plan: Plan, code: str = "profile") -> Section:
    return Section.objects.get(plan_version__plan=plan, plan_version__number=1, code=code)


@pytest.fixture
def thread(world: World, plan: Plan) -> CommentThread:
    return thread_start(acting_user=world.coordinator, section=section(plan), body="Add the population figures.")


def plan_url(plan: Plan) -> str:
    return reverse("plans:plan-comments", kwargs={"pk": plan.pk})


def section_url(plan: Plan, code: str = "profile") -> str:
    return reverse("plans:section-comments", kwargs={"pk": plan.pk, "code": code})


def action_url(name: str, thread: CommentThread) -> str:
    return reverse(f"plans:thread-{name}", kwargs={"pk": thread.section.plan_version.plan_id, "thread_pk": thread.pk})


def adopt(plan: Plan) -> None:
    version = plan.versions.get(number=1)
    PlanVersion.objects.filter(pk=version.pk).update(
        adopted_at=timezone.now(), act_date=datetime.date(2025, 6, 1), act_number="7", adopting_body="council"
    )
    Plan.objects.filter(pk=plan.pk).update(public_version=version, state="adopted")


# --- who sees what -------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", INSIDERS)
def test_insiders_read_the_comments(
    clients: dict[str, Client], plan: Plan, thread: CommentThread, persona: str
) -> None:
    for url in (plan_url(plan), section_url(plan)):
        response = clients[persona].get(url)
        assert response.status_code == 200, url
        assert "Add the population figures." in response.content.decode()


@pytest.mark.parametrize("persona", ["outsider", "anonymous"])
def test_outsiders_and_anonymous_get_404_even_on_an_adopted_plan(
    clients: dict[str, Client], plan: Plan, thread: CommentThread, persona: str
) -> None:
    adopt(plan)  # the plan is now public, its comments are not
    for url in (plan_url(plan), section_url(plan)):
        assert clients[persona].get(url).status_code == 404, url
    assert clients[persona].post(section_url(plan), {"thread-body": "Hi"}).status_code == 404
    for name in ("reply", "resolve", "reopen"):
        assert clients[persona].post(action_url(name, thread), {"body": "Hi"}).status_code == 404
    assert CommentThread.objects.count() == 1
    assert Comment.objects.count() == 1


def test_the_viewer_reads_but_sees_no_forms_and_gets_403_on_every_write(
    clients: dict[str, Client], plan: Plan, thread: CommentThread
) -> None:
    html = clients["viewer"].get(section_url(plan)).content.decode()
    assert "Add the population figures." in html
    assert "Post comment" not in html
    assert "Post reply" not in html
    assert "Mark as resolved" not in html
    assert "You can read the comments on this plan." in html
    viewer = clients["viewer"]
    assert viewer.post(section_url(plan), {"thread-body": "Me too"}).status_code == 403
    assert viewer.post(action_url("reply", thread), {"body": "Me too"}).status_code == 403
    assert viewer.post(action_url("resolve", thread)).status_code == 403
    thread_resolve(acting_user=None, thread=thread)
    assert viewer.post(action_url("reopen", thread)).status_code == 403
    thread.refresh_from_db()
    assert not thread.is_open
    assert thread.comments.count() == 1


def test_an_unknown_section_or_a_thread_of_another_plan_is_404(
    world: World, clients: dict[str, Client], plan: Plan, thread: CommentThread
) -> None:
    assert clients["coordinator"].get(section_url(plan, "no-such-section")).status_code == 404
    other = factories.make_plan(world.hromada, programme=world.programme, title_uk="Інший план")
    url = reverse("plans:thread-reply", kwargs={"pk": other.pk, "thread_pk": thread.pk})
    assert clients["coordinator"].post(url, {"body": "Hi"}).status_code == 404


# --- the section page ----------------------------------------------------------------------------


def test_the_section_page_shows_guidance_links_and_the_form(clients: dict[str, Client], plan: Plan) -> None:
    response = clients["expert"].get(section_url(plan))
    html = response.content.decode()
    assert "Comments on section 1: General description of the hromada" in html
    assert "What this section must contain" in html
    assert "Insert the registry figures rather than retyping them." in html  # the catalogue's guidance
    assert f'href="{reverse("plans:section-detail", kwargs={"pk": plan.pk, "code": "profile"})}"' in html
    assert f'href="{plan_url(plan)}"' in html
    assert 'name="thread-body"' in html
    assert 'name="thread-quote"' in html
    assert '<label for="id_thread-body">' in html
    assert "Nobody has commented on this section yet." in html


@pytest.mark.parametrize("persona", WRITERS)
def test_those_who_may_comment_start_a_thread_with_a_quote(
    world: World, clients: dict[str, Client], plan: Plan, persona: str
) -> None:
    response = clients[persona].post(
        section_url(plan), {"thread-body": "Which districts?\nList them.", "thread-quote": "12 districts"}
    )
    thread = CommentThread.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{section_url(plan)}#thread-{thread.pk}"
    assert thread.quote == "12 districts"
    assert thread.created_by == getattr(world, persona)
    page = clients[persona].get(section_url(plan)).content.decode()
    assert "Your comment was posted." in page
    assert "Which districts?<br>List them." in page
    assert "<blockquote>12 districts</blockquote>" in page


def test_a_refused_thread_keeps_what_was_typed_and_says_why(clients: dict[str, Client], plan: Plan) -> None:
    long_body = "x" * 10_001
    response = clients["coordinator"].post(section_url(plan), {"thread-body": long_body, "thread-quote": "elsewhere"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "The comment is too long: 10,001 characters, the limit is 10,000." in html
    assert "The quoted passage is not in the text of this section." in html
    assert long_body in html  # nothing lost
    assert not CommentThread.objects.exists()
    response = clients["coordinator"].post(section_url(plan), {"thread-body": ""})
    assert response.status_code == 400
    assert "Write a comment." in response.content.decode()


def test_comments_are_escaped_on_output(clients: dict[str, Client], plan: Plan) -> None:
    clients["coordinator"].post(section_url(plan), {"thread-body": '<script>alert("x")</script><b>bold</b>'})
    html = clients["editor"].get(section_url(plan)).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in html


def test_an_adopted_version_offers_no_new_thread(clients: dict[str, Client], plan: Plan, thread: CommentThread) -> None:
    adopt(plan)
    html = clients["coordinator"].get(section_url(plan)).content.decode()
    assert "Comment on the current draft instead." in html
    assert "Post comment" not in html
    assert "Post reply" not in html
    assert "Reopen to reply" not in html
    assert "Mark as resolved" in html  # a thread left open can still be closed
    response = clients["coordinator"].post(section_url(plan), {"thread-body": "Late"})
    assert response.status_code == 400
    assert "Comment on the current draft instead." in response.content.decode()
    assert CommentThread.objects.count() == 1


def test_section_threads_open_first_then_resolved(world: World, clients: dict[str, Client], plan: Plan) -> None:
    first = thread_start(acting_user=world.coordinator, section=section(plan), body="First remark")
    thread_start(acting_user=world.expert, section=section(plan), body="Second remark")
    thread_resolve(acting_user=world.editor, thread=first)
    html = clients["editor"].get(section_url(plan)).content.decode()
    assert html.index("Second remark") < html.index("First remark")
    assert "Threads: 1 open, 1 resolved" in html
    assert f"Resolved by {world.editor}" in html


def test_a_changed_quote_is_flagged(world: World, clients: dict[str, Client], plan: Plan) -> None:
    thread_start(acting_user=world.coordinator, section=section(plan), body="Really?", quote="12 districts")
    html = clients["editor"].get(section_url(plan)).content.decode()
    assert "this passage is no longer in the section" not in html
    Section.objects.filter(pk=section(plan).pk).update(body_en="<p>The hromada has 14 districts.</p>")
    html = clients["editor"].get(section_url(plan)).content.decode()
    assert "this passage is no longer in the section" in html


# --- the plan page -------------------------------------------------------------------------------


def test_the_plan_page_groups_threads_by_section_in_document_order(
    world: World, clients: dict[str, Client], plan: Plan
) -> None:
    thread_start(acting_user=world.coordinator, section=section(plan, "financing"), body="Financing remark")
    resolved = thread_start(acting_user=world.expert, section=section(plan, "profile"), body="Resolved remark")
    thread_start(acting_user=world.expert, section=section(plan, "profile"), body="Open remark")
    thread_resolve(acting_user=world.editor, thread=resolved)
    html = clients["coordinator"].get(plan_url(plan)).content.decode()
    profile = html.index('id="group-profile"')
    financing = html.index('id="group-financing"')
    assert profile < html.index("Open remark") < html.index("Resolved remark") < financing
    assert financing < html.index("Financing remark")
    assert 'id="group-needs"' not in html  # sections without threads are not listed as groups
    # The overview table: open threads per section, linking to each section's comments.
    assert "<caption>Open comments by section</caption>" in html
    assert f'href="{section_url(plan, "financing")}"' in html
    assert "All (3)" in html
    assert "Open (2)" in html
    assert "Resolved (1)" in html


@pytest.mark.parametrize(
    ("status", "shown", "hidden"),
    [("open", "Open remark", "Resolved remark"), ("resolved", "Resolved remark", "Open remark")],
)
def test_the_plan_page_filters_by_status(
    world: World, clients: dict[str, Client], plan: Plan, status: str, shown: str, hidden: str
) -> None:
    resolved = thread_start(acting_user=world.expert, section=section(plan), body="Resolved remark")
    thread_start(acting_user=world.expert, section=section(plan), body="Open remark")
    thread_resolve(acting_user=world.editor, thread=resolved)
    html = clients["viewer"].get(plan_url(plan), {"status": status}).content.decode()
    assert shown in html
    assert hidden not in html
    assert f'href="{plan_url(plan)}?status={status}" aria-current="page"' in html


def test_the_plan_page_without_comments_says_so(clients: dict[str, Client], plan: Plan) -> None:
    assert "Nobody has commented on this version yet." in clients["editor"].get(plan_url(plan)).content.decode()
    html = clients["editor"].get(plan_url(plan), {"status": "open"}).content.decode()
    assert "No open comments" in html


def test_the_plan_page_shows_an_earlier_version_read_only(
    world: World, clients: dict[str, Client], plan: Plan, thread: CommentThread
) -> None:
    adopt(plan)
    version_2 = PlanVersion.objects.create(plan=plan, number=2, based_on=plan.versions.get(number=1))
    Section.objects.create(plan_version=version_2, code="profile", position=1)
    current = clients["coordinator"].get(plan_url(plan)).content.decode()
    assert "Add the population figures." not in current  # the thread belongs to version 1
    old = clients["coordinator"].get(plan_url(plan), {"version": 1}).content.decode()
    assert "Add the population figures." in old
    assert "This is an earlier version (version 1)." in old
    assert "Post reply" not in old
    assert clients["coordinator"].get(plan_url(plan), {"version": 9}).status_code == 404


def test_the_plan_page_is_paginated(world: World, clients: dict[str, Client], plan: Plan) -> None:
    for number in range(23):
        thread_start(acting_user=world.coordinator, section=section(plan), body=f"Remark number {number:02d}")
    first = clients["editor"].get(plan_url(plan)).content.decode()
    assert first.count('class="comment-thread ') == 20
    assert "Page 1 of 2" in first
    assert 'href="?status=all&amp;page=2"' in first
    second = clients["editor"].get(plan_url(plan), {"status": "all", "page": "2"}).content.decode()
    assert second.count('class="comment-thread ') == 3


def test_the_plan_page_costs_a_fixed_number_of_queries(
    world: World, clients: dict[str, Client], plan: Plan, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    def add_threads(count: int) -> None:
        for number in range(count):
            code = ["profile", "needs", "financing"][number % 3]
            thread = thread_start(acting_user=world.coordinator, section=section(plan, code), body=f"Remark {number}")
            comment_reply(acting_user=world.editor, thread=thread, body="Reply")
            if number % 2:
                thread_resolve(acting_user=world.expert, thread=thread)

    add_threads(3)
    client = clients["coordinator"]
    client.get(plan_url(plan))  # warm up sessions and caches
    with django_assert_max_num_queries(16) as few:
        assert client.get(plan_url(plan)).status_code == 200
    add_threads(12)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(plan_url(plan)).status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(section_url(plan)).status_code == 200


# --- reply, resolve, reopen ----------------------------------------------------------------------


@pytest.mark.parametrize("persona", WRITERS)
def test_a_reply_without_javascript_goes_back_to_the_page(
    world: World, clients: dict[str, Client], plan: Plan, thread: CommentThread, persona: str
) -> None:
    back = f"{plan_url(plan)}?status=open"
    response = clients[persona].post(action_url("reply", thread), {"body": "Added.", "next": back})
    assert response.status_code == 302
    assert response["Location"] == f"{back}#thread-{thread.pk}"
    assert thread.comments.last().author == getattr(world, persona)  # type: ignore[union-attr]


def test_the_return_address_must_be_on_this_site(clients: dict[str, Client], plan: Plan, thread: CommentThread) -> None:
    response = clients["editor"].post(action_url("reply", thread), {"body": "Ok", "next": "https://evil.example/"})
    assert response["Location"] == f"{section_url(plan)}#thread-{thread.pk}"


def test_htmx_reply_returns_only_the_updated_thread(
    clients: dict[str, Client], plan: Plan, thread: CommentThread
) -> None:
    response = clients["editor"].post(
        action_url("reply", thread), {"body": "Added to the table.", "next": section_url(plan)}, headers=HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert html.strip().startswith(f'<article class="comment-thread is-open" id="thread-{thread.pk}"')
    assert "Add the population figures." in html
    assert "Added to the table." in html
    assert "Your reply was posted." in html
    assert f'name="next" value="{section_url(plan)}"' in html
    assert "HX-Request" in response["Vary"]
    assert thread.comments.count() == 2


def test_a_refused_reply_keeps_the_text_with_and_without_htmx(
    clients: dict[str, Client], plan: Plan, thread: CommentThread
) -> None:
    too_long = "y" * 10_001
    partial = clients["editor"].post(action_url("reply", thread), {"body": too_long}, headers=HTMX)
    assert partial.status_code == 200  # htmx swaps only successful responses
    assert "10,001 characters" in partial.content.decode()
    assert too_long in partial.content.decode()
    assert 'aria-invalid="true"' in partial.content.decode()
    page = clients["editor"].post(action_url("reply", thread), {"body": too_long, "next": plan_url(plan)})
    assert page.status_code == 400
    html = page.content.decode()
    assert "<html" in html
    assert "Your reply was not posted." in html
    assert too_long in html
    assert f'href="{plan_url(plan)}"' in html
    assert thread.comments.count() == 1


def test_replying_to_a_resolved_thread_says_to_reopen_it(
    world: World, clients: dict[str, Client], thread: CommentThread
) -> None:
    thread_resolve(acting_user=world.editor, thread=thread)
    response = clients["coordinator"].post(action_url("reply", thread), {"body": "Not quite"}, headers=HTMX)
    assert "Reopen it first" in response.content.decode()
    assert thread.comments.count() == 1


def test_resolve_and_reopen_with_htmx(world: World, clients: dict[str, Client], thread: CommentThread) -> None:
    response = clients["editor"].post(action_url("resolve", thread), headers=HTMX)
    html = response.content.decode()
    assert 'class="comment-thread is-resolved"' in html
    assert "The thread was resolved." in html
    assert f"Resolved by {world.editor}" in html
    assert "Reopen to reply" in html
    assert "Post reply" not in html
    thread.refresh_from_db()
    assert thread.resolved_by == world.editor

    again = clients["coordinator"].post(action_url("resolve", thread), headers=HTMX).content.decode()
    assert f"This thread was already resolved by {world.editor}." in again

    html = clients["coordinator"].post(action_url("reopen", thread), headers=HTMX).content.decode()
    assert 'class="comment-thread is-open"' in html
    assert "The thread was reopened." in html
    thread.refresh_from_db()
    assert thread.is_open


def test_resolve_and_reopen_without_javascript(
    world: World, clients: dict[str, Client], plan: Plan, thread: CommentThread
) -> None:
    response = clients["expert"].post(action_url("resolve", thread), {"next": plan_url(plan)})
    assert response.status_code == 302
    assert response["Location"] == f"{plan_url(plan)}#thread-{thread.pk}"
    assert "The thread was resolved." in clients["expert"].get(plan_url(plan)).content.decode()
    response = clients["expert"].post(action_url("resolve", thread), {"next": plan_url(plan)})
    assert response.status_code == 302
    assert "already resolved" in clients["expert"].get(plan_url(plan)).content.decode()
    clients["expert"].post(action_url("reopen", thread))
    thread.refresh_from_db()
    assert thread.is_open


def test_every_thread_form_works_without_javascript(
    clients: dict[str, Client], plan: Plan, thread: CommentThread
) -> None:
    html = clients["editor"].get(plan_url(plan)).content.decode()
    for name in ("reply", "resolve"):
        url = action_url(name, thread)
        assert re.search(rf'<form method="post" action="{re.escape(url)}"[^>]*hx-post="{re.escape(url)}"', html)
    assert f'<label for="reply-{thread.pk}">' in html
    assert "<script" not in html.split("</head>")[1]  # no inline script
    assert " style=" not in html
