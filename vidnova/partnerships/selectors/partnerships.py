"""Reads of partnerships, their activity logs and follow-up actions.

Partnerships are public records (hromada, partners, themes, status, dates), so ``visible_partnerships``
lists them all; agreements, activities and follow-ups are read only by insiders (see rules.py), which
``open_follow_ups`` and the views enforce.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet

from vidnova.accounts.access import AnyUser, roles_of
from vidnova.partnerships.models import (
    Activity,
    ActivityParticipants,
    Agreement,
    FollowUp,
    FollowUpStatus,
    ParticipantRole,
    Partnership,
    PartnershipPartner,
    PartnershipStatus,
    PartnershipTransition,
)
from vidnova.programmes.models import Programme

FILTER_KEYS = ("programme", "status", "theme", "field", "hromada", "organisation", "oblast", "country")


def _value(filters: Mapping[str, Any], key: str) -> Any:
    value = filters.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def visible_partnerships(user: AnyUser, filters: Mapping[str, Any] | None = None) -> QuerySet[Partnership]:
    """Every partnership (public fields), newest first, narrowed by ``filters``:

    * programme: a Programme, its id or slug
    * status: a PartnershipStatus value
    * theme: a theme code; field: 1, 2 or 3 (partnerships with a theme in that field)
    * hromada: a Hromada, its id or KATOTTG code; oblast: an oblast's id, KATOTTG or ISO 3166-2 code
    * organisation: a partner organisation's id; country: a partner's country (ISO 3166-1, "NL")

    Unknown values give an empty list, not an error (a stale link should show nothing rather than fail).
    """
    filters = filters or {}
    queryset = Partnership.objects.select_related("programme", "hromada", "hromada__oblast", "offer").prefetch_related(
        Prefetch("partner_links", queryset=PartnershipPartner.objects.select_related("organisation")),
        "themes",
    )
    condition = Q()
    programme = _value(filters, "programme")
    if programme is not None:
        if isinstance(programme, Programme):
            condition &= Q(programme=programme)
        elif isinstance(programme, int) or str(programme).isdigit():
            condition &= Q(programme_id=int(programme))
        else:
            condition &= Q(programme__slug=str(programme))
    status = _value(filters, "status")
    if status is not None:
        if status not in PartnershipStatus.values:
            return queryset.none()
        condition &= Q(status=status)
    theme = _value(filters, "theme")
    if theme is not None:
        condition &= Q(
            pk__in=Partnership.themes.through.objects.filter(theme__code=str(theme)).values("partnership_id")
        )
    field_number = _value(filters, "field")
    if field_number is not None:
        if str(field_number) not in {"1", "2", "3"}:
            return queryset.none()
        condition &= Q(
            pk__in=Partnership.themes.through.objects.filter(theme__field=int(field_number)).values("partnership_id")
        )
    hromada = _value(filters, "hromada")
    if hromada is not None:
        if hasattr(hromada, "pk"):
            condition &= Q(hromada_id=hromada.pk)
        elif isinstance(hromada, int) or (str(hromada).isdigit() and len(str(hromada)) < 10):
            condition &= Q(hromada_id=int(hromada))
        else:
            condition &= Q(hromada__katottg=str(hromada).upper())
    oblast = _value(filters, "oblast")
    if oblast is not None:
        raw = str(oblast).upper()
        if raw.isdigit():
            condition &= Q(hromada__oblast_id=int(raw))
        else:
            condition &= Q(hromada__oblast__katottg=raw) | Q(hromada__oblast__iso_3166_2=raw)
    organisation = _value(filters, "organisation")
    if organisation is not None:
        organisation_id = organisation.pk if hasattr(organisation, "pk") else organisation
        if not str(organisation_id).isdigit():
            return queryset.none()
        condition &= Q(
            pk__in=PartnershipPartner.objects.filter(organisation_id=int(organisation_id)).values("partnership_id")
        )
    country = _value(filters, "country")
    if country is not None:
        condition &= Q(
            pk__in=PartnershipPartner.objects.filter(organisation__country=str(country).upper()).values(
                "partnership_id"
            )
        )
    return queryset.filter(condition).order_by("-created_at", "-pk")


def partnership_detail(partnership: Partnership | int) -> Partnership:
    """The partnership with everything its page shows loaded in a constant number of queries."""
    pk = partnership.pk if isinstance(partnership, Partnership) else partnership
    return (
        Partnership.objects.select_related(
            "programme", "hromada", "hromada__oblast", "offer", "offer__organisation", "suggestion", "suggestion__run"
        )
        .prefetch_related(
            Prefetch("partner_links", queryset=PartnershipPartner.objects.select_related("organisation")),
            "themes",
            Prefetch("transitions", queryset=PartnershipTransition.objects.select_related("actor")),
            Prefetch(
                "agreements", queryset=Agreement.objects.prefetch_related("signatories").order_by("signed_on", "pk")
            ),
            Prefetch(
                "activities",
                queryset=Activity.objects.prefetch_related(
                    "participants", Prefetch("follow_ups", queryset=FollowUp.objects.select_related("done_by"))
                ).order_by("-starts_on", "-pk"),
            ),
        )
        .get(pk=pk)
    )


@dataclass
class RoleTotal:
    role: str
    label: str
    women: int = 0
    men: int = 0
    not_stated: int = 0

    @property
    def total(self) -> int:
        return self.women + self.men + self.not_stated


@dataclass
class ParticipantTotals:
    """Head counts across activities: one row per role that had anyone, and the sums."""

    rows: list[RoleTotal] = field(default_factory=list)
    women: int = 0
    men: int = 0
    not_stated: int = 0

    @property
    def total(self) -> int:
        return self.women + self.men + self.not_stated

    def as_dict(self) -> dict[str, Any]:
        return {
            "roles": [
                {"role": row.role, "women": row.women, "men": row.men, "not_stated": row.not_stated, "total": row.total}
                for row in self.rows
            ],
            "women": self.women,
            "men": self.men,
            "not_stated": self.not_stated,
            "total": self.total,
        }


def participant_totals(activities: Iterable[Activity] | QuerySet[Activity]) -> ParticipantTotals:
    """Sums of participants by role and gender over ``activities`` (uses a prefetch of
    ``participants`` when there is one; a queryset is summed in the database)."""
    by_role: dict[str, RoleTotal] = {
        role: RoleTotal(role=role, label=str(label)) for role, label in ParticipantRole.choices
    }
    if isinstance(activities, QuerySet):
        rows: Iterable[ActivityParticipants] = ActivityParticipants.objects.filter(
            activity_id__in=activities.values_list("pk", flat=True)
        )
    else:
        rows = [row for activity in activities for row in activity.participants.all()]
    for row in rows:
        total = by_role.get(row.role)
        if total is None:
            continue
        total.women += row.women
        total.men += row.men
        total.not_stated += row.not_stated
    result = ParticipantTotals(rows=[row for row in by_role.values() if row.total])
    result.women = sum(row.women for row in result.rows)
    result.men = sum(row.men for row in result.rows)
    result.not_stated = sum(row.not_stated for row in result.rows)
    return result


def insider_partnerships(user: AnyUser) -> QuerySet[Partnership]:
    """Partnerships whose internal parts (agreements, activities, follow-ups) ``user`` may read."""
    if not user.is_authenticated or not user.is_active:
        return Partnership.objects.none()
    if user.is_superuser:
        return Partnership.objects.all()
    roles = roles_of(user)
    condition = Q(programme_id__in=roles.programme_staff_of) | Q(hromada_id__in=roles.hromada_member_of)
    if roles.expert_of:
        condition |= Q(
            pk__in=PartnershipPartner.objects.filter(organisation_id__in=roles.expert_of).values("partnership_id")
        )
    return Partnership.objects.filter(condition)


def open_follow_ups(user: AnyUser, programme: Programme | None = None) -> QuerySet[FollowUp]:
    """Open follow-up actions of the partnerships ``user`` may read inside, soonest due first (no due
    date last)."""
    partnerships = insider_partnerships(user)
    if programme is not None:
        partnerships = partnerships.filter(programme=programme)
    return (
        FollowUp.objects.filter(status=FollowUpStatus.OPEN, activity__partnership__in=partnerships.values("pk"))
        .select_related("activity", "activity__partnership", "activity__partnership__hromada")
        .order_by(F("due_on").asc(nulls_last=True), "pk")
    )
