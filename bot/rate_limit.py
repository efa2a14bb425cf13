"""Pacing every message to Telegram's global limit, with replies ahead of reminders.

Why not PTB's ``AIORateLimiter``: it takes a slot from its bucket and *then* waits out a
429's ``retry_after``, so the slots handed out during that pause are all spent the moment
it ends — a burst on top of the paced stream, which Telegram answers with the next 429
(the fan-out benchmark measured 0.68 of the limit and ~1,900 429s per 10k reminders).
Here a request waits for its turn — turns come ``1 / rate`` seconds apart on a schedule
that restarts after a stall instead of catching up — and a 429 moves every later turn
behind its pause, so nothing ever goes out faster than the rate (0.968 of the limit, no
429s, in the same benchmark).

A fan-out of 10k reminders at 30 msg/s takes five and a half minutes. A runner who types
"done" meanwhile must not wait behind them, so reminders are sent as ``BULK``: they queue
in a line of their own and only one of them at a time competes for a turn, while replies
go straight to the front.

Only requests with a ``chat_id`` are paced (as Telegram counts them); ``getUpdates``,
``answerCallbackQuery`` and ``setMyCommands`` are not.

Replies (requests without a priority: everything a handler sends) are also retried here
when Telegram answers 5xx or the connection fails, a few times with backoff: a "done" is
written before its answer goes out, so one 502 must not leave the runner with "something
went wrong" and a retry that says "already logged". A *timeout* is different, as the
request may have reached Telegram. A new message is not sent again: a duplicate
"✅ Logged" is worse than a lost one, which the runner can ask for again with /today, and
the error handler stays quiet about it (``bot.handlers.guards.on_error``). A callback
answer that timed out counts as given (a second answer is refused, a lost one only
leaves the button's spinner on), so the handler goes on to its reply. Requests that
change nothing when repeated (edits, deletions, the command menu) and timeouts before
anything was sent (connecting, waiting for a pooled connection) are retried like a 5xx;
an edit whose retry finds it "not modified" had arrived the first time. Reminders
(``Priority.BULK`` / ``TURN_TAKEN``) get none of this: ``bot.sending`` retries them and
keeps count of possible duplicates.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from enum import Enum
from typing import Any

import httpx
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import BaseRateLimiter

from bot.sending import retry_after_seconds

JSONDict = dict[str, Any]

# A pause can start while a request waits for its turn; it looks again this many times.
MAX_PAUSES = 100
# Turns are handed out at this share of the rate. Requests reach Telegram after varying
# network delays, so two that left one interval apart can arrive closer together; at
# exactly the rate, the 10k fan-out drew a 429 (a second of silence) every ~15 s.
HEADROOM = 0.97
# Lateness up to this share of an interval is the timer's, and turns keep to their
# schedule; beyond it (a stall), the next turn counts from when this one really left.
LATE_SHARE = 0.25
# Waits before each retry of a reply after a 5xx or a failed connection: 3.75 s in all,
# about the time a runner waits for an answer before typing again. A chosen budget, not a
# measured one; the failures it covers (a 502 while Telegram's front end restarts, a
# reset connection) are over on the next attempt in the project's fault tests.
REPLY_BACKOFF = (0.25, 0.5, 1.0, 2.0)
# Requests that leave Telegram's state the same when repeated: safe to retry even when a
# timeout leaves open whether the first one arrived.
IDEMPOTENT = frozenset(
    {
        "deleteMessage",
        "deleteMyCommands",
        "editMessageReplyMarkup",
        "editMessageText",
        "getMe",
        "setChatMenuButton",
        "setMyCommands",
        "setMyDescription",
        "setMyShortDescription",
    }
)
# PTB's own polling loop retries getUpdates with its own backoff.
NOT_RETRIED = frozenset({"getUpdates"})


class Priority(Enum):
    """Passed as ``rate_limit_args``: ``send_message(…, rate_limit_args=Priority.BULK)``."""

    BULK = "bulk"  # can wait behind replies
    # The caller already waited for its turn (``wait_turn``): no pacing here, and a 429 is
    # raised at once (after pausing everyone else) so the caller decides about the retry.
    TURN_TAKEN = "turn-taken"


Monotonic = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class PacedRateLimiter(BaseRateLimiter[Priority]):
    def __init__(
        self,
        rate: float,
        max_retries: int,
        *,
        monotonic: Monotonic | None = None,
        sleep: Sleep = asyncio.sleep,
        backoff_sleep: Sleep | None = None,
    ) -> None:
        """``rate`` messages per second overall (0: no pacing, for tests); a request that
        gets a 429 is retried up to ``max_retries`` times after its ``retry_after``.
        ``monotonic`` and ``sleep`` are the event loop's unless a test brings its own;
        ``backoff_sleep`` waits between a reply's retries (``sleep`` if not given;
        ``build_application`` passes ``Deps.sleep``, which tests run on a fake clock)."""
        self.interval = 1 / (rate * HEADROOM) if rate > 0 else 0.0
        self._late = self.interval * LATE_SHARE
        self.max_retries = max_retries
        self._monotonic = monotonic
        self._sleep = sleep
        self.backoff_sleep: Sleep = backoff_sleep or sleep
        self._last = float("-inf")  # when the last paced request left
        self._granted = float("-inf")  # when the last turn was really handed out
        self._paused_until = 0.0
        self._gate = asyncio.Lock()  # FIFO: turns are handed out in arrival order
        self._bulk_line = asyncio.Lock()  # at most one bulk request waits at the gate
        # Requests waiting for a turn now (``waiting``; /metrics reads them).
        self._waiting_replies = 0
        self._waiting_reminders = 0
        #: Told of every 429: whether a reminder (not a reply) drew it, and its
        #: ``retry_after`` in seconds (``bot.metrics``); None: nobody.
        self.on_retry_after: Callable[[bool, float], None] | None = None

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""

    def _now(self) -> float:
        return self._monotonic() if self._monotonic else asyncio.get_running_loop().time()

    async def _turn(self) -> None:
        """Turns one ``interval`` apart on a schedule: a timer's small lateness does not
        stretch the next interval, and after a stall (a quarter interval or more) the
        schedule starts again from now, so the queue never leaves in a burst. Any second
        holds as many turns as the rate allows, give or take that quarter interval."""
        async with self._gate:
            for _ in range(MAX_PAUSES):
                turn = max(self._last + self.interval, self._paused_until)
                wait = turn - self._now()
                if wait <= 0:
                    break
                await self._sleep(wait)
            now = self._now()
            # A timer wakes a little late: counting the next turn from when it woke would
            # add that lateness to every interval (the 10k fan-out ran at 0.949 of the
            # limit instead of 0.97, with no 429s), so turns keep to their schedule. After
            # a stall they start again from now instead of catching up in a burst.
            self._last = turn if now - turn <= self._late else now
            self._granted = now

    async def wait_turn(self, priority: Priority | None = Priority.BULK) -> None:
        """Wait for a turn to send, for callers that must do something right before their
        request leaves (the reminder job confirms it still owns the reminder)."""
        if self.interval > 0:
            await self._wait_turn(priority)

    def waiting(self, priority: str) -> int:
        """Requests waiting for a turn now: ``"reply"`` or ``"reminder"`` (bulk)."""
        return self._waiting_reminders if priority == "reminder" else self._waiting_replies

    async def _wait_turn(self, priority: Priority | None) -> None:
        if priority is Priority.BULK:
            self._waiting_reminders += 1
            try:
                async with self._bulk_line:
                    await self._turn()
            finally:
                self._waiting_reminders -= 1
        else:
            self._waiting_replies += 1
            try:
                await self._turn()
            finally:
                self._waiting_replies -= 1

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Priority | None,
    ) -> bool | JSONDict | list[JSONDict]:
        turn_taken = rate_limit_args is Priority.TURN_TAKEN
        paced = self.interval > 0 and data.get("chat_id") is not None and not turn_taken
        retries = 0 if turn_taken else self.max_retries
        is_reply = rate_limit_args is None and endpoint not in NOT_RETRIED
        backoff = iter(REPLY_BACKOFF if is_reply else ())
        attempt = 0
        timed_out = False
        while True:
            if paced:
                await self._wait_turn(rate_limit_args)
            elif turn_taken and self.interval > 0 and self._now() - self._granted > self._late:
                # It leaves well after its turn (its caller had to check the database
                # again after a long wait): the next turn counts from here, or the two
                # would reach Telegram closer together than one interval. Small delays
                # are left alone: they would lengthen every interval, and it takes a
                # whole interval of difference for a message to arrive early enough to
                # draw a 429. The delay counts from when the turn was handed out, not
                # from its place on the schedule: the timer's lateness was already
                # allowed for in ``_turn``, and counting it again with the check's
                # round trip pushed a quarter of the sends past a quarter interval on
                # PostgreSQL (the 3k fan-out at 100/s ran at 0.894 of the limit; 0.957
                # so). At most half an interval (two allowances) separates a send from
                # its turn, so none leaves after the next turn and no second holds more
                # than the rate plus half a turn.
                self._last = self._now()
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                # In seconds, through PTB's public attribute (bot/sending.py).
                pause = retry_after_seconds(exc)
                if self.on_retry_after is not None:
                    self.on_retry_after(rate_limit_args is not None, pause)
                if turn_taken or attempt == retries:
                    self._paused_until = max(self._paused_until, self._now() + pause)
                    raise
                attempt += 1
                if paced:
                    self._paused_until = max(self._paused_until, self._now() + pause)
                else:
                    await self._sleep(pause)
            except BadRequest as exc:
                if timed_out and "not modified" in exc.message:
                    return True  # the edit that timed out had arrived after all
                raise  # the request itself is wrong: the same one fails again
            except NetworkError as exc:  # 5xx, resets, timeouts
                if isinstance(exc, TimedOut):
                    if endpoint == "answerCallbackQuery":
                        # Answered or not, it is over: a second answer is refused
                        # ("query is too old"), and a lost one only leaves the button's
                        # spinner on. The handler goes on to the reply that matters.
                        return True
                    if not retry_after_timeout(endpoint, exc):
                        raise
                    timed_out = True
                delay = next(backoff, None)
                if delay is None:
                    raise
                await self.backoff_sleep(delay)


def retry_after_timeout(endpoint: str, exc: TimedOut) -> bool:
    """Whether a reply that timed out may be sent again: only if repeating it changes
    nothing, or if it provably never left (PTB raises ``TimedOut`` from httpx's connect
    and pool timeouts too, and keeps httpx's exception as the cause)."""
    never_sent = isinstance(exc.__cause__, httpx.ConnectTimeout | httpx.PoolTimeout)
    return endpoint in IDEMPOTENT or never_sent
