"""Structured parts of sections as real tables: column definitions and one validator for all of them.

Rows are stored as lists of dicts in ``Section.tables[<table code>]``; every value is validated and
normalised here (numbers as strings of exact decimals, dates ISO), so exports and comparisons read
clean data. A bad cell is refused with a message naming the table, row and column.
"""

from __future__ import annotations

import datetime
import decimal
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

MAX_ROWS = 200
MAX_CELL_CHARS = 2000


@dataclass(frozen=True)
class Column:
    key: str
    label: Promise
    kind: str  # "text", "choice", "integer", "decimal", "date"
    required: bool = False
    choices: tuple[tuple[str, Promise], ...] = ()
    language: str = ""  # "uk" or "en" for text that is translated; "" for language-neutral cells


@dataclass(frozen=True)
class TableSpec:
    code: str
    title: Promise
    columns: tuple[Column, ...] = field(default_factory=tuple)

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)


SECTORS: tuple[tuple[str, Promise], ...] = (
    ("housing", _("housing")),
    ("energy", _("energy and heating")),
    ("water", _("water and sanitation")),
    ("transport", _("transport and roads")),
    ("education", _("education")),
    ("health", _("health care")),
    ("social", _("social protection")),
    ("administration", _("public administration")),
    ("culture", _("culture and heritage")),
    ("environment", _("environment")),
    ("economy", _("economy and jobs")),
    ("demining", _("demining")),
    ("civil_protection", _("civil protection and shelters")),
)
CURRENCIES: tuple[tuple[str, Promise], ...] = (("UAH", _("hryvnia")), ("EUR", _("euro")), ("USD", _("US dollar")))
SWOT_QUADRANTS: tuple[tuple[str, Promise], ...] = (
    ("strength", _("strength")),
    ("weakness", _("weakness")),
    ("opportunity", _("opportunity")),
    ("threat", _("threat")),
)
LEVELS_1_TO_5: tuple[tuple[str, Promise], ...] = (
    ("1", _("1 – very low")),
    ("2", _("2 – low")),
    ("3", _("3 – medium")),
    ("4", _("4 – high")),
    ("5", _("5 – very high")),
)
RESOURCE_KINDS: tuple[tuple[str, Promise], ...] = (
    ("human", _("people and skills")),
    ("land", _("land and natural resources")),
    ("fiscal", _("budget and finance")),
    ("institutional", _("institutions and partners")),
    ("infrastructure", _("infrastructure and property")),
)
FINANCE_SOURCES: tuple[tuple[str, Promise], ...] = (
    ("local_budget", _("local budget")),
    ("state_budget", _("state budget")),
    ("state_funds", _("state funds (for example the State Regional Development Fund)")),
    ("international", _("international partners")),
    ("private", _("private investment")),
    ("other", _("other sources")),
)
ENGAGEMENT_TYPES: tuple[tuple[str, Promise], ...] = (
    ("proposal_call", _("call for proposals")),
    ("public_hearing", _("public hearing")),
    ("survey", _("survey")),
    ("workshop", _("workshop")),
    ("focus_group", _("focus group")),
    ("e_consultation", _("online consultation")),
)

