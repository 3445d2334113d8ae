"""The assessments start page and the round pages: a programme's rounds, opening a round for a set of
participating hromadas, and a round's progress per hromada with the coordinator's changes (edit,
close / reopen, add hromadas).

Rounds are internal to the programme: its staff run them, its partner experts read them, everyone
else gets 404 (hromada members see their own assessment, not the round). Parse, call a selector or a
service, render.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vidnova.accounts import access
from vidnova.accounts.access import Action
from vidnova.assessments.forms.rounds import AddHromadasForm, RoundOpenForm, RoundStatusForm, RoundUpdateForm
from vidnova.assessments.models import Instrument, Round, RoundStatus
from vidnova.assessments.selectors import rounds as selectors
from vidnova.assessments.services import rounds as services
from vidnova.core.exceptions import EditConflict
from vidnova.core.types import AuthenticatedHttpRequest
from vidnova.programmes.models import Programme


def add_errors(form: Any, error: ValidationError) -> None:
    """Show a service's ValidationError next to the fields it names (or above the form)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else NON_FIELD_ERRORS, errors)
    else:
        form.add_error(NON_FIELD_ERRORS, error)


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    data = selectors.index_for(request.user)
    context = {
        "nav": "assessments",
        "data": data,
        "can_import_instruments": access.can(request.user, Action.EDIT, Instrument()),
    }
    return render(request, "assessments/index.html", context)


def _programme(request: HttpRequest, slug: str, action: Action) -> Programme:
    """The programme, if the user may see its rounds (404 otherwise) and perform ``action`` on them
    (403 otherwise). An unsaved round stands for "the programme's rounds"."""
    programme = get_object_or_404(Programme, slug=slug)
    access.require(request.user, action, Round(programme=programme))
    return programme


