"""The bot's rate limiter: paced to the limit, never bursting, replies ahead of reminders.

A fake monotonic clock and a sleep that advances it: what is checked is when each request
*leaves*, which is exactly what Telegram's global limit counts.
"""

from __future__ import annotations

import asyncio
import itertools
from datetime import timedelta
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.rate_limit import HEADROOM, PacedRateLimiter, Priority


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0)
        await asyncio.sleep(0)


def limiter(time: FakeTime, rate: float = 10, max_retries: int = 3) -> PacedRateLimiter:
    return PacedRateLimiter(rate, max_retries, monotonic=time, sleep=time.sleep)


async def send(
    rl: PacedRateLimiter,
    time: FakeTime,
    left: list[tuple[str, float]],
    name: str,
    *,
    chat_id: int | None = 1,
    priority: Priority | None = None,
    fail_with: list[Exception] | None = None,
) -> Any:
    async def callback() -> dict[str, Any]:
        left.append((name, time.now))
        if fail_with:
            raise fail_with.pop(0)
        return {"ok": True}

    data = {"chat_id": chat_id} if chat_id is not None else {}
    return await rl.process_request(callback, (), {}, "sendMessage", data, priority)


async def test_requests_leave_one_interval_apart_never_in_a_burst() -> None:
    time = FakeTime()
    rl = limiter(time, rate=10)
    left: list[tuple[str, float]] = []
    await asyncio.gather(*(send(rl, time, left, f"m{i}") for i in range(20)))
    times = [at for _, at in left]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(times) == 20
    assert min(gaps) == pytest.approx(0.1 / HEADROOM)
    # 20 messages at 10/s: 19 intervals, each a little over a tenth of a second.
    assert times[-1] - times[0] == pytest.approx(1.9 / HEADROOM)


async def test_requests_without_a_chat_are_not_paced() -> None:
    time = FakeTime()
    rl = limiter(time, rate=1)
    left: list[tuple[str, float]] = []
    await asyncio.gather(*(send(rl, time, left, f"u{i}", chat_id=None) for i in range(5)))
    assert {at for _, at in left} == {1000.0}


async def test_a_reply_overtakes_a_queue_of_reminders() -> None:
    time = FakeTime()
    rl = limiter(time, rate=10)
    left: list[tuple[str, float]] = []
    bulk = [
        asyncio.create_task(send(rl, time, left, f"reminder{i}", priority=Priority.BULK))
        for i in range(10)
    ]
    await asyncio.sleep(0)
    reply = asyncio.create_task(send(rl, time, left, "reply"))
    await asyncio.gather(reply, *bulk)
    order = [name for name, _ in left]
    # At most one reminder is already waiting at the gate ahead of the reply.
    assert order.index("reply") <= 2
    assert sorted(order) == sorted([f"reminder{i}" for i in range(10)] + ["reply"])


async def test_a_429_pauses_every_later_request_then_retries() -> None:
    time = FakeTime()
    rl = limiter(time, rate=10)
    left: list[tuple[str, float]] = []
    storm = [RetryAfter(timedelta(seconds=3))]
    first = asyncio.create_task(send(rl, time, left, "a", fail_with=storm))
    others = [asyncio.create_task(send(rl, time, left, f"b{i}")) for i in range(3)]
    assert (await first) == {"ok": True}
    await asyncio.gather(*others)
    attempts = [name for name, _ in left]
    assert attempts.count("a") == 2
    failed_at = left[0][1]
    # Nothing left during the pause, and afterwards still one interval apart.
    after = sorted(at for name, at in left[1:])
    assert all(at >= failed_at + 3 for at in after)
    assert all(b - a >= 0.1 / HEADROOM - 1e-9 for a, b in itertools.pairwise(after))


async def test_a_429_after_the_last_retry_is_raised() -> None:
    time = FakeTime()
    rl = limiter(time, rate=10, max_retries=2)
    left: list[tuple[str, float]] = []
    storm: list[Exception] = [RetryAfter(timedelta(seconds=1)) for _ in range(3)]
    with pytest.raises(RetryAfter):
        await send(rl, time, left, "a", fail_with=storm)
    assert len(left) == 3


async def test_unpaced_limiter_still_retries_a_429() -> None:
    time = FakeTime()
    rl = limiter(time, rate=0)
    left: list[tuple[str, float]] = []
    storm: list[Exception] = [RetryAfter(timedelta(seconds=2))]
    assert await send(rl, time, left, "a", fail_with=storm) == {"ok": True}
    assert [at for _, at in left] == [1000.0, 1002.0]


async def test_a_caller_that_took_its_turn_is_not_paced_again_and_decides_on_429() -> None:
    time = FakeTime()
    rl = limiter(time, rate=10)
    left: list[tuple[str, float]] = []
    await rl.wait_turn(Priority.BULK)
    await send(rl, time, left, "a", priority=Priority.TURN_TAKEN)
    assert left == [("a", 1000.0)]
    storm: list[Exception] = [RetryAfter(timedelta(seconds=2))]
    with pytest.raises(RetryAfter):
        await send(rl, time, left, "b", priority=Priority.TURN_TAKEN, fail_with=storm)
    # Everyone else waits out the pause.
    await send(rl, time, left, "c")
    assert left[-1] == ("c", pytest.approx(1002.0))


async def test_a_turn_that_leaves_late_pushes_the_next_turn_back() -> None:
    """The reminder job checks the database between its turn and its send; if that check
    waited, the next request must still leave a whole interval after this one really left,
    or the two reach Telegram closer together than the limit allows."""
    time = FakeTime()
    rl = limiter(time, rate=10)
    left: list[tuple[str, float]] = []
    await rl.wait_turn(Priority.BULK)
    time.now += 0.05  # the database check took 50 ms
    await send(rl, time, left, "late", priority=Priority.TURN_TAKEN)
    await send(rl, time, left, "next")
    (_, late), (_, following) = left
    assert late == pytest.approx(1000.05)
    assert following - late == pytest.approx(0.1 / HEADROOM)


class LateTimers(FakeTime):
    """Every sleep wakes a millisecond late, as the event loop's timers do under load."""

    async def sleep(self, seconds: float) -> None:
        await super().sleep(seconds + 0.001)


async def test_timers_that_wake_late_do_not_slow_the_pace() -> None:
    time = LateTimers()
    rl = limiter(time, rate=10)
    left: list[tuple[str, float]] = []
    await asyncio.gather(*(send(rl, time, left, f"m{i}") for i in range(50)))
    times = [at for _, at in left]
    # On schedule: 49 intervals and one timer's lateness, not 49 of them.
    assert times[-1] - times[0] == pytest.approx(4.9 / HEADROOM + 0.001)
    # And never closer together than an interval less that lateness.
    assert min(b - a for a, b in itertools.pairwise(times)) >= 0.1 / HEADROOM - 0.001 - 1e-9


async def test_after_a_stall_turns_start_again_instead_of_bursting() -> None:
    time = FakeTime()
    rl = limiter(time, rate=10)
    left: list[tuple[str, float]] = []
    await send(rl, time, left, "a")
    time.now += 5.0  # the loop was stalled, or nothing was sent for a while
    await asyncio.gather(*(send(rl, time, left, f"b{i}") for i in range(5)))
    times = [at for _, at in left[1:]]
    assert times[0] == pytest.approx(1005.0)
    assert all(b - a == pytest.approx(0.1 / HEADROOM) for a, b in itertools.pairwise(times))
