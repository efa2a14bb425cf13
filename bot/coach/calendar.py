"""The runner's effective strength calendar: the weekly plan plus what actually happened.

``plan.py`` places sessions in an ideal week. Real weeks go wrong: the runner skips a
session and moves it, misses one without a word, or pauses. Reminders, /today, /week and
"done" must all give the same answer to "is there a session on this date, and which?", so
it is computed here, purely, from the plan and a small history. Only what the runner did
is stored (logs, moves, pauses); re-offers are derived, so one history is one calendar.

Rules, in the order they are applied:

1. Planned: ``plan_for_date(week, day)`` on every date that is not paused.
2. Pauses and race day: no session of any origin on a paused day (so a paused day is
   never missed) or on the runner's race day (the race is that day's training).
3. Moves, in the order the runner made them: the session on ``from_day``, if it is still
   there with that focus, leaves it and lands on ``to_day`` as MOVED. The emptied day
   stays empty (its log, if any, belongs to the moved session). A move whose target no
   longer fits (rule 6 without the same-focus rule; only possible if the week changed or
   the store holds a move the coach never offered) is ignored and the session stays put.
   A move into a pause is honoured and the session is gone. A moved session is no miss.
4. Misses: a planned or moved session on a day before ``today``, not before
   ``History.since``, with no log that day. Any log counts, so a skipped session is no
   miss and is not re-offered.
5. Re-offers: every miss, earliest first, moves ONCE to the first suitable day (rule 6)
   within ``REOFFER_HORIZON_DAYS`` after it, as REOFFERED with ``from_day`` the missed
   day; with no such day it stays on its day, missed. A re-offered session that is missed
   or skipped again stays where it is and is never re-offered (no cascades). An earlier
   miss is placed first, so it wins a day two misses compete for.
6. A suitable day for a session of focus F coming from day s (moves and re-offers alike):
   not paused, not race day; no session and not emptied by a move; legs break no hard rule
   (``legs_blockers``); core/upper are not on the long-run day or a hard day; no other
   session the day before or after (s itself doesn't count: the session leaves it); no
   session of focus F after s and before the day, so F never comes twice in a row.
   ``move_target`` also wants a day with no log, after ``max(s, today - 1)`` and within
   its horizon; a re-offered session was already the second chance and cannot be moved.

Stability: a re-offer is judged against the moves and the earlier re-offers only, never
against ``today`` or later misses, so days before ``today`` never change as days pass.
(A new move or pause can still shift a re-offer: they are derived, not stored.)

Speed: asking for a few dates reads the plan a few days around them, not the whole
history. Re-offers chain only through nearby misses, so the computation starts at the
latest day no earlier miss can reach: with a real plan (never two sessions on adjacent
days) any session day is one, so that is at most about a week back. Moves are replayed in
full, which is cheap (a few a month); a store may pass recent ones only, since a move
changes only days near its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from bot.coach.phases import no_session
from bot.coach.plan import (
    BACK_TO_BACK,
    LIGHT_ON_HARD_DAY,
    LIGHT_ON_LONG_RUN,
    legs_blockers,
    plan_week,
    week_index_of,
)
from bot.coach.week import Focus, RunnerWeek

# A missed session is offered again at most this many days later: after that the week
# has moved on and the next planned session is the better thing to do.
REOFFER_HORIZON_DAYS = 3
# How far ahead ``move_target`` looks by default: a week, the plan's own rhythm.
MOVE_HORIZON_DAYS = 7
# Safety net for the look-back that finds where re-offers can start being computed; a
# real plan finds that day within a week, so this is never reached.
_LOOKBACK_LIMIT_DAYS = 56

# --- Rule ids, besides plan.py's (legs rules, back-to-back, core/upper days) ------------
PAUSED = "paused"
RACE_DAY = "race-day"
DAY_TAKEN = "day-taken"
DAY_VACATED = "day-vacated"  # a session was moved away from it
DAY_LOGGED = "day-logged"
SAME_FOCUS_TWICE = "same-focus-twice"
NOT_LATER = "not-later"  # a move goes forward, and never before today
ALREADY_REOFFERED = "already-reoffered"

_DAY = timedelta(days=1)


class Origin(StrEnum):
    PLANNED = "planned"
    MOVED = "moved"
    REOFFERED = "reoffered"


@dataclass(frozen=True)
class Slot:
    """One strength session on one date; ``from_day``: where a moved or re-offered one
    came from (the day it was moved from, or the day it was missed)."""

    day: date
    focus: Focus
    origin: Origin = Origin.PLANNED
    from_day: date | None = None


@dataclass(frozen=True)
class Move:
    """The runner tapped "move it to <to_day>"; ``focus`` guards against a changed plan."""

    from_day: date
    to_day: date
    focus: Focus


@dataclass(frozen=True)
class Pause:
    """Sessions stop from ``first``; ``until`` is the last paused day, None while open."""

    first: date
    until: date | None = None

    def covers(self, day: date) -> bool:
        return self.first <= day and (self.until is None or day <= self.until)


@dataclass(frozen=True)
class History:
    """What the store knows about one runner.

    ``logged`` maps the date of the session a log row is for to its status ("done",
    "skipped", ...; any status means "not missed"). ``moves`` are in the order the runner
    made them (sort store rows by creation). ``since`` is the first day misses
    count: the sign-up day, or the day the week last changed (the plan is recomputed for
    every date, so days before a change would show sessions the runner never had).
    """

    logged: Mapping[date, str] = field(default_factory=dict)
    moves: Sequence[Move] = ()
    pauses: Sequence[Pause] = ()
    since: date | None = None
    # Weeks unlike the usual one ("long run on Sunday this week"): the Monday of such a
    # week -> the runner's week as it is that week only. Every other week is the usual.
    weeks: Mapping[date, RunnerWeek] = field(default_factory=dict)
    # The runner's race: a day with no session, like a paused one.
    race_day: date | None = None


def week_for(week: RunnerWeek, history: History | None, day: date) -> RunnerWeek:
    """The runner's week as it is in ``day``'s week: the usual ``week``, unless the runner
    said that week is different (``History.weeks``)."""
    if history is None or not history.weeks:
        return week
    return history.weeks.get(day - timedelta(days=day.weekday()), week)


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += _DAY


def _week_blockers(week: RunnerWeek, weekday: int, focus: Focus) -> list[str]:
    """The plan's rules for one added session: hard legs rules, core/upper on easy days."""
    if focus == Focus.LEGS:
        return legs_blockers(week, weekday)
    if weekday == week.long_run_day:
        return [LIGHT_ON_LONG_RUN]
    if weekday in week.hard_days:
        return [LIGHT_ON_HARD_DAY]
    return []


