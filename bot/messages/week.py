"""/week's message: the week summary's lines, each marked with what became of the day, a
one-line legend of the marks, why there is no legs session when there is none, and the
way to say this week is different."""

from __future__ import annotations

from datetime import date, timedelta

from telegram import InlineKeyboardMarkup

from bot.coach.calendar import Origin, Slot
from bot.coach.phases import no_session
from bot.coach.plan import legal_legs_days, plan_week, week_index_of
from bot.coach.week import Focus, RunnerWeek
from bot.content import Texts
from bot.messages import this_week, views
from bot.services.this_week import ThisWeek
from bot.services.week import DayMark, WeekView

MARK_KEYS = {
    DayMark.MOVED: "calendar.marker_moved",
    DayMark.DONE: "week.marker_done",
    DayMark.SKIPPED: "week.marker_skipped",
    DayMark.TODAY: "week.marker_today",
    DayMark.MISSED: "week.marker_missed",
    DayMark.PLANNED: "week.marker_planned",
    DayMark.REST: "week.marker_rest",
}
# The legend's order; a rest day's "·" explains itself.
LEGEND = (
    DayMark.DONE,
    DayMark.SKIPPED,
    DayMark.MOVED,
    DayMark.MISSED,
    DayMark.TODAY,
    DayMark.PLANNED,
)
LEGEND_KEYS = {
    DayMark.DONE: "week_legend.done",
    DayMark.SKIPPED: "week_legend.skipped",
    DayMark.MOVED: "week_legend.moved",
    DayMark.MISSED: "week_legend.missed",
    DayMark.TODAY: "week_legend.today",
    DayMark.PLANNED: "week_legend.planned",
}


def legend(t: Texts, marks: set[DayMark]) -> str | None:
    """One line naming the marks the week shows ("✅ done · ⏭ skipped · 👉 today"), so
    nobody has to guess what ▪️ or ↪️ means; None when it shows none but rest days."""
    shown = [
        t("week_legend.item", marker=t(MARK_KEYS[mark]), meaning=t(LEGEND_KEYS[mark]))
        for mark in LEGEND
        if mark in marks
    ]
    return t("week_legend.join").join(shown) if shown else None


def no_legs_line(t: Texts, week: RunnerWeek) -> str | None:
    """Why a week has no legs session, when it has none: heavy legs cost the next day's
    run, so they never go on the long run's day, the day before or after it, or the day
    before a hard run; a week of hard runs (six hard days, say) leaves no such day.
    For /week, the onboarding summary and the weekly preview alike; None when the week
    has a legs session."""
    if legal_legs_days(week):
        return None
    hard = len(week.hard_days)
    if week.long_run_day is not None:
        runs = t("no_legs.runs_long_on", count=hard, long_day=t.weekday(week.long_run_day))
    else:
        runs = t("no_legs.runs_on", count=hard)
    return t("no_legs.text", runs=runs)


def _lines(t: Texts, view: WeekView, shown: ThisWeek | None) -> list[str]:
    """The week summary's lines: this week's runs and plan (the changed week's from the
    day it changed; the days before it as they were)."""
    held = _held(view)
    if shown is None or not shown.changed:
        week = shown.week if shown is not None else view.week
        return views.week_lines(t, week, view.monday, held, view.race_day)
    before = views.week_lines(t, shown.usual, view.monday, held, view.race_day)
    after = views.week_lines(t, shown.week, view.monday, held, view.race_day)
    return [
        before[index] if view.monday + timedelta(days=index) < shown.since else after[index]
        for index in range(7)
    ]


def _held(view: WeekView) -> dict[int, Focus | None]:
    """What each day's strength is as the runner meets it (``WeekDay.focus``: the log's
    focus, else what /today shows, so a sore swap or race week's core); no strength on
    race day. Other days without a session keep the plan's line, marked as they are."""
    held: dict[int, Focus | None] = {}
    for day in view.days:
        if no_session(day.day, view.race_day):  # the race and the day before it
            held[day.day.weekday()] = None
        elif day.focus is not None:
            held[day.day.weekday()] = day.focus
    return held


def week_text(t: Texts, view: WeekView, shown: ThisWeek | None = None) -> str:
    """/week's text; ``shown``: this week as the runner changed it, if they did."""
    marked = []
    for line, day in zip(_lines(t, view, shown), view.days, strict=True):
        slot = day.slot
        if slot is not None and slot.origin is not Origin.PLANNED and slot.from_day is not None:
            # A session moved here, or offered again after a miss.
            key = "calendar.week_moved" if slot.origin is Origin.MOVED else "calendar.week_again"
            line += " · " + t(
                key,
                focus=views.focus_label(t, slot.focus),
                day=views.day_label(t, slot.from_day),
            )
        marked.append(f"{t(MARK_KEYS[_mark(day.mark, day.day, slot, shown)])} {line}")
    header = t(
        "week.header",
        first=views.day_label(t, view.monday),
        last=views.day_label(t, view.monday + timedelta(days=6)),
    )
    count = t("week.count", count=view.done, planned=view.planned)
    week = shown.week if shown is not None else view.week
    lines = [header, "", *marked]
    if (marks := legend(t, {day.mark for day in view.days})) is not None:
        lines.append(marks)
    lines += ["", count]
    if not _has_legs(week, view) and (why := no_legs_line(t, week)) is not None:
        lines += ["", why]
    if shown is not None and shown.changed:
        lines += ["", t("this_week.changed_note")]
    return "\n".join(lines)


def _mark(mark: DayMark, day: date, slot: Slot | None, shown: ThisWeek | None) -> DayMark:
    """A day the changed week left without a session was not missed, whatever the usual
    plan had on it (from the day of the change; the days before it are as they were)."""
    if (
        mark is DayMark.MISSED
        and slot is None
        and shown is not None
        and shown.changed
        and day >= shown.since
        and plan_week(shown.week, week_index_of(day)).focus_on(day.weekday()) is None
    ):
        return DayMark.REST
    return mark


def _has_legs(week: RunnerWeek, view: WeekView) -> bool:
    plan = plan_week(week, week_index_of(view.monday))
    return Focus.LEGS in plan.sessions.values() or any(
        day.slot is not None and day.slot.focus is Focus.LEGS for day in view.days
    )


def week_keyboard(t: Texts, view: WeekView) -> InlineKeyboardMarkup:
    """Under /week: "This week is different"."""
    return this_week.entry_button(t, view.monday)
