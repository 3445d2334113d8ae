"""A partnership's activity log: visits, calls, expert missions, study visits, donations, with their
participants (head counts by role and gender) and follow-up actions tracked to done.

Programme staff, the hromada's editors and the partners' experts log activities (``CONTRIBUTE``);
hromada viewers only read. A closed partnership takes no new activities; a proposed one does (the
first visit often comes before anything is signed).

``data`` keys: kind, title, starts_on, ends_on, location, description, outcomes.
``participants``: {role: {"women": n, "men": n, "not_stated": n}} with roles from ParticipantRole;
rows that are all zero are not stored. ``follow_ups``: [{description, responsible?, due_on?}].
Errors name the field: "title", "participants.residents.women", "follow_ups[1].due_on".
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from vidnova.accounts.access import Action, AnyUser, require
from vidnova.audit.services import diff, record
from vidnova.core.concurrency import check_version
from vidnova.partnerships.models import (
    Activity,
    ActivityKind,
    ActivityParticipants,
    FollowUp,
    FollowUpStatus,
    ParticipantRole,
    Partnership,
    PartnershipStatus,
)
from vidnova.partnerships.services.partnerships import Invalid, _put, actor, clean_date, clean_text, text, today

ACTIVITY_FIELDS = ("kind", "title", "starts_on", "ends_on", "location", "description", "outcomes")
IGNORED_FIELDS = frozenset({"version", "expected_version", "partnership", "participants", "follow_ups"})
GENDERS = ("women", "men", "not_stated")
MAX_HEADCOUNT = 1_000_000
MAX_FOLLOW_UPS = 50


def _clean_activity(data: Mapping[str, Any], activity: Activity | None, errors: dict[str, str]) -> dict[str, Any]:
    """The activity's values from ``data`` (a new activity needs kind, title and starts_on)."""
    values: dict[str, Any] = {}
    for key in data:
        if key not in ACTIVITY_FIELDS and key not in IGNORED_FIELDS:
            errors[str(key)] = gettext("There is no field “%(field)s” in an activity.") % {"field": key}
    if activity is None or "kind" in data:
        kind = text(data.get("kind"))
        if kind not in ActivityKind.values:
            errors["kind"] = gettext("Choose what kind of activity it was: %(kinds)s.") % {
                "kinds": ", ".join(str(label) for label in ActivityKind.labels)
            }
        values["kind"] = kind
    if activity is None or "title" in data:
        values["title"] = _put(
            errors, "title", clean_text, data.get("title"), 300, required_message=gettext("Give the activity a title.")
        )
    for name, limit in (("location", 300), ("description", 20_000), ("outcomes", 20_000)):
        if name in data:
            values[name] = _put(errors, name, clean_text, data[name], limit) or ""
    if activity is None or "starts_on" in data:
        start = _put(errors, "starts_on", clean_date, data.get("starts_on"))
        if start is None and "starts_on" not in errors:
            errors["starts_on"] = gettext("Give the date of the activity.")
        values["starts_on"] = start
    if "ends_on" in data:
        values["ends_on"] = _put(errors, "ends_on", clean_date, data["ends_on"])
    start = values.get("starts_on") if "starts_on" in values else (activity.starts_on if activity else None)
    end = values.get("ends_on") if "ends_on" in values else (activity.ends_on if activity else None)
    if start and end and end < start and "ends_on" not in errors and "starts_on" not in errors:
        errors["ends_on"] = gettext("The activity cannot end (%(end)s) before it starts (%(start)s).") % {
            "end": end.isoformat(),
            "start": start.isoformat(),
        }
    return values


def _count(value: Any) -> int:
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0
    if isinstance(value, bool):
        raise Invalid(gettext("Give a whole number, zero or more."))
    if isinstance(value, int):
        number = value
    else:
        raw = text(value)
        if not raw.isdigit():
            raise Invalid(gettext("Give a whole number, zero or more."))
        number = int(raw)
    if number < 0:
        raise Invalid(gettext("Give a whole number, zero or more."))
    if number > MAX_HEADCOUNT:
        raise Invalid(gettext("That is more people than an activity can have; check the number."))
    return number


