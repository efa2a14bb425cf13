"""/healthz over HTTP while the real bot works: 200 while ticks and getUpdates flow, 503 with
the watchdog's words when either stalls or the database fails, answered by the server's
own thread even while the event loop is busy.

Every request here is made with a blocking call from the test's coroutine, on the event
loop's own thread: the loop cannot run while it waits, so each answer also proves the
server needs no event loop (as when a long call has it stuck)."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families
from telegram.ext import CallbackContext

from bot import health_http
from bot.jobs.reminders import reminder_tick
from bot.store.db import make_engine, make_session_factory
from testkit.harness import CHAT, TOKEN, BotHarness, FakeClock, texts
from testkit.stub_bot_api import StubBotAPI
from tests.test_process_e2e import BotProcess, bot_env, sqlite_url
from tests.test_webhook import SECRET as WEBHOOK_SECRET_OF_PROCESS
from tests.test_webhook import WebhookProcess, webhook_env

WEBHOOK_SECRET = "hook-SECRET-0123456789"
DB_PASSWORD = "pa55-word-of-the-db"

# ---- helpers the metrics tests share ----------------------------------------------------


class Monotonic:
    """A monotonic clock the test moves (``Health.monotonic``)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def monotonic(bot: BotHarness) -> Monotonic:
    """The bot's health clock, made fake and set to now: 'last tick' and 'last poll' are
    this instant."""
    fake = Monotonic()
    health = bot.deps.health
    health.monotonic = fake
    health.last_tick = health.last_poll = fake.now
    return fake


@pytest.fixture
def served(bot: BotHarness) -> Iterator[health_http.HealthServer]:
    """The bot's /healthz and /metrics on a free port of 127.0.0.1."""
    server = health_http.serve(bot.application, "127.0.0.1", 0)
    try:
        yield server
    finally:
        server.close()


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # no proxy for 127.0.0.1


def fetch(port: int, path: str, method: str = "GET") -> tuple[int, str, dict[str, str]]:
    """A blocking request (see the module's docstring): status, body, headers."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method)
    try:
        with _OPENER.open(request, timeout=5) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(), dict(exc.headers)


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a /metrics answer: (name, sorted labels) -> value."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[sample.name, tuple(sorted(sample.labels.items()))] = sample.value
    return found


def value(text: str, name: str, **labels: str) -> float:
    """One sample's value (0 when absent, as Prometheus reads a counter never touched)."""
    return samples(text).get((name, tuple(sorted(labels.items()))), 0.0)


async def run_tick(bot: BotHarness) -> None:
    """One tick through the JobQueue's own callback (what runs every minute)."""
    await reminder_tick(CallbackContext(bot.application))


# ---- /healthz -----------------------------------------------------------------------------


async def test_healthz_is_ok_while_ticks_and_polls_flow(
    bot: BotHarness, monotonic: Monotonic, served: health_http.HealthServer
) -> None:
    await bot.say("/help")  # a getUpdates that succeeds
    await run_tick(bot)
    monotonic.now += 30
    status, body, headers = fetch(served.port, "/healthz")
    assert status == 200, body
    assert body.splitlines() == [
        "ok",
        "last reminder tick finished 30 s ago",
        "last getUpdates succeeded 30 s ago",
    ]
    assert headers["Content-Type"].startswith("text/plain")
    status, body, _ = fetch(served.port, "/healthz", method="HEAD")
    assert (status, body) == (200, "")


async def test_a_stalled_tick_is_503_with_the_watchdogs_words_until_a_tick_finishes(
    bot: BotHarness, monotonic: Monotonic, served: health_http.HealthServer
) -> None:
    # The watchdog's limit for the tick: WATCHDOG_STALL_SECONDS (90) or 1.5 ticks.
    monotonic.now += 91
    await bot.say("/help")  # polling goes on: only the tick stalled
    status, body, _ = fetch(served.port, "/healthz")
    assert status == 503
    assert body.splitlines() == [
        "unhealthy",
        "reminder scheduler stalled: no tick finished for 91 s",
    ]
    _, metrics, _ = fetch(served.port, "/metrics")
    assert value(metrics, "strength_coach_healthy") == 0
    assert value(metrics, "strength_coach_last_tick_age_seconds") == 91
    await run_tick(bot)
    status, body, _ = fetch(served.port, "/healthz")
    assert status == 200, body


async def test_stalled_polling_is_503_and_says_so(
    bot: BotHarness, monotonic: Monotonic, served: health_http.HealthServer
) -> None:
    monotonic.now += 120
    await run_tick(bot)  # ticks go on: only getUpdates stalled
    status, body, _ = fetch(served.port, "/healthz")
    assert status == 503
    assert body.splitlines() == [
        "unhealthy",
        "update polling stalled: no successful getUpdates for 120 s",
    ]
    await bot.say("/help")
    assert fetch(served.port, "/healthz")[0] == 200


