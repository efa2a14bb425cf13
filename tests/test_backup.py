"""A backup taken in the middle of a reminder fan-out, restored into a bot that starts from it.

What "sent twice" can mean after a restore, exactly (README "Backup and restore"):

* A backup is the database at one instant. Rows the original bot had recorded ``sent``
  are never sent again; rows still ``ready`` (and runners not yet due) are sent by the
  restored bot; rows ``sending`` — in flight at the backup, possibly delivered — are sent
  again after REMINDER_LEASE_SECONDS, each logged as a possible duplicate, because the
  backup cannot know whether Telegram took them. That is the only duplicate the restored
  bot makes, *provided the original stopped at the backup* (it died, which is why one
  restores).
* If the original went on sending after the backup (its disk lost later), whatever it
  sent after the backup's instant is ``ready`` or ``sending`` in the backup and is sent
  again while the catch-up rule still allows (same local day, REMINDER_CATCHUP_HOURS):
  restoring an older backup onto a deployment that ran past it repeats that stretch. The
  recipe therefore says: stop the bot, restore, start it; never restore under a running
  one — the command refuses while the bot holds its lock.

The fan-out here: ``SEND_CONCURRENCY`` = 4, runners in three groups by reminder time — S
(earliest, sent before the pause), H (next: four sends held at the stub with ``hold``, so
all four senders are stuck in flight) and R (ready, not yet taken) — plus N (due an hour
later, not planned yet). The backup is taken while the senders hang; then the original
"dies" (its tick cancelled, the held sends released: Telegram accepted them, the bot never
recorded them), the backup is restored into a second database and a second bot starts
from it, with the stub counting every reminder across both bots.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import col, select

from bot import backup as backups
from bot.coach.schedule import local_instant
from bot.coach.week import Equipment, Experience, RunnerWeek
from bot.jobs import reminders as reminder_job
from bot.settings import async_database_url
from bot.store.db import SessionFactory, make_engine, make_session_factory, migrate, transaction
from bot.store.lock import lock_polling, lock_sqlite_file
from bot.store.models import Reminder, Runner
from bot.store.runners import week_columns
from testkit.harness import BotHarness, FakeClock
from testkit.stub_bot_api import StubBotAPI
from tests.test_process_e2e import T, long_run_making_today_a_strength_day

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
REMINDER_INTRO = T("misc.reminder_intro")
BERLIN = ZoneInfo("Europe/Berlin")
#: Thursday 26 November 2026, 07:00 in Berlin.
START = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)
CONCURRENCY = 4
LEASE_SECONDS = 120
#: Groups of runners by chat id: sent before the pause, held in flight, ready, not yet due.
SENT = range(1000, 1006)
HELD = range(2000, 2000 + CONCURRENCY)
READY = range(3000, 3008)
LATER = range(4000, 4003)
#: Their local reminder times (each group due after the one before).
TIMES = {
    SENT: clock_time(6, 50),
    HELD: clock_time(6, 55),
    READY: clock_time(7, 0),
    LATER: clock_time(8, 0),
}
WAIT_SECONDS = 20.0


def runner(chat_id: int, at: clock_time, now: datetime) -> Runner:
    """An onboarded runner in Berlin whose Thursday is a strength day, due at ``at``."""
    day = now.astimezone(BERLIN).date()
    long_run, _ = long_run_making_today_a_strength_day(day)
    week = RunnerWeek(
        run_days=frozenset(range(7)),
        long_run_day=long_run,
        experience=Experience.NEW,
        equipment=Equipment.DUMBBELLS,
        pull_up_bar=True,
        sessions_per_week=3,
        reminder_time=at,
        timezone="Europe/Berlin",
    )
    return Runner(
        chat_id=chat_id,
        first_name="Runner",
        onboarded=True,
        next_reminder_utc=local_instant(day, at, BERLIN),
        # Sunday's preview, as onboarding sets it: with none, the start-up backfill would
        # write these rows beside the first tick.
        next_preview_utc=local_instant(day + timedelta(days=3), clock_time(18), BERLIN),
        created_at=now,
        updated_at=now,
        **week_columns(week),
    )


def every_runner(now: datetime) -> list[Runner]:
    return [runner(chat, at, now) for group, at in TIMES.items() for chat in group]


def reminders_per_chat(stub: StubBotAPI) -> Counter[int]:
    """Reminders Telegram accepted, per chat (the stub records a held call once released)."""
    return Counter(
        int(call.chat_id)  # type: ignore[arg-type]
        for call in stub.calls_to("sendMessage")
        if call.ok and str(call.params.get("text", "")).startswith(REMINDER_INTRO)
    )


async def statuses(sessions: SessionFactory) -> dict[int, str]:
    async with transaction(sessions) as session:
        rows = (await session.exec(select(Reminder).where(col(Reminder.kind) == "daily"))).all()
        return {row.chat_id: row.status for row in rows}


async def wait_for_statuses(
    sessions: SessionFactory, wanted: dict[int, str], tick: asyncio.Task[object]
) -> None:
    """Poll the original's database (with a deadline) until the fan-out stands still."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        found = await statuses(sessions)
        if all(found.get(chat) == status for chat, status in wanted.items()):
            return
        if tick.done():
            raise AssertionError(f"the tick ended before the pause: {tick.result()}; {found}")
        if time.monotonic() > deadline:
            raise AssertionError(f"the fan-out did not reach {wanted}; it is at {found}")
        await asyncio.sleep(0.01)


