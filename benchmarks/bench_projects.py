"""Project ideas at scale (issue 4): the portfolio pages and the OC4IDS export with 30,000 projects,
on SQLite or PostgreSQL.

    .venv/bin/python benchmarks/bench_projects.py                      # SQLite file in a temporary directory
    .venv/bin/python benchmarks/bench_projects.py -n 50 --projects 30000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vidnova_bench_projects .venv/bin/python benchmarks/bench_projects.py

Builds a throwaway site like bench_pages.py (real registry with the real loader, the demo, collected
static files), then N projects (default 30,000) written with ``bulk_create`` straight through the ORM
(not the services, which would take far longer and write an audit row each), spread over the hromadas
of the registry outside Crimea (seeded): sectors, states, readiness, costs in UAH or EUR, 1–3 financing
lines (some committed, some in another currency), 1–2 budget lines, 1–2 locations, about 2 % sensitive
sites, and EUR and USD exchange rates. ``--programme-projects`` of them (default 5,000, the page's
QUALITY_LIMIT, so the coordinator's data-quality warnings are computed at their largest) belong to a
benchmark programme with its coordinator.

Measures, each printed as a markdown table:

1. the portfolio ``/projects/`` (all projects), ``/projects/?programme=<slug>`` and a filtered list
   (sector + state), anonymous and signed in as the programme coordinator: median and 95th percentile
   over N requests (default 20) with Django's test Client, in-process, after 3 warm-up requests, with
   the queries of one request and the response size;
2. the OC4IDS project package of the first 1,000 / 5,000 / 10,000 / all projects through
   ``oc4ids.package_chunks`` (the generator the export view streams), written to a null sink that only
   counts bytes: total time (a pass without tracemalloc) and peak traced memory (a second pass with
   tracemalloc), to show that memory stays flat as the count grows.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
PROGRAMME_SLUG = "bench-projects"
COORDINATOR_EMAIL = "bench-projects@example.org"
EXPORT_SIZES = (1_000, 5_000, 10_000, 30_000)
BATCH = 2_000


def build_projects(count: int, in_programme: int, seed: int) -> dict[str, Any]:
    """``count`` projects with their rows; returns facts for the table headers and the cases."""
    from django.db import transaction
    from django.utils import timezone

    from vidnova.accounts.models import Membership, Role, User
    from vidnova.programmes.models import Programme
    from vidnova.projects import codelists
    from vidnova.projects.models import (
        BudgetLine,
        ExchangeRate,
        FinancingLine,
        FinancingStatus,
        Project,
        ProjectLocation,
        ProjectState,
        Purpose,
    )
    from vidnova.registry.models import Hromada

    rng = random.Random(seed)
    programme = Programme.objects.create(
        slug=PROGRAMME_SLUG, name_uk="Проєкти (бенчмарк)", name_en="Projects benchmark"
    )
    coordinator = User.objects.create_user(email=COORDINATOR_EMAIL, password=None)
    Membership.objects.create(user=coordinator, role=Role.PROGRAMME_COORDINATOR, programme=programme)
    hromadas = list(Hromada.objects.filter(in_crimea=False).order_by("pk").values_list("pk", "katottg"))
    sectors = sorted(codelists.SECTORS)
    leaf_sectors = [code for code in sectors if "." in code] or sectors
    project_types = sorted(codelists.PROJECT_TYPES)
    cost_items = sorted(codelists.COST_ITEMS)
    finance_types = sorted(codelists.FINANCE_TYPES)
    finance_categories = sorted(codelists.FINANCE_CATEGORIES)
    states = [state.value for state in ProjectState]
    statuses = [status.value for status in FinancingStatus]
    today = timezone.localdate()

    rates = []
    for currency, base in (("EUR", Decimal("44.50")), ("USD", Decimal("41.20"))):
        for days in range(0, 365, 7):
            rates.append(
                ExchangeRate(
                    currency=currency,
                    valid_on=today - datetime.timedelta(days=days),
                    uah_per_unit=base + Decimal(rng.randint(-150, 150)) / 100,
                    source="NBU (benchmark)",
                )
            )
    ExchangeRate.objects.bulk_create(rates, ignore_conflicts=True)  # the demo may hold some dates already

    sensitive = 0
    started = time.perf_counter()
    for first in range(0, count, BATCH):
        numbers = range(first, min(count, first + BATCH))
        projects = []
        for number in numbers:
            hromada_id, _katottg = hromadas[number % len(hromadas)]
            currency = "EUR" if rng.random() < 0.3 else "UAH"
            cost = Decimal(rng.randint(20_000, 5_000_000) if currency == "EUR" else rng.randint(500_000, 200_000_000))
            starts_on = today + datetime.timedelta(days=rng.randint(-400, 400))
            is_sensitive = rng.random() < 0.02
            sensitive += is_sensitive
            projects.append(
                Project(
                    hromada_id=hromada_id,
                    programme=programme if number < in_programme else None,
                    code=f"BP-{number + 1:06d}",
                    state=rng.choice(states),
                    title_uk=f"Проєкт відновлення № {number + 1}: {rng.choice(['школа', 'лікарня', 'водогін', 'міст', 'укриття', 'котельня'])}",
                    title_en=f"Recovery project no. {number + 1}",
                    description_uk="Відновлення об'єкта інфраструктури громади після пошкоджень. " * 3,
                    problem_uk="Об'єкт пошкоджено, послуга недоступна для мешканців.",
                    objective_uk="Відновити послугу для мешканців громади.",
                    purpose=rng.choice([Purpose.RESTORATION, Purpose.DEVELOPMENT]),
                    project_type=rng.choice(project_types),
                    sectors=rng.sample(leaf_sectors, rng.randint(1, 2)),
                    purpose_codes=["14020"] if rng.random() < 0.5 else ["12230"],
                    readiness=rng.randint(0, 6),
                    starts_on=starts_on,
                    ends_on=starts_on + datetime.timedelta(days=rng.randint(90, 1500)),
                    cost=cost,
                    currency=currency,
                    beneficiaries_direct=rng.randint(100, 50_000),
                    beneficiaries_indirect=rng.randint(0, 200_000),
                    is_sensitive=is_sensitive,
                )
            )
        with transaction.atomic():
            created = Project.objects.bulk_create(projects, batch_size=500)
            if created[0].pk is None:  # backends that do not return primary keys from bulk inserts
                by_code = dict(Project.objects.filter(code__in=[p.code for p in created]).values_list("code", "pk"))
                for project in created:
                    project.pk = by_code[project.code]
            financing, budget, locations = [], [], []
            for project in created:
                katottg = hromadas[(int(project.code[3:]) - 1) % len(hromadas)][1]
                cost = project.cost or Decimal(0)
                shares = [rng.random() for _ in range(rng.randint(1, 3))]
                for index, share in enumerate(shares):
                    line_currency = project.currency if rng.random() < 0.8 else rng.choice(["UAH", "EUR", "USD"])
                    amount = (cost * Decimal(share / sum(shares) * rng.uniform(0.5, 1.05))).quantize(Decimal("0.01"))
                    if line_currency != project.currency:
                        amount = (amount / 40 if project.currency == "UAH" else amount * 40).quantize(Decimal("0.01"))
                    financing.append(
                        FinancingLine(
                            project=project,
                            finance_type=rng.choice(finance_types),
                            finance_category="localBudget" if index == 0 else rng.choice(finance_categories),
                            funder="" if index == 0 else "Партнер (бенчмарк)",
                            amount=amount,
                            currency=line_currency,
                            status=rng.choice(statuses),
                        )
                    )
                parts = rng.randint(1, 2)
                for _ in range(parts):
                    budget.append(
                        BudgetLine(
                            project=project,
                            cost_item=rng.choice(cost_items),
                            cost_type=rng.choice(["capex", "opex"]),
                            amount=(cost / parts).quantize(Decimal("0.01")),
                            currency=project.currency,
                        )
                    )
                for index in range(rng.randint(1, 2)):
                    locations.append(
                        ProjectLocation(
                            project=project,
                            katottg=katottg,
                            name=f"Об'єкт {index + 1}",
                            latitude=Decimal(rng.randint(44_500_000, 52_000_000)) / 1_000_000,
                            longitude=Decimal(rng.randint(22_500_000, 40_000_000)) / 1_000_000,
                            description="вул. Центральна, 1",
                        )
                    )
            FinancingLine.objects.bulk_create(financing, batch_size=1000)
            BudgetLine.objects.bulk_create(budget, batch_size=1000)
            ProjectLocation.objects.bulk_create(locations, batch_size=1000)
        print(f"... {min(count, first + BATCH):,} projects", file=sys.stderr, flush=True)
    return {
        "seconds": time.perf_counter() - started,
        "hromadas": len({pk for pk, _k in hromadas[:count]}),
        "sensitive": sensitive,
        "financing": FinancingLine.objects.count(),
        "budget": BudgetLine.objects.count(),
        "locations": ProjectLocation.objects.count(),
        "sector": rng.choice(leaf_sectors),
    }


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return (time.perf_counter() - started) * 1000


class NullSink:
    """Counts the bytes written to it and keeps none."""

    def __init__(self) -> None:
        self.bytes = 0

    def write(self, chunk: bytes) -> None:
        self.bytes += len(chunk)


def export_once(count: int, *, traced: bool) -> tuple[float, int, int, int]:
    """Stream the package of the first ``count`` projects; (seconds, bytes, projects, peak bytes)."""
    from vidnova.projects import oc4ids

    last_pk = oc4ids.export_queryset().values_list("pk", flat=True)[count - 1]
    queryset = oc4ids.export_queryset().filter(pk__lte=last_pk)
    sink = NullSink()
    counter = [0]
    if traced:
        tracemalloc.start()
        tracemalloc.reset_peak()
    started = time.perf_counter()
    for chunk in oc4ids.package_chunks(queryset, uri="https://vidnova.example/projects/oc4ids/", counter=counter):
        sink.write(chunk.encode())  # the view encodes every chunk the same way
    seconds = time.perf_counter() - started
    peak = 0
    if traced:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return seconds, sink.bytes, counter[0], peak


def run(repeat: int, database_url: str | None, seed: int, count: int, in_programme: int) -> str:
    sys.path.insert(0, str(BENCH_DIR))
    from bench_pages import count_queries, measure, prepared_site, step

    with prepared_site(database_url) as environment:
        from django.core.cache import cache
        from django.test import Client

        from vidnova.accounts.models import User
        from vidnova.projects.selectors import portfolio as portfolio_selectors
        from vidnova.projects.selectors import quality
        from vidnova.projects.views import portfolio as portfolio_views

        step(f"building {count:,} projects")
        facts = build_projects(count, in_programme, seed)
        anonymous = Client()
        coordinator = Client()
        coordinator.force_login(User.objects.get(email=COORDINATOR_EMAIL))
        sector = facts["sector"]
        cases: list[tuple[str, str, dict[str, str]]] = [
            ("Portfolio, all projects", "/projects/", {}),
            (
                f"Programme portfolio ({in_programme:,} projects)",
                f"/projects/?programme={PROGRAMME_SLUG}",
                {"programme": PROGRAMME_SLUG},
            ),
            ("Filtered: sector + state", f"/projects/?sector={sector}&state=idea", {"sector": sector, "state": "idea"}),
            (
                "Programme, filtered: sector + state",
                f"/projects/?programme={PROGRAMME_SLUG}&sector={sector}&state=idea",
                {"programme": PROGRAMME_SLUG, "sector": sector, "state": "idea"},
            ),
        ]
        page_rows = []
        for who, client in (("anonymous", anonymous), ("coordinator", coordinator)):
            for name, path, _filters in cases:
                cache.clear()
                response = client.get(path)
                if response.status_code != 200:
                    raise SystemExit(f"{path} answered {response.status_code}")
                queries = count_queries(partial(client.get, path))

                def get(path: str = path, client: Any = client) -> None:
                    if client.get(path).status_code != 200:
                        raise SystemExit(f"{path} stopped answering 200 during the benchmark")

                step(f"timing {path} as {who}")
                samples = measure(get, repeat)
                page_rows.append(
                    f"| {name} | {who} | `{path}` | {statistics.median(samples):.1f} | "
                    f"{percentile(samples, 0.95):.1f} | {queries} | {len(response.content) / 1024:.1f} |"
                )

        # Where the time goes: the parts of the view, timed on their own (median of 5 runs).
        part_rows = []
        for name, _path, filters in cases:
            step(f"timing the parts of {name}")
            queryset = portfolio_selectors.portfolio(portfolio_selectors.PortfolioFilter(**filters))  # type: ignore[arg-type]
            found = portfolio_selectors.totals(queryset).count

            def first_page(queryset: Any = queryset) -> None:
                list(queryset[: portfolio_views.PROJECTS_PER_PAGE])  # a fresh slice: never a cached result

            totals_ms = statistics.median(timed(partial(portfolio_selectors.totals, queryset)) for _ in range(5))
            page_ms = statistics.median(timed(first_page) for _ in range(5))
            if found > portfolio_views.QUALITY_LIMIT:
                quality_text = "skipped (over QUALITY_LIMIT)"
            else:
                warnings = quality.check(queryset)
                quality_ms = statistics.median(timed(partial(quality.check, queryset)) for _ in range(5))
                quality_text = f"{quality_ms:.1f} ({len(warnings):,} warnings)"
            part_rows.append(f"| {name} | {found:,} | {totals_ms:.1f} | {page_ms:.1f} | {quality_text} |")

        export_rows = []
        for size in [s for s in EXPORT_SIZES if s < count] + [count]:
            step(f"OC4IDS export of {size:,} projects")
            seconds, size_bytes, written, _peak = export_once(size, traced=False)
            _seconds, _bytes, _written, peak = export_once(size, traced=True)
            export_rows.append(
                f"| {written:,} | {seconds:.1f} | {written / seconds:,.0f} | {size_bytes / 1024 / 1024:.1f} | "
                f"{peak / 1024 / 1024:.1f} |"
            )
        header = (
            f"Database: {environment.details}. {count:,} projects over {facts['hromadas']:,} hromadas "
            f"(seed {seed}; {facts['sensitive']:,} sensitive), {facts['financing']:,} financing lines, "
            f"{facts['budget']:,} budget lines, {facts['locations']:,} locations; built with bulk_create in "
            f"{facts['seconds']:.1f} s. {in_programme:,} of them in programme `{PROGRAMME_SLUG}`."
        )
        pages = [
            f"Portfolio pages: N = {repeat} requests per row after 3 warm-up requests, in-process Django test "
            f"client (no network or WSGI server); {portfolio_views.PROJECTS_PER_PAGE} rows a page, totals over "
            f"every filtered project; data-quality warnings for insiders up to {portfolio_views.QUALITY_LIMIT:,} "
            "filtered projects.",
            "",
            "| Page | as | URL | median ms | p95 ms | queries | response KB |",
            "| --- | --- | --- | ---: | ---: | ---: | ---: |",
            *page_rows,
            "",
            "Where the time of a portfolio request goes: the view's parts timed on their own (median of 5 runs): "
            "`selectors.totals` over every filtered project, the first page of rows, and `quality.check` "
            "(computed for insiders only).",
            "",
            "| Page | projects | totals ms | page of rows ms | quality.check ms (insiders) |",
            "| --- | ---: | ---: | ---: | --- |",
            *part_rows,
        ]
        exports = [
            "OC4IDS project package through `oc4ids.package_chunks` (the generator the export view streams), "
            "written to a null sink: time of a pass without tracemalloc, peak traced memory of a second pass.",
            "",
            "| projects | seconds | projects/s | package MB | peak memory MB (tracemalloc) |",
            "| ---: | ---: | ---: | ---: | ---: |",
            *export_rows,
        ]
        return "\n".join([header, "", *pages, "", *exports])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--repeat", type=int, default=20, help="requests per page row (default 20)")
    parser.add_argument("--projects", type=int, default=30_000, help="projects to create (default 30,000)")
    parser.add_argument(
        "--programme-projects",
        type=int,
        default=5_000,
        help="how many of them belong to the benchmark programme (default 5,000)",
    )
    parser.add_argument("--seed", type=int, default=4, help="seed of the synthetic projects (default 4)")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL") or None,
        help="PostgreSQL server (the benchmark creates and drops test_<name>); default: $DATABASE_URL if set, "
        "otherwise a temporary SQLite file",
    )
    options = parser.parse_args(argv)
    print(run(options.repeat, options.database_url, options.seed, options.projects, options.programme_projects))


if __name__ == "__main__":
    main()
