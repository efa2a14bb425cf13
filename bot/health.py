"""Is the bot alive? The last finished reminder tick and the last successful getUpdates.

A stalled scheduler or poller fails silently — reminders just stop. A watchdog thread
(a thread, so it still runs when the event loop itself is stuck) logs it at ERROR.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from telegram.request import BaseRequest, RequestData

log = logging.getLogger("bot.watchdog")

CHECK_EVERY_SECONDS = 10.0


class Health:
    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._monotonic = monotonic
        started = monotonic()
        self.last_tick = started
        self.last_poll = started
        self.watch_polling = False

    def tick_completed(self) -> None:
        self.last_tick = self._monotonic()

    def poll_succeeded(self) -> None:
        self.last_poll = self._monotonic()

    def stalls(self, *, tick_limit: float, poll_limit: float) -> list[str]:
        """What has stalled, in words for the log; empty when all is well."""
        now = self._monotonic()
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


class Watchdog:
    def __init__(self, health: Health, *, tick_limit: float, poll_limit: float) -> None:
        self._health = health
        self._tick_limit = tick_limit
        self._poll_limit = poll_limit
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="watchdog", daemon=True)

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
