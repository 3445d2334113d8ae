"""The cohort of an assessment round: every hromada of the round in one table, with its scores per
field and per dimension (the heat map), filtered and sorted in the database.

Reads only stored numbers: the assessment's own columns (state, completeness, overall score), the
field scores extracted from ``Assessment.scores`` by the database (never parsed in Python row by
row), and the DimensionResult rows of the rows shown, fetched in one query. So a page of the whole
cohort (1,469 hromadas) costs a handful of queries whatever its size.

Access is the caller's business (``rules.round_rule``: the programme's staff and partner experts).
"""

from __future__ import annotations

import csv
import datetime
import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import DecimalField, F, FloatField, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import OrderBy
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vidnova.assessments.answers import text_in_language
from vidnova.assessments.models import Assessment, AssessmentState, DimensionResult, Round
from vidnova.assessments.scoring import FIELD_NAMES
from vidnova.assessments.services.scores import form_of
from vidnova.registry.models import HromadaType, SecurityStatus, SecurityStatusPeriod, TopLevelUnit

# "none" in the status filter means: no period in force, or an explicit "no hostilities" period.
STATUS_NONE = SecurityStatus.NONE.value
DIMENSION_SORT_PREFIX = "dim:"
TWO_PLACES = Decimal("0.01")
# The heat map's bands of the normalised score, as (lowest whole score, CSS class).
BANDS: tuple[tuple[int, str], ...] = ((0, "h0"), (25, "h1"), (50, "h2"), (75, "h3"))
BAND_LABELS = (_("0–24"), _("25–49"), _("50–74"), _("75–100"))

_CODE = re.compile(r"^\s*(\d+(?:\.\d+)*)\.?\s+")


@dataclass(frozen=True)
class CohortDimension:
    """A scored dimension of the round's instrument, as a column of the heat map."""

    name: str  # the group name in the form (stable, used in ?sort=dim:<name>)
    code: str  # a short label such as "1.2"
    label: str  # the full label in the requested language
    field: int

    @property
    def sort_key(self) -> str:
        return DIMENSION_SORT_PREFIX + self.name

    @property
    def plain_label(self) -> str:
        """The label without the code it may start with."""
        match = _CODE.match(self.label)
        return self.label[match.end() :] if match and match.group(1) == self.code else self.label

    @property
    def heading(self) -> str:
        """The full label with its code in front (once: labels of the default form start with it)."""
        return self.label if self.label.startswith(self.code) else f"{self.code} {self.label}"


@dataclass(frozen=True)
class CohortFilter:
    oblast: str = ""  # KATOTTG code of the oblast
    hromada_type: str = ""
    security_status: str = ""  # a SecurityStatus value; "none" also matches "no period recorded"
    state: str = ""  # an AssessmentState value


@dataclass(frozen=True)
class CohortSort:
    key: str = "hromada"
    descending: bool = False


@dataclass(frozen=True, slots=True)
class HeatCell:
    value: Decimal | float | None  # the normalised score (0–100): stored Decimal, or float on the page
    whole: int | None  # the score as printed in the cell: rounded half up to a whole number
    band: str  # the CSS class of the printed score's band (see ``band_of``)


def heat_cell(value: Decimal | float | None) -> HeatCell:
    """A heat-map cell. ``value`` has at most two decimals, so rounding its float half up is exact
    (k + 0.5 is a binary fraction); the page passes floats, which skip the Decimal conversion of
    22,000 scores, and the exports pass the stored Decimals."""
    if value is None:
        return HeatCell(None, None, "hn")
    whole = math.floor(float(value) + 0.5)
    return HeatCell(value, whole, _BAND_OF_WHOLE[min(max(whole, 0), 100)])


@dataclass
class CohortRow:
    assessment_id: int
    katottg: str
    hromada: str
    oblast: str
    hromada_type: str
    security_status: str | None  # None: no period recorded
    state: str
    completeness: Decimal | None
    overall: Decimal | None
    fields: list[Decimal | None]  # aligned with Cohort.fields
    hromada_type_label: str = ""
    security_status_label: str = ""
    state_label: str = ""
    cells: list[HeatCell] = field(default_factory=list)  # aligned with Cohort.dimensions


@dataclass(frozen=True)
class Cohort:
    """What the cohort page and its exports show: the columns and the sort keys they accept."""

    round: Round
    dimensions: tuple[CohortDimension, ...]
    fields: tuple[int, ...]
    today: datetime.date

    @property
    def sort_keys(self) -> frozenset[str]:
        return frozenset(BASE_SORT_KEYS) | {f"field{n}" for n in self.fields} | {d.sort_key for d in self.dimensions}

    def field_name(self, number: int) -> str:
        return str(FIELD_NAMES.get(number) or _("Field %(number)s") % {"number": number})


