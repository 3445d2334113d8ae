"""Importing Kobo / ODK submission exports into the assessments of a round.

Two steps, as for every bulk change in Vidnova:

* ``import_check`` (the dry run) reads the file (XLSX, or CSV separated by commas or semicolons,
  UTF-8 with or without a byte-order mark), maps its columns to the questions of the round's
  instrument version (XML names, group paths, labels in any of the form's languages, a
  ``select_multiple`` as one column or one column per choice), matches every row to a hromada of the
  round (KATOTTG code or name) and checks every value with ``vidnova.assessments.answers`` — the same
  checks as the online form. The upload and the report (per row: what would happen and every error
  with its row and column) are stored in a SubmissionImport.
* ``import_apply`` applies a checked import all-or-nothing: inside one transaction it runs the check
  again on the stored file and refuses if there is any error or if the round or its answers changed
  since the dry run. Each row's answers then replace the assessment's answers, the assessment moves
  to SUBMITTED (source: import) and its scores are recomputed.

See docs/assessment-import.md.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from vidnova.accounts.access import Action, AnyUser, can, roles_of
from vidnova.assessments import answers as answer_rules
from vidnova.assessments import scoring
from vidnova.assessments.models import (
    Answer,
    Assessment,
    AssessmentSource,
    AssessmentState,
    AssessmentTransition,
    Evidence,
    ReturnNote,
    Round,
    RoundStatus,
    SubmissionImport,
)
from vidnova.assessments.services.answers import actor
from vidnova.assessments.services.scores import form_of, store_score
from vidnova.audit.services import record
from vidnova.core.uploads import validate_upload
from vidnova.registry.models import Hromada

MAX_IMPORT_BYTES = 20 * 1024 * 1024
MAX_ROWS = 5_000
MATCH_CHOICES = ("auto", "katottg", "name")
KATOTTG_PATTERN = re.compile(r"^UA\d{17}$")

# Kobo / ODK metadata: never questions, silently ignored.
METADATA_COLUMNS = frozenset(
    {
        "start",
        "end",
        "today",
        "deviceid",
        "subscriberid",
        "simserial",
        "phonenumber",
        "username",
        "email",
        "audit",
        "instanceid",
        "instancename",
        "rootuuid",
        "deprecatedid",
        "uuid",
        "__version__",
    }
)
METADATA_GROUPS = frozenset({"meta", "formhub"})
KATOTTG_COLUMNS = frozenset(
    {"hromada_katottg", "katottg", "hromada_code", "katottg_code", "код катоттг", "катоттг", "katottg code"}
)
NAME_COLUMNS = frozenset(
    {
        "hromada",
        "hromada_name",
        "hromada_name_uk",
        "hromada_name_en",
        "hromada_name_latin",
        "громада",
        "назва громади",
    }
)
TRUE_VALUES = frozenset({"1", "true", "yes", "так", "ja"})
FALSE_VALUES = frozenset({"0", "false", "no", "ні", "nee", ""})
_HROMADA_SUFFIX = re.compile(
    r"\s+((міська|селищна|сільська)\s+)?(територіальна\s+)?громада$"
    r"|\s+((urban|city|settlement|rural|village)\s+)?(territorial\s+)?(hromada|community)$"
)
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'", "‘": "'"})


class ImportRefused(ValidationError):
    """The import cannot be applied (errors in the file, or the data changed since the check)."""


def fold(text: str) -> str:
    """Text compared case- and space-insensitively (labels, hromada names)."""
    text = unicodedata.normalize("NFC", str(text)).translate(_APOSTROPHES)
    return " ".join(text.casefold().split())


def _hromada_key(text: str) -> str:
    return _HROMADA_SUFFIX.sub("", fold(text))


# --- reading the file ----------------------------------------------------------------------------


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[Any]]]  # (row number in the file, cells)
    kind: str  # "xlsx" or "csv"


def read_table(data: bytes, filename: str) -> Table:
    """The first sheet of an XLSX workbook or a CSV file, as headers and numbered rows (the header
    is row 1). Fully empty rows are skipped. Raises ValidationError when the file cannot be read."""
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data, filename)
    return _read_csv(data, filename)


def _read_xlsx(data: bytes, filename: str) -> Table:
    import openpyxl  # type: ignore[import-untyped]

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise ValidationError(
            _("“%(name)s” could not be read as an XLSX workbook (%(error)s).") % {"name": filename, "error": error},
            code="unreadable",
        ) from None
    try:
        sheet = workbook.worksheets[0]
        rows_iter = sheet.iter_rows(values_only=True)
        headers: list[str] | None = None
        rows: list[tuple[int, list[Any]]] = []
        for number, values in enumerate(rows_iter, start=1):
            cells = list(values)
            if headers is None:
                headers = ["" if cell is None else str(cell).strip() for cell in cells]
                continue
            if all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells):
                continue
            rows.append((number, cells))
            if len(rows) > MAX_ROWS:
                raise ValidationError(
                    _("The file has more than %(limit)s rows; split it.") % {"limit": MAX_ROWS}, code="too_many"
                )
    finally:
        workbook.close()
    return Table(headers=headers or [], rows=rows, kind="xlsx")


def _read_csv(data: bytes, filename: str) -> Table:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            _("“%(name)s” is not UTF-8 text. Save the CSV as UTF-8 (or export XLSX) and upload it again.")
            % {"name": filename},
            code="encoding",
        ) from None
    first_line = text.split("\n", 1)[0]
    # Kobo exports with ";" (its default for CSV) or ","; the header line decides.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    if first_line.count("\t") > max(first_line.count(";"), first_line.count(",")):
        delimiter = "\t"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers: list[str] | None = None
    rows: list[tuple[int, list[Any]]] = []
    try:
        for values in reader:
            if headers is None:
                headers = [value.strip() for value in values]
                continue
            if not any(value.strip() for value in values):
                continue
            rows.append((reader.line_num, list(values)))
            if len(rows) > MAX_ROWS:
                raise ValidationError(
                    _("The file has more than %(limit)s rows; split it.") % {"limit": MAX_ROWS}, code="too_many"
                )
    except csv.Error as error:
        raise ValidationError(
            _("“%(name)s” could not be read as CSV (line %(line)s: %(error)s).")
            % {"name": filename, "line": reader.line_num, "error": error},
            code="unreadable",
        ) from None
    return Table(headers=headers or [], rows=rows, kind="csv")


# --- columns -------------------------------------------------------------------------------------


@dataclass
class Column:
    index: int
    header: str
    role: str  # question | choice | katottg | name | metadata | note | unknown | empty | duplicate
    question: str = ""
    choice: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"column": self.header, "role": self.role, "question": self.question, "choice": self.choice}


@dataclass
class ColumnMap:
    columns: list[Column]
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)

    def of_role(self, role: str) -> list[Column]:
        return [column for column in self.columns if column.role == role]

    def question_column(self, name: str) -> str:
        """The header that carries ``name`` (for error messages)."""
        for column in self.columns:
            if column.question == name and column.role in {"question", "choice"}:
                return column.header if column.role == "question" else f"{name}/…"
        return ""


class _Labels:
    """Question and choice labels of a form in all its languages, folded for matching."""

    def __init__(self, form: answer_rules.Form) -> None:
        self.questions: dict[str, set[str]] = {}
        self.choices: dict[str, dict[str, set[str]]] = {}
        for question in form.answerable():
            for text in (question.get("label") or {}).values():
                if text:
                    self.questions.setdefault(fold(text), set()).add(question["name"])
            if question["type"] in {"select_one", "select_multiple"}:
                index: dict[str, set[str]] = {}
                for choice in form.choices(question):
                    index.setdefault(fold(str(choice["name"])), set()).add(str(choice["name"]))
                    for text in (choice.get("label") or {}).values():
                        if text:
                            index.setdefault(fold(text), set()).add(str(choice["name"]))
                self.choices[question["name"]] = index


def _is_metadata(header: str) -> bool:
    parts = [part for part in header.split("/") if part]
    if not parts:
        return False
    last = parts[-1].casefold()
    return (
        last.startswith("_")
        or last in METADATA_COLUMNS
        or parts[0].casefold() in METADATA_GROUPS
        or header.casefold() in {"__version__", "meta/instanceid"}
    )


def map_columns(form: answer_rules.Form, table: Table) -> ColumnMap:
    """What each column of the file is: a question (by name, group path or label), one choice of a
    ``select_multiple``, the hromada's code or name, Kobo metadata, or unknown (a warning)."""
    labels = _Labels(form)
    answerable = {q["name"] for q in form.answerable()}
    multiple = {q["name"] for q in form.answerable() if q["type"] == "select_multiple"}
    notes = set(form.questions) - answerable
    columns: list[Column] = []
    result = ColumnMap(columns=columns)
    for index, raw_header in enumerate(table.headers):
        header = raw_header.strip()
        column = Column(index=index, header=header, role="unknown")
        columns.append(column)
        if not header:
            column.role = "empty"
            continue
        last = header.rstrip("/").split("/")[-1]
        folded_last = fold(last)
        if folded_last in KATOTTG_COLUMNS or fold(header) in KATOTTG_COLUMNS:
            column.role = "katottg"
            continue
        if folded_last in NAME_COLUMNS or fold(header) in NAME_COLUMNS:
            column.role = "name"
            continue
        if _is_metadata(header):
            column.role = "metadata"
            continue
        # 1. XML name, alone or at the end of a group path.
        if last in answerable:
            column.role, column.question = "question", last
            continue
        if last in notes:
            column.role = "note"
            continue
        # 2. One column per choice: "q_name/choice" (Kobo) or "q_name.choice".
        parts = header.split("/")
        if len(parts) >= 2 and parts[-2] in multiple:
            column.role, column.question, column.choice = "choice", parts[-2], parts[-1]
            continue
        if "." in last:
            prefix, _dot, suffix = last.rpartition(".")
            if prefix in multiple:
                column.role, column.question, column.choice = "choice", prefix, suffix
                continue
        # 3. A label in any of the form's languages (whole header, then its last path segment).
        matched = False
        for candidate in dict.fromkeys([header, last]):
            names = labels.questions.get(fold(candidate))
            if not names:
                continue
            matched = True
            if len(names) > 1:
                result.errors.append(
                    {
                        "column": header,
                        "message": _(
                            "The column “%(column)s” matches the label of several questions (%(list)s); "
                            "use the question names as headers."
                        )
                        % {"column": header, "list": ", ".join(sorted(names))},
                    }
                )
                column.role = "ambiguous"
            else:
                column.role, column.question = "question", next(iter(names))
            break
        if matched:
            continue
        # 4. "Question label/Choice label": one column per choice in a label export.
        if "/" in header:
            prefix, _slash, suffix = header.rpartition("/")
            for candidate in dict.fromkeys([prefix, prefix.split("/")[-1]]):
                names = labels.questions.get(fold(candidate)) or set()
                names = {name for name in names if name in multiple}
                if len(names) == 1:
                    name = next(iter(names))
                    choices = labels.choices.get(name, {}).get(fold(suffix), set())
                    if len(choices) == 1:
                        column.role, column.question, column.choice = "choice", name, next(iter(choices))
                        matched = True
                        break
            if matched:
                continue
        result.warnings.append(
            {
                "column": header,
                "message": _("The column “%(column)s” is not a question of this questionnaire; it is ignored.")
                % {"column": header},
            }
        )
    _check_duplicates(form, result)
    return result


