"""The demo project ideas built by the create_demo command: numbers, states and readiness, money and
its data-quality warnings, places, parties, plan links, the prioritisation round, and idempotence."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest

from vidnova.audit.models import AuditEntry
from vidnova.plans.models import GoalLevel
from vidnova.plans.selectors.plans import current_version
from vidnova.programmes import demo
from vidnova.programmes.models import Programme
from vidnova.programmes.tests.conftest import demo_registry  # noqa: F401 - a fixture, used by name
from vidnova.projects import demo as project_demo
from vidnova.projects import lifecycle, money
from vidnova.projects.models import (
    ExchangeRate,
    Pillar,
    PrioritisationRound,
    PrioritisationStatus,
    PriorityScore,
    Project,
    ProjectState,
    ProjectTransition,
    Scorer,
)
from vidnova.projects.selectors import prioritisation as ranking_selectors
from vidnova.projects.selectors import quality
from vidnova.projects.services.projects import STATE_READINESS
from vidnova.registry.models import CodifierCategory, CodifierUnit, Hromada

pytestmark = pytest.mark.usefixtures("demo_registry")

PASSWORD = "demo-password-123"
HROMADAS = 19
DUPLICATES = 2  # two hromadas have an idea entered twice
# The highest readiness each state can have in the demo (the lowest is what the state implies).
MAX_READINESS: dict[str, int] = {
    ProjectState.IDEA: 0,
    ProjectState.CONCEPT: 1,
    ProjectState.APPRAISAL: 2,
    ProjectState.STRUCTURING: 4,
    ProjectState.APPLIED: 5,
    ProjectState.APPROVED: 5,
    ProjectState.REFUSED: 5,
    ProjectState.IMPLEMENTATION: 6,
    ProjectState.COMPLETION: 6,
    ProjectState.CANCELLED: 1,
}


def _settlements() -> list[CodifierUnit]:
    """Settlements of the demo editor's hromada: the loaded registry's, or four made up when the test
    registry has none."""
    hromada = Hromada.objects.get(katottg=demo.MEMBER_HROMADA.katottg)
    existing = list(CodifierUnit.objects.filter(hromada=hromada).exclude(category=CodifierCategory.HROMADA))
    if existing:
        return existing
    base = hromada.katottg[:10]
    units = [
        CodifierUnit.objects.create(
            katottg=f"{base}{number:02d}0000{number:03d}",
            parent_katottg=hromada.katottg,
            category=category,
            name_uk=name_uk,
            name_latin=name_latin,
            hromada=hromada,
        )
        for number, (category, name_uk, name_latin) in enumerate(
            [
                (CodifierCategory.CITY, "Баштанка", "Bashtanka"),
                (CodifierCategory.VILLAGE, "Горожене", "Horozhene"),
                (CodifierCategory.VILLAGE, "Добре", "Dobre"),
                (CodifierCategory.VILLAGE, "Зелений Гай", "Zelenyi Hai"),
            ],
            start=1,
        )
    ]
    hromada.admin_center_katottg = units[0].katottg
    hromada.admin_center_name = units[0].name_uk
    hromada.save()
    return units


def test_demo_projects_content_and_round() -> None:
    # How long the demo takes is measured by benchmarks, not asserted here.
    settlements = _settlements()
    result = demo.demo_create(password=PASSWORD)
    assert f"{HROMADAS * 10 + DUPLICATES} project ideas" in result.created

    programme = Programme.objects.get(slug=demo.PROGRAMME_SLUG)
    projects = list(
        Project.objects.filter(programme=programme)
        .select_related("hromada", "plan")
        .prefetch_related("financing_lines", "budget_lines", "locations", "parties", "plan_tasks", "risks")
    )
    assert len(projects) == HROMADAS * 10 + DUPLICATES
    per_hromada = Counter(p.hromada.katottg for p in projects)
    assert len(per_hromada) == HROMADAS
    assert set(per_hromada.values()) == {10, 11}

    # Every state of the pipeline, narrowing from ideas to completed works; a few refused and cancelled.
    states = Counter(p.state for p in projects)
    assert set(states) == set(MAX_READINESS)
    assert states[ProjectState.IDEA] > states[ProjectState.APPROVED] > 0
    assert 1 <= states[ProjectState.REFUSED] <= 5
    assert 1 <= states[ProjectState.CANCELLED] <= 5
    # Readiness consistent with the state, and the lifecycle walked step by step with a reason each.
    transitions = Counter(ProjectTransition.objects.filter(project__in=projects).values_list("project_id", flat=True))
    logged = Counter(
        AuditEntry.objects.filter(action="projects.project.transitioned").values_list("object_id", flat=True)
    )
    for project in projects:
        assert STATE_READINESS.get(project.state, 0) <= project.readiness <= MAX_READINESS[project.state], project.code
        assert transitions[project.pk] == len(project_demo.STEPS[project.state]), project.code
        assert logged[str(project.pk)] == transitions[project.pk], project.code
    for step in ProjectTransition.objects.filter(project__in=projects).select_related("actor"):
        assert step.to_state in lifecycle.TRANSITIONS[step.from_state]
        assert step.reason
        if (step.from_state, step.to_state) in lifecycle.STAFF_ONLY:
            assert step.actor is not None
            assert step.actor.email == "coordinator@demo.vidnova.local"
    assert AuditEntry.objects.filter(action="projects.project.created").count() == len(projects)
    # The demo editor wrote the ideas of her own hromada; the coordinator those of the others.
    creators = {
        p.created_by.email if p.created_by else None
        for p in projects
        if p.hromada.katottg == demo.MEMBER_HROMADA.katottg
    }
    assert creators == {"editor@demo.vidnova.local"}

    # Classified across sectors, types, purpose codes, SDG targets, markers and build-back-better.
    assert len({sector for p in projects for sector in p.sectors}) >= 10
    assert {p.project_type for p in projects} >= {"construction", "rehabilitation", "replacement", "expansion", ""}
    assert all(p.purpose_codes and p.title_en and p.description_uk and p.description_en for p in projects)
    assert sum(1 for p in projects if p.sdg_targets and p.bbb_features) == len(projects)
    assert any(p.dream_id for p in projects)
    assert any(p.prozorro_ids for p in projects if p.state == ProjectState.IMPLEMENTATION)

    # Shelters are sensitive sites, with their exact place recorded for the private pages.
    sensitive = [p for p in projects if p.is_sensitive]
    assert sensitive
    for project in sensitive:
        assert "bbb_protective_shelter_included" in project.bbb_features
        assert any(location.latitude is not None for location in project.locations.all())

    # Places are the hromada's settlements (the hromada itself when the registry has none).
    member_codes = {unit.katottg for unit in settlements}
    unit_hromada = dict(CodifierUnit.objects.values_list("katottg", "hromada_id"))
    for project in projects:
        for location in project.locations.all():
            if project.hromada.katottg == demo.MEMBER_HROMADA.katottg:
                assert location.katottg in member_codes
            else:
                assert location.katottg == project.hromada.katottg or (
                    unit_hromada.get(location.katottg) == project.hromada_id
                )
    assert sum(1 for p in projects if not p.locations.all()) == 1  # shows the "no location" warning

    # Money: budgets add up, rates exist, totals computed for every idea without a missing rate.
    assert ExchangeRate.objects.filter(currency="EUR").count() == 4
    assert ExchangeRate.objects.filter(currency="USD").count() == 4
    assert any(p.currency == "EUR" for p in projects)
    shares: list[Decimal] = []
    for project in projects:
        assert project.cost is not None
        assert project.cost > 0
        assert sum(line.amount for line in project.budget_lines.all()) == project.cost, project.code
        totals = money.totals(project)
        assert totals.complete, project.code
        if totals.local_share_pct is not None:
            shares.append(totals.local_share_pct)
    assert len([share for share in shares if share >= 10]) > 0.8 * len(shares)
    assert any(share < 10 for share in shares)
    statuses = {line.status for p in projects for line in p.financing_lines.all()}
    assert statuses == {"identified", "requested", "pledged", "committed", "disbursed"}
    warnings = quality.counts(quality.check(Project.objects.filter(programme=programme)))
    assert warnings["financing_above_cost"] == 3
    assert warnings["duplicate_title"] == 2 * DUPLICATES
    assert warnings["no_location"] == 1

    # Parties carry plausible EDRPOU codes (eight digits with a valid check digit).
    for project in projects:
        for party in project.parties.all():
            if party.edrpou:
                assert len(party.edrpou) == 8
                assert project_demo.edrpou_check_digit(party.edrpou[:7]) == int(party.edrpou[7])

    # Ideas of hromadas with a demo plan serve tasks of the plan's current version.
    linked = [p for p in projects if p.plan is not None]
    assert linked
    for project in linked:
        assert project.plan is not None
        assert project.plan.hromada_id == project.hromada_id
        version = current_version(project.plan)
        for task in project.plan_tasks.all():
            assert task.level == GoalLevel.TASK
            assert task.plan_version_id == version.pk
    assert any(p.plan_tasks.all() for p in linked)

    # One published prioritisation round with criteria in three pillars, two scorers and a ranking.
    round_ = PrioritisationRound.objects.get(programme=programme)
    assert round_.status == PrioritisationStatus.PUBLISHED
    assert round_.published_at is not None
    assert round_.projects.count() == project_demo.ROUND_SIZE
    criteria = list(round_.criteria.all())
    assert {c.pillar for c in criteria} == set(Pillar.values)
    assert sum(c.weight for c in criteria) == 100
    scorers = {s.user.email: s for s in Scorer.objects.filter(round=round_).select_related("user")}
    assert set(scorers) == {"coordinator@demo.vidnova.local", "expert@demo.vidnova.local"}
    expert = scorers["expert@demo.vidnova.local"]
    conflicts = list(expert.conflicts.all())
    assert len(conflicts) == 1
    assert expert.conflict_note
    assert not PriorityScore.objects.filter(scorer=expert, project__in=conflicts).exists()
    assert all(s.declared_at is not None for s in scorers.values())
    scores = PriorityScore.objects.filter(scorer__round=round_)
    assert scores.count() > len(criteria) * 30
    assert not scores.filter(justification="").exists()
    ranking = ranking_selectors.ranking(round_)
    ranked = ranking.ranked
    assert len(ranked) >= 12
    assert all(row.scorers >= 1 for row in ranking.rows)
    assert len({row.total for row in ranked}) > len(ranked) // 2
    assert any(not row.passes for row in ranking.rows)  # the gates show
    assert AuditEntry.objects.filter(action="projects.prioritisation.published").count() == 1
    assert AuditEntry.objects.filter(action="projects.prioritisation.conflict_declared").count() == 2


def test_demo_projects_run_twice_without_creating_anything() -> None:
    first = demo.demo_create(password=PASSWORD)
    assert any("project ideas" in line for line in first.created)
    programme = first.programme
    before = (
        list(Project.objects.order_by("pk").values_list("pk", "version", "updated_at")),
        AuditEntry.objects.count(),
        PriorityScore.objects.count(),
        ExchangeRate.objects.count(),
    )

    second = demo.demo_create(password=PASSWORD)
    assert second.created == []
    # Also when called on its own (the demo accounts are looked up).
    assert project_demo.create_demo_projects(programme=programme) == 0

    after = (
        list(Project.objects.order_by("pk").values_list("pk", "version", "updated_at")),
        AuditEntry.objects.count(),
        PriorityScore.objects.count(),
        ExchangeRate.objects.count(),
    )
    assert after == before
    assert PrioritisationRound.objects.filter(programme=programme).count() == 1


def test_generation_is_deterministic() -> None:
    hromada = Hromada.objects.get(katottg=demo.MEMBER_HROMADA.katottg)
    programme = demo.demo_create(password=PASSWORD).programme
    users = project_demo._demo_users(None)
    first = project_demo._hromada_specs(hromada=hromada, index=0, programme=programme, plan=None, users=users)
    again = project_demo._hromada_specs(hromada=hromada, index=0, programme=programme, plan=None, users=users)
    assert [s.data["title_uk"] for s in first] == [s.data["title_uk"] for s in again]
    assert [s.data["cost"] for s in first] == [s.data["cost"] for s in again]
    assert [s.state for s in first] == [s.state for s in again]


@pytest.mark.parametrize(("code", "valid"), [("14360570", True), ("00032129", True), ("14360571", False)])
def test_edrpou_check_digit(code: str, valid: bool) -> None:
    assert (project_demo.edrpou_check_digit(code[:7]) == int(code[7])) is valid
