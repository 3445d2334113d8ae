"""A partnership match run end to end (issue 5), as production runs it: ``match_run_execute(run_id)``
reads the input from the database, solves it and stores the suggestions and unmatched hromadas in one
transaction. On SQLite or PostgreSQL.

    .venv/bin/python benchmarks/bench_partnerships_run.py                  # SQLite file in a temporary directory
    .venv/bin/python benchmarks/bench_partnerships_run.py -n 5 --sizes 100,400,1469
    .venv/bin/python benchmarks/bench_partnerships_run.py --database-url postgres://postgres@127.0.0.1:5432/vidnova_bench

Builds a throwaway site like bench_pages.py (real registry with the real loader, the demo, collected
static files), then, written with ``bulk_create`` straight through the ORM (seeded, not timed):

* a programme whose phase 1 has every hromada of the registry outside Crimea (1,469), and phases
  with the first 100, 200, 400 and 800 of a seeded shuffle of them (the run's phase picks its
  hromadas, as a coordinator's choice of phase does);
* a validated assessment per hromada in a baseline round of the default instrument (training
  threshold 50): DimensionResult rows for its 15 dimensions, 3–8 of them under the threshold
  (5–49/100), the others 50–95; security statuses for hromadas that have none (about 6 % active,
  10 % possible hostilities);
* partner search profiles for half of the hromadas (English for 40 % of those, preferred modes for
  half, 3 % not looking for a partner), 200 project ideas seeking partner expertise (1–2 assessment
  dimensions each) and 200 needs typed by hand;
* organisations taking part in the programme: 150 Dutch municipalities of the registry, 25 safety
  regions, 5 other EU municipalities and 5 associations or expert bodies, half with a contact person
  speaking extra languages; 400 open offers (300 from the municipalities, 80 from safety regions, 20
  from the others) with 1–4 themes, 1–3 modes, capacity 1–5, about 8 % not available on the run's
  start day;
* earlier partnerships: a tenth of the hromadas with 1–3 partnerships with an offering organisation
  (ties), and one in ten offers with a place taken by an open partnership;
* 20 locks and 20 rule-outs, set with the real ``constraint_set`` service (which refuses
  contradictions), all on hromadas among the first 100, so every run has the same constraints.

Then, for each size (100, 200, 400, 800, 1,469 hromadas) and fairness weight (0 and 30):

1. wall time of ``match_run_execute`` over N queued runs (default 3), fastest and median, and the
   median CPU time of this process (the database server's own time is not in it);
2. in a fresh process per case (spawned, Django set up, modules imported, connection open), the
   growth of the peak resident set size during one run (VmHWM from /proc/self/status after resetting
   it through /proc/self/clear_refs, so the parent's size at the fork does not count; ru_maxrss where
   that is not possible) and, in a second run, the peak of traced allocations (tracemalloc);
3. one extra run in which ``selectors.matching.build_input`` and ``engine.match`` are timed where
   ``match_run_execute`` calls them; the rest of the run is storing the results (and setting the
   run's status); the queries of each part are counted.

Progress goes to standard error, a markdown table to standard output.
"""

from __future__ import annotations

import argparse
import datetime
import multiprocessing
import os
import random
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from unittest import mock

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
DEFAULT_SIZES = (100, 200, 400, 800, 1469)
FAIRNESS_WEIGHTS = (0, 30)
PROGRAMME_SLUG = "bench-partnerships-run"
STARTS_ON = datetime.date(2026, 9, 1)
THRESHOLD = 50
MODES = ("peer_exchange", "study_visit", "remote_coaching", "expert_mission", "equipment_donation")
LOCKS = 20
RULE_OUTS = 20
CONSTRAINED_AMONG = 100  # locks and rule-outs go to hromadas among the first 100 of the shuffle

for _path in (BENCH_DIR, PROJECT_DIR):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))


def step(message: str) -> None:
    print(f"... {message}", file=sys.stderr, flush=True)


@dataclass
class Site:
    """What the build made: the programme, the phase of each size and counts for the header."""

    programme_id: int
    phase_of_size: dict[int, int]
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)


