"""/api/v1/partnerships/…, /api/v1/partnership-activities/… and /api/v1/partnership-follow-ups/…:
public list and record, internal parts for insiders only, staff-only writes, activity logging by
contributors, validation (400 naming fields), conflicts (409)."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from conftest import World
from vidnova.audit.models import AuditEntry
from vidnova.partnerships.models import Activity, Agreement, FollowUp, Partnership
from vidnova.partnerships.services.activities import activity_create
from vidnova.testing.partnerships import make_offer, make_partnership

ENGLISH = {"accept-language": "en"}
PERSONAS = ["anonymous", "admin", "coordinator", "editor", "viewer", "expert", "outsider"]
INSIDERS = ["admin", "coordinator", "editor", "viewer", "expert"]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
THREE = [
    {"full_name": "Olena K.", "organisation_name": "Association of Ukrainian Cities"},
    {"full_name": "Jan de Vries", "position": "Director", "organisation_name": "VNG International"},
    {"full_name": "Petro S.", "organisation_name": "The hromada"},
]


@pytest.fixture(autouse=True)
def _fresh_throttle_counts() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def partnership(world: World) -> Partnership:
    return make_partnership(world.programme, world.hromada, world.organisation, description="Coaching")


@pytest.fixture
def activity(world: World, partnership: Partnership) -> Activity:
    return activity_create(
        acting_user=world.coordinator,
        partnership=partnership,
        data={"kind": "call", "title": "Kick-off call", "starts_on": "2026-03-02", "outcomes": "Plan"},
        participants={"hromada_staff": {"women": 2, "men": 1}},
        follow_ups=[{"description": "Share the plan"}],
    )


def api(name: str, **kwargs: Any) -> str:
    return reverse(f"api:{name}", kwargs=kwargs)


def get(client: Client, address: str, **params: Any) -> Any:
    return client.get(address, params, headers=ENGLISH)


def post(client: Client, address: str, body: dict[str, Any]) -> Any:
    return client.post(address, body, content_type="application/json", headers=ENGLISH)


def patch(client: Client, address: str, body: dict[str, Any]) -> Any:
    return client.patch(address, body, content_type="application/json", headers=ENGLISH)


def create_body(world: World, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "programme": world.programme.slug,
        "hromada": world.hromada.katottg,
        "partners": [{"organisation": world.organisation.pk, "role": "lead"}],
        "themes": ["crisis-planning"],
        "title": "Crisis planning partnership",
        "starts_on": "2026-04-01",
    }
    body.update(changes)
    return body


# --- partnerships -------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_everyone_lists_public_fields(clients: dict[str, Client], partnership: Partnership, persona: str) -> None:
    response = get(clients[persona], api("partnership-list"))
    assert response.status_code == 200
    item = response.json()["results"][0]
    assert item["id"] == partnership.pk
    assert item["hromada"]["katottg"] == partnership.hromada.katottg
    assert item["partners"][0]["role"] == "lead"
    assert item["themes"] == ["crisis-planning"]
    assert item["programme_fields"] == [1]
    assert "agreements" not in item
    assert "activities" not in item


def test_list_filters_and_bad_filters(world: World, clients: dict[str, Client], partnership: Partnership) -> None:
    client = clients["anonymous"]
    assert get(client, api("partnership-list"), theme="crisis-planning").json()["count"] == 1
    assert get(client, api("partnership-list"), theme="local-finance").json()["count"] == 0
    assert get(client, api("partnership-list"), field="1", status="proposed").json()["count"] == 1
    assert get(client, api("partnership-list"), hromada=world.hromada.katottg).json()["count"] == 1
    assert get(client, api("partnership-list"), organisation=world.organisation.pk).json()["count"] == 1
    assert get(client, api("partnership-list"), country="NL").json()["count"] == 0
    response = get(client, api("partnership-list"), field="7", status="dreaming", hromada="UA1")
    assert response.status_code == 400
    assert set(response.json()) == {"field", "status", "hromada"}


def test_retrieve_internal_parts_only_for_insiders(
    clients: dict[str, Client], partnership: Partnership, activity: Activity
) -> None:
    Agreement.objects.create(partnership=partnership, kind="other", title="Letter", signed_on=datetime.date(2026, 1, 1))
    for persona in ("anonymous", "outsider"):
        body = get(clients[persona], api("partnership-detail", pk=partnership.pk)).json()
        assert body["title"] == partnership.title
        assert "agreements" not in body
        assert "activities" not in body
        assert "participant_totals" not in body
    for persona in INSIDERS:
        body = get(clients[persona], api("partnership-detail", pk=partnership.pk)).json()
        assert body["agreements"][0]["title"] == "Letter"
        assert body["activities"][0]["title"] == "Kick-off call"
        assert body["participant_totals"]["total"] == 3
        assert body["allowed_statuses"] == ["agreed", "closed"]
    assert get(clients["admin"], api("partnership-detail", pk=999999)).status_code == 404


def test_create_staff_only(world: World, clients: dict[str, Client]) -> None:
    assert post(clients["anonymous"], api("partnership-list"), create_body(world)).status_code == 401
    for persona in ("outsider", "viewer", "editor", "expert"):
        assert post(clients[persona], api("partnership-list"), create_body(world)).status_code == 403, persona
    offer = make_offer(world.organisation, capacity=1)
    response = post(clients["coordinator"], api("partnership-list"), create_body(world, offer=offer.pk))
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "proposed"
    assert body["offer"] == offer.pk
    assert body["agreements"] == []
    assert body["activities"] == []
    assert Partnership.objects.count() == 1
    assert AuditEntry.objects.filter(action="partnerships.partnership.created").count() == 1


def test_create_validation(world: World, clients: dict[str, Client]) -> None:
    client = clients["coordinator"]
    response = post(client, api("partnership-list"), create_body(world, hromada=world.other_hromada.katottg))
    assert response.status_code == 400
    assert "does not take part" in response.json()["hromada"][0]
    response = post(
        client, api("partnership-list"), create_body(world, partners=[], themes=["nope"], ends_on="2026-01-01")
    )
    assert response.status_code == 400
    assert set(response.json()) == {"partners", "themes", "ends_on"}
    response = post(client, api("partnership-list"), create_body(world, partners=[{"organisation": 987654}]))
    assert response.status_code == 400
    assert "partners[0].organisation" in response.json()
    response = post(client, api("partnership-list"), {"programme": "nope"})
    assert response.status_code == 400
    assert {"hromada", "title", "themes", "partners"} <= set(response.json())
    offer = make_offer(world.organisation, capacity=1, title="One place")
    make_partnership(world.programme, world.hromada, world.organisation, offer=offer)
    response = post(client, api("partnership-list"), create_body(world, offer=offer.pk))
    assert response.json() == {"offer": ["One place has no places left (capacity 1, 1 taken)."]}
    assert Partnership.objects.count() == 1


def test_patch_access_validation_and_conflict(
    world: World, clients: dict[str, Client], partnership: Partnership
) -> None:
    address = api("partnership-detail", pk=partnership.pk)
    body = {"version": 1, "title": "Renamed"}
    assert patch(clients["anonymous"], address, body).status_code == 401
    assert patch(clients["outsider"], address, body).status_code == 404
    for persona in ("viewer", "editor", "expert"):
        assert patch(clients[persona], address, body).status_code == 403, persona
    response = patch(clients["coordinator"], address, {"title": "No version"})
    assert response.status_code == 400
    assert "version" in response.json()
    response = patch(clients["coordinator"], address, {"version": 1, "themes": []})
    assert response.status_code == 400
    assert "themes" in response.json()
    response = patch(clients["coordinator"], address, body)
    assert response.status_code == 200
    assert response.json()["title"] == "Renamed"
    response = patch(clients["admin"], address, {"version": 1, "title": "Stale"})
    assert response.status_code == 409
    assert response.json()["current_version"] == 2
    assert response.json()["current"]["title"] == "Renamed"
    partnership.refresh_from_db()
    assert partnership.title == "Renamed"


def test_transition(world: World, clients: dict[str, Client], partnership: Partnership) -> None:
    address = api("partnership-transition", pk=partnership.pk)
    assert post(clients["outsider"], address, {"to_status": "closed", "note": "x"}).status_code == 404
    assert post(clients["viewer"], address, {"to_status": "closed", "note": "x"}).status_code == 403
    response = post(clients["coordinator"], address, {"to_status": "active"})
    assert response.status_code == 400
    assert response.json()["to_status"] == ["A partnership that is proposed can move only to: agreed, closed."]
    response = post(clients["coordinator"], address, {"to_status": "closed"})
    assert response.status_code == 400
    assert "note" in response.json()
    response = post(clients["coordinator"], address, {"to_status": "closed", "note": "Withdrawn", "version": 3})
    assert response.status_code == 409
    response = post(clients["coordinator"], address, {"to_status": "closed", "note": "Withdrawn", "version": 1})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "closed"
    assert body["history"][0]["note"] == "Withdrawn"
    public = get(clients["anonymous"], api("partnership-detail", pk=partnership.pk)).json()
    assert public["history"][0]["to_status"] == "closed"
    assert "note" not in public["history"][0]


# --- agreements ---------------------------------------------------------------------------------


def test_agreements_json_and_multipart(world: World, clients: dict[str, Client], partnership: Partnership) -> None:
    address = api("partnership-agreements", pk=partnership.pk)
    assert get(clients["outsider"], address).status_code == 404
    assert get(clients["viewer"], address).json() == []
    body = {"kind": "tripartite_memorandum", "title": "Memorandum", "signed_on": "2026-02-01", "signatories": THREE}
    assert post(clients["expert"], address, body).status_code == 403
    assert post(clients["outsider"], address, body).status_code == 404
    response = post(clients["coordinator"], address, body)
    assert response.status_code == 201
    assert [row["full_name"] for row in response.json()["signatories"]] == ["Olena K.", "Jan de Vries", "Petro S."]
    # multipart with the list as one JSON string and a file
    response = clients["coordinator"].post(
        address,
        {
            "kind": "municipal_agreement",
            "title": "Agreement",
            "signed_on": "2026-02-02",
            "signatories": json.dumps(THREE[:2]),
            "file": SimpleUploadedFile("Угода.pdf", PDF, content_type="application/pdf"),
        },
        headers=ENGLISH,
    )
    assert response.status_code == 201, response.content
    agreement = response.json()
    assert agreement["file_name"] == "Угода.pdf"
    assert len(agreement["signatories"]) == 2
    download = clients["viewer"].get(agreement["file_url"])
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    # multipart with repeated fields, one signatory each
    response = clients["coordinator"].post(
        address,
        {"kind": "tripartite_memorandum", "title": "Second", "signatories": [json.dumps(row) for row in THREE]},
        headers=ENGLISH,
    )
    assert response.status_code == 201
    assert len(response.json()["signatories"]) == 3
    assert len(get(clients["expert"], address).json()) == 3


def test_agreement_validation(world: World, clients: dict[str, Client], partnership: Partnership) -> None:
    address = api("partnership-agreements", pk=partnership.pk)
    response = post(
        clients["coordinator"],
        address,
        {"kind": "tripartite_memorandum", "title": "M", "signatories": [{"full_name": "", "organisation_name": "X"}]},
    )
    assert response.status_code == 400
    assert "signatories[0].full_name" in response.json()
    response = post(
        clients["coordinator"], address, {"kind": "tripartite_memorandum", "title": "M", "signatories": THREE[:1]}
    )
    assert response.status_code == 400
    assert "add three signatories" in response.json()["signatories"][0]
    response = clients["coordinator"].post(
        address,
        {"kind": "other", "title": "Exe", "file": SimpleUploadedFile("a.pdf", b"MZ\x90\x00binary")},
        headers=ENGLISH,
    )
    assert response.status_code == 400
    assert "file" in response.json()
    response = clients["coordinator"].post(
        address, {"kind": "other", "title": "T", "signatories": "{not json"}, headers=ENGLISH
    )
    assert response.status_code == 400
    assert "signatories" in response.json()
    assert not Agreement.objects.exists()


# --- activities and follow-ups ------------------------------------------------------------------


def activity_body(partnership: Partnership, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "partnership": partnership.pk,
        "kind": "visit_to_hromada",
        "title": "First visit",
        "starts_on": "2026-03-10",
        "participants": [{"role": "hromada_staff", "women": 5, "men": 3}, {"role": "partner_experts", "men": 2}],
        "follow_ups": [{"description": "Send the template", "due_on": "2026-04-01"}],
    }
    body.update(changes)
    return body


def test_activity_list_only_insiders(world: World, clients: dict[str, Client], activity: Activity) -> None:
    for persona in INSIDERS:
        body = get(clients[persona], api("partnership-activity-list")).json()
        assert [item["id"] for item in body["results"]] == [activity.pk], persona
    for persona in ("anonymous", "outsider"):
        assert get(clients[persona], api("partnership-activity-list")).json()["count"] == 0
    assert (
        get(clients["outsider"], api("partnership-activity-list"), partnership=activity.partnership_id).status_code
        == 404
    )
    body = get(clients["viewer"], api("partnership-activity-list"), partnership=activity.partnership_id).json()
    assert body["results"][0]["participants"][0] == {
        "role": "hromada_staff",
        "women": 2,
        "men": 1,
        "not_stated": 0,
        "total": 3,
    }
    assert get(clients["outsider"], api("partnership-activity-detail", pk=activity.pk)).status_code == 404
    assert get(clients["viewer"], api("partnership-activity-detail", pk=activity.pk)).status_code == 200


def test_activity_create(world: World, clients: dict[str, Client], partnership: Partnership) -> None:
    address = api("partnership-activity-list")
    assert post(clients["anonymous"], address, activity_body(partnership)).status_code == 401
    assert post(clients["outsider"], address, activity_body(partnership)).status_code == 404
    assert post(clients["viewer"], address, activity_body(partnership)).status_code == 403
    response = post(clients["expert"], address, activity_body(partnership))
    assert response.status_code == 201
    body = response.json()
    assert [row["role"] for row in body["participants"]] == ["hromada_staff", "partner_experts"]
    assert body["follow_ups"][0]["description"] == "Send the template"
    response = post(
        clients["editor"],
        address,
        activity_body(
            partnership, kind="party", ends_on="2026-01-01", participants=[{"role": "residents", "women": -1}]
        ),
    )
    assert response.status_code == 400
    assert {"kind", "participants[0].women"} <= set(response.json())
    response = post(clients["editor"], address, activity_body(partnership, ends_on="2026-01-01"))
    assert response.status_code == 400
    assert "ends_on" in response.json()
    response = post(
        clients["editor"],
        address,
        activity_body(partnership, participants=[{"role": "residents"}, {"role": "residents"}]),
    )
    assert response.status_code == 400
    assert "participants[1].role" in response.json()
    response = post(clients["editor"], address, {**activity_body(partnership), "partnership": 999999})
    assert response.status_code == 400
    assert "partnership" in response.json()
    assert Activity.objects.count() == 1


def test_activity_refused_on_closed_partnership(world: World, clients: dict[str, Client]) -> None:
    closed = make_partnership(world.programme, world.hromada, world.organisation, status="closed")
    response = post(clients["coordinator"], api("partnership-activity-list"), activity_body(closed))
    assert response.status_code == 400
    assert response.json()["partnership"][0].startswith("This partnership is closed")


def test_activity_patch(world: World, clients: dict[str, Client], activity: Activity) -> None:
    address = api("partnership-activity-detail", pk=activity.pk)
    body = {
        "version": 1,
        "outcomes": "Plan drafted",
        "participants": [{"role": "residents", "women": 10}],
        "follow_ups": [{"description": "Publish"}],
    }
    assert patch(clients["outsider"], address, body).status_code == 404
    assert patch(clients["viewer"], address, body).status_code == 403
    response = patch(clients["editor"], address, body)
    assert response.status_code == 200
    data = response.json()
    assert data["outcomes"] == "Plan drafted"
    assert data["version"] == 2
    assert [row["role"] for row in data["participants"]] == ["residents"]
    assert sorted(item["description"] for item in data["follow_ups"]) == ["Publish", "Share the plan"]
    response = patch(clients["expert"], address, {"version": 1, "title": "Stale"})
    assert response.status_code == 409
    assert response.json()["current"]["outcomes"] == "Plan drafted"
    response = patch(
        clients["expert"],
        address,
        {"version": 2, "follow_ups": [{"description": "ok"}, {"description": "x", "due_on": "soon"}]},
    )
    assert response.status_code == 400
    assert "follow_ups[1].due_on" in response.json()
    assert FollowUp.objects.count() == 2


def test_follow_up_patch(world: World, clients: dict[str, Client], activity: Activity) -> None:
    follow_up = activity.follow_ups.get()
    address = api("partnership-follow-up-detail", pk=follow_up.pk)
    assert patch(clients["anonymous"], address, {"done": True}).status_code == 401
    assert patch(clients["outsider"], address, {"done": True}).status_code == 404
    assert patch(clients["viewer"], address, {"done": True}).status_code == 403
    assert patch(clients["editor"], address, {}).status_code == 400
    response = patch(clients["expert"], address, {"done": True, "version": 1})
    assert response.status_code == 200
    assert response.json()["status"] == "done"
    assert response.json()["done_on"]
    response = patch(clients["editor"], address, {"done": False, "version": 1})
    assert response.status_code == 409
    assert response.json()["current"]["status"] == "done"
    assert patch(clients["editor"], address, {"done": False, "version": 2}).json()["status"] == "open"
    assert get(clients["viewer"], address).json()["status"] == "open"