def _check_duplicates(form: answer_rules.Form, result: ColumnMap) -> None:
    seen: dict[str, Column] = {}
    whole = {column.question for column in result.columns if column.role == "question"}
    choices_seen: dict[tuple[str, str], Column] = {}
    for column in result.columns:
        if column.role == "question":
            if column.question in seen:
                result.errors.append(
                    {
                        "column": column.header,
                        "message": _("The columns “%(first)s” and “%(second)s” both answer the question %(name)s.")
                        % {"first": seen[column.question].header, "second": column.header, "name": column.question},
                    }
                )
                column.role = "duplicate"
            else:
                seen[column.question] = column
        elif column.role == "choice":
            if column.question in whole:
                # Kobo exports both the space-separated column and one column per choice: the
                # first is read, the others only repeat it.
                column.role = "repeat"
                continue
            valid = {str(choice["name"]) for choice in form.choices(form.questions[column.question])}
            if column.choice not in valid:
                result.errors.append(
                    {
                        "column": column.header,
                        "message": _("“%(value)s” is not one of the answers to %(name)s (%(allowed)s).")
                        % {"value": column.choice, "name": column.question, "allowed": ", ".join(sorted(valid))},
                    }
                )
                column.role = "bad_choice"
            elif (column.question, column.choice) in choices_seen:
                column.role = "duplicate"
            else:
                choices_seen[(column.question, column.choice)] = column


