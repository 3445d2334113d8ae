"""REST API of plan sections (/api/v1/plans/{plan_pk}/versions/{number}/sections/…): read the sections
of a version, save a section's text or one of its tables with conflict detection (409 with the text
saved now), insert the registry figures, and read and restore the revision history.

Thin views: validate with a serializer, call a selector or a service, serialize. Access is decided by
vidnova.accounts.access, as on the pages: sections of a working version are 404 for outsiders; an
adopted version's sections are public to read; writes need EDIT, which viewers, partner experts and
every adopted (frozen) version refuse with 403; the history is for insiders only.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import NotAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from vidnova.accounts import access
from vidnova.accounts.access import Action
from vidnova.accounts.models import User
from vidnova.api.pagination import Pagination
from vidnova.api.permissions import AccessPolicy, Requirement
from vidnova.api.serializers import VALIDATION_ERROR_SCHEMA, ErrorSerializer
from vidnova.core.exceptions import EditConflict
from vidnova.plans import catalogue, tables
from vidnova.plans.models import Plan, PlanVersion, Section, SectionRevision
from vidnova.plans.selectors import sections as selectors
from vidnova.plans.services import sections as services

# --- responses ----------------------------------------------------------------------------------


class PlanSectionSerializer(serializers.ModelSerializer[Section]):
    title = serializers.SerializerMethodField(help_text=_("Title of the section in the language of the request."))
    is_required = serializers.SerializerMethodField(help_text=_("Whether the plan's type requires this section."))
    table_codes = serializers.SerializerMethodField(
        help_text=_("Codes of the structured tables this section has, in order (see tables).")
    )
    tables = serializers.JSONField(
        read_only=True,
        help_text=_("Structured tables: table code → list of rows (column key → value as text)."),
    )
    updated_by = serializers.SerializerMethodField(
        help_text=_("Who saved the section last; null for the public and when unknown.")
    )
    url = serializers.SerializerMethodField(help_text=_("Address of the section in the API."))

    class Meta:
        model = Section
        fields = [
            "code",
            "url",
            "title",
            "position",
            "is_required",
            "body_uk",
            "body_en",
            "table_codes",
            "tables",
            "version",
            "updated_at",
            "updated_by",
        ]
        extra_kwargs = {
            "code": {"help_text": _("Code of the section in the unified section model.")},
            "position": {"help_text": _("Place of the section in the document, from 1.")},
            "body_uk": {"help_text": _("Text in Ukrainian: sanitised HTML (headings, lists, tables, links).")},
            "body_en": {"help_text": _("Text in English: sanitised HTML; empty if not translated.")},
            "version": {"help_text": _("Edit counter of the section; send it back when saving (conflicts).")},
            "updated_at": {"help_text": _("When the section was last saved.")},
        }

    def get_title(self, section: Section) -> str:
        return str(section.get_code_display())

    def get_is_required(self, section: Section) -> bool:
        return section.plan_version.plan.plan_type in catalogue.spec_for(section.code).required_for

    def get_table_codes(self, section: Section) -> list[str]:
        return list(catalogue.spec_for(section.code).tables)

    @extend_schema_field(OpenApiTypes.STR)
    def get_updated_by(self, section: Section) -> str | None:
        request = self.context.get("request")
        plan = section.plan_version.plan
        if section.updated_by is None or request is None or not access.can(request.user, Action.VIEW_PRIVATE, plan):
            return None
        return str(section.updated_by)

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, section: Section) -> str:
        version = section.plan_version
        return reverse(
            "api:plan-section-detail",
            kwargs={"plan_pk": version.plan_id, "number": version.number, "code": section.code},
        )


class RevisionSerializer(serializers.ModelSerializer[SectionRevision]):
    author = serializers.SerializerMethodField(help_text=_("Who saved this revision; null for the system."))

    class Meta:
        model = SectionRevision
        fields = ["number", "created_at", "author"]
        extra_kwargs = {
            "number": {"help_text": _("Revision number: the section's version after this save.")},
            "created_at": {"help_text": _("When it was saved.")},
        }

    @extend_schema_field(OpenApiTypes.STR)
    def get_author(self, revision: SectionRevision) -> str | None:
        return str(revision.author) if revision.author is not None else None


class RevisionDetailSerializer(RevisionSerializer):
    tables = serializers.JSONField(read_only=True, help_text=_("The tables as they were in this revision."))

    class Meta(RevisionSerializer.Meta):
        fields = [*RevisionSerializer.Meta.fields, "body_uk", "body_en", "tables"]
        extra_kwargs = {
            **RevisionSerializer.Meta.extra_kwargs,
            "body_uk": {"help_text": _("Text in Ukrainian in this revision.")},
            "body_en": {"help_text": _("Text in English in this revision.")},
        }


class SectionConflictSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField(help_text=_("What went wrong, in the language of the request."))
    current_version = serializers.IntegerField(help_text=_("The version saved now; send it to save on top of it."))
    current = PlanSectionSerializer(help_text=_("The section as saved now, with the text someone else saved."))


# --- requests -----------------------------------------------------------------------------------


class SectionTextSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(min_value=1, help_text=_("The version of the section you changed."))
    body_uk = serializers.CharField(
        allow_blank=True,
        trim_whitespace=False,
        help_text=_(
            "Text in Ukrainian: HTML in the safe subset (anything else is removed) or plain text, where a blank "
            "line starts a paragraph. At most 200,000 characters."
        ),
    )
    body_en = serializers.CharField(
        allow_blank=True, trim_whitespace=False, help_text=_("Text in English, like body_uk.")
    )


class SectionTableSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(min_value=1, help_text=_("The version of the section you changed."))
    rows = serializers.ListField(
        child=serializers.DictField(
            child=serializers.CharField(allow_blank=True, allow_null=True, trim_whitespace=True)
        ),
        max_length=tables.MAX_ROWS,
        help_text=_(
            "Every row of the table, in order: column key → value. Numbers may be sent as numbers or text; dates as "
            "YYYY-MM-DD; choice columns take their codes. Empty rows are dropped. The rows replace the table."
        ),
    )


class VersionOnlySerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(min_value=1, help_text=_("The version of the section you saw."))


# --- views --------------------------------------------------------------------------------------

PLAN_PK = OpenApiParameter("plan_pk", int, OpenApiParameter.PATH, description=_("Identifier of the plan."))
VERSION_NUMBER = OpenApiParameter("number", int, OpenApiParameter.PATH, description=_("Version number, from 1."))
SECTION_CODE = OpenApiParameter(
    "code",
    str,
    OpenApiParameter.PATH,
    description=_("Code of the section."),
    enum=[spec.code.value for spec in catalogue.SECTIONS],
)
TABLE_CODE = OpenApiParameter(
    "table", str, OpenApiParameter.PATH, description=_("Code of the table."), enum=sorted(tables.TABLES)
)
REVISION_NUMBER = OpenApiParameter("revision", int, OpenApiParameter.PATH, description=_("Revision number."))

BAD_REQUEST = OpenApiResponse(VALIDATION_ERROR_SCHEMA, description=_("Something sent is not valid; see why."))
UNAUTHORISED = OpenApiResponse(ErrorSerializer, description=_("No valid token or session."))
FORBIDDEN = OpenApiResponse(
    ErrorSerializer, description=_("You may read this section but not change it (or its version was adopted).")
)
NOT_FOUND = OpenApiResponse(
    ErrorSerializer, description=_("No plan, version or section that you may see has this code.")
)
CONFLICT = OpenApiResponse(
    SectionConflictSerializer,
    description=_("Someone else saved the section since you read it; nothing was saved. The body has their text."),
)

EDIT = Requirement(Action.EDIT, visible_with=Action.VIEW_PRIVATE)
HISTORY = Requirement(Action.VIEW_PRIVATE, visible_with=Action.VIEW_PRIVATE)


def _signed_in(request: Request) -> User:
    if not isinstance(request.user, User):  # AccessPolicy lets only signed-in users write
        raise NotAuthenticated
    return request.user


def _service_error(error: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(serializers.as_serializer_error(error))


class _SectionAPIView(viewsets.GenericViewSet[Any]):
    permission_classes = [AccessPolicy]
    renderer_classes = [JSONRenderer]
    queryset = Section.objects.none()
    serializer_class = PlanSectionSerializer
    pagination_class = None
    access_requirements: dict[str, Requirement] = {
        "list": Requirement(Action.VIEW),
        "retrieve": Requirement(Action.VIEW),
        "update": EDIT,
        "partial_update": EDIT,
        "update_table": EDIT,
        "insert_registry_profile": EDIT,
        "revisions": HISTORY,
        "revision": HISTORY,
        "restore": EDIT,
    }

    def _version(self, plan_pk: int, number: int) -> PlanVersion:
        """The version, or 404 for whoever may not see it (working versions: insiders only)."""
        plan = get_object_or_404(Plan.objects.select_related("hromada", "programme", "public_version"), pk=plan_pk)
        version = PlanVersion.objects.filter(plan=plan, number=number).first()
        if version is None:
            raise Http404
        version.plan = plan
        access.require(self.request.user, Action.VIEW, version)
        return version

    def _section(self, plan_pk: int, number: int, code: str) -> Section:
        """The section, with this request's requirement checked on it (404 or 403)."""
        version = self._version(plan_pk, number)
        section = selectors.section_of(version, code)
        if section is None:
            raise Http404
        section.plan_version = version
        self.check_object_permissions(self.request, section)
        return section

    def _conflict(self, section: Section) -> Response:
        current = self._section(section.plan_version.plan_id, section.plan_version.number, section.code)
        body = {
            "detail": gettext(
                "Someone else saved this section since you read it. Nothing was saved; merge your change with the "
                "text saved now and send it again with the current version."
            ),
            "current_version": current.version,
            "current": PlanSectionSerializer(current, context={"request": self.request}).data,
        }
        return Response(body, status=status.HTTP_409_CONFLICT)

    def _saved(self, section: Section) -> Response:
        fresh = self._section(section.plan_version.plan_id, section.plan_version.number, section.code)
        return Response(PlanSectionSerializer(fresh, context={"request": self.request}).data)


