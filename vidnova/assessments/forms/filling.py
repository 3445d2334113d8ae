"""Forms of the pages where a hromada fills in an assessment: one answer saved by fill.js, evidence,
and the submission. The answer values themselves are checked by the services (answers.clean_value),
so they judge an answer the same way for the page, the API and the Kobo/ODK import."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vidnova.assessments.services.answers import MAX_COMMENT_LENGTH
from vidnova.assessments.services.workflow import MAX_NOTE_LENGTH

MAX_VALUE_LENGTH = 20_000


class AnswerSaveForm(forms.Form):
    """One answer as fill.js sends it (JSON): ``value`` is text or a list of choice names."""

    question = forms.CharField(label=_("question"), max_length=100)
    comment = forms.CharField(label=_("comment"), required=False, strip=False, max_length=MAX_COMMENT_LENGTH + 100)
    expected_version = forms.IntegerField(label=_("version shown"), min_value=0, required=False)

    def __init__(self, data: dict[str, Any], **kwargs: Any) -> None:
        self.raw_value = data.get("value")
        self.has_comment = data.get("comment") is not None
        super().__init__(data, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        value = self.raw_value
        if value is None:
            value = ""
        if isinstance(value, list):
            if not all(isinstance(item, str | int | float) for item in value):
                raise forms.ValidationError(_("The answer must be text or a list of choices."))
            value = [str(item) for item in value]
        elif isinstance(value, int | float | str):
            value = str(value)
        else:
            raise forms.ValidationError(_("The answer must be text or a list of choices."))
        if sum(len(item) for item in (value if isinstance(value, list) else [value])) > MAX_VALUE_LENGTH:
            raise forms.ValidationError(_("The answer is too long."))
        cleaned["value"] = value
        if not self.has_comment:
            cleaned["comment"] = None
        return cleaned


class EvidenceForm(forms.Form):
    question = forms.CharField(widget=forms.HiddenInput, max_length=100)
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("PDF, image or office document, at most 20 MB."),
    )
    url = forms.CharField(label=_("or a link"), required=False, max_length=1000)
    description = forms.CharField(label=_("Description"), required=False, max_length=300)


class SubmitForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the coordinator (optional)"),
        required=False,
        max_length=MAX_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
