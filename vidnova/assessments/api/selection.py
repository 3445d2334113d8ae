"""REST API of selection calls (/api/v1/selection-calls/…): the calls, their criteria and weights,
the lock, manual scores, the ranking with an explanation per hromada, decisions and the final
decision. Programme staff only; for everyone else a call does not exist (404), as on the pages.

Thin views: validate with a serializer, call the same services and selectors as the pages.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import NotAuthenticated
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from vidnova.accounts import access
from vidnova.accounts.access import Action
from vidnova.accounts.models import User
from vidnova.api.pagination import Pagination
from vidnova.api.permissions import AccessPolicy, Requirement
from vidnova.api.serializers import KATOTTG_ERROR, KATOTTG_PATTERN, VALIDATION_ERROR_SCHEMA, ErrorSerializer
from vidnova.assessments.models import (
    Candidate,
    CriterionKind,
    Decision,
    ManualScore,
    Round,
    SelectionCall,
    SelectionCriterion,
)
from vidnova.assessments.selectors import selection as selectors
from vidnova.assessments.services import selection as services
from vidnova.core.exceptions import EditConflict
from vidnova.programmes.models import Programme
from vidnova.registry.models import Hromada, TopLevelUnit

# --- responses -----------------------------------------------------------------------------------


class CriterionSerializer(serializers.ModelSerializer[SelectionCriterion]):
    class Meta:
        model = SelectionCriterion
        fields = ["code", "name_uk", "name_en", "name_nl", "kind", "weight", "parameters", "position"]
        extra_kwargs = {
            "code": {"help_text": _("Short code of the criterion, unique in the call.")},
            "kind": {"help_text": _("capacity_gap, field_gap, answer_points or manual.")},
            "weight": {"help_text": _("Weight (> 0); the total is the weighted mean of the values.")},
            "parameters": {
                "help_text": _(
                    'field_gap: {"field": 1–3}; answer_points: {"question": name, "points": {choice: 0–100}}; '
                    "otherwise {}."
                )
            },
            "position": {"help_text": _("Order in the call, from 1.")},
        }


class CallSerializer(serializers.ModelSerializer[SelectionCall]):
    url = serializers.SerializerMethodField(help_text=_("Address of the call in the API."))
    page_url = serializers.SerializerMethodField(help_text=_("Address of the call's page."))
    programme: serializers.SlugRelatedField[Programme] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, help_text=_("Programme short name.")
    )
    oblasts: serializers.SlugRelatedField[TopLevelUnit] = serializers.SlugRelatedField(
        slug_field="katottg", many=True, read_only=True, help_text=_("KATOTTG codes of eligible oblasts; empty: all.")
    )
    locked_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="email", read_only=True, help_text=_("Who locked the weights.")
    )
    criteria = CriterionSerializer(many=True, read_only=True, help_text=_("The criteria in order."))

    class Meta:
        model = SelectionCall
        fields = [
            "id",
            "url",
            "page_url",
            "programme",
            "round",
            "name_uk",
            "name_en",
            "name_nl",
            "description",
            "status",
            "security_date",
            "exclude_active_hostilities",
            "oblasts",
            "min_completeness",
            "require_validated",
            "places",
            "version",
            "locked_at",
            "locked_by",
            "ranked_at",
            "decided_at",
            "criteria",
        ]
        extra_kwargs = {
            "round": {"help_text": _("Identifier of the assessment round whose hromadas are the candidates.")},
            "status": {"help_text": _("draft (criteria can change), locked (ranking, decisions) or decided.")},
            "version": {"help_text": _("Edit counter: send it back when changing the call.")},
        }

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, call: SelectionCall) -> str:
        return reverse("api:selection-call-detail", kwargs={"pk": call.pk})

    @extend_schema_field(OpenApiTypes.URI)
    def get_page_url(self, call: SelectionCall) -> str:
        return reverse("assessments:selection-detail", kwargs={"pk": call.pk})


class CandidateSerializer(serializers.ModelSerializer[Candidate]):
    hromada = serializers.CharField(source="hromada.katottg", help_text=_("KATOTTG code of the hromada."))
    hromada_name = serializers.CharField(source="hromada.name_uk", help_text=_("Name of the hromada (Ukrainian)."))
    explanation = serializers.SerializerMethodField(
        help_text=_("The gates, criterion values and position in words, in the request's language.")
    )

    class Meta:
        model = Candidate
        fields = [
            "hromada",
            "hromada_name",
            "eligible",
            "rank",
            "total",
            "gates",
            "criterion_scores",
            "explanation",
            "decision",
            "justification",
            "decided_at",
        ]
        extra_kwargs = {
            "gates": {"help_text": _('Each gate: {"gate", "passed", "detail"}.')},
            "criterion_scores": {
                "help_text": _(
                    'Each criterion: {"code", "value" (0–100), "weight", "share", "contribution", "detail"}.'
                )
            },
            "total": {"help_text": _("Weighted mean of the values; null when not eligible.")},
            "rank": {"help_text": _("Rank among eligible hromadas; null when not eligible.")},
        }

    @extend_schema_field(OpenApiTypes.STR)
    def get_explanation(self, candidate: Candidate) -> str:
        explanations: dict[int, str] = self.context.get("explanations", {})
        return explanations.get(candidate.pk, "")


class ManualScoreSerializer(serializers.ModelSerializer[ManualScore]):
    criterion = serializers.CharField(source="criterion.code", help_text=_("Code of the manual criterion."))
    hromada = serializers.CharField(source="hromada.katottg", help_text=_("KATOTTG code of the hromada."))

    class Meta:
        model = ManualScore
        fields = ["criterion", "hromada", "value", "note", "updated_at"]


# --- requests ------------------------------------------------------------------------------------


class CallFieldsSerializer(serializers.Serializer[Any]):
    name_uk = serializers.CharField(max_length=300, help_text=_("Name in Ukrainian."))
    name_en = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    name_nl = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    security_date = serializers.DateField(help_text=_("The date on which security status is checked."))
    exclude_active_hostilities = serializers.BooleanField(required=False, default=True)
    oblasts = serializers.ListField(
        child=serializers.RegexField(KATOTTG_PATTERN, error_messages={"invalid": KATOTTG_ERROR}),
        required=False,
        default=list,
        help_text=_("KATOTTG codes of the eligible oblasts; empty: every oblast."),
    )
    min_completeness = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, default=Decimal(80))
    require_validated = serializers.BooleanField(required=False, default=True)
    places = serializers.IntegerField(min_value=1, required=False, default=10)


class CallCreateSerializer(CallFieldsSerializer):
    programme = serializers.SlugField(help_text=_("Short name of the programme."))
    round = serializers.IntegerField(help_text=_("Identifier of an assessment round of the programme."))


class CallUpdateSerializer(CallFieldsSerializer):
    version = serializers.IntegerField(min_value=1, help_text=_("The call's version as you read it."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "version":
                field.required = False


class CriterionRequestSerializer(serializers.Serializer[Any]):
    code = serializers.SlugField(max_length=50)
    name_uk = serializers.CharField(max_length=300)
    name_en = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    name_nl = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=CriterionKind.choices)
    weight = serializers.DecimalField(max_digits=6, decimal_places=2)
    parameters = serializers.DictField(required=False, default=dict)


class CriteriaRequestSerializer(serializers.Serializer[Any]):
    criteria = CriterionRequestSerializer(many=True, help_text=_("The full list; it replaces the current one."))


class ManualScoreRequestSerializer(serializers.Serializer[Any]):
    criterion = serializers.SlugField(help_text=_("Code of a manual criterion of the call."))
    hromada = serializers.RegexField(KATOTTG_PATTERN, error_messages={"invalid": KATOTTG_ERROR})
    value = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100)
    note = serializers.CharField(max_length=2000, help_text=_("The reason for the score (required)."))


class DecisionRequestSerializer(serializers.Serializer[Any]):
    decision = serializers.ChoiceField(choices=Decision.choices)
    justification = serializers.CharField(max_length=5000)


# --- views ---------------------------------------------------------------------------------------

CALL_ID = OpenApiParameter("pk", int, OpenApiParameter.PATH, description=_("Identifier of the selection call."))
KATOTTG = OpenApiParameter("katottg", str, OpenApiParameter.PATH, description=_("KATOTTG code of the hromada."))
PROGRAMME = OpenApiParameter("programme", str, description=_("Only the calls of this programme (short name)."))
BAD_REQUEST = OpenApiResponse(VALIDATION_ERROR_SCHEMA, description=_("Something sent is not valid; see why."))
UNAUTHORISED = OpenApiResponse(ErrorSerializer, description=_("No valid token or session."))
NOT_FOUND = OpenApiResponse(
    ErrorSerializer, description=_("No selection call that you may see has this identifier (programme staff only).")
)
CONFLICT = OpenApiResponse(ErrorSerializer, description=_("Someone else changed the call since you read it."))
WRITE = Requirement(Action.EDIT)


def _signed_in(request: Request) -> User:
    if not isinstance(request.user, User):
        raise NotAuthenticated
    return request.user


def _service_error(error: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(serializers.as_serializer_error(error))


def _validated(serializer_class: type[serializers.Serializer[Any]], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _oblasts(codes: list[str]) -> list[TopLevelUnit]:
    found = {o.katottg: o for o in TopLevelUnit.objects.filter(katottg__in=codes)}
    missing = [code for code in codes if code not in found]
    if missing:
        raise serializers.ValidationError(
            {"oblasts": [gettext("No oblast has the code %(codes)s.") % {"codes": ", ".join(missing)}]}
        )
    return [found[code] for code in codes]


def _explained(call: SelectionCall) -> tuple[list[Candidate], dict[int, str]]:
    ranking = selectors.ranking(call)
    return [row.candidate for row in ranking.rows], {row.candidate.pk: row.explanation for row in ranking.rows}


class _CallAPIView(viewsets.GenericViewSet[Any]):
    permission_classes = [AccessPolicy]
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser]
    queryset = SelectionCall.objects.none()
    serializer_class = CallSerializer

    def _call(self, pk: int) -> SelectionCall:
        """The call, or 404 for everyone but the programme's staff."""
        call = get_object_or_404(selectors.call_queryset(), pk=pk)
        access.require(self.request.user, Action.EDIT, call)
        return call

    def _body(self, call: SelectionCall) -> Any:
        return CallSerializer(selectors.call_queryset().prefetch_related("criteria").get(pk=call.pk)).data


