"""The content of a plan document, built once from a version and rendered to DOCX and PDF.

``build_document`` reads the version in a fixed number of queries (plan, hromada, sections, goal tree,
principles checklist) and returns a ``PlanDocument``: a neutral model of headings, paragraphs, lists,
tables and the goal tree, with every label already translated into the export language. The
renderers only lay it out; they make no decisions about content and run no queries.

Rich text is parsed with lxml.html. It was sanitised on save (vidnova.plans.text), so only headings,
paragraphs, lists, tables, links and emphasis can occur; anything else is read as plain text.

Languages: the export language comes first. Where a text has no translation, the other language's
text is used and marked (``[UK]`` in an English document), and the document says so up front.
"""

from __future__ import annotations

import datetime
import decimal
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import lxml.html  # type: ignore[import-untyped]
from django.utils import formats, timezone, translation
from django.utils.translation import gettext, pgettext

from vidnova.plans import catalogue, principles, tables
from vidnova.plans.models import (
    GoalLevel,
    Plan,
    PlanLanguage,
    PlanType,
    PlanVersion,
    PrincipleCheck,
    Section,
    SectionCode,
)
from vidnova.plans.selectors.goals import flatten, goal_tree
from vidnova.plans.text import is_empty

LANGUAGES = frozenset(PlanLanguage.values)

# ---------------------------------------------------------------------------------------------------
# The document model
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """A piece of text with one formatting. ``text == "\\n"`` is a line break."""

    text: str
    bold: bool = False
    italic: bool = False
    underline: bool = False
    strike: bool = False
    superscript: bool = False
    subscript: bool = False
    href: str = ""


@dataclass
class Heading:
    level: int  # 1: a chapter, 2–4: headings inside a section's text
    runs: list[Run]
    number: str = ""  # "3" for the third section; "" for unnumbered chapters
    anchor: str = ""  # a stable id for links and the PDF's table of contents

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


@dataclass
class Paragraph:
    runs: list[Run]
    style: str = ""  # "" (body), "note" (an explanation from Vidnova), "quote", "lead"


@dataclass
class ListItem:
    runs: list[Run]
    children: list[ListBlock] = field(default_factory=list)


@dataclass
class ListBlock:
    ordered: bool
    items: list[ListItem]


@dataclass
class Cell:
    runs: list[Run]
    header: bool = False
    numeric: bool = False
    colspan: int = 1
    rowspan: int = 1

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


@dataclass
class Table:
    caption: str
    header: list[list[Cell]]
    rows: list[list[Cell]]
    footer: list[list[Cell]] = field(default_factory=list)
    note: str = ""  # shown under the table (for example what a [UK] mark means)

    @property
    def column_count(self) -> int:
        all_rows = self.header + self.rows + self.footer
        return max((sum(cell.colspan for cell in row) for row in all_rows), default=0)


@dataclass
class GoalItem:
    code: str  # "" for the vision, then 1, 1.1, 1.1.1
    level: str  # GoalLevel value
    level_label: str
    text: str
    depth: int
    tags: list[str]  # "SDG 11.1", "EU acquis: chapter 22", ...


@dataclass
class GoalTree:
    items: list[GoalItem]


@dataclass
class Facts:
    """Label–value pairs (plan details, adoption details)."""

    items: list[tuple[str, str]]


Block = Heading | Paragraph | ListBlock | Table | GoalTree | Facts


@dataclass
class Chapter:
    heading: Heading
    blocks: list[Block]


@dataclass
class PlanDocument:
    language: str
    title: str
    plan_type_label: str
    hromada_name: str
    oblast_name: str
    katottg: str
    period: str
    version_number: int
    status_line: str
    is_adopted: bool
    generated_on: str
    chapters: list[Chapter]
    fallback_count: int  # texts shown in the other language
    file_stem: str  # "plan-UA…-v2-en"
    subject: str
    keywords: str
    labels: dict[str, str]  # the renderers' own words, translated

    @property
    def headings(self) -> list[Heading]:
        """Every heading in order (chapters and the headings inside them), for tables of contents."""
        found: list[Heading] = []
        for chapter in self.chapters:
            found.append(chapter.heading)
            found.extend(block for block in chapter.blocks if isinstance(block, Heading))
        return found

    @property
    def plain_text(self) -> str:
        """All the words of the document, for tests and search."""
        parts = [self.title, self.hromada_name, self.status_line]
        for chapter in self.chapters:
            parts.append(chapter.heading.text)
            for block in chapter.blocks:
                parts.extend(_block_words(block))
        return "\n".join(parts)


