"""The reminder tick: one JobQueue job a minute sends every reminder that is due.

No job per runner: runners carry an indexed ``next_reminder_utc``. Each tick has two phases.

1. Plan: take the runners whose instant has come (``FOR UPDATE SKIP LOCKED``), write one
   row per (runner, local date) — the database's unique key makes a second row for the
   same day impossible, across restarts and instances — as ``ready``, or ``missed`` when it
   is too late (another local day, or more than REMINDER_CATCHUP_HOURS), or ``cancelled``
   when the session is already logged; then move the runner to their next instant.
2. Send: take small batches of rows to send (ready ones, due snoozes and check-ins, and rows
   whose sender died mid-send), mark them ``sending``, send, record the result at once.

A crash after phase 1 loses nothing: the rows are ``ready`` for the next tick. A crash
during a send leaves at most one small batch ``sending``; after the lease they are sent
again — the one case where a runner may get a message twice (it was delivered but the
answer was lost), counted and logged as a possible duplicate.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot import failpoints
from bot.coach.plan import plan_for_date
from bot.coach.schedule import local_date, local_instant
from bot.coach.week import Focus
from bot.coaching import history_of, next_reminder_for
from bot.deps import Deps, get_deps
from bot.handlers import views
from bot.handlers.today import today_message
from bot.sending import with_retries
from bot.store import logs, reminders, runners
from bot.store.db import transaction
from bot.store.models import Runner

log = logging.getLogger(__name__)

PLAN_BATCH = 500
# Catching up on days missed while down is bounded, so a year-old row cannot loop for long.
MAX_CATCHUP_DAYS = 31

INSTANCE_ID = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass
class TickReport:
    sent: int = 0
    missed: int = 0
    already_logged: int = 0
    failed: int = 0
    blocked: int = 0
    possible_duplicates: int = 0
    claim_seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    @property
    def anything(self) -> bool:
        return bool(self.sent or self.missed or self.failed or self.blocked)


def _too_late(deps: Deps, due: datetime, now: datetime, zone: ZoneInfo) -> bool:
    catchup = timedelta(hours=deps.settings.reminder_catchup_hours)
    return local_date(now, zone) != local_date(due, zone) or now - due > catchup


async def _plan_batch(deps: Deps, now: datetime, report: TickReport) -> int:
    async with transaction(deps.sessions) as session:
        due = await runners.due_runners(session, now=now, limit=PLAN_BATCH)
        for runner in due:
            await _plan_runner(session, deps, runner, now, report)
    return len(due)


async def _plan_runner(
    session: AsyncSession,
    deps: Deps,
    runner: Runner,
    now: datetime,
    report: TickReport,
) -> None:
    """Write a row for every due instant up to now (a long downtime leaves several)."""
    zone = ZoneInfo(runner.timezone)
    week = runners.week_of(runner)
    due_at = runner.next_reminder_utc
    for _ in range(MAX_CATCHUP_DAYS):
        if due_at is None or due_at > now:
            break
        day = local_date(due_at, zone)
        focus = plan_for_date(week, day)
        if focus is not None:
            if await logs.log_on(session, runner.chat_id, day) is not None:
                status = "cancelled"
                report.already_logged += 1
            elif _too_late(deps, due_at, now, zone):
                status = "missed"
                report.missed += 1
            else:
                status = "ready"
            inserted = await reminders.claim(
                session,
                chat_id=runner.chat_id,
                day=day,
                focus=focus.value,
                due=due_at,
                status=status,
            )
            if inserted and status == "ready" and runner.checkin_enabled:
                await _plan_checkin(session, deps, runner, day, focus.value, due_at, zone)
        due_at = await next_reminder_for(session, runner, now=due_at)
    if due_at is not None and due_at <= now:
        due_at = await next_reminder_for(session, runner, now=now)
    runner.next_reminder_utc = due_at
    session.add(runner)


async def _plan_checkin(
    session: AsyncSession,
    deps: Deps,
    runner: Runner,
    day: date,
    focus: str,
    reminder_at: datetime,
    zone: ZoneInfo,
) -> None:
    """One evening check-in, only if the evening comes well after the reminder."""
    evening = local_instant(day, deps.settings.evening_checkin_time, zone)
    if evening - reminder_at >= timedelta(hours=1):
        await reminders.claim(
            session,
            chat_id=runner.chat_id,
            day=day,
            focus=focus,
            due=evening,
            status="scheduled",
            kind=reminders.CHECKIN,
        )


def reminder_keyboard(deps: Deps, day: date) -> InlineKeyboardMarkup:
    t = deps.content.texts
    base = views.session_keyboard(t, day)
    rows = [list(row) for row in base.inline_keyboard]
    rows.append([views.snooze_button(t, day)])
    return InlineKeyboardMarkup(rows)


async def _send_one(bot: Bot, deps: Deps, item: reminders.Taken, report: TickReport) -> None:
    t = deps.content.texts
    now = deps.clock.now()
    async with transaction(deps.sessions) as session:
        runner = await runners.get_runner(session, item.chat_id)
        logged = await logs.log_on(session, item.chat_id, item.day)
        history = await history_of(session, item.chat_id, item.day)
    status, message_id = "sent", None
    if runner is None or not runner.active or runner.paused or logged is not None:
        status = "cancelled"  # no reminder after the session is logged, or while paused
        if logged is not None:
            report.already_logged += 1
    elif _too_late(deps, item.due, now, ZoneInfo(runner.timezone)):
        status = "missed"
        report.missed += 1
    else:
        if item.kind == reminders.CHECKIN:
            text = t("misc.checkin", focus=views.focus_label(t, Focus(item.focus)))
            keyboard = views.session_keyboard(t, item.day)
        else:
            body, _ = today_message(deps, runner, item.day, now, None, history)
            text = t("misc.reminder_intro") + "\n\n" + body
            keyboard = reminder_keyboard(deps, item.day)
        if item.retry:
            report.possible_duplicates += 1
            log.warning(
                "Re-sending a reminder whose earlier attempt may have been delivered "
                "(its sender stopped mid-send): a possible duplicate"
            )
        try:
            delivered = await with_retries(
                lambda: bot.send_message(runner.chat_id, text, reply_markup=keyboard),
                sleep=deps.sleep,
            )
            message_id = delivered.value.message_id
            report.sent += 1
            failpoints.hit("after_send")  # delivered, not yet recorded
            if delivered.maybe_duplicate:
                report.possible_duplicates += 1
                log.warning("A reminder was re-sent after a timeout: a possible duplicate")
        except (Forbidden, BadRequest) as exc:
            if isinstance(exc, BadRequest) and "chat not found" not in exc.message.lower():
                status = "failed"
                report.failed += 1
                log.warning("A reminder was rejected: %s", exc.message)
            else:
                # Blocked, or the chat is gone: stop until the runner writes again.
                status = "blocked"
                report.blocked += 1
        except TelegramError as exc:
            status = "failed"
            report.failed += 1
            report.errors.append(type(exc).__name__)
            log.warning("A reminder could not be sent: %s", type(exc).__name__)
    async with transaction(deps.sessions) as session:
        if not await reminders.finish(
            session, item.id, status=status, now=now, message_id=message_id, me=INSTANCE_ID
        ):
            log.warning(
                "A reminder's lease ran out while it was being sent; another "
                "instance may have sent it too"
            )
        if status == "blocked":
            fresh = await runners.get_runner(session, item.chat_id)
            if fresh is not None:
                await runners.set_state(
                    session, fresh, now=now, active=False, next_reminder_utc=None
                )
        deps.inactive.add(item.chat_id)
    failpoints.hit("after_record")


async def _sender(bot: Bot, deps: Deps, report: TickReport) -> None:
    """One of SEND_CONCURRENCY workers: reserve one row, send it, record it, repeat.

    Reserving one row at a time, right before its send, keeps the lease about a single
    send — a slow but live sender never has rows waiting long enough for another
    instance to take them over.
    """
    lease = timedelta(seconds=deps.settings.reminder_lease_seconds)
    while True:
        async with transaction(deps.sessions) as session:
            taken = await reminders.take_sendable(
                session, now=deps.clock.now(), me=INSTANCE_ID, lease=lease, limit=1
            )
        if not taken:
            return
        await _send_one(bot, deps, taken[0], report)


async def _send_all(bot: Bot, deps: Deps, report: TickReport) -> None:
    await asyncio.gather(
        *(_sender(bot, deps, report) for _ in range(deps.settings.send_concurrency))
    )


async def send_due_reminders(bot: Bot, deps: Deps) -> TickReport:
    """Plan and send everything due now; safe to call at any time, any number of times."""
    report = TickReport()
    started = asyncio.get_running_loop().time()
    now = deps.clock.now()
    while await _plan_batch(deps, now, report) == PLAN_BATCH:
        pass
    failpoints.hit("after_plan")  # rows are ready, nothing sent yet
    report.claim_seconds = asyncio.get_running_loop().time() - started
    await _send_all(bot, deps, report)
    async with transaction(deps.sessions) as session:
        # Blocked runners as another instance may have recorded them: a message from
        # one of them wakes their reminders (guards.wake_returning_runner).
        deps.inactive = await runners.inactive_chat_ids(session)
    if report.anything:
        log.info(
            "Reminder tick: %d sent, %d missed, %d already logged, %d failed, %d blocked, "
            "%d possible duplicates",
            report.sent,
            report.missed,
            report.already_logged,
            report.failed,
            report.blocked,
            report.possible_duplicates,
        )
    return report


async def reminder_tick(context: ContextTypes.DEFAULT_TYPE) -> None:
    deps = get_deps(context)
    await send_due_reminders(context.bot, deps)
    deps.health.tick_completed()
