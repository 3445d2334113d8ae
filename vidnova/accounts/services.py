"""Writes about people: invitations, role memberships and API tokens.

Every write checks access (vidnova.accounts.access), runs in one transaction and is audited. The one
exception to "access through access.py" is accepting an invitation: there the secret token in the
link is the authorisation.
"""

from __future__ import annotations

import datetime
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import Token

from vidnova.accounts import access
from vidnova.accounts.access import Action, AnyUser
from vidnova.accounts.models import (
    HROMADA_ROLES,
    ORGANISATION_ROLES,
    PROGRAMME_ROLES,
    Invitation,
    InvitationStatus,
    Membership,
    Role,
    User,
)
from vidnova.audit.services import record
from vidnova.programmes.models import Organisation, Programme
from vidnova.registry.models import Hromada

INVITATION_VALIDITY = datetime.timedelta(days=14)


# --- helpers ---------------------------------------------------------------------------------


def normalize_email(email: str) -> str:
    """Email addresses are compared and stored in lower case (as allauth does)."""
    return email.strip().lower()


def _require_user(user: AnyUser) -> User:
    if not isinstance(user, User) or not user.is_active:
        raise PermissionDenied
    return user


def _scope_label(programme: Programme | None, hromada: Hromada | None, organisation: Organisation | None) -> str:
    scope = programme or hromada or organisation
    return str(scope) if scope is not None else ""


def _validate_scope(
    role: str, programme: Programme | None, hromada: Hromada | None, organisation: Organisation | None
) -> None:
    """Each role is held in one kind of place: raise a ValidationError naming the field otherwise."""
    errors: dict[str, Any] = {}
    if role in PROGRAMME_ROLES:
        if programme is None:
            errors["programme"] = _("Choose the programme this role is for.")
        if hromada is not None:
            errors["hromada"] = _("A programme role is not tied to a hromada; leave the hromada empty.")
        if organisation is not None:
            errors["organisation"] = _("A programme role is not tied to an organisation; leave it empty.")
    elif role in HROMADA_ROLES:
        if hromada is None:
            errors["hromada"] = _("Hromada editors and viewers need a hromada: enter its KATOTTG code.")
        if programme is not None:
            errors["programme"] = _("A hromada role is not tied to a programme; leave the programme empty.")
        if organisation is not None:
            errors["organisation"] = _("A hromada role is not tied to an organisation; leave it empty.")
    elif role in ORGANISATION_ROLES:
        if organisation is None:
            errors["organisation"] = _("A partner expert needs an organisation: choose it.")
        if programme is not None:
            errors["programme"] = _("A partner expert is not tied to a programme; leave the programme empty.")
        if hromada is not None:
            errors["hromada"] = _("A partner expert is not tied to a hromada; leave the hromada empty.")
    else:
        errors["role"] = _("Choose one of the roles in the list.")
    if errors:
        raise ValidationError(errors)


def _require_may_grant(
    acting_user: AnyUser,
    role: str,
    programme: Programme | None,
    hromada: Hromada | None,
    organisation: Organisation | None,
) -> None:
    """May ``acting_user`` grant (invite to) or take away ``role`` in this scope?

    Programme staff manage hromada and organisation members; only administrators of a programme
    manage its administrators and coordinators.
    """
    access.require(acting_user, Action.MANAGE_MEMBERS)
    scope = programme or hromada or organisation
    if scope is None:
        raise ValidationError(_("Choose the programme, hromada or organisation the role applies to."))
    if role in PROGRAMME_ROLES:
        if not access.can(acting_user, Action.ADMINISTER, scope):
            raise PermissionDenied(
                _("Only administrators of the programme may manage its administrators and coordinators.")
            )
    else:
        access.require(acting_user, Action.MANAGE_MEMBERS, scope)


def may_grant(
    user: AnyUser,
    *,
    role: str,
    programme: Programme | None = None,
    hromada: Hromada | None = None,
    organisation: Organisation | None = None,
) -> bool:
    """May ``user`` invite to, revoke or remove ``role`` in this scope? (For buttons on pages.)"""
    try:
        _require_may_grant(user, role, programme, hromada, organisation)
    except (PermissionDenied, Http404, ValidationError):
        return False
    return True


def grantable_roles(user: AnyUser) -> list[Role]:
    """The roles ``user`` may invite people to (for forms; the services check again)."""
    if not access.can(user, Action.MANAGE_MEMBERS):
        return []
    roles = [Role.HROMADA_EDITOR, Role.HROMADA_VIEWER, Role.PARTNER_EXPERT]
    if access.can(user, Action.ADMINISTER):
        roles = [Role.PROGRAMME_ADMIN, Role.PROGRAMME_COORDINATOR, *roles]
    return roles


