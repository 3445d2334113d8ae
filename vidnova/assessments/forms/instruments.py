"""Forms parse what people send; the services decide and save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vidnova.core.uploads import validate_upload


class InstrumentImportForm(forms.Form):
    file = forms.FileField(
        label=_("XLSForm file"),
        help_text=_("An .xlsx workbook with the sheets survey, choices and settings, as described below."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        # By content, not by name: size, and that it really is an .xlsx workbook.
        validate_upload(upload, allowed={"xlsx"})
        return upload
