"""Reads of the matching area: the engine's input for a run (``build_input``) and what the match run
pages and the API show (runs, constraints, suggestions, unmatched hromadas, fairness tables and the
context the explanations are rendered with).

``build_input`` reads in a constant number of queries whatever the number of hromadas and offers
(needs and profiles come batched from selectors/needs.py, places and languages from
selectors/offers.py).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from vidnova.accounts.access import AnyUser, roles_of
from vidnova.partnerships.matching import explain
from vidnova.partnerships.matching.types import (
    FAIRNESS_DIMENSIONS,
    HromadaInput,
    MatchInput,
    NeedInput,
    OfferInput,
    Weights,
    groups_of,
)
from vidnova.partnerships.models import (
    ConstraintKind,
    Decision,
    ExpertiseOffer,
    MatchRun,
    MatchSuggestion,
    OfferStatus,
    PairConstraint,
    PartnershipPartner,
    Theme,
    UnmatchedHromada,
)
from vidnova.partnerships.selectors.needs import needs_for, profiles_for, programme_hromadas
from vidnova.partnerships.selectors.offers import offer_languages, places_taken
from vidnova.programmes.models import Participation, Programme
from vidnova.registry.models import Hromada, SecurityStatus, SecurityStatusPeriod

# Why a pair constraint was left out of a run (MatchRun.inputs["ignored_constraints"][].why).
IGNORED_OFFER_NOT_OPEN = "offer_not_open"  # the offer is paused or withdrawn
IGNORED_OFFER_OUTSIDE = "offer_outside_programme"  # its organisation no longer takes part
IGNORED_HROMADA_OUTSIDE = "hromada_outside_run"  # the hromada left the programme or is not in the run's phase
IGNORED_HROMADA_NOT_SEEKING = "hromada_not_seeking"  # its profile says it does not look for a partner


def weights_of(run: MatchRun) -> Weights:
    return Weights(
        theme=run.weight_theme,
        mode=run.weight_mode,
        language=run.weight_language,
        ties=run.weight_ties,
        size=run.weight_size,
        fairness=run.fairness_weight,
    )


def hromada_label(hromada: Hromada) -> str:
    return hromada.name_uk


def security_statuses(hromada_ids: Iterable[int], day: datetime.date) -> dict[int, str]:
    """Security status of each hromada on ``day`` ("none" when nothing is recorded), in one query."""
    statuses: dict[int, str] = {}
    periods = (
        SecurityStatusPeriod.objects.as_of(day)
        .filter(hromada_id__in=list(hromada_ids))
        .order_by("hromada_id", "starts_on")
        .values_list("hromada_id", "status")
    )
    for hromada_id, status in periods:
        statuses[hromada_id] = status  # the latest period wins
    return statuses


def programme_offers(programme: Programme) -> QuerySet[ExpertiseOffer]:
    """Offers whose organisation takes part in ``programme`` (any status), by id."""
    return (
        ExpertiseOffer.objects.filter(organisation__programmes=programme)
        .distinct()
        .select_related("organisation", "organisation__dutch_municipality")
        .order_by("pk")
    )


def open_programme_offers(programme: Programme) -> QuerySet[ExpertiseOffer]:
    return programme_offers(programme).filter(status=OfferStatus.ACTIVE)


def _ties(hromada_ids: Sequence[int], organisation_ids: Sequence[int]) -> dict[tuple[int, int], int]:
    rows = (
        PartnershipPartner.objects.filter(
            partnership__hromada_id__in=list(hromada_ids), organisation_id__in=list(organisation_ids)
        )
        .values("partnership__hromada_id", "organisation_id")
        .annotate(count=Count("partnership_id", distinct=True))
    )
    return {(row["partnership__hromada_id"], row["organisation_id"]): row["count"] for row in rows}


def _constraint_record(constraint: PairConstraint, why: str = "") -> dict[str, Any]:
    record: dict[str, Any] = {
        "constraint_id": constraint.pk,
        "kind": constraint.kind,
        "hromada_id": constraint.hromada_id,
        "hromada": hromada_label(constraint.hromada),
        "offer_id": constraint.offer_id,
        "offer": constraint.offer.title,
        "reason": constraint.reason,
    }
    if why:
        record["why"] = why
    return record


def build_input(run: MatchRun) -> tuple[MatchInput, dict[str, Any]]:
    """The engine's input for ``run`` and, for the record, the constraints it uses and those it
    leaves out: ``{"locks": [...], "rule_outs": [...], "ignored_constraints": [...]}``.

    Hromadas: those taking part in the programme (in the run's phase, when it has one) whose partner
    search profile says they look for a partner. Offers: the open offers of organisations taking
    part in the programme, with their places left, languages and availability on the run's start
    day. A constraint whose hromada or offer is not in the input is left out and reported.
    """
    programme = run.programme
    day = run.starts_on
    hromadas = list(programme_hromadas(programme, run.phase))
    profiles = profiles_for(programme, hromadas)
    seeking = [h for h in hromadas if profiles[h.pk].seeks_partner]
    needs = needs_for(programme, seeking)
    statuses = security_statuses([h.pk for h in seeking], day)

    hromada_inputs = []
    for hromada in sorted(seeking, key=lambda h: h.pk):
        profile = profiles[hromada.pk]
        hromada_inputs.append(
            HromadaInput(
                id=hromada.pk,
                name=hromada_label(hromada),
                hromada_type=hromada.hromada_type or "",
                population=hromada.population_2022,
                languages=frozenset(profile.languages or ()) | {"uk"},
                preferred_modes=frozenset(profile.preferred_modes or ()),
                security_status=statuses.get(hromada.pk, SecurityStatus.NONE.value),
                needs=tuple(
                    NeedInput(
                        theme=need.theme.code, severity=float(need.severity), source=need.source, facts=need.facts
                    )
                    for need in needs.get(hromada.pk, [])
                ),
            )
        )

    offers = list(open_programme_offers(programme).prefetch_related(Prefetch("themes", Theme.objects.only("code"))))
    taken = places_taken([offer.pk for offer in offers])
    languages = offer_languages(offers)
    offer_inputs = []
    for offer in offers:
        municipality = offer.organisation.dutch_municipality
        offer_inputs.append(
            OfferInput(
                id=offer.pk,
                organisation_id=offer.organisation_id,
                organisation_name=offer.organisation.name_en or offer.organisation.name_uk,
                title=offer.title,
                themes=frozenset(theme.code for theme in offer.themes.all()),
                modes=frozenset(offer.modes or ()),
                capacity=offer.capacity,
                places_left=max(0, offer.capacity - taken.get(offer.pk, 0)),
                languages=frozenset(languages.get(offer.pk, frozenset())),
                population=municipality.population if municipality is not None else None,
                available=offer.is_available_on(day),
            )
        )

    hromada_ids = {h.id for h in hromada_inputs}
    offer_ids = {o.id for o in offer_inputs}
    in_programme = set(
        Participation.objects.filter(phase__programme=programme).values_list("hromada_id", flat=True).distinct()
    )
    run_hromadas = {h.pk for h in hromadas}
    locks: set[tuple[int, int]] = set()
    rule_outs: set[tuple[int, int]] = set()
    info: dict[str, Any] = {"locks": [], "rule_outs": [], "ignored_constraints": []}
    constraints = (
        PairConstraint.objects.filter(programme=programme)
        .select_related("hromada", "offer")
        .order_by("hromada_id", "offer_id", "pk")
    )
    for constraint in constraints:
        why = ""
        if constraint.offer_id not in offer_ids:
            why = IGNORED_OFFER_NOT_OPEN if constraint.offer.status != OfferStatus.ACTIVE else IGNORED_OFFER_OUTSIDE
        elif constraint.hromada_id not in hromada_ids:
            outside = constraint.hromada_id not in run_hromadas or constraint.hromada_id not in in_programme
            why = IGNORED_HROMADA_OUTSIDE if outside else IGNORED_HROMADA_NOT_SEEKING
        if why:
            info["ignored_constraints"].append(_constraint_record(constraint, why))
            continue
        pair = (constraint.hromada_id, constraint.offer_id)
        if constraint.kind == ConstraintKind.LOCK:
            locks.add(pair)
            info["locks"].append(_constraint_record(constraint))
        else:
            rule_outs.add(pair)
            info["rule_outs"].append(_constraint_record(constraint))

    data = MatchInput(
        hromadas=tuple(hromada_inputs),
        offers=tuple(offer_inputs),
        weights=weights_of(run),
        ties=_ties(sorted(hromada_ids), sorted({o.organisation_id for o in offer_inputs})),
        locks=frozenset(locks),
        rule_outs=frozenset(rule_outs),
    )
    return data, info


# --- pages and API -------------------------------------------------------------------------------


def run_queryset() -> QuerySet[MatchRun]:
    return MatchRun.objects.select_related("programme", "phase", "requested_by")


def runs_of(programme: Programme) -> QuerySet[MatchRun]:
    return run_queryset().filter(programme=programme).order_by("-created_at", "-pk")


def runs_visible_to(user: AnyUser) -> QuerySet[MatchRun]:
    """Runs of the programmes the user is staff or partner expert of (every run for superusers)."""
    if not user.is_authenticated:
        return MatchRun.objects.none()
    queryset = run_queryset().order_by("-created_at", "-pk")
    if user.is_superuser:
        return queryset
    roles = roles_of(user)
    return queryset.filter(programme_id__in=roles.programme_staff_of | roles.expert_programme_of)


def constraints_of(programme: Programme) -> QuerySet[PairConstraint]:
    return (
        PairConstraint.objects.filter(programme=programme)
        .select_related("hromada", "offer", "offer__organisation", "created_by", "programme")
        .order_by("hromada__name_sort", "offer__title", "pk")
    )


def constraints_visible_to(user: AnyUser) -> QuerySet[PairConstraint]:
    if not user.is_authenticated:
        return PairConstraint.objects.none()
    queryset = PairConstraint.objects.select_related(
        "hromada", "offer", "offer__organisation", "created_by", "programme"
    ).order_by("programme_id", "hromada__name_sort", "offer__title", "pk")
    if user.is_superuser:
        return queryset
    roles = roles_of(user)
    return queryset.filter(programme_id__in=roles.programme_staff_of | roles.expert_programme_of)


def suggestion_queryset() -> QuerySet[MatchSuggestion]:
    return MatchSuggestion.objects.select_related(
        "run", "run__programme", "hromada", "offer", "offer__organisation", "decided_by", "partnership"
    )


def suggestions_of(run: MatchRun, decision: str = "") -> QuerySet[MatchSuggestion]:
    queryset = suggestion_queryset().filter(run=run)
    if decision in Decision.values:
        queryset = queryset.filter(decision=decision)
    return queryset.order_by("-score", "hromada__name_sort", "offer_id")


def unmatched_of(run: MatchRun) -> QuerySet[UnmatchedHromada]:
    return UnmatchedHromada.objects.filter(run=run).select_related("hromada").order_by("hromada__name_sort", "pk")


def decision_counts(run: MatchRun) -> dict[str, int]:
    counts = dict.fromkeys(Decision.values, 0)
    for row in MatchSuggestion.objects.filter(run=run).values("decision").annotate(n=Count("pk")):
        counts[row["decision"]] = row["n"]
    return counts


def explain_context(run: MatchRun) -> explain.ExplainContext:
    """Names for the run's explanations: every theme, every offer of the programme's organisations
    and every hromada of the programme (a few queries, whatever the facts mention)."""
    programme = run.programme
    theme_codes = list(Theme.objects.values_list("code", flat=True))
    offer_ids = list(ExpertiseOffer.objects.filter(organisation__programmes=programme).values_list("pk", flat=True))
    hromada_ids = set(
        Participation.objects.filter(phase__programme=programme).values_list("hromada_id", flat=True).distinct()
    )
    hromada_ids |= set(MatchSuggestion.objects.filter(run=run).values_list("hromada_id", flat=True))
    hromada_ids |= set(UnmatchedHromada.objects.filter(run=run).values_list("hromada_id", flat=True))
    return explain.context_from_db(theme_codes, sorted(set(offer_ids)), sorted(hromada_ids))


@dataclass(frozen=True)
class FairnessRow:
    dimension: str
    group: str
    seeking: int
    matched_without: int
    matched_with: int
    seeking_total: int
    matched_without_total: int
    matched_with_total: int

    @staticmethod
    def _share(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    @property
    def rate_without(self) -> float | None:
        """Of the group's seekers, the share matched without the fairness weight."""
        return self._share(self.matched_without, self.seeking)

    @property
    def rate_with(self) -> float | None:
        return self._share(self.matched_with, self.seeking)

    @property
    def share_of_seekers(self) -> float | None:
        """The group's share among all seeking hromadas."""
        return self._share(self.seeking, self.seeking_total)

    @property
    def share_of_matches(self) -> float | None:
        """The group's share among the matched hromadas (with the run's fairness weight)."""
        return self._share(self.matched_with, self.matched_with_total)

    @property
    def share_of_matches_without(self) -> float | None:
        return self._share(self.matched_without, self.matched_without_total)


@dataclass(frozen=True)
class FairnessTable:
    dimension: str
    rows: tuple[FairnessRow, ...]
    seeking: int
    matched_without: int
    matched_with: int


def _group_order(dimension: str, group: str) -> tuple[int, str]:
    order = groups_of(dimension)
    return (order.index(group) if group in order else len(order), group)


def _count(rows: Mapping[tuple[str, str], Mapping[str, Any]], dimension: str, group: str, key: str) -> int:
    return int(rows.get((dimension, group), {}).get(key, 0) or 0)


def fairness_tables(summary: Mapping[str, Any]) -> list[FairnessTable]:
    """The run's fairness view per dimension (type; population band) from its stored summary: per
    group the seekers, the matched without the fairness weight and with the run's weight."""
    without: dict[tuple[str, str], Mapping[str, Any]] = {
        (row["dimension"], row["group"]): row for row in summary.get("fairness_without", [])
    }
    with_: dict[tuple[str, str], Mapping[str, Any]] = {
        (row["dimension"], row["group"]): row for row in summary.get("fairness_with", [])
    }
    tables = []
    for dimension in FAIRNESS_DIMENSIONS:
        groups = sorted({g for d, g in (*without, *with_) if d == dimension}, key=lambda g: _group_order(dimension, g))
        if not groups:
            continue

        seeking = {
            g: _count(without, dimension, g, "seeking") or _count(with_, dimension, g, "seeking") for g in groups
        }
        matched_without = {g: _count(without, dimension, g, "matched") for g in groups}
        matched_with = {g: _count(with_, dimension, g, "matched") if with_ else matched_without[g] for g in groups}
        totals = (sum(seeking.values()), sum(matched_without.values()), sum(matched_with.values()))
        rows = tuple(
            FairnessRow(
                dimension=dimension,
                group=g,
                seeking=seeking[g],
                matched_without=matched_without[g],
                matched_with=matched_with[g],
                seeking_total=totals[0],
                matched_without_total=totals[1],
                matched_with_total=totals[2],
            )
            for g in groups
        )
        tables.append(
            FairnessTable(
                dimension=dimension,
                rows=rows,
                seeking=totals[0],
                matched_without=totals[1],
                matched_with=totals[2],
            )
        )
    return tables


def fairness_cost(summary: Mapping[str, Any]) -> float | None:
    """Score points the fairness weight costs (the total without it minus the total with it)."""
    if "total_score" not in summary or "total_score_without_fairness" not in summary:
        return None
    return round(float(summary["total_score_without_fairness"]) - float(summary["total_score"]), 2)


def programme_hromada_choices(programme: Programme) -> QuerySet[Hromada]:
    """Hromadas taking part in any phase of ``programme`` (for the constraint form)."""
    return programme_hromadas(programme)


# --- explanations in the reader's language -------------------------------------------------------


def suggestion_row(suggestion: MatchSuggestion) -> dict[str, Any]:
    """The stored form of a suggestion, as the explanation functions read it."""
    return {
        "hromada_id": suggestion.hromada_id,
        "offer_id": suggestion.offer_id,
        "score": float(suggestion.score),
        "components": suggestion.components,
        "locked": suggestion.locked,
        "places_left": suggestion.places_left,
    }


def explained_components(suggestion: MatchSuggestion, context: explain.ExplainContext) -> list[dict[str, Any]]:
    """Every component of a suggestion: code, label, value, points and the text, in the active language."""
    return [
        {
            "code": component.get("code", ""),
            "label": explain.component_label(str(component.get("code", ""))),
            "value": component.get("value", 0),
            "points": component.get("points", 0),
            "text": explain.component_text(component, context),
        }
        for component in suggestion.components or []
    ]


def explained_summary(suggestion: MatchSuggestion, context: explain.ExplainContext) -> str:
    return explain.suggestion_summary(suggestion_row(suggestion), context)


def explained_reasons(unmatched: UnmatchedHromada, context: explain.ExplainContext) -> list[dict[str, Any]]:
    return [
        {"code": reason.get("code", ""), "text": explain.reason_text(reason, context), "facts": reason.get("facts", {})}
        for reason in unmatched.reasons or []
    ]


def explained_problems(run: MatchRun, context: explain.ExplainContext) -> list[dict[str, Any]]:
    """A refused run's problems in words (empty for other runs)."""
    return [
        {
            "code": problem.get("code", ""),
            "text": explain.problem_text(str(problem.get("code", "")), problem.get("facts", {}) or {}, context),
            "facts": problem.get("facts", {}),
        }
        for problem in (run.summary or {}).get("problems", [])
    ]
