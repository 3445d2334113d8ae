"""Forms of the needs pages: the list filters, a need typed by hand, closing it, the partner search
profile. services/needs.py decides and saves."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vidnova.partnerships.forms.offers import grouped_theme_choices, mode_choices
from vidnova.partnerships.models import NeedSeverity, NeedStatus
from vidnova.partnerships.selectors.offers import FIELD_NAMES, language_choices
from vidnova.registry.models import HromadaType, TopLevelUnit

SOURCE_CHOICES = [
    ("assessment", _("Assessment")),
    ("project", _("Project idea")),
    ("manual", _("Entered by hand")),
]


class NeedFilterForm(forms.Form):
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    field = forms.ChoiceField(label=pgettext_lazy("programme field filter", "Field"), required=False)
    source = forms.ChoiceField(label=_("Source"), required=False)
    oblast = forms.ChoiceField(label=_("Oblast"), required=False)
    type = forms.ChoiceField(label=_("Type of hromada"), required=False)
    seeks = forms.BooleanField(label=_("Only hromadas looking for a partner"), required=False)

    def __init__(self, *args: Any, oblasts: list[TopLevelUnit] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [("", _("Any theme")), *grouped_theme_choices()]  # type: ignore[attr-defined]
        self.fields["field"].choices = [  # type: ignore[attr-defined]
            ("", _("Any field")),
            *[(str(number), f"{number}. {name}") for number, name in FIELD_NAMES.items()],
        ]
        self.fields["source"].choices = [("", _("Any source")), *SOURCE_CHOICES]  # type: ignore[attr-defined]
        self.fields["oblast"].choices = [  # type: ignore[attr-defined]
            ("", _("Any oblast")),
            *[(oblast.katottg, oblast.name_uk) for oblast in oblasts or []],
        ]
        self.fields["type"].choices = [  # type: ignore[attr-defined]
            ("", _("Any type")),
            *[(kind.value, capfirst(kind.label)) for kind in HromadaType],
        ]

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}


class NeedForm(forms.Form):
    theme = forms.ChoiceField(label=_("Theme"))
    severity = forms.TypedChoiceField(
        label=_("Severity"),
        coerce=int,
        choices=[(value, capfirst(label)) for value, label in NeedSeverity.choices],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the severity: low, medium or high.")},
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the hromada needs and why, in a few sentences."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [("", "—"), *grouped_theme_choices()]  # type: ignore[attr-defined]


class NeedStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=NeedStatus.choices)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ProfileForm(forms.Form):
    seeks_partner = forms.BooleanField(label=_("The hromada is looking for a partner"), required=False)
    languages = forms.MultipleChoiceField(
        label=_("Working languages of the team"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one language the hromada's team works in.")},
    )
    preferred_modes = forms.MultipleChoiceField(
        label=_("Preferred modes"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Leave all unticked when any mode suits the hromada."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["languages"].choices = language_choices()  # type: ignore[attr-defined]
        self.fields["preferred_modes"].choices = mode_choices()  # type: ignore[attr-defined]

    @staticmethod
    def initial_from(profile: Any) -> dict[str, Any]:
        return {
            "seeks_partner": profile.seeks_partner,
            "languages": list(profile.languages),
            "preferred_modes": list(profile.preferred_modes),
            "note": profile.note,
            "version": profile.version,
        }

    def data_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data