def _block_words(block: Block) -> Iterable[str]:
    if isinstance(block, Heading | Paragraph):
        yield "".join(run.text for run in block.runs)
    elif isinstance(block, ListBlock):
        for item in block.items:
            yield "".join(run.text for run in item.runs)
            for child in item.children:
                yield from _block_words(child)
    elif isinstance(block, Table):
        yield block.caption
        for row in block.header + block.rows + block.footer:
            yield " | ".join(cell.text for cell in row)
    elif isinstance(block, GoalTree):
        for goal in block.items:
            yield f"{goal.code} {goal.text}"
    elif isinstance(block, Facts):
        for label, value in block.items:
            yield f"{label}: {value}"


# ---------------------------------------------------------------------------------------------------
# Rich text → blocks
# ---------------------------------------------------------------------------------------------------

_INLINE_FLAGS = {
    "strong": "bold",
    "b": "bold",
    "em": "italic",
    "i": "italic",
    "u": "underline",
    "s": "strike",
    "sup": "superscript",
    "sub": "subscript",
}
_BLOCK_TAGS = frozenset({"h2", "h3", "h4", "p", "ul", "ol", "table", "blockquote"})


_SPACES = re.compile(r"\s+")


def _clean_space(text: str) -> str:
    """White space collapsed to single spaces, as a browser shows it."""
    return _SPACES.sub(" ", text)


def _collect(element: Any, style: dict[str, Any], runs: list[Run]) -> None:
    """Append the runs of ``element``'s content (not its tail) to ``runs``, without normalising."""
    style = dict(style)
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _INLINE_FLAGS:
        style[_INLINE_FLAGS[tag]] = True
    if tag == "a":
        href = (element.get("href") or "").strip()
        if href.startswith(("http://", "https://", "mailto:")):
            style["href"] = href
    if tag == "br":
        runs.append(Run("\n"))
        return
    if element.text:
        runs.append(Run(element.text, **style))
    for child in element:
        child_tag = child.tag if isinstance(child.tag, str) else ""
        if child_tag and child_tag not in {"ul", "ol", "table"}:  # nested lists and tables are blocks
            _collect(child, style, runs)
            if child_tag in {"p", "li", "h2", "h3", "h4", "blockquote"}:
                runs.append(Run("\n"))
        if child.tail:
            runs.append(Run(child.tail, **style))


def _inline_runs(element: Any) -> list[Run]:
    """The normalised runs of an element's content."""
    runs: list[Run] = []
    _collect(element, {}, runs)
    return _normalise_runs(runs)


def _with_text(run: Run, text: str) -> Run:
    return Run(text, run.bold, run.italic, run.underline, run.strike, run.superscript, run.subscript, run.href)


def _normalise_runs(runs: list[Run]) -> list[Run]:
    """Collapse white space as a browser would; no space at the start or end of a line; no empty runs."""
    result: list[Run] = []
    for run in runs:
        if run.text == "\n":
            if result and result[-1].text != "\n":
                result[-1] = _with_text(result[-1], result[-1].text.rstrip())
                result.append(run)
            continue
        text = _clean_space(run.text)
        if text.startswith(" ") and (not result or result[-1].text == "\n" or result[-1].text.endswith(" ")):
            text = text.lstrip()
        if text:
            result.append(_with_text(run, text))
    while result and result[-1].text == "\n":
        result.pop()
    if result:
        result[-1] = _with_text(result[-1], result[-1].text.rstrip())
    return [run for run in result if run.text]


def _list_block(element: Any) -> ListBlock:
    items: list[ListItem] = []
    for child in element:
        if getattr(child, "tag", None) != "li":
            continue
        item = ListItem(runs=_inline_runs(child))
        for nested in child:
            if getattr(nested, "tag", None) in {"ul", "ol"}:
                item.children.append(_list_block(nested))
        items.append(item)
    return ListBlock(ordered=element.tag == "ol", items=items)


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 50))
    except ValueError:
        return 1


