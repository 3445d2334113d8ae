"""Partnership pages: a new partnership, its page (public part for everyone, agreements, the activity
log and follow-ups for insiders), the edit form, status changes and agreements.

Partnerships are public records; their agreements, activities and follow-ups are internal
(``VIEW_PRIVATE``: staff, the hromada's members, the partners' experts). Programme staff create and
edit partnerships, change their status and add or remove agreements; read-only members get 403 on
writes and outsiders 404 on the internal URLs. Views are thin: parse with a form, call a service.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from vidnova.accounts import access
from vidnova.accounts.access import Action
from vidnova.core.exceptions import EditConflict
from vidnova.core.types import AuthenticatedHttpRequest
from vidnova.partnerships.forms.partnerships import (
    FIELD_LABELS,
    AgreementForm,
    PartnershipForm,
    TransitionForm,
    place_errors,
)
from vidnova.partnerships.models import (
    Activity,
    Agreement,
    FollowUpStatus,
    Partnership,
    PartnershipStatus,
)
from vidnova.partnerships.selectors.common import partnership_programmes
from vidnova.partnerships.selectors.partnerships import participant_totals, partnership_detail
from vidnova.partnerships.services import partnerships as services
from vidnova.programmes.models import Programme


def base_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {"nav": "partnerships", "partnership_programmes": partnership_programmes(request.user), **extra}


def load_partnership(
    request: HttpRequest, partnership_id: int, action: Action = Action.VIEW, *, visible_with: Action = Action.VIEW
) -> Partnership:
    return access.get_for_user(
        request.user,
        Partnership.objects.select_related("programme", "hromada", "hromada__oblast", "offer"),
        action,
        visible_with=visible_with,
        pk=partnership_id,
    )


def detail_url(partnership: Partnership | int, anchor: str = "") -> str:
    pk = partnership if isinstance(partnership, int) else partnership.pk
    url = reverse("partnerships:partnership-detail", kwargs={"partnership_id": pk})
    return f"{url}#{anchor}" if anchor else url


# --- the partnership page --------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineStep:
    status: str
    label: str
    when: Any
    actor: Any
    note: str
    reached: bool


@dataclass(frozen=True)
class ActivityRow:
    activity: Activity
    women: int
    men: int
    not_stated: int
    open_follow_ups: int

    @property
    def total(self) -> int:
        return self.women + self.men + self.not_stated


def _timeline(partnership: Partnership) -> list[TimelineStep]:
    """The steps the partnership went through (with when, who and the note) and those still ahead."""
    steps = [
        TimelineStep(
            PartnershipStatus.PROPOSED,
            str(PartnershipStatus.PROPOSED.label),
            partnership.created_at,
            partnership.created_by,
            "",
            True,
        )
    ]
    for transition in partnership.transitions.all():
        steps.append(
            TimelineStep(
                transition.to_status,
                str(PartnershipStatus(transition.to_status).label),
                transition.occurred_at,
                transition.actor,
                transition.note,
                True,
            )
        )
    reached = {step.status for step in steps}
    if partnership.status != PartnershipStatus.CLOSED:
        order = [PartnershipStatus.AGREED, PartnershipStatus.ACTIVE, PartnershipStatus.CLOSED]
        for status in order:
            if status not in reached:
                steps.append(TimelineStep(status, str(status.label), None, None, "", False))
    return steps


def _activity_rows(activities: list[Activity]) -> list[ActivityRow]:
    rows = []
    for activity in activities:
        participants = list(activity.participants.all())
        rows.append(
            ActivityRow(
                activity,
                women=sum(row.women for row in participants),
                men=sum(row.men for row in participants),
                not_stated=sum(row.not_stated for row in participants),
                open_follow_ups=sum(1 for item in activity.follow_ups.all() if item.status == FollowUpStatus.OPEN),
            )
        )
    return rows


def _detail_context(
    request: HttpRequest, partnership: Partnership, *, transition_form: TransitionForm | None = None
) -> dict[str, Any]:
    user = request.user
    can_private = access.can(user, Action.VIEW_PRIVATE, partnership)
    can_edit = access.can(user, Action.EDIT, partnership)
    themes = list(partnership.themes.all())
    context = base_context(
        request,
        section="list",
        partnership=partnership,
        partners=list(partnership.partner_links.all()),
        themes=themes,
        fields=[FIELD_LABELS.get(number, number) for number in sorted({theme.field for theme in themes})],
        timeline=_timeline(partnership),
        can_private=can_private,
        can_edit=can_edit,
        can_contribute=access.can(user, Action.CONTRIBUTE, partnership),
        is_closed=partnership.status == PartnershipStatus.CLOSED,
    )
    if can_private:
        activities = list(partnership.activities.all())
        context["agreements"] = list(partnership.agreements.all())
        context["activity_rows"] = _activity_rows(activities)
        context["follow_ups"] = sorted(
            (item for activity in activities for item in activity.follow_ups.all()),
            key=lambda item: (item.status != FollowUpStatus.OPEN, item.due_on is None, item.due_on, item.pk),
        )
        context["totals"] = participant_totals(activities)
        context["can_toggle"] = access.can(user, Action.CONTRIBUTE, partnership)
    if can_edit:
        statuses = [(status, PartnershipStatus(status).label) for status in services.allowed_next(partnership.status)]
        context["transition_form"] = transition_form or TransitionForm(
            statuses=statuses, initial={"version": partnership.version}
        )
    return context


@require_GET
def partnership_detail_view(request: HttpRequest, partnership_id: int) -> HttpResponse:
    load_partnership(request, partnership_id)
    partnership = partnership_detail(partnership_id)
    return render(request, "partnerships/partnership_detail.html", _detail_context(request, partnership))


# --- new and edit ----------------------------------------------------------------------------------


def _form_page(
    request: HttpRequest,
    *,
    programme: Programme,
    partnership: Partnership | None,
    form: PartnershipForm,
    conflict: Partnership | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "partnerships/partnership_form.html",
        base_context(
            request, section="list", programme=programme, partnership=partnership, form=form, conflict=conflict
        ),
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def partnership_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    slug = (request.GET.get("programme") or "").strip()
    programme = Programme.objects.filter(slug=slug).first() if slug else None
    if programme is None:
        raise Http404
    access.require(request.user, Action.EDIT, Partnership(programme=programme))
    organisations = services.programme_partner_organisations(programme)
    if request.method != "POST":
        form = PartnershipForm(programme=programme, organisations=organisations)
        return _form_page(request, programme=programme, partnership=None, form=form)
    form = PartnershipForm(request.POST, programme=programme, organisations=organisations)
    if form.is_valid():
        try:
            partnership = services.partnership_create(
                acting_user=request.user,
                programme=programme,
                hromada=form.selected_hromada(),
                partners=form.partners(),
                themes=form.cleaned_data["themes"],
                title=form.cleaned_data["title"],
                description=form.cleaned_data.get("description") or "",
                starts_on=form.cleaned_data.get("starts_on"),
                ends_on=form.cleaned_data.get("ends_on"),
                offer=form.selected_offer(),
            )
        except ValidationError as error:
            place_errors(form, error, form.field_for)
        else:
            messages.success(request, _("The partnership was created."))
            return HttpResponseRedirect(detail_url(partnership))
    return _form_page(request, programme=programme, partnership=None, form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def partnership_edit_view(request: AuthenticatedHttpRequest, partnership_id: int) -> HttpResponse:
    partnership = load_partnership(request, partnership_id, Action.EDIT, visible_with=Action.VIEW_PRIVATE)
    programme = partnership.programme
    organisations = services.programme_partner_organisations(programme)
    current_ids = {organisation.pk for organisation in organisations}
    organisations += [
        link.organisation
        for link in partnership.partner_links.select_related("organisation")
        if link.organisation_id not in current_ids
    ]
    if request.method != "POST":
        form = PartnershipForm(
            programme=programme,
            partnership=partnership,
            organisations=organisations,
            initial=PartnershipForm.initial_from(partnership),
        )
        return _form_page(request, programme=programme, partnership=partnership, form=form)
    form = PartnershipForm(request.POST, programme=programme, partnership=partnership, organisations=organisations)
    if form.is_valid():
        data = {
            "title": form.cleaned_data["title"],
            "description": form.cleaned_data.get("description") or "",
            "starts_on": form.cleaned_data.get("starts_on"),
            "ends_on": form.cleaned_data.get("ends_on"),
            "themes": form.cleaned_data["themes"],
            "partners": form.partners(),
        }
        try:
            services.partnership_update(
                acting_user=request.user,
                partnership=partnership,
                data=data,
                expected_version=form.cleaned_data.get("version"),
            )
        except EditConflict:
            # Someone saved in between: show what is saved now, keep what this person typed, and let
            # them save again on top of the new version.
            current = partnership_detail(partnership.pk)
            post = request.POST.copy()
            post["version"] = str(current.version)
            form = PartnershipForm(post, programme=programme, partnership=current, organisations=organisations)
            form.is_valid()
            return _form_page(
                request, programme=programme, partnership=current, form=form, conflict=current, status=409
            )
        except ValidationError as error:
            place_errors(form, error, form.field_for)
        else:
            messages.success(request, _("The partnership was saved."))
            return HttpResponseRedirect(detail_url(partnership))
    return _form_page(request, programme=programme, partnership=partnership, form=form, status=400)


# --- status ----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def partnership_transition_view(request: AuthenticatedHttpRequest, partnership_id: int) -> HttpResponse:
    partnership = load_partnership(request, partnership_id, Action.EDIT, visible_with=Action.VIEW_PRIVATE)
    if request.method != "POST":
        return HttpResponseRedirect(detail_url(partnership, "status"))
    statuses = [(status, PartnershipStatus(status).label) for status in services.allowed_next(partnership.status)]
    form = TransitionForm(request.POST, statuses=statuses)
    if form.is_valid():
        try:
            services.partnership_transition(
                acting_user=request.user,
                partnership=partnership,
                to_status=form.cleaned_data["to_status"],
                note=form.cleaned_data.get("note") or "",
                expected_version=form.cleaned_data.get("version"),
            )
        except EditConflict:
            # Someone changed it meanwhile: show the status as it is now, keep the note typed, and
            # let the person choose again on top of the new version.
            fresh = partnership_detail(partnership.pk)
            post = request.POST.copy()
            post["version"] = str(fresh.version)
            statuses = [(status, PartnershipStatus(status).label) for status in services.allowed_next(fresh.status)]
            form = TransitionForm(post, statuses=statuses)
            form.is_valid()
            form.add_error(
                None,
                _(
                    "Someone changed this partnership while you were deciding; its status is shown as it is now. "
                    "Check it and choose again."
                ),
            )
            return render(
                request,
                "partnerships/partnership_detail.html",
                _detail_context(request, fresh, transition_form=form),
                status=409,
            )
        except ValidationError as error:
            place_errors(form, error, lambda key: key if key in form.fields else None)
        else:
            messages.success(request, _("The status of the partnership was changed."))
            return HttpResponseRedirect(detail_url(partnership, "status"))
    return render(
        request,
        "partnerships/partnership_detail.html",
        _detail_context(request, partnership_detail(partnership.pk), transition_form=form),
        status=400,
    )


# --- agreements ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def agreement_add_view(request: AuthenticatedHttpRequest, partnership_id: int) -> HttpResponse:
    partnership = load_partnership(request, partnership_id, Action.EDIT, visible_with=Action.VIEW_PRIVATE)
    status = 200
    if request.method == "POST":
        form = AgreementForm(request.POST, request.FILES)
        status = 400
        if form.is_valid():
            try:
                services.agreement_add(
                    acting_user=request.user,
                    partnership=partnership,
                    kind=form.cleaned_data["kind"],
                    title=form.cleaned_data["title"],
                    signed_on=form.cleaned_data.get("signed_on"),
                    valid_until=form.cleaned_data.get("valid_until"),
                    file=form.cleaned_data.get("file"),
                    signatories=form.signatories(),
                )
            except ValidationError as error:
                place_errors(form, error, form.field_for)
            else:
                messages.success(request, _("The agreement was added."))
                return HttpResponseRedirect(detail_url(partnership, "agreements"))
    else:
        form = AgreementForm()
    return render(
        request,
        "partnerships/agreement_form.html",
        base_context(request, section="list", partnership=partnership, form=form),
        status=status,
    )


def _load_agreement(request: HttpRequest, agreement_id: int, action: Action) -> Agreement:
    return access.get_for_user(
        request.user,
        Agreement.objects.select_related("partnership", "partnership__hromada", "partnership__programme"),
        action,
        visible_with=Action.VIEW_PRIVATE,
        pk=agreement_id,
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_remove_view(request: AuthenticatedHttpRequest, agreement_id: int) -> HttpResponse:
    agreement = _load_agreement(request, agreement_id, Action.EDIT)
    partnership = agreement.partnership
    if request.method == "POST":
        services.agreement_remove(acting_user=request.user, agreement=agreement)
        messages.success(request, _("The agreement was removed."))
        return HttpResponseRedirect(detail_url(partnership, "agreements"))
    return render(
        request,
        "partnerships/agreement_remove.html",
        base_context(request, section="list", partnership=partnership, agreement=agreement),
    )


@require_GET
def agreement_file_view(request: HttpRequest, agreement_id: int) -> HttpResponseBase:
    """The agreement's document for insiders only, as an attachment under its original name."""
    agreement = _load_agreement(request, agreement_id, Action.VIEW_PRIVATE)
    if not agreement.file:
        raise Http404
    try:
        handle = agreement.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    filename = agreement.file_name or (agreement.file.name or "").rsplit("/", 1)[-1]
    response = FileResponse(handle, as_attachment=True, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns: list[URLPattern] = [
    path("new/", partnership_create_view, name="partnership-create"),
    path("<int:partnership_id>/", partnership_detail_view, name="partnership-detail"),
    path("<int:partnership_id>/edit/", partnership_edit_view, name="partnership-edit"),
    path("<int:partnership_id>/status/", partnership_transition_view, name="partnership-transition"),
    path("<int:partnership_id>/agreements/new/", agreement_add_view, name="agreement-add"),
    path("agreements/<int:agreement_id>/file/", agreement_file_view, name="agreement-file"),
    path("agreements/<int:agreement_id>/remove/", agreement_remove_view, name="agreement-remove"),
]
