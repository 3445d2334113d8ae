"""Reads shared by the partnerships pages: which programmes a user works with here."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from vidnova.accounts.access import AnyUser, roles_of
from vidnova.programmes.models import Programme


@dataclass(frozen=True)
class ProgrammeLink:
    programme: Programme
    may_match: bool  # staff and partner experts see the programme's match runs

    @property
    def pk(self) -> int:
        return self.programme.pk

    @property
    def slug(self) -> str:
        return self.programme.slug


def partnership_programmes(user: AnyUser) -> list[ProgrammeLink]:
    """Programmes whose needs (and, for staff and partner experts, matching) the user may open: the
    programmes they are staff of, their organisations take part in, or their hromadas take part in.
    Views pass this to ``partnerships/_subnav.html`` as ``partnership_programmes``."""
    if not user.is_authenticated:
        return []
    if user.is_superuser:
        return [ProgrammeLink(programme, True) for programme in Programme.objects.order_by("name_uk")]
    roles = roles_of(user)
    matching = roles.programme_staff_of | roles.expert_programme_of
    condition = Q(pk__in=matching)
    if roles.hromada_member_of:
        condition |= Q(phases__hromadas__in=roles.hromada_member_of)
    programmes = Programme.objects.filter(condition).distinct().order_by("name_uk")
    return [ProgrammeLink(programme, programme.pk in matching) for programme in programmes]


def staff_programmes(user: AnyUser) -> list[Programme]:
    """Programmes the user runs (administrator or coordinator): they add partner organisations there."""
    if not user.is_authenticated:
        return []
    if user.is_superuser:
        return list(Programme.objects.order_by("name_uk"))
    return list(Programme.objects.filter(pk__in=roles_of(user).programme_staff_of).order_by("name_uk"))
