"""What changed: two versions of a plan section by section, or two revisions of one section.

Rich text is compared as plain text, paragraph by paragraph and, inside changed paragraphs, word by
word (difflib), and shown with insertions in ``<ins>`` and deletions in ``<del>``. Every piece of text
is HTML-escaped before it is wrapped, so the markup is the only HTML in the result. Tables are
compared row by row: rows added, removed and changed (with the changed cells).

Long unchanged stretches are folded to keep the page light on a weak connection; a comparison that
is still too big shows its counts and a link to the section alone.
"""

from __future__ import annotations

import difflib
import html
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from vidnova.plans import catalogue, tables
from vidnova.plans.models import PlanVersion, Section, SectionCode, SectionRevision

# Paragraphs of unchanged text kept around a change; longer unchanged runs are folded.
CONTEXT_PARAGRAPHS = 1
# Above this many word pairs a changed block is shown as removed and added whole: difflib's word
# matching is quadratic, and a laptop on generator power should not spend seconds on one diff.
MAX_WORD_PAIRS = 4_000_000
# Characters of diff markup a whole-plan comparison page shows before it gives counts only.
PAGE_BUDGET_CHARS = 250_000

LANGUAGES = (("uk", "body_uk"), ("en", "body_en"))

_BREAKS = re.compile(r"<br\s*/?>|</?(?:p|h[1-6]|ul|ol|tr|table|thead|tbody|tfoot|caption|blockquote)\b[^>]*>", re.I)
_LIST_ITEM = re.compile(r"<li\b[^>]*>", re.I)
_CELL_END = re.compile(r"</t[dh]>", re.I)
_TAG = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"[ \t\f\v\u00a0]+")
_WORD = re.compile(r"\S+\s*")
NEWLINE = "\n"


def paragraphs(rich: str) -> list[str]:
    """The plain text of a rich-text fragment, one string per paragraph, heading, list item or table row."""
    marked = _BREAKS.sub("\n", rich or "")
    marked = _LIST_ITEM.sub("\n• ", marked)
    marked = _CELL_END.sub(" | ", marked)
    plain = html.unescape(_TAG.sub("", marked))
    lines = (_SPACES.sub(" ", line).strip(" |") for line in plain.split("\n"))
    return [line.strip() for line in lines if line.strip()]


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "equal", "insert", "delete", "change" or "fold" (unchanged paragraphs left out)
    html: SafeString
    folded: int = 0  # for "fold": how many paragraphs


@dataclass
class TextDiff:
    language: str
    lines: list[DiffLine] = field(default_factory=list)
    words_added: int = 0
    words_removed: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.words_added or self.words_removed)

    @property
    def html_size(self) -> int:
        return sum(len(line.html) for line in self.lines)


def _wrap(kind: str, tokens: list[str]) -> str:
    escaped = escape("".join(tokens))
    if kind == "insert":
        return f"<ins>{escaped}</ins>"
    if kind == "delete":
        return f"<del>{escaped}</del>"
    return str(escaped)


def _render_tokens(pairs: list[tuple[str, str]]) -> list[str]:
    """(kind, token) pairs to lines of markup; NEWLINE tokens end a line, runs of one kind are wrapped once."""
    lines: list[str] = []
    parts: list[str] = []
    run_kind = ""
    run: list[str] = []

    def flush_run() -> None:
        nonlocal run, run_kind
        if run:
            parts.append(_wrap(run_kind, run))
        run, run_kind = [], ""

    for kind, token in pairs:
        if token == NEWLINE:
            flush_run()
            lines.append("".join(parts))
            parts = []
            continue
        if kind != run_kind:
            flush_run()
            run_kind = kind
        run.append(token)
    flush_run()
    if parts:
        lines.append("".join(parts))
    return lines


def _tokens(lines: list[str]) -> list[str]:
    tokens: list[str] = []
    for line in lines:
        tokens.extend(_WORD.findall(line + " "))
        tokens.append(NEWLINE)
    return tokens


def _word_count(lines: list[str]) -> int:
    return sum(len(line.split()) for line in lines)