def _rich_table(element: Any) -> Table:
    caption_element = element.find("caption")
    caption = " ".join(caption_element.text_content().split()) if caption_element is not None else ""
    header: list[list[Cell]] = []
    body: list[list[Cell]] = []
    footer: list[list[Cell]] = []
    for row in element.iter("tr"):
        cells = [
            Cell(
                runs=_inline_runs(cell),
                header=cell.tag == "th",
                colspan=_span(cell.get("colspan")),
                rowspan=_span(cell.get("rowspan")),
            )
            for cell in row
            if getattr(cell, "tag", None) in {"th", "td"}
        ]
        if not cells:
            continue
        parent = row.getparent().tag if row.getparent() is not None else ""
        if parent == "thead":
            header.append(cells)
        elif parent == "tfoot":
            footer.append(cells)
        elif not body and not header and all(cell.header for cell in cells):
            header.append(cells)  # a first row of <th> without <thead> is the header
        else:
            body.append(cells)
    return Table(caption=caption, header=header, rows=body, footer=footer)


def _blocks_of(container: Any, *, paragraph_style: str = "") -> list[Block]:
    blocks: list[Block] = []
    loose: list[Run] = []  # text and inline elements directly in the container

    def flush() -> None:
        runs = _normalise_runs(loose)
        if runs:
            blocks.append(Paragraph(runs=runs, style=paragraph_style))
        loose.clear()

    if container.text:
        loose.append(Run(container.text))
    for element in container:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag and tag not in _BLOCK_TAGS:
            _collect(element, {}, loose)
        elif tag:
            flush()
            if tag in {"h2", "h3", "h4"}:
                runs = _inline_runs(element)
                if runs:
                    blocks.append(Heading(level=int(tag[1]), runs=runs))
            elif tag == "p":
                runs = _inline_runs(element)
                if runs:
                    blocks.append(Paragraph(runs=runs, style=paragraph_style))
            elif tag in {"ul", "ol"}:
                block = _list_block(element)
                if block.items:
                    blocks.append(block)
            elif tag == "table":
                table = _rich_table(element)
                if table.rows or table.header:
                    blocks.append(table)
            elif tag == "blockquote":
                blocks.extend(_blocks_of(element, paragraph_style="quote"))
        if element.tail:
            loose.append(Run(element.tail))
    flush()
    return blocks


def rich_text_blocks(html: str) -> list[Block]:
    """Blocks of a sanitised rich-text fragment. Headings h2–h4 become levels 2–4."""
    if not (html or "").strip():
        return []
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    return _blocks_of(root)


# ---------------------------------------------------------------------------------------------------
# Building the document
# ---------------------------------------------------------------------------------------------------


def _other(language: str) -> str:
    return "uk" if language == "en" else "en"


