"""REST API for the goal tree of a plan version, and the classification code lists it is tagged with.

The tree of an adopted version is public, like the plan's public page; the tree of a version being
worked on is for insiders only (404 for everyone else). Programme staff and the hromada's editors
change it; hromada viewers and partner experts get 403 on writes, and an adopted version refuses
every write with 403. Reads go through ``selectors.goals``, writes through ``services.goals``.
"""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import URLPattern, path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import NotAuthenticated, NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error

from vidnova import classifications
from vidnova.accounts.access import Action
from vidnova.accounts.models import User
from vidnova.api.permissions import READ, AccessPolicy, Requirement
from vidnova.api.serializers import VALIDATION_ERROR_SCHEMA, ErrorSerializer
from vidnova.core.exceptions import EditConflict
from vidnova.plans.models import GoalLevel, GoalNode, PlanVersion
from vidnova.plans.selectors.goals import TreeNode, find, goal_tree
from vidnova.plans.services import goals as services

# --- serializers ---------------------------------------------------------------------------------


class TagSerializer(serializers.Serializer[Any]):
    scheme = serializers.CharField(help_text=_("Code list: sdg_target, acquis_chapter or charter_article."))
    code = serializers.CharField(help_text=_("The code, for example 11.3, 22 or 4."))
    short = serializers.CharField(help_text=_("How the tag is written on a chip, for example “SDG 11.3”."))
    # "label" and "parent" shadow attributes of Field only in the type stubs; DRF collects them as fields.
    label = serializers.CharField(help_text=_("The title of the code in the language of the request."))  # type: ignore[assignment]


def _codes_field(help_text: Any, source: str) -> serializers.ListField:
    return serializers.ListField(child=serializers.CharField(max_length=10), source=source, help_text=help_text)


SDG_HELP = _('SDG target codes, for example ["11.3", "11.b"]; see /api/v1/classifications/sdg-targets/.')
ACQUIS_HELP = _('EU acquis chapter numbers, for example ["22"]; see /api/v1/classifications/acquis-chapters/.')
CHARTER_HELP = _(
    "Articles of the European Charter of Local Self-Government (2–11) and P1 for Article 1 of its "
    "Additional Protocol; see /api/v1/classifications/charter-articles/."
)


class GoalNodeSerializer(serializers.Serializer[TreeNode]):
    """One item with its number, tags and (recursively) the items under it."""

    id = serializers.IntegerField(source="node.pk", help_text=_("Id of the item."))
    code = serializers.CharField(help_text=_("Its number in the tree (1, 1.1, 1.1.1); empty for the vision."))
    level = serializers.ChoiceField(choices=GoalLevel.choices, source="node.level", help_text=_("Level in the tree."))
    level_label = serializers.CharField(help_text=_("The level's name in the language of the request."))
    parent = serializers.IntegerField(  # type: ignore[assignment]
        source="node.parent_id", allow_null=True, help_text=_("Id of the item above; null at the top.")
    )
    position = serializers.IntegerField(source="node.position", help_text=_("Place among its siblings, from 1."))
    text_uk = serializers.CharField(source="node.text_uk", help_text=_("Text in Ukrainian."))
    text_en = serializers.CharField(source="node.text_en", help_text=_("Text in English; may be empty."))
    sdg_targets = _codes_field(SDG_HELP, "node.sdg_targets")
    acquis_chapters = _codes_field(ACQUIS_HELP, "node.acquis_chapters")
    charter_articles = _codes_field(CHARTER_HELP, "node.charter_articles")
    tags = TagSerializer(many=True, help_text=_("All tags with their labels, in code-list order."))
    version = serializers.IntegerField(
        source="node.version", help_text=_("Edit counter of the item: send it back with a change (PATCH).")
    )


# The children are items too (a recursive component in the schema).
GoalNodeSerializer._declared_fields["children"] = GoalNodeSerializer(
    many=True, read_only=True, help_text=_("The items under this one, in order.")
)