class SelectionCallViewSet(_CallAPIView):
    """/api/v1/selection-calls/ and /api/v1/selection-calls/{pk}/."""

    pagination_class = Pagination
    access_requirements = {
        "create": Requirement(Action.VIEW),  # the service decides on the programme (404 for non-staff)
        "partial_update": WRITE,
        "lock": WRITE,
        "rank": WRITE,
        "decide": WRITE,
    }

    def get_queryset(self) -> models.QuerySet[SelectionCall]:
        queryset = selectors.calls_for_user(self.request.user).prefetch_related("criteria", "oblasts")
        programme = self.request.query_params.get("programme")
        if programme:
            queryset = queryset.filter(programme__slug=programme)
        return queryset

    @extend_schema(
        summary=_("List selection calls"),
        description=_("The calls of the programmes you are staff of, newest first."),
        parameters=[PROGRAMME],
        responses={200: CallSerializer(many=True)},
    )
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(CallSerializer(page, many=True).data)

    @extend_schema(
        summary=_("Create a selection call"),
        description=_(
            "A call (draft) for an assessment round of the programme, with its gates. Then set its criteria, "
            "lock them and rank. Programme staff only."
        ),
        request=CallCreateSerializer,
        responses={201: CallSerializer, 400: BAD_REQUEST, 401: UNAUTHORISED, 404: NOT_FOUND},
    )
    def create(self, request: Request) -> Response:
        user = _signed_in(request)
        data = _validated(CallCreateSerializer, request.data)
        programme = get_object_or_404(Programme, slug=data.pop("programme"))
        access.require(user, Action.EDIT, SelectionCall(programme=programme))
        round_ = Round.objects.filter(pk=data.pop("round"), programme=programme).first()
        if round_ is None:
            raise serializers.ValidationError({"round": [gettext("The programme has no round with this identifier.")]})
        oblasts = _oblasts(data.pop("oblasts"))
        try:
            call = services.selection_create(
                acting_user=user, programme=programme, round_=round_, oblasts=oblasts, **data
            )
        except DjangoValidationError as error:
            raise _service_error(error) from error
        return Response(self._body(call), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Get a selection call"),
        description=_("The call with its gates, criteria and weights. Programme staff only."),
        parameters=[CALL_ID],
        responses={200: CallSerializer, 404: NOT_FOUND},
    )
    def retrieve(self, request: Request, pk: int) -> Response:
        return Response(self._body(self._call(pk)))

    @extend_schema(
        summary=_("Change a selection call"),
        description=_(
            "Changes the names, description and gates of a draft call; fields left out keep their value. Send "
            "the version you read: if someone saved in between, nothing is saved (409). Refused (400) once the "
            "criteria are locked."
        ),
        parameters=[CALL_ID],
        request=CallUpdateSerializer,
        responses={200: CallSerializer, 400: BAD_REQUEST, 401: UNAUTHORISED, 404: NOT_FOUND, 409: CONFLICT},
    )
    def partial_update(self, request: Request, pk: int) -> Response:
        user = _signed_in(request)
        call = self._call(pk)
        serializer = CallUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        expected = data.pop("version")
        oblasts = _oblasts(data.pop("oblasts")) if "oblasts" in request.data else None
        changes = {name: value for name, value in data.items() if name in request.data}
        try:
            call = services.selection_update(
                acting_user=user, call=call, expected_version=expected, oblasts=oblasts, **changes
            )
        except EditConflict:
            body = {"detail": gettext("Someone else changed this call since you read it. Nothing was saved.")}
            return Response(body, status=status.HTTP_409_CONFLICT)
        except DjangoValidationError as error:
            raise _service_error(error) from error
        return Response(self._body(call))

    @extend_schema(
        summary=_("Lock the criteria and weights"),
        description=_(
            "Draft → locked: the criteria and weights can no longer change; the lock and the weights are "
            "recorded in the audit log."
        ),
        parameters=[CALL_ID],
        request=None,
        responses={200: CallSerializer, 400: BAD_REQUEST, 401: UNAUTHORISED, 404: NOT_FOUND},
    )
    def lock(self, request: Request, pk: int) -> Response:
        user = _signed_in(request)
        try:
            call = services.selection_lock(acting_user=user, call=self._call(pk))
        except DjangoValidationError as error:
            raise _service_error(error) from error
        return Response(self._body(call))

    @extend_schema(
        summary=_("Rank the candidates"),
        description=_(
            "Computes the candidates of a locked call (every hromada of the round): gates, criterion values, "
            "total and rank with an explanation. Eligible hromadas by total descending; ties by the lower "
            "overall assessment score, then the KATOTTG code."
        ),
        parameters=[CALL_ID],
        request=None,
        responses={200: CandidateSerializer(many=True), 400: BAD_REQUEST, 401: UNAUTHORISED, 404: NOT_FOUND},
    )
    def rank(self, request: Request, pk: int) -> Response:
        user = _signed_in(request)
        call = self._call(pk)
        try:
            services.selection_rank(acting_user=user, call=call)
        except DjangoValidationError as error:
            raise _service_error(error) from error
        candidates, explanations = _explained(call)
        return Response(CandidateSerializer(candidates, many=True, context={"explanations": explanations}).data)

    @extend_schema(
        summary=_("Record the final decision"),
        description=_(
            "Locked → decided. Refused (400) while a shortlisted hromada has no final decision or more hromadas "
            "are selected than the call has places."
        ),
        parameters=[CALL_ID],
        request=None,
        responses={200: CallSerializer, 400: BAD_REQUEST, 401: UNAUTHORISED, 404: NOT_FOUND},
    )
    def decide(self, request: Request, pk: int) -> Response:
        user = _signed_in(request)
        try:
            call = services.selection_decide(acting_user=user, call=self._call(pk))
        except DjangoValidationError as error:
            raise _service_error(error) from error
        return Response(self._body(call))


