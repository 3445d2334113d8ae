"""The form that asks for a DOCX or PDF of a plan version."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vidnova.plans.models import ExportFormat, PlanLanguage, PlanVersion


class VersionChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        version: PlanVersion = obj
        if version.is_frozen:
            return gettext("Version %(number)s (adopted)") % {"number": version.number}
        return gettext("Version %(number)s (working draft)") % {"number": version.number}


class ExportRequestForm(forms.Form):
    version = VersionChoiceField(
        label=_("Version"), queryset=PlanVersion.objects.none(), empty_label=None, to_field_name="number"
    )
    file_format = forms.ChoiceField(
        label=_("Format"),
        choices=[
            (ExportFormat.PDF.value, _("PDF, for reading and printing")),
            (ExportFormat.DOCX.value, _("DOCX (Word), for editing")),
        ],
        widget=forms.RadioSelect,
        initial=ExportFormat.PDF.value,
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=PlanLanguage.choices, widget=forms.RadioSelect, initial=PlanLanguage.UKRAINIAN
    )

    def __init__(self, *args: Any, versions: QuerySet[PlanVersion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(VersionChoiceField, self.fields["version"])
        field.queryset = versions
