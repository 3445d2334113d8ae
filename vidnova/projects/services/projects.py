"""Project ideas: creating and changing fiches, moving them through the lifecycle, and their documents.

``project_create`` and ``project_update`` take the fiche as a mapping of model field names to values
(strings are accepted and cleaned here, so forms, the API and the XLSX/CSV import share one set of
rules) plus optional lists that replace the project's rows all-or-nothing when present:

* ``locations`` [{katottg, name?, latitude?, longitude?, description?}]
* ``budget_lines`` [{cost_item, cost_type, amount, currency, description?}]
* ``financing_lines`` [{finance_type, finance_category, funder?, amount, currency, status?}]
* ``risks`` [{description, likelihood, impact, mitigation?}]
* ``parties`` [{role, name, edrpou?}]
* ``plan_tasks`` [GoalNode ids or nodes]

Bad input raises one ``ValidationError`` whose dict names every bad field: "title_uk", "cost",
"financing_lines[2].amount" (rows counted from 0), and nothing is saved. ``project_clean`` runs the
same checks without saving (the import's dry run).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext

from vidnova import classifications
from vidnova.accounts import access
from vidnova.accounts.access import Action, AnyUser, require
from vidnova.accounts.models import User
from vidnova.audit.services import diff, record
from vidnova.core.concurrency import check_version
from vidnova.core.uploads import validate_upload
from vidnova.plans.models import GoalLevel, GoalNode, Plan
from vidnova.programmes.models import Participation, Programme
from vidnova.projects import codelists, lifecycle
from vidnova.projects.models import (
    BudgetLine,
    Currency,
    FinancingLine,
    FinancingStatus,
    Project,
    ProjectDocument,
    ProjectLocation,
    ProjectParty,
    ProjectState,
    ProjectTransition,
    Readiness,
    Risk,
)
from vidnova.registry.models import CodifierUnit, Hromada

TEXT_FIELDS: dict[str, int] = {
    "title_uk": 500,
    "title_en": 500,
    "description_uk": 20_000,
    "description_en": 20_000,
    "problem_uk": 20_000,
    "problem_en": 20_000,
    "objective_uk": 20_000,
    "objective_en": 20_000,
    "outputs_uk": 20_000,
    "outputs_en": 20_000,
    "results_uk": 20_000,
    "results_en": 20_000,
    "sustainability_uk": 20_000,
    "sustainability_en": 20_000,
}
SCALAR_FIELDS = (
    *TEXT_FIELDS,
    "code",
    "programme",
    "plan",
    "purpose",
    "project_type",
    "sectors",
    "purpose_codes",
    "sdg_targets",
    "acquis_chapters",
    "assessment_dimensions",
    "policy_markers",
    "bbb_features",
    "readiness",
    "starts_on",
    "ends_on",
    "cost",
    "currency",
    "beneficiaries_direct",
    "beneficiaries_indirect",
    "beneficiary_groups",
    "is_sensitive",
    "seeks_partner_expertise",
    "dream_id",
    "prozorro_ids",
)
LIST_FIELDS = ("locations", "budget_lines", "financing_lines", "risks", "parties", "plan_tasks")
# Accepted and ignored: the hromada is the service's argument, the version its own argument.
IGNORED_FIELDS = frozenset({"hromada", "version", "expected_version"})

MAX_DURATION_MONTHS = 240
MAX_ROWS = 200  # per nested list
MAX_AMOUNT = Decimal("1e14")  # 16 digits, 2 after the point
MAX_INT = 2_147_483_647
DOCUMENT_KINDS = frozenset({"pdf", "image", "docx", "xlsx", "odt"})
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
EDRPOU_RE = re.compile(r"^\d{8}$")
PROZORRO_RE = re.compile(r"^UA-\d{4}-\d{2}-\d{2}-\d{6}(-[a-z])?$")
KATOTTG_RE = re.compile(r"^UA\d{17}$")

# The readiness a state implies (domain.md 5.2); a transition raises a lower readiness to it.
STATE_READINESS: dict[str, int] = {
    ProjectState.CONCEPT: Readiness.CONCEPT,
    ProjectState.APPRAISAL: Readiness.CONCEPT,
    ProjectState.STRUCTURING: Readiness.APPRAISED,
    ProjectState.APPLIED: Readiness.APPROVED,
    ProjectState.APPROVED: Readiness.APPROVED,
    ProjectState.IMPLEMENTATION: Readiness.IMPLEMENTATION,
    ProjectState.COMPLETION: Readiness.IMPLEMENTATION,
    ProjectState.EX_POST_EVALUATED: Readiness.IMPLEMENTATION,
}


def actor(user: AnyUser | None) -> User | None:
    """The user to record in the audit log (None for the system: commands, the demo, tasks)."""
    return user if isinstance(user, User) else None


# --- cleaning single values --------------------------------------------------------------------


class _Invalid(Exception):
    """A value that cannot be used; the message names the problem (the caller adds the field)."""


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def parse_decimal(
    value: Any, *, places: int = 2, maximum: Decimal = MAX_AMOUNT, allow_negative: bool = False
) -> Decimal:
    """A non-negative Decimal with at most ``places`` digits after the point, from a Decimal, an int or
    a string ("1 234 567,89" and "1234567.89" both work). Raises _Invalid with the reason."""
    if isinstance(value, bool):
        raise _Invalid(gettext("Give a number."))
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int | float):
        number = Decimal(str(value))
    else:
        text = _text(value).replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise _Invalid(gettext("Give a number, for example 125000.50.")) from None
    if not number.is_finite():
        raise _Invalid(gettext("Give a number, for example 125000.50."))
    if number < 0 and not allow_negative:
        raise _Invalid(gettext("The amount cannot be negative."))
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        normalized = number.normalize()
        exponent = normalized.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > places:
            raise _Invalid(gettext("At most %(places)s digits after the decimal point.") % {"places": places})
        number = normalized
    if abs(number) >= maximum:
        raise _Invalid(gettext("The number is too large."))
    return number.quantize(Decimal(1).scaleb(-places)) if places else number


def _optional_decimal(value: Any) -> Decimal | None:
    if value is None or _text(value) == "":
        return None
    return parse_decimal(value)


def _int(value: Any, *, low: int, high: int, message: str) -> int:
    if isinstance(value, bool):
        raise _Invalid(message)
    if isinstance(value, int):
        number = value
    else:
        text = _text(value).replace(" ", "").replace("\u00a0", "")
        try:
            as_decimal = Decimal(text)
        except InvalidOperation:
            raise _Invalid(message) from None
        if not as_decimal.is_finite() or as_decimal != as_decimal.to_integral_value():
            raise _Invalid(message)
        number = int(as_decimal)
    if not low <= number <= high:
        raise _Invalid(message)
    return number


def _optional_count(value: Any) -> int | None:
    if value is None or _text(value) == "":
        return None
    return _int(value, low=0, high=MAX_INT, message=gettext("Give a whole number, zero or more."))


def _date(value: Any) -> datetime.date | None:
    if value is None or _text(value) == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    raise _Invalid(gettext("Give the date as YYYY-MM-DD or DD.MM.YYYY."))


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in {"1", "true", "yes", "y", "on", "так", "ja", "x"}:
        return True
    if text in {"", "0", "false", "no", "n", "off", "ні", "nee"}:
        return False
    raise _Invalid(gettext("Answer yes or no."))


def _list(value: Any) -> list[str]:
    """A list of codes from a list or a string separated by commas, semicolons or line breaks."""
    if value is None:
        return []
    if isinstance(value, str):
        items: Iterable[Any] = re.split(r"[,;\n]", value)
    elif isinstance(value, Iterable) and not isinstance(value, Mapping):
        items = value
    else:
        raise _Invalid(gettext("Give a list of codes."))
    return [text for text in (_text(item) for item in items) if text]


def _codes(value: Any, list_name: str, *, withdrawn: frozenset[str] = frozenset()) -> list[str]:
    allowed = codelists.get_list(list_name)
    wanted = list(dict.fromkeys(_list(value)))
    unknown = [code for code in wanted if code not in allowed]
    if unknown:
        old = [code for code in unknown if code in withdrawn]
        if old:
            raise _Invalid(gettext("The code(s) %(codes)s were withdrawn from the list.") % {"codes": ", ".join(old)})
        raise _Invalid(gettext("Unknown code(s): %(codes)s.") % {"codes": ", ".join(unknown)})
    return wanted


def _choice(value: Any, list_name: str, *, required: bool = True) -> str:
    code = _text(value)
    if not code:
        if required:
            raise _Invalid(gettext("Choose a value from the list."))
        return ""
    if code not in codelists.get_list(list_name):
        raise _Invalid(gettext("“%(code)s” is not in the list.") % {"code": code})
    return code


def _currency(value: Any) -> str:
    code = _text(value).upper()
    if code not in Currency.values:
        raise _Invalid(gettext("Choose UAH, EUR or USD."))
    return code


def _months_between(start: datetime.date, end: datetime.date) -> int:
    months = (end.year - start.year) * 12 + (end.month - start.month)
    return months + (1 if end.day > start.day else 0)


# --- cleaning the fiche ------------------------------------------------------------------------


@dataclass
class CleanedProject:
    """The fiche's values ready to save; ``lists`` holds the nested lists that were given."""

    values: dict[str, Any] = field(default_factory=dict)
    lists: dict[str, list[Any]] = field(default_factory=dict)


