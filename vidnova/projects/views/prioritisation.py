"""Prioritisation pages: a programme's rounds with the create form, and one round with its gates,
criteria (editable in draft, then locked), projects, scorers and their declarations, the scorer's
own scoring form, the ranking with an explanation per project, the what-if form (GET weights, the
round does not change) and the CSV export.

Rounds are internal: the programme's staff run them; its partner experts see them and score when
named; everyone else gets 404. Staff see the ranking at any time, partner experts once the round is
closed (so scorers are not swayed by the others' scores). Parse, call a selector or a service,
render.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vidnova.accounts import access
from vidnova.accounts.access import Action
from vidnova.core.exceptions import EditConflict
from vidnova.core.types import AuthenticatedHttpRequest
from vidnova.programmes.models import Programme
from vidnova.projects.forms.prioritisation import (
    ConflictForm,
    CriterionFormSet,
    ProjectScoreForm,
    ProjectsForm,
    RoundForm,
    ScorerAddForm,
    criterion_initial,
)
from vidnova.projects.models import PrioritisationRound, PrioritisationStatus
from vidnova.projects.selectors import prioritisation as selectors
from vidnova.projects.services import prioritisation as services


def _add_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else NON_FIELD_ERRORS, errors)
    else:
        form.add_error(NON_FIELD_ERRORS, error)


def _load(request: HttpRequest, pk: int, action: Action = Action.VIEW) -> PrioritisationRound:
    """The round: 404 unless the user is the programme's staff or partner expert; 403 without ``action``."""
    return access.get_for_user(request.user, selectors.round_queryset(), action, pk=pk)


def _detail_url(round_: PrioritisationRound, anchor: str = "") -> str:
    url = reverse("projects:prioritisation-detail", kwargs={"pk": round_.pk})
    return url + (f"#{anchor}" if anchor else "")


def _may_see_ranking(request: HttpRequest, round_: PrioritisationRound) -> bool:
    return access.can(request.user, Action.EDIT, round_) or round_.status == PrioritisationStatus.CLOSED


# --- the rounds of a programme -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def prioritisation_list(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    programme = get_object_or_404(Programme, slug=slug)
    probe = PrioritisationRound(programme=programme)
    access.require(request.user, Action.VIEW, probe)
    can_create = access.can(request.user, Action.EDIT, probe)
    status = 200
    form = RoundForm() if can_create else None
    if request.method == "POST":
        access.require(request.user, Action.EDIT, probe)
        form = RoundForm(request.POST)
        if form.is_valid():
            try:
                round_ = services.round_create(acting_user=request.user, programme=programme, **form.round_data())
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("The round was created. Now set its criteria, weights and projects."))
                return HttpResponseRedirect(_detail_url(round_, "criteria"))
        status = 400
    context = {
        "nav": "projects",
        "programme": programme,
        "rounds": selectors.rounds_of(programme),
        "form": form,
    }
    return render(request, "projects/prioritisation_list.html", context, status=status)


# --- one round -----------------------------------------------------------------------------------


