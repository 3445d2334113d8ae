"""Reads of prioritisation rounds: the gates of each project, the aggregate ranking with an
explanation per project in words, and the what-if ranking under other weights (the round does not
change). Pages, the API and the CSV export share these.

Aggregation: per criterion, the mean of the scores of the scorers without a conflict on the project,
normalised to 0–100 (score / highest score × 100); the total is the weighted mean of those means
(a criterion nobody scored counts as 0 and the explanation says so). Projects that pass every gate
are ranked by total, then higher readiness, then code; the others are listed without a rank.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from vidnova.accounts.access import AnyUser, roles_of
from vidnova.accounts.models import PROGRAMME_ROLES, Membership, Role, User
from vidnova.programmes.models import Organisation, Programme
from vidnova.projects import money
from vidnova.projects.models import (
    PrioritisationRound,
    PriorityCriterion,
    PriorityScore,
    Project,
    ProjectDocument,
    Scorer,
)
from vidnova.registry.models import SecurityStatus, SecurityStatusPeriod

CONSTRUCTION_TYPES = frozenset({"construction", "rehabilitation"})
DESIGN_DOCUMENT = "designDocument"
FAILING_STATUSES = frozenset({SecurityStatus.TEMPORARILY_OCCUPIED.value, SecurityStatus.ACTIVE_HOSTILITIES.value})
HUNDRED = Decimal(100)
POINT = Decimal("0.01")


def _round2(value: Decimal) -> Decimal:
    return value.quantize(POINT, rounding=ROUND_HALF_UP)


# --- rounds --------------------------------------------------------------------------------------


def round_queryset() -> QuerySet[PrioritisationRound]:
    return PrioritisationRound.objects.select_related("programme", "published_by")


def rounds_visible_to(user: AnyUser) -> QuerySet[PrioritisationRound]:
    """Rounds of the programmes ``user`` runs or whose partner expert they are."""
    queryset = round_queryset().annotate(project_count=Count("projects", distinct=True)).order_by("-created_at", "-pk")
    if user.is_authenticated and user.is_active and user.is_superuser:
        return queryset
    roles = roles_of(user)
    return queryset.filter(programme_id__in=roles.programme_staff_of | roles.expert_programme_of)


def rounds_of(programme: Programme) -> QuerySet[PrioritisationRound]:
    return (
        PrioritisationRound.objects.filter(programme=programme)
        .annotate(
            project_count=Count("projects", distinct=True),
            criterion_count=Count("criteria", distinct=True),
            scorer_count=Count("scorers", distinct=True),
        )
        .order_by("-created_at", "-pk")
    )


def round_projects(round_: PrioritisationRound) -> QuerySet[Project]:
    return round_.projects.select_related("hromada").order_by("hromada__name_sort", "code")


def scorers_of(round_: PrioritisationRound) -> list[Scorer]:
    return list(
        round_.scorers.select_related("user")
        .prefetch_related(Prefetch("conflicts", queryset=Project.objects.only("pk", "code", "title_uk", "title_en")))
        .annotate(score_count=Count("scores"))
        .order_by("user__email")
    )


def scorer_for(round_: PrioritisationRound, user: AnyUser) -> Scorer | None:
    if not isinstance(user, User):
        return None
    return round_.scorers.filter(user=user).prefetch_related("conflicts").first()


def possible_scorers(round_: PrioritisationRound) -> QuerySet[User]:
    """Active programme staff and the programme's partner experts not yet scoring in the round."""
    organisations = Organisation.programmes.through.objects.filter(programme_id=round_.programme_id).values(
        "organisation_id"
    )
    staff = Membership.objects.filter(role__in=PROGRAMME_ROLES, programme_id=round_.programme_id).values("user_id")
    experts = Membership.objects.filter(role=Role.PARTNER_EXPERT, organisation_id__in=organisations).values("user_id")
    present = round_.scorers.values("user_id")
    return (
        User.objects.filter(is_active=True)
        .filter(pk__in=staff.union(experts))
        .exclude(pk__in=present)
        .order_by("email")
    )


def own_scores(scorer: Scorer) -> dict[tuple[int, int], PriorityScore]:
    """The scorer's scores by (project id, criterion id)."""
    return {(s.project_id, s.criterion_id): s for s in scorer.scores.all()}


# --- gates ---------------------------------------------------------------------------------------


@dataclass
class Gate:
    code: str
    label: str
    passed: bool
    detail: str


def normalise_title(title: str) -> str:
    text = unicodedata.normalize("NFKC", title).casefold().replace("’", "'").replace("ʼ", "'")
    text = re.sub(r"[\W_]+", " ", text)
    return " ".join(text.split())


