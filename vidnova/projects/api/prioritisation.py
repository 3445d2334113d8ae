"""REST API of prioritisation rounds (/api/v1/prioritisation-rounds/…): rounds, their criteria and
projects, publishing (criteria and weights locked), scorers, conflict-of-interest declarations,
scores, the ranking with an explanation per project, and the what-if ranking under other weights.

Same permissions as the pages: a round is visible to its programme's staff and partner experts (404
for everyone else, hromada members included); only the staff change it (403 for partner experts);
named scorers declare and score for themselves; partner experts see the ranking once the round is
closed. Thin views: validate with a serializer, call vidnova.projects.services.prioritisation and
vidnova.projects.selectors.prioritisation, serialize.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import Http404
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
from vidnova.assessments.api.rounds import NamedChoiceField
from vidnova.core.exceptions import EditConflict
from vidnova.programmes.models import Programme
from vidnova.projects.models import (
    Pillar,
    PrioritisationRound,
    PrioritisationStatus,
    PriorityCriterion,
    PriorityScore,
    Project,
    Scorer,
)
from vidnova.projects.selectors import prioritisation as selectors
from vidnova.projects.services import prioritisation as services

MAX_ITEMS = 5_000

# --- responses -----------------------------------------------------------------------------------


class PriorityCriterionSerializer(serializers.ModelSerializer[PriorityCriterion]):
    class Meta:
        model = PriorityCriterion
        fields = [
            "id",
            "code",
            "name_uk",
            "name_en",
            "name_nl",
            "pillar",
            "description",
            "weight",
            "scale_max",
            "position",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": _("Identifier of the criterion.")},
            "code": {"help_text": _("Short code, unique in the round.")},
            "pillar": {
                "help_text": _("soc_env (socio-environmental), fin_eco (financial-economic) or gov (governance).")
            },
            "weight": {"help_text": _("Weight (> 0); the total is the weighted mean of the criteria.")},
            "scale_max": {"help_text": _("Highest score (1–10); scores go from 0 to it.")},
            "position": {"help_text": _("Order in the round, from 1.")},
        }


class PrioGatesSerializer(serializers.Serializer[Any]):
    security = serializers.BooleanField(
        help_text=_("Exclude projects in temporarily occupied hromadas or areas of active hostilities (status today).")
    )
    min_cofinancing = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        allow_null=True,
        help_text=_("Minimum local co-financing share in per cent of the cost; null: no gate."),
    )
    design_for_construction = serializers.BooleanField(
        help_text=_("Construction and rehabilitation projects need a design document (DREAM designDocument).")
    )
    dream_duplicates = serializers.BooleanField(
        help_text=_("Exclude projects with the same DREAM identifier or the same title in the hromada as another.")
    )


class PrioRoundSerializer(serializers.ModelSerializer[PrioritisationRound]):
    url = serializers.SerializerMethodField(help_text=_("Address of the round in the API."))
    programme: serializers.SlugRelatedField[Programme] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, help_text=_("Short name (slug) of the programme.")
    )
    name = serializers.CharField(read_only=True, help_text=_("Name in the language of the request."))
    gates = PrioGatesSerializer(read_only=True, help_text=_("The gates the round applies."))
    published_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="email", read_only=True, help_text=_("Who published and locked the criteria.")
    )
    status = NamedChoiceField(
        enum_name="PrioritisationStatusEnum",
        choices=PrioritisationStatus.choices,
        read_only=True,
        help_text=_("draft (criteria can change), published (locked; scoring) or closed."),
    )

    class Meta:
        model = PrioritisationRound
        fields = [
            "id",
            "url",
            "programme",
            "name",
            "name_uk",
            "name_en",
            "name_nl",
            "description",
            "status",
            "gates",
            "published_at",
            "published_by",
            "closed_at",
            "version",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": _("Identifier of the round.")},
            "published_at": {"help_text": _("When the criteria and weights were published and locked.")},
            "closed_at": {"help_text": _("When the round was closed.")},
            "version": {"help_text": _("Edit counter; send it back with a change (conflicts).")},
        }

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, round_: PrioritisationRound) -> str:
        return reverse("api:prioritisation-round-detail", kwargs={"pk": round_.pk})


class PrioRoundDetailSerializer(PrioRoundSerializer):
    criteria = PriorityCriterionSerializer(many=True, read_only=True, help_text=_("The criteria, in order."))
    projects = serializers.SerializerMethodField(help_text=_("Codes of the projects in the round."))

    class Meta(PrioRoundSerializer.Meta):
        fields = [*PrioRoundSerializer.Meta.fields, "criteria", "projects"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_projects(self, round_: PrioritisationRound) -> list[str]:
        return sorted(round_.projects.values_list("code", flat=True))


class PrioScorerSerializer(serializers.ModelSerializer[Scorer]):
    user: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="email", read_only=True, help_text=_("Email address of the scorer.")
    )
    conflicts: serializers.SlugRelatedField[Project] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True, help_text=_("Codes of the projects with a declared conflict.")
    )

    class Meta:
        model = Scorer
        fields = ["id", "user", "declared_at", "conflicts", "conflict_note"]
        read_only_fields = fields
        extra_kwargs = {
            "declared_at": {"help_text": _("When the scorer declared conflicts; null: not yet (cannot score).")},
            "conflict_note": {"help_text": _("The scorer's declaration in words.")},
        }


class PrioScoreSerializer(serializers.ModelSerializer[PriorityScore]):
    scorer = serializers.CharField(source="scorer.user.email", read_only=True, help_text=_("Email of the scorer."))
    project = serializers.CharField(source="project.code", read_only=True, help_text=_("Project code."))
    criterion = serializers.CharField(source="criterion.code", read_only=True, help_text=_("Criterion code."))

    class Meta:
        model = PriorityScore
        fields = ["scorer", "project", "criterion", "value", "justification", "updated_at"]
        read_only_fields = fields


class PrioGateResultSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text=_("security, min_cofinancing, design_for_construction or dream_duplicates."))
    name = serializers.CharField(source="label", help_text=_("Name of the gate."))
    passed = serializers.BooleanField(help_text=_("Whether the project passes."))
    detail = serializers.CharField(help_text=_("Why, in words."))


class PrioCriterionResultSerializer(serializers.Serializer[Any]):
    criterion = serializers.CharField(source="criterion.code", help_text=_("Criterion code."))
    weight = serializers.DecimalField(max_digits=8, decimal_places=2, help_text=_("Weight used."))
    mean = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        allow_null=True,
        help_text=_("Mean score normalised to 0–100; null: not scored."),
    )
    scorers = serializers.IntegerField(help_text=_("Number of scores counted."))
    contribution = serializers.DecimalField(
        max_digits=6, decimal_places=2, help_text=_("Points this criterion adds to the total.")
    )


class PrioRankingRowSerializer(serializers.Serializer[Any]):
    rank = serializers.IntegerField(allow_null=True, help_text=_("Rank among projects passing the gates; null if not."))
    base_rank = serializers.IntegerField(
        allow_null=True, help_text=_("What-if only: the rank under the round's weights.")
    )
    rank_change = serializers.IntegerField(
        allow_null=True, help_text=_("What-if only: places moved up (negative: down).")
    )
    project = serializers.CharField(source="project.code", help_text=_("Project code."))
    title = serializers.CharField(source="project.title_uk", help_text=_("Project title (Ukrainian)."))
    hromada = serializers.CharField(source="project.hromada.katottg", help_text=_("KATOTTG code of the hromada."))
    passes = serializers.BooleanField(help_text=_("Passes every gate."))
    gates = PrioGateResultSerializer(many=True, help_text=_("Each gate's result."))
    criteria = PrioCriterionResultSerializer(many=True, help_text=_("Each criterion's mean and contribution."))
    total = serializers.DecimalField(max_digits=6, decimal_places=2, help_text=_("Weighted total, 0–100."))
    gap = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        allow_null=True,
        help_text=_("Points behind the project ranked above (rank 1: ahead of rank 2)."),
    )
    scorers = serializers.IntegerField(help_text=_("Scorers counted (without a conflict)."))
    explanation = serializers.ListField(child=serializers.CharField(), help_text=_("The result in sentences."))


class PrioRankingSerializer(serializers.Serializer[Any]):
    is_what_if = serializers.BooleanField(help_text=_("True when computed under weights given in the request."))
    weights = serializers.DictField(
        child=serializers.DecimalField(max_digits=8, decimal_places=2), help_text=_("Weight per criterion code.")
    )
    rows = PrioRankingRowSerializer(many=True, help_text=_("Ranked projects first, then those failing a gate."))


# --- requests ------------------------------------------------------------------------------------


class PrioGatesInputSerializer(serializers.Serializer[Any]):
    security = serializers.BooleanField(default=True, help_text=_("Security gate on (default) or off."))
    min_cofinancing = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        allow_null=True,
        default=Decimal("10.00"),
        help_text=_("Minimum local co-financing, %; null switches the gate off; default 10."),
    )
    design_for_construction = serializers.BooleanField(default=True, help_text=_("Design documents gate."))
    dream_duplicates = serializers.BooleanField(default=True, help_text=_("Duplicates gate."))


class PrioRoundCreateSerializer(serializers.Serializer[Any]):
    programme = serializers.SlugField(max_length=50, help_text=_("Short name (slug) of the programme."))
    name_uk = serializers.CharField(max_length=300, help_text=_("Name in Ukrainian."))
    name_en = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    name_nl = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    gates = PrioGatesInputSerializer(
        required=False,
        help_text=_("Gates; when left out, all are on with a minimum of 10 per cent local co-financing."),
    )


class PrioRoundUpdateSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(min_value=1, help_text=_("The version you read; a newer one gives 409."))
    name_uk = serializers.CharField(max_length=300, required=False)
    name_en = serializers.CharField(max_length=300, required=False, allow_blank=True)
    name_nl = serializers.CharField(max_length=300, required=False, allow_blank=True)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    gates = PrioGatesInputSerializer(required=False)


class PrioCriterionInputSerializer(serializers.Serializer[Any]):
    code = serializers.SlugField(max_length=50, help_text=_("Short code, unique in the round."))
    name_uk = serializers.CharField(max_length=300, help_text=_("Name in Ukrainian."))
    name_en = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    name_nl = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    pillar = serializers.ChoiceField(choices=Pillar.choices, help_text=_("soc_env, fin_eco or gov."))
    weight = serializers.DecimalField(max_digits=6, decimal_places=2, help_text=_("Weight above 0."))
    scale_max = serializers.IntegerField(help_text=_("Highest score, 1–10."))
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class PrioCriteriaInputSerializer(serializers.Serializer[Any]):
    criteria = PrioCriterionInputSerializer(many=True, help_text=_("The new criteria; they replace the old ones."))


class PrioProjectsInputSerializer(serializers.Serializer[Any]):
    projects = serializers.ListField(
        child=serializers.CharField(max_length=40),
        max_length=MAX_ITEMS,
        help_text=_("Codes of the projects; they replace the round's projects."),
    )


class PrioScorerInputSerializer(serializers.Serializer[Any]):
    email = serializers.EmailField(help_text=_("Email of a programme staff member or partner expert."))


class PrioConflictInputSerializer(serializers.Serializer[Any]):
    projects = serializers.ListField(
        child=serializers.CharField(max_length=40),
        max_length=MAX_ITEMS,
        required=False,
        default=list,
        help_text=_("Codes of the projects with a conflict of interest; empty: none."),
    )
    note = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, default="", help_text=_("The declaration in words.")
    )


class PrioScoreInputSerializer(serializers.Serializer[Any]):
    project = serializers.CharField(max_length=40, help_text=_("Project code."))
    criterion = serializers.SlugField(max_length=50, help_text=_("Criterion code."))
    value = serializers.DecimalField(
        max_digits=5, decimal_places=2, help_text=_("Score, 0 to the criterion's highest.")
    )
    justification = serializers.CharField(max_length=5000, help_text=_("Why this score (required)."))


class PrioWhatIfInputSerializer(serializers.Serializer[Any]):
    weights = serializers.DictField(
        child=serializers.CharField(max_length=20),
        help_text=_("Weight per criterion code (≥ 0); criteria left out keep their weight."),
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


def _gates(data: dict[str, Any]) -> dict[str, Any]:
    minimum = data.get("min_cofinancing")
    return {**data, "min_cofinancing": None if minimum is None else str(minimum)}


def projects_by_code(round_: PrioritisationRound, codes: list[str], field: str) -> list[Project]:
    found = {p.code: p for p in Project.objects.filter(code__in=codes)}
    unknown = [code for code in dict.fromkeys(codes) if code not in found]
    if unknown:
        raise serializers.ValidationError(
            {field: [gettext("No project has the code %(code)s.") % {"code": code} for code in unknown]}
        )
    return [found[code] for code in dict.fromkeys(codes)]


ROUND_ID = OpenApiParameter("pk", int, OpenApiParameter.PATH, description=_("Identifier of the round."))
BAD_REQUEST = OpenApiResponse(VALIDATION_ERROR_SCHEMA, description=_("Something sent is not valid; see why."))
UNAUTHORISED = OpenApiResponse(ErrorSerializer, description=_("No valid token or session."))
FORBIDDEN = OpenApiResponse(ErrorSerializer, description=_("You may see this round but not do this."))
NOT_FOUND = OpenApiResponse(ErrorSerializer, description=_("No round that you may see has this identifier."))
STAFF_WRITE = Requirement(Action.EDIT)
SCORER_WRITE = Requirement(Action.VIEW)  # the services check that the user is the scorer


class PrioritisationRoundViewSet(viewsets.GenericViewSet[Any]):
    """/api/v1/prioritisation-rounds/ and each round's parts."""

    queryset = PrioritisationRound.objects.none()
    serializer_class = PrioRoundSerializer
    pagination_class = Pagination
    permission_classes = [AccessPolicy]
    renderer_classes = [JSONRenderer]
    access_requirements = {
        "create": Requirement(Action.VIEW_PRIVATE),  # programme staff anywhere; the service checks the programme
        "partial_update": STAFF_WRITE,
        "set_criteria": STAFF_WRITE,
        "set_projects": STAFF_WRITE,
        "publish": STAFF_WRITE,
        "close": STAFF_WRITE,
        "add_scorer": STAFF_WRITE,
        "declare": SCORER_WRITE,
        "score": SCORER_WRITE,
        "what_if": Requirement(Action.VIEW),
    }

    def get_queryset(self) -> models.QuerySet[PrioritisationRound]:
        if getattr(self, "swagger_fake_view", False):
            return PrioritisationRound.objects.none()
        return selectors.rounds_visible_to(self.request.user)

    def _round(self, pk: int) -> PrioritisationRound:
        round_ = self.get_queryset().filter(pk=pk).first()
        if round_ is None:
            raise Http404
        self.check_object_permissions(self.request, round_)
        return round_

    def _ranking_allowed(self, round_: PrioritisationRound) -> None:
        if not (access.can(self.request.user, Action.EDIT, round_) or round_.status == PrioritisationStatus.CLOSED):
            raise PermissionDenied

    def _scorer(self, round_: PrioritisationRound) -> Scorer:
        scorer = selectors.scorer_for(round_, self.request.user)
        if scorer is None:
            raise PermissionDenied
        return scorer

    @extend_schema(
        summary=_("List prioritisation rounds"),
        description=_("The rounds of the programmes you run or whose partner expert you are, newest first."),
        parameters=[
            OpenApiParameter("programme", str, description=_("Only rounds of this programme (slug).")),
            OpenApiParameter("status", str, enum=PrioritisationStatus.values, description=_("Only this status.")),
        ],
        responses={200: PrioRoundSerializer(many=True), 401: UNAUTHORISED},
    )
    def list(self, request: Request) -> Response:
        signed_in(request)
        rounds = self.get_queryset()
        if request.query_params.get("programme"):
            rounds = rounds.filter(programme__slug=request.query_params["programme"])
        if request.query_params.get("status"):
            rounds = rounds.filter(status=request.query_params["status"])
        page = self.paginate_queryset(rounds)
        return self.get_paginated_response(PrioRoundSerializer(page, many=True).data)

    @extend_schema(
        summary=_("Create a prioritisation round"),
        description=_("A draft round with its gates. Programme staff only; nothing is saved on a wrong value."),
        request=PrioRoundCreateSerializer,
        examples=[
            OpenApiExample(
                "Round",
                value={
                    "programme": "u-lead",
                    "name_uk": "Пріоритизація 2027",
                    "gates": {
                        "security": True,
                        "min_cofinancing": "10",
                        "design_for_construction": True,
                        "dream_duplicates": True,
                    },
                },
                request_only=True,
            )
        ],
        responses={201: PrioRoundDetailSerializer, 400: BAD_REQUEST, 401: UNAUTHORISED, 403: FORBIDDEN},
    )
    def create(self, request: Request) -> Response:
        user = signed_in(request)
        data = validated(PrioRoundCreateSerializer, request.data)
        programme = Programme.objects.filter(slug=data.pop("programme")).first()
        if programme is None:
            raise serializers.ValidationError({"programme": [gettext("No programme has this short name.")]})
        gates = _gates(data.pop("gates")) if "gates" in data else None
        try:
            round_ = services.round_create(acting_user=user, programme=programme, gates=gates, **data)
        except DjangoValidationError as error:
            raise service_error(error) from error
        return Response(PrioRoundDetailSerializer(round_).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Get a prioritisation round"),
        parameters=[ROUND_ID],
        responses={200: PrioRoundDetailSerializer, 404: NOT_FOUND},
    )
    def retrieve(self, request: Request, pk: int) -> Response:
        return Response(PrioRoundDetailSerializer(self._round(pk)).data)

    @extend_schema(
        summary=_("Change a draft prioritisation round"),
        description=_(
            "Names, description or gates, while the round is a draft. Send the version you read (409 if stale)."
        ),
        parameters=[ROUND_ID],
        request=PrioRoundUpdateSerializer,
        responses={
            200: PrioRoundDetailSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: ErrorSerializer,
        },
    )
    def partial_update(self, request: Request, pk: int) -> Response:
        user = signed_in(request)
        round_ = self._round(pk)
        data = validated(PrioRoundUpdateSerializer, request.data)
        expected = data.pop("version")
        if "gates" in data:
            data["gates"] = _gates(data["gates"])
        try:
            services.round_update(acting_user=user, round_=round_, expected_version=expected, **data)
        except EditConflict:
            return Response(
                {"detail": gettext("Someone else changed this round since you read it. Nothing was saved.")},
                status=status.HTTP_409_CONFLICT,
            )
        except DjangoValidationError as error:
            raise service_error(error) from error
        return Response(PrioRoundDetailSerializer(self._round(pk)).data)

    @extend_schema(
        summary=_("Replace the criteria of a draft round"),
        description=_(
            "At least one criterion; pillars soc_env, fin_eco, gov; weights above 0; highest score 1–10. Errors "
            "name the criterion as criteria[N].field (N from 1)."
        ),
        parameters=[ROUND_ID],
        request=PrioCriteriaInputSerializer,
        responses={200: PriorityCriterionSerializer(many=True), 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def set_criteria(self, request: Request, pk: int) -> Response:
        user = signed_in(request)
        round_ = self._round(pk)
        data = validated(PrioCriteriaInputSerializer, request.data)
        try:
            created = services.criteria_set(acting_user=user, round_=round_, criteria=data["criteria"])
        except DjangoValidationError as error:
            raise service_error(error) from error
        return Response(PriorityCriterionSerializer(created, many=True).data)

    @extend_schema(
        summary=_("Replace the projects of a round"),
        description=_("Projects of hromadas taking part in the programme, by code. While the round is a draft."),
        parameters=[ROUND_ID],
        request=PrioProjectsInputSerializer,
        responses={200: PrioRoundDetailSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def set_projects(self, request: Request, pk: int) -> Response:
        user = signed_in(request)
        round_ = self._round(pk)
        data = validated(PrioProjectsInputSerializer, request.data)
        projects = projects_by_code(round_, data["projects"], "projects")
        try:
            services.projects_set(acting_user=user, round_=round_, projects=projects)
        except DjangoValidationError as error:
            raise service_error(error) from error
        return Response(PrioRoundDetailSerializer(self._round(pk)).data)

    @extend_schema(
        summary=_("Publish a round"),
        description=_("Draft → published: the criteria and weights are published and locked; scoring starts."),
        parameters=[ROUND_ID],
        request=None,
        responses={200: PrioRoundDetailSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def publish(self, request: Request, pk: int) -> Response:
        user = signed_in(request)
        try:
            services.round_publish(acting_user=user, round_=self._round(pk))
        except DjangoValidationError as error:
            raise service_error(error) from error
        return Response(PrioRoundDetailSerializer(self._round(pk)).data)

    @extend_schema(
        summary=_("Close a round"),
        description=_("Published → closed: no more scores."),
        parameters=[ROUND_ID],
        request=None,
        responses={200: PrioRoundDetailSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def close(self, request: Request, pk: int) -> Response:
        user = signed_in(request)
        try:
            services.round_close(acting_user=user, round_=self._round(pk))
        except DjangoValidationError as error:
            raise service_error(error) from error
        return Response(PrioRoundDetailSerializer(self._round(pk)).data)

    @extend_schema(
        summary=_("List the scorers of a round"),
        parameters=[ROUND_ID],
        responses={200: PrioScorerSerializer(many=True), 404: NOT_FOUND},
    )
    def scorers(self, request: Request, pk: int) -> Response:
        round_ = self._round(pk)
        return Response(PrioScorerSerializer(selectors.scorers_of(round_), many=True).data)

    @extend_schema(
        summary=_("Add a scorer"),
        description=_("A member of the programme's staff or one of its partner experts. Programme staff only."),
        parameters=[ROUND_ID],
        request=PrioScorerInputSerializer,
        responses={201: PrioScorerSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def add_scorer(self, request: Request, pk: int) -> Response:
        user = signed_in(request)
        round_ = self._round(pk)
        data = validated(PrioScorerInputSerializer, request.data)
        person = User.objects.filter(email__iexact=data["email"]).first()
        if person is None:
            raise serializers.ValidationError({"email": [gettext("No user has this email address.")]})
        try:
            scorer = services.scorer_add(acting_user=user, round_=round_, user=person)
        except DjangoValidationError as error:
            raise service_error(error) from error
        return Response(PrioScorerSerializer(scorer).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Declare my conflicts of interest"),
        description=_(
            "The signed-in scorer declares the projects they have a conflict of interest on (or none), before "
            "their first score; they cannot score those projects."
        ),
        parameters=[ROUND_ID],
        request=PrioConflictInputSerializer,
        responses={200: PrioScorerSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def declare(self, request: Request, pk: int) -> Response:
        user = signed_in(request)
        round_ = self._round(pk)
        scorer = self._scorer(round_)
        data = validated(PrioConflictInputSerializer, request.data)
        projects = projects_by_code(round_, data["projects"], "projects")
        try:
            scorer = services.conflict_declare(acting_user=user, scorer=scorer, projects=projects, note=data["note"])
        except DjangoValidationError as error:
            raise service_error(error) from error
        return Response(PrioScorerSerializer(scorer).data)

    @extend_schema(
        summary=_("List scores"),
        description=_("Programme staff see every score; a scorer sees their own."),
        parameters=[ROUND_ID],
        responses={200: PrioScoreSerializer(many=True), 404: NOT_FOUND},
    )
    def scores(self, request: Request, pk: int) -> Response:
        round_ = self._round(pk)
        queryset = PriorityScore.objects.filter(scorer__round=round_).select_related(
            "scorer__user", "project", "criterion"
        )
        if not access.can(request.user, Action.EDIT, round_):
            user_pk: int = getattr(request.user, "pk", None) or 0
            queryset = queryset.filter(scorer__user_id=user_pk)
        return Response(PrioScoreSerializer(queryset.order_by("project__code", "criterion__position"), many=True).data)

    @extend_schema(
        summary=_("Score a project on a criterion"),
        description=_(
            "The signed-in scorer's score (0 to the criterion's highest) with a justification, while the round is "
            "published; refused on projects they declared a conflict on. A new score replaces their earlier one."
        ),
        parameters=[ROUND_ID],
        request=PrioScoreInputSerializer,
        responses={200: PrioScoreSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def score(self, request: Request, pk: int) -> Response:
        user = signed_in(request)
        round_ = self._round(pk)
        scorer = self._scorer(round_)
        data = validated(PrioScoreInputSerializer, request.data)
        project = round_.projects.filter(code=data["project"]).first()
        if project is None:
            raise serializers.ValidationError({"project": [gettext("No project of this round has this code.")]})
        criterion = round_.criteria.filter(code=data["criterion"]).first()
        if criterion is None:
            raise serializers.ValidationError({"criterion": [gettext("No criterion of this round has this code.")]})
        try:
            score = services.score_set(
                acting_user=user,
                scorer=scorer,
                project=project,
                criterion=criterion,
                value=data["value"],
                justification=data["justification"],
            )
        except DjangoValidationError as error:
            raise service_error(error) from error
        return Response(PrioScoreSerializer(score).data)

    @extend_schema(
        summary=_("The ranking"),
        description=_(
            "Gates, per-criterion means (0–100), weighted totals, ranks (ties: higher readiness, then code) and an "
            "explanation per project. Programme staff; partner experts once the round is closed."
        ),
        parameters=[ROUND_ID],
        responses={200: PrioRankingSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def ranking(self, request: Request, pk: int) -> Response:
        round_ = self._round(pk)
        self._ranking_allowed(round_)
        return Response(PrioRankingSerializer(selectors.ranking(round_)).data)

    @extend_schema(
        summary=_("What-if ranking"),
        description=_(
            "The ranking under the weights sent, with each project's rank change; the round does not change."
        ),
        parameters=[ROUND_ID],
        request=PrioWhatIfInputSerializer,
        examples=[OpenApiExample("Weights", value={"weights": {"beneficiaries": "3", "cost": "1"}}, request_only=True)],
        responses={200: PrioRankingSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def what_if(self, request: Request, pk: int) -> Response:
        signed_in(request)
        round_ = self._round(pk)
        self._ranking_allowed(round_)
        data = validated(PrioWhatIfInputSerializer, request.data)
        criteria = list(round_.criteria.all())
        unknown = sorted(set(data["weights"]) - {c.code for c in criteria})
        if unknown:
            raise serializers.ValidationError(
                {
                    "weights": [
                        gettext("No criterion of this round has the code %(code)s.") % {"code": c} for c in unknown
                    ]
                }
            )
        try:
            weights = selectors.parse_weights(criteria, data["weights"])
        except DjangoValidationError as error:
            raise service_error(error) from error
        return Response(PrioRankingSerializer(selectors.ranking(round_, weights)).data)


def _view(actions: dict[str, Any], detail: bool = True) -> Any:
    return PrioritisationRoundViewSet.as_view(actions, detail=detail)


urlpatterns: list[URLPattern] = [
    path(
        "prioritisation-rounds/",
        _view({"get": "list", "post": "create"}, detail=False),
        name="prioritisation-round-list",
    ),
    path(
        "prioritisation-rounds/<int:pk>/",
        _view({"get": "retrieve", "patch": "partial_update"}),
        name="prioritisation-round-detail",
    ),
    path(
        "prioritisation-rounds/<int:pk>/criteria/",
        _view({"put": "set_criteria"}),
        name="prioritisation-round-criteria",
    ),
    path(
        "prioritisation-rounds/<int:pk>/projects/",
        _view({"put": "set_projects"}),
        name="prioritisation-round-projects",
    ),
    path("prioritisation-rounds/<int:pk>/publish/", _view({"post": "publish"}), name="prioritisation-round-publish"),
    path("prioritisation-rounds/<int:pk>/close/", _view({"post": "close"}), name="prioritisation-round-close"),
    path(
        "prioritisation-rounds/<int:pk>/scorers/",
        _view({"get": "scorers", "post": "add_scorer"}),
        name="prioritisation-round-scorers",
    ),
    path(
        "prioritisation-rounds/<int:pk>/conflicts/",
        _view({"post": "declare"}),
        name="prioritisation-round-conflicts",
    ),
    path(
        "prioritisation-rounds/<int:pk>/scores/",
        _view({"get": "scores", "post": "score"}),
        name="prioritisation-round-scores",
    ),
    path("prioritisation-rounds/<int:pk>/ranking/", _view({"get": "ranking"}), name="prioritisation-round-ranking"),
    path("prioritisation-rounds/<int:pk>/what-if/", _view({"post": "what_if"}), name="prioritisation-round-what-if"),
]