def _programme(value: Any) -> Programme | None:
    if value is None or value == "":
        return None
    if isinstance(value, Programme):
        return value
    text = _text(value)
    found = Programme.objects.filter(pk=int(text)).first() if text.isdigit() else None
    found = found or Programme.objects.filter(slug=text).first()
    if found is None:
        raise _Invalid(gettext("There is no programme “%(value)s”.") % {"value": text})
    return found


def _plan(value: Any) -> Plan | None:
    if value is None or value == "":
        return None
    if isinstance(value, Plan):
        return value
    text = _text(value)
    found = Plan.objects.filter(pk=int(text)).first() if text.isdigit() else None
    if found is None:
        raise _Invalid(gettext("There is no plan “%(value)s”.") % {"value": text})
    return found


def _policy_markers(value: Any) -> dict[str, int]:
    if value is None or value == "":
        return {}
    if isinstance(value, str):
        # "10:2, 1:1" as in the import columns
        pairs: list[tuple[str, Any]] = []
        for part in re.split(r"[,;\n]", value):
            if not part.strip():
                continue
            if ":" not in part:
                raise _Invalid(gettext("Write markers as marker:significance, for example 10:2, 1:1."))
            marker, significance = part.split(":", 1)
            pairs.append((marker.strip(), significance.strip()))
    elif isinstance(value, Mapping):
        pairs = [(str(marker).strip(), significance) for marker, significance in value.items()]
    else:
        raise _Invalid(gettext("Write markers as marker:significance, for example 10:2, 1:1."))
    result: dict[str, int] = {}
    for marker, significance in pairs:
        if marker not in codelists.POLICY_MARKERS:
            raise _Invalid(gettext("There is no policy marker %(code)s (1–12).") % {"code": marker})
        result[marker] = _int(
            significance,
            low=0,
            high=4,
            message=gettext("The significance of marker %(code)s is a number from 0 to 4.") % {"code": marker},
        )
    return dict(sorted(result.items(), key=lambda item: int(item[0])))


