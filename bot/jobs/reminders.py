"""The reminder tick: one JobQueue job a minute sends every reminder that is due.

No job per runner: runners carry an indexed ``next_reminder_utc``. Each tick has two phases.

1. Plan: take the runners whose instant has come (``FOR UPDATE SKIP LOCKED``), write one
   row per (runner, local date) — the database's unique key makes a second row for the
   same day impossible, across restarts and instances — as ``ready``, or ``missed`` when it
   is too late (another local day, or more than REMINDER_CATCHUP_HOURS), or ``cancelled``
   when the session is already logged (and the evening check-in as ``scheduled``, for a
   runner who turned it on; one with no reminder time is woken at the start of their
   session days for it alone); then move the runner to their next instant.
2. Send: ``SEND_CONCURRENCY`` senders each repeat small steps on one row at a time —
   *reserve* the next row (ready ones, due snoozes and check-ins, rows to try again, and
   rows whose sender died mid-send) as ``sending``, reading the runner and their log in
   the same statement; *decide* whether it still needs a send; *render* the message;
   *deliver* it (a turn under the rate limit, a check that the row is still ours and the
   day not logged, the request, its retries); *record* the result, in the transaction
   that reserves the sender's next row. Three statements and two commits per reminder;
   ``SendObserver`` reports each step (bench/fanout.py times them with it).

A crash after phase 1 loses nothing: the rows are ``ready`` for the next tick. A crash
during a send leaves the rows in flight ``sending``; after the lease they are sent
again — the one case where a runner may get a message twice (it was delivered but the
answer was lost), counted and logged as a possible duplicate. A send that timed out is
that case too (Telegram may have taken it).

Faults delay, they do not lose: a send that fails for a reason that may pass (Telegram
down, 5xx, resets, 429s beyond the retries, a database fault before the send) puts the
row in ``retry`` for a later tick, with a growing wait, until the catch-up rule says it
is too late — then it is recorded ``missed``, and the log says why. A database fault
after the send is retried until the result is written.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from time import perf_counter
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ContextTypes, ExtBot

from bot import failpoints
from bot.coach.calendar import REOFFER_HORIZON_DAYS, History, Origin
from bot.coach.progression import Entry
from bot.coach.schedule import local_date, local_instant
from bot.coach.status import ReminderStatus
from bot.coach.week import Focus
from bot.content import Content, Texts
from bot.deps import Deps, get_deps
from bot.jobs.batches import PLAN_BATCH, Plan, Rows, plan_batch, too_late
from bot.jobs.preview import plan_previews
from bot.messages import views
from bot.messages.callbacks import SNOOZE_MINUTES
from bot.messages.preview import preview_message
from bot.messages.snooze import snooze_button
from bot.messages.today import today_message
from bot.metrics import METRICS_KEY, Metrics
from bot.rate_limit import PacedRateLimiter, Priority
from bot.sending import SendFailed, with_retries
from bot.services.calendar import (
    CALENDAR_LOOKBACK_DAYS,
    calendar_from,
    calendar_view,
    load_calendar,
)
from bot.services.history import HISTORY_WEEKS, history_from, logged_in
from bot.services.next_reminder import next_reminder_after, wakes_at
from bot.services.plan import session_of_day
from bot.services.previews import PreviewTally, preview_tally
from bot.services.snooze import fitting
from bot.settings import Settings
from bot.store import faults, logs, reminders, runners, snapshots
from bot.store import moves as moves_store
from bot.store.db import transaction
from bot.store.models import Runner

log = logging.getLogger(__name__)

CHECKIN_GAP = timedelta(hours=1)
CHECKIN = reminders.CHECKIN
# The task that plans the batches after the first, beside the senders (by this name the
# benchmark tells its statements from the send path's).
PLANNER_TASK = "reminder-planner"
# How often an idle sender looks again while the planner is still writing rows.
PLANNER_POLL_SECONDS = 0.05
# Catching up on days missed while down is bounded, so a year-old row cannot loop for long.
MAX_CATCHUP_DAYS = 31

# Sends in a row that could not reach Telegram (each after its own retries, 7.5 s) before
# a tick stops taking rows. Three, not one: a single chat's bad luck must not hold up a
# fan-out for a minute; during an outage the tick ends after about SEND_CONCURRENCY rows
# (the ones already in flight) instead of spending 7.5 s on every due reminder.
BREAKER_FAILURES = 3
# Writing down a result after a database fault: first wait, doubling to the cap. A SQLite
# write lock gives up after the 5 s busy timeout per try, a terminated PostgreSQL
# connection is replaced at once, so short waits suffice; the cap keeps a long outage to
# a log line every few seconds per sender.
RECORD_FIRST_DELAY = 0.1
RECORD_MAX_DELAY = 5.0
# A check before a send that took longer than half an interval is made again after a new
# turn at most this often (bot/jobs/reminders.py ``_attempt``); then the reminder goes.
RECHECKS = 3
# Reserving a row: a database fault is retried this many times, then the sender stops
# and the next tick takes over (nothing was reserved, so nothing is lost or late by more
# than a tick).
TAKE_ATTEMPTS = 6
# Rows whose sender vanished (their lease ran out) are looked for at a tick's first
# reservation and then at most this often while none are found: a lease is minutes long.
SWEEP_EVERY = timedelta(seconds=1)

INSTANCE_ID = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
# Rows this process is sending or writing down: its own senders never take them over.
_BUSY: set[int] = set()


@dataclass
class TickReport:
    # Rows the plan wrote to be sent (ready or scheduled; the weekly previews included).
    planned: int = 0
    sent: int = 0
    missed: int = 0
    already_logged: int = 0
    failed: int = 0
    blocked: int = 0
    possible_duplicates: int = 0
    lease_lost: int = 0
    # Sends that failed for a reason that may pass: tried again on a later tick.
    deferred: int = 0
    # Checks before a send made again because the first took over half an interval.
    rechecks: int = 0
    claim_seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    # Sends in a row that could not reach Telegram; the breaker of BREAKER_FAILURES.
    failing_in_a_row: int = field(default=0, repr=False)

    @property
    def anything(self) -> bool:
        return bool(self.sent or self.missed or self.failed or self.blocked or self.deferred)


async def _batch_context(session: AsyncSession, due: Sequence[Runner], now: datetime) -> _Read:
    """The logs, moves and reminder rows of a batch of due runners, in three or four
    statements (the moves only for runners who moved a session lately)."""
    chat_ids = [runner.chat_id for runner in due]
    oldest = min(runner.next_reminder_utc or now for runner in due)
    since = (oldest - timedelta(days=2)).date() - timedelta(days=1)  # any zone
    first = since - timedelta(days=CALENDAR_LOOKBACK_DAYS)
    logged = await logs.logged_dates_of(session, chat_ids, first)
    moving = [runner.chat_id for runner in due if moves_store.may_have_moves(runner, first)]
    moved = await moves_store.moves_of(session, moving, first) if moving else {}
    reminded = await reminders.reminded_dates_of(session, chat_ids, since)
    return _Read(first, logged, moved, reminded)


@dataclass(frozen=True)
class _Read:
    """What ``_batch_context`` read for a batch."""

    first: date
    logged: dict[int, dict[date, str]]
    moved: dict[int, list[Any]]
    reminded: dict[int, set[date]]


def _plan_one(
    deps: Deps, runner: Runner, now: datetime, read: _Read, rows: Rows
) -> datetime | None:
    history = calendar_from(
        runner, read.logged.get(runner.chat_id, {}), read.moved.get(runner.chat_id, []), read.first
    )
    known = _Known(history, read.reminded.get(runner.chat_id, set()))
    return _plan_runner(deps, runner, now, known, rows)


def _move_to(runner: Runner, instant: datetime | None) -> None:
    runner.next_reminder_utc = instant


REMINDERS = Plan(
    due=lambda session, now, limit: runners.due_runners(session, now=now, limit=limit),
    context=_batch_context,
    plan_runner=_plan_one,
    move_to=_move_to,
    failure="Could not plan a runner's reminders; trying again later",
)


async def _plan_batch(deps: Deps, now: datetime, tick: _Tick) -> int:
    """Plan up to PLAN_BATCH due runners in one short transaction (``batches``)."""
    started = perf_counter()
    count, written = await plan_batch(deps, now, REMINDERS)
    tick.report.planned += planned_to_send(written)
    for status, kind in written:
        if kind == reminders.DAILY and status == ReminderStatus.MISSED:
            tick.report.missed += 1
        elif kind == reminders.DAILY and status == ReminderStatus.CANCELLED:
            tick.report.already_logged += 1
    tick.observer.planned(count, perf_counter() - started)
    return count


def planned_to_send(written: list[tuple[str, str]]) -> int:
    """Of the rows a plan wrote, those to be sent (not missed or cancelled at once)."""
    return sum(status in TO_SEND for status, _ in written)


TO_SEND = frozenset({ReminderStatus.READY, ReminderStatus.SCHEDULED})


@dataclass
class _Known:
    """What the store holds for one runner around the days being planned."""

    history: History  # logs, moves and pauses: the calendar
    reminded: set[date]


def _plan_runner(
    deps: Deps, runner: Runner, now: datetime, known: _Known, rows: list[dict[str, Any]]
) -> datetime | None:
    """Add a row for every due instant up to now (a long downtime leaves several) and
    return the runner's next instant. Pure: the batch writes the rows."""
    zone = ZoneInfo(runner.timezone)
    today = local_date(now, zone)
    logged = known.history.logged
    view = calendar_view(
        runner, known.history, today, (runner.next_reminder_utc or now).astimezone(zone).date()
    )
    due_at = runner.next_reminder_utc
    for _ in range(MAX_CATCHUP_DAYS):
        if due_at is None or due_at > now:
            break
        day = local_date(due_at, zone)
        slot = view(day)
        if slot is not None and day not in known.reminded:
            row = {"chat_id": runner.chat_id, "day": day, "focus": slot.focus.value}
            evening = local_instant(day, deps.settings.evening_checkin_time, zone)
            if runner.reminder_time is None:
                # No reminder: the day's start woke us for its evening check-in alone
                # (none if it was turned off since).
                if runner.checkin_enabled:
                    rows.append(_checkin_row(deps.settings, row, day in logged, evening, now, zone))
            else:
                status = _daily_status(deps.settings, day in logged, due_at, now, zone)
                rows.append({**row, "due": due_at, "status": status})
                # One evening check-in, only if the evening comes well after the reminder.
                if (
                    status == ReminderStatus.READY
                    and runner.checkin_enabled
                    and evening - due_at >= CHECKIN_GAP
                ):
                    rows.append(
                        {**row, "due": evening, "status": ReminderStatus.SCHEDULED, "kind": CHECKIN}
                    )
            known.reminded.add(day)
        due_at = next_reminder_after(runner, due_at, known.reminded | set(logged), known.history)
        if slot is not None and due_at is not None and day not in logged:
            # If this session goes unlogged, the calendar offers it again on the next
            # suitable day, which may come before the next planned one: wake up then.
            again = _reoffer_instant(runner, known.history, day, zone)
            if again is not None and again > now:
                due_at = min(due_at, again)
    if due_at is not None and due_at <= now:
        due_at = next_reminder_after(runner, now, known.reminded | set(logged), known.history)
    return due_at


