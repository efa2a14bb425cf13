"""bot/messages/callbacks.py: every button packs and parses itself, the strings on the wire
are those earlier releases put on buttons, and ``parse`` never raises."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.coach.pause import Length, Reason
from bot.coach.status import SkipReason
from bot.coach.swaps import CODE_LENGTH
from bot.coach.week import Focus
from bot.messages import callbacks as cb

DAYS = st.dates(min_value=cb.FIRST_BUTTON_DAY, max_value=cb.LAST_BUTTON_DAY)
# Exercise codes as coach.swaps.exercise_code makes them, and setup steps and values as
# the setup conversation names them.
CODES = st.text(alphabet="0123456789abcdef", min_size=CODE_LENGTH, max_size=CODE_LENGTH)
STEPS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=16)
VALUES = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_0123456789:", max_size=12)
# Any text a part could hold (Telegram's data is UTF-8: no lone surrogates).
ANY_PART = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
THU = date(2026, 11, 26)
# Parts of real buttons and of forged ones, to build data close to what the bot makes.
NEAR_MISSES = (
    *("v1", "v2", "ob", "done", "skip", "did", "fb", "snz", "swp", "why", "mv", "keep"),
    *(
        "pz",
        "del",
        "exp",
        "hist",
        "yes",
        "no",
        "x",
        "few",
        "open",
        "illness",
        "busy",
        "30",
        "²",
        "٣٠",
    ),
    *("core", "sore", "20261126", "00010101", "99991231", ""),
)

BUTTONS = st.one_of(
    st.builds(cb.DoneButton, DAYS),
    st.builds(cb.SkipButton, DAYS),
    st.builds(cb.DidButton, st.sampled_from(Focus), DAYS),
    st.builds(cb.FeedbackButton, DAYS, st.sampled_from(cb.FeedbackAnswer)),
    st.builds(cb.SnoozeOffer, DAYS),
    st.builds(cb.SnoozeFor, DAYS, st.sampled_from(cb.SNOOZE_MINUTES)),
    st.builds(cb.SwapWhich, DAYS),
    st.builds(cb.SwapKeep, DAYS),
    st.builds(cb.SwapOptions, DAYS, CODES),
    st.builds(cb.SwapChoose, DAYS, CODES, CODES),
    st.builds(cb.ReasonButton, DAYS, st.sampled_from(SkipReason)),
    st.builds(cb.MoveButton, DAYS, DAYS),
    st.builds(cb.KeepSkipped, DAYS),
    st.builds(cb.PauseLength, DAYS, st.sampled_from(Length)),
    st.builds(cb.PausePick, DAYS, st.sampled_from(Length), st.sampled_from(Reason)),
    st.builds(cb.PauseKeep, DAYS),
    st.builds(cb.DeleteButton, st.booleans()),
    st.builds(cb.ExportButton),  # no arguments after its prefix
    st.builds(cb.SetupButton, STEPS, VALUES),
)


@given(BUTTONS)
def test_every_button_packs_within_64_bytes_and_parses_back_to_itself(
    button: cb.Button,
) -> None:
    data = button.pack()
    assert len(data.encode()) <= cb.MAX_DATA_BYTES
    assert cb.parse(data) == button
    assert cb.parse_as(data, type(button)) == button


@given(
    st.one_of(
        st.builds(cb.SwapOptions, DAYS, ANY_PART),
        st.builds(cb.SwapChoose, DAYS, ANY_PART, ANY_PART),
        st.builds(cb.SetupButton, ANY_PART, ANY_PART),
    )
)
def test_pack_makes_at_most_64_bytes_that_parse_back_or_refuses(button: cb.Button) -> None:
    try:
        data = button.pack()
    except ValueError:
        return  # over 64 bytes, a ':' inside a part, 'x' as an exercise, not UTF-8
    assert len(data.encode()) <= cb.MAX_DATA_BYTES
    assert cb.parse(data) == button


@given(st.text(max_size=80))
def test_parse_never_raises_and_what_it_reads_packs_back_to_the_same_data(data: str) -> None:
    button = cb.parse(data)
    if button is not None:
        assert button.pack() == data


@given(
    st.lists(
        st.one_of(
            st.sampled_from(NEAR_MISSES),
            st.text(max_size=9),
        ),
        max_size=6,
    )
)
def test_parse_never_raises_on_near_miss_parts(parts: list[str]) -> None:
    data = ":".join(parts)
    button = cb.parse(data)
    if button is not None:
        assert button.pack() == data


def test_the_strings_on_the_wire_are_those_of_earlier_releases() -> None:
    """Old keyboards in runners' chats keep working: each class packs the exact string
    the handlers used to build by hand."""
    assert cb.DoneButton(THU).pack() == "v1:done:20261126"
    assert cb.SkipButton(THU).pack() == "v1:skip:20261126"
    assert cb.DidButton(Focus.LEGS, THU).pack() == "v1:did:legs:20261126"
    assert cb.FeedbackButton(THU, cb.FeedbackAnswer.TOO_HARD).pack() == "v1:fb:20261126:too_hard"
    assert cb.SnoozeOffer(THU).pack() == "v1:snz:20261126"
    assert cb.SnoozeFor(THU, 180).pack() == "v1:snz:20261126:180"
    assert cb.SwapWhich(THU).pack() == "v1:swp:20261126"
    assert cb.SwapKeep(THU).pack() == "v1:swp:20261126:x"
    assert cb.SwapOptions(THU, "ab12cd34").pack() == "v1:swp:20261126:ab12cd34"
    assert cb.SwapChoose(THU, "ab12cd34", "ef56").pack() == "v1:swp:20261126:ab12cd34:ef56"
    assert cb.ReasonButton(THU, SkipReason.TRAVEL).pack() == "v1:why:20261126:travel"
    assert cb.MoveButton(THU, date(2026, 11, 27)).pack() == "v1:mv:20261126:20261127"
    assert cb.KeepSkipped(THU).pack() == "v1:keep:20261126"
    assert cb.PauseLength(THU, Length.FEW_DAYS).pack() == "v1:pz:20261126:few"
    assert cb.PausePick(THU, Length.OPEN, Reason.HOLIDAY).pack() == "v1:pz:20261126:open:holiday"
    assert cb.PauseKeep(THU).pack() == "v1:pz:20261126:keep"
    assert cb.DeleteButton(confirm=True).pack() == "v1:del:yes"
    assert cb.DeleteButton(confirm=False).pack() == "v1:del:no"
    assert cb.SetupButton("reminder_time", "0630").pack() == "ob:reminder_time:0630"


@pytest.mark.parametrize(
    "data",
    [
        "v1:done",
        "v1:done:20261126:x",
        "v1:done:2026112",
        "v1:done:２０２６１１２６",
        "v2:done:20261126",
        "v1:did:cardio:20261126",
        "v1:fb:20261126:meh",
        "v1:snz:20261126:45",
        "v1:snz:20261126:²",
        "v1:swp",
        "v1:swp:20261126:a:b:c",
        "v1:why:20261126:bored",
        "v1:mv:20261126",
        "v1:keep:00010101",
        "v1:pz:20261126",
        "v1:pz:20261126:keep:illness",
        "v1:del:maybe",
        "v1:del",
        "ob:run_days",
        "ob",
        "",
    ],
)
def test_data_no_button_packs_parses_to_none(data: str) -> None:
    assert cb.parse(data) is None


def test_parse_as_takes_a_family_or_a_class_and_nothing_else() -> None:
    assert cb.parse_as("v1:swp:20261126:x", cb.SwapButton) == cb.SwapKeep(THU)
    assert cb.parse_as("v1:swp:20261126:x", cb.SwapWhich) is None
    assert cb.parse_as("v1:skip:20261126", cb.SessionButton) == cb.SkipButton(THU)
    assert cb.parse_as("v1:pz:20261126:keep", cb.SwapButton) is None
    assert cb.parse_as(None, cb.DeleteButton) is None


def test_pack_refuses_what_would_not_parse_back() -> None:
    with pytest.raises(ValueError):
        cb.SwapChoose(THU, "a" * 30, "b" * 30).pack()  # over 64 bytes
    with pytest.raises(ValueError):
        cb.SwapOptions(THU, "a:b").pack()
    with pytest.raises(ValueError):
        cb.SwapOptions(THU, cb.SWAP_KEEP).pack()
    with pytest.raises(ValueError):  # not UTF-8: Telegram could not carry it
        cb.SwapOptions(THU, "\ud800").pack()
