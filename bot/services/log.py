"""Logging a session: "done" or "skip" for a day, typed or from a button, and undoing it.

Which day a "done" is for, and which session it logs, is ``services.plan``'s answer (today's
session, planned, moved here or re-offered, as sore legs or the race changed it; else the
latest unlogged one of the last ``DONE_LOOKBACK_DAYS`` days, never one from before the
runner signed up; else the runner is asked which focus they did). A second "done" writes
nothing and says so. Undo deletes the log (and a skip's move): levels and the week's count
are worked out from the log, so they follow.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.coach.calendar import History
from bot.coach.day import reduced_days
from bot.coach.milestones import (
    Decision,
    Milestone,
    Stored,
    decide,
    earlier_levels,
    level_up,
    reached,
)
from bot.coach.progression import Entry
from bot.coach.status import LogStatus
from bot.coach.week import STARTING_LEVEL, Focus, PlannedDay
from bot.services.calendar import load_calendar, local_today, monday_of
from bot.services.history import HISTORY_WEEKS, history_from, recent_logged
from bot.services.log_book import shown_level
from bot.services.plan import (
    coaching_of,
    next_session_of,
    planned_in_week,
    session_of_day,
    sessions_view,
)
from bot.services.progress import streak_on
from bot.store import drafts, logs, milestones
from bot.store.models import Runner
from bot.store.runners import week_of
from bot.store.snapshots import LoggedDay

# "done" with no session today applies to an unlogged planned session this recent.
DONE_LOOKBACK_DAYS = 2


class LogResult(StrEnum):
    LOGGED = "logged"
    ALREADY = "already"
    ASK_FOCUS = "ask_focus"
    TOO_OLD = "too_old"
    BEFORE_START = "before_start"  # a day before the runner signed up: they had no plan
    RACE_DAY = "race_day"  # a typed done or skip on race day: the race, not a session


@dataclass(frozen=True)
class LogOutcome:
    result: LogResult
    day: date | None = None
    focus: Focus | None = None
    status: str = LogStatus.DONE
    done_this_week: int = 0
    planned_this_week: int = 0
    # With nothing to log today (ASK_FOCUS): the next session, as /today would name it.
    following: PlannedDay | None = None
    # The one milestone this done celebrates (bot.coach.milestones), and the day it was
    # reached (an earlier day for one held back from a day that had one already).
    milestone: Milestone | None = None
    milestone_day: date | None = None


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
    return done, planned_in_week(runner, history, monday)


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
    # The log as progression reads it (sore legs change a session), which also holds the
    # days the calendar needs.
    rows: Sequence[Any] = (
        recent
        if recent is not None
        else await logs.logs_between(
            session, runner.chat_id, today - timedelta(weeks=HISTORY_WEEKS), today
        )
    )
    if status == LogStatus.DONE and day in (None, today):
        # "Done" after today's skip: the runner did it after all ("si ya lo hice en la
        # mañana"). The skip goes and the done is logged in its place, in this transaction,
        # so the week's count, the streak and a milestone read the done, never both.
        skipped = next(
            (row for row in rows if row.local_date == today and row.status == LogStatus.SKIPPED),
            None,
        )
        if skipped is not None and await logs.remove_log(session, runner.chat_id, today):
            rows = [row for row in rows if row.local_date != today]
    entries = history_from(rows, today)
    history = await load_calendar(session, runner, today, recent_logged(rows))
    first = signed_up(runner, today)
    planned = True
    if day is not None:
        if not today - timedelta(days=DONE_LOOKBACK_DAYS) <= day <= today:
            return LogOutcome(LogResult.TOO_OLD, day=day)
        if day < first:
            return LogOutcome(LogResult.BEFORE_START, day=day)
        found = session_of_day(runner, history, entries, day, today)
        planned_focus = found.focus if found else None
        planned = planned_focus is not None and (focus is None or focus is planned_focus)
        focus = focus or planned_focus
        if focus is None:
            return LogOutcome(LogResult.ASK_FOCUS, day=day)
    elif today == runner.race_date:
        # Race day holds no session; a "done" that day is the race, never a session of
        # the days before it (the look-back would log Saturday's missed core).
        return LogOutcome(LogResult.RACE_DAY, day=today, status=status)
    else:
        day, focus = _default_target(runner, history, entries, today, first)
        if day is None or focus is None:
            existing = _logged_today(runner, today, rows)
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
            found = next_session_of(runner, history, entries, today, today)
            following = PlannedDay(found.day, found.focus) if found is not None else None
            return LogOutcome(LogResult.ASK_FOCUS, day=today, following=following)
    seen = next((log for log in rows if log.local_date == day), None)
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
    # The streak grows only when a week becomes full: read it then, and only then.
    completed = status == LogStatus.DONE and done - 1 < planned_count <= done
    celebrated = (
        await _milestone(session, runner, entries, day, focus, now, today, completed)
        if status == LogStatus.DONE
        else Decision()
    )
    return LogOutcome(
        LogResult.LOGGED,
        day=day,
        focus=focus,
        status=status,
        done_this_week=done,
        planned_this_week=planned_count,
        milestone=celebrated.celebrate,
        milestone_day=celebrated.reached_on,
    )


async def _milestone(
    session: AsyncSession,
    runner: Runner,
    entries: list[Entry],
    day: date,
    focus: Focus,
    now: datetime,
    today: date,
    completed: bool,
) -> Decision:
    """The milestone the done just written celebrates, stored in the same transaction as
    the log (``bot.coach.milestones`` says which, and why one a day). Two more small
    reads per done: the runner's milestone rows and their count of sessions done; and
    when the done ``completed`` its week, the streak (``services.progress``: the log's
    days, moves and pauses, as /progress counts it)."""
    coaching = coaching_of(runner)
    week = week_of(runner)
    before = [entry for entry in entries if entry.day < day]
    # The level the session message showed, as /history lists it: a lighter week's session
    # holds last week's level, and is no level-up (helper T's finding).
    shown = shown_level(week, before, day, coaching, focus)
    level = None
    if shown is not None:

        def shown_on(earlier: date) -> int | None:
            window = [entry for entry in before if entry.day < earlier]
            return shown_level(week, window, earlier, coaching, focus)

        earlier = earlier_levels(
            STARTING_LEVEL[week.experience],
            before,
            day,
            focus,
            coaching.breaks,
            reduced_days(before, coaching),
        )
        level = level_up(focus, shown, earlier, shown_on)
    total = await milestones.sessions_done(session, runner.chat_id)
    streak = await _current_streak(session, runner, today) if completed else None
    new = reached(done_total=total, level=level, streak=streak)
    zone = ZoneInfo(runner.timezone)
    stored = [
        Stored(
            row.key,
            row.local_date,
            row.celebrated_at.astimezone(zone).date() if row.celebrated_at else None,
        )
        for row in await milestones.of_runner(session, runner.chat_id)
    ]
    decision = decide(new, stored, today)
    for held in decision.hold:
        await milestones.add(session, runner.chat_id, held.key, today, None)
    top = decision.celebrate
    if top is None:
        return decision
    if decision.held_before:
        landed = await milestones.celebrate_held(session, runner.chat_id, top.key, now)
    else:
        landed = await milestones.add(session, runner.chat_id, top.key, today, now)
    # Not landed: another update stored it a moment ago, and that reply celebrates it.
    return decision if landed else Decision(hold=decision.hold)


async def _current_streak(session: AsyncSession, runner: Runner, today: date) -> int:
    """The streak today, this transaction's log included, counted as /progress counts it
    (``services.progress.streak_on``: each week by the plan it had, every pause)."""
    return (await streak_on(session, runner, today)).current


def signed_up(runner: Runner, today: date) -> date:
    """The runner's first day with a plan (local): nothing before it can be logged."""
    if runner.created_at is None:
        return date.min
    return min(local_today(runner, runner.created_at), today)


