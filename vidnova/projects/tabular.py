"""Project ideas as a table: the columns shared by the XLSX / CSV export, the import and its template.

One row per project, flat columns (see docs/projects-import.md). Lists of codes are written with ";"
between codes ("transport;waterAndWaste"); policy markers as "marker:significance" pairs
("10:2;1:1"). The nested lists of a fiche (locations, budget lines, financing lines, risks, parties)
are compact columns: one item per line (";" also separates items), the parts of an item separated by
"|" in a fixed order (``ITEM_PARTS``). A ";", "|", "\\" or line break inside a text part is written
"\\;", "\\|", "\\\\" and "\\n", so every value survives the round trip export → import unchanged.

This module only converts: ``project_row`` turns a project into cells, ``parse_row`` turns cells
into the data ``project_create`` / ``project_update`` take plus a list of (column, message)
errors, ``read_table`` reads an uploaded file and ``write_xlsx`` / ``write_csv`` write one. Access
and writing are in ``services/imports.py``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vidnova import classifications
from vidnova.projects import codelists
from vidnova.projects.models import Currency, Project, ProjectState, Purpose, Readiness

MAX_ROWS = 2_000
# Written instead of the locations of a sensitive site in exports for readers who may not see them;
# importing it leaves the stored locations unchanged.
HIDDEN_LOCATIONS = "[hidden: sensitive site]"
PREFETCH = ("locations", "budget_lines", "financing_lines", "risks", "parties", "plan_tasks")
SHEET = "projects"
KATOTTG_PATTERN = re.compile(r"^UA\d{17}$")
EDRPOU_PATTERN = re.compile(r"^\d{8}$")
AMOUNT_LIMIT = Decimal("99999999999999.99")  # max_digits 16, 2 decimal places
TRUE_VALUES = frozenset({"1", "true", "yes", "y", "так", "x"})
FALSE_VALUES = frozenset({"0", "false", "no", "n", "ні", ""})
# A text cell starting with one of these is a formula to a spreadsheet; CSV exports put "'" before it.
FORMULA_START = ("=", "+", "-", "@")

TEXT_FIELDS = (
    "title",
    "description",
    "problem",
    "objective",
    "outputs",
    "results",
    "sustainability",
)
BENEFICIARY_GROUPS = tuple(codelists.BENEFICIARY_GROUPS)

# Parts of one item of a nested list, in the order they are written (the first ``required`` parts
# must be given).
ITEM_PARTS: dict[str, tuple[tuple[str, ...], int]] = {
    "locations": (("katottg", "latitude", "longitude", "name", "description"), 1),
    "budget_lines": (("cost_item", "cost_type", "amount", "currency", "description"), 4),
    "financing_lines": (("finance_type", "finance_category", "amount", "currency", "status", "funder"), 5),
    "risks": (("likelihood", "impact", "description", "mitigation"), 3),
    "parties": (("role", "name", "edrpou"), 2),
}


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # text, code, codes, int, decimal, date, bool, markers, state, katottg, list, group, sdg, acquis, ids
    help: Promise | str
    codelist: str = ""  # a list of vidnova.projects.codelists (by name)
    required: bool = False
    private: bool = False  # exact location: left empty for sensitive projects if the reader may not see it


def _text_columns() -> list[Column]:
    result = []
    for field in TEXT_FIELDS:
        verbose = str(getattr(Project._meta.get_field(f"{field}_uk"), "verbose_name", field))
        result.append(Column(f"{field}_uk", "text", verbose, required=field == "title"))
        result.append(
            Column(f"{field}_en", "text", str(getattr(Project._meta.get_field(f"{field}_en"), "verbose_name", field)))
        )
    return result


def columns() -> list[Column]:
    """Every column, in the order of the export and the template."""
    lazy = gettext_lazy
    return [
        Column(
            "code",
            "text",
            lazy(
                "Project code, unique. A row with a known code updates that project; a new or empty code creates one."
            ),
        ),
        Column(
            "hromada_katottg", "katottg", lazy("KATOTTG code of the hromada (UA followed by 17 digits)."), required=True
        ),
        *_text_columns(),
        Column(
            "programme",
            "ref",
            lazy(
                "Programme the project is part of: its short name (slug) in the address of its pages; empty for none."
            ),
        ),
        Column(
            "plan", "ref", lazy("Recovery plan of the hromada the project belongs to: its number (id); empty for none.")
        ),
        Column(
            "plan_tasks",
            "ids",
            lazy(
                "Tasks of the current version of the plan that the project serves: their numbers (ids), separated by “;”."
            ),
        ),
        Column("purpose", "code", lazy("Purpose: restoration or development."), codelist="purposes"),
        Column("project_type", "code", lazy("Project type (OC4IDS projectType)."), codelist="project_types"),
        Column("sectors", "codes", lazy("Sectors (OC4IDS projectSector), separated by “;”."), codelist="sectors"),
        Column(
            "purpose_codes",
            "codes",
            lazy("DAC-CRS five-digit purpose codes (active), separated by “;”."),
            codelist="purpose_codes",
        ),
        Column("sdg_targets", "sdg", lazy("SDG targets such as 11.1 or 6.b, separated by “;”.")),
        Column("acquis_chapters", "acquis", lazy("EU acquis chapters, numbers 1 to 35, separated by “;”.")),
        Column(
            "policy_markers",
            "markers",
            lazy("IATI policy markers with significance, marker:significance separated by “;”, for example 10:2;1:1."),
            codelist="policy_markers",
        ),
        Column("bbb_features", "codes", lazy("Build-back-better features, separated by “;”."), codelist="bbb_features"),
        Column("readiness", "int", lazy("Readiness level, 0 (idea) to 6 (implementation).")),
        Column(
            "state",
            "state",
            lazy(
                "Lifecycle state. Sets the state of a new project (default: idea); an existing project keeps its state and changes it by a transition."
            ),
        ),
        Column("starts_on", "date", lazy("Start date, YYYY-MM-DD.")),
        Column("ends_on", "date", lazy("End date, YYYY-MM-DD, not before the start.")),
        Column("cost", "decimal", lazy("Total cost, a number not below 0 (a decimal point, no thousands separators).")),
        Column("currency", "code", lazy("Currency of the cost: UAH, EUR or USD."), codelist="currencies"),
        Column("beneficiaries_direct", "int", lazy("Direct beneficiaries, a whole number.")),
        Column("beneficiaries_indirect", "int", lazy("Indirect beneficiaries, a whole number.")),
        *(
            Column(
                f"beneficiaries_{group}",
                "group",
                lazy("Direct beneficiaries: %(group)s, a whole number.") % {"group": label},
            )
            for group, label in codelists.BENEFICIARY_GROUPS.items()
        ),
        Column(
            "is_sensitive",
            "bool",
            lazy(
                "Sensitive site (shelter, critical infrastructure): yes or no. Exact locations are then never public."
            ),
        ),
        Column("seeks_partner_expertise", "bool", lazy("Seeks partner expertise: yes or no.")),
        Column("dream_id", "text", lazy("Project identifier in DREAM.")),
        Column("prozorro_ids", "ids", lazy("Prozorro tender identifiers (UA-…), separated by “;”.")),
        Column(
            "locations",
            "list",
            lazy(
                "Locations, one per line (or separated by “;”): KATOTTG|latitude|longitude|place|address. Only the code is required."
            ),
            private=True,
        ),
        Column(
            "budget_lines",
            "list",
            lazy("Budget breakdown, one line each: cost item|capex or opex|amount|currency|description."),
            codelist="cost_items",
        ),
        Column(
            "financing_lines",
            "list",
            lazy("Financing, one line each: finance type|finance category|amount|currency|status|funder."),
            codelist="finance_categories",
        ),
        Column("risks", "list", lazy("Risks, one per line: likelihood 1–5|impact 1–5|description|mitigation.")),
        Column(
            "parties",
            "list",
            lazy("Parties, one per line: role|name|EDRPOU code (8 digits, optional)."),
            codelist="party_roles",
        ),
    ]


def column_names() -> list[str]:
    return [column.name for column in columns()]


# --- writing -------------------------------------------------------------------------------------


def _escape(value: Any) -> str:
    text = "" if value is None else str(value)
    return text.replace("\\", "\\\\").replace(";", "\\;").replace("|", "\\|").replace("\r\n", "\n").replace("\n", "\\n")


def _item(values: Sequence[Any]) -> str:
    parts = [_escape(value) for value in values]
    while parts and parts[-1] == "":
        parts.pop()
    return "|".join(parts)


def _items(items: Iterable[Sequence[Any]]) -> str:
    return "\n".join(_item(values) for values in items)


def _codes(values: Iterable[Any]) -> str:
    return ";".join(str(value) for value in values)


def _amount(value: Decimal | None) -> str:
    return "" if value is None else format(value, "f")


def project_row(project: Project, *, private: bool) -> dict[str, Any]:
    """The cells of one project, typed (str, int, Decimal, date or None). ``private``: the reader may
    see the exact locations of a sensitive project; otherwise its locations are left out. The
    project should come with its hromada and nested lists prefetched (``export_queryset``)."""
    row: dict[str, Any] = {
        "code": project.code,
        "hromada_katottg": project.hromada.katottg,
    }
    for field in TEXT_FIELDS:
        row[f"{field}_uk"] = getattr(project, f"{field}_uk")
        row[f"{field}_en"] = getattr(project, f"{field}_en")
    row["programme"] = project.programme.slug if project.programme is not None else ""
    row["plan"] = project.plan_id
    row["plan_tasks"] = _codes(sorted(task.pk for task in project.plan_tasks.all()))
    markers = project.policy_markers or {}
    groups = project.beneficiary_groups or {}
    row.update(
        {
            "purpose": project.purpose,
            "project_type": project.project_type,
            "sectors": _codes(project.sectors or []),
            "purpose_codes": _codes(project.purpose_codes or []),
            "sdg_targets": _codes(project.sdg_targets or []),
            "acquis_chapters": _codes(project.acquis_chapters or []),
            "policy_markers": ";".join(f"{marker}:{significance}" for marker, significance in markers.items()),
            "bbb_features": _codes(project.bbb_features or []),
            "readiness": project.readiness,
            "state": project.state,
            "starts_on": project.starts_on,
            "ends_on": project.ends_on,
            "cost": project.cost,
            "currency": project.currency,
            "beneficiaries_direct": project.beneficiaries_direct,
            "beneficiaries_indirect": project.beneficiaries_indirect,
            **{f"beneficiaries_{group}": groups.get(group) for group in BENEFICIARY_GROUPS},
            "is_sensitive": "yes" if project.is_sensitive else "no",
            "seeks_partner_expertise": "yes" if project.seeks_partner_expertise else "no",
            "dream_id": project.dream_id,
            "prozorro_ids": _codes(project.prozorro_ids or []),
        }
    )
    show_locations = private or not project.is_sensitive
    row["locations"] = (
        _items(
            (loc.katottg, _coordinate(loc.latitude), _coordinate(loc.longitude), loc.name, loc.description)
            for loc in project.locations.all()
        )
        if show_locations
        else HIDDEN_LOCATIONS
    )
    row["budget_lines"] = _items(
        (line.cost_item, line.cost_type, _amount(line.amount), line.currency, line.description)
        for line in project.budget_lines.all()
    )
    row["financing_lines"] = _items(
        (line.finance_type, line.finance_category, _amount(line.amount), line.currency, line.status, line.funder)
        for line in project.financing_lines.all()
    )
    row["risks"] = _items(
        (risk.likelihood, risk.impact, risk.description, risk.mitigation) for risk in project.risks.all()
    )
    row["parties"] = _items((party.role, party.name, party.edrpou) for party in project.parties.all())
    return row


def _coordinate(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    text = str(value)
    if text.startswith(FORMULA_START) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except InvalidOperation:
        return False
    return True


def write_csv(rows: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    """The CSV export, line by line (UTF-8 with a byte-order mark for spreadsheet programs; commas)."""
    names = column_names()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(names)
    yield "\ufeff" + buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_csv_text(row.get(name)) for name in names])
        yield buffer.getvalue()


def write_xlsx(rows: Iterable[Mapping[str, Any]], *, notes: bool = True) -> bytes:
    """The XLSX export (or, without rows, the template): sheet "projects", then "notes" explaining
    every column and "codes" listing every allowed code."""
    import openpyxl  # type: ignore[import-untyped]
    from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]
    from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET)
    names = column_names()
    sheet.freeze_panes = "C2"
    bold = Font(bold=True)
    header = []
    for name in names:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        cells = []
        for name in names:
            value = row.get(name)
            if isinstance(value, str):
                cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
                cell.data_type = "s"  # never a formula: text whatever it starts with
                if "\n" in value:
                    cell.alignment = wrap
            else:
                cell = WriteOnlyCell(sheet, value=value)
                if isinstance(value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
            cells.append(cell)
        sheet.append(cells)
    if notes:
        _write_notes(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_notes(workbook: Any) -> None:
    notes = workbook.create_sheet("notes")
    notes.append([_("column"), _("required"), _("what to enter"), _("allowed codes")])
    for column in columns():
        allowed = ""
        if column.codelist and column.kind != "list":
            items = codelists.get_list(column.codelist)
            allowed = (
                _("see the sheet “codes”, list %(list)s") % {"list": column.codelist}
                if len(items) > 30
                else "; ".join(f"{code} = {label}" for code, label in items.items())
            )
        elif column.kind == "state":
            allowed = "; ".join(f"{code} = {label}" for code, label in ProjectState.choices)
        elif column.name == "readiness":
            allowed = "; ".join(f"{code} = {label}" for code, label in Readiness.choices)
        elif column.kind == "list":
            allowed = _list_codes_note(column.name)
        notes.append([column.name, _("yes") if column.required else "", str(column.help), allowed])
    codes = workbook.create_sheet("codes")
    codes.append([_("list"), _("code"), _("label")])
    for list_name, items in codelists.LISTS.items():
        for code, label in items.items():
            codes.append([list_name, code, str(label)])


def _list_codes_note(name: str) -> str:
    def joined(list_name: str) -> str:
        return ", ".join(codelists.get_list(list_name))

    if name == "budget_lines":
        return _("cost items: %(items)s; cost types: capex, opex; currencies: UAH, EUR, USD") % {
            "items": joined("cost_items")
        }
    if name == "financing_lines":
        return _("finance types: %(types)s; finance categories: %(categories)s; statuses: %(statuses)s") % {
            "types": joined("finance_types"),
            "categories": joined("finance_categories"),
            "statuses": joined("financing_statuses"),
        }
    if name == "parties":
        return _("roles: %(roles)s") % {"roles": joined("party_roles")}
    if name == "risks":
        return _("likelihood and impact: 1 (lowest) to 5 (highest)")
    if name == "locations":
        return _(
            "a KATOTTG code of the codifier (the hromada or a settlement in it); latitude −90 to 90, longitude −180 to 180"
        )
    return ""


# --- reading -------------------------------------------------------------------------------------


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (row number in the file, cells by header)
    kind: str  # "xlsx" or "csv"


def cell_text(value: Any) -> str:
    """A cell as text: numbers without a trailing ".0", dates as YYYY-MM-DD, yes/no for booleans."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int | Decimal):
        return format(value, "f") if isinstance(value, Decimal) else str(value)
    text = str(value).strip()
    if text.startswith("'") and text[1:2] in FORMULA_START:
        text = text[1:]
    return text


