"""vidnova: the Vidnova operator command, Django's manage.py with named shortcuts.

Usage: vidnova COMMAND [ARGUMENTS]

    vidnova load-registry      load or update the registry from the shipped reference data
    vidnova create-demo        create the demo programme, organisations and one account per role
    vidnova serve [ADDR:PORT]  apply migrations, create the cache table and run the development server
                               (default 127.0.0.1:8000; use gunicorn in production, see docs/deploy.md)
    vidnova worker             run the background task worker (keep one running in production)
    vidnova --version          print the installed version
    vidnova help [COMMAND]     list every command, or explain one
    vidnova COMMAND ...        any other manage.py command, e.g. vidnova migrate, vidnova check --deploy

Settings come from environment variables (docs/deploy.md); DJANGO_SETTINGS_MODULE defaults to
vidnova.settings.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

SHORTCUTS: dict[str, list[str]] = {
    "load-registry": ["load_registry"],
    "create-demo": ["create_demo"],
    "worker": ["db_worker"],
}
DEFAULT_SERVE_ADDRESS = "127.0.0.1:8000"


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as package_version

    try:
        return package_version("vidnova")
    except PackageNotFoundError:  # running from a source tree that was not installed
        return "unknown (not installed)"


def translate(args: Sequence[str]) -> list[list[str]]:
    """The manage.py command lines that ``vidnova ARGS`` runs, in order (without the program name).

    An empty list means: only print the usage.
    """
    if not args or args[0] in {"-h", "--help"}:
        return []
    command, rest = args[0], list(args[1:])
    if command == "help":
        return [["help", *(SHORTCUTS.get(name, [name])[0] for name in rest)]]
    if command == "serve":
        if rest[:1] in (["-h"], ["--help"]):
            return [["help", "runserver"]]
        return [["migrate", "--no-input"], ["createcachetable"], ["runserver", *(rest or [DEFAULT_SERVE_ADDRESS])]]
    return [[*SHORTCUTS.get(command, [command]), *rest]]


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["--version"]:
        print(f"vidnova {version()}")
        return
    command_lines = translate(args)
    if not command_lines:
        print(__doc__.strip())
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vidnova.settings")
    from django.core.management import execute_from_command_line

    for command_line in command_lines:
        # execute_from_command_line exits the process with a non-zero status when a command fails.
        execute_from_command_line(["vidnova", *command_line])


if __name__ == "__main__":
    main()
