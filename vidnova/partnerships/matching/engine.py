"""The matching engine: scores every (hromada, offer) pair and finds the assignment with the highest
total score under the offers' places, the coordinator's locks and rule-outs. Pure Python + numpy +
scipy, no database: ``services/matching.py`` builds the ``MatchInput`` and stores the ``MatchResult``.

How a run goes (see docs/partnerships.md, "Matching"):

1. ``check`` refuses contradicting input (a pair both locked and ruled out, a hromada locked to two
   offers, more locks on an offer than it has places, locks naming what is not in the run).
2. Every pair gets five components (theme fit, modes, languages, existing ties, similar size), each a
   value 0..1; its points are weight × value and the pair's score is their sum. The values are
   computed for all pairs at once with numpy (one hromada × theme and one offer × theme matrix, …);
   the facts behind them are written in Python for the pairs that are shown.
3. Locked pairs are forced and take their offers' places first. The other seeking hromadas are
   assigned by ``scipy.optimize.linear_sum_assignment`` on a dense cost matrix: one row per hromada,
   one column per free place of an offer ("slot") and one "stay unmatched" column per row. Scores are
   integer hundredths, so ties are exact and the result is the same for the same input (hromadas and
   offers are sorted by id first).
4. Fairness: the solution without the fairness weight gives each group (hromada type, population
   band) a match rate. With a fairness weight, a hromada whose groups fall behind the overall rate
   gets weight × deficit extra points on every pair, and the assignment is solved again.
5. Each seeking hromada without a match gets its reasons (no theme, not available, full, no possible
   mode, ruled out, outscored), most specific first.
"""

from __future__ import annotations

import dataclasses
import datetime
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment  # type: ignore[import-untyped]

from vidnova.partnerships.matching.types import (
    BLOCKING_STATUSES,
    COMPONENT_FAIRNESS,
    COMPONENT_LANGUAGE,
    COMPONENT_MODE,
    COMPONENT_SIZE,
    COMPONENT_THEME,
    COMPONENT_TIES,
    FAIRNESS_DIMENSIONS,
    FAIRNESS_POPULATION,
    FAIRNESS_TYPE,
    GROUP_UNKNOWN,
    MODES_IN_HROMADA,
    PROBLEM_HROMADA_LOCKED_TWICE,
    PROBLEM_LOCK_AND_RULE_OUT,
    PROBLEM_LOCK_UNKNOWN,
    PROBLEM_LOCKS_OVER_CAPACITY,
    REASON_FULL,
    REASON_NO_MODE,
    REASON_NO_THEME,
    REASON_NOT_AVAILABLE,
    REASON_OUTSCORED,
    REASON_RULED_OUT,
    Component,
    GroupShare,
    HromadaInput,
    MatchInput,
    MatchRefused,
    MatchResult,
    NeedInput,
    OfferInput,
    Reason,
    Suggestion,
    Unmatched,
    Weights,
    groups_of,
    population_band,
    type_group,
)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# Language values: Ukrainian shared, another language shared, none (an interpreter is needed).
LANGUAGE_UK = 1.0
LANGUAGE_OTHER = 0.7
LANGUAGE_NONE = 0.3
# Mode values: a possible mode the hromada prefers (or it has no preference), possible modes only.
MODE_PREFERRED = 1.0
MODE_POSSIBLE = 0.5
# Earlier partnerships at which the ties component is full; population ratio (in powers of ten) at
# which the size component reaches 0.
TIES_FULL = 2
SIZE_DECADES = 2.0
SIZE_UNKNOWN = 0.5
# Largest integer float64 holds exactly; the cost matrix must stay below it.
EXACT_FLOAT_LIMIT = 2**53


# --- checks ---------------------------------------------------------------------------------------


