"""REST API of assessments (/api/v1/assessments/…): the assessments a client may see with their scores,
one assessment with its answers, evidence, open comments and history, saving one answer with conflict
detection, evidence files and links, the workflow steps (submit, validate, return), the scores, and a
hromada's training needs (/api/v1/hromadas/{katottg}/training-needs/).

Thin views: validate with a serializer, call the same services as the pages
(vidnova.assessments.services.answers and .workflow), serialize. Access is decided by
vidnova.accounts.access, as on the pages: an assessment is visible to its hromada's members and the
programme's staff and partner experts (404 for everyone else); the services refuse writes with 403 to
those who may only read (hromada viewers, partner experts) and validation to anyone but programme staff;
writes without credentials are 401.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from vidnova.accounts import access
from vidnova.accounts.access import Action, AnyUser
from vidnova.api.pagination import Pagination
from vidnova.api.permissions import AccessPolicy, Requirement
from vidnova.api.serializers import KATOTTG_ERROR, KATOTTG_PATTERN, VALIDATION_ERROR_SCHEMA, ErrorSerializer
from vidnova.assessments import answers as answer_rules
from vidnova.assessments import scoring
from vidnova.assessments.api.rounds import (
    InstrumentVersionRefSerializer,
    NamedChoiceField,
    instrument_version_ref,
    service_error,
    signed_in,
    validated,
)
from vidnova.assessments.models import (
    Answer,
    Assessment,
    AssessmentSource,
    AssessmentState,
    AssessmentTransition,
    Evidence,
    ReturnNote,
    Round,
    RoundKind,
    RoundStatus,
)
from vidnova.assessments.selectors.needs import latest_validated, training_needs_of
from vidnova.assessments.services import answers as answer_services
from vidnova.assessments.services import workflow as workflow_services
from vidnova.assessments.services.answers import AnswerConflict
from vidnova.assessments.services.scores import answers_of, form_of, overall_normalised
from vidnova.registry.models import Hromada

# --- reads ---------------------------------------------------------------------------------------


def assessments_visible_to(user: AnyUser) -> models.QuerySet[Assessment]:
    """Assessments ``user`` may see (the assessment rule: the hromada's members, the programme's staff
    and partner experts), by round and hromada name."""
    queryset = Assessment.objects.select_related("hromada", "round__programme").order_by(
        "-round__opens_on", "-round_id", "hromada__name_sort"
    )
    if user.is_authenticated and user.is_active and user.is_superuser:
        return queryset
    roles = access.roles_of(user)
    return queryset.filter(
        Q(round__programme_id__in=roles.programme_staff_of | roles.expert_programme_of)
        | Q(hromada_id__in=roles.hromada_member_of)
    )


def _label(value: Any) -> str | None:
    return None if value is None else capfirst(str(value))


def _maturity(level: int | None, scale_max: str | None) -> str | None:
    return _label(scoring.maturity_label(level, None if scale_max is None else Decimal(scale_max)))


def field_scores(scores: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The stored field scores, with the field's name and maturity label in the request language."""
    return [
        {
            **field,
            "name": _label(scoring.FIELD_NAMES.get(field["field"])) or str(field["field"]),
            "maturity_label": _maturity(field.get("maturity_level"), field.get("scale_max")),
        }
        for field in scores.get("fields") or []
    ]


def scores_data(assessment: Assessment) -> dict[str, Any]:
    """The assessment's scores with labels in the request language: the stored ones, or (for an
    assessment never scored, such as one not started) computed from its answers."""
    form = form_of(assessment.round.instrument_version)
    stored: Mapping[str, Any] = assessment.scores or {}
    if not stored.get("dimensions") and not stored.get("fields"):
        result = scoring.score(form.prepared, answers_of(assessment))
        computed = result.as_dict()
        value = overall_normalised(result)
        computed["overall_normalised"] = None if value is None else str(value)
        stored = computed
    labels = form.prepared.dimension_labels
    return {
        "overall_normalised": stored.get("overall_normalised"),
        "completeness": stored.get("completeness"),
        "required_completeness": stored.get("required_completeness"),
        "questions": stored.get("questions", 0),
        "applicable": stored.get("applicable", 0),
        "answered": stored.get("answered", 0),
        "required_applicable": stored.get("required_applicable", 0),
        "required_answered": stored.get("required_answered", 0),
        "scored_at": assessment.scored_at,
        "dimensions": [
            {
                **dimension,
                "label": answer_rules.text_in_language(labels.get(dimension["name"]), None, dimension["name"]),
                "maturity_label": _maturity(dimension.get("maturity_level"), dimension.get("scale_max")),
            }
            for dimension in stored.get("dimensions") or []
        ],
        "fields": field_scores(stored),
    }


def _person(user: Any) -> str | None:
    if user is None:
        return None
    return str(user.get_full_name() or user.email)


def evidence_download_url(evidence: Evidence) -> str | None:
    if not evidence.file:
        return None
    try:
        return reverse("assessments:evidence-download", kwargs={"pk": evidence.pk})
    except NoReverseMatch:  # the page view is not installed
        return None


# --- responses -----------------------------------------------------------------------------------

DECIMAL_HELP = _("A decimal number as a string with two places; null when there is nothing to score.")


def _decimal_string(help_text: Any) -> serializers.CharField:
    return serializers.CharField(allow_null=True, help_text=help_text)


class AssessmentHromadaSerializer(serializers.ModelSerializer[Hromada]):
    class Meta:
        model = Hromada
        fields = ["katottg", "name_uk", "name_en"]
        extra_kwargs = {
            "katottg": {"help_text": _("KATOTTG code of the hromada.")},
            "name_uk": {"help_text": _("Name in Ukrainian.")},
            "name_en": {"help_text": _("English name (OCHA); empty if unknown.")},
        }


class RoundRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(help_text=_("Identifier of the round."))
    url = serializers.CharField(help_text=_("Address of the round in the API (programme staff and experts)."))
    name = serializers.CharField(help_text=_("Name of the round in the language of the request."))
    kind = NamedChoiceField(
        enum_name="RoundKindEnum", choices=RoundKind.choices, help_text=_("Baseline, midline or endline.")
    )
    status = NamedChoiceField(enum_name="RoundStatusEnum", choices=RoundStatus.choices, help_text=_("Open or closed."))
    programme = serializers.CharField(help_text=_("Short name (slug) of the programme."))
    deadline = serializers.DateField(help_text=_("Last day for the hromadas to submit."))


def round_ref(round_: Round) -> dict[str, Any]:
    return {
        "id": round_.pk,
        "url": reverse("api:round-detail", kwargs={"pk": round_.pk}),
        "name": round_.name,
        "kind": round_.kind,
        "status": round_.status,
        "programme": round_.programme.slug,
        "deadline": round_.deadline,
    }


class FieldScoreSerializer(serializers.Serializer[Any]):
    field = serializers.IntegerField(help_text=_("Number of the programme field (1–3)."))
    name = serializers.CharField(help_text=_("Name of the field in the language of the request."))
    dimensions = serializers.ListField(
        child=serializers.CharField(), help_text=_("Names of the field's dimensions that have a score.")
    )
    raw = _decimal_string(_("Weighted mean level on the dimensions' scale; null when their scales differ."))
    normalised = _decimal_string(_("Score from 0 to 100 (weighted mean of the dimensions' scores)."))
    scale_max = _decimal_string(_("Highest level of the scale; null when the dimensions' scales differ."))
    maturity_level = serializers.IntegerField(allow_null=True, help_text=_("Whole part of the raw score."))
    maturity_label = serializers.CharField(
        allow_null=True, help_text=_("Name of the maturity level (0–4 scale only), in the language of the request.")
    )
    questions = serializers.IntegerField(help_text=_("Scored questions of the field."))
    applicable = serializers.IntegerField(help_text=_("… of which shown for the answers given."))
    answered = serializers.IntegerField(help_text=_("… of which answered."))
    completeness = _decimal_string(_("Answered applicable scored questions, %."))


class DimensionScoreSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(help_text=_("Name of the dimension (its group in the XLSForm)."))
    label = serializers.CharField(help_text=_("Label of the dimension in the language of the request."))  # type: ignore[assignment]
    field = serializers.IntegerField(help_text=_("Number of the programme field (1–3)."))
    weight = _decimal_string(_("Weight of the dimension within its field."))
    scale_max = _decimal_string(_("Highest level of the dimension's scale (4 on the default instrument)."))
    points = _decimal_string(_("Weighted points of the answered applicable questions."))
    max_points = _decimal_string(_("Highest possible weighted points of the same questions."))
    raw = _decimal_string(_("Weighted mean level (0 to scale_max); null until a scored question is answered."))
    normalised = _decimal_string(_("Score from 0 to 100; null until a scored question is answered."))
    maturity_level = serializers.IntegerField(allow_null=True, help_text=_("Whole part of the raw score."))
    maturity_label = serializers.CharField(
        allow_null=True, help_text=_("Name of the maturity level (0–4 scale only), in the language of the request.")
    )
    questions = serializers.IntegerField(help_text=_("Scored questions of the dimension."))
    applicable = serializers.IntegerField(help_text=_("… of which shown for the answers given."))
    answered = serializers.IntegerField(help_text=_("… of which answered."))
    completeness = _decimal_string(_("Answered applicable scored questions, %."))


class ScoresSerializer(serializers.Serializer[Any]):
    overall_normalised = _decimal_string(_("Overall score from 0 to 100: the mean of the field scores."))
    completeness = _decimal_string(_("Answered applicable scored questions, % (used by selection gates)."))
    required_completeness = _decimal_string(_("Answered applicable required questions, %."))
    questions = serializers.IntegerField(help_text=_("Scored questions in the questionnaire."))
    applicable = serializers.IntegerField(help_text=_("… of which shown for the answers given."))
    answered = serializers.IntegerField(help_text=_("… of which answered."))
    required_applicable = serializers.IntegerField(help_text=_("Required questions shown for the answers given."))
    required_answered = serializers.IntegerField(help_text=_("… of which answered."))
    scored_at = serializers.DateTimeField(allow_null=True, help_text=_("When the scores were last computed."))
    dimensions = DimensionScoreSerializer(many=True, help_text=_("Score per dimension, in questionnaire order."))
    fields = FieldScoreSerializer(many=True, help_text=_("Score per programme field."))  # type: ignore[assignment]


class EvidenceSerializer(serializers.ModelSerializer[Evidence]):
    question = serializers.CharField(source="answer.question", read_only=True, help_text=_("Name of the question."))
    download_url = serializers.SerializerMethodField(
        help_text=_("Address to download the file (signed-in insiders); null for a link.")
    )
    added_by = serializers.SerializerMethodField(help_text=_("Who added it; null if unknown."))

    class Meta:
        model = Evidence
        fields = [
            "id",
            "question",
            "file_name",
            "file_size",
            "download_url",
            "url",
            "description",
            "added_by",
            "created_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": _("Identifier of the evidence, for removing it.")},
            "file_name": {"help_text": _("Name of the uploaded file; empty for a link.")},
            "file_size": {"help_text": _("Size of the file in bytes; null for a link.")},
            "url": {"help_text": _("The web address given as evidence; empty for a file.")},
            "description": {"help_text": _("What the evidence shows.")},
            "created_at": {"help_text": _("When it was added.")},
        }

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_download_url(self, evidence: Evidence) -> str | None:
        return evidence_download_url(evidence)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_added_by(self, evidence: Evidence) -> str | None:
        return _person(evidence.added_by)


