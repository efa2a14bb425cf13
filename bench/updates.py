"""Update handling through the real Application, against the floor of the storage.

Run from the repository root::

    .venv/bin/python -m bench.updates [--runners 1000] [--updates 4000] [--repeat 3]
        [--backend sqlite|postgresql|both] [--postgres-url URL] [--profile]

Each backend runs ``--repeat`` times on a fresh database and the median run is reported,
with every run's figures: on this shared virtual machine, consecutive runs differed by up
to 30 %.

Why this shape:

* The bot is the real ``build_application`` with its real handlers, persistence and
  database; only the network is swapped (``testkit.harness.InProcessRequest`` into
  ``testkit.stub_bot_api.StubBotAPI``), so what is measured is what a runner waits for,
  minus Telegram's round trip.
* The bot's rate limiter is kept but its 30 msg/s pacing is dropped (as the tests'
  ``no_flood_wait`` fixture does): with it, the benchmark would measure the limiter's
  sleep, which is Telegram's limit and not the bot's handling cost.
* Updates are fed one at a time through the application's update processor
  (``bot/updates.py``: different chats concurrently, each chat's in order), awaiting each,
  so what is measured is one update's cost including the processor's per-chat turn, and
  updates/s is 1 / mean latency. Concurrency only helps when a handler waits (a stalled
  chat); it is not what this benchmark measures.
* The floor is the same number of bare single-row commits on the same engine: a handler
  cannot be faster than the transactions it needs, so "updates/s ÷ floor commits/s"
  says how much of the time is the storage and how much is everything else.
* Runners still onboarding type their answers ("mon wed sat", "sat", … "Berlin") and tap
  "Looks good" under the summary, so the mix includes the final save of a week.
* A 10 ms ticker measures event-loop lag: reminders and other runners' updates share this
  loop, so a handler that blocks it delays everybody.

The setup (schema, 70 % of the runners stored directly with their week plans cached as a
running bot has them, the first answers of those who are mid-onboarding, warming the
timezone tables) is not timed; after it, the garbage
collector is settled as ``python -m bot`` settles it once started
(``bot.main.settle_garbage_collector``). PTB's post_init is not
run: it only sets the command menu and schedules the reminder tick, which would
compete with the measured updates.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import io
import json
import logging
import math
import os
import platform
import pstats
import random
import secrets
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any
from unittest.mock import patch

import sqlalchemy
import sqlmodel
import telegram
from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, func, select
from telegram import Update
from telegram.request import RequestData

import bot.app as app_module
from bot.app import build_application, fill_draft_cache, fill_language_cache
from bot.coach.plan import plan_week
from bot.coach.timezones import ZoneFinder
from bot.coach.week import Equipment, Experience, RunnerWeek
from bot.content import load_content
from bot.deps import get_deps
from bot.main import settle_garbage_collector
from bot.services.next_reminder import next_reminder_for
from bot.settings import Settings, async_database_url
from bot.store import runners as runner_store
from bot.store.db import make_engine, make_session_factory, migrate, transaction
from bot.store.models import Runner, SessionLog
from testkit.harness import TOKEN, FakeClock, InProcessRequest
from testkit.stub_bot_api import StubBotAPI

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
RESULTS_PATH = Path(__file__).resolve().parent / "results" / "updates.json"
# Never contacted: InProcessRequest hands the path straight to the stub's dispatcher.
STUB_BASE_URL = "http://stub.invalid/bot"

GOAL_SQLITE_UPDATES_PER_S = 500.0
GOAL_FLOOR_RATIO = 0.5
GOAL_LOOP_LAG_MS = 100.0
LAG_TICK_S = 0.010

ONBOARDED_SHARE = 0.7
MIX = {"done": 0.4, "today": 0.3, "onboarding": 0.3}
# Thursday 06:00 UTC; the timed run spans FAKE_DAYS of fake time so runners log on
# several days (a mix of "logged", "already logged" and "which focus?"), not one.
START = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)
FAKE_DAYS = 3.0

# One runner's onboarding, in order: /start, the typed answers, then "Looks good".
CONFIRM_DATA = "ob:confirm:ok"
ONBOARDING_SCRIPT: tuple[str, ...] = (
    "/start",
    "mon wed sat",
    "sat",
    "wed",
    "some",
    "none",
    "no",
    "3",
    "20",
    "7am",
    "Berlin",
    "no race",
    CONFIRM_DATA,
)
# Synthetic id of the summary message the runner taps "Looks good" under; far above the
# ids the stub hands out, so it never collides with a real message in the chat.
SUMMARY_MESSAGE_ID = 1_000_000
DONE_TEXTS = (
    "done",
    "Done!",
    "DONE",
    "done 💪",
    "✅ done",
    "did it",
    "finished",
    "done - legs felt heavy after yesterday's intervals",
    "Done, the plank was hard",
    "completed! hips tight",
)
ZONES = ("Europe/Berlin", "Europe/London", "America/New_York", "Asia/Tokyo", "UTC")
CHAT_BASE = 10_000_000

# ---- helpers -------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile; 0.0 for no values (an empty kind must not crash the table)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1))
    return ordered[rank]


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


class Progress:
    """A running count on stderr, redrawn at most every 0.2 s so it costs nothing."""

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
        sys.stderr.write(f"\r  {self.label}: {done}/{self.total} ({rate:,.0f}/s)   ")
        sys.stderr.flush()

    def finish(self, done: int) -> None:
        self.update(done, force=True)
        sys.stderr.write("\n")
        sys.stderr.flush()


class TimedRequest(InProcessRequest):
    """InProcessRequest that also adds up the time spent in the fake Bot API.

    The stub's bookkeeping (a transcript, JSON round trips) is not the bot's cost; the
    breakdown subtracts it so nobody optimises the test double.
    """

    def __init__(self, stub: StubBotAPI) -> None:
        super().__init__(stub)
        self.seconds = 0.0
        self.calls = 0

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        started = time.perf_counter()
        try:
            return await super().do_request(url, method, request_data)
        finally:
            self.seconds += time.perf_counter() - started
            self.calls += 1


class DbCounter:
    """Counts commits and statements on an engine, so each update kind shows its cost."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine.sync_engine
        self.commits = 0
        self.statements = 0

    def _on_commit(self, _connection: Any) -> None:
        self.commits += 1

    def _on_statement(self, *_args: Any) -> None:
        self.statements += 1

    @contextmanager
    def listening(self) -> Iterator[DbCounter]:
        event.listen(self.engine, "commit", self._on_commit)
        event.listen(self.engine, "before_cursor_execute", self._on_statement)
        try:
            yield self
        finally:
            event.remove(self.engine, "commit", self._on_commit)
            event.remove(self.engine, "before_cursor_execute", self._on_statement)


