"""Match explanations in words (matching/explain.py): every component, reason and problem renders its
facts (numbers, names) in English; the engine's dataclasses and the stored dicts read the same."""

from __future__ import annotations

import dataclasses
import inspect
import io
import re
import tokenize
from typing import Any

import pytest
from django.utils import translation

from conftest import World
from vidnova.partnerships.matching import engine, explain
from vidnova.partnerships.matching.explain import ExplainContext
from vidnova.partnerships.matching.types import (
    COMPONENT_FAIRNESS,
    COMPONENT_LANGUAGE,
    COMPONENT_MODE,
    COMPONENT_SIZE,
    COMPONENT_THEME,
    COMPONENT_TIES,
    COMPONENTS,
    PROBLEM_HROMADA_LOCKED_TWICE,
    PROBLEM_LOCK_AND_RULE_OUT,
    PROBLEM_LOCK_UNKNOWN,
    PROBLEM_LOCKS_OVER_CAPACITY,
    REASON_FULL,
    REASON_NO_MODE,
    REASON_NO_THEME,
    REASON_NOT_AVAILABLE,
    REASON_OUTSCORED,
    REASON_RULED_OUT,
    SOURCE_ASSESSMENT,
    SOURCE_MANUAL,
    SOURCE_PROJECT,
    Component,
    HromadaInput,
    MatchInput,
    NeedInput,
    OfferInput,
    Reason,
    Weights,
)
from vidnova.testing.partnerships import make_offer

CTX = ExplainContext(
    theme_names={
        "civil-protection": "Shelters, warning and civil protection",
        "crisis-planning": "Crisis planning and crisis management",
    },
    offer_titles={10: "Crisis planning coaching", 11: "Shelter audit"},
    organisation_of_offer={10: "Safety Region Utrecht", 11: "Rheden"},
    hromada_names={1: "Бучанська", 2: "Ірпінська"},
)
ASSESSED = {
    "source": SOURCE_ASSESSMENT,
    "severity": 0.78,
    "dimension": "f1_prep",
    "dimension_label": {"uk": "Цивільний захист", "en": "Civil protection", "nl": "Bevolkingszorg"},
    "score": 22.0,
    "threshold": 50.0,
    "assessment_id": 3,
    "validated_on": "2026-05-03",
}
THEME_FACTS: dict[str, Any] = {
    "themes": [
        {"theme": "civil-protection", "severity": 0.78, "sources": [ASSESSED]},
        {
            "theme": "crisis-planning",
            "severity": 0.67,
            "sources": [
                {
                    "source": SOURCE_PROJECT,
                    "severity": 0.5,
                    "project_id": 7,
                    "project_code": "BU-12",
                    "project_title": "Shelter network",
                },
                {"source": SOURCE_MANUAL, "severity": 0.67, "need_id": 4, "severity_level": 2},
            ],
        },
    ],
    "offer_themes": ["civil-protection", "crisis-planning"],
    "need_themes": ["civil-protection", "crisis-planning"],
    "offer_id": 10,
    "organisation_id": 5,
    "organisation_name": "Veiligheidsregio Utrecht",
}


def theme_component(**facts: Any) -> dict[str, Any]:
    return {"code": COMPONENT_THEME, "value": 1.0, "points": 60.0, "facts": {**THEME_FACTS, **facts}}


# --- components -----------------------------------------------------------------------------------


def test_theme_text_names_dimension_score_threshold_sources_and_partner() -> None:
    text = explain.component_text(theme_component(), CTX)
    assert "Shelters, warning and civil protection: Civil protection at 22/100 (below 50)" in text
    assert (
        "Crisis planning and crisis management: project idea BU-12 “Shelter network”; need entered by hand (medium)"
        in text
    )
    assert text.endswith("Safety Region Utrecht offers all 2 of them.")


def test_theme_text_accepts_the_dataclass_and_falls_back_to_names_in_the_facts() -> None:
    component = Component(COMPONENT_THEME, 0.78, 46.8, {**THEME_FACTS, "themes": THEME_FACTS["themes"][:1]})
    assert explain.component_text(component, CTX) == explain.component_text(dataclasses.asdict(component), CTX)
    bare = explain.component_text(component, ExplainContext())
    assert bare == "Civil-protection: Civil protection at 22/100 (below 50). Veiligheidsregio Utrecht offers it."


def test_theme_text_of_a_locked_pair_without_a_shared_theme() -> None:
    text = explain.component_text(
        theme_component(themes=[], offer_themes=["crisis-planning"], need_themes=["civil-protection"]), CTX
    )
    assert text == (
        "No shared theme: the hromada needs Shelters, warning and civil protection; "
        "Safety Region Utrecht offers Crisis planning and crisis management."
    )