class AnswerSerializer(serializers.Serializer[Any]):
    question = serializers.CharField(help_text=_("Name of the question in the XLSForm."))
    label = serializers.CharField(help_text=_("The question in the language of the request."))  # type: ignore[assignment]
    value = serializers.CharField(
        help_text=_(
            "The answer as the form stores it: a choice name (several separated by spaces), a number with a dot, "
            "a date as YYYY-MM-DD, or text; empty when not answered."
        )
    )
    comment = serializers.CharField(help_text=_("The hromada's comment on the answer."))
    version = serializers.IntegerField(
        help_text=_("Edit counter of the answer (0: never answered); send it back when saving (conflicts).")
    )
    answered_by = serializers.CharField(allow_null=True, help_text=_("Who saved the answer last; null if nobody."))
    updated_at = serializers.DateTimeField(allow_null=True, help_text=_("When it was saved last; null if never."))
    evidence = EvidenceSerializer(many=True, help_text=_("Documents and links supporting the answer."))


class ReturnNoteSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(help_text=_("Identifier of the comment."))
    question = serializers.CharField(help_text=_("Name of the question commented on."))
    label = serializers.CharField(help_text=_("The question in the language of the request."))  # type: ignore[assignment]
    message = serializers.CharField(help_text=_("What the coordinator asks to change."))
    created_by = serializers.CharField(allow_null=True, help_text=_("The coordinator who wrote it."))
    created_at = serializers.DateTimeField(help_text=_("When the assessment was returned with it."))
    resolve_url = serializers.CharField(help_text=_("POST here to mark the comment as addressed."))


class TransitionSerializer(serializers.ModelSerializer[AssessmentTransition]):
    from_state = NamedChoiceField(
        enum_name="AssessmentStateEnum",
        choices=AssessmentState.choices,
        read_only=True,
        help_text=_("State before the step."),
    )
    to_state = NamedChoiceField(
        enum_name="AssessmentStateEnum",
        choices=AssessmentState.choices,
        read_only=True,
        help_text=_("State after the step."),
    )
    actor = serializers.SerializerMethodField(help_text=_("Who took the step; null for the system."))

    class Meta:
        model = AssessmentTransition
        fields = ["from_state", "to_state", "message", "actor", "at"]
        read_only_fields = fields
        extra_kwargs = {
            "message": {"help_text": _("Message given with the step; may be empty.")},
            "at": {"help_text": _("When the step was taken.")},
        }

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_actor(self, transition: AssessmentTransition) -> str | None:
        return _person(transition.actor)


class AssessmentSerializer(serializers.ModelSerializer[Assessment]):
    url = serializers.SerializerMethodField(help_text=_("Address of the assessment in the API."))
    hromada = AssessmentHromadaSerializer(read_only=True, help_text=_("The hromada assessed."))
    round = serializers.SerializerMethodField(help_text=_("The round the assessment belongs to."))
    state = NamedChoiceField(
        enum_name="AssessmentStateEnum",
        choices=AssessmentState.choices,
        read_only=True,
        help_text=_("State in the workflow."),
    )
    state_label = serializers.SerializerMethodField(help_text=_("Name of the state in the language of the request."))
    source = NamedChoiceField(  # type: ignore[assignment]
        enum_name="AssessmentSourceEnum",
        choices=AssessmentSource.choices,
        read_only=True,
        help_text=_("Filled in online or imported from Kobo / ODK."),
    )
    completeness = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text=_("Answered applicable scored questions, %; null until scored."),
    )
    required_completeness = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text=_("Answered applicable required questions, %; null until scored."),
    )
    overall_normalised = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text=_("Overall score from 0 to 100; null until a scored question is answered."),
    )
    field_scores = serializers.SerializerMethodField(help_text=_("Score per programme field."))

    class Meta:
        model = Assessment
        fields = [
            "id",
            "url",
            "hromada",
            "round",
            "state",
            "state_label",
            "source",
            "completeness",
            "required_completeness",
            "overall_normalised",
            "field_scores",
            "started_at",
            "submitted_at",
            "validated_at",
            "version",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": _("Identifier of the assessment.")},
            "started_at": {"help_text": _("When the first answer was given; null if not started.")},
            "submitted_at": {"help_text": _("When it was last submitted; null if never.")},
            "validated_at": {"help_text": _("When it was validated; null if not validated.")},
            "version": {"help_text": _("Counter of the assessment's workflow steps.")},
            "updated_at": {"help_text": _("Last change of the assessment's state.")},
        }

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, assessment: Assessment) -> str:
        return reverse("api:assessment-detail", kwargs={"pk": assessment.pk})

    @extend_schema_field(RoundRefSerializer)
    def get_round(self, assessment: Assessment) -> dict[str, Any]:
        return round_ref(assessment.round)

    def get_state_label(self, assessment: Assessment) -> str:
        return capfirst(str(assessment.get_state_display()))

    @extend_schema_field(FieldScoreSerializer(many=True))
    def get_field_scores(self, assessment: Assessment) -> Any:
        return FieldScoreSerializer(field_scores(assessment.scores or {}), many=True).data


