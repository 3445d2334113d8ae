"""export_request and the background task that generates the document."""

from __future__ import annotations

import io
import sys
import types
from collections.abc import Callable
from typing import Any

import docx
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.http import Http404

from conftest import World
from vidnova.accounts.access import AnyUser
from vidnova.audit.models import AuditEntry
from vidnova.plans import tasks
from vidnova.plans.models import ExportStatus, Plan, PlanExport, PlanVersion
from vidnova.plans.services import exports as export_services
from vidnova.plans.services.exports import export_generate, export_request
from vidnova.plans.tests.exports_support import adopt
from vidnova.testing import factories
from vidnova.testing.pdf import requires_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(world: World) -> Plan:
    return factories.make_plan(world.hromada, programme=world.programme)


@pytest.fixture
def version(plan: Plan) -> PlanVersion:
    return plan.versions.get()


def test_request_queues_and_the_task_generates_the_file(
    world: World, version: PlanVersion, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        export = export_request(acting_user=world.editor, version=version, file_format="docx", language="en")
    assert len(callbacks) == 1
    export.refresh_from_db()
    assert export.status == ExportStatus.DONE
    assert export.finished_at is not None
    assert export.error == ""
    assert export.requested_by == world.editor
    katottg = world.hromada.katottg
    assert str(export.file.name).endswith(f"plan-{katottg}-v1-en.docx")
    document = docx.Document(io.BytesIO(export.file.read()))
    assert any("General description of the hromada" in p.text for p in document.paragraphs)
    actions = list(AuditEntry.objects.filter(hromada=world.hromada).values_list("action", flat=True))
    assert "plans.export.requested" in actions
    assert "plans.export.finished" in actions


def test_nothing_is_enqueued_when_the_transaction_rolls_back(
    world: World, version: PlanVersion, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        export_request(acting_user=world.editor, version=version, file_format="pdf", language="uk")
    assert len(callbacks) == 1  # queued only after the commit
    assert PlanExport.objects.get().status == ExportStatus.QUEUED


@pytest.mark.parametrize(
    ("file_format", "language", "field", "message"),
    [
        ("odt", "uk", "file_format", "Choose DOCX or PDF."),
        ("pdf", "de", "language", "Choose Ukrainian or English."),
    ],
)
def test_unknown_format_or_language_is_refused_naming_the_field(
    world: World, version: PlanVersion, file_format: str, language: str, field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        export_request(acting_user=world.editor, version=version, file_format=file_format, language=language)
    assert raised.value.message_dict == {field: [message]}
    assert not PlanExport.objects.exists()
    assert not AuditEntry.objects.filter(action="plans.export.requested").exists()


def test_drafts_are_exported_anew_every_time(world: World, version: PlanVersion) -> None:
    first = export_request(acting_user=world.editor, version=version, file_format="pdf", language="uk")
    second = export_request(acting_user=world.editor, version=version, file_format="pdf", language="uk")
    assert first.pk != second.pk


@requires_pdf
def test_an_adopted_version_is_exported_once_and_reused(
    world: World, plan: Plan, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    version = adopt(plan)
    with django_capture_on_commit_callbacks(execute=True):
        first = export_request(acting_user=world.viewer, version=version, file_format="pdf", language="en")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = export_request(acting_user=None, version=version, file_format="pdf", language="en")
    assert again.pk == first.pk
    assert again.status == ExportStatus.DONE
    assert callbacks == []  # nothing generated a second time
    other_language = export_request(acting_user=world.viewer, version=version, file_format="pdf", language="uk")
    assert other_language.pk != first.pk
    assert AuditEntry.objects.filter(action="plans.export.requested").count() == 2


def test_an_adopted_version_being_generated_is_not_queued_twice(world: World, plan: Plan) -> None:
    version = adopt(plan)
    queued = export_request(acting_user=world.editor, version=version, file_format="docx", language="uk")
    assert export_request(acting_user=world.editor, version=version, file_format="docx", language="uk").pk == queued.pk


def test_a_lost_export_of_an_adopted_version_is_not_reused_forever(world: World, plan: Plan) -> None:
    version = adopt(plan)
    stuck = export_request(acting_user=world.editor, version=version, file_format="docx", language="uk")
    PlanExport.objects.filter(pk=stuck.pk).update(
        status=ExportStatus.RUNNING, updated_at=stuck.updated_at - export_services.STALE_AFTER * 2
    )
    assert export_request(acting_user=world.editor, version=version, file_format="docx", language="uk").pk != stuck.pk


def test_a_failed_export_of_an_adopted_version_can_be_asked_for_again(world: World, plan: Plan) -> None:
    version = adopt(plan)
    failed = export_request(acting_user=world.editor, version=version, file_format="pdf", language="uk")
    PlanExport.objects.filter(pk=failed.pk).update(status=ExportStatus.FAILED)
    assert export_request(acting_user=world.editor, version=version, file_format="pdf", language="uk").pk != failed.pk


def test_everyone_who_may_see_the_version_may_ask(world: World, plan: Plan, version: PlanVersion) -> None:
    # Drafts: insiders, the read-only viewer and the partner expert included.
    for user in (world.viewer, world.expert, world.coordinator):
        export_request(acting_user=user, version=version, file_format="pdf", language="uk")
    outsiders: tuple[AnyUser, ...] = (world.outsider, AnonymousUser())
    for stranger in outsiders:
        with pytest.raises(Http404):
            export_request(acting_user=stranger, version=version, file_format="pdf", language="uk")
    # Adopted versions are public documents.
    adopted = adopt(plan)
    export = export_request(acting_user=AnonymousUser(), version=adopted, file_format="pdf", language="en")
    assert export.requested_by is None


def test_failed_generation_is_recorded_not_raised(
    world: World, version: PlanVersion, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> bytes:
        raise OSError("cannot load library 'pango'")

    monkeypatch.setattr(export_services, "render", broken)
    export = export_request(acting_user=world.editor, version=version, file_format="pdf", language="uk")
    result = export_generate(export=export)
    assert result.status == ExportStatus.FAILED
    assert result.error == "OSError: cannot load library 'pango'"
    assert result.finished_at is not None
    assert not result.file
    entry = AuditEntry.objects.get(action="plans.export.failed")
    assert entry.data["error"] == "OSError: cannot load library 'pango'"
    assert entry.hromada == world.hromada


def test_the_task_runs_through_the_failed_path(
    world: World, version: PlanVersion, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export_services, "build_document", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("boom")))
    export = PlanExport.objects.create(plan_version=version, file_format="docx", language="uk")
    result = tasks.generate_plan_export.call(export.pk)
    assert result == "failed"
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED
    assert export.error == "RuntimeError: boom"


def test_the_task_tolerates_a_deleted_export(version: PlanVersion, caplog: pytest.LogCaptureFixture) -> None:
    export = PlanExport.objects.create(plan_version=version, file_format="pdf", language="uk")
    export_id = export.pk
    export.delete()
    assert tasks.generate_plan_export.call(export_id) == "missing"
    assert "no longer exists" in caplog.text


def test_the_task_does_not_generate_twice(version: PlanVersion) -> None:
    export = PlanExport.objects.create(plan_version=version, file_format="pdf", language="uk", status=ExportStatus.DONE)
    assert tasks.generate_plan_export.call(export.pk) == "done"
    export.refresh_from_db()
    assert not export.file  # it was not generated again


@requires_pdf
def test_pdf_export_through_the_task(
    world: World, version: PlanVersion, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        export = export_request(acting_user=world.coordinator, version=version, file_format="pdf", language="uk")
    export.refresh_from_db()
    assert export.status == ExportStatus.DONE
    assert str(export.file.name).endswith(f"plan-{world.hromada.katottg}-v1-uk.pdf")
    assert export.file.read(5) == b"%PDF-"


def test_without_pango_the_pdf_fails_with_a_message_for_the_administrator(
    world: World,
    version: PlanVersion,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    class WithoutPango(types.ModuleType):
        def __getattr__(self, name: str) -> Any:
            raise OSError("cannot load library 'libpango-1.0-0'")

    monkeypatch.setitem(sys.modules, "vidnova.plans.documents.pdf_file", WithoutPango("pdf_file"))
    with django_capture_on_commit_callbacks(execute=True):
        export = export_request(acting_user=world.coordinator, version=version, file_format="pdf", language="uk")
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED
    assert export.error.startswith("PDF export is not available on this server: WeasyPrint cannot load the Pango")
    assert "DOCX export works without it" in export.error
