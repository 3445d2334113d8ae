"""/api/v1/assessments/… and /api/v1/hromadas/{katottg}/training-needs/: reading assessments with
answers and scores, saving answers (400 with the form's message, 409 with both values), evidence,
the workflow, with the same access as the pages (the hromada's members and the programme's staff and
partner experts see; editors and staff answer; staff validate; 404 for outsiders, 403 for read-only
members, 401 without credentials)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from conftest import World
from vidnova.assessments.demo import demo_answers
from vidnova.assessments.models import (
    Answer,
    Assessment,
    AssessmentState,
    Evidence,
    ReturnNote,
    Round,
)
from vidnova.assessments.services import instrument_load_default
from vidnova.assessments.services.answers import answer_save, start
from vidnova.assessments.services.rounds import round_open, round_set_status
from vidnova.assessments.services.scores import assessment_rescore, form_of
from vidnova.assessments.services.workflow import assessment_submit, assessment_validate
from vidnova.audit.models import AuditEntry

ENGLISH = {"accept-language": "en"}
PDF = b"%PDF-1.7\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
INSIDERS = ["coordinator", "admin", "expert", "editor", "viewer"]


@pytest.fixture(autouse=True)
def _fresh_throttle_counts() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def round_(world: World) -> Round:
    return round_open(
        acting_user=world.coordinator,
        programme=world.programme,
        instrument_version=instrument_load_default(),
        name_uk="Базове оцінювання",
        name_en="Baseline",
        opens_on=datetime.date(2026, 12, 1),
        deadline=datetime.date(2027, 1, 31),
        hromadas=[world.hromada],
    )


@pytest.fixture
def assessment(round_: Round) -> Assessment:
    return round_.assessments.select_related("round__instrument_version", "hromada").get()


def api(name: str, **kwargs: Any) -> str:
    return reverse(f"api:{name}", kwargs=kwargs)


def detail(assessment: Assessment, name: str = "assessment-detail", **kwargs: Any) -> str:
    return api(name, pk=assessment.pk, **kwargs)


def answer_url(assessment: Assessment, question: str) -> str:
    return detail(assessment, "assessment-answer", question=question)


def put(client: Client, address: str, body: dict[str, Any]) -> Any:
    return client.put(address, body, content_type="application/json", headers=ENGLISH)


def post(client: Client, address: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(address, body or {}, content_type="application/json", headers=ENGLISH)


def complete(world: World, assessment: Assessment) -> dict[str, str]:
    """Every question the form asks answered with plausible values (the demo's generator)."""
    form = form_of(assessment.round.instrument_version)
    answers = demo_answers(form, assessment.hromada)
    Answer.objects.bulk_create(
        Answer(assessment=assessment, question=name, value=value, answered_by=world.editor)
        for name, value in answers.items()
    )
    start(assessment, world.editor)
    assessment_rescore(assessment, answers)
    return answers


def first_scored(assessment: Assessment) -> dict[str, Any]:
    definition = assessment.round.instrument_version.definition
    question: dict[str, Any] = next(q for q in definition["questions"] if q.get("scored") and not q.get("relevant"))
    return question


# --- list ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", INSIDERS)
def test_insiders_list_the_assessment(
    world: World, clients: dict[str, Client], assessment: Assessment, persona: str
) -> None:
    body = clients[persona].get(api("assessment-list"), headers=ENGLISH).json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["id"] == assessment.pk
    assert row["url"] == detail(assessment)
    assert row["hromada"]["katottg"] == world.hromada.katottg
    assert row["round"]["id"] == assessment.round_id
    assert row["round"]["url"] == api("round-detail", pk=assessment.round_id)
    assert row["round"]["name"] == "Baseline"
    assert (row["state"], row["state_label"], row["source"]) == ("draft", "Not started", "online")
    assert row["completeness"] is None
    assert row["overall_normalised"] is None
    assert row["field_scores"] == []


def test_the_list_carries_scores_once_answered(
    world: World, clients: dict[str, Client], assessment: Assessment
) -> None:
    complete(world, assessment)
    row = clients["viewer"].get(api("assessment-list"), headers=ENGLISH).json()["results"][0]
    assessment.refresh_from_db()
    assert row["state"] == "in_progress"
    assert Decimal(row["completeness"]) == assessment.completeness == Decimal(100)
    assert Decimal(row["overall_normalised"]) == assessment.overall_normalised
    assert [field["field"] for field in row["field_scores"]] == [1, 2, 3]
    first = row["field_scores"][0]
    assert first["name"] == "Safety, security and resilience"
    assert first["normalised"] == assessment.scores["fields"][0]["normalised"]
    assert first["maturity_level"] == int(Decimal(first["raw"]))
    assert first["maturity_label"]


def test_outsiders_list_nothing_and_anonymous_gets_401(clients: dict[str, Client], assessment: Assessment) -> None:
    assert clients["outsider"].get(api("assessment-list")).json()["count"] == 0
    assert clients["anonymous"].get(api("assessment-list")).status_code == 401


def test_the_list_filters(world: World, clients: dict[str, Client], assessment: Assessment) -> None:
    client = clients["coordinator"]
    address = api("assessment-list")
    assert client.get(address, {"round": assessment.round_id}).json()["count"] == 1
    assert client.get(address, {"round": assessment.round_id + 100}).json()["count"] == 0
    assert client.get(address, {"hromada": world.hromada.katottg}).json()["count"] == 1
    assert client.get(address, {"hromada": world.other_hromada.katottg}).json()["count"] == 0
    assert client.get(address, {"state": "draft"}).json()["count"] == 1
    assert client.get(address, {"state": "validated"}).json()["count"] == 0
    bad = client.get(address, {"hromada": "Kyiv", "state": "done"}, headers=ENGLISH)
    assert bad.status_code == 400
    assert set(bad.json()) == {"hromada", "state"}


# --- detail --------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", INSIDERS)
def test_insiders_read_the_assessment_with_answers(
    world: World, clients: dict[str, Client], assessment: Assessment, persona: str
) -> None:
    answer_save(
        acting_user=world.editor, assessment=assessment, question="ctx_population", value="1200", expected_version=0
    )
    response = clients[persona].get(detail(assessment), headers=ENGLISH)
    assert response.status_code == 200
    body = response.json()
    assert body["instrument"]["code"] == "vidnova_default_assessment"
    answers = {answer["question"]: answer for answer in body["answers"]}
    population = answers["ctx_population"]
    assert (population["value"], population["version"], population["evidence"]) == ("1200", 1, [])
    assert population["answered_by"] == (world.editor.get_full_name() or world.editor.email)
    assert population["label"]
    assert [step["to_state"] for step in body["transitions"]] == ["in_progress"]
    assert body["return_notes"] == []
    assert body["scores"]["fields"]
    assert body["scores"]["dimensions"]
    may_edit = persona in {"coordinator", "admin", "editor"}
    assert body["may_edit"] is may_edit
    assert body["may_validate"] is False


@pytest.mark.parametrize("persona", ["outsider", "anonymous"])
def test_outsiders_do_not_see_the_assessment(clients: dict[str, Client], assessment: Assessment, persona: str) -> None:
    for address in [
        detail(assessment),
        answer_url(assessment, "ctx_population"),
        detail(assessment, "assessment-scores"),
    ]:
        assert clients[persona].get(address).status_code == 404, address


def test_an_unknown_assessment_is_404(clients: dict[str, Client], assessment: Assessment) -> None:
    assert clients["coordinator"].get(api("assessment-detail", pk=assessment.pk + 1000)).status_code == 404


def test_a_hromada_member_sees_only_their_own_hromada(world: World, clients: dict[str, Client], round_: Round) -> None:
    from vidnova.testing import factories

    factories.ParticipationFactory(phase=world.phase, hromada=world.other_hromada)
    from vidnova.assessments.services.rounds import round_add_hromadas

    (other,) = round_add_hromadas(acting_user=world.coordinator, round_=round_, hromadas=[world.other_hromada])
    assert clients["editor"].get(detail(other)).status_code == 404
    assert clients["editor"].get(api("assessment-list")).json()["count"] == 1
    assert clients["coordinator"].get(api("assessment-list")).json()["count"] == 2


# --- one answer ----------------------------------------------------------------------------------


def test_an_unanswered_question_has_version_0(clients: dict[str, Client], assessment: Assessment) -> None:
    body = clients["viewer"].get(answer_url(assessment, "ctx_population"), headers=ENGLISH).json()
    assert body["question"] == "ctx_population"
    assert (body["value"], body["comment"], body["version"], body["answered_by"]) == ("", "", 0, None)
    assert clients["viewer"].get(answer_url(assessment, "no_such_question")).status_code == 404
    assert clients["viewer"].get(answer_url(assessment, "intro")).status_code == 404  # a note


@pytest.mark.parametrize("persona", ["editor", "coordinator"])
def test_saving_an_answer(world: World, clients: dict[str, Client], assessment: Assessment, persona: str) -> None:
    question = first_scored(assessment)
    response = put(
        clients[persona],
        answer_url(assessment, question["name"]),
        {"value": "3", "comment": "See the council decision.", "version": 0},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["value"], body["comment"], body["version"]) == ("3", "See the council decision.", 1)
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.IN_PROGRESS
    dimension = next(d for d in assessment.scores["dimensions"] if d["name"] == question["dimension"])
    assert dimension["answered"] == 1
    assert AuditEntry.objects.filter(action="assessments.answer.saved").count() == 1

    again = put(clients[persona], answer_url(assessment, question["name"]), {"value": "4", "version": 1})
    assert again.json()["version"] == 2
    assert again.json()["comment"] == "See the council decision."  # left out: kept


def test_a_list_value_for_several_choices(clients: dict[str, Client], assessment: Assessment) -> None:
    address = answer_url(assessment, "f1_prep_warning")
    response = put(clients["editor"], address, {"value": ["sirens", "cell"], "version": 0})
    assert response.status_code == 200, response.content
    assert response.json()["value"] == "sirens cell"
    refused = put(clients["editor"], address, {"value": ["sirens", "none"], "version": 1})
    assert refused.status_code == 400
    assert refused.json()["question"] == "f1_prep_warning"
    assert Answer.objects.get(assessment=assessment, question="f1_prep_warning").value == "sirens cell"


def test_a_conflicting_save_is_409_with_both_values(
    world: World, clients: dict[str, Client], assessment: Assessment
) -> None:
    address = answer_url(assessment, "ctx_population")
    assert put(clients["editor"], address, {"value": "1200", "comment": "Census", "version": 0}).status_code == 200
    assert put(clients["coordinator"], address, {"value": "1300", "version": 1}).status_code == 200
    response = put(clients["editor"], address, {"value": "1250", "version": 1})
    assert response.status_code == 409
    body = response.json()
    assert body["conflict"] == {
        "question": "ctx_population",
        "yours": "1250",
        "theirs": "1300",
        "their_comment": "Census",
        "their_author": world.coordinator.get_full_name() or world.coordinator.email,
        "their_version": 2,
    }
    assert "Nothing was saved" in body["detail"]
    assert Answer.objects.get(assessment=assessment, question="ctx_population").value == "1300"
    # Choosing: send the value again with their version.
    assert put(clients["editor"], address, {"value": "1250", "version": 2}).json()["version"] == 3


@pytest.mark.parametrize(
    ("question", "value", "message"),
    [
        ("ctx_population", "0", "3,000,000"),  # the form's own constraint message
        ("ctx_population", "many", "Enter a whole number, for example 120."),
        ("ctx_hromada_type", "metropolis", "“metropolis” is not one of the answers to this question"),
        ("ctx_assessment_date", "yesterday", "Enter a date as YYYY-MM-DD"),
        ("no_such_question", "1", "The questionnaire has no question “no_such_question”."),
    ],
)
def test_an_invalid_answer_is_400_with_the_form_message(
    clients: dict[str, Client], assessment: Assessment, question: str, value: str, message: str
) -> None:
    response = put(clients["editor"], answer_url(assessment, question), {"value": value, "version": 0})
    assert response.status_code == 400
    body = response.json()
    assert body["question"] == question
    assert message in body["message"].replace("\u00a0", ",").replace(" 000", ",000"), body["message"]
    assert not Answer.objects.filter(assessment=assessment).exists()


def test_the_constraint_message_is_in_the_request_language(clients: dict[str, Client], assessment: Assessment) -> None:
    definition = assessment.round.instrument_version.definition
    question = next(q for q in definition["questions"] if q["name"] == "ctx_population")
    expected = question["constraint_message"]
    address = answer_url(assessment, "ctx_population")
    for language in ["uk", "en"]:
        response = clients["editor"].put(
            address,
            {"value": "0", "version": 0},
            content_type="application/json",
            headers={"accept-language": language},
        )
        assert response.json()["message"] == expected[language]


def test_a_malformed_body_is_400_by_field(clients: dict[str, Client], assessment: Assessment) -> None:
    response = put(clients["editor"], answer_url(assessment, "ctx_population"), {"value": {"a": 1}})
    assert response.status_code == 400
    assert set(response.json()) == {"value", "version"}


def test_answers_cannot_change_once_submitted_or_closed(
    world: World, clients: dict[str, Client], assessment: Assessment
) -> None:
    round_set_status(acting_user=world.coordinator, round_=assessment.round, status="closed")
    response = put(clients["editor"], answer_url(assessment, "ctx_population"), {"value": "5", "version": 0})
    assert response.status_code == 400
    assert "is closed" in response.json()["message"]


@pytest.mark.parametrize(("persona", "code"), [("viewer", 403), ("expert", 403), ("outsider", 404), ("anonymous", 401)])
def test_others_may_not_answer(clients: dict[str, Client], assessment: Assessment, persona: str, code: int) -> None:
    response = put(clients[persona], answer_url(assessment, "ctx_population"), {"value": "1200", "version": 0})
    assert response.status_code == code
    assert not Answer.objects.exists()


# --- evidence ------------------------------------------------------------------------------------


def test_uploading_and_removing_a_file(world: World, clients: dict[str, Client], assessment: Assessment) -> None:
    upload = SimpleUploadedFile("decision.pdf", PDF, content_type="application/pdf")
    response = clients["editor"].post(
        detail(assessment, "assessment-evidence-list"),
        {"question": "ctx_population", "file": upload, "description": "Council decision"},
        headers=ENGLISH,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    evidence = Evidence.objects.get()
    assert body["id"] == evidence.pk
    assert (body["question"], body["file_name"], body["file_size"]) == ("ctx_population", "decision.pdf", len(PDF))
    assert body["download_url"] == reverse("assessments:evidence-download", kwargs={"pk": evidence.pk})
    assert (body["url"], body["description"]) == ("", "Council decision")
    shown = clients["viewer"].get(answer_url(assessment, "ctx_population")).json()
    assert [item["id"] for item in shown["evidence"]] == [evidence.pk]

    address = detail(assessment, "assessment-evidence-detail", evidence_pk=evidence.pk)
    assert clients["viewer"].delete(address).status_code == 403
    assert clients["outsider"].delete(address).status_code == 404
    assert clients["editor"].delete(address).status_code == 204
    assert not Evidence.objects.exists()
    assert clients["editor"].delete(address).status_code == 404


def test_adding_a_link(clients: dict[str, Client], assessment: Assessment) -> None:
    response = post(
        clients["coordinator"],
        detail(assessment, "assessment-evidence-list"),
        {"question": "ctx_population", "url": "https://example.org/census", "description": "Census"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["url"], body["download_url"], body["file_name"]) == ("https://example.org/census", None, "")


def test_a_file_is_checked_by_content(clients: dict[str, Client], assessment: Assessment) -> None:
    fake = SimpleUploadedFile("decision.pdf", b"#!/bin/sh\necho not a pdf\n", content_type="application/pdf")
    response = clients["editor"].post(
        detail(assessment, "assessment-evidence-list"), {"question": "ctx_population", "file": fake}, headers=ENGLISH
    )
    assert response.status_code == 400
    assert "not an accepted kind of file" in response.json()["file"][0]
    assert not Evidence.objects.exists()


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"question": "ctx_population"}, "non_field_errors", "Attach either a file or a link."),
        ({"question": "ctx_population", "url": "ftp://example.org"}, "url", "https://"),
        ({"question": "nothing", "url": "https://example.org"}, "question", "no question"),
        ({"question": "intro", "url": "https://example.org"}, "non_field_errors", "not to notes"),
    ],
)
def test_bad_evidence_is_refused(
    clients: dict[str, Client], assessment: Assessment, body: dict[str, str], field: str, message: str
) -> None:
    response = post(clients["editor"], detail(assessment, "assessment-evidence-list"), body)
    assert response.status_code == 400
    assert message in " ".join(response.json()[field])
    assert not Evidence.objects.exists()


