"""Forms of the matching pages. They parse what was typed; services/matching.py checks the rules."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vidnova.partnerships.matching.types import Weights
from vidnova.partnerships.models import ConstraintKind, ExpertiseOffer
from vidnova.programmes.models import Phase, Programme
from vidnova.registry.models import Hromada

DEFAULT_WEIGHTS = Weights()


def _weight(label: Any, help_text: Any, initial: int) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        min_value=0,
        max_value=100,
        initial=initial,
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1, "inputmode": "numeric"}),
        error_messages={
            "required": _("Give a whole number from 0 to 100."),
            "invalid": _("Give a whole number from 0 to 100."),
            "min_value": _("Give a whole number from 0 to 100."),
            "max_value": _("Give a whole number from 0 to 100."),
        },
    )


class PhaseChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name or _("Phase %(number)s") % {"number": obj.number})


class MatchRunForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Optional, to tell runs apart, e.g. “Autumn 2026, fairness 30”."),
    )
    phase = PhaseChoiceField(
        label=_("Hromadas"),
        queryset=Phase.objects.none(),
        required=False,
        empty_label=_("Every phase of the programme"),
        help_text=_("Match the hromadas of one phase only, or of the whole programme."),
    )
    starts_on = forms.DateField(
        label=_("Partnerships would start on"),
        help_text=_("Offers must be available on this day; the hromadas' security status is read on it."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Give the date as YYYY-MM-DD, for example 2026-09-01.")},
    )
    theme = _weight(
        _("Weight: theme fit"),
        _(
            "Points for offers on the hromada's need themes, more for severe needs (weak assessment "
            "dimensions, project ideas, needs entered by hand)."
        ),
        DEFAULT_WEIGHTS.theme,
    )
    mode = _weight(
        _("Weight: modes"),
        _(
            "Points when the offer works in a mode the hromada prefers; expert missions are impossible where "
            "hostilities are active or the territory is occupied."
        ),
        DEFAULT_WEIGHTS.mode,
    )
    language = _weight(
        _("Weight: languages"),
        _(
            "Points for a shared working language: most for Ukrainian, less for another; least when an interpreter is needed."
        ),
        DEFAULT_WEIGHTS.language,
    )
    ties = _weight(
        _("Weight: existing ties"),
        _("Points for earlier partnerships between the hromada and the partner (full at two)."),
        DEFAULT_WEIGHTS.ties,
    )
    size = _weight(
        _("Weight: similar size"),
        _("Points for partners of similar population (half when the partner's population is not known)."),
        DEFAULT_WEIGHTS.size,
    )
    fairness = _weight(
        _("Fairness weight"),
        _(
            "Extra points for hromadas whose type or population band is matched less often than the average, "
            "so small and rural hromadas are not left behind; 0 switches it off. The run page shows its effect."
        ),
        DEFAULT_WEIGHTS.fairness,
    )

    WEIGHT_FIELDS = ("theme", "mode", "language", "ties", "size", "fairness")

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phase"].queryset = Phase.objects.filter(programme=programme).order_by("number")  # type: ignore[attr-defined]
        self.fields["starts_on"].initial = timezone.localdate()

    def weights(self) -> Weights:
        data = self.cleaned_data
        return Weights(**{name: int(data[name]) for name in self.WEIGHT_FIELDS})

    def run_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data.get("title", ""),
            "phase": data.get("phase"),
            "starts_on": data["starts_on"],
            "weights": self.weights(),
        }

    @classmethod
    def initial_from_query(cls, query: Mapping[str, str]) -> dict[str, Any]:
        """Initial values from a query string ("Run again with these weights"); bad values ignored."""
        initial: dict[str, Any] = {}
        for name in cls.WEIGHT_FIELDS:
            value = str(query.get(name, "")).strip()
            if value.isdigit() and 0 <= int(value) <= 100:
                initial[name] = int(value)
        if query.get("phase", "").isdigit():
            initial["phase"] = int(query["phase"])
        if query.get("title"):
            initial["title"] = str(query["title"])[:200]
        return initial


class ConstraintForm(forms.Form):
    hromada = forms.ModelChoiceField(
        label=_("Hromada"),
        queryset=Hromada.objects.none(),
        empty_label=_("Choose a hromada"),
        error_messages={"required": _("Choose a hromada of the programme.")},
    )
    offer = forms.ModelChoiceField(
        label=_("Expertise offer"),
        queryset=ExpertiseOffer.objects.none(),
        empty_label=_("Choose an offer"),
        error_messages={"required": _("Choose an offer.")},
    )
    kind = forms.ChoiceField(
        label=_("Decision"),
        choices=ConstraintKind.choices,
        widget=forms.RadioSelect,
        initial=ConstraintKind.LOCK,
        help_text=_("Locked in: every later run suggests this pair. Ruled out: no later run suggests it."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why, for the record (e.g. agreed at the partners' meeting)."),
    )

    def __init__(
        self, *args: Any, hromadas: QuerySet[Hromada], offers: QuerySet[ExpertiseOffer], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hromada"].queryset = hromadas  # type: ignore[attr-defined]
        self.fields["offer"].queryset = offers  # type: ignore[attr-defined]
        self.fields["offer"].label_from_instance = (  # type: ignore[attr-defined]
            lambda offer: f"{offer.title} ({offer.organisation.name})"
        )


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    rule_out = forms.BooleanField(label=_("Also rule this pair out for later runs"), required=False)
