"""Crash safety and several instances of the reminder sender, with the real ``python -m bot``.

Why processes: the in-process tests drive the tick with a fake clock and cannot show what a
SIGKILL between two database writes leaves behind, nor that two real instances share the
work without sending twice. Here the shipped entry point runs against a real database
(an SQLite file, or PostgreSQL for the two-instance test) and the stub Bot API, and
``bot.failpoints`` makes the process SIGKILL itself at the exact points that matter:

* ``after_plan``: rows are written ``ready``, nothing is sent yet;
* ``after_send``: a message was delivered, its row still says ``sending``;
* ``after_record:N``: the N-th row was recorded, the rest of its batch still ``sending``.

The promise checked after every restart: each runner gets the day's reminder exactly
once, except a runner whose message went out just before the crash and whose row was not
yet recorded — that one may get it twice, and the bot must count it in its log as a
"possible duplicate". Nothing is ever lost.

Runners are seeded straight into the database (no onboarding chat), due a few minutes ago
by the real wall clock, in time zones where it is now daytime so the local date cannot
change while a test runs; each one's week is chosen so that today is a strength day.
"""

from __future__ import annotations

import asyncio
import os
import re
import secrets
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool
from sqlmodel import Session, col, select

from bot.coach.plan import plan_for_date
from bot.coach.schedule import local_instant
from bot.coach.week import Equipment, Experience, RunnerWeek
from bot.settings import async_database_url
from bot.store.db import make_engine, migrate
from bot.store.models import Reminder, Runner
from bot.store.runners import week_columns
from testkit.stub_bot_api import StubBotAPI
from tests.test_process_e2e import (
    START_TIMEOUT,
    BotProcess,
    T,
    bot_env,
    long_run_making_today_a_strength_day,
    sqlite_url,
)

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")

REMINDER_INTRO = T("misc.reminder_intro")
TICK_SECONDS = 0.5
LEASE_SECONDS = 2.0
#: Ticks to keep watching after everything was delivered, so a late second send shows up.
SETTLE_SECONDS = 2 * TICK_SECONDS
DELIVERY_TIMEOUT = 30.0
STUB_LATENCY = 0.02  # seconds per sendMessage: makes a fan-out take long enough to cut

#: Settings the bot reads that ``bot_env`` does not scrub; a developer's shell must not
#: change what these tests run against (a stray COACH_FAILPOINT would be fatal).
EXTRA_SETTINGS = frozenset(
    {
        "COACH_FAILPOINT",
        "REMINDER_LEASE_SECONDS",
        "SEND_CONCURRENCY",
        "SEND_RATE_LIMIT",
        "POLL_UPDATES",
        "EVENING_CHECKIN_TIME",
        "WATCHDOG_STALL_SECONDS",
    }
)

#: Real zones spread over the day (UTC+14 … UTC-11), so some of them are always in daytime.
CANDIDATE_ZONES = (
    "Pacific/Kiritimati",
    "Pacific/Auckland",
    "Asia/Tokyo",
    "Asia/Kolkata",
    "Asia/Dubai",
    "Europe/Moscow",
    "Europe/Berlin",
    "UTC",
    "America/Sao_Paulo",
    "America/New_York",
    "America/Denver",
    "America/Los_Angeles",
    "Pacific/Honolulu",
    "Pacific/Pago_Pago",
)

TICK_LINE = re.compile(
    r"Reminder tick: (?P<sent>\d+) sent, \d+ missed, \d+ already logged, \d+ failed, "
    r"\d+ blocked, (?P<dups>\d+) possible duplicates"
)


# ---- the database, seen from the test ------------------------------------------------------


def sync_url(url: str) -> str:
    """The same database through a synchronous driver: the test reads it while the bot runs."""
    parsed = make_url(url)
    driver = "sqlite" if parsed.get_backend_name() == "sqlite" else "postgresql+psycopg"
    return parsed.set(drivername=driver).render_as_string(hide_password=False)


@dataclass(frozen=True)
class Row:
    """One daily reminder row, as much of it as the assertions need."""

    chat_id: int
    status: str
    attempts: int
    claimed_by: str | None


