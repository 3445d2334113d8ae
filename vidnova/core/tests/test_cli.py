"""The ``vidnova`` operator command (pyproject [project.scripts])."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from vidnova import cli

PROJECT_DIR = Path(__file__).resolve().parents[3]


def test_without_arguments_it_prints_the_usage(capsys: pytest.CaptureFixture[str]) -> None:
    cli.main([])
    output = capsys.readouterr().out
    assert output.startswith("vidnova: the Vidnova operator command")
    for command in ("load-registry", "create-demo", "serve", "worker"):
        assert f"vidnova {command}" in output


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_flag_prints_the_usage(capsys: pytest.CaptureFixture[str], flag: str) -> None:
    cli.main([flag])
    assert "Usage: vidnova COMMAND" in capsys.readouterr().out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    cli.main(["--version"])
    assert capsys.readouterr().out.startswith("vidnova ")


@pytest.mark.parametrize(
    ("args", "command_lines"),
    [
        (["load-registry"], [["load_registry"]]),
        (["create-demo"], [["create_demo"]]),
        (["worker", "--queue-name", "default"], [["db_worker", "--queue-name", "default"]]),
        (["serve"], [["migrate", "--no-input"], ["createcachetable"], ["runserver", "127.0.0.1:8000"]]),
        (["serve", "0.0.0.0:9000"], [["migrate", "--no-input"], ["createcachetable"], ["runserver", "0.0.0.0:9000"]]),
        (["serve", "--help"], [["help", "runserver"]]),
        (["help"], [["help"]]),
        (["help", "load-registry"], [["help", "load_registry"]]),
        (["migrate", "--plan"], [["migrate", "--plan"]]),
    ],
)
def test_shortcuts_map_to_management_commands(args: list[str], command_lines: list[list[str]]) -> None:
    assert cli.translate(args) == command_lines


def test_other_commands_pass_through_to_manage_py(capsys: pytest.CaptureFixture[str]) -> None:
    cli.main(["check"])
    assert "System check identified" in capsys.readouterr().out


def test_a_failing_command_exits_non_zero() -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["no-such-command"])
    assert exit_info.value.code != 0


def test_the_installed_entry_point_runs() -> None:
    """``python -m vidnova.cli`` is what the console script calls."""
    result = subprocess.run(
        [sys.executable, "-m", "vidnova.cli", "--help"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "vidnova load-registry" in result.stdout
