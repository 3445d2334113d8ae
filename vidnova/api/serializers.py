"""Serializers of the REST API: query parameters (validated, so bad values give 400 naming the
parameter), request bodies and responses. Help texts become the descriptions in the OpenAPI schema
and on the API documentation page."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from vidnova.registry import selectors
from vidnova.registry.models import (
    CodifierCategory,
    DutchMunicipality,
    Hromada,
    HromadaType,
    Raion,
    SecurityStatus,
    SecurityStatusPeriod,
    TopLevelUnit,
    UnitFormerName,
)
from vidnova.registry.selectors import HromadaFilter

KATOTTG_PATTERN = r"^UA\d{17}$"
CBS_CODE_PATTERN = r"^GM\d{4}$"
KATOTTG_ERROR = _("Enter a KATOTTG code: “UA” followed by 17 digits, e.g. UA32000000000030281.")

# --- query parameters -------------------------------------------------------------------------


def _katottg_parameter(help_text: Any) -> serializers.RegexField:
    return serializers.RegexField(
        KATOTTG_PATTERN, required=False, help_text=help_text, error_messages={"invalid": KATOTTG_ERROR}
    )


def coordinate_field(help_text: StrOrPromise) -> serializers.DecimalField:
    """A read-only WGS 84 coordinate, as a JSON number (the registry stores 6 decimals)."""
    return serializers.DecimalField(
        max_digits=9, decimal_places=6, coerce_to_string=False, read_only=True, allow_null=True, help_text=help_text
    )


class HromadaQuerySerializer(serializers.Serializer[Any]):
    """Filters of the hromada list; the same as on the registry page."""

    q = serializers.CharField(
        required=False,
        max_length=200,
        help_text=_(
            "Search in current and former names, Ukrainian or Latin (e.g. “Buchanska”, “Бучанська”), "
            "or a KATOTTG code. Every word must match."
        ),
    )
    oblast = _katottg_parameter(_("KATOTTG code of the oblast (or Kyiv, Sevastopol, Crimea)."))
    raion = _katottg_parameter(_("KATOTTG code of the raion."))
    type = serializers.ChoiceField(choices=HromadaType.choices, required=False, help_text=_("Type of hromada."))
    security_status = serializers.ChoiceField(
        choices=SecurityStatus.choices,
        required=False,
        help_text=_(
            "Security status on the day given by as_of (default today). “none” also matches hromadas "
            "with no recorded status."
        ),
    )
    programme = serializers.SlugField(
        required=False,
        max_length=50,
        help_text=_("Short name (slug) of a programme: only hromadas taking part in one of its phases."),
    )
    as_of = serializers.DateField(
        required=False,
        help_text=_("Date (YYYY-MM-DD) for which the security status is given and filtered; default today."),
    )
    include_crimea = serializers.BooleanField(
        default=True,
        help_text=_("Include the hromadas of the Autonomous Republic of Crimea (true or false; default true)."),
    )

    def to_filter(self) -> HromadaFilter:
        data = self.validated_data
        return HromadaFilter(
            query=data.get("q", ""),
            oblast=data.get("oblast", ""),
            raion=data.get("raion", ""),
            hromada_type=data.get("type", ""),
            security_status=data.get("security_status", ""),
            programme=data.get("programme", ""),
            include_crimea=data["include_crimea"],
            as_of=data.get("as_of"),
        )


class HromadaDetailQuerySerializer(serializers.Serializer[Any]):
    as_of = serializers.DateField(
        required=False, help_text=_("Date (YYYY-MM-DD) for which security_status is given; default today.")
    )


class RaionQuerySerializer(serializers.Serializer[Any]):
    oblast = _katottg_parameter(_("KATOTTG code of the oblast whose raions are listed."))


class MunicipalityQuerySerializer(serializers.Serializer[Any]):
    q = serializers.CharField(
        required=False, max_length=200, help_text=_("Search in the name, or a CBS code such as GM0363.")
    )
    province = serializers.CharField(
        required=False, max_length=100, help_text=_("Province, spelled as in the results, e.g. Utrecht.")
    )


# --- responses ---------------------------------------------------------------------------------


class OblastRefSerializer(serializers.ModelSerializer[TopLevelUnit]):
    class Meta:
        model = TopLevelUnit
        fields = ["katottg", "name_uk", "iso_3166_2"]
        extra_kwargs = {
            "katottg": {"help_text": _("KATOTTG code.")},
            "name_uk": {"help_text": _("Name in Ukrainian.")},
            "iso_3166_2": {"help_text": _("ISO 3166-2 code, e.g. UA-32.")},
        }


class RaionRefSerializer(serializers.ModelSerializer[Raion]):
    class Meta:
        model = Raion
        fields = ["katottg", "name_uk"]
        extra_kwargs = {
            "katottg": {"help_text": _("KATOTTG code.")},
            "name_uk": {"help_text": _("Name in Ukrainian.")},
        }


class AdminCenterSerializer(serializers.Serializer[Any]):
    katottg = serializers.CharField(help_text=_("KATOTTG code of the settlement."))
    name = serializers.CharField(help_text=_("Name of the settlement in Ukrainian."))


class SecurityStatusPeriodSerializer(serializers.ModelSerializer[SecurityStatusPeriod]):
    class Meta:
        model = SecurityStatusPeriod
        fields = ["status", "starts_on", "ends_on", "source", "note"]
        extra_kwargs = {
            "status": {"help_text": _("Security status in this period.")},
            "starts_on": {"help_text": _("First day of the period.")},
            "ends_on": {"help_text": _("Day the period ended (exclusive); null while it is in force.")},
            "source": {"help_text": _("Where the status comes from, e.g. the government list and its date.")},
            "note": {"help_text": _("Remarks on the period, shown with it on the hromada’s page.")},
        }


class FormerNameSerializer(serializers.ModelSerializer[UnitFormerName]):
    class Meta:
        model = UnitFormerName
        fields = ["name_uk", "name_latin"]
        extra_kwargs = {
            "name_uk": {"help_text": _("Former name in Ukrainian.")},
            "name_latin": {"help_text": _("Former name in Latin transliteration.")},
        }


_HROMADA_FIELD_HELP = {
    "katottg": {"help_text": _("KATOTTG code of the hromada.")},
    "name_uk": {"help_text": _("Name in Ukrainian.")},
    "name_latin": {"help_text": _("Name in the official Latin transliteration.")},
    "name_en": {"help_text": _("English name used by the UN (OCHA COD-AB); empty if unknown.")},
    "population_2022": {"help_text": _("Population on 1 January 2022; null if unknown.")},
    "in_crimea": {"help_text": _("Whether the hromada lies in the Autonomous Republic of Crimea.")},
}


class HromadaSerializer(serializers.ModelSerializer[Hromada]):
    type = serializers.SerializerMethodField(help_text=_("Type of hromada; null if unknown."))
    oblast = OblastRefSerializer(read_only=True, help_text=_("The oblast the hromada lies in."))
    raion = RaionRefSerializer(read_only=True, help_text=_("The raion the hromada lies in."))
    admin_center = serializers.SerializerMethodField(help_text=_("Administrative centre; null if not recorded."))
    area_km2 = serializers.DecimalField(
        max_digits=9,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text=_("Area in km², as a decimal string; null if unknown."),
    )
    latitude = coordinate_field(_("Latitude (WGS 84); null if unknown."))
    longitude = coordinate_field(_("Longitude (WGS 84); null if unknown."))
    security_status = serializers.SerializerMethodField(
        help_text=_("Security status today, or on the as_of date; “none” when no status is recorded.")
    )
    in_programme = serializers.BooleanField(
        read_only=True, help_text=_("Whether the hromada takes part in a phase of any programme.")
    )
    url = serializers.SerializerMethodField(help_text=_("Address of the hromada’s page on this site."))

    class Meta:
        model = Hromada
        fields = [
            "katottg",
            "name_uk",
            "name_latin",
            "name_en",
            "type",
            "oblast",
            "raion",
            "admin_center",
            "population_2022",
            "area_km2",
            "latitude",
            "longitude",
            "in_crimea",
            "security_status",
            "in_programme",
            "url",
        ]
        read_only_fields = fields
        extra_kwargs = _HROMADA_FIELD_HELP

    @extend_schema_field(serializers.ChoiceField(choices=HromadaType.choices, allow_null=True))
    def get_type(self, hromada: Hromada) -> str | None:
        return hromada.hromada_type or None

    @extend_schema_field(AdminCenterSerializer(allow_null=True))
    def get_admin_center(self, hromada: Hromada) -> dict[str, str] | None:
        if not (hromada.admin_center_katottg or hromada.admin_center_name):
            return None
        return {"katottg": hromada.admin_center_katottg, "name": hromada.admin_center_name}

    @extend_schema_field(serializers.ChoiceField(choices=SecurityStatus.choices))
    def get_security_status(self, hromada: Hromada) -> str:
        status: str | None = getattr(hromada, "current_status", None)
        return status or SecurityStatus.NONE.value

    def get_url(self, hromada: Hromada) -> str:
        request = self.context.get("request")
        path = hromada.get_absolute_url()
        return request.build_absolute_uri(path) if request is not None else path


class HromadaDetailSerializer(HromadaSerializer):
    former_names = serializers.SerializerMethodField(
        help_text=_("Names the hromada carried before a renaming, still found by search.")
    )
    security_status_history = serializers.SerializerMethodField(
        help_text=_("All recorded security status periods, newest first.")
    )

    class Meta(HromadaSerializer.Meta):
        fields = [
            *HromadaSerializer.Meta.fields,
            "urban_population_2022",
            "settlement_count",
            "creation_year",
            "occupied_before_2022",
            "former_names",
            "security_status_history",
        ]
        read_only_fields = fields
        extra_kwargs = {
            **_HROMADA_FIELD_HELP,
            "urban_population_2022": {"help_text": _("Urban population on 1 January 2022; null if unknown.")},
            "settlement_count": {"help_text": _("Number of settlements in the hromada; null if unknown.")},
            "creation_year": {"help_text": _("Year the hromada was formed; null if unknown.")},
            "occupied_before_2022": {"help_text": _("Whether it was occupied before 24 February 2022.")},
        }

    @extend_schema_field(FormerNameSerializer(many=True))
    def get_former_names(self, hromada: Hromada) -> list[dict[str, Any]]:
        return list(FormerNameSerializer(selectors.former_names(hromada.katottg), many=True).data)

    @extend_schema_field(SecurityStatusPeriodSerializer(many=True))
    def get_security_status_history(self, hromada: Hromada) -> list[dict[str, Any]]:
        return list(SecurityStatusPeriodSerializer(selectors.security_history(hromada), many=True).data)


class OblastSerializer(serializers.ModelSerializer[TopLevelUnit]):
    category = serializers.ChoiceField(
        choices=[
            (CodifierCategory.OBLAST.value, CodifierCategory.OBLAST.label),
            (CodifierCategory.SPECIAL_CITY.value, CodifierCategory.SPECIAL_CITY.label),
        ],
        read_only=True,
        help_text=_("KATOTTG category: O for an oblast or Crimea, K for Kyiv and Sevastopol."),
    )
    raion_count = serializers.IntegerField(read_only=True, help_text=_("Number of raions."))
    hromada_count = serializers.IntegerField(read_only=True, help_text=_("Number of hromadas."))

    class Meta:
        model = TopLevelUnit
        fields = [
            "katottg",
            "name_uk",
            "name_latin",
            "name_en",
            "iso_3166_2",
            "category",
            "raion_count",
            "hromada_count",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "katottg": {"help_text": _("KATOTTG code.")},
            "name_uk": {"help_text": _("Name in Ukrainian.")},
            "name_latin": {"help_text": _("Name in the official Latin transliteration.")},
            "name_en": {"help_text": _("Name in English; empty if unknown.")},
            "iso_3166_2": {"help_text": _("ISO 3166-2 code, e.g. UA-32.")},
        }


class RaionSerializer(serializers.ModelSerializer[Raion]):
    oblast = OblastRefSerializer(read_only=True, help_text=_("The oblast the raion lies in."))
    hromada_count = serializers.IntegerField(read_only=True, help_text=_("Number of hromadas."))

    class Meta:
        model = Raion
        fields = ["katottg", "name_uk", "name_latin", "oblast", "hromada_count"]
        read_only_fields = fields
        extra_kwargs = {
            "katottg": {"help_text": _("KATOTTG code.")},
            "name_uk": {"help_text": _("Name in Ukrainian.")},
            "name_latin": {"help_text": _("Name in the official Latin transliteration.")},
        }


class DutchMunicipalitySerializer(serializers.ModelSerializer[DutchMunicipality]):
    latitude = coordinate_field(_("Latitude (WGS 84); null if unknown."))
    longitude = coordinate_field(_("Longitude (WGS 84); null if unknown."))
    url = serializers.SerializerMethodField(help_text=_("Address of the municipality’s page on this site."))

    class Meta:
        model = DutchMunicipality
        fields = ["cbs_code", "name", "province", "population", "latitude", "longitude", "url"]
        read_only_fields = fields
        extra_kwargs = {
            "cbs_code": {"help_text": _("Municipality code of Statistics Netherlands (CBS), e.g. GM0363.")},
            "name": {"help_text": _("Name of the municipality.")},
            "province": {"help_text": _("Province.")},
            "population": {"help_text": _("Population on 1 January 2024; null if unknown.")},
        }

    def get_url(self, municipality: DutchMunicipality) -> str:
        request = self.context.get("request")
        path = municipality.get_absolute_url()
        return request.build_absolute_uri(path) if request is not None else path


# --- writes ------------------------------------------------------------------------------------


class SecurityStatusSetSerializer(serializers.Serializer[Any]):
    """Body of a new security status: it starts a new period and closes the one in force."""

    status = serializers.ChoiceField(choices=SecurityStatus.choices, help_text=_("The new security status."))
    starts_on = serializers.DateField(help_text=_("First day the status applies (YYYY-MM-DD)."))
    # "source" shadows Field.source only in the type stubs; DRF's metaclass collects it as a field.
    source = serializers.CharField(  # type: ignore[assignment]
        required=False,
        allow_blank=True,
        default="",
        max_length=300,
        help_text=_("Where the status comes from, e.g. the government list and its date."),
    )
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Remarks on the period, shown with it on the hromada’s page."),
    )


# --- errors --------------------------------------------------------------------------------------


class ErrorSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField(help_text=_("What went wrong, in the language of the request."))


# Validation errors: {"parameter or field": ["message", ...]}; errors not tied to one field are
# under "non_field_errors".
VALIDATION_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
    "example": {"as_of": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]},
}
