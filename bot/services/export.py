"""/export: everything the bot holds about a runner, and each past session as it was.

``read_export`` is the one read (every table's rows of the runner, ``bot.store
.export_reads``). ``past_sessions`` rebuilds the session of every log the way
``bot.coach.rungs`` rebuilds past sessions: the log is replayed once, in order
(``progression.Replay``): each session gets the level its focus had that day, from the
log before it, and each move the rung it had reached (``rungs.after`` after every session
with it, the same picking as ``build_session``); the day's race phase or lighter week
dose it as ``phases.adjust`` says, and ``build_session`` builds it with the runner's kit,
swaps and session length.

Why one replay and not ``bot.coach.day.session_on`` per day: ``session_on`` replays the
log up to its day for every call (the levels, then the rungs, each asking whether every
earlier day was a lighter week), so a log of n sessions costs n² steps: 35 ms a session
with half a year of log before it, 100 s for 3,000 logs. One replay is linear: 3,000 logs
in about 1.2 s of CPU, /export answered in 2.3 s (``python -m tests.test_export 3000``).
``TrainingWeeks`` answers "which week of training" by binary search for the same reason.

What differs from /today: /today reads the last ``HISTORY_WEEKS`` of the log, the replay
the whole of it, so after half a year the levels here can stand higher than /today
showed; the usual week, kit, swaps and session length are today's (the log does not keep
them). A skipped or moved session gets the level its focus stood at after the sessions
before it, with the step back of a break after it already counted. For the sessions done
in a runner's first half year the two agree (``tests/test_export.py``).

The rebuild is pure CPU work that grows with the log, so the handler runs it off the
event loop (``asyncio.to_thread``): other runners' updates go on meanwhile.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, timedelta
from functools import cache, cached_property
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.coach.phases import LIGHTER_EVERY_WEEKS, RacePhase, adjust, race_phase, scale_level
from bot.coach.plyo import BASE_WEEKS, key_run_soon
from bot.coach.progression import BREAK_DAYS, Entry, Replay
from bot.coach.rungs import Rung, after, picked
from bot.coach.session import Session, build_session
from bot.coach.session_time import SessionItem
from bot.coach.status import LogStatus
from bot.coach.week import STARTING_LEVEL, Focus, RunnerWeek
from bot.content import Content, kit_for
from bot.services.calendar import local_today
from bot.services.history import history_from
from bot.services.plan import coaching_of
from bot.store import export_reads, logs
from bot.store.export_reads import RunnerRows
from bot.store.models import Runner, SessionLog
from bot.store.runners import week_of


@dataclass(frozen=True)
class LoggedSession:
    """One log as the export reads it: ``SessionLog``'s columns in a plain frozen
    dataclass, since a ``SessionLog`` object costs a third of a millisecond to build
    (SQLAlchemy's instrumentation): 3,000 of them were a second of the export."""

    id: int | None
    local_date: date
    focus: str
    status: str
    planned: bool = True
    note: str | None = None
    reason: str | None = None
    feedback: str | None = None
    sore: bool = False
    loads: str | None = None
    created_at: datetime | None = None

    @classmethod
    def of(cls, row: dict[str, Any]) -> LoggedSession:
        return cls(**{name: row[name] for name in LOG_FIELDS if name in row})


LOG_FIELDS = tuple(field.name for field in fields(LoggedSession))


@dataclass(frozen=True)
class ExportData:
    """What /export sends, as read: the runner, and every table's rows of theirs."""

    runner: Runner
    rows: RunnerRows
    today: date
    now: datetime

    @cached_property
    def logs(self) -> list[LoggedSession]:
        """The log by day: built on first use, in the thread that builds the files."""
        return sorted(
            (LoggedSession.of(row) for row in self.rows.of(SessionLog)),
            key=lambda log: log.local_date,
        )

    @property
    def log_count(self) -> int:
        return len(self.rows.of(SessionLog))


@dataclass(frozen=True)
class PastSession:
    """One log with the session of its day: ``level``, ``minutes`` and ``items`` are None
    / empty when no session was on (race day) or the focus has no template."""

    log: LoggedSession
    level: int | None
    minutes: int | None
    items: tuple[SessionItem, ...]
    loads: dict[str, float]  # kilograms the runner said they used, by exercise id


async def read_export(session: AsyncSession, chat_id: int, now: datetime) -> ExportData | None:
    """The runner's data; None when they are not set up (nothing to export but a draft)."""
    rows = await export_reads.runner_rows(session, chat_id)
    found = rows.of(Runner)
    if not found:
        return None
    runner = Runner(**found[0])
    if not runner.onboarded:
        return None
    return ExportData(runner, rows, local_today(runner, now), now)


class TrainingWeeks:
    """``progression.training_week`` for one log asked about many days: the done days
    sorted once, and where each run of training (no break longer than ``BREAK_DAYS``)
    began, so each answer is a binary search instead of a pass over the whole log (that
    pass, once per day asked, made the export quadratic: 30 s for 3,000 logs).
    ``lighter`` and ``plyo`` are ``phases.is_lighter_week`` and ``plyo.plyo_allowed`` on
    it; ``tests/test_export.py`` checks the three give the coach's answers."""

    def __init__(self, entries: list[Entry]) -> None:
        self.done = sorted({entry.day for entry in entries if entry.status == LogStatus.DONE})
        self.run_start: list[date] = []
        for index, day in enumerate(self.done):
            starts = index == 0 or (day - self.done[index - 1]).days > BREAK_DAYS
            self.run_start.append(day if starts else self.run_start[-1])

    def week(self, day: date) -> int | None:
        before = bisect_left(self.done, day)
        if before == 0 or (day - self.done[before - 1]).days > BREAK_DAYS:
            return None
        start = self.run_start[before - 1]
        monday = start - timedelta(days=start.weekday())
        return (day - monday).days // 7 + 1

    def lighter(self, day: date, race_day: date | None, distance: str | None) -> bool:
        week = self.week(day)
        if week is None or week % LIGHTER_EVERY_WEEKS != 0:
            return False
        monday = day - timedelta(days=day.weekday())
        before = (monday - timedelta(days=back) for back in range(1, 8))
        return not any(race_phase(earlier, race_day, distance) is not None for earlier in before)

    def plyo(self, week: RunnerWeek, day: date) -> bool:
        weeks = self.week(day)
        if weeks is None or weeks <= BASE_WEEKS:
            return False
        return not key_run_soon(week, day)


def past_sessions(content: Content, data: ExportData) -> list[PastSession]:
    """Every log with its session rebuilt in one replay (see the module docstring). Pure;
    about linear in the log: call it off the event loop all the same."""
    runner = data.runner
    week = week_of(runner)
    coaching = coaching_of(runner)
    catalog = content.catalog
    kit = kit_for(week.equipment, week.pull_up_bar)
    entries: list[Entry] = [history_from([log], log.local_date)[0] for log in data.logs]
    if not entries:
        return []
    weeks = TrainingWeeks(entries)
    race_day, distance = coaching.race_day, coaching.race_distance

    @cache
    def lighter(day: date) -> bool:
        return weeks.lighter(day, race_day, distance)

    @cache
    def reduced(day: date) -> bool:
        """``phases.reduced_on``: a race phase or a lighter week."""
        return race_phase(day, race_day, distance) is not None or lighter(day)

    @cache
    def plyo(day: date) -> bool:
        return weeks.plyo(week, day)

    @cache
    def built(
        focus: Focus,
        level: int,
        fewer_sets: int,
        volume: float,
        rungs: tuple[tuple[str, int], ...],
        hops: bool,
    ) -> Session:
        """``build_session`` with the runner's kit, swaps and length: many days build
        the same session, and fitting it to the length is most of its cost."""
        full = build_session(
            catalog,
            focus,
            level,
            week.equipment,
            week.pull_up_bar,
            fewer_sets=fewer_sets,
            budget_minutes=coaching.budget_minutes,
            swaps=coaching.swaps,
            rungs=dict(rungs),
            plyo=hops,
        )
        if volume >= 1:
            return full
        # As session_on: fitted to the length whole, then each move's share of the work.
        items = tuple(SessionItem(i.exercise, scale_level(i.level, volume)) for i in full.items)
        return replace(full, items=items)

    replay = Replay(
        STARTING_LEVEL[week.experience],
        entries,
        entries[-1].day + timedelta(days=1),
        coaching.breaks,
        reduced,
    )
    done = iter(replay)
    pending = next(done, None)  # the next done session, with the level it was done at
    rungs: dict[str, Rung] = {}
    # After each done session: its day, every focus's level and every move's rung then
    # (a lighter week holds below the week before's: session_on's ``last_monday``).
    after_days: list[date] = []
    after_states: list[tuple[dict[Focus, int], dict[str, Rung]]] = []
    start = STARTING_LEVEL[week.experience]

    def then(day: date) -> tuple[dict[Focus, int], dict[str, Rung]]:
        index = bisect_left(after_days, day)
        return after_states[index - 1] if index else (dict.fromkeys(Focus, start), {})

    rebuilt: list[PastSession] = []
    for log, entry in zip(data.logs, entries, strict=True):
        was_done = pending is not None and pending[0] is entry
        # Skipped or moved: the level the focus stood at that day.
        level = pending[1] if pending is not None and was_done else replay.states[entry.focus].level
        day = entry.day
        lighter_week = race_phase(day, race_day, distance) is None and lighter(day)
        last_monday = day - timedelta(days=day.weekday() + 7)
        if lighter_week:  # never above the level the week before started at
            level = min(level, then(last_monday)[0][entry.focus])
        adjustment = adjust(
            entry.focus,
            level,
            lighter_week=lighter_week,
            phase=race_phase(day, race_day, distance),
            distance=distance,
        )
        at = adjustment.level
        moves = picked(catalog, adjustment.focus, at, kit, coaching.swaps, plyo=True)
        chosen = {move.id: rungs.get(move.id, Rung()).at(at, len(move.levels)) for move in moves}
        if lighter_week:
            earlier = then(last_monday)[1]
            for move in moves:
                was = earlier.get(move.id, Rung()).at(at, len(move.levels))
                chosen[move.id] = min(chosen[move.id], was)
        session = built(
            adjustment.focus,
            at,
            adjustment.fewer_sets,
            adjustment.volume,
            tuple(chosen.items()),
            plyo(day) and adjustment.phase is not RacePhase.RECOVERY,
        )
        loads = logs.loads_of(log.loads)
        rebuilt.append(PastSession(log, session.level, session.minutes, session.items, loads))
        if was_done:
            # The rungs move as rungs.rungs_on replays them: every move the session at
            # this level picks (hops only where they were allowed), by how it felt.
            for move in picked(catalog, entry.focus, level, kit, coaching.swaps, plyo=True):
                if move.kind == "plyo" and not plyo(day):
                    continue
                state = rungs.get(move.id, Rung())
                rungs[move.id] = after(state, level, len(move.levels), entry.feedback, reduced(day))
            pending = next(done, None)
            after_days.append(day)
            after_states.append(({f: replay.states[f].level for f in Focus}, dict(rungs)))
    return rebuilt
