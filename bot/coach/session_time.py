"""How long a session takes, and how it is cut to the runner's time limit.

``Session.minutes`` and the trimming to ``/settings``' session length both live here, so
the estimate the runner reads and the one the trimming obeys are the same number.

The estimate counts what a session really holds (issue 13: gym level-6 legs said 52 min for
what takes 65-75 min): the warm-up, about 3 s a rep plus any slow tempo, both sides of a
per-side set and the switch between them, the rest between sets, setting up each
exercise (a barbell longer), and the ramp-up sets before the first heavy lift
(Haff & Triplett 2016, NSCA *Essentials*: 2-4 progressively heavier warm-up sets before a
heavy working set).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from bot.content import Exercise, Level

SECONDS_PER_REP = 3  # a controlled rep, up and down
SECONDS_PER_CONTACT = 1  # a hop, skip or bound: a plyometric rep is one ground contact
SIDE_SWITCH_SECONDS = 10  # a per-side set: swap legs or arms, find the position again
SETUP_SECONDS = 45  # walk to the next move, pick up the weight, get set
BARBELL_SETUP_SECONDS = 120  # load the bar, set the rack and pins, unload after
# The ramp-up before the first heavy loaded lift: empty bar x 8, half x 5, 3/4 x 3 with the
# plates changed in between (dumbbells: a lighter pair, two sets).
BARBELL_RAMP_UP_SECONDS = 240
RAMP_UP_SECONDS = 90
# "Heavy": a loaded set ending with at most this many reps in reserve (RIR 1-2, about
# 85-90 % of 1RM for sets of 3-6; Helms et al. 2016). Ramp-up sets come before such a lift.
HEAVY_RIR = 2
# Trimming: a session cut below this share of the budget takes back what fits.
FLOOR_SHARE = 0.8


@dataclass(frozen=True)
class SessionItem:
    exercise: Exercise
    level: Level


def barbell(exercise: Exercise) -> bool:
    """Done with a gym's barbell (loading plates, safety pins)."""
    return "gym" in exercise.needs


def heavy(item: SessionItem) -> bool:
    """A loaded move done heavy: the sets end near failure (``HEAVY_RIR``)."""
    level = item.level
    return level.load and level.rir is not None and level.rir <= HEAVY_RIR


def ramps_up(item: SessionItem) -> bool:
    """A heavy two-legged (or two-armed) strength lift: a squat, a deadlift, a press. Its
    first working set needs ramp-up sets; a heavy single-leg move or a calf raise later in
    the session starts warm from the lifts and the warm-up before it."""
    return heavy(item) and item.exercise.kind == "strength" and not item.level.per_side


def first_heavy(items: tuple[SessionItem, ...] | list[SessionItem]) -> int | None:
    """Index of the first heavy lift that ramps up (``ramps_up``)."""
    return next((index for index, item in enumerate(items) if ramps_up(item)), None)


def work_seconds(item: SessionItem) -> int:
    """One set's work: the hold, or the reps at ~3 s plus the rung's tempo (a plyometric
    rep is a ground contact, ~1 s), both sides and the switch for a per-side set."""
    level = item.level
    if level.seconds is not None:
        per_side = level.seconds
    elif item.exercise.kind == "plyo":
        per_side = (level.reps or 0) * SECONDS_PER_CONTACT
    else:
        per_side = (level.reps or 0) * (SECONDS_PER_REP + level.tempo)
    if level.per_side:
        return 2 * per_side + SIDE_SWITCH_SECONDS
    return per_side


def item_seconds(item: SessionItem) -> int:
    """An exercise from setting up to its last set: set-up, the sets, rest between them."""
    sets = item.level.sets
    setup = BARBELL_SETUP_SECONDS if barbell(item.exercise) else SETUP_SECONDS
    return setup + sets * work_seconds(item) + (sets - 1) * item.level.rest


def ramp_up_seconds(items: tuple[SessionItem, ...] | list[SessionItem]) -> int:
    index = first_heavy(items)
    if index is None:
        return 0
    return BARBELL_RAMP_UP_SECONDS if barbell(items[index].exercise) else RAMP_UP_SECONDS


