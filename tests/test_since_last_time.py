""" "Since last time" compares with the last session of the focus as it was shown that day
(re-test: after a lighter week the line said "Bulgarian split squat -1 rep" while both
sessions showed 2 x 5): every rung in ``DayPlan.previous`` is the rung that day held."""

from __future__ import annotations

import pytest

from bot.coach import season
from bot.coach.day import DayPlan
from bot.content import load_content

CATALOG = load_content().catalog


@pytest.mark.parametrize("runner", season.EXAMPLES, ids=lambda runner: runner.name[:24])
def test_the_previous_session_is_the_one_that_day_showed(runner: season.Runner) -> None:
    plans: list[DayPlan] = [
        plan
        for week in season.simulate(CATALOG, runner, season.SEASON_START)
        for plan in week.sessions
    ]
    compared = 0
    for index, plan in enumerate(plans):
        if plan.previous is None:
            continue
        shown = next(
            (
                earlier
                for earlier in reversed(plans[:index])
                if earlier.session.focus is plan.session.focus
            ),
            None,
        )
        assert shown is not None
        held = {item.exercise.id: item.level for item in shown.session.items}
        for item in plan.previous.items:
            if item.exercise.id not in held:
                continue
            then = held[item.exercise.id]
            # The same rung (sets aside: today's share of them is applied to both).
            assert (item.level.variant, item.level.load) == (then.variant, then.load)
            if not (plan.adjustment.volume < 1 or shown.adjustment.volume < 1):
                assert (item.level.reps, item.level.seconds) == (then.reps, then.seconds)
            compared += 1
    assert compared > 20
