"""The exchange rates used to convert project money: the list for everyone, and for programme staff
a form to record one rate and a CSV import (projects/services/rates.py). No live rate is fetched."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from vidnova.accounts import access
from vidnova.accounts.access import Action
from vidnova.core.exceptions import ImportRejected
from vidnova.projects.forms.rates import RateForm, RateImportForm
from vidnova.projects.models import ExchangeRate
from vidnova.projects.services import rates as services

RATES_PER_PAGE = 100


def _errors_to_form(form: RateForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for key, errors in error.error_dict.items():
            form.add_error(key if key in form.fields else None, errors)
    else:
        form.add_error(None, error)


@require_http_methods(["GET", "POST"])
def rates(request: HttpRequest) -> HttpResponse:
    user = request.user
    can_manage = access.can(user, Action.VIEW_PRIVATE)  # programme staff (see services.rates)
    rate_form = RateForm(prefix="rate")
    import_form = RateImportForm(prefix="import")
    import_errors: list[tuple[int, str]] = []
    status = 200
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_manage:
            raise PermissionDenied
        if "import" in request.POST:
            import_form = RateImportForm(request.POST, request.FILES, prefix="import")
            if import_form.is_valid():
                upload = import_form.cleaned_data["file"]
                try:
                    saved = services.exchange_rates_import(
                        acting_user=user, data=upload.read(), filename=upload.name or ""
                    )
                except ImportRejected as error:
                    import_errors = error.row_errors
                else:
                    messages.success(request, _("%(count)s exchange rates were imported.") % {"count": len(saved)})
                    return HttpResponseRedirect(reverse("projects:rates"))
        else:
            rate_form = RateForm(request.POST, prefix="rate")
            if rate_form.is_valid():
                try:
                    services.exchange_rate_set(acting_user=user, **rate_form.cleaned_data)
                except ValidationError as error:
                    _errors_to_form(rate_form, error)
                else:
                    messages.success(request, _("The exchange rate was saved."))
                    return HttpResponseRedirect(reverse("projects:rates"))
        status = 400
    currency = request.GET.get("currency", "")
    queryset = ExchangeRate.objects.order_by("currency", "-valid_on")
    if currency in {"EUR", "USD"}:
        queryset = queryset.filter(currency=currency)
    page = Paginator(queryset, RATES_PER_PAGE).get_page(request.GET.get("page"))
    latest = {code: ExchangeRate.objects.filter(currency=code).order_by("-valid_on").first() for code in ("EUR", "USD")}
    return render(
        request,
        "projects/rates_list.html",
        {
            "nav": "projects",
            "page_obj": page,
            "latest": latest,
            "currency": currency,
            "can_manage": can_manage,
            "rate_form": rate_form,
            "import_form": import_form,
            "import_errors": import_errors,
        },
        status=status,
    )


urlpatterns: list[URLPattern] = [
    path("rates/", rates, name="rates"),
]
