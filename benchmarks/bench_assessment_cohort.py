"""The cohort view of an assessment round with every hromada of Ukraine (1,469): response times and
page weight, on SQLite or PostgreSQL.

    .venv/bin/python benchmarks/bench_assessment_cohort.py                     # SQLite file in a temporary directory
    .venv/bin/python benchmarks/bench_assessment_cohort.py -n 100
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vidnova_bench_cohort .venv/bin/python benchmarks/bench_assessment_cohort.py

Builds a throwaway site like bench_pages.py (real registry with the real loader, the demo, collected
static files), then a programme in which **every hromada of the real registry** takes part, a
baseline round of the default instrument for all of them, and scored assessments: synthetic answers
as in bench_assessment_scoring.py (seeded), scored with ``scoring.score`` and stored with
``services.scores.store_score`` (the assessment's columns and its DimensionResult rows). States and
security statuses vary (about a third with a status in force, most validated, some not started and
without scores).

Then requests the cohort page and its exports N times each with Django's test Client, in-process
(routing, middleware, view, queries, templates; no network or WSGI server), signed in as the
programme's coordinator, and prints a markdown table: median and 95th percentile in milliseconds,
queries of one request, the response size and its gzip size (level 6) plus the gzip size of the
style sheets and scripts the page loads, against the 150 KB first-load budget. The last page row
shows what pages of 200 rows would cost: the whole cohort fits the budget, so the page has every row.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
BUDGET_KB = 150


@dataclass(frozen=True)
class Case:
    name: str
    query: str
    export: bool = False
    per_page: int | None = None  # rows per page when not the page's own (ROWS_PER_PAGE)


def cases(oblast: str) -> list[Case]:
    return [
        Case("Cohort, by name (the default)", ""),
        Case("Cohort, sorted by a dimension, descending", "sort=dim:f2_pim&dir=desc"),
        Case("Cohort, sorted by overall score", "sort=overall&dir=desc"),
        Case("Cohort, filtered: one oblast, validated", f"oblast={oblast}&state=validated"),
        Case("Cohort, filtered: active hostilities", "status=active_hostilities"),
        Case("Export CSV, every row", "sort=overall&dir=desc&format=csv", export=True),
        Case("Export XLSX, every row", "sort=overall&dir=desc&format=xlsx", export=True),
        Case("Cohort in pages of 200 (page 4), for comparison", "sort=overall&dir=desc&page=4", per_page=200),
    ]


def build_round(seed: int) -> tuple[int, int, str]:
    """A programme with every hromada, a scored baseline round; returns (round id, hromadas, oblast)."""
    from bench_assessment_scoring import synthetic_answers
    from django.db import transaction

    from vidnova.accounts.models import Membership, Role, User
    from vidnova.assessments import scoring
    from vidnova.assessments.models import Assessment, AssessmentState
    from vidnova.assessments.services import instrument_load_default
    from vidnova.assessments.services.rounds import round_open
    from vidnova.assessments.services.scores import form_of, store_score
    from vidnova.programmes.models import Participation, Phase, Programme
    from vidnova.registry.models import Hromada, SecurityStatus, SecurityStatusPeriod

    rng = random.Random(seed)
    programme = Programme.objects.create(slug="bench-cohort", name_uk="Когорта (бенчмарк)", name_en="Cohort benchmark")
    phase = Phase.objects.create(programme=programme, number=1, name_uk="Фаза 1")
    # The 1,469 hromadas outside the Autonomous Republic of Crimea (the registry has 1,772 in all).
    hromadas = list(Hromada.objects.filter(in_crimea=False).select_related("oblast").order_by("pk"))
    Participation.objects.bulk_create(Participation(phase=phase, hromada=h) for h in hromadas)
    coordinator = User.objects.create_user(email="bench-cohort@example.org", password=None)
    Membership.objects.create(user=coordinator, role=Role.PROGRAMME_COORDINATOR, programme=programme)

    with_status = set(SecurityStatusPeriod.objects.values_list("hromada_id", flat=True))
    SecurityStatusPeriod.objects.bulk_create(
        SecurityStatusPeriod(
            hromada=h,
            status=rng.choice([SecurityStatus.POSSIBLE_HOSTILITIES, SecurityStatus.ACTIVE_HOSTILITIES]),
            starts_on=datetime.date(2024, 1, 1),
        )
        for h in hromadas
        if h.pk not in with_status and rng.random() < 0.3
    )

    version = instrument_load_default()
    round_ = round_open(
        acting_user=coordinator,
        programme=programme,
        instrument_version=version,
        name_uk="Базове оцінювання (бенчмарк)",
        name_en="Baseline (benchmark)",
        opens_on=datetime.date(2026, 12, 1),
        deadline=datetime.date(2027, 2, 28),
        hromadas=hromadas,
    )
    prepared = form_of(version).prepared
    states = [AssessmentState.VALIDATED] * 6 + [AssessmentState.SUBMITTED, AssessmentState.IN_PROGRESS]
    by_state: dict[str, list[int]] = {}
    with transaction.atomic():
        for assessment in round_.assessments.all():
            if rng.random() < 0.05:
                continue  # not started: no answers, no scores
            store_score(assessment, scoring.score(prepared, synthetic_answers(version.definition, rng)))
            by_state.setdefault(rng.choice(states), []).append(assessment.pk)
        for state, ids in by_state.items():
            Assessment.objects.filter(pk__in=ids).update(state=state)
    oblast = hromadas[0].oblast.katottg
    return round_.pk, len(hromadas), oblast


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def run(repeat: int, database_url: str | None, seed: int) -> str:
    sys.path.insert(0, str(BENCH_DIR))
    from bench_page_weight import AssetFinder, gzipped_size, static_file
    from bench_pages import count_queries, measure, prepared_site, step

    with prepared_site(database_url) as environment:
        from django.core.cache import cache
        from django.test import Client
        from django.urls import reverse

        from vidnova.accounts.models import User
        from vidnova.assessments.models import DimensionResult
        from vidnova.assessments.views import cohort as cohort_views

        step("building a round of every hromada with scored assessments")
        started = time.perf_counter()
        round_id, hromada_count, oblast = build_round(seed)
        build_seconds = time.perf_counter() - started
        results = DimensionResult.objects.filter(assessment__round_id=round_id).count()
        client = Client()
        client.force_login(User.objects.get(email="bench-cohort@example.org"))
        page_url = reverse("assessments:cohort", kwargs={"pk": round_id})
        export_url = reverse("assessments:cohort-export", kwargs={"pk": round_id})
        rows = []
        for case in cases(oblast):
            path = (export_url if case.export else page_url) + (f"?{case.query}" if case.query else "")
            per_page = cohort_views.ROWS_PER_PAGE
            if case.per_page:
                cohort_views.ROWS_PER_PAGE = case.per_page
            try:
                cache.clear()
                response = client.get(path)
                if response.status_code != 200:
                    raise SystemExit(f"{path} answered {response.status_code}")
                queries = count_queries(partial(client.get, path))

                def get(path: str = path) -> None:
                    if client.get(path).status_code != 200:
                        raise SystemExit(f"{path} stopped answering 200 during the benchmark")

                step(f"timing {path}")
                samples = measure(get, repeat if not case.export else max(5, repeat // 5))
            finally:
                cohort_views.ROWS_PER_PAGE = per_page
            body = response.content
            if case.export:
                weight = f"{gzipped_size(body) / 1024:.1f}"
                total = "– (a download)"
            else:
                finder = AssetFinder()
                finder.feed(body.decode())
                assets = sum(gzipped_size(static_file(url).read_bytes()) for url in sorted(set(finder.assets)))
                html_gzip = gzipped_size(body)
                weight = f"{html_gzip / 1024:.1f}"
                verdict = "within" if html_gzip + assets <= BUDGET_KB * 1024 else "OVER"
                total = f"{(html_gzip + assets) / 1024:.1f} ({verdict})"
            rows.append(
                f"| {case.name} | `{path}` | {statistics.median(samples):.1f} | {percentile(samples, 0.95):.1f} | "
                f"{queries} | {len(body) / 1024:.1f} | {weight} | {total} |"
            )
        header = [
            f"Database: {environment.details}. Round: {hromada_count:,} hromadas of the real registry, default "
            f"instrument (15 dimensions), synthetic answers (seed {seed}), {results:,} dimension scores; built in "
            f"{build_seconds:.1f} s. N = {repeat} requests per page row ({max(5, repeat // 5)} per export) after 3 "
            f"warm-up requests, signed in as the programme coordinator, in-process Django test client (no network "
            f"or WSGI server). Budget: HTML + CSS + JS gzip ≤ {BUDGET_KB} KB.",
            "",
            "| Request | URL | median ms | p95 ms | queries | response KB | gzip KB | with CSS+JS, gzip KB |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        return "\n".join(header + rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--repeat", type=int, default=30, help="requests per page (default 30)")
    parser.add_argument("--seed", type=int, default=6, help="seed of the synthetic answers (default 6)")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL") or None,
        help="PostgreSQL server (the benchmark creates and drops test_<name>); default: $DATABASE_URL if set, "
        "otherwise a temporary SQLite file",
    )
    options = parser.parse_args(argv)
    print(run(options.repeat, options.database_url, options.seed))


if __name__ == "__main__":
    main()
