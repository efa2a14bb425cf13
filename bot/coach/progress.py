"""What /progress shows, from the log: pure, so it is tested without a database.

``progress_from`` takes plain inputs (every week's facts since sign-up, the log as
progression reads it, the starting level, the pauses as progression's breaks, the race)
and returns a ``Progress``: the streak (``bot.coach.streaks``), the last ``CHART_WEEKS``
weeks, each focus's level over them, sessions and minutes, and the weights logged.

Levels are the ones /today uses. ``bot.services.plan`` builds a session from the last
``level_window_weeks`` of the log (``bot.services.history.HISTORY_WEEKS``), the runner's
starting level, their breaks and the reduced days (``bot.coach.phases.reduced_on``:
taper, race week, recovery, lighter weeks), through ``bot.coach.progression.levels_on``;
a week's level here is that same call at the week's end, so the level the chart ends on
is the level the next session is built at (tests/test_progress_data.py checks it against
/today's). ``fast_reduced`` answers ``reduced_on``'s question from a sorted index of the
days done instead of a scan of the log per question (a replay asks once per session:
O(n²) on a year of log), and is tested to agree with it.

Minutes are an estimate, not a build of every past day: ``session_on`` per session
would cost a level replay each (a year of log: hundreds of them). ``minutes_estimator``
replays the log once, keeping each session's level, its exercises' rungs (the rule of
``bot.coach.rungs``), plyometrics allowed or not, and the race or lighter-week adjustment
(``phases.adjust``), and builds each distinct session once (a steady runner repeats a
handful). Left out: a lighter week's cap at the previous week's level and rungs, the
sore-legs swap; past 26 weeks of log, the levels are a replay of all of it rather than
of /today's 26-week window. Measured against ``session_on``'s own minutes over the six simulated
12-week seasons of ``bot.coach.season`` (``python -m bot.coach.progress``): totals within
-0.5 % to +2.6 % (the estimate a little high: the lighter week's cap), mean absolute error
0.0-0.9 minutes a session.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from bot.coach.phases import (
    LIGHTER_EVERY_WEEKS,
    Adjustment,
    RacePhase,
    adjust,
    race_phase,
    scale_level,
)
from bot.coach.plyo import BASE_WEEKS, key_run_soon
from bot.coach.progression import (
    BREAK_DAYS,
    Break,
    Entry,
    Feedback,
    Reduced,
    Replay,
    levels_on,
)
from bot.coach.rungs import Rung, after, picked
from bot.coach.session import build_session
from bot.coach.session_time import SessionItem, estimate_minutes
from bot.coach.status import LogStatus
from bot.coach.streaks import Streak, WeekFacts, WeekMark, WeekTally, monday_of, tally
from bot.coach.week import STARTING_LEVEL, Focus, RunnerWeek
from bot.content import Catalog, Exercise, kit_for

if TYPE_CHECKING:
    from bot.coach.season import Runner as SeasonRunner
    from bot.coach.season import Week as SeasonWeek

CHART_WEEKS = 12
MAX_LIFTS = 3

_WEEK = timedelta(days=7)
_DAY = timedelta(days=1)


@dataclass(frozen=True)
class LiftSeries:
    exercise: str  # exercise id (content/exercises.toml)
    kg: tuple[float | None, ...]  # heaviest logged per week, aligned with Progress.weeks
    first: tuple[date, float]  # first logged (day, kg), ever
    last: tuple[date, float]  # latest logged (day, kg)


@dataclass(frozen=True)
class Progress:
    today: date
    weeks: tuple[WeekTally, ...]  # the last CHART_WEEKS weeks, oldest first, this week last
    streak: Streak  # over every week since sign-up
    foci: tuple[Focus, ...]  # the foci the runner's plan holds (no Core if none)
    levels: Mapping[Focus, tuple[int, ...]]  # each focus's level at the end of each of `weeks`
    level_now: Mapping[Focus, int]
    level_start: Mapping[Focus, tuple[int, date]]  # level at their first session of it, that day
    done_total: int
    done_this_month: int  # the runner's calendar month of `today`
    minutes_total: int  # planned minutes of every session done
    lifts: tuple[LiftSeries, ...]  # main lifts with logged weights, most logged first, <= 3
    first_day: date | None  # first session done, ever
    weight_unit: str  # "kg" | "lb" (for the caption; kg stored)
    # The level of each focus's latest session done (level_now: the next session's).
    level_done: Mapping[Focus, int] = field(default_factory=dict)


class TrainingIndex:
    """``progression.training_week`` and what hangs on it (``phases.reduced_on``'s
    lighter weeks, ``plyo.plyo_allowed``) for one log, in O(log n) per day: a sorted
    index of the days done and where each run of training (no gap over ``BREAK_DAYS``)
    began, instead of a scan of the log per question (a replay asks once per session:
    O(n²) on a year of log). Tested to agree with those functions."""

    def __init__(
        self,
        history: Sequence[Entry],
        race_day: date | None,
        distance: str | None = None,
        *,
        done_days: Sequence[date] | None = None,
    ) -> None:
        """``done_days``: the days done, sorted and distinct, if the caller has them
        (``history`` is then not read)."""
        self._done = (
            list(done_days)
            if done_days is not None
            else sorted({entry.day for entry in history if entry.status == LogStatus.DONE})
        )
        self._starts: list[date] = []
        for index, day in enumerate(self._done):
            gap = index > 0 and (day - self._done[index - 1]).days > BREAK_DAYS
            self._starts.append(day if index == 0 or gap else self._starts[-1])
        self._race_day = race_day
        self.distance = distance

    def training_week(self, day: date) -> int | None:
        before = bisect_left(self._done, day)
        if not before or (day - self._done[before - 1]).days > BREAK_DAYS:
            return None
        return (day - monday_of(self._starts[before - 1])).days // 7 + 1

    def phase(self, day: date) -> RacePhase | None:
        return race_phase(day, self._race_day, self.distance)

    def lighter(self, day: date) -> bool:
        """``phases.is_lighter_week``."""
        week = self.training_week(day)
        if week is None or week % LIGHTER_EVERY_WEEKS != 0:
            return False
        monday = monday_of(day)
        return not any(
            self.phase(monday - timedelta(days=back)) is not None for back in range(1, 8)
        )

    def reduced(self, day: date) -> bool:
        """``phases.reduced_on(history, race_day, distance)(day)``."""
        return self.phase(day) is not None or self.lighter(day)

    def plyo_allowed(self, week: RunnerWeek, day: date) -> bool:
        """``plyo.plyo_allowed(week, history, day)``."""
        weeks = self.training_week(day)
        return weeks is not None and weeks > BASE_WEEKS and not key_run_soon(week, day)


def fast_reduced(
    history: Sequence[Entry], race_day: date | None, distance: str | None = None
) -> Reduced:
    """``bot.coach.phases.reduced_on``, answered from a ``TrainingIndex``."""
    return TrainingIndex(history, race_day, distance).reduced


# A session's minutes for the whole log: (log sorted by day, the starting level, the day
# the replay stops before, breaks, the log's training index) -> minutes in all.
MinutesOfLog = Callable[[Sequence[Entry], int, date, Sequence[Break], TrainingIndex], int]


def minutes_estimator(
    catalog: Catalog,
    week: RunnerWeek,
    budget_minutes: int | None = None,
    swaps: Mapping[str, str] | None = None,
) -> MinutesOfLog:
    """Minutes of every session done (see the module docstring): one replay of the log
    with each session's level, its exercises' rungs (``bot.coach.rungs``, the same rule
    as ``rungs_on``), plyometrics and its race or lighter-week adjustment; a session is
    built once per distinct (focus, level, rungs, adjustment)."""
    chosen = dict(swaps) if swaps else None
    kit = kit_for(week.equipment, week.pull_up_bar)
    built: dict[tuple[object, ...], int] = {}
    templates: dict[tuple[Focus, int], list[Exercise]] = {}

    def moves_of(focus: Focus, level: int) -> list[Exercise]:
        """``rungs.picked`` (plyometrics included), once per focus and level."""
        if (focus, level) not in templates:
            templates[focus, level] = picked(catalog, focus, level, kit, chosen, plyo=True)
        return templates[focus, level]

    def minutes(
        adjustment: Adjustment, rungs: Mapping[str, int], plyo: bool, key: tuple[object, ...]
    ) -> int:
        if key not in built:
            session = build_session(
                catalog,
                adjustment.focus,
                adjustment.level,
                week.equipment,
                week.pull_up_bar,
                fewer_sets=adjustment.fewer_sets,
                budget_minutes=budget_minutes,
                swaps=chosen,
                rungs=rungs,
                plyo=plyo,
            )
            items = session.items
            if adjustment.volume < 1:
                items = tuple(
                    SessionItem(item.exercise, scale_level(item.level, adjustment.volume))
                    for item in items
                )
            built[key] = estimate_minutes(items, session.warmup_minutes)
        return built[key]

    def total(
        log: Sequence[Entry],
        start: int,
        until: date,
        breaks: Sequence[Break],
        index: TrainingIndex,
    ) -> int:
        states: dict[str, Rung] = {}
        found = 0
        for entry, done_at in Replay(start, list(log), until, breaks, index.reduced):
            phase = index.phase(entry.day)
            if phase is RacePhase.RACE_WEEK and entry.focus is Focus.LEGS:
                phase = RacePhase.LAST_LEGS
            adjustment = adjust(
                entry.focus,
                done_at,
                lighter_week=phase is None and index.lighter(entry.day),
                phase=phase,
                distance=index.distance,
            )
            plyo_ok = index.plyo_allowed(week, entry.day)
            plyo = plyo_ok and phase is not RacePhase.RECOVERY
            today = moves_of(adjustment.focus, adjustment.level)
            rungs = {
                exercise.id: states.get(exercise.id, Rung()).at(
                    adjustment.level, len(exercise.levels)
                )
                for exercise in today
            }
            key = (adjustment, tuple(sorted(rungs.items())), plyo)
            found += minutes(adjustment, rungs, plyo, key)
            # The rungs move on as rungs_on's replay moves them.
            moves = moves_of(entry.focus, done_at)
            if not plyo_ok:
                moves = [exercise for exercise in moves if exercise.kind != "plyo"]
            is_reduced = index.reduced(entry.day)
            for exercise in moves:
                state = states.get(exercise.id, Rung())
                states[exercise.id] = after(
                    state, done_at, len(exercise.levels), entry.feedback, is_reduced
                )
        return found

    return total


def _window(
    entries: Sequence[Entry], days: Sequence[date], day: date, weeks: int | None
) -> list[Entry]:
    """The log a session on ``day`` is built from: the days before it, back ``weeks``
    (``bot.services.history.history_from`` reads back that far from /today's day).
    ``entries`` sorted by day, ``days`` their days."""
    first = 0 if weeks is None else bisect_left(days, day - timedelta(weeks=weeks))
    return list(entries[first : bisect_left(days, day)])


def progress_from(
    today: date,
    weeks: Sequence[WeekFacts],
    entries: Sequence[Entry],
    start_level: int,
    foci: Sequence[Focus],
    minutes_of: MinutesOfLog,
    *,
    breaks: Sequence[Break] = (),
    race_day: date | None = None,
    race_distance: str | None = None,
    level_window_weeks: int | None = None,
    weight_unit: str = "kg",
) -> Progress:
    """``Progress`` from plain inputs: ``weeks`` every week since sign-up (any order),
    ``entries`` the whole log, ``start_level`` the runner's starting level, ``foci`` the
    foci their plan holds, ``minutes_of`` the minutes of the sessions done
    (``minutes_estimator``; a test may count instead); ``breaks``, ``race_day``,
    ``race_distance`` and ``level_window_weeks`` as /today builds a session with them.
    The chart's weeks before sign-up are rest weeks at the starting level."""
    streak = tally(weeks, today)
    log = sorted(entries, key=lambda entry: entry.day)
    days = [entry.day for entry in log]
    done = [entry for entry in log if entry.status == LogStatus.DONE]

    def levels_at(day: date) -> dict[Focus, int]:
        """Each focus's level for a session on ``day``, as /today works it out then."""
        history = _window(log, days, day, level_window_weeks)
        reduced = TrainingIndex(history, race_day, race_distance).reduced
        states = levels_on(start_level, history, day, breaks, reduced)
        return {focus: state.level for focus, state in states.items()}

    this_monday = monday_of(today)
    mondays = [this_monday - _WEEK * back for back in range(CHART_WEEKS - 1, -1, -1)]
    by_monday = {tallied.facts.monday: tallied for tallied in streak.weeks}
    chart = tuple(
        by_monday.get(monday) or WeekTally(WeekFacts(monday, 0, 0), WeekMark.REST, 0)
        for monday in mondays
    )
    # A week's level: at its end; this week's, the level of a session today (what /today
    # shows), or once today's session is done, of the next one.
    now = today + _DAY if any(entry.day == today for entry in done) else today
    at_end = [levels_at(min(monday + _WEEK, now)) for monday in mondays]
    levels = {focus: tuple(level[focus] for level in at_end) for focus in Focus}
    level_now = dict(at_end[-1])

    level_start: dict[Focus, tuple[int, date]] = {}
    latest: dict[Focus, date] = {}
    for entry in done:
        if entry.focus not in level_start:
            level_start[entry.focus] = (levels_at(entry.day)[entry.focus], entry.day)
        latest[entry.focus] = entry.day
    # The level of each focus's latest session done, as /today built it that day: what the
    # runner has done, where ``level_now`` may be a level earned but not done yet (a tester
    # saw "level 4 → 5" beside a /history whose sessions were all level 4).
    level_done = {focus: levels_at(day)[focus] for focus, day in latest.items()}

    index = TrainingIndex(log, race_day, race_distance)
    minutes_total = minutes_of(log, start_level, today + _DAY, breaks, index)

    return Progress(
        today=today,
        weeks=chart,
        streak=streak,
        foci=tuple(foci),
        levels=levels,
        level_now=level_now,
        level_start=level_start,
        level_done=level_done,
        done_total=len(done),
        done_this_month=sum(
            1 for entry in done if (entry.day.year, entry.day.month) == (today.year, today.month)
        ),
        minutes_total=minutes_total,
        lifts=_lifts(done, mondays),
        first_day=done[0].day if done else None,
        weight_unit=weight_unit,
    )


def _lifts(done: Sequence[Entry], mondays: Sequence[date]) -> tuple[LiftSeries, ...]:
    """The lifts the runner logged weights for, most logged first (then the latest
    logged), at most ``MAX_LIFTS``; per chart week the heaviest weight logged."""
    logged: dict[str, list[tuple[date, float]]] = {}
    for entry in done:
        for exercise, kg in entry.loads:
            logged.setdefault(exercise, []).append((entry.day, kg))
    if not logged:
        return ()
    counts = Counter({exercise: len(found) for exercise, found in logged.items()})
    chosen = sorted(
        counts, key=lambda name: (-counts[name], -logged[name][-1][0].toordinal(), name)
    )
    series = []
    for exercise in chosen[:MAX_LIFTS]:
        found = logged[exercise]
        heaviest: dict[date, float] = {}
        for day, kg in found:
            monday = monday_of(day)
            heaviest[monday] = max(kg, heaviest.get(monday, kg))
        series.append(
            LiftSeries(
                exercise,
                tuple(heaviest.get(monday) for monday in mondays),
                found[0],
                found[-1],
            )
        )
    return tuple(series)


def minutes_error() -> list[tuple[str, int, int, int, float]]:
    """The estimate against ``session_on`` over ``bot.coach.season``'s example seasons:
    (runner, sessions, minutes by session_on, minutes estimated, mean absolute error per
    session in minutes)."""
    from bot.coach import season  # the examples load the content: only when measured
    from bot.content import load_content

    catalog = load_content().catalog
    rows = []
    for runner in season.EXAMPLES:
        weeks = season.simulate(catalog, runner, season.SEASON_START)
        plans = [plan for week in weeks for plan in week.sessions]
        race_day = (
            season.SEASON_START + timedelta(weeks=runner.race_week - 1, days=6)
            if runner.race_week
            else None
        )
        history = [
            Entry(plan.day, plan.session.focus, LogStatus.DONE, feedback, loads=())
            for plan, feedback in zip(plans, _feedback(runner, weeks), strict=True)
        ]
        estimate = minutes_estimator(catalog, runner.week)
        index = TrainingIndex(history, race_day, runner.race_distance)
        start = STARTING_LEVEL[runner.week.experience]
        estimated = [
            estimate(history[: n + 1], start, plan.day + _DAY, (), index)
            - (estimate(history[:n], start, plan.day, (), index) if n else 0)
            for n, plan in enumerate(plans)
        ]
        actual = [plan.session.minutes for plan in plans]
        error = sum(abs(a - e) for a, e in zip(actual, estimated, strict=True)) / len(actual)
        rows.append((runner.name, len(actual), sum(actual), sum(estimated), error))
    return rows


def _feedback(runner: SeasonRunner, weeks: Sequence[SeasonWeek]) -> list[Feedback | None]:
    count = 0
    found = []
    for week in weeks:
        for plan in week.sessions:
            found.append(runner.feedback(count, week.number, plan.session.focus))
            count += 1
    return found


def main() -> None:
    """Print the minutes estimate's error over the simulated seasons."""
    print("runner | sessions | session_on min | estimated min | diff % | MAE min/session")
    for name, sessions, actual, estimated, error in minutes_error():
        diff = 100 * (estimated - actual) / actual
        print(f"{name[:40]} | {sessions} | {actual} | {estimated} | {diff:+.1f} | {error:.1f}")


if __name__ == "__main__":
    main()
