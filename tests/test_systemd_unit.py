"""The systemd unit the README points deployers to (issue 14, point 5): it runs the bot the
way the quick start does, restarts it after a crash but not after a configuration error
(exit code 2, bot/main.py's EXIT_CONFIG), and reads the settings file."""

from __future__ import annotations

import configparser
from pathlib import Path

from bot.main import EXIT_CONFIG

UNIT = Path(__file__).resolve().parent.parent / "deploy" / "strength-coach.service"


def _unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # keys keep their case
    parser.read(UNIT, encoding="utf-8")
    return parser


def test_the_unit_runs_the_bot_from_the_project_folder_with_its_settings() -> None:
    service = _unit()["Service"]
    folder = service["WorkingDirectory"]
    assert service["ExecStart"] == f"{folder}/.venv/bin/python -m bot"
    assert service["EnvironmentFile"] == f"{folder}/.env"
    assert _unit()["Install"]["WantedBy"] == "multi-user.target"


def test_the_unit_restarts_after_a_crash_but_not_after_a_configuration_error() -> None:
    service = _unit()["Service"]
    assert service["Restart"] == "always"
    assert service["RestartPreventExitStatus"] == str(EXIT_CONFIG)
    assert service["KillSignal"] == "SIGTERM"


def test_the_readme_points_to_the_unit() -> None:
    readme = (UNIT.parent.parent / "README.md").read_text(encoding="utf-8")
    assert "deploy/strength-coach.service" in readme
