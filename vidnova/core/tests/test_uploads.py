"""vidnova.core.uploads: files are judged by their content, not their name; empty and oversize files
are refused; every refusal names the problem."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from vidnova.core.uploads import detect, validate_upload

PDF = b"%PDF-1.7\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 20
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20
GIF = b"GIF89a\x01\x00\x01\x00" + b"\x00" * 20
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 20
EXE = b"MZ\x90\x00\x03" + b"\x00" * 60


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def refusal(file: SimpleUploadedFile, allowed: set[str], max_bytes: int | None = None) -> str:
    with pytest.raises(ValidationError) as error:
        validate_upload(file, allowed=allowed, max_bytes=max_bytes)
    assert len(error.value.messages) == 1
    return error.value.messages[0]


def test_a_pdf_is_accepted_and_left_at_its_start() -> None:
    file = upload("act.pdf", PDF)
    file.read(5)
    kind = validate_upload(file, allowed={"pdf"})
    assert (kind.group, kind.content_type, kind.extension) == ("pdf", "application/pdf", "pdf")
    assert file.read(5) == b"%PDF-", "the file is rewound for whoever stores it"


def test_a_pdf_after_a_byte_order_mark_or_blank_lines_is_still_a_pdf() -> None:
    assert validate_upload(upload("act.pdf", b"\xef\xbb\xbf\r\n" + PDF), allowed={"pdf"}).group == "pdf"


@pytest.mark.parametrize(
    ("content", "found"),
    [
        (PNG, "a PNG image"),
        (JPEG, "a JPEG image"),
        (EXE, "a Windows program"),
        (b"Just some notes, not %PDF-1.4 at all\n", "a text file"),
        (zipped({"word/document.xml": b"<w/>", "[Content_Types].xml": b"<x/>"}), "a Word document (DOCX)"),
        (zipped({"notes.txt": b"hello"}), "a ZIP archive"),
        (b"\x00\x01\x02\x03\xfe\xff" * 10, "a file of an unknown kind"),
    ],
)
def test_other_content_renamed_to_pdf_is_refused_by_what_it_is(content: bytes, found: str) -> None:
    message = refusal(upload("act.pdf", content), {"pdf"})
    assert message == f"“act.pdf” is not an accepted kind of file: its content is {found}. Accepted: PDF."


@pytest.mark.parametrize("content", [PNG, JPEG, GIF, WEBP])
def test_images_are_recognised(content: bytes) -> None:
    assert validate_upload(upload("photo.pdf", content, "application/pdf"), allowed={"image"}).group == "image"


def test_several_kinds_may_be_allowed_and_are_named() -> None:
    assert validate_upload(upload("scan.png", PNG), allowed={"pdf", "image"}).content_type == "image/png"
    message = refusal(upload("scan.exe", EXE), {"pdf", "image"})
    assert message.endswith("Accepted: image (PNG, JPEG, GIF, WebP or TIFF), PDF.")


def test_an_empty_file_is_refused() -> None:
    assert refusal(upload("act.pdf", b""), {"pdf"}) == "“act.pdf” is empty."


def test_an_oversize_file_is_refused_before_its_content_is_read() -> None:
    message = refusal(upload("act.pdf", PDF + b"0" * 3000), {"pdf"}, max_bytes=2048)
    assert message == "“act.pdf” is 3.0\xa0KB; the largest file accepted is 2.0\xa0KB."
    # The limit itself is allowed.
    assert validate_upload(upload("act.pdf", PDF.ljust(2048, b"0")), allowed={"pdf"}, max_bytes=2048).group == "pdf"


@override_settings(VIDNOVA_MAX_UPLOAD_BYTES=50)
def test_the_default_limit_is_the_setting() -> None:
    assert "the largest file accepted is 50\xa0bytes" in refusal(upload("act.pdf", PDF), {"pdf"})


def test_an_unknown_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="Unknown upload kinds: pdfx"):
        validate_upload(upload("act.pdf", PDF), allowed={"pdfx"})


def test_text_cut_inside_a_character_is_still_text() -> None:
    content = ("й" * 3000).encode()  # two bytes each: the first 2,048 bytes end on a whole character
    assert detect(ContentFile(content)).group == "text"
    assert detect(ContentFile(b"a" + content)).group == "text", "the head cuts a character in two"
    assert detect(ContentFile(b"\xff\xfe plain")).group == "unknown"


def test_detect_reads_stored_files() -> None:
    stored = ContentFile(PDF, name="act.pdf")
    assert detect(stored).content_type == "application/pdf"
    assert stored.tell() == 0
