"""Importing instruments: versions by content, access, audit, the default instrument and the commands."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from conftest import World
from vidnova.assessments.models import Instrument, InstrumentVersion
from vidnova.assessments.services import (
    instrument_import,
    instrument_import_with_result,
    instrument_load_default,
    instrument_xlsform,
)
from vidnova.assessments.tests.xlsform_builders import base_survey, workbook
from vidnova.assessments.xlsform import XLSFormRejected, compile_xlsform, content_hash
from vidnova.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def _changed_form() -> bytes:
    survey = base_survey()
    survey[2]["label"] = "How good and how current is the plan?"
    return workbook(survey=survey)


def test_import_creates_instrument_version_and_audit(world: World) -> None:
    data = workbook()
    version = instrument_import(acting_user=world.coordinator, data=data, filename="uploads/form.xlsx")
    assert version.number == 1
    assert version.instrument.code == "test_form"
    assert version.instrument.name_en == "Test form"
    assert version.form_version == "1"
    assert version.source_name == "form.xlsx"
    assert version.source_file.read() == data
    assert version.content_hash == content_hash(version.definition)
    assert (version.dimension_count, version.question_count, version.scored_question_count) == (1, 3, 1)
    assert version.languages == ["en"]
    assert version.imported_by == world.coordinator
    entry = AuditEntry.objects.get(action="assessments.instrument.imported")
    assert entry.actor == world.coordinator
    assert entry.data["number"] == 1


def test_same_file_twice_is_the_same_version(world: World) -> None:
    first = instrument_import(acting_user=world.coordinator, data=workbook(), filename="form.xlsx")
    result = instrument_import_with_result(acting_user=world.coordinator, data=workbook(), filename="again.xlsx")
    assert result.version == first
    assert not result.created
    assert InstrumentVersion.objects.count() == 1
    assert AuditEntry.objects.filter(action__startswith="assessments.").count() == 1


def test_changed_form_is_version_two(world: World) -> None:
    first = instrument_import(acting_user=world.coordinator, data=workbook(), filename="form.xlsx")
    second = instrument_import(acting_user=world.coordinator, data=_changed_form(), filename="form-v2.xlsx")
    assert second.instrument == first.instrument
    assert second.number == 2
    assert second.content_hash != first.content_hash
    assert Instrument.objects.count() == 1
    assert AuditEntry.objects.filter(action="assessments.instrument.version_added").count() == 1
    # The first version keeps its own definition: answers stay tied to the version they answered.
    first.refresh_from_db()
    assert first.definition["questions"][1]["label"]["en"] == "How good is the plan?"


def test_rejected_form_saves_nothing(world: World) -> None:
    survey = base_survey()
    survey[2]["relevant"] = "${shelter_cnt} = 'yes'"
    with pytest.raises(XLSFormRejected) as rejected:
        instrument_import(acting_user=world.coordinator, data=workbook(survey=survey), filename="form.xlsx")
    assert rejected.value.messages == ["survey, row 4, column relevant: unknown question “shelter_cnt”."]
    assert rejected.value.row_errors == [(4, "survey, row 4, column relevant: unknown question “shelter_cnt”.")]
    assert not Instrument.objects.exists()
    assert not InstrumentVersion.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="assessments.").exists()


def test_rejected_new_version_keeps_the_old_one(world: World) -> None:
    instrument_import(acting_user=world.coordinator, data=workbook(), filename="form.xlsx")
    survey = base_survey()
    survey[2]["vidnova_field"] = 7
    with pytest.raises(XLSFormRejected):
        instrument_import(acting_user=world.coordinator, data=workbook(survey=survey), filename="form.xlsx")
    assert InstrumentVersion.objects.count() == 1


@pytest.mark.parametrize("persona", ["editor", "viewer", "expert", "outsider"])
def test_only_programme_staff_import(world: World, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        instrument_import(acting_user=getattr(world, persona), data=workbook(), filename="form.xlsx")
    assert not Instrument.objects.exists()


def test_admin_may_import(world: World) -> None:
    assert instrument_import(acting_user=world.admin, data=workbook(), filename="form.xlsx").number == 1


def test_default_instrument_loads_once(db: None) -> None:
    version = instrument_load_default()
    assert version.instrument.code == "vidnova_default_assessment"
    assert version.instrument.is_default
    assert version.dimension_count == 15
    assert version.scored_question_count == 70
    assert version.languages == ["uk", "en", "nl"]
    assert instrument_load_default() == version
    assert InstrumentVersion.objects.count() == 1


def test_export_round_trip_gives_the_same_version(db: None) -> None:
    version = instrument_load_default()
    exported = instrument_xlsform(version)
    assert content_hash(compile_xlsform(exported, "export.xlsx")) == version.content_hash
    assert instrument_import(acting_user=None, data=exported, filename="export.xlsx") == version


def test_import_instrument_command(tmp_path: Path, db: None) -> None:
    path = tmp_path / "form.xlsx"
    path.write_bytes(workbook())
    out = io.StringIO()
    call_command("import_instrument", str(path), stdout=out)
    assert "Imported test_form version 1 (form version 1): 1 dimensions, 3 questions, 1 scored, languages en." in (
        out.getvalue()
    )
    out = io.StringIO()
    call_command("import_instrument", str(path), stdout=out)
    assert out.getvalue().startswith("Already imported, unchanged: test_form version 1")


def test_import_instrument_command_lists_numbered_errors(tmp_path: Path, db: None) -> None:
    survey = base_survey()
    survey[2]["vidnova_weight"] = 0
    survey[3]["constraint"] = "${nope} > 1"
    path = tmp_path / "bad.xlsx"
    path.write_bytes(workbook(survey=survey))
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"rejected \(2 problems\); nothing was saved"):
        call_command("import_instrument", str(path), stderr=err)
    lines = err.getvalue().splitlines()
    assert lines == [
        "1. survey, row 5, column constraint: unknown question “nope”.",
        "2. survey, row 4, column vidnova_weight: the weight must be a number greater than 0.",
    ]
    assert not Instrument.objects.exists()


def test_load_default_instrument_command(db: None) -> None:
    out = io.StringIO()
    call_command("load_default_instrument", stdout=out)
    assert "vidnova_default_assessment version 1" in out.getvalue()
    assert "15 dimensions, 101 questions, 70 scored" in out.getvalue()
    call_command("load_default_instrument", stdout=io.StringIO())
    assert InstrumentVersion.objects.count() == 1
