"""Reminder fan-out: 10k reminders due in one minute, sent through a rate-limited Bot API.

Run from the repository root::

    .venv/bin/python -m bench.fanout [--runners 100000] [--due 10000] [--rate 30]
        [--latency-ms 50] [--backend sqlite|postgresql] [--postgres-url URL]
        [--concurrency N[,N...]] [--pacing bot|aio] [--bot-rate R]

At the default 30 msg/s (Telegram's limit) 10k messages take at least 5.5 minutes plus
the claim. ``--rate 300`` is shorter only where the bot can send 300 msg/s at all: on a
small machine it is CPU-bound well below that (about 90 to 115 msg/s on 2 cores), so such a run
measures the bot's own ceiling, and the limit is never reached (no 429s). A short run
that still exercises the limit: ``--runners 20000 --due 1500`` (about 1.5 minutes).

Why this shape:

* The database holds ``--runners`` onboarded runners with a realistic timezone mix and
  reminder times; ``--due`` of them are due in the same UTC minute (their local 07:00 in
  Berlin, 06:00 in London, 11:30 in Kolkata, …) on a local date that is a planned
  strength day for them; the rest are due later in the week. Seeding is not timed.
* The bot is the real ``build_application`` with its real rate limiter, database and HTTP
  stack; the network is real HTTP to ``bench.rate_limited_stub`` on 127.0.0.1, which
  enforces a strict sliding-window global limit of ``--rate`` messages per second, answers
  429 with ``retry_after`` when it is exceeded, and adds ``--latency-ms`` to each send. It
  runs in a child process so its HTTP parsing does not compete with the bot for the GIL.
* One call of ``send_due_reminders`` is timed, as the minute job runs it: the plan phase
  (claim the due set, write one row per runner) is ``report.claim_seconds``; the rest is
  the send phase. The sustained rate is measured at the stub from the arrival times of the
  accepted messages (the middle 90 %, without the ramp-up and the tail).
* Afterwards the stub's per-chat counts give missed and duplicated messages, and the
  database must hold exactly one ``sent`` daily reminder for each due runner. If the tick
  raises, the senders still running are awaited and one more tick runs after the lease
  (as the next minute's job would), so missed/duplicates are the eventual outcome.
* For the diagnosis the send path is timed in parts: reserving a row, ``_send_one``, the
  rate limiter (pacing wait + HTTP), the HTTP request alone, waiting for a pooled database
  connection, statements; plus CPU per message of the bot process, of the stub, and of
  the machine, since a run on a shared machine is only as good as its idle CPU. This tells
  "too little concurrency for the latency", "the limiter's pacing", "the per-message
  database work" and "out of CPU" apart. ``--pacing aio`` builds the bot with PTB's
  ``AIORateLimiter`` (what it used before ``bot.rate_limit``) to compare the two;
  ``--bot-rate`` sets the bot's SEND_RATE_LIMIT apart from the stub's limit, for headroom.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import logging
import os
import platform
import random
import secrets
import shutil
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, closing, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from functools import partial
from pathlib import Path
from typing import Any
from unittest.mock import patch
from zoneinfo import ZoneInfo

import aiolimiter
import httpx
import sqlalchemy
import sqlmodel
import telegram
from sqlalchemy import insert, text
from sqlalchemy.engine import make_url
from telegram.ext import AIORateLimiter
from telegram.request import HTTPXRequest

import bot.app as app_module
from bot.app import build_application
from bot.coach.plan import plan_for_date
from bot.coach.schedule import local_instant, next_due
from bot.coach.week import Equipment, Experience, RunnerWeek
from bot.content import Content, load_content
from bot.deps import get_deps
from bot.jobs.reminders import (
    PLANNER_TASK,
    Due,
    OutgoingMessage,
    SendObserver,
    TickReport,
    render,
    send_due_reminders,
)
from bot.main import settle_garbage_collector
from bot.rate_limit import PacedRateLimiter
from bot.settings import Settings, async_database_url
from bot.store import reminders
from bot.store.db import is_sqlite, make_engine, make_session_factory, migrate
from bot.store.models import Runner
from bot.store.runners import days_to_text
from testkit.harness import TOKEN, FakeClock

from .rate_limited_stub import StubProcess, StubStats

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
RESULTS_PATH = Path(__file__).resolve().parent / "results" / "fanout.json"

GOAL_FRACTION = 0.95
# Above 100 msg/s the goal is lower: on a 2-core machine the stub shares the cores.
GOAL_FRACTION_FAST = 0.6
# The goals for the send path: per reminder at most this many statements and
# commits, and bot CPU at most GOAL_CPU_RATIO times a bare send_message's.
GOAL_STATEMENTS = 3.0
GOAL_COMMITS = 2.0
GOAL_CPU_RATIO = 3.0
STEADY_TRIM = 0.05  # the sustained rate leaves out the first and last 5 % of messages
LAG_TICK_S = 0.010
CHAT_BASE = 100_000_000
SEED_CHUNK = 5_000

# Thursday 26 Nov 2026: every due runner's reminder instant is 06:00:00 UTC, the tick runs
# 20 s later (a minute job fires some time within the minute).
DUE_AT = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)
NOW = DUE_AT + timedelta(seconds=20)

# Where a reminder is due at 06:00 UTC on a late-November morning, with its local time:
# Europe's breakfast reminders dominate, then lunchtime in India, afternoon in East Asia.
DUE_ZONES: dict[str, float] = {
    "Europe/Berlin": 0.22,  # 07:00
    "Europe/Paris": 0.10,  # 07:00
    "Europe/Madrid": 0.07,  # 07:00
    "Europe/Amsterdam": 0.05,  # 07:00
    "Europe/Warsaw": 0.04,  # 07:00
    "Europe/Stockholm": 0.03,  # 07:00
    "Europe/Rome": 0.04,  # 07:00
    "Europe/London": 0.12,  # 06:00
    "Europe/Dublin": 0.03,  # 06:00
    "Europe/Helsinki": 0.03,  # 08:00
    "Africa/Johannesburg": 0.03,  # 08:00
    "Europe/Istanbul": 0.02,  # 09:00
    "Asia/Dubai": 0.02,  # 10:00
    "Asia/Kolkata": 0.06,  # 11:30
    "Asia/Singapore": 0.04,  # 14:00
    "Asia/Tokyo": 0.04,  # 15:00
    "Australia/Sydney": 0.05,  # 17:00
    "Pacific/Auckland": 0.01,  # 19:00
}
# Everybody else: the whole world, with their own reminder times.
OTHER_ZONES: dict[str, float] = {
    **{zone: weight * 0.6 for zone, weight in DUE_ZONES.items()},
    "America/New_York": 0.12,
    "America/Chicago": 0.06,
    "America/Denver": 0.02,
    "America/Los_Angeles": 0.08,
    "America/Toronto": 0.03,
    "America/Sao_Paulo": 0.04,
    "America/Mexico_City": 0.02,
    "UTC": 0.03,
}
REMINDER_TIMES: dict[str, float] = {
    "05:30": 0.05,
    "06:00": 0.10,
    "06:30": 0.10,
    "07:00": 0.20,
    "07:30": 0.08,
    "08:00": 0.08,
    "12:00": 0.07,
    "12:30": 0.04,
    "17:00": 0.06,
    "17:30": 0.05,
    "18:00": 0.07,
    "19:00": 0.05,
    "20:00": 0.05,
}
NO_REMINDER_SHARE = 0.05  # runners who switched reminders off
CHECKIN_SHARE = 0.25  # runners who asked for the evening check-in
PATTERN_POOL = 400

log = logging.getLogger("bench.fanout")


# ---- helpers -------------------------------------------------------------------------


def weighted(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class Progress:
    """A running count on stderr, redrawn at most every 0.2 s."""

    def __init__(self, label: str, total: int) -> None:
        self.label, self.total = label, total
        self.started = time.perf_counter()
        self._last = 0.0

    def update(self, done: int, *, force: bool = False) -> None:
        now = time.perf_counter()
        if not force and now - self._last < 0.2:
            return
        self._last = now
        rate = done / max(now - self.started, 1e-9)
        sys.stderr.write(f"\r  {self.label}: {done:,}/{self.total:,} ({rate:,.0f}/s)   ")
        sys.stderr.flush()

    def finish(self, done: int) -> None:
        self.update(done, force=True)
        sys.stderr.write("\n")
        sys.stderr.flush()


async def watch_loop(samples: list[float], stop: asyncio.Event) -> None:
    """Sleep 10 ms in a loop; how late each wake-up is, is the event-loop lag."""
    while not stop.is_set():
        started = time.perf_counter()
        await asyncio.sleep(LAG_TICK_S)
        samples.append(max(0.0, time.perf_counter() - started - LAG_TICK_S))


def machine_cpu() -> tuple[float, float] | None:
    """(busy, total) CPU jiffies of the whole machine, from /proc/stat; None elsewhere."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except (OSError, IndexError):
        return None
    values = [float(value) for value in fields]
    idle = values[3] + (values[4] if len(values) > 4 else 0.0)  # idle + iowait
    return sum(values) - idle, sum(values)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))]


