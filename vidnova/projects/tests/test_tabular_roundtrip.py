"""XLSX / CSV of project ideas: export then import gives the same projects; the dry run names every
error with its row and column; applying is all or nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest

from conftest import World
from vidnova.audit.models import AuditEntry
from vidnova.projects import tabular
from vidnova.projects.models import Project, ProjectState
from vidnova.projects.services import imports
from vidnova.projects.services.projects import project_create, project_transition
from vidnova.registry.models import CodifierCategory, CodifierUnit

pytestmark = pytest.mark.django_db


def village(world: World) -> CodifierUnit:
    return CodifierUnit.objects.create(
        katottg=world.hromada.katottg[:-5] + "00501",
        parent_katottg=world.hromada.katottg,
        category=CodifierCategory.VILLAGE,
        name_uk="Тестове",
        name_latin="Testove",
        hromada=world.hromada,
    )


def full_project(world: World, **extra: Any) -> Project:
    unit = village(world) if not CodifierUnit.objects.filter(hromada=world.hromada).exists() else None
    unit = unit or CodifierUnit.objects.filter(hromada=world.hromada).first()
    assert unit is not None
    data: dict[str, Any] = {
        "code": "P-1",
        "title_uk": "Відновлення школи; корпус |Б|",
        "title_en": "=Rebuild the school",
        "description_uk": "Рядок 1\nрядок 2 \\ з похилою",
        "problem_uk": "Проблема",
        "objective_en": "Objective",
        "sustainability_uk": "Бюджет громади",
        "programme": world.programme.slug,
        "purpose": "development",
        "project_type": "rehabilitation",
        "sectors": ["education", "energy.solar"],
        "purpose_codes": ["11120"],
        "sdg_targets": ["4.1", "11.b"],
        "acquis_chapters": ["26", "27"],
        "policy_markers": {"10": 2, "1": 1},
        "bbb_features": ["bbb_protective_shelter_included"],
        "readiness": 2,
        "starts_on": dt.date(2026, 3, 1),
        "ends_on": dt.date(2027, 12, 31),
        "cost": Decimal("12345678.90"),
        "currency": "EUR",
        "beneficiaries_direct": 800,
        "beneficiaries_indirect": 5000,
        "beneficiary_groups": {"women": 400, "girls": 120, "idps": 60},
        "is_sensitive": True,
        "seeks_partner_expertise": True,
        "dream_id": "DREAM-42",
        "prozorro_ids": ["UA-2025-03-14-001234-a"],
        "locations": [
            {
                "katottg": unit.katottg,
                "name": "Тестове",
                "latitude": "47.1",
                "longitude": "33.25",
                "description": "вул. Шкільна, 1; корпус",
            },
            {"katottg": world.hromada.katottg},
        ],
        "budget_lines": [
            {
                "cost_item": "design",
                "cost_type": "capex",
                "amount": "345678.90",
                "currency": "EUR",
                "description": "ПКД | експертиза",
            },
            {"cost_item": "construction", "cost_type": "capex", "amount": "12000000", "currency": "EUR"},
        ],
        "financing_lines": [
            {
                "finance_type": "stateFunds",
                "finance_category": "localBudget",
                "amount": "1234567.89",
                "currency": "UAH",
                "status": "committed",
                "funder": "Громада",
            },
            {
                "finance_type": "internationalPartners",
                "finance_category": "internationalOrganization",
                "amount": "5000000",
                "currency": "EUR",
                "status": "pledged",
            },
        ],
        "risks": [{"likelihood": 3, "impact": 4, "description": "Обстріли;\nзатримки", "mitigation": "Укриття"}],
        "parties": [
            {"role": "initiator", "name": "Тестова рада", "edrpou": "12345678"},
            {"role": "designer", "name": "ТОВ Проект"},
        ],
    }
    data.update(extra)
    return project_create(acting_user=None, hromada=world.hromada, data=data)


def portfolio(world: World) -> list[Project]:
    full = full_project(world)
    full = project_transition(acting_user=None, project=full, to_state=ProjectState.CONCEPT, reason="test")
    plain = project_create(acting_user=None, hromada=world.hromada, data={"title_uk": "Проста ідея"})
    other = project_create(
        acting_user=None, hromada=world.other_hromada, data={"code": "O-1", "title_uk": "Інша", "cost": "0"}
    )
    return [full, plain, other]


def exported(user: Any = None) -> list[dict[str, Any]]:
    from django.contrib.auth.models import AnonymousUser

    projects = tabular.export_queryset({})
    rows = imports.export_rows(user=user or AnonymousUser(), projects=projects)
    return [{name: tabular.cell_text(value) for name, value in row.items()} for row in rows]


def csv_bytes(rows: list[dict[str, Any]]) -> bytes:
    return "".join(tabular.write_csv(rows)).encode("utf-8")


def xlsx_bytes(rows: list[dict[str, Any]]) -> bytes:
    return tabular.write_xlsx(rows)


def rebuild(world: World, data: bytes, filename: str) -> imports.ImportReport:
    Project.objects.all().delete()
    return imports.import_apply(acting_user=world.admin, data=data, filename=filename)


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_export_then_import_gives_the_same_projects(world: World, kind: str) -> None:
    portfolio(world)
    before = exported(world.admin)
    raw = [tabular.project_row(project, private=True) for project in tabular.export_queryset({})]
    data = xlsx_bytes(raw) if kind == "xlsx" else csv_bytes(raw)
    report = rebuild(world, data, f"projects.{kind}")
    assert report.error_lines() == []
    assert report.applied
    assert report.counts["create"] == 3
    after = exported(world.admin)
    assert after == before
    full = Project.objects.get(code="P-1")
    assert full.state == ProjectState.CONCEPT
    assert full.cost == Decimal("12345678.90")
    assert full.title_en == "=Rebuild the school"
    assert full.description_uk == "Рядок 1\nрядок 2 \\ з похилою"
    assert [line.amount for line in full.financing_lines.all()] == [Decimal("1234567.89"), Decimal("5000000.00")]
    assert full.locations.first().description == "вул. Шкільна, 1; корпус"  # type: ignore[union-attr]
    assert full.risks.get().description == "Обстріли;\nзатримки"
    # A second import of the same file changes nothing.
    again = imports.import_apply(acting_user=world.admin, data=data, filename=f"projects.{kind}")
    assert again.applied
    assert again.counts["unchanged"] == 3
    assert exported(world.admin) == before


def test_csv_escapes_formulas_and_xlsx_stores_text(world: World) -> None:
    full_project(world)
    rows = [tabular.project_row(p, private=True) for p in tabular.export_queryset({})]
    text = csv_bytes(rows).decode("utf-8-sig")
    record = next(csv.DictReader(io.StringIO(text)))
    assert record["title_en"] == "'=Rebuild the school"
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(rows)))["projects"]
    headers = [cell.value for cell in sheet[1]]
    cell = sheet.cell(row=2, column=headers.index("title_en") + 1)
    assert cell.data_type == "s"
    assert cell.value == "=Rebuild the school"


def test_public_export_leaves_out_exact_locations_of_sensitive_sites(world: World) -> None:
    portfolio(world)
    anonymous = {row["code"]: row for row in exported()}
    assert anonymous["P-1"]["locations"] == tabular.HIDDEN_LOCATIONS
    assert anonymous["P-1"]["hromada_katottg"] == world.hromada.katottg
    insider = {row["code"]: row for row in exported(world.viewer)}
    assert insider["P-1"]["locations"].startswith(world.hromada.katottg[:-5] + "00501|47.1|33.25|")
    outsider = {row["code"]: row for row in exported(world.outsider)}
    assert outsider["P-1"]["locations"] == tabular.HIDDEN_LOCATIONS
    # Reading the withheld marker back leaves the stored locations alone.
    parsed = tabular.parse_row(anonymous["P-1"], anonymous["P-1"].keys())
    assert "locations" not in parsed.data


def test_split_items_undoes_the_escapes() -> None:
    assert tabular.split_items("a|b\\|c|d\\;e\nf|g\\\\h\\ni;k") == [["a", "b|c", "d;e"], ["f", "g\\h\ni"], ["k"]]
    assert tabular.split_items(" ; \n") == []


# --- the dry run --------------------------------------------------------------------------------

HEADERS = [
    "code",
    "hromada_katottg",
    "title_uk",
    "cost",
    "currency",
    "starts_on",
    "ends_on",
    "sectors",
    "budget_lines",
    "locations",
    "state",
]


def table(rows: list[list[str]], headers: list[str] = HEADERS) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def errors_of(report: imports.ImportReport) -> set[tuple[int | None, str]]:
    return {(row, column) for row, column, _message in report.error_lines()}


def test_the_dry_run_names_every_error_with_row_and_column(world: World) -> None:
    hromada, other = world.hromada.katottg, world.other_hromada.katottg
    data = table(
        [
            ["N-1", hromada, "Добра", "100", "UAH", "2026-01-01", "2026-12-31", "education", "", "", ""],
            ["N-2", hromada, "Від'ємна", "-5", "UAH", "", "", "", "", "", ""],
            ["N-3", hromada, "Текст", "багато", "GBP", "2026-05-01", "2026-01-01", "nosuchsector", "", "", ""],
            ["N-4", "UA99999999999999999", "Невідома громада", "", "", "", "", "", "", "", ""],
            ["N-5", other, "Чужа громада", "", "", "", "", "", "", "", ""],
            ["N-1", hromada, "Двічі", "", "", "", "", "", "", "", ""],
            [
                "N-7",
                hromada,
                "Рядки",
                "",
                "",
                "",
                "",
                "",
                "design|capex|-1|UAH\nnope|capex|1|UAH",
                "UA00000000000000001",
                "",
            ],
            ["N-8", hromada, "Стан", "", "", "", "", "", "", "", "approved"],
            ["N-9", hromada, "", "", "", "", "", "", "", "", "nostate"],
        ]
    )
    report = imports.import_check(acting_user=world.editor, data=data, filename="ideas.csv")
    assert not report.applied
    found = errors_of(report)
    assert (2, "") not in found
    assert not any(row == 2 for row, _c in found)
    assert (3, "cost") in found
    assert {(4, "cost"), (4, "currency"), (4, "ends_on"), (4, "sectors")} <= found
    assert (5, "hromada_katottg") in found
    assert (6, "hromada_katottg") in found  # not the editor's hromada
    assert (7, "code") in found  # duplicate of row 2
    assert {(8, "budget_lines"), (8, "locations")} <= found
    assert (9, "state") in found  # only staff import approved projects
    assert {(10, "title_uk"), (10, "state")} <= found
    messages = {(row, column): message for row, column, message in report.error_lines()}
    assert "negative" in messages[(3, "cost")]
    assert "GBP" in messages[(4, "currency")]
    assert "row 2" in messages[(7, "code")]
    assert "item 1" in messages[(8, "budget_lines")]
    assert "item 2" in messages[(8, "budget_lines")]
    assert "UA00000000000000001" in messages[(8, "locations")]
    assert report.counts["with_errors"] == 8
    assert not Project.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="projects.").exists()


def test_the_dry_run_reports_the_services_own_checks(world: World) -> None:
    # A location in another hromada is a KATOTTG the codifier knows, but not in this hromada.
    foreign = CodifierUnit.objects.exclude(hromada=None).exclude(hromada=world.hromada).first()
    assert foreign is not None
    data = table([["S-1", world.hromada.katottg, "Ідея", "", "", "", "", "", "", foreign.katottg, ""]])
    report = imports.import_check(acting_user=world.editor, data=data, filename="ideas.csv")
    assert errors_of(report) == {(2, "locations")}
    assert "item 1" in report.error_lines()[0][2]


def test_a_file_without_rows_or_the_hromada_column_is_refused(world: World) -> None:
    report = imports.import_check(acting_user=world.editor, data=table([], ["code", "title_uk"]), filename="x.csv")
    assert report.errors
    assert "hromada_katottg" in report.errors[0]
    report = imports.import_check(acting_user=world.editor, data=b"\xff\xfe\x00bad", filename="x.csv")
    assert report.errors


def test_apply_is_all_or_nothing(world: World) -> None:
    data = table(
        [
            ["A-1", world.hromada.katottg, "Добра", "100", "UAH", "", "", "", "", "", ""],
            ["A-2", world.hromada.katottg, "Погана", "-1", "UAH", "", "", "", "", "", ""],
        ]
    )
    report = imports.import_apply(acting_user=world.editor, data=data, filename="ideas.csv")
    assert not report.applied
    assert errors_of(report) == {(3, "cost")}
    assert not Project.objects.exists()
    assert not AuditEntry.objects.exists()


def test_apply_creates_and_updates_by_code_and_keeps_absent_columns(world: World) -> None:
    existing = project_create(
        acting_user=None,
        hromada=world.hromada,
        data={"code": "U-1", "title_uk": "Стара назва", "cost": "10", "title_en": "Old"},
    )
    data = table(
        [["U-1", world.hromada.katottg, "Нова назва"], ["", world.hromada.katottg, "Зовсім нова"]],
        ["code", "hromada_katottg", "title_uk"],
    )
    report = imports.import_apply(acting_user=world.editor, data=data, filename="ideas.csv")
    assert report.applied, report.error_lines()
    assert report.counts == {"rows": 2, "create": 1, "update": 1, "unchanged": 0, "with_errors": 0}
    existing.refresh_from_db()
    assert existing.title_uk == "Нова назва"
    assert existing.title_en == "Old"
    assert existing.cost == Decimal("10.00")
    created = Project.objects.get(title_uk="Зовсім нова")
    assert created.code.startswith(world.hromada.katottg)
    assert created.state == ProjectState.IDEA
    entry = AuditEntry.objects.get(action="projects.import.applied")
    assert entry.hromada_id == world.hromada.pk
    assert entry.data["updated"] == ["U-1"]
    assert entry.data["created"] == [created.code]


def test_an_import_does_not_move_or_transition_existing_projects(world: World) -> None:
    project_create(acting_user=None, hromada=world.hromada, data={"code": "M-1", "title_uk": "Ідея"})
    data = table(
        [["M-1", world.other_hromada.katottg, "Ідея", "concept"]], ["code", "hromada_katottg", "title_uk", "state"]
    )
    report = imports.import_check(acting_user=world.admin, data=data, filename="x.csv")
    assert errors_of(report) == {(2, "hromada_katottg"), (2, "state")}


def test_editors_may_not_update_other_hromadas_projects(world: World) -> None:
    project_create(acting_user=None, hromada=world.other_hromada, data={"code": "X-1", "title_uk": "Чужа"})
    data = table([["X-1", world.other_hromada.katottg, "Змінена"]], ["code", "hromada_katottg", "title_uk"])
    report = imports.import_apply(acting_user=world.editor, data=data, filename="x.csv")
    assert errors_of(report) == {(2, "hromada_katottg")}
    assert Project.objects.get(code="X-1").title_uk == "Чужа"


def test_staff_import_into_any_hromada_with_a_later_state(world: World) -> None:
    data = table(
        [["S-9", world.other_hromada.katottg, "Схвалена", "approved"]], ["code", "hromada_katottg", "title_uk", "state"]
    )
    report = imports.import_apply(acting_user=world.coordinator, data=data, filename="x.csv")
    assert report.applied, report.error_lines()
    project = Project.objects.get(code="S-9")
    assert project.state == ProjectState.APPROVED
    assert project.transitions.count() == 5


def test_the_stored_upload_belongs_to_its_user(world: World) -> None:
    token = imports.upload_store(acting_user=world.editor, data=b"code\n", filename="a.csv")
    assert imports.upload_load(acting_user=world.editor, token=token) == (b"code\n", "a.csv")
    with pytest.raises(Exception, match="upload it again"):
        imports.upload_load(acting_user=world.coordinator, token=token)
    with pytest.raises(Exception, match="upload it again"):
        imports.upload_load(acting_user=world.editor, token=token + "x")
    imports.upload_discard(acting_user=world.editor, token=token)
    with pytest.raises(Exception, match="upload it again"):
        imports.upload_load(acting_user=world.editor, token=token)


def test_the_template_explains_every_column(world: World) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(tabular.write_xlsx([])))
    assert workbook.sheetnames == ["projects", "notes", "codes"]
    headers = [cell.value for cell in workbook["projects"][1]]
    assert headers == tabular.column_names()
    noted = [row[0] for row in workbook["notes"].iter_rows(min_row=2, values_only=True)]
    assert noted == headers
    codes = {(row[0], row[1]) for row in workbook["codes"].iter_rows(min_row=2, values_only=True)}
    assert ("sectors", "education") in codes
    assert ("purpose_codes", "11120") in codes
