"""Turning the coach's answers into message texts and keyboards.

Every button's data is packed by its class in ``bot.messages.callbacks`` (short and
versioned, so a button from an older release or an earlier day is recognised and answered
politely instead of crashing).
"""

from __future__ import annotations

import html
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.coach.day import DayPlan, changes_since
from bot.coach.parsing import clean_text
from bot.coach.plan import plan_week, week_index_of
from bot.coach.status import LogStatus
from bot.coach.week import Focus, PlannedDay, RunnerWeek
from bot.content import Level, Texts
from bot.messages.callbacks import (
    SNOOZE_MINUTES,
    DidButton,
    DoneButton,
    FeedbackAnswer,
    FeedbackButton,
    SkipButton,
    SnoozeFor,
    SnoozeOffer,
    SwapChoose,
    SwapKeep,
    SwapOptions,
    SwapWhich,
)

# Keyboards for a day are the same for every runner: built once and shared (PTB's objects
# are frozen), a ten-thousand-reminder minute builds one instead of ten thousand.
KEYBOARD_CACHE_SIZE = 64
# Telegram's limits, in UTF-16 code units as it counts them: a message's text, and the
# toast a button's answer shows.
MAX_MESSAGE = 4096
MAX_CALLBACK_ANSWER = 200
ELLIPSIS = "…"
# How much of a runner's own words a reply repeats back. The whole note is stored; the
# echo only shows it was understood, and a 4,000-character note echoed in full no longer
# fits beside the reply (Telegram refuses the message, and the runner read "something
# went wrong" for a note that had been saved).
ECHO_BUDGET = 300


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (astral characters such as most emoji count twice)."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def shorten(text: str, budget: int) -> str:
    """``text`` (HTML-escaped, no tags) cut to at most ``budget`` UTF-16 code units,
    ending in "…" when cut: never inside an HTML entity (``&amp;``) or between the two
    halves of an emoji, and without dangling whitespace before the "…"."""
    if len(text) <= budget and utf16_len(text) <= budget:
        return text
    room = budget - utf16_len(ELLIPSIS)
    used = 0
    cut = 0
    for index, char in enumerate(text[:room]):  # a code point is at least one unit
        used += 2 if ord(char) > 0xFFFF else 1
        if used > room:
            break
        cut = index + 1
    head = text[:cut]
    entity = head.rfind("&")
    if entity >= 0 and ";" not in head[entity:]:
        head = head[:entity]  # "&am" would show as typed, or break the parse
    return head.rstrip() + ELLIPSIS


def user_text(raw: str, budget: int = ECHO_BUDGET) -> str:
    """A runner's own words as a reply may repeat them: cleaned as the database stores
    them (no NUL, no half of a surrogate pair, which no encoder takes), whitespace-trimmed,
    escaped for Telegram's HTML (a "<3" must not read as a tag), shortened to ``budget``."""
    return shorten(html.escape(clean_text(raw).strip(), quote=False), budget)


def toast(text: str) -> str:
    """A callback answer: Telegram shows at most 200 characters (and refuses more)."""
    return shorten(text, MAX_CALLBACK_ANSWER)


def focus_label(t: Texts, focus: Focus) -> str:
    return t(f"focus.{focus.value}")


def day_label(t: Texts, day: date, today: date | None = None) -> str:
    if today is not None and day == today:
        return t("today.today_label")
    return f"{t(f'day_long.{day.weekday()}')} {day.day}"


def dose(t: Texts, level: Level) -> str:
    side = "_per_side" if level.per_side else ""
    if level.seconds is not None:
        return t(f"today.dose_seconds{side}", sets=level.sets, seconds=level.seconds)
    return t(f"today.dose_reps{side}", sets=level.sets, reps=level.reps)


def session_text(
    t: Texts, plan: DayPlan, week: RunnerWeek, today: date, logged_status: str | None = None
) -> str:
    session = plan.session
    lines = [
        t(
            "today.header",
            icon=t(f"focus_icon.{session.focus.value}"),
            focus=focus_label(t, session.focus),
            day_label=day_label(t, plan.day, today),
            minutes=session.minutes,
        ),
        level_line(t, plan),
        *notes(t, plan, week),
        "",
    ]
    for number, item in enumerate(session.items, start=1):
        lines.append(
            t(
                "today.exercise",
                number=number,
                name=html.escape(item.exercise.name, quote=False),
                variant=html.escape(item.level.variant, quote=False),
                dose=dose(t, item.level),
                rest=item.level.rest,
                cue=html.escape(item.exercise.cue, quote=False),
            )
        )
    lines.append("")
    if logged_status == LogStatus.DONE:
        lines.append(t("today.footer_done"))
    elif logged_status == LogStatus.SKIPPED:
        lines.append(t("today.footer_skipped"))
    else:
        lines.append(t("today.footer"))
    return "\n".join(lines)