@pytest.fixture
async def webhook_bot(
    stub: StubBotAPI, sessions: Any, clock: FakeClock
) -> AsyncIterator[BotHarness]:
    harness = BotHarness(
        stub=stub,
        sessions=sessions,
        clock=clock,
        settings_overrides={
            "telegram_webhook_url": "https://coach.example.org/telegram",
            "webhook_secret": WEBHOOK_SECRET,
        },
    )
    await harness.start()
    yield harness
    await harness.stop()


async def test_in_webhook_mode_no_getupdates_is_not_a_stall(webhook_bot: BotHarness) -> None:
    health = webhook_bot.deps.health
    fake = Monotonic()
    health.monotonic = fake
    health.last_tick = health.last_poll = fake.now
    server = health_http.serve(webhook_bot.application, "127.0.0.1", 0)
    try:
        fake.now += 600
        await run_tick(webhook_bot)
        status, body, _ = fetch(server.port, "/healthz")
        assert status == 200, body
        assert body.splitlines() == ["ok", "last reminder tick finished 0 s ago"]
        for path in ("/healthz", "/metrics"):
            assert WEBHOOK_SECRET not in fetch(server.port, path)[1]
    finally:
        server.close()


def unreachable_database(db_url: str) -> str:
    """A database URL of the same kind that cannot be reached."""
    if db_url.startswith("sqlite"):
        return "sqlite+aiosqlite:////nonexistent-folder/for/sure/coach.db"
    return "postgresql+psycopg://postgres@127.0.0.1:1/gone?connect_timeout=2"


async def test_a_tick_that_fails_on_the_database_is_503_at_once_and_a_good_tick_clears_it(
    bot: BotHarness, monotonic: Monotonic, served: health_http.HealthServer, db_url: str
) -> None:
    working = bot.deps.sessions
    engine = make_engine(unreachable_database(db_url))
    bot.deps.sessions = make_session_factory(engine)
    try:
        with pytest.raises(Exception, match=r"OperationalError|unable to open|connect"):
            await run_tick(bot)
        status, body, _ = fetch(served.port, "/healthz")
        assert status == 503
        lines = body.splitlines()
        assert lines[0] == "unhealthy"
        assert lines[1].startswith("database unreachable: the reminder tick failed: "), lines
        assert len(lines) == 2, lines  # not yet a stall: that takes 90 s
        _, metrics, _ = fetch(served.port, "/metrics")
        assert value(metrics, "strength_coach_reminder_tick_failures_total") == 1
    finally:
        bot.deps.sessions = working
        await engine.dispose()
    await run_tick(bot)
    assert fetch(served.port, "/healthz")[0] == 200


async def test_a_handler_that_fails_on_the_database_is_503_too(
    bot: BotHarness, monotonic: Monotonic, served: health_http.HealthServer, db_url: str
) -> None:
    working = bot.deps.sessions
    engine = make_engine(unreachable_database(db_url))
    bot.deps.sessions = make_session_factory(engine)
    try:
        await bot.say("/today")  # needs the runner: the database
    finally:
        bot.deps.sessions = working
        await engine.dispose()
    status, body, _ = fetch(served.port, "/healthz")
    assert status == 503
    assert body.splitlines()[1].startswith("database unreachable: a handler failed: "), body
    _, metrics, _ = fetch(served.port, "/metrics")
    assert value(metrics, "strength_coach_updates_failed_total", kind="command") == 1
    await run_tick(bot)
    assert fetch(served.port, "/healthz")[0] == 200


async def test_other_paths_are_404_and_no_secret_is_ever_shown(
    stub: StubBotAPI, sessions: Any, clock: FakeClock
) -> None:
    harness = BotHarness(
        stub=stub,
        sessions=sessions,
        clock=clock,
        settings_overrides={
            "database_url": f"postgresql+psycopg://coach:{DB_PASSWORD}@127.0.0.1:1/coach",
            "telegram_webhook_url": "https://coach.example.org/telegram",
            "webhook_secret": WEBHOOK_SECRET,
        },
    )
    await harness.start()
    server = health_http.serve(harness.application, "127.0.0.1", 0)
    try:
        # A database error that quotes a secret (none is known to, but the mask is there).
        harness.deps.health.database_failed(f"password {DB_PASSWORD} and {TOKEN} refused")
        answers = [
            fetch(server.port, path)
            for path in ("/healthz", "/metrics", "/", "/healthz/x", f"/{TOKEN}", "/metricsx")
        ]
    finally:
        server.close()
        await harness.stop()
    assert [status for status, _, _ in answers] == [503, 200, 404, 404, 404, 404]
    assert answers[0][1].splitlines()[1] == "database unreachable: password *** and *** refused"
    for _, body, headers in answers:
        for secret in (TOKEN, WEBHOOK_SECRET, DB_PASSWORD, TOKEN.split(":")[1]):
            assert secret not in body
            assert secret not in str(headers)


