"""The weekly preview's text and the /settings lines about it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from telegram import InlineKeyboardMarkup

from bot.coach.calendar import History, Origin, week_for
from bot.coach.progression import Entry
from bot.coach.streaks import WeekMark
from bot.coach.week import Focus
from bot.content import Content, Texts
from bot.messages import views
from bot.messages.week import no_legs_line
from bot.services.calendar import calendar_from, local_today, pauses_of
from bot.services.plan import plan_of_session, sessions_view
from bot.services.previews import (
    DEFAULT_PREVIEW_TIME,
    MonthRecap,
    PreviewTally,
    preview_time_of,
)
from bot.store import runners
from bot.store.models import Runner


def preview_week_start(day: date) -> date:
    """The Monday the preview is about: the coming one; on a Monday, the week that starts
    that day (a Monday-morning preview is about the week just begun, not one a week off)."""
    return day + timedelta(days=(7 - day.weekday()) % 7)


def _runs(t: Texts, runner: Runner, day: date) -> list[str]:
    parts = []
    if runner.race_date == day:
        parts.append(t("preview.race_day"))
    if (run := views.run_label(t, runners.week_of(runner), day.weekday())) is not None:
        parts.append(run)
    return parts


def preview_message(
    content: Content,
    runner: Runner,
    day: date,
    now: datetime,
    history: list[Entry],
    calendar: History | None,
    tally: PreviewTally | None = None,
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The coming week day by day: each strength session as /today will show it (the same
    calendar, plan and level), the runs the runner told us, lighter-week and race notes,
    and when the reminders come. ``day``: the local date the preview is sent on.
    ``tally`` (``services.previews.preview_tally``): last week's tally opens it, and once
    a month the recap of the month before."""
    t = content.texts
    opening = tally_lines(t, tally) if tally is not None else []
    today = local_today(runner, now)
    monday = preview_week_start(day)
    sunday = monday + timedelta(days=6)
    # No calendar read (a first preview): the runner row alone, race day and this week's
    # changes included.
    known = calendar if calendar is not None else calendar_from(runner, {}, (), today)
    # The same answer per day as /today, "done" and /week (services.plan.session_of_day).
    view = sessions_view(runner, known, history, today, monday, 6)
    lines = [t("preview.header", first=views.day_label(t, monday), last=views.day_label(t, sunday))]
    lines.append("")
    notes: list[str] = []
    sessions = 0
    focuses: set[Focus] = set()
    pauses = pauses_of(runner)
    for offset in range(7):
        current = monday + timedelta(days=offset)
        label = t.weekday_day(current)
        if any(pause.covers(current) for pause in pauses):
            lines.append(t("preview.day", day=label, what=t("preview.paused")))
            continue
        parts = _runs(t, runner, current)
        found = view(current)
        slot = found.slot if found is not None else None
        moved = slot is not None and slot.origin is not Origin.PLANNED
        plan = (
            plan_of_session(content, runner, known, history, found) if found is not None else None
        )
        if plan is not None:
            sessions += 1
            session = plan.session
            focuses.add(session.focus)
            strength = t(
                "preview.session",
                icon=t(f"focus_icon.{session.focus.value}"),
                focus=views.focus_label(t, session.focus),
                level=session.level,
                minutes=session.minutes,
            )
            if moved and slot is not None and slot.from_day is not None:
                key = "preview.moved" if slot.origin is Origin.MOVED else "preview.reoffered"
                strength += " " + t(key, day=views.day_label(t, slot.from_day))
            parts.append(strength)
            adjustment = plan.adjustment
            if adjustment.phase is not None:
                note = t(f"phase.{adjustment.phase.value}")
            elif adjustment.lighter_week:
                note = t("progress.lighter_week")
            else:
                note = ""
            if note and note not in notes:
                notes.append(note)
        what = " · ".join(parts) if parts else t("onboarding.summary_rest")
        lines.append(t("preview.day", day=label, what=what))
    lines.append("")
    if sessions == 0:
        lines.append(t("preview.no_sessions"))
    else:
        lines.append(t("preview.count", count=sessions))
    lines.extend(notes)
    week = week_for(runners.week_of(runner), known, monday)
    if Focus.LEGS not in focuses and (why := no_legs_line(t, week)) is not None:
        lines.append(why)
    if runner.reminder_time:
        lines.append(t("preview.reminder", time=t.time(time.fromisoformat(runner.reminder_time))))
    else:
        lines.append(t("preview.no_reminder"))
    lines.append(t("preview.footer"))
    if opening:
        lines = [*opening, "", *lines]
    return "\n".join(lines), None


