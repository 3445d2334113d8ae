"""Filling in an assessment: who sees which page, saving by JSON (fill.js) and by the plain form,
refused answers with the form's own message, conflicts, evidence, submission, validator comments."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any, cast

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import FileResponse
from django.test import Client
from django.urls import reverse

from conftest import World
from vidnova.assessments import answers as answer_rules
from vidnova.assessments.models import Answer, Assessment, AssessmentState, Evidence, ReturnNote
from vidnova.assessments.selectors.filling import pages_of
from vidnova.assessments.services import instrument_load_default
from vidnova.assessments.services.answers import answer_save, evidence_add
from vidnova.assessments.services.rounds import round_open
from vidnova.assessments.services.scores import answers_of, form_of
from vidnova.assessments.services.workflow import assessment_submit, submission_problems
from vidnova.testing import factories

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03" + b"\x00" * 60


def english(client: Client) -> Client:
    """The client, asking for English pages from now on (the language cookie)."""
    client.cookies["vidnova_language"] = "en"
    return client


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def assessment(world: World) -> Assessment:
    version = instrument_load_default()
    round_ = round_open(
        acting_user=world.coordinator,
        programme=world.programme,
        instrument_version=version,
        name_uk="Базове оцінювання",
        opens_on=datetime.date(2026, 12, 1),
        deadline=datetime.date(2027, 1, 31),
        hromadas=[world.hromada],
    )
    return round_.assessments.get()


def html(response: Any) -> str:
    return str(response.content.decode())


def detail_url(assessment: Assessment) -> str:
    return reverse("assessments:assessment-detail", kwargs={"pk": assessment.pk})


def page_url(assessment: Assessment, group: str = "context") -> str:
    return reverse("assessments:dimension", kwargs={"pk": assessment.pk, "group": group})


def save_url(assessment: Assessment) -> str:
    return reverse("assessments:answer-save", kwargs={"pk": assessment.pk})


def post_json(client: Client, url: str, data: dict[str, Any], **extra: Any) -> Any:
    return client.post(url, data=json.dumps(data), content_type="application/json", **extra)


def fill_required(world: World, assessment: Assessment) -> None:
    """Answer every required question that is asked, with the first value the question accepts."""
    form = form_of(assessment.round.instrument_version)
    for _attempt in range(5):
        missing = answer_rules.missing_required(form, answers_of(assessment))
        if not missing:
            return
        for name in missing:
            question = form.questions[name]
            candidates: list[str]
            if question["type"] in {"select_one", "select_multiple"}:
                candidates = [str(choice["name"]) for choice in form.choices(question)]
            elif question["type"] == "date":
                candidates = ["2026-12-01"]
            elif question["type"] == "text":
                candidates = ["Olena Test, head of the council"]
            else:
                candidates = ["1", "100", "1000", "2030"]
            others = answers_of(assessment)
            for candidate in candidates:
                try:
                    answer_rules.clean_value(form, name, candidate, others)
                except answer_rules.AnswerInvalid:
                    continue
                answer_save(
                    acting_user=world.editor,
                    assessment=assessment,
                    question=name,
                    value=candidate,
                    expected_version=None,
                )
                break
    assert not answer_rules.missing_required(form, answers_of(assessment))


# --- pages ---------------------------------------------------------------------------------------


def test_pages_are_dimensions_and_the_context_section_is_one_page(assessment: Assessment) -> None:
    definition = assessment.round.instrument_version.definition
    pages = pages_of(definition)
    names = [page.name for page in pages]
    dimensions = [group["name"] for group in definition["groups"] if group["is_dimension"]]
    assert names == ["context", *dimensions]
    context = pages[0]
    assert not context.is_dimension
    assert {"intro", "ctx_population", "ctx_respondent"} <= set(context.questions)
    assert "field1_intro" in pages[1].questions  # a field's introduction opens its first dimension
    every = [name for page in pages for name in page.questions]
    assert sorted(every) == sorted(q["name"] for q in definition["questions"])


# --- access --------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["coordinator", "editor", "viewer", "expert", "admin"])
def test_insiders_see_the_overview_and_the_pages(
    clients: dict[str, Client], assessment: Assessment, persona: str
) -> None:
    assert clients[persona].get(detail_url(assessment)).status_code == 200
    assert clients[persona].get(page_url(assessment)).status_code == 200
    assert clients[persona].get(page_url(assessment, "f1_org")).status_code == 200


def test_outsiders_get_404_and_anonymous_visitors_are_sent_to_sign_in(
    clients: dict[str, Client], assessment: Assessment
) -> None:
    for url in (detail_url(assessment), page_url(assessment)):
        assert clients["outsider"].get(url).status_code == 404
        response = clients["anonymous"].get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert clients["editor"].get(page_url(assessment, "no_such_page")).status_code == 404


def test_an_assessment_of_another_hromada_is_hidden_from_its_editor(world: World, clients: dict[str, Client]) -> None:
    factories.ParticipationFactory(phase=world.phase, hromada=world.other_hromada)
    version = instrument_load_default()
    round_ = round_open(
        acting_user=world.coordinator,
        programme=world.programme,
        instrument_version=version,
        name_uk="Інша",
        opens_on=datetime.date(2026, 12, 1),
        deadline=datetime.date(2027, 1, 31),
        hromadas=[world.other_hromada],
    )
    other = round_.assessments.get()
    assert clients["editor"].get(detail_url(other)).status_code == 404
    assert (
        post_json(clients["editor"], save_url(other), {"question": "ctx_population", "value": "5"}).status_code == 404
    )


def test_the_editor_gets_inputs_and_the_rules_the_viewer_reads_text(
    world: World, clients: dict[str, Client], assessment: Assessment
) -> None:
    answer_save(
        acting_user=world.editor, assessment=assessment, question="ctx_population", value="1234", expected_version=0
    )
    page = html(clients["editor"].get(page_url(assessment)))
    assert 'name="q-ctx_population"' in page
    assert 'id="fill-rules"' in page
    assert "assessments/fill.js" in page
    assert "assessments/rules.js" in page
    rules = json.loads(page.split('id="fill-rules" type="application/json">')[1].split("</script>")[0])
    assert rules["answers"]["ctx_population"] == "1234"
    assert any(q["name"] == "ctx_damaged_housing" and q["relevant"] for q in rules["questions"])
    assert 'style="' not in page
    assert " onclick=" not in page
    for persona in ("viewer", "expert"):
        page = html(clients[persona].get(page_url(assessment)))
        assert 'name="q-ctx_population"' not in page
        assert "fill.js" not in page
        assert 'id="fill-rules"' not in page
        assert "1234" in page


def test_the_rubric_and_hidden_questions_are_rendered(clients: dict[str, Client], assessment: Assessment) -> None:
    page = html(english(clients["editor"]).get(page_url(assessment, "f1_org")))
    assert "Rubric: what each level means" in page
    assert "No commission has been set up, or it does not meet." in page
    page = html(english(clients["editor"]).get(page_url(assessment, "f1_prep")))
    # Asked only when the hromada has shelters: hidden until then, shown live by fill.js.
    assert 'id="q-f1_shelter_count" data-question="f1_shelter_count" data-type="integer" hidden' in page


@pytest.mark.parametrize("name", ["dimension", "answer-save", "evidence-add", "assessment-submit"])
def test_the_viewer_gets_403_and_the_outsider_404_on_every_write(
    clients: dict[str, Client], assessment: Assessment, name: str
) -> None:
    kwargs: dict[str, Any] = {"pk": assessment.pk}
    if name == "dimension":
        kwargs["group"] = "context"
    url = reverse(f"assessments:{name}", kwargs=kwargs)
    data = {"question": "ctx_population", "value": "10", "expected_version": 0}
    if name == "answer-save":
        assert post_json(clients["viewer"], url, data).status_code == 403
        assert post_json(clients["expert"], url, data).status_code == 403
        assert post_json(clients["outsider"], url, data).status_code == 404
    else:
        assert clients["viewer"].post(url, {"o-ctx_population": "", "q-ctx_population": "10"}).status_code == 403
        assert clients["expert"].post(url, {}).status_code == 403
        assert clients["outsider"].post(url, {}).status_code == 404
    assert not Answer.objects.filter(assessment=assessment).exists()


# --- saving with fill.js --------------------------------------------------------------------------


def test_saving_an_answer_by_json(clients: dict[str, Client], assessment: Assessment) -> None:
    response = post_json(
        clients["editor"],
        save_url(assessment),
        {"question": "ctx_population", "value": "12 500", "comment": "Census 2026", "expected_version": 0},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == 1
    assert body["value"] == "12500"
    assert body["progress"]["required_answered"] == 1
    assert body["progress"]["page"] == {
        "name": "context",
        "answered": 1,
        "applicable": body["progress"]["page"]["applicable"],
    }
    answer = Answer.objects.get(assessment=assessment, question="ctx_population")
    assert (answer.value, answer.comment, answer.version) == ("12500", "Census 2026", 1)
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.IN_PROGRESS
    multi = post_json(
        clients["editor"],
        save_url(assessment),
        {"question": "f1_prep_warning", "value": ["none"], "expected_version": 0},
    )
    assert multi.status_code == 200, multi.content


def test_an_invalid_answer_is_refused_with_the_forms_own_message(
    clients: dict[str, Client], assessment: Assessment
) -> None:
    data = {"question": "ctx_population", "value": "0", "expected_version": 0}
    response = post_json(clients["editor"], save_url(assessment), data)  # Ukrainian by default
    assert response.status_code == 400
    assert response.json()["error"] == "Вкажіть число від 1 до 3 000 000."
    response = post_json(english(clients["editor"]), save_url(assessment), data)
    assert response.json()["error"] == "Enter a number from 1 to 3,000,000."
    response = post_json(english(clients["editor"]), save_url(assessment), {**data, "value": "many"})
    assert response.json()["error"] == "Enter a whole number, for example 120."
    assert post_json(clients["editor"], save_url(assessment), {**data, "question": "nope"}).status_code == 400
    bad = clients["editor"].post(save_url(assessment), data="{not json", content_type="application/json")
    assert bad.status_code == 400
    assert "error" in bad.json()
    assert not Answer.objects.filter(assessment=assessment).exists()


def test_a_save_based_on_an_older_version_returns_both_values(
    world: World, clients: dict[str, Client], assessment: Assessment
) -> None:
    answer_save(
        acting_user=world.coordinator,
        assessment=assessment,
        question="ctx_population",
        value="1300",
        comment="registry",
        expected_version=0,
    )
    response = post_json(
        clients["editor"], save_url(assessment), {"question": "ctx_population", "value": "1250", "expected_version": 0}
    )
    assert response.status_code == 409
    conflict = response.json()["conflict"]
    assert conflict["yours"] == "1250"
    assert conflict["theirs"] == "1300"
    assert conflict["their_comment"] == "registry"
    assert conflict["their_version"] == 1
    assert conflict["their_author"]
    # "Keep mine": saved again on their version.
    kept = post_json(
        clients["editor"], save_url(assessment), {"question": "ctx_population", "value": "1250", "expected_version": 1}
    )
    assert kept.status_code == 200
    assert kept.json()["version"] == 2


def test_nothing_can_be_saved_once_submitted(world: World, clients: dict[str, Client], assessment: Assessment) -> None:
    fill_required(world, assessment)
    assessment_submit(acting_user=world.editor, assessment=assessment)
    response = post_json(
        english(clients["editor"]),
        save_url(assessment),
        {"question": "ctx_population", "value": "77", "expected_version": 1},
    )
    assert response.status_code == 400
    assert "cannot be changed" in response.json()["error"]
    page = html(clients["editor"].get(page_url(assessment)))
    assert 'name="q-ctx_population"' not in page
    assert "fill.js" not in page


# --- saving without JavaScript --------------------------------------------------------------------


def form_data(names: dict[str, str], versions: dict[str, int] | None = None) -> dict[str, str]:
    data: dict[str, str] = {}
    for name, value in names.items():
        data.update(
            {
                f"q-{name}": value,
                f"o-{name}": "",
                f"oc-{name}": "",
                f"c-{name}": "",
                f"v-{name}": str((versions or {}).get(name, 0)),
            }
        )
    return data


def test_the_page_saves_every_changed_answer_without_javascript(
    clients: dict[str, Client], assessment: Assessment
) -> None:
    data = form_data({"ctx_population": "5000", "ctx_respondent": "Olena, secretary", "ctx_assessment_date": ""})
    data["c-ctx_population"] = "estimate"
    response = clients["editor"].post(page_url(assessment), data)
    assert response.status_code == 302
    assert response["Location"] == page_url(assessment)
    values = answers_of(assessment)
    assert values == {"ctx_population": "5000", "ctx_respondent": "Olena, secretary"}
    assert Answer.objects.get(assessment=assessment, question="ctx_population").comment == "estimate"


def test_refused_answers_keep_what_was_typed_and_the_rest_is_saved(
    clients: dict[str, Client], assessment: Assessment
) -> None:
    data = form_data({"ctx_population": "0", "ctx_respondent": "Olena"})
    data["c-ctx_population"] = "my typed comment"
    response = english(clients["editor"]).post(page_url(assessment), data)
    assert response.status_code == 400
    page = html(response)
    assert "Enter a number from 1 to 3,000,000." in page
    assert 'value="0"' in page
    assert "my typed comment" in page
    assert answers_of(assessment) == {"ctx_respondent": "Olena"}


def test_a_conflict_without_javascript_shows_both_values(
    world: World, clients: dict[str, Client], assessment: Assessment
) -> None:
    answer_save(
        acting_user=world.coordinator,
        assessment=assessment,
        question="ctx_population",
        value="1300",
        expected_version=0,
    )
    response = english(clients["editor"]).post(page_url(assessment), form_data({"ctx_population": "1250"}))
    assert response.status_code == 409
    page = html(response)
    assert "Someone else saved a different answer meanwhile" in page
    assert "1250" in page
    assert "1300" in page
    assert 'name="v-ctx_population" value="1"' in page  # saving again keeps mine
    again = clients["editor"].post(
        page_url(assessment),
        {**form_data({"ctx_population": "1250"}, {"ctx_population": 1}), "o-ctx_population": "1300"},
    )
    assert again.status_code == 302
    assert answers_of(assessment)["ctx_population"] == "1250"


# --- evidence ------------------------------------------------------------------------------------


def evidence_url(assessment: Assessment) -> str:
    return reverse("assessments:evidence-add", kwargs={"pk": assessment.pk})


def test_evidence_upload_accepts_a_pdf_and_refuses_other_content(
    clients: dict[str, Client], assessment: Assessment
) -> None:
    url = evidence_url(assessment)
    ok = clients["editor"].post(
        url,
        {"question": "f1_org_commission", "file": SimpleUploadedFile("decision.pdf", PDF), "description": "Decision"},
    )
    assert ok.status_code == 302
    assert ok["Location"].endswith("#q-f1_org_commission")
    evidence = Evidence.objects.get()
    assert evidence.file_name == "decision.pdf"
    assert evidence.description == "Decision"
    renamed = english(clients["editor"]).post(
        url, {"question": "f1_org_commission", "file": SimpleUploadedFile("report.pdf", EXE)}, follow=True
    )
    assert "not an accepted kind of file" in html(renamed)
    big = PDF + b"0" * (20 * 1024 * 1024)
    too_big = clients["editor"].post(
        url, {"question": "f1_org_commission", "file": SimpleUploadedFile("big.pdf", big)}, follow=True
    )
    assert "the largest file accepted is" in html(too_big)
    link = clients["editor"].post(url, {"question": "f1_org_commission", "url": "https://example.org/minutes"})
    assert link.status_code == 302
    neither = english(clients["editor"]).post(url, {"question": "f1_org_commission"}, follow=True)
    assert "Attach either a file or a link." in html(neither)
    assert Evidence.objects.count() == 2
    page = html(clients["viewer"].get(page_url(assessment, "f1_org")))
    assert "decision.pdf" in page
    assert "https://example.org/minutes" in page


def test_evidence_is_downloaded_only_by_those_who_see_the_assessment(
    world: World, clients: dict[str, Client], assessment: Assessment
) -> None:
    evidence = evidence_add(
        acting_user=world.editor,
        assessment=assessment,
        question="f1_org_commission",
        file=SimpleUploadedFile("decision.pdf", PDF),
    )
    url = reverse("assessments:evidence-download", kwargs={"pk": evidence.pk})
    for persona in ("editor", "viewer", "expert", "coordinator"):
        response = clients[persona].get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert cast(FileResponse, response).getvalue() == PDF
    assert clients["outsider"].get(url).status_code == 404
    assert clients["anonymous"].get(url).status_code == 302
    assert (
        clients["editor"].get(reverse("assessments:evidence-download", kwargs={"pk": evidence.pk + 999})).status_code
        == 404
    )


def test_evidence_is_removed_by_the_editor_only(
    world: World, clients: dict[str, Client], assessment: Assessment
) -> None:
    evidence = evidence_add(
        acting_user=world.editor, assessment=assessment, question="f1_org_commission", url="https://example.org/a"
    )
    url = reverse("assessments:evidence-remove", kwargs={"pk": evidence.pk})
    assert clients["viewer"].post(url).status_code == 403
    assert clients["outsider"].post(url).status_code == 404
    assert Evidence.objects.exists()
    assert clients["editor"].post(url).status_code == 302
    assert not Evidence.objects.exists()


# --- submission ---------------------------------------------------------------------------------


def test_the_overview_lists_what_is_missing_before_submitting(
    world: World, clients: dict[str, Client], assessment: Assessment
) -> None:
    page = html(english(clients["editor"]).get(detail_url(assessment)))
    assert "Before you can submit:" in page
    assert "required questions are not answered" in page
    assert reverse("assessments:assessment-submit", kwargs={"pk": assessment.pk}) in page
    assert reverse("assessments:hromada-results", kwargs={"katottg": world.hromada.katottg}) in page
    assert reverse("assessments:review", kwargs={"pk": assessment.pk}) not in page
    coordinator_page = html(clients["coordinator"].get(detail_url(assessment)))
    assert reverse("assessments:review", kwargs={"pk": assessment.pk}) in coordinator_page
    assert "assessment-submit" not in html(clients["viewer"].get(detail_url(assessment)))
    url = reverse("assessments:assessment-submit", kwargs={"pk": assessment.pk})
    refused = english(clients["editor"]).post(url, {"message": ""})
    assert refused.status_code == 400
    assert "The assessment was not submitted:" in html(refused)
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.DRAFT


def test_submitting_a_complete_assessment(world: World, clients: dict[str, Client], assessment: Assessment) -> None:
    fill_required(world, assessment)
    assert submission_problems(assessment) == []
    url = reverse("assessments:assessment-submit", kwargs={"pk": assessment.pk})
    response = clients["editor"].post(url, {"message": "Done, see evidence."})
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.SUBMITTED
    page = html(english(clients["editor"]).get(detail_url(assessment)))
    assert "Done, see evidence." in page
    assert "submitted" in page
    assert "Submit the assessment" not in page


# --- validator comments -------------------------------------------------------------------------


def test_a_return_note_is_shown_and_marked_as_addressed(
    world: World, clients: dict[str, Client], assessment: Assessment
) -> None:
    answer_save(
        acting_user=world.editor, assessment=assessment, question="ctx_population", value="1200", expected_version=0
    )
    note = ReturnNote.objects.create(
        assessment=assessment,
        question="ctx_population",
        message="Source of the estimate?",
        created_by=world.coordinator,
    )
    overview = html(clients["editor"].get(detail_url(assessment)))
    assert "Source of the estimate?" in overview
    assert page_url(assessment) + "#q-ctx_population" in overview
    page = html(english(clients["editor"]).get(page_url(assessment)))
    assert "Source of the estimate?" in page
    assert "Mark as addressed" in page
    url = reverse("assessments:note-resolve", kwargs={"pk": assessment.pk, "note_pk": note.pk})
    assert clients["viewer"].post(url).status_code == 403
    assert clients["outsider"].post(url).status_code == 404
    response = clients["editor"].post(url, {"next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == page_url(assessment) + "#q-ctx_population"
    note.refresh_from_db()
    assert note.resolved_at is not None
    assert note.resolved_by == world.editor
    assert "Source of the estimate?" not in html(clients["editor"].get(detail_url(assessment)))
