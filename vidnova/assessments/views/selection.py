"""Selection call pages (programme staff only; everyone else 404): the calls of a programme with the
create form, and one call with its gates, criteria and weights, manual scores, the ranking with an
explanation per hromada, decisions, the final decision and the export (XLSX, CSV)."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vidnova.accounts import access
from vidnova.accounts.access import Action
from vidnova.assessments.forms.selection import (
    CandidateDecisionForm,
    CriterionFormSet,
    ManualScoreForm,
    SelectionCallForm,
    criterion_initial,
)
from vidnova.assessments.models import Candidate, CriterionKind, SelectionCall, SelectionStatus
from vidnova.assessments.selectors import selection as selectors
from vidnova.assessments.services import selection as services
from vidnova.core.exceptions import EditConflict
from vidnova.core.types import AuthenticatedHttpRequest
from vidnova.core.uploads import XLSX
from vidnova.programmes.models import Programme
from vidnova.registry.models import Hromada


def _add_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(NON_FIELD_ERRORS, error)


def _load(request: HttpRequest, pk: int) -> SelectionCall:
    """The call, or 404 for everyone but the programme's staff."""
    return access.get_for_user(request.user, selectors.call_queryset(), Action.EDIT, pk=pk)


def _detail_url(call: SelectionCall, anchor: str = "") -> str:
    return reverse("assessments:selection-detail", kwargs={"pk": call.pk}) + (f"#{anchor}" if anchor else "")


# --- the calls of a programme --------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def selection_list(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    programme = get_object_or_404(Programme, slug=slug)
    access.require(request.user, Action.EDIT, SelectionCall(programme=programme))
    rounds = selectors.rounds_of(programme)
    status = 200
    if request.method == "POST":
        form = SelectionCallForm(request.POST, rounds=rounds)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                call = services.selection_create(
                    acting_user=request.user, programme=programme, round_=data.pop("round"), **data
                )
            except ValidationError as error:
                _add_errors(form, error)
                status = 400
            else:
                messages.success(request, _("The selection call was created. Now set its criteria and weights."))
                return HttpResponseRedirect(_detail_url(call, "criteria"))
        else:
            status = 400
    else:
        form = SelectionCallForm(rounds=rounds, initial={"security_date": timezone.localdate()})
    context = {
        "nav": "assessments",
        "programme": programme,
        "calls": selectors.calls_of(programme),
        "form": form,
        "has_rounds": rounds.exists(),
    }
    return render(request, "assessments/selection_list.html", context, status=status)


# --- one call ------------------------------------------------------------------------------------


def _manual_querysets(call: SelectionCall) -> tuple[QuerySet[Any], QuerySet[Hromada]]:
    return (
        call.criteria.filter(kind=CriterionKind.MANUAL),
        Hromada.objects.filter(assessments__round=call.round).order_by("name_sort", "katottg"),
    )


