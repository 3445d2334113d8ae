"""Kobo / ODK submission imports of a round: upload and dry run, the report, applying it, the
report as CSV and a template workbook. Programme staff of the round's programme only."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vidnova.assessments.forms.imports import SubmissionImportForm
from vidnova.assessments.models import Round, RoundStatus, SubmissionImport
from vidnova.assessments.services import kobo
from vidnova.core.types import AuthenticatedHttpRequest
from vidnova.core.uploads import XLSX

IMPORTS_LISTED = 50


def _round(request: AuthenticatedHttpRequest, pk: int) -> Round:
    round_ = get_object_or_404(Round.objects.select_related("programme", "instrument_version__instrument"), pk=pk)
    kobo.require_import_access(request.user, round_)
    return round_


def _import(request: AuthenticatedHttpRequest, pk: int) -> SubmissionImport:
    imported = get_object_or_404(
        SubmissionImport.objects.select_related("round__programme", "round__instrument_version__instrument"), pk=pk
    )
    kobo.require_import_access(request.user, imported.round)
    return imported


@require_http_methods(["GET", "POST"])
@login_required
def import_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    status = 200
    if request.method == "POST":
        form = SubmissionImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                imported = kobo.import_check(
                    acting_user=request.user,
                    round_=round_,
                    data=upload.read(),
                    filename=upload.name or "import",
                    match_by=form.cleaned_data["match_by"],
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for name, errors in error.error_dict.items():
                        form.add_error(name if name in form.fields else None, errors)
                else:
                    form.add_error("file", error)
                status = 400
            else:
                return redirect("assessments:import-detail", pk=imported.pk)
        else:
            status = 400
    else:
        form = SubmissionImportForm()
    context = {
        "nav": "assessments",
        "round": round_,
        "form": form,
        "closed": round_.status == RoundStatus.CLOSED,
        "imports": round_.submission_imports.select_related("uploaded_by", "applied_by")[:IMPORTS_LISTED],
    }
    return render(request, "assessments/import_list.html", context, status=status)


@require_GET
@login_required
def import_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    imported = _import(request, pk)
    report = imported.report or {}
    rows = report.get("rows", [])
    context = {
        "nav": "assessments",
        "imported": imported,
        "round": imported.round,
        "report": report,
        "counts": report.get("counts", {}),
        "rows": rows,
        "file_errors": report.get("errors", []),
        "warnings": report.get("warnings", []),
        "can_apply": not imported.error_count
        and imported.applied_at is None
        and imported.round.status != RoundStatus.CLOSED,
    }
    return render(request, "assessments/import_detail.html", context)


@require_POST
@login_required
def import_apply(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    imported = _import(request, pk)
    try:
        imported = kobo.import_apply(acting_user=request.user, submission_import=imported)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        applied = imported.report.get("applied", {})
        messages.success(
            request,
            _("Imported: %(count)s assessments submitted, their scores recomputed.")
            % {"count": applied.get("assessments", 0)},
        )
    return redirect("assessments:import-detail", pk=imported.pk)


@require_GET
@login_required
def import_report_csv(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    imported = _import(request, pk)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows(kobo.report_rows(imported.report or {}))
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{imported.pk}-report.csv"'
    return response


@require_GET
@login_required
def import_template(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    response = HttpResponse(kobo.template_xlsx(round_), content_type=XLSX.content_type)
    response["Content-Disposition"] = f'attachment; filename="round-{round_.pk}-import-template.xlsx"'
    return response


urlpatterns = [
    path("rounds/<int:pk>/imports/", import_list, name="import-list"),
    path("rounds/<int:pk>/imports/template.xlsx", import_template, name="import-template"),
    path("imports/<int:pk>/", import_detail, name="import-detail"),
    path("imports/<int:pk>/apply/", import_apply, name="import-apply"),
    path("imports/<int:pk>/report.csv", import_report_csv, name="import-report-csv"),
]
