"""REST API of project ideas (/api/v1/projects/…) and exchange rates (/api/v1/exchange-rates/…): the
portfolio with its filters, one project's fiche, creating and changing a fiche with conflict detection,
its lifecycle transitions and documents, and the dated exchange rates that the money totals use.

Thin views: validate with a serializer, call the project services (vidnova.projects.services), serialize.
Access is decided by vidnova.accounts.access through AccessPolicy and the services, as on the pages:
project ideas are public records (anyone reads the portfolio and the public fiche), but exact locations of
sensitive sites never leave the private representation; documents, the budget and financing lines, risks,
parties and the history are internal (``VIEW_PRIVATE``: 404 for outsiders); hromada editors and programme
staff change a fiche (403 for hromada viewers and partner experts); writes without credentials are 401.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import Http404
from django.urls import URLPattern, path, reverse
from django.utils import timezone
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
from rest_framework.exceptions import NotAuthenticated
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

from vidnova.accounts import access
from vidnova.accounts.access import Action, AnyUser
from vidnova.accounts.models import User
from vidnova.api.pagination import Pagination
from vidnova.api.permissions import AccessPolicy, Requirement
from vidnova.api.serializers import KATOTTG_ERROR, KATOTTG_PATTERN, VALIDATION_ERROR_SCHEMA, ErrorSerializer
from vidnova.assessments.api.rounds import NamedChoiceField
from vidnova.core.exceptions import EditConflict
from vidnova.plans.models import Plan
from vidnova.programmes.models import Programme
from vidnova.projects import money
from vidnova.projects.models import (
    AMOUNT,
    BudgetLine,
    Currency,
    ExchangeRate,
    FinancingLine,
    FinancingStatus,
    Project,
    ProjectDocument,
    ProjectLocation,
    ProjectParty,
    ProjectState,
    ProjectTransition,
    Purpose,
    Risk,
)
from vidnova.projects.services import projects as services
from vidnova.projects.services import rates as rate_services
from vidnova.registry.models import Hromada

COST_TYPES = [("capex", _("capital (capex)")), ("opex", _("operating (opex)"))]
MAX_LINES = 500  # rows per list in one request: far more than a fiche has
MAX_UPLOAD_BYTES = 2 * 1024 * 1024  # exchange-rate files: a few thousand rows at most


def state_field(**kwargs: Any) -> NamedChoiceField:
    return NamedChoiceField(enum_name="ProjectStateEnum", choices=ProjectState.choices, **kwargs)


def currency_field(**kwargs: Any) -> NamedChoiceField:
    return NamedChoiceField(enum_name="ProjectCurrencyEnum", choices=Currency.choices, **kwargs)


def amount_field(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=AMOUNT["max_digits"], decimal_places=AMOUNT["decimal_places"], **kwargs)


READINESS_HELP = _(
    "Readiness level: 0 idea, 1 concept, 2 appraised, 3 financing structured, 4 design documents and expertise, "
    "5 applied or approved for funding, 6 implementation."
)

# --- responses -----------------------------------------------------------------------------------


class ProjectHromadaRefSerializer(serializers.ModelSerializer[Hromada]):
    class Meta:
        model = Hromada
        fields = ["katottg", "name_uk", "name_en"]
        read_only_fields = fields
        extra_kwargs = {
            "katottg": {"help_text": _("KATOTTG code of the hromada.")},
            "name_uk": {"help_text": _("Name in Ukrainian.")},
            "name_en": {"help_text": _("English name (OCHA); empty if unknown.")},
        }


_PROJECT_HELP: dict[str, dict[str, Any]] = {
    "id": {"help_text": _("Identifier of the project.")},
    "code": {"help_text": _("Project code, unique on the platform.")},
    "title_uk": {"help_text": _("Title in Ukrainian.")},
    "title_en": {"help_text": _("Title in English; empty if not translated.")},
    "description_uk": {"help_text": _("Description in Ukrainian.")},
    "description_en": {"help_text": _("Description in English.")},
    "project_type": {"help_text": _("Project type (OC4IDS projectType codelist: construction, rehabilitation, …).")},
    "sectors": {"help_text": _("Sectors (OC4IDS projectSector codelist).")},
    "purpose_codes": {"help_text": _("DAC-CRS purpose codes (5 digits).")},
    "starts_on": {"help_text": _("Planned start; null if not known.")},
    "ends_on": {"help_text": _("Planned end; null if not known.")},
    "beneficiaries_direct": {"help_text": _("Number of direct beneficiaries; null if not known.")},
    "is_sensitive": {"help_text": _("A shelter or critical infrastructure: its exact locations are never public.")},
    "seeks_partner_expertise": {"help_text": _("The hromada looks for expertise from a partner municipality.")},
    "dream_id": {"help_text": _("Identifier of the project in DREAM; empty if not transferred.")},
    "version": {"help_text": _("Edit counter of the fiche; send it back with a change (conflicts).")},
    "updated_at": {"help_text": _("Last change of the fiche.")},
}


class ProjectSerializer(serializers.ModelSerializer[Project]):
    """The public fields of a project, as in the portfolio."""

    url = serializers.SerializerMethodField(help_text=_("Address of the project in the API."))
    hromada = ProjectHromadaRefSerializer(read_only=True, help_text=_("The hromada the project belongs to."))
    programme: serializers.SlugRelatedField[Programme] = serializers.SlugRelatedField(
        slug_field="slug",
        read_only=True,
        allow_null=True,
        help_text=_("Short name (slug) of the supporting programme; null if none."),
    )
    state = state_field(read_only=True, help_text=_("Stage of the project's lifecycle."))
    purpose = NamedChoiceField(
        enum_name="ProjectPurposeEnum",
        choices=Purpose.choices,
        read_only=True,
        help_text=_("Restoration (of what was damaged) or development."),
    )
    readiness = serializers.IntegerField(read_only=True, min_value=0, max_value=6, help_text=READINESS_HELP)
    cost = amount_field(
        read_only=True, allow_null=True, help_text=_("Total cost, as a decimal string; null if not known.")
    )
    currency = currency_field(read_only=True, help_text=_("Currency of the total cost."))

    class Meta:
        model = Project
        fields = [
            "id",
            "url",
            "code",
            "hromada",
            "programme",
            "state",
            "title_uk",
            "title_en",
            "description_uk",
            "description_en",
            "purpose",
            "project_type",
            "sectors",
            "purpose_codes",
            "readiness",
            "starts_on",
            "ends_on",
            "cost",
            "currency",
            "beneficiaries_direct",
            "is_sensitive",
            "seeks_partner_expertise",
            "dream_id",
            "version",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = _PROJECT_HELP

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, project: Project) -> str:
        return reverse("api:project-detail", kwargs={"pk": project.pk})


class ProjectLocationSerializer(serializers.ModelSerializer[ProjectLocation]):
    latitude = serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        coerce_to_string=False,
        read_only=True,
        allow_null=True,
        help_text=_("Latitude (WGS 84); null if not given."),
    )
    longitude = serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        coerce_to_string=False,
        read_only=True,
        allow_null=True,
        help_text=_("Longitude (WGS 84); null if not given."),
    )

    class Meta:
        model = ProjectLocation
        fields = ["katottg", "name", "latitude", "longitude", "description"]
        read_only_fields = fields
        extra_kwargs = {
            "katottg": {"help_text": _("KATOTTG code of the place, down to settlement level.")},
            "name": {"help_text": _("Name of the place.")},
            "description": {"help_text": _("Address or description.")},
        }


class ProjectTotalsSerializer(serializers.Serializer[Any]):
    cost = amount_field(allow_null=True, help_text=_("Total cost; null if not known."))
    currency = currency_field(help_text=_("Currency of every amount here (the project's currency)."))
    financing_total = amount_field(
        allow_null=True,
        help_text=_("All financing lines converted to the project's currency; null if a rate is missing."),
    )
    committed = amount_field(
        allow_null=True, help_text=_("Financing committed or disbursed, converted; null if a rate is missing.")
    )
    gap = amount_field(
        allow_null=True,
        help_text=_("Funding gap: cost minus committed financing; null when the cost or a rate is missing."),
    )
    local_share_pct = serializers.DecimalField(
        max_digits=7,
        decimal_places=2,
        allow_null=True,
        help_text=_(
            "Local co-financing (hromada budget) as a percentage of the cost; null when it cannot be computed."
        ),
    )
    by_status = serializers.DictField(
        child=serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True),
        help_text=_("Financing converted to the project's currency, by status (identified, requested, …)."),
    )


def totals_data(project: Project) -> dict[str, Any]:
    totals = money.totals(project)
    by_status = getattr(totals, "by_status", None) or {}
    return {
        "cost": totals.cost,
        "currency": totals.currency,
        "financing_total": totals.financing_total,
        "committed": totals.committed,
        "gap": totals.gap,
        "local_share_pct": totals.local_share_pct,
        "by_status": {str(key): value for key, value in dict(by_status).items()},
    }


class ProjectPublicDetailSerializer(ProjectSerializer):
    """The public fiche: everything but the internal parts. Sensitive sites show no locations."""

    locations = serializers.SerializerMethodField(
        help_text=_("Where the project is; always empty for a sensitive site (its hromada only is public).")
    )
    totals = serializers.SerializerMethodField(help_text=_("Computed totals: financing, funding gap, local share."))

    class Meta(ProjectSerializer.Meta):
        fields = [
            *ProjectSerializer.Meta.fields,
            "problem_uk",
            "problem_en",
            "objective_uk",
            "objective_en",
            "outputs_uk",
            "outputs_en",
            "results_uk",
            "results_en",
            "sustainability_uk",
            "sustainability_en",
            "sdg_targets",
            "acquis_chapters",
            "policy_markers",
            "bbb_features",
            "beneficiaries_indirect",
            "beneficiary_groups",
            "prozorro_ids",
            "locations",
            "totals",
            "created_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            **_PROJECT_HELP,
            "problem_uk": {"help_text": _("The problem addressed, in Ukrainian.")},
            "problem_en": {"help_text": _("The problem addressed, in English.")},
            "objective_uk": {"help_text": _("Objective in Ukrainian.")},
            "objective_en": {"help_text": _("Objective in English.")},
            "outputs_uk": {"help_text": _("Outputs in Ukrainian.")},
            "outputs_en": {"help_text": _("Outputs in English.")},
            "results_uk": {"help_text": _("Expected results in Ukrainian.")},
            "results_en": {"help_text": _("Expected results in English.")},
            "sustainability_uk": {"help_text": _("Sustainability, operation and maintenance, in Ukrainian.")},
            "sustainability_en": {"help_text": _("Sustainability, operation and maintenance, in English.")},
            "sdg_targets": {"help_text": _("SDG targets, e.g. 11.5.")},
            "acquis_chapters": {"help_text": _("EU acquis chapters concerned.")},
            "policy_markers": {
                "help_text": _(
                    "OECD DAC policy markers: marker code to significance (0 not targeted to 4 explicit primary objective)."
                )
            },
            "bbb_features": {"help_text": _("Build-back-better features.")},
            "beneficiaries_indirect": {"help_text": _("Number of indirect beneficiaries; null if not known.")},
            "beneficiary_groups": {"help_text": _("Direct beneficiaries by group (women, men, girls, boys, IDPs, …).")},
            "prozorro_ids": {"help_text": _("Prozorro tender identifiers.")},
            "created_at": {"help_text": _("When the fiche was created.")},
        }

    @extend_schema_field(ProjectLocationSerializer(many=True))
    def get_locations(self, project: Project) -> list[dict[str, Any]]:
        if project.is_sensitive:
            return []
        return list(ProjectLocationSerializer(project.locations.all(), many=True).data)

    @extend_schema_field(ProjectTotalsSerializer)
    def get_totals(self, project: Project) -> dict[str, Any]:
        return dict(ProjectTotalsSerializer(totals_data(project)).data)


class ProjectBudgetLineSerializer(serializers.ModelSerializer[BudgetLine]):
    cost_type = NamedChoiceField(
        enum_name="ProjectCostTypeEnum", choices=COST_TYPES, read_only=True, help_text=_("Capital or operating cost.")
    )
    amount = amount_field(read_only=True, help_text=_("Amount, as a decimal string."))
    currency = currency_field(read_only=True, help_text=_("Currency of the amount."))

    class Meta:
        model = BudgetLine
        fields = ["cost_item", "cost_type", "amount", "currency", "description"]
        read_only_fields = fields
        extra_kwargs = {
            "cost_item": {"help_text": _("Cost item (DREAM codelist).")},
            "description": {"help_text": _("What the amount is for.")},
        }


class ProjectFinancingLineSerializer(serializers.ModelSerializer[FinancingLine]):
    amount = amount_field(read_only=True, help_text=_("Amount, as a decimal string."))
    currency = currency_field(read_only=True, help_text=_("Currency of the amount."))
    status = NamedChoiceField(
        enum_name="FinancingStatusEnum",
        choices=FinancingStatus.choices,
        read_only=True,
        help_text=_("How far the financing is secured."),
    )

    class Meta:
        model = FinancingLine
        fields = ["finance_type", "finance_category", "funder", "amount", "currency", "status"]
        read_only_fields = fields
        extra_kwargs = {
            "finance_type": {
                "help_text": _("Finance type (DREAM codelist: internationalPartners, stateFunds, privateInvestments).")
            },
            "finance_category": {
                "help_text": _("Finance category (DREAM codelist: localBudget, internationalOrganization, …).")
            },
            "funder": {"help_text": _("Who finances; empty if not known yet.")},
        }


class ProjectRiskSerializer(serializers.ModelSerializer[Risk]):
    class Meta:
        model = Risk
        fields = ["description", "likelihood", "impact", "mitigation"]
        read_only_fields = fields
        extra_kwargs = {
            "description": {"help_text": _("The risk.")},
            "likelihood": {"help_text": _("Likelihood, 1 (rare) to 5 (almost certain).")},
            "impact": {"help_text": _("Impact, 1 (minor) to 5 (severe).")},
            "mitigation": {"help_text": _("How the risk is reduced.")},
        }


class ProjectPartySerializer(serializers.ModelSerializer[ProjectParty]):
    class Meta:
        model = ProjectParty
        fields = ["role", "name", "edrpou"]
        read_only_fields = fields
        extra_kwargs = {
            "role": {"help_text": _("Role in the project (DREAM parties roles).")},
            "name": {"help_text": _("Name of the organisation.")},
            "edrpou": {"help_text": _("EDRPOU code (8 digits); empty if not given.")},
        }


class ProjectDocumentSerializer(serializers.ModelSerializer[ProjectDocument]):
    url = serializers.SerializerMethodField(help_text=_("Address of the document in the API (for removing it)."))
    link = serializers.URLField(
        source="url", read_only=True, help_text=_("Address of a linked document; empty for a file.")
    )
    file_name = serializers.SerializerMethodField(help_text=_("Name of the uploaded file; empty for a link."))

    class Meta:
        model = ProjectDocument
        fields = ["id", "url", "document_type", "title", "link", "file_name", "created_at"]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": _("Identifier of the document.")},
            "document_type": {"help_text": _("Document type (DREAM codelist).")},
            "title": {"help_text": _("Title of the document.")},
            "created_at": {"help_text": _("When the document was added.")},
        }

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, document: ProjectDocument) -> str:
        return reverse("api:project-document", kwargs={"pk": document.project_id, "document_pk": document.pk})

    def get_file_name(self, document: ProjectDocument) -> str:
        return (document.file.name or "").rsplit("/", 1)[-1] if document.file else ""


class ProjectTransitionSerializer(serializers.ModelSerializer[ProjectTransition]):
    from_state = state_field(read_only=True, help_text=_("Stage before the step."))
    to_state = state_field(read_only=True, help_text=_("Stage after the step."))
    actor = serializers.SerializerMethodField(help_text=_("Who took the step; empty if the account is gone."))

    class Meta:
        model = ProjectTransition
        fields = ["from_state", "to_state", "reason", "actor", "at"]
        read_only_fields = fields
        extra_kwargs = {
            "reason": {"help_text": _("Why the step was taken.")},
            "at": {"help_text": _("When the step was taken.")},
        }

    def get_actor(self, transition: ProjectTransition) -> str:
        actor = transition.actor
        if actor is None:
            return ""
        return str(actor.get_full_name() or actor.email)


class ProjectFicheSerializer(ProjectPublicDetailSerializer):
    """The full fiche, for those who may see the project's internal parts."""

    locations = serializers.SerializerMethodField(help_text=_("Where the project is, with exact coordinates."))
    plan: serializers.PrimaryKeyRelatedField[Plan] = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text=_("Identifier of the recovery plan; null if none.")
    )
    plan_tasks: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text=_("Identifiers of the plan tasks (goal tree items) the project serves.")
    )
    budget_lines = ProjectBudgetLineSerializer(many=True, read_only=True, help_text=_("Budget breakdown by cost item."))
    financing_lines = ProjectFinancingLineSerializer(many=True, read_only=True, help_text=_("Sources of financing."))
    risks = ProjectRiskSerializer(many=True, read_only=True, help_text=_("Risks and their mitigation."))
    parties = ProjectPartySerializer(
        many=True, read_only=True, help_text=_("Organisations with a role in the project.")
    )
    documents = ProjectDocumentSerializer(many=True, read_only=True, help_text=_("Documents (metadata only)."))
    transitions = ProjectTransitionSerializer(
        many=True, read_only=True, help_text=_("History of lifecycle steps, oldest first.")
    )

    class Meta(ProjectPublicDetailSerializer.Meta):
        fields = [
            *ProjectPublicDetailSerializer.Meta.fields,
            "plan",
            "plan_tasks",
            "assessment_dimensions",
            "budget_lines",
            "financing_lines",
            "risks",
            "parties",
            "documents",
            "transitions",
        ]
        read_only_fields = fields
        extra_kwargs = {
            **ProjectPublicDetailSerializer.Meta.extra_kwargs,
            "assessment_dimensions": {"help_text": _("Assessment dimensions whose gaps the project addresses.")},
        }

    @extend_schema_field(ProjectLocationSerializer(many=True))
    def get_locations(self, project: Project) -> list[dict[str, Any]]:
        return list(ProjectLocationSerializer(project.locations.all(), many=True).data)


class ProjectConflictSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField(help_text=_("What went wrong, in the language of the request."))
    current_version = serializers.IntegerField(help_text=_("The version saved now; send it to save on top of it."))
    current = ProjectFicheSerializer(help_text=_("The fiche as saved now by someone else."))


class ProjectLifecycleSerializer(serializers.Serializer[Any]):
    state = state_field(help_text=_("Stage the project is in now."))
    allowed = serializers.ListField(
        child=state_field(),
        help_text=_("Stages you may move the project to now (funding decisions and evaluation: programme staff only)."),
    )
    history = ProjectTransitionSerializer(many=True, help_text=_("Steps taken so far, oldest first."))


class ExchangeRateSerializer(serializers.ModelSerializer[ExchangeRate]):
    currency = currency_field(read_only=True, help_text=_("The currency whose rate is given."))
    uah_per_unit = serializers.DecimalField(
        max_digits=12, decimal_places=6, read_only=True, help_text=_("Hryvnias per unit, as a decimal string.")
    )

    class Meta:
        model = ExchangeRate
        fields = ["id", "currency", "valid_on", "uah_per_unit", "source", "updated_at"]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": _("Identifier of the rate.")},
            "valid_on": {"help_text": _("Date of the rate.")},
            "source": {"help_text": _("Where the rate comes from, e.g. the NBU.")},
            "updated_at": {"help_text": _("Last change of the rate.")},
        }


