"""Registry pages: parse the input, call a selector or a service, render.

The registry is public (anyone may look hromadas and municipalities up); setting security statuses is
for programme staff, and a hromada's history for its members and the programme team. Every decision
is taken by vidnova.accounts.access.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Model
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from vidnova.accounts import access
from vidnova.accounts.access import Action
from vidnova.assessments.selectors.needs import training_needs_of
from vidnova.assessments.selectors.results import visible_assessments
from vidnova.audit.selectors import history_for_hromada
from vidnova.core.exceptions import EditConflict, ImportRejected
from vidnova.core.types import AuthenticatedHttpRequest
from vidnova.partnerships.selectors.common import staff_programmes
from vidnova.plans.selectors.plans import plans_of_hromada
from vidnova.programmes.models import Participation
from vidnova.registry import map as svg_map
from vidnova.registry import selectors, services
from vidnova.registry.forms import (
    HromadaFilterForm,
    MapFilterForm,
    MunicipalityFilterForm,
    SecurityStatusCorrectionForm,
    SecurityStatusForm,
    SecurityStatusImportForm,
    SettlementSearchForm,
)
from vidnova.registry.models import CodifierUnit, Hromada, SecurityStatus, SecurityStatusPeriod

HROMADAS_PER_PAGE = 50
MUNICIPALITIES_PER_PAGE = 50
HISTORY_PER_PAGE = 50
SETTLEMENTS_SHOWN = 40
# The start of the temporary occupation of Crimea and Sevastopol in Ukrainian law.
CRIMEA_OCCUPIED_SINCE = datetime.date(2014, 2, 20)

# An example for the import page (real codes: Buchanska and Samarivska hromadas).
IMPORT_EXAMPLE = (
    "katottg,status,starts_on,ends_on,source,note\n"
    "UA32080070000050759,possible_hostilities,2025-03-01,,Order No. 376 of 28.02.2025,\n"
    "UA12100070000011492,можливі бойові дії,2025-03-01,2025-06-01,Order No. 376 of 28.02.2025,\n"
)


# --- helpers -------------------------------------------------------------------------------------


def _is_htmx(request: HttpRequest) -> bool:
    """An htmx request for a fragment (a history restore wants the whole page)."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true"


def _url(base: str, params: Mapping[str, Any]) -> str:
    query = urlencode({key: value for key, value in params.items() if value not in ("", None)})
    return f"{base}?{query}" if query else base


def _pagination(page: Page[Any], base: str, params: Mapping[str, str]) -> dict[str, str]:
    """Links to the first, previous, next and last page that keep the filters."""
    links: dict[str, str] = {}
    if page.has_previous():
        links["first"] = _url(base, params)
        links["previous"] = _url(base, {**params, "page": page.previous_page_number()})
    if page.has_next():
        links["next"] = _url(base, {**params, "page": page.next_page_number()})
        links["last"] = _url(base, {**params, "page": page.paginator.num_pages})
    return links


def _status_labels() -> dict[str | None, str]:
    labels: dict[str | None, str] = {value: str(label) for value, label in SecurityStatus.choices}
    labels[None] = _("not recorded")
    return labels


def _label_statuses(rows: Iterable[Model]) -> None:
    """Give each row annotated with ``current_status`` a ``status_label`` for the badge."""
    labels = _status_labels()
    for row in rows:
        row.status_label = labels.get(getattr(row, "current_status", None), "")  # type: ignore[attr-defined]


