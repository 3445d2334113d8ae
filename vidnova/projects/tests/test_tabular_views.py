"""The export, template and import pages of project ideas: access for every persona, the dry run
report with rows and columns, applying a checked file, and sensitive sites in public exports."""

from __future__ import annotations

import csv
import io

import openpyxl  # type: ignore[import-untyped]
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from conftest import World
from vidnova.projects.models import Project
from vidnova.projects.services.projects import project_create
from vidnova.projects.tests.test_tabular_roundtrip import full_project

pytestmark = pytest.mark.django_db


def upload(client: Client, content: bytes, name: str = "ideas.csv") -> object:
    return client.post(reverse("projects:import"), {"file": SimpleUploadedFile(name, content, content_type="text/csv")})


def csv_rows(response: object) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("persona", ["viewer", "expert", "outsider"])
def test_the_import_is_refused_to_read_only_users(clients: dict[str, Client], persona: str) -> None:
    assert clients[persona].get(reverse("projects:import")).status_code == 403
    response = upload(clients[persona], b"hromada_katottg,title_uk\n")
    assert response.status_code == 403  # type: ignore[attr-defined]
    assert clients[persona].post(reverse("projects:import-apply"), {"token": "x"}).status_code == 403


def test_anonymous_users_are_sent_to_sign_in(clients: dict[str, Client]) -> None:
    response = clients["anonymous"].get(reverse("projects:import"))
    assert response.status_code == 302
    assert "login" in response["Location"]
    response = clients["anonymous"].post(reverse("projects:import-apply"), {"token": "x"})
    assert response.status_code == 302
    assert "login" in response["Location"]
    assert not Project.objects.exists()


@pytest.mark.parametrize("persona", ["editor", "coordinator"])
def test_editors_and_staff_see_the_upload_form(clients: dict[str, Client], persona: str) -> None:
    response = clients[persona].get(reverse("projects:import"))
    assert response.status_code == 200
    assert reverse("projects:import-template") in response.content.decode()


def test_the_dry_run_lists_errors_and_offers_no_apply(world: World, clients: dict[str, Client]) -> None:
    content = f"code,hromada_katottg,title_uk,cost\nE-1,{world.hromada.katottg},Ідея,-3\n".encode()
    response = upload(clients["editor"], content)
    assert response.status_code == 400  # type: ignore[attr-defined]
    page = response.content.decode()  # type: ignore[attr-defined]
    assert 'id="import-errors"' in page
    assert 'id="import-apply"' not in page
    assert "<code>cost</code>" in page
    assert '<th scope="row">2</th>' in page
    assert not Project.objects.exists()


def test_check_then_apply_creates_the_projects(world: World, clients: dict[str, Client]) -> None:
    content = f"code,hromada_katottg,title_uk,cost,currency\nE-1,{world.hromada.katottg},Ідея,1000.50,EUR\n".encode()
    response = upload(clients["editor"], content)
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert not Project.objects.exists()  # only checked
    token = response.context["apply_form"]["token"].value()  # type: ignore[attr-defined]
    # Somebody else cannot apply the editor's checked file.
    response = clients["coordinator"].post(reverse("projects:import-apply"), {"token": token})
    assert response.status_code == 302
    assert not Project.objects.exists()
    response = clients["editor"].post(reverse("projects:import-apply"), {"token": token})
    assert response.status_code == 302
    project = Project.objects.get(code="E-1")
    assert str(project.cost) == "1000.50"
    assert project.currency == "EUR"
    # The file is gone once applied.
    response = clients["editor"].post(reverse("projects:import-apply"), {"token": token}, follow=True)
    assert Project.objects.count() == 1
    assert any("upload it again" in str(message) for message in response.context["messages"])


def test_a_file_that_is_not_a_table_is_refused(clients: dict[str, Client]) -> None:
    response = upload(clients["editor"], b"%PDF-1.4 not a table", "ideas.pdf")
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert not Project.objects.exists()


def test_the_template_is_a_workbook_anyone_may_download(clients: dict[str, Client]) -> None:
    response = clients["anonymous"].get(reverse("projects:import-template"))
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[0] == "projects"


def test_the_public_export_hides_sensitive_locations(world: World, clients: dict[str, Client]) -> None:
    full_project(world)
    url = reverse("projects:export") + "?format=csv"
    public = csv_rows(clients["anonymous"].get(url))
    assert public[0]["code"] == "P-1"
    assert public[0]["locations"] == "[hidden: sensitive site]"
    for persona in ("outsider",):
        assert csv_rows(clients[persona].get(url))[0]["locations"] == "[hidden: sensitive site]"
    for persona in ("viewer", "editor", "coordinator", "expert"):
        assert world.hromada.katottg in csv_rows(clients[persona].get(url))[0]["locations"], persona
    response = clients["anonymous"].get(reverse("projects:export") + "?format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["projects"]
    headers = [cell.value for cell in sheet[1]]
    assert sheet.cell(row=2, column=headers.index("locations") + 1).value == "[hidden: sensitive site]"


def test_the_export_takes_the_portfolio_filters(world: World, clients: dict[str, Client]) -> None:
    project_create(acting_user=None, hromada=world.hromada, data={"code": "H-1", "title_uk": "Наша"})
    project_create(acting_user=None, hromada=world.other_hromada, data={"code": "H-2", "title_uk": "Інша"})
    url = reverse("projects:export") + f"?format=csv&hromada={world.other_hromada.katottg}"
    assert [row["code"] for row in csv_rows(clients["anonymous"].get(url))] == ["H-2"]
    url = reverse("projects:export") + "?format=csv&state=concept"
    assert csv_rows(clients["anonymous"].get(url)) == []
    assert clients["anonymous"].get(reverse("projects:export") + "?format=pdf").status_code == 400
