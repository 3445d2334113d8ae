"""REST API, version 1: the public registry (hromadas, oblasts, raions, partner municipalities) and
the security status of hromadas. Thin views: validate input with a serializer, call a selector or a
service, serialize. Access is decided by vidnova.accounts.access through AccessPolicy."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers as drf_serializers
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotAuthenticated, NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from vidnova.accounts.access import Action
from vidnova.accounts.models import User
from vidnova.api import docs
from vidnova.api import selectors as api_selectors
from vidnova.api.pagination import Pagination
from vidnova.api.permissions import AccessPolicy, Requirement
from vidnova.api.serializers import (
    CBS_CODE_PATTERN,
    KATOTTG_PATTERN,
    VALIDATION_ERROR_SCHEMA,
    DutchMunicipalitySerializer,
    ErrorSerializer,
    HromadaDetailQuerySerializer,
    HromadaDetailSerializer,
    HromadaQuerySerializer,
    HromadaSerializer,
    MunicipalityQuerySerializer,
    OblastSerializer,
    RaionQuerySerializer,
    RaionSerializer,
    SecurityStatusPeriodSerializer,
    SecurityStatusSetSerializer,
)
from vidnova.registry import selectors, services
from vidnova.registry.models import DutchMunicipality, Hromada, Raion, TopLevelUnit
from vidnova.registry.selectors import HromadaFilter

M = TypeVar("M", bound=models.Model)
S = TypeVar("S", bound=drf_serializers.Serializer[Any])

BAD_REQUEST = OpenApiResponse(
    VALIDATION_ERROR_SCHEMA, description=_("A query parameter has a value that is not valid.")
)
NOT_FOUND = OpenApiResponse(ErrorSerializer, description=_("Nothing has this code."))


def _code_parameter(name: str, pattern: str, description: Any, example: str, example_name: str) -> OpenApiParameter:
    return OpenApiParameter(
        name,
        str,
        OpenApiParameter.PATH,
        description=description,
        pattern=pattern,
        examples=[OpenApiExample(example_name, value=example)],
    )


HROMADA_CODE = _code_parameter(
    "katottg", KATOTTG_PATTERN, _("KATOTTG code of the hromada."), "UA32080070000050759", "Buchanska"
)
OBLAST_CODE = _code_parameter(
    "katottg", KATOTTG_PATTERN, _("KATOTTG code of the oblast."), "UA32000000000030281", "Kyivska"
)
RAION_CODE = _code_parameter(
    "katottg", KATOTTG_PATTERN, _("KATOTTG code of the raion."), "UA32080000000084076", "Buchanskyi"
)
CBS_CODE = _code_parameter("cbs_code", CBS_CODE_PATTERN, _("CBS code of the municipality."), "GM0363", "Amsterdam")


def validated_query(request: Request, serializer_class: type[S]) -> S:
    """Validate the query string with ``serializer_class``; a bad value raises a 400 naming it.

    Empty parameters (``?type=``, as an HTML form sends them) count as absent.
    """
    data = {key: value for key, value in request.query_params.items() if value != ""}
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer


class RegistryViewSet(viewsets.ReadOnlyModelViewSet[M]):
    """Shared behaviour: access through AccessPolicy, pagination, and a 404 for unknown codes."""

    permission_classes = [AccessPolicy]
    pagination_class = Pagination
    # JSON only: DRF's browsable API needs inline script (refused by our CSP) and is far too heavy
    # for the page budget; the documentation page describes every endpoint instead.
    renderer_classes = [JSONRenderer]
    access_requirements: dict[str, Requirement] = {}
    not_found_message: Any = _("Nothing has this code.")

    def get_object(self) -> M:
        queryset = self.get_queryset()
        try:
            obj = queryset.get(**{self.lookup_field: self.kwargs[self.lookup_field]})
        except ObjectDoesNotExist:
            raise NotFound(self.not_found_message) from None
        self.check_object_permissions(self.request, obj)
        return obj


@extend_schema_view(
    list=extend_schema(
        summary=_("List hromadas"),
        description=_(
            "The territorial hromadas of Ukraine, filtered as on the registry page and sorted by name. "
            "Well-formed codes that match no unit give an empty list."
        ),
        parameters=[HromadaQuerySerializer],
        responses={200: HromadaSerializer(many=True), 400: BAD_REQUEST},
    ),
    retrieve=extend_schema(
        summary=_("Get one hromada"),
        description=_("A hromada with its former names and the history of its security status."),
        parameters=[HROMADA_CODE, HromadaDetailQuerySerializer],
        responses={200: HromadaDetailSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    ),
)
class HromadaViewSet(RegistryViewSet[Hromada]):
    lookup_field = "katottg"
    access_requirements = {"set_security_status": Requirement(Action.MANAGE_SECURITY_STATUS)}
    not_found_message = _("No hromada with this KATOTTG code.")

    def get_queryset(self) -> models.QuerySet[Hromada]:
        if self.action == "list":
            return selectors.hromadas(validated_query(self.request, HromadaQuerySerializer).to_filter())
        if self.action == "retrieve":
            query = validated_query(self.request, HromadaDetailQuerySerializer)
            return selectors.hromadas(HromadaFilter(as_of=query.validated_data.get("as_of")))
        return selectors.hromadas()

    def get_serializer_class(self) -> type[drf_serializers.BaseSerializer[Hromada]]:
        if self.action == "retrieve":
            return HromadaDetailSerializer
        return HromadaSerializer

    @extend_schema(
        summary=_("Security status history of a hromada"),
        description=_("All recorded security status periods of the hromada, newest first (not paginated)."),
        parameters=[HROMADA_CODE],
        responses={200: SecurityStatusPeriodSerializer(many=True), 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"], url_path="security-status", url_name="security-status", pagination_class=None)
    def security_status(self, request: Request, katottg: str) -> Response:
        hromada = self.get_object()
        periods = selectors.security_history(hromada)
        return Response(SecurityStatusPeriodSerializer(periods, many=True).data)

    @extend_schema(
        summary=_("Set the security status of a hromada"),
        description=_(
            "Starts a new security status period on starts_on and closes the period in force. "
            "Only programme administrators and coordinators may do this."
        ),
        parameters=[HROMADA_CODE],
        request=SecurityStatusSetSerializer,
        examples=[
            OpenApiExample(
                "Active hostilities",
                value={
                    "status": "active_hostilities",
                    "starts_on": "2025-03-01",
                    "source": "Order No. 376 of 28.02.2025, as amended",
                },
                request_only=True,
            )
        ],
        responses={
            201: SecurityStatusPeriodSerializer,
            400: OpenApiResponse(VALIDATION_ERROR_SCHEMA, description=_("The status could not be set; see why.")),
            401: OpenApiResponse(ErrorSerializer, description=_("No valid token or session.")),
            403: OpenApiResponse(ErrorSerializer, description=_("You may not set security statuses.")),
            404: NOT_FOUND,
        },
    )
    @security_status.mapping.post
    def set_security_status(self, request: Request, katottg: str) -> Response:
        if not isinstance(request.user, User):  # AccessPolicy lets only signed-in users write
            raise NotAuthenticated
        hromada = self.get_object()
        body = SecurityStatusSetSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            period = services.security_status_set(acting_user=request.user, hromada=hromada, **body.validated_data)
        except DjangoValidationError as error:
            raise drf_serializers.ValidationError(drf_serializers.as_serializer_error(error)) from error
        return Response(SecurityStatusPeriodSerializer(period).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary=_("List oblasts"),
        description=_(
            "The 27 top-level units: 24 oblasts, the Autonomous Republic of Crimea, and the cities of "
            "Kyiv and Sevastopol, with their numbers of raions and hromadas."
        ),
        responses={200: OblastSerializer(many=True)},
    ),
    retrieve=extend_schema(
        summary=_("Get one oblast"),
        parameters=[OBLAST_CODE],
        responses={200: OblastSerializer, 404: NOT_FOUND},
    ),
)
class OblastViewSet(RegistryViewSet[TopLevelUnit]):
    lookup_field = "katottg"
    serializer_class = OblastSerializer
    not_found_message = _("No oblast with this KATOTTG code.")

    def get_queryset(self) -> models.QuerySet[TopLevelUnit]:
        return api_selectors.oblasts()


@extend_schema_view(
    list=extend_schema(
        summary=_("List raions"),
        description=_("Raions, sorted by name, with their numbers of hromadas."),
        parameters=[RaionQuerySerializer],
        responses={200: RaionSerializer(many=True), 400: BAD_REQUEST},
    ),
    retrieve=extend_schema(
        summary=_("Get one raion"),
        parameters=[RAION_CODE],
        responses={200: RaionSerializer, 404: NOT_FOUND},
    ),
)
class RaionViewSet(RegistryViewSet[Raion]):
    lookup_field = "katottg"
    serializer_class = RaionSerializer
    not_found_message = _("No raion with this KATOTTG code.")

    def get_queryset(self) -> models.QuerySet[Raion]:
        if self.action == "list":
            query = validated_query(self.request, RaionQuerySerializer)
            return api_selectors.raions(oblast=query.validated_data.get("oblast", ""))
        return api_selectors.raions()


@extend_schema_view(
    list=extend_schema(
        summary=_("List partner municipalities"),
        description=_("Dutch municipalities that can be partners of hromadas, sorted by name."),
        parameters=[MunicipalityQuerySerializer],
        responses={200: DutchMunicipalitySerializer(many=True), 400: BAD_REQUEST},
    ),
    retrieve=extend_schema(
        summary=_("Get one partner municipality"),
        parameters=[CBS_CODE],
        responses={200: DutchMunicipalitySerializer, 404: NOT_FOUND},
    ),
)
class DutchMunicipalityViewSet(RegistryViewSet[DutchMunicipality]):
    lookup_field = "cbs_code"
    serializer_class = DutchMunicipalitySerializer
    not_found_message = _("No municipality with this CBS code.")

    def get_queryset(self) -> models.QuerySet[DutchMunicipality]:
        if self.action == "list":
            data = validated_query(self.request, MunicipalityQuerySerializer).validated_data
            return selectors.municipalities(data.get("q", ""), data.get("province", ""))
        return selectors.municipalities()


def api_docs(request: HttpRequest) -> HttpResponse:
    """The API documentation, rendered on the server from the OpenAPI schema."""
    return render(request, "api/docs.html", {"nav": "api", "api": docs.build(request)})
