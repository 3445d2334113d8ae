"""Settings come from the environment and refuse to start with a message naming the bad variable.

Each case starts a fresh Python process, because settings are read once per process.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[3]

# Every variable the settings read; each test starts from none of them.
SETTINGS_VARIABLES = (
    "DEBUG",
    "VIDNOVA_DEMO",
    "VIDNOVA_DATA_DIR",
    "SECRET_KEY",
    "SECRET_KEY_FILE",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "SITE_URL",
    "DATABASE_URL",
    "DB_CONN_MAX_AGE",
    "REDIS_URL",
    "VIDNOVA_REQUIRE_ADMIN_MFA",
    "VIDNOVA_STATIC_ROOT",
    "VIDNOVA_MEDIA_ROOT",
    "VIDNOVA_MAX_UPLOAD_BYTES",
    "EMAIL_BACKEND",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_HOST_PASSWORD_FILE",
    "EMAIL_USE_TLS",
    "DEFAULT_FROM_EMAIL",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "BEHIND_PROXY",
    "LOG_LEVEL",
)

GOOD_SECRET_KEY = secrets.token_urlsafe(64)


def production_env(data_dir: Path, **overrides: str | None) -> dict[str, str]:
    """A complete production environment, changed by ``overrides`` (None removes a variable)."""
    env = {name: value for name, value in os.environ.items() if name not in SETTINGS_VARIABLES}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "vidnova.settings",
            "DEBUG": "false",
            "VIDNOVA_DEMO": "false",
            "VIDNOVA_DATA_DIR": str(data_dir),
            "SECRET_KEY": GOOD_SECRET_KEY,
            "ALLOWED_HOSTS": "vidnova.example.org",
            "CSRF_TRUSTED_ORIGINS": "https://vidnova.example.org",
            "SITE_URL": "https://vidnova.example.org",
            "DEFAULT_FROM_EMAIL": "Vidnova <noreply@vidnova.example.org>",
        }
    )
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def start_django(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_complete_production_environment_starts(tmp_path: Path) -> None:
    result = start_django(production_env(tmp_path))
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        pytest.param({"SECRET_KEY": None}, "SECRET_KEY", id="no secret key in production"),
        pytest.param({"SECRET_KEY": "too-short"}, "SECRET_KEY", id="short secret key"),
        pytest.param(
            {"SECRET_KEY": None, "SECRET_KEY_FILE": "/nonexistent/vidnova-secret"},
            "SECRET_KEY_FILE",
            id="unreadable secret key file",
        ),
        pytest.param({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS", id="no allowed hosts in production"),
        pytest.param({"ALLOWED_HOSTS": " , "}, "ALLOWED_HOSTS", id="empty allowed hosts in production"),
        pytest.param({"DEBUG": "maybe"}, "DEBUG", id="debug not a boolean"),
        pytest.param({"VIDNOVA_DEMO": "sometimes"}, "VIDNOVA_DEMO", id="demo not a boolean"),
        pytest.param({"DATABASE_URL": "mysql://vidnova@localhost/vidnova"}, "DATABASE_URL", id="mysql database"),
        pytest.param({"DATABASE_URL": "nonsense"}, "DATABASE_URL", id="database url without scheme"),
        pytest.param({"DB_CONN_MAX_AGE": "forever"}, "DB_CONN_MAX_AGE", id="connection age not a number"),
        pytest.param({"EMAIL_PORT": "smtp"}, "EMAIL_PORT", id="email port not a number"),
        pytest.param({"DEFAULT_FROM_EMAIL": "Vidnova"}, "DEFAULT_FROM_EMAIL", id="sender without address"),
        pytest.param({"SECURE_SSL_REDIRECT": "perhaps"}, "SECURE_SSL_REDIRECT", id="ssl redirect not a boolean"),
    ],
)
def test_a_bad_environment_refuses_to_start_and_names_the_variable(
    tmp_path: Path, overrides: dict[str, str | None], named: str
) -> None:
    result = start_django(production_env(tmp_path, **overrides))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert named in result.stderr


def test_the_demo_runs_without_a_secret_key_and_keeps_the_generated_one(tmp_path: Path) -> None:
    env = production_env(tmp_path, VIDNOVA_DEMO="true", SECRET_KEY=None, ALLOWED_HOSTS=None)
    assert start_django(env).returncode == 0
    key_file = tmp_path / "secret_key"
    first_key = key_file.read_text(encoding="utf-8")
    assert len(first_key) >= 50
    assert key_file.stat().st_mode & 0o077 == 0  # readable by the owner only
    assert start_django(env).returncode == 0
    assert key_file.read_text(encoding="utf-8") == first_key


def test_the_secret_key_can_come_from_a_file(tmp_path: Path) -> None:
    secret_file = tmp_path / "secret"
    secret_file.write_text(GOOD_SECRET_KEY + "\n", encoding="utf-8")
    result = start_django(production_env(tmp_path, SECRET_KEY=None, SECRET_KEY_FILE=str(secret_file)))
    assert result.returncode == 0, result.stderr


def test_deployment_checks_pass_with_a_production_environment(tmp_path: Path) -> None:
    """``manage.py check --deploy`` reports nothing, not even a warning, for a correct deployment."""
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT_DIR,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