def held_at_the_stub(stub: StubBotAPI, chat: int, arrived: set[int]) -> threading.Event:
    """``stub.hold`` for one chat's sendMessage, noting in ``arrived`` when the bot's
    request has reached the stub and waits there (the stub waits on the returned event)."""
    gate = stub.hold("sendMessage", chat_id=chat)
    real_wait = gate.wait

    def wait(timeout: float | None = None) -> bool:
        arrived.add(chat)
        return real_wait(timeout)

    gate.wait = wait  # type: ignore[method-assign]  # the stub calls gate.wait()
    return gate


async def wait_until(condition: Callable[[], bool], what: str, tick: asyncio.Task[object]) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if tick.done():
            raise AssertionError(f"the tick ended before {what}: {tick.result()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)


# ---- databases ------------------------------------------------------------------------------


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param(
            "postgresql",
            id="postgresql",
            marks=pytest.mark.skipif(
                not TEST_DATABASE_URL, reason="PostgreSQL tests need TEST_DATABASE_URL"
            ),
        ),
    ]
)
def two_databases(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """(the original's database, an empty one to restore into), each a database of its own.

    On PostgreSQL two databases with one schema name, as a host would restore into a new
    server: a backup holds the coach's tables in the schema it was taken from.
    """
    if request.param == "sqlite":
        yield (
            f"sqlite+aiosqlite:///{tmp_path / 'coach.db'}",
            f"sqlite+aiosqlite:///{tmp_path / 'restored' / 'coach.db'}",
        )
        return
    with two_postgres_databases() as pair:
        yield pair


@contextmanager
def two_postgres_databases() -> Iterator[tuple[str, str]]:
    """Two new databases on TEST_DATABASE_URL's server, with one schema name; dropped after."""
    import psycopg

    assert TEST_DATABASE_URL
    base = make_url(async_database_url(TEST_DATABASE_URL))
    admin = base.set(drivername="postgresql").render_as_string(hide_password=False)
    tag = f"{os.getpid()}_{secrets.token_hex(3)}"
    names = [f"backup_src_{tag}", f"backup_dst_{tag}"]
    schema = f"coach_{tag}"
    urls = []
    with psycopg.connect(admin, autocommit=True) as connection:
        for name in names:
            connection.execute(f'CREATE DATABASE "{name}"')
    try:
        for name in names:
            one = base.set(database=name)
            plain = one.set(drivername="postgresql").render_as_string(hide_password=False)
            with psycopg.connect(plain, autocommit=True) as connection:
                connection.execute(f'CREATE SCHEMA "{schema}"')
            url = one.update_query_dict({"options": f"-csearch_path={schema}"})
            urls.append(url.render_as_string(hide_password=False))
        yield urls[0], urls[1]
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            for name in names:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
async def original(two_databases: tuple[str, str]) -> AsyncIterator[SessionFactory]:
    engine = make_engine(two_databases[0])
    await migrate(engine)
    try:
        yield make_session_factory(engine)
    finally:
        await engine.dispose()


def lock_is_free(url: str) -> bool:
    """The restored database is not held by anything: the bot's own lock can be taken."""
    take = lock_sqlite_file if url.startswith("sqlite") else lock_polling
    lock = take(url)
    if lock is not None:
        lock.release()
    return True


async def head_revision_of(sessions: SessionFactory) -> str:
    async with transaction(sessions) as session:
        found = await session.connection()
        return str((await found.execute(text("SELECT version_num FROM alembic_version"))).scalar())


# ---- THE test -------------------------------------------------------------------------------


@pytest.mark.parametrize("original_went_on", [False, True], ids=["original-died", "went-on"])
async def test_a_backup_mid_fan_out_restores_into_a_bot_that_sends_only_the_in_flight_again(
    original_went_on: bool,
    two_databases: tuple[str, str],
    original: SessionFactory,
    stub: StubBotAPI,
    tmp_path: Path,
) -> None:
    """original-died: the promise (once each; the 4 in flight twice, as possible
    duplicates). went-on: the hazard the recipe names — the original finished its fan-out
    after the backup, so the restored bot sends the 8 ready ones a second time too."""
    source_url, target_url = two_databases
    clock = FakeClock(START)
    async with transaction(original) as session:
        session.add_all(every_runner(START))
    settings = {"send_concurrency": CONCURRENCY, "reminder_lease_seconds": LEASE_SECONDS}
    first = BotHarness(stub=stub, sessions=original, clock=clock, settings_overrides=settings)
    await first.start()
    arrived: set[int] = set()
    gates = [held_at_the_stub(stub, chat, arrived) for chat in HELD]
    tick = asyncio.create_task(first.tick())
    try:
        # S sent and recorded, every sender hanging on an H send, R waiting its turn.
        await wait_for_statuses(
            original,
            {
                **dict.fromkeys(SENT, "sent"),
                **dict.fromkeys(HELD, "sending"),
                **dict.fromkeys(READY, "ready"),
            },
            tick,
        )
        # A row is "sending" from its reservation on; wait until each request is out.
        await wait_until(lambda: arrived == set(HELD), "the four held requests", tick)
        assert reminders_per_chat(stub) == Counter(dict.fromkeys(SENT, 1))

        archive = tmp_path / "backups"
        archive.mkdir()
        said = await asyncio.to_thread(backups.backup, source_url, archive)
        (path,) = archive.iterdir()
        assert f"to {path}" in said and "schema revision" in said
    finally:
        # original-died: the original dies mid-send, its tick is gone, and the four
        # requests it had made reach Telegram afterwards (delivered, never recorded).
        # went-on: it records them and sends the ready ones, after the backup.
        if not original_went_on:
            tick.cancel()
        for gate in gates:
            gate.set()
        await asyncio.gather(tick, return_exceptions=True)
        await first.stop()
        # What dies with a process: its set of rows in hand (the restored bot below runs
        # in this same Python process, and the restored rows keep their ids).
        reminder_job._BUSY.clear()
    for chat in HELD:
        stub.wait_for("sendMessage", timeout=WAIT_SECONDS, chat_id=chat)
    by_the_original = [*SENT, *HELD, *READY] if original_went_on else [*SENT, *HELD]
    assert reminders_per_chat(stub) == Counter(dict.fromkeys(by_the_original, 1))

    said = await asyncio.to_thread(backups.restore, target_url, path)
    assert "Restored" in said and "possible duplicates" in said

    # The restored bot starts as `python -m bot` would: lock free, migrations to head.
    assert lock_is_free(target_url)
    engine = make_engine(target_url)
    await migrate(engine)
    restored = make_session_factory(engine)
    try:
        assert await head_revision_of(restored) == backups.migration_head()
        assert await statuses(restored) == {
            **dict.fromkeys(SENT, "sent"),
            **dict.fromkeys(HELD, "sending"),
            **dict.fromkeys(READY, "ready"),
        }
        second = BotHarness(stub=stub, sessions=restored, clock=clock, settings_overrides=settings)
        await second.start()
        try:
            clock.advance(seconds=30)
            report = await second.tick()
            assert (report.sent, report.possible_duplicates) == (len(READY), 0)
            clock.advance(seconds=LEASE_SECONDS)
            report = await second.tick()
            assert (report.sent, report.possible_duplicates) == (len(HELD), len(HELD))
            clock.set(START + timedelta(hours=1))
            report = await second.tick()
            assert (report.sent, report.possible_duplicates) == (len(LATER), 0)
            clock.advance(hours=2)
            assert (await second.tick()).sent == 0
        finally:
            await second.stop()
    finally:
        await engine.dispose()

    expected = Counter(dict.fromkeys([*SENT, *HELD, *READY, *LATER], 1))
    again = [*HELD, *READY] if original_went_on else HELD
    for chat in again:  # the rows in flight at the backup (and what was sent after it)
        expected[chat] = 2
    assert reminders_per_chat(stub) == expected
    assert stub.errors == []
