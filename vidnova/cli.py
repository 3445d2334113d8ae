"""The ``vidnova`` operator command: manage.py with named shortcuts.

    vidnova load-registry     load or update the registry from the shipped reference data
    vidnova create-demo       create the demo programme, organisations and one account per role
    vidnova serve [ADDR]      apply migrations and run the development server (default 127.0.0.1:8000)
    vidnova worker            run the background task worker
    vidnova <any manage.py command>
"""

from __future__ import annotations

import os
import sys

SHORTCUTS = {
    "load-registry": ["load_registry"],
    "create-demo": ["create_demo"],
    "worker": ["db_worker"],
}


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vidnova.settings")
    from django.core.management import execute_from_command_line

    if not args or args[0] in {"-h", "--help", "help"}:
        print(__doc__)
        if args:
            return
        args = ["help"]
    command, rest = args[0], args[1:]
    if command == "serve":
        execute_from_command_line(["vidnova", "migrate", "--no-input"])
        execute_from_command_line(["vidnova", "createcachetable"])
        execute_from_command_line(["vidnova", "runserver", *(rest or ["127.0.0.1:8000"])])
        return
    execute_from_command_line(["vidnova", *SHORTCUTS.get(command, [command]), *rest])


if __name__ == "__main__":
    main()