class ErrorCounter(logging.Handler):
    """Counts what reaches the bot's error handler: a fast benchmark of errors is no use."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.count = 0
        self.first: str | None = None

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        if self.first is None:
            self.first = record.getMessage() + (
                f": {record.exc_info[1]!r}" if record.exc_info and record.exc_info[1] else ""
            )


class GcPauses:
    """Garbage-collector pauses during the run: a long one stalls the loop like a slow
    handler would, and the cure is different (fewer live objects, not less work)."""

    def __init__(self) -> None:
        self.pauses: list[float] = []
        self._started = 0.0

    def _callback(self, phase: str, _info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.pauses.append(time.perf_counter() - self._started)

    @contextmanager
    def watching(self) -> Iterator[GcPauses]:
        gc.callbacks.append(self._callback)
        try:
            yield self
        finally:
            gc.callbacks.remove(self._callback)


@contextmanager
def unthrottled_rate_limiter() -> Iterator[None]:
    """Keep the bot's rate limiter (and its retries) but without the 30 msg/s pacing."""
    real = app_module.PacedRateLimiter

    def unthrottled(rate: float, max_retries: int) -> Any:
        return real(0, max_retries)

    with patch.object(app_module, "PacedRateLimiter", unthrottled):
        yield


async def watch_loop(samples: list[float], stop: asyncio.Event) -> None:
    """Sleep 10 ms in a loop; how late each wake-up is, is the event-loop lag."""
    while not stop.is_set():
        started = time.perf_counter()
        await asyncio.sleep(LAG_TICK_S)
        samples.append(max(0.0, time.perf_counter() - started - LAG_TICK_S))