def _render_detail(
    request: HttpRequest,
    call: SelectionCall,
    *,
    status: int = 200,
    call_form: SelectionCallForm | None = None,
    criteria_formset: Any = None,
    manual_form: ManualScoreForm | None = None,
    decision_errors: dict[int, CandidateDecisionForm] | None = None,
    problems: list[str] | None = None,
) -> HttpResponse:
    criteria = list(call.criteria.all())
    weight_sum = sum((c.weight for c in criteria), 0)
    criteria_rows = [{"criterion": c, "share": (c.weight / weight_sum * 100) if weight_sum else None} for c in criteria]
    is_draft = call.status == SelectionStatus.DRAFT
    is_locked = call.status == SelectionStatus.LOCKED
    questions = services.select_one_questions(call.round)
    if is_draft:
        if call_form is None:
            call_form = SelectionCallForm(
                with_round=False,
                initial={
                    **{name: getattr(call, name) for name in services.CALL_FIELDS},
                    "oblasts": list(call.oblasts.all()),
                },
            )
        if criteria_formset is None:
            criteria_formset = CriterionFormSet(
                prefix="criteria",
                initial=[criterion_initial(c) for c in criteria],
                form_kwargs={"questions": questions},
            )
    manual_criteria, manual_rows = selectors.manual_grid(call)
    if manual_form is None and manual_criteria and call.status != SelectionStatus.DECIDED:
        criteria_qs, hromadas_qs = _manual_querysets(call)
        manual_form = ManualScoreForm(criteria=criteria_qs, hromadas=hromadas_qs)
    ranking = selectors.ranking(call) if call.ranked_at else None
    decision_forms: dict[int, CandidateDecisionForm] = {}
    if ranking is not None and is_locked:
        for row in ranking.rows:
            candidate = row.candidate
            bound = (decision_errors or {}).get(candidate.pk)
            decision_forms[candidate.pk] = bound or CandidateDecisionForm(
                prefix=f"c{candidate.pk}",
                initial={"decision": candidate.decision, "justification": candidate.justification},
            )
        for row in ranking.rows:
            row.decision_form = decision_forms[row.candidate.pk]  # type: ignore[attr-defined]
    context = {
        "nav": "assessments",
        "call": call,
        "programme": call.programme,
        "is_draft": is_draft,
        "is_locked": is_locked,
        "criteria_rows": criteria_rows,
        "call_form": call_form,
        "criteria_formset": criteria_formset,
        "manual_criteria": manual_criteria,
        "manual_rows": manual_rows,
        "manual_form": manual_form,
        "ranking": ranking,
        "decide_problems": services.decide_problems(call) if is_locked and call.ranked_at else [],
        "problems": problems or [],
        "oblasts": list(call.oblasts.all()),
    }
    return render(request, "assessments/selection_detail.html", context, status=status)


@require_GET
@login_required
def selection_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _load(request, pk))


def _conflict(request: HttpRequest, call: SelectionCall) -> HttpResponse:
    messages.error(
        request,
        _("Someone else changed this call since you opened it. Nothing was saved; the current values are shown."),
    )
    return _render_detail(request, _load(request, call.pk), status=409)


@require_POST
@login_required
def selection_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    call = _load(request, pk)
    form = SelectionCallForm(request.POST, with_round=False)
    version_text = request.POST.get("version", "")
    if not form.is_valid() or not version_text.isdigit():
        if not version_text.isdigit():
            form.add_error(None, _("The form is missing the version of the call; reload the page."))
        return _render_detail(request, call, call_form=form, status=400)
    data = dict(form.cleaned_data)
    oblasts = data.pop("oblasts")
    try:
        services.selection_update(
            acting_user=request.user, call=call, expected_version=int(version_text), oblasts=oblasts, **data
        )
    except EditConflict:
        return _conflict(request, call)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            _add_errors(form, error)
            return _render_detail(request, call, call_form=form, status=400)
        return _render_detail(request, call, problems=error.messages, status=400)
    messages.success(request, _("The call's gates were saved."))
    return HttpResponseRedirect(_detail_url(call, "gates"))


