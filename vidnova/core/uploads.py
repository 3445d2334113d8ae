"""Checking uploaded files by what they contain, not by what they are called.

A file's name and the Content-Type its browser sends are chosen by the sender: a PNG renamed to
``act.pdf`` still arrives as ``application/pdf``. ``validate_upload`` reads the first bytes of the file
(the "magic number" every format starts with) and refuses anything that is not one of the allowed
kinds, or that is empty or too large, with a message that names the problem.

Usage::

    kind = validate_upload(request.FILES["act"], allowed={"pdf"})
    kind.content_type  # "application/pdf", safe to serve the file with
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Enough to recognise every format below.
HEAD_BYTES = 2048


@dataclass(frozen=True)
class UploadKind:
    """A recognised kind of file: the group it belongs to ("pdf", "image", …), its media type and the
    extension to store it under."""

    group: str
    content_type: str
    extension: str
    label: Promise


def _starts(*signatures: bytes) -> Callable[[bytes], bool]:
    return lambda head: any(head.startswith(signature) for signature in signatures)


def _is_pdf(head: bytes) -> bool:
    # The header opens the file; scanners sometimes put a byte-order mark or blank lines before it.
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"%PDF-")


def _is_webp(head: bytes) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def _is_text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # The head may cut a multi-byte character in two; anything else is not UTF-8 text.
        return error.start >= len(head) - 3 and error.reason == "unexpected end of data"
    return True


# Recognisers in order: the first that matches names the file. ZIP-based office formats are told
# apart by the files inside (see _zip_kind).
_SIGNATURES: tuple[tuple[Callable[[bytes], bool], UploadKind], ...] = (
    (_is_pdf, UploadKind("pdf", "application/pdf", "pdf", _("a PDF document"))),
    (_starts(b"\x89PNG\r\n\x1a\n"), UploadKind("image", "image/png", "png", _("a PNG image"))),
    (_starts(b"\xff\xd8\xff"), UploadKind("image", "image/jpeg", "jpg", _("a JPEG image"))),
    (_starts(b"GIF87a", b"GIF89a"), UploadKind("image", "image/gif", "gif", _("a GIF image"))),
    (_is_webp, UploadKind("image", "image/webp", "webp", _("a WebP image"))),
    (_starts(b"II*\x00", b"MM\x00*"), UploadKind("image", "image/tiff", "tiff", _("a TIFF image"))),
    (
        _starts(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),
        UploadKind("legacy_office", "application/octet-stream", "bin", _("an old Microsoft Office file (DOC or XLS)")),
    ),
    (_starts(b"MZ"), UploadKind("executable", "application/octet-stream", "bin", _("a Windows program"))),
    (_starts(b"\x7fELF"), UploadKind("executable", "application/octet-stream", "bin", _("a program"))),
    (_starts(b"Rar!\x1a\x07"), UploadKind("archive", "application/octet-stream", "rar", _("a RAR archive"))),
    (_starts(b"7z\xbc\xaf\x27\x1c"), UploadKind("archive", "application/octet-stream", "7z", _("a 7-Zip archive"))),
)

DOCX = UploadKind(
    "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "docx",
    _("a Word document (DOCX)"),
)
XLSX = UploadKind(
    "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", _("a spreadsheet (XLSX)")
)
ODT = UploadKind("odt", "application/vnd.oasis.opendocument.text", "odt", _("an OpenDocument text (ODT)"))
ZIP = UploadKind("archive", "application/zip", "zip", _("a ZIP archive"))
TEXT = UploadKind("text", "text/plain; charset=utf-8", "txt", _("a text file"))
UNKNOWN = UploadKind("unknown", "application/octet-stream", "bin", _("a file of an unknown kind"))

# What to call an allowed group in the message that asks for it.
GROUP_LABELS: dict[str, Promise] = {
    "pdf": _("PDF"),
    "image": _("image (PNG, JPEG, GIF, WebP or TIFF)"),
    "docx": _("Word document (DOCX)"),
    "xlsx": _("spreadsheet (XLSX)"),
    "odt": _("OpenDocument text (ODT)"),
    "text": _("UTF-8 text (for example CSV)"),
}


def _zip_kind(file: IO[bytes]) -> UploadKind:
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names:
                return DOCX
            if "xl/workbook.xml" in names:
                return XLSX
            if "mimetype" in names and archive.read("mimetype").strip() == b"application/vnd.oasis.opendocument.text":
                return ODT
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return UNKNOWN
    return ZIP


def detect(file: Any) -> UploadKind:
    """The kind of ``file`` (an uploaded file, a stored FieldFile or any binary file object), read from
    its first bytes; the position in the file is left at the start."""
    file.seek(0)
    head = file.read(HEAD_BYTES)
    try:
        if head.startswith(b"PK\x03\x04"):
            file.seek(0)
            return _zip_kind(file)
        for matches, kind in _SIGNATURES:
            if matches(head):
                return kind
        if _is_text(head):
            return TEXT
        return UNKNOWN
    finally:
        file.seek(0)


def _size(file: Any) -> int:
    size = getattr(file, "size", None)
    if isinstance(size, int):
        return size
    file.seek(0, 2)
    end = int(file.tell())
    file.seek(0)
    return end


def _allowed_list(allowed: Collection[str]) -> str:
    return ", ".join(str(GROUP_LABELS.get(group, group)) for group in sorted(allowed))


def validate_upload(file: Any, *, allowed: Collection[str], max_bytes: int | None = None) -> UploadKind:
    """The kind of an uploaded ``file`` if it is one of the ``allowed`` groups ("pdf", "image",
    "docx", "xlsx", "odt", "text") and not larger than ``max_bytes`` (default
    ``settings.VIDNOVA_MAX_UPLOAD_BYTES``); otherwise a ValidationError saying what is wrong."""
    unknown = set(allowed) - set(GROUP_LABELS)
    if unknown:
        raise ValueError(f"Unknown upload kinds: {', '.join(sorted(unknown))}")
    limit = settings.VIDNOVA_MAX_UPLOAD_BYTES if max_bytes is None else max_bytes
    name = getattr(file, "name", "") or gettext("the file")
    size = _size(file)
    if size == 0:
        raise ValidationError(gettext("“%(name)s” is empty.") % {"name": name}, code="empty")
    if size > limit:
        raise ValidationError(
            gettext("“%(name)s” is %(size)s; the largest file accepted is %(limit)s.")
            % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    kind = detect(file)
    if kind.group not in allowed:
        raise ValidationError(
            gettext("“%(name)s” is not an accepted kind of file: its content is %(found)s. Accepted: %(allowed)s.")
            % {"name": name, "found": kind.label, "allowed": _allowed_list(allowed)},
            code="wrong_type",
        )
    return kind