BASE_SORT_KEYS = ("hromada", "oblast", "type", "status", "state", "completeness", "overall")
NUMERIC_SORT_KEYS = frozenset({"completeness", "overall"})


def band_of(value: Decimal | None) -> str:
    """The heat-map class of a normalised score: h0 (0–24), h1 (25–49), h2 (50–74), h3 (75–100) of the
    score rounded to a whole number, as printed in the cell; "hn" when there is no score."""
    if value is None:
        return "hn"
    return _band_of_whole(int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP)))


def _band_of_whole(whole: int) -> str:
    css = BANDS[0][1]
    for lowest, name in BANDS:
        if whole >= lowest:
            css = name
    return css


_BAND_OF_WHOLE = [_band_of_whole(whole) for whole in range(101)]


def status_label(status: str | None) -> str:
    if not status:
        return str(_("none recorded"))
    return str(SecurityStatus(status).label) if status in SecurityStatus.values else status


def dimensions_of(
    definition: Mapping[str, Any], scored: Mapping[str, int], language: str | None = None
) -> tuple[CohortDimension, ...]:
    """The scored dimensions (``scored``: name → field, in scoring order, as DimensionResult stores
    them) with their labels from the definition and short codes: the number the label starts with
    ("1.2 Risk assessment…" → "1.2"), otherwise field.position ("2.3")."""
    groups = {g["name"]: g for g in definition.get("groups") or ()}
    per_field: dict[int, int] = {}
    used: set[str] = set()
    result = []
    for position, (name, number) in enumerate(scored.items(), start=1):
        per_field[number] = per_field.get(number, 0) + 1
        texts = (groups.get(name) or {}).get("label")
        match = _CODE.match(text_in_language(texts, "uk", ""))
        code = match.group(1) if match else f"{number}.{per_field[number]}"
        if code in used:
            code = f"D{position}"
        used.add(code)
        label = text_in_language(texts, language, name)
        result.append(CohortDimension(name=name, code=code, label=label, field=number))
    return tuple(result)


def cohort_of(round_: Round, *, language: str | None = None, today: datetime.date | None = None) -> Cohort:
    """The columns of a round's cohort: the scored dimensions and fields of its instrument version,
    exactly as scoring sees them (the round's instrument version should come with ``select_related``)."""
    version = round_.instrument_version
    scored = form_of(version).prepared.dimension_fields
    dimensions = dimensions_of(version.definition, scored, language)
    fields = tuple(sorted(set(scored.values())))
    return Cohort(
        round=round_,
        dimensions=dimensions,
        fields=fields,
        today=today or timezone.localdate(),
    )


def _status_today(day: datetime.date) -> Subquery:
    """The security status of the assessment's hromada on ``day`` (as registry.selectors.
    security_status_as_of, correlated on the assessment's ``hromada_id``)."""
    return Subquery(
        SecurityStatusPeriod.objects.as_of(day)
        .filter(hromada=OuterRef("hromada_id"))
        .order_by("-starts_on")
        .values("status")[:1]
    )


def _field_score(index: int) -> Cast:
    """A field's normalised score from the stored scores, extracted by the database. ``scores.fields``
    lists the fields the instrument uses in field order, so a field's position is the same for every
    assessment of the round."""
    return Cast(KT(f"scores__fields__{index}__normalised"), DecimalField(max_digits=5, decimal_places=2))


def cohort_assessments(
    cohort: Cohort, filters: CohortFilter | None = None, sort: CohortSort | None = None
) -> QuerySet[Assessment]:
    """The round's assessments filtered and sorted, annotated with what a row shows.

    Sorting by a dimension adds one correlated subquery on DimensionResult (indexed by its unique
    assessment + dimension); missing scores sort last in either direction; ties by hromada name.
    """
    filters = filters or CohortFilter()
    sort = sort if sort is not None and sort.key in cohort.sort_keys else CohortSort()
    queryset = (
        Assessment.objects.filter(round=cohort.round)
        .only("pk", "state", "completeness", "overall_normalised")
        .annotate(
            h_katottg=F("hromada__katottg"),
            h_name=F("hromada__name_uk"),
            h_sort=F("hromada__name_sort"),
            h_type=F("hromada__hromada_type"),
            o_name=F("hromada__oblast__name_uk"),
            o_sort=F("hromada__oblast__name_sort"),
            status_today=_status_today(cohort.today),
        )
        .annotate(**{f"field{number}": _field_score(index) for index, number in enumerate(cohort.fields)})
    )
    if filters.oblast:
        queryset = queryset.filter(hromada__oblast__katottg=filters.oblast)
    if filters.hromada_type:
        queryset = queryset.filter(hromada__hromada_type=filters.hromada_type)
    if filters.state:
        queryset = queryset.filter(state=filters.state)
    if filters.security_status == STATUS_NONE:
        queryset = queryset.filter(Q(status_today__isnull=True) | Q(status_today=STATUS_NONE))
    elif filters.security_status:
        queryset = queryset.filter(status_today=filters.security_status)

    return queryset.order_by(_ordering(sort), "h_sort", "h_katottg")


