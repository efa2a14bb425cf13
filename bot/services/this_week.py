"""This week is different: the runner changes this week's runs only; the week's sessions
are placed again by the plan's rules (the calendar does it, from the changed week), the
next reminder follows them, and next week is the usual one again.

What has been lived stays as it was: a day already logged keeps its log, and the days
before the change keep the plan they had (``services.calendar.changed_weeks``). So the
change counts from today, or from tomorrow once today's session is logged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.coach.calendar import History
from bot.coach.week import Focus, RunnerWeek
from bot.coach.week_change import (
    Change,
    Kind,
    Refusal,
    Shift,
    WeekRuns,
    apply_all,
    runs_of,
    shifts,
)
from bot.services.calendar import (
    calendar_view,
    load_calendar,
    local_today,
    monday_of,
    week_on,
)
from bot.services.next_reminder import next_reminder_for
from bot.store import runners, week_changes
from bot.store.models import Runner


class Outcome(StrEnum):
    CHANGED = "changed"  # stored (or, for a preview, would be)
    UNCHANGED = "unchanged"  # the week already is like that
    REFUSED = "refused"  # see ``refusal``
    OVER = "over"  # a button from another week
    NOT_SET_UP = "not_set_up"


@dataclass(frozen=True)
class WeekChange:
    """What a change does (or did) to the runner's week of ``monday``."""

    outcome: Outcome
    monday: date | None = None
    today: date | None = None
    before: WeekRuns | None = None
    after: WeekRuns | None = None
    moved: tuple[Shift, ...] = ()
    usual: bool = False  # the week is the usual one after it
    changed: bool = False  # the week is unlike the usual one (before the change)
    refusal: Refusal | None = None


@dataclass(frozen=True)
class ThisWeek:
    """The runner's week as /week and its menu show it: the ``usual`` week and ``week``,
    the one this week is (the same unless ``changed``, from the day ``since``)."""

    monday: date
    today: date
    usual: RunnerWeek
    week: RunnerWeek
    changed: bool
    since: date

    @property
    def runs(self) -> WeekRuns:
        return runs_of(self.week)


def _sessions(runner: Runner, history: History, first: date, last: date) -> dict[date, Focus]:
    if last < first:
        return {}
    view = calendar_view(runner, history, first, first, days=(last - first).days)
    found = {}
    day = first
    while day <= last:
        if (slot := view(day)) is not None:
            found[day] = slot.focus
        day += timedelta(days=1)
    return found


async def this_week(session: AsyncSession, chat_id: int, now: datetime) -> ThisWeek | None:
    """The runner's week as it is this week; None if they are not set up."""
    runner = await runners.read_runner(session, chat_id)
    if runner is None or not runner.onboarded:
        return None
    today = local_today(runner, now)
    monday = monday_of(today)
    stored = week_changes.changed_weeks(runner).get(monday)
    return ThisWeek(
        monday,
        today,
        runners.week_of(runner),
        week_on(runner, today),
        stored is not None,
        stored.since if stored is not None else monday,
    )


async def change_week(
    session: AsyncSession,
    chat_id: int,
    now: datetime,
    changes: tuple[Change, ...] | Callable[[date], tuple[Change, ...]],
    *,
    monday: date | None = None,
    store: bool = True,
) -> WeekChange:
    """Change the runner's current week by ``changes`` (or by what a function of the
    runner's today makes of what they typed: "tomorrow" is theirs, not the server's);
    ``monday``: the week a button was for (another week is over); ``store`` False only
    says what the change would do."""
    runner = await (runners.get_runner if store else runners.read_runner)(session, chat_id)
    if runner is None or not runner.onboarded:
        return WeekChange(Outcome.NOT_SET_UP)
    today = local_today(runner, now)
    this_monday = monday_of(today)
    if monday is not None and monday != this_monday:
        return WeekChange(Outcome.OVER)
    if callable(changes):
        changes = changes(today)
    sunday = this_monday + timedelta(days=6)
    usual = runs_of(runners.week_of(runner))
    before = runs_of(week_on(runner, today))
    changed = this_monday in week_changes.changed_weeks(runner)
    base = WeekChange(Outcome.UNCHANGED, this_monday, today, before, before, changed=changed)
    for change in changes:
        if change.kind in (Kind.LONG, Kind.HARD) and all(
            this_monday + timedelta(days=day) < today for day in change.days
        ):
            return _refused(base, Refusal.PAST_DAY)
    after = apply_all(before, changes, usual)
    if isinstance(after, Refusal):
        return _refused(base, after)
    if after == before:
        return base
    history = await load_calendar(session, runner, today)
    # Today's logged session stays as it is: the change counts from the next day then.
    since = today + timedelta(days=1) if today in history.logged else today
    stored_runs = None if after == usual else after
    then = week_changes.as_if(runner, this_monday, stored_runs, since=since)
    history_then = await load_calendar(session, then, today, history.logged)
    moved = shifts(
        _sessions(runner, history, since, sunday), _sessions(then, history_then, since, sunday)
    )
    if store:
        await week_changes.set_week(session, runner, this_monday, stored_runs, since=since, now=now)
        runner.next_reminder_utc = await next_reminder_for(session, runner, now=now)
        session.add(runner)
        await session.flush()
    return WeekChange(
        Outcome.CHANGED,
        this_monday,
        today,
        before,
        after,
        tuple(moved),
        usual=stored_runs is None,
        changed=changed,
    )


def _refused(base: WeekChange, why: Refusal) -> WeekChange:
    return WeekChange(
        Outcome.REFUSED,
        base.monday,
        base.today,
        base.before,
        base.before,
        changed=base.changed,
        refusal=why,
    )