# ---- the workload --------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One update to send: who, what kind, and a typed text or a button's data."""

    kind: str
    chat_id: int
    text: str


@dataclass
class Plan:
    onboarded: list[int]
    warm_up: list[Step]  # untimed: the answers mid-onboarding runners already gave
    timed: list[Step]
    completes: int  # runners whose "Looks good" is in the timed steps


def random_week(rng: random.Random) -> RunnerWeek:
    """A varied but valid week, so /today and "done" hit rest days, sessions and lookbacks."""
    run_days = frozenset(rng.sample(range(7), rng.randint(3, 5)))
    long_run = rng.choice(sorted(run_days))
    hard = frozenset(rng.sample(sorted(run_days - {long_run}), rng.randint(0, 1)))
    return RunnerWeek(
        run_days=run_days,
        long_run_day=long_run,
        hard_days=hard,
        experience=rng.choice(list(Experience)),
        equipment=rng.choice(list(Equipment)),
        pull_up_bar=rng.random() < 0.3,
        sessions_per_week=rng.choice((2, 3)),
        reminder_time=rng.choice((dtime(7, 0), dtime(18, 30), None)),
        timezone=rng.choice(ZONES),
    )


def make_plan(runners: int, updates: int, rng: random.Random) -> Plan:
    """Who says what, in which order.

    Not-onboarded runners: half new, half mid-way. Each gets an equal slice of the
    onboarding budget; the mid-way ones start late enough that their slice ends at (or
    near) "Looks good", so every question, the timezone lookup and the final save are in
    the timed mix. Per runner the order is kept; across runners it is shuffled.
    """
    chats = [CHAT_BASE + index for index in range(runners)]
    cut = round(runners * ONBOARDED_SHARE)
    onboarded, pending = chats[:cut], chats[cut:]
    counts = {kind: round(updates * share) for kind, share in MIX.items()}
    if not onboarded:
        counts["done"] = counts["today"] = 0
    script_len = len(ONBOARDING_SCRIPT)
    warm_up: list[Step] = []
    per_runner: dict[int, list[Step]] = {}
    completes = 0
    if pending:
        base, extra = divmod(counts["onboarding"], len(pending))
        for index, chat in enumerate(pending):
            size = min(script_len, base + (1 if index < extra else 0))
            latest = script_len - size
            start = 0 if index % 2 == 0 else rng.randint(max(0, latest - 2), latest)
            script = [Step("onboarding", chat, answer) for answer in ONBOARDING_SCRIPT]
            warm_up += script[:start]
            per_runner[chat] = script[start : start + size]
            completes += start + size == script_len
    else:
        counts["onboarding"] = 0
    # A random interleaving that keeps each runner's order: shuffle one ticket per step.
    tickets = [chat for chat, steps in per_runner.items() for _ in steps]
    rng.shuffle(tickets)
    cursor: Counter[int] = Counter()
    onboarding: list[Step] = []
    for chat in tickets:
        onboarding.append(per_runner[chat][cursor[chat]])
        cursor[chat] += 1
    others = [
        Step("done", rng.choice(onboarded), rng.choice(DONE_TEXTS)) for _ in range(counts["done"])
    ]
    others += [Step("today", rng.choice(onboarded), "/today") for _ in range(counts["today"])]
    # Shuffle the kinds into the onboarding sequence without reordering it.
    kinds = ["onboarding"] * len(onboarding) + ["other"] * len(others)
    rng.shuffle(kinds)
    rng.shuffle(others)
    ob_iter, other_iter = iter(onboarding), iter(others)
    timed = [next(ob_iter) if kind == "onboarding" else next(other_iter) for kind in kinds]
    # Interleave the warm-up too, as it would have arrived.
    rng.shuffle(warm_up)
    warm_up.sort(key=lambda step: ONBOARDING_SCRIPT.index(step.text))
    return Plan(onboarded=onboarded, warm_up=warm_up, timed=timed, completes=completes)


