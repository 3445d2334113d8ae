"""The public overview of partnerships: a filterable list and a map of Ukraine and the Netherlands
side by side.

Partnerships are public records (hromada, partners, themes, status, dates); the number of logged
activities is shown only to insiders of each partnership (rules.py: ``VIEW_PRIVATE``). Both pages take
the same GET filters (programme, theme, field, status, oblast, partner country, text) and read through
``selectors.partnerships.visible_partnerships``; the text search is added here. Every query runs once
per page, not once per row (partners and themes are prefetched).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET

from vidnova.accounts import access
from vidnova.accounts.access import Action
from vidnova.partnerships import map as partnership_map
from vidnova.partnerships.models import Partnership, PartnershipPartner, PartnershipStatus, Theme
from vidnova.partnerships.selectors.common import partnership_programmes
from vidnova.partnerships.selectors.offers import FIELD_NAMES
from vidnova.partnerships.selectors.partnerships import visible_partnerships
from vidnova.programmes.models import Organisation, Programme
from vidnova.registry.models import TopLevelUnit, search_key

PARTNERSHIPS_PER_PAGE = 50
# The map numbers every partnership it shows; beyond this many the page asks for narrower filters.
MAP_LIMIT = 400
FILTER_KEYS = ("programme", "theme", "field", "status", "oblast", "country", "q")

# Countries partners come from: the EU's, Ukraine and a few neighbours. Pages show the ISO code as
# text (no flag images) with the name as its expansion.
COUNTRY_NAMES: dict[str, Any] = {
    "AT": gettext_lazy("Austria"),
    "BE": gettext_lazy("Belgium"),
    "BG": gettext_lazy("Bulgaria"),
    "CH": gettext_lazy("Switzerland"),
    "CY": gettext_lazy("Cyprus"),
    "CZ": gettext_lazy("Czechia"),
    "DE": gettext_lazy("Germany"),
    "DK": gettext_lazy("Denmark"),
    "EE": gettext_lazy("Estonia"),
    "ES": gettext_lazy("Spain"),
    "FI": gettext_lazy("Finland"),
    "FR": gettext_lazy("France"),
    "GB": gettext_lazy("United Kingdom"),
    "GR": gettext_lazy("Greece"),
    "HR": gettext_lazy("Croatia"),
    "HU": gettext_lazy("Hungary"),
    "IE": gettext_lazy("Ireland"),
    "IT": gettext_lazy("Italy"),
    "LT": gettext_lazy("Lithuania"),
    "LU": gettext_lazy("Luxembourg"),
    "LV": gettext_lazy("Latvia"),
    "MD": gettext_lazy("Moldova"),
    "MT": gettext_lazy("Malta"),
    "NL": gettext_lazy("Netherlands"),
    "NO": gettext_lazy("Norway"),
    "PL": gettext_lazy("Poland"),
    "PT": gettext_lazy("Portugal"),
    "RO": gettext_lazy("Romania"),
    "SE": gettext_lazy("Sweden"),
    "SI": gettext_lazy("Slovenia"),
    "SK": gettext_lazy("Slovakia"),
    "UA": gettext_lazy("Ukraine"),
}


def country_name(code: str) -> str:
    return str(COUNTRY_NAMES.get(code, code))


def _blank(choices: Sequence[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    return [("", _("any")), *choices]


class PartnershipFilterForm(forms.Form):
    programme = forms.ChoiceField(label=gettext_lazy("Programme"), required=False)
    theme = forms.ChoiceField(label=gettext_lazy("Theme"), required=False)
    field = forms.TypedChoiceField(
        label=pgettext_lazy("programme field filter", "Field"), required=False, coerce=int, empty_value=None
    )
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    oblast = forms.ChoiceField(label=gettext_lazy("Oblast"), required=False)
    country = forms.ChoiceField(label=gettext_lazy("Partner country"), required=False)
    q = forms.CharField(
        label=gettext_lazy("Hromada or partner"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_fields: dict[str, forms.ChoiceField] = {
            name: field for name, field in self.fields.items() if isinstance(field, forms.ChoiceField)
        }
        choice_fields["programme"].choices = _blank(
            [(programme.slug, programme.name) for programme in Programme.objects.order_by("name_uk")]
        )
        choice_fields["theme"].choices = _blank(
            [(theme.code, theme.name) for theme in Theme.objects.filter(is_active=True).order_by("field", "sort_order")]
        )
        choice_fields["field"].choices = _blank([(number, f"{number}. {name}") for number, name in FIELD_NAMES.items()])
        choice_fields["status"].choices = _blank(PartnershipStatus.choices)
        choice_fields["oblast"].choices = _blank(
            [(unit.katottg, unit.name_uk) for unit in TopLevelUnit.objects.order_by("name_sort")]
        )
        countries = (
            Organisation.objects.filter(pk__in=PartnershipPartner.objects.values("organisation_id"))
            .values_list("country", flat=True)
            .distinct()
        )
        choice_fields["country"].choices = _blank(
            sorted(((code, f"{country_name(code)} ({code})") for code in set(countries)), key=lambda item: item[1])
        )

    def filters(self) -> dict[str, Any]:
        """The valid filters (an invalid one is reported on the page and ignored)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {key: data[key] for key in FILTER_KEYS if data.get(key) not in (None, "")}


