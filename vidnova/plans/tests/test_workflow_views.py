"""The workflow page and its forms: who sees what, steps with their reasons shown before anyone
clicks, refusals and conflicts, participation dates, the principles checklist, adoption with the
signed act, registration, amendments and the act download."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.http import FileResponse
from django.test import Client
from django.urls import reverse

from conftest import World
from vidnova.plans.models import Plan, PlanState, PlanTransition, PlanType, PlanVersion, PrincipleCheck
from vidnova.plans.selectors.plans import current_version
from vidnova.plans.tests.test_workflow_helpers import (
    PNG_BYTES,
    TODAY,
    freeze_today,
    pdf_upload,
    ready_to_adopt,
    ready_to_consult,
)
from vidnova.plans.workflow import WORKFLOWS
from vidnova.testing.factories import make_plan

S = PlanState
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def english(clients: dict[str, Client]) -> None:
    for client in clients.values():
        client.cookies["vidnova_language"] = "en"


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> datetime.date:
    return freeze_today(monkeypatch)


@pytest.fixture
def plan(world: World) -> Plan:
    return make_plan(world.hromada, programme=world.programme)


def page_url(plan: Plan) -> str:
    return reverse("plans:plan-workflow", kwargs={"pk": plan.pk})


def url(name: str, plan: Plan) -> str:
    return reverse(f"plans:{name}", kwargs={"pk": plan.pk})


def at(plan: Plan, state: str) -> Plan:
    Plan.objects.filter(pk=plan.pk).update(state=state)
    plan.refresh_from_db()
    return plan


def text_of(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --- the page -------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["anonymous", "outsider"])
def test_the_page_is_private(clients: dict[str, Client], plan: Plan, persona: str) -> None:
    assert clients[persona].get(page_url(plan)).status_code == 404


def test_outsiders_get_404_even_on_an_adopted_plan(clients: dict[str, Client], world: World, plan: Plan) -> None:
    PlanVersion.objects.filter(plan=plan).update(
        adopted_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
        act_number="1",
        act_date=datetime.date(2026, 1, 1),
        adopting_body="council",
    )
    Plan.objects.filter(pk=plan.pk).update(public_version=current_version(plan), state=S.ADOPTED)
    assert clients["outsider"].get(page_url(plan)).status_code == 404


def test_the_path_marks_the_current_stage(clients: dict[str, Client], plan: Plan) -> None:
    at(plan, S.DRAFT)
    response = clients["editor"].get(page_url(plan))
    assert response.status_code == 200
    html = text_of(response)
    current = re.findall(r'<li class="workflow-stage stage-current" aria-current="step">.*?</li>', html)
    assert len(current) == 1
    assert "Draft" in current[0]
    assert html.index("Scoping") < html.index("Prioritisation") < html.index("Consultation")
    assert 'class="workflow-stage stage-done"' in html
    assert 'class="workflow-stage stage-next"' in html


def test_reasons_are_shown_beside_the_step_before_anyone_clicks(
    clients: dict[str, Client], plan: Plan, today: datetime.date
) -> None:
    at(plan, S.DRAFT)
    html = text_of(clients["editor"].get(page_url(plan)))
    assert re.search(
        r'<button type="submit" name="target" value="consultation" aria-disabled="true" aria-describedby="why-consultation">'
        r"Open the public consultation</button>",
        html,
    )
    reasons = re.search(r'<div class="step-problems" id="why-consultation">(.*?)</div>', html)
    assert reasons is not None
    assert "Only programme coordinators may open the public consultation." in reasons.group(1)
    assert "Required sections are empty: General description of the hromada," in reasons.group(1)
    assert "The goal tree needs a vision and at least one strategic goal." in reasons.group(1)
    assert "Set the dates of the consultation first." in reasons.group(1)

    ready_to_consult(plan, today)
    html = text_of(clients["coordinator"].get(page_url(plan)))
    assert '<button type="submit" name="target" value="consultation">Open the public consultation</button>' in html
    assert 'id="why-consultation"' not in html


@pytest.mark.parametrize("persona", ["viewer", "expert"])
def test_readers_see_the_stages_but_no_forms(clients: dict[str, Client], plan: Plan, persona: str) -> None:
    response = clients[persona].get(page_url(plan))
    assert response.status_code == 200
    html = text_of(response)
    assert 'aria-current="step"' in html
    assert '<form method="post" action="' + url("workflow-transition", plan) not in html
    assert url("workflow-principles", plan) not in html
    assert url("workflow-dates", plan) not in html
    assert "Editors of the hromada and programme coordinators move the plan from stage to stage." in html
    assert '<table class="principles-table">' in html


def test_the_page_is_ukrainian_by_default(world: World, plan: Plan) -> None:
    client = Client()
    client.force_login(world.editor)
    response = client.get(page_url(plan))
    assert response.status_code == 200
    assert '<html lang="uk">' in response.content.decode()


def test_the_page_costs_a_fixed_number_of_queries(
    clients: dict[str, Client], plan: Plan, today: datetime.date, django_assert_max_num_queries: Any
) -> None:
    at(plan, S.CONSULTATION)
    ready_to_adopt(plan, today)
    for _index in range(5):
        PlanTransition.objects.create(
            plan=plan, plan_version=current_version(plan), from_state="draft", to_state="consultation"
        )
    with django_assert_max_num_queries(15):
        assert clients["editor"].get(page_url(plan)).status_code == 200


# --- steps ----------------------------------------------------------------------------------------


def post_step(client: Client, plan: Plan, target: str, note: str = "", version: int | None = None) -> Any:
    plan.refresh_from_db()
    return client.post(
        url("workflow-transition", plan),
        {"target": target, "note": note, "version": plan.version if version is None else version},
    )


def test_an_editor_moves_the_plan_on(clients: dict[str, Client], plan: Plan) -> None:
    response = post_step(clients["editor"], plan, S.SITUATION_ANALYSIS, note="Почали аналіз")
    assert response.status_code == 302
    assert response["Location"] == page_url(plan)
    plan.refresh_from_db()
    assert plan.state == S.SITUATION_ANALYSIS
    html = text_of(clients["editor"].get(page_url(plan)))
    assert "The plan is now at the stage “situation analysis”." in html
    assert "Почали аналіз" in html  # the history


def test_a_refused_step_shows_the_reasons_and_changes_nothing(clients: dict[str, Client], plan: Plan) -> None:
    at(plan, S.DRAFT)
    response = post_step(clients["editor"], plan, S.CONSULTATION)
    assert response.status_code == 400
    html = text_of(response)
    assert '<div class="message message-error" role="alert" tabindex="-1" id="steps-errors">' in html
    assert "Only programme coordinators may open the public consultation." in html
    plan.refresh_from_db()
    assert plan.state == S.DRAFT
    assert not PlanTransition.objects.filter(plan=plan).exists()


def test_going_back_without_a_note_is_refused(clients: dict[str, Client], plan: Plan) -> None:
    at(plan, S.CONSULTATION)
    response = post_step(clients["coordinator"], plan, S.DRAFT)
    assert response.status_code == 400
    assert "Say why the plan goes back: a note is required." in text_of(response)
    plan.refresh_from_db()
    assert plan.state == S.CONSULTATION


def test_a_stale_page_is_a_conflict(clients: dict[str, Client], plan: Plan) -> None:
    plan.refresh_from_db()
    stale = plan.version
    assert post_step(clients["coordinator"], plan, S.SITUATION_ANALYSIS).status_code == 302
    response = post_step(clients["editor"], plan, S.NEEDS_AND_PARTICIPATION, version=stale)
    assert response.status_code == 409
    assert (
        "Someone else changed this plan while you had the page open; it is now at the stage “situation analysis”."
        in text_of(response)
    )
    plan.refresh_from_db()
    assert plan.state == S.SITUATION_ANALYSIS


@pytest.mark.parametrize(("persona", "expected"), [("viewer", 403), ("expert", 403), ("outsider", 404)])
def test_others_may_not_move_the_plan(clients: dict[str, Client], plan: Plan, persona: str, expected: int) -> None:
    assert post_step(clients[persona], plan, S.SITUATION_ANALYSIS).status_code == expected
    plan.refresh_from_db()
    assert plan.state == S.SCOPING


def test_anonymous_posts_are_sent_to_sign_in(clients: dict[str, Client], plan: Plan) -> None:
    response = post_step(clients["anonymous"], plan, S.SITUATION_ANALYSIS)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"] or "login" in response["Location"]
    plan.refresh_from_db()
    assert plan.state == S.SCOPING


# --- participation dates --------------------------------------------------------------------------


def test_dates_are_saved(clients: dict[str, Client], plan: Plan) -> None:
    response = clients["editor"].post(
        url("workflow-dates", plan), {"consultation_starts_on": "2026-04-01", "consultation_ends_on": "2026-04-14"}
    )
    assert response.status_code == 302
    version = current_version(plan)
    assert (version.consultation_starts_on, version.consultation_ends_on) == (
        datetime.date(2026, 4, 1),
        datetime.date(2026, 4, 14),
    )


def test_dates_in_the_wrong_order_are_refused(clients: dict[str, Client], plan: Plan) -> None:
    response = clients["editor"].post(
        url("workflow-dates", plan), {"consultation_starts_on": "2026-04-14", "consultation_ends_on": "2026-04-01"}
    )
    assert response.status_code == 400
    assert "The period must end on or after the day it starts." in text_of(response)
    assert current_version(plan).consultation_starts_on is None


def test_a_programme_shows_the_proposals_period_and_locks_it_once_over(
    clients: dict[str, Client], world: World
) -> None:
    plan = make_plan(
        world.hromada, programme=world.programme, plan_type=PlanType.COMPREHENSIVE_RECOVERY_PROGRAMME, state=S.DRAFTING
    )
    PlanVersion.objects.filter(plan=plan).update(
        proposals_starts_on=datetime.date(2026, 1, 1), proposals_ends_on=datetime.date(2026, 1, 10)
    )
    html = text_of(clients["editor"].get(page_url(plan)))
    assert "Collection of proposals from" in html
    assert "Public discussion until" in html
    assert re.search(r'name="proposals_starts_on" value="2026-01-01"[^>]*disabled', html)
    # A disabled date posted anyway is ignored: the kept value stays.
    response = clients["editor"].post(
        url("workflow-dates", plan),
        {
            "proposals_starts_on": "2026-02-01",
            "consultation_starts_on": "2026-05-01",
            "consultation_ends_on": "2026-05-30",
        },
    )
    assert response.status_code == 302
    version = current_version(plan)
    assert version.proposals_starts_on == datetime.date(2026, 1, 1)
    assert version.consultation_ends_on == datetime.date(2026, 5, 30)


@pytest.mark.parametrize(("persona", "expected"), [("viewer", 403), ("expert", 403), ("outsider", 404)])
def test_others_may_not_set_dates(clients: dict[str, Client], plan: Plan, persona: str, expected: int) -> None:
    response = clients[persona].post(url("workflow-dates", plan), {"consultation_starts_on": "2026-04-01"})
    assert response.status_code == expected
    assert current_version(plan).consultation_starts_on is None


# --- principles -----------------------------------------------------------------------------------


def checklist_post(plan: Plan, **changes: dict[str, Any]) -> dict[str, Any]:
    """What the checklist form sends: every line as loaded (with its hidden initial values), with
    ``changes`` applied to the lines named."""
    data: dict[str, Any] = {}
    for check in PrincipleCheck.objects.filter(plan_version=current_version(plan)):
        prefix = f"principle-{check.principle}"
        values = {
            "is_met": check.is_met,
            "justification_uk": check.justification_uk,
            "justification_en": check.justification_en,
        }
        for name, value in values.items():
            data[f"initial-{prefix}-{name}"] = str(value)
        data[f"{prefix}-version"] = check.version
        values.update(changes.get(check.principle, {}))
        if values["is_met"]:
            data[f"{prefix}-is_met"] = "on"
        data[f"{prefix}-justification_uk"] = values["justification_uk"]
        data[f"{prefix}-justification_en"] = values["justification_en"]
    return data


def test_the_checklist_saves_the_changed_lines(clients: dict[str, Client], plan: Plan) -> None:
    html = text_of(clients["editor"].get(page_url(plan)))
    assert "Principles of comprehensive recovery (CMU Resolution 1159)" in html
    assert "Lugano principles of Ukraine&#x27;s recovery" in html
    assert html.count('<fieldset class="principle"') == 16

    data = checklist_post(plan, inclusiveness={"is_met": True, "justification_uk": "Доступні укриття"})
    response = clients["editor"].post(url("workflow-principles", plan), data)
    assert response.status_code == 302
    checks = {c.principle: c for c in PrincipleCheck.objects.filter(plan_version=current_version(plan))}
    assert (
        checks["inclusiveness"].is_met,
        checks["inclusiveness"].justification_uk,
        checks["inclusiveness"].version,
    ) == (
        True,
        "Доступні укриття",
        2,
    )
    assert all(check.version == 1 for code, check in checks.items() if code != "inclusiveness")


def test_a_line_saved_by_someone_else_is_shown_not_overwritten(clients: dict[str, Client], plan: Plan) -> None:
    loaded = checklist_post(plan, inclusiveness={"is_met": True, "justification_uk": "Моя версія"})
    # The coordinator saves inclusiveness and energy efficiency in between.
    other = checklist_post(
        plan,
        inclusiveness={"is_met": True, "justification_uk": "Версія координатора"},
        energy_efficiency={"is_met": True, "justification_uk": "Утеплення шкіл"},
    )
    assert clients["coordinator"].post(url("workflow-principles", plan), other).status_code == 302
    # The editor's form changed inclusiveness (conflict) and sustainability; energy efficiency was untouched.
    loaded["principle-lugano_sustainability-is_met"] = "on"
    loaded["principle-lugano_sustainability-justification_uk"] = "Сталість"
    response = clients["editor"].post(url("workflow-principles", plan), loaded)

    assert response.status_code == 409
    html = text_of(response)
    assert "Someone else saved this principle while you were editing it." in html
    assert "Версія координатора" in html
    assert "Моя версія" in html
    checks = {c.principle: c for c in PrincipleCheck.objects.filter(plan_version=current_version(plan))}
    assert checks["inclusiveness"].justification_uk == "Версія координатора"
    assert checks["energy_efficiency"].justification_uk == "Утеплення шкіл", "an untouched line is not a conflict"
    assert checks["lugano_sustainability"].justification_uk == "Сталість", "the other changed lines are saved"

    # Saving the shown form again replaces the line with the editor's text.
    again = re.search(r'name="principle-inclusiveness-version" value="(\d+)"', html)
    assert again is not None
    assert again.group(1) == str(checks["inclusiveness"].version)
    resend = checklist_post(plan, inclusiveness={"is_met": True, "justification_uk": "Моя версія"})
    assert clients["editor"].post(url("workflow-principles", plan), resend).status_code == 302
    assert (
        PrincipleCheck.objects.get(plan_version=current_version(plan), principle="inclusiveness").justification_uk
        == "Моя версія"
    )


def test_confirming_without_justification_is_refused_next_to_the_line(clients: dict[str, Client], plan: Plan) -> None:
    data = checklist_post(plan, inclusiveness={"is_met": True, "justification_uk": ""})
    response = clients["editor"].post(url("workflow-principles", plan), data)
    assert response.status_code == 400
    assert "Say in Ukrainian how the plan follows this principle." in text_of(response)
    assert not PrincipleCheck.objects.get(plan_version=current_version(plan), principle="inclusiveness").is_met


@pytest.mark.parametrize(("persona", "expected"), [("viewer", 403), ("expert", 403), ("outsider", 404)])
def test_others_may_not_fill_the_checklist(clients: dict[str, Client], plan: Plan, persona: str, expected: int) -> None:
    data = checklist_post(plan, inclusiveness={"is_met": True, "justification_uk": "Так"})
    assert clients[persona].post(url("workflow-principles", plan), data).status_code == expected
    assert not PrincipleCheck.objects.get(plan_version=current_version(plan), principle="inclusiveness").is_met


# --- adoption, registration, amendment, the act ----------------------------------------------------


def adoption_post(plan: Plan, **overrides: Any) -> dict[str, Any]:
    plan.refresh_from_db()
    data: dict[str, Any] = {
        "adopting_body": "council",
        "act_number": "12-4/VIII",
        "act_date": TODAY.isoformat(),
        "act_document": pdf_upload("рішення.pdf"),
        "note": "",
        "version": plan.version,
    }
    data.update(overrides)
    return data


def test_the_adoption_form_appears_when_adoption_is_next(clients: dict[str, Client], plan: Plan) -> None:
    assert 'id="adoption"' not in text_of(clients["editor"].get(page_url(plan)))
    at(plan, S.CONSULTATION)
    html = text_of(clients["editor"].get(page_url(plan)))
    assert 'enctype="multipart/form-data"' in html
    assert 'accept="application/pdf,.pdf"' in html
    assert "Set the dates of the consultation first." in html


def test_the_adoption_is_recorded_and_the_act_is_public(
    clients: dict[str, Client], plan: Plan, today: datetime.date
) -> None:
    at(plan, S.CONSULTATION)
    ready_to_adopt(plan, today)
    response = clients["editor"].post(url("workflow-adopt", plan), adoption_post(plan))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.state == S.ADOPTED
    version = current_version(plan)
    assert version.is_frozen
    html = text_of(clients["editor"].get(page_url(plan)))
    act_url = reverse("plans:act-download", kwargs={"pk": plan.pk, "number": 1})
    assert act_url in html
    assert "adopted, public" in html
    assert 'id="amendment"' in html

    download = clients["anonymous"].get(act_url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment; filename=")
    assert download["Content-Disposition"].endswith('.pdf"')
    assert isinstance(download, FileResponse)
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_a_renamed_image_is_refused_as_the_act(clients: dict[str, Client], plan: Plan, today: datetime.date) -> None:
    at(plan, S.CONSULTATION)
    ready_to_adopt(plan, today)
    response = clients["editor"].post(
        url("workflow-adopt", plan), adoption_post(plan, act_document=pdf_upload("scan.pdf", PNG_BYTES))
    )
    assert response.status_code == 400
    assert "“scan.pdf” is not an accepted kind of file: its content is a PNG image. Accepted: PDF." in text_of(response)
    plan.refresh_from_db()
    assert plan.state == S.CONSULTATION
    assert plan.public_version is None


def test_the_act_of_a_version_not_adopted_is_not_found(clients: dict[str, Client], plan: Plan) -> None:
    act_url = reverse("plans:act-download", kwargs={"pk": plan.pk, "number": 1})
    assert clients["editor"].get(act_url).status_code == 404
    assert clients["anonymous"].get(act_url).status_code == 404
    assert clients["editor"].get(reverse("plans:act-download", kwargs={"pk": plan.pk, "number": 7})).status_code == 404


@pytest.mark.parametrize(("persona", "expected"), [("viewer", 403), ("expert", 403), ("outsider", 404)])
def test_others_may_not_record_the_adoption(
    clients: dict[str, Client], plan: Plan, today: datetime.date, persona: str, expected: int
) -> None:
    at(plan, S.CONSULTATION)
    ready_to_adopt(plan, today)
    assert clients[persona].post(url("workflow-adopt", plan), adoption_post(plan)).status_code == expected
    plan.refresh_from_db()
    assert plan.public_version is None


def test_a_programme_is_registered_from_the_page(clients: dict[str, Client], world: World) -> None:
    plan = make_plan(
        world.hromada, programme=world.programme, plan_type=PlanType.COMPREHENSIVE_RECOVERY_PROGRAMME, state=S.APPROVED
    )
    PlanVersion.objects.filter(plan=plan).update(
        adopted_at=datetime.datetime(2026, 2, 1, tzinfo=datetime.UTC),
        adopting_body="council",
        act_number="5",
        act_date=datetime.date(2026, 2, 1),
    )
    html = text_of(clients["editor"].get(page_url(plan)))
    assert 'id="registration"' in html
    plan.refresh_from_db()
    response = clients["editor"].post(
        url("workflow-register", plan),
        {"register_reference": "RB01:0001", "registered_on": "2026-02-10", "version": plan.version},
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.state == S.REGISTERED
    assert current_version(plan).register_reference == "RB01:0001"


def test_an_amendment_is_started_from_the_page(clients: dict[str, Client], plan: Plan, today: datetime.date) -> None:
    at(plan, S.CONSULTATION)
    ready_to_adopt(plan, today)
    assert clients["editor"].post(url("workflow-adopt", plan), adoption_post(plan)).status_code == 302
    plan.refresh_from_db()
    refused = clients["editor"].post(url("workflow-amend", plan), {"reason": "", "version": plan.version})
    assert refused.status_code == 400
    response = clients["editor"].post(url("workflow-amend", plan), {"reason": "Нові проєкти", "version": plan.version})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.state == S.AMENDMENT
    assert current_version(plan).number == 2
    html = text_of(clients["editor"].get(page_url(plan)))
    assert "being worked on" in html
    assert "adopted, public" in html
    assert "Нові проєкти" in html


@pytest.mark.parametrize(
    ("plan_type", "state"),
    [(workflow.plan_type, state) for workflow in WORKFLOWS.values() for state in workflow.states],
)
def test_every_stage_of_every_workflow_renders(
    clients: dict[str, Client], world: World, plan_type: str, state: str
) -> None:
    plan = make_plan(world.hromada, programme=world.programme, plan_type=plan_type, state=state)
    for persona in ("editor", "expert"):
        response = clients[persona].get(page_url(plan))
        assert response.status_code == 200
        assert response.content.decode().count('aria-current="step"') == 1