def to_updates(stub: StubBotAPI, app: Any, steps: list[Step]) -> list[Update]:
    """Real Update objects, made by the stub exactly as polling would receive them."""
    before = {update["update_id"] for update in stub.pending_updates()}
    for step in steps:
        if step.text == CONFIRM_DATA:
            stub.press_button(step.chat_id, SUMMARY_MESSAGE_ID, step.text)
        else:
            stub.send_text(step.chat_id, step.text)
    payloads = [p for p in stub.pending_updates() if p["update_id"] not in before]
    return [Update.de_json(payload, app.bot) for payload in payloads]


async def drain(app: Any, updates: list[Update]) -> None:
    """Confirm the updates to the stub (as polling's next offset does) to keep it small."""
    if updates:
        await app.bot.get_updates(offset=updates[-1].update_id + 1, timeout=0)


# ---- one backend ---------------------------------------------------------------------


@dataclass
class KindStats:
    count: int = 0
    mean_ms: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    commits_per_update: float = 0.0
    statements_per_update: float = 0.0
    stub_ms_per_update: float = 0.0


@dataclass
class BackendResult:
    backend: str
    updates: int
    seconds: float
    updates_per_s: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    loop_lag_p99_ms: float
    loop_lag_max_ms: float
    floor_commits: int
    floor_seconds: float
    floor_commits_per_s: float
    ratio_to_floor: float
    errors: int
    first_error: str | None
    stub_share: float
    gc_collections: int
    gc_pause_max_ms: float
    gc_pause_total_ms: float
    kinds: dict[str, KindStats] = field(default_factory=dict)
    checks: dict[str, Any] = field(default_factory=dict)
    goals: dict[str, str] = field(default_factory=dict)
    # Every repetition's (updates/s, floor commits/s, ratio); this result is their median.
    runs: list[tuple[float, float, float]] = field(default_factory=list)


async def store_onboarded(sessions: Any, chats: list[int], rng: random.Random) -> None:
    """Onboarded runners written with the store, not the conversation: setup, not workload."""
    now = START - timedelta(days=1)
    async with transaction(sessions) as session:
        for chat in chats:
            week = random_week(rng)
            # Both week parities, as a running bot has them cached from earlier days'
            # reminders and replies (a first plan for a week shape is ~1 ms of search).
            for index in (0, 1):
                plan_week(week, index)
            runner = await runner_store.save_week(
                session,
                chat_id=chat,
                first_name="Runner",
                week=week,
                next_reminder_utc=None,
                now=now,
            )
            runner.next_reminder_utc = await next_reminder_for(session, runner, now=now)
            session.add(runner)