def _default_target(
    runner: Runner, history: History, entries: list[Entry], today: date, signed: date
) -> tuple[date | None, Focus | None]:
    """Today's session (planned, moved here or re-offered), else the latest unlogged one
    of the last two days since the runner signed up."""
    first = max(today - timedelta(days=DONE_LOOKBACK_DAYS), signed)
    view = sessions_view(runner, history, entries, today, first, (today - first).days)
    for back in range((today - first).days + 1):
        day = today - timedelta(days=back)
        found = view(day)
        if found is not None and (back == 0 or day not in history.logged):
            return day, found.focus
    return None, None


def _logged_today(runner: Runner, today: date, rows: Sequence[Any]) -> Any | None:
    """A log for today, or one written today for a recent day: a second "done" repeats it.
    ``rows``: the log of those days, read already."""
    zone = ZoneInfo(runner.timezone)
    first = today - timedelta(days=DONE_LOOKBACK_DAYS)
    found = sorted(
        (log for log in rows if first <= log.local_date <= today), key=lambda log: log.local_date
    )
    for log in reversed(found):
        written = log.created_at.astimezone(zone).date() if log.created_at else None
        if log.local_date == today or written == today:
            return log
    return None


class FeedbackResult(StrEnum):
    RECORDED = "recorded"
    REPEATED = "repeated"  # the same answer again: a double tap
    NOT_DONE = "not_done"  # no session logged done that day


