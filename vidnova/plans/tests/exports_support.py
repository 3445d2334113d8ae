"""Helpers shared by the export tests (test_exports_*.py)."""

from __future__ import annotations

import datetime
import re
import zlib

from django.utils import timezone

from vidnova.plans.models import AdoptingBody, Plan, PlanVersion


def adopt(plan: Plan) -> PlanVersion:
    """Record the plan's current version as adopted, directly (the workflow service is tested elsewhere):
    the version is frozen and the plan becomes public."""
    version = plan.versions.order_by("-number").first()
    assert version is not None
    PlanVersion.objects.filter(pk=version.pk).update(
        adopted_at=timezone.now(),
        adopting_body=AdoptingBody.COUNCIL,
        act_number="12/3-VIII",
        act_date=datetime.date(2025, 6, 20),
    )
    Plan.objects.filter(pk=plan.pk).update(public_version=version, state="adopted")
    plan.refresh_from_db()
    version.refresh_from_db()
    return version


_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)


def pdf_objects(data: bytes) -> bytes:
    """The PDF's bytes with every Flate stream inflated, so object dictionaries (fonts, page tree)
    can be searched even when they sit in compressed object streams."""
    parts = [data]
    for match in _STREAM.finditer(data):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


def pdf_font_names(data: bytes) -> set[str]:
    return {name.decode() for name in re.findall(rb"/FontName\s*/([A-Za-z0-9+_-]+)", pdf_objects(data))}


def pdf_page_count(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf_objects(data)))
