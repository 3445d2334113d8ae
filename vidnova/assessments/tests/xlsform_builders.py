"""Small XLSForm workbooks built in memory for the import tests."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import openpyxl  # type: ignore[import-untyped]

Rows = list[dict[str, Any]]


def base_survey() -> Rows:
    """A valid one-dimension form: a gate, a scored question behind it and a constrained number."""
    return [
        {"type": "begin_group", "name": "dim", "label": "Dimension", "vidnova_weight": 1},
        {"type": "select_one yn", "name": "has_plan", "label": "Is there a plan?", "required": "yes"},
        {
            "type": "select_one lvl",
            "name": "plan_level",
            "label": "How good is the plan?",
            "required": "yes",
            "relevant": "${has_plan} = 'yes'",
            "vidnova_field": 1,
            "vidnova_weight": 1.5,
            "vidnova_source": "UNDRR:E1",
            "vidnova_rubric": "[0] No plan. [1] A draft. [2] Adopted and tested.",
        },
        {
            "type": "integer",
            "name": "staff",
            "label": "Staff",
            "constraint": "${staff} >= 0",
            "constraint_message": "The number cannot be negative.",
        },
        {"type": "end_group", "name": "dim"},
    ]


def base_choices() -> Rows:
    return [
        {"list_name": "yn", "name": "yes", "label": "Yes"},
        {"list_name": "yn", "name": "no", "label": "No"},
        {"list_name": "lvl", "name": "0", "label": "None", "vidnova_score": 0},
        {"list_name": "lvl", "name": "1", "label": "Some", "vidnova_score": 1},
        {"list_name": "lvl", "name": "2", "label": "Full", "vidnova_score": 2},
    ]


def base_settings() -> Rows:
    return [{"form_title": "Test form", "form_id": "test_form", "version": "1", "default_language": "English (en)"}]


def _sheet(workbook: Any, title: str, rows: Sequence[dict[str, Any]], headers: Sequence[str] | None) -> None:
    sheet = workbook.create_sheet(title)
    columns: list[str] = list(headers or [])
    for row in rows:
        columns += [key for key in row if key not in columns]
    sheet.append(columns)
    for row in rows:
        sheet.append([row.get(column) for column in columns])


def workbook(
    survey: Rows | None = None,
    choices: Rows | None = None,
    settings: Rows | None = None,
    *,
    without: Sequence[str] = (),
    extra_survey_columns: Sequence[str] = (),
) -> bytes:
    """An .xlsx of the base form, with any sheet replaced and the sheets in ``without`` left out."""
    book = openpyxl.Workbook()
    default = book.active
    assert default is not None
    book.remove(default)
    sheets = {
        "survey": (survey if survey is not None else base_survey(), ["type", "name", "label", *extra_survey_columns]),
        "choices": (choices if choices is not None else base_choices(), ["list_name", "name", "label"]),
        "settings": (settings if settings is not None else base_settings(), []),
    }
    for title, (rows, headers) in sheets.items():
        if title not in without:
            _sheet(book, title, rows, headers)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
