"""Background work for plans. Tasks take ids, load the row (tolerating that it has gone) and call a
service."""

from __future__ import annotations

import logging

from django_tasks import task

from vidnova.plans.models import PlanExport
from vidnova.plans.services.exports import export_generate

logger = logging.getLogger(__name__)


@task()
def generate_plan_export(export_id: int) -> str:
    """Generate the DOCX or PDF of export ``export_id``; returns its final status."""
    export = PlanExport.objects.filter(pk=export_id).first()
    if export is None:
        logger.warning("Plan export %s no longer exists; nothing generated.", export_id)
        return "missing"
    return str(export_generate(export=export).status)
