"""Weights as the runner reads them: the target beside a loaded move's dose, the one-tap
row under "✅ Logged", and what was noted.

Stored in kilograms, shown in the runner's unit (``runners.weight_unit``): 61.235 kg is
"135 lb" to a runner in pounds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from telegram import InlineKeyboardButton

from bot.coach.loads import LoadTarget, from_kg, increment, next_weight, to_kg
from bot.content import Exercise, Texts
from bot.messages.callbacks import WeightButton


def amount_text(kg: float, unit: str, t: Texts | None = None) -> str:
    """A weight's number in ``unit``: "62.5", "60", "135" (no trailing ".0"); with the
    runner's ``t``, the locale's decimal mark ("62,5" in German, Russian, Spanish)."""
    value = round(from_kg(kg, unit), 1)
    if value >= 10_000:
        return str(round(value))
    return t.number(value, grouped=False) if t is not None else f"{value:g}"


def weight_text(t: Texts, kg: float, unit: str) -> str:
    return t("loads.weight", amount=amount_text(kg, unit, t), unit=t(f"loads.unit_{unit}"))


def target_text(t: Texts, target: LoadTarget, unit: str) -> str | None:
    """ "last time 60 kg → try 62.5 kg", "last time 60 kg → stay at 60 kg", or None when
    there is nothing to say."""
    if target.last_kg is None or target.next_kg is None:
        return None
    last = weight_text(t, target.last_kg, unit)
    following = weight_text(t, target.next_kg, unit)
    if amount_text(target.next_kg, unit) == amount_text(target.last_kg, unit) or (
        target.change == 0
    ):
        key = "loads.target_same"
    elif target.change is not None:
        key = "loads.target_up" if target.change > 0 else "loads.target_down"
    elif target.next_kg > target.last_kg:
        key = "loads.target_up"
    else:
        key = "loads.target_down"
    return t(key, last=last, next=following)


def weight_row(
    t: Texts,
    day: date,
    exercise: Exercise,
    target: LoadTarget,
    unit: str,
    names: Mapping[str, str] | None = None,
) -> tuple[str, list[InlineKeyboardButton]] | None:
    """The line and the "same 60 kg / more 62.5 / less 57.5" row for the first loaded move: the
    target, one step more, one step less (the kit's step, as the targets take it)."""
    if target.next_kg is None:
        return None
    kg = target.next_kg
    more = next_weight(exercise, kg, unit, up=True, down=False)
    if more == kg:  # a step is more than 10 %: one increment either way
        more = kg + to_kg(increment(exercise, kg, unit), unit)
    less = next_weight(exercise, kg, unit, up=False, down=True)
    if less == kg:
        less = kg - to_kg(increment(exercise, kg, unit), unit)
    weight = weight_text(t, kg, unit)
    buttons = [
        InlineKeyboardButton(
            t("loads.same_button", weight=weight), callback_data=_data(day, exercise, kg)
        )
    ]
    buttons.append(
        InlineKeyboardButton(
            t("loads.more_button", amount=amount_text(more, unit, t)),
            callback_data=_data(day, exercise, more),
        )
    )
    if less > 0:
        buttons.append(
            InlineKeyboardButton(
                t("loads.less_button", amount=amount_text(less, unit, t)),
                callback_data=_data(day, exercise, less),
            )
        )
    name = (names or {}).get(exercise.id, exercise.name)
    return t("loads.row_intro", name=name, target=weight), buttons


def _data(day: date, exercise: Exercise, kg: float) -> str:
    return WeightButton(day, exercise.id, round(kg * 1000)).pack()


def noted_text(
    t: Texts,
    told: Sequence[tuple[Exercise, float]],
    unit: str,
    names: Mapping[str, str] | None = None,
) -> str:
    """ "🏋️ Noted: Squat 60 kg, RDL 40 kg." — each move by the name the session gave it."""
    shown = names or {}
    items = [
        t("loads.noted_item", name=shown.get(e.id, e.name), weight=weight_text(t, kg, unit))
        for e, kg in told
    ]
    return t("loads.noted", list=t("loads.noted_join").join(items))