def _daily_status(
    settings: Settings,
    logged: bool,
    due: datetime,
    now: datetime,
    zone: ZoneInfo,
    pending: ReminderStatus = ReminderStatus.READY,
) -> ReminderStatus:
    """Cancelled when the day is logged, missed past the catch-up rule, else ``pending``
    (an evening still to come is no later than now's day, so never too late)."""
    if logged:
        return ReminderStatus.CANCELLED
    if too_late(settings, due, now, zone):
        return ReminderStatus.MISSED
    return pending


def _checkin_row(
    settings: Settings,
    row: dict[str, Any],
    logged: bool,
    evening: datetime,
    now: datetime,
    zone: ZoneInfo,
) -> dict[str, Any]:
    """The evening check-in of a runner with no reminder time: it waits ``scheduled`` for
    the evening like any other, and the send path's reservation, decision and check
    before the send (the day logged meanwhile, a pause, the check-in turned off) are the
    ones every reminder goes through; planned after the evening, the catch-up rule says
    whether it still goes."""
    status = _daily_status(settings, logged, evening, now, zone, ReminderStatus.SCHEDULED)
    return {**row, "due": evening, "status": status, "kind": CHECKIN}


def _reoffer_instant(
    runner: Runner, history: History, day: date, zone: ZoneInfo
) -> datetime | None:
    """When ``day``'s session would be offered again if it is not logged."""
    at = wakes_at(runner)
    if at is None:
        return None
    after = day + timedelta(days=1)
    view = calendar_view(runner, history, after, after, days=REOFFER_HORIZON_DAYS)
    for offset in range(REOFFER_HORIZON_DAYS + 1):
        slot = view(after + timedelta(days=offset))
        if slot is not None and slot.origin is Origin.REOFFERED and slot.from_day == day:
            return local_instant(slot.day, at, zone)
    return None


