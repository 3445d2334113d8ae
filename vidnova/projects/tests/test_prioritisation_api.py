"""REST API of prioritisation rounds: the same permissions as the pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from vidnova.projects.models import PrioritisationRound, PrioritisationStatus, PriorityScore
from vidnova.projects.tests.test_prioritisation_support import make_project, make_round, score_all

pytestmark = pytest.mark.django_db

LIST = "/api/v1/prioritisation-rounds/"


def _url(name: str, round_: PrioritisationRound) -> str:
    return reverse(f"api:prioritisation-round-{name}", kwargs={"pk": round_.pk})


def test_list_and_detail_access(world, clients):  # type: ignore[no-untyped-def]
    setup = make_round(world)
    assert reverse("api:prioritisation-round-list") == LIST
    for name in ("coordinator", "expert"):
        body = clients[name].get(LIST).json()
        assert [r["id"] for r in body["results"]] == [setup.round.pk], name
    for name in ("editor", "viewer", "outsider"):
        assert clients[name].get(LIST).json()["results"] == [], name
        assert clients[name].get(_url("detail", setup.round)).status_code == 404, name
    assert clients["anonymous"].get(LIST).status_code in (401, 403)
    detail = clients["expert"].get(_url("detail", setup.round)).json()
    assert [c["code"] for c in detail["criteria"]] == ["reach", "cost"]
    assert sorted(detail["projects"]) == sorted(p.code for p in setup.projects)
    assert detail["gates"]["min_cofinancing"] == "10.00"


def test_create_update_criteria_projects_publish(world, clients):  # type: ignore[no-untyped-def]
    client = clients["coordinator"]
    body = {"programme": world.programme.slug, "name_uk": "Раунд", "gates": {"min_cofinancing": None, "security": True}}
    assert clients["expert"].post(LIST, body, content_type="application/json").status_code == 403
    assert clients["outsider"].post(LIST, body, content_type="application/json").status_code == 403
    response = client.post(LIST, body, content_type="application/json")
    assert response.status_code == 201, response.content
    round_ = PrioritisationRound.objects.get(pk=response.json()["id"])
    assert round_.gates["min_cofinancing"] is None
    assert round_.gates["dream_duplicates"] is True
    bad = client.post(LIST, {"programme": "nope", "name_uk": "x"}, content_type="application/json")
    assert bad.status_code == 400
    assert "programme" in bad.json()

    patch = client.patch(
        _url("detail", round_), {"version": round_.version, "name_en": "Round"}, content_type="application/json"
    )
    assert patch.status_code == 200
    assert patch.json()["name_en"] == "Round"
    stale = client.patch(
        _url("detail", round_), {"version": round_.version, "name_en": "X"}, content_type="application/json"
    )
    assert stale.status_code == 409

    criteria = {
        "criteria": [
            {"code": "reach", "name_uk": "Охоплення", "pillar": "soc_env", "weight": "2", "scale_max": 5},
            {"code": "gov", "name_uk": "Врядування", "pillar": "gov", "weight": "0", "scale_max": 20},
        ]
    }
    refused = client.put(_url("criteria", round_), criteria, content_type="application/json")
    assert refused.status_code == 400
    assert {"criteria[2].weight", "criteria[2].scale_max"} <= set(refused.json())
    criteria["criteria"][1].update(weight="1", scale_max=3)
    assert clients["expert"].put(_url("criteria", round_), criteria, content_type="application/json").status_code == 403
    saved = client.put(_url("criteria", round_), criteria, content_type="application/json")
    assert saved.status_code == 200
    assert [c["code"] for c in saved.json()] == ["reach", "gov"]

    project = make_project(world.hromada, programme=world.programme)
    stranger = make_project(world.other_hromada)
    unknown = client.put(_url("projects", round_), {"projects": ["NOPE"]}, content_type="application/json")
    assert unknown.status_code == 400
    outside = client.put(_url("projects", round_), {"projects": [stranger.code]}, content_type="application/json")
    assert outside.status_code == 400
    ok = client.put(_url("projects", round_), {"projects": [project.code]}, content_type="application/json")
    assert ok.status_code == 200
    assert ok.json()["projects"] == [project.code]

    assert clients["expert"].post(_url("publish", round_)).status_code == 403
    published = client.post(_url("publish", round_))
    assert published.status_code == 200
    assert published.json()["status"] == "published"
    locked = client.put(_url("criteria", round_), criteria, content_type="application/json")
    assert locked.status_code == 400


def test_scorers_conflicts_scores(world, clients):  # type: ignore[no-untyped-def]
    setup = make_round(world, publish=True)
    first, second = setup.projects
    client = clients["coordinator"]
    assert (
        clients["expert"]
        .post(_url("scorers", setup.round), {"email": world.expert.email}, content_type="application/json")
        .status_code
        == 403
    )
    added = client.post(_url("scorers", setup.round), {"email": world.expert.email}, content_type="application/json")
    assert added.status_code == 201
    assert added.json()["user"] == world.expert.email
    refused = client.post(_url("scorers", setup.round), {"email": world.viewer.email}, content_type="application/json")
    assert refused.status_code == 400
    assert "user" in refused.json()

    score = {"project": second.code, "criterion": "reach", "value": "4", "justification": "Багато людей"}
    early = clients["expert"].post(_url("scores", setup.round), score, content_type="application/json")
    assert early.status_code == 400
    assert "conflicts" in early.json()
    declared = clients["expert"].post(
        _url("conflicts", setup.round), {"projects": [first.code], "note": "Родич"}, content_type="application/json"
    )
    assert declared.status_code == 200
    assert declared.json()["conflicts"] == [first.code]
    assert (
        clients["coordinator"].post(_url("conflicts", setup.round), {}, content_type="application/json").status_code
        == 403
    )
    assert (
        clients["viewer"].post(_url("conflicts", setup.round), {}, content_type="application/json").status_code == 404
    )

    saved = clients["expert"].post(_url("scores", setup.round), score, content_type="application/json")
    assert saved.status_code == 200
    assert saved.json()["value"] == "4.00"
    conflicted = clients["expert"].post(
        _url("scores", setup.round), dict(score, project=first.code), content_type="application/json"
    )
    assert conflicted.status_code == 400
    assert "project" in conflicted.json()
    too_high = clients["expert"].post(
        _url("scores", setup.round), dict(score, value="6"), content_type="application/json"
    )
    assert too_high.status_code == 400
    assert "value_reach" in too_high.json()
    no_reason = clients["expert"].post(
        _url("scores", setup.round), dict(score, justification=""), content_type="application/json"
    )
    assert no_reason.status_code == 400
    assert PriorityScore.objects.count() == 1

    assert len(client.get(_url("scores", setup.round)).json()) == 1
    assert len(clients["expert"].get(_url("scores", setup.round)).json()) == 1
    scorers = client.get(_url("scorers", setup.round)).json()
    assert scorers[0]["declared_at"] is not None
    assert scorers[0]["conflict_note"] == "Родич"


def test_ranking_and_what_if(world, clients):  # type: ignore[no-untyped-def]
    a = make_project(world.hromada, code="A-7")
    b = make_project(world.hromada, code="B-7")
    setup = make_round(world, projects=[a, b], publish=True, scorers=[world.expert])
    score_all(world, setup, world.expert, {"A-7": {"reach": 5, "cost": 0}, "B-7": {"reach": 0, "cost": 10}})
    ranking = clients["coordinator"].get(_url("ranking", setup.round))
    assert ranking.status_code == 200
    rows = ranking.json()["rows"]
    assert [(r["project"], r["rank"]) for r in rows] == [("A-7", 1), ("B-7", 2)]
    assert rows[0]["criteria"][0] == {
        "criterion": "reach",
        "weight": "2.00",
        "mean": "100.00",
        "scorers": 1,
        "contribution": "66.67",
    }
    assert any("Rank 1 of 2" in line for line in rows[0]["explanation"])
    assert all(g["passed"] for g in rows[0]["gates"])
    assert clients["expert"].get(_url("ranking", setup.round)).status_code == 403  # while scoring
    assert clients["viewer"].get(_url("ranking", setup.round)).status_code == 404

    what_if = clients["coordinator"].post(
        _url("what-if", setup.round), {"weights": {"reach": "0", "cost": "1"}}, content_type="application/json"
    )
    assert what_if.status_code == 200
    body = what_if.json()
    assert body["is_what_if"] is True
    assert [(r["project"], r["rank"], r["base_rank"], r["rank_change"]) for r in body["rows"]] == [
        ("B-7", 1, 2, 1),
        ("A-7", 2, 1, -1),
    ]
    setup.round.refresh_from_db()
    assert setup.round.criteria.get(code="reach").weight == 2
    bad = clients["coordinator"].post(
        _url("what-if", setup.round), {"weights": {"nope": "1"}}, content_type="application/json"
    )
    assert bad.status_code == 400
    negative = clients["coordinator"].post(
        _url("what-if", setup.round), {"weights": {"reach": "-1"}}, content_type="application/json"
    )
    assert negative.status_code == 400
    assert "w_reach" in negative.json()

    assert clients["expert"].post(_url("close", setup.round)).status_code == 403
    closed = clients["coordinator"].post(_url("close", setup.round))
    assert closed.status_code == 200
    assert closed.json()["status"] == PrioritisationStatus.CLOSED
    assert clients["expert"].get(_url("ranking", setup.round)).status_code == 200


def test_schema_documents_the_endpoints(world, clients):  # type: ignore[no-untyped-def]
    response = clients["coordinator"].get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    text = response.content.decode()
    assert "/what-if/" in text
    assert "What-if ranking" in text