def filtered_partnerships(user: Any, filters: Mapping[str, Any]) -> QuerySet[Partnership]:
    """Partnerships matching ``filters``, with what the list and the map show loaded in a constant
    number of queries (partners with their Dutch municipality, themes, the hromada and its oblast)."""
    queryset = visible_partnerships(user, {key: value for key, value in filters.items() if key != "q"})
    text = str(filters.get("q") or "").strip()
    if text:
        key = search_key(text)
        partner_names = PartnershipPartner.objects.filter(partnership=OuterRef("pk")).filter(
            Q(organisation__name_uk__icontains=text)
            | Q(organisation__name_en__icontains=text)
            | Q(organisation__name_nl__icontains=text)
            | Q(organisation__dutch_municipality__search_text__contains=key)
        )
        queryset = queryset.filter(
            Q(hromada__search_text__contains=key) | Q(title__icontains=text) | Exists(partner_names)
        )
    return queryset.prefetch_related(None).prefetch_related(
        Prefetch(
            "partner_links",
            queryset=PartnershipPartner.objects.select_related("organisation", "organisation__dutch_municipality"),
        ),
        Prefetch("themes", queryset=Theme.objects.order_by("field", "sort_order")),
    )


def _url(base: str, params: Mapping[str, Any]) -> str:
    query = urlencode({key: value for key, value in params.items() if value not in ("", None)})
    return f"{base}?{query}" if query else base


@dataclass(frozen=True)
class StatusCount:
    value: str
    label: str
    count: int
    url: str
    current: bool


def _status_counts(user: Any, filters: Mapping[str, Any], base: str, params: Mapping[str, str]) -> list[StatusCount]:
    """How many partnerships each status has under the other filters (one query)."""
    others = {key: value for key, value in filters.items() if key != "status"}
    counts = dict(
        filtered_partnerships(user, others)
        .prefetch_related(None)
        .order_by()
        .values_list("status")
        .annotate(total=Count("pk"))
        .values_list("status", "total")
    )
    return [
        StatusCount(
            value=value,
            label=str(label),
            count=counts.get(value, 0),
            url=_url(base, {**params, "status": value, "page": ""}),
            current=filters.get("status") == value,
        )
        for value, label in PartnershipStatus.choices
    ]


@dataclass
class Row:
    partnership: Partnership
    partners: list[partnership_map.PartnerShown]
    themes: list[Theme]
    fields: list[int]
    activities: int | None  # None: the reader may not see the activity log


def _context(request: HttpRequest, form: PartnershipFilterForm, section: str) -> dict[str, Any]:
    params = {key: request.GET.get(key, "").strip() for key in FILTER_KEYS}
    return {
        "nav": "partnerships",
        "section": section,
        "form": form,
        "params": params,
        "filtered": any(params.values()),
        "partnership_programmes": partnership_programmes(request.user),
        "list_url": _url(reverse("partnerships:partnership-list"), params),
        "map_url": _url(reverse("partnerships:partnership-map"), params),
    }


@require_GET
def partnership_list(request: HttpRequest) -> HttpResponse:
    form = PartnershipFilterForm(request.GET)
    filters = form.filters()
    queryset = filtered_partnerships(request.user, filters).annotate(activity_count=Count("activities"))
    page = Paginator(queryset, PARTNERSHIPS_PER_PAGE).get_page(request.GET.get("page"))
    rows = []
    for partnership in page.object_list:
        themes = list(partnership.themes.all())
        rows.append(
            Row(
                partnership=partnership,
                partners=partnership_map.partners_shown(partnership.partner_links.all(), COUNTRY_NAMES),
                themes=themes,
                fields=sorted({theme.field for theme in themes}),
                activities=(
                    getattr(partnership, "activity_count", 0)
                    if access.can(request.user, Action.VIEW_PRIVATE, partnership)
                    else None
                ),
            )
        )
    context = _context(request, form, "list")
    base = reverse("partnerships:partnership-list")
    params = context["params"]
    pages: dict[str, str] = {}
    if page.has_previous():
        pages["first"] = _url(base, params)
        pages["previous"] = _url(base, {**params, "page": page.previous_page_number()})
    if page.has_next():
        pages["next"] = _url(base, {**params, "page": page.next_page_number()})
        pages["last"] = _url(base, {**params, "page": page.paginator.num_pages})
    context.update(
        {
            "rows": rows,
            "page_obj": page,
            "pages": pages,
            "total": page.paginator.count,
            "status_counts": _status_counts(request.user, filters, base, params),
            "show_activities": any(row.activities is not None for row in rows),
            "clear_url": base,
        }
    )
    return render(request, "partnerships/partnership_list.html", context)


@require_GET
def partnership_map_view(request: HttpRequest) -> HttpResponse:
    form = PartnershipFilterForm(request.GET)
    filters = form.filters()
    queryset = filtered_partnerships(request.user, filters).order_by("hromada__name_sort", "hromada_id", "pk")
    partnerships = list(queryset[: MAP_LIMIT + 1])
    cut = len(partnerships) > MAP_LIMIT
    drawing = partnership_map.build(partnerships[:MAP_LIMIT], country_names=COUNTRY_NAMES)
    context = _context(request, form, "map")
    context.update(
        {
            "drawing": drawing,
            "ukraine_svg": partnership_map.render_ukraine(drawing),
            "netherlands_svg": partnership_map.render_netherlands(drawing),
            "cut": cut,
            "map_limit": MAP_LIMIT,
            "statuses": PartnershipStatus.choices,
            "clear_url": reverse("partnerships:partnership-map"),
        }
    )
    return render(request, "partnerships/partnership_map.html", context)


urlpatterns: list[URLPattern] = [
    path("", partnership_list, name="partnership-list"),
    path("map/", partnership_map_view, name="partnership-map"),
]
