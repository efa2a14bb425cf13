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

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from bot.coach.pause import (
    Length,
    PauseState,
    Reason,
    WelcomeBack,
    returning,
    start_pause,
)
from bot.coach.progression import Entry
from bot.content import Texts
from bot.handlers.taps import button_args, button_choice, show, tap_or_stale
from bot.messages import views
from bot.services.coaching import local_today, next_reminder_for
from bot.store import runners
from bot.store.db import transaction
from bot.store.models import Runner

CB_PAUSE = "v1:pz"
KEEP = "keep"

LENGTH_KEYS = {
    Length.FEW_DAYS: "pause.length_few",
    Length.WEEK: "pause.length_week",
    Length.OPEN: "pause.length_open",
}
REASON_KEYS = {
    Reason.ILLNESS: "pause.reason_illness",
    Reason.INJURY: "pause.reason_injury",
    Reason.HOLIDAY: "pause.reason_holiday",
    Reason.OTHER: "pause.reason_other",
}
CARE_KEYS = {
    Reason.ILLNESS: "pause.care_illness",
    Reason.INJURY: "pause.care_injury",
    Reason.HOLIDAY: "pause.care_holiday",
    Reason.OTHER: "pause.care_other",
}
WELCOME_KEYS = {
    Reason.ILLNESS: "pause.welcome_illness",
    Reason.INJURY: "pause.welcome_injury",
    Reason.HOLIDAY: "pause.welcome_holiday",
    Reason.OTHER: "pause.welcome_other",
}
STEP_KEYS = ("pause.step_0", "pause.step_1", "pause.step_2")
MONTH_KEYS = (
    "pause.month_1",
    "pause.month_2",
    "pause.month_3",
    "pause.month_4",
    "pause.month_5",
    "pause.month_6",
    "pause.month_7",
    "pause.month_8",
    "pause.month_9",
    "pause.month_10",
    "pause.month_11",
    "pause.month_12",
)


def handlers() -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]:
    return [CallbackQueryHandler(on_pause_button, pattern=rf"^{CB_PAUSE}(:|$)")]


# ---- pure helpers: state, texts, keyboards ------------------------------------------------


def state_of(runner: Runner, today: date) -> PauseState:
    """The runner's pause columns. An open pause from before pauses had dates started,
    at the latest, when the row last changed: the best guess of which days it covers."""
    first = runner.paused_from
    if runner.paused and first is None:
        changed = runner.updated_at
        first = changed.astimezone(ZoneInfo(runner.timezone)).date() if changed else today
        first = min(first, today)
    return PauseState(runner.paused, runner.pause_reason, first, runner.paused_until)


def stored_state(runner: Runner) -> PauseState:
    return PauseState(runner.paused, runner.pause_reason, runner.paused_from, runner.paused_until)


def set_pause(runner: Runner, state: PauseState) -> None:
    runner.paused = state.paused
    runner.pause_reason = state.reason
    runner.paused_from = state.first
    runner.paused_until = state.until


def date_text(t: Texts, day: date) -> str:
    """ "Thursday 3 Dec": a pause can end in another month, so the day number alone won't do."""
    return t(
        "pause.date",
        weekday=t(f"day_long.{day.weekday()}"),
        day=day.day,
        month=t(MONTH_KEYS[day.month - 1]),
    )


def _data(today: date, *parts: str) -> str:
    return ":".join([CB_PAUSE, views.day_code(today), *parts])


def length_keyboard(t: Texts, today: date, *, offer_keep: bool = False) -> InlineKeyboardMarkup:
    def button(length: Length) -> InlineKeyboardButton:
        return InlineKeyboardButton(t(LENGTH_KEYS[length]), callback_data=_data(today, length))

    rows = [
        [button(Length.FEW_DAYS), button(Length.WEEK)],
        [button(Length.OPEN)],
    ]
    if offer_keep:
        rows.append([InlineKeyboardButton(t("pause.keep"), callback_data=_data(today, KEEP))])
    return InlineKeyboardMarkup(rows)


def reason_keyboard(t: Texts, today: date, length: Length) -> InlineKeyboardMarkup:
    def button(reason: Reason) -> InlineKeyboardButton:
        return InlineKeyboardButton(
            t(REASON_KEYS[reason]), callback_data=_data(today, length, reason)
        )

    return InlineKeyboardMarkup(
        [
            [button(Reason.ILLNESS), button(Reason.INJURY)],
            [button(Reason.HOLIDAY), button(Reason.OTHER)],
        ]
    )


def ask_length(t: Texts, runner: Runner, today: date) -> tuple[str, InlineKeyboardMarkup]:
    """/pause: "how long?" — or, while a pause is running, "you're paused; change it?"."""
    state = state_of(runner, today)
    if not state.running(today):
        return t("pause.ask_length"), length_keyboard(t, today)
    if state.until is None:
        text = t("pause.running_open")
    else:
        text = t("pause.running_timed", back=date_text(t, state.until + timedelta(days=1)))
    return text, length_keyboard(t, today, offer_keep=True)


def confirmation_text(t: Texts, runner: Runner, state: PauseState) -> str:
    """What the pause means: until when, a kind word for the reason, when reminders return."""
    reason = Reason.of(state.reason)
    if state.until is None:
        return "\n".join([t("pause.paused_open"), t(CARE_KEYS[reason])])
    lines = [
        t("pause.paused_timed", back=date_text(t, state.until + timedelta(days=1))),
        t(CARE_KEYS[reason]),
        "",
    ]
    last = t("pause.resume_any_time")
    if runner.next_reminder_utc is not None:
        local = runner.next_reminder_utc.astimezone(ZoneInfo(runner.timezone))
        back = t("pause.first_back", day=date_text(t, local.date()), time=local.strftime("%H:%M"))
        last = f"{back} {last}"
    return "\n".join([*lines, last])


def welcome_text(t: Texts, welcome: WelcomeBack) -> str:
    """ "👋 Welcome back! 9 days off ill. We'll start one level easier …" """
    if welcome.days_away == 1:
        days = t("pause.days_one")
    else:
        days = t("pause.days_many", count=welcome.days_away)
    step = t(STEP_KEYS[min(welcome.step_back_levels, len(STEP_KEYS) - 1)])
    if welcome.reason is Reason.INJURY:
        step = f"{step} {t('pause.step_injury')}"
    return t(WELCOME_KEYS[welcome.reason], days=days, step=step)


def welcome_back_line(
    t: Texts, runner: Runner, today: date, history: Sequence[Entry] = ()
) -> str | None:
    """The first session messages after a pause greet the runner back and say how much
    easier it starts: from the day after the pause, for up to a week, until a session is
    done (pass the log as ``history`` so it stops then). None otherwise."""
    if runner.paused:
        return None
    done = [entry.day for entry in history if entry.status == "done" and entry.day < today]
    welcome = returning(stored_state(runner), today, max(done, default=None))
    return welcome_text(t, welcome) if welcome is not None else None


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
    if choice.length is None and not state_of(runner, today).running(today):
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
        await show(query, chat, confirmation_text(t, runner, stored_state(runner)), None)


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
    wanted = start_pause(state_of(runner, today), today, length, reason)
    if stored_state(runner) == wanted:
        return True
    set_pause(runner, wanted)
    # A timed pause keeps ``paused`` off: the calendar skips its days, so the next
    # reminder is simply the first session day after it.
    runner.next_reminder_utc = await next_reminder_for(session, runner, now=now)
    await runners.set_state(session, runner, now=now)
    return False