def level_line(t: Texts, plan: DayPlan) -> str:
    """ "Level 4 · Plank +10 s, Squat +2 reps since last time" """
    parts = []
    for change in changes_since(plan.previous, plan.session)[:3]:
        name = html.escape(change.name, quote=False)
        if change.kind == "variant":
            parts.append(t("progress.variant", name=name, variant=html.escape(change.variant)))
        else:
            sign = "+" if change.amount > 0 else "−"
            parts.append(
                t(f"progress.{change.kind}", name=name, sign=sign, amount=abs(change.amount))
            )
    if parts:
        return t("progress.level_changed", level=plan.session.level, changes=", ".join(parts))
    return t("progress.level", level=plan.session.level)


def notes(t: Texts, plan: DayPlan, week: RunnerWeek) -> list[str]:
    found = []
    adjustment = plan.adjustment
    if plan.sore_swap:
        found.append(t("progress.sore_swap", focus=focus_label(t, plan.session.focus)))
    if adjustment.phase is not None:
        found.append(t(f"phase.{adjustment.phase.value}"))
    elif adjustment.lighter_week:
        found.append(t("progress.lighter_week"))
    if (
        plan.state.last_change is not None
        and plan.state.changed_on is not None
        and ((plan.day - plan.state.changed_on).days <= 7)
    ):
        key = f"progress.changed_{plan.state.last_change.value}"
        found.append(t(key, focus=focus_label(t, plan.session.focus)))
    found.append(why_text(t, week, plan.day, plan.session.focus))
    return found


def why_text(t: Texts, week: RunnerWeek, day: date, focus: Focus) -> str:
    """Why this session sits on this day, in one line."""
    weekday = day.weekday()
    reasons = []
    if week.long_run_day is not None:
        until = (week.long_run_day - weekday) % 7
        if until:
            reasons.append(t("why.long_run", day=t(f"day_long.{week.long_run_day}"), days=until))
    if weekday in week.hard_days:
        reasons.append(t("why.hard_today"))
    else:
        upcoming_hard = sorted((d - weekday) % 7 for d in week.hard_days if d != weekday)
        if upcoming_hard:
            reasons.append(
                t("why.hard_next", day=t(f"day_long.{(weekday + upcoming_hard[0]) % 7}"))
            )
    if focus is not Focus.LEGS:
        kind = "why.easy_day" if weekday in week.run_days else "why.rest_day"
        reasons.insert(0, t(kind))
    return t("why.line", focus=focus_label(t, focus), reasons="; ".join(reasons) or t("why.free"))


