"""The runner's "⇄ Swap" choices: which slot a shown exercise fills, what may replace it,
and how a choice changes the stored {template's exercise: chosen exercise} map.

Pure: the handler reads and writes the map, this module decides.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from bot.coach.session import Session, alternatives
from bot.coach.week import Equipment
from bot.content import MAX_LEVEL, Catalog, Exercise, kit_for

CODE_LENGTH = 8


def exercise_code(exercise_id: str) -> str:
    """A short, stable stand-in for an exercise id in callback data.

    Telegram allows 64 bytes of callback data; a day and two catalogue ids (up to 23
    characters today) come close to that, and a coach may add longer ids. The code is
    derived from the id alone, so it survives reordering and additions in the catalogue.
    """
    return hashlib.sha1(exercise_id.encode()).hexdigest()[:CODE_LENGTH]


def exercise_by_code(catalog: Catalog, code: str) -> Exercise | None:
    """The exercise behind a code; None for an unknown code (or, unlikely, a clash)."""
    found = [exercise for key, exercise in catalog.exercises.items() if exercise_code(key) == code]
    return found[0] if len(found) == 1 else None


def template_picks(
    catalog: Catalog, session: Session, equipment: Equipment, pull_up_bar: bool
) -> list[str]:
    """What the session's template gives this runner before any swap, slot by slot."""
    kit = kit_for(equipment, pull_up_bar)
    template = catalog.template_for(session.focus, min(session.level, MAX_LEVEL))
    picks = []
    for slot in template.slots:
        try:
            picks.append(catalog.pick(slot, kit).id)
        except KeyError:  # content checks at start rule this out; never crash a tap on it
            continue
    return picks


def origin_of(
    catalog: Catalog,
    session: Session,
    swaps: Mapping[str, str],
    equipment: Equipment,
    pull_up_bar: bool,
    shown_id: str,
) -> str:
    """The template's exercise behind one the session shows.

    Swaps are stored by the template's exercise, so swapping a move the runner chose
    earlier replaces the entry rather than chaining a second one on top of it.
    """
    shown = {item.exercise.id for item in session.items}
    for pick in template_picks(catalog, session, equipment, pull_up_bar):
        if swaps.get(pick) == shown_id and pick not in shown:
            return pick
    return shown_id


def swap_options(
    catalog: Catalog,
    session: Session,
    swaps: Mapping[str, str],
    equipment: Equipment,
    pull_up_bar: bool,
    shown_id: str,
) -> list[Exercise]:
    """What the runner may pick instead of a shown exercise: the template's own exercise
    first when the shown one is an earlier swap (the way back), then the alternatives."""
    original_id = origin_of(catalog, session, swaps, equipment, pull_up_bar, shown_id)
    found = alternatives(catalog, session, original_id, equipment, pull_up_bar)
    if original_id != shown_id and original_id in catalog.exercises:
        return [catalog.exercises[original_id], *found]
    return found


def with_swap(swaps: Mapping[str, str], original_id: str, chosen_id: str) -> dict[str, str]:
    """The map after choosing ``chosen_id`` for the template's ``original_id``: a new or
    replaced entry, or none at all when the runner goes back to the original."""
    updated = dict(swaps)
    if chosen_id == original_id:
        updated.pop(original_id, None)
    else:
        updated[original_id] = chosen_id
    return updated