def _beneficiary_groups(value: Any) -> dict[str, int]:
    if value is None or value == "":
        return {}
    if not isinstance(value, Mapping):
        raise _Invalid(gettext("Give the number of beneficiaries per group."))
    result: dict[str, int] = {}
    for key, count in value.items():
        if key not in codelists.BENEFICIARY_GROUPS:
            raise _Invalid(
                gettext("“%(key)s” is not a beneficiary group; use %(groups)s.")
                % {"key": key, "groups": ", ".join(codelists.BENEFICIARY_GROUPS)}
            )
        number = _optional_count(count)
        if number is not None:
            result[str(key)] = number
    return {key: result[key] for key in codelists.BENEFICIARY_GROUPS if key in result}


def _free_texts(value: Any, *, limit: int = 200, count: int = 50) -> list[str]:
    items = list(dict.fromkeys(_list(value)))
    if len(items) > count:
        raise _Invalid(gettext("At most %(count)s entries.") % {"count": count})
    too_long = [item for item in items if len(item) > limit]
    if too_long:
        raise _Invalid(gettext("An entry is longer than %(limit)s characters.") % {"limit": limit})
    return items


def _prozorro(value: Any) -> list[str]:
    items = list(dict.fromkeys(_list(value)))
    bad = [item for item in items if not PROZORRO_RE.match(item)]
    if bad:
        raise _Invalid(
            gettext("%(ids)s: a Prozorro tender identifier looks like UA-2025-03-14-001234-a.")
            % {"ids": ", ".join(bad)}
        )
    return items


def _classification(scheme: str) -> Callable[[Any], list[str]]:
    def clean(value: Any) -> list[str]:
        try:
            return classifications.validate(scheme, _list(value))
        except ValidationError as error:
            raise _Invalid(" ".join(error.messages)) from None

    return clean


_SIMPLE_CLEANERS: dict[str, Callable[[Any], Any]] = {
    "purpose": lambda value: _choice(value, "purposes"),
    "project_type": lambda value: _choice(value, "project_types", required=False),
    "sectors": lambda value: _codes(value, "sectors"),
    "purpose_codes": lambda value: _codes(value, "purpose_codes", withdrawn=codelists.WITHDRAWN_PURPOSE_CODES),
    "sdg_targets": _classification(classifications.SDG_TARGET),
    "acquis_chapters": _classification(classifications.ACQUIS_CHAPTER),
    "assessment_dimensions": _free_texts,
    "policy_markers": _policy_markers,
    "bbb_features": lambda value: _codes(value, "bbb_features"),
    "readiness": lambda value: _int(value, low=0, high=6, message=gettext("Readiness is a level from 0 to 6.")),
    "starts_on": _date,
    "ends_on": _date,
    "cost": _optional_decimal,
    "currency": _currency,
    "beneficiaries_direct": _optional_count,
    "beneficiaries_indirect": _optional_count,
    "beneficiary_groups": _beneficiary_groups,
    "is_sensitive": _bool,
    "seeks_partner_expertise": _bool,
    "prozorro_ids": _prozorro,
    "programme": _programme,
    "plan": _plan,
}


def _rows(value: Any, name: str, errors: dict[str, str]) -> list[Mapping[str, Any]] | None:
    if value is None:
        return []
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        errors[name] = gettext("Give a list of rows.")
        return None
    if len(value) > MAX_ROWS:
        errors[name] = gettext("At most %(count)s rows.") % {"count": MAX_ROWS}
        return None
    bad = [index for index, row in enumerate(value) if not isinstance(row, Mapping)]
    if bad:
        errors[f"{name}[{bad[0]}]"] = gettext("Each row is a set of named values.")
        return None
    return list(value)


