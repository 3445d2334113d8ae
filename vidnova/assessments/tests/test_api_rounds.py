"""/api/v1/rounds/…: the rounds a client may see, opening, changing (409 on conflicts), closing and
reopening a round and adding hromadas, with the same access as the pages (programme staff run rounds,
partner experts read them, everyone else gets 404; 401 without credentials)."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from conftest import World
from vidnova.accounts.models import Role
from vidnova.assessments.models import Assessment, AssessmentState, InstrumentVersion, Round, RoundStatus
from vidnova.assessments.services import instrument_load_default
from vidnova.assessments.services.rounds import round_open
from vidnova.audit.models import AuditEntry
from vidnova.testing import factories

ENGLISH = {"accept-language": "en"}


@pytest.fixture(autouse=True)
def _fresh_throttle_counts() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def version(db: None) -> InstrumentVersion:
    return instrument_load_default()


@pytest.fixture
def round_(world: World, version: InstrumentVersion) -> Round:
    return round_open(
        acting_user=world.coordinator,
        programme=world.programme,
        instrument_version=version,
        name_uk="Базове оцінювання",
        name_en="Baseline",
        opens_on=datetime.date(2026, 12, 1),
        deadline=datetime.date(2027, 1, 31),
        hromadas=[world.hromada],
    )


def api(name: str, **kwargs: Any) -> str:
    return reverse(f"api:{name}", kwargs=kwargs)


def post(client: Client, address: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(address, body or {}, content_type="application/json", headers=ENGLISH)


def patch(client: Client, address: str, body: dict[str, Any]) -> Any:
    return client.patch(address, body, content_type="application/json", headers=ENGLISH)


def open_body(world: World, **changes: Any) -> dict[str, Any]:
    body = {
        "programme": world.programme.slug,
        "instrument": "vidnova_default_assessment",
        "instrument_version": 1,
        "name_uk": "Проміжне оцінювання",
        "name_en": "Midline",
        "kind": "midline",
        "opens_on": "2027-06-01",
        "deadline": "2027-07-15",
        "training_threshold": "60",
        "hromadas": [world.hromada.katottg],
    }
    body.update(changes)
    return body


# --- list ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("persona", "sees"), [("coordinator", True), ("admin", True), ("expert", True)])
def test_programme_staff_and_experts_list_the_round(
    clients: dict[str, Client], round_: Round, persona: str, sees: bool
) -> None:
    body = clients[persona].get(api("round-list")).json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["id"] == round_.pk
    assert row["url"] == api("round-detail", pk=round_.pk)
    assert row["programme"] == "test-programme"
    assert row["instrument"] == {
        "code": "vidnova_default_assessment",
        "number": 1,
        "url": api("instrument-version-detail", code="vidnova_default_assessment", number=1),
    }
    assert (row["kind"], row["status"], row["assessment_count"]) == ("baseline", "open", 1)
    assert row["training_threshold"] == "50.00"
    assert row["version"] == round_.version


@pytest.mark.parametrize("persona", ["editor", "viewer", "outsider"])
def test_others_list_no_round(clients: dict[str, Client], round_: Round, persona: str) -> None:
    body = clients[persona].get(api("round-list")).json()
    assert body == {"count": 0, "next": None, "previous": None, "results": []}


def test_the_list_needs_credentials(clients: dict[str, Client], round_: Round) -> None:
    assert clients["anonymous"].get(api("round-list")).status_code == 401


def test_the_list_works_with_a_token(world: World, round_: Round) -> None:
    token, _created = Token.objects.get_or_create(user=world.coordinator)
    client = Client(headers={"authorization": f"Token {token.key}"})
    assert client.get(api("round-list")).json()["count"] == 1


def test_the_list_filters(world: World, clients: dict[str, Client], round_: Round) -> None:
    client = clients["coordinator"]
    assert client.get(api("round-list"), {"programme": "test-programme"}).json()["count"] == 1
    assert client.get(api("round-list"), {"programme": "other"}).json()["count"] == 0
    assert client.get(api("round-list"), {"kind": "baseline"}).json()["count"] == 1
    assert client.get(api("round-list"), {"kind": "endline"}).json()["count"] == 0
    assert client.get(api("round-list"), {"status": "closed"}).json()["count"] == 0
    bad = client.get(api("round-list"), {"kind": "sometime"}, headers=ENGLISH)
    assert bad.status_code == 400
    assert "kind" in bad.json()


def test_a_round_of_another_programme_is_not_listed(
    world: World, clients: dict[str, Client], version: InstrumentVersion
) -> None:
    other = factories.ProgrammeFactory(slug="other")
    phase = factories.PhaseFactory(programme=other, number=1)
    factories.ParticipationFactory(phase=phase, hromada=world.other_hromada)
    round_open(
        acting_user=world.coordinator,
        programme=world.programme,
        instrument_version=version,
        name_uk="Наш",
        opens_on=datetime.date(2026, 1, 1),
        deadline=datetime.date(2026, 2, 1),
        hromadas=[world.hromada],
    )
    other_staff = factories.UserFactory()
    factories.MembershipFactory(user=other_staff, role=Role.PROGRAMME_COORDINATOR, programme=other)
    client = Client()
    client.force_login(other_staff)
    assert client.get(api("round-list")).json()["count"] == 0


# --- open ----------------------------------------------------------------------------------------


def test_a_coordinator_opens_a_round(world: World, clients: dict[str, Client], version: InstrumentVersion) -> None:
    response = post(clients["coordinator"], api("round-list"), open_body(world))
    assert response.status_code == 201, response.content
    body = response.json()
    round_ = Round.objects.get(pk=body["id"])
    assert (round_.kind, round_.name_en, str(round_.training_threshold)) == ("midline", "Midline", "60.00")
    assert round_.deadline == datetime.date(2027, 7, 15)
    assert round_.opened_by == world.coordinator
    assert body["counts"] == {
        "draft": 1,
        "in_progress": 0,
        "submitted": 0,
        "under_validation": 0,
        "validated": 0,
    }
    assert body["assessments_url"] == f"{api('assessment-list')}?round={round_.pk}"
    assert Assessment.objects.get(round=round_).hromada == world.hromada
    assert AuditEntry.objects.filter(action="assessments.round.opened").count() == 1


def test_opening_takes_the_newest_version_when_none_is_given(
    world: World, clients: dict[str, Client], version: InstrumentVersion
) -> None:
    body = open_body(world)
    del body["instrument_version"]
    response = post(clients["coordinator"], api("round-list"), body)
    assert response.status_code == 201
    assert response.json()["instrument"]["number"] == version.number


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"hromadas": ["UA00000000000000000"]}, "hromadas", "No hromada has the KATOTTG code UA00000000000000000."),
        ({"hromadas": ["12"]}, "hromadas", "KATOTTG"),
        ({"hromadas": []}, "hromadas", ""),
        ({"deadline": "2027-05-01"}, "deadline", "The deadline cannot be before the round opens."),
        ({"instrument": "nothing"}, "instrument", "No instrument has this form identifier."),
        ({"instrument_version": 7}, "instrument_version", "The instrument has no version 7."),
        ({"programme": "nothing"}, "programme", "No programme has this short name."),
        ({"kind": "sometime"}, "kind", ""),
        ({"training_threshold": "120"}, "training_threshold", ""),
        ({"name_uk": ""}, "name_uk", ""),
    ],
)
def test_opening_refuses_bad_input_naming_the_field(
    world: World,
    clients: dict[str, Client],
    version: InstrumentVersion,
    changes: dict[str, Any],
    field: str,
    message: str,
) -> None:
    response = post(clients["coordinator"], api("round-list"), open_body(world, **changes))
    assert response.status_code == 400
    errors = response.json()
    assert field in errors, errors
    assert message in json.dumps(errors[field], ensure_ascii=False)
    assert not Round.objects.exists()


def test_opening_refuses_a_hromada_outside_the_programme(
    world: World, clients: dict[str, Client], version: InstrumentVersion
) -> None:
    body = open_body(world, hromadas=[world.hromada.katottg, world.other_hromada.katottg])
    response = post(clients["coordinator"], api("round-list"), body)
    assert response.status_code == 400
    assert "do not take part in" in response.json()["hromadas"][0]
    assert not Round.objects.exists()
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("persona", ["expert", "editor", "viewer", "outsider"])
def test_only_programme_staff_open_rounds(
    world: World, clients: dict[str, Client], version: InstrumentVersion, persona: str
) -> None:
    assert post(clients[persona], api("round-list"), open_body(world)).status_code == 403
    assert not Round.objects.exists()


def test_staff_of_another_programme_may_not_open_a_round_here(world: World, version: InstrumentVersion) -> None:
    other = factories.ProgrammeFactory(slug="other")
    other_staff = factories.UserFactory()
    factories.MembershipFactory(user=other_staff, role=Role.PROGRAMME_COORDINATOR, programme=other)
    client = Client()
    client.force_login(other_staff)
    assert post(client, api("round-list"), open_body(world)).status_code == 403


def test_opening_needs_credentials(world: World, clients: dict[str, Client], version: InstrumentVersion) -> None:
    assert post(clients["anonymous"], api("round-list"), open_body(world)).status_code == 401


# --- retrieve ------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["coordinator", "admin", "expert"])
def test_insiders_get_the_round_with_counts(clients: dict[str, Client], round_: Round, persona: str) -> None:
    response = clients[persona].get(api("round-detail", pk=round_.pk))
    assert response.status_code == 200
    body = response.json()
    assert body["counts"]["draft"] == 1
    assert body["name_en"] == "Baseline"


def test_the_name_follows_the_request_language(clients: dict[str, Client], round_: Round) -> None:
    english = clients["coordinator"].get(api("round-detail", pk=round_.pk), headers={"accept-language": "en"})
    ukrainian = clients["coordinator"].get(api("round-detail", pk=round_.pk), headers={"accept-language": "uk"})
    assert english.json()["name"] == "Baseline"
    assert ukrainian.json()["name"] == "Базове оцінювання"


@pytest.mark.parametrize("persona", ["editor", "viewer", "outsider", "anonymous"])
def test_others_do_not_see_the_round(clients: dict[str, Client], round_: Round, persona: str) -> None:
    assert clients[persona].get(api("round-detail", pk=round_.pk)).status_code == 404
    assert clients["coordinator"].get(api("round-detail", pk=round_.pk + 1000)).status_code == 404


# --- change --------------------------------------------------------------------------------------


def test_a_coordinator_changes_the_round(clients: dict[str, Client], round_: Round) -> None:
    response = patch(
        clients["coordinator"],
        api("round-detail", pk=round_.pk),
        {"version": round_.version, "deadline": "2027-02-28", "training_threshold": "40"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["deadline"] == "2027-02-28"
    assert body["training_threshold"] == "40.00"
    assert body["version"] == round_.version + 1
    assert body["name_en"] == "Baseline"  # left out: unchanged
    assert AuditEntry.objects.filter(action="assessments.round.updated").count() == 1


def test_a_stale_version_is_409_with_the_round_as_saved(clients: dict[str, Client], round_: Round) -> None:
    first = patch(clients["coordinator"], api("round-detail", pk=round_.pk), {"version": 1, "name_en": "First"})
    assert first.status_code == 200
    second = patch(clients["admin"], api("round-detail", pk=round_.pk), {"version": 1, "name_en": "Second"})
    assert second.status_code == 409
    body = second.json()
    assert body["current_version"] == 2
    assert body["current"]["name_en"] == "First"
    assert "Someone else changed this round" in body["detail"]
    round_.refresh_from_db()
    assert round_.name_en == "First"


def test_a_change_is_checked(clients: dict[str, Client], round_: Round) -> None:
    response = patch(
        clients["coordinator"], api("round-detail", pk=round_.pk), {"version": 1, "deadline": "2026-01-01"}
    )
    assert response.status_code == 400
    assert response.json()["deadline"] == ["The deadline cannot be before the round opens."]
    missing = patch(clients["coordinator"], api("round-detail", pk=round_.pk), {"name_en": "X"})
    assert missing.status_code == 400
    assert "version" in missing.json()
    round_.refresh_from_db()
    assert round_.deadline == datetime.date(2027, 1, 31)


@pytest.mark.parametrize(("persona", "code"), [("expert", 403), ("editor", 404), ("viewer", 404), ("outsider", 404)])
def test_others_may_not_change_the_round(clients: dict[str, Client], round_: Round, persona: str, code: int) -> None:
    address = api("round-detail", pk=round_.pk)
    assert patch(clients[persona], address, {"version": 1, "name_en": "X"}).status_code == code
    assert post(clients[persona], api("round-close", pk=round_.pk)).status_code == code
    assert post(clients[persona], api("round-reopen", pk=round_.pk)).status_code == code
    assert post(clients[persona], api("round-hromadas", pk=round_.pk), {"hromadas": []}).status_code == code
    round_.refresh_from_db()
    assert (round_.name_en, round_.status) == ("Baseline", RoundStatus.OPEN)


def test_writes_need_credentials(clients: dict[str, Client], round_: Round) -> None:
    client = clients["anonymous"]
    assert patch(client, api("round-detail", pk=round_.pk), {"version": 1, "name_en": "X"}).status_code == 401
    assert post(client, api("round-close", pk=round_.pk)).status_code == 401
    assert post(client, api("round-hromadas", pk=round_.pk), {"hromadas": []}).status_code == 401


# --- close, reopen, add hromadas ------------------------------------------------------------------


def test_closing_and_reopening(clients: dict[str, Client], round_: Round) -> None:
    closed = post(clients["coordinator"], api("round-close", pk=round_.pk))
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"
    assert closed.json()["closed_at"]
    assert post(clients["coordinator"], api("round-close", pk=round_.pk)).json()["status"] == "closed"
    reopened = post(clients["coordinator"], api("round-reopen", pk=round_.pk))
    assert reopened.json()["status"] == "open"
    assert reopened.json()["closed_at"] is None
    actions = list(AuditEntry.objects.filter(action__startswith="assessments.round.").values_list("action", flat=True))
    assert actions.count("assessments.round.closed") == 1
    assert actions.count("assessments.round.reopened") == 1


def test_adding_hromadas(world: World, clients: dict[str, Client], round_: Round) -> None:
    newcomer = factories.HromadaFactory()
    factories.ParticipationFactory(phase=world.phase, hromada=newcomer)
    address = api("round-hromadas", pk=round_.pk)
    response = post(clients["coordinator"], address, {"hromadas": [world.hromada.katottg, newcomer.katottg]})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["added"] == [newcomer.katottg]
    assert body["round"]["counts"]["draft"] == 2
    assert body["round"]["assessment_count"] == 2
    assert Assessment.objects.get(round=round_, hromada=newcomer).state == AssessmentState.DRAFT

    outside = post(clients["coordinator"], address, {"hromadas": [world.other_hromada.katottg]})
    assert outside.status_code == 400
    assert "do not take part in" in outside.json()["hromadas"][0]
    unknown = post(clients["coordinator"], address, {"hromadas": ["UA99999999999999999"]})
    assert unknown.status_code == 400
    assert Assessment.objects.filter(round=round_).count() == 2
