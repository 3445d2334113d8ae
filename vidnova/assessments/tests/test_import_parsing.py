"""Kobo / ODK import, the dry run: reading files, mapping columns, matching hromadas, every error
with its row and column."""

from __future__ import annotations

import datetime
import io
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from vidnova.assessments.models import Answer, AssessmentState, Round, SubmissionImport
from vidnova.assessments.services import instrument_import
from vidnova.assessments.services.kobo import import_check
from vidnova.assessments.services.rounds import round_open, round_set_status
from vidnova.assessments.tests import xlsform_builders as builders
from vidnova.audit.models import AuditEntry
from vidnova.testing import factories
from vidnova.testing.factories import HromadaFactory

pytestmark = pytest.mark.django_db

EN, UK = "label", "label::Українська (uk)"


def import_form() -> bytes:
    survey: list[dict[str, Any]] = [
        {"type": "begin_group", "name": "dim", EN: "Dimension", UK: "Вимір", "vidnova_weight": 1},
        {"type": "select_one yn", "name": "has_plan", EN: "Is there a plan?", UK: "Чи є план?", "required": "yes"},
        {
            "type": "select_one lvl",
            "name": "plan_level",
            EN: "How good is the plan?",
            UK: "Наскільки добрий план?",
            "required": "yes",
            "relevant": "${has_plan} = 'yes'",
            "vidnova_field": 1,
            "vidnova_weight": 1,
            "vidnova_rubric::English (en)": "[0] No plan. [1] A draft. [2] Adopted.",
            "vidnova_rubric::Українська (uk)": "[0] Немає. [1] Чернетка. [2] Ухвалено.",
            "vidnova_source": "UNDRR:E1",
        },
        {
            "type": "integer",
            "name": "staff",
            EN: "Staff",
            UK: "Працівники",
            "constraint": ". >= 0",
            "constraint_message": "The number cannot be negative.",
            "constraint_message::Українська (uk)": "Число не може бути від'ємним.",
        },
        {"type": "select_multiple tools", "name": "tools", EN: "Tools used", UK: "Інструменти"},
        {"type": "date", "name": "since", EN: "Since", UK: "Відколи"},
        {"type": "text", "name": "remark", EN: "Staff", UK: "Примітка"},  # shares the English label "Staff"
        {"type": "end_group", "name": "dim"},
    ]
    choices: list[dict[str, Any]] = [
        {"list_name": "yn", "name": "yes", EN: "Yes", UK: "Так"},
        {"list_name": "yn", "name": "no", EN: "No", UK: "Ні"},
        {"list_name": "lvl", "name": "0", EN: "None", UK: "Немає", "vidnova_score": 0},
        {"list_name": "lvl", "name": "1", EN: "Some", UK: "Частково", "vidnova_score": 1},
        {"list_name": "lvl", "name": "2", EN: "Full", UK: "Повністю", "vidnova_score": 2},
        {"list_name": "tools", "name": "sirens", EN: "Sirens", UK: "Сирени"},
        {"list_name": "tools", "name": "sms", EN: "Text messages", UK: "SMS"},
        {"list_name": "tools", "name": "radio", EN: "Radio", UK: "Радіо"},
    ]
    return builders.workbook(
        survey,
        choices,
        extra_survey_columns=[
            UK,
            "vidnova_rubric::English (en)",
            "vidnova_rubric::Українська (uk)",
            "constraint_message::Українська (uk)",
        ],
    )