def test_mode_texts() -> None:
    preferred = {
        "possible": ["peer_exchange", "remote_coaching"],
        "preferred": ["remote_coaching"],
        "blocked": [],
        "status": "none",
    }
    assert (
        explain.component_text({"code": COMPONENT_MODE, "facts": preferred}, CTX)
        == "Peer exchange, remote coaching (preferred)"
    )
    assert (
        explain.component_text({"code": COMPONENT_MODE, "facts": preferred}, CTX, with_label=True)
        == "Modes: Peer exchange, remote coaching (preferred)"
    )
    blocked = {
        "possible": ["remote_coaching"],
        "preferred": ["expert_mission"],
        "blocked": ["expert_mission"],
        "status": "active_hostilities",
    }
    text = explain.component_text({"code": COMPONENT_MODE, "facts": blocked}, CTX)
    assert text == (
        "Remote coaching; none of the hromada's preferred modes (expert mission to the hromada); "
        "not possible under the hromada's security status (active hostilities): expert mission to the hromada"
    )


def test_language_texts() -> None:
    def text(shared: list[str]) -> str:
        facts = {"shared": shared, "hromada": ["uk", "en"], "offer": ["nl", "en"]}
        return explain.component_text({"code": COMPONENT_LANGUAGE, "facts": facts}, CTX)

    assert text(["uk"]) == "Ukrainian shared (no interpreter needed)"
    assert text(["en"]) == "English shared, not Ukrainian (no interpreter needed)"
    assert (
        text([])
        == "No shared language: an interpreter is needed (hromada: Ukrainian, English; partner: Dutch, English)"
    )


def test_ties_and_size_texts() -> None:
    facts: dict[str, Any] = {"count": 1, "offer_id": 10, "organisation_name": "x"}
    ties = {"code": COMPONENT_TIES, "facts": facts}
    assert (
        explain.component_text(ties, CTX, with_label=True)
        == "Existing ties: 1 earlier partnership with Safety Region Utrecht"
    )
    facts["count"] = 3
    assert explain.component_text(ties, CTX) == "3 earlier partnerships with Safety Region Utrecht"
    facts["count"] = 0
    assert explain.component_text(ties, CTX) == "No earlier partnership with Safety Region Utrecht"
    populations: dict[str, Any] = {"hromada_population": 12_000, "offer_population": 14_500}
    size = {"code": COMPONENT_SIZE, "facts": populations}
    assert explain.component_text(size, CTX) == "Hromada 12,000 residents, partner 14,500"
    populations["offer_population"] = None
    assert explain.component_text(size, CTX) == "Hromada 12,000 residents, partner's population unknown (neutral value)"


def test_fairness_text_names_the_groups_behind_and_their_rates() -> None:
    facts = {
        "deficit": 0.78,
        "overall_rate": 0.45,
        "seeking": 100,
        "matched": 45,
        "groups": [
            {"dimension": "type", "group": "rural", "seeking": 40, "matched": 8, "rate": 0.2},
            {"dimension": "population", "group": "under_5000", "seeking": 30, "matched": 9, "rate": 0.3},
        ],
    }
    text = explain.component_text({"code": COMPONENT_FAIRNESS, "facts": facts}, CTX, with_label=True)
    assert text == (
        "Fairness: Without the fairness weight, rural hromadas were matched at 20 in 100 and hromadas with "
        "under 5,000 residents were matched at 30 in 100 against 45 in 100 overall"
    )
    facts["groups"] = [{"dimension": "type", "group": "urban", "rate": 0.6}]
    assert "no extra points" in explain.component_text({"code": COMPONENT_FAIRNESS, "facts": facts}, CTX)


def test_labels() -> None:
    assert [explain.component_label(code) for code in COMPONENTS] == [
        "theme fit",
        "modes",
        "languages",
        "existing ties",
        "similar size",
        "fairness",
    ]
    assert [explain.group_label("type", group) for group in ("urban", "settlement", "rural", "unknown")] == [
        "urban",
        "settlement",
        "rural",
        "unknown",
    ]
    bands = ("under_5000", "5000_15000", "15000_50000", "50000_plus", "unknown")
    assert [explain.group_label("population", band) for band in bands] == [
        "under 5,000",
        "5,000–15,000",
        "15,000–50,000",
        "50,000 and more",
        "unknown",
    ]


