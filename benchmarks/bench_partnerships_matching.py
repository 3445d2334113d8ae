"""Partnership matching at scale (issue 5): ``engine.match`` over up to 1,469 hromadas × 400 offers.

    .venv/bin/python benchmarks/bench_partnerships_matching.py
    .venv/bin/python benchmarks/bench_partnerships_matching.py --repeat 5 --seed 5 --sizes 100,400,1469
    .venv/bin/python benchmarks/bench_partnerships_matching.py --docs /tmp/docs_matching.md

Builds synthetic but realistic ``MatchInput``s from the repository's registry data, without a
database (the engine is a pure function of its input):

* hromadas: the 1,469 hromadas of ``vidnova/registry/data/ukraine/ua_hromadas.csv`` outside Crimea
  with their type (urban, settlement, rural) and 2022 population; smaller sizes take the first N of
  a seeded shuffle. Each has 3–8 needs drawn from the 20 themes of
  ``vidnova/partnerships/data/themes.csv`` (an assessment dimension scoring 5–49 out of 100, about
  one in four also repeated by a project idea or a need typed by hand), working languages (Ukrainian,
  often English), preferred modes for half of them, and a security status (occupied since 2014 as the
  registry marks it, about 6 % active hostilities, 10 % possible hostilities);
* 400 offers: 300 from Dutch municipalities of ``vidnova/registry/data/netherlands/nl_gemeenten_2024.csv``
  (with their population), 80 from 25 safety regions and 20 from associations and other EU
  municipalities (population unknown); 1–4 themes, 1–3 modes, capacity 1–5 (one in ten with a place
  already taken), Dutch and English plus sometimes Ukrainian, German or Polish; about 8 % not
  available on the start date;
* about 10 % of hromadas with 1–3 earlier partnerships with an offer's organisation, 20 locks
  (each within its offer's places) and 20 rule-outs.

Measures ``match()`` (scoring every pair, the assignment without the fairness weight, with it a second
assignment, explanations of every suggestion and unmatched hromada) at 100, 200, 400, 800 and 1,469
hromadas (offers fixed at 400), with fairness weight 0 and 30: wall time (time.perf_counter) over
--repeat runs, fastest and median; then in a fresh process per case (so its numbers are its own) the
peak of traced allocations (tracemalloc, numpy's arrays included) and the growth of the peak resident
set size (getrusage ru_maxrss after the run minus before it, input already built). Prints a markdown
table; ``--docs PATH`` also writes it into the "Benchmark results" section of that markdown file.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import multiprocessing
import os
import platform
import random
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
HROMADAS_CSV = PROJECT_DIR / "vidnova" / "registry" / "data" / "ukraine" / "ua_hromadas.csv"
MUNICIPALITIES_CSV = PROJECT_DIR / "vidnova" / "registry" / "data" / "netherlands" / "nl_gemeenten_2024.csv"
THEMES_CSV = PROJECT_DIR / "vidnova" / "partnerships" / "data" / "themes.csv"
DEFAULT_SIZES = (100, 200, 400, 800, 1469)
MODES = ("peer_exchange", "study_visit", "remote_coaching", "expert_mission", "equipment_donation")
SECTION = "## Benchmark results"

if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def build_input(hromada_count: int, offer_count: int, fairness: int, seed: int) -> Any:
    """A seeded synthetic MatchInput of ``hromada_count`` registry hromadas and ``offer_count`` offers."""
    from vidnova.partnerships.matching.types import (
        SOURCE_ASSESSMENT,
        SOURCE_MANUAL,
        SOURCE_PROJECT,
        HromadaInput,
        MatchInput,
        NeedInput,
        OfferInput,
        Weights,
    )

    rng = random.Random(seed)
    themes = read_csv(THEMES_CSV)
    dimensions = {row["code"]: row["dimensions"].split() for row in themes}
    theme_codes = [row["code"] for row in themes]
    registry = sorted(
        (row for row in read_csv(HROMADAS_CSV) if row["ar_crimea"] != "True"), key=lambda row: row["katottg"]
    )
    rng.shuffle(registry)
    hromadas = []
    for number, row in enumerate(registry[:hromada_count], start=1):
        needs = []
        for theme in rng.sample(theme_codes, rng.randint(3, 8)):
            dimension = rng.choice(dimensions[theme])
            score = rng.randint(5, 49)
            needs.append(
                NeedInput(
                    theme=theme,
                    severity=1 - score / 100,
                    source=SOURCE_ASSESSMENT,
                    facts={
                        "dimension": dimension,
                        "dimension_label": {"uk": dimension, "en": dimension, "nl": dimension},
                        "score": float(score),
                        "threshold": 50.0,
                        "assessment_id": number,
                        "validated_on": "2026-05-03",
                    },
                )
            )
            if rng.random() < 0.25:  # the same theme again from a project idea or typed by hand
                if rng.random() < 0.5:
                    needs.append(
                        NeedInput(theme, 0.5, SOURCE_PROJECT, {"project_id": number, "project_code": f"P-{number}"})
                    )
                else:
                    level = rng.randint(1, 3)
                    needs.append(
                        NeedInput(theme, level / 3, SOURCE_MANUAL, {"need_id": number, "severity_level": level})
                    )
        if row["occupied_before_2022"] == "1":
            status = "temporarily_occupied"
        else:
            draw = rng.random()
            status = "active_hostilities" if draw < 0.06 else "possible_hostilities" if draw < 0.16 else "none"
        hromadas.append(
            HromadaInput(
                id=number,
                name=row["name_latin"],
                hromada_type=row["type_en"],
                population=int(row["population_2022"]) if row["population_2022"] else None,
                languages=frozenset({"uk", "en"} if rng.random() < 0.4 else {"uk"}),
                preferred_modes=frozenset(rng.sample(MODES, rng.randint(1, 2))) if rng.random() < 0.5 else frozenset(),
                security_status=status,
                needs=tuple(needs),
            )
        )

    municipalities = read_csv(MUNICIPALITIES_CSV)
    organisations: list[tuple[int, str, int | None]] = [
        (index + 1, row["name"], int(row["population_2024_01_01"])) for index, row in enumerate(municipalities)
    ]
    regions = [(1000 + n, f"Safety Region {n}", None) for n in range(1, 26)]
    others = [(2000 + n, f"Association or EU municipality {n}", None) for n in range(1, 11)]
    offers = []
    for number in range(1, offer_count + 1):
        draw = rng.random()
        organisation = rng.choice(organisations if draw < 0.75 else regions if draw < 0.95 else others)
        capacity = rng.randint(1, 5)
        languages = {"nl", "en"} | ({"uk"} if rng.random() < 0.15 else set()) | {rng.choice(["de", "pl", "nl"])}
        offers.append(
            OfferInput(
                id=number,
                organisation_id=organisation[0],
                organisation_name=organisation[1],
                title=f"Offer {number}",
                themes=frozenset(rng.sample(theme_codes, rng.randint(1, 4))),
                modes=frozenset(rng.sample(MODES, rng.randint(1, 3))),
                capacity=capacity,
                places_left=capacity - 1 if rng.random() < 0.1 else capacity,
                languages=frozenset(languages),
                population=organisation[2],
                available=rng.random() >= 0.08,
            )
        )

    ties: dict[tuple[int, int], int] = {}
    for hromada in rng.sample(hromadas, len(hromadas) // 10):
        ties[hromada.id, rng.choice(offers).organisation_id] = rng.randint(1, 3)
    locks: set[tuple[int, int]] = set()
    locked_places: dict[int, int] = {}
    candidates = rng.sample(hromadas, len(hromadas))
    for hromada in candidates:
        if len(locks) == 20:
            break
        need_themes = {need.theme for need in hromada.needs}
        fitting = [o for o in offers if o.themes & need_themes and locked_places.get(o.id, 0) < o.places_left]
        if fitting:
            offer = rng.choice(fitting)
            locks.add((hromada.id, offer.id))
            locked_places[offer.id] = locked_places.get(offer.id, 0) + 1
    locked_hromadas = {hromada_id for hromada_id, _offer in locks}
    rule_outs: set[tuple[int, int]] = set()
    while len(rule_outs) < 20:
        hromada = rng.choice(hromadas)
        if hromada.id not in locked_hromadas:
            rule_outs.add((hromada.id, rng.choice(offers).id))
    return MatchInput(
        hromadas=tuple(hromadas),
        offers=tuple(offers),
        weights=Weights(fairness=fairness),
        ties=ties,
        locks=frozenset(locks),
        rule_outs=frozenset(rule_outs),
    )


def measure_memory(hromadas: int, offers: int, fairness: int, seed: int) -> dict[str, float]:
    """Run in a fresh process: the peak RSS growth and traced peak of one match() of this case."""
    from vidnova.partnerships.matching.engine import match

    data = build_input(hromadas, offers, fairness, seed)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    match(data)  # untraced: the resident set size as in production
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    tracemalloc.start()
    match(data)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"traced_mb": peak / 1024 / 1024, "rss_growth_mb": rss_growth / 1024}


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()}, {platform.system()}"


def run(sizes: list[int], offers: int, repeat: int, seed: int) -> str:
    load_before = os.getloadavg()[0]
    cases = [(size, fairness) for size in sizes for fairness in (0, 30)]
    # Memory first, each case in a fresh interpreter, while this process is still small: on Linux a
    # child's ru_maxrss starts from its parent's resident set at the fork.
    context = multiprocessing.get_context("spawn")
    memory: dict[tuple[int, int], dict[str, float]] = {}
    for size, fairness in cases:
        print(f"... memory: {size:,} hromadas, fairness weight {fairness}", file=sys.stderr, flush=True)
        with context.Pool(1) as pool:
            memory[size, fairness] = pool.apply(measure_memory, (size, offers, fairness, seed))

    from vidnova.partnerships.matching.engine import match

    rows = []
    for size, fairness in cases:
        print(f"... time: {size:,} hromadas × {offers} offers, fairness weight {fairness}", file=sys.stderr, flush=True)
        data = build_input(size, offers, fairness, seed)
        seconds = []
        cpu = []
        result = None
        for _ in range(max(1, repeat)):
            started, cpu_started = time.perf_counter(), time.process_time()
            result = match(data)
            seconds.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
        assert result is not None
        needs = sum(len(hromada.needs) for hromada in data.hromadas)
        rural = next(s for s in result.fairness_with if s.dimension == "type" and s.group == "rural")
        case_memory = memory[size, fairness]
        rows.append(
            f"| {size:,} | {offers} | {needs:,} | {fairness} | {min(seconds):.2f} | {statistics.median(seconds):.2f} | "
            f"{statistics.median(cpu):.2f} | "
            f"{case_memory['traced_mb']:.1f} | {case_memory['rss_growth_mb']:.1f} | {len(result.suggestions):,} | "
            f"{len(result.unmatched):,} | {rural.matched}/{rural.seeking} | {result.total_score:,.0f} |"
        )
    load = f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
    header = (
        f"Machine: {machine()}, {load}; measured {datetime.datetime.now(tz=datetime.UTC).date().isoformat()}. Synthetic input (seed {seed}): registry hromadas with 3–8 needs each, "
        f"{offers} offers (capacity 1–5), 20 locks, 20 rule-outs; time of `match()` over {repeat} run(s) "
        "(wall: fastest and median; CPU time of the process: median); in a fresh process per case, the peak of traced allocations (tracemalloc) and "
        "the growth of the peak resident set size (ru_maxrss) during one run, the input already built."
    )
    table = [
        "| hromadas | offers | need rows | fairness weight | fastest s | median s | median CPU s | peak traced MB | "
        "peak RSS growth MB | matched | unmatched | rural matched | total score |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        *rows,
    ]
    return "\n".join([header, "", *table])


def write_docs(path: Path, text: str) -> None:
    """Replace (or add) the "Benchmark results" section of ``path`` with ``text``."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    section = f"{SECTION}\n\n{text}\n"
    if SECTION in old:
        before, _, after = old.partition(SECTION)
        following = after.find("\n## ")
        rest = after[following + 1 :] if following >= 0 else ""
        new = before + section + ("\n" + rest if rest else "")
    else:
        new = (old.rstrip() + "\n\n" if old.strip() else "") + section
    path.write_text(new, encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--sizes",
        default=",".join(str(size) for size in DEFAULT_SIZES),
        help="hromada counts, comma-separated (default 100,200,400,800,1469; at most 1,469)",
    )
    parser.add_argument("--offers", type=int, default=400, help="offers (default 400)")
    parser.add_argument("-n", "--repeat", type=int, default=3, help="timed runs per case (default 3)")
    parser.add_argument("--seed", type=int, default=5, help="seed of the synthetic input (default 5)")
    parser.add_argument(
        "--docs", type=Path, help='also write the table into the "Benchmark results" section of this file'
    )
    options = parser.parse_args(argv)
    sizes = [int(size) for size in options.sizes.split(",") if size.strip()]
    text = run(sizes, options.offers, options.repeat, options.seed)
    print(text)
    if options.docs:
        write_docs(options.docs, text)


if __name__ == "__main__":
    main()
