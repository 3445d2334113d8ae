from __future__ import annotations

from vidnova.core.exceptions import EditConflict
from vidnova.core.models import VersionedModel


def check_version(instance: VersionedModel, *, expected_version: int | None) -> None:
    """Raise EditConflict unless the row still has ``expected_version``, then bump the version.

    Call inside the service's transaction on an instance read with select_for_update(): PostgreSQL
    locks the row, and SQLite's IMMEDIATE transactions already serialise writers. ``None`` means the
    caller is not an interactive edit (imports, commands) and takes the latest row as it is.
    """
    if expected_version is not None and instance.version != expected_version:
        raise EditConflict(expected_version=expected_version, current_version=instance.version)
    instance.version += 1
