"""The Django admin: who may use it, and the audited ModelAdmin every Vidnova admin class builds on.

Access: superusers, and programme administrators (``access.can(user, Action.ADMINISTER)``). The
``is_staff`` flag plays no part. Sign-in goes through allauth (password, then the authenticator
code), never through the admin's own login form, and administrators without two-factor
authentication are sent to set it up first (vidnova.accounts.middleware).

Every save and delete made in the admin is written to the audit log (``admin.created``,
``admin.changed``, ``admin.deleted``) with the changed fields' values before and after.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from vidnova.accounts import access
from vidnova.accounts.access import Action, AnyUser
from vidnova.accounts.models import User
from vidnova.audit.services import diff, record, snapshot
from vidnova.registry.models import Hromada

M = TypeVar("M", bound=models.Model)

HIDDEN_VALUE = "(hidden)"


def may_use_admin(user: AnyUser) -> bool:
    """Superusers and programme administrators may open the admin."""
    if not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_superuser) or access.can(user, Action.ADMINISTER)


def admin_has_permission(request: HttpRequest) -> bool:
    return may_use_admin(request.user)


def admin_login(request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
    """Replaces the admin's login form: sign in through allauth, so two-factor authentication applies."""
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("admin:index")
    if request.user.is_authenticated:
        if may_use_admin(request.user):
            return HttpResponseRedirect(next_url)
        raise PermissionDenied
    return redirect_to_login(next_url, login_url=settings.LOGIN_URL)


def install_admin_access(site: admin.AdminSite) -> None:
    site.has_permission = admin_has_permission  # type: ignore[method-assign]
    site.login = admin_login  # type: ignore[method-assign]


install_admin_access(admin.site)


def _actor(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


class AuditedModelAdmin(admin.ModelAdmin[M]):
    """A ModelAdmin whose writes are audited and which programme administrators may use.

    ``audit_secret_fields`` are logged as changed without their values. Set
    ``programme_admins_have_access = False`` to keep a model to superusers (Django's own
    permission checks then apply). Override ``audit_target`` when the object itself must not be
    named in the log (an API token's primary key is the secret).
    """

    audit_secret_fields: tuple[str, ...] = ("password",)
    programme_admins_have_access: bool = True

    # --- access ---

    def _programme_admin_access(self, request: HttpRequest) -> bool:
        return self.programme_admins_have_access and may_use_admin(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._programme_admin_access(request) or super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return self._programme_admin_access(request) or super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._programme_admin_access(request) or super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return self._programme_admin_access(request) or super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return self._programme_admin_access(request) or super().has_delete_permission(request, obj)

    # --- audit ---

    def audit_target(self, obj: M) -> models.Model:
        return obj

    def audit_hromada(self, obj: M) -> Hromada | None:
        if isinstance(obj, Hromada):
            return obj
        hromada = getattr(obj, "hromada", None)
        return hromada if isinstance(hromada, Hromada) else None

    def _mask(self, changes: dict[str, list[Any]]) -> dict[str, list[Any]]:
        return {
            name: ([HIDDEN_VALUE, HIDDEN_VALUE] if name in self.audit_secret_fields else values)
            for name, values in changes.items()
        }

    def save_model(self, request: HttpRequest, obj: M, form: Any, change: bool) -> None:
        opts = obj._meta
        plain = {f.name for f in opts.concrete_fields}
        many = {f.name for f in opts.many_to_many}
        names = list(form.changed_data) if change else list(form.fields)
        plain_names = [name for name in names if name in plain]
        many_names = [name for name in names if name in many]
        before: dict[str, Any] = {}
        stored = type(obj)._default_manager.filter(pk=obj.pk).first() if change and obj.pk is not None else None
        if stored is not None:
            before = snapshot(stored, plain_names)
            for name in many_names:
                before[name] = sorted(str(item) for item in getattr(stored, name).all())
        super().save_model(request, obj, form, change)
        after = snapshot(obj, plain_names)
        for name in many_names:
            after[name] = sorted(str(item) for item in (form.cleaned_data.get(name) or []))
            before.setdefault(name, [])
        record(
            actor=_actor(request),
            action="admin.changed" if change else "admin.created",
            target=self.audit_target(obj),
            changes=self._mask(diff(before, after)),
            data={"model": opts.label},
            hromada=self.audit_hromada(obj),
        )

    def delete_model(self, request: HttpRequest, obj: M) -> None:
        self._record_deletion(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[M]) -> None:
        with transaction.atomic(using=queryset.db):
            for obj in queryset:
                self._record_deletion(request, obj)
            super().delete_queryset(request, queryset)

    def _record_deletion(self, request: HttpRequest, obj: M) -> None:
        record(
            actor=_actor(request),
            action="admin.deleted",
            target=self.audit_target(obj),
            data={"model": obj._meta.label, "object": str(obj) if self.audit_target(obj) is obj else ""},
            hromada=self.audit_hromada(obj),
        )
