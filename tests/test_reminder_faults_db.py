"""A database fault after Telegram accepted a reminder does not send it again.

Real faults, not mocks: on SQLite a second connection to the same file holds the write
lock (``BEGIN IMMEDIATE``) for a moment, with the bot's busy timeout cut from 5 s to
0.1 s so the test stays short (the bot's writes then fail with "database is locked",
as they do after 5 s in production); on PostgreSQL a separate connection locks the
reminders table and terminates the bot's backends while their writes wait for it (what a
failover or an administrator's ``pg_terminate_backend`` does).

The fault starts inside a send: the stub's sendMessage handler has just accepted a
reminder when it takes the lock, so at least that reminder's "sent" meets the fault.
Before the fix its row stayed ``sending`` and went out again after the lease (2-5
duplicates per 100 runners).

On SQLite the bot sends with one sender here: with eight, one of the others nearly
always holds the write lock at that moment (its statement runs in the driver's thread
while the handler runs), SQLite has no queue to wait in, and waiting would block the
event loop that must finish that write. PostgreSQL queues the lock request, so there
the eight senders of the default setting run.
"""

from __future__ import annotations

import itertools
import logging
import secrets
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from sqlalchemy.engine import make_url

import bot.store.db as db_module
from bot.store.db import SessionFactory
from testkit.harness import BotHarness, FakeClock, fresh_sessions
from testkit.stub_bot_api import StubBotAPI
from tests.test_reminder_faults_outage import NOW, reminded, seed, statuses

RUNNERS = 100
FAULT_AT_SEND = 30  # the fault starts while the 30th reminder is being accepted
# The SQLite lock is held until the bot has failed to write down a delivered reminder's
# result once (and 0.2 s more), at most this long: on a busy machine the sender whose
# send started the fault can queue longer than a fixed second for the one connection.
MAX_LOCK_SECONDS = 3.0
RECORD_FAILED = "Could not write down a reminder's result"
BUSY_TIMEOUT_MS = 100


@pytest.fixture(autouse=True)
def short_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bot's SQLite busy timeout, 5 s in production: 0.1 s, so a lock of one second
    is a fault the bot sees (read when the engine connects, which is after this)."""
    monkeypatch.setattr(db_module, "SQLITE_BUSY_TIMEOUT_MS", BUSY_TIMEOUT_MS)


@pytest.fixture
def app_name() -> str:
    """PostgreSQL's application_name for the bot's connections: the fault terminates
    these and no others (other test runs may share the server)."""
    return f"reminder_faults_{secrets.token_hex(4)}"


@pytest.fixture
async def fault_sessions(db_url: str, app_name: str) -> AsyncIterator[SessionFactory]:
    """conftest's ``sessions``, with the bot's PostgreSQL connections named."""
    url = db_url
    if make_url(db_url).get_backend_name() == "postgresql":
        named = make_url(db_url).update_query_dict({"application_name": app_name})
        url = named.render_as_string(hide_password=False)
    async with fresh_sessions(url) as factory:
        yield factory


class Seen(logging.Handler):
    """Sets ``event`` once a log record of the bot says ``words``."""

    def __init__(self, words: str) -> None:
        super().__init__()
        self.words = words
        self.event = threading.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if self.words in record.getMessage():
            self.event.set()


class SqliteWriteLock:
    """Another process's writer: holds the database's write lock until ``evidence`` is
    set (or MAX_LOCK_SECONDS), then 0.2 s more."""

    def __init__(self, path: str, evidence: threading.Event) -> None:
        self.path = path
        self.evidence = evidence
        self.released = threading.Event()

    def try_start(self) -> bool:
        """Take the lock now, or False if the bot is in the middle of a write (waiting
        for it here would block the event loop the bot needs to finish it)."""
        connection = sqlite3.connect(
            self.path, timeout=0, isolation_level=None, check_same_thread=False
        )
        try:
            connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            connection.close()
            return False

        def release() -> None:
            self.evidence.wait(timeout=MAX_LOCK_SECONDS)
            time.sleep(0.2)
            connection.execute("ROLLBACK")
            connection.close()
            self.released.set()

        threading.Thread(target=release, daemon=True).start()
        return True


class PostgresTermination:
    """Locks the reminders table, then terminates the bot's backends waiting for it, then
    lets go: the bot's writes in flight fail with "terminating connection due to
    administrator command", as in a failover."""

    def __init__(self, db_url: str, app_name: str) -> None:
        import psycopg

        parsed = make_url(db_url)
        conninfo = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
        self.app_name = app_name
        self.locker = psycopg.connect(conninfo)
        self.locker_pid = self.locker.info.backend_pid
        self.admin = psycopg.connect(conninfo, autocommit=True)
        self.terminated = 0
        self.released = threading.Event()

    def try_start(self) -> bool:
        """Ask for the lock, and return once it is held or queued: a bot write that
        comes after it then waits behind it (PostgreSQL grants conflicting locks in
        order). Waiting here for the lock itself could wait for a bot transaction that
        needs this event loop to finish."""
        threading.Thread(target=self._lock_terminate_release, daemon=True).start()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            state = self.admin.execute(
                "SELECT state, wait_event_type FROM pg_stat_activity WHERE pid = %s",
                (self.locker_pid,),
            ).fetchone()
            if state is not None and (state[1] == "Lock" or state[0] == "idle in transaction"):
                return True
            time.sleep(0.001)
        raise AssertionError("the lock was neither granted nor queued")

    def _bot_backends(self, condition: str) -> list[int]:
        rows = self.admin.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s AND " + condition,
            (self.app_name,),
        ).fetchall()
        return [pid for (pid,) in rows]

    def _lock_terminate_release(self) -> None:
        self.locker.execute("LOCK TABLE reminders IN EXCLUSIVE MODE")
        deadline = time.monotonic() + 5
        while not self._bot_backends("wait_event_type = 'Lock'"):
            if time.monotonic() > deadline:
                break
            time.sleep(0.01)
        for pid in self._bot_backends("true"):
            self.admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
            self.terminated += 1
        time.sleep(0.2)
        self.locker.rollback()
        self.released.set()

    def close(self) -> None:
        self.locker.close()
        self.admin.close()