def _reminder_keyboard(
    t: Texts, day: date, later: bool, shown: InlineKeyboardMarkup | None
) -> InlineKeyboardMarkup:
    """The session's buttons as /today shows them (with the once-asked feedback of an
    earlier session), and ⏰ Later while a delay still fits the day."""
    base = shown if shown is not None else views.session_keyboard(t, day)
    if not later:
        return base
    rows = [list(row) for row in base.inline_keyboard]
    rows.append([snooze_button(t, day)])
    return InlineKeyboardMarkup(rows)


# ---- the send, as small steps: reserve → decide → render → deliver → record ----------------


class SendObserver:
    """What the send path reports as it goes, for the benchmark (bench/fanout.py) to time
    its phases without reaching into this module. Every method is a no-op here."""

    def tick_started(self, report: TickReport) -> None:
        """A tick began; ``report`` is the one it fills in and returns."""

    def planned(self, runners: int, seconds: float) -> None:
        """One plan batch (one write transaction) planned ``runners`` runners."""

    def sending(self) -> None:
        """The first batch is planned: the senders start (planning goes on beside them)."""

    def exchanged(self, recorded: bool, reserved: bool, seconds: float) -> None:
        """One transaction wrote a row's result and/or reserved the next row."""

    def handled(self, outcome: str | None, seconds: float) -> None:
        """A reserved row was decided, rendered and (if it was due) delivered: what to
        write down for it (None: nothing, the lease decides)."""