class ExchangeRatesImportedSerializer(serializers.Serializer[Any]):
    imported = serializers.IntegerField(help_text=_("Number of rates saved (new or changed)."))
    rates = ExchangeRateSerializer(many=True, help_text=_("The rates saved."))


# --- requests ------------------------------------------------------------------------------------


class ProjectQuerySerializer(serializers.Serializer[Any]):
    hromada = serializers.RegexField(
        KATOTTG_PATTERN,
        required=False,
        help_text=_("KATOTTG code of the hromada."),
        error_messages={"invalid": KATOTTG_ERROR},
    )
    programme = serializers.SlugField(required=False, max_length=50, help_text=_("Short name (slug) of the programme."))
    state = state_field(required=False, help_text=_("Stage of the lifecycle."))
    sector = serializers.RegexField(
        r"^[A-Za-z][A-Za-z0-9.]{0,59}$",
        required=False,
        help_text=_("Sector code (OC4IDS projectSector), e.g. transport.road."),
        error_messages={"invalid": _("Enter a sector code from the OC4IDS projectSector codelist.")},
    )
    readiness = serializers.IntegerField(required=False, min_value=0, max_value=6, help_text=READINESS_HELP)
    has_gap = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_(
            "true: only projects with a funding gap (cost not covered by committed financing); false: only "
            "those without a known gap."
        ),
    )


