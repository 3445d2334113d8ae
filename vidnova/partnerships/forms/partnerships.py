"""Forms of the partnership pages: a partnership (new and edit), a status change and an agreement.

Forms parse what people type; services/partnerships.py decides and saves. ``place_errors`` puts a
service's ValidationError next to the field it names ("partners[1].organisation" → the second
partner row's organisation select).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from vidnova.partnerships.models import AgreementKind, ExpertiseOffer, OfferStatus, PartnerRole, Partnership, Theme
from vidnova.programmes.models import Organisation, Programme
from vidnova.registry.models import Hromada

PARTNER_ROWS = 3
SIGNATORY_ROWS = 4
ROW_KEY = re.compile(r"^(?P<table>\w+)\[(?P<index>\d+)\](?:\.(?P<field>\w+))?$")

# The programme's three fields (Theme.field).
FIELD_LABELS: dict[int, Any] = {
    1: _("1. Safety, security and resilience"),
    2: _("2. Local economic development and project management"),
    3: _("3. Decentralisation and democratisation during wartime"),
}


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def blank(choices: Iterable[tuple[Any, Any]], label: Any = "—") -> list[tuple[Any, Any]]:
    return [("", label), *choices]


def place_errors(form: forms.Form, error: ValidationError, key_to_field: Callable[[str], str | None]) -> None:
    """Attach the service's errors to the form's fields (unknown keys become form-wide errors)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, errors in error.error_dict.items():
        name = key_to_field(key)
        if name is None and key in form.fields:
            name = key
        if name is not None and name in form.fields:
            form.add_error(name, errors)
        else:
            form.add_error(None, errors)


@dataclass(frozen=True)
class PartnerRow:
    number: int
    organisation: forms.BoundField
    role: forms.BoundField


@dataclass(frozen=True)
class ThemeGroup:
    label: Any
    boxes: list[Any]


def programme_hromadas(programme: Programme) -> list[Hromada]:
    return list(
        Hromada.objects.filter(participations__phase__programme=programme)
        .select_related("oblast")
        .distinct()
        .order_by("name_sort", "katottg")
    )


