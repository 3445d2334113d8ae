"""Forms of the prioritisation pages. They only parse what was typed; the services check the rules."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vidnova.accounts.models import User
from vidnova.projects.models import Pillar, PriorityCriterion, PriorityScore, Project


class RoundForm(forms.Form):
    name_uk = forms.CharField(label=_("Name (Ukrainian)"), max_length=300)
    name_en = forms.CharField(label=_("Name (English)"), max_length=300, required=False)
    name_nl = forms.CharField(label=_("Name (Dutch)"), max_length=300, required=False)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )
    gate_security = forms.BooleanField(
        label=_("Security gate: exclude temporarily occupied hromadas and areas of active hostilities"),
        required=False,
        initial=True,
    )
    gate_min_cofinancing = forms.DecimalField(
        label=_("Minimum local co-financing, per cent of the cost"),
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=2,
        required=False,
        initial=Decimal(10),
        help_text=_("Leave empty to switch this gate off."),
    )
    gate_design_for_construction = forms.BooleanField(
        label=_("Construction and rehabilitation projects need design documents"), required=False, initial=True
    )
    gate_dream_duplicates = forms.BooleanField(
        label=_("Exclude duplicates (same DREAM identifier or same title in the hromada)"),
        required=False,
        initial=True,
    )

    def round_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        minimum = data.get("gate_min_cofinancing")
        return {
            "name_uk": data["name_uk"],
            "name_en": data.get("name_en", ""),
            "name_nl": data.get("name_nl", ""),
            "description": data.get("description", ""),
            "gates": {
                "security": bool(data.get("gate_security")),
                "min_cofinancing": None if minimum is None else str(minimum),
                "design_for_construction": bool(data.get("gate_design_for_construction")),
                "dream_duplicates": bool(data.get("gate_dream_duplicates")),
            },
        }

    @staticmethod
    def initial_for(round_: Any) -> dict[str, Any]:
        gates = round_.gates or {}
        return {
            "name_uk": round_.name_uk,
            "name_en": round_.name_en,
            "name_nl": round_.name_nl,
            "description": round_.description,
            "gate_security": bool(gates.get("security")),
            "gate_min_cofinancing": gates.get("min_cofinancing"),
            "gate_design_for_construction": bool(gates.get("design_for_construction")),
            "gate_dream_duplicates": bool(gates.get("dream_duplicates")),
        }


class CriterionForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=50)
    name_uk = forms.CharField(label=_("Name (Ukrainian)"), max_length=300)
    name_en = forms.CharField(label=_("Name (English)"), max_length=300, required=False)
    pillar = forms.ChoiceField(label=_("Pillar"), choices=Pillar.choices)
    weight = forms.DecimalField(
        label=_("Weight"), min_value=Decimal("0.01"), max_value=Decimal("9999.99"), decimal_places=2
    )
    scale_max = forms.IntegerField(
        label=_("Highest score"), min_value=1, max_value=10, help_text=_("1 to 10; scores go from 0 to it.")
    )
    description = forms.CharField(
        label=_("What is scored"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )

    def spec(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class BaseCriterionFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def specs(self) -> list[dict[str, Any]]:
        return [
            form.spec()
            for form in self.forms
            if form.has_changed() and form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


CriterionFormSet = forms.formset_factory(CriterionForm, formset=BaseCriterionFormSet, extra=2, can_delete=True)


def criterion_initial(criterion: PriorityCriterion) -> dict[str, Any]:
    return {
        "code": criterion.code,
        "name_uk": criterion.name_uk,
        "name_en": criterion.name_en,
        "pillar": criterion.pillar,
        "weight": criterion.weight,
        "scale_max": criterion.scale_max,
        "description": criterion.description,
    }


class ProjectLabelChoice(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} — {obj.title_uk} ({obj.hromada})"


class ProjectsForm(forms.Form):
    projects = ProjectLabelChoice(
        label=_("Projects in the round"),
        queryset=Project.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, projects: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["projects"].queryset = projects if projects is not None else Project.objects.none()  # type: ignore[attr-defined]


class ScorerAddForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Person"), queryset=User.objects.none())

    def __init__(self, *args: Any, users: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users if users is not None else User.objects.none()  # type: ignore[attr-defined]


class ConflictForm(forms.Form):
    conflicts = ProjectLabelChoice(
        label=_("Projects on which I have a conflict of interest"),
        queryset=Project.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked to declare that you have no conflict of interest."),
    )
    conflict_note = forms.CharField(
        label=_("Declaration"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
        help_text=_("Explain each conflict (family, employment, financial interest…)."),
    )

    def __init__(self, *args: Any, projects: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["conflicts"].queryset = projects if projects is not None else Project.objects.none()  # type: ignore[attr-defined]


class ProjectScoreForm(forms.Form):
    """The scorer's scores of one project: a value and a justification per criterion."""

    def __init__(
        self,
        *args: Any,
        criteria: list[PriorityCriterion],
        existing: dict[int, PriorityScore] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        existing = existing or {}
        for criterion in criteria:
            score = existing.get(criterion.pk)
            self.fields[f"value_{criterion.code}"] = forms.DecimalField(
                label=_("Score (0–%(max)s)") % {"max": criterion.scale_max},
                min_value=Decimal(0),
                max_value=Decimal(criterion.scale_max),
                decimal_places=2,
                required=False,
                initial=score.value if score else None,
            )
            self.fields[f"justification_{criterion.code}"] = forms.CharField(
                label=_("Justification"),
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                max_length=5000,
                initial=score.justification if score else "",
            )

    def rows(self) -> list[tuple[PriorityCriterion, Any, Any]]:
        return [(c, self[f"value_{c.code}"], self[f"justification_{c.code}"]) for c in self.criteria]

    def scores(self) -> list[dict[str, Any]]:
        """The criteria given a value or a justification (the service refuses half-filled ones)."""
        data = self.cleaned_data
        chosen = []
        for criterion in self.criteria:
            value = data.get(f"value_{criterion.code}")
            justification = data.get(f"justification_{criterion.code}", "")
            if value is None and not justification.strip():
                continue
            chosen.append({"criterion": criterion, "value": value, "justification": justification})
        return chosen