def _detect_katottg(table: Table, columns: ColumnMap) -> None:
    """An unknown column whose values all look like KATOTTG codes (UA + 17 digits) is the hromada code."""
    if columns.of_role("katottg"):
        return
    for column in columns.columns:
        if column.role != "unknown":
            continue
        values = [_cell(cells, column.index) for _number, cells in table.rows]
        values = [value for value in values if value]
        if values and all(KATOTTG_PATTERN.match(value.upper()) for value in values):
            column.role = "katottg"
            columns.warnings = [w for w in columns.warnings if w.get("column") != column.header]
            return


def _cell(cells: Sequence[Any], index: int) -> str:
    if index >= len(cells):
        return ""
    return answer_rules._as_text(cells[index])


# --- hromadas ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HromadaInfo:
    pk: int
    katottg: str
    name: str
    oblast: str

    def label(self) -> str:
        return f"{self.name} ({self.oblast})"

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.pk, "katottg": self.katottg, "name": self.name, "oblast": self.oblast}


class HromadaIndex:
    def __init__(self, in_round: Iterable[int]) -> None:
        self.in_round = set(in_round)
        self.by_code: dict[str, HromadaInfo] = {}
        self.by_name: dict[str, list[HromadaInfo]] = {}
        rows = Hromada.objects.values_list("pk", "katottg", "name_uk", "name_latin", "name_en", "oblast__name_uk")
        for pk, katottg, name_uk, name_latin, name_en, oblast in rows:
            info = HromadaInfo(pk, katottg, name_uk, oblast or "")
            self.by_code[katottg.upper()] = info
            for name in {_hromada_key(n) for n in (name_uk, name_latin, name_en) if n}:
                self.by_name.setdefault(name, []).append(info)

    def find(self, value: str, by: str) -> tuple[HromadaInfo | None, str]:
        """The hromada a cell names, or an error message."""
        if not value:
            return None, _("The hromada is missing in this row.")
        if by == "katottg":
            info = self.by_code.get(value.strip().upper())
            if info is None:
                return None, _("No hromada has the KATOTTG code “%(code)s”.") % {"code": value}
            return info, ""
        candidates = self.by_name.get(_hromada_key(value), [])
        if not candidates:
            return None, _("No hromada is called “%(name)s”.") % {"name": value}
        if len(candidates) > 1:
            # Many hromadas share a name; one of them in the round is taken as meant.
            taking_part = [info for info in candidates if info.pk in self.in_round]
            if len(taking_part) == 1:
                return taking_part[0], ""
            listed = taking_part or candidates
            return None, _(
                "Several hromadas are called “%(name)s”: %(list)s. Use the KATOTTG code (column hromada_katottg)."
            ) % {"name": value, "list": "; ".join(f"{info.label()}, {info.katottg}" for info in listed)}
        return candidates[0], ""


