"""The cohort of an assessment round: every hromada of the round in one sortable, filterable table
with a heat map of its dimension scores, and the same table as XLSX or CSV. Read by the programme's
staff and partner experts (``rules.round_rule``); everyone else gets 404."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from html import escape
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from vidnova.accounts import access
from vidnova.accounts.access import Action
from vidnova.assessments.forms.cohort import ASCENDING, DESCENDING, CohortFilterForm, sort_from
from vidnova.assessments.models import Assessment, Round
from vidnova.assessments.selectors import cohort as selectors
from vidnova.core.uploads import XLSX

# All 1,469 hromadas of Ukraine fit in one page within the 150 KB compressed first-load budget (see
# benchmarks/bench_assessment_cohort.py), so a round is one page; a larger list would come in pages,
# sorted and filtered over all of it. The exports always hold every row.
ROWS_PER_PAGE = 1500
PLACEHOLDER_KATOTTG = "UA00000000000000000"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    title: str  # the full label (shown in <abbr title>) when ``label`` is a short code, else ""
    numeric: bool
    aria_sort: str  # "ascending", "descending" or "" (not sorted by this column)
    href: str


def _load_round(request: HttpRequest, pk: int) -> Round:
    return access.get_for_user(
        request.user,
        Round.objects.select_related("programme", "instrument_version__instrument"),
        Action.VIEW,
        pk=pk,
    )


def _prepare(request: HttpRequest, round_: Round) -> tuple[selectors.Cohort, CohortFilterForm, selectors.CohortSort]:
    cohort = selectors.cohort_of(round_, language=get_language(), today=timezone.localdate())
    form = CohortFilterForm(request.GET, round_=round_)
    return cohort, form, sort_from(request.GET, cohort)


def _query(form: CohortFilterForm, sort: selectors.CohortSort | None, **extra: str) -> str:
    """A query string with the current filters, ``sort`` and ``extra`` (empty values left out)."""
    params = {name: form.value(name) for name in form.fields}
    if sort is not None and sort != selectors.CohortSort():
        params.update(sort=sort.key, dir=DESCENDING if sort.descending else ASCENDING)
    params.update(extra)
    return urlencode({name: value for name, value in params.items() if value})


def _columns(cohort: selectors.Cohort, form: CohortFilterForm, sort: selectors.CohortSort) -> list[Column]:
    plain = [
        ("hromada", _("Hromada"), False),
        ("oblast", _("Oblast"), False),
        ("type", _("Type"), False),
        ("status", _("Security status today"), False),
        ("state", _("State"), False),
        ("completeness", _("Completeness, %"), True),
        ("overall", _("Overall score"), True),
    ]
    columns: list[tuple[str, str, str, bool]] = [(key, label, "", numeric) for key, label, numeric in plain]
    columns += [(f"field{n}", _("Field %(number)s") % {"number": n}, cohort.field_name(n), True) for n in cohort.fields]
    columns += [(d.sort_key, d.code, d.heading, True) for d in cohort.dimensions]
    result = []
    for key, label, title, numeric in columns:
        current = sort.key == key
        # A first click sorts scores from the highest and names from A; a second click reverses.
        descending = (not sort.descending) if current else numeric
        result.append(
            Column(
                key=key,
                label=label,
                title=title,
                numeric=numeric,
                aria_sort=("descending" if sort.descending else "ascending") if current else "",
                href="?" + _query(form, selectors.CohortSort(key, descending)),
            )
        )
    return result


def _number(value: Decimal | None, places: int, separator: str) -> str:
    """A score as the page prints it: rounded half up, with the language's decimal separator."""
    if value is None:
        return "—"
    text = str(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))
    return text.replace(".", separator) if places else text


