"""⏸ /pause's texts and keyboards, and the welcome back after a pause.

The buttons carry the day the question was asked and what is chosen so far
(``callbacks.PauseLength``, ``PausePick``, ``PauseKeep``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.coach.calendar import Slot
from bot.coach.pause import (
    Length,
    PauseState,
    Reason,
    WelcomeBack,
    levels_given_back,
    returning,
)
from bot.coach.progression import Entry
from bot.coach.status import LogStatus
from bot.coach.week import STARTING_LEVEL, Focus
from bot.content import Texts
from bot.messages.callbacks import PauseKeep, PauseLength, PausePick
from bot.messages.views import focus_label
from bot.services.plan import breaks_of
from bot.store.models import Runner
from bot.store.runners import pause_state_of, stored_pause_state, week_of

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


def date_text(t: Texts, day: date) -> str:
    """ "Thursday 3 Dec", "чт, 3 дек.": a pause can end in another month, so the day
    number alone won't do; the locale's order and names (CLDR)."""
    return t.short_date(day, weekday="wide")


def length_keyboard(t: Texts, today: date, *, offer_keep: bool = False) -> InlineKeyboardMarkup:
    def button(length: Length) -> InlineKeyboardButton:
        return InlineKeyboardButton(
            t(LENGTH_KEYS[length]), callback_data=PauseLength(today, length).pack()
        )

    rows = [
        [button(Length.FEW_DAYS), button(Length.WEEK)],
        [button(Length.OPEN)],
    ]
    if offer_keep:
        rows.append([InlineKeyboardButton(t("pause.keep"), callback_data=PauseKeep(today).pack())])
    return InlineKeyboardMarkup(rows)


def reason_keyboard(t: Texts, today: date, length: Length) -> InlineKeyboardMarkup:
    def button(reason: Reason) -> InlineKeyboardButton:
        return InlineKeyboardButton(
            t(REASON_KEYS[reason]), callback_data=PausePick(today, length, reason).pack()
        )

    return InlineKeyboardMarkup(
        [
            [button(Reason.ILLNESS), button(Reason.INJURY)],
            [button(Reason.HOLIDAY), button(Reason.OTHER)],
        ]
    )


def ask_length(t: Texts, runner: Runner, today: date) -> tuple[str, InlineKeyboardMarkup]:
    """/pause: "how long?" — or, while a pause is running, "you're paused; change it?"."""
    state = pause_state_of(runner, today)
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
    # Without a reminder time the stored instant is when the evening check-in is planned
    # (the day's start), not a reminder to name.
    if runner.next_reminder_utc is not None and runner.reminder_time is not None:
        local = runner.next_reminder_utc.astimezone(ZoneInfo(runner.timezone))
        back = t("pause.first_back", day=date_text(t, local.date()), time=t.time(local.time()))
        last = f"{back} {last}"
    return "\n".join([*lines, last])


def coming_line(t: Texts, slot: Slot | None, today: date) -> str:
    """/resume's word on the session that is on: today's, still on, or the next one."""
    if slot is None:
        return ""
    focus = focus_label(t, slot.focus)
    if slot.day == today:
        return t("pause.today_still_on", focus=focus)
    return t("pause.next_session_on", focus=focus, day=date_text(t, slot.day))


def welcome_text(t: Texts, welcome: WelcomeBack) -> str:
    """ "👋 Welcome back! 9 days off ill. We'll start one level easier …" """
    days = t("pause.days_many", count=welcome.days_away)
    back = welcome.step_back_levels
    step = t("welcome_step.many", count=back) if back >= len(STEP_KEYS) else t(STEP_KEYS[back])
    if welcome.reason is Reason.INJURY:
        step = f"{step} {t('pause.step_injury')}"
    return t(WELCOME_KEYS[welcome.reason], days=days, step=step)


def welcome_back_line(
    t: Texts,
    runner: Runner,
    today: date,
    history: Sequence[Entry] = (),
    focus: Focus | None = None,
) -> str | None:
    """The first session messages after a pause greet the runner back and say how much
    easier it starts: from the day after the pause, for up to a week, until a session is
    done (pass the log as ``history`` so it stops then). How much easier is what the
    levels give (``focus``'s, or the most of any focus's), not only what the pause's
    length would. None otherwise."""
    if runner.paused:
        return None
    done = [entry.day for entry in history if entry.status == LogStatus.DONE and entry.day < today]
    state = stored_pause_state(runner)
    welcome = returning(state, today, max(done, default=None))
    if welcome is None:
        return None
    start = STARTING_LEVEL[week_of(runner).experience]
    foci = [focus] if focus is not None else list(Focus)
    given = levels_given_back(start, history, state, today, breaks_of(runner), foci)
    return welcome_text(t, replace(welcome, step_back_levels=given))
