"""REST API of the partnership taxonomy, expertise offers, partner contact persons, hromada needs and
partner search profiles:

* ``/api/v1/partnership-themes/`` — the shared theme taxonomy (public, read-only);
* ``/api/v1/partner-offers/`` — the offer catalogue (public) with places taken and left; create
  (the organisation's partner experts, programme staff), PATCH with ``version`` (409 on a conflict),
  ``POST …/{id}/status/`` to open, pause or withdraw;
* ``/api/v1/partner-contacts/`` — contact persons (insiders only), ``?organisation=`` filter, CRUD;
* ``/api/v1/partnership-needs/?programme=<slug>[&hromada=<katottg>]`` — the combined needs (derived from
  assessments and project ideas, and typed by hand) with their source and facts; POST creates a need
  typed by hand; ``/partnership-needs/{id}/`` reads and PATCHes one (``status`` closes or reopens it);
* ``/api/v1/partnership-profiles/{programme}/{katottg}/`` — a hromada's partner search profile in a
  programme: GET (the saved profile, or the defaults with ``saved: false``), PUT with ``version``.

Thin views: validate with a serializer, call the services, serialize. Access is decided by
vidnova.accounts.access through AccessPolicy and the services, as on the pages.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import Http404
from django.urls import URLPattern, path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from vidnova.accounts import access
from vidnova.accounts.access import Action
from vidnova.api.pagination import Pagination
from vidnova.api.permissions import AccessPolicy, Requirement
from vidnova.api.serializers import KATOTTG_ERROR, KATOTTG_PATTERN, VALIDATION_ERROR_SCHEMA, ErrorSerializer
from vidnova.assessments.api.rounds import NamedChoiceField
from vidnova.core.exceptions import EditConflict
from vidnova.partnerships.models import (
    WORKING_LANGUAGES,
    ExpertiseOffer,
    HromadaPartnerProfile,
    Need,
    NeedStatus,
    OfferMode,
    OfferStatus,
    PartnerContact,
    Theme,
)
from vidnova.partnerships.selectors.needs import SOURCES, HromadaNeed, needs_for, profile_of, programme_hromadas
from vidnova.partnerships.selectors.offers import (
    PARTNER_KINDS,
    field_name,
    offer_languages,
    visible_offers,
)
from vidnova.partnerships.services import contacts as contact_services
from vidnova.partnerships.services import needs as need_services
from vidnova.partnerships.services import offers as offer_services
from vidnova.programmes.models import Organisation, Programme
from vidnova.projects.api.projects import service_error, signed_in, validated
from vidnova.registry.models import Hromada

# --- shared responses ----------------------------------------------------------------------------

BAD_REQUEST = OpenApiResponse(VALIDATION_ERROR_SCHEMA, description=_("Something sent is not valid; see why, by field."))
UNAUTHORISED = OpenApiResponse(ErrorSerializer, description=_("No valid token or session."))
FORBIDDEN = OpenApiResponse(ErrorSerializer, description=_("You may see this but not change it."))
NOT_FOUND = OpenApiResponse(ErrorSerializer, description=_("Nothing that you may see has this identifier."))


class PartnerRecordConflictSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField(help_text=_("What happened, in the language of the request."))
    current_version = serializers.IntegerField(help_text=_("The version saved now; send it with your next change."))
    current = serializers.DictField(help_text=_("The record as saved now."))


CONFLICT = OpenApiResponse(
    PartnerRecordConflictSerializer,
    description=_("Someone else changed the record since you read it; nothing was saved."),
)


def _conflict(current: dict[str, Any], version: int) -> Response:
    body = {
        "detail": gettext(
            "Someone else changed this record since you read it. Nothing was saved; compare with the values saved "
            "now and send your change again with the current version."
        ),
        "current_version": version,
        "current": current,
    }
    return Response(body, status=status.HTTP_409_CONFLICT)


# --- themes --------------------------------------------------------------------------------------


class ThemeSerializer(serializers.ModelSerializer[Theme]):
    name = serializers.SerializerMethodField(help_text=_("Name in the language of the request."))
    field_name = serializers.SerializerMethodField(  # type: ignore[assignment]  # a field called field_name
        help_text=_("Name of the programme field the theme belongs to.")
    )

    class Meta:
        model = Theme
        fields = ["code", "field", "field_name", "name", "name_uk", "name_en", "name_nl", "dimensions"]
        read_only_fields = fields
        extra_kwargs = {
            "code": {"help_text": _("Code of the theme, used by offers, needs and partnerships.")},
            "field": {"help_text": _("The programme field: 1, 2 or 3.")},
            "name_uk": {"help_text": _("Name in Ukrainian.")},
            "name_en": {"help_text": _("Name in English.")},
            "name_nl": {"help_text": _("Name in Dutch.")},
            "dimensions": {"help_text": _("Assessment dimensions whose gaps the theme answers.")},
        }

    def get_name(self, theme: Theme) -> str:
        return theme.name

    def get_field_name(self, theme: Theme) -> str:
        return field_name(theme.field)


class ThemeViewSet(viewsets.GenericViewSet[Theme]):
    """/api/v1/partnership-themes/ and /api/v1/partnership-themes/{code}/."""

    queryset = Theme.objects.filter(is_active=True)
    serializer_class = ThemeSerializer
    permission_classes = [AccessPolicy]
    renderer_classes = [JSONRenderer]
    pagination_class = None
    lookup_field = "code"

    @extend_schema(
        summary=_("List partnership themes"),
        description=_("The one taxonomy shared by offers, needs and partnerships, by field. Public."),
        responses={200: ThemeSerializer(many=True)},
    )
    def list(self, request: Request) -> Response:
        return Response(ThemeSerializer(self.get_queryset(), many=True).data)

    @extend_schema(summary=_("Get a partnership theme"), responses={200: ThemeSerializer, 404: NOT_FOUND})
    def retrieve(self, request: Request, code: str) -> Response:
        return Response(ThemeSerializer(self.get_object()).data)


# --- offers --------------------------------------------------------------------------------------


class OrganisationRefSerializer(serializers.ModelSerializer[Organisation]):
    name = serializers.SerializerMethodField(help_text=_("Name in the language of the request."))

    class Meta:
        model = Organisation
        fields = ["id", "name", "kind", "country"]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": _("Identifier of the organisation.")},
            "kind": {"help_text": _("Kind of organisation.")},
            "country": {"help_text": _("Country (ISO 3166-1 alpha-2).")},
        }

    def get_name(self, organisation: Organisation) -> str:
        return organisation.name


class OfferSerializer(serializers.ModelSerializer[ExpertiseOffer]):
    status = NamedChoiceField(
        enum_name="PartnerOfferStatusEnum",
        choices=OfferStatus.choices,
        read_only=True,
        help_text=_("active (open), paused or withdrawn."),
    )
    organisation = OrganisationRefSerializer(read_only=True, help_text=_("The partner organisation."))
    themes = serializers.SerializerMethodField(help_text=_("Theme codes."))
    places_taken = serializers.SerializerMethodField(help_text=_("Partnerships on the offer that are not closed."))
    places_left = serializers.SerializerMethodField(help_text=_("Capacity minus places taken (never below 0)."))
    all_languages = serializers.SerializerMethodField(
        help_text=_("The offer's working languages together with those of the organisation's contact persons.")
    )

    class Meta:
        model = ExpertiseOffer
        fields = [
            "id",
            "organisation",
            "title",
            "description",
            "text_language",
            "themes",
            "modes",
            "capacity",
            "places_taken",
            "places_left",
            "languages",
            "all_languages",
            "available_from",
            "available_until",
            "status",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": _("Identifier of the offer.")},
            "title": {"help_text": _("Title, in the language of the text.")},
            "description": {"help_text": _("Description, in the language of the text.")},
            "text_language": {"help_text": _("The language the title and description are written in.")},
            "modes": {"help_text": _("Modes: peer_exchange, study_visit, remote_coaching, expert_mission, …")},
            "capacity": {"help_text": _("How many hromadas the offer serves at once.")},
            "languages": {"help_text": _("Working languages of the offer (ISO 639-1).")},
            "available_from": {"help_text": _("First day the offer is available.")},
            "available_until": {"help_text": _("Last day the offer is available; null when open-ended.")},
            "status": {"help_text": _("active (open), paused or withdrawn.")},
            "version": {"help_text": _("Edit counter; send it back with a change (conflicts give 409).")},
        }

    def _taken(self, offer: ExpertiseOffer) -> int:
        taken = getattr(offer, "taken", None)
        if taken is None:
            from vidnova.partnerships.selectors.offers import places_taken

            taken = places_taken([offer.pk])[offer.pk]
        return int(taken)

    def get_themes(self, offer: ExpertiseOffer) -> list[str]:
        return [theme.code for theme in offer.themes.all()]

    def get_places_taken(self, offer: ExpertiseOffer) -> int:
        return self._taken(offer)

    def get_places_left(self, offer: ExpertiseOffer) -> int:
        return max(offer.capacity - self._taken(offer), 0)

    def get_all_languages(self, offer: ExpertiseOffer) -> list[str]:
        languages: dict[int, frozenset[str]] = self.context.get("languages") or offer_languages([offer])
        return sorted(languages.get(offer.pk, frozenset()))


class OfferQuerySerializer(serializers.Serializer[Any]):
    theme = serializers.SlugField(required=False, help_text=_("Only offers with this theme code."))
    field = NamedChoiceField(
        enum_name="PartnerThemeFieldEnum", choices=[1, 2, 3], required=False, help_text=_("Only offers in this field.")
    )
    mode = NamedChoiceField(
        enum_name="PartnerOfferModeEnum",
        choices=OfferMode.choices,
        required=False,
        help_text=_("Only offers with this mode."),
    )
    language = NamedChoiceField(
        enum_name="PartnerLanguageEnum",
        choices=WORKING_LANGUAGES,
        required=False,
        help_text=_("Offers whose team (or contact persons) speak it."),
    )
    country = serializers.RegexField(
        r"^[A-Za-z]{2}$", required=False, help_text=_("Country of the organisation (ISO 3166-1 alpha-2).")
    )
    organisation = serializers.IntegerField(required=False, min_value=1, help_text=_("Identifier of the organisation."))
    status = NamedChoiceField(
        enum_name="PartnerOfferStatusFilterEnum",
        choices=[*OfferStatus.values, "all"],
        required=False,
        help_text=_("Only offers with this status; “all” includes withdrawn ones. Default: active and paused."),
    )
    open = serializers.BooleanField(
        required=False, default=None, allow_null=True, help_text=_("true: only offers open for new hromadas today.")
    )


class OfferWriteSerializer(serializers.Serializer[Any]):
    """The fields of an offer as sent; the offer services check the rules (400 naming the field)."""

    title = serializers.CharField(required=False, allow_blank=True, help_text=_("Title (required on creation)."))
    description = serializers.CharField(required=False, allow_blank=True, help_text=_("Description."))
    text_language = serializers.CharField(required=False, help_text=_("Language of the text (ISO 639-1)."))
    themes = serializers.ListField(
        child=serializers.CharField(), required=False, help_text=_("Theme codes, at least one.")
    )
    modes = serializers.ListField(
        child=serializers.CharField(), required=False, help_text=_("Modes (OfferMode values), at least one.")
    )
    capacity = serializers.IntegerField(required=False, help_text=_("Hromadas at once, 1 to 50."))
    languages = serializers.ListField(
        child=serializers.CharField(), required=False, help_text=_("Working languages (ISO 639-1).")
    )
    available_from = serializers.DateField(required=False, help_text=_("First day available (default today)."))
    available_until = serializers.DateField(
        required=False, allow_null=True, help_text=_("Last day available; null when open-ended.")
    )
    status = NamedChoiceField(
        enum_name="PartnerOfferStatusEnum", choices=OfferStatus.choices, required=False, help_text=_("Status.")
    )


class OfferCreateSerializer(OfferWriteSerializer):
    organisation = serializers.IntegerField(min_value=1, help_text=_("Identifier of the partner organisation."))


class OfferUpdateSerializer(OfferWriteSerializer):
    version = serializers.IntegerField(
        min_value=1, help_text=_("The offer's version as you read it; a newer one on the server gives 409.")
    )


class OfferStatusSerializer(serializers.Serializer[Any]):
    status = NamedChoiceField(
        enum_name="PartnerOfferStatusEnum", choices=OfferStatus.choices, help_text=_("active, paused or withdrawn.")
    )
    version = serializers.IntegerField(
        min_value=1, required=False, help_text=_("The version as you read it (optional; 409 when newer).")
    )


OFFER_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description=_("Identifier of the offer."))


class OfferViewSet(viewsets.GenericViewSet[ExpertiseOffer]):
    """/api/v1/partner-offers/, /api/v1/partner-offers/{id}/ and …/{id}/status/."""

    queryset = ExpertiseOffer.objects.none()
    serializer_class = OfferSerializer
    pagination_class = Pagination
    permission_classes = [AccessPolicy]
    renderer_classes = [JSONRenderer]
    access_requirements = {
        # Creation: anyone may try (401 without credentials); the organisation in the body decides (403).
        "create": Requirement(Action.VIEW),
        "partial_update": Requirement(Action.EDIT),
        "set_status": Requirement(Action.EDIT),
    }

    def get_queryset(self) -> models.QuerySet[ExpertiseOffer]:
        return ExpertiseOffer.objects.select_related("organisation").prefetch_related("themes")

    def _offer(self, pk: int) -> ExpertiseOffer:
        offer = self.get_queryset().filter(pk=pk).first()
        if offer is None:
            raise Http404
        self.check_object_permissions(self.request, offer)
        return offer

    def _body(self, offer: ExpertiseOffer) -> dict[str, Any]:
        fresh = self.get_queryset().get(pk=offer.pk)
        return dict(OfferSerializer(fresh).data)

    @extend_schema(
        summary=_("List expertise offers"),
        description=_(
            "The public catalogue of expertise offers, with places taken and left. Withdrawn offers are left out "
            "unless status=withdrawn or status=all."
        ),
        parameters=[OfferQuerySerializer],
        responses={200: OfferSerializer(many=True), 400: BAD_REQUEST},
    )
    def list(self, request: Request) -> Response:
        query = validated(OfferQuerySerializer, {k: v for k, v in request.query_params.items() if v != ""})
        offers = visible_offers(request.user, query)
        page = self.paginate_queryset(offers)
        rows = list(page) if page is not None else list(offers)
        context = {"languages": offer_languages(rows)}
        return self.get_paginated_response(OfferSerializer(rows, many=True, context=context).data)

    @extend_schema(
        summary=_("Get an expertise offer"), parameters=[OFFER_ID], responses={200: OfferSerializer, 404: NOT_FOUND}
    )
    def retrieve(self, request: Request, pk: int) -> Response:
        return Response(OfferSerializer(self._offer(pk)).data)

    @extend_schema(
        summary=_("Create an expertise offer"),
        description=_(
            "Adds an offer of a partner organisation. Its partner experts and programme staff only (403 for "
            "others). Refused with 400 naming the field: no theme, no mode, capacity outside 1–50, an end before "
            "the start, unknown codes, or an organisation that does not lend expertise."
        ),
        request=OfferCreateSerializer,
        examples=[
            OpenApiExample(
                "Crisis planning",
                value={
                    "organisation": 12,
                    "title": "Crisis planning coaching",
                    "themes": ["crisis-planning"],
                    "modes": ["remote_coaching", "study_visit"],
                    "capacity": 3,
                    "languages": ["en", "nl"],
                    "available_from": "2026-09-01",
                },
                request_only=True,
            )
        ],
        responses={201: OfferSerializer, 400: BAD_REQUEST, 401: UNAUTHORISED, 403: FORBIDDEN},
    )
    def create(self, request: Request) -> Response:
        user = signed_in(request)
        data = validated(OfferCreateSerializer, request.data)
        organisation = Organisation.objects.filter(pk=data.pop("organisation")).first()
        if organisation is None:
            raise serializers.ValidationError({"organisation": [gettext("No organisation has this identifier.")]})
        try:
            offer = offer_services.offer_create(acting_user=user, organisation=organisation, data=data)
        except DjangoValidationError as error:
            raise service_error(error) from error
        return Response(self._body(offer), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Change an expertise offer"),
        description=_(
            "Changes the fields sent; the others keep their value. Send the version you read: if someone saved in "
            "between, nothing is saved and the answer is 409 with the offer as saved now."
        ),
        parameters=[OFFER_ID],
        request=OfferUpdateSerializer,
        examples=[OpenApiExample("More places", value={"version": 2, "capacity": 4}, request_only=True)],
        responses={
            200: OfferSerializer,
            400: BAD_REQUEST,
            401: UNAUTHORISED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def partial_update(self, request: Request, pk: int) -> Response:
        user = signed_in(request)
        offer = self._offer(pk)
        data = validated(OfferUpdateSerializer, request.data)
        expected = data.pop("version")
        try:
            offer_services.offer_update(acting_user=user, offer=offer, data=data, expected_version=expected)
        except EditConflict:
            current = self._offer(pk)
            return _conflict(self._body(current), current.version)
        except DjangoValidationError as error:
            raise service_error(error) from error
        return Response(self._body(offer))

    @extend_schema(
        summary=_("Open, pause or withdraw an expertise offer"),
        description=_("Paused and withdrawn offers are left out of new match runs; partnerships keep their places."),
        parameters=[OFFER_ID],
        request=OfferStatusSerializer,
        responses={
            200: OfferSerializer,
            400: BAD_REQUEST,
            401: UNAUTHORISED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["post"], url_path="status", url_name="status")
    def set_status(self, request: Request, pk: int) -> Response:
        user = signed_in(request)
        offer = self._offer(pk)
        data = validated(OfferStatusSerializer, request.data)
        try:
            offer_services.offer_set_status(
                acting_user=user, offer=offer, status=data["status"], expected_version=data.get("version")
            )
        except EditConflict:
            current = self._offer(pk)
            return _conflict(self._body(current), current.version)
        except DjangoValidationError as error:
            raise service_error(error) from error
        return Response(self._body(offer))


# --- contacts ------------------------------------------------------------------------------------


class ContactSerializer(serializers.ModelSerializer[PartnerContact]):
    class Meta:
        model = PartnerContact
        fields = [
            "id",
            "organisation",
            "full_name",
            "position",
            "email",
            "phone",
            "languages",
            "is_primary",
            "version",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": _("Identifier of the contact person.")},
            "organisation": {"help_text": _("Identifier of the partner organisation.")},
            "full_name": {"help_text": _("Full name.")},
            "position": {"help_text": _("Position in the organisation.")},
            "email": {"help_text": _("Email address.")},
            "phone": {"help_text": _("Phone number.")},
            "languages": {"help_text": _("Languages spoken (ISO 639-1).")},
            "is_primary": {"help_text": _("The organisation's main contact.")},
            "version": {"help_text": _("Edit counter; send it back with a change (conflicts give 409).")},
        }


class ContactWriteSerializer(serializers.Serializer[Any]):
    full_name = serializers.CharField(required=False, allow_blank=True, help_text=_("Full name (required)."))
    position = serializers.CharField(required=False, allow_blank=True, help_text=_("Position."))
    email = serializers.CharField(required=False, allow_blank=True, help_text=_("Email address."))
    phone = serializers.CharField(required=False, allow_blank=True, help_text=_("Phone number."))
    languages = serializers.ListField(
        child=serializers.CharField(), required=False, help_text=_("Languages spoken (ISO 639-1).")
    )
    is_primary = serializers.BooleanField(required=False, help_text=_("The organisation's main contact."))


class ContactCreateSerializer(ContactWriteSerializer):
    organisation = serializers.IntegerField(min_value=1, help_text=_("Identifier of the partner organisation."))


class ContactUpdateSerializer(ContactWriteSerializer):
    version = serializers.IntegerField(min_value=1, help_text=_("The version as you read it; 409 when newer."))


class ContactQuerySerializer(serializers.Serializer[Any]):
    organisation = serializers.IntegerField(required=False, min_value=1, help_text=_("Identifier of the organisation."))


CONTACT_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description=_("Identifier of the contact person."))
INSIDERS_ONLY = OpenApiResponse(
    ErrorSerializer,
    description=_("Contact persons are for programme staff, partner experts and hromada members only."),
)


class ContactViewSet(viewsets.GenericViewSet[PartnerContact]):
    """/api/v1/partner-contacts/ and /api/v1/partner-contacts/{id}/ (insiders only)."""

    queryset = PartnerContact.objects.none()
    serializer_class = ContactSerializer
    pagination_class = Pagination
    permission_classes = [AccessPolicy]
    renderer_classes = [JSONRenderer]
    access_requirements = {
        "create": Requirement(Action.VIEW),
        "partial_update": Requirement(Action.EDIT, visible_with=Action.VIEW_PRIVATE),
        "destroy": Requirement(Action.EDIT, visible_with=Action.VIEW_PRIVATE),
    }

    def get_queryset(self) -> models.QuerySet[PartnerContact]:
        return PartnerContact.objects.select_related("organisation")

    def _contact(self, pk: int) -> PartnerContact:
        contact = self.get_queryset().filter(pk=pk).first()
        if contact is None:
            raise Http404
        self.check_object_permissions(self.request, contact)
        return contact

    @extend_schema(
        summary=_("List contact persons"),
        description=_("Contact persons of partner organisations, for the platform's insiders only."),
        parameters=[ContactQuerySerializer],
        responses={200: ContactSerializer(many=True), 400: BAD_REQUEST, 401: UNAUTHORISED, 403: INSIDERS_ONLY},
    )
    def list(self, request: Request) -> Response:
        user = signed_in(request)
        if not (user.is_superuser or access.roles_of(user).is_member_anywhere):
            raise PermissionDenied
        query = validated(ContactQuerySerializer, {k: v for k, v in request.query_params.items() if v != ""})
        contacts = self.get_queryset().filter(organisation__kind__in=PARTNER_KINDS)
        if query.get("organisation"):
            contacts = contacts.filter(organisation_id=query["organisation"])
        page = self.paginate_queryset(contacts)
        return self.get_paginated_response(ContactSerializer(page, many=True).data)

    @extend_schema(
        summary=_("Get a contact person"), parameters=[CONTACT_ID], responses={200: ContactSerializer, 404: NOT_FOUND}
    )
    def retrieve(self, request: Request, pk: int) -> Response:
        return Response(ContactSerializer(self._contact(pk)).data)

    @extend_schema(
        summary=_("Add a contact person"),
        description=_("The organisation's partner experts and programme staff only."),
        request=ContactCreateSerializer,
        responses={201: ContactSerializer, 400: BAD_REQUEST, 401: UNAUTHORISED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def create(self, request: Request) -> Response:
        user = signed_in(request)
        data = validated(ContactCreateSerializer, request.data)
        organisation = Organisation.objects.filter(pk=data.pop("organisation")).first()
        if organisation is None:
            raise serializers.ValidationError({"organisation": [gettext("No organisation has this identifier.")]})
        try:
            contact = contact_services.contact_create(acting_user=user, organisation=organisation, data=data)
        except DjangoValidationError as error:
            raise service_error(error) from error
        return Response(ContactSerializer(contact).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Change a contact person"),
        parameters=[CONTACT_ID],
        request=ContactUpdateSerializer,
        responses={
            200: ContactSerializer,
            400: BAD_REQUEST,
            401: UNAUTHORISED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def partial_update(self, request: Request, pk: int) -> Response:
        user = signed_in(request)
        contact = self._contact(pk)
        data = validated(ContactUpdateSerializer, request.data)
        expected = data.pop("version")
        try:
            contact = contact_services.contact_update(
                acting_user=user, contact=contact, data=data, expected_version=expected
            )
        except EditConflict:
            current = self._contact(pk)
            return _conflict(dict(ContactSerializer(current).data), current.version)
        except DjangoValidationError as error:
            raise service_error(error) from error
        return Response(ContactSerializer(contact).data)

    @extend_schema(
        summary=_("Remove a contact person"),
        parameters=[CONTACT_ID],
        responses={204: None, 401: UNAUTHORISED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def destroy(self, request: Request, pk: int) -> Response:
        user = signed_in(request)
        contact_services.contact_delete(acting_user=user, contact=self._contact(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- needs ---------------------------------------------------------------------------------------


class HromadaNeedSerializer(serializers.Serializer[Any]):
    hromada = serializers.CharField(help_text=_("KATOTTG code of the hromada."))
    theme = serializers.CharField(help_text=_("Theme code."))
    theme_name = serializers.CharField(help_text=_("Theme name in the language of the request."))
    field = serializers.IntegerField(help_text=_("The theme's field: 1, 2 or 3."))
    severity = serializers.FloatField(help_text=_("How strong the need is, from 0 to 1."))
    source = NamedChoiceField(
        enum_name="PartnerNeedSourceEnum",  # type: ignore[assignment]  # a field called source
        choices=SOURCES,
        help_text=_("assessment (weak dimension), project (idea seeking expertise) or manual."),
    )
    facts = serializers.DictField(
        help_text=_(
            "Where the need came from. assessment: dimension, dimension_label {uk, en, nl}, score, threshold, "
            "assessment_id, validated_on; project: project_id, project_code, project_title, dimension; manual: "
            "need_id, severity_level, description."
        )
    )
    need_id = serializers.IntegerField(allow_null=True, help_text=_("The need typed by hand (source manual)."))


def _need_row(hromada: Hromada, need: HromadaNeed) -> dict[str, Any]:
    return {
        "hromada": hromada.katottg,
        "theme": need.theme.code,
        "theme_name": need.theme.name,
        "field": need.theme.field,
        "severity": round(need.severity, 4),
        "source": need.source,
        "facts": need.facts,
        "need_id": need.need.pk if need.need is not None else None,
    }


class NeedSerializer(serializers.ModelSerializer[Need]):
    programme: serializers.SlugRelatedField[Programme] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, help_text=_("The programme.")
    )
    hromada: serializers.SlugRelatedField[Hromada] = serializers.SlugRelatedField(
        slug_field="katottg", read_only=True, help_text=_("The hromada.")
    )
    theme: serializers.SlugRelatedField[Theme] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text=_("Theme code.")
    )
    status = NamedChoiceField(
        enum_name="PartnerNeedStatusEnum",
        choices=NeedStatus.choices,
        read_only=True,
        help_text=_("open, addressed or withdrawn."),
    )
    severity = serializers.IntegerField(read_only=True, help_text=_("1 low, 2 medium, 3 high."))

    class Meta:
        model = Need
        fields = ["id", "programme", "hromada", "theme", "severity", "description", "status", "version", "updated_at"]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": _("Identifier of the need.")},
            "severity": {"help_text": _("1 low, 2 medium, 3 high.")},
            "description": {"help_text": _("What the hromada needs.")},
            "status": {"help_text": _("open, addressed or withdrawn.")},
            "version": {"help_text": _("Edit counter; send it back with a change (conflicts give 409).")},
        }


class NeedQuerySerializer(serializers.Serializer[Any]):
    programme = serializers.SlugField(help_text=_("Short name (slug) of the programme."))
    hromada = serializers.RegexField(
        KATOTTG_PATTERN,
        required=False,
        error_messages={"invalid": KATOTTG_ERROR},
        help_text=_("KATOTTG code of one hromada; without it, every hromada of the programme (staff and experts)."),
    )
    source = NamedChoiceField(
        enum_name="PartnerNeedSourceEnum",  # type: ignore[assignment]  # a field called source
        choices=SOURCES,
        required=False,
        help_text=_("Only needs from this source."),
    )


class NeedCreateSerializer(serializers.Serializer[Any]):
    programme = serializers.SlugField(help_text=_("Short name (slug) of the programme."))
    hromada = serializers.RegexField(
        KATOTTG_PATTERN, error_messages={"invalid": KATOTTG_ERROR}, help_text=_("KATOTTG code of the hromada.")
    )
    theme = serializers.CharField(help_text=_("Theme code."))
    severity = serializers.IntegerField(help_text=_("1 low, 2 medium, 3 high."))
    description = serializers.CharField(required=False, allow_blank=True, default="", help_text=_("Description."))


class NeedUpdateSerializer(serializers.Serializer[Any]):
    theme = serializers.CharField(required=False, help_text=_("Theme code."))
    severity = serializers.IntegerField(required=False, help_text=_("1 low, 2 medium, 3 high."))
    description = serializers.CharField(required=False, allow_blank=True, help_text=_("Description."))
    status = NamedChoiceField(
        enum_name="PartnerNeedStatusEnum",
        choices=NeedStatus.choices,
        required=False,
        help_text=_("addressed or withdrawn closes the need; open reopens."),
    )
    version = serializers.IntegerField(min_value=1, help_text=_("The version as you read it; 409 when newer."))


NEED_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description=_("Identifier of a need typed by hand."))


def _programme_or_400(slug: str) -> Programme:
    programme = Programme.objects.filter(slug=slug).first()
    if programme is None:
        raise serializers.ValidationError({"programme": [gettext("No programme has this short name.")]})
    return programme


class NeedViewSet(viewsets.GenericViewSet[Need]):
    """/api/v1/partnership-needs/ and /api/v1/partnership-needs/{id}/."""

    queryset = Need.objects.none()
    serializer_class = NeedSerializer
    pagination_class = Pagination
    permission_classes = [AccessPolicy]
    renderer_classes = [JSONRenderer]
    access_requirements = {
        "retrieve": Requirement(Action.VIEW, visible_with=Action.VIEW_PRIVATE),
        "create": Requirement(Action.VIEW),
        "partial_update": Requirement(Action.EDIT, visible_with=Action.VIEW_PRIVATE),
    }

    def get_queryset(self) -> models.QuerySet[Need]:
        return Need.objects.select_related("programme", "hromada", "theme")

    def _need(self, pk: int) -> Need:
        need = self.get_queryset().filter(pk=pk).first()
        if need is None:
            raise Http404
        self.check_object_permissions(self.request, need)
        return need

    @extend_schema(
        summary=_("List hromada needs"),
        description=_(
            "The needs for partner expertise of one hromada (hromada=…: staff, the hromada's members and the "
            "programme's partner experts) or of every hromada of the programme (staff and partner experts): "
            "derived from the latest validated assessment and from project ideas seeking partner expertise, and "
            "typed by hand, each with its source and facts. Strongest first per hromada."
        ),
        parameters=[NeedQuerySerializer],
        responses={200: HromadaNeedSerializer(many=True), 400: BAD_REQUEST, 404: NOT_FOUND},
    )
    def list(self, request: Request) -> Response:
        query = validated(NeedQuerySerializer, {k: v for k, v in request.query_params.items() if v != ""})
        programme = _programme_or_400(query["programme"])
        hromadas = programme_hromadas(programme)
        if query.get("hromada"):
            hromada = hromadas.filter(katottg=query["hromada"]).first()
            if hromada is None:
                raise Http404
            access.require(request.user, Action.VIEW, HromadaPartnerProfile(programme=programme, hromada=hromada))
            chosen = [hromada]
        else:
            access.require(request.user, Action.VIEW, HromadaPartnerProfile(programme=programme))
            chosen = list(hromadas)
        needs = needs_for(programme, chosen)
        rows = [
            _need_row(hromada, need)
            for hromada in chosen
            for need in needs[hromada.pk]
            if not query.get("source") or need.source == query["source"]
        ]
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(page)

    @extend_schema(
        summary=_("Get a need typed by hand"), parameters=[NEED_ID], responses={200: NeedSerializer, 404: NOT_FOUND}
    )
    def retrieve(self, request: Request, pk: int) -> Response:
        return Response(NeedSerializer(self._need(pk)).data)

    @extend_schema(
        summary=_("Add a need typed by hand"),
        description=_(
            "Staff and the hromada's editors. Refused with 400 naming the field: a hromada outside the programme, "
            "an unknown theme, a severity other than 1–3, or a second open need for the same theme."
        ),
        request=NeedCreateSerializer,
        responses={201: NeedSerializer, 400: BAD_REQUEST, 401: UNAUTHORISED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def create(self, request: Request) -> Response:
        user = signed_in(request)
        data = validated(NeedCreateSerializer, request.data)
        programme = _programme_or_400(data["programme"])
        hromada = Hromada.objects.filter(katottg=data["hromada"]).first()
        if hromada is None:
            raise serializers.ValidationError({"hromada": [gettext("No hromada has this KATOTTG code.")]})
        try:
            need = need_services.need_create(
                acting_user=user,
                programme=programme,
                hromada=hromada,
                theme=data["theme"],
                severity=data["severity"],
                description=data.get("description", ""),
            )
        except DjangoValidationError as error:
            raise service_error(error) from error
        return Response(NeedSerializer(need).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Change or close a need typed by hand"),
        description=_("Changes the fields sent; status addressed or withdrawn closes the need, open reopens it."),
        parameters=[NEED_ID],
        request=NeedUpdateSerializer,
        responses={
            200: NeedSerializer,
            400: BAD_REQUEST,
            401: UNAUTHORISED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def partial_update(self, request: Request, pk: int) -> Response:
        user = signed_in(request)
        need = self._need(pk)
        data = validated(NeedUpdateSerializer, request.data)
        expected = data.pop("version")
        try:
            need = need_services.need_update(acting_user=user, need=need, data=data, expected_version=expected)
        except EditConflict:
            current = self._need(pk)
            return _conflict(dict(NeedSerializer(current).data), current.version)
        except DjangoValidationError as error:
            raise service_error(error) from error
        return Response(NeedSerializer(need).data)


# --- partner search profiles ---------------------------------------------------------------------


class ProfileSerializer(serializers.Serializer[Any]):
    programme = serializers.CharField(help_text=_("Short name (slug) of the programme."))
    hromada = serializers.CharField(help_text=_("KATOTTG code of the hromada."))
    saved = serializers.BooleanField(help_text=_("false: nothing saved yet, these are the defaults."))
    seeks_partner = serializers.BooleanField(help_text=_("The hromada is looking for a partner."))
    languages = serializers.ListField(child=serializers.CharField(), help_text=_("Working languages of the team."))
    preferred_modes = serializers.ListField(
        child=serializers.CharField(), help_text=_("Preferred modes; empty: any mode.")
    )
    note = serializers.CharField(allow_blank=True, help_text=_("Note."))
    version = serializers.IntegerField(help_text=_("Edit counter (1 before the first save); send it back with PUT."))


class ProfileWriteSerializer(serializers.Serializer[Any]):
    seeks_partner = serializers.BooleanField(help_text=_("The hromada is looking for a partner."))
    languages = serializers.ListField(
        child=serializers.CharField(), help_text=_("Working languages of the team (ISO 639-1), at least one.")
    )
    preferred_modes = serializers.ListField(
        child=serializers.CharField(), help_text=_("Preferred modes; empty: any mode.")
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text=_("Note."))
    version = serializers.IntegerField(
        min_value=1, help_text=_("The version as you read it (1 before the first save); 409 when newer.")
    )


def _profile_body(profile: HromadaPartnerProfile) -> dict[str, Any]:
    return {
        "programme": profile.programme.slug,
        "hromada": profile.hromada.katottg,
        "saved": profile.pk is not None,
        "seeks_partner": profile.seeks_partner,
        "languages": list(profile.languages),
        "preferred_modes": list(profile.preferred_modes),
        "note": profile.note,
        "version": profile.version,
    }


PROFILE_PARAMETERS = [
    OpenApiParameter("programme", str, OpenApiParameter.PATH, description=_("Short name (slug) of the programme.")),
    OpenApiParameter("katottg", str, OpenApiParameter.PATH, description=_("KATOTTG code of the hromada.")),
]


class ProfileViewSet(viewsets.GenericViewSet[HromadaPartnerProfile]):
    """/api/v1/partnership-profiles/{programme}/{katottg}/: GET and PUT."""

    queryset = HromadaPartnerProfile.objects.none()
    serializer_class = ProfileSerializer
    permission_classes = [AccessPolicy]
    renderer_classes = [JSONRenderer]
    access_requirements = {"update": Requirement(Action.EDIT, visible_with=Action.VIEW)}

    def _target(self, programme: str, katottg: str) -> tuple[Programme, Hromada]:
        found = Programme.objects.filter(slug=programme).first()
        hromada = programme_hromadas(found).filter(katottg=katottg).first() if found is not None else None
        if found is None or hromada is None:
            raise Http404
        self.check_object_permissions(self.request, HromadaPartnerProfile(programme=found, hromada=hromada))
        return found, hromada

    @extend_schema(
        summary=_("Get a hromada's partner search profile"),
        description=_(
            "Whether the hromada looks for a partner in the programme, its team's working languages and the modes "
            "it prefers. Staff, the hromada's members and the programme's partner experts."
        ),
        parameters=PROFILE_PARAMETERS,
        responses={200: ProfileSerializer, 404: NOT_FOUND},
    )
    def retrieve(self, request: Request, programme: str, katottg: str) -> Response:
        found, hromada = self._target(programme, katottg)
        return Response(_profile_body(profile_of(found, hromada)))

    @extend_schema(
        summary=_("Save a hromada's partner search profile"),
        description=_(
            "Replaces the profile (staff and the hromada's editors). Send the version you read (1 before the first "
            "save): if someone saved in between, nothing is saved and the answer is 409."
        ),
        parameters=PROFILE_PARAMETERS,
        request=ProfileWriteSerializer,
        responses={
            200: ProfileSerializer,
            400: BAD_REQUEST,
            401: UNAUTHORISED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def update(self, request: Request, programme: str, katottg: str) -> Response:
        user = signed_in(request)
        found, hromada = self._target(programme, katottg)
        data = validated(ProfileWriteSerializer, request.data)
        expected = data.pop("version")
        try:
            profile = need_services.profile_save(
                acting_user=user, programme=found, hromada=hromada, data=data, expected_version=expected
            )
        except EditConflict:
            current = profile_of(found, hromada)
            return _conflict(_profile_body(current), current.version)
        except DjangoValidationError as error:
            raise service_error(error) from error
        return Response(_profile_body(profile))


router = SimpleRouter()
router.register("partnership-themes", ThemeViewSet, basename="partnership-theme")
router.register("partner-offers", OfferViewSet, basename="partner-offer")
router.register("partner-contacts", ContactViewSet, basename="partner-contact")
router.register("partnership-needs", NeedViewSet, basename="partnership-need")

urlpatterns: list[URLPattern] = [
    *router.urls,  # type: ignore[list-item]
    path(
        "partnership-profiles/<slug:programme>/<str:katottg>/",
        ProfileViewSet.as_view({"get": "retrieve", "put": "update"}, detail=True),
        name="partnership-profile-detail",
    ),
]
