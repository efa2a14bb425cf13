"""One polling process per database, and a 409 Conflict from Telegram in one line.

Why: two bots polling one database answer every update twice and, on SQLite, send every
reminder twice. The old SQLite lock (``<path>.lock`` beside the file) let the same file in
under another name (a hard link); PostgreSQL had no lock at all for a second poller; and
a 409 Conflict (another process polling with the same token) was a traceback every few
seconds that never said what was wrong. These run the real ``python -m bot`` where the
property belongs to the whole process.
"""

from __future__ import annotations

import ctypes
import fcntl
import logging
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from telegram.error import Conflict, NetworkError

from bot.settings import Settings
from bot.store.lock import hold_single_instance_lock
from testkit.harness import own_schema
from testkit.stub_bot_api import StubBotAPI
from tests.test_deploy_config import run_bot
from tests.test_process_e2e import REPO_ROOT, BotProcess, bot_env, sqlite_url
from tests.test_reminder_crashes import ReminderBot

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
PASSWORD = "s3cret-Pw-9f2"  # PostgreSQL's trust authentication here accepts any password
SQLITE_LOCK_BYTE = 0x40000000 + 512  # bot.store.lock.INSTANCE_LOCK_BYTE, spelled out


def process_env(stub: StubBotAPI, database_url: str, **extra: str) -> dict[str, str]:
    """``bot_env`` with every setting scrubbed, so the developer's shell cannot leak in."""
    env = bot_env(stub, database_url, LOG_LEVEL="INFO")
    for name in Settings.model_fields:
        if name.upper() not in {"TELEGRAM_BOT_TOKEN", "TELEGRAM_BASE_URL", "DATABASE_URL"}:
            env.pop(name.upper(), None)
    env["LOG_LEVEL"] = "INFO"
    env.update(extra)
    return env