def _changed_block(old: list[str], new: list[str], result: TextDiff) -> None:
    """Paragraphs that differ: word by word, unless the block is too big to match quickly."""
    old_tokens, new_tokens = _tokens(old), _tokens(new)
    if len(old_tokens) * len(new_tokens) > MAX_WORD_PAIRS:
        for line in old:
            result.lines.append(DiffLine("delete", mark_safe(_wrap("delete", [line]))))  # noqa: S308 - escaped in _wrap
        for line in new:
            result.lines.append(DiffLine("insert", mark_safe(_wrap("insert", [line]))))  # noqa: S308 - escaped in _wrap
        result.words_removed += _word_count(old)
        result.words_added += _word_count(new)
        return
    pairs: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs += [("equal", token) for token in new_tokens[j1:j2]]
            continue
        if tag in {"delete", "replace"}:
            removed = old_tokens[i1:i2]
            # A paragraph break that only moved is not a deletion of words; keep breaks out of <del>.
            pairs += [("delete", token) for token in removed if token != NEWLINE]
            result.words_removed += sum(1 for token in removed if token != NEWLINE)
        if tag in {"insert", "replace"}:
            added = new_tokens[j1:j2]
            pairs += [("insert", token) for token in added]
            result.words_added += sum(1 for token in added if token != NEWLINE)
    for line in _render_tokens(pairs):
        result.lines.append(DiffLine("change", mark_safe(line)))  # noqa: S308 - every token escaped in _wrap


def _fold(lines: list[str], *, first: bool, last: bool, context: int | None) -> list[DiffLine]:
    """Unchanged paragraphs, folded to ``context`` paragraphs beside each change."""
    shown = [DiffLine("equal", escape(line)) for line in lines]
    if context is None:
        return shown
    keep_before = 0 if first else context  # paragraphs after the previous change
    keep_after = 0 if last else context  # paragraphs before the next change
    if len(lines) <= keep_before + keep_after + 1:
        return shown
    folded = len(lines) - keep_before - keep_after
    marker = DiffLine(
        "fold",
        escape(gettext("… %(count)s unchanged paragraphs …") % {"count": folded}),
        folded=folded,
    )
    return [*shown[:keep_before], marker, *shown[len(lines) - keep_after :]]


def text_diff(old_rich: str, new_rich: str, *, language: str, context: int | None = CONTEXT_PARAGRAPHS) -> TextDiff:
    """Word-level difference of two rich texts, paragraph by paragraph."""
    old, new = paragraphs(old_rich), paragraphs(new_rich)
    result = TextDiff(language=language)
    opcodes = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            result.lines += _fold(new[j1:j2], first=index == 0, last=index == len(opcodes) - 1, context=context)
        elif tag == "insert":
            for line in new[j1:j2]:
                result.lines.append(DiffLine("insert", mark_safe(_wrap("insert", [line]))))  # noqa: S308
            result.words_added += _word_count(new[j1:j2])
        elif tag == "delete":
            for line in old[i1:i2]:
                result.lines.append(DiffLine("delete", mark_safe(_wrap("delete", [line]))))  # noqa: S308
            result.words_removed += _word_count(old[i1:i2])
        else:
            _changed_block(old[i1:i2], new[j1:j2], result)
    if not result.changed:
        result.lines = []
    return result


# --- tables ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CellChange:
    label: str
    old: str
    new: str

    @property
    def changed(self) -> bool:
        return self.old != self.new


@dataclass(frozen=True)
class RowChange:
    kind: str  # "added", "removed" or "changed"
    number: int  # the row's number in the newer table (in the older one for removed rows)
    cells: list[CellChange]


@dataclass
class TableDiff:
    code: str
    title: str
    columns: list[str]
    rows: list[RowChange] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.rows)

    def count(self, kind: str) -> int:
        return sum(1 for row in self.rows if row.kind == kind)

    @property
    def added(self) -> int:
        return self.count("added")

    @property
    def removed(self) -> int:
        return self.count("removed")

    @property
    def modified(self) -> int:
        return self.count("changed")


def _display(table_code: str, column: tables.Column, row: dict[str, Any]) -> str:
    value = str(row.get(column.key) or "")
    if column.kind == "choice" and value:
        return tables.choice_label(table_code, column.key, value)
    return value


def table_diff(table_code: str, old_rows: list[dict[str, Any]], new_rows: list[dict[str, Any]]) -> TableDiff:
    """Rows added, removed and changed between two states of one table."""
    spec = tables.TABLES[table_code]
    columns = list(spec.columns)
    result = TableDiff(code=table_code, title=str(spec.title), columns=[str(column.label) for column in columns])

    def key(row: dict[str, Any]) -> tuple[str, ...]:
        return tuple(str(row.get(column.key) or "") for column in columns)

    def cells(old: dict[str, Any], new: dict[str, Any]) -> list[CellChange]:
        return [
            CellChange(str(column.label), _display(table_code, column, old), _display(table_code, column, new))
            for column in columns
        ]

    old_keys, new_keys = [key(row) for row in old_rows], [key(row) for row in new_rows]
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old_keys, new_keys, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        old_block, new_block = list(range(i1, i2)), list(range(j1, j2))
        paired = min(len(old_block), len(new_block)) if tag == "replace" else 0
        for i, j in zip(old_block[:paired], new_block[:paired], strict=True):
            result.rows.append(RowChange("changed", j + 1, cells(old_rows[i], new_rows[j])))
        for i in old_block[paired:]:
            result.rows.append(RowChange("removed", i + 1, cells(old_rows[i], {})))
        for j in new_block[paired:]:
            result.rows.append(RowChange("added", j + 1, cells({}, new_rows[j])))
    return result