# ---- the population ------------------------------------------------------------------


def random_week(rng: random.Random) -> RunnerWeek:
    """A running week as runners describe it (no timezone or time: those come later)."""
    run_days = frozenset(rng.sample(range(7), rng.choice((3, 3, 4, 4, 4, 5, 5, 6))))
    weekend = sorted(run_days & {5, 6})
    long_run = (
        rng.choice(weekend) if weekend and rng.random() < 0.85 else rng.choice(sorted(run_days))
    )
    others = sorted(run_days - {long_run})
    hard = frozenset(rng.sample(others, min(len(others), rng.choice((0, 1, 1, 2)))))
    return RunnerWeek(
        run_days=run_days,
        long_run_day=long_run,
        hard_days=hard,
        experience=rng.choice(list(Experience)),
        equipment=rng.choice(list(Equipment)),
        pull_up_bar=rng.random() < 0.3,
        sessions_per_week=rng.choice((1, 2, 2, 2, 3, 3)),
    )


def runner_row(
    chat_id: int,
    week: RunnerWeek,
    zone: str,
    at: str | None,
    next_utc: datetime | None,
    checkin: bool,
) -> dict[str, Any]:
    created = NOW - timedelta(days=30)
    return {
        "chat_id": chat_id,
        "first_name": "Runner",
        "onboarded": True,
        "run_days": days_to_text(week.run_days),
        "long_run_day": week.long_run_day,
        "hard_days": days_to_text(week.hard_days),
        "experience": week.experience.value,
        "equipment": week.equipment.value,
        "pull_up_bar": week.pull_up_bar,
        "sessions_per_week": week.sessions_per_week,
        "reminder_time": at,
        "timezone": zone,
        "paused": False,
        "active": True,
        "checkin_enabled": checkin,
        "next_reminder_utc": next_utc,
        "created_at": created,
        "updated_at": created,
    }


@dataclass
class Population:
    rows: list[dict[str, Any]]
    due: frozenset[int]
    due_zones: dict[str, int]


def make_population(runners: int, due: int, seed: int) -> Population:
    """``due`` runners due at DUE_AT on a planned strength day, the rest later."""
    rng = random.Random(seed)
    pool = [random_week(rng) for _ in range(PATTERN_POOL)]
    # Patterns that put a session on a given date, per date (computed once per date).
    by_day: dict[date, list[RunnerWeek]] = {}

    def patterns_for(day: date) -> list[RunnerWeek]:
        if day not in by_day:
            by_day[day] = [week for week in pool if plan_for_date(week, day) is not None]
        return by_day[day]

    zones = {zone: ZoneInfo(zone) for zone in OTHER_ZONES}
    session_days: dict[tuple[int, date], bool] = {}

    def is_session_day(week: RunnerWeek, day: date) -> bool:
        key = (id(week), day)
        if key not in session_days:
            session_days[key] = plan_for_date(week, day) is not None
        return session_days[key]

    chats = [CHAT_BASE + index for index in range(runners)]
    due_chats = set(rng.sample(chats, due))
    rows: list[dict[str, Any]] = []
    due_zones: Counter[str] = Counter()
    progress = Progress("population", runners)
    for index, chat in enumerate(chats):
        checkin = rng.random() < CHECKIN_SHARE
        if chat in due_chats:
            zone = weighted(rng, DUE_ZONES)
            tz = zones[zone]
            local = DUE_AT.astimezone(tz)
            at = local.strftime("%H:%M")
            week = rng.choice(patterns_for(local.date()))
            next_utc = local_instant(local.date(), local.time().replace(second=0), tz)
            assert next_utc == DUE_AT, (zone, next_utc)
            due_zones[zone] += 1
        else:
            zone = weighted(rng, OTHER_ZONES)
            tz = zones[zone]
            week = rng.choice(pool)
            if rng.random() < NO_REMINDER_SHARE:
                at, next_utc = None, None
            else:
                at = weighted(rng, REMINDER_TIMES)
                hour, minute = map(int, at.split(":"))
                found = next_due(
                    NOW + timedelta(minutes=1),
                    dtime(hour, minute),
                    tz,
                    partial(is_session_day, week),
                )
                next_utc = found[0] if found else None
        rows.append(runner_row(chat, week, zone, at, next_utc, checkin))
        progress.update(index + 1)
    progress.finish(runners)
    return Population(rows=rows, due=frozenset(due_chats), due_zones=dict(due_zones))


