"""Selection API: the same services and rules as the pages (staff only, 404 for everyone else)."""

from __future__ import annotations

import pytest

from vidnova.assessments.models import Decision, SelectionCall, SelectionStatus
from vidnova.assessments.tests.test_selection_services import assessment_of, build, make_assessment

pytestmark = pytest.mark.django_db

BASE = "/api/v1/selection-calls/"


def test_full_flow(world, clients):  # type: ignore[no-untyped-def]
    setup = build(world)
    for index in range(3):
        make_assessment(assessment_of(setup, index), overall=str(30 + 10 * index), fields={1: "40"}, damage="minor")
    client = clients["coordinator"]
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the messages asserted below are the English ones
    created = client.post(
        BASE,
        {
            "programme": world.programme.slug,
            "round": setup.round.pk,
            "name_uk": "API відбір",
            "security_date": "2026-12-01",
            "oblasts": [world.hromada.oblast.katottg],
            "places": 1,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    pk = body["id"]
    assert body["status"] == "draft"
    assert body["oblasts"] == [world.hromada.oblast.katottg]
    bad_oblast = client.post(
        BASE,
        {
            "programme": world.programme.slug,
            "round": setup.round.pk,
            "name_uk": "X",
            "security_date": "2026-12-01",
            "oblasts": ["UA99999999999999999"],
        },
        content_type="application/json",
    )
    assert bad_oblast.status_code == 400
    assert "oblasts" in bad_oblast.json()
    # Update with the version; a stale version is 409.
    changed = client.patch(f"{BASE}{pk}/", {"version": body["version"], "oblasts": []}, content_type="application/json")
    assert changed.status_code == 200
    assert changed.json()["oblasts"] == []
    assert client.patch(f"{BASE}{pk}/", {"version": 1, "places": 3}, content_type="application/json").status_code == 409
    criteria = {
        "criteria": [
            {"code": "gap", "name_uk": "Розрив", "kind": "capacity_gap", "weight": "50"},
            {"code": "commitment", "name_uk": "Зобовʼязання", "kind": "manual", "weight": "50"},
        ]
    }
    invalid = client.put(
        f"{BASE}{pk}/criteria/",
        {"criteria": [{"code": "f", "name_uk": "F", "kind": "field_gap", "weight": "1", "parameters": {"field": 9}}]},
        content_type="application/json",
    )
    assert invalid.status_code == 400
    assert "choose the field" in str(invalid.json())
    assert client.put(f"{BASE}{pk}/criteria/", criteria, content_type="application/json").status_code == 200
    locked = client.post(f"{BASE}{pk}/lock/")
    assert locked.status_code == 200
    assert locked.json()["status"] == "locked"
    refused = client.put(f"{BASE}{pk}/criteria/", criteria, content_type="application/json")
    assert refused.status_code == 400
    assert "locked" in str(refused.json())
    score = client.post(
        f"{BASE}{pk}/manual-scores/",
        {"criterion": "commitment", "hromada": setup.hromadas[2].katottg, "value": "100", "note": "Co-funding"},
        content_type="application/json",
    )
    assert score.status_code == 200, score.content
    assert client.get(f"{BASE}{pk}/manual-scores/").json()[0]["note"] == "Co-funding"
    ranked = client.post(f"{BASE}{pk}/rank/")
    assert ranked.status_code == 200
    rows = ranked.json()
    assert rows[0]["hromada"] == setup.hromadas[2].katottg
    assert rows[0]["rank"] == 1
    assert "rank 1 of 3" in rows[0]["explanation"]
    candidates = client.get(f"{BASE}{pk}/candidates/").json()
    assert len(candidates) == 5
    assert [c["eligible"] for c in candidates].count(True) == 3
    ineligible = next(c for c in candidates if not c["eligible"])
    refused = client.post(
        f"{BASE}{pk}/candidates/{ineligible['hromada']}/decision/",
        {"decision": "selected", "justification": "x"},
        content_type="application/json",
    )
    assert refused.status_code == 400
    decided = client.post(
        f"{BASE}{pk}/candidates/{rows[0]['hromada']}/decision/",
        {"decision": Decision.SELECTED, "justification": "Highest total"},
        content_type="application/json",
    )
    assert decided.status_code == 200
    assert decided.json()["decision"] == "selected"
    final = client.post(f"{BASE}{pk}/decide/")
    assert final.status_code == 200
    assert final.json()["status"] == SelectionStatus.DECIDED
    listing = client.get(BASE + f"?programme={world.programme.slug}").json()
    assert {item["id"] for item in listing["results"]} == set(SelectionCall.objects.values_list("pk", flat=True))


def test_access(world, clients):  # type: ignore[no-untyped-def]
    setup = build(world)
    pk = setup.call.pk
    for name in ("editor", "viewer", "expert", "outsider", "anonymous"):
        client = clients[name]
        assert client.get(f"{BASE}{pk}/").status_code == 404
        assert client.get(f"{BASE}{pk}/candidates/").status_code in (401, 404)
        listing = client.get(BASE)
        assert listing.status_code == 200
        assert listing.json()["results"] == []
        assert client.post(f"{BASE}{pk}/lock/").status_code in (401, 403, 404)
        created = client.post(
            BASE,
            {"programme": world.programme.slug, "round": setup.round.pk, "name_uk": "X", "security_date": "2026-12-01"},
            content_type="application/json",
        )
        assert created.status_code in (401, 403, 404)
    for name in ("editor", "viewer", "expert", "outsider"):
        assert clients[name].get(f"{BASE}{pk}/").status_code == 404
        assert clients[name].post(f"{BASE}{pk}/lock/").status_code == 404
    assert clients["coordinator"].get(f"{BASE}{pk}/").status_code == 200
    assert clients["admin"].get(BASE).json()["results"][0]["id"] == pk
