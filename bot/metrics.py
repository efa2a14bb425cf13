"""What the bot counts about itself, for ``/metrics`` (``bot/health_http.py``).

One ``Metrics`` per application, with a registry of its own rather than
prometheus-client's global one: tests run several applications in one process, and each
must read its own numbers. It lives in ``application.bot_data[METRICS_KEY]``.

Cheap on the hot path by design. An update costs one counter increment and one
histogram observation on label children bound once, and two ``perf_counter`` calls:
8.5 µs for a message, 14 µs for a command (its entity looked at), timed with ``timeit``
on this project's 2-core machine under a load of 10, against the 2-7 ms an update took
in bench.updates that day. bench.updates (SQLite, median of 3) gave 199 updates/s with
the metrics against 160 and 104 without, run before and after it in the same hour: the
machine's load (7-10 on 2 cores) swamped any difference. The
reminder tick adds its ``TickReport`` once per tick, not once per send. Queue depths,
stall ages and the blocked runners are read when Prometheus scrapes, from numbers the
code keeps anyway, by the server's thread: nothing queries the database per scrape.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
)
from prometheus_client.process_collector import ProcessCollector
from telegram import MessageEntity, Update

if TYPE_CHECKING:
    from bot.jobs.reminders import TickReport

METRICS_KEY = "metrics"
PREFIX = "strength_coach"

#: The kinds of update the bot asks Telegram for (``bot.app.ALLOWED_UPDATES``), a
#: command told apart from other messages; anything else is "other".
UPDATE_KINDS = ("command", "message", "callback_query", "my_chat_member", "other")
#: Handler latency: a "done" takes 2-4 ms on SQLite (bench.updates), a reply behind a
#: 429 or a retry several seconds; the buckets cover both ends.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
#: A tick with nothing due takes milliseconds; 10k reminders at 30 msg/s take minutes.
TICK_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0)
#: Telegram's ``retry_after`` is whole seconds, from 1 to a few minutes in a flood.
RETRY_AFTER_BUCKETS = (1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)
#: ``TickReport`` fields and the counter each one adds to (``strength_coach_reminders_*``).
REMINDER_COUNTS = {
    "planned": "Reminder rows the plan wrote to be sent (session reminders, evening "
    "check-ins, weekly previews)",
    "sent": "Reminders Telegram accepted",
    "failed": "Reminders Telegram rejected for good (400 other than 'chat not found')",
    "deferred": "Sends that failed for a reason that may pass; tried again on a later tick",
    "blocked": "Reminders not delivered because the runner blocked the bot or the chat is gone",
    "missed": "Reminders recorded missed: too late by the catch-up rule",
    "already_logged": "Reminders not sent because the runner had logged the day",
    "possible_duplicates": "Reminders sent again after an attempt that may have arrived "
    "(a timeout, or a sender that stopped mid-send)",
}


def update_kind(update: object) -> str:
    """Which of ``UPDATE_KINDS`` an update is: a command is a message that starts with a
    ``bot_command`` entity, as PTB's ``filters.COMMAND`` tells them."""
    if not isinstance(update, Update):
        return "other"
    if update.callback_query is not None:
        return "callback_query"
    if update.my_chat_member is not None:
        return "my_chat_member"
    message = update.message
    if message is None:
        return "other"
    entities = message.entities
    if entities and entities[0].type == MessageEntity.BOT_COMMAND and entities[0].offset == 0:
        return "command"
    return "message"


