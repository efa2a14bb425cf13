"""/week: this week's sessions and what became of each day (done, skipped, moved,
missed, planned, rest), as the calendar and the log say."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.coach.calendar import History, Slot
from bot.coach.plan import plan_week, week_index_of
from bot.coach.status import LogStatus
from bot.coach.week import RunnerWeek
from bot.services.calendar import load_calendar, local_today, monday_of, slot_for
from bot.store import logs, runners
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


@dataclass(frozen=True)
class WeekView:
    week: RunnerWeek
    today: date
    monday: date
    days: tuple[WeekDay, ...]
    done: int
    planned: int


async def read_week(session: AsyncSession, chat_id: int, now: datetime) -> WeekView | None:
    """The runner's week as /week shows it; None if they are not set up."""
    runner = await runners.read_runner(session, chat_id)
    if runner is None or not runner.onboarded:
        return None
    today = local_today(runner, now)
    monday = monday_of(today)
    found = await logs.logs_between(session, chat_id, monday, monday + timedelta(days=6))
    logged: dict[date, str] = {log.local_date: log.status for log in found}
    calendar = await load_calendar(session, runner, today)
    return week_view(runner, today, logged, calendar)


def week_view(runner: Runner, today: date, logged: dict[date, str], calendar: History) -> WeekView:
    week = runners.week_of(runner)
    monday = monday_of(today)
    # Days before the runner joined are not misses.
    joined = local_today(runner, runner.created_at) if runner.created_at else None
    plan = plan_week(week, week_index_of(monday))
    days = []
    for weekday in range(7):
        day = monday + timedelta(days=weekday)
        status = logged.get(day)
        slot = slot_for(runner, day, calendar, today)
        if status == LogStatus.MOVED:
            mark = DayMark.MOVED
        elif status is not None:
            mark = DayMark.DONE if status == LogStatus.DONE else DayMark.SKIPPED
        elif joined is not None and day < joined:
            mark = DayMark.REST
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
        days.append(WeekDay(day, mark, slot))
    done = sum(1 for status in logged.values() if status == LogStatus.DONE)
    return WeekView(week, today, monday, tuple(days), done, len(plan.sessions))
