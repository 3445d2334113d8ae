"""The matching engine (matching/engine.py): pure, no database. Small hand-built inputs whose optimum,
component values and reasons are worked out by hand, plus brute-force checks of optimality."""

from __future__ import annotations

import dataclasses
import datetime
import itertools
import json
import random
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import pytest

from vidnova.partnerships.matching import engine
from vidnova.partnerships.matching.types import (
    COMPONENT_FAIRNESS,
    COMPONENT_LANGUAGE,
    COMPONENT_MODE,
    COMPONENT_SIZE,
    COMPONENT_THEME,
    COMPONENT_TIES,
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
    SOURCE_ASSESSMENT,
    SOURCE_MANUAL,
    SOURCE_PROJECT,
    Component,
    GroupShare,
    HromadaInput,
    MatchInput,
    MatchRefused,
    MatchResult,
    NeedInput,
    OfferInput,
    Suggestion,
    Weights,
)

DEFAULT_WEIGHTS = Weights()
THEME_ONLY = Weights(theme=100, mode=0, language=0, ties=0, size=0, fairness=0)


def need(theme: str, severity: float, source: str = SOURCE_MANUAL, **facts: Any) -> NeedInput:
    return NeedInput(theme=theme, severity=severity, source=source, facts=facts)


def hromada(
    id: int,
    needs: Mapping[str, float] | Iterable[NeedInput] = (),
    *,
    type: str = "rural",
    population: int | None = 8_000,
    languages: Iterable[str] = ("uk",),
    preferred: Iterable[str] = (),
    status: str = "none",
) -> HromadaInput:
    rows = tuple(need(t, s) for t, s in needs.items()) if isinstance(needs, Mapping) else tuple(needs)
    return HromadaInput(
        id=id,
        name=f"Hromada {id}",
        hromada_type=type,
        population=population,
        languages=frozenset(languages),
        preferred_modes=frozenset(preferred),
        security_status=status,
        needs=rows,
    )


def offer(
    id: int,
    themes: Iterable[str] = ("a",),
    *,
    capacity: int = 1,
    places_left: int | None = None,
    modes: Iterable[str] = ("remote_coaching",),
    languages: Iterable[str] = ("en",),
    population: int | None = None,
    available: bool = True,
    organisation_id: int | None = None,
) -> OfferInput:
    return OfferInput(
        id=id,
        organisation_id=organisation_id if organisation_id is not None else 100 + id,
        organisation_name=f"Organisation {id}",
        title=f"Offer {id}",
        themes=frozenset(themes),
        modes=frozenset(modes),
        capacity=capacity,
        places_left=capacity if places_left is None else places_left,
        languages=frozenset(languages),
        population=population,
        available=available,
    )


def run(
    hromadas: Iterable[HromadaInput],
    offers: Iterable[OfferInput],
    weights: Weights = THEME_ONLY,
    **extra: Any,
) -> MatchResult:
    return engine.match(MatchInput(hromadas=tuple(hromadas), offers=tuple(offers), weights=weights, **extra))


def pairs(result: MatchResult) -> dict[int, int]:
    return {s.hromada_id: s.offer_id for s in result.suggestions}


def component(suggestion: Suggestion | tuple[Component, ...], code: str) -> Component:
    components = suggestion.components if isinstance(suggestion, Suggestion) else suggestion
    return next(c for c in components if c.code == code)


def reasons(result: MatchResult, hromada_id: int) -> list[str]:
    row = next(u for u in result.unmatched if u.hromada_id == hromada_id)
    return [reason.code for reason in row.reasons]


def reason_facts(result: MatchResult, hromada_id: int, code: str) -> Mapping[str, Any]:
    row = next(u for u in result.unmatched if u.hromada_id == hromada_id)
    return next(reason.facts for reason in row.reasons if reason.code == code)


# --- the optimum ----------------------------------------------------------------------------------


