"""``manage.py load_default_instrument``: load the shipped default assessment instrument."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from vidnova.assessments.management.commands.import_instrument import rejected, report
from vidnova.assessments.services import DEFAULT_INSTRUMENT_PATH, instrument_import_with_result
from vidnova.assessments.xlsform import XLSFormRejected


class Command(BaseCommand):
    help = "Load the default assessment instrument shipped with Vidnova (does nothing if it is loaded already)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = instrument_import_with_result(
                acting_user=None,
                data=DEFAULT_INSTRUMENT_PATH.read_bytes(),
                filename=DEFAULT_INSTRUMENT_PATH.name,
                is_default=True,
            )
        except XLSFormRejected as rejection:
            raise rejected(self, rejection) from None
        report(self, result)
