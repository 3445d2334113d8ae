"""REST API of the plan workflow (/api/v1/plans/<plan_pk>/…): the steps a plan can take now and why
not yet, taking a step, the principles checklist, recording the adoption and the registration, and
starting an amendment.

Thin views: validate with a serializer, call the workflow services (vidnova.plans.services.workflow),
serialize. Access is decided by vidnova.accounts.access through AccessPolicy and the services, as on
the workflow page: everything here is private (404 for outsiders), writes need EDIT (403 for hromada
viewers and partner experts), a refused step answers 400 with every reason, a stale version 409.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotAuthenticated
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from vidnova.accounts.access import Action
from vidnova.accounts.models import User
from vidnova.api.permissions import AccessPolicy, Requirement
from vidnova.api.serializers import VALIDATION_ERROR_SCHEMA, ErrorSerializer
from vidnova.core.exceptions import EditConflict
from vidnova.plans import principles
from vidnova.plans.models import AdoptingBody, Plan, PlanState, PlanVersion, PrincipleCheck
from vidnova.plans.selectors import workflow as selectors
from vidnova.plans.selectors.plans import current_version
from vidnova.plans.services import workflow as services
from vidnova.plans.workflow import WORKFLOWS

PRIVATE_READ = Requirement(Action.VIEW_PRIVATE, visible_with=Action.VIEW_PRIVATE)
PRIVATE_WRITE = Requirement(Action.EDIT, visible_with=Action.VIEW_PRIVATE)
# Stages a step can lead to (every stage but the first of each workflow), in the order of PlanState.
TARGETS = [
    (value, label)
    for value, label in PlanState.choices
    if any(transition.target == value for workflow in WORKFLOWS.values() for transition in workflow.transitions)
]
KINDS = [selectors.MOVE, selectors.RETURN, selectors.ADOPTION, selectors.REGISTRATION, selectors.AMENDMENT]

PLAN_ID = OpenApiParameter(
    "plan_pk",
    int,
    OpenApiParameter.PATH,
    description=_("Identifier of the plan."),
    examples=[OpenApiExample("Plan", value=1)],
)
PRINCIPLE_CODE = OpenApiParameter(
    "code",
    str,
    OpenApiParameter.PATH,
    description=_("Code of the principle."),
    enum=[principle.code for principle in principles.PRINCIPLES],
    examples=[OpenApiExample("Inclusiveness", value="inclusiveness")],
)
REFUSED = OpenApiResponse(
    VALIDATION_ERROR_SCHEMA,
    description=_('Refused: every reason, by field ("target" or "non_field_errors" for the workflow\'s own reasons).'),
)
UNAUTHENTICATED = OpenApiResponse(ErrorSerializer, description=_("No valid token or session."))
FORBIDDEN = OpenApiResponse(
    ErrorSerializer, description=_("You may see this plan but not change it (or its adopted version is final).")
)
NOT_FOUND = OpenApiResponse(ErrorSerializer, description=_("No such plan, or one you may not see."))


class WorkflowConflictSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField(help_text=_("What happened, in the language of the request."))
    current_version = serializers.IntegerField(help_text=_("The version saved now: send it with your change again."))


CONFLICT = OpenApiResponse(
    WorkflowConflictSerializer, description=_("Someone else changed it since you read it; nothing was saved.")
)


# --- responses -----------------------------------------------------------------------------------


class TransitionOptionSerializer(serializers.Serializer[Any]):
    target = serializers.ChoiceField(choices=TARGETS, help_text=_("The stage this step leads to."))
    target_label = serializers.CharField(help_text=_("Name of that stage."))
    name = serializers.CharField(help_text=_("Name of the step, as on the button."))
    kind = serializers.ChoiceField(
        choices=KINDS,
        help_text=_(
            "move or return: POST to this endpoint; adoption, registration and amendment: use their own endpoints."
        ),
    )
    is_return = serializers.BooleanField(help_text=_("The step sends the plan back; it needs a note."))
    allowed = serializers.BooleanField(help_text=_("True if you may take the step now."))
    problems = serializers.ListField(
        child=serializers.CharField(), help_text=_("Every reason the step is not possible now; empty if it is.")
    )


class TransitionsSerializer(serializers.Serializer[Any]):
    state = serializers.ChoiceField(choices=PlanState.choices, help_text=_("The plan's current stage."))
    state_label = serializers.CharField(help_text=_("Name of the current stage."))
    version = serializers.IntegerField(help_text=_("Edit counter of the plan: send it back with a step (conflicts)."))
    transitions = TransitionOptionSerializer(many=True, help_text=_("The steps out of the current stage."))


def _transitions_data(plan: Plan, user: Any) -> dict[str, Any]:
    return {
        "state": plan.state,
        "state_label": capfirst(plan.get_state_display()),
        "version": plan.version,
        "transitions": [
            {
                "target": option.target,
                "target_label": capfirst(option.target_label),
                "name": option.label,
                "kind": option.kind,
                "is_return": option.transition.is_return,
                "allowed": option.allowed,
                "problems": option.problems,
            }
            for option in selectors.available_transitions(plan, user)
        ],
    }


class PrincipleCheckSerializer(serializers.ModelSerializer[PrincipleCheck]):
    code = serializers.CharField(source="principle", help_text=_("Code of the principle."))
    group = serializers.SerializerMethodField(help_text=_("recovery (CMU Resolution 1159) or lugano."))
    name = serializers.SerializerMethodField(help_text=_("Name of the principle."))
    plan_version = serializers.IntegerField(source="plan_version.number", help_text=_("Number of the plan version."))

    class Meta:
        model = PrincipleCheck
        fields = [
            "code",
            "group",
            "name",
            "is_met",
            "justification_uk",
            "justification_en",
            "plan_version",
            "version",
            "updated_at",
        ]
        extra_kwargs = {
            "is_met": {"help_text": _("The plan follows the principle.")},
            "justification_uk": {"help_text": _("How, in Ukrainian.")},
            "justification_en": {"help_text": _("How, in English; empty if not translated.")},
            "version": {"help_text": _("Edit counter of this line: send it back with a change (conflicts).")},
            "updated_at": {"help_text": _("Last change.")},
        }

    @extend_schema_field(OpenApiTypes.STR)
    def get_group(self, check: PrincipleCheck) -> str:
        principle = principles.BY_CODE.get(check.principle)
        return principle.group if principle else ""

    @extend_schema_field(OpenApiTypes.STR)
    def get_name(self, check: PrincipleCheck) -> str:
        principle = principles.BY_CODE.get(check.principle)
        return capfirst(str(principle.label)) if principle else check.principle


class AdoptedVersionSerializer(serializers.ModelSerializer[PlanVersion]):
    act_document = serializers.SerializerMethodField(help_text=_("Address of the signed act; null if none."))

    class Meta:
        model = PlanVersion
        fields = [
            "number",
            "adopting_body",
            "act_number",
            "act_date",
            "act_document",
            "adopted_at",
            "register_reference",
            "registered_on",
        ]
        extra_kwargs = {
            "number": {"help_text": _("Number of the adopted version.")},
            "adopting_body": {"help_text": _("Who adopted it.")},
            "act_number": {"help_text": _("Number of the adopting act.")},
            "act_date": {"help_text": _("Date of the adopting act.")},
            "adopted_at": {"help_text": _("When the adoption was recorded.")},
            "register_reference": {"help_text": _("Number in the construction register; empty if not registered.")},
            "registered_on": {"help_text": _("Date of registration; null if not registered.")},
        }

    @extend_schema_field(OpenApiTypes.URI)
    def get_act_document(self, version: PlanVersion) -> str | None:
        if not version.act_document:
            return None
        return reverse("plans:act-download", kwargs={"pk": version.plan_id, "number": version.number})


class PlanWorkflowSerializer(serializers.ModelSerializer[Plan]):
    public_version = AdoptedVersionSerializer(
        read_only=True, allow_null=True, help_text=_("The adopted version shown to the public; null until adoption.")
    )

    class Meta:
        model = Plan
        fields = ["id", "state", "version", "public_version"]
        extra_kwargs = {
            "id": {"help_text": _("Identifier of the plan.")},
            "state": {"help_text": _("The plan's stage now.")},
            "version": {"help_text": _("Edit counter of the plan: send it back with the next step.")},
        }


class AmendmentResultSerializer(serializers.ModelSerializer[PlanVersion]):
    based_on = serializers.IntegerField(source="based_on.number", help_text=_("Number of the adopted version copied."))
    plan_state = serializers.CharField(source="plan.state", help_text=_("The plan's stage now (amendment)."))
    plan_version = serializers.IntegerField(source="plan.version", help_text=_("Edit counter of the plan now."))

    class Meta:
        model = PlanVersion
        fields = ["number", "based_on", "amendment_reason", "plan_state", "plan_version"]
        extra_kwargs = {
            "number": {"help_text": _("Number of the new version.")},
            "amendment_reason": {"help_text": _("Why the plan is amended.")},
        }


# --- requests ------------------------------------------------------------------------------------


class TransitionRequestSerializer(serializers.Serializer[Any]):
    target = serializers.ChoiceField(choices=TARGETS, help_text=_("The stage to move to."))
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=services.MAX_NOTE_CHARS,
        help_text=_("Note for the history; needed when the plan goes back, and as the reason of an amendment."),
    )
    version = serializers.IntegerField(min_value=1, help_text=_("The plan's version as you read it."))


class PrincipleUpdateSerializer(serializers.Serializer[Any]):
    is_met = serializers.BooleanField(help_text=_("The plan follows the principle."))
    justification_uk = serializers.CharField(
        allow_blank=True,
        max_length=services.MAX_JUSTIFICATION_CHARS,
        help_text=_("How, in Ukrainian; required when is_met is true."),
    )
    justification_en = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=services.MAX_JUSTIFICATION_CHARS,
        help_text=_("How, in English."),
    )
    version = serializers.IntegerField(min_value=1, help_text=_("The line's version as you read it."))


class AdoptionRequestSerializer(serializers.Serializer[Any]):
    adopting_body = serializers.ChoiceField(choices=AdoptingBody.choices, help_text=_("Who adopted the plan."))
    act_number = serializers.CharField(max_length=100, help_text=_("Number of the act."))
    act_date = serializers.DateField(help_text=_("Date of the act."))
    act_document = serializers.FileField(help_text=_("The signed act, a PDF (checked by its content)."))
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=services.MAX_NOTE_CHARS,
        help_text=_("Note for the history."),
    )
    version = serializers.IntegerField(min_value=1, help_text=_("The plan's version as you read it."))


class RegistrationRequestSerializer(serializers.Serializer[Any]):
    register_reference = serializers.CharField(max_length=100, help_text=_("Number in the construction register."))
    registered_on = serializers.DateField(help_text=_("Date of registration."))
    version = serializers.IntegerField(min_value=1, help_text=_("The plan's version as you read it."))


class AmendmentRequestSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=services.MAX_NOTE_CHARS, help_text=_("Why the plan is amended."))
    version = serializers.IntegerField(min_value=1, help_text=_("The plan's version as you read it."))


# --- views ---------------------------------------------------------------------------------------


def _refused(error: DjangoValidationError) -> serializers.ValidationError:
    """A service's refusal as a 400 body: reasons by field, the workflow's own under non_field_errors."""
    detail = serializers.as_serializer_error(error)
    if NON_FIELD_ERRORS in detail:
        detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop(NON_FIELD_ERRORS)
    return serializers.ValidationError(detail)


def _conflict(current_version: int, message: str) -> Response:
    return Response({"detail": message, "current_version": current_version}, status=status.HTTP_409_CONFLICT)


def _stale_plan(plan: Plan) -> Response:
    current = Plan.objects.get(pk=plan.pk)
    return _conflict(
        current.version,
        gettext(
            "Someone else changed this plan since you read it; it is now at the stage “%(state)s”. Nothing was "
            "changed; read the steps again and send the current version."
        )
        % {"state": current.get_state_display()},
    )


class WorkflowView(APIView):
    """Shared behaviour: JSON only, AccessPolicy, and loading the plan with access applied."""

    permission_classes = [AccessPolicy]
    renderer_classes = [JSONRenderer]
    lookup_url_kwarg = "plan_pk"  # AccessPolicy decides on the plan (a "detail" request)
    access_requirements: dict[str, Requirement] = {"get": PRIVATE_READ, "post": PRIVATE_WRITE, "patch": PRIVATE_WRITE}

    def plan(self, request: Request, plan_pk: int) -> Plan:
        plan = get_object_or_404(Plan.objects.select_related("hromada", "programme", "public_version"), pk=plan_pk)
        self.check_object_permissions(request, plan)
        return plan

    def acting_user(self, request: Request) -> User:
        if not isinstance(request.user, User):  # AccessPolicy lets only signed-in users write
            raise NotAuthenticated
        return request.user


class TransitionsView(WorkflowView):
    @extend_schema(
        summary=_("Steps a plan can take now"),
        description=_(
            "The steps out of the plan's current stage, each with every reason it is not possible now for you "
            "(your role, empty required sections, the goal tree, the participation periods, the principles)."
        ),
        parameters=[PLAN_ID],
        responses={200: TransitionsSerializer, 404: NOT_FOUND},
    )
    def get(self, request: Request, plan_pk: int) -> Response:
        plan = self.plan(request, plan_pk)
        return Response(TransitionsSerializer(_transitions_data(plan, request.user)).data)

    @extend_schema(
        summary=_("Move a plan to another stage"),
        description=_(
            "Takes one step from the current stage. Refused with 400 and every reason when the step is not "
            "possible; 409 when the plan changed since you read its version. Moving to the amendment stage "
            "starts an amendment with the note as its reason; adoption and registration have their own endpoints."
        ),
        parameters=[PLAN_ID],
        request=TransitionRequestSerializer,
        examples=[
            OpenApiExample(
                "Open the consultation", value={"target": "consultation", "note": "", "version": 7}, request_only=True
            )
        ],
        responses={
            200: TransitionsSerializer,
            400: REFUSED,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def post(self, request: Request, plan_pk: int) -> Response:
        plan = self.plan(request, plan_pk)
        user = self.acting_user(request)
        body = TransitionRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            moved = services.plan_transition(
                acting_user=user,
                plan=plan,
                target=body.validated_data["target"],
                expected_version=body.validated_data["version"],
                note=body.validated_data["note"],
            )
        except EditConflict:
            return _stale_plan(plan)
        except DjangoValidationError as error:
            raise _refused(error) from error
        return Response(TransitionsSerializer(_transitions_data(moved, user)).data)


class PrinciplesView(WorkflowView):
    @extend_schema(
        summary=_("Principles checklist of a plan"),
        description=_("The principles checklist of the version being worked on, in the order of the checklist."),
        parameters=[PLAN_ID],
        responses={200: PrincipleCheckSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request: Request, plan_pk: int) -> Response:
        plan = self.plan(request, plan_pk)
        checks = _checks(plan)
        order = {principle.code: index for index, principle in enumerate(principles.PRINCIPLES)}
        ordered = sorted(checks, key=lambda check: order.get(check.principle, len(order)))
        return Response(PrincipleCheckSerializer(ordered, many=True).data)


def _checks(plan: Plan) -> models.QuerySet[PrincipleCheck]:
    version = current_version(plan)
    return PrincipleCheck.objects.filter(plan_version=version).select_related("plan_version__plan")


class PrincipleView(WorkflowView):
    def principle_check(self, request: Request, plan_pk: int, code: str) -> PrincipleCheck:
        plan = get_object_or_404(Plan.objects.select_related("hromada", "programme", "public_version"), pk=plan_pk)
        check = get_object_or_404(_checks(plan), principle=code)
        self.check_object_permissions(request, check)  # a line of an adopted version is final: 403
        return check

    @extend_schema(
        summary=_("One principle of the checklist of a plan"),
        parameters=[PLAN_ID, PRINCIPLE_CODE],
        responses={200: PrincipleCheckSerializer, 404: NOT_FOUND},
    )
    def get(self, request: Request, plan_pk: int, code: str) -> Response:
        return Response(PrincipleCheckSerializer(self.principle_check(request, plan_pk, code)).data)

    @extend_schema(
        summary=_("Confirm a principle"),
        description=_(
            "Sets whether the plan follows the principle and why. Confirming needs a justification in "
            "Ukrainian. 409 when someone else changed the line since you read its version."
        ),
        parameters=[PLAN_ID, PRINCIPLE_CODE],
        request=PrincipleUpdateSerializer,
        examples=[
            OpenApiExample(
                "Confirmed",
                value={
                    "is_met": True,
                    "justification_uk": "Укриття і ЦНАП доступні для людей з інвалідністю.",
                    "justification_en": "Shelters and the service centre are accessible.",
                    "version": 1,
                },
                request_only=True,
            )
        ],
        responses={
            200: PrincipleCheckSerializer,
            400: REFUSED,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def patch(self, request: Request, plan_pk: int, code: str) -> Response:
        check = self.principle_check(request, plan_pk, code)
        user = self.acting_user(request)
        body = PrincipleUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            saved = services.principle_check_update(
                acting_user=user,
                check=check,
                expected_version=body.validated_data["version"],
                is_met=body.validated_data["is_met"],
                justification_uk=body.validated_data["justification_uk"],
                justification_en=body.validated_data["justification_en"],
            )
        except EditConflict:
            current = PrincipleCheck.objects.get(pk=check.pk)
            return _conflict(
                current.version,
                gettext(
                    "Someone else changed this principle since you read it. Nothing was saved; read it again and "
                    "send your change with the current version."
                ),
            )
        except DjangoValidationError as error:
            raise _refused(error) from error
        return Response(PrincipleCheckSerializer(saved).data)


class AdoptionView(WorkflowView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        summary=_("Record the adoption of a plan"),
        description=_(
            "Records the act by which the council or the head of the military administration adopted the version "
            "being worked on, with the signed act as a PDF (multipart/form-data). The version becomes final and "
            "public. Refused with 400 and every reason (the consultation not over, principles not confirmed, the "
            "file not a PDF or too large, …)."
        ),
        parameters=[PLAN_ID],
        request={"multipart/form-data": AdoptionRequestSerializer},
        responses={
            200: PlanWorkflowSerializer,
            400: REFUSED,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def post(self, request: Request, plan_pk: int) -> Response:
        plan = self.plan(request, plan_pk)
        user = self.acting_user(request)
        body = AdoptionRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            adopted = services.plan_adopt(
                acting_user=user,
                plan=plan,
                expected_version=body.validated_data["version"],
                **{
                    name: body.validated_data[name]
                    for name in ("adopting_body", "act_number", "act_date", "act_document", "note")
                },
            )
        except EditConflict:
            return _stale_plan(plan)
        except DjangoValidationError as error:
            raise _refused(error) from error
        return Response(PlanWorkflowSerializer(adopted).data)


class RegistrationView(WorkflowView):
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(
        summary=_("Record the registration of a programme"),
        description=_(
            "Records that an approved comprehensive recovery programme was entered in the Construction Activity "
            "Register (ЄДЕССБ): its number there and the date."
        ),
        parameters=[PLAN_ID],
        request=RegistrationRequestSerializer,
        examples=[
            OpenApiExample(
                "Registered",
                value={"register_reference": "RB01:1234-5678-9012", "registered_on": "2026-04-20", "version": 12},
                request_only=True,
            )
        ],
        responses={
            200: PlanWorkflowSerializer,
            400: REFUSED,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def post(self, request: Request, plan_pk: int) -> Response:
        plan = self.plan(request, plan_pk)
        user = self.acting_user(request)
        body = RegistrationRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            registered = services.plan_register(
                acting_user=user,
                plan=plan,
                expected_version=body.validated_data["version"],
                register_reference=body.validated_data["register_reference"],
                registered_on=body.validated_data["registered_on"],
            )
        except EditConflict:
            return _stale_plan(plan)
        except DjangoValidationError as error:
            raise _refused(error) from error
        return Response(PlanWorkflowSerializer(registered).data)


class AmendmentsView(WorkflowView):
    @extend_schema(
        summary=_("Start an amendment"),
        description=_(
            "Starts a new version of an adopted plan as a copy of the adopted one (sections, tables, goal tree, "
            "principles checklist). The adopted version stays public and final until the new one is adopted."
        ),
        parameters=[PLAN_ID],
        request=AmendmentRequestSerializer,
        examples=[
            OpenApiExample(
                "New projects",
                value={"reason": "Нові проєктні ідеї після оцінки потреб", "version": 14},
                request_only=True,
            )
        ],
        responses={
            201: AmendmentResultSerializer,
            400: REFUSED,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def post(self, request: Request, plan_pk: int) -> Response:
        plan = self.plan(request, plan_pk)
        user = self.acting_user(request)
        body = AmendmentRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            version = services.amendment_start(
                acting_user=user,
                plan=plan,
                expected_version=body.validated_data["version"],
                reason=body.validated_data["reason"],
            )
        except EditConflict:
            return _stale_plan(plan)
        except DjangoValidationError as error:
            raise _refused(error) from error
        return Response(AmendmentResultSerializer(version).data, status=status.HTTP_201_CREATED)


urlpatterns: list[URLPattern] = [
    path("plans/<int:plan_pk>/transitions/", TransitionsView.as_view(), name="plan-transitions"),
    path("plans/<int:plan_pk>/principles/", PrinciplesView.as_view(), name="plan-principles"),
    path("plans/<int:plan_pk>/principles/<slug:code>/", PrincipleView.as_view(), name="plan-principle"),
    path("plans/<int:plan_pk>/adoption/", AdoptionView.as_view(), name="plan-adoption"),
    path("plans/<int:plan_pk>/registration/", RegistrationView.as_view(), name="plan-registration"),
    path("plans/<int:plan_pk>/amendments/", AmendmentsView.as_view(), name="plan-amendments"),
]