def test_optimal_assignment_beats_the_greedy_choice() -> None:
    # Hromada 1 scores 100 on offer 10 and 90 on offer 11; hromada 2 scores 95 on offer 10 only.
    # Greedy (best pair first) gives 1→10 and leaves 2 out: 100. The optimum is 1→11, 2→10: 185.
    result = run(
        [hromada(1, {"a": 1.0, "b": 0.9}), hromada(2, {"a": 0.95})],
        [offer(10, ["a"]), offer(11, ["b"])],
    )
    assert pairs(result) == {1: 11, 2: 10}
    assert result.total_score == 185.0
    assert [s.score for s in result.suggestions] == [90.0, 95.0]
    assert result.unmatched == ()
    assert result.seeking == 2


def test_capacity_is_respected_and_places_left_reported() -> None:
    result = run(
        [hromada(1, {"a": 1.0}), hromada(2, {"a": 0.8}), hromada(3, {"a": 0.5})],
        [offer(10, ["a"], capacity=2)],
    )
    assert pairs(result) == {1: 10, 2: 10}
    assert all(s.places_left == 0 for s in result.suggestions)
    assert reasons(result, 3) == [REASON_OUTSCORED]
    facts = reason_facts(result, 3, REASON_OUTSCORED)
    assert facts["offer_id"] == 10
    assert facts["score"] == 50.0
    assert facts["lowest_score"] == 80.0
    assert facts["lowest_hromada_ids"] == [2]
    assert facts["hromada_ids"] == [1, 2]
    assert facts["locked_hromada_ids"] == []


def test_places_taken_by_open_partnerships_count() -> None:
    result = run(
        [hromada(1, {"a": 1.0}), hromada(2, {"a": 0.8})],
        [offer(10, ["a"], capacity=3, places_left=1)],
    )
    assert pairs(result) == {1: 10}
    assert result.suggestions[0].places_left == 0


def test_every_hromada_matched_when_places_allow_even_at_score_zero() -> None:
    zero = Weights(theme=0, mode=0, language=0, ties=0, size=0)
    result = run([hromada(1, {"a": 0.5}), hromada(2, {"a": 0.5})], [offer(10, ["a"], capacity=2)], zero)
    assert pairs(result) == {1: 10, 2: 10}
    assert {s.score for s in result.suggestions} == {0.0}


def test_matches_brute_force_optimum_on_random_inputs() -> None:
    rng = random.Random(11)  # noqa: S311 - seeded test data
    themes = ["a", "b", "c", "d"]
    for _ in range(40):
        hromadas = [
            hromada(
                index,
                {t: rng.choice([0.2, 0.4, 0.5, 0.7, 1.0]) for t in rng.sample(themes, rng.randint(1, 3))},
                population=rng.choice([None, 3_000, 20_000, 90_000]),
                languages=rng.choice([("uk",), ("uk", "en")]),
                status=rng.choice(["none", "none", "active_hostilities"]),
                preferred=rng.choice([(), ("expert_mission",)]),
            )
            for index in range(1, rng.randint(2, 6) + 1)
        ]
        offers = [
            offer(
                10 + index,
                rng.sample(themes, rng.randint(1, 2)),
                capacity=rng.randint(1, 2),
                modes=rng.choice([("remote_coaching",), ("expert_mission",), ("expert_mission", "study_visit")]),
                languages=rng.choice([("en",), ("uk", "nl")]),
                population=rng.choice([None, 5_000, 50_000]),
                available=rng.random() > 0.15,
            )
            for index in range(rng.randint(1, 3))
        ]
        data = MatchInput(tuple(hromadas), tuple(offers), Weights(), ties={(1, 10): 1})
        prepared = engine._prepare(data)
        best = 0
        options = [[-1, *[j for j in range(len(offers)) if prepared.eligible[i, j]]] for i in range(len(hromadas))]
        for choice in itertools.product(*options):
            used = [choice.count(j) for j in range(len(offers))]
            if all(used[j] <= offers[j].places_left for j in range(len(offers))):
                best = max(best, sum(int(prepared.base[i, j]) for i, j in enumerate(choice) if j >= 0))
        result = engine.match(data)
        assert round(result.total_score * 100) == best