async def storage_floor(engine: AsyncEngine, count: int, rows: int) -> tuple[float, float]:
    """``count`` sequential transactions of one upsert each: the least an update can cost."""
    async with engine.begin() as connection:
        await connection.execute(text("DROP TABLE IF EXISTS bench_floor"))
        await connection.execute(
            text("CREATE TABLE bench_floor (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
        )
    statement = text(
        "INSERT INTO bench_floor (id, n) VALUES (:id, :n) "
        "ON CONFLICT (id) DO UPDATE SET n = excluded.n"
    )
    progress = Progress("floor commits", count)
    started = time.perf_counter()
    for index in range(count):
        async with engine.begin() as connection:
            await connection.execute(statement, {"id": index % rows, "n": index})
        progress.update(index + 1)
    seconds = time.perf_counter() - started
    progress.finish(count)
    async with engine.begin() as connection:
        await connection.execute(text("DROP TABLE bench_floor"))
    return seconds, count / seconds


async def run_backend(
    name: str, url: str, args: argparse.Namespace, errors: ErrorCounter
) -> BackendResult:
    rng = random.Random(args.seed)
    plan = make_plan(args.runners, args.updates, rng)
    engine = make_engine(url)
    await migrate(engine)
    sessions = make_session_factory(engine)
    stub = StubBotAPI()
    request = TimedRequest(stub)
    clock = FakeClock(START)
    zones = ZoneFinder()
    settings = Settings(
        _env_file=None,
        telegram_bot_token=TOKEN,
        telegram_base_url=STUB_BASE_URL,
        database_url=url,
    )
    with unthrottled_rate_limiter():
        app = build_application(
            settings,
            sessions=sessions,
            content=load_content(),
            clock=clock,
            zones=zones,
            request=request,
            get_updates_request=InProcessRequest(stub),
        )
    try:
        await app.initialize()
        await asyncio.to_thread(zones.warm_up)
        await store_onboarded(sessions, plan.onboarded, rng)
        # The memory a started bot fills in post_init (not run here: see above), so the
        # measured updates read drafts and languages as a running bot does.
        deps = get_deps(app)
        await fill_draft_cache(deps)
        await fill_language_cache(deps)
        clock.set(START - timedelta(hours=1))
        warm = to_updates(stub, app, plan.warm_up)
        progress = Progress(f"{name} setup (mid-onboarding answers)", len(warm))
        for index, update in enumerate(warm):
            await app.process_update(update)
            progress.update(index + 1)
        progress.finish(len(warm))
        await drain(app, warm)

        updates = to_updates(stub, app, plan.timed)
        await drain(app, updates)
        assert len(updates) == len(plan.timed)
        errors.count, errors.first = 0, None
        request.seconds, request.calls = 0.0, 0
        settle_garbage_collector()  # as `python -m bot` does once it has started

        latencies: list[float] = []
        per_kind: dict[str, dict[str, list[float]]] = {
            kind: {"ms": [], "commits": [], "statements": [], "stub": []} for kind in MIX
        }
        lag: list[float] = []
        stop = asyncio.Event()
        step_s = FAKE_DAYS * 86400 / max(1, len(updates))
        counter = DbCounter(engine)
        gc_pauses = GcPauses()
        profiler = cProfile.Profile() if args.profile else None
        progress = Progress(f"{name} updates", len(updates))
        watcher = asyncio.create_task(watch_loop(lag, stop), name="loop-lag")
        await asyncio.sleep(0)
        with counter.listening(), gc_pauses.watching():
            if profiler:
                profiler.enable()
            total_started = time.perf_counter()
            for index, (step, update) in enumerate(zip(plan.timed, updates, strict=True)):
                clock.set(START + timedelta(seconds=index * step_s))
                commits, statements, stub_s = counter.commits, counter.statements, request.seconds
                started = time.perf_counter()
                await app.update_processor.process_update(update, app.process_update(update))
                elapsed = time.perf_counter() - started
                latencies.append(elapsed)
                bucket = per_kind[step.kind]
                bucket["ms"].append(elapsed * 1000)
                bucket["commits"].append(counter.commits - commits)
                bucket["statements"].append(counter.statements - statements)
                bucket["stub"].append((request.seconds - stub_s) * 1000)
                progress.update(index + 1)
            seconds = time.perf_counter() - total_started
            if profiler:
                profiler.disable()
        stop.set()
        await watcher
        progress.finish(len(updates))
        stub_seconds = request.seconds

        checks = await check_outcome(sessions, plan)
        floor_seconds, floor_rate = await storage_floor(engine, len(updates), args.runners)
    finally:
        await app.shutdown()
        await engine.dispose()

    if profiler:
        dump_profile(profiler, name)

    rate = len(updates) / seconds
    result = BackendResult(
        backend=name,
        updates=len(updates),
        seconds=seconds,
        updates_per_s=rate,
        p50_ms=percentile(latencies, 50) * 1000,
        p99_ms=percentile(latencies, 99) * 1000,
        max_ms=max(latencies) * 1000,
        loop_lag_p99_ms=percentile(lag, 99) * 1000,
        loop_lag_max_ms=max(lag, default=0.0) * 1000,
        floor_commits=len(updates),
        floor_seconds=floor_seconds,
        floor_commits_per_s=floor_rate,
        ratio_to_floor=rate / floor_rate,
        errors=errors.count,
        first_error=errors.first,
        stub_share=stub_seconds / seconds,
        gc_collections=len(gc_pauses.pauses),
        gc_pause_max_ms=max(gc_pauses.pauses, default=0.0) * 1000,
        gc_pause_total_ms=sum(gc_pauses.pauses) * 1000,
        checks=checks,
    )
    for kind, bucket in per_kind.items():
        result.kinds[kind] = KindStats(
            count=len(bucket["ms"]),
            mean_ms=mean(bucket["ms"]),
            p50_ms=percentile(bucket["ms"], 50),
            p99_ms=percentile(bucket["ms"], 99),
            commits_per_update=mean(bucket["commits"]),
            statements_per_update=mean(bucket["statements"]),
            stub_ms_per_update=mean(bucket["stub"]),
        )
    result.goals = {
        "updates_per_s>=500 (sqlite)": (
            ("PASS" if rate >= GOAL_SQLITE_UPDATES_PER_S else "MISS") if name == "sqlite" else "n/a"
        ),
        "ratio_to_floor>=0.5": "PASS" if result.ratio_to_floor >= GOAL_FLOOR_RATIO else "MISS",
        "loop_lag_p99<100ms": "PASS" if result.loop_lag_p99_ms < GOAL_LOOP_LAG_MS else "MISS",
    }
    return result


async def check_outcome(sessions: Any, plan: Plan) -> dict[str, Any]:
    """Sanity: the runners who tapped "Looks good" are onboarded, and "done"s were logged."""
    async with transaction(sessions) as session:
        onboarded = (
            await session.exec(
                select(func.count()).select_from(Runner).where(col(Runner.onboarded).is_(True))
            )
        ).one()
        logged = (await session.exec(select(func.count()).select_from(SessionLog))).one()
    expected = len(plan.onboarded) + plan.completes
    return {
        "onboarded_runners": int(onboarded),
        "expected_onboarded_runners": expected,
        "session_logs": int(logged),
        "ok": int(onboarded) == expected,
    }


def dump_profile(profiler: cProfile.Profile, name: str) -> None:
    """Save the profile and print its top: the main thread only (the DB drivers' threads
    show up as time the loop spent waiting in ``select``)."""
    path = RESULTS_PATH.parent / f"updates-{name}.prof"
    path.parent.mkdir(parents=True, exist_ok=True)
    profiler.dump_stats(path)
    buffer = io.StringIO()
    stats = pstats.Stats(profiler, stream=buffer).sort_stats("cumulative")
    stats.print_stats(40)
    print(f"\n--- cProfile ({name}, top by cumulative; saved to {path}) ---")
    print(buffer.getvalue())


# ---- PostgreSQL schema ---------------------------------------------------------------


@contextmanager
def postgres_schema(base_url: str) -> Iterator[str]:
    """A schema of our own (as tests/conftest.py does), dropped at the end."""
    import psycopg

    base = make_url(async_database_url(base_url))
    admin = base.set(drivername="postgresql").render_as_string(hide_password=False)
    schema = f"bench_updates_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    try:
        url = base.update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as connection:
            connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def postgres_reachable(base_url: str) -> str | None:
    """None when the server answers, else why not (for the SKIP line)."""
    import psycopg

    admin = make_url(async_database_url(base_url)).set(drivername="postgresql")
    try:
        with psycopg.connect(
            admin.render_as_string(hide_password=False), connect_timeout=3
        ) as connection:
            connection.execute("SELECT 1")
    except Exception as exc:
        return f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc) else ''}"
    return None


