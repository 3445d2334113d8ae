"""Administration of programmes (with their phases and fields), participations and organisations.

Programme administrators and superusers may use it (vidnova.core.admin). Every save and delete,
including the phases and fields edited inline on a programme, is written to the audit log.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from vidnova.accounts.models import User
from vidnova.audit.services import diff, record, snapshot
from vidnova.core.admin import AuditedModelAdmin, may_use_admin
from vidnova.programmes.models import Field, Organisation, Participation, Phase, Programme


class AdministeredInline(admin.TabularInline):  # type: ignore[type-arg]
    """Inlines follow the same access as AuditedModelAdmin: programme administrators may edit them."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_use_admin(request.user) or super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_use_admin(request.user) or super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_use_admin(request.user) or super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_use_admin(request.user) or super().has_delete_permission(request, obj)


class PhaseInline(AdministeredInline):
    model = Phase
    extra = 0
    fields = ("number", "name_uk", "name_en", "name_nl", "starts_on", "ends_on")
    ordering = ("number",)


class FieldInline(AdministeredInline):
    model = Field
    extra = 0
    fields = ("number", "code", "name_uk", "name_en", "name_nl")
    ordering = ("number",)


class VersionBumpingAdmin(AuditedModelAdmin[Any]):
    """For versioned records: a save in the admin is a new version too, so a form on the site that
    was loaded before it reports a conflict instead of overwriting the admin's change."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)


def _concrete_names(model: type[models.Model], names: list[str]) -> list[str]:
    concrete = {field.name for field in model._meta.concrete_fields}
    return [name for name in names if name in concrete]


@admin.register(Programme)
class ProgrammeAdmin(VersionBumpingAdmin):
    list_display = ("name_uk", "name_en", "slug", "is_demo", "version")
    list_filter = ("is_demo",)
    search_fields = ("name_uk", "name_en", "name_nl", "slug")
    readonly_fields = ("version",)
    fieldsets = (
        (None, {"fields": ("slug", "is_demo", "version")}),
        (_("Names"), {"fields": ("name_uk", "name_en", "name_nl")}),
        (_("Descriptions"), {"fields": ("description_uk", "description_en", "description_nl")}),
    )
    inlines = (PhaseInline, FieldInline)

    def save_formset(self, request: HttpRequest, form: ModelForm[Any], formset: Any, change: bool) -> None:
        """Save the inline phases and fields, logging each one created, changed or deleted."""
        actor = request.user if isinstance(request.user, User) else None
        model: type[models.Model] = formset.model
        before: dict[Any, dict[str, Any]] = {}
        for inline_form in formset.initial_forms:
            instance = inline_form.instance
            if instance.pk is None:
                continue
            if inline_form in formset.deleted_forms:
                # Logged before the delete, while the row still has its id.
                record(
                    actor=actor,
                    action="admin.deleted",
                    target=instance,
                    data={"model": model._meta.label, "object": str(instance)},
                )
            elif inline_form.has_changed():
                stored = model._default_manager.filter(pk=instance.pk).first()
                if stored is not None:
                    before[instance.pk] = snapshot(stored, _concrete_names(model, inline_form.changed_data))
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            names = _concrete_names(model, [name for name in formset.form.base_fields if name != "id"])
            record(
                actor=actor,
                action="admin.created",
                target=obj,
                changes=diff({}, {k: v for k, v in snapshot(obj, names).items() if v not in (None, "")}),
                data={"model": model._meta.label},
            )
        for obj, changed_names in formset.changed_objects:
            names = _concrete_names(model, list(changed_names))
            record(
                actor=actor,
                action="admin.changed",
                target=obj,
                changes=diff(before.get(obj.pk, {}), snapshot(obj, names)),
                data={"model": model._meta.label},
            )


@admin.register(Participation)
class ParticipationAdmin(AuditedModelAdmin[Participation]):
    list_display = ("hromada", "phase", "joined_on")
    list_filter = ("phase__programme", "phase")
    list_select_related = ("hromada", "phase", "phase__programme")
    search_fields = ("hromada__name_uk", "hromada__name_latin", "=hromada__katottg")
    raw_id_fields = ("hromada",)


@admin.register(Organisation)
class OrganisationAdmin(VersionBumpingAdmin):
    list_display = ("name_uk", "name_en", "kind", "country", "is_demo", "version")
    list_filter = ("kind", "country", "is_demo", "programmes")
    search_fields = ("name_uk", "name_en", "name_nl", "website")
    readonly_fields = ("version",)
    raw_id_fields = ("hromada",)
    filter_horizontal = ("programmes",)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = (
        (None, {"fields": ("kind", "country", "website", "is_demo", "version")}),
        (_("Names"), {"fields": ("name_uk", "name_en", "name_nl")}),
        (_("Registry entry"), {"fields": ("hromada", "dutch_municipality")}),
        (_("Programmes"), {"fields": ("programmes",)}),
    )