# --- locks and rule-outs --------------------------------------------------------------------------


def test_locked_pair_is_forced_and_takes_its_place_first() -> None:
    result = run(
        [hromada(1, {"a": 0.3}), hromada(2, {"a": 1.0})],
        [offer(10, ["a"])],
        locks=frozenset({(1, 10)}),
    )
    assert pairs(result) == {1: 10}
    assert result.suggestions[0].locked is True
    assert result.suggestions[0].places_left == 0
    assert reasons(result, 2) == [REASON_FULL]
    full = reason_facts(result, 2, REASON_FULL)
    assert full["offer_ids"] == [10]
    assert full["offers"] == [{"offer_id": 10, "capacity": 1, "places_left": 1, "locked": 1}]


def test_locks_fill_places_before_the_solver() -> None:
    result = run(
        [hromada(1, {"a": 0.3}), hromada(2, {"a": 1.0}), hromada(3, {"a": 0.9})],
        [offer(10, ["a"], capacity=2)],
        locks=frozenset({(1, 10)}),
    )
    assert pairs(result) == {1: 10, 2: 10}
    assert [s.locked for s in result.suggestions] == [True, False]
    facts = reason_facts(result, 3, REASON_OUTSCORED)
    assert facts["locked_hromada_ids"] == [1]
    assert facts["lowest_score"] == 30.0
    assert facts["lowest_hromada_ids"] == [1]


def test_locked_pair_without_a_shared_theme_is_honoured_and_shows_it() -> None:
    result = run([hromada(1, {"a": 1.0})], [offer(10, ["b"], available=False)], locks=frozenset({(1, 10)}))
    assert pairs(result) == {1: 10}
    theme = component(result.suggestions[0], COMPONENT_THEME)
    assert theme.value == 0
    assert theme.points == 0
    assert theme.facts["themes"] == []
    assert theme.facts["need_themes"] == ["a"]
    assert theme.facts["offer_themes"] == ["b"]


def test_locked_hromada_without_needs_counts_as_seeking() -> None:
    result = run([hromada(1), hromada(2)], [offer(10, ["a"])], locks=frozenset({(1, 10)}))
    assert pairs(result) == {1: 10}
    assert result.seeking == 1  # hromada 2 has no need: it does not seek, it is not listed as unmatched
    assert result.unmatched == ()


def test_ruled_out_pair_is_never_chosen() -> None:
    result = run(
        [hromada(1, {"a": 1.0, "b": 0.5})],
        [offer(10, ["a"]), offer(11, ["b"])],
        rule_outs=frozenset({(1, 10)}),
    )
    assert pairs(result) == {1: 11}
    only = run([hromada(1, {"a": 1.0})], [offer(10, ["a"])], rule_outs=frozenset({(1, 10)}))
    assert only.suggestions == ()
    assert reasons(only, 1) == [REASON_RULED_OUT]
    assert reason_facts(only, 1, REASON_RULED_OUT) == {"offer_ids": [10]}


def test_rule_outs_naming_unknown_pairs_are_ignored() -> None:
    result = run([hromada(1, {"a": 1.0})], [offer(10, ["a"])], rule_outs=frozenset({(5, 10), (1, 99)}))
    assert pairs(result) == {1: 10}


