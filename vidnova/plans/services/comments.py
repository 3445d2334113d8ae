"""Review comments on plan sections: threads that coordinators, partner experts and the hromada's
editors start, answer, resolve and reopen.

Comments are plain text: stored as typed (surrounding blank space trimmed, line ends normalised) and
escaped when shown, never interpreted as HTML. A thread starts with its first comment and may quote
the passage of the section it is about. Threads belong to one section of one version; an adopted
version is frozen, so nobody starts or continues a discussion there (the current draft is the place),
but a thread left open at adoption can still be resolved, so the "open comments" count can reach zero.

After the commit, the people concerned get an email (vidnova.plans.tasks_comments): the hromada's
editors when a reviewer starts a thread, and the thread's participants when someone replies, resolves
or reopens it, each in their own language.
"""

from __future__ import annotations

import enum
import logging
import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from vidnova.accounts import access
from vidnova.accounts.access import Action, AnyUser, require
from vidnova.accounts.models import Role, User
from vidnova.audit.models import AuditEntry
from vidnova.audit.services import record
from vidnova.plans import text
from vidnova.plans.models import Comment, CommentThread, Plan, Section
from vidnova.plans.services.plans import actor

logger = logging.getLogger(__name__)

# A comment is a remark, not a section: 10,000 characters is about four pages of text.
MAX_COMMENT_CHARS = 10_000
# Matches CommentThread.quote (max_length=500).
MAX_QUOTE_CHARS = 500

_SPACE = re.compile(r"\s+")


class CommentEvent(enum.StrEnum):
    """What happened to a thread; decides who is told and what the email says."""

    STARTED = "started"
    REPLIED = "replied"
    RESOLVED = "resolved"
    REOPENED = "reopened"


# --- validation ----------------------------------------------------------------------------------


def clean_body(body: str) -> str:
    """The comment as typed, with surrounding blank space trimmed and line ends normalised; refused
    when empty or longer than the limit (never truncated)."""
    cleaned = (body or "").replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "").strip()
    if not cleaned:
        raise ValidationError({"body": ValidationError(gettext("Write a comment."), code="required")})
    if len(cleaned) > MAX_COMMENT_CHARS:
        raise ValidationError(
            {
                "body": ValidationError(
                    gettext(
                        "The comment is too long: %(length)s characters, the limit is %(limit)s. Shorten it or "
                        "split it over several replies; nothing was saved."
                    )
                    % {"length": f"{len(cleaned):,}", "limit": f"{MAX_COMMENT_CHARS:,}"},
                    code="too_long",
                )
            }
        )
    return cleaned


def _normalise(value: str) -> str:
    return _SPACE.sub(" ", value).strip()


def section_plain_text(section: Section) -> str:
    """Everything a reader sees in the section, as one line of words: both languages and every cell
    of its tables. Used to check that a quote is a passage of the section."""
    parts = [text.plain_text(section.body_uk), text.plain_text(section.body_en)]
    for rows in (section.tables or {}).values():
        for row in rows if isinstance(rows, list) else []:
            if isinstance(row, dict):
                parts.extend(str(value) for value in row.values() if value not in (None, ""))
    return _normalise(" ".join(parts))


def quote_in_section(quote: str, section: Section, *, plain: str | None = None) -> bool:
    """Is ``quote`` (blank space and case aside) a passage of the section's text as it is now?
    ``plain`` is the section's ``section_plain_text`` when the caller has it already."""
    haystack = section_plain_text(section) if plain is None else plain
    return _normalise(quote).casefold() in haystack.casefold()


def clean_quote(quote: str, *, section: Section) -> str:
    cleaned = _normalise((quote or "").replace("\x00", ""))
    if not cleaned:
        return ""
    if len(cleaned) > MAX_QUOTE_CHARS:
        raise ValidationError(
            {
                "quote": ValidationError(
                    gettext(
                        "The quoted passage is too long: %(length)s characters, the limit is %(limit)s. Quote "
                        "only the words your comment is about."
                    )
                    % {"length": f"{len(cleaned):,}", "limit": f"{MAX_QUOTE_CHARS:,}"},
                    code="too_long",
                )
            }
        )
    if not quote_in_section(cleaned, section):
        raise ValidationError(
            {
                "quote": ValidationError(
                    gettext(
                        "The quoted passage is not in the text of this section. Copy it from the section as it "
                        "is now, or leave the quote empty."
                    ),
                    code="not_in_section",
                )
            }
        )
    return cleaned


def _refuse_frozen(thread_or_section: CommentThread | Section) -> None:
    section = thread_or_section.section if isinstance(thread_or_section, CommentThread) else thread_or_section
    version = section.plan_version
    if version.is_frozen:
        raise ValidationError(
            gettext(
                "Version %(number)s of this plan is adopted and can no longer be discussed. Comment on the "
                "current draft instead."
            )
            % {"number": version.number},
            code="frozen",
        )