def clean_participants(value: Any, errors: dict[str, str]) -> list[ActivityParticipants]:
    """Head counts per role; all-zero roles are dropped."""
    if value is None:
        return []
    if not isinstance(value, Mapping):
        errors["participants"] = gettext("Give the participants as counts of women, men and not stated per role.")
        return []
    rows: list[ActivityParticipants] = []
    for role, counts in value.items():
        if role not in ParticipantRole.values:
            errors[f"participants.{role}"] = gettext("“%(role)s” is not a participant role; use %(roles)s.") % {
                "role": role,
                "roles": ", ".join(ParticipantRole.values),
            }
            continue
        if not isinstance(counts, Mapping):
            errors[f"participants.{role}"] = gettext("Give counts of women, men and not stated.")
            continue
        unknown = [key for key in counts if key not in GENDERS]
        if unknown:
            errors[f"participants.{role}"] = gettext("Count women, men and not_stated only (not %(keys)s).") % {
                "keys": ", ".join(str(key) for key in unknown)
            }
            continue
        numbers = {
            gender: _put(errors, f"participants.{role}.{gender}", _count, counts.get(gender)) for gender in GENDERS
        }
        if any(number is None for number in numbers.values()):
            continue
        if sum(numbers.values()):
            rows.append(ActivityParticipants(role=role, **numbers))
    order = list(ParticipantRole.values)
    return sorted(rows, key=lambda row: order.index(row.role))


def _clean_follow_up(row: Mapping[str, Any], where: str, errors: dict[str, str]) -> FollowUp:
    description = _put(
        errors,
        f"{where}description",
        clean_text,
        row.get("description"),
        500,
        required_message=gettext("Say what is to be done."),
    )
    responsible = _put(errors, f"{where}responsible", clean_text, row.get("responsible"), 200)
    due_on = _put(errors, f"{where}due_on", clean_date, row.get("due_on"))
    return FollowUp(description=description or "", responsible=responsible or "", due_on=due_on)


def clean_follow_ups(value: Any, errors: dict[str, str]) -> list[FollowUp]:
    if value is None:
        return []
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Sequence):
        errors["follow_ups"] = gettext("Give a list of follow-up actions, each with a description.")
        return []
    if len(value) > MAX_FOLLOW_UPS:
        errors["follow_ups"] = gettext("At most %(count)s follow-up actions at once.") % {"count": MAX_FOLLOW_UPS}
        return []
    result = []
    for index, row in enumerate(value):
        if not isinstance(row, Mapping):
            errors[f"follow_ups[{index}]"] = gettext("Each follow-up action is a set of named values.")
            continue
        result.append(_clean_follow_up(row, f"follow_ups[{index}].", errors))
    return result


def _participants_snapshot(activity: Activity) -> dict[str, list[int]]:
    return {
        role: [women, men, not_stated]
        for role, women, men, not_stated in ActivityParticipants.objects.filter(activity=activity)
        .order_by("role")
        .values_list("role", "women", "men", "not_stated")
    }


def _snapshot(activity: Activity) -> dict[str, Any]:
    return {name: getattr(activity, name) for name in ACTIVITY_FIELDS}


def _set_participants(activity: Activity, rows: list[ActivityParticipants]) -> None:
    ActivityParticipants.objects.filter(activity=activity).delete()
    for row in rows:
        row.activity = activity
    ActivityParticipants.objects.bulk_create(rows)


def activity_create(
    *,
    acting_user: AnyUser | None,
    partnership: Partnership,
    data: Mapping[str, Any],
    participants: Mapping[str, Mapping[str, int]] | None = None,
    follow_ups: Sequence[Mapping[str, Any]] = (),
) -> Activity:
    """Log an activity of ``partnership`` with its participants and follow-up actions."""
    with transaction.atomic():
        if acting_user is not None:
            require(acting_user, Action.CONTRIBUTE, partnership, visible_with=Action.VIEW_PRIVATE)
        partnership = (
            Partnership.objects.select_for_update(of=("self",)).select_related("hromada").get(pk=partnership.pk)
        )
        errors: dict[str, str] = {}
        if partnership.status == PartnershipStatus.CLOSED:
            errors["partnership"] = gettext("This partnership is closed: its activity log takes no new activities.")
        values = _clean_activity(data, None, errors)
        rows = clean_participants(participants or {}, errors)
        actions = clean_follow_ups(follow_ups, errors)
        if errors:
            raise ValidationError(errors)
        activity = Activity.objects.create(partnership=partnership, created_by=actor(acting_user), **values)
        _set_participants(activity, rows)
        for follow_up in actions:
            follow_up.activity = activity
        FollowUp.objects.bulk_create(actions)
        record(
            actor=actor(acting_user),
            action="partnerships.activity.created",
            target=activity,
            changes=diff({}, {**_snapshot(activity), "participants": _participants_snapshot(activity)}),
            data={
                "partnership": partnership.pk,
                "follow_ups": [follow_up.description for follow_up in actions],
            },
            hromada=partnership.hromada,
        )
    return activity


