"""Instrument pages: the public list and preview, the XLSForm download, and the staff-only import."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conftest import World
from vidnova.assessments.models import Instrument, InstrumentVersion
from vidnova.assessments.services import instrument_import, instrument_import_with_result, instrument_load_default
from vidnova.assessments.tests.xlsform_builders import base_survey, workbook
from vidnova.assessments.xlsform import compile_xlsform
from vidnova.audit.models import AuditEntry

ALL_PERSONAS = ["anonymous", "outsider", "viewer", "editor", "expert", "coordinator", "admin"]
STAFF = ["coordinator", "admin"]
NOT_STAFF = ["outsider", "viewer", "editor", "expert"]
LIST_URL = "/assessments/instruments/"
IMPORT_URL = "/assessments/instruments/import/"
DEFAULT_URL = "/assessments/instruments/vidnova_default_assessment/"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def english(clients: dict[str, Client]) -> dict[str, Client]:
    for client in clients.values():
        client.cookies["vidnova_language"] = "en"
    return clients


@pytest.fixture
def default_version(db: None) -> InstrumentVersion:
    return instrument_load_default()


def _text(response: Any) -> str:
    return str(response.content.decode())


def _upload(data: bytes, name: str = "form.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=XLSX_TYPE)


def _saved() -> tuple[int, int, int]:
    return Instrument.objects.count(), InstrumentVersion.objects.count(), AuditEntry.objects.count()


# --- list ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_list_is_public(english: dict[str, Client], default_version: InstrumentVersion, persona: str) -> None:
    response = english[persona].get(LIST_URL)
    assert response.status_code == 200
    html = _text(response)
    assert f'href="{DEFAULT_URL}"' in html
    assert "Version 1" in html
    assert '<td class="num">15</td>' in html  # dimensions
    assert '<td class="num">70</td>' in html  # scored questions
    assert "Ukrainian, English, Dutch" in html
    assert ("Import an XLSForm" in html) == (persona in STAFF)


def test_list_defaults_to_ukrainian(clients: dict[str, Client], default_version: InstrumentVersion) -> None:
    html = _text(clients["anonymous"].get(LIST_URL))
    assert '<html lang="uk">' in html
    assert "українська" in html.lower()


def test_list_without_instruments(english: dict[str, Client]) -> None:
    assert "No assessment instruments have been imported yet." in _text(english["anonymous"].get(LIST_URL))


def test_list_costs_a_fixed_number_of_queries(
    world: World, english: dict[str, Client], django_assert_max_num_queries: Callable[..., Any]
) -> None:
    for number in range(5):
        settings = [{"form_title": f"Form {number}", "form_id": f"form_{number}", "version": "1"}]
        instrument_import(acting_user=None, data=workbook(settings=settings), filename="f.xlsx")
        survey = base_survey()
        survey[2]["label"] = "Changed"
        instrument_import(acting_user=None, data=workbook(survey=survey, settings=settings), filename="f.xlsx")
    with django_assert_max_num_queries(8):
        response = english["coordinator"].get(LIST_URL)
    html = _text(response)
    assert html.count("Version 2") == 5
    assert "Form 4" in html


# --- detail --------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_detail_is_public(english: dict[str, Client], default_version: InstrumentVersion, persona: str) -> None:
    response = english[persona].get(DEFAULT_URL)
    assert response.status_code == 200
    html = _text(response)
    assert 'href="/assessments/instruments/vidnova_default_assessment/versions/1/xlsform/"' in html
    assert ("Import a new version" in html) == (persona in STAFF)


def test_detail_shows_fields_dimensions_questions_and_rules(
    english: dict[str, Client], default_version: InstrumentVersion, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    with django_assert_max_num_queries(8):
        response = english["anonymous"].get(DEFAULT_URL)
    html = _text(response)
    # Dimensions grouped by field, in English.
    assert "Field 1. Safety, security and resilience" in html
    assert "1.1 Organisation of civil protection and crisis management" in html
    assert "How does the hromada&#x27;s commission on technogenic and environmental safety" in html
    assert "scored, weight 2" in html  # f1_prep_plan
    assert "at most 4 points" in html  # the multi-select f1_prep_warning
    # Rubric levels, choices with scores, sources.
    assert "<dt>Level 0</dt><dd>There is no plan.</dd>" in html
    assert '0 — Absent: no such practice <code class="muted">0</code> — 0 points' in html
    assert "UNDRR:E9 NL-VR:CRISISPLAN" in html
    # Skip logic and constraints printed back readably.
    assert "<dt>Asked only if</dt><dd><code>${f1_has_shelters} = &#x27;yes&#x27;</code></dd>" in html
    assert "count-selected(${f1_prep_warning}) &gt; 1" in html
    # Context questions are listed apart, and the versions table.
    assert "General questions" in html
    assert "Hromada and respondent" in html
    assert 'id="versions-heading"' in html


def test_detail_in_ukrainian_by_default(clients: dict[str, Client], default_version: InstrumentVersion) -> None:
    html = _text(clients["anonymous"].get(DEFAULT_URL))
    assert "Як працює комісія з питань техногенно-екологічної безпеки" in html


def test_detail_falls_back_to_the_default_language_of_the_form(clients: dict[str, Client], world: World) -> None:
    instrument_import(acting_user=None, data=workbook(), filename="form.xlsx")  # English only
    html = _text(clients["anonymous"].get("/assessments/instruments/test_form/"))  # interface in Ukrainian
    assert "How good is the plan?" in html
    assert "${has_plan} = &#x27;yes&#x27;" in html
    assert "<dt>Рівень 2</dt><dd>Adopted and tested.</dd>" in html  # the label in the interface language


def test_detail_of_an_earlier_version(english: dict[str, Client], world: World) -> None:
    instrument_import(acting_user=None, data=workbook(), filename="form.xlsx")
    survey = base_survey()
    survey[2]["label"] = "How good and how current is the plan?"
    instrument_import(acting_user=None, data=workbook(survey=survey), filename="form.xlsx")
    url = "/assessments/instruments/test_form/"
    assert "How good and how current is the plan?" in _text(english["anonymous"].get(url))
    old = _text(english["anonymous"].get(url + "?version=1"))
    assert "You are reading version 1, not the latest." in old
    assert "How good is the plan?" in old
    assert 'href="?version=2"' in old


@pytest.mark.parametrize("query", ["?version=9", "?version=abc", "?version=-1"])
def test_unknown_version_is_404(english: dict[str, Client], default_version: InstrumentVersion, query: str) -> None:
    assert english["anonymous"].get(DEFAULT_URL + query).status_code == 404


def test_unknown_instrument_is_404(english: dict[str, Client]) -> None:
    assert english["anonymous"].get("/assessments/instruments/nothing/").status_code == 404
    assert english["anonymous"].get("/assessments/instruments/nothing/versions/1/xlsform/").status_code == 404


# --- download ------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_download_is_public(clients: dict[str, Client], default_version: InstrumentVersion, persona: str) -> None:
    response = clients[persona].get(f"{DEFAULT_URL}versions/1/xlsform/")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="vidnova_default_assessment-v1.xlsx"'


def test_download_is_a_workbook_pyxform_accepts_and_reimports_as_the_same_version(
    clients: dict[str, Client], default_version: InstrumentVersion
) -> None:
    data = clients["anonymous"].get(f"{DEFAULT_URL}versions/1/xlsform/").content
    definition = compile_xlsform(data, "download.xlsx")  # pyxform converts it to an XForm without errors
    assert definition["form_id"] == "vidnova_default_assessment"
    result = instrument_import_with_result(acting_user=None, data=data, filename="download.xlsx")
    assert (result.version, result.created) == (default_version, False)


def test_download_of_an_unknown_version_is_404(clients: dict[str, Client], default_version: InstrumentVersion) -> None:
    assert clients["anonymous"].get(f"{DEFAULT_URL}versions/2/xlsform/").status_code == 404


# --- import --------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", STAFF)
def test_staff_see_the_import_form(english: dict[str, Client], persona: str) -> None:
    response = english[persona].get(IMPORT_URL)
    assert response.status_code == 200
    html = _text(response)
    assert 'enctype="multipart/form-data"' in html
    assert '<label for="id_file">XLSForm file:</label>' in html


@pytest.mark.parametrize("persona", NOT_STAFF)
def test_others_cannot_import(english: dict[str, Client], persona: str) -> None:
    assert english[persona].get(IMPORT_URL).status_code == 403
    before = _saved()
    assert english[persona].post(IMPORT_URL, {"file": _upload(workbook())}).status_code == 403
    assert _saved() == before


def test_anonymous_is_sent_to_sign_in_before_importing(english: dict[str, Client]) -> None:
    for response in (english["anonymous"].get(IMPORT_URL), english["anonymous"].post(IMPORT_URL)):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert not Instrument.objects.exists()


def test_staff_import_a_form_then_the_same_form_changes_nothing(english: dict[str, Client], world: World) -> None:
    response = english["coordinator"].post(IMPORT_URL, {"file": _upload(workbook())})
    assert response.status_code == 200
    html = _text(response)
    assert "“Test form” was imported as version 1." in html
    assert "dimensions: 1; questions: 3, of them scored: 1." in html
    assert 'href="/assessments/instruments/test_form/?version=1"' in html
    version = InstrumentVersion.objects.get()
    assert version.imported_by == world.coordinator
    assert AuditEntry.objects.filter(action="assessments.instrument.imported").count() == 1

    again = _text(english["coordinator"].post(IMPORT_URL, {"file": _upload(workbook(), "copy.xlsx")}))
    assert "Nothing changed: this form is already stored as version 1 of “Test form”." in again
    assert InstrumentVersion.objects.count() == 1


def test_a_rejected_form_lists_every_problem_and_saves_nothing(english: dict[str, Client], world: World) -> None:
    survey = base_survey()
    survey[2]["relevant"] = "${shelter_cnt} = 'yes'"
    survey[3]["constraint"] = "${staff} >= "
    before = _saved()
    response = english["coordinator"].post(IMPORT_URL, {"file": _upload(workbook(survey=survey))})
    assert response.status_code == 400
    html = _text(response)
    assert "The form was not imported; nothing has been saved." in html
    assert "<li>survey, row 4, column relevant: unknown question “shelter_cnt”.</li>" in html
    assert "survey, row 5, column constraint: the expression cannot be read" in html
    assert len(response.context["problems"]) >= 2
    assert _saved() == before


@pytest.mark.parametrize(
    ("name", "content", "found"),
    [
        ("form.xlsx", b"type,name,label\nnote,intro,Hello\n", "a text file"),
        ("form.xlsx", b"%PDF-1.7\n...", "a PDF document"),
        ("form.xlsx", b"", None),
    ],
)
def test_a_file_that_is_not_a_workbook_is_refused(
    english: dict[str, Client], world: World, name: str, content: bytes, found: str | None
) -> None:
    before = _saved()
    response = english["coordinator"].post(IMPORT_URL, {"file": _upload(content, name)})
    assert response.status_code == 400
    errors = response.context["form"].errors["file"]
    if found is None:
        assert errors  # empty: refused by the form
    else:
        assert errors == [
            f"“{name}” is not an accepted kind of file: its content is {found}. Accepted: spreadsheet (XLSX)."
        ]
    assert _saved() == before


def test_a_file_too_large_is_refused(english: dict[str, Client], world: World, settings: Any) -> None:
    settings.VIDNOVA_MAX_UPLOAD_BYTES = 1000
    response = english["coordinator"].post(IMPORT_URL, {"file": _upload(workbook())})
    assert response.status_code == 400
    assert "the largest file accepted is 1000" in response.context["form"].errors["file"][0]
    assert not Instrument.objects.exists()


def test_home_page_links_to_the_instruments(english: dict[str, Client]) -> None:
    assert f'href="{LIST_URL}"' in _text(english["anonymous"].get("/"))
