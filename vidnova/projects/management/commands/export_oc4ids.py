"""``manage.py export_oc4ids --output FILE``: write the OC4IDS 0.9.4 project package of the public
project ideas (all, or a programme's or a hromada's) to a file, for operators and scheduled
publication. The package is streamed to the file, so memory stays flat however many projects."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse
from django.utils.http import urlencode

from vidnova.projects import oc4ids


class Command(BaseCommand):
    help = (
        "Write the OC4IDS 0.9.4 project package of the project ideas (public data only) to --output; "
        "--programme and --hromada narrow the selection."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", required=True, help="The file to write (replaced when it exists).")
        parser.add_argument("--programme", help="Only the projects of this programme (its short name).")
        parser.add_argument("--hromada", help="Only the projects of this hromada (its KATOTTG code).")
        parser.add_argument("--uri", help="The package's uri (by default the address of the same export on SITE_URL).")

    def handle(self, *args: Any, **options: Any) -> None:
        programme: str | None = options.get("programme") or None
        hromada: str | None = options.get("hromada") or None
        if hromada and not re.match(r"^UA\d{17}$", hromada):
            raise CommandError("--hromada must be a KATOTTG code: UA followed by 17 digits.")
        queryset = oc4ids.select_projects(programme=programme, hromada=hromada)
        if not queryset.exists():
            raise CommandError("No project ideas match this selection; nothing written.")
        query = {name: value for name, value in (("programme", programme), ("hromada", hromada)) if value}
        uri = options.get("uri") or (
            f"{settings.SITE_URL}{reverse('projects:oc4ids')}" + (f"?{urlencode(query)}" if query else "")
        )
        output = Path(options["output"])
        temporary = output.with_name(f".{output.name}.tmp")
        counter = [0]
        try:
            with temporary.open("w", encoding="utf-8") as file:
                for chunk in oc4ids.package_chunks(queryset, uri=uri, counter=counter):
                    file.write(chunk)
            os.replace(temporary, output)  # readers never see a half-written package
        except OSError as error:
            temporary.unlink(missing_ok=True)
            raise CommandError(f"Cannot write {output}: {error}") from error
        self.stdout.write(f"Wrote {counter[0]} project(s) to {output}.")