@pytest.mark.parametrize(("persona", "code"), [("viewer", 403), ("expert", 403), ("outsider", 404), ("anonymous", 401)])
def test_others_may_not_add_evidence(
    clients: dict[str, Client], assessment: Assessment, persona: str, code: int
) -> None:
    body = {"question": "ctx_population", "url": "https://example.org/census"}
    assert post(clients[persona], detail(assessment, "assessment-evidence-list"), body).status_code == code
    assert not Evidence.objects.exists()


# --- workflow ------------------------------------------------------------------------------------


def test_an_incomplete_assessment_is_refused_with_every_problem(
    world: World, clients: dict[str, Client], assessment: Assessment
) -> None:
    answer_save(
        acting_user=world.editor, assessment=assessment, question="ctx_population", value="1200", expected_version=0
    )
    response = post(clients["editor"], detail(assessment, "assessment-submit"))
    assert response.status_code == 400
    problems = response.json()["non_field_errors"]
    assert any("required questions are not answered" in problem for problem in problems)
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.IN_PROGRESS


def test_the_whole_workflow(world: World, clients: dict[str, Client], assessment: Assessment) -> None:
    complete(world, assessment)
    for persona, code in [("viewer", 403), ("expert", 403), ("outsider", 404), ("anonymous", 401)]:
        assert post(clients[persona], detail(assessment, "assessment-submit")).status_code == code, persona
    submitted = post(clients["editor"], detail(assessment, "assessment-submit"), {"message": "Done."})
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["state"] == "submitted"
    assert submitted.json()["may_edit"] is False

    for step in ["assessment-start-validation", "assessment-validate", "assessment-return"]:
        for persona, code in [("editor", 403), ("viewer", 403), ("expert", 403), ("outsider", 404)]:
            assert post(clients[persona], detail(assessment, step), {"message": "x"}).status_code == code, (
                step,
                persona,
            )
    assert post(clients["anonymous"], detail(assessment, "assessment-validate")).status_code == 401

    started = post(clients["coordinator"], detail(assessment, "assessment-start-validation"))
    assert started.json()["state"] == "under_validation"
    assert started.json()["may_validate"] is True

    nothing = post(clients["coordinator"], detail(assessment, "assessment-return"), {"notes": {}, "message": ""})
    assert nothing.status_code == 400
    assert "Say what to change" in nothing.json()["non_field_errors"][0]
    unknown = post(clients["coordinator"], detail(assessment, "assessment-return"), {"notes": {"nothing": "Why?"}})
    assert unknown.status_code == 400
    assert "no question" in unknown.json()["notes"][0]

    returned = post(
        clients["coordinator"],
        detail(assessment, "assessment-return"),
        {"notes": {"ctx_population": "Use the 2022 figure."}, "message": "Please check one answer."},
    )
    assert returned.status_code == 200, returned.content
    body = returned.json()
    assert body["state"] == "in_progress"
    (note,) = body["return_notes"]
    assert (note["question"], note["message"]) == ("ctx_population", "Use the 2022 figure.")
    assert note["resolve_url"] == detail(assessment, "assessment-return-note-resolve", note_pk=note["id"])

    blocked = post(clients["editor"], detail(assessment, "assessment-submit"))
    assert blocked.status_code == 400
    assert "still open" in " ".join(blocked.json()["non_field_errors"])
    assert post(clients["viewer"], note["resolve_url"]).status_code == 403
    assert post(clients["outsider"], note["resolve_url"]).status_code == 404
    resolved = post(clients["editor"], note["resolve_url"])
    assert resolved.status_code == 200
    assert resolved.json()["return_notes"] == []
    assert ReturnNote.objects.get().resolved_by == world.editor

    assert post(clients["editor"], detail(assessment, "assessment-submit")).json()["state"] == "submitted"
    validated = post(clients["coordinator"], detail(assessment, "assessment-validate"), {"message": "Thank you."})
    assert validated.status_code == 200
    body = validated.json()
    assert body["state"] == "validated"
    assert [step["to_state"] for step in body["transitions"]] == [
        "in_progress",
        "submitted",
        "under_validation",
        "in_progress",
        "submitted",
        "under_validation",
        "validated",
    ]
    assert body["transitions"][-1]["message"] == "Thank you."
    assert post(clients["coordinator"], detail(assessment, "assessment-validate")).status_code == 400
    assert AuditEntry.objects.filter(action="assessments.assessment.validated").count() == 1


