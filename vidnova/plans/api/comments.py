"""REST API for review comments on plan sections, with the same rules as the pages: comments are
internal (404 for outsiders and anonymous callers, even on adopted plans), hromada viewers read them
and get 403 on writes; coordinators, partner experts and the hromada's editors start, answer, resolve
and reopen threads. Reads go through the comment selectors, writes through the comment services.

Every route acts on one object, so access is decided per object (``AccessPolicy`` and
``access_requirements``): on the plan for the thread list and for starting a thread, on the thread
for the rest.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error

from vidnova.accounts.access import Action
from vidnova.accounts.models import User
from vidnova.api.pagination import Pagination
from vidnova.api.permissions import AccessPolicy, Requirement
from vidnova.api.serializers import VALIDATION_ERROR_SCHEMA, ErrorSerializer
from vidnova.plans import selectors
from vidnova.plans.models import Comment, CommentThread, Plan, PlanVersion, Section, SectionCode
from vidnova.plans.selectors import comments as comment_selectors
from vidnova.plans.selectors.comments import ThreadStatus
from vidnova.plans.services import comments as services

# --- serializers ---------------------------------------------------------------------------------


class CommentSerializer(serializers.ModelSerializer[Comment]):
    author: serializers.StringRelatedField[User] = serializers.StringRelatedField(
        read_only=True, help_text=_("Name (or email address) of the author; null if the account was deleted.")
    )

    class Meta:
        model = Comment
        fields = ["id", "author", "body", "created_at"]
        extra_kwargs = {
            "body": {"help_text": _("The comment as plain text (not HTML); line breaks are kept.")},
            "created_at": {"help_text": _("When the comment was posted.")},
        }


class CommentThreadSerializer(serializers.ModelSerializer[CommentThread]):
    section = serializers.CharField(
        source="section.code", read_only=True, help_text=_("Code of the section the thread is about.")
    )
    section_title = serializers.CharField(
        source="section.get_code_display", read_only=True, help_text=_("Title of the section.")
    )
    version = serializers.IntegerField(
        source="section.plan_version.number", read_only=True, help_text=_("Number of the plan version.")
    )
    status = serializers.SerializerMethodField(help_text=_("“open” or “resolved”."))
    created_by: serializers.StringRelatedField[User] = serializers.StringRelatedField(
        read_only=True, help_text=_("Who started the thread.")
    )
    resolved_by: serializers.StringRelatedField[User] = serializers.StringRelatedField(
        read_only=True, help_text=_("Who resolved the thread; null while it is open.")
    )
    comments = CommentSerializer(many=True, read_only=True, help_text=_("The comments, oldest first."))

    class Meta:
        model = CommentThread
        fields = [
            "id",
            "section",
            "section_title",
            "version",
            "quote",
            "status",
            "created_by",
            "created_at",
            "resolved_by",
            "resolved_at",
            "comments",
        ]
        extra_kwargs = {
            "quote": {"help_text": _("The passage of the section the thread is about; empty if none.")},
            "created_at": {"help_text": _("When the thread was started.")},
            "resolved_at": {"help_text": _("When the thread was resolved; null while it is open.")},
        }

    def get_status(self, thread: CommentThread) -> str:
        return ThreadStatus.OPEN.value if thread.is_open else ThreadStatus.RESOLVED.value


class ThreadQuerySerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(
        choices=[ThreadStatus.OPEN.value, ThreadStatus.RESOLVED.value, ThreadStatus.ALL.value],
        default=ThreadStatus.ALL.value,
        help_text=_("Only open or only resolved threads; all by default."),
    )
    section = serializers.ChoiceField(
        choices=SectionCode.values, required=False, help_text=_("Only the threads on this section.")
    )
    version = serializers.IntegerField(
        min_value=1, required=False, help_text=_("Number of the plan version; the current one by default.")
    )


class ThreadCreateSerializer(serializers.Serializer[Any]):
    section = serializers.ChoiceField(
        choices=SectionCode.values, help_text=_("Code of the section of the current version to comment on.")
    )
    body = serializers.CharField(
        trim_whitespace=False,
        allow_blank=True,
        help_text=_("The comment as plain text, at most 10,000 characters."),
    )
    quote = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        trim_whitespace=False,
        help_text=_("Optional: a passage of the section's current text, at most 500 characters."),
    )


class ReplySerializer(serializers.Serializer[Any]):
    body = serializers.CharField(
        trim_whitespace=False, allow_blank=True, help_text=_("The reply as plain text, at most 10,000 characters.")
    )


# --- views ---------------------------------------------------------------------------------------

PLAN_ID = OpenApiParameter("plan_pk", int, OpenApiParameter.PATH, description=_("Id of the plan."))
THREAD_ID = OpenApiParameter("thread_pk", int, OpenApiParameter.PATH, description=_("Id of the comment thread."))
UNAUTHENTICATED = OpenApiResponse(ErrorSerializer, description=_("No valid token or session."))
FORBIDDEN = OpenApiResponse(ErrorSerializer, description=_("You may read these comments but not write them."))
NOT_FOUND = OpenApiResponse(ErrorSerializer, description=_("No such plan or thread, or you may not see it."))
REFUSED = OpenApiResponse(VALIDATION_ERROR_SCHEMA, description=_("Refused; the message says why."))


def _validation_error(error: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(as_serializer_error(error))


class CommentThreadViewSet(viewsets.GenericViewSet[CommentThread]):
    permission_classes = [AccessPolicy]
    renderer_classes = [JSONRenderer]
    pagination_class = Pagination
    serializer_class = CommentThreadSerializer
    access_requirements = {
        "list": Requirement(Action.VIEW_PRIVATE, visible_with=Action.VIEW_PRIVATE),
        "create": Requirement(Action.COMMENT, visible_with=Action.VIEW_PRIVATE),
        "retrieve": Requirement(Action.VIEW),
        "reply": Requirement(Action.COMMENT),
        "resolve": Requirement(Action.COMMENT),
        "reopen": Requirement(Action.COMMENT),
    }

    def get_plan(self) -> Plan:
        """The plan of the URL, checked against the action's requirement (404 / 403)."""
        plan = (
            Plan.objects.select_related("hromada", "programme", "public_version")
            .filter(pk=self.kwargs["plan_pk"])
            .first()
        )
        if plan is None:
            raise NotFound(_("No plan with this id."))
        self.check_object_permissions(self.request, plan)
        return plan

    def get_queryset(self) -> QuerySet[CommentThread]:
        return comment_selectors.thread_detail(int(self.kwargs["thread_pk"])).filter(
            section__plan_version__plan_id=self.kwargs["plan_pk"]
        )

    def get_object(self) -> CommentThread:
        thread = self.get_queryset().first()
        if thread is None:
            raise NotFound(_("No comment thread with this id on this plan."))
        self.check_object_permissions(self.request, thread)
        return thread

    def _version(self, plan: Plan, number: int | None) -> PlanVersion:
        if number is None:
            return selectors.current_version(plan)
        version = PlanVersion.objects.filter(plan=plan, number=number).first()
        if version is None:
            raise NotFound(_("This plan has no version with this number."))
        return version

    def _thread_data(self, thread: CommentThread) -> dict[str, Any]:
        fresh = comment_selectors.thread_detail(thread.pk).get()
        return dict(CommentThreadSerializer(fresh).data)

    @extend_schema(
        summary=_("List the comment threads of a plan"),
        description=_(
            "The review threads on the sections of the plan's current version (or of ?version=N), in "
            "document order, open threads first within each section, each with its comments. Insiders only: "
            "programme staff, the hromada's members and the programme's partner experts."
        ),
        parameters=[PLAN_ID, ThreadQuerySerializer],
        responses={
            200: CommentThreadSerializer(many=True),
            400: OpenApiResponse(VALIDATION_ERROR_SCHEMA, description=_("A query parameter is not valid.")),
            404: NOT_FOUND,
        },
    )
    def list(self, request: Request, plan_pk: int) -> Response:
        plan = self.get_plan()
        query = ThreadQuerySerializer(data={key: value for key, value in request.query_params.items() if value})
        query.is_valid(raise_exception=True)
        version = self._version(plan, query.validated_data.get("version"))
        threads = comment_selectors.version_threads(
            version, status=query.validated_data["status"], section_code=query.validated_data.get("section", "")
        )
        page = self.paginate_queryset(threads)
        return self.get_paginated_response(CommentThreadSerializer(page, many=True).data)

    @extend_schema(
        summary=_("Start a comment thread on a section"),
        description=_(
            "Starts a thread on a section of the plan's current version with its first comment, optionally "
            "quoting a passage of the section. Refused on an adopted version: comment on the current draft. "
            "The hromada's editors are told by email when a coordinator or partner expert starts a thread."
        ),
        parameters=[PLAN_ID],
        request=ThreadCreateSerializer,
        examples=[
            OpenApiExample(
                "A comment with a quote",
                value={
                    "section": "needs",
                    "quote": "needs of displaced people",
                    "body": "Please add the figures from the 2024 survey.",
                },
                request_only=True,
            )
        ],
        responses={
            201: CommentThreadSerializer,
            400: REFUSED,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def create(self, request: Request, plan_pk: int) -> Response:
        plan = self.get_plan()
        body = ThreadCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        version = selectors.current_version(plan)
        section = Section.objects.get(plan_version=version, code=body.validated_data["section"])
        try:
            thread = services.thread_start(
                acting_user=request.user,
                section=section,
                body=body.validated_data["body"],
                quote=body.validated_data["quote"],
            )
        except DjangoValidationError as error:
            raise _validation_error(error) from error
        return Response(self._thread_data(thread), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Get one comment thread"),
        parameters=[PLAN_ID, THREAD_ID],
        responses={200: CommentThreadSerializer, 404: NOT_FOUND},
    )
    def retrieve(self, request: Request, plan_pk: int, thread_pk: int) -> Response:
        return Response(CommentThreadSerializer(self.get_object()).data)

    @extend_schema(
        summary=_("Reply in a comment thread"),
        description=_(
            "Adds a reply to an open thread and returns the whole thread. A resolved thread must be reopened "
            "first. The thread's other participants are told by email."
        ),
        parameters=[PLAN_ID, THREAD_ID],
        request=ReplySerializer,
        responses={
            201: CommentThreadSerializer,
            400: REFUSED,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def reply(self, request: Request, plan_pk: int, thread_pk: int) -> Response:
        thread = self.get_object()
        body = ReplySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            services.comment_reply(acting_user=request.user, thread=thread, body=body.validated_data["body"])
        except DjangoValidationError as error:
            raise _validation_error(error) from error
        return Response(self._thread_data(thread), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Resolve a comment thread"),
        description=_("Marks an open thread as resolved; its participants are told by email."),
        parameters=[PLAN_ID, THREAD_ID],
        request=None,
        responses={
            200: CommentThreadSerializer,
            400: REFUSED,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def resolve(self, request: Request, plan_pk: int, thread_pk: int) -> Response:
        thread = self.get_object()
        try:
            services.thread_resolve(acting_user=request.user, thread=thread)
        except DjangoValidationError as error:
            raise _validation_error(error) from error
        return Response(self._thread_data(thread))

    @extend_schema(
        summary=_("Reopen a comment thread"),
        description=_(
            "Opens a resolved thread again so the discussion can go on (not on an adopted version); its "
            "participants are told by email."
        ),
        parameters=[PLAN_ID, THREAD_ID],
        request=None,
        responses={
            200: CommentThreadSerializer,
            400: REFUSED,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def reopen(self, request: Request, plan_pk: int, thread_pk: int) -> Response:
        thread = self.get_object()
        try:
            services.thread_reopen(acting_user=request.user, thread=thread)
        except DjangoValidationError as error:
            raise _validation_error(error) from error
        return Response(self._thread_data(thread))


# Every route acts on one object (the plan or the thread): ``detail=True`` makes AccessPolicy decide
# per object instead of platform-wide.
_threads = CommentThreadViewSet.as_view({"get": "list", "post": "create"}, detail=True)
_thread = CommentThreadViewSet.as_view({"get": "retrieve"}, detail=True)
_replies = CommentThreadViewSet.as_view({"post": "reply"}, detail=True)
_resolve = CommentThreadViewSet.as_view({"post": "resolve"}, detail=True)
_reopen = CommentThreadViewSet.as_view({"post": "reopen"}, detail=True)

urlpatterns: list[URLPattern] = [
    path("plans/<int:plan_pk>/comments/", _threads, name="plan-comment-list"),
    path("plans/<int:plan_pk>/comments/<int:thread_pk>/", _thread, name="plan-comment-detail"),
    path("plans/<int:plan_pk>/comments/<int:thread_pk>/replies/", _replies, name="plan-comment-replies"),
    path("plans/<int:plan_pk>/comments/<int:thread_pk>/resolve/", _resolve, name="plan-comment-resolve"),
    path("plans/<int:plan_pk>/comments/<int:thread_pk>/reopen/", _reopen, name="plan-comment-reopen"),
]
