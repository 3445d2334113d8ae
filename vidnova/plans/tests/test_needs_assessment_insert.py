"""Inserting the hromada's validated needs-assessment results into the NEEDS section of a plan."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client

from conftest import World
from vidnova.assessments import demo as assessment_demo
from vidnova.assessments.models import Assessment, AssessmentState, DimensionResult
from vidnova.assessments.services import instrument_load_default
from vidnova.assessments.services.rounds import round_open
from vidnova.assessments.services.scores import form_of
from vidnova.assessments.services.workflow import assessment_submit, assessment_validate
from vidnova.audit.models import AuditEntry
from vidnova.plans.services.sections import (
    NEEDS_HEADINGS,
    section_insert_needs_assessment,
    section_save,
)
from vidnova.plans.tests.test_sections_support import english, new_plan, page_url, section_of

pytestmark = pytest.mark.django_db


def _assessment(world: World, *, validate: bool = True) -> Assessment:
    """A real assessment of the persona hromada: opened, answered in full, submitted (and validated)."""
    version = instrument_load_default()
    round_ = round_open(
        acting_user=world.coordinator,
        programme=world.programme,
        instrument_version=version,
        name_uk="Базове оцінювання 2026",
        name_en="Baseline 2026",
        opens_on=datetime.date(2026, 2, 1),
        deadline=datetime.date(2026, 4, 30),
        hromadas=[world.hromada],
    )
    assessment = round_.assessments.get()
    answers = assessment_demo.demo_answers(form_of(version), world.hromada)
    assessment_demo._write_answers(assessment, answers, world.editor)
    assessment_submit(acting_user=world.editor, assessment=assessment)
    if validate:
        assessment_validate(acting_user=world.coordinator, assessment=assessment)
    assessment.refresh_from_db()
    return assessment


def _plain(html: str) -> str:
    return " ".join(html.split())


def test_results_are_inserted_with_source_and_date_and_replaced_on_the_next_insert(world: World) -> None:
    assessment = _assessment(world)
    section = section_of(new_plan(world), "needs")
    section = section_save(
        acting_user=world.editor,
        section=section,
        expected_version=1,
        body_uk="<p>Потреби ветеранів і ВПО.</p>",
        body_en="<p>Needs of veterans and displaced people.</p>",
    )

    saved = section_insert_needs_assessment(acting_user=world.editor, section=section, expected_version=2)

    assert saved.version == 3
    uk, en = _plain(saved.body_uk), _plain(saved.body_en)
    assert uk.startswith("<h3>Результати оцінювання потреб</h3>")
    assert en.startswith("<h3>Needs-assessment results</h3>")
    assert uk.endswith("<p>Потреби ветеранів і ВПО.</p>")  # the text written before is kept, after the data
    assert en.endswith("<p>Needs of veterans and displaced people.</p>")
    # Every scored dimension with its normalised score and maturity level, and the fields.
    results = DimensionResult.objects.filter(assessment=assessment, normalised__isnull=False)
    assert results.count() >= 14
    weakest = results.order_by("normalised").first()
    assert weakest is not None
    assert weakest.normalised is not None
    score_en = str(weakest.normalised.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
    assert score_en in en
    assert score_en.replace(".", ",") in uk
    assert "1.1 Organisation of civil protection" in en
    assert "1.1 Організація цивільного захисту" in uk
    assert en.count("<strong>Field ") == 3
    assert '<th scope="col">Score (0–100)</th>' in en
    assert "Weakest dimensions" in en
    assert "Training needs (dimensions scoring below 50.0)" in en
    # The source and its date.
    validated_on = assessment.validated_at.date() if assessment.validated_at else None
    assert validated_on is not None
    assert "Source: needs assessment “Baseline 2026” (Vidnova), validated on" in en
    assert f"{validated_on.day} " in en
    assert "Джерело: оцінювання потреб «Базове оцінювання 2026» (Vidnova), затверджено" in uk
    assert saved.revisions.count() == 2
    entry = AuditEntry.objects.get(action="plans.section.assessment_inserted")
    assert entry.actor == world.editor
    assert entry.data["assessment"] == assessment.pk
    assert entry.hromada == world.hromada

    # Inserting again replaces the block: still one heading, the hromada's own text still there.
    section_save(
        acting_user=world.editor,
        section=saved,
        expected_version=3,
        body_uk=saved.body_uk + "<p>Додатковий абзац.</p>",
        body_en=saved.body_en,
    )
    saved.refresh_from_db()
    again = section_insert_needs_assessment(acting_user=world.editor, section=saved, expected_version=4)
    assert again.body_uk.count(NEEDS_HEADINGS["uk"]) == 1
    assert again.body_en.count(NEEDS_HEADINGS["en"]) == 1
    assert "Потреби ветеранів і ВПО." in again.body_uk
    assert "Додатковий абзац." in again.body_uk
    # Nothing changed since the last insert: no new revision.
    assert again.version == 4


def test_without_a_validated_assessment_nothing_is_inserted_and_the_reason_is_given(world: World) -> None:
    section = section_of(new_plan(world), "needs")
    with pytest.raises(ValidationError, match="has not taken part in an assessment round"):
        section_insert_needs_assessment(acting_user=world.editor, section=section, expected_version=1)
    _assessment(world, validate=False)
    with pytest.raises(ValidationError, match=r"is submitted\. The results can be inserted once a coordinator"):
        section_insert_needs_assessment(acting_user=world.editor, section=section, expected_version=1)
    section.refresh_from_db()
    assert section.version == 1
    assert section.body_uk == ""
    assert not AuditEntry.objects.filter(action="plans.section.assessment_inserted").exists()


def test_results_only_go_into_the_needs_section(world: World) -> None:
    _assessment(world)
    section = section_of(new_plan(world), "profile")
    with pytest.raises(ValidationError, match="can only be inserted into the section"):
        section_insert_needs_assessment(acting_user=world.editor, section=section, expected_version=1)


def test_access_outsiders_404_readers_403(world: World) -> None:
    _assessment(world)
    section = section_of(new_plan(world), "needs")
    with pytest.raises(Http404):
        section_insert_needs_assessment(acting_user=world.outsider, section=section, expected_version=1)
    with pytest.raises(PermissionDenied):
        section_insert_needs_assessment(acting_user=world.viewer, section=section, expected_version=1)


# --- the page -----------------------------------------------------------------------------------


def _html(response: Any) -> str:
    return str(response.content.decode())


def test_the_needs_page_offers_the_insert_and_it_works(world: World, clients: dict[str, Client]) -> None:
    assessment = _assessment(world)
    plan = new_plan(world)
    client = english(clients["editor"])
    page = _html(client.get(page_url("section-detail", plan, "needs")))
    assert "Insert needs-assessment results" in page
    assert "Baseline 2026" in page
    assert page_url("section-needs-assessment", plan, "needs") in page

    response = client.post(page_url("section-needs-assessment", plan, "needs"), {"version": 1}, follow=True)
    assert response.status_code == 200
    text = _html(response)
    assert "The needs-assessment results were inserted into the text." in text
    assert "Needs-assessment results</h3>" in text
    section = section_of(plan, "needs")
    assert section.version == 2
    assert assessment.round.name_en in section.body_en

    # A stale version is refused with a message and changes nothing.
    stale = client.post(page_url("section-needs-assessment", plan, "needs"), {"version": 1}, follow=True)
    assert "Someone changed this section after you opened it" in _html(stale)
    assert section_of(plan, "needs").version == 2


def test_without_results_the_page_says_why(world: World, clients: dict[str, Client]) -> None:
    _assessment(world, validate=False)
    plan = new_plan(world)
    page = _html(english(clients["editor"]).get(page_url("section-detail", plan, "needs")))
    assert "Insert needs-assessment results" in page
    assert "has no validated needs assessment yet" in page
    assert page_url("section-needs-assessment", plan, "needs") not in page


def test_other_sections_and_readers_get_no_insert(world: World, clients: dict[str, Client]) -> None:
    _assessment(world)
    plan = new_plan(world)
    assert "Insert needs-assessment results" not in _html(
        english(clients["editor"]).get(page_url("section-detail", plan, "profile"))
    )
    assert "Insert needs-assessment results" not in _html(
        english(clients["viewer"]).get(page_url("section-detail", plan, "needs"))
    )
    url = page_url("section-needs-assessment", plan, "needs")
    assert clients["viewer"].post(url, {"version": 1}).status_code == 403
    assert clients["outsider"].post(url, {"version": 1}).status_code == 404
    assert clients["anonymous"].post(url, {"version": 1}).status_code == 302
    assert section_of(plan, "needs").version == 1
    assert Assessment.objects.get().state == AssessmentState.VALIDATED
