"""Kobo / ODK import pages, API and command: upload and report, apply, CSV report, template, access."""

from __future__ import annotations

import io
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from vidnova.assessments.models import Answer, AssessmentState, SubmissionImport
from vidnova.assessments.tests.test_import_parsing import check, setup, xlsx  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def good(world: Any, setup: dict[str, Any]) -> bytes:  # noqa: F811
    return xlsx(
        ["hromada_katottg", "has_plan", "plan_level", "staff"],
        [world.hromada.katottg, "yes", "2", 7],
        [setup["second"].katottg, "no", "", ""],
    )


def upload(data: bytes, name: str = "export.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


@pytest.mark.parametrize(
    ("persona", "expected"), [("outsider", 404), ("viewer", 403), ("expert", 403), ("editor", 403)]
)
def test_pages_refuse_others(
    clients: dict[str, Client],
    world: Any,
    setup: dict[str, Any],  # noqa: F811
    persona: str,
    expected: int,
) -> None:
    round_ = setup["round"]
    imported = check(world, round_, good(world, setup))
    client = clients[persona]
    assert client.get(reverse("assessments:import-list", args=[round_.pk])).status_code == expected
    assert client.get(reverse("assessments:import-detail", args=[imported.pk])).status_code == expected
    assert client.get(reverse("assessments:import-template", args=[round_.pk])).status_code == expected
    assert client.get(reverse("assessments:import-report-csv", args=[imported.pk])).status_code == expected
    response = client.post(
        reverse("assessments:import-list", args=[round_.pk]), {"file": upload(good(world, setup)), "match_by": "auto"}
    )
    assert response.status_code == expected
    assert client.post(reverse("assessments:import-apply", args=[imported.pk])).status_code == expected
    assert SubmissionImport.objects.count() == 1
    assert not Answer.objects.exists()
    assert clients["anonymous"].get(reverse("assessments:import-list", args=[round_.pk])).status_code == 302


def test_upload_report_and_apply(clients: dict[str, Client], world: Any, setup: dict[str, Any]) -> None:  # noqa: F811
    client = clients["coordinator"]
    round_ = setup["round"]
    page = client.get(reverse("assessments:import-list", args=[round_.pk]))
    assert page.status_code == 200
    assert b'name="match_by"' in page.content
    response = client.post(
        reverse("assessments:import-list", args=[round_.pk]), {"file": upload(good(world, setup)), "match_by": "auto"}
    )
    imported = SubmissionImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:import-detail", args=[imported.pk])
    detail = client.get(response["Location"])
    html = detail.content.decode()
    assert detail.status_code == 200
    assert world.hromada.name_uk in html
    assert reverse("assessments:import-apply", args=[imported.pk]) in html
    assert client.get(reverse("assessments:import-list", args=[round_.pk])).content.decode().count("export.xlsx") == 1
    applied = client.post(reverse("assessments:import-apply", args=[imported.pk]), follow=True)
    assert applied.status_code == 200
    assert round_.assessments.filter(state=AssessmentState.SUBMITTED).count() == 2
    assert Answer.objects.count() == 4


def test_report_with_errors_has_no_apply_button(
    clients: dict[str, Client],
    world: Any,
    setup: dict[str, Any],  # noqa: F811
) -> None:
    data = xlsx(["hromada_katottg", "has_plan"], ["UA00000000000000001", "no"], [world.hromada.katottg, "maybe"])
    imported = check(world, setup["round"], data)
    client = clients["coordinator"]
    html = client.get(reverse("assessments:import-detail", args=[imported.pk])).content.decode()
    assert "UA00000000000000001" in html
    assert "maybe" in html
    assert reverse("assessments:import-apply", args=[imported.pk]) not in html
    client.post(reverse("assessments:import-apply", args=[imported.pk]))
    assert not Answer.objects.exists()
    report = client.get(reverse("assessments:import-report-csv", args=[imported.pk]))
    assert report["Content-Type"].startswith("text/csv")
    text = report.content.decode("utf-8-sig")
    assert "hromada_katottg" in text
    assert "has_plan" in text
    assert text.count("\n") == 3


def test_bad_upload_is_refused_with_a_message(
    clients: dict[str, Client],
    world: Any,
    setup: dict[str, Any],  # noqa: F811
) -> None:
    response = clients["coordinator"].post(
        reverse("assessments:import-list", args=[setup["round"].pk]),
        {"file": upload(b"%PDF-1.4 nope", "x.pdf"), "match_by": "auto"},
    )
    assert response.status_code == 400
    assert not SubmissionImport.objects.exists()


def test_template_download(clients: dict[str, Client], setup: dict[str, Any], world: Any) -> None:  # noqa: F811
    response = clients["coordinator"].get(reverse("assessments:import-template", args=[setup["round"].pk]))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("hromada_katottg", "hromada_name", "has_plan", "plan_level")
    assert {row[0] for row in rows[1:]} == {world.hromada.katottg, setup["second"].katottg}
    # the template, filled in, is accepted as it is
    assert check(world, setup["round"], response.content).report["matched_by"] == "katottg"


def test_api_check_report_apply(clients: dict[str, Client], world: Any, setup: dict[str, Any]) -> None:  # noqa: F811
    round_ = setup["round"]
    url = f"/api/v1/rounds/{round_.pk}/imports/"
    assert clients["outsider"].post(url, {"file": upload(good(world, setup))}).status_code == 404
    assert clients["viewer"].post(url, {"file": upload(good(world, setup))}).status_code == 403
    assert clients["expert"].post(url, {"file": upload(good(world, setup))}).status_code == 403
    assert clients["anonymous"].post(url, {"file": upload(good(world, setup))}).status_code in {401, 403}
    client = clients["coordinator"]
    created = client.post(url, {"file": upload(good(world, setup)), "match_by": "katottg"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["error_count"] == 0
    assert body["report"]["counts"]["ready"] == 2
    detail = client.get(body["url"])
    assert detail.status_code == 200
    assert detail.json()["id"] == body["id"]
    assert clients["expert"].get(body["url"]).status_code == 403
    assert clients["outsider"].get(body["url"]).status_code == 404
    assert clients["viewer"].post(body["apply_url"]).status_code == 403
    applied = client.post(body["apply_url"])
    assert applied.status_code == 200
    assert applied.json()["applied_at"]
    assert client.post(body["apply_url"]).status_code == 400
    bad = client.post(url, {"file": upload(b"%PDF-1.4 nope", "x.pdf")})
    assert bad.status_code == 400
    assert "file" in bad.json()


def test_command_dry_run_and_apply(world: Any, setup: dict[str, Any], tmp_path: Any) -> None:  # noqa: F811
    path = tmp_path / "export.xlsx"
    path.write_bytes(good(world, setup))
    out, err = io.StringIO(), io.StringIO()
    call_command("import_submissions", str(setup["round"].pk), str(path), stdout=out, stderr=err)
    assert "2 ready" in out.getvalue()
    assert "Dry run only" in out.getvalue()
    assert not Answer.objects.exists()
    call_command("import_submissions", str(setup["round"].pk), str(path), "--apply", stdout=out, stderr=err)
    assert "Applied: 2 assessments" in out.getvalue()
    assert Answer.objects.count() == 4
    bad = tmp_path / "bad.csv"
    bad.write_text(f"hromada_katottg;has_plan\n{world.hromada.katottg};maybe\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_submissions", str(setup["round"].pk), str(bad), "--apply", stdout=out, stderr=err)
    assert "[has_plan]" in err.getvalue()