# --- the check -----------------------------------------------------------------------------------


@dataclass
class RowResult:
    row: int
    hromada: HromadaInfo | None = None
    assessment_id: int | None = None
    state: str = ""
    answers: dict[str, str] = field(default_factory=dict)
    replaces: int = 0
    errors: list[dict[str, str]] = field(default_factory=list)

    def error(self, column: str, message: str, question: str = "") -> None:
        self.errors.append({"column": column, "question": question, "message": message})

    @property
    def outcome(self) -> str:
        if self.errors:
            return "error"
        return "replace" if self.replaces else "create"

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "hromada": self.hromada.as_dict() if self.hromada else None,
            "assessment": self.assessment_id,
            "state": self.state,
            "outcome": self.outcome,
            "answers": len(self.answers),
            "replaces": self.replaces,
            "errors": self.errors,
        }


@dataclass
class Check:
    """The outcome of reading and checking a file against a round."""

    rows: list[RowResult]
    columns: ColumnMap
    file_errors: list[dict[str, Any]]
    matched_by: str
    fingerprint: str

    @property
    def error_count(self) -> int:
        return len(self.file_errors) + sum(len(row.errors) for row in self.rows)

    def report(self, *, filename: str, match_by: str, round_: Round) -> dict[str, Any]:
        good = [row for row in self.rows if not row.errors]
        return {
            "file": filename,
            "match_by": match_by,
            "matched_by": self.matched_by,
            "round": round_.pk,
            "instrument_version": round_.instrument_version_id,
            "checked_at": timezone.now().isoformat(),
            "fingerprint": self.fingerprint,
            "columns": [column.as_dict() for column in self.columns.columns],
            "errors": self.file_errors,
            "warnings": self.columns.warnings,
            "rows": [row.as_dict() for row in self.rows],
            "counts": {
                "rows": len(self.rows),
                "ready": len(good),
                "with_errors": len(self.rows) - len(good),
                "errors": self.error_count,
                "answers": sum(len(row.answers) for row in good),
                "replaced": sum(row.replaces for row in good),
                "warnings": len(self.columns.warnings),
            },
        }


