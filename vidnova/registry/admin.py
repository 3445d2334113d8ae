"""Read-only administration of the registry.

Registry rows come from the official reference data (``load_registry``) and security statuses are
recorded on the platform's pages, whose services check access, keep the period history consistent
and write the audit log. The admin therefore only shows them; for a security status period it links
to the page where it is corrected.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from vidnova.core.admin import may_use_admin
from vidnova.registry.models import (
    CodifierUnit,
    DutchMunicipality,
    Hromada,
    Raion,
    RegistryEdition,
    SecurityStatusPeriod,
    TopLevelUnit,
    UnitFormerName,
    search_key,
)


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Lets those who may use the admin (superusers and programme administrators, see
    vidnova.core.admin) look things up; every change goes through the loader or the services."""

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


class FoldedSearchAdmin(ReadOnlyAdmin):
    """Searches ``search_text``, which is folded with search_key(): fold the search term the same way
    (SQLite's LIKE folds only ASCII letters, so Cyrillic capitals would not match otherwise)."""

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        return super().get_search_results(request, queryset, search_key(search_term))


@admin.register(TopLevelUnit)
class TopLevelUnitAdmin(ReadOnlyAdmin):
    list_display = ["name_uk", "name_en", "katottg", "category", "iso_3166_2"]
    list_filter = ["category"]
    search_fields = ["name_uk", "name_latin", "name_en", "katottg", "iso_3166_2"]


@admin.register(Raion)
class RaionAdmin(ReadOnlyAdmin):
    list_display = ["name_uk", "name_latin", "katottg", "oblast"]
    list_filter = ["oblast"]
    list_select_related = ["oblast"]
    search_fields = ["name_uk", "name_latin", "katottg"]


@admin.register(Hromada)
class HromadaAdmin(FoldedSearchAdmin):
    list_display = ["name_uk", "name_latin", "katottg", "hromada_type", "oblast", "raion", "population_2022"]
    list_filter = ["oblast", "hromada_type", "in_crimea", "occupied_before_2022"]
    list_select_related = ["oblast", "raion"]
    # search_text holds current and former names, Ukrainian and Latin, folded for search.
    search_fields = ["search_text", "=katottg"]
    search_help_text = _("Current or former name (Ukrainian or Latin), or exact KATOTTG code.")
    show_facets = admin.ShowFacets.NEVER


@admin.register(CodifierUnit)
class CodifierUnitAdmin(FoldedSearchAdmin):
    list_display = ["name_uk", "name_latin", "katottg", "category", "parent_katottg", "hromada"]
    list_filter = ["category"]
    list_select_related = ["hromada"]
    search_fields = ["search_text", "=katottg", "=parent_katottg"]
    search_help_text = _("Current or former name (Ukrainian or Latin), or exact KATOTTG code.")
    show_facets = admin.ShowFacets.NEVER


@admin.register(UnitFormerName)
class UnitFormerNameAdmin(ReadOnlyAdmin):
    list_display = ["name_uk", "name_latin", "katottg", "source", "recorded_at"]
    search_fields = ["name_uk", "name_latin", "=katottg"]


@admin.register(DutchMunicipality)
class DutchMunicipalityAdmin(ReadOnlyAdmin):
    list_display = ["name", "cbs_code", "province", "population"]
    list_filter = ["province"]
    search_fields = ["name", "cbs_code", "province"]


@admin.register(RegistryEdition)
class RegistryEditionAdmin(ReadOnlyAdmin):
    list_display = ["description", "loaded_at", "checksum"]
    readonly_fields = ["description", "loaded_at", "checksum", "counts"]


@admin.register(SecurityStatusPeriod)
class SecurityStatusPeriodAdmin(FoldedSearchAdmin):
    list_display = ["hromada", "status", "starts_on", "ends_on", "source", "version"]
    list_filter = ["status"]
    list_select_related = ["hromada"]
    search_fields = ["hromada__search_text", "=hromada__katottg"]
    date_hierarchy = "starts_on"
    readonly_fields = ["correct_on_platform"]
    show_facets = admin.ShowFacets.NEVER

    @admin.display(description=_("correct"))
    def correct_on_platform(self, obj: SecurityStatusPeriod) -> SafeString:
        url = reverse("registry:security-status-edit", kwargs={"katottg": obj.hromada.katottg, "period_id": obj.pk})
        return format_html('<a href="{}">{}</a>', url, _("Correct this period on the hromada's page"))
