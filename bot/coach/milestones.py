"""Milestones: the moments the "done" reply celebrates, each once, at most one a day.

Which ones (issue 15, point 5):

- the **first** session done;
- **10, 25, 50 and 100** sessions done (``SESSION_COUNTS``);
- a **4, 8, 12, 26 and 52-week streak** (``STREAK_WEEKS``; the streak is
  ``bot.coach.streaks``' fair weekly streak);
- each **level-up** of a focus: the first session done at a level that focus was never
  done at before (key ``level:legs:5``).

When each is reached (``reached``): by the "done" that makes it true. A session count is
reached by the done that brings the total to the number; a streak by the done that
completes the week which brings the streak to the number (a streak only grows when a
week becomes full, so the check costs nothing on the other days); a level-up by the
**first session done at the new level**. Levels derive from the log
(``bot.coach.progression``): the level goes up when the feedback on the session before
says it felt fine, and the next session is *built* at the new level — so the reply to that
session's "done" is the first moment the runner has actually done the new level, and the
moment the reply can know it without guessing at feedback still to come. "Done at" is the
level the session message showed (``services.log_book.shown_level``, as /history lists it):
a lighter week holds a session at last week's level, so a level reached then is cheered on
the first session built at it (``level_up``). A level regained
after a step back (two "too hard", a break) is not a level-up: its key is stored already.

Only what a done makes true is reached: a runner who had 30 sessions when milestones came
in is not congratulated on their 10th; their next one is 50.

Once (``bot.store.milestones``): a milestone is stored when it is celebrated, with
``INSERT … ON CONFLICT DO NOTHING`` in the transaction that writes the done, and the
reply says it only if that insert landed. An undo leaves the row — the line was said —
so a redo, a restart, a double tap or a second instance never say it again.

One line a day (``decide``): two milestones reached by one done (the 10th session that
also completes a 4-week streak) would make a reply of cheers nobody reads. The most
notable one is celebrated and the others are **held** (stored without ``celebrated_at``),
to be celebrated on a later day whose done reaches nothing new — in the held one's own
words, naming the day it was reached (``late`` texts), so it stays true. And once a line
was celebrated on a local day, a second done that day (yesterday's session logged late,
or an undo and redo) celebrates nothing: what it reaches is held.

Notability (``Milestone.weeks``) is how long a milestone takes to earn at the plan's
typical 2-3 sessions a week (2.5: Blagrove et al. 2018, *Sports Med* 48:1117, the dose
the plan places): 100 sessions take ~40 weeks, so they rank between a 52- and a 26-week
streak; a streak ranks above the session count that takes as long, since consistency is
what the issue is about; a level-up takes two good sessions of its focus
(``progression.STEP_UP_AFTER``), about two weeks; the first session takes none.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from bot.coach.progression import Break, Entry, Reduced, Replay, never_reduced
from bot.coach.week import Focus

SESSION_COUNTS = (10, 25, 50, 100)
STREAK_WEEKS = (4, 8, 12, 26, 52)
# Sessions a week the plan typically places (2-3): turns a session count into weeks.
SESSIONS_PER_WEEK = 2.5
# Weeks a level-up takes: STEP_UP_AFTER (2) good sessions of one focus, about one a week.
LEVEL_UP_WEEKS = 2.0


class Kind(StrEnum):
    FIRST = "first"
    SESSIONS = "sessions"
    STREAK = "streak"
    LEVEL = "level"


@dataclass(frozen=True)
class Milestone:
    kind: Kind
    count: int = 1  # sessions, weeks, or the level reached
    focus: Focus | None = None  # a level-up's focus

    @property
    def key(self) -> str:
        """The stored key (``milestones.key``): unique per runner."""
        if self.kind is Kind.FIRST:
            return "first"
        if self.kind is Kind.LEVEL:
            assert self.focus is not None
            return f"level:{self.focus.value}:{self.count}"
        return f"{self.kind.value}:{self.count}"

    @property
    def weeks(self) -> float:
        """How long it takes to earn, in weeks: the more, the more notable."""
        if self.kind is Kind.FIRST:
            return 0.0
        if self.kind is Kind.SESSIONS:
            return self.count / SESSIONS_PER_WEEK
        if self.kind is Kind.STREAK:
            return float(self.count)
        return LEVEL_UP_WEEKS

    @property
    def rank(self) -> tuple[float, int]:
        """Sort key, most notable first: longer to earn; on a tie, a streak first."""
        return (-self.weeks, 0 if self.kind is Kind.STREAK else 1)


def from_key(key: str) -> Milestone | None:
    """The milestone a stored key names; None for a key this code does not know."""
    parts = key.split(":")
    try:
        if parts == ["first"]:
            return Milestone(Kind.FIRST)
        if len(parts) == 2 and parts[0] in (Kind.SESSIONS, Kind.STREAK):
            return Milestone(Kind(parts[0]), int(parts[1]))
        if len(parts) == 3 and parts[0] == Kind.LEVEL:
            return Milestone(Kind.LEVEL, int(parts[2]), Focus(parts[1]))
    except ValueError:
        return None
    return None


def most_notable(milestones: Iterable[Milestone]) -> list[Milestone]:
    return sorted(milestones, key=lambda m: m.rank)


@dataclass(frozen=True)
class LevelUp:
    """The level a session was done at, and the highest its focus was done at before
    (None: the first session of that focus)."""

    focus: Focus
    level: int
    best_before: int | None


def level_of_done(
    start: int,
    history: Sequence[Entry],
    day: date,
    focus: Focus,
    breaks: Sequence[Break] = (),
    reduced: Reduced = never_reduced,
) -> LevelUp | None:
    """The level of the session done on ``day`` (in ``history``) as progression built it,
    and the best level its focus was done at before, from the same replay /today uses."""
    replay = Replay(start, list(history), day + timedelta(days=1), breaks, reduced)
    best: int | None = None
    found: int | None = None
    for entry, level in replay:
        if entry.focus is not focus:
            continue
        if entry.day == day:
            found = level
            break
        best = level if best is None else max(best, level)
    return None if found is None else LevelUp(focus, found, best)


def earlier_levels(
    start: int,
    history: Sequence[Entry],
    day: date,
    focus: Focus,
    breaks: Sequence[Break] = (),
    reduced: Reduced = never_reduced,
) -> list[tuple[date, int]]:
    """Each session of ``focus`` done before ``day`` (in ``history``) with the level
    progression held then (``Replay``, as /today's replay). The level a session *showed*
    is never above it (a lighter week, the taper and race week only lower it:
    ``phases.adjust``), so a caller needs the shown level only of sessions whose held
    level is at least the one it compares with (``level_up``)."""
    replay = Replay(start, list(history), day, breaks, reduced)
    return [(entry.day, level) for entry, level in replay if entry.focus is focus]


def level_up(
    focus: Focus,
    level: int,
    earlier: Sequence[tuple[date, int]],
    shown_on: Callable[[date], int | None],
) -> LevelUp:
    """The done session's ``level`` (the one its message showed) against the best level
    its focus was *shown* at before: ``earlier`` (``earlier_levels``) bounds each earlier
    session's shown level from above, and ``shown_on`` gives the shown level of a day
    (``services.log_book.shown_level``), asked only where the bound could reach ``level``
    (a lighter week's sessions at the held level, mostly; once one showed ``level`` or
    more, ``best_before`` is at least ``level`` and no more are asked): a level-up is
    cheered on the first session really built at the new level, never on one held at the
    old one (helper T's finding: "New best: Legs level 6" on a lighter-week session shown
    at 5)."""
    best: int | None = None
    # Newest first: the first one shown at ``level`` or above settles it (no level-up),
    # so a runner at the top level costs one ``shown_on``, not one per session.
    for day, held in reversed(earlier):
        was = held
        if held >= level and (best is None or best < level):
            shown = shown_on(day)
            was = held if shown is None else shown
        best = was if best is None else max(best, was)
    return LevelUp(focus, level, best)


def reached(
    *,
    done_total: int,
    level: LevelUp | None = None,
    streak: int | None = None,
) -> list[Milestone]:
    """What one done makes true, most notable first. ``done_total``: sessions done ever,
    this one included; ``level``: the level it was done at; ``streak``: the streak in
    weeks when this done completed its week (None when it did not)."""
    found: list[Milestone] = []
    if done_total == 1:
        found.append(Milestone(Kind.FIRST))
    if done_total in SESSION_COUNTS:
        found.append(Milestone(Kind.SESSIONS, done_total))
    if streak is not None and streak in STREAK_WEEKS:
        found.append(Milestone(Kind.STREAK, streak))
    if level is not None and level.best_before is not None and level.level > level.best_before:
        found.append(Milestone(Kind.LEVEL, level.level, level.focus))
    return most_notable(found)


@dataclass(frozen=True)
class Stored:
    """A milestone row as ``decide`` needs it."""

    key: str
    reached_on: date
    celebrated_on: date | None  # the runner's local day it was celebrated; None: held


@dataclass(frozen=True)
class Decision:
    celebrate: Milestone | None = None
    reached_on: date | None = None  # the day the celebrated one was reached
    held_before: bool = False  # it was held: update its row, not insert one
    hold: tuple[Milestone, ...] = ()  # reached now, stored without a celebration


def decide(new: Sequence[Milestone], stored: Iterable[Stored], today: date) -> Decision:
    """Which one line today's reply carries (if any), and what is held for later.

    ``new``: what this done reached; ``stored``: the runner's milestone rows. Already
    stored keys are never celebrated again; once something was celebrated today nothing
    more is; else the most notable of the new ones and the held ones."""
    rows = {row.key: row for row in stored}
    fresh = [m for m in new if m.key not in rows]
    if any(row.celebrated_on == today for row in rows.values()):
        return Decision(hold=tuple(fresh))
    held = [
        m
        for row in rows.values()
        if row.celebrated_on is None and (m := from_key(row.key)) is not None
    ]
    ranked = most_notable([*fresh, *held])
    if not ranked:
        return Decision()
    top = ranked[0]
    was_held = top.key in rows
    return Decision(
        celebrate=top,
        reached_on=rows[top.key].reached_on if was_held else today,
        held_before=was_held,
        hold=tuple(m for m in fresh if m != top),
    )
