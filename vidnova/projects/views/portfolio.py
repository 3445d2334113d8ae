"""The portfolio of project ideas: per hromada (?hromada=KATOTTG), across a programme (?programme=slug)
or everything, with filters, a sortable table, totals over every filtered project (per currency and
converted with the dated rates) and data-quality warnings for insiders.

The portfolio is public (project ideas are public records, as in DREAM); it never shows exact
locations. Views are thin: parse the filters with a form, read with the selectors, render.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from vidnova.accounts import access
from vidnova.accounts.access import Action
from vidnova.plans.models import Plan
from vidnova.programmes.models import Programme
from vidnova.projects import codelists, money
from vidnova.projects.forms.fiche import PortfolioFilterForm
from vidnova.projects.models import FinancingLine, Project
from vidnova.projects.selectors import portfolio as selectors
from vidnova.projects.selectors import quality
from vidnova.registry.models import Hromada

PROJECTS_PER_PAGE = 50
QUALITY_LIMIT = 5000  # above this many filtered projects, warnings ask for narrower filters
QUALITY_LIST_LIMIT = 200  # warnings listed on the page (the count is always complete)
FILTER_KEYS = ("hromada", "programme", "sector", "state", "readiness", "security_status", "gap", "plan")


def _url(base: str, params: Mapping[str, Any]) -> str:
    query = urlencode({key: value for key, value in params.items() if value not in ("", None)})
    return f"{base}?{query}" if query else base


@dataclass
class Row:
    project: Project
    sectors: list[str]
    totals: money.Totals


@dataclass
class SortLink:
    key: str
    url: str
    direction: str  # "ascending" | "descending" | "" (not sorted by this column)


def _sort_links(base: str, params: Mapping[str, Any], current: str) -> dict[str, SortLink]:
    links: dict[str, SortLink] = {}
    for key in selectors.SORTS:
        if current == key:
            links[key] = SortLink(key, _url(base, {**params, "sort": f"-{key}"}), "ascending")
        elif current == f"-{key}":
            links[key] = SortLink(key, _url(base, {**params, "sort": key}), "descending")
        else:
            links[key] = SortLink(key, _url(base, {**params, "sort": key}), "")
    return links


@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    hromada = programme = None
    katottg = request.GET.get("hromada", "").strip()
    slug = request.GET.get("programme", "").strip()
    if katottg:
        hromada = Hromada.objects.filter(katottg=katottg).select_related("oblast").first()
        if hromada is None:
            raise Http404
    if slug:
        programme = Programme.objects.filter(slug=slug).first()
        if programme is None:
            raise Http404
    plans: list[Plan] = []
    if hromada is not None:
        plans = list(Plan.objects.filter(hromada=hromada).order_by("-starts_on", "pk"))
    elif programme is not None:
        plans = list(Plan.objects.filter(programme=programme).select_related("hromada").order_by("-starts_on", "pk"))
    form = PortfolioFilterForm(request.GET, plans=plans)
    filters = form.filters()
    queryset = selectors.portfolio(filters)
    totals = selectors.totals(queryset)

    page = Paginator(
        queryset.prefetch_related(Prefetch("financing_lines", queryset=FinancingLine.objects.order_by("pk"))),
        PROJECTS_PER_PAGE,
    ).get_page(request.GET.get("page"))
    rates = money.RateTable(totals.on)
    rows = [
        Row(
            project=project,
            sectors=[codelists.label("sectors", code) for code in project.sectors or []],
            totals=money.totals(project, on=totals.on, rates=rates),
        )
        for project in page.object_list
    ]

    roles = access.roles_of(user)
    show_quality = bool(user.is_authenticated and (user.is_superuser or roles.is_member_anywhere))
    warnings: list[quality.QualityWarning] = []
    too_many_for_quality = totals.count > QUALITY_LIMIT
    titles: dict[int, str] = {}
    if show_quality and not too_many_for_quality and totals.count:
        warnings = quality.check(queryset)
        shown_ids = {w.project_id for w in warnings[:QUALITY_LIST_LIMIT]}
        titles = dict(Project.objects.filter(pk__in=shown_ids).values_list("pk", "title_uk"))

    params = {key: request.GET.get(key, "") for key in FILTER_KEYS}
    current_sort = filters.sort
    base = reverse("projects:project-list")
    filter_query = urlencode({key: value for key, value in params.items() if value})
    can_create = hromada is not None and access.can(user, Action.EDIT, hromada)
    pages: dict[str, str] = {}
    list_params = {**params, "sort": request.GET.get("sort", "")}
    if page.has_previous():
        pages["first"] = _url(base, list_params)
        pages["previous"] = _url(base, {**list_params, "page": page.previous_page_number()})
    if page.has_next():
        pages["next"] = _url(base, {**list_params, "page": page.next_page_number()})
        pages["last"] = _url(base, {**list_params, "page": page.paginator.num_pages})
    return render(
        request,
        "projects/portfolio_list.html",
        {
            "nav": "projects",
            "form": form,
            "hromada": hromada,
            "programme": programme,
            "rows": rows,
            "page_obj": page,
            "pages": pages,
            "totals": totals,
            "sort_links": _sort_links(base, params, current_sort),
            "filtered": any(params[key] for key in FILTER_KEYS if key not in ("hromada", "programme")),
            "clear_url": _url(base, {"hromada": params["hromada"], "programme": params["programme"]}),
            "filter_query": filter_query,
            "show_quality": show_quality,
            "warnings": [(w, titles.get(w.project_id, "")) for w in warnings[:QUALITY_LIST_LIMIT]],
            "warning_count": len(warnings),
            "warning_projects": len({w.project_id for w in warnings}),
            "warnings_cut": len(warnings) > QUALITY_LIST_LIMIT,
            "quality_limit": QUALITY_LIMIT,
            "too_many_for_quality": show_quality and too_many_for_quality,
            "can_create": can_create,
            "create_url": _url(reverse("projects:project-create"), {"hromada": hromada.katottg}) if hromada else "",
            "can_manage_rates": access.can(user, Action.VIEW_PRIVATE),
            "today": timezone.localdate(),
            "zero": Decimal(0),
        },
    )


urlpatterns: list[URLPattern] = [
    path("", project_list, name="project-list"),
]