def read_table(data: bytes, filename: str) -> Table:
    """The sheet "projects" (or the first sheet) of an XLSX workbook, or a CSV file (comma,
    semicolon or tab separated, UTF-8), as headers and numbered rows; the header is row 1 and empty
    rows are skipped. Raises ValidationError when the file cannot be read or is too long."""
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data, filename)
    return _read_csv(data, filename)


def _too_many() -> ValidationError:
    return ValidationError(
        _("The file has more than %(limit)s project rows; split it.") % {"limit": MAX_ROWS}, code="too_many"
    )


def _headers(values: Sequence[Any]) -> list[str]:
    return [cell_text(value).lower() for value in values]


def _read_xlsx(data: bytes, filename: str) -> Table:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise ValidationError(
            _("“%(name)s” could not be read as an XLSX workbook (%(error)s).") % {"name": filename, "error": error},
            code="unreadable",
        ) from None
    try:
        sheet = workbook[SHEET] if SHEET in workbook.sheetnames else workbook.worksheets[0]
        headers: list[str] | None = None
        rows: list[tuple[int, dict[str, str]]] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if headers is None:
                headers = _headers(values)
                continue
            cells = {header: cell_text(value) for header, value in zip(headers, values, strict=False) if header}
            if not any(cells.values()):
                continue
            rows.append((number, cells))
            if len(rows) > MAX_ROWS:
                raise _too_many()
    finally:
        workbook.close()
    return Table(headers=headers or [], rows=rows, kind="xlsx")


