"""Matching: the coordinators' pair constraints, match runs and the decisions on their suggestions.

* ``constraint_set`` / ``constraint_remove``: lock a (hromada, offer) pair in or rule it out for every
  later run of the programme; one row per pair (setting a lock where a rule-out was replaces it).
  Contradictions are refused when they are set: a hromada locked to two offers, more locks on an
  offer than its places left.
* ``match_run_create`` queues a run; the background task (vidnova.partnerships.tasks.run_match) calls
  ``match_run_execute``, which reads the input (selectors/matching.build_input), solves it
  (matching/engine.match) and stores the suggestions, the unmatched hromadas and the summary in ONE
  transaction: a run is done with all its results, or failed with none.
* ``suggestion_accept`` creates the partnership (services/partnerships.partnership_create, which
  takes a place on the offer); ``suggestion_reject`` only records the decision.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from vidnova.accounts.access import Action, AnyUser, require
from vidnova.accounts.models import User
from vidnova.audit.services import diff, record
from vidnova.partnerships.matching import engine, explain
from vidnova.partnerships.matching.types import (
    COMPONENT_THEME,
    Component,
    GroupShare,
    MatchRefused,
    MatchResult,
    Weights,
)
from vidnova.partnerships.models import (
    ConstraintKind,
    Decision,
    ExpertiseOffer,
    MatchRun,
    MatchSuggestion,
    OfferStatus,
    PairConstraint,
    PartnerRole,
    Partnership,
    RunStatus,
    Theme,
    UnmatchedHromada,
)
from vidnova.partnerships.selectors import matching as selectors
from vidnova.partnerships.selectors.offers import places_taken
from vidnova.partnerships.services.partnerships import partnership_create
from vidnova.programmes.models import Participation, Phase, Programme
from vidnova.registry.models import Hromada

logger = logging.getLogger(__name__)

MAX_WEIGHT = 100
MAX_REASON = 500
MAX_NOTE = 500
MAX_TITLE = 200
WEIGHT_NAMES = ("theme", "mode", "language", "ties", "size", "fairness")
SCORED_WEIGHTS = ("theme", "mode", "language", "ties", "size")


def actor(user: AnyUser | None) -> User | None:
    return user if isinstance(user, User) else None


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _limited(value: Any, limit: int, field: str, errors: dict[str, str]) -> str:
    text = _text(value)
    if len(text) > limit:
        errors[field] = gettext("At most %(limit)s characters; this has %(count)s.") % {
            "limit": limit,
            "count": len(text),
        }
    return text


def in_programme(programme: Programme, hromada: Hromada) -> bool:
    return Participation.objects.filter(phase__programme=programme, hromada=hromada).exists()


# --- pair constraints ----------------------------------------------------------------------------


def constraint_set(
    *,
    acting_user: AnyUser | None,
    programme: Programme,
    hromada: Hromada,
    offer: ExpertiseOffer,
    kind: str,
    reason: str = "",
) -> PairConstraint:
    """Lock ``hromada`` to ``offer`` (every later run suggests the pair) or rule the pair out (no run
    suggests it). Programme staff only. An existing constraint on the pair is replaced."""
    with transaction.atomic():
        if acting_user is not None:
            require(acting_user, Action.EDIT, PairConstraint(programme=programme))
        errors: dict[str, str] = {}
        if kind not in ConstraintKind.values:
            errors["kind"] = gettext("Choose “locked in” or “ruled out”.")
        reason = _limited(reason, MAX_REASON, "reason", errors)
        if not in_programme(programme, hromada):
            errors["hromada"] = gettext("%(hromada)s does not take part in %(programme)s.") % {
                "hromada": hromada,
                "programme": programme,
            }
        # Lock the offer so two coordinators cannot lock its last place at once.
        offer = ExpertiseOffer.objects.select_for_update().select_related("organisation").get(pk=offer.pk)
        if not offer.organisation.programmes.filter(pk=programme.pk).exists():
            errors["offer"] = gettext(
                "%(organisation)s, which makes the offer “%(offer)s”, does not take part in %(programme)s."
            ) % {"organisation": offer.organisation, "offer": offer, "programme": programme}
        existing = PairConstraint.objects.filter(programme=programme, hromada=hromada, offer=offer).first()
        if kind == ConstraintKind.LOCK and not errors:
            if offer.status != OfferStatus.ACTIVE:
                errors["offer"] = gettext("“%(offer)s” is %(status)s; only open offers can be locked in.") % {
                    "offer": offer,
                    "status": offer.get_status_display(),
                }
            other = (
                PairConstraint.objects.filter(programme=programme, hromada=hromada, kind=ConstraintKind.LOCK)
                .exclude(offer=offer)
                .select_related("offer")
                .first()
            )
            if other is not None:
                errors["hromada"] = gettext("%(hromada)s is already locked to “%(offer)s”.") % {
                    "hromada": hromada,
                    "offer": other.offer,
                }
            locks = (
                PairConstraint.objects.filter(programme=programme, offer=offer, kind=ConstraintKind.LOCK)
                .exclude(hromada=hromada)
                .count()
                + 1
            )
            left = max(offer.capacity - places_taken([offer.pk]).get(offer.pk, 0), 0)
            if locks > left and "offer" not in errors:
                errors["offer"] = ngettext(
                    "“%(offer)s” has %(left)s place left and %(locks)s locks; remove a lock or choose another offer.",
                    "“%(offer)s” has %(left)s places left and %(locks)s locks; remove a lock or choose another offer.",
                    left,
                ) % {"offer": offer, "left": left, "locks": locks}
        if errors:
            raise ValidationError(errors)
        before = {"kind": existing.kind, "reason": existing.reason} if existing is not None else {}
        if existing is None:
            constraint = PairConstraint.objects.create(
                programme=programme,
                hromada=hromada,
                offer=offer,
                kind=kind,
                reason=reason,
                created_by=actor(acting_user),
            )
        else:
            constraint = existing
            constraint.kind = kind
            constraint.reason = reason
            constraint.created_by = actor(acting_user) or constraint.created_by
            constraint.save(update_fields=["kind", "reason", "created_by", "updated_at"])
        record(
            actor=actor(acting_user),
            action="partnerships.constraint.set",
            target=constraint,
            changes=diff(before, {"kind": kind, "reason": reason}),
            data={"programme": programme.slug, "offer": offer.pk, "kind": kind},
            hromada=hromada,
        )
    return constraint


def constraint_remove(*, acting_user: AnyUser | None, constraint: PairConstraint) -> None:
    """Remove a lock or rule-out: later runs treat the pair like any other. Programme staff only."""
    with transaction.atomic():
        if acting_user is not None:
            require(acting_user, Action.EDIT, constraint)
        constraint = (
            PairConstraint.objects.select_for_update().select_related("hromada", "programme").get(pk=constraint.pk)
        )
        record(
            actor=actor(acting_user),
            action="partnerships.constraint.removed",
            target=constraint,
            changes=diff({"kind": constraint.kind, "reason": constraint.reason}, {}),
            data={"programme": constraint.programme.slug, "offer": constraint.offer_id, "kind": constraint.kind},
            hromada=constraint.hromada,
        )
        constraint.delete()


# --- match runs ----------------------------------------------------------------------------------


def weights_clean(weights: Weights) -> dict[str, str]:
    """Errors of ``weights`` by name ("weights" for the whole): each 0–100, one scored weight above 0."""
    errors: dict[str, str] = {}
    for name in WEIGHT_NAMES:
        value = getattr(weights, name)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_WEIGHT:
            errors[f"weight_{name}"] = gettext("Give a whole number from 0 to %(max)s.") % {"max": MAX_WEIGHT}
    if not errors and sum(getattr(weights, name) for name in SCORED_WEIGHTS) <= 0:
        errors["weights"] = gettext(
            "Set at least one weight above zero (theme fit, modes, languages, existing ties or similar size)."
        )
    return errors


def match_run_create(
    *,
    acting_user: AnyUser | None,
    programme: Programme,
    starts_on: datetime.date,
    weights: Weights,
    phase: Phase | None = None,
    title: str = "",
) -> MatchRun:
    """A queued match run; the background task runs it once the transaction commits. Programme staff
    only. ``weights`` are copied onto the run, so later runs can be compared."""
    with transaction.atomic():
        if acting_user is not None:
            require(acting_user, Action.EDIT, MatchRun(programme=programme))
        errors = weights_clean(weights)
        title = _limited(title, MAX_TITLE, "title", errors)
        if not isinstance(starts_on, datetime.date):
            errors["starts_on"] = gettext("Give the date as YYYY-MM-DD, for example 2026-09-01.")
        if phase is not None and phase.programme_id != programme.pk:
            errors["phase"] = gettext("Choose a phase of %(programme)s.") % {"programme": programme}
        if errors:
            raise ValidationError(errors)
        run = MatchRun.objects.create(
            programme=programme,
            phase=phase,
            title=title,
            starts_on=starts_on,
            weight_theme=weights.theme,
            weight_mode=weights.mode,
            weight_language=weights.language,
            weight_ties=weights.ties,
            weight_size=weights.size,
            fairness_weight=weights.fairness,
            status=RunStatus.QUEUED,
            requested_by=actor(acting_user),
        )
        record(
            actor=actor(acting_user),
            action="partnerships.match_run.requested",
            target=run,
            data={
                "programme": programme.slug,
                "phase": phase.number if phase is not None else None,
                "starts_on": starts_on,
                "weights": dataclasses.asdict(weights),
            },
        )
        run_id = run.pk
        transaction.on_commit(lambda: _enqueue(run_id))
    return run


def _enqueue(run_id: int) -> None:
    from vidnova.partnerships.tasks import run_match

    run_match.enqueue(run_id)


def _jsonable(value: Any) -> Any:
    """Facts as JSON: sets and tuples become (sorted) lists, dates ISO strings, numbers stay."""
    if isinstance(value, Mapping):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, set | frozenset):
        items = [_jsonable(item) for item in value]
        try:
            return sorted(items)
        except TypeError:
            return items
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def component_dict(component: Component) -> dict[str, Any]:
    return {
        "code": component.code,
        "value": round(float(component.value), 4),
        "points": round(float(component.points), 4),
        "facts": _jsonable(component.facts),
    }


def _shares(rows: Sequence[GroupShare]) -> list[dict[str, Any]]:
    return [{"dimension": r.dimension, "group": r.group, "seeking": r.seeking, "matched": r.matched} for r in rows]


def _summary(result: MatchResult, offers: int, places: int) -> dict[str, Any]:
    return {
        "seeking": result.seeking,
        "matched": len(result.suggestions),
        "offers": offers,
        "places": places,
        "total_score": round(float(result.total_score), 2),
        "total_score_without_fairness": round(float(result.total_score_without_fairness), 2),
        "fairness_without": _shares(result.fairness_without),
        "fairness_with": _shares(result.fairness_with),
    }


GENERIC_FAILURE = (
    "The match run stopped because of an unexpected error; nothing was saved. Try again or tell the platform's support."
)


def match_run_execute(run_id: int) -> None:
    """Run match run ``run_id`` (the background task's body): RUNNING, then DONE with every result
    or FAILED with none. Refused inputs (contradicting locks, …) fail with the problems in words;
    anything unexpected fails with a generic message and is logged, never raised."""
    with transaction.atomic():
        run = MatchRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None:
            logger.warning("Match run %s no longer exists; nothing run.", run_id)
            return
        if run.status != RunStatus.QUEUED:
            logger.info("Match run %s is %s; not run again.", run_id, run.status)
            return
        run.status = RunStatus.RUNNING
        run.started_at = timezone.now()
        run.error = ""
        run.save(update_fields=["status", "started_at", "error", "updated_at"])
    try:
        _execute(run_id)
    except Exception:
        logger.exception("Match run %s failed", run_id)
        _fail(run_id, GENERIC_FAILURE, {"error": "unexpected"}, {})


def _fail(run_id: int, error: str, summary: dict[str, Any], inputs: dict[str, Any]) -> None:
    with transaction.atomic():
        run = MatchRun.objects.select_for_update().select_related("programme").filter(pk=run_id).first()
        if run is None:
            logger.warning("Match run %s no longer exists; its failure is not recorded.", run_id)
            return
        run.status = RunStatus.FAILED
        run.error = error
        run.summary = summary
        if inputs:
            run.inputs = inputs
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "summary", "inputs", "finished_at", "updated_at"])
        record(
            actor=None,
            action="partnerships.match_run.failed",
            target=run,
            data={"programme": run.programme.slug, "problems": [p["code"] for p in summary.get("problems", [])]},
        )


def _execute(run_id: int) -> None:
    run = MatchRun.objects.select_related("programme", "phase").get(pk=run_id)
    data, info = selectors.build_input(run)
    inputs = {"hromadas": len(data.hromadas), "offers": len(data.offers), **info}
    try:
        result = engine.match(data)
    except MatchRefused as refused:
        problems = [{"code": code, "facts": _jsonable(facts)} for code, facts in refused.problems]
        with translation.override("en"):
            context = selectors.explain_context(run)
            error = "\n".join(explain.problem_text(p["code"], p["facts"], context) for p in problems)
        _fail(run_id, error, {"problems": problems}, inputs)
        return
    places = sum(offer.places_left for offer in data.offers)
    with transaction.atomic():
        run = MatchRun.objects.select_for_update().select_related("programme").get(pk=run_id)
        MatchSuggestion.objects.bulk_create(
            MatchSuggestion(
                run=run,
                hromada_id=s.hromada_id,
                offer_id=s.offer_id,
                score=Decimal(str(round(float(s.score), 2))),
                components=[component_dict(c) for c in s.components],
                locked=s.locked,
                places_left=max(0, s.places_left),
            )
            for s in result.suggestions
        )
        UnmatchedHromada.objects.bulk_create(
            UnmatchedHromada(
                run=run,
                hromada_id=u.hromada_id,
                reasons=[{"code": r.code, "facts": _jsonable(r.facts)} for r in u.reasons],
            )
            for u in result.unmatched
        )
        run.summary = _summary(result, len(data.offers), places)
        run.inputs = inputs
        run.status = RunStatus.DONE
        run.error = ""
        run.finished_at = timezone.now()
        run.save(update_fields=["summary", "inputs", "status", "error", "finished_at", "updated_at"])
        record(
            actor=None,
            action="partnerships.match_run.finished",
            target=run,
            data={
                "programme": run.programme.slug,
                "seeking": run.summary["seeking"],
                "matched": run.summary["matched"],
                "total_score": run.summary["total_score"],
            },
        )


# --- decisions -----------------------------------------------------------------------------------


def _locked_suggestion(suggestion: MatchSuggestion) -> MatchSuggestion:
    return (
        MatchSuggestion.objects.select_for_update(of=("self",))
        .select_related("run", "run__programme", "hromada", "offer", "offer__organisation")
        .get(pk=suggestion.pk)
    )


def _check_pending(suggestion: MatchSuggestion) -> None:
    if suggestion.run.status != RunStatus.DONE:
        raise ValidationError({"suggestion": gettext("The match run is not finished; decide once it is done.")})
    if suggestion.decision != Decision.PENDING:
        raise ValidationError(
            {
                "suggestion": gettext("This suggested match was already %(decision)s.")
                % {"decision": suggestion.get_decision_display()}
            }
        )


def shared_themes(suggestion: MatchSuggestion) -> list[str]:
    """Codes of the themes the pair shares (from the theme component's facts), or the offer's themes;
    retired themes left out."""
    codes: list[str] = []
    for component in suggestion.components or []:
        if component.get("code") != COMPONENT_THEME:
            continue
        facts = component.get("facts") or {}
        for item in facts.get("themes", []) or []:
            code = item.get("theme") if isinstance(item, Mapping) else item
            if isinstance(code, str) and code not in codes:
                codes.append(code)
    active = set(Theme.objects.filter(is_active=True).values_list("code", flat=True))
    codes = [code for code in codes if code in active]
    if not codes:
        codes = list(suggestion.offer.themes.filter(is_active=True).values_list("code", flat=True))
    return codes


def hromada_title_name(hromada: Hromada) -> str:
    language = (translation.get_language() or "uk")[:2]
    return hromada.name_uk if language == "uk" else (hromada.name_latin or hromada.name_uk)


def suggestion_accept(*, acting_user: AnyUser | None, suggestion: MatchSuggestion, note: str = "") -> Partnership:
    """Accept a pending suggestion of a finished run: a partnership (proposed) between the hromada
    and the offer's organisation as lead partner, on the shared themes; it takes a place on the
    offer (refused when none is left). Programme staff only."""
    with transaction.atomic():
        if acting_user is not None:
            require(acting_user, Action.EDIT, suggestion)
        suggestion = _locked_suggestion(suggestion)
        errors: dict[str, str] = {}
        note = _limited(note, MAX_NOTE, "note", errors)
        if errors:
            raise ValidationError(errors)
        _check_pending(suggestion)
        run = suggestion.run
        offer = suggestion.offer
        title = gettext("%(offer)s — %(hromada)s") % {
            "offer": offer.title,
            "hromada": hromada_title_name(suggestion.hromada),
        }
        partnership = partnership_create(
            acting_user=acting_user,
            programme=run.programme,
            hromada=suggestion.hromada,
            partners=[(offer.organisation, PartnerRole.LEAD.value)],
            themes=shared_themes(suggestion),
            title=title[:300],
            starts_on=run.starts_on,
            offer=offer,
            suggestion=suggestion,
        )
        suggestion.decision = Decision.ACCEPTED
        suggestion.decision_note = note
        suggestion.decided_by = actor(acting_user)
        suggestion.decided_at = timezone.now()
        suggestion.save(update_fields=["decision", "decision_note", "decided_by", "decided_at"])
        record(
            actor=actor(acting_user),
            action="partnerships.suggestion.accepted",
            target=suggestion,
            changes={"decision": [Decision.PENDING.value, Decision.ACCEPTED.value]},
            data={"run": run.pk, "offer": offer.pk, "partnership": partnership.pk, "note": note},
            hromada=suggestion.hromada,
        )
    return partnership


def suggestion_reject(*, acting_user: AnyUser | None, suggestion: MatchSuggestion, note: str = "") -> MatchSuggestion:
    """Reject a pending suggestion. It does not rule the pair out for later runs (constraint_set
    does). Programme staff only."""
    with transaction.atomic():
        if acting_user is not None:
            require(acting_user, Action.EDIT, suggestion)
        suggestion = _locked_suggestion(suggestion)
        errors: dict[str, str] = {}
        note = _limited(note, MAX_NOTE, "note", errors)
        if errors:
            raise ValidationError(errors)
        _check_pending(suggestion)
        suggestion.decision = Decision.REJECTED
        suggestion.decision_note = note
        suggestion.decided_by = actor(acting_user)
        suggestion.decided_at = timezone.now()
        suggestion.save(update_fields=["decision", "decision_note", "decided_by", "decided_at"])
        record(
            actor=actor(acting_user),
            action="partnerships.suggestion.rejected",
            target=suggestion,
            changes={"decision": [Decision.PENDING.value, Decision.REJECTED.value]},
            data={"run": suggestion.run_id, "offer": suggestion.offer_id, "note": note},
            hromada=suggestion.hromada,
        )
    return suggestion
