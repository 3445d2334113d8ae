"""The workflow page of a plan: where it stands, the steps it can take next (and why not yet), the
participation periods, the principles checklist, adoption, registration, amendments, versions and
the history of its stages; and the download of a signed act.

Every form posts to its own address and comes back to the page: on success with a message, on a
refused step with the reasons next to the form (400), on someone else's change with a conflict
message (409). Access is decided by vidnova.accounts.access: the page is private (outsiders 404),
writes need EDIT (hromada viewers and partner experts 403).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from vidnova.accounts import access
from vidnova.accounts.access import Action
from vidnova.core import uploads
from vidnova.core.exceptions import EditConflict
from vidnova.core.types import AuthenticatedHttpRequest
from vidnova.plans import catalogue
from vidnova.plans.forms.workflow import (
    AdoptionForm,
    AmendmentForm,
    ParticipationDatesForm,
    PrincipleCheckForm,
    RegistrationForm,
    TransitionForm,
)
from vidnova.plans.models import Plan, PlanState, PlanVersion, PrincipleCheck, SectionCode
from vidnova.plans.selectors import workflow as selectors
from vidnova.plans.selectors.plans import current_version
from vidnova.plans.services import workflow as services
from vidnova.plans.views.common import load_plan, plan_context

HISTORY_LIMIT = 100  # stages a plan went through; far more than any plan takes


def _workflow_url(plan: Plan, anchor: str = "") -> str:
    return reverse("plans:plan-workflow", kwargs={"pk": plan.pk}) + (f"#{anchor}" if anchor else "")


def _add_errors(form: Form, error: ValidationError, *, default_field: str | None = None) -> None:
    """Show a service's ValidationError next to the fields it names (or above the form)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            if name in form.fields and not form.fields[name].disabled and not form.fields[name].widget.is_hidden:
                form.add_error(name, errors)
            else:
                form.add_error(NON_FIELD_ERRORS, errors)
        return
    form.add_error(default_field if default_field in form.fields else NON_FIELD_ERRORS, error)


def _required_sections(checks: services.Checks) -> list[dict[str, Any]]:
    return [
        {"code": code, "label": SectionCode(code).label, "filled": checks.section_is_filled(code)}
        for code in catalogue.required_codes(checks.plan.plan_type)
    ]


def _principle_groups(
    version: PlanVersion,
    bound: dict[str, PrincipleCheckForm] | None,
    conflicts: dict[str, PrincipleCheck] | None,
    editable: bool,
) -> list[dict[str, Any]]:
    groups = []
    for group in selectors.principle_groups(version):
        rows = []
        for row in group.rows:
            form = None
            if editable and row.check is not None:
                form = (bound or {}).get(row.code) or PrincipleCheckForm(check=row.check, label=row.label)
            rows.append(
                {
                    "code": row.code,
                    "label": row.label,
                    "check": row.check,
                    "form": form,
                    "conflict": (conflicts or {}).get(row.code),
                }
            )
        groups.append({"code": group.code, "label": group.label, "rows": rows})
    return groups


def _page(
    request: HttpRequest,
    plan: Plan,
    *,
    status: int = 200,
    transition_form: TransitionForm | None = None,
    dates_form: ParticipationDatesForm | None = None,
    principle_forms: dict[str, PrincipleCheckForm] | None = None,
    principle_conflicts: dict[str, PrincipleCheck] | None = None,
    adoption_form: AdoptionForm | None = None,
    registration_form: RegistrationForm | None = None,
    amendment_form: AmendmentForm | None = None,
    conflict: str = "",
) -> HttpResponse:
    version = current_version(plan)
    version.plan = plan
    context = plan_context(request, plan, version, tab="workflow")
    user = request.user
    checks = services.Checks(plan, version)
    options = selectors.available_transitions(plan, user, checks=checks)
    by_kind: dict[str, list[selectors.TransitionOption]] = {}
    for option in options:
        by_kind.setdefault(option.kind, []).append(option)
    may_act = access.can(user, Action.EDIT, plan)
    content_editable = bool(context["can_edit"])  # the working version may change (not frozen)
    adoption = next(iter(by_kind.get(selectors.ADOPTION, [])), None)
    registration = next(iter(by_kind.get(selectors.REGISTRATION, [])), None)
    amendment = next(iter(by_kind.get(selectors.AMENDMENT, [])), None)
    if may_act:
        transition_form = transition_form or TransitionForm(initial={"version": plan.version})
        if adoption is not None:
            adoption_form = adoption_form or AdoptionForm(initial={"version": plan.version})
        if registration is not None:
            registration_form = registration_form or RegistrationForm(initial={"version": plan.version})
        if amendment is not None:
            amendment_form = amendment_form or AmendmentForm(initial={"version": plan.version})
    if content_editable:
        dates_form = dates_form or ParticipationDatesForm(plan=plan, version=version)
    context.update(
        {
            "path": selectors.workflow_path(plan),
            "steps": [option for option in options if option.kind in {selectors.MOVE, selectors.RETURN}],
            "form_steps": [option for option in options if option.kind not in {selectors.MOVE, selectors.RETURN}],
            "may_act": may_act,
            "content_editable": content_editable,
            "transition_form": transition_form if may_act else None,
            "adoption": adoption,
            "adoption_form": adoption_form if may_act else None,
            "registration": registration,
            "registration_form": registration_form if may_act else None,
            "amendment": amendment,
            "amendment_form": amendment_form if may_act else None,
            "dates_form": dates_form if content_editable else None,
            "proposals_state": context["workflow"].proposals_state,
            "is_public_discussion": context["workflow"].consultation_state == PlanState.PUBLIC_DISCUSSION,
            "required_sections": _required_sections(checks),
            "goal_tree_problems": checks.goal_tree(),
            "principle_groups": _principle_groups(version, principle_forms, principle_conflicts, content_editable),
            "versions": selectors.versions(plan),
            "history": selectors.transition_history(plan)[:HISTORY_LIMIT],
            "conflict": conflict,
        }
    )
    return render(request, "plans/workflow.html", context, status=status)


