"""API: DOCX and PDF documents of plan versions.

* ``GET /api/v1/plans/<plan_pk>/exports/``: the plan's documents the caller may see, newest first.
* ``POST /api/v1/plans/<plan_pk>/exports/``: ask for a document; it is generated in the background.
* ``GET /api/v1/plan-exports/<id>/``: one document: its status and, once ready, the download address.

The same rules as the pages: asking for a document is a read, allowed to everyone who may see the
version (documents of adopted versions are public and made once; those of drafts are for insiders:
404 to everyone else).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import generics, serializers, status
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from vidnova.accounts import access
from vidnova.accounts.access import Action
from vidnova.api.pagination import Pagination
from vidnova.api.permissions import AccessPolicy, Requirement
from vidnova.api.serializers import VALIDATION_ERROR_SCHEMA, ErrorSerializer
from vidnova.plans.models import ExportFormat, ExportStatus, Plan, PlanExport, PlanLanguage
from vidnova.plans.selectors import exports as export_selectors
from vidnova.plans.services.exports import export_filename, export_request

NOT_FOUND = OpenApiResponse(ErrorSerializer, description=_("No such plan or document, or you may not see it."))
PLAN_ID = OpenApiParameter("plan_pk", int, OpenApiParameter.PATH, description=_("Id of the plan."))
EXPORT_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description=_("Id of the document."))


@extend_schema_field({"type": "string", "enum": list(PlanLanguage.values)})
class LanguageField(serializers.ChoiceField):
    """A plan language ("uk" or "en"), described inline so the schema does not get a second name for
    the set of plan languages the plans endpoints already name."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=PlanLanguage.choices, **kwargs)


