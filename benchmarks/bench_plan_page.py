"""Response times of the plan pages for a large plan.

    .venv/bin/python benchmarks/bench_plan_page.py                     # SQLite file in a temporary directory
    .venv/bin/python benchmarks/bench_plan_page.py -n 100
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vidnova_bench .venv/bin/python benchmarks/bench_plan_page.py

Builds a throwaway site like bench_pages.py (real registry, demo), writes a large plan for Buchanska
hromada (13 written sections in two languages, every structured table, 100 financing rows, a goal
tree of 60 nodes, the principles checklist) and its adopted twin, then requests each page N times
with Django's test Client, in-process (routing, middleware, view, queries, templates; no network or
WSGI server), signed in as a programme coordinator (drafts are private) or anonymously (the public
page). Prints a markdown table: median and 95th percentile in milliseconds, queries, response size.
A page that does not answer 200 is reported as such instead of timed.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
BUCHANSKA = "UA32080070000050759"


@dataclass(frozen=True)
class Case:
    name: str
    url_name: str
    kwargs: dict[str, Any]
    who: str  # "coordinator" or "anonymous"


def make_plans() -> tuple[int, int]:
    """The large draft plan and an adopted copy of it; returns their ids."""
    from django.utils import timezone

    from vidnova.plans.documents.sample import fill_version
    from vidnova.plans.models import Plan, PlanExport, PlanVersion
    from vidnova.plans.services.plans import plan_create
    from vidnova.programmes.models import Programme
    from vidnova.registry.models import Hromada

    hromada = Hromada.objects.get(katottg=BUCHANSKA)
    programme = Programme.objects.filter(phases__participations__hromada=hromada).first()
    ids = []
    for title in ("Чернетка плану (бенчмарк)", "Ухвалений план (бенчмарк)"):
        plan = plan_create(
            acting_user=None,
            hromada=hromada,
            programme=programme,
            plan_type="local_recovery_plan",
            title_uk=title,
            title_en="Benchmark plan",
            starts_on=datetime.date(2025, 1, 1),
            ends_on=datetime.date(2029, 12, 31),
        )
        version = plan.versions.get()
        fill_version(version, goal_nodes=60, financing_rows=100)
        PlanExport.objects.bulk_create(
            PlanExport(plan_version=version, file_format="pdf", language="uk", status="queued") for _ in range(20)
        )
        ids.append(plan.pk)
    adopted = PlanVersion.objects.get(plan_id=ids[1])
    PlanVersion.objects.filter(pk=adopted.pk).update(
        adopted_at=timezone.now(), adopting_body="council", act_number="1/2-VIII", act_date=datetime.date(2025, 6, 1)
    )
    Plan.objects.filter(pk=ids[1]).update(public_version=adopted, state="adopted")
    return ids[0], ids[1]


def cases(draft_id: int, adopted_id: int) -> list[Case]:
    return [
        Case("Plan overview (draft)", "plans:plan-detail", {"pk": draft_id}, "coordinator"),
        Case("Version detail (draft, v1)", "plans:version-detail", {"pk": draft_id, "number": 1}, "coordinator"),
        Case("Plan overview (adopted)", "plans:plan-detail", {"pk": adopted_id}, "coordinator"),
        Case("Public page (adopted)", "plans:plan-public", {"pk": adopted_id}, "anonymous"),
        Case("Goal tree (60 nodes)", "plans:goal-tree", {"pk": draft_id}, "coordinator"),
        Case("Exports page (20 documents)", "plans:plan-exports", {"pk": draft_id}, "coordinator"),
    ]


def run(repeat: int, database_url: str | None) -> str:
    sys.path.insert(0, str(BENCH_DIR))
    from bench_pages import count_queries, measure, percentile, prepared_site, step

    with prepared_site(database_url) as environment:
        from django.core.cache import cache
        from django.test import Client
        from django.urls import NoReverseMatch, reverse

        from vidnova.accounts.models import Membership, Role, User

        step("writing the plans")
        draft_id, adopted_id = make_plans()
        coordinator = User.objects.create_user(email="bench-coordinator@example.org", password=None)
        from vidnova.programmes.models import Programme

        programme = Programme.objects.first()
        Membership.objects.create(user=coordinator, role=Role.PROGRAMME_COORDINATOR, programme=programme)
        clients = {"anonymous": Client(), "coordinator": Client()}
        clients["coordinator"].force_login(coordinator)
        rows = []
        for case in cases(draft_id, adopted_id):
            try:
                path = reverse(case.url_name, kwargs=case.kwargs)
            except NoReverseMatch:
                rows.append(f"| {case.name} | – | not built yet | | | | |")
                continue
            client = clients[case.who]
            cache.clear()
            response = client.get(path)
            if response.status_code != 200:
                rows.append(f"| {case.name} | `{path}` | answered {response.status_code} | | | | {case.who} |")
                continue
            queries = count_queries(partial(client.get, path))

            def get(client: Any = client, path: str = path) -> None:
                if client.get(path).status_code != 200:
                    raise SystemExit(f"{path} stopped answering 200 during the benchmark")

            step(f"timing {path}")
            samples = measure(get, repeat)
            rows.append(
                f"| {case.name} | `{path}` | {statistics.median(samples):.1f} | {percentile(samples, 0.95):.1f} | "
                f"{queries} | {len(response.content) / 1024:.1f} | {case.who} |"
            )
        header = [
            f"Database: {environment.details}. Plan: 13 written sections (uk and en), 60 goal-tree nodes, "
            f"100 financing rows. N = {repeat} requests per row after 3 warm-up requests, in-process Django "
            "test client (no network or WSGI server).",
            "",
            "| Page | URL | median ms | p95 ms | queries | response KB | as |",
            "| --- | --- | ---: | ---: | ---: | ---: | --- |",
        ]
        return "\n".join(header + rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--repeat", type=int, default=50, help="requests per page (default 50)")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL") or None,
        help="PostgreSQL server (the benchmark creates and drops test_<name>); default: $DATABASE_URL if set, "
        "otherwise a temporary SQLite file",
    )
    options = parser.parse_args(argv)
    print(run(options.repeat, options.database_url))


if __name__ == "__main__":
    main()
