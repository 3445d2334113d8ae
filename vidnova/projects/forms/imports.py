"""The forms of the project import: the upload (the service checks the content) and applying a
checked file (a signed token naming it)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vidnova.core.uploads import validate_upload
from vidnova.projects.services.imports import MAX_IMPORT_BYTES


class ProjectImportForm(forms.Form):
    file = forms.FileField(
        label=_("Projects file"),
        help_text=_(
            "XLSX (the sheet “projects”) or CSV (UTF-8, separated by commas or semicolons) in the columns of the "
            "export and the template. One row per project."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"}
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        validate_upload(upload, allowed={"xlsx", "text"}, max_bytes=MAX_IMPORT_BYTES)
        upload.seek(0)
        return upload


class ProjectImportApplyForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=2000)
