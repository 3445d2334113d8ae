"""A project idea in the shape of DREAM's project ("idea") object, as described by DREAM's public
API (``shared/data/standards/dream/openapi.yaml``, ``GET /marketplace/public/dream/ideas/{id}``;
domain.md 3.4), so a hromada can transfer an idea to DREAM without retyping it.

Public data only, as every public export: a sensitive site's only location is its hromada's KATOTTG
code and no documents are listed; only documents given as links are listed (uploaded files are
internal). Identifiers DREAM wants as UUIDs are derived from the project identifier (uuid5), so they
stay the same from one export to the next.

Known gaps of the shape: DREAM requires an EDRPOU code for every party, so parties without one are
left out; DREAM's metrics need a baseline, which the fiche does not record (0 is given).
"""

from __future__ import annotations

import datetime
import mimetypes
import uuid
from typing import Any

from vidnova.projects.lifecycle import MAPPING
from vidnova.projects.models import Project
from vidnova.projects.oc4ids import EDR_SCHEME, GAZETTEER, project_identifier

NAMESPACE = uuid.UUID("6f1c1d1e-8a43-5b7e-9c1e-76696e6f7661")  # fixed: the ids must not change
DREAM_SCHEME = "UA-DREAM"
PROZORRO_SCHEME = "UA-PROZORRO"

# DREAM enumerations (openapi.yaml, the idea object).
TYPES = ("rehabilitation", "construction", "equipment")
PARTY_ROLES = frozenset(
    {
        "balancer",
        "author",
        "initiator",
        "implementer",
        "procuringEntity",
        "tenderer",
        "supplier",
        "contractingAuthority",
        "supervisor",
        "expert",
        "designer",
    }
)
DOCUMENT_TYPES = frozenset(
    {
        "illustrationBefore",
        "illustrationDamaged",
        "illustrationInProgress",
        "illustrationVision",
        "illustrationComplete",
        "illustrationCover",
        "illustration",
        "document",
        "designDocument",
        "technicalDocument",
        "legalDocument",
        "permissionDocument",
        "feasibilityStudy",
        "certification",
    }
)
# OC4IDS projectType → DREAM type (DREAM's "equipment" has no OC4IDS counterpart).
TYPE_FROM_OC4IDS = {
    "construction": "construction",
    "expansion": "construction",
    "rehabilitation": "rehabilitation",
    "replacement": "rehabilitation",
}


def _uuid(project: Project, *parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join([project_identifier(project), *map(str, parts)])))


def _timestamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")


def _day(day: datetime.date, *, end: bool = False) -> str:
    return f"{day.isoformat()}T{'23:59:59' if end else '00:00:00'}Z"


def _multilingual(uk: str, en: str) -> list[dict[str, str]]:
    texts = [{"lang": "uk", "translation": uk}]
    if en:
        texts.append({"lang": "en", "translation": en})
    return texts


def dream_type(project: Project) -> str:
    if project.project_type in TYPE_FROM_OC4IDS:
        return TYPE_FROM_OC4IDS[project.project_type]
    return "rehabilitation" if project.purpose == "restoration" else "construction"


def _period(project: Project) -> dict[str, str] | None:
    if project.starts_on is None or project.ends_on is None:
        return None
    return {"startDate": _day(project.starts_on), "endDate": _day(project.ends_on, end=True)}


def _locations(project: Project) -> list[dict[str, Any]]:
    if project.is_sensitive:
        codes = [project.hromada.katottg]  # a sensitive site: the hromada only
    else:
        codes = list(dict.fromkeys(location.katottg for location in project.locations.all()))
        codes = codes or [project.hromada.katottg]
    return [{"gazetteer": {"scheme": GAZETTEER, "identifiers": codes}}]


def _budget(project: Project) -> dict[str, Any]:
    period = _period(project)
    breakdown = []
    for line in project.budget_lines.all():
        item: dict[str, Any] = {
            "id": _uuid(project, "budget", line.pk),
            "amount": {"amount": line.amount, "currency": line.currency},
        }
        if period:
            item["period"] = period
        item["classifications"] = {"costItem": line.cost_item, "costType": line.cost_type, "budgetType": "original"}
        breakdown.append(item)
    finance = []
    for source in project.financing_lines.all():
        entry: dict[str, Any] = {
            "id": _uuid(project, "finance", source.pk),
            "value": {"amount": source.amount, "currency": source.currency},
        }
        if period:
            entry["period"] = period
        entry["financeType"] = source.finance_type
        entry["financeCategory"] = source.finance_category
        if source.funder:
            entry["financingParty"] = {"name": source.funder}
        finance.append(entry)
    budget: dict[str, Any] = {}
    if breakdown:
        budget["budgetBreakdown"] = breakdown
    if finance:
        budget["finance"] = finance
    return budget