def invitation_wrong_account(user: User, invitation: Invitation) -> ValidationError | None:
    """The refusal for a signed-in user whose addresses do not include the invited one, else None."""
    email = normalize_email(invitation.email)
    if normalize_email(user.email) == email or EmailAddress.objects.filter(user=user, email__iexact=email).exists():
        return None
    return ValidationError(
        _(
            "This invitation was sent to %(invited)s, but you are signed in as %(current)s. Sign out and open "
            "the invitation link again, or ask for an invitation to your own address."
        ),
        code="wrong_account",
        params={"invited": invitation.email, "current": user.email},
    )


def invitation_problem(invitation: Invitation) -> str | None:
    """Why the invitation can no longer be accepted, or None if it can."""
    if invitation.status == InvitationStatus.ACCEPTED:
        return str(_("This invitation has already been used. Sign in with the account it created."))
    if invitation.status == InvitationStatus.REVOKED:
        return str(_("This invitation has been withdrawn. Ask the person who invited you to send a new one."))
    if invitation.expires_at <= timezone.now():
        return str(_("This invitation has expired. Ask the person who invited you to send a new one."))
    return None


# --- invitations -----------------------------------------------------------------------------


def invitation_create(
    *,
    acting_user: AnyUser,
    email: str,
    role: str,
    programme: Programme | None = None,
    hromada: Hromada | None = None,
    organisation: Organisation | None = None,
    language: str = "uk",
) -> Invitation:
    """Invite ``email`` to take ``role`` in one programme, hromada or organisation.

    Programme staff only; administrators and coordinators of a programme are invited by its
    administrators. The invitation is valid for 14 days; the email goes out after the commit.
    """
    access.require(acting_user, Action.MANAGE_MEMBERS)
    inviter = _require_user(acting_user)
    email = normalize_email(email)
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid email address.")}) from None
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose one of the offered languages.")})
    _validate_scope(role, programme, hromada, organisation)
    _require_may_grant(acting_user, role, programme, hromada, organisation)
    scope = {"programme": programme, "hromada": hromada, "organisation": organisation}

    with transaction.atomic():
        pending = Invitation.objects.filter(
            email__iexact=email, role=role, status=InvitationStatus.PENDING, expires_at__gt=timezone.now(), **scope
        )
        if pending.exists():
            raise ValidationError(
                {
                    "email": ValidationError(
                        _(
                            "%(email)s already has a pending invitation for this role. Revoke it first if "
                            "you want to send a new one."
                        ),
                        code="duplicate_invitation",
                        params={"email": email},
                    )
                }
            )
        if Membership.objects.filter(user__email__iexact=email, role=role, **scope).exists():
            raise ValidationError(
                {
                    "email": ValidationError(
                        _("%(email)s already holds this role in %(scope)s."),
                        code="already_member",
                        params={"email": email, "scope": _scope_label(programme, hromada, organisation)},
                    )
                }
            )
        invitation = Invitation.objects.create(
            email=email,
            role=role,
            invited_by=inviter,
            expires_at=timezone.now() + INVITATION_VALIDITY,
            language=language,
            **scope,
        )
        record(
            actor=inviter,
            action="accounts.invitation.created",
            target=invitation,
            data={
                "email": email,
                "role": role,
                "scope": _scope_label(programme, hromada, organisation),
                "language": language,
                "expires_at": invitation.expires_at,
            },
            hromada=hromada,
        )
        invitation_id = invitation.pk
        transaction.on_commit(lambda: _enqueue_invitation_email(invitation_id))
    return invitation


def _enqueue_invitation_email(invitation_id: int) -> None:
    from vidnova.accounts.tasks import send_invitation_email

    send_invitation_email.enqueue(invitation_id)


def invitation_accept_url(invitation: Invitation) -> str:
    return settings.SITE_URL + reverse("accounts:invitation-accept", kwargs={"token": invitation.token})