class ProjectLocationWriteSerializer(serializers.Serializer[Any]):
    katottg = serializers.RegexField(
        KATOTTG_PATTERN, help_text=_("KATOTTG code of the place."), error_messages={"invalid": KATOTTG_ERROR}
    )
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, help_text=_("Name of the place."))
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True, help_text=_("Latitude (WGS 84).")
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True, help_text=_("Longitude (WGS 84).")
    )
    description = serializers.CharField(
        max_length=300, required=False, allow_blank=True, help_text=_("Address or description.")
    )


class ProjectBudgetLineWriteSerializer(serializers.Serializer[Any]):
    cost_item = serializers.CharField(max_length=30, help_text=_("Cost item (DREAM codelist)."))
    cost_type = NamedChoiceField(enum_name="ProjectCostTypeEnum", choices=COST_TYPES, help_text=_("capex or opex."))
    amount = amount_field(min_value=Decimal(0), help_text=_("Amount, not negative."))
    currency = currency_field(help_text=_("Currency of the amount."))
    description = serializers.CharField(
        max_length=300, required=False, allow_blank=True, help_text=_("What the amount is for.")
    )


class ProjectFinancingLineWriteSerializer(serializers.Serializer[Any]):
    finance_type = serializers.CharField(max_length=30, help_text=_("Finance type (DREAM codelist)."))
    finance_category = serializers.CharField(max_length=30, help_text=_("Finance category (DREAM codelist)."))
    funder = serializers.CharField(max_length=300, required=False, allow_blank=True, help_text=_("Who finances."))
    amount = amount_field(min_value=Decimal(0), help_text=_("Amount, not negative."))
    currency = currency_field(help_text=_("Currency of the amount."))
    status = NamedChoiceField(
        enum_name="FinancingStatusEnum",
        choices=FinancingStatus.choices,
        default=FinancingStatus.IDENTIFIED,
        help_text=_("How far the financing is secured; default identified."),
    )


class ProjectRiskWriteSerializer(serializers.Serializer[Any]):
    description = serializers.CharField(help_text=_("The risk."))
    likelihood = serializers.IntegerField(min_value=1, max_value=5, help_text=_("Likelihood, 1 to 5."))
    impact = serializers.IntegerField(min_value=1, max_value=5, help_text=_("Impact, 1 to 5."))
    mitigation = serializers.CharField(required=False, allow_blank=True, help_text=_("How the risk is reduced."))


class ProjectPartyWriteSerializer(serializers.Serializer[Any]):
    role = serializers.CharField(max_length=30, help_text=_("Role in the project (DREAM parties roles)."))
    name = serializers.CharField(max_length=300, help_text=_("Name of the organisation."))
    edrpou = serializers.RegexField(
        r"^\d{8}$",
        required=False,
        allow_blank=True,
        help_text=_("EDRPOU code, 8 digits."),
        error_messages={"invalid": _("An EDRPOU code has 8 digits.")},
    )


def _text(help_text: Any, max_length: int | None = None) -> serializers.CharField:
    return serializers.CharField(required=False, allow_blank=True, max_length=max_length, help_text=help_text)


def _codes(help_text: Any) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, max_length=MAX_LINES, help_text=help_text
    )


def _rows(serializer: type[serializers.Serializer[Any]], help_text: Any) -> serializers.ListSerializer[Any]:
    return serializers.ListSerializer(child=serializer(), required=False, max_length=MAX_LINES, help_text=help_text)


class ProjectChangeSerializer(serializers.Serializer[Any]):
    """Fields of a fiche; left out means unchanged. A list sent replaces all existing rows of that list."""

    title_uk = serializers.CharField(max_length=500, required=False, help_text=_("Title in Ukrainian."))
    title_en = _text(_("Title in English."), 500)
    description_uk = _text(_("Description in Ukrainian."))
    description_en = _text(_("Description in English."))
    problem_uk = _text(_("The problem addressed, in Ukrainian."))
    problem_en = _text(_("The problem addressed, in English."))
    objective_uk = _text(_("Objective in Ukrainian."))
    objective_en = _text(_("Objective in English."))
    outputs_uk = _text(_("Outputs in Ukrainian."))
    outputs_en = _text(_("Outputs in English."))
    results_uk = _text(_("Expected results in Ukrainian."))
    results_en = _text(_("Expected results in English."))
    sustainability_uk = _text(_("Sustainability, operation and maintenance, in Ukrainian."))
    sustainability_en = _text(_("Sustainability, operation and maintenance, in English."))
    programme = serializers.SlugField(
        max_length=50,
        required=False,
        allow_blank=True,
        help_text=_("Short name (slug) of the programme; empty for none."),
    )
    plan = serializers.IntegerField(
        min_value=1,
        required=False,
        allow_null=True,
        help_text=_("Identifier of the hromada's recovery plan; null for none."),
    )
    plan_tasks = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        max_length=MAX_LINES,
        help_text=_("Identifiers of the plan tasks (goal tree items) the project serves."),
    )
    assessment_dimensions = _codes(_("Assessment dimensions whose gaps the project addresses."))
    purpose = NamedChoiceField(
        enum_name="ProjectPurposeEnum",
        choices=Purpose.choices,
        required=False,
        help_text=_("Restoration or development."),
    )
    project_type = _text(_("Project type (OC4IDS projectType codelist)."), 30)
    sectors = _codes(_("Sectors (OC4IDS projectSector codelist)."))
    purpose_codes = _codes(_("DAC-CRS purpose codes (5 digits)."))
    sdg_targets = _codes(_("SDG targets, e.g. 11.5."))
    acquis_chapters = _codes(_("EU acquis chapters."))
    policy_markers = serializers.DictField(
        child=serializers.IntegerField(min_value=0, max_value=4),
        required=False,
        help_text=_('OECD DAC policy markers (1–12): marker code to significance (0 to 4), e.g. {"10": 2}.'),
    )
    bbb_features = _codes(_("Build-back-better features."))
    readiness = serializers.IntegerField(required=False, min_value=0, max_value=6, help_text=READINESS_HELP)
    starts_on = serializers.DateField(required=False, allow_null=True, help_text=_("Planned start (YYYY-MM-DD)."))
    ends_on = serializers.DateField(required=False, allow_null=True, help_text=_("Planned end, not before the start."))
    cost = amount_field(
        min_value=Decimal(0),
        required=False,
        allow_null=True,
        help_text=_("Total cost, not negative; null if not known."),
    )
    currency = currency_field(required=False, help_text=_("Currency of the total cost."))
    beneficiaries_direct = serializers.IntegerField(
        min_value=0, required=False, allow_null=True, help_text=_("Number of direct beneficiaries.")
    )
    beneficiaries_indirect = serializers.IntegerField(
        min_value=0, required=False, allow_null=True, help_text=_("Number of indirect beneficiaries.")
    )
    beneficiary_groups = serializers.DictField(
        child=serializers.IntegerField(min_value=0),
        required=False,
        help_text=_("Direct beneficiaries by group: women, men, girls, boys, idps, veterans, disabilities."),
    )
    is_sensitive = serializers.BooleanField(
        required=False, help_text=_("A shelter or critical infrastructure: exact locations are kept private.")
    )
    seeks_partner_expertise = serializers.BooleanField(
        required=False, help_text=_("The hromada looks for expertise from a partner municipality.")
    )
    dream_id = _text(_("Identifier of the project in DREAM."), 100)
    prozorro_ids = _codes(_("Prozorro tender identifiers."))
    locations = _rows(ProjectLocationWriteSerializer, _("Where the project is; replaces every location."))
    budget_lines = _rows(ProjectBudgetLineWriteSerializer, _("Budget breakdown; replaces every budget line."))
    financing_lines = _rows(
        ProjectFinancingLineWriteSerializer, _("Sources of financing; replaces every financing line.")
    )
    risks = _rows(ProjectRiskWriteSerializer, _("Risks; replaces every risk."))
    parties = _rows(ProjectPartyWriteSerializer, _("Organisations with a role; replaces every party."))


