"""What the coach does for one runner: the glue between the pure coach and the store.

Handlers and the reminder job call these; they hold no Telegram objects, so the whole
"done"/"skip"/reschedule behaviour is tested without a chat.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.coach.calendar import History, Move, Pause, Slot, slot_on, slots_between
from bot.coach.day import Coaching, DayPlan, session_on
from bot.coach.pause import welcome_back
from bot.coach.plan import next_session, plan_week, week_index_of
from bot.coach.progression import Break, Entry, Feedback
from bot.coach.schedule import next_due
from bot.coach.status import LogStatus
from bot.coach.week import Focus, PlannedDay, RunnerWeek
from bot.content import Content
from bot.store import logs, reminders, snapshots
from bot.store import moves as moves_store
from bot.store.models import Runner, SessionLog
from bot.store.runners import week_of
from bot.store.snapshots import LoggedDay

# "done" with no session today applies to an unlogged planned session this recent.
DONE_LOOKBACK_DAYS = 2


def local_today(runner: Runner | RunnerWeek, now: datetime) -> date:
    return now.astimezone(ZoneInfo(runner.timezone)).date()


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


HISTORY_WEEKS = 26


def history_from(logs_read: Iterable[Any], until: date) -> list[Entry]:
    """Log rows (``SessionLog`` or ``LoggedDay``) as progression reads them, up to
    ``until`` and back ``HISTORY_WEEKS``."""
    first = until - timedelta(weeks=HISTORY_WEEKS)
    return [
        Entry(
            day=log.local_date,
            focus=Focus(log.focus),
            status=log.status,
            feedback=Feedback(log.feedback) if log.feedback else None,
            sore=log.sore,
        )
        for log in logs_read
        if first <= log.local_date <= until
    ]


async def history_of(session: AsyncSession, chat_id: int, until: date) -> list[Entry]:
    """The log as progression reads it: the last half year is plenty to place a level."""
    found = await logs.logs_between(session, chat_id, until - timedelta(weeks=HISTORY_WEEKS), until)
    return history_from(found, until)


def _utc_day(now: datetime) -> date:
    """Every timezone's date is within a day of this one."""
    return now.astimezone(UTC).date()


async def runner_and_history(
    session: AsyncSession, chat_id: int, now: datetime
) -> tuple[Runner | None, list[Entry]]:
    """The runner (read-only) and their history up to their today, in one statement: the
    log is read for a day more on each side, as their timezone is not known yet."""
    around = _utc_day(now)
    runner, found = await snapshots.runner_with_logs(
        session,
        chat_id,
        around - timedelta(weeks=HISTORY_WEEKS, days=1),
        around + timedelta(days=1),
    )
    if runner is None:
        return None, []
    return runner, history_from(found, local_today(runner, now))


async def runner_and_recent_log(
    session: AsyncSession, chat_id: int, now: datetime
) -> tuple[Runner | None, list[LoggedDay]]:
    """The runner (read-only) and every log from a little before the calendar's first day
    on, in one statement: what "done" needs (``log_session(..., recent=...)``)."""
    first = _utc_day(now) - timedelta(days=CALENDAR_LOOKBACK_DAYS + 1)
    return await snapshots.runner_with_logs(session, chat_id, first)


def swaps_of(runner: Runner) -> dict[str, str]:
    """The runner's "⇄ Swap" choices: exercise id -> the exercise they do instead."""
    try:
        found = json.loads(runner.swaps) if runner.swaps else {}
    except ValueError:
        return {}  # a damaged value must not stop /today or a reminder: no swaps
    if not isinstance(found, dict):
        return {}
    return {str(key): str(value) for key, value in found.items()}


def breaks_of(runner: Runner) -> tuple[Break, ...]:
    """The last timed pause, as progression steps back for it (bot.coach.pause decides)."""
    if runner.paused or runner.paused_from is None or runner.paused_until is None:
        return ()
    away = (runner.paused_until - runner.paused_from).days + 1
    back = welcome_back(runner.pause_reason, away).step_back_levels
    return (Break(runner.paused_until, back),) if back else ()


def coaching_of(runner: Runner) -> Coaching:
    return Coaching(
        race_day=runner.race_date,
        budget_minutes=runner.time_budget,
        swaps=swaps_of(runner) or None,
        breaks=breaks_of(runner),
    )


def day_plan(
    content: Content, runner: Runner, history: list[Entry], day: date, focus: Focus | None = None
) -> DayPlan | None:
    return session_on(
        content.catalog, week_of(runner), history, day, coaching_of(runner), focus=focus
    )


class LogResult(StrEnum):
    LOGGED = "logged"
    ALREADY = "already"
    ASK_FOCUS = "ask_focus"
    TOO_OLD = "too_old"


@dataclass(frozen=True)
class LogOutcome:
    result: LogResult
    day: date | None = None
    focus: Focus | None = None
    status: str = LogStatus.DONE
    done_this_week: int = 0
    planned_this_week: int = 0