def _ordering(sort: CohortSort) -> OrderBy:
    key = sort.key
    expression: Any
    if key.startswith(DIMENSION_SORT_PREFIX):
        expression = Subquery(
            DimensionResult.objects.filter(
                assessment=OuterRef("pk"), dimension=key.removeprefix(DIMENSION_SORT_PREFIX)
            ).values("normalised")[:1]
        )
    else:
        expression = F(
            {
                "hromada": "h_sort",
                "oblast": "o_sort",
                "type": "h_type",
                "status": "status_today",
                "state": "state",
                "completeness": "completeness",
                "overall": "overall_normalised",
            }.get(key, key)
        )
    if sort.descending:
        return expression.desc(nulls_last=True)  # type: ignore[no-any-return]
    return expression.asc(nulls_last=True)  # type: ignore[no-any-return]


def cohort_rows(
    cohort: Cohort, assessments: Iterable[Assessment] | QuerySet[Assessment], *, exact: bool = True
) -> list[CohortRow]:
    """Rows for ``assessments`` (annotated by ``cohort_assessments``, a page of it or all of it), with
    their heat-map cells: two queries however many rows. ``exact=False`` reads the dimension scores
    as floats (enough for the page's whole numbers, and much faster on SQLite); exports keep the
    stored decimals."""
    # Labels looked up once per call, not once per row.
    type_labels = {value: str(label) for value, label in HromadaType.choices}
    state_labels = {value: str(label) for value, label in AssessmentState.choices}
    status_labels = {value: str(label) for value, label in SecurityStatus.choices}
    no_status = status_label(None)
    rows: list[CohortRow] = []
    for a in assessments:
        values: Any = a
        rows.append(
            CohortRow(
                assessment_id=a.pk,
                katottg=values.h_katottg,
                hromada=values.h_name,
                oblast=values.o_name,
                hromada_type=values.h_type,
                security_status=values.status_today,
                state=a.state,
                completeness=a.completeness,
                overall=a.overall_normalised,
                fields=[_decimal(getattr(values, f"field{n}")) for n in cohort.fields],
                hromada_type_label=type_labels.get(values.h_type, ""),
                security_status_label=status_labels.get(values.status_today, values.status_today or no_status),
                state_label=state_labels.get(a.state, a.state),
            )
        )
    _attach_cells(cohort, rows, exact=exact)
    return rows


def _decimal(value: Any) -> Decimal | None:
    """A field score with two places, as stored (SQLite hands the cast back as 53.8300000000000 or 0)."""
    if value is None:
        return None
    return (value if isinstance(value, Decimal) else Decimal(str(value))).quantize(TWO_PLACES)


def _attach_cells(cohort: Cohort, rows: Sequence[CohortRow], *, exact: bool) -> None:
    if not rows:
        return
    ids = [row.assessment_id for row in rows]
    results = DimensionResult.objects.filter(assessment__round=cohort.round)
    if len(ids) < 1000:
        results = results.filter(assessment_id__in=ids)
    score = F("normalised") if exact else Cast("normalised", FloatField())
    scores: dict[tuple[int, str], Any] = {
        (assessment_id, dimension): normalised
        for assessment_id, dimension, normalised in results.values_list("assessment_id", "dimension", score)
    }
    names = [d.name for d in cohort.dimensions]
    cells: dict[Any, HeatCell] = {}  # the same score makes the same (immutable) cell
    for row in rows:
        key = row.assessment_id
        row_cells = []
        for name in names:
            value = scores.get((key, name))
            cell = cells.get(value)
            if cell is None:
                cell = cells[value] = heat_cell(value)
            row_cells.append(cell)
        row.cells = row_cells


def cohort_oblasts(round_: Round) -> QuerySet[TopLevelUnit]:
    """The oblasts that have a hromada in the round, by name (the choices of the oblast filter)."""
    return TopLevelUnit.objects.filter(hromadas__assessments__round=round_).distinct().order_by("name_sort")


# --- exports -------------------------------------------------------------------------------------


