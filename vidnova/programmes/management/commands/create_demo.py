"""``vidnova create-demo``: the demo programme, its organisations and one account per role.

Safe to run again: what exists is left as it is. Only on demo installations (VIDNOVA_DEMO=true),
because the accounts share a published password.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from vidnova.programmes.demo import DEFAULT_PASSWORD, DemoError, DemoResult, demo_create


class Command(BaseCommand):
    help = (
        "Create the demo programme (recovery-ua-nl) with its phases, fields, partner organisations and "
        "participating hromadas, and one demo account per role. Needs the registry (vidnova load-registry) "
        "and VIDNOVA_DEMO=true. Running it again creates and changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"the password of every demo account (default: {DEFAULT_PASSWORD})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError(
                "create_demo only runs on a demo installation: its accounts share a published password. "
                "Set VIDNOVA_DEMO=true to create the demo (never on a production site)."
            )
        password: str = options["password"]
        try:
            validate_password(password)
        except ValidationError as error:
            raise CommandError("The demo password is too weak: " + " ".join(error.messages)) from error
        # The operator's report is in English, like the rest of the command line.
        with translation.override("en"):
            try:
                result = demo_create(password=password)
            except DemoError as error:
                raise CommandError(str(error)) from error
            self._report(result, verbosity=options["verbosity"])

    def _report(self, result: DemoResult, *, verbosity: int) -> None:
        if result.created_anything:
            self.stdout.write(self.style.SUCCESS(f"Demo created: {len(result.created)} new records."))
            if verbosity >= 2:
                for line in result.created:
                    self.stdout.write(f"  + {line}")
        else:
            self.stdout.write("The demo was already complete; nothing was changed.")
        self.stdout.write(f"Programme: {result.programme.name} (/programmes/{result.programme.slug}/)")
        self.stdout.write("")
        rows = [("Role", "Email", "Password", "Scope")]
        rows += [(account.role, account.email, result.password, account.scope) for account in result.accounts]
        widths = [max(len(row[column]) for row in rows) for column in range(3)]
        for number, row in enumerate(rows):
            cells = [cell.ljust(widths[column]) for column, cell in enumerate(row[:3])]
            self.stdout.write("  ".join([*cells, row[3]]).rstrip())
            if number == 0:
                self.stdout.write("  ".join("-" * width for width in [*widths, len(row[3])]))
        self.stdout.write("")
        self.stdout.write(
            "The demo administrator signs in with two-factor authentication (demo only: a fixed, published secret)."
        )
        self.stdout.write(f"  TOTP secret: {result.totp_secret}")
        self.stdout.write(f"  otpauth URI: {result.totp_uri}")
        self.stdout.write("  Add the secret or the URI to an authenticator app to get the six-digit codes.")