NO_OBSERVER = SendObserver()


@dataclass(frozen=True)
class Outcome:
    """What to write down for a row: its new status (and the message, once sent)."""

    status: ReminderStatus
    message_id: int | None = None


@dataclass(frozen=True)
class OutgoingMessage:
    chat_id: int
    text: str
    keyboard: InlineKeyboardMarkup | None


@dataclass(frozen=True)
class Finished:
    """A row whose outcome is known and not yet written down (written with the next
    reservation: ``_exchange``)."""

    item: reminders.Taken
    outcome: Outcome


@dataclass(frozen=True)
class Due:
    """A reserved row and what the store knows about it: all its message needs."""

    item: reminders.Taken
    runner: Runner | None
    history: list[Entry]
    calendar: History | None
    preview: PreviewTally | None = None  # the weekly preview's tally and, monthly, its recap


@dataclass
class _Tick:
    """What the senders of one tick share."""

    report: TickReport
    observer: SendObserver
    # When to look again for rows whose sender vanished (``reminders.reserve(overdue)``).
    next_sweep: datetime


def decide(settings: Settings, due: Due, now: datetime, report: TickReport) -> Outcome | None:
    """Whether the row needs no send after all: ``cancelled`` (the runner is gone,
    blocked, paused, logged the day, or turned the check-in off since it was planned) or
    ``missed`` (too late); None: send it."""
    item, runner = due.item, due.runner
    # No log can be later than the day being reminded: history (up to it) holds its log.
    logged = next((entry for entry in due.history if entry.day == item.day), None)
    if item.kind == reminders.PREVIEW:
        logged = None  # about next week: a session logged today does not cancel it
    calendar = due.calendar
    paused = runner is not None and (
        runner.paused or (calendar is not None and any(p.covers(item.day) for p in calendar.pauses))
    )
    # A check-in planned before the runner turned it off is not sent.
    unwanted = item.kind == reminders.CHECKIN and runner is not None and not runner.checkin_enabled
    if runner is None or not runner.active or paused or logged is not None or unwanted:
        if logged is not None:
            report.already_logged += 1
        # No reminder after the session is logged, or while paused.
        return Outcome(ReminderStatus.CANCELLED)
    if too_late(settings, item.due, now, ZoneInfo(runner.timezone)):
        report.missed += 1
        if item.attempts > 1:
            log.warning(
                "A reminder is recorded as missed: %d attempts to send it failed (Telegram "
                "unreachable or the database faulty) until it was too late (another local "
                "day, or more than REMINDER_CATCHUP_HOURS after it was due)",
                item.attempts - 1,
            )
        return Outcome(ReminderStatus.MISSED)
    return None


def render(content: Content, due: Due, runner: Runner, now: datetime) -> OutgoingMessage:
    """The message for a row that is to be sent: the weekly preview, the evening
    check-in, or the day's session with the reminder's intro and ⏰ Later (while a delay
    still fits the day)."""
    t = content.texts
    item = due.item
    if item.kind == reminders.PREVIEW:
        text, keyboard = preview_message(
            content, runner, item.day, now, due.history, due.calendar, due.preview
        )
    elif item.kind == reminders.CHECKIN:
        # The session as /today names it now (a sore swap since the row was planned).
        found = (
            session_of_day(runner, due.calendar, due.history, item.day, item.day)
            if due.calendar is not None
            else None
        )
        focus = found.focus if found is not None else Focus(item.focus)
        text = t("misc.checkin", focus=views.focus_label(t, focus))
        keyboard = views.session_keyboard(t, item.day)
    else:
        body, shown = today_message(content, runner, item.day, now, None, due.history, due.calendar)
        text = t("misc.reminder_intro") + "\n\n" + body
        later = bool(fitting(SNOOZE_MINUTES, item.day, ZoneInfo(runner.timezone), now))
        keyboard = _reminder_keyboard(t, item.day, later, shown)
    return OutgoingMessage(runner.chat_id, text, keyboard)


