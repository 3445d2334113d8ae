"""Reads of assessment rounds for the pages: a programme's rounds with their state counts, a round's
hromadas with their progress, the latest instrument versions to open a round with, and what the
assessments start page shows each person (staff, hromada members, experts)."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.utils import timezone

from vidnova.accounts import access
from vidnova.accounts.access import AnyUser
from vidnova.assessments.models import Assessment, AssessmentState, InstrumentVersion, Round
from vidnova.programmes.models import Programme
from vidnova.registry.models import Hromada

STATES = tuple(AssessmentState)


@dataclass(frozen=True)
class StateCount:
    state: str
    label: str
    count: int


@dataclass
class RoundSummary:
    round: Round
    counts: list[StateCount]
    total: int
    days_left: int

    @property
    def overdue_days(self) -> int:
        return max(0, -self.days_left)


@dataclass
class ProgrammeRounds:
    programme: Programme
    rounds: list[RoundSummary] = field(default_factory=list)


@dataclass
class IndexData:
    staff: list[ProgrammeRounds] = field(default_factory=list)
    expert: list[ProgrammeRounds] = field(default_factory=list)
    assessments: list[Assessment] = field(default_factory=list)


def days_left(deadline: datetime.date, today: datetime.date | None = None) -> int:
    """Days until the deadline (0 on the day itself, negative when it has passed)."""
    return (deadline - (today or timezone.localdate())).days


def state_counts(counter: Counter[str]) -> list[StateCount]:
    return [StateCount(state.value, str(state.label), counter.get(state.value, 0)) for state in STATES]


def counts_by_round(rounds: list[Round]) -> dict[int, Counter[str]]:
    counts: dict[int, Counter[str]] = {r.pk: Counter() for r in rounds}
    rows = Assessment.objects.filter(round__in=rounds).values("round_id", "state").annotate(n=Count("id")).order_by()
    for row in rows:
        counts[row["round_id"]][row["state"]] = row["n"]
    return counts


def summaries(rounds: list[Round]) -> list[RoundSummary]:
    counts = counts_by_round(rounds)
    today = timezone.localdate()
    return [
        RoundSummary(
            round=r,
            counts=state_counts(counts[r.pk]),
            total=sum(counts[r.pk].values()),
            days_left=days_left(r.deadline, today),
        )
        for r in rounds
    ]


def rounds_of(programme: Programme) -> QuerySet[Round]:
    return Round.objects.filter(programme=programme).select_related("instrument_version__instrument", "programme")


def round_detail(pk: int) -> QuerySet[Round]:
    return Round.objects.select_related("programme", "instrument_version__instrument", "opened_by").filter(pk=pk)


def round_assessments(round_: Round) -> QuerySet[Assessment]:
    return (
        Assessment.objects.filter(round=round_)
        .select_related("hromada__oblast")
        .only(
            "id",
            "round_id",
            "hromada__id",
            "hromada__katottg",
            "hromada__name_uk",
            "hromada__name_sort",
            "hromada__oblast__name_uk",
            "state",
            "completeness",
            "required_completeness",
            "overall_normalised",
            "submitted_at",
            "validated_at",
            "version",
        )
        .order_by("hromada__name_sort")
    )


def participating_hromadas(programme: Programme) -> QuerySet[Hromada]:
    """The hromadas taking part in any phase of ``programme``, by name."""
    return (
        Hromada.objects.filter(participations__phase__programme=programme)
        .select_related("oblast")
        .distinct()
        .order_by("name_sort")
    )


def latest_versions() -> list[InstrumentVersion]:
    """The newest version of every instrument (a round is opened with one of them)."""
    versions = (
        InstrumentVersion.objects.select_related("instrument")
        .defer("definition")
        .order_by("instrument__name_uk", "instrument_id", "-number")
    )
    latest: dict[int, InstrumentVersion] = {}
    for version in versions:
        latest.setdefault(version.instrument_id, version)
    return list(latest.values())


def _programme_rounds(programme_ids: frozenset[int]) -> list[ProgrammeRounds]:
    if not programme_ids:
        return []
    programmes = list(Programme.objects.filter(pk__in=programme_ids).order_by("name_uk"))
    rounds = list(
        Round.objects.filter(programme__in=programmes).select_related("instrument_version__instrument", "programme")
    )
    by_programme = {p.pk: ProgrammeRounds(programme=p) for p in programmes}
    for summary in summaries(rounds):
        by_programme[summary.round.programme_id].rounds.append(summary)
    return list(by_programme.values())


def index_for(user: AnyUser) -> IndexData:
    """What the assessments start page lists for ``user``: nothing private for outsiders."""
    roles = access.roles_of(user)
    staff_of = roles.programme_staff_of
    if user.is_authenticated and user.is_superuser and user.is_active:
        staff_of = frozenset(Programme.objects.values_list("pk", flat=True))
    data = IndexData(
        staff=_programme_rounds(staff_of),
        expert=_programme_rounds(roles.expert_programme_of - staff_of),
    )
    if roles.hromada_member_of:
        data.assessments = list(
            Assessment.objects.filter(hromada_id__in=roles.hromada_member_of)
            .select_related("hromada", "round__programme")
            .order_by("hromada__name_sort", "-round__opens_on", "-pk")
        )
    return data
