"""``manage.py load_registry``: load or update the registry from the shipped reference data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from vidnova.core.exceptions import ImportRejected
from vidnova.registry.services import registry_load

# Enough to see what is wrong with a file without flooding the terminal.
MAX_ERRORS_SHOWN = 200


class Command(BaseCommand):
    help = (
        "Load or update the registry (oblasts, raions, hromadas, the full KATOTTG codifier and Dutch "
        "municipalities) from the reference data shipped with Vidnova. Does nothing if this data is "
        "already loaded, unless --force is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Load even if the same data was loaded already.")
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=None,
            help="Read the data files from this directory (same layout as vidnova/registry/data).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        data_dir: Path | None = options["data_dir"]
        if data_dir is not None and not data_dir.is_dir():
            raise CommandError(f"{data_dir} is not a directory.")
        try:
            result = registry_load(acting_user=None, data_dir=data_dir, force=options["force"])
        except ImportRejected as rejection:
            errors = rejection.row_errors
            for row, reason in errors[:MAX_ERRORS_SHOWN]:
                self.stderr.write(f"row {row}: {reason}" if row else reason)
            if len(errors) > MAX_ERRORS_SHOWN:
                self.stderr.write(f"… and {len(errors) - MAX_ERRORS_SHOWN} more.")
            raise CommandError(f"The data was rejected ({len(errors)} problems); nothing was saved.") from None

        if result.already_loaded:
            self.stdout.write(
                f"Already loaded: {result.edition} (loaded {timezone.localtime(result.edition.loaded_at):%Y-%m-%d %H:%M}). "
                "Use --force to load again."
            )
            return
        self.stdout.write(f"Loaded {result.edition}.")
        for kind, total in result.totals.items():
            created = result.created.get(kind)
            updated = result.updated.get(kind)
            detail = f" ({created} new, {updated} changed)" if created is not None else ""
            self.stdout.write(f"  {kind.replace('_', ' ')}: {total}{detail}")
        self.stdout.write(
            f"  renamed units: {result.renamed}; former names added: {result.former_names_added}; "
            f"default security periods added: {result.periods_created}"
        )
        self.stdout.write(self.style.SUCCESS(f"Done in {result.seconds:.1f} s."))
