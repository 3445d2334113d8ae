"""Forms for plan sections: the text in two languages, autosaved drafts, the table grids, restores and
the comparison choosers. They parse what people typed; the services in vidnova.plans.services.sections
decide and save."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vidnova.plans import tables

# Blank rows offered below the existing ones, and how many more "Add rows" gives.
BLANK_ROWS = 3
ADD_ROWS = 5
# The most rows a grid shows: more than a table may hold, so a table that is too long is refused with
# the validator's message rather than cut short.
MAX_GRID_ROWS = tables.MAX_ROWS + BLANK_ROWS + ADD_ROWS
RICH_TEXT_HELP = _(
    "Type plain text (a blank line starts a new paragraph) or simple HTML: <h2>, <h3>, <p>, <ul> and <ol> "
    'with <li>, <strong>, <em>, <a href="https://…">, and tables. Anything else (scripts, styles, '
    "event handlers) is removed when you save."
)


class SectionTextForm(forms.Form):
    """The Ukrainian and English text of a section; the hidden version turns lost updates into a merge."""

    body_uk = forms.CharField(
        label=_("Text in Ukrainian"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 18, "lang": "uk", "spellcheck": "true", "data-rich-text": "uk"}),
        help_text=RICH_TEXT_HELP,
    )
    body_en = forms.CharField(
        label=_("Text in English"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 18, "lang": "en", "spellcheck": "true", "data-rich-text": "en"}),
        help_text=RICH_TEXT_HELP,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class DraftForm(forms.Form):
    """What the autosave script (or the form, without it) sends while someone types."""

    body_uk = forms.CharField(required=False, strip=False)
    body_en = forms.CharField(required=False, strip=False)
    based_on_version = forms.IntegerField(min_value=1)


class VersionForm(forms.Form):
    """Actions that only need the version the person saw (insert from the registry, restore)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class RevisionCompareForm(forms.Form):
    """Two revisions of a section to compare (GET)."""

    def __init__(self, *args: Any, numbers: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[int, str]] = [
            (number, gettext("Revision %(number)s") % {"number": number}) for number in numbers
        ]
        # 0 stands for the section as it started, before its first save.
        choices.append((0, gettext("the empty section")))
        self.fields["from"] = forms.TypedChoiceField(label=_("Compare"), choices=choices, coerce=int)
        self.fields["to"] = forms.TypedChoiceField(label=_("with"), choices=choices, coerce=int)


class VersionCompareForm(forms.Form):
    """Two versions of a plan to compare (GET)."""

    def __init__(self, *args: Any, numbers: list[int], section_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(number, gettext("Version %(number)s") % {"number": number}) for number in numbers]
        self.fields["from"] = forms.TypedChoiceField(label=_("Compare"), choices=choices, coerce=int)
        self.fields["to"] = forms.TypedChoiceField(label=_("with"), choices=choices, coerce=int)
        self.fields["section"] = forms.ChoiceField(
            label=_("Sections"), required=False, choices=[("", _("all sections")), *section_choices]
        )


# --- table grids ------------------------------------------------------------------------------


def _placeholder(column: tables.Column) -> str:
    """A value the validator accepts for ``column``, used to test one cell on its own."""
    if column.kind == "choice":
        return column.choices[0][0]
    if column.kind in {"integer", "decimal"}:
        return "0"
    if column.kind == "date":
        return "2000-01-01"
    return "x"


def cell_errors(table_code: str, rows: list[dict[str, str]]) -> dict[tuple[int, str], list[str]]:
    """The validator's messages for each bad cell, by (row number, column key).

    Each cell is checked with tables.clean_rows on its own row, the other required cells filled with
    valid values and the rows before it left empty (empty rows are skipped but counted), so the
    message names the same row and column as the grid and no rule is repeated here.
    """
    spec = tables.TABLES[table_code]
    errors: dict[tuple[int, str], list[str]] = {}
    for number, row in enumerate(rows, start=1):
        if all(not str(row.get(column.key) or "").strip() for column in spec.columns):
            continue
        for column in spec.columns:
            probe = {
                other.key: (row.get(other.key, "") if other.key == column.key else _placeholder(other))
                for other in spec.columns
                if other.key == column.key or other.required
            }
            try:
                tables.clean_rows(table_code, [*({} for _ in range(number - 1)), probe])
            except ValidationError as error:
                errors[(number, column.key)] = list(error.messages)
    return errors


@dataclass
class GridCell:
    column: tables.Column
    field: forms.BoundField
    errors: list[str]


@dataclass
class GridRow:
    number: int
    cells: list[GridCell]
    remove: forms.BoundField | None  # existing rows can be removed; blank rows cannot


