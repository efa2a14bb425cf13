"""Everything the coach decides about one day: which session, at which level, how adjusted.

Pure: the plan (which days), progression (which level), lighter weeks and race phases
(how much) and the session builder (which moves) in one place, so /today, reminders,
the weekly preview and the season simulation all say the same thing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from bot.coach.calendar import MOVE_HORIZON_DAYS, History, slots_between
from bot.coach.loads import LoadTarget, load_targets
from bot.coach.phases import (
    Adjustment,
    RacePhase,
    adjust,
    is_lighter_week,
    legs_allowed,
    no_session,
    race_phase,
    reduced_on,
    scale_level,
)
from bot.coach.plan import plan_for_date
from bot.coach.plyo import plyo_allowed
from bot.coach.progression import Break, Entry, FocusLevel, levels_on, unrated_before
from bot.coach.rungs import rungs_on
from bot.coach.session import Session, build_session
from bot.coach.session_time import SessionItem
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
    race_distance: str | None = None  # 5k | 10k | half | marathon | ultra
    weight_unit: str = "kg"  # how the runner reads and types weights: kg | lb


@dataclass(frozen=True)
class DayPlan:
    day: date
    planned: Focus
    adjustment: Adjustment
    state: FocusLevel
    session: Session
    previous: Session | None  # the last session of this focus, to say what changed
    sore_swap: bool = False  # legs swapped because the runner said they were sore
    # Loaded moves: the weight logged last time and the one to try (exercise id -> target).
    targets: Mapping[str, LoadTarget] = field(default_factory=dict)
    # The day of an earlier session the runner never said how it felt: asked once, here.
    ask_feedback: date | None = None
    # The session before a taper's or lighter week's share of the sets (what its rungs are).
    full: Session | None = None


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


@dataclass(frozen=True)
class DayFocus:
    """Which session a day holds once everything that changes it is counted: the one
    /today shows, "done" logs, /week marks and reminders send."""

    focus: Focus  # what the runner does that day
    placed: Focus  # what the calendar put there (planned, moved, offered again)
    sore_swap: bool = False  # legs became ``focus`` because the runner said they were sore
    phase: RacePhase | None = None


def is_race_day(day: date, coaching: Coaching) -> bool:
    return coaching.race_day is not None and day == coaching.race_day


def reduced_days(history: list[Entry], coaching: Coaching) -> Callable[[date], bool]:
    """The days whose sessions were made easier on purpose (taper, race week, recovery,
    lighter weeks): they never count toward the next level or rung (``phases.reduced_on``)."""
    return reduced_on(history, coaching.race_day, coaching.race_distance)


def day_focus(
    week: RunnerWeek,
    history: list[Entry],
    day: date,
    coaching: Coaching,
    placed: Focus | None,
) -> DayFocus | None:
    """The one answer to "which session is on ``day``", from the session the calendar
    ``placed`` there: none on race day or the day before it; legs on sore legs before a
    long run or a hard day become core or upper body; race week is short easy core, but
    for legs placed before its legs-free days (``phases.legs_allowed``), which keep the
    taper's legs (``RacePhase.LAST_LEGS``)."""
    if placed is None or no_session(day, coaching.race_day):
        return None
    phase = race_phase(day, coaching.race_day, coaching.race_distance)
    done = next((e.focus for e in history if e.day == day and e.status == LogStatus.DONE), None)
    if done is not None:  # what was done is what the day held ("sore" after it changes nothing)
        was_swap = placed is Focus.LEGS and done is not Focus.LEGS
        # Race week and the recovery's first days take legs away themselves: not a sore swap.
        raced = phase is RacePhase.RACE_WEEK or not legs_allowed(
            day, coaching.race_day, coaching.race_distance
        )
        return DayFocus(done, placed, was_swap and not raced, phase)
    focus, sore_swap = placed, False
    if placed is Focus.LEGS:
        swapped = _sore_swap(week, history, day)
        if swapped is not None:
            focus, sore_swap = swapped, True
    if phase is RacePhase.RACE_WEEK:
        if focus is Focus.LEGS and legs_allowed(day, coaching.race_day, coaching.race_distance):
            phase = RacePhase.LAST_LEGS
        else:
            focus = Focus.CORE
    elif phase is RacePhase.RECOVERY and focus is Focus.LEGS:
        if not legs_allowed(day, coaching.race_day, coaching.race_distance):
            focus, phase = Focus.CORE, RacePhase.LEGS_REST
    return DayFocus(focus, placed, sore_swap, phase)


def _scaled(session: Session, volume: float) -> Session:
    """The session keeping ``volume`` of each exercise's work (``phases.scale_level``)."""
    if volume >= 1:
        return session
    items = tuple(
        SessionItem(item.exercise, scale_level(item.level, volume)) for item in session.items
    )
    return replace(session, items=items)


def _held(targets: Mapping[str, LoadTarget]) -> dict[str, LoadTarget]:
    """Targets that do not go up: after a race and in a lighter week the weight holds."""
    return {
        name: replace(
            target,
            next_kg=min(target.next_kg, target.last_kg),
            # Held, the message says "stay at"; a step down stays a step down.
            change=0 if target.next_kg >= target.last_kg else target.change,
        )
        if target.next_kg is not None and target.last_kg is not None
        else target
        for name, target in targets.items()
    }


