""" "We'll start one level easier" comes with the easier level: the welcome back says how
many levels progression actually gives back, and the session after the pause is that much
easier than before it."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from bot.coach.pause import PauseState, Reason, levels_given_back, step_back_levels
from bot.coach.progression import MIN_LEVEL, Break, Entry, Feedback, levels_on
from bot.coach.status import LogStatus
from bot.coach.week import STARTING_LEVEL, Experience, Focus
from testkit.harness import BotHarness, onboard, shared_content

BERLIN = ZoneInfo("Europe/Berlin")
T = shared_content().texts
STEP = {0: T("pause.step_0"), 1: T("pause.step_1"), 2: T("pause.step_2")}


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN).astimezone(UTC)


def level_of(text: str) -> int:
    found = re.search(r"Level (\d+)", text)
    assert found is not None, text
    return int(found.group(1))


async def pause_for(bot: BotHarness, length: str, reason: str) -> None:
    [question] = await bot.say("/pause")
    await bot.tap(length, question)
    await bot.tap(reason)


async def test_at_the_easiest_level_the_welcome_does_not_promise_an_easier_one(
    bot: BotHarness, clock
) -> None:
    clock.set(at(2026, 11, 26, 8, 0))
    await onboard(bot, experience="new")  # level 1: nothing easier
    [before] = await bot.say("/today")
    assert level_of(before["text"]) == 1
    await bot.say("done")
    await pause_for(bot, "A week", "Illness")
    clock.set(at(2026, 12, 3, 8, 0))  # Thursday, back
    [today] = await bot.say("/today")
    assert "Welcome back! 7 days off ill." in today["text"]
    assert STEP[1] not in today["text"] and STEP[0] in today["text"]
    assert level_of(today["text"]) == 1


async def test_two_levels_easier_after_three_weeks_ill_is_two_levels_lower(
    bot: BotHarness, clock
) -> None:
    clock.set(at(2026, 11, 26, 8, 0))
    await onboard(bot, experience="experienced")  # level 7
    [before] = await bot.say("/today")
    assert level_of(before["text"]) == STARTING_LEVEL[Experience.EXPERIENCED]
    await bot.say("done")
    await pause_for(bot, "Until I resume", "Illness")
    clock.set(at(2026, 12, 19, 6, 0))  # Saturday, 23 days later
    [back] = await bot.say("/resume")
    assert STEP[2] in back["text"]
    [today] = await bot.say("/today")
    assert STEP[2] in today["text"] and level_of(today["text"]) == level_of(before["text"]) - 2


async def test_resume_says_the_same_level_when_the_level_cannot_go_lower(
    bot: BotHarness, clock
) -> None:
    clock.set(at(2026, 11, 26, 8, 0))
    await onboard(bot, experience="new")
    await bot.say("done")
    await pause_for(bot, "Until I resume", "Holiday")
    clock.set(at(2026, 12, 17, 6, 0))  # 21 days away: one level by the pause's rule
    [back] = await bot.say("/resume")
    assert "21 days away" in back["text"] and STEP[0] in back["text"]
    assert STEP[1] not in back["text"]


async def test_a_pause_before_any_session_still_starts_one_level_easier(
    bot: BotHarness, clock
) -> None:
    clock.set(at(2026, 11, 25, 8, 0))  # Wednesday, set up, nothing done yet
    await onboard(bot)  # some experience: level 4
    await pause_for(bot, "Until I resume", "Holiday")
    clock.set(at(2026, 12, 12, 6, 0))  # Saturday, 17 days away
    [back] = await bot.say("/resume")
    [today] = await bot.say("/today")
    assert STEP[1] in back["text"] and STEP[1] in today["text"]
    assert level_of(today["text"]) == STARTING_LEVEL[Experience.SOME] - 1


# ---- pure: the words never promise more than the levels leave room for --------------------

REASONS = st.sampled_from(list(Reason))
FIRST = date(2026, 11, 2)


@given(
    start=st.integers(1, 12),
    # Days 1-13 before the pause: at its first day's end the last session is at most 14
    # days old, no break yet (BREAK_DAYS), so "before" is the level last trained at.
    done=st.lists(
        st.tuples(st.integers(17, 29), st.sampled_from(list(Focus))), min_size=1, max_size=8
    ),
    away=st.integers(1, 120),
    reason=REASONS,
    back_after=st.integers(1, 7),
)
def test_the_levels_given_back_are_at_least_the_pause_s_step_where_the_levels_leave_room(
    start: int, done: list[tuple[int, Focus]], away: int, reason: Reason, back_after: int
) -> None:
    """The sessions before the pause are from its last two weeks, so "before the pause" is
    the level last trained at; a long pause is also a long gap, so it may give back more
    than its own step (the larger of the two), never less where the level leaves room."""
    history = [
        Entry(FIRST - timedelta(days=30 - offset), focus, LogStatus.DONE, Feedback.RIGHT)
        for offset, focus in sorted(set(done))
    ]
    state = PauseState(False, reason.value, FIRST, FIRST + timedelta(days=away - 1))
    assert state.until is not None
    rule = step_back_levels(reason, away)
    breaks = (Break(state.until, rule),) if rule else ()
    today = state.until + timedelta(days=back_after)
    before = levels_on(start, history, FIRST + timedelta(days=1))
    after = levels_on(start, history, today, breaks)
    for focus in Focus:
        given_back = levels_given_back(start, history, state, today, breaks, [focus])
        room = before[focus].level - MIN_LEVEL
        assert given_back == before[focus].level - after[focus].level  # what the levels show
        assert min(rule, room) <= given_back <= room


@given(start=st.integers(1, 12), away=st.integers(1, 120), reason=REASONS)
def test_with_nothing_done_before_the_pause_the_step_is_the_rule_within_the_levels(
    start: int, away: int, reason: Reason
) -> None:
    state = PauseState(False, reason.value, FIRST, FIRST + timedelta(days=away - 1))
    given_back = levels_given_back(start, [], state, FIRST + timedelta(days=away), (), list(Focus))
    assert given_back == min(step_back_levels(reason, away), start - MIN_LEVEL)