def estimate_seconds(
    items: tuple[SessionItem, ...] | list[SessionItem], warmup_minutes: int = 0
) -> int:
    return warmup_minutes * 60 + sum(item_seconds(item) for item in items) + ramp_up_seconds(items)


def estimate_minutes(items: tuple[SessionItem, ...], warmup_minutes: int = 0) -> int:
    """Warm-up, every exercise's set-up, sets and rest, and the ramp-up, rounded up."""
    return max(1, math.ceil(estimate_seconds(items, warmup_minutes) / 60))


def _minutes(items: list[SessionItem], warmup_minutes: int) -> int:
    return estimate_minutes(tuple(items), warmup_minutes)


def _with_sets(item: SessionItem, sets: int) -> SessionItem:
    return SessionItem(item.exercise, item.level.model_copy(update={"sets": sets}))


# What a session under a time limit gives up first: hops and mobility.
EXTRAS = ("plyo", "mobility")


def protected(index: int, item: SessionItem) -> bool:
    """Kept whatever the time limit: the main lift (first) and runner-specific work
    (``keep``: calves, hips, adductors, tendons — the moves that cut running injuries;
    Lauersen et al. 2014, strength training RR ≈ 0.32)."""
    return index == 0 or item.exercise.keep


def fit_to_budget(
    items: list[SessionItem], budget_minutes: int, warmup_minutes: int = 0
) -> list[SessionItem]:
    """The session cut to ``budget_minutes``, keeping what matters.

    1. Extras go first, last first: hops and mobility.
    2. Then every move above two sets loses a set, the longest first: two sets of the
       hinge and the single-leg move do more for a runner than none (the tester's 30-minute
       limit dropped the Romanian deadlift to keep three sets of hip raises).
    3. Then the other accessories (neither the main lift nor a ``keep`` move) go, last first.
    4. Then a set comes off the longest exercise, one at a time.
    3. Cut below ``FLOOR_SHARE`` of the budget, a dropped move comes back with as many of
       its sets as fit (the earliest first), then cut sets come back: a 10-minute limit
       is a 8-10 minute session, not a 4-minute one.
    Over the budget only when the main lift and the keep moves at one set each are.
    """
    full = list(items)
    kept: dict[int, SessionItem] = dict(enumerate(full))

    def current() -> list[SessionItem]:
        return [kept[index] for index in sorted(kept)]

    def over() -> bool:
        return _minutes(current(), warmup_minutes) > budget_minutes

    def drop(may_go: Callable[[int, SessionItem], bool]) -> None:
        for index in reversed(range(len(full))):
            if not over():
                return
            if index in kept and may_go(index, full[index]):
                del kept[index]

    def cut_sets(down_to: int) -> None:
        while over():
            cuttable = [index for index in kept if kept[index].level.sets > down_to]
            if not cuttable:
                return
            longest = max(cuttable, key=lambda index: (item_seconds(kept[index]), -index))
            kept[longest] = _with_sets(kept[longest], kept[longest].level.sets - 1)

    # The core move of a legs session is no extra: the week's core work is built in.
    drop(
        lambda index, item: (
            item.exercise.kind in ("plyo", "mobility") and not protected(index, item)
        )
    )
    cut_sets(2)
    drop(lambda index, item: not protected(index, item))
    cut_sets(1)
    if over() or _minutes(current(), warmup_minutes) >= FLOOR_SHARE * budget_minutes:
        return current()
    for index, item in enumerate(full):
        if index in kept:
            continue
        for sets in range(item.level.sets, 0, -1):
            kept[index] = _with_sets(item, sets)
            if not over():
                break
            del kept[index]
    for index in sorted(kept):
        while kept[index].level.sets < full[index].level.sets:
            kept[index] = _with_sets(kept[index], kept[index].level.sets + 1)
            if over():
                kept[index] = _with_sets(kept[index], kept[index].level.sets - 1)
                break
    return current()
