"""Forms of the comment pages: they parse what people type; the comment services decide and save.

No ``maxlength`` on the text boxes: a browser would silently cut a pasted comment, while the service
refuses an over-long one with a message saying by how much, and keeps what was typed in the form.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vidnova.plans.selectors.comments import ThreadStatus


class ThreadStartForm(forms.Form):
    quote = forms.CharField(
        label=_("Quoted passage (optional)"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Copy the words of the section your comment is about, up to 500 characters, so the hromada sees "
            "exactly where to look."
        ),
    )
    body = forms.CharField(
        label=_("Comment"),
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Plain text; line breaks are kept. At most 10,000 characters."),
        error_messages={"required": _("Write a comment.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "thread")
        super().__init__(*args, **kwargs)


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Reply"),
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write a reply.")},
    )


class ThreadFilterForm(forms.Form):
    """The filter of the comment pages (GET): which threads, and of which version."""

    status = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            (ThreadStatus.ALL.value, _("all threads")),
            (ThreadStatus.OPEN.value, _("open threads")),
            (ThreadStatus.RESOLVED.value, _("resolved threads")),
        ],
    )
    version = forms.IntegerField(label=_("Version"), required=False, min_value=1)

    def status_value(self) -> str:
        if self.is_valid() and self.cleaned_data.get("status"):
            return str(self.cleaned_data["status"])
        return ThreadStatus.ALL.value

    def version_number(self) -> int | None:
        if self.is_valid():
            number = self.cleaned_data.get("version")
            return int(number) if number is not None else None
        return None