class TableGridForm(forms.Form):
    """One table of a section as a grid of cells: the saved rows, then blank rows for new ones.

    Cells are named ``r<row>-<column>``; ``rows`` says how many rows the grid has, so "Add rows" works
    by posting the form back with more (no script needed). Removed rows stay in the grid's numbering
    as empty rows, so every message names the row the person sees.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    rows = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=MAX_GRID_ROWS)
    existing = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=tables.MAX_ROWS)

    def __init__(
        self,
        data: Any = None,
        *,
        table_code: str,
        saved_rows: list[dict[str, str]] | None = None,
        version: int = 1,
        extra_rows: int = 0,
    ) -> None:
        self.spec = tables.TABLES[table_code]
        saved_rows = list(saved_rows or [])
        row_count, existing = len(saved_rows) + BLANK_ROWS, len(saved_rows)
        if data is not None:
            row_count = _bounded_int(data.get("rows"), row_count, MAX_GRID_ROWS)
            existing = _bounded_int(data.get("existing"), existing, tables.MAX_ROWS)
        row_count = min(max(row_count, existing) + extra_rows, MAX_GRID_ROWS)
        initial: dict[str, Any] = {"version": version, "rows": row_count, "existing": existing}
        for number, row in enumerate(saved_rows, start=1):
            for column in self.spec.columns:
                initial[f"r{number}-{column.key}"] = row.get(column.key, "")
        if data is not None and extra_rows:
            data = data.copy()
            data["rows"] = str(row_count)
        super().__init__(data, initial=initial)
        self.row_count = row_count
        self.existing_count = existing
        self.show_errors = True  # False: show the typed grid again without judging it ("Add rows")
        for number in range(1, row_count + 1):
            for column in self.spec.columns:
                self.fields[f"r{number}-{column.key}"] = self._cell_field(column, number)
            if number <= existing:
                self.fields[f"r{number}-remove"] = forms.BooleanField(
                    label=gettext("Remove row %(row)s") % {"row": number}, required=False
                )

    def _cell_field(self, column: tables.Column, number: int) -> forms.Field:
        label = gettext("Row %(row)s, %(column)s") % {"row": number, "column": column.label}
        attrs: dict[str, Any] = {"class": f"cell cell-{column.kind}"}
        if column.language:
            attrs["lang"] = column.language
        if column.kind == "choice":
            return forms.ChoiceField(
                label=label,
                required=False,
                choices=[("", "—"), *((code, str(name)) for code, name in column.choices)],
                widget=forms.Select(attrs=attrs),
            )
        if column.kind == "date":
            attrs["type"] = "date"
        elif column.kind == "integer":
            attrs.update({"inputmode": "numeric", "size": 8})
        elif column.kind == "decimal":
            attrs.update({"inputmode": "decimal", "size": 10})
        # Choice values are checked here by the form; every other value by tables.clean_rows.
        return forms.CharField(
            label=label, required=False, max_length=tables.MAX_CELL_CHARS, widget=forms.TextInput(attrs=attrs)
        )

    def full_clean(self) -> None:
        if not self.show_errors:
            self._errors = ErrorDict()
            self.cleaned_data = {}
            return
        super().full_clean()

    def table_rows(self) -> list[dict[str, str]]:
        """The grid as rows for the service: removed rows empty (they are dropped, numbering kept),
        trailing empty rows left out."""
        rows: list[dict[str, str]] = []
        for number in range(1, self.row_count + 1):
            if self.cleaned_data.get(f"r{number}-remove"):
                rows.append({})
                continue
            rows.append(
                {
                    column.key: str(self.cleaned_data.get(f"r{number}-{column.key}") or "")
                    for column in self.spec.columns
                }
            )
        while rows and not any(value.strip() for value in rows[-1].values()):
            rows.pop()
        if len(rows) > tables.MAX_ROWS:  # only when removed rows keep places: close the gaps
            rows = [row for row in rows if any(value.strip() for value in row.values())]
        return rows

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        for (number, key), messages in cell_errors(self.spec.code, self.table_rows()).items():
            name = f"r{number}-{key}"
            for message in messages:
                self.add_error(name, message)
            # The message printed under the cell (plans/section_table.html) describes the input.
            self.fields[name].widget.attrs["aria-describedby"] = f"id_{name}_error"
        return cleaned

    def grid(self) -> list[GridRow]:
        result: list[GridRow] = []
        for number in range(1, self.row_count + 1):
            cells = []
            for column in self.spec.columns:
                bound = self[f"r{number}-{column.key}"]
                cells.append(GridCell(column=column, field=bound, errors=[str(error) for error in bound.errors]))
            remove = self[f"r{number}-remove"] if number <= self.existing_count else None
            result.append(GridRow(number=number, cells=cells, remove=remove))
        return result


def _bounded_int(raw: Any, default: int, limit: int) -> int:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return default
    return max(0, min(value, limit))
