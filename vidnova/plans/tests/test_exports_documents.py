"""The plan documents: the content builder, the DOCX and the PDF."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import docx
import pytest

from conftest import World
from vidnova.plans.documents import build_document, render
from vidnova.plans.documents.content import GoalTree, Heading, ListBlock, Paragraph, Table, rich_text_blocks
from vidnova.plans.documents.sample import fill_version
from vidnova.plans.models import Plan, PlanVersion, Section
from vidnova.plans.tests.exports_support import adopt
from vidnova.plans.text import sanitize
from vidnova.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(world: World) -> Plan:
    return factories.make_plan(world.hromada, programme=world.programme, title_uk="План відновлення Тестової громади")


@pytest.fixture
def filled(plan: Plan) -> PlanVersion:
    version = plan.versions.get()
    fill_version(version, goal_nodes=20, financing_rows=5, rows_per_table=2)
    return version


def _section(version: PlanVersion, code: str) -> Section:
    return Section.objects.get(plan_version=version, code=code)


# --- rich text -------------------------------------------------------------------------------------


def test_rich_text_keeps_structure_and_spaces() -> None:
    blocks = rich_text_blocks(
        sanitize(
            "<h2>Житло</h2><p>Текст <strong>жирний</strong> і <em>курсив</em><br>далі</p>"
            "<ol><li>один<ul><li>вкладений</li></ul></li></ol><blockquote><p>цитата</p></blockquote>"
            "<table><tr><th>A</th><th colspan='2'>B</th></tr><tr><td>1</td><td>2</td><td>3</td></tr></table>"
        )
    )
    heading, paragraph, listing, quote, table = blocks
    assert isinstance(heading, Heading)
    assert heading.level == 2
    assert heading.text == "Житло"
    assert isinstance(paragraph, Paragraph)
    assert [run.text for run in paragraph.runs] == ["Текст ", "жирний", " і ", "курсив", "\n", "далі"]
    assert paragraph.runs[1].bold
    assert paragraph.runs[3].italic
    assert isinstance(listing, ListBlock)
    assert listing.ordered
    assert listing.items[0].children[0].items[0].runs[0].text == "вкладений"
    assert isinstance(quote, Paragraph)
    assert quote.style == "quote"
    assert isinstance(table, Table)
    assert table.header[0][1].colspan == 2
    assert table.column_count == 3


def test_rich_text_reads_links_but_only_safe_ones() -> None:
    (paragraph,) = rich_text_blocks(
        '<p><a href="https://example.org/x">site</a> <a href="javascript:alert(1)">bad</a></p>'
    )
    assert isinstance(paragraph, Paragraph)
    assert paragraph.runs[0].href == "https://example.org/x"
    assert all(run.href == "" for run in paragraph.runs[1:])


# --- content ---------------------------------------------------------------------------------------


def test_document_has_every_part_in_order(filled: PlanVersion) -> None:
    document = build_document(filled, language="en")
    titles = [chapter.heading.text for chapter in document.chapters]
    assert titles[0] == "About this plan"
    assert titles[1:4] == [
        "General description of the hromada",
        "Damage and losses from the war",
        "Resources and potential",
    ]
    assert titles[-2:] == ["Principles checklist", "Adoption"]
    assert [chapter.heading.number for chapter in document.chapters[1:14]] == [str(n) for n in range(1, 14)]
    goals = next(c for c in document.chapters if c.heading.text == "Strategic and operational goals")
    tree = next(block for block in goals.blocks if isinstance(block, GoalTree))
    assert [item.code for item in tree.items[:3]] == ["", "1", "1.1"]
    assert len(tree.items) == 20
    assert "No project ideas are linked to this plan yet." in document.plain_text
    assert document.file_stem == f"plan-{filled.plan.hromada.katottg}-v1-en"
    assert document.fallback_count == 0


def test_tables_show_translated_labels_and_one_language(filled: PlanVersion) -> None:
    document = build_document(filled, language="en")
    swot = next(
        block
        for chapter in document.chapters
        for block in chapter.blocks
        if isinstance(block, Table) and block.caption == "SWOT"
    )
    assert [cell.text for cell in swot.header[0]] == ["Quadrant", "Statement"]
    assert swot.rows[0][0].text == "Strength"
    assert swot.rows[0][1].text.startswith("Row 1")  # the English column, not the Ukrainian one


@pytest.mark.parametrize(("language", "centre"), [("uk", "Буча"), ("en", "Bucha")])
def test_key_figures_read_the_english_wording_in_place(plan: Plan, language: str, centre: str) -> None:
    version = plan.versions.get()
    Section.objects.filter(plan_version=version, code="profile").update(
        tables={
            "key_figures": [
                {
                    "indicator_uk": "Адміністративний центр",
                    "indicator_en": "Administrative centre",
                    "value": "Буча",
                    "value_en": "Bucha",
                }
            ]
        }
    )
    figures = next(
        block
        for chapter in build_document(version, language=language).chapters
        for block in chapter.blocks
        if isinstance(block, Table) and block.caption in {"Key figures", "Ключові показники"}
    )
    assert len(figures.header[0]) == 5  # indicator, value, unit, as of, source: no separate English value
    assert figures.rows[0][1].text == centre
    assert not figures.note  # nothing fell back to the other language


def test_financing_table_has_totals_per_currency(filled: PlanVersion) -> None:
    section = _section(filled, "financing")
    section.tables = {
        "financing": [
            {"source": "local_budget", "amount": "1000.50", "currency": "UAH", "year": "2025", "note": ""},
            {"source": "international", "amount": "2000", "currency": "EUR", "year": "2026", "note": ""},
            {"source": "state_budget", "amount": "500", "currency": "UAH", "year": "2026", "note": ""},
        ]
    }
    section.save()
    document = build_document(filled, language="en")
    table = next(
        block
        for chapter in document.chapters
        for block in chapter.blocks
        if isinstance(block, Table) and block.caption == "Financing by source"
    )
    assert [row[0].text for row in table.footer] == ["Total, UAH", "Total, EUR"]
    assert [row[1].text for row in table.footer] == ["1,500.50", "2,000"]
    assert table.rows[0][3].text == "2025"  # years are not grouped like amounts


def test_english_falls_back_to_ukrainian_and_marks_it(plan: Plan) -> None:
    version = plan.versions.get()
    section = _section(version, "profile")
    section.body_uk = "<p>Лише українською</p>"
    section.tables = {
        "key_figures": [
            {"indicator_uk": "Населення", "indicator_en": "", "value": "100", "unit": "", "as_of": "", "source": ""}
        ]
    }
    section.save()
    document = build_document(version, language="en")
    profile = document.chapters[1]
    first = profile.blocks[0]
    assert isinstance(first, Paragraph)
    assert first.style == "note"
    assert "has not been translated into English yet" in document.plain_text
    assert "Лише українською" in document.plain_text
    table = next(block for block in profile.blocks if isinstance(block, Table))
    assert table.rows[0][0].text == "[UK] Населення"
    assert "[UK]" in table.note
    assert document.fallback_count == 2
    assert document.title == "Recovery plan"  # make_plan gives an English title


def test_ukrainian_document_uses_ukrainian_text(filled: PlanVersion) -> None:
    document = build_document(filled, language="uk")
    assert "Громада розташована" in document.plain_text
    assert "The hromada lies" not in document.plain_text
    assert document.title == "План відновлення Тестової громади"


def test_empty_plan_says_what_is_missing(plan: Plan) -> None:
    document = build_document(plan.versions.get(), language="en")
    assert "This section has not been written yet." in document.plain_text
    assert "The goal tree has not been drawn up yet." in document.plain_text
    assert "This version has not been adopted." in document.plain_text
    assert document.status_line.startswith("Draft, not adopted")


def test_optional_empty_sections_are_left_out(world: World) -> None:
    strategy = factories.make_plan(world.hromada, plan_type="development_strategy")
    titles = [chapter.heading.text for chapter in build_document(strategy.versions.get(), language="en").chapters]
    assert "Damage and losses from the war" not in titles  # not required for a strategy, and empty
    assert "Strategic and operational goals" in titles


def test_adoption_details(plan: Plan) -> None:
    version = adopt(plan)
    document = build_document(version, language="en")
    assert document.is_adopted
    assert document.status_line == "Adopted by the hromada council, act No. 12/3-VIII of 20 June 2025"
    assert "Act number: 12/3-VIII" in document.plain_text


def test_builder_reads_the_version_in_a_fixed_number_of_queries(
    filled: PlanVersion, django_assert_num_queries: object
) -> None:
    with django_assert_num_queries(5):  # type: ignore[operator]
        build_document(filled, language="en")


def test_unknown_language_is_refused(filled: PlanVersion) -> None:
    with pytest.raises(ValueError, match="language"):
        build_document(filled, language="de")


# --- DOCX ------------------------------------------------------------------------------------------


def test_docx_opens_and_has_headings_cyrillic_tables_and_fields(filled: PlanVersion) -> None:
    data = render(build_document(filled, language="en"), "docx")
    word = docx.Document(io.BytesIO(data))
    headings = [p.text for p in word.paragraphs if p.style is not None and p.style.name.startswith("Heading")]
    assert "1. General description of the hromada" in headings
    assert "13. Alignment with the EU and European principles" in headings
    assert "Principles checklist" in headings

    uk = docx.Document(io.BytesIO(render(build_document(filled, language="uk"), "docx")))
    text = "\n".join(p.text for p in uk.paragraphs)
    assert "Громада розташована" in text
    assert "План відновлення Тестової громади" in text

    assert len(word.tables) > 10
    body = word.element.xml
    assert 'TOC \\o "1-2"' in body  # a real table of contents field ...
    toc = [p.text for p in word.paragraphs if p.style is not None and p.style.name == "toc 1"]
    assert toc[:2] == ["About this plan", "1. General description of the hromada"]  # ... already filled in
    footer = word.sections[0].footer._element.xml
    assert "PAGE" in footer
    assert "NUMPAGES" in footer
    assert word.core_properties.title == "Recovery plan"
    assert word.core_properties.language == "en-GB"
    assert word.sections[0].different_first_page_header_footer
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "w:updateFields" in archive.read("word/settings.xml").decode()


def test_docx_restarts_numbering_for_each_ordered_list(filled: PlanVersion) -> None:
    word = docx.Document(io.BytesIO(render(build_document(filled, language="en"), "docx")))
    num_ids = set()
    for paragraph in word.paragraphs:
        properties: Any = paragraph._p.pPr
        if paragraph.style is not None and paragraph.style.name == "List Number":
            num_ids.add(properties.numPr.numId.val)
    assert len(num_ids) == 13  # one ordered list in every section's text