TABLES: dict[str, TableSpec] = {
    spec.code: spec
    for spec in (
        TableSpec(
            "key_figures",
            _("Key figures"),
            (
                Column("indicator_uk", _("indicator (Ukrainian)"), "text", required=True, language="uk"),
                Column("indicator_en", _("indicator (English)"), "text", language="en"),
                # Text, not a number: some key facts are words (the administrative centre, the
                # security status). ``value_en`` is for values that read differently in English.
                Column("value", _("value"), "text", required=True),
                Column("value_en", _("value in English, if different"), "text", language="en"),
                Column("unit", _("unit"), "text"),
                Column("as_of", _("as of"), "date"),
                Column("source", _("source"), "text"),
            ),
        ),
        TableSpec(
            "damage_by_sector",
            _("Damage by sector"),
            (
                Column("sector", _("sector"), "choice", required=True, choices=SECTORS),
                Column("damaged", _("objects damaged"), "integer"),
                Column("destroyed", _("objects destroyed"), "integer"),
                Column("loss_uah", _("estimated loss, UAH"), "decimal"),
                Column("as_of", _("as of"), "date"),
                Column("source", _("source"), "text"),
            ),
        ),
        TableSpec(
            "displacement",
            _("Displacement"),
            (
                Column("as_of", _("as of"), "date", required=True),
                Column("residents_left", _("residents who left"), "integer"),
                Column("displaced_hosted", _("displaced people hosted"), "integer"),
                Column("returned", _("residents who returned"), "integer"),
                Column("source", _("source"), "text"),
            ),
        ),
        TableSpec(
            "resources",
            _("Resources"),
            (
                Column("kind", _("kind"), "choice", required=True, choices=RESOURCE_KINDS),
                Column("description_uk", _("description (Ukrainian)"), "text", required=True, language="uk"),
                Column("description_en", _("description (English)"), "text", language="en"),
                Column("quantity", _("quantity or value"), "text"),
            ),
        ),
        TableSpec(
            "swot",
            _("SWOT"),
            (
                Column("quadrant", _("quadrant"), "choice", required=True, choices=SWOT_QUADRANTS),
                Column("text_uk", _("statement (Ukrainian)"), "text", required=True, language="uk"),
                Column("text_en", _("statement (English)"), "text", language="en"),
            ),
        ),
        TableSpec(
            "risks",
            _("Risks"),
            (
                Column("risk_uk", _("risk (Ukrainian)"), "text", required=True, language="uk"),
                Column("risk_en", _("risk (English)"), "text", language="en"),
                Column("likelihood", _("likelihood"), "choice", required=True, choices=LEVELS_1_TO_5),
                Column("impact", _("impact"), "choice", required=True, choices=LEVELS_1_TO_5),
                Column("mitigation_uk", _("mitigation (Ukrainian)"), "text", language="uk"),
                Column("mitigation_en", _("mitigation (English)"), "text", language="en"),
            ),
        ),
        TableSpec(
            "financing",
            _("Financing by source"),
            (
                Column("source", _("source"), "choice", required=True, choices=FINANCE_SOURCES),
                Column("amount", _("amount"), "decimal", required=True),
                Column("currency", _("currency"), "choice", required=True, choices=CURRENCIES),
                Column("year", _("year"), "integer"),
                Column("note", _("note"), "text"),
            ),
        ),
        TableSpec(
            "engagement_events",
            _("Participation events"),
            (
                Column("event_type", _("type"), "choice", required=True, choices=ENGAGEMENT_TYPES),
                Column("held_on", _("date"), "date", required=True),
                Column("participants", _("participants"), "integer"),
                Column("women", _("of whom women"), "integer"),
                Column("displaced", _("of whom displaced people"), "integer"),
                Column("inputs", _("proposals or comments received"), "integer"),
                Column("summary_uk", _("outcome (Ukrainian)"), "text", language="uk"),
                Column("summary_en", _("outcome (English)"), "text", language="en"),
            ),
        ),
        TableSpec(
            "indicators",
            _("Indicators"),
            (
                Column("indicator_uk", _("indicator (Ukrainian)"), "text", required=True, language="uk"),
                Column("indicator_en", _("indicator (English)"), "text", language="en"),
                Column("unit", _("unit"), "text"),
                Column("baseline", _("baseline"), "decimal"),
                Column("target", _("target"), "decimal"),
                Column("verification", _("means of verification"), "text"),
            ),
        ),
    )
}


