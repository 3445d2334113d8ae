"""``manage.py import_instrument PATH``: import an assessment instrument written as an XLSForm."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vidnova.assessments.services import InstrumentImport, instrument_import_with_result
from vidnova.assessments.xlsform import XLSFormRejected

# Enough to see what is wrong with a workbook without flooding the terminal.
MAX_ERRORS_SHOWN = 200


def report(command: BaseCommand, result: InstrumentImport) -> None:
    """Print what an import did: the version, its counts and the warnings."""
    version = result.version
    verb = "Imported" if result.created else "Already imported, unchanged:"
    command.stdout.write(
        f"{verb} {version.instrument.code} version {version.number} (form version {version.form_version}): "
        f"{version.dimension_count} dimensions, {version.question_count} questions, "
        f"{version.scored_question_count} scored, languages {', '.join(version.languages)}."
    )
    for warning in result.warnings:
        command.stdout.write(f"warning: {warning}")


def rejected(command: BaseCommand, rejection: XLSFormRejected) -> CommandError:
    """Print the numbered problems and return the error that makes the command exit with 1."""
    problems = rejection.messages
    for number, message in enumerate(problems[:MAX_ERRORS_SHOWN], start=1):
        command.stderr.write(f"{number}. {message}")
    if len(problems) > MAX_ERRORS_SHOWN:
        command.stderr.write(f"… and {len(problems) - MAX_ERRORS_SHOWN} more.")
    return CommandError(f"The form was rejected ({len(problems)} problems); nothing was saved.")


class Command(BaseCommand):
    help = (
        "Import an assessment instrument from an XLSForm (.xlsx with survey, choices and settings sheets). "
        "A changed form becomes a new version; importing the same form again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The XLSForm workbook (.xlsx).")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        try:
            result = instrument_import_with_result(acting_user=None, data=path.read_bytes(), filename=path.name)
        except XLSFormRejected as rejection:
            raise rejected(self, rejection) from None
        report(self, result)
