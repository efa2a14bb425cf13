"""The reminder tick: one JobQueue job a minute sends every reminder that is due.

No job per runner: runners carry an indexed ``next_reminder_utc``; each tick claims the
due ones, writes one reminder row per (runner, local date) — the database's unique key
is what makes a second send for the same day impossible — then sends and computes the
next instant from the runner's local date and time. A late or stalled tick still finds
everything that fell due, because the truth is in the database, not in the scheduler.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from telegram import Bot
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot.coach.plan import plan_for_date
from bot.coach.schedule import local_date
from bot.coaching import next_reminder_for
from bot.deps import Deps, get_deps
from bot.handlers.today import today_message
from bot.store import logs, reminders, runners
from bot.store.db import transaction
from bot.store.models import Runner

log = logging.getLogger(__name__)

BATCH_SIZE = 200


@dataclass
class TickReport:
    sent: int = 0
    missed: int = 0
    already_logged: int = 0
    failed: int = 0
    blocked: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Pending:
    reminder_id: int
    runner: Runner
    day: date


async def _claim_batch(deps: Deps, now: datetime, report: TickReport) -> tuple[list[_Pending], int]:
    catchup = timedelta(hours=deps.settings.reminder_catchup_hours)
    pending: list[_Pending] = []
    async with transaction(deps.sessions) as session:
        due = await runners.due_runners(session, now=now, limit=BATCH_SIZE)
        for runner in due:
            due_at = runner.next_reminder_utc
            assert due_at is not None
            zone = ZoneInfo(runner.timezone)
            day = local_date(due_at, zone)
            focus = plan_for_date(runners.week_of(runner), day)
            if focus is not None:
                if await logs.log_on(session, runner.chat_id, day) is not None:
                    status = "cancelled"
                    report.already_logged += 1
                elif local_date(now, zone) != day or now - due_at > catchup:
                    status = "missed"
                    report.missed += 1
                else:
                    status = "claimed"
                reminder_id = await reminders.claim(
                    session,
                    chat_id=runner.chat_id,
                    day=day,
                    focus=focus.value,
                    due=due_at,
                    status=status,
                )
                if reminder_id is not None and status == "claimed":
                    pending.append(_Pending(reminder_id, runner, day))
            runner.next_reminder_utc = await next_reminder_for(
                session, runner, now=max(now, due_at)
            )
            session.add(runner)
    return pending, len(due)


async def _send(bot: Bot, deps: Deps, item: _Pending, now: datetime, report: TickReport) -> None:
    t = deps.content.texts
    text, keyboard = today_message(deps, item.runner, item.day, now, None)
    status, message_id = "sent", None
    try:
        message = await bot.send_message(
            item.runner.chat_id, t("misc.reminder_intro") + "\n\n" + text, reply_markup=keyboard
        )
        message_id = message.message_id
        report.sent += 1
    except (Forbidden, BadRequest) as exc:
        if isinstance(exc, BadRequest) and "chat not found" not in exc.message.lower():
            status = "failed"
            report.failed += 1
            log.warning("Reminder for a runner was rejected: %s", exc.message)
        else:
            # The runner blocked the bot or the chat is gone: stop until they write again.
            status = "blocked"
            report.blocked += 1
            async with transaction(deps.sessions) as session:
                runner = await runners.get_runner(session, item.runner.chat_id)
                if runner is not None:
                    await runners.set_state(
                        session, runner, now=now, active=False, next_reminder_utc=None
                    )
    except TelegramError as exc:
        status = "failed"
        report.failed += 1
        report.errors.append(type(exc).__name__)
        log.warning("Reminder send failed: %s", type(exc).__name__)
    async with transaction(deps.sessions) as session:
        await reminders.finish(
            session, item.reminder_id, status=status, now=now, message_id=message_id
        )


async def send_due_reminders(bot: Bot, deps: Deps) -> TickReport:
    """Claim and send everything due now; safe to call at any time, any number of times."""
    now = deps.clock.now()
    report = TickReport()
    while True:
        pending, claimed = await _claim_batch(deps, now, report)
        for item in pending:
            await _send(bot, deps, item, now, report)
        if claimed < BATCH_SIZE:
            break
    if report.sent or report.missed or report.failed or report.blocked:
        log.info(
            "Reminder tick: %d sent, %d missed, %d already logged, %d failed, %d blocked",
            report.sent,
            report.missed,
            report.already_logged,
            report.failed,
            report.blocked,
        )
    return report


async def reminder_tick(context: ContextTypes.DEFAULT_TYPE) -> None:
    await send_due_reminders(context.bot, get_deps(context))