class ProjectCreateSerializer(ProjectChangeSerializer):
    hromada = serializers.RegexField(
        KATOTTG_PATTERN,
        help_text=_("KATOTTG code of the hromada the project belongs to."),
        error_messages={"invalid": KATOTTG_ERROR},
    )
    title_uk = serializers.CharField(max_length=500, help_text=_("Title in Ukrainian."))


class ProjectUpdateSerializer(ProjectChangeSerializer):
    version = serializers.IntegerField(
        min_value=1, help_text=_("The fiche's edit counter as you read it; a newer one on the server gives 409.")
    )


class ProjectTransitionStepSerializer(serializers.Serializer[Any]):
    to_state = state_field(help_text=_("Stage to move the project to."))
    reason = serializers.CharField(max_length=5000, help_text=_("Why the step is taken; kept in the history."))


class ProjectDocumentUploadSerializer(serializers.Serializer[Any]):
    document_type = serializers.CharField(max_length=30, help_text=_("Document type (DREAM codelist)."))
    title = serializers.CharField(max_length=300, help_text=_("Title of the document."))
    file = serializers.FileField(help_text=_("The document; its content is checked (PDF, office documents, images)."))


class ProjectDocumentLinkSerializer(serializers.Serializer[Any]):
    document_type = serializers.CharField(max_length=30, help_text=_("Document type (DREAM codelist)."))
    title = serializers.CharField(max_length=300, help_text=_("Title of the document."))
    url = serializers.URLField(max_length=1000, help_text=_("Address of the document online (https)."))


