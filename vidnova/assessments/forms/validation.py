"""The validator's form: a comment box per question (``note-<question name>``) and a general message.
Which question names exist is the service's check; the form only collects the texts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vidnova.assessments.services.workflow import MAX_NOTE_LENGTH

NOTE_PREFIX = "note-"
ACTIONS = ("start", "validate", "return")


class ReviewForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS])
    message = forms.CharField(
        label=_("Message to the hromada"),
        required=False,
        max_length=MAX_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent with the decision; required when returning without comments on questions."),
    )

    def __init__(self, *args: Any, questions: Iterable[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(questions)

    def notes(self) -> dict[str, str]:
        """The non-empty per-question comments that were posted, by question name."""
        data: Mapping[str, Any] = self.data or {}
        notes = {}
        for name in self.questions:
            text = str(data.get(f"{NOTE_PREFIX}{name}", "")).strip()
            if text:
                notes[name] = text
        return notes
