"""Matching services: pair constraints, match runs (queued, solved, stored in one transaction or
failed with nothing stored), the task, and accepting or rejecting suggestions."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from conftest import World
from vidnova.audit.models import AuditEntry
from vidnova.partnerships import tasks
from vidnova.partnerships.matching import engine
from vidnova.partnerships.matching.types import Weights
from vidnova.partnerships.models import (
    ConstraintKind,
    Decision,
    MatchRun,
    MatchSuggestion,
    OfferStatus,
    PairConstraint,
    Partnership,
    PartnershipStatus,
    RunStatus,
    UnmatchedHromada,
)
from vidnova.partnerships.services import matching as services
from vidnova.partnerships.tests.test_matching_support import START, make_setup, run_now
from vidnova.testing import factories
from vidnova.testing.partnerships import make_offer, make_partnership

pytestmark = pytest.mark.django_db


def _actions() -> list[str]:
    return list(
        AuditEntry.objects.filter(action__startswith="partnerships.").order_by("pk").values_list("action", flat=True)
    )


# --- constraints ---------------------------------------------------------------------------------


def test_constraint_set_and_replace(world: World) -> None:
    setup = make_setup(world, capacity=2)
    constraint = services.constraint_set(
        acting_user=world.coordinator,
        programme=world.programme,
        hromada=setup.first,
        offer=setup.offer,
        kind=ConstraintKind.RULE_OUT,
        reason="Worked together before",
    )
    assert constraint.kind == ConstraintKind.RULE_OUT
    assert constraint.created_by == world.coordinator
    # A lock where the rule-out was replaces it: one row per pair.
    again = services.constraint_set(
        acting_user=world.coordinator,
        programme=world.programme,
        hromada=setup.first,
        offer=setup.offer,
        kind=ConstraintKind.LOCK,
    )
    assert again.pk == constraint.pk
    assert PairConstraint.objects.get().kind == ConstraintKind.LOCK
    entries = list(AuditEntry.objects.filter(action="partnerships.constraint.set").order_by("pk"))
    assert len(entries) == 2
    assert entries[1].changes["kind"] == ["rule_out", "lock"]
    assert entries[1].hromada == setup.first

    services.constraint_remove(acting_user=world.coordinator, constraint=again)
    assert not PairConstraint.objects.exists()
    assert _actions()[-1] == "partnerships.constraint.removed"


def test_constraint_refusals(world: World) -> None:
    setup = make_setup(world, capacity=1)

    def attempt(**kwargs: Any) -> dict[str, list[str]]:
        arguments = {
            "acting_user": world.coordinator,
            "programme": world.programme,
            "hromada": setup.first,
            "offer": setup.offer,
            "kind": ConstraintKind.LOCK,
            **kwargs,
        }
        with pytest.raises(ValidationError) as caught:
            services.constraint_set(**arguments)
        return caught.value.message_dict

    errors = attempt(hromada=world.other_hromada)
    assert errors["hromada"] == [f"{world.other_hromada.name_uk} does not take part in {world.programme.name}."]
    outside = factories.OrganisationFactory(kind="safety_region", name_en="Far Region")
    errors = attempt(offer=make_offer(outside, title="Far offer"))
    assert "does not take part in" in errors["offer"][0]
    assert "Far Region" in errors["offer"][0]
    errors = attempt(kind="maybe")
    assert "kind" in errors
    errors = attempt(reason="x" * 501)
    assert errors["reason"] == ["At most 500 characters; this has 501."]
    paused = make_offer(world.organisation, title="Paused coaching", status=OfferStatus.PAUSED)
    errors = attempt(offer=paused)
    assert "only open offers can be locked in" in errors["offer"][0]

    services.constraint_set(
        acting_user=world.coordinator,
        programme=world.programme,
        hromada=setup.first,
        offer=setup.offer,
        kind=ConstraintKind.LOCK,
    )
    # A second lock for the same hromada.
    errors = attempt(offer=setup.other_offer)
    assert errors["hromada"] == [f"{setup.first.name_uk} is already locked to “Crisis planning coaching”."]
    # More locks on the offer than its places left (1 place, 1 lock already).
    errors = attempt(hromada=setup.second)
    assert errors["offer"] == [
        "“Crisis planning coaching” has 1 place left and 2 locks; remove a lock or choose another offer."
    ]
    # A rule-out of another pair is no contradiction.
    services.constraint_set(
        acting_user=world.coordinator,
        programme=world.programme,
        hromada=setup.second,
        offer=setup.offer,
        kind=ConstraintKind.RULE_OUT,
    )
    assert PairConstraint.objects.count() == 2


def test_constraint_access(world: World) -> None:
    setup = make_setup(world)
    arguments: dict[str, Any] = {
        "programme": world.programme,
        "hromada": setup.first,
        "offer": setup.offer,
        "kind": ConstraintKind.LOCK,
    }
    with pytest.raises(PermissionDenied):
        services.constraint_set(acting_user=world.expert, **arguments)
    for user in (world.viewer, world.editor, world.outsider):
        with pytest.raises(Http404):
            services.constraint_set(acting_user=user, **arguments)
    assert not PairConstraint.objects.exists()
    assert _actions() == []


# --- runs ----------------------------------------------------------------------------------------


def test_match_run_happy_path(world: World, django_capture_on_commit_callbacks: Any) -> None:
    setup = make_setup(world)
    run = run_now(world, django_capture_on_commit_callbacks, title="Autumn")
    assert run.status == RunStatus.DONE
    assert run.started_at is not None
    assert run.finished_at is not None
    assert run.requested_by == world.coordinator
    assert (run.weight_theme, run.weight_mode, run.fairness_weight) == (60, 10, 0)
    suggestions = {s.hromada_id: s for s in MatchSuggestion.objects.filter(run=run)}
    # Two seeking hromadas, two offers with one place each: both matched.
    assert set(suggestions) == {setup.first.pk, setup.second.pk}
    assert {s.offer_id for s in suggestions.values()} == {setup.offer.pk, setup.other_offer.pk}
    first = suggestions[setup.first.pk]
    assert [c["code"] for c in first.components][:5] == ["theme", "mode", "language", "ties", "size"]
    assert float(first.score) == pytest.approx(sum(c["points"] for c in first.components), abs=0.02)
    assert first.decision == Decision.PENDING
    assert first.places_left == 0
    assert not UnmatchedHromada.objects.filter(run=run).exists()
    summary = run.summary
    assert summary["seeking"] == 2
    assert summary["matched"] == 2
    assert summary["offers"] == 2
    assert summary["places"] == 2
    assert summary["total_score"] == pytest.approx(float(sum(s.score for s in suggestions.values())), abs=0.02)
    assert summary["total_score_without_fairness"] == summary["total_score"]
    assert summary["fairness_with"] == summary["fairness_without"]
    assert {"dimension": "type", "group": "rural", "seeking": 2, "matched": 2} in summary["fairness_with"]
    assert run.inputs == {"hromadas": 2, "offers": 2, "locks": [], "rule_outs": [], "ignored_constraints": []}
    assert _actions() == ["partnerships.match_run.requested", "partnerships.match_run.finished"]
    finished = AuditEntry.objects.get(action="partnerships.match_run.finished")
    assert finished.data["matched"] == 2


def test_match_run_with_a_lock_and_unmatched_reasons(world: World, django_capture_on_commit_callbacks: Any) -> None:
    setup = make_setup(world)
    setup.other_offer.status = OfferStatus.WITHDRAWN
    setup.other_offer.save()
    # The second hromada is weaker than the first on crisis planning, but the first is locked in.
    services.constraint_set(
        acting_user=world.coordinator,
        programme=world.programme,
        hromada=setup.second,
        offer=setup.offer,
        kind=ConstraintKind.LOCK,
        reason="Agreed",
    )
    run = run_now(world, django_capture_on_commit_callbacks)
    suggestion = MatchSuggestion.objects.get(run=run)
    assert (suggestion.hromada_id, suggestion.offer_id, suggestion.locked) == (setup.second.pk, setup.offer.pk, True)
    unmatched = UnmatchedHromada.objects.get(run=run)
    assert unmatched.hromada_id == setup.first.pk
    assert unmatched.reasons[0]["code"] in {"full", "outscored"}
    assert [c["hromada_id"] for c in run.inputs["locks"]] == [setup.second.pk]


def test_withdrawn_offer_constraint_is_ignored_and_reported(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    setup = make_setup(world)
    constraint = services.constraint_set(
        acting_user=world.coordinator,
        programme=world.programme,
        hromada=setup.first,
        offer=setup.offer,
        kind=ConstraintKind.LOCK,
    )
    setup.offer.status = OfferStatus.WITHDRAWN
    setup.offer.save()
    run = run_now(world, django_capture_on_commit_callbacks)
    assert run.status == RunStatus.DONE
    assert run.inputs["locks"] == []
    ignored = run.inputs["ignored_constraints"]
    assert [(c["constraint_id"], c["why"], c["kind"]) for c in ignored] == [(constraint.pk, "offer_not_open", "lock")]
    assert not MatchSuggestion.objects.filter(run=run, offer=setup.offer).exists()


def test_refused_run_saves_nothing_but_the_reasons(world: World, django_capture_on_commit_callbacks: Any) -> None:
    setup = make_setup(world)
    services.constraint_set(
        acting_user=world.coordinator,
        programme=world.programme,
        hromada=setup.second,
        offer=setup.offer,
        kind=ConstraintKind.LOCK,
    )
    # Since the lock was set, a partnership took the offer's only place: the lock exceeds capacity.
    make_partnership(world.programme, world.other_hromada, world.organisation, offer=setup.offer)
    run = run_now(world, django_capture_on_commit_callbacks)
    assert run.status == RunStatus.FAILED
    assert [p["code"] for p in run.summary["problems"]] == ["locks_over_capacity"]
    assert run.summary["problems"][0]["facts"]["offer_id"] == setup.offer.pk
    assert "Crisis planning coaching" in run.error
    assert not MatchSuggestion.objects.filter(run=run).exists()
    assert not UnmatchedHromada.objects.filter(run=run).exists()
    failed = AuditEntry.objects.get(action="partnerships.match_run.failed")
    assert failed.data["problems"] == ["locks_over_capacity"]


def test_a_run_never_half_applies(
    world: World, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_setup(world)

    def fail(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("disk full")

    # Storing fails after the suggestions were written: everything is rolled back.
    monkeypatch.setattr(UnmatchedHromada.objects, "bulk_create", fail)
    run = run_now(world, django_capture_on_commit_callbacks)
    assert run.status == RunStatus.FAILED
    assert "unexpected error" in run.error
    assert "disk full" not in run.error
    assert run.summary == {"error": "unexpected"}
    assert not MatchSuggestion.objects.exists()
    assert not UnmatchedHromada.objects.exists()
    assert _actions() == ["partnerships.match_run.requested", "partnerships.match_run.failed"]


def test_an_engine_error_fails_the_run(
    world: World, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_setup(world)
    scored: list[int] = []
    real_match = engine.match

    def match_then_fail(data: Any) -> Any:
        result = real_match(data)  # scores and solves, then breaks
        scored.append(len(result.suggestions))
        raise ValueError("solver exploded")

    monkeypatch.setattr(engine, "match", match_then_fail)
    run = run_now(world, django_capture_on_commit_callbacks)
    assert scored == [2]
    assert run.status == RunStatus.FAILED
    assert not MatchSuggestion.objects.exists()


def test_match_run_create_refusals(world: World, django_capture_on_commit_callbacks: Any) -> None:
    make_setup(world)
    other_programme = factories.ProgrammeFactory(slug="other")
    other_phase = factories.PhaseFactory(programme=other_programme, number=1)

    def attempt(**kwargs: Any) -> dict[str, list[str]]:
        arguments = {
            "acting_user": world.coordinator,
            "programme": world.programme,
            "starts_on": START,
            "weights": Weights(),
            **kwargs,
        }
        with pytest.raises(ValidationError) as caught, django_capture_on_commit_callbacks(execute=True):
            services.match_run_create(**arguments)
        return caught.value.message_dict

    errors = attempt(weights=Weights(theme=0, mode=0, language=0, ties=0, size=0, fairness=50))
    assert errors["weights"] == [
        "Set at least one weight above zero (theme fit, modes, languages, existing ties or similar size)."
    ]
    errors = attempt(weights=Weights(theme=101, fairness=-1))
    assert errors["weight_theme"] == ["Give a whole number from 0 to 100."]
    assert errors["weight_fairness"] == ["Give a whole number from 0 to 100."]
    errors = attempt(phase=other_phase)
    assert errors["phase"] == [f"Choose a phase of {world.programme.name}."]
    errors = attempt(title="t" * 201)
    assert "title" in errors
    with pytest.raises(PermissionDenied):
        services.match_run_create(
            acting_user=world.expert, programme=world.programme, starts_on=START, weights=Weights()
        )
    with pytest.raises(Http404):
        services.match_run_create(
            acting_user=world.viewer, programme=world.programme, starts_on=START, weights=Weights()
        )
    assert not MatchRun.objects.exists()
    assert _actions() == []


def test_fairness_weight_is_recorded(world: World, django_capture_on_commit_callbacks: Any) -> None:
    make_setup(world)
    run = run_now(world, django_capture_on_commit_callbacks, weights=Weights(fairness=40))
    assert run.status == RunStatus.DONE
    assert run.fairness_weight == 40
    assert AuditEntry.objects.get(action="partnerships.match_run.requested").data["weights"]["fairness"] == 40


def test_the_task(world: World) -> None:
    make_setup(world)
    run = MatchRun.objects.create(programme=world.programme, starts_on=START)
    result = tasks.run_match.enqueue(run.pk)
    assert result.return_value == "done"
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert MatchSuggestion.objects.filter(run=run).count() == 2
    # A run is solved once; a missing run is tolerated.
    assert tasks.run_match.enqueue(run.pk).return_value == "done"
    assert MatchSuggestion.objects.filter(run=run).count() == 2
    assert tasks.run_match.enqueue(run.pk + 1000).return_value == "missing"


# --- decisions -----------------------------------------------------------------------------------


def test_accept_creates_a_partnership_and_takes_a_place(world: World, django_capture_on_commit_callbacks: Any) -> None:
    setup = make_setup(world)
    first_run = run_now(world, django_capture_on_commit_callbacks)
    second_run = run_now(world, django_capture_on_commit_callbacks)
    suggestion = MatchSuggestion.objects.get(run=first_run, offer=setup.offer)
    partnership = services.suggestion_accept(acting_user=world.coordinator, suggestion=suggestion, note="Go")
    suggestion.refresh_from_db()
    assert suggestion.decision == Decision.ACCEPTED
    assert suggestion.decided_by == world.coordinator
    assert suggestion.decided_at is not None
    assert suggestion.decision_note == "Go"
    assert partnership.status == PartnershipStatus.PROPOSED
    assert partnership.suggestion == suggestion
    assert partnership.offer == setup.offer
    assert partnership.hromada_id == suggestion.hromada_id
    assert partnership.starts_on == START
    assert list(partnership.partner_links.values_list("organisation_id", "role")) == [(world.organisation.pk, "lead")]
    assert list(partnership.themes.values_list("code", flat=True)) == ["crisis-planning"]
    assert partnership.title.startswith("Crisis planning coaching — ")
    accepted = AuditEntry.objects.get(action="partnerships.suggestion.accepted")
    assert accepted.data["partnership"] == partnership.pk
    assert AuditEntry.objects.filter(action="partnerships.partnership.created").count() == 1

    # The same pair from a later run: the offer's only place is taken now.
    stale = MatchSuggestion.objects.get(run=second_run, offer=setup.offer)
    with pytest.raises(ValidationError) as caught:
        services.suggestion_accept(acting_user=world.coordinator, suggestion=stale)
    assert caught.value.message_dict["offer"] == ["Crisis planning coaching has no places left (capacity 1, 1 taken)."]
    stale.refresh_from_db()
    assert stale.decision == Decision.PENDING
    assert Partnership.objects.count() == 1

    # Decided once only.
    with pytest.raises(ValidationError) as caught:
        services.suggestion_accept(acting_user=world.coordinator, suggestion=suggestion)
    assert caught.value.message_dict["suggestion"] == ["This suggested match was already accepted."]


def test_accept_and_reject_access(world: World, django_capture_on_commit_callbacks: Any) -> None:
    make_setup(world)
    run = run_now(world, django_capture_on_commit_callbacks)
    suggestion = MatchSuggestion.objects.filter(run=run).first()
    assert suggestion is not None
    for service in (services.suggestion_accept, services.suggestion_reject):
        with pytest.raises(PermissionDenied):
            service(acting_user=world.expert, suggestion=suggestion)
        for user in (world.viewer, world.outsider):
            with pytest.raises(Http404):
                service(acting_user=user, suggestion=suggestion)
    suggestion.refresh_from_db()
    assert suggestion.decision == Decision.PENDING
    assert not Partnership.objects.exists()


def test_reject(world: World, django_capture_on_commit_callbacks: Any) -> None:
    setup = make_setup(world)
    run = run_now(world, django_capture_on_commit_callbacks)
    suggestion = MatchSuggestion.objects.get(run=run, offer=setup.offer)
    with pytest.raises(ValidationError) as caught:
        services.suggestion_reject(acting_user=world.coordinator, suggestion=suggestion, note="n" * 501)
    assert "note" in caught.value.message_dict
    services.suggestion_reject(acting_user=world.coordinator, suggestion=suggestion, note="Not now")
    suggestion.refresh_from_db()
    assert (suggestion.decision, suggestion.decision_note) == (Decision.REJECTED, "Not now")
    assert not PairConstraint.objects.exists()  # rejecting does not rule the pair out
    assert AuditEntry.objects.filter(action="partnerships.suggestion.rejected").count() == 1
    with pytest.raises(ValidationError) as caught:
        services.suggestion_reject(acting_user=world.coordinator, suggestion=suggestion)
    assert caught.value.message_dict["suggestion"] == ["This suggested match was already rejected."]
    with pytest.raises(ValidationError):
        services.suggestion_accept(acting_user=world.coordinator, suggestion=suggestion)
    assert not Partnership.objects.exists()


def test_decisions_need_a_finished_run(world: World) -> None:
    setup = make_setup(world)
    run = MatchRun.objects.create(programme=world.programme, starts_on=START, status=RunStatus.FAILED)
    suggestion = MatchSuggestion.objects.create(run=run, hromada=setup.first, offer=setup.offer, score=50)
    with pytest.raises(ValidationError) as caught:
        services.suggestion_accept(acting_user=world.coordinator, suggestion=suggestion)
    assert caught.value.message_dict["suggestion"] == ["The match run is not finished; decide once it is done."]
    assert not Partnership.objects.exists()


def test_closed_partnership_frees_the_place(world: World, django_capture_on_commit_callbacks: Any) -> None:
    setup = make_setup(world)
    make_partnership(
        world.programme, world.other_hromada, world.organisation, offer=setup.offer, status=PartnershipStatus.CLOSED
    )
    run = run_now(world, django_capture_on_commit_callbacks, starts_on=datetime.date(2026, 10, 1))
    assert run.summary["places"] == 2
