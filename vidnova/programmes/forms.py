"""Forms parse what people type; the services decide and save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from vidnova.programmes import selectors
from vidnova.programmes.models import Organisation, OrganisationKind, Phase, Programme
from vidnova.registry.models import DutchMunicipality, Hromada


class HromadaField(forms.CharField):
    """A text box that takes a KATOTTG code or the exact name of a hromada and gives the Hromada."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Hromada | None:
        text = super().clean(value)  # required, length and stripping, as for any text
        if not text:
            return None
        return selectors.find_hromada(text)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Hromada):
            return value.katottg
        return value


class PhaseChoiceField(forms.ModelChoiceField[Phase]):
    def label_from_instance(self, obj: Phase) -> str:
        if obj.starts_on and obj.ends_on:
            return str(
                _("%(phase)s (%(start)s – %(end)s)")
                % {"phase": obj.name, "start": date_format(obj.starts_on), "end": date_format(obj.ends_on)}
            )
        return obj.name


class ParticipationAddForm(forms.Form):
    phase = PhaseChoiceField(label=_("Phase"), queryset=Phase.objects.none(), empty_label=None)
    hromada = HromadaField(
        label=_("Hromada"),
        help_text=_("The KATOTTG code (for example UA48020010000091496) or the exact name of the hromada."),
    )
    joined_on = forms.DateField(
        label=_("Joined on (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The date the hromada joined the phase, if known."),
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        phase_field = self.fields["phase"]
        assert isinstance(phase_field, PhaseChoiceField)  # noqa: S101 - narrows the type for mypy
        phase_field.queryset = Phase.objects.filter(programme=programme).order_by("number")
        self.fields["hromada"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})


class MunicipalityChoiceField(forms.ModelChoiceField[DutchMunicipality]):
    def label_from_instance(self, obj: DutchMunicipality) -> str:
        return f"{obj.name} ({obj.province}, {obj.cbs_code})"


class OrganisationForm(forms.Form):
    """The editable profile of an organisation; the hidden version turns lost updates into conflicts."""

    kind = forms.ChoiceField(
        label=_("Kind"), choices=[(value, capfirst(label)) for value, label in OrganisationKind.choices]
    )
    name_uk = forms.CharField(label=_("Name in Ukrainian"), max_length=300)
    name_en = forms.CharField(label=_("Name in English"), max_length=300, required=False)
    name_nl = forms.CharField(label=_("Name in Dutch"), max_length=300, required=False)
    country = forms.CharField(
        label=_("Country"),
        min_length=2,
        max_length=2,
        help_text=_("Two-letter ISO 3166-1 code, for example UA, NL or PL."),
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    hromada = HromadaField(
        label=_("Hromada"),
        required=False,
        help_text=_("For a hromada council or military administration: the KATOTTG code or exact name of its hromada."),
    )
    dutch_municipality = MunicipalityChoiceField(
        label=_("Dutch municipality"),
        queryset=DutchMunicipality.objects.order_by("name"),
        to_field_name="cbs_code",
        required=False,
        empty_label=_("(none)"),
        help_text=_("For a Dutch municipality: its entry in the registry."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].widget.attrs.update({"autocomplete": "country", "size": "3"})
        self.fields["hromada"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    @classmethod
    def initial_for(cls, organisation: Organisation) -> dict[str, Any]:
        return {
            "kind": organisation.kind,
            "name_uk": organisation.name_uk,
            "name_en": organisation.name_en,
            "name_nl": organisation.name_nl,
            "country": organisation.country,
            "website": organisation.website,
            "hromada": organisation.hromada.katottg if organisation.hromada else "",
            "dutch_municipality": organisation.dutch_municipality.cbs_code if organisation.dutch_municipality else "",
            "version": organisation.version,
        }

    def clean_country(self) -> str:
        return str(self.cleaned_data["country"]).strip().upper()


class OrganisationCreateForm(OrganisationForm):
    """A new organisation in a programme: the profile fields without a version."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["version"]

    @classmethod
    def initial_from_query(cls, query: Any) -> dict[str, Any]:
        """Start from a Dutch municipality of the registry (``?municipality=GM0344``) or a kind."""
        code = str(query.get("municipality", "")).strip().upper()
        municipality = DutchMunicipality.objects.filter(cbs_code=code).first() if code else None
        if municipality is not None:
            return {
                "kind": OrganisationKind.DUTCH_MUNICIPALITY,
                "name_uk": f"Муніципалітет {municipality.name}",
                "name_en": f"Municipality of {municipality.name}",
                "name_nl": f"Gemeente {municipality.name}",
                "country": "NL",
                "dutch_municipality": municipality.cbs_code,
            }
        kind = str(query.get("kind", ""))
        return {"kind": kind, "country": "NL"} if kind in OrganisationKind.values else {}
