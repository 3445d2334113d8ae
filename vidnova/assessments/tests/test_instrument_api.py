"""/api/v1/instruments/: public reads of instruments and their definitions, imports by programme staff."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conftest import World
from vidnova.assessments.models import Instrument, InstrumentVersion
from vidnova.assessments.services import instrument_import, instrument_load_default
from vidnova.assessments.tests.xlsform_builders import base_survey, workbook
from vidnova.audit.models import AuditEntry

ALL_PERSONAS = ["anonymous", "outsider", "viewer", "editor", "expert", "coordinator", "admin"]
STAFF = ["coordinator", "admin"]
NOT_STAFF = ["outsider", "viewer", "editor", "expert"]
LIST_URL = "/api/v1/instruments/"
DEFAULT_URL = "/api/v1/instruments/vidnova_default_assessment/"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def default_version(db: None) -> InstrumentVersion:
    return instrument_load_default()


def _upload(data: bytes, name: str = "form.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=XLSX_TYPE)


def _saved() -> tuple[int, int, int]:
    return Instrument.objects.count(), InstrumentVersion.objects.count(), AuditEntry.objects.count()


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_list_is_public(clients: dict[str, Client], default_version: InstrumentVersion, persona: str) -> None:
    response = clients[persona].get(LIST_URL)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    instrument = body["results"][0]
    assert instrument["code"] == "vidnova_default_assessment"
    assert instrument["url"] == DEFAULT_URL
    assert instrument["is_default"] is True
    latest = instrument["latest_version"]
    assert latest["number"] == 1
    assert latest["url"] == f"{DEFAULT_URL}versions/1/"
    assert latest["xlsform_url"] == "/assessments/instruments/vidnova_default_assessment/versions/1/xlsform/"
    assert (latest["dimension_count"], latest["scored_question_count"]) == (15, 70)
    assert latest["languages"] == ["uk", "en", "nl"]
    assert "definition" not in latest


def test_list_costs_a_fixed_number_of_queries(
    world: World, clients: dict[str, Client], django_assert_max_num_queries: Callable[..., Any]
) -> None:
    for number in range(5):
        settings = [{"form_title": f"Form {number}", "form_id": f"form_{number}", "version": "1"}]
        instrument_import(acting_user=None, data=workbook(settings=settings), filename="f.xlsx")
    with django_assert_max_num_queries(6):
        response = clients["coordinator"].get(LIST_URL)
    assert response.json()["count"] == 5


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_detail_is_public_with_the_latest_definition(
    clients: dict[str, Client], default_version: InstrumentVersion, persona: str
) -> None:
    response = clients[persona].get(DEFAULT_URL)
    assert response.status_code == 200
    body = response.json()
    assert [version["number"] for version in body["versions"]] == [1]
    definition = body["latest_version"]["definition"]
    assert definition == default_version.definition
    assert sum(1 for question in definition["questions"] if question["scored"]) == 70


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_version_is_public(clients: dict[str, Client], default_version: InstrumentVersion, persona: str) -> None:
    response = clients[persona].get(f"{DEFAULT_URL}versions/1/")
    assert response.status_code == 200
    assert response.json()["definition"]["form_id"] == "vidnova_default_assessment"
    assert response.json()["content_hash"] == default_version.content_hash


def test_unknown_instrument_or_version_is_404(clients: dict[str, Client], default_version: InstrumentVersion) -> None:
    assert clients["anonymous"].get("/api/v1/instruments/nothing/").status_code == 404
    assert clients["anonymous"].get("/api/v1/instruments/nothing/versions/1/").status_code == 404
    assert clients["anonymous"].get(f"{DEFAULT_URL}versions/2/").status_code == 404


@pytest.mark.parametrize("persona", STAFF)
def test_staff_import_a_form(clients: dict[str, Client], world: World, persona: str) -> None:
    response = clients[persona].post(LIST_URL, {"file": _upload(workbook())})
    assert response.status_code == 201
    body = response.json()
    assert body["created"] is True
    assert body["instrument"]["code"] == "test_form"
    assert body["version"]["number"] == 1
    assert isinstance(body["warnings"], list)
    assert AuditEntry.objects.filter(action="assessments.instrument.imported").count() == 1

    again = clients[persona].post(LIST_URL, {"file": _upload(workbook())})
    assert again.status_code == 200
    assert again.json()["created"] is False

    survey = base_survey()
    survey[2]["label"] = "How good and how current is the plan?"
    changed = clients[persona].post(LIST_URL, {"file": _upload(workbook(survey=survey))})
    assert changed.status_code == 201
    assert changed.json()["version"]["number"] == 2
    assert changed.json()["instrument"]["latest_version"]["number"] == 2


def test_a_rejected_form_is_400_with_every_problem(clients: dict[str, Client], world: World) -> None:
    survey = base_survey()
    survey[2]["relevant"] = "${shelter_cnt} = 'yes'"
    before = _saved()
    response = clients["coordinator"].post(
        LIST_URL, {"file": _upload(workbook(survey=survey))}, headers={"accept-language": "en"}
    )
    assert response.status_code == 400
    assert "survey, row 4, column relevant: unknown question “shelter_cnt”." in response.json()["file"]
    assert _saved() == before


def test_a_file_that_is_not_a_workbook_is_400(clients: dict[str, Client], world: World) -> None:
    response = clients["coordinator"].post(
        LIST_URL, {"file": _upload(b"%PDF-1.7\n")}, headers={"accept-language": "en"}
    )
    assert response.status_code == 400
    assert response.json()["file"] == [
        "“form.xlsx” is not an accepted kind of file: its content is a PDF document. Accepted: spreadsheet (XLSX)."
    ]
    assert not Instrument.objects.exists()


def test_a_missing_file_is_400(clients: dict[str, Client], world: World) -> None:
    response = clients["coordinator"].post(LIST_URL, {})
    assert response.status_code == 400
    assert "file" in response.json()


@pytest.mark.parametrize("persona", NOT_STAFF)
def test_others_cannot_import(clients: dict[str, Client], persona: str) -> None:
    before = _saved()
    assert clients[persona].post(LIST_URL, {"file": _upload(workbook())}).status_code == 403
    assert _saved() == before


def test_anonymous_cannot_import(clients: dict[str, Client]) -> None:
    assert clients["anonymous"].post(LIST_URL, {"file": _upload(workbook())}).status_code == 401
    assert not Instrument.objects.exists()


def test_json_is_not_accepted_for_an_import(clients: dict[str, Client], world: World) -> None:
    response = clients["coordinator"].post(LIST_URL, {"file": "x"}, content_type="application/json")
    assert response.status_code == 415
