"""A reply that meets a 5xx or a dropped connection is sent again, a few seconds at most;
a reply that timed out (and may have arrived) is neither sent again nor followed by
"something went wrong". Reminders get none of this here: bot/sending.py retries them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlmodel import select
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from bot.rate_limit import PacedRateLimiter, Priority
from bot.store.db import transaction
from bot.store.models import SessionLog
from testkit.harness import CHAT, BotHarness, onboard, texts
from tests.planned_day import session_label

ERROR = "something went wrong"


async def logs(bot: BotHarness) -> list[SessionLog]:
    async with transaction(bot.sessions) as session:
        return list((await session.exec(select(SessionLog))).all())


@pytest.mark.parametrize("code", [500, 502])
async def test_one_5xx_on_the_answer_to_done_is_retried(bot: BotHarness, code: int) -> None:
    await onboard(bot)
    logged = f"Logged: {await session_label(bot)} — today"
    bot.sleeps.clear()
    bot.stub.fail_next("sendMessage", code, chat_id=CHAT)
    replies = await bot.say("done")
    assert len(replies) == 1 and logged in replies[0]["text"], texts(replies)
    assert ERROR not in texts(replies)
    assert bot.sleeps == [0.25]  # on the fake clock: no real waiting in tests
    assert len(await logs(bot)) == 1
    # ...so a second "done" is not needed, and says what the first one did.
    assert "already logged" in texts(await bot.say("done"))


async def test_retries_of_a_reply_are_bounded_to_a_few_seconds(bot: BotHarness) -> None:
    await onboard(bot)
    bot.sleeps.clear()
    bot.stub.fail_next("sendMessage", 502, times=5, chat_id=CHAT)
    replies = await bot.say("/help")
    # Four retries after the first attempt (3.75 s in all), then the error handler.
    assert bot.sleeps == [0.25, 0.5, 1.0, 2.0]
    assert [r["text"] for r in replies] == [bot.deps.content.texts("misc.error")]


async def test_a_reply_delivered_but_timed_out_is_not_followed_by_an_error(
    bot: BotHarness,
) -> None:
    await onboard(bot)
    logged = f"Logged: {await session_label(bot)} — today"
    bot.stub.time_out_next("sendMessage", chat_id=CHAT, delivered=True)
    replies = await bot.say("done")
    # Delivered once, not sent again, and no "something went wrong" after it.
    assert len(replies) == 1 and logged in replies[0]["text"], texts(replies)
    assert len(bot.stub.calls_to("sendMessage")) == len(bot.stub.sent_messages())
    assert len(await logs(bot)) == 1


async def test_a_timed_out_callback_answer_is_not_answered_twice(bot: BotHarness) -> None:
    await onboard(bot)
    logged = f"Logged: {await session_label(bot)} — today"
    [session] = await bot.say("/today")
    bot.stub.time_out_next("answerCallbackQuery", delivered=True)
    replies = await bot.tap("Done", session)
    # The toast may or may not have shown; the reply that matters still comes.
    assert len(replies) == 1 and logged in replies[0]["text"], texts(replies)
    # The query was answered once (a second answer is refused by Telegram).
    assert all(call.ok for call in bot.stub.calls_to("answerCallbackQuery"))


async def test_a_5xx_on_a_button_answer_is_retried(bot: BotHarness) -> None:
    await onboard(bot)
    logged = f"Logged: {await session_label(bot)} — today"
    [session] = await bot.say("/today")
    bot.stub.fail_next("answerCallbackQuery", 500)
    replies = await bot.tap("Done", session)
    assert len(replies) == 1 and logged in replies[0]["text"], texts(replies)
    assert [call.ok for call in bot.stub.calls_to("answerCallbackQuery")][-2:] == [False, True]


# ---------------------------------------------------------------- the limiter on its own


class Recorder:
    """A Bot API call that fails as told, then succeeds; counts its attempts."""

    def __init__(self, *failures: Exception) -> None:
        self.failures = list(failures)
        self.attempts = 0

    async def __call__(self) -> Any:
        self.attempts += 1
        if self.failures:
            raise self.failures.pop(0)
        return {"ok": True}


def limiter(waits: list[float]) -> PacedRateLimiter:
    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    return PacedRateLimiter(0, 3, sleep=sleep)


async def call(
    rl: PacedRateLimiter, recorder: Recorder, endpoint: str, priority: Priority | None = None
) -> Any:
    return await rl.process_request(recorder, (), {}, endpoint, {"chat_id": 1}, priority)


@pytest.mark.parametrize("priority", [Priority.BULK, Priority.TURN_TAKEN])
async def test_reminders_gain_no_retries_in_the_limiter(priority: Priority) -> None:
    waits: list[float] = []
    recorder = Recorder(NetworkError("Bad Gateway"))
    with pytest.raises(NetworkError):
        await call(limiter(waits), recorder, "sendMessage", priority)
    assert (recorder.attempts, waits) == (1, [])


async def test_a_reply_that_timed_out_is_not_sent_again() -> None:
    waits: list[float] = []
    recorder = Recorder(TimedOut())
    with pytest.raises(TimedOut):
        await call(limiter(waits), recorder, "sendMessage")
    assert (recorder.attempts, waits) == (1, [])


@pytest.mark.parametrize("cause", [httpx.ConnectTimeout("x"), httpx.PoolTimeout("x")])
async def test_a_timeout_before_anything_was_sent_is_retried(cause: Exception) -> None:
    timed_out = TimedOut()
    timed_out.__cause__ = cause
    waits: list[float] = []
    recorder = Recorder(timed_out)
    assert await call(limiter(waits), recorder, "sendMessage") == {"ok": True}
    assert (recorder.attempts, waits) == (2, [0.25])


async def test_an_edit_that_timed_out_is_retried_and_not_modified_means_done() -> None:
    waits: list[float] = []
    recorder = Recorder(TimedOut(), BadRequest("Message is not modified: specified new ..."))
    assert await call(limiter(waits), recorder, "editMessageReplyMarkup") is True
    assert recorder.attempts == 2


async def test_a_bad_request_is_never_retried() -> None:
    waits: list[float] = []
    recorder = Recorder(BadRequest("Message is too long"))
    with pytest.raises(BadRequest):
        await call(limiter(waits), recorder, "sendMessage")
    assert (recorder.attempts, waits) == (1, [])


async def test_429_and_5xx_retries_add_up_without_eating_each_other() -> None:
    waits: list[float] = []
    recorder = Recorder(
        NetworkError("Bad Gateway"), RetryAfter(timedelta(seconds=1)), NetworkError("reset")
    )
    assert await call(limiter(waits), recorder, "sendMessage") == {"ok": True}
    assert recorder.attempts == 4
    assert waits == [0.25, 1.0, 0.5]  # backoff, retry_after, backoff
