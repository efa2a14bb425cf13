"""/week: this week's sessions and what became of each day (done, skipped, moved,
missed, planned, rest), as the calendar and the log say, each day's session as
``services.plan.session_of_day`` decides it (what /today shows and "done" logs)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.coach.calendar import History, Slot, week_for
from bot.coach.phases import no_session
from bot.coach.plan import plan_week, week_index_of
from bot.coach.progression import Entry
from bot.coach.status import LogStatus
from bot.coach.week import Focus, RunnerWeek
from bot.services.calendar import load_calendar, local_today, monday_of
from bot.services.history import logged_in, runner_and_history
from bot.services.plan import planned_in_week, sessions_view
from bot.store import runners
from bot.store.models import Runner


class DayMark(StrEnum):
    DONE = "done"
    SKIPPED = "skipped"
    MOVED = "moved"  # the session went to another day
    TODAY = "today"
    MISSED = "missed"
    PLANNED = "planned"
    REST = "rest"


@dataclass(frozen=True)
class WeekDay:
    day: date
    mark: DayMark
    slot: Slot | None  # the session on that day: planned, moved here or offered again
    # The session of the day as the runner meets it: what was logged on a logged day, else
    # what /today shows (sore legs and the race counted); None without one.
    focus: Focus | None = None


@dataclass(frozen=True)
class WeekView:
    week: RunnerWeek
    today: date
    monday: date
    days: tuple[WeekDay, ...]
    done: int
    planned: int
    race_day: date | None = None  # no session that day, whatever the plan says


async def read_week(session: AsyncSession, chat_id: int, now: datetime) -> WeekView | None:
    """The runner's week as /week shows it; None if they are not set up."""
    runner, history = await runner_and_history(session, chat_id, now)
    if runner is None or not runner.onboarded:
        return None
    today = local_today(runner, now)
    monday = monday_of(today)
    sunday = monday + timedelta(days=6)
    logged = {day: status for day, status in logged_in(history).items() if monday <= day <= sunday}
    calendar = await load_calendar(session, runner, today, logged_in(history))
    return week_view(runner, today, logged, calendar, history)


def week_view(
    runner: Runner,
    today: date,
    logged: dict[date, str],
    calendar: History,
    history: list[Entry] | None = None,
) -> WeekView:
    monday = monday_of(today)
    week = week_for(runners.week_of(runner), calendar, monday)  # this week's, if it differs
    entries = history or []
    view = sessions_view(runner, calendar, entries, today, monday, 6)
    done_focus = {entry.day: entry.focus for entry in entries}
    # Days before the runner joined are not misses.
    joined = local_today(runner, runner.created_at) if runner.created_at else None
    plan = plan_week(week, week_index_of(monday))
    days = []
    for weekday in range(7):
        day = monday + timedelta(days=weekday)
        status = logged.get(day)
        found = view(day)
        slot = found.slot if found is not None else None
        focus = done_focus.get(day) if status is not None else None
        focus = focus or (found.focus if found is not None else None)
        if status == LogStatus.MOVED:
            mark = DayMark.MOVED
        elif status is not None:
            mark = DayMark.DONE if status == LogStatus.DONE else DayMark.SKIPPED
        elif (joined is not None and day < joined) or no_session(day, runner.race_date):
            mark = DayMark.REST  # before they joined, or the race and its eve: no session
        elif day == today:
            mark = DayMark.TODAY
        elif (
            slot is None
            and day < today
            and plan.focus_on(weekday) is not None
            and not any(pause.covers(day) for pause in calendar.pauses)
        ):
            mark = DayMark.MISSED  # missed (and maybe offered again later)
        elif slot is None:
            mark = DayMark.REST
        elif day < today:
            mark = DayMark.MISSED
        else:
            mark = DayMark.PLANNED
        days.append(WeekDay(day, mark, slot, focus))
    done = sum(1 for status in logged.values() if status == LogStatus.DONE)
    return WeekView(
        week,
        today,
        monday,
        tuple(days),
        done,
        planned_in_week(runner, calendar, monday),
        runner.race_date,
    )
