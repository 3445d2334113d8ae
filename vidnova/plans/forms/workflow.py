"""Forms of the workflow page: a step to another stage, the participation periods, the principles
checklist, adoption, registration and an amendment. They parse what people type; the workflow
services decide and save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from vidnova.plans.models import AdoptingBody, Plan, PlanState, PlanVersion, PrincipleCheck
from vidnova.plans.services.workflow import (
    CONSULTATION,
    MAX_JUSTIFICATION_CHARS,
    MAX_NOTE_CHARS,
    PROPOSALS,
    period_is_open,
)
from vidnova.plans.workflow import workflow_for


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _textarea(rows: int = 3, **attrs: Any) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, **attrs})


class WorkflowForm(forms.Form):
    """The page holds several forms with fields of the same name (version, note): each form's ids
    start with its own ``id_prefix`` so every label points at its own field."""

    id_prefix = "workflow"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class TransitionForm(WorkflowForm):
    """One form, one button per step: the pressed button sends its target stage."""

    id_prefix = "step"

    # Sent by the button pressed, never shown as a field (its errors are shown above the form).
    target = forms.ChoiceField(label=_("Step"), choices=PlanState.choices, widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note for the history (optional)"),
        required=False,
        max_length=MAX_NOTE_CHARS,
        widget=_textarea(),
        help_text=_("Say what was decided or why. Needed when the plan goes back to an earlier stage."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ParticipationDatesForm(WorkflowForm):
    """The dates of the public participation of the version being worked on. A period whose stage
    the plan has left is shown but cannot change (its fields are disabled)."""

    id_prefix = "dates"

    proposals_starts_on = forms.DateField(label=_("Collection of proposals from"), required=False, widget=_date_input())
    proposals_ends_on = forms.DateField(label=_("Collection of proposals until"), required=False, widget=_date_input())
    consultation_starts_on = forms.DateField(label=_("Consultation from"), required=False, widget=_date_input())
    consultation_ends_on = forms.DateField(label=_("Consultation until"), required=False, widget=_date_input())

    def __init__(self, *args: Any, plan: Plan, version: PlanVersion, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "proposals_starts_on": version.proposals_starts_on,
                "proposals_ends_on": version.proposals_ends_on,
                "consultation_starts_on": version.consultation_starts_on,
                "consultation_ends_on": version.consultation_ends_on,
            },
        )
        super().__init__(*args, **kwargs)
        workflow = workflow_for(plan.plan_type)
        if workflow.proposals_state is None:
            del self.fields["proposals_starts_on"]
            del self.fields["proposals_ends_on"]
        if workflow.consultation_state == PlanState.PUBLIC_DISCUSSION:
            self.fields["consultation_starts_on"].label = _("Public discussion from")
            self.fields["consultation_ends_on"].label = _("Public discussion until")
        self.closed_periods: list[str] = []
        for period in (PROPOSALS, CONSULTATION):
            if f"{period}_starts_on" in self.fields and not period_is_open(plan, period):
                self.closed_periods.append(period)
                for name in (f"{period}_starts_on", f"{period}_ends_on"):
                    self.fields[name].disabled = True

    @property
    def has_open_period(self) -> bool:
        return any(not field.disabled for field in self.fields.values())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for period in (PROPOSALS, CONSULTATION):
            starts_on, ends_on = data.get(f"{period}_starts_on"), data.get(f"{period}_ends_on")
            if starts_on and ends_on and ends_on < starts_on:
                self.add_error(f"{period}_ends_on", _("The period must end on or after the day it starts."))
        return data


class PrincipleCheckForm(forms.Form):
    """One line of the principles checklist. The hidden initial values tell whether the person
    changed this line, so only changed lines are saved and only they can conflict."""

    is_met = forms.BooleanField(
        label=_("The plan follows this principle"), label_suffix="", required=False, show_hidden_initial=True
    )
    justification_uk = forms.CharField(
        label=_("Justification in Ukrainian"),
        required=False,
        max_length=MAX_JUSTIFICATION_CHARS,
        widget=_textarea(2, lang="uk"),
        show_hidden_initial=True,
    )
    justification_en = forms.CharField(
        label=_("Justification in English"),
        required=False,
        max_length=MAX_JUSTIFICATION_CHARS,
        widget=_textarea(2, lang="en"),
        show_hidden_initial=True,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, check: PrincipleCheck, label: str, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"principle-{check.principle}")
        kwargs.setdefault("initial", self.initial_for(check))
        super().__init__(*args, **kwargs)
        self.check = check
        self.label = label

    @staticmethod
    def initial_for(check: PrincipleCheck) -> dict[str, Any]:
        return {
            "is_met": check.is_met,
            "justification_uk": check.justification_uk,
            "justification_en": check.justification_en,
            "version": check.version,
        }

    def has_changed(self) -> bool:
        return bool(set(self.changed_data) - {"version"})


class AdoptionForm(WorkflowForm):
    id_prefix = "adoption"
    adopting_body = forms.ChoiceField(
        label=_("Adopted by"),
        choices=[(value, capfirst(str(label))) for value, label in AdoptingBody.choices],
        widget=forms.RadioSelect,
        help_text=_(
            "Under martial law the head of the military administration may adopt the plan instead of the council."
        ),
    )
    act_number = forms.CharField(label=_("Number of the act"), max_length=100)
    act_date = forms.DateField(label=_("Date of the act"), widget=_date_input())
    act_document = forms.FileField(
        label=_("Signed act (PDF)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
        help_text=_("The signed decision or order, scanned or exported as PDF."),
    )
    note = forms.CharField(
        label=_("Note for the history (optional)"), required=False, max_length=MAX_NOTE_CHARS, widget=_textarea(2)
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class RegistrationForm(WorkflowForm):
    id_prefix = "registration"
    register_reference = forms.CharField(
        label=_("Number in the construction register"),
        max_length=100,
        help_text=_("The number of the programme's entry in the Construction Activity Register (ЄДЕССБ)."),
    )
    registered_on = forms.DateField(label=_("Registered on"), widget=_date_input())
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class AmendmentForm(WorkflowForm):
    id_prefix = "amendment"
    reason = forms.CharField(
        label=_("Reason for the amendment"),
        max_length=MAX_NOTE_CHARS,
        widget=_textarea(),
        help_text=_("What must change and why, for example new project ideas or a changed security situation."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