def _stale_plan_message(plan: Plan) -> str:
    return _(
        "Someone else changed this plan while you had the page open; it is now at the stage “%(state)s”. "
        "Nothing was changed. Check the steps below and try again."
    ) % {"state": plan.get_state_display()}


def _reload(plan: Plan) -> Plan:
    return Plan.objects.select_related("hromada", "programme", "public_version").get(pk=plan.pk)


@require_GET
def plan_workflow(request: HttpRequest, pk: int) -> HttpResponse:
    plan = load_plan(request, pk, Action.VIEW_PRIVATE)
    return _page(request, plan)


@require_POST
@login_required
def workflow_transition(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = load_plan(request, pk, Action.EDIT)
    form = TransitionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            moved = services.plan_transition(
                acting_user=request.user,
                plan=plan,
                target=data["target"],
                expected_version=data["version"],
                note=data["note"],
            )
        except EditConflict:
            plan = _reload(plan)
            return _page(request, plan, status=409, conflict=_stale_plan_message(plan))
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("The plan is now at the stage “%(state)s”.") % {"state": moved.get_state_display()}
            )
            return HttpResponseRedirect(_workflow_url(moved))
    return _page(request, plan, status=400, transition_form=form)


@require_POST
@login_required
def workflow_dates(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = load_plan(request, pk, Action.EDIT)
    version = current_version(plan)
    access.require(request.user, Action.EDIT, version, visible_with=Action.VIEW_PRIVATE)
    form = ParticipationDatesForm(request.POST, plan=plan, version=version)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.participation_dates_set(
                acting_user=request.user,
                plan=plan,
                **{
                    name: data[name]
                    for name in services.DATE_FIELDS
                    if name in form.fields and not form.fields[name].disabled
                },
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The dates were saved."))
            return HttpResponseRedirect(_workflow_url(plan, "participation"))
    return _page(request, plan, status=400, dates_form=form)


@require_POST
@login_required
def workflow_principles(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Save the lines of the checklist the person changed, each with the version it was loaded at.
    A line someone else saved in between is not overwritten: it is shown with their text."""
    plan = load_plan(request, pk, Action.EDIT)
    version = current_version(plan)
    access.require(request.user, Action.EDIT, version, visible_with=Action.VIEW_PRIVATE)
    checks = {check.principle: check for check in PrincipleCheck.objects.filter(plan_version=version)}
    labels = {row.code: row.label for group in selectors.principle_groups(version) for row in group.rows}
    forms: dict[str, PrincipleCheckForm] = {}
    conflicts: dict[str, PrincipleCheck] = {}
    saved = 0
    failed = False
    for code, check in checks.items():
        if code not in labels:
            continue
        form = PrincipleCheckForm(request.POST, check=check, label=labels[code])
        forms[code] = form
        if not form.is_valid():
            failed = True
            continue
        if not form.has_changed():
            continue
        data = form.cleaned_data
        try:
            updated = services.principle_check_update(
                acting_user=request.user,
                check=check,
                expected_version=data["version"],
                is_met=data["is_met"],
                justification_uk=data["justification_uk"],
                justification_en=data["justification_en"],
            )
        except EditConflict:
            current = PrincipleCheck.objects.get(pk=check.pk)
            conflicts[code] = current
            # Keep what this person typed; compare against the saved line, so saving again replaces it.
            post = request.POST.copy()
            post[f"{form.prefix}-version"] = str(current.version)
            for name, value in PrincipleCheckForm.initial_for(current).items():
                if name != "version":
                    post[f"initial-{form.prefix}-{name}"] = str(value)
            forms[code] = PrincipleCheckForm(post, check=current, label=labels[code])
            forms[code].is_valid()
        except ValidationError as error:
            _add_errors(form, error)
            failed = True
        else:
            saved += 1
            forms[code] = PrincipleCheckForm(check=updated, label=labels[code])
    if not failed and not conflicts:
        if saved:
            messages.success(request, _("The principles checklist was saved."))
        else:
            messages.info(request, _("Nothing in the checklist was changed."))
        return HttpResponseRedirect(_workflow_url(plan, "principles"))
    return _page(
        request,
        plan,
        status=409 if conflicts else 400,
        principle_forms=forms,
        principle_conflicts=conflicts,
    )


@require_POST
@login_required
def workflow_adopt(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = load_plan(request, pk, Action.EDIT)
    form = AdoptionForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            adopted = services.plan_adopt(
                acting_user=request.user,
                plan=plan,
                expected_version=data["version"],
                adopting_body=data["adopting_body"],
                act_number=data["act_number"],
                act_date=data["act_date"],
                act_document=data["act_document"],
                note=data["note"],
            )
        except EditConflict:
            plan = _reload(plan)
            return _page(request, plan, status=409, conflict=_stale_plan_message(plan))
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("The adoption is recorded. Version %(number)s is final and open to everyone.")
                % {"number": adopted.public_version.number if adopted.public_version else ""},
            )
            return HttpResponseRedirect(_workflow_url(adopted))
    return _page(request, plan, status=400, adoption_form=form)


@require_POST
@login_required
def workflow_register(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = load_plan(request, pk, Action.EDIT)
    form = RegistrationForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            registered = services.plan_register(
                acting_user=request.user,
                plan=plan,
                expected_version=data["version"],
                register_reference=data["register_reference"],
                registered_on=data["registered_on"],
            )
        except EditConflict:
            plan = _reload(plan)
            return _page(request, plan, status=409, conflict=_stale_plan_message(plan))
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The registration is recorded."))
            return HttpResponseRedirect(_workflow_url(registered))
    return _page(request, plan, status=400, registration_form=form)


@require_POST
@login_required
def workflow_amend(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = load_plan(request, pk, Action.EDIT)
    form = AmendmentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            version = services.amendment_start(
                acting_user=request.user, plan=plan, expected_version=data["version"], reason=data["reason"]
            )
        except EditConflict:
            plan = _reload(plan)
            return _page(request, plan, status=409, conflict=_stale_plan_message(plan))
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Version %(number)s is started from the adopted version; the adopted one stays public until the new one is adopted."
                )
                % {"number": version.number},
            )
            return HttpResponseRedirect(_workflow_url(plan))
    return _page(request, plan, status=400, amendment_form=form)


@require_GET
def act_download(request: HttpRequest, pk: int, number: int) -> FileResponse:
    """The signed act of an adopted version: public like the version itself."""
    plan = load_plan(request, pk, Action.VIEW, visible_with=Action.VIEW)
    try:
        version = plan.versions.get(number=number)
    except PlanVersion.DoesNotExist:
        raise Http404 from None
    version.plan = plan
    access.require(request.user, Action.VIEW, version)
    if not version.is_frozen or not version.act_document:
        raise Http404
    handle = version.act_document.open("rb")
    kind = uploads.detect(handle)
    name = slugify(f"{plan.hromada.name_latin or plan.pk} plan v{version.number} act {version.act_number}")
    response = FileResponse(
        handle, as_attachment=True, filename=f"{name or 'act'}.{kind.extension}", content_type=kind.content_type
    )
    response["Cache-Control"] = "public, max-age=3600"  # an adopted version and its act never change
    return response


urlpatterns: list[URLPattern] = [
    path("<int:pk>/workflow/", plan_workflow, name="plan-workflow"),
    path("<int:pk>/workflow/transition/", workflow_transition, name="workflow-transition"),
    path("<int:pk>/workflow/dates/", workflow_dates, name="workflow-dates"),
    path("<int:pk>/workflow/principles/", workflow_principles, name="workflow-principles"),
    path("<int:pk>/workflow/adopt/", workflow_adopt, name="workflow-adopt"),
    path("<int:pk>/workflow/register/", workflow_register, name="workflow-register"),
    path("<int:pk>/workflow/amend/", workflow_amend, name="workflow-amend"),
    path("<int:pk>/versions/<int:number>/act/", act_download, name="act-download"),
]