def run_to_exit(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """A ``python -m bot`` expected to stop by itself (a refusal); fails if it keeps running."""
    cwd.mkdir(parents=True, exist_ok=True)
    return run_bot(env, cwd)


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert result.returncode == 2, result.stderr
    return lines[0]


@pytest.fixture
def stub() -> Iterator[StubBotAPI]:
    with StubBotAPI() as server:
        yield server


# ---- SQLite: the same file by any name ------------------------------------------------------


def test_a_second_process_on_the_same_sqlite_file_by_any_name_refuses(
    stub: StubBotAPI, tmp_path: Path
) -> None:
    """Another spelling, a symlink and a hard link all name the running bot's file.

    The old lock file ``<resolved path>.lock`` caught the first two but not the hard
    link: its resolved path differs, so it got a lock file of its own and a second bot
    started on the same data. Meanwhile SQLite itself is undisturbed: another connection
    writes to the file while the bot holds its lock.
    """
    database = tmp_path / "data" / "coach.db"
    first = BotProcess(stub, process_env(stub, sqlite_url(database)), tmp_path)
    try:
        first.start()
        (tmp_path / "links").mkdir()
        os.symlink(database, tmp_path / "links" / "symlink.db")
        os.link(database, tmp_path / "links" / "hardlink.db")
        names = {
            "another spelling": tmp_path / "links" / ".." / "data" / "." / "coach.db",
            "symlink": tmp_path / "links" / "symlink.db",
            "hard link": tmp_path / "links" / "hardlink.db",
        }
        for label, alias in names.items():
            result = run_to_exit(process_env(stub, sqlite_url(alias)), tmp_path / label)
            line = one_line(result)
            assert line.startswith("Another bot process is already using"), (label, line)
            assert "PostgreSQL" in line, line

        # SQLite's own locks are untouched: a writer in another connection gets through.
        with sqlite3.connect(database, timeout=5) as other:
            other.execute("BEGIN IMMEDIATE")
            other.execute("CREATE TABLE deploy_probe (x INTEGER)")
            other.execute("INSERT INTO deploy_probe VALUES (1)")
            other.execute("DROP TABLE deploy_probe")
        assert first.process is not None and first.process.poll() is None, first.tail()
        assert first.terminate() == 0, first.tail()
    finally:
        first.close()


PROBE = """
import sys
from bot.store.lock import AlreadyRunning, hold_single_instance_lock
try:
    hold_single_instance_lock(sys.argv[1])
except AlreadyRunning:
    print("held")
else:
    print("free")
"""


def lock_seen_from_another_process(url: str) -> str:
    """Whether the bot's own lock function, in a fresh process, finds the file locked."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE, url],
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_sqlite_lock_outlives_sqlite_closing_the_file_in_the_same_process(
    tmp_path: Path,
) -> None:
    """The bot opens and closes the file through SQLite right after locking it (the
    migrations' engine is disposed before the bot's own starts); that must not unlock it.

    A plain POSIX fcntl lock would be gone here: POSIX drops all of a process's locks on a
    file when the process closes any descriptor of it (the next test shows it).
    """
    database = tmp_path / "coach.db"
    sqlite3.connect(database).close()
    os.link(database, tmp_path / "alias.db")
    lock = hold_single_instance_lock(sqlite_url(database))
    try:
        own = sqlite3.connect(database)
        own.execute("PRAGMA journal_mode=WAL")
        own.execute("CREATE TABLE IF NOT EXISTS t (x INTEGER)")
        own.commit()
        own.close()
        assert lock_seen_from_another_process(sqlite_url(tmp_path / "alias.db")) == "held"
    finally:
        release = getattr(lock, "release", None)
        if release is not None:
            release()
    assert lock_seen_from_another_process(sqlite_url(tmp_path / "alias.db")) == "free"


class _Flock(ctypes.Structure):
    _fields_ = [
        ("l_type", ctypes.c_short),
        ("l_whence", ctypes.c_short),
        ("l_start", ctypes.c_int64),
        ("l_len", ctypes.c_int64),
        ("l_pid", ctypes.c_int),
    ]


@pytest.mark.skipif(not hasattr(fcntl, "F_OFD_SETLK"), reason="OFD locks are Linux-only")
def test_why_not_a_plain_posix_lock(tmp_path: Path) -> None:
    """The measurement behind bot/store/lock.py's choice of an OFD lock.

    On this kernel, a POSIX byte lock is released when SQLite (same process) closes its own
    descriptor of the file; an OFD lock on the same byte is not. Both are seen by other
    processes, and neither overlaps the bytes SQLite locks.
    """
    database = tmp_path / "coach.db"
    sqlite3.connect(database).close()

    def held_elsewhere() -> bool:
        code = (
            "import fcntl, os, sys, ctypes\n"
            "class F(ctypes.Structure):\n"
            "    _fields_ = [('t', ctypes.c_short), ('w', ctypes.c_short),"
            " ('s', ctypes.c_int64), ('l', ctypes.c_int64), ('p', ctypes.c_int)]\n"
            "fd = os.open(sys.argv[1], os.O_RDWR)\n"
            f"req = bytes(F(fcntl.F_WRLCK, 0, {SQLITE_LOCK_BYTE}, 1, 0))\n"
            "try:\n    fcntl.fcntl(fd, fcntl.F_OFD_SETLK, req)\nexcept OSError:\n"
            "    print('held')\nelse:\n    print('free')\n"
        )
        out = subprocess.run(
            [sys.executable, "-c", code, str(database)], capture_output=True, text=True, check=True
        )
        return out.stdout.strip() == "held"

    request = bytes(_Flock(fcntl.F_WRLCK, os.SEEK_SET, SQLITE_LOCK_BYTE, 1, 0))
    for command, survives in ((fcntl.F_SETLK, False), (fcntl.F_OFD_SETLK, True)):
        fd = os.open(database, os.O_RDWR)
        try:
            fcntl.fcntl(fd, command, request)
            assert held_elsewhere()
            sqlite3.connect(database).close()  # SQLite's own open and close, same process
            assert held_elsewhere() is survives
        finally:
            os.close(fd)


# ---- PostgreSQL: one polling process per database -------------------------------------------


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A schema of this test's own (with a password in the URL that must never be shown)."""
    if not TEST_DATABASE_URL:
        pytest.skip("needs PostgreSQL: set TEST_DATABASE_URL")
    with own_schema(TEST_DATABASE_URL, "deploy_lock") as (base, schema):
        url = base.set(password=PASSWORD).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)


