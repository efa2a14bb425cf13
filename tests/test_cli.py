"""``strength-coach``'s command line: a wrong command or option is named before the usage
(the usage alone left the person to guess which word was wrong), and the backup and
restore summaries count runners in good English."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main as cli
from tests.test_backup_refusals import coach_file


@pytest.mark.parametrize(
    ("argv", "first_line"),
    [
        (["foo"], "unknown command: foo"),
        (["run", "now"], "run takes no arguments, got: now"),
        (["demo", "--dri", "x"], "unknown option for demo: --dri"),
        (["demo", "--dir"], "--dir needs a FOLDER"),
        (["backup", "a", "b"], "backup takes one PATH, got 2"),
        (["backup"], "backup takes one PATH, got 0"),
        (["restore", "a", "b", "c"], "restore takes one PATH, got 3"),
    ],
)
def test_a_wrong_command_or_option_is_named_before_the_usage(
    argv: list[str], first_line: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(argv) == 2
    out, err = capsys.readouterr()
    assert not out
    lines = err.splitlines()
    assert lines[0] == first_line, err
    assert lines[1].startswith("usage: strength-coach"), err


def test_the_backup_and_restore_summaries_say_1_runner(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "data").mkdir()
    database = coach_file(tmp_path / "data" / "coach.db")  # one runner
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{database}")
    assert cli(["backup", str(tmp_path / "b.db")]) == 0
    out, _ = capsys.readouterr()
    assert "1 runner)" in out and "1 runners" not in out, out
    assert cli(["restore", str(tmp_path / "b.db")]) == 0
    out, _ = capsys.readouterr()
    assert "1 runner)" in out and "1 runners" not in out, out
