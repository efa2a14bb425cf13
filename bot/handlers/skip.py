"""After "⏭ Skip": why, in one tap, and moving the session to a day that keeps the rules.

A skip is logged at once (nothing is lost if the runner never answers); the reason and
the move are follow-ups. Which day a session may move to is the coach's call
(``bot.coach.calendar.move_target``), so a moved session never lands before a long run
or a hard day, or next to another strength session.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from bot.coach.calendar import MOVE_HORIZON_DAYS, Origin, Slot, move_blockers, move_target
from bot.coach.status import LogStatus, SkipReason
from bot.coach.week import Focus, PlannedDay
from bot.content import Texts
from bot.handlers.taps import show, tap_or_stale
from bot.messages import views
from bot.messages.callbacks import KeepSkipped, MoveButton, ReasonButton
from bot.services.calendar import (
    CALENDAR_LOOKBACK_DAYS,
    load_calendar,
    local_today,
    next_slot,
    slot_for,
)
from bot.services.next_reminder import next_reminder_for
from bot.store import logs, moves, runners
from bot.store.db import transaction
from bot.store.models import Runner, SessionLog

REASONS = tuple(SkipReason)


def reason_keyboard(t: Texts, day: date) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(
            t(f"skip.reason_{reason.value}"), callback_data=ReasonButton(day, reason).pack()
        )
        for reason in SkipReason
    ]
    return InlineKeyboardMarkup([buttons[:3], buttons[3:]])


def ask_reason(t: Texts, focus: Focus, day: date, today: date) -> tuple[str, InlineKeyboardMarkup]:
    text = t(
        "skip.ask_reason", focus=views.focus_label(t, focus), day=views.day_label(t, day, today)
    )
    return text, reason_keyboard(t, day)


def _next_line(t: Texts, runner: Runner, slot: Slot | None, today: date) -> str:
    planned = PlannedDay(slot.day, slot.focus) if slot else None
    return views.next_session_line(t, planned, today)


async def on_reason(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if (tap := await tap_or_stale(update, context, ReasonButton)) is None:
        return
    deps, t, query, chat = tap.deps, tap.t, tap.query, tap.chat
    day, reason = tap.button.day, tap.button.reason
    now = deps.clock.now()
    # Answers go out after the transaction: SQLite's one connection must not wait on the
    # network while other chats' updates are handled.
    async with transaction(deps.sessions) as session:
        found = await _skipped(session, chat.id, day, now)
        # Read before set_reason, which updates the log object in the session too.
        answered = found is not None and found[2].reason is not None
        if found is not None and not answered:
            await logs.set_reason(session, chat.id, day, reason)
            history = await load_calendar(session, found[0], found[1])
    if found is None:
        await tap.stale()
        return
    runner, today, _ = found
    if answered:
        # Answered already: a second tap (both left before the first reply came), or
        # another reason on the same keyboard. The first one stands.
        await query.answer()
        return
    await query.answer()
    await tap.close()
    week = runners.week_of(runner)
    slot = slot_for(runner, day, history, today)
    reply = t(f"skip.reply_{reason.value}")
    target = None
    if not reason.means_rest and slot is not None:
        target = move_target(week, slot, history, today)
    if target is None:
        following = next_slot(runner, history, today, include_today=False)
        if reason.means_rest or slot is None:
            await chat.send_message(reply + "\n" + _next_line(t, runner, following, today))
        else:
            text = t(
                "skip.no_move",
                reason_reply=reply,
                next_line=_next_line(t, runner, following, today),
            )
            await chat.send_message(text)
        return
    assert slot is not None
    label = views.day_label(t, target, today)
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t("skip.move_button", target=label),
                    callback_data=MoveButton(day, target).pack(),
                )
            ],
            [InlineKeyboardButton(t("skip.keep_skipped"), callback_data=KeepSkipped(day).pack())],
        ]
    )
    text = t(
        "skip.offer_move", reason_reply=reply, focus=views.focus_label(t, slot.focus), target=label
    )
    await chat.send_message(text, reply_markup=keyboard)


async def on_move(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if (tap := await tap_or_stale(update, context, MoveButton)) is None:
        return
    deps, t, query, chat = tap.deps, tap.t, tap.query, tap.chat
    from_day, to_day = tap.button.from_day, tap.button.to_day
    now = deps.clock.now()
    # What went wrong, if anything; answered after the transaction, so SQLite's one
    # connection never waits on the network.
    problem: str | None = None
    async with transaction(deps.sessions) as session:
        runner = await _set_up(session, chat.id)
        slot = None
        if runner is None:
            problem = "stale"
        else:
            today = local_today(runner, now)
            # Forged or from another month: the calendar is never worked out that far
            # (a year-9999 day would overflow it).
            near = _near(from_day, today) and _near(to_day, today)
            log = await logs.log_on(session, chat.id, from_day) if near else None
            if not near or (log is not None and log.status == LogStatus.MOVED):
                problem = "stale"
        if runner is not None and problem is None:
            history = await load_calendar(session, runner, today)
            slot = slot_for(runner, from_day, history, today)
            week = runners.week_of(runner)
            if (
                slot is None
                or slot.origin is Origin.REOFFERED
                or log is None
                or log.status != LogStatus.SKIPPED
                or move_blockers(week, slot, to_day, history, today)
            ):
                problem = "skip.move_gone"
            elif not await moves.add_move(
                session,
                runner=runner,
                from_day=from_day,
                to_day=to_day,
                focus=slot.focus.value,
                now=now,
            ):
                # A move of that day is stored already although its log says skipped
                # (another instance's, or an old release's leftover): nothing was moved,
                # and saying so beats a "moved" the calendar would not show.
                problem = "records.move_not_stored"
            else:
                await logs.mark_moved(session, chat.id, from_day)
                await runners.set_state(
                    session,
                    runner,
                    now=now,
                    next_reminder_utc=await next_reminder_for(session, runner, now=now),
                )
    if problem == "stale":
        await tap.stale()
        return
    if problem is not None or slot is None:
        await query.answer()
        await tap.close()
        await chat.send_message(t(problem or "skip.move_gone"))
        return
    await query.answer()
    await tap.close()
    await chat.send_message(
        t(
            "skip.moved",
            focus=views.focus_label(t, slot.focus),
            target=views.day_label(t, to_day, today),
        )
    )


async def on_keep(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """ "No, just skip it": the offer turns into the answer (an edit, so a second tap adds
    nothing); only for a day that is logged as skipped."""
    if (tap := await tap_or_stale(update, context, KeepSkipped)) is None:
        return
    deps, t, query, chat, day = tap.deps, tap.t, tap.query, tap.chat, tap.button.day
    now = deps.clock.now()
    async with transaction(deps.sessions) as session:
        found = await _skipped(session, chat.id, day, now)
        if found is not None:
            history = await load_calendar(session, found[0], found[1])
    if found is None:
        await tap.stale()
        return
    runner, today, _ = found
    await query.answer()
    following = next_slot(runner, history, today, include_today=False)
    text = t("skip.kept", next_line=_next_line(t, runner, following, today))
    await show(query, chat, text, None)


# How far from the runner's today a button's day may be: a skip is logged for today or
# the two days before, and a move goes at most MOVE_HORIZON_DAYS ahead; a keyboard from
# a few weeks back still works. Beyond it a day is forged (or ancient): stale.
BUTTON_DAYS = timedelta(days=CALENDAR_LOOKBACK_DAYS + MOVE_HORIZON_DAYS)


def _near(day: date, today: date) -> bool:
    return abs(day - today) <= BUTTON_DAYS


async def _skipped(
    session: AsyncSession, chat_id: int, day: date, now: datetime
) -> tuple[Runner, date, SessionLog] | None:
    """The set-up runner, their today and ``day``'s log, if that day (near today) is
    logged as skipped: what a reason or a "keep" can be about; else None."""
    runner = await _set_up(session, chat_id)
    if runner is None:
        return None
    today = local_today(runner, now)
    log = await logs.log_on(session, chat_id, day) if _near(day, today) else None
    if log is None or log.status != LogStatus.SKIPPED:
        return None
    return runner, today, log


async def _set_up(session: AsyncSession, chat_id: int) -> Runner | None:
    """The tapping runner, or None if they are not set up (any more): the caller answers
    "expired" once the transaction is over."""
    runner = await runners.get_runner(session, chat_id)
    if runner is None or not runner.onboarded:
        return None
    return runner


def handlers() -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]:
    return [
        CallbackQueryHandler(on_reason, pattern=ReasonButton.PATTERN),
        CallbackQueryHandler(on_move, pattern=MoveButton.PATTERN),
        CallbackQueryHandler(on_keep, pattern=KeepSkipped.PATTERN),
    ]
