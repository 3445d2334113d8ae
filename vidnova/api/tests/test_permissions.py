"""AccessPolicy maps vidnova.accounts.access onto HTTP: invisible → 404, visible but not allowed → 403
(401 without credentials), undeclared writes refused. Tested with a small viewset over hromadas that
treats them as private (as a members list would), so the outsider and read-only cases both show."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate

from conftest import World
from vidnova.accounts.access import Action
from vidnova.api.permissions import AccessPolicy, Requirement
from vidnova.registry.models import Hromada


class _CodeSerializer(serializers.ModelSerializer[Hromada]):
    class Meta:
        model = Hromada
        fields = ["katottg"]


class PrivateHromadaViewSet(viewsets.ReadOnlyModelViewSet[Hromada]):
    queryset = Hromada.objects.all()
    serializer_class = _CodeSerializer
    lookup_field = "katottg"
    permission_classes = [AccessPolicy]
    access_requirements = {
        "list": Requirement(Action.MANAGE_SECURITY_STATUS),
        "retrieve": Requirement(Action.VIEW_PRIVATE, visible_with=Action.VIEW_PRIVATE),
        "edit": Requirement(Action.EDIT, visible_with=Action.VIEW_PRIVATE),
    }

    @action(detail=True, methods=["post"])
    def edit(self, request: Request, katottg: str) -> Response:
        self.get_object()
        return Response({"done": True})

    @action(detail=True, methods=["post"])
    def undeclared(self, request: Request, katottg: str) -> Response:
        self.get_object()
        return Response({"done": True})


def call(world: World, persona: str, method: str, name: str) -> int:
    user: Any = AnonymousUser() if persona == "anonymous" else getattr(world, persona)
    factory = APIRequestFactory()
    request = factory.post("/x/") if method == "post" else factory.get("/x/")
    if persona != "anonymous":
        force_authenticate(request, user=user)
    # As the router does: "detail" tells the viewset whether the action is on one object.
    if name == "list":
        response = PrivateHromadaViewSet.as_view({method: name}, detail=False)(request)
    else:
        response = PrivateHromadaViewSet.as_view({method: name}, detail=True)(request, katottg=world.hromada.katottg)
    return int(response.status_code)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("anonymous", 404), ("outsider", 404), ("expert", 404), ("viewer", 200), ("editor", 200), ("coordinator", 200)],
)
def test_private_read(world: World, persona: str, expected: int) -> None:
    assert call(world, persona, "get", "retrieve") == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("anonymous", 401), ("outsider", 404), ("viewer", 403), ("editor", 200), ("coordinator", 200)],
)
def test_write_on_a_private_record(world: World, persona: str, expected: int) -> None:
    assert call(world, persona, "post", "edit") == expected


@pytest.mark.parametrize("persona", ["editor", "coordinator", "admin"])
def test_undeclared_write_is_refused(world: World, persona: str) -> None:
    assert call(world, persona, "post", "undeclared") == 403


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("anonymous", 401), ("outsider", 403), ("viewer", 403), ("editor", 403), ("coordinator", 200), ("admin", 200)],
)
def test_action_without_an_object_uses_the_platform_rule(world: World, persona: str, expected: int) -> None:
    assert call(world, persona, "get", "list") == expected


class PublicHromadaViewSet(PrivateHromadaViewSet):
    access_requirements = {}


def test_reads_default_to_view(world: World) -> None:
    # Nothing declared: reads need Action.VIEW, which the registry grants everyone.
    request = APIRequestFactory().get("/x/")
    assert PublicHromadaViewSet.as_view({"get": "retrieve"})(request, katottg=world.hromada.katottg).status_code == 200
