"""Building one session from the catalogue: the right moves for the runner's kit and level."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.coach.phases import scale_volume
from bot.coach.rungs import picked
from bot.coach.session_time import SessionItem, estimate_minutes, fit_to_budget
from bot.coach.week import Equipment, Focus
from bot.content import MAX_LEVEL, Catalog, Exercise, kit_for


@dataclass(frozen=True)
class Session:
    focus: Focus
    level: int
    items: tuple[SessionItem, ...]
    # The focus's warm-up (content/sessions.toml ``[warmups]``), counted in the minutes.
    warmup_minutes: int = 0
    warmup_moves: tuple[str, ...] = ()  # what the warm-up holds, as the runner reads it

    @property
    def minutes(self) -> int:
        return estimate_minutes(self.items, self.warmup_minutes)


def build_session(
    catalog: Catalog,
    focus: Focus,
    level: int,
    equipment: Equipment,
    pull_up_bar: bool,
    *,
    fewer_sets: int = 0,
    budget_minutes: int | None = None,
    swaps: dict[str, str] | None = None,
    rungs: Mapping[str, int] | None = None,
    plyo: bool = True,
    volume: float = 1.0,
) -> Session:
    """The session for a focus and level, with the runner's kit, swaps and time budget.

    Levels above the templates' range keep the top template and take the exercises'
    harder levels. Over the time budget the accessories go, last first, then sets; the
    main lift and the ``keep`` moves stay (``session_time.fit_to_budget``).
    """
    kit = kit_for(equipment, pull_up_bar)
    items: list[SessionItem] = []
    # The moves as the per-exercise rungs replay them (``rungs.picked``): one picking rule.
    for exercise in picked(catalog, focus, level, kit, swaps, plyo=plyo):
        rung = (rungs or {}).get(exercise.id, level)
        step = max(1, min(rung, len(exercise.levels))) - 1
        prescription = exercise.levels[step]
        sets = scale_volume(max(1, prescription.sets - fewer_sets), volume)
        if sets != prescription.sets:
            prescription = prescription.model_copy(update={"sets": sets})
        items.append(SessionItem(exercise=exercise, level=prescription))
    warmup = catalog.warmups.get(focus)
    warmup_minutes = warmup_within(warmup.minutes, budget_minutes) if warmup is not None else 0
    if budget_minutes is not None:
        items = fit_to_budget(items, budget_minutes, warmup_minutes)
    return Session(
        focus=focus,
        level=level,
        items=tuple(items),
        warmup_minutes=warmup_minutes,
        warmup_moves=tuple(warmup_names(catalog, warmup.moves)) if warmup is not None else (),
    )


# A short time limit keeps the warm-up short: a fifth of the limit, at least 2 minutes —
# a 10-minute limit with the full 5-minute warm-up came out at 12-13 minutes, as the main
# lift and the runner-specific moves at one set each did not fit beside it.
WARMUP_SHARE_OF_LIMIT = 5
MIN_WARMUP_MINUTES = 2


def warmup_within(minutes: int, budget_minutes: int | None) -> int:
    """The warm-up's minutes under the runner's time limit (all of them without one)."""
    if budget_minutes is None:
        return minutes
    return min(minutes, max(MIN_WARMUP_MINUTES, budget_minutes // WARMUP_SHARE_OF_LIMIT))


def warmup_names(catalog: Catalog, moves: list[str]) -> list[str]:
    """A warm-up's moves as the runner reads them: a catalogue exercise by its name, any
    other move (\"2 min brisk walk\") as the content writes it."""
    return [catalog.exercises[move].name if move in catalog.exercises else move for move in moves]


MAX_ALTERNATIVES = 4


def slot_reach(catalog: Catalog, slot: list[str]) -> frozenset[str]:
    """Every exercise a slot can end up as: its listed moves and their no-kit alternatives."""
    reach: set[str] = set()
    for exercise_id in slot:
        current = catalog.exercises.get(exercise_id)
        while current is not None and current.id not in reach:
            reach.add(current.id)
            current = catalog.exercises.get(current.alternative or "")
    return frozenset(reach)


def _slots(catalog: Catalog) -> list[tuple[list[int], frozenset[str]]]:
    """Each template slot as (the runner levels it serves, what it can end up as)."""
    return [
        (template.levels, slot_reach(catalog, slot))
        for template in catalog.templates
        for slot in template.slots
    ]


def template_levels(catalog: Catalog, exercise_id: str) -> frozenset[int]:
    """The runner levels at which the coach's own templates use this exercise."""
    return _levels_in(_slots(catalog), exercise_id)


def _levels_in(slots: list[tuple[list[int], frozenset[str]]], exercise_id: str) -> frozenset[int]:
    return frozenset(level for levels, reach in slots if exercise_id in reach for level in levels)


def fits_level(exercise: Exercise, level: int) -> bool:
    """The exercise has a step of its own for a runner at this level.

    The catalogue writes every exercise as a ladder, "level N for a runner at level N"
    (a level-1 mountain climber has the hands on a chair; a level-1 hanging knee raise
    is a dead hang), so a move whose ladder reaches the session's level is done at that
    level, never stuck on its top variant: that is "a similar level" for a swap.
    """
    return 1 <= level <= len(exercise.levels)


def template_distance(used: frozenset[int], level: int) -> int:
    """How far the templates' use of a move (``used`` levels) is from a session level;
    0 for a move no template uses. Nearer means the coach already gives it to runners at
    this level."""
    step = min(level, MAX_LEVEL)  # above the templates' range the top template serves
    return min((abs(used_level - step) for used_level in used), default=0)


def _kinship(
    slots: list[tuple[list[int], frozenset[str]]], exercise: Exercise, original: Exercise | None
) -> int:
    """0: the content pairs them through ``alternative``; 1: they fill the same template
    slot (the same role in a session, a row for a row); 2: only the focus is shared."""
    if original is None:
        return 2
    if original.alternative == exercise.id or exercise.alternative == original.id:
        return 0
    if any(exercise.id in reach and original.id in reach for _, reach in slots):
        return 1
    return 2


def alternatives(
    catalog: Catalog,
    session: Session,
    exercise_id: str,
    equipment: Equipment,
    pull_up_bar: bool,
    *,
    limit: int = MAX_ALTERNATIVES,
) -> list[Exercise]:
    """Moves that can stand in for ``exercise_id`` in this session, best first.

    A candidate has the session's focus, needs only the runner's kit, is not already in
    the session and fits the session's level (``fits_level``). Best first: the content's
    own pairing (``alternative``), then moves that fill the same template slot, then those
    the templates use nearest the session's level, then catalogue order — so a beginner
    sees the moves the coach gives beginners before the ones it saves for level 4.
    """
    kit = kit_for(equipment, pull_up_bar)
    original = catalog.exercises.get(exercise_id)
    in_session = {item.exercise.id for item in session.items}
    slots = _slots(catalog)
    ranked: list[tuple[int, int, int, Exercise]] = []
    for order, exercise in enumerate(catalog.exercises.values()):
        if (
            exercise.focus is not session.focus
            or exercise.id in in_session
            or exercise.id == exercise_id
            or not set(exercise.needs) <= kit
            or not fits_level(exercise, session.level)
        ):
            continue
        distance = template_distance(_levels_in(slots, exercise.id), session.level)
        ranked.append((_kinship(slots, exercise, original), distance, order, exercise))
    ranked.sort(key=lambda entry: entry[:3])
    chosen = [entry[3] for entry in ranked[:limit]]
    # A sore knee: legs always offer at least one move without a loaded knee bend.
    if session.focus is Focus.LEGS and chosen and not any(e.knee_friendly for e in chosen):
        gentle = next((entry[3] for entry in ranked[limit:] if entry[3].knee_friendly), None)
        if gentle is not None:
            chosen[-1] = gentle
    return chosen