# --- the one-line summary -------------------------------------------------------------------------


def test_suggestion_summary_like_the_issue_example() -> None:
    row = {
        "hromada_id": 1,
        "offer_id": 10,
        "score": 83.5,
        "components": [theme_component()],
        "locked": False,
        "places_left": 2,
    }
    assert explain.suggestion_summary(row, CTX) == (
        "Civil protection dimension at 22/100; Safety Region Utrecht offers “Crisis planning coaching”, 2 places left after this run"
    )
    row.update(places_left=0, locked=True)
    assert explain.suggestion_summary(row, CTX).endswith("this run fills its last place (locked in by a coordinator)")


def test_suggestion_summary_from_the_engine_result_and_without_assessment() -> None:
    hromada = HromadaInput(
        id=1,
        name="Бучанська",
        hromada_type="urban",
        population=12_000,
        languages=frozenset({"uk"}),
        preferred_modes=frozenset(),
        security_status="none",
        needs=(NeedInput("crisis-planning", 0.5, SOURCE_PROJECT, {"project_id": 7, "project_code": "BU-12"}),),
    )
    offer = OfferInput(
        id=11,
        organisation_id=5,
        organisation_name="Rheden",
        title="Shelter audit",
        themes=frozenset({"crisis-planning"}),
        modes=frozenset({"remote_coaching"}),
        capacity=3,
        places_left=3,
        languages=frozenset({"en"}),
        population=43_000,
        available=True,
    )
    suggestion = engine.match(MatchInput((hromada,), (offer,), Weights())).suggestions[0]
    assert explain.suggestion_summary(suggestion, CTX) == (
        "Crisis planning and crisis management sought by project idea BU-12; Rheden offers “Shelter audit”, 2 places left after this run"
    )
    assert explain.suggestion_summary(dataclasses.asdict(suggestion), CTX) == explain.suggestion_summary(
        suggestion, CTX
    )


# --- reasons and problems -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        (
            Reason(REASON_NO_THEME, {"themes": ["civil-protection", "local-finance"]}),
            "No offer covers any of its needs (Shelters, warning and civil protection, local-finance).",
        ),
        (
            Reason(REASON_NOT_AVAILABLE, {"offer_ids": [10]}),
            "1 offer covering its needs is not available on the start date: "
            "“Crisis planning coaching” (Safety Region Utrecht).",
        ),
        (
            Reason(
                REASON_FULL,
                {
                    "offer_ids": [10, 11],
                    "offers": [
                        {"offer_id": 10, "capacity": 2, "places_left": 0, "locked": 0},
                        {"offer_id": 11, "capacity": 3, "places_left": 1, "locked": 1},
                    ],
                },
            ),
            "2 offers covering its needs had no places left before this run: “Crisis planning coaching” "
            "(Safety Region Utrecht): capacity 2, all taken, “Shelter audit” (Rheden): capacity 3, 1 left, 1 locked in.",
        ),
        (
            Reason(
                REASON_NO_MODE,
                {"offer_ids": [11], "status": "temporarily_occupied", "blocked_modes": ["expert_mission"]},
            ),
            "1 offer covering its needs works only in modes not possible under the hromada's security status "
            "(temporarily occupied): “Shelter audit” (Rheden).",
        ),
        (
            Reason(REASON_RULED_OUT, {"offer_ids": [10, 11]}),
            "A coordinator ruled out 2 offers covering its needs: “Crisis planning coaching” (Safety Region Utrecht), "
            "“Shelter audit” (Rheden).",
        ),
        (
            Reason(
                REASON_OUTSCORED,
                {
                    "offer_id": 10,
                    "score": 61.5,
                    "lowest_score": 70.25,
                    "lowest_hromada_ids": [2],
                    "hromada_ids": [2],
                    "locked_hromada_ids": [],
                    "eligible_offers": 1,
                },
            ),
            "Its only suitable offer was filled by other hromadas. Its best, “Crisis planning coaching” "
            "(Safety Region Utrecht), scored 61.5 for it; the lowest score among those who got a place there was "
            "70.25 (Ірпінська).",
        ),
    ],
)
def test_reason_texts(reason: Reason, expected: str) -> None:
    assert explain.reason_text(reason, CTX) == expected
    assert explain.reason_text(dataclasses.asdict(reason), CTX) == expected