class Metrics:
    """Every ``strength_coach_*`` metric of one application, in its own registry."""

    def __init__(self) -> None:
        # No ``*_created`` series beside each counter and histogram: the classic text
        # format makes each one a gauge of its own (28 more series here), which nothing
        # reads. The switch is process-wide; this process is the bot's.
        disable_created_metrics()
        self.registry = CollectorRegistry()
        registry = self.registry
        ProcessCollector(registry=registry)  # process_resident_memory_bytes, CPU seconds
        handled = Counter(
            f"{PREFIX}_updates_handled",
            "Updates from Telegram handled, by kind (failed ones included)",
            ["kind"],
            registry=registry,
        )
        failed = Counter(
            f"{PREFIX}_updates_failed",
            "Updates whose handler raised (the runner got 'something went wrong' or, "
            "after a timeout, nothing), by kind",
            ["kind"],
            registry=registry,
        )
        latency = Histogram(
            f"{PREFIX}_update_handling_seconds",
            "Time from an update's turn (its chat's earlier updates done) to its handlers' "
            "end, by kind",
            ["kind"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        # Children bound once: ``labels()`` on every update would cost a dict lookup
        # under a lock each time.
        self._handled = {kind: handled.labels(kind) for kind in UPDATE_KINDS}
        self._failed = {kind: failed.labels(kind) for kind in UPDATE_KINDS}
        self._latency = {kind: latency.labels(kind) for kind in UPDATE_KINDS}
        self._reminders = {
            field: Counter(f"{PREFIX}_reminders_{field}", doc, registry=registry)
            for field, doc in REMINDER_COUNTS.items()
        }
        self.tick_seconds = Histogram(
            f"{PREFIX}_reminder_tick_seconds",
            "Duration of a reminder tick: plan and send everything due",
            buckets=TICK_BUCKETS,
            registry=registry,
        )
        self.tick_failures = Counter(
            f"{PREFIX}_reminder_tick_failures",
            "Reminder ticks that ended with an error (the database unreachable, a bug)",
            registry=registry,
        )
        rate_limited = Counter(
            f"{PREFIX}_telegram_429",
            "Bot API requests Telegram answered 429 Too Many Requests, by what was sent",
            ["priority"],
            registry=registry,
        )
        retry_after = Histogram(
            f"{PREFIX}_telegram_retry_after_seconds",
            "The retry_after of each 429: every send waits at least this long",
            buckets=RETRY_AFTER_BUCKETS,
            registry=registry,
        )
        self._rate_limited = {kind: rate_limited.labels(kind) for kind in ("reply", "reminder")}
        self._retry_after = retry_after
        self._queue = Gauge(
            f"{PREFIX}_send_queue_waiting",
            "Bot API requests waiting for their turn under SEND_RATE_LIMIT, by priority",
            ["priority"],
            registry=registry,
        )
        self._in_flight = Gauge(
            f"{PREFIX}_reminders_in_flight",
            "Reminder rows this process has reserved and is sending or writing down",
            registry=registry,
        )
        self._chats_busy = Gauge(
            f"{PREFIX}_update_chats_in_progress",
            "Chats with an update being handled or waiting for its chat's turn",
            registry=registry,
        )
        self._blocked = Gauge(
            f"{PREFIX}_runners_blocked",
            "Runners who blocked the bot (no reminders until they write again), as of the "
            "last reminder tick",
            registry=registry,
        )
        self.runners_active = Gauge(
            f"{PREFIX}_runners_active",
            "Runners who have not blocked the bot, counted after each reminder tick",
            registry=registry,
        )
        self._tick_age = Gauge(
            f"{PREFIX}_last_tick_age_seconds",
            "Seconds since the last reminder tick finished",
            registry=registry,
        )
        self._poll_age = Gauge(
            f"{PREFIX}_last_poll_age_seconds",
            "Seconds since the last successful getUpdates (0 in webhook mode or without "
            "polling, where no getUpdates is made)",
            registry=registry,
        )
        self._healthy = Gauge(
            f"{PREFIX}_healthy",
            "1 while /healthz answers 200, 0 while it answers 503",
            registry=registry,
        )

    # ---- the hot paths ------------------------------------------------------------------

    def update_handled(self, update: object, seconds: float) -> None:
        """One update went through its handlers (``bot.updates.ChatOrderedProcessor``)."""
        kind = update_kind(update)
        self._handled[kind].inc()
        self._latency[kind].observe(seconds)

    def update_failed(self, update: object) -> None:
        """A handler raised on ``update`` (an error handler of ``bot.app``)."""
        self._failed[update_kind(update)].inc()

    def rate_limited(self, reminder: bool, retry_after: float) -> None:
        """Telegram answered a request 429 (``bot.rate_limit.PacedRateLimiter``)."""
        self._rate_limited["reminder" if reminder else "reply"].inc()
        self._retry_after.observe(retry_after)

    def tick_done(self, report: TickReport, seconds: float) -> None:
        """A reminder tick ended; what it did (once per tick, not per send)."""
        for field, counter in self._reminders.items():
            value = getattr(report, field)
            if value:
                counter.inc(value)
        self.tick_seconds.observe(seconds)

    # ---- read at scrape time ------------------------------------------------------------

    def read_at_scrape(
        self,
        *,
        waiting: Callable[[str], int],
        in_flight: Callable[[], int],
        chats_busy: Callable[[], int],
        blocked: Callable[[], int],
        tick_age: Callable[[], float],
        poll_age: Callable[[], float],
        healthy: Callable[[], bool],
    ) -> None:
        """Gauges whose value is read when Prometheus scrapes, in the server's thread,
        from numbers the bot keeps anyway (each function only reads an attribute)."""
        for priority in ("reply", "reminder"):
            self._queue.labels(priority).set_function(_bound(waiting, priority))
        self._in_flight.set_function(in_flight)
        self._chats_busy.set_function(chats_busy)
        self._blocked.set_function(blocked)
        self._tick_age.set_function(tick_age)
        self._poll_age.set_function(poll_age)
        self._healthy.set_function(lambda: 1.0 if healthy() else 0.0)


def _bound(read: Callable[[str], int], priority: str) -> Callable[[], float]:
    return lambda: float(read(priority))


def metrics_of(application: Any) -> Metrics:
    """The application's metrics (``bot.app.build_application`` puts them there)."""
    metrics: Metrics = application.bot_data[METRICS_KEY]
    return metrics
