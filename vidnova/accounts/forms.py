"""Forms for invitations. They parse input; the rules live in vidnova.accounts.services."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from vidnova.accounts.access import AnyUser, roles_of
from vidnova.accounts.models import HROMADA_ROLES, ORGANISATION_ROLES, PROGRAMME_ROLES
from vidnova.accounts.services import grantable_roles
from vidnova.programmes.models import Organisation, Programme
from vidnova.registry.models import Hromada


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("The invitation is sent to this address; the person signs in with it."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(label=_("Role"))
    programme = forms.ModelChoiceField(
        queryset=Programme.objects.none(),
        required=False,
        label=_("Programme"),
        help_text=_("For programme administrators and coordinators."),
    )
    hromada = forms.CharField(
        required=False,
        max_length=19,
        label=_("Hromada (KATOTTG code)"),
        help_text=_("For hromada editors and viewers: the code shown on the hromada's page, e.g. UA12020010000037789."),
    )
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.order_by("name_uk"),
        required=False,
        label=_("Organisation"),
        help_text=_("For partner experts."),
    )
    language = forms.ChoiceField(label=_("Language of the invitation email"), choices=settings.LANGUAGES, initial="uk")

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role_field = cast(forms.ChoiceField, self.fields["role"])
        role_field.choices = [(role.value, role.label) for role in grantable_roles(user)]
        programme_field = cast("forms.ModelChoiceField[Programme]", self.fields["programme"])
        programme_field.queryset = Programme.objects.filter(pk__in=roles_of(user).programme_admin_of)
        if not programme_field.queryset.exists():
            # Coordinators cannot invite programme staff, so they do not need the field.
            del self.fields["programme"]
        self.hromada_object: Hromada | None = None

    def clean_hromada(self) -> str:
        code = str(self.cleaned_data.get("hromada") or "").strip().upper()
        if not code:
            return ""
        hromada = Hromada.objects.filter(katottg=code).first()
        if hromada is None:
            raise forms.ValidationError(
                _("No hromada has the KATOTTG code %(code)s."), code="unknown_hromada", params={"code": code}
            )
        self.hromada_object = hromada
        return code

    def scope(self) -> dict[str, Any]:
        """The programme, hromada or organisation that fits the chosen role (others dropped)."""
        role = self.cleaned_data["role"]
        return {
            "programme": self.cleaned_data.get("programme") if role in PROGRAMME_ROLES else None,
            "hromada": self.hromada_object if role in HROMADA_ROLES else None,
            "organisation": self.cleaned_data.get("organisation") if role in ORGANISATION_ROLES else None,
        }


class AcceptInvitationForm(forms.Form):
    """A new person's details; the email address comes from the invitation."""

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        help_text=_("As your colleagues should see it."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=_("At least 10 characters; not a common password and not only digits."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_confirm = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password = cleaned.get("password")
        confirm = cleaned.get("password_confirm")
        if password and confirm and password != confirm:
            self.add_error("password_confirm", _("The two passwords differ. Type the same password twice."))
        return cleaned
