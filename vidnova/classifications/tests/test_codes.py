"""The code lists: complete, labelled in every language, and strict about unknown codes."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from vidnova import classifications
from vidnova.classifications import (
    ACQUIS_CHAPTER,
    CHARTER_ARTICLE,
    LANGUAGES,
    SCHEMES,
    SDG_GOAL,
    SDG_TARGET,
)


def test_seventeen_goals_numbered_one_to_seventeen() -> None:
    goals = classifications.sdg_goals()
    assert [goal.code for goal in goals] == [str(number) for number in range(1, 18)]
    assert goals[10].labels["en"] == "Sustainable cities and communities"
    assert goals[10].description_en.startswith("Make cities and human settlements inclusive")


def test_169_targets_each_under_an_existing_goal() -> None:
    targets = classifications.sdg_targets()
    assert len(targets) == 169
    assert len({target.code for target in targets}) == 169
    goal_codes = {goal.code for goal in classifications.sdg_goals()}
    for target in targets:
        assert re.fullmatch(r"\d{1,2}\.(\d{1,2}|[a-d])", target.code), target.code
        assert target.group == target.code.split(".")[0]
        assert target.group in goal_codes
    codes = [target.code for target in targets]
    assert "11.a" in codes
    assert "17.19" in codes
    assert codes.index("1.b") < codes.index("2.1")  # goal by goal, lettered targets last
    per_goal = {goal: sum(1 for target in targets if target.group == goal) for goal in goal_codes}
    assert per_goal["17"] == 19
    assert per_goal["8"] == 12


def test_target_labels_official_text_in_english_goal_name_elsewhere() -> None:
    target = classifications.get(SDG_TARGET, "11.3")
    assert target is not None
    assert target.labels["en"].startswith("By 2030, enhance inclusive and sustainable urbanization")
    assert target.labels["uk"] == "Сталий розвиток міст і громад"
    assert target.labels["nl"] == "Duurzame steden en gemeenschappen"


def test_six_clusters_and_35_chapters() -> None:
    clusters = classifications.acquis_clusters()
    chapters = classifications.acquis_chapters()
    assert [cluster.code for cluster in clusters] == ["1", "2", "3", "4", "5", "6"]
    assert [chapter.code for chapter in chapters] == [str(number) for number in range(1, 36)]
    by_code = {chapter.code: chapter for chapter in chapters}
    assert by_code["22"].group == "5"
    assert by_code["5"].group == "1"
    assert by_code["27"].group == "4"
    assert by_code["34"].group == ""
    assert by_code["35"].group == ""
    cluster_codes = {cluster.code for cluster in clusters}
    assert all(chapter.group in cluster_codes for chapter in chapters if chapter.code not in {"34", "35"})
    assert [len([c for c in chapters if c.group == cluster]) for cluster in "123456"] == [5, 9, 8, 4, 5, 2]


def test_charter_articles_two_to_eleven_and_the_protocol() -> None:
    articles = classifications.charter_articles()
    assert [article.code for article in articles] == [*(str(number) for number in range(2, 12)), "P1"]
    assert articles[-1].group == "protocol"
    assert {article.group for article in articles[:-1]} == {"charter"}


@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_every_label_present_in_every_language(scheme: str) -> None:
    for code in classifications.codes(scheme):
        for language in LANGUAGES:
            text = code.labels.get(language, "")
            assert text, (scheme, code.code, language)
            assert text == text.strip(), (scheme, code.code, language)


def test_label_follows_the_active_language() -> None:
    with translation.override("uk"):
        assert (
            classifications.label(ACQUIS_CHAPTER, "22")
            == "Регіональна політика та координація структурних інструментів"
        )
    with translation.override("en"):
        assert (
            classifications.label(ACQUIS_CHAPTER, "22") == "Regional policy and coordination of structural instruments"
        )
        assert classifications.label(SDG_GOAL, "99") == "99"  # unknown: the code itself
    with translation.override("nl"):
        assert classifications.label(CHARTER_ARTICLE, "9") == "Financiële middelen van lokale overheden"


def test_short_labels() -> None:
    assert classifications.short_label(SDG_TARGET, "11.3") == "SDG 11.3"
    assert classifications.short_label(ACQUIS_CHAPTER, "22") == "acquis ch. 22"
    assert classifications.short_label(CHARTER_ARTICLE, "4") == "Charter art. 4"
    assert classifications.short_label(CHARTER_ARTICLE, "P1") == "Protocol art. 1"


def test_validate_normalises_deduplicates_and_orders() -> None:
    assert classifications.validate(SDG_TARGET, [" 11.A", "1.1", "11.a", ""]) == ["1.1", "11.a"]
    assert classifications.validate(CHARTER_ARTICLE, ["p1", "4"]) == ["4", "P1"]
    assert classifications.validate(ACQUIS_CHAPTER, []) == []


def test_validate_refuses_unknown_codes_naming_them() -> None:
    with pytest.raises(ValidationError) as caught:
        classifications.validate(SDG_TARGET, ["11.3", "11.9", "18.1"])
    assert caught.value.messages == ["SDG targets has no codes 11.9, 18.1."]
    with pytest.raises(ValidationError, match="EU acquis chapters has no code 36"):
        classifications.validate(ACQUIS_CHAPTER, ["36"])
    with pytest.raises(ValidationError, match="has no code 1"):
        classifications.validate(CHARTER_ARTICLE, ["1"])  # Article 1 is an undertaking, not a tag


def test_grouped_for_pickers() -> None:
    groups = classifications.grouped(ACQUIS_CHAPTER)
    assert [group for group, _heading, _codes in groups] == ["1", "2", "3", "4", "5", "6", ""]
    assert groups[0][1] == "Cluster 1. Fundamentals"
    assert groups[-1][1] == "Outside the clusters"
    target_groups = classifications.grouped(SDG_TARGET)
    assert len(target_groups) == 17
    assert target_groups[10][1] == "Goal 11. Sustainable cities and communities"
    charter_groups = classifications.grouped(CHARTER_ARTICLE)
    assert [group for group, _heading, _codes in charter_groups] == ["charter", "protocol"]
