"""Services of prioritisation rounds: creation and gates, criteria, projects, publishing and the
lock, scorers, conflict-of-interest declarations, scores, closing; access and the audit log."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from vidnova.audit.models import AuditEntry
from vidnova.core.exceptions import EditConflict
from vidnova.projects.models import PrioritisationStatus, PriorityScore
from vidnova.projects.services import prioritisation as services
from vidnova.projects.tests.test_prioritisation_support import CRITERIA, make_project, make_round

pytestmark = pytest.mark.django_db


def test_round_create_cleans_gates_and_audits(world):  # type: ignore[no-untyped-def]
    round_ = services.round_create(
        acting_user=world.coordinator,
        programme=world.programme,
        name_uk="  Раунд  ",
        gates={"security": True, "min_cofinancing": "12,5", "design_for_construction": False, "dream_duplicates": True},
    )
    assert round_.name_uk == "Раунд"
    assert round_.status == PrioritisationStatus.DRAFT
    assert round_.gates == {
        "security": True,
        "min_cofinancing": "12.50",
        "design_for_construction": False,
        "dream_duplicates": True,
    }
    entry = AuditEntry.objects.get(action="projects.prioritisation.created")
    assert entry.actor == world.coordinator


def test_round_create_default_gates(world):  # type: ignore[no-untyped-def]
    round_ = services.round_create(acting_user=world.coordinator, programme=world.programme, name_uk="Раунд")
    assert round_.gates["min_cofinancing"] == "10.00"
    assert round_.gates["security"] is True


@pytest.mark.parametrize(
    ("gates", "key"),
    [
        ({"min_cofinancing": "abc"}, "gates.min_cofinancing"),
        ({"min_cofinancing": "101"}, "gates.min_cofinancing"),
        ({"security": "yes"}, "gates.security"),
        ({"unknown": True}, "gates"),
    ],
)
def test_round_create_refuses_bad_gates(world, gates, key):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as caught:
        services.round_create(acting_user=world.coordinator, programme=world.programme, name_uk="Р", gates=gates)
    assert key in caught.value.message_dict
    assert not AuditEntry.objects.exists()


def test_round_create_needs_a_name_and_staff(world):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as caught:
        services.round_create(acting_user=world.coordinator, programme=world.programme, name_uk=" ")
    assert "name_uk" in caught.value.message_dict
    with pytest.raises(PermissionDenied):
        services.round_create(acting_user=world.expert, programme=world.programme, name_uk="Р")
    for user in (world.editor, world.outsider):
        with pytest.raises(Http404):
            services.round_create(acting_user=user, programme=world.programme, name_uk="Р")


def test_round_update_versions_and_draft_only(world):  # type: ignore[no-untyped-def]
    setup = make_round(world)
    round_ = setup.round
    updated = services.round_update(
        acting_user=world.coordinator,
        round_=round_,
        expected_version=round_.version,
        name_en="New",
        gates={"security": False},
    )
    assert updated.name_en == "New"
    assert updated.gates["security"] is False
    assert updated.gates["min_cofinancing"] is None
    with pytest.raises(EditConflict):
        services.round_update(
            acting_user=world.coordinator, round_=round_, expected_version=round_.version, name_en="X"
        )
    with pytest.raises(TypeError):
        services.round_update(acting_user=world.coordinator, round_=round_, expected_version=None, status="closed")
    services.round_publish(acting_user=world.coordinator, round_=updated)
    with pytest.raises(ValidationError) as caught:
        services.round_update(acting_user=world.coordinator, round_=round_, expected_version=None, name_en="Y")
    assert "status" in caught.value.message_dict


def test_criteria_set_replaces_and_validates(world):  # type: ignore[no-untyped-def]
    setup = make_round(world)
    assert [c.code for c in setup.round.criteria.all()] == ["reach", "cost"]
    services.criteria_set(
        acting_user=world.coordinator,
        round_=setup.round,
        criteria=[{"code": "gov", "name_uk": "Врядування", "pillar": "gov", "weight": "1.5", "scale_max": 3}],
    )
    [only] = setup.round.criteria.all()
    assert only.code == "gov"
    assert only.weight == Decimal("1.5")
    assert only.scale_max == 3
    assert only.position == 1
    bad = [
        {"code": "a", "name_uk": "A", "pillar": "other", "weight": "0", "scale_max": 11},
        {"code": "a", "name_uk": "", "pillar": "gov", "weight": "-1", "scale_max": 0},
    ]
    with pytest.raises(ValidationError) as caught:
        services.criteria_set(acting_user=world.coordinator, round_=setup.round, criteria=bad)
    errors = caught.value.message_dict
    for key in (
        "criteria[1].pillar",
        "criteria[1].weight",
        "criteria[1].scale_max",
        "criteria[2].code",
        "criteria[2].name_uk",
        "criteria[2].weight",
        "criteria[2].scale_max",
    ):
        assert key in errors, key
    assert setup.round.criteria.get().code == "gov"  # nothing saved half-way
    with pytest.raises(ValidationError) as caught:
        services.criteria_set(acting_user=world.coordinator, round_=setup.round, criteria=[])
    assert "criteria" in caught.value.message_dict


def test_criteria_locked_after_publish(world):  # type: ignore[no-untyped-def]
    setup = make_round(world, publish=True)
    with pytest.raises(ValidationError):
        services.criteria_set(acting_user=world.coordinator, round_=setup.round, criteria=CRITERIA[:1])
    assert setup.round.criteria.count() == 2
    entry = AuditEntry.objects.get(action="projects.prioritisation.published")
    assert entry.data["criteria"] == [
        {"code": "reach", "pillar": "soc_env", "weight": "2.00", "scale_max": 5},
        {"code": "cost", "pillar": "fin_eco", "weight": "1.00", "scale_max": 10},
    ]
    setup.round.refresh_from_db()
    assert setup.round.published_by == world.coordinator
    assert setup.round.published_at is not None


def test_publish_needs_criteria_and_projects(world):  # type: ignore[no-untyped-def]
    round_ = services.round_create(acting_user=world.coordinator, programme=world.programme, name_uk="Р")
    with pytest.raises(ValidationError) as caught:
        services.round_publish(acting_user=world.coordinator, round_=round_)
    assert {"criteria", "projects"} <= set(caught.value.message_dict)
    with pytest.raises(PermissionDenied):
        services.round_publish(acting_user=world.expert, round_=round_)


def test_projects_set_only_programme_hromadas(world):  # type: ignore[no-untyped-def]
    setup = make_round(world)
    stranger = make_project(world.other_hromada, code="OTHER-1")
    with pytest.raises(ValidationError) as caught:
        services.projects_set(acting_user=world.coordinator, round_=setup.round, projects=[stranger])
    assert "OTHER-1" in caught.value.message_dict["projects"][0]
    assert setup.round.projects.count() == 2
    services.round_publish(acting_user=world.coordinator, round_=setup.round)
    with pytest.raises(ValidationError) as caught:  # fixed once published
        services.projects_set(acting_user=world.coordinator, round_=setup.round, projects=setup.projects[:1])
    assert "status" in caught.value.message_dict
    assert setup.round.projects.count() == 2


def test_scorer_add_staff_or_programme_experts_only(world):  # type: ignore[no-untyped-def]
    setup = make_round(world)
    scorer = services.scorer_add(acting_user=world.coordinator, round_=setup.round, user=world.expert)
    assert scorer.user == world.expert
    services.scorer_add(acting_user=world.coordinator, round_=setup.round, user=world.admin)
    for user in (world.editor, world.outsider):
        with pytest.raises(ValidationError) as caught:
            services.scorer_add(acting_user=world.coordinator, round_=setup.round, user=user)
        assert "user" in caught.value.message_dict
    with pytest.raises(ValidationError):
        services.scorer_add(acting_user=world.coordinator, round_=setup.round, user=world.expert)  # twice
    with pytest.raises(PermissionDenied):
        services.scorer_add(acting_user=world.expert, round_=setup.round, user=world.coordinator)


def test_declare_before_scoring_and_conflicts_refused(world):  # type: ignore[no-untyped-def]
    setup = make_round(world, publish=True, scorers=[world.expert])
    first, second = setup.projects
    scorer = setup.round.scorers.get(user=world.expert)
    with pytest.raises(ValidationError) as caught:  # not declared yet
        services.score_set(
            acting_user=world.expert,
            scorer=scorer,
            project=first,
            criterion=setup.criteria["reach"],
            value=3,
            justification="x",
        )
    assert "conflicts" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.conflict_declare(acting_user=world.expert, scorer=scorer, projects=[first], note="")
    assert "conflict_note" in caught.value.message_dict
    with pytest.raises(PermissionDenied):  # someone else declares for the scorer
        services.conflict_declare(acting_user=world.coordinator, scorer=scorer, projects=[], note="")
    services.conflict_declare(acting_user=world.expert, scorer=scorer, projects=[first], note="Мій брат — голова")
    scorer.refresh_from_db()
    assert scorer.declared_at is not None
    assert list(scorer.conflicts.all()) == [first]
    assert AuditEntry.objects.filter(action="projects.prioritisation.conflict_declared").count() == 1
    with pytest.raises(ValidationError) as caught:
        services.score_set(
            acting_user=world.expert,
            scorer=scorer,
            project=first,
            criterion=setup.criteria["reach"],
            value=3,
            justification="x",
        )
    assert "project" in caught.value.message_dict
    score = services.score_set(
        acting_user=world.expert,
        scorer=scorer,
        project=second,
        criterion=setup.criteria["reach"],
        value="4.5",
        justification="Багато людей",
    )
    assert score.value == Decimal("4.5")
    with pytest.raises(ValidationError):  # after scoring, the declaration is fixed
        services.conflict_declare(acting_user=world.expert, scorer=scorer, projects=[], note="")


@pytest.mark.parametrize(
    ("value", "justification", "key"),
    [(6, "x", "value_reach"), (-1, "x", "value_reach"), ("abc", "x", "value_reach"), (3, "  ", "justification_reach")],
)
def test_score_set_refuses_bad_values(world, value, justification, key):  # type: ignore[no-untyped-def]
    setup = make_round(world, publish=True, scorers=[world.expert])
    scorer = setup.round.scorers.get(user=world.expert)
    services.conflict_declare(acting_user=world.expert, scorer=scorer, projects=[], note="")
    with pytest.raises(ValidationError) as caught:
        services.score_set(
            acting_user=world.expert,
            scorer=scorer,
            project=setup.projects[0],
            criterion=setup.criteria["reach"],
            value=value,
            justification=justification,
        )
    assert key in caught.value.message_dict
    assert not PriorityScore.objects.exists()


def test_scores_set_is_all_or_nothing_and_replaces(world):  # type: ignore[no-untyped-def]
    setup = make_round(world, publish=True, scorers=[world.expert])
    scorer = setup.round.scorers.get(user=world.expert)
    services.conflict_declare(acting_user=world.expert, scorer=scorer, projects=[], note="")
    project = setup.projects[0]
    with pytest.raises(ValidationError):
        services.scores_set(
            acting_user=world.expert,
            scorer=scorer,
            project=project,
            scores=[
                {"criterion": setup.criteria["reach"], "value": 3, "justification": "ok"},
                {"criterion": setup.criteria["cost"], "value": 11, "justification": "ok"},
            ],
        )
    assert not PriorityScore.objects.exists()
    services.scores_set(
        acting_user=world.expert,
        scorer=scorer,
        project=project,
        scores=[{"criterion": setup.criteria["reach"], "value": 3, "justification": "ok"}],
    )
    services.score_set(
        acting_user=world.expert,
        scorer=scorer,
        project=project,
        criterion=setup.criteria["reach"],
        value=5,
        justification="new",
    )
    only = PriorityScore.objects.get()
    assert only.value == 5
    assert only.justification == "new"
    assert AuditEntry.objects.filter(action="projects.prioritisation.scored").count() == 2


def test_scoring_only_while_published(world):  # type: ignore[no-untyped-def]
    setup = make_round(world, scorers=[world.expert])
    scorer = setup.round.scorers.get(user=world.expert)
    services.conflict_declare(acting_user=world.expert, scorer=scorer, projects=[], note="")
    with pytest.raises(ValidationError) as caught:  # draft
        services.score_set(
            acting_user=world.expert,
            scorer=scorer,
            project=setup.projects[0],
            criterion=setup.criteria["reach"],
            value=1,
            justification="x",
        )
    assert "status" in caught.value.message_dict
    services.round_publish(acting_user=world.coordinator, round_=setup.round)
    services.round_close(acting_user=world.coordinator, round_=setup.round)
    with pytest.raises(ValidationError):
        services.score_set(
            acting_user=world.expert,
            scorer=scorer,
            project=setup.projects[0],
            criterion=setup.criteria["reach"],
            value=1,
            justification="x",
        )
    assert AuditEntry.objects.filter(action="projects.prioritisation.closed").count() == 1
    with pytest.raises(ValidationError):  # closing twice
        services.round_close(acting_user=world.coordinator, round_=setup.round)


def test_close_needs_published_and_staff(world):  # type: ignore[no-untyped-def]
    setup = make_round(world)
    with pytest.raises(ValidationError):
        services.round_close(acting_user=world.coordinator, round_=setup.round)
    services.round_publish(acting_user=world.coordinator, round_=setup.round)
    with pytest.raises(PermissionDenied):
        services.round_close(acting_user=world.expert, round_=setup.round)
