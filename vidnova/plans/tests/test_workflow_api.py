"""The workflow API: /api/v1/plans/<plan_pk>/transitions/, principles/, adoption/, registration/ and
amendments/, with the same access as the page (404 outsiders, 403 readers, 401 without credentials),
400 with every reason, 409 on a stale version, and its OpenAPI documentation."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from rest_framework.authtoken.models import Token

from conftest import World
from vidnova.api.docs import generate_schema
from vidnova.plans.models import Plan, PlanState, PlanType, PlanVersion, PrincipleCheck
from vidnova.plans.selectors.plans import current_version
from vidnova.plans.tests.test_workflow_helpers import (
    PNG_BYTES,
    TODAY,
    freeze_today,
    pdf_upload,
    ready_to_adopt,
    ready_to_consult,
)
from vidnova.testing.factories import make_plan

S = PlanState


@pytest.fixture(autouse=True)
def _fresh_throttle_counts() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api(world: World) -> Callable[[str], Client]:
    """A client that sends the API token of the named persona, asking for English."""

    def make(persona: str) -> Client:
        if persona == "anonymous":
            return Client(headers={"accept-language": "en"})
        token, _created = Token.objects.get_or_create(user=getattr(world, persona))
        return Client(headers={"authorization": f"Token {token.key}", "accept-language": "en"})

    return make


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> datetime.date:
    return freeze_today(monkeypatch)


@pytest.fixture
def plan(world: World) -> Plan:
    return make_plan(world.hromada, programme=world.programme)


def at(plan: Plan, state: str) -> Plan:
    Plan.objects.filter(pk=plan.pk).update(state=state)
    plan.refresh_from_db()
    return plan


def endpoint(name: str, plan: Plan, **kwargs: Any) -> str:
    return reverse(f"api:plan-{name}", kwargs={"plan_pk": plan.pk, **kwargs})


def post_json(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


# --- transitions ----------------------------------------------------------------------------------


def test_the_steps_are_listed_with_their_reasons(api: Callable[[str], Client], plan: Plan) -> None:
    at(plan, S.DRAFT)
    response = api("editor").get(endpoint("transitions", plan))
    assert response.status_code == 200
    body = response.json()
    assert (body["state"], body["state_label"], body["version"]) == ("draft", "Draft", plan.version)
    step = body["transitions"][0]
    assert step["target"] == "consultation"
    assert step["name"] == "Open the public consultation"
    assert (step["kind"], step["is_return"], step["allowed"]) == ("move", False, False)
    assert step["problems"][0] == "Only programme coordinators may open the public consultation."
    assert step["problems"][-1] == "Set the dates of the consultation first."


@pytest.mark.parametrize(
    ("persona", "expected"), [("viewer", 200), ("expert", 200), ("outsider", 404), ("anonymous", 404)]
)
def test_who_reads_the_steps(api: Callable[[str], Client], plan: Plan, persona: str, expected: int) -> None:
    assert api(persona).get(endpoint("transitions", plan)).status_code == expected


def test_a_step_is_taken(api: Callable[[str], Client], plan: Plan) -> None:
    response = post_json(
        api("editor"),
        endpoint("transitions", plan),
        {"target": "situation_analysis", "note": "", "version": plan.version},
    )
    assert response.status_code == 200
    assert response.json()["state"] == "situation_analysis"
    assert response.json()["version"] == plan.version + 1
    plan.refresh_from_db()
    assert plan.state == S.SITUATION_ANALYSIS


def test_a_refused_step_answers_400_with_every_reason(
    api: Callable[[str], Client], plan: Plan, today: datetime.date
) -> None:
    at(plan, S.DRAFT)
    ready_to_consult(plan, today)
    response = post_json(
        api("editor"), endpoint("transitions", plan), {"target": "consultation", "version": plan.version}
    )
    assert response.status_code == 400
    assert response.json() == {"target": ["Only programme coordinators may open the public consultation."]}
    plan.refresh_from_db()
    assert plan.state == S.DRAFT


def test_a_stale_version_answers_409(api: Callable[[str], Client], plan: Plan) -> None:
    response = post_json(
        api("editor"), endpoint("transitions", plan), {"target": "situation_analysis", "version": plan.version + 3}
    )
    assert response.status_code == 409
    assert response.json()["current_version"] == plan.version
    assert "Someone else changed this plan" in response.json()["detail"]


@pytest.mark.parametrize(
    ("persona", "expected"), [("viewer", 403), ("expert", 403), ("outsider", 404), ("anonymous", 401)]
)
def test_who_may_not_move_the_plan(api: Callable[[str], Client], plan: Plan, persona: str, expected: int) -> None:
    response = post_json(
        api(persona), endpoint("transitions", plan), {"target": "situation_analysis", "version": plan.version}
    )
    assert response.status_code == expected
    plan.refresh_from_db()
    assert plan.state == S.SCOPING


def test_the_session_needs_its_csrf_token(world: World, plan: Plan) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.editor)
    response = post_json(
        client, endpoint("transitions", plan), {"target": "situation_analysis", "version": plan.version}
    )
    assert response.status_code == 403
    plan.refresh_from_db()
    assert plan.state == S.SCOPING


# --- principles -----------------------------------------------------------------------------------


def test_the_checklist_is_listed_in_order(api: Callable[[str], Client], plan: Plan) -> None:
    response = api("expert").get(endpoint("principles", plan))
    assert response.status_code == 200
    body = response.json()
    assert len(body) == 16
    assert body[0]["code"] == "human_centredness"
    assert body[0]["group"] == "recovery"
    assert body[-1]["group"] == "lugano"
    assert body[4] | {"updated_at": None} == {
        "code": "inclusiveness",
        "group": "recovery",
        "name": "Inclusiveness",
        "is_met": False,
        "justification_uk": "",
        "justification_en": "",
        "plan_version": 1,
        "version": 1,
        "updated_at": None,
    }
    assert api("outsider").get(endpoint("principles", plan)).status_code == 404


def patch(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.patch(url, body, content_type="application/json")


def test_a_principle_is_confirmed(api: Callable[[str], Client], plan: Plan) -> None:
    url = endpoint("principle", plan, code="inclusiveness")
    response = patch(api("editor"), url, {"is_met": True, "justification_uk": "Доступні укриття", "version": 1})
    assert response.status_code == 200
    assert (response.json()["is_met"], response.json()["version"]) == (True, 2)

    stale = patch(api("coordinator"), url, {"is_met": False, "justification_uk": "", "version": 1})
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2

    missing = patch(api("editor"), url, {"is_met": True, "justification_uk": " ", "version": 2})
    assert missing.status_code == 400
    assert missing.json() == {"justification_uk": ["Say in Ukrainian how the plan follows this principle."]}
    assert api("editor").get(endpoint("principle", plan, code="no_such_principle")).status_code == 404


@pytest.mark.parametrize(
    ("persona", "expected"), [("viewer", 403), ("expert", 403), ("outsider", 404), ("anonymous", 401)]
)
def test_who_may_not_confirm_principles(api: Callable[[str], Client], plan: Plan, persona: str, expected: int) -> None:
    url = endpoint("principle", plan, code="inclusiveness")
    assert patch(api(persona), url, {"is_met": True, "justification_uk": "Так", "version": 1}).status_code == expected
    assert not PrincipleCheck.objects.get(plan_version=current_version(plan), principle="inclusiveness").is_met


# --- adoption, registration, amendments ------------------------------------------------------------


def adoption(plan: Plan, **overrides: Any) -> dict[str, Any]:
    plan.refresh_from_db()
    return {
        "adopting_body": "military_administration",
        "act_number": "112-р",
        "act_date": TODAY.isoformat(),
        "act_document": pdf_upload(),
        "version": plan.version,
        **overrides,
    }


def test_the_adoption_is_recorded(api: Callable[[str], Client], plan: Plan, today: datetime.date) -> None:
    at(plan, S.CONSULTATION)
    ready_to_adopt(plan, today)
    response = api("editor").post(endpoint("adoption", plan), adoption(plan))
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "adopted"
    assert body["public_version"]["number"] == 1
    assert body["public_version"]["act_document"] == reverse("plans:act-download", kwargs={"pk": plan.pk, "number": 1})
    assert current_version(plan).is_frozen
    # The adopted version's checklist is final now.
    assert (
        patch(
            api("editor"),
            endpoint("principle", plan, code="inclusiveness"),
            {"is_met": False, "justification_uk": "", "version": 1},
        ).status_code
        == 403
    )


def test_a_renamed_image_is_refused(api: Callable[[str], Client], plan: Plan, today: datetime.date) -> None:
    at(plan, S.CONSULTATION)
    ready_to_adopt(plan, today)
    response = api("editor").post(
        endpoint("adoption", plan), adoption(plan, act_document=pdf_upload("act.pdf", PNG_BYTES))
    )
    assert response.status_code == 400
    assert response.json() == {
        "act_document": ["“act.pdf” is not an accepted kind of file: its content is a PNG image. Accepted: PDF."]
    }
    plan.refresh_from_db()
    assert plan.public_version is None


@override_settings(VIDNOVA_MAX_UPLOAD_BYTES=100)
def test_an_oversize_act_is_refused(api: Callable[[str], Client], plan: Plan, today: datetime.date) -> None:
    at(plan, S.CONSULTATION)
    ready_to_adopt(plan, today)
    response = api("editor").post(endpoint("adoption", plan), adoption(plan))
    assert response.status_code == 400
    assert "the largest file accepted is 100\xa0bytes" in response.json()["act_document"][0]
    plan.refresh_from_db()
    assert plan.state == S.CONSULTATION


def test_the_adoption_waits_for_the_consultation(
    api: Callable[[str], Client], plan: Plan, today: datetime.date
) -> None:
    at(plan, S.CONSULTATION)
    version = ready_to_adopt(plan, today)
    PlanVersion.objects.filter(pk=version.pk).update(consultation_ends_on=datetime.date(2026, 3, 12))
    response = api("editor").post(endpoint("adoption", plan), adoption(plan))
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["The consultation runs until 12 March 2026."],
        "act_date": [
            "The act is dated 2 March 2026, but the consultation ran until 12 March 2026: a plan is adopted after "
            "its consultation."
        ],
    }


@pytest.mark.parametrize(
    ("persona", "expected"), [("viewer", 403), ("expert", 403), ("outsider", 404), ("anonymous", 401)]
)
def test_who_may_not_record_the_adoption(
    api: Callable[[str], Client], plan: Plan, today: datetime.date, persona: str, expected: int
) -> None:
    at(plan, S.CONSULTATION)
    ready_to_adopt(plan, today)
    assert api(persona).post(endpoint("adoption", plan), adoption(plan)).status_code == expected
    plan.refresh_from_db()
    assert plan.public_version is None


def test_a_programme_is_registered(api: Callable[[str], Client], world: World) -> None:
    plan = make_plan(
        world.hromada, programme=world.programme, plan_type=PlanType.COMPREHENSIVE_RECOVERY_PROGRAMME, state=S.APPROVED
    )
    PlanVersion.objects.filter(plan=plan).update(
        adopted_at=datetime.datetime(2026, 2, 1, tzinfo=datetime.UTC),
        adopting_body="council",
        act_number="5",
        act_date=datetime.date(2026, 2, 1),
    )
    body = {"register_reference": "RB01:0001", "registered_on": "2026-02-10", "version": plan.version}
    assert post_json(api("viewer"), endpoint("registration", plan), body).status_code == 403
    response = post_json(api("coordinator"), endpoint("registration", plan), body)
    assert response.status_code == 200
    assert response.json()["state"] == "registered"
    assert response.json()["public_version"] is None, "set by an adoption through the service, not here"
    assert current_version(plan).register_reference == "RB01:0001"


def test_an_amendment_is_started(api: Callable[[str], Client], plan: Plan, today: datetime.date) -> None:
    at(plan, S.CONSULTATION)
    ready_to_adopt(plan, today)
    assert api("editor").post(endpoint("adoption", plan), adoption(plan)).status_code == 200
    plan.refresh_from_db()
    assert (
        post_json(api("expert"), endpoint("amendments", plan), {"reason": "Зміни", "version": plan.version}).status_code
        == 403
    )
    assert (
        post_json(api("editor"), endpoint("amendments", plan), {"reason": "", "version": plan.version}).status_code
        == 400
    )
    response = post_json(
        api("editor"), endpoint("amendments", plan), {"reason": "Нові проєкти", "version": plan.version}
    )
    assert response.status_code == 201
    assert response.json() == {
        "number": 2,
        "based_on": 1,
        "amendment_reason": "Нові проєкти",
        "plan_state": "amendment",
        "plan_version": plan.version + 1,
    }
    plan.refresh_from_db()
    assert plan.public_version is not None
    assert plan.public_version.number == 1


# --- documentation --------------------------------------------------------------------------------


WORKFLOW_PATHS = {
    "/api/v1/plans/{plan_pk}/transitions/": {"get", "post"},
    "/api/v1/plans/{plan_pk}/principles/": {"get"},
    "/api/v1/plans/{plan_pk}/principles/{code}/": {"get", "patch"},
    "/api/v1/plans/{plan_pk}/adoption/": {"post"},
    "/api/v1/plans/{plan_pk}/registration/": {"post"},
    "/api/v1/plans/{plan_pk}/amendments/": {"post"},
}


def test_the_workflow_endpoints_are_documented() -> None:
    schema = generate_schema()
    for path, methods in WORKFLOW_PATHS.items():
        assert set(schema["paths"][path]) - {"parameters"} == methods, path
        for method in methods:
            operation = schema["paths"][path][method]
            assert operation.get("summary"), f"{method} {path}"
            assert {"404"} <= set(operation["responses"])
            if method != "get":
                assert {"400", "401", "403", "409"} <= set(operation["responses"]), f"{method} {path}"
    adoption_body = schema["paths"]["/api/v1/plans/{plan_pk}/adoption/"]["post"]["requestBody"]["content"]
    assert set(adoption_body) == {"multipart/form-data"}
    request = schema["components"]["schemas"]["AdoptionRequestRequest"]
    assert request["properties"]["act_document"]["format"] == "binary"


def test_the_schema_has_no_warnings(tmp_path: Any) -> None:
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))


def test_the_documentation_page_lists_the_workflow_operations(world: World) -> None:
    client = Client()
    client.cookies["vidnova_language"] = "en"
    html = client.get(reverse("api-docs")).content.decode()
    schema = generate_schema()
    for path in WORKFLOW_PATHS:
        assert f"<code>{path}</code>" in html
        for operation in schema["paths"][path].values():
            if isinstance(operation, dict) and "summary" in operation:
                assert str(operation["summary"]) in html
