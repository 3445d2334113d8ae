"""The code lists a project fiche is classified with (domain.md 3.3, 3.4, 5.4, 7.3, 7.4, 7.6).

Short lists (DREAM cost items, finance types and categories, party roles, document types; IATI policy
markers and their significance; the build-back-better checklist) are written here with English
labels translated through the catalogues. Long lists are data files in ``data/`` (sources and
licences in ``data/SOURCES.md``), read once per process:

* OC4IDS 0.9.4 ``projectSector`` and ``projectType``, with Ukrainian, English and Dutch labels
  (the official titles are English; the Ukrainian and Dutch ones are ours, in ``_OC4IDS_LABELS``);
* the OECD DAC-CRS five-digit purpose codes (IATI ``Sector``), active codes only, in English with
  the code (the names are the official ones; there is no official Ukrainian list).

Every list is a ``dict[str, label]`` from code to label, in display order. Codes are stored as the
plain strings the standards use ("waterAndWaste", "73010", "localBudget"); ``label(list, code)``
gives the label in the active language and ``choices(list)`` the pairs for a form.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.utils.functional import Promise, lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from vidnova.projects.models import Currency, FinancingStatus, Purpose

DATA = Path(__file__).resolve().parent / "data"

Label = Promise | str

# --- DREAM (open-contracting/dream-api-docs openapi.yaml) ----------------------------------------

PURPOSES: dict[str, Label] = {str(code): label for code, label in Purpose.choices}

# budget.budgetBreakdown[].classifications.costItem, in the order of the API description.
COST_ITEMS: dict[str, Label] = {
    "design": _("design"),
    "equipment": _("equipment"),
    "construction": _("construction works"),
    "resettlement": _("resettlement"),
    "sitePreparation": _("site preparation"),
    "measures": _("environmental and social measures"),
    "contingencies": _("contingencies"),
    "overheads": _("overheads"),
    "taxes": _("taxes"),
    "financing": _("financing costs"),
    "operating": _("operating costs"),
    "maintenance": _("maintenance"),
    "replacement": _("replacement"),
    "endOfLife": _("end of life (decommissioning)"),
    "projectManagement": _("project management"),
    "upfrontFee": _("upfront fee"),
    "landAcquisition": _("land acquisition"),
}

# classifications.costType
COST_TYPES: dict[str, Label] = {"capex": _("capital (capex)"), "opex": _("operating (opex)")}

# budget.finance[].financeType
FINANCE_TYPES: dict[str, Label] = {
    "internationalPartners": _("international partners"),
    "stateFunds": _("public funds"),
    "privateInvestments": _("private investment"),
}

# budget.finance[].financeCategory
FINANCE_CATEGORIES: dict[str, Label] = {
    "internationalOrganization": _("international organisation"),
    "localBudget": _("local budget"),
    "stateCentralBudget": _("state budget"),
    "united24": _("United24"),
    "liquidationFund": _("Fund for the Liquidation of the Consequences of Armed Aggression"),
    "stateReserve": _("state reserve fund"),
    "stateSubsidies": _("state subventions"),
    "stateSpecialBudget": _("special fund of the state budget"),
    "naturalPerson": _("private person"),
    "legalEntity": _("company or organisation"),
    "abroadState": _("foreign state"),
    "abroadEntity": _("foreign company or organisation"),
    "abroadPerson": _("foreign private person"),
}
# The finance category that counts as the hromada's own co-financing (domain.md 5.3: at least 10 %).
LOCAL_BUDGET = "localBudget"

FINANCING_STATUSES: dict[str, Label] = {str(code): label for code, label in FinancingStatus.choices}
# Statuses that count as secured money when the funding gap is computed.
SECURED_STATUSES = frozenset({FinancingStatus.COMMITTED.value, FinancingStatus.DISBURSED.value})

# parties[].roles
PARTY_ROLES: dict[str, Label] = {
    "initiator": _("initiator"),
    "author": _("author of the idea"),
    "balancer": _("balance holder (owner of the asset)"),
    "implementer": _("implementer"),
    "procuringEntity": _("procuring entity"),
    "tenderer": _("tenderer"),
    "supplier": _("supplier"),
    "contractingAuthority": _("contracting authority"),
    "supervisor": _("technical supervisor"),
    "expert": _("expert"),
    "designer": _("designer"),
}

# documents[].documentType
DOCUMENT_TYPES: dict[str, Label] = {
    "illustrationBefore": _("photo before damage"),
    "illustrationDamaged": _("photo of the damage"),
    "illustrationInProgress": _("photo of the works in progress"),
    "illustrationVision": _("visualisation of the result"),
    "illustrationComplete": _("photo of the completed object"),
    "illustrationCover": _("cover picture"),
    "illustration": _("illustration"),
    "document": _("document"),
    "designDocument": _("design documents"),
    "technicalDocument": _("technical document"),
    "legalDocument": _("legal document"),
    "permissionDocument": _("permit"),
    "feasibilityStudy": _("feasibility study"),
    "certification": _("certificate"),
}

CURRENCIES: dict[str, Label] = {str(code): label for code, label in Currency.choices}

# --- the platform's own lists -------------------------------------------------------------------

# Build-back-better checklist (domain.md 5.4), codes as written there.
BBB_FEATURES: dict[str, Label] = {
    "bbb_hazard_resilient_design": _("designed to withstand hazards (shelling, fire, flood, earthquake)"),
    "bbb_protective_shelter_included": _("includes a protective shelter"),
    "bbb_energy_efficiency_or_RES": _("energy efficient or uses renewable energy"),
    "bbb_accessibility_barrier_free": _("accessible and barrier-free"),
    "bbb_right_sizing_to_demography": _("sized to the expected population"),
    "bbb_service_consolidation": _("consolidates services"),
    "bbb_nature_based_solution": _("nature-based solution"),
    "bbb_digital_service": _("digital service"),
    "bbb_o_and_m_plan": _("operation and maintenance plan"),
}

# beneficiary_groups keys (direct beneficiaries by group).
BENEFICIARY_GROUPS: dict[str, Label] = {
    "women": _("women"),
    "men": _("men"),
    "girls": _("girls"),
    "boys": _("boys"),
    "idps": _("internally displaced persons"),
    "veterans": _("veterans"),
    "disabilities": _("persons with disabilities"),
}

# --- IATI 2.03 PolicyMarker and PolicySignificance (domain.md 7.6) --------------------------------

POLICY_MARKERS: dict[str, Label] = {
    "1": _("gender equality"),
    "2": _("aid to environment"),
    "3": _("participatory development and good governance"),
    "4": _("trade development"),
    "5": _("biological diversity (Convention on Biological Diversity)"),
    "6": _("climate change mitigation"),
    "7": _("climate change adaptation"),
    "8": _("combating desertification"),
    "9": _("reproductive, maternal, newborn and child health"),
    "10": _("disaster risk reduction"),
    "11": _("disability"),
    "12": _("nutrition"),
}
POLICY_SIGNIFICANCE: dict[str, Label] = {
    "0": _("not targeted"),
    "1": _("significant objective"),
    "2": _("principal objective"),
    "3": _("principal objective and in support of an action programme"),
    "4": _("explicit primary objective"),
}

# --- OC4IDS 0.9.4 projectSector and projectType ------------------------------------------------

# Ukrainian and Dutch labels for the OC4IDS lists (the English ones are the official titles).
_OC4IDS_LABELS: dict[str, tuple[str, str]] = {
    # projectSector
    "education": ("Освіта", "Onderwijs"),
    "health": ("Охорона здоров’я", "Gezondheidszorg"),
    "energy": ("Енергетика", "Energie"),
    "energy.solar": ("Сонячна енергетика", "Zonne-energie"),
    "energy.wind": ("Вітрова енергетика", "Windenergie"),
    "energy.hydropower": ("Гідроенергетика", "Waterkracht"),
    "energy.biomass": ("Енергетика на біомасі", "Energie uit biomassa"),
    "energy.geothermal": ("Геотермальна енергетика", "Aardwarmte"),
    "communications": ("Зв’язок і комунікації", "Communicatie"),
    "waterAndWaste": ("Водопостачання, водовідведення та відходи", "Water en afval"),
    "governance": ("Державне і місцеве управління", "Openbaar bestuur"),
    "economy": ("Економіка", "Economie"),
    "cultureSportsAndRecreation": ("Культура, спорт і відпочинок", "Cultuur, sport en recreatie"),
    "transport": ("Транспорт", "Vervoer"),
    "transport.air": ("Повітряний транспорт", "Luchtvaart"),
    "transport.water": ("Водний транспорт", "Vervoer over water"),
    "transport.rail": ("Залізничний транспорт", "Spoorvervoer"),
    "transport.road": ("Автомобільний транспорт і дороги", "Wegvervoer"),
    "transport.urban": ("Міський транспорт", "Stedelijk vervoer"),
    "transport.lowCarbon": ("Низьковуглецевий транспорт", "Koolstofarm vervoer"),
    "socialHousing": ("Соціальне житло", "Sociale huisvesting"),
    "naturalResources": ("Природні ресурси", "Natuurlijke hulpbronnen"),
    "naturalResources.floodProtection": ("Захист від повеней", "Bescherming tegen overstromingen"),
    # projectType
    "construction": ("Нове будівництво", "Nieuwbouw"),
    "rehabilitation": ("Відновлення", "Herstel"),
    "replacement": ("Заміна", "Vervanging"),
    "expansion": ("Розширення", "Uitbreiding"),
    "decommissioning": ("Виведення з експлуатації", "Buitengebruikstelling"),
}


def _read(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _oc4ids_label(code: str, title_en: str) -> str:
    language = (get_language() or "uk")[:2]
    uk, nl = _OC4IDS_LABELS.get(code, (title_en, title_en))
    return {"uk": uk, "nl": nl}.get(language, title_en)


_lazy_oc4ids_label = lazy(_oc4ids_label, str)


def _oc4ids(name: str) -> dict[str, Label]:
    return {row["Code"]: _lazy_oc4ids_label(row["Code"], row["Title"]) for row in _read(name)}


SECTORS: dict[str, Label] = _oc4ids("projectSector.csv")
PROJECT_TYPES: dict[str, Label] = _oc4ids("projectType.csv")

# --- DAC-CRS purpose codes (IATI Sector, vocabulary 1) -------------------------------------------

_DAC_ROWS = _read("dac_sector.csv")
# Active five-digit codes in code order, with their English names.
PURPOSE_CODES: dict[str, Label] = {
    row["code"]: row["name_en"] for row in sorted(_DAC_ROWS, key=lambda row: row["code"]) if row["status"] == "active"
}
# The three-digit DAC category of each active code (for grouping in pickers).
PURPOSE_CODE_CATEGORY: dict[str, str] = {
    row["code"]: row["category"] for row in _DAC_ROWS if row["code"] in PURPOSE_CODES
}
# Withdrawn codes, so a message can say why an old code is refused.
WITHDRAWN_PURPOSE_CODES: frozenset[str] = frozenset(row["code"] for row in _DAC_ROWS if row["status"] != "active")

# --- lookups -----------------------------------------------------------------------------------

LISTS: dict[str, Mapping[str, Label]] = {
    "sectors": SECTORS,
    "project_types": PROJECT_TYPES,
    "purpose_codes": PURPOSE_CODES,
    "purposes": PURPOSES,
    "policy_markers": POLICY_MARKERS,
    "policy_significance": POLICY_SIGNIFICANCE,
    "cost_items": COST_ITEMS,
    "cost_types": COST_TYPES,
    "finance_types": FINANCE_TYPES,
    "finance_categories": FINANCE_CATEGORIES,
    "financing_statuses": FINANCING_STATUSES,
    "party_roles": PARTY_ROLES,
    "document_types": DOCUMENT_TYPES,
    "bbb_features": BBB_FEATURES,
    "beneficiary_groups": BENEFICIARY_GROUPS,
    "currencies": CURRENCIES,
}


def get_list(list_name: str) -> Mapping[str, Label]:
    """A list by name: "sectors" or "SECTORS" (case does not matter)."""
    try:
        return LISTS[list_name.lower()]
    except KeyError:
        raise LookupError(f"No code list {list_name!r}; known: {', '.join(sorted(LISTS))}") from None


def is_valid(list_name: str, code: Any) -> bool:
    return str(code) in get_list(list_name)


def label(list_name: str, code: Any) -> str:
    """The label of ``code`` in the active language; the code itself when the list lacks it (an old
    or withdrawn code is shown, not hidden)."""
    value = get_list(list_name).get(str(code))
    return str(value) if value is not None else str(code)


def code_label(list_name: str, code: Any) -> str:
    """ "73010 Immediate post-emergency reconstruction …": the code with its label, for lists whose
    codes mean something to their readers (DAC-CRS purpose codes)."""
    return f"{code} {label(list_name, code)}"


def choices(list_name: str) -> list[tuple[str, str]]:
    """(code, label) pairs for a form field, in the list's order (purpose codes show the code)."""
    items = get_list(list_name)
    if list_name.lower() == "purpose_codes":
        return [(code, f"{code} {name}") for code, name in items.items()]
    return [(code, str(name)) for code, name in items.items()]