class AcceptingThenFaulting:
    """sendMessage: accept every reminder; from the ``at``-th on, try to start the
    database fault right after accepting one, until it has started once."""

    def __init__(self, at: int, start_fault: Callable[[], bool]) -> None:
        self.at = at
        self.start_fault = start_fault
        self.accepted = 0
        self.fault_started_after: int | None = None
        self._ids = itertools.count(1000)

    def __call__(self, params: dict[str, Any]) -> dict[str, Any]:
        self.accepted += 1
        if self.accepted >= self.at and self.fault_started_after is None and self.start_fault():
            self.fault_started_after = self.accepted
        return {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": {"id": int(params["chat_id"]), "type": "private", "first_name": "Runner"},
            "text": params["text"],
        }


async def run_fan_out_through_the_fault(
    bot: BotHarness, clock: FakeClock, handler: AcceptingThenFaulting, released: threading.Event
) -> list[Any]:
    """The fan-out tick, then ticks after the lease and the retry waits are over, as the
    minutes go on. A tick of the old code raised when a sender died: noted, and on."""
    bot.stub.register("sendMessage", handler)
    lease = bot.deps.settings.reminder_lease_seconds
    outcomes: list[Any] = []
    for _ in range(3):
        try:
            outcomes.append(await bot.tick())
        except Exception as exc:  # the old code's tick: a sender died of the fault
            outcomes.append(exc)
        assert handler.fault_started_after is not None, "the fault never started"
        released.wait(timeout=10)
        clock.advance(seconds=lease + 1)
    return outcomes


async def test_a_write_lock_after_a_send_neither_doubles_nor_loses_a_reminder(
    stub: StubBotAPI,
    fault_sessions: SessionFactory,
    clock: FakeClock,
    db_url: str,
    app_name: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """100 runners due; while the 30th reminder is being accepted the database stops
    taking writes for a moment (SQLite: another writer holds the lock;
    PostgreSQL: the bot's connections are terminated while they wait on a lock). Every
    runner gets the reminder exactly once, every row ends ``sent``, nothing is logged
    as a possible duplicate — and the fault did meet a delivered reminder's record."""
    clock.set(NOW)
    sqlite = make_url(db_url).get_backend_name() == "sqlite"
    overrides = {"send_concurrency": 1} if sqlite else {}
    bot = BotHarness(stub=stub, sessions=fault_sessions, clock=clock, settings_overrides=overrides)
    await bot.start()
    # Seeded after the start: the start-up's preview backfill would otherwise hold these
    # runners (FOR UPDATE) while the first tick looks for them, and it would skip them.
    chats = await seed(fault_sessions, RUNNERS)
    seen = Seen(RECORD_FAILED)
    fault: SqliteWriteLock | PostgresTermination
    if sqlite:
        fault = SqliteWriteLock(str(make_url(db_url).database), seen.event)
    else:
        fault = PostgresTermination(db_url, app_name)
    handler = AcceptingThenFaulting(FAULT_AT_SEND, fault.try_start)
    logger = logging.getLogger("bot.jobs.reminders")
    logger.addHandler(seen)
    try:
        with caplog.at_level(logging.WARNING, logger="bot.jobs.reminders"):
            outcomes = await run_fan_out_through_the_fault(bot, clock, handler, fault.released)
    finally:
        logger.removeHandler(seen)
        await bot.stop()
        if isinstance(fault, PostgresTermination):
            fault.close()

    got = reminded(stub)
    assert [chat for chat, n in got.items() if n > 1] == [], "sent twice"
    assert set(got) == set(chats), f"lost: {sorted(set(chats) - set(got))}"
    assert await statuses(fault_sessions) == {"sent": RUNNERS}
    reports = [outcome for outcome in outcomes if not isinstance(outcome, Exception)]
    assert sum(report.possible_duplicates for report in reports) == 0
    assert RECORD_FAILED in caplog.text  # the fault did meet a delivered reminder's record
    if isinstance(fault, PostgresTermination):
        assert fault.terminated > 0
