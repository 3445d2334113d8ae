"""REST API of partnerships (/api/v1/partnerships/…), their agreements, activity log
(/api/v1/partnership-activities/…) and follow-up actions (/api/v1/partnership-follow-ups/…).

Thin views: validate with a serializer, call the services (services/partnerships.py and
services/activities.py), serialize. Access is decided by vidnova.accounts.access, as on the pages:
partnerships are public records (hromada, partners, themes, status, dates); agreements, activities and
follow-ups are internal (``VIEW_PRIVATE``: programme staff, the hromada's members and the partners'
experts; 404 for everyone else). Programme staff create and change partnerships and their
agreements; staff, the hromada's editors and the partners' experts log activities (403 for hromada
viewers). Writes without credentials are 401; a stale ``version`` is 409 with the record as saved now.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.http import Http404
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
)
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
from vidnova.assessments.api.rounds import NamedChoiceField
from vidnova.core.exceptions import EditConflict
from vidnova.partnerships.models import (
    Activity,
    ActivityKind,
    ActivityParticipants,
    Agreement,
    AgreementKind,
    AgreementSignatory,
    ExpertiseOffer,
    FollowUp,
    FollowUpStatus,
    ParticipantRole,
    PartnerRole,
    Partnership,
    PartnershipPartner,
    PartnershipStatus,
    PartnershipTransition,
)
from vidnova.partnerships.selectors.partnerships import (
    insider_partnerships,
    participant_totals,
    partnership_detail,
    visible_partnerships,
)
from vidnova.partnerships.services import activities as activity_services
from vidnova.partnerships.services import partnerships as services
from vidnova.programmes.models import Organisation, Programme
from vidnova.projects.api.projects import current_action, service_error, signed_in, validated
from vidnova.registry.models import Hromada

MAX_ROWS = 50


def status_field(**kwargs: Any) -> NamedChoiceField:
    return NamedChoiceField(enum_name="PartnershipStatusEnum", choices=PartnershipStatus.choices, **kwargs)


def role_field(**kwargs: Any) -> NamedChoiceField:
    return NamedChoiceField(enum_name="PartnershipPartnerRoleEnum", choices=PartnerRole.choices, **kwargs)


def agreement_kind_field(**kwargs: Any) -> NamedChoiceField:
    return NamedChoiceField(enum_name="PartnershipAgreementKindEnum", choices=AgreementKind.choices, **kwargs)


def activity_kind_field(**kwargs: Any) -> NamedChoiceField:
    return NamedChoiceField(enum_name="PartnershipActivityKindEnum", choices=ActivityKind.choices, **kwargs)


def participant_role_field(**kwargs: Any) -> NamedChoiceField:
    return NamedChoiceField(enum_name="PartnershipParticipantRoleEnum", choices=ParticipantRole.choices, **kwargs)


# --- responses -----------------------------------------------------------------------------------


class PartnershipHromadaRefSerializer(serializers.ModelSerializer[Hromada]):
    class Meta:
        model = Hromada
        fields = ["katottg", "name_uk", "name_en"]
        read_only_fields = fields
        extra_kwargs = {
            "katottg": {"help_text": _("KATOTTG code of the hromada.")},
            "name_uk": {"help_text": _("Name in Ukrainian.")},
            "name_en": {"help_text": _("English name (OCHA); empty if unknown.")},
        }


class PartnershipPartnerSerializer(serializers.ModelSerializer[PartnershipPartner]):
    organisation = serializers.IntegerField(
        source="organisation_id", read_only=True, help_text=_("Identifier of the partner organisation.")
    )
    name = serializers.CharField(source="organisation.name", read_only=True, help_text=_("Name of the organisation."))
    kind = serializers.CharField(
        source="organisation.kind",
        read_only=True,
        help_text=_("Kind of organisation: dutch_municipality, safety_region, eu_municipality, …"),
    )
    country = serializers.CharField(
        source="organisation.country", read_only=True, help_text=_("Country of the organisation (ISO 3166-1).")
    )
    role = role_field(read_only=True, help_text=_("Role in the partnership."))

    class Meta:
        model = PartnershipPartner
        fields = ["organisation", "name", "kind", "country", "role"]
        read_only_fields = fields


class PartnershipStepSerializer(serializers.ModelSerializer[PartnershipTransition]):
    from_status = status_field(read_only=True, help_text=_("Status before the change."))
    to_status = status_field(read_only=True, help_text=_("Status after the change."))

    class Meta:
        model = PartnershipTransition
        fields = ["from_status", "to_status", "occurred_at"]
        read_only_fields = fields
        extra_kwargs = {"occurred_at": {"help_text": _("When the status changed.")}}


class PartnershipStepNotedSerializer(PartnershipStepSerializer):
    actor = serializers.SerializerMethodField(help_text=_("Who changed the status; empty if the account is gone."))

    class Meta(PartnershipStepSerializer.Meta):
        fields = [*PartnershipStepSerializer.Meta.fields, "note", "actor"]
        read_only_fields = fields
        extra_kwargs = {
            **PartnershipStepSerializer.Meta.extra_kwargs,
            "note": {"help_text": _("Why, when a note was given.")},
        }

    def get_actor(self, transition: PartnershipTransition) -> str:
        actor = transition.actor
        return "" if actor is None else str(actor.get_full_name() or actor.email)


_PARTNERSHIP_HELP: dict[str, dict[str, Any]] = {
    "id": {"help_text": _("Identifier of the partnership.")},
    "title": {"help_text": _("Title of the partnership.")},
    "description": {"help_text": _("Description.")},
    "starts_on": {"help_text": _("Start; null if not known yet (filled in when it becomes active).")},
    "ends_on": {"help_text": _("End; null if open (filled in when it is closed).")},
    "version": {"help_text": _("Edit counter; send it back with a change (conflicts).")},
    "created_at": {"help_text": _("When the partnership was recorded.")},
    "updated_at": {"help_text": _("Last change.")},
}


class PartnershipSerializer(serializers.ModelSerializer[Partnership]):
    """The public fields of a partnership."""

    url = serializers.SerializerMethodField(help_text=_("Address of the partnership in the API."))
    page = serializers.SerializerMethodField(help_text=_("Address of the partnership's page."))
    programme: serializers.SlugRelatedField[Programme] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, help_text=_("Short name (slug) of the programme.")
    )
    hromada = PartnershipHromadaRefSerializer(read_only=True, help_text=_("The hromada of the partnership."))
    partners = PartnershipPartnerSerializer(
        source="partner_links", many=True, read_only=True, help_text=_("Partner organisations with their roles.")
    )
    themes = serializers.SerializerMethodField(help_text=_("Theme codes (see the themes of the offers)."))
    programme_fields = serializers.SerializerMethodField(
        help_text=_("The programme's fields (1, 2, 3) that its themes belong to.")
    )
    status = status_field(read_only=True, help_text=_("proposed → agreed → active → closed."))
    offer: serializers.PrimaryKeyRelatedField[ExpertiseOffer] = serializers.PrimaryKeyRelatedField(
        read_only=True,
        allow_null=True,
        help_text=_("Identifier of the expertise offer it takes a place on; null if none."),
    )
    suggestion: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text=_("Identifier of the accepted match suggestion; null if none.")
    )

    class Meta:
        model = Partnership
        fields = [
            "id",
            "url",
            "page",
            "programme",
            "hromada",
            "partners",
            "themes",
            "programme_fields",
            "title",
            "description",
            "status",
            "starts_on",
            "ends_on",
            "offer",
            "suggestion",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = _PARTNERSHIP_HELP

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, partnership: Partnership) -> str:
        return reverse("api:partnership-detail", kwargs={"pk": partnership.pk})

    @extend_schema_field(OpenApiTypes.URI)
    def get_page(self, partnership: Partnership) -> str:
        return partnership.get_absolute_url()

    def get_themes(self, partnership: Partnership) -> list[str]:
        return [theme.code for theme in sorted(partnership.themes.all(), key=lambda t: (t.field, t.sort_order))]

    def get_programme_fields(self, partnership: Partnership) -> list[int]:
        return sorted({theme.field for theme in partnership.themes.all()})


class PartnershipPublicDetailSerializer(PartnershipSerializer):
    history = PartnershipStepSerializer(
        source="transitions", many=True, read_only=True, help_text=_("Status changes, oldest first.")
    )

    class Meta(PartnershipSerializer.Meta):
        fields = [*PartnershipSerializer.Meta.fields, "history"]
        read_only_fields = fields


class PartnershipSignatorySerializer(serializers.ModelSerializer[AgreementSignatory]):
    class Meta:
        model = AgreementSignatory
        fields = ["full_name", "position", "organisation_name"]
        read_only_fields = fields
        extra_kwargs = {
            "full_name": {"help_text": _("Full name.")},
            "position": {"help_text": _("Position; empty if not given.")},
            "organisation_name": {"help_text": _("On behalf of which organisation.")},
        }


class PartnershipAgreementSerializer(serializers.ModelSerializer[Agreement]):
    kind = agreement_kind_field(read_only=True, help_text=_("Kind of agreement."))
    signatories = PartnershipSignatorySerializer(many=True, read_only=True, help_text=_("Who signed."))
    file_url = serializers.SerializerMethodField(
        help_text=_("Address to download the document (insiders only); null without a document.")
    )

    class Meta:
        model = Agreement
        fields = [
            "id",
            "kind",
            "title",
            "signed_on",
            "valid_until",
            "file_name",
            "file_size",
            "file_url",
            "signatories",
            "created_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": _("Identifier of the agreement.")},
            "title": {"help_text": _("Title.")},
            "signed_on": {"help_text": _("Date of signing; null if not signed yet.")},
            "valid_until": {"help_text": _("Valid until; null if open-ended.")},
            "file_name": {"help_text": _("Original name of the uploaded document; empty without one.")},
            "file_size": {"help_text": _("Size of the document in bytes.")},
            "created_at": {"help_text": _("When the agreement was recorded.")},
        }

    @extend_schema_field(OpenApiTypes.URI)
    def get_file_url(self, agreement: Agreement) -> str | None:
        if not agreement.file:
            return None
        return reverse("partnerships:agreement-file", kwargs={"agreement_id": agreement.pk})


class PartnershipParticipantsSerializer(serializers.ModelSerializer[ActivityParticipants]):
    role = participant_role_field(read_only=True, help_text=_("Role of the participants."))
    total = serializers.IntegerField(read_only=True, help_text=_("women + men + not_stated."))

    class Meta:
        model = ActivityParticipants
        fields = ["role", "women", "men", "not_stated", "total"]
        read_only_fields = fields
        extra_kwargs = {
            "women": {"help_text": _("Number of women.")},
            "men": {"help_text": _("Number of men.")},
            "not_stated": {"help_text": _("Number of people whose gender was not stated.")},
        }


class PartnershipFollowUpSerializer(serializers.ModelSerializer[FollowUp]):
    url = serializers.SerializerMethodField(help_text=_("Address of the follow-up action in the API."))
    status = NamedChoiceField(
        enum_name="PartnershipFollowUpStatusEnum",
        choices=FollowUpStatus.choices,
        read_only=True,
        help_text=_("open or done."),
    )
    activity = serializers.IntegerField(
        source="activity_id", read_only=True, help_text=_("Identifier of the activity.")
    )

    class Meta:
        model = FollowUp
        fields = ["id", "url", "activity", "description", "responsible", "due_on", "status", "done_on", "version"]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": _("Identifier of the follow-up action.")},
            "description": {"help_text": _("What is to be done.")},
            "responsible": {"help_text": _("Who does it; empty if not said.")},
            "due_on": {"help_text": _("Due date; null if none.")},
            "done_on": {"help_text": _("When it was marked done; null while open.")},
            "version": {"help_text": _("Edit counter; send it back with a change (conflicts).")},
        }

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, follow_up: FollowUp) -> str:
        return reverse("api:partnership-follow-up-detail", kwargs={"pk": follow_up.pk})


class PartnershipActivitySerializer(serializers.ModelSerializer[Activity]):
    url = serializers.SerializerMethodField(help_text=_("Address of the activity in the API."))
    partnership = serializers.IntegerField(
        source="partnership_id", read_only=True, help_text=_("Identifier of the partnership.")
    )
    kind = activity_kind_field(read_only=True, help_text=_("Kind of activity."))
    participants = PartnershipParticipantsSerializer(
        many=True, read_only=True, help_text=_("Head counts by role and gender (roles with nobody are left out).")
    )
    follow_ups = PartnershipFollowUpSerializer(many=True, read_only=True, help_text=_("Follow-up actions."))

    class Meta:
        model = Activity
        fields = [
            "id",
            "url",
            "partnership",
            "kind",
            "title",
            "starts_on",
            "ends_on",
            "location",
            "description",
            "outcomes",
            "participants",
            "follow_ups",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": _("Identifier of the activity.")},
            "title": {"help_text": _("Title.")},
            "starts_on": {"help_text": _("Date (the first day).")},
            "ends_on": {"help_text": _("Last day for activities over several days; null otherwise.")},
            "location": {"help_text": _("Place.")},
            "description": {"help_text": _("What happened.")},
            "outcomes": {"help_text": _("Outcomes.")},
            "version": {"help_text": _("Edit counter; send it back with a change (conflicts).")},
            "created_at": {"help_text": _("When the activity was logged.")},
            "updated_at": {"help_text": _("Last change.")},
        }

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, activity: Activity) -> str:
        return reverse("api:partnership-activity-detail", kwargs={"pk": activity.pk})


class PartnershipTotalsRowSerializer(serializers.Serializer[Any]):
    role = participant_role_field(help_text=_("Role."))
    women = serializers.IntegerField(help_text=_("Women."))
    men = serializers.IntegerField(help_text=_("Men."))
    not_stated = serializers.IntegerField(help_text=_("Gender not stated."))
    total = serializers.IntegerField(help_text=_("All."))


class PartnershipTotalsSerializer(serializers.Serializer[Any]):
    roles = PartnershipTotalsRowSerializer(many=True, help_text=_("Sums by role, roles with nobody left out."))
    women = serializers.IntegerField(help_text=_("Women across all activities."))
    men = serializers.IntegerField(help_text=_("Men across all activities."))
    not_stated = serializers.IntegerField(help_text=_("Gender not stated, across all activities."))
    total = serializers.IntegerField(help_text=_("Participants across all activities."))


class PartnershipFullSerializer(PartnershipSerializer):
    """The partnership with its internal parts, for insiders."""

    history = PartnershipStepNotedSerializer(
        source="transitions", many=True, read_only=True, help_text=_("Status changes with notes, oldest first.")
    )
    agreements = PartnershipAgreementSerializer(many=True, read_only=True, help_text=_("Agreements."))
    activities = PartnershipActivitySerializer(many=True, read_only=True, help_text=_("Activity log, newest first."))
    participant_totals = serializers.SerializerMethodField(help_text=_("Participants across all activities."))
    allowed_statuses = serializers.SerializerMethodField(
        help_text=_("Statuses it may move to next (programme staff change the status).")
    )

    class Meta(PartnershipSerializer.Meta):
        fields = [
            *PartnershipSerializer.Meta.fields,
            "history",
            "allowed_statuses",
            "agreements",
            "activities",
            "participant_totals",
        ]
        read_only_fields = fields

    @extend_schema_field(PartnershipTotalsSerializer)
    def get_participant_totals(self, partnership: Partnership) -> dict[str, Any]:
        return participant_totals(list(partnership.activities.all())).as_dict()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_statuses(self, partnership: Partnership) -> list[str]:
        return list(services.allowed_next(partnership.status))


class PartnershipConflictSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField(help_text=_("What went wrong, in the language of the request."))
    current_version = serializers.IntegerField(help_text=_("The version saved now; send it to save on top of it."))
    current = PartnershipFullSerializer(help_text=_("The partnership as saved now."))


class PartnershipActivityConflictSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField(help_text=_("What went wrong, in the language of the request."))
    current_version = serializers.IntegerField(help_text=_("The version saved now; send it to save on top of it."))
    current = PartnershipActivitySerializer(help_text=_("The activity as saved now."))


class PartnershipFollowUpConflictSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField(help_text=_("What went wrong, in the language of the request."))
    current_version = serializers.IntegerField(help_text=_("The version saved now."))
    current = PartnershipFollowUpSerializer(help_text=_("The follow-up action as saved now."))


# --- requests ------------------------------------------------------------------------------------


class PartnershipQuerySerializer(serializers.Serializer[Any]):
    programme = serializers.SlugField(required=False, max_length=50, help_text=_("Short name (slug) of the programme."))
    status = status_field(required=False, help_text=_("Status."))
    theme = serializers.SlugField(required=False, max_length=60, help_text=_("Theme code, e.g. crisis-planning."))
    field = serializers.IntegerField(
        required=False, min_value=1, max_value=3, help_text=_("Programme field: 1, 2 or 3.")
    )
    hromada = serializers.RegexField(
        KATOTTG_PATTERN,
        required=False,
        help_text=_("KATOTTG code of the hromada."),
        error_messages={"invalid": KATOTTG_ERROR},
    )
    oblast = serializers.RegexField(
        KATOTTG_PATTERN,
        required=False,
        help_text=_("KATOTTG code of the oblast."),
        error_messages={"invalid": KATOTTG_ERROR},
    )
    organisation = serializers.IntegerField(
        required=False, min_value=1, help_text=_("Identifier of a partner organisation.")
    )
    country = serializers.RegexField(
        r"^[A-Za-z]{2}$",
        required=False,
        help_text=_("Country of a partner (ISO 3166-1 alpha-2), e.g. NL."),
        error_messages={"invalid": _("Enter a two-letter country code, e.g. NL.")},
    )


class PartnershipPartnerWriteSerializer(serializers.Serializer[Any]):
    organisation = serializers.IntegerField(min_value=1, help_text=_("Identifier of the partner organisation."))
    role = role_field(required=False, default=PartnerRole.PARTNER, help_text=_("Role; default partner."))


class PartnershipChangeSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=300, required=False, help_text=_("Title."))
    description = serializers.CharField(required=False, allow_blank=True, help_text=_("Description."))
    starts_on = serializers.DateField(required=False, allow_null=True, help_text=_("Start (YYYY-MM-DD)."))
    ends_on = serializers.DateField(required=False, allow_null=True, help_text=_("End, not before the start."))
    themes = serializers.ListField(
        child=serializers.SlugField(max_length=60),
        required=False,
        max_length=MAX_ROWS,
        help_text=_("Theme codes, at least one; replaces the themes."),
    )
    partners: serializers.ListSerializer[Any] = serializers.ListSerializer(
        child=PartnershipPartnerWriteSerializer(),
        required=False,
        max_length=MAX_ROWS,
        help_text=_("Partner organisations with roles, at least one; replaces the partners."),
    )


class PartnershipCreateSerializer(PartnershipChangeSerializer):
    programme = serializers.SlugField(max_length=50, help_text=_("Short name (slug) of the programme."))
    hromada = serializers.RegexField(
        KATOTTG_PATTERN,
        help_text=_("KATOTTG code of a hromada taking part in the programme."),
        error_messages={"invalid": KATOTTG_ERROR},
    )
    title = serializers.CharField(max_length=300, help_text=_("Title."))
    themes = serializers.ListField(
        child=serializers.SlugField(max_length=60), max_length=MAX_ROWS, help_text=_("Theme codes, at least one.")
    )
    partners: serializers.ListSerializer[Any] = serializers.ListSerializer(
        child=PartnershipPartnerWriteSerializer(),
        max_length=MAX_ROWS,
        help_text=_("Partner organisations with roles, at least one."),
    )
    offer = serializers.IntegerField(
        min_value=1,
        required=False,
        allow_null=True,
        help_text=_("Identifier of an offer of one of the partners to take a place on; it needs a place left."),
    )


class PartnershipUpdateSerializer(PartnershipChangeSerializer):
    version = serializers.IntegerField(
        min_value=1, help_text=_("The edit counter as you read it; a newer one on the server gives 409.")
    )


class PartnershipTransitionRequestSerializer(serializers.Serializer[Any]):
    to_status = status_field(help_text=_("Status to move to (see allowed_statuses)."))
    note = serializers.CharField(
        max_length=5000,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Note; required when closing a partnership that is proposed or agreed (say why)."),
    )
    version = serializers.IntegerField(
        min_value=1, required=False, allow_null=True, help_text=_("The edit counter as you read it (optional).")
    )


class PartnershipSignatoryWriteSerializer(serializers.Serializer[Any]):
    full_name = serializers.CharField(max_length=200, help_text=_("Full name."))
    position = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text=_("Position.")
    )
    organisation_name = serializers.CharField(max_length=300, help_text=_("On behalf of which organisation."))


class PartnershipAgreementRequestSerializer(serializers.Serializer[Any]):
    kind = agreement_kind_field(help_text=_("Kind of agreement."))
    title = serializers.CharField(max_length=300, help_text=_("Title."))
    signed_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text=_("Date of signing, not in the future.")
    )
    valid_until = serializers.DateField(
        required=False, allow_null=True, default=None, help_text=_("Valid until, not before the signing.")
    )
    file = serializers.FileField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_(
            "The document (multipart only): PDF, DOCX, ODT, JPEG or PNG, at most 20 MB; its content is checked."
        ),
    )
    signatories: serializers.ListSerializer[Any] = serializers.ListSerializer(
        child=PartnershipSignatoryWriteSerializer(),
        required=False,
        default=list,
        max_length=20,
        help_text=_(
            "Who signed. JSON: a list of {full_name, position, organisation_name}. Multipart: one field "
            "signatories holding that list as a JSON string, or the field repeated, each holding one signatory "
            "as a JSON object. A tripartite memorandum needs three."
        ),
    )


class PartnershipParticipantsWriteSerializer(serializers.Serializer[Any]):
    role = participant_role_field(help_text=_("Role of the participants."))
    women = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False, default=0, help_text=_("Women."))
    men = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False, default=0, help_text=_("Men."))
    not_stated = serializers.IntegerField(
        min_value=0, max_value=1_000_000, required=False, default=0, help_text=_("Gender not stated.")
    )


class PartnershipFollowUpWriteSerializer(serializers.Serializer[Any]):
    description = serializers.CharField(max_length=500, help_text=_("What is to be done."))
    responsible = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text=_("Who.")
    )
    due_on = serializers.DateField(required=False, allow_null=True, default=None, help_text=_("Due date."))


class PartnershipActivityChangeSerializer(serializers.Serializer[Any]):
    kind = activity_kind_field(required=False, help_text=_("Kind of activity."))
    title = serializers.CharField(max_length=300, required=False, help_text=_("Title."))
    starts_on = serializers.DateField(required=False, help_text=_("Date (the first day)."))
    ends_on = serializers.DateField(required=False, allow_null=True, help_text=_("Last day, not before the first."))
    location = serializers.CharField(max_length=300, required=False, allow_blank=True, help_text=_("Place."))
    description = serializers.CharField(required=False, allow_blank=True, help_text=_("What happened."))
    outcomes = serializers.CharField(required=False, allow_blank=True, help_text=_("Outcomes."))
    participants: serializers.ListSerializer[Any] = serializers.ListSerializer(
        child=PartnershipParticipantsWriteSerializer(),
        required=False,
        max_length=len(ParticipantRole.values),
        help_text=_("Head counts by role, each role once; replaces the head counts."),
    )
    follow_ups: serializers.ListSerializer[Any] = serializers.ListSerializer(
        child=PartnershipFollowUpWriteSerializer(),
        required=False,
        max_length=MAX_ROWS,
        help_text=_("Follow-up actions to add."),
    )


class PartnershipActivityCreateSerializer(PartnershipActivityChangeSerializer):
    partnership = serializers.IntegerField(min_value=1, help_text=_("Identifier of the partnership."))
    kind = activity_kind_field(help_text=_("Kind of activity."))
    title = serializers.CharField(max_length=300, help_text=_("Title."))
    starts_on = serializers.DateField(help_text=_("Date (the first day)."))


class PartnershipActivityUpdateSerializer(PartnershipActivityChangeSerializer):
    version = serializers.IntegerField(
        min_value=1, help_text=_("The edit counter as you read it; a newer one on the server gives 409.")
    )


class PartnershipActivityQuerySerializer(serializers.Serializer[Any]):
    partnership = serializers.IntegerField(
        required=False, min_value=1, help_text=_("Only this partnership's activities.")
    )


class PartnershipFollowUpChangeSerializer(serializers.Serializer[Any]):
    done = serializers.BooleanField(help_text=_("true: mark done (today, by you); false: open it again."))
    version = serializers.IntegerField(
        min_value=1, required=False, allow_null=True, help_text=_("The edit counter as you read it (optional).")
    )


# --- helpers -------------------------------------------------------------------------------------


def partnerships_base() -> models.QuerySet[Partnership]:
    return Partnership.objects.select_related("programme", "hromada").prefetch_related(
        models.Prefetch("partner_links", queryset=PartnershipPartner.objects.select_related("organisation")),
        "themes",
    )


def partnership_data(partnership: Partnership, user: AnyUser) -> dict[str, Any]:
    if access.can(user, Action.VIEW_PRIVATE, partnership):
        return dict(PartnershipFullSerializer(partnership).data)
    return dict(PartnershipPublicDetailSerializer(partnership).data)


def activities_base() -> models.QuerySet[Activity]:
    return Activity.objects.select_related("partnership").prefetch_related("participants", "follow_ups")


def _partners(rows: list[Mapping[str, Any]]) -> list[tuple[Any, str]]:
    """(organisation, role) pairs; unknown organisations are named by the service (as their id)."""
    ids = [row["organisation"] for row in rows]
    found = {organisation.pk: organisation for organisation in Organisation.objects.filter(pk__in=ids)}
    return [
        (found.get(row["organisation"], row["organisation"]), row.get("role") or PartnerRole.PARTNER) for row in rows
    ]


def _participants(rows: list[Mapping[str, Any]]) -> dict[str, dict[str, int]]:
    result: dict[str, dict[str, int]] = {}
    for index, row in enumerate(rows):
        if row["role"] in result:
            raise serializers.ValidationError(
                {
                    f"participants[{index}].role": [
                        gettext("Each role once: %(role)s is given twice.") % {"role": row["role"]}
                    ]
                }
            )
        result[row["role"]] = {"women": row["women"], "men": row["men"], "not_stated": row["not_stated"]}
    return result


def _signatories(request: Request) -> Any:
    """The signatories of a request: a JSON list, or (multipart) a JSON string, or repeated fields."""
    data: Any = request.data
    if hasattr(data, "getlist"):
        values = data.getlist("signatories")
        if not values:
            return []
        parsed: list[Any] = []
        for value in values:
            if not isinstance(value, str):
                parsed.append(value)
                continue
            try:
                item = json.loads(value)
            except ValueError:
                raise serializers.ValidationError(
                    {
                        "signatories": [
                            gettext("Send the signatories as JSON: a list of {full_name, position, organisation_name}.")
                        ]
                    }
                ) from None
            if isinstance(item, list) and len(values) == 1:
                return item
            parsed.append(item)
        return parsed
    return data.get("signatories", [])


def _conflict_body(message: str, current_version: int, current: dict[str, Any]) -> dict[str, Any]:
    return {"detail": message, "current_version": current_version, "current": current}


CONFLICT_MESSAGE = _(
    "Someone else changed this record since you read it. Nothing was saved; compare with the values saved now and "
    "send your change again with the current version."
)

PARTNERSHIP_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description=_("Identifier of the partnership."))
ACTIVITY_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description=_("Identifier of the activity."))
FOLLOW_UP_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description=_("Identifier of the follow-up action."))
BAD_REQUEST = OpenApiResponse(
    VALIDATION_ERROR_SCHEMA,
    description=_("Something sent is not valid; see why, by field (rows as partners[1].organisation)."),
)
UNAUTHORISED = OpenApiResponse(ErrorSerializer, description=_("No valid token or session."))
STAFF_FORBIDDEN = OpenApiResponse(ErrorSerializer, description=_("Programme staff only."))
CONTRIBUTE_FORBIDDEN = OpenApiResponse(
    ErrorSerializer,
    description=_(
        "You may read this but not write: programme staff, the hromada's editors and the partners' experts only."
    ),
)
NOT_FOUND = OpenApiResponse(ErrorSerializer, description=_("No partnership has this identifier."))
PRIVATE_NOT_FOUND = OpenApiResponse(
    ErrorSerializer,
    description=_(
        "Not found, or you may not see the internal parts of this partnership (programme staff, the hromada's "
        "members and the partners' experts may)."
    ),
)
PRIVATE_READ = Requirement(Action.VIEW_PRIVATE, visible_with=Action.VIEW_PRIVATE)
PRIVATE_EDIT = Requirement(Action.EDIT, visible_with=Action.VIEW_PRIVATE)


# --- partnerships --------------------------------------------------------------------------------


class PartnershipViewSet(viewsets.GenericViewSet[Any]):
    """/api/v1/partnerships/, /api/v1/partnerships/{id}/, …/transition/ and …/agreements/."""

    queryset = Partnership.objects.none()
    serializer_class = PartnershipSerializer
    pagination_class = Pagination
    permission_classes = [AccessPolicy]
    renderer_classes = [JSONRenderer]
    access_requirements = {
        # Creation: anyone may try (401 without credentials); the programme named in the body decides (403).
        "create": Requirement(Action.VIEW),
        "partial_update": PRIVATE_EDIT,
        "transition": PRIVATE_EDIT,
        "agreements": PRIVATE_READ,
        "add_agreement": PRIVATE_EDIT,
    }

    def get_parsers(self) -> list[Any]:
        if current_action(self) == "add_agreement":
            return [JSONParser(), MultiPartParser(), FormParser()]
        return [JSONParser()]

    def get_queryset(self) -> models.QuerySet[Partnership]:
        if getattr(self, "swagger_fake_view", False):
            return Partnership.objects.none()
        return partnerships_base()

    def _partnership(self, pk: int) -> Partnership:
        try:
            partnership = partnership_detail(pk)
        except Partnership.DoesNotExist:
            raise Http404 from None
        self.check_object_permissions(self.request, partnership)
        return partnership

    @extend_schema(
        summary=_("List partnerships"),
        description=_(
            "Partnerships between hromadas and partner organisations: public fields, for everyone. Filter by "
            "programme, status, theme, field, hromada, oblast, partner organisation and the partner's country."
        ),
        parameters=[PartnershipQuerySerializer],
        responses={200: PartnershipSerializer(many=True), 400: BAD_REQUEST},
    )
    def list(self, request: Request) -> Response:
        query = validated(PartnershipQuerySerializer, {k: v for k, v in request.query_params.items() if v != ""})
        partnerships = visible_partnerships(request.user, query)
        page = self.paginate_queryset(partnerships)
        return self.get_paginated_response(PartnershipSerializer(page, many=True).data)

    @extend_schema(
        summary=_("Create a partnership"),
        description=_(
            "Records a partnership in the status proposed. Programme staff only. Refused (400, naming the field) "
            "when the hromada does not take part in the programme, no partner or theme is given, a partner is not a "
            "partner organisation of the programme, the end is before the start, or the offer has no place left."
        ),
        request=PartnershipCreateSerializer,
        examples=[
            OpenApiExample(
                "Crisis planning",
                value={
                    "programme": "u-lead",
                    "hromada": "UA32080070000050759",
                    "partners": [{"organisation": 12, "role": "lead"}],
                    "themes": ["crisis-planning"],
                    "title": "Crisis planning with Safety Region Utrecht",
                    "starts_on": "2026-04-01",
                    "offer": 3,
                },
                request_only=True,
            )
        ],
        responses={201: PartnershipFullSerializer, 400: BAD_REQUEST, 401: UNAUTHORISED, 403: STAFF_FORBIDDEN},
    )
    def create(self, request: Request) -> Response:
        user = signed_in(request)
        data = validated(PartnershipCreateSerializer, request.data)
        programme = Programme.objects.filter(slug=data["programme"]).first()
        if programme is None:
            raise serializers.ValidationError({"programme": [gettext("No programme has this short name.")]})
        access.require(user, Action.EDIT, Partnership(programme=programme))  # 403 before anything else
        hromada = Hromada.objects.filter(katottg=data["hromada"]).first()
        if hromada is None:
            raise serializers.ValidationError(
                {"hromada": [gettext("No hromada has the KATOTTG code %(code)s.") % {"code": data["hromada"]}]}
            )
        offer = None
        if data.get("offer"):
            offer = ExpertiseOffer.objects.filter(pk=data["offer"]).first()
            if offer is None:
                raise serializers.ValidationError({"offer": [gettext("No expertise offer has this identifier.")]})
        try:
            partnership = services.partnership_create(
                acting_user=user,
                programme=programme,
                hromada=hromada,
                partners=_partners(data["partners"]),
                themes=data["themes"],
                title=data["title"],
                description=data.get("description", ""),
                starts_on=data.get("starts_on"),
                ends_on=data.get("ends_on"),
                offer=offer,
            )
        except DjangoValidationError as error:
            raise service_error(error) from error
        return Response(
            PartnershipFullSerializer(partnership_detail(partnership.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary=_("Get a partnership"),
        description=_(
            "The partnership. Everyone gets the public fields and the status history. Programme staff, the "
            "hromada's members and the partners' experts also get its agreements, activity log with participants "
            "and follow-up actions, the participant totals and the notes of the status changes (schema "
            "PartnershipFull)."
        ),
        parameters=[PARTNERSHIP_ID],
        responses={
            200: OpenApiResponse(
                PolymorphicProxySerializer(
                    component_name="PartnershipPublicOrFull",
                    serializers=[PartnershipFullSerializer, PartnershipPublicDetailSerializer],
                    resource_type_field_name=None,
                ),
                description=_("The full record for insiders, the public one for everyone else."),
            ),
            404: NOT_FOUND,
        },
    )
    def retrieve(self, request: Request, pk: int) -> Response:
        return Response(partnership_data(self._partnership(pk), request.user))

    @extend_schema(
        summary=_("Change a partnership"),
        description=_(
            "Changes the title, description, dates, themes or partners (lists sent replace the current ones). "
            "Programme staff only. Send the version you read: if someone saved in between, nothing is saved and "
            "the answer is 409 with the partnership as saved now. The status changes through …/transition/."
        ),
        parameters=[PARTNERSHIP_ID],
        request=PartnershipUpdateSerializer,
        examples=[OpenApiExample("New end", value={"version": 2, "ends_on": "2027-12-31"}, request_only=True)],
        responses={
            200: PartnershipFullSerializer,
            400: BAD_REQUEST,
            401: UNAUTHORISED,
            403: STAFF_FORBIDDEN,
            404: PRIVATE_NOT_FOUND,
            409: OpenApiResponse(PartnershipConflictSerializer, description=_("Changed meanwhile; nothing saved.")),
        },
    )
    def partial_update(self, request: Request, pk: int) -> Response:
        user = signed_in(request)
        partnership = self._partnership(pk)
        data = validated(PartnershipUpdateSerializer, request.data)
        expected = data.pop("version")
        if "partners" in data:
            data["partners"] = _partners(data["partners"])
        try:
            services.partnership_update(acting_user=user, partnership=partnership, data=data, expected_version=expected)
        except EditConflict:
            current = partnership_detail(pk)
            body = _conflict_body(str(CONFLICT_MESSAGE), current.version, dict(PartnershipFullSerializer(current).data))
            return Response(body, status=status.HTTP_409_CONFLICT)
        except DjangoValidationError as error:
            raise service_error(error) from error
        return Response(PartnershipFullSerializer(partnership_detail(pk)).data)

    @extend_schema(
        summary=_("Change the status of a partnership"),
        description=_(
            "proposed → agreed (needs an agreement with its signing date), agreed → active (fills an empty start "
            "with today), active → closed (fills an empty end with today); proposed or agreed → closed need a note "
            "saying why. Anything else is refused (400) naming the statuses allowed. Programme staff only. With "
            "version, a change made meanwhile gives 409."
        ),
        parameters=[PARTNERSHIP_ID],
        request=PartnershipTransitionRequestSerializer,
        examples=[
            OpenApiExample("Agreed", value={"to_status": "agreed", "note": "Memorandum signed"}, request_only=True)
        ],
        responses={
            200: PartnershipFullSerializer,
            400: BAD_REQUEST,
            401: UNAUTHORISED,
            403: STAFF_FORBIDDEN,
            404: PRIVATE_NOT_FOUND,
            409: OpenApiResponse(PartnershipConflictSerializer, description=_("Changed meanwhile; nothing saved.")),
        },
    )
    def transition(self, request: Request, pk: int) -> Response:
        user = signed_in(request)
        partnership = self._partnership(pk)
        data = validated(PartnershipTransitionRequestSerializer, request.data)
        try:
            services.partnership_transition(
                acting_user=user,
                partnership=partnership,
                to_status=data["to_status"],
                note=data.get("note") or "",
                expected_version=data.get("version"),
            )
        except EditConflict:
            current = partnership_detail(pk)
            body = _conflict_body(str(CONFLICT_MESSAGE), current.version, dict(PartnershipFullSerializer(current).data))
            return Response(body, status=status.HTTP_409_CONFLICT)
        except DjangoValidationError as error:
            raise service_error(error) from error
        return Response(PartnershipFullSerializer(partnership_detail(pk)).data)

    @extend_schema(
        summary=_("Agreements of a partnership"),
        description=_(
            "Its agreements with signatories. Internal: programme staff, the hromada's members, the partners' experts."
        ),
        parameters=[PARTNERSHIP_ID],
        responses={200: PartnershipAgreementSerializer(many=True), 404: PRIVATE_NOT_FOUND},
    )
    def agreements(self, request: Request, pk: int) -> Response:
        partnership = self._partnership(pk)
        return Response(PartnershipAgreementSerializer(partnership.agreements.all(), many=True).data)

    @extend_schema(
        summary=_("Add an agreement to a partnership"),
        description=_(
            "Records an agreement: JSON, or multipart/form-data to upload its document (PDF, DOCX, ODT, JPEG or "
            "PNG, at most 20 MB, checked by content). In multipart, send signatories as one field holding a JSON "
            "list, or repeat the field with one JSON object each. A tripartite memorandum needs three signatories. "
            "Programme staff only."
        ),
        parameters=[PARTNERSHIP_ID],
        request={
            "application/json": PartnershipAgreementRequestSerializer,
            "multipart/form-data": PartnershipAgreementRequestSerializer,
        },
        examples=[
            OpenApiExample(
                "Municipal agreement",
                value={
                    "kind": "municipal_agreement",
                    "title": "Partnership agreement Rheden – Bucha",
                    "signed_on": "2026-02-14",
                    "signatories": [
                        {"full_name": "Jan de Vries", "position": "Mayor", "organisation_name": "Gemeente Rheden"},
                        {
                            "full_name": "Олена Коваленко",
                            "position": "Голова",
                            "organisation_name": "Бучанська громада",
                        },
                    ],
                },
                request_only=True,
            )
        ],
        responses={
            201: PartnershipAgreementSerializer,
            400: BAD_REQUEST,
            401: UNAUTHORISED,
            403: STAFF_FORBIDDEN,
            404: PRIVATE_NOT_FOUND,
        },
    )
    def add_agreement(self, request: Request, pk: int) -> Response:
        user = signed_in(request)
        partnership = self._partnership(pk)
        body: Any = request.data
        payload: dict[str, Any] = {
            key: body.get(key) for key in ("kind", "title", "signed_on", "valid_until") if key in body
        }
        for key in ("signed_on", "valid_until"):
            if payload.get(key) == "":
                payload[key] = None
        if "file" in body:
            payload["file"] = body.get("file") or None
        payload["signatories"] = _signatories(request)
        data = validated(PartnershipAgreementRequestSerializer, payload)
        try:
            agreement = services.agreement_add(
                acting_user=user,
                partnership=partnership,
                kind=data["kind"],
                title=data["title"],
                signed_on=data.get("signed_on"),
                valid_until=data.get("valid_until"),
                file=data.get("file"),
                signatories=[dict(row) for row in data.get("signatories") or []],
            )
        except DjangoValidationError as error:
            raise service_error(error) from error
        return Response(PartnershipAgreementSerializer(agreement).data, status=status.HTTP_201_CREATED)


# --- activities and follow-ups ---------------------------------------------------------------------


class PartnershipActivityViewSet(viewsets.GenericViewSet[Any]):
    """/api/v1/partnership-activities/ and /api/v1/partnership-activities/{id}/."""

    queryset = Activity.objects.none()
    serializer_class = PartnershipActivitySerializer
    pagination_class = Pagination
    permission_classes = [AccessPolicy]
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser]
    access_requirements = {
        "create": Requirement(Action.VIEW),  # the partnership named in the body decides (404/403)
        "retrieve": PRIVATE_READ,
        "partial_update": PRIVATE_EDIT,
    }

    def get_queryset(self) -> models.QuerySet[Activity]:
        if getattr(self, "swagger_fake_view", False):
            return Activity.objects.none()
        return activities_base()

    def _activity(self, pk: int) -> Activity:
        activity = activities_base().filter(pk=pk).first()
        if activity is None:
            raise Http404
        self.check_object_permissions(self.request, activity)
        return activity

    @extend_schema(
        summary=_("List partnership activities"),
        description=_(
            "Activities of the partnerships whose internal parts you may see (programme staff, the hromada's members, "
            "the partners' experts), newest first; an empty list for everyone else. With partnership, only its "
            "activities (404 if you may not see them)."
        ),
        parameters=[PartnershipActivityQuerySerializer],
        responses={200: PartnershipActivitySerializer(many=True), 400: BAD_REQUEST, 404: PRIVATE_NOT_FOUND},
    )
    def list(self, request: Request) -> Response:
        query = validated(
            PartnershipActivityQuerySerializer, {k: v for k, v in request.query_params.items() if v != ""}
        )
        activities = self.get_queryset().filter(partnership__in=insider_partnerships(request.user).values("pk"))
        if query.get("partnership"):
            partnership = Partnership.objects.filter(pk=query["partnership"]).first()
            if partnership is None or not access.can(request.user, Action.VIEW_PRIVATE, partnership):
                raise Http404
            activities = self.get_queryset().filter(partnership=partnership)
        page = self.paginate_queryset(activities.order_by("-starts_on", "-pk"))
        return self.get_paginated_response(PartnershipActivitySerializer(page, many=True).data)

    @extend_schema(
        summary=_("Log an activity"),
        description=_(
            "Logs a visit, call, expert mission, study visit, donation, … of a partnership, with head counts by role "
            "and gender and follow-up actions. Programme staff, the hromada's editors and the partners' experts; a "
            "closed partnership takes no new activities (400)."
        ),
        request=PartnershipActivityCreateSerializer,
        examples=[
            OpenApiExample(
                "First visit",
                value={
                    "partnership": 7,
                    "kind": "visit_to_hromada",
                    "title": "First visit",
                    "starts_on": "2026-03-10",
                    "participants": [{"role": "hromada_staff", "women": 5, "men": 3}],
                    "follow_ups": [{"description": "Send the evacuation plan template", "due_on": "2026-04-01"}],
                },
                request_only=True,
            )
        ],
        responses={
            201: PartnershipActivitySerializer,
            400: BAD_REQUEST,
            401: UNAUTHORISED,
            403: CONTRIBUTE_FORBIDDEN,
            404: PRIVATE_NOT_FOUND,
        },
    )
    def create(self, request: Request) -> Response:
        user = signed_in(request)
        data = validated(PartnershipActivityCreateSerializer, request.data)
        partnership = Partnership.objects.filter(pk=data.pop("partnership")).first()
        if partnership is None:
            raise serializers.ValidationError({"partnership": [gettext("No partnership has this identifier.")]})
        participants = _participants(data.pop("participants", []))
        follow_ups = [dict(row) for row in data.pop("follow_ups", [])]
        try:
            activity = activity_services.activity_create(
                acting_user=user, partnership=partnership, data=data, participants=participants, follow_ups=follow_ups
            )
        except DjangoValidationError as error:
            raise service_error(error) from error
        return Response(PartnershipActivitySerializer(self._activity(activity.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Get an activity"),
        description=_("One activity with participants and follow-up actions. Internal."),
        parameters=[ACTIVITY_ID],
        responses={200: PartnershipActivitySerializer, 404: PRIVATE_NOT_FOUND},
    )
    def retrieve(self, request: Request, pk: int) -> Response:
        return Response(PartnershipActivitySerializer(self._activity(pk)).data)

    @extend_schema(
        summary=_("Change an activity"),
        description=_(
            "Changes the fields sent; participants sent replace the head counts; follow_ups sent are added. Send the "
            "version you read: a change made meanwhile gives 409 and nothing is saved."
        ),
        parameters=[ACTIVITY_ID],
        request=PartnershipActivityUpdateSerializer,
        responses={
            200: PartnershipActivitySerializer,
            400: BAD_REQUEST,
            401: UNAUTHORISED,
            403: CONTRIBUTE_FORBIDDEN,
            404: PRIVATE_NOT_FOUND,
            409: OpenApiResponse(
                PartnershipActivityConflictSerializer, description=_("Changed meanwhile; nothing saved.")
            ),
        },
    )
    def partial_update(self, request: Request, pk: int) -> Response:
        user = signed_in(request)
        activity = self._activity(pk)
        data = validated(PartnershipActivityUpdateSerializer, request.data)
        expected = data.pop("version")
        participants = _participants(data.pop("participants")) if "participants" in data else None
        follow_ups = [dict(row) for row in data.pop("follow_ups", [])]
        try:
            with transaction.atomic():
                activity_services.activity_update(
                    acting_user=user, activity=activity, data=data, participants=participants, expected_version=expected
                )
                for index, row in enumerate(follow_ups):
                    try:
                        activity_services.follow_up_add(acting_user=user, activity=activity, **row)
                    except DjangoValidationError as error:
                        raise DjangoValidationError(
                            {f"follow_ups[{index}].{key}": value for key, value in error.message_dict.items()}
                        ) from None
        except EditConflict:
            current = self._activity(pk)
            body = _conflict_body(
                str(CONFLICT_MESSAGE), current.version, dict(PartnershipActivitySerializer(current).data)
            )
            return Response(body, status=status.HTTP_409_CONFLICT)
        except DjangoValidationError as error:
            raise service_error(error) from error
        return Response(PartnershipActivitySerializer(self._activity(pk)).data)


class PartnershipFollowUpViewSet(viewsets.GenericViewSet[Any]):
    """/api/v1/partnership-follow-ups/{id}/."""

    queryset = FollowUp.objects.none()
    serializer_class = PartnershipFollowUpSerializer
    permission_classes = [AccessPolicy]
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser]
    access_requirements = {"retrieve": PRIVATE_READ, "partial_update": PRIVATE_EDIT}

    def get_queryset(self) -> models.QuerySet[FollowUp]:
        if getattr(self, "swagger_fake_view", False):
            return FollowUp.objects.none()
        return FollowUp.objects.select_related("activity", "activity__partnership")

    def _follow_up(self, pk: int) -> FollowUp:
        follow_up = self.get_queryset().filter(pk=pk).first()
        if follow_up is None:
            raise Http404
        self.check_object_permissions(self.request, follow_up)
        return follow_up

    @extend_schema(
        summary=_("Get a follow-up action"),
        description=_("One follow-up action of an activity. Internal."),
        parameters=[FOLLOW_UP_ID],
        responses={200: PartnershipFollowUpSerializer, 404: PRIVATE_NOT_FOUND},
    )
    def retrieve(self, request: Request, pk: int) -> Response:
        return Response(PartnershipFollowUpSerializer(self._follow_up(pk)).data)

    @extend_schema(
        summary=_("Mark a follow-up action done or open"),
        description=_(
            "done true marks it done today, by you; false opens it again. Programme staff, the hromada's editors and "
            "the partners' experts. With version, a change made meanwhile gives 409."
        ),
        parameters=[FOLLOW_UP_ID],
        request=PartnershipFollowUpChangeSerializer,
        examples=[OpenApiExample("Done", value={"done": True, "version": 1}, request_only=True)],
        responses={
            200: PartnershipFollowUpSerializer,
            400: BAD_REQUEST,
            401: UNAUTHORISED,
            403: CONTRIBUTE_FORBIDDEN,
            404: PRIVATE_NOT_FOUND,
            409: OpenApiResponse(
                PartnershipFollowUpConflictSerializer, description=_("Changed meanwhile; nothing saved.")
            ),
        },
    )
    def partial_update(self, request: Request, pk: int) -> Response:
        user = signed_in(request)
        follow_up = self._follow_up(pk)
        data = validated(PartnershipFollowUpChangeSerializer, request.data)
        try:
            follow_up = activity_services.follow_up_set_done(
                acting_user=user, follow_up=follow_up, done=data["done"], expected_version=data.get("version")
            )
        except EditConflict:
            current = self._follow_up(pk)
            body = _conflict_body(
                str(CONFLICT_MESSAGE), current.version, dict(PartnershipFollowUpSerializer(current).data)
            )
            return Response(body, status=status.HTTP_409_CONFLICT)
        return Response(PartnershipFollowUpSerializer(follow_up).data)


urlpatterns: list[URLPattern] = [
    path(
        "partnerships/",
        PartnershipViewSet.as_view({"get": "list", "post": "create"}, detail=False),
        name="partnership-list",
    ),
    path(
        "partnerships/<int:pk>/",
        PartnershipViewSet.as_view({"get": "retrieve", "patch": "partial_update"}, detail=True),
        name="partnership-detail",
    ),
    path(
        "partnerships/<int:pk>/transition/",
        PartnershipViewSet.as_view({"post": "transition"}, detail=True),
        name="partnership-transition",
    ),
    path(
        "partnerships/<int:pk>/agreements/",
        PartnershipViewSet.as_view({"get": "agreements", "post": "add_agreement"}, detail=True),
        name="partnership-agreements",
    ),
    path(
        "partnership-activities/",
        PartnershipActivityViewSet.as_view({"get": "list", "post": "create"}, detail=False),
        name="partnership-activity-list",
    ),
    path(
        "partnership-activities/<int:pk>/",
        PartnershipActivityViewSet.as_view({"get": "retrieve", "patch": "partial_update"}, detail=True),
        name="partnership-activity-detail",
    ),
    path(
        "partnership-follow-ups/<int:pk>/",
        PartnershipFollowUpViewSet.as_view({"get": "retrieve", "patch": "partial_update"}, detail=True),
        name="partnership-follow-up-detail",
    ),
]