def _row_text(
    row: Mapping[str, Any], key: str, limit: int, errors: dict[str, str], where: str, *, required: bool = False
) -> str:
    text = _text(row.get(key))
    if required and not text:
        errors[f"{where}.{key}"] = gettext("This field is required.")
    elif len(text) > limit:
        errors[f"{where}.{key}"] = gettext("At most %(limit)s characters.") % {"limit": limit}
    return text


def _row_value(
    row: Mapping[str, Any], key: str, errors: dict[str, str], where: str, clean: Callable[[Any], Any]
) -> Any:
    try:
        return clean(row.get(key))
    except _Invalid as problem:
        errors[f"{where}.{key}"] = str(problem)
        return None


def _required_amount(value: Any) -> Decimal:
    if value is None or _text(value) == "":
        raise _Invalid(gettext("Give the amount."))
    return parse_decimal(value)


def _coordinate(limit: int) -> Callable[[Any], Decimal | None]:
    def clean(value: Any) -> Decimal | None:
        if value is None or _text(value) == "":
            return None
        try:
            number = Decimal(_text(value).replace(",", ".")) if not isinstance(value, Decimal) else value
        except InvalidOperation:
            raise _Invalid(gettext("Give the coordinate in decimal degrees, for example 50.4501.")) from None
        if not number.is_finite() or abs(number) > limit:
            raise _Invalid(gettext("A coordinate from −%(limit)s to %(limit)s degrees.") % {"limit": limit})
        return number.quantize(Decimal("0.000001"))

    return clean


def _clean_locations(rows: list[Mapping[str, Any]], hromada: Hromada, errors: dict[str, str]) -> list[ProjectLocation]:
    codes = {_text(row.get("katottg")).upper() for row in rows}
    units = {
        unit.katottg: unit
        for unit in CodifierUnit.objects.filter(katottg__in=codes).only("katottg", "hromada_id", "name_uk")
    }
    result = []
    for index, row in enumerate(rows):
        where = f"locations[{index}]"
        code = _text(row.get("katottg")).upper()
        if not code:
            errors[f"{where}.katottg"] = gettext("Give the KATOTTG code of the place.")
        elif not KATOTTG_RE.match(code):
            errors[f"{where}.katottg"] = gettext("A KATOTTG code is “UA” followed by 17 digits.")
        elif code != hromada.katottg and (code not in units or units[code].hromada_id != hromada.pk):
            if code not in units:
                errors[f"{where}.katottg"] = gettext("There is no unit %(code)s in the codifier.") % {"code": code}
            else:
                errors[f"{where}.katottg"] = gettext("%(code)s is not in %(hromada)s.") % {
                    "code": code,
                    "hromada": hromada,
                }
        name = _row_text(row, "name", 200, errors, where)
        if not name and code in units:
            name = units[code].name_uk
        elif not name and code == hromada.katottg:
            name = hromada.name_uk
        latitude = _row_value(row, "latitude", errors, where, _coordinate(90))
        longitude = _row_value(row, "longitude", errors, where, _coordinate(180))
        if (latitude is None) != (longitude is None):
            errors.setdefault(
                f"{where}.{'longitude' if longitude is None else 'latitude'}",
                gettext("Give both latitude and longitude, or neither."),
            )
        result.append(
            ProjectLocation(
                katottg=code,
                name=name,
                latitude=latitude,
                longitude=longitude,
                description=_row_text(row, "description", 300, errors, where),
            )
        )
    return result


def _clean_budget(rows: list[Mapping[str, Any]], errors: dict[str, str]) -> list[BudgetLine]:
    result = []
    for index, row in enumerate(rows):
        where = f"budget_lines[{index}]"
        result.append(
            BudgetLine(
                cost_item=_row_value(row, "cost_item", errors, where, lambda v: _choice(v, "cost_items")),
                cost_type=_row_value(row, "cost_type", errors, where, lambda v: _choice(v, "cost_types")),
                amount=_row_value(row, "amount", errors, where, _required_amount),
                currency=_row_value(row, "currency", errors, where, _currency),
                description=_row_text(row, "description", 300, errors, where),
            )
        )
    return result


def _status(value: Any) -> str:
    code = _text(value) or FinancingStatus.IDENTIFIED
    if code not in FinancingStatus.values:
        raise _Invalid(gettext("Choose identified, requested, pledged, committed or disbursed."))
    return code


