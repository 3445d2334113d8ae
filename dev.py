#!/usr/bin/env python3
"""Vidnova developer commands: the two-command setup.

    python3 dev.py start [--port 8000]   install, prepare the demo database and serve it
    python3 dev.py test [PYTEST ARGS]    install, then run the whole test suite
    python3 dev.py check                 linters, type checks, migrations and deployment checks

Standard library only. Works from any directory: every path is relative to this file. Installs
into .venv beside this file from the hashed lock files in requirements/; nothing needs root.
"""

# Keep this module parseable by old Pythons (no __future__ imports, no new syntax) so that they
# reach the version check below; the annotations further down are evaluated only after it.
import sys

MINIMUM_PYTHON = (3, 11)

if sys.version_info < MINIMUM_PYTHON:
    sys.stderr.write(
        "Vidnova needs Python {}.{} or newer; this is Python {}.{} ({}).\n"
        "Install a newer Python and run this script with it, e.g. python3.12 dev.py start\n".format(
            *MINIMUM_PYTHON, *sys.version_info[:2], sys.executable
        )
    )
    sys.exit(2)

import argparse  # noqa: E402
import hashlib  # noqa: E402
import os  # noqa: E402
import secrets  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
VENV_BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = VENV_BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".vidnova-installed"
LOCK_FILES = ("requirements/base.txt", "requirements/dev.txt")
STAMPED_FILES = (*LOCK_FILES, "pyproject.toml")


class CommandFailed(Exception):
    def __init__(self, returncode: int) -> None:
        super().__init__(returncode)
        self.returncode = returncode


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def run(args: Sequence[str | os.PathLike[str]], *, env: dict[str, str] | None = None, check: bool = True) -> int:
    """Run a command in the project directory; raise CommandFailed on a non-zero exit if ``check``."""
    completed = subprocess.run([str(arg) for arg in args], cwd=ROOT, env=env, check=False)
    if check and completed.returncode != 0:
        raise CommandFailed(completed.returncode)
    return completed.returncode


# --- installation -------------------------------------------------------------------------------


def install_fingerprint() -> str:
    digest = hashlib.sha256()
    digest.update(f"python {sys.version_info[0]}.{sys.version_info[1]}\n".encode())
    for name in STAMPED_FILES:
        digest.update(name.encode() + b"\0")
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def create_venv() -> None:
    say(f"Creating the virtual environment in {VENV}")
    try:
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    except subprocess.CalledProcessError:
        shutil.rmtree(VENV, ignore_errors=True)
        sys.stderr.write(
            "Could not create the virtual environment. On Debian or Ubuntu, install the venv module "
            "(for example: sudo apt install python3-venv) and try again.\n"
        )
        raise CommandFailed(1) from None


def ensure_installed() -> None:
    """Create .venv and install the locked dependencies, unless the stamp says they are current."""
    if not PYTHON.exists():
        create_venv()
    fingerprint = install_fingerprint()
    if STAMP.exists() and STAMP.read_text(encoding="utf-8").strip() == fingerprint:
        return
    say("Installing the locked dependencies (requirements/base.txt, requirements/dev.txt)")
    pip: list[str | os.PathLike[str]] = [PYTHON, "-m", "pip", "--disable-pip-version-check", "install", "--quiet"]
    requirement_args: list[str] = []
    for name in LOCK_FILES:
        requirement_args += ["-r", name]
    run([*pip, "--require-hashes", *requirement_args])
    say("Installing Vidnova itself (editable)")
    run([*pip, "--no-deps", "--no-build-isolation", "-e", "."])
    STAMP.write_text(fingerprint + "\n", encoding="utf-8")


# --- environments -------------------------------------------------------------------------------


def base_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("VIRTUAL_ENV", None)
    env["PATH"] = os.pathsep.join([str(VENV_BIN), env.get("PATH", "")])
    env["PYTHONUNBUFFERED"] = "1"
    return env


def demo_env() -> dict[str, str]:
    env = base_env()
    env["DJANGO_SETTINGS_MODULE"] = "vidnova.settings"
    env.setdefault("VIDNOVA_DEMO", "true")
    return env


def test_env() -> dict[str, str]:
    env = base_env()
    env["DJANGO_SETTINGS_MODULE"] = "vidnova.settings_test"
    return env