@pytest.mark.parametrize(
    ("locks", "rule_outs", "places", "expected"),
    [
        ({(1, 10)}, {(1, 10)}, 2, [(PROBLEM_LOCK_AND_RULE_OUT, {"hromada_id": 1, "offer_id": 10})]),
        ({(1, 10), (1, 11)}, set(), 2, [(PROBLEM_HROMADA_LOCKED_TWICE, {"hromada_id": 1, "offer_ids": [10, 11]})]),
        (
            {(1, 10), (2, 10)},
            set(),
            1,
            [
                (
                    PROBLEM_LOCKS_OVER_CAPACITY,
                    {"offer_id": 10, "locks": 2, "places_left": 1, "capacity": 2, "hromada_ids": [1, 2]},
                )
            ],
        ),
        ({(7, 10)}, set(), 2, [(PROBLEM_LOCK_UNKNOWN, {"hromada_id": 7, "offer_id": 10})]),
        ({(1, 99)}, set(), 2, [(PROBLEM_LOCK_UNKNOWN, {"hromada_id": 1, "offer_id": 99})]),
    ],
)
def test_contradicting_locks_are_refused_with_their_problems(
    locks: set[tuple[int, int]],
    rule_outs: set[tuple[int, int]],
    places: int,
    expected: list[tuple[str, dict[str, Any]]],
) -> None:
    data = MatchInput(
        hromadas=(hromada(1, {"a": 1.0}), hromada(2, {"a": 1.0})),
        offers=(offer(10, ["a"], capacity=2, places_left=places), offer(11, ["a"], capacity=2)),
        weights=Weights(),
        locks=frozenset(locks),
        rule_outs=frozenset(rule_outs),
    )
    assert engine.check(data) == expected
    with pytest.raises(MatchRefused) as refused:
        engine.match(data)
    assert refused.value.problems == expected


def test_check_reports_every_problem_at_once() -> None:
    data = MatchInput(
        hromadas=(hromada(1, {"a": 1.0}), hromada(2, {"a": 1.0})),
        offers=(offer(10, ["a"], capacity=1),),
        weights=Weights(),
        locks=frozenset({(1, 10), (2, 10), (3, 10)}),
        rule_outs=frozenset({(2, 10)}),
    )
    codes = [code for code, _facts in engine.check(data)]
    assert codes == [PROBLEM_LOCK_UNKNOWN, PROBLEM_LOCK_AND_RULE_OUT, PROBLEM_LOCKS_OVER_CAPACITY]


def test_valid_input_has_no_problems() -> None:
    data = MatchInput((hromada(1, {"a": 1.0}),), (offer(10),), Weights(), locks=frozenset({(1, 10)}))
    assert engine.check(data) == []


def test_duplicate_ids_are_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unique"):
        run([hromada(1, {"a": 1.0}), hromada(1, {"a": 0.5})], [offer(10)])


# --- determinism ----------------------------------------------------------------------------------


def tied_input(weights: Weights = DEFAULT_WEIGHTS) -> MatchInput:
    """Many equal hromadas and offers: every assignment of the same size scores the same."""
    return MatchInput(
        hromadas=tuple(hromada(i, {"a": 0.5, "b": 0.5}) for i in range(1, 13)),
        offers=tuple(offer(20 + j, ["a", "b"], capacity=2) for j in range(4)),
        weights=weights,
        rule_outs=frozenset({(3, 21)}),
        ties={(5, 122): 1},
    )


@pytest.mark.parametrize("fairness", [0, 30])
def test_same_input_same_result_including_ties(fairness: int) -> None:
    data = tied_input(Weights(fairness=fairness))
    first = engine.match(data)
    assert len(first.suggestions) == 8
    assert engine.match(data) == first
    rng = random.Random(3)  # noqa: S311 - seeded test data
    for _ in range(5):
        hromadas, offers = list(data.hromadas), list(data.offers)
        rng.shuffle(hromadas)
        rng.shuffle(offers)
        shuffled = dataclasses.replace(data, hromadas=tuple(hromadas), offers=tuple(offers))
        assert engine.match(shuffled) == first


