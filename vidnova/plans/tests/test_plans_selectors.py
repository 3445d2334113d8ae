"""Reads of plans: the filtered list, the section overview of a version, the hromada's plans and the
translation completeness of a version, each in a fixed number of queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from conftest import World
from vidnova.plans import catalogue
from vidnova.plans.models import CommentThread, Plan, PlanState, PlanType
from vidnova.plans.selectors.plans import (
    PlanFilter,
    SectionStatus,
    hromadas_for_new_plan,
    plan_list,
    plans_of_hromada,
    section_overview,
    versions_visible_to,
)
from vidnova.plans.selectors.translation import translation_report
from vidnova.plans.tests.test_plans_support import adopt, goal_tree, open_amendment, version_of, write
from vidnova.testing import factories


@pytest.fixture
def plans(world: World) -> dict[str, Plan]:
    factories.ParticipationFactory(phase=world.phase, hromada=world.other_hromada)
    lrp = factories.make_plan(
        world.hromada, programme=world.programme, title_uk="План відновлення Тестової громади", title_en="Recovery plan"
    )
    strategy = factories.make_plan(
        world.hromada,
        plan_type=PlanType.DEVELOPMENT_STRATEGY,
        title_uk="Стратегія розвитку до 2030 року",
        title_en="Development strategy",
    )
    other = factories.make_plan(
        world.other_hromada,
        programme=world.programme,
        title_uk="Програма комплексного відновлення",
        title_en="Comprehensive programme",
        plan_type=PlanType.COMPREHENSIVE_RECOVERY_PROGRAMME,
    )
    adopt(other)
    return {"lrp": lrp, "strategy": strategy, "other": other}


def titles(queryset: Any) -> set[str]:
    return {plan.title_en for plan in queryset}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (PlanFilter(), {"Recovery plan", "Development strategy", "Comprehensive programme"}),
        (PlanFilter(plan_type=PlanType.DEVELOPMENT_STRATEGY), {"Development strategy"}),
        (PlanFilter(state=PlanState.ADOPTED), {"Comprehensive programme"}),
        (PlanFilter(programme="test-programme"), {"Recovery plan", "Comprehensive programme"}),
        (PlanFilter(query="стратегія"), {"Development strategy"}),  # Cyrillic, any case, on every database
        (PlanFilter(query="ВІДНОВЛЕННЯ"), {"Recovery plan", "Comprehensive programme"}),
        (PlanFilter(query="recovery plan"), {"Recovery plan"}),
        (PlanFilter(query="план тестової"), {"Recovery plan"}),  # every word must match
        (PlanFilter(query="nothing like this"), set()),
    ],
)
def test_the_list_filters(world: World, plans: dict[str, Plan], filters: PlanFilter, expected: set[str]) -> None:
    assert titles(plan_list(world.coordinator, filters)) == expected


def test_the_list_filters_by_hromada_and_finds_hromada_names(world: World, plans: dict[str, Plan]) -> None:
    assert titles(plan_list(world.coordinator, PlanFilter(hromada=world.other_hromada.katottg))) == {
        "Comprehensive programme"
    }
    name_word = world.other_hromada.name_uk.split()[-1]  # "Тестова громада 12" → "12"
    assert titles(plan_list(world.coordinator, PlanFilter(query=f"громада {name_word}"))) == {"Comprehensive programme"}


def test_the_list_shows_each_person_what_they_may_open(world: World, plans: dict[str, Plan]) -> None:
    assert titles(plan_list(AnonymousUser())) == {"Comprehensive programme"}
    assert titles(plan_list(world.outsider)) == {"Comprehensive programme"}
    assert titles(plan_list(world.viewer)) == {"Recovery plan", "Development strategy", "Comprehensive programme"}
    # The expert reviews plans of the programme, not the hromada's own strategy without a programme.
    assert titles(plan_list(world.expert)) == {"Recovery plan", "Comprehensive programme"}


def test_the_list_counts_open_comments_on_the_newest_version(world: World, plans: dict[str, Plan]) -> None:
    plan = plans["other"]
    old = version_of(plan).sections.get(code="needs")
    CommentThread.objects.create(section=old, created_by=world.expert)  # on the adopted version
    new = open_amendment(plan)
    section = new.sections.get(code="needs")
    CommentThread.objects.create(section=section, created_by=world.expert)
    CommentThread.objects.create(section=section, created_by=world.expert)
    CommentThread.objects.create(section=section, created_by=world.expert, resolved_at=timezone.now())
    rows = {row.title_en: row for row in plan_list(world.coordinator)}
    assert rows["Comprehensive programme"].open_comment_count == 2  # type: ignore[attr-defined]
    assert rows["Comprehensive programme"].latest_version_number == 2  # type: ignore[attr-defined]
    assert rows["Recovery plan"].open_comment_count == 0  # type: ignore[attr-defined]


def test_the_list_costs_one_query_whatever_its_length(
    world: World, django_assert_num_queries: Any, plans: dict[str, Plan]
) -> None:
    for number in range(10):
        factories.make_plan(world.hromada, programme=world.programme, title_uk=f"План {number}")
    world.coordinator.refresh_from_db()
    from vidnova.accounts.access import roles_of

    roles_of(world.coordinator)  # loaded once per request
    with django_assert_num_queries(1):
        rows = list(plan_list(world.coordinator, PlanFilter(query="план")))
        # The hromada, programme and public version come with the rows.
        joined = [
            (row.hromada.name_uk, row.programme.slug if row.programme else "", row.public_version) for row in rows
        ]
    assert len(rows) == 11
    assert {hromada for hromada, _programme, _public in joined} == {world.hromada.name_uk}


def test_the_hromada_page_lists_public_plans_for_everyone_and_all_for_insiders(
    world: World, plans: dict[str, Plan]
) -> None:
    adopt(plans["strategy"])
    public = plans_of_hromada(AnonymousUser(), world.hromada)
    assert [(item.plan.title_en, item.insider) for item in public] == [("Development strategy", False)]
    inside = plans_of_hromada(world.viewer, world.hromada)
    assert {(item.plan.title_en, item.insider) for item in inside} == {
        ("Recovery plan", True),
        ("Development strategy", True),
    }


def test_hromadas_offered_for_a_new_plan(world: World) -> None:
    factories.ParticipationFactory(phase=world.phase, hromada=world.other_hromada)
    assert list(hromadas_for_new_plan(world.editor)) == [world.hromada]
    assert set(hromadas_for_new_plan(world.coordinator)) == {world.hromada, world.other_hromada}
    for persona in ("viewer", "expert", "outsider"):
        assert not hromadas_for_new_plan(getattr(world, persona)).exists()
    assert not hromadas_for_new_plan(AnonymousUser()).exists()


def test_versions_visible_to_outsiders_are_the_adopted_ones(world: World, plans: dict[str, Plan]) -> None:
    plan = plans["other"]
    open_amendment(plan)
    assert [version.number for version in versions_visible_to(world.coordinator, plan)] == [2, 1]
    assert [version.number for version in versions_visible_to(world.outsider, plan)] == [1]


# --- the section overview ------------------------------------------------------------------------


def test_section_overview(world: World, django_assert_num_queries: Any) -> None:
    plan = factories.make_plan(world.hromada, plan_type=PlanType.DEVELOPMENT_STRATEGY)
    version = version_of(plan)
    write(version, "profile", uk="<p>Опис громади</p>", en="<p>About the hromada</p>")
    write(version, "swot", en="<p>Only English</p>")
    write(version, "vision", uk="<p>  </p><p><br></p>")  # markup without words is empty
    write(version, "war_impact", tables={"damage_by_sector": [{"sector": "housing", "damaged": "12"}]})
    write(version, "needs", uk="<p>Потреби</p>")
    goal_tree(version)
    CommentThread.objects.create(section=version.sections.get(code="needs"), created_by=world.expert)
    CommentThread.objects.create(section=version.sections.get(code="needs"), created_by=world.expert)
    CommentThread.objects.create(section=version.sections.get(code="needs"), resolved_at=timezone.now())
    version.plan = plan
    with django_assert_num_queries(2):
        rows = {row.code: row for row in section_overview(version)}
    assert list(rows) == [spec.code.value for spec in catalogue.SECTIONS]
    assert rows["profile"].status == SectionStatus.BOTH
    assert rows["needs"].status == SectionStatus.UKRAINIAN_ONLY
    assert rows["swot"].status == SectionStatus.ENGLISH_ONLY
    assert rows["vision"].status == SectionStatus.EMPTY
    assert rows["war_impact"].status == SectionStatus.DATA_ONLY
    assert rows["war_impact"].table_rows == 1
    assert rows["goals"].status == SectionStatus.DATA_ONLY
    assert rows["goals"].goal_count == 5
    assert rows["goals"].filled  # a vision and a strategic goal
    assert rows["needs"].open_comment_count == 2
    assert rows["profile"].open_comment_count == 0
    # Required per the catalogue for a development strategy.
    assert {code for code, row in rows.items() if row.required} == set(
        catalogue.required_codes(PlanType.DEVELOPMENT_STRATEGY)
    )
    assert rows["swot"].required
    assert not rows["swot"].filled  # English text does not count for the workflow
    assert not rows["war_impact"].required
    assert rows["war_impact"].filled
    assert str(rows["needs"].status_label) == "Ukrainian only"


# --- translation completeness ----------------------------------------------------------------------


def test_translation_report(world: World, django_assert_num_queries: Any) -> None:
    plan = factories.make_plan(world.hromada, title_en="")
    version = version_of(plan)
    write(version, "profile", uk="<p>Опис</p>", en="<p>Description</p>")
    write(version, "needs", uk="<p>Потреби</p>")
    write(
        version,
        "swot",
        tables={
            "swot": [
                {"quadrant": "strength", "text_uk": "Молодь", "text_en": "Young people"},
                {"quadrant": "threat", "text_uk": "Обстріли", "text_en": ""},
            ],
            "risks": [
                {
                    "risk_uk": "Ризик",
                    "risk_en": "Risk",
                    "likelihood": "3",
                    "impact": "4",
                    "mitigation_uk": "Захід",
                    "mitigation_en": "",
                }
            ],
        },
    )
    goal_tree(version)  # 5 nodes, 1 without English
    check = version.principle_checks.get(principle="inclusiveness")
    check.justification_uk, check.justification_en = "Доступність", "Accessibility"
    check.save()
    version.plan = plan
    with django_assert_num_queries(3):
        report = translation_report(version)
    plan_group = report.group("plan")
    assert [(pair.key, pair.missing) for pair in plan_group.pairs] == [("plan:title", ["en"]), ("plan:summary", [])]
    profile = report.group("section:profile")
    assert (profile.total, profile.complete, profile.percent) == (1, 1, 100)
    needs = report.group("section:needs")
    assert (needs.total, needs.complete, needs.percent, needs.missing_en) == (1, 0, 0, 1)
    swot = report.group("section:swot")
    # Body empty (not counted); SWOT 2 statements; risks: risk and mitigation.
    assert [(pair.key, pair.is_complete) for pair in swot.pairs if pair.counted] == [
        ("section:swot:swot:1:text", True),
        ("section:swot:swot:2:text", False),
        ("section:swot:risks:1:risk", True),
        ("section:swot:risks:1:mitigation", False),
    ]
    assert swot.percent == 50
    assert report.group("section:vision").percent is None  # nothing written
    goals = report.group("goals")
    assert (goals.total, goals.complete) == (5, 4)
    assert [pair.label for pair in goals.pairs][:3] == ["Vision", "1 strategic goal", "1.1 operational goal"]
    principles_group = report.group("principles")
    assert (principles_group.total, principles_group.complete) == (1, 1)
    # Overall: title 0/1 + profile 1/1 + needs 0/1 + swot 2/4 + goals 4/5 + principles 1/1 = 8/13.
    assert (report.complete, report.total) == (8, 13)
    assert report.percent == 61
    assert report.missing_en == 5
    assert report.missing_uk == 0
    assert report.section_percentages["profile"] == 100
    assert report.section_percentages["vision"] is None


def test_translation_counts_missing_ukrainian_too(world: World) -> None:
    plan = factories.make_plan(world.hromada)
    version = version_of(plan)
    write(version, "vision", en="<p>A good place to live</p>")
    version.plan = plan
    report = translation_report(version)
    assert report.group("section:vision").pairs[0].missing == ["uk"]
    assert report.missing_uk == 1
    assert report.percent == 50  # the title is complete, the vision is not
