"""The portfolio page (projects:project-list) and its selectors: filters, sorting, pagination,
totals over every filtered project with dated conversions, and data-quality warnings."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import World
from vidnova.projects.models import ProjectState
from vidnova.projects.selectors import portfolio, quality
from vidnova.projects.tests.test_pages_support import make_project, rate
from vidnova.registry.models import SecurityStatus
from vidnova.testing import factories

URL = reverse("projects:project-list")
pytestmark = pytest.mark.django_db


@pytest.fixture
def clients(clients: dict[str, Client]) -> dict[str, Client]:
    """Pages follow the language cookie: these tests read the English (source) texts."""
    for client in clients.values():
        client.cookies["vidnova_language"] = "en"
    return clients


def _page(client: Client, **params: str) -> str:
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


def test_public_portfolio_lists_projects_per_hromada_and_programme(world: World, clients: dict[str, Client]) -> None:
    mine = make_project(world.hromada, title_uk="Школа в центрі", programme=world.programme)
    other = make_project(world.other_hromada, title_uk="Міст через річку")
    for name in ("anonymous", "outsider", "viewer"):
        html = _page(clients[name])
        assert mine.title_uk in html
        assert other.title_uk in html
    html = _page(clients["anonymous"], hromada=world.hromada.katottg)
    assert mine.title_uk in html
    assert other.title_uk not in html
    html = _page(clients["anonymous"], programme=world.programme.slug)
    assert mine.title_uk in html
    assert other.title_uk not in html
    assert clients["anonymous"].get(URL, {"hromada": "UA00000000000000000"}).status_code == 404
    assert clients["anonymous"].get(URL, {"programme": "no-such-programme"}).status_code == 404


def test_new_project_button_only_for_editors_of_the_hromada(world: World, clients: dict[str, Client]) -> None:
    create = reverse("projects:project-create")
    for name, shown in {
        "editor": True,
        "coordinator": True,
        "viewer": False,
        "expert": False,
        "anonymous": False,
    }.items():
        html = _page(clients[name], hromada=world.hromada.katottg)
        assert (create in html) is shown, name
    assert create not in _page(clients["editor"], hromada=world.other_hromada.katottg)


def test_filters(world: World, clients: dict[str, Client]) -> None:
    school = make_project(
        world.hromada,
        title_uk="Школа",
        sectors=["education"],
        state=ProjectState.CONCEPT,
        readiness=1,
        cost=Decimal("100"),
        financing=[("100", "UAH", "committed", "localBudget")],
    )
    road = make_project(
        world.other_hromada,
        title_uk="Дорога",
        sectors=["transport.road"],
        cost=Decimal("500"),
        financing=[("100", "UAH", "committed", "localBudget")],
    )
    factories.SecurityStatusPeriodFactory(
        hromada=world.other_hromada, status=SecurityStatus.ACTIVE_HOSTILITIES, starts_on=datetime.date(2024, 1, 1)
    )
    client = clients["anonymous"]

    def titles(**params: str) -> set[str]:
        html = _page(client, **params)
        return {title for title in (school.title_uk, road.title_uk) if f">{title}</a>" in html}

    assert titles(sector="education") == {"Школа"}
    assert titles(sector="transport") == set()  # a code matches exactly, not as a prefix
    assert titles(state="concept") == {"Школа"}
    assert titles(readiness="1") == {"Школа"}
    assert titles(security_status="active_hostilities") == {"Дорога"}
    assert titles(security_status="none") == {"Школа"}
    assert titles(gap="yes") == {"Дорога"}
    assert titles(gap="no") == {"Школа"}


def test_plan_filter(world: World, clients: dict[str, Client]) -> None:
    plan = factories.make_plan(hromada=world.hromada)
    in_plan = make_project(world.hromada, title_uk="У плані", plan=plan)
    make_project(world.hromada, title_uk="Поза планом")
    html = _page(clients["anonymous"], hromada=world.hromada.katottg, plan=str(plan.pk))
    assert in_plan.title_uk in html
    assert "Поза планом" not in html


def test_sorting_by_cost_and_gap(world: World) -> None:
    cheap = make_project(world.hromada, cost=Decimal("10"))
    dear = make_project(world.hromada, cost=Decimal("1000"), financing=[("990", "UAH", "disbursed", "localBudget")])
    none = make_project(world.hromada)
    order = list(portfolio.portfolio(portfolio.PortfolioFilter(sort="-cost")))
    assert order == [dear, cheap, none]  # no cost: last either way
    assert list(portfolio.portfolio(portfolio.PortfolioFilter(sort="cost")))[:2] == [cheap, dear]
    by_gap = list(portfolio.portfolio(portfolio.PortfolioFilter(sort="-gap")))
    assert by_gap[:2] == [cheap, dear]  # gaps 10 and 10: then by code
    assert by_gap[0].gap_amount == Decimal("10.00")  # type: ignore[attr-defined]


def test_sort_links_mark_the_column(world: World, clients: dict[str, Client]) -> None:
    make_project(world.hromada, cost=Decimal("10"))
    html = _page(clients["anonymous"], sort="-cost")
    assert 'aria-sort="descending"' in html
    assert "sort=cost" in html


def test_pagination_keeps_totals_over_all_projects(world: World, clients: dict[str, Client]) -> None:
    for _ in range(55):
        make_project(world.hromada, cost=Decimal("2.50"), location=False)
    response = clients["anonymous"].get(URL, {"hromada": world.hromada.katottg})
    assert len(response.context["rows"]) == 50
    totals = response.context["totals"]
    assert totals.count == 55
    assert totals.per_currency[0].cost == Decimal("137.50")
    second = clients["anonymous"].get(URL, {"hromada": world.hromada.katottg, "page": "2"})
    assert len(second.context["rows"]) == 5
    assert "137,50" in second.content.decode() or "137.50" in second.content.decode()


def test_totals_per_currency_and_converted_with_the_dated_rate(world: World) -> None:
    make_project(world.hromada, cost=Decimal("1000"), currency="UAH", financing=[("400", "UAH", "committed", "x")])
    make_project(world.hromada, cost=Decimal("100"), currency="EUR", financing=[("1000", "UAH", "pledged", "x")])
    make_project(
        world.hromada,
        cost=Decimal("100"),
        currency="EUR",
        financing=[("2000", "UAH", "committed", "x"), ("10", "EUR", "disbursed", "x")],
    )
    rate("EUR", "40.00", datetime.date(2025, 1, 1))
    rate("EUR", "50.00", datetime.date(2025, 6, 1))  # after the date asked: not used
    queryset = portfolio.portfolio(portfolio.PortfolioFilter())
    totals = portfolio.totals(queryset, on=datetime.date(2025, 3, 1))
    per = {total.currency: total for total in totals.per_currency}
    assert per["UAH"].cost == Decimal("1000")
    assert per["UAH"].committed == Decimal("400")
    assert per["UAH"].gap == Decimal("600")
    # EUR: 2000 UAH at 40 = 50 EUR and 10 EUR committed on the second; nothing on the first.
    assert per["EUR"].cost == Decimal("200")
    assert per["EUR"].committed == Decimal("60.00")
    assert per["EUR"].gap == Decimal("140.00")
    uah = next(c for c in totals.converted if c.currency == "UAH")
    assert uah.cost == Decimal("1000") + Decimal("8000.00")
    assert uah.gap == Decimal("600") + Decimal("5600.00")
    eur = next(c for c in totals.converted if c.currency == "EUR")
    assert eur.cost == Decimal("25.00") + Decimal("200")
    assert [(r.currency, r.valid_on) for r in totals.rates] == [("EUR", datetime.date(2025, 1, 1))]


def test_missing_rate_is_said_not_guessed(world: World, clients: dict[str, Client]) -> None:
    make_project(world.hromada, cost=Decimal("100"), currency="USD")
    totals = portfolio.totals(portfolio.portfolio(portfolio.PortfolioFilter()))
    assert all(c.cost is None and c.missing == ["USD"] for c in totals.converted)
    response = clients["anonymous"].get(URL)
    html = response.content.decode()
    assert "no exchange rate of USD" in html
    assert "USD: no rate recorded" in html


def test_rate_date_is_shown(world: World, clients: dict[str, Client]) -> None:
    make_project(world.hromada, cost=Decimal("100"), currency="EUR")
    rate("EUR", "45.5", datetime.date(2025, 1, 2))
    html = clients["anonymous"].get(URL).content.decode()
    assert "(rate of" in html
    assert "2025" in html
    assert "EUR = 45.5000 UAH" in html


def test_export_and_oc4ids_links_keep_the_filters(world: World, clients: dict[str, Client]) -> None:
    html = _page(clients["anonymous"], hromada=world.hromada.katottg, state="idea")
    assert f"format=xlsx&amp;hromada={world.hromada.katottg}&amp;state=idea" in html
    assert f"?hromada={world.hromada.katottg}" in html


# --- data quality --------------------------------------------------------------------------------


def test_quality_warnings(world: World) -> None:
    long = make_project(world.hromada, starts_on=datetime.date(2020, 1, 1), ends_on=datetime.date(2041, 2, 1))
    nowhere = make_project(world.hromada, location=False)
    twin_a = make_project(world.hromada, title_uk="Ремонт  Школи")
    twin_b = make_project(world.hromada, title_uk="ремонт школи ")
    elsewhere = make_project(world.other_hromada, title_uk="Ремонт школи")
    over = make_project(
        world.hromada, cost=Decimal("100"), financing=[("80", "UAH", "identified", "x"), ("30", "UAH", "pledged", "x")]
    )
    for _ in range(5):
        make_project(world.other_hromada, sectors=["health"], cost=Decimal("1000"), beneficiaries_direct=10)
    outlier = make_project(world.other_hromada, sectors=["health"], cost=Decimal("1000000"), beneficiaries_direct=10)
    cheap = make_project(world.other_hromada, sectors=["health"], cost=Decimal("10"), beneficiaries_direct=10)
    found = {(w.project_id, w.code) for w in quality.check(portfolio.portfolio(portfolio.PortfolioFilter()))}
    assert (long.pk, "duration") in found
    assert (nowhere.pk, "no_location") in found
    assert (twin_a.pk, "duplicate_title") in found
    assert (twin_b.pk, "duplicate_title") in found
    assert (elsewhere.pk, "duplicate_title") not in found  # another hromada
    assert (over.pk, "financing_above_cost") in found
    assert (outlier.pk, "cost_per_beneficiary") in found
    assert (cheap.pk, "cost_per_beneficiary") in found
    assert sum(1 for pk, code in found if code == "cost_per_beneficiary") == 2


def test_no_sector_median_below_five_projects(world: World) -> None:
    for _ in range(3):
        make_project(world.hromada, sectors=["health"], cost=Decimal("1000"), beneficiaries_direct=10)
    make_project(world.hromada, sectors=["health"], cost=Decimal("9000000"), beneficiaries_direct=10)
    assert not [
        w for w in quality.check(portfolio.portfolio(portfolio.PortfolioFilter())) if w.code == "cost_per_beneficiary"
    ]


def test_quality_shown_to_insiders_only(world: World, clients: dict[str, Client]) -> None:
    make_project(world.hromada, title_uk="Без місця", location=False)
    for name in ("viewer", "editor", "coordinator", "expert"):
        response = clients[name].get(URL)
        assert response.context["warning_count"] == 1, name
        assert "No location is recorded." in response.content.decode()
    for name in ("anonymous", "outsider"):
        response = clients[name].get(URL)
        assert "Data quality" not in response.content.decode(), name


def test_sensitive_locations_never_on_the_portfolio(world: World, clients: dict[str, Client]) -> None:
    project = make_project(world.hromada, is_sensitive=True, location=False)
    project.locations.create(
        katottg=world.hromada.katottg,
        description="вул. Секретна, 5",
        latitude=Decimal("47.123456"),
        longitude=Decimal("33.1"),
    )
    html = _page(clients["anonymous"])
    assert "Секретна" not in html
    assert "47.123456" not in html


def test_query_count_does_not_grow_with_the_rows(
    world: World, clients: dict[str, Client], django_assert_max_num_queries: Any
) -> None:
    for index in range(60):
        make_project(
            world.hromada if index % 2 else world.other_hromada,
            cost=Decimal("100"),
            sectors=["education"],
            financing=[("10", "UAH", "committed", "localBudget")],
        )
    with django_assert_max_num_queries(30):
        response = clients["coordinator"].get(URL)
    assert len(response.context["rows"]) == 50


def test_page_weight(world: World, clients: dict[str, Client]) -> None:
    import gzip

    for _ in range(50):
        make_project(world.hromada, cost=Decimal("100"), sectors=["education", "health"])
    content = clients["coordinator"].get(URL).content
    assert len(gzip.compress(content)) < 150_000


@pytest.mark.parametrize("key", list(portfolio.SORTS))
def test_every_sort_key_works(world: World, clients: dict[str, Client], key: str) -> None:
    make_project(
        world.hromada, cost=Decimal("5"), sectors=["health"], financing=[("1", "UAH", "committed", "localBudget")]
    )
    make_project(world.other_hromada, sectors=["education"])
    for sort in (key, f"-{key}"):
        response = clients["anonymous"].get(URL, {"sort": sort})
        assert response.status_code == 200
        assert len(response.context["rows"]) == 2


def test_totals_match_a_plain_computation_over_mixed_currencies(world: World) -> None:
    """The totals summed in the database equal a per-project computation in Python: committed lines
    (committed, disbursed) in the project's currency plus others converted with the dated rate, the gap
    never below zero, projects without a cost only counted."""
    import random

    from vidnova.projects import money
    from vidnova.projects.models import FinancingLine, Project

    day = datetime.date(2025, 3, 1)
    rate("EUR", "40.00", datetime.date(2025, 1, 1))
    rate("USD", "38.00", datetime.date(2025, 2, 1))
    rate("USD", "99.00", datetime.date(2025, 6, 1))  # after the date: not used
    rng = random.Random(7)  # noqa: S311 - a seeded mix of test data
    for i in range(40):
        financing = [
            (
                str(rng.randint(0, 600)),
                rng.choice(["UAH", "EUR", "USD"]),
                rng.choice(["committed", "disbursed", "pledged", "identified"]),
                "x",
            )
            for _ in range(rng.randint(0, 3))
        ]
        make_project(
            rng.choice([world.hromada, world.other_hromada]),
            cost=None if i % 8 == 0 else Decimal(rng.randint(0, 900)) + Decimal("0.25"),
            currency=rng.choice(["UAH", "EUR", "USD"]),
            financing=financing,
        )
    totals = portfolio.totals(portfolio.portfolio(portfolio.PortfolioFilter()), on=day)
    expected: dict[str, list[Decimal]] = {}
    projects = Project.objects.all()
    for project in projects:
        if project.cost is None:
            continue
        committed = Decimal(0)
        for line in FinancingLine.objects.filter(project=project, status__in=portfolio.COMMITTED_STATUSES):
            converted = money.convert(line.amount, line.currency, project.currency, day)
            assert converted is not None
            committed += converted
        row = expected.setdefault(project.currency, [Decimal(0), Decimal(0), Decimal(0), Decimal(0)])
        row[0] += 1
        row[1] += project.cost
        row[2] += committed
        row[3] += max(project.cost - committed, Decimal(0))
    assert totals.count == projects.count()
    assert totals.without_cost == projects.filter(cost__isnull=True).count()
    got = {t.currency: [Decimal(t.projects), t.cost, t.committed, t.gap] for t in totals.per_currency}
    assert got == expected
    assert [t.currency for t in totals.per_currency] == [c for c in ("UAH", "EUR", "USD") if c in expected]


def test_quality_with_its_own_scope_matches_a_separate_scope(world: World) -> None:
    make_project(world.hromada, title_uk="Ремонт  Школи")
    make_project(world.hromada, title_uk="ремонт школи ")
    for _ in range(5):
        make_project(world.hromada, sectors=["health"], cost=Decimal("1000"), beneficiaries_direct=10)
    make_project(world.hromada, sectors=["health"], cost=Decimal("1000000"), beneficiaries_direct=10)
    queryset = portfolio.portfolio(portfolio.PortfolioFilter(hromada=world.hromada.katottg))
    from vidnova.projects.models import Project

    same = quality.check(queryset)
    separate = quality.check(queryset, scope=Project.objects.filter(hromada=world.hromada))
    assert same == separate
    assert {w.code for w in same} >= {"duplicate_title", "cost_per_beneficiary"}