# --- scores --------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", INSIDERS)
def test_the_scores_with_labels_in_the_request_language(
    world: World, clients: dict[str, Client], assessment: Assessment, persona: str
) -> None:
    complete(world, assessment)
    assessment.refresh_from_db()
    english = clients[persona].get(detail(assessment, "assessment-scores"), headers={"accept-language": "en"}).json()
    ukrainian = clients[persona].get(detail(assessment, "assessment-scores"), headers={"accept-language": "uk"}).json()
    assert english["overall_normalised"] == assessment.scores["overall_normalised"]
    assert english["completeness"] == "100.00"
    assert len(english["dimensions"]) == 15
    definition = assessment.round.instrument_version.definition
    groups = {group["name"]: group for group in definition["groups"]}
    for en, uk in zip(english["dimensions"], ukrainian["dimensions"], strict=True):
        assert en["label"] == groups[en["name"]]["label"]["en"]
        assert uk["label"] == groups[uk["name"]]["label"]["uk"]
        if en["maturity_level"] is not None:
            assert en["maturity_label"]
            assert uk["maturity_label"]
    assert english["fields"][0]["name"] == "Safety, security and resilience"
    assert ukrainian["fields"][0]["name"] != english["fields"][0]["name"]


def test_an_assessment_not_started_has_empty_scores(clients: dict[str, Client], assessment: Assessment) -> None:
    body = clients["editor"].get(detail(assessment, "assessment-scores"), headers=ENGLISH).json()
    assert body["overall_normalised"] is None
    assert len(body["dimensions"]) == 15
    assert all(dimension["normalised"] is None for dimension in body["dimensions"])
    assert body["answered"] == 0