def check(data: MatchInput) -> list[tuple[str, Mapping[str, Any]]]:
    """Problems that make the input unmatchable as asked (empty: ``match`` will run)."""
    hromada_ids = {hromada.id for hromada in data.hromadas}
    offers = {offer.id: offer for offer in data.offers}
    problems: list[tuple[str, Mapping[str, Any]]] = []
    known: list[tuple[int, int]] = []
    for hromada_id, offer_id in sorted(data.locks):
        if hromada_id not in hromada_ids or offer_id not in offers:
            problems.append((PROBLEM_LOCK_UNKNOWN, {"hromada_id": hromada_id, "offer_id": offer_id}))
        else:
            known.append((hromada_id, offer_id))
    for hromada_id, offer_id in sorted(data.locks & data.rule_outs):
        problems.append((PROBLEM_LOCK_AND_RULE_OUT, {"hromada_id": hromada_id, "offer_id": offer_id}))
    offers_of_hromada: dict[int, list[int]] = defaultdict(list)
    hromadas_of_offer: dict[int, list[int]] = defaultdict(list)
    for hromada_id, offer_id in known:
        offers_of_hromada[hromada_id].append(offer_id)
        hromadas_of_offer[offer_id].append(hromada_id)
    for hromada_id, offer_ids in sorted(offers_of_hromada.items()):
        if len(offer_ids) > 1:
            problems.append((PROBLEM_HROMADA_LOCKED_TWICE, {"hromada_id": hromada_id, "offer_ids": sorted(offer_ids)}))
    for offer_id, locked_ids in sorted(hromadas_of_offer.items()):
        offer = offers[offer_id]
        if len(locked_ids) > offer.places_left:
            problems.append(
                (
                    PROBLEM_LOCKS_OVER_CAPACITY,
                    {
                        "offer_id": offer_id,
                        "locks": len(locked_ids),
                        "places_left": offer.places_left,
                        "capacity": offer.capacity,
                        "hromada_ids": sorted(locked_ids),
                    },
                )
            )
    return problems


# --- preparation: every component's value for every pair ------------------------------------------


@dataclass
class _Prepared:
    data: MatchInput
    hromadas: list[HromadaInput]  # sorted by id
    offers: list[OfferInput]  # sorted by id
    hromada_index: dict[int, int]
    offer_index: dict[int, int]
    needs: list[dict[str, list[NeedInput]]]  # per hromada: theme → its need rows
    severity: list[dict[str, float]]  # per hromada: theme → max severity
    seeking: BoolArray  # (H,)
    blocked: BoolArray  # (H,) security status rules out modes in the hromada
    locked_offer: IntArray  # (H,) offer index the hromada is locked to, -1 when none
    locks_on_offer: IntArray  # (O,)
    places_free: IntArray  # (O,) places left after the locks
    shared: IntArray  # (H, O) number of shared themes
    possible: BoolArray  # (H, O) at least one mode possible
    ruled_out: BoolArray  # (H, O)
    eligible: BoolArray  # (H, O)
    ties: IntArray  # (H, O) earlier partnerships with the offer's organisation
    values: dict[str, FloatArray]  # component → (H, O) values
    base: IntArray  # (H, O) score without fairness, integer hundredths


