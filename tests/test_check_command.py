"""``python -m testkit.check``: the steps in order, pytest last with the arguments given,
and a stop at the first failure that names the step."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from testkit import check


def recorder(codes: dict[str, int]) -> tuple[list[list[str]], check.Runner]:
    commands: list[list[str]] = []

    def run(command: list[str], cwd: Path) -> int:
        assert (cwd / "pyproject.toml").is_file()
        commands.append(command)
        return codes.get(command[2], 0)

    return commands, run


def test_every_step_runs_in_order_with_pytest_last_and_its_arguments(
    capsys: pytest.CaptureFixture[str],
) -> None:
    commands, run = recorder({})
    assert check.main(["-x", "-k", "reminder"], run=run) == 0
    assert [c[:2] for c in commands] == [[sys.executable, "-m"]] * 4
    assert [c[2:] for c in commands] == [
        ["ruff", "check", "."],
        ["ruff", "format", "--check", "."],
        ["mypy"],
        ["pytest", "-n", "auto", "-x", "-k", "reminder"],
    ]
    assert "all 4 checks passed" in capsys.readouterr().out


def test_a_leading_double_dash_is_not_passed_to_pytest() -> None:
    commands, run = recorder({})
    assert check.main(["--", "-q"], run=run) == 0
    assert commands[-1][2:] == ["pytest", "-n", "auto", "-q"]


@pytest.mark.parametrize(
    "given",
    [["-n", "1"], ["-n2"], ["--numprocesses=3"], ["-p", "no:xdist"], ["-p", "no:xdist", "-x"]],
)
def test_the_callers_choice_of_workers_stands(given: list[str]) -> None:
    commands, run = recorder({})
    assert check.main(given, run=run) == 0
    assert commands[-1][2:] == ["pytest", *given]


def test_the_first_failing_step_stops_the_check_and_is_named(
    capsys: pytest.CaptureFixture[str],
) -> None:
    commands, run = recorder({"mypy": 1})
    assert check.main([], run=run) == 1
    assert [c[2] for c in commands] == ["ruff", "ruff", "mypy"]  # pytest never started
    assert "FAILED at step 3/4: mypy (exit 1)" in capsys.readouterr().out


def test_a_step_killed_by_a_signal_fails_the_check() -> None:
    _, run = recorder({"pytest": -9})
    assert check.main([], run=run) == 1