def build_site(sizes: list[int], offer_count: int, seed: int) -> Site:
    """The programme, its hromadas' assessments, profiles, projects and needs, organisations,
    offers, earlier partnerships and pair constraints (see the module docstring)."""
    from django.db import transaction
    from django.utils import timezone

    from vidnova.assessments.models import Assessment, AssessmentState, DimensionResult, Round
    from vidnova.assessments.selectors.needs import dimension_labels
    from vidnova.assessments.services.instruments import instrument_load_default
    from vidnova.partnerships.models import (
        ConstraintKind,
        ExpertiseOffer,
        HromadaPartnerProfile,
        Need,
        PartnerContact,
        PartnerRole,
        Partnership,
        PartnershipPartner,
        PartnershipStatus,
        Theme,
    )
    from vidnova.partnerships.services.matching import constraint_set
    from vidnova.programmes.models import Organisation, OrganisationKind, Participation, Phase, Programme
    from vidnova.projects.models import Project
    from vidnova.registry.models import DutchMunicipality, Hromada, SecurityStatus, SecurityStatusPeriod
    from vidnova.testing.partnerships import DIMENSION_FIELDS

    started = time.perf_counter()
    rng = random.Random(seed)
    now = timezone.now()
    programme = Programme.objects.create(
        slug=PROGRAMME_SLUG, name_uk="Партнерства (бенчмарк)", name_en="Partnerships benchmark"
    )
    hromadas = list(Hromada.objects.filter(in_crimea=False).order_by("pk"))
    order = hromadas[:]
    rng.shuffle(order)
    total = len(order)

    step(f"programme: {total:,} hromadas in phase 1, subsets in phases of their own")
    phase_of_size: dict[int, int] = {}
    phase_one = Phase.objects.create(programme=programme, number=1, name_uk="Фаза 1", name_en="Phase 1")
    participations = [Participation(phase=phase_one, hromada=h) for h in hromadas]
    for number, size in enumerate(sorted({s for s in sizes if s < total}), start=2):
        phase = Phase.objects.create(
            programme=programme, number=number, name_uk=f"Фаза {number}", name_en=f"Phase {number} ({size})"
        )
        phase_of_size[size] = phase.pk
        participations.extend(Participation(phase=phase, hromada=h) for h in order[:size])
    for size in sizes:
        if size >= total:
            phase_of_size[size] = phase_one.pk
    Participation.objects.bulk_create(participations, batch_size=1000)

    with_status = set(SecurityStatusPeriod.objects.values_list("hromada_id", flat=True))
    statuses = []
    for hromada in hromadas:
        if hromada.pk in with_status or hromada.occupied_before_2022:
            continue
        draw = rng.random()
        if draw < 0.16:
            status = SecurityStatus.ACTIVE_HOSTILITIES if draw < 0.06 else SecurityStatus.POSSIBLE_HOSTILITIES
            statuses.append(SecurityStatusPeriod(hromada=hromada, status=status, starts_on=datetime.date(2024, 1, 1)))
    SecurityStatusPeriod.objects.bulk_create(statuses, batch_size=1000)

    step("validated assessments with 15 dimension scores each")
    version = instrument_load_default(acting_user=None)
    dimensions = sorted(dimension_labels(version.definition))
    missing = set(DIMENSION_FIELDS) - set(dimensions)
    if missing:
        raise SystemExit(f"The default instrument lacks the dimensions {sorted(missing)}")
    dimensions = sorted(DIMENSION_FIELDS)
    round_ = Round.objects.create(
        programme=programme,
        instrument_version=version,
        name_uk="Базова оцінка (бенчмарк)",
        name_en="Baseline (benchmark)",
        opens_on=datetime.date(2026, 1, 1),
        deadline=datetime.date(2026, 3, 1),
        training_threshold=Decimal(THRESHOLD),
    )
    weak_of: dict[int, list[str]] = {}
    scores_of: dict[int, dict[str, Decimal]] = {}
    for hromada in hromadas:
        weak = rng.sample(dimensions, rng.randint(3, 8))
        weak_of[hromada.pk] = weak
        scores_of[hromada.pk] = {
            name: Decimal(rng.randint(500, 4999) if name in weak else rng.randint(5000, 9500)) / 100
            for name in dimensions
        }
    with transaction.atomic():
        assessments = Assessment.objects.bulk_create(
            [
                Assessment(
                    round=round_,
                    hromada=hromada,
                    state=AssessmentState.VALIDATED,
                    validated_at=now - datetime.timedelta(days=rng.randint(1, 200)),
                    scores={"dimensions": {n: {"normalised": float(v)} for n, v in scores_of[hromada.pk].items()}},
                )
                for hromada in hromadas
            ],
            batch_size=500,
        )
        if any(a.pk is None for a in assessments):
            raise SystemExit("This database does not return primary keys from bulk inserts.")
        DimensionResult.objects.bulk_create(
            (
                DimensionResult(
                    assessment=assessment,
                    dimension=name,
                    field=DIMENSION_FIELDS[name],
                    normalised=value,
                    raw=value,
                    scale_max=Decimal(100),
                )
                for assessment in assessments
                for name, value in scores_of[assessment.hromada_id].items()
            ),
            batch_size=1000,
        )

    step("profiles, project ideas and needs typed by hand")
    themes = list(Theme.objects.filter(is_active=True).order_by("code"))
    theme_by_code = {theme.code: theme for theme in themes}
    themes_of_dimension: dict[str, set[str]] = {}
    for theme in themes:
        for dimension in theme.dimensions or []:
            themes_of_dimension.setdefault(dimension, set()).add(theme.code)
    profiles = []
    not_seeking: set[int] = set()
    for hromada in rng.sample(hromadas, total // 2):
        seeks = rng.random() >= 0.03
        if not seeks:
            not_seeking.add(hromada.pk)
        profiles.append(
            HromadaPartnerProfile(
                programme=programme,
                hromada=hromada,
                seeks_partner=seeks,
                languages=["uk", "en"] if rng.random() < 0.4 else ["uk"],
                preferred_modes=sorted(rng.sample(MODES, rng.randint(1, 2))) if rng.random() < 0.5 else [],
            )
        )
    HromadaPartnerProfile.objects.bulk_create(profiles, batch_size=1000)
    projects = []
    for number, hromada in enumerate(rng.sample(hromadas, 200), start=1):
        projects.append(
            Project(
                hromada=hromada,
                programme=programme,
                code=f"BPR-{number:04d}",
                title_uk=f"Проєктна ідея № {number}",
                title_en=f"Project idea no. {number}",
                assessment_dimensions=rng.sample(dimensions, rng.randint(1, 2)),
                seeks_partner_expertise=True,
            )
        )
    Project.objects.bulk_create(projects)
    needs = {}
    for hromada in rng.sample(hromadas, 200):
        theme = rng.choice(themes)
        needs[hromada.pk, theme.pk] = Need(
            programme=programme,
            hromada=hromada,
            theme=theme,
            severity=rng.randint(1, 3),
            description="Потрібна допомога партнерів (бенчмарк).",
        )
    Need.objects.bulk_create(needs.values())

    step(f"partner organisations and {offer_count} offers")
    taken_municipalities = set(
        Organisation.objects.filter(dutch_municipality__isnull=False).values_list("dutch_municipality_id", flat=True)
    )
    free = [m for m in DutchMunicipality.objects.order_by("cbs_code") if m.pk not in taken_municipalities]
    municipalities = rng.sample(free, min(150, len(free)))
    organisations = [
        Organisation(
            kind=OrganisationKind.DUTCH_MUNICIPALITY,
            country="NL",
            name_uk=f"Муніципалітет {m.name}",
            name_en=f"Municipality of {m.name}",
            name_nl=f"Gemeente {m.name}",
            dutch_municipality=m,
        )
        for m in municipalities
    ]
    organisations += [
        Organisation(
            kind=OrganisationKind.SAFETY_REGION,
            country="NL",
            name_uk=f"Регіон безпеки {n}",
            name_en=f"Safety Region {n}",
            name_nl=f"Veiligheidsregio {n}",
        )
        for n in range(1, 26)
    ]
    organisations += [
        Organisation(
            kind=OrganisationKind.EU_MUNICIPALITY
            if n <= 5
            else rng.choice([OrganisationKind.CITIES_ASSOCIATION, OrganisationKind.EXPERT_BODY]),
            country=rng.choice(["PL", "DE", "LT"]) if n <= 5 else "NL",
            name_uk=f"Партнер {n}",
            name_en=f"Partner {n} (EU municipality or association)",
        )
        for n in range(1, 11)
    ]
    organisations = Organisation.objects.bulk_create(organisations)
    Organisation.programmes.through.objects.bulk_create(
        Organisation.programmes.through(organisation_id=o.pk, programme_id=programme.pk) for o in organisations
    )
    PartnerContact.objects.bulk_create(
        PartnerContact(
            organisation=organisation,
            full_name=f"Contact {number}",
            email=f"contact{number}@example.org",
            languages=sorted({"nl", "en"} | set(rng.sample(["uk", "de", "pl", "fr"], rng.randint(0, 2)))),
            is_primary=True,
        )
        for number, organisation in enumerate(organisations)
        if rng.random() < 0.5
    )
    by_kind = {
        "municipality": organisations[: len(municipalities)],
        "region": organisations[len(municipalities) : len(municipalities) + 25],
        "other": organisations[len(municipalities) + 25 :],
    }
    offers = []
    offer_themes: list[list[str]] = []
    for number in range(1, offer_count + 1):
        draw = number / offer_count
        organisation = rng.choice(
            by_kind["municipality"] if draw <= 0.75 else by_kind["region"] if draw <= 0.95 else by_kind["other"]
        )
        codes = rng.sample(sorted(theme_by_code), rng.randint(1, 4))
        offer_themes.append(codes)
        available_from, available_until = datetime.date(2026, 1, 1), None
        if rng.random() < 0.08:  # not available on the run's start day
            if rng.random() < 0.5:
                available_from = STARTS_ON + datetime.timedelta(days=rng.randint(30, 200))
            else:
                available_until = STARTS_ON - datetime.timedelta(days=rng.randint(1, 200))
        offers.append(
            ExpertiseOffer(
                organisation=organisation,
                title=f"Offer {number}: {theme_by_code[codes[0]].name_en}",
                description="Expertise for hromadas (benchmark).",
                modes=sorted(rng.sample(MODES, rng.randint(1, 3))),
                capacity=rng.randint(1, 5),
                languages=sorted({"nl", "en"} | ({"uk"} if rng.random() < 0.15 else set())),
                available_from=available_from,
                available_until=available_until,
            )
        )
    offers = ExpertiseOffer.objects.bulk_create(offers)
    ExpertiseOffer.themes.through.objects.bulk_create(
        ExpertiseOffer.themes.through(expertiseoffer_id=offer.pk, theme_id=theme_by_code[code].pk)
        for offer, codes in zip(offers, offer_themes, strict=True)
        for code in codes
    )

    step("earlier partnerships (ties and places taken)")
    partnerships: list[Partnership] = []
    leads: list[int] = []  # organisation of each partnership, in order
    statuses_open = [PartnershipStatus.PROPOSED, PartnershipStatus.AGREED, PartnershipStatus.ACTIVE]
    for hromada in rng.sample(hromadas, total // 10):
        for _ in range(rng.randint(1, 3)):
            organisation = rng.choice(offers).organisation
            partnerships.append(
                Partnership(
                    programme=programme,
                    hromada=hromada,
                    title=f"Earlier partnership with {organisation.name_en}",
                    status=rng.choice([*statuses_open, PartnershipStatus.CLOSED]),
                )
            )
            leads.append(organisation.pk)
    taken: dict[int, int] = {}
    for offer in rng.sample(offers, len(offers) // 10):
        partnerships.append(
            Partnership(
                programme=programme,
                hromada=rng.choice(hromadas),
                title=f"{offer.title} (place taken)",
                status=PartnershipStatus.ACTIVE,
                offer=offer,
            )
        )
        leads.append(offer.organisation_id)
        taken[offer.pk] = 1
    partnerships = Partnership.objects.bulk_create(partnerships, batch_size=500)
    PartnershipPartner.objects.bulk_create(
        (
            PartnershipPartner(partnership=p, organisation_id=organisation_id, role=PartnerRole.LEAD)
            for p, organisation_id in zip(partnerships, leads, strict=True)
        ),
        batch_size=1000,
    )

    step(f"{LOCKS} locks and {RULE_OUTS} rule-outs through constraint_set")
    constrained = [h for h in order[:CONSTRAINED_AMONG] if h.pk not in not_seeking]
    rng.shuffle(constrained)
    locked_places: dict[int, int] = {}
    locks = 0
    rest = []
    for hromada in constrained:
        if locks == LOCKS:
            rest.append(hromada)
            continue
        need_themes = {code for d in weak_of[hromada.pk] for code in themes_of_dimension.get(d, ())}
        fitting = [
            (offer, codes)
            for offer, codes in zip(offers, offer_themes, strict=True)
            if need_themes & set(codes)
            and offer.is_available_on(STARTS_ON)
            and locked_places.get(offer.pk, 0) < offer.capacity - taken.get(offer.pk, 0)
        ]
        if not fitting:
            rest.append(hromada)
            continue
        offer, _codes = rng.choice(fitting)
        constraint_set(
            acting_user=None,
            programme=programme,
            hromada=hromada,
            offer=offer,
            kind=ConstraintKind.LOCK,
            reason="Agreed at the partnership day (benchmark).",
        )
        locked_places[offer.pk] = locked_places.get(offer.pk, 0) + 1
        locks += 1
    for hromada in rest[:RULE_OUTS]:
        need_themes = {code for d in weak_of[hromada.pk] for code in themes_of_dimension.get(d, ())}
        matching_offers = [o for o, codes in zip(offers, offer_themes, strict=True) if need_themes & set(codes)]
        constraint_set(
            acting_user=None,
            programme=programme,
            hromada=hromada,
            offer=rng.choice(matching_offers or offers),
            kind=ConstraintKind.RULE_OUT,
            reason="The hromada declined this partner (benchmark).",
        )
    counts = {
        "hromadas": total,
        "dimension_results": DimensionResult.objects.filter(assessment__round=round_).count(),
        "profiles": len(profiles),
        "not_seeking": len(not_seeking),
        "projects": len(projects),
        "needs": len(needs),
        "organisations": len(organisations),
        "offers": len(offers),
        "places": sum(o.capacity for o in offers),
        "places_taken": sum(taken.values()),
        "partnerships": len(partnerships),
        "locks": locks,
        "rule_outs": min(RULE_OUTS, len(rest)),
    }
    return Site(
        programme_id=programme.pk,
        phase_of_size=phase_of_size,
        seconds=time.perf_counter() - started,
        counts=counts,
    )


def queued_run(programme_id: int, phase_id: int, fairness: int, title: str) -> int:
    """A queued match run (written directly: match_run_create would also enqueue the task)."""
    from vidnova.partnerships.models import MatchRun, RunStatus

    return MatchRun.objects.create(
        programme_id=programme_id,
        phase_id=phase_id,
        title=title,
        starts_on=STARTS_ON,
        fairness_weight=fairness,
        status=RunStatus.QUEUED,
    ).pk


def finished(run_id: int) -> dict[str, Any]:
    """The run's summary; stops the benchmark when the run did not finish."""
    from vidnova.partnerships.models import MatchRun, RunStatus

    run = MatchRun.objects.get(pk=run_id)
    if run.status != RunStatus.DONE:
        raise SystemExit(f"Match run {run_id} ended {run.status}: {run.error}")
    return dict(run.summary)


def rural(summary: dict[str, Any]) -> str:
    """Rural hromadas matched of those seeking, with the run's fairness weight."""
    for row in summary.get("fairness_with", []):
        if row.get("dimension") == "type" and row.get("group") == "rural":
            return f"{row.get('matched', 0):,}/{row.get('seeking', 0):,}"
    return "–"


# --- memory, in a fresh process --------------------------------------------------------------------


def peak_rss_kb() -> int | None:
    """The process's peak resident set size (VmHWM) in KiB, or None off Linux."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def reset_peak_rss() -> bool:
    """Reset VmHWM to the current resident set size (Linux 4.0+); False where that is not possible."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def measure_memory(database_name: str, run_ids: tuple[int, int]) -> dict[str, float]:
    """In a fresh process: the peak RSS growth of one run and the traced peak of a second one."""
    import django

    django.setup()
    from django.db import connection

    connection.settings_dict["NAME"] = database_name  # the benchmark's test database
    from vidnova.partnerships.models import MatchRun
    from vidnova.partnerships.services.matching import match_run_execute

    MatchRun.objects.filter(pk=run_ids[0]).exists()  # connection open, query machinery warm

    def peak() -> int:
        # VmHWM when it could be reset; otherwise ru_maxrss (KiB on Linux), which may start from the
        # parent's size at the fork and so understate the growth.
        hwm = peak_rss_kb() if resettable else None
        return hwm if hwm is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    resettable = reset_peak_rss()
    before = peak()
    match_run_execute(run_ids[0])
    after = peak()
    tracemalloc.start()
    match_run_execute(run_ids[1])
    _current, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    for run_id in run_ids:
        finished(run_id)
    return {"rss_growth_mb": (after - before) / 1024, "traced_mb": traced_peak / 1024 / 1024}


# --- where the time goes ---------------------------------------------------------------------------


@dataclass
class Split:
    seconds: dict[str, float] = field(default_factory=lambda: {"build": 0.0, "engine": 0.0, "total": 0.0})
    queries: dict[str, int] = field(default_factory=lambda: {"build": 0, "engine": 0, "other": 0})
    hromadas: int = 0
    offers: int = 0
    need_rows: int = 0
    constraints: dict[str, int] = field(default_factory=dict)


@contextmanager
def part(split: Split, name: str, current: list[str]) -> Iterator[None]:
    current.append(name)
    started = time.perf_counter()
    try:
        yield
    finally:
        split.seconds[name] += time.perf_counter() - started
        current.pop()


def split_run(run_id: int) -> Split:
    """Run ``run_id`` with build_input and engine.match timed where match_run_execute calls them."""
    from django.db import connection

    from vidnova.partnerships.matching import engine
    from vidnova.partnerships.selectors import matching as selectors
    from vidnova.partnerships.services.matching import match_run_execute

    split = Split()
    current: list[str] = []
    build_input, match = selectors.build_input, engine.match

    def timed_build(run: Any) -> Any:
        with part(split, "build", current):
            data, info = build_input(run)
        split.hromadas = len(data.hromadas)
        split.offers = len(data.offers)
        split.need_rows = sum(len(h.needs) for h in data.hromadas)
        split.constraints = {key: len(info.get(key, [])) for key in ("locks", "rule_outs", "ignored_constraints")}
        return data, info

    def timed_match(data: Any) -> Any:
        with part(split, "engine", current):
            return match(data)

    def counter(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        split.queries[current[-1] if current else "other"] += 1
        return execute(sql, params, many, context)

    with (
        mock.patch.object(selectors, "build_input", timed_build),
        mock.patch.object(engine, "match", timed_match),
        connection.execute_wrapper(counter),
    ):
        started = time.perf_counter()
        match_run_execute(run_id)
        split.seconds["total"] = time.perf_counter() - started
    finished(run_id)
    return split


# --- the benchmark ---------------------------------------------------------------------------------


def run(sizes: list[int], offers: int, repeat: int, seed: int, database_url: str | None) -> str:
    from bench_pages import prepared_site
    from bench_partnerships_matching import machine

    load_before = os.getloadavg()[0]
    with prepared_site(database_url) as environment:
        from django.db import connection
        from django.utils import timezone

        from vidnova.partnerships.services.matching import match_run_execute
        from vidnova.registry.models import Hromada

        total = Hromada.objects.filter(in_crimea=False).count()
        sizes = sorted({min(size, total) for size in sizes})
        site = build_site(sizes, offers, seed)
        database_name = str(connection.settings_dict["NAME"])
        cases = [(size, fairness) for size in sizes for fairness in FAIRNESS_WEIGHTS]

        memory: dict[tuple[int, int], dict[str, float]] = {}
        context = multiprocessing.get_context("spawn")
        for size, fairness in cases:
            step(f"memory in a fresh process: {size:,} hromadas, fairness weight {fairness}")
            phase_id = site.phase_of_size[size]
            run_ids = (
                queued_run(site.programme_id, phase_id, fairness, f"memory {size} {fairness} (untraced)"),
                queued_run(site.programme_id, phase_id, fairness, f"memory {size} {fairness} (traced)"),
            )
            connection.close()  # the child opens its own; SQLite needs no writer held here
            with context.Pool(1) as pool:
                memory[size, fairness] = pool.apply(measure_memory, (database_name, run_ids))

        rows = []
        used: set[tuple[int, int, int]] = set()  # (locks, rule-outs, left out) of each run
        for size, fairness in cases:
            step(f"time: {size:,} hromadas, fairness weight {fairness}, {repeat} run(s)")
            phase_id = site.phase_of_size[size]
            seconds, cpu = [], []
            summary: dict[str, Any] = {}
            for number in range(max(1, repeat)):
                run_id = queued_run(site.programme_id, phase_id, fairness, f"time {size} {fairness} #{number + 1}")
                started, cpu_started = time.perf_counter(), time.process_time()
                match_run_execute(run_id)
                seconds.append(time.perf_counter() - started)
                cpu.append(time.process_time() - cpu_started)
                summary = finished(run_id)
            step(f"split: {size:,} hromadas, fairness weight {fairness}")
            split = split_run(queued_run(site.programme_id, phase_id, fairness, f"split {size} {fairness}"))
            if split.constraints.get("ignored_constraints"):
                step(f"note: the run left out constraints: {split.constraints}")
            used.add(
                (
                    split.constraints.get("locks", 0),
                    split.constraints.get("rule_outs", 0),
                    split.constraints.get("ignored_constraints", 0),
                )
            )
            store = split.seconds["total"] - split.seconds["build"] - split.seconds["engine"]
            case_memory = memory[size, fairness]
            matched = int(summary.get("matched", 0))
            rows.append(
                f"| {size:,} | {split.hromadas:,} | {split.need_rows:,} | {split.offers} | {fairness} | "
                f"{min(seconds):.2f} | {statistics.median(seconds):.2f} | {statistics.median(cpu):.2f} | "
                f"{split.seconds['build']:.2f} | {split.seconds['engine']:.2f} | {store:.2f} | "
                f"{split.queries['build']} + {split.queries['other']} | "
                f"{case_memory['traced_mb']:.1f} | {case_memory['rss_growth_mb']:.1f} | "
                f"{matched:,} | {split.hromadas - matched:,} | {rural(summary)} |"
            )
        load = f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
        counts = site.counts
        if len(used) == 1 and next(iter(used))[2] == 0:
            locks, rule_outs, _ignored = next(iter(used))
            constraints = f"every run used {locks} locks and {rule_outs} rule-outs"
        else:
            constraints = "runs used (locks, rule-outs, left out): " + ", ".join(str(u) for u in sorted(used))
        header = (
            f"Machine: {machine()}, {load}; measured {timezone.localdate().isoformat()}. "
            f"Database: {environment.details}. "
            f"Built with bulk_create in {site.seconds:.1f} s (seed {seed}): {counts['hromadas']:,} hromadas in the "
            f"programme, each with a validated assessment ({counts['dimension_results']:,} dimension scores, 3–8 "
            f"of 15 under the threshold {THRESHOLD}), {counts['profiles']:,} partner search profiles "
            f"({counts['not_seeking']} not looking), {counts['projects']} project ideas seeking partner expertise, "
            f"{counts['needs']} needs typed by hand; {counts['offers']} offers of {counts['organisations']} "
            f"organisations ({counts['places']:,} places, {counts['places_taken']} taken), "
            f"{counts['partnerships']:,} earlier partnerships, {counts['locks']} locks and "
            f"{counts['rule_outs']} rule-outs ({constraints}). `match_run_execute` over {repeat} run(s) per row (wall: fastest "
            "and median; CPU time of this process: median); one more run split into `build_input`, `engine.match` "
            "and the rest (storing the results and the run's status), with its queries (build + the rest); in a "
            "fresh process per case, the peak traced allocations (tracemalloc) of one run and the growth of the "
            "peak resident set size (VmHWM) of another; rural matched: rural hromadas matched of those seeking."
        )
        table = [
            "| hromadas | seeking | need rows | offers | fairness weight | fastest s | median s | median CPU s | "
            "build_input s | engine s | storing s | queries | peak traced MB | peak RSS growth MB | matched | "
            "unmatched | rural matched |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | "
            "---: | ---: | ---: |",
            *rows,
        ]
        return "\n".join([header, "", *table])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--sizes",
        default=",".join(str(size) for size in DEFAULT_SIZES),
        help="hromada counts, comma-separated (default 100,200,400,800,1469; at most every hromada outside Crimea)",
    )
    parser.add_argument("--offers", type=int, default=400, help="offers (default 400)")
    parser.add_argument("-n", "--repeat", type=int, default=3, help="timed runs per case (default 3)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the synthetic data (default 7)")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL") or None,
        help="PostgreSQL server (the benchmark creates and drops test_<name>); default: $DATABASE_URL if set, "
        "otherwise a temporary SQLite file",
    )
    options = parser.parse_args(argv)
    sizes = [int(size) for size in options.sizes.split(",") if size.strip()]
    print(run(sizes, options.offers, options.repeat, options.seed, options.database_url))


if __name__ == "__main__":
    main()
