"""The PDF of a plan (WeasyPrint): pages, the embedded DejaVu font, metadata, and no network.

Skipped, with the reason, on a machine where WeasyPrint cannot load the Pango library.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import World
from vidnova.plans.documents import build_document, render
from vidnova.plans.documents.sample import fill_version
from vidnova.plans.models import Plan, PlanVersion
from vidnova.plans.tests.exports_support import pdf_font_names, pdf_objects, pdf_page_count
from vidnova.testing import factories
from vidnova.testing.pdf import PDF_AVAILABLE, SKIP_REASON

if not PDF_AVAILABLE:
    pytest.skip(SKIP_REASON, allow_module_level=True)

from vidnova.plans.documents.pdf_file import FONTS_DIR, LocalFilesOnly, css_string, render_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(world: World) -> Plan:
    return factories.make_plan(world.hromada, programme=world.programme, title_uk="План відновлення Тестової громади")


@pytest.fixture
def filled(plan: Plan) -> PlanVersion:
    version = plan.versions.get()
    fill_version(version, goal_nodes=20, financing_rows=5, rows_per_table=2)
    return version


# --- PDF -------------------------------------------------------------------------------------------


def test_pdf_has_pages_and_embeds_dejavu(filled: PlanVersion) -> None:
    fetcher = LocalFilesOnly()
    data = render_pdf(build_document(filled, language="uk"), fetcher=fetcher)
    assert data.startswith(b"%PDF-")
    assert pdf_page_count(data) >= 15  # title page, contents, 13 sections starting on new pages, annexes
    fonts = pdf_font_names(data)
    # Subsets of the shipped files: "ABCDEF+DejaVu-Sans-Embedded", "…-Bold", "…-Italic".
    assert fonts, "no embedded font found"
    assert all(name.split("+", 1)[1].startswith("DejaVu-Sans-Embedded") for name in fonts), fonts
    assert any(name.endswith("-Bold") for name in fonts)
    # The embedded font programs are DejaVu Sans (their name tables say so), and they came from the
    # application's own files, not from the server's fonts.
    programs = pdf_objects(data)
    assert b"/FontFile2" in programs
    assert "DejaVu Sans".encode("utf-16-be") in programs or b"DejaVu Sans" in programs
    assert str(FONTS_DIR / "DejaVuSans.ttf") in fetcher.fetched
    assert str(FONTS_DIR / "DejaVuSans-Bold.ttf") in fetcher.fetched


def test_pdf_has_metadata_and_an_outline(filled: PlanVersion) -> None:
    data = render(build_document(filled, language="en"), "pdf")
    objects = pdf_objects(data)
    assert b"/Outlines" in objects  # bookmarks from the headings
    assert b"/Title" in objects


def test_pdf_fetches_nothing_from_the_network(tmp_path: Path) -> None:
    fetcher = LocalFilesOnly()
    with pytest.raises(ValueError, match="local files only"):
        fetcher.fetch("https://example.org/font.ttf")
    with pytest.raises(ValueError, match="local files only"):
        fetcher.fetch("data:text/plain,hello")
    outside = tmp_path / "secret.txt"
    outside.write_text("x")
    with pytest.raises(ValueError, match="outside"):
        fetcher.fetch(outside.as_uri())
    with pytest.raises(ValueError, match="outside"):
        fetcher.fetch((FONTS_DIR / ".." / ".." / "settings.py").as_uri())
    assert fetcher.fetch((FONTS_DIR / "DejaVuSans.ttf").as_uri()).read()[:4] == b"\x00\x01\x00\x00"


def test_pdf_with_a_remote_image_in_the_text_still_renders_without_fetching_it(
    filled: PlanVersion, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should unsafe markup ever reach a section, the renderer still never goes to the network."""
    import vidnova.plans.documents.pdf_file as pdf_file

    real_block_html = pdf_file.block_html
    monkeypatch.setattr(
        pdf_file, "block_html", lambda block: real_block_html(block) + '<img src="https://example.org/tracker.png">'
    )
    fetcher = LocalFilesOnly()
    data = render_pdf(build_document(filled, language="en"), fetcher=fetcher)
    assert data.startswith(b"%PDF-")
    assert all(path.startswith(str(FONTS_DIR)) for path in fetcher.fetched)


def test_css_strings_are_escaped() -> None:
    assert css_string('a"b\\c</style>') == '"a\\000022b\\00005cc\\00003c/style\\00003e"'
    assert css_string("Громада · 2025") == '"Громада · 2025"'


def test_the_font_licence_travels_with_the_fonts() -> None:
    licence = (FONTS_DIR / "LICENSE").read_text()
    assert "Bitstream Vera Fonts Copyright" in licence
    assert "Arev Fonts Copyright" in licence
    assert {path.name for path in FONTS_DIR.glob("*.ttf")} >= {"DejaVuSans.ttf", "DejaVuSans-Bold.ttf"}
