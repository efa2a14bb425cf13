"""``strength-coach backup`` beside a running ``python -m bot``, ``restore`` refused while it runs.

Real processes, as a deployer runs them: the bot polls the stub Bot API over HTTP and
sends its reminders; ``python -m bot backup PATH`` runs beside it (a cron job), and
``python -m bot restore PATH`` refuses while the bot holds its lock (SQLite: the file
lock; PostgreSQL: the polling lock). Stopped, the restore goes through and the bot
starts again from the backup without sending the day's reminders a second time.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from testkit.harness import own_schema
from testkit.stub_bot_api import StubBotAPI
from tests.test_process_e2e import REPO_ROOT, SETTINGS_VARS, sqlite_url
from tests.test_reminder_crashes import (
    SETTLE_SECONDS,
    Database,
    Launch,
    due_runners,
    everyone_reminded,
    launch,  # noqa: F401  (a fixture)
    reminders_per_chat,
    stub,  # noqa: F401  (a fixture)
    wait_until,
)

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
PASSWORD = "not-for-the-eyes-of-logs"


def command(database_url: str, *argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``python -m bot <argv>`` with only DATABASE_URL set (no token: none is needed)."""
    env = {key: value for key, value in os.environ.items() if key.upper() not in SETTINGS_VARS}
    env.update(PYTHONPATH=str(REPO_ROOT), DATABASE_URL=database_url)
    return subprocess.run(
        [sys.executable, "-m", "bot", *argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        found = Database(sqlite_url(tmp_path / "coach.db"))
        yield found
        found.close()
        return
    if not TEST_DATABASE_URL:
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL")
    with own_schema(TEST_DATABASE_URL, "backup_process") as (base, schema):
        # A password the local server does not ask for: it must show up nowhere.
        url = base.set(password=PASSWORD).update_query_dict({"options": f"-csearch_path={schema}"})
        found = Database(url.render_as_string(hide_password=False))
        yield found
        found.close()


def test_backup_beside_the_running_bot_and_restore_only_once_it_stopped(
    stub: StubBotAPI,  # noqa: F811
    launch: Launch,  # noqa: F811
    database: Database,
    tmp_path: Path,
) -> None:
    runners = due_runners(12)
    chats = {runner.chat_id for runner in runners}
    database.seed(runners)
    running = launch("running", database.url)
    running.start()
    wait_until(
        lambda: everyone_reminded(stub, chats) and database.all_sent(chats),
        "every runner to be reminded",
        running,
    )

    backup = tmp_path / "coach.backup"
    made = command(database.url, "backup", str(backup), cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert "Backed up" in made.stdout and backup.is_file()

    refused = command(database.url, "restore", str(backup), cwd=tmp_path)
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert refused.stderr.count("\n") == 1, refused.stderr
    assert "Refusing to restore while the bot runs" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert not list(tmp_path.glob("**/*before-restore*")), "a refused restore changed nothing"
    assert running.exited() is None, "the bot goes on"
    assert running.terminate() == 0

    restored = command(database.url, "restore", str(backup), cwd=tmp_path)
    assert restored.returncode == 0, restored.stderr
    assert "Restored" in restored.stdout
    for said in (made, refused, restored):
        assert PASSWORD not in said.stdout + said.stderr

    again = launch("restored", database.url)
    again.start()  # lock free, migrations at head: it polls
    time.sleep(3 * SETTLE_SECONDS)  # a few ticks: a second send would show up now
    assert again.exited() is None, again.tail()
    again.kill()
    assert reminders_per_chat(stub) == Counter(dict.fromkeys(chats, 1))
    assert database.statuses() == {"sent": len(chats)}
    assert PASSWORD not in running.output() + again.output()