def _row_values(form: answer_rules.Form, columns: ColumnMap, cells: Sequence[Any], result: RowResult) -> dict[str, str]:
    """The row's raw answers as text per question (choice columns joined), errors noted."""
    raw: dict[str, str] = {}
    ticked: dict[str, list[str]] = {}
    labels: _Labels | None = None
    for column in columns.columns:
        if column.role == "question":
            text = _cell(cells, column.index)
            question = form.questions[column.question]
            if text and question["type"] == "select_one":
                choices = {str(choice["name"]) for choice in form.choices(question)}
                if text not in choices:
                    # A label export writes the choice's label instead of its name.
                    labels = labels or _labels_cache(form)
                    names = labels.choices.get(column.question, {}).get(fold(text), set())
                    if len(names) == 1:
                        text = next(iter(names))
            raw[column.question] = text
        elif column.role == "choice":
            text = _cell(cells, column.index).casefold()
            ticked.setdefault(column.question, [])
            if text in TRUE_VALUES:
                ticked[column.question].append(column.choice)
            elif text not in FALSE_VALUES:
                result.error(
                    column.header,
                    _("Enter 1 (chosen) or 0 (not chosen); “%(value)s” is neither.")
                    % {"value": _cell(cells, column.index)},
                    column.question,
                )
    for name, chosen in ticked.items():
        raw[name] = " ".join(chosen)
    return raw


# Per form (the form is kept with its entry, so its id cannot be reused while the entry exists).
_LABELS: dict[int, tuple[answer_rules.Form, _Labels]] = {}


def _labels_cache(form: answer_rules.Form) -> _Labels:
    entry = _LABELS.get(id(form))
    if entry is None or entry[0] is not form:
        _LABELS.clear()
        entry = _LABELS[id(form)] = (form, _Labels(form))
    return entry[1]


_LINKED: dict[int, tuple[answer_rules.Form, tuple[str, ...]]] = {}


def _linked_questions(form: answer_rules.Form) -> tuple[str, ...]:
    """Questions with a constraint or a choice filter (kept per form)."""
    entry = _LINKED.get(id(form))
    if entry is None or entry[0] is not form:
        _LINKED.clear()
        names = tuple(q["name"] for q in form.answerable() if q.get("constraint") or q.get("choice_filter"))
        entry = _LINKED[id(form)] = (form, names)
    return entry[1]


def _check_answers(form: answer_rules.Form, columns: ColumnMap, raw: dict[str, str], result: RowResult) -> None:
    given = {name: value for name, value in raw.items() if value}
    cleaned: dict[str, str] = {}
    for name, value in given.items():
        # Type, choices, choice filter and constraint, read against the row's other answers.
        try:
            cleaned[name] = answer_rules.clean_value(form, name, value, given)
        except answer_rules.AnswerInvalid as problem:
            result.error(columns.question_column(name), problem.message, name)
    if result.errors:
        result.answers = cleaned
        return
    # The final answers once more, as a submission checks them (only the questions shown count): the
    # questions whose rules read other answers, the only ones a later answer can break.
    linked = [name for name in _linked_questions(form) if name in cleaned]
    for name, message in answer_rules.invalid_answers(form, cleaned, names=linked).items():
        result.error(columns.question_column(name), message, name)
    for name in answer_rules.missing_required(form, cleaned):
        label = answer_rules.question_label(form.questions[name])
        result.error(
            columns.question_column(name) or name,
            _("The required question «%(label)s» (%(name)s) is not answered.") % {"label": label, "name": name},
            name,
        )
    result.answers = cleaned


