"""Matching pages: a programme's match runs with the form for a new run and the pair constraints
(locks and rule-outs), one run with its fairness view, suggestions explained in words (accept or
reject each) and unmatched hromadas with the reasons, and the status fragment htmx polls while a run
is queued or running.

Match runs are the programme staff's work: its partner experts read them (403 on every write),
everyone else gets 404 (hromada members included). Parse, call a selector or a service, render.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vidnova.accounts import access
from vidnova.accounts.access import Action
from vidnova.core.types import AuthenticatedHttpRequest
from vidnova.partnerships.forms.matching import ConstraintForm, DecisionForm, MatchRunForm
from vidnova.partnerships.matching.explain import ExplainContext, component_label, group_label
from vidnova.partnerships.models import (
    ConstraintKind,
    Decision,
    MatchRun,
    MatchSuggestion,
    OfferStatus,
    PairConstraint,
    RunStatus,
)
from vidnova.partnerships.selectors import matching as selectors
from vidnova.partnerships.selectors.common import partnership_programmes
from vidnova.partnerships.services import matching as services
from vidnova.programmes.models import Programme

POLL_SECONDS = 2
SUGGESTIONS_PER_PAGE = 100
SORTS = {
    "score": ("-score", "hromada__name_sort", "offer_id"),
    "hromada": ("hromada__name_sort", "-score", "offer_id"),
    "offer": ("offer__title", "-score", "hromada__name_sort"),
}


def _add_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else NON_FIELD_ERRORS, errors)
    else:
        form.add_error(NON_FIELD_ERRORS, error)


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _constraint_form(programme: Programme, data: Any = None) -> ConstraintForm:
    offers = (
        selectors.programme_offers(programme)
        .exclude(status=OfferStatus.WITHDRAWN)
        .order_by("organisation__name_uk", "title", "pk")
    )
    return ConstraintForm(data, hromadas=selectors.programme_hromada_choices(programme), offers=offers)


def _list_page(
    request: HttpRequest,
    programme: Programme,
    *,
    form: MatchRunForm | None = None,
    constraint_form: ConstraintForm | None = None,
    status: int = 200,
) -> HttpResponse:
    probe = MatchRun(programme=programme)
    can_edit = access.can(request.user, Action.EDIT, probe)
    if can_edit and form is None:
        form = MatchRunForm(programme=programme, initial=MatchRunForm.initial_from_query(request.GET))
    if can_edit and constraint_form is None:
        constraint_form = _constraint_form(programme)
    weight_fields = []
    if form is not None:
        weight_fields = [form[name] for name in MatchRunForm.WEIGHT_FIELDS]
    context = {
        "nav": "partnerships",
        "programme": programme,
        "partnership_programmes": partnership_programmes(request.user),
        "runs": selectors.runs_of(programme),
        "constraints": selectors.constraints_of(programme),
        "can_edit": can_edit,
        "form": form,
        "weight_fields": weight_fields,
        "constraint_form": constraint_form,
    }
    return render(request, "partnerships/matching_run_list.html", context, status=status)


def _programme(request: HttpRequest, slug: str, action: Action = Action.VIEW) -> Programme:
    """The programme, if the user may see its matching (404 otherwise; 403 without ``action``)."""
    programme = get_object_or_404(Programme, slug=slug)
    access.require(request.user, action, MatchRun(programme=programme))
    return programme


@require_http_methods(["GET", "POST"])
@login_required
def match_run_list(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    if request.method != "POST":
        return _list_page(request, _programme(request, slug))
    programme = _programme(request, slug, Action.EDIT)
    form = MatchRunForm(request.POST, programme=programme)
    if form.is_valid():
        try:
            run = services.match_run_create(acting_user=request.user, programme=programme, **form.run_data())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The match run was queued; its results appear on this page when it is done."))
            return HttpResponseRedirect(reverse("partnerships:match-run-detail", kwargs={"run_id": run.pk}))
    return _list_page(request, programme, form=form, status=400)


@require_POST
@login_required
def constraint_create(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    programme = get_object_or_404(Programme, slug=slug)
    access.require(request.user, Action.EDIT, PairConstraint(programme=programme))
    form = _constraint_form(programme, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.constraint_set(
                acting_user=request.user,
                programme=programme,
                hromada=data["hromada"],
                offer=data["offer"],
                kind=data["kind"],
                reason=data["reason"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if data["kind"] == ConstraintKind.LOCK:
                message = _("%(hromada)s is locked in with “%(offer)s” for later runs.")
            else:
                message = _("%(hromada)s and “%(offer)s” are ruled out for later runs.")
            messages.success(request, message % {"hromada": data["hromada"], "offer": data["offer"]})
            url = reverse("partnerships:match-run-list", kwargs={"slug": programme.slug})
            return HttpResponseRedirect(f"{url}#constraints")
    return _list_page(request, programme, constraint_form=form, status=400)


@require_POST
@login_required
def constraint_remove(request: AuthenticatedHttpRequest, constraint_id: int) -> HttpResponse:
    constraint = access.get_for_user(
        request.user,
        PairConstraint.objects.select_related("programme", "hromada", "offer"),
        Action.EDIT,
        pk=constraint_id,
    )
    programme = constraint.programme
    services.constraint_remove(acting_user=request.user, constraint=constraint)
    messages.success(
        request,
        _("The constraint on %(hromada)s and “%(offer)s” was removed.")
        % {"hromada": constraint.hromada, "offer": constraint.offer},
    )
    url = reverse("partnerships:match-run-list", kwargs={"slug": programme.slug})
    return HttpResponseRedirect(f"{url}#constraints")


# --- one run -------------------------------------------------------------------------------------


def _load_run(request: HttpRequest, run_id: int) -> MatchRun:
    return access.get_for_user(request.user, selectors.run_queryset(), Action.VIEW, pk=run_id)


def _rerun_query(run: MatchRun) -> str:
    query: dict[str, Any] = {
        "theme": run.weight_theme,
        "mode": run.weight_mode,
        "language": run.weight_language,
        "ties": run.weight_ties,
        "size": run.weight_size,
        "fairness": run.fairness_weight,
    }
    if run.phase_id:
        query["phase"] = run.phase_id
    return urlencode(query)


def _suggestion_item(
    suggestion: MatchSuggestion,
    context: ExplainContext,
    *,
    can_edit: bool,
    form: DecisionForm | None = None,
    problems: list[str] | None = None,
    notice: str = "",
) -> dict[str, Any]:
    try:
        partnership = suggestion.partnership
    except MatchSuggestion.partnership.RelatedObjectDoesNotExist:
        partnership = None
    return {
        "suggestion": suggestion,
        "summary": selectors.explained_summary(suggestion, context),
        "components": selectors.explained_components(suggestion, context),
        "partnership": partnership,
        "can_decide": can_edit and suggestion.decision == Decision.PENDING and suggestion.run.status == RunStatus.DONE,
        "form": form or DecisionForm(prefix=f"s{suggestion.pk}"),
        "problems": problems or [],
        "notice": notice,
    }


def _fairness_view(run: MatchRun) -> list[dict[str, Any]]:
    titles = {"type": _("By type of hromada"), "population": _("By population")}
    tables = []
    for table in selectors.fairness_tables(run.summary or {}):
        tables.append(
            {
                "dimension": table.dimension,
                "title": titles.get(table.dimension, table.dimension),
                "table": table,
                "rows": [{"row": row, "label": group_label(table.dimension, row.group)} for row in table.rows],
            }
        )
    return tables


def _detail_page(
    request: HttpRequest,
    run: MatchRun,
    *,
    status: int = 200,
    failed_item: tuple[int, DecisionForm, list[str]] | None = None,
) -> HttpResponse:
    can_edit = access.can(request.user, Action.EDIT, run)
    context_names = selectors.explain_context(run)
    decision = request.GET.get("decision", "")
    if decision not in Decision.values:
        decision = ""
    sort = request.GET.get("sort", "score")
    if sort not in SORTS:
        sort = "score"
    suggestions = selectors.suggestions_of(run, decision).order_by(*SORTS[sort])
    page = Paginator(suggestions, SUGGESTIONS_PER_PAGE).get_page(request.GET.get("page"))
    items = []
    for suggestion in page.object_list:
        if failed_item is not None and failed_item[0] == suggestion.pk:
            items.append(
                _suggestion_item(
                    suggestion, context_names, can_edit=can_edit, form=failed_item[1], problems=failed_item[2]
                )
            )
        else:
            items.append(_suggestion_item(suggestion, context_names, can_edit=can_edit))
    unmatched = [
        {"unmatched": row, "reasons": selectors.explained_reasons(row, context_names)}
        for row in selectors.unmatched_of(run)
    ]
    summary = run.summary or {}
    weights = [
        (component_label("theme"), run.weight_theme),
        (component_label("mode"), run.weight_mode),
        (component_label("language"), run.weight_language),
        (component_label("ties"), run.weight_ties),
        (component_label("size"), run.weight_size),
        (component_label("fairness"), run.fairness_weight),
    ]
    context = {
        "nav": "partnerships",
        "programme": run.programme,
        "partnership_programmes": partnership_programmes(request.user),
        "run": run,
        "summary": summary,
        "weights": weights,
        "is_pending": run.status in {RunStatus.QUEUED, RunStatus.RUNNING},
        "poll_seconds": POLL_SECONDS,
        "can_edit": can_edit,
        "fairness": _fairness_view(run),
        "fairness_cost": selectors.fairness_cost(summary),
        "items": items,
        "unmatched": unmatched,
        "problems": selectors.explained_problems(run, context_names),
        "unexpected_failure": run.status == RunStatus.FAILED and summary.get("error") == "unexpected",
        "decision": decision,
        "decisions": [(value, label) for value, label in Decision.choices],
        "decision_counts": selectors.decision_counts(run),
        "sort": sort,
        "page": page,
        "decision_problems": failed_item[2] if failed_item is not None else [],
        "query_prefix": urlencode({key: value for key, value in (("decision", decision), ("sort", sort)) if value})
        + "&",
        "rerun_query": _rerun_query(run),
        "ignored_constraints": (run.inputs or {}).get("ignored_constraints", []),
        "inputs": run.inputs or {},
    }
    return render(request, "partnerships/matching_run_detail.html", context, status=status)


@require_GET
@login_required
def match_run_detail(request: AuthenticatedHttpRequest, run_id: int) -> HttpResponse:
    return _detail_page(request, _load_run(request, run_id))


@require_GET
@login_required
def match_run_status(request: AuthenticatedHttpRequest, run_id: int) -> HttpResponse:
    """The status fragment htmx polls while a run is queued or running; once it is done or failed,
    htmx reloads the page to show the results."""
    run = _load_run(request, run_id)
    response = render(request, "partnerships/matching_status.html", {"run": run, "poll_seconds": POLL_SECONDS})
    response["Cache-Control"] = "no-store"
    if _is_htmx(request) and run.status not in {RunStatus.QUEUED, RunStatus.RUNNING}:
        response["HX-Refresh"] = "true"
    return response


def _load_suggestion(request: HttpRequest, suggestion_id: int) -> MatchSuggestion:
    return access.get_for_user(request.user, selectors.suggestion_queryset(), Action.EDIT, pk=suggestion_id)


def _row_response(request: HttpRequest, suggestion: MatchSuggestion, **kwargs: Any) -> HttpResponse:
    """The suggestion's table row (htmx swaps it in place)."""
    suggestion = selectors.suggestion_queryset().get(pk=suggestion.pk)
    item = _suggestion_item(suggestion, selectors.explain_context(suggestion.run), can_edit=True, **kwargs)
    return render(request, "partnerships/matching_suggestion_row.html", {"item": item, "run": suggestion.run})


