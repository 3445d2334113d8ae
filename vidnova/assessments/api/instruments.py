"""REST API of assessment instruments (/api/v1/instruments/…): the questionnaires with their versions
and compiled definitions (public), and importing an XLSForm (programme staff).

Thin views: validate with a serializer, call a selector or a service, serialize. Access is decided by
vidnova.accounts.access through AccessPolicy and the import service, as on the pages.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import NotAuthenticated
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from vidnova.accounts import access
from vidnova.accounts.access import Action
from vidnova.accounts.models import User
from vidnova.api.pagination import Pagination
from vidnova.api.permissions import Requirement
from vidnova.api.serializers import VALIDATION_ERROR_SCHEMA, ErrorSerializer
from vidnova.assessments.models import Instrument, InstrumentVersion
from vidnova.assessments.selectors import instruments as selectors
from vidnova.assessments.services import instruments as services
from vidnova.assessments.xlsform import XLSFormRejected
from vidnova.core.uploads import validate_upload

# --- responses -----------------------------------------------------------------------------------


class InstrumentVersionSerializer(serializers.ModelSerializer[InstrumentVersion]):
    url = serializers.SerializerMethodField(help_text=_("Address of the version (with its definition) in the API."))
    xlsform_url = serializers.SerializerMethodField(help_text=_("Address of the version's XLSForm (.xlsx)."))

    class Meta:
        model = InstrumentVersion
        fields = [
            "number",
            "url",
            "xlsform_url",
            "form_version",
            "content_hash",
            "languages",
            "dimension_count",
            "question_count",
            "scored_question_count",
            "created_at",
        ]
        extra_kwargs = {
            "number": {"help_text": _("Version number, from 1.")},
            "form_version": {"help_text": _("The version written in the form's settings sheet; may be empty.")},
            "content_hash": {"help_text": _("SHA-256 of the compiled definition: the same form gives the same hash.")},
            "languages": {"help_text": _("Language codes of the form's texts, the default language first.")},
            "dimension_count": {"help_text": _("Number of scored dimensions.")},
            "question_count": {"help_text": _("Number of questions (notes not counted).")},
            "scored_question_count": {"help_text": _("Number of scored questions.")},
            "created_at": {"help_text": _("When the version was imported.")},
        }

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, version: InstrumentVersion) -> str:
        return reverse(
            "api:instrument-version-detail", kwargs={"code": version.instrument.code, "number": version.number}
        )

    @extend_schema_field(OpenApiTypes.URI)
    def get_xlsform_url(self, version: InstrumentVersion) -> str:
        return reverse(
            "assessments:instrument-download", kwargs={"code": version.instrument.code, "number": version.number}
        )


class InstrumentVersionDetailSerializer(InstrumentVersionSerializer):
    definition = serializers.JSONField(
        read_only=True,
        help_text=_(
            "The compiled questionnaire: groups and dimensions, questions with their rules as JSON expression "
            "trees, choices with scores, texts per language. See docs/assessment-xlsform.md."
        ),
    )

    class Meta(InstrumentVersionSerializer.Meta):
        fields = [*InstrumentVersionSerializer.Meta.fields, "definition"]


class InstrumentSerializer(serializers.ModelSerializer[Instrument]):
    url = serializers.SerializerMethodField(help_text=_("Address of the instrument in the API."))
    latest_version = serializers.SerializerMethodField(help_text=_("The newest version; null if none."))

    class Meta:
        model = Instrument
        fields = ["code", "url", "name_uk", "name_en", "name_nl", "is_default", "latest_version"]
        extra_kwargs = {
            "code": {"help_text": _("Form identifier (form_id in the XLSForm's settings sheet).")},
            "name_uk": {"help_text": _("Name in Ukrainian.")},
            "name_en": {"help_text": _("Name in English; empty if the form has no English title.")},
            "name_nl": {"help_text": _("Name in Dutch; empty if the form has no Dutch title.")},
            "is_default": {"help_text": _("Whether this is the programme's default instrument.")},
        }

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, instrument: Instrument) -> str:
        return reverse("api:instrument-detail", kwargs={"code": instrument.code})

    @extend_schema_field(InstrumentVersionSerializer(allow_null=True))
    def get_latest_version(self, instrument: Instrument) -> Any:
        version = selectors.latest_version(instrument)
        if version is None:
            return None
        version.instrument = instrument
        return InstrumentVersionSerializer(version).data


class InstrumentDetailSerializer(InstrumentSerializer):
    versions = serializers.SerializerMethodField(help_text=_("Every version, newest first (without definitions)."))
    latest_version = serializers.SerializerMethodField(
        help_text=_("The newest version with its definition; null if none.")
    )

    class Meta(InstrumentSerializer.Meta):
        fields = [*InstrumentSerializer.Meta.fields, "versions"]

    @extend_schema_field(InstrumentVersionSerializer(many=True))
    def get_versions(self, instrument: Instrument) -> Any:
        versions = list(getattr(instrument, "version_list", []))
        for version in versions:
            version.instrument = instrument
        return InstrumentVersionSerializer(versions, many=True).data

    @extend_schema_field(InstrumentVersionDetailSerializer(allow_null=True))
    def get_latest_version(self, instrument: Instrument) -> Any:
        versions = instrument.versions.order_by("-number")
        version = versions.first()
        if version is None:
            return None
        version.instrument = instrument
        return InstrumentVersionDetailSerializer(version).data


class InstrumentImportResultSerializer(serializers.Serializer[Any]):
    created = serializers.BooleanField(
        help_text=_("True if a new instrument or version was stored; false if the form was already stored.")
    )
    instrument = InstrumentSerializer(help_text=_("The instrument the form belongs to."))
    version = InstrumentVersionSerializer(help_text=_("The version of the form (new, or the one already stored)."))
    warnings = serializers.ListField(
        child=serializers.CharField(), help_text=_("Warnings from pyxform and Vidnova; the form was imported anyway.")
    )


# --- requests ------------------------------------------------------------------------------------


class InstrumentImportRequestSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(help_text=_("The XLSForm workbook (.xlsx) with the sheets survey, choices, settings."))

    def validate_file(self, upload: Any) -> Any:
        try:
            validate_upload(upload, allowed={"xlsx"})
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from error
        return upload


# --- views ---------------------------------------------------------------------------------------

CODE = OpenApiParameter(
    "code", str, OpenApiParameter.PATH, description=_("Form identifier of the instrument (its form_id).")
)
VERSION_NUMBER = OpenApiParameter("number", int, OpenApiParameter.PATH, description=_("Version number, from 1."))
NOT_FOUND = OpenApiResponse(ErrorSerializer, description=_("No instrument (or version) has this identifier."))


def _signed_in(request: Request) -> User:
    if not isinstance(request.user, User):
        raise NotAuthenticated
    return request.user


class InstrumentViewSet(viewsets.GenericViewSet[Any]):
    """/api/v1/instruments/ and /api/v1/instruments/{code}/."""

    queryset = Instrument.objects.none()
    serializer_class = InstrumentSerializer
    pagination_class = Pagination
    renderer_classes = [JSONRenderer]
    parser_classes = [MultiPartParser]  # the only write is an upload
    access_requirements = {
        # The import service decides (programme staff); 401 without credentials, 403 for others.
        "create": Requirement(Action.VIEW),
    }

    def get_queryset(self) -> models.QuerySet[Instrument]:
        return selectors.instruments()

    @extend_schema(
        summary=_("List assessment instruments"),
        description=_(
            "Every needs-assessment questionnaire with its newest version (counts and languages, without the "
            "definition). The programme's default instrument first. Public."
        ),
        responses={200: InstrumentSerializer(many=True)},
    )
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(InstrumentSerializer(page, many=True).data)

    @extend_schema(
        summary=_("Get an assessment instrument"),
        description=_("The instrument, its versions, and its newest version with the compiled definition. Public."),
        parameters=[CODE],
        responses={200: InstrumentDetailSerializer, 404: NOT_FOUND},
    )
    def retrieve(self, request: Request, code: str) -> Response:
        instrument = access.get_for_user(request.user, selectors.instrument_by_code(code), Action.VIEW)
        return Response(InstrumentDetailSerializer(instrument).data)

    @extend_schema(
        summary=_("Import an XLSForm"),
        description=_(
            "Uploads an XLSForm (multipart/form-data, field file). A new form identifier creates an instrument; a "
            "changed form adds a version (201); the same form again returns the stored version (200). A workbook "
            "with any problem is refused (400) with every problem named by sheet, row and column under file, and "
            "nothing is saved. Programme staff only."
        ),
        request={"multipart/form-data": InstrumentImportRequestSerializer},
        responses={
            200: InstrumentImportResultSerializer,
            201: InstrumentImportResultSerializer,
            400: OpenApiResponse(VALIDATION_ERROR_SCHEMA, description=_("The file was refused; see why.")),
            401: OpenApiResponse(ErrorSerializer, description=_("No valid token or session.")),
            403: OpenApiResponse(ErrorSerializer, description=_("Only programme staff import instruments.")),
        },
    )
    def create(self, request: Request) -> Response:
        user = _signed_in(request)
        access.require(user, Action.EDIT, Instrument())  # 403 before reading the upload
        serializer = InstrumentImportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        try:
            result = services.instrument_import_with_result(acting_user=user, data=upload.read(), filename=upload.name)
        except XLSFormRejected as rejection:
            raise serializers.ValidationError({"file": list(rejection.messages)}) from rejection
        except DjangoValidationError as error:
            raise serializers.ValidationError({"file": list(error.messages)}) from error
        instrument = selectors.instrument_by_code(result.version.instrument.code).get()
        body = {
            "created": result.created,
            "instrument": InstrumentSerializer(instrument).data,
            "version": InstrumentVersionSerializer(result.version).data,
            "warnings": result.warnings,
        }
        return Response(body, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)


class InstrumentVersionViewSet(viewsets.GenericViewSet[Any]):
    """/api/v1/instruments/{code}/versions/{number}/."""

    queryset = InstrumentVersion.objects.none()
    serializer_class = InstrumentVersionDetailSerializer
    pagination_class = None
    renderer_classes = [JSONRenderer]

    @extend_schema(
        summary=_("Get a version of an assessment instrument"),
        description=_("One version with its compiled definition. Public."),
        parameters=[CODE, VERSION_NUMBER],
        responses={200: InstrumentVersionDetailSerializer, 404: NOT_FOUND},
    )
    def retrieve(self, request: Request, code: str, number: int) -> Response:
        instrument = access.get_for_user(request.user, selectors.instrument_by_code(code), Action.VIEW)
        version = selectors.instrument_version(instrument, number)
        version.instrument = instrument
        return Response(InstrumentVersionDetailSerializer(version).data)


urlpatterns: list[URLPattern] = [
    path(
        "instruments/",
        InstrumentViewSet.as_view({"get": "list", "post": "create"}, detail=False),
        name="instrument-list",
    ),
    path(
        "instruments/<slug:code>/",
        InstrumentViewSet.as_view({"get": "retrieve"}, detail=True),
        name="instrument-detail",
    ),
    path(
        "instruments/<slug:code>/versions/<int:number>/",
        InstrumentVersionViewSet.as_view({"get": "retrieve"}, detail=True),
        name="instrument-version-detail",
    ),
]
