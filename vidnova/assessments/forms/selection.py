"""Forms of the selection pages: the call and its gates, the criteria (a formset), manual scores and
decisions. They only parse what was typed; the services check the rules."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vidnova.assessments.answers import question_label
from vidnova.assessments.models import CriterionKind, Decision, Round, SelectionCriterion
from vidnova.registry.models import Hromada, TopLevelUnit

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SelectionCallForm(forms.Form):
    round = forms.ModelChoiceField(
        label=_("Assessment round"),
        queryset=Round.objects.none(),
        help_text=_("The hromadas of this round are the candidates; their assessments give the scores."),
    )
    name_uk = forms.CharField(label=_("Name (Ukrainian)"), max_length=300)
    name_en = forms.CharField(label=_("Name (English)"), max_length=300, required=False)
    name_nl = forms.CharField(label=_("Name (Dutch)"), max_length=300, required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False, max_length=5000)
    security_date = forms.DateField(
        label=_("Security status as of"),
        widget=DATE,
        help_text=_("Temporarily occupied hromadas on this date are never eligible."),
    )
    exclude_active_hostilities = forms.BooleanField(
        label=_("Exclude areas of active hostilities"), required=False, initial=True
    )
    oblasts = forms.ModelMultipleChoiceField(
        label=_("Eligible oblasts"),
        queryset=TopLevelUnit.objects.order_by("name_uk"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("None chosen: every oblast is eligible."),
    )
    min_completeness = forms.DecimalField(
        label=_("Minimum completeness of the assessment, %"),
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=2,
        initial=Decimal(80),
    )
    require_validated = forms.BooleanField(label=_("Only validated assessments"), required=False, initial=True)
    places = forms.IntegerField(label=_("Places"), min_value=1, max_value=10_000, initial=10)

    def __init__(self, *args: Any, rounds: Any = None, with_round: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if with_round:
            self.fields["round"].queryset = rounds if rounds is not None else Round.objects.none()  # type: ignore[attr-defined]
        else:
            del self.fields["round"]


class CriterionForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=50)
    name_uk = forms.CharField(label=_("Name (Ukrainian)"), max_length=300)
    name_en = forms.CharField(label=_("Name (English)"), max_length=300, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=CriterionKind.choices)
    weight = forms.DecimalField(label=_("Weight"), min_value=Decimal("0.01"), max_digits=6, decimal_places=2)
    field = forms.TypedChoiceField(
        label=_("Field (for a field gap)"),
        choices=[("", "—"), (1, "1"), (2, "2"), (3, "3")],
        coerce=int,
        empty_value=None,
        required=False,
    )
    question = forms.ChoiceField(label=_("Question (for answer points)"), required=False)
    points = forms.CharField(
        label=_("Points per choice (for answer points)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One choice per line: name = points (0–100), for example “severe = 100”."),
    )

    def __init__(self, *args: Any, questions: Sequence[Mapping[str, Any]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        question_field: Any = self.fields["question"]
        question_field.choices = [("", "—")] + [
            (q["name"], f"{q['name']}: {question_label(q)}"[:120]) for q in questions
        ]

    def clean_points(self) -> dict[str, str]:
        text = self.cleaned_data.get("points") or ""
        points: dict[str, str] = {}
        for number, line in enumerate(text.replace(",", "\n").splitlines(), start=1):
            if not line.strip():
                continue
            name, sep, value = line.partition("=")
            if not sep or not name.strip() or not value.strip():
                raise ValidationError(
                    gettext("Line %(line)s: write “choice = points”, for example “severe = 100”.") % {"line": number}
                )
            points[name.strip()] = value.strip()
        return points

    def spec(self) -> dict[str, Any]:
        data = self.cleaned_data
        parameters: dict[str, Any] = {}
        if data["kind"] == CriterionKind.FIELD_GAP:
            parameters = {"field": data.get("field")}
        elif data["kind"] == CriterionKind.ANSWER_POINTS:
            parameters = {"question": data.get("question") or "", "points": data.get("points") or {}}
        return {
            "code": data["code"],
            "name_uk": data["name_uk"],
            "name_en": data.get("name_en", ""),
            "kind": data["kind"],
            "weight": data["weight"],
            "parameters": parameters,
        }


class BaseCriterionFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "questions": self.form_kwargs.get("questions", ())}

    def specs(self) -> list[dict[str, Any]]:
        return [
            form.spec()
            for form in self.forms
            if form.has_changed() and not self._should_delete_form(form) and form.cleaned_data  # type: ignore[attr-defined]
        ]


CriterionFormSet = forms.formset_factory(
    CriterionForm, formset=BaseCriterionFormSet, extra=2, can_delete=True, max_num=20, absolute_max=20
)


def criterion_initial(criterion: SelectionCriterion) -> dict[str, Any]:
    points = criterion.parameters.get("points") or {}
    return {
        "code": criterion.code,
        "name_uk": criterion.name_uk,
        "name_en": criterion.name_en,
        "kind": criterion.kind,
        "weight": criterion.weight,
        "field": criterion.parameters.get("field"),
        "question": criterion.parameters.get("question", ""),
        "points": "\n".join(f"{name} = {value}" for name, value in points.items()),
    }


class ManualScoreForm(forms.Form):
    criterion = forms.ModelChoiceField(label=_("Criterion"), queryset=SelectionCriterion.objects.none())
    hromada = forms.ModelChoiceField(label=_("Hromada"), queryset=Hromada.objects.none())
    value = forms.DecimalField(
        label=_("Score (0–100)"), min_value=Decimal(0), max_value=Decimal(100), max_digits=5, decimal_places=2
    )
    note = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, criteria: Any = None, hromadas: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if criteria is not None:
            self.fields["criterion"].queryset = criteria  # type: ignore[attr-defined]
        if hromadas is not None:
            self.fields["hromada"].queryset = hromadas  # type: ignore[attr-defined]


class CandidateDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices)
    justification = forms.CharField(label=_("Justification"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))
