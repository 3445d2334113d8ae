"""Admin for people: users (email only, no username), memberships and invitations.

Programme administrators may use these; the account-security records of allauth and DRF (email
addresses, authenticators, API tokens) and Django's groups stay with superusers. Every write is
audited (vidnova.core.admin.AuditedModelAdmin).
"""

from __future__ import annotations

from typing import Any

import allauth.account.admin
import allauth.mfa.admin
import rest_framework.authtoken.admin
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import TokenProxy

from vidnova.accounts.models import Invitation, InvitationStatus, Membership, Role, User
from vidnova.audit.services import record
from vidnova.core.admin import HIDDEN_VALUE, AuditedModelAdmin

# --- users -----------------------------------------------------------------------------------


class UserCreationAdminForm(AdminUserCreationForm[User]):
    class Meta:
        model = User
        fields = ("email", "full_name")

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"]).strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("A user with this email address already exists."), code="duplicate")
        return email


class UserChangeAdminForm(UserChangeForm[User]):
    class Meta:
        model = User
        fields = "__all__"


# Only superusers may change what makes someone a superuser or gives Django permissions.
SUPERUSER_ONLY_FIELDS = ("is_superuser", "is_staff", "groups", "user_permissions")


@admin.register(User)
class UserAdmin(AuditedModelAdmin[User], DjangoUserAdmin[User]):
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal details"), {"fields": ("full_name", "preferred_language", "is_demo")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "usable_password", "password1", "password2"),
            },
        ),
    )
    list_display = ("email", "full_name", "is_active", "is_superuser", "last_login")
    list_filter = ("is_active", "is_superuser", "is_demo", "preferred_language")
    search_fields = ("email", "full_name")
    ordering = ("email",)
    readonly_fields = ("last_login", "date_joined")

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> tuple[str, ...]:
        fields = tuple(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += SUPERUSER_ONLY_FIELDS
        return fields

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        with transaction.atomic():
            response: HttpResponse = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                user = User.objects.filter(pk=id).first()
                if user is not None:
                    record(
                        actor=request.user if isinstance(request.user, User) else None,
                        action="admin.changed",
                        target=user,
                        changes={"password": [HIDDEN_VALUE, HIDDEN_VALUE]},
                        data={"model": User._meta.label},
                    )
        return response


# --- memberships and invitations -------------------------------------------------------------


def _is_last_administrator(membership: Membership) -> bool:
    if membership.role != Role.PROGRAMME_ADMIN:
        return False
    return not (
        Membership.objects.filter(role=Role.PROGRAMME_ADMIN, programme=membership.programme)
        .exclude(pk=membership.pk)
        .exists()
    )


@admin.register(Membership)
class MembershipAdmin(AuditedModelAdmin[Membership]):
    """Roles are granted and taken away, not edited: an existing membership is read-only here."""

    list_display = ("user", "role", "programme", "hromada", "organisation", "granted_by", "created_at")
    list_filter = ("role",)
    search_fields = ("user__email", "user__full_name", "hromada__name_uk", "hromada__katottg")
    raw_id_fields = ("user", "hromada", "organisation", "programme", "granted_by")
    list_select_related = ("user", "programme", "hromada", "organisation", "granted_by")

    def get_readonly_fields(self, request: HttpRequest, obj: Membership | None = None) -> tuple[str, ...]:
        if obj is not None:
            return ("user", "role", "programme", "hromada", "organisation", "granted_by")
        return ()

    def has_delete_permission(self, request: HttpRequest, obj: Membership | None = None) -> bool:
        # A programme always keeps an administrator (as in accounts.services.membership_remove).
        if obj is not None and _is_last_administrator(obj):
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        kept = [membership.pk for membership in queryset if _is_last_administrator(membership)]
        if kept:
            self.message_user(
                request,
                _("The last administrator of a programme was kept; invite another administrator first."),
                level="warning",
            )
        super().delete_queryset(request, queryset.exclude(pk__in=kept))


@admin.register(Invitation)
class InvitationAdmin(AuditedModelAdmin[Invitation]):
    """Invitations are sent from the invitation page (which emails them); here they can be looked
    up, extended or revoked."""

    list_display = ("email", "role", "programme", "hromada", "organisation", "status", "expires_at", "invited_by")
    list_filter = ("status", "role", "language")
    search_fields = ("email",)
    raw_id_fields = ("hromada", "organisation", "programme", "invited_by", "accepted_by")
    list_select_related = ("programme", "hromada", "organisation", "invited_by")
    readonly_fields = (
        "email",
        "role",
        "programme",
        "hromada",
        "organisation",
        "invited_by",
        "accepted_at",
        "accepted_by",
    )
    fields = (*readonly_fields, "language", "status", "expires_at")
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Revoke the selected pending invitations"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[Invitation]) -> None:
        with transaction.atomic():
            for invitation in queryset.filter(status=InvitationStatus.PENDING):
                invitation.status = InvitationStatus.REVOKED
                invitation.save(update_fields=["status", "updated_at"])
                record(
                    actor=request.user if isinstance(request.user, User) else None,
                    action="admin.changed",
                    target=invitation,
                    changes={"status": [InvitationStatus.PENDING.value, InvitationStatus.REVOKED.value]},
                    data={"model": Invitation._meta.label},
                    hromada=invitation.hromada,
                )


# --- third-party account records: audited, superusers only ---------------------------------


def _reregister(model: type[models.Model], admin_class: type[admin.ModelAdmin[Any]]) -> None:
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, admin_class)


class AuditedEmailAddressAdmin(AuditedModelAdmin[EmailAddress], allauth.account.admin.EmailAddressAdmin):  # type: ignore[misc]
    programme_admins_have_access = False

    def make_verified(self, request: HttpRequest, queryset: QuerySet[EmailAddress]) -> None:
        with transaction.atomic():
            for address in queryset.filter(verified=False):
                record(
                    actor=request.user if isinstance(request.user, User) else None,
                    action="admin.changed",
                    target=address,
                    changes={"verified": [False, True]},
                    data={"model": EmailAddress._meta.label},
                )
            super().make_verified(request, queryset)


class AuditedAuthenticatorAdmin(AuditedModelAdmin[Authenticator], allauth.mfa.admin.AuthenticatorAdmin):  # type: ignore[misc]
    programme_admins_have_access = False
    audit_secret_fields = ("data",)


class AuditedTokenAdmin(AuditedModelAdmin[TokenProxy], rest_framework.authtoken.admin.TokenAdmin):
    """A token's primary key is the secret: the log names its user instead."""

    programme_admins_have_access = False
    audit_secret_fields = ("key",)

    def audit_target(self, obj: TokenProxy) -> models.Model:
        user: User = obj.user
        return user


class AuditedGroupAdmin(AuditedModelAdmin[Group], DjangoGroupAdmin):
    programme_admins_have_access = False


_reregister(EmailAddress, AuditedEmailAddressAdmin)
_reregister(Authenticator, AuditedAuthenticatorAdmin)
_reregister(TokenProxy, AuditedTokenAdmin)
_reregister(Group, AuditedGroupAdmin)
