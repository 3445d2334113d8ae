"""Data-quality warnings on project fiches: the faults seen in DREAM's data.

- a duration over 240 months;
- a cost per direct beneficiary far outside its sector's range: more than 10 times or less than a
  tenth of the median of the sector in the portfolio, when the sector has at least 5 such projects
  (costs compared in hryvnias with the dated rates; a project without a rate is not compared);
- no location;
- the same title twice within a hromada (ignoring case and spaces);
- financing above the cost.

Warnings are advice to the hromada and the programme team; they never block a save.
"""

from __future__ import annotations

import datetime
import re
import statistics
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from vidnova.projects import money
from vidnova.projects.models import FinancingLine, Project, ProjectLocation

MAX_MONTHS = 240
OUTLIER_FACTOR = Decimal(10)
MIN_SECTOR_PROJECTS = 5


@dataclass(frozen=True)
class QualityWarning:
    project_id: int
    code: str  # duration | cost_per_beneficiary | no_location | duplicate_title | financing_above_cost
    message: str


def _months(start: datetime.date, end: datetime.date) -> int:
    return (end.year - start.year) * 12 + (end.month - start.month)


def normalised_title(title: str) -> str:
    return re.sub(r"\s+", " ", title).strip().casefold()


def check(queryset: QuerySet[Project], *, scope: QuerySet[Project] | None = None) -> list[QualityWarning]:
    """Warnings for every project of ``queryset``. Duplicates and sector medians are looked up in
    ``scope`` (default: ``queryset`` itself), so the fiche of one project is compared with its portfolio."""
    day = timezone.localdate()
    table = money.RateTable(day)
    rows = list(
        queryset.order_by().values_list(
            "pk",
            "starts_on",
            "ends_on",
            "cost",
            "currency",
            "beneficiaries_direct",
            "sectors",
            "hromada_id",
            "title_uk",
        )
    )
    ids = {row[0] for row in rows}
    warnings: list[QualityWarning] = []

    # No location.
    with_locations = set(
        ProjectLocation.objects.filter(project__in=queryset.order_by().values("pk"))
        .order_by()
        .values_list("project_id", flat=True)
        .distinct()
    )
    # Financing above cost: the financing lines converted into the project's currency.
    financing: dict[int, Decimal] = defaultdict(Decimal)
    unconvertible: set[int] = set()
    currency_of = {pk: currency for pk, _s, _e, _c, currency, *_rest in rows}
    for project_id, currency, total in (
        FinancingLine.objects.filter(project__in=queryset.order_by().values("pk"))
        .order_by()
        .values_list("project_id", "currency")
        .annotate(total=Sum("amount"))
    ):
        target = currency_of.get(project_id)
        if target is None:
            continue
        if currency == target:
            financing[project_id] += total
            continue
        converted = money.convert(total, currency, target, day, rates=table)
        if converted is None:
            unconvertible.add(project_id)
        else:
            financing[project_id] += converted

    # The portfolio compared with: the rows already read when the scope is the queryset itself, so
    # each title is normalised once and the sectors decoded once.
    title_key: dict[int, tuple[int, str]] = {}
    scope_rows: list[tuple[int, int, str, Decimal | None, str, int | None, list[str] | None]]
    if scope is None:
        scope_rows = [
            (pk, hromada_id, title, cost, currency, beneficiaries, sectors)
            for pk, _s, _e, cost, currency, beneficiaries, sectors, hromada_id, title in rows
        ]
    else:
        scope_rows = list(
            scope.order_by().values_list(
                "pk", "hromada_id", "title_uk", "cost", "currency", "beneficiaries_direct", "sectors"
            )
        )

    # Duplicate titles within a hromada.
    titles: dict[tuple[int, str], int] = defaultdict(int)
    # Sector medians of the cost per direct beneficiary, in hryvnias.
    per_sector: dict[str, list[Decimal]] = defaultdict(list)
    unit_cost: dict[int, Decimal] = {}
    for pk, hromada_id, title, cost, currency, beneficiaries, sectors in scope_rows:
        key = (hromada_id, normalised_title(title))
        title_key[pk] = key
        titles[key] += 1
        if cost is None or not beneficiaries:
            continue
        in_uah = money.convert(cost, currency, "UAH", day, rates=table)
        if in_uah is None:
            continue
        unit_cost[pk] = in_uah / beneficiaries
        for sector in sectors or []:
            per_sector[str(sector)].append(unit_cost[pk])
    medians = {
        sector: Decimal(statistics.median(values))
        for sector, values in per_sector.items()
        if len(values) >= MIN_SECTOR_PROJECTS
    }

    for pk, starts_on, ends_on, cost, currency, _beneficiaries, sectors, hromada_id, title in rows:
        if starts_on and ends_on and _months(starts_on, ends_on) > MAX_MONTHS:
            warnings.append(
                QualityWarning(
                    pk,
                    "duration",
                    _("The project lasts %(months)s months, more than %(max)s.")
                    % {"months": _months(starts_on, ends_on), "max": MAX_MONTHS},
                )
            )
        if pk in unit_cost:
            for sector in sectors or []:
                median = medians.get(str(sector))
                if not median:
                    continue
                ratio = unit_cost[pk] / median
                if ratio > OUTLIER_FACTOR or ratio < 1 / OUTLIER_FACTOR:
                    warnings.append(
                        QualityWarning(
                            pk,
                            "cost_per_beneficiary",
                            _(
                                "The cost per direct beneficiary (%(value)s UAH) is far from the median of the "
                                "sector %(sector)s in this portfolio (%(median)s UAH)."
                            )
                            % {
                                "value": f"{unit_cost[pk]:,.0f}".replace(",", " "),
                                "sector": sector,
                                "median": f"{median:,.0f}".replace(",", " "),
                            },
                        )
                    )
                    break
        if pk not in with_locations:
            warnings.append(QualityWarning(pk, "no_location", _("No location is recorded.")))
        key = title_key.get(pk) or (hromada_id, normalised_title(title))
        if titles.get(key, 0) > 1:
            warnings.append(
                QualityWarning(pk, "duplicate_title", _("Another project of the same hromada has the same title."))
            )
        if cost is not None and financing.get(pk, Decimal(0)) > cost:
            warnings.append(
                QualityWarning(
                    pk,
                    "financing_above_cost",
                    _("The financing (%(financing)s %(currency)s) is above the cost (%(cost)s %(currency)s).")
                    % {"financing": financing[pk], "cost": cost, "currency": currency},
                )
            )
    return [w for w in warnings if w.project_id in ids]


def scope_of(project: Project) -> QuerySet[Project]:
    """The portfolio a project is compared with: its programme, or else its hromada."""
    if project.programme_id is not None:
        return Project.objects.filter(programme_id=project.programme_id)
    return Project.objects.filter(hromada_id=project.hromada_id)


def check_project(project: Project) -> list[QualityWarning]:
    return check(Project.objects.filter(pk=project.pk), scope=scope_of(project))


def counts(warnings: list[QualityWarning]) -> dict[str, int]:
    result: dict[str, int] = defaultdict(int)
    for warning in warnings:
        result[warning.code] += 1
    return dict(result)
