"""Prioritisation pages: access (staff run, experts read and score when named, others 404), the
create form, criteria, projects, publishing, scorers, declarations, scoring, ranking, what-if and
the CSV export."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.urls import reverse

from vidnova.projects.models import PrioritisationRound, PrioritisationStatus, PriorityScore
from vidnova.projects.services import prioritisation as services
from vidnova.projects.tests.test_prioritisation_support import make_project, make_round, score_all

pytestmark = pytest.mark.django_db


def _list_url(world: Any) -> str:
    return reverse("projects:prioritisation-list", kwargs={"slug": world.programme.slug})


def _url(name: str, round_: PrioritisationRound, **kwargs: Any) -> str:
    return reverse(f"projects:{name}", kwargs={"pk": round_.pk, **kwargs})


def test_list_access(world, clients):  # type: ignore[no-untyped-def]
    make_round(world)
    url = _list_url(world)
    for name in ("coordinator", "admin"):
        response = clients[name].get(url)
        assert response.status_code == 200
        assert b"Create the round" in response.content or "Create the round" in response.content.decode()
    response = clients["expert"].get(url)
    assert response.status_code == 200
    assert 'name="name_uk"' not in response.content.decode()  # no create form
    for name in ("editor", "viewer", "outsider"):
        assert clients[name].get(url).status_code == 404, name
    assert clients["anonymous"].get(url).status_code == 302  # to sign-in


def test_create_round(world, clients):  # type: ignore[no-untyped-def]
    data = {
        "name_uk": "Пріоритизація 2027",
        "name_en": "Prioritisation 2027",
        "gate_security": "on",
        "gate_min_cofinancing": "15",
        "gate_dream_duplicates": "on",
    }
    response = clients["coordinator"].post(_list_url(world), data)
    assert response.status_code == 302
    round_ = PrioritisationRound.objects.get()
    assert response["Location"].endswith(_url("prioritisation-detail", round_) + "#criteria")
    assert round_.gates == {
        "security": True,
        "min_cofinancing": "15.00",
        "design_for_construction": False,
        "dream_duplicates": True,
    }
    bad = clients["coordinator"].post(_list_url(world), {"name_uk": "", "gate_min_cofinancing": "150"})
    assert bad.status_code == 400
    assert PrioritisationRound.objects.count() == 1
    assert clients["expert"].post(_list_url(world), data).status_code == 403
    assert clients["editor"].post(_list_url(world), data).status_code == 404
    assert PrioritisationRound.objects.count() == 1


def test_detail_access(world, clients):  # type: ignore[no-untyped-def]
    setup = make_round(world)
    url = _url("prioritisation-detail", setup.round)
    assert clients["coordinator"].get(url).status_code == 200
    page = clients["expert"].get(url)
    assert page.status_code == 200
    assert "Save the criteria" not in page.content.decode()
    for name in ("editor", "viewer", "outsider"):
        assert clients[name].get(url).status_code == 404, name


def test_criteria_edit_then_publish_locks(world, clients):  # type: ignore[no-untyped-def]
    setup = make_round(world)
    url = _url("prioritisation-criteria", setup.round)
    data = {
        "criteria-TOTAL_FORMS": "2",
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
        "criteria-0-code": "people",
        "criteria-0-name_uk": "Люди",
        "criteria-0-pillar": "soc_env",
        "criteria-0-weight": "3",
        "criteria-0-scale_max": "5",
    }
    assert clients["expert"].post(url, data).status_code == 403
    assert clients["viewer"].post(url, data).status_code == 404
    response = clients["coordinator"].post(url, data)
    assert response.status_code == 302
    assert [c.code for c in setup.round.criteria.all()] == ["people"]
    bad = dict(data, **{"criteria-0-weight": "0"})
    assert clients["coordinator"].post(url, bad).status_code == 400
    assert clients["coordinator"].post(_url("prioritisation-publish", setup.round)).status_code == 302
    setup.round.refresh_from_db()
    assert setup.round.status == PrioritisationStatus.PUBLISHED
    page = clients["coordinator"].get(_url("prioritisation-detail", setup.round)).content.decode()
    assert "Locked: published on" in page
    assert "Save the criteria" not in page
    assert clients["coordinator"].post(url, data).status_code == 400  # locked


def test_edit_round_conflict(world, clients):  # type: ignore[no-untyped-def]
    setup = make_round(world)
    url = _url("prioritisation-edit", setup.round)
    data = {"name_uk": "Нова назва", "version": setup.round.version, "gate_security": "on"}
    assert clients["expert"].post(url, data).status_code == 403
    assert clients["coordinator"].post(url, data).status_code == 302
    assert clients["coordinator"].post(url, data).status_code == 409  # stale version
    setup.round.refresh_from_db()
    assert setup.round.name_uk == "Нова назва"
    assert setup.round.gates["min_cofinancing"] is None


def test_projects_form(world, clients):  # type: ignore[no-untyped-def]
    setup = make_round(world)
    extra = make_project(world.hromada)
    stranger = make_project(world.other_hromada)
    url = _url("prioritisation-projects", setup.round)
    ids = [p.pk for p in setup.projects] + [extra.pk]
    assert clients["expert"].post(url, {"projects": ids}).status_code == 403
    assert clients["coordinator"].post(url, {"projects": ids}).status_code == 302
    assert setup.round.projects.count() == 3
    assert clients["coordinator"].post(url, {"projects": [stranger.pk]}).status_code == 400
    assert setup.round.projects.count() == 3


def test_scorer_declares_and_scores(world, clients):  # type: ignore[no-untyped-def]
    setup = make_round(world, publish=True)
    add = clients["coordinator"].post(_url("prioritisation-scorers", setup.round), {"user": world.expert.pk})
    assert add.status_code == 302
    assert (
        clients["coordinator"].post(_url("prioritisation-scorers", setup.round), {"user": world.editor.pk}).status_code
        == 400
    )
    assert (
        clients["expert"].post(_url("prioritisation-scorers", setup.round), {"user": world.admin.pk}).status_code == 403
    )
    first, second = setup.projects
    score_url = _url("prioritisation-score", setup.round, project=second.pk)
    scores = {
        f"p{second.pk}-value_reach": "4",
        f"p{second.pk}-justification_reach": "Для 2000 людей",
        f"p{second.pk}-value_cost": "",
        f"p{second.pk}-justification_cost": "",
    }
    # not declared yet
    assert clients["expert"].post(score_url, scores).status_code == 400
    page = clients["expert"].get(_url("prioritisation-detail", setup.round)).content.decode()
    assert "Declare your conflicts of interest" in page
    declare = clients["expert"].post(
        _url("prioritisation-conflicts", setup.round), {"conflicts": [first.pk], "conflict_note": "Працюю там"}
    )
    assert declare.status_code == 302
    assert clients["expert"].post(score_url, scores).status_code == 302
    score = PriorityScore.objects.get()
    assert score.value == 4
    assert score.justification == "Для 2000 людей"
    # a value without its justification
    missing = dict(scores, **{f"p{second.pk}-value_cost": "7"})
    assert clients["expert"].post(score_url, missing).status_code == 400
    # the conflicted project
    conflict_url = _url("prioritisation-score", setup.round, project=first.pk)
    conflict_scores = {f"p{first.pk}-value_reach": "4", f"p{first.pk}-justification_reach": "x"}
    assert clients["expert"].post(conflict_url, conflict_scores).status_code == 400
    assert PriorityScore.objects.count() == 1
    # not a scorer
    assert clients["coordinator"].post(score_url, scores).status_code == 403
    assert clients["viewer"].post(score_url, scores).status_code == 404
    page = clients["expert"].get(_url("prioritisation-detail", setup.round)).content.decode()
    assert "You declared a conflict of interest: you do not score this project." in page
    assert "1 of 2 criteria scored." in page


def test_ranking_what_if_and_export(world, clients):  # type: ignore[no-untyped-def]
    a = make_project(world.hromada, code="A-9")
    b = make_project(world.hromada, code="B-9")
    setup = make_round(world, projects=[a, b], publish=True, scorers=[world.expert])
    score_all(world, setup, world.expert, {"A-9": {"reach": 5, "cost": 0}, "B-9": {"reach": 0, "cost": 10}})
    detail = _url("prioritisation-detail", setup.round)
    page = clients["coordinator"].get(detail).content.decode()
    assert 'id="ranking-table"' in page
    assert "Rank 1 of 2" in page
    # experts do not see the ranking while scoring is open
    assert 'id="ranking-table"' not in clients["expert"].get(detail).content.decode()
    assert clients["expert"].get(_url("prioritisation-export", setup.round)).status_code == 403
    what_if = clients["coordinator"].get(detail, {"w_reach": "0", "w_cost": "1"})
    assert what_if.status_code == 200
    content = what_if.content.decode()
    assert 'id="what-if-table"' in content
    assert "▲" in content
    assert "▼" in content
    assert clients["coordinator"].get(detail, {"w_reach": "x"}).status_code == 400
    setup.round.refresh_from_db()
    assert setup.round.criteria.get(code="reach").weight == 2
    export = clients["coordinator"].get(_url("prioritisation-export", setup.round))
    assert export.status_code == 200
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[1][:2] == ["1", "A-9"]
    assert rows[2][:2] == ["2", "B-9"]
    what_if_export = clients["coordinator"].get(_url("prioritisation-export", setup.round), {"w_reach": "0"})
    rows = list(csv.reader(io.StringIO(what_if_export.content.decode("utf-8-sig"))))
    assert rows[1][1] == "B-9"
    assert clients["outsider"].get(_url("prioritisation-export", setup.round)).status_code == 404
    # closing: the ranking is shown to partner experts
    assert clients["expert"].post(_url("prioritisation-close", setup.round)).status_code == 403
    assert clients["coordinator"].post(_url("prioritisation-close", setup.round)).status_code == 302
    assert 'id="ranking-table"' in clients["expert"].get(detail).content.decode()
    assert clients["expert"].get(_url("prioritisation-export", setup.round)).status_code == 200


def test_publish_without_projects_shows_problems(world, clients):  # type: ignore[no-untyped-def]
    round_ = services.round_create(acting_user=world.coordinator, programme=world.programme, name_uk="Р")
    response = clients["coordinator"].post(_url("prioritisation-publish", round_))
    assert response.status_code == 400
    assert "Nothing was saved" in response.content.decode() or "Нічого" in response.content.decode()
