"""Forms of the exchange-rates page: one rate, and a CSV file of rates. The service
(projects/services/rates.py) checks the values again and decides."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from vidnova.projects.models import Currency

FOREIGN = [(code, label) for code, label in Currency.choices if code != Currency.UAH]


class RateForm(forms.Form):
    currency = forms.ChoiceField(label=_("Currency"), choices=FOREIGN)
    valid_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    uah_per_unit = forms.DecimalField(
        label=_("Hryvnias per unit"), max_digits=12, decimal_places=6, min_value=0, help_text=_("For example 44.8871.")
    )
    source = forms.CharField(
        label=_("Source"), max_length=200, required=False, help_text=_("For example the NBU official rate.")
    )

    def clean_uah_per_unit(self) -> object:
        value = self.cleaned_data["uah_per_unit"]
        if value is not None and value <= 0:
            raise forms.ValidationError(_("The rate must be above zero."))
        return value


class RateImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Columns currency,date,uah_per_unit and optionally source; dates as 2025-03-31 or 31.03.2025."),
    )