# ---- report --------------------------------------------------------------------------


def header(args: argparse.Namespace) -> dict[str, Any]:
    import aiosqlite
    import psycopg

    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        # Other work on the machine moves these numbers; the load average says how much.
        "load_average_1m": round(os.getloadavg()[0], 2),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "python-telegram-bot": telegram.__version__,
        "sqlalchemy": sqlalchemy.__version__,
        "sqlmodel": sqlmodel.__version__,
        "aiosqlite": aiosqlite.__version__,
        "psycopg": psycopg.__version__,
        "runners": args.runners,
        "updates": args.updates,
        "seed": args.seed,
        "rate_limiter": "the bot's PacedRateLimiter with rate 0 (no pacing)",
    }


def print_header(info: dict[str, Any]) -> None:
    print("Update handling benchmark (bench/updates.py)")
    print(
        f"  cpu_count={info['cpu_count']}  python {info['python']}  "
        f"python-telegram-bot {info['python-telegram-bot']}  sqlalchemy {info['sqlalchemy']}  "
        f"sqlmodel {info['sqlmodel']}  aiosqlite {info['aiosqlite']}  psycopg {info['psycopg']}"
    )
    print(f"  {info['platform']}  load average (1 min) {info['load_average_1m']}")
    print(
        f"  {info['runners']} runners ({ONBOARDED_SHARE:.0%} onboarded), ~{info['updates']} "
        f"updates: {MIX['done']:.0%} done / {MIX['today']:.0%} /today / "
        f"{MIX['onboarding']:.0%} onboarding answers, fed sequentially through the update processor"
    )
    print(f"  rate limiter: {info['rate_limiter']}")
    print(flush=True)


