"""Twelve-week seasons for six runners: progression, lighter weeks, the taper, the
week's dose, and the summary the season tool prints.

Other parts of the coach (content, progression, the taper) keep changing, so these
tests assert properties of the simulated seasons, not numbers.
"""

from __future__ import annotations

from itertools import pairwise

import pytest

from bot.coach.plan import legal_legs_days, two_legs_possible
from bot.coach.season import (
    BEGINNER,
    EXAMPLES,
    GYM,
    INTERMEDIATE,
    MARATHONER,
    NO_FEEDBACK,
    RACER,
    SEASON_START,
    Runner,
    Week,
    cell,
    main,
    rung_of,
    session_contacts,
    simulate,
    summarize,
    summary_table,
    table,
)
from bot.coach.session_time import SessionItem
from bot.coach.week import Focus
from bot.content import load_content

CATALOG = load_content().catalog
SEASONS = {runner.name: simulate(CATALOG, runner, SEASON_START) for runner in EXAMPLES}
BY_NAME = pytest.mark.parametrize("runner", EXAMPLES, ids=lambda r: r.name.split(",")[0])


def season_of(runner: Runner) -> list[Week]:
    return SEASONS[runner.name]


def levels(week: Week, focus: Focus) -> list[int]:
    return [plan.session.level for plan in week.sessions if plan.session.focus is focus]


def week_rows(printed: str) -> list[list[str]]:
    return [
        [part.strip() for part in line.split("|")[1:-1]]
        for line in printed.splitlines()
        if line.split("|")[1:2] and line.split("|")[1].strip().isdigit()
    ]


def test_six_runners_with_the_new_three() -> None:
    assert len(EXAMPLES) == 6
    assert {NO_FEEDBACK, GYM, MARATHONER} <= set(EXAMPLES)  # hashable: frozen, tuples
    assert MARATHONER.race_distance == "marathon" and MARATHONER.race_week == 10
    assert GYM.week.sessions_per_week == 3 and GYM.week.pull_up_bar and GYM.logs_weights


def test_the_beginner_starts_small_and_builds_up_gradually() -> None:
    season = season_of(BEGINNER)
    assert all(len(week.sessions) == 2 for week in season)
    first = season[0].sessions
    assert {plan.session.level for plan in first} == {1}  # start small
    assert all(rung_of(item) == 1 for plan in first for item in plan.session.items)
    legs = [level for week in season for level in levels(week, Focus.LEGS)]
    assert legs[-1] > legs[0]
    assert max(later - earlier for earlier, later in pairwise(legs)) <= 1  # a level at a time
    lighter = [week.number for week in season if week.lighter]
    assert lighter
    for number in lighter:
        before, this = season[number - 2], season[number - 1]
        assert sum(p.session.minutes for p in this.sessions) < sum(
            p.session.minutes for p in before.sessions
        )


def test_two_too_hard_legs_sessions_step_legs_back_but_nothing_else() -> None:
    season = season_of(INTERMEDIATE)
    assert all(len(week.sessions) == 3 for week in season)
    week6, week8 = levels(season[5], Focus.LEGS), levels(season[7], Focus.LEGS)
    assert max(week8) < max(week6)  # weeks 6 and 7 felt too hard
    upper = [level for week in season for level in levels(week, Focus.UPPER)]
    assert upper == sorted(upper)  # upper body was fine: never down
    assert levels(season[-1], Focus.LEGS)[0] > min(week8)  # and legs build up again


def test_the_racer_tapers_and_races() -> None:
    season = season_of(RACER)
    phases = {week.number: week.phase for week in season}
    assert phases[9] == "taper" and phases[10] == "race_week" and phases[11] == "recovery"
    assert all(phases[n] is None for n in range(1, 9))
    race_day = SEASON_START.toordinal() + 9 * 7 + 6
    assert all(p.day.toordinal() != race_day for p in season[9].sessions)
    sets = {
        n: sum(item.level.sets for plan in season[n - 1].sessions for item in plan.session.items)
        for n in (7, 10)
    }
    assert sets[10] < sets[7]


def test_the_marathoner_races_on_sunday_of_week_ten_with_a_taper_before() -> None:
    season = season_of(MARATHONER)
    phases = [week.phase for week in season]
    assert phases[9] == "race_week" and "taper" in phases[:9]
    race_day = season[9].monday.toordinal() + 6
    assert all(plan.day.toordinal() != race_day for plan in season[9].sessions)


@BY_NAME
def test_lower_body_is_at_least_half_of_the_work_where_the_week_has_room(runner: Runner) -> None:
    """Blagrove et al. 2018: lower-body strength 2-3 times a week."""
    if runner.week.sessions_per_week < 2 or not two_legs_possible(legal_legs_days(runner.week)):
        pytest.skip("no room for two leg sessions")
    summary = summarize(season_of(runner))
    assert summary.legs_share_sessions >= 0.5
    assert summary.legs_share_minutes >= 0.5
    assert summary.sessions[Focus.LEGS] >= summary.sessions[Focus.UPPER]
    normal = [w for w in season_of(runner) if w.phase is None and not w.lighter]
    assert all(len(levels(week, Focus.LEGS)) >= 2 for week in normal)