class Database:
    """Seeding and inspection; a NullPool so the test never holds a connection or a lock."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine: Engine = create_engine(sync_url(url), poolclass=NullPool)

    def seed(self, runners: list[Runner]) -> None:
        """Migrate with the bot's own migrations, then insert the runners as they are."""

        async def upgrade() -> None:
            engine = make_engine(self.url)
            try:
                await migrate(engine)
            finally:
                await engine.dispose()

        asyncio.run(upgrade())
        with Session(self.engine, expire_on_commit=False) as session:
            session.add_all(runners)
            session.commit()

    def rows(self) -> dict[int, Row]:
        """Daily reminder rows by chat (the seeded runners have nothing else)."""
        with Session(self.engine) as session:
            found = session.exec(select(Reminder).where(col(Reminder.kind) == "daily")).all()
            return {
                row.chat_id: Row(row.chat_id, row.status, row.attempts, row.claimed_by)
                for row in found
            }

    def statuses(self) -> Counter[str]:
        return Counter(row.status for row in self.rows().values())

    def runner(self, chat_id: int) -> Runner:
        with Session(self.engine) as session:
            found = session.get(Runner, chat_id)
            assert found is not None
            return found

    def all_sent(self, chats: set[int]) -> bool:
        rows = self.rows()
        return set(rows) >= chats and all(rows[chat].status == "sent" for chat in chats)

    def close(self) -> None:
        self.engine.dispose()


def daytime_zones(now: datetime) -> list[str]:
    """Zones where it is now between 09:00 and 22:30 local time.

    There a reminder due up to 8 h 20 min ago was due *today*, and the local date cannot
    roll over during the test — a reminder from another local day is ``missed`` by design,
    which would make an "exactly once" assertion fail for the wrong reason.
    """
    found = [
        zone
        for zone in CANDIDATE_ZONES
        if clock_time(9) <= now.astimezone(ZoneInfo(zone)).time() <= clock_time(22, 30)
    ]
    assert found, f"no candidate zone is in daytime at {now}"
    return found


@cache
def strength_long_run_day(day: date) -> int:
    """Cached: the plan engine is asked once per date, not once per seeded runner."""
    long_run, _ = long_run_making_today_a_strength_day(day)
    return long_run


def due_runner(chat_id: int, zone: str, late: timedelta, now: datetime) -> Runner:
    """An onboarded, active runner whose reminder came ``late`` ago (to the minute, today).

    ``reminder_time`` and ``next_reminder_utc`` agree, as onboarding would leave them, and
    the week (daily runs, three sessions, a long-run day picked from the plan engine) makes
    the reminder's local date a strength day.
    """
    tz = ZoneInfo(zone)
    wall = (now - late).astimezone(tz).replace(second=0, microsecond=0)
    day, at = wall.date(), wall.time()
    assert day == now.astimezone(tz).date(), "the due instant must be today, locally"
    week = RunnerWeek(
        run_days=frozenset(range(7)),
        long_run_day=strength_long_run_day(day),
        experience=Experience.NEW,
        equipment=Equipment.DUMBBELLS,
        pull_up_bar=True,
        sessions_per_week=3,
        reminder_time=at,
        timezone=zone,
    )
    assert plan_for_date(week, day) is not None, "today must be a strength day"
    return Runner(
        chat_id=chat_id,
        first_name="Runner",
        onboarded=True,
        active=True,
        paused=False,
        next_reminder_utc=local_instant(day, at, tz),
        created_at=now,
        updated_at=now,
        **week_columns(week),
    )


def due_runners(count: int, *, first_chat: int = 10_000, late_minutes: int = 3) -> list[Runner]:
    """``count`` runners due a few minutes ago, spread over every zone that is in daytime."""
    now = datetime.now(UTC)
    zones = daytime_zones(now)
    late = timedelta(minutes=late_minutes)
    return [due_runner(first_chat + i, zones[i % len(zones)], late, now) for i in range(count)]


# ---- what reached "Telegram" --------------------------------------------------------------


def reminders_per_chat(stub: StubBotAPI) -> Counter[int]:
    """Reminders Telegram accepted, per chat.

    The stub records a call before it answers, so a message whose answer the bot never
    read (it died first) counts: for the runner it was delivered.
    """
    return Counter(
        int(call.chat_id)  # type: ignore[arg-type]
        for call in stub.calls_to("sendMessage")
        if call.ok and str(call.params.get("text", "")).startswith(REMINDER_INTRO)
    )