class ProjectDocumentAddSerializer(serializers.Serializer[Any]):
    """Either a file (multipart) or a link (JSON), not both."""

    document_type = serializers.CharField(max_length=30)
    title = serializers.CharField(max_length=300)
    file = serializers.FileField(required=False, allow_null=True, default=None)
    url = serializers.URLField(max_length=1000, required=False, allow_blank=True, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("file") and attrs.get("url"):
            raise serializers.ValidationError({"url": [gettext("Send a file or a link, not both.")]})
        if not attrs.get("file") and not attrs.get("url"):
            raise serializers.ValidationError({"file": [gettext("Send a file (multipart) or a link (url).")]})
        return attrs


class ExchangeRateQuerySerializer(serializers.Serializer[Any]):
    currency = currency_field(required=False, help_text=_("Only this currency."))
    date = serializers.DateField(
        required=False,
        help_text=_(
            "Only the rates in force on this date (YYYY-MM-DD): for each currency the latest rate on or before it, "
            "as conversions use."
        ),
    )


class ExchangeRateSetSerializer(serializers.Serializer[Any]):
    currency = NamedChoiceField(
        enum_name="ProjectForeignCurrencyEnum",
        choices=[(value, label) for value, label in Currency.choices if value != Currency.UAH],
        help_text=_("The currency whose rate is given (the hryvnia needs none)."),
    )
    valid_on = serializers.DateField(help_text=_("Date of the rate (YYYY-MM-DD)."))
    uah_per_unit = serializers.DecimalField(
        max_digits=12, decimal_places=6, min_value=Decimal("0.000001"), help_text=_("Hryvnias per unit, more than 0.")
    )
    # "source" shadows Field.source only in the type stubs; DRF's metaclass collects it as a field.
    source = serializers.CharField(  # type: ignore[assignment]
        max_length=200, required=False, allow_blank=True, default="", help_text=_("Where the rate comes from.")
    )


class ExchangeRateImportSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(
        help_text=_("CSV file with the columns currency, date (YYYY-MM-DD), uah_per_unit and optionally source.")
    )


# --- helpers -------------------------------------------------------------------------------------


def validated(serializer_class: type[serializers.Serializer[Any]], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    if not serializer.is_valid():
        raise serializers.ValidationError(flat_errors(serializer.errors))
    return dict(serializer.validated_data)


def flat_errors(errors: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested errors as {"financing_lines[2].amount": [...]}, the keys the services use."""
    flat: dict[str, list[str]] = {}
    if isinstance(errors, dict):
        for key, value in errors.items():
            name = str(key)
            if prefix and (isinstance(key, int) or name.isdigit()):
                name = f"{prefix}[{name}]"  # a row of a list
            elif prefix:
                name = prefix if name in {api_settings.NON_FIELD_ERRORS_KEY, NON_FIELD_ERRORS} else f"{prefix}.{name}"
            flat_into(flat, flat_errors(value, name) if isinstance(value, (dict, list)) else {name: [str(value)]})
    elif isinstance(errors, list):
        if all(not isinstance(item, (dict, list)) for item in errors):
            flat[prefix or api_settings.NON_FIELD_ERRORS_KEY] = [str(item) for item in errors]
        else:
            for index, item in enumerate(errors):
                flat_into(flat, flat_errors(item, f"{prefix}[{index}]"))
    return flat


def flat_into(target: dict[str, list[str]], more: dict[str, list[str]]) -> None:
    for key, messages in more.items():
        if messages:
            target.setdefault(key, []).extend(messages)


def service_error(error: DjangoValidationError) -> serializers.ValidationError:
    """A service's refusal as a 400 body: messages by field, the rest under non_field_errors."""
    detail = serializers.as_serializer_error(error)
    if NON_FIELD_ERRORS in detail:
        detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop(NON_FIELD_ERRORS)
    return serializers.ValidationError(detail)


def signed_in(request: Request) -> User:
    if not isinstance(request.user, User):
        raise NotAuthenticated
    return request.user


def projects_base() -> models.QuerySet[Project]:
    return Project.objects.select_related("hromada", "programme")


def project_fiche(pk: int) -> Project | None:
    return (
        projects_base()
        .prefetch_related(
            "locations",
            "budget_lines",
            "financing_lines",
            "risks",
            "parties",
            "documents",
            "plan_tasks",
            models.Prefetch("transitions", queryset=ProjectTransition.objects.select_related("actor")),
        )
        .filter(pk=pk)
        .first()
    )


def service_data(data: dict[str, Any]) -> dict[str, Any]:
    """The validated request as the services' data: programme and plan looked up (400 if unknown)."""
    data = dict(data)
    if "programme" in data:
        slug = data["programme"]
        programme = Programme.objects.filter(slug=slug).first() if slug else None
        if slug and programme is None:
            raise serializers.ValidationError({"programme": [gettext("No programme has this short name.")]})
        data["programme"] = programme
    if "plan" in data:
        plan_id = data["plan"]
        plan = Plan.objects.filter(pk=plan_id).first() if plan_id else None
        if plan_id and plan is None:
            raise serializers.ValidationError({"plan": [gettext("No plan has this identifier.")]})
        data["plan"] = plan
    return data


def detail_data(project: Project, user: AnyUser) -> dict[str, Any]:
    """The full fiche for those who may see the internal parts, the public one for everyone else."""
    if access.can(user, Action.VIEW_PRIVATE, project):
        return dict(ProjectFicheSerializer(project).data)
    return dict(ProjectPublicDetailSerializer(project).data)


def has_gap(project: Project, rates: money.RateTable) -> bool:
    gap = money.totals(project, rates=rates).gap
    return gap is not None and gap > 0


def current_action(view: viewsets.GenericViewSet[Any]) -> str | None:
    """The viewset action of the request; parsers are chosen before DRF sets ``view.action``."""
    action: str | None = getattr(view, "action", None)
    request = getattr(view, "request", None)
    if action is None and request is not None and request.method:
        action = getattr(view, "action_map", {}).get(request.method.lower())
    return action


def rates_in_force(rates: models.QuerySet[ExchangeRate], on: datetime.date) -> list[ExchangeRate]:
    chosen: list[ExchangeRate] = []
    for currency in Currency.values:
        rate = rates.filter(currency=currency, valid_on__lte=on).order_by("-valid_on").first()
        if rate is not None:
            chosen.append(rate)
    return chosen


PROJECT_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description=_("Identifier of the project."))
DOCUMENT_ID = OpenApiParameter("document_pk", int, OpenApiParameter.PATH, description=_("Identifier of the document."))
BAD_REQUEST = OpenApiResponse(
    VALIDATION_ERROR_SCHEMA,
    description=_("Something sent is not valid; see why, by field (rows as financing_lines[2].amount)."),
)
UNAUTHORISED = OpenApiResponse(ErrorSerializer, description=_("No valid token or session."))
FORBIDDEN = OpenApiResponse(
    ErrorSerializer,
    description=_("You may see this project but not change it (the hromada's editors and programme staff only)."),
)
NOT_FOUND = OpenApiResponse(ErrorSerializer, description=_("No project that you may see has this identifier."))
PRIVATE_NOT_FOUND = OpenApiResponse(
    ErrorSerializer,
    description=_(
        "No project has this identifier, or you may not see its internal parts (programme staff, the hromada's "
        "members and the programme's partner experts may)."
    ),
)
CONFLICT = OpenApiResponse(
    ProjectConflictSerializer, description=_("Someone else changed the fiche since you read it; nothing was saved.")
)
STAFF_ONLY = OpenApiResponse(ErrorSerializer, description=_("Programme staff only."))
PRIVATE_READ = Requirement(Action.VIEW_PRIVATE, visible_with=Action.VIEW_PRIVATE)
PRIVATE_WRITE = Requirement(Action.EDIT, visible_with=Action.VIEW_PRIVATE)

FICHE_EXAMPLE = {
    "title_uk": "Капітальний ремонт амбулаторії",
    "title_en": "Major repair of the outpatient clinic",
    "purpose": "restoration",
    "project_type": "rehabilitation",
    "sectors": ["health"],
    "readiness": 1,
    "starts_on": "2027-03-01",
    "ends_on": "2027-12-31",
    "cost": "12500000.00",
    "currency": "UAH",
    "budget_lines": [{"cost_item": "construction", "cost_type": "capex", "amount": "12500000.00", "currency": "UAH"}],
    "financing_lines": [
        {
            "finance_type": "stateFunds",
            "finance_category": "localBudget",
            "funder": "Бюджет громади",
            "amount": "1250000.00",
            "currency": "UAH",
            "status": "committed",
        }
    ],
}


class ProjectViewSet(viewsets.GenericViewSet[Any]):
    """/api/v1/projects/, /api/v1/projects/{pk}/ and the project's transitions and documents."""

    queryset = Project.objects.none()
    serializer_class = ProjectSerializer
    pagination_class = Pagination
    permission_classes = [AccessPolicy]
    renderer_classes = [JSONRenderer]
    access_requirements = {
        # Creation: anyone may try (401 without credentials); the hromada named in the body decides (403).
        "create": Requirement(Action.VIEW),
        "partial_update": Requirement(Action.EDIT),
        "transitions": PRIVATE_READ,
        # As on the page: the step itself is refused with 403 to anyone who may not edit the project.
        "transition": Requirement(Action.EDIT),
        "add_document": PRIVATE_WRITE,
        "remove_document": PRIVATE_WRITE,
    }

    def get_parsers(self) -> list[Any]:
        if current_action(self) == "add_document":
            return [JSONParser(), MultiPartParser(), FormParser()]
        return [JSONParser()]

    def get_queryset(self) -> models.QuerySet[Project]:
        if getattr(self, "swagger_fake_view", False):
            return Project.objects.none()
        return projects_base()

    def _project(self, pk: int) -> Project:
        """The project with its fiche: 404 if not visible, 403 if this action's requirement is not met."""
        project = project_fiche(pk)
        if project is None:
            raise Http404
        self.check_object_permissions(self.request, project)
        return project

    @extend_schema(
        summary=_("List project ideas"),
        description=_(
            "The portfolio of project ideas: public fields only, for everyone (no credentials needed). Filter by "
            "hromada, programme, lifecycle stage, sector, readiness and whether a funding gap remains. The full "
            "fiche of one project is at its address."
        ),
        parameters=[ProjectQuerySerializer],
        responses={200: ProjectSerializer(many=True), 400: BAD_REQUEST},
    )
    def list(self, request: Request) -> Response:
        query = validated(ProjectQuerySerializer, {k: v for k, v in request.query_params.items() if v != ""})
        projects = self.get_queryset()
        if query.get("hromada"):
            projects = projects.filter(hromada__katottg=query["hromada"])
        if query.get("programme"):
            projects = projects.filter(programme__slug=query["programme"])
        if query.get("state"):
            projects = projects.filter(state=query["state"])
        if query.get("sector"):
            # The JSON text of the list holds each code in quotes: "transport" does not match "transport.road".
            projects = projects.filter(sectors__icontains=f'"{query["sector"]}"')
        if query.get("readiness") is not None:
            projects = projects.filter(readiness=query["readiness"])
        results: Any = projects
        if query.get("has_gap") is not None:
            wanted = query["has_gap"]
            table = money.RateTable(timezone.localdate())
            results = [p for p in projects.prefetch_related("financing_lines") if has_gap(p, table) == wanted]
        page = self.paginate_queryset(results)
        return self.get_paginated_response(ProjectSerializer(page, many=True).data)

    @extend_schema(
        summary=_("Create a project idea"),
        description=_(
            "Creates a project fiche for a hromada, in the stage “idea”. The hromada's editors and programme staff "
            "only. Lists sent (locations, budget and financing lines, risks, parties) become the fiche's rows. A wrong "
            "value is refused (400) naming the field, rows as financing_lines[2].amount, and nothing is saved."
        ),
        request=ProjectCreateSerializer,
        examples=[
            OpenApiExample("Clinic", value={"hromada": "UA32080070000050759", **FICHE_EXAMPLE}, request_only=True)
        ],
        responses={
            201: ProjectFicheSerializer,
            400: BAD_REQUEST,
            401: UNAUTHORISED,
            403: OpenApiResponse(ErrorSerializer, description=_("You may not create projects for this hromada.")),
        },
    )
    def create(self, request: Request) -> Response:
        user = signed_in(request)
        data = validated(ProjectCreateSerializer, request.data)
        code = data.pop("hromada")
        hromada = Hromada.objects.filter(katottg=code).first()
        if hromada is None:
            raise serializers.ValidationError(
                {"hromada": [gettext("No hromada has the KATOTTG code %(code)s.") % {"code": code}]}
            )
        access.require(user, Action.EDIT, hromada)  # as on the page: 403 before anything else is looked up
        try:
            project = services.project_create(acting_user=user, hromada=hromada, data=service_data(data))
        except DjangoValidationError as error:
            raise service_error(error) from error
        fiche = project_fiche(project.pk)
        return Response(ProjectFicheSerializer(fiche).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Get a project idea"),
        description=_(
            "The project's fiche. Everyone gets the public fiche (for a sensitive site without its locations). "
            "Programme staff, the hromada's members and the programme's partner experts get the full fiche, with "
            "exact locations, the budget and financing lines, risks, parties, documents and the history: its "
            "schema is ProjectFiche."
        ),
        parameters=[PROJECT_ID],
        responses={
            200: OpenApiResponse(
                PolymorphicProxySerializer(
                    component_name="ProjectPublicOrFullFiche",
                    serializers=[ProjectFicheSerializer, ProjectPublicDetailSerializer],
                    resource_type_field_name=None,
                ),
                description=_("The full fiche for those who may see it, the public fiche for everyone else."),
            ),
            404: NOT_FOUND,
        },
    )
    def retrieve(self, request: Request, pk: int) -> Response:
        return Response(detail_data(self._project(pk), request.user))

    @extend_schema(
        summary=_("Change a project idea"),
        description=_(
            "Changes the fiche; fields left out keep their value, and a list sent replaces all rows of that list. "
            "Send the version you read: if someone saved in between, nothing is saved and the answer is 409 with "
            "the fiche as saved now. The lifecycle stage changes through the transitions endpoint."
        ),
        parameters=[PROJECT_ID],
        request=ProjectUpdateSerializer,
        examples=[OpenApiExample("New cost", value={"version": 3, "cost": "13000000.00"}, request_only=True)],
        responses={
            200: ProjectFicheSerializer,
            400: BAD_REQUEST,
            401: UNAUTHORISED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def partial_update(self, request: Request, pk: int) -> Response:
        user = signed_in(request)
        project = self._project(pk)
        data = validated(ProjectUpdateSerializer, request.data)
        expected = data.pop("version")
        try:
            services.project_update(
                acting_user=user, project=project, data=service_data(data), expected_version=expected
            )
        except EditConflict:
            current = self._project(pk)
            body = {
                "detail": gettext(
                    "Someone else changed this project since you read it. Nothing was saved; compare with the values "
                    "saved now and send your change again with the current version."
                ),
                "current_version": current.version,
                "current": ProjectFicheSerializer(current).data,
            }
            return Response(body, status=status.HTTP_409_CONFLICT)
        except DjangoValidationError as error:
            raise service_error(error) from error
        return Response(ProjectFicheSerializer(project_fiche(pk)).data)

    def _transitions_body(self, project: Project) -> dict[str, Any]:
        return dict(
            ProjectLifecycleSerializer(
                {
                    "state": project.state,
                    "allowed": services.allowed_transitions(self.request.user, project),
                    "history": list(project.transitions.all()),
                }
            ).data
        )

    @extend_schema(
        summary=_("Lifecycle of a project idea"),
        description=_(
            "The current stage, the stages you may move the project to now, and every step taken so far with its "
            "reason. Internal: programme staff, the hromada's members and the programme's partner experts."
        ),
        parameters=[PROJECT_ID],
        responses={200: ProjectLifecycleSerializer, 404: PRIVATE_NOT_FOUND},
    )
    def transitions(self, request: Request, pk: int) -> Response:
        return Response(self._transitions_body(self._project(pk)))

    @extend_schema(
        summary=_("Move a project idea to another stage"),
        description=_(
            "Takes one step of the lifecycle, with a reason kept in the history. Only the steps allowed from the "
            "current stage are possible (400 otherwise); funding decisions (approved, refused) and the ex-post "
            "evaluation are for programme staff (403 for others)."
        ),
        parameters=[PROJECT_ID],
        request=ProjectTransitionStepSerializer,
        examples=[
            OpenApiExample("Concept", value={"to_state": "concept", "reason": "Концепцію погоджено"}, request_only=True)
        ],
        responses={
            200: ProjectLifecycleSerializer,
            400: BAD_REQUEST,
            401: UNAUTHORISED,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def transition(self, request: Request, pk: int) -> Response:
        user = signed_in(request)
        project = self._project(pk)
        data = validated(ProjectTransitionStepSerializer, request.data)
        try:
            services.project_transition(
                acting_user=user, project=project, to_state=data["to_state"], reason=data["reason"]
            )
        except DjangoValidationError as error:
            raise service_error(error) from error
        return Response(self._transitions_body(self._project(pk)))

    @extend_schema(
        summary=_("Add a document to a project idea"),
        description=_(
            "Adds a document typed by the DREAM codelist: a file sent as multipart/form-data (its content is "
            "checked, not its name) or a link sent as JSON. The hromada's editors and programme staff only."
        ),
        parameters=[PROJECT_ID],
        request={
            "multipart/form-data": ProjectDocumentUploadSerializer,
            "application/json": ProjectDocumentLinkSerializer,
        },
        examples=[
            OpenApiExample(
                "Link",
                value={
                    "document_type": "feasibilityStudy",
                    "title": "ТЕО",
                    "url": "https://example.org/teo.pdf",
                },
                request_only=True,
            )
        ],
        responses={
            201: ProjectDocumentSerializer,
            400: BAD_REQUEST,
            401: UNAUTHORISED,
            403: FORBIDDEN,
            404: PRIVATE_NOT_FOUND,
        },
    )
    def add_document(self, request: Request, pk: int) -> Response:
        user = signed_in(request)
        project = self._project(pk)
        data = validated(ProjectDocumentAddSerializer, request.data)
        try:
            document = services.document_add(
                acting_user=user,
                project=project,
                document_type=data["document_type"],
                title=data["title"],
                file=data["file"],
                url=data["url"],
            )
        except DjangoValidationError as error:
            raise service_error(error) from error
        return Response(ProjectDocumentSerializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Remove a document from a project idea"),
        description=_("Removes the document (and its file). The hromada's editors and programme staff only."),
        parameters=[PROJECT_ID, DOCUMENT_ID],
        responses={
            204: None,
            401: UNAUTHORISED,
            403: FORBIDDEN,
            404: OpenApiResponse(
                ErrorSerializer, description=_("No such document of a project whose internal parts you may see.")
            ),
        },
    )
    def remove_document(self, request: Request, pk: int, document_pk: int) -> Response:
        user = signed_in(request)
        project = self._project(pk)
        document = project.documents.filter(pk=document_pk).first()
        if document is None:
            raise Http404
        services.document_remove(acting_user=user, document=document)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ExchangeRateViewSet(viewsets.GenericViewSet[Any]):
    """/api/v1/exchange-rates/ and /api/v1/exchange-rates/import/."""

    queryset = ExchangeRate.objects.none()
    serializer_class = ExchangeRateSerializer
    pagination_class = Pagination
    permission_classes = [AccessPolicy]
    renderer_classes = [JSONRenderer]
    # Programme staff anywhere (401 without credentials, 403 for others); the services check again.
    access_requirements = {"create": Requirement(Action.VIEW_PRIVATE), "import_csv": Requirement(Action.VIEW_PRIVATE)}

    def get_parsers(self) -> list[Any]:
        if current_action(self) == "import_csv":
            return [MultiPartParser(), FormParser()]
        return [JSONParser()]

    def get_queryset(self) -> models.QuerySet[ExchangeRate]:
        if getattr(self, "swagger_fake_view", False):
            return ExchangeRate.objects.none()
        return ExchangeRate.objects.order_by("currency", "-valid_on", "pk")

    @extend_schema(
        summary=_("List exchange rates"),
        description=_(
            "The dated rates (hryvnias per unit) that the platform uses to convert amounts, newest first per "
            "currency. Public. With date, only the rate in force on that day for each currency."
        ),
        parameters=[ExchangeRateQuerySerializer],
        responses={200: ExchangeRateSerializer(many=True), 400: BAD_REQUEST},
    )
    def list(self, request: Request) -> Response:
        query = validated(ExchangeRateQuerySerializer, {k: v for k, v in request.query_params.items() if v != ""})
        rates = self.get_queryset()
        if query.get("currency"):
            rates = rates.filter(currency=query["currency"])
        results: Any = rates_in_force(rates, query["date"]) if query.get("date") else rates
        page = self.paginate_queryset(results)
        return self.get_paginated_response(ExchangeRateSerializer(page, many=True).data)

    @extend_schema(
        summary=_("Set an exchange rate"),
        description=_(
            "Records the rate of a currency on a date (for example the NBU rate); a rate already recorded for that "
            "currency and date is replaced. Programme staff only."
        ),
        request=ExchangeRateSetSerializer,
        examples=[
            OpenApiExample(
                "Euro",
                value={"currency": "EUR", "valid_on": "2026-12-01", "uah_per_unit": "48.512300", "source": "НБУ"},
                request_only=True,
            )
        ],
        responses={201: ExchangeRateSerializer, 400: BAD_REQUEST, 401: UNAUTHORISED, 403: STAFF_ONLY},
    )
    def create(self, request: Request) -> Response:
        user = signed_in(request)
        data = validated(ExchangeRateSetSerializer, request.data)
        try:
            rate = rate_services.exchange_rate_set(
                acting_user=user,
                currency=data["currency"],
                valid_on=data["valid_on"],
                uah_per_unit=data["uah_per_unit"],
                source=data["source"],
            )
        except DjangoValidationError as error:
            raise service_error(error) from error
        return Response(ExchangeRateSerializer(rate).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Import exchange rates"),
        description=_(
            "Imports rates from a CSV file (multipart/form-data) with the columns currency, date, uah_per_unit and "
            "optionally source. All or nothing: a bad row is refused naming its row and column, and nothing is "
            "saved. Programme staff only."
        ),
        request={"multipart/form-data": ExchangeRateImportSerializer},
        responses={200: ExchangeRatesImportedSerializer, 400: BAD_REQUEST, 401: UNAUTHORISED, 403: STAFF_ONLY},
    )
    def import_csv(self, request: Request) -> Response:
        user = signed_in(request)
        upload = validated(ExchangeRateImportSerializer, request.data)["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise serializers.ValidationError({"file": [gettext("The file is larger than 2 MB.")]})
        try:
            rates = rate_services.exchange_rates_import(acting_user=user, data=upload.read(), filename=upload.name)
        except DjangoValidationError as error:
            detail = service_error(error).detail
            if isinstance(detail, dict) and set(detail) == {api_settings.NON_FIELD_ERRORS_KEY}:
                detail = {"file": detail[api_settings.NON_FIELD_ERRORS_KEY]}
            raise serializers.ValidationError(detail) from error
        body = {"imported": len(rates), "rates": rates}
        return Response(ExchangeRatesImportedSerializer(body).data)


urlpatterns: list[URLPattern] = [
    path("projects/", ProjectViewSet.as_view({"get": "list", "post": "create"}, detail=False), name="project-list"),
    path(
        "projects/<int:pk>/",
        ProjectViewSet.as_view({"get": "retrieve", "patch": "partial_update"}, detail=True),
        name="project-detail",
    ),
    path(
        "projects/<int:pk>/transitions/",
        ProjectViewSet.as_view({"get": "transitions", "post": "transition"}, detail=True),
        name="project-transitions",
    ),
    path(
        "projects/<int:pk>/documents/",
        ProjectViewSet.as_view({"post": "add_document"}, detail=True),
        name="project-documents",
    ),
    path(
        "projects/<int:pk>/documents/<int:document_pk>/",
        ProjectViewSet.as_view({"delete": "remove_document"}, detail=True),
        name="project-document",
    ),
    path(
        "exchange-rates/",
        ExchangeRateViewSet.as_view({"get": "list", "post": "create"}, detail=False),
        name="exchange-rate-list",
    ),
    path(
        "exchange-rates/import/",
        ExchangeRateViewSet.as_view({"post": "import_csv"}, detail=False),
        name="exchange-rate-import",
    ),
]
