"""Fixtures: a database per test (SQLite always, PostgreSQL when TEST_DATABASE_URL is set),
the stub Bot API, a fake clock and the in-process bot harness."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

import bot.app as app_module
from bot.store.db import SessionFactory, make_engine, make_session_factory, migrate
from bot.store.models import Runner
from testkit.harness import BotHarness, FakeClock, own_schema
from testkit.stub_bot_api import StubBotAPI

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")

# CI (CI=true) runs every property test on the same examples, so a landing never hangs on
# a draw no one can reproduce; on a developer's machine the draws stay random, to keep
# finding new counterexamples. No deadline in CI: two cores under xdist-free load make
# timings meaningless.
settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI", "").lower() == "true":
    settings.load_profile("ci")

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgresql",
        id="postgresql",
        marks=pytest.mark.skipif(
            not TEST_DATABASE_URL,
            reason="PostgreSQL tests need TEST_DATABASE_URL "
            "(e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test); .ci/run sets it",
        ),
    ),
]


#: The files whose tests take longest: they start ``python -m bot`` (or pip, a venv, the
#: demo) as processes, or tick the reminders through days of simulated time. Most costly
#: first: the worker time each took in a whole run on 2 workers (pytest --durations, issue
#: 15, machine shared with other sessions): 157, 111, 109, 85, 82, 82, 68, 57, 52, 52, 43,
#: 40, 32 and 27 s, against 1-10 s for most files. They run first, so that the two
#: workers share them and the suite ends on short files, not with one worker idle while
#: the other finishes a process test.
SLOW_FIRST = (
    "test_reminder_delivery.py",
    "test_webhook.py",
    "test_reminder_crashes.py",
    "test_startup.py",
    "test_webhook_instances.py",
    "test_reminders.py",
    "test_deploy_lock.py",
    "test_reminder_faults_outage.py",
    "test_packaging.py",
    "test_buttons_forged.py",
    "test_process_e2e.py",
    "test_deploy_config.py",
    "test_preview.py",
    "test_backup_process.py",
)


def pytest_configure(config: pytest.Config) -> None:
    """Under ``-n``, hand out whole files in ``SLOW_FIRST`` order, unless ``--dist`` says
    otherwise.

    ``load`` (what ``-n`` picks) gives each worker a run of ~1/8 of the collection at once:
    ``SLOW_FIRST`` would all land on the first worker. ``loadscope`` without its reorder
    by size gives a worker the next file whenever it is almost out of tests: the
    longest-first order (LPT) that ends the workers within a short file of each other, and
    a module-scoped fixture (test_packaging's wheel and venv, ~30 s; the drawing process
    of test_progress_command) is made on one worker only. (``loadgroup`` would keep
    per-test balance, but its ``xdist_group`` marks do nothing with pytest 9.2: xdist 3.8
    renames the test through an attribute pytest no longer reads.)"""
    given = any(arg.startswith("--dist") for arg in config.invocation_params.args)
    if getattr(config.option, "dist", None) == "load" and not given:
        config.option.dist = "loadscope"
        config.option.loadscopereorder = False


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slow files first (``SLOW_FIRST``), the others in their usual order after them.
    Every worker sorts the same collection the same way, as xdist requires."""
    rank = {name: place for place, name in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(SLOW_FIRST)))


