"""The admin of programmes and organisations (audited), and the read-only audit log admin."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory

from conftest import World, client_for
from vidnova.audit.admin import AuditEntryAdmin
from vidnova.audit.models import AuditEntry
from vidnova.programmes import services
from vidnova.programmes.models import Participation, Phase
from vidnova.testing import factories


@pytest.fixture
def logged(world: World) -> AuditEntry:
    """One real audit entry, written by a service."""
    services.participation_add(acting_user=world.coordinator, phase=world.phase, hromada=world.other_hromada)
    return AuditEntry.objects.get()


@pytest.fixture
def superuser_client(db: None) -> Client:
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    superuser = factories.UserFactory.create(email="root@example.org", is_superuser=True, is_staff=True)
    TOTP.activate(superuser, generate_totp_secret())
    return client_for(superuser)


# --- audit log -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["admin", "superuser"])
def test_administrators_read_the_audit_log(
    world: World, clients: dict[str, Client], superuser_client: Client, logged: AuditEntry, who: str
) -> None:
    client = superuser_client if who == "superuser" else clients["admin"]
    response = client.get("/admin/audit/auditentry/")
    assert response.status_code == 200
    assert logged.object_repr in response.content.decode()

    filtered = client.get("/admin/audit/auditentry/", {"action": "programmes.participation.added"})
    assert filtered.status_code == 200
    assert logged.object_repr in filtered.content.decode()
    assert (
        logged.object_repr
        not in client.get("/admin/audit/auditentry/", {"action": "programmes.organisation.created"}).content.decode()
    )

    by_actor = client.get("/admin/audit/auditentry/", {"q": "coordinator@example.org"})
    assert logged.object_repr in by_actor.content.decode()
    by_object = client.get("/admin/audit/auditentry/", {"q": world.other_hromada.name_uk})
    assert logged.object_repr in by_object.content.decode()


def test_audit_entries_cannot_be_added_changed_or_deleted(superuser_client: Client, logged: AuditEntry) -> None:
    assert superuser_client.get("/admin/audit/auditentry/add/").status_code == 403
    detail = superuser_client.get(f"/admin/audit/auditentry/{logged.pk}/change/")
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    assert superuser_client.post(f"/admin/audit/auditentry/{logged.pk}/change/", {"action": "x"}).status_code == 403
    assert superuser_client.get(f"/admin/audit/auditentry/{logged.pk}/delete/").status_code == 403
    assert superuser_client.post(f"/admin/audit/auditentry/{logged.pk}/delete/", {"post": "yes"}).status_code == 403
    logged.refresh_from_db()
    assert logged.action == "programmes.participation.added"


def test_audit_admin_permissions_are_read_only(world: World) -> None:
    model_admin = AuditEntryAdmin(AuditEntry, admin.site)
    request = RequestFactory().get("/admin/")
    request.user = world.admin
    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


@pytest.mark.parametrize("persona", ["coordinator", "editor", "viewer", "expert", "outsider"])
def test_others_may_not_read_the_audit_log_in_the_admin(
    clients: dict[str, Client], logged: AuditEntry, persona: str
) -> None:
    response = clients[persona].get("/admin/audit/auditentry/")
    assert response.status_code in {302, 403}
    assert logged.object_repr not in response.content.decode()


def test_anonymous_is_sent_to_sign_in(clients: dict[str, Client]) -> None:
    response = clients["anonymous"].get("/admin/audit/auditentry/")
    assert response.status_code == 302


# --- programmes, participations and organisations --------------------------------------------


@pytest.mark.parametrize(
    "url", ["/admin/programmes/programme/", "/admin/programmes/participation/", "/admin/programmes/organisation/"]
)
def test_programme_admin_lists(world: World, clients: dict[str, Client], url: str) -> None:
    response = clients["admin"].get(url)
    assert response.status_code == 200


def test_programme_admin_pages_are_closed_to_coordinators(world: World, clients: dict[str, Client]) -> None:
    assert clients["coordinator"].get("/admin/programmes/programme/").status_code in {302, 403}


def test_changing_an_organisation_in_the_admin_is_audited_and_versioned(
    world: World, clients: dict[str, Client]
) -> None:
    organisation = world.organisation
    response = clients["admin"].post(
        f"/admin/programmes/organisation/{organisation.pk}/change/",
        {
            "kind": organisation.kind,
            "country": "NL",
            "website": "",
            "name_uk": organisation.name_uk,
            "name_en": "Changed in the admin",
            "name_nl": "",
            "hromada": "",
            "dutch_municipality": "",
            "programmes": [str(world.programme.pk)],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    organisation.refresh_from_db()
    assert organisation.name_en == "Changed in the admin"
    assert organisation.version == 2  # a form loaded before this save now reports a conflict
    entry = AuditEntry.objects.get(action="admin.changed")
    assert entry.actor == world.admin
    assert entry.changes["name_en"] == ["Test Safety Region", "Changed in the admin"]


def _programme_post(world: World, **extra: str) -> dict[str, str]:
    programme = world.programme
    data = {
        "slug": programme.slug,
        "name_uk": programme.name_uk,
        "name_en": programme.name_en,
        "name_nl": programme.name_nl,
        "description_uk": "",
        "description_en": "",
        "description_nl": "",
        "phases-TOTAL_FORMS": "2",
        "phases-INITIAL_FORMS": "1",
        "phases-MIN_NUM_FORMS": "0",
        "phases-MAX_NUM_FORMS": "1000",
        "phases-0-id": str(world.phase.pk),
        "phases-0-programme": str(programme.pk),
        "phases-0-number": "1",
        "phases-0-name_uk": world.phase.name_uk,
        "phases-0-name_en": "Renamed phase",
        "phases-0-name_nl": "",
        "phases-0-starts_on": "",
        "phases-0-ends_on": "",
        "phases-1-programme": str(programme.pk),
        "phases-1-number": "2",
        "phases-1-name_uk": "Фаза 2",
        "phases-1-name_en": "Phase 2",
        "phases-1-name_nl": "",
        "phases-1-starts_on": "2024-04-01",
        "phases-1-ends_on": "",
        "fields-TOTAL_FORMS": "0",
        "fields-INITIAL_FORMS": "0",
        "fields-MIN_NUM_FORMS": "0",
        "fields-MAX_NUM_FORMS": "1000",
    }
    data.update(extra)
    return data


def test_inline_phases_are_audited(world: World, clients: dict[str, Client]) -> None:
    response = clients["admin"].post(
        f"/admin/programmes/programme/{world.programme.pk}/change/", _programme_post(world)
    )
    assert response.status_code == 302, response.content.decode()[:3000]

    new_phase = Phase.objects.get(programme=world.programme, number=2)
    created = AuditEntry.objects.get(
        action="admin.created", object_id=str(new_phase.pk), data__model="programmes.Phase"
    )
    assert created.data == {"model": "programmes.Phase"}
    assert created.changes["name_en"] == [None, "Phase 2"]
    changed = AuditEntry.objects.get(
        action="admin.changed", object_id=str(world.phase.pk), data__model="programmes.Phase"
    )
    assert changed.changes == {"name_en": ["Phase 1", "Renamed phase"]}


def test_deleting_an_inline_phase_is_audited(world: World, clients: dict[str, Client]) -> None:
    phase = factories.PhaseFactory.create(programme=world.programme, number=7, name_en="Old phase")
    data = _programme_post(world)
    data.update(
        {
            "phases-TOTAL_FORMS": "2",
            "phases-INITIAL_FORMS": "2",
            "phases-1-id": str(phase.pk),
            "phases-1-number": "7",
            "phases-1-name_uk": phase.name_uk,
            "phases-1-name_en": "Old phase",
            "phases-1-starts_on": "",
            "phases-1-DELETE": "on",
        }
    )
    response = clients["admin"].post(f"/admin/programmes/programme/{world.programme.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert not Phase.objects.filter(pk=phase.pk).exists()
    entry = AuditEntry.objects.get(action="admin.deleted", object_id=str(phase.pk), data__model="programmes.Phase")
    assert entry.data["model"] == "programmes.Phase"
    assert Participation.objects.filter(phase=world.phase).exists()