def test_suggestions_and_unmatched_come_sorted_by_hromada() -> None:
    result = engine.match(tied_input())
    ids = [s.hromada_id for s in result.suggestions]
    assert ids == sorted(ids)
    assert [u.hromada_id for u in result.unmatched] == sorted(u.hromada_id for u in result.unmatched)
    assert len(result.unmatched) == 4


# --- fairness -------------------------------------------------------------------------------------


def fairness_case(fairness: int) -> MatchResult:
    """Two big urban and two small rural hromadas need the same theme; the only offer (2 places)
    comes from a big municipality, so without fairness the urban ones win on size."""
    hromadas = [
        hromada(1, {"a": 1.0}, type="urban", population=100_000),
        hromada(2, {"a": 1.0}, type="urban", population=100_000),
        hromada(3, {"a": 1.0}, type="rural", population=3_000),
        hromada(4, {"a": 1.0}, type="rural", population=3_000),
    ]
    return run(hromadas, [offer(10, ["a"], capacity=2, population=100_000)], Weights(fairness=fairness))


def share(table: tuple[GroupShare, ...], dimension: str, group: str) -> tuple[int, int]:
    row = next(s for s in table if s.dimension == dimension and s.group == group)
    return row.seeking, row.matched


def test_fairness_weight_raises_the_rural_share() -> None:
    plain = fairness_case(0)
    assert pairs(plain) == {1: 10, 2: 10}
    assert share(plain.fairness_without, "type", "urban") == (2, 2)
    assert share(plain.fairness_without, "type", "rural") == (2, 0)
    assert share(plain.fairness_without, "population", "under_5000") == (2, 0)
    assert share(plain.fairness_without, "population", "50000_plus") == (2, 2)
    assert plain.fairness_with == plain.fairness_without
    assert all(c.code != COMPONENT_FAIRNESS for s in plain.suggestions for c in s.components)
    assert plain.total_score == plain.total_score_without_fairness

    fair = fairness_case(30)
    assert pairs(fair) == {3: 10, 4: 10}
    assert fair.fairness_without == plain.fairness_without
    assert share(fair.fairness_with, "type", "rural") == (2, 2)
    assert share(fair.fairness_with, "type", "urban") == (2, 0)
    assert share(fair.fairness_with, "population", "under_5000") == (2, 2)
    # Rural, under 5,000: both groups at 0 against 50 in 100 overall → deficit 1 → 30 points.
    fairness = component(fair.suggestions[0], COMPONENT_FAIRNESS)
    assert fairness.value == 1.0
    assert fairness.points == 30.0
    assert fairness.facts["overall_rate"] == 0.5
    assert {(g["dimension"], g["group"], g["rate"]) for g in fairness.facts["groups"]} == {
        ("type", "rural", 0.0),
        ("population", "under_5000", 0.0),
    }
    # Fairness points are not part of the total score: the price of fairness is visible.
    assert fair.total_score_without_fairness == plain.total_score
    assert fair.total_score < fair.total_score_without_fairness
    suggestion = fair.suggestions[0]
    assert suggestion.score == pytest.approx(sum(c.points for c in suggestion.components), abs=0.05)
    assert fair.total_score == pytest.approx(sum(s.score - 30 for s in fair.suggestions))


def test_fairness_tables_list_unknown_groups_only_when_present() -> None:
    result = run([hromada(1, {"a": 1.0}, type="", population=None)], [offer(10)])
    assert share(result.fairness_without, "type", "unknown") == (1, 1)
    assert share(result.fairness_without, "population", "unknown") == (1, 1)
    groups = {(s.dimension, s.group) for s in fairness_case(0).fairness_without}
    assert ("type", "unknown") not in groups
    assert ("type", "settlement") in groups


def test_fairness_without_matches_gives_no_points() -> None:
    result = run([hromada(1, {"a": 1.0})], [offer(10, ["b"])], Weights(fairness=50))
    assert result.suggestions == ()
    assert share(result.fairness_with, "type", "rural") == (1, 0)


