"""Scoring (vidnova.assessments.scoring) over hand-built definitions and the default instrument.

The worked example of docs/assessment-xlsform.md section 6 is ``test_worked_example_*``.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from vidnova.assessments.scoring import (
    AssessmentScore,
    ScoringError,
    applicable_answers,
    prepare,
    score,
    training_needs,
    weakest_dimensions,
)

DEFAULT_INSTRUMENT = Path(__file__).resolve().parent.parent / "data" / "default_instrument.xlsx"

# --- building definitions ---------------------------------------------------------------------------


def ref(name: str) -> dict[str, Any]:
    return {"ref": name}


def lit(value: Any) -> dict[str, Any]:
    return {"lit": value}


def equals(name: str, value: str) -> dict[str, Any]:
    return {"op": "=", "args": [ref(name), lit(value)]}


def choices(list_name: str, scores: dict[str, str | None]) -> list[dict[str, Any]]:
    return [
        {"name": name, "label": {"en": f"{list_name} {name}"}, "score": points, "extra": {}}
        for name, points in scores.items()
    ]


MATURITY = choices("maturity", {str(level): str(level) for level in range(5)})
THREE_LEVELS = choices("three", {str(level): str(level) for level in range(4)})  # a 0–3 scale
WARNING = choices(
    "warning_channel",
    {
        "sirens": "1",
        "loudspeakers": "1",
        "cell": "1",
        "messengers": "1",
        "radio_tv": "1",
        "door_to_door": "1",
        "none": "0",
    },
)
YES_NO = choices("yes_no", {"yes": None, "no": None})


def question(
    name: str,
    dimension: str | None,
    *,
    field: int | None = 1,
    weight: str = "1",
    type_: str = "select_one",
    list_name: str | None = "maturity",
    relevant: dict[str, Any] | None = None,
    required: bool = True,
    max_: str | None = None,
) -> dict[str, Any]:
    scored = field is not None
    return {
        "name": name,
        "type": type_,
        "list": list_name,
        "group": dimension,
        "dimension": dimension if scored else None,
        "label": {"en": name},
        "hint": {},
        "required": required,
        "relevant": relevant,
        "constraint": None,
        "constraint_message": {},
        "choice_filter": None,
        "scored": scored,
        "field": field,
        "weight": weight if scored else None,
        "max": max_,
        "rubric": {},
        "source": "TEST:1" if scored else "",
        "source_note": "",
        "row": 0,
    }


def group(
    name: str, *, field: int | None = None, weight: str | None = "1", parent: str | None = None
) -> dict[str, Any]:
    return {
        "name": name,
        "label": {"en": name},
        "parent": parent,
        "is_dimension": field is not None,
        "field": field,
        "weight": weight if field is not None else None,
        "relevant": None,
        "row": 0,
    }


def definition(
    groups: list[dict[str, Any]], questions: list[dict[str, Any]], **lists: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "form_id": "test",
        "form_version": "1",
        "default_language": "en",
        "languages": ["en"],
        "title": {"en": "Test"},
        "groups": groups,
        "questions": questions,
        "choices": {"maturity": MATURITY, **lists},
    }


def f1_prep_questions() -> list[dict[str, Any]]:
    """Dimension f1_prep of the default instrument, as in the worked example."""
    has_shelters = equals("f1_has_shelters", "yes")
    return [
        question("f1_prep_plan", "f1_prep", weight="2"),
        question("f1_prep_warning", "f1_prep", type_="select_multiple", list_name="warning_channel", max_="4"),
        question("f1_has_shelters", "f1_prep", field=None, list_name="yes_no"),
        question("f1_prep_shelter_coverage", "f1_prep", weight="1.5"),
        question("f1_shelter_count", "f1_prep", field=None, type_="integer", list_name=None, relevant=has_shelters),
        question("f1_prep_shelter_register", "f1_prep", relevant=has_shelters),
        question("f1_prep_evacuation", "f1_prep"),
        question("f1_prep_reserve", "f1_prep"),
    ]


def f1_prep_definition() -> dict[str, Any]:
    return definition(
        [group("field1"), group("f1_prep", field=1, parent="field1")],
        f1_prep_questions(),
        warning_channel=WARNING,
        yes_no=YES_NO,
    )


WORKED_ANSWERS = {
    "f1_prep_plan": "3",
    "f1_prep_warning": "sirens cell messengers",
    "f1_has_shelters": "no",
    "f1_prep_shelter_coverage": "0",
    "f1_prep_evacuation": "2",
    "f1_prep_reserve": "1",
}


def one_question_dimension(
    name: str, field: int, level: str | None, *, weight: str = "1"
) -> tuple[dict[str, Any], dict[str, Any], dict[str, str]]:
    answers = {} if level is None else {f"{name}_q": level}
    return group(name, field=field, weight=weight), question(f"{name}_q", name, field=field), answers


# --- the worked example (docs/assessment-xlsform.md, section 6) -------------------------------------


def test_worked_example_without_shelters() -> None:
    result = score(f1_prep_definition(), WORKED_ANSWERS)

    prep = result.dimension("f1_prep")
    assert prep.points == Decimal(12)
    assert prep.max_points == Decimal(26)
    assert prep.raw == Decimal("1.85")  # 12 / 6.5
    assert prep.normalised == Decimal("46.15")  # the doc's 46.2 to one place
    assert prep.maturity_level == 1
    with translation.override("en"):
        assert str(prep.maturity_label) == "Ad hoc"
    # the shelter register is skipped: out of the maximum and of completeness
    assert (prep.questions, prep.applicable, prep.answered) == (6, 5, 5)
    assert prep.completeness == Decimal("100.00")
    assert prep.scale_max == Decimal(4)


def test_worked_example_with_shelters_and_register() -> None:
    answers = {**WORKED_ANSWERS, "f1_has_shelters": "yes", "f1_shelter_count": "3", "f1_prep_shelter_register": "2"}

    prep = score(f1_prep_definition(), answers).dimension("f1_prep")

    assert (prep.points, prep.max_points) == (Decimal(14), Decimal(30))
    assert prep.raw == Decimal("1.87")
    assert prep.normalised == Decimal("46.67")
    assert prep.maturity_level == 1
    assert (prep.applicable, prep.answered) == (6, 6)


def test_worked_example_field_average() -> None:
    # five field-1 dimensions scoring raw 2.40, 1.80, 1.85 (f1_prep), 2.80 and 2.00, all weight 1
    org = [question(f"f1_org_{i}", "f1_org") for i in range(5)]  # 3+3+2+2+2 = 12 / 5 = 2.40
    risk = [question(f"f1_risk_{i}", "f1_risk") for i in range(5)]  # 2+2+2+2+1 = 9 / 5 = 1.80
    infra = [question(f"f1_infra_{i}", "f1_infra") for i in range(5)]  # 3+3+3+3+2 = 14 / 5 = 2.80
    society = [question(f"f1_soc_{i}", "f1_society") for i in range(5)]  # 2.00
    answers: dict[str, str] = dict(WORKED_ANSWERS)
    for questions, levels in ((org, "33222"), (risk, "22221"), (infra, "33332"), (society, "22222")):
        answers.update({q["name"]: level for q, level in zip(questions, levels, strict=True)})
    groups = [group("field1")] + [
        group(name, field=1, parent="field1") for name in ("f1_org", "f1_risk", "f1_prep", "f1_infra", "f1_society")
    ]
    result = score(
        definition(groups, org + risk + f1_prep_questions() + infra + society, warning_channel=WARNING, yes_no=YES_NO),
        answers,
    )

    assert [d.raw for d in result.dimensions] == [Decimal(x) for x in ("2.40", "1.80", "1.85", "2.80", "2.00")]
    field1 = result.field(1)
    assert field1.raw == Decimal("2.17")
    assert field1.normalised == Decimal("54.23")  # the doc's 54.2 to one place
    assert field1.maturity_level == 2
    with translation.override("en"):
        assert str(field1.maturity_label) == "Defined"
    assert field1.dimensions == ("f1_org", "f1_risk", "f1_prep", "f1_infra", "f1_society")
    assert [f.field for f in result.fields] == [1]


# --- relevance, unanswered and unscored questions ----------------------------------------------------


def test_answer_to_a_skipped_question_is_ignored() -> None:
    # an answer stored before the question became non-relevant is kept but not scored
    answers = {**WORKED_ANSWERS, "f1_prep_shelter_register": "4", "f1_shelter_count": "12"}

    prep = score(f1_prep_definition(), answers).dimension("f1_prep")

    assert (prep.points, prep.max_points) == (Decimal(12), Decimal(26))
    kept, relevant = applicable_answers(f1_prep_definition(), answers)
    assert "f1_prep_shelter_register" not in kept
    assert "f1_prep_shelter_register" not in relevant
    assert "f1_prep_plan" in relevant


def test_relevance_sees_skipped_answers_as_empty() -> None:
    # b depends on a, a is skipped: b must be skipped too although a's stale answer says "yes"
    questions = [
        question("gate", "dim", field=None, list_name="yes_no"),
        question("a", "dim", field=None, list_name="yes_no", relevant=equals("gate", "yes")),
        question("b", "dim", relevant=equals("a", "yes")),
        question("c", "dim"),
    ]
    result = score(
        definition([group("dim", field=1)], questions, yes_no=YES_NO), {"gate": "no", "a": "yes", "b": "4", "c": "2"}
    )

    dim = result.dimension("dim")
    assert (dim.applicable, dim.answered, dim.raw) == (1, 1, Decimal("2.00"))


def test_unanswered_question_lowers_completeness_not_score() -> None:
    answers = {k: v for k, v in WORKED_ANSWERS.items() if k != "f1_prep_reserve"}

    result = score(f1_prep_definition(), answers)

    prep = result.dimension("f1_prep")
    assert (prep.points, prep.max_points) == (Decimal(11), Decimal(22))
    assert prep.raw == Decimal("2.00")
    assert prep.normalised == Decimal("50.00")
    assert (prep.applicable, prep.answered) == (5, 4)
    assert prep.completeness == Decimal("80.00")
    assert result.completeness == Decimal("80.00")
    assert result.field(1).completeness == Decimal("80.00")
    # the required unscored gate counts in required_completeness: 5 of 6 relevant required questions
    assert (result.required_applicable, result.required_answered) == (6, 5)
    assert result.required_completeness == Decimal("83.33")


def test_empty_values_are_unanswered() -> None:
    answers = {**WORKED_ANSWERS, "f1_prep_reserve": "  ", "f1_prep_evacuation": None, "f1_prep_warning": ""}

    prep = score(f1_prep_definition(), answers).dimension("f1_prep")

    assert (prep.applicable, prep.answered) == (5, 2)


def test_unscored_questions_never_change_a_score() -> None:
    base = score(f1_prep_definition(), WORKED_ANSWERS).dimension("f1_prep")
    more = score(f1_prep_definition(), {**WORKED_ANSWERS, "unknown_question": "4"}).dimension("f1_prep")

    assert (base.points, base.max_points, base.raw) == (more.points, more.max_points, more.raw)


def test_dimension_without_applicable_question_has_no_score() -> None:
    dims = [one_question_dimension("d1", 1, "4"), one_question_dimension("d2", 1, "0")]
    gated = question("d3_q", "d3", relevant=equals("gate", "yes"))
    questions = [question("gate", "d1", field=None, list_name="yes_no")] + [d[1] for d in dims] + [gated]
    groups = [d[0] for d in dims] + [group("d3", field=1)]

    result = score(definition(groups, questions, yes_no=YES_NO), {"gate": "no", "d1_q": "4", "d2_q": "0", "d3_q": "0"})

    d3 = result.dimension("d3")
    assert not d3.is_applicable
    assert not d3.has_score
    assert (d3.raw, d3.normalised, d3.maturity_level, d3.completeness) == (None, None, None, None)
    assert result.field(1).dimensions == ("d1", "d2")
    assert result.field(1).normalised == Decimal("50.00")
    assert [d.name for d in weakest_dimensions(result, 5)] == ["d2", "d1"]
    assert [d.name for d in training_needs(result)] == ["d2"]


def test_nothing_answered() -> None:
    result = score(f1_prep_definition(), {})

    prep = result.dimension("f1_prep")
    assert prep.applicable == 5
    assert prep.answered == 0
    assert prep.completeness == Decimal("0.00")
    assert not prep.has_score
    assert result.field(1).normalised is None
    assert result.field(1).maturity_level is None
    assert weakest_dimensions(result) == []
    assert training_needs(result) == []


# --- points ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "points"),
    [
        ("sirens", 1),
        ("sirens cell messengers", 3),
        ("sirens loudspeakers cell messengers radio_tv door_to_door", 4),  # capped at vidnova_max
        ("none", 0),
        ("sirens sirens", 1),  # a repeated choice counts once
        ("sirens bogus", 1),  # unknown choice names are ignored
        (["sirens", "cell"], 2),  # a list is accepted as well as a space-separated string
    ],
)
def test_select_multiple_points(answer: Any, points: int) -> None:
    questions = [question("warn", "dim", type_="select_multiple", list_name="warning_channel", max_="4")]

    dim = score(definition([group("dim", field=1)], questions, warning_channel=WARNING), {"warn": answer}).dimension(
        "dim"
    )

    assert dim.points == Decimal(points)
    assert dim.max_points == Decimal(4)


def test_select_multiple_without_cap_uses_positive_sum() -> None:
    questions = [question("warn", "dim", type_="select_multiple", list_name="warning_channel")]

    dim = score(
        definition([group("dim", field=1)], questions, warning_channel=WARNING), {"warn": "sirens cell"}
    ).dimension("dim")

    assert (dim.points, dim.max_points, dim.scale_max) == (Decimal(2), Decimal(6), Decimal(6))
    assert dim.normalised == Decimal("33.33")


def test_unknown_choice_is_unanswered() -> None:
    dim = score(definition([group("dim", field=1)], [question("q", "dim")]), {"q": "7"}).dimension("dim")

    assert (dim.applicable, dim.answered, dim.raw) == (1, 0, None)


def test_numbers_and_strings_both_accepted_as_choice_names() -> None:
    dim = score(definition([group("dim", field=1)], [question("q", "dim")]), {"q": 3}).dimension("dim")

    assert dim.raw == Decimal("3.00")


def test_rounding_is_half_up_and_computed_once() -> None:
    # raw 9 / 8 = 1.125 → 1.13 (half up, not to even); normalised 28.125 → 28.13
    questions = [question(f"q{i}", "dim") for i in range(8)]
    answers = {f"q{i}": level for i, level in enumerate("21111111")}

    dim = score(definition([group("dim", field=1)], questions), answers).dimension("dim")

    assert dim.raw == Decimal("1.13")
    assert dim.normalised == Decimal("28.13")


def test_maturity_level_is_the_whole_part() -> None:
    questions = [question(f"q{i}", "dim") for i in range(4)]
    answers = {"q0": "3", "q1": "3", "q2": "3", "q3": "2"}  # 2.75

    dim = score(definition([group("dim", field=1)], questions), answers).dimension("dim")

    assert dim.raw == Decimal("2.75")
    assert dim.maturity_level == 2


def test_question_weights() -> None:
    questions = [question("heavy", "dim", weight="2"), question("light", "dim", weight="0.5")]

    dim = score(definition([group("dim", field=1)], questions), {"heavy": "4", "light": "0"}).dimension("dim")

    # (2·4 + 0.5·0) / 2.5 = 3.2
    assert (dim.points, dim.max_points, dim.raw, dim.normalised) == (
        Decimal(8),
        Decimal(10),
        Decimal("3.20"),
        Decimal("80.00"),
    )


# --- fields and scales -----------------------------------------------------------------------------


def test_field_uses_dimension_weights() -> None:
    d1 = one_question_dimension("d1", 2, "4", weight="3")
    d2 = one_question_dimension("d2", 2, "0", weight="1")

    result = score(definition([d1[0], d2[0]], [d1[1], d2[1]]), {**d1[2], **d2[2]})

    field2 = result.field(2)
    assert field2.normalised == Decimal("75.00")  # (3·100 + 1·0) / 4
    assert field2.raw == Decimal("3.00")
    assert field2.maturity_level == 3
    assert result.dimension("d1").weight == Decimal(3)


def test_field_with_mixed_scales_has_a_normalised_score_only() -> None:
    four = one_question_dimension("four", 3, "2")
    three = group("three_dim", field=3)
    three_q = question("three_q", "three_dim", field=3, list_name="three")

    result = score(definition([four[0], three], [four[1], three_q], three=THREE_LEVELS), {**four[2], "three_q": "3"})

    dim = result.dimension("three_dim")
    assert (dim.raw, dim.normalised, dim.scale_max, dim.maturity_level) == (
        Decimal("3.00"),
        Decimal("100.00"),
        Decimal(3),
        3,
    )
    assert dim.maturity_label is None  # the generic anchors belong to the 0–4 scale
    field3 = result.field(3)
    assert field3.normalised == Decimal("75.00")
    assert (field3.raw, field3.maturity_level, field3.maturity_label) == (None, None, None)


def test_mixed_scales_in_one_dimension_are_refused() -> None:
    questions = [question("four", "dim"), question("three", "dim", list_name="three")]

    with pytest.raises(ScoringError, match="mixes the scales"):
        score(definition([group("dim", field=1)], questions, three=THREE_LEVELS), {})


def test_mixed_fields_in_one_dimension_are_refused() -> None:
    questions = [question("one", "dim", field=1), question("two", "dim", field=2)]

    with pytest.raises(ScoringError, match="mixes fields"):
        prepare(definition([group("dim", field=1)], questions))


def test_scored_question_outside_a_group_is_refused() -> None:
    with pytest.raises(ScoringError, match="outside every group"):
        score(definition([], [question("loose", None)]), {})


def test_prepared_definition_gives_the_same_score() -> None:
    prepared = prepare(f1_prep_definition())

    assert score(prepared, WORKED_ANSWERS) == score(f1_prep_definition(), WORKED_ANSWERS)
    assert applicable_answers(prepared, WORKED_ANSWERS) == applicable_answers(f1_prep_definition(), WORKED_ANSWERS)
    assert prepared.dimensions == ("f1_prep",)


def test_fields_in_order_and_overall_completeness() -> None:
    dims = [
        one_question_dimension("c", 3, "1"),
        one_question_dimension("a", 1, "2"),
        one_question_dimension("b", 2, None),
    ]

    result = score(
        definition([d[0] for d in dims], [d[1] for d in dims]), {k: v for d in dims for k, v in d[2].items()}
    )

    assert [f.field for f in result.fields] == [1, 2, 3]
    assert result.field(2).normalised is None
    assert result.field(2).completeness == Decimal("0.00")
    assert (result.questions, result.applicable, result.answered) == (3, 3, 2)
    assert result.completeness == Decimal("66.67")
    with pytest.raises(KeyError):
        result.field(4)


# --- weakest dimensions and training needs ---------------------------------------------------------


def five_dimensions() -> AssessmentScore:
    dims = [
        one_question_dimension(name, 1, level)
        for name, level in (("a", "3"), ("b", "1"), ("c", "2"), ("d", "1"), ("e", "4"))
    ]
    return score(definition([d[0] for d in dims], [d[1] for d in dims]), {k: v for d in dims for k, v in d[2].items()})


def test_weakest_dimensions_lowest_first_ties_in_form_order() -> None:
    result = five_dimensions()

    assert [d.name for d in weakest_dimensions(result, 3)] == ["b", "d", "c"]
    assert [d.name for d in weakest_dimensions(result, 10)] == ["b", "d", "c", "a", "e"]
    assert weakest_dimensions(result, 0) == []


def test_training_needs_below_threshold() -> None:
    result = five_dimensions()

    assert [d.name for d in training_needs(result)] == ["b", "d"]  # 25 < 50; 50 is not below 50
    assert [d.name for d in training_needs(result, Decimal("50.01"))] == ["b", "d", "c"]
    assert training_needs(result, Decimal("0")) == []


def test_as_dict_is_json() -> None:
    data = score(f1_prep_definition(), WORKED_ANSWERS).as_dict()

    text = json.dumps(data)
    assert json.loads(text)["dimensions"][0]["normalised"] == "46.15"
    assert data["fields"][0]["raw"] == "1.85"


# --- the default instrument --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def default_definition() -> dict[str, Any]:
    from vidnova.assessments.xlsform import compile_xlsform

    return compile_xlsform(DEFAULT_INSTRUMENT.read_bytes(), DEFAULT_INSTRUMENT.name)


def plausible_answers(definition: dict[str, Any], level: str = "2") -> dict[str, str]:
    """Every scored question at ``level`` (two ticked items on the 0–4 multiple choices), plus the gates."""
    answers = {
        "ctx_governance_mode": "council",  # no military administration: f3_lsg_military_admin is skipped
        "ctx_eo_contamination": "no",  # verifiably clean: f1_soc_mine_action is skipped
        "ctx_idp_hosted": "0",  # no IDPs: f3_part_idp is skipped
        "f1_has_shelters": "yes",
        "f1_shelter_count": "4",
        "f1_shelter_capacity": "900",
    }
    for q in definition["questions"]:
        if not q["scored"]:
            continue
        if q["type"] == "select_multiple":
            names = [c["name"] for c in definition["choices"][q["list"]] if c["name"] != "none"]
            answers[q["name"]] = " ".join(names[: int(level)])
        else:
            answers[q["name"]] = level
    return answers


def test_default_instrument_scores(default_definition: dict[str, Any]) -> None:
    result = score(default_definition, plausible_answers(default_definition))

    assert len(result.dimensions) == 15
    assert result.questions == 70
    assert (result.applicable, result.answered) == (67, 67)  # mine action, IDP participation, military admin skipped
    assert result.completeness == Decimal("100.00")
    assert {d.field for d in result.dimensions} == {1, 2, 3}
    assert all(d.raw == Decimal("2.00") and d.normalised == Decimal("50.00") for d in result.dimensions)
    assert all(d.scale_max == Decimal(4) for d in result.dimensions)
    assert [(f.field, f.normalised, f.raw, f.maturity_level) for f in result.fields] == [
        (n, Decimal("50.00"), Decimal("2.00"), 2) for n in (1, 2, 3)
    ]
    assert result.dimension("f1_society").applicable == 4
    assert result.dimension("f3_self_government").applicable == 2
    assert training_needs(result) == []
    assert len(training_needs(result, Decimal("50.01"))) == 15


def test_default_instrument_gates_bring_questions_back(default_definition: dict[str, Any]) -> None:
    answers = {
        **plausible_answers(default_definition),
        "ctx_eo_contamination": "suspected",
        "ctx_idp_hosted": "250",
        "ctx_governance_mode": "ma_partial",
    }

    result = score(default_definition, answers)

    assert (result.applicable, result.answered) == (70, 70)


def test_default_instrument_worked_example(default_definition: dict[str, Any]) -> None:
    answers = {**plausible_answers(default_definition), **WORKED_ANSWERS}
    answers.pop("f1_shelter_count")
    answers["f1_prep_shelter_register"] = "3"  # stored earlier, skipped now: no shelters

    result = score(default_definition, answers)

    prep = result.dimension("f1_prep")
    assert (prep.points, prep.max_points, prep.raw, prep.normalised, prep.maturity_level) == (
        Decimal(12),
        Decimal(26),
        Decimal("1.85"),
        Decimal("46.15"),
        1,
    )
    assert [d.name for d in weakest_dimensions(result, 1)] == ["f1_prep"]
    assert [d.name for d in training_needs(result)] == ["f1_prep"]


def test_default_instrument_varied_answers(default_definition: dict[str, Any]) -> None:
    answers = plausible_answers(default_definition)
    scored = [q for q in default_definition["questions"] if q["scored"] and q["type"] == "select_one"]
    for index, q in enumerate(scored):
        answers[q["name"]] = str(index % 5)

    result = score(default_definition, answers)

    assert all(d.normalised is not None and Decimal(0) <= d.normalised <= Decimal(100) for d in result.dimensions)
    assert all(f.normalised is not None and f.maturity_level in range(5) for f in result.fields)
    weakest = weakest_dimensions(result, 15)
    assert [d.normalised for d in weakest] == sorted(
        d.normalised for d in result.dimensions if d.normalised is not None
    )
    json.dumps(result.as_dict())