def everyone_reminded(stub: StubBotAPI, chats: set[int]) -> bool:
    return set(reminders_per_chat(stub)) >= chats


# ---- the bot process ---------------------------------------------------------------------


def crash_env(stub: StubBotAPI, database_url: str, **extra: str) -> dict[str, str]:
    """``bot_env`` plus fast ticks, a short lease, no throttle, INFO logs; then ``extra``.

    SEND_RATE_LIMIT is raised so a 300-runner fan-out is bounded by the stub's latency and
    the concurrency, not by Telegram's 30 messages a second (10 s of sleeping).
    """
    env = bot_env(stub, database_url)
    for key in list(env):
        if key.upper() in EXTRA_SETTINGS:
            del env[key]
    env.update(
        LOG_LEVEL="INFO",
        REMINDER_TICK_SECONDS=str(TICK_SECONDS),
        REMINDER_LEASE_SECONDS=str(LEASE_SECONDS),
        SEND_RATE_LIMIT="1000",
    )
    env.update(extra)
    return env


class ReminderBot(BotProcess):
    """A ``BotProcess`` that can be started without waiting for polling.

    A failpoint may kill the process before its first getUpdates, and a reminders-only
    instance (POLL_UPDATES=false) never polls, so ``spawn`` (``BotProcess``'s) only
    starts it.
    """

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def exited(self) -> int | None:
        return None if self.process is None else self.process.poll()

    def wait_exit(self, timeout: float) -> int:
        """The exit code of a process expected to end by itself (a failpoint, a refusal)."""
        assert self.process is not None
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(
                f"{self.workdir.name} did not exit within {timeout}s:\n{self.tail()}"
            ) from None
        return self._wait()

    def possible_duplicate_warnings(self) -> int:
        """Rows this process re-sent after a dead sender's lease ran out (one line each)."""
        return sum(
            1
            for line in self.output().splitlines()
            if " WARNING " in line and "possible duplicate" in line
        )

    def tick_totals(self) -> tuple[int, int]:
        """(sent, possible duplicates) summed over this process's "Reminder tick" lines."""
        sent = dups = 0
        for match in TICK_LINE.finditer(self.output()):
            sent += int(match["sent"])
            dups += int(match["dups"])
        return sent, dups


def wait_until(condition: Callable[[], bool], what: str, *bots: ReminderBot) -> None:
    """Poll ``condition`` (another process's work), failing fast if a bot died meanwhile."""
    deadline = time.monotonic() + DELIVERY_TIMEOUT
    while not condition():
        for bot in bots:
            code = bot.exited()
            if code is not None:
                raise AssertionError(
                    f"{bot.workdir.name} exited ({code}) while waiting for {what}:\n{bot.tail()}"
                )
        if time.monotonic() > deadline:
            logs = "\n".join(f"--- {bot.workdir.name}\n{bot.tail()}" for bot in bots)
            raise AssertionError(f"timed out after {DELIVERY_TIMEOUT}s waiting for {what}\n{logs}")
        time.sleep(0.1)


def settle_and_stop(*bots: ReminderBot) -> None:
    """Let two more ticks run (a second send would show up now), then end the processes.

    SIGKILL, not SIGTERM: a clean stop is test_process_e2e's business, and a SIGTERM soon
    after start waits seconds for the time-zone warm-up thread (post_init's warm-up task
    is neither awaited nor cancelled at shutdown).
    """
    time.sleep(SETTLE_SECONDS)
    for bot in bots:
        assert bot.exited() is None, bot.tail()
        bot.kill()


Launch = Callable[..., ReminderBot]


@pytest.fixture
def stub() -> Iterator[StubBotAPI]:
    """One stub across restarts, so its record spans every process of a test."""
    with StubBotAPI() as server:
        yield server
        assert server.errors == [], server.errors


@pytest.fixture
def launch(stub: StubBotAPI, tmp_path: Path) -> Iterator[Launch]:
    """Makes bot processes with their own workdir (and log); every one is killed at the end."""
    made: list[ReminderBot] = []

    def make(name: str, database_url: str, **extra: str) -> ReminderBot:
        workdir = tmp_path / name
        workdir.mkdir()
        bot = ReminderBot(stub, crash_env(stub, database_url, **extra), workdir)
        made.append(bot)
        return bot

    try:
        yield make
    finally:
        for bot in made:
            bot.close()


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Database]:
    database = Database(sqlite_url(tmp_path / "coach.db"))
    yield database
    database.close()


