"""Forms of the project pages: the portfolio filters, the fiche (one long form in fieldsets with row
formsets for locations, budget lines, financing lines, risks and parties), a transition and a
document. Forms parse what people type; the services in projects/services/projects.py decide and save.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseFormSet, formset_factory
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from vidnova.assessments.selectors.needs import dimension_choices
from vidnova.plans.models import GoalLevel, GoalNode, Plan
from vidnova.plans.selectors.plans import current_version
from vidnova.programmes.models import Programme
from vidnova.projects.models import (
    Currency,
    FinancingStatus,
    Project,
    ProjectState,
    Purpose,
    Readiness,
)
from vidnova.projects.selectors.portfolio import SORTS, PortfolioFilter
from vidnova.registry.models import Hromada, SecurityStatus

KATOTTG_PATTERN = r"^UA\d{17}$"
EXTRA_ROWS = 2  # empty rows under each table of the fiche
MAX_EXTRA_ROWS = 50
TRANSLATED_TEXTS = ("description", "problem", "objective", "outputs", "results", "sustainability")


def _codelist(name: str) -> list[tuple[str, Any]]:
    from vidnova.projects import codelists

    values: dict[str, Any] = getattr(codelists, name)
    return [(code, capfirst(label)) for code, label in values.items()]


def _blank(choices: Iterable[tuple[Any, Any]], label: Any = "—") -> list[tuple[Any, Any]]:
    return [("", label), *choices]


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _lines(value: str) -> list[str]:
    """One entry per line or comma, trimmed, without duplicates, in order."""
    seen: dict[str, None] = {}
    for part in value.replace(",", "\n").splitlines():
        if part.strip():
            seen.setdefault(part.strip(), None)
    return list(seen)


# --- the portfolio filters -----------------------------------------------------------------------


class PortfolioFilterForm(forms.Form):
    hromada = forms.RegexField(
        label=_("Hromada (KATOTTG code)"), regex=KATOTTG_PATTERN, required=False, widget=forms.HiddenInput
    )
    programme = forms.SlugField(label=_("Programme"), required=False, widget=forms.HiddenInput)
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    state = forms.ChoiceField(label=_("State"), required=False)
    readiness = forms.TypedChoiceField(
        label=_("Readiness"), required=False, coerce=int, empty_value=None, choices=_blank(Readiness.choices, _("any"))
    )
    security_status = forms.ChoiceField(
        label=_("Security status of the hromada today"),
        required=False,
        choices=_blank(SecurityStatus.choices, _("any")),
    )
    gap = forms.ChoiceField(
        label=_("Funding gap"),
        required=False,
        choices=[("", _("any")), ("yes", _("with a funding gap")), ("no", _("fully funded"))],
    )
    plan = forms.TypedChoiceField(label=_("Recovery plan"), required=False, coerce=int, empty_value=None)
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[(key, key) for key in SORTS] + [(f"-{key}", f"-{key}") for key in SORTS],
        widget=forms.HiddenInput,
    )

    def __init__(self, *args: Any, plans: Iterable[Plan] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = _blank(_codelist("SECTORS"), _("any"))  # type: ignore[attr-defined]
        self.fields["state"].choices = _blank(  # type: ignore[attr-defined]
            [(value, capfirst(label)) for value, label in ProjectState.choices], _("any")
        )
        self.fields["plan"].choices = _blank([(plan.pk, plan.title) for plan in plans], _("any"))  # type: ignore[attr-defined]

    def filters(self) -> PortfolioFilter:
        self.is_valid()  # invalid filters are reported on the page and ignored; the valid ones apply
        data = getattr(self, "cleaned_data", {})
        return PortfolioFilter(
            hromada=data.get("hromada") or "",
            programme=data.get("programme") or "",
            sector=data.get("sector") or "",
            state=data.get("state") or "",
            readiness=data.get("readiness"),
            security_status=data.get("security_status") or "",
            gap=data.get("gap") or "",
            plan=data.get("plan"),
            sort=data.get("sort") or "hromada",
        )


# --- the fiche -----------------------------------------------------------------------------------


class GoalNodeChoiceField(forms.ModelMultipleChoiceField[GoalNode]):
    def label_from_instance(self, obj: GoalNode) -> str:
        return f"{obj.plan_version.plan.title}: {obj.text_uk[:150]}"


class ProjectForm(forms.Form):
    """The fields of the project itself; the tables come as formsets (``row_formsets``)."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    title_uk = forms.CharField(label=_("Title in Ukrainian"), max_length=500)
    title_en = forms.CharField(label=_("Title in English"), max_length=500, required=False)
    description_uk = forms.CharField(label=_("Description in Ukrainian"), required=False, widget=forms.Textarea)
    description_en = forms.CharField(label=_("Description in English"), required=False, widget=forms.Textarea)
    problem_uk = forms.CharField(label=_("Problem in Ukrainian"), required=False, widget=forms.Textarea)
    problem_en = forms.CharField(label=_("Problem in English"), required=False, widget=forms.Textarea)
    objective_uk = forms.CharField(label=_("Objective in Ukrainian"), required=False, widget=forms.Textarea)
    objective_en = forms.CharField(label=_("Objective in English"), required=False, widget=forms.Textarea)
    outputs_uk = forms.CharField(label=_("Outputs in Ukrainian"), required=False, widget=forms.Textarea)
    outputs_en = forms.CharField(label=_("Outputs in English"), required=False, widget=forms.Textarea)
    results_uk = forms.CharField(label=_("Expected results in Ukrainian"), required=False, widget=forms.Textarea)
    results_en = forms.CharField(label=_("Expected results in English"), required=False, widget=forms.Textarea)
    sustainability_uk = forms.CharField(
        label=_("Sustainability, operation and maintenance in Ukrainian"), required=False, widget=forms.Textarea
    )
    sustainability_en = forms.CharField(
        label=_("Sustainability, operation and maintenance in English"), required=False, widget=forms.Textarea
    )

    programme = forms.TypedChoiceField(label=_("Programme"), required=False, coerce=int, empty_value=None)
    plan = forms.TypedChoiceField(label=_("Recovery plan"), required=False, coerce=int, empty_value=None)
    plan_tasks = GoalNodeChoiceField(label=_("Plan tasks served"), queryset=GoalNode.objects.none(), required=False)
    assessment_dimensions = forms.MultipleChoiceField(
        label=_("Assessment gaps addressed"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Dimensions of the hromada’s needs assessment, weakest first, with the latest validated score."),
    )

    purpose = forms.ChoiceField(label=_("Purpose"), choices=Purpose.choices)
    project_type = forms.ChoiceField(label=_("Project type (OC4IDS)"), required=False)
    sectors = forms.MultipleChoiceField(label=_("Sectors (OC4IDS)"), required=False)
    purpose_codes = forms.MultipleChoiceField(label=_("DAC-CRS purpose codes"), required=False)
    sdg_targets = forms.CharField(
        label=_("SDG targets"), required=False, help_text=_("For example 6.1, 11.5; separated by commas.")
    )
    acquis_chapters = forms.CharField(
        label=_("EU acquis chapters"), required=False, help_text=_("Chapter numbers separated by commas.")
    )
    bbb_features = forms.MultipleChoiceField(
        label=_("Build-back-better features"), required=False, widget=forms.CheckboxSelectMultiple
    )
    readiness = forms.TypedChoiceField(label=_("Readiness"), coerce=int, choices=Readiness.choices)

    starts_on = forms.DateField(label=_("Start"), required=False, widget=_date_input())
    ends_on = forms.DateField(label=_("End"), required=False, widget=_date_input())
    cost = forms.DecimalField(label=_("Total cost"), required=False, min_value=0, max_digits=16, decimal_places=2)
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)

    beneficiaries_direct = forms.IntegerField(label=_("Direct beneficiaries"), required=False, min_value=0)
    beneficiaries_indirect = forms.IntegerField(label=_("Indirect beneficiaries"), required=False, min_value=0)

    is_sensitive = forms.BooleanField(
        label=_("Sensitive site"),
        required=False,
        help_text=_("A shelter or critical infrastructure: exact locations are never shown publicly."),
    )
    seeks_partner_expertise = forms.BooleanField(label=_("Seeks partner expertise"), required=False)
    dream_id = forms.CharField(label=_("DREAM project identifier"), max_length=100, required=False)
    prozorro_ids = forms.CharField(
        label=_("Prozorro tender identifiers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example UA-2026-01-15-000123-a, one per line."),
    )

    def __init__(self, *args: Any, hromada: Hromada, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hromada = hromada
        plans = list(Plan.objects.filter(hromada=hromada).order_by("-starts_on", "pk"))
        self.fields["plan"].choices = _blank([(plan.pk, plan.title) for plan in plans])  # type: ignore[attr-defined]
        self.fields["programme"].choices = _blank(  # type: ignore[attr-defined]
            [
                (programme.pk, programme.name)
                for programme in Programme.objects.filter(phases__participations__hromada=hromada).distinct()
            ]
        )
        # Tasks of the current version of each plan of the hromada (the service accepts only those).
        versions = [version.pk for version in (current_version(plan) for plan in plans) if version is not None]
        self.fields["plan_tasks"].queryset = (  # type: ignore[attr-defined]
            GoalNode.objects.filter(plan_version__in=versions, level=GoalLevel.TASK)
            .select_related("plan_version__plan")
            .order_by("plan_version__plan", "position", "pk")
        )
        dimensions = [
            (
                choice.name,
                choice.label
                if choice.normalised is None
                else _("%(label)s (score %(score)s)") % {"label": choice.label, "score": f"{choice.normalised:.0f}"},
            )
            for choice in dimension_choices(hromada)
        ]
        # Keep dimensions stored earlier (for example of another instrument) selectable.
        stored = self.initial.get("assessment_dimensions") or []
        dimensions += [(name, name) for name in stored if name not in {value for value, _label in dimensions}]
        self.fields["assessment_dimensions"].choices = dimensions  # type: ignore[attr-defined]
        self.fields["project_type"].choices = _blank(_codelist("PROJECT_TYPES"))  # type: ignore[attr-defined]
        self.fields["sectors"].choices = _codelist("SECTORS")  # type: ignore[attr-defined]
        self.fields["purpose_codes"].choices = [(code, f"{code} {label}") for code, label in _codelist("PURPOSE_CODES")]  # type: ignore[attr-defined]
        self.fields["bbb_features"].choices = _codelist("BBB_FEATURES")  # type: ignore[attr-defined]
        self.fields["purpose"].choices = [(v, capfirst(label)) for v, label in Purpose.choices]  # type: ignore[attr-defined]
        significance = _blank(_codelist("POLICY_SIGNIFICANCE"))
        self.marker_fields: list[str] = []
        for code, label in _codelist("POLICY_MARKERS"):
            name = f"marker_{code}"
            self.fields[name] = forms.ChoiceField(label=label, required=False, choices=significance)
            self.marker_fields.append(name)
        self.group_fields: list[str] = []
        for code, label in _codelist("BENEFICIARY_GROUPS"):
            name = f"group_{code}"
            self.fields[name] = forms.IntegerField(label=capfirst(label), required=False, min_value=0)
            self.group_fields.append(name)

    @staticmethod
    def initial_from(project: Project) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(project, name)
            for name in (
                "version",
                "title_uk",
                "title_en",
                *(f"{text}_{lang}" for text in TRANSLATED_TEXTS for lang in ("uk", "en")),
                "purpose",
                "project_type",
                "readiness",
                "starts_on",
                "ends_on",
                "cost",
                "currency",
                "beneficiaries_direct",
                "beneficiaries_indirect",
                "is_sensitive",
                "seeks_partner_expertise",
                "dream_id",
            )
        }
        initial["plan"] = project.plan_id
        initial["programme"] = project.programme_id
        initial["plan_tasks"] = list(project.plan_tasks.values_list("pk", flat=True)) if project.pk else []
        initial["sectors"] = list(project.sectors or [])
        initial["purpose_codes"] = [str(code) for code in project.purpose_codes or []]
        initial["bbb_features"] = list(project.bbb_features or [])
        initial["sdg_targets"] = ", ".join(str(t) for t in project.sdg_targets or [])
        initial["acquis_chapters"] = ", ".join(str(c) for c in project.acquis_chapters or [])
        initial["assessment_dimensions"] = [str(d) for d in project.assessment_dimensions or []]
        initial["prozorro_ids"] = "\n".join(str(i) for i in project.prozorro_ids or [])
        for code, value in (project.policy_markers or {}).items():
            initial[f"marker_{code}"] = str(value)
        for code, value in (project.beneficiary_groups or {}).items():
            initial[f"group_{code}"] = value
        return initial

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The end is before the start."))
        return data

    def data_for_service(self) -> dict[str, Any]:
        data = self.cleaned_data
        result: dict[str, Any] = {
            name: data[name]
            for name in (
                "title_uk",
                "title_en",
                *(f"{text}_{lang}" for text in TRANSLATED_TEXTS for lang in ("uk", "en")),
                "purpose",
                "project_type",
                "sectors",
                "purpose_codes",
                "bbb_features",
                "readiness",
                "starts_on",
                "ends_on",
                "cost",
                "currency",
                "beneficiaries_direct",
                "beneficiaries_indirect",
                "is_sensitive",
                "seeks_partner_expertise",
                "dream_id",
            )
        }
        result["plan"] = data.get("plan")
        result["programme"] = data.get("programme")
        result["plan_tasks"] = [node.pk for node in data.get("plan_tasks") or []]
        result["sdg_targets"] = _lines(data.get("sdg_targets") or "")
        result["acquis_chapters"] = _lines(data.get("acquis_chapters") or "")
        result["assessment_dimensions"] = list(data.get("assessment_dimensions") or [])
        result["prozorro_ids"] = _lines(data.get("prozorro_ids") or "")
        result["policy_markers"] = {
            name.removeprefix("marker_"): int(data[name])
            for name in self.marker_fields
            if data.get(name) not in ("", None)
        }
        result["beneficiary_groups"] = {
            name.removeprefix("group_"): data[name] for name in self.group_fields if data.get(name) is not None
        }
        return result


