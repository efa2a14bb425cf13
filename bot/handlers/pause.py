"""⏸ /pause's buttons: how long, why, then the confirmation — and the welcome back.

No conversation state: each step's buttons carry everything chosen so far, so any other
text or command simply moves on, and a button from an old /pause is recognised by its
date. Every step edits the /pause message, so a double tap sends nothing twice, and the
final tap writes the pause only if it changes something.

Callback data (``v1:pz:…``, the day the question was asked as ``YYYYMMDD``):

    v1:pz:<day>:<length>            the reason question (length: few, week, open)
    v1:pz:<day>:<length>:<reason>   pause (reason: illness, injury, holiday, other)
    v1:pz:<day>:keep                keep the running pause as it is
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import (
    Update,
)
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from bot.coach.pause import (
    Length,
    Reason,
    start_pause,
)
from bot.content import Texts
from bot.handlers.taps import button_args, button_choice, show, tap_or_stale
from bot.messages import views
from bot.messages.pause import (
    CB_PAUSE,
    KEEP,
    LENGTH_KEYS,
    confirmation_text,
    reason_keyboard,
)
from bot.services.coaching import local_today, next_reminder_for
from bot.store import runners
from bot.store.db import transaction
from bot.store.models import Runner


def handlers() -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]:
    return [CallbackQueryHandler(on_pause_button, pattern=rf"^{CB_PAUSE}(:|$)")]


# ---- pure helpers: state, texts, keyboards ------------------------------------------------


# ---- the button ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Choice:
    day: date
    length: Length | None  # None: keep
    reason: Reason | None


def parse_tap(data: str) -> _Choice | None:
    """The choice a button carries, or None for anything the bot never put on one."""
    args = button_args(data, CB_PAUSE, 2, 3)
    day = views.parse_day_code(args[0]) if args else None
    if args is None or day is None:
        return None
    if args[1] == KEEP:
        return _Choice(day, None, None) if len(args) == 2 else None
    length = button_choice(args[1], Length)
    reason = button_choice(args[2], Reason) if len(args) == 3 else None
    if length is None or (len(args) == 3 and reason is None):
        return None
    return _Choice(day, length, reason)


async def on_pause_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if (tap := await tap_or_stale(update, context)) is None:
        return
    t, query, chat = tap.t, tap.query, tap.chat
    choice = parse_tap(query.data or "")
    if choice is None:
        await tap.stale()
        return
    now = tap.deps.clock.now()
    already = False
    async with transaction(tap.deps.sessions) as session:
        runner = await runners.get_runner(session, chat.id)
        problem = _problem(t, runner, choice, now)
        if runner is not None and problem is None and choice.reason is not None:
            assert choice.length is not None
            already = await _pause(session, runner, choice.length, choice.reason, now)
    if problem is not None:
        await query.answer(problem)
        if runner is not None and runner.onboarded:
            await tap.close()  # an earlier day's question: take its buttons away
        return
    assert runner is not None
    today = local_today(runner, now)
    if choice.length is None and not runners.pause_state_of(runner, today).running(today):
        await tap.stale()  # resumed since: nothing to keep
        await tap.close()
    elif choice.length is None:
        await query.answer()
        await show(query, chat, t("pause.kept"), None)
    elif choice.reason is None:
        await query.answer()
        text = t("pause.ask_reason", length=t(LENGTH_KEYS[choice.length]))
        await show(query, chat, text, reason_keyboard(t, today, choice.length))
    else:
        await query.answer(t("pause.answer_already" if already else "pause.answer_paused"))
        await show(
            query, chat, confirmation_text(t, runner, runners.stored_pause_state(runner)), None
        )


def _problem(t: Texts, runner: Runner | None, choice: _Choice, now: datetime) -> str | None:
    if runner is None or not runner.onboarded:
        return t("pause.answer_not_set_up")
    if choice.day != local_today(runner, now):
        return t("pause.answer_old")
    return None


async def _pause(
    session: AsyncSession, runner: Runner, length: Length, reason: Reason, now: datetime
) -> bool:
    """Write the chosen pause; True if it was already in place (a double tap)."""
    today = local_today(runner, now)
    wanted = start_pause(runners.pause_state_of(runner, today), today, length, reason)
    if runners.stored_pause_state(runner) == wanted:
        return True
    runners.set_pause(runner, wanted)
    # A timed pause keeps ``paused`` off: the calendar skips its days, so the next
    # reminder is simply the first session day after it.
    runner.next_reminder_utc = await next_reminder_for(session, runner, now=now)
    await runners.set_state(session, runner, now=now)
    return False
