"""REST API of Kobo / ODK submission imports: upload a file for a round (the dry run), read its
report, apply it (/api/v1/rounds/{pk}/imports/, /api/v1/imports/{pk}/, /api/v1/imports/{pk}/apply/).

The same services as the pages (vidnova.assessments.services.kobo) decide access and do the work:
programme staff of the round's programme only; 404 for those who cannot see the round, 403 for
those who see it but may not import.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import NotAuthenticated
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from vidnova.accounts.access import Action
from vidnova.accounts.models import User
from vidnova.api.permissions import Requirement
from vidnova.api.serializers import VALIDATION_ERROR_SCHEMA, ErrorSerializer
from vidnova.assessments.models import Round, SubmissionImport
from vidnova.assessments.services import kobo
from vidnova.core.uploads import validate_upload


class SubmissionImportSerializer(serializers.ModelSerializer[SubmissionImport]):
    url = serializers.SerializerMethodField(help_text=_("Address of the import in the API."))
    apply_url = serializers.SerializerMethodField(help_text=_("POST here to apply the checked import."))
    round = serializers.IntegerField(source="round_id", help_text=_("The assessment round (its id)."))
    report = serializers.JSONField(
        read_only=True,
        help_text=_(
            "The dry-run report: columns and how they were read, file-level errors, warnings, and per row the "
            "hromada, the outcome (create, replace or error), the number of answers, the number of existing "
            "answers it replaces and every error with its column. See docs/assessment-import.md."
        ),
    )

    class Meta:
        model = SubmissionImport
        fields = [
            "id",
            "url",
            "apply_url",
            "round",
            "file_name",
            "match_by",
            "row_count",
            "error_count",
            "created_at",
            "applied_at",
            "report",
        ]
        extra_kwargs = {
            "file_name": {"help_text": _("Name of the uploaded file.")},
            "match_by": {"help_text": _("How hromadas were matched: auto, katottg or name.")},
            "row_count": {"help_text": _("Rows with data in the file.")},
            "error_count": {"help_text": _("Errors found; only an import without errors can be applied.")},
            "created_at": {"help_text": _("When the file was checked.")},
            "applied_at": {"help_text": _("When the import was applied; null if not (yet).")},
        }

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, imported: SubmissionImport) -> str:
        return reverse("api:import-detail", kwargs={"pk": imported.pk})

    @extend_schema_field(OpenApiTypes.URI)
    def get_apply_url(self, imported: SubmissionImport) -> str:
        return reverse("api:import-apply", kwargs={"pk": imported.pk})


class SubmissionImportRequestSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(
        help_text=_("The Kobo / ODK export: XLSX, or CSV separated by commas or semicolons (UTF-8).")
    )
    match_by = serializers.ChoiceField(
        choices=list(kobo.MATCH_CHOICES),
        default="auto",
        help_text=_("Match hromadas by KATOTTG code, by name, or auto (the code when the file has it)."),
    )

    def validate_file(self, upload: Any) -> Any:
        try:
            validate_upload(upload, allowed={"xlsx", "text"}, max_bytes=kobo.MAX_IMPORT_BYTES)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from error
        upload.seek(0)
        return upload


def _signed_in(request: Request) -> User:
    if not isinstance(request.user, User):
        raise NotAuthenticated
    return request.user


def _messages(error: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            name: [str(m) for m in errors[0].messages] if errors else [] for name, errors in error.error_dict.items()
        }
    return {"non_field_errors": [str(message) for message in error.messages]}


ROUND_ID = OpenApiParameter("pk", int, OpenApiParameter.PATH, description=_("Id of the assessment round."))
IMPORT_ID = OpenApiParameter("pk", int, OpenApiParameter.PATH, description=_("Id of the import."))
COMMON = {
    401: OpenApiResponse(ErrorSerializer, description=_("No valid token or session.")),
    403: OpenApiResponse(ErrorSerializer, description=_("Only the programme's staff import submissions.")),
    404: OpenApiResponse(ErrorSerializer, description=_("No such round or import, or not visible to you.")),
}


class SubmissionImportViewSet(viewsets.GenericViewSet[Any]):
    queryset = SubmissionImport.objects.none()
    serializer_class = SubmissionImportSerializer
    pagination_class = None
    renderer_classes = [JSONRenderer]
    parser_classes = [MultiPartParser, JSONParser]
    # The services decide (programme staff of the round); 401 without credentials.
    access_requirements = {
        "create": Requirement(Action.VIEW),
        "retrieve": Requirement(Action.VIEW),
        "apply": Requirement(Action.VIEW),
    }

    def _import(self, request: Request, pk: int) -> SubmissionImport:
        user = _signed_in(request)
        imported = get_object_or_404(SubmissionImport.objects.select_related("round__programme"), pk=pk)
        kobo.require_import_access(user, imported.round)
        return imported

    @extend_schema(
        summary=_("Check a Kobo / ODK export (dry run)"),
        description=_(
            "Uploads a submissions export (multipart/form-data: file, match_by) for the round and checks it "
            "without changing any assessment. The file and its report are stored (201); apply the import with "
            "its apply_url when error_count is 0. A file that cannot be read is refused (400)."
        ),
        parameters=[ROUND_ID],
        request={"multipart/form-data": SubmissionImportRequestSerializer},
        responses={
            201: SubmissionImportSerializer,
            400: OpenApiResponse(VALIDATION_ERROR_SCHEMA, description=_("The file was refused; see why.")),
            **COMMON,
        },
    )
    def create(self, request: Request, pk: int) -> Response:
        user = _signed_in(request)
        round_ = get_object_or_404(Round.objects.select_related("programme", "instrument_version"), pk=pk)
        kobo.require_import_access(user, round_)  # 404/403 before reading the upload
        serializer = SubmissionImportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        try:
            imported = kobo.import_check(
                acting_user=user,
                round_=round_,
                data=upload.read(),
                filename=upload.name or "import",
                match_by=serializer.validated_data["match_by"],
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError(_messages(error)) from error
        return Response(SubmissionImportSerializer(imported).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Get an import and its report"),
        parameters=[IMPORT_ID],
        responses={200: SubmissionImportSerializer, **COMMON},
    )
    def retrieve(self, request: Request, pk: int) -> Response:
        return Response(SubmissionImportSerializer(self._import(request, pk)).data)

    @extend_schema(
        summary=_("Apply a checked import"),
        description=_(
            "Applies the import all-or-nothing: the stored file is checked again inside one transaction; if it "
            "has errors, or the round or its answers changed since the dry run, nothing is changed (400). "
            "Otherwise every row's answers replace its assessment's answers, the assessment is submitted and its "
            "scores are recomputed."
        ),
        parameters=[IMPORT_ID],
        request=None,
        responses={
            200: SubmissionImportSerializer,
            400: OpenApiResponse(VALIDATION_ERROR_SCHEMA, description=_("Not applied; see why.")),
            **COMMON,
        },
    )
    def apply(self, request: Request, pk: int) -> Response:
        user = _signed_in(request)
        imported = self._import(request, pk)
        try:
            imported = kobo.import_apply(acting_user=user, submission_import=imported)
        except DjangoValidationError as error:
            raise serializers.ValidationError(_messages(error)) from error
        return Response(SubmissionImportSerializer(imported).data)


urlpatterns: list[URLPattern] = [
    path(
        "rounds/<int:pk>/imports/",
        SubmissionImportViewSet.as_view({"post": "create"}, detail=False),
        name="round-import-list",
    ),
    path("imports/<int:pk>/", SubmissionImportViewSet.as_view({"get": "retrieve"}, detail=True), name="import-detail"),
    path(
        "imports/<int:pk>/apply/",
        SubmissionImportViewSet.as_view({"post": "apply"}, detail=True),
        name="import-apply",
    ),
]
