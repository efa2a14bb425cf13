"""Fixtures: a database per test (SQLite always, PostgreSQL when TEST_DATABASE_URL is set),
the stub Bot API, a fake clock and the in-process bot harness."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

import bot.app as app_module
from bot.store.db import SessionFactory
from testkit.harness import BotHarness, FakeClock, fresh_sessions, own_schema
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


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A schema of its own for this test run, so two runs against one server (a developer
    and CI, say) can never truncate each other's tables."""
    assert TEST_DATABASE_URL
    with own_schema(TEST_DATABASE_URL, "test_run") as (base, schema):
        url = base.update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'coach.db'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
async def sessions(db_url: str) -> AsyncIterator[SessionFactory]:
    async with fresh_sessions(db_url) as factory:
        yield factory


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
