"""Forms of the core plan pages: the plan list filters, a new plan, the plan's description and its
higher-level documents. Forms parse what people type; the services decide and save."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.forms.boundfield import BoundWidget
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from vidnova.plans import catalogue
from vidnova.plans.models import HigherLevelDocumentType, Plan, PlanLanguage, PlanState, PlanType
from vidnova.plans.selectors.plans import PlanFilter
from vidnova.plans.workflow import WORKFLOWS, workflow_for
from vidnova.programmes.models import Programme
from vidnova.registry.models import Hromada

KATOTTG_PATTERN = r"^UA\d{17}$"
CONTENT_LANGUAGES = ("uk", "en")

# What each type of plan is, for people choosing one (domain.md 2.1 and 2.2).
PLAN_TYPE_HELP: dict[str, Promise] = {
    PlanType.LOCAL_RECOVERY_PLAN: _(
        "The programme's recovery plan: drafted by the hromada's working group with the programme's "
        "coordinators and partner experts, consulted with residents and adopted by the council or the head of "
        "the military administration. Usually two to five years, with a project list."
    ),
    PlanType.COMPREHENSIVE_RECOVERY_PROGRAMME: _(
        "The comprehensive recovery programme of the hromada's territory under Articles 15¹–15² of the Law on "
        "regulation of urban development and CMU Resolution 1159 of 14.10.2022: initiated by the executive "
        "body, with at least 10 days for proposals, a public discussion, approval by the council and entry in "
        "the Construction Activity Register. About five to seven years, with a project list."
    ),
    PlanType.DEVELOPMENT_STRATEGY: _(
        "The hromada development strategy under Law 156-VIII and Minregion Order 265 of 21.12.2022: analysis "
        "and SWOT, vision, strategic and operational goals, public discussion, approval by the council and an "
        "action plan. Follows the regional strategy and the State Strategy for Regional Development."
    ),
}


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _capitalised(choices: Any) -> list[tuple[str, Any]]:
    """Choices with capitalised labels, still lazy: translated when rendered, in the request's language."""
    return [(value, capfirst(label)) for value, label in choices]


def state_choices() -> list[tuple[str, str]]:
    """Every workflow state once, in the order of the workflows (programme plan first)."""
    seen: dict[str, str] = {}
    for workflow in WORKFLOWS.values():
        for state in workflow.states:
            seen.setdefault(state.value, capfirst(str(state.label)))
    return list(seen.items())


class ProgrammeChoiceField(forms.ModelChoiceField[Programme]):
    def label_from_instance(self, obj: Programme) -> str:
        return obj.name


class PlanChoiceField(forms.ModelChoiceField[Plan]):
    def label_from_instance(self, obj: Plan) -> str:
        return f"{obj.title} ({obj.get_plan_type_display()}, {obj.starts_on:%Y}–{obj.ends_on:%Y})"


class HromadaChoiceField(forms.ModelChoiceField[Hromada]):
    def label_from_instance(self, obj: Hromada) -> str:
        return f"{obj.name_uk} ({obj.oblast.name_uk})"


# --- the plan list -------------------------------------------------------------------------------


class PlanFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("Words of the title, in Ukrainian or English, or the name of the hromada."),
    )
    hromada = forms.RegexField(
        regex=KATOTTG_PATTERN,
        label=_("Hromada (KATOTTG code)"),
        required=False,
        max_length=19,
        error_messages={"invalid": _("Enter a KATOTTG code: “UA” followed by 17 digits.")},
    )
    plan_type = forms.ChoiceField(label=_("Type"), required=False)
    state = forms.ChoiceField(label=_("Stage"), required=False)
    programme = forms.ChoiceField(label=_("Programme"), required=False)

    FIELDS = ("q", "hromada", "plan_type", "state", "programme")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        any_label = str(_("any"))
        self.fields["plan_type"].choices = [("", any_label), *_capitalised(PlanType.choices)]  # type: ignore[attr-defined]
        self.fields["state"].choices = [("", any_label), *state_choices()]  # type: ignore[attr-defined]
        self.fields["programme"].choices = [  # type: ignore[attr-defined]
            ("", any_label),
            *((programme.slug, programme.name) for programme in Programme.objects.order_by("name_uk")),
        ]
        self.fields["q"].widget.attrs.update({"type": "search", "autocomplete": "off"})
        self.fields["hromada"].widget.attrs.update({"spellcheck": "false", "size": "22"})

    def _value(self, name: str) -> str:
        """The cleaned value of a filter, or "" when it is missing or not valid (it is then ignored)."""
        if not self.is_bound or (not self.is_valid() and name in self.errors):
            return ""
        return str(self.cleaned_data.get(name) or "").strip()

    def to_filter(self) -> PlanFilter:
        return PlanFilter(
            hromada=self._value("hromada"),
            plan_type=self._value("plan_type"),
            state=self._value("state"),
            programme=self._value("programme"),
            query=self._value("q"),
        )

    def query_params(self) -> dict[str, str]:
        """The filters in use, to keep them in the pagination links."""
        return {name: self._value(name) for name in self.FIELDS if self._value(name)}


# --- a new plan ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanTypeOption:
    radio: BoundWidget
    help: Promise
    required_sections: int
    stages: str


