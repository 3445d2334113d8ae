"""The matching engine's inputs and outputs: plain data, no database.

services/matching.py reads the database into a ``MatchInput``, ``engine.match`` returns a
``MatchResult``, and the service stores it in one transaction. Explanations are structured
(``code`` + ``facts``) so each reader gets them in their own language (``explain.py``).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# Sources of a need.
SOURCE_ASSESSMENT = "assessment"
SOURCE_PROJECT = "project"
SOURCE_MANUAL = "manual"

# Score components, in the order they are shown.
COMPONENT_THEME = "theme"
COMPONENT_MODE = "mode"
COMPONENT_LANGUAGE = "language"
COMPONENT_TIES = "ties"
COMPONENT_SIZE = "size"
COMPONENT_FAIRNESS = "fairness"
COMPONENTS = (
    COMPONENT_THEME,
    COMPONENT_MODE,
    COMPONENT_LANGUAGE,
    COMPONENT_TIES,
    COMPONENT_SIZE,
    COMPONENT_FAIRNESS,
)

# Reasons a seeking hromada stays unmatched (UnmatchedHromada.reasons[].code).
REASON_NO_THEME = "no_theme"  # no available offer covers any of its need themes
REASON_NO_MODE = "no_mode"  # offers cover its needs, but none in a mode possible under its security status
REASON_RULED_OUT = "ruled_out"  # every suitable offer was ruled out by a coordinator
REASON_FULL = "full"  # the suitable offers have no places left before the run
REASON_OUTSCORED = "outscored"  # suitable offers' places went to pairs with higher scores
REASON_NOT_AVAILABLE = "not_available"  # suitable offers are not available on the run's start date

# Modes that send partner staff into the hromada (models.MODES_IN_HROMADA, repeated here so the engine
# stays free of Django) and the security statuses under which they are impossible.
MODES_IN_HROMADA = frozenset({"expert_mission"})
BLOCKING_STATUSES = frozenset({"active_hostilities", "temporarily_occupied"})

# Fairness groups: hromada type and population band ("unknown" when the registry has none).
FAIRNESS_TYPE = "type"
FAIRNESS_POPULATION = "population"
FAIRNESS_DIMENSIONS = (FAIRNESS_TYPE, FAIRNESS_POPULATION)
HROMADA_TYPES = ("urban", "settlement", "rural")
GROUP_UNKNOWN = "unknown"


@dataclass(frozen=True)
class NeedInput:
    theme: str  # Theme.code
    severity: float  # 0..1 (1: most severe)
    source: str  # SOURCE_*
    # Facts for the explanation: e.g. {"dimension": "f1_org", "dimension_label": {"uk": …, "en": …},
    # "score": 22.0, "threshold": 50.0, "assessment_id": 3, "validated_on": "2026-05-03"} or
    # {"project_id": 7, "project_code": "…", "project_title": "…"} or {"need_id": 5, "severity_level": 3}.
    facts: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class HromadaInput:
    id: int
    name: str
    hromada_type: str  # "urban" | "settlement" | "rural" | "" (unknown)
    population: int | None
    languages: frozenset[str]  # working languages of the team (at least "uk")
    preferred_modes: frozenset[str]  # empty: any mode
    security_status: str  # SecurityStatus value on the run's start date ("none" when none recorded)
    needs: tuple[NeedInput, ...]


@dataclass(frozen=True)
class OfferInput:
    id: int
    organisation_id: int
    organisation_name: str
    title: str
    themes: frozenset[str]
    modes: frozenset[str]
    capacity: int
    places_left: int  # capacity minus the places its open partnerships take, never below 0
    languages: frozenset[str]  # the offer's working languages and its organisation's contacts' languages
    population: int | None  # of the partner municipality (None for safety regions, associations, …)
    available: bool  # available on the run's start date


@dataclass(frozen=True)
class Weights:
    theme: int = 60
    mode: int = 10
    language: int = 10
    ties: int = 10
    size: int = 10
    fairness: int = 0


@dataclass(frozen=True)
class MatchInput:
    hromadas: tuple[HromadaInput, ...]
    offers: tuple[OfferInput, ...]
    weights: Weights
    # (hromada_id, organisation_id) → number of earlier partnerships between them (any status).
    ties: Mapping[tuple[int, int], int] = field(default_factory=dict)
    locks: frozenset[tuple[int, int]] = frozenset()  # (hromada_id, offer_id)
    rule_outs: frozenset[tuple[int, int]] = frozenset()  # (hromada_id, offer_id)


@dataclass(frozen=True)
class Component:
    code: str  # COMPONENT_*
    value: float  # 0..1
    points: float  # weight × value (what it adds to the score)
    facts: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Suggestion:
    hromada_id: int
    offer_id: int
    score: float
    components: tuple[Component, ...]
    locked: bool
    places_left: int  # on the offer after this run's matches


@dataclass(frozen=True)
class Reason:
    code: str  # REASON_*
    facts: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Unmatched:
    hromada_id: int
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class GroupShare:
    dimension: str  # "type" | "population"
    group: str  # e.g. "rural", "under_5000"
    seeking: int  # seeking hromadas in the group
    matched: int  # of them matched

    @property
    def rate(self) -> float:
        return self.matched / self.seeking if self.seeking else 0.0


@dataclass(frozen=True)
class MatchResult:
    suggestions: tuple[Suggestion, ...]
    unmatched: tuple[Unmatched, ...]
    seeking: int  # hromadas with at least one need
    # The fairness tables of the solution without the fairness weight and with it (equal when 0).
    fairness_without: tuple[GroupShare, ...]
    fairness_with: tuple[GroupShare, ...]
    total_score: float  # sum of the suggestions' scores without their fairness points
    total_score_without_fairness: float  # the same sum for the solution without the fairness weight


class MatchRefused(ValueError):
    """The input cannot be matched as asked (contradicting locks, locks over capacity, …).
    ``problems`` are (code, facts) pairs, rendered by explain.problem_text."""

    def __init__(self, problems: list[tuple[str, Mapping[str, Any]]]) -> None:
        super().__init__("; ".join(code for code, _ in problems))
        self.problems = problems


# Codes of MatchRefused problems.
PROBLEM_LOCK_AND_RULE_OUT = "lock_and_rule_out"  # {"hromada_id", "offer_id"}
PROBLEM_HROMADA_LOCKED_TWICE = "hromada_locked_twice"  # {"hromada_id", "offer_ids"}
PROBLEM_LOCKS_OVER_CAPACITY = "locks_over_capacity"  # {"offer_id", "locks", "places_left"}
PROBLEM_LOCK_UNKNOWN = "lock_unknown"  # {"hromada_id", "offer_id"}: not in the run (hromada or offer)

POPULATION_BANDS = (
    ("under_5000", 0, 5_000),
    ("5000_15000", 5_000, 15_000),
    ("15000_50000", 15_000, 50_000),
    ("50000_plus", 50_000, None),
)


def population_band(population: int | None) -> str:
    if population is None:
        return "unknown"
    for code, low, high in POPULATION_BANDS:
        if population >= low and (high is None or population < high):
            return code
    return "unknown"


def type_group(hromada_type: str) -> str:
    """The fairness group of a hromada type ("" and unknown codes → "unknown")."""
    return hromada_type if hromada_type in HROMADA_TYPES else GROUP_UNKNOWN


def groups_of(dimension: str) -> tuple[str, ...]:
    """Every group of a fairness dimension, in the order tables show them ("unknown" last)."""
    if dimension == FAIRNESS_TYPE:
        return (*HROMADA_TYPES, GROUP_UNKNOWN)
    return (*(code for code, _low, _high in POPULATION_BANDS), GROUP_UNKNOWN)


def as_date(value: str | datetime.date) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)