def _prepare(data: MatchInput) -> _Prepared:
    hromadas = sorted(data.hromadas, key=lambda hromada: hromada.id)
    offers = sorted(data.offers, key=lambda offer: offer.id)
    hromada_index = {hromada.id: index for index, hromada in enumerate(hromadas)}
    offer_index = {offer.id: index for index, offer in enumerate(offers)}
    if len(hromada_index) != len(hromadas) or len(offer_index) != len(offers):
        raise ValueError("hromada and offer ids must be unique within a match input")
    n_h, n_o = len(hromadas), len(offers)

    # Needs: a theme's severity is the highest of its rows; every row is kept for the facts.
    needs: list[dict[str, list[NeedInput]]] = []
    severity: list[dict[str, float]] = []
    for hromada in hromadas:
        rows: dict[str, list[NeedInput]] = defaultdict(list)
        for need in hromada.needs:
            rows[need.theme].append(need)
        needs.append(dict(rows))
        severity.append(
            {theme: max(min(1.0, max(0.0, float(need.severity))) for need in group) for theme, group in rows.items()}
        )
    themes = sorted({theme for row in severity for theme in row} | {t for offer in offers for t in offer.themes})
    theme_index = {theme: index for index, theme in enumerate(themes)}
    need_severity = np.zeros((n_h, len(themes)), dtype=np.float64)
    has_need = np.zeros((n_h, len(themes)), dtype=np.int64)
    for i, row in enumerate(severity):
        for theme, value in row.items():
            need_severity[i, theme_index[theme]] = value
            has_need[i, theme_index[theme]] = 1
    offer_themes = np.zeros((n_o, len(themes)), dtype=np.int64)
    for j, offer in enumerate(offers):
        for theme in offer.themes:
            offer_themes[j, theme_index[theme]] = 1
    shared = has_need @ offer_themes.T
    theme_value = np.minimum(1.0, need_severity @ offer_themes.T.astype(np.float64))

    # Locks and rule-outs (``check`` has made sure the locks are consistent and known).
    locked_offer = np.full(n_h, -1, dtype=np.int64)
    locks_on_offer = np.zeros(n_o, dtype=np.int64)
    for hromada_id, offer_id in data.locks:
        locked_offer[hromada_index[hromada_id]] = offer_index[offer_id]
        locks_on_offer[offer_index[offer_id]] += 1
    ruled_out = np.zeros((n_h, n_o), dtype=np.bool_)
    for hromada_id, offer_id in data.rule_outs:
        if hromada_id in hromada_index and offer_id in offer_index:
            ruled_out[hromada_index[hromada_id], offer_index[offer_id]] = True
    seeking = np.array([bool(hromada.needs) for hromada in hromadas], dtype=np.bool_) | (locked_offer >= 0)
    places_left = np.array([max(0, offer.places_left) for offer in offers], dtype=np.int64)
    places_free = np.maximum(0, places_left - locks_on_offer)
    available = np.array([offer.available for offer in offers], dtype=np.bool_)

    # Modes: those sending staff into the hromada are impossible under a blocking security status.
    modes = sorted({m for offer in offers for m in offer.modes} | {m for h in hromadas for m in h.preferred_modes})
    mode_index = {mode: index for index, mode in enumerate(modes)}
    in_hromada = np.array([mode in MODES_IN_HROMADA for mode in modes], dtype=np.bool_)
    offer_modes = np.zeros((n_o, len(modes)), dtype=np.int64)
    for j, offer in enumerate(offers):
        for mode in offer.modes:
            offer_modes[j, mode_index[mode]] = 1
    preferred = np.zeros((n_h, len(modes)), dtype=np.int64)
    for i, hromada in enumerate(hromadas):
        for mode in hromada.preferred_modes:
            preferred[i, mode_index[mode]] = 1
    blocked = np.array([hromada.security_status in BLOCKING_STATUSES for hromada in hromadas], dtype=np.bool_)
    safe_modes = offer_modes * (~in_hromada).astype(np.int64)
    possible = np.where(blocked[:, None], safe_modes.sum(axis=1)[None, :] > 0, offer_modes.sum(axis=1)[None, :] > 0)
    preferred_possible = np.where(blocked[:, None], preferred @ safe_modes.T > 0, preferred @ offer_modes.T > 0)
    no_preference = preferred.sum(axis=1) == 0
    mode_value = np.where(
        possible, np.where(no_preference[:, None] | preferred_possible, MODE_PREFERRED, MODE_POSSIBLE), 0.0
    )

    # Languages: Ukrainian shared, another shared, or an interpreter is needed.
    languages = sorted(
        {lang for h in hromadas for lang in h.languages} | {lang for o in offers for lang in o.languages}
    )
    language_index = {language: index for index, language in enumerate(languages)}
    hromada_languages = np.zeros((n_h, len(languages)), dtype=np.int64)
    for i, hromada in enumerate(hromadas):
        for language in hromada.languages:
            hromada_languages[i, language_index[language]] = 1
    offer_languages = np.zeros((n_o, len(languages)), dtype=np.int64)
    for j, offer in enumerate(offers):
        for language in offer.languages:
            offer_languages[j, language_index[language]] = 1
    any_shared = hromada_languages @ offer_languages.T > 0
    if "uk" in language_index:
        uk = language_index["uk"]
        uk_shared = (hromada_languages[:, uk][:, None] * offer_languages[:, uk][None, :]) > 0
    else:
        uk_shared = np.zeros((n_h, n_o), dtype=np.bool_)
    language_value = np.where(uk_shared, LANGUAGE_UK, np.where(any_shared, LANGUAGE_OTHER, LANGUAGE_NONE))

    # Existing ties: earlier partnerships between the hromada and the offer's organisation.
    offers_of_organisation: dict[int, list[int]] = defaultdict(list)
    for j, offer in enumerate(offers):
        offers_of_organisation[offer.organisation_id].append(j)
    ties = np.zeros((n_h, n_o), dtype=np.int64)
    for (hromada_id, organisation_id), count in data.ties.items():
        if hromada_id in hromada_index and count > 0:
            for j in offers_of_organisation.get(organisation_id, ()):
                ties[hromada_index[hromada_id], j] = int(count)
    ties_value = np.minimum(1.0, ties / TIES_FULL)

    # Similar size: populations within a factor of 100 score above 0 (log10 distance).
    size_value = _size_values(
        [hromada.population for hromada in hromadas], [offer.population for offer in offers]
    ).astype(np.float64)

    weights = data.weights
    values: dict[str, FloatArray] = {
        COMPONENT_THEME: theme_value.astype(np.float64),
        COMPONENT_MODE: mode_value.astype(np.float64),
        COMPONENT_LANGUAGE: language_value.astype(np.float64),
        COMPONENT_TIES: ties_value.astype(np.float64),
        COMPONENT_SIZE: size_value,
    }
    score = (
        weights.theme * values[COMPONENT_THEME]
        + weights.mode * values[COMPONENT_MODE]
        + weights.language * values[COMPONENT_LANGUAGE]
        + weights.ties * values[COMPONENT_TIES]
        + weights.size * values[COMPONENT_SIZE]
    )
    base = np.rint(score * 100).astype(np.int64)
    eligible = available[None, :] & (places_free > 0)[None, :] & (shared > 0) & possible & ~ruled_out & seeking[:, None]
    return _Prepared(
        data=data,
        hromadas=hromadas,
        offers=offers,
        hromada_index=hromada_index,
        offer_index=offer_index,
        needs=needs,
        severity=severity,
        seeking=seeking,
        blocked=blocked,
        locked_offer=locked_offer,
        locks_on_offer=locks_on_offer,
        places_free=places_free,
        shared=shared,
        possible=possible,
        ruled_out=ruled_out,
        eligible=eligible,
        ties=ties,
        values=values,
        base=base,
    )