async def deliver(
    bot: Bot, deps: Deps, item: reminders.Taken, message: OutgoingMessage, report: TickReport
) -> Outcome | None:
    """Send, with retries, and classify how it ended: what to write down for the row, or
    None to leave it ``sending`` (it is no longer this sender's, or an attempt may have
    been delivered: after the lease it is sent again as a possible duplicate)."""
    tries: list[int] = []  # one entry per request that went to Telegram
    lease = _Lease(item.leased_at or deps.clock.now())
    if item.retry:
        report.possible_duplicates += 1
        log.warning(
            "Re-sending a reminder whose earlier attempt may have been delivered "
            "(its sender stopped mid-send, or the send timed out): a possible duplicate"
        )
    try:
        delivered = await with_retries(
            lambda: _attempt(bot, deps, item, message, tries, report, lease), sleep=deps.sleep
        )
    except LeaseLost:
        report.lease_lost += 1
        log.warning(
            "A reminder waited longer than its lease and another sender took it over; "
            "not sending it here"
        )
        return None
    except AlreadyLogged:
        report.already_logged += 1
        return Outcome(ReminderStatus.CANCELLED)  # logged while the reminder waited for its turn
    except SendFailed as exc:
        report.failing_in_a_row += 1
        report.deferred += 1
        log.warning(
            "A reminder could not be sent (%s); it is tried again on a later tick",
            exc,
        )
        if exc.maybe_delivered or item.retry:
            return None  # an attempt may have arrived: the lease decides, as a duplicate
        return Outcome(reminders.RETRY)
    except (Forbidden, BadRequest) as exc:
        if isinstance(exc, BadRequest) and "chat not found" not in exc.message.lower():
            report.failed += 1
            log.warning("A reminder was rejected: %s", exc.message)
            return Outcome(ReminderStatus.FAILED)
        # Blocked, or the chat is gone: stop until the runner writes again.
        report.blocked += 1
        return Outcome(ReminderStatus.BLOCKED)
    except TelegramError as exc:
        report.failed += 1
        report.errors.append(type(exc).__name__)
        log.warning("A reminder could not be sent: %s", type(exc).__name__)
        return Outcome(ReminderStatus.FAILED)
    except Exception:
        # A database fault or a bug before the message left: nothing was delivered
        # (unless an earlier request of this send timed out), so the row is tried again
        # after a short wait instead of a lease, and not as a possible duplicate.
        _failed_before_send(report)
        return None if tries or item.retry else Outcome(reminders.RETRY)
    report.sent += 1
    report.failing_in_a_row = 0
    failpoints.hit("after_send")  # delivered, not yet recorded
    if delivered.maybe_duplicate:
        report.possible_duplicates += 1
        log.warning("A reminder was re-sent after a timeout: a possible duplicate")
    return Outcome(ReminderStatus.SENT, delivered.value.message_id)


def _failed_before_send(report: TickReport) -> None:
    report.errors.append("sender")
    report.deferred += 1
    log.exception("A reminder could not be sent or recorded; it will be retried")


async def _handle(bot: Bot, deps: Deps, tick: _Tick, due: Due) -> Outcome | None:
    """Decide, render and deliver one reserved row: what to write down for it."""
    report = tick.report
    try:
        now = deps.clock.now()
        decided = decide(deps.settings, due, now, report)
        if decided is not None:
            return decided
        assert due.runner is not None  # decide cancels a row whose runner is gone
        message = render(deps.content.speaking(due.runner.language), due, due.runner, now)
    except Exception:
        # A bug or bad data in one runner's message: tried again on a later tick.
        _failed_before_send(report)
        return None if due.item.retry else Outcome(reminders.RETRY)
    return await deliver(bot, deps, due.item, message, report)


async def _write(session: AsyncSession, done: Finished, now: datetime) -> None:
    """Write a row's result (and stop a runner who blocked the bot)."""
    item, outcome = done.item, done.outcome
    if not await reminders.finish(
        session,
        item.id,
        status=outcome.status,
        now=now,
        message_id=outcome.message_id,
        me=INSTANCE_ID,
    ):
        log.warning(
            "A reminder's lease ran out while it was being sent; another "
            "instance may have sent it too"
        )
    if outcome.status == ReminderStatus.BLOCKED:
        fresh = await runners.get_runner(session, item.chat_id)
        if fresh is not None:
            await runners.set_state(session, fresh, now=now, active=False, next_reminder_utc=None)