async def record_feedback(
    session: AsyncSession, chat_id: int, day: date, *, feedback: str | None, sore: bool
) -> FeedbackResult:
    """How the session of ``day`` felt (``feedback``, a ``Feedback`` value) or that it left
    the runner ``sore``, on a session logged done."""
    log = await logs.log_on(session, chat_id, day)
    if log is not None and (log.sore if sore else log.feedback == feedback):
        return FeedbackResult.REPEATED
    if log is None or log.status != LogStatus.DONE:
        return FeedbackResult.NOT_DONE
    if sore:
        await logs.set_feedback(session, chat_id, day, sore=True)
    else:
        await logs.set_feedback(session, chat_id, day, feedback=feedback)
    return FeedbackResult.RECORDED


async def hold_note(session: AsyncSession, chat_id: int, note: str | None, now: datetime) -> str:
    """Keep a "done" note on the runner's draft until they say which focus they did (the
    focus buttons); the draft's JSON as stored, for the drafts cache."""
    draft = await drafts.load(session, chat_id) or drafts.Draft()
    draft.pending_note = note
    return await drafts.save(session, chat_id, draft, now=now)


async def take_note(
    session: AsyncSession, chat_id: int, now: datetime
) -> tuple[str | None, str | None]:
    """The note ``hold_note`` kept, taken off the draft, and the draft's JSON as stored
    now (None: nothing else was on it, so it is gone)."""
    draft = await drafts.load(session, chat_id)
    note = draft.pending_note if draft is not None else None
    if draft is not None:
        draft.pending_note = None
    if draft is None or draft.to_json() == drafts.NO_DRAFT:
        await drafts.drop_draft(session, chat_id)
        return note, None
    return note, await drafts.save(session, chat_id, draft, now=now)


class UndoResult(StrEnum):
    UNDONE = "undone"
    NOTHING = "nothing"  # no log written today: nothing a runner could mean
    GONE = "gone"  # that day's log is not there (undone already): a second tap
    TOO_LATE = "too_late"  # logged on an earlier day: the log stands


@dataclass(frozen=True)
class Undone:
    result: UndoResult
    day: date = date.min
    focus: Focus = Focus.CORE
    status: str = LogStatus.DONE
    moved_to: date | None = None  # a skip's move, taken back with it


async def undo_log(
    session: AsyncSession, runner: Runner, now: datetime, day: date | None = None
) -> Undone:
    """Take back a log written today: the one of ``day`` (the ↩️ Undo button under it), or
    without ``day`` the latest one written today (a typed "undo", /undo). Logs written on
    an earlier day stay: by then the runner has seen the week and the levels they made."""
    zone = ZoneInfo(runner.timezone)
    today = local_today(runner, now)

    def written_today(log: Any) -> bool:
        return log.created_at is not None and log.created_at.astimezone(zone).date() == today

    if day is None:
        recent = await logs.logs_between(
            session, runner.chat_id, today - timedelta(days=DONE_LOOKBACK_DAYS + 1), today
        )
        mine = [log for log in recent if written_today(log)]
        if not mine:
            return Undone(UndoResult.NOTHING)
        day = max(mine, key=lambda log: log.created_at).local_date
    else:
        log = await logs.log_on(session, runner.chat_id, day)
        if log is None:
            return Undone(UndoResult.GONE, day)
        if not written_today(log):
            return Undone(UndoResult.TOO_LATE, day)
    removed = await logs.remove_log(session, runner.chat_id, day)
    if removed is None:  # another update took it back a moment ago
        return Undone(UndoResult.GONE, day)
    log, moved_to = removed
    return Undone(UndoResult.UNDONE, day, Focus(log.focus), log.status, moved_to)