def _size_values(hromada_populations: Sequence[int | None], offer_populations: Sequence[int | None]) -> FloatArray:
    def logs(populations: Sequence[int | None]) -> tuple[FloatArray, BoolArray]:
        known = np.array([p is not None and p > 0 for p in populations], dtype=np.bool_)
        counts = np.array([p if p and p > 0 else 1 for p in populations], dtype=np.float64)
        return np.log10(counts), known

    hromada_logs, hromada_known = logs(hromada_populations)
    offer_logs, offer_known = logs(offer_populations)
    distance = np.abs(hromada_logs[:, None] - offer_logs[None, :])
    similar = 1.0 - np.minimum(1.0, distance / SIZE_DECADES)
    return np.where(hromada_known[:, None] & offer_known[None, :], similar, SIZE_UNKNOWN)


# --- the assignment -------------------------------------------------------------------------------


def _solve(prepared: _Prepared, bonus: IntArray) -> IntArray:
    """Offer index per hromada (-1: unmatched) maximising the total score (then the number matched).

    ``bonus`` holds each hromada's fairness points (integer hundredths) added to all its pairs.
    """
    assignment = prepared.locked_offer.copy()
    free_rows = (prepared.locked_offer < 0) & prepared.seeking & prepared.eligible.any(axis=1)
    rows = np.flatnonzero(free_rows)
    if rows.size == 0:
        return assignment
    eligible = prepared.eligible[rows]
    # One column per place an offer can still give, never more than the hromadas that could take it.
    slots = np.minimum(prepared.places_free, eligible.sum(axis=0))
    columns = np.repeat(np.arange(len(prepared.offers)), slots)
    n_rows, n_slots = rows.size, columns.size
    if n_slots == 0:
        return assignment
    # Gains are integers: K × score + 1 makes the total score decide first and the number of matched
    # hromadas break its ties (the +1s can never add up to one point of score, K > number of rows).
    allowed = eligible[:, columns]
    gains = (prepared.base[rows][:, columns] + bonus[rows][:, None]) * (n_rows + 1) + 1
    largest = int(gains.max(initial=1))
    forbidden = float(2 * largest * n_rows + 1)
    if forbidden * (n_rows + 1) >= EXACT_FLOAT_LIMIT:  # pragma: no cover - needs weights in the millions
        raise ValueError("weights too large for an exact assignment")
    # The smaller side gives the rows (the solver's time grows with rows² × columns); every row also
    # gets its own "stays unmatched" column (a hromada without an offer, a place left empty), cost 0.
    # Any forbidden cell could be swapped for that row's own free 0 column, so none is ever chosen.
    transposed = n_slots < n_rows
    if transposed:
        allowed, gains = allowed.T, gains.T
    n_side, n_other = allowed.shape
    cost = np.full((n_side, n_other + n_side), forbidden, dtype=np.float64)
    np.negative(gains, out=cost[:, :n_other], where=allowed, casting="unsafe")
    cost[np.arange(n_side), n_other + np.arange(n_side)] = 0.0
    del gains
    row_ind, col_ind = linear_sum_assignment(cost)
    for row, column in zip(row_ind.tolist(), col_ind.tolist(), strict=True):
        if column >= n_other:
            if column - n_other != row:  # pragma: no cover - forbidden: more than any gain
                raise AssertionError("the solver chose another row's unmatched column")
            continue
        if not allowed[row, column]:  # pragma: no cover - forbidden: more than any gain
            raise AssertionError("the solver chose a forbidden pair")
        hromada_row, slot = (column, row) if transposed else (row, column)
        assignment[rows[hromada_row]] = columns[slot]
    return assignment