class CriteriaViewSet(_CallAPIView):
    """/api/v1/selection-calls/{pk}/criteria/."""

    pagination_class = None
    access_requirements = {"update": WRITE}

    @extend_schema(
        summary=_("Set the criteria and weights"),
        description=_(
            "Replaces the criteria of a draft call; all are checked and all or none are saved. Refused (400) "
            "once the weights are locked."
        ),
        parameters=[CALL_ID],
        request=CriteriaRequestSerializer,
        responses={200: CallSerializer, 400: BAD_REQUEST, 401: UNAUTHORISED, 404: NOT_FOUND},
    )
    def update(self, request: Request, pk: int) -> Response:
        user = _signed_in(request)
        call = self._call(pk)
        data = _validated(CriteriaRequestSerializer, request.data)
        try:
            services.criteria_set(acting_user=user, call=call, criteria=[dict(item) for item in data["criteria"]])
        except DjangoValidationError as error:
            raise _service_error(error) from error
        return Response(self._body(call))


class ManualScoreViewSet(_CallAPIView):
    """/api/v1/selection-calls/{pk}/manual-scores/."""

    pagination_class = None
    access_requirements = {"create": WRITE}

    @extend_schema(
        summary=_("List the coordinator's scores"),
        parameters=[CALL_ID],
        responses={200: ManualScoreSerializer(many=True), 404: NOT_FOUND},
    )
    def list(self, request: Request, pk: int) -> Response:
        call = self._call(pk)
        scores = ManualScore.objects.filter(criterion__call=call).select_related("criterion", "hromada")
        return Response(
            ManualScoreSerializer(scores.order_by("criterion__position", "hromada__katottg"), many=True).data
        )

    @extend_schema(
        summary=_("Score a hromada on a manual criterion"),
        description=_("0–100 with a reason; allowed while the call is a draft or locked. Rank again to use it."),
        parameters=[CALL_ID],
        request=ManualScoreRequestSerializer,
        responses={200: ManualScoreSerializer, 400: BAD_REQUEST, 401: UNAUTHORISED, 404: NOT_FOUND},
    )
    def create(self, request: Request, pk: int) -> Response:
        user = _signed_in(request)
        call = self._call(pk)
        data = _validated(ManualScoreRequestSerializer, request.data)
        criterion = call.criteria.filter(code=data["criterion"]).first()
        if criterion is None:
            raise serializers.ValidationError({"criterion": [gettext("The call has no criterion with this code.")]})
        hromada = Hromada.objects.filter(katottg=data["hromada"]).first()
        if hromada is None:
            raise serializers.ValidationError({"hromada": [gettext("No hromada has this KATOTTG code.")]})
        try:
            score = services.manual_score_set(
                acting_user=user, criterion=criterion, hromada=hromada, value=data["value"], note=data["note"]
            )
        except DjangoValidationError as error:
            raise _service_error(error) from error
        return Response(ManualScoreSerializer(score).data)


