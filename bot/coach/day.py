"""Everything the coach decides about one day: which session, at which level, how adjusted.

Pure: the plan (which days), progression (which level), lighter weeks and race phases
(how much) and the session builder (which moves) in one place, so /today, reminders,
the weekly preview and the season simulation all say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.coach.plan import plan_for_date
from bot.coach.progression import (
    Adjustment,
    Break,
    Entry,
    FocusLevel,
    adjust,
    is_lighter_week,
    levels_on,
    race_phase,
)
from bot.coach.session import Session, build_session
from bot.coach.status import LogStatus
from bot.coach.week import STARTING_LEVEL, Focus, RunnerWeek
from bot.content import Catalog


@dataclass(frozen=True)
class Coaching:
    """The runner's coaching settings beyond their week."""

    race_day: date | None = None
    budget_minutes: int | None = None
    swaps: dict[str, str] | None = None
    breaks: tuple[Break, ...] = ()  # pauses that step levels back on return


@dataclass(frozen=True)
class DayPlan:
    day: date
    planned: Focus
    adjustment: Adjustment
    state: FocusLevel
    session: Session
    previous: Session | None  # the last session of this focus, to say what changed
    sore_swap: bool = False  # legs swapped because the runner said they were sore


SORE_DAYS = 2  # "sore" counts for this many days


def _sore_swap(week: RunnerWeek, history: list[Entry], day: date) -> Focus | None:
    """Heavy legs on sore legs before a long run or a hard day: do core or upper instead
    (whichever was done longer ago)."""
    sore = any(entry.sore and 0 <= (day - entry.day).days <= SORE_DAYS for entry in history)
    if not sore:
        return None
    soon = {(day.weekday() + offset) % 7 for offset in (1, 2, 3)}
    if not soon & (set(week.hard_days) | ({week.long_run_day} - {None})):
        return None
    last_done = {
        focus: max(
            (e.day for e in history if e.focus is focus and e.status == LogStatus.DONE),
            default=date.min,
        )
        for focus in (Focus.CORE, Focus.UPPER)
    }
    return min(last_done, key=lambda focus: (last_done[focus], focus.value))


def session_on(
    catalog: Catalog,
    week: RunnerWeek,
    history: list[Entry],
    day: date,
    coaching: Coaching = Coaching(),
    focus: Focus | None = None,
) -> DayPlan | None:
    """The session for ``day`` (or the given focus, for an unplanned or moved session)."""
    planned = focus or plan_for_date(week, day)
    if planned is None:
        return None
    sore_swap = False
    if focus is None and planned is Focus.LEGS:
        swapped = _sore_swap(week, history, day)
        if swapped is not None:
            planned, sore_swap = swapped, True
    start = STARTING_LEVEL[week.experience]
    states = levels_on(start, history, day, coaching.breaks)
    phase = race_phase(day, coaching.race_day)
    adjustment = adjust(
        planned,
        states[planned].level,
        lighter_week=is_lighter_week(history, day),
        phase=phase,
    )
    state = states[adjustment.focus]
    session = build_session(
        catalog,
        adjustment.focus,
        adjustment.level if adjustment.focus is planned else min(state.level, adjustment.level),
        week.equipment,
        week.pull_up_bar,
        fewer_sets=adjustment.fewer_sets,
        budget_minutes=coaching.budget_minutes,
        swaps=coaching.swaps,
    )
    previous = _previous_session(catalog, week, history, day, adjustment.focus, coaching)
    return DayPlan(day, planned, adjustment, state, session, previous, sore_swap)


def _previous_session(
    catalog: Catalog,
    week: RunnerWeek,
    history: list[Entry],
    day: date,
    focus: Focus,
    coaching: Coaching,
) -> Session | None:
    earlier = [
        entry
        for entry in history
        if entry.focus is focus and entry.status == LogStatus.DONE and entry.day < day
    ]
    if not earlier:
        return None
    last = max(earlier, key=lambda entry: entry.day)
    states = levels_on(STARTING_LEVEL[week.experience], history, last.day, coaching.breaks)
    return build_session(
        catalog,
        focus,
        states[focus].level,
        week.equipment,
        week.pull_up_bar,
        budget_minutes=coaching.budget_minutes,
        swaps=coaching.swaps,
    )


@dataclass(frozen=True)
class ExerciseChange:
    name: str
    kind: str  # "seconds" | "reps" | "sets" | "variant"
    amount: int = 0
    variant: str = ""


def changes_since(previous: Session | None, current: Session) -> list[ExerciseChange]:
    """What got harder (or easier) per exercise since the last session of this focus."""
    if previous is None:
        return []
    before = {item.exercise.id: item.level for item in previous.items}
    found = []
    for item in current.items:
        old = before.get(item.exercise.id)
        new = item.level
        if old is None:
            continue
        if old.variant != new.variant:
            found.append(ExerciseChange(item.exercise.name, "variant", variant=new.variant))
        elif old.seconds is not None and new.seconds is not None and old.seconds != new.seconds:
            found.append(ExerciseChange(item.exercise.name, "seconds", new.seconds - old.seconds))
        elif old.reps is not None and new.reps is not None and old.reps != new.reps:
            found.append(ExerciseChange(item.exercise.name, "reps", new.reps - old.reps))
        elif old.sets != new.sets:
            found.append(ExerciseChange(item.exercise.name, "sets", new.sets - old.sets))
    return found