def _clean_financing(rows: list[Mapping[str, Any]], errors: dict[str, str]) -> list[FinancingLine]:
    result = []
    for index, row in enumerate(rows):
        where = f"financing_lines[{index}]"
        result.append(
            FinancingLine(
                finance_type=_row_value(row, "finance_type", errors, where, lambda v: _choice(v, "finance_types")),
                finance_category=_row_value(
                    row, "finance_category", errors, where, lambda v: _choice(v, "finance_categories")
                ),
                funder=_row_text(row, "funder", 300, errors, where),
                amount=_row_value(row, "amount", errors, where, _required_amount),
                currency=_row_value(row, "currency", errors, where, _currency),
                status=_row_value(row, "status", errors, where, _status),
            )
        )
    return result


def _score(value: Any) -> int:
    return _int(value, low=1, high=5, message=gettext("A score from 1 to 5."))


def _clean_risks(rows: list[Mapping[str, Any]], errors: dict[str, str]) -> list[Risk]:
    result = []
    for index, row in enumerate(rows):
        where = f"risks[{index}]"
        result.append(
            Risk(
                description=_row_text(row, "description", 5000, errors, where, required=True),
                likelihood=_row_value(row, "likelihood", errors, where, _score),
                impact=_row_value(row, "impact", errors, where, _score),
                mitigation=_row_text(row, "mitigation", 5000, errors, where),
            )
        )
    return result


def _clean_parties(rows: list[Mapping[str, Any]], errors: dict[str, str]) -> list[ProjectParty]:
    result = []
    for index, row in enumerate(rows):
        where = f"parties[{index}]"
        edrpou = _text(row.get("edrpou")).replace(" ", "")
        if edrpou and not EDRPOU_RE.match(edrpou):
            errors[f"{where}.edrpou"] = gettext("An EDRPOU code has 8 digits.")
        result.append(
            ProjectParty(
                role=_row_value(row, "role", errors, where, lambda v: _choice(v, "party_roles")),
                name=_row_text(row, "name", 300, errors, where, required=True),
                edrpou=edrpou,
            )
        )
    return result


def _clean_plan_tasks(value: Any, plan: Plan | None, errors: dict[str, str]) -> list[GoalNode]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        items: list[Any] = _list(value)
    elif isinstance(value, Iterable):
        items = list(value)
    else:
        errors["plan_tasks"] = gettext("Give a list of plan tasks.")
        return []
    ids: list[int] = []
    for item in items:
        raw = item.pk if isinstance(item, GoalNode) else item
        try:
            ids.append(int(str(raw).strip()))
        except ValueError:
            errors["plan_tasks"] = gettext("“%(value)s” is not a plan task.") % {"value": raw}
            return []
    ids = list(dict.fromkeys(ids))
    if not ids:
        return []
    if plan is None:
        errors["plan_tasks"] = gettext("Choose the plan before choosing its tasks.")
        return []
    from vidnova.plans.selectors import current_version

    version = current_version(plan)
    nodes = {node.pk: node for node in GoalNode.objects.filter(pk__in=ids, plan_version=version, level=GoalLevel.TASK)}
    wrong = [str(pk) for pk in ids if pk not in nodes]
    if wrong:
        errors["plan_tasks"] = gettext("%(ids)s: not tasks of the current version of %(plan)s.") % {
            "ids": ", ".join(wrong),
            "plan": plan,
        }
        return []
    return [nodes[pk] for pk in ids]