def _row_html(row: selectors.CohortRow, results_url: tuple[str, str], separator: str) -> SafeString:
    """One table row as HTML, built here rather than in the template: 25 cells × 1,469 rows through
    template lookups and number localisation would cost most of the page's time. Every text is
    escaped; the numbers and class names are ours."""
    name = f'<a href="{escape(results_url[0] + row.katottg + results_url[1])}">{escape(row.hromada)}</a>'
    status = escape(row.security_status_label)
    if row.security_status:
        status = f'<span class="badge status-{escape(row.security_status)}">{status}</span>'
    else:
        status = f'<span class="muted">{status}</span>'
    parts = [
        f'<tr><th scope="row">{name}</th><td>{escape(row.oblast)}</td><td>{escape(row.hromada_type_label)}</td>',
        f"<td>{status}</td><td>{escape(row.state_label)}</td>",
        f'<td class="num">{_number(row.completeness, 0, separator)}</td>',
        f'<td class="num">{_number(row.overall, 1, separator)}</td>',
        *(f'<td class="num">{_number(value, 1, separator)}</td>' for value in row.fields),
        *(f'<td class="{cell.band}">{"—" if cell.whole is None else cell.whole}</td>' for cell in row.cells),
        "</tr>",
    ]
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def _results_url() -> tuple[str, str]:
    """The hromada-results URL before and after the KATOTTG code: reversed once, not once per row."""
    before, after = reverse("assessments:hromada-results", args=[PLACEHOLDER_KATOTTG]).split(PLACEHOLDER_KATOTTG, 1)
    return before, after


@require_GET
@login_required
def cohort(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _load_round(request, pk)
    cohort, form, sort = _prepare(request, round_)
    assessments = selectors.cohort_assessments(cohort, form.to_filter(), sort)
    page = Paginator(assessments, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    rows = selectors.cohort_rows(cohort, page.object_list, exact=False)
    separator = str(get_format("DECIMAL_SEPARATOR"))
    results_url = _results_url()
    page_query = _query(form, sort)
    context = {
        "nav": "assessments",
        "round": round_,
        "cohort": cohort,
        "form": form,
        "sort": sort,
        "columns": _columns(cohort, form, sort),
        "rows": [_row_html(row, results_url, separator) for row in rows],
        "page_obj": page,
        "pages": _page_links(page, page_query),
        "export_query": page_query,
        "bands": list(zip((css for _lowest, css in selectors.BANDS), selectors.BAND_LABELS, strict=True)),
        "field_names": [(n, cohort.field_name(n)) for n in cohort.fields],
        "filtered": form.filtered,
    }
    return render(request, "assessments/cohort.html", context)


def _page_links(page: Page[Assessment], query: str) -> dict[str, str]:
    joiner = f"?{query}&" if query else "?"
    links: dict[str, str] = {}
    if page.has_previous():
        links["first"] = f"{joiner}page=1"
        links["previous"] = f"{joiner}page={page.previous_page_number()}"
    if page.has_next():
        links["next"] = f"{joiner}page={page.next_page_number()}"
        links["last"] = f"{joiner}page={page.paginator.num_pages}"
    return links


@require_GET
@login_required
def cohort_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The filtered, sorted cohort as ?format=xlsx or ?format=csv (every row, no pages)."""
    round_ = _load_round(request, pk)
    kind = request.GET.get("format", "")
    if kind not in {"xlsx", "csv"}:
        return HttpResponseBadRequest(
            _("Choose the export format: format=xlsx (Excel) or format=csv."), content_type="text/plain; charset=utf-8"
        )
    cohort, form, sort = _prepare(request, round_)
    filters = form.to_filter()
    rows = selectors.cohort_rows(cohort, selectors.cohort_assessments(cohort, filters, sort))
    filename = f"cohort-round-{round_.pk}-{cohort.today.isoformat()}.{kind}"
    if kind == "xlsx":
        response = HttpResponse(selectors.cohort_xlsx(cohort, rows, filters), content_type=XLSX.content_type)
    else:
        response = HttpResponse(selectors.cohort_csv(cohort, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


urlpatterns: list[URLPattern] = [
    path("rounds/<int:pk>/cohort/", cohort, name="cohort"),
    path("rounds/<int:pk>/cohort/export/", cohort_export, name="cohort-export"),
]
