"""/metrics scraped while the real bot works: updates of each kind and their latency, a
fan-out of reminders with a 429 and a runner who blocked the bot, what is in flight, and
the send queue of the rate limiter."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from prometheus_client import generate_latest
from telegram.ext import CallbackContext

from bot import health_http
from bot.app import build_application
from bot.deps import get_deps
from bot.jobs.reminders import reminder_tick
from bot.metrics import METRICS_KEY, Metrics, metrics_of
from bot.rate_limit import PacedRateLimiter, Priority
from testkit.harness import CHAT, TOKEN, BotHarness, onboard, shared_content
from tests.test_health_http import Monotonic, fetch, samples, value
from tests.test_reminder_tick import NOW, reminded, seed

KINDS = ("command", "message", "callback_query", "my_chat_member")


@pytest.fixture
def served(bot: BotHarness) -> Iterator[health_http.HealthServer]:
    server = health_http.serve(bot.application, "127.0.0.1", 0)
    try:
        yield server
    finally:
        server.close()


def scrape(server: health_http.HealthServer) -> str:
    status, body, headers = fetch(server.port, "/metrics")
    assert status == 200
    assert headers["Content-Type"].startswith("text/plain; version=")
    return body


async def test_updates_are_counted_by_kind_with_their_handling_time(
    bot: BotHarness, served: health_http.HealthServer
) -> None:
    before = scrape(served)
    for kind in KINDS:
        assert value(before, "strength_coach_updates_handled_total", kind=kind) == 0
    await onboard(bot)  # /start, eleven typed answers, one tap on "Looks good"
    await bot.say("/help")
    await bot.press(1, "no-such-button")  # a forged button: "That button has expired"
    bot.stub.send_chat_member(CHAT, "member", "kicked")  # the runner blocks the bot
    await bot.pump()
    after = scrape(served)
    handled = {
        kind: value(after, "strength_coach_updates_handled_total", kind=kind) for kind in KINDS
    }
    assert handled == {"command": 2, "message": 11, "callback_query": 2, "my_chat_member": 1}
    for kind, count in handled.items():
        assert value(after, "strength_coach_update_handling_seconds_count", kind=kind) == count
        assert value(after, "strength_coach_update_handling_seconds_sum", kind=kind) > 0
    assert value(after, "strength_coach_updates_failed_total", kind="command") == 0


async def test_an_update_whose_handler_raised_is_counted_failed(
    bot: BotHarness, served: health_http.HealthServer
) -> None:
    # Telegram refuses the reply for good (a 400 is not retried): the handler raises, the
    # error handler tells the runner "something went wrong".
    bot.stub.fail_next("sendMessage", 400, "Bad Request: message is malformed")
    replies = await bot.say("/help")
    assert len(replies) == 1  # the error message; the help itself was refused
    text = scrape(served)
    assert value(text, "strength_coach_updates_failed_total", kind="command") == 1
    assert value(text, "strength_coach_updates_handled_total", kind="command") == 1
    assert value(text, "strength_coach_updates_failed_total", kind="message") == 0


async def test_a_fan_out_is_counted_with_its_429_and_a_blocked_runner(
    bot: BotHarness, clock, served: health_http.HealthServer
) -> None:
    """20 runners due at 07:00: one 429 (retry_after 3 s) on the way, one runner who
    blocked the bot; the others are reminded once each, and /metrics says all of it."""
    clock.set(NOW)
    chats = await seed(bot, 20)
    bot.stub.fail_next("sendMessage", 429, retry_after=3)
    bot.stub.fail_next(
        "sendMessage", 403, "Forbidden: bot was blocked by the user", chat_id=chats[5]
    )
    await reminder_tick(CallbackContext(bot.application))
    assert sum(reminded(bot).values()) == 19
    text = scrape(served)
    assert value(text, "strength_coach_reminders_planned_total") == 20
    assert value(text, "strength_coach_reminders_sent_total") == 19
    assert value(text, "strength_coach_reminders_blocked_total") == 1
    assert value(text, "strength_coach_reminders_failed_total") == 0
    assert value(text, "strength_coach_reminders_missed_total") == 0
    assert value(text, "strength_coach_reminders_possible_duplicates_total") == 0
    assert value(text, "strength_coach_telegram_429_total", priority="reminder") == 1
    assert value(text, "strength_coach_telegram_429_total", priority="reply") == 0
    assert value(text, "strength_coach_telegram_retry_after_seconds_count") == 1
    assert value(text, "strength_coach_telegram_retry_after_seconds_sum") == 3
    assert value(text, "strength_coach_reminder_tick_seconds_count") == 1
    assert value(text, "strength_coach_reminder_tick_failures_total") == 0
    assert value(text, "strength_coach_runners_blocked") == 1
    assert value(text, "strength_coach_runners_active") == 19
    assert value(text, "strength_coach_reminders_in_flight") == 0
    # A second tick has nothing due: the counters stay, the tick count grows.
    await reminder_tick(CallbackContext(bot.application))
    again = scrape(served)
    assert value(again, "strength_coach_reminders_sent_total") == 19
    assert value(again, "strength_coach_reminder_tick_seconds_count") == 2


async def test_a_possible_duplicate_is_counted(
    bot: BotHarness, clock, served: health_http.HealthServer
) -> None:
    clock.set(NOW)
    chats = await seed(bot, 3)
    # One send times out after Telegram took it; its retry is a possible duplicate.
    bot.stub.time_out_next("sendMessage", chat_id=chats[0])
    await reminder_tick(CallbackContext(bot.application))
    text = scrape(served)
    assert reminded(bot)[chats[0]] == 2  # the runner did get it twice
    assert value(text, "strength_coach_reminders_possible_duplicates_total") == 1
    assert value(text, "strength_coach_reminders_sent_total") == 3
    assert value(text, "strength_coach_reminders_planned_total") == 3


async def test_reminders_planned_too_late_are_counted_missed(
    bot: BotHarness, clock, served: health_http.HealthServer
) -> None:
    clock.set(NOW)
    await seed(bot, 2)  # due at 07:00 Berlin
    clock.advance(hours=7)  # 14:00: past REMINDER_CATCHUP_HOURS (6)
    await reminder_tick(CallbackContext(bot.application))
    text = scrape(served)
    assert value(text, "strength_coach_reminders_missed_total") == 2
    assert value(text, "strength_coach_reminders_planned_total") == 0
    assert value(text, "strength_coach_reminders_sent_total") == 0


async def test_reminders_in_flight_while_a_send_hangs(
    bot: BotHarness, clock, served: health_http.HealthServer
) -> None:
    clock.set(NOW)
    chats = await seed(bot, 3)
    gate = bot.stub.hold("sendMessage", chat_id=chats[0])
    tick = asyncio.create_task(reminder_tick(CallbackContext(bot.application)))
    try:
        for chat in chats[1:]:
            await bot.stub.wait_for_async(method="sendMessage", chat_id=chat, timeout=10)
        assert not tick.done()
        # The hanging one at least; the other two may still be being written down.
        assert 1 <= value(scrape(served), "strength_coach_reminders_in_flight") <= 3
    finally:
        gate.set()
        await tick
    assert value(scrape(served), "strength_coach_reminders_in_flight") == 0


async def test_the_send_queue_gauge_counts_replies_and_reminders_waiting_for_a_turn() -> None:
    """A limiter whose clock never moves until told: requests queue for their turn."""
    now = [1000.0]
    release = asyncio.Event()

    async def sleep(seconds: float) -> None:
        await release.wait()
        now[0] += seconds

    limiter = PacedRateLimiter(1, max_retries=0, monotonic=lambda: now[0], sleep=sleep)
    metrics = Metrics()
    metrics.read_at_scrape(
        waiting=limiter.waiting,
        in_flight=lambda: 0,
        chats_busy=lambda: 0,
        blocked=lambda: 0,
        tick_age=lambda: 0.0,
        poll_age=lambda: 0.0,
        healthy=lambda: True,
    )

    async def request(priority: Priority | None) -> object:
        async def call() -> bool:
            return True

        return await limiter.process_request(call, (), {}, "sendMessage", {"chat_id": 1}, priority)

    first = asyncio.create_task(request(None))
    await first  # the first turn is free
    waiting = [asyncio.create_task(request(p)) for p in (None, None, Priority.BULK, Priority.BULK)]
    await asyncio.sleep(0)
    text = generate_latest(metrics.registry).decode()
    assert value(text, "strength_coach_send_queue_waiting", priority="reply") == 2
    assert value(text, "strength_coach_send_queue_waiting", priority="reminder") == 2
    release.set()
    await asyncio.gather(*waiting)
    text = generate_latest(metrics.registry).decode()
    assert value(text, "strength_coach_send_queue_waiting", priority="reply") == 0
    assert value(text, "strength_coach_send_queue_waiting", priority="reminder") == 0


async def test_two_applications_in_one_process_count_apart(bot: BotHarness, sessions) -> None:
    other = build_application(
        bot.settings(), sessions=sessions, content=shared_content(), clock=bot.clock
    )
    await bot.say("/help")
    mine, theirs = metrics_of(bot.application), other.bot_data[METRICS_KEY]
    assert mine is not theirs
    ours = generate_latest(mine.registry).decode()
    others = generate_latest(theirs.registry).decode()
    assert value(ours, "strength_coach_updates_handled_total", kind="command") == 1
    assert value(others, "strength_coach_updates_handled_total", kind="command") == 0
    assert TOKEN not in ours


async def test_every_metric_is_named_with_the_prefix_and_its_unit(
    bot: BotHarness, served: health_http.HealthServer, monotonic: Monotonic
) -> None:
    names = {name for name, _ in samples(scrape(served))}
    ours = {name for name in names if not name.startswith(("process_", "python_"))}
    assert ours and all(name.startswith("strength_coach_") for name in ours), ours
    for name in ours:
        if "seconds" in name:
            assert name.split("_seconds")[1] in ("", "_bucket", "_count", "_sum", "_total")
    # A gauge of a deps field the scrape reads: runners who blocked the bot.
    get_deps(bot.application).inactive = {1, 2, 3}
    assert value(scrape(served), "strength_coach_runners_blocked") == 3


@pytest.fixture
def monotonic(bot: BotHarness) -> Monotonic:
    fake = Monotonic()
    bot.deps.health.monotonic = fake
    return fake
