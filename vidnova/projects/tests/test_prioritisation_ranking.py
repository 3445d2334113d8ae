"""The gates, the aggregate ranking with its explanation, and the what-if ranking."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from vidnova.projects.models import PriorityCriterion, Project
from vidnova.projects.selectors import prioritisation as selectors
from vidnova.projects.tests.test_prioritisation_support import Setup, make_project, make_round, score_all
from vidnova.registry.models import SecurityStatus
from vidnova.testing import factories

pytestmark = pytest.mark.django_db


def _gate(result: dict[int, list[selectors.Gate]], project: Project, code: str) -> selectors.Gate:
    return next(g for g in result[project.pk] if g.code == code)


def test_security_gate_uses_status_today(world):  # type: ignore[no-untyped-def]
    occupied_h = factories.HromadaFactory()
    possible_h = factories.HromadaFactory()
    ended_h = factories.HromadaFactory()
    for hromada in (occupied_h, possible_h, ended_h):
        factories.ParticipationFactory(phase=world.phase, hromada=hromada)
    factories.SecurityStatusPeriodFactory(hromada=occupied_h, status=SecurityStatus.TEMPORARILY_OCCUPIED)
    factories.SecurityStatusPeriodFactory(hromada=possible_h, status=SecurityStatus.POSSIBLE_HOSTILITIES)
    factories.SecurityStatusPeriodFactory(
        hromada=ended_h, status=SecurityStatus.ACTIVE_HOSTILITIES, ends_on=datetime.date(2025, 1, 1)
    )
    active = make_project(world.hromada)
    factories.SecurityStatusPeriodFactory(hromada=world.hromada, status=SecurityStatus.ACTIVE_HOSTILITIES)
    occupied, possible, ended = (make_project(h) for h in (occupied_h, possible_h, ended_h))
    setup = make_round(world, projects=[active, occupied, possible, ended])
    gates = selectors.project_gates(setup.round, setup.projects)
    assert not _gate(gates, active, "security").passed
    assert not _gate(gates, occupied, "security").passed
    assert "temporarily occupied" in _gate(gates, occupied, "security").detail
    assert _gate(gates, possible, "security").passed
    assert _gate(gates, ended, "security").passed  # the active-hostilities period has ended


def test_cofinancing_gate(world):  # type: ignore[no-untyped-def]
    enough = make_project(world.hromada, cost=Decimal(1000), local_share=Decimal(100))
    short = make_project(world.hromada, cost=Decimal(1000), local_share=Decimal("99.90"))  # 9.99 %
    no_cost = make_project(world.hromada, cost=None)
    setup = make_round(world, projects=[enough, short, no_cost])
    gates = selectors.project_gates(setup.round, setup.projects)
    assert _gate(gates, enough, "min_cofinancing").passed
    assert "10.00%" in _gate(gates, enough, "min_cofinancing").detail
    assert not _gate(gates, short, "min_cofinancing").passed
    assert not _gate(gates, no_cost, "min_cofinancing").passed


def test_design_gate_for_construction(world):  # type: ignore[no-untyped-def]
    construction = make_project(world.hromada, project_type="construction")
    rehab_with = make_project(world.hromada, project_type="rehabilitation", design=True)
    expansion = make_project(world.hromada, project_type="expansion")
    setup = make_round(world, projects=[construction, rehab_with, expansion])
    gates = selectors.project_gates(setup.round, setup.projects)
    assert not _gate(gates, construction, "design_for_construction").passed
    assert _gate(gates, rehab_with, "design_for_construction").passed
    assert _gate(gates, expansion, "design_for_construction").passed


def test_duplicate_gate(world):  # type: ignore[no-untyped-def]
    first = make_project(world.hromada, title="Школа №1 — ремонт", dream_id="")
    twin = make_project(world.hromada, title="  школа  №1 ремонт!")
    elsewhere = make_project(world.other_hromada, title="Школа №1 — ремонт")
    dream_a = make_project(world.hromada, dream_id="UA-2024-01")
    dream_b = make_project(world.hromada, dream_id="UA-2024-01")  # not in the round, still a duplicate
    alone = make_project(world.hromada, title="Котельня")
    setup = make_round(world, projects=[first, twin, dream_a, alone])
    gates = selectors.project_gates(setup.round, setup.projects)
    assert not _gate(gates, first, "dream_duplicates").passed
    assert twin.code in _gate(gates, first, "dream_duplicates").detail
    assert elsewhere.code not in _gate(gates, first, "dream_duplicates").detail
    assert not _gate(gates, dream_a, "dream_duplicates").passed
    assert dream_b.code in _gate(gates, dream_a, "dream_duplicates").detail
    assert _gate(gates, alone, "dream_duplicates").passed


def test_gates_switched_off(world):  # type: ignore[no-untyped-def]
    project = make_project(world.hromada, cost=None, project_type="construction")
    setup = make_round(
        world,
        projects=[project],
        gates={"security": False, "min_cofinancing": None, "design_for_construction": False, "dream_duplicates": False},
    )
    assert selectors.project_gates(setup.round, setup.projects) == {project.pk: []}
    result = selectors.ranking(setup.round)
    assert result.rows[0].rank == 1
    assert "The round applies no gates." in result.rows[0].explanation


def _scored_round(world: Any) -> tuple[Setup, Project, Project, Project]:
    a = make_project(world.hromada, code="A-1", readiness=1)
    b = make_project(world.hromada, code="B-1", readiness=3)
    c = make_project(world.hromada, code="C-1", readiness=0, local_share=Decimal(0))  # fails co-financing
    setup = make_round(world, projects=[a, b, c], publish=True, scorers=[world.expert, world.coordinator])
    # reach (scale 5, weight 2), cost (scale 10, weight 1)
    score_all(
        world,
        setup,
        world.expert,
        {"A-1": {"reach": 4, "cost": 5}, "B-1": {"reach": 2, "cost": 10}, "C-1": {"reach": 5, "cost": 10}},
    )
    score_all(
        world,
        setup,
        world.coordinator,
        {"A-1": {"reach": 5, "cost": 7}, "C-1": {"reach": 5, "cost": 10}},
        conflicts=[b],
    )
    return setup, a, b, c


def test_aggregate_means_weights_and_rank(world):  # type: ignore[no-untyped-def]
    setup, *_ = _scored_round(world)
    result = selectors.ranking(setup.round)
    rows = {row.project.code: row for row in result.rows}
    # A: reach mean (4+5)/2 = 4.5 of 5 = 90; cost (5+7)/2 = 6 of 10 = 60; total (90·2 + 60·1)/3 = 80
    assert [item.mean for item in rows["A-1"].criteria] == [Decimal("90.00"), Decimal("60.00")]
    assert rows["A-1"].total == Decimal("80.00")
    assert rows["A-1"].scorers == 2
    # B: the coordinator declared a conflict: only the expert counts. reach 40, cost 100: (80+100)/3 = 60
    assert rows["B-1"].total == Decimal("60.00")
    assert rows["B-1"].scorers == 1
    assert rows["B-1"].conflicted == 1
    # C scores highest but fails the co-financing gate: not ranked, listed last
    assert rows["C-1"].total == Decimal("100.00")
    assert rows["C-1"].rank is None
    assert not rows["C-1"].passes
    assert [row.project.code for row in result.rows] == ["A-1", "B-1", "C-1"]
    assert rows["A-1"].rank == 1
    assert rows["B-1"].rank == 2
    assert rows["A-1"].gap == Decimal("20.00")
    assert rows["B-1"].gap == Decimal("20.00")


def test_explanation_in_words(world):  # type: ignore[no-untyped-def]
    setup, *_ = _scored_round(world)
    rows = {row.project.code: row for row in selectors.ranking(setup.round).rows}
    text = "\n".join(rows["A-1"].explanation)
    assert "Passes every gate" in text
    assert "Reach: mean 90.00 of 100 from 2 scorers × weight 2.00" in text
    assert "= 60.00 points" in text  # 90 × 2/3
    assert "Rank 1 of 2, 20.00 points ahead of rank 2." in text
    b_text = "\n".join(rows["B-1"].explanation)
    assert "1 scorers declared a conflict of interest and were left out." in b_text
    assert "Rank 2 of 2, 20.00 points behind rank 1." in b_text
    c_text = "\n".join(rows["C-1"].explanation)
    assert "Fails the gates: Local co-financing" in c_text
    assert "not ranked" in c_text


def test_tie_break_readiness_then_code(world):  # type: ignore[no-untyped-def]
    a = make_project(world.hromada, code="A-2", readiness=1)
    b = make_project(world.hromada, code="B-2", readiness=4)
    c = make_project(world.hromada, code="C-2", readiness=4)
    setup = make_round(world, projects=[a, b, c], publish=True)
    result = selectors.ranking(setup.round)  # nobody scored: all 0
    assert [row.project.code for row in result.rows] == ["B-2", "C-2", "A-2"]
    assert all(item.mean is None for item in result.rows[0].criteria)
    assert "not scored yet, counts as 0" in result.rows[0].explanation[1]
    assert any("Ties are broken by higher readiness" in line for line in result.rows[1].explanation)


def test_what_if_reranks_without_changing_the_round(world):  # type: ignore[no-untyped-def]
    setup, *_ = _scored_round(world)
    version = setup.round.version
    weights = selectors.parse_weights(setup.round.criteria.all(), {"w_reach": "0", "w_cost": "1"})
    result = selectors.ranking(setup.round, weights)
    rows = {row.project.code: row for row in result.rows}
    # only cost counts: A 60, B 100
    assert rows["B-1"].rank == 1
    assert rows["B-1"].base_rank == 2
    assert rows["B-1"].rank_change == 1
    assert rows["A-1"].rank == 2
    assert rows["A-1"].rank_change == -1
    assert result.is_what_if
    assert any("moves up 1 places (from rank 2)" in line for line in rows["B-1"].explanation)
    setup.round.refresh_from_db()
    assert setup.round.version == version
    assert [c.weight for c in PriorityCriterion.objects.filter(round=setup.round)] == [Decimal(2), Decimal(1)]
    assert selectors.ranking(setup.round).rows[0].project.code == "A-1"


def test_parse_weights_errors(world):  # type: ignore[no-untyped-def]
    setup = make_round(world)
    criteria = list(setup.round.criteria.all())
    assert selectors.parse_weights(criteria, {"w_reach": "3,5"}) == {"reach": Decimal("3.5"), "cost": Decimal(1)}
    assert selectors.parse_weights(criteria, {"cost": "4"})["cost"] == Decimal(4)
    with pytest.raises(ValidationError) as caught:
        selectors.parse_weights(criteria, {"w_reach": "x", "w_cost": "-1"})
    assert {"w_reach", "w_cost"} <= set(caught.value.message_dict)
    with pytest.raises(ValidationError) as caught:
        selectors.parse_weights(criteria, {"w_reach": "0", "w_cost": "0"})
    assert "weights" in caught.value.message_dict


def test_export_rows(world):  # type: ignore[no-untyped-def]
    setup, *_ = _scored_round(world)
    header, rows = selectors.export_rows(selectors.ranking(setup.round))
    assert header[0] == "Rank"
    assert "Total (0–100)" in header
    assert rows[0][:2] == [1, "A-1"]
    assert rows[2][0] == ""
    assert rows[2][4] == "no"