def invitation_email_send(*, invitation: Invitation) -> bool:
    """Render the invitation email in the invitation's language and send it.

    Returns False (and sends nothing) if the invitation was accepted or revoked meanwhile.
    """
    if invitation.status != InvitationStatus.PENDING:
        return False
    with translation.override(invitation.language):
        context = {
            "invitation": invitation,
            "role": invitation.get_role_display(),
            "scope": _scope_label(invitation.programme, invitation.hromada, invitation.organisation),
            "inviter": invitation.invited_by,
            "accept_url": invitation_accept_url(invitation),
            "site_url": settings.SITE_URL,
            "validity_days": INVITATION_VALIDITY.days,
        }
        subject = " ".join(render_to_string("accounts/email/invitation_subject.txt", context).split())
        text_body = render_to_string("accounts/email/invitation_body.txt", context)
        html_body = render_to_string("accounts/email/invitation_body.html", context)
    message = EmailMultiAlternatives(
        subject=subject, body=text_body, from_email=settings.DEFAULT_FROM_EMAIL, to=[invitation.email]
    )
    message.attach_alternative(html_body, "text/html")
    message.send()
    return True


def invitation_accept(
    *, token: str, acting_user: AnyUser | None, full_name: str = "", password: str = ""
) -> Membership:
    """Accept the invitation with ``token`` and grant its role.

    A signed-in user accepts for their own account (the invitation's address must be one of
    theirs). Without a signed-in user, a new account is created with the invitation's address
    (verified: the link proved it), ``full_name`` and ``password``.
    """
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("programme", "hromada", "organisation", "invited_by")
            .filter(token=token)
            .first()
        )
        if invitation is None:
            raise ValidationError(
                _("This invitation link is not valid. Check that you opened the whole link from the email."),
                code="unknown_token",
            )
        problem = invitation_problem(invitation)
        if problem is not None:
            raise ValidationError(problem, code="unusable_invitation")

        if acting_user is not None and acting_user.is_authenticated:
            user = _require_user(acting_user)
            wrong_account = invitation_wrong_account(user, invitation)
            if wrong_account is not None:
                raise wrong_account
            _mark_email_verified(user, invitation.email)
        else:
            user = _create_invited_user(invitation, full_name=full_name, password=password)

        scope = {
            "programme": invitation.programme,
            "hromada": invitation.hromada,
            "organisation": invitation.organisation,
        }
        membership = Membership.objects.filter(user=user, role=invitation.role, **scope).first()
        created = membership is None
        if membership is None:
            membership = Membership.objects.create(
                user=user, role=invitation.role, granted_by=invitation.invited_by, **scope
            )
        invitation.status = InvitationStatus.ACCEPTED
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["status", "accepted_at", "accepted_by", "updated_at"])
        record(
            actor=user,
            action="accounts.invitation.accepted",
            target=invitation,
            changes={"status": [InvitationStatus.PENDING.value, InvitationStatus.ACCEPTED.value]},
            data={"email": invitation.email, "role": invitation.role},
            hromada=invitation.hromada,
        )
        if created:
            record(
                actor=user,
                action="accounts.membership.created",
                target=membership,
                data={
                    "user": user.email,
                    "role": membership.role,
                    "scope": _scope_label(invitation.programme, invitation.hromada, invitation.organisation),
                    "invitation": invitation.pk,
                    "granted_by": invitation.invited_by.email if invitation.invited_by else "",
                },
                hromada=membership.hromada,
            )
    access.forget_roles(user)
    return membership


def _mark_email_verified(user: User, email: str) -> None:
    address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
    if address is None:
        EmailAddress.objects.create(
            user=user, email=email, verified=True, primary=not EmailAddress.objects.filter(user=user).exists()
        )
    elif not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])


def _create_invited_user(invitation: Invitation, *, full_name: str, password: str) -> User:
    if (
        User.objects.filter(email__iexact=invitation.email).exists()
        or EmailAddress.objects.filter(email__iexact=invitation.email).exists()
    ):
        raise ValidationError(
            _(
                "An account with the address %(email)s already exists. Sign in with it, then open the "
                "invitation link again."
            ),
            code="account_exists",
            params={"email": invitation.email},
        )
    full_name = " ".join(full_name.split())
    errors: dict[str, Any] = {}
    if not full_name:
        errors["full_name"] = _("Enter your full name, as colleagues should see it.")
    user = User(email=invitation.email, full_name=full_name, preferred_language=invitation.language)
    if not password:
        errors["password"] = _("Choose a password.")
    else:
        try:
            password_validation.validate_password(password, user=user)
        except ValidationError as error:
            errors["password"] = error.messages
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def invitation_revoke(*, acting_user: AnyUser, invitation: Invitation) -> Invitation:
    """Withdraw a pending invitation; its link stops working.

    The invitation is re-read under a lock: if it was accepted or revoked since the page was
    loaded, the revocation is refused with a message saying so (nothing is overwritten).
    """
    actor = _require_user(acting_user)
    with transaction.atomic():
        locked = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("programme", "hromada", "organisation")
            .filter(pk=invitation.pk)
            .first()
        )
        if locked is None:
            raise ValidationError(_("This invitation no longer exists."), code="gone")
        _require_may_grant(acting_user, locked.role, locked.programme, locked.hromada, locked.organisation)
        if locked.status != InvitationStatus.PENDING:
            raise ValidationError(
                _("The invitation to %(email)s cannot be revoked: it is %(status)s."),
                code="not_pending",
                params={"email": locked.email, "status": locked.get_status_display()},
            )
        locked.status = InvitationStatus.REVOKED
        locked.save(update_fields=["status", "updated_at"])
        record(
            actor=actor,
            action="accounts.invitation.revoked",
            target=locked,
            changes={"status": [InvitationStatus.PENDING.value, InvitationStatus.REVOKED.value]},
            data={"email": locked.email, "role": locked.role},
            hromada=locked.hromada,
        )
    return locked