class AssessmentDetailSerializer(AssessmentSerializer):
    instrument = serializers.SerializerMethodField(help_text=_("The instrument version answered."))
    may_edit = serializers.SerializerMethodField(help_text=_("True if you may answer now."))
    may_validate = serializers.SerializerMethodField(help_text=_("True if you may validate or return it."))
    answers = serializers.SerializerMethodField(help_text=_("Every answer given, in questionnaire order."))
    return_notes = serializers.SerializerMethodField(
        help_text=_("The coordinator's open comments on individual questions (from returning the assessment).")
    )
    transitions = TransitionSerializer(many=True, read_only=True, help_text=_("Every workflow step, oldest first."))
    scores = serializers.SerializerMethodField(help_text=_("The scores, computed from the answers."))

    class Meta(AssessmentSerializer.Meta):
        fields = [
            *AssessmentSerializer.Meta.fields,
            "instrument",
            "may_edit",
            "may_validate",
            "answers",
            "return_notes",
            "transitions",
            "scores",
        ]
        read_only_fields = fields

    def _user(self) -> AnyUser:
        request = self.context["request"]
        user: AnyUser = request.user
        return user

    @extend_schema_field(InstrumentVersionRefSerializer)
    def get_instrument(self, assessment: Assessment) -> dict[str, Any]:
        return instrument_version_ref(assessment.round.instrument_version)

    def get_may_edit(self, assessment: Assessment) -> bool:
        return assessment.round.status == RoundStatus.OPEN and access.can(self._user(), Action.EDIT, assessment)

    def get_may_validate(self, assessment: Assessment) -> bool:
        return assessment.state in workflow_services.VALIDATABLE and access.can(
            self._user(), Action.VALIDATE, assessment
        )

    @extend_schema_field(AnswerSerializer(many=True))
    def get_answers(self, assessment: Assessment) -> Any:
        form = form_of(assessment.round.instrument_version)
        order = {name: index for index, name in enumerate(form.order)}
        answers = sorted(assessment.answers.all(), key=lambda answer: order.get(answer.question, len(order)))
        return AnswerSerializer([answer_data(form, answer.question, answer) for answer in answers], many=True).data

    @extend_schema_field(ReturnNoteSerializer(many=True))
    def get_return_notes(self, assessment: Assessment) -> Any:
        form = form_of(assessment.round.instrument_version)
        notes = [note for note in assessment.return_notes.all() if note.resolved_at is None]
        return ReturnNoteSerializer(
            [
                {
                    "id": note.pk,
                    "question": note.question,
                    "label": _question_label(form, note.question),
                    "message": note.message,
                    "created_by": _person(note.created_by),
                    "created_at": note.created_at,
                    "resolve_url": reverse(
                        "api:assessment-return-note-resolve", kwargs={"pk": assessment.pk, "note_pk": note.pk}
                    ),
                }
                for note in notes
            ],
            many=True,
        ).data

    @extend_schema_field(ScoresSerializer)
    def get_scores(self, assessment: Assessment) -> Any:
        return ScoresSerializer(scores_data(assessment)).data


def _question_label(form: answer_rules.Form, name: str) -> str:
    question = form.questions.get(name)
    return answer_rules.question_label(question) if question is not None else name


def answer_data(form: answer_rules.Form, question: str, answer: Answer | None) -> dict[str, Any]:
    """One answer as the API shows it; an unanswered question has version 0."""
    if answer is None:
        return {
            "question": question,
            "label": _question_label(form, question),
            "value": "",
            "comment": "",
            "version": 0,
            "answered_by": None,
            "updated_at": None,
            "evidence": [],
        }
    return {
        "question": question,
        "label": _question_label(form, question),
        "value": answer.value,
        "comment": answer.comment,
        "version": answer.version,
        "answered_by": _person(answer.answered_by),
        "updated_at": answer.updated_at,
        "evidence": list(answer.evidence.all()),
    }


class AnswerConflictDetailSerializer(serializers.Serializer[Any]):
    question = serializers.CharField(help_text=_("Name of the question."))
    yours = serializers.CharField(help_text=_("The value you sent (not saved)."))
    theirs = serializers.CharField(help_text=_("The value saved now."))
    their_comment = serializers.CharField(help_text=_("The comment saved now."))
    their_author = serializers.CharField(help_text=_("Who saved it; empty if unknown."))
    their_version = serializers.IntegerField(help_text=_("Version saved now: send it to save your value over it."))


class AnswerConflictSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField(help_text=_("What happened, in the language of the request."))
    conflict = AnswerConflictDetailSerializer(help_text=_("Both values, so you can choose."))


class AnswerErrorSerializer(serializers.Serializer[Any]):
    question = serializers.CharField(help_text=_("Name of the question."))
    message = serializers.CharField(help_text=_("Why the answer was refused: the form's own message if it has one."))


class TrainingNeedSerializer(serializers.Serializer[Any]):
    dimension = serializers.CharField(help_text=_("Name of the dimension."))
    label = serializers.CharField(help_text=_("Label of the dimension in the language of the request."))  # type: ignore[assignment]
    field = serializers.IntegerField(help_text=_("Number of the programme field (1–3)."))
    field_label = serializers.CharField(help_text=_("Name of the field in the language of the request."))
    normalised = serializers.DecimalField(
        max_digits=5, decimal_places=2, help_text=_("The dimension's score (0–100), under the threshold.")
    )
    maturity_level = serializers.IntegerField(allow_null=True, help_text=_("Maturity level of the dimension."))


class TrainingNeedsSerializer(serializers.Serializer[Any]):
    hromada = AssessmentHromadaSerializer(help_text=_("The hromada."))
    assessment = serializers.CharField(
        allow_null=True, help_text=_("Address of the validated assessment the needs come from; null if none yet.")
    )
    round = RoundRefSerializer(allow_null=True, help_text=_("Its round; null if none."))
    threshold = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        allow_null=True,
        help_text=_("Dimensions under this score are training needs (the round's threshold); null if none."),
    )
    needs = TrainingNeedSerializer(many=True, help_text=_("The training needs, weakest dimension first."))


