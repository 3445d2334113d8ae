"""Comment services: who may write, what is refused and why, and the audit log."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from conftest import World
from vidnova.audit.models import AuditEntry
from vidnova.plans.models import Comment, CommentThread, Plan, PlanVersion, Section
from vidnova.plans.services.comments import (
    MAX_COMMENT_CHARS,
    comment_reply,
    thread_reopen,
    thread_resolve,
    thread_start,
)
from vidnova.testing import factories

pytestmark = pytest.mark.django_db

TEXT_UK = "<p>Громада має 12 старостинських округів і <strong>потребує</strong> нових укриттів у школах.</p>"
TEXT_EN = "<p>The hromada has 12 starosta districts and needs new shelters in schools.</p>"


@pytest.fixture
def plan(world: World) -> Plan:
    return factories.make_plan(world.hromada, programme=world.programme)


def section_of(plan: Plan, code: str = "profile") -> Section:
    section = Section.objects.get(plan_version__plan=plan, plan_version__number=1, code=code)
    Section.objects.filter(pk=section.pk).update(body_uk=TEXT_UK, body_en=TEXT_EN)
    section.refresh_from_db()
    return section


def adopt(version: PlanVersion) -> None:
    PlanVersion.objects.filter(pk=version.pk).update(
        adopted_at=timezone.now(), act_date=datetime.date(2025, 6, 1), act_number="12/3", adopting_body="council"
    )
    Plan.objects.filter(pk=version.plan_id).update(public_version=version, state="adopted")


def audit(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action))


# --- starting a thread ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["coordinator", "admin", "editor", "expert"])
def test_reviewers_and_editors_start_a_thread_with_its_first_comment(world: World, plan: Plan, persona: str) -> None:
    section = section_of(plan)
    user = getattr(world, persona)
    thread = thread_start(acting_user=user, section=section, body="  Add the shelter figures.\r\nThanks.  ")
    assert thread.section == section
    assert thread.created_by == user
    assert thread.is_open
    [comment] = thread.comments.all()
    # Stored as typed: surrounding space trimmed, line ends normalised.
    assert comment.body == "Add the shelter figures.\nThanks."
    assert comment.author == user
    [entry] = audit("plans.comment.thread_started")
    assert entry.actor == user
    assert entry.object_id == str(thread.pk)
    assert entry.hromada == world.hromada
    assert entry.data["section"] == "profile"
    assert entry.data["version"] == 1
    assert entry.data["body"] == "Add the shelter figures.\nThanks."


def test_the_viewer_may_read_but_not_comment(world: World, plan: Plan) -> None:
    with pytest.raises(PermissionDenied):
        thread_start(acting_user=world.viewer, section=section_of(plan), body="Hello")
    assert not CommentThread.objects.exists()


@pytest.mark.parametrize("persona", ["outsider", "anonymous"])
def test_outsiders_do_not_learn_that_the_section_exists(world: World, plan: Plan, persona: str) -> None:
    from django.contrib.auth.models import AnonymousUser

    user = AnonymousUser() if persona == "anonymous" else world.outsider
    with pytest.raises(Http404):
        thread_start(acting_user=user, section=section_of(plan), body="Hello")
    assert not CommentThread.objects.exists()


def test_an_expert_of_another_programme_may_not_comment(world: World) -> None:
    other_programme = factories.ProgrammeFactory(slug="other-programme")
    phase = factories.PhaseFactory(programme=other_programme, number=1)
    factories.ParticipationFactory(phase=phase, hromada=world.hromada)
    plan = factories.make_plan(world.hromada, programme=other_programme)
    with pytest.raises(Http404):
        thread_start(acting_user=world.expert, section=section_of(plan), body="Hello")


def test_html_is_stored_as_typed_not_interpreted(world: World, plan: Plan) -> None:
    body = '<script>alert("x")</script> <b>bold</b> & 5 < 6'
    thread = thread_start(acting_user=world.coordinator, section=section_of(plan), body=body)
    assert thread.comments.get().body == body


@pytest.mark.parametrize("body", ["", "   ", "\n\r\n\t"])
def test_an_empty_comment_is_refused(world: World, plan: Plan, body: str) -> None:
    with pytest.raises(ValidationError) as raised:
        thread_start(acting_user=world.coordinator, section=section_of(plan), body=body)
    assert raised.value.message_dict == {"body": ["Write a comment."]}
    assert not CommentThread.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="plans.comment").exists()


def test_a_comment_over_the_limit_is_refused_with_the_numbers_not_truncated(world: World, plan: Plan) -> None:
    section = section_of(plan)
    with pytest.raises(ValidationError) as raised:
        thread_start(acting_user=world.coordinator, section=section, body="я" * (MAX_COMMENT_CHARS + 1))
    [message] = raised.value.message_dict["body"]
    assert "10,001 characters" in message
    assert "the limit is 10,000" in message
    assert "nothing was saved" in message
    assert not CommentThread.objects.exists()
    assert not Comment.objects.exists()
    # Exactly at the limit is fine.
    thread = thread_start(acting_user=world.coordinator, section=section, body="я" * MAX_COMMENT_CHARS)
    assert len(thread.comments.get().body) == MAX_COMMENT_CHARS


@pytest.mark.parametrize(
    "quote",
    [
        "потребує нових укриттів",  # across an HTML tag
        "  12   старостинських\nокругів ",  # blank space differs
        "NEW SHELTERS in schools",  # English text, other case
    ],
)
def test_a_quote_from_the_section_is_kept_normalised(world: World, plan: Plan, quote: str) -> None:
    thread = thread_start(acting_user=world.expert, section=section_of(plan), body="Which schools?", quote=quote)
    assert thread.quote == " ".join(quote.split())


def test_a_quote_may_come_from_a_table_cell(world: World, plan: Plan) -> None:
    section = section_of(plan)
    Section.objects.filter(pk=section.pk).update(
        tables={"key_figures": [{"indicator": "Населення", "value": "27 400", "source": "ЦВК"}]}
    )
    section.refresh_from_db()
    thread = thread_start(acting_user=world.expert, section=section, body="Source year?", quote="27 400")
    assert thread.quote == "27 400"


def test_a_quote_not_in_the_section_is_refused(world: World, plan: Plan) -> None:
    with pytest.raises(ValidationError) as raised:
        thread_start(acting_user=world.coordinator, section=section_of(plan), body="Hm", quote="not in the text")
    assert "not in the text of this section" in raised.value.message_dict["quote"][0]
    assert not CommentThread.objects.exists()


def test_a_quote_over_500_characters_is_refused(world: World, plan: Plan) -> None:
    section = section_of(plan)
    long_text = "слово " * 120
    Section.objects.filter(pk=section.pk).update(body_uk=f"<p>{long_text}</p>")
    section.refresh_from_db()
    with pytest.raises(ValidationError) as raised:
        thread_start(acting_user=world.coordinator, section=section, body="Too long", quote=long_text)
    assert "the limit is 500" in raised.value.message_dict["quote"][0]


def test_every_problem_is_reported_at_once(world: World, plan: Plan) -> None:
    with pytest.raises(ValidationError) as raised:
        thread_start(acting_user=world.coordinator, section=section_of(plan), body=" ", quote="elsewhere")
    assert set(raised.value.message_dict) == {"body", "quote"}


def test_no_thread_on_an_adopted_version(world: World, plan: Plan) -> None:
    section = section_of(plan)
    adopt(section.plan_version)
    with pytest.raises(ValidationError) as raised:
        thread_start(acting_user=world.coordinator, section=section, body="Late remark")
    assert "Comment on the current draft instead" in raised.value.messages[0]
    assert not CommentThread.objects.exists()


def test_the_system_may_comment_without_a_user(world: World, plan: Plan) -> None:
    thread = thread_start(acting_user=None, section=section_of(plan), body="Imported remark")
    assert thread.created_by is None
    assert audit("plans.comment.thread_started")[0].actor_label == "system"


# --- replies -------------------------------------------------------------------------------------


@pytest.fixture
def thread(world: World, plan: Plan) -> CommentThread:
    return thread_start(acting_user=world.coordinator, section=section_of(plan), body="Add the figures.")


def test_a_reply_is_added_and_audited(world: World, thread: CommentThread) -> None:
    comment = comment_reply(acting_user=world.editor, thread=thread, body="Added in the table.")
    assert list(thread.comments.values_list("body", flat=True)) == ["Add the figures.", "Added in the table."]
    assert comment.author == world.editor
    [entry] = audit("plans.comment.replied")
    assert entry.actor == world.editor
    assert entry.data["comment"] == comment.pk
    assert entry.hromada == world.hromada


def test_the_viewer_may_not_reply(world: World, thread: CommentThread) -> None:
    with pytest.raises(PermissionDenied):
        comment_reply(acting_user=world.viewer, thread=thread, body="Me too")
    with pytest.raises(Http404):
        comment_reply(acting_user=world.outsider, thread=thread, body="Me too")
    assert thread.comments.count() == 1


def test_a_reply_is_validated_like_a_comment(world: World, thread: CommentThread) -> None:
    with pytest.raises(ValidationError) as raised:
        comment_reply(acting_user=world.editor, thread=thread, body="x" * (MAX_COMMENT_CHARS + 5))
    assert "10,005 characters" in raised.value.message_dict["body"][0]
    assert thread.comments.count() == 1


def test_replying_to_a_resolved_thread_is_refused_until_it_is_reopened(world: World, thread: CommentThread) -> None:
    thread_resolve(acting_user=world.editor, thread=thread)
    with pytest.raises(ValidationError) as raised:
        comment_reply(acting_user=world.coordinator, thread=thread, body="Not quite")
    assert raised.value.messages == ["This thread is resolved. Reopen it first if there is more to discuss."]
    assert thread.comments.count() == 1
    thread_reopen(acting_user=world.coordinator, thread=thread)
    comment_reply(acting_user=world.coordinator, thread=thread, body="Not quite")
    assert thread.comments.count() == 2


def test_no_reply_on_an_adopted_version(world: World, thread: CommentThread) -> None:
    adopt(thread.section.plan_version)
    with pytest.raises(ValidationError) as raised:
        comment_reply(acting_user=world.editor, thread=thread, body="Done")
    assert "current draft" in raised.value.messages[0]


# --- resolving and reopening ---------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["editor", "coordinator", "expert"])
def test_anyone_who_may_comment_resolves_and_reopens(world: World, thread: CommentThread, persona: str) -> None:
    user = getattr(world, persona)
    resolved = thread_resolve(acting_user=user, thread=thread)
    assert not resolved.is_open
    assert resolved.resolved_by == user
    thread.refresh_from_db()
    assert thread.resolved_at is not None
    [entry] = audit("plans.comment.resolved")
    assert entry.changes == {"status": ["open", "resolved"]}
    assert entry.actor == user

    reopened = thread_reopen(acting_user=user, thread=thread)
    assert reopened.is_open
    thread.refresh_from_db()
    assert thread.resolved_at is None
    assert thread.resolved_by is None
    [entry] = audit("plans.comment.reopened")
    assert entry.changes == {"status": ["resolved", "open"]}


def test_the_viewer_may_not_resolve_or_reopen(world: World, thread: CommentThread) -> None:
    with pytest.raises(PermissionDenied):
        thread_resolve(acting_user=world.viewer, thread=thread)
    thread_resolve(acting_user=world.editor, thread=thread)
    with pytest.raises(PermissionDenied):
        thread_reopen(acting_user=world.viewer, thread=thread)
    thread.refresh_from_db()
    assert not thread.is_open


def test_resolving_twice_or_reopening_an_open_thread_is_refused(world: World, thread: CommentThread) -> None:
    with pytest.raises(ValidationError, match="already open"):
        thread_reopen(acting_user=world.editor, thread=thread)
    thread_resolve(acting_user=world.editor, thread=thread)
    with pytest.raises(ValidationError) as raised:
        thread_resolve(acting_user=world.coordinator, thread=thread)
    assert raised.value.messages == [f"This thread was already resolved by {world.editor}."]
    assert len(audit("plans.comment.resolved")) == 1


def test_a_thread_left_open_at_adoption_can_be_resolved_but_not_reopened(world: World, thread: CommentThread) -> None:
    adopt(thread.section.plan_version)
    thread_resolve(acting_user=world.editor, thread=thread)
    thread.refresh_from_db()
    assert not thread.is_open
    with pytest.raises(ValidationError, match="current draft"):
        thread_reopen(acting_user=world.coordinator, thread=thread)