def is_missed(slot: Slot, history: History, today: date) -> bool:
    """A session of a past day with no log, since coaching started.

    True for a missed re-offer as well; only planned and moved misses get re-offered.
    """
    return (
        slot.day < today
        and slot.day not in history.logged
        and (history.since is None or slot.day >= history.since)
    )


_View = Callable[[date], Slot | None]


class _Calendar:
    """One runner's calendar, worked out lazily around the dates asked for."""

    def __init__(self, week: RunnerWeek, history: History, today: date) -> None:
        self._week = week
        self._history = history
        self._today = today
        self._pauses = tuple(history.pauses)
        self._plans: dict[int, dict[int, Focus]] = {}
        self._planned: dict[date, Slot | None] = {}
        self._moved: dict[date, Slot | None] = {}  # overrides of the plan by moves
        self._vacated: set[date] = set()
        self._reoffers: dict[date, Slot] = {}
        self._reoffered_from: set[date] = set()
        self._rules: dict[tuple[int, int, Focus], list[str]] = {}
        self._settled = False
        self._apply_moves()

    def _paused(self, day: date) -> bool:
        return bool(self._pauses) and any(pause.covers(day) for pause in self._pauses)

    def fixed(self, day: date) -> Slot | None:
        """Rules 1-3: the plan, pauses and moves; everything re-offers are judged against."""
        if day in self._moved:
            return self._moved[day]
        if day not in self._planned:
            closed = self._paused(day) or no_session(day, self._history.race_day)
            focus = None if closed else self._plan_focus(day)
            self._planned[day] = None if focus is None else Slot(day, focus)
        return self._planned[day]

    def _plan_focus(self, day: date) -> Focus | None:
        """``plan_for_date``, one plan per week rather than one look-up per day."""
        index = week_index_of(day)
        if index not in self._plans:
            week = week_for(self._week, self._history, day)
            self._plans[index] = plan_week(week, index).sessions
        return self._plans[index].get(day.weekday())

    def at(self, day: date) -> Slot | None:
        """The effective session; only valid inside the window given to ``settle``."""
        if day in self._reoffers:
            return self._reoffers[day]
        if day in self._reoffered_from:
            return None
        return self.fixed(day)

    def broken(
        self, day: date, focus: Focus, source: date, view: _View, same_focus: bool = True
    ) -> Iterator[str]:
        """Rule 6: why ``day`` can't take a session of ``focus`` that leaves ``source``.

        Lazy, cheapest checks first, so "does it fit?" stops at the first broken rule.
        """
        if self._paused(day):
            yield PAUSED
        if no_session(day, self._history.race_day):  # the race and its eve
            yield RACE_DAY
        if view(day) is not None:
            yield DAY_TAKEN
        elif day in self._vacated:
            yield DAY_VACATED
        yield from self._week_rules(day, focus)
        if any(n != source and view(n) is not None for n in (day - _DAY, day + _DAY)):
            yield BACK_TO_BACK
        if same_focus and any(
            (other := view(between)) is not None and other.focus == focus
            for between in _days(source + _DAY, day - _DAY)
        ):
            yield SAME_FOCUS_TWICE

    def fits(
        self, day: date, focus: Focus, source: date, view: _View, same_focus: bool = True
    ) -> bool:
        return next(self.broken(day, focus, source, view, same_focus), None) is None

    def _week_rules(self, day: date, focus: Focus) -> list[str]:
        week = week_for(self._week, self._history, day)
        key = (week_index_of(day) if week is not self._week else -1, day.weekday(), focus)
        if key not in self._rules:
            self._rules[key] = _week_blockers(week, day.weekday(), focus)
        return self._rules[key]

    def _apply_moves(self) -> None:
        """Rule 3, in the order the moves were made, as each was checked when offered."""
        for move in self._history.moves:
            here = self.fixed(move.from_day)
            if move.to_day == move.from_day or here is None or here.focus != move.focus:
                continue
            if self._paused(move.to_day):
                landed = None
            elif self.fits(move.to_day, here.focus, move.from_day, self.fixed, same_focus=False):
                landed = Slot(move.to_day, here.focus, Origin.MOVED, move.from_day)
            else:
                continue
            self._moved[move.from_day] = None
            self._vacated.add(move.from_day)
            if landed is not None:
                self._moved[move.to_day] = landed

    def _miss(self, day: date) -> Slot | None:
        slot = self.fixed(day)
        return slot if slot is not None and is_missed(slot, self._history, self._today) else None

    def _is_cut(self, day: date) -> bool:
        """No miss before ``day`` can be re-offered on ``day`` or later.

        Judged against rules 1-3 alone: re-offers only take days away, so a day unsuitable
        without them is unsuitable with them. From such a day on, re-offers come out the
        same however much earlier history is looked at.
        """
        horizon = timedelta(days=REOFFER_HORIZON_DAYS)
        for missed_day in _days(day - horizon, day - _DAY):
            missed = self._miss(missed_day)
            if missed is not None and any(
                self.fits(d, missed.focus, missed_day, self.fixed)
                for d in _days(day, missed_day + horizon)
            ):
                return False
        return True

    def settle(self, first: date, last: date) -> None:
        """Rules 4-5: place the re-offers that land in, or leave from, ``first``..``last``."""
        assert not self._settled, "a calendar is settled once"
        self._settled = True
        horizon = timedelta(days=REOFFER_HORIZON_DAYS)
        start = first - horizon
        for _ in range(_LOOKBACK_LIMIT_DAYS):
            if self._is_cut(start):
                break
            start -= _DAY
        for missed_day in _days(start, min(last, self._today - _DAY)):
            missed = self._miss(missed_day)
            if missed is None:
                continue
            for day in _days(missed_day + _DAY, missed_day + horizon):
                if self.fits(day, missed.focus, missed_day, self.at):
                    self._reoffers[day] = Slot(day, missed.focus, Origin.REOFFERED, missed_day)
                    self._reoffered_from.add(missed_day)
                    break

    def move_blockers(self, slot: Slot, day: date) -> list[str]:
        broken: list[str] = []
        if slot.origin == Origin.REOFFERED:
            broken.append(ALREADY_REOFFERED)
        if day <= max(slot.day, self._today - _DAY):
            broken.append(NOT_LATER)
        broken.extend(self.broken(day, slot.focus, slot.day, self.at))
        if day in self._history.logged:
            broken.append(DAY_LOGGED)
        return broken


