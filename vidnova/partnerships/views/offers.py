"""The public catalogue of expertise offers, an offer's page, the offer form and its status.

Offers are public. Their organisation's partner experts and the programme staff add and change them
(others get 403 on writes). Contact persons show on an offer's page to insiders only.
Views are thin: parse with a form, call a selector or a service, render.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vidnova.accounts import access
from vidnova.accounts.access import Action, AnyUser
from vidnova.core.exceptions import EditConflict
from vidnova.core.types import AuthenticatedHttpRequest
from vidnova.partnerships.forms.offers import OfferFilterForm, OfferForm, OfferStatusForm
from vidnova.partnerships.models import ExpertiseOffer, OfferMode, OfferStatus, PartnerContact, Partnership
from vidnova.partnerships.selectors.common import partnership_programmes
from vidnova.partnerships.selectors.offers import (
    PARTNER_KINDS,
    field_name,
    language_name,
    offer_languages,
    places_taken,
    visible_offers,
)
from vidnova.partnerships.services import offers as services
from vidnova.programmes.models import Organisation

OFFERS_PER_PAGE = 25
FILTER_KEYS = ("theme", "field", "mode", "language", "country", "open")


def url_with(base: str, params: Mapping[str, Any]) -> str:
    query = urlencode({key: value for key, value in params.items() if value not in ("", None, False)})
    return f"{base}?{query}" if query else base


def place_errors(error: ValidationError, form: forms.Form) -> None:
    """Put a service's ValidationError next to the fields it names (the others above the form)."""
    if not hasattr(error, "error_dict"):
        form.add_error(NON_FIELD_ERRORS, error)
        return
    for key, errors in error.error_dict.items():
        form.add_error(key if key in form.fields else None, errors)


def base_context(request: HttpRequest, section: str, **extra: Any) -> dict[str, Any]:
    return {
        "nav": "partnerships",
        "section": section,
        "partnership_programmes": partnership_programmes(request.user),
        **extra,
    }


def mode_label(code: str) -> str:
    try:
        return str(capfirst(OfferMode(code).label))
    except ValueError:
        return code


def language_names(codes: Iterable[str]) -> list[str]:
    """The languages' names in the interface language, alphabetically."""
    return sorted(language_name(code) for code in codes)


def contact_rows(contacts: Iterable[PartnerContact]) -> list[tuple[PartnerContact, list[str]]]:
    return [(contact, [language_name(code) for code in contact.languages]) for contact in contacts]


def creatable_organisations(user: AnyUser) -> list[Organisation]:
    """Partner organisations the user may add offers (and contacts) for."""
    if not user.is_authenticated:
        return []
    queryset = Organisation.objects.filter(kind__in=PARTNER_KINDS).order_by("name_uk")
    roles = access.roles_of(user)
    if user.is_superuser or roles.is_programme_staff:
        return list(queryset)
    return list(queryset.filter(pk__in=roles.expert_of))


# --- the catalogue -------------------------------------------------------------------------------


@require_GET
def offer_list(request: HttpRequest) -> HttpResponse:
    countries = sorted(
        set(Organisation.objects.filter(kind__in=PARTNER_KINDS, offers__isnull=False).values_list("country", flat=True))
    )
    form = OfferFilterForm(request.GET, countries=countries)
    filters = form.filters()
    page = Paginator(visible_offers(request.user, filters), OFFERS_PER_PAGE).get_page(request.GET.get("page"))
    offers = list(page.object_list)
    languages = offer_languages(offers)
    today = timezone.localdate()
    rows = [
        {
            "offer": offer,
            "themes": list(offer.themes.all()),
            "modes": [mode_label(code) for code in offer.modes],
            "languages": language_names(languages.get(offer.pk, ())),
            "taken": offer.taken,  # type: ignore[attr-defined]
            "left": max(offer.capacity - offer.taken, 0),  # type: ignore[attr-defined]
            "open_now": offer.status == OfferStatus.ACTIVE and offer.is_available_on(today),
        }
        for offer in offers
    ]
    params = {key: request.GET.get(key, "") for key in FILTER_KEYS}
    base = reverse("partnerships:offer-list")
    pages: dict[str, str] = {}
    if page.has_previous():
        pages["previous"] = url_with(base, {**params, "page": page.previous_page_number()})
    if page.has_next():
        pages["next"] = url_with(base, {**params, "page": page.next_page_number()})
    editable = creatable_organisations(request.user)
    return render(
        request,
        "partnerships/offer_list.html",
        base_context(
            request,
            "offers",
            form=form,
            rows=rows,
            page_obj=page,
            pages=pages,
            filtered=any(params.values()),
            clear_url=base,
            can_create=bool(editable),
            create_url=url_with(
                reverse("partnerships:offer-create"), {"organisation": editable[0].pk if len(editable) == 1 else ""}
            ),
        ),
    )


# --- one offer -----------------------------------------------------------------------------------


def _load(request: HttpRequest, offer_id: int, action: Action = Action.VIEW) -> ExpertiseOffer:
    return access.get_for_user(
        request.user,
        ExpertiseOffer.objects.select_related("organisation", "organisation__dutch_municipality", "created_by"),
        action,
        pk=offer_id,
    )


def detail_url(offer: ExpertiseOffer) -> str:
    return reverse("partnerships:offer-detail", kwargs={"offer_id": offer.pk})


