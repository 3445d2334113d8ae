"""The audit log in the admin: read-only. Entries are written by services and never edited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from vidnova.audit.actions import action_label
from vidnova.audit.models import AuditEntry
from vidnova.core.admin import may_use_admin


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("occurred_at", "actor_label", "action_name", "object_repr", "hromada")
    list_filter = ("action",)
    list_select_related = ("hromada", "content_type")
    search_fields = ("object_repr", "object_id", "actor_label", "actor__email", "actor__full_name")
    date_hierarchy = "occurred_at"
    show_facets = admin.ShowFacets.NEVER
    fields = (
        "occurred_at",
        "actor",
        "actor_label",
        "action",
        "action_name",
        "content_type",
        "object_id",
        "object_repr",
        "hromada",
        "changes",
        "data",
    )
    readonly_fields = fields

    @admin.display(description=_("what"), ordering="action")
    def action_name(self, obj: AuditEntry) -> str:
        return action_label(obj.action)

    # Superusers and programme administrators read the log; nobody adds, changes or deletes entries.

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may_use_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_use_admin(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