def table(rows: list[list[str]]) -> str:
    widths = [max(len(row[col]) for row in rows) for col in range(len(rows[0]))]
    lines = []
    for index, row in enumerate(rows):
        lines.append(" | ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)))
        if index == 0:
            lines.append("-+-".join("-" * width for width in widths))
    return "\n".join(lines)


def print_results(results: list[BackendResult], skipped: dict[str, str]) -> None:
    rows = [
        [
            "backend",
            "updates",
            "updates/s",
            "p50 ms",
            "p99 ms",
            "loop lag p99 ms",
            "floor commits/s",
            "ratio to floor",
            "≥500/s (SQLite)",
            "≥0.5×floor",
            "lag<100ms",
        ]
    ]
    for r in results:
        goals = list(r.goals.values())
        rows.append(
            [
                r.backend,
                str(r.updates),
                f"{r.updates_per_s:,.0f}",
                f"{r.p50_ms:.2f}",
                f"{r.p99_ms:.2f}",
                f"{r.loop_lag_p99_ms:.1f}",
                f"{r.floor_commits_per_s:,.0f}",
                f"{r.ratio_to_floor:.2f}",
                *goals,
            ]
        )
    print()
    print(table(rows))
    for r in results:
        if len(r.runs) > 1:
            print(
                f"{r.backend}: median of {len(r.runs)} runs; each run updates/s / floor "
                "commits/s / ratio: "
                + ", ".join(f"{u:,.0f} / {f:,.0f} / {q:.2f}" for u, f, q in r.runs)
            )
    for backend, reason in skipped.items():
        print(f"SKIP {backend}: {reason}")

    print("\nPer update kind (mean over the timed run):")
    rows = [
        [
            "backend",
            "kind",
            "count",
            "mean ms",
            "p50 ms",
            "p99 ms",
            "commits/update",
            "statements/update",
            "stub ms/update",
        ]
    ]
    for r in results:
        for kind, k in r.kinds.items():
            rows.append(
                [
                    r.backend,
                    kind,
                    str(k.count),
                    f"{k.mean_ms:.2f}",
                    f"{k.p50_ms:.2f}",
                    f"{k.p99_ms:.2f}",
                    f"{k.commits_per_update:.2f}",
                    f"{k.statements_per_update:.2f}",
                    f"{k.stub_ms_per_update:.3f}",
                ]
            )
    print(table(rows))
    print()
    for r in results:
        print(
            f"{r.backend}: {r.seconds:.1f} s timed; max latency {r.max_ms:.1f} ms; loop lag max "
            f"{r.loop_lag_max_ms:.1f} ms; GC {r.gc_collections} runs, max "
            f"{r.gc_pause_max_ms:.1f} ms, total {r.gc_pause_total_ms:.0f} ms; "
            f"fake Bot API {r.stub_share:.0%} of the time; "
            f"floor {r.floor_commits} commits in {r.floor_seconds:.1f} s; "
            f"handler errors {r.errors}; check {r.checks}"
        )
        if r.errors:
            print(f"  first error: {r.first_error}")


# ---- main ----------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runners", type=int, default=1000)
    parser.add_argument("--updates", type=int, default=4000, help="timed updates per backend")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("TEST_DATABASE_URL") or DEFAULT_POSTGRES_URL,
        help="server to use (a schema of our own is created and dropped)",
    )
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs per backend, each on a fresh database; the median run is reported",
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the timed run; print and save it"
    )
    args = parser.parse_args(argv)
    if args.runners < 2 or args.updates < 10 or args.repeat < 1:
        parser.error("need at least 2 runners, 10 updates and 1 run")
    return args


