"""Generation time and peak memory of plan documents (DOCX and PDF, Ukrainian and English).

    .venv/bin/python benchmarks/bench_plan_export.py                 # SQLite file in a temporary directory
    .venv/bin/python benchmarks/bench_plan_export.py --runs 7
    .venv/bin/python benchmarks/bench_plan_export.py --database-url postgres://postgres@127.0.0.1:5432/vidnova_bench

Builds a throwaway site like bench_pages.py (real registry, demo), then writes a large plan for
Buchanska hromada with vidnova.plans.documents.sample.fill_version: all 13 sections with Ukrainian
and English text (headings, lists, a table, links), every structured table, a goal tree of 60 nodes
and the principles checklist. The issue asks for 100 projects; the projects module does not exist
yet, so the plan carries 100 rows in the FINANCING table instead (the table the project costs will
feed), which is the same kind of load: a long table running over several pages.

Each format and language is measured in a **fresh Python process** (so the peak resident memory of
one does not hide in the other's): the content is built from the database and rendered --runs times
(median, fastest, slowest), then once more under tracemalloc for the peak of Python allocations.
The process's peak resident set size (Django, WeasyPrint and the fonts included) comes from
/proc/self/status (VmHWM) on Linux and ``resource.getrusage`` elsewhere (on Linux getrusage's ru_maxrss
carries the forking parent's peak into the child, so it would report the benchmark's own size); with
the resident size just before the first document the difference is what generating documents adds
to a worker.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
BUCHANSKA = "UA32080070000050759"
GOAL_NODES = 60
FINANCING_ROWS = 100  # stands in for the 100 projects until the projects module exists
CASES = [("docx", "uk"), ("docx", "en"), ("pdf", "uk"), ("pdf", "en")]


def step(message: str) -> None:
    print(f"... {message}", file=sys.stderr, flush=True)


def peak_rss_mb() -> float:
    """The peak resident set size of this process.

    On Linux, from VmHWM in /proc/self/status: ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` keeps the
    peak of the process that forked this one (Linux carries it over fork and exec), so in a child of a
    large parent it reports the parent's size. Elsewhere getrusage is all there is.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    except (OSError, ValueError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux, bytes on macOS


def current_rss_mb() -> float:
    """The resident set size now (Linux /proc; elsewhere the peak so far)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return peak_rss_mb()
    return pages * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024


# --- the child: one format and language in a fresh process ----------------------------------------


def child(version_id: int, file_format: str, language: str, runs: int) -> dict[str, Any]:
    sys.path.insert(0, str(PROJECT_DIR))
    import django

    django.setup()
    from vidnova.plans.documents import build_document, render
    from vidnova.plans.models import PlanVersion

    # Import the renderer before measuring the baseline (the libraries, not the document).
    if file_format == "pdf":
        import vidnova.plans.documents.pdf_file
    else:
        import vidnova.plans.documents.docx_file  # noqa: F401
    version = PlanVersion.objects.get(pk=version_id)
    baseline = current_rss_mb()
    build_ms: list[float] = []
    render_ms: list[float] = []
    size = 0
    data = b""
    for _ in range(runs):
        started = time.perf_counter()
        document = build_document(version, language=language)
        built = time.perf_counter()
        data = render(document, file_format)
        done = time.perf_counter()
        build_ms.append((built - started) * 1000)
        render_ms.append((done - built) * 1000)
        size = len(data)
    tracemalloc.start()
    render(build_document(version, language=language), file_format)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    pages = 0
    if file_format == "pdf":
        from vidnova.plans.tests.exports_support import pdf_page_count

        pages = pdf_page_count(data)
    totals = [b + r for b, r in zip(build_ms, render_ms, strict=True)]
    return {
        "format": file_format,
        "language": language,
        "runs": runs,
        "build_ms": statistics.median(build_ms),
        "render_ms": statistics.median(render_ms),
        "total_ms": statistics.median(totals),
        "fastest_ms": min(totals),
        "slowest_ms": max(totals),
        "size_kb": size / 1024,
        "pages": pages,
        "tracemalloc_peak_mb": peak / 1024 / 1024,
        "rss_before_mb": baseline,
        "rss_peak_mb": peak_rss_mb(),
    }


# --- the parent: the site, the plan, one child per case -------------------------------------------


def make_plan() -> tuple[int, str]:
    import datetime

    from vidnova.plans.documents.sample import fill_version
    from vidnova.plans.models import GoalNode, Section
    from vidnova.plans.services.plans import plan_create
    from vidnova.registry.models import Hromada

    hromada = Hromada.objects.get(katottg=BUCHANSKA)
    plan = plan_create(
        acting_user=None,
        hromada=hromada,
        plan_type="local_recovery_plan",
        title_uk="План відновлення Бучанської громади (бенчмарк)",
        title_en="Recovery plan of Buchanska hromada (benchmark)",
        starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2029, 12, 31),
    )
    version = plan.versions.get()
    fill_version(version, goal_nodes=GOAL_NODES, financing_rows=FINANCING_ROWS)
    sections = Section.objects.filter(plan_version=version).count()
    nodes = GoalNode.objects.filter(plan_version=version).count()
    financing = len(Section.objects.get(plan_version=version, code="financing").tables["financing"])
    return version.pk, f"{sections} sections, {nodes} goal-tree nodes, {financing} financing rows"


def child_database_url() -> str:
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings.get("USER") or ""
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    at = "@" if user else ""
    return f"postgres://{user}{password}{at}{settings.get('HOST') or '127.0.0.1'}:{settings.get('PORT') or 5432}/{settings['NAME']}"


def run(runs: int, database_url: str | None) -> str:
    sys.path.insert(0, str(BENCH_DIR))
    from bench_pages import prepared_site

    with prepared_site(database_url) as environment:
        step("writing the plan")
        version_id, description = make_plan()
        env = {**os.environ, "DATABASE_URL": child_database_url()}
        rows = []
        for file_format, language in CASES:
            step(f"{file_format.upper()} in {language}: {runs} runs in a fresh process")
            output = subprocess.run(
                [sys.executable, __file__, "--child", str(version_id), file_format, language, "--runs", str(runs)],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            result = json.loads(output.stdout.strip().splitlines()[-1])
            rows.append(
                f"| {result['format'].upper()} | {result['language']} | {result['build_ms']:.0f} | "
                f"{result['render_ms']:.0f} | {result['total_ms']:.0f} | {result['fastest_ms']:.0f} | "
                f"{result['slowest_ms']:.0f} | {result['size_kb']:.0f} | {result['pages'] or '–'} | "
                f"{result['tracemalloc_peak_mb']:.1f} | {result['rss_before_mb']:.0f} | {result['rss_peak_mb']:.0f} | "
                f"{result['rss_peak_mb'] - result['rss_before_mb']:.0f} |"
            )
        header = [
            f"Plan: {description}, text in Ukrainian and English. {environment.details}. "
            f"Median of {runs} runs per row, each row in a fresh process.",
            "",
            "| Format | Language | build ms | render ms | total ms (median) | fastest | slowest | file KB | pages | "
            "tracemalloc peak MB | RSS before MB | RSS peak MB | added MB |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        return "\n".join(header + rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="runs per format and language (default 5)")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL") or None,
        help="PostgreSQL server (the benchmark creates and drops test_<name>); default: $DATABASE_URL if set, "
        "otherwise a temporary SQLite file",
    )
    parser.add_argument("--child", nargs=3, metavar=("VERSION_ID", "FORMAT", "LANGUAGE"), help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.child:
        version_id, file_format, language = options.child
        print(json.dumps(child(int(version_id), file_format, language, options.runs)))
        return
    print(run(max(1, options.runs), options.database_url))


if __name__ == "__main__":
    main()
