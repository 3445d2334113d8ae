"""API: open-standard exports of project ideas, public like the pages (no credentials needed).

* ``GET /api/v1/oc4ids/``: an OC4IDS 0.9.4 project package (streamed), filtered as the page
  ``projects:oc4ids``: ``?project=pk``, ``?plan=pk``, ``?hromada=KATOTTG``, ``?programme=slug``.
* ``GET /api/v1/projects/<pk>/oc4ids/``: a package holding one project.
* ``GET /api/v1/projects/<pk>/dream/``: one project in the shape of DREAM's project ("idea") object.

Public data only, whoever asks (sensitive sites show their hromada only). Amounts are exact JSON
numbers, so the bodies are written by ``vidnova.projects.oc4ids.to_json`` rather than DRF's renderer.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse, HttpResponseBase
from django.urls import URLPattern, path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from vidnova.accounts import access
from vidnova.accounts.access import Action
from vidnova.api.permissions import AccessPolicy, Requirement
from vidnova.api.serializers import VALIDATION_ERROR_SCHEMA, ErrorSerializer
from vidnova.projects import oc4ids
from vidnova.projects.dream import project_to_dream
from vidnova.projects.views.exports import JSON, SelectionError, package_response, parse_selection, selected_projects

NOT_FOUND = OpenApiResponse(ErrorSerializer, description=_("No such project, or no project matches the filters."))
PROJECT_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description=_("Id of the project idea."))
PACKAGE = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description=_(
        "An OC4IDS 0.9.4 project package (https://standard.open-contracting.org/infrastructure/0.9/): uri, "
        "publishedDate, publisher, version and projects."
    ),
)
FILTERS = [
    OpenApiParameter("project", int, description=_("Only this project (its id).")),
    OpenApiParameter("plan", int, description=_("Only the projects of this recovery plan (its id).")),
    OpenApiParameter(
        "hromada", str, description=_("Only the projects of this hromada (its KATOTTG code, UA and 17 digits).")
    ),
    OpenApiParameter("programme", str, description=_("Only the projects of this programme (its short name).")),
]


class ExportView(APIView):
    permission_classes = [AccessPolicy]
    renderer_classes = [JSONRenderer]
    access_requirements = {"get": Requirement(Action.VIEW)}


class PackageView(ExportView):
    @extend_schema(
        summary=_("OC4IDS project package"),
        description=_(
            "Project ideas as an OC4IDS 0.9.4 project package, streamed: every project, or those matching the "
            "filters (several filters narrow each other). Public data only: a sensitive site shows its hromada "
            "only, and only documents given as links are listed."
        ),
        parameters=FILTERS,
        responses={
            200: PACKAGE,
            400: OpenApiResponse(VALIDATION_ERROR_SCHEMA, description=_("A filter is malformed.")),
            404: NOT_FOUND,
        },
        tags=["projects"],
    )
    def get(self, request: Request) -> HttpResponseBase:
        try:
            selection = parse_selection(request.query_params, request.user)
        except SelectionError as error:
            raise serializers.ValidationError({error.field: [str(error)]}) from error
        queryset = selected_projects(selection)
        if not queryset.exists():
            raise Http404(gettext("No project ideas match this selection."))
        return package_response(queryset, uri=request.build_absolute_uri(), filename=selection.filename())


class ProjectPackageView(ExportView):
    @extend_schema(
        summary=_("OC4IDS package of one project"),
        description=_("An OC4IDS 0.9.4 project package holding one project idea (public data only)."),
        parameters=[PROJECT_ID],
        responses={200: PACKAGE, 404: NOT_FOUND},
        tags=["projects"],
    )
    def get(self, request: Request, pk: int) -> HttpResponseBase:
        project = access.get_for_user(request.user, oc4ids.export_queryset(), Action.VIEW, pk=pk)
        return package_response(
            oc4ids.select_projects(project=project.pk),
            uri=request.build_absolute_uri(),
            filename=f"oc4ids-project-{project.pk}.json",
        )


class DreamView(ExportView):
    @extend_schema(
        summary=_("Project in DREAM's shape"),
        description=_(
            "One project idea in the shape of the project (idea) object of DREAM's public API "
            "(GET /marketplace/public/dream/ideas/{id}): multilingual title and description, type, purpose, "
            "status and statusDetails, locations (UA-CATOTTG), budget breakdown and finance, parties with "
            "EDRPOU codes (UA-EDR), documents and metrics. Public data only."
        ),
        parameters=[PROJECT_ID],
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description=_("A DREAM idea object.")), 404: NOT_FOUND},
        tags=["projects"],
    )
    def get(self, request: Request, pk: int) -> HttpResponseBase:
        project = access.get_for_user(request.user, oc4ids.export_queryset(), Action.VIEW, pk=pk)
        return HttpResponse(oc4ids.to_json(project_to_dream(project)), content_type=JSON)


urlpatterns: list[URLPattern] = [
    path("oc4ids/", PackageView.as_view(), name="oc4ids-package"),
    path("projects/<int:pk>/oc4ids/", ProjectPackageView.as_view(), name="project-oc4ids"),
    path("projects/<int:pk>/dream/", DreamView.as_view(), name="project-dream"),
]