def _render_detail(
    request: HttpRequest,
    round_: PrioritisationRound,
    *,
    status: int = 200,
    round_form: RoundForm | None = None,
    criteria_formset: Any = None,
    projects_form: ProjectsForm | None = None,
    scorer_form: ScorerAddForm | None = None,
    conflict_form: ConflictForm | None = None,
    score_form: tuple[int, ProjectScoreForm] | None = None,
    problems: list[str] | None = None,
) -> HttpResponse:
    can_edit = access.can(request.user, Action.EDIT, round_)
    is_draft = round_.status == PrioritisationStatus.DRAFT
    is_published = round_.status == PrioritisationStatus.PUBLISHED
    criteria = list(round_.criteria.all())
    weight_sum = sum((c.weight for c in criteria), 0)
    criteria_rows = [{"criterion": c, "share": (c.weight / weight_sum * 100) if weight_sum else None} for c in criteria]
    projects = list(selectors.round_projects(round_))
    scorers = selectors.scorers_of(round_)
    context: dict[str, Any] = {
        "nav": "projects",
        "round": round_,
        "programme": round_.programme,
        "can_edit": can_edit,
        "is_draft": is_draft,
        "is_published": is_published,
        "criteria_rows": criteria_rows,
        "projects": projects,
        "scorers": scorers,
        "problems": problems or [],
    }
    if can_edit and is_draft:
        context["round_form"] = round_form or RoundForm(initial=RoundForm.initial_for(round_))
        context["criteria_formset"] = criteria_formset or CriterionFormSet(
            prefix="criteria", initial=[criterion_initial(c) for c in criteria]
        )
    if can_edit and is_draft:
        context["projects_form"] = projects_form or ProjectsForm(
            projects=services.programme_projects(round_.programme).select_related("hromada").order_by("code"),
            initial={"projects": [p.pk for p in projects]},
        )
    if can_edit and round_.status != PrioritisationStatus.CLOSED:
        possible = selectors.possible_scorers(round_)
        context["scorer_form"] = scorer_form or ScorerAddForm(users=possible)
        context["has_possible_scorers"] = possible.exists()
    # The user's own part as a scorer.
    scorer = selectors.scorer_for(round_, request.user)
    context["scorer"] = scorer
    if scorer is not None:
        own = selectors.own_scores(scorer)
        has_scores = bool(own)
        context["scorer_has_scores"] = has_scores
        if round_.status != PrioritisationStatus.CLOSED and not has_scores:
            context["conflict_form"] = conflict_form or ConflictForm(
                projects=round_.projects.select_related("hromada").order_by("code"),
                initial={
                    "conflicts": [p.pk for p in scorer.conflicts.all()],
                    "conflict_note": scorer.conflict_note,
                },
            )
        if is_published and scorer.declared_at is not None:
            conflicted = {p.pk for p in scorer.conflicts.all()}
            score_rows = []
            for project in projects:
                if project.pk in conflicted:
                    score_rows.append({"project": project, "conflict": True, "form": None})
                    continue
                if score_form is not None and score_form[0] == project.pk:
                    form = score_form[1]
                else:
                    form = ProjectScoreForm(
                        prefix=f"p{project.pk}",
                        criteria=criteria,
                        existing={cid: s for (pid, cid), s in own.items() if pid == project.pk},
                    )
                done = sum(1 for c in criteria if (project.pk, c.pk) in own)
                score_rows.append({"project": project, "conflict": False, "form": form, "done": done})
            context["score_rows"] = score_rows
            context["criteria_count"] = len(criteria)
    # Ranking and what-if.
    if criteria and _may_see_ranking(request, round_):
        context["ranking"] = selectors.ranking(round_)
        what_if_given = any(key.startswith("w_") for key in request.GET)
        context["what_if_errors"] = {}
        if what_if_given:
            try:
                weights = selectors.parse_weights(criteria, request.GET)
            except ValidationError as error:
                context["what_if_errors"] = error.message_dict
                status = 400 if status == 200 else status
            else:
                context["what_if"] = selectors.ranking(round_, weights)
        context["what_if_fields"] = [
            {
                "criterion": c,
                "name": f"w_{c.code}",
                "value": request.GET.get(f"w_{c.code}", c.weight),
                "errors": context["what_if_errors"].get(f"w_{c.code}", []),
            }
            for c in criteria
        ]
    return render(request, "projects/prioritisation_detail.html", context, status=status)


@require_GET
@login_required
def prioritisation_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _load(request, pk))


def _problems(error: ValidationError) -> list[str]:
    return list(error.messages)


@require_POST
@login_required
def prioritisation_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = _load(request, pk, Action.EDIT)
    form = RoundForm(request.POST)
    version = request.POST.get("version", "")
    if not form.is_valid() or not version.isdigit():
        if not version.isdigit():
            form.add_error(None, _("The form is missing the version of the round; reload the page."))
        return _render_detail(request, round_, round_form=form, status=400)
    try:
        services.round_update(
            acting_user=request.user, round_=round_, expected_version=int(version), **form.round_data()
        )
    except EditConflict:
        messages.error(
            request,
            _("Someone else changed this round since you opened it. Nothing was saved; the current values are shown."),
        )
        return _render_detail(request, _load(request, pk, Action.EDIT), status=409)
    except ValidationError as error:
        _add_errors(form, error)
        return _render_detail(request, round_, round_form=form, status=400)
    messages.success(request, _("The round was saved."))
    return HttpResponseRedirect(_detail_url(round_, "gates"))