def _read_csv(data: bytes, filename: str) -> Table:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            _("“%(name)s” is not UTF-8 text. Save the CSV as UTF-8 (or use XLSX) and upload it again.")
            % {"name": filename},
            code="encoding",
        ) from None
    first_line = text.split("\n", 1)[0]
    counts = {",": first_line.count(","), ";": first_line.count(";"), "\t": first_line.count("\t")}
    delimiter = max(counts, key=lambda key: counts[key])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers: list[str] | None = None
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for number, values in enumerate(reader, start=1):
            # Rows are counted as a spreadsheet shows them: a cell with line breaks is one row.
            if headers is None:
                headers = _headers(values)
                continue
            cells = {header: cell_text(value) for header, value in zip(headers, values, strict=False) if header}
            if not any(cells.values()):
                continue
            rows.append((number, cells))
            if len(rows) > MAX_ROWS:
                raise _too_many()
    except csv.Error as error:
        raise ValidationError(
            _("“%(name)s” could not be read as CSV (line %(line)s: %(error)s).")
            % {"name": filename, "line": reader.line_num, "error": error},
            code="unreadable",
        ) from None
    return Table(headers=headers or [], rows=rows, kind="csv")


# --- parsing one row -----------------------------------------------------------------------------


@dataclass
class ParsedRow:
    code: str
    hromada_katottg: str
    state: str  # "" when the column is absent or empty
    data: dict[str, Any]  # model field names and nested lists, for project_create / project_update
    errors: list[tuple[str, str]]  # (column, message)
    location_codes: list[tuple[int, str]]  # (item number, KATOTTG) to check against the codifier


