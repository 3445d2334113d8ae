"""Forms of the activity pages: an activity with its participants (a table of roles × women, men,
not stated) and up to three new follow-up actions, and the done toggle of a follow-up action."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from vidnova.partnerships.forms.partnerships import blank, date_input
from vidnova.partnerships.models import Activity, ActivityKind, ParticipantRole
from vidnova.partnerships.services.activities import GENDERS, MAX_HEADCOUNT

FOLLOW_UP_ROWS = 3
GENDER_LABELS: dict[str, Any] = {"women": _("women"), "men": _("men"), "not_stated": _("gender not stated")}
PARTICIPANT_KEY = re.compile(r"^participants\.(?P<role>\w+)(?:\.(?P<gender>\w+))?$")
FOLLOW_UP_KEY = re.compile(r"^follow_ups\[(?P<index>\d+)\](?:\.(?P<field>\w+))?$")


@dataclass(frozen=True)
class ParticipantRow:
    role: str
    label: Any
    cells: list[forms.BoundField]


@dataclass(frozen=True)
class FollowUpRow:
    number: int
    description: forms.BoundField
    responsible: forms.BoundField
    due_on: forms.BoundField


class ActivityForm(forms.Form):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=blank([(value, capfirst(label)) for value, label in ActivityKind.choices])
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    starts_on = forms.DateField(label=_("Date"), widget=date_input())
    ends_on = forms.DateField(
        label=_("Until"), required=False, widget=date_input(), help_text=_("For activities over several days.")
    )
    location = forms.CharField(label=_("Place"), required=False, max_length=300)
    description = forms.CharField(label=_("What happened"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    outcomes = forms.CharField(label=_("Outcomes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for role, role_label in ParticipantRole.choices:
            for gender in GENDERS:
                self.fields[f"p_{role}_{gender}"] = forms.IntegerField(
                    label=_("%(role)s: %(gender)s") % {"role": capfirst(role_label), "gender": GENDER_LABELS[gender]},
                    required=False,
                    min_value=0,
                    max_value=MAX_HEADCOUNT,
                    widget=forms.NumberInput(attrs={"min": 0, "step": 1, "inputmode": "numeric", "class": "count"}),
                )
        for number in range(1, FOLLOW_UP_ROWS + 1):
            self.fields[f"follow_up_{number}_description"] = forms.CharField(
                label=_("Follow-up %(number)s: action") % {"number": number}, required=False, max_length=500
            )
            self.fields[f"follow_up_{number}_responsible"] = forms.CharField(
                label=_("Follow-up %(number)s: who") % {"number": number}, required=False, max_length=200
            )
            self.fields[f"follow_up_{number}_due_on"] = forms.DateField(
                label=_("Follow-up %(number)s: due") % {"number": number}, required=False, widget=date_input()
            )

    @classmethod
    def initial_from(cls, activity: Activity) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "version": activity.version,
            "kind": activity.kind,
            "title": activity.title,
            "starts_on": activity.starts_on,
            "ends_on": activity.ends_on,
            "location": activity.location,
            "description": activity.description,
            "outcomes": activity.outcomes,
        }
        for row in activity.participants.all():
            for gender in GENDERS:
                initial[f"p_{row.role}_{gender}"] = getattr(row, gender)
        return initial

    def participant_rows(self) -> list[ParticipantRow]:
        return [
            ParticipantRow(role, capfirst(label), [self[f"p_{role}_{gender}"] for gender in GENDERS])
            for role, label in ParticipantRole.choices
        ]

    def follow_up_rows(self) -> list[FollowUpRow]:
        return [
            FollowUpRow(
                number,
                self[f"follow_up_{number}_description"],
                self[f"follow_up_{number}_responsible"],
                self[f"follow_up_{number}_due_on"],
            )
            for number in range(1, FOLLOW_UP_ROWS + 1)
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.follow_up_numbers = []
        for number in range(1, FOLLOW_UP_ROWS + 1):
            filled = [
                name
                for name in ("description", "responsible", "due_on")
                if cleaned.get(f"follow_up_{number}_{name}") not in (None, "")
            ]
            if filled:
                self.follow_up_numbers.append(number)
                if "description" not in filled and f"follow_up_{number}_description" not in self.errors:
                    self.add_error(f"follow_up_{number}_description", _("Say what is to be done."))
        return cleaned

    def data_for_service(self) -> dict[str, Any]:
        names = ("kind", "title", "starts_on", "ends_on", "location", "description", "outcomes")
        return {name: self.cleaned_data.get(name) for name in names}

    def participants(self) -> dict[str, dict[str, int]]:
        return {
            role: {gender: self.cleaned_data.get(f"p_{role}_{gender}") or 0 for gender in GENDERS}
            for role in ParticipantRole.values
        }

    def follow_ups(self) -> list[dict[str, Any]]:
        return [
            {
                "description": self.cleaned_data.get(f"follow_up_{number}_description") or "",
                "responsible": self.cleaned_data.get(f"follow_up_{number}_responsible") or "",
                "due_on": self.cleaned_data.get(f"follow_up_{number}_due_on"),
            }
            for number in self.follow_up_numbers
        ]

    def field_for(self, key: str) -> str | None:
        match = PARTICIPANT_KEY.match(key)
        if match:
            gender = match["gender"] or "women"
            name = f"p_{match['role']}_{gender}"
            return name if name in self.fields else None
        match = FOLLOW_UP_KEY.match(key)
        if match:
            position = int(match["index"])
            numbers = getattr(self, "follow_up_numbers", [])
            if position < len(numbers):
                return f"follow_up_{numbers[position]}_{match['field'] or 'description'}"
            return None
        return key if key in self.fields else None


class FollowUpToggleForm(forms.Form):
    done = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda value: value == "1")
    version = forms.IntegerField(required=False, min_value=1)
    next = forms.CharField(required=False, max_length=500)
