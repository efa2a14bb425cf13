"""A runner's progress, read from the store: every week since sign-up as the streak sees
it (``bot.coach.streaks``), then what /progress shows (``bot.coach.progress``).

A week's facts come from the runner's calendar over all of their history
(``bot.coach.calendar``): its sessions as planned, moved and offered again, with every
pause they ever took (``pause_periods``, not only the one the runner row holds), the
weeks they changed and race day; eased when a session of it fell in the taper, race week,
recovery or a lighter week (as /today dosed it); done, skipped and moved from the log.

Each week is placed with the plan it had (``plan_periods``: the runner's week as it was
from each day on), not today's (issue 15, point 1: a week counts when the runner did what
their plan asked that week), so 2 -> 3 sessions a week, new run days or a new experience
answer in /settings never re-judge the weeks already lived. A week in which the plan
changed is judged by the less demanding of the plans it had (fewest sessions a week; the
one it started with on a tie): changing the plan mid-week never makes that week harder.

Four statements: the runner with their whole log (``snapshots.runner_with_logs``), their
moves (only when they have any), their pause periods, their plan periods; all of them
theirs only.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter, OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.coach.calendar import History, Move, Pause, slots_between
from bot.coach.plan import plan_week, week_index_of
from bot.coach.progress import (
    MinutesOfLog,
    Progress,
    TrainingIndex,
    minutes_estimator,
    progress_from,
)
from bot.coach.progression import Entry, Feedback
from bot.coach.status import LogStatus
from bot.coach.streaks import Streak, WeekFacts, WeekMark, WeekTally, monday_of, tally
from bot.coach.week import STARTING_LEVEL, Equipment, Experience, Focus, RunnerWeek
from bot.content import Catalog, load_content
from bot.services.calendar import changed_weeks, local_today
from bot.services.history import HISTORY_WEEKS
from bot.services.plan import breaks_of, swaps_of
from bot.store import logs, pauses, plans, snapshots
from bot.store import moves as moves_store
from bot.store.models import PausePeriod, PlanPeriod, Runner
from bot.store.runners import days_from_text, pause_state_of, week_of

_WEEK = timedelta(days=7)
_DAY = timedelta(days=1)


# Minutes estimators kept between reads (``minutes_estimator`` builds each distinct
# session once and keeps it): runners with the same kit, time limit and swaps share one,
# so a second /progress, or a hundred runners at once, build almost nothing.
MAX_ESTIMATORS = 64
_estimators: OrderedDict[tuple[object, ...], MinutesOfLog] = OrderedDict()


def estimator_for(catalog: Catalog, runner: Runner) -> MinutesOfLog:
    week = week_of(runner)
    swaps = swaps_of(runner)
    key = (
        id(catalog),
        week.equipment,
        week.pull_up_bar,
        runner.time_budget,
        tuple(sorted(swaps.items())),
    )
    found = _estimators.get(key)
    if found is None:
        found = minutes_estimator(catalog, week, runner.time_budget, swaps or None)
        _estimators[key] = found
        while len(_estimators) > MAX_ESTIMATORS:
            _estimators.popitem(last=False)
    else:
        _estimators.move_to_end(key)
    return found


@cache
def _shipped_catalog() -> Catalog:
    """The shipped exercise catalogue, for a caller that passes none (the handler passes
    the one the bot loaded at start)."""
    return load_content().catalog


def joined_on(runner: Runner, logged: Iterable[date]) -> date | None:
    """The runner's first day: sign-up, or an earlier logged day (a restored backup)."""
    days = list(logged)
    if runner.created_at is not None:
        days.append(runner.created_at.astimezone(ZoneInfo(runner.timezone)).date())
    return min(days, default=None)


def pauses_for(runner: Runner, periods: Sequence[PausePeriod], today: date) -> list[Pause]:
    """Every pause the runner took (``pause_periods``) and the one the runner row holds
    (the same as the latest period, unless it predates the table)."""
    found = [Pause(period.first_day, period.last_day) for period in periods]
    state = pause_state_of(runner, today)
    if state.first is not None:
        current = Pause(state.first, None if state.paused else state.until)
        if current not in found:
            found.append(current)
    return found


def week_with_plan(week: RunnerWeek, period: PlanPeriod) -> RunnerWeek:
    """``week`` (reminder time and timezone kept) with the plan ``period`` holds."""
    return replace(
        week,
        run_days=days_from_text(period.run_days),
        long_run_day=period.long_run_day,
        hard_days=days_from_text(period.hard_days),
        sessions_per_week=period.sessions_per_week,
        experience=Experience(period.experience),
        equipment=Equipment(period.equipment),
        pull_up_bar=period.pull_up_bar,
    )