def project_clean(*, hromada: Hromada, data: Mapping[str, Any], project: Project | None = None) -> CleanedProject:
    """Check ``data`` for a new project of ``hromada`` (or changes to ``project``) without saving.

    Returns the cleaned values; raises ValidationError(dict) naming every bad field. Only the keys in
    ``data`` are cleaned (an update changes only what it is given); a new project needs title_uk.
    """
    errors: dict[str, str] = {}
    cleaned = CleanedProject()
    values = cleaned.values
    unknown = [key for key in data if key not in SCALAR_FIELDS and key not in LIST_FIELDS and key not in IGNORED_FIELDS]
    for key in unknown:
        errors[str(key)] = gettext("There is no field “%(field)s” in a project fiche.") % {"field": key}

    for name, limit in TEXT_FIELDS.items():
        if name in data:
            text = _text(data[name])
            if len(text) > limit:
                errors[name] = gettext("At most %(limit)s characters; this has %(count)s.") % {
                    "limit": f"{limit:,}",
                    "count": f"{len(text):,}",
                }
            values[name] = text
    if (project is None or "title_uk" in data) and not values.get("title_uk"):
        errors["title_uk"] = gettext("Give the project a title in Ukrainian.")

    for name, clean in _SIMPLE_CLEANERS.items():
        if name in data:
            try:
                values[name] = clean(data[name])
            except _Invalid as problem:
                errors[name] = str(problem)
    if "currency" in data and "currency" not in values and "currency" not in errors:
        errors["currency"] = gettext("Choose UAH, EUR or USD.")
    if "readiness" in data and data["readiness"] in (None, ""):
        values.pop("readiness", None)
        errors["readiness"] = gettext("Readiness is a level from 0 to 6.")

    if "code" in data:
        code = _text(data["code"])
        if code:
            if not CODE_RE.match(code):
                errors["code"] = gettext("A project code has up to 40 letters, digits, dots, dashes or underscores.")
            elif Project.objects.filter(code=code).exclude(pk=project.pk if project is not None else 0).exists():
                errors["code"] = gettext("Another project already has the code %(code)s.") % {"code": code}
            else:
                values["code"] = code
        elif project is not None:
            errors["code"] = gettext("A project keeps its code; it cannot be emptied.")
    if "dream_id" in data:
        values["dream_id"] = _text(data["dream_id"])
        if len(values["dream_id"]) > 100:
            errors["dream_id"] = gettext("At most %(limit)s characters.") % {"limit": 100}

    # Rules across fields, on the values the project will have.
    def final(name: str) -> Any:
        if name in values:
            return values[name]
        return getattr(project, name) if project is not None else None

    starts_on, ends_on = final("starts_on"), final("ends_on")
    if "starts_on" not in errors and "ends_on" not in errors and starts_on and ends_on:
        if ends_on < starts_on:
            errors["ends_on"] = gettext("The project cannot end before it starts.")
        elif _months_between(starts_on, ends_on) > MAX_DURATION_MONTHS:
            errors["ends_on"] = gettext("The project would last more than %(months)s months; check the dates.") % {
                "months": MAX_DURATION_MONTHS
            }
    programme = values.get("programme")
    if (
        "programme" in values
        and programme is not None
        and not Participation.objects.filter(phase__programme=programme, hromada=hromada).exists()
    ):
        errors["programme"] = gettext("%(hromada)s does not take part in %(programme)s.") % {
            "hromada": hromada,
            "programme": programme,
        }
    plan = values.get("plan")
    if "plan" in values and plan is not None and plan.hromada_id != hromada.pk:
        errors["plan"] = gettext("The plan belongs to another hromada.")
    groups = values.get("beneficiary_groups")
    direct = final("beneficiaries_direct")
    if groups and direct is not None and "beneficiary_groups" not in errors:
        # Groups overlap (a displaced woman counts in two), so only each group is bounded by the total.
        over = [key for key, count in groups.items() if count > direct]
        if over:
            errors["beneficiary_groups"] = gettext(
                "A group cannot be larger than the direct beneficiaries (%(count)s)."
            ) % {"count": direct}

    for name in LIST_FIELDS:
        if name not in data or name == "plan_tasks":
            continue
        rows = _rows(data[name], name, errors)
        if rows is None:
            continue
        if name == "locations":
            cleaned.lists[name] = _clean_locations(rows, hromada, errors)
        elif name == "budget_lines":
            cleaned.lists[name] = _clean_budget(rows, errors)
        elif name == "financing_lines":
            cleaned.lists[name] = _clean_financing(rows, errors)
        elif name == "risks":
            cleaned.lists[name] = _clean_risks(rows, errors)
        elif name == "parties":
            cleaned.lists[name] = _clean_parties(rows, errors)
    if "plan_tasks" in data and "plan" not in errors:
        cleaned.lists["plan_tasks"] = _clean_plan_tasks(data["plan_tasks"], final("plan"), errors)
    if errors:
        raise ValidationError(errors)
    return cleaned


# --- saving ------------------------------------------------------------------------------------

_CHILDREN: dict[str, tuple[type[Any], tuple[str, ...]]] = {
    "locations": (ProjectLocation, ("katottg", "name", "latitude", "longitude", "description")),
    "budget_lines": (BudgetLine, ("cost_item", "cost_type", "amount", "currency", "description")),
    "financing_lines": (FinancingLine, ("finance_type", "finance_category", "funder", "amount", "currency", "status")),
    "risks": (Risk, ("description", "likelihood", "impact", "mitigation")),
    "parties": (ProjectParty, ("role", "name", "edrpou")),
}


def _child_rows(project: Project, name: str) -> list[dict[str, Any]]:
    if name == "plan_tasks":
        return [{"id": pk} for pk in project.plan_tasks.order_by("pk").values_list("pk", flat=True)]
    model, fields = _CHILDREN[name]
    return [dict(row) for row in model.objects.filter(project=project).order_by("pk").values(*fields)]


def _fiche_snapshot(project: Project) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name in SCALAR_FIELDS:
        value = getattr(project, name)
        result[name] = str(value) if isinstance(value, Programme | Plan) else value
    return result


def _replace_children(project: Project, cleaned: CleanedProject) -> None:
    for name, rows in cleaned.lists.items():
        if name == "plan_tasks":
            project.plan_tasks.set(rows)
            continue
        model, _fields = _CHILDREN[name]
        model.objects.filter(project=project).delete()
        for row in rows:
            row.project = project
        model.objects.bulk_create(rows)


def next_code(hromada: Hromada) -> str:
    """``<KATOTTG>-<NNN>``: the next free number of the hromada's project codes."""
    prefix = f"{hromada.katottg}-"
    numbers = [
        int(code[len(prefix) :])
        for code in Project.objects.filter(code__startswith=prefix).values_list("code", flat=True)
        if code[len(prefix) :].isdigit()
    ]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


