"""Scoring a whole cohort: 1,469 hromadas × the default instrument, time and peak memory.

    .venv/bin/python benchmarks/bench_assessment_scoring.py
    .venv/bin/python benchmarks/bench_assessment_scoring.py --hromadas 1469 --repeat 7 --seed 6

Compiles the default instrument (vidnova/assessments/data/default_instrument.xlsx: 105 questions,
70 of them scored, 15 dimensions) once, then builds synthetic answers for every hromada: every
question answered with a random valid value for its type (context gates included, so the skip logic
varies between hromadas: shelters, explosive-ordnance contamination, IDPs, military administration),
and about one answer in forty left out so completeness varies too. Then ``scoring.score`` runs over
all of them --repeat times (median, fastest, slowest; the results are kept in a list, as a cohort view
would), and once more under tracemalloc for the peak of Python allocations. No database is used:
scoring is a pure function of the definition and the answers.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
INSTRUMENT = PROJECT_DIR / "vidnova" / "assessments" / "data" / "default_instrument.xlsx"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hromadas", type=int, default=1469, help="assessments to score (default 1,469)")
    parser.add_argument("--repeat", type=int, default=5, help="passes over the whole cohort (default 5)")
    parser.add_argument("--seed", type=int, default=6, help="seed of the synthetic answers (default 6)")
    return parser.parse_args()


def peak_rss_mb() -> float:
    """The peak resident set size of this process (VmHWM on Linux, getrusage elsewhere)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    except (OSError, ValueError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synthetic_answers(definition: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """One hromada's answers: a random valid value for every question, a few left out."""
    answers: dict[str, Any] = {}
    for question in definition["questions"]:
        kind = question["type"]
        if kind == "note" or rng.random() < 0.025:
            continue
        if kind == "select_one":
            names = [choice["name"] for choice in definition["choices"][question["list"]]]
            # levels lean towards the middle of the scale, as real self-assessments do
            answers[question["name"]] = names[min(len(names) - 1, int(rng.triangular(0, len(names), len(names) / 2.5)))]
        elif kind == "select_multiple":
            names = [choice["name"] for choice in definition["choices"][question["list"]] if choice["name"] != "none"]
            ticked = rng.sample(names, rng.randint(0, len(names)))
            answers[question["name"]] = " ".join(ticked) if ticked else "none"
        elif kind == "integer":
            answers[question["name"]] = str(rng.choice([0, 0, rng.randint(1, 50), rng.randint(100, 40000)]))
        elif kind == "decimal":
            answers[question["name"]] = f"{rng.uniform(0, 100):.2f}"
        elif kind == "date":
            answers[question["name"]] = f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        else:
            answers[question["name"]] = "Synthetic answer"
    return answers


def main() -> None:
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="vidnova-bench-"))
    os.environ["VIDNOVA_DEMO"] = "true"
    os.environ["VIDNOVA_DATA_DIR"] = str(workdir)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ["DJANGO_SETTINGS_MODULE"] = "vidnova.settings"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(PROJECT_DIR))

    import django

    django.setup()
    from vidnova.assessments.scoring import prepare, score, training_needs, weakest_dimensions
    from vidnova.assessments.xlsform import compile_xlsform

    started = time.perf_counter()
    definition = compile_xlsform(INSTRUMENT.read_bytes(), INSTRUMENT.name)
    compile_seconds = time.perf_counter() - started

    rng = random.Random(args.seed)
    cohort = [synthetic_answers(definition, rng) for _ in range(args.hromadas)]
    score(definition, cohort[0])  # warm up (imports, caches) outside the measurement

    # As a cohort view would: prepare the definition once per pass, then score every hromada.
    passes: list[float] = []
    per_assessment_ms: list[float] = []
    results: list[Any] = []
    for _ in range(max(1, args.repeat)):
        results = []
        pass_started = time.perf_counter()
        prepared = prepare(definition)
        for answers in cohort:
            one_started = time.perf_counter()
            results.append(score(prepared, answers))
            per_assessment_ms.append((time.perf_counter() - one_started) * 1000)
        passes.append(time.perf_counter() - pass_started)
    # Without preparing: score(definition, answers) indexes the definition on every call.
    unprepared: list[float] = []
    for _ in range(max(1, args.repeat)):
        pass_started = time.perf_counter()
        for answers in cohort:
            score(definition, answers)
        unprepared.append(time.perf_counter() - pass_started)

    started = time.perf_counter()
    reading = [(weakest_dimensions(result, 3), training_needs(result)) for result in results]
    reading_seconds = time.perf_counter() - started

    tracemalloc.start()
    prepared = prepare(definition)
    kept = [score(prepared, answers) for answers in cohort]
    _current, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    questions = len(definition["questions"])
    scored = sum(1 for question in definition["questions"] if question.get("scored"))
    dimensions = len(results[0].dimensions)
    skipped = statistics.mean(result.questions - result.applicable for result in results)
    completeness = statistics.mean(float(result.completeness or 0) for result in results)
    needs = statistics.mean(len(needs) for _weakest, needs in reading)
    ordered = sorted(per_assessment_ms)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]

    print(f"Assessment scoring; Python {platform.python_version()}, {os.cpu_count()} CPUs, no database;")
    print(
        f"default instrument: {questions} questions ({scored} scored, {dimensions} dimensions), compiled in "
        f"{compile_seconds:.2f} s; {len(cohort):,} hromadas with synthetic answers (seed {args.seed}): on average "
        f"{skipped:.1f} scored questions skipped by the logic, completeness {completeness:.1f} %, "
        f"{needs:.1f} training needs (threshold 50); median of {len(passes)} pass(es).\n"
    )
    print("| Measure | Value |")
    print("|---|---:|")
    print(f"| Score all {len(cohort):,} assessments, seconds (median) | {statistics.median(passes):.3f} |")
    print(f"| … fastest / slowest pass, seconds | {min(passes):.3f} / {max(passes):.3f} |")
    print(
        f"| … without prepare() (definition indexed on every call), seconds (median) | {statistics.median(unprepared):.3f} |"
    )
    print(f"| One assessment, ms (median) | {statistics.median(per_assessment_ms):.3f} |")
    print(f"| One assessment, ms (p95) | {p95:.3f} |")
    print(f"| Weakest 3 + training needs for all, seconds | {reading_seconds:.4f} |")
    print(f"| Peak Python allocations while scoring all (tracemalloc), MB | {traced_peak / 1024 / 1024:.1f} |")
    print(f"| Peak resident set size of the process, MB | {peak_rss_mb():.0f} |")
    assert len(kept) == len(cohort)


if __name__ == "__main__":
    main()
