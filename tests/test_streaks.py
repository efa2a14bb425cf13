"""The weekly streak's rules (bot/coach/streaks.py): the marks, the issue's examples, and
the properties that make it fair — a pause, a moved session or an extra session done
never costs the runner their streak."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.coach.streaks import WeekFacts, WeekMark, mark_of, tally

MONDAY = date(2026, 1, 5)
TODAY = MONDAY + timedelta(weeks=20, days=2)  # a Wednesday in week 21


def week(
    n: int, planned: int, done: int, *, paused: bool = False, eased: bool = False
) -> WeekFacts:
    return WeekFacts(MONDAY + timedelta(weeks=n), planned, done, paused=paused, eased=eased)


def marks(*facts: WeekFacts) -> list[WeekMark]:
    return [t.mark for t in tally(facts, TODAY).weeks]


def test_full_week_adds_one_and_the_best_is_kept() -> None:
    streak = tally([week(0, 2, 2), week(1, 3, 3), week(2, 2, 0), week(3, 2, 2)], TODAY)
    assert [t.streak for t in streak.weeks] == [1, 2, 0, 1]
    assert (streak.current, streak.best) == (1, 2)


def test_more_than_planned_is_full() -> None:
    assert mark_of(week(0, 2, 3), TODAY) is WeekMark.FULL


def test_one_short_is_almost_and_holds_once() -> None:
    streak = tally([week(0, 3, 3), week(1, 3, 2), week(2, 3, 3)], TODAY)
    assert [t.mark for t in streak.weeks] == [WeekMark.FULL, WeekMark.ALMOST, WeekMark.FULL]
    assert [t.streak for t in streak.weeks] == [1, 1, 2]


def test_a_second_almost_in_a_row_ends_the_streak_even_across_a_pause() -> None:
    facts = [week(0, 3, 3), week(1, 3, 2), week(2, 1, 0, paused=True), week(3, 3, 2)]
    streak = tally(facts, TODAY)
    assert [t.mark for t in streak.weeks] == [
        WeekMark.FULL,
        WeekMark.ALMOST,
        WeekMark.PAUSED,
        WeekMark.SHORT,
    ]
    assert streak.current == 0 and streak.best == 1


def test_two_short_ends_it() -> None:
    assert marks(week(0, 2, 2), week(1, 3, 1)) == [WeekMark.FULL, WeekMark.SHORT]
    assert tally([week(0, 2, 2), week(1, 3, 1)], TODAY).current == 0


def test_paused_eased_rest_and_now_never_break() -> None:
    now = WeekFacts(TODAY - timedelta(days=TODAY.weekday()), 3, 0)
    facts = [
        week(0, 2, 2),
        week(1, 2, 0, paused=True),
        week(2, 2, 0, eased=True),
        week(3, 0, 0),
        week(4, 2, 2),
        now,
    ]
    streak = tally(facts, TODAY)
    assert [t.mark for t in streak.weeks] == [
        WeekMark.FULL,
        WeekMark.PAUSED,
        WeekMark.EASED,
        WeekMark.REST,
        WeekMark.FULL,
        WeekMark.NOW,
    ]
    assert streak.current == 2


def test_a_full_week_is_full_even_when_paused_or_eased() -> None:
    assert mark_of(week(0, 1, 1, paused=True), TODAY) is WeekMark.FULL
    assert mark_of(week(0, 2, 2, eased=True), TODAY) is WeekMark.FULL


def test_the_current_week_counts_once_full() -> None:
    now = TODAY - timedelta(days=TODAY.weekday())
    streak = tally([week(19, 2, 2), WeekFacts(now, 2, 2)], TODAY)
    assert streak.current == 2 and streak.weeks[-1].mark is WeekMark.FULL


def test_x_of_y_leaves_out_neutral_weeks_and_old_ones() -> None:
    # 20 weeks back is outside the 12-week window; the paused and now weeks count for
    # nothing; of the judged ones 2 are full, 1 almost, 1 short.
    now = TODAY - timedelta(days=TODAY.weekday())
    facts = [
        week(0, 2, 2),
        week(10, 2, 2),
        week(11, 2, 1),
        week(12, 2, 0, paused=True),
        week(13, 3, 0),
        week(14, 2, 2),
        WeekFacts(now, 2, 0),
    ]
    streak = tally(facts, TODAY)
    assert (streak.kept, streak.of) == (2, 4)


def test_the_issue_example_a_holiday_and_a_busy_week() -> None:
    """Six full weeks, a holiday week paused, a busy week one session short, then full:
    the streak is 7 after it (nothing lost), and 7 of the last 8 judged weeks kept."""
    facts = [week(n, 3, 3) for n in range(6)]
    facts += [week(6, 0, 0, paused=True), week(7, 3, 2), week(8, 3, 3)]
    streak = tally(facts, MONDAY + timedelta(weeks=9, days=2))
    assert streak.current == 7 and streak.best == 7
    assert (streak.kept, streak.of) == (7, 8)


# --- properties -------------------------------------------------------------------------

N_WEEKS = 10
LAST = MONDAY + timedelta(weeks=N_WEEKS)  # "today": the week after the last generated one


@st.composite
def season(draw: st.DrawFn) -> list[WeekFacts]:
    weeks = []
    for n in range(N_WEEKS):
        planned = draw(st.integers(0, 4))
        done = draw(st.integers(0, 5))
        weeks.append(
            WeekFacts(
                MONDAY + timedelta(weeks=n),
                planned,
                done,
                paused=draw(st.booleans()) and draw(st.booleans()),
                eased=draw(st.booleans()) and draw(st.booleans()),
            )
        )
    return weeks


def test_current_never_above_best_and_x_never_above_y() -> None:
    @settings(max_examples=200)
    @given(season(), st.integers(0, N_WEEKS))
    def check(weeks: list[WeekFacts], today_week: int) -> None:
        streak = tally(weeks, MONDAY + timedelta(weeks=today_week, days=3))
        assert 0 <= streak.current <= streak.best
        assert 0 <= streak.kept <= streak.of

    check()


@settings(max_examples=200)
@given(season(), st.integers(0, N_WEEKS - 1), st.data())
def test_pausing_a_week_never_lowers_the_streak_or_best(
    weeks: list[WeekFacts], index: int, data: st.DataObject
) -> None:
    before = tally(weeks, LAST)
    paused_planned = data.draw(st.integers(0, weeks[index].planned))
    weeks[index] = replace(weeks[index], paused=True, planned=paused_planned)
    after = tally(weeks, LAST)
    assert after.current >= before.current
    assert after.best >= before.best
    assert after.kept >= before.kept


@settings(max_examples=200)
@given(season(), st.integers(0, N_WEEKS - 1), st.integers(0, N_WEEKS - 1))
def test_moving_a_session_to_another_week_and_doing_it_there_never_lowers_it(
    weeks: list[WeekFacts], source: int, target: int
) -> None:
    if source == target or weeks[source].planned == 0:
        return
    before = tally(weeks, LAST)
    weeks[source] = replace(
        weeks[source], planned=weeks[source].planned - 1, moved=weeks[source].moved + 1
    )
    weeks[target] = replace(
        weeks[target], planned=weeks[target].planned + 1, done=weeks[target].done + 1
    )
    after = tally(weeks, LAST)
    assert after.current >= before.current
    assert after.best >= before.best


@settings(max_examples=200)
@given(season(), st.integers(0, N_WEEKS - 1), st.integers(0, N_WEEKS))
def test_adding_a_done_session_never_lowers_current_best_or_kept(
    weeks: list[WeekFacts], index: int, today_week: int
) -> None:
    today = MONDAY + timedelta(weeks=today_week, days=3)
    before = tally(weeks, today)
    weeks[index] = replace(weeks[index], done=weeks[index].done + 1)
    after = tally(weeks, today)
    assert after.current >= before.current
    assert after.best >= before.best
    assert after.kept >= before.kept


# ---- the sign-up week (issue 15, point 1: tester's Saturday-evening sign-up) ---------------


def joined(n: int, planned: int, done: int) -> WeekFacts:
    return replace(week(n, planned, done), joined=True)


def test_a_sign_up_week_not_full_counts_neither_for_nor_against() -> None:
    """Signing up on Wednesday of a 3-session week and doing one: the week is neutral
    (REST), not ALMOST or SHORT: X of Y leaves it out and a next full week starts at 1."""
    streak = tally([joined(0, 3, 1), week(1, 3, 3)], MONDAY + timedelta(weeks=2))
    assert [t.mark for t in streak.weeks] == [WeekMark.REST, WeekMark.FULL]
    assert (streak.current, streak.kept, streak.of) == (1, 1, 1)
    assert mark_of(joined(0, 2, 0), MONDAY + timedelta(weeks=3)) is WeekMark.REST


def test_a_full_sign_up_week_counts_for_the_runner() -> None:
    streak = tally([joined(0, 1, 1), week(1, 3, 3)], MONDAY + timedelta(weeks=2))
    assert [t.mark for t in streak.weeks] == [WeekMark.FULL, WeekMark.FULL]
    assert (streak.current, streak.kept, streak.of) == (2, 2, 2)


def test_the_sign_up_week_while_it_runs_is_now() -> None:
    assert mark_of(joined(0, 2, 1), MONDAY + timedelta(days=3)) is WeekMark.NOW


@settings(max_examples=60)
@given(st.integers(0, 4), st.integers(0, 4), st.lists(st.integers(0, 4), max_size=6))
def test_the_sign_up_week_never_lowers_the_streak_best_or_kept(
    planned: int, done: int, later: list[int]
) -> None:
    """Whatever the sign-up week held, judging it as the sign-up week never gives less
    than leaving it out, and never less than judging it as any other week."""
    rest = [week(n + 1, 3, d) for n, d in enumerate(later)]
    today = MONDAY + timedelta(weeks=len(later) + 1, days=2)
    first = tally([joined(0, planned, done), *rest], today)
    without = tally(rest, today)
    plain = tally([week(0, planned, done), *rest], today)
    for other in (without, plain):
        assert first.current >= other.current and first.best >= other.best
        assert first.kept >= other.kept and first.of - first.kept <= other.of - other.kept
