"""Contact persons of partner organisations (private to the platform's insiders).

data keys: ``full_name`` (required), ``position``, ``email``, ``phone``, ``languages`` (WORKING_LANGUAGES
codes), ``is_primary`` (the main contact; marking one clears the mark on the organisation's others).
The organisation's partner experts and programme staff add, change and remove them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext

from vidnova.accounts.access import Action, AnyUser, require
from vidnova.audit.services import diff, record, snapshot
from vidnova.core.concurrency import check_version
from vidnova.partnerships.models import PartnerContact
from vidnova.partnerships.services.offers import (
    Invalid,
    actor,
    clean_bool,
    clean_languages,
    clean_text,
    is_partner,
    text,
)
from vidnova.programmes.models import Organisation

CONTACT_FIELDS = ("full_name", "position", "email", "phone", "languages", "is_primary")
PHONE_RE = re.compile(r"^\+?[0-9 ()\-./]{5,40}$")


def _email(value: Any) -> str:
    email = clean_text(value, max_length=254)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise Invalid(gettext("Give a valid email address, for example name@example.org.")) from None
    return email


def _phone(value: Any) -> str:
    phone = clean_text(value, max_length=40)
    if phone and not PHONE_RE.match(phone):
        raise Invalid(gettext("Give a phone number with digits, spaces and an optional leading +."))
    return phone


def _clean(data: Mapping[str, Any], *, creating: bool) -> dict[str, Any]:
    cleaners = {
        "full_name": lambda value: clean_text(value, max_length=200, required=True),
        "position": lambda value: clean_text(value, max_length=200),
        "email": _email,
        "phone": _phone,
        "languages": clean_languages,
        "is_primary": clean_bool,
    }
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, clean in cleaners.items():
        if creating or name in data:
            try:
                values[name] = clean(data.get(name))
            except Invalid as error:
                errors[name] = [str(error)]
    if errors:
        raise ValidationError(errors)
    return values


def _clear_other_primaries(contact: PartnerContact) -> None:
    if contact.is_primary:
        PartnerContact.objects.filter(organisation_id=contact.organisation_id, is_primary=True).exclude(
            pk=contact.pk
        ).update(is_primary=False)


def contact_create(
    *, acting_user: AnyUser | None, organisation: Organisation, data: Mapping[str, Any]
) -> PartnerContact:
    with transaction.atomic():
        if acting_user is not None:
            require(
                acting_user, Action.EDIT, PartnerContact(organisation=organisation), visible_with=Action.VIEW_PRIVATE
            )
        if not is_partner(organisation):
            raise ValidationError(
                {
                    "organisation": gettext(
                        "%(organisation)s is not a partner organisation: contact persons are kept for partners only."
                    )
                    % {"organisation": organisation}
                }
            )
        values = _clean(data, creating=True)
        contact = PartnerContact.objects.create(organisation=organisation, **values)
        _clear_other_primaries(contact)
        record(
            actor=actor(acting_user),
            action="partnerships.contact.created",
            target=contact,
            data={"organisation": str(organisation), **snapshot(contact, CONTACT_FIELDS)},
        )
    return contact


def contact_update(
    *, acting_user: AnyUser | None, contact: PartnerContact, data: Mapping[str, Any], expected_version: int | None
) -> PartnerContact:
    with transaction.atomic():
        if acting_user is not None:
            require(acting_user, Action.EDIT, contact, visible_with=Action.VIEW_PRIVATE)
        contact = PartnerContact.objects.select_for_update().get(pk=contact.pk)
        check_version(contact, expected_version=expected_version)
        values = _clean(data, creating=False)
        before = snapshot(contact, CONTACT_FIELDS)
        for name, value in values.items():
            setattr(contact, name, value)
        contact.save()
        _clear_other_primaries(contact)
        record(
            actor=actor(acting_user),
            action="partnerships.contact.updated",
            target=contact,
            changes=diff(before, snapshot(contact, CONTACT_FIELDS)),
            data={"version": contact.version},
        )
    return contact


def contact_delete(*, acting_user: AnyUser | None, contact: PartnerContact) -> None:
    with transaction.atomic():
        if acting_user is not None:
            require(acting_user, Action.EDIT, contact, visible_with=Action.VIEW_PRIVATE)
        contact = PartnerContact.objects.select_for_update().select_related("organisation").get(pk=contact.pk)
        record(
            actor=actor(acting_user),
            action="partnerships.contact.deleted",
            target=contact,
            data={"organisation": str(contact.organisation), "full_name": text(contact.full_name)},
        )
        contact.delete()
