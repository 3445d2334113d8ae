"""Background work for review comments: the emails that tell people about a thread. Tasks take ids,
load the rows (tolerating that they have gone) and call the service."""

from __future__ import annotations

import logging

from django_tasks import task

from vidnova.accounts.models import User
from vidnova.plans.models import Comment, CommentThread
from vidnova.plans.services.comments import CommentEvent, comment_notification_send

logger = logging.getLogger(__name__)


@task()
def send_comment_notifications(
    thread_id: int, event: str, actor_id: int | None = None, comment_id: int | None = None
) -> int:
    """Email the people concerned by ``event`` ("started", "replied", "resolved", "reopened") on thread
    ``thread_id``; enqueued after the change is committed. Returns the number of emails sent."""
    thread = (
        CommentThread.objects.select_related("section__plan_version__plan__hromada", "created_by", "resolved_by")
        .filter(pk=thread_id)
        .first()
    )
    if thread is None:
        logger.warning("Comment thread %s no longer exists; no email sent.", thread_id)
        return 0
    try:
        kind = CommentEvent(event)
    except ValueError:
        logger.error("Unknown comment event %r for thread %s; no email sent.", event, thread_id)
        return 0
    acting = User.objects.filter(pk=actor_id).first() if actor_id is not None else None
    comment = Comment.objects.filter(pk=comment_id, thread=thread).first() if comment_id is not None else None
    if comment_id is not None and comment is None:
        logger.warning("Comment %s no longer exists; no email sent.", comment_id)
        return 0
    return comment_notification_send(thread=thread, event=kind, acting=acting, comment=comment)
