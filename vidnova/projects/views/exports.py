"""Open-standard exports of project ideas, public like the ideas themselves (no sign-in):

* ``projects:oc4ids``: an OC4IDS 0.9.4 project package (JSON download, streamed) of one project
  (``?project=pk``), a recovery plan's projects (``?plan=pk``), a hromada's (``?hromada=KATOTTG``), a
  programme's (``?programme=slug``) or every project (no filter);
* ``projects:dream``: one project in the shape of DREAM's project ("idea") object (JSON download).

Whoever asks gets public data only (sensitive sites show their hromada only; see oc4ids.py).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from vidnova.accounts import access
from vidnova.accounts.access import Action, AnyUser
from vidnova.plans.models import Plan
from vidnova.projects import oc4ids
from vidnova.projects.dream import dream_filename, project_to_dream
from vidnova.projects.models import Project

KATOTTG = re.compile(r"^UA\d{17}$")
SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
JSON = "application/json; charset=utf-8"


@dataclass(frozen=True)
class Selection:
    """What to export: at most one filter is needed; several narrow each other."""

    project: int | None = None
    plan: int | None = None
    hromada: str | None = None
    programme: str | None = None

    def filename(self) -> str:
        if self.project is not None:
            return f"oc4ids-project-{self.project}.json"
        if self.plan is not None:
            return f"oc4ids-plan-{self.plan}.json"
        if self.hromada:
            return f"oc4ids-{self.hromada}.json"
        if self.programme:
            return f"oc4ids-{self.programme}.json"
        return "oc4ids-projects.json"


class SelectionError(ValueError):
    """A filter is malformed; the message names it, ``field`` is its query parameter."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def parse_selection(params: Mapping[str, str], user: AnyUser) -> Selection:
    """The export filters from query parameters. Raises SelectionError naming a malformed filter,
    Http404 for a plan the user may not see."""
    numbers: dict[str, int | None] = {}
    for name in ("project", "plan"):
        raw = (params.get(name) or "").strip()
        if raw and not raw.isdigit():
            raise SelectionError(name, _("“%(field)s” must be a whole number (an id).") % {"field": name})
        numbers[name] = int(raw) if raw else None
    hromada = (params.get("hromada") or "").strip() or None
    if hromada and not KATOTTG.match(hromada):
        raise SelectionError("hromada", _("“hromada” must be a KATOTTG code: “UA” followed by 17 digits."))
    programme = (params.get("programme") or "").strip() or None
    if programme and not SLUG.match(programme):
        raise SelectionError("programme", _("“programme” must be the short name (slug) of a programme."))
    if numbers["plan"] is not None:
        # A plan's projects are public, but a draft plan's existence is not: 404 for outsiders.
        access.get_for_user(user, Plan.objects.all(), Action.VIEW, pk=numbers["plan"])
    return Selection(project=numbers["project"], plan=numbers["plan"], hromada=hromada, programme=programme)


def selected_projects(selection: Selection) -> QuerySet[Project]:
    return oc4ids.select_projects(
        project=selection.project, plan=selection.plan, hromada=selection.hromada, programme=selection.programme
    )


def package_response(queryset: QuerySet[Project], *, uri: str, filename: str) -> StreamingHttpResponse:
    """The OC4IDS package of ``queryset`` as a streamed JSON download (the caller checks it is not
    empty: the schema requires at least one project)."""
    chunks = (chunk.encode() for chunk in oc4ids.package_chunks(queryset, uri=uri))
    response = StreamingHttpResponse(chunks, content_type=JSON)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def oc4ids_export(request: HttpRequest) -> HttpResponseBase:
    try:
        selection = parse_selection(request.GET, request.user)
    except SelectionError as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    queryset = selected_projects(selection)
    if not queryset.exists():
        raise Http404(_("No project ideas match this selection."))
    return package_response(queryset, uri=request.build_absolute_uri(), filename=selection.filename())


@require_GET
def dream_export(request: HttpRequest, pk: int) -> HttpResponse:
    project = access.get_for_user(request.user, oc4ids.export_queryset(), Action.VIEW, pk=pk)
    response = HttpResponse(oc4ids.to_json(project_to_dream(project)), content_type=JSON)
    response["Content-Disposition"] = f'attachment; filename="{dream_filename(project)}"'
    return response


urlpatterns: list[URLPattern] = [
    path("oc4ids/", oc4ids_export, name="oc4ids"),
    path("<int:pk>/dream/", dream_export, name="dream"),
]
