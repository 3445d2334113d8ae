"""``manage.py prune_plan_exports``: delete old generated documents of draft plans (run it daily)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vidnova.plans.services.exports import exports_prune


class Command(BaseCommand):
    help = (
        "Delete DOCX and PDF files generated for draft plan versions more than --days days ago, keeping the "
        "newest document of each version, format and language and every document of an adopted version."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=30, help="Keep documents younger than this (default 30).")

    def handle(self, *args: Any, **options: Any) -> None:
        days: int = options["days"]
        if days < 1:
            raise CommandError("--days must be at least 1.")
        deleted = exports_prune(acting_user=None, older_than=datetime.timedelta(days=days))
        self.stdout.write(f"Deleted {deleted} old plan document(s).")