# --- reasons for unmatched hromadas ---------------------------------------------------------------


def test_each_unmatched_reason() -> None:
    result = run(
        [
            hromada(1, {"z": 1.0}),
            hromada(2, {"b": 1.0}),
            hromada(3, {"c": 1.0}),
            hromada(4, {"d": 1.0}, status="active_hostilities"),
            hromada(5, {"e": 1.0}),
            hromada(6, {"a": 1.0}),
            hromada(7, {"a": 0.4}),
        ],
        [
            offer(10, ["a"]),
            offer(11, ["b"], available=False),
            offer(12, ["c"], capacity=2, places_left=0),
            offer(13, ["d"], modes=["expert_mission"]),
            offer(14, ["e"]),
        ],
        rule_outs=frozenset({(5, 14)}),
    )
    assert pairs(result) == {6: 10}
    assert reasons(result, 1) == [REASON_NO_THEME]
    assert reason_facts(result, 1, REASON_NO_THEME) == {"themes": ["z"]}
    assert reasons(result, 2) == [REASON_NOT_AVAILABLE]
    assert reason_facts(result, 2, REASON_NOT_AVAILABLE) == {"offer_ids": [11]}
    assert reasons(result, 3) == [REASON_FULL]
    assert reason_facts(result, 3, REASON_FULL)["offers"] == [
        {"offer_id": 12, "capacity": 2, "places_left": 0, "locked": 0}
    ]
    assert reasons(result, 4) == [REASON_NO_MODE]
    assert reason_facts(result, 4, REASON_NO_MODE) == {
        "offer_ids": [13],
        "status": "active_hostilities",
        "blocked_modes": ["expert_mission"],
    }
    assert reasons(result, 5) == [REASON_RULED_OUT]
    assert reasons(result, 7) == [REASON_OUTSCORED]
    assert reason_facts(result, 7, REASON_OUTSCORED) == {
        "offer_id": 10,
        "score": 40.0,
        "lowest_score": 100.0,
        "lowest_hromada_ids": [6],
        "hromada_ids": [6],
        "locked_hromada_ids": [],
        "eligible_offers": 1,
    }


def test_reasons_come_most_specific_first() -> None:
    result = run(
        [
            hromada(1, {"a": 0.5}, status="temporarily_occupied"),
            hromada(2, {"a": 1.0}),
            hromada(3, {"a": 1.0}, status="active_hostilities"),
        ],
        [
            offer(10, ["a"], available=False),
            offer(11, ["a"], places_left=0),
            offer(12, ["a"], modes=["expert_mission"]),
            offer(13, ["a"]),
            offer(14, ["a"]),
            offer(15, ["a"]),
        ],
        rule_outs=frozenset({(1, 13), (3, 13)}),
        locks=frozenset({(2, 14)}),
    )
    assert pairs(result) == {2: 14, 3: 15}
    assert reasons(result, 1) == [REASON_OUTSCORED, REASON_RULED_OUT, REASON_NO_MODE, REASON_FULL, REASON_NOT_AVAILABLE]
    outscored = reason_facts(result, 1, REASON_OUTSCORED)
    assert (outscored["offer_id"], outscored["score"], outscored["lowest_score"]) == (15, 50.0, 100.0)
    # Offer 14's only place was locked for hromada 2 before the run: full, like offer 11.
    assert reason_facts(result, 1, REASON_FULL)["offers"] == [
        {"offer_id": 11, "capacity": 1, "places_left": 0, "locked": 0},
        {"offer_id": 14, "capacity": 1, "places_left": 1, "locked": 1},
    ]
    assert reason_facts(result, 1, REASON_NO_MODE)["offer_ids"] == [12]
    assert reason_facts(result, 1, REASON_NOT_AVAILABLE)["offer_ids"] == [10]