def _check_model(project: Project) -> None:
    try:
        project.full_clean(exclude=["hromada", "programme", "plan", "created_by"], validate_unique=False)
    except ValidationError as error:
        raise ValidationError(error.message_dict) from None


def project_create(*, acting_user: AnyUser | None, hromada: Hromada, data: Mapping[str, Any]) -> Project:
    """A new project idea of ``hromada`` in the state IDEA; the code is generated
    (``<KATOTTG>-<NNN>``) when ``data`` does not give one. Editors of the hromada and programme staff."""
    with transaction.atomic():
        if acting_user is not None:
            require(acting_user, Action.EDIT, hromada, visible_with=Action.VIEW_PRIVATE)
        # Lock the hromada so two new projects cannot take the same number.
        Hromada.objects.select_for_update().filter(pk=hromada.pk).first()
        cleaned = project_clean(hromada=hromada, data=data)
        project = Project(hromada=hromada, created_by=actor(acting_user))
        for name, value in cleaned.values.items():
            setattr(project, name, value)
        if not project.code:
            project.code = next_code(hromada)
        _check_model(project)
        project.save()
        _replace_children(project, cleaned)
        record(
            actor=actor(acting_user),
            action="projects.project.created",
            target=project,
            changes=diff(
                {}, {**_fiche_snapshot(project), **{name: _child_rows(project, name) for name in cleaned.lists}}
            ),
            data={"code": project.code, "state": project.state},
            hromada=hromada,
        )
    return project


def _locked(project: Project) -> Project:
    return (
        Project.objects.select_for_update(of=("self",))
        .select_related("hromada", "programme", "plan")
        .get(pk=project.pk)
    )


def project_update(
    *, acting_user: AnyUser | None, project: Project, data: Mapping[str, Any], expected_version: int | None
) -> Project:
    """Change the fields of ``project`` given in ``data`` (and replace the nested lists given).

    Raises EditConflict when the project changed since ``expected_version`` was read. When the plan
    changes, tasks of another plan are dropped from ``plan_tasks``.
    """
    with transaction.atomic():
        if acting_user is not None:
            require(acting_user, Action.EDIT, project, visible_with=Action.VIEW_PRIVATE)
        project = _locked(project)
        check_version(project, expected_version=expected_version)
        cleaned = project_clean(hromada=project.hromada, data=data, project=project)
        before = _fiche_snapshot(project)
        before_lists = {name: _child_rows(project, name) for name in LIST_FIELDS}
        for name, value in cleaned.values.items():
            setattr(project, name, value)
        _check_model(project)
        project.save()
        if "plan" in cleaned.values and "plan_tasks" not in cleaned.lists:
            plan = project.plan
            if plan is None:
                project.plan_tasks.clear()
            else:
                from vidnova.plans.selectors import current_version

                stale = project.plan_tasks.exclude(plan_version=current_version(plan))
                project.plan_tasks.remove(*stale)
        _replace_children(project, cleaned)
        after_lists = {name: _child_rows(project, name) for name in LIST_FIELDS}
        changes = diff(
            {**before, **{k: v for k, v in before_lists.items() if v != after_lists[k]}},
            {**_fiche_snapshot(project), **{k: v for k, v in after_lists.items() if v != before_lists[k]}},
        )
        record(
            actor=actor(acting_user),
            action="projects.project.updated",
            target=project,
            changes=changes,
            data={"version": project.version},
            hromada=project.hromada,
        )
    return project


# --- lifecycle ---------------------------------------------------------------------------------


def may_take_staff_step(user: AnyUser, project: Project) -> bool:
    """Funding decisions and evaluation: staff of the project's programme, or any programme staff
    when the project has no programme."""
    if user.is_authenticated and user.is_active and user.is_superuser:
        return True
    roles = access.roles_of(user)
    if project.programme_id is None:
        return roles.is_programme_staff
    return project.programme_id in roles.programme_staff_of


def allowed_transitions(user: AnyUser, project: Project) -> list[str]:
    """The states ``user`` may move ``project`` to now (for buttons)."""
    if not access.can(user, Action.EDIT, project):
        return []
    return [
        state
        for state in lifecycle.TRANSITIONS.get(project.state, ())
        if (project.state, state) not in lifecycle.STAFF_ONLY or may_take_staff_step(user, project)
    ]