class _Texts:
    """Picks the text in the export language, falls back to the other one and counts the fallbacks."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.fallbacks = 0
        self.mark = f"[{_other(language).upper()}]"

    def pick(self, values: dict[str, str], *, mark: bool = True) -> tuple[str, bool]:
        """(text, is_fallback) from ``{"uk": ..., "en": ...}``."""
        primary = (values.get(self.language) or "").strip()
        if primary:
            return primary, False
        fallback = (values.get(_other(self.language)) or "").strip()
        if fallback:
            self.fallbacks += 1
            return (f"{self.mark} {fallback}" if mark else fallback), True
        return "", False

    def pick_rich(self, values: dict[str, str]) -> tuple[str, bool]:
        primary = values.get(self.language) or ""
        if not is_empty(primary) or "<table" in primary:
            return primary, False
        fallback = values.get(_other(self.language)) or ""
        if not is_empty(fallback) or "<table" in fallback:
            self.fallbacks += 1
            return fallback, True
        return "", False


def _format_date(value: datetime.date | str | None) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        try:
            day = datetime.date.fromisoformat(value)
        except ValueError:
            return value
        return formats.date_format(day, "j E Y")
    return formats.date_format(value, "j E Y")


def _format_number(value: str) -> str:
    try:
        number = decimal.Decimal(value)
    except decimal.InvalidOperation:
        return value
    return formats.number_format(number, use_l10n=True, force_grouping=True)


def _text_runs(text: str, **style: Any) -> list[Run]:
    return [Run(text, **style)] if text else []


# Merged labels for the columns tables.py keeps per language (indicator_uk / indicator_en ...): an
# export shows one column in its language.
_MERGED_LABELS = {
    "indicator": lambda: gettext("indicator"),
    "description": lambda: gettext("description"),
    "text": lambda: gettext("statement"),
    "risk": lambda: gettext("risk"),
    "mitigation": lambda: gettext("mitigation"),
    "summary": lambda: gettext("outcome"),
}


def _data_table(section: Section, table_code: str, texts: _Texts) -> Table | None:
    spec = tables.TABLES[table_code]
    rows: list[dict[str, str]] = (section.tables or {}).get(table_code) or []
    if not rows:
        return None
    # Columns in order; a language pair (x_uk, x_en) becomes one column x.
    columns: list[tuple[str, str, tables.Column | None]] = []  # (key or base, label, column)
    seen_bases: set[str] = set()
    english_wordings = tables.english_wordings(spec)
    for spec_column in spec.columns:
        if spec_column.key in english_wordings.values():
            continue  # read in place of its neutral column (value_en beside value)
        if spec_column.language:
            base = spec_column.key.rsplit("_", 1)[0]
            if base in seen_bases:
                continue
            seen_bases.add(base)
            label = _MERGED_LABELS[base]() if base in _MERGED_LABELS else str(spec_column.label)
            columns.append((base, label, None))
        else:
            columns.append((spec_column.key, str(spec_column.label), spec_column))
    header = [[Cell(runs=[Run(label[:1].upper() + label[1:], bold=True)], header=True) for _key, label, _c in columns]]
    body: list[list[Cell]] = []
    fallback_seen = False
    for row in rows:
        cells: list[Cell] = []
        for key, _label, column in columns:
            if column is None:
                value, is_fallback = texts.pick({"uk": row.get(f"{key}_uk", ""), "en": row.get(f"{key}_en", "")})
                fallback_seen = fallback_seen or is_fallback
                cells.append(Cell(runs=_text_runs(value)))
                continue
            raw = row.get(key, "")
            if column.kind == "choice":
                value = _capfirst(tables.choice_label(table_code, key, raw)) if raw else ""
            elif column.kind in {"integer", "decimal"} and key != "year":
                value = _format_number(raw) if raw else ""
            elif column.kind == "date":
                value = _format_date(raw)
            elif key in english_wordings:
                value, _wording = tables.worded_value(spec, row, key, texts.language)
            else:
                value = raw
            cells.append(Cell(runs=_text_runs(value), numeric=column.kind in {"integer", "decimal"} and key != "year"))
        body.append(cells)
    footer: list[list[Cell]] = []
    if table_code == "financing":
        footer = _financing_totals(rows, len(columns))
    table = Table(caption=str(spec.title), header=header, rows=body, footer=footer)
    if fallback_seen:
        table.note = _fallback_note(texts.language)
    return table


def _financing_totals(rows: list[dict[str, str]], column_count: int) -> list[list[Cell]]:
    """One total line per currency (amounts in different currencies are never added up)."""
    totals: dict[str, decimal.Decimal] = {}
    for row in rows:
        try:
            totals[row.get("currency", "")] = totals.get(row.get("currency", ""), decimal.Decimal(0)) + decimal.Decimal(
                row.get("amount") or "0"
            )
        except decimal.InvalidOperation:
            continue
    footer: list[list[Cell]] = []
    for currency, total in totals.items():
        label = gettext("Total, %(currency)s") % {"currency": currency}
        cells = [
            Cell(runs=[Run(label, bold=True)], header=True),
            Cell(runs=[Run(_format_number(str(total)), bold=True)], numeric=True),
        ]
        cells.extend(Cell(runs=[]) for _ in range(column_count - 2))
        footer.append(cells)
    return footer


def _fallback_note(language: str) -> str:
    if language == "en":
        return gettext("[UK]: not translated into English yet; the Ukrainian text is shown.")
    return gettext("[EN]: not translated into Ukrainian yet; the English text is shown.")


def _section_fallback_sentence(language: str) -> str:
    if language == "en":
        return gettext("This section has not been translated into English yet; the Ukrainian text is shown.")
    return gettext("This section has not been translated into Ukrainian yet; the English text is shown.")


def _goal_tags(node: Any) -> list[str]:
    tags: list[str] = []
    if node.sdg_targets:
        tags.append(gettext("SDG targets: %(codes)s") % {"codes": ", ".join(map(str, node.sdg_targets))})
    if node.acquis_chapters:
        tags.append(gettext("EU acquis chapters: %(codes)s") % {"codes": ", ".join(map(str, node.acquis_chapters))})
    if node.charter_articles:
        tags.append(
            gettext("European Charter of Local Self-Government, articles: %(codes)s")
            % {"codes": ", ".join(map(str, node.charter_articles))}
        )
    return tags


def _goal_items(version: PlanVersion, texts: _Texts) -> list[GoalItem]:
    items: list[GoalItem] = []
    for tree_node in flatten(goal_tree(version)):
        node = tree_node.node
        text, _fallback = texts.pick({"uk": node.text_uk, "en": node.text_en})
        items.append(
            GoalItem(
                code=tree_node.code,
                level=node.level,
                level_label=str(GoalLevel(node.level).label) if node.level in GoalLevel.values else node.level,
                text=text,
                depth=tree_node.depth,
                tags=_goal_tags(node),
            )
        )
    return items


def _principle_tables(checks: list[PrincipleCheck], texts: _Texts) -> list[Block]:
    by_code = {check.principle: check for check in checks}
    blocks: list[Block] = []
    yes, no = gettext("Yes"), gettext("Not yet")
    for group, group_label in principles.GROUP_LABELS.items():
        group_principles = [p for p in principles.PRINCIPLES if p.group == group and p.code in by_code]
        if not group_principles:
            continue
        rows: list[list[Cell]] = []
        fallback_seen = False
        for principle in group_principles:
            check = by_code[principle.code]
            justification, is_fallback = texts.pick({"uk": check.justification_uk, "en": check.justification_en})
            fallback_seen = fallback_seen or is_fallback
            label = str(principle.label)
            rows.append(
                [
                    Cell(runs=[Run(label[:1].upper() + label[1:])]),
                    Cell(runs=[Run(yes if check.is_met else no, bold=not check.is_met)]),
                    Cell(runs=_text_runs(justification)),
                ]
            )
        header = [
            [
                Cell(runs=[Run(gettext("Principle"), bold=True)], header=True),
                Cell(runs=[Run(gettext("Followed"), bold=True)], header=True),
                Cell(runs=[Run(gettext("Justification"), bold=True)], header=True),
            ]
        ]
        table = Table(caption=str(group_label), header=header, rows=rows)
        if fallback_seen:
            table.note = _fallback_note(texts.language)
        blocks.append(table)
    return blocks


def _status_line(plan: Plan, version: PlanVersion) -> str:
    if version.adopted_at is not None:
        return gettext("Adopted by the %(body)s, act No. %(number)s of %(date)s") % {
            "body": version.get_adopting_body_display(),
            "number": version.act_number,
            "date": _format_date(version.act_date),
        }
    if plan.public_version_id is not None and plan.public_version_id != version.pk:
        return gettext("Draft amendment (version %(number)s), not adopted; stage: %(state)s") % {
            "number": version.number,
            "state": plan.get_state_display(),
        }
    return gettext("Draft, not adopted; stage: %(state)s") % {"state": plan.get_state_display()}


def _adoption_blocks(plan: Plan, version: PlanVersion) -> list[Block]:
    if version.adopted_at is None:
        return [
            Paragraph(
                runs=[
                    Run(
                        gettext(
                            "This version has not been adopted. It is a working draft and may still change; the "
                            "adopted text is the one the council or the military administration approves."
                        )
                    )
                ],
                style="note",
            ),
            *_participation_facts(version),
        ]
    items = [
        (gettext("Adopting body"), version.get_adopting_body_display()),
        (gettext("Act number"), version.act_number),
        (gettext("Act date"), _format_date(version.act_date)),
        (gettext("Recorded in Vidnova"), _format_date(timezone.localdate(version.adopted_at))),
    ]
    if version.register_reference:
        items.append((gettext("Construction Activity Register number"), version.register_reference))
    if version.registered_on:
        items.append((gettext("Registered on"), _format_date(version.registered_on)))
    blocks: list[Block] = [Facts(items=items)]
    blocks.extend(_participation_facts(version))
    return blocks


def _participation_facts(version: PlanVersion) -> list[Block]:
    items: list[tuple[str, str]] = []
    if version.proposals_starts_on or version.proposals_ends_on:
        items.append(
            (
                gettext("Collection of proposals"),
                f"{_format_date(version.proposals_starts_on)} – {_format_date(version.proposals_ends_on)}",
            )
        )
    if version.consultation_starts_on or version.consultation_ends_on:
        items.append(
            (
                gettext("Public consultation"),
                f"{_format_date(version.consultation_starts_on)} – {_format_date(version.consultation_ends_on)}",
            )
        )
    if version.amendment_reason:
        items.append((gettext("Reason for the amendment"), version.amendment_reason))
    return [Facts(items=items)] if items else []


def _about_blocks(plan: Plan, version: PlanVersion, texts: _Texts, hromada_name: str, oblast_name: str) -> list[Block]:
    items = [
        (gettext("Type of plan"), _capfirst(plan.get_plan_type_display())),
        (gettext("Hromada"), f"{hromada_name} ({plan.hromada.katottg})"),
        (gettext("Oblast"), oblast_name),
        (gettext("Period"), f"{_format_date(plan.starts_on)} – {_format_date(plan.ends_on)}"),
        (gettext("Version"), str(version.number)),
        (gettext("Stage"), _capfirst(plan.get_state_display())),
        (gettext("Language of origin"), _capfirst(plan.get_original_language_display())),
    ]
    if plan.programme is not None:
        items.append((gettext("Supporting programme"), str(plan.programme)))
    blocks: list[Block] = [Facts(items=items)]
    summary, is_fallback = texts.pick({"uk": plan.summary_uk, "en": plan.summary_en}, mark=False)
    if summary:
        blocks.append(Heading(level=2, runs=[Run(gettext("Summary"))]))
        if is_fallback:
            blocks.append(Paragraph(runs=[Run(_section_fallback_sentence(texts.language))], style="note"))
        blocks.extend(Paragraph(runs=[Run(part.strip())]) for part in summary.split("\n\n") if part.strip())
    documents = list(plan.higher_level_documents.all())
    if documents:
        blocks.append(Heading(level=2, runs=[Run(gettext("Higher-level documents this plan follows"))]))
        items_list = []
        for document in documents:
            runs = [Run(_capfirst(document.get_document_type_display()) + ": ", bold=True)]
            runs.append(Run(document.title, href=document.url) if document.url else Run(document.title))
            if document.reference:
                runs.append(Run(f" ({document.reference})"))
            items_list.append(ListItem(runs=runs))
        blocks.append(ListBlock(ordered=False, items=items_list))
    return blocks


def _capfirst(value: Any) -> str:
    text = str(value)
    return text[:1].upper() + text[1:]


def _section_included(section: Section, plan_type: str) -> bool:
    """Required sections always appear (empty ones say so); optional ones only when they have content."""
    spec = catalogue.BY_CODE.get(section.code)
    if spec is None:
        return False
    if plan_type in spec.required_for or spec.goal_tree:
        return True
    return not (is_empty(section.body_uk) and is_empty(section.body_en)) or any((section.tables or {}).values())


def _section_blocks(
    section: Section, version: PlanVersion, texts: _Texts, goal_items: list[GoalItem], project_rows: list[Any]
) -> list[Block]:
    spec = catalogue.spec_for(section.code)
    blocks: list[Block] = []
    body, is_fallback = texts.pick_rich({"uk": section.body_uk, "en": section.body_en})
    if is_fallback:
        blocks.append(Paragraph(runs=[Run(_section_fallback_sentence(texts.language))], style="note"))
    blocks.extend(rich_text_blocks(body))
    for table_code in spec.tables:
        table = _data_table(section, table_code, texts)
        if table is not None:
            blocks.append(table)
    if spec.goal_tree:
        blocks.append(Heading(level=2, runs=[Run(gettext("Goal tree"))]))
        if goal_items:
            blocks.append(GoalTree(items=goal_items))
        else:
            blocks.append(Paragraph(runs=[Run(gettext("The goal tree has not been drawn up yet."))], style="note"))
    if section.code == SectionCode.PROJECTS:
        blocks.append(Heading(level=2, runs=[Run(gettext("Project list"))]))
        if not project_rows:
            blocks.append(Paragraph(runs=[Run(gettext("No project ideas are linked to this plan yet."))], style="note"))
    if not blocks:
        blocks.append(Paragraph(runs=[Run(gettext("This section has not been written yet."))], style="note"))
    return blocks


def _labels() -> dict[str, str]:
    return {
        "contents": gettext("Contents"),
        "page": gettext("Page"),
        "page_of": gettext("Page %(page)s of %(pages)s"),
        "toc_placeholder": gettext(
            "Page numbers appear in the contents when the document's fields are updated: Word does this when it "
            "opens the file; in other programs, update the fields (for example Tools → Update in LibreOffice)."
        ),
        "generated": gettext("Generated by Vidnova on %(date)s"),
        "version": gettext("Version %(number)s"),
        "draft_mark": gettext("Draft"),
        "fallback_notice": gettext(
            "Parts of this document have not been translated yet: they are shown in the original language and "
            "marked %(mark)s."
        ),
        "period": gettext("Period"),
        "hromada": gettext("Hromada"),
        "oblast": gettext("Oblast"),
        "katottg": gettext("KATOTTG code"),
    }


def _prefetched_version(version: PlanVersion) -> tuple[Plan, PlanVersion, list[Section], list[PrincipleCheck]]:
    version = (
        PlanVersion.objects.select_related("plan", "plan__hromada", "plan__hromada__oblast", "plan__programme")
        .prefetch_related("plan__higher_level_documents")
        .get(pk=version.pk)
    )
    sections = list(Section.objects.filter(plan_version=version).order_by("position", "pk"))
    checks = list(PrincipleCheck.objects.filter(plan_version=version).order_by("pk"))
    return version.plan, version, sections, checks


def build_document(version: PlanVersion, *, language: str) -> PlanDocument:
    """Everything a DOCX or PDF of ``version`` shows, in ``language`` ("uk" or "en")."""
    if language not in LANGUAGES:
        raise ValueError(f"Unknown language {language!r}")
    plan, version, sections, checks = _prefetched_version(version)
    plan = version.described_plan(plan)  # an adopted version keeps the title and period it was adopted with
    with translation.override(language):
        texts = _Texts(language)
        hromada = plan.hromada
        if language == "uk":
            hromada_name, oblast_name = hromada.name_uk, hromada.oblast.name_uk
        else:
            hromada_name = hromada.name_en or hromada.name_latin or hromada.name_uk
            oblast_name = hromada.oblast.name_en or hromada.oblast.name_latin or hromada.oblast.name_uk
        title, _title_fallback = texts.pick({"uk": plan.title_uk, "en": plan.title_en}, mark=False)
        goal_items = _goal_items(version, texts)
        project_rows: list[Any] = []  # filled once the projects module exists

        chapters: list[Chapter] = [
            Chapter(
                heading=Heading(level=1, runs=[Run(gettext("About this plan"))], anchor="about"),
                blocks=_about_blocks(plan, version, texts, hromada_name, oblast_name),
            )
        ]
        number = 0
        for section in sections:
            if not _section_included(section, plan.plan_type):
                continue
            number += 1
            section_title = str(SectionCode(section.code).label) if section.code in SectionCode.values else section.code
            chapters.append(
                Chapter(
                    heading=Heading(
                        level=1, runs=[Run(section_title)], number=str(number), anchor=f"section-{section.code}"
                    ),
                    blocks=_section_blocks(section, version, texts, goal_items, project_rows),
                )
            )
        if checks:
            chapters.append(
                Chapter(
                    heading=Heading(level=1, runs=[Run(gettext("Principles checklist"))], anchor="principles"),
                    blocks=_principle_tables(checks, texts),
                )
            )
        chapters.append(
            Chapter(
                heading=Heading(level=1, runs=[Run(gettext("Adoption"))], anchor="adoption"),
                blocks=_adoption_blocks(plan, version),
            )
        )
        # Anchors for the headings inside sections, in document order.
        for index, heading in enumerate(h for chapter in chapters for h in chapter.blocks if isinstance(h, Heading)):
            heading.anchor = f"h-{index + 1}"

        plan_type_label = _capfirst(PlanType(plan.plan_type).label) if plan.plan_type in PlanType.values else ""
        return PlanDocument(
            language=language,
            title=title,
            plan_type_label=plan_type_label,
            hromada_name=hromada_name,
            oblast_name=oblast_name,
            katottg=hromada.katottg,
            period=f"{plan.starts_on:%Y}–{plan.ends_on:%Y}",
            version_number=version.number,
            status_line=_status_line(plan, version),
            is_adopted=version.adopted_at is not None,
            generated_on=_format_date(timezone.localdate()),
            chapters=chapters,
            fallback_count=texts.fallbacks,
            file_stem=f"plan-{hromada.katottg}-v{version.number}-{language}",
            subject=f"{plan_type_label}: {hromada_name}",
            keywords=", ".join(
                [hromada_name, plan_type_label, pgettext("document keyword", "recovery plan"), "Vidnova"]
            ),
            labels=_labels(),
        )
