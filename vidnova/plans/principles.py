"""The principles checklist completed before adoption (domain.md 2.2 and 5.4).

The comprehensive-recovery principles are mandatory for a ПКВ under CMU Resolution 1159; the Lugano
principles (Lugano declaration, 2022) apply to every recovery plan. Each line needs a justification.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Principle:
    code: str
    group: str  # "recovery" or "lugano"
    label: Promise


RECOVERY_GROUP = "recovery"
LUGANO_GROUP = "lugano"

GROUP_LABELS: dict[str, Promise] = {
    RECOVERY_GROUP: _("Principles of comprehensive recovery (CMU Resolution 1159)"),
    LUGANO_GROUP: _("Lugano principles of Ukraine's recovery"),
}

PRINCIPLES: tuple[Principle, ...] = (
    Principle("human_centredness", RECOVERY_GROUP, _("human-centredness and social justice")),
    Principle("rational_spatial_planning", RECOVERY_GROUP, _("rational spatial planning")),
    Principle("settlement_jobs_balance", RECOVERY_GROUP, _("balance between places to live and jobs")),
    Principle("sustainable_mobility", RECOVERY_GROUP, _("sustainable urban mobility")),
    Principle("inclusiveness", RECOVERY_GROUP, _("inclusiveness")),
    Principle("energy_efficiency", RECOVERY_GROUP, _("energy efficiency")),
    Principle("environmental_friendliness", RECOVERY_GROUP, _("environmental friendliness")),
    Principle("cultural_heritage", RECOVERY_GROUP, _("preservation of cultural diversity and national memory")),
    Principle("sdg_consistency", RECOVERY_GROUP, _("consistency with Ukraine's Sustainable Development Goals")),
    Principle("lugano_partnership", LUGANO_GROUP, _("partnership")),
    Principle("lugano_reform_focus", LUGANO_GROUP, _("reform focus")),
    Principle("lugano_transparency", LUGANO_GROUP, _("transparency, accountability and rule of law")),
    Principle("lugano_democratic_participation", LUGANO_GROUP, _("democratic participation")),
    Principle("lugano_multi_stakeholder", LUGANO_GROUP, _("multi-stakeholder engagement")),
    Principle("lugano_gender_equality", LUGANO_GROUP, _("gender equality and inclusion")),
    Principle("lugano_sustainability", LUGANO_GROUP, _("sustainability")),
)

BY_CODE: dict[str, Principle] = {principle.code: principle for principle in PRINCIPLES}