def plan_in_week(periods: Sequence[PlanPeriod], monday: date) -> PlanPeriod | None:
    """The plan ``monday``'s week is judged by: of the plans in force during it (the one
    in force on Monday, or the earliest for a week before any, and each that started in
    it), the one asking the fewest sessions a week, the earliest on a tie. ``periods``
    earliest first; None when there are none."""
    if not periods:
        return None
    sunday = monday + 6 * _DAY
    started = [p for p in periods if p.first_day <= monday]
    held = [started[-1] if started else periods[0]]
    held += [p for p in periods if monday < p.first_day <= sunday]
    return min(held, key=lambda p: p.sessions_per_week)


def plan_weeks(
    runner: Runner,
    periods: Sequence[PlanPeriod],
    weeks: Mapping[date, RunnerWeek],
    start: date,
    last: date,
) -> dict[date, RunnerWeek]:
    """The calendar's week overrides (``History.weeks``) from Monday ``start`` to Monday
    ``last``: each week with the plan it had (``plan_in_week``) where it is not today's,
    and the run days of a week the runner changed for that week only (``weeks``) kept."""
    usual = week_of(runner)
    found = dict(weeks)
    ordered = sorted(periods, key=lambda p: p.first_day)
    monday = start
    while monday <= last:
        period = plan_in_week(ordered, monday)
        if period is not None:
            planned = week_with_plan(usual, period)
            changed = found.get(monday)
            if changed is not None:
                planned = replace(
                    planned,
                    run_days=changed.run_days,
                    long_run_day=changed.long_run_day,
                    hard_days=changed.hard_days,
                )
            if planned != (changed or usual):
                found[monday] = planned
        monday += _WEEK
    return found


def planned_days(
    runner: Runner,
    logged: Mapping[date, str],
    moves: Sequence[Any],
    periods: Sequence[PausePeriod],
    today: date,
    plan_periods: Sequence[PlanPeriod] = (),
) -> list[date]:
    """The days the calendar placed a session on, from the runner's first day to the end of
    ``today``'s week: each week by the plan it had, with moves and every pause; the sign-up
    day asks nothing (the runner may have found the bot that evening), so its session counts
    only when it was done. ``week_facts_of`` counts them by week, the monthly recap by day."""
    first = joined_on(runner, logged)
    if first is None:
        return []
    start, this_monday = monday_of(first), monday_of(today)
    weeks, cleared = changed_weeks(runner)
    weeks = plan_weeks(runner, plan_periods, weeks, start, this_monday)
    history = History(
        logged=dict(logged),
        moves=tuple(
            Move(row.from_date, row.to_date, Focus(row.focus))
            for row in sorted(moves, key=lambda row: row.id or 0)
        ),
        pauses=tuple(pauses_for(runner, periods, today)) + cleared,
        since=first,
        weeks=weeks,
        race_day=runner.race_date,
    )
    slots = slots_between(week_of(runner), first, this_monday + 6 * _DAY, history, today)
    return [slot.day for slot in slots if slot.day != first or logged.get(first) == LogStatus.DONE]


def week_facts_of(
    runner: Runner,
    logged: Mapping[date, str],
    moves: Sequence[Any],
    periods: Sequence[PausePeriod],
    today: date,
    plan_periods: Sequence[PlanPeriod] = (),
) -> list[WeekFacts]:
    """Every week from the runner's first day to ``today``'s, oldest first (see the
    module docstring). ``logged``: day -> log status, all of it; ``moves``: their ``Move``
    rows; ``periods``: their pause periods; ``plan_periods``: their plans (none: today's
    plan for every week, as before plans were kept)."""
    first = joined_on(runner, logged)
    if first is None:
        return []
    start, this_monday = monday_of(first), monday_of(today)
    paused = pauses_for(runner, periods, today)
    planned: dict[date, list[date]] = {}
    for day in planned_days(runner, logged, moves, periods, today, plan_periods):
        planned.setdefault(monday_of(day), []).append(day)
    counts = Counter((monday_of(day), status) for day, status in logged.items())
    done_days = sorted(day for day, status in logged.items() if status == LogStatus.DONE)
    facts = []
    monday = start
    while monday <= this_monday:
        days = planned.get(monday, [])
        done = counts[monday, LogStatus.DONE]
        short = done < len(days)
        facts.append(
            WeekFacts(
                monday,
                len(days),
                done,
                skipped=counts[monday, LogStatus.SKIPPED],
                moved=counts[monday, LogStatus.MOVED],
                # A week paused end to end has nothing planned left: still paused.
                paused=(short or not days) and _paused(paused, monday),
                # Only a week short of its sessions needs to know (a full one is full).
                eased=short and _eased(runner, done_days, days),
                joined=monday == start,
            )
        )
        monday += _WEEK
    return facts


def _paused(paused: Sequence[Pause], monday: date) -> bool:
    sunday = monday + 6 * _DAY
    return any(p.first <= sunday and (p.until is None or p.until >= monday) for p in paused)


