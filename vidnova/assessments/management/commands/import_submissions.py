"""``manage.py import_submissions ROUND_ID FILE [--match-by auto|katottg|name] [--apply]``: check a
Kobo / ODK submissions export against a round (the dry run) and print the report; with --apply,
apply it when it has no errors (all rows or none)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from vidnova.assessments.models import Round, SubmissionImport
from vidnova.assessments.services import kobo

MAX_ERRORS_SHOWN = 200


def print_report(command: BaseCommand, imported: SubmissionImport) -> None:
    report = imported.report
    counts = report.get("counts", {})
    command.stdout.write(
        f"Import {imported.pk} of {imported.file_name} into round {imported.round_id}: {counts.get('rows', 0)} rows, "
        f"{counts.get('ready', 0)} ready, {counts.get('with_errors', 0)} with errors, "
        f"{imported.error_count} errors; hromadas matched by {report.get('matched_by')}."
    )
    for warning in report.get("warnings", []):
        command.stdout.write(f"warning: {warning['message']}")
    shown = 0
    for error in report.get("errors", []):
        command.stderr.write(f"error: {error['message']}")
        shown += 1
    for row in report.get("rows", []):
        hromada = row.get("hromada") or {}
        label = f"{hromada.get('name', '?')} ({hromada.get('katottg', '')})" if hromada else "?"
        if not row["errors"]:
            command.stdout.write(
                f"row {row['row']}: {label}: {row['answers']} answers, replaces {row['replaces']} existing answers"
            )
            continue
        for error in row["errors"]:
            if shown < MAX_ERRORS_SHOWN:
                column = f" [{error['column']}]" if error.get("column") else ""
                command.stderr.write(f"row {row['row']}{column}: {error['message']}")
            shown += 1
    if shown > MAX_ERRORS_SHOWN:
        command.stderr.write(f"… and {shown - MAX_ERRORS_SHOWN} more errors.")


class Command(BaseCommand):
    help = (
        "Check a Kobo / ODK submissions export (XLSX or CSV) against an assessment round and print the report; "
        "with --apply, import it when it has no errors (all rows or none)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("round_id", type=int, help="Id of the assessment round.")
        parser.add_argument("path", type=Path, help="The export (.xlsx or .csv).")
        parser.add_argument("--match-by", choices=kobo.MATCH_CHOICES, default="auto", help="How to find hromadas.")
        parser.add_argument("--apply", action="store_true", help="Apply the import if the check finds no errors.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        round_ = Round.objects.select_related("instrument_version", "programme").filter(pk=options["round_id"]).first()
        if round_ is None:
            raise CommandError(f"No assessment round has the id {options['round_id']}.")
        try:
            imported = kobo.import_check(
                acting_user=None,
                round_=round_,
                data=path.read_bytes(),
                filename=path.name,
                match_by=options["match_by"],
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        print_report(self, imported)
        if imported.error_count:
            raise CommandError(f"{imported.error_count} errors; nothing was imported.")
        if not options["apply"]:
            self.stdout.write("Dry run only: nothing was changed. Run again with --apply to import.")
            return
        try:
            imported = kobo.import_apply(acting_user=None, submission_import=imported)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        applied = imported.report.get("applied", {})
        self.stdout.write(
            f"Applied: {applied.get('assessments', 0)} assessments submitted; answers created "
            f"{applied.get('answers_created', 0)}, changed {applied.get('answers_changed', 0)}, "
            f"removed {applied.get('answers_removed', 0)}."
        )
