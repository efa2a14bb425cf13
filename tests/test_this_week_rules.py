"""The pure rules of a this-week change (bot/coach/week_change.py) and its buttons' data
(bot/messages/this_week.py): property tests beside the journeys of test_this_week.py."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.coach.week import Focus
from bot.coach.week_change import (
    Change,
    Kind,
    Refusal,
    WeekRuns,
    apply_change,
    clear_past,
    parse_change,
    shifts,
)
from bot.content import load_week_words
from bot.messages.this_week import ThisWeekButton, change_of, step_of

WORDS = load_week_words()
THURSDAY = date(2026, 11, 26)
MONDAY = date(2026, 11, 23)

days = st.frozensets(st.integers(0, 6))


@st.composite
def consistent_runs(draw: st.DrawFn) -> WeekRuns:
    """A week as onboarding keeps it: the long run and hard days are run days, the long
    run is not a hard day."""
    run_days = draw(days)
    long_run = draw(st.none() | st.sampled_from(sorted(run_days))) if run_days else None
    hard = draw(st.frozensets(st.sampled_from(sorted(run_days)))) if run_days else frozenset()
    return WeekRuns(run_days, long_run, hard - {long_run})


changes = st.builds(
    Change, st.sampled_from(list(Kind)), st.frozensets(st.integers(0, 6), max_size=3)
)


@given(consistent_runs(), changes, consistent_runs())
def test_a_change_keeps_the_week_consistent(
    runs: WeekRuns, change: Change, usual: WeekRuns
) -> None:
    after = apply_change(runs, change, usual)
    if isinstance(after, Refusal):
        return
    assert after.hard_days <= after.run_days
    assert after.long_run_day is None or after.long_run_day in after.run_days
    assert after.long_run_day not in after.hard_days


@given(consistent_runs(), st.integers(0, 6))
def test_a_moved_long_run_leaves_its_old_day_and_lands_on_the_new_one(
    runs: WeekRuns, day: int
) -> None:
    after = apply_change(runs, Change(Kind.LONG, frozenset({day})), runs)
    assert isinstance(after, WeekRuns)
    assert after.long_run_day == day
    if runs.long_run_day is not None and runs.long_run_day != day:
        assert runs.long_run_day not in after.run_days


@given(consistent_runs(), consistent_runs())
def test_back_to_usual_is_the_usual_week(runs: WeekRuns, usual: WeekRuns) -> None:
    assert apply_change(runs, Change(Kind.USUAL), usual) == usual


@given(st.text())
def test_reading_any_text_never_raises_and_needs_words_of_this_week(text: str) -> None:
    found = parse_change(text, WORDS, THURSDAY)
    if found:
        assert "week" in text.casefold() or "wk" in text.casefold() or "time" in text.casefold()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("long run on Sunday this week", (Change(Kind.LONG, frozenset({6})),)),
        ("This week my long run will be on saturday", (Change(Kind.LONG, frozenset({5})),)),
        ("no hard session this week", (Change(Kind.NO_HARD),)),
        ("No intervals this week, feeling flat", (Change(Kind.NO_HARD),)),
        ("this week I run tue thu sat", (Change(Kind.RUNS, frozenset({1, 3, 5})),)),
        ("I'm running Mon, Wed & Fri this week", (Change(Kind.RUNS, frozenset({0, 2, 4})),)),
        ("this week tempo run on thurs", (Change(Kind.HARD, frozenset({3})),)),
        ("no long run this week", (Change(Kind.NO_LONG),)),
        ("this week is back to normal", (Change(Kind.USUAL),)),
        ("long run tomorrow this week", (Change(Kind.LONG, frozenset({4})),)),
        ("long run on saturdy this week", (Change(Kind.LONG, frozenset({5})),)),
        (
            "long run sunday and hard session tuesday this week",
            (Change(Kind.LONG, frozenset({6})), Change(Kind.HARD, frozenset({1}))),
        ),
        ("this week was tough", ()),
        ("long run on sunday", ()),
        ("long run sat or sun this week", ()),  # which one?
        ("no long run on sunday this week", ()),  # moved, or dropped?
        ("done, this week has been great", ()),
        ("what's on this week?", ()),
        ("this week I ran", ()),
        ("sunday this week", ()),
        ("long run and intervals this week", ()),
        ("hard session this week", ()),  # on which day?
    ],
)
def test_changes_as_runners_type_them(text: str, expected: tuple[Change, ...]) -> None:
    assert parse_change(text, WORDS, THURSDAY) == expected


focus_days = st.dictionaries(
    st.integers(0, 6).map(lambda n: MONDAY + timedelta(days=n)), st.sampled_from(list(Focus))
)


@given(focus_days, focus_days)
def test_shifts_say_every_session_that_is_not_where_it_was(
    before: dict[date, Focus], after: dict[date, Focus]
) -> None:
    found = shifts(before, after)
    for shift in found:
        if shift.before is not None:
            assert (
                before[shift.before] is shift.focus and after.get(shift.before) is not shift.focus
            )
        if shift.after is not None:
            assert after[shift.after] is shift.focus and before.get(shift.after) is not shift.focus
    # Every session that left a day or came to one is told.
    left = {(d, f) for d, f in before.items() if after.get(d) is not f}
    came = {(d, f) for d, f in after.items() if before.get(d) is not f}
    assert left == {(s.before, s.focus) for s in found if s.before is not None}
    assert came == {(s.after, s.focus) for s in found if s.after is not None}


weekday_plans = st.dictionaries(st.integers(0, 6), st.sampled_from(list(Focus)))


@given(weekday_plans, weekday_plans, st.integers(0, 7))
def test_only_days_before_the_change_with_a_new_session_are_kept_clear(
    usual: dict[int, Focus], changed: dict[int, Focus], offset: int
) -> None:
    since = MONDAY + timedelta(days=offset)
    cleared = clear_past(usual, changed, MONDAY, since)
    for day in cleared:
        assert day < since and changed[day.weekday()] is not usual.get(day.weekday())
    for weekday, focus in changed.items():
        day = MONDAY + timedelta(days=weekday)
        if day < since and usual.get(weekday) is not focus:
            assert day in cleared


mondays = st.integers(0, 3000).map(lambda n: date(2024, 1, 1) + timedelta(weeks=n))
steps = st.sampled_from(
    ["", "m", "x", "L", "H", "N", "O", "U", *(f"{k}{d}" for k in "LH" for d in range(7))]
)


@given(mondays, steps, st.booleans())
def test_every_button_packs_within_64_bytes_and_parses_back(
    monday: date, step: str, yes: bool
) -> None:
    confirmed = yes and change_of(step) is not None
    button = ThisWeekButton(monday, step, confirmed)
    data = button.pack()
    assert len(data.encode()) <= 64
    assert ThisWeekButton.parse(data) == button


@given(st.text())
def test_parsing_any_data_never_raises_and_reads_only_what_pack_makes(data: str) -> None:
    button = ThisWeekButton.parse(data)
    if button is not None:
        assert button.pack() == data


@pytest.mark.parametrize(
    "data",
    [
        "v1:tw:20261124",
        "v1:tw:20261123:L7",
        "v1:tw:20261123:L:y",
        "v1:tw:20261123:x:y",
        "v1:tw:20261123:N:n",
        "v1:tw:00010101",
        "v1:tw",
        "v1:tw:20261123:N:y:y",
    ],
)
def test_forged_data_is_no_button(data: str) -> None:
    assert ThisWeekButton.parse(data) is None


def test_a_step_names_its_change_and_back() -> None:
    for change in (Change(Kind.LONG, frozenset({6})), Change(Kind.NO_HARD), Change(Kind.USUAL)):
        assert change_of(step_of(change)) == change