def _week_counts(
    runner: Runner, history: History, day: date, *, added: str = ""
) -> tuple[int, int]:
    """Done and planned sessions in ``day``'s week, from the calendar's log (it reaches
    back two weeks, past that Monday) plus the log just ``added``, if any."""
    monday = monday_of(day)
    sunday = monday + timedelta(days=6)
    done = sum(
        1
        for logged, status in history.logged.items()
        if monday <= logged <= sunday and status == LogStatus.DONE
    ) + (added == LogStatus.DONE)
    planned = len(plan_week(week_of(runner), week_index_of(monday)).sessions)
    return done, planned


async def log_session(
    session: AsyncSession,
    runner: Runner,
    *,
    now: datetime,
    status: LogStatus = LogStatus.DONE,
    note: str | None = None,
    day: date | None = None,
    focus: Focus | None = None,
    recent: Sequence[LoggedDay] | None = None,
) -> LogOutcome:
    """Log a done or skipped session.

    Without ``day``: today's planned session; else the latest unlogged planned session of
    the last two days; else ask which focus (an unplanned session today). ``recent``: the
    log from ``runner_and_recent_log``, if the caller read it with the runner.
    """
    today = local_today(runner, now)
    history = await load_calendar(session, runner, today, recent)
    planned = True
    if day is not None:
        if not today - timedelta(days=DONE_LOOKBACK_DAYS) <= day <= today:
            return LogOutcome(LogResult.TOO_OLD, day=day)
        slot = slot_for(runner, day, history, today)
        planned_focus = slot.focus if slot else None
        planned = planned_focus is not None and (focus is None or focus is planned_focus)
        focus = focus or planned_focus
        if focus is None:
            return LogOutcome(LogResult.ASK_FOCUS, day=day)
    else:
        day, focus = _default_target(runner, history, today)
        if day is None or focus is None:
            existing = await _logged_today(session, runner, today, now, recent)
            if existing is not None:
                done, planned_count = _week_counts(runner, history, existing.local_date)
                return LogOutcome(
                    LogResult.ALREADY,
                    day=existing.local_date,
                    focus=Focus(existing.focus),
                    status=existing.status,
                    done_this_week=done,
                    planned_this_week=planned_count,
                )
            return LogOutcome(LogResult.ASK_FOCUS, day=today)
    seen = next((log for log in recent or () if log.local_date == day), None)
    if seen is not None:  # logged already (a second "done"): nothing to write
        done, planned_count = _week_counts(runner, history, day)
        return LogOutcome(
            LogResult.ALREADY,
            day=day,
            focus=Focus(seen.focus),
            status=seen.status,
            done_this_week=done,
            planned_this_week=planned_count,
        )
    inserted = await logs.add_log(
        session,
        chat_id=runner.chat_id,
        day=day,
        focus=focus.value,
        status=status,
        planned=planned,
        note=note,
        now=now,
    )
    if not inserted:
        existing = await logs.log_on(session, runner.chat_id, day)
        # A log this transaction did not see: another update wrote it a moment ago.
        added = existing.status if existing and day not in history.logged else ""
        done, planned_count = _week_counts(runner, history, day, added=added)
        return LogOutcome(
            LogResult.ALREADY,
            day=day,
            focus=Focus(existing.focus) if existing else focus,
            status=existing.status if existing else status,
            done_this_week=done,
            planned_this_week=planned_count,
        )
    done, planned_count = _week_counts(runner, history, day, added=status)
    return LogOutcome(
        LogResult.LOGGED,
        day=day,
        focus=focus,
        status=status,
        done_this_week=done,
        planned_this_week=planned_count,
    )


def _default_target(
    runner: Runner, history: History, today: date
) -> tuple[date | None, Focus | None]:
    """Today's session (planned, moved here or re-offered), else the latest unlogged one
    of the last two days."""
    first = today - timedelta(days=DONE_LOOKBACK_DAYS)
    view = calendar_view(runner, history, today, first, days=DONE_LOOKBACK_DAYS)
    for back in range(DONE_LOOKBACK_DAYS + 1):
        day = today - timedelta(days=back)
        slot = view(day)
        if slot is not None and (back == 0 or day not in history.logged):
            return day, slot.focus
    return None, None


async def _logged_today(
    session: AsyncSession,
    runner: Runner,
    today: date,
    now: datetime,
    recent: Sequence[LoggedDay] | None = None,
) -> SessionLog | LoggedDay | None:
    """A log for today, or one written today for a recent day: a second "done" repeats it.
    ``recent`` (``runner_and_recent_log``) holds those days already."""
    zone = ZoneInfo(runner.timezone)
    first = today - timedelta(days=DONE_LOOKBACK_DAYS)
    found: Sequence[SessionLog | LoggedDay | Any] = (
        [log for log in recent if first <= log.local_date <= today]
        if recent is not None
        else await logs.logs_between(session, runner.chat_id, first, today)
    )
    for log in reversed(found):
        written = log.created_at.astimezone(zone).date() if log.created_at else None
        if log.local_date == today or written == today:
            return log
    return None


# How far back the calendar reads logs and moves: re-offers reach back a few days only.
CALENDAR_LOOKBACK_DAYS = 14
# How far ahead reminders and "next session" look.
CALENDAR_AHEAD_DAYS = 21


