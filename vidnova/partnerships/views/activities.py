"""Activity log pages: log an activity, read it, change it, and tick follow-up actions done.

The activity log is internal (``VIEW_PRIVATE`` on the partnership): outsiders get 404 everywhere
here. Programme staff, the hromada's editors and the partners' experts write (``CONTRIBUTE``);
hromada viewers read and get 403 on writes. The follow-up toggle answers htmx with the updated item
and, without JavaScript, redirects back to the page it came from.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vidnova.accounts import access
from vidnova.accounts.access import Action
from vidnova.core.exceptions import EditConflict
from vidnova.core.types import AuthenticatedHttpRequest
from vidnova.partnerships.forms.activities import GENDER_LABELS, ActivityForm, FollowUpToggleForm
from vidnova.partnerships.forms.partnerships import place_errors
from vidnova.partnerships.models import Activity, FollowUp, Partnership, PartnershipStatus
from vidnova.partnerships.selectors.partnerships import participant_totals
from vidnova.partnerships.services import activities as services
from vidnova.partnerships.views.partnerships import base_context, detail_url, load_partnership


def activity_url(activity: Activity | int) -> str:
    pk = activity if isinstance(activity, int) else activity.pk
    return reverse("partnerships:activity-detail", kwargs={"activity_id": pk})


def _load_activity(request: HttpRequest, activity_id: int, action: Action) -> Activity:
    return access.get_for_user(
        request.user,
        Activity.objects.select_related(
            "partnership", "partnership__programme", "partnership__hromada", "created_by"
        ).prefetch_related("participants", "follow_ups", "follow_ups__done_by"),
        action,
        visible_with=Action.VIEW_PRIVATE,
        pk=activity_id,
    )


def _form_page(
    request: HttpRequest,
    *,
    partnership: Partnership,
    activity: Activity | None,
    form: ActivityForm,
    conflict: Activity | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "partnerships/activity_form.html",
        base_context(
            request,
            section="list",
            partnership=partnership,
            activity=activity,
            form=form,
            genders=list(GENDER_LABELS.values()),
            conflict=conflict,
        ),
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_create_view(request: AuthenticatedHttpRequest, partnership_id: int) -> HttpResponse:
    partnership = load_partnership(request, partnership_id, Action.CONTRIBUTE, visible_with=Action.VIEW_PRIVATE)
    if request.method != "POST":
        if partnership.status == PartnershipStatus.CLOSED:
            messages.warning(request, _("This partnership is closed: its activity log takes no new activities."))
            return HttpResponseRedirect(detail_url(partnership, "activities"))
        return _form_page(request, partnership=partnership, activity=None, form=ActivityForm())
    form = ActivityForm(request.POST)
    if form.is_valid():
        try:
            services.activity_create(
                acting_user=request.user,
                partnership=partnership,
                data=form.data_for_service(),
                participants=form.participants(),
                follow_ups=form.follow_ups(),
            )
        except ValidationError as error:
            place_errors(form, error, form.field_for)
        else:
            messages.success(request, _("The activity was logged."))
            return HttpResponseRedirect(detail_url(partnership, "activities"))
    return _form_page(request, partnership=partnership, activity=None, form=form, status=400)


@require_GET
def activity_detail_view(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = _load_activity(request, activity_id, Action.VIEW_PRIVATE)
    partnership = activity.partnership
    participants = sorted(activity.participants.all(), key=lambda row: row.pk)
    return render(
        request,
        "partnerships/activity_detail.html",
        base_context(
            request,
            section="list",
            partnership=partnership,
            activity=activity,
            participants=participants,
            totals=participant_totals([activity]),
            follow_ups=sorted(activity.follow_ups.all(), key=lambda item: (item.status != "open", item.pk)),
            can_edit=access.can(request.user, Action.EDIT, activity),
            can_toggle=access.can(request.user, Action.EDIT, activity),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit_view(request: AuthenticatedHttpRequest, activity_id: int) -> HttpResponse:
    activity = _load_activity(request, activity_id, Action.EDIT)
    partnership = activity.partnership
    if request.method != "POST":
        form = ActivityForm(initial=ActivityForm.initial_from(activity))
        return _form_page(request, partnership=partnership, activity=activity, form=form)
    form = ActivityForm(request.POST)
    if form.is_valid():
        try:
            # The changes and the new follow-up actions are saved together or not at all.
            with transaction.atomic():
                services.activity_update(
                    acting_user=request.user,
                    activity=activity,
                    data=form.data_for_service(),
                    participants=form.participants(),
                    expected_version=form.cleaned_data.get("version"),
                )
                for position, row in enumerate(form.follow_ups()):
                    try:
                        services.follow_up_add(acting_user=request.user, activity=activity, **row)
                    except ValidationError as error:
                        raise ValidationError(
                            {f"follow_ups[{position}].{key}": value for key, value in error.message_dict.items()}
                        ) from None
        except EditConflict:
            current = _load_activity(request, activity.pk, Action.EDIT)
            post = request.POST.copy()
            post["version"] = str(current.version)
            form = ActivityForm(post)
            form.is_valid()
            return _form_page(
                request, partnership=partnership, activity=current, form=form, conflict=current, status=409
            )
        except ValidationError as error:
            place_errors(form, error, form.field_for)
        else:
            messages.success(request, _("The activity was saved."))
            return HttpResponseRedirect(activity_url(activity))
    return _form_page(request, partnership=partnership, activity=activity, form=form, status=400)


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true"


def _safe_next(request: HttpRequest, value: str, fallback: str) -> str:
    if value and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()}, require_https=False):
        return value
    return fallback


@login_required
@require_POST
def follow_up_toggle_view(request: AuthenticatedHttpRequest, follow_up_id: int) -> HttpResponse:
    follow_up = access.get_for_user(
        request.user,
        FollowUp.objects.select_related("activity", "activity__partnership"),
        Action.EDIT,
        visible_with=Action.VIEW_PRIVATE,
        pk=follow_up_id,
    )
    form = FollowUpToggleForm(request.POST)
    fallback = activity_url(follow_up.activity_id)
    problem = ""
    status = 200
    if not form.is_valid():
        problem = _("Choose whether the action is done.")
        status = 400
    else:
        try:
            follow_up = services.follow_up_set_done(
                acting_user=request.user,
                follow_up=follow_up,
                done=form.cleaned_data["done"],
                expected_version=form.cleaned_data.get("version"),
            )
        except EditConflict:
            follow_up.refresh_from_db()
            problem = _("Someone else changed this action meanwhile; it is shown as it is now.")
            status = 409
    if _is_htmx(request):
        context: dict[str, Any] = {
            "item": follow_up,
            "can_toggle": True,
            "next": form.data.get("next", ""),
            "problem": problem,
        }
        return render(request, "partnerships/follow_up_item.html", context, status=status)
    if problem:
        messages.error(request, problem)
    else:
        messages.success(
            request,
            _("The action is marked done.") if follow_up.status == "done" else _("The action is open again."),
        )
    return HttpResponseRedirect(_safe_next(request, str(form.data.get("next", "")), fallback))


urlpatterns: list[URLPattern] = [
    path("<int:partnership_id>/activities/new/", activity_create_view, name="activity-create"),
    path("activities/<int:activity_id>/", activity_detail_view, name="activity-detail"),
    path("activities/<int:activity_id>/edit/", activity_edit_view, name="activity-edit"),
    path("follow-ups/<int:follow_up_id>/toggle/", follow_up_toggle_view, name="follow-up-toggle"),
]
