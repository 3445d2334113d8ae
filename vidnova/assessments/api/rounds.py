"""REST API of assessment rounds (/api/v1/rounds/…): the rounds a client may see with their progress,
opening a round for a set of hromadas, changing it with conflict detection, closing and reopening it,
adding hromadas.

Thin views: validate with a serializer, call the round services (vidnova.assessments.services.rounds),
serialize. Access is decided by vidnova.accounts.access through AccessPolicy and the services, as on the
pages: a round is visible to its programme's staff and partner experts (404 for everyone else), only the
programme's staff change it (403 for partner experts), and writes without credentials are 401.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import Count, Q
from django.http import Http404
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import NotAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from vidnova.accounts import access
from vidnova.accounts.access import Action, AnyUser
from vidnova.accounts.models import User
from vidnova.api.pagination import Pagination
from vidnova.api.permissions import AccessPolicy, Requirement
from vidnova.api.serializers import KATOTTG_ERROR, KATOTTG_PATTERN, VALIDATION_ERROR_SCHEMA, ErrorSerializer
from vidnova.assessments.models import (
    AssessmentState,
    Instrument,
    InstrumentVersion,
    Round,
    RoundKind,
    RoundStatus,
)
from vidnova.assessments.services import rounds as services
from vidnova.core.exceptions import EditConflict
from vidnova.programmes.models import Programme
from vidnova.registry.models import Hromada

MAX_HROMADAS = 2_000  # more than all of Ukraine's 1,469 hromadas

# --- choices -------------------------------------------------------------------------------------


class NamedChoiceField(serializers.ChoiceField):
    """A choice field whose allowed values form an enum component of its own name in the schema.

    drf-spectacular otherwise names enums after the field ("state", "kind", "status"), and those names
    are already taken by the plans' and the registry's choices.
    """

    def __init__(self, *, enum_name: str, **kwargs: Any) -> None:
        self.enum_name = enum_name
        super().__init__(**kwargs)


class NamedChoiceFieldExtension(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]
    target_class = NamedChoiceField

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> Any:
        field = self.target
        component = ResolvedComponent(  # type: ignore[no-untyped-call]
            name=field.enum_name,
            type=ResolvedComponent.SCHEMA,
            object=field.enum_name,
            schema={
                "type": "string",
                "enum": [str(value) for value in field.choices],
                "description": "\n".join(f"* `{value}` - {label}" for value, label in field.choices.items()),
            },
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref


# --- reads ---------------------------------------------------------------------------------------


def rounds_visible_to(user: AnyUser) -> models.QuerySet[Round]:
    """Rounds ``user`` may see (the round rule: the programme's staff and partner experts), newest
    first, with the number of assessments per state; the instrument definitions are not loaded."""
    queryset = (
        Round.objects.select_related("programme", "instrument_version__instrument")
        .defer("instrument_version__definition")
        .annotate(
            assessment_count=Count("assessments"),
            **{
                f"count_{state}": Count("assessments", filter=Q(assessments__state=state))
                for state in AssessmentState.values
            },
        )
        .order_by("-opens_on", "-pk")
    )
    if user.is_authenticated and user.is_active and user.is_superuser:
        return queryset
    roles = access.roles_of(user)
    return queryset.filter(programme_id__in=roles.programme_staff_of | roles.expert_programme_of)


# --- responses -----------------------------------------------------------------------------------


class InstrumentVersionRefSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text=_("Form identifier of the instrument (its form_id)."))
    number = serializers.IntegerField(help_text=_("Version number of the instrument, from 1."))
    url = serializers.CharField(help_text=_("Address of the version (with its definition) in the API."))


def instrument_version_ref(version: InstrumentVersion) -> dict[str, Any]:
    code = version.instrument.code
    return {
        "code": code,
        "number": version.number,
        "url": reverse("api:instrument-version-detail", kwargs={"code": code, "number": version.number}),
    }


class RoundSerializer(serializers.ModelSerializer[Round]):
    url = serializers.SerializerMethodField(help_text=_("Address of the round in the API."))
    programme: serializers.SlugRelatedField[Programme] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, help_text=_("Short name (slug) of the programme running the round.")
    )
    instrument = serializers.SerializerMethodField(help_text=_("The instrument version the round asks."))
    name = serializers.CharField(read_only=True, help_text=_("Name in the language of the request."))
    assessment_count = serializers.IntegerField(read_only=True, help_text=_("Number of hromadas in the round."))
    kind = NamedChoiceField(
        enum_name="RoundKindEnum",
        choices=RoundKind.choices,
        read_only=True,
        help_text=_("Baseline, midline or endline."),
    )
    status = NamedChoiceField(
        enum_name="RoundStatusEnum",
        choices=RoundStatus.choices,
        read_only=True,
        help_text=_("Open (answers can be given) or closed."),
    )
    training_threshold = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        read_only=True,
        help_text=_("Dimensions scoring under this normalised score (0–100) become training needs."),
    )

    class Meta:
        model = Round
        fields = [
            "id",
            "url",
            "programme",
            "instrument",
            "name",
            "name_uk",
            "name_en",
            "name_nl",
            "kind",
            "status",
            "opens_on",
            "deadline",
            "training_threshold",
            "closed_at",
            "assessment_count",
            "version",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": _("Identifier of the round.")},
            "name_uk": {"help_text": _("Name in Ukrainian.")},
            "name_en": {"help_text": _("Name in English; empty if not given.")},
            "name_nl": {"help_text": _("Name in Dutch; empty if not given.")},
            "opens_on": {"help_text": _("First day of the round.")},
            "deadline": {"help_text": _("Last day for the hromadas to submit.")},
            "closed_at": {"help_text": _("When the round was closed; null while it is open.")},
            "version": {"help_text": _("Edit counter of the round; send it back with a change (conflicts).")},
        }

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, round_: Round) -> str:
        return reverse("api:round-detail", kwargs={"pk": round_.pk})

    @extend_schema_field(InstrumentVersionRefSerializer)
    def get_instrument(self, round_: Round) -> dict[str, Any]:
        return instrument_version_ref(round_.instrument_version)


class StateCountsSerializer(serializers.Serializer[Any]):
    draft = serializers.IntegerField(help_text=_("Assessments not started."))
    in_progress = serializers.IntegerField(help_text=_("Assessments being filled in (or returned)."))
    submitted = serializers.IntegerField(help_text=_("Assessments submitted, waiting for validation."))
    under_validation = serializers.IntegerField(help_text=_("Assessments a coordinator is checking."))
    validated = serializers.IntegerField(help_text=_("Validated assessments."))


class RoundDetailSerializer(RoundSerializer):
    counts = serializers.SerializerMethodField(help_text=_("Number of the round's assessments in each state."))
    assessments_url = serializers.SerializerMethodField(
        help_text=_("Address of the list of the round's assessments in the API.")
    )

    class Meta(RoundSerializer.Meta):
        fields = [*RoundSerializer.Meta.fields, "counts", "assessments_url", "created_at", "updated_at"]
        read_only_fields = fields
        extra_kwargs = {
            **RoundSerializer.Meta.extra_kwargs,
            "created_at": {"help_text": _("When the round was opened.")},
            "updated_at": {"help_text": _("Last change of the round.")},
        }

    @extend_schema_field(StateCountsSerializer)
    def get_counts(self, round_: Round) -> dict[str, int]:
        return {state: int(getattr(round_, f"count_{state}", 0) or 0) for state in AssessmentState.values}

    @extend_schema_field(OpenApiTypes.URI)
    def get_assessments_url(self, round_: Round) -> str:
        return f"{reverse('api:assessment-list')}?round={round_.pk}"


class RoundConflictSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField(help_text=_("What went wrong, in the language of the request."))
    current_version = serializers.IntegerField(help_text=_("The version saved now; send it to save on top of it."))
    current = RoundDetailSerializer(help_text=_("The round as saved now by someone else."))


class HromadasAddedSerializer(serializers.Serializer[Any]):
    added = serializers.ListField(
        child=serializers.CharField(),
        help_text=_(
            "KATOTTG codes of the hromadas that got an assessment now (those already in the round are left out)."
        ),
    )
    round = RoundDetailSerializer(help_text=_("The round with its new counts."))


# --- requests ------------------------------------------------------------------------------------


class RoundQuerySerializer(serializers.Serializer[Any]):
    programme = serializers.SlugField(
        required=False, max_length=50, help_text=_("Short name (slug) of the programme running the round.")
    )
    kind = NamedChoiceField(
        enum_name="RoundKindEnum", choices=RoundKind.choices, required=False, help_text=_("Kind of round.")
    )
    status = NamedChoiceField(
        enum_name="RoundStatusEnum",
        choices=RoundStatus.choices,
        required=False,
        help_text=_("Open or closed rounds only."),
    )


def katottg_list_field(help_text: Any) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.RegexField(KATOTTG_PATTERN, error_messages={"invalid": KATOTTG_ERROR}),
        allow_empty=False,
        max_length=MAX_HROMADAS,
        help_text=help_text,
    )


class RoundOpenSerializer(serializers.Serializer[Any]):
    programme = serializers.SlugField(max_length=50, help_text=_("Short name (slug) of the programme."))
    instrument = serializers.SlugField(max_length=100, help_text=_("Form identifier (form_id) of the instrument."))
    instrument_version = serializers.IntegerField(
        min_value=1,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Version number of the instrument; the newest version when left out."),
    )
    name_uk = serializers.CharField(max_length=300, help_text=_("Name in Ukrainian."))
    name_en = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default="", help_text=_("Name in English.")
    )
    name_nl = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default="", help_text=_("Name in Dutch.")
    )
    kind = NamedChoiceField(
        enum_name="RoundKindEnum",
        choices=RoundKind.choices,
        default=RoundKind.BASELINE,
        help_text=_("Baseline, midline or endline."),
    )
    opens_on = serializers.DateField(help_text=_("First day of the round (YYYY-MM-DD)."))
    deadline = serializers.DateField(help_text=_("Last day for the hromadas to submit (YYYY-MM-DD)."))
    training_threshold = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        default=Decimal(50),
        help_text=_("Dimensions scoring under this normalised score (0–100) become training needs; default 50."),
    )
    hromadas = katottg_list_field(
        _("KATOTTG codes of the hromadas to assess; each must take part in the programme. Each gets an assessment.")
    )


class RoundUpdateSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(
        min_value=1, help_text=_("The round's edit counter as you read it; a newer one on the server gives 409.")
    )
    name_uk = serializers.CharField(max_length=300, required=False, help_text=_("Name in Ukrainian."))
    name_en = serializers.CharField(max_length=300, required=False, allow_blank=True, help_text=_("Name in English."))
    name_nl = serializers.CharField(max_length=300, required=False, allow_blank=True, help_text=_("Name in Dutch."))
    kind = NamedChoiceField(
        enum_name="RoundKindEnum", choices=RoundKind.choices, required=False, help_text=_("Kind of round.")
    )
    opens_on = serializers.DateField(required=False, help_text=_("First day of the round."))
    deadline = serializers.DateField(required=False, help_text=_("Last day for the hromadas to submit."))
    training_threshold = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        required=False,
        help_text=_("Training-need threshold (0–100)."),
    )


class HromadasAddSerializer(serializers.Serializer[Any]):
    hromadas = katottg_list_field(
        _(
            "KATOTTG codes of the hromadas to add; each must take part in the programme. Hromadas already in the round are skipped."
        )
    )


# --- helpers -------------------------------------------------------------------------------------


def validated(serializer_class: type[serializers.Serializer[Any]], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def service_error(error: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(serializers.as_serializer_error(error))


def signed_in(request: Request) -> User:
    if not isinstance(request.user, User):
        raise NotAuthenticated
    return request.user


def hromadas_by_code(codes: list[str], field: str = "hromadas") -> list[Hromada]:
    """The hromadas with these KATOTTG codes, in the order given; 400 naming every unknown code."""
    found = {h.katottg: h for h in Hromada.objects.filter(katottg__in=codes)}
    unknown = [code for code in dict.fromkeys(codes) if code not in found]
    if unknown:
        raise serializers.ValidationError(
            {field: [gettext("No hromada has the KATOTTG code %(code)s.") % {"code": code} for code in unknown]}
        )
    return [found[code] for code in dict.fromkeys(codes)]


ROUND_ID = OpenApiParameter("pk", int, OpenApiParameter.PATH, description=_("Identifier of the round."))
BAD_REQUEST = OpenApiResponse(VALIDATION_ERROR_SCHEMA, description=_("Something sent is not valid; see why."))
UNAUTHORISED = OpenApiResponse(ErrorSerializer, description=_("No valid token or session."))
FORBIDDEN = OpenApiResponse(
    ErrorSerializer, description=_("You may see this round but not change it (programme staff only).")
)
NOT_FOUND = OpenApiResponse(ErrorSerializer, description=_("No round that you may see has this identifier."))
CONFLICT = OpenApiResponse(
    RoundConflictSerializer, description=_("Someone else changed the round since you read it; nothing was saved.")
)
STAFF_WRITE = Requirement(Action.EDIT)


class RoundViewSet(viewsets.GenericViewSet[Any]):
    """/api/v1/rounds/, /api/v1/rounds/{pk}/ and the round's actions."""

    queryset = Round.objects.none()
    serializer_class = RoundSerializer
    pagination_class = Pagination
    permission_classes = [AccessPolicy]
    renderer_classes = [JSONRenderer]
    access_requirements = {
        # Opening: programme staff anywhere (401 without credentials, 403 for others); the service then
        # checks the programme named in the body.
        "create": Requirement(Action.VIEW_PRIVATE),
        "partial_update": STAFF_WRITE,
        "close": STAFF_WRITE,
        "reopen": STAFF_WRITE,
        "add_hromadas": STAFF_WRITE,
    }

    def get_queryset(self) -> models.QuerySet[Round]:
        if getattr(self, "swagger_fake_view", False):
            return Round.objects.none()
        return rounds_visible_to(self.request.user)

    def _round(self, pk: int) -> Round:
        """The round with its counts: 404 if not visible, 403 if this action's requirement is not met."""
        round_ = rounds_visible_to(self.request.user).filter(pk=pk).first()
        if round_ is None:
            raise Http404  # not there, or not visible: the same answer either way
        self.check_object_permissions(self.request, round_)
        return round_

    @extend_schema(
        summary=_("List assessment rounds"),
        description=_(
            "The rounds you may see: those of the programmes you run or whose partner experts you are. Newest "
            "first, each with its instrument and number of hromadas. Hromada members reach their assessments "
            "through /api/v1/assessments/ instead. Needs a signed-in user (401 without credentials)."
        ),
        parameters=[RoundQuerySerializer],
        responses={200: RoundSerializer(many=True), 400: BAD_REQUEST, 401: UNAUTHORISED},
    )
    def list(self, request: Request) -> Response:
        signed_in(request)
        query = validated(RoundQuerySerializer, {k: v for k, v in request.query_params.items() if v != ""})
        rounds = self.get_queryset()
        if query.get("programme"):
            rounds = rounds.filter(programme__slug=query["programme"])
        if query.get("kind"):
            rounds = rounds.filter(kind=query["kind"])
        if query.get("status"):
            rounds = rounds.filter(status=query["status"])
        page = self.paginate_queryset(rounds)
        return self.get_paginated_response(RoundSerializer(page, many=True).data)

    @extend_schema(
        summary=_("Open an assessment round"),
        description=_(
            "Opens a round of one instrument version for a set of the programme's hromadas: each hromada gets an "
            "assessment, not started yet. Every hromada must take part in the programme. Programme staff only; "
            "a wrong value is refused (400) naming the field, and nothing is saved."
        ),
        request=RoundOpenSerializer,
        examples=[
            OpenApiExample(
                "Baseline",
                value={
                    "programme": "u-lead",
                    "instrument": "vidnova_default_assessment",
                    "instrument_version": 1,
                    "name_uk": "Базове оцінювання 2026",
                    "name_en": "Baseline 2026",
                    "kind": "baseline",
                    "opens_on": "2026-12-01",
                    "deadline": "2027-01-31",
                    "training_threshold": "50.00",
                    "hromadas": ["UA32080070000050759"],
                },
                request_only=True,
            )
        ],
        responses={
            201: RoundDetailSerializer,
            400: BAD_REQUEST,
            401: UNAUTHORISED,
            403: OpenApiResponse(ErrorSerializer, description=_("You may not open rounds for this programme.")),
        },
    )
    def create(self, request: Request) -> Response:
        user = signed_in(request)
        data = validated(RoundOpenSerializer, request.data)
        programme = Programme.objects.filter(slug=data["programme"]).first()
        if programme is None:
            raise serializers.ValidationError({"programme": [gettext("No programme has this short name.")]})
        access.require(user, Action.EDIT, programme)  # 403 before anything else is looked up
        instrument = Instrument.objects.filter(code=data["instrument"]).first()
        if instrument is None:
            raise serializers.ValidationError({"instrument": [gettext("No instrument has this form identifier.")]})
        versions = instrument.versions.order_by("-number")
        number = data["instrument_version"]
        version = versions.first() if number is None else versions.filter(number=number).first()
        if version is None:
            raise serializers.ValidationError(
                {"instrument_version": [gettext("The instrument has no version %(number)s.") % {"number": number}]}
            )
        hromadas = hromadas_by_code(data["hromadas"])
        try:
            round_ = services.round_open(
                acting_user=user,
                programme=programme,
                instrument_version=version,
                name_uk=data["name_uk"],
                name_en=data["name_en"],
                name_nl=data["name_nl"],
                kind=data["kind"],
                opens_on=data["opens_on"],
                deadline=data["deadline"],
                hromadas=hromadas,
                training_threshold=data["training_threshold"],
            )
        except DjangoValidationError as error:
            raise service_error(error) from error
        return Response(RoundDetailSerializer(self._round(round_.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Get an assessment round"),
        description=_("The round with the number of its assessments in each state."),
        parameters=[ROUND_ID],
        responses={200: RoundDetailSerializer, 404: NOT_FOUND},
    )
    def retrieve(self, request: Request, pk: int) -> Response:
        return Response(RoundDetailSerializer(self._round(pk)).data)

    @extend_schema(
        summary=_("Change an assessment round"),
        description=_(
            "Changes the names, kind, dates or training-need threshold; fields left out keep their value (the "
            "instrument cannot change: answers are tied to it). Send the version you read: if someone saved in "
            "between, nothing is saved and the answer is 409 with the round as saved now."
        ),
        parameters=[ROUND_ID],
        request=RoundUpdateSerializer,
        examples=[OpenApiExample("New deadline", value={"version": 1, "deadline": "2027-02-28"}, request_only=True)],
        responses={
            200: RoundDetailSerializer,
            400: BAD_REQUEST,
            401: UNAUTHORISED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def partial_update(self, request: Request, pk: int) -> Response:
        user = signed_in(request)
        round_ = self._round(pk)
        data = validated(RoundUpdateSerializer, request.data)
        expected = data.pop("version")
        try:
            services.round_update(acting_user=user, round_=round_, expected_version=expected, **data)
        except EditConflict:
            current = self._round(pk)
            body = {
                "detail": gettext(
                    "Someone else changed this round since you read it. Nothing was saved; compare with the values "
                    "saved now and send your change again with the current version."
                ),
                "current_version": current.version,
                "current": RoundDetailSerializer(current).data,
            }
            return Response(body, status=status.HTTP_409_CONFLICT)
        except DjangoValidationError as error:
            raise service_error(error) from error
        return Response(RoundDetailSerializer(self._round(pk)).data)

    def _set_status(self, request: Request, pk: int, new_status: str) -> Response:
        user = signed_in(request)
        round_ = self._round(pk)
        try:
            services.round_set_status(acting_user=user, round_=round_, status=new_status)
        except DjangoValidationError as error:
            raise service_error(error) from error
        return Response(RoundDetailSerializer(self._round(pk)).data)

    @extend_schema(
        summary=_("Close an assessment round"),
        description=_(
            "No more answers can be given online or imported. Closing a closed round changes nothing. Programme "
            "staff only."
        ),
        parameters=[ROUND_ID],
        request=None,
        responses={200: RoundDetailSerializer, 401: UNAUTHORISED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def close(self, request: Request, pk: int) -> Response:
        return self._set_status(request, pk, RoundStatus.CLOSED)

    @extend_schema(
        summary=_("Reopen an assessment round"),
        description=_("Answers can be given again. Reopening an open round changes nothing. Programme staff only."),
        parameters=[ROUND_ID],
        request=None,
        responses={200: RoundDetailSerializer, 401: UNAUTHORISED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def reopen(self, request: Request, pk: int) -> Response:
        return self._set_status(request, pk, RoundStatus.OPEN)

    @extend_schema(
        summary=_("Add hromadas to an assessment round"),
        description=_(
            "Each new hromada gets an assessment, not started yet; hromadas already in the round are skipped. "
            "Every hromada must take part in the programme. Programme staff only."
        ),
        parameters=[ROUND_ID],
        request=HromadasAddSerializer,
        examples=[OpenApiExample("One hromada", value={"hromadas": ["UA32080070000050759"]}, request_only=True)],
        responses={
            200: HromadasAddedSerializer,
            400: BAD_REQUEST,
            401: UNAUTHORISED,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def add_hromadas(self, request: Request, pk: int) -> Response:
        user = signed_in(request)
        round_ = self._round(pk)
        data = validated(HromadasAddSerializer, request.data)
        hromadas = hromadas_by_code(data["hromadas"])
        try:
            created = services.round_add_hromadas(acting_user=user, round_=round_, hromadas=hromadas)
        except DjangoValidationError as error:
            raise service_error(error) from error
        added_ids = {assessment.hromada_id for assessment in created}
        body = {
            "added": [h.katottg for h in hromadas if h.pk in added_ids],
            "round": RoundDetailSerializer(self._round(pk)).data,
        }
        return Response(body)


urlpatterns: list[URLPattern] = [
    path("rounds/", RoundViewSet.as_view({"get": "list", "post": "create"}, detail=False), name="round-list"),
    path(
        "rounds/<int:pk>/",
        RoundViewSet.as_view({"get": "retrieve", "patch": "partial_update"}, detail=True),
        name="round-detail",
    ),
    path("rounds/<int:pk>/close/", RoundViewSet.as_view({"post": "close"}, detail=True), name="round-close"),
    path("rounds/<int:pk>/reopen/", RoundViewSet.as_view({"post": "reopen"}, detail=True), name="round-reopen"),
    path(
        "rounds/<int:pk>/hromadas/",
        RoundViewSet.as_view({"post": "add_hromadas"}, detail=True),
        name="round-hromadas",
    ),
]