@lru_cache(maxsize=KEYBOARD_CACHE_SIZE)
def session_keyboard(t: Texts, day: date) -> InlineKeyboardMarkup:
    """Done and Skip first, ⇄ Swap on a row of its own: a rarer choice, away from the thumb."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(t("buttons.done"), callback_data=DoneButton(day).pack()),
                InlineKeyboardButton(t("buttons.skip"), callback_data=SkipButton(day).pack()),
            ],
            [InlineKeyboardButton(t("swap.button"), callback_data=SwapWhich(day).pack())],
        ]
    )


def swap_which_keyboard(
    t: Texts, day: date, choices: list[tuple[int, str, str]]
) -> InlineKeyboardMarkup:
    """ "Which one?": one button per swappable exercise (number, name, code), then Keep."""
    rows = [
        [
            InlineKeyboardButton(
                t("swap.exercise_button", number=number, name=name),
                callback_data=SwapOptions(day, exercise).pack(),
            )
        ]
        for number, name, exercise in choices
    ]
    rows.append([InlineKeyboardButton(t("swap.keep"), callback_data=SwapKeep(day).pack())])
    return InlineKeyboardMarkup(rows)


def swap_options_keyboard(
    t: Texts, day: date, shown: str, options: list[tuple[str, str, bool]]
) -> InlineKeyboardMarkup:
    """The moves to pick from (name, code, is the way back to the original), then Back."""
    rows = [
        [
            InlineKeyboardButton(
                t("swap.back_button" if back else "swap.option_button", name=name),
                callback_data=SwapChoose(day, shown, exercise).pack(),
            )
        ]
        for name, exercise, back in options
    ]
    rows.append([InlineKeyboardButton(t("buttons.back"), callback_data=SwapWhich(day).pack())])
    return InlineKeyboardMarkup(rows)


def snooze_button(t: Texts, day: date) -> InlineKeyboardButton:
    return InlineKeyboardButton(t("buttons.later"), callback_data=SnoozeOffer(day).pack())


@lru_cache(maxsize=KEYBOARD_CACHE_SIZE)
def snooze_keyboard(t: Texts, day: date) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t(f"buttons.snooze_{minutes}"), callback_data=SnoozeFor(day, minutes).pack()
                )
                for minutes in SNOOZE_MINUTES
            ]
        ]
    )


@lru_cache(maxsize=KEYBOARD_CACHE_SIZE)
def feedback_keyboard(t: Texts, day: date) -> InlineKeyboardMarkup:
    def button(answer: FeedbackAnswer) -> InlineKeyboardButton:
        return InlineKeyboardButton(
            t(f"feedback.{answer.value}"), callback_data=FeedbackButton(day, answer).pack()
        )

    felt = [answer for answer in FeedbackAnswer if answer is not FeedbackAnswer.SORE]
    return InlineKeyboardMarkup(
        [
            [button(answer) for answer in felt[:2]],
            [button(answer) for answer in felt[2:]],
            [button(FeedbackAnswer.SORE)],
        ]
    )


@lru_cache(maxsize=KEYBOARD_CACHE_SIZE)
def focus_keyboard(t: Texts, day: date) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    f"{t(f'focus_icon.{focus.value}')} {focus_label(t, focus)}",
                    callback_data=DidButton(focus, day).pack(),
                )
                for focus in Focus
            ]
        ]
    )


def next_session_line(t: Texts, planned: PlannedDay | None, today: date) -> str:
    if planned is None:
        return t("today.no_sessions")
    return t(
        "today.next_session",
        day=day_label(t, planned.day, today),
        focus=focus_label(t, planned.focus),
    )


def rest_day_text(t: Texts, week: RunnerWeek, today: date, planned: PlannedDay | None) -> str:
    weekday = today.weekday()
    if weekday == week.long_run_day:
        reason = t("today.rest_reason_long")
    elif weekday in week.run_days:
        reason = t("today.rest_reason_run")
    else:
        reason = t("today.rest_reason_rest")
    return "\n".join([t("today.rest_day", reason=reason), next_session_line(t, planned, today)])


def run_label(t: Texts, week: RunnerWeek, weekday: int) -> str | None:
    """The day's run as the week summary and the preview name it: long, hard, easy."""
    if weekday == week.long_run_day:
        return t("onboarding.summary_long")
    if weekday in week.hard_days:
        return t("onboarding.summary_hard")
    if weekday in week.run_days:
        return t("onboarding.summary_run")
    return None


def week_lines(t: Texts, week: RunnerWeek, monday: date) -> list[str]:
    plan = plan_week(week, week_index_of(monday))
    lines = []
    for weekday in range(7):
        parts: list[str] = []
        if (run := run_label(t, week, weekday)) is not None:
            parts.append(run)
        focus = plan.focus_on(weekday)
        if focus is not None:
            parts.append(
                t(
                    "onboarding.summary_strength",
                    icon=t(f"focus_icon.{focus.value}"),
                    focus=focus_label(t, focus),
                )
            )
        what = " · ".join(parts) if parts else t("onboarding.summary_rest")
        lines.append(t("onboarding.summary_day", day=t(f"day_short.{weekday}"), what=what))
    return lines


def summary_text(t: Texts, week: RunnerWeek, monday: date) -> str:
    key = (
        "onboarding.summary_sessions_alternating"
        if week.sessions_per_week == 2
        else "onboarding.summary_sessions"
    )
    if week.reminder_time is not None:
        reminder = t(
            "onboarding.summary_reminder",
            time=week.reminder_time.strftime("%H:%M"),
            zone=week.timezone,
        )
    else:
        reminder = t("onboarding.summary_no_reminder", zone=week.timezone)
    return t(
        "onboarding.summary",
        days="\n".join(week_lines(t, week, monday)),
        sessions_line=t(key, count=week.sessions_per_week),
        reminder_line=reminder,
        experience=t(f"experience.{week.experience.value}"),
        equipment=t(f"equipment.{week.equipment.value}"),
    )


def local_time_text(zone: str, now: datetime) -> str:
    return now.astimezone(ZoneInfo(zone)).strftime("%H:%M")


def when_text(t: Texts, instant: datetime, zone: str, today: date) -> str:
    local = instant.astimezone(ZoneInfo(zone))
    return f"{day_label(t, local.date(), today)} {local.strftime('%H:%M')}"