@require_GET
def round_list(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(request, slug, Action.VIEW)
    context = {
        "nav": "assessments",
        "programme": programme,
        "rounds": selectors.summaries(list(selectors.rounds_of(programme))),
        "can_open": access.can(request.user, Action.EDIT, Round(programme=programme)),
        "can_select": access.can(request.user, Action.EDIT, programme),
    }
    return render(request, "assessments/round_list.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def round_open(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    programme = _programme(request, slug, Action.EDIT)
    versions = selectors.latest_versions()
    hromadas = selectors.participating_hromadas(programme)
    status = 200
    if request.method == "POST" and request.POST.get("select_all"):
        # "Select all" without JavaScript: the same form again, everything typed kept, every hromada ticked.
        initial: dict[str, Any] = {name: request.POST.get(name, "") for name in RoundOpenForm.base_fields}
        initial["hromadas"] = [h.pk for h in hromadas]
        form = RoundOpenForm(versions=versions, hromadas=hromadas, initial=initial)
    elif request.method == "POST":
        form = RoundOpenForm(request.POST, versions=versions, hromadas=hromadas)
        if form.is_valid():
            data = form.cleaned_data
            try:
                round_ = services.round_open(
                    acting_user=request.user,
                    programme=programme,
                    instrument_version=data["instrument_version"],
                    name_uk=data["name_uk"],
                    name_en=data["name_en"],
                    name_nl=data["name_nl"],
                    kind=data["kind"],
                    opens_on=data["opens_on"],
                    deadline=data["deadline"],
                    hromadas=list(data["hromadas"]),
                    training_threshold=data["training_threshold"],
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The round is open: %(count)s hromadas can fill in the questionnaire.")
                    % {"count": round_.assessments.count()},
                )
                return HttpResponseRedirect(reverse("assessments:round-detail", kwargs={"pk": round_.pk}))
        status = 400
    else:
        form = RoundOpenForm(
            versions=versions,
            hromadas=hromadas,
            initial={"instrument_version": next((v for v in versions if v.instrument.is_default), None)},
        )
    context = {"nav": "assessments", "programme": programme, "form": form, "has_versions": bool(versions)}
    return render(request, "assessments/round_open.html", context, status=status)


def _load_round(request: HttpRequest, pk: int, action: Action = Action.VIEW) -> Round:
    return access.get_for_user(request.user, selectors.round_detail(pk), action, pk=pk)


def _update_form(round_: Round) -> RoundUpdateForm:
    return RoundUpdateForm(
        initial={
            "name_uk": round_.name_uk,
            "name_en": round_.name_en,
            "name_nl": round_.name_nl,
            "kind": round_.kind,
            "opens_on": round_.opens_on,
            "deadline": round_.deadline,
            "training_threshold": round_.training_threshold,
            "version": round_.version,
        }
    )


def _detail_page(
    request: HttpRequest,
    round_: Round,
    *,
    update_form: RoundUpdateForm | None = None,
    add_form: AddHromadasForm | None = None,
    conflict: bool = False,
    status: int = 200,
) -> HttpResponse:
    rows = list(selectors.round_assessments(round_))
    can_edit = access.can(request.user, Action.EDIT, round_)
    present = {a.hromada_id for a in rows}
    addable = selectors.participating_hromadas(round_.programme).exclude(pk__in=present)
    [summary] = selectors.summaries([round_])
    context = {
        "nav": "assessments",
        "round": round_,
        "programme": round_.programme,
        "rows": rows,
        "summary": summary,
        "can_edit": can_edit,
        "can_validate": can_edit,
        "update_form": (update_form or _update_form(round_)) if can_edit else None,
        "add_form": (add_form or AddHromadasForm(hromadas=addable)) if can_edit else None,
        "has_addable": addable.exists() if can_edit else False,
        "conflict": conflict,
        "is_open": round_.status == RoundStatus.OPEN,
    }
    return render(request, "assessments/round_detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The round's progress; a POST changes its name, kind, dates or threshold (staff)."""
    if request.method != "POST":
        return _detail_page(request, _load_round(request, pk))
    round_ = _load_round(request, pk, Action.EDIT)
    form = RoundUpdateForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, round_, update_form=form, status=400)
    data = dict(form.cleaned_data)
    expected = data.pop("version")
    try:
        services.round_update(acting_user=request.user, round_=round_, expected_version=expected, **data)
    except EditConflict:
        current = _load_round(request, pk, Action.EDIT)
        post = request.POST.copy()
        post["version"] = str(current.version)
        form = RoundUpdateForm(post)
        form.is_valid()
        return _detail_page(request, current, update_form=form, conflict=True, status=409)
    except ValidationError as error:
        add_errors(form, error)
        return _detail_page(request, round_, update_form=form, status=400)
    messages.success(request, _("The round was saved."))
    return HttpResponseRedirect(reverse("assessments:round-detail", kwargs={"pk": pk}))


@require_POST
def round_status(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _load_round(request, pk, Action.EDIT)
    form = RoundStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether to close or reopen the round."))
        return HttpResponseRedirect(reverse("assessments:round-detail", kwargs={"pk": pk}))
    status = form.cleaned_data["status"]
    services.round_set_status(acting_user=request.user, round_=round_, status=status)
    messages.success(
        request,
        _("The round is closed: answers can no longer be given.")
        if status == RoundStatus.CLOSED
        else _("The round is open again."),
    )
    return HttpResponseRedirect(reverse("assessments:round-detail", kwargs={"pk": pk}))


@require_POST
def round_add_hromadas(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _load_round(request, pk, Action.EDIT)
    present = round_.assessments.values_list("hromada_id", flat=True)
    form = AddHromadasForm(
        request.POST, hromadas=selectors.participating_hromadas(round_.programme).exclude(pk__in=present)
    )
    if form.is_valid():
        try:
            created = services.round_add_hromadas(
                acting_user=request.user, round_=round_, hromadas=list(form.cleaned_data["hromadas"])
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("%(count)s hromadas were added to the round.") % {"count": len(created)})
            return HttpResponseRedirect(reverse("assessments:round-detail", kwargs={"pk": pk}))
    return _detail_page(request, round_, add_form=form, status=400)


urlpatterns: list[URLPattern] = [
    path("", index, name="index"),
    path("programmes/<slug:slug>/rounds/", round_list, name="round-list"),
    path("programmes/<slug:slug>/rounds/open/", round_open, name="round-open"),
    path("rounds/<int:pk>/", round_detail, name="round-detail"),
    path("rounds/<int:pk>/status/", round_status, name="round-status"),
    path("rounds/<int:pk>/hromadas/", round_add_hromadas, name="round-add-hromadas"),
]