class CandidateViewSet(_CallAPIView):
    """/api/v1/selection-calls/{pk}/candidates/ and …/candidates/{katottg}/decision/."""

    pagination_class = None
    access_requirements = {"decision": WRITE}

    @extend_schema(
        summary=_("List the ranked candidates"),
        description=_(
            "Eligible hromadas by rank, then the others, each with gates, criterion values, total and an "
            "explanation in words. Empty before the first ranking."
        ),
        parameters=[CALL_ID],
        responses={200: CandidateSerializer(many=True), 404: NOT_FOUND},
    )
    def list(self, request: Request, pk: int) -> Response:
        candidates, explanations = _explained(self._call(pk))
        return Response(CandidateSerializer(candidates, many=True, context={"explanations": explanations}).data)

    @extend_schema(
        summary=_("Record a decision on a candidate"),
        description=_(
            "shortlisted, selected, waitlisted or not_selected, with a justification. A hromada that failed a "
            "gate can only be not_selected; at most the call's places can be selected."
        ),
        parameters=[CALL_ID, KATOTTG],
        request=DecisionRequestSerializer,
        responses={200: CandidateSerializer, 400: BAD_REQUEST, 401: UNAUTHORISED, 404: NOT_FOUND},
    )
    def decision(self, request: Request, pk: int, katottg: str) -> Response:
        user = _signed_in(request)
        call = self._call(pk)
        candidate = get_object_or_404(Candidate, call=call, hromada__katottg=katottg)
        data = _validated(DecisionRequestSerializer, request.data)
        try:
            candidate = services.candidate_decide(acting_user=user, candidate=candidate, **data)
        except DjangoValidationError as error:
            raise _service_error(error) from error
        _, explanations = _explained(call)
        return Response(CandidateSerializer(candidate, context={"explanations": explanations}).data)