def _require_comment(acting_user: AnyUser | None, obj: CommentThread | Section) -> None:
    if acting_user is not None:
        visible_with = Action.VIEW if isinstance(obj, CommentThread) else Action.VIEW_PRIVATE
        require(acting_user, Action.COMMENT, obj, visible_with=visible_with)


def _lock_thread(thread: CommentThread) -> CommentThread:
    return (
        CommentThread.objects.select_for_update(of=("self",))
        .select_related("section__plan_version__plan__hromada", "resolved_by")
        .get(pk=thread.pk)
    )


def _plan_of(thread: CommentThread) -> Plan:
    return thread.section.plan_version.plan


def _notify_after_commit(
    thread: CommentThread, event: CommentEvent, acting: User | None, comment_id: int | None
) -> None:
    thread_id = thread.pk
    actor_id = acting.pk if acting is not None else None
    transaction.on_commit(lambda: _enqueue_notifications(thread_id, event, actor_id, comment_id))


def _enqueue_notifications(thread_id: int, event: CommentEvent, actor_id: int | None, comment_id: int | None) -> None:
    from vidnova.plans.tasks_comments import send_comment_notifications

    send_comment_notifications.enqueue(thread_id, event.value, actor_id, comment_id)


# --- writes --------------------------------------------------------------------------------------


def thread_start(*, acting_user: AnyUser | None, section: Section, body: str, quote: str = "") -> CommentThread:
    """Start a thread on ``section`` with its first comment, optionally quoting a passage of it.

    Refused on an adopted (frozen) version. The hromada's editors are told by email when a reviewer
    (a coordinator or partner expert) starts it.
    """
    with transaction.atomic():
        section = (
            Section.objects.select_for_update(of=("self",))
            .select_related("plan_version__plan__hromada")
            .get(pk=section.pk)
        )
        _require_comment(acting_user, section)
        _refuse_frozen(section)
        errors: dict[str, Any] = {}
        try:
            body = clean_body(body)
        except ValidationError as error:
            errors.update(error.error_dict)
        try:
            quote = clean_quote(quote, section=section)
        except ValidationError as error:
            errors.update(error.error_dict)
        if errors:
            raise ValidationError(errors)
        author = actor(acting_user)
        thread = CommentThread.objects.create(section=section, quote=quote, created_by=author)
        comment = Comment.objects.create(thread=thread, author=author, body=body)
        plan = section.plan_version.plan
        record(
            actor=author,
            action="plans.comment.thread_started",
            target=thread,
            data={
                "plan": plan.pk,
                "version": section.plan_version.number,
                "section": section.code,
                "quote": quote,
                "comment": comment.pk,
                "body": body,
            },
            hromada=plan.hromada,
        )
        _notify_after_commit(thread, CommentEvent.STARTED, author, comment.pk)
    return thread


def comment_reply(*, acting_user: AnyUser | None, thread: CommentThread, body: str) -> Comment:
    """Add a reply to an open thread. A resolved thread must be reopened first; the thread's other
    participants are told by email."""
    with transaction.atomic():
        thread = _lock_thread(thread)
        _require_comment(acting_user, thread)
        _refuse_frozen(thread)
        if not thread.is_open:
            raise ValidationError(
                gettext("This thread is resolved. Reopen it first if there is more to discuss."), code="resolved"
            )
        body = clean_body(body)
        author = actor(acting_user)
        comment = Comment.objects.create(thread=thread, author=author, body=body)
        plan = _plan_of(thread)
        record(
            actor=author,
            action="plans.comment.replied",
            target=thread,
            data={"plan": plan.pk, "section": thread.section.code, "comment": comment.pk, "body": body},
            hromada=plan.hromada,
        )
        _notify_after_commit(thread, CommentEvent.REPLIED, author, comment.pk)
    return comment


def thread_resolve(*, acting_user: AnyUser | None, thread: CommentThread) -> CommentThread:
    """Mark the thread as dealt with. Allowed on an adopted version too, so threads left open at
    adoption can be closed."""
    with transaction.atomic():
        thread = _lock_thread(thread)
        _require_comment(acting_user, thread)
        if not thread.is_open:
            who = thread.resolved_by or gettext("someone")
            raise ValidationError(
                gettext("This thread was already resolved by %(name)s.") % {"name": who}, code="already_resolved"
            )
        author = actor(acting_user)
        thread.resolved_at = timezone.now()
        thread.resolved_by = author
        thread.save(update_fields=["resolved_at", "resolved_by", "updated_at"])
        plan = _plan_of(thread)
        record(
            actor=author,
            action="plans.comment.resolved",
            target=thread,
            changes={"status": ["open", "resolved"]},
            data={"plan": plan.pk, "section": thread.section.code},
            hromada=plan.hromada,
        )
        _notify_after_commit(thread, CommentEvent.RESOLVED, author, None)
    return thread


