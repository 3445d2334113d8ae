"""REST API of matching: the same permissions as the pages (staff write, partner experts read, others
404), validation naming the fields, explanations in the language of the request."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import World
from vidnova.partnerships.matching.types import Weights
from vidnova.partnerships.models import (
    ConstraintKind,
    Decision,
    MatchRun,
    MatchSuggestion,
    PairConstraint,
    Partnership,
    RunStatus,
)
from vidnova.partnerships.tests.test_matching_support import START, Setup, make_setup, run_now

pytestmark = pytest.mark.django_db

RUNS = "/api/v1/match-runs/"
CONSTRAINTS = "/api/v1/pair-constraints/"


def _post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, body, content_type="application/json")


def _decision_url(suggestion: MatchSuggestion, action: str) -> str:
    return reverse(
        f"api:match-run-suggestion-{action}", kwargs={"pk": suggestion.run_id, "suggestion_id": suggestion.pk}
    )


@pytest.fixture
def done_run(world: World, django_capture_on_commit_callbacks: Any) -> tuple[Setup, MatchRun]:
    setup = make_setup(world)
    return setup, run_now(world, django_capture_on_commit_callbacks, weights=Weights(fairness=30))


def test_urls() -> None:
    assert reverse("api:match-run-list") == RUNS
    assert reverse("api:pair-constraint-list") == CONSTRAINTS


def test_list_and_detail_access(world: World, clients: dict[str, Client], done_run: tuple[Setup, MatchRun]) -> None:
    _setup, run = done_run
    detail = reverse("api:match-run-detail", kwargs={"pk": run.pk})
    for name in ("coordinator", "admin", "expert"):
        body = clients[name].get(RUNS).json()
        assert [r["id"] for r in body["results"]] == [run.pk], name
        assert clients[name].get(detail).status_code == 200, name
    assert clients["coordinator"].get(RUNS + "?programme=other").json()["results"] == []
    for name in ("editor", "viewer", "outsider"):
        assert clients[name].get(RUNS).json()["results"] == [], name
        assert clients[name].get(detail).status_code == 404, name
    assert clients["anonymous"].get(RUNS).status_code in (401, 403)
    assert clients["anonymous"].get(detail).status_code == 404


def test_detail_explains(world: World, clients: dict[str, Client], done_run: tuple[Setup, MatchRun]) -> None:
    setup, run = done_run
    body = clients["expert"].get(reverse("api:match-run-detail", kwargs={"pk": run.pk})).json()
    assert body["status"] == "done"
    assert body["weights"] == {"theme": 60, "mode": 10, "language": 10, "ties": 10, "size": 10, "fairness": 30}
    assert body["seeking"] == 2
    assert body["matched"] == 2
    assert body["fairness_cost"] == pytest.approx(body["total_score_without_fairness"] - body["total_score"], abs=0.01)
    dimensions = {table["dimension"]: table for table in body["fairness"]}
    assert set(dimensions) == {"type", "population"}
    rural = next(row for row in dimensions["type"]["rows"] if row["group"] == "rural")
    assert rural["label"] == "rural"
    assert rural["seeking"] == 2
    assert rural["share_of_seekers"] == 1.0
    suggestion = next(s for s in body["suggestions"] if s["offer"]["id"] == setup.offer.pk)
    assert suggestion["offer"]["organisation"] == "Test Safety Region"
    assert "Test Safety Region" in suggestion["summary"]
    codes = [c["code"] for c in suggestion["components"]]
    assert codes == ["theme", "mode", "language", "ties", "size", "fairness"]
    theme = suggestion["components"][0]
    assert theme["label"] == "theme fit"
    assert theme["points"] == pytest.approx(60 * theme["value"], abs=0.01)
    assert "Crisis planning" in theme["text"]
    assert suggestion["decision"] == "pending"
    assert suggestion["partnership"] is None
    assert body["unmatched"] == []
    assert body["inputs"]["hromadas"] == 2


def test_texts_in_the_language_of_the_request(
    world: World, clients: dict[str, Client], done_run: tuple[Setup, MatchRun]
) -> None:
    _setup, run = done_run
    client = clients["coordinator"]
    client.cookies.pop("vidnova_language", None)
    body = client.get(reverse("api:match-run-detail", kwargs={"pk": run.pk}), HTTP_ACCEPT_LANGUAGE="uk").json()
    english = clients["expert"].get(reverse("api:match-run-detail", kwargs={"pk": run.pk})).json()
    label_uk = body["suggestions"][0]["components"][0]["label"]
    label_en = english["suggestions"][0]["components"][0]["label"]
    assert label_en == "theme fit"
    assert label_uk  # the Ukrainian catalogue may not have this label yet; it is rendered, never empty


def test_create_run(world: World, clients: dict[str, Client], django_capture_on_commit_callbacks: Any) -> None:
    make_setup(world)
    body = {
        "programme": world.programme.slug,
        "starts_on": START.isoformat(),
        "title": "API run",
        "weights": {"theme": 50, "fairness": 20},
    }
    assert _post(clients["expert"], RUNS, body).status_code == 403
    for name in ("viewer", "outsider"):
        assert _post(clients[name], RUNS, body).status_code == 404, name
    assert _post(clients["anonymous"], RUNS, body).status_code in (401, 403)
    assert not MatchRun.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(clients["coordinator"], RUNS, body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "queued"
    assert created["weights"] == {"theme": 50, "mode": 10, "language": 10, "ties": 10, "size": 10, "fairness": 20}
    run = MatchRun.objects.get(pk=created["id"])
    assert run.title == "API run"
    assert run.status == RunStatus.DONE  # the immediate backend ran it after the commit
    detail = clients["coordinator"].get(created["url"]).json()
    assert detail["status"] == "done"
    assert len(detail["suggestions"]) == 2


def test_create_run_validation(world: World, clients: dict[str, Client]) -> None:
    client = clients["coordinator"]
    base = {"programme": world.programme.slug, "starts_on": START.isoformat()}
    response = _post(client, RUNS, {**base, "programme": "nope"})
    assert response.status_code == 400
    assert "programme" in response.json()
    response = _post(client, RUNS, {**base, "starts_on": "soon", "weights": {"theme": 101}})
    assert response.status_code == 400
    errors = response.json()
    assert "starts_on" in errors
    assert "theme" in errors["weights"]
    response = _post(client, RUNS, {**base, "weights": {"theme": 0, "mode": 0, "language": 0, "ties": 0, "size": 0}})
    assert response.status_code == 400
    assert response.json()["weights"] == [
        "Set at least one weight above zero (theme fit, modes, languages, existing ties or similar size)."
    ]
    response = _post(client, RUNS, {**base, "phase": 7})
    assert response.status_code == 400
    assert "phase" in response.json()
    assert not MatchRun.objects.exists()


def test_accept_and_reject(world: World, clients: dict[str, Client], done_run: tuple[Setup, MatchRun]) -> None:
    setup, run = done_run
    suggestion = MatchSuggestion.objects.get(run=run, offer=setup.offer)
    accept = _decision_url(suggestion, "accept")
    assert _post(clients["expert"], accept, {}).status_code == 403
    for name in ("viewer", "outsider"):
        assert _post(clients[name], accept, {}).status_code == 404, name
    bad = _post(clients["coordinator"], accept, {"note": "n" * 501})
    assert bad.status_code == 400
    assert "note" in bad.json()
    assert not Partnership.objects.exists()

    response = _post(clients["coordinator"], accept, {"note": "Go"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["decision"] == "accepted"
    assert body["decision_note"] == "Go"
    assert body["decided_by"] == "coordinator@example.org"
    assert body["partnership"] == Partnership.objects.get().pk
    again = _post(clients["coordinator"], accept, {})
    assert again.status_code == 400
    assert again.json()["suggestion"] == ["This suggested match was already accepted."]

    other = MatchSuggestion.objects.get(run=run, offer=setup.other_offer)
    reject = _decision_url(other, "reject")
    assert _post(clients["expert"], reject, {}).status_code == 403
    response = _post(clients["coordinator"], reject, {"note": "No", "rule_out": True})
    assert response.status_code == 200
    assert response.json()["decision"] == "rejected"
    other.refresh_from_db()
    assert other.decision == Decision.REJECTED
    assert PairConstraint.objects.get().kind == ConstraintKind.RULE_OUT

    # A suggestion of another run under this run's address is not found.
    wrong = reverse("api:match-run-suggestion-accept", kwargs={"pk": run.pk + 1, "suggestion_id": suggestion.pk})
    assert _post(clients["coordinator"], wrong, {}).status_code == 404


def test_full_offer_is_refused(
    world: World, clients: dict[str, Client], django_capture_on_commit_callbacks: Any
) -> None:
    setup = make_setup(world)
    first = run_now(world, django_capture_on_commit_callbacks)
    second = run_now(world, django_capture_on_commit_callbacks)
    ok = _post(
        clients["coordinator"], _decision_url(MatchSuggestion.objects.get(run=first, offer=setup.offer), "accept"), {}
    )
    assert ok.status_code == 200
    stale = MatchSuggestion.objects.get(run=second, offer=setup.offer)
    response = _post(clients["coordinator"], _decision_url(stale, "accept"), {})
    assert response.status_code == 400
    assert response.json()["offer"] == ["Crisis planning coaching has no places left (capacity 1, 1 taken)."]
    assert Partnership.objects.count() == 1


def test_pair_constraints(world: World, clients: dict[str, Client]) -> None:
    setup = make_setup(world)
    body = {
        "programme": world.programme.slug,
        "hromada": setup.first.katottg,
        "offer": setup.offer.pk,
        "kind": "lock",
        "reason": "Agreed",
    }
    assert _post(clients["expert"], CONSTRAINTS, body).status_code == 403
    for name in ("viewer", "editor", "outsider"):
        assert _post(clients[name], CONSTRAINTS, body).status_code == 404, name
    response = _post(clients["coordinator"], CONSTRAINTS, body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["kind"] == "lock"
    assert created["hromada"]["katottg"] == setup.first.katottg
    assert created["offer"]["id"] == setup.offer.pk
    assert created["created_by"] == "coordinator@example.org"

    for name in ("coordinator", "expert"):
        listing = clients[name].get(CONSTRAINTS + f"?programme={world.programme.slug}").json()
        assert [c["id"] for c in listing["results"]] == [created["id"]], name
    for name in ("viewer", "outsider"):
        assert clients[name].get(CONSTRAINTS).json()["results"] == [], name

    # Refusals name the field; nothing is saved.
    response = _post(clients["coordinator"], CONSTRAINTS, {**body, "offer": setup.other_offer.pk})
    assert response.status_code == 400
    assert response.json()["hromada"] == [f"{setup.first.name_uk} is already locked to “Crisis planning coaching”."]
    response = _post(clients["coordinator"], CONSTRAINTS, {**body, "hromada": world.other_hromada.katottg})
    assert response.status_code == 400
    assert "does not take part in" in response.json()["hromada"][0]
    response = _post(clients["coordinator"], CONSTRAINTS, {**body, "hromada": "UA1", "kind": "maybe", "offer": 0})
    assert response.status_code == 400
    assert set(response.json()) >= {"hromada", "kind", "offer"}
    response = _post(clients["coordinator"], CONSTRAINTS, {**body, "offer": 999_999})
    assert response.status_code == 400
    assert "offer" in response.json()
    assert PairConstraint.objects.count() == 1

    detail = reverse("api:pair-constraint-detail", kwargs={"pk": created["id"]})
    assert clients["expert"].delete(detail).status_code == 403
    assert clients["viewer"].delete(detail).status_code == 404
    assert clients["coordinator"].delete(detail).status_code == 204
    assert not PairConstraint.objects.exists()
    assert clients["coordinator"].delete(detail).status_code == 404


def test_schema_documents_the_endpoints(clients: dict[str, Client]) -> None:
    schema = clients["anonymous"].get("/api/v1/schema/", HTTP_ACCEPT="application/json").content.decode()
    for path in (
        "/api/v1/match-runs/",
        "/api/v1/match-runs/{id}/",
        "/api/v1/match-runs/{id}/suggestions/{suggestion_id}/accept/",
        "/api/v1/pair-constraints/",
    ):
        assert path in schema, path