# --- fairness -------------------------------------------------------------------------------------


def _groups(hromada: HromadaInput) -> dict[str, str]:
    return {FAIRNESS_TYPE: type_group(hromada.hromada_type), FAIRNESS_POPULATION: population_band(hromada.population)}


def _fairness_table(prepared: _Prepared, assignment: IntArray) -> tuple[GroupShare, ...]:
    seeking: dict[tuple[str, str], int] = defaultdict(int)
    matched: dict[tuple[str, str], int] = defaultdict(int)
    for i, hromada in enumerate(prepared.hromadas):
        if not prepared.seeking[i]:
            continue
        for dimension, group in _groups(hromada).items():
            seeking[dimension, group] += 1
            matched[dimension, group] += int(assignment[i] >= 0)
    rows = []
    for dimension in FAIRNESS_DIMENSIONS:
        for group in groups_of(dimension):
            if group == GROUP_UNKNOWN and not seeking[dimension, group]:
                continue
            rows.append(GroupShare(dimension, group, seeking[dimension, group], matched[dimension, group]))
    return tuple(rows)


@dataclass(frozen=True)
class _Deficits:
    table: tuple[GroupShare, ...]  # the fairness table of the solution without the fairness weight
    seeking: int
    matched: int
    overall_rate: float
    per_hromada: FloatArray  # (H,) 0..1
    points: IntArray  # (H,) weight × deficit in integer hundredths