# --- sections -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SectionState:
    """What a section says at one point: its texts and tables."""

    body_uk: str
    body_en: str
    tables: dict[str, Any]

    @classmethod
    def of(cls, obj: Section | SectionRevision | None) -> SectionState:
        if obj is None:
            return cls("", "", {})
        return cls(obj.body_uk, obj.body_en, dict(obj.tables or {}))


@dataclass
class SectionDiff:
    code: str
    title: str
    texts: list[TextDiff]
    tables: list[TableDiff]
    too_big: bool = False  # only the counts are shown; the section alone shows the rest

    @property
    def changed(self) -> bool:
        return any(diff.changed for diff in self.texts) or any(diff.changed for diff in self.tables)

    @property
    def changed_texts(self) -> list[TextDiff]:
        return [diff for diff in self.texts if diff.changed]

    @property
    def changed_tables(self) -> list[TableDiff]:
        return [diff for diff in self.tables if diff.changed]

    @property
    def html_size(self) -> int:
        return sum(diff.html_size for diff in self.texts) + sum(200 * len(diff.rows) for diff in self.tables)


def section_diff(
    code: str, old: SectionState, new: SectionState, *, context: int | None = CONTEXT_PARAGRAPHS
) -> SectionDiff:
    """Texts (each language) and tables (every table the catalogue lists, and any other stored one)."""
    texts = [
        text_diff(getattr(old, attribute), getattr(new, attribute), language=language, context=context)
        for language, attribute in LANGUAGES
    ]
    listed = list(catalogue.spec_for(code).tables) if code in catalogue.BY_CODE else []
    stored = sorted((set(old.tables) | set(new.tables)) - set(listed))
    table_codes = [table for table in [*listed, *stored] if table in tables.TABLES]
    return SectionDiff(
        code=code,
        title=str(SectionCode(code).label) if code in SectionCode.values else code,
        texts=texts,
        tables=[table_diff(table, old.tables.get(table, []), new.tables.get(table, [])) for table in table_codes],
    )


@dataclass
class VersionComparison:
    older: PlanVersion
    newer: PlanVersion
    changed: list[SectionDiff]
    unchanged: list[tuple[str, str]]  # (code, title)


def compare_versions(
    older: PlanVersion, newer: PlanVersion, *, only: str | None = None, budget: int | None = PAGE_BUDGET_CHARS
) -> VersionComparison:
    """Two versions of a plan, section by section (matched by section code, in document order).

    ``only`` limits the comparison to one section. When the markup would exceed ``budget``, the
    sections that do not fit are marked ``too_big`` and keep only their counts.
    """
    sections: dict[str, dict[int, Section]] = {}
    queryset = Section.objects.filter(plan_version__in=[older, newer]).order_by("position")
    if only is not None:
        queryset = queryset.filter(code=only)
    for section in queryset:
        sections.setdefault(section.code, {})[section.plan_version_id] = section
    order = [spec.code.value for spec in catalogue.SECTIONS]
    codes = sorted(sections, key=lambda code: order.index(code) if code in order else len(order))
    changed: list[SectionDiff] = []
    unchanged: list[tuple[str, str]] = []
    used = 0
    for code in codes:
        pair = sections[code]
        diff = section_diff(code, SectionState.of(pair.get(older.pk)), SectionState.of(pair.get(newer.pk)))
        if not diff.changed:
            unchanged.append((code, diff.title))
            continue
        size = diff.html_size
        if budget is not None and used + size > budget:
            diff.too_big = True
        else:
            used += size
        changed.append(diff)
    return VersionComparison(older=older, newer=newer, changed=changed, unchanged=unchanged)


def compare_revisions(
    section: Section,
    older: SectionRevision | None,
    newer: SectionRevision | None,
    *,
    budget: int | None = PAGE_BUDGET_CHARS,
) -> SectionDiff:
    """Two revisions of one section (``older`` None: from the empty section it started as); above
    ``budget`` characters of markup only the counts are kept (``too_big``)."""
    diff = section_diff(section.code, SectionState.of(older), SectionState.of(newer))
    diff.too_big = budget is not None and diff.html_size > budget
    return diff