def pauses_of(runner: Runner) -> tuple[Pause, ...]:
    """/pause as the calendar sees it: a timed pause keeps its days after it ended, so they
    never count as missed; an open one (or one from before pauses had dates) has no end."""
    if runner.paused_from is not None:
        return (Pause(runner.paused_from, None if runner.paused else runner.paused_until),)
    return (Pause(date.min, None),) if runner.paused else ()


def calendar_history(
    runner: Runner, logged: Mapping[date, str], moves: Sequence[Any], first: date
) -> History:
    """``first``: the first day the store was read from; misses only count from there (and
    never before sign-up), so a short read never invents misses."""
    joined = (
        runner.created_at.astimezone(ZoneInfo(runner.timezone)).date()
        if runner.created_at
        else first
    )
    return History(
        logged=dict(logged),
        moves=tuple(
            Move(row.from_date, row.to_date, Focus(row.focus))
            for row in sorted(moves, key=lambda row: row.id or 0)
        ),
        pauses=pauses_of(runner),
        since=max(first, joined),
    )


async def load_calendar(
    session: AsyncSession,
    runner: Runner,
    around: date,
    recent: Sequence[LoggedDay] | None = None,
) -> History:
    """``recent``: the log from ``runner_and_recent_log``, which reaches back far enough;
    without it, the log is read here."""
    first = around - timedelta(days=CALENDAR_LOOKBACK_DAYS)
    if recent is not None:
        logged = {log.local_date: log.status for log in recent if log.local_date >= first}
    else:
        logged = (await logs.logged_dates_of(session, [runner.chat_id], first)).get(
            runner.chat_id, {}
        )
    return calendar_history(runner, logged, await _moves_since(session, runner, first), first)


async def _moves_since(session: AsyncSession, runner: Runner, first: date) -> Sequence[Any]:
    if not moves_store.may_have_moves(runner, first):
        return ()
    return (await moves_store.moves_of(session, [runner.chat_id], first)).get(runner.chat_id, [])


async def calendar_with(
    session: AsyncSession, runner: Runner, around: date, history: list[Entry]
) -> History:
    """``load_calendar`` for a caller that already read the log up to ``around``
    (``history_of``): only the moves are read again."""
    first = around - timedelta(days=CALENDAR_LOOKBACK_DAYS)
    logged = {entry.day: entry.status for entry in history if entry.day >= first}
    return calendar_history(runner, logged, await _moves_since(session, runner, first), first)


def slot_for(runner: Runner, day: date, history: History, today: date) -> Slot | None:
    """The session on ``day`` (planned, moved or re-offered), or None."""
    return slot_on(week_of(runner), day, history, today)


def calendar_view(
    runner: Runner, history: History, today: date, first: date, days: int = CALENDAR_AHEAD_DAYS
) -> Callable[[date], Slot | None]:
    """Sessions from ``first`` for ``days`` days, worked out once; other days one by one."""
    week = week_of(runner)
    known = {
        slot.day: slot
        for slot in slots_between(week, first, first + timedelta(days=days), history, today)
    }
    last = first + timedelta(days=days)

    def view(day: date) -> Slot | None:
        if first <= day <= last:
            return known.get(day)
        return slot_on(week, day, history, today)

    return view


def next_slot(runner: Runner, history: History, today: date, *, include_today: bool) -> Slot | None:
    start = today if include_today else today + timedelta(days=1)
    view = calendar_view(runner, history, today, start, days=14)
    for offset in range(15):
        slot = view(start + timedelta(days=offset))
        if slot is not None:
            return slot
    return None


def upcoming(week: RunnerWeek, today: date, *, include_today: bool) -> PlannedDay | None:
    return next_session(week, today, include_today=include_today)


def next_reminder_after(
    runner: Runner,
    after: datetime,
    skip: frozenset[date] | set[date],
    history: History | None = None,
) -> datetime | None:
    """The first reminder instant after ``after`` on a session day (planned, moved or
    re-offered) not in ``skip`` (days already reminded or logged); None while paused,
    blocked or without a reminder time."""
    week = week_of(runner)
    if week.reminder_time is None or runner.paused or not runner.active:
        return None
    zone = ZoneInfo(week.timezone)
    today = after.astimezone(zone).date()
    history = history or History(pauses=pauses_of(runner), since=today)
    view = calendar_view(runner, history, today, today - timedelta(days=1))
    found = next_due(
        after, week.reminder_time, zone, lambda day: view(day) is not None, frozenset(skip)
    )
    return found[0] if found else None


async def next_reminder_for(
    session: AsyncSession, runner: Runner, *, now: datetime
) -> datetime | None:
    """The next instant to remind this runner, skipping days already reminded or logged."""
    if runner.reminder_time is None or runner.paused or not runner.active:
        return None
    today = local_today(runner, now)
    since = today - timedelta(days=2)
    skip = await reminders.reminded_dates(session, runner.chat_id, since)
    history = await load_calendar(session, runner, today)
    return next_reminder_after(runner, now, skip | set(history.logged), history)
