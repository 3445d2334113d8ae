"""Project ideas as XLSX / CSV: the export (anyone; exact locations of sensitive sites only for those
who may see them), the import template, and the import itself: upload and dry run, then apply all or
nothing (hromada editors for their hromadas, programme staff for any). See docs/projects-import.md."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vidnova.core.types import AuthenticatedHttpRequest
from vidnova.core.uploads import XLSX
from vidnova.projects import tabular
from vidnova.projects.forms.imports import ProjectImportApplyForm, ProjectImportForm
from vidnova.projects.services import imports as service

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def _attachment(response: HttpResponse | StreamingHttpResponse, filename: str) -> None:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'


@require_GET
def project_export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    kind = (request.GET.get("format") or "xlsx").lower()
    if kind not in {"xlsx", "csv"}:
        return HttpResponseBadRequest(_("Unknown format; use xlsx or csv."))
    projects = tabular.export_queryset(request.GET).iterator(chunk_size=500)
    rows = service.export_rows(user=request.user, projects=projects)
    filename = service.export_filename(request.GET, kind)
    response: HttpResponse | StreamingHttpResponse
    if kind == "csv":
        response = StreamingHttpResponse(tabular.write_csv(rows), content_type=CSV_CONTENT_TYPE)
    else:
        response = HttpResponse(tabular.write_xlsx(rows), content_type=XLSX.content_type)
    _attachment(response, filename)
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def project_import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(tabular.write_xlsx([]), content_type=XLSX.content_type)
    _attachment(response, "projects-import-template.xlsx")
    return response


def _render(
    request: AuthenticatedHttpRequest,
    *,
    form: ProjectImportForm,
    report: service.ImportReport | None = None,
    token: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "nav": "projects",
        "form": form,
        "report": report,
        "counts": report.counts if report else {},
        "apply_form": ProjectImportApplyForm(initial={"token": token}) if token else None,
        "columns": tabular.columns(),
    }
    return render(request, "projects/import_upload.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def project_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    service.require_import_access(request.user)
    if request.method != "POST":
        return _render(request, form=ProjectImportForm())
    form = ProjectImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, form=form, status=400)
    upload = form.cleaned_data["file"]
    data, filename = upload.read(), upload.name or "import"
    report = service.import_check(acting_user=request.user, data=data, filename=filename)
    token = ""
    if not report.error_count:
        token = service.upload_store(acting_user=request.user, data=data, filename=filename)
    return _render(request, form=ProjectImportForm(), report=report, token=token, status=200 if token else 400)


def _after_import_url() -> str:
    try:
        return reverse("projects:project-list")
    except NoReverseMatch:  # the portfolio is not routed (yet)
        return reverse("projects:import")


@require_POST
@login_required
def project_import_apply(request: AuthenticatedHttpRequest) -> HttpResponse:
    service.require_import_access(request.user)
    form = ProjectImportApplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The checked file is no longer available; upload it again."))
        return redirect("projects:import")
    token = form.cleaned_data["token"]
    try:
        data, filename = service.upload_load(acting_user=request.user, token=token)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("projects:import")
    report = service.import_apply(acting_user=request.user, data=data, filename=filename)
    if not report.applied:
        # Something changed since the dry run: nothing was saved; show what is wrong now.
        return _render(request, form=ProjectImportForm(), report=report, status=409)
    service.upload_discard(acting_user=request.user, token=token)
    counts = report.counts
    messages.success(
        request,
        _("Imported “%(file)s”: %(created)s projects created, %(updated)s updated, %(unchanged)s unchanged.")
        % {
            "file": filename,
            "created": counts["create"],
            "updated": counts["update"],
            "unchanged": counts["unchanged"],
        },
    )
    return redirect(_after_import_url())


urlpatterns: list[URLPattern] = [
    path("export/", project_export, name="export"),
    path("import/", project_import, name="import"),
    path("import/apply/", project_import_apply, name="import-apply"),
    path("import/template.xlsx", project_import_template, name="import-template"),
]