def project_gates(
    round_: PrioritisationRound, projects: list[Project], *, on: datetime.date | None = None
) -> dict[int, list[Gate]]:
    """The gates the round applies, per project (only the gates switched on)."""
    gates = round_.gates or {}
    day = on or timezone.localdate()
    result: dict[int, list[Gate]] = {p.pk: [] for p in projects}
    if not projects:
        return result
    if gates.get("security"):
        statuses: dict[int, str] = {}
        for hromada_id, status in (
            SecurityStatusPeriod.objects.as_of(day)
            .filter(hromada_id__in={p.hromada_id for p in projects})
            .order_by("hromada_id", "starts_on")
            .values_list("hromada_id", "status")
        ):
            statuses[hromada_id] = status  # the latest start wins
        for project in projects:
            status = statuses.get(project.hromada_id, SecurityStatus.NONE.value)
            label = SecurityStatus(status).label if status in SecurityStatus.values else status
            passed = status not in FAILING_STATUSES
            result[project.pk].append(
                Gate(
                    "security",
                    _("Security status"),
                    passed,
                    (
                        _("The hromada's status today is “%(status)s”.")
                        if passed
                        else _("The hromada's status today is “%(status)s”: not eligible.")
                    )
                    % {"status": label},
                )
            )
    minimum = gates.get("min_cofinancing")
    if minimum not in (None, ""):
        threshold = Decimal(str(minimum))
        rates = money.RateTable(day)
        for project in projects:
            share = money.totals(project, on=day, rates=rates).local_share_pct
            if share is None:
                result[project.pk].append(
                    Gate(
                        "min_cofinancing",
                        _("Local co-financing"),
                        False,
                        _("The local co-financing share cannot be computed (no cost or a missing exchange rate)."),
                    )
                )
            else:
                passed = share >= threshold
                result[project.pk].append(
                    Gate(
                        "min_cofinancing",
                        _("Local co-financing"),
                        passed,
                        _("Local co-financing is %(share)s%% of the cost; at least %(minimum)s%% is needed.")
                        % {"share": share, "minimum": threshold},
                    )
                )
    if gates.get("design_for_construction"):
        with_design = set(
            ProjectDocument.objects.filter(
                project__in=[p.pk for p in projects], document_type=DESIGN_DOCUMENT
            ).values_list("project_id", flat=True)
        )
        for project in projects:
            if project.project_type not in CONSTRUCTION_TYPES:
                gate = Gate(
                    "design_for_construction",
                    _("Design documents"),
                    True,
                    _("Not a construction or rehabilitation project: no design documents needed."),
                )
            elif project.pk in with_design:
                gate = Gate("design_for_construction", _("Design documents"), True, _("Design documents are attached."))
            else:
                gate = Gate(
                    "design_for_construction",
                    _("Design documents"),
                    False,
                    _("A construction or rehabilitation project needs design documents; none is attached."),
                )
            result[project.pk].append(gate)
    if gates.get("dream_duplicates"):
        dream_ids = {p.dream_id.strip() for p in projects if p.dream_id.strip()}
        by_dream: dict[str, list[str]] = defaultdict(list)
        for pk, code, dream_id in Project.objects.filter(dream_id__in=dream_ids).values_list("pk", "code", "dream_id"):
            by_dream[dream_id.strip()].append(f"{pk}:{code}")
        by_title: dict[tuple[int, str], list[str]] = defaultdict(list)
        for pk, code, hromada_id, title in Project.objects.filter(
            hromada_id__in={p.hromada_id for p in projects}
        ).values_list("pk", "code", "hromada_id", "title_uk"):
            by_title[(hromada_id, normalise_title(title))].append(f"{pk}:{code}")
        for project in projects:
            own = f"{project.pk}:{project.code}"
            others = set(by_dream.get(project.dream_id.strip(), []) if project.dream_id.strip() else [])
            others |= set(by_title.get((project.hromada_id, normalise_title(project.title_uk)), []))
            others.discard(own)
            codes = sorted(item.split(":", 1)[1] for item in others)
            result[project.pk].append(
                Gate(
                    "dream_duplicates",
                    _("No duplicate"),
                    not codes,
                    _("Duplicates %(list)s (same DREAM identifier or same title in the hromada).")
                    % {"list": ", ".join(codes)}
                    if codes
                    else _("No other project has its DREAM identifier or its title in the hromada."),
                )
            )
    return result


# --- ranking -------------------------------------------------------------------------------------


@dataclass
class CriterionResult:
    criterion: PriorityCriterion
    weight: Decimal
    mean: Decimal | None  # 0–100, None when nobody scored
    scorers: int
    contribution: Decimal  # weight share × mean