def thread_reopen(*, acting_user: AnyUser | None, thread: CommentThread) -> CommentThread:
    """Open a resolved thread again (not on an adopted version: discuss the current draft instead)."""
    with transaction.atomic():
        thread = _lock_thread(thread)
        _require_comment(acting_user, thread)
        _refuse_frozen(thread)
        if thread.is_open:
            raise ValidationError(gettext("This thread is already open."), code="already_open")
        before = {"resolved_by": str(thread.resolved_by or ""), "resolved_at": thread.resolved_at}
        thread.resolved_at = None
        thread.resolved_by = None
        thread.save(update_fields=["resolved_at", "resolved_by", "updated_at"])
        plan = _plan_of(thread)
        author = actor(acting_user)
        record(
            actor=author,
            action="plans.comment.reopened",
            target=thread,
            changes={"status": ["resolved", "open"]},
            data={"plan": plan.pk, "section": thread.section.code, "previously": before},
            hromada=plan.hromada,
        )
        _notify_after_commit(thread, CommentEvent.REOPENED, author, None)
    return thread


# --- emails --------------------------------------------------------------------------------------


def _participants(thread: CommentThread) -> list[User]:
    """Everyone who took part: who started the thread, wrote in it, or resolved or reopened it (the
    audit log remembers who resolved it after a reopening has cleared ``resolved_by``)."""
    state_changers = AuditEntry.objects.filter(
        action__in=["plans.comment.resolved", "plans.comment.reopened"],
        content_type=ContentType.objects.get_for_model(CommentThread),
        object_id=str(thread.pk),
    ).values_list("actor_id", flat=True)
    candidates = [
        thread.created_by_id,
        thread.resolved_by_id,
        *thread.comments.values_list("author_id", flat=True),
        *state_changers,
    ]
    ids = {pk for pk in candidates if pk is not None}
    return list(User.objects.filter(pk__in=ids, is_active=True))


def _hromada_editors(plan: Plan) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True, memberships__role=Role.HROMADA_EDITOR, memberships__hromada_id=plan.hromada_id
        ).distinct()
    )


def notification_recipients(*, thread: CommentThread, event: CommentEvent, acting: User | None) -> list[User]:
    """Who is told about ``event``: for a new thread, the hromada's editors (when a reviewer started
    it; the hromada's own notes tell nobody); otherwise everyone who took part in the thread. Never the
    person who acted, and only people who may still read the plan's comments."""
    plan = _plan_of(thread)
    if event == CommentEvent.STARTED:
        if acting is not None and plan.hromada_id in access.roles_of(acting).hromada_editor_of:
            return []
        candidates: Iterable[User] = _hromada_editors(plan)
    else:
        candidates = _participants(thread)
    acting_id = acting.pk if acting is not None else None
    recipients = [
        user
        for user in candidates
        if user.pk != acting_id and user.email and access.can(user, Action.VIEW_PRIVATE, plan)
    ]
    return sorted(recipients, key=lambda user: user.email)


def recipient_language(user: User) -> str:
    """The recipient's chosen language, Ukrainian until they choose."""
    languages = dict(settings.LANGUAGES)
    return user.preferred_language if user.preferred_language in languages else "uk"


def thread_url(thread: CommentThread) -> str:
    section = thread.section
    path = reverse("plans:section-comments", kwargs={"pk": section.plan_version.plan_id, "code": section.code})
    return f"{settings.SITE_URL}{path}#thread-{thread.pk}"


def comment_notification_send(
    *, thread: CommentThread, event: CommentEvent, acting: User | None, comment: Comment | None
) -> int:
    """Email everyone concerned by ``event``, each in their language; returns how many were sent."""
    recipients = notification_recipients(thread=thread, event=event, acting=acting)
    if not recipients:
        return 0
    plan = _plan_of(thread)
    messages = []
    for recipient in recipients:
        language = recipient_language(recipient)
        with translation.override(language):
            context = {
                "event": event.value,
                "language": language,
                "recipient": recipient,
                "actor_name": str(acting) if acting is not None else gettext("Vidnova"),
                "plan_title": plan.title,
                "hromada": plan.hromada.name_uk
                if language == "uk"
                else (plan.hromada.name_en or plan.hromada.name_latin),
                "section_title": thread.section.get_code_display(),
                "version_number": thread.section.plan_version.number,
                "quote": thread.quote,
                "comment": comment,
                "thread_url": thread_url(thread),
                "as_editor": event == CommentEvent.STARTED,
                "site_url": settings.SITE_URL,
            }
            subject = " ".join(render_to_string("plans/email/comment_subject.txt", context).split())
            text_body = render_to_string("plans/email/comment_body.txt", context)
            html_body = render_to_string("plans/email/comment_body.html", context)
        message = mail.EmailMultiAlternatives(
            subject=subject, body=text_body, from_email=settings.DEFAULT_FROM_EMAIL, to=[recipient.email]
        )
        message.attach_alternative(html_body, "text/html")
        messages.append(message)
    with mail.get_connection() as connection:
        sent = connection.send_messages(messages)
    return int(sent or 0)