class PartnershipForm(forms.Form):
    """A partnership: the hromada and the offer only when it is new (``partnership`` is None)."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    hromada = forms.ChoiceField(label=_("Hromada"), help_text=_("Hromadas taking part in the programme."))
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    themes = forms.MultipleChoiceField(
        label=_("Themes"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose at least one theme; they decide the partnership's field(s)."),
    )
    starts_on = forms.DateField(label=_("Start"), required=False, widget=date_input())
    ends_on = forms.DateField(label=_("End"), required=False, widget=date_input())
    offer = forms.TypedChoiceField(
        label=_("Expertise offer it takes a place on"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Optional: an open offer of one of the partners."),
    )

    def __init__(
        self,
        *args: Any,
        programme: Programme,
        partnership: Partnership | None = None,
        organisations: Sequence[Organisation] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.partnership = partnership
        self.organisations = {organisation.pk: organisation for organisation in organisations}
        # Up to three rows; more when an existing partnership already has more partners (none is dropped).
        existing = partnership.partner_links.count() if partnership is not None and partnership.pk else 0
        self.row_count = max(PARTNER_ROWS, existing)
        self.hromadas: dict[str, Hromada] = {}
        if partnership is None:
            self.hromadas = {hromada.katottg: hromada for hromada in programme_hromadas(programme)}
            self._choice("hromada").choices = blank(
                (code, f"{hromada.name_uk} ({hromada.oblast.name_uk})") for code, hromada in self.hromadas.items()
            )
            offers = ExpertiseOffer.objects.filter(
                organisation_id__in=list(self.organisations), status=OfferStatus.ACTIVE
            ).select_related("organisation")
            self._choice("offer").choices = blank(
                (offer.pk, f"{offer.title} — {offer.organisation}") for offer in offers.order_by("title", "pk")
            )
        else:
            del self.fields["hromada"]
            del self.fields["offer"]
        organisation_choices = blank((pk, str(organisation)) for pk, organisation in self.organisations.items())
        for number in range(1, self.row_count + 1):
            self.fields[f"partner_{number}_organisation"] = forms.TypedChoiceField(
                label=_("Partner %(number)s") % {"number": number},
                required=False,
                coerce=int,
                empty_value=None,
                choices=organisation_choices,
            )
            self.fields[f"partner_{number}_role"] = forms.ChoiceField(
                label=_("Role of partner %(number)s") % {"number": number},
                required=False,
                choices=[(value, capfirst(label)) for value, label in PartnerRole.choices],
                initial=PartnerRole.LEAD if number == 1 else PartnerRole.PARTNER,
            )
        self.theme_objects = list(Theme.objects.filter(is_active=True).order_by("field", "sort_order", "code"))
        self._choice("themes").choices = [(theme.code, theme.name) for theme in self.theme_objects]

    def _choice(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        if not isinstance(field, forms.ChoiceField):
            raise TypeError(name)
        return field

    @classmethod
    def initial_from(cls, partnership: Partnership) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "version": partnership.version,
            "title": partnership.title,
            "description": partnership.description,
            "starts_on": partnership.starts_on,
            "ends_on": partnership.ends_on,
            "themes": [theme.code for theme in partnership.themes.all()],
        }
        for number, link in enumerate(partnership.partner_links.all(), start=1):
            initial[f"partner_{number}_organisation"] = link.organisation_id
            initial[f"partner_{number}_role"] = link.role
        return initial

    def partner_rows(self) -> list[PartnerRow]:
        return [
            PartnerRow(number, self[f"partner_{number}_organisation"], self[f"partner_{number}_role"])
            for number in range(1, self.row_count + 1)
        ]

    def theme_groups(self) -> list[ThemeGroup]:
        field_of = {theme.code: theme.field for theme in self.theme_objects}
        groups: dict[int, list[Any]] = {}
        for box in self["themes"]:
            groups.setdefault(field_of.get(str(box.data["value"]), 0), []).append(box)
        return [ThemeGroup(FIELD_LABELS.get(number, number), boxes) for number, boxes in sorted(groups.items())]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.partner_numbers = [
            number for number in range(1, self.row_count + 1) if cleaned.get(f"partner_{number}_organisation")
        ]
        if not self.partner_numbers and not any(
            f"partner_{n}_organisation" in self.errors for n in range(1, self.row_count + 1)
        ):
            self.add_error("partner_1_organisation", _("Choose at least one partner organisation."))
        return cleaned

    def partners(self) -> list[tuple[Organisation, str]]:
        result = []
        for number in self.partner_numbers:
            organisation = self.organisations[self.cleaned_data[f"partner_{number}_organisation"]]
            result.append((organisation, self.cleaned_data.get(f"partner_{number}_role") or PartnerRole.PARTNER))
        return result

    def selected_hromada(self) -> Hromada:
        return self.hromadas[self.cleaned_data["hromada"]]

    def selected_offer(self) -> ExpertiseOffer | None:
        pk = self.cleaned_data.get("offer")
        return ExpertiseOffer.objects.filter(pk=pk).first() if pk else None

    def field_for(self, key: str) -> str | None:
        match = ROW_KEY.match(key)
        if match and match["table"] == "partners":
            position = int(match["index"])
            numbers = getattr(self, "partner_numbers", [])
            if position < len(numbers):
                column = "role" if match["field"] == "role" else "organisation"
                return f"partner_{numbers[position]}_{column}"
        if key == "partners":
            return "partner_1_organisation"
        if key == "suggestion":
            return None
        return key if key in self.fields else None


class TransitionForm(forms.Form):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    to_status = forms.ChoiceField(label=_("New status"), widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the partnership ends before it started: say why."),
    )

    def __init__(self, *args: Any, statuses: Iterable[tuple[str, Any]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [(value, capfirst(label)) for value, label in statuses]  # type: ignore[attr-defined]


@dataclass(frozen=True)
class SignatoryRow:
    number: int
    full_name: forms.BoundField
    position: forms.BoundField
    organisation_name: forms.BoundField


class AgreementForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=blank([(value, capfirst(label)) for value, label in AgreementKind.choices])
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    signed_on = forms.DateField(label=_("Signed on"), required=False, widget=date_input())
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=date_input())
    file = forms.FileField(
        label=_("Document"),
        required=False,
        help_text=_("PDF, DOCX, ODT, JPEG or PNG, at most 20 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.odt,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for number in range(1, SIGNATORY_ROWS + 1):
            self.fields[f"signatory_{number}_full_name"] = forms.CharField(
                label=_("Signatory %(number)s: full name") % {"number": number}, required=False, max_length=200
            )
            self.fields[f"signatory_{number}_position"] = forms.CharField(
                label=_("Signatory %(number)s: position") % {"number": number}, required=False, max_length=200
            )
            self.fields[f"signatory_{number}_organisation_name"] = forms.CharField(
                label=_("Signatory %(number)s: on behalf of") % {"number": number}, required=False, max_length=300
            )

    def signatory_rows(self) -> list[SignatoryRow]:
        return [
            SignatoryRow(
                number,
                self[f"signatory_{number}_full_name"],
                self[f"signatory_{number}_position"],
                self[f"signatory_{number}_organisation_name"],
            )
            for number in range(1, SIGNATORY_ROWS + 1)
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.signatory_numbers = [
            number
            for number in range(1, SIGNATORY_ROWS + 1)
            if any(
                (cleaned.get(f"signatory_{number}_{column}") or "").strip()
                for column in ("full_name", "position", "organisation_name")
            )
        ]
        return cleaned

    def signatories(self) -> list[dict[str, str]]:
        return [
            {
                column: (self.cleaned_data.get(f"signatory_{number}_{column}") or "").strip()
                for column in ("full_name", "position", "organisation_name")
            }
            for number in self.signatory_numbers
        ]

    def field_for(self, key: str) -> str | None:
        match = ROW_KEY.match(key)
        if match and match["table"] == "signatories":
            position = int(match["index"])
            numbers = getattr(self, "signatory_numbers", [])
            if position < len(numbers) and match["field"]:
                return f"signatory_{numbers[position]}_{match['field']}"
            return None
        if key == "signatories":
            return None
        return key if key in self.fields else None


__all__ = [
    "AgreementForm",
    "PartnershipForm",
    "TransitionForm",
    "place_errors",
]