async def seed(url: str, population: Population) -> float:
    """Schema plus the runners, executemany in one transaction; returns seconds."""
    started = time.perf_counter()
    engine = make_engine(url)
    try:
        await migrate(engine)
        table = Runner.__table__  # type: ignore[attr-defined]  # SQLModel sets it at runtime
        progress = Progress("seed runners", len(population.rows))
        async with engine.begin() as connection:
            for start in range(0, len(population.rows), SEED_CHUNK):
                chunk = population.rows[start : start + SEED_CHUNK]
                await connection.execute(insert(table), chunk)
                progress.update(start + len(chunk))
        progress.finish(len(population.rows))
        async with engine.begin() as connection:
            if is_sqlite(url):
                await connection.execute(text("ANALYZE"))
            else:
                await connection.execute(text("ANALYZE runners"))
    finally:
        await engine.dispose()
    database = make_url(url).database
    if is_sqlite(url) and database:
        # Fold the WAL into the file, so a copy of the file alone is the whole database.
        with closing(sqlite3.connect(database)) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return time.perf_counter() - started


# ---- timing the send path ------------------------------------------------------------


@dataclass
class Timer:
    count: int = 0
    seconds: float = 0.0
    longest: float = 0.0

    def add(self, seconds: float) -> None:
        self.count += 1
        self.seconds += seconds
        self.longest = max(self.longest, seconds)

    @property
    def mean_ms(self) -> float:
        return self.seconds / self.count * 1000 if self.count else 0.0


class DbTimer:
    """Time on an engine: waiting for a pooled connection, explicit BEGIN statements (a
    ``BEGIN IMMEDIATE`` waits for SQLite's write lock), the other statements, commits."""

    def __init__(self) -> None:
        self.pool_wait = Timer()
        self.begin = Timer()
        self.statements = Timer()
        self.commits = 0
        # Statements and commits of the planner task (the batches planned beside the sends).
        self.planner_statements = 0
        self.planner_commits = 0
        self._started: dict[int, float] = {}

    @staticmethod
    def _in_planner() -> bool:
        try:
            task = asyncio.current_task()
        except RuntimeError:
            return False
        return task is not None and task.get_name() == PLANNER_TASK

    def _before(self, _conn: Any, cursor: Any, *_args: Any) -> None:
        self._started[id(cursor)] = time.perf_counter()

    def _after(self, _conn: Any, cursor: Any, statement: str, *_args: Any) -> None:
        started = self._started.pop(id(cursor), None)
        if started is None:
            return
        timer = self.begin if statement.lstrip().upper().startswith("BEGIN") else self.statements
        timer.count += 1
        timer.seconds += time.perf_counter() - started
        if timer is self.statements and self._in_planner():
            self.planner_statements += 1

    def _commit(self, _conn: Any) -> None:
        self.commits += 1
        if self._in_planner():
            self.planner_commits += 1

    @contextmanager
    def listening(self, engine: Any) -> Iterator[DbTimer]:
        sync = engine.sync_engine
        hooks = (
            ("before_cursor_execute", self._before),
            ("after_cursor_execute", self._after),
            ("commit", self._commit),
        )
        for name, hook in hooks:
            sqlalchemy.event.listen(sync, name, hook)
        # The pool has no "waiting for a connection" event: time its public ``connect``
        # (what the engine calls for every connection it hands out).
        pool = sync.pool
        real_connect = pool.connect

        def timed_connect() -> Any:
            started = time.perf_counter()
            try:
                return real_connect()
            finally:
                self.pool_wait.add(time.perf_counter() - started)

        try:
            with patch.object(pool, "connect", timed_connect):
                yield self
        finally:
            for name, hook in hooks:
                sqlalchemy.event.remove(sync, name, hook)


@dataclass
class SendTimers(SendObserver):
    """The send path's phases as the job reports them (``SendObserver``), plus the
    limiter and HTTP, timed by wrapping their public methods (``timing_requests``)."""

    planned_runners: int = 0
    plan: Timer = field(default_factory=Timer)  # one plan batch: one write transaction
    send_one: Timer = field(default_factory=Timer)  # decide, render, deliver one row
    limiter: Timer = field(default_factory=Timer)  # pacing wait + HTTP (+ 429 retries)
    http: Timer = field(default_factory=Timer)  # sendMessage HTTP round trips only
    reserve: Timer = field(default_factory=Timer)  # record + reserve transactions
    reports: list[TickReport] = field(default_factory=list)  # as the job made them
    reserved: int = 0
    db: DbTimer | None = None
    # Snapshots when the senders start, so the send phase is measured alone.
    send_cpu_start: float | None = None
    send_machine_start: tuple[float, float] | None = None
    send_db_start: tuple[Timer, Timer, int, float] | None = None

    def tick_started(self, report: TickReport) -> None:
        self.reports.append(report)  # kept here too, so the counts survive a tick that raises

    def planned(self, runners: int, seconds: float) -> None:
        self.planned_runners += runners
        self.plan.add(seconds)

    def sending(self) -> None:
        self.mark_send_start()

    def exchanged(self, recorded: bool, reserved: bool, seconds: float) -> None:
        self.reserve.add(seconds)
        self.reserved += reserved

    def handled(self, outcome: str | None, seconds: float) -> None:
        self.send_one.add(seconds)

    def mark_send_start(self) -> None:
        if self.send_cpu_start is not None:
            return
        self.send_cpu_start = time.process_time()
        self.send_machine_start = machine_cpu()
        if self.db is not None:
            db = self.db
            self.send_db_start = (
                Timer(db.begin.count, db.begin.seconds),
                Timer(db.statements.count, db.statements.seconds),
                db.commits,
                db.pool_wait.seconds,
            )


