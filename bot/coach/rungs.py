"""Which rung of its ladder each exercise is done at: per exercise, from the log.

A focus level says how hard a session is; an exercise's rung is capped by what the runner
has done *with that exercise*:

- a move never done before starts at rung 1 whatever the level: a first-ever back squat
  is not "moderate 4 x 5", a first Copenhagen plank is on the knee (ACSM 2009: progress
  gradually; loads in 2-10 % steps, and a new movement is learned before it is loaded);
- below its level's rung it climbs faster — each session with it the runner said felt
  right +1 rung, "easy" +2 — until it reaches min(level, ladder length); from then on it
  follows the focus level (``bot.coach.progression``);
- "hard" holds; two "too hard" in a row give one rung back; no answer and a reduced
  session (taper, race week, recovery, lighter week) count for nothing, as for levels.

Which exercises a past session held: the log is replayed once, in order, with the focus
level of each session as it was done (``progression.Replay``) and the same template, kit,
swap and plyometrics picking as ``bot.coach.session.build_session``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.coach.plyo import plyo_allowed
from bot.coach.progression import (
    STEP_BACK_AFTER,
    Break,
    Entry,
    Feedback,
    Reduced,
    Replay,
    never_reduced,
)
from bot.coach.week import STARTING_LEVEL, Focus, RunnerWeek
from bot.content import MAX_LEVEL, Catalog, Exercise, kit_for

FIRST_RUNG = 1
RIGHT_STEP = 1  # rungs up after a session that felt right
EASY_STEP = 2  # … and after one that felt easy


@dataclass(frozen=True)
class Rung:
    """One exercise's place on its ladder: ``rung`` until it catches up with the level,
    then ``follows`` the level."""

    rung: int = FIRST_RUNG
    follows: bool = False
    too_hard_run: int = 0

    def at(self, level: int, ladder: int) -> int:
        """The rung done in a session at ``level`` on a ladder of ``ladder`` rungs."""
        cap = max(FIRST_RUNG, min(level, ladder))
        return cap if self.follows else min(self.rung, cap)


def after(state: Rung, level: int, ladder: int, feedback: Feedback | None, reduced: bool) -> Rung:
    """The exercise's rung after a session at ``level`` with it, as the runner felt it."""
    held = state.at(level, ladder)
    cap = max(FIRST_RUNG, min(level, ladder))
    if feedback is Feedback.TOO_HARD:
        run = state.too_hard_run + 1
        if run < STEP_BACK_AFTER:
            return Rung(held, state.follows, run)
        # Following the level: the focus level steps back itself on the same two answers.
        return Rung(held, True, 0) if state.follows else Rung(max(FIRST_RUNG, held - 1))
    if feedback is None:
        return Rung(held, state.follows, state.too_hard_run)
    if feedback is Feedback.HARD or reduced:
        return Rung(held, state.follows)
    climbed = held + (EASY_STEP if feedback is Feedback.EASY else RIGHT_STEP)
    return Rung(min(climbed, cap), follows=state.follows or climbed >= cap)


def picked(
    catalog: Catalog,
    focus: Focus,
    level: int,
    kit: frozenset[str],
    swaps: dict[str, str] | None,
    plyo: bool | None = True,
) -> list[Exercise]:
    """The exercises a session of ``focus`` at ``level`` holds, picked as
    ``build_session`` picks them (``plyo`` None: plyometric moves are left out too)."""
    template = catalog.template_for(focus, min(level, MAX_LEVEL))
    chosen: list[Exercise] = []
    used: set[str] = set()
    for slot in template.slots:
        exercise = catalog.pick(slot, kit)
        swap = (swaps or {}).get(exercise.id)
        if swap in catalog.exercises and swap not in used:
            candidate = catalog.exercises[swap]
            if candidate.focus is focus and set(candidate.needs) <= kit:
                exercise = candidate
        if exercise.id in used or (exercise.kind == "plyo" and not plyo):
            continue
        used.add(exercise.id)
        chosen.append(exercise)
    return chosen


def rungs_on(
    catalog: Catalog,
    week: RunnerWeek,
    history: list[Entry],
    day: date,
    focus: Focus,
    level: int,
    swaps: dict[str, str] | None = None,
    *,
    start: int | None = None,
    breaks: Sequence[Break] = (),
    reduced: Reduced = never_reduced,
) -> dict[str, int]:
    """Exercise id -> the rung (1-based) a session of ``focus`` at ``level`` on ``day``
    does it at, for every exercise of that session's template (plyometrics included).

    ``start``, ``breaks`` and ``reduced`` are the ones the focus levels come from
    (``progression.levels_on``); ``start`` defaults to the runner's experience."""
    kit = kit_for(week.equipment, week.pull_up_bar)
    first = STARTING_LEVEL[week.experience] if start is None else start
    states: dict[str, Rung] = {}
    for entry, done_at in Replay(first, history, day, breaks, reduced):
        moves = picked(catalog, entry.focus, done_at, kit, swaps, plyo=True)
        if any(exercise.kind == "plyo" for exercise in moves):
            if not plyo_allowed(week, history, entry.day):
                moves = [exercise for exercise in moves if exercise.kind != "plyo"]
        is_reduced = reduced(entry.day)
        for exercise in moves:
            ladder = len(exercise.levels)
            state = states.get(exercise.id, Rung())
            states[exercise.id] = after(state, done_at, ladder, entry.feedback, is_reduced)
    today = picked(catalog, focus, level, kit, swaps, plyo=True)
    return {
        exercise.id: states.get(exercise.id, Rung()).at(level, len(exercise.levels))
        for exercise in today
    }
