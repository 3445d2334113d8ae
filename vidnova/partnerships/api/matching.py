"""REST API of matching (/api/v1/match-runs/… and /api/v1/pair-constraints/…): match runs with their
fairness tables, suggestions and unmatched hromadas explained in the language of the request,
decisions on suggestions, and the coordinators' locks and rule-outs.

Same permissions as the pages: a programme's runs and constraints are visible to its staff and
partner experts (404 for everyone else, hromada members included); only the staff change them (403
for partner experts); writes without credentials are 401. Thin views: validate with a serializer,
call vidnova.partnerships.services.matching, serialize.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
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
from vidnova.api.serializers import KATOTTG_ERROR, KATOTTG_PATTERN, VALIDATION_ERROR_SCHEMA, ErrorSerializer
from vidnova.assessments.api.rounds import NamedChoiceField
from vidnova.partnerships.matching.explain import ExplainContext, group_label
from vidnova.partnerships.matching.types import Weights
from vidnova.partnerships.models import (
    ConstraintKind,
    Decision,
    ExpertiseOffer,
    MatchRun,
    MatchSuggestion,
    PairConstraint,
    RunStatus,
    UnmatchedHromada,
)
from vidnova.partnerships.selectors import matching as selectors
from vidnova.partnerships.services import matching as services
from vidnova.programmes.models import Phase, Programme
from vidnova.registry.models import Hromada

DEFAULT_WEIGHTS = Weights()

# --- responses -----------------------------------------------------------------------------------


class MatchHromadaRefSerializer(serializers.ModelSerializer[Hromada]):
    class Meta:
        model = Hromada
        fields = ["katottg", "name_uk", "name_latin"]
        read_only_fields = fields
        extra_kwargs = {
            "katottg": {"help_text": _("KATOTTG code of the hromada.")},
            "name_uk": {"help_text": _("Name in Ukrainian.")},
            "name_latin": {"help_text": _("Name in Latin transliteration.")},
        }


class MatchOfferRefSerializer(serializers.ModelSerializer[ExpertiseOffer]):
    organisation = serializers.SerializerMethodField(help_text=_("Name of the organisation making the offer."))
    organisation_id = serializers.IntegerField(read_only=True, help_text=_("Identifier of the organisation."))

    class Meta:
        model = ExpertiseOffer
        fields = ["id", "title", "organisation_id", "organisation", "status"]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": _("Identifier of the expertise offer.")},
            "title": {"help_text": _("Title of the offer, in the language its partner wrote it.")},
            "status": {"help_text": _("active (open), paused or withdrawn.")},
        }

    def get_organisation(self, offer: ExpertiseOffer) -> str:
        return offer.organisation.name


def _weight_field(default: int, help_text: Any) -> serializers.IntegerField:
    """A match-run weight: a whole number from 0 to 100."""
    return serializers.IntegerField(min_value=0, max_value=100, default=default, help_text=help_text)


class MatchWeightsSerializer(serializers.Serializer[Any]):
    theme = _weight_field(
        DEFAULT_WEIGHTS.theme,
        _("Weight of theme fit (offers on the hromada's need themes, more for severe needs), 0–100."),
    )
    mode = _weight_field(
        DEFAULT_WEIGHTS.mode,
        _("Weight of modes (a mode the hromada prefers and that is possible under its security status)."),
    )
    language = _weight_field(DEFAULT_WEIGHTS.language, _("Weight of a shared working language (Ukrainian most)."))
    ties = _weight_field(DEFAULT_WEIGHTS.ties, _("Weight of existing ties (earlier partnerships between the two)."))
    size = _weight_field(DEFAULT_WEIGHTS.size, _("Weight of similar population."))
    fairness = _weight_field(
        DEFAULT_WEIGHTS.fairness,
        _(
            "Fairness weight: extra points for hromadas of groups (type, population band) matched less often "
            "than the average; 0 switches it off."
        ),
    )


class MatchRunSerializer(serializers.ModelSerializer[MatchRun]):
    url = serializers.SerializerMethodField(help_text=_("Address of the run in the API."))
    programme: serializers.SlugRelatedField[Programme] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, help_text=_("Short name (slug) of the programme.")
    )
    phase = serializers.SerializerMethodField(
        help_text=_("Number of the phase whose hromadas were matched; null: all.")
    )
    status = NamedChoiceField(
        enum_name="MatchRunStatusEnum",
        choices=RunStatus.choices,
        read_only=True,
        help_text=_("queued, running, done (results stored) or failed (nothing stored; see problems or error)."),
    )
    weights = serializers.SerializerMethodField(help_text=_("The weights the run used."))
    seeking = serializers.SerializerMethodField(help_text=_("Hromadas seeking a partner; null until done."))
    matched = serializers.SerializerMethodField(help_text=_("Hromadas with a suggested match; null until done."))
    requested_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="email", read_only=True, help_text=_("Who asked for the run.")
    )

    class Meta:
        model = MatchRun
        fields = [
            "id",
            "url",
            "programme",
            "phase",
            "title",
            "starts_on",
            "status",
            "weights",
            "seeking",
            "matched",
            "requested_by",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": _("Identifier of the run.")},
            "title": {"help_text": _("Title given by the coordinator; may be empty.")},
            "starts_on": {"help_text": _("Day the partnerships would start: offers available, security status read.")},
            "created_at": {"help_text": _("When the run was requested.")},
            "started_at": {"help_text": _("When the solver started; null while queued.")},
            "finished_at": {"help_text": _("When the run was done or failed.")},
        }

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, run: MatchRun) -> str:
        return reverse("api:match-run-detail", kwargs={"pk": run.pk})

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_phase(self, run: MatchRun) -> int | None:
        return run.phase.number if run.phase is not None else None

    @extend_schema_field(MatchWeightsSerializer)
    def get_weights(self, run: MatchRun) -> dict[str, int]:
        weights = selectors.weights_of(run)
        return {name: getattr(weights, name) for name in services.WEIGHT_NAMES}

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_seeking(self, run: MatchRun) -> int | None:
        value = (run.summary or {}).get("seeking")
        return int(value) if value is not None else None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_matched(self, run: MatchRun) -> int | None:
        value = (run.summary or {}).get("matched")
        return int(value) if value is not None else None


class ComponentSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text=_("theme, mode, language, ties, size or fairness."))
    label = serializers.CharField(  # type: ignore[assignment]
        help_text=_("Name of the component in the language of the request.")
    )
    value = serializers.FloatField(help_text=_("Value from 0 to 1."))
    points = serializers.FloatField(help_text=_("Points it adds to the score: weight × value."))
    text = serializers.CharField(help_text=_("Explanation in words, in the language of the request."))


class ExplainedReasonSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(
        help_text=_("no_theme, not_available, full, no_mode, ruled_out or outscored (problems: their own codes).")
    )
    text = serializers.CharField(help_text=_("Explanation in words, in the language of the request."))
    facts = serializers.DictField(help_text=_("The facts behind the explanation (ids, counts, scores)."))


class SuggestionSerializer(serializers.ModelSerializer[MatchSuggestion]):
    hromada = MatchHromadaRefSerializer(read_only=True, help_text=_("The hromada."))
    offer = MatchOfferRefSerializer(read_only=True, help_text=_("The suggested expertise offer."))
    score = serializers.DecimalField(
        max_digits=6, decimal_places=2, read_only=True, help_text=_("Score: the sum of the components' points.")
    )
    decision = NamedChoiceField(
        enum_name="SuggestionDecisionEnum",
        choices=Decision.choices,
        read_only=True,
        help_text=_("pending, accepted or rejected."),
    )
    decided_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="email", read_only=True, allow_null=True, help_text=_("Who decided; null while pending.")
    )
    summary = serializers.SerializerMethodField(help_text=_("Why, in one line, in the language of the request."))
    components = serializers.SerializerMethodField(help_text=_("Every score component, explained."))
    partnership = serializers.SerializerMethodField(
        help_text=_("Identifier of the partnership created by accepting; null otherwise.")
    )

    class Meta:
        model = MatchSuggestion
        fields = [
            "id",
            "hromada",
            "offer",
            "score",
            "locked",
            "places_left",
            "summary",
            "components",
            "decision",
            "decision_note",
            "decided_by",
            "decided_at",
            "partnership",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": _("Identifier of the suggestion.")},
            "locked": {"help_text": _("The pair was locked in by a coordinator.")},
            "places_left": {"help_text": _("Places left on the offer after this run's matches.")},
            "decision_note": {"help_text": _("Note given with the decision.")},
            "decided_at": {"help_text": _("When it was decided; null while pending.")},
        }

    def _explain(self) -> ExplainContext:
        context: ExplainContext = self.context["explain"]
        return context

    def get_summary(self, suggestion: MatchSuggestion) -> str:
        return selectors.explained_summary(suggestion, self._explain())

    @extend_schema_field(ComponentSerializer(many=True))
    def get_components(self, suggestion: MatchSuggestion) -> list[dict[str, Any]]:
        return selectors.explained_components(suggestion, self._explain())

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_partnership(self, suggestion: MatchSuggestion) -> int | None:
        try:
            return int(suggestion.partnership.pk)
        except MatchSuggestion.partnership.RelatedObjectDoesNotExist:
            return None


class UnmatchedSerializer(serializers.ModelSerializer[UnmatchedHromada]):
    hromada = MatchHromadaRefSerializer(read_only=True, help_text=_("The hromada."))
    reasons = serializers.SerializerMethodField(help_text=_("Why it got no match, most specific first."))

    class Meta:
        model = UnmatchedHromada
        fields = ["hromada", "reasons"]
        read_only_fields = fields

    @extend_schema_field(ExplainedReasonSerializer(many=True))
    def get_reasons(self, unmatched: UnmatchedHromada) -> list[dict[str, Any]]:
        return selectors.explained_reasons(unmatched, self.context["explain"])


class FairnessRowSerializer(serializers.Serializer[Any]):
    group = serializers.CharField(help_text=_("Code of the group (urban, rural, under_5000, …, unknown)."))
    label = serializers.CharField(  # type: ignore[assignment]
        help_text=_("Name of the group in the language of the request.")
    )
    seeking = serializers.IntegerField(help_text=_("Seeking hromadas of the group."))
    matched_without = serializers.IntegerField(help_text=_("Of them matched without the fairness weight."))
    share_without = serializers.FloatField(allow_null=True, help_text=_("matched_without / seeking (0–1)."))
    matched_with = serializers.IntegerField(help_text=_("Of them matched with the run's fairness weight."))
    share_with = serializers.FloatField(allow_null=True, help_text=_("matched_with / seeking (0–1)."))
    share_of_seekers = serializers.FloatField(allow_null=True, help_text=_("The group's share of all seekers."))
    share_of_matches = serializers.FloatField(
        allow_null=True, help_text=_("The group's share of all matches (with the fairness weight).")
    )


class FairnessTableSerializer(serializers.Serializer[Any]):
    dimension = serializers.CharField(help_text=_("type (of hromada) or population (band)."))
    rows = FairnessRowSerializer(many=True, help_text=_("One row per group."))


class MatchRunDetailSerializer(MatchRunSerializer):
    offers = serializers.SerializerMethodField(help_text=_("Open offers in the run; null until done."))
    places = serializers.SerializerMethodField(help_text=_("Their places left before the run; null until done."))
    total_score = serializers.SerializerMethodField(
        help_text=_("Sum of the suggestions' scores without fairness points; null until done.")
    )
    total_score_without_fairness = serializers.SerializerMethodField(
        help_text=_("The same sum for the solution without the fairness weight; null until done.")
    )
    fairness_cost = serializers.SerializerMethodField(
        help_text=_("Score points the fairness weight costs (the difference of the two totals).")
    )
    fairness = serializers.SerializerMethodField(help_text=_("Fairness tables by type and population band."))
    problems = serializers.SerializerMethodField(help_text=_("Why a refused run failed, in words."))
    error = serializers.CharField(read_only=True, help_text=_("Error of a failed run (English)."))
    inputs = serializers.JSONField(
        read_only=True,
        help_text=_("Input sizes and the locks and rule-outs used; ignored_constraints: those left out and why."),
    )
    suggestions = serializers.SerializerMethodField(help_text=_("Suggested matches, best score first."))
    unmatched = serializers.SerializerMethodField(help_text=_("Seeking hromadas without a match, with the reasons."))

    class Meta(MatchRunSerializer.Meta):
        fields = [
            *MatchRunSerializer.Meta.fields,
            "offers",
            "places",
            "total_score",
            "total_score_without_fairness",
            "fairness_cost",
            "fairness",
            "problems",
            "error",
            "inputs",
            "suggestions",
            "unmatched",
        ]
        read_only_fields = fields

    def _summary_value(self, run: MatchRun, key: str) -> Any:
        return (run.summary or {}).get(key)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_offers(self, run: MatchRun) -> int | None:
        value = self._summary_value(run, "offers")
        return int(value) if value is not None else None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_places(self, run: MatchRun) -> int | None:
        value = self._summary_value(run, "places")
        return int(value) if value is not None else None

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_total_score(self, run: MatchRun) -> float | None:
        value = self._summary_value(run, "total_score")
        return float(value) if value is not None else None

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_total_score_without_fairness(self, run: MatchRun) -> float | None:
        value = self._summary_value(run, "total_score_without_fairness")
        return float(value) if value is not None else None

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_fairness_cost(self, run: MatchRun) -> float | None:
        return selectors.fairness_cost(run.summary or {})

    @extend_schema_field(FairnessTableSerializer(many=True))
    def get_fairness(self, run: MatchRun) -> list[dict[str, Any]]:
        return [
            {
                "dimension": table.dimension,
                "rows": [
                    {
                        "group": row.group,
                        "label": group_label(table.dimension, row.group),
                        "seeking": row.seeking,
                        "matched_without": row.matched_without,
                        "share_without": row.rate_without,
                        "matched_with": row.matched_with,
                        "share_with": row.rate_with,
                        "share_of_seekers": row.share_of_seekers,
                        "share_of_matches": row.share_of_matches,
                    }
                    for row in table.rows
                ],
            }
            for table in selectors.fairness_tables(run.summary or {})
        ]

    @extend_schema_field(ExplainedReasonSerializer(many=True))
    def get_problems(self, run: MatchRun) -> list[dict[str, Any]]:
        return selectors.explained_problems(run, self.context["explain"])

    @extend_schema_field(SuggestionSerializer(many=True))
    def get_suggestions(self, run: MatchRun) -> Any:
        return SuggestionSerializer(selectors.suggestions_of(run), many=True, context=self.context).data

    @extend_schema_field(UnmatchedSerializer(many=True))
    def get_unmatched(self, run: MatchRun) -> Any:
        return UnmatchedSerializer(selectors.unmatched_of(run), many=True, context=self.context).data


class PairConstraintSerializer(serializers.ModelSerializer[PairConstraint]):
    programme: serializers.SlugRelatedField[Programme] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, help_text=_("Short name (slug) of the programme.")
    )
    hromada = MatchHromadaRefSerializer(read_only=True, help_text=_("The hromada."))
    offer = MatchOfferRefSerializer(read_only=True, help_text=_("The expertise offer."))
    kind = NamedChoiceField(
        enum_name="PairConstraintKindEnum",
        choices=ConstraintKind.choices,
        read_only=True,
        help_text=_("lock (every later run suggests the pair) or rule_out (no later run suggests it)."),
    )
    created_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="email", read_only=True, allow_null=True, help_text=_("Who set it.")
    )

    class Meta:
        model = PairConstraint
        fields = ["id", "programme", "hromada", "offer", "kind", "reason", "created_by", "created_at", "updated_at"]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": _("Identifier of the constraint.")},
            "reason": {"help_text": _("Why, for the record.")},
            "created_at": {"help_text": _("When it was first set.")},
            "updated_at": {"help_text": _("When it last changed.")},
        }


# --- requests ------------------------------------------------------------------------------------


class MatchRunCreateSerializer(serializers.Serializer[Any]):
    programme = serializers.SlugField(max_length=50, help_text=_("Short name (slug) of the programme."))
    starts_on = serializers.DateField(help_text=_("Day the partnerships would start (YYYY-MM-DD)."))
    phase = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text=_("Number of a phase of the programme: match only its hromadas. Default: every phase."),
    )
    title = serializers.CharField(required=False, allow_blank=True, max_length=200, help_text=_("Optional title."))
    weights = MatchWeightsSerializer(
        required=False, help_text=_("Weights 0–100; left out: the defaults (60, 10, 10, 10, 10, fairness 0).")
    )


class DecisionInputSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=500, default="", help_text=_("Note on the decision.")
    )


class RejectInputSerializer(DecisionInputSerializer):
    rule_out = serializers.BooleanField(
        required=False, default=False, help_text=_("Also rule the pair out for later runs.")
    )


class PairConstraintInputSerializer(serializers.Serializer[Any]):
    programme = serializers.SlugField(max_length=50, help_text=_("Short name (slug) of the programme."))
    hromada = serializers.RegexField(
        KATOTTG_PATTERN, help_text=_("KATOTTG code of the hromada."), error_messages={"invalid": KATOTTG_ERROR}
    )
    offer = serializers.IntegerField(min_value=1, help_text=_("Identifier of the expertise offer."))
    kind = NamedChoiceField(
        enum_name="PairConstraintKindEnum", choices=ConstraintKind.choices, help_text=_("lock or rule_out.")
    )
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="", help_text=_("Why."))


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


def _programme_of(data: Any) -> Programme:
    """The programme named in a request body (400 when unknown), before the body is validated, so
    access is decided first (404 outsiders, 403 partner experts)."""
    slug = data.get("programme") if hasattr(data, "get") else None
    programme = Programme.objects.filter(slug=slug).first() if isinstance(slug, str) and slug else None
    if programme is None:
        raise serializers.ValidationError({"programme": [gettext("No programme has this short name.")]})
    return programme


RUN_ID = OpenApiParameter("pk", int, OpenApiParameter.PATH, description=_("Identifier of the match run."))
SUGGESTION_ID = OpenApiParameter(
    "suggestion_id", int, OpenApiParameter.PATH, description=_("Identifier of the suggestion in the run.")
)
CONSTRAINT_ID = OpenApiParameter("pk", int, OpenApiParameter.PATH, description=_("Identifier of the constraint."))
PROGRAMME_FILTER = OpenApiParameter("programme", str, description=_("Only this programme (slug)."))
BAD_REQUEST = OpenApiResponse(VALIDATION_ERROR_SCHEMA, description=_("Something sent is not valid; see why."))
UNAUTHORISED = OpenApiResponse(ErrorSerializer, description=_("No valid token or session."))
FORBIDDEN = OpenApiResponse(ErrorSerializer, description=_("You may see the programme's matching but not do this."))
NOT_FOUND = OpenApiResponse(ErrorSerializer, description=_("Nothing that you may see has this identifier."))
STAFF_WRITE = Requirement(Action.EDIT)


class MatchRunViewSet(viewsets.GenericViewSet[Any]):
    """/api/v1/match-runs/ and the decisions on their suggestions."""

    queryset = MatchRun.objects.none()
    serializer_class = MatchRunSerializer
    pagination_class = Pagination
    permission_classes = [AccessPolicy]
    renderer_classes = [JSONRenderer]
    access_requirements = {
        "create": Requirement(Action.VIEW),  # anyone signed in may ask; the programme decides (404/403)
        "accept": STAFF_WRITE,
        "reject": STAFF_WRITE,
    }

    def get_queryset(self) -> models.QuerySet[MatchRun]:
        if getattr(self, "swagger_fake_view", False):
            return MatchRun.objects.none()
        return selectors.runs_visible_to(self.request.user)

    def _run(self, pk: int) -> MatchRun:
        run = selectors.run_queryset().filter(pk=pk).first()
        if run is None:
            raise Http404
        self.check_object_permissions(self.request, run)
        return run

    def _detail(self, run: MatchRun) -> dict[str, Any]:
        run = selectors.run_queryset().get(pk=run.pk)
        return dict(MatchRunDetailSerializer(run, context={"explain": selectors.explain_context(run)}).data)

    @extend_schema(
        summary=_("List match runs"),
        description=_("Runs of the programmes you run or whose partner expert you are, newest first."),
        parameters=[PROGRAMME_FILTER],
        responses={200: MatchRunSerializer(many=True), 401: UNAUTHORISED},
    )
    def list(self, request: Request) -> Response:
        signed_in(request)
        runs = self.get_queryset()
        if request.query_params.get("programme"):
            runs = runs.filter(programme__slug=request.query_params["programme"])
        page = self.paginate_queryset(runs)
        return self.get_paginated_response(MatchRunSerializer(page, many=True).data)

    @extend_schema(
        summary=_("Start a match run"),
        description=_(
            "Queues a run of the programme's seeking hromadas against the open offers; it is solved in the "
            "background (status queued → running → done or failed). Programme staff only. Weights 0–100 each, "
            "at least one of theme, mode, language, ties and size above 0."
        ),
        request=MatchRunCreateSerializer,
        examples=[
            OpenApiExample(
                "Run",
                value={
                    "programme": "u-lead",
                    "starts_on": "2026-09-01",
                    "title": "Autumn 2026",
                    "weights": {"theme": 60, "mode": 10, "language": 10, "ties": 10, "size": 10, "fairness": 30},
                },
                request_only=True,
            )
        ],
        responses={
            201: MatchRunDetailSerializer,
            400: BAD_REQUEST,
            401: UNAUTHORISED,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def create(self, request: Request) -> Response:
        user = signed_in(request)
        programme = _programme_of(request.data)
        access.require(user, Action.EDIT, MatchRun(programme=programme))
        data = validated(MatchRunCreateSerializer, request.data)
        phase = None
        if data.get("phase") is not None:
            phase = Phase.objects.filter(programme=programme, number=data["phase"]).first()
            if phase is None:
                raise serializers.ValidationError(
                    {
                        "phase": [
                            gettext("%(programme)s has no phase %(number)s.")
                            % {"programme": programme, "number": data["phase"]}
                        ]
                    }
                )
        weights = Weights(**dict(data.get("weights") or {}))
        try:
            run = services.match_run_create(
                acting_user=user,
                programme=programme,
                starts_on=data["starts_on"],
                weights=weights,
                phase=phase,
                title=data.get("title", ""),
            )
        except DjangoValidationError as error:
            raise service_error(error) from error
        return Response(self._detail(run), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Get a match run"),
        description=_(
            "The run with its summary, fairness tables, suggestions (each with its components and a summary in "
            "words) and unmatched hromadas (with the reasons), in the language of the request."
        ),
        parameters=[RUN_ID],
        responses={200: MatchRunDetailSerializer, 404: NOT_FOUND},
    )
    def retrieve(self, request: Request, pk: int) -> Response:
        return Response(self._detail(self._run(pk)))

    def _suggestion(self, run: MatchRun, suggestion_id: int) -> MatchSuggestion:
        suggestion = selectors.suggestion_queryset().filter(run=run, pk=suggestion_id).first()
        if suggestion is None:
            raise Http404
        return suggestion

    def _suggestion_data(self, suggestion: MatchSuggestion) -> dict[str, Any]:
        suggestion = selectors.suggestion_queryset().get(pk=suggestion.pk)
        context = {"explain": selectors.explain_context(suggestion.run)}
        return dict(SuggestionSerializer(suggestion, context=context).data)

    @extend_schema(
        summary=_("Accept a suggested match"),
        description=_(
            "Creates the partnership (proposed) with the offer's organisation as lead partner; it takes a place on "
            "the offer. Refused when the suggestion is already decided, the run is not done or the offer is full."
        ),
        parameters=[RUN_ID, SUGGESTION_ID],
        request=DecisionInputSerializer,
        responses={200: SuggestionSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def accept(self, request: Request, pk: int, suggestion_id: int) -> Response:
        user = signed_in(request)
        suggestion = self._suggestion(self._run(pk), suggestion_id)
        data = validated(DecisionInputSerializer, request.data)
        try:
            services.suggestion_accept(acting_user=user, suggestion=suggestion, note=data.get("note", ""))
        except DjangoValidationError as error:
            raise service_error(error) from error
        return Response(self._suggestion_data(suggestion))

    @extend_schema(
        summary=_("Reject a suggested match"),
        description=_(
            "Records the decision. Later runs may suggest the pair again unless rule_out is true (then the pair "
            "is ruled out for later runs)."
        ),
        parameters=[RUN_ID, SUGGESTION_ID],
        request=RejectInputSerializer,
        responses={200: SuggestionSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def reject(self, request: Request, pk: int, suggestion_id: int) -> Response:
        user = signed_in(request)
        run = self._run(pk)
        suggestion = self._suggestion(run, suggestion_id)
        data = validated(RejectInputSerializer, request.data)
        note = data.get("note", "")
        try:
            with transaction.atomic():
                services.suggestion_reject(acting_user=user, suggestion=suggestion, note=note)
                if data.get("rule_out"):
                    services.constraint_set(
                        acting_user=user,
                        programme=run.programme,
                        hromada=suggestion.hromada,
                        offer=suggestion.offer,
                        kind=ConstraintKind.RULE_OUT,
                        reason=note or gettext("Rejected in match run %(run)s.") % {"run": run},
                    )
        except DjangoValidationError as error:
            raise service_error(error) from error
        return Response(self._suggestion_data(suggestion))


class PairConstraintViewSet(viewsets.GenericViewSet[Any]):
    """/api/v1/pair-constraints/: locks and rule-outs of (hromada, offer) pairs."""

    queryset = PairConstraint.objects.none()
    serializer_class = PairConstraintSerializer
    pagination_class = Pagination
    permission_classes = [AccessPolicy]
    renderer_classes = [JSONRenderer]
    access_requirements = {
        "create": Requirement(Action.VIEW),  # the programme decides (404/403)
        "destroy": STAFF_WRITE,
    }

    def get_queryset(self) -> models.QuerySet[PairConstraint]:
        if getattr(self, "swagger_fake_view", False):
            return PairConstraint.objects.none()
        return selectors.constraints_visible_to(self.request.user)

    @extend_schema(
        summary=_("List locked and ruled-out pairs"),
        description=_("Constraints of the programmes you run or whose partner expert you are."),
        parameters=[PROGRAMME_FILTER],
        responses={200: PairConstraintSerializer(many=True), 401: UNAUTHORISED},
    )
    def list(self, request: Request) -> Response:
        signed_in(request)
        constraints = self.get_queryset()
        if request.query_params.get("programme"):
            constraints = constraints.filter(programme__slug=request.query_params["programme"])
        page = self.paginate_queryset(constraints)
        return self.get_paginated_response(PairConstraintSerializer(page, many=True).data)

    @extend_schema(
        summary=_("Lock in or rule out a pair"),
        description=_(
            "A lock makes every later run suggest the pair; a rule-out keeps every later run from suggesting it. "
            "One per pair: setting it again replaces it. Refused: a hromada outside the programme, an offer of an "
            "organisation outside it, a hromada already locked to another offer, more locks than places left. "
            "Programme staff only."
        ),
        request=PairConstraintInputSerializer,
        examples=[
            OpenApiExample(
                "Lock",
                value={
                    "programme": "u-lead",
                    "hromada": "UA32000000000030281",
                    "offer": 12,
                    "kind": "lock",
                    "reason": "Agreed at the partners' meeting",
                },
                request_only=True,
            )
        ],
        responses={
            201: PairConstraintSerializer,
            400: BAD_REQUEST,
            401: UNAUTHORISED,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def create(self, request: Request) -> Response:
        user = signed_in(request)
        programme = _programme_of(request.data)
        access.require(user, Action.EDIT, PairConstraint(programme=programme))
        data = validated(PairConstraintInputSerializer, request.data)
        errors: dict[str, list[str]] = {}
        hromada = Hromada.objects.filter(katottg=data["hromada"]).first()
        if hromada is None:
            errors["hromada"] = [gettext("No hromada has this KATOTTG code.")]
        offer = ExpertiseOffer.objects.filter(pk=data["offer"]).first()
        if offer is None:
            errors["offer"] = [gettext("No expertise offer has this identifier.")]
        if errors or hromada is None or offer is None:
            raise serializers.ValidationError(errors)
        try:
            constraint = services.constraint_set(
                acting_user=user,
                programme=programme,
                hromada=hromada,
                offer=offer,
                kind=data["kind"],
                reason=data.get("reason", ""),
            )
        except DjangoValidationError as error:
            raise service_error(error) from error
        constraint = selectors.constraints_of(programme).get(pk=constraint.pk)
        return Response(PairConstraintSerializer(constraint).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Remove a lock or rule-out"),
        parameters=[CONSTRAINT_ID],
        responses={204: None, 401: UNAUTHORISED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def destroy(self, request: Request, pk: int) -> Response:
        user = signed_in(request)
        constraint = PairConstraint.objects.select_related("programme").filter(pk=pk).first()
        if constraint is None:
            raise Http404
        self.check_object_permissions(request, constraint)
        services.constraint_remove(acting_user=user, constraint=constraint)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _runs(actions: dict[str, Any], detail: bool = True) -> Any:
    return MatchRunViewSet.as_view(actions, detail=detail)


def _constraints(actions: dict[str, Any], detail: bool = True) -> Any:
    return PairConstraintViewSet.as_view(actions, detail=detail)


urlpatterns: list[URLPattern] = [
    path("match-runs/", _runs({"get": "list", "post": "create"}, detail=False), name="match-run-list"),
    path("match-runs/<int:pk>/", _runs({"get": "retrieve"}), name="match-run-detail"),
    path(
        "match-runs/<int:pk>/suggestions/<int:suggestion_id>/accept/",
        _runs({"post": "accept"}),
        name="match-run-suggestion-accept",
    ),
    path(
        "match-runs/<int:pk>/suggestions/<int:suggestion_id>/reject/",
        _runs({"post": "reject"}),
        name="match-run-suggestion-reject",
    ),
    path(
        "pair-constraints/", _constraints({"get": "list", "post": "create"}, detail=False), name="pair-constraint-list"
    ),
    path("pair-constraints/<int:pk>/", _constraints({"delete": "destroy"}), name="pair-constraint-detail"),
]