# --- memberships -----------------------------------------------------------------------------


def membership_remove(*, acting_user: AnyUser, membership: Membership) -> None:
    """Take a role away. Programme staff only (administrators for programme roles); a programme
    always keeps at least one administrator."""
    actor = _require_user(acting_user)
    with transaction.atomic():
        locked = (
            Membership.objects.select_for_update(of=("self",))
            .select_related("user", "programme", "hromada", "organisation")
            .filter(pk=membership.pk)
            .first()
        )
        if locked is None:
            raise ValidationError(_("This role has already been removed."), code="gone")
        access.require(acting_user, Action.MANAGE_MEMBERS, locked, visible_with=Action.VIEW_PRIVATE)
        _require_may_grant(acting_user, locked.role, locked.programme, locked.hromada, locked.organisation)
        if locked.role == Role.PROGRAMME_ADMIN:
            administrators = list(
                Membership.objects.select_for_update()
                .filter(role=Role.PROGRAMME_ADMIN, programme=locked.programme)
                .values_list("pk", flat=True)
            )
            if administrators == [locked.pk]:
                raise ValidationError(
                    _(
                        "%(person)s is the last administrator of %(programme)s. Invite another administrator "
                        "before removing this one."
                    ),
                    code="last_administrator",
                    params={"person": str(locked.user), "programme": str(locked.programme)},
                )
        record(
            actor=actor,
            action="accounts.membership.removed",
            target=locked,
            data={
                "user": locked.user.email,
                "role": locked.role,
                "scope": _scope_label(locked.programme, locked.hromada, locked.organisation),
            },
            hromada=locked.hromada,
        )
        removed_user = locked.user
        locked.delete()
    access.forget_roles(removed_user)


# --- API tokens ------------------------------------------------------------------------------
# The audit log names the user, never the token: a token's primary key is the secret itself.


def api_token_create(*, acting_user: AnyUser) -> Token:
    """Create the signed-in user's API token. Refused if they already have one (rotate it instead)."""
    user = _require_user(acting_user)
    with transaction.atomic():
        if Token.objects.filter(user=user).exists():
            raise ValidationError(
                _("You already have an API token. Replace it with a new one if you have lost it."),
                code="token_exists",
            )
        token = Token.objects.create(user=user)
        record(actor=user, action="accounts.api_token.created", target=user)
    return token


def api_token_rotate(*, acting_user: AnyUser) -> Token:
    """Replace the user's API token with a new one; the old one stops working at once."""
    user = _require_user(acting_user)
    with transaction.atomic():
        had_token = Token.objects.filter(user=user).delete()[0] > 0
        token = Token.objects.create(user=user)
        record(
            actor=user,
            action="accounts.api_token.rotated" if had_token else "accounts.api_token.created",
            target=user,
        )
    return token


def api_token_delete(*, acting_user: AnyUser) -> bool:
    """Delete the user's API token. Returns False if there was none."""
    user = _require_user(acting_user)
    with transaction.atomic():
        deleted = Token.objects.filter(user=user).delete()[0] > 0
        if deleted:
            record(actor=user, action="accounts.api_token.deleted", target=user)
    return deleted


@transaction.atomic
def user_language_set(*, acting_user: User, language: str) -> User:
    """Remember the interface language a person chose, so it follows them to other devices."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose one of the offered languages.")})
    user = User.objects.select_for_update().get(pk=acting_user.pk)
    if user.preferred_language != language:
        before = user.preferred_language
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
        record(
            actor=acting_user,
            action="accounts.language.changed",
            target=user,
            changes={"preferred_language": [before, language]},
        )
    acting_user.preferred_language = language
    return user