@require_POST
@login_required
def prioritisation_criteria(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = _load(request, pk, Action.EDIT)
    formset: Any = CriterionFormSet(request.POST, prefix="criteria")
    if not formset.is_valid():
        return _render_detail(request, round_, criteria_formset=formset, status=400)
    try:
        services.criteria_set(acting_user=request.user, round_=round_, criteria=formset.specs())
    except ValidationError as error:
        return _render_detail(request, round_, criteria_formset=formset, problems=_problems(error), status=400)
    messages.success(request, _("The criteria and weights were saved."))
    return HttpResponseRedirect(_detail_url(round_, "criteria"))


@require_POST
@login_required
def prioritisation_projects(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = _load(request, pk, Action.EDIT)
    form = ProjectsForm(request.POST, projects=services.programme_projects(round_.programme).select_related("hromada"))
    if not form.is_valid():
        return _render_detail(request, round_, projects_form=form, status=400)
    try:
        services.projects_set(acting_user=request.user, round_=round_, projects=list(form.cleaned_data["projects"]))
    except ValidationError as error:
        _add_errors(form, error)
        return _render_detail(request, round_, projects_form=form, status=400)
    messages.success(request, _("The projects of the round were saved."))
    return HttpResponseRedirect(_detail_url(round_, "projects"))


@require_POST
@login_required
def prioritisation_publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = _load(request, pk, Action.EDIT)
    try:
        services.round_publish(acting_user=request.user, round_=round_)
    except ValidationError as error:
        return _render_detail(request, round_, problems=_problems(error), status=400)
    messages.success(request, _("The criteria and weights are published and locked; scoring can start."))
    return HttpResponseRedirect(_detail_url(round_, "criteria"))


@require_POST
@login_required
def prioritisation_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = _load(request, pk, Action.EDIT)
    try:
        services.round_close(acting_user=request.user, round_=round_)
    except ValidationError as error:
        return _render_detail(request, round_, problems=_problems(error), status=400)
    messages.success(request, _("The round is closed."))
    return HttpResponseRedirect(_detail_url(round_, "ranking"))


@require_POST
@login_required
def prioritisation_scorer_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = _load(request, pk, Action.EDIT)
    form = ScorerAddForm(request.POST, users=selectors.possible_scorers(round_))
    if form.is_valid():
        try:
            services.scorer_add(acting_user=request.user, round_=round_, user=form.cleaned_data["user"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("%(user)s was added as a scorer.") % {"user": form.cleaned_data["user"]})
            return HttpResponseRedirect(_detail_url(round_, "scorers"))
    return _render_detail(request, round_, scorer_form=form, status=400)


@require_POST
@login_required
def prioritisation_conflicts(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = _load(request, pk)
    scorer = selectors.scorer_for(round_, request.user)
    if scorer is None:
        raise PermissionDenied  # only the round's scorers declare
    form = ConflictForm(request.POST, projects=round_.projects.all())
    if form.is_valid():
        try:
            services.conflict_declare(
                acting_user=request.user,
                scorer=scorer,
                projects=list(form.cleaned_data["conflicts"]),
                note=form.cleaned_data["conflict_note"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Your declaration of conflicts of interest was saved."))
            return HttpResponseRedirect(_detail_url(round_, "my-scores"))
    return _render_detail(request, round_, conflict_form=form, status=400)


@require_POST
@login_required
def prioritisation_score(request: AuthenticatedHttpRequest, pk: int, project: int) -> HttpResponse:
    round_ = _load(request, pk)
    scorer = selectors.scorer_for(round_, request.user)
    if scorer is None:
        raise PermissionDenied  # only the round's scorers give scores
    item = get_object_or_404(round_.projects.all(), pk=project)
    criteria = list(round_.criteria.all())
    form = ProjectScoreForm(request.POST, prefix=f"p{item.pk}", criteria=criteria)
    if form.is_valid():
        scores = form.scores()
        if not scores:
            form.add_error(None, _("Give at least one score with its justification."))
        else:
            try:
                services.scores_set(acting_user=request.user, scorer=scorer, project=item, scores=scores)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Your scores of %(project)s were saved.") % {"project": item.code})
                return HttpResponseRedirect(_detail_url(round_, f"score-{item.pk}"))
    return _render_detail(request, round_, score_form=(item.pk, form), status=400)


@require_GET
@login_required
def prioritisation_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The ranking as CSV (with ``w_<code>`` parameters: the what-if ranking)."""
    round_ = _load(request, pk)
    if not _may_see_ranking(request, round_):
        raise PermissionDenied  # partner experts see the ranking once the round is closed
    weights = None
    if any(key.startswith("w_") for key in request.GET):
        try:
            weights = selectors.parse_weights(round_.criteria.all(), request.GET)
        except ValidationError as error:
            return HttpResponse("\n".join(error.messages), status=400, content_type="text/plain; charset=utf-8")
    header, rows = selectors.export_rows(selectors.ranking(round_, weights))
    buffer = io.StringIO()
    buffer.write("\ufeff")  # so spreadsheet programs read UTF-8
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    suffix = "-what-if" if weights is not None else ""
    response["Content-Disposition"] = f'attachment; filename="prioritisation-{round_.pk}-ranking{suffix}.csv"'
    return response


urlpatterns: list[URLPattern] = [
    path("programmes/<slug:slug>/prioritisation/", prioritisation_list, name="prioritisation-list"),
    path("prioritisation/<int:pk>/", prioritisation_detail, name="prioritisation-detail"),
    path("prioritisation/<int:pk>/edit/", prioritisation_edit, name="prioritisation-edit"),
    path("prioritisation/<int:pk>/criteria/", prioritisation_criteria, name="prioritisation-criteria"),
    path("prioritisation/<int:pk>/projects/", prioritisation_projects, name="prioritisation-projects"),
    path("prioritisation/<int:pk>/publish/", prioritisation_publish, name="prioritisation-publish"),
    path("prioritisation/<int:pk>/close/", prioritisation_close, name="prioritisation-close"),
    path("prioritisation/<int:pk>/scorers/", prioritisation_scorer_add, name="prioritisation-scorers"),
    path("prioritisation/<int:pk>/conflicts/", prioritisation_conflicts, name="prioritisation-conflicts"),
    path("prioritisation/<int:pk>/scores/<int:project>/", prioritisation_score, name="prioritisation-score"),
    path("prioritisation/<int:pk>/export/", prioritisation_export, name="prioritisation-export"),
]