async def _reserve(session: AsyncSession, deps: Deps, tick: _Tick, now: datetime) -> Due | None:
    """Reserve the next row and read what its message needs (the moves only for a
    runner who moved a session lately). Rows whose sender vanished are looked for at
    the tick's first reservation, and then once a SWEEP_EVERY while none are found."""
    lease = timedelta(seconds=deps.settings.reminder_lease_seconds)
    found = None
    if now >= tick.next_sweep:
        tick.next_sweep = now + SWEEP_EVERY  # before the await: one sender sweeps, not all
        found = await reminders.reserve(
            session, now=now, me=INSTANCE_ID, lease=lease, overdue=True, busy=frozenset(_BUSY)
        )
        if found is not None:
            tick.next_sweep = now  # there may be more
    if found is None:
        found = await reminders.reserve(session, now=now, me=INSTANCE_ID, lease=lease)
    if found is None:
        return None
    item, runner = found.item, found.runner
    _BUSY.add(item.id)
    if item.day - timedelta(weeks=HISTORY_WEEKS) < found.log_first:
        # A row far older than the log read with it (a long-stopped bot): read it again.
        first = item.day - timedelta(weeks=HISTORY_WEEKS)
        runner, logs = await snapshots.runner_with_logs(session, item.chat_id, first, item.day)
        history = history_from(logs, item.day)
    else:
        history = history_from(found.logs, item.day)
    calendar = (
        await load_calendar(session, runner, item.day, logged_in(history)) if runner else None
    )
    tally = None
    if runner is not None and item.kind == reminders.PREVIEW:
        # Last week's tally and, once a month, the recap (services.previews).
        catalog = deps.content.speaking(runner.language).catalog
        tally = await preview_tally(session, runner, item.day, catalog)
    return Due(item, runner, history, calendar, tally)


class _Unavailable:
    """The database kept failing a reservation: the sender stops, the next tick goes on."""


UNAVAILABLE = _Unavailable()


async def _exchange(
    deps: Deps, tick: _Tick, done: Finished | None, *, reserve: bool
) -> Due | _Unavailable | None:
    """One transaction: write down ``done`` (the sender's previous row) and reserve the
    next row (unless ``reserve`` is False). The next row or None.

    Once Telegram has accepted a message, its ``sent`` must reach the database: a row
    left ``sending`` is sent again after the lease (a SQLite write lock held for 20 s,
    or a PostgreSQL backend terminated mid-fan-out, made 2-5 duplicates per 100 runners
    that way). So with a result to write, a database fault is retried until it passes;
    the row stays in ``_BUSY`` meanwhile, so no sender of this process takes it over.
    With none, a reservation is tried TAKE_ATTEMPTS times (nothing was reserved, so
    nothing is lost). Any other error (a bug) is raised: a written-down row then stays
    ``sending`` for the lease. Only a process that dies here leaves the one known duplicate.
    """
    delay, attempt = RECORD_FIRST_DELAY, 0
    started = perf_counter()
    while True:
        attempt += 1
        try:
            async with transaction(deps.sessions) as session:
                now = deps.clock.now()
                if done is not None:
                    await _write(session, done, now)
                found = await _reserve(session, deps, tick, now) if reserve else None
            break
        except Exception as exc:
            if not faults.transient(exc):
                raise
            if done is not None:
                log.warning(
                    "Could not write down a reminder's result (%s); retry %d in %.1f s",
                    faults.describe(exc),
                    attempt,
                    delay,
                )
            else:
                log.warning(
                    "Could not reserve a reminder (%s); attempt %d of %d",
                    faults.describe(exc),
                    attempt,
                    TAKE_ATTEMPTS,
                )
                if attempt >= TAKE_ATTEMPTS:
                    return UNAVAILABLE
            await deps.sleep(delay)
            delay = min(delay * 2, RECORD_MAX_DELAY)
    tick.observer.exchanged(done is not None, found is not None, perf_counter() - started)
    if done is not None:
        _BUSY.discard(done.item.id)
        if done.outcome.status == ReminderStatus.BLOCKED:
            deps.inactive.add(done.item.chat_id)
        failpoints.hit("after_record")
    return found


# Sessions of checks being closed beside the sends (``_close_later``); a tick waits for
# them before it ends.
_CLOSING: set[asyncio.Task[None]] = set()


def _close_later(session: AsyncSession) -> None:
    closing = asyncio.create_task(session.close())
    _CLOSING.add(closing)
    closing.add_done_callback(_closed)


def _closed(closing: asyncio.Task[None]) -> None:
    _CLOSING.discard(closing)
    if not closing.cancelled() and closing.exception() is not None:
        log.warning("Could not end a check's read: %s", closing.exception())


@dataclass
class _Lease:
    """When this sender's lease on a row began (the reservation, or the latest renewal)."""

    since: datetime


class LeaseLost(Exception):
    """The row stopped being this sender's while it waited for its turn."""


class AlreadyLogged(Exception):
    """The runner logged the day while the reminder waited for its turn."""


