"""People and what they may do: users, role memberships and invitations."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vidnova.core.models import TimeStampedModel


class VidnovaUserManager(UserManager["User"]):
    """Users sign in with their email address; there is no separate username."""

    def _create_user_object(self, username: str | None, email: str | None, password: str | None, **extra):  # type: ignore[no-untyped-def]
        email = self.normalize_email(email)
        user = self.model(email=email, **extra)
        user.set_password(password)
        return user

    def create_user(self, email: str | None = None, password: str | None = None, **extra: object) -> User:  # type: ignore[override]
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        user = self._create_user_object(None, email, password, **extra)
        user.save(using=self._db)
        return user  # type: ignore[no-any-return]

    def create_superuser(self, email: str | None = None, password: str | None = None, **extra: object) -> User:  # type: ignore[override]
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    username = None  # type: ignore[assignment]
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    # Empty until the person chooses; the interface is Ukrainian until then.
    preferred_language = models.CharField(
        _("preferred language"), max_length=5, choices=settings.LANGUAGES, blank=True, default=""
    )
    is_demo = models.BooleanField(_("demo account"), default=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = VidnovaUserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email


class Role(models.TextChoices):
    PROGRAMME_ADMIN = "programme_admin", _("programme administrator")
    PROGRAMME_COORDINATOR = "programme_coordinator", _("programme coordinator")
    HROMADA_EDITOR = "hromada_editor", _("hromada editor")
    HROMADA_VIEWER = "hromada_viewer", _("hromada viewer")
    PARTNER_EXPERT = "partner_expert", _("partner expert")


PROGRAMME_ROLES = {Role.PROGRAMME_ADMIN, Role.PROGRAMME_COORDINATOR}
HROMADA_ROLES = {Role.HROMADA_EDITOR, Role.HROMADA_VIEWER}
ORGANISATION_ROLES = {Role.PARTNER_EXPERT}

# Each role is held in exactly one kind of scope: programme staff in a programme, hromada roles in a
# hromada, partner experts in their organisation. The role lists are spelled out in a fixed order
# (the order of migration 0002): built from the sets above, their order would change with string
# hash randomisation and makemigrations would see a different constraint in every process.
_PROGRAMME_ROLE_VALUES = [Role.PROGRAMME_ADMIN.value, Role.PROGRAMME_COORDINATOR.value]
_HROMADA_ROLE_VALUES = [Role.HROMADA_VIEWER.value, Role.HROMADA_EDITOR.value]
_ORGANISATION_ROLE_VALUES = [Role.PARTNER_EXPERT.value]
_SCOPE_RULE = (
    Q(role__in=_PROGRAMME_ROLE_VALUES, programme__isnull=False, hromada__isnull=True, organisation__isnull=True)
    | Q(role__in=_HROMADA_ROLE_VALUES, programme__isnull=True, hromada__isnull=False, organisation__isnull=True)
    | Q(role__in=_ORGANISATION_ROLE_VALUES, programme__isnull=True, hromada__isnull=True, organisation__isnull=False)
)


class Membership(TimeStampedModel):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    programme = models.ForeignKey(
        "programmes.Programme", null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    hromada = models.ForeignKey(
        "registry.Hromada", null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        "programmes.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(condition=_SCOPE_RULE, name="membership_scope_matches_role"),
            models.UniqueConstraint(
                fields=["user", "role", "programme"],
                condition=Q(programme__isnull=False),
                name="membership_programme_unique",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "hromada"], condition=Q(hromada__isnull=False), name="membership_hromada_unique"
            ),
            models.UniqueConstraint(
                fields=["user", "role", "organisation"],
                condition=Q(organisation__isnull=False),
                name="membership_organisation_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.scope}"

    @property
    def scope(self) -> object:
        return self.programme or self.hromada or self.organisation


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    ACCEPTED = "accepted", _("accepted")
    REVOKED = "revoked", _("revoked")


class Invitation(TimeStampedModel):
    """An invitation by email to take a role; accepting it creates the account and the membership."""

    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    programme = models.ForeignKey("programmes.Programme", null=True, blank=True, on_delete=models.CASCADE)
    hromada = models.ForeignKey("registry.Hromada", null=True, blank=True, on_delete=models.CASCADE)
    organisation = models.ForeignKey("programmes.Organisation", null=True, blank=True, on_delete=models.CASCADE)
    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(
        _("status"), max_length=12, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    language = models.CharField(_("language of the email"), max_length=5, choices=settings.LANGUAGES, default="uk")

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=_SCOPE_RULE, name="invitation_scope_matches_role")]

    def __str__(self) -> str:
        return f"{self.email} – {self.get_role_display()}"
