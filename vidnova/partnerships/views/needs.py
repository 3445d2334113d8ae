"""Hromada needs for partner expertise in a programme: the programme's list, a hromada's page with
where each need came from, needs typed by hand and the partner search profile.

The list is for the programme's staff and partner experts; hromada members are sent to their own
hromada's page, everyone else gets 404. A hromada's page is read by staff, the hromada's members and the programme's
partner experts; staff and the hromada's editors change needs and the profile, others get 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import formats
from django.utils.dateparse import parse_date
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from vidnova.accounts import access
from vidnova.accounts.access import Action
from vidnova.core.exceptions import EditConflict
from vidnova.core.types import AuthenticatedHttpRequest
from vidnova.partnerships.forms.needs import NeedFilterForm, NeedForm, NeedStatusForm, ProfileForm
from vidnova.partnerships.models import HromadaPartnerProfile, Need, NeedStatus, Partnership, PartnershipStatus
from vidnova.partnerships.selectors.needs import (
    SOURCE_ASSESSMENT,
    SOURCE_PROJECT,
    HromadaNeed,
    needs_for,
    needs_of,
    profile_of,
    profiles_for,
    programme_hromadas,
)
from vidnova.partnerships.selectors.offers import language_name
from vidnova.partnerships.services import needs as services
from vidnova.partnerships.views.offers import base_context, mode_label, place_errors, url_with
from vidnova.programmes.models import Programme
from vidnova.registry.models import Hromada, TopLevelUnit

HROMADAS_PER_PAGE = 50


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else formats.number_format(value, 1)


def need_source_text(need: HromadaNeed) -> SafeString:
    """Where a need came from, in words (with a link to the project idea)."""
    facts = need.facts
    if need.source == SOURCE_ASSESSMENT:
        language = (get_language() or "en")[:2]
        labels = facts.get("dimension_label") or {}
        day = parse_date(str(facts.get("validated_on") or ""))
        return format_html(
            "{}",
            _(
                "Dimension %(dimension)s at %(score)s/100 in the assessment validated on %(day)s (threshold %(threshold)s)"
            )
            % {
                "dimension": labels.get(language) or labels.get("en") or facts.get("dimension", ""),
                "score": _number(facts.get("score", 0)),
                "day": formats.date_format(day, "DATE_FORMAT") if day else "—",
                "threshold": _number(facts.get("threshold", 0)),
            },
        )
    if need.source == SOURCE_PROJECT:
        title = facts.get("project_title") or ""
        if (get_language() or "uk").startswith("en") and facts.get("project_title_en"):
            title = facts["project_title_en"]
        link = format_html(
            '<a href="{}">{}</a>',
            reverse("projects:project-detail", kwargs={"pk": facts.get("project_id")}),
            facts.get("project_code", ""),
        )
        return format_html(_("Project idea {code}: {title} seeks partner expertise"), code=link, title=title)
    description = facts.get("description") or ""
    if description:
        return format_html(_("Entered by hand: {description}"), description=description)
    return format_html("{}", _("Entered by hand"))


def source_label(source: str) -> str:
    return {"assessment": _("assessment"), "project": _("project idea"), "manual": _("entered by hand")}.get(
        source, source
    )


@dataclass(frozen=True)
class NeedRow:
    need: HromadaNeed
    percent: int
    source_label: str
    source_text: SafeString


def _rows(needs: list[HromadaNeed]) -> list[NeedRow]:
    return [
        NeedRow(need, round(need.severity * 100), source_label(need.source), need_source_text(need)) for need in needs
    ]


def _programme(slug: str) -> Programme:
    programme = Programme.objects.filter(slug=slug).first()
    if programme is None:
        raise Http404
    return programme


def _programme_hromada(slug: str, katottg: str) -> tuple[Programme, Hromada]:
    programme = _programme(slug)
    hromada = programme_hromadas(programme).filter(katottg=katottg).first()
    if hromada is None:
        raise Http404
    return programme, hromada


def _filter_needs(needs: list[HromadaNeed], filters: dict[str, Any]) -> list[HromadaNeed]:
    if filters.get("theme"):
        needs = [n for n in needs if n.theme.code == filters["theme"]]
    if filters.get("field"):
        needs = [n for n in needs if str(n.theme.field) == str(filters["field"])]
    if filters.get("source"):
        needs = [n for n in needs if n.source == filters["source"]]
    return needs


@require_GET
def need_list(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(slug)
    # Staff and the programme's partner experts (a profile without a hromada asks exactly that).
    if not access.can(request.user, Action.VIEW, HromadaPartnerProfile(programme=programme)):
        # A hromada member (the sub-navigation links here) goes to their own hromada's page.
        member_of = access.roles_of(request.user).hromada_member_of
        own = programme_hromadas(programme).filter(pk__in=member_of).first() if member_of else None
        if own is None:
            raise Http404
        return HttpResponseRedirect(_hromada_url(programme, own))
    oblasts = list(
        TopLevelUnit.objects.filter(hromadas__participations__phase__programme=programme).distinct().order_by("name_uk")
    )
    form = NeedFilterForm(request.GET, oblasts=oblasts)
    filters = form.filters()
    queryset = programme_hromadas(programme)
    if filters.get("oblast"):
        queryset = queryset.filter(oblast__katottg=filters["oblast"])
    if filters.get("type"):
        queryset = queryset.filter(hromada_type=filters["type"])
    hromadas = list(queryset)
    needs = needs_for(programme, hromadas)
    profiles = profiles_for(programme, hromadas)
    need_filtered = any(filters.get(key) for key in ("theme", "field", "source"))
    rows: list[dict[str, Any]] = []
    for hromada in hromadas:
        shown = _filter_needs(needs[hromada.pk], filters)
        if need_filtered and not shown:
            continue
        if filters.get("seeks") and not profiles[hromada.pk].seeks_partner:
            continue
        rows.append({"hromada": hromada, "profile": profiles[hromada.pk], "needs": shown})
    page = Paginator(rows, HROMADAS_PER_PAGE).get_page(request.GET.get("page"))
    page_rows = list(page.object_list)
    counts = dict(
        Partnership.objects.filter(programme=programme, hromada_id__in=[row["hromada"].pk for row in page_rows])
        .exclude(status=PartnershipStatus.CLOSED)
        .values("hromada_id")
        .annotate(count=Count("pk"))
        .values_list("hromada_id", "count")
    )
    for row in page_rows:
        row["need_rows"] = _rows(row["needs"])
        row["partnerships"] = counts.get(row["hromada"].pk, 0)
    params = {key: request.GET.get(key, "") for key in ("theme", "field", "source", "oblast", "type", "seeks")}
    base = reverse("partnerships:need-list", kwargs={"slug": programme.slug})
    pages: dict[str, str] = {}
    if page.has_previous():
        pages["previous"] = url_with(base, {**params, "page": page.previous_page_number()})
    if page.has_next():
        pages["next"] = url_with(base, {**params, "page": page.next_page_number()})
    return render(
        request,
        "partnerships/needs_list.html",
        base_context(
            request,
            "needs",
            programme=programme,
            form=form,
            rows=page_rows,
            page_obj=page,
            pages=pages,
            filtered=any(params.values()),
            clear_url=base,
            hromada_total=len(hromadas),
            seeking_total=sum(1 for h in hromadas if profiles[h.pk].seeks_partner),
        ),
    )


def _hromada_url(programme: Programme, hromada: Hromada, anchor: str = "") -> str:
    url = reverse("partnerships:hromada-needs", kwargs={"slug": programme.slug, "katottg": hromada.katottg})
    return f"{url}#{anchor}" if anchor else url


@require_GET
def hromada_needs(request: HttpRequest, slug: str, katottg: str) -> HttpResponse:
    programme, hromada = _programme_hromada(slug, katottg)
    probe = HromadaPartnerProfile(programme=programme, hromada=hromada)
    access.require(request.user, Action.VIEW, probe)
    can_edit = access.can(request.user, Action.EDIT, probe)
    profile = profile_of(programme, hromada)
    closed = list(
        Need.objects.filter(programme=programme, hromada=hromada)
        .exclude(status=NeedStatus.OPEN)
        .select_related("theme")
        .order_by("-updated_at", "-pk")
    )
    needs = needs_of(programme, hromada)
    partnerships = list(
        Partnership.objects.filter(programme=programme, hromada=hromada)
        .prefetch_related("partner_links__organisation")
        .order_by("-created_at", "-pk")
    )
    return render(
        request,
        "partnerships/need_hromada.html",
        base_context(
            request,
            "needs",
            programme=programme,
            hromada=hromada,
            need_rows=_rows(needs),
            closed=closed,
            profile=profile,
            profile_languages=[language_name(code) for code in profile.languages],
            profile_modes=[mode_label(code) for code in profile.preferred_modes],
            partnerships=partnerships,
            can_edit=can_edit,
            can_list=access.can(request.user, Action.VIEW, HromadaPartnerProfile(programme=programme)),
            reopen=NeedStatus.OPEN.value,
        ),
    )


def _need_page(
    request: HttpRequest,
    *,
    programme: Programme,
    hromada: Hromada,
    form: NeedForm,
    need: Need | None,
    conflict: Need | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "partnerships/need_form.html",
        base_context(
            request,
            "needs",
            programme=programme,
            hromada=hromada,
            form=form,
            need=need,
            conflict=conflict,
            statuses=[(value, capfirst(label)) for value, label in NeedStatus.choices if need and value != need.status],
        ),
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def need_create(request: AuthenticatedHttpRequest, slug: str, katottg: str) -> HttpResponse:
    programme, hromada = _programme_hromada(slug, katottg)
    probe = Need(programme=programme, hromada=hromada)
    access.require(request.user, Action.EDIT, probe, visible_with=Action.VIEW_PRIVATE)
    if request.method == "POST":
        form = NeedForm(request.POST)
        if form.is_valid():
            try:
                services.need_create(
                    acting_user=request.user,
                    programme=programme,
                    hromada=hromada,
                    theme=form.cleaned_data["theme"],
                    severity=form.cleaned_data["severity"],
                    description=form.cleaned_data["description"],
                )
            except ValidationError as error:
                place_errors(error, form)
            else:
                messages.success(request, _("The need was added."))
                return HttpResponseRedirect(_hromada_url(programme, hromada, "needs"))
        return _need_page(request, programme=programme, hromada=hromada, form=form, need=None, status=400)
    theme = request.GET.get("theme", "")
    return _need_page(
        request,
        programme=programme,
        hromada=hromada,
        form=NeedForm(initial={"severity": 2, "theme": theme}),
        need=None,
    )


@login_required
@require_http_methods(["GET", "POST"])
def need_edit(request: AuthenticatedHttpRequest, need_id: int) -> HttpResponse:
    need = access.get_for_user(
        request.user,
        Need.objects.select_related("programme", "hromada", "theme"),
        Action.EDIT,
        visible_with=Action.VIEW_PRIVATE,
        pk=need_id,
    )
    programme, hromada = need.programme, need.hromada
    if request.method == "POST" and "status" in request.POST:
        status_form = NeedStatusForm(request.POST)
        if not status_form.is_valid():
            messages.error(request, _("Choose open, addressed or withdrawn."))
            return HttpResponseRedirect(_hromada_url(programme, hromada, "needs"))
        try:
            services.need_set_status(
                acting_user=request.user,
                need=need,
                status=status_form.cleaned_data["status"],
                expected_version=status_form.cleaned_data.get("version"),
            )
        except EditConflict:
            messages.error(request, _("Someone saved this need in the meantime. Check it and try again."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The need's status was changed."))
        return HttpResponseRedirect(_hromada_url(programme, hromada, "needs"))
    if request.method == "POST":
        form = NeedForm(request.POST)
        if form.is_valid():
            try:
                services.need_update(
                    acting_user=request.user,
                    need=need,
                    data={
                        "theme": form.cleaned_data["theme"],
                        "severity": form.cleaned_data["severity"],
                        "description": form.cleaned_data["description"],
                    },
                    expected_version=form.cleaned_data.get("version"),
                )
            except EditConflict:
                current = Need.objects.select_related("theme").get(pk=need.pk)
                post = request.POST.copy()
                post["version"] = str(current.version)
                form = NeedForm(post)
                form.is_valid()
                return _need_page(
                    request, programme=programme, hromada=hromada, form=form, need=current, conflict=current, status=409
                )
            except ValidationError as error:
                place_errors(error, form)
            else:
                messages.success(request, _("The need was saved."))
                return HttpResponseRedirect(_hromada_url(programme, hromada, "needs"))
        return _need_page(request, programme=programme, hromada=hromada, form=form, need=need, status=400)
    form = NeedForm(
        initial={
            "theme": need.theme.code,
            "severity": need.severity,
            "description": need.description,
            "version": need.version,
        }
    )
    return _need_page(request, programme=programme, hromada=hromada, form=form, need=need)


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: AuthenticatedHttpRequest, slug: str, katottg: str) -> HttpResponse:
    programme, hromada = _programme_hromada(slug, katottg)
    probe = HromadaPartnerProfile(programme=programme, hromada=hromada)
    access.require(request.user, Action.EDIT, probe, visible_with=Action.VIEW_PRIVATE)
    conflict: HromadaPartnerProfile | None = None
    status = 200
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                services.profile_save(
                    acting_user=request.user,
                    programme=programme,
                    hromada=hromada,
                    data=form.data_for_service(),
                    expected_version=form.cleaned_data.get("version"),
                )
            except EditConflict:
                conflict = profile_of(programme, hromada)
                post = request.POST.copy()
                post["version"] = str(conflict.version)
                form = ProfileForm(post)
                form.is_valid()
                status = 409
            except ValidationError as error:
                place_errors(error, form)
                status = 400
            else:
                messages.success(request, _("The partner search profile was saved."))
                return HttpResponseRedirect(_hromada_url(programme, hromada, "profile"))
        else:
            status = 400
    else:
        form = ProfileForm(initial=ProfileForm.initial_from(profile_of(programme, hromada)))
    return render(
        request,
        "partnerships/need_profile_form.html",
        base_context(
            request,
            "needs",
            programme=programme,
            hromada=hromada,
            form=form,
            conflict=conflict,
            conflict_languages=[language_name(code) for code in conflict.languages] if conflict else [],
            conflict_modes=[mode_label(code) for code in conflict.preferred_modes] if conflict else [],
        ),
        status=status,
    )


urlpatterns: list[URLPattern] = [
    path("programmes/<slug:slug>/needs/", need_list, name="need-list"),
    path("programmes/<slug:slug>/needs/<str:katottg>/", hromada_needs, name="hromada-needs"),
    path("programmes/<slug:slug>/needs/<str:katottg>/new/", need_create, name="need-create"),
    path("programmes/<slug:slug>/needs/<str:katottg>/profile/", profile_edit, name="profile-edit"),
    path("needs/<int:need_id>/edit/", need_edit, name="need-edit"),
]
