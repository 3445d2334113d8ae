"""Forms of the round pages: open a round, change it, add hromadas. They parse; the services decide."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from vidnova.assessments.models import InstrumentVersion, RoundKind
from vidnova.registry.models import Hromada


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class VersionChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.instrument.name} — {_('version')} {obj.number}"


class HromadaChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name_uk} ({obj.oblast.name_uk})"


class RoundFieldsForm(forms.Form):
    name_uk = forms.CharField(label=_("Name (Ukrainian)"), max_length=300)
    name_en = forms.CharField(label=_("Name (English)"), max_length=300, required=False)
    name_nl = forms.CharField(label=_("Name (Dutch)"), max_length=300, required=False)
    kind = forms.ChoiceField(label=_("Round"), choices=RoundKind.choices)
    opens_on = forms.DateField(label=_("Opens on"), widget=DateInput())
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())
    training_threshold = forms.DecimalField(
        label=_("Training-need threshold (0–100)"),
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=5,
        decimal_places=2,
        initial=Decimal(50),
        help_text=_("Dimensions scoring under this threshold become training needs of the hromada."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens_on, deadline = data.get("opens_on"), data.get("deadline")
        if isinstance(opens_on, datetime.date) and isinstance(deadline, datetime.date) and deadline < opens_on:
            self.add_error("deadline", _("The deadline cannot be before the round opens."))
        return data


class RoundOpenForm(RoundFieldsForm):
    field_order = ["name_uk", "name_en", "name_nl", "kind", "instrument_version", "opens_on", "deadline"]

    instrument_version = VersionChoiceField(
        label=_("Instrument version"),
        queryset=InstrumentVersion.objects.none(),
        help_text=_("The latest version of each instrument. Answers stay tied to this version."),
    )
    hromadas = HromadaChoiceField(
        label=_("Hromadas"),
        queryset=Hromada.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The programme’s participating hromadas; each gets an assessment to fill in."),
        error_messages={"required": _("Choose at least one hromada.")},
    )

    def __init__(
        self, *args: Any, versions: list[InstrumentVersion], hromadas: QuerySet[Hromada], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["instrument_version"].queryset = InstrumentVersion.objects.filter(  # type: ignore[attr-defined]
            pk__in=[v.pk for v in versions]
        ).select_related("instrument")
        self.fields["hromadas"].queryset = hromadas  # type: ignore[attr-defined]


class RoundUpdateForm(RoundFieldsForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class RoundStatusForm(forms.Form):
    status = forms.ChoiceField(choices=[("open", "open"), ("closed", "closed")])


class AddHromadasForm(forms.Form):
    hromadas = HromadaChoiceField(
        label=_("Hromadas to add"),
        queryset=Hromada.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one hromada.")},
    )

    def __init__(self, *args: Any, hromadas: QuerySet[Hromada], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hromadas"].queryset = hromadas  # type: ignore[attr-defined]