def _timed(timer: Timer, call: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return await call(*args, **kwargs)
        finally:
            timer.add(time.perf_counter() - started)

    return wrapper


@contextmanager
def timing_requests(timers: SendTimers) -> Iterator[None]:
    """Time the rate limiters' ``process_request`` and the HTTP ``do_request`` (public
    methods of PTB's and the bot's classes); only this process, restored afterwards."""
    real_process = AIORateLimiter.process_request
    real_paced = PacedRateLimiter.process_request
    real_http = HTTPXRequest.do_request

    async def do_request(self: HTTPXRequest, url: str, *args: Any, **kwargs: Any) -> Any:
        if not url.endswith("/sendMessage"):
            return await real_http(self, url, *args, **kwargs)
        return await _timed(timers.http, real_http)(self, url, *args, **kwargs)

    with (
        patch.object(AIORateLimiter, "process_request", _timed(timers.limiter, real_process)),
        patch.object(PacedRateLimiter, "process_request", _timed(timers.limiter, real_paced)),
        patch.object(HTTPXRequest, "do_request", do_request),
    ):
        yield


@contextmanager
def pacing(mode: str) -> Iterator[None]:
    """Which rate limiter the bot is built with: ``bot`` (its own ``PacedRateLimiter``) or
    ``aio`` (PTB's ``AIORateLimiter``, which the bot used before: the comparison)."""
    if mode == "bot":
        yield
        return

    def aio(rate: float, max_retries: int) -> Any:
        return AIORateLimiter(overall_max_rate=rate, overall_time_period=1, max_retries=max_retries)

    with patch.object(app_module, "PacedRateLimiter", aio):
        yield


async def show_progress(stub: StubProcess, timers: SendTimers, due: int, label: str) -> None:
    """Every second: planned rows while claiming, then messages accepted by the stub."""
    started = time.perf_counter()
    last_accepted, last_at = 0, started
    try:
        while True:
            await asyncio.sleep(1.0)
            stats = await asyncio.to_thread(stub.stats)
            now = time.perf_counter()
            if stats.accepted == 0 and stats.rejected_429 == 0:
                line = f"claiming: {timers.planned_runners:,}/{due:,} runners planned"
            else:
                rate = (stats.accepted - last_accepted) / max(now - last_at, 1e-9)
                line = (
                    f"sent {stats.accepted:,}/{due:,} ({rate:,.0f}/s), "
                    f"429s {stats.rejected_429:,}, in flight ≤{stats.max_in_flight}"
                )
            last_accepted, last_at = stats.accepted, now
            sys.stderr.write(f"\r  {label} {now - started:5.0f} s  {line}        ")
            sys.stderr.flush()
    except asyncio.CancelledError:
        sys.stderr.write("\n")
        sys.stderr.flush()
        raise


# ---- one run -------------------------------------------------------------------------


@dataclass
class RunResult:
    backend: str
    concurrency: int
    pacing: str
    runners: int
    due: int
    rate_limit: float
    bot_rate: float
    latency_ms: float
    claim_s: float
    plan_transactions: int
    plan_transaction_max_s: float  # the longest the plan phase held a write transaction
    claim_statements_per_runner: float
    send_s: float
    total_s: float
    sustained_per_s: float
    overall_per_s: float
    fraction_of_limit: float
    goal_fraction: str
    rejected_429: int
    missed: int
    duplicates: int
    unexpected_chats: int
    tick_error: str | None  # send_due_reminders raised (the rest are then the outcome after
    sender_errors: int  # the senders still running finished and a recovery tick ran)
    stuck_sending: int  # rows left "sending" by failed senders, before the recovery tick
    recovery_sent: int
    recovery_possible_duplicates: int
    report_sent: int
    report_missed: int
    report_failed: int
    report_blocked: int
    report_possible_duplicates: int
    report_rechecks: int  # checks before a send made again (each a statement and a commit)
    report_errors: dict[str, int]
    db_sent_rows: int
    db_runners_with_one_sent: int
    db_status_counts: dict[str, int]
    db_still_due: int
    db_ok: bool
    stub_in_flight_mean: float
    stub_in_flight_max: int
    ceiling_per_s: float
    send_one_ms: float
    limiter_ms: float
    http_ms: float
    outside_limiter_ms: float
    pacing_wait_ms: float
    reservations: int
    rows_per_reservation: float
    reserve_ms: float
    worker_loop_ms: float  # send-phase seconds * concurrency / messages (Little's law)
    loop_lag_p99_ms: float
    loop_lag_max_ms: float
    gaps_over_100ms: int
    busiest_second: int
    accepted_per_second: list[int]
    rejected_per_second: list[int]
    send_cpu_ms_per_msg: float
    send_cpu_share: float  # process CPU seconds per wall second in the send phase
    machine_cpu_busy: float  # all cores, all processes (bot, stub, PostgreSQL), send phase
    stub_cpu_ms_per_request: float
    other_cpu_cores: float  # machine CPU not used by the bot or the stub (other processes)
    commits_per_msg: float
    begin_wait_ms_per_msg: float
    pool_wait_ms_per_msg: float
    statements_per_msg: float
    statement_ms_per_msg: float
    # The same without the planner task's (the batches planned beside the sends).
    send_path_statements_per_msg: float
    send_path_commits_per_msg: float
    bare_messages: int  # plain send_message calls after the fan-out, for the CPU floor
    bare_cpu_ms_per_msg: float
    cpu_ratio: float  # send-phase bot CPU per reminder / bare send_message CPU (goal ≤ 3)


def goal_fraction(rate: float) -> float:
    return GOAL_FRACTION if rate <= 100 else GOAL_FRACTION_FAST


def sustained_rate(times: list[float]) -> tuple[float, float]:
    """(middle-90 % rate, first-to-last rate) of accepted arrivals."""
    if len(times) < 2:
        return 0.0, 0.0
    ordered = sorted(times)
    overall = (len(ordered) - 1) / max(ordered[-1] - ordered[0], 1e-9)
    lo = int(len(ordered) * STEADY_TRIM)
    hi = max(lo + 1, int(len(ordered) * (1 - STEADY_TRIM)) - 1)
    steady = (hi - lo) / max(ordered[hi] - ordered[lo], 1e-9)
    return steady, overall


def per_second(times: list[float], start: float) -> list[int]:
    """Counts per whole second since ``start``: the shape of the send, for the JSON."""
    counts: Counter[int] = Counter(int(moment - start) for moment in times)
    return [counts.get(second, 0) for second in range(max(counts, default=-1) + 1)]


def busiest_second(times: list[float]) -> int:
    """Most accepted arrivals in any 1 s window (the stub's limit caps it)."""
    ordered, best, start = sorted(times), 0, 0
    for end, moment in enumerate(ordered):
        while ordered[start] <= moment - 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


async def wait_for_orphans(keep: set[asyncio.Task[Any]]) -> int:
    """Wait for the tick's other senders; returns how many of them raised too."""
    current = asyncio.current_task()
    others = {task for task in asyncio.all_tasks() if task is not current and task not in keep}
    if not others:
        return 0
    done, _ = await asyncio.wait(others, timeout=900)
    return sum(1 for task in done if not task.cancelled() and task.exception() is not None)


async def count_sending(sessions: Any) -> int:
    async with sessions() as session:
        connection = await session.connection()
        result = await connection.execute(
            text("SELECT COUNT(*) FROM reminders WHERE status = 'sending'")
        )
        return int(result.scalar_one())


async def verify_database(sessions: Any, due: frozenset[int]) -> dict[str, Any]:
    async with sessions() as session:
        connection = await session.connection()
        sent = (
            await connection.execute(
                text(
                    "SELECT chat_id, COUNT(*) FROM reminders "
                    "WHERE kind = 'daily' AND status = 'sent' GROUP BY chat_id"
                )
            )
        ).all()
        statuses = (
            await connection.execute(
                text("SELECT kind || ':' || status, COUNT(*) FROM reminders GROUP BY 1")
            )
        ).all()
        still_due = (
            await connection.execute(
                text(
                    "SELECT COUNT(*) FROM runners WHERE next_reminder_utc IS NOT NULL "
                    "AND next_reminder_utc <= :now"
                ),
                {"now": NOW.replace(tzinfo=None)},
            )
        ).scalar_one()
    per_chat = {int(chat): int(count) for chat, count in sent}
    exactly_one = sum(1 for chat in due if per_chat.get(chat) == 1)
    return {
        "sent_rows": sum(per_chat.values()),
        "with_one_sent": exactly_one,
        "statuses": {str(key): int(count) for key, count in statuses},
        "still_due": int(still_due),
        "ok": exactly_one == len(due) and len(per_chat) == len(due) and int(still_due) == 0,
    }


def sample_reminder(population: Population, content: Content) -> OutgoingMessage:
    """A reminder as the job renders it, for one of the due runners (no log yet)."""
    chat = min(population.due)
    row = next(row for row in population.rows if row["chat_id"] == chat)
    runner = Runner.model_construct(**row)
    day = DUE_AT.astimezone(ZoneInfo(runner.timezone)).date()
    item = reminders.Taken(0, chat, day, reminders.DAILY, "core", DUE_AT, retry=False)
    return render(content, Due(item, runner, [], None), runner, NOW)


async def bare_send_cpu(
    bot: telegram.Bot, message: OutgoingMessage, count: int, concurrency: int
) -> float:
    """Bot CPU ms per message of ``count`` plain ``bot.send_message`` calls of a reminder's
    text and keyboard, ``concurrency`` at a time, through the same bot, limiter, HTTP stack
    and stub as the fan-out (to chats outside the population): the floor the send path's
    CPU per reminder is compared with."""
    chats = iter(range(CHAT_BASE - count, CHAT_BASE))

    async def worker() -> None:
        for chat in chats:
            await bot.send_message(chat, message.text, reply_markup=message.keyboard)

    started = time.process_time()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return (time.process_time() - started) / count * 1000


async def run_once(
    url: str,
    args: argparse.Namespace,
    concurrency: int,
    population: Population,
    stub: StubProcess,
) -> RunResult:
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    settings = Settings(
        _env_file=None,
        telegram_bot_token=TOKEN,
        telegram_base_url=stub.base_url,
        database_url=url,
        send_rate_limit=args.bot_rate,
        send_concurrency=concurrency,
    )
    clock = FakeClock(NOW)
    with pacing(args.pacing):
        app = build_application(settings, sessions=sessions, content=load_content(), clock=clock)
    timers = SendTimers()
    tick_error: str | None = None
    sender_errors = 0
    stuck_sending = 0
    recovery: Any = None
    lag: list[float] = []
    label = f"[{args.backend} c={concurrency}]"
    try:
        await app.initialize()
        settle_garbage_collector()  # as `python -m bot` does once it has started
        deps = get_deps(app)
        await asyncio.to_thread(stub.clear)
        stop = asyncio.Event()
        watcher = asyncio.create_task(watch_loop(lag, stop), name="loop-lag")
        progress = asyncio.create_task(
            show_progress(stub, timers, len(population.due), label), name="progress"
        )
        timers.db = DbTimer()
        with timing_requests(timers), timers.db.listening(engine):
            started = time.perf_counter()
            try:
                await send_due_reminders(app.bot, deps, timers)
            except Exception as exc:
                # One sender's error ends the tick's gather; the other senders run on.
                tick_error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}"
                log.error("The tick raised %s; waiting for its other senders", tick_error)
                sender_errors = 1 + await wait_for_orphans({watcher, progress})
            total = time.perf_counter() - started
            send_cpu = time.process_time() - (timers.send_cpu_start or time.process_time())
            machine_end = machine_cpu()
            db_begin, db_statements, commits = (
                timers.db.begin,
                timers.db.statements,
                timers.db.commits,
            )
            planner_statements, planner_commits = (
                timers.db.planner_statements,
                timers.db.planner_commits,
            )
            begin0, statements0, commits0, pool0 = timers.send_db_start or (
                Timer(),
                Timer(),
                0,
                0.0,
            )
            pool_wait = timers.db.pool_wait.seconds - pool0
        report = timers.reports[0]
        stats: StubStats = await asyncio.to_thread(stub.stats, details=True)
        if tick_error is not None:
            # What the next minute's tick does once the lease of the rows the failed
            # sender had reserved runs out: send them again.
            stuck_sending = await count_sending(sessions)
            clock.advance(seconds=settings.reminder_lease_seconds + 1)
            recovery = await send_due_reminders(app.bot, deps)
        progress.cancel()
        stop.set()
        await asyncio.gather(watcher, progress, return_exceptions=True)
        final: StubStats = await asyncio.to_thread(stub.stats, details=True)
        checked = await verify_database(sessions, population.due)
        bare_count = max(100, min(len(population.due), int(args.rate * 10)))
        message = sample_reminder(population, deps.content)
        bare_cpu = await bare_send_cpu(app.bot, message, bare_count, concurrency)
    finally:
        await app.shutdown()
        await engine.dispose()

    steady, overall = sustained_rate(stats.times)
    send_s = total - report.claim_seconds
    active = (
        (stats.last_arrival - stats.first_arrival)
        if stats.first_arrival is not None and stats.last_arrival is not None
        else 0.0
    )
    ordered = sorted(stats.times)
    gaps = sum(1 for a, b in itertools.pairwise(ordered) if b - a > 0.1)
    send_one_ms = timers.send_one.mean_ms
    limiter_ms = timers.limiter.mean_ms
    messages = max(1, report.sent)
    machine_busy = 0.0
    if timers.send_machine_start and machine_end:
        busy = machine_end[0] - timers.send_machine_start[0]
        machine_busy = busy / max(machine_end[1] - timers.send_machine_start[1], 1e-9)
    requests = max(1, stats.accepted + stats.rejected_429)
    timeline_start = min(final.times[:1] + final.rejected_times[:1], default=0.0)
    return RunResult(
        backend=args.backend,
        concurrency=concurrency,
        pacing=args.pacing,
        runners=len(population.rows),
        due=len(population.due),
        rate_limit=args.rate,
        bot_rate=args.bot_rate,
        latency_ms=args.latency_ms,
        claim_s=report.claim_seconds,
        plan_transactions=timers.plan.count,
        plan_transaction_max_s=timers.plan.longest,
        claim_statements_per_runner=statements0.count / max(1, timers.planned_runners),
        send_s=send_s,
        total_s=total,
        sustained_per_s=steady,
        overall_per_s=overall,
        fraction_of_limit=steady / args.rate,
        goal_fraction="PASS" if steady >= goal_fraction(args.rate) * args.rate else "MISS",
        rejected_429=final.rejected_429,
        missed=len(population.due - final.per_chat.keys()),
        duplicates=sum(1 for count in final.per_chat.values() if count > 1),
        unexpected_chats=len(final.per_chat.keys() - population.due),
        tick_error=tick_error,
        sender_errors=sender_errors,
        stuck_sending=stuck_sending,
        recovery_sent=recovery.sent if recovery else 0,
        recovery_possible_duplicates=recovery.possible_duplicates if recovery else 0,
        report_sent=report.sent,
        report_missed=report.missed,
        report_failed=report.failed,
        report_blocked=report.blocked,
        report_possible_duplicates=report.possible_duplicates,
        report_rechecks=report.rechecks,
        report_errors=dict(Counter(report.errors)),
        db_sent_rows=checked["sent_rows"],
        db_runners_with_one_sent=checked["with_one_sent"],
        db_status_counts=checked["statuses"],
        db_still_due=checked["still_due"],
        db_ok=checked["ok"],
        stub_in_flight_mean=stats.in_flight_seconds / active if active else 0.0,
        stub_in_flight_max=stats.max_in_flight,
        ceiling_per_s=(
            concurrency / ((send_one_ms + timers.reserve.mean_ms) / 1000) if send_one_ms else 0.0
        ),
        send_one_ms=send_one_ms,
        limiter_ms=limiter_ms,
        http_ms=timers.http.mean_ms,
        outside_limiter_ms=send_one_ms - limiter_ms,
        pacing_wait_ms=max(0.0, limiter_ms - timers.http.mean_ms),
        reservations=timers.reserve.count,
        rows_per_reservation=timers.reserved / max(1, timers.reserve.count),
        reserve_ms=timers.reserve.mean_ms,
        worker_loop_ms=send_s * concurrency / messages * 1000,
        loop_lag_p99_ms=percentile(lag, 99) * 1000,
        loop_lag_max_ms=max(lag, default=0.0) * 1000,
        gaps_over_100ms=gaps,
        send_cpu_ms_per_msg=send_cpu / messages * 1000,
        send_cpu_share=send_cpu / send_s if send_s > 0 else 0.0,
        machine_cpu_busy=machine_busy,
        stub_cpu_ms_per_request=stats.cpu_seconds / requests * 1000,
        other_cpu_cores=max(
            0.0,
            (machine_busy * (os.cpu_count() or 1) * send_s - send_cpu - stats.cpu_seconds)
            / max(send_s, 1e-9),
        ),
        commits_per_msg=(commits - commits0) / messages,
        send_path_commits_per_msg=(commits - commits0 - planner_commits) / messages,
        begin_wait_ms_per_msg=(db_begin.seconds - begin0.seconds) / messages * 1000,
        pool_wait_ms_per_msg=pool_wait / messages * 1000,
        statements_per_msg=(db_statements.count - statements0.count) / messages,
        send_path_statements_per_msg=(db_statements.count - statements0.count - planner_statements)
        / messages,
        statement_ms_per_msg=(db_statements.seconds - statements0.seconds) / messages * 1000,
        bare_messages=bare_count,
        bare_cpu_ms_per_msg=bare_cpu,
        cpu_ratio=(send_cpu / messages * 1000) / bare_cpu if bare_cpu > 0 else 0.0,
        busiest_second=busiest_second(stats.times),
        accepted_per_second=per_second(final.times, timeline_start),
        rejected_per_second=per_second(final.rejected_times, timeline_start),
    )