async def _migrated(url: str) -> None:
    engine = make_engine(url)
    try:
        await migrate(engine)
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A schema of its own for this test run (one per xdist worker), so two runs against
    one server (a developer and CI, say) can never truncate each other's tables; migrated
    once here, emptied before each test by ``sessions``."""
    assert TEST_DATABASE_URL
    with own_schema(TEST_DATABASE_URL, "test_run") as (base, schema):
        url = base.update_query_dict({"options": f"-csearch_path={schema}"})
        rendered = url.render_as_string(hide_password=False)
        asyncio.run(_migrated(rendered))
        yield rendered


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file the migrations built once (per xdist worker), copied for each test.

    Running the eight migrations on a new file cost 100-350 ms per test on this 2-core
    machine under the suite's load (``sessions`` set-up, measured with the helper script
    of issue 15's speed work); copying the migrated file costs under 1 ms and gives the
    same schema, made by the same migrations. ``tests/test_migrations.py`` still builds
    and checks the schema from nothing on its own."""
    template = tmp_path_factory.mktemp("sqlite_template") / "coach.db"
    asyncio.run(_migrated(f"sqlite+aiosqlite:///{template}"))
    # WAL: closing the last connection checkpoints the log into the file and removes it.
    assert not template.with_name("coach.db-wal").exists()
    return template


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database: a copy of the migrated SQLite file, or the run's
    PostgreSQL schema (emptied by ``sessions``)."""
    if request.param == "sqlite":
        database = tmp_path / "coach.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), database)
        return f"sqlite+aiosqlite:///{database}"
    return str(request.getfixturevalue("postgres_url"))


_EMPTY_POSTGRES: dict[str, str] = {}


async def _empty_postgres_tables(engine: AsyncEngine, url: str) -> None:
    """Every model's table emptied and its id sequence restarted, as ``TRUNCATE ...
    RESTART IDENTITY`` would leave them, at a fraction of its cost: TRUNCATE gives each
    table and index a new file (and the commit syncs them), 50-220 ms for the eight tables
    against 9-12 ms for DELETE on the few rows a test leaves (measured on this machine's
    PostgreSQL 15 under the suite's load). One round trip: the statements are built once
    per schema (the sequences read from the catalogue) and sent as one script."""
    script = _EMPTY_POSTGRES.get(url)
    async with engine.begin() as connection:
        if script is None:
            found = await connection.execute(
                text("SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()")
            )
            tables = [table.name for table in reversed(Runner.metadata.sorted_tables)]
            script = _EMPTY_POSTGRES[url] = "; ".join(
                [f'DELETE FROM "{table}"' for table in tables]
                + [f'ALTER SEQUENCE "{name}" RESTART' for name in found.scalars()]
            )
        await connection.exec_driver_sql(script)


@pytest.fixture
async def sessions(db_url: str) -> AsyncIterator[SessionFactory]:
    """Sessions on a migrated, empty database. ``migrate`` still runs (one query at the
    head): a test that downgraded the shared schema and failed leaves no trap behind."""
    engine = make_engine(db_url)
    try:
        await migrate(engine)
        if engine.dialect.name == "postgresql":
            await _empty_postgres_tables(engine, db_url)
        yield make_session_factory(engine)
    finally:
        await engine.dispose()


@pytest.fixture(autouse=True)
def no_flood_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the bot's rate limiter (and its 429 retries) but drop the 30 msg/s pacing.

    These journeys send a few hundred Bot API calls in a burst; at Telegram's real
    rate the file would spend most of its time sleeping in the limiter.
    """

    real = app_module.PacedRateLimiter

    def unthrottled(rate: float, max_retries: int) -> Any:
        return real(0, max_retries=max_retries)

    monkeypatch.setattr(app_module, "PacedRateLimiter", unthrottled)


@pytest.fixture
def stub() -> Iterator[StubBotAPI]:
    with StubBotAPI() as server:
        yield server


@pytest.fixture
def clock() -> FakeClock:
    # A Thursday morning in Berlin (UTC+1 in November).
    return FakeClock(datetime(2026, 11, 26, 6, 0, tzinfo=UTC))


@pytest.fixture
async def bot(
    stub: StubBotAPI, sessions: SessionFactory, clock: FakeClock
) -> AsyncIterator[BotHarness]:
    harness = BotHarness(stub=stub, sessions=sessions, clock=clock)
    await harness.start()
    yield harness
    await harness.stop()


#: Starts a bot whose runner's Telegram app sends the given ``language_code``.
Make = Callable[[str | None], Awaitable[BotHarness]]


@pytest.fixture
async def make(stub: StubBotAPI, sessions: SessionFactory, clock: FakeClock) -> AsyncIterator[Make]:
    """A started bot whose runner's Telegram app sends ``language_code`` (issue 16's
    language tests: ``await make("ru")``); every bot made is stopped after the test."""
    started: list[BotHarness] = []

    async def build(language_code: str | None) -> BotHarness:
        harness = BotHarness(stub=stub, sessions=sessions, clock=clock, language_code=language_code)
        started.append(await harness.start())
        return harness

    yield build
    for harness in started:
        await harness.stop()
