"""What "what level am I?" and "how am I doing?" say agrees with the sessions (tester):
lighter weeks don't raise the level they show, and core — built into leg sessions — has
no level of its own for a runner whose weeks hold no core session."""

from __future__ import annotations

import re

from bot.coach.week import STARTING_LEVEL, Experience
from testkit.harness import BotHarness, FakeClock, onboard


def _legs_level(text: str) -> int:
    found = re.search(r"Legs: level (\d+)", text)
    assert found is not None, text
    return int(found[1])


async def test_what_level_am_i_names_only_the_foci_the_weeks_hold(bot: BotHarness) -> None:
    await onboard(bot, experience="experienced")  # 3 a week: legs, legs, upper body
    [reply] = await bot.say("what level am I?")
    start = STARTING_LEVEL[Experience.EXPERIENCED]
    assert f"Legs: level {start}" in reply["text"], reply["text"]
    assert "Upper body: level" in reply["text"], reply["text"]
    assert "Core" not in reply["text"], reply["text"]
    [standing] = await bot.say("how am I doing?")
    assert "Core" not in standing["text"], standing["text"]


async def test_a_lighter_week_never_raises_the_level_it_shows(
    bot: BotHarness, clock: FakeClock
) -> None:
    """Four weeks of sessions rated easy: the level shown after the lighter (4th) week's
    sessions is the level shown before them, as the next session says."""
    await onboard(bot)
    shown: list[int] = []
    for _ in range(28):
        [today] = await bot.say("/today")
        if "Done" in str(today.get("reply_markup")):
            await bot.say("done")
            await bot.say("easy")
        [levels] = await bot.say("what level am I?")
        shown.append(_legs_level(levels["text"]))
        clock.advance(days=1)
    # The walk starts on Thursday 26 Nov, in training week 1 (from Monday 23 Nov); week 4,
    # the lighter one, is Monday 14 to Sunday 20 Dec: days 18 to 24 of the walk.
    assert shown[24] == shown[17], shown
    assert shown[17] > shown[0], shown  # the level did rise in the weeks that count
    assert shown[-1] > shown[24], shown  # and rises again once the weeks count again
