"""How long loading the registry takes: first load, repeated (no-op) load, forced reload.

    .venv/bin/python benchmarks/bench_registry_load.py                   # throwaway SQLite file
    .venv/bin/python benchmarks/bench_registry_load.py --database-url postgres://postgres@127.0.0.1:5432/bench_registry

With a PostgreSQL URL the database's ``public`` schema is dropped and migrated again before every run,
so the script refuses any database whose name does not start with "bench" (pass --destroy to insist).
Prints a markdown table (the median of --repeat runs, each on a fresh database).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="PostgreSQL URL (default: a new SQLite file in a temporary directory)")
    parser.add_argument("--repeat", type=int, default=3, help="runs on a fresh database (default 3)")
    parser.add_argument("--destroy", action="store_true", help="allow a PostgreSQL database not named bench*")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="vidnova-bench-"))
    os.environ["VIDNOVA_DEMO"] = "true"
    os.environ["VIDNOVA_DATA_DIR"] = str(workdir)  # the demo secret key goes here, not into var/
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "vidnova.settings"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(PROJECT_DIR))

    import django

    django.setup()
    from django.db import connection

    if connection.vendor == "postgresql":
        name = str(connection.settings_dict["NAME"])
        if not name.startswith("bench") and not args.destroy:
            sys.exit(f"Refusing to drop the schema of database {name!r}: its name does not start with 'bench'.")

    runs = [run_once() for _ in range(max(1, args.repeat))]
    print_table(runs, args.repeat)


def reset_database() -> None:
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
    else:
        connection.close()
        path = Path(str(connection.settings_dict["NAME"]))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    call_command("migrate", verbosity=0, interactive=False, skip_checks=True)


def run_once() -> dict[str, Any]:
    from vidnova.registry.services import registry_load

    reset_database()
    timings: dict[str, Any] = {}
    for step, force in (("first load", False), ("second load (no-op)", False), ("forced reload", True)):
        started = time.perf_counter()
        result = registry_load(acting_user=None, force=force)
        timings[step] = time.perf_counter() - started
        written = sum(result.created.values()) + sum(result.updated.values()) + result.periods_created
        timings[f"{step} rows"] = written + result.former_names_added
        if step == "second load (no-op)":
            assert result.already_loaded, "the second load should find the data loaded"
    timings["totals"] = result.totals
    return timings


def print_table(runs: list[dict[str, Any]], repeat: int) -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
    else:
        import sqlite3

        database = f"SQLite {sqlite3.sqlite_version} (file, WAL)"
    totals = runs[0]["totals"]
    print(f"Registry load on {database}; Python {platform.python_version()}, {os.cpu_count()} CPUs;")
    print(
        f"{totals['top_level_units']} top-level units, {totals['raions']} raions, {totals['hromadas']} hromadas, "
        f"{totals['codifier_units']} codifier units, {totals['dutch_municipalities']} Dutch municipalities; "
        f"median of {repeat} run(s) on a fresh database.\n"
    )
    print("| Step | Seconds (median) | Fastest | Slowest | Rows written |")
    print("|---|---:|---:|---:|---:|")
    for step in ("first load", "second load (no-op)", "forced reload"):
        values = [run[step] for run in runs]
        print(
            f"| {step} | {statistics.median(values):.3f} | {min(values):.3f} | {max(values):.3f} "
            f"| {runs[0][f'{step} rows']:,} |"
        )


if __name__ == "__main__":
    main()
