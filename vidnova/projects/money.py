"""Money of project ideas: exact conversion between UAH, EUR and USD by dated rates, and the computed
totals of a project (cost, financing, committed funding, funding gap, local co-financing share).

Rates are ``ExchangeRate`` rows (hryvnias per unit of a currency on a date), entered or imported by
a coordinator; no live rate is ever fetched. A conversion on a date uses the latest rate on or before
that date; EUR to USD goes through the hryvnia. When no such rate exists the answer is ``None`` and
the currency is listed in ``Totals.missing_rates``: a total is never silently wrong.

All arithmetic is ``Decimal``; converted amounts are rounded to kopecks/cents (half up).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from vidnova.projects.codelists import LOCAL_BUDGET, SECURED_STATUSES
from vidnova.projects.models import Currency, ExchangeRate, FinancingStatus, Project

BASE = Currency.UAH.value
CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def to_cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


class RateTable:
    """The latest rate of each currency on or before ``on``, read once (one query per currency).

    Pass one table to many ``convert``/``totals`` calls (a portfolio page, an export) to avoid a
    query per project.
    """

    def __init__(self, on: datetime.date) -> None:
        self.on = on
        self._rates: dict[str, Decimal | None] = {BASE: Decimal(1)}

    def uah_per_unit(self, currency: str) -> Decimal | None:
        if currency not in self._rates:
            rate = (
                ExchangeRate.objects.filter(currency=currency, valid_on__lte=self.on)
                .order_by("-valid_on")
                .values_list("uah_per_unit", flat=True)
                .first()
            )
            self._rates[currency] = rate
        return self._rates[currency]


def convert(
    amount: Decimal, currency: str, to_currency: str, on: datetime.date, *, rates: RateTable | None = None
) -> Decimal | None:
    """``amount`` of ``currency`` in ``to_currency`` at the rates valid on ``on``, rounded to cents;
    None when a rate is missing."""
    amount = Decimal(amount)
    if currency == to_currency:
        return amount
    table = rates if rates is not None and rates.on == on else RateTable(on)
    source = table.uah_per_unit(currency)
    target = table.uah_per_unit(to_currency)
    if source is None or target is None:
        return None
    return to_cents(amount * source / target)


@dataclass(frozen=True)
class Totals:
    """A project's money in its own currency, converted on ``on`` (today by default).

    ``cost`` is the total cost typed in the fiche (None when not given yet). ``committed`` counts
    committed and disbursed financing. ``gap`` = cost − committed, never below zero (financing above
    cost is reported by the quality checks: see ``financing_above_cost``). ``local_share_pct`` is
    local-budget financing (any status) as a percentage of cost. Any figure that needs a missing
    rate is None, and the currency is in ``missing_rates``.
    """

    cost: Decimal | None
    currency: str
    financing_total: Decimal | None
    committed: Decimal | None
    gap: Decimal | None
    local_share_pct: Decimal | None
    by_status: dict[str, Decimal | None]
    missing_rates: list[str] = field(default_factory=list)
    on: datetime.date | None = None

    @property
    def financing_above_cost(self) -> bool:
        return self.cost is not None and self.financing_total is not None and self.financing_total > self.cost

    @property
    def complete(self) -> bool:
        return not self.missing_rates


def _sum(values: Iterable[Decimal | None]) -> Decimal | None:
    total = Decimal(0)
    for value in values:
        if value is None:
            return None
        total += value
    return total


def totals(project: Project, *, on: datetime.date | None = None, rates: RateTable | None = None) -> Totals:
    """The computed money figures of ``project`` (uses ``project.financing_lines.all()``, so prefetch
    them for lists)."""
    day = on or timezone.localdate()
    table = rates if rates is not None and rates.on == day else RateTable(day)
    currency = project.currency
    missing: set[str] = set()
    converted: list[tuple[str, str, Decimal | None]] = []  # (status, category, amount in project currency)
    for line in project.financing_lines.all():
        amount = convert(line.amount, line.currency, currency, day, rates=table)
        if amount is None:
            missing.update(code for code in (line.currency, currency) if table.uah_per_unit(code) is None)
        converted.append((line.status, line.finance_category, amount))
    by_status = {
        status: _sum(amount for line_status, _category, amount in converted if line_status == status)
        for status in FinancingStatus.values
    }
    financing_total = _sum(amount for _status, _category, amount in converted)
    committed = _sum(amount for status, _category, amount in converted if status in SECURED_STATUSES)
    local = _sum(amount for _status, category, amount in converted if category == LOCAL_BUDGET)
    cost = project.cost
    gap = None if cost is None or committed is None else max(cost - committed, Decimal(0))
    share = None
    if cost is not None and cost > 0 and local is not None:
        share = to_cents(local / cost * HUNDRED)
    return Totals(
        cost=cost,
        currency=currency,
        financing_total=financing_total,
        committed=committed,
        gap=gap,
        local_share_pct=share,
        by_status=by_status,
        missing_rates=sorted(missing),
        on=day,
    )