@BY_NAME
def test_the_summary_agrees_with_the_simulated_sessions(runner: Runner) -> None:
    season = season_of(runner)
    summary = summarize(season)
    plans = [plan for week in season for plan in week.sessions]
    assert sum(summary.sessions.values()) == len(plans)
    for focus in Focus:
        assert summary.sessions[focus] == sum(p.session.focus is focus for p in plans)
    assert summary.legs_share_sessions == pytest.approx(summary.sessions[Focus.LEGS] / len(plans))
    legs_minutes = sum(p.session.minutes for p in plans if p.session.focus is Focus.LEGS)
    assert summary.legs_share_minutes == pytest.approx(
        legs_minutes / sum(p.session.minutes for p in plans)
    )
    assert summary.weekly_minutes == tuple(
        sum(p.session.minutes for p in week.sessions) for week in season
    )
    assert summary.contacts_per_week == tuple(
        sum(session_contacts(p) for p in week.sessions) for week in season
    )
    # The heaviest dose is one of the season's main lifts, and no main lift outranks it.
    assert summary.heaviest is not None
    mains = [p.session.items[0] for p in plans]
    assert summary.heaviest.item in mains
    assert summary.heaviest.rung == rung_of(summary.heaviest.item) >= 1
    if summary.heaviest.item.exercise.loaded:
        loaded = [item for item in mains if item.exercise.loaded]
        assert summary.heaviest.rung == max(rung_of(item) for item in loaded)

    printed = summary_table(runner, summary, CATALOG)
    for label in (
        "sessions per focus",
        "lower-body share",
        "weekly minutes",
        "heaviest dose",
        "plyometric contacts per week (max)",
    ):
        assert f"| {label} |" in printed
    assert f"legs {summary.sessions[Focus.LEGS]}" in printed
    assert f"max {max(summary.weekly_minutes)}" in printed
    assert f"| {max(summary.contacts_per_week)} |" in printed
    assert summary.heaviest.item.exercise.name in printed
    assert ("weights logged" in printed) is runner.logs_weights


@BY_NAME
def test_the_printed_table_has_a_row_per_week(runner: Runner) -> None:
    season = season_of(runner)
    printed = table(runner, season, CATALOG)
    rows = week_rows(printed)
    assert [int(row[0]) for row in rows] == list(range(1, 13))
    columns = 11 if runner.logs_weights else 10
    assert all(len(row) == columns for row in rows)
    for week, row in zip(season, rows, strict=True):
        for plan in week.sessions:
            shown = row[2 + plan.day.weekday()]
            assert shown == cell(plan)
            assert ("contacts" in shown) is (session_contacts(plan) > 0)


def test_the_racers_table_names_the_phases() -> None:
    printed = table(RACER, season_of(RACER))
    assert "race_week" in printed and "taper" in printed


def test_the_silent_runner_never_says_how_it_felt() -> None:
    assert all(NO_FEEDBACK.feedback(n, n // 3 + 1, Focus.LEGS) is None for n in range(40))


def test_the_gym_runner_logs_a_starting_weight_then_the_targets() -> None:
    season = season_of(GYM)
    first = next(
        plan
        for week in season
        for plan in week.sessions
        if any(item.exercise.id == "back_squat" for item in plan.session.items)
    )
    week_of_first = next(week for week in season if first in week.sessions)
    assert ("back_squat", 40.0) in week_of_first.loads
    # After the start, every logged weight is a target the coach gave that day.
    given = [
        (name, target.next_kg)
        for week in season
        for plan in week.sessions
        for name, target in plan.targets.items()
        if target.next_kg is not None
    ]
    logged = [load for week in season for load in week.loads]
    assert logged[0] == ("back_squat", 40.0)
    assert sorted(logged[1:]) == sorted(given)
    printed = table(GYM, season, CATALOG)
    assert "weights (kg)" in printed
    summary = summarize(season)
    assert summary.weights["back_squat"][0] == 40.0


def test_runners_who_log_nothing_have_no_weights_column() -> None:
    assert "weights" not in table(BEGINNER, season_of(BEGINNER), CATALOG)


def test_main_prints_every_season_and_its_summary(capsys: pytest.CaptureFixture[str]) -> None:
    main()
    out = capsys.readouterr().out
    assert out.startswith("## 6 simulated 12-week seasons")
    for runner in EXAMPLES:
        assert f"### {runner.name}" in out
    assert out.count("| summary | |") == len(EXAMPLES)


def test_rung_of_reads_every_rung_of_every_ladder_and_a_cut_one_never_higher() -> None:
    for exercise in CATALOG.exercises.values():
        for index, level in enumerate(exercise.levels, start=1):
            assert rung_of(SessionItem(exercise=exercise, level=level)) == index
            if level.sets > 1:
                cut = level.model_copy(update={"sets": level.sets - 1})
                assert 1 <= rung_of(SessionItem(exercise=exercise, level=cut)) <= index