urlpatterns: list[URLPattern] = [
    path(
        "selection-calls/",
        SelectionCallViewSet.as_view({"get": "list", "post": "create"}, detail=False),
        name="selection-call-list",
    ),
    path(
        "selection-calls/<int:pk>/",
        SelectionCallViewSet.as_view({"get": "retrieve", "patch": "partial_update"}, detail=True),
        name="selection-call-detail",
    ),
    path(
        "selection-calls/<int:pk>/criteria/",
        CriteriaViewSet.as_view({"put": "update"}, detail=True),
        name="selection-call-criteria",
    ),
    path(
        "selection-calls/<int:pk>/lock/",
        SelectionCallViewSet.as_view({"post": "lock"}, detail=True),
        name="selection-call-lock",
    ),
    path(
        "selection-calls/<int:pk>/manual-scores/",
        ManualScoreViewSet.as_view({"get": "list", "post": "create"}, detail=True),
        name="selection-call-manual-scores",
    ),
    path(
        "selection-calls/<int:pk>/rank/",
        SelectionCallViewSet.as_view({"post": "rank"}, detail=True),
        name="selection-call-rank",
    ),
    path(
        "selection-calls/<int:pk>/candidates/",
        CandidateViewSet.as_view({"get": "list"}, detail=True),
        name="selection-call-candidates",
    ),
    path(
        "selection-calls/<int:pk>/candidates/<str:katottg>/decision/",
        CandidateViewSet.as_view({"post": "decision"}, detail=True),
        name="selection-call-decision",
    ),
    path(
        "selection-calls/<int:pk>/decide/",
        SelectionCallViewSet.as_view({"post": "decide"}, detail=True),
        name="selection-call-decide",
    ),
]
