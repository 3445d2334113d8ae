"""Project ideas as Open Contracting for Infrastructure Data Standard (OC4IDS) 0.9.4 projects, and
project packages streamed as JSON text (domain.md 3.3, 7.4, 10.4).

Only public data leaves through here, whoever asks: for a sensitive site (``Project.is_sensitive``)
the only location is the hromada's KATOTTG code (no coordinates, settlement or address) and no
documents are listed; uploaded files are internal, so only documents given as links are listed.

Every field produced is one that validates against the schema shipped in
``vidnova/projects/data/oc4ids/`` (the tests validate packages with jsonschema and fail on any
error). Money is written as exact decimal numbers, never through floats.

A package is a generator of JSON text chunks: projects are read ``CHUNK_SIZE`` at a time with their
related rows prefetched per chunk, so memory stays flat however many projects are exported.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Max, Prefetch, QuerySet
from django.utils import timezone

from vidnova.projects.lifecycle import MAPPING
from vidnova.projects.models import (
    FinancingLine,
    Project,
    ProjectDocument,
    ProjectLocation,
    ProjectParty,
)

PREFIX_SETTING = "VIDNOVA_OC4IDS_PREFIX"
DEFAULT_PREFIX = "oc4ids-vidnova"
SCHEMA_VERSION = "0.9"  # the package's "version": major.minor of the schema (0.9.4)
PUBLISHER_NAME = "Vidnova"
LANGUAGE = "uk"  # titles and descriptions are given in Ukrainian, the language every fiche has
CHUNK_SIZE = 500
GAZETTEER = "UA-CATOTTG"  # DREAM's gazetteer scheme for KATOTTG codes
EDR_SCHEME = "UA-EDR"  # the Unified State Register: EDRPOU codes
DREAM_SCHEME = "UA-DREAM"
PROZORRO_SCHEME = "UA-PROZORRO"
DAC_SCHEME = "DAC-CRS"  # OECD DAC CRS five-digit purpose codes
SDG_TARGET_SCHEME = "sdgTarget"  # OC4IDS classificationScheme codelist
SDG_SCHEME = "sdg"

# OC4IDS 0.9.4 closed codelists (project-schema.json).
PROJECT_STATUSES = frozenset(
    {
        "identification",
        "preparation",
        "implementation",
        "completion",
        "maintenance",
        "decommissioning",
        "decommissioned",
        "cancelled",
    }
)
PROJECT_TYPES = frozenset({"construction", "rehabilitation", "replacement", "expansion", "decommissioning"})
# domain.md 10.4 names "completed", which the 0.9.4 projectStatus codelist does not have.
STATUS_FIXES = {"completed": "completion"}
# DREAM party roles with an OC4IDS partyRole equivalent; the others are kept as they are (the
# partyRole codelist is open).
PARTY_ROLES = {"contractingAuthority": "buyer"}


def prefix() -> str:
    """The project identifier prefix (setting ``VIDNOVA_OC4IDS_PREFIX``)."""
    return str(getattr(settings, PREFIX_SETTING, DEFAULT_PREFIX) or DEFAULT_PREFIX)


def project_identifier(project: Project) -> str:
    """The stable, globally unique OC4IDS identifier of a project: the prefix and the project code."""
    return f"{prefix()}-{project.code}"


# --- selection -----------------------------------------------------------------------------------


def export_queryset() -> QuerySet[Project]:
    """Projects with everything the export reads; related rows are prefetched per chunk."""
    return (
        Project.objects.select_related("hromada")
        .prefetch_related(
            Prefetch("locations", queryset=ProjectLocation.objects.order_by("pk")),
            "budget_lines",
            Prefetch("financing_lines", queryset=FinancingLine.objects.order_by("pk")),
            Prefetch("parties", queryset=ProjectParty.objects.order_by("pk")),
            Prefetch("documents", queryset=ProjectDocument.objects.exclude(url="").order_by("pk")),
        )
        .order_by("pk")
    )


def select_projects(
    *,
    project: int | None = None,
    plan: int | None = None,
    hromada: str | None = None,
    programme: str | None = None,
) -> QuerySet[Project]:
    """Public projects narrowed by the given filters (all of them when none is given). Project
    ideas are public records (rules.project_rule), so every project may be exported."""
    queryset = export_queryset()
    if project is not None:
        queryset = queryset.filter(pk=project)
    if plan is not None:
        queryset = queryset.filter(plan_id=plan)
    if hromada:
        queryset = queryset.filter(hromada__katottg=hromada)
    if programme:
        queryset = queryset.filter(programme__slug=programme)
    return queryset


# --- one project ---------------------------------------------------------------------------------


def _datetime(day: datetime.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _timestamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")


def _value(amount: Decimal, currency: str) -> dict[str, Any]:
    return {"amount": amount, "currency": currency}


def oc4ids_status(state: str) -> str:
    status = MAPPING[state].oc4ids_status
    status = STATUS_FIXES.get(status, status)
    return status if status in PROJECT_STATUSES else "identification"


def _sectors(codes: Iterable[Any]) -> list[str]:
    """Sector codes with the parent of every subsector ("energy" for "energy.solar"), unique."""
    result: list[str] = []
    for code in codes:
        text = str(code).strip()
        if not text:
            continue
        parent = text.split(".", 1)[0]
        for item in (parent, text):
            if item not in result:
                result.append(item)
    return result


def _classifications(project: Project) -> list[dict[str, str]]:
    result: list[dict[str, str]] = []
    for code in project.purpose_codes or []:
        if str(code).strip():
            result.append({"scheme": DAC_SCHEME, "id": str(code).strip()})
    goals: list[str] = []
    for target in project.sdg_targets or []:
        text = str(target).strip()
        if not text:
            continue
        result.append({"scheme": SDG_TARGET_SCHEME, "id": text})
        goal = text.split(".", 1)[0]
        if goal and goal not in goals:
            goals.append(goal)
    result.extend({"scheme": SDG_SCHEME, "id": goal} for goal in goals)
    unique: list[dict[str, str]] = []
    for item in result:
        if item not in unique:
            unique.append(item)
    return unique


def _locations(project: Project) -> list[dict[str, Any]]:
    hromada = project.hromada
    hromada_location = {
        "id": "1",
        "description": hromada.name_uk,
        "gazetteer": {"scheme": GAZETTEER, "identifiers": [hromada.katottg]},
    }
    if project.is_sensitive:
        return [hromada_location]  # a sensitive site: the hromada only
    result: list[dict[str, Any]] = []
    for number, location in enumerate(project.locations.all(), start=1):
        item: dict[str, Any] = {"id": str(number)}
        description = ", ".join(part for part in (location.name, location.description) if part)
        if description:
            item["description"] = description
        item["gazetteer"] = {"scheme": GAZETTEER, "identifiers": [location.katottg]}
        if location.latitude is not None and location.longitude is not None:
            item["geometry"] = {"type": "Point", "coordinates": [location.longitude, location.latitude]}
        result.append(item)
    return result or [hromada_location]


def _parties(project: Project, funders: Mapping[str, str]) -> list[dict[str, Any]]:
    """Parties merged by EDRPOU code (or name), with all their roles; then the funders named on
    financing lines, with the role "funder"."""
    parties: dict[str, dict[str, Any]] = {}
    for party in project.parties.all():
        key = f"{EDR_SCHEME}-{party.edrpou}" if party.edrpou else f"party-{party.pk}"
        entry = parties.get(key)
        if entry is None:
            entry = {"id": key, "name": party.name, "roles": []}
            if party.edrpou:
                entry["identifier"] = {"scheme": EDR_SCHEME, "id": party.edrpou, "legalName": party.name}
            parties[key] = entry
        for role in (party.role, PARTY_ROLES.get(party.role)):
            if role and role not in entry["roles"]:
                entry["roles"].append(role)
    for name, key in funders.items():
        parties[key] = {"id": key, "name": name, "roles": ["funder"]}
    return [entry for entry in parties.values() if entry["roles"]]


def _budget(project: Project, funders: Mapping[str, str]) -> dict[str, Any]:
    budget: dict[str, Any] = {}
    if project.cost is not None:
        budget["amount"] = _value(project.cost, project.currency)
    lines = [
        {
            "id": str(line.pk),
            "description": " — ".join(part for part in (line.cost_item, line.cost_type, line.description) if part),
            "amount": _value(line.amount, line.currency),
        }
        for line in project.budget_lines.all()
    ]
    if lines:
        budget["budgetBreakdowns"] = [
            {"id": "costItems", "description": "Budget by DREAM cost item and cost type", "budgetBreakdown": lines}
        ]
    finance = []
    for line in project.financing_lines.all():
        item: dict[str, Any] = {
            "id": str(line.pk),
            "title": f"{line.finance_type}: {line.finance_category}",
            "description": f"DREAM financeType {line.finance_type}, financeCategory {line.finance_category}; "
            f"status {line.status}",
            "value": _value(line.amount, line.currency),
            "source": line.finance_category,
        }
        if line.funder:
            item["financingParty"] = {"id": funders[line.funder], "name": line.funder}
        finance.append(item)
    if finance:
        budget["finance"] = finance
    return budget


def _benefits(project: Project) -> list[dict[str, Any]]:
    beneficiaries: list[dict[str, Any]] = []
    if project.beneficiaries_direct is not None:
        beneficiaries.append({"description": "direct", "numberOfPeople": project.beneficiaries_direct})
    if project.beneficiaries_indirect is not None:
        beneficiaries.append({"description": "indirect", "numberOfPeople": project.beneficiaries_indirect})
    for group, number in sorted((project.beneficiary_groups or {}).items()):
        if isinstance(number, int) and not isinstance(number, bool) and number >= 0:
            beneficiaries.append({"description": f"direct: {group}", "numberOfPeople": number})
    if not beneficiaries:
        return []
    benefit: dict[str, Any] = {"title": project.results_uk or project.title_uk, "beneficiaries": beneficiaries}
    if project.outputs_uk:
        benefit["description"] = project.outputs_uk
    return [benefit]


def project_to_oc4ids(project: Project) -> dict[str, Any]:
    """One project as an OC4IDS 0.9.4 project object (public data only)."""
    data: dict[str, Any] = {
        "id": project_identifier(project),
        "updated": _timestamp(project.updated_at),
        "language": LANGUAGE,
        "title": project.title_uk,
    }
    identifiers = [{"id": project.code, "scheme": PUBLISHER_NAME}]
    if project.dream_id:
        identifiers.append({"id": project.dream_id, "scheme": DREAM_SCHEME})
    data["identifiers"] = identifiers
    if project.description_uk:
        data["description"] = project.description_uk
    data["status"] = oc4ids_status(project.state)
    if project.project_type in PROJECT_TYPES:
        data["type"] = project.project_type
    sectors = _sectors(project.sectors or [])
    if sectors:
        data["sector"] = sectors
    data["purpose"] = project.objective_uk or project.purpose
    classifications = _classifications(project)
    if classifications:
        data["additionalClassifications"] = classifications
    period: dict[str, Any] = {}
    if project.starts_on:
        period["startDate"] = _datetime(project.starts_on)
    if project.ends_on:
        period["endDate"] = _datetime(project.ends_on)
    if project.starts_on and project.ends_on:
        period["durationInDays"] = (project.ends_on - project.starts_on).days
    if period:
        data["period"] = period
    data["locations"] = _locations(project)
    funders: dict[str, str] = {}
    for line in project.financing_lines.all():
        if line.funder and line.funder not in funders:
            funders[line.funder] = f"funder-{len(funders) + 1}"
    budget = _budget(project, funders)
    if budget:
        data["budget"] = budget
    parties = _parties(project, funders)
    if parties:
        data["parties"] = parties
    benefits = _benefits(project)
    if benefits:
        data["benefits"] = benefits
    if not project.is_sensitive:
        documents = [
            {
                "id": str(document.pk),
                "documentType": document.document_type,
                "title": document.title,
                "url": document.url,
                "datePublished": _timestamp(document.created_at),
                "dateModified": _timestamp(document.updated_at),
            }
            for document in project.documents.all()
            if document.url
        ]
        if documents:
            data["documents"] = documents
    tenders = [str(tender).strip() for tender in project.prozorro_ids or [] if str(tender).strip()]
    if tenders:
        data["contractingProcesses"] = [
            {"id": tender, "summary": {"externalReference": tender}} for tender in dict.fromkeys(tenders)
        ]
    return data


# --- JSON text -----------------------------------------------------------------------------------


def _encode(value: Any, out: list[str]) -> None:
    """Append the JSON text of ``value``; Decimals become exact JSON numbers."""
    if isinstance(value, str):
        out.append(json.dumps(value, ensure_ascii=False))
    elif isinstance(value, bool) or value is None:
        out.append(json.dumps(value))
    elif isinstance(value, Decimal):
        text = format(value, "f")
        out.append(text.rstrip("0").rstrip(".") if "." in text else text)
    elif isinstance(value, int | float):
        out.append(json.dumps(value))
    elif isinstance(value, Mapping):
        out.append("{")
        for index, (key, item) in enumerate(value.items()):
            if index:
                out.append(",")
            out.append(json.dumps(str(key), ensure_ascii=False))
            out.append(":")
            _encode(item, out)
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _encode(item, out)
        out.append("]")
    else:
        raise TypeError(f"Cannot write {type(value).__name__} as JSON")


def to_json(value: Any) -> str:
    """JSON text of ``value`` (dicts, lists, strings, numbers, Decimals, booleans, None)."""
    out: list[str] = []
    _encode(value, out)
    return "".join(out)


def published_date(queryset: QuerySet[Project]) -> datetime.datetime:
    """The date of the last change to the projects exported (or now, for an empty selection)."""
    latest = queryset.order_by().aggregate(latest=Max("updated_at"))["latest"]
    return latest or timezone.now()


def package_chunks(
    queryset: QuerySet[Project],
    *,
    uri: str,
    published: datetime.datetime | None = None,
    counter: list[int] | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[str]:
    """An OC4IDS project package of the projects in ``queryset``, as chunks of JSON text.

    The selection must hold at least one project (the schema requires one). ``counter``, when given,
    receives the number of projects written in its first item.
    """
    published = published or published_date(queryset)
    header = {
        "uri": uri,
        "publishedDate": _timestamp(published),
        "publisher": {"name": PUBLISHER_NAME},
        "version": SCHEMA_VERSION,
    }
    head = to_json(header)
    yield head[:-1] + ',"projects":['
    for count, project in enumerate(queryset.iterator(chunk_size=chunk_size), start=1):
        yield ("," if count > 1 else "") + to_json(project_to_oc4ids(project))
        if counter is not None:
            counter[:1] = [count]
    yield "]}"