def _add_errors(form: Form, error: ValidationError, *, default_field: str | None = None) -> None:
    """Show a service's ValidationError next to the fields it names (or above the form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return
    form.add_error(default_field if default_field in form.fields else NON_FIELD_ERRORS, error)


def _current_period(periods: Iterable[SecurityStatusPeriod], day: datetime.date) -> SecurityStatusPeriod | None:
    """The period in force on ``day`` among periods ordered newest first."""
    return next((p for p in periods if p.starts_on <= day and (p.ends_on is None or p.ends_on > day)), None)


def _date(day: datetime.date | None) -> str:
    return date_format(day, "DATE_FORMAT") if day else "—"


# --- hromada list --------------------------------------------------------------------------------


@require_GET
def hromada_list(request: HttpRequest) -> HttpResponse:
    """Search and filter the hromadas; htmx requests get only the results region back."""
    base = reverse("registry:hromada-list")
    form = HromadaFilterForm(request.GET)
    form.enable_live_update(base)
    params = form.query_params()
    page = Paginator(selectors.hromadas(form.to_filter()), HROMADAS_PER_PAGE).get_page(request.GET.get("page"))
    _label_statuses(page.object_list)
    context: dict[str, Any] = {
        "nav": "hromadas",
        "form": form,
        "page_obj": page,
        "pages": _pagination(page, base, params),
        "map_url": _url(reverse("registry:map"), {k: v for k, v in params.items() if k in MapFilterForm.base_fields}),
        "filtered": bool(params),
    }
    if _is_htmx(request):
        context["oob"] = True
        context["oblast_changed"] = request.headers.get("HX-Trigger") == form["oblast"].auto_id
        response = render(request, "registry/_partial_hromada_results.html", context)
        # The address bar shows the clean filters, not every empty field of the form.
        page_number = page.number if page.number > 1 else ""
        response["HX-Push-Url"] = _url(base, {**params, "page": page_number})
    else:
        response = render(request, "registry/hromada_list.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- hromada page --------------------------------------------------------------------------------


def _facts(hromada: Hromada) -> dict[str, Any]:
    """Figures derived from the profile: urban share and density."""
    facts: dict[str, Any] = {"urban_share": None, "density": None}
    if hromada.population_2022:
        if hromada.urban_population_2022 is not None:
            facts["urban_share"] = 100 * hromada.urban_population_2022 / hromada.population_2022
        if hromada.area_km2:
            facts["density"] = hromada.population_2022 / float(hromada.area_km2)
    return facts


@require_GET
def hromada_detail(request: HttpRequest, katottg: str) -> HttpResponse:
    hromada = access.get_for_user(request.user, selectors.hromada_profiles(), katottg=katottg)
    today = timezone.localdate()
    periods = list(selectors.security_history(hromada))
    current = _current_period(periods, today)
    settlements = selectors.settlements_of(hromada)
    can_manage = access.can(request.user, Action.MANAGE_SECURITY_STATUS, hromada)
    participations = list(selectors.participations_of(hromada))
    context: dict[str, Any] = {
        "nav": "hromadas",
        "hromada": hromada,
        "former_names": list(selectors.former_names(hromada.katottg)),
        "facts": _facts(hromada),
        "current": current,
        "periods": periods,
        "participations": participations,
        "organisations": list(selectors.organisations_of(hromada)),
        "settlements": list(settlements[:SETTLEMENTS_SHOWN]),
        "settlement_count": settlements.count(),
        "locator": svg_map.render_locator(
            iso=hromada.oblast.iso_3166_2,
            latitude=float(hromada.latitude) if hromada.latitude is not None else None,
            longitude=float(hromada.longitude) if hromada.longitude is not None else None,
            title=_("Location of %(hromada)s hromada in %(oblast)s")
            % {"hromada": hromada.name_uk, "oblast": hromada.oblast.name_uk},
        ),
        "can_manage": can_manage,
        "can_view_private": access.can(request.user, Action.VIEW_PRIVATE, hromada),
        "status_form": SecurityStatusForm(initial={"starts_on": today}) if can_manage else None,
        "crimea_occupied_since": CRIMEA_OCCUPIED_SINCE,
        # Recovery plans: the adopted ones for everyone, all of them for insiders (vidnova.plans).
        "plans": plans_of_hromada(request.user, hromada),
        "can_create_plan": access.can(request.user, Action.EDIT, hromada),
        **_assessment_context(request, hromada),
        **_partnership_context(request, hromada, participations),
    }
    return render(request, "registry/hromada_detail.html", context)


def _partnership_context(request: HttpRequest, hromada: Hromada, participations: list[Participation]) -> dict[str, Any]:
    """Its partnerships (public records) and, for those who may read them, its needs for partner
    expertise in each programme it takes part in."""
    from vidnova.partnerships.models import Need
    from vidnova.partnerships.selectors.partnerships import visible_partnerships

    programmes = {participation.phase.programme for participation in participations}
    needs_programmes = [
        programme
        for programme in sorted(programmes, key=lambda item: item.name_uk)
        if access.can(request.user, Action.VIEW_PRIVATE, Need(programme=programme, hromada=hromada))
    ]
    return {
        "partnerships": list(visible_partnerships(request.user, {"hromada": hromada})),
        "needs_programmes": needs_programmes,
    }


def _assessment_context(request: HttpRequest, hromada: Hromada) -> dict[str, Any]:
    """The "Needs assessment" section, for those who may see the hromada's assessments (vidnova.assessments)."""
    if not request.user.is_authenticated:
        return {"assessments": []}
    assessments = visible_assessments(request.user, hromada)
    if not assessments:
        return {"assessments": []}
    visible = {a.pk for a in assessments}
    needs = [n for n in training_needs_of(hromada, language=get_language()) if n.assessment.pk in visible]
    return {"assessments": assessments, "latest_assessment": assessments[0], "training_needs": needs}


