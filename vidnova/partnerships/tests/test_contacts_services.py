"""Contact persons of partner organisations: the services (cleaning, main contact, access, conflicts,
the audit log)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from vidnova.audit.models import AuditEntry
from vidnova.core.exceptions import EditConflict
from vidnova.partnerships.models import PartnerContact
from vidnova.partnerships.services.contacts import contact_create, contact_delete, contact_update
from vidnova.testing import factories


def _data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "full_name": " Anna de Vries ",
        "position": "Crisis coordinator",
        "email": "anna@example.nl",
        "phone": "+31 30 123 4567",
        "languages": ["nl", "en"],
        "is_primary": True,
    }
    data.update(overrides)
    return data


def test_expert_adds_a_contact_and_the_main_mark_moves(world: Any) -> None:
    first = contact_create(acting_user=world.expert, organisation=world.organisation, data=_data())
    assert first.full_name == "Anna de Vries"
    assert first.languages == ["nl", "en"]
    second = contact_create(
        acting_user=world.coordinator, organisation=world.organisation, data=_data(full_name="Bram", email="")
    )
    first.refresh_from_db()
    assert second.is_primary
    assert not first.is_primary
    entry = AuditEntry.objects.filter(action="partnerships.contact.created").order_by("pk").first()
    assert entry is not None
    assert entry.data["full_name"] == "Anna de Vries"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"full_name": ""}, "full_name", "required"),
        ({"email": "not-an-address"}, "email", "valid email"),
        ({"phone": "call me"}, "phone", "phone number"),
        ({"languages": ["xx"]}, "languages", "Unknown language code"),
        ({"is_primary": "perhaps"}, "is_primary", "yes or no"),
    ],
)
def test_bad_contact_is_refused(world: Any, overrides: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        contact_create(acting_user=world.expert, organisation=world.organisation, data=_data(**overrides))
    assert message in caught.value.message_dict[field][0]
    assert not PartnerContact.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="partnerships.").exists()


def test_contacts_only_for_partner_organisations(world: Any) -> None:
    agency = factories.OrganisationFactory(kind="implementing_agency")
    with pytest.raises(ValidationError) as caught:
        contact_create(acting_user=world.coordinator, organisation=agency, data=_data())
    assert "not a partner organisation" in caught.value.message_dict["organisation"][0]


def test_contact_access(world: Any) -> None:
    other = factories.OrganisationFactory(kind="ngo")
    for user in (world.viewer, world.editor):
        with pytest.raises(PermissionDenied):  # insiders may read, not write
            contact_create(acting_user=user, organisation=world.organisation, data=_data())
    with pytest.raises(PermissionDenied):  # an expert of another organisation
        contact_create(acting_user=world.expert, organisation=other, data=_data())
    with pytest.raises(Http404):
        contact_create(acting_user=world.outsider, organisation=world.organisation, data=_data())
    assert not PartnerContact.objects.exists()


def test_update_conflict_and_delete(world: Any) -> None:
    contact = contact_create(acting_user=world.expert, organisation=world.organisation, data=_data())
    contact = contact_update(
        acting_user=world.expert, contact=contact, data={"position": "Mayor"}, expected_version=contact.version
    )
    assert contact.position == "Mayor"
    assert AuditEntry.objects.get(action="partnerships.contact.updated").changes == {
        "position": ["Crisis coordinator", "Mayor"]
    }
    with pytest.raises(EditConflict):
        contact_update(acting_user=world.expert, contact=contact, data={"position": "x"}, expected_version=1)
    with pytest.raises(ValidationError):
        contact_update(acting_user=world.expert, contact=contact, data={"email": "bad"}, expected_version=2)
    with pytest.raises(PermissionDenied):
        contact_delete(acting_user=world.viewer, contact=contact)
    contact_delete(acting_user=world.expert, contact=contact)
    assert not PartnerContact.objects.exists()
    assert AuditEntry.objects.get(action="partnerships.contact.deleted").data["full_name"] == "Anna de Vries"
