"""Pruning old documents of draft plans: the newest of each kind and every adopted document stay."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from conftest import World
from vidnova.audit.models import AuditEntry
from vidnova.plans.models import ExportStatus, PlanExport, PlanVersion
from vidnova.plans.services.exports import exports_prune
from vidnova.plans.tests.exports_support import adopt
from vidnova.testing import factories

pytestmark = pytest.mark.django_db


def make_export(
    version: PlanVersion, *, days_old: int, status: str = ExportStatus.DONE, language: str = "uk"
) -> PlanExport:
    export = PlanExport.objects.create(plan_version=version, file_format="docx", language=language, status=status)
    export.file.save(f"plan-{export.pk}.docx", ContentFile(b"PK"), save=True)
    PlanExport.objects.filter(pk=export.pk).update(created_at=timezone.now() - datetime.timedelta(days=days_old))
    return export


def test_old_draft_documents_are_deleted_and_the_newest_kept(world: World) -> None:
    draft = factories.make_plan(world.hromada, programme=world.programme).versions.get()
    oldest = make_export(draft, days_old=60)
    failed = make_export(draft, days_old=50, status=ExportStatus.FAILED)
    superseded = make_export(draft, days_old=40)
    english = make_export(draft, days_old=45, language="en")  # the only English one: kept
    recent = make_export(draft, days_old=2)  # the newest of its kind; young anyway
    adopted_plan = factories.make_plan(world.other_hromada)
    adopted = adopt(adopted_plan)
    public = make_export(adopted, days_old=400)
    storage = oldest.file.storage
    oldest_name = str(oldest.file.name)

    assert exports_prune(acting_user=None, older_than=datetime.timedelta(days=30)) == 3

    remaining = set(PlanExport.objects.values_list("pk", flat=True))
    assert remaining == {english.pk, recent.pk, public.pk}
    assert {oldest.pk, failed.pk, superseded.pk}.isdisjoint(remaining)
    assert not storage.exists(oldest_name)
    entry = AuditEntry.objects.get(action="plans.export.pruned")
    assert entry.data == {"deleted": 3, "older_than_days": 30}


def test_the_command_reports_and_refuses_a_bad_age(world: World) -> None:
    draft = factories.make_plan(world.hromada).versions.get()
    make_export(draft, days_old=60)
    make_export(draft, days_old=40)
    out = StringIO()
    call_command("prune_plan_exports", "--days", "30", stdout=out)
    assert "Deleted 1 old plan document(s)." in out.getvalue()
    with pytest.raises(Exception, match="at least 1"):
        call_command("prune_plan_exports", "--days", "0")
