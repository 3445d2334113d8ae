"""Forms of the offer and partner pages: the catalogue filters, an offer, its status, a contact person.
Forms parse what people type; services/offers.py and services/contacts.py decide and save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vidnova.partnerships.models import MAX_OFFER_CAPACITY, WORKING_LANGUAGES, OfferMode, OfferStatus, Theme
from vidnova.partnerships.selectors.offers import FIELD_NAMES, field_name, language_choices
from vidnova.partnerships.services.contacts import PHONE_RE
from vidnova.programmes.models import Organisation, OrganisationKind

PARTNER_KIND_CHOICES = [
    (kind.value, capfirst(kind.label))
    for kind in (
        OrganisationKind.DUTCH_MUNICIPALITY,
        OrganisationKind.SAFETY_REGION,
        OrganisationKind.EU_MUNICIPALITY,
        OrganisationKind.CITIES_ASSOCIATION,
        OrganisationKind.NGO,
        OrganisationKind.EXPERT_BODY,
    )
]


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def theme_choices() -> list[tuple[str, str]]:
    return [(theme.code, theme.name) for theme in Theme.objects.filter(is_active=True)]


def grouped_theme_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Active themes as option groups named after the programme's three fields."""
    groups: dict[int, list[tuple[str, str]]] = {}
    for theme in Theme.objects.filter(is_active=True):
        groups.setdefault(theme.field, []).append((theme.code, theme.name))
    return [(field_name(number), choices) for number, choices in sorted(groups.items())]


def mode_choices() -> list[tuple[str, str]]:
    return [(mode.value, str(capfirst(mode.label))) for mode in OfferMode]


class OfferFilterForm(forms.Form):
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    field = forms.ChoiceField(label=pgettext_lazy("programme field filter", "Field"), required=False)
    mode = forms.ChoiceField(label=_("Mode"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    country = forms.ChoiceField(label=_("Country of the organisation"), required=False)
    open = forms.BooleanField(label=_("Open for new hromadas now"), required=False)

    def __init__(self, *args: Any, countries: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [("", _("Any theme")), *grouped_theme_choices()]  # type: ignore[attr-defined]
        self.fields["field"].choices = [  # type: ignore[attr-defined]
            ("", _("Any field")),
            *[(str(number), f"{number}. {name}") for number, name in FIELD_NAMES.items()],
        ]
        self.fields["mode"].choices = [("", _("Any mode")), *mode_choices()]  # type: ignore[attr-defined]
        self.fields["language"].choices = [("", _("Any language")), *language_choices()]  # type: ignore[attr-defined]
        self.fields["country"].choices = [  # type: ignore[attr-defined]
            ("", _("Any country")),
            *[(code, code) for code in countries or []],
        ]

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}


class OfferForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("Organisation"), coerce=int, required=False)
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the partner offers, who takes part and what a hromada can expect."),
    )
    text_language = forms.ChoiceField(label=_("Language of the title and description"))
    themes = forms.MultipleChoiceField(
        label=_("Themes"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one theme.")},
    )
    modes = forms.MultipleChoiceField(
        label=_("Modes"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one mode.")},
    )
    capacity = forms.IntegerField(
        label=_("Capacity"),
        min_value=1,
        max_value=MAX_OFFER_CAPACITY,
        help_text=_("How many hromadas the offer can serve at once (1 to 50)."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Working languages"), widget=forms.CheckboxSelectMultiple, required=False
    )
    available_from = forms.DateField(label=_("Available from"), widget=_date_input())
    available_until = forms.DateField(
        label=_("Available until"), widget=_date_input(), required=False, help_text=_("Leave empty when open-ended.")
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, organisations: list[Organisation] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organisations is None:
            del self.fields["organisation"]
        else:
            field = self.fields["organisation"]
            field.required = True
            field.choices = [("", "—"), *[(o.pk, o.name) for o in organisations]]  # type: ignore[attr-defined]
        self.fields["themes"].choices = theme_choices()  # type: ignore[attr-defined]
        self.fields["modes"].choices = mode_choices()  # type: ignore[attr-defined]
        self.fields["languages"].choices = language_choices()  # type: ignore[attr-defined]
        self.fields["text_language"].choices = language_choices()  # type: ignore[attr-defined]

    def theme_groups(self) -> list[tuple[str, list[Any]]]:
        """The theme checkboxes grouped under the field names."""
        field_of = dict(Theme.objects.filter(is_active=True).values_list("code", "field"))
        groups: dict[int, list[Any]] = {}
        for checkbox in self["themes"]:
            groups.setdefault(field_of.get(checkbox.data["value"], 0), []).append(checkbox)
        return [(field_name(number), boxes) for number, boxes in sorted(groups.items())]

    @staticmethod
    def initial_from(offer: Any) -> dict[str, Any]:
        return {
            "title": offer.title,
            "description": offer.description,
            "text_language": offer.text_language,
            "themes": list(offer.themes.values_list("code", flat=True)),
            "modes": list(offer.modes),
            "capacity": offer.capacity,
            "languages": list(offer.languages),
            "available_from": offer.available_from,
            "available_until": offer.available_until,
            "version": offer.version,
        }

    def data_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("organisation", None)
        data.pop("version", None)
        return data


class OfferStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=OfferStatus.choices)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class PartnerFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)

    def __init__(self, *args: Any, countries: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Any kind")), *PARTNER_KIND_CHOICES]  # type: ignore[attr-defined]
        self.fields["country"].choices = [  # type: ignore[attr-defined]
            ("", _("Any country")),
            *[(code, code) for code in countries or []],
        ]

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}


class ContactForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    email = forms.EmailField(label=_("Email address"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    languages = forms.MultipleChoiceField(
        label=_("Languages spoken"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        choices=[(code, code) for code in WORKING_LANGUAGES],
    )
    is_primary = forms.BooleanField(label=_("Main contact"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["languages"].choices = language_choices()  # type: ignore[attr-defined]

    def clean_phone(self) -> str:
        phone = str(self.cleaned_data.get("phone") or "").strip()
        if phone and not PHONE_RE.match(phone):
            raise forms.ValidationError(_("Give a phone number with digits, spaces and an optional leading +."))
        return phone

    @staticmethod
    def initial_from(contact: Any) -> dict[str, Any]:
        return {
            "full_name": contact.full_name,
            "position": contact.position,
            "email": contact.email,
            "phone": contact.phone,
            "languages": list(contact.languages),
            "is_primary": contact.is_primary,
            "version": contact.version,
        }

    def data_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data