# ---- databases -----------------------------------------------------------------------


@asynccontextmanager
async def postgres_schema(base_url: str) -> AsyncIterator[str]:
    """A schema of our own, dropped at the end."""
    import psycopg

    base = make_url(async_database_url(base_url))
    admin = base.set(drivername="postgresql").render_as_string(hide_password=False)
    schema = f"bench_fanout_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    try:
        url = base.update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as connection:
            connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


@asynccontextmanager
async def fresh_database(
    args: argparse.Namespace, population: Population, template: dict[str, Any]
) -> AsyncIterator[str]:
    """A seeded database for one run: SQLite copies a seeded file, PostgreSQL re-seeds."""
    if args.backend == "sqlite":
        if "path" not in template:
            directory = Path(tempfile.mkdtemp(prefix="bench-fanout-"))
            template["dir"] = directory
            template["path"] = directory / "template.db"
            seconds = await seed(f"sqlite+aiosqlite:///{template['path']}", population)
            print(f"  seeded {len(population.rows):,} runners in {seconds:.1f} s", flush=True)
        run_path = template["dir"] / f"run-{secrets.token_hex(3)}.db"
        shutil.copyfile(template["path"], run_path)
        try:
            yield f"sqlite+aiosqlite:///{run_path}"
        finally:
            remove_sqlite(run_path)
        return
    async with postgres_schema(args.postgres_url) as url:
        seconds = await seed(url, population)
        print(f"  seeded {len(population.rows):,} runners in {seconds:.1f} s", flush=True)
        yield url