async def _attempt(
    bot: Bot,
    deps: Deps,
    item: reminders.Taken,
    message: OutgoingMessage,
    tries: list[int],
    report: TickReport,
    lease: _Lease,
) -> Message:
    """One try at sending: wait for a turn under the rate limit, then confirm — in one
    statement — that the row is still ours (restarting its lease) and that the runner
    has not logged the day meanwhile, and send.

    The check comes after the turn, right before the request leaves: a runner who says
    "done" while the reminder waits in line (up to SEND_CONCURRENCY intervals, or a
    whole 429 pause) gets no reminder afterwards — checked before the turn, one runner
    in 100 did in a race test. Turns are one interval apart, so while the check takes
    less than half an interval no other request (the answer to that "done") can leave
    between the check and the send. Only the statement counts, from when its connection
    was in hand: waiting for the connection (SQLite's one, busy with the other senders)
    comes before the check and leaves no gap after it. A check that itself took longer
    (a database under load) is made again after a new turn, up to RECHECKS times. A
    round trip under a quarter interval, counted from when the limiter handed out the
    turn (not from its place on the schedule, which the timer's lateness is already
    allowed to miss), does not stretch the paced stream; a longer one moves the next turn
    back rather than letting two requests arrive too close (bot/rate_limit.py).
    """
    limiter = bot.rate_limiter if isinstance(bot, ExtBot) else None
    paced = limiter if isinstance(limiter, PacedRateLimiter) and limiter.interval > 0 else None
    loop = asyncio.get_running_loop()
    for check in range(RECHECKS + 1):
        if paced is not None:
            await paced.wait_turn(Priority.BULK)
        turned = loop.time()
        began = await _renew(deps, item, lease)
        done = loop.time()
        if paced is None or min(done - turned, done - began) < paced.interval / 2:
            break
        if check < RECHECKS:
            report.rechecks += 1
            log.debug("A reminder's check took longer than half a turn; checking again")
    tries.append(1)
    if isinstance(bot, ExtBot):
        return await bot.send_message(
            message.chat_id,
            message.text,
            reply_markup=message.keyboard,
            rate_limit_args=Priority.TURN_TAKEN if isinstance(limiter, PacedRateLimiter) else None,
        )
    return await bot.send_message(message.chat_id, message.text, reply_markup=message.keyboard)


async def _renew(deps: Deps, item: reminders.Taken, lease: _Lease) -> float:
    """The row is still this sender's and its day is not logged; else LeaseLost or
    AlreadyLogged. While more than half of the lease is left (the usual case: a turn
    comes within seconds of the reservation, the lease lasts minutes) that is one read
    and no commit, as no other instance can take the row over before the send is done;
    after that, the same statement restarts the lease. Returns the loop time at which
    the check had its connection (a wait for one is not part of the check)."""
    now = deps.clock.now()
    if now - lease.since < timedelta(seconds=deps.settings.reminder_lease_seconds) / 2:
        session = deps.sessions()
        try:
            await session.connection()
            began = asyncio.get_running_loop().time()
            found = await reminders.check(session, item.id, me=INSTANCE_ID)
        finally:
            # Read only: the session ends with a rollback, which PostgreSQL answers with
            # a round trip. Nothing depends on it, so the send does not wait for it.
            _close_later(session)
    else:
        async with transaction(deps.sessions) as session:
            await session.connection()
            began = asyncio.get_running_loop().time()
            found = await reminders.renew(session, item.id, me=INSTANCE_ID, now=now)
        if found == reminders.RENEWED:
            lease.since = now
    if found == reminders.LOST:
        raise LeaseLost
    if found == reminders.LOGGED:
        raise AlreadyLogged
    return began


async def _sender(bot: Bot, deps: Deps, tick: _Tick, planner: asyncio.Task[None]) -> None:
    """One of SEND_CONCURRENCY workers: reserve a row, handle it, and write down its
    result in the transaction that reserves the next one.

    Reserving one row at a time, right before its send, keeps the lease about a single
    send — a slow but live sender never has rows waiting long enough for another
    instance to take them over — and a sender never holds more than one row ``sending``.
    While the planner is still writing rows, an empty queue means "not yet", not
    "done". Once BREAKER_FAILURES sends in a row could not reach Telegram, the tick
    stops taking rows: the rest wait, ``ready``, for the next tick rather than each
    spending its retries on an outage.
    """
    report = tick.report
    done: Finished | None = None
    while True:
        stop = report.failing_in_a_row >= BREAKER_FAILURES
        if stop and done is None:
            return
        found = await _exchange(deps, tick, done, reserve=not stop)
        done = None
        if isinstance(found, _Unavailable):
            report.errors.append("database")
            return
        if found is None:
            if stop or planner.done():
                return
            await asyncio.wait({planner}, timeout=PLANNER_POLL_SECONDS)
            continue
        started = perf_counter()
        outcome: Outcome | None = None
        try:
            outcome = await _handle(bot, deps, tick, found)
        except Exception:
            # The row stays "sending" and is taken again after the lease; the other rows
            # must not wait for that.
            report.errors.append("sender")
            log.exception("A reminder could not be sent or recorded; it will be retried")
        tick.observer.handled(None if outcome is None else outcome.status, perf_counter() - started)
        if outcome is None:
            _BUSY.discard(found.item.id)
        else:
            done = Finished(found.item, outcome)


