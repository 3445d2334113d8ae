"""Time the main registry pages and API endpoints.

    .venv/bin/python benchmarks/bench_pages.py                     # SQLite file in a temporary directory
    .venv/bin/python benchmarks/bench_pages.py --database-url postgres://postgres@127.0.0.1:5432/vidnova_bench
    .venv/bin/python benchmarks/bench_pages.py -n 200

Builds a throwaway database (for PostgreSQL: ``test_<name>`` next to the named database, dropped at
the end), loads the real registry with the real loader, creates the demo, collects static files,
then requests each page N times with Django's test ``Client``: in-process, so the numbers are the
application and database time of one request (URL routing, middleware, views, queries, template
rendering), without network, TLS, gunicorn or a browser. Prints a markdown table of the median and
95th percentile in milliseconds.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from io import StringIO
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
BUCHANSKA = "UA32080070000050759"  # Buchanska urban hromada
KYIV_OBLAST = "UA32000000000030281"


@dataclass(frozen=True)
class Environment:
    database: str
    details: str


@contextmanager
def prepared_site(database_url: str | None) -> Iterator[Environment]:
    """Configure Django for a throwaway copy of the site with the real registry and the demo.

    Demo mode (plain HTTP, console email) with production-like static files: collectstatic into a
    temporary directory, served through the manifest storage as in production.
    """
    workdir = Path(tempfile.mkdtemp(prefix="vidnova-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "vidnova.settings"
    os.environ["VIDNOVA_DEMO"] = "true"
    os.environ["DEBUG"] = "false"
    os.environ["VIDNOVA_DATA_DIR"] = str(workdir)
    os.environ["VIDNOVA_STATIC_ROOT"] = str(workdir / "static")
    os.environ["ALLOWED_HOSTS"] = "testserver,localhost,127.0.0.1"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    if str(PROJECT_DIR) not in sys.path:
        sys.path.insert(0, str(PROJECT_DIR))

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = str(workdir / "bench.sqlite3")
    out = StringIO()
    step("creating the database")
    test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        step("collecting static files")
        call_command("collectstatic", "--no-input", verbosity=0, stdout=out)
        step("loading the registry")
        from vidnova.registry.services import registry_load

        started = time.perf_counter()
        registry_load(acting_user=None)
        load_seconds = time.perf_counter() - started
        step("creating the demo")
        call_command("create_demo", stdout=out)
        with connection.cursor() as cursor:
            cursor.execute("SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version")
            version = cursor.fetchone()[0]
        details = (
            f"{connection.vendor} {version}, Python {platform.python_version()}, Django {django.get_version()}, "
            f"{os.cpu_count()} CPU cores; registry loaded in {load_seconds:.1f} s"
        )
        yield Environment(database=f"{connection.vendor} ({test_name})", details=details)
    finally:
        connection.creation.destroy_test_db(test_name, verbosity=0)
        shutil.rmtree(workdir, ignore_errors=True)


def step(message: str) -> None:
    """Progress goes to standard error, so standard output is only the table."""
    print(f"... {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Case:
    name: str
    path: str


def cases() -> list[Case]:
    return [
        Case("Hromada list, page 1", "/hromadas/"),
        Case("Hromada list, oblast filter", f"/hromadas/?oblast={KYIV_OBLAST}"),
        Case("Hromada search “Buchanska”", "/hromadas/?q=Buchanska"),
        Case("Hromada search “самарів”", "/hromadas/?q=самарів"),
        Case("Hromada page", f"/hromadas/{BUCHANSKA}/"),
        Case("Map", "/hromadas/map/"),
        Case("API: hromada list", "/api/v1/hromadas/"),
        Case("API: hromada search", "/api/v1/hromadas/?q=Buchanska"),
    ]


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def count_queries(request: Callable[[], Any]) -> int:
    """Database queries one request makes (the session and cache queries included)."""
    from django.db import connection

    count = 0

    def counter(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        request()
    return count


def measure(request: Callable[[], Any], repeat: int, warmup: int = 3) -> list[float]:
    for _ in range(warmup):
        request()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        request()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def run(repeat: int, database_url: str | None) -> str:
    with prepared_site(database_url) as environment:
        from django.core.cache import cache
        from django.test import Client

        client = Client()
        rows = []
        for case in cases():
            cache.clear()  # anonymous API requests are throttled per hour, counted in the cache
            response = client.get(case.path)
            if response.status_code != 200:
                raise SystemExit(f"{case.path} answered {response.status_code}; is that page finished?")
            queries = count_queries(partial(client.get, case.path))

            def get(path: str = case.path) -> None:
                response = client.get(path)
                if response.status_code != 200:
                    raise SystemExit(f"{path} answered {response.status_code} during the benchmark")

            step(f"timing {case.path}")
            samples = measure(get, repeat)
            rows.append(
                f"| {case.name} | `{case.path}` | {statistics.median(samples):.1f} | "
                f"{percentile(samples, 0.95):.1f} | {queries} | {len(response.content) / 1024:.1f} |"
            )
        header = [
            f"Database: {environment.details}. N = {repeat} requests per row after 3 warm-up requests, "
            "anonymous, in-process Django test client (no network or WSGI server).",
            "",
            "| Request | URL | median ms | p95 ms | queries | response KB |",
            "| --- | --- | ---: | ---: | ---: | ---: |",
        ]
        return "\n".join(header + rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--repeat", type=int, default=50, help="requests per page (default 50)")
    parser.add_argument(
        "--database-url",
        help="PostgreSQL server to use, e.g. postgres://postgres@127.0.0.1:5432/vidnova_bench "
        "(the benchmark creates and drops test_<name>); default: a temporary SQLite file",
    )
    options = parser.parse_args(argv)
    print(run(options.repeat, options.database_url))


if __name__ == "__main__":
    main()