@pytest.fixture
def postgres_db() -> Iterator[Database]:
    """A schema of this test's own on TEST_DATABASE_URL, dropped afterwards.

    Function-scoped, unlike conftest's ``postgres_url``: the in-process tests truncate that
    shared schema, and these processes must see only the runners seeded here.
    """
    if not TEST_DATABASE_URL:
        pytest.skip(
            "two instances need PostgreSQL: set TEST_DATABASE_URL "
            "(e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)"
        )
    import psycopg

    base = make_url(async_database_url(TEST_DATABASE_URL))
    schema = f"reminder_crash_{os.getpid()}_{secrets.token_hex(3)}"
    admin = base.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    url = base.update_query_dict({"options": f"-csearch_path={schema}"})
    database = Database(url.render_as_string(hide_password=False))
    try:
        yield database
    finally:
        database.close()
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


# ---- 1. killed after planning, before sending ---------------------------------------------


def test_killed_after_planning_sends_everything_once_after_restart(
    stub: StubBotAPI, launch: Launch, sqlite_db: Database
) -> None:
    """A crash between writing the day's rows and sending them must lose nothing.

    The rows are committed ``ready``; the restarted process sends each exactly once.
    """
    runners = due_runners(20)
    chats = {runner.chat_id for runner in runners}
    sqlite_db.seed(runners)

    first = launch("first", sqlite_db.url, COACH_FAILPOINT="after_plan")
    first.spawn()
    assert first.wait_exit(START_TIMEOUT) == -signal.SIGKILL, first.tail()
    assert sqlite_db.statuses() == {"ready": len(chats)}
    assert reminders_per_chat(stub) == Counter()

    second = launch("second", sqlite_db.url)
    second.spawn()
    wait_until(
        lambda: everyone_reminded(stub, chats) and sqlite_db.all_sent(chats),
        "every runner to be reminded",
        second,
    )
    settle_and_stop(second)

    assert reminders_per_chat(stub) == Counter(dict.fromkeys(chats, 1))
    assert sqlite_db.statuses() == {"sent": len(chats)}
    assert second.possible_duplicate_warnings() == 0, second.tail()


# ---- 2. killed after sending, before recording --------------------------------------------


def test_killed_after_sending_resends_once_and_says_possible_duplicate(
    stub: StubBotAPI, launch: Launch, sqlite_db: Database
) -> None:
    """The one unavoidable duplicate: delivered, then the process died before recording it.

    With one send at a time exactly one message is out when the process dies, and the batch
    it reserved (one row per sender) is left ``sending``. After the lease the new
    process sends that batch again: the delivered runner gets the reminder twice, and every
    re-sent row is logged as a possible duplicate — the bot cannot know which went out.
    """
    concurrency = 1
    runners = due_runners(10)
    chats = {runner.chat_id for runner in runners}
    sqlite_db.seed(runners)

    first = launch(
        "first",
        sqlite_db.url,
        COACH_FAILPOINT="after_send",
        SEND_CONCURRENCY=str(concurrency),
    )
    first.spawn()
    assert first.wait_exit(START_TIMEOUT) == -signal.SIGKILL, first.tail()

    delivered = reminders_per_chat(stub)
    assert sum(delivered.values()) == 1, delivered
    (delivered_chat,) = delivered
    at_kill = sqlite_db.rows()
    sending = {chat for chat, row in at_kill.items() if row.status == "sending"}
    assert delivered_chat in sending
    assert len(sending) == concurrency  # each sender reserves one row at a time
    assert Counter(row.status for row in at_kill.values()) == {
        "sending": len(sending),
        "ready": len(chats) - len(sending),
    }

    second = launch("second", sqlite_db.url, SEND_CONCURRENCY=str(concurrency))
    second.spawn()
    wait_until(
        lambda: (
            everyone_reminded(stub, chats)
            and sqlite_db.all_sent(chats)
            and reminders_per_chat(stub)[delivered_chat] == 2
        ),
        "every runner to be reminded (the delivered one again)",
        second,
    )
    settle_and_stop(second)

    expected = Counter(dict.fromkeys(chats, 1))
    expected[delivered_chat] = 2
    assert reminders_per_chat(stub) == expected
    assert second.possible_duplicate_warnings() == len(sending), second.tail()
    assert second.tick_totals() == (len(chats), len(sending))
    rows = sqlite_db.rows()
    assert {chat for chat, row in rows.items() if row.attempts == 2} == sending
    assert sqlite_db.statuses() == {"sent": len(chats)}