def check_table(round_: Round, table: Table, match_by: str) -> Check:
    """Check every row of ``table`` against ``round_`` (no writes)."""
    form = form_of(round_.instrument_version)
    columns = map_columns(form, table)
    _detect_katottg(table, columns)
    file_errors = list(columns.errors)
    if round_.status == RoundStatus.CLOSED:
        file_errors.append(
            {"column": "", "message": _("The round “%(round)s” is closed; reopen it to import.") % {"round": round_}}
        )
    if not table.rows:
        file_errors.append({"column": "", "message": _("The file has no rows with answers.")})
    code_columns, name_columns = columns.of_role("katottg"), columns.of_role("name")
    if match_by == "katottg" or (match_by == "auto" and code_columns):
        matched_by, hromada_columns = "katottg", code_columns
    else:
        matched_by, hromada_columns = "name", name_columns
    if not hromada_columns:
        file_errors.append(
            {
                "column": "",
                "message": _(
                    "No column names the hromada. Add a column hromada_katottg with the KATOTTG code "
                    "(UA and 17 digits) or a column hromada with its name."
                )
                if matched_by == "katottg" or match_by == "auto"
                else _("No column has the hromada's name. Add a column hromada with the name."),
            }
        )
    elif len(hromada_columns) > 1:
        file_errors.append(
            {
                "column": hromada_columns[1].header,
                "message": _("Several columns name the hromada (%(list)s); keep one.")
                % {"list": ", ".join(column.header for column in hromada_columns)},
            }
        )
    assessments = {
        hromada_id: (pk, state)
        for pk, hromada_id, state in Assessment.objects.filter(round=round_).values_list("pk", "hromada_id", "state")
    }
    index = HromadaIndex(assessments)
    rows: list[RowResult] = []
    seen: dict[int, int] = {}
    hromada_column = hromada_columns[0] if len(hromada_columns) == 1 else None
    for number, cells in table.rows:
        result = RowResult(row=number)
        rows.append(result)
        if hromada_column is not None:
            info, message = index.find(_cell(cells, hromada_column.index), matched_by)
            if info is None:
                result.error(hromada_column.header, message)
            else:
                result.hromada = info
                if info.pk not in assessments:
                    result.error(
                        hromada_column.header,
                        _(
                            "%(hromada)s is not in this round. Add it to the round on the round's page, "
                            "then check the file again."
                        )
                        % {"hromada": info.label()},
                    )
                elif info.pk in seen:
                    result.error(
                        hromada_column.header,
                        _("%(hromada)s already has a row (row %(row)s); keep one row per hromada.")
                        % {"hromada": info.label(), "row": seen[info.pk]},
                    )
                else:
                    seen[info.pk] = number
                    result.assessment_id, result.state = assessments[info.pk]
                    if result.state == AssessmentState.VALIDATED:
                        result.error(
                            hromada_column.header,
                            _(
                                "The assessment of %(hromada)s is already validated and cannot be overwritten "
                                "by an import."
                            )
                            % {"hromada": info.label()},
                        )
        raw = _row_values(form, columns, cells, result)
        _check_answers(form, columns, raw, result)
    counts, fingerprint = _state_of(round_, [row.assessment_id for row in rows if row.assessment_id])
    for row in rows:
        if row.assessment_id:
            row.replaces = counts.get(row.assessment_id, 0)
    return Check(rows=rows, columns=columns, file_errors=file_errors, matched_by=matched_by, fingerprint=fingerprint)


def _state_of(round_: Round, assessment_ids: list[int]) -> tuple[dict[int, int], str]:
    """Existing answers per assessment, and a fingerprint of everything an apply would change: the
    round, the states and versions of the assessments and the versions of their answers."""
    digest = hashlib.sha256(f"{round_.pk}:{round_.version}:{round_.status}".encode())
    wanted = sorted(set(assessment_ids))
    for pk, state, version in (
        Assessment.objects.filter(pk__in=wanted).order_by("pk").values_list("pk", "state", "version")
    ):
        digest.update(f"|a{pk}:{state}:{version}".encode())
    counts: dict[int, int] = {}
    for assessment_id, question, version, value in (
        Answer.objects.filter(assessment_id__in=wanted)
        .order_by("assessment_id", "question")
        .values_list("assessment_id", "question", "version", "value")
    ):
        if value:
            counts[assessment_id] = counts.get(assessment_id, 0) + 1
        digest.update(f"|q{assessment_id}:{question}:{version}".encode())
    return counts, digest.hexdigest()


# --- access --------------------------------------------------------------------------------------


def require_import_access(acting_user: AnyUser, round_: Round) -> None:
    """404 for those who cannot know the round, 403 for those who see it (programme experts, members
    of a hromada in the round) but may not import; programme staff pass."""
    visible = can(acting_user, Action.VIEW, round_)
    if not visible:
        members = roles_of(acting_user).hromada_member_of
        visible = bool(members) and Assessment.objects.filter(round=round_, hromada_id__in=members).exists()
    if not visible:
        raise Http404
    if not can(acting_user, Action.EDIT, round_):
        raise PermissionDenied


# --- services ------------------------------------------------------------------------------------