# ---- report --------------------------------------------------------------------------


def header(args: argparse.Namespace) -> dict[str, Any]:
    import aiosqlite
    import psycopg

    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "python-telegram-bot": telegram.__version__,
        "aiolimiter": getattr(aiolimiter, "__version__", "?"),
        "httpx": httpx.__version__,
        "sqlalchemy": sqlalchemy.__version__,
        "sqlmodel": sqlmodel.__version__,
        "aiosqlite": aiosqlite.__version__,
        "psycopg": psycopg.__version__,
        "backend": args.backend,
        "runners": args.runners,
        "due": args.due,
        "rate_limit": args.rate,
        "bot_send_rate_limit": args.bot_rate,
        "latency_ms": args.latency_ms,
        "concurrency": args.concurrency,
        "pacing": args.pacing,
        "seed": args.seed,
        "fake_now": NOW.isoformat(),
        "loadavg_at_start": [round(value, 2) for value in os.getloadavg()],
    }


def print_header(info: dict[str, Any]) -> None:
    print("Reminder fan-out benchmark (bench/fanout.py)")
    print(
        f"  cpu_count={info['cpu_count']}  python {info['python']}  "
        f"python-telegram-bot {info['python-telegram-bot']}  aiolimiter {info['aiolimiter']}  "
        f"httpx {info['httpx']}  sqlalchemy {info['sqlalchemy']}  sqlmodel {info['sqlmodel']}  "
        f"aiosqlite {info['aiosqlite']}  psycopg {info['psycopg']}"
    )
    print(f"  {info['platform']}; load average at start {info['loadavg_at_start']}")
    print(
        f"  backend {info['backend']}; {info['runners']:,} runners, {info['due']:,} due at "
        f"{DUE_AT:%Y-%m-%d %H:%M} UTC, tick at {NOW:%H:%M:%S}; stub limit "
        f"{info['rate_limit']:g} msg/s (strict 1 s sliding window), latency "
        f"{info['latency_ms']:g} ms; SEND_CONCURRENCY {info['concurrency']}; "
        f"pacing {info['pacing']}; bot SEND_RATE_LIMIT {info['bot_send_rate_limit']:g}"
    )
    print(flush=True)