def test_outscored_by_a_lower_score_and_by_locks_says_why() -> None:
    facts = {
        "offer_id": 11,
        "score": 80,
        "lowest_score": 55,
        "lowest_hromada_ids": [2],
        "hromada_ids": [2, 9],
        "locked_hromada_ids": [9],
        "eligible_offers": 3,
    }
    text = explain.reason_text({"code": REASON_OUTSCORED, "facts": facts}, CTX)
    assert text.startswith("All 3 suitable offers were filled by other hromadas.")
    assert "scored 80 for it, more than 55 of Ірпінська who got a place there" in text
    assert "would lower the total score" in text
    assert text.endswith("1 place there was locked in by a coordinator.")


def test_long_offer_lists_are_shortened() -> None:
    text = explain.reason_text({"code": REASON_RULED_OUT, "facts": {"offer_ids": list(range(20, 28))}}, CTX)
    assert "offer #20, offer #21, offer #22, offer #23, offer #24 and 3 more" in text


@pytest.mark.parametrize(
    ("code", "facts", "expected"),
    [
        (
            PROBLEM_LOCK_AND_RULE_OUT,
            {"hromada_id": 1, "offer_id": 10},
            "Бучанська is both locked in and ruled out for “Crisis planning coaching” (Safety Region Utrecht). "
            "Remove one of the two constraints.",
        ),
        (
            PROBLEM_HROMADA_LOCKED_TWICE,
            {"hromada_id": 1, "offer_ids": [10, 11]},
            "Бучанська is locked in to 2 offers (“Crisis planning coaching” (Safety Region Utrecht), “Shelter audit” "
            "(Rheden)); a hromada can be locked in to one offer only. Remove all locks but one.",
        ),
        (
            PROBLEM_LOCKS_OVER_CAPACITY,
            {"offer_id": 11, "locks": 3, "places_left": 2, "capacity": 3, "hromada_ids": [1, 2, 5]},
            "“Shelter audit” (Rheden) has 3 hromadas locked in but 2 places left. Remove locks or raise the offer's capacity.",
        ),
        (
            PROBLEM_LOCK_UNKNOWN,
            {"hromada_id": 77, "offer_id": 10},
            "A lock pairs hromada #77 with “Crisis planning coaching” (Safety Region Utrecht), but the hromada does not "
            "seek a partner in this run or the offer is not open. Remove the lock or change the run.",
        ),
    ],
)
def test_problem_texts(code: str, facts: dict[str, Any], expected: str) -> None:
    assert explain.problem_text(code, facts, CTX) == expected


def test_problems_from_a_refused_run_render() -> None:
    hromada = HromadaInput(1, "x", "rural", 900, frozenset({"uk"}), frozenset(), "none", ())
    data = MatchInput((hromada,), (), Weights(), locks=frozenset({(1, 10), (1, 11)}))
    texts = [explain.problem_text(code, facts, CTX) for code, facts in engine.check(data)]
    assert texts[0].startswith("A lock pairs Бучанська with “Crisis planning coaching”")
    assert len(texts) == 2


# --- languages ------------------------------------------------------------------------------------


def test_other_interface_languages_pick_their_dimension_label_and_number_format() -> None:
    with translation.override("uk"):
        text = explain.component_text(theme_component(), CTX)
        assert "Цивільний захист" in text
        assert explain.group_label("population", "50000_plus").startswith("50\xa0000")
    with translation.override("nl"):
        assert "Bevolkingszorg" in explain.component_text(theme_component(), CTX)


def test_source_strings_have_no_bare_percent_and_named_placeholders_only() -> None:
    source = inspect.getsource(explain)
    strings = [
        token.string
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.STRING
    ]
    assert len(strings) > 50
    assert not [text for text in strings if "%" in text]
    # "{}" or "{0}" placeholders cannot be reordered by translators.
    assert not [text for text in strings if re.search(r"\{\d*\}", text)]


# --- names from the database ----------------------------------------------------------------------


def test_context_from_db_reads_names(world: World) -> None:
    offer = make_offer(world.organisation, title="Crisis planning coaching", themes=("crisis-planning",))
    context = explain.context_from_db(["crisis-planning", "no-such-theme"], [offer.pk], [world.hromada.pk])
    assert context.theme_names == {"crisis-planning": "Crisis planning and crisis management"}
    assert context.offer_titles == {offer.pk: "Crisis planning coaching"}
    assert context.organisation_of_offer == {offer.pk: "Test Safety Region"}
    assert context.hromada_names == {world.hromada.pk: world.hromada.name_uk}
    assert explain.context_from_db([], [], []) == ExplainContext()
    with translation.override("uk"):
        assert explain.context_from_db(["crisis-planning"], [], []).theme_names["crisis-planning"] == (
            "Кризове планування та управління"
        )