class SectionViewSet(_SectionAPIView):
    """…/sections/ and …/sections/{code}/ (with tables and the registry figures)."""

    @extend_schema(
        summary=_("List the sections of a version"),
        description=_(
            "Every section of the version in document order, with its text in both languages and its tables. "
            "Working versions are for insiders only (404 for everyone else); adopted versions are public."
        ),
        parameters=[PLAN_PK, VERSION_NUMBER],
        responses={200: PlanSectionSerializer(many=True), 404: NOT_FOUND},
    )
    def list(self, request: Request, plan_pk: int, number: int) -> Response:
        version = self._version(plan_pk, number)
        sections = list(selectors.sections_of(version))
        for section in sections:
            section.plan_version = version
        return Response(PlanSectionSerializer(sections, many=True, context={"request": request}).data)

    @extend_schema(
        summary=_("Get one section"),
        parameters=[PLAN_PK, VERSION_NUMBER, SECTION_CODE],
        responses={200: PlanSectionSerializer, 404: NOT_FOUND},
    )
    def retrieve(self, request: Request, plan_pk: int, number: int, code: str) -> Response:
        section = self._section(plan_pk, number, code)
        return Response(PlanSectionSerializer(section, context={"request": request}).data)

    def _save_text(self, request: Request, plan_pk: int, number: int, code: str, *, partial: bool) -> Response:
        user = _signed_in(request)
        section = self._section(plan_pk, number, code)
        body = SectionTextSerializer(data=request.data, partial=partial)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if "version" not in data:
            raise serializers.ValidationError({"version": [gettext("Send the version of the section you changed.")]})
        try:
            saved = services.section_save(
                acting_user=user,
                section=section,
                expected_version=data["version"],
                body_uk=data.get("body_uk", section.body_uk),
                body_en=data.get("body_en", section.body_en),
            )
        except EditConflict:
            return self._conflict(section)
        except DjangoValidationError as error:
            raise _service_error(error) from error
        return self._saved(saved)

    @extend_schema(
        summary=_("Save the text of a section"),
        description=_(
            "Replaces the Ukrainian and English text. It is sanitised (scripts, styles, event handlers and other "
            "markup outside the safe subset are removed); text over 200,000 characters is refused, not cut. "
            "Send the version you read: if someone saved in between, nothing is saved and the answer is 409 with "
            "the text saved now. Every save is kept as a revision."
        ),
        parameters=[PLAN_PK, VERSION_NUMBER, SECTION_CODE],
        request=SectionTextSerializer,
        examples=[
            OpenApiExample(
                "Profile text",
                value={
                    "version": 3,
                    "body_uk": "<h2>Географія</h2><p>Громада розташована…</p>",
                    "body_en": "<h2>Geography</h2><p>The hromada lies…</p>",
                },
                request_only=True,
            )
        ],
        responses={
            200: PlanSectionSerializer,
            400: BAD_REQUEST,
            401: UNAUTHORISED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def update(self, request: Request, plan_pk: int, number: int, code: str) -> Response:
        return self._save_text(request, plan_pk, number, code, partial=False)

    @extend_schema(
        summary=_("Change the text of a section in one language"),
        description=_("As saving the text, but a language left out keeps its text. The version is required."),
        parameters=[PLAN_PK, VERSION_NUMBER, SECTION_CODE],
        request=SectionTextSerializer,
        examples=[OpenApiExample("English only", value={"version": 4, "body_en": "<p>…</p>"}, request_only=True)],
        responses={
            200: PlanSectionSerializer,
            400: BAD_REQUEST,
            401: UNAUTHORISED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def partial_update(self, request: Request, plan_pk: int, number: int, code: str) -> Response:
        return self._save_text(request, plan_pk, number, code, partial=True)

    @extend_schema(
        summary=_("Save one table of a section"),
        description=_(
            "Replaces the rows of one of the section's tables (table_codes lists them). Every cell is validated; "
            "a bad cell is refused with the table, row and column named, and nothing is saved. 409 as for the text."
        ),
        parameters=[PLAN_PK, VERSION_NUMBER, SECTION_CODE, TABLE_CODE],
        request=SectionTableSerializer,
        examples=[
            OpenApiExample(
                "Financing",
                value={
                    "version": 5,
                    "rows": [
                        {"source": "local_budget", "amount": "1500000", "currency": "UAH", "year": "2026"},
                        {"source": "international", "amount": 250000, "currency": "EUR", "year": "2027"},
                    ],
                },
                request_only=True,
            )
        ],
        responses={
            200: PlanSectionSerializer,
            400: BAD_REQUEST,
            401: UNAUTHORISED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def update_table(self, request: Request, plan_pk: int, number: int, code: str, table: str) -> Response:
        user = _signed_in(request)
        section = self._section(plan_pk, number, code)
        if table not in catalogue.spec_for(section.code).tables:
            raise Http404
        body = SectionTableSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            saved = services.section_tables_save(
                acting_user=user,
                section=section,
                expected_version=body.validated_data["version"],
                table_code=table,
                rows=[dict(row) for row in body.validated_data["rows"]],
            )
        except EditConflict:
            return self._conflict(section)
        except DjangoValidationError as error:
            raise _service_error(error) from error
        return self._saved(saved)

    @extend_schema(
        summary=_("Insert the registry figures into the profile"),
        description=_(
            "Profile section only: fills its key figures from the registry (population, area, administrative "
            "centre with the number of settlements, security status today), with source and date. Rows for the "
            "same indicators are replaced; other rows are kept."
        ),
        parameters=[PLAN_PK, VERSION_NUMBER, SECTION_CODE],
        request=VersionOnlySerializer,
        responses={
            200: PlanSectionSerializer,
            400: BAD_REQUEST,
            401: UNAUTHORISED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def insert_registry_profile(self, request: Request, plan_pk: int, number: int, code: str) -> Response:
        user = _signed_in(request)
        section = self._section(plan_pk, number, code)
        body = VersionOnlySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            saved = services.section_insert_registry_profile(
                acting_user=user, section=section, expected_version=body.validated_data["version"]
            )
        except EditConflict:
            return self._conflict(section)
        except DjangoValidationError as error:
            raise _service_error(error) from error
        return self._saved(saved)


class SectionRevisionViewSet(_SectionAPIView):
    """…/sections/{code}/revisions/: the history of a section (insiders only)."""

    @extend_schema(
        summary=_("List the revisions of a section"),
        description=_("Every save of the section, newest first (paginated). For insiders only."),
        parameters=[PLAN_PK, VERSION_NUMBER, SECTION_CODE],
        responses={200: RevisionSerializer(many=True), 404: NOT_FOUND},
    )
    def revisions(self, request: Request, plan_pk: int, number: int, code: str) -> Response:
        section = self._section(plan_pk, number, code)
        paginator = Pagination()
        page = paginator.paginate_queryset(selectors.revisions_of(section), request, view=self)
        return paginator.get_paginated_response(RevisionSerializer(page, many=True).data)

    @extend_schema(
        summary=_("Get one revision of a section"),
        description=_("The texts and tables of the section as saved in this revision."),
        parameters=[PLAN_PK, VERSION_NUMBER, SECTION_CODE, REVISION_NUMBER],
        responses={200: RevisionDetailSerializer, 404: NOT_FOUND},
    )
    def revision(self, request: Request, plan_pk: int, number: int, code: str, revision: int) -> Response:
        section = self._section(plan_pk, number, code)
        found = selectors.revision(section, revision)
        if found is None:
            raise Http404
        return Response(RevisionDetailSerializer(found).data)

    @extend_schema(
        summary=_("Restore a revision of a section"),
        description=_(
            "Makes the texts and tables of an earlier revision current again, as a new revision. Send the section's "
            "version you read; 409 if someone saved since."
        ),
        parameters=[PLAN_PK, VERSION_NUMBER, SECTION_CODE, REVISION_NUMBER],
        request=VersionOnlySerializer,
        responses={
            200: PlanSectionSerializer,
            400: BAD_REQUEST,
            401: UNAUTHORISED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def restore(self, request: Request, plan_pk: int, number: int, code: str, revision: int) -> Response:
        user = _signed_in(request)
        section = self._section(plan_pk, number, code)
        found = selectors.revision(section, revision)
        if found is None:
            raise Http404
        body = VersionOnlySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            saved = services.section_revision_restore(
                acting_user=user, section=section, revision=found, expected_version=body.validated_data["version"]
            )
        except EditConflict:
            return self._conflict(section)
        except DjangoValidationError as error:
            raise _service_error(error) from error
        return self._saved(saved)


SECTIONS = "plans/<int:plan_pk>/versions/<int:number>/sections/"
SECTION = SECTIONS + "<slug:code>/"

urlpatterns: list[URLPattern] = [
    path(SECTIONS, SectionViewSet.as_view({"get": "list"}, detail=True), name="plan-section-list"),
    path(
        SECTION,
        SectionViewSet.as_view({"get": "retrieve", "put": "update", "patch": "partial_update"}, detail=True),
        name="plan-section-detail",
    ),
    path(
        SECTION + "tables/<slug:table>/",
        SectionViewSet.as_view({"put": "update_table"}, detail=True),
        name="plan-section-table",
    ),
    path(
        SECTION + "registry-profile/",
        SectionViewSet.as_view({"post": "insert_registry_profile"}, detail=True),
        name="plan-section-registry-profile",
    ),
    path(
        SECTION + "revisions/",
        SectionRevisionViewSet.as_view({"get": "revisions"}, detail=True),
        name="plan-section-revision-list",
    ),
    path(
        SECTION + "revisions/<int:revision>/",
        SectionRevisionViewSet.as_view({"get": "revision"}, detail=True),
        name="plan-section-revision-detail",
    ),
    path(
        SECTION + "revisions/<int:revision>/restore/",
        SectionRevisionViewSet.as_view({"post": "restore"}, detail=True),
        name="plan-section-revision-restore",
    ),
]