def export_header(cohort: Cohort) -> list[str]:
    """The column titles of the exports, in the order of the page."""
    return [
        str(_("KATOTTG code")),
        str(_("Hromada")),
        str(_("Oblast")),
        str(_("Type")),
        str(_("Security status today")),
        str(_("State")),
        str(_("Completeness, %")),
        str(_("Overall score")),
        *(f"{_('Field %(number)s') % {'number': n}}: {cohort.field_name(n)}" for n in cohort.fields),
        *(d.heading for d in cohort.dimensions),
    ]


def export_values(cohort: Cohort, row: CohortRow) -> list[str | Decimal | float | None]:
    return [
        row.katottg,
        row.hromada,
        row.oblast,
        row.hromada_type_label,
        row.security_status_label,
        row.state_label,
        row.completeness,
        row.overall,
        *row.fields,
        *(cell.value for cell in row.cells),
    ]


def cohort_csv(cohort: Cohort, rows: Iterable[CohortRow]) -> bytes:
    """UTF-8 with a byte-order mark (so Excel reads the Cyrillic names), comma-separated, every text
    quoted (the KATOTTG code stays text), numbers with a decimal point, empty for no score."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
    writer.writerow(export_header(cohort))
    for row in rows:
        writer.writerow(["" if value is None else value for value in export_values(cohort, row)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def cohort_xlsx(cohort: Cohort, rows: Iterable[CohortRow], filters: CohortFilter | None = None) -> bytes:
    """A workbook: the table (bold header, header row and hromada columns frozen, scores as numbers)
    and a legend sheet with the dimensions, the bands and the instrument version. Written in
    openpyxl's write-only mode: a whole cohort in well under a second."""
    import openpyxl  # type: ignore[import-untyped]
    from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
    from openpyxl.styles import Font  # type: ignore[import-untyped]
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

    bold = Font(bold=True)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(str(_("Cohort"))[:31])

    def cell(target: Any, value: Any, *, strong: bool = False, number: bool = False) -> Any:
        written = WriteOnlyCell(target, value=value)
        if strong:
            written.font = bold
        if number:
            written.number_format = "0.00"
        return written

    sheet.freeze_panes = "C2"  # the header row and the code and name of the hromada stay in view
    for column, width in ((1, 22), (2, 28), (3, 24), (4, 14), (5, 22), (6, 18)):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.append([cell(sheet, title, strong=True) for title in export_header(cohort)])
    first_number = 6  # 0-based column of "Completeness"
    for row in rows:
        values = export_values(cohort, row)
        sheet.append(
            [
                *(value or "" for value in values[:first_number]),
                *(None if value is None else cell(sheet, value, number=True) for value in values[first_number:]),
            ]
        )

    legend = workbook.create_sheet(str(_("Legend"))[:31])
    legend.column_dimensions["A"].width = 26
    legend.column_dimensions["C"].width = 60
    version = cohort.round.instrument_version
    facts: list[tuple[str, str]] = [
        (str(_("Assessment round")), str(cohort.round.name)),
        (str(_("Instrument")), str(version.instrument.name)),
        (
            str(_("Instrument version")),
            f"{version.number}" + (f" ({version.form_version})" if version.form_version else ""),
        ),
        (str(_("Form identifier")), version.instrument.code),
        (str(_("Security status as of")), cohort.today.isoformat()),
        *_filter_facts(filters),
    ]
    for name, value in facts:
        legend.append([cell(legend, name, strong=True), value])
    legend.append([])
    legend.append(
        [
            cell(legend, str(title), strong=True)
            for title in (_("Code"), _("Field"), _("Dimension"), _("Name in the form"))
        ]
    )
    for dimension in cohort.dimensions:
        legend.append([dimension.code, dimension.field, dimension.label, dimension.name])
    legend.append([])
    legend.append([str(_("Scores are normalised to 0–100; empty: no score yet."))])
    legend.append([cell(legend, str(_("Heat-map band")), strong=True), cell(legend, str(_("Scores")), strong=True)])
    for number, label in enumerate(BAND_LABELS, start=1):
        legend.append([number, str(label)])

    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _filter_facts(filters: CohortFilter | None) -> list[tuple[str, str]]:
    if filters is None:
        return []
    facts = []
    if filters.oblast:
        unit = TopLevelUnit.objects.filter(katottg=filters.oblast).first()
        facts.append((str(_("Oblast")), unit.name_uk if unit else filters.oblast))
    if filters.hromada_type:
        facts.append((str(_("Type")), str(HromadaType(filters.hromada_type).label)))
    if filters.security_status:
        facts.append((str(_("Security status today")), status_label(filters.security_status)))
    if filters.state:
        facts.append((str(_("State")), str(AssessmentState(filters.state).label)))
    return facts