def test_no_offers_at_all() -> None:
    result = run([hromada(1, {"a": 1.0}), hromada(2)], [])
    assert result.suggestions == ()
    assert reasons(result, 1) == [REASON_NO_THEME]
    assert result.seeking == 1
    assert result.total_score == 0


# --- security status and modes --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "blocked"),
    [("active_hostilities", True), ("temporarily_occupied", True), ("possible_hostilities", False), ("none", False)],
)
def test_security_status_blocks_expert_missions(status: str, blocked: bool) -> None:
    mission = run([hromada(1, {"a": 1.0}, status=status)], [offer(10, ["a"], modes=["expert_mission"])], Weights())
    assert (pairs(mission) == {}) is blocked
    mixed = run(
        [hromada(1, {"a": 1.0}, status=status, preferred=["expert_mission"])],
        [offer(10, ["a"], modes=["expert_mission", "remote_coaching"])],
        Weights(),
    )
    mode = component(mixed.suggestions[0], COMPONENT_MODE)
    if blocked:
        assert mode.value == 0.5
        assert mode.facts["possible"] == ["remote_coaching"]
        assert mode.facts["blocked"] == ["expert_mission"]
        assert mode.facts["preferred_possible"] == []
    else:
        assert mode.value == 1.0
        assert mode.facts["possible"] == ["expert_mission", "remote_coaching"]
        assert mode.facts["blocked"] == []
    assert mode.facts["status"] == status


# --- component values by hand ---------------------------------------------------------------------


def components_of(
    h: HromadaInput, o: OfferInput, weights: Weights = DEFAULT_WEIGHTS, **extra: Any
) -> tuple[Component, ...]:
    return engine.pair_components(MatchInput((h,), (o,), weights, **extra), h.id, o.id)


def test_theme_value_sums_the_severity_of_shared_themes_capped_at_one() -> None:
    needs = [
        need("a", 0.6, SOURCE_ASSESSMENT, dimension="f1_prep", score=40.0, threshold=50.0),
        need("a", 1 / 3, SOURCE_MANUAL, need_id=4, severity_level=1),
        need("b", 0.3, SOURCE_PROJECT, project_id=7, project_code="P-7"),
        need("c", 0.5),
    ]
    theme = component(components_of(hromada(1, needs), offer(10, ["a", "b", "x"])), COMPONENT_THEME)
    assert theme.value == 0.9  # max(0.6, 1/3) + 0.3
    assert theme.points == 54.0  # weight 60
    assert [t["theme"] for t in theme.facts["themes"]] == ["a", "b"]
    assert theme.facts["themes"][0]["severity"] == 0.6
    assert [s["source"] for s in theme.facts["themes"][0]["sources"]] == [SOURCE_ASSESSMENT, SOURCE_MANUAL]
    assert theme.facts["themes"][0]["sources"][0]["score"] == 40.0
    assert theme.facts["themes"][1]["sources"][0]["project_code"] == "P-7"
    assert theme.facts["offer_themes"] == ["a", "b", "x"]
    capped = component(components_of(hromada(1, needs), offer(10, ["a", "b", "c"])), COMPONENT_THEME)
    assert capped.value == 1.0  # 0.6 + 0.3 + 0.5 = 1.4, capped


@pytest.mark.parametrize(
    ("preferred", "modes", "value"),
    [
        ((), ("peer_exchange",), 1.0),
        (("remote_coaching",), ("remote_coaching", "study_visit"), 1.0),
        (("study_visit",), ("remote_coaching",), 0.5),
    ],
)
def test_mode_value(preferred: tuple[str, ...], modes: tuple[str, ...], value: float) -> None:
    mode = component(components_of(hromada(1, {"a": 1}, preferred=preferred), offer(10, modes=modes)), COMPONENT_MODE)
    assert mode.value == value
    assert mode.points == 10 * value
    assert mode.facts["preferred"] == sorted(preferred)