def split_items(text: str) -> list[list[str]]:
    """Items of a compact list column: split on line breaks and unescaped ";", then on unescaped "|",
    with the escapes undone. Empty items are skipped."""
    items: list[list[str]] = []
    parts: list[str] = []
    current: list[str] = []
    index = 0
    escapes = {"n": "\n", ";": ";", "|": "|", "\\": "\\"}

    def end_item() -> None:
        nonlocal parts, current
        parts.append("".join(current).strip())
        current = []
        if any(parts):
            items.append(parts)
        parts = []

    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text) and text[index + 1] in escapes:
            current.append(escapes[text[index + 1]])
            index += 2
            continue
        if char in ";\n\r":
            end_item()
        elif char == "|":
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
        index += 1
    end_item()
    return items


def _split_codes(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;\n]", text) if part.strip()]


def parse_decimal(text: str) -> Decimal:
    """A non-negative amount: "1234.50", "1 234,50" (spaces and a decimal comma accepted)."""
    cleaned = text.replace("\u00a0", "").replace(" ", "")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(_("“%(value)s” is not a number.") % {"value": text}) from None
    if not value.is_finite():
        raise ValueError(_("“%(value)s” is not a number.") % {"value": text})
    if value < 0:
        raise ValueError(_("%(value)s is negative; amounts cannot be below 0.") % {"value": text})
    if value > AMOUNT_LIMIT or value != value.quantize(Decimal("0.01")):
        raise ValueError(
            _("“%(value)s” has more than 14 digits before or 2 after the decimal point.") % {"value": text}
        )
    return value.quantize(Decimal("0.01"))