# --- requests ------------------------------------------------------------------------------------


class AssessmentQuerySerializer(serializers.Serializer[Any]):
    round = serializers.IntegerField(required=False, min_value=1, help_text=_("Identifier of the round."))
    hromada = serializers.RegexField(
        KATOTTG_PATTERN,
        required=False,
        help_text=_("KATOTTG code of the hromada."),
        error_messages={"invalid": KATOTTG_ERROR},
    )
    state = NamedChoiceField(
        enum_name="AssessmentStateEnum",
        choices=AssessmentState.choices,
        required=False,
        help_text=_("State in the workflow."),
    )
    source = NamedChoiceField(  # type: ignore[assignment]
        enum_name="AssessmentSourceEnum",
        choices=AssessmentSource.choices,
        required=False,
        help_text=_("Filled in online or imported."),
    )


@extend_schema_field(
    {
        "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
        "nullable": True,
        "description": "A string, or a list of choice names for a question with several choices.",
    }
)
class AnswerValueField(serializers.Field):  # type: ignore[type-arg]
    """A string, a number or a list of choice names; null means empty."""

    default_error_messages = {"invalid": _("Send the answer as text, a number or a list of choice names.")}

    def to_internal_value(self, data: Any) -> str | list[str]:
        if isinstance(data, bool):
            self.fail("invalid")
        if isinstance(data, str):
            return data
        if isinstance(data, int | float | Decimal):
            return str(data)
        if isinstance(data, list) and all(isinstance(item, str) for item in data):
            return list(data)
        self.fail("invalid")

    def to_representation(self, value: Any) -> Any:
        return value


class AnswerSaveSerializer(serializers.Serializer[Any]):
    value = AnswerValueField(
        allow_null=True,
        help_text=_(
            "The answer: a choice name, a list of choice names (or names separated by spaces), a number, a date as "
            "YYYY-MM-DD or text; empty or null clears it."
        ),
    )
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        trim_whitespace=False,
        help_text=_("A comment on the answer; left out or null keeps the stored one."),
    )
    version = serializers.IntegerField(
        min_value=0, help_text=_("The answer's version as you read it; 0 if it had no answer. A newer one gives 409.")
    )


class EvidenceUploadSerializer(serializers.Serializer[Any]):
    question = serializers.CharField(max_length=100, help_text=_("Name of the question the evidence supports."))
    file = serializers.FileField(
        required=False, help_text=_("A PDF, image or office document of at most 20 MB (checked by content).")
    )
    url = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=1000, help_text=_("Or a web address (https://…).")
    )
    description = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=300, help_text=_("What the evidence shows.")
    )


class EvidenceLinkSerializer(serializers.Serializer[Any]):
    question = serializers.CharField(max_length=100, help_text=_("Name of the question the evidence supports."))
    url = serializers.CharField(max_length=1000, help_text=_("The web address (https://…)."))
    description = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=300, help_text=_("What the evidence shows.")
    )


class MessageSerializer(serializers.Serializer[Any]):
    message = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000, help_text=_("A message kept with the step.")
    )


class ReturnSerializer(serializers.Serializer[Any]):
    notes = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=2000),
        required=False,
        default=dict,
        help_text=_("Comments on individual questions: question name → what to change."),
    )
    message = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=2000,
        help_text=_("A general message to the hromada."),
    )


# --- views ---------------------------------------------------------------------------------------

ASSESSMENT_ID = OpenApiParameter("pk", int, OpenApiParameter.PATH, description=_("Identifier of the assessment."))
QUESTION = OpenApiParameter("question", str, OpenApiParameter.PATH, description=_("Name of the question."))
EVIDENCE_ID = OpenApiParameter("evidence_pk", int, OpenApiParameter.PATH, description=_("Identifier of the evidence."))
NOTE_ID = OpenApiParameter("note_pk", int, OpenApiParameter.PATH, description=_("Identifier of the comment."))
KATOTTG = OpenApiParameter("katottg", str, OpenApiParameter.PATH, description=_("KATOTTG code of the hromada."))

BAD_REQUEST = OpenApiResponse(VALIDATION_ERROR_SCHEMA, description=_("Something sent is not valid; see why."))
REFUSED = OpenApiResponse(
    VALIDATION_ERROR_SCHEMA,
    description=_("Refused: every reason (under non_field_errors, or by field). Nothing was changed."),
)
UNAUTHORISED = OpenApiResponse(ErrorSerializer, description=_("No valid token or session."))
FORBIDDEN = OpenApiResponse(ErrorSerializer, description=_("You may read this assessment but not change it."))
NOT_VALIDATOR = OpenApiResponse(ErrorSerializer, description=_("Only the programme's staff validate assessments."))
NOT_FOUND = OpenApiResponse(ErrorSerializer, description=_("No assessment that you may see has this identifier."))
# Writes: the assessment must be visible (404 otherwise); the services decide the rest (a clear message
# when the assessment is with the validators, 403 for those who may only read).
SERVICE_DECIDES = Requirement(Action.VIEW)


def _refusal(error: DjangoValidationError) -> serializers.ValidationError:
    return service_error(error)


