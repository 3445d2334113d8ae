"""project_create / project_update: every field cleaned, nested lists replaced all-or-nothing,
conflicts, access and the audit log."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from vidnova.accounts.models import Role
from vidnova.audit.models import AuditEntry
from vidnova.core.exceptions import EditConflict
from vidnova.plans.models import GoalLevel, GoalNode
from vidnova.plans.selectors import current_version
from vidnova.projects.models import BudgetLine, FinancingLine, Project, ProjectLocation
from vidnova.projects.services.projects import project_clean, project_create, project_update
from vidnova.registry.models import CodifierUnit
from vidnova.testing import factories

D = Decimal


@pytest.fixture
def village(world: Any) -> CodifierUnit:
    """A settlement of the persona hromada (the factory hromada has no codifier units of its own)."""
    return CodifierUnit.objects.create(
        katottg=world.hromada.katottg[:-4] + "9001",
        parent_katottg=world.hromada.katottg,
        category="C",
        name_uk="Тестове",
        name_latin="Testove",
        hromada=world.hromada,
    )


def _full(world: Any, village: CodifierUnit) -> dict[str, Any]:
    return {
        "title_uk": "  Відновлення школи  ",
        "title_en": "School rehabilitation",
        "description_uk": "Опис",
        "programme": world.programme.slug,
        "purpose": "restoration",
        "project_type": "rehabilitation",
        "sectors": "education, governance",
        "purpose_codes": ["11120", "73010"],
        "sdg_targets": ["11.5", "4.a"],
        "acquis_chapters": ["22"],
        "policy_markers": "10:2, 1:1",
        "bbb_features": ["bbb_protective_shelter_included", "bbb_energy_efficiency_or_RES"],
        "readiness": "2",
        "starts_on": "2025-04-01",
        "ends_on": "01.12.2026",
        "cost": "1 250 000,50",
        "currency": "eur",
        "beneficiaries_direct": "450",
        "beneficiaries_indirect": 3000,
        "beneficiary_groups": {"women": "200", "girls": 120, "idps": 35},
        "is_sensitive": "yes",
        "dream_id": "DREAM-123",
        "prozorro_ids": "UA-2025-03-14-001234-a",
        "locations": [
            {"katottg": village.katottg, "latitude": "47.1234567", "longitude": "33.2"},
            {"katottg": world.hromada.katottg, "description": "вул. Шкільна, 1"},
        ],
        "budget_lines": [
            {"cost_item": "design", "cost_type": "capex", "amount": "50000", "currency": "EUR"},
            {"cost_item": "construction", "cost_type": "capex", "amount": 1200000.5, "currency": "EUR"},
        ],
        "financing_lines": [
            {
                "finance_type": "stateFunds",
                "finance_category": "localBudget",
                "amount": "125000",
                "currency": "EUR",
                "status": "committed",
            },
            {
                "finance_type": "internationalPartners",
                "finance_category": "internationalOrganization",
                "funder": "UNDP",
                "amount": "500000",
                "currency": "EUR",
            },
        ],
        "risks": [{"description": "Ціни", "likelihood": 3, "impact": "4", "mitigation": "Резерв"}],
        "parties": [
            {"role": "balancer", "name": "Школа №1", "edrpou": "12345678"},
            {"role": "designer", "name": "ТОВ Проєкт"},
        ],
    }


def test_create_cleans_and_stores_every_field(world: Any, village: CodifierUnit) -> None:
    project = project_create(acting_user=world.editor, hromada=world.hromada, data=_full(world, village))
    project.refresh_from_db()
    assert project.code == f"{world.hromada.katottg}-001"
    assert project.title_uk == "Відновлення школи"
    assert project.state == "idea"
    assert project.version == 1
    assert project.programme == world.programme
    assert project.created_by == world.editor
    assert project.sectors == ["education", "governance"]
    assert project.purpose_codes == ["11120", "73010"]
    assert project.sdg_targets == ["4.a", "11.5"]  # canonical order of the list
    assert project.policy_markers == {"1": 1, "10": 2}
    assert project.readiness == 2
    assert project.starts_on == datetime.date(2025, 4, 1)
    assert project.ends_on == datetime.date(2026, 12, 1)
    assert project.cost == D("1250000.50")
    assert project.currency == "EUR"
    assert project.beneficiaries_direct == 450
    assert project.beneficiary_groups == {
        "women": 200,
        "girls": 120,
        "idps": 35,
    }
    assert project.is_sensitive is True
    assert project.prozorro_ids == ["UA-2025-03-14-001234-a"]
    locations = list(project.locations.all())
    assert [loc.katottg for loc in locations] == [village.katottg, world.hromada.katottg]
    assert locations[0].name == "Тестове"
    assert locations[0].latitude == D("47.123457")
    assert locations[1].name == world.hromada.name_uk
    assert [line.amount for line in project.budget_lines.all()] == [D("50000.00"), D("1200000.50")]
    assert [line.status for line in project.financing_lines.all()] == ["committed", "identified"]
    assert project.risks.get().impact == 4
    assert [party.edrpou for party in project.parties.all()] == ["12345678", ""]
    entry = AuditEntry.objects.get(action="projects.project.created")
    assert entry.actor == world.editor
    assert entry.hromada == world.hromada
    assert entry.changes["title_uk"] == [None, "Відновлення школи"]
    assert entry.changes["financing_lines"][1][0]["finance_category"] == "localBudget"


def test_codes_are_sequential_per_hromada(world: Any) -> None:
    first = project_create(acting_user=None, hromada=world.hromada, data={"title_uk": "А"})
    given = project_create(
        acting_user=None, hromada=world.hromada, data={"title_uk": "Б", "code": f"{world.hromada.katottg}-007"}
    )
    third = project_create(acting_user=None, hromada=world.hromada, data={"title_uk": "В"})
    other = project_create(acting_user=None, hromada=world.other_hromada, data={"title_uk": "Г"})
    assert first.code.endswith("-001")
    assert given.code.endswith("-007")
    assert third.code.endswith("-008")
    assert other.code == f"{world.other_hromada.katottg}-001"
    with pytest.raises(ValidationError) as error:
        project_create(acting_user=None, hromada=world.hromada, data={"title_uk": "Д", "code": first.code})
    assert "code" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        project_create(acting_user=None, hromada=world.hromada, data={"title_uk": "Д", "code": "no spaces please"})
    assert "code" in error.value.message_dict


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"title_uk": " "}, "title_uk"),
        ({"cost": "-1"}, "cost"),
        ({"cost": "дорого"}, "cost"),
        ({"cost": "10.001"}, "cost"),
        ({"cost": "1e20"}, "cost"),
        ({"currency": "GBP"}, "currency"),
        ({"purpose": "fun"}, "purpose"),
        ({"project_type": "maintenance"}, "project_type"),
        ({"sectors": ["education", "space"]}, "sectors"),
        ({"purpose_codes": ["74010"]}, "purpose_codes"),
        ({"purpose_codes": ["99999"]}, "purpose_codes"),
        ({"sdg_targets": ["18.1"]}, "sdg_targets"),
        ({"acquis_chapters": ["99"]}, "acquis_chapters"),
        ({"bbb_features": ["bbb_gold_plating"]}, "bbb_features"),
        ({"policy_markers": {"10": 5}}, "policy_markers"),
        ({"policy_markers": {"13": 1}}, "policy_markers"),
        ({"policy_markers": "10-2"}, "policy_markers"),
        ({"readiness": 7}, "readiness"),
        ({"readiness": "1.5"}, "readiness"),
        ({"starts_on": "2025-02-30"}, "starts_on"),
        ({"starts_on": "2025-05-01", "ends_on": "2025-04-30"}, "ends_on"),
        ({"starts_on": "2025-01-01", "ends_on": "2045-01-02"}, "ends_on"),
        ({"beneficiaries_direct": -5}, "beneficiaries_direct"),
        ({"beneficiaries_indirect": "багато"}, "beneficiaries_indirect"),
        ({"beneficiary_groups": {"aliens": 3}}, "beneficiary_groups"),
        ({"beneficiaries_direct": 10, "beneficiary_groups": {"women": 11}}, "beneficiary_groups"),
        ({"is_sensitive": "maybe"}, "is_sensitive"),
        ({"prozorro_ids": ["12345"]}, "prozorro_ids"),
        ({"programme": "no-such-programme"}, "programme"),
        ({"plan": "999999"}, "plan"),
        ({"colour": "red"}, "colour"),
        ({"locations": [{"katottg": "UA99999999999999999"}]}, "locations[0].katottg"),
        ({"locations": [{"katottg": "Kyiv"}]}, "locations[0].katottg"),
        ({"locations": [{"katottg": ""}]}, "locations[0].katottg"),
        ({"locations": "UA1"}, "locations"),
        (
            {"budget_lines": [{"cost_item": "bribes", "cost_type": "capex", "amount": "1", "currency": "UAH"}]},
            "budget_lines[0].cost_item",
        ),
        (
            {"budget_lines": [{"cost_item": "design", "cost_type": "capex", "amount": "-1", "currency": "UAH"}]},
            "budget_lines[0].amount",
        ),
        (
            {"budget_lines": [{"cost_item": "design", "cost_type": "other", "amount": "1", "currency": "UAH"}]},
            "budget_lines[0].cost_type",
        ),
        (
            {
                "financing_lines": [
                    {},
                    {"finance_type": "stateFunds", "finance_category": "localBudget", "amount": "x", "currency": "UAH"},
                ]
            },
            "financing_lines[1].amount",
        ),
        (
            {
                "financing_lines": [
                    {
                        "finance_type": "stateFunds",
                        "finance_category": "localBudget",
                        "amount": "1",
                        "currency": "UAH",
                        "status": "dreamt",
                    }
                ]
            },
            "financing_lines[0].status",
        ),
        (
            {
                "financing_lines": [
                    {"finance_type": "stateFunds", "finance_category": "localBudget", "amount": "1", "currency": "RUB"}
                ]
            },
            "financing_lines[0].currency",
        ),
        ({"risks": [{"description": "x", "likelihood": 0, "impact": 3}]}, "risks[0].likelihood"),
        ({"risks": [{"description": "x", "likelihood": 2, "impact": 6}]}, "risks[0].impact"),
        ({"risks": [{"description": "", "likelihood": 2, "impact": 2}]}, "risks[0].description"),
        ({"parties": [{"role": "initiator", "name": "X", "edrpou": "1234567"}]}, "parties[0].edrpou"),
        ({"parties": [{"role": "king", "name": "X"}]}, "parties[0].role"),
        ({"plan_tasks": [1]}, "plan_tasks"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_saved(world: Any, data: dict[str, Any], key: str) -> None:
    before = (Project.objects.count(), FinancingLine.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationError) as error:
        project_create(acting_user=world.editor, hromada=world.hromada, data={"title_uk": "Назва", **data})
    assert key in error.value.message_dict, error.value.message_dict
    assert (Project.objects.count(), FinancingLine.objects.count(), AuditEntry.objects.count()) == before


def test_every_error_is_reported_at_once(world: Any) -> None:
    with pytest.raises(ValidationError) as error:
        project_clean(
            hromada=world.hromada,
            data={"title_uk": "", "cost": "-5", "currency": "XXX", "risks": [{"likelihood": 9, "impact": 1}]},
        )
    assert {"title_uk", "cost", "currency", "risks[0].likelihood", "risks[0].description"} <= set(
        error.value.message_dict
    )


def test_location_must_lie_in_the_hromada(world: Any) -> None:
    foreign = CodifierUnit.objects.exclude(hromada=None).exclude(hromada=world.hromada).first()
    assert foreign is not None
    with pytest.raises(ValidationError) as error:
        project_create(
            acting_user=None, hromada=world.hromada, data={"title_uk": "А", "locations": [{"katottg": foreign.katottg}]}
        )
    assert "is not in" in error.value.message_dict["locations[0].katottg"][0]
    with pytest.raises(ValidationError) as error:
        project_create(
            acting_user=None,
            hromada=world.hromada,
            data={"title_uk": "А", "locations": [{"katottg": world.hromada.katottg, "latitude": "50.1"}]},
        )
    assert "locations[0].longitude" in error.value.message_dict


def test_programme_must_include_the_hromada(world: Any) -> None:
    with pytest.raises(ValidationError) as error:
        project_create(
            acting_user=None, hromada=world.other_hromada, data={"title_uk": "А", "programme": world.programme}
        )
    assert "programme" in error.value.message_dict


def test_plan_and_tasks(world: Any) -> None:
    plan = factories.make_plan(world.hromada, programme=world.programme)
    other_plan = factories.make_plan(world.other_hromada)
    version = current_version(plan)
    goal = GoalNode.objects.create(plan_version=version, level=GoalLevel.STRATEGIC_GOAL, text_uk="Ціль")
    task = GoalNode.objects.create(plan_version=version, parent=goal, level=GoalLevel.TASK, text_uk="Завдання")
    foreign_task = GoalNode.objects.create(
        plan_version=current_version(other_plan), level=GoalLevel.TASK, text_uk="Чуже"
    )

    with pytest.raises(ValidationError) as error:
        project_create(acting_user=None, hromada=world.hromada, data={"title_uk": "А", "plan": other_plan.pk})
    assert "plan" in error.value.message_dict
    for wrong in (goal.pk, foreign_task.pk, "abc"):
        with pytest.raises(ValidationError) as error:
            project_create(
                acting_user=None, hromada=world.hromada, data={"title_uk": "А", "plan": plan, "plan_tasks": [wrong]}
            )
        assert "plan_tasks" in error.value.message_dict

    project = project_create(
        acting_user=None, hromada=world.hromada, data={"title_uk": "А", "plan": plan.pk, "plan_tasks": [task.pk]}
    )
    assert list(project.plan_tasks.all()) == [task]
    # Leaving the plan drops its tasks.
    project = project_update(acting_user=None, project=project, data={"plan": None}, expected_version=1)
    assert project.plan is None
    assert not project.plan_tasks.exists()


def test_update_changes_only_what_it_is_given(world: Any, village: CodifierUnit) -> None:
    project = project_create(acting_user=world.editor, hromada=world.hromada, data=_full(world, village))
    project = project_update(
        acting_user=world.editor,
        project=project,
        data={
            "title_en": "School",
            "cost": "1300000",
            "budget_lines": [{"cost_item": "equipment", "cost_type": "capex", "amount": "10", "currency": "EUR"}],
            "risks": [],
        },
        expected_version=1,
    )
    project.refresh_from_db()
    assert project.version == 2
    assert project.title_en == "School"
    assert project.title_uk == "Відновлення школи"
    assert project.cost == D("1300000.00")
    assert list(BudgetLine.objects.filter(project=project).values_list("cost_item", flat=True)) == ["equipment"]
    assert not project.risks.exists()
    assert project.financing_lines.count() == 2
    assert ProjectLocation.objects.filter(project=project).count() == 2
    entry = AuditEntry.objects.get(action="projects.project.updated")
    assert entry.changes["title_en"] == ["School rehabilitation", "School"]
    assert entry.changes["cost"] == ["1250000.50", "1300000.00"]
    assert "budget_lines" in entry.changes
    assert "risks" in entry.changes
    assert "financing_lines" not in entry.changes
    assert "title_uk" not in entry.changes


def test_update_is_all_or_nothing(world: Any, village: CodifierUnit) -> None:
    project = project_create(acting_user=None, hromada=world.hromada, data=_full(world, village))
    with pytest.raises(ValidationError) as error:
        project_update(
            acting_user=world.editor,
            project=project,
            data={
                "title_en": "Changed",
                "budget_lines": [],
                "financing_lines": [
                    {"finance_type": "stateFunds", "finance_category": "localBudget", "amount": "-1", "currency": "UAH"}
                ],
            },
            expected_version=1,
        )
    assert list(error.value.message_dict) == ["financing_lines[0].amount"]
    project.refresh_from_db()
    assert project.title_en == "School rehabilitation"
    assert project.version == 1
    assert project.budget_lines.count() == 2
    assert project.financing_lines.count() == 2
    with pytest.raises(ValidationError):
        project_update(acting_user=None, project=project, data={"code": ""}, expected_version=None)
    with pytest.raises(ValidationError):
        project_update(acting_user=None, project=project, data={"title_uk": ""}, expected_version=None)


def test_stale_version_is_a_conflict(world: Any) -> None:
    project = project_create(acting_user=None, hromada=world.hromada, data={"title_uk": "А"})
    project_update(acting_user=world.editor, project=project, data={"title_uk": "Б"}, expected_version=1)
    with pytest.raises(EditConflict):
        project_update(acting_user=world.coordinator, project=project, data={"title_uk": "В"}, expected_version=1)
    project.refresh_from_db()
    assert project.title_uk == "Б"


def test_create_access(world: Any) -> None:
    data = {"title_uk": "А"}
    with pytest.raises(Http404):
        project_create(acting_user=world.outsider, hromada=world.hromada, data=data)
    with pytest.raises(PermissionDenied):
        project_create(acting_user=world.viewer, hromada=world.hromada, data=data)
    with pytest.raises(Http404):
        project_create(acting_user=world.expert, hromada=world.hromada, data=data)
    with pytest.raises(Http404):
        project_create(acting_user=world.editor, hromada=world.other_hromada, data=data)
    assert not Project.objects.exists()
    assert project_create(acting_user=world.coordinator, hromada=world.other_hromada, data=data).pk


def test_update_access(world: Any) -> None:
    project = project_create(
        acting_user=None, hromada=world.hromada, data={"title_uk": "А", "programme": world.programme}
    )
    foreign = project_create(acting_user=None, hromada=world.other_hromada, data={"title_uk": "Б"})
    with pytest.raises(Http404):
        project_update(acting_user=world.outsider, project=project, data={"title_uk": "X"}, expected_version=None)
    with pytest.raises(PermissionDenied):
        project_update(acting_user=world.viewer, project=project, data={"title_uk": "X"}, expected_version=None)
    with pytest.raises(PermissionDenied):
        project_update(acting_user=world.expert, project=project, data={"title_uk": "X"}, expected_version=None)
    with pytest.raises(Http404):
        project_update(acting_user=world.editor, project=foreign, data={"title_uk": "X"}, expected_version=None)
    project.refresh_from_db()
    assert project.title_uk == "А"
    assert project.version == 1
    other_editor = factories.UserFactory()
    factories.MembershipFactory(user=other_editor, role=Role.HROMADA_EDITOR, hromada=world.other_hromada)
    assert (
        project_update(acting_user=other_editor, project=foreign, data={"title_uk": "X"}, expected_version=1).title_uk
        == "X"
    )
    assert (
        project_update(acting_user=world.admin, project=project, data={"title_uk": "Y"}, expected_version=1).title_uk
        == "Y"
    )
