"""Compiling XLSForms: the default instrument, the round trip, and one test per rejection."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from vidnova.assessments import expressions
from vidnova.assessments.services import DEFAULT_INSTRUMENT_PATH
from vidnova.assessments.tests.xlsform_builders import Rows, base_choices, base_settings, base_survey, workbook
from vidnova.assessments.xlsform import (
    CompiledForm,
    XLSFormRejected,
    compile_xlsform,
    compile_xlsform_with_warnings,
    content_hash,
    definition_to_xlsform,
)


@pytest.fixture(scope="module")
def default() -> CompiledForm:
    return compile_xlsform_with_warnings(DEFAULT_INSTRUMENT_PATH.read_bytes(), DEFAULT_INSTRUMENT_PATH.name)


def test_default_instrument_compiles(default: CompiledForm) -> None:
    definition = default.definition
    assert default.warnings == []
    assert definition["form_id"] == "vidnova_default_assessment"
    assert definition["default_language"] == "uk"
    assert definition["languages"] == ["uk", "en", "nl"]
    dimensions = [group for group in definition["groups"] if group["is_dimension"]]
    scored = [question for question in definition["questions"] if question["scored"]]
    assert len(dimensions) == 15
    assert len(scored) == 70
    assert {field: sum(1 for q in scored if q["field"] == field) for field in (1, 2, 3)} == {1: 25, 2: 24, 3: 21}
    assert sum(1 for q in scored if q["type"] == "select_multiple") == 3
    for question in scored:
        assert set(question["rubric"]) == {"uk", "en", "nl"}
        assert list(question["rubric"]["en"]) == ["0", "1", "2", "3", "4"]
        assert question["source"]
        assert question["dimension"] in {group["name"] for group in dimensions}
    assert sorted({q["weight"] for q in scored}) == ["1", "1.5", "2"]
    assert all(set(q["label"]) == {"uk", "en", "nl"} for q in definition["questions"])


def test_default_instrument_rules(default: CompiledForm) -> None:
    questions = {q["name"]: q for q in default.definition["questions"]}
    register = questions["f1_prep_shelter_register"]
    assert register["relevant"] == {"op": "=", "args": [{"ref": "f1_has_shelters"}, {"lit": "yes"}]}
    assert register["row"] > 1
    assert expressions.relevant(register, {"f1_has_shelters": "yes"})
    assert not expressions.relevant(register, {"f1_has_shelters": "no"})
    hazard = questions["f1_risk_top_hazard"]
    assert expressions.columns(hazard["choice_filter"]) == {"hazard_group"}
    hazards = default.definition["choices"][hazard["list"]]
    assert all("hazard_group" in choice["extra"] for choice in hazards)
    warning = questions["f1_prep_warning"]
    assert warning["max"] == "4"
    assert not expressions.constraint_ok(warning, {}, "none sirens")
    assert set(warning["constraint_message"]) == {"uk", "en", "nl"}
    assert default.definition["choices"]["maturity"][4]["score"] == "4"


def test_group_relevance_is_anded_into_questions() -> None:
    survey = base_survey()
    survey[0]["relevant"] = "${outside} = 'yes'"
    survey.insert(0, {"type": "select_one yn", "name": "outside", "label": "Outside?"})
    definition = compile_xlsform(workbook(survey=survey), "form.xlsx")
    questions = {q["name"]: q for q in definition["questions"]}
    gate = {"op": "=", "args": [{"ref": "outside"}, {"lit": "yes"}]}
    assert definition["groups"][0]["relevant"] == gate
    assert questions["staff"]["relevant"] == gate
    assert questions["plan_level"]["relevant"]["op"] == "and"
    assert questions["plan_level"]["relevant"]["args"][0] == gate
    assert not expressions.relevant(questions["plan_level"], {"outside": "no", "has_plan": "yes"})
    assert expressions.relevant(questions["plan_level"], {"outside": "yes", "has_plan": "yes"})


def test_round_trip_of_the_default_instrument(default: CompiledForm) -> None:
    exported = definition_to_xlsform(default.definition)
    again = compile_xlsform_with_warnings(exported, "export.xlsx")  # pyxform accepts it (it converts it)
    assert again.warnings == []
    assert again.content_hash == default.content_hash
    questions = {q["name"]: q for q in again.definition["questions"]}
    assert (
        questions["f1_prep_warning"]["rubric"]
        == {q["name"]: q for q in default.definition["questions"]}["f1_prep_warning"]["rubric"]
    )


def test_round_trip_of_a_small_form() -> None:
    definition = compile_xlsform(workbook(), "form.xlsx")
    assert content_hash(compile_xlsform(definition_to_xlsform(definition), "export.xlsx")) == content_hash(definition)


def test_content_hash_ignores_rows_but_not_content() -> None:
    definition = compile_xlsform(workbook(), "form.xlsx")
    moved = {**definition, "questions": [{**q, "row": q["row"] + 10} for q in definition["questions"]]}
    assert content_hash(moved) == content_hash(definition)
    survey = base_survey()
    survey[2]["label"] = "How good is the plan, really?"
    assert content_hash(compile_xlsform(workbook(survey=survey), "form.xlsx")) != content_hash(definition)


# --- rejections: each names sheet, row and column -------------------------------------------------


def _with(change: Callable[[Rows, Rows, Rows], None]) -> bytes:
    survey, choices, settings = base_survey(), base_choices(), base_settings()
    change(survey, choices, settings)
    return workbook(survey=survey, choices=choices, settings=settings)


def _set(sheet: str, index: int, **values: Any) -> Callable[[Rows, Rows, Rows], None]:
    def change(survey: Rows, choices: Rows, settings: Rows) -> None:
        {"survey": survey, "choices": choices, "settings": settings}[sheet][index].update(values)

    return change


def _insert(index: int, row: dict[str, Any]) -> Callable[[Rows, Rows, Rows], None]:
    def change(survey: Rows, choices: Rows, settings: Rows) -> None:
        survey.insert(index, row)

    return change


REJECTIONS = {
    "duplicate name": (
        _set("survey", 3, name="has_plan", constraint="${has_plan} != ''"),
        "survey, row 5, column name: the name “has_plan” is already used in row 3.",
    ),
    "unknown choice list": (
        _set("survey", 1, type="select_one nolist"),
        "survey, row 3, column type: unknown choice list “nolist”",
    ),
    "unsupported type": (
        _insert(4, {"type": "calculate", "name": "calc", "label": "C"}),
        "survey, row 6, column type: unsupported type “calculate”.",
    ),
    "unbalanced group": (
        _set("survey", 4, type="note", name="closing"),
        "survey, row 2, column type: group “dim” has no “end_group”.",
    ),
    "expression does not parse": (
        _set("survey", 2, relevant="${has_plan} = "),
        "survey, row 4, column relevant: the expression cannot be read",
    ),
    "unknown reference": (
        _set("survey", 2, relevant="${shelter_cnt} = 'yes'"),
        "survey, row 4, column relevant: unknown question “shelter_cnt”.",
    ),
    "unknown choice filter column": (
        _set("survey", 1, choice_filter="colour = 'red'"),
        "survey, row 3, column choice_filter: unknown choice column “colour”.",
    ),
    "choice filter on a scored question": (
        _set("survey", 2, choice_filter="name != '1'"),
        "survey, row 4, column choice_filter: a scored question must not have a choice filter.",
    ),
    "choice filter on a number": (
        _set("survey", 3, choice_filter="name = 'x'"),
        "survey, row 5, column choice_filter: a choice filter is only allowed on select questions.",
    ),
    "required expression": (
        _set("survey", 1, required="${staff} > 1"),
        "survey, row 3, column required: write “yes” or “no”",
    ),
    "missing constraint message": (
        _set("survey", 3, constraint_message=None),
        "survey, row 5, column constraint_message::English (en): a constraint needs a message",
    ),
    "missing score": (
        _set("choices", 3, vidnova_score=None),
        "choices, row 5, column vidnova_score: choice “1” of list “lvl” needs a score",
    ),
    "negative score": (_set("choices", 3, vidnova_score=-1), "choices, row 5, column vidnova_score"),
    "weight zero": (
        _set("survey", 2, vidnova_weight=0),
        "survey, row 4, column vidnova_weight: the weight must be a number greater than 0.",
    ),
    "field out of range": (
        _set("survey", 2, vidnova_field=4),
        "survey, row 4, column vidnova_field: the field must be 1, 2 or 3.",
    ),
    "scored number": (
        _set("survey", 3, vidnova_field=1),
        "survey, row 5, column vidnova_field: only select_one and select_multiple",
    ),
    "rubric missing a level": (
        _set("survey", 2, vidnova_rubric="[0] No plan. [2] Adopted."),
        "survey, row 4, column vidnova_rubric::English (en): the rubric must have one entry",
    ),
    "no source": (
        _set("survey", 2, vidnova_source=None),
        "survey, row 4, column vidnova_source: a scored question needs its source.",
    ),
    "bad source code": (
        _set("survey", 2, vidnova_source="UNDRR E1"),
        "survey, row 4, column vidnova_source: “UNDRR” is not a source code",
    ),
    "weight on an unscored question": (
        _set("survey", 3, vidnova_weight=2),
        "survey, row 5, column vidnova_weight: a weight is only allowed on scored questions and dimensions.",
    ),
    "max on select_one": (
        _set("survey", 2, vidnova_max=2),
        "survey, row 4, column vidnova_max: only allowed on a scored select_multiple question.",
    ),
    "scored question outside a group": (
        _insert(
            0,
            {
                "type": "select_one lvl",
                "name": "loose",
                "label": "L",
                "vidnova_field": 1,
                "vidnova_source": "UA:DSRR",
                "vidnova_rubric": "[0] a [1] b [2] c",
            },
        ),
        "survey, row 2, column vidnova_field: a scored question must sit inside a group",
    ),
    "weight on a container group": (
        lambda survey, choices, settings: (
            survey[:0]
            or survey.insert(0, {"type": "begin_group", "name": "outer", "label": "Outer", "vidnova_weight": 2})
            or survey.append({"type": "end_group"})
        ),
        "survey, row 2, column vidnova_weight: a weight is only allowed on a dimension",
    ),
    "rejected column": (
        _set("survey", 3, calculation="1 + 1"),
        "survey, row 1, column calculation: this column changes the form's behaviour",
    ),
    "misspelt vidnova column": (
        _set("survey", 2, vidnova_wieght=1),
        "survey, row 1, column vidnova_wieght: unknown Vidnova column",
    ),
    "translated choices column": (
        _set("choices", 0, **{"colour::English (en)": "red"}),
        "choices, row 1, column colour::English (en): extra columns on the choices sheet must not be translated",
    ),
    "duplicate choice": (
        _set("choices", 3, name="0"),
        "choices, row 5, column name: the choice “0” is already in list “lvl” (row 4).",
    ),
    "missing label": (
        _set("survey", 1, label=None),
        "survey, row 3, column label: a label in the default language (en) is required.",
    ),
    "missing form id": (_set("settings", 0, form_id=None), "settings, row 2, column form_id: a value is required."),
    "code-less language": (
        _set("settings", 0, default_language="English"),
        "settings, row 2, column default_language: the language “English” needs a code",
    ),
}


@pytest.mark.parametrize("case", sorted(REJECTIONS))
def test_rejection_names_sheet_row_and_column(case: str) -> None:
    change, expected = REJECTIONS[case]
    with pytest.raises(XLSFormRejected) as rejected:
        compile_xlsform(_with(change), "form.xlsx")
    assert any(message.startswith(expected) for message in rejected.value.messages), rejected.value.messages


def test_missing_sheets_are_named() -> None:
    with pytest.raises(XLSFormRejected) as rejected:
        compile_xlsform(workbook(without=["settings", "choices"]), "form.xlsx")
    assert "settings: the sheet is missing." in rejected.value.messages
    assert "choices: the sheet is missing (the form has select questions)." in rejected.value.messages


def test_every_problem_is_reported_not_just_the_first() -> None:
    survey = base_survey()
    survey[2]["relevant"] = "${nope} = 'yes'"
    survey[2]["vidnova_weight"] = -1
    survey[3]["constraint"] = "${staff} >= "
    with pytest.raises(XLSFormRejected) as rejected:
        compile_xlsform(workbook(survey=survey), "form.xlsx")
    messages = rejected.value.messages
    assert len(messages) == 3, messages
    assert sorted((problem.row, problem.column) for problem in rejected.value.problems) == [
        (4, "relevant"),
        (4, "vidnova_weight"),
        (5, "constraint"),
    ]


def test_not_a_workbook() -> None:
    with pytest.raises(XLSFormRejected) as rejected:
        compile_xlsform(b"type,name\ninteger,a\n", "form.csv")
    assert rejected.value.messages == ["form.csv: The file is not an Excel workbook (.xlsx)."]


def test_presentation_columns_warn_and_survive_the_round_trip() -> None:
    survey = base_survey()
    survey[3]["appearance"] = "numbers"
    compiled = compile_xlsform_with_warnings(workbook(survey=survey), "form.xlsx")
    assert compiled.warnings == ["survey, row 1, column appearance: presentation column, ignored by Vidnova."]
    assert compiled.definition["questions"][2]["presentation"] == {"appearance": "numbers"}
    again = compile_xlsform_with_warnings(definition_to_xlsform(compiled.definition), "export.xlsx")
    assert again.content_hash == compiled.content_hash
