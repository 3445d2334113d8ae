"""Exact conversion by dated rates and the computed totals of a project."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from vidnova.projects import money
from vidnova.projects.models import ExchangeRate, Project
from vidnova.projects.services.projects import project_create

D = Decimal
DAY = datetime.date(2025, 3, 31)


@pytest.fixture
def rates(db: None) -> None:
    ExchangeRate.objects.create(currency="EUR", valid_on=datetime.date(2025, 3, 1), uah_per_unit=D("44.000000"))
    ExchangeRate.objects.create(currency="EUR", valid_on=datetime.date(2025, 3, 20), uah_per_unit=D("45.000000"))
    ExchangeRate.objects.create(currency="EUR", valid_on=datetime.date(2025, 4, 10), uah_per_unit=D("99.000000"))
    ExchangeRate.objects.create(currency="USD", valid_on=datetime.date(2025, 3, 20), uah_per_unit=D("41.500000"))


def test_convert_uses_the_latest_rate_on_or_before_the_date(rates: None) -> None:
    assert money.convert(D("100"), "EUR", "UAH", DAY) == D("4500.00")
    assert money.convert(D("100"), "EUR", "UAH", datetime.date(2025, 3, 19)) == D("4400.00")
    assert money.convert(D("100"), "EUR", "UAH", datetime.date(2025, 3, 20)) == D("4500.00")
    assert money.convert(D("4500"), "UAH", "EUR", DAY) == D("100.00")
    # EUR → USD goes through the hryvnia: 100 × 45 / 41.5 = 108.4337… → 108.43
    assert money.convert(D("100"), "EUR", "USD", DAY) == D("108.43")
    assert money.convert(D("0.01"), "USD", "USD", DAY) == D("0.01")


def test_convert_without_a_rate_is_none(rates: None) -> None:
    assert money.convert(D("100"), "EUR", "UAH", datetime.date(2025, 2, 28)) is None
    assert money.convert(D("100"), "UAH", "USD", datetime.date(2025, 3, 1)) is None


def test_convert_is_exact_decimal(rates: None) -> None:
    result = money.convert(D("0.10"), "EUR", "UAH", DAY)
    assert isinstance(result, Decimal)
    assert result == D("4.50")
    table = money.RateTable(DAY)
    assert money.convert(D("1234567890123.45"), "EUR", "UAH", DAY, rates=table) == D("55555555055555.25")


def _project(world: Any, **data: Any) -> Project:
    return project_create(acting_user=None, hromada=world.hromada, data={"title_uk": "Школа", **data})


def test_totals_in_the_project_currency(world: Any, rates: None) -> None:
    project = _project(
        world,
        cost="1000000",
        currency="UAH",
        financing_lines=[
            {
                "finance_type": "stateFunds",
                "finance_category": "localBudget",
                "amount": "100000",
                "currency": "UAH",
                "status": "committed",
            },
            {
                "finance_type": "internationalPartners",
                "finance_category": "internationalOrganization",
                "amount": "10000",
                "currency": "EUR",
                "status": "disbursed",
            },
            {
                "finance_type": "internationalPartners",
                "finance_category": "internationalOrganization",
                "amount": "5000",
                "currency": "USD",
                "status": "pledged",
            },
            {
                "finance_type": "stateFunds",
                "finance_category": "localBudget",
                "amount": "20000.50",
                "currency": "UAH",
                "status": "requested",
            },
        ],
    )
    totals = money.totals(project, on=DAY)
    assert totals.currency == "UAH"
    assert totals.cost == D("1000000.00")
    # committed + disbursed: 100 000 + 10 000 × 45
    assert totals.committed == D("550000.00")
    assert totals.financing_total == D("100000") + D("450000") + D("207500") + D("20000.50")
    assert totals.gap == D("450000.00")
    # local budget (any status) 120 000.50 of 1 000 000
    assert totals.local_share_pct == D("12.00")
    assert totals.by_status["pledged"] == D("207500.00")
    assert totals.by_status["identified"] == D("0")
    assert totals.missing_rates == []
    assert totals.complete
    assert not totals.financing_above_cost


def test_gap_is_never_negative_and_over_financing_is_flagged(world: Any, rates: None) -> None:
    project = _project(
        world,
        cost="100",
        currency="EUR",
        financing_lines=[
            {
                "finance_type": "stateFunds",
                "finance_category": "localBudget",
                "amount": "9000",
                "currency": "UAH",
                "status": "committed",
            },
        ],
    )
    totals = money.totals(project, on=DAY)
    assert totals.committed == D("200.00")
    assert totals.gap == D("0")
    assert totals.financing_above_cost
    assert totals.local_share_pct == D("200.00")


def test_missing_rates_are_reported_never_guessed(world: Any, rates: None) -> None:
    project = _project(
        world,
        cost="1000",
        currency="USD",
        financing_lines=[
            {
                "finance_type": "stateFunds",
                "finance_category": "localBudget",
                "amount": "100",
                "currency": "USD",
                "status": "committed",
            },
            {
                "finance_type": "internationalPartners",
                "finance_category": "abroadState",
                "amount": "100",
                "currency": "EUR",
                "status": "pledged",
            },
        ],
    )
    early = money.totals(project, on=datetime.date(2025, 3, 10))  # no USD rate yet; EUR 44
    assert early.missing_rates == ["USD"]
    assert early.financing_total is None
    assert early.by_status["pledged"] is None
    # The committed USD line needs no conversion, so the gap and the share are still known.
    assert early.committed == D("100")
    assert early.gap == D("900.00")
    assert early.local_share_pct == D("10.00")


def test_totals_without_cost_or_financing(world: Any) -> None:
    project = _project(world)
    totals = money.totals(project)
    assert totals.cost is None
    assert totals.gap is None
    assert totals.local_share_pct is None
    assert totals.financing_total == D("0")
    assert totals.committed == D("0")
    assert totals.on is not None
