"""The validation page and the workflow emails: staff take, validate or return (with per-question
comments); members and experts get 403, outsiders 404; each step emails the people concerned in their
own language after the commit."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from conftest import World
from vidnova.accounts.models import Role, User
from vidnova.assessments.models import Assessment, AssessmentState, ReturnNote
from vidnova.assessments.services import instrument_load_default
from vidnova.assessments.services.answers import answer_save
from vidnova.assessments.services.rounds import round_open
from vidnova.assessments.services.workflow import assessment_return, assessment_validate
from vidnova.assessments.tasks import send_workflow_notifications
from vidnova.testing import factories

pytestmark = pytest.mark.django_db
Capture = Callable[..., Any]


@pytest.fixture
def assessment(world: World) -> Assessment:
    version = instrument_load_default()
    round_ = round_open(
        acting_user=world.coordinator,
        programme=world.programme,
        instrument_version=version,
        name_uk="Базове оцінювання",
        name_en="Baseline assessment",
        opens_on=datetime.date(2026, 12, 1),
        deadline=datetime.date(2027, 1, 31),
        hromadas=[world.hromada],
    )
    assessment = round_.assessments.get()
    answer_save(
        acting_user=world.editor, assessment=assessment, question="f1_org_commission", value="2", expected_version=0
    )
    Assessment.objects.filter(pk=assessment.pk).update(state=AssessmentState.SUBMITTED)
    assessment.refresh_from_db()
    return assessment


@pytest.fixture
def english_editor(world: World) -> User:
    user = factories.UserFactory(email="second.editor@example.org", preferred_language="en")
    factories.MembershipFactory(user=user, role=Role.HROMADA_EDITOR, hromada=world.hromada)
    return user


def url(assessment: Assessment) -> str:
    return reverse("assessments:review", args=[assessment.pk])


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator", 200),
        ("admin", 200),
        ("editor", 403),
        ("viewer", 403),
        ("expert", 403),
        ("outsider", 404),
        ("anonymous", 404),
    ],
)
def test_review_page_access(clients: dict[str, Client], assessment: Assessment, persona: str, status: int) -> None:
    assert clients[persona].get(url(assessment)).status_code == status


def test_review_page_shows_answers_in_the_users_language(clients: dict[str, Client], assessment: Assessment) -> None:
    client = clients["coordinator"]
    client.cookies["vidnova_language"] = "en"
    html = client.get(url(assessment), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert (
        "How does the hromada&#x27;s commission on technogenic and environmental safety and emergencies work?" in html
    )
    assert "2 — Defined" in html or "2 —" in html
    assert 'name="note-f1_org_commission"' in html
    assert "Take for validation" in html


@pytest.mark.parametrize("persona", ["editor", "viewer", "expert"])
def test_members_cannot_validate(clients: dict[str, Client], assessment: Assessment, persona: str) -> None:
    response = clients[persona].post(url(assessment), {"action": "validate"})
    assert response.status_code == 403
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.SUBMITTED


def test_outsider_cannot_validate(clients: dict[str, Client], assessment: Assessment) -> None:
    assert clients["outsider"].post(url(assessment), {"action": "validate"}).status_code == 404


def test_take_then_validate(
    clients: dict[str, Client], assessment: Assessment, django_capture_on_commit_callbacks: Capture
) -> None:
    client = clients["coordinator"]
    assert client.post(url(assessment), {"action": "start"}).status_code == 302
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.UNDER_VALIDATION
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(assessment), {"action": "validate", "message": "Дякуємо"})
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.VALIDATED
    assert [m.to for m in mail.outbox] == [["editor@example.org"]]


def test_return_with_question_notes(
    clients: dict[str, Client], assessment: Assessment, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = clients["coordinator"].post(
            url(assessment),
            {"action": "return", "note-f1_org_commission": "Додайте протоколи засідань.", "note-unknown": "x"},
        )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.IN_PROGRESS
    [note] = ReturnNote.objects.filter(assessment=assessment)
    assert note.question == "f1_org_commission"
    assert note.message == "Додайте протоколи засідань."
    [message] = mail.outbox
    assert "Додайте протоколи засідань." in message.body


def test_return_without_any_comment_is_refused(clients: dict[str, Client], assessment: Assessment) -> None:
    response = clients["coordinator"].post(url(assessment), {"action": "return", "message": " "})
    assert response.status_code == 400
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.SUBMITTED
    assert not ReturnNote.objects.exists()


def test_unknown_action_is_refused(clients: dict[str, Client], assessment: Assessment) -> None:
    assert clients["coordinator"].post(url(assessment), {"action": "delete"}).status_code == 400


def test_a_draft_cannot_be_validated(clients: dict[str, Client], assessment: Assessment) -> None:
    Assessment.objects.filter(pk=assessment.pk).update(state=AssessmentState.IN_PROGRESS)
    response = clients["coordinator"].post(url(assessment), {"action": "validate"})
    assert response.status_code == 400
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.IN_PROGRESS


# --- emails --------------------------------------------------------------------------------------


def test_returned_email_in_each_editors_language(
    world: World, assessment: Assessment, english_editor: User, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assessment_return(
            acting_user=world.coordinator,
            assessment=assessment,
            notes={"f1_org_commission": "Add the minutes."},
            message="Please add evidence.",
        )
    assert sorted(m.to[0] for m in mail.outbox) == ["editor@example.org", "second.editor@example.org"]
    english = next(m for m in mail.outbox if m.to == ["second.editor@example.org"])
    assert english.subject == "Assessment returned with comments: Baseline assessment"
    assert "Please add evidence." in english.body
    assert "How does the hromada's commission" in english.body
    assert "Add the minutes." in english.body
    assert '<html lang="en">' in str(english.alternatives[0][0])  # type: ignore[attr-defined]
    ukrainian = next(m for m in mail.outbox if m.to == ["editor@example.org"])
    assert ukrainian.body.startswith("Добрий день!")
    assert "Як працює комісія" in ukrainian.body


def test_validated_email_goes_to_editors_not_viewers_or_the_validator(
    world: World, assessment: Assessment, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assessment_validate(acting_user=world.coordinator, assessment=assessment)
    assert [m.to for m in mail.outbox] == [["editor@example.org"]]
    assert reverse("assessments:hromada-results", args=[world.hromada.katottg]) in mail.outbox[0].body


def test_nothing_is_sent_without_commit(
    world: World, assessment: Assessment, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assessment_validate(acting_user=world.coordinator, assessment=assessment)
    assert len(callbacks) == 1
    assert mail.outbox == []


def test_submitted_email_goes_to_programme_staff(world: World, assessment: Assessment) -> None:
    sent = send_workflow_notifications.enqueue(assessment.pk, "submitted", world.editor.pk, None)
    assert sent.return_value == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["admin@example.org", "coordinator@example.org"]
    assert reverse("assessments:review", args=[assessment.pk]) in mail.outbox[0].body


def test_task_tolerates_missing_rows(world: World) -> None:
    assert send_workflow_notifications.enqueue(999_999, "validated", None, None).return_value == 0
    assert mail.outbox == []
