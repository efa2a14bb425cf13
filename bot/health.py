"""Is the bot alive? The last finished reminder tick, the last successful getUpdates, and
whether the database answered the last time the bot needed it.

A stalled scheduler or poller fails silently — reminders just stop. A watchdog thread
(a thread, so it still runs when the event loop itself is stuck) logs it at ERROR, and
``/healthz`` (``bot/health_http.py``, a thread too) answers 503 with the same words.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from telegram.error import Conflict, TelegramError
from telegram.request import BaseRequest, RequestData

log = logging.getLogger("bot.watchdog")

CHECK_EVERY_SECONDS = 10.0
#: While getUpdates keeps failing, one ERROR line per kind of failure per this many seconds.
#: PTB (22.x) retries a failed getUpdates after 1 s, then 1.5 times longer each time up to
#: 30 s: 11 attempts in the first two minutes of an outage, each one a traceback before this.
POLL_ERROR_LOG_EVERY_SECONDS = 60.0


class Health:
    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        #: Where "now" comes from; a test swaps in a fake one to make a stall.
        self.monotonic = monotonic
        started = monotonic()
        self.last_tick = started
        self.last_poll = started
        # False in webhook mode and for an instance that does not poll: no getUpdates to
        # wait for, so none can stall.
        self.watch_polling = False
        # The current run of failed getUpdates (0 while polling works): its length and start.
        self.poll_failures = 0
        self.poll_failing_since = started
        # Why the database looked unreachable the last time the bot needed it (a reminder
        # tick, or a handler), in words safe to show; None once it answered again.
        self.database_problem: str | None = None

    def now(self) -> float:
        return self.monotonic()

    def tick_completed(self) -> None:
        self.last_tick = self.monotonic()

    def database_failed(self, why: str) -> None:
        """The database failed with an error that may pass (``bot.store.faults``): the
        bot is not working until it answers again."""
        self.database_problem = why

    def database_answered(self) -> None:
        self.database_problem = None

    def poll_succeeded(self) -> None:
        self.last_poll = self.monotonic()
        if self.poll_failures:
            log.info(
                "Polling Telegram works again: getUpdates succeeded after %d failed attempts "
                "in %.0f s",
                self.poll_failures,
                self.last_poll - self.poll_failing_since,
            )
            self.poll_failures = 0

    def poll_failed(self) -> int:
        """Count a failed getUpdates; returns how many in a row, this one included."""
        if not self.poll_failures:
            self.poll_failing_since = self.monotonic()
        self.poll_failures += 1
        return self.poll_failures

    def stalls(self, *, tick_limit: float, poll_limit: float) -> list[str]:
        """What has stalled, in words for the log; empty when all is well."""
        now = self.monotonic()
        found = []
        if now - self.last_tick > tick_limit:
            found.append(
                f"reminder scheduler stalled: no tick finished for {now - self.last_tick:.0f} s"
            )
        if self.watch_polling and now - self.last_poll > poll_limit:
            found.append(
                f"update polling stalled: no successful getUpdates for {now - self.last_poll:.0f} s"
            )
        return found

    def problems(self, *, tick_limit: float, poll_limit: float) -> list[str]:
        """Everything that makes the bot unhealthy now: the stalls, and a database that
        failed the last time it was needed."""
        found = self.stalls(tick_limit=tick_limit, poll_limit=poll_limit)
        if self.database_problem is not None:
            found.append(f"database unreachable: {self.database_problem}")
        return found


class Watchdog:
    def __init__(self, health: Health, *, tick_limit: float, poll_limit: float) -> None:
        self._health = health
        self._tick_limit = tick_limit
        self._poll_limit = poll_limit
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="watchdog", daemon=True)

    @property
    def health(self) -> Health:
        return self._health

    def problems(self) -> list[str]:
        """What ``/healthz`` reports (its limits are the watchdog's), without logging."""
        return self._health.problems(tick_limit=self._tick_limit, poll_limit=self._poll_limit)

    def check(self) -> list[str]:
        stalls = self._health.stalls(tick_limit=self._tick_limit, poll_limit=self._poll_limit)
        for stall in stalls:
            log.error("WATCHDOG: %s — reminders or replies are not going out", stall)
        return stalls

    def _run(self) -> None:
        while not self._stop.wait(CHECK_EVERY_SECONDS):
            self.check()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()


class PollErrorLog:
    """``Updater.start_polling``'s ``error_callback``: a failing getUpdates, in one line.

    Without it PTB hands each failure to the error handlers, which log a full traceback
    under "Error while handling an update": for a 409 Conflict (another process polling
    with the same token) that was a traceback at 0, 1, 2.5, 4.75, 8.1 ... s and then every
    30 s, none of them saying what is wrong. Here each kind of failure is one ERROR line naming
    the cause, at most once a minute while it lasts; a success in between ends the run (and
    ``Health.poll_succeeded`` says so), so the next failure is reported at once.
    """

    def __init__(self, health: Health, *, every: float = POLL_ERROR_LOG_EVERY_SECONDS) -> None:
        self._health = health
        self._every = every
        self._last_logged: dict[str, float] = {}

    def __call__(self, error: TelegramError) -> None:
        if not self._health.poll_failures:
            self._last_logged.clear()  # a new run of failures: report it at once
        failures = self._health.poll_failed()
        kind = type(error).__name__
        now = self._health.now()
        last = self._last_logged.get(kind)
        if last is not None and now - last < self._every:
            return
        self._last_logged[kind] = now
        log.error("%s", describe_poll_error(error, failures, self._every))


def describe_poll_error(error: TelegramError, failures: int, every: float) -> str:
    """One line: what failed, why, what to do, and that it will not flood the log."""
    repeat = (
        f"{failures} failed attempt{'s' if failures != 1 else ''} so far; retrying, "
        f"this line repeats at most every {every:.0f} s while it lasts"
    )
    if isinstance(error, Conflict):
        return (
            "Polling Telegram failed with 409 Conflict: another process is using this bot "
            "token (another copy of the bot, here or on another host, or a webhook). Stop the "
            f"other one. Telegram says: {error.message} ({repeat})"
        )
    return f"Polling Telegram failed ({type(error).__name__}: {error.message}) ({repeat})"


class PollWatch(BaseRequest):
    """Wraps the getUpdates request to note every successful poll."""

    def __init__(self, inner: BaseRequest, health: Health) -> None:
        self._inner = inner
        self._health = health

    @property
    def read_timeout(self) -> float | None:
        return self._inner.read_timeout

    async def initialize(self) -> None:
        await self._inner.initialize()

    async def shutdown(self) -> None:
        await self._inner.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        status, payload = await self._inner.do_request(
            url, method, request_data, read_timeout, write_timeout, connect_timeout, pool_timeout
        )
        if status == 200 and url.endswith("/getUpdates"):
            self._health.poll_succeeded()
        return status, payload
