"""Programme and organisation pages: parse the input, call a selector or a service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vidnova.accounts import access
from vidnova.accounts.access import Action
from vidnova.audit.selectors import history_for, history_for_programme
from vidnova.core.exceptions import EditConflict
from vidnova.core.types import AuthenticatedHttpRequest
from vidnova.programmes import selectors, services
from vidnova.programmes.forms import OrganisationCreateForm, OrganisationForm, ParticipationAddForm
from vidnova.programmes.models import Organisation, Participation, Programme

PROGRAMMES_PER_PAGE = 25
HISTORY_LIMIT = 20  # the latest changes; the full log is in the administration


@require_GET
def programme_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.programmes(), PROGRAMMES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "programmes/programme_list.html", {"page": page, "nav": "programmes"})


def _programme_page(
    request: HttpRequest, programme: Programme, *, form: ParticipationAddForm | None = None, status: int = 200
) -> HttpResponse:
    can_edit = access.can(request.user, Action.EDIT, programme)
    if can_edit and form is None:
        form = ParticipationAddForm(programme=programme)
    context: dict[str, Any] = {
        "nav": "programmes",
        "programme": programme,
        "phases": selectors.participants_by_phase(programme),
        "organisation_groups": selectors.organisations_by_kind(programme),
        "can_edit": can_edit,
        "form": form if can_edit else None,
        # The change history is internal: programme staff only.
        "history": history_for_programme(programme)[:HISTORY_LIMIT]
        if access.can(request.user, Action.VIEW_PRIVATE, programme)
        else None,
    }
    return render(request, "programmes/programme_detail.html", context, status=status)


@require_GET
def programme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    programme = access.get_for_user(request.user, selectors.programme_by_slug(slug), Action.VIEW)
    return _programme_page(request, programme)


@require_POST
@login_required
def participation_add(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    programme = access.get_for_user(request.user, selectors.programme_by_slug(slug), Action.EDIT)
    form = ParticipationAddForm(request.POST, programme=programme)
    if form.is_valid():
        try:
            participation = services.participation_add(
                acting_user=request.user,
                phase=form.cleaned_data["phase"],
                hromada=form.cleaned_data["hromada"],
                joined_on=form.cleaned_data["joined_on"],
            )
        except ValidationError as error:
            _add_errors(form, error, default_field="hromada")
        else:
            messages.success(
                request,
                _("%(hromada)s now takes part in %(phase)s.")
                % {"hromada": participation.hromada.name_uk, "phase": participation.phase.name},
            )
            return HttpResponseRedirect(
                reverse("programmes:programme-detail", kwargs={"slug": programme.slug}) + "#participants"
            )
    return _programme_page(request, programme, form=form, status=400)


@require_POST
@login_required
def participation_remove(request: AuthenticatedHttpRequest, slug: str, participation_id: int) -> HttpResponse:
    programme = access.get_for_user(request.user, Programme.objects.all(), Action.EDIT, slug=slug)
    # Access is the programme's (checked above); the participation only has to belong to it.
    participation = get_object_or_404(
        Participation.objects.select_related("phase", "phase__programme", "hromada"),
        pk=participation_id,
        phase__programme=programme,
    )
    try:
        services.participation_remove(acting_user=request.user, participation=participation)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("%(hromada)s no longer takes part in %(phase)s.")
            % {"hromada": participation.hromada.name_uk, "phase": participation.phase.name},
        )
    return HttpResponseRedirect(
        reverse("programmes:programme-detail", kwargs={"slug": programme.slug}) + "#participants"
    )


@require_GET
def organisation_detail(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = access.get_for_user(request.user, selectors.organisation_by_id(organisation_id), Action.VIEW)
    can_view_private = access.can(request.user, Action.VIEW_PRIVATE, organisation)
    context = {
        "nav": "programmes",
        "organisation": organisation,
        "can_view_members": can_view_private,
        "can_edit": access.can(request.user, Action.EDIT, organisation),
        # Staff and the organisation's own experts see who changed its profile.
        "history": history_for(organisation)[:HISTORY_LIMIT] if can_view_private else None,
    }
    return render(request, "programmes/organisation_detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def organisation_edit(request: AuthenticatedHttpRequest, organisation_id: int) -> HttpResponse:
    organisation = access.get_for_user(request.user, selectors.organisation_by_id(organisation_id), Action.EDIT)
    conflict: Organisation | None = None
    if request.method != "POST":
        form = OrganisationForm(initial=OrganisationForm.initial_for(organisation))
        return _organisation_form_page(request, organisation, form)

    form = OrganisationForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.organisation_update(
                acting_user=request.user,
                organisation=organisation,
                expected_version=data["version"],
                kind=data["kind"],
                name_uk=data["name_uk"],
                name_en=data["name_en"],
                name_nl=data["name_nl"],
                country=data["country"],
                website=data["website"],
                hromada=data["hromada"],
                dutch_municipality=data["dutch_municipality"],
            )
        except EditConflict:
            # Someone saved in between: show what they saved, keep what this person typed, and let them
            # save again on top of the new version once they have compared the two.
            conflict = selectors.organisation_by_id(organisation.pk).get()
            post = request.POST.copy()
            post["version"] = str(conflict.version)
            form = OrganisationForm(post)
            form.is_valid()
            return _organisation_form_page(request, conflict, form, conflict=conflict, status=409)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The organisation was saved."))
            return HttpResponseRedirect(reverse("programmes:organisation-detail", kwargs={"organisation_id": saved.pk}))
    return _organisation_form_page(request, organisation, form, status=400)


@require_http_methods(["GET", "POST"])
@login_required
def organisation_create(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """A new organisation taking part in the programme (a partner municipality, a safety region, …);
    programme staff only."""
    programme = access.get_for_user(request.user, selectors.programme_by_slug(slug), Action.EDIT)
    if request.method != "POST":
        form = OrganisationCreateForm(initial=OrganisationCreateForm.initial_from_query(request.GET))
        return _organisation_create_page(request, programme, form)
    form = OrganisationCreateForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            organisation = services.organisation_create(
                acting_user=request.user,
                kind=data["kind"],
                name_uk=data["name_uk"],
                name_en=data["name_en"],
                name_nl=data["name_nl"],
                country=data["country"],
                website=data["website"],
                hromada=data["hromada"],
                dutch_municipality=data["dutch_municipality"],
                programmes=[programme],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("%(organisation)s now takes part in %(programme)s.")
                % {"organisation": organisation.name, "programme": programme.name},
            )
            return HttpResponseRedirect(
                reverse("programmes:organisation-detail", kwargs={"organisation_id": organisation.pk})
            )
    return _organisation_create_page(request, programme, form, status=400)


def _organisation_create_page(
    request: HttpRequest, programme: Programme, form: OrganisationCreateForm, *, status: int = 200
) -> HttpResponse:
    context = {"nav": "programmes", "programme": programme, "form": form}
    return render(request, "programmes/organisation_create.html", context, status=status)


def _organisation_form_page(
    request: HttpRequest,
    organisation: Organisation,
    form: OrganisationForm,
    *,
    conflict: Organisation | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {"nav": "programmes", "organisation": organisation, "form": form, "conflict": conflict}
    return render(request, "programmes/organisation_form.html", context, status=status)


def _add_errors(form: Any, error: ValidationError, *, default_field: str | None = None) -> None:
    """Show a service's ValidationError next to the fields it names (or above the form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return
    if default_field is not None and default_field in form.fields:
        form.add_error(default_field, error)
    else:
        form.add_error(NON_FIELD_ERRORS, error)
