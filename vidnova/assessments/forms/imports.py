"""The upload form of a Kobo / ODK submission import (the service checks the content)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vidnova.assessments.services.kobo import MAX_IMPORT_BYTES
from vidnova.core.uploads import validate_upload

MATCH_BY_CHOICES = [
    ("auto", _("automatically: the KATOTTG code if the file has it, otherwise the name")),
    ("katottg", _("KATOTTG code (column hromada_katottg, or any column of UA codes)")),
    ("name", _("name of the hromada (column hromada)")),
]


class SubmissionImportForm(forms.Form):
    file = forms.FileField(
        label=_("Submissions file"),
        help_text=_(
            "A Kobo or ODK export: XLSX, or CSV separated by commas or semicolons (UTF-8). One row per hromada."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"}
        ),
    )
    match_by = forms.ChoiceField(label=_("Match hromadas by"), choices=MATCH_BY_CHOICES, initial="auto")

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        validate_upload(upload, allowed={"xlsx", "text"}, max_bytes=MAX_IMPORT_BYTES)
        upload.seek(0)
        return upload
