"""activity_create / activity_update / follow_up_add / follow_up_set_done: validation, who may log,
closed partnerships, conflicts and audit."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from vidnova.audit.models import AuditEntry
from vidnova.core.exceptions import EditConflict
from vidnova.partnerships.models import Activity, ActivityParticipants, FollowUp, Partnership
from vidnova.partnerships.services.activities import (
    activity_create,
    activity_update,
    follow_up_add,
    follow_up_set_done,
)
from vidnova.testing.partnerships import make_partnership

DATA = {
    "kind": "visit_to_hromada",
    "title": " First visit ",
    "starts_on": "2026-03-10",
    "ends_on": "2026-03-12",
    "location": "Hromada hall",
    "description": "Met the crisis team.",
    "outcomes": "Agreed a plan.",
}


@pytest.fixture
def partnership(world: Any) -> Partnership:
    return make_partnership(world.programme, world.hromada, world.organisation)


def _create(world: Any, partnership: Partnership, **overrides: Any) -> Activity:
    arguments: dict[str, Any] = {
        "acting_user": world.editor,
        "partnership": partnership,
        "data": DATA,
        "participants": {
            "hromada_staff": {"women": 4, "men": "3", "not_stated": ""},
            "residents": {"women": 0, "men": 0},
        },
        "follow_ups": [{"description": "Draft the evacuation plan", "responsible": "Olena", "due_on": "2026-04-01"}],
    }
    arguments.update(overrides)
    return activity_create(**arguments)


def test_create_with_participants_and_follow_ups(world: Any, partnership: Partnership) -> None:
    activity = _create(world, partnership)
    assert activity.title == "First visit"
    assert activity.ends_on == datetime.date(2026, 3, 12)
    assert activity.created_by == world.editor
    rows = list(activity.participants.values_list("role", "women", "men", "not_stated"))
    assert rows == [("hromada_staff", 4, 3, 0)]  # the all-zero role is not stored
    follow_up = activity.follow_ups.get()
    assert (follow_up.description, follow_up.responsible, follow_up.due_on, follow_up.status) == (
        "Draft the evacuation plan",
        "Olena",
        datetime.date(2026, 4, 1),
        "open",
    )
    entry = AuditEntry.objects.get(action="partnerships.activity.created")
    assert entry.hromada == world.hromada
    assert entry.changes["participants"] == [None, {"hromada_staff": [4, 3, 0]}]


def test_who_may_log(world: Any, partnership: Partnership) -> None:
    assert _create(world, partnership, acting_user=world.expert).pk
    assert _create(world, partnership, acting_user=world.coordinator).pk
    with pytest.raises(PermissionDenied):
        _create(world, partnership, acting_user=world.viewer)
    with pytest.raises(Http404):
        _create(world, partnership, acting_user=world.outsider)
    assert Activity.objects.count() == 2


def test_proposed_allowed_closed_refused(world: Any) -> None:
    closed = make_partnership(world.programme, world.hromada, world.organisation, status="closed")
    with pytest.raises(ValidationError) as excinfo:
        _create(world, closed)
    assert excinfo.value.message_dict["partnership"][0].startswith("This partnership is closed")
    assert not Activity.objects.exists()


def test_bad_input_names_fields_and_saves_nothing(world: Any, partnership: Partnership) -> None:
    with pytest.raises(ValidationError) as excinfo:
        _create(
            world,
            partnership,
            data={"kind": "party", "title": "", "starts_on": "2026-03-10", "ends_on": "2026-03-01", "mood": "x"},
            participants={"hromada_staff": {"women": -1, "men": "two"}, "aliens": {"men": 1}},
            follow_ups=[{"description": "ok"}, {"description": "", "due_on": "soon"}],
        )
    errors = excinfo.value.message_dict
    assert "Choose what kind" in errors["kind"][0]
    assert "title" in errors
    assert "mood" in errors
    assert "before it starts" in errors["ends_on"][0]
    assert "participants.hromada_staff.women" in errors
    assert "participants.hromada_staff.men" in errors
    assert "participants.aliens" in errors
    assert "follow_ups[1].description" in errors
    assert "follow_ups[1].due_on" in errors
    assert "follow_ups[0].description" not in errors
    assert not Activity.objects.exists()
    assert not FollowUp.objects.exists()
    assert not ActivityParticipants.objects.exists()


def test_date_required(world: Any, partnership: Partnership) -> None:
    with pytest.raises(ValidationError) as excinfo:
        _create(world, partnership, data={"kind": "call", "title": "Call"})
    assert excinfo.value.message_dict["starts_on"] == ["Give the date of the activity."]


def test_update_replaces_participants_and_checks_version(world: Any, partnership: Partnership) -> None:
    activity = _create(world, partnership)
    updated = activity_update(
        acting_user=world.expert,
        activity=activity,
        data={"title": "First visit (Kherson)", "ends_on": ""},
        participants={"partner_experts": {"men": 2}},
        expected_version=1,
    )
    assert updated.version == 2
    assert updated.ends_on is None
    assert list(updated.participants.values_list("role", "men")) == [("partner_experts", 2)]
    entry = AuditEntry.objects.get(action="partnerships.activity.updated")
    assert entry.changes["title"] == ["First visit", "First visit (Kherson)"]
    assert entry.changes["participants"] == [{"hromada_staff": [4, 3, 0]}, {"partner_experts": [0, 2, 0]}]
    with pytest.raises(EditConflict):
        activity_update(acting_user=world.expert, activity=activity, data={"title": "x"}, expected_version=1)
    with pytest.raises(ValidationError) as excinfo:
        activity_update(
            acting_user=world.expert,
            activity=activity,
            data={"starts_on": "2026-04-01", "ends_on": "2026-03-01"},
            expected_version=2,
        )
    assert "ends_on" in excinfo.value.message_dict
    with pytest.raises(PermissionDenied):
        activity_update(acting_user=world.viewer, activity=activity, data={"title": "x"}, expected_version=None)
    with pytest.raises(Http404):
        activity_update(acting_user=world.outsider, activity=activity, data={"title": "x"}, expected_version=None)
    activity.refresh_from_db()
    assert activity.title == "First visit (Kherson)"


def test_follow_up_add_done_and_reopen(world: Any, partnership: Partnership) -> None:
    activity = _create(world, partnership, follow_ups=[])
    follow_up = follow_up_add(
        acting_user=world.expert, activity=activity, description="Send the template", due_on="2026-05-01"
    )
    assert follow_up.status == "open"
    with pytest.raises(ValidationError) as excinfo:
        follow_up_add(acting_user=world.expert, activity=activity, description=" ")
    assert "description" in excinfo.value.message_dict
    done = follow_up_set_done(acting_user=world.editor, follow_up=follow_up, done=True, expected_version=1)
    assert (done.status, done.done_on, done.done_by, done.version) == ("done", timezone.localdate(), world.editor, 2)
    same = follow_up_set_done(acting_user=world.editor, follow_up=done, done=True)
    assert same.version == 2
    with pytest.raises(EditConflict):
        follow_up_set_done(acting_user=world.editor, follow_up=done, done=False, expected_version=1)
    reopened = follow_up_set_done(acting_user=world.editor, follow_up=done, done=False, expected_version=2)
    assert (reopened.status, reopened.done_on, reopened.done_by) == ("open", None, None)
    actions = list(
        AuditEntry.objects.filter(action__startswith="partnerships.follow_up").values_list("action", flat=True)
    )
    assert sorted(actions) == [
        "partnerships.follow_up.added",
        "partnerships.follow_up.completed",
        "partnerships.follow_up.reopened",
    ]
    with pytest.raises(PermissionDenied):
        follow_up_set_done(acting_user=world.viewer, follow_up=follow_up, done=True)
    with pytest.raises(Http404):
        follow_up_set_done(acting_user=world.outsider, follow_up=follow_up, done=True)
    with pytest.raises(PermissionDenied):
        follow_up_add(acting_user=world.viewer, activity=activity, description="x")
