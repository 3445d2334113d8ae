"""Forms of the registry pages: filters (GET) and the security-status editors (POST)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from vidnova.registry import selectors
from vidnova.registry.models import CodifierCategory, HromadaType, SecurityStatus

DATE_WIDGET_FORMAT = "%Y-%m-%d"  # what <input type="date"> sends and expects


def _set_choices(form: forms.Form, name: str, choices: list[tuple[str, Any]]) -> None:
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(name)
    field.choices = choices


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format=DATE_WIDGET_FORMAT)


class MapFilterForm(forms.Form):
    """Oblast, security status and programme: the filters the map and the list share."""

    oblast = forms.ChoiceField(label=_("Oblast"), required=False)
    status = forms.ChoiceField(label=_("Security status today"), required=False)
    programme = forms.ChoiceField(label=_("Programme"), required=False)

    def __init__(self, data: QueryDict | dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.oblasts = list(selectors.oblasts())
        _set_choices(
            self,
            "oblast",
            [
                ("", _("All oblasts")),
                *((unit.katottg, unit.name_uk) for unit in self.oblasts),
            ],
        )
        _set_choices(
            self,
            "status",
            [
                ("", _("Any status")),
                *(
                    (value, _("no hostilities or none recorded") if value == SecurityStatus.NONE else label)
                    for value, label in SecurityStatus.choices
                ),
            ],
        )
        _set_choices(
            self,
            "programme",
            [
                ("", _("Any or none")),
                *((programme.slug, programme.name) for programme in selectors.programmes()),
            ],
        )

    def value(self, name: str) -> str:
        """The cleaned value of a field, or "" when it was empty or invalid."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return str(self.cleaned_data.get(name) or "")

    def to_filter(self) -> selectors.HromadaFilter:
        return selectors.HromadaFilter(
            oblast=self.value("oblast"), security_status=self.value("status"), programme=self.value("programme")
        )

    def query_params(self) -> dict[str, str]:
        """The non-empty valid filters, for links that keep them (list ↔ map, pagination)."""
        return {name: self.value(name) for name in self.fields if self.value(name)}


class HromadaFilterForm(MapFilterForm):
    """Search and filters of the hromada list. Field order is the order on the page."""

    q = forms.CharField(
        label=_("Name or code"),
        required=False,
        max_length=100,
        help_text=_("Ukrainian or Latin name, a former name, or the KATOTTG code."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}),
    )
    raion = forms.ChoiceField(label=_("Raion"), required=False)
    type = forms.ChoiceField(label=_("Type"), required=False, choices=[("", _("All types")), *HromadaType.choices])

    field_order = ["q", "oblast", "raion", "type", "status", "programme"]

    def __init__(self, data: QueryDict | dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        oblast = str((data or {}).get("oblast") or "")
        raions = list(selectors.raions_of(oblast)) if any(unit.katottg == oblast for unit in self.oblasts) else []
        _set_choices(
            self,
            "raion",
            [
                ("", _("All raions") if raions else _("Choose an oblast first")),
                *((raion.katottg, raion.name_uk) for raion in raions),
            ],
        )
        if self.is_bound and data is not None:
            raion = str(data.get("raion") or "")
            if raion and raion not in {unit.katottg for unit in raions}:
                # The oblast changed since the raion was chosen: the raion no longer applies.
                mutable = data.copy()
                mutable["raion"] = ""
                self.data = mutable

    def to_filter(self) -> selectors.HromadaFilter:
        return selectors.HromadaFilter(
            query=self.value("q"),
            oblast=self.value("oblast"),
            raion=self.value("raion"),
            hromada_type=self.value("type"),
            security_status=self.value("status"),
            programme=self.value("programme"),
        )

    def enable_live_update(self, url: str) -> None:
        """htmx: refresh the results while the person types or chooses (the form works without it)."""
        for name, field in self.fields.items():
            field.widget.attrs.update({"hx-get": url, "hx-include": "closest form", "hx-trigger": "change"})
            if name == "q":
                field.widget.attrs["hx-trigger"] = "input changed delay:400ms, search"


class MunicipalityFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Name or CBS code"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    province = forms.ChoiceField(label=_("Province"), required=False)

    def __init__(self, data: QueryDict | dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        _set_choices(
            self,
            "province",
            [
                ("", _("All provinces")),
                *((province, province) for province in selectors.provinces()),
            ],
        )

    def value(self, name: str) -> str:
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return str(self.cleaned_data.get(name) or "")

    def query_params(self) -> dict[str, str]:
        return {name: self.value(name) for name in self.fields if self.value(name)}

    def enable_live_update(self, url: str) -> None:
        self.fields["q"].widget.attrs.update(
            {"hx-get": url, "hx-include": "closest form", "hx-trigger": "input changed delay:400ms, search"}
        )
        self.fields["province"].widget.attrs.update(
            {"hx-get": url, "hx-include": "closest form", "hx-trigger": "change"}
        )


class SettlementSearchForm(forms.Form):
    q = forms.CharField(label=_("Place"), min_length=2, max_length=100)
    hromada = forms.RegexField(regex=r"^UA\d{17}$", required=False)
    category = forms.MultipleChoiceField(
        required=False,
        choices=CodifierCategory.choices,
    )


class SecurityStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("Choose a status")), *SecurityStatus.choices])
    starts_on = forms.DateField(
        label=_("In force from"),
        widget=_date_input(),
        help_text=_("The date the status applies from, as in the government's list."),
    )
    source = forms.CharField(
        label=_("Source"),
        required=False,
        max_length=300,
        help_text=_(
            "For example the order of the Ministry for Development of Communities and Territories, with its date."
        ),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class SecurityStatusCorrectionForm(SecurityStatusForm):
    """Correct a recorded period. ``version`` is the one the editor loaded, so a concurrent change shows
    as a conflict instead of being overwritten."""

    ends_on = forms.DateField(
        label=_("In force until (exclusive)"),
        required=False,
        widget=_date_input(),
        help_text=_("Leave empty while the status is still in force."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    field_order = ["status", "starts_on", "ends_on", "source", "note", "version"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts_on: datetime.date | None = cleaned.get("starts_on")
        ends_on: datetime.date | None = cleaned.get("ends_on")
        if starts_on and ends_on and ends_on <= starts_on:
            self.add_error("ends_on", _("The end date must be after the start date."))
        return cleaned


class SecurityStatusImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("A .csv file in UTF-8 with a header row, as described below."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise ValidationError(_("Choose a file ending in .csv."))
        limit = settings.VIDNOVA_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise ValidationError(
                _("The file is %(size)s; the largest accepted is %(limit)s."),
                params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            )
        return upload
