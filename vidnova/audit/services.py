"""Writing the audit log. Only services call this, inside their own transaction."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from vidnova.audit.models import AuditEntry

if TYPE_CHECKING:
    from vidnova.accounts.models import User
    from vidnova.registry.models import Hromada


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, datetime.date | datetime.datetime | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, Mapping):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of ``fields``, ready for the log (foreign keys as their text)."""
    return {name: _jsonable(getattr(instance, name)) for name in fields}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value differs, as {field: [before, after]}."""
    keys = set(before) | set(after)
    return {
        key: [_jsonable(before.get(key)), _jsonable(after.get(key))]
        for key in sorted(keys)
        if _jsonable(before.get(key)) != _jsonable(after.get(key))
    }


def record(
    *,
    actor: User | None,
    action: str,
    target: models.Model,
    changes: Mapping[str, list[Any]] | None = None,
    data: Mapping[str, Any] | None = None,
    hromada: Hromada | None = None,
) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_label=(actor.email if actor is not None and actor.pk else "system"),
        action=action,
        content_type=ContentType.objects.get_for_model(target, for_concrete_model=True),
        object_id=str(target.pk),
        object_repr=str(target)[:300],
        changes=dict(changes or {}),
        data=_jsonable(dict(data or {})),
        hromada=hromada,
    )
