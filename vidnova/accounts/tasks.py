"""Background work for accounts. Tasks take ids, load the row and call a service."""

from __future__ import annotations

import logging

from django_tasks import task

from vidnova.accounts.models import Invitation
from vidnova.accounts.services import invitation_email_send

logger = logging.getLogger(__name__)


@task()
def send_invitation_email(invitation_id: int) -> bool:
    """Send the email for invitation ``invitation_id`` (enqueued after the invitation is committed)."""
    invitation = (
        Invitation.objects.select_related("programme", "hromada", "organisation", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None:
        logger.warning("Invitation %s no longer exists; no email sent.", invitation_id)
        return False
    return invitation_email_send(invitation=invitation)
