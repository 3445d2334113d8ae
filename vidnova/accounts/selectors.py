"""Reads about people for pages: invitations, members of a hromada, organisation or programme."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from rest_framework.authtoken.models import Token

from vidnova.accounts.access import AnyUser, roles_of
from vidnova.accounts.models import Invitation, InvitationStatus, Membership, Role, User
from vidnova.programmes.models import Organisation, Programme
from vidnova.registry.models import Hromada

INVITATION_RELATED = ("programme", "hromada", "organisation", "invited_by", "accepted_by")

# Role order on member lists: those who can change things first.
_ROLE_ORDER = [
    Role.PROGRAMME_ADMIN,
    Role.PROGRAMME_COORDINATOR,
    Role.HROMADA_EDITOR,
    Role.HROMADA_VIEWER,
    Role.PARTNER_EXPERT,
]


def invitation_by_token(token: str) -> Invitation | None:
    return Invitation.objects.select_related(*INVITATION_RELATED).filter(token=token).first()


def invitations_for(user: AnyUser, *, status: str = InvitationStatus.PENDING) -> QuerySet[Invitation]:
    """Invitations a member of programme staff manages: every hromada and organisation invitation,
    and the programme-role invitations of their own programmes. Newest first."""
    roles = roles_of(user)
    queryset = Invitation.objects.select_related(*INVITATION_RELATED).filter(
        Q(programme__isnull=True) | Q(programme_id__in=roles.programme_staff_of)
    )
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-created_at", "-pk")


def _memberships() -> QuerySet[Membership]:
    return Membership.objects.select_related("user", "granted_by", "programme", "hromada", "organisation")


def _ordered(queryset: QuerySet[Membership]) -> QuerySet[Membership]:
    order = Case(
        *(When(role=role, then=Value(index)) for index, role in enumerate(_ROLE_ORDER)),
        output_field=IntegerField(),
    )
    return queryset.annotate(role_order=order).order_by("role_order", "user__full_name", "user__email", "pk")


def hromada_memberships(hromada: Hromada) -> QuerySet[Membership]:
    return _ordered(_memberships().filter(hromada=hromada))


def organisation_memberships(organisation: Organisation) -> QuerySet[Membership]:
    return _ordered(_memberships().filter(organisation=organisation))


def programme_memberships(programme: Programme) -> QuerySet[Membership]:
    return _ordered(_memberships().filter(programme=programme))


def pending_invitations(
    *, hromada: Hromada | None = None, organisation: Organisation | None = None, programme: Programme | None = None
) -> QuerySet[Invitation]:
    """Pending, unexpired invitations to one hromada, organisation or programme."""
    queryset = Invitation.objects.select_related(*INVITATION_RELATED).filter(
        status=InvitationStatus.PENDING, expires_at__gt=timezone.now()
    )
    if hromada is not None:
        queryset = queryset.filter(hromada=hromada)
    elif organisation is not None:
        queryset = queryset.filter(organisation=organisation)
    elif programme is not None:
        queryset = queryset.filter(programme=programme)
    else:
        return queryset.none()
    return queryset.order_by("-created_at", "-pk")


def email_has_account(email: str) -> bool:
    return User.objects.filter(email__iexact=email.strip()).exists()


def api_token_of(user: User) -> Token | None:
    return Token.objects.filter(user=user).first()