def _metrics(project: Project) -> list[dict[str, Any]]:
    observations = []
    if project.beneficiaries_direct is not None:
        observations.append(("numberOfConsumers", project.beneficiaries_direct, "direct beneficiaries"))
    idps = (project.beneficiary_groups or {}).get("idps")
    if isinstance(idps, int) and not isinstance(idps, bool) and idps >= 0:
        observations.append(("numberOfIDP", idps, "internally displaced persons among the direct beneficiaries"))
    if not observations:
        return []
    return [
        {
            "id": "initiationMetricsSocialAndEconomic",
            "observations": [
                {
                    "id": _uuid(project, "metric", characteristic),
                    "notes": notes,
                    "dimensions": {"basicValue": 0, "targetValue": value, "characteristic": characteristic},
                }
                for characteristic, value, notes in observations
            ],
        }
    ]


def _parties(project: Project) -> list[dict[str, Any]]:
    """Parties with an EDRPOU code (DREAM requires one), merged by code with all their roles."""
    parties: dict[str, dict[str, Any]] = {}
    for party in project.parties.all():
        if not party.edrpou or party.role not in PARTY_ROLES:
            continue
        entry = parties.setdefault(
            party.edrpou,
            {
                "id": f"{EDR_SCHEME}-{party.edrpou}",
                "roles": [],
                "identifier": {"scheme": EDR_SCHEME, "id": party.edrpou, "legalName": party.name},
            },
        )
        if party.role not in entry["roles"]:
            entry["roles"].append(party.role)
    return list(parties.values())


def _documents(project: Project) -> list[dict[str, Any]]:
    if project.is_sensitive:
        return []
    documents = []
    for document in project.documents.all():
        if not document.url or document.document_type not in DOCUMENT_TYPES:
            continue
        documents.append(
            {
                "id": _uuid(project, "document", document.pk),
                "url": document.url,
                "format": mimetypes.guess_type(document.url)[0] or "text/html",
                "title": document.title,
                "datePublished": _timestamp(document.created_at),
                "dateModified": _timestamp(document.updated_at),
                "documentType": document.document_type,
                "accessDetails": "open",
            }
        )
    return documents


def project_to_dream(project: Project) -> dict[str, Any]:
    """One project as a DREAM idea object (public data only). Amounts are Decimals: write the result
    with ``oc4ids.to_json`` to keep them exact."""
    mapping = MAPPING[project.state]
    data: dict[str, Any] = {
        "date": _timestamp(project.created_at),
        "updated": _timestamp(project.updated_at),
        "type": dream_type(project),
        "title": _multilingual(project.title_uk, project.title_en),
        "description": _multilingual(project.description_uk or project.title_uk, project.description_en),
        "purpose": project.purpose,
        "status": mapping.dream_status,
    }
    if mapping.dream_status_details:
        data["statusDetails"] = mapping.dream_status_details
    metrics = _metrics(project)
    if metrics:
        data["metrics"] = metrics
    data["parties"] = _parties(project)
    documents = _documents(project)
    if documents:
        data["documents"] = documents
    approach: dict[str, Any] = {
        "id": _uuid(project, "approach", 1),
        "title": project.title_uk,
        "items": [{"id": _uuid(project, "item", 1), "locations": _locations(project)}],
    }
    budget = _budget(project)
    if budget:
        approach["budget"] = budget
    data["approaches"] = [approach]
    related = []
    if project.dream_id:
        related.append(
            {"scheme": DREAM_SCHEME, "id": project.dream_id, "identifier": project.dream_id, "relationship": "idea"}
        )
    for tender in dict.fromkeys(str(tender).strip() for tender in project.prozorro_ids or []):
        if tender:
            related.append(
                {"scheme": PROZORRO_SCHEME, "id": tender, "identifier": tender, "relationship": "procurement"}
            )
    if related:
        data["relatedProcesses"] = related
    return data


def dream_filename(project: Project) -> str:
    return f"dream-{project.code}.json"