@dataclass
class Row:
    project: Project
    gates: list[Gate]
    passes: bool
    criteria: list[CriterionResult]
    total: Decimal
    scorers: int
    conflicted: int
    rank: int | None = None
    gap: Decimal | None = None  # points behind the project ranked above (rank 1: ahead of rank 2)
    base_rank: int | None = None  # what-if: the rank under the round's weights
    explanation: list[str] = field(default_factory=list)

    @property
    def rank_change(self) -> int | None:
        if self.rank is None or self.base_rank is None:
            return None
        return self.base_rank - self.rank  # positive: moved up

    @property
    def places_moved(self) -> int:
        return abs(self.rank_change or 0)


@dataclass
class Ranking:
    round: PrioritisationRound
    criteria: list[PriorityCriterion]
    weights: dict[str, Decimal]
    rows: list[Row]
    is_what_if: bool = False

    @property
    def ranked(self) -> list[Row]:
        return [row for row in self.rows if row.rank is not None]


def parse_weights(criteria: Iterable[PriorityCriterion], data: Mapping[str, Any]) -> dict[str, Decimal]:
    """Weights for a what-if from ``w_<code>`` (pages) or ``<code>`` (API) entries; criteria left
    out keep their weight. Each weight is ≥ 0 and at least one is above 0."""
    weights: dict[str, Decimal] = {}
    errors: dict[str, str] = {}
    for criterion in criteria:
        raw = data.get(f"w_{criterion.code}", data.get(criterion.code))
        if raw is None or str(raw).strip() == "":
            weights[criterion.code] = criterion.weight
            continue
        try:
            value = Decimal(str(raw).strip().replace(",", "."))
        except (InvalidOperation, ValueError):
            value = Decimal(-1)
        if not value.is_finite() or value < 0 or value >= Decimal(10_000):
            errors[f"w_{criterion.code}"] = _("%(criterion)s: the weight is a number from 0 up to 10,000.") % {
                "criterion": criterion.name
            }
            continue
        weights[criterion.code] = value
    if not errors and weights and sum(weights.values()) <= 0:
        errors["weights"] = _("At least one weight must be above 0.")
    if errors:
        raise ValidationError(errors)
    return weights


def ranking(
    round_: PrioritisationRound, weights: Mapping[str, Decimal] | None = None, *, on: datetime.date | None = None
) -> Ranking:
    """The aggregate ranking under the round's weights, or under ``weights`` (a what-if: each row then
    also carries its rank under the round's weights)."""
    criteria = list(round_.criteria.all())
    base_weights = {c.code: c.weight for c in criteria}
    used = dict(base_weights) if weights is None else {c.code: Decimal(weights.get(c.code, c.weight)) for c in criteria}
    projects = list(round_.projects.select_related("hromada").prefetch_related("financing_lines").order_by("code"))
    gates = project_gates(round_, projects, on=on)
    conflicts: dict[int, set[int]] = defaultdict(set)  # project id -> scorer ids
    for scorer_id, project_id in Scorer.conflicts.through.objects.filter(scorer__round=round_).values_list(
        "scorer_id", "project_id"
    ):
        conflicts[project_id].add(scorer_id)
    values: dict[tuple[int, int], list[Decimal]] = defaultdict(list)  # (project, criterion) -> values
    scorers_by_project: dict[int, set[int]] = defaultdict(set)
    for scorer_id, project_id, criterion_id, value in PriorityScore.objects.filter(
        scorer__round=round_, criterion__round=round_
    ).values_list("scorer_id", "project_id", "criterion_id", "value"):
        if scorer_id in conflicts[project_id]:
            continue
        values[(project_id, criterion_id)].append(value)
        scorers_by_project[project_id].add(scorer_id)
    weight_sum = sum(used.values(), Decimal(0))
    rows: list[Row] = []
    for project in projects:
        results: list[CriterionResult] = []
        total = Decimal(0)
        for criterion in criteria:
            scored = values.get((project.pk, criterion.pk), [])
            mean = _round2(sum(scored, Decimal(0)) / len(scored) / criterion.scale_max * HUNDRED) if scored else None
            weight = used[criterion.code]
            contribution = _round2((mean or Decimal(0)) * weight / weight_sum) if weight_sum else Decimal(0)
            total += contribution
            results.append(CriterionResult(criterion, weight, mean, len(scored), contribution))
        project_gates_ = gates.get(project.pk, [])
        rows.append(
            Row(
                project=project,
                gates=project_gates_,
                passes=all(g.passed for g in project_gates_),
                criteria=results,
                total=_round2(total),
                scorers=len(scorers_by_project[project.pk]),
                conflicted=len(conflicts[project.pk]),
            )
        )
    _rank(rows)
    result = Ranking(round=round_, criteria=criteria, weights=used, rows=rows, is_what_if=weights is not None)
    if weights is not None:
        base = ranking(round_, on=on)
        base_ranks = {row.project.pk: row.rank for row in base.rows}
        for row in rows:
            row.base_rank = base_ranks.get(row.project.pk)
    for row in rows:
        row.explanation = explain(row, result)
    return result