def _decided(request: HttpRequest, suggestion: MatchSuggestion, message: str) -> HttpResponse:
    if _is_htmx(request):
        return _row_response(request, suggestion, notice=message)
    messages.success(request, message)
    url = reverse("partnerships:match-run-detail", kwargs={"run_id": suggestion.run_id})
    return HttpResponseRedirect(f"{url}#suggestion-{suggestion.pk}")


def _refused(
    request: HttpRequest, suggestion: MatchSuggestion, form: DecisionForm, error: ValidationError
) -> HttpResponse:
    problems = list(error.messages)
    if _is_htmx(request):
        # htmx swaps only successful responses: the row comes back with the reason shown in it.
        return _row_response(request, suggestion, form=form, problems=problems)
    return _detail_page(request, suggestion.run, status=400, failed_item=(suggestion.pk, form, problems))


@require_POST
@login_required
def suggestion_accept(request: AuthenticatedHttpRequest, suggestion_id: int) -> HttpResponse:
    suggestion = _load_suggestion(request, suggestion_id)
    form = DecisionForm(request.POST, prefix=f"s{suggestion.pk}")
    if not form.is_valid():
        return _refused(
            request, suggestion, form, ValidationError(list(form.errors.get("note", [])) or [_("Check the note.")])
        )
    try:
        partnership = services.suggestion_accept(
            acting_user=request.user, suggestion=suggestion, note=form.cleaned_data["note"]
        )
    except ValidationError as error:
        return _refused(request, suggestion, form, error)
    return _decided(
        request,
        suggestion,
        _("Accepted: the partnership “%(title)s” was created (proposed).") % {"title": partnership.title},
    )


