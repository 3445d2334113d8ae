"""Matching pages: access (staff work, partner experts read, everyone else 404), the new-run form,
the run page with its fairness view, explanations and decisions (with and without htmx), the status
fragment, and the locks and rule-outs."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

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
from vidnova.partnerships.services import matching as services
from vidnova.partnerships.tests.test_matching_support import START, Setup, make_setup, run_now
from vidnova.testing.partnerships import make_partnership

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def _list_url(world: World) -> str:
    return reverse("partnerships:match-run-list", kwargs={"slug": world.programme.slug})


def _run_url(run: MatchRun, name: str = "match-run-detail") -> str:
    return reverse(f"partnerships:{name}", kwargs={"run_id": run.pk})


def _suggestion_url(suggestion: MatchSuggestion, name: str) -> str:
    return reverse(f"partnerships:{name}", kwargs={"suggestion_id": suggestion.pk})


def _run_form(**overrides: Any) -> dict[str, Any]:
    return {
        "title": "Autumn 2026",
        "phase": "",
        "starts_on": START.isoformat(),
        "theme": "60",
        "mode": "10",
        "language": "10",
        "ties": "10",
        "size": "10",
        "fairness": "0",
        **overrides,
    }


def test_list_access(world: World, clients: dict[str, Client]) -> None:
    url = _list_url(world)
    for name in ("coordinator", "admin"):
        page = clients[name].get(url)
        assert page.status_code == 200, name
        body = page.content.decode()
        assert "Start the match run" in body
        assert 'name="fairness"' in body
        assert "Lock in or rule out a pair" in body
        assert 'aria-current="page"' in body  # the sub-navigation marks matching
    page = clients["expert"].get(url)
    assert page.status_code == 200
    assert "Start the match run" not in page.content.decode()
    for name in ("editor", "viewer", "outsider"):
        assert clients[name].get(url).status_code == 404, name
    assert clients["anonymous"].get(url).status_code == 302
    assert clients["coordinator"].get("/partnerships/programmes/nope/matching/").status_code == 404


def test_the_start_date_defaults_to_today_in_the_format_a_date_input_reads(
    world: World, clients: dict[str, Client]
) -> None:
    # A localised value ("02.12.2026") would leave the browser's date input empty.
    clients["coordinator"].cookies["vidnova_language"] = "uk"
    response = clients["coordinator"].get(_list_url(world))
    assert f'name="starts_on" value="{timezone.localdate().isoformat()}"' in response.content.decode()


def test_list_prefills_the_weights_from_the_query(world: World, clients: dict[str, Client]) -> None:
    body = clients["coordinator"].get(_list_url(world) + "?theme=40&fairness=30&size=abc").content.decode()
    assert 'name="theme" value="40"' in body
    assert 'name="fairness" value="30"' in body
    assert 'name="size" value="10"' in body  # bad values keep the default


def test_create_run(world: World, clients: dict[str, Client], django_capture_on_commit_callbacks: Any) -> None:
    make_setup(world)
    with django_capture_on_commit_callbacks(execute=True):
        response = clients["coordinator"].post(_list_url(world), _run_form(fairness="30"))
    assert response.status_code == 302
    run = MatchRun.objects.get()
    assert response["Location"] == _run_url(run)
    assert run.title == "Autumn 2026"
    assert run.fairness_weight == 30
    assert run.requested_by == world.coordinator
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    listing = clients["coordinator"].get(_list_url(world)).content.decode()
    assert "Autumn 2026" in listing


def test_create_run_bad_input(world: World, clients: dict[str, Client]) -> None:
    make_setup(world)
    url = _list_url(world)
    zero = _run_form(theme="0", mode="0", language="0", ties="0", size="0", fairness="20")
    response = clients["coordinator"].post(url, zero)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Set at least one weight above zero" in body
    assert 'name="fairness" value="20"' in body  # what was typed is kept
    response = clients["coordinator"].post(url, _run_form(theme="150", starts_on="soon"))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Give a whole number from 0 to 100." in body
    assert "Give the date as YYYY-MM-DD" in body
    assert 'aria-describedby="id_theme_helptext' in body or "id_theme_helptext" in body
    assert not MatchRun.objects.exists()


def test_create_run_access(world: World, clients: dict[str, Client]) -> None:
    url = _list_url(world)
    assert clients["expert"].post(url, _run_form()).status_code == 403
    for name in ("editor", "viewer", "outsider"):
        assert clients[name].post(url, _run_form()).status_code == 404, name
    assert not MatchRun.objects.exists()


@pytest.fixture
def done_run(world: World, django_capture_on_commit_callbacks: Any) -> tuple[Setup, MatchRun]:
    setup = make_setup(world)
    return setup, run_now(world, django_capture_on_commit_callbacks, title="Autumn", weights=Weights(fairness=30))


def test_detail_page(world: World, clients: dict[str, Client], done_run: tuple[Setup, MatchRun]) -> None:
    setup, run = done_run
    url = _run_url(run)
    page = clients["coordinator"].get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Autumn" in body
    # The fairness view with both columns and the cost of the weight.
    assert "Matched without fairness weight" in body
    assert "Matched with the run&#x27;s fairness weight" in body or "Matched with the run's fairness weight" in body
    assert "Share of seekers" in body
    assert "Cost of the fairness weight" in body
    assert "By type of hromada" in body
    # Suggestions explained: the one-line summary and every component.
    assert "Crisis planning coaching" in body
    assert "Why: every component" in body
    assert "Theme fit" in body
    assert f'href="{reverse("partnerships:offer-detail", kwargs={"offer_id": setup.offer.pk})}"' in body
    needs = reverse("partnerships:hromada-needs", kwargs={"slug": world.programme.slug, "katottg": setup.first.katottg})
    assert needs in body
    assert "Accept" in body
    assert "Run again with these weights" in body
    assert "fairness=30" in body
    assert "Every hromada seeking a partner got a suggestion." in body

    expert = clients["expert"].get(url)
    assert expert.status_code == 200
    assert _suggestion_url(MatchSuggestion.objects.filter(run=run).first(), "suggestion-accept") not in (  # type: ignore[arg-type]
        expert.content.decode()
    )
    for name in ("editor", "viewer", "outsider"):
        assert clients[name].get(url).status_code == 404, name


def test_detail_filters_by_decision(world: World, clients: dict[str, Client], done_run: tuple[Setup, MatchRun]) -> None:
    setup, run = done_run
    rejected = MatchSuggestion.objects.get(run=run, offer=setup.other_offer)
    services.suggestion_reject(acting_user=world.coordinator, suggestion=rejected)
    body = clients["coordinator"].get(_run_url(run) + "?decision=rejected&sort=hromada").content.decode()
    assert f'id="suggestion-{rejected.pk}"' in body
    assert "Crisis team training" in body
    pending = MatchSuggestion.objects.get(run=run, offer=setup.offer)
    assert f'id="suggestion-{pending.pk}"' not in body
    body = clients["coordinator"].get(_run_url(run) + "?decision=pending").content.decode()
    assert f'id="suggestion-{pending.pk}"' in body
    assert f'id="suggestion-{rejected.pk}"' not in body


def test_unmatched_reasons_are_shown(
    world: World, clients: dict[str, Client], django_capture_on_commit_callbacks: Any
) -> None:
    setup = make_setup(world)
    setup.other_offer.status = "withdrawn"
    setup.other_offer.save()
    run = run_now(world, django_capture_on_commit_callbacks)
    body = clients["coordinator"].get(_run_url(run)).content.decode()
    assert "Hromadas without a match" in body
    assert 'id="unmatched-' in body
    assert "Every hromada seeking a partner got a suggestion." not in body


def test_failed_run_shows_the_problems(
    world: World, clients: dict[str, Client], django_capture_on_commit_callbacks: Any
) -> None:
    setup = make_setup(world)
    services.constraint_set(
        acting_user=world.coordinator,
        programme=world.programme,
        hromada=setup.first,
        offer=setup.offer,
        kind=ConstraintKind.LOCK,
    )
    make_partnership(world.programme, world.other_hromada, world.organisation, offer=setup.offer)
    run = run_now(world, django_capture_on_commit_callbacks)
    assert run.status == RunStatus.FAILED
    body = clients["expert"].get(_run_url(run)).content.decode()
    assert "Why the run failed" in body
    assert "Crisis planning coaching" in body
    assert "Suggested matches" not in body


def test_status_fragment(world: World, clients: dict[str, Client], done_run: tuple[Setup, MatchRun]) -> None:
    _setup, done = done_run
    queued = MatchRun.objects.create(programme=world.programme, starts_on=START)
    page = clients["coordinator"].get(_run_url(queued)).content.decode()
    assert 'hx-trigger="every 2s"' in page
    assert _run_url(queued, "match-run-status") in page
    fragment = clients["expert"].get(_run_url(queued, "match-run-status"), headers=HTMX)
    assert fragment.status_code == 200
    assert 'hx-trigger="every 2s"' in fragment.content.decode()
    assert "HX-Refresh" not in fragment
    finished = clients["coordinator"].get(_run_url(done, "match-run-status"), headers=HTMX)
    assert finished["HX-Refresh"] == "true"
    assert "hx-trigger" not in finished.content.decode()
    assert clients["viewer"].get(_run_url(queued, "match-run-status")).status_code == 404


def test_accept_without_javascript(world: World, clients: dict[str, Client], done_run: tuple[Setup, MatchRun]) -> None:
    setup, run = done_run
    suggestion = MatchSuggestion.objects.get(run=run, offer=setup.offer)
    url = _suggestion_url(suggestion, "suggestion-accept")
    assert clients["expert"].post(url, {f"s{suggestion.pk}-note": "x"}).status_code == 403
    for name in ("viewer", "outsider"):
        assert clients[name].post(url).status_code == 404, name
    assert not Partnership.objects.exists()
    response = clients["coordinator"].post(url, {f"s{suggestion.pk}-note": "Agreed by phone"})
    assert response.status_code == 302
    assert response["Location"] == _run_url(run) + f"#suggestion-{suggestion.pk}"
    suggestion.refresh_from_db()
    assert suggestion.decision == Decision.ACCEPTED
    assert suggestion.decision_note == "Agreed by phone"
    partnership = Partnership.objects.get()
    body = clients["coordinator"].get(_run_url(run)).content.decode()
    assert reverse("partnerships:partnership-detail", kwargs={"partnership_id": partnership.pk}) in body
    assert "Open the partnership" in body


def test_accept_refused_keeps_the_page(
    world: World, clients: dict[str, Client], django_capture_on_commit_callbacks: Any
) -> None:
    setup = make_setup(world)
    first = run_now(world, django_capture_on_commit_callbacks)
    second = run_now(world, django_capture_on_commit_callbacks)
    services.suggestion_accept(
        acting_user=world.coordinator, suggestion=MatchSuggestion.objects.get(run=first, offer=setup.offer)
    )
    stale = MatchSuggestion.objects.get(run=second, offer=setup.offer)
    response = clients["coordinator"].post(
        _suggestion_url(stale, "suggestion-accept"), {f"s{stale.pk}-note": "Typed note"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Crisis planning coaching has no places left (capacity 1, 1 taken)." in body
    assert 'value="Typed note"' in body
    stale.refresh_from_db()
    assert stale.decision == Decision.PENDING
    assert Partnership.objects.count() == 1
    # With htmx the row comes back with the reason.
    row = clients["coordinator"].post(_suggestion_url(stale, "suggestion-accept"), headers=HTMX)
    assert row.status_code == 200
    assert row.content.decode().lstrip().startswith("<tr")
    assert "has no places left" in row.content.decode()


def test_decide_with_htmx(world: World, clients: dict[str, Client], done_run: tuple[Setup, MatchRun]) -> None:
    setup, run = done_run
    suggestion = MatchSuggestion.objects.get(run=run, offer=setup.offer)
    row = clients["coordinator"].post(_suggestion_url(suggestion, "suggestion-accept"), headers=HTMX)
    assert row.status_code == 200
    html = row.content.decode()
    assert html.lstrip().startswith("<tr")
    assert f'id="suggestion-{suggestion.pk}"' in html
    assert "Open the partnership" in html
    assert "Accepted: the partnership" in html
    other = MatchSuggestion.objects.get(run=run, offer=setup.other_offer)
    row = clients["coordinator"].post(
        _suggestion_url(other, "suggestion-reject"),
        {f"s{other.pk}-note": "Too far", f"s{other.pk}-rule_out": "on"},
        headers=HTMX,
    )
    assert row.status_code == 200
    assert "later runs will not suggest this pair" in row.content.decode()
    other.refresh_from_db()
    assert other.decision == Decision.REJECTED
    constraint = PairConstraint.objects.get()
    assert (constraint.hromada_id, constraint.offer_id, constraint.kind, constraint.reason) == (
        other.hromada_id,
        other.offer_id,
        ConstraintKind.RULE_OUT,
        "Too far",
    )


def test_reject_without_rule_out(world: World, clients: dict[str, Client], done_run: tuple[Setup, MatchRun]) -> None:
    setup, run = done_run
    suggestion = MatchSuggestion.objects.get(run=run, offer=setup.offer)
    url = _suggestion_url(suggestion, "suggestion-reject")
    assert clients["expert"].post(url).status_code == 403
    assert clients["outsider"].post(url).status_code == 404
    bad = clients["coordinator"].post(url, {f"s{suggestion.pk}-note": "n" * 600})
    assert bad.status_code == 400
    suggestion.refresh_from_db()
    assert suggestion.decision == Decision.PENDING
    response = clients["coordinator"].post(url, {f"s{suggestion.pk}-note": ""})
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.decision == Decision.REJECTED
    assert not PairConstraint.objects.exists()


def test_constraints_on_the_page(world: World, clients: dict[str, Client]) -> None:
    setup = make_setup(world, capacity=1)
    url = reverse("partnerships:constraint-create", kwargs={"slug": world.programme.slug})
    data = {"hromada": setup.first.pk, "offer": setup.offer.pk, "kind": "lock", "reason": "Agreed"}
    assert clients["expert"].post(url, data).status_code == 403
    for name in ("viewer", "editor", "outsider"):
        assert clients[name].post(url, data).status_code == 404, name
    assert not PairConstraint.objects.exists()

    response = clients["coordinator"].post(url, data)
    assert response.status_code == 302
    assert response["Location"] == _list_url(world) + "#constraints"
    constraint = PairConstraint.objects.get()
    assert (constraint.kind, constraint.reason, constraint.created_by) == ("lock", "Agreed", world.coordinator)
    body = clients["expert"].get(_list_url(world)).content.decode()
    assert "Agreed" in body
    assert "locked in" in body

    # A second lock for the same hromada is refused with the reason; nothing saved, input kept.
    response = clients["coordinator"].post(url, {**data, "offer": setup.other_offer.pk, "reason": "Second try"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "is already locked to “Crisis planning coaching”" in body
    assert "Second try" in body
    # A hromada outside the programme cannot be chosen.
    response = clients["coordinator"].post(url, {**data, "hromada": world.other_hromada.pk})
    assert response.status_code == 400
    assert PairConstraint.objects.count() == 1

    remove = reverse("partnerships:constraint-remove", kwargs={"constraint_id": constraint.pk})
    assert clients["expert"].post(remove).status_code == 403
    assert clients["viewer"].post(remove).status_code == 404
    assert clients["coordinator"].post(remove).status_code == 302
    assert not PairConstraint.objects.exists()


def test_suggestions_are_paged(
    world: World, clients: dict[str, Client], done_run: tuple[Setup, MatchRun], monkeypatch: pytest.MonkeyPatch
) -> None:
    from vidnova.partnerships.views import matching as views

    _setup, run = done_run
    monkeypatch.setattr(views, "SUGGESTIONS_PER_PAGE", 1)
    ordered = list(MatchSuggestion.objects.filter(run=run).order_by("-score", "hromada__name_sort", "offer_id"))
    first = clients["coordinator"].get(_run_url(run)).content.decode()
    assert f'id="suggestion-{ordered[0].pk}"' in first
    assert f'id="suggestion-{ordered[1].pk}"' not in first
    assert "Page 1 of 2" in first
    assert "?sort=score&amp;page=2" in first
    second = clients["coordinator"].get(_run_url(run) + "?sort=score&page=2").content.decode()
    assert f'id="suggestion-{ordered[1].pk}"' in second