def session_on(
    catalog: Catalog,
    week: RunnerWeek,
    history: list[Entry],
    day: date,
    coaching: Coaching = Coaching(),
    focus: Focus | None = None,
    *,
    with_previous: bool = True,
    calendar: History | None = None,
) -> DayPlan | None:
    """The session for ``day``: the weekly plan's, or ``focus`` (the calendar's session
    of that day: moved, offered again, or a week unlike the usual), as ``day_focus``
    changes it, dosed as ``phases.adjust`` says for the day's place in the season.

    ``previous`` is the last session of the focus as *that* day built it (its lighter
    week's rungs included), so "since last time" names only what really changed; without
    ``with_previous`` (building that previous session) it is left out.

    ``calendar`` (moves, pauses, weeks unlike the usual) places the sessions between an
    unrated one and ``day``, so only the first message after it asks how it felt
    (``ask_feedback``); without it, the plan and the log alone place them."""
    decided = day_focus(week, history, day, coaching, focus or plan_for_date(week, day))
    if decided is None:
        return None
    # Race week and the recovery's first days turn what was placed into easy core
    # (``adjust`` says how easy).
    race_week = decided.phase in (RacePhase.RACE_WEEK, RacePhase.LEGS_REST)
    planned = decided.placed if race_week else decided.focus
    start = STARTING_LEVEL[week.experience]
    reduced = reduced_days(history, coaching)
    states = levels_on(start, history, day, coaching.breaks, reduced=reduced)
    lighter = decided.phase is None and is_lighter_week(
        history, day, coaching.race_day, coaching.race_distance
    )
    base = states[Focus.CORE if race_week else planned].level
    last_monday = day - timedelta(days=day.weekday() + 7)
    if lighter:
        # Never above the level the previous week started at: lighter than that week.
        before = levels_on(start, history, last_monday, coaching.breaks, reduced=reduced)
        base = min(base, before[planned].level)
    adjustment = adjust(
        planned, base, lighter_week=lighter, phase=decided.phase, distance=coaching.race_distance
    )
    state = states[adjustment.focus]
    level = adjustment.level

    def rungs(on: date, at: int) -> dict[str, int]:
        return rungs_on(
            catalog,
            week,
            history,
            on,
            adjustment.focus,
            at,
            coaching.swaps,
            start=start,
            breaks=coaching.breaks,
            reduced=reduced,
        )

    chosen = rungs(day, level)
    if lighter:
        earlier = rungs(last_monday, level)
        chosen = {name: min(rung, earlier.get(name, rung)) for name, rung in chosen.items()}
    full = build_session(
        catalog,
        adjustment.focus,
        level,
        week.equipment,
        week.pull_up_bar,
        fewer_sets=adjustment.fewer_sets,
        budget_minutes=coaching.budget_minutes,
        swaps=coaching.swaps,
        rungs=chosen,
        # No hops on legs still recovering from a race (its phases cut the rest).
        plyo=plyo_allowed(week, history, day) and decided.phase is not RacePhase.RECOVERY,
    )
    previous = (
        _previous_session(catalog, week, history, day, adjustment.focus, coaching)
        if with_previous
        else None
    )
    targets = load_targets(full, previous, history, day, coaching.weight_unit)
    return DayPlan(
        day,
        planned,
        adjustment,
        state,
        _scaled(full, adjustment.volume),
        # Compared at the same share, "since last time" names what really changed.
        None if previous is None else _scaled(previous, adjustment.volume),
        decided.sore_swap,
        targets=_held(targets) if adjustment.hold_loads else targets,
        ask_feedback=unrated_before(
            history, day, _messages_between(week, history, day, coaching, calendar)
        ),
        full=full,
    )


def _messages_between(
    week: RunnerWeek,
    history: list[Entry],
    today: date,
    coaching: Coaching,
    calendar: History | None,
) -> Callable[[date, date], list[date]]:
    """The days from ``first`` to ``last`` on which a session's message went out, as the
    calendar places sessions seen from ``today``: each session's day, and the day a moved
    or re-offered one came from (its reminder went out there before it moved). Sessions
    up to ``MOVE_HORIZON_DAYS`` after ``last`` are looked at for that: a move goes at most
    that far. Without the runner's ``calendar`` it is built from the plan and the log."""
    known = calendar or History(
        logged={entry.day: entry.status for entry in history},
        since=min((entry.day for entry in history), default=None),
        race_day=coaching.race_day,
    )

    def between(first: date, last: date) -> list[date]:
        ahead = last + timedelta(days=MOVE_HORIZON_DAYS)
        slots = slots_between(week, first, ahead, known, today)
        days = (on for slot in slots for on in (slot.day, slot.from_day) if on is not None)
        return sorted({on for on in days if first <= on <= last})

    return between


def _previous_session(
    catalog: Catalog,
    week: RunnerWeek,
    history: list[Entry],
    day: date,
    focus: Focus,
    coaching: Coaching,
) -> Session | None:
    """The last session of ``focus`` before ``day``, as that day built it (before its own
    share of the sets): the rungs it really had, a lighter week's cap included."""
    earlier = [
        entry
        for entry in history
        if entry.focus is focus and entry.status == LogStatus.DONE and entry.day < day
    ]
    if not earlier:
        return None
    last = max(earlier, key=lambda entry: entry.day)
    shown = session_on(
        catalog, week, history, last.day, coaching, focus=last.focus, with_previous=False
    )
    if shown is None or shown.session.focus is not focus:
        return None
    return shown.full


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
        elif new.heavier and old != new:
            # A heavier rung that changed nothing else a list shows: the catalogue says the
            # weight by ``heavier``, not by words in the variant, so "3 x 8" at a heavier
            # weight after "3 x 8" is still a change worth naming.
            found.append(ExerciseChange(item.exercise.name, "variant", variant=new.variant))
    return found
