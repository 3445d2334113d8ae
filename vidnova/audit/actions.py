"""Human-readable, translated names of the dotted action codes services write."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, Promise] = {
    "registry.loaded": _("Registry loaded"),
    "registry.security_status.set": _("Security status set"),
    "registry.security_status.updated": _("Security status period corrected"),
    "registry.security_status.imported": _("Security statuses imported from CSV"),
    "programmes.participation.added": _("Hromada added to a programme phase"),
    "programmes.participation.removed": _("Hromada removed from a programme phase"),
    "programmes.organisation.created": _("Organisation created"),
    "programmes.organisation.updated": _("Organisation updated"),
    "accounts.invitation.created": _("Invitation sent"),
    "accounts.invitation.accepted": _("Invitation accepted"),
    "accounts.invitation.revoked": _("Invitation revoked"),
    "accounts.membership.created": _("Role granted"),
    "accounts.membership.removed": _("Role removed"),
    "accounts.api_token.created": _("API token created"),
    "accounts.api_token.rotated": _("API token replaced"),
    "accounts.api_token.deleted": _("API token deleted"),
    "accounts.language.changed": _("Interface language changed"),
    "admin.created": _("Created in the administration"),
    "admin.changed": _("Changed in the administration"),
    "admin.deleted": _("Deleted in the administration"),
}


def action_label(code: str) -> str:
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code
