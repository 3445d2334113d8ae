"""Partner organisations: the public list and profile, and their contact persons.

Profiles are public (kind, country, website, registry entry, languages, offers, partnerships); contact
persons are for insiders only: outsiders and anonymous visitors never see names, emails or phones,
and get 404 on the contact pages. The organisation's partner experts and programme staff add,
change and remove contacts; read-only members get 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from vidnova.accounts import access
from vidnova.accounts.access import Action
from vidnova.core.exceptions import EditConflict
from vidnova.core.types import AuthenticatedHttpRequest
from vidnova.partnerships.forms.offers import ContactForm, PartnerFilterForm
from vidnova.partnerships.models import ExpertiseOffer, OfferStatus, PartnerContact, Partnership
from vidnova.partnerships.selectors.common import staff_programmes
from vidnova.partnerships.selectors.offers import (
    PARTNER_KINDS,
    organisation_languages,
    partner_organisations,
    places_taken,
)
from vidnova.partnerships.services import contacts as services
from vidnova.partnerships.views.offers import (
    base_context,
    contact_rows,
    language_names,
    mode_label,
    place_errors,
    url_with,
)
from vidnova.programmes.models import Organisation
from vidnova.registry.models import DutchMunicipality

PARTNERS_PER_PAGE = 50


@require_GET
def partner_list(request: HttpRequest) -> HttpResponse:
    countries = sorted(set(Organisation.objects.filter(kind__in=PARTNER_KINDS).values_list("country", flat=True)))
    form = PartnerFilterForm(request.GET, countries=countries)
    filters = form.filters()
    queryset = partner_organisations().order_by("name_uk", "pk")
    if filters.get("kind"):
        queryset = queryset.filter(kind=filters["kind"])
    if filters.get("country"):
        queryset = queryset.filter(country=filters["country"])
    page = Paginator(queryset, PARTNERS_PER_PAGE).get_page(request.GET.get("page"))
    organisations = list(page.object_list)
    languages = organisation_languages(o.pk for o in organisations)
    rows = [
        {
            "organisation": organisation,
            "languages": language_names(languages.get(organisation.pk, ())),
        }
        for organisation in organisations
    ]
    params = {key: request.GET.get(key, "") for key in ("kind", "country")}
    base = reverse("partnerships:partner-list")
    pages: dict[str, str] = {}
    if page.has_previous():
        pages["previous"] = url_with(base, {**params, "page": page.previous_page_number()})
    if page.has_next():
        pages["next"] = url_with(base, {**params, "page": page.next_page_number()})
    return render(
        request,
        "partnerships/partner_list.html",
        base_context(
            request,
            "partners",
            form=form,
            rows=rows,
            page_obj=page,
            pages=pages,
            filtered=any(params.values()),
            clear_url=base,
            municipality_count=DutchMunicipality.objects.count(),
            staff_programmes=staff_programmes(request.user),
        ),
    )


def _load_organisation(request: HttpRequest, organisation_id: int) -> Organisation:
    return access.get_for_user(
        request.user,
        Organisation.objects.filter(kind__in=PARTNER_KINDS).select_related("dutch_municipality"),
        pk=organisation_id,
    )


def partner_url(organisation_id: int, anchor: str = "") -> str:
    url = reverse("partnerships:partner-detail", kwargs={"organisation_id": organisation_id})
    return f"{url}#{anchor}" if anchor else url


@require_GET
def partner_detail(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = _load_organisation(request, organisation_id)
    user = request.user
    probe_offer = ExpertiseOffer(organisation=organisation)
    may_edit_offers = access.can(user, Action.EDIT, probe_offer)
    offers_qs = ExpertiseOffer.objects.filter(organisation=organisation).prefetch_related("themes")
    if not may_edit_offers:
        offers_qs = offers_qs.exclude(status=OfferStatus.WITHDRAWN)
    offers = list(offers_qs.order_by("title", "pk"))
    taken = places_taken(offer.pk for offer in offers)
    today = timezone.localdate()
    offer_rows = [
        {
            "offer": offer,
            "themes": list(offer.themes.all()),
            "modes": [mode_label(code) for code in offer.modes],
            "left": max(offer.capacity - taken.get(offer.pk, 0), 0),
            "open_now": offer.status == OfferStatus.ACTIVE and offer.is_available_on(today),
        }
        for offer in offers
    ]
    partnerships = list(
        Partnership.objects.filter(partner_links__organisation=organisation)
        .select_related("hromada", "programme")
        .distinct()
        .order_by("-created_at", "-pk")
    )
    probe_contact = PartnerContact(organisation=organisation)
    contacts_visible = access.can(user, Action.VIEW, probe_contact)
    languages = organisation_languages([organisation.pk])[organisation.pk]
    return render(
        request,
        "partnerships/partner_detail.html",
        base_context(
            request,
            "partners",
            organisation=organisation,
            municipality=organisation.dutch_municipality,
            spoken_languages=language_names(languages),
            offer_rows=offer_rows,
            partnerships=partnerships,
            contact_rows=contact_rows(PartnerContact.objects.filter(organisation=organisation))
            if contacts_visible
            else None,
            can_edit_contacts=contacts_visible and access.can(user, Action.EDIT, probe_contact),
            can_add_offer=may_edit_offers,
        ),
    )


# --- contact persons -----------------------------------------------------------------------------


def _contact_page(
    request: HttpRequest,
    *,
    organisation: Organisation,
    form: ContactForm,
    contact: PartnerContact | None,
    conflict: PartnerContact | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "partnerships/contact_form.html",
        base_context(request, "partners", organisation=organisation, form=form, contact=contact, conflict=conflict),
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_create(request: AuthenticatedHttpRequest, organisation_id: int) -> HttpResponse:
    organisation = _load_organisation(request, organisation_id)
    access.require(
        request.user, Action.EDIT, PartnerContact(organisation=organisation), visible_with=Action.VIEW_PRIVATE
    )
    if request.method == "POST":
        form = ContactForm(request.POST)
        if form.is_valid():
            try:
                services.contact_create(
                    acting_user=request.user, organisation=organisation, data=form.data_for_service()
                )
            except ValidationError as error:
                place_errors(error, form)
            else:
                messages.success(request, _("The contact person was saved."))
                return HttpResponseRedirect(partner_url(organisation.pk, "contacts"))
        return _contact_page(request, organisation=organisation, form=form, contact=None, status=400)
    return _contact_page(request, organisation=organisation, form=ContactForm(), contact=None)


def _load_contact(request: HttpRequest, contact_id: int) -> PartnerContact:
    return access.get_for_user(
        request.user,
        PartnerContact.objects.select_related("organisation"),
        Action.EDIT,
        visible_with=Action.VIEW_PRIVATE,
        pk=contact_id,
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit(request: AuthenticatedHttpRequest, contact_id: int) -> HttpResponse:
    contact = _load_contact(request, contact_id)
    organisation = contact.organisation
    if request.method == "POST":
        form = ContactForm(request.POST)
        if form.is_valid():
            try:
                services.contact_update(
                    acting_user=request.user,
                    contact=contact,
                    data=form.data_for_service(),
                    expected_version=form.cleaned_data.get("version"),
                )
            except EditConflict:
                current = _load_contact(request, contact_id)
                post = request.POST.copy()
                post["version"] = str(current.version)
                form = ContactForm(post)
                form.is_valid()
                return _contact_page(
                    request, organisation=organisation, form=form, contact=current, conflict=current, status=409
                )
            except ValidationError as error:
                place_errors(error, form)
            else:
                messages.success(request, _("The contact person was saved."))
                return HttpResponseRedirect(partner_url(organisation.pk, "contacts"))
        return _contact_page(request, organisation=organisation, form=form, contact=contact, status=400)
    return _contact_page(
        request, organisation=organisation, form=ContactForm(initial=ContactForm.initial_from(contact)), contact=contact
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_delete(request: AuthenticatedHttpRequest, contact_id: int) -> HttpResponse:
    contact = _load_contact(request, contact_id)
    organisation = contact.organisation
    if request.method == "POST":
        services.contact_delete(acting_user=request.user, contact=contact)
        messages.success(request, _("The contact person was removed."))
        return HttpResponseRedirect(partner_url(organisation.pk, "contacts"))
    context: dict[str, Any] = base_context(request, "partners", organisation=organisation, contact=contact)
    return render(request, "partnerships/contact_delete.html", context)


urlpatterns: list[URLPattern] = [
    path("partners/", partner_list, name="partner-list"),
    path("partners/<int:organisation_id>/", partner_detail, name="partner-detail"),
    path("partners/<int:organisation_id>/contacts/new/", contact_create, name="contact-create"),
    path("contacts/<int:contact_id>/edit/", contact_edit, name="contact-edit"),
    path("contacts/<int:contact_id>/delete/", contact_delete, name="contact-delete"),
]
