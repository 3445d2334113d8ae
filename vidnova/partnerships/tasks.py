"""Background work of partnerships: match runs. Tasks take ids and call a service, which tolerates
that the row has gone and never raises to the worker (a failure is recorded on the run)."""

from __future__ import annotations

from django_tasks import task

from vidnova.partnerships.models import MatchRun
from vidnova.partnerships.services.matching import match_run_execute


@task()
def run_match(run_id: int) -> str:
    """Solve match run ``run_id`` and store its results; returns the run's final status."""
    match_run_execute(run_id)
    status = MatchRun.objects.filter(pk=run_id).values_list("status", flat=True).first()
    return str(status or "missing")