TALLY_TEXTS: dict[WeekMark, str] = {
    WeekMark.FULL: "preview_tally.full",
    WeekMark.ALMOST: "preview_tally.almost",
    WeekMark.SHORT: "preview_tally.short",
    WeekMark.PAUSED: "preview_tally.paused",
    WeekMark.EASED: "preview_tally.eased",
    WeekMark.REST: "preview_tally.rest",
    WeekMark.NOW: "preview_tally.almost",  # not reached: the week is over when judged
}


def weeks_text(t: Texts, count: int) -> str:
    """ "1 week", "3 weeks", "5 недель": the language's plural forms (CLDR)."""
    return t("preview_tally.weeks_many", count=count)


def tally_lines(t: Texts, tally: PreviewTally) -> list[str]:
    """The tally of the week just over ("This week: 3 of 3 ✅ · streak 5 weeks" on its
    Sunday, "Last week: …" on a later day), forgiving for a week the runner was one short,
    paused or eased; then the month's recap, when due."""
    lines: list[str] = []
    last, streak = tally.last_week, tally.streak
    if last is not None and streak is not None:
        facts = last.facts
        week = t("preview_tally.this_week" if tally.this_week else "preview_tally.last_week")
        line = t(TALLY_TEXTS[last.mark], week=week, done=facts.done, planned=facts.planned)
        if last.mark is WeekMark.SHORT:
            if streak.of:
                line += t("preview_tally.kept", kept=streak.kept, of=streak.of)
        elif last.mark is WeekMark.FULL:
            line += t("preview_tally.streak", weeks=weeks_text(t, last.streak))
        elif last.streak:
            line += t("preview_tally.streak_kept", weeks=weeks_text(t, last.streak))
        lines.append(line)
    if tally.recap is not None:
        lines.append(recap_text(t, tally.recap))
    return lines


def recap_text(t: Texts, recap: MonthRecap) -> str:
    """The month before in one paragraph: sessions, minutes, levels gained, the streak."""
    if recap.levels:
        gained = ", ".join(
            t("preview_tally.recap_level", focus=views.focus_label(t, focus), count=count)
            for focus, count in recap.levels
        )
        levels = t("preview_tally.recap_levels", foci=gained)
    else:
        levels = t("preview_tally.recap_no_levels")
    streak = (
        t("preview_tally.recap_streak", weeks=weeks_text(t, recap.streak)) if recap.streak else ""
    )
    return t(
        "preview_tally.recap",
        month=t.month(recap.first.month),
        done=recap.done,
        planned=recap.planned,
        minutes=recap.minutes,
        levels=levels,
        streak=streak,
    )


def setting_label(t: Texts, preview_day: int | None, preview_time: str | None) -> str:
    """The /settings menu button, showing the current choice."""
    if preview_day is None:
        return t("preview.button_off")
    return t(
        "preview.button_on",
        day=t.weekday(preview_day, "abbreviated"),
        time=t.time(time.fromisoformat(preview_time) if preview_time else DEFAULT_PREVIEW_TIME),
    )


def setting_saved_text(t: Texts, runner: Runner, now: datetime) -> str:
    """What /settings says once the preview day and time are saved."""
    if runner.preview_day is None or runner.next_preview_utc is None:
        return t("preview.now_off")
    return t(
        "preview.now_on",
        day=t.weekday(runner.preview_day),
        time=t.time(preview_time_of(runner)),
        when=views.when_text(t, runner.next_preview_utc, runner.timezone, local_today(runner, now)),
    )