def project_transition(*, acting_user: AnyUser | None, project: Project, to_state: str, reason: str) -> Project:
    """Move ``project`` to ``to_state`` along lifecycle.TRANSITIONS, recording the reason.

    Funding decisions (APPLIED → APPROVED / REFUSED) and the ex-post evaluation are for programme
    staff of the project's programme (any programme staff when it has none). The readiness level is
    raised to the one the new state implies when it is lower (domain.md 5.2: CONCEPT and APPRAISAL →
    1, STRUCTURING → 2, APPLIED and APPROVED → 5, IMPLEMENTATION and later → 6); it is never lowered.
    """
    with transaction.atomic():
        if acting_user is not None:
            require(acting_user, Action.EDIT, project, visible_with=Action.VIEW_PRIVATE)
        project = _locked(project)
        reason = _text(reason)
        from_state = project.state
        errors: dict[str, str] = {}
        if to_state not in ProjectState.values:
            errors["to_state"] = gettext("Choose a state from the list.")
        elif to_state not in lifecycle.TRANSITIONS.get(from_state, ()):
            errors["to_state"] = gettext("A project in the state “%(from)s” cannot move to “%(to)s”.") % {
                "from": ProjectState(from_state).label,
                "to": ProjectState(to_state).label,
            }
        if not reason:
            errors["reason"] = gettext("Say why the project changes state.")
        elif len(reason) > 5000:
            errors["reason"] = gettext("At most %(limit)s characters.") % {"limit": "5,000"}
        if errors:
            raise ValidationError(errors)
        if (
            acting_user is not None
            and (from_state, to_state) in lifecycle.STAFF_ONLY
            and not may_take_staff_step(acting_user, project)
        ):
            raise PermissionDenied(gettext("Only the programme's staff take this step."))
        check_version(project, expected_version=None)
        readiness_before = project.readiness
        project.state = to_state
        project.readiness = max(project.readiness, STATE_READINESS.get(to_state, project.readiness))
        project.save(update_fields=["state", "readiness", "version", "updated_at"])
        ProjectTransition.objects.create(
            project=project, from_state=from_state, to_state=to_state, reason=reason, actor=actor(acting_user)
        )
        changes: dict[str, list[Any]] = {"state": [from_state, to_state]}
        if project.readiness != readiness_before:
            changes["readiness"] = [readiness_before, project.readiness]
        record(
            actor=actor(acting_user),
            action="projects.project.transitioned",
            target=project,
            changes=changes,
            data={"reason": reason},
            hromada=project.hromada,
        )
    return project


# --- documents ---------------------------------------------------------------------------------


def document_add(
    *,
    acting_user: AnyUser | None,
    project: Project,
    document_type: str,
    title: str,
    file: Any = None,
    url: str = "",
) -> ProjectDocument:
    """Attach a document typed by DREAM documentType: a file (PDF, image, DOCX, XLSX or ODT, checked by
    its content, at most 20 MB) or an http(s) link, not both."""
    with transaction.atomic():
        if acting_user is not None:
            require(acting_user, Action.EDIT, project, visible_with=Action.VIEW_PRIVATE)
        errors: dict[str, str] = {}
        kind_code = _text(document_type)
        if kind_code not in codelists.DOCUMENT_TYPES:
            errors["document_type"] = gettext("Choose a document type from the list.")
        title = _text(title)
        if not title:
            errors["title"] = gettext("Give the document a title.")
        elif len(title) > 300:
            errors["title"] = gettext("At most %(limit)s characters.") % {"limit": 300}
        url = _text(url)
        if file is not None and url:
            errors["url"] = gettext("Give a file or a link, not both.")
        elif file is None and not url:
            errors["file"] = gettext("Choose a file or give a link.")
        elif url:
            try:
                if len(url) > 1000:
                    raise ValidationError("too long")
                URLValidator(schemes=["http", "https"])(url)
            except ValidationError:
                errors["url"] = gettext("Give a web address starting with http:// or https://.")
        extension = ""
        if file is not None and "file" not in errors and "url" not in errors:
            try:
                extension = validate_upload(file, allowed=DOCUMENT_KINDS, max_bytes=MAX_DOCUMENT_BYTES).extension
            except ValidationError as error:
                errors["file"] = " ".join(error.messages)
        if errors:
            raise ValidationError(errors)
        document = ProjectDocument(
            project=project, document_type=kind_code, title=title, url=url, added_by=actor(acting_user)
        )
        stored = ""
        if file is not None:
            name = f"{project.code}-{kind_code}.{extension}"
            document.file.save(name, file if isinstance(file, File) else File(file), save=False)
            stored = document.file.name or ""
        try:
            document.save()
            record(
                actor=actor(acting_user),
                action="projects.document.added",
                target=document,
                data={"project": project.code, "document_type": kind_code, "file": stored, "url": url},
                hromada=project.hromada,
            )
        except Exception:
            if stored:
                document.file.storage.delete(stored)  # no orphan file when the row is not saved
            raise
    return document


def document_remove(*, acting_user: AnyUser | None, document: ProjectDocument) -> None:
    """Remove a document; its file is deleted from storage once the removal is committed."""
    with transaction.atomic():
        project = document.project
        if acting_user is not None:
            require(acting_user, Action.EDIT, project, visible_with=Action.VIEW_PRIVATE)
        name = document.file.name if document.file else ""
        storage = document.file.storage
        record(
            actor=actor(acting_user),
            action="projects.document.removed",
            target=document,
            data={"project": project.code, "title": document.title, "file": name, "url": document.url},
            hromada=project.hromada,
        )
        document.delete()
        if name:
            transaction.on_commit(lambda: storage.delete(name))
