"""agreement_add / agreement_remove: kinds, dates, signatories, uploaded files, access and audit."""

from __future__ import annotations

import datetime
import io
import zipfile
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import TestCase
from django.utils import timezone

from vidnova.audit.models import AuditEntry
from vidnova.partnerships.models import Agreement, AgreementSignatory, Partnership
from vidnova.partnerships.services.partnerships import agreement_add, agreement_remove
from vidnova.testing.partnerships import make_partnership

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
GIF = b"GIF89a" + b"\x00" * 64

THREE = [
    {"full_name": "Olena Kovalenko", "position": "Head", "organisation_name": "Association of Ukrainian Cities"},
    {"full_name": "Jan de Vries", "organisation_name": "VNG International"},
    {"full_name": "Petro Shevchenko", "position": "Mayor", "organisation_name": "Test hromada"},
]


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


@pytest.fixture
def partnership(world: Any) -> Partnership:
    return make_partnership(world.programme, world.hromada, world.organisation)


def _add(world: Any, partnership: Partnership, **overrides: Any) -> Agreement:
    arguments: dict[str, Any] = {
        "acting_user": world.coordinator,
        "partnership": partnership,
        "kind": "tripartite_memorandum",
        "title": "Memorandum of cooperation",
        "signed_on": datetime.date(2026, 2, 1),
        "valid_until": datetime.date(2028, 2, 1),
        "signatories": THREE,
    }
    arguments.update(overrides)
    return agreement_add(**arguments)


def test_add_with_file_and_signatories(world: Any, partnership: Partnership) -> None:
    upload = SimpleUploadedFile("Меморандум підписаний.pdf", PDF, content_type="application/pdf")
    agreement = _add(world, partnership, file=upload)
    assert agreement.file_name == "Меморандум підписаний.pdf"
    assert agreement.file_size == len(PDF)
    assert str(agreement.file.name).endswith(".pdf")
    assert agreement.file.read() == PDF
    assert [s.full_name for s in agreement.signatories.all()] == [row["full_name"] for row in THREE]
    assert agreement.signatories.all()[1].position == ""
    entry = AuditEntry.objects.get(action="partnerships.agreement.added")
    assert entry.hromada == world.hromada
    assert entry.data["kind"] == "tripartite_memorandum"
    assert len(entry.data["signatories"]) == 3


def test_add_accepts_docx_and_png_and_no_file(world: Any, partnership: Partnership) -> None:
    docx = _add(world, partnership, kind="municipal_agreement", file=SimpleUploadedFile("a.docx", docx_bytes()))
    assert str(docx.file.name).endswith(".docx")
    png = _add(world, partnership, kind="other", signatories=[], file=SimpleUploadedFile("scan.png", PNG))
    assert str(png.file.name).endswith(".png")
    bare = _add(world, partnership, kind="municipal_agreement", signatories=[], signed_on="2026-01-05")
    assert not bare.file
    assert bare.signed_on == datetime.date(2026, 1, 5)


def test_tripartite_needs_three_signatories(world: Any, partnership: Partnership) -> None:
    with pytest.raises(ValidationError) as excinfo:
        _add(world, partnership, signatories=THREE[:2])
    assert excinfo.value.message_dict["signatories"] == [
        "A tripartite memorandum is signed by the association of cities, the implementing agency and the hromada: "
        "add three signatories."
    ]
    assert not Agreement.objects.exists()


def test_bad_input_names_each_field_and_saves_nothing(world: Any, partnership: Partnership) -> None:
    future = timezone.localdate() + datetime.timedelta(days=3)
    with pytest.raises(ValidationError) as excinfo:
        _add(
            world,
            partnership,
            kind="treaty",
            title="",
            signed_on=future,
            valid_until=datetime.date(2020, 1, 1),
            signatories=[{"full_name": "A", "organisation_name": "B"}, {"full_name": "", "organisation_name": ""}],
            file=SimpleUploadedFile("x.gif", GIF),
        )
    errors = excinfo.value.message_dict
    assert "Choose the kind" in errors["kind"][0]
    assert "title" in errors
    assert "in the future" in errors["signed_on"][0]
    assert "signatories[1].full_name" in errors
    assert "signatories[1].organisation_name" in errors
    assert "signatories[0].full_name" not in errors
    assert "GIF" in errors["file"][0]
    assert not Agreement.objects.exists()
    assert not AgreementSignatory.objects.exists()


def test_valid_until_before_signed_and_bad_date_text(world: Any, partnership: Partnership) -> None:
    with pytest.raises(ValidationError) as excinfo:
        _add(world, partnership, valid_until="2025-01-01")
    assert "before it is signed" in excinfo.value.message_dict["valid_until"][0]
    with pytest.raises(ValidationError) as excinfo:
        _add(world, partnership, signed_on="yesterday")
    assert "YYYY-MM-DD" in excinfo.value.message_dict["signed_on"][0]


def test_file_checked_by_content_and_size(world: Any, partnership: Partnership) -> None:
    with pytest.raises(ValidationError) as excinfo:
        _add(world, partnership, file=SimpleUploadedFile("fake.pdf", b"MZ\x90\x00 program"))
    assert "not an accepted kind" in excinfo.value.message_dict["file"][0]
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (20 * 1024 * 1024))
    with pytest.raises(ValidationError) as excinfo:
        _add(world, partnership, file=big)
    assert "largest file accepted" in excinfo.value.message_dict["file"][0]
    assert not Agreement.objects.exists()


def test_add_is_staff_only(world: Any, partnership: Partnership) -> None:
    with pytest.raises(Http404):
        _add(world, partnership, acting_user=world.outsider)
    for user in (world.editor, world.viewer, world.expert):
        with pytest.raises(PermissionDenied):
            _add(world, partnership, acting_user=user)


def test_remove_deletes_file_and_audits(world: Any, partnership: Partnership) -> None:
    agreement = _add(world, partnership, file=SimpleUploadedFile("m.pdf", PDF))
    storage, stored = agreement.file.storage, str(agreement.file.name)
    assert storage.exists(stored)
    with pytest.raises(PermissionDenied):
        agreement_remove(acting_user=world.expert, agreement=agreement)
    with pytest.raises(Http404):
        agreement_remove(acting_user=world.outsider, agreement=agreement)
    with TestCase.captureOnCommitCallbacks(execute=True):
        agreement_remove(acting_user=world.coordinator, agreement=agreement)
    assert not Agreement.objects.exists()
    assert not AgreementSignatory.objects.exists()
    assert not storage.exists(stored)
    entry = AuditEntry.objects.get(action="partnerships.agreement.removed")
    assert entry.data["title"] == "Memorandum of cooperation"