def _parse_int(text: str, *, low: int = 0, high: int | None = None) -> int:
    try:
        value = int(text.replace(" ", "").replace("\u00a0", ""))
    except ValueError:
        raise ValueError(_("“%(value)s” is not a whole number.") % {"value": text}) from None
    if value < low or (high is not None and value > high):
        if high is None:
            raise ValueError(_("%(value)s is below %(low)s.") % {"value": value, "low": low})
        raise ValueError(
            _("%(value)s is not between %(low)s and %(high)s.") % {"value": value, "low": low, "high": high}
        )
    return value


def _parse_date(text: str) -> dt.date:
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a date, no time zone
        except ValueError:
            continue
    raise ValueError(_("“%(value)s” is not a date; write YYYY-MM-DD.") % {"value": text})


def _parse_bool(text: str) -> bool:
    folded = text.strip().casefold()
    if folded in TRUE_VALUES:
        return True
    if folded in FALSE_VALUES:
        return False
    raise ValueError(_("“%(value)s” is not yes or no.") % {"value": text})


def _parse_coordinate(text: str, limit: int, what: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise ValueError(_("the %(what)s “%(value)s” is not a number") % {"what": what, "value": text}) from None
    if not value.is_finite() or abs(value) > limit:
        raise ValueError(
            _("the %(what)s %(value)s is not between −%(limit)s and %(limit)s")
            % {"what": what, "value": text, "limit": limit}
        )
    return value.quantize(Decimal("0.000001"))


def _unknown(value: str, list_name: str) -> str:
    if list_name == "purpose_codes" and value in codelists.WITHDRAWN_PURPOSE_CODES:
        return _("“%(code)s” is a withdrawn DAC-CRS code; use an active one.") % {"code": value}
    return _("“%(code)s” is not a known code (see the sheet “codes”, list %(list)s).") % {
        "code": value,
        "list": list_name,
    }


def _currency(value: str) -> str:
    code = value.strip().upper()
    if code not in Currency.values:
        raise ValueError(_("“%(value)s” is not an accepted currency (UAH, EUR or USD).") % {"value": value})
    return code


def parse_row(cells: Mapping[str, str], present: Iterable[str]) -> ParsedRow:
    """The data of one row for the project services, and every error as (column, message). Only the
    columns ``present`` in the file are in the data: an absent column leaves that field unchanged
    when a project is updated."""
    present = set(present)
    errors: list[tuple[str, str]] = []
    data: dict[str, Any] = {}
    location_codes: list[tuple[int, str]] = []
    groups: dict[str, int] = {}

    def get(name: str) -> str:
        return (cells.get(name) or "").strip()

    for column in columns():
        name = column.name
        if name not in present or name in {"code", "hromada_katottg", "state"}:
            continue
        text = get(name)
        if name == "locations" and text == HIDDEN_LOCATIONS:
            # A public export of a sensitive site: its locations were withheld, not removed, so a
            # re-import keeps the stored ones.
            continue
        try:
            if column.kind == "text":
                data[name] = cells.get(name) or ""
                if column.required and not text:
                    raise ValueError(_("This column must not be empty."))
            elif column.kind == "code":
                if name == "currency":
                    data[name] = _currency(text) if text else Currency.UAH.value
                elif name == "purpose":
                    if text and text not in Purpose.values:
                        raise ValueError(_unknown(text, column.codelist))
                    data[name] = text or Purpose.RESTORATION.value
                else:
                    if text and not codelists.is_valid(column.codelist, text):
                        raise ValueError(_unknown(text, column.codelist))
                    data[name] = text
            elif column.kind == "codes":
                values = _split_codes(text)
                bad = [value for value in values if not codelists.is_valid(column.codelist, value)]
                if bad:
                    raise ValueError(" ".join(_unknown(value, column.codelist) for value in bad))
                data[name] = list(dict.fromkeys(values))
            elif column.kind in {"sdg", "acquis"}:
                scheme = classifications.SDG_TARGET if column.kind == "sdg" else classifications.ACQUIS_CHAPTER
                try:
                    data[name] = classifications.validate(scheme, _split_codes(text))
                except ValidationError as error:
                    raise ValueError(" ".join(error.messages)) from None
            elif column.kind == "ids":
                data[name] = list(dict.fromkeys(_split_codes(text)))
            elif column.kind == "ref":
                data[name] = text or None
            elif column.kind == "markers":
                data[name] = _parse_markers(text)
            elif column.kind == "int":
                if name == "readiness":
                    data[name] = _parse_int(text, low=0, high=6) if text else Readiness.IDEA.value
                else:
                    data[name] = _parse_int(text) if text else None
            elif column.kind == "group":
                if text:
                    groups[name.removeprefix("beneficiaries_")] = _parse_int(text)
            elif column.kind == "decimal":
                data[name] = parse_decimal(text) if text else None
            elif column.kind == "date":
                data[name] = _parse_date(text) if text else None
            elif column.kind == "bool":
                data[name] = _parse_bool(text)
            elif column.kind == "list":
                data[name] = _parse_list(name, text, location_codes)
        except ValueError as error:
            errors.append((name, str(error)))
    if any(f"beneficiaries_{group}" in present for group in BENEFICIARY_GROUPS):
        data["beneficiary_groups"] = groups
    starts, ends = data.get("starts_on"), data.get("ends_on")
    if starts and ends and ends < starts:
        errors.append(
            ("ends_on", _("The end (%(end)s) is before the start (%(start)s).") % {"end": ends, "start": starts})
        )
    state = get("state") if "state" in present else ""
    if state and state not in ProjectState.values:
        errors.append(("state", _("“%(value)s” is not a lifecycle state.") % {"value": state}))
    katottg = get("hromada_katottg").upper()
    if not katottg:
        errors.append(("hromada_katottg", _("This column must not be empty.")))
    elif not KATOTTG_PATTERN.match(katottg):
        errors.append(
            ("hromada_katottg", _("“%(value)s” is not a KATOTTG code (UA followed by 17 digits).") % {"value": katottg})
        )
    return ParsedRow(
        code=get("code"),
        hromada_katottg=katottg,
        state=state,
        data=data,
        errors=errors,
        location_codes=location_codes,
    )


def _parse_markers(text: str) -> dict[str, int]:
    markers: dict[str, int] = {}
    for part in _split_codes(text):
        marker, _colon, significance = part.partition(":")
        marker, significance = marker.strip(), significance.strip()
        if not codelists.is_valid("policy_markers", marker):
            raise ValueError(_("“%(code)s” is not an IATI policy marker (1 to 12).") % {"code": marker})
        if not codelists.is_valid("policy_significance", significance):
            raise ValueError(
                _("Policy marker %(code)s needs a significance 0 to 4 after “:” (found “%(value)s”).")
                % {"code": marker, "value": significance}
            )
        markers[marker] = int(significance)
    return markers


def _parse_list(name: str, text: str, location_codes: list[tuple[int, str]]) -> list[dict[str, Any]]:
    parts_names, required = ITEM_PARTS[name]
    result: list[dict[str, Any]] = []
    problems: list[str] = []
    for number, parts in enumerate(split_items(text), start=1):
        try:
            if len(parts) > len(parts_names):
                raise ValueError(
                    _("has %(found)s parts separated by “|”, at most %(max)s expected (%(parts)s)")
                    % {"found": len(parts), "max": len(parts_names), "parts": "|".join(parts_names)}
                )
            values = dict(zip(parts_names, parts + [""] * (len(parts_names) - len(parts)), strict=True))
            missing = [part for part in parts_names[:required] if not values[part]]
            if missing:
                raise ValueError(
                    _("lacks %(missing)s (expected %(parts)s)")
                    % {"missing": ", ".join(missing), "parts": "|".join(parts_names)}
                )
            result.append(_item_value(name, values, number, location_codes))
        except ValueError as error:
            problems.append(_("item %(number)s %(error)s") % {"number": number, "error": str(error).rstrip(".")})
    if problems:
        raise ValueError("; ".join(problems) + ".")
    return result


def _check_code(value: str, list_name: str, what: str) -> str:
    if not codelists.is_valid(list_name, value):
        raise ValueError(_("has an unknown %(what)s “%(code)s”") % {"what": what, "code": value})
    return value


def _item_amount(values: Mapping[str, str]) -> tuple[Decimal, str]:
    try:
        amount = parse_decimal(values["amount"])
    except ValueError as error:
        raise ValueError(_("has a wrong amount: %(error)s") % {"error": error}) from None
    try:
        currency = _currency(values["currency"])
    except ValueError as error:
        raise ValueError(_("has a wrong currency: %(error)s") % {"error": error}) from None
    return amount, currency


def _item_value(
    name: str, values: dict[str, str], number: int, location_codes: list[tuple[int, str]]
) -> dict[str, Any]:
    if name == "locations":
        katottg = values["katottg"].upper()
        if not KATOTTG_PATTERN.match(katottg):
            raise ValueError(_("has “%(value)s”, not a KATOTTG code") % {"value": values["katottg"]})
        location_codes.append((number, katottg))
        latitude = _parse_coordinate(values["latitude"], 90, _("latitude")) if values["latitude"] else None
        longitude = _parse_coordinate(values["longitude"], 180, _("longitude")) if values["longitude"] else None
        if (latitude is None) != (longitude is None):
            raise ValueError(_("needs both latitude and longitude, or neither"))
        return {
            "katottg": katottg,
            "latitude": latitude,
            "longitude": longitude,
            "name": values["name"],
            "description": values["description"],
        }
    if name == "budget_lines":
        amount, currency = _item_amount(values)
        return {
            "cost_item": _check_code(values["cost_item"], "cost_items", _("cost item")),
            "cost_type": _check_code(values["cost_type"], "cost_types", _("cost type")),
            "amount": amount,
            "currency": currency,
            "description": values["description"],
        }
    if name == "financing_lines":
        amount, currency = _item_amount(values)
        return {
            "finance_type": _check_code(values["finance_type"], "finance_types", _("finance type")),
            "finance_category": _check_code(values["finance_category"], "finance_categories", _("finance category")),
            "amount": amount,
            "currency": currency,
            "status": _check_code(values["status"], "financing_statuses", _("status")),
            "funder": values["funder"],
        }
    if name == "risks":
        try:
            likelihood = _parse_int(values["likelihood"], low=1, high=5)
            impact = _parse_int(values["impact"], low=1, high=5)
        except ValueError as error:
            raise ValueError(_("has a wrong likelihood or impact: %(error)s") % {"error": error}) from None
        return {
            "likelihood": likelihood,
            "impact": impact,
            "description": values["description"],
            "mitigation": values["mitigation"],
        }
    # parties
    if values["edrpou"] and not EDRPOU_PATTERN.match(values["edrpou"]):
        raise ValueError(_("has “%(value)s”, not an EDRPOU code of 8 digits") % {"value": values["edrpou"]})
    return {
        "role": _check_code(values["role"], "party_roles", _("role")),
        "name": values["name"],
        "edrpou": values["edrpou"],
    }


def export_queryset(params: Mapping[str, str]) -> Any:
    """Projects for an export, filtered and sorted like the portfolio (?hromada=KATOTTG,
    ?programme=slug, ?sector=, ?state=, ?readiness=, ?security_status=, ?gap=, ?plan=, ?sort=), with
    everything a row needs prefetched."""
    from vidnova.projects.selectors.portfolio import SORTS, PortfolioFilter, portfolio

    def text(name: str) -> str:
        return (params.get(name) or "").strip()

    def number(name: str) -> int | None:
        value = text(name)
        return int(value) if value.isdigit() else None

    sort = text("sort")
    filters = PortfolioFilter(
        hromada=text("hromada").upper(),
        programme=text("programme"),
        sector=text("sector"),
        state=text("state"),
        readiness=number("readiness"),
        security_status=text("security_status"),
        gap=text("gap"),
        plan=number("plan"),
        sort=sort if sort.removeprefix("-") in SORTS else "hromada",
    )
    return portfolio(filters).prefetch_related(*PREFETCH)
