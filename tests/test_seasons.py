"""Twelve-week seasons for three runners: progression, lighter weeks and the taper."""

from __future__ import annotations

from itertools import pairwise

from bot.coach.season import EXAMPLES, SEASON_START, simulate, table
from bot.coach.week import Focus
from bot.content import load_content

CATALOG = load_content().catalog
BEGINNER, INTERMEDIATE, RACER = EXAMPLES


def levels(week, focus: Focus) -> list[int]:  # type: ignore[no-untyped-def]
    return [plan.session.level for plan in week.sessions if plan.session.focus is focus]


def test_the_beginner_starts_small_and_builds_up_gradually() -> None:
    season = simulate(CATALOG, BEGINNER, SEASON_START)
    assert all(len(week.sessions) == 2 for week in season)
    first = season[0].sessions
    assert {plan.session.level for plan in first} == {1}  # start small
    assert all(plan.session.minutes <= 15 for plan in first)
    legs = [level for week in season for level in levels(week, Focus.LEGS)]
    assert legs == sorted(legs) and legs[-1] > legs[0]  # never down without cause
    steps = [later - earlier for earlier, later in pairwise(legs)]
    assert max(steps) == 1  # one level at a time
    assert [week.number for week in season if week.lighter] == [4, 8, 12]
    for week in season:
        if week.lighter:
            previous = season[week.number - 2]
            assert sum(p.session.minutes for p in week.sessions) < sum(
                p.session.minutes for p in previous.sessions
            )


def test_two_too_hard_legs_sessions_step_legs_back_but_nothing_else() -> None:
    season = simulate(CATALOG, INTERMEDIATE, SEASON_START)
    assert all(len(week.sessions) == 3 for week in season)
    assert all({plan.session.focus for plan in week.sessions} == set(Focus) for week in season)
    legs_by_week = [levels(week, Focus.LEGS)[0] for week in season]
    core_by_week = [levels(week, Focus.CORE)[0] for week in season]
    assert legs_by_week[7] == legs_by_week[6] - 1  # week 8, after weeks 6 and 7
    assert core_by_week == sorted(core_by_week)
    assert legs_by_week[-1] > legs_by_week[7]  # and builds up again


def test_the_racer_tapers_races_and_restarts_gently() -> None:
    season = simulate(CATALOG, RACER, SEASON_START)
    phases = {week.number: week.phase for week in season}
    assert phases[9] == "taper" and phases[10] == "race_week" and phases[11] == "recovery"
    assert all(phases[n] is None for n in range(1, 9))
    legs = {week.number: levels(week, Focus.LEGS) for week in season}
    assert legs[9][0] < legs[8][0]  # no heavy legs in the taper
    assert legs[10] == []  # race week: core only
    assert {plan.session.focus for plan in season[9].sessions} == {Focus.CORE}
    assert all(plan.session.level <= 2 for plan in season[9].sessions)
    sets = {
        n: sum(item.level.sets for plan in season[n - 1].sessions for item in plan.session.items)
        for n in (7, 9, 10, 11)
    }
    assert sets[9] < sets[7] and sets[10] < sets[9] and sets[11] < sets[7]


def test_the_printed_table_has_a_row_per_week() -> None:
    season = simulate(CATALOG, RACER, SEASON_START)
    printed = table(RACER, season)
    rows = [
        line
        for line in printed.splitlines()
        if line.split("|")[1:2] and line.split("|")[1].strip().isdigit()
    ]
    assert len(rows) == 12
    assert "race_week" in printed and "taper" in printed
