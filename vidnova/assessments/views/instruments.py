"""Assessment instrument pages: the public list and preview of each questionnaire, its XLSForm, and
the import page for programme staff. Parse the input, call a selector or a service, render."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language_info
from django.views.decorators.http import require_GET, require_http_methods

from vidnova.accounts import access
from vidnova.accounts.access import Action
from vidnova.assessments.forms.instruments import InstrumentImportForm
from vidnova.assessments.models import Instrument, InstrumentVersion
from vidnova.assessments.selectors import instruments as selectors
from vidnova.assessments.services import instruments as services
from vidnova.assessments.xlsform import XLSFormRejected
from vidnova.core.types import AuthenticatedHttpRequest
from vidnova.core.uploads import XLSX

INSTRUMENTS_PER_PAGE = 25


def language_names(codes: Iterable[str]) -> list[str]:
    """The languages of a form, named in the interface language (the code when Django does not know it)."""
    names = []
    for code in codes:
        try:
            names.append(str(get_language_info(code)["name_translated"]))
        except KeyError:
            names.append(code)
    return names


@dataclass(frozen=True)
class InstrumentRow:
    instrument: Instrument
    latest: InstrumentVersion | None
    languages: list[str]


def _can_import(request: HttpRequest) -> bool:
    # An unsaved instrument stands for "instruments in general" (the rule is programme-wide).
    return access.can(request.user, Action.EDIT, Instrument())


@require_GET
def instrument_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.instruments(), INSTRUMENTS_PER_PAGE).get_page(request.GET.get("page"))
    rows = []
    for instrument in page.object_list:
        latest = selectors.latest_version(instrument)
        rows.append(InstrumentRow(instrument, latest, language_names(latest.languages if latest else [])))
    context = {"nav": "instruments", "page": page, "rows": rows, "can_import": _can_import(request)}
    return render(request, "assessments/instrument_list.html", context)


def _version_number(request: HttpRequest) -> int | None:
    text = request.GET.get("version")
    if not text:
        return None
    if not text.isdigit():
        raise Http404
    return int(text)


@require_GET
def instrument_detail(request: HttpRequest, code: str) -> HttpResponse:
    instrument = access.get_for_user(request.user, selectors.instrument_by_code(code), Action.VIEW)
    version = selectors.instrument_version(instrument, _version_number(request))
    outline = selectors.instrument_outline(version.definition)
    context = {
        "nav": "instruments",
        "instrument": instrument,
        "version": version,
        "versions": getattr(instrument, "version_list", []),
        "outline": outline,
        "languages": language_names(outline.languages),
        "can_import": _can_import(request),
    }
    return render(request, "assessments/instrument_detail.html", context)


@require_GET
def instrument_download(request: HttpRequest, code: str, number: int) -> HttpResponse:
    instrument = access.get_for_user(request.user, selectors.instrument_by_code(code), Action.VIEW)
    version = selectors.instrument_version(instrument, number)
    response = HttpResponse(services.instrument_xlsform(version), content_type=XLSX.content_type)
    # The code is a slug (letters, digits, "_" and "-"): safe in the header as it is.
    response["Content-Disposition"] = f'attachment; filename="{instrument.code}-v{version.number}.xlsx"'
    return response


@require_http_methods(["GET", "POST"])
@login_required
def instrument_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload an XLSForm: a new instrument, a new version, or the stored version when nothing changed.
    A workbook with any problem is refused whole, with every problem named by sheet, row and column."""
    access.require(request.user, Action.EDIT, Instrument())
    problems: list[str] = []
    warnings: list[str] = []
    result: services.InstrumentImport | None = None
    status = 200
    if request.method == "POST":
        form = InstrumentImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = services.instrument_import_with_result(
                    acting_user=request.user, data=upload.read(), filename=upload.name
                )
            except XLSFormRejected as rejection:
                problems = list(rejection.messages)
                warnings = rejection.warnings
                status = 400
            except ValidationError as error:
                _add_errors(form, error)
                status = 400
            else:
                warnings = result.warnings
                form = InstrumentImportForm()
        else:
            status = 400
    else:
        form = InstrumentImportForm()
    context = {
        "nav": "instruments",
        "form": form,
        "problems": problems,
        "warnings": warnings,
        "result": result,
    }
    return render(request, "assessments/instrument_import.html", context, status=status)


def _add_errors(form: Any, error: ValidationError) -> None:
    """Show a service's ValidationError next to the file field (or above the form)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
        return
    form.add_error("file" if "file" in form.fields else NON_FIELD_ERRORS, error)
