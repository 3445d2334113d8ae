"""A plan document as a Word file (python-docx): title page, a table of contents field, numbered
section headings, lists, tables with repeated header rows, page numbers in the footer and the
document properties (title, subject, language, keywords).

Word fills the table of contents when the file is opened (the document asks it to update its
fields); LibreOffice does so with Tools → Update. Fonts are not embedded in a Word file: the text is
set in Calibri, which every Word installation has and which covers Cyrillic.
"""

from __future__ import annotations

import datetime
import io
from typing import Any

from django.utils import translation
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph

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

FONT = "Calibri"
ACCENT = RGBColor(0x00, 0x3F, 0x87)
MUTED = RGBColor(0x55, 0x5F, 0x6B)
WORD_LANGUAGE = {"uk": "uk-UA", "en": "en-GB"}
MAX_LIST_DEPTH = 3  # the default template has List Bullet, List Bullet 2 and List Bullet 3


def render_docx(document: PlanDocument) -> bytes:
    with translation.override(document.language):
        return _Renderer(document).render()


class _Renderer:
    def __init__(self, document: PlanDocument) -> None:
        self.doc = document
        self.word: Any = Document()
        self._style_ids: dict[str, str] = {}

    def _paragraph_with_style(self, style: str | None, text: str = "") -> DocxParagraph:
        """A new paragraph in the named style. Style ids are looked up once: python-docx resolves a
        style name by scanning every style on each call, which dominated the time of large plans."""
        paragraph: DocxParagraph = self.word.add_paragraph(text)
        if style is not None:
            if style not in self._style_ids:
                self._style_ids[style] = self.word.styles[style].style_id
            paragraph._p.get_or_add_pPr().style = self._style_ids[style]
        return paragraph

    # -- setup ----------------------------------------------------------------------------------

    def render(self) -> bytes:
        self._setup_page_and_styles()
        self._properties()
        self._title_page()
        self._table_of_contents()
        for chapter in self.doc.chapters:
            self._heading(chapter.heading)
            for block in chapter.blocks:
                self._block(block)
        self._header_and_footer()
        self._update_fields_on_open()
        buffer = io.BytesIO()
        self.word.save(buffer)
        return buffer.getvalue()

    def _setup_page_and_styles(self) -> None:
        section = self.word.sections[0]
        section.page_height, section.page_width = Cm(29.7), Cm(21.0)
        for side in ("left_margin", "right_margin"):
            setattr(section, side, Cm(2.2))
        section.top_margin, section.bottom_margin = Cm(2.2), Cm(2.0)
        section.different_first_page_header_footer = True  # no header or page number on the title page
        styles = self.word.styles
        normal = styles["Normal"]
        normal.font.name = FONT
        normal.font.size = Pt(10.5)
        rpr = normal.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.append(fonts)
        for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attribute), FONT)
        language = OxmlElement("w:lang")
        language.set(qn("w:val"), WORD_LANGUAGE[self.doc.language])
        rpr.append(language)
        normal.paragraph_format.space_after = Pt(6)
        normal.paragraph_format.line_spacing = 1.15
        for level, size in ((1, 16), (2, 13), (3, 11.5), (4, 10.5)):
            _style_font(styles[f"Heading {level}"], size=size, color=ACCENT)
        _style_font(styles["Title"], size=24, color=ACCENT)
        _style_font(styles["TOC Heading"], size=16, color=ACCENT)
        for level in (1, 2):
            name = f"toc {level}"
            if name not in [style.name for style in styles]:
                toc = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
                toc.base_style = normal
                toc.paragraph_format.left_indent = Cm(0.6 * (level - 1))
                toc.paragraph_format.space_after = Pt(2 if level == 2 else 4)
                if level == 2:
                    toc.font.size = Pt(9.5)

    def _properties(self) -> None:
        properties = self.word.core_properties
        properties.title = self.doc.title
        properties.subject = self.doc.subject
        properties.author = self.doc.hromada_name
        properties.keywords = self.doc.keywords
        properties.language = WORD_LANGUAGE[self.doc.language]
        properties.category = self.doc.plan_type_label
        properties.comments = self.doc.status_line
        properties.version = str(self.doc.version_number)
        properties.identifier = self.doc.file_stem
        properties.last_modified_by = "Vidnova"
        now = datetime.datetime.now(tz=datetime.UTC).replace(microsecond=0, tzinfo=None)
        properties.created = now
        properties.modified = now
        properties.revision = 1

    # -- title page and contents ----------------------------------------------------------------

    def _centered(self, text: str, *, size: float, bold: bool = False, color: RGBColor | None = None) -> None:
        paragraph = self.word.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.font.size = Pt(size)
        run.bold = bold
        if color is not None:
            run.font.color.rgb = color

    def _title_page(self) -> None:
        doc = self.doc
        for _ in range(5):
            self.word.add_paragraph()
        self._centered(doc.hromada_name, size=14, bold=True)
        self._centered(doc.oblast_name, size=11, color=MUTED)
        self.word.add_paragraph()
        title = self._paragraph_with_style("Title", doc.title)
        title.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._centered(f"{doc.plan_type_label} · {doc.period}", size=13)
        self.word.add_paragraph()
        self._centered(doc.labels["version"] % {"number": doc.version_number}, size=11, bold=True)
        self._centered(doc.status_line, size=11, bold=not doc.is_adopted, color=None if doc.is_adopted else MUTED)
        for _ in range(6):
            self.word.add_paragraph()
        self._centered(f"{doc.labels['katottg']}: {doc.katottg}", size=9, color=MUTED)
        self._centered(doc.labels["generated"] % {"date": doc.generated_on}, size=9, color=MUTED)
        if doc.fallback_count:
            self.word.add_paragraph()
            note = self.word.add_paragraph()
            note.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = note.add_run(doc.labels["fallback_notice"] % {"mark": _mark(doc.language)})
            run.italic = True
            run.font.size = Pt(9)
        self.word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def _table_of_contents(self) -> None:
        """A real TOC field. Its stored result already lists the headings (without page numbers), so
        viewers that never update fields (LibreOffice until Tools → Update, online previews) still
        show the contents; Word updates it, page numbers included, when the file is opened."""
        heading = self._paragraph_with_style("TOC Heading", self.doc.labels["contents"])
        heading.paragraph_format.space_after = Pt(12)
        entries = [
            (item.level, f"{item.number}. {item.text}" if item.number else item.text)
            for item in self.doc.headings
            if item.level <= 2
        ]
        paragraphs = [self._paragraph_with_style(f"toc {level}") for level, _text in entries]
        _field_start(paragraphs[0], 'TOC \\o "1-2" \\h \\z \\u')
        for paragraph, (_level, text) in zip(paragraphs, entries, strict=True):
            paragraph.add_run(text)
        _field_end(paragraphs[-1])
        note = self.word.add_paragraph()
        note.paragraph_format.space_before = Pt(10)
        run = note.add_run(self.doc.labels["toc_placeholder"])
        run.italic = True
        run.font.size = Pt(8.5)
        run.font.color.rgb = MUTED
        self.word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    # -- blocks ---------------------------------------------------------------------------------

    def _heading(self, heading: Heading) -> None:
        text = f"{heading.number}. {heading.text}" if heading.number else heading.text
        paragraph = self._paragraph_with_style(f"Heading {min(heading.level, 4)}", text)
        if heading.level == 1:
            paragraph.paragraph_format.page_break_before = True
            paragraph.paragraph_format.space_after = Pt(10)
        paragraph.paragraph_format.keep_with_next = True

    def _block(self, block: Block) -> None:
        if isinstance(block, Heading):
            self._heading(block)
        elif isinstance(block, Paragraph):
            self._paragraph(block)
        elif isinstance(block, ListBlock):
            self._list(block, depth=1)
        elif isinstance(block, Table):
            self._table(block)
        elif isinstance(block, GoalTree):
            self._goal_tree(block)
        elif isinstance(block, Facts):
            self._facts(block)

    def _paragraph(self, block: Paragraph) -> None:
        style = "Quote" if block.style == "quote" else None
        paragraph = self._paragraph_with_style(style)
        self._runs(paragraph, block.runs, italic=block.style == "note", color=MUTED if block.style == "note" else None)

    def _runs(
        self, paragraph: DocxParagraph, runs: list[Run], *, italic: bool = False, color: RGBColor | None = None
    ) -> None:
        for run in runs:
            if run.text == "\n":
                paragraph.add_run().add_break()
                continue
            if run.href:
                _add_hyperlink(paragraph, run)
                continue
            docx_run = paragraph.add_run(run.text)
            # Only what is set: every property touched adds XML, and tables have thousands of runs.
            if run.bold:
                docx_run.bold = True
            if run.italic or italic:
                docx_run.italic = True
            if run.underline:
                docx_run.underline = True
            if run.strike:
                docx_run.font.strike = True
            if run.superscript:
                docx_run.font.superscript = True
            if run.subscript:
                docx_run.font.subscript = True
            if color is not None:
                docx_run.font.color.rgb = color

    def _ordered_num_id(self) -> str:
        """A new numbering instance of the "List Number" list, so every ordered list starts at 1."""
        numbering = self.word.part.numbering_part.element
        style = self.word.styles["List Number"]
        style_num_id = style.element.pPr.numPr.numId.val
        abstract_id = None
        for num in numbering.findall(qn("w:num")):
            if num.get(qn("w:numId")) == str(style_num_id):
                abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
        used = [int(num.get(qn("w:numId"))) for num in numbering.findall(qn("w:num"))]
        new_id = str(max(used, default=0) + 1)
        num = OxmlElement("w:num")
        num.set(qn("w:numId"), new_id)
        abstract = OxmlElement("w:abstractNumId")
        abstract.set(qn("w:val"), str(abstract_id if abstract_id is not None else 0))
        num.append(abstract)
        override = OxmlElement("w:lvlOverride")
        override.set(qn("w:ilvl"), "0")
        start = OxmlElement("w:startOverride")
        start.set(qn("w:val"), "1")
        override.append(start)
        num.append(override)
        numbering.append(num)
        return new_id

    def _list(self, block: ListBlock, *, depth: int) -> None:
        level = min(depth, MAX_LIST_DEPTH)
        base = "List Number" if block.ordered else "List Bullet"
        style = base if level == 1 else f"{base} {level}"
        num_id = self._ordered_num_id() if block.ordered and level == 1 else None
        for item in block.items:
            paragraph = self._paragraph_with_style(style)
            paragraph.paragraph_format.space_after = Pt(2)
            if num_id is not None:
                num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
                num_pr.get_or_add_ilvl().val = 0
                num_pr.get_or_add_numId().val = int(num_id)
            self._runs(paragraph, item.runs)
            for child in item.children:
                self._list(child, depth=depth + 1)

    def _table(self, block: Table) -> None:
        if block.caption:
            caption = self._paragraph_with_style("Caption")
            caption.add_run(block.caption)
            caption.paragraph_format.keep_with_next = True
        columns = block.column_count
        if columns == 0:
            return
        all_rows = block.header + block.rows + block.footer
        table = self.word.add_table(rows=len(all_rows), cols=columns)
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        # python-docx's table.cell() rebuilds the whole grid on every call: read the cells once.
        grid = [list(docx_row.cells) for docx_row in table.rows]
        occupied: set[tuple[int, int]] = set()
        for row_index, row in enumerate(all_rows):
            is_header = row_index < len(block.header)
            is_footer = row_index >= len(block.header) + len(block.rows)
            if is_header:
                _repeat_as_header(table.rows[row_index])
            column_index = 0
            for cell in row:
                while (row_index, column_index) in occupied:
                    column_index += 1
                if column_index >= columns:
                    break
                last_row = min(row_index + cell.rowspan - 1, len(all_rows) - 1)
                last_column = min(column_index + cell.colspan - 1, columns - 1)
                target = grid[row_index][column_index]
                if last_row != row_index or last_column != column_index:
                    target = target.merge(grid[last_row][last_column])
                for r in range(row_index, last_row + 1):
                    for c in range(column_index, last_column + 1):
                        occupied.add((r, c))
                self._cell(target, cell, shaded=is_header or cell.header, bold=is_header or is_footer)
                column_index = last_column + 1
        if block.note:
            note = self.word.add_paragraph()
            run = note.add_run(block.note)
            run.italic = True
            run.font.size = Pt(8.5)
            run.font.color.rgb = MUTED
        else:
            self.word.add_paragraph().paragraph_format.space_after = Pt(2)

    def _cell(self, target: _Cell, cell: Cell, *, shaded: bool, bold: bool) -> None:
        paragraph = target.paragraphs[0]
        paragraph.paragraph_format.space_after = Pt(0)
        if cell.numeric:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        runs = [
            Run(r.text, r.bold or bold, r.italic, r.underline, r.strike, r.superscript, r.subscript, r.href)
            for r in cell.runs
        ]
        self._runs(paragraph, runs)
        for docx_run in paragraph.runs:
            docx_run.font.size = Pt(9.5)
        if shaded:
            shading = OxmlElement("w:shd")
            shading.set(qn("w:val"), "clear")
            shading.set(qn("w:color"), "auto")
            shading.set(qn("w:fill"), "E8EEF5")
            target._tc.get_or_add_tcPr().append(shading)

    def _goal_tree(self, block: GoalTree) -> None:
        for item in block.items:
            paragraph = self.word.add_paragraph()
            paragraph.paragraph_format.left_indent = Cm(0.8 * item.depth)
            paragraph.paragraph_format.space_after = Pt(1 if item.tags else 4)
            paragraph.paragraph_format.keep_with_next = bool(item.tags)
            if item.code:
                code = paragraph.add_run(f"{item.code}  ")
                code.bold = True
                code.font.color.rgb = ACCENT
            level = paragraph.add_run(f"{item.level_label[:1].upper()}{item.level_label[1:]}: ")
            level.italic = True
            level.font.color.rgb = MUTED
            text = paragraph.add_run(item.text)
            text.bold = item.level in {"vision", "strategic_goal"}
            if item.tags:
                tags = self.word.add_paragraph()
                tags.paragraph_format.left_indent = Cm(0.8 * item.depth)
                tags.paragraph_format.space_after = Pt(4)
                run = tags.add_run(" · ".join(item.tags))
                run.font.size = Pt(8.5)
                run.font.color.rgb = MUTED

    def _facts(self, block: Facts) -> None:
        if not block.items:
            return
        table = self.word.add_table(rows=len(block.items), cols=2)
        table.style = "Table Grid"
        for row, (label, value) in zip(table.rows, block.items, strict=True):
            row.cells[0].width = Cm(5.5)
            row.cells[1].width = Cm(11)
            self._cell(row.cells[0], Cell(runs=[Run(label)]), shaded=True, bold=True)
            self._cell(row.cells[1], Cell(runs=[Run(value)] if value else []), shaded=False, bold=False)
        self.word.add_paragraph().paragraph_format.space_after = Pt(2)

    # -- header, footer, fields -----------------------------------------------------------------

    def _header_and_footer(self) -> None:
        for section in self.word.sections:
            header = section.header.paragraphs[0]
            header.text = ""
            run = header.add_run(f"{self.doc.hromada_name} · {self.doc.title}")
            run.font.size = Pt(8)
            run.font.color.rgb = MUTED
            if not self.doc.is_adopted:
                draft = header.add_run(f" · {self.doc.labels['draft_mark']}")
                draft.font.size = Pt(8)
                draft.bold = True
            footer = section.footer.paragraphs[0]
            footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
            # "Page X of Y" with real fields, keeping the sentence translatable as a whole.
            template = self.doc.labels["page_of"]
            before, _, rest = template.partition("%(page)s")
            middle, _, after = rest.partition("%(pages)s")
            footer.add_run(before)
            _add_field(footer, "PAGE", "1")
            footer.add_run(middle)
            _add_field(footer, "NUMPAGES", "1")
            footer.add_run(after)
            for footer_run in footer.runs:
                footer_run.font.size = Pt(8.5)

    def _update_fields_on_open(self) -> None:
        """Ask Word to update the fields (contents, page numbers) on opening. The element goes where
        the schema puts it, before the compatibility settings, so Word reads the file without repair."""
        settings = self.word.settings.element
        update = OxmlElement("w:updateFields")
        update.set(qn("w:val"), "true")
        later = {"hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "mathPr"}
        for child in settings:
            if child.tag.split("}")[-1] in later:
                child.addprevious(update)
                return
        settings.append(update)


def _mark(language: str) -> str:
    return "[UK]" if language == "en" else "[EN]"


def _field_char(paragraph: DocxParagraph, kind: str) -> None:
    run = paragraph.add_run()
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    if kind == "begin":
        char.set(qn("w:dirty"), "true")  # ask Word to recompute the result
    run._r.append(char)


def _field_start(paragraph: DocxParagraph, instruction: str) -> None:
    """Begin a complex field: begin, instruction, separate. The runs that follow are its result."""
    _field_char(paragraph, "begin")
    code = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    code._r.append(text)
    _field_char(paragraph, "separate")


def _field_end(paragraph: DocxParagraph) -> None:
    _field_char(paragraph, "end")


def _add_field(paragraph: DocxParagraph, instruction: str, placeholder: str) -> None:
    """A complex field in one paragraph, with ``placeholder`` as its stored result."""
    _field_start(paragraph, instruction)
    paragraph.add_run(placeholder)
    _field_end(paragraph)


def _style_font(style: Any, *, size: float, color: RGBColor) -> None:
    """Set a style's font to FONT, dropping the theme fonts that would otherwise take precedence."""
    style.font.name = FONT
    style.font.size = Pt(size)
    style.font.color.rgb = color
    fonts = style.element.get_or_add_rPr().find(qn("w:rFonts"))
    if fonts is not None:
        for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attribute), FONT)
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
            fonts.attrib.pop(qn(theme), None)


def _add_hyperlink(paragraph: DocxParagraph, run: Run) -> None:
    relationship = paragraph.part.relate_to(run.href, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), relationship)
    element = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")  # children in schema order: b, i, color, u
    if run.bold:
        properties.append(OxmlElement("w:b"))
    if run.italic:
        properties.append(OxmlElement("w:i"))
    color = OxmlElement("w:color")
    color.set(qn("w:val"), "0057B7")
    properties.append(color)
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    properties.append(underline)
    element.append(properties)
    text = OxmlElement("w:t")
    text.set(qn("xml:space"), "preserve")
    text.text = run.text
    element.append(text)
    link.append(element)
    paragraph._p.append(link)


def _repeat_as_header(row: Any) -> None:
    """Mark a table row as a header row, repeated at the top of every page the table runs onto."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)
