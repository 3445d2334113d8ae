"""DOCX and PDF of a plan: the exports page (ask for a document, see the list and its status), the
status fragment htmx polls while a document is being generated, and the download.

Asking for a document is a read: everyone who may see a version may ask for its document (anonymous
visitors too, for adopted versions, whose documents are made once and then reused). Documents of
working drafts are as private as the drafts: 404 for outsiders.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_GET, require_http_methods

from vidnova.accounts import access
from vidnova.accounts.access import Action
from vidnova.plans.forms.exports import ExportRequestForm
from vidnova.plans.models import ExportStatus, Plan, PlanExport
from vidnova.plans.selectors import exports as export_selectors
from vidnova.plans.services.exports import CONTENT_TYPES, export_filename, export_request
from vidnova.plans.views.common import load_plan, plan_context

EXPORTS_PER_PAGE = 20
POLL_SECONDS = 3


def _add_errors(form: ExportRequestForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _exports_page(
    request: HttpRequest, plan: Plan, form: ExportRequestForm | None, *, status: int = 200
) -> HttpResponse:
    versions = export_selectors.exportable_versions(request.user, plan)
    if form is None:
        language = (get_language() or "uk")[:2]
        newest = versions.first()
        form = ExportRequestForm(
            versions=versions,
            initial={
                "version": newest.number if newest is not None else None,
                "language": language if language in {"uk", "en"} else "uk",
            },
        )
    can_view_private = access.can(request.user, Action.VIEW_PRIVATE, plan)
    shown_version = None if can_view_private else plan.public_version
    page = Paginator(export_selectors.plan_exports(request.user, plan), EXPORTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context: dict[str, Any] = {
        **plan_context(request, plan, shown_version, tab="exports"),
        "form": form,
        "page": page,
        "show_internals": can_view_private,
        "poll_seconds": POLL_SECONDS,
    }
    return render(request, "plans/export_list.html", context, status=status)


@require_http_methods(["GET", "POST"])
def plan_exports(request: HttpRequest, pk: int) -> HttpResponse:
    plan = load_plan(request, pk, Action.VIEW, visible_with=Action.VIEW)
    if request.method != "POST":
        return _exports_page(request, plan, None)
    versions = export_selectors.exportable_versions(request.user, plan)
    form = ExportRequestForm(request.POST, versions=versions)
    if form.is_valid():
        version = form.cleaned_data["version"]
        started = timezone.now()
        try:
            export = export_request(
                acting_user=request.user,
                version=version,
                file_format=form.cleaned_data["file_format"],
                language=form.cleaned_data["language"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            reused = export.created_at < started
            if reused and export.status == ExportStatus.DONE:
                message = gettext("This document was already made for the adopted version: download it below.")
            elif reused:
                message = gettext("This document is already being generated: it appears below when it is ready.")
            else:
                message = gettext(
                    "The document is being generated. It appears below when it is ready; this takes a few seconds."
                )
            messages.success(request, message)
            url = reverse("plans:plan-exports", kwargs={"pk": plan.pk})
            return HttpResponseRedirect(f"{url}#export-{export.pk}")
    return _exports_page(request, plan, form, status=400)


def _load_export(request: HttpRequest, export_pk: int) -> PlanExport:
    """The export, or 404 for whoever may not see its version (drafts: insiders only)."""
    export = access.get_for_user(request.user, export_selectors.export_queryset(), Action.VIEW, pk=export_pk)
    if export.status == ExportStatus.FAILED and not export_selectors.may_see_internals(request.user, export):
        raise Http404
    return export


@require_GET
def export_status(request: HttpRequest, export_pk: int) -> HttpResponse:
    """The status fragment of one export; htmx polls it while the document is being generated."""
    export = _load_export(request, export_pk)
    context = {
        "export": export,
        "show_internals": export_selectors.may_see_internals(request.user, export),
        "poll_seconds": POLL_SECONDS,
    }
    response = render(request, "plans/_partial_export_status.html", context)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def export_download(request: HttpRequest, export_pk: int) -> FileResponse:
    export = _load_export(request, export_pk)
    if export.status != ExportStatus.DONE or not export.file:
        raise Http404(gettext("This document is not ready."))
    try:
        handle = export.file.open("rb")
    except FileNotFoundError:
        raise Http404(gettext("This document is no longer stored; ask for a new one.")) from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=export_filename(export),
        content_type=CONTENT_TYPES[export.file_format],
    )
    # Documents of drafts are private; those of adopted versions never change.
    response["Cache-Control"] = "public, max-age=86400" if export.plan_version.is_frozen else "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


urlpatterns = [
    path("<int:pk>/exports/", plan_exports, name="plan-exports"),
    path("exports/<int:export_pk>/status/", export_status, name="export-status"),
    path("exports/<int:export_pk>/download/", export_download, name="export-download"),
]