def production_like_env() -> dict[str, str]:
    """What a production deployment sets; used for ``check --deploy``."""
    env = base_env()
    for name in ("VIDNOVA_DEMO", "SECRET_KEY_FILE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "BEHIND_PROXY"):
        env.pop(name, None)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "vidnova.settings",
            "DEBUG": "false",
            "VIDNOVA_DEMO": "false",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "vidnova.example.org",
            "CSRF_TRUSTED_ORIGINS": "https://vidnova.example.org",
            "SITE_URL": "https://vidnova.example.org",
            "DEFAULT_FROM_EMAIL": "Vidnova <noreply@vidnova.example.org>",
        }
    )
    return env


def manage(*args: str, env: dict[str, str]) -> None:
    run([PYTHON, "manage.py", *args], env=env)


# --- commands -----------------------------------------------------------------------------------


def _stop(process: subprocess.Popen[bytes], name: str) -> None:
    if process.poll() is not None:
        return
    say(f"Stopping the {name}")
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def command_start(options: argparse.Namespace) -> int:
    ensure_installed()
    env = demo_env()
    say("Preparing the database")
    manage("migrate", "--no-input", "--verbosity", "0", env=env)
    manage("createcachetable", env=env)
    say("Collecting static files")
    manage("collectstatic", "--no-input", "--verbosity", "0", env=env)
    say("Loading the registry of hromadas and partner municipalities (fast when it is already loaded)")
    manage("load_registry", env=env)
    say("Creating the demo programme and accounts")
    manage("create_demo", env=env)

    address = f"{options.host}:{options.port}"
    say("Starting the background task worker")
    worker = subprocess.Popen([str(PYTHON), "manage.py", "db_worker"], cwd=ROOT, env=env)
    server: subprocess.Popen[bytes] | None = None
    try:
        print(flush=True)
        say(f"Vidnova is running at http://{address}/  (stop with Ctrl+C)")
        print(flush=True)
        server = subprocess.Popen(
            [str(PYTHON), "manage.py", "runserver", address, "--noreload", "--skip-checks"], cwd=ROOT, env=env
        )
        while server.poll() is None:
            if worker.poll() is not None:
                say(f"The task worker stopped unexpectedly (exit code {worker.returncode}); stopping the server")
                _stop(server, "web server")
                return worker.returncode or 1
            time.sleep(0.5)
        return server.returncode
    except KeyboardInterrupt:
        print(flush=True)
        return 0
    finally:
        if server is not None:
            _stop(server, "web server")
        _stop(worker, "task worker")


def command_test(options: argparse.Namespace) -> int:
    ensure_installed()
    return run([PYTHON, "-m", "pytest", "-n", "auto", *options.pytest_args], env=test_env(), check=False)


def command_check(options: argparse.Namespace) -> int:
    ensure_installed()
    env = test_env()
    steps: list[tuple[str, list[str | os.PathLike[str]], dict[str, str]]] = [
        ("ruff check", [VENV_BIN / "ruff", "check", "."], env),
        ("ruff format --check", [VENV_BIN / "ruff", "format", "--check", "."], env),
        ("mypy", [VENV_BIN / "mypy", "vidnova", "dev.py", "benchmarks"], env),
        ("pending migrations", [PYTHON, "manage.py", "makemigrations", "--check", "--dry-run"], env),
        (
            "deployment checks",
            [PYTHON, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
            production_like_env(),
        ),
    ]
    failed: list[str] = []
    for title, args, step_env in steps:
        say(title)
        if run(args, env=step_env, check=False) != 0:
            failed.append(title)
    if failed:
        say("Failed: " + ", ".join(failed))
        return 1
    say("All checks passed")
    return 0


def parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="dev.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="{start,test,check}")

    start = commands.add_parser("start", help="install, prepare the demo database and serve it")
    start.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    start.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    start.set_defaults(handler=command_start)

    # Everything after "test" goes to pytest unchanged (parsed in main, so "-k" and "-x" pass through).
    commands.add_parser("test", help="install, then run the test suite (extra arguments go to pytest)")

    check = commands.add_parser("check", help="ruff, mypy, pending migrations and deployment checks")
    check.set_defaults(handler=command_check)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["test"]:
        options = argparse.Namespace(command="test", handler=command_test, pytest_args=args[1:])
    else:
        options = parse(args)
    try:
        return int(options.handler(options))
    except CommandFailed as error:
        return error.returncode
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