class AssessmentViewSet(viewsets.GenericViewSet[Any]):
    """/api/v1/assessments/, /api/v1/assessments/{pk}/ and everything below it."""

    queryset = Assessment.objects.none()
    serializer_class = AssessmentSerializer
    pagination_class = Pagination
    permission_classes = [AccessPolicy]
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    access_requirements = {
        "save_answer": SERVICE_DECIDES,
        "add_evidence": SERVICE_DECIDES,
        "remove_evidence": SERVICE_DECIDES,
        "submit": SERVICE_DECIDES,
        "start_validation": SERVICE_DECIDES,
        "validate": SERVICE_DECIDES,
        "return_": SERVICE_DECIDES,
        "resolve_note": SERVICE_DECIDES,
    }

    def get_queryset(self) -> models.QuerySet[Assessment]:
        if getattr(self, "swagger_fake_view", False):
            return Assessment.objects.none()
        return assessments_visible_to(self.request.user)

    def _assessment(self, pk: int, *, detail: bool = False) -> Assessment:
        """The assessment (404 if not visible), with its instrument version for the form."""
        queryset = Assessment.objects.select_related(
            "hromada", "round__programme", "round__instrument_version__instrument"
        )
        if detail:
            queryset = queryset.prefetch_related(
                Prefetch(
                    "answers",
                    queryset=Answer.objects.select_related("answered_by").prefetch_related(
                        Prefetch("evidence", queryset=Evidence.objects.select_related("added_by", "answer"))
                    ),
                ),
                Prefetch("return_notes", queryset=ReturnNote.objects.select_related("created_by")),
                Prefetch("transitions", queryset=AssessmentTransition.objects.select_related("actor")),
            )
        assessment = get_object_or_404(queryset, pk=pk)
        self.check_object_permissions(self.request, assessment)
        return assessment

    def _detail(self, pk: int) -> Response:
        assessment = self._assessment(pk, detail=True)
        return Response(AssessmentDetailSerializer(assessment, context={"request": self.request}).data)

    @extend_schema(
        summary=_("List assessments"),
        description=_(
            "The assessments you may see: your hromada's, or those of the programmes you run or whose partner "
            "experts you are. Each with its hromada, round, state, completeness and scores. Needs a signed-in "
            "user (401 without credentials)."
        ),
        parameters=[AssessmentQuerySerializer],
        responses={200: AssessmentSerializer(many=True), 400: BAD_REQUEST, 401: UNAUTHORISED},
    )
    def list(self, request: Request) -> Response:
        signed_in(request)
        query = validated(AssessmentQuerySerializer, {k: v for k, v in request.query_params.items() if v != ""})
        assessments = self.get_queryset()
        if query.get("round"):
            assessments = assessments.filter(round_id=query["round"])
        if query.get("hromada"):
            assessments = assessments.filter(hromada__katottg=query["hromada"])
        if query.get("state"):
            assessments = assessments.filter(state=query["state"])
        if query.get("source"):
            assessments = assessments.filter(source=query["source"])
        page = self.paginate_queryset(assessments)
        return self.get_paginated_response(AssessmentSerializer(page, many=True).data)

    @extend_schema(
        summary=_("Get an assessment with its answers"),
        description=_(
            "The assessment with every answer given (value, comment, version, who and when, evidence), the "
            "coordinator's open comments, the workflow history and the scores. Labels are in the language of the "
            "request; the questions themselves are in the instrument version's definition."
        ),
        parameters=[ASSESSMENT_ID],
        responses={200: AssessmentDetailSerializer, 404: NOT_FOUND},
    )
    def retrieve(self, request: Request, pk: int) -> Response:
        return self._detail(pk)

    @extend_schema(
        summary=_("Get one answer"),
        description=_(
            "The answer to one question with its evidence. A question not answered yet has version 0 (send 0 when "
            "saving the first answer)."
        ),
        parameters=[ASSESSMENT_ID, QUESTION],
        responses={200: AnswerSerializer, 404: NOT_FOUND},
    )
    def answer(self, request: Request, pk: int, question: str) -> Response:
        assessment = self._assessment(pk)
        form = form_of(assessment.round.instrument_version)
        if question not in form.questions or form.questions[question]["type"] not in answer_rules.ANSWERABLE_TYPES:
            raise Http404
        answer = (
            Answer.objects.select_related("answered_by")
            .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.select_related("added_by", "answer")))
            .filter(assessment=assessment, question=question)
            .first()
        )
        return Response(AnswerSerializer(answer_data(form, question, answer)).data)

    @extend_schema(
        summary=_("Save one answer"),
        description=_(
            "Saves the answer (and its comment) as the online form does: checked against the question's type, "
            "choices and constraint; scores recomputed. Send the version you read (0 if there was no answer): if "
            "someone saved a different value since, nothing is saved and the answer is 409 with both values. A "
            "refused value is 400 with the form's own message. The hromada's editors and the programme's staff, "
            "while the assessment is not submitted and the round is open."
        ),
        parameters=[ASSESSMENT_ID, QUESTION],
        request=AnswerSaveSerializer,
        examples=[
            OpenApiExample("One choice", value={"value": "3", "comment": "", "version": 0}, request_only=True),
            OpenApiExample("Several choices", value={"value": ["police", "rescue"], "version": 2}, request_only=True),
        ],
        responses={
            200: AnswerSerializer,
            400: OpenApiResponse(
                AnswerErrorSerializer,
                description=_(
                    "The answer was refused (or the assessment cannot be changed now); a malformed body gives "
                    "{field: [messages]} instead."
                ),
            ),
            401: UNAUTHORISED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: OpenApiResponse(
                AnswerConflictSerializer, description=_("Someone saved another value since you read it.")
            ),
        },
    )
    def save_answer(self, request: Request, pk: int, question: str) -> Response:
        user = signed_in(request)
        assessment = self._assessment(pk)
        data = validated(AnswerSaveSerializer, request.data)
        try:
            answer_services.answer_save(
                acting_user=user,
                assessment=assessment,
                question=question,
                value=data["value"],
                comment=data.get("comment"),
                expected_version=data["version"],
            )
        except answer_rules.AnswerInvalid as problem:
            return Response(
                {"question": problem.question, "message": problem.message}, status=status.HTTP_400_BAD_REQUEST
            )
        except DjangoValidationError as error:
            return Response(
                {"question": question, "message": " ".join(error.messages)}, status=status.HTTP_400_BAD_REQUEST
            )
        except AnswerConflict as conflict:
            body = {
                "detail": gettext(
                    "Someone else saved another answer to this question since you read it. Nothing was saved; "
                    "choose a value and send it again with their version."
                ),
                "conflict": {
                    "question": conflict.question,
                    "yours": conflict.yours,
                    "theirs": conflict.theirs,
                    "their_comment": conflict.their_comment,
                    "their_author": conflict.their_author,
                    "their_version": conflict.their_version,
                },
            }
            return Response(body, status=status.HTTP_409_CONFLICT)
        return self.answer(request, pk, question)

    @extend_schema(
        summary=_("Add evidence to an answer"),
        description=_(
            "Attaches a file (multipart/form-data: question, file, description) or a link (JSON: question, url, "
            "description). Files must be PDF, images or office documents of at most 20 MB; the content is checked, "
            "not the name. Same access as saving an answer."
        ),
        parameters=[ASSESSMENT_ID],
        request={"multipart/form-data": EvidenceUploadSerializer, "application/json": EvidenceLinkSerializer},
        responses={201: EvidenceSerializer, 400: BAD_REQUEST, 401: UNAUTHORISED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def add_evidence(self, request: Request, pk: int) -> Response:
        user = signed_in(request)
        assessment = self._assessment(pk)
        data = validated(EvidenceUploadSerializer, request.data)
        try:
            evidence = answer_services.evidence_add(
                acting_user=user,
                assessment=assessment,
                question=data["question"],
                file=data.get("file"),
                url=data["url"],
                description=data["description"],
            )
        except answer_rules.AnswerInvalid as problem:
            raise serializers.ValidationError({"question": [problem.message]}) from problem
        except DjangoValidationError as error:
            raise _refusal(error) from error
        evidence = Evidence.objects.select_related("answer", "added_by").get(pk=evidence.pk)
        return Response(EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Remove evidence from an answer"),
        description=_("Removes a file (deleted too) or a link. Same access as saving an answer."),
        parameters=[ASSESSMENT_ID, EVIDENCE_ID],
        responses={204: None, 400: REFUSED, 401: UNAUTHORISED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def remove_evidence(self, request: Request, pk: int, evidence_pk: int) -> Response:
        user = signed_in(request)
        assessment = self._assessment(pk)
        evidence = get_object_or_404(
            Evidence.objects.select_related("answer"), pk=evidence_pk, answer__assessment=assessment
        )
        try:
            answer_services.evidence_remove(acting_user=user, evidence=evidence)
        except DjangoValidationError as error:
            raise _refusal(error) from error
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary=_("Submit an assessment"),
        description=_(
            "Sends the answers to the programme's coordinators for validation. Refused (400) with every reason "
            "while required questions are unanswered, answers break their conditions or comments are open. The "
            "hromada's editors and the programme's staff."
        ),
        parameters=[ASSESSMENT_ID],
        request=MessageSerializer,
        responses={
            200: AssessmentDetailSerializer,
            400: REFUSED,
            401: UNAUTHORISED,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def submit(self, request: Request, pk: int) -> Response:
        user = signed_in(request)
        assessment = self._assessment(pk)
        data = validated(MessageSerializer, request.data)
        try:
            workflow_services.assessment_submit(acting_user=user, assessment=assessment, message=data["message"])
        except DjangoValidationError as error:
            raise _refusal(error) from error
        return self._detail(pk)

    @extend_schema(
        summary=_("Start validating an assessment"),
        description=_("A coordinator takes a submitted assessment to check its answers and evidence. Programme staff."),
        parameters=[ASSESSMENT_ID],
        request=None,
        responses={
            200: AssessmentDetailSerializer,
            400: REFUSED,
            401: UNAUTHORISED,
            403: NOT_VALIDATOR,
            404: NOT_FOUND,
        },
    )
    def start_validation(self, request: Request, pk: int) -> Response:
        user = signed_in(request)
        assessment = self._assessment(pk)
        try:
            workflow_services.assessment_start_validation(acting_user=user, assessment=assessment)
        except DjangoValidationError as error:
            raise _refusal(error) from error
        return self._detail(pk)

    @extend_schema(
        summary=_("Validate an assessment"),
        description=_(
            "Accepts the answers of a submitted assessment: its scores become the hromada's validated result (and "
            "its training needs). Programme staff."
        ),
        parameters=[ASSESSMENT_ID],
        request=MessageSerializer,
        responses={
            200: AssessmentDetailSerializer,
            400: REFUSED,
            401: UNAUTHORISED,
            403: NOT_VALIDATOR,
            404: NOT_FOUND,
        },
    )
    def validate(self, request: Request, pk: int) -> Response:
        user = signed_in(request)
        assessment = self._assessment(pk)
        data = validated(MessageSerializer, request.data)
        try:
            workflow_services.assessment_validate(acting_user=user, assessment=assessment, message=data["message"])
        except DjangoValidationError as error:
            raise _refusal(error) from error
        return self._detail(pk)

    @extend_schema(
        summary=_("Return an assessment to the hromada"),
        description=_(
            "Sends a submitted assessment back (in progress again) with comments on individual questions and/or a "
            "general message; at least one is needed. The hromada must address every comment before submitting "
            "again. Programme staff."
        ),
        parameters=[ASSESSMENT_ID],
        request=ReturnSerializer,
        examples=[
            OpenApiExample(
                "One question",
                value={"notes": {"ctx_population": "Use the 2022 figure."}, "message": "Please check."},
                request_only=True,
            )
        ],
        responses={
            200: AssessmentDetailSerializer,
            400: REFUSED,
            401: UNAUTHORISED,
            403: NOT_VALIDATOR,
            404: NOT_FOUND,
        },
    )
    def return_(self, request: Request, pk: int) -> Response:
        user = signed_in(request)
        assessment = self._assessment(pk)
        data = validated(ReturnSerializer, request.data)
        try:
            workflow_services.assessment_return(
                acting_user=user, assessment=assessment, notes=data["notes"], message=data["message"]
            )
        except DjangoValidationError as error:
            raise _refusal(error) from error
        return self._detail(pk)

    @extend_schema(
        summary=_("Mark a coordinator's comment as addressed"),
        description=_(
            "For a comment answered without changing the answer (for example by explaining in the answer's "
            "comment); changing the answer marks it addressed by itself. Same access as saving an answer."
        ),
        parameters=[ASSESSMENT_ID, NOTE_ID],
        request=None,
        responses={
            200: AssessmentDetailSerializer,
            400: REFUSED,
            401: UNAUTHORISED,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def resolve_note(self, request: Request, pk: int, note_pk: int) -> Response:
        user = signed_in(request)
        assessment = self._assessment(pk)
        note = get_object_or_404(ReturnNote, pk=note_pk, assessment=assessment)
        note.assessment = assessment
        try:
            workflow_services.return_note_resolve(acting_user=user, note=note)
        except DjangoValidationError as error:
            raise _refusal(error) from error
        return self._detail(pk)

    @extend_schema(
        summary=_("Get the scores of an assessment"),
        description=_(
            "Raw and normalised (0–100) scores per dimension and per programme field with maturity levels, and "
            "the completeness; computed from the answers, never typed in. Labels in the language of the request."
        ),
        parameters=[ASSESSMENT_ID],
        responses={200: ScoresSerializer, 404: NOT_FOUND},
    )
    def scores(self, request: Request, pk: int) -> Response:
        assessment = self._assessment(pk)
        return Response(ScoresSerializer(scores_data(assessment)).data)


class TrainingNeedsViewSet(viewsets.GenericViewSet[Any]):
    """/api/v1/hromadas/{katottg}/training-needs/."""

    queryset = Hromada.objects.none()
    serializer_class = TrainingNeedsSerializer
    pagination_class = None
    permission_classes = [AccessPolicy]
    renderer_classes = [JSONRenderer]

    @extend_schema(
        summary=_("Get a hromada's training needs"),
        description=_(
            "The dimensions of the hromada's latest validated assessment that score under its round's threshold, "
            "weakest first. Visible to those who may see that assessment (the hromada's members, the programme's "
            "staff and partner experts); while there is none, the hromada's members and programme staff get an "
            "empty list."
        ),
        parameters=[KATOTTG],
        responses={200: TrainingNeedsSerializer, 404: OpenApiResponse(ErrorSerializer, description=_("Not found."))},
    )
    def retrieve(self, request: Request, katottg: str) -> Response:
        hromada = get_object_or_404(Hromada, katottg=katottg)
        assessment = latest_validated(hromada)
        if assessment is None:
            access.require(request.user, Action.VIEW_PRIVATE, hromada, visible_with=Action.VIEW_PRIVATE)
            body: dict[str, Any] = {
                "hromada": hromada,
                "assessment": None,
                "round": None,
                "threshold": None,
                "needs": [],
            }
            return Response(TrainingNeedsSerializer(body).data)
        access.require(request.user, Action.VIEW, assessment)
        needs = training_needs_of(hromada)
        body = {
            "hromada": hromada,
            "assessment": reverse("api:assessment-detail", kwargs={"pk": assessment.pk}),
            "round": round_ref(assessment.round),
            "threshold": assessment.round.training_threshold,
            "needs": [
                {
                    "dimension": need.dimension,
                    "label": need.label,
                    "field": need.field,
                    "field_label": _label(scoring.FIELD_NAMES.get(need.field)) or str(need.field),
                    "normalised": need.normalised,
                    "maturity_level": need.maturity_level,
                }
                for need in needs
            ],
        }
        return Response(TrainingNeedsSerializer(body).data)


def _route(suffix: str, actions: dict[str, Any], name: str) -> URLPattern:
    return path(f"assessments/<int:pk>/{suffix}", AssessmentViewSet.as_view(actions, detail=True), name=name)


urlpatterns: list[URLPattern] = [
    path(
        "assessments/",
        AssessmentViewSet.as_view({"get": "list"}, detail=False),
        name="assessment-list",
    ),
    _route("", {"get": "retrieve"}, "assessment-detail"),
    _route("answers/<str:question>/", {"get": "answer", "put": "save_answer"}, "assessment-answer"),
    _route("evidence/", {"post": "add_evidence"}, "assessment-evidence-list"),
    _route("evidence/<int:evidence_pk>/", {"delete": "remove_evidence"}, "assessment-evidence-detail"),
    _route("submit/", {"post": "submit"}, "assessment-submit"),
    _route("start-validation/", {"post": "start_validation"}, "assessment-start-validation"),
    _route("validate/", {"post": "validate"}, "assessment-validate"),
    _route("return/", {"post": "return_"}, "assessment-return"),
    _route("return-notes/<int:note_pk>/resolve/", {"post": "resolve_note"}, "assessment-return-note-resolve"),
    _route("scores/", {"get": "scores"}, "assessment-scores"),
    path(
        "hromadas/<str:katottg>/training-needs/",
        TrainingNeedsViewSet.as_view({"get": "retrieve"}, detail=True),
        name="hromada-training-needs",
    ),
]