@require_POST
@login_required
def selection_criteria(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    call = _load(request, pk)
    formset: Any = CriterionFormSet(
        request.POST, prefix="criteria", form_kwargs={"questions": services.select_one_questions(call.round)}
    )
    if not formset.is_valid():
        return _render_detail(request, call, criteria_formset=formset, status=400)
    try:
        services.criteria_set(acting_user=request.user, call=call, criteria=formset.specs())
    except ValidationError as error:
        return _render_detail(request, call, criteria_formset=formset, problems=error.messages, status=400)
    messages.success(request, _("The criteria and weights were saved."))
    return HttpResponseRedirect(_detail_url(call, "criteria"))


@require_POST
@login_required
def selection_lock(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    call = _load(request, pk)
    try:
        services.selection_lock(acting_user=request.user, call=call)
    except ValidationError as error:
        return _render_detail(request, call, problems=error.messages, status=400)
    messages.success(request, _("The criteria and weights are locked; the lock is in the audit log."))
    return HttpResponseRedirect(_detail_url(call, "criteria"))


@require_POST
@login_required
def selection_score(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    call = _load(request, pk)
    criteria_qs, hromadas_qs = _manual_querysets(call)
    form = ManualScoreForm(request.POST, criteria=criteria_qs, hromadas=hromadas_qs)
    if not form.is_valid():
        return _render_detail(request, call, manual_form=form, status=400)
    try:
        services.manual_score_set(
            acting_user=request.user,
            criterion=form.cleaned_data["criterion"],
            hromada=form.cleaned_data["hromada"],
            value=form.cleaned_data["value"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        _add_errors(form, error)
        return _render_detail(request, call, manual_form=form, status=400)
    messages.success(
        request,
        _("The score of %(hromada)s was saved. Rank again to use it.") % {"hromada": form.cleaned_data["hromada"]},
    )
    return HttpResponseRedirect(_detail_url(call, "manual"))


@require_POST
@login_required
def selection_rank(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    call = _load(request, pk)
    try:
        services.selection_rank(acting_user=request.user, call=call)
    except ValidationError as error:
        return _render_detail(request, call, problems=error.messages, status=400)
    messages.success(request, _("The ranking was computed."))
    return HttpResponseRedirect(_detail_url(call, "ranking"))


@require_POST
@login_required
def selection_candidate_decide(request: AuthenticatedHttpRequest, pk: int, candidate: int) -> HttpResponse:
    call = _load(request, pk)
    item = get_object_or_404(Candidate.objects.select_related("hromada"), pk=candidate, call=call)
    form = CandidateDecisionForm(request.POST, prefix=f"c{item.pk}")
    if form.is_valid():
        try:
            services.candidate_decide(
                acting_user=request.user,
                candidate=item,
                decision=form.cleaned_data["decision"],
                justification=form.cleaned_data["justification"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The decision on %(hromada)s was saved.") % {"hromada": item.hromada})
            return HttpResponseRedirect(_detail_url(call, f"candidate-{item.pk}"))
    return _render_detail(request, call, decision_errors={item.pk: form}, status=400)


@require_POST
@login_required
def selection_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    call = _load(request, pk)
    try:
        services.selection_decide(acting_user=request.user, call=call)
    except ValidationError as error:
        return _render_detail(request, call, problems=error.messages, status=400)
    messages.success(request, _("The call is decided."))
    return HttpResponseRedirect(_detail_url(call))


@require_GET
@login_required
def selection_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    call = _load(request, pk)
    header, rows = selectors.export_rows(call)
    filename = f"selection-{call.pk}-ranking"
    if request.GET.get("format") == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")  # so spreadsheet programs read UTF-8
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows(rows)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    response = HttpResponse(_xlsx(call, header, rows), content_type=XLSX.content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def _xlsx(call: SelectionCall, header: list[str], rows: list[list[Any]]) -> bytes:
    import openpyxl  # type: ignore[import-untyped]

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Ranking")[:31])
    sheet.append([str(call)])
    sheet.append([])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


urlpatterns: list[URLPattern] = [
    path("programmes/<slug:slug>/selection/", selection_list, name="selection-list"),
    path("selection/<int:pk>/", selection_detail, name="selection-detail"),
    path("selection/<int:pk>/edit/", selection_edit, name="selection-edit"),
    path("selection/<int:pk>/criteria/", selection_criteria, name="selection-criteria"),
    path("selection/<int:pk>/lock/", selection_lock, name="selection-lock"),
    path("selection/<int:pk>/scores/", selection_score, name="selection-score"),
    path("selection/<int:pk>/rank/", selection_rank, name="selection-rank"),
    path(
        "selection/<int:pk>/candidates/<int:candidate>/decision/",
        selection_candidate_decide,
        name="selection-candidate-decide",
    ),
    path("selection/<int:pk>/decide/", selection_decide, name="selection-decide"),
    path("selection/<int:pk>/export/", selection_export, name="selection-export"),
]