class PlanFieldsMixin(forms.Form):
    """Title, period, programme and language of origin: the same on creation and editing."""

    title_uk = forms.CharField(label=_("Title in Ukrainian"), max_length=300)
    title_en = forms.CharField(label=_("Title in English"), max_length=300, required=False)
    starts_on = forms.DateField(label=_("Period from"), widget=_date_input())
    ends_on = forms.DateField(label=_("Period until"), widget=_date_input())
    programme = ProgrammeChoiceField(
        label=_("Supporting programme"),
        queryset=Programme.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=_("(none)"),
        help_text=_(
            "The programme whose coordinators and partner experts review the plan. Only programmes the hromada "
            "takes part in can be chosen."
        ),
    )
    original_language = forms.ChoiceField(
        label=_("Language of origin"),
        choices=PlanLanguage.choices,
        initial=PlanLanguage.UKRAINIAN,
        widget=forms.RadioSelect,
        help_text=_("The language the plan is written in first; the other language is the translation."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The period must end on or after the day it starts."))
        return cleaned


class PlanCreateForm(PlanFieldsMixin):
    """A new plan. The hromada is fixed by the page's address (``?hromada=``) or chosen from those the
    person may start plans for."""

    hromada = HromadaChoiceField(
        label=_("Hromada"), queryset=Hromada.objects.none(), to_field_name="katottg", empty_label=None
    )
    plan_type = forms.ChoiceField(
        label=_("Type of plan"), choices=_capitalised(PlanType.choices), widget=forms.RadioSelect
    )

    field_order = ["hromada", "plan_type", "title_uk", "title_en", "starts_on", "ends_on", "programme"]

    def __init__(
        self,
        *args: Any,
        hromada: Hromada | None,
        hromadas: QuerySet[Hromada],
        programmes: QuerySet[Programme],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fixed_hromada = hromada
        if hromada is not None:
            del self.fields["hromada"]
        else:
            self.hromada_field.queryset = hromadas
        self.programme_field.queryset = programmes
        if not self.is_bound and programmes.count() == 1:
            self.initial.setdefault("programme", programmes.first())
        self.fields["title_uk"].widget.attrs.update({"lang": "uk", "size": "60"})
        self.fields["title_en"].widget.attrs.update({"lang": "en", "size": "60"})

    @property
    def hromada_field(self) -> HromadaChoiceField:
        field = self.fields["hromada"]
        assert isinstance(field, HromadaChoiceField)  # noqa: S101 - narrows the type for mypy
        return field

    @property
    def programme_field(self) -> ProgrammeChoiceField:
        field = self.fields["programme"]
        assert isinstance(field, ProgrammeChoiceField)  # noqa: S101 - narrows the type for mypy
        return field

    def chosen_hromada(self) -> Hromada:
        if self.fixed_hromada is not None:
            return self.fixed_hromada
        hromada: Hromada = self.cleaned_data["hromada"]
        return hromada

    def plan_type_options(self) -> list[PlanTypeOption]:
        """Each type with what it is, how many sections it requires and the stages it goes through."""
        options: list[PlanTypeOption] = []
        for radio in self["plan_type"]:
            value = str(radio.data["value"])
            workflow = workflow_for(value)
            options.append(
                PlanTypeOption(
                    radio=radio,
                    help=PLAN_TYPE_HELP[value],
                    required_sections=len(catalogue.required_codes(value)),
                    stages=" → ".join(str(state.label) for state in workflow.states if state != PlanState.AMENDMENT),
                )
            )
        return options


# --- the plan's description ------------------------------------------------------------------------


class PlanEditForm(PlanFieldsMixin):
    """The description of a plan; the hidden version turns lost updates into conflicts."""

    summary_uk = forms.CharField(
        label=_("Summary in Ukrainian"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    summary_en = forms.CharField(
        label=_("Summary in English"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    summary_nl = forms.CharField(
        label=_("Summary in Dutch (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    field_order = [
        "title_uk",
        "title_en",
        "summary_uk",
        "summary_en",
        "summary_nl",
        "starts_on",
        "ends_on",
        "programme",
        "original_language",
    ]

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        programme = self.fields["programme"]
        assert isinstance(programme, ProgrammeChoiceField)  # noqa: S101 - narrows the type for mypy
        # The programmes the hromada takes part in, and the plan's own even if the hromada has left it.
        programme.queryset = (
            Programme.objects.filter(Q(phases__hromadas=plan.hromada_id) | Q(pk=plan.programme_id or 0))
            .distinct()
            .order_by("name_uk")
        )
        for name in ("title_uk", "summary_uk"):
            self.fields[name].widget.attrs["lang"] = "uk"
        for name in ("title_en", "summary_en"):
            self.fields[name].widget.attrs["lang"] = "en"
        self.fields["summary_nl"].widget.attrs["lang"] = "nl"

    @classmethod
    def initial_for(cls, plan: Plan) -> dict[str, Any]:
        return {
            "title_uk": plan.title_uk,
            "title_en": plan.title_en,
            "summary_uk": plan.summary_uk,
            "summary_en": plan.summary_en,
            "summary_nl": plan.summary_nl,
            "starts_on": plan.starts_on,
            "ends_on": plan.ends_on,
            "programme": plan.programme.slug if plan.programme else "",
            "original_language": plan.original_language,
            "version": plan.version,
        }


# --- higher-level documents ------------------------------------------------------------------------


class DocumentForm(forms.Form):
    document_type = forms.ChoiceField(
        label=_("Kind of document"), choices=_capitalised(HigherLevelDocumentType.choices)
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        required=False,
        help_text=_("Leave empty when you choose a plan in Vidnova: its title is used."),
    )
    reference = forms.CharField(
        label=_("Act or reference (optional)"),
        max_length=300,
        required=False,
        help_text=_("For example: decision of the oblast council No. 123 of 20.12.2020."),
    )
    url = forms.URLField(label=_("Link (optional)"), required=False, assume_scheme="https", max_length=200)
    linked_plan = PlanChoiceField(
        label=_("Plan in Vidnova (optional)"),
        queryset=Plan.objects.none(),
        required=False,
        empty_label=_("(not in Vidnova)"),
    )

    def __init__(self, *args: Any, plans: QuerySet[Plan], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["linked_plan"]
        assert isinstance(field, PlanChoiceField)  # noqa: S101 - narrows the type for mypy
        field.queryset = plans
        self.auto_id = "document_%s"


# --- the content language of read-only pages -----------------------------------------------------


def content_language(requested: str | None, interface_language: str) -> str:
    """The language the plan's text is shown in: ``?content=uk|en`` when given, otherwise Ukrainian for
    a Ukrainian interface and English for any other (independent of the interface after that)."""
    if requested in CONTENT_LANGUAGES:
        return str(requested)
    return "uk" if (interface_language or "uk")[:2] == "uk" else "en"
