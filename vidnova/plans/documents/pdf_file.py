"""A plan document as PDF (WeasyPrint) from the template plans/documents/plan_pdf.html.

Print CSS gives the title page, a table of contents with page numbers (``target-counter``), page
numbers and a running header (plan, current chapter). The text is set in DejaVu Sans, shipped in
vidnova/plans/fonts/ and loaded with @font-face from its file URL, so the PDF embeds it and looks the
same on every server whatever fonts are installed.

WeasyPrint fetches nothing from the network: ``LocalFilesOnly`` refuses every URL except files under
this app's own directory (the fonts). Links in the text stay links; they are never fetched.
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from weasyprint import HTML  # type: ignore[import-untyped]
from weasyprint.text.fonts import FontConfiguration  # type: ignore[import-untyped]
from weasyprint.urls import URLFetcher, URLFetcherResponse  # type: ignore[import-untyped]

from vidnova.plans.documents.content import (
    Block,
    Cell,
    Facts,
    GoalTree,
    Heading,
    ListBlock,
    Paragraph,
    PlanDocument,
    Run,
    Table,
)

APP_DIR = Path(__file__).resolve().parent.parent  # vidnova/plans/
FONTS_DIR = APP_DIR / "fonts"
FONT_FILES = {
    ("normal", "normal"): "DejaVuSans.ttf",
    ("bold", "normal"): "DejaVuSans-Bold.ttf",
    ("normal", "italic"): "DejaVuSans-Oblique.ttf",
    ("bold", "italic"): "DejaVuSans-BoldOblique.ttf",
}
TEMPLATE = "plans/documents/plan_pdf.html"

# fontTools logs every step of subsetting each font at INFO: dozens of lines per PDF in the worker's
# log. Its warnings still come through.
logging.getLogger("fontTools").setLevel(logging.WARNING)


class LocalFilesOnly(URLFetcher):  # type: ignore[misc]
    """A WeasyPrint URL fetcher that serves files under ``roots`` and refuses everything else
    (http, https, ftp, data and files elsewhere), so rendering never touches the network."""

    def __init__(self, roots: tuple[Path, ...] = (APP_DIR,)) -> None:
        super().__init__(allowed_protocols=("file",), timeout=1)
        self.roots = tuple(root.resolve() for root in roots)
        self.fetched: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if not url.lower().startswith("file:"):
            raise ValueError(f"Refused to fetch {url[:80]!r}: plan documents use local files only.")
        from urllib.request import url2pathname

        path = Path(url2pathname(url.split("?", 1)[0].split("#", 1)[0].removeprefix("file:"))).resolve()
        if not any(path.is_relative_to(root) for root in self.roots):
            raise ValueError(f"Refused to fetch {path}: outside the application's own files.")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if path.suffix == ".ttf":
            content_type = "font/ttf"
        self.fetched.append(str(path))
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})


def font_faces() -> list[dict[str, str]]:
    missing = [name for name in FONT_FILES.values() if not (FONTS_DIR / name).is_file()]
    if missing:
        raise FileNotFoundError(f"Font files missing from {FONTS_DIR}: {', '.join(missing)}")
    return [
        {"weight": weight, "style": style, "url": (FONTS_DIR / name).as_uri()}
        for (weight, style), name in FONT_FILES.items()
    ]


def css_string(value: str) -> SafeString:
    """``value`` as a CSS string literal (for generated content in the template's <style>)."""
    escaped = "".join(ch if ch.isalnum() or ch in " .,:;-–—()[]/'·№" else f"\\{ord(ch):06x}" for ch in value)
    return mark_safe(f'"{escaped}"')  # noqa: S308 - every character outside the safe set is escaped


def _runs_html(runs: list[Run]) -> SafeString:
    parts: list[str] = []
    for run in runs:
        if run.text == "\n":
            parts.append("<br>")
            continue
        text = str(escape(run.text))
        for flag, tag in (
            (run.superscript, "sup"),
            (run.subscript, "sub"),
            (run.strike, "s"),
            (run.underline, "u"),
            (run.italic, "em"),
            (run.bold, "strong"),
        ):
            if flag:
                text = f"<{tag}>{text}</{tag}>"
        if run.href:
            text = str(format_html('<a href="{}">{}</a>', run.href, mark_safe(text)))  # noqa: S308 - escaped above
        parts.append(text)
    return mark_safe("".join(parts))  # noqa: S308 - built from escaped text


def _cell_html(cell: Cell, *, tag: str, scope: str = "") -> str:
    attributes = ""
    if cell.colspan > 1:
        attributes += f' colspan="{cell.colspan}"'
    if cell.rowspan > 1:
        attributes += f' rowspan="{cell.rowspan}"'
    if cell.numeric:
        attributes += ' class="num"'
    if scope:
        attributes += f' scope="{scope}"'
    return f"<{tag}{attributes}>{_runs_html(cell.runs)}</{tag}>"


def _table_html(table: Table) -> str:
    parts = ['<table class="data">']
    if table.caption:
        parts.append(f"<caption>{escape(table.caption)}</caption>")
    if table.header:
        parts.append("<thead>")
        for row in table.header:
            parts.append("<tr>" + "".join(_cell_html(cell, tag="th", scope="col") for cell in row) + "</tr>")
        parts.append("</thead>")
    parts.append("<tbody>")
    for row in table.rows:
        parts.append(
            "<tr>" + "".join(_cell_html(cell, tag="th" if cell.header else "td", scope="row") for cell in row) + "</tr>"
        )
    parts.append("</tbody>")
    if table.footer:
        parts.append("<tfoot>")
        for row in table.footer:
            parts.append(
                "<tr>"
                + "".join(_cell_html(cell, tag="th" if cell.header else "td", scope="row") for cell in row)
                + "</tr>"
            )
        parts.append("</tfoot>")
    parts.append("</table>")
    if table.note:
        parts.append(f'<p class="table-note">{escape(table.note)}</p>')
    return "".join(parts)


def _list_html(block: ListBlock) -> str:
    tag = "ol" if block.ordered else "ul"
    items = []
    for item in block.items:
        children = "".join(_list_html(child) for child in item.children)
        items.append(f"<li>{_runs_html(item.runs)}{children}</li>")
    return f"<{tag}>{''.join(items)}</{tag}>"


def _goal_tree_html(tree: GoalTree) -> str:
    parts = ['<div class="goal-tree">']
    for item in tree.items:
        code = f'<span class="goal-code">{escape(item.code)}</span> ' if item.code else ""
        tags = f'<p class="goal-tags">{escape(" · ".join(item.tags))}</p>' if item.tags else ""
        label = item.level_label[:1].upper() + item.level_label[1:]
        parts.append(
            f'<div class="goal goal-{escape(item.level)} depth-{min(item.depth, 4)}">'
            f'<p class="goal-text">{code}<span class="goal-level">{escape(label)}:</span> {escape(item.text)}</p>'
            f"{tags}</div>"
        )
    parts.append("</div>")
    return "".join(parts)


def _facts_html(facts: Facts) -> str:
    if not facts.items:
        return ""
    rows = "".join(
        f'<tr><th scope="row">{escape(label)}</th><td>{escape(value)}</td></tr>' for label, value in facts.items
    )
    return f'<table class="facts">{rows}</table>'


def block_html(block: Block) -> str:
    if isinstance(block, Heading):
        level = min(block.level + 1, 5)  # chapters are h2 under the document title (h1)
        return f'<h{level} id="{escape(block.anchor)}">{_runs_html(block.runs)}</h{level}>'
    if isinstance(block, Paragraph):
        css = f' class="{escape(block.style)}"' if block.style else ""
        return f"<p{css}>{_runs_html(block.runs)}</p>"
    if isinstance(block, ListBlock):
        return _list_html(block)
    if isinstance(block, Table):
        return _table_html(block)
    if isinstance(block, GoalTree):
        return _goal_tree_html(block)
    if isinstance(block, Facts):
        return _facts_html(block)
    return ""


def html_for(document: PlanDocument) -> str:
    """The HTML WeasyPrint lays out (also useful to look at in a browser when changing the layout)."""
    with translation.override(document.language):
        labels = document.labels
        before, _, rest = labels["page_of"].partition("%(page)s")
        middle, _, after = rest.partition("%(pages)s")
        chapters = [
            {
                "heading": chapter.heading,
                "title": f"{chapter.heading.number}. {chapter.heading.text}"
                if chapter.heading.number
                else chapter.heading.text,
                "body": mark_safe("".join(block_html(block) for block in chapter.blocks)),  # noqa: S308 - escaped
                "subheadings": [block for block in chapter.blocks if isinstance(block, Heading) and block.level == 2],
            }
            for chapter in document.chapters
        ]
        context = {
            "doc": document,
            "chapters": chapters,
            "fonts": font_faces(),
            "header_left": css_string(f"{document.hromada_name} · {document.title}"),
            "draft_mark": css_string(labels["draft_mark"]),
            "page_before": css_string(before),
            "page_middle": css_string(middle),
            "page_after": css_string(after),
            "fallback_notice": labels["fallback_notice"] % {"mark": f"[{'UK' if document.language == 'en' else 'EN'}]"},
            "version_label": labels["version"] % {"number": document.version_number},
            "generated_label": labels["generated"] % {"date": document.generated_on},
            "created_iso": timezone.now().replace(microsecond=0).isoformat(),
        }
        return render_to_string(TEMPLATE, context)


def render_pdf(document: PlanDocument, *, fetcher: LocalFilesOnly | None = None) -> bytes:
    html = html_for(document)
    fetcher = fetcher or LocalFilesOnly()
    font_config = FontConfiguration()
    pdf = HTML(string=html, base_url=FONTS_DIR.as_uri() + "/", url_fetcher=fetcher).write_pdf(
        font_config=font_config,
        pdf_identifier=document.file_stem.encode(),
        pdf_tags=True,  # a tagged PDF: screen readers follow headings, lists and tables
    )
    if pdf is None:  # write_pdf returns the bytes when no target is given
        raise RuntimeError("WeasyPrint returned no PDF")
    return bytes(pdf)