def import_check(
    *, acting_user: AnyUser | None, round_: Round, data: bytes, filename: str, match_by: str = "auto"
) -> SubmissionImport:
    """The dry run: read and check the file, store it with its report. Nothing else changes.
    ``acting_user`` None means the system (the management command)."""
    if acting_user is not None:
        require_import_access(acting_user, round_)
    if match_by not in MATCH_CHOICES:
        raise ValidationError({"match_by": _("Match hromadas by auto, katottg or name.")})
    upload = ContentFile(data, name=filename or "import")
    try:
        validate_upload(upload, allowed={"xlsx", "text"}, max_bytes=MAX_IMPORT_BYTES)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None
    if round_.status == RoundStatus.CLOSED:
        raise ValidationError(
            _("The round “%(round)s” is closed; reopen it to import.") % {"round": round_}, code="round_closed"
        )
    table = read_table(data, filename)
    if not table.headers:
        raise ValidationError({"file": _("“%(name)s” has no header row.") % {"name": filename}})
    with transaction.atomic():
        round_ = Round.objects.select_related("instrument_version", "programme").get(pk=round_.pk)
        check = check_table(round_, table, match_by)
        report = check.report(filename=filename, match_by=match_by, round_=round_)
        imported = SubmissionImport(
            round=round_,
            file_name=filename[-255:],
            match_by=match_by,
            report=report,
            error_count=check.error_count,
            row_count=len(check.rows),
            uploaded_by=actor(acting_user),
        )
        imported.file.save(_stored_name(filename, table.kind), ContentFile(data), save=False)
        imported.save()
        record(
            actor=actor(acting_user),
            action="assessments.import.checked",
            target=round_,
            data={"import": imported.pk, "file": filename, "counts": report["counts"]},
        )
    return imported