def activity_update(
    *,
    acting_user: AnyUser | None,
    activity: Activity,
    data: Mapping[str, Any],
    participants: Mapping[str, Mapping[str, int]] | None = None,
    expected_version: int | None,
) -> Activity:
    """Change the activity's fields given in ``data``; ``participants`` (when given) replaces the
    head counts. Follow-up actions are added with ``follow_up_add``."""
    with transaction.atomic():
        if acting_user is not None:
            require(acting_user, Action.EDIT, activity, visible_with=Action.VIEW_PRIVATE)
        activity = (
            Activity.objects.select_for_update(of=("self",))
            .select_related("partnership", "partnership__hromada")
            .get(pk=activity.pk)
        )
        check_version(activity, expected_version=expected_version)
        errors: dict[str, str] = {}
        values = _clean_activity(data, activity, errors)
        rows = clean_participants(participants, errors) if participants is not None else None
        if errors:
            raise ValidationError(errors)
        before = {**_snapshot(activity), "participants": _participants_snapshot(activity)}
        for name, value in values.items():
            setattr(activity, name, value)
        activity.save()
        if rows is not None:
            _set_participants(activity, rows)
        record(
            actor=actor(acting_user),
            action="partnerships.activity.updated",
            target=activity,
            changes=diff(before, {**_snapshot(activity), "participants": _participants_snapshot(activity)}),
            data={"partnership": activity.partnership_id, "version": activity.version},
            hromada=activity.partnership.hromada,
        )
    return activity


def follow_up_add(
    *,
    acting_user: AnyUser | None,
    activity: Activity,
    description: str,
    responsible: str = "",
    due_on: datetime.date | str | None = None,
) -> FollowUp:
    """A follow-up action of ``activity`` (open)."""
    with transaction.atomic():
        if acting_user is not None:
            require(acting_user, Action.EDIT, activity, visible_with=Action.VIEW_PRIVATE)
        errors: dict[str, str] = {}
        follow_up = _clean_follow_up(
            {"description": description, "responsible": responsible, "due_on": due_on}, "", errors
        )
        if errors:
            raise ValidationError(errors)
        follow_up.activity = activity
        follow_up.save()
        record(
            actor=actor(acting_user),
            action="partnerships.follow_up.added",
            target=follow_up,
            data={
                "activity": activity.pk,
                "partnership": activity.partnership_id,
                "responsible": follow_up.responsible,
                "due_on": follow_up.due_on,
            },
            hromada=activity.partnership.hromada,
        )
    return follow_up


def follow_up_set_done(
    *, acting_user: AnyUser | None, follow_up: FollowUp, done: bool, expected_version: int | None = None
) -> FollowUp:
    """Mark the action done (today, by the acting user) or reopen it (clearing both). Setting the
    status it already has changes nothing."""
    with transaction.atomic():
        if acting_user is not None:
            require(acting_user, Action.EDIT, follow_up, visible_with=Action.VIEW_PRIVATE)
        follow_up = (
            FollowUp.objects.select_for_update(of=("self",))
            .select_related("activity", "activity__partnership", "activity__partnership__hromada")
            .get(pk=follow_up.pk)
        )
        check_version(follow_up, expected_version=expected_version)
        target = FollowUpStatus.DONE if done else FollowUpStatus.OPEN
        if follow_up.status == target:
            follow_up.version -= 1  # nothing changes: keep the version as it was
            return follow_up
        before = follow_up.status
        if done:
            follow_up.status = FollowUpStatus.DONE
            follow_up.done_on = today()
            follow_up.done_by = actor(acting_user)
        else:
            follow_up.status = FollowUpStatus.OPEN
            follow_up.done_on = None
            follow_up.done_by = None
        follow_up.save()
        record(
            actor=actor(acting_user),
            action="partnerships.follow_up.completed" if done else "partnerships.follow_up.reopened",
            target=follow_up,
            changes={"status": [before, follow_up.status]},
            data={"activity": follow_up.activity_id, "partnership": follow_up.activity.partnership_id},
            hromada=follow_up.activity.partnership.hromada,
        )
    return follow_up