async def _plan_rest(deps: Deps, now: datetime, tick: _Tick, started: float) -> None:
    try:
        while await _plan_batch(deps, now, tick) == PLAN_BATCH:
            pass
    finally:
        tick.report.claim_seconds = asyncio.get_running_loop().time() - started


async def send_due_reminders(
    bot: Bot, deps: Deps, observer: SendObserver = NO_OBSERVER
) -> TickReport:
    """Plan and send everything due now; safe to call at any time, any number of times.

    The first batch is planned before anything is sent; after it, planning the rest and
    sending run side by side, so the first reminders of a big minute go out at once.
    """
    report = TickReport()
    observer.tick_started(report)
    started = asyncio.get_running_loop().time()
    now = deps.clock.now()
    tick = _Tick(report, observer, next_sweep=now)
    previews: list[tuple[str, str]] = []
    await plan_previews(deps, now, written=previews)
    report.planned += planned_to_send(previews)
    first = await _plan_batch(deps, now, tick)
    failpoints.hit("after_plan")  # the first rows are ready, nothing sent yet
    if first == PLAN_BATCH:
        planner = asyncio.create_task(_plan_rest(deps, now, tick, started), name=PLANNER_TASK)
    else:
        report.claim_seconds = asyncio.get_running_loop().time() - started
        planner = asyncio.create_task(asyncio.sleep(0))
    observer.sending()
    outcomes = await asyncio.gather(
        planner,
        *(_sender(bot, deps, tick, planner) for _ in range(deps.settings.send_concurrency)),
        return_exceptions=True,
    )
    if _CLOSING:
        await asyncio.gather(*_CLOSING, return_exceptions=True)
    failures = [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
    for failure in failures:
        report.errors.append(type(failure).__name__)
        log.error("The reminder tick failed", exc_info=failure)
    async with transaction(deps.sessions) as session:
        # Blocked runners as another instance may have recorded them: a message from
        # one of them wakes their reminders (guards.wake_returning_runner).
        deps.inactive = await runners.inactive_chat_ids(session)
    if report.anything:
        log.info(
            "Reminder tick: %d sent, %d missed, %d already logged, %d failed, %d blocked, "
            "%d possible duplicates, %d deferred",
            report.sent,
            report.missed,
            report.already_logged,
            report.failed,
            report.blocked,
            report.possible_duplicates,
            report.deferred,
        )
    if failures:
        raise failures[0]  # the watchdog sees no completed tick, and the log says why
    return report


def reminders_in_flight() -> int:
    """Rows this process has reserved and is sending or writing down (for /metrics)."""
    return len(_BUSY)


async def reminder_tick(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The JobQueue's job: one tick, and what it did for the watchdog, ``/healthz`` and
    ``/metrics``. A tick that failed on the database says so at once (``/healthz``
    answers 503 with the reason) rather than only after the watchdog's stall limit; the
    next tick that reaches the database clears it."""
    deps = get_deps(context)
    metrics: Metrics | None = context.application.bot_data.get(METRICS_KEY)
    started = perf_counter()
    try:
        report = await send_due_reminders(context.bot, deps)
    except Exception as exc:
        if faults.transient(exc):
            deps.health.database_failed(f"the reminder tick failed: {faults.describe(exc)}")
        if metrics is not None:
            metrics.tick_failures.inc()
        raise
    deps.health.tick_completed()
    if "database" in report.errors:
        deps.health.database_failed("reminders could not be reserved: the database kept failing")
    else:
        deps.health.database_answered()
    if metrics is not None:
        metrics.tick_done(report, perf_counter() - started)
        # One count a tick (a minute), in a transaction of its own after the sends: the
        # gauge is read at scrape time with no query. A database that fails here keeps
        # the last count; the next tick says whether it is down.
        try:
            async with transaction(deps.sessions) as session:
                metrics.runners_active.set(await runners.count_active(session))
        except Exception as exc:
            if not faults.transient(exc):
                raise
            deps.health.database_failed(f"counting runners failed: {faults.describe(exc)}")