def _rank(rows: list[Row]) -> None:
    def key(row: Row) -> tuple[Any, ...]:
        return (not row.passes, -row.total, -row.project.readiness, row.project.code)

    rows.sort(key=key)
    ranked = [row for row in rows if row.passes]
    for position, row in enumerate(ranked, start=1):
        row.rank = position
        if position > 1:
            row.gap = ranked[position - 2].total - row.total
        elif len(ranked) > 1:
            row.gap = row.total - ranked[1].total


def explain(row: Row, result: Ranking) -> list[str]:
    """The row's result in sentences: gates, each criterion's mean × weight, scorers, rank and gap."""
    lines: list[str] = []
    failed = [g for g in row.gates if not g.passed]
    if not row.gates:
        lines.append(_("The round applies no gates."))
    elif failed:
        lines.append(
            _("Fails the gates: %(list)s. It is not ranked.")
            % {"list": "; ".join(f"{g.label} — {g.detail}" for g in failed)}
        )
    else:
        lines.append(_("Passes every gate: %(list)s.") % {"list": ", ".join(str(g.label) for g in row.gates)})
    weight_sum = sum(result.weights.values(), Decimal(0))
    for item in row.criteria:
        share = _round2(item.weight / weight_sum * HUNDRED) if weight_sum else Decimal(0)
        if item.mean is None:
            lines.append(
                _("%(criterion)s: not scored yet, counts as 0 (weight %(weight)s, %(share)s%% of the total).")
                % {"criterion": item.criterion.name, "weight": _round2(item.weight), "share": share}
            )
        else:
            lines.append(
                _(
                    "%(criterion)s: mean %(mean)s of 100 from %(count)s scorers × weight %(weight)s "
                    "(%(share)s%% of the total) = %(contribution)s points."
                )
                % {
                    "criterion": item.criterion.name,
                    "mean": item.mean,
                    "count": item.scorers,
                    "weight": _round2(item.weight),
                    "share": share,
                    "contribution": item.contribution,
                }
            )
    lines.append(
        _("Total %(total)s of 100, from %(count)s scorers.") % {"total": row.total, "count": row.scorers}
        + (
            " " + _("%(count)s scorers declared a conflict of interest and were left out.") % {"count": row.conflicted}
            if row.conflicted
            else ""
        )
    )
    if row.rank is not None:
        ranked = result.ranked
        if row.rank == 1 and len(ranked) > 1:
            lines.append(
                _("Rank 1 of %(count)s, %(gap)s points ahead of rank 2.") % {"count": len(ranked), "gap": row.gap}
            )
        elif row.rank == 1:
            lines.append(_("Rank 1, the only project that passes the gates."))
        else:
            lines.append(
                _("Rank %(rank)s of %(count)s, %(gap)s points behind rank %(previous)s.")
                % {"rank": row.rank, "count": len(ranked), "gap": row.gap, "previous": row.rank - 1}
            )
        if row.gap == 0 and len(ranked) > 1:
            lines.append(_("Ties are broken by higher readiness, then by project code."))
    if result.is_what_if and row.rank is not None and row.base_rank is not None:
        change = row.rank_change or 0
        if change > 0:
            lines.append(
                _("With these weights it moves up %(count)s places (from rank %(base)s).")
                % {"count": change, "base": row.base_rank}
            )
        elif change < 0:
            lines.append(
                _("With these weights it moves down %(count)s places (from rank %(base)s).")
                % {"count": -change, "base": row.base_rank}
            )
        else:
            lines.append(_("With these weights its rank does not change."))
    return lines


def export_rows(result: Ranking) -> tuple[list[str], list[list[Any]]]:
    """The ranking as a table (CSV): one row per project."""
    header = [
        _("Rank"),
        _("Project code"),
        _("Title"),
        _("Hromada"),
        _("Passes the gates"),
        _("Gates failed"),
        _("Readiness"),
        *[
            _("%(criterion)s (mean 0–100, weight %(weight)s)")
            % {"criterion": c.name, "weight": _round2(result.weights[c.code])}
            for c in result.criteria
        ],
        _("Total (0–100)"),
        _("Scorers"),
        _("Explanation"),
    ]
    rows: list[list[Any]] = []
    for row in result.rows:
        rows.append(
            [
                row.rank if row.rank is not None else "",
                row.project.code,
                row.project.title_uk,
                str(row.project.hromada),
                _("yes") if row.passes else _("no"),
                "; ".join(f"{g.label}: {g.detail}" for g in row.gates if not g.passed),
                row.project.readiness,
                *[item.mean if item.mean is not None else "" for item in row.criteria],
                row.total,
                row.scorers,
                " ".join(row.explanation),
            ]
        )
    return header, rows