def wait_for_line(bot: BotProcess, text: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while text not in bot.output():
        assert bot.process is not None and bot.process.poll() is None, bot.tail()
        if time.monotonic() > deadline:
            raise AssertionError(f"no {text!r} in the log:\n{bot.tail()}")
        time.sleep(0.1)


def test_a_second_polling_process_on_postgresql_refuses_and_a_sender_starts(
    stub: StubBotAPI, pg_url: str, tmp_path: Path
) -> None:
    """The polling instance holds the advisory lock; a second poller says so in one line
    (no password) and exits 2; a ``POLL_UPDATES=false`` instance starts beside it."""
    (tmp_path / "first").mkdir()
    (tmp_path / "sender").mkdir()
    first = BotProcess(stub, process_env(stub, pg_url), tmp_path / "first")
    sender = ReminderBot(stub, process_env(stub, pg_url, POLL_UPDATES="false"), tmp_path / "sender")
    try:
        first.start()
        result = run_to_exit(process_env(stub, pg_url), tmp_path / "second")
        line = one_line(result)
        assert line.startswith("Another bot process is already polling Telegram"), line
        assert "POLL_UPDATES=false" in line, line
        assert PASSWORD not in result.stdout + result.stderr

        sender.spawn()  # never polls, so no getUpdates to wait for
        wait_for_line(sender, "Bot @coach_test_bot is up")
        assert first.process is not None and first.process.poll() is None, first.tail()
        assert sender.terminate() == 0, sender.tail()
        assert first.terminate() == 0, first.tail()
        assert PASSWORD not in first.output() + sender.output()
    finally:
        sender.close()
        first.close()


def test_the_polling_lock_is_per_database_schema_and_goes_with_its_connection(
    pg_url: str,
) -> None:
    """The lock itself: taken once, refused to a second connection, free again once the
    holder's connection ends; another schema (another bot's data) has its own."""
    from bot.store.lock import AlreadyRunning, lock_polling

    first = lock_polling(pg_url)
    try:
        with pytest.raises(AlreadyRunning) as refused:
            lock_polling(pg_url)
        assert PASSWORD not in str(refused.value)
        other_schema = make_url(pg_url).update_query_dict({"options": "-csearch_path=public"})
        lock_polling(other_schema.render_as_string(hide_password=False)).release()
    finally:
        first.release()
    lock_polling(pg_url).release()


# ---- 409 Conflict: one line a minute, not a traceback a second -----------------------------


def test_a_409_conflict_is_one_error_line_naming_the_cause(
    stub: StubBotAPI, tmp_path: Path
) -> None:
    """Telegram answers getUpdates with 409 while another process polls with the token.

    Three conflicts in a row (PTB retries after 1 s and 1.5 s), then the other process is
    gone: one ERROR line that names the cause, no traceback, and a line when polling works
    again. Before, each conflict went to the error handler as "Error while handling an
    update" with a full traceback.
    """
    stub.fail_next("getUpdates", 409, times=3)
    bot = BotProcess(stub, process_env(stub, sqlite_url(tmp_path / "coach.db")), tmp_path)
    try:
        bot.start()
        stub.wait_for(lambda call: call.method == "getUpdates" and call.ok, timeout=30)
        wait_for_line(bot, "Polling Telegram works again", timeout=10)
        assert bot.terminate() == 0, bot.tail()
    finally:
        bot.close()
    output = bot.output()
    conflicts = [call for call in stub.calls_to("getUpdates") if not call.ok]
    assert len(conflicts) == 3
    assert "Traceback" not in output
    errors = [line for line in output.splitlines() if " ERROR " in line]
    assert len(errors) == 1, errors
    assert "409 Conflict" in errors[0] and "another process" in errors[0], errors[0]
    assert "after 3 failed attempts" in output


def test_poll_errors_are_logged_once_a_minute_while_they_last(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The error_callback with a fake clock: a conflict every second for three minutes is
    three lines; another kind of failure is reported at once; after a success, the next
    conflict is news again."""
    from bot.health import Health, PollErrorLog

    now = [0.0]
    health = Health(monotonic=lambda: now[0])
    on_error = PollErrorLog(health)
    conflict = Conflict("Conflict: terminated by other getUpdates request")
    with caplog.at_level(logging.INFO, logger="bot.watchdog"):
        for second in range(180):
            now[0] = float(second)
            on_error(conflict)
        errors = [r for r in caplog.records if r.levelno == logging.ERROR]
        assert len(errors) == 3
        assert all("409 Conflict" in r.getMessage() for r in errors)
        assert "180 failed attempts" not in errors[-1].getMessage()
        assert "121 failed attempts" in errors[-1].getMessage()

        now[0] = 180.5
        on_error(NetworkError("Bad Gateway"))  # a different failure: said at once
        assert "NetworkError: Bad Gateway" in caplog.records[-1].getMessage()

        caplog.clear()
        now[0] = 200.0
        health.poll_succeeded()
        assert [r.levelno for r in caplog.records] == [logging.INFO]
        assert "after 181 failed attempts in 200 s" in caplog.records[0].getMessage()

        now[0] = 210.0
        on_error(conflict)  # a new run of conflicts: reported at once
        assert [r.levelno for r in caplog.records] == [logging.INFO, logging.ERROR]
        assert "1 failed attempt so far" in caplog.records[-1].getMessage()
