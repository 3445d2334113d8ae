"""Comment selectors: order (document order, open first), grouping, counts, and a fixed number of
queries however many threads and comments there are."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from conftest import World
from vidnova.plans import selectors
from vidnova.plans.models import CommentThread, Plan, Section
from vidnova.plans.selectors import comments as comment_selectors
from vidnova.plans.services.comments import comment_reply, thread_resolve, thread_start
from vidnova.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(world: World) -> Plan:
    plan = factories.make_plan(world.hromada, programme=world.programme)
    Section.objects.filter(plan_version__plan=plan, code="swot").update(body_uk="<p>Сильні сторони: річковий порт</p>")
    return plan


def section(plan: Plan, code: str) -> Section:
    return Section.objects.get(plan_version__plan=plan, code=code)


def start(world: World, plan: Plan, code: str, body: str, **kwargs: Any) -> CommentThread:
    return thread_start(acting_user=world.coordinator, section=section(plan, code), body=body, **kwargs)


def test_section_threads_open_first_oldest_first_then_latest_resolved(world: World, plan: Plan) -> None:
    a = start(world, plan, "swot", "a")
    b = start(world, plan, "swot", "b")
    c = start(world, plan, "swot", "c")
    d = start(world, plan, "swot", "d")
    thread_resolve(acting_user=world.editor, thread=a)
    thread_resolve(acting_user=world.editor, thread=c)
    start(world, plan, "vision", "elsewhere")
    ordered = list(comment_selectors.section_threads(section(plan, "swot")))
    assert ordered == [b, d, c, a]
    assert list(comment_selectors.section_threads(section(plan, "swot"), status="open")) == [b, d]
    assert list(comment_selectors.section_threads(section(plan, "swot"), status="resolved")) == [c, a]


def test_version_threads_are_in_document_order(world: World, plan: Plan) -> None:
    monitoring = start(world, plan, "monitoring", "m")
    profile = start(world, plan, "profile", "p")
    swot = start(world, plan, "swot", "s")
    version = selectors.current_version(plan)
    assert list(comment_selectors.version_threads(version)) == [profile, swot, monitoring]
    assert list(comment_selectors.version_threads(version, section_code="swot")) == [swot]


def test_open_threads_grouped_by_section_and_counts(world: World, plan: Plan) -> None:
    first = start(world, plan, "swot", "s1")
    start(world, plan, "swot", "s2")
    start(world, plan, "profile", "p1")
    thread_resolve(acting_user=world.editor, thread=start(world, plan, "vision", "v1"))
    thread_resolve(acting_user=world.editor, thread=first)
    version = selectors.current_version(plan)
    groups = comment_selectors.open_threads_by_section(version)
    assert [(group.section.code, group.open_count) for group in groups] == [("profile", 1), ("swot", 1)]
    assert groups[1].spec.code == "swot"
    assert comment_selectors.open_counts(version) == {"profile": 1, "swot": 1}
    assert comment_selectors.status_counts(version) == {"open": 2, "resolved": 2, "all": 4}
    assert comment_selectors.status_counts(version, section=section(plan, "swot")) == {
        "open": 1,
        "resolved": 1,
        "all": 2,
    }


def test_outdated_quotes(world: World, plan: Plan) -> None:
    quoted = start(world, plan, "swot", "Port?", quote="річковий порт")
    plain = start(world, plan, "swot", "No quote")
    assert comment_selectors.outdated_quotes([quoted, plain]) == set()
    Section.objects.filter(pk=quoted.section_id).update(body_uk="<p>Сильні сторони: залізниця</p>")
    assert comment_selectors.outdated_quotes([quoted, plain]) == {quoted.pk}


def test_a_fixed_number_of_queries(world: World, plan: Plan, django_assert_num_queries: Callable[..., Any]) -> None:
    for number in range(12):
        thread = start(world, plan, ["profile", "swot", "goals"][number % 3], f"remark {number}")
        comment_reply(acting_user=world.editor, thread=thread, body="reply")
        comment_reply(acting_user=world.expert, thread=thread, body="reply 2")
    version = selectors.current_version(plan)
    with django_assert_num_queries(2):  # threads with starter, resolver and section; comments with authors
        threads = list(comment_selectors.version_threads(version))
        rendered = [(str(t.created_by), t.section.code, [str(c.author) for c in t.comments.all()]) for t in threads]
    assert len(rendered) == 12
    assert all(len(comments) == 3 for _, _, comments in rendered)
    with django_assert_num_queries(3):  # the above plus the sections
        groups = comment_selectors.open_threads_by_section(version)
    assert [group.section.code for group in groups] == ["profile", "swot", "goals"]
    with django_assert_num_queries(1):
        comment_selectors.open_counts(version)
