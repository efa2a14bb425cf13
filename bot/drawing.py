"""Drawing /progress pictures off the event loop, a bounded number at once.

A chart costs ~0.3 s of CPU (bot/messages/progress_chart.py; bench.progress_chart prints
it), far too long for the event loop, which every runner's update and the reminder tick
share. So charts are drawn in worker **processes**, at most ``CHART_CONCURRENCY`` at
once (default 2, this machine's cores); more requests wait for a slot on the loop,
costing it nothing.

Why processes and not threads, measured on this 2-core machine (20 charts requested at
once, 2 workers, a 5 ms ticker on the loop; one-off script, while other test runs
shared the machine, load average ~8):

    pool                     wall for 20    loop lag p99     loop lag max
    threads (2)              12.1 / 15.1 s  103 / 46 ms      677 / 561 ms
    processes, spawn (2)     13.6 s         32 ms            108 ms
    processes, forkserver    14.7 s         55 ms            123 ms

A thread drawing holds the GIL through matplotlib's Agg rendering, so the loop waits for
it in slices of up to half a second; a process shares no GIL. Throughput is the same (the
two cores are the limit either way). Two more things took the loop's lag down (4 charts,
cold then warm, the machine at load ~8): workers run at a lower CPU priority
(``progress_chart.prepare_worker``; warm p99 ~50 -> ~17-48 ms) and a chart is submitted
from a thread, since the pool starts a worker process inside ``submit`` (cold max 90-170
-> 70 ms). ``bench.progress_chart`` measures it through the whole bot.

The price: each worker process imports matplotlib (3.6 s to start here; 78 MB RSS
after its first chart), so workers start at the first chart, not with the bot
(tests/test_drawing.py: building the bot imports no matplotlib), and stay for the next.
``spawn``, not ``fork``: forking a process that runs threads (the loop's executors,
PTB's) may copy a held lock into the child. As with any spawned worker, a script that
starts the bot must guard its start with ``if __name__ == "__main__"`` (``python -m bot``
and ``strength-coach`` do).

A worker that dies (killed, out of memory) fails the charts it had with
``BrokenProcessPool`` and the next chart starts a new pool; a chart that takes longer
than ``DRAW_TIMEOUT_S`` fails with ``TimeoutError``: the caller answers either way and
never hangs.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from telegram.ext import Application

from bot.deps import get_deps
from bot.messages import progress_chart
from bot.messages.progress_chart import ChartData

log = logging.getLogger(__name__)

DRAWER_KEY = "drawer"
# A chart takes ~0.3 s alone; a new worker's first waits ~3.6 s for the process to start
# and import matplotlib, 10-20 s on this machine at load average 9-15 (bench.progress_chart).
# Three times the worst of those is a worker gone wrong, not a slow chart.
DRAW_TIMEOUT_S = 60.0

Draw = Callable[[ChartData], bytes]


class Drawer:
    """One per application (``drawer_of``): ``await drawer.draw(data)`` waits for a free
    slot, then draws in a worker process and returns the PNG."""

    def __init__(
        self,
        concurrency: int,
        *,
        draw: Draw = progress_chart.draw,
        timeout: float = DRAW_TIMEOUT_S,
    ) -> None:
        self.concurrency = concurrency
        self.timeout = timeout
        self._draw = draw
        self._slots = asyncio.Semaphore(concurrency)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pool: Executor | None = None
        self._closed = False
        #: The application ``drawer_of`` made it for (``close_drawer`` closes only those).
        self.owner: object | None = None
        #: Charts drawing now (at most ``concurrency``) and waiting for a slot.
        self.drawing = 0
        self.waiting = 0

    @property
    def started(self) -> bool:
        """Whether worker processes may be running (a chart was asked for)."""
        return self._pool is not None

    @property
    def closed(self) -> bool:
        return self._closed

    def _slots_here(self) -> asyncio.Semaphore:
        """The slots, for this event loop: a semaphore belongs to the loop it first waited
        in, and one drawer may serve several loops one after another (a test module's
        shared drawer: its worker processes start once). The workers are shared anyway."""
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            if self._loop is not None and self.drawing:
                raise RuntimeError("the drawer is drawing for another event loop")
            self._loop = loop
            self._slots = asyncio.Semaphore(self.concurrency)
        return self._slots

    def _executor(self) -> Executor:
        if self._closed:
            raise RuntimeError("the drawer is closed")
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.concurrency,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=progress_chart.prepare_worker,
            )
        return self._pool

    async def draw(self, data: ChartData) -> bytes:
        """The chart's PNG; the drawing's own exception if it failed, ``BrokenProcessPool``
        if its worker died, ``TimeoutError`` after ``timeout`` seconds."""
        slots = self._slots_here()
        self.waiting += 1
        try:
            await slots.acquire()
        finally:
            self.waiting -= 1
        self.drawing += 1
        try:
            pool = self._executor()
            # Submitted from a thread: the pool starts a worker process inside submit(),
            # which took up to 170 ms of the loop on this machine under load.
            submitted = await asyncio.to_thread(pool.submit, self._draw, data)
            try:
                return await asyncio.wait_for(asyncio.wrap_future(submitted), self.timeout)
            except (BrokenProcessPool, TimeoutError):
                # A dead or stuck worker: the next chart gets a new pool.
                self._replace(pool)
                raise
        finally:
            self.drawing -= 1
            slots.release()

    def _replace(self, pool: Executor) -> None:
        if self._pool is pool:
            self._pool = None
            # Charts already in its workers finish or fail on their own; none waits in
            # its queue (the slots submit no more than it has workers).
            pool.shutdown(wait=False)
            log.warning("The chart workers were restarted after a failed chart")

    def close(self) -> None:
        """Stop the workers (at shutdown): a chart still drawing is abandoned."""
        self._closed = True
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


def drawer_of(application: Application[Any, Any, Any, Any, Any, Any]) -> Drawer:
    """The application's drawer, made on first use with ``CHART_CONCURRENCY`` slots (no
    worker starts until the first chart)."""
    drawer = application.bot_data.get(DRAWER_KEY)
    if drawer is None:
        drawer = Drawer(get_deps(application).settings.chart_concurrency)
        drawer.owner = application
        application.bot_data[DRAWER_KEY] = drawer
    assert isinstance(drawer, Drawer)
    return drawer


def close_drawer(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """At shutdown: stop the application's chart workers, if any started. A drawer put in
    ``bot_data`` from outside (a test module's, shared by its applications) is only let
    go: its owner closes it."""
    drawer = application.bot_data.pop(DRAWER_KEY, None)
    if isinstance(drawer, Drawer) and drawer.owner is application:
        drawer.close()
