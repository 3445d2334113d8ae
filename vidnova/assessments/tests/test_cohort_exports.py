"""The cohort exports (XLSX and CSV): the filtered, sorted table with every row, and the selector
helpers behind the page (bands, dimension codes)."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
from django.test import Client
from django.urls import reverse

from conftest import World
from vidnova.assessments.selectors import cohort as selectors
from vidnova.assessments.tests.test_cohort_support import CohortWorld, cohort_world, set_dimension
from vidnova.assessments.views import cohort as cohort_views

__all__ = ["cohort_world"]


@pytest.fixture(autouse=True)
def _english_pages(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"


def export(client: Client, cw: CohortWorld, query: str) -> Any:
    return client.get(reverse("assessments:cohort-export", kwargs={"pk": cw.round.pk}) + "?" + query)


def read_csv(response: Any) -> list[list[str]]:
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.mark.django_db
def test_csv_has_every_row_filtered_and_sorted(
    clients: dict[str, Client], world: World, cohort_world: CohortWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cohort_views, "ROWS_PER_PAGE", 1)  # pages do not limit an export
    set_dimension(cohort_world.middle, "f1_org", "24.49")
    response = export(clients["coordinator"], cohort_world, "sort=overall&dir=desc&format=csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f"cohort-round-{cohort_world.round.pk}-" in response["Content-Disposition"]
    rows = read_csv(response)
    header = rows[0]
    assert header[:8] == [
        "KATOTTG code",
        "Hromada",
        "Oblast",
        "Type",
        "Security status today",
        "State",
        "Completeness, %",
        "Overall score",
    ]
    assert header[8] == "Field 1: Safety, security and resilience"
    assert header[11] == "1.1 Organisation of civil protection and crisis management"
    assert len(header) == 11 + 15
    assert [row[1] for row in rows[1:]] == ["Ананьївська", world.hromada.name_uk, "Бориспільська", "Вишнева"]
    high = rows[1]
    assert high[0] == cohort_world.high.hromada.katottg
    assert high[3:6] == ["settlement", "none recorded", "validated"]
    assert Decimal(high[7]) == Decimal(100)
    assert [Decimal(value) for value in high[11:]] == [Decimal(100)] * 15
    assert rows[2][11] == "24.49"  # the stored score, not the rounded one of the page
    # Every number as stored, with two places, on every database (field scores included).
    assert all(re.fullmatch(r"\d+\.\d\d", value) for row in rows[1:4] for value in row[6:])
    blank = rows[4]
    assert blank[6:] == [""] * (len(header) - 6)
    # KATOTTG codes are quoted text, numbers are not quoted.
    raw = response.content.decode("utf-8-sig").splitlines()[1]
    assert raw.startswith(f'"{cohort_world.high.hromada.katottg}","Ананьївська"')
    assert ",100.00," in raw


@pytest.mark.django_db
def test_csv_follows_the_filters(clients: dict[str, Client], cohort_world: CohortWorld) -> None:
    rows = read_csv(export(clients["expert"], cohort_world, "state=validated&format=csv"))
    assert [row[1] for row in rows[1:]] == ["Ананьївська", "Бориспільська"]


@pytest.mark.django_db
def test_xlsx_workbook(clients: dict[str, Client], world: World, cohort_world: CohortWorld) -> None:
    response = export(clients["coordinator"], cohort_world, "type=rural&sort=dim:f1_org&dir=desc&format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet, legend = workbook.worksheets
    assert sheet.title == "Cohort"
    assert sheet.freeze_panes == "C2"
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet["A1"].value == "KATOTTG code"
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert [row[1] for row in values] == [world.hromada.name_uk, "Вишнева"]
    middle = values[0]
    assert middle[0] == world.hromada.katottg
    assert sheet["A2"].data_type == "s"
    assert isinstance(middle[7], int | float)
    assert 0 < middle[7] < 100
    assert isinstance(middle[11], int | float)
    assert sheet.cell(row=2, column=12).number_format == "0.00"
    assert values[1][6:] == [None] * (len(middle) - 6)

    facts = {row[0].value: row[1].value for row in legend.iter_rows() if row[0].value}
    assert legend.title == "Legend"
    assert facts["Assessment round"] == "Baseline 2026"
    assert facts["Instrument version"].startswith(str(cohort_world.round.instrument_version.number))
    assert cohort_world.round.instrument_version.form_version in facts["Instrument version"]
    assert facts["Form identifier"] == "vidnova_default_assessment"
    assert facts["Type"] == "rural"
    codes = [row for row in legend.iter_rows(values_only=True) if row[0] == "2.4"]
    assert codes == [("2.4", 2, "2.4 Procurement and project delivery", "f2_procurement")]
    assert "50–74" in [row[1] for row in legend.iter_rows(values_only=True)]


@pytest.mark.django_db
def test_export_format_is_checked(clients: dict[str, Client], cohort_world: CohortWorld) -> None:
    response = export(clients["coordinator"], cohort_world, "format=pdf")
    assert response.status_code == 400
    assert "format=xlsx" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["editor", "viewer", "outsider"])
def test_export_is_private(clients: dict[str, Client], cohort_world: CohortWorld, persona: str) -> None:
    assert export(clients[persona], cohort_world, "format=csv").status_code == 404


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (None, "hn"),
        ("0", "h0"),
        ("24.49", "h0"),
        ("24.50", "h1"),
        ("49.49", "h1"),
        ("49.5", "h2"),
        ("74.49", "h2"),
        ("74.50", "h3"),
        ("100", "h3"),
    ],
)
def test_band_of_the_printed_score(value: str | None, band: str) -> None:
    assert selectors.band_of(None if value is None else Decimal(value)) == band
    cell = selectors.heat_cell(None if value is None else Decimal(value))
    assert cell.band == band


def test_dimension_codes() -> None:
    definition = {
        "groups": [
            {"name": "a", "label": {"uk": "1.1 Перша", "en": "1.1 First"}},
            {"name": "b", "label": {"uk": "Друга", "en": "Second"}},
            {"name": "c", "label": {"en": "Third"}},
            {"name": "d", "label": {"uk": "1.1 Повтор"}},
        ]
    }
    dimensions = selectors.dimensions_of(definition, {"a": 1, "b": 1, "c": 2, "d": 2}, "en")
    assert [(d.code, d.label, d.plain_label, d.heading) for d in dimensions] == [
        ("1.1", "1.1 First", "First", "1.1 First"),
        ("1.2", "Second", "Second", "1.2 Second"),
        ("2.1", "Third", "Third", "2.1 Third"),
        ("D4", "1.1 Повтор", "1.1 Повтор", "D4 1.1 Повтор"),
    ]
