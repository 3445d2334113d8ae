"""Reads of the project portfolio: the filtered list of projects (per hromada, per programme or all),
sorted in the database, and the totals of cost, committed funding and gap over every filtered project,
per currency and converted with the dated exchange rates.

Committed funding is the sum of financing lines with status committed or disbursed; the funding gap is
the cost less that, never below zero (projects/money.py computes the same for one project). In the
database, lines count when they are in the project's currency; lines in another currency are converted
in Python with the rates of ``on`` when the totals are computed.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone

from vidnova.projects import money
from vidnova.projects.codelists import LOCAL_BUDGET, SECURED_STATUSES
from vidnova.projects.models import ExchangeRate, FinancingLine, Project
from vidnova.registry.models import SecurityStatus, SecurityStatusPeriod

COMMITTED_STATUSES = tuple(sorted(SECURED_STATUSES))  # committed and disbursed
CONVERSION_CURRENCIES = ("UAH", "EUR")
ZERO = Decimal("0")
MONEY = DecimalField(max_digits=18, decimal_places=2)

# Sort keys of the table: the public name in the URL and the database ordering.
SORTS: dict[str, tuple[str, ...]] = {
    "title": ("title_sort", "code"),
    "hromada": ("hromada__name_sort", "code"),
    "sector": ("sectors", "code"),
    "state": ("state", "code"),
    "readiness": ("readiness", "code"),
    "cost": ("cost", "code"),
    "committed": ("committed_amount", "code"),
    "gap": ("gap_amount", "code"),
    "local_share": ("local_amount", "code"),
}


@dataclass(frozen=True)
class PortfolioFilter:
    hromada: str = ""  # KATOTTG code
    programme: str = ""  # programme slug
    sector: str = ""  # OC4IDS sector code
    state: str = ""
    readiness: int | None = None
    security_status: str = ""  # the hromada's status today ("none": no hostilities or nothing recorded)
    gap: str = ""  # "yes" | "no"
    plan: int | None = None
    sort: str = "hromada"  # one of SORTS, "-" in front for descending
    as_of: datetime.date | None = None


def _sum_of_lines(condition: Q) -> Coalesce:
    lines = (
        FinancingLine.objects.filter(condition, project=OuterRef("pk"), currency=OuterRef("currency"))
        .order_by()
        .values("project")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(Subquery(lines, output_field=MONEY), Value(ZERO), output_field=MONEY)


def _status_today(day: datetime.date) -> Subquery:
    return Subquery(
        SecurityStatusPeriod.objects.as_of(day)
        .filter(hromada=OuterRef("hromada_id"))
        .order_by("-starts_on")
        .values("status")[:1]
    )


def portfolio(filters: PortfolioFilter) -> QuerySet[Project]:
    """Projects matching ``filters``, annotated with ``committed_amount``, ``gap_amount`` and
    ``local_amount`` (in the project's currency) and ``security_status`` (of the hromada today), sorted."""
    day = filters.as_of or timezone.localdate()
    queryset = (
        Project.objects.select_related("hromada", "hromada__oblast", "programme", "plan")
        .annotate(
            committed_amount=_sum_of_lines(Q(status__in=COMMITTED_STATUSES)),
            local_amount=_sum_of_lines(Q(finance_category=LOCAL_BUDGET)),
            security_status=_status_today(day),
            title_sort=Lower("title_uk"),
        )
        .annotate(
            gap_amount=Case(
                When(cost__isnull=True, then=Value(None)),
                When(cost__gt=F("committed_amount"), then=F("cost") - F("committed_amount")),
                default=Value(ZERO),
                output_field=MONEY,
            )
        )
    )
    if filters.hromada:
        queryset = queryset.filter(hromada__katottg=filters.hromada)
    if filters.programme:
        queryset = queryset.filter(programme__slug=filters.programme)
    if filters.sector:
        # The sectors are a JSON list of codes; the quoted code matches one element exactly.
        queryset = queryset.filter(sectors__icontains=f'"{filters.sector}"')
    if filters.state:
        queryset = queryset.filter(state=filters.state)
    if filters.readiness is not None:
        queryset = queryset.filter(readiness=filters.readiness)
    if filters.security_status == SecurityStatus.NONE:
        queryset = queryset.filter(Q(security_status__isnull=True) | Q(security_status=SecurityStatus.NONE))
    elif filters.security_status:
        queryset = queryset.filter(security_status=filters.security_status)
    if filters.gap == "yes":
        queryset = queryset.filter(gap_amount__gt=0)
    elif filters.gap == "no":
        queryset = queryset.filter(Q(gap_amount=0) | Q(cost__isnull=True))
    if filters.plan is not None:
        queryset = queryset.filter(plan_id=filters.plan)
    key = filters.sort.removeprefix("-")
    order = SORTS.get(key, SORTS["hromada"])
    if filters.sort.startswith("-") and key in SORTS:
        first = F(order[0]).desc(nulls_last=True)
    else:
        first = F(order[0]).asc(nulls_last=True)
    return queryset.order_by(first, *order[1:])


# --- totals --------------------------------------------------------------------------------------


@dataclass
class CurrencyTotal:
    currency: str
    cost: Decimal = ZERO
    committed: Decimal = ZERO
    gap: Decimal = ZERO
    projects: int = 0


@dataclass
class Converted:
    """The totals in one currency (UAH or EUR); ``missing`` names currencies without a rate."""

    currency: str
    cost: Decimal | None
    committed: Decimal | None
    gap: Decimal | None
    missing: list[str] = field(default_factory=list)


@dataclass
class RateUsed:
    currency: str
    valid_on: datetime.date | None
    uah_per_unit: Decimal | None


@dataclass
class Totals:
    count: int
    without_cost: int
    per_currency: list[CurrencyTotal]
    converted: list[Converted]
    rates: list[RateUsed]
    on: datetime.date


def rate_on(currency: str, day: datetime.date) -> ExchangeRate | None:
    """The rate a conversion on ``day`` uses: the latest on or before it."""
    return ExchangeRate.objects.filter(currency=currency, valid_on__lte=day).order_by("-valid_on").first()


def _has_foreign_committed() -> Exists:
    """Whether the project has a committed line in a currency other than its own."""
    return Exists(
        FinancingLine.objects.filter(project=OuterRef("pk"), status__in=COMMITTED_STATUSES).exclude(
            currency=OuterRef("currency")
        )
    )


def totals(queryset: QuerySet[Project], *, on: datetime.date | None = None) -> Totals:
    """Totals over every project of ``queryset`` (not only the page shown), summed per currency in the
    database: one query for the counts and costs, one for the committed amounts and gaps (the committed
    lines joined and summed per project once, then the gaps summed per currency), and one for the few
    projects with committed lines in another currency, converted in Python with the rates of ``on``."""
    day = on or timezone.localdate()
    table = money.RateTable(day)

    def _convert(amount: Decimal, currency: str, to_currency: str, day: datetime.date) -> Decimal | None:
        return money.convert(amount, currency, to_currency, day, rates=table)

    ids = queryset.order_by().values("pk")
    per: dict[str, CurrencyTotal] = {}
    count = without_cost = 0
    for currency, projects, priced, cost in (
        Project.objects.filter(pk__in=ids)
        .order_by()
        .values("currency")
        .annotate(projects=Count("pk"), priced=Count("cost"), total_cost=Sum("cost", output_field=MONEY))
        .values_list("currency", "projects", "priced", "total_cost")
    ):
        count += projects
        without_cost += projects - priced
        if priced:
            per[currency] = CurrencyTotal(currency, cost=cost or ZERO, projects=priced)
    if per:
        # Per project: committed lines in its own currency (one join, grouped once); the gap is the cost
        # less that, never below zero, except for projects with lines in other currencies (below).
        own = Q(financing_lines__status__in=COMMITTED_STATUSES, financing_lines__currency=F("currency"))
        per_project = (
            Project.objects.filter(pk__in=ids, cost__isnull=False)
            .order_by()
            .alias(foreign=_has_foreign_committed())
            .annotate(
                own_committed=Coalesce(Sum("financing_lines__amount", filter=own), Value(ZERO), output_field=MONEY)
            )
            .annotate(
                own_gap=Case(
                    When(foreign=True, then=Value(ZERO)),
                    When(cost__gt=F("own_committed"), then=F("cost") - F("own_committed")),
                    default=Value(ZERO),
                    output_field=MONEY,
                ),
            )
        )
        sums: dict[str, Any] = {}
        for index, currency in enumerate(per):
            sums[f"committed_{index}"] = Sum("own_committed", filter=Q(currency=currency), output_field=MONEY)
            sums[f"gap_{index}"] = Sum("own_gap", filter=Q(currency=currency), output_field=MONEY)
        summed = per_project.aggregate(**sums)
        for index, total in enumerate(per.values()):
            total.committed = summed[f"committed_{index}"] or ZERO
            total.gap = summed[f"gap_{index}"] or ZERO
        # Projects with committed lines in another currency: converted into the project's currency.
        mixed: dict[int, tuple[str, Decimal, Decimal]] = {
            pk: (currency, cost or ZERO, committed or ZERO)
            for pk, currency, cost, committed in Project.objects.filter(pk__in=ids, cost__isnull=False)
            .order_by()
            .filter(_has_foreign_committed())
            .annotate(
                own_committed=Sum(
                    "financing_lines__amount",
                    filter=Q(financing_lines__status__in=COMMITTED_STATUSES, financing_lines__currency=F("currency")),
                )
            )
            .values_list("pk", "currency", "cost", "own_committed")
        }
        foreign: dict[int, Decimal] = defaultdict(lambda: ZERO)
        foreign_lines = (
            FinancingLine.objects.filter(project__in=ids, project__cost__isnull=False, status__in=COMMITTED_STATUSES)
            .exclude(currency=F("project__currency"))
            .order_by()
            .values_list("project_id", "amount", "currency", "project__currency")
        )
        for project_id, amount, currency, project_currency in foreign_lines:
            converted = _convert(amount, currency, project_currency, day)
            if converted is not None:
                foreign[project_id] += converted
                per[project_currency].committed += converted
        for pk, (currency, cost, own_committed) in mixed.items():
            per[currency].gap += max(cost - (own_committed + foreign.get(pk, ZERO)), ZERO)
    ordered = [per[c] for c in ("UAH", "EUR", "USD") if c in per] + [
        t for c, t in sorted(per.items()) if c not in ("UAH", "EUR", "USD")
    ]
    converted_totals: list[Converted] = []
    for target in CONVERSION_CURRENCIES:
        result = Converted(target, ZERO, ZERO, ZERO)
        for total in ordered:
            values = [
                _convert(getattr(total, name), total.currency, target, day) for name in ("cost", "committed", "gap")
            ]
            if any(value is None for value in values):
                result.missing.append(total.currency)
                continue
            result.cost = (result.cost or ZERO) + (values[0] or ZERO)
            result.committed = (result.committed or ZERO) + (values[1] or ZERO)
            result.gap = (result.gap or ZERO) + (values[2] or ZERO)
        if result.missing:
            result.cost = result.committed = result.gap = None
        converted_totals.append(result)
    needed = {t.currency for t in ordered if t.currency != "UAH"} | {"EUR"}
    rates = []
    for currency in sorted(needed):
        rate = rate_on(currency, day)
        rates.append(RateUsed(currency, rate.valid_on if rate else None, rate.uah_per_unit if rate else None))
    return Totals(count, without_cost, ordered, converted_totals, rates, day)