# --- security status -----------------------------------------------------------------------------


def _managed_hromada(request: HttpRequest, katottg: str) -> Hromada:
    return access.get_for_user(
        request.user, selectors.hromada_profiles(), Action.MANAGE_SECURITY_STATUS, katottg=katottg
    )


@require_http_methods(["GET", "POST"])
@login_required
def security_status_set(request: AuthenticatedHttpRequest, katottg: str) -> HttpResponse:
    """Record a new status from a date on; the service closes the period in force."""
    hromada = _managed_hromada(request, katottg)
    status = 200
    if request.method == "POST":
        form = SecurityStatusForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                period = services.security_status_set(
                    acting_user=request.user,
                    hromada=hromada,
                    status=data["status"],
                    starts_on=data["starts_on"],
                    source=data["source"],
                    note=data["note"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The security status of %(hromada)s is “%(status)s” from %(date)s.")
                    % {
                        "hromada": hromada.name_uk,
                        "status": period.get_status_display(),
                        "date": _date(period.starts_on),
                    },
                )
                return HttpResponseRedirect(hromada.get_absolute_url() + "#security-status")
        status = 400
    else:
        form = SecurityStatusForm(initial={"starts_on": timezone.localdate()})
    periods = list(selectors.security_history(hromada))
    context = {
        "nav": "hromadas",
        "hromada": hromada,
        "form": form,
        "periods": periods,
        "current": _current_period(periods, timezone.localdate()),
    }
    return render(request, "registry/security_status_set.html", context, status=status)


def _period_initial(period: SecurityStatusPeriod) -> dict[str, Any]:
    return {
        "status": period.status,
        "starts_on": period.starts_on,
        "ends_on": period.ends_on,
        "source": period.source,
        "note": period.note,
        "version": period.version,
    }


def _conflict_rows(current: SecurityStatusPeriod, form: SecurityStatusCorrectionForm) -> list[tuple[str, str, str]]:
    """(field label, value saved now, value this person entered) for every field of the form."""
    typed = form.cleaned_data if hasattr(form, "cleaned_data") else {}
    labels = _status_labels()
    return [
        (
            str(form.fields["status"].label),
            labels.get(current.status, current.status),
            labels.get(typed.get("status"), str(form.data.get("status", ""))),
        ),
        (str(form.fields["starts_on"].label), _date(current.starts_on), _date(typed.get("starts_on"))),
        (str(form.fields["ends_on"].label), _date(current.ends_on), _date(typed.get("ends_on"))),
        (str(form.fields["source"].label), current.source or "—", typed.get("source") or "—"),
        (str(form.fields["note"].label), current.note or "—", typed.get("note") or "—"),
    ]


@require_http_methods(["GET", "POST"])
@login_required
def security_status_edit(request: AuthenticatedHttpRequest, katottg: str, period_id: int) -> HttpResponse:
    """Correct a recorded period (a wrong date or status); the form carries the version it was read at."""
    hromada = _managed_hromada(request, katottg)
    period = get_object_or_404(selectors.security_history(hromada), pk=period_id)
    context: dict[str, Any] = {"nav": "hromadas", "hromada": hromada, "period": period, "conflict_rows": None}
    if request.method != "POST":
        context["form"] = SecurityStatusCorrectionForm(initial=_period_initial(period))
        return render(request, "registry/security_status_edit.html", context)

    form = SecurityStatusCorrectionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.security_status_correct(
                acting_user=request.user,
                period=period,
                expected_version=data["version"],
                status=data["status"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                source=data["source"],
                note=data["note"],
            )
        except EditConflict:
            # Someone saved in between: show what they saved next to what this person typed, keep the
            # typed values in the form, and let them save again on top of the version they now see.
            current = get_object_or_404(selectors.security_history(hromada), pk=period_id)
            post = request.POST.copy()
            post["version"] = str(current.version)
            retry = SecurityStatusCorrectionForm(post)
            retry.is_valid()
            context.update(period=current, form=retry, conflict_rows=_conflict_rows(current, form))
            return render(request, "registry/security_status_edit.html", context, status=409)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("The period of %(hromada)s from %(date)s was corrected.")
                % {"hromada": hromada.name_uk, "date": _date(saved.starts_on)},
            )
            return HttpResponseRedirect(hromada.get_absolute_url() + "#security-status")
    context["form"] = form
    return render(request, "registry/security_status_edit.html", context, status=400)


@require_http_methods(["GET", "POST"])
@login_required
def security_status_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload statuses for many hromadas at once; a file with any bad row is refused whole."""
    access.require(request.user, Action.MANAGE_SECURITY_STATUS)
    row_errors: list[tuple[int, str]] = []
    status = 200
    if request.method == "POST":
        form = SecurityStatusImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = services.security_status_import_csv(
                    acting_user=request.user, content=upload.read(), filename=upload.name
                )
            except ImportRejected as rejection:
                row_errors = sorted(rejection.row_errors)
            except ValidationError as error:
                _add_errors(form, error, default_field="file")
            else:
                messages.success(
                    request,
                    _(
                        "%(file)s was imported: %(created)s new status periods for %(hromadas)s hromadas; "
                        "%(unchanged)s rows were already recorded."
                    )
                    % {
                        "file": upload.name,
                        "created": result.created,
                        "hromadas": result.hromadas,
                        "unchanged": result.unchanged,
                    },
                )
                return HttpResponseRedirect(reverse("registry:security-status-import"))
        status = 400
    else:
        form = SecurityStatusImportForm()
    context = {
        "nav": "hromadas",
        "form": form,
        "row_errors": row_errors,
        "example": IMPORT_EXAMPLE,
        "statuses": SecurityStatus.choices,
        "required_columns": services.IMPORT_REQUIRED_COLUMNS,
        "optional_columns": services.IMPORT_OPTIONAL_COLUMNS,
    }
    return render(request, "registry/security_status_import.html", context, status=status)


# --- history -------------------------------------------------------------------------------------


@require_GET
@login_required
def hromada_history(request: AuthenticatedHttpRequest, katottg: str) -> HttpResponse:
    hromada = access.get_for_user(
        request.user,
        selectors.hromada_profiles(),
        Action.VIEW_PRIVATE,
        visible_with=Action.VIEW_PRIVATE,
        katottg=katottg,
    )
    base = reverse("registry:hromada-history", kwargs={"katottg": hromada.katottg})
    page = Paginator(history_for_hromada(hromada), HISTORY_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "nav": "hromadas",
        "hromada": hromada,
        "entries": page.object_list,
        "page_obj": page,
        "pages": _pagination(page, base, {}),
    }
    return render(request, "registry/hromada_history.html", context)


# --- partner municipalities ----------------------------------------------------------------------


@require_GET
def municipality_list(request: HttpRequest) -> HttpResponse:
    base = reverse("registry:municipality-list")
    form = MunicipalityFilterForm(request.GET)
    form.enable_live_update(base)
    params = form.query_params()
    queryset = selectors.municipality_list(form.value("q"), form.value("province"))
    page = Paginator(queryset, MUNICIPALITIES_PER_PAGE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "nav": "municipalities",
        "form": form,
        "page_obj": page,
        "pages": _pagination(page, base, params),
    }
    if _is_htmx(request):
        context["oob"] = True
        response = render(request, "registry/_partial_municipality_results.html", context)
        response["HX-Push-Url"] = _url(base, {**params, "page": page.number if page.number > 1 else ""})
    else:
        response = render(request, "registry/municipality_list.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def municipality_detail(request: HttpRequest, cbs_code: str) -> HttpResponse:
    municipality = access.get_for_user(request.user, selectors.municipalities(), cbs_code=cbs_code.upper())
    organisations = list(selectors.organisations_of_municipality(municipality))
    context = {
        "nav": "municipalities",
        "municipality": municipality,
        "organisations": organisations,
        # Programme staff may add the municipality as a partner organisation of their programmes
        # (those it does not take part in yet).
        "staff_programmes": [
            programme
            for programme in staff_programmes(request.user)
            if not any(programme in organisation.programmes.all() for organisation in organisations)
        ],
    }
    return render(request, "registry/municipality_detail.html", context)


# --- map -----------------------------------------------------------------------------------------


@require_GET
def hromada_map(request: HttpRequest) -> HttpResponse:
    """Every hromada as a dot at its administrative centre, coloured by today's security status."""
    form = MapFilterForm(request.GET)
    params = form.query_params()
    rows = selectors.map_rows(form.to_filter())
    names = {unit.iso_3166_2: unit.name_uk for unit in form.oblasts}
    focus = next((unit for unit in form.oblasts if unit.katottg == form.value("oblast")), None)
    labels = _status_labels()
    # Resolved once, not per dot: the URL and the two tooltip texts.
    placeholder = "UA00000000000000000"
    url_pattern = reverse("registry:hromada-detail", kwargs={"katottg": placeholder})
    participant_label = _("%(name)s: %(status)s; takes part in a programme")
    label = _("%(name)s: %(status)s")
    dots = [
        svg_map.Dot(
            latitude=row.latitude,
            longitude=row.longitude,
            url=url_pattern.replace(placeholder, row.katottg),
            label=(participant_label if row.in_programme else label)
            % {"name": row.name_uk, "status": labels.get(row.status, "")},
            status=row.status,
            participant=row.in_programme,
        )
        for row in rows
        if row.latitude is not None and row.longitude is not None
    ]
    svg = svg_map.render_map(
        dots,
        names=names,
        title=_("Map of hromadas by security status"),
        description=_(
            "Each dot is a hromada at its administrative centre, coloured by its security status today. "
            "Hromadas that take part in a programme have a dark ring. The same hromadas are listed on the "
            "hromada list page."
        ),
        focus_iso=focus.iso_3166_2 if focus else None,
    )
    context = {
        "nav": "map",
        "form": form,
        "svg": svg,
        "shown": len(dots),
        "without_position": len(rows) - len(dots),
        "focus": focus,
        "list_url": _url(reverse("registry:hromada-list"), params),
        "statuses": SecurityStatus.choices,
    }
    return render(request, "registry/hromada_map.html", context)


# --- settlement search ---------------------------------------------------------------------------


def _unit_json(unit: CodifierUnit) -> dict[str, Any]:
    hromada = unit.hromada
    return {
        "katottg": unit.katottg,
        "name_uk": unit.name_uk,
        "name_latin": unit.name_latin,
        "category": unit.category,
        "category_label": unit.get_category_display(),
        "hromada": {"katottg": hromada.katottg, "name_uk": hromada.name_uk} if hromada else None,
        "raion": hromada.raion.name_uk if hromada else None,
        "oblast": hromada.oblast.name_uk if hromada else None,
    }


@require_GET
def settlement_search(request: HttpRequest) -> HttpResponse:
    """The first 20 cities, settlements and villages whose name matches ``q``, for location pickers.

    ``hromada=<KATOTTG>`` limits the search to one hromada; ``category=P`` (repeatable) searches other
    codifier levels instead. htmx gets ``<option>`` elements for a ``<select>`` or ``<datalist>``;
    ``Accept: application/json`` gets ``{"results": [...]}``.
    """
    form = SettlementSearchForm(request.GET)
    units: list[CodifierUnit] = []
    if form.is_valid():
        units = selectors.settlement_search(
            form.cleaned_data["q"],
            hromada_katottg=form.cleaned_data["hromada"],
            categories=tuple(form.cleaned_data["category"]) or selectors.SETTLEMENT_CATEGORIES,
            limit=20,
        )
    if request.get_preferred_type(["text/html", "application/json"]) == "application/json":
        payload: dict[str, Any] = {"results": [_unit_json(unit) for unit in units]}
        if not form.is_valid():
            payload["errors"] = {field: [str(e) for e in errors] for field, errors in form.errors.items()}
        response: HttpResponse = JsonResponse(payload)
    else:
        response = render(
            request,
            "registry/_partial_settlement_options.html",
            {"units": units, "too_short": "q" in form.errors},
        )
    patch_vary_headers(response, ["Accept"])
    return response