def slots_between(
    week: RunnerWeek, first: date, last: date, history: History, today: date
) -> list[Slot]:
    """Every session from ``first`` to ``last`` inclusive, in date order."""
    if last < first:
        return []
    calendar = _Calendar(week, history, today)
    calendar.settle(first, last)
    return [slot for day in _days(first, last) if (slot := calendar.at(day)) is not None]


def slot_on(week: RunnerWeek, day: date, history: History, today: date) -> Slot | None:
    """The session on ``day``, if any: what reminders, /today and "done" go by."""
    calendar = _Calendar(week, history, today)
    calendar.settle(day, day)
    return calendar.at(day)


def move_blockers(
    week: RunnerWeek, slot: Slot, day: date, history: History, today: date
) -> list[str]:
    """Rule ids that keep ``slot`` from moving to ``day``; empty means it may go there.

    Lets the coach say why a day the runner picked won't do (plan.py's ids for the week
    rules, this module's for the rest).
    """
    calendar = _Calendar(week, history, today)
    calendar.settle(min(slot.day, day - _DAY), max(slot.day, day + _DAY))
    return calendar.move_blockers(slot, day)


def move_target(
    week: RunnerWeek,
    slot: Slot,
    history: History,
    today: date,
    horizon_days: int = MOVE_HORIZON_DAYS,
) -> date | None:
    """First day after ``max(slot.day, today - 1)``, within ``horizon_days``, it can move to.

    So a session skipped today goes tomorrow at the earliest, one from a past day can go
    today. The caller records the answer as ``Move(slot.day, day, slot.focus)``. None
    when no day within the horizon keeps the rules, typically because the next session
    of the same focus comes first: then that session is the one to do (``move_blockers``
    says why for each day).
    """
    if slot.origin == Origin.REOFFERED:
        return None
    after = max(slot.day, today - _DAY)
    last = after + timedelta(days=horizon_days)
    calendar = _Calendar(week, history, today)
    calendar.settle(slot.day, last + _DAY)
    for day in _days(after + _DAY, last):
        broken = calendar.move_blockers(slot, day)
        if not broken:
            return day
        if SAME_FOCUS_TWICE in broken:
            return None  # every later day comes after that session too
    return None