async def test_start_serves_on_health_port_and_stop_ends_it(
    stub: StubBotAPI, sessions: Any, clock: FakeClock
) -> None:
    port = free_port()
    harness = BotHarness(
        stub=stub, sessions=sessions, clock=clock, settings_overrides={"health_port": port}
    )
    await harness.start()
    try:
        health_http.start(harness.application)
        assert fetch(port, "/healthz")[0] == 200
    finally:
        health_http.stop(harness.application)
        await harness.stop()
    with pytest.raises(urllib.error.URLError):
        fetch(port, "/healthz")


async def test_a_port_in_use_is_one_error_line_and_the_bot_runs_on(
    stub: StubBotAPI, sessions: Any, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = int(taken.getsockname()[1])
        harness = BotHarness(
            stub=stub, sessions=sessions, clock=clock, settings_overrides={"health_port": port}
        )
        await harness.start()
        try:
            health_http.start(harness.application)
            assert health_http.SERVER_KEY not in harness.application.bot_data
            assert "What I can do" in texts(await harness.say("/help"))
        finally:
            health_http.stop(harness.application)
            await harness.stop()
    errors = [r.getMessage() for r in caplog.records if r.name == "bot.health_http"]
    assert errors == [
        f"Cannot serve /healthz and /metrics on 127.0.0.1:{port} (Address already in use); "
        "HEALTH_LISTEN and HEALTH_PORT say where. The bot runs on without them."
    ]


async def test_no_health_port_no_server(bot: BotHarness) -> None:
    health_http.start(bot.application)
    assert health_http.SERVER_KEY not in bot.application.bot_data
    health_http.stop(bot.application)  # nothing to stop: no error


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# ---- the real process ---------------------------------------------------------------------


def test_the_bot_process_serves_healthz_and_metrics_on_health_port(tmp_path: Path) -> None:
    """``python -m bot`` with HEALTH_PORT: /healthz answers 200 once the bot is up, /metrics
    counts the runner's /start, and nothing the process says shows the token."""
    port = free_port()
    with StubBotAPI() as stub:
        env = bot_env(stub, sqlite_url(tmp_path / "coach.db"), HEALTH_PORT=str(port))
        process = BotProcess(stub, env, tmp_path)
        try:
            process.start()  # returns once it polls
            status, body, _ = fetch(port, "/healthz")
            assert status == 200, (body, process.tail())
            assert body.startswith("ok\n")
            mark = stub.call_count
            stub.send_text(CHAT, "/start")
            stub.wait_for("sendMessage", timeout=20, since=mark)
            deadline = time.monotonic() + 10
            while True:  # the count lands just after the reply leaves
                _, metrics, _ = fetch(port, "/metrics")
                if value(metrics, "strength_coach_updates_handled_total", kind="command"):
                    break
                assert time.monotonic() < deadline, metrics
                time.sleep(0.05)
            assert value(metrics, "process_resident_memory_bytes") > 0
            assert fetch(port, "/nothing-here")[0] == 404
            assert process.terminate() == 0
        finally:
            process.close()
        with pytest.raises(urllib.error.URLError):
            fetch(port, "/healthz")  # gone with the process
        output = process.output()
        assert f"Serving /healthz and /metrics on http://127.0.0.1:{port}" in output
        for secret in (TOKEN, TOKEN.split(":")[1]):
            assert secret not in output
            assert secret not in body and secret not in metrics


def test_a_webhook_process_is_healthy_without_any_getupdates(tmp_path: Path) -> None:
    """Webhook mode makes no getUpdates: past the watchdog's limit (3 s here) /healthz
    still answers 200, and says nothing about polling. (A 1 s limit with ticks every
    0.5 s drew a true 503 on a loaded machine: a tick took longer than the limit.)"""
    health_port, hook_port = free_port(), free_port()
    with StubBotAPI() as stub:
        env = webhook_env(
            stub,
            sqlite_url(tmp_path / "coach.db"),
            hook_port,
            HEALTH_PORT=str(health_port),
            WATCHDOG_STALL_SECONDS="3",
            REMINDER_TICK_SECONDS="0.5",
        )
        process = WebhookProcess(stub, env, tmp_path, hook_port)
        try:
            process.start()  # returns once the webhook is set and its server listens
            started = time.monotonic()
            while time.monotonic() - started < 5:  # past the stall limit
                status, body, _ = fetch(health_port, "/healthz")
                assert status == 200, (body, process.tail())
                time.sleep(0.1)
            assert body.splitlines()[0] == "ok"
            assert not any("getUpdates" in line for line in body.splitlines())
            assert stub.calls_to("getUpdates") == []
            _, metrics, _ = fetch(health_port, "/metrics")
            assert value(metrics, "strength_coach_healthy") == 1
            assert value(metrics, "strength_coach_last_poll_age_seconds") == 0
            assert process.terminate() == 0
        finally:
            process.close()
        for text in (body, metrics, process.output()):
            assert WEBHOOK_SECRET_OF_PROCESS not in text
            assert TOKEN not in text
