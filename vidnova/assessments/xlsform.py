"""Compile an XLSForm workbook into an instrument definition, and write a definition back out.

``compile_xlsform`` reads the workbook with pyxform (``workbook_to_json``, the output that still holds
the ``vidnova_*`` scoring columns) and converts it to an XForm with pyxform, so pyxform's own checks
apply; openpyxl reads the raw sheets for row numbers and for the column rules pyxform does not know.
Every problem is collected and reported together, each naming sheet, row and column; see
docs/assessment-xlsform.md (sections 2, 4 and 7) for the rules and the shape of the definition.

``definition_to_xlsform`` rebuilds an XLSForm from a compiled definition (all sheets, languages,
expressions printed back from their trees, the ``vidnova_*`` columns), so that re-importing the
export yields the same ``content_hash``.
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import openpyxl  # type: ignore[import-untyped]
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pyxform.builder import create_survey_element_from_dict  # type: ignore[import-untyped]
from pyxform.errors import PyXFormError  # type: ignore[import-untyped]
from pyxform.xls2json import workbook_to_json  # type: ignore[import-untyped]
from pyxform.xls2json_backends import get_xlsform  # type: ignore[import-untyped]

from vidnova.assessments import expressions
from vidnova.core.exceptions import ImportRejected

Definition = dict[str, Any]
Expr = Any  # a JSON tree produced by expressions.parse

QUESTION_TYPES = ("select_one", "select_multiple", "integer", "decimal", "text", "date", "note")
SURVEY_VIDNOVA_COLUMNS = (
    "vidnova_field",
    "vidnova_weight",
    "vidnova_max",
    "vidnova_source",
    "vidnova_source_note",
    "vidnova_rubric",
)
CHOICES_VIDNOVA_COLUMNS = ("vidnova_score",)
# Columns that change behaviour: Vidnova would ignore their effect, so they are refused.
REJECTED_COLUMNS = ("calculation", "default", "read_only", "trigger", "repeat_count", "parameters")
REJECTED_PREFIXES = ("bind", "instance")
PRESENTATION_COLUMNS = ("appearance", "media", "image", "audio", "video", "guidance_hint")
SURVEY_COLUMNS = (
    "type",
    "name",
    "label",
    "hint",
    "required",
    "relevant",
    "constraint",
    "constraint_message",
    "choice_filter",
)
CHOICE_TEXT_COLUMNS = ("label", "media", "image", "audio", "video")
REJECTED_SHEETS = ("external_choices", "entities")
KNOWN_SHEETS = ("survey", "choices", "settings")
KNOWN_SETTINGS = ("form_id", "version", "default_language", "form_title")
KNOWN_SOURCE_SCHEMES = ("UNDRR", "COE12", "COE", "OECD-PI", "NL-VR", "UA", "WB")
REQUIRED_TRUE = ("yes", "true", "true()")
REQUIRED_FALSE = ("no", "false", "false()", "")
SOURCE_CODE = re.compile(r"^[A-Z][A-Z0-9-]*:[A-Za-z0-9][A-Za-z0-9._-]*$")
LANGUAGE_CODE = re.compile(r"\(([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)*)\)\s*$")
BARE_CODE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]+)*$")
XML_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
RUBRIC_LEVEL = re.compile(r"\[(\d+)\]")
PYXFORM_ROW = re.compile(r"^\[row : (\d+)\]\s*")
PYXFORM_NAMED = re.compile(r"named '([^']+)'")
PYXFORM_COLUMN = re.compile(r"the '([a-z_:]+)' value")
DEFAULT_LANGUAGE_CODE = "uk"


# --- problems --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One reason to reject a workbook, located by sheet, row (1-based, header = 1) and column."""

    sheet: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.row is not None and self.column:
            return _("%(sheet)s, row %(row)s, column %(column)s: %(message)s") % {
                "sheet": self.sheet,
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        if self.row is not None:
            return _("%(sheet)s, row %(row)s: %(message)s") % {
                "sheet": self.sheet,
                "row": self.row,
                "message": self.message,
            }
        if self.column:
            return _("%(sheet)s, column %(column)s: %(message)s") % {
                "sheet": self.sheet,
                "column": self.column,
                "message": self.message,
            }
        return _("%(sheet)s: %(message)s") % {"sheet": self.sheet, "message": self.message}


class XLSFormRejected(ImportRejected):
    """The workbook was refused; ``problems`` lists every problem, ``messages`` their text."""

    def __init__(self, problems: list[Problem], warnings: list[str] | None = None) -> None:
        self.problems = problems
        self.warnings = warnings or []
        self.row_errors = [(problem.row or 0, str(problem)) for problem in problems]
        ValidationError.__init__(self, [str(problem) for problem in problems])


@dataclass
class CompiledForm:
    definition: Definition
    warnings: list[str] = field(default_factory=list)

    @property
    def content_hash(self) -> str:
        return content_hash(self.definition)


def content_hash(definition: Mapping[str, Any]) -> str:
    """SHA-256 of the definition without spreadsheet row numbers (layout is not content)."""

    def strip(value: Any) -> Any:
        if isinstance(value, Mapping):
            return {key: strip(item) for key, item in value.items() if key != "row"}
        if isinstance(value, list):
            return [strip(item) for item in value]
        return value

    text = json.dumps(strip(definition), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- raw sheets (openpyxl) ---------------------------------------------------------------------


@dataclass
class RawSheet:
    name: str
    headers: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (spreadsheet row, {header: text}) for non-empty rows


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_raw(data: bytes) -> dict[str, RawSheet]:
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    sheets: dict[str, RawSheet] = {}
    try:
        for worksheet in workbook.worksheets:
            rows = worksheet.iter_rows(values_only=True)
            header_row = next(rows, ())
            headers = [_cell_text(value) for value in header_row]
            body: list[tuple[int, dict[str, str]]] = []
            for number, values in enumerate(rows, start=2):
                record = {header: _cell_text(value) for header, value in zip(headers, values, strict=False) if header}
                if any(record.values()):
                    body.append((number, record))
            sheets[worksheet.title.strip().lower()] = RawSheet(worksheet.title, headers, body)
    finally:
        workbook.close()
    return sheets


def _base(header: str) -> str:
    """``label::English (en)`` → ``label``; ``constraint message`` → ``constraint_message``."""
    return header.split("::")[0].strip().lower().replace(" ", "_")


def _language_of_header(header: str) -> str | None:
    return header.split("::", 1)[1].strip() if "::" in header else None


def _language_code(name: str) -> str | None:
    match = LANGUAGE_CODE.search(name)
    if match:
        return match.group(1).lower()
    if BARE_CODE.match(name):
        return name
    return None


# --- the compiler --------------------------------------------------------------------------------


class _Compiler:
    def __init__(self, data: bytes, filename: str) -> None:
        self.data = data
        self.filename = filename
        self.problems: list[Problem] = []
        self.warnings: list[str] = []
        self.raw: dict[str, RawSheet] = {}
        self.rows: dict[str, int] = {}  # question/group name → survey row
        self.choice_rows: dict[tuple[str, str], int] = {}
        self.list_rows: dict[str, int] = {}
        self.default_language = DEFAULT_LANGUAGE_CODE
        self.language_names: dict[str, str] = {}
        self.languages: list[str] = []
        self.pyxform_warnings: list[str] = []
        # Expression cells already reported: blanked for pyxform, so the other checks still run.
        self.bad_cells: set[tuple[str, str]] = set()
        self.expression_problems = 0
        # Presentation-only cells (appearance, media, …) by question name: kept for the export.
        self.presentation: dict[str, dict[str, str]] = {}

    def error(self, sheet: str, row: int | None, column: str | None, message: str) -> None:
        self.problems.append(Problem(sheet, row, column, message))

    def warn(self, sheet: str, row: int | None, column: str | None, message: str) -> None:
        self.warnings.append(str(Problem(sheet, row, column, message)))

    # -- entry point

    def compile(self) -> CompiledForm:
        try:
            self.raw = _read_raw(self.data)
        except Exception:  # openpyxl raises many kinds of errors for a file that is not xlsx
            self.error(self.filename or "workbook", None, None, _("The file is not an Excel workbook (.xlsx)."))
            raise XLSFormRejected(self.problems) from None
        self.check_raw()
        if len(self.problems) > self.expression_problems:  # structural problems: pyxform cannot read the form
            raise XLSFormRejected(self.problems, self.warnings)
        pyxform_json = self.run_pyxform()
        if pyxform_json is None:
            raise XLSFormRejected(self.problems, self.warnings)
        definition = self.build(copy.deepcopy(pyxform_json))
        if not self.problems:  # pyxform stops at its first error: ours are more complete
            self.convert_with_pyxform(pyxform_json)
        self.warnings += [_("pyxform: %(warning)s") % {"warning": warning} for warning in self.pyxform_warnings]
        if self.problems:
            raise XLSFormRejected(self.problems, self.warnings)
        return CompiledForm(definition, self.warnings)

    # -- checks on the raw sheets

    def check_raw(self) -> None:
        for key, sheet in self.raw.items():
            if key in REJECTED_SHEETS:
                self.error(sheet.name, None, None, _("this sheet is not supported by Vidnova; remove it."))
            elif key not in KNOWN_SHEETS:
                self.warn(sheet.name, None, None, _("unknown sheet, ignored."))
        for key in ("survey", "settings"):
            if key not in self.raw:
                self.error(key, None, None, _("the sheet is missing."))
        self.check_settings()
        self.check_languages()
        if "survey" in self.raw:
            self.check_survey()
        if "choices" in self.raw:
            self.check_choices()

    def check_settings(self) -> None:
        sheet = self.raw.get("settings")
        if sheet is None:
            return
        values = sheet.rows[0][1] if sheet.rows else {}
        row = sheet.rows[0][0] if sheet.rows else 2
        for column in ("form_id", "version"):
            if not values.get(column):
                self.error("settings", row, column, _("a value is required."))
        for header in sheet.headers:
            if header and _base(header) not in KNOWN_SETTINGS:
                self.warn("settings", 1, header, _("this setting is ignored."))
        language = values.get("default_language", "")
        if language:
            code = _language_code(language)
            if code is None:
                self.error(
                    "settings",
                    row,
                    "default_language",
                    _("the language “%(language)s” needs a code in brackets, such as “English (en)”.")
                    % {"language": language},
                )
            else:
                self.default_language = code
                self.language_names[code] = language

    def check_languages(self) -> None:
        """Collect the label languages (default first) and refuse ambiguous or code-less columns."""
        seen: list[str] = [self.default_language]
        for key in ("survey", "choices"):
            sheet = self.raw.get(key)
            if sheet is None:
                continue
            plain = {_base(h) for h in sheet.headers if h and "::" not in h}
            for header in sheet.headers:
                language = _language_of_header(header or "")
                if language is None or _base(header).startswith(("media", "image", "audio", "video")):
                    continue
                code = _language_code(language)
                if code is None:
                    self.error(
                        sheet.name,
                        1,
                        header,
                        _("the language “%(language)s” needs a code in brackets, such as “English (en)”.")
                        % {"language": language},
                    )
                    continue
                self.language_names.setdefault(code, language)
                if code == self.default_language and _base(header) in plain:
                    self.error(
                        sheet.name,
                        1,
                        header,
                        _("both “%(plain)s” and “%(header)s” exist: keep only one of them.")
                        % {"plain": _base(header), "header": header},
                    )
                if code not in seen:
                    seen.append(code)
        self.languages = seen
        settings_sheet = self.raw.get("settings")
        has_setting = bool(settings_sheet and settings_sheet.rows and settings_sheet.rows[0][1].get("default_language"))
        if not has_setting:
            if len(seen) > 1 or any(
                "::" in header and _base(header) == "label"
                for key in ("survey", "choices")
                for header in (self.raw[key].headers if key in self.raw else [])
            ):
                self.error(
                    "settings",
                    1,
                    "default_language",
                    _("set the default language to one of the label languages, such as “Українська (uk)”."),
                )
            else:
                self.warn(
                    "settings",
                    1,
                    "default_language",
                    _("no default language is set; the labels are taken to be in Ukrainian (uk)."),
                )

    def check_columns(self, sheet: RawSheet, allowed_vidnova: Iterable[str], *, choices: bool) -> None:
        for header in sheet.headers:
            if not header:
                continue
            base = _base(header)
            if base in REJECTED_COLUMNS or base.split(":")[0] in REJECTED_PREFIXES:
                self.error(
                    sheet.name,
                    1,
                    header,
                    _("this column changes the form's behaviour and is not supported by Vidnova; remove it."),
                )
            elif base.startswith("vidnova_") and base not in allowed_vidnova:
                self.error(sheet.name, 1, header, _("unknown Vidnova column (see docs/assessment-xlsform.md)."))
            elif base in PRESENTATION_COLUMNS:
                self.warn(sheet.name, 1, header, _("presentation column, ignored by Vidnova."))
            elif choices and "::" in header and base not in CHOICE_TEXT_COLUMNS:
                self.error(
                    sheet.name,
                    1,
                    header,
                    _("extra columns on the choices sheet must not be translated (pyxform cannot read them)."),
                )
            elif choices and base not in ("list_name", "name", "label") and " " in header.strip():
                self.error(sheet.name, 1, header, _("a filter column name must not contain spaces."))

    def default_label_headers(self, sheet: RawSheet) -> list[str]:
        return [
            header
            for header in sheet.headers
            if header
            and _base(header) == "label"
            and ("::" not in header or _language_code(_language_of_header(header) or "") == self.default_language)
        ]

    def check_survey(self) -> None:
        sheet = self.raw["survey"]
        self.check_columns(sheet, SURVEY_VIDNOVA_COLUMNS, choices=False)
        for column in ("type", "name"):
            if column not in {_base(h) for h in sheet.headers}:
                self.error("survey", 1, column, _("the column is missing."))
        stack: list[tuple[str, int]] = []
        for row, values in sheet.rows:
            kind = _normalise_type(values.get("type", ""))
            name = values.get("name", "")
            if kind is None:
                self.error(
                    "survey",
                    row,
                    "type",
                    _("unsupported type “%(type)s”.") % {"type": values.get("type", "")},
                )
                continue
            if kind[0] == "end_group":
                if not stack:
                    self.error("survey", row, "type", _("“end_group” without a matching “begin_group”."))
                else:
                    stack.pop()
                continue
            if not name:
                self.error("survey", row, "name", _("a name is required."))
                continue
            if not XML_NAME.match(name):
                self.error(
                    "survey",
                    row,
                    "name",
                    _("“%(name)s” is not a valid name (letters, digits, “_”, “-”, “.”; no spaces).") % {"name": name},
                )
            if name in self.rows:
                self.error(
                    "survey",
                    row,
                    "name",
                    _("the name “%(name)s” is already used in row %(other)s.")
                    % {"name": name, "other": self.rows[name]},
                )
            else:
                self.rows[name] = row
            if kind[0] == "begin_group":
                stack.append((name, row))
            presentation = {
                header: value for header, value in values.items() if value and _base(header) in PRESENTATION_COLUMNS
            }
            if presentation:
                self.presentation[name] = presentation
            if values.get("vidnova_weight") and not values.get("vidnova_field") and kind[0] != "begin_group":
                self.error(
                    "survey", row, "vidnova_weight", _("a weight is only allowed on scored questions and dimensions.")
                )
            if not any(values.get(header) for header in self.default_label_headers(sheet)):
                self.error(
                    "survey",
                    row,
                    "label",
                    _("a label in the default language (%(language)s) is required.")
                    % {"language": self.default_language},
                )
            required = values.get("required", "").strip().lower()
            if required not in REQUIRED_TRUE + REQUIRED_FALSE:
                self.error(
                    "survey",
                    row,
                    "required",
                    _("write “yes” or “no” (an expression is not supported), not “%(value)s”.")
                    % {"value": values.get("required", "")},
                )
            if values.get("choice_filter") and kind[0] not in ("select_one", "select_multiple"):
                self.error("survey", row, "choice_filter", _("a choice filter is only allowed on select questions."))
            if kind[0] in ("select_one", "select_multiple"):
                list_name = kind[1]
                if "choices" not in self.raw:
                    pass  # reported once below
                elif list_name not in {v.get("list_name", "") for _r, v in self.raw["choices"].rows}:
                    self.error(
                        "survey",
                        row,
                        "type",
                        _("unknown choice list “%(list)s” (not on the choices sheet).") % {"list": list_name},
                    )
        for name, row in stack:
            self.error("survey", row, "type", _("group “%(name)s” has no “end_group”.") % {"name": name})
        self.check_raw_expressions(sheet)
        has_select = any(
            (_normalise_type(v.get("type", "")) or ("",))[0] in ("select_one", "select_multiple")
            for _r, v in sheet.rows
        )
        if has_select and "choices" not in self.raw:
            self.error("choices", None, None, _("the sheet is missing (the form has select questions)."))

    def check_raw_expressions(self, sheet: RawSheet) -> None:
        """Parse every expression before pyxform does, which would stop at the first bad one."""
        names = set(self.rows)
        filter_columns = {"name"}
        if "choices" in self.raw:
            filter_columns |= {
                header
                for header in self.raw["choices"].headers
                if header and _base(header) not in ("list_name", "label")
            }
            filter_columns -= {h for h in filter_columns if _base(h).startswith(("media", "image", "audio", "video"))}
        for row, values in sheet.rows:
            for column in ("relevant", "constraint", "choice_filter"):
                before = len(self.problems)
                self.expression(
                    values.get(column),
                    row,
                    column,
                    names,
                    filter_columns=filter_columns if column == "choice_filter" else None,
                )
                if len(self.problems) > before:
                    self.bad_cells.add((values.get("name", ""), column))
                    self.expression_problems += len(self.problems) - before

    def check_choices(self) -> None:
        sheet = self.raw["choices"]
        self.check_columns(sheet, CHOICES_VIDNOVA_COLUMNS, choices=True)
        for row, values in sheet.rows:
            list_name = values.get("list_name", "")
            name = values.get("name", "")
            if not list_name:
                self.error("choices", row, "list_name", _("a list name is required."))
                continue
            self.list_rows.setdefault(list_name, row)
            if not name:
                self.error("choices", row, "name", _("a name is required."))
                continue
            if not any(values.get(header) for header in self.default_label_headers(sheet)):
                self.error(
                    "choices",
                    row,
                    "label",
                    _("a label in the default language (%(language)s) is required.")
                    % {"language": self.default_language},
                )
            key = (list_name, name)
            if key in self.choice_rows:
                self.error(
                    "choices",
                    row,
                    "name",
                    _("the choice “%(name)s” is already in list “%(list)s” (row %(other)s).")
                    % {"name": name, "list": list_name, "other": self.choice_rows[key]},
                )
            else:
                self.choice_rows[key] = row

    # -- pyxform

    def run_pyxform(self) -> dict[str, Any] | None:
        """pyxform's reading of the workbook (``workbook_to_json``), or None after reporting its error."""
        try:
            workbook = get_xlsform(xlsform=self.data, file_type=".xlsx")
            for values in workbook.survey:
                for column in list(values):
                    if (str(values.get("name", "")).strip(), column.strip()) in self.bad_cells:
                        values[column] = ""
            form: dict[str, Any] = workbook_to_json(
                workbook_dict=workbook,
                fallback_form_name=workbook.fallback_form_name,
                warnings=self.pyxform_warnings,
            )
            return form
        except PyXFormError as error:
            self.add_pyxform_error(str(error))
        except Exception as error:  # pyxform crashes on some malformed input (section 5)
            self.error("workbook", None, None, _("pyxform could not read the form: %(error)s") % {"error": error})
        return None

    def convert_with_pyxform(self, form: dict[str, Any]) -> None:
        """Convert to an XForm, so that every check of pyxform's applies too."""
        try:
            survey = create_survey_element_from_dict(form)
            survey.to_xml(validate=False, warnings=self.pyxform_warnings)
        except PyXFormError as error:
            self.add_pyxform_error(str(error))
        except Exception as error:
            self.error("workbook", None, None, _("pyxform could not convert the form: %(error)s") % {"error": error})

    def add_pyxform_error(self, text: str) -> None:
        match = PYXFORM_ROW.match(text)
        row = int(match.group(1)) if match else None
        message = PYXFORM_ROW.sub("", text)
        named = PYXFORM_NAMED.search(message)
        if row is None and named:
            row = self.rows.get(named.group(1))
        column_match = PYXFORM_COLUMN.search(message)
        column = column_match.group(1) if column_match else None
        sheet = "choices" if "'choices' sheet" in message else "settings" if "'settings' sheet" in message else "survey"
        self.error(sheet, row, column, _("pyxform: %(message)s") % {"message": message})

    # -- building the definition

    def texts(self, value: Any) -> dict[str, str]:
        if value is None or value == "":
            return {}
        if isinstance(value, str):
            return {self.default_language: value}
        if isinstance(value, Mapping):
            out: dict[str, str] = {}
            for language, text in value.items():
                code = self.default_language if language == "default" else _language_code(str(language))
                if code is not None and text not in (None, ""):
                    out[code] = str(text)
            return {code: out[code] for code in self.languages if code in out} | {
                code: text for code, text in out.items() if code not in self.languages
            }
        return {self.default_language: str(value)}

    def expression(
        self, text: Any, row: int, column: str, names: set[str], *, filter_columns: set[str] | None = None
    ) -> Expr:
        """Parse one expression cell; report parse errors, unknown questions and unknown columns."""
        if text in (None, ""):
            return None
        try:
            tree = expressions.parse(str(text), choice_filter=filter_columns is not None)
        except expressions.ExpressionError as error:
            self.error(
                "survey", row, column, _("the expression cannot be read: %(reason)s") % {"reason": error.message}
            )
            return None
        for name in sorted(expressions.references(tree)):
            if name not in names:
                self.error("survey", row, column, _("unknown question “%(name)s”.") % {"name": name})
        for name in sorted(expressions.columns(tree)):
            if filter_columns is not None and name not in filter_columns:
                self.error("survey", row, column, _("unknown choice column “%(name)s”.") % {"name": name})
        if column != "constraint" and expressions.uses_self(tree):
            self.error("survey", row, column, _("“.” is only allowed in a constraint; write ${name} instead."))
        return tree

    def build(self, form: dict[str, Any]) -> Definition:
        settings_values = self.raw["settings"].rows[0][1] if self.raw["settings"].rows else {}
        names = set(self.rows)
        groups: list[dict[str, Any]] = []
        questions: list[dict[str, Any]] = []
        choices = self.build_choices(form.get("choices", {}))
        filter_columns = {key for items in choices.values() for item in items for key in item["extra"]} | {"name"}

        def walk(node: Mapping[str, Any], parent: dict[str, Any] | None, inherited: list[Expr]) -> None:
            for child in node.get("children", []):
                kind = child.get("type")
                name = str(child.get("name", ""))
                if kind == "group" and child.get("control", {}).get("bodyless"):
                    continue  # pyxform's own meta group
                row = self.rows.get(name, 0)
                bind = child.get("bind", {})
                if kind == "group":
                    relevant = self.expression(bind.get("relevant"), row, "relevant", names)
                    group = {
                        "name": name,
                        "label": self.texts(child.get("label")),
                        "hint": self.texts(child.get("hint")),
                        "parent": parent["name"] if parent else None,
                        "is_dimension": False,
                        "field": None,
                        "weight": "1",
                        "relevant": relevant,
                        "source": _text(child.get("vidnova_source")) or None,
                        "source_note": _text(child.get("vidnova_source_note")) or None,
                        "presentation": self.presentation.get(name, {}),
                        "row": row,
                    }
                    self.group_extras[name] = child
                    groups.append(group)
                    walk(child, group, [*inherited, relevant] if relevant is not None else inherited)
                else:
                    questions.append(self.build_question(child, row, parent, inherited, names, filter_columns))

        self.group_extras: dict[str, Mapping[str, Any]] = {}
        walk(form, None, [])
        self.check_scoring(groups, questions, choices)

        title_texts = {self.default_language: _text(form.get("title")) or _text(settings_values.get("form_title"))}
        for header, value in settings_values.items():
            if _base(header) == "form_title" and "::" in header and value:
                code = _language_code(_language_of_header(header) or "")
                if code:
                    title_texts[code] = value
        return {
            "form_id": _text(form.get("id_string")) or settings_values.get("form_id", ""),
            "form_version": _text(form.get("version")) or settings_values.get("version", ""),
            "default_language": self.default_language,
            "languages": list(self.languages),
            "language_names": {code: self.language_names.get(code, code) for code in self.languages},
            "title": {code: title_texts[code] for code in self.languages if title_texts.get(code)},
            "groups": groups,
            "questions": questions,
            "choices": choices,
        }

    def build_question(
        self,
        child: Mapping[str, Any],
        row: int,
        parent: dict[str, Any] | None,
        inherited: list[Expr],
        names: set[str],
        filter_columns: set[str],
    ) -> dict[str, Any]:
        kind = str(child.get("type", ""))
        kind = {"select one": "select_one", "select all that apply": "select_multiple"}.get(kind, kind)
        bind = child.get("bind", {})
        name = str(child["name"])
        own_relevant = self.expression(bind.get("relevant"), row, "relevant", names)
        conjuncts = [*inherited, *([own_relevant] if own_relevant is not None else [])]
        relevant: Expr = None
        if len(conjuncts) == 1:
            relevant = conjuncts[0]
        elif conjuncts:
            relevant = {"op": "and", "args": conjuncts}
        constraint = self.expression(bind.get("constraint"), row, "constraint", names)
        choice_filter = self.expression(
            child.get("choice_filter"), row, "choice_filter", names, filter_columns=filter_columns
        )
        constraint_message = self.texts(bind.get("jr:constraintMsg"))
        if constraint is not None:
            for code in self.languages:
                if not constraint_message.get(code):
                    self.error(
                        "survey",
                        row,
                        f"constraint_message::{self.language_names.get(code, code)}",
                        _("a constraint needs a message in every label language (%(language)s is missing).")
                        % {"language": code},
                    )
        scored = _text(child.get("vidnova_field")) != ""
        field_number: int | None = None
        if scored:
            try:
                field_number = int(_text(child.get("vidnova_field")))
            except ValueError:
                field_number = None
            if field_number not in (1, 2, 3):
                self.error("survey", row, "vidnova_field", _("the field must be 1, 2 or 3."))
            if kind not in ("select_one", "select_multiple"):
                self.error(
                    "survey", row, "vidnova_field", _("only select_one and select_multiple questions can be scored.")
                )
        rubric: dict[str, dict[str, str]] = {}
        for code, text in self.texts(child.get("vidnova_rubric")).items():
            rubric[code] = _split_rubric(text)
        required = _text(bind.get("required")).lower() in REQUIRED_TRUE
        return {
            "name": name,
            "type": kind,
            "list": child.get("list_name") or child.get("itemset") if kind.startswith("select") else None,
            "group": parent["name"] if parent else None,
            "dimension": None,
            "label": self.texts(child.get("label")),
            "hint": self.texts(child.get("hint")),
            "required": required,
            "relevant": relevant,
            "own_relevant": own_relevant,
            "constraint": constraint,
            "constraint_message": constraint_message,
            "choice_filter": choice_filter,
            "scored": scored,
            "field": field_number,
            "weight": _decimal_text(child.get("vidnova_weight")) if scored else "1",
            "max": _decimal_text(child.get("vidnova_max")) if _text(child.get("vidnova_max")) else None,
            "rubric": rubric,
            "source": _text(child.get("vidnova_source")) or None,
            "source_note": _text(child.get("vidnova_source_note")) or None,
            "presentation": self.presentation.get(name, {}),
            "row": row,
        }

    def build_choices(self, lists: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {}
        for list_name, items in lists.items():
            out[str(list_name)] = []
            for item in items:
                name = _text(item.get("name"))
                row = self.choice_rows.get((str(list_name), name), 0)
                score_text = _text(item.get("vidnova_score"))
                score: str | None = None
                if score_text:
                    try:
                        score = _decimal_text(score_text)
                    except ValueError:
                        self.error(
                            "choices",
                            row,
                            "vidnova_score",
                            _("“%(value)s” is not a number.") % {"value": score_text},
                        )
                extra = {
                    str(key): _text(value)
                    for key, value in item.items()
                    if key not in ("name", "label", "vidnova_score", "media") and not isinstance(value, Mapping)
                }
                label = self.texts(item.get("label"))
                if not label.get(self.default_language):
                    self.error(
                        "choices",
                        row,
                        "label",
                        _("a label in the default language (%(language)s) is required.")
                        % {"language": self.default_language},
                    )
                out[str(list_name)].append({"name": name, "label": label, "score": score, "extra": extra, "row": row})
        return out

    # -- scoring rules (section 7)

    def check_scoring(
        self,
        groups: list[dict[str, Any]],
        questions: list[dict[str, Any]],
        choices: Mapping[str, list[dict[str, Any]]],
    ) -> None:
        by_name = {group["name"]: group for group in groups}
        dimension_maxima: dict[str, tuple[Decimal, str]] = {}
        for question in questions:
            if not question["scored"]:
                continue
            row = question["row"]
            group = by_name.get(question["group"] or "")
            if group is None:
                self.error(
                    "survey", row, "vidnova_field", _("a scored question must sit inside a group (its dimension).")
                )
            else:
                group["is_dimension"] = True
            if question["weight"] is None or _positive(question["weight"]) is None:
                self.error("survey", row, "vidnova_weight", _("the weight must be a number greater than 0."))
                question["weight"] = question["weight"] or "1"
            if question["choice_filter"] is not None:
                self.error("survey", row, "choice_filter", _("a scored question must not have a choice filter."))
            if not question["source"]:
                self.error("survey", row, "vidnova_source", _("a scored question needs its source."))
            self.check_sources(question["source"], row)
            items = choices.get(question["list"] or "", [])
            scores: list[Decimal] = []
            for item in items:
                if item["score"] is None or Decimal(item["score"]) < 0:
                    self.error(
                        "choices",
                        item["row"],
                        "vidnova_score",
                        _(
                            "choice “%(name)s” of list “%(list)s” needs a score of 0 or more (question “%(question)s” is scored)."
                        )
                        % {"name": item["name"], "list": question["list"], "question": question["name"]},
                    )
                else:
                    scores.append(Decimal(item["score"]))
            maximum = self.question_maximum(question, scores)
            if maximum is not None:
                self.check_rubric(question, maximum)
                if group is not None:
                    seen = dimension_maxima.get(group["name"])
                    if seen is None:
                        dimension_maxima[group["name"]] = (maximum, question["name"])
                    elif seen[0] != maximum:
                        self.error(
                            "survey",
                            row,
                            "vidnova_field",
                            _(
                                "all scored questions of a dimension need the same scale maximum (%(other)s has %(max)s)."
                            )
                            % {"other": seen[1], "max": seen[0]},
                        )
            if group is not None:
                if group["field"] is None:
                    group["field"] = question["field"]
                elif question["field"] is not None and group["field"] != question["field"]:
                    self.error(
                        "survey",
                        row,
                        "vidnova_field",
                        _("all scored questions of dimension “%(group)s” need the same field.")
                        % {"group": group["name"]},
                    )
        for question in questions:
            if question["max"] is not None and not (question["scored"] and question["type"] == "select_multiple"):
                self.error(
                    "survey",
                    question["row"],
                    "vidnova_max",
                    _("only allowed on a scored select_multiple question."),
                )
            if question["rubric"] and not question["scored"]:
                self.warn(
                    "survey", question["row"], "vidnova_rubric", _("a rubric on an unscored question is ignored.")
                )
        for group in groups:
            raw_weight = self.group_extras[group["name"]].get("vidnova_weight")
            if group["is_dimension"]:
                group["weight"] = _decimal_text(raw_weight) if _text(raw_weight) else "1"
                if _positive(group["weight"]) is None:
                    self.error(
                        "survey", group["row"], "vidnova_weight", _("the weight must be a number greater than 0.")
                    )
                parent = by_name.get(group["parent"] or "")
                while parent is not None:
                    if parent["is_dimension"]:
                        self.error(
                            "survey",
                            group["row"],
                            "type",
                            _("dimension “%(name)s” must not sit inside dimension “%(parent)s”.")
                            % {"name": group["name"], "parent": parent["name"]},
                        )
                    parent = by_name.get(parent["parent"] or "")
                self.check_sources(group["source"], group["row"])
            elif _text(raw_weight):
                self.error(
                    "survey",
                    group["row"],
                    "vidnova_weight",
                    _("a weight is only allowed on a dimension (a group with scored questions)."),
                )
        for question in questions:
            group = by_name.get(question["group"] or "")
            while group is not None and not group["is_dimension"]:
                group = by_name.get(group["parent"] or "")
            question["dimension"] = group["name"] if group is not None else None

    def question_maximum(self, question: dict[str, Any], scores: list[Decimal]) -> Decimal | None:
        if not scores:
            return None
        if question["type"] == "select_multiple":
            positive = sum((score for score in scores if score > 0), Decimal(0))
            if question["max"] is None:
                return positive
            cap = _positive(question["max"])
            if cap is None or cap > positive:
                self.error(
                    "survey",
                    question["row"],
                    "vidnova_max",
                    _("the maximum must be greater than 0 and at most %(sum)s (the sum of the choice scores).")
                    % {"sum": positive},
                )
                return None
            return cap
        return max(scores)

    def check_rubric(self, question: dict[str, Any], maximum: Decimal) -> None:
        if maximum != maximum.to_integral_value():
            self.error(
                "survey",
                question["row"],
                "vidnova_rubric",
                _("a rubric needs whole-number levels from 0 to the maximum."),
            )
            return
        expected = [str(level) for level in range(int(maximum) + 1)]
        for code in self.languages:
            column = f"vidnova_rubric::{self.language_names.get(code, code)}"
            levels = question["rubric"].get(code)
            if not levels:
                self.error(
                    "survey",
                    question["row"],
                    column,
                    _("a scored question needs a rubric in every label language (%(language)s is missing).")
                    % {"language": code},
                )
            elif list(levels) != expected:
                self.error(
                    "survey",
                    question["row"],
                    column,
                    _("the rubric must have one entry [0] … [%(max)s] per level, in order (found %(found)s).")
                    % {"max": expected[-1], "found": " ".join(f"[{level}]" for level in levels) or "none"},
                )

    def check_sources(self, source: str | None, row: int) -> None:
        for code in (source or "").split():
            if not SOURCE_CODE.match(code):
                self.error(
                    "survey",
                    row,
                    "vidnova_source",
                    _("“%(code)s” is not a source code of the form SCHEME:ITEM.") % {"code": code},
                )
            elif code.split(":")[0] not in KNOWN_SOURCE_SCHEMES:
                self.warn("survey", row, "vidnova_source", _("unknown source scheme in “%(code)s”.") % {"code": code})


def _normalise_type(text: str) -> tuple[str, str] | None:
    """``(kind, list)`` for a supported survey type, None for an unsupported one."""
    parts = text.strip().split()
    if not parts:
        return None
    if parts[:2] in (["begin", "group"], ["end", "group"]):
        parts = [f"{parts[0]}_group", *parts[2:]]
    kind = parts[0].lower()
    if kind in ("begin_group", "end_group") and len(parts) == 1:
        return (kind, "")
    if kind in ("select_one", "select_multiple") and len(parts) == 2:
        return (kind, parts[1])
    if kind in QUESTION_TYPES and kind not in ("select_one", "select_multiple") and len(parts) == 1:
        return (kind, "")
    return None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Mapping):
        return ""
    return str(value).strip()


def _decimal_text(value: Any) -> str:
    """A decimal number as its shortest exact text: ``1.50`` → ``1.5``, ``2.0`` → ``2``; blank → ``1``."""
    text = _text(value)
    if not text:
        return "1"
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None
    if not number.is_finite():
        raise ValueError(text)
    return format(number.normalize(), "f")


def _positive(text: str | None) -> Decimal | None:
    try:
        number = Decimal(text or "")
    except InvalidOperation:
        return None
    return number if number.is_finite() and number > 0 else None


def _split_rubric(text: str) -> dict[str, str]:
    parts = RUBRIC_LEVEL.split(text)
    levels: dict[str, str] = {}
    for index in range(1, len(parts) - 1, 2):
        level = str(int(parts[index]))
        if level in levels:
            levels[f"{level}*duplicate"] = parts[index + 1].strip()
        else:
            levels[level] = parts[index + 1].strip()
    return levels


def compile_xlsform_with_warnings(data: bytes, filename: str) -> CompiledForm:
    """Compile and return the definition with the warnings (raises XLSFormRejected)."""
    return _Compiler(data, filename).compile()


def compile_xlsform(data: bytes, filename: str) -> Definition:
    """The compiled definition of an XLSForm workbook; raises XLSFormRejected listing every problem."""
    return compile_xlsform_with_warnings(data, filename).definition


# --- export ----------------------------------------------------------------------------------------


def _expression_text(tree: Expr) -> str:
    return expressions.unparse(tree) if tree is not None else ""


def _rubric_text(levels: Mapping[str, str]) -> str:
    return "\n".join(f"[{level}] {text}" for level, text in levels.items())


def definition_to_xlsform(definition: Mapping[str, Any]) -> bytes:
    """An XLSForm workbook (.xlsx bytes) for a compiled definition; compiling it gives the same hash."""
    languages: list[str] = list(definition["languages"])
    names: Mapping[str, str] = definition.get("language_names") or {}
    default = definition["default_language"]

    def header(column: str, code: str) -> str:
        return f"{column}::{names.get(code, code)}"

    workbook = openpyxl.Workbook()
    survey = workbook.active
    survey.title = "survey"
    columns = ["type", "name"]
    columns += [header("label", code) for code in languages]
    columns += [header("hint", code) for code in languages]
    columns += ["required", "relevant", "constraint"]
    columns += [header("constraint_message", code) for code in languages]
    columns += [
        "choice_filter",
        "vidnova_field",
        "vidnova_weight",
        "vidnova_max",
        "vidnova_source",
        "vidnova_source_note",
    ]
    columns += [header("vidnova_rubric", code) for code in languages]
    for item in [*definition["groups"], *definition["questions"]]:
        columns += [column for column in item.get("presentation") or {} if column not in columns]
    survey.append(columns)

    def put(values: dict[str, Any]) -> None:
        survey.append([values.get(column, "") or "" for column in columns])

    def texts(column: str, value: Mapping[str, str] | None) -> dict[str, str]:
        return {header(column, code): text for code, text in (value or {}).items()}

    items: list[tuple[int, int, str, Mapping[str, Any]]] = [
        (group.get("row") or 0, index, "group", group) for index, group in enumerate(definition["groups"])
    ]
    items += [
        (question.get("row") or 0, index, "question", question)
        for index, question in enumerate(definition["questions"])
    ]
    items.sort(key=lambda item: (item[0], item[2] != "group", item[1]))
    stack: list[str] = []
    for _row, _index, kind, item in items:
        parent = item.get("parent") if kind == "group" else item.get("group")
        while stack and stack[-1] != parent:
            put({"type": "end_group", "name": stack.pop()})
        values: dict[str, Any] = {"name": item["name"]}
        values |= texts("label", item.get("label"))
        values |= texts("hint", item.get("hint"))
        values["vidnova_source"] = item.get("source")
        values["vidnova_source_note"] = item.get("source_note")
        values |= item.get("presentation") or {}
        if kind == "group":
            values["type"] = "begin_group"
            values["relevant"] = _expression_text(item.get("relevant"))
            if item.get("is_dimension"):
                values["vidnova_weight"] = item.get("weight")
            put(values)
            stack.append(item["name"])
            continue
        values["type"] = f"{item['type']} {item['list']}" if item.get("list") else item["type"]
        values["required"] = "yes" if item.get("required") else ""
        values["relevant"] = _expression_text(item.get("own_relevant"))
        values["constraint"] = _expression_text(item.get("constraint"))
        values |= texts("constraint_message", item.get("constraint_message"))
        values["choice_filter"] = _expression_text(item.get("choice_filter"))
        if item.get("scored"):
            values["vidnova_field"] = item.get("field")
            values["vidnova_weight"] = item.get("weight")
        values["vidnova_max"] = item.get("max")
        values |= {
            header("vidnova_rubric", code): _rubric_text(levels) for code, levels in (item.get("rubric") or {}).items()
        }
        put(values)
    while stack:
        put({"type": "end_group", "name": stack.pop()})

    choice_lists: Mapping[str, list[Mapping[str, Any]]] = definition.get("choices") or {}
    if choice_lists:
        sheet = workbook.create_sheet("choices")
        extra_columns: list[str] = []
        for entries in choice_lists.values():
            for entry in entries:
                extra_columns += [key for key in entry.get("extra", {}) if key not in extra_columns]
        choice_columns = ["list_name", "name", *[header("label", code) for code in languages], "vidnova_score"]
        choice_columns += extra_columns
        sheet.append(choice_columns)
        for list_name, entries in choice_lists.items():
            for entry in entries:
                row = {"list_name": list_name, "name": entry["name"], "vidnova_score": entry.get("score")}
                row |= texts("label", entry.get("label"))
                row |= entry.get("extra") or {}
                sheet.append([row.get(column, "") or "" for column in choice_columns])

    settings_sheet = workbook.create_sheet("settings")
    title: Mapping[str, str] = definition.get("title") or {}
    setting_columns = ["form_title", "form_id", "version", "default_language"]
    setting_values = [
        title.get(default, ""),
        definition["form_id"],
        definition["form_version"],
        names.get(default, default),
    ]
    for code in languages:
        if code != default and title.get(code):
            setting_columns.append(header("form_title", code))
            setting_values.append(title[code])
    settings_sheet.append(setting_columns)
    settings_sheet.append(setting_values)

    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
