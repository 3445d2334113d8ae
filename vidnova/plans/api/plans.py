"""REST API of plans (/api/v1/plans/…): the plans a client may see, creating one, changing its
description with conflict detection, its higher-level documents, and its versions with sections.

Thin views: validate with a serializer, call a selector or a service, serialize. Access is decided by
vidnova.accounts.access through AccessPolicy and the services, exactly as on the pages: a private
plan is 404 for outsiders, a read-only member gets 403 on writes, and anyone may read an adopted
plan's public version.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
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
from vidnova.api.serializers import KATOTTG_ERROR, KATOTTG_PATTERN, VALIDATION_ERROR_SCHEMA, ErrorSerializer
from vidnova.core.exceptions import EditConflict
from vidnova.plans import catalogue
from vidnova.plans.models import (
    HigherLevelDocument,
    HigherLevelDocumentType,
    Plan,
    PlanLanguage,
    PlanState,
    PlanType,
    PlanVersion,
    Section,
)
from vidnova.plans.selectors import plans as selectors
from vidnova.plans.services import plans as services
from vidnova.programmes.models import Programme
from vidnova.registry.models import Hromada

# --- responses -----------------------------------------------------------------------------------


class PlanHromadaSerializer(serializers.ModelSerializer[Hromada]):
    class Meta:
        model = Hromada
        fields = ["katottg", "name_uk", "name_en"]
        extra_kwargs = {
            "katottg": {"help_text": _("KATOTTG code of the hromada.")},
            "name_uk": {"help_text": _("Name in Ukrainian.")},
            "name_en": {"help_text": _("English name (OCHA); empty if unknown.")},
        }


class DocumentSerializer(serializers.ModelSerializer[HigherLevelDocument]):
    class Meta:
        model = HigherLevelDocument
        fields = ["id", "document_type", "title", "reference", "url", "linked_plan"]
        extra_kwargs = {
            "id": {"help_text": _("Identifier of the link, for removing it.")},
            "document_type": {"help_text": _("Kind of higher-level document.")},
            "title": {"help_text": _("Title of the document.")},
            "reference": {"help_text": _("The act or other reference, e.g. a decision number and date.")},
            "url": {"help_text": _("Address of the document online; empty if none.")},
            "linked_plan": {"help_text": _("Id of the plan in Vidnova when the document is one; null otherwise.")},
        }


class PlanSerializer(serializers.ModelSerializer[Plan]):
    hromada = PlanHromadaSerializer(read_only=True, help_text=_("The hromada the plan belongs to."))
    programme: serializers.SlugRelatedField[Programme] = serializers.SlugRelatedField(
        slug_field="slug",
        read_only=True,
        allow_null=True,
        help_text=_("Short name (slug) of the supporting programme; null if none."),
    )
    public_version = serializers.SerializerMethodField(
        help_text=_("Number of the adopted version shown to the public; null until the plan is adopted.")
    )
    url = serializers.SerializerMethodField(help_text=_("Address of the plan in the API."))

    class Meta:
        model = Plan
        fields = [
            "id",
            "url",
            "hromada",
            "plan_type",
            "state",
            "title_uk",
            "title_en",
            "starts_on",
            "ends_on",
            "programme",
            "original_language",
            "public_version",
            "version",
        ]
        extra_kwargs = {
            "id": {"help_text": _("Identifier of the plan.")},
            "plan_type": {"help_text": _("Type of plan.")},
            "state": {"help_text": _("Stage of the plan's workflow.")},
            "title_uk": {"help_text": _("Title in Ukrainian.")},
            "title_en": {"help_text": _("Title in English; empty if not translated.")},
            "starts_on": {"help_text": _("First day of the plan period.")},
            "ends_on": {"help_text": _("Last day of the plan period.")},
            "original_language": {"help_text": _("Language the plan is written in first.")},
            "version": {"help_text": _("Edit counter of the description; send it back with a change (conflicts).")},
        }

    @extend_schema_field(OpenApiTypes.INT)
    def get_public_version(self, plan: Plan) -> int | None:
        return plan.public_version.number if plan.public_version is not None else None

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, plan: Plan) -> str:
        return reverse("api:plan-detail", kwargs={"pk": plan.pk})


class VersionSerializer(serializers.ModelSerializer[PlanVersion]):
    based_on = serializers.SerializerMethodField(
        help_text=_("Number of the adopted version this amendment started from; null for the first version.")
    )
    is_frozen = serializers.BooleanField(read_only=True, help_text=_("Adopted, and so read-only."))
    url = serializers.SerializerMethodField(help_text=_("Address of the version in the API."))

    class Meta:
        model = PlanVersion
        fields = [
            "number",
            "url",
            "based_on",
            "amendment_reason",
            "proposals_starts_on",
            "proposals_ends_on",
            "consultation_starts_on",
            "consultation_ends_on",
            "is_frozen",
            "adopting_body",
            "act_number",
            "act_date",
            "adopted_at",
            "register_reference",
            "registered_on",
        ]
        extra_kwargs = {
            "number": {"help_text": _("Version number, from 1.")},
            "amendment_reason": {"help_text": _("Why the amendment was started; empty for the first version.")},
            "proposals_starts_on": {"help_text": _("First day of the collection of proposals; null if not set.")},
            "proposals_ends_on": {"help_text": _("Last day of the collection of proposals; null if not set.")},
            "consultation_starts_on": {"help_text": _("First day of the public consultation; null if not set.")},
            "consultation_ends_on": {"help_text": _("Last day of the public consultation; null if not set.")},
            "adopting_body": {"help_text": _("Body that adopted the version; empty until adopted.")},
            "act_number": {"help_text": _("Number of the adopting act; empty until adopted.")},
            "act_date": {"help_text": _("Date of the adopting act; null until adopted.")},
            "adopted_at": {"help_text": _("When the adoption was recorded; null until adopted.")},
            "register_reference": {"help_text": _("Construction Activity Register number (ПКВ); empty if none.")},
            "registered_on": {"help_text": _("Date of registration (ПКВ); null if not registered.")},
        }

    @extend_schema_field(OpenApiTypes.INT)
    def get_based_on(self, version: PlanVersion) -> int | None:
        return version.based_on.number if version.based_on is not None else None

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, version: PlanVersion) -> str:
        return reverse("api:plan-version-detail", kwargs={"plan_pk": version.plan_id, "number": version.number})


class SectionSerializer(serializers.ModelSerializer[Section]):
    title = serializers.SerializerMethodField(help_text=_("Title of the section in the language of the request."))
    is_required = serializers.SerializerMethodField(help_text=_("Whether the plan's type requires this section."))
    tables = serializers.JSONField(
        read_only=True,
        help_text=_("Structured tables of the section: table code → list of rows (column → value as text)."),
    )

    class Meta:
        model = Section
        fields = ["code", "title", "position", "is_required", "body_uk", "body_en", "tables", "version", "updated_at"]
        extra_kwargs = {
            "code": {"help_text": _("Code of the section in the unified section model.")},
            "position": {"help_text": _("Place of the section in the document, from 1.")},
            "body_uk": {"help_text": _("Text in Ukrainian: sanitised HTML (headings, lists, tables, links).")},
            "body_en": {"help_text": _("Text in English: sanitised HTML; empty if not translated.")},
            "version": {"help_text": _("Edit counter of the section; send it back when saving it.")},
            "updated_at": {"help_text": _("When the section was last saved.")},
        }

    def get_title(self, section: Section) -> str:
        return str(section.get_code_display())

    def get_is_required(self, section: Section) -> bool:
        return section.code in catalogue.required_codes(section.plan_version.plan.plan_type)


class VersionDetailSerializer(VersionSerializer):
    sections = serializers.SerializerMethodField(help_text=_("The sections of the version, in document order."))

    class Meta(VersionSerializer.Meta):
        fields = [*VersionSerializer.Meta.fields, "sections"]

    @extend_schema_field(SectionSerializer(many=True))
    def get_sections(self, version: PlanVersion) -> Any:
        sections = list(version.sections.order_by("position", "pk"))
        for section in sections:
            section.plan_version = version
        return SectionSerializer(sections, many=True).data


class PlanDetailSerializer(PlanSerializer):
    higher_level_documents = DocumentSerializer(
        many=True, read_only=True, help_text=_("The higher-level documents the plan follows.")
    )
    shown_version = serializers.SerializerMethodField(
        help_text=_(
            "For the hromada, the programme team and partner experts: the version being worked on. For everyone "
            "else: the adopted version shown to the public."
        )
    )

    class Meta(PlanSerializer.Meta):
        fields = [
            *PlanSerializer.Meta.fields,
            "summary_uk",
            "summary_en",
            "summary_nl",
            "higher_level_documents",
            "shown_version",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            **PlanSerializer.Meta.extra_kwargs,
            "summary_uk": {"help_text": _("Summary in Ukrainian.")},
            "summary_en": {"help_text": _("Summary in English.")},
            "summary_nl": {"help_text": _("Summary in Dutch (optional).")},
            "created_at": {"help_text": _("When the plan was created.")},
            "updated_at": {"help_text": _("When the description was last changed.")},
        }

    @extend_schema_field(VersionSerializer(allow_null=True))
    def get_shown_version(self, plan: Plan) -> Any:
        request = self.context.get("request")
        user = request.user if request is not None else None
        if user is not None and access.can(user, Action.VIEW_PRIVATE, plan):
            version: PlanVersion | None = selectors.current_version(plan)
        else:
            version = plan.public_version
        return VersionSerializer(version).data if version is not None else None


class ConflictSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField(help_text=_("What went wrong, in the language of the request."))
    current_version = serializers.IntegerField(help_text=_("The version saved now; send it to save on top of it."))
    current = PlanDetailSerializer(help_text=_("The plan as saved now by someone else."))


# --- requests ------------------------------------------------------------------------------------


class PlanQuerySerializer(serializers.Serializer[Any]):
    hromada = serializers.RegexField(
        KATOTTG_PATTERN,
        required=False,
        help_text=_("KATOTTG code of the hromada."),
        error_messages={"invalid": KATOTTG_ERROR},
    )
    type = serializers.ChoiceField(choices=PlanType.choices, required=False, help_text=_("Type of plan."))
    state = serializers.ChoiceField(choices=PlanState.choices, required=False, help_text=_("Stage of the workflow."))
    programme = serializers.SlugField(
        required=False, max_length=50, help_text=_("Short name (slug) of the supporting programme.")
    )
    q = serializers.CharField(
        required=False,
        max_length=200,
        help_text=_("Words of the title (Ukrainian or English) or of the hromada's name; every word must match."),
    )

    def to_filter(self) -> selectors.PlanFilter:
        data = self.validated_data
        return selectors.PlanFilter(
            hromada=data.get("hromada", ""),
            plan_type=data.get("type", ""),
            state=data.get("state", ""),
            programme=data.get("programme", ""),
            query=data.get("q", ""),
        )


def _programme_by_slug(slug: str | None) -> Programme | None:
    if not slug:
        return None
    programme = Programme.objects.filter(slug=slug).first()
    if programme is None:
        raise serializers.ValidationError({"programme": [gettext("No programme has this short name.")]})
    return programme


class PlanCreateSerializer(serializers.Serializer[Any]):
    hromada = serializers.RegexField(
        KATOTTG_PATTERN, help_text=_("KATOTTG code of the hromada."), error_messages={"invalid": KATOTTG_ERROR}
    )
    plan_type = serializers.ChoiceField(choices=PlanType.choices, help_text=_("Type of plan; it cannot change later."))
    title_uk = serializers.CharField(max_length=300, help_text=_("Title in Ukrainian."))
    title_en = serializers.CharField(
        max_length=300, required=False, default="", allow_blank=True, help_text=_("Title in English.")
    )
    starts_on = serializers.DateField(help_text=_("First day of the plan period."))
    ends_on = serializers.DateField(help_text=_("Last day of the plan period."))
    programme = serializers.SlugField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Short name (slug) of a programme the hromada takes part in, to review the plan."),
    )
    original_language = serializers.ChoiceField(
        choices=PlanLanguage.choices,
        default=PlanLanguage.UKRAINIAN,
        help_text=_("Language the plan is written in first."),
    )


class PlanUpdateSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(
        min_value=1, help_text=_("The version of the description you changed (from the plan you read).")
    )
    title_uk = serializers.CharField(max_length=300, required=False, help_text=_("Title in Ukrainian."))
    title_en = serializers.CharField(max_length=300, required=False, allow_blank=True, help_text=_("Title in English."))
    summary_uk = serializers.CharField(required=False, allow_blank=True, help_text=_("Summary in Ukrainian."))
    summary_en = serializers.CharField(required=False, allow_blank=True, help_text=_("Summary in English."))
    summary_nl = serializers.CharField(required=False, allow_blank=True, help_text=_("Summary in Dutch."))
    starts_on = serializers.DateField(required=False, help_text=_("First day of the plan period."))
    ends_on = serializers.DateField(required=False, help_text=_("Last day of the plan period."))
    programme = serializers.SlugField(
        required=False, allow_null=True, help_text=_("Short name (slug) of the supporting programme; null for none.")
    )
    original_language = serializers.ChoiceField(
        choices=PlanLanguage.choices, required=False, help_text=_("Language the plan is written in first.")
    )


class DocumentCreateSerializer(serializers.Serializer[Any]):
    document_type = serializers.ChoiceField(
        choices=HigherLevelDocumentType.choices, help_text=_("Kind of higher-level document.")
    )
    title = serializers.CharField(
        max_length=300,
        required=False,
        default="",
        allow_blank=True,
        help_text=_("Title of the document; may be empty when linked_plan is given (its title is used)."),
    )
    reference = serializers.CharField(
        max_length=300, required=False, default="", allow_blank=True, help_text=_("The act or other reference.")
    )
    url = serializers.URLField(
        max_length=200, required=False, default="", allow_blank=True, help_text=_("Address online.")
    )
    linked_plan = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text=_("Id of a plan in Vidnova the plan follows.")
    )


# --- helpers -------------------------------------------------------------------------------------


def _validated(serializer_class: type[serializers.Serializer[Any]], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _service_error(error: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(serializers.as_serializer_error(error))


def _signed_in(request: Request) -> User:
    if not isinstance(request.user, User):  # AccessPolicy lets only signed-in users write
        raise NotAuthenticated
    return request.user


READ_PLAN = Requirement(Action.VIEW)

PLAN_ID = OpenApiParameter("pk", int, OpenApiParameter.PATH, description=_("Identifier of the plan."))
PLAN_PK = OpenApiParameter("plan_pk", int, OpenApiParameter.PATH, description=_("Identifier of the plan."))
VERSION_NUMBER = OpenApiParameter("number", int, OpenApiParameter.PATH, description=_("Version number, from 1."))
DOCUMENT_ID = OpenApiParameter("pk", int, OpenApiParameter.PATH, description=_("Identifier of the document link."))

BAD_REQUEST = OpenApiResponse(VALIDATION_ERROR_SCHEMA, description=_("Something sent is not valid; see why."))
UNAUTHORISED = OpenApiResponse(ErrorSerializer, description=_("No valid token or session."))
FORBIDDEN = OpenApiResponse(ErrorSerializer, description=_("You may read this plan but not change it."))
NOT_FOUND = OpenApiResponse(ErrorSerializer, description=_("No plan (or version) that you may see has this number."))
CONFLICT = OpenApiResponse(
    ConflictSerializer, description=_("Someone else changed the description since you read it; nothing was saved.")
)


class _PlanAPIView(viewsets.GenericViewSet[Any]):
    permission_classes = [AccessPolicy]
    # JSON only, as the rest of the API (the browsable API needs inline script).
    renderer_classes = [JSONRenderer]
    access_requirements: dict[str, Requirement] = {}

    def _plan(self, pk: int, requirement: Requirement | None = None) -> Plan:
        """The plan, or 404 if it is not visible; 403 if ``requirement`` is not met."""
        plan = get_object_or_404(Plan.objects.select_related("hromada", "programme", "public_version"), pk=pk)
        if requirement is not None:
            access.require(self.request.user, requirement.action, plan, visible_with=requirement.visible_with)
        else:
            self.check_object_permissions(self.request, plan)
        return plan


# --- plans ---------------------------------------------------------------------------------------


class PlanViewSet(_PlanAPIView):
    """/api/v1/plans/ and /api/v1/plans/{pk}/."""

    queryset = Plan.objects.none()
    pagination_class = Pagination
    serializer_class = PlanSerializer
    access_requirements = {
        # The service decides on the hromada: 404 for whoever may not see its private pages, 403 for viewers.
        "create": Requirement(Action.VIEW),
        "partial_update": Requirement(Action.EDIT, visible_with=Action.VIEW_PRIVATE),
    }

    def get_queryset(self) -> models.QuerySet[Plan]:
        if getattr(self, "swagger_fake_view", False):
            return Plan.objects.none()
        query = PlanQuerySerializer(data={k: v for k, v in self.request.query_params.items() if v != ""})
        query.is_valid(raise_exception=True)
        return selectors.plan_list(self.request.user, query.to_filter())

    @extend_schema(
        summary=_("List plans"),
        description=_(
            "The plans you may see: adopted plans for everyone; drafts too for the hromada's members, the "
            "programme team and the programme's partner experts. Sorted by hromada, newest period first."
        ),
        parameters=[PlanQuerySerializer],
        responses={200: PlanSerializer(many=True), 400: BAD_REQUEST},
    )
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(PlanSerializer(page, many=True).data)

    @extend_schema(
        summary=_("Get one plan"),
        description=_(
            "The plan's description and the documents it follows. Insiders get the version being worked on in "
            "shown_version; everyone else can read only adopted plans and gets the public version."
        ),
        parameters=[PLAN_ID],
        responses={200: PlanDetailSerializer, 404: NOT_FOUND},
    )
    def retrieve(self, request: Request, pk: int) -> Response:
        plan = self._plan(pk)
        return Response(PlanDetailSerializer(plan, context={"request": request}).data)

    @extend_schema(
        summary=_("Start a plan"),
        description=_(
            "Creates a plan for a hromada, in the first stage of its type's workflow, with every section empty. "
            "Editors of the hromada and programme staff only."
        ),
        request=PlanCreateSerializer,
        examples=[
            OpenApiExample(
                "Local Recovery Plan",
                value={
                    "hromada": "UA32080070000050759",
                    "plan_type": "local_recovery_plan",
                    "title_uk": "План відновлення Бучанської громади",
                    "title_en": "Recovery plan of Bucha hromada",
                    "starts_on": "2026-01-01",
                    "ends_on": "2028-12-31",
                    "programme": "u-lead",
                },
                request_only=True,
            )
        ],
        responses={
            201: PlanDetailSerializer,
            400: BAD_REQUEST,
            401: UNAUTHORISED,
            403: OpenApiResponse(ErrorSerializer, description=_("You may not start plans for this hromada.")),
            404: OpenApiResponse(ErrorSerializer, description=_("No hromada that you belong to has this code.")),
        },
    )
    def create(self, request: Request) -> Response:
        user = _signed_in(request)
        data = _validated(PlanCreateSerializer, request.data)
        hromada = Hromada.objects.filter(katottg=data["hromada"]).first()
        if hromada is None:
            raise serializers.ValidationError({"hromada": [gettext("No hromada has this KATOTTG code.")]})
        programme = _programme_by_slug(data["programme"])
        try:
            plan = services.plan_create(
                acting_user=user,
                hromada=hromada,
                plan_type=data["plan_type"],
                title_uk=data["title_uk"],
                title_en=data["title_en"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                programme=programme,
                original_language=data["original_language"],
            )
        except DjangoValidationError as error:
            raise _service_error(error) from error
        plan = self._plan(plan.pk)
        return Response(PlanDetailSerializer(plan, context={"request": request}).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Change the description of a plan"),
        description=_(
            "Changes the titles, summaries, period, programme or language of origin; fields left out keep their "
            "value. Send the version you read: if someone saved in between, nothing is saved and the answer is "
            "409 with the values saved now. Refused (400) while the adopted version is frozen and no amendment "
            "is open."
        ),
        parameters=[PLAN_ID],
        request=PlanUpdateSerializer,
        examples=[
            OpenApiExample(
                "New English title", value={"version": 3, "title_en": "Recovery plan 2026–2028"}, request_only=True
            )
        ],
        responses={
            200: PlanDetailSerializer,
            400: BAD_REQUEST,
            401: UNAUTHORISED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def partial_update(self, request: Request, pk: int) -> Response:
        user = _signed_in(request)
        plan = self._plan(pk)
        data = _validated(PlanUpdateSerializer, request.data)
        programme = _programme_by_slug(data["programme"]) if "programme" in data else plan.programme
        values = {
            name: data.get(name, getattr(plan, name)) for name in services.DESCRIPTION_FIELDS if name != "programme"
        }
        try:
            saved = services.plan_update(
                acting_user=user, plan=plan, expected_version=data["version"], programme=programme, **values
            )
        except EditConflict:
            current = self._plan(pk)
            body = {
                "detail": gettext(
                    "Someone else changed the description of this plan since you read it. Nothing was saved; "
                    "compare with the values saved now and send your change again with the current version."
                ),
                "current_version": current.version,
                "current": PlanDetailSerializer(current, context={"request": request}).data,
            }
            return Response(body, status=status.HTTP_409_CONFLICT)
        except DjangoValidationError as error:
            raise _service_error(error) from error
        saved = self._plan(saved.pk)
        return Response(PlanDetailSerializer(saved, context={"request": request}).data)


# --- versions ------------------------------------------------------------------------------------


class PlanVersionViewSet(_PlanAPIView):
    """/api/v1/plans/{plan_pk}/versions/ and …/versions/{number}/."""

    queryset = PlanVersion.objects.none()
    serializer_class = VersionSerializer
    pagination_class = None

    @extend_schema(
        summary=_("List the versions of a plan"),
        description=_("Newest first. Insiders see every version; everyone else only the adopted ones (not paginated)."),
        parameters=[PLAN_PK],
        responses={200: VersionSerializer(many=True), 404: NOT_FOUND},
    )
    def list(self, request: Request, plan_pk: int) -> Response:
        plan = self._plan(plan_pk, READ_PLAN)
        versions = selectors.versions_visible_to(request.user, plan)
        return Response(VersionSerializer(versions, many=True).data)

    @extend_schema(
        summary=_("Get one version of a plan, with its sections"),
        description=_(
            "The version with every section in document order: text in Ukrainian and English (sanitised HTML) "
            "and structured tables. Working versions are for insiders only (404 for everyone else)."
        ),
        parameters=[PLAN_PK, VERSION_NUMBER],
        responses={200: VersionDetailSerializer, 404: NOT_FOUND},
    )
    def retrieve(self, request: Request, plan_pk: int, number: int) -> Response:
        plan = self._plan(plan_pk, READ_PLAN)
        version = PlanVersion.objects.select_related("based_on").filter(plan=plan, number=number).first()
        if version is None:
            raise Http404
        version.plan = plan
        self.check_object_permissions(request, version)
        return Response(VersionDetailSerializer(version).data)


# --- higher-level documents -------------------------------------------------------------------------


class PlanDocumentViewSet(_PlanAPIView):
    """/api/v1/plans/{plan_pk}/higher-level-documents/ and …/higher-level-documents/{pk}/."""

    queryset = HigherLevelDocument.objects.none()
    serializer_class = DocumentSerializer
    pagination_class = None
    access_requirements = {
        "create": Requirement(Action.EDIT, visible_with=Action.VIEW_PRIVATE),
        "destroy": Requirement(Action.EDIT, visible_with=Action.VIEW_PRIVATE),
    }

    @extend_schema(
        summary=_("Link a higher-level document to a plan"),
        description=_(
            "Records a document the plan must follow (state or regional strategy, the hromada's strategy, a "
            "recovery programme, the spatial plan). Refused while the adopted version is frozen."
        ),
        parameters=[PLAN_PK],
        request=DocumentCreateSerializer,
        responses={201: DocumentSerializer, 400: BAD_REQUEST, 401: UNAUTHORISED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def create(self, request: Request, plan_pk: int) -> Response:
        user = _signed_in(request)
        plan = self._plan(plan_pk)
        data = _validated(DocumentCreateSerializer, request.data)
        linked_plan = None
        if data["linked_plan"] is not None:
            linked_plan = Plan.objects.filter(pk=data["linked_plan"]).first()
            if linked_plan is None:
                raise serializers.ValidationError({"linked_plan": [gettext("Choose a plan you can open in Vidnova.")]})
        try:
            document = services.document_add(
                acting_user=user,
                plan=plan,
                document_type=data["document_type"],
                title=data["title"],
                reference=data["reference"],
                url=data["url"],
                linked_plan=linked_plan,
            )
        except DjangoValidationError as error:
            raise _service_error(error) from error
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Unlink a higher-level document from a plan"),
        parameters=[PLAN_PK, DOCUMENT_ID],
        responses={204: None, 400: BAD_REQUEST, 401: UNAUTHORISED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def destroy(self, request: Request, plan_pk: int, pk: int) -> Response:
        user = _signed_in(request)
        plan = self._plan(plan_pk)
        document = get_object_or_404(HigherLevelDocument, pk=pk, plan=plan)
        try:
            services.document_remove(acting_user=user, document=document)
        except DjangoValidationError as error:
            raise _service_error(error) from error
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns: list[URLPattern] = [
    path("plans/", PlanViewSet.as_view({"get": "list", "post": "create"}, detail=False), name="plan-list"),
    path(
        "plans/<int:pk>/",
        PlanViewSet.as_view({"get": "retrieve", "patch": "partial_update"}, detail=True),
        name="plan-detail",
    ),
    path(
        "plans/<int:plan_pk>/versions/",
        PlanVersionViewSet.as_view({"get": "list"}, detail=False),
        name="plan-version-list",
    ),
    path(
        "plans/<int:plan_pk>/versions/<int:number>/",
        PlanVersionViewSet.as_view({"get": "retrieve"}, detail=True),
        name="plan-version-detail",
    ),
    path(
        "plans/<int:plan_pk>/higher-level-documents/",
        PlanDocumentViewSet.as_view({"post": "create"}, detail=True),
        name="plan-document-list",
    ),
    path(
        "plans/<int:plan_pk>/higher-level-documents/<int:pk>/",
        PlanDocumentViewSet.as_view({"delete": "destroy"}, detail=True),
        name="plan-document-detail",
    ),
]