@require_POST
@login_required
def suggestion_reject(request: AuthenticatedHttpRequest, suggestion_id: int) -> HttpResponse:
    suggestion = _load_suggestion(request, suggestion_id)
    form = DecisionForm(request.POST, prefix=f"s{suggestion.pk}")
    if not form.is_valid():
        return _refused(
            request, suggestion, form, ValidationError(list(form.errors.get("note", [])) or [_("Check the note.")])
        )
    note = form.cleaned_data["note"]
    try:
        with transaction.atomic():
            services.suggestion_reject(acting_user=request.user, suggestion=suggestion, note=note)
            if form.cleaned_data["rule_out"]:
                services.constraint_set(
                    acting_user=request.user,
                    programme=suggestion.run.programme,
                    hromada=suggestion.hromada,
                    offer=suggestion.offer,
                    kind=ConstraintKind.RULE_OUT,
                    reason=note or _("Rejected in match run %(run)s.") % {"run": suggestion.run},
                )
    except ValidationError as error:
        return _refused(request, suggestion, form, error)
    if form.cleaned_data["rule_out"]:
        message = _("Rejected; later runs will not suggest this pair.")
    else:
        message = _("Rejected. Later runs may suggest this pair again.")
    return _decided(request, suggestion, message)


urlpatterns: list[URLPattern] = [
    path("programmes/<slug:slug>/matching/", match_run_list, name="match-run-list"),
    path("programmes/<slug:slug>/matching/constraints/", constraint_create, name="constraint-create"),
    path("constraints/<int:constraint_id>/remove/", constraint_remove, name="constraint-remove"),
    path("matching/<int:run_id>/", match_run_detail, name="match-run-detail"),
    path("matching/<int:run_id>/status/", match_run_status, name="match-run-status"),
    path("suggestions/<int:suggestion_id>/accept/", suggestion_accept, name="suggestion-accept"),
    path("suggestions/<int:suggestion_id>/reject/", suggestion_reject, name="suggestion-reject"),
]
