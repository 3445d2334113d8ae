"""Domain errors raised by services and turned into messages by views and the API."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class EditConflict(Exception):
    """Someone else saved the record after the editor loaded it."""

    def __init__(self, *, expected_version: int, current_version: int) -> None:
        super().__init__(f"expected version {expected_version}, found {current_version}")
        self.expected_version = expected_version
        self.current_version = current_version


class ImportRejected(ValidationError):
    """A whole file was refused; ``row_errors`` lists (row number, reason) for every bad row."""

    def __init__(self, row_errors: list[tuple[int, str]]) -> None:
        self.row_errors = row_errors
        super().__init__([f"{row}: {reason}" for row, reason in row_errors])