class PlanExportSerializer(serializers.ModelSerializer[PlanExport]):
    language = LanguageField(read_only=True, help_text=_("The language of the document: uk or en."))
    plan = serializers.IntegerField(source="plan_version.plan_id", read_only=True, help_text=_("Id of the plan."))
    version = serializers.IntegerField(source="plan_version.number", read_only=True, help_text=_("Version number."))
    version_adopted = serializers.BooleanField(
        source="plan_version.is_frozen", read_only=True, help_text=_("Whether the version is adopted (frozen).")
    )
    status_label = serializers.SerializerMethodField(help_text=_("The status, in the language of the request."))
    requested_at = serializers.DateTimeField(source="created_at", read_only=True)
    filename = serializers.SerializerMethodField(help_text=_("The name the file is downloaded under."))
    download_url = serializers.SerializerMethodField(help_text=_("Where to download the file; null until it is ready."))
    error = serializers.SerializerMethodField(
        help_text=_("Why generating the document failed (shown to the plan's insiders only); empty otherwise.")
    )

    class Meta:
        model = PlanExport
        fields = [
            "id",
            "plan",
            "version",
            "version_adopted",
            "file_format",
            "language",
            "status",
            "status_label",
            "requested_at",
            "finished_at",
            "filename",
            "download_url",
            "error",
        ]
        read_only_fields = fields

    def get_status_label(self, export: PlanExport) -> str:
        return str(export.get_status_display())

    def get_filename(self, export: PlanExport) -> str:
        return export_filename(export)

    def get_download_url(self, export: PlanExport) -> str | None:
        if export.status != ExportStatus.DONE:
            return None
        url = reverse("plans:export-download", kwargs={"export_pk": export.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url

    def get_error(self, export: PlanExport) -> str:
        return export.error if self.context.get("show_internals") else ""


class ExportRequestSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(
        min_value=1, required=False, help_text=_("Version number; by default the newest version you may see.")
    )
    file_format = serializers.ChoiceField(choices=ExportFormat.choices, help_text=_("docx or pdf."))
    language = LanguageField(help_text=_("uk (Ukrainian) or en (English)."))


def _plan(request: Request, plan_pk: int) -> Plan:
    """The plan, or 404 for whoever may not see it."""
    return access.get_for_user(
        request.user, Plan.objects.select_related("hromada", "public_version"), Action.VIEW, pk=plan_pk
    )


class PlanExportListView(generics.GenericAPIView[PlanExport]):
    permission_classes = [AccessPolicy]
    renderer_classes = [JSONRenderer]
    pagination_class = Pagination
    serializer_class = PlanExportSerializer
    # Asking for a document is a read: allowed to everyone who may see the version, which the view
    # checks on the plan (404) and the service on the version.
    access_requirements = {"get": Requirement(Action.VIEW), "post": Requirement(Action.VIEW)}

    def get_queryset(self) -> QuerySet[PlanExport]:
        return PlanExport.objects.none()  # lists are read per plan in get()

    @extend_schema(
        summary=_("List the documents of a plan"),
        description=_(
            "The DOCX and PDF documents of the plan's versions that you may see, newest first: all of them for "
            "the plan's hromada, programme and partner experts; those of adopted versions for everyone else."
        ),
        parameters=[PLAN_ID],
        responses={200: PlanExportSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request: Request, plan_pk: int) -> Response:
        plan = _plan(request, plan_pk)
        page = self.paginate_queryset(export_selectors.plan_exports(request.user, plan))
        context = {"request": request, "show_internals": access.can(request.user, Action.VIEW_PRIVATE, plan)}
        return self.get_paginated_response(PlanExportSerializer(page, many=True, context=context).data)

    @extend_schema(
        summary=_("Ask for a document of a plan version"),
        description=_(
            "Queues the generation of a DOCX or PDF of one version in Ukrainian or English and answers 201 with "
            "the new document (status queued); poll it until its status is done, then download it. For an adopted "
            "version, which never changes, a document already made (or being made) is returned instead, with 200."
        ),
        parameters=[PLAN_ID],
        request=ExportRequestSerializer,
        examples=[
            OpenApiExample(
                "PDF in English", value={"version": 1, "file_format": "pdf", "language": "en"}, request_only=True
            )
        ],
        responses={
            200: PlanExportSerializer,
            201: PlanExportSerializer,
            400: OpenApiResponse(
                VALIDATION_ERROR_SCHEMA, description=_("The request names no valid version, format or language.")
            ),
            404: NOT_FOUND,
        },
    )
    def post(self, request: Request, plan_pk: int) -> Response:
        plan = _plan(request, plan_pk)
        body = ExportRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        versions = export_selectors.exportable_versions(request.user, plan)
        number = body.validated_data.get("version")
        version = versions.filter(number=number).first() if number is not None else versions.first()
        if version is None:
            raise serializers.ValidationError({"version": [gettext("This plan has no such version that you may see.")]})
        started = timezone.now()
        try:
            export = export_request(
                acting_user=request.user,
                version=version,
                file_format=body.validated_data["file_format"],
                language=body.validated_data["language"],
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError(serializers.as_serializer_error(error)) from error
        export = export_selectors.export_queryset().get(pk=export.pk)
        context = {"request": request, "show_internals": access.can(request.user, Action.VIEW_PRIVATE, plan)}
        data = PlanExportSerializer(export, context=context).data
        if export.created_at >= started:
            location = reverse("api:plan-export-detail", kwargs={"pk": export.pk})
            return Response(data, status=status.HTTP_201_CREATED, headers={"Location": location})
        return Response(data, status=status.HTTP_200_OK)


class PlanExportDetailView(generics.RetrieveAPIView[PlanExport]):
    permission_classes = [AccessPolicy]
    renderer_classes = [JSONRenderer]
    serializer_class = PlanExportSerializer
    access_requirements = {"get": Requirement(Action.VIEW)}  # on the export: public once adopted

    def get_queryset(self) -> QuerySet[PlanExport]:
        return export_selectors.export_queryset()

    def get_object(self) -> PlanExport:
        export = super().get_object()  # 404 when missing or not visible (AccessPolicy)
        if export.status == ExportStatus.FAILED and not export_selectors.may_see_internals(self.request.user, export):
            raise Http404
        return export

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        export = getattr(self, "_export", None)
        context["show_internals"] = export is not None and export_selectors.may_see_internals(self.request.user, export)
        return context

    @extend_schema(
        summary=_("Get one plan document"),
        description=_("The status of a document and, once it is ready, the address to download it from."),
        parameters=[EXPORT_ID],
        responses={200: PlanExportSerializer, 404: NOT_FOUND},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self._export = self.get_object()
        return Response(self.get_serializer(self._export).data)


urlpatterns = [
    path("plans/<int:plan_pk>/exports/", PlanExportListView.as_view(), name="plan-export-list"),
    path("plan-exports/<int:pk>/", PlanExportDetailView.as_view(), name="plan-export-detail"),
]