# ---- 3. killed in the middle of a large fan-out -------------------------------------------


def test_killed_mid_fan_out_loses_nothing_and_counts_its_duplicates(
    stub: StubBotAPI, launch: Launch, sqlite_db: Database
) -> None:
    """300 runners, four sends at a time, killed right after the 100th row is recorded.

    What the crash leaves: ~100 rows ``sent``, the rest of one batch ``sending`` (some of
    those possibly delivered), the others ``ready``. After the restart all 300 are reminded;
    only runners whose row was ``sending`` *and* whose message had gone out get it twice,
    and the log's possible-duplicate count equals the rows that were ``sending``.
    """
    count, concurrency, nth = 300, 4, 100
    runners = due_runners(count)
    chats = {runner.chat_id for runner in runners}
    sqlite_db.seed(runners)
    stub.delay("sendMessage", STUB_LATENCY)

    first = launch(
        "first",
        sqlite_db.url,
        COACH_FAILPOINT=f"after_record:{nth}",
        SEND_CONCURRENCY=str(concurrency),
    )
    first.spawn()
    assert first.wait_exit(START_TIMEOUT) == -signal.SIGKILL, first.tail()
    # A request the dead process had already sent is still in the stub's latency; it counts
    # as delivered (Telegram got it), so let the stub record it before taking stock.
    time.sleep(10 * STUB_LATENCY)

    at_kill = sqlite_db.rows()
    by_status = Counter(row.status for row in at_kill.values())
    sending = {chat for chat, row in at_kill.items() if row.status == "sending"}
    recorded = {chat for chat, row in at_kill.items() if row.status == "sent"}
    # Other sends may have committed their record before the 100th one's failpoint fired.
    assert nth <= len(recorded) < nth + concurrency, by_status
    assert 0 < len(sending) <= concurrency, by_status
    assert by_status["ready"] == count - len(recorded) - len(sending), by_status
    delivered_at_kill = reminders_per_chat(stub)
    assert set(delivered_at_kill) >= recorded
    out_unrecorded = set(delivered_at_kill) - recorded
    assert out_unrecorded <= sending
    assert len(out_unrecorded) <= concurrency  # only sends in flight can be out unrecorded

    second = launch("second", sqlite_db.url, SEND_CONCURRENCY=str(concurrency))
    second.spawn()
    wait_until(
        lambda: everyone_reminded(stub, chats) and sqlite_db.all_sent(chats),
        "all 300 runners to be reminded",
        second,
    )
    settle_and_stop(second)

    got = reminders_per_chat(stub)
    assert set(got) == chats, "a reminder was lost"
    twice = {chat for chat, n in got.items() if n == 2}
    assert max(got.values()) <= 2, got.most_common(3)
    assert twice == out_unrecorded
    assert len(twice) <= len(sending)
    assert second.possible_duplicate_warnings() == len(sending), second.tail()
    assert second.tick_totals()[1] == len(sending)
    assert sqlite_db.statuses() == {"sent": count}


# ---- 4. too old after a downtime ----------------------------------------------------------


def test_a_reminder_too_old_after_downtime_is_missed_a_late_one_still_sent(
    stub: StubBotAPI, launch: Launch, sqlite_db: Database
) -> None:
    """After a long downtime a morning reminder in the evening is noise; an hour late is not.

    Both are due today, locally (the zone is chosen so), so only REMINDER_CATCHUP_HOURS
    (default 6) separates them: 8 hours late is recorded ``missed`` and not sent, 1 hour
    late is sent once. Both runners move on to their next reminder.
    """
    now = datetime.now(UTC)
    zone = daytime_zones(now)[0]
    stale = due_runner(20_001, zone, timedelta(hours=8), now)
    late = due_runner(20_002, zone, timedelta(hours=1), now)
    sqlite_db.seed([stale, late])

    bot = launch("bot", sqlite_db.url)
    bot.spawn()
    wait_until(
        lambda: everyone_reminded(stub, {late.chat_id}) and sqlite_db.all_sent({late.chat_id}),
        "the hour-late reminder",
        bot,
    )
    settle_and_stop(bot)

    assert reminders_per_chat(stub) == Counter({late.chat_id: 1})
    rows = sqlite_db.rows()
    assert rows[stale.chat_id].status == "missed"
    assert rows[late.chat_id].status == "sent"
    for chat in (stale.chat_id, late.chat_id):
        upcoming = sqlite_db.runner(chat).next_reminder_utc
        assert upcoming is not None and upcoming > now, (zone, upcoming)