class GoalCreateSerializer(serializers.Serializer[Any]):
    parent = serializers.IntegerField(  # type: ignore[assignment]
        required=False, allow_null=True, default=None, help_text=_("Id of the item above; null or absent for the top.")
    )
    level = serializers.ChoiceField(choices=GoalLevel.choices, help_text=_("Level of the new item."))
    text_uk = serializers.CharField(
        allow_blank=True, trim_whitespace=False, help_text=_("Text in Ukrainian (required).")
    )
    text_en = serializers.CharField(
        required=False, allow_blank=True, default="", trim_whitespace=False, help_text=_("Text in English.")
    )
    sdg_targets = serializers.ListField(
        child=serializers.CharField(max_length=10), required=False, default=list, help_text=SDG_HELP
    )
    acquis_chapters = serializers.ListField(
        child=serializers.CharField(max_length=10), required=False, default=list, help_text=ACQUIS_HELP
    )
    charter_articles = serializers.ListField(
        child=serializers.CharField(max_length=10), required=False, default=list, help_text=CHARTER_HELP
    )


class GoalUpdateSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(
        min_value=1, help_text=_("The item's edit counter as you read it; a newer one on the server gives 409.")
    )
    text_uk = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    text_en = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    sdg_targets = serializers.ListField(child=serializers.CharField(max_length=10), required=False, help_text=SDG_HELP)
    acquis_chapters = serializers.ListField(
        child=serializers.CharField(max_length=10), required=False, help_text=ACQUIS_HELP
    )
    charter_articles = serializers.ListField(
        child=serializers.CharField(max_length=10), required=False, help_text=CHARTER_HELP
    )


class GoalMoveSerializer(serializers.Serializer[Any]):
    direction = serializers.ChoiceField(choices=["up", "down"], help_text=_("Swap with the item before or after it."))


class GoalReorderSerializer(serializers.Serializer[Any]):
    parent = serializers.IntegerField(  # type: ignore[assignment]
        allow_null=True, help_text=_("Id of the item whose children to order; null for the top.")
    )
    ordered_ids = serializers.ListField(
        child=serializers.IntegerField(),
        help_text=_("The ids of all its children, each exactly once, in the new order."),
    )


class GoalConflictSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()
    current = GoalNodeSerializer(help_text=_("The item as it is saved now."))


class ClassificationCodeSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text=_("The code, as stored in tags."))
    short = serializers.CharField(help_text=_("How the code is written on a chip."))
    label = serializers.CharField(help_text=_("The title in the language of the request."))  # type: ignore[assignment]
    labels = serializers.DictField(
        child=serializers.CharField(), help_text=_("The title in Ukrainian (uk), English (en) and Dutch (nl).")
    )
    group = serializers.CharField(
        help_text=_("The goal of an SDG target, the cluster of an acquis chapter, charter or protocol for articles.")
    )
    description_en = serializers.CharField(
        help_text=_("The official full wording in English, where the title is a short name.")
    )


class ClassificationSchemeSerializer(serializers.Serializer[Any]):
    scheme = serializers.CharField(help_text=_("Name of the list in URLs."))
    name = serializers.CharField(help_text=_("Title of the list."))
    count = serializers.IntegerField(help_text=_("Number of codes."))
    url = serializers.CharField(help_text=_("Address of the list."))


# --- views ---------------------------------------------------------------------------------------

PLAN_ID = OpenApiParameter("plan_pk", int, OpenApiParameter.PATH, description=_("Id of the plan."))
VERSION_NUMBER = OpenApiParameter("number", int, OpenApiParameter.PATH, description=_("Number of the plan version."))
NODE_ID = OpenApiParameter("node_pk", int, OpenApiParameter.PATH, description=_("Id of the goal-tree item."))
UNAUTHENTICATED = OpenApiResponse(ErrorSerializer, description=_("No valid token or session."))
FORBIDDEN = OpenApiResponse(
    ErrorSerializer, description=_("You may read this goal tree but not change it (or the version is adopted).")
)
NOT_FOUND = OpenApiResponse(ErrorSerializer, description=_("No such plan, version or item, or you may not see it."))
REFUSED = OpenApiResponse(VALIDATION_ERROR_SCHEMA, description=_("Refused; the messages say why, by field."))
WRITE = Requirement(Action.EDIT, visible_with=Action.VIEW_PRIVATE)


