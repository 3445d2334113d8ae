"""Models and migrations agree: a model change without its migration fails the suite."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_pending_migrations() -> None:
    output = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=output, stderr=output)
    except SystemExit:
        pytest.fail(f"Models have changes without a migration (run makemigrations):\n{output.getvalue()}")


@pytest.mark.django_db
def test_every_migration_is_applied_to_the_test_database() -> None:
    output = StringIO()
    call_command("showmigrations", "--plan", stdout=output)
    unapplied = [line for line in output.getvalue().splitlines() if line.startswith("[ ]")]
    assert unapplied == []
