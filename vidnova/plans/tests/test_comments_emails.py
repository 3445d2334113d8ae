"""Comment emails: sent after the commit by the background task, to the people concerned, each in
their own language (Ukrainian until they choose)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from conftest import World
from vidnova.accounts.models import Membership, Role, User
from vidnova.plans.models import CommentThread, Plan, Section
from vidnova.plans.services.comments import comment_reply, thread_reopen, thread_resolve, thread_start
from vidnova.plans.tasks_comments import send_comment_notifications
from vidnova.testing import factories

pytestmark = pytest.mark.django_db

Capture = Callable[..., Any]


@pytest.fixture
def plan(world: World) -> Plan:
    return factories.make_plan(world.hromada, programme=world.programme)


@pytest.fixture
def section(plan: Plan) -> Section:
    section = Section.objects.get(plan_version__plan=plan, code="needs")
    Section.objects.filter(pk=section.pk).update(body_uk="<p>Потреби внутрішньо переміщених осіб</p>")
    section.refresh_from_db()
    return section


@pytest.fixture
def english_editor(world: World) -> User:
    user = factories.UserFactory(email="second.editor@example.org", preferred_language="en")
    factories.MembershipFactory(user=user, role=Role.HROMADA_EDITOR, hromada=world.hromada)
    return user


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def message_to(address: str) -> EmailMultiAlternatives:
    [message] = [message for message in mail.outbox if message.to == [address]]
    assert isinstance(message, EmailMultiAlternatives)
    return message


def start(world: World, section: Section, capture: Capture, *, by: str = "coordinator", **kwargs: Any) -> CommentThread:
    with capture(execute=True):
        return thread_start(acting_user=getattr(world, by), section=section, body="Додайте дані опитування.", **kwargs)


@pytest.mark.parametrize("by", ["coordinator", "expert"])
def test_a_reviewer_starting_a_thread_tells_every_editor_of_the_hromada(
    world: World, section: Section, english_editor: User, django_capture_on_commit_callbacks: Capture, by: str
) -> None:
    thread = start(world, section, django_capture_on_commit_callbacks, by=by, quote="внутрішньо переміщених")
    # Editors only: not the viewer, not other reviewers, not the author.
    assert recipients() == ["editor@example.org", "second.editor@example.org"]

    ukrainian = message_to("editor@example.org")  # has not chosen a language: Ukrainian
    assert ukrainian.body.startswith("Добрий день!")
    assert "Додайте дані опитування." in ukrainian.body
    assert "> внутрішньо переміщених" in ukrainian.body
    path = reverse("plans:section-comments", kwargs={"pk": section.plan_version.plan_id, "code": "needs"})
    assert f"http://127.0.0.1:8000{path}#thread-{thread.pk}" in ukrainian.body
    html, mimetype = ukrainian.alternatives[0]
    assert mimetype == "text/html"
    assert '<html lang="uk">' in str(html)

    english = message_to("second.editor@example.org")
    assert english.body.startswith("Hello,")
    assert english.subject == "New comment on “Needs by sector and population group”: Recovery plan"
    assert str(getattr(world, by)) in english.body
    assert "because you are an editor of this hromada" in english.body
    assert '<html lang="en">' in str(english.alternatives[0][0])


def test_the_hromadas_own_note_tells_nobody(
    world: World, section: Section, english_editor: User, django_capture_on_commit_callbacks: Capture
) -> None:
    start(world, section, django_capture_on_commit_callbacks, by="editor")
    assert mail.outbox == []


def test_nothing_is_sent_when_the_transaction_does_not_commit(
    world: World, section: Section, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        thread_start(acting_user=world.coordinator, section=section, body="Draft remark")
    assert len(callbacks) == 1
    assert mail.outbox == []


def test_a_refused_comment_sends_nothing(
    world: World, section: Section, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError, match="Write a comment"):
        thread_start(acting_user=world.coordinator, section=section, body="")
    assert mail.outbox == []


def test_a_reply_tells_the_participants_except_its_author(
    world: World, section: Section, english_editor: User, django_capture_on_commit_callbacks: Capture
) -> None:
    thread = start(world, section, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        comment_reply(acting_user=world.expert, thread=thread, body="I agree.")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        comment_reply(acting_user=world.editor, thread=thread, body="Added <b>the</b> survey.")
    # The coordinator and the expert took part; the second editor did not, the author is not told.
    assert recipients() == ["coordinator@example.org", "expert@example.org"]
    message = message_to("coordinator@example.org")
    assert message.body.startswith("Добрий день!")  # the coordinator has not chosen a language
    assert "Added <b>the</b> survey." in message.body  # plain text as typed
    html = str(message.alternatives[0][0])
    assert "Added &lt;b&gt;the&lt;/b&gt; survey." in html  # escaped in HTML
    assert "<b>the</b>" not in html


def test_resolving_and_reopening_tell_the_participants(
    world: World, section: Section, django_capture_on_commit_callbacks: Capture
) -> None:
    world.coordinator.preferred_language = "en"
    world.coordinator.save(update_fields=["preferred_language"])
    thread = start(world, section, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        comment_reply(acting_user=world.expert, thread=thread, body="Seconded.")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        thread_resolve(acting_user=world.editor, thread=thread)
    assert recipients() == ["coordinator@example.org", "expert@example.org"]
    message = message_to("coordinator@example.org")
    assert message.subject.startswith("Comment resolved on “Needs by sector and population group”")
    assert f"{world.editor} resolved a comment thread" in message.body
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        thread_reopen(acting_user=world.coordinator, thread=thread)
    # The editor resolved it, so now takes part too; the coordinator acted.
    assert recipients() == ["editor@example.org", "expert@example.org"]


def test_people_who_lost_access_are_not_told(
    world: World, section: Section, django_capture_on_commit_callbacks: Capture
) -> None:
    thread = start(world, section, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        comment_reply(acting_user=world.expert, thread=thread, body="Seconded.")
    Membership.objects.filter(user=world.expert).delete()
    world.coordinator.is_active = False
    world.coordinator.save(update_fields=["is_active"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        comment_reply(acting_user=world.editor, thread=thread, body="Done.")
    assert mail.outbox == []


def test_the_task_tolerates_rows_that_have_gone(world: World, section: Section) -> None:
    assert send_comment_notifications.enqueue(999_999, "started").return_value == 0
    thread = thread_start(acting_user=world.coordinator, section=section, body="Remark")
    assert send_comment_notifications.enqueue(thread.pk, "replied", world.editor.pk, 999_999).return_value == 0
    assert send_comment_notifications.enqueue(thread.pk, "exploded").return_value == 0
    assert mail.outbox == []
    # Run directly with ids, as the worker does.
    sent = send_comment_notifications.enqueue(thread.pk, "started", world.coordinator.pk, thread.comments.get().pk)
    assert sent.return_value == 1
    assert recipients() == ["editor@example.org"]