def _stored_name(filename: str, kind: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", filename.rsplit(".", 1)[0])[:80] or "import"
    return f"{stem}.{kind}"


def read_stored(imported: SubmissionImport) -> bytes:
    with imported.file.open("rb") as handle:
        data: bytes = handle.read()
    return data


def import_apply(*, acting_user: AnyUser | None, submission_import: SubmissionImport) -> SubmissionImport:
    """Apply a checked import, all-or-nothing (see the module docstring)."""
    user = actor(acting_user)
    with transaction.atomic():
        imported = SubmissionImport.objects.select_for_update().get(pk=submission_import.pk)
        round_ = (
            Round.objects.select_for_update(of=("self",))
            .select_related("instrument_version", "programme")
            .get(pk=imported.round_id)
        )
        if acting_user is not None:
            require_import_access(acting_user, round_)
        if imported.applied_at is not None:
            raise ImportRefused(_("This import was already applied."), code="applied")
        if round_.status == RoundStatus.CLOSED:
            raise ImportRefused(
                _("The round “%(round)s” is closed; reopen it to import.") % {"round": round_}, code="round_closed"
            )
        if imported.error_count:
            raise ImportRefused(
                _("The check found %(count)s errors; correct the file and upload it again.")
                % {"count": imported.error_count},
                code="has_errors",
            )
        check = check_table(round_, read_table(read_stored(imported), imported.file_name), imported.match_by)
        if check.error_count or check.fingerprint != imported.report.get("fingerprint"):
            raise ImportRefused(
                _(
                    "The round or its answers changed since the check (someone answered, submitted or "
                    "validated). Check the file again before applying it."
                ),
                code="changed",
            )
        counts = _write(round_, check.rows, imported, user)
        imported.applied_at = timezone.now()
        imported.applied_by = user
        imported.report = {**imported.report, "applied": {**counts, "at": imported.applied_at.isoformat()}}
        imported.save(update_fields=["applied_at", "applied_by", "report", "updated_at"])
        record(
            actor=user,
            action="assessments.import.applied",
            target=round_,
            data={"import": imported.pk, "file": imported.file_name, **counts},
        )
    return imported


def _write(round_: Round, rows: list[RowResult], imported: SubmissionImport, user: Any) -> dict[str, int]:
    now = timezone.now()
    by_assessment = {row.assessment_id: row for row in rows if row.assessment_id}
    assessments = list(
        Assessment.objects.select_for_update(of=("self",))
        .select_related("hromada")
        .filter(pk__in=list(by_assessment))
        .order_by("pk")
    )
    existing: dict[int, dict[str, Answer]] = {}
    for answer in Answer.objects.filter(assessment_id__in=list(by_assessment)):
        existing.setdefault(answer.assessment_id, {})[answer.question] = answer
    kept_for_evidence = set(
        Evidence.objects.filter(answer__assessment_id__in=list(by_assessment)).values_list("answer_id", flat=True)
    )
    created: list[Answer] = []
    updated: list[Answer] = []
    removed: list[int] = []
    for assessment in assessments:
        row = by_assessment[assessment.pk]
        stored = existing.get(assessment.pk, {})
        for question, value in row.answers.items():
            found = stored.get(question)
            if found is None:
                created.append(
                    Answer(assessment=assessment, question=question, value=value, version=1, answered_by=user)
                )
            elif found.value != value:
                found.value, found.version, found.answered_by, found.updated_at = value, found.version + 1, user, now
                updated.append(found)
        # The submission replaces all answers: the others go (emptied when they keep a comment or evidence).
        for question, answer in stored.items():
            if question in row.answers or not answer.value:
                continue
            if answer.pk in kept_for_evidence or answer.comment:
                answer.value, answer.version, answer.answered_by, answer.updated_at = "", answer.version + 1, user, now
                updated.append(answer)
            else:
                removed.append(answer.pk)
    Answer.objects.bulk_create(created, batch_size=1000)
    Answer.objects.bulk_update(updated, ["value", "version", "answered_by", "updated_at"], batch_size=1000)
    for start in range(0, len(removed), 900):
        Answer.objects.filter(pk__in=removed[start : start + 900]).delete()
    ReturnNote.objects.filter(assessment__in=assessments, resolved_at__isnull=True).update(
        resolved_at=now, resolved_by=user
    )
    message = _("Imported from %(file)s") % {"file": imported.file_name}
    transitions = []
    form = form_of(round_.instrument_version)
    for assessment in assessments:
        transitions.append(
            AssessmentTransition(
                assessment=assessment,
                from_state=assessment.state,
                to_state=AssessmentState.SUBMITTED,
                message=message,
                actor=user,
            )
        )
        from_state = assessment.state
        assessment.state = AssessmentState.SUBMITTED
        assessment.source = AssessmentSource.IMPORT
        assessment.version += 1
        assessment.started_at = assessment.started_at or now
        assessment.submitted_at = now
        assessment.submitted_by = user
        assessment.updated_at = now
        store_score(assessment, scoring.score(form.prepared, by_assessment[assessment.pk].answers))
        record(
            actor=user,
            action="assessments.assessment.submitted",
            target=assessment,
            changes={"state": [from_state, AssessmentState.SUBMITTED]},
            data={"message": message, "import": imported.pk},
            hromada=assessment.hromada,
        )
    AssessmentTransition.objects.bulk_create(transitions, batch_size=1000)
    Assessment.objects.bulk_update(
        assessments,
        ["state", "source", "version", "started_at", "submitted_at", "submitted_by", "updated_at"],
        batch_size=500,
    )
    return {
        "assessments": len(assessments),
        "answers_created": len(created),
        "answers_changed": len(updated),
        "answers_removed": len(removed),
    }


# --- the template and the report as CSV ----------------------------------------------------------


def template_xlsx(round_: Round) -> bytes:
    """A workbook to fill in: hromada_katottg, hromada_name, then every question's name; one row per
    hromada of the round with its code and name filled in."""
    import openpyxl
    from openpyxl.styles import Font  # type: ignore[import-untyped]

    form = form_of(round_.instrument_version)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "submissions"
    questions = form.answerable()
    sheet.append(["hromada_katottg", "hromada_name", *(q["name"] for q in questions)])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for katottg, name in (
        Assessment.objects.filter(round=round_)
        .order_by("hromada__name_sort")
        .values_list("hromada__katottg", "hromada__name_uk")
    ):
        sheet.append([katottg, name])
    sheet.freeze_panes = "C2"
    labels = workbook.create_sheet("questions")
    labels.append(["name", "type", "required", "choices", *(f"label::{lang}" for lang in form_languages(form))])
    for question in questions:
        choices = " ".join(str(choice["name"]) for choice in form.choices(question))
        labels.append(
            [
                question["name"],
                question["type"],
                "yes" if question.get("required") else "",
                choices,
                *((question.get("label") or {}).get(lang, "") for lang in form_languages(form)),
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def form_languages(form: answer_rules.Form) -> list[str]:
    return list(form.definition.get("languages") or [])


def report_rows(report: Mapping[str, Any]) -> list[list[str]]:
    """The report flattened for CSV: one line per error (or one line per row without errors)."""
    lines = [[_("row"), _("KATOTTG"), _("hromada"), _("outcome"), _("answers"), _("replaces"), _("column"), _("error")]]
    outcomes = {"create": _("create"), "replace": _("replace"), "error": _("error")}
    for error in report.get("errors", []):
        lines.append(["", "", "", outcomes["error"], "", "", error.get("column", ""), error.get("message", "")])
    for row in report.get("rows", []):
        hromada = row.get("hromada") or {}
        base = [
            str(row["row"]),
            hromada.get("katottg", ""),
            hromada.get("name", ""),
            outcomes.get(row["outcome"], row["outcome"]),
            str(row["answers"]),
            str(row["replaces"]),
        ]
        if not row["errors"]:
            lines.append([*base, "", ""])
        for error in row["errors"]:
            lines.append([*base, error.get("column", ""), error.get("message", "")])
    return lines
