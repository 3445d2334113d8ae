"""Activity pages: log an activity (participants table, follow-up rows), read it, edit it with
conflicts, and the follow-up toggle with and without htmx."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from vidnova.partnerships.models import Activity, FollowUp, Partnership
from vidnova.partnerships.services.activities import activity_create, activity_update
from vidnova.testing.partnerships import make_partnership


@pytest.fixture
def partnership(world: Any) -> Partnership:
    return make_partnership(world.programme, world.hromada, world.organisation)


@pytest.fixture
def activity(world: Any, partnership: Partnership) -> Activity:
    return activity_create(
        acting_user=world.editor,
        partnership=partnership,
        data={"kind": "visit_to_hromada", "title": "First visit", "starts_on": "2026-03-10", "location": "Hall"},
        participants={"hromada_staff": {"women": 4, "men": 2}},
        follow_ups=[{"description": "Send the checklist", "responsible": "Jan", "due_on": "2026-04-01"}],
    )


def _form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "study_visit",
        "title": "Study visit to Utrecht",
        "starts_on": "2026-05-04",
        "ends_on": "2026-05-08",
        "location": "Utrecht",
        "description": "Visited the safety region.",
        "outcomes": "Exercise scenario drafted.",
        "p_hromada_staff_women": "3",
        "p_hromada_staff_men": "2",
        "p_elected_men": "1",
        "follow_up_1_description": "Run the exercise",
        "follow_up_1_responsible": "Olena",
        "follow_up_1_due_on": "2026-06-01",
    }
    data.update(overrides)
    return data


def test_create_page_and_happy_path(world: Any, clients: dict[str, Client], partnership: Partnership) -> None:
    url = reverse("partnerships:activity-create", args=[partnership.pk])
    page = clients["expert"].get(url).content.decode()
    assert 'name="p_residents_not_stated"' in page
    assert 'type="number"' in page
    assert 'name="follow_up_3_due_on"' in page
    assert '<th scope="row">Hromada staff</th>' in page
    response = clients["expert"].post(url, _form())
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert activity.kind == "study_visit"
    assert activity.created_by == world.expert
    assert sorted(activity.participants.values_list("role", "women", "men")) == [
        ("elected", 0, 1),
        ("hromada_staff", 3, 2),
    ]
    assert list(activity.follow_ups.values_list("description", flat=True)) == ["Run the exercise"]


def test_create_bad_input(world: Any, clients: dict[str, Client], partnership: Partnership) -> None:
    url = reverse("partnerships:activity-create", args=[partnership.pk])
    response = clients["editor"].post(
        url, _form(ends_on="2026-05-01", p_residents_women="-3", follow_up_2_responsible="Nobody", title="Kept title")
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Please correct the following" in page
    assert 'id="id_p_residents_women_error"' in page
    assert "Say what is to be done." in page
    assert 'value="Kept title"' in page
    response = clients["editor"].post(url, _form(ends_on="2026-05-01"))
    assert response.status_code == 400
    assert "cannot end" in response.content.decode()
    assert not Activity.objects.exists()


def test_create_access_and_closed(world: Any, clients: dict[str, Client], partnership: Partnership) -> None:
    url = reverse("partnerships:activity-create", args=[partnership.pk])
    assert clients["outsider"].get(url).status_code == 404
    assert clients["outsider"].post(url, _form()).status_code == 404
    assert clients["viewer"].get(url).status_code == 403
    assert clients["viewer"].post(url, _form()).status_code == 403
    closed = make_partnership(world.programme, world.hromada, world.organisation, status="closed")
    closed_url = reverse("partnerships:activity-create", args=[closed.pk])
    assert clients["coordinator"].get(closed_url).status_code == 302
    response = clients["coordinator"].post(closed_url, _form())
    assert response.status_code == 400
    assert "This partnership is closed" in response.content.decode()
    assert not Activity.objects.exists()


def test_detail(world: Any, clients: dict[str, Client], activity: Activity) -> None:
    url = reverse("partnerships:activity-detail", args=[activity.pk])
    assert clients["anonymous"].get(url).status_code == 404
    assert clients["outsider"].get(url).status_code == 404
    viewer = clients["viewer"].get(url).content.decode()
    assert "First visit" in viewer
    assert "Send the checklist" in viewer
    assert "Hall" in viewer
    assert "Mark done" not in viewer
    assert "Edit the activity" not in viewer
    expert = clients["expert"].get(url).content.decode()
    assert "Mark done" in expert
    assert "Edit the activity" in expert
    assert '<td class="number">6</td>' in expert  # total participants


def test_edit_adds_follow_ups_and_handles_conflicts(world: Any, clients: dict[str, Client], activity: Activity) -> None:
    url = reverse("partnerships:activity-edit", args=[activity.pk])
    page = clients["coordinator"].get(url).content.decode()
    assert 'value="First visit"' in page
    assert 'name="p_hromada_staff_women"' in page
    assert 'value="4"' in page
    response = clients["coordinator"].post(url, _form(version="1", title="First visit (updated)"))
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.title == "First visit (updated)"
    assert activity.version == 2
    assert activity.follow_ups.count() == 2
    activity_update(acting_user=world.editor, activity=activity, data={"title": "Theirs"}, expected_version=2)
    response = clients["coordinator"].post(url, _form(version="2", title="Mine"))
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else saved this activity" in page
    assert "Theirs" in page
    assert 'value="Mine"' in page
    assert activity.follow_ups.count() == 2  # nothing of the refused save was kept


def test_edit_access(world: Any, clients: dict[str, Client], activity: Activity) -> None:
    url = reverse("partnerships:activity-edit", args=[activity.pk])
    assert clients["outsider"].get(url).status_code == 404
    assert clients["outsider"].post(url, _form(version="1")).status_code == 404
    assert clients["viewer"].get(url).status_code == 403
    assert clients["viewer"].post(url, _form(version="1")).status_code == 403
    activity.refresh_from_db()
    assert activity.title == "First visit"


def test_toggle_without_js(world: Any, clients: dict[str, Client], activity: Activity) -> None:
    follow_up = activity.follow_ups.get()
    url = reverse("partnerships:follow-up-toggle", args=[follow_up.pk])
    back = reverse("partnerships:partnership-detail", args=[activity.partnership_id])
    response = clients["expert"].post(url, {"done": "1", "version": "1", "next": back})
    assert response.status_code == 302
    assert response["Location"] == back
    follow_up.refresh_from_db()
    assert follow_up.status == "done"
    assert follow_up.done_by == world.expert
    response = clients["expert"].post(url, {"done": "0", "version": "2", "next": "https://evil.example/"})
    assert response["Location"] == reverse("partnerships:activity-detail", args=[activity.pk])
    follow_up.refresh_from_db()
    assert follow_up.status == "open"
    assert follow_up.done_on is None


def test_toggle_with_htmx_and_conflict(world: Any, clients: dict[str, Client], activity: Activity) -> None:
    follow_up = activity.follow_ups.get()
    url = reverse("partnerships:follow-up-toggle", args=[follow_up.pk])
    response = clients["editor"].post(url, {"done": "1", "version": "1"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    fragment = response.content.decode()
    assert fragment.lstrip().startswith("<li")
    assert "Reopen" in fragment
    assert f'id="follow-up-{follow_up.pk}"' in fragment
    response = clients["editor"].post(url, {"done": "0", "version": "1"}, headers={"HX-Request": "true"})
    assert response.status_code == 409
    assert "Someone else changed this action" in response.content.decode()
    follow_up.refresh_from_db()
    assert follow_up.status == "done"
    assert clients["editor"].post(url, {"done": "maybe"}, headers={"HX-Request": "true"}).status_code == 400


def test_toggle_access(world: Any, clients: dict[str, Client], activity: Activity) -> None:
    follow_up = activity.follow_ups.get()
    url = reverse("partnerships:follow-up-toggle", args=[follow_up.pk])
    assert clients["outsider"].post(url, {"done": "1"}).status_code == 404
    assert clients["viewer"].post(url, {"done": "1"}).status_code == 403
    assert clients["coordinator"].get(url).status_code == 405
    assert FollowUp.objects.get().status == "open"