def xlsx(headers: list[str], *rows: list[Any]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(text: str, *, bom: bool = False) -> bytes:
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


@pytest.fixture
def setup(world: Any) -> dict[str, Any]:
    version = instrument_import(acting_user=world.coordinator, data=import_form(), filename="form.xlsx")
    second = HromadaFactory(name_uk="Другівська", name_latin="Druhivska")
    factories.ParticipationFactory(phase=world.phase, hromada=second)
    round_ = round_open(
        acting_user=world.coordinator,
        programme=world.programme,
        instrument_version=version,
        name_uk="Базове",
        opens_on=datetime.date(2026, 12, 1),
        deadline=datetime.date(2027, 1, 31),
        hromadas=[world.hromada, second],
    )
    return {"round": round_, "second": second, "version": version}


def check(
    world: Any, round_: Round, data: bytes, name: str = "export.xlsx", match_by: str = "auto"
) -> SubmissionImport:
    return import_check(acting_user=world.coordinator, round_=round_, data=data, filename=name, match_by=match_by)


def errors_of(imported: SubmissionImport) -> list[tuple[int, str, str]]:
    return [(row["row"], e["column"], e["message"]) for row in imported.report["rows"] for e in row["errors"]]


def test_names_and_group_paths_are_read(world: Any, setup: dict[str, Any]) -> None:
    data = xlsx(
        [
            "start",
            "end",
            "hromada_katottg",
            "dim/has_plan",
            "dim/plan_level",
            "staff",
            "_id",
            "_uuid",
            "meta/instanceID",
            "__version__",
            "_index",
            "extra",
        ],
        ["2026-12-01", "2026-12-01", world.hromada.katottg, "yes", 2, 12, 1, "u", "uuid:1", "v1", 1, "x"],
    )
    imported = check(world, setup["round"], data)
    assert imported.error_count == 0, errors_of(imported)
    row = imported.report["rows"][0]
    assert row["hromada"]["katottg"] == world.hromada.katottg
    assert row["outcome"] == "create"
    assert row["answers"] == 3
    assert row["replaces"] == 0
    # only the unknown column is reported; the metadata columns are silently ignored
    assert [w["column"] for w in imported.report["warnings"]] == ["extra"]
    assert imported.row_count == 1
    assert imported.file_name == "export.xlsx"
    assert AuditEntry.objects.filter(action="assessments.import.checked").count() == 1
    assert not Answer.objects.exists()  # a dry run changes nothing


def test_labels_in_any_language(world: Any, setup: dict[str, Any]) -> None:
    data = xlsx(
        ["hromada_katottg", "Чи є план?", "Вимір/How good is the plan?", "Інструменти"],
        [world.hromada.katottg, "Так", "2", "sirens radio"],
    )
    imported = check(world, setup["round"], data)
    assert imported.error_count == 0, errors_of(imported)
    columns = {c["column"]: c["question"] for c in imported.report["columns"]}
    assert columns["Чи є план?"] == "has_plan"
    assert columns["Вимір/How good is the plan?"] == "plan_level"
    assert columns["Інструменти"] == "tools"


def test_ambiguous_label_is_an_error_naming_the_column(world: Any, setup: dict[str, Any]) -> None:
    data = xlsx(["hromada_katottg", "has_plan", "plan_level", "Staff"], [world.hromada.katottg, "no", "", 3])
    imported = check(world, setup["round"], data)
    messages = [e["message"] for e in imported.report["errors"]]
    assert imported.report["errors"][0]["column"] == "Staff"
    assert "remark" in messages[0]
    assert "staff" in messages[0]


def test_select_multiple_as_one_column_per_choice(world: Any, setup: dict[str, Any]) -> None:
    data = xlsx(
        ["hromada_katottg", "has_plan", "plan_level", "dim/tools/sirens", "tools/sms", "tools.radio"],
        [world.hromada.katottg, "yes", "1", 1, "False", "TRUE"],
        [setup["second"].katottg, "no", "", "0", "0", "maybe"],
    )
    imported = check(world, setup["round"], data)
    assert errors_of(imported) == [(3, "tools.radio", "Enter 1 (chosen) or 0 (not chosen); “maybe” is neither.")]
    assert imported.report["rows"][0]["answers"] == 3


def test_kobo_style_both_forms_of_select_multiple(world: Any, setup: dict[str, Any]) -> None:
    # Kobo writes the space-separated column and one column per choice; the first is read.
    data = xlsx(
        ["hromada_katottg", "has_plan", "plan_level", "tools", "tools/sirens", "tools/sms", "tools/radio"],
        [world.hromada.katottg, "yes", "1", "sirens sms", 1, 1, 0],
    )
    imported = check(world, setup["round"], data)
    assert imported.error_count == 0, errors_of(imported)
    assert not imported.report["warnings"]


def test_csv_with_semicolons_and_bom(world: Any, setup: dict[str, Any]) -> None:
    text = f"hromada_katottg;has_plan;plan_level;staff;tools;since\r\n{world.hromada.katottg};yes;2;5;sms radio;2026-03-15\r\n"
    imported = check(world, setup["round"], csv_bytes(text, bom=True), name="export.csv")
    assert imported.error_count == 0, errors_of(imported)
    assert imported.report["rows"][0]["answers"] == 5
    assert imported.report["columns"][0]["role"] == "katottg"  # the BOM is not part of the header


def test_csv_with_commas_without_bom(world: Any, setup: dict[str, Any]) -> None:
    text = f"hromada_katottg,has_plan,plan_level\n{world.hromada.katottg},no,\n"
    imported = check(world, setup["round"], csv_bytes(text), name="export.csv")
    assert imported.error_count == 0, errors_of(imported)


def test_katottg_detected_by_its_values_and_match_by_name(world: Any, setup: dict[str, Any]) -> None:
    data = xlsx(["code", "has_plan"], [world.hromada.katottg, "no"])
    imported = check(world, setup["round"], data)
    assert imported.report["matched_by"] == "katottg"
    assert imported.error_count == 0
    by_name = xlsx(["hromada", "has_plan"], ["  другівська ", "no"])
    imported = check(world, setup["round"], by_name, match_by="name")
    assert imported.error_count == 0, errors_of(imported)
    assert imported.report["rows"][0]["hromada"]["katottg"] == setup["second"].katottg


def test_ambiguous_name_names_the_candidates_with_their_oblast(world: Any, setup: dict[str, Any]) -> None:
    one = HromadaFactory(name_uk="Однаківська", name_latin="Odnakivska")
    two = HromadaFactory(name_uk="Однаківська", name_latin="Odnakivska")
    imported = check(world, setup["round"], xlsx(["hromada", "has_plan"], ["Однаківська", "no"]))
    [(row, column, message)] = errors_of(imported)
    assert (row, column) == (2, "hromada")
    assert one.oblast.name_uk in message
    assert two.oblast.name_uk in message
    assert one.katottg in message


def test_every_row_error_with_row_and_column(world: Any, setup: dict[str, Any]) -> None:
    outside = HromadaFactory()
    validated = setup["round"].assessments.get(hromada=setup["second"])
    validated.state = AssessmentState.VALIDATED
    validated.save()
    data = xlsx(
        ["hromada_katottg", "has_plan", "plan_level", "staff", "since"],
        ["UA00000000000000001", "no", "", "", ""],  # 2: unknown hromada
        [outside.katottg, "no", "", "", ""],  # 3: not in the round
        [world.hromada.katottg, "maybe", "", "", ""],  # 4: outside the choices
        [world.hromada.katottg, "no", "", "", ""],  # 5: duplicate
        [setup["second"].katottg, "no", "", "", ""],  # 6: validated
    )
    imported = check(world, setup["round"], data)
    found = errors_of(imported)
    assert found[0][:2] == (2, "hromada_katottg")
    assert "UA00000000000000001" in found[0][2]
    assert found[1][:2] == (3, "hromada_katottg")
    assert "add it to the round" in found[1][2].lower()
    assert found[2][:2] == (4, "has_plan")
    assert "“maybe” is not one of the answers" in found[2][2]
    assert found[3][:2] == (5, "hromada_katottg")
    assert "row 4" in found[3][2]
    assert found[4][:2] == (6, "hromada_katottg")
    assert "validated" in found[4][2]
    assert imported.error_count == len(found)
    assert imported.report["counts"]["with_errors"] == 5


def test_type_constraint_and_required_errors(world: Any, setup: dict[str, Any]) -> None:
    data = xlsx(
        ["hromada_katottg", "has_plan", "plan_level", "staff", "since"],
        [world.hromada.katottg, "yes", "", "-3", "2026-13-45"],
        [setup["second"].katottg, "yes", "", "many", ""],
    )
    imported = check(world, setup["round"], data)
    found = errors_of(imported)
    assert (2, "staff", "The number cannot be negative.") in found
    assert any(r == 2 and c == "since" and "YYYY-MM-DD" in m for r, c, m in found)
    assert any(r == 3 and c == "staff" and "whole number" in m for r, c, m in found)
    # with valid values, the required question shown by has_plan=yes is missing
    data = xlsx(["hromada_katottg", "has_plan", "plan_level"], [world.hromada.katottg, "yes", ""])
    found = errors_of(check(world, setup["round"], data))
    assert found == [(2, "plan_level", "The required question «How good is the plan?» (plan_level) is not answered.")]


def test_file_level_errors(world: Any, setup: dict[str, Any]) -> None:
    imported = check(world, setup["round"], xlsx(["has_plan"], ["no"]))
    assert imported.error_count == 1
    assert "hromada_katottg" in imported.report["errors"][0]["message"]
    with pytest.raises(ValidationError):
        check(world, setup["round"], b"%PDF-1.4 not a table", name="x.pdf")
    with pytest.raises(ValidationError):
        check(world, setup["round"], "a;b\n".encode("cp1251") + "Київ;б".encode("cp1251"), name="x.csv")


def test_access_and_closed_round(world: Any, setup: dict[str, Any]) -> None:
    data = xlsx(["hromada_katottg", "has_plan"], [world.hromada.katottg, "no"])
    with pytest.raises(Http404):
        import_check(acting_user=world.outsider, round_=setup["round"], data=data, filename="a.xlsx")
    for persona in ("viewer", "editor", "expert"):
        with pytest.raises(PermissionDenied):
            import_check(acting_user=getattr(world, persona), round_=setup["round"], data=data, filename="a.xlsx")
    round_set_status(acting_user=world.coordinator, round_=setup["round"], status="closed")
    setup["round"].refresh_from_db()
    with pytest.raises(ValidationError):
        check(world, setup["round"], data)
    assert not SubmissionImport.objects.exists()