def table(rows: list[list[str]]) -> str:
    widths = [max(len(row[col]) for row in rows) for col in range(len(rows[0]))]
    lines = []
    for index, row in enumerate(rows):
        lines.append(" | ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)))
        if index == 0:
            lines.append("-+-".join("-" * width for width in widths))
    return "\n".join(lines)


def print_results(results: list[RunResult]) -> None:
    rows = [
        [
            "backend",
            "concurrency",
            "runners",
            "due",
            "rate limit",
            "claim s",
            "send s",
            "sustained msg/s",
            "fraction of limit (≥0.95; ≥0.6 above 100/s)",
            "429s",
            "missed (0)",
            "duplicates (0)",
            "tick",
        ]
    ]
    for r in results:
        rows.append(
            [
                r.backend,
                f"{r.concurrency}{'' if r.pacing == 'bot' else ' ' + r.pacing}",
                f"{r.runners:,}",
                f"{r.due:,}",
                f"{r.rate_limit:g}/s",
                f"{r.claim_s:.1f}",
                f"{r.send_s:.1f}",
                f"{r.sustained_per_s:.1f}",
                f"{r.fraction_of_limit:.3f} {r.goal_fraction}",
                str(r.rejected_429),
                f"{r.missed} {'PASS' if r.missed == 0 else 'MISS'}",
                f"{r.duplicates} {'PASS' if r.duplicates == 0 else 'MISS'}",
                "ok" if r.tick_error is None else "RAISED",
            ]
        )
    print()
    print(table(rows))
    for r in results:
        if r.tick_error is not None:
            print(
                f"c={r.concurrency}: send_due_reminders raised {r.tick_error} "
                f"({r.sender_errors} sender(s) failed; {r.stuck_sending} row(s) left 'sending'; "
                f"a recovery tick after the lease sent {r.recovery_sent}, counting "
                f"{r.recovery_possible_duplicates} as possible duplicates). Missed and "
                "duplicates are after that recovery tick."
            )

    print(
        "\nWhere the send time goes (means per message; ceiling = concurrency / "
        "(reserve + _send_one); worker loop = what each of the workers spent per message):"
    )
    rows = [
        [
            "concurrency",
            "_send_one ms",
            "limiter+HTTP ms",
            "HTTP ms",
            "pacing wait ms",
            "DB+render ms",
            "ceiling msg/s",
            "in flight at stub",
            "reservations × rows",
            "reserve ms",
            "worker loop ms",
            "busiest 1 s",
            "gaps>100ms",
            "loop lag p99/max ms",
        ]
    ]
    db_rows = [
        [
            "concurrency",
            f"commits/msg (≤{GOAL_COMMITS:g}): all, send path",
            "pool wait ms/msg",
            "BEGIN ms/msg",
            f"statements/msg (≤{GOAL_STATEMENTS:g}): all, send path",
            "statement ms/msg",
            "bot CPU ms/msg",
            "bare send_message CPU ms",
            f"ratio (≤{GOAL_CPU_RATIO:g})",
            "bot CPU busy",
            "stub CPU ms/req",
            f"machine CPU busy ({os.cpu_count()} cores)",
            "other processes (cores)",
        ]
    ]
    for r in results:
        rows.append(
            [
                f"{r.concurrency}{'' if r.pacing == 'bot' else ' ' + r.pacing}",
                f"{r.send_one_ms:.1f}",
                f"{r.limiter_ms:.1f}",
                f"{r.http_ms:.1f}",
                f"{r.pacing_wait_ms:.1f}",
                f"{r.outside_limiter_ms:.1f}",
                f"{r.ceiling_per_s:.0f}",
                f"{r.stub_in_flight_mean:.1f} (max {r.stub_in_flight_max})",
                f"{r.reservations} × {r.rows_per_reservation:.1f}",
                f"{r.reserve_ms:.1f}",
                f"{r.worker_loop_ms:.1f}",
                str(r.busiest_second),
                str(r.gaps_over_100ms),
                f"{r.loop_lag_p99_ms:.0f}/{r.loop_lag_max_ms:.0f}",
            ]
        )
        db_rows.append(
            [
                f"{r.concurrency}{'' if r.pacing == 'bot' else ' ' + r.pacing}",
                f"{r.commits_per_msg:.2f} "
                f"{'PASS' if r.commits_per_msg <= GOAL_COMMITS else 'MISS'}, "
                f"{r.send_path_commits_per_msg:.2f}",
                f"{r.pool_wait_ms_per_msg:.1f}",
                f"{r.begin_wait_ms_per_msg:.1f}",
                f"{r.statements_per_msg:.2f} "
                f"{'PASS' if r.statements_per_msg <= GOAL_STATEMENTS else 'MISS'}, "
                f"{r.send_path_statements_per_msg:.2f}",
                f"{r.statement_ms_per_msg:.1f}",
                f"{r.send_cpu_ms_per_msg:.2f}",
                f"{r.bare_cpu_ms_per_msg:.2f}",
                f"{r.cpu_ratio:.2f} {'PASS' if r.cpu_ratio <= GOAL_CPU_RATIO else 'MISS'}",
                f"{r.send_cpu_share:.0%}",
                f"{r.stub_cpu_ms_per_request:.2f}",
                f"{r.machine_cpu_busy:.0%}",
                f"{r.other_cpu_cores:.2f}",
            ]
        )
    print(table(rows))
    print(
        "\nDatabase and CPU in the send phase (per message sent; bot CPU: this process, "
        "all threads; 100 % = one core):"
    )
    print(table(db_rows))
    print()
    for r in results:
        print(
            f"c={r.concurrency}: report sent {r.report_sent}, missed {r.report_missed}, "
            f"failed {r.report_failed}, blocked {r.report_blocked}, possible duplicates "
            f"{r.report_possible_duplicates}, rechecks {r.report_rechecks}, errors "
            f"{r.report_errors or '{}'}; first→last "
            f"{r.overall_per_s:.1f} msg/s; DB: {r.db_runners_with_one_sent:,}/{r.due:,} due "
            f"runners with exactly one sent daily row, {r.db_sent_rows:,} sent rows, still due "
            f"{r.db_still_due}, statuses {r.db_status_counts} → "
            f"{'OK' if r.db_ok else 'MISMATCH'}; unexpected chats {r.unexpected_chats}; "
            f"claim: {r.plan_transactions} write transactions, longest "
            f"{r.plan_transaction_max_s:.2f} s, {r.claim_statements_per_runner:.1f} "
            "statements per due runner"
        )


def run_key(info: dict[str, Any]) -> str:
    """What makes two invocations comparable; the concurrency values are inside."""
    key = (
        f"{info['backend']} runners={info['runners']} due={info['due']} "
        f"rate={info['rate_limit']:g} latency_ms={info['latency_ms']:g} pacing={info['pacing']}"
    )
    if info["bot_send_rate_limit"] != info["rate_limit"]:
        key += f" bot_rate={info['bot_send_rate_limit']:g}"
    return key


def save(info: dict[str, Any], results: list[RunResult], population: Population) -> None:
    """One entry per configuration, so a run does not erase a different one."""
    RESULTS_PATH.parent.mkdir(parents=True, exist_ok=True)
    try:
        saved = json.loads(RESULTS_PATH.read_text())
    except (OSError, ValueError):
        saved = {}
    if not isinstance(saved, dict) or not isinstance(saved.get("runs"), dict):
        saved = {"runs": {}}
    saved["goals"] = {"fraction_of_limit": GOAL_FRACTION, "missed": 0, "duplicates": 0}
    saved["runs"][run_key(info)] = {
        **info,
        "due_zones": population.due_zones,
        "results": [asdict(result) for result in results],
    }
    RESULTS_PATH.write_text(json.dumps(saved, indent=2, ensure_ascii=False) + "\n")
    print(f"\nSaved {RESULTS_PATH} ({run_key(info)})")


# ---- main ----------------------------------------------------------------------------


def concurrency_list(value: str) -> list[int]:
    try:
        values = [int(part) for part in value.split(",") if part.strip()]
    except ValueError as exc:
        raise argparse.ArgumentTypeError("a number or a comma-separated list") from exc
    if not values or any(not 1 <= item <= 256 for item in values):
        raise argparse.ArgumentTypeError("each value must be 1…256 (SEND_CONCURRENCY)")
    return values


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runners", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=10_000, help="runners due in the minute")
    parser.add_argument("--rate", type=float, default=30.0, help="the stub's limit, msg/s")
    parser.add_argument("--latency-ms", type=float, default=50.0, help="stub latency per send")
    parser.add_argument(
        "--bot-rate",
        type=float,
        default=None,
        help="the bot's SEND_RATE_LIMIT (default: --rate); lower it to test pacing headroom",
    )
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("TEST_DATABASE_URL") or DEFAULT_POSTGRES_URL,
        help="server to use (a schema of our own is created and dropped)",
    )
    parser.add_argument(
        "--concurrency",
        type=concurrency_list,
        default=None,
        help="SEND_CONCURRENCY, or a list (8,16,32) for one run each; default: the setting's",
    )
    parser.add_argument(
        "--pacing",
        choices=("bot", "aio"),
        default="bot",
        help="the bot's rate limiter: bot = as bot/app.py builds it (PacedRateLimiter); "
        "aio = PTB's AIORateLimiter, which the bot used before, for comparison",
    )
    parser.add_argument("--seed", type=int, default=20261126)
    args = parser.parse_args(argv)
    if not 1 <= args.due <= args.runners:
        parser.error("need 1 ≤ --due ≤ --runners")
    if args.rate <= 0 or args.latency_ms < 0:
        parser.error("--rate must be positive and --latency-ms not negative")
    if args.bot_rate is None:
        args.bot_rate = args.rate
    if args.bot_rate <= 0:
        parser.error("--bot-rate must be positive")
    if args.concurrency is None:
        default = Settings.model_fields["send_concurrency"].default
        args.concurrency = [int(default)]
    return args


async def main_async(args: argparse.Namespace) -> int:
    info = header(args)
    print_header(info)
    population = make_population(args.runners, args.due, args.seed)
    results: list[RunResult] = []
    template: dict[str, Any] = {}
    try:
        with StubProcess(rate=args.rate, latency=args.latency_ms / 1000) as stub:
            for concurrency in args.concurrency:
                async with fresh_database(args, population, template) as url:
                    result = await run_once(url, args, concurrency, population, stub)
                results.append(result)
                print(
                    f"  c={concurrency}: claim {result.claim_s:.1f} s, send {result.send_s:.1f} s,"
                    f" {result.sustained_per_s:.1f} msg/s ({result.fraction_of_limit:.3f} of the "
                    f"limit), 429s {result.rejected_429}, missed {result.missed}, duplicates "
                    f"{result.duplicates}"
                    + ("" if result.tick_error is None else f"; tick raised {result.tick_error}"),
                    flush=True,
                )
    finally:
        if "dir" in template:
            shutil.rmtree(template["dir"], ignore_errors=True)
    print_results(results)
    save(info, results, population)
    return 0


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    return asyncio.run(main_async(parse_args(argv)))


if __name__ == "__main__":
    raise SystemExit(main())