# ---- 5. two instances on PostgreSQL -------------------------------------------------------


def test_two_instances_on_postgresql_share_the_work_without_double_sends(
    stub: StubBotAPI, launch: Launch, postgres_db: Database
) -> None:
    """Scaling out: a polling instance and a reminders-only one, started together.

    ``FOR UPDATE SKIP LOCKED`` and the conditional reservation must split 400 due reminders
    between them: every runner exactly once, and both instances did part of the sending
    (seen in ``claimed_by`` and in each process's own "Reminder tick" lines).
    """
    count, concurrency = 400, 4
    runners = due_runners(count)
    chats = {runner.chat_id for runner in runners}
    postgres_db.seed(runners)
    stub.delay("sendMessage", STUB_LATENCY)

    # Nobody dies here, so the lease must never run out: on a loaded machine the last row
    # of a batch can wait longer than the 2 s used elsewhere, and the other instance would
    # then send it again (the bug shown by test_a_send_slower_than_the_lease_...).
    settings = {"SEND_CONCURRENCY": str(concurrency), "REMINDER_LEASE_SECONDS": "60"}
    polling = launch("polling", postgres_db.url, **settings)
    sender = launch("sender", postgres_db.url, POLL_UPDATES="false", **settings)
    polling.spawn()
    sender.spawn()
    wait_until(
        lambda: everyone_reminded(stub, chats) and postgres_db.all_sent(chats),
        "all 400 runners to be reminded",
        polling,
        sender,
    )
    claimed_by = Counter(row.claimed_by for row in postgres_db.rows().values())
    pids = {polling.pid, sender.pid}
    settle_and_stop(polling, sender)

    assert reminders_per_chat(stub) == Counter(dict.fromkeys(chats, 1))
    assert len(claimed_by) == 2, claimed_by
    assert {int(str(owner).split(":")[1]) for owner in claimed_by} == pids
    sent_by = {bot.workdir.name: bot.tick_totals() for bot in (polling, sender)}
    assert all(sent > 0 for sent, _ in sent_by.values()), sent_by
    assert sum(sent for sent, _ in sent_by.values()) == count, sent_by
    assert all(dups == 0 for _, dups in sent_by.values()), sent_by
    assert postgres_db.statuses() == {"sent": count}


# ---- 6. a second process on the same SQLite file ------------------------------------------