@require_GET
def offer_detail(request: HttpRequest, offer_id: int) -> HttpResponse:
    offer = _load(request, offer_id)
    user = request.user
    taken = places_taken([offer.pk])[offer.pk]
    contacts_visible = access.can(user, Action.VIEW, PartnerContact(organisation=offer.organisation))
    themes = list(offer.themes.all())
    partnerships = list(
        Partnership.objects.filter(offer=offer).select_related("hromada", "programme").order_by("-created_at", "-pk")
    )
    can_edit = access.can(user, Action.EDIT, offer)
    return render(
        request,
        "partnerships/offer_detail.html",
        base_context(
            request,
            "offers",
            offer=offer,
            themes=[(theme, field_name(theme.field)) for theme in themes],
            modes=[mode_label(code) for code in offer.modes],
            spoken_languages=language_names(offer_languages([offer])[offer.pk]),
            text_language=language_name(offer.text_language),
            taken=taken,
            left=max(offer.capacity - taken, 0),
            open_now=offer.status == OfferStatus.ACTIVE and offer.is_available_on(timezone.localdate()),
            partnerships=partnerships,
            contact_rows=contact_rows(PartnerContact.objects.filter(organisation=offer.organisation))
            if contacts_visible
            else None,
            can_edit=can_edit,
            status_form=OfferStatusForm(initial={"status": offer.status, "version": offer.version})
            if can_edit
            else None,
            statuses=[(value, capfirst(label)) for value, label in OfferStatus.choices if value != offer.status],
        ),
    )


def _form_page(
    request: HttpRequest,
    *,
    form: OfferForm,
    organisation: Organisation | None,
    offer: ExpertiseOffer | None,
    conflict: ExpertiseOffer | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "partnerships/offer_form.html",
        base_context(
            request,
            "offers",
            form=form,
            organisation=organisation,
            offer=offer,
            conflict=conflict,
            conflict_themes=list(conflict.themes.all()) if conflict is not None else [],
            conflict_modes=[mode_label(code) for code in conflict.modes] if conflict is not None else [],
        ),
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def offer_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    editable = creatable_organisations(request.user)
    if not editable:
        raise PermissionDenied
    organisation: Organisation | None = None
    raw = request.GET.get("organisation", "").strip()
    if raw:
        organisation = Organisation.objects.filter(pk=int(raw) if raw.isdigit() else 0, kind__in=PARTNER_KINDS).first()
        if organisation is None:
            raise Http404
        access.require(request.user, Action.EDIT, ExpertiseOffer(organisation=organisation))
    elif len(editable) == 1:
        organisation = editable[0]
    choices = None if organisation is not None else editable
    if request.method == "POST":
        form = OfferForm(request.POST, organisations=choices)
        if form.is_valid():
            target = organisation
            if target is None:
                target = next((o for o in editable if o.pk == form.cleaned_data["organisation"]), None)
            if target is None:
                form.add_error("organisation", _("Choose one of the listed organisations."))
            else:
                try:
                    offer = services.offer_create(
                        acting_user=request.user, organisation=target, data=form.data_for_service()
                    )
                except ValidationError as error:
                    place_errors(error, form)
                else:
                    messages.success(request, _("The offer was added to the catalogue."))
                    return HttpResponseRedirect(detail_url(offer))
        return _form_page(request, form=form, organisation=organisation, offer=None, status=400)
    form = OfferForm(
        organisations=choices,
        initial={
            "available_from": timezone.localdate(),
            "capacity": 1,
            "text_language": "en",
            "languages": ["en"],
        },
    )
    return _form_page(request, form=form, organisation=organisation, offer=None)


@login_required
@require_http_methods(["GET", "POST"])
def offer_edit(request: AuthenticatedHttpRequest, offer_id: int) -> HttpResponse:
    offer = _load(request, offer_id, Action.EDIT)
    if request.method == "POST":
        form = OfferForm(request.POST)
        if form.is_valid():
            try:
                offer = services.offer_update(
                    acting_user=request.user,
                    offer=offer,
                    data=form.data_for_service(),
                    expected_version=form.cleaned_data.get("version"),
                )
            except EditConflict:
                # Someone saved in between: show what they saved, keep what this person typed.
                current = _load(request, offer_id, Action.EDIT)
                post = request.POST.copy()
                post["version"] = str(current.version)
                form = OfferForm(post)
                form.is_valid()
                return _form_page(
                    request, form=form, organisation=current.organisation, offer=current, conflict=current, status=409
                )
            except ValidationError as error:
                place_errors(error, form)
            else:
                messages.success(request, _("The offer was saved."))
                return HttpResponseRedirect(detail_url(offer))
        return _form_page(request, form=form, organisation=offer.organisation, offer=offer, status=400)
    form = OfferForm(initial=OfferForm.initial_from(offer))
    return _form_page(request, form=form, organisation=offer.organisation, offer=offer)


@login_required
@require_POST
def offer_status(request: AuthenticatedHttpRequest, offer_id: int) -> HttpResponse:
    offer = _load(request, offer_id, Action.EDIT)
    form = OfferStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose open, paused or withdrawn."))
        return HttpResponseRedirect(detail_url(offer))
    try:
        services.offer_set_status(
            acting_user=request.user,
            offer=offer,
            status=form.cleaned_data["status"],
            expected_version=form.cleaned_data.get("version"),
        )
    except EditConflict:
        messages.error(
            request,
            _("Someone saved this offer while you were changing its status. Check the offer and try again."),
        )
    else:
        messages.success(request, _("The offer's status was changed."))
    return HttpResponseRedirect(detail_url(offer))


urlpatterns: list[URLPattern] = [
    path("offers/", offer_list, name="offer-list"),
    path("offers/new/", offer_create, name="offer-create"),
    path("offers/<int:offer_id>/", offer_detail, name="offer-detail"),
    path("offers/<int:offer_id>/edit/", offer_edit, name="offer-edit"),
    path("offers/<int:offer_id>/status/", offer_status, name="offer-status"),
]