def _eased(runner: Runner, done_days: Sequence[date], days: Sequence[date]) -> bool:
    """A session of the week fell in the taper, race week or recovery, or the week was a
    lighter one, as /today's log window (``HISTORY_WEEKS``) saw it then. ``done_days``
    sorted."""
    if not days:
        return False
    first = min(days)
    window = done_days[
        bisect_left(done_days, first - timedelta(weeks=HISTORY_WEEKS)) : bisect_left(
            done_days, first
        )
    ]
    index = TrainingIndex((), runner.race_date, runner.race_distance, done_days=window)
    return any(index.reduced(day) for day in days)


_FOCI = {focus.value: focus for focus in Focus}
_FEEDBACK = {feedback.value: feedback for feedback in Feedback}


def entries_of(rows: Iterable[Any]) -> list[Entry]:
    """Log rows (``SessionLog`` or ``LoggedDay``) as progression reads them, all of them
    (the enums by a dict: ``Enum(value)`` cost a third of a year's read)."""
    return [
        Entry(
            day=row.local_date,
            focus=_FOCI[row.focus],
            status=row.status,
            feedback=_FEEDBACK.get(row.feedback) if row.feedback else None,
            sore=bool(row.sore),
            loads=tuple(sorted(logs.loads_of(getattr(row, "loads", None)).items())),
        )
        for row in rows
    ]


def plan_foci(runner: Runner, today: date) -> tuple[Focus, ...]:
    """The foci the runner's plan holds (two weeks: the plan rotates a focus by parity)."""
    week = week_of(runner)
    index = week_index_of(today)
    held = {focus for i in (index, index + 1) for focus in plan_week(week, i).sessions.values()}
    return tuple(focus for focus in Focus if focus in held)


async def moves_and_periods(
    session: AsyncSession, runner: Runner
) -> tuple[Sequence[Any], list[PausePeriod]]:
    """The runner's moves (read only when they have any: ``runners.last_move_day``) and
    pause periods, as ``week_facts_of`` takes them."""
    moves: Sequence[Any] = ()
    if runner.last_move_day is not None:
        found = await moves_store.moves_of(session, [runner.chat_id], date.min)
        moves = found.get(runner.chat_id, [])
    return moves, await pauses.periods_of(session, runner.chat_id)


async def facts_on(
    session: AsyncSession, runner: Runner, logged: Mapping[date, str], today: date
) -> list[WeekFacts]:
    """``week_facts_of`` with the runner's moves, pauses and plans read here: for a caller
    that has read the log only, so none of them can be forgotten."""
    moves, periods = await moves_and_periods(session, runner)
    held = await plans.periods_of(session, runner.chat_id)
    return week_facts_of(runner, logged, moves, periods, today, held)


async def read_progress(
    session: AsyncSession, chat_id: int, now: datetime, *, catalog: Catalog | None = None
) -> Progress | None:
    """What /progress shows; None when the runner is not set up. ``catalog``: the bot's
    exercise catalogue (the minutes are estimated from it); the shipped one if None."""
    runner, rows = await snapshots.runner_with_logs(session, chat_id, date.min)
    if runner is None or not runner.onboarded:
        return None
    today = local_today(runner, now)
    rows = [row for row in rows if row.local_date <= today]
    logged = {row.local_date: row.status for row in rows}
    return progress_from(
        today,
        await facts_on(session, runner, logged, today),
        entries_of(rows),
        STARTING_LEVEL[Experience(runner.experience)],
        plan_foci(runner, today),
        estimator_for(catalog or _shipped_catalog(), runner),
        breaks=breaks_of(runner),
        race_day=runner.race_date,
        race_distance=runner.race_distance,
        level_window_weeks=HISTORY_WEEKS,
        weight_unit=runner.weight_unit or "kg",
    )


async def last_week_tally(
    session: AsyncSession, runner: Runner, today: date
) -> tuple[WeekTally, Streak]:
    """Last week's tally and the streak once it is counted, for the weekly preview ("Last
    week: 3 of 3 ✅ · streak 5 weeks"). Last week: on a Sunday (the usual preview day)
    the week ending today, any other day the week before today's. Reads the log's days
    and statuses only (no levels, no minutes)."""
    monday = monday_of(today) if today.weekday() == 6 else monday_of(today) - _WEEK
    judged = monday + _WEEK  # the week is over: judged as past, not as the current one
    logged = (await logs.logged_dates_of(session, [runner.chat_id], date.min)).get(
        runner.chat_id, {}
    )
    logged = {day: status for day, status in logged.items() if day < judged}
    facts = await facts_on(session, runner, logged, monday + 6 * _DAY)
    streak = tally(facts, judged)
    found = next((t for t in streak.weeks if t.facts.monday == monday), None)
    return found or WeekTally(WeekFacts(monday, 0, 0), WeekMark.REST, 0), streak


async def streak_on(session: AsyncSession, runner: Runner, today: date) -> Streak:
    """The streak as /progress counts it on ``today`` (this transaction's log included),
    from the log's days and statuses only: for a reply that needs the streak and nothing
    else (a milestone, "my streak")."""
    logged = (await logs.logged_dates_of(session, [runner.chat_id], date.min)).get(
        runner.chat_id, {}
    )
    return tally(await facts_on(session, runner, logged, today), today)