# --- the tables of the fiche ---------------------------------------------------------------------


class RowForm(forms.Form):
    """A row of a table; an entirely empty row is skipped."""

    @staticmethod
    def _preset(field: forms.Field) -> str | None:
        """What a select without an empty choice sends untouched (its first option)."""
        if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.MultipleChoiceField):
            choices: list[Any] = list(field.widget.choices)
            if choices and str(choices[0][0]) != "":
                return str(choices[0][0])
        return None

    def is_blank(self) -> bool:
        """Nothing typed or chosen: a select left at its preset first option does not fill a row."""
        if not self.is_bound:
            return True
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.HiddenInput):
                continue
            value = str(self.data.get(self.add_prefix(name)) or "").strip()
            if value and value != self._preset(field):
                return False
        return True

    def has_changed(self) -> bool:
        # Django skips validating an empty_permitted row only when it "has not changed".
        return not self.is_blank()

    def row(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if value not in (None,)}


class LocationForm(RowForm):
    katottg = forms.ChoiceField(label=_("Settlement"))
    name = forms.CharField(label=_("Place"), max_length=200, required=False)
    latitude = forms.DecimalField(
        label=_("Latitude"), required=False, min_value=-90, max_value=90, max_digits=9, decimal_places=6
    )
    longitude = forms.DecimalField(
        label=_("Longitude"), required=False, min_value=-180, max_value=180, max_digits=9, decimal_places=6
    )
    description = forms.CharField(label=_("Address or description"), max_length=300, required=False)

    def __init__(self, *args: Any, settlements: list[tuple[str, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["katottg"].choices = _blank(settlements)  # type: ignore[attr-defined]


class BudgetLineForm(RowForm):
    cost_item = forms.ChoiceField(label=_("Cost item (DREAM)"))
    cost_type = forms.ChoiceField(
        label=_("Cost type"), choices=[("capex", _("capital (capex)")), ("opex", _("operating (opex)"))]
    )
    amount = forms.DecimalField(label=_("Amount"), min_value=0, max_digits=16, decimal_places=2)
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cost_item"].choices = _blank(_codelist("COST_ITEMS"))  # type: ignore[attr-defined]


class FinancingLineForm(RowForm):
    finance_type = forms.ChoiceField(label=_("Finance type (DREAM)"))
    finance_category = forms.ChoiceField(label=_("Finance category (DREAM)"))
    funder = forms.CharField(label=_("Funder"), max_length=300, required=False)
    amount = forms.DecimalField(label=_("Amount"), min_value=0, max_digits=16, decimal_places=2)
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    status = forms.ChoiceField(label=_("Status"), choices=FinancingStatus.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["finance_type"].choices = _blank(_codelist("FINANCE_TYPES"))  # type: ignore[attr-defined]
        self.fields["finance_category"].choices = _blank(_codelist("FINANCE_CATEGORIES"))  # type: ignore[attr-defined]


class RiskForm(RowForm):
    description = forms.CharField(label=_("Risk"), widget=forms.Textarea(attrs={"rows": 2}))
    likelihood = forms.TypedChoiceField(
        label=_("Likelihood (1–5)"), coerce=int, choices=_blank([(n, str(n)) for n in range(1, 6)])
    )
    impact = forms.TypedChoiceField(
        label=_("Impact (1–5)"), coerce=int, choices=_blank([(n, str(n)) for n in range(1, 6)])
    )
    mitigation = forms.CharField(label=_("Mitigation"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PartyForm(RowForm):
    role = forms.ChoiceField(label=_("Role"))
    name = forms.CharField(label=_("Name"), max_length=300)
    edrpou = forms.RegexField(
        label=_("EDRPOU code"),
        regex=r"^\d{8}$",
        required=False,
        error_messages={"invalid": _("An EDRPOU code has 8 digits.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _blank(_codelist("PARTY_ROLES"))  # type: ignore[attr-defined]


class RowFormSet(BaseFormSet):  # type: ignore[type-arg]
    """Rows of one table: blank rows are ignored, the others must be valid."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for form in self.forms:
            if form.is_blank():
                form.empty_permitted = True
                form.use_required_attribute = False

    def rows(self) -> tuple[list[dict[str, Any]], list[int]]:
        """The filled rows for the service, and for each the index of its form (to place errors)."""
        rows: list[dict[str, Any]] = []
        indexes: list[int] = []
        for index, form in enumerate(self.forms):
            if form.is_blank():
                continue
            rows.append(form.row())
            indexes.append(index)
        return rows, indexes


# (key in the service data, prefix, form class, heading)
TABLES: tuple[tuple[str, type[RowForm], Any], ...] = (
    ("locations", LocationForm, _("Locations")),
    ("budget_lines", BudgetLineForm, _("Budget lines")),
    ("financing_lines", FinancingLineForm, _("Financing lines")),
    ("risks", RiskForm, _("Risks")),
    ("parties", PartyForm, _("Parties")),
)


def _dicts(rows: Iterable[Any]) -> list[dict[str, Any]]:
    return [dict(row) for row in rows]


def initial_rows(project: Project | None) -> dict[str, list[dict[str, Any]]]:
    if project is None or project.pk is None:
        return {key: [] for key, _form, _heading in TABLES}
    return {
        "locations": _dicts(project.locations.values("katottg", "name", "latitude", "longitude", "description")),
        "budget_lines": _dicts(
            project.budget_lines.values("cost_item", "cost_type", "amount", "currency", "description")
        ),
        "financing_lines": _dicts(
            project.financing_lines.values("finance_type", "finance_category", "funder", "amount", "currency", "status")
        ),
        "risks": _dicts(project.risks.values("description", "likelihood", "impact", "mitigation")),
        "parties": _dicts(project.parties.values("role", "name", "edrpou")),
    }


def row_formsets(
    data: Any,
    *,
    initial: dict[str, list[dict[str, Any]]],
    settlements: list[tuple[str, str]],
    extra: int = EXTRA_ROWS,
) -> dict[str, BaseFormSet]:  # type: ignore[type-arg]
    """One formset per table, keyed by the service's key (also the prefix of the fields)."""
    result: dict[str, BaseFormSet] = {}  # type: ignore[type-arg]
    for key, form_class, _heading in TABLES:
        formset_class = formset_factory(form_class, formset=RowFormSet, extra=extra, max_num=1000, absolute_max=1000)
        kwargs: dict[str, Any] = {"prefix": key}
        if key == "locations":
            kwargs["form_kwargs"] = {"settlements": settlements}
        if data is None:
            result[key] = formset_class(initial=initial.get(key) or [], **kwargs)
        else:
            result[key] = formset_class(data, **kwargs)
    return result


def extra_rows(data: Any) -> int:
    """How many empty rows to add under each table ("add rows" without JavaScript)."""
    try:
        wanted = int(data.get("extra_rows") or 0)
    except (TypeError, ValueError):
        return EXTRA_ROWS
    return max(0, min(wanted, MAX_EXTRA_ROWS))


# --- transitions and documents -------------------------------------------------------------------


class TransitionForm(forms.Form):
    to_state = forms.ChoiceField(label=_("New state"), widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)

    def __init__(self, *args: Any, states: Iterable[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_state"].choices = [(state, capfirst(ProjectState(state).label)) for state in states]  # type: ignore[attr-defined]

    def clean_reason(self) -> str:
        reason = (self.cleaned_data.get("reason") or "").strip()
        if not reason:
            raise ValidationError(_("Give the reason for the change."))
        return reason


class DocumentForm(forms.Form):
    document_type = forms.ChoiceField(label=_("Document type (DREAM)"))
    title = forms.CharField(label=_("Title"), max_length=300)
    file = forms.FileField(label=_("File"), required=False)
    url = forms.URLField(label=_("Or a link"), required=False, assume_scheme="https", max_length=1000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["document_type"].choices = _blank(_codelist("DOCUMENT_TYPES"))  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if not data.get("file") and not data.get("url") and not self.errors.get("url"):
            self.add_error("file", _("Attach a file or give a link."))
        elif data.get("file") and data.get("url"):
            self.add_error("url", _("Give a file or a link, not both."))
        return data