async def one_run(backend: str, args: argparse.Namespace, errors: ErrorCounter) -> BackendResult:
    """One run on a fresh database: a new SQLite file, or a new PostgreSQL schema."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="bench-updates-") as directory:
            url = f"sqlite+aiosqlite:///{Path(directory) / 'coach.db'}"
            return await run_backend("sqlite", url, args, errors)
    with postgres_schema(args.postgres_url) as url:
        return await run_backend("postgresql", url, args, errors)


def median_run(runs: list[BackendResult]) -> BackendResult:
    """The run with the median updates/s, carrying every run's figures: on a shared
    virtual machine one run can be 30 % off the next, so one run is no figure."""
    ordered = sorted(runs, key=lambda run: run.updates_per_s)
    chosen = ordered[(len(ordered) - 1) // 2]
    chosen.runs = [(run.updates_per_s, run.floor_commits_per_s, run.ratio_to_floor) for run in runs]
    return chosen


async def main_async(args: argparse.Namespace) -> int:
    info = header(args)
    print_header(info)
    errors = ErrorCounter()
    logging.getLogger("bot").addHandler(errors)
    results: list[BackendResult] = []
    skipped: dict[str, str] = {}
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    for backend in backends:
        if backend == "postgresql" and (reason := postgres_reachable(args.postgres_url)):
            skipped["postgresql"] = f"{make_url(args.postgres_url).render_as_string()} unreachable"
            skipped["postgresql"] += f" ({reason})"
            print(f"SKIP postgresql: {skipped['postgresql']}", flush=True)
            continue
        runs = [await one_run(backend, args, errors) for _ in range(args.repeat)]
        results.append(median_run(runs))
    print_results(results, skipped)
    RESULTS_PATH.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        **info,
        "goals": {
            "sqlite_updates_per_s": GOAL_SQLITE_UPDATES_PER_S,
            "ratio_to_floor": GOAL_FLOOR_RATIO,
            "loop_lag_p99_ms": GOAL_LOOP_LAG_MS,
        },
        "results": [asdict(result) for result in results],
        "skipped": skipped,
    }
    RESULTS_PATH.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    print(f"\nSaved {RESULTS_PATH}")
    return 0


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return asyncio.run(main_async(parse_args(argv)))


if __name__ == "__main__":
    raise SystemExit(main())
