"""Agreement pages: add (multipart, signatory rows), remove (confirm), download (insiders only)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from vidnova.audit.models import AuditEntry
from vidnova.partnerships.models import Agreement, Partnership
from vidnova.partnerships.services.partnerships import agreement_add
from vidnova.testing.partnerships import make_partnership

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def partnership(world: Any) -> Partnership:
    return make_partnership(world.programme, world.hromada, world.organisation)


@pytest.fixture
def agreement(world: Any, partnership: Partnership) -> Agreement:
    return agreement_add(
        acting_user=world.coordinator,
        partnership=partnership,
        kind="municipal_agreement",
        title="Partnership agreement",
        signed_on=datetime.date(2026, 2, 1),
        file=SimpleUploadedFile("Угода про партнерство.pdf", PDF),
        signatories=[{"full_name": "Jan de Vries", "organisation_name": "Gemeente Rheden"}],
    )


def _form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "tripartite_memorandum",
        "title": "Memorandum",
        "signed_on": "2026-02-01",
        "valid_until": "2028-02-01",
        "signatory_1_full_name": "Olena K.",
        "signatory_1_position": "Head",
        "signatory_1_organisation_name": "Association of Ukrainian Cities",
        "signatory_2_full_name": "Jan de Vries",
        "signatory_2_organisation_name": "VNG International",
        "signatory_3_full_name": "Petro S.",
        "signatory_3_organisation_name": "The hromada",
    }
    data.update(overrides)
    return data


def test_add_page_and_happy_path(world: Any, clients: dict[str, Client], partnership: Partnership) -> None:
    url = reverse("partnerships:agreement-add", args=[partnership.pk])
    page = clients["coordinator"].get(url).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'name="signatory_4_full_name"' in page
    response = clients["coordinator"].post(url, _form(file=SimpleUploadedFile("memo.pdf", PDF)))
    assert response.status_code == 302
    assert response["Location"].endswith("#agreements")
    agreement = Agreement.objects.get()
    assert agreement.file_name == "memo.pdf"
    assert [s.organisation_name for s in agreement.signatories.all()] == [
        "Association of Ukrainian Cities",
        "VNG International",
        "The hromada",
    ]


def test_add_bad_input_keeps_values_and_points_at_rows(
    world: Any, clients: dict[str, Client], partnership: Partnership
) -> None:
    url = reverse("partnerships:agreement-add", args=[partnership.pk])
    response = clients["coordinator"].post(
        url, _form(signatory_2_full_name="", signatory_3_full_name="", signatory_3_organisation_name="", title="Kept")
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Give the signatory&#x27;s full name." in page or "Give the signatory's full name." in page
    assert 'id="id_signatory_2_full_name_error"' in page
    assert 'value="Kept"' in page
    response = clients["coordinator"].post(url, _form(signatory_3_full_name="", signatory_3_organisation_name=""))
    assert response.status_code == 400
    assert "add three signatories" in response.content.decode()
    response = clients["coordinator"].post(url, _form(file=SimpleUploadedFile("x.pdf", b"MZ\x90\x00exe")))
    assert response.status_code == 400
    assert "not an accepted kind of file" in response.content.decode()
    assert not Agreement.objects.exists()


def test_add_access(world: Any, clients: dict[str, Client], partnership: Partnership) -> None:
    url = reverse("partnerships:agreement-add", args=[partnership.pk])
    assert clients["outsider"].get(url).status_code == 404
    assert clients["outsider"].post(url, _form()).status_code == 404
    for persona in ("viewer", "editor", "expert"):
        assert clients[persona].get(url).status_code == 403, persona
        assert clients[persona].post(url, _form()).status_code == 403, persona
    assert clients["anonymous"].get(url).status_code == 302
    assert not Agreement.objects.exists()


def test_download_insiders_only(world: Any, clients: dict[str, Client], agreement: Agreement) -> None:
    url = reverse("partnerships:agreement-file", args=[agreement.pk])
    for persona in ("anonymous", "outsider"):
        assert clients[persona].get(url).status_code == 404, persona
    for persona in ("viewer", "editor", "expert", "coordinator"):
        response = clients[persona].get(url)
        assert response.status_code == 200, persona
        assert response["Content-Disposition"].startswith("attachment")
        assert "filename*=utf-8''%D0%A3%D0%B3%D0%BE%D0%B4%D0%B0" in response["Content-Disposition"]
        assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
    # the partnership page links it for insiders only
    detail = reverse("partnerships:partnership-detail", args=[agreement.partnership_id])
    assert url in clients["viewer"].get(detail).content.decode()
    assert url not in clients["anonymous"].get(detail).content.decode()


def test_remove_confirm_and_access(world: Any, clients: dict[str, Client], agreement: Agreement) -> None:
    url = reverse("partnerships:agreement-remove", args=[agreement.pk])
    assert clients["outsider"].get(url).status_code == 404
    assert clients["outsider"].post(url).status_code == 404
    for persona in ("viewer", "editor", "expert"):
        assert clients[persona].post(url).status_code == 403, persona
    page = clients["coordinator"].get(url).content.decode()
    assert "Partnership agreement" in page
    assert "<form" in page
    assert Agreement.objects.exists()
    response = clients["coordinator"].post(url)
    assert response.status_code == 302
    assert not Agreement.objects.exists()
    assert AuditEntry.objects.filter(action="partnerships.agreement.removed").count() == 1