def _deficits(prepared: _Prepared, table: tuple[GroupShare, ...], weight: int) -> _Deficits:
    seeking = sum(share.seeking for share in table if share.dimension == FAIRNESS_TYPE)
    matched = sum(share.matched for share in table if share.dimension == FAIRNESS_TYPE)
    overall = matched / seeking if seeking else 0.0
    rates = {(share.dimension, share.group): share.rate for share in table}
    per_hromada = np.zeros(len(prepared.hromadas), dtype=np.float64)
    if overall > 0:
        for i, hromada in enumerate(prepared.hromadas):
            if prepared.seeking[i]:
                gaps = [max(0.0, overall - rates[dim, group]) / overall for dim, group in _groups(hromada).items()]
                per_hromada[i] = sum(gaps) / len(gaps)
    points = np.rint(per_hromada * weight * 100).astype(np.int64)
    return _Deficits(table, seeking, matched, overall, per_hromada, points)


# --- explanations ---------------------------------------------------------------------------------


def _json_safe(value: Any) -> Any:
    """Facts as JSON-serialisable data: dates as ISO strings, sets as sorted lists, decimals as floats."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime.date):  # datetimes too
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): _json_safe(item) for key, item in value.items()}
    if isinstance(value, set | frozenset):
        return sorted((_json_safe(item) for item in value), key=repr)
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    return str(value)


def _need_source(need: NeedInput) -> dict[str, Any]:
    return {"source": need.source, "severity": round(float(need.severity), 4), **_json_safe(dict(need.facts))}


def _value(prepared: _Prepared, code: str, i: int, j: int) -> float:
    return float(prepared.values[code][i, j])


def _component(code: str, weight: int, value: float, facts: Mapping[str, Any]) -> Component:
    return Component(code=code, value=round(value, 4), points=round(weight * value, 2), facts=facts)


def _components(prepared: _Prepared, i: int, j: int, deficits: _Deficits | None) -> tuple[Component, ...]:
    hromada, offer = prepared.hromadas[i], prepared.offers[j]
    weights: Weights = prepared.data.weights
    severity = prepared.severity[i]
    shared_themes = sorted(set(severity) & offer.themes, key=lambda theme: (-severity[theme], theme))
    theme_facts = {
        "themes": [
            {
                "theme": theme,
                "severity": round(severity[theme], 4),
                "sources": [_need_source(need) for need in prepared.needs[i][theme]],
            }
            for theme in shared_themes
        ],
        "offer_themes": sorted(offer.themes),
        "need_themes": sorted(severity),
        "offer_id": offer.id,
        "organisation_id": offer.organisation_id,
        "organisation_name": offer.organisation_name,
    }
    blocked = sorted(offer.modes & MODES_IN_HROMADA) if prepared.blocked[i] else []
    possible = sorted(offer.modes - set(blocked))
    mode_facts = {
        "possible": possible,
        "preferred": sorted(hromada.preferred_modes),
        "preferred_possible": sorted(set(possible) & hromada.preferred_modes),
        "blocked": blocked,
        "status": hromada.security_status,
    }
    language_facts = {
        "shared": sorted(hromada.languages & offer.languages),
        "hromada": sorted(hromada.languages),
        "offer": sorted(offer.languages),
    }
    ties_facts = {
        "count": int(prepared.ties[i, j]),
        "offer_id": offer.id,
        "organisation_id": offer.organisation_id,
        "organisation_name": offer.organisation_name,
    }
    size_facts = {"hromada_population": hromada.population, "offer_population": offer.population}
    components = [
        _component(COMPONENT_THEME, weights.theme, _value(prepared, COMPONENT_THEME, i, j), theme_facts),
        _component(COMPONENT_MODE, weights.mode, _value(prepared, COMPONENT_MODE, i, j), mode_facts),
        _component(COMPONENT_LANGUAGE, weights.language, _value(prepared, COMPONENT_LANGUAGE, i, j), language_facts),
        _component(COMPONENT_TIES, weights.ties, _value(prepared, COMPONENT_TIES, i, j), ties_facts),
        _component(COMPONENT_SIZE, weights.size, _value(prepared, COMPONENT_SIZE, i, j), size_facts),
    ]
    if deficits is not None:
        components.append(
            Component(
                code=COMPONENT_FAIRNESS,
                value=round(float(deficits.per_hromada[i]), 4),
                points=int(deficits.points[i]) / 100,
                facts=_fairness_facts(i, prepared, deficits),
            )
        )
    return tuple(components)


def _fairness_facts(i: int, prepared: _Prepared, deficits: _Deficits) -> dict[str, Any]:
    shares = {(share.dimension, share.group): share for share in deficits.table}
    groups = []
    for dimension, group in _groups(prepared.hromadas[i]).items():
        share = shares.get((dimension, group), GroupShare(dimension, group, 0, 0))
        groups.append(
            {
                "dimension": dimension,
                "group": group,
                "seeking": share.seeking,
                "matched": share.matched,
                "rate": round(share.rate, 4),
            }
        )
    return {
        "deficit": round(float(deficits.per_hromada[i]), 4),
        "overall_rate": round(deficits.overall_rate, 4),
        "seeking": deficits.seeking,
        "matched": deficits.matched,
        "groups": groups,
    }


def _reasons(prepared: _Prepared, i: int, assignment: IntArray, bonus: IntArray) -> tuple[Reason, ...]:
    """Why seeking hromada ``i`` got no suggestion: the furthest hurdle its offers stopped at first."""
    hromada = prepared.hromadas[i]
    sharing = np.flatnonzero(prepared.shared[i] > 0).tolist()
    if not sharing:
        return (Reason(REASON_NO_THEME, {"themes": sorted(prepared.severity[i])}),)
    not_available: list[int] = []
    full: list[int] = []
    no_mode: list[int] = []
    ruled_out: list[int] = []
    eligible: list[int] = []
    for j in sharing:
        if not prepared.offers[j].available:
            not_available.append(j)
        elif prepared.places_free[j] <= 0:
            full.append(j)
        elif not prepared.possible[i, j]:
            no_mode.append(j)
        elif prepared.ruled_out[i, j]:
            ruled_out.append(j)
        else:
            eligible.append(j)

    def ids(indexes: Iterable[int]) -> list[int]:
        return [prepared.offers[j].id for j in indexes]

    reasons: list[Reason] = []
    if eligible:
        own = {j: int(prepared.base[i, j] + bonus[i]) for j in eligible}
        best = min(eligible, key=lambda j: (-own[j], j))
        takers = np.flatnonzero(assignment == best).tolist()
        taker_scores = {k: int(prepared.base[k, best] + bonus[k]) for k in takers}
        lowest = min(taker_scores.values()) if taker_scores else None
        reasons.append(
            Reason(
                REASON_OUTSCORED,
                {
                    "offer_id": prepared.offers[best].id,
                    "score": own[best] / 100,
                    "lowest_score": lowest / 100 if lowest is not None else None,
                    "lowest_hromada_ids": sorted(
                        prepared.hromadas[k].id for k, score in taker_scores.items() if score == lowest
                    ),
                    "hromada_ids": sorted(prepared.hromadas[k].id for k in takers),
                    "locked_hromada_ids": sorted(
                        prepared.hromadas[k].id for k in takers if prepared.locked_offer[k] == best
                    ),
                    "eligible_offers": len(eligible),
                },
            )
        )
    if ruled_out:
        reasons.append(Reason(REASON_RULED_OUT, {"offer_ids": ids(ruled_out)}))
    if no_mode:
        blocked = sorted({mode for j in no_mode for mode in prepared.offers[j].modes & MODES_IN_HROMADA})
        reasons.append(
            Reason(
                REASON_NO_MODE,
                {"offer_ids": ids(no_mode), "status": hromada.security_status, "blocked_modes": blocked},
            )
        )
    if full:
        reasons.append(
            Reason(
                REASON_FULL,
                {
                    "offer_ids": ids(full),
                    "offers": [
                        {
                            "offer_id": prepared.offers[j].id,
                            "capacity": prepared.offers[j].capacity,
                            "places_left": max(0, prepared.offers[j].places_left),
                            "locked": int(prepared.locks_on_offer[j]),
                        }
                        for j in full
                    ],
                },
            )
        )
    if not_available:
        reasons.append(Reason(REASON_NOT_AVAILABLE, {"offer_ids": ids(not_available)}))
    return tuple(reasons)


# --- the run --------------------------------------------------------------------------------------


def _total(prepared: _Prepared, assignment: IntArray) -> float:
    rows = np.flatnonzero(assignment >= 0)
    return int(prepared.base[rows, assignment[rows]].sum()) / 100


def match(data: MatchInput) -> MatchResult:
    """The optimal assignment of ``data``'s seeking hromadas to its offers, explained.

    Raises ``MatchRefused`` with the problems of ``check`` when there are any.
    """
    problems = check(data)
    if problems:
        raise MatchRefused(problems)
    prepared = _prepare(data)
    n_h = len(prepared.hromadas)
    no_bonus = np.zeros(n_h, dtype=np.int64)

    plain = _solve(prepared, no_bonus)
    fairness_without = _fairness_table(prepared, plain)
    deficits: _Deficits | None = None
    if data.weights.fairness > 0:
        deficits = _deficits(prepared, fairness_without, data.weights.fairness)
        bonus = deficits.points
        # No group behind (everyone matched, say): the same assignment, no second solve needed.
        final = _solve(prepared, bonus) if bonus.any() else plain
        fairness_with = _fairness_table(prepared, final)
    else:
        bonus, final, fairness_with = no_bonus, plain, fairness_without

    taken = np.bincount(final[final >= 0], minlength=len(prepared.offers))
    suggestions = []
    unmatched = []
    for i, hromada in enumerate(prepared.hromadas):
        j = int(final[i])
        if j >= 0:
            offer = prepared.offers[j]
            suggestions.append(
                Suggestion(
                    hromada_id=hromada.id,
                    offer_id=offer.id,
                    score=int(prepared.base[i, j] + bonus[i]) / 100,
                    components=_components(prepared, i, j, deficits),
                    locked=bool(prepared.locked_offer[i] >= 0),
                    places_left=max(0, offer.places_left - int(taken[j])),
                )
            )
        elif prepared.seeking[i]:
            unmatched.append(Unmatched(hromada_id=hromada.id, reasons=_reasons(prepared, i, final, bonus)))
    return MatchResult(
        suggestions=tuple(suggestions),
        unmatched=tuple(unmatched),
        seeking=int(prepared.seeking.sum()),
        fairness_without=fairness_without,
        fairness_with=fairness_with,
        total_score=_total(prepared, final),
        total_score_without_fairness=_total(prepared, plain),
    )


def pair_components(data: MatchInput, hromada_id: int, offer_id: int) -> tuple[Component, ...]:
    """The score components of one pair (without fairness), e.g. to show a pair that was not chosen."""
    prepared = _prepare(dataclasses.replace(data, locks=frozenset()))  # locks do not change a pair's components
    return _components(prepared, prepared.hromada_index[hromada_id], prepared.offer_index[offer_id], None)