# --- training needs ------------------------------------------------------------------------------


def _validated(world: World, assessment: Assessment) -> None:
    complete(world, assessment)
    assessment_submit(acting_user=world.editor, assessment=assessment)
    assessment_validate(acting_user=world.coordinator, assessment=assessment)


@pytest.mark.parametrize("persona", INSIDERS)
def test_training_needs_for_insiders(
    world: World, clients: dict[str, Client], assessment: Assessment, persona: str
) -> None:
    Round.objects.filter(pk=assessment.round_id).update(training_threshold=Decimal(101))
    _validated(world, assessment)
    response = clients[persona].get(api("hromada-training-needs", katottg=world.hromada.katottg), headers=ENGLISH)
    assert response.status_code == 200
    body = response.json()
    assert body["assessment"] == detail(assessment)
    assert body["round"]["id"] == assessment.round_id
    assert body["threshold"] == "101.00"
    scored = [d for d in assessment.scores["dimensions"] if d["normalised"] is not None]
    assert len(body["needs"]) == len(scored)
    values = [Decimal(need["normalised"]) for need in body["needs"]]
    assert values == sorted(values)  # weakest first
    assert body["needs"][0]["label"]
    assert body["needs"][0]["field_label"]


@pytest.mark.parametrize("persona", ["outsider", "anonymous"])
def test_training_needs_are_hidden_from_others(
    world: World, clients: dict[str, Client], assessment: Assessment, persona: str
) -> None:
    _validated(world, assessment)
    assert clients[persona].get(api("hromada-training-needs", katottg=world.hromada.katottg)).status_code == 404


