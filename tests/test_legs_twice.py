"""Issue 13, point 1: lower body two or three times a week where the week has room.

Blagrove et al. 2018 (Sports Med): lower-body strength work 2-3 times a week improves
running economy by 2-8 %; Rønnestad & Mujika 2014: two sessions a week to build, one to
maintain. The reference below knows nothing about weights or the solver: two legal legs
days (the hard rules of docs/architecture.md) at least 48 h apart, the week cyclic.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.coach.plan import HARD_RULES, explain_violations, plan_week
from bot.coach.week import Focus, RunnerWeek, WeekPlan

LEGS = Focus.LEGS


def legs_ok(week: RunnerWeek, day: int) -> bool:
    before, after = (day - 1) % 7, (day + 1) % 7
    return week.long_run_day not in (day, before, after) and after not in week.hard_days


def room_for_two(week: RunnerWeek) -> bool:
    legal = [d for d in range(7) if legs_ok(week, d)]
    return any((b - a) % 7 not in (1, 6) for a in legal for b in legal if a < b)


@st.composite
def weeks(draw: st.DrawFn, sessions: int) -> RunnerWeek:
    run_days = draw(st.frozensets(st.integers(0, 6)))
    long_run = draw(st.none() | st.sampled_from(sorted(run_days))) if run_days else None
    candidates = sorted(run_days - {long_run})
    hard = draw(st.frozensets(st.sampled_from(candidates))) if candidates else frozenset()
    return RunnerWeek(
        run_days=run_days, long_run_day=long_run, hard_days=hard, sessions_per_week=sessions
    )


PROPS = settings(max_examples=300, deadline=None)
INDICES = st.integers(-500, 500)


def legs_days(plan: WeekPlan) -> list[int]:
    return sorted(day for day, focus in plan.sessions.items() if focus is LEGS)


@PROPS
@given(weeks(3), INDICES)
def test_a_three_session_week_with_room_holds_two_leg_sessions(
    week: RunnerWeek, index: int
) -> None:
    plan = plan_week(week, index)
    if room_for_two(week):
        assert sorted(f.value for f in plan.sessions.values()) == ["legs", "legs", "upper"]
        first, second = legs_days(plan)
        assert (second - first) % 7 not in (1, 6)  # 48 h between the two leg sessions
    else:
        assert len(legs_days(plan)) <= 1
    assert not set(explain_violations(week, plan)) & set(HARD_RULES)


@PROPS
@given(weeks(2), INDICES)
def test_a_two_session_week_with_room_is_legs_twice(week: RunnerWeek, index: int) -> None:
    plan = plan_week(week, index)
    if room_for_two(week):
        assert list(plan.sessions.values()) == [LEGS, LEGS]
        first, second = legs_days(plan)
        assert (second - first) % 7 not in (1, 6)
    assert not set(explain_violations(week, plan)) & set(HARD_RULES)


@PROPS
@given(weeks(1), INDICES)
def test_a_one_session_week_is_legs_when_legs_can_go_anywhere(week: RunnerWeek, index: int) -> None:
    plan = plan_week(week, index)
    if any(legs_ok(week, d) for d in range(7)):
        assert list(plan.sessions.values()) == [LEGS]


@PROPS
@given(weeks(3), INDICES)
def test_the_routine_keeps_its_days_from_week_to_week(week: RunnerWeek, index: int) -> None:
    """The role tie-break: same days every week, so the habit sticks."""
    assert plan_week(week, index).sessions.keys() == plan_week(week, index + 1).sessions.keys()
