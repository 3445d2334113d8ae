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
    "plans.plan.created": _("Plan created"),
    "plans.plan.updated": _("Plan description changed"),
    "plans.document.added": _("Higher-level document linked to a plan"),
    "plans.document.removed": _("Higher-level document unlinked from a plan"),
    "plans.section.saved": _("Plan section saved"),
    "plans.section.tables_saved": _("Plan section table saved"),
    "plans.section.profile_inserted": _("Registry figures inserted into a plan section"),
    "plans.section.restored": _("Earlier text of a plan section restored"),
    "plans.plan.transitioned": _("Plan moved to another stage"),
    "plans.plan.adopted": _("Plan adoption recorded"),
    "plans.plan.registered": _("Plan registration recorded"),
    "plans.plan.amendment_started": _("Plan amendment started"),
    "plans.version.dates_set": _("Participation dates of a plan set"),
    "plans.principle.updated": _("Plan principles checklist updated"),
    "plans.goal.created": _("Goal added to a goal tree"),
    "plans.goal.updated": _("Goal changed"),
    "plans.goal.deleted": _("Goal removed from a goal tree"),
    "plans.goal.moved": _("Goal tree reordered"),
    "plans.comment.thread_started": _("Comment on a plan section"),
    "plans.comment.replied": _("Reply to a comment"),
    "plans.comment.resolved": _("Comment resolved"),
    "plans.comment.reopened": _("Comment reopened"),
    "plans.export.requested": _("Plan document requested"),
    "plans.export.finished": _("Plan document generated"),
    "plans.export.failed": _("Plan document could not be generated"),
    "plans.export.pruned": _("Old plan documents deleted"),
    "assessments.instrument.imported": _("Assessment instrument imported"),
    "assessments.instrument.version_added": _("New version of an assessment instrument imported"),
    "admin.created": _("Created in the administration"),
    "admin.changed": _("Changed in the administration"),
    "admin.deleted": _("Deleted in the administration"),
}


def action_label(code: str) -> str:
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code
