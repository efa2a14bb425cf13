"""What runners type: "done" messages, clock times, weekdays and "none".

Runners type instead of tapping, so each accepted spelling here is one a real runner
would use, and each rejection is a message that must not be mistaken for an answer
(a runner saying "not done" must not get a session logged).
"""

from __future__ import annotations

from datetime import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.coach.intents import Intent, Understood
from bot.coach.parsing import is_none_answer, parse_days, parse_time
from testkit.harness import shared_content

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)

# ----------------------------------------------------------------------------- done
# The first "done" reader's cases, kept against the one matcher that replaced it
# (bot/coach/intents.py; its corpora are in tests/corpus/).


def parse_done(text: str) -> Understood | None:
    found = shared_content().phrases.understand(text)
    return found if found.intent is Intent.DONE else None


def DoneMessage(note: str | None) -> Understood:  # the old reader's name
    return Understood(Intent.DONE, note=note)


@pytest.mark.parametrize(
    "text",
    ["done", "Done!", "done ✅", "did it", "✅", "DONE.", "Done.", "completed", "all done", "💪"],
)
def test_parse_done_accepts_plain_done_without_note(text: str) -> None:
    assert parse_done(text) == DoneMessage(note=None)


@pytest.mark.parametrize(
    ("text", "note"),
    [
        ("done, planks were hard", "planks were hard"),
        ("Done - tough one", "tough one"),
        ("done ✅ felt great", "felt great"),
        ("Did it! legs shaking", "legs shaking"),
        ("done: short on time", "short on time"),
    ],
)
def test_parse_done_keeps_what_else_was_said_as_the_note(text: str, note: str) -> None:
    assert parse_done(text) == DoneMessage(note=note)


@pytest.mark.parametrize(
    "text",
    ["doner kebab", "not done", "undone", "abandoned", "", "   ", "I'm not done yet", "done?"],
)
def test_parse_done_rejects_words_that_merely_contain_done(text: str) -> None:
    # A false positive logs a session the runner did not do, so these must not match.
    assert parse_done(text) is None


@pytest.mark.parametrize("text", ["✅ Done", "💪 done!"])
def test_parse_done_emoji_then_done_has_no_note(text: str) -> None:
    # "✅ Done" is the bot's own button label; typing it is a plain "done", not a note.
    assert parse_done(text) == DoneMessage(note=None)


# ----------------------------------------------------------------------------- time


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7:30", time(7, 30)),
        ("07:30", time(7, 30)),
        ("7am", time(7, 0)),
        ("6.45 pm", time(18, 45)),
        ("7 AM", time(7, 0)),
        ("7 a.m.", time(7, 0)),
        ("12am", time(0, 0)),
        ("12pm", time(12, 0)),
        ("12:30am", time(0, 30)),
        ("1930", time(19, 30)),
        ("0730", time(7, 30)),
        ("19h", time(19, 0)),
        ("19h30", time(19, 30)),
        ("  7:30  ", time(7, 30)),
        ("00:00", time(0, 0)),
        ("23:59", time(23, 59)),
    ],
)
def test_parse_time_accepts_common_spellings(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    "text", ["25:99", "24:00", "2400", "13pm", "0am", "00pm", "12:60", "abc", "7:3", "", "7::30"]
)
def test_parse_time_rejects_impossible_or_garbled_times(text: str) -> None:
    assert parse_time(text) is None


def _twelve_hour(value: time) -> tuple[int, str]:
    return (value.hour % 12 or 12), ("am" if value.hour < 12 else "pm")


@given(hour=st.integers(0, 23), minute=st.integers(0, 59))
def test_parse_time_round_trips_every_valid_time(hour: int, minute: int) -> None:
    """Every minute of the day, in every format the bot suggests, parses back to itself."""
    value = time(hour, minute)
    h12, ampm = _twelve_hour(value)
    spellings = [
        f"{hour}:{minute:02d}",
        f"{hour:02d}:{minute:02d}",
        f"{h12}:{minute:02d}{ampm}",
        f"{h12}.{minute:02d} {ampm.upper()}",
    ]
    if minute == 0:
        spellings += [f"{h12}{ampm}", f"{h12} {ampm}"]
    for spelling in spellings:
        assert parse_time(spelling) == value, spelling


# ----------------------------------------------------------------------------- days


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mon wed sat", {MON, WED, SAT}),
        ("Mon, Wed, Sat", {MON, WED, SAT}),
        ("Mon, Wed & Sat", {MON, WED, SAT}),
        ("monday and friday", {MON, FRI}),
        ("mon-fri", {MON, TUE, WED, THU, FRI}),
        ("sat-mon", {SAT, SUN, MON}),  # a range wraps over the weekend
        ("fri-mon", {FRI, SAT, SUN, MON}),
        ("Tue", {TUE}),
        ("tue.", {TUE}),
        ("everyday", set(range(7))),
        ("daily", set(range(7))),
        ("Thurs/Sun", {THU, SUN}),
    ],
)
def test_parse_days_understands_lists_and_ranges(text: str, expected: set[int]) -> None:
    assert parse_days(text) == frozenset(expected)


@pytest.mark.parametrize("text", ["xyz", "mon blah", "", "  ", "mon-xyz", "and"])
def test_parse_days_rejects_anything_it_cannot_fully_read(text: str) -> None:
    # One unknown word rejects the whole answer: guessing a partial week is worse than
    # asking again.
    assert parse_days(text) is None


# ----------------------------------------------------------------------------- none


@pytest.mark.parametrize(
    "text", ["none", "None.", "no", "NOPE!", "-", "0", "n/a", "skip", "no days"]
)
def test_is_none_answer_accepts_ways_of_saying_none(text: str) -> None:
    assert is_none_answer(text)


@pytest.mark.parametrize("text", ["", "yes", "mon", "noon", "not sure"])
def test_is_none_answer_rejects_other_answers(text: str) -> None:
    assert not is_none_answer(text)