def _clean_cell(spec: TableSpec, column: Column, row_number: int, raw: Any) -> str:
    value = "" if raw is None else str(raw).strip()

    def error(message: str) -> ValidationError:
        return ValidationError(
            gettext("%(table)s, row %(row)s, column “%(column)s”: %(message)s")
            % {"table": spec.title, "row": row_number, "column": column.label, "message": message},
            code="invalid_cell",
        )

    if not value:
        if column.required:
            raise error(gettext("this value is required."))
        return ""
    if len(value) > MAX_CELL_CHARS:
        raise error(gettext("at most %(count)s characters.") % {"count": MAX_CELL_CHARS})
    if column.kind == "choice":
        allowed = {code for code, _label in column.choices}
        if value not in allowed:
            raise error(gettext("“%(value)s” is not one of the choices.") % {"value": value})
        return value
    if column.kind == "integer":
        try:
            number = int(value)
        except ValueError:
            raise error(gettext("enter a whole number.")) from None
        if number < 0:
            raise error(gettext("enter a number that is not negative."))
        return str(number)
    if column.kind == "decimal":
        try:
            amount = decimal.Decimal(value.replace(" ", "").replace(",", "."))
        except decimal.InvalidOperation:
            raise error(gettext("enter a number.")) from None
        if not amount.is_finite() or amount < 0:
            raise error(gettext("enter a number that is not negative."))
        return str(amount)
    if column.kind == "date":
        try:
            return datetime.date.fromisoformat(value).isoformat()
        except ValueError:
            raise error(gettext("enter a date as YYYY-MM-DD.")) from None
    return value


def clean_rows(table_code: str, rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Validate and normalise the rows of one table; raise ValidationError listing every bad cell.

    Rows whose cells are all empty are dropped (an empty line at the end of a form is not an error).
    """
    spec = TABLES[table_code]
    if len(rows) > MAX_ROWS:
        raise ValidationError(
            gettext("%(table)s: at most %(count)s rows.") % {"table": spec.title, "count": MAX_ROWS},
            code="too_many_rows",
        )
    cleaned: list[dict[str, str]] = []
    errors: list[ValidationError] = []
    known = {column.key for column in spec.columns}
    for index, row in enumerate(rows, start=1):
        unknown = set(row) - known
        if unknown:
            errors.append(
                ValidationError(
                    gettext("%(table)s, row %(row)s: unknown columns %(columns)s.")
                    % {"table": spec.title, "row": index, "columns": ", ".join(sorted(unknown))},
                    code="unknown_column",
                )
            )
            continue
        if all(not str(row.get(column.key) or "").strip() for column in spec.columns):
            continue
        clean_row: dict[str, str] = {}
        for column in spec.columns:
            try:
                clean_row[column.key] = _clean_cell(spec, column, index, row.get(column.key))
            except ValidationError as exc:
                errors.append(exc)
        cleaned.append(clean_row)
    if errors:
        raise ValidationError(errors)
    return cleaned


def english_wordings(spec: TableSpec) -> dict[str, str]:
    """Language-neutral columns that have an optional English wording beside them, as
    {neutral key: English key} (``value`` → ``value_en`` in the key figures). Readers show the English
    wording, where given, in place of the neutral value in English, and never as a column of its own."""
    keys = {column.key: column for column in spec.columns}
    return {
        column.key.removesuffix("_en"): column.key
        for column in spec.columns
        if column.language == "en"
        and column.key.removesuffix("_en") in keys
        and not keys[column.key.removesuffix("_en")].language
    }


def worded_value(spec: TableSpec, row: dict[str, Any], key: str, language: str) -> tuple[str, str]:
    """The value of a neutral column as read in ``language``, and the language it is written in:
    the English wording in English where there is one, otherwise the value as written (Ukrainian)."""
    value = str(row.get(key) or "")
    english_key = english_wordings(spec).get(key)
    if english_key is not None and language == "en" and str(row.get(english_key) or ""):
        return str(row[english_key]), "en"
    return value, "uk"


def choice_label(table_code: str, column_key: str, value: str) -> str:
    """The translated label of a choice cell, for pages and exports."""
    column = TABLES[table_code].column(column_key)
    return str(dict(column.choices).get(value, value))