def _validation_error(error: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(as_serializer_error(error))


class GoalTreeViewSet(viewsets.GenericViewSet[Any]):
    permission_classes = [AccessPolicy]
    renderer_classes = [JSONRenderer]
    pagination_class = None
    serializer_class = GoalNodeSerializer
    access_requirements = {
        "list": READ,
        "retrieve": READ,
        "create": WRITE,
        "partial_update": WRITE,
        "destroy": WRITE,
        "move": WRITE,
        "reorder": WRITE,
    }

    def get_queryset(self) -> Any:
        return GoalNode.objects.none()  # every route loads its objects itself (for the schema only)

    def get_version(self) -> PlanVersion:
        """The version of the URL, checked against the action's requirement (404 / 403)."""
        version = (
            PlanVersion.objects.select_related("plan", "plan__hromada", "plan__programme", "plan__public_version")
            .filter(plan_id=self.kwargs["plan_pk"], number=self.kwargs["number"])
            .first()
        )
        if version is None:
            raise NotFound(_("No plan version with this number."))
        self.check_object_permissions(self.request, version)
        return version

    def get_node(self, version: PlanVersion | None = None) -> GoalNode:
        if version is None:
            version = (
                PlanVersion.objects.select_related("plan", "plan__hromada", "plan__programme", "plan__public_version")
                .filter(plan_id=self.kwargs["plan_pk"], number=self.kwargs["number"])
                .first()
            )
        node = GoalNode.objects.filter(pk=self.kwargs["node_pk"], plan_version=version).first() if version else None
        if node is None or version is None:
            raise NotFound(_("No goal-tree item with this id in this version."))
        node.plan_version = version
        self.check_object_permissions(self.request, node)
        return node

    def _user(self, request: Request) -> User:
        if not isinstance(request.user, User):  # AccessPolicy lets only signed-in users write
            raise NotAuthenticated
        return request.user

    def _item(self, node: GoalNode) -> dict[str, Any]:
        item = find(goal_tree(node.plan_version), node.pk)
        if item is None:  # pragma: no cover - the node was just read
            raise NotFound
        return dict(GoalNodeSerializer(item).data)

    def _tree(self, version: PlanVersion) -> list[dict[str, Any]]:
        return list(GoalNodeSerializer(cast(Any, goal_tree(version)), many=True).data)

    @extend_schema(
        summary=_("The goal tree of a plan version"),
        description=_(
            "The whole tree, nested and numbered: normally the vision, with strategic goals, operational "
            "goals and tasks under it. Public for adopted versions; for insiders while being worked on."
        ),
        parameters=[PLAN_ID, VERSION_NUMBER],
        responses={200: GoalNodeSerializer(many=True), 404: NOT_FOUND},
    )
    def list(self, request: Request, plan_pk: int, number: int) -> Response:
        return Response(self._tree(self.get_version()))

    @extend_schema(
        summary=_("Add an item to the goal tree"),
        description=_(
            "Adds it at the end of its parent's items. Levels follow the hierarchy: the vision (one per "
            "version) and strategic goals at the top, strategic goals under the vision, operational goals "
            "under strategic goals, tasks under operational goals."
        ),
        parameters=[PLAN_ID, VERSION_NUMBER],
        request=GoalCreateSerializer,
        examples=[
            OpenApiExample(
                "An operational goal",
                value={
                    "parent": 12,
                    "level": "operational_goal",
                    "text_uk": "Облаштувати укриття в усіх школах громади",
                    "text_en": "Shelters in every school of the hromada",
                    "sdg_targets": ["4.a", "11.5"],
                    "acquis_chapters": ["26"],
                    "charter_articles": [],
                },
                request_only=True,
            )
        ],
        responses={201: GoalNodeSerializer, 400: REFUSED, 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def create(self, request: Request, plan_pk: int, number: int) -> Response:
        user = self._user(request)
        version = self.get_version()
        body = GoalCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        parent = None
        if data["parent"] is not None:
            parent = GoalNode.objects.filter(pk=data["parent"], plan_version=version).first()
            if parent is None:
                raise serializers.ValidationError({"parent": [gettext("No item with this id in this version.")]})
        try:
            node = services.goal_create(
                acting_user=user,
                version=version,
                parent=parent,
                level=data["level"],
                text_uk=data["text_uk"],
                text_en=data["text_en"],
                sdg_targets=data["sdg_targets"],
                acquis_chapters=data["acquis_chapters"],
                charter_articles=data["charter_articles"],
            )
        except DjangoValidationError as error:
            raise _validation_error(error) from error
        node.plan_version = version
        return Response(self._item(node), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("One item of the goal tree"),
        description=_("The item with its number, tags and the items under it."),
        parameters=[PLAN_ID, VERSION_NUMBER, NODE_ID],
        responses={200: GoalNodeSerializer, 404: NOT_FOUND},
    )
    def retrieve(self, request: Request, plan_pk: int, number: int, node_pk: int) -> Response:
        return Response(self._item(self.get_node()))

    @extend_schema(
        summary=_("Change the text or tags of an item"),
        description=_(
            "Send the item's version as you read it, and the fields to change; fields left out keep their "
            "value. If someone changed the item since, nothing is saved and the answer is 409 with the item "
            "as it is now. Lists of tags replace the old list."
        ),
        parameters=[PLAN_ID, VERSION_NUMBER, NODE_ID],
        request=GoalUpdateSerializer,
        responses={
            200: GoalNodeSerializer,
            400: REFUSED,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: OpenApiResponse(GoalConflictSerializer, description=_("Changed by someone else since you read it.")),
        },
    )
    def partial_update(self, request: Request, plan_pk: int, number: int, node_pk: int) -> Response:
        user = self._user(request)
        node = self.get_node()
        body = GoalUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            updated = services.goal_update(
                acting_user=user,
                node=node,
                expected_version=data["version"],
                text_uk=data.get("text_uk", node.text_uk),
                text_en=data.get("text_en", node.text_en),
                sdg_targets=data.get("sdg_targets", node.sdg_targets),
                acquis_chapters=data.get("acquis_chapters", node.acquis_chapters),
                charter_articles=data.get("charter_articles", node.charter_articles),
            )
        except EditConflict as conflict:
            current = GoalNode.objects.get(pk=node.pk)
            current.plan_version = node.plan_version
            message = gettext(
                "Someone changed this item after you read it (you sent version %(sent)s; it is at version "
                "%(current)s). Nothing was saved: read it again and send your changes with the new version."
            ) % {"sent": conflict.expected_version, "current": conflict.current_version}
            return Response({"detail": message, "current": self._item(current)}, status=status.HTTP_409_CONFLICT)
        except DjangoValidationError as error:
            raise _validation_error(error) from error
        updated.plan_version = node.plan_version
        return Response(self._item(updated))

    @extend_schema(
        summary=_("Delete an item"),
        description=_("Only an item with nothing under it can be deleted; the items after it move up."),
        parameters=[PLAN_ID, VERSION_NUMBER, NODE_ID],
        request=None,
        responses={204: None, 400: REFUSED, 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def destroy(self, request: Request, plan_pk: int, number: int, node_pk: int) -> Response:
        user = self._user(request)
        node = self.get_node()
        try:
            services.goal_delete(acting_user=user, node=node)
        except DjangoValidationError as error:
            raise _validation_error(error) from error
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary=_("Move an item up or down among its siblings"),
        parameters=[PLAN_ID, VERSION_NUMBER, NODE_ID],
        request=GoalMoveSerializer,
        responses={200: GoalNodeSerializer, 400: REFUSED, 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def move(self, request: Request, plan_pk: int, number: int, node_pk: int) -> Response:
        user = self._user(request)
        node = self.get_node()
        body = GoalMoveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            moved = services.goal_move(acting_user=user, node=node, direction=body.validated_data["direction"])
        except DjangoValidationError as error:
            raise _validation_error(error) from error
        moved.plan_version = node.plan_version
        return Response(self._item(moved))

    @extend_schema(
        summary=_("Put the items under one parent in a new order"),
        description=_(
            "ordered_ids must list every item directly under the parent exactly once; anything else is "
            "refused and nothing changes. Answers with the whole tree, numbered again."
        ),
        parameters=[PLAN_ID, VERSION_NUMBER],
        request=GoalReorderSerializer,
        responses={
            200: GoalNodeSerializer(many=True),
            400: REFUSED,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def reorder(self, request: Request, plan_pk: int, number: int) -> Response:
        user = self._user(request)
        version = self.get_version()
        body = GoalReorderSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        parent = None
        if data["parent"] is not None:
            parent = GoalNode.objects.filter(pk=data["parent"], plan_version=version).first()
            if parent is None:
                raise serializers.ValidationError({"parent": [gettext("No item with this id in this version.")]})
            parent.plan_version = version
        try:
            services.goal_reorder(acting_user=user, parent=parent, ordered_ids=data["ordered_ids"], version=version)
        except DjangoValidationError as error:
            raise _validation_error(error) from error
        return Response(self._tree(version))


class ClassificationViewSet(viewsets.GenericViewSet[Any]):
    """The code lists goal-tree items (and later projects) are tagged with: public reference data."""

    permission_classes = [AccessPolicy]
    renderer_classes = [JSONRenderer]
    pagination_class = None
    serializer_class = ClassificationCodeSerializer
    access_requirements = {"list": READ, "schemes": READ}

    def get_queryset(self) -> Any:
        return GoalNode.objects.none()  # not a model: the lists come from vidnova.classifications

    @extend_schema(
        summary=_("The classification code lists"),
        operation_id="classifications_schemes",
        description=_("SDG goals and targets, EU accession clusters and acquis chapters, Charter articles."),
        responses={200: ClassificationSchemeSerializer(many=True)},
    )
    def schemes(self, request: Request) -> Response:
        return Response(
            [
                {
                    "scheme": scheme.slug,
                    "name": str(scheme.name),
                    "count": len(scheme.load()),
                    "url": request.build_absolute_uri(f"{scheme.slug}/"),
                }
                for scheme in classifications.SCHEMES.values()
            ]
        )

    @extend_schema(
        summary=_("One classification code list"),
        operation_id="classifications_codes",
        description=_(
            "Every code of the list in its own order, with titles in Ukrainian, English and Dutch. SDG "
            "targets have an official title in English only; in Ukrainian and Dutch their title is the "
            "goal's name."
        ),
        parameters=[
            OpenApiParameter(
                "scheme",
                str,
                OpenApiParameter.PATH,
                enum=list(classifications.SCHEMES_BY_SLUG),
                description=_("Which list."),
            )
        ],
        responses={200: ClassificationCodeSerializer(many=True), 404: NOT_FOUND},
    )
    def list(self, request: Request, scheme: str) -> Response:
        found = classifications.SCHEMES_BY_SLUG.get(scheme)
        if found is None:
            raise NotFound(_("No code list with this name."))
        return Response(
            [
                {
                    "code": entry.code,
                    "short": entry.short,
                    "label": entry.label,
                    "labels": dict(entry.labels),
                    "group": entry.group,
                    "description_en": entry.description_en,
                }
                for entry in found.load()
            ]
        )


# The tree routes act on one object (the version or the item): ``detail=True`` makes AccessPolicy
# decide on that object, so outsiders get 404 and read-only members 403.
_tree = GoalTreeViewSet.as_view({"get": "list", "post": "create"}, detail=True)
_node = GoalTreeViewSet.as_view({"get": "retrieve", "patch": "partial_update", "delete": "destroy"}, detail=True)
_move = GoalTreeViewSet.as_view({"post": "move"}, detail=True)
_reorder = GoalTreeViewSet.as_view({"post": "reorder"}, detail=True)
_schemes = ClassificationViewSet.as_view({"get": "schemes"}, detail=False)
_scheme = ClassificationViewSet.as_view({"get": "list"}, detail=False)

GOALS = "plans/<int:plan_pk>/versions/<int:number>/goals/"

urlpatterns: list[URLPattern] = [
    path(GOALS, _tree, name="plan-goal-list"),
    path(f"{GOALS}reorder/", _reorder, name="plan-goal-reorder"),
    path(f"{GOALS}<int:node_pk>/", _node, name="plan-goal-detail"),
    path(f"{GOALS}<int:node_pk>/move/", _move, name="plan-goal-move"),
    path("classifications/", _schemes, name="classification-schemes"),
    path("classifications/<slug:scheme>/", _scheme, name="classification-list"),
]
