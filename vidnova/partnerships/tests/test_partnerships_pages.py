"""The partnership pages: new, detail (public and internal parts), edit with conflicts, status changes."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from vidnova.audit.models import AuditEntry
from vidnova.partnerships.models import Agreement, Partnership, PartnershipStatus
from vidnova.partnerships.services.activities import activity_create
from vidnova.partnerships.services.partnerships import partnership_update
from vidnova.programmes.models import Organisation
from vidnova.testing import factories
from vidnova.testing.partnerships import make_offer, make_partnership


@pytest.fixture
def partnership(world: Any) -> Partnership:
    return make_partnership(
        world.programme, world.hromada, world.organisation, starts_on=datetime.date(2026, 3, 1), description="Coaching"
    )


@pytest.fixture
def rheden(world: Any) -> Organisation:
    organisation = factories.OrganisationFactory(
        kind="dutch_municipality",
        country="NL",
        name_en="Rheden",
        dutch_municipality=factories.DutchMunicipalityFactory(),
    )
    organisation.programmes.add(world.programme)
    return organisation


def _create_url(world: Any) -> str:
    return reverse("partnerships:partnership-create") + f"?programme={world.programme.slug}"


def _post_new(world: Any, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "hromada": world.hromada.katottg,
        "partner_1_organisation": str(world.organisation.pk),
        "partner_1_role": "lead",
        "partner_2_organisation": "",
        "partner_2_role": "partner",
        "partner_3_organisation": "",
        "partner_3_role": "partner",
        "themes": ["crisis-planning", "public-investment"],
        "title": "Crisis planning together",
        "description": "Peer exchange",
        "starts_on": "2026-04-01",
        "ends_on": "2027-03-31",
        "offer": "",
    }
    data.update(overrides)
    return data


# --- new ------------------------------------------------------------------------------------------


def test_create_form_shows_programme_hromadas_partners_and_grouped_themes(
    world: Any, clients: dict[str, Client]
) -> None:
    response = clients["coordinator"].get(_create_url(world))
    assert response.status_code == 200
    page = response.content.decode()
    assert world.hromada.name_uk in page
    assert world.other_hromada.name_uk not in page  # not in the programme
    assert "Test Safety Region" in page
    assert "1. Safety, security and resilience" in page
    assert 'value="crisis-planning"' in page
    assert 'aria-current="page"' in page  # the sub-nav


def test_create_happy_path(world: Any, clients: dict[str, Client], rheden: Organisation) -> None:
    offer = make_offer(world.organisation, capacity=1)
    response = clients["coordinator"].post(
        _create_url(world),
        _post_new(world, partner_2_organisation=str(rheden.pk), offer=str(offer.pk)),
    )
    partnership = Partnership.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("partnerships:partnership-detail", args=[partnership.pk])
    assert partnership.offer == offer
    assert {link.organisation_id: link.role for link in partnership.partner_links.all()} == {
        world.organisation.pk: "lead",
        rheden.pk: "partner",
    }
    assert AuditEntry.objects.filter(action="partnerships.partnership.created").count() == 1


def test_create_bad_input_keeps_typed_values(world: Any, clients: dict[str, Client]) -> None:
    response = clients["coordinator"].post(
        _create_url(world),
        _post_new(world, partner_1_organisation="", themes=[], ends_on="2026-01-01", title="Kept title"),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose at least one partner organisation." in page
    assert "Please correct the following" in page
    assert 'value="Kept title"' in page
    assert not Partnership.objects.exists()


def test_create_service_errors_land_on_fields(world: Any, clients: dict[str, Client]) -> None:
    offer = make_offer(world.organisation, capacity=1, title="Single place")
    make_partnership(world.programme, world.hromada, world.organisation, offer=offer)
    response = clients["coordinator"].post(
        _create_url(world), _post_new(world, offer=str(offer.pk), ends_on="2026-01-01")
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Single place has no places left (capacity 1, 1 taken)." in page
    assert "cannot end" in page
    assert 'aria-describedby="id_offer_helptext id_offer_error"' in page or 'id="id_offer_error"' in page
    assert Partnership.objects.count() == 1


def test_create_access(world: Any, clients: dict[str, Client]) -> None:
    assert clients["anonymous"].get(_create_url(world)).status_code == 302
    for persona in ("outsider", "viewer", "editor", "expert"):
        assert clients[persona].get(_create_url(world)).status_code == 403, persona
        assert clients[persona].post(_create_url(world), _post_new(world)).status_code == 403, persona
    assert clients["coordinator"].get(reverse("partnerships:partnership-create") + "?programme=nope").status_code == 404
    assert not Partnership.objects.exists()


# --- detail ---------------------------------------------------------------------------------------


def _with_log(world: Any, partnership: Partnership) -> None:
    Agreement.objects.create(
        partnership=partnership,
        kind="municipal_agreement",
        title="Signed agreement",
        signed_on=datetime.date(2026, 2, 1),
    )
    activity_create(
        acting_user=world.expert,
        partnership=partnership,
        data={"kind": "visit_to_hromada", "title": "First visit", "starts_on": "2026-03-05", "outcomes": "Plan agreed"},
        participants={"hromada_staff": {"women": 5, "men": 2}, "partner_experts": {"men": 1}},
        follow_ups=[{"description": "Send the shelter checklist", "responsible": "Jan"}],
    )


def test_detail_public_part_for_everyone(world: Any, clients: dict[str, Client], partnership: Partnership) -> None:
    _with_log(world, partnership)
    url = reverse("partnerships:partnership-detail", args=[partnership.pk])
    for persona in ("anonymous", "outsider"):
        response = clients[persona].get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert partnership.title in page
        assert world.hromada.name_uk in page
        assert reverse("registry:hromada-detail", args=[world.hromada.katottg]) in page
        assert "Test Safety Region" in page
        assert "Crisis planning and crisis management" in page
        assert "1. Safety, security and resilience" in page
        assert "Signed agreement" not in page
        assert "First visit" not in page
        assert "Send the shelter checklist" not in page
        assert "Log an activity" not in page


def test_detail_private_part_for_insiders(world: Any, clients: dict[str, Client], partnership: Partnership) -> None:
    _with_log(world, partnership)
    url = reverse("partnerships:partnership-detail", args=[partnership.pk])
    for persona in ("viewer", "editor", "expert", "coordinator"):
        page = clients[persona].get(url).content.decode()
        assert "Signed agreement" in page
        assert "First visit" in page
        assert "5 women, 3 men" in page
        assert "Send the shelter checklist" in page
        assert "Participants across all activities" in page
    viewer = clients["viewer"].get(url).content.decode()
    assert "Log an activity" not in viewer
    assert "Mark done" not in viewer
    assert "Change the status" not in viewer
    expert = clients["expert"].get(url).content.decode()
    assert "Log an activity" in expert
    assert "Mark done" in expert
    assert "Change the status" not in expert
    coordinator = clients["coordinator"].get(url).content.decode()
    assert "Change the status" in coordinator
    assert "Add agreement" in coordinator
    assert 'value="agreed"' in coordinator
    assert 'value="active"' not in coordinator


def test_detail_missing_is_404(clients: dict[str, Client]) -> None:
    assert clients["coordinator"].get(reverse("partnerships:partnership-detail", args=[999999])).status_code == 404


# --- edit -----------------------------------------------------------------------------------------


def _edit_data(world: Any, partnership: Partnership, **overrides: Any) -> dict[str, Any]:
    data = _post_new(world, version=str(partnership.version), title="Renamed partnership")
    data.pop("hromada")
    data.pop("offer")
    data.update(overrides)
    return data


def test_edit_happy_path(world: Any, clients: dict[str, Client], partnership: Partnership) -> None:
    url = reverse("partnerships:partnership-edit", args=[partnership.pk])
    page = clients["coordinator"].get(url).content.decode()
    assert f'value="{partnership.title}"' in page
    response = clients["coordinator"].post(url, _edit_data(world, partnership))
    assert response.status_code == 302
    partnership.refresh_from_db()
    assert partnership.title == "Renamed partnership"
    assert sorted(partnership.themes.values_list("code", flat=True)) == ["crisis-planning", "public-investment"]


def test_edit_conflict_keeps_input(world: Any, clients: dict[str, Client], partnership: Partnership) -> None:
    url = reverse("partnerships:partnership-edit", args=[partnership.pk])
    stale = _edit_data(world, partnership, title="My version")
    partnership_update(
        acting_user=world.admin, partnership=partnership, data={"title": "Their version"}, expected_version=1
    )
    response = clients["coordinator"].post(url, stale)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else saved this partnership" in page
    assert "Their version" in page
    assert 'value="My version"' in page
    assert 'name="version" value="2"' in page
    partnership.refresh_from_db()
    assert partnership.title == "Their version"


def test_edit_bad_input(world: Any, clients: dict[str, Client], partnership: Partnership) -> None:
    url = reverse("partnerships:partnership-edit", args=[partnership.pk])
    response = clients["coordinator"].post(url, _edit_data(world, partnership, title="", themes=[]))
    assert response.status_code == 400
    partnership.refresh_from_db()
    assert partnership.title == "Crisis planning partnership"


def test_edit_access(world: Any, clients: dict[str, Client], partnership: Partnership) -> None:
    url = reverse("partnerships:partnership-edit", args=[partnership.pk])
    assert clients["outsider"].get(url).status_code == 404
    assert clients["outsider"].post(url, _edit_data(world, partnership)).status_code == 404
    for persona in ("viewer", "editor", "expert"):
        assert clients[persona].get(url).status_code == 403, persona
        assert clients[persona].post(url, _edit_data(world, partnership)).status_code == 403, persona
    partnership.refresh_from_db()
    assert partnership.title == "Crisis planning partnership"


# --- status ---------------------------------------------------------------------------------------


def test_transition_happy_and_refused(world: Any, clients: dict[str, Client], partnership: Partnership) -> None:
    url = reverse("partnerships:partnership-transition", args=[partnership.pk])
    response = clients["coordinator"].post(url, {"to_status": "agreed", "note": "", "version": "1"})
    assert response.status_code == 400
    assert "Record the signed agreement first" in response.content.decode()
    Agreement.objects.create(partnership=partnership, kind="other", title="A", signed_on=datetime.date(2026, 1, 1))
    response = clients["coordinator"].post(url, {"to_status": "agreed", "note": "Signed", "version": "1"})
    assert response.status_code == 302
    assert response["Location"].endswith("#status")
    partnership.refresh_from_db()
    assert partnership.status == PartnershipStatus.AGREED
    page = clients["anonymous"].get(reverse("partnerships:partnership-detail", args=[partnership.pk])).content.decode()
    assert "is-reached" in page  # the timeline shows the step reached


def test_transition_conflict(world: Any, clients: dict[str, Client], partnership: Partnership) -> None:
    url = reverse("partnerships:partnership-transition", args=[partnership.pk])
    response = clients["coordinator"].post(url, {"to_status": "closed", "note": "Ended", "version": "5"})
    assert response.status_code == 409
    assert "Someone changed this partnership" in response.content.decode()
    partnership.refresh_from_db()
    assert partnership.status == PartnershipStatus.PROPOSED


def test_transition_access(world: Any, clients: dict[str, Client], partnership: Partnership) -> None:
    url = reverse("partnerships:partnership-transition", args=[partnership.pk])
    data = {"to_status": "closed", "note": "Ended"}
    assert clients["outsider"].post(url, data).status_code == 404
    for persona in ("viewer", "editor", "expert"):
        assert clients[persona].post(url, data).status_code == 403, persona
    partnership.refresh_from_db()
    assert partnership.status == PartnershipStatus.PROPOSED


def test_edit_keeps_every_partner_row(world: Any, clients: dict[str, Client], partnership: Partnership) -> None:
    from vidnova.partnerships.models import PartnershipPartner

    for number in range(3):
        extra = factories.OrganisationFactory(kind="ngo", name_en=f"NGO {number}")
        extra.programmes.add(world.programme)
        PartnershipPartner.objects.create(partnership=partnership, organisation=extra, role="supporting")
    url = reverse("partnerships:partnership-edit", args=[partnership.pk])
    page = clients["coordinator"].get(url).content.decode()
    assert 'name="partner_4_organisation"' in page
    assert 'name="partner_5_organisation"' not in page
    data = _edit_data(world, partnership)
    for number, link in enumerate(partnership.partner_links.all(), start=1):
        data[f"partner_{number}_organisation"] = str(link.organisation_id)
        data[f"partner_{number}_role"] = link.role
    assert clients["coordinator"].post(url, data).status_code == 302
    assert partnership.partner_links.count() == 4