@pytest.mark.parametrize(
    ("hromada_languages", "offer_languages", "value", "shared"),
    [
        (("uk", "en"), ("uk", "nl"), 1.0, ["uk"]),
        (("uk", "en"), ("en", "nl"), 0.7, ["en"]),
        (("uk",), ("en", "nl"), 0.3, []),
    ],
)
def test_language_value(
    hromada_languages: tuple[str, ...], offer_languages: tuple[str, ...], value: float, shared: list[str]
) -> None:
    language = component(
        components_of(hromada(1, {"a": 1}, languages=hromada_languages), offer(10, languages=offer_languages)),
        COMPONENT_LANGUAGE,
    )
    assert language.value == value
    assert language.facts["shared"] == shared


@pytest.mark.parametrize(("count", "value"), [(0, 0.0), (1, 0.5), (2, 1.0), (5, 1.0)])
def test_ties_value(count: int, value: float) -> None:
    ties = component(
        components_of(hromada(1, {"a": 1}), offer(10, organisation_id=500), ties={(1, 500): count, (2, 500): 9}),
        COMPONENT_TIES,
    )
    assert ties.value == value
    assert ties.facts["count"] == count
    assert ties.facts["organisation_id"] == 500


@pytest.mark.parametrize(
    ("hromada_population", "offer_population", "value"),
    [
        (10_000, 10_000, 1.0),
        (10_000, 100_000, 0.5),  # one power of ten apart
        (1_000, 1_000_000, 0.0),  # three apart: capped at 0
        (12_000, None, 0.5),  # safety regions, associations: neutral
        (None, 50_000, 0.5),
    ],
)
def test_size_value(hromada_population: int | None, offer_population: int | None, value: float) -> None:
    size = component(
        components_of(hromada(1, {"a": 1}, population=hromada_population), offer(10, population=offer_population)),
        COMPONENT_SIZE,
    )
    assert size.value == pytest.approx(value)
    assert size.facts == {"hromada_population": hromada_population, "offer_population": offer_population}


def test_score_is_the_sum_of_the_points() -> None:
    # theme 0.8 × 60 + mode 1 × 10 + language 0.7 × 10 + ties 0.5 × 10 + size 0.5 × 10 = 75
    result = run(
        [hromada(1, {"a": 0.8}, languages=("uk", "en"), population=10_000)],
        [offer(10, ["a"], languages=("en",), population=100_000, organisation_id=7)],
        Weights(),
        ties={(1, 7): 1},
    )
    suggestion = result.suggestions[0]
    assert [(c.code, c.value, c.points) for c in suggestion.components] == [
        (COMPONENT_THEME, 0.8, 48.0),
        (COMPONENT_MODE, 1.0, 10.0),
        (COMPONENT_LANGUAGE, 0.7, 7.0),
        (COMPONENT_TIES, 0.5, 5.0),
        (COMPONENT_SIZE, 0.5, 5.0),
    ]
    assert suggestion.score == 75.0
    assert result.total_score == 75.0


def test_facts_are_json_serialisable() -> None:
    needs = [
        need(
            "a",
            0.7,
            SOURCE_ASSESSMENT,
            validated_on=datetime.date(2026, 5, 3),
            score=Decimal("30.5"),
            dimension_label={"en": "Civil protection", "uk": "Цивільний захист"},
            tags={"x", "y"},
        )
    ]
    result = run([hromada(1, needs), hromada(2, {"q": 1.0})], [offer(10, ["a"])], Weights(fairness=10))
    stored = json.loads(json.dumps(dataclasses.asdict(result)))
    source = stored["suggestions"][0]["components"][0]["facts"]["themes"][0]["sources"][0]
    assert source["validated_on"] == "2026-05-03"
    assert source["score"] == 30.5
    assert source["tags"] == ["x", "y"]
    assert stored["unmatched"][0]["reasons"][0] == {"code": REASON_NO_THEME, "facts": {"themes": ["q"]}}