def test_a_second_process_on_the_same_sqlite_file_refuses_to_start(
    stub: StubBotAPI, launch: Launch, sqlite_db: Database, tmp_path: Path
) -> None:
    """Two bots on one SQLite file would both send every reminder; the second must refuse.

    It says so in one line (the file, and PostgreSQL as the way to run several) with exit
    code 2, while the first keeps polling, answering and reminding — each runner once.
    """
    runners = due_runners(5)
    chats = {runner.chat_id for runner in runners}
    sqlite_db.seed(runners)

    first = launch("first", sqlite_db.url)
    first.start()  # polling: it holds the lock
    second = launch("second", sqlite_db.url, LOG_LEVEL="WARNING")
    second.spawn()
    assert second.wait_exit(START_TIMEOUT) == 2, second.output()

    lines = [line for line in second.output().splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert str((tmp_path / "coach.db").resolve()) in lines[0], lines[0]
    assert "PostgreSQL" in lines[0], lines[0]

    assert first.exited() is None, first.tail()
    mark = stub.call_count
    stub.send_text(99, "/help")
    stub.wait_for("sendMessage", chat_id=99, since=mark, timeout=10.0)
    wait_until(
        lambda: everyone_reminded(stub, chats) and sqlite_db.all_sent(chats),
        "the first process's reminders",
        first,
    )
    settle_and_stop(first)
    assert reminders_per_chat(stub) == Counter(dict.fromkeys(chats, 1))


# ---- 7. a storm of 429s -------------------------------------------------------------------


def test_a_429_storm_delays_but_neither_drops_nor_doubles(
    stub: StubBotAPI, launch: Launch, sqlite_db: Database
) -> None:
    """Flood control is a wait, not a failure: after retry_after every runner is reminded.

    The bot's rate limiter (with retries) and its own retry wrapper must absorb five
    429s in a row: no ``failed`` row, nobody reminded twice, nothing "possibly duplicate"
    (a 429 means Telegram did not take the message).
    """
    runners = due_runners(20)
    chats = {runner.chat_id for runner in runners}
    sqlite_db.seed(runners)
    stub.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1, times=5)

    bot = launch("bot", sqlite_db.url, SEND_CONCURRENCY="4")
    bot.spawn()
    wait_until(
        lambda: everyone_reminded(stub, chats) and sqlite_db.all_sent(chats),
        "every runner to be reminded despite the 429s",
        bot,
    )
    settle_and_stop(bot)

    rejected = [call for call in stub.calls_to("sendMessage") if not call.ok]
    assert len(rejected) == 5
    assert all(call.response.get("error_code") == 429 for call in rejected)
    assert reminders_per_chat(stub) == Counter(dict.fromkeys(chats, 1))
    assert sqlite_db.statuses() == {"sent": len(chats)}
    assert bot.possible_duplicate_warnings() == 0, bot.tail()
    assert bot.tick_totals() == (len(chats), 0)


def test_a_429_pause_longer_than_the_lease_sends_nothing_twice(
    stub: StubBotAPI, launch: Launch, sqlite_db: Database
) -> None:
    """A 429 pauses every send for ``retry_after`` — here longer than the lease, so rows
    reserved before the pause outlive it. Each send confirms its row right before it
    leaves, so a row another sender took over is sent once, by that sender only."""
    runners = due_runners(12)
    chats = {runner.chat_id for runner in runners}
    sqlite_db.seed(runners)
    stub.fail_next("sendMessage", 429, "Too Many Requests: retry after 3", retry_after=3, times=2)

    bot = launch("bot", sqlite_db.url, SEND_CONCURRENCY="4")
    bot.spawn()
    wait_until(
        lambda: everyone_reminded(stub, chats) and sqlite_db.all_sent(chats),
        "every runner to be reminded after the long pause",
        bot,
    )
    settle_and_stop(bot)

    assert reminders_per_chat(stub) == Counter(dict.fromkeys(chats, 1))
    assert sqlite_db.statuses() == {"sent": len(chats)}
    assert bot.possible_duplicate_warnings() == 0, bot.tail()


# ---- 8. a live sender outlasting its lease --------------------------------------------------


def test_a_send_slower_than_the_lease_is_not_sent_again_by_another_instance(
    stub: StubBotAPI, launch: Launch, postgres_db: Database
) -> None:
    """The lease exists for *dead* senders; a slow but live one must not cause duplicates.

    The module docstring of bot.jobs.reminders promises a second message only when the
    sender died mid-send. Here nobody dies: Telegram is merely slow (0.6 s per message, as
    under a flood wait), so four sends in a row take longer than the 1.5 s lease. Each row
    must be reserved right before its own send — a whole batch reserved up front would sit
    ``sending`` past the lease and the other instance would take it over.
    """
    runners = due_runners(4)
    chats = {runner.chat_id for runner in runners}
    postgres_db.seed(runners)
    stub.delay("sendMessage", 0.6)

    settings = {"SEND_CONCURRENCY": "1", "REMINDER_LEASE_SECONDS": "1.5"}
    first = launch("first", postgres_db.url, POLL_UPDATES="false", **settings)
    second = launch("second", postgres_db.url, POLL_UPDATES="false", **settings)
    first.spawn()
    second.spawn()
    wait_until(
        lambda: everyone_reminded(stub, chats) and postgres_db.all_sent(chats),
        "every runner to be reminded",
        first,
        second,
    )
    time.sleep(1.5)  # the slow sender's remaining rows would go out now
    settle_and_stop(first, second)

    got = reminders_per_chat(stub)
    flagged = sum(bot.possible_duplicate_warnings() for bot in (first, second))
    assert got == Counter(dict.fromkeys(chats, 1)), (got, f"{flagged} flagged")