def test_training_needs_without_a_validated_assessment(
    world: World, clients: dict[str, Client], assessment: Assessment
) -> None:
    address = api("hromada-training-needs", katottg=world.hromada.katottg)
    body = clients["viewer"].get(address).json()
    assert (body["assessment"], body["needs"]) == (None, [])
    assert clients["coordinator"].get(address).status_code == 200
    assert clients["outsider"].get(address).status_code == 404
    assert clients["viewer"].get(api("hromada-training-needs", katottg="UA99999999999999999")).status_code == 404


# --- schema --------------------------------------------------------------------------------------


def test_every_endpoint_is_in_the_schema() -> None:
    from vidnova.api.docs import generate_schema

    schema = generate_schema()
    expected = {
        "/api/v1/rounds/": {"get", "post"},
        "/api/v1/rounds/{id}/": {"get", "patch"},
        "/api/v1/rounds/{id}/close/": {"post"},
        "/api/v1/rounds/{id}/reopen/": {"post"},
        "/api/v1/rounds/{id}/hromadas/": {"post"},
        "/api/v1/assessments/": {"get"},
        "/api/v1/assessments/{id}/": {"get"},
        "/api/v1/assessments/{id}/answers/{question}/": {"get", "put"},
        "/api/v1/assessments/{id}/evidence/": {"post"},
        "/api/v1/assessments/{id}/evidence/{evidence_pk}/": {"delete"},
        "/api/v1/assessments/{id}/submit/": {"post"},
        "/api/v1/assessments/{id}/start-validation/": {"post"},
        "/api/v1/assessments/{id}/validate/": {"post"},
        "/api/v1/assessments/{id}/return/": {"post"},
        "/api/v1/assessments/{id}/return-notes/{note_pk}/resolve/": {"post"},
        "/api/v1/assessments/{id}/scores/": {"get"},
        "/api/v1/hromadas/{katottg}/training-needs/": {"get"},
    }
    for address, methods in expected.items():
        operations = schema["paths"][address]
        assert set(operations) - {"parameters"} == methods, address
        for method in methods:
            assert operations[method]["summary"], (address, method)
            assert "404" in operations[method]["responses"] or address in {"/api/v1/rounds/", "/api/v1/assessments/"}
    put_answer = schema["paths"]["/api/v1/assessments/{id}/answers/{question}/"]["put"]
    assert set(put_answer["responses"]) == {"200", "400", "401", "403", "404", "409"}
    assert put_answer["responses"]["409"]["content"]["application/json"]["schema"]["$ref"].endswith("/AnswerConflict")
    evidence = schema["paths"]["/api/v1/assessments/{id}/evidence/"]["post"]["requestBody"]["content"]
    assert {"multipart/form-data", "application/json"} <= set(evidence)
    components = schema["components"]["schemas"]
    assert components["AssessmentStateEnum"]["enum"] == AssessmentState.values
    scores = components["Scores"]["properties"]
    assert {"dimensions", "fields", "overall_normalised", "completeness"} <= set(scores)
    assert all(prop.get("description") for prop in components["DimensionScore"]["properties"].values())
