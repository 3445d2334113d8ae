"""Importing a Kobo export of 1,469 rows into an assessment round: dry run and apply, time and memory.

    .venv/bin/python benchmarks/bench_assessment_import.py
    .venv/bin/python benchmarks/bench_assessment_import.py --database-url postgres://postgres@127.0.0.1:5432/vidnova_bench
    .venv/bin/python benchmarks/bench_assessment_import.py --rows 300 --seed 6

Builds a throwaway database (a temporary SQLite file, or ``test_<name>`` on the PostgreSQL server of
--database-url, dropped at the end), loads the real registry (all hromadas) with the real loader,
puts the first --rows hromadas (default 1,469: all of them) in a programme, loads the default
instrument and opens a baseline round for them. Then writes a Kobo-style XLSX export: Kobo's
metadata columns (start, end, _id, _uuid, _submission_time, __version__, _index, meta/instanceID),
headers as group paths (``group/sub/question``), every ``select_multiple`` both as its
space-separated column and as one column per choice (1/0), the hromada's KATOTTG code, and one row per
hromada with plausible answers: every question shown by the skip logic answered with a random value
that passes its checks (choices lean towards the middle of the scale), hidden questions left blank.

Measured (with ``vidnova.assessments.services.kobo``, as the page and the command use it): the dry
run (read, map, match, check every value, store the report) and the apply (the check again inside
the transaction, answers written in bulk, every assessment submitted and scored), each once, then
each once more under tracemalloc for the peak of Python allocations.
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import platform
import random
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent


def step(message: str) -> None:
    print(f"... {message}", file=sys.stderr, flush=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1469, help="hromadas / rows in the export (default 1,469)")
    parser.add_argument("--seed", type=int, default=6, help="seed of the synthetic answers (default 6)")
    parser.add_argument("--database-url", help="PostgreSQL server to use (test_<name> is created and dropped)")
    return parser.parse_args()


def random_value(question: dict[str, Any], definition: dict[str, Any], rng: random.Random) -> str:
    kind = question["type"]
    if kind == "select_one":
        names = [str(choice["name"]) for choice in definition["choices"][question["list"]]]
        return names[min(len(names) - 1, int(rng.triangular(0, len(names), len(names) / 2.5)))]
    if kind == "select_multiple":
        names = [str(c["name"]) for c in definition["choices"][question["list"]] if c["name"] != "none"]
        ticked = rng.sample(names, rng.randint(1, len(names))) if rng.random() > 0.1 else ["none"]
        return " ".join(ticked)
    if kind == "integer":
        return str(rng.choice([0, rng.randint(1, 50), rng.randint(100, 40000)]))
    if kind == "decimal":
        return f"{rng.uniform(0, 100):.2f}"
    if kind == "date":
        return f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    return rng.choice(["Так", "Частково, див. коментар", "Plan adopted in 2025", "Немає даних"])


def plausible_answers(form: Any, rng: random.Random) -> dict[str, str]:
    """Answers that pass every check: each shown question answered with a value its checks accept."""
    from vidnova.assessments import answers as rules

    definition = form.definition
    for _attempt in range(50):
        answers: dict[str, str] = {}
        for question in form.answerable():
            for _try in range(30):
                value = random_value(question, definition, rng)
                try:
                    answers[question["name"]] = rules.clean_value(form, question["name"], value, answers)
                    break
                except rules.AnswerInvalid:
                    continue
        shown = rules.relevant_questions(form, answers)
        answers = {name: value for name, value in answers.items() if name in shown}
        if not rules.missing_required(form, answers) and not rules.invalid_answers(form, answers):
            return answers
    raise RuntimeError("could not build a valid row")


def group_path(definition: dict[str, Any], question: dict[str, Any]) -> str:
    parents = {group["name"]: group.get("parent") for group in definition["groups"]}
    parts = [question["name"]]
    group = question.get("group")
    while group:
        parts.insert(0, group)
        group = parents.get(group)
    return "/".join(parts)


def kobo_export(form: Any, hromadas: list[tuple[str, str]], rng: random.Random) -> bytes:
    import openpyxl  # type: ignore[import-untyped]

    definition = form.definition
    headers: list[str] = ["start", "end", "today", "hromada_katottg", "hromada"]
    columns: list[tuple[str, str, str]] = []  # (header, question, choice)
    for question in form.answerable():
        path = group_path(definition, question)
        headers.append(path)
        columns.append((path, question["name"], ""))
        if question["type"] == "select_multiple":
            for choice in definition["choices"][question["list"]]:
                headers.append(f"{path}/{choice['name']}")
                columns.append((f"{path}/{choice['name']}", question["name"], str(choice["name"])))
    headers += ["meta/instanceID", "_id", "_uuid", "_submission_time", "_validation_status", "__version__", "_index"]
    # A normal workbook (not write_only) records the sheet's dimension, as Kobo's exports do.
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Needs assessment"
    sheet.append(headers)
    for index, (katottg, name) in enumerate(hromadas, start=1):
        answers = plausible_answers(form, rng)
        started = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC) + datetime.timedelta(minutes=index)
        # Kobo writes start and end as ISO text with the offset (Excel cells cannot hold a time zone).
        ended = started + datetime.timedelta(minutes=50)
        cells: list[Any] = [started.isoformat(), ended.isoformat(), started.date(), katottg, name]
        for _header, question, choice in columns:
            value = answers.get(question, "")
            if choice:
                cells.append((1 if choice in value.split() else 0) if value else None)
            elif form.questions[question]["type"] == "integer" and value:
                cells.append(int(value))
            else:
                cells.append(value or None)
        uuid = f"{rng.getrandbits(128):032x}"
        cells += [f"uuid:{uuid}", 100000 + index, uuid, started.isoformat(), "", "vBench", index]
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def main() -> None:
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="vidnova-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "vidnova.settings"
    os.environ["VIDNOVA_DEMO"] = "true"
    os.environ["DEBUG"] = "false"
    os.environ["VIDNOVA_DATA_DIR"] = str(workdir)
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    sys.path.insert(0, str(PROJECT_DIR))

    import django

    django.setup()
    from django.db import connection

    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = str(workdir / "bench.sqlite3")
    step("creating the database")
    test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        run(args, connection)
    finally:
        connection.creation.destroy_test_db(test_name, verbosity=0)
        shutil.rmtree(workdir, ignore_errors=True)


def run(args: argparse.Namespace, connection: Any) -> None:
    import django

    from vidnova.accounts.models import Role
    from vidnova.assessments.models import Answer, AssessmentState, DimensionResult
    from vidnova.assessments.services import instrument_load_default
    from vidnova.assessments.services.kobo import import_apply, import_check
    from vidnova.assessments.services.rounds import round_open
    from vidnova.assessments.services.scores import form_of
    from vidnova.programmes.models import Participation
    from vidnova.registry.models import Hromada
    from vidnova.registry.services import registry_load
    from vidnova.testing import factories

    step("loading the registry")
    registry_load(acting_user=None)
    hromadas = list(Hromada.objects.order_by("katottg")[: args.rows])
    step(f"programme, coordinator and a baseline round of {len(hromadas):,} hromadas")
    programme = factories.ProgrammeFactory(slug="bench-import")
    phase = factories.PhaseFactory(programme=programme, number=1)
    Participation.objects.bulk_create(Participation(phase=phase, hromada=h) for h in hromadas)
    coordinator = factories.UserFactory(email="coordinator@example.org")
    factories.MembershipFactory(user=coordinator, role=Role.PROGRAMME_COORDINATOR, programme=programme)
    version = instrument_load_default()
    round_ = round_open(
        acting_user=coordinator,
        programme=programme,
        instrument_version=version,
        name_uk="Базове оцінювання",
        opens_on=datetime.date(2026, 12, 1),
        deadline=datetime.date(2027, 1, 31),
        hromadas=hromadas,
    )
    form = form_of(version)
    step("writing the Kobo-style export")
    rng = random.Random(args.seed)
    started = time.perf_counter()
    data = kobo_export(form, [(h.katottg, h.name_uk) for h in hromadas], rng)
    build_seconds = time.perf_counter() - started

    step("dry run")
    started, cpu = time.perf_counter(), time.process_time()
    imported = import_check(acting_user=coordinator, round_=round_, data=data, filename="kobo-export.xlsx")
    check_seconds, check_cpu = time.perf_counter() - started, time.process_time() - cpu
    if imported.error_count:
        first = [row for row in imported.report["rows"] if row["errors"]][:3]
        raise SystemExit(f"the export has {imported.error_count} errors: {imported.report['errors'][:3]} {first}")
    step("apply")
    started, cpu = time.perf_counter(), time.process_time()
    import_apply(acting_user=coordinator, submission_import=imported)
    apply_seconds, apply_cpu = time.perf_counter() - started, time.process_time() - cpu
    submitted = round_.assessments.filter(state=AssessmentState.SUBMITTED).count()
    answers = Answer.objects.filter(assessment__round=round_).count()
    dimension_rows = DimensionResult.objects.filter(assessment__round=round_).count()

    step("dry run and apply again under tracemalloc (the apply replaces the answers just imported)")
    tracemalloc.start()
    again = import_check(acting_user=coordinator, round_=round_, data=data, filename="kobo-export.xlsx")
    _current, check_peak = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    import_apply(acting_user=coordinator, submission_import=again)
    _current, apply_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version")
        db_version = cursor.fetchone()[0]
    header_count = len(imported.report["columns"])
    print(
        f"Kobo import; {connection.vendor} {db_version}, Python {platform.python_version()}, Django "
        f"{django.get_version()}, {os.cpu_count()} CPUs. Real registry; {len(hromadas):,} hromadas in the round; "
        f"default instrument ({len(form.answerable())} answerable questions). Export: {len(data) / 1024 / 1024:.1f} MB "
        f"XLSX, {header_count} columns, {imported.row_count:,} rows, written in {build_seconds:.1f} s (seed {args.seed}).\n"
    )
    print("| Measure | Value |")
    print("|---|---:|")
    print(f"| Dry run (read, map, match, check, store report), seconds | {check_seconds:.2f} |")
    print(f"| … of which CPU time of this process, seconds | {check_cpu:.2f} |")
    print(f"| Apply (check again, write answers, submit, score), seconds | {apply_seconds:.2f} |")
    print(f"| … of which CPU time of this process, seconds | {apply_cpu:.2f} |")
    print(f"| Peak Python allocations, dry run (tracemalloc), MB | {check_peak / 1024 / 1024:.1f} |")
    print(
        f"| Peak Python allocations, apply over the imported answers (tracemalloc), MB | {apply_peak / 1024 / 1024:.1f} |"
    )
    print(
        f"| Assessments submitted / answers stored / dimension scores | {submitted:,} / {answers:,} / {dimension_rows:,} |"
    )


if __name__ == "__main__":
    main()
