"""/week's marks explained (issue 12, point 13: a one-line legend) and a week with no
legs session told why (point 8: six hard days leave no day for heavy legs)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.coach.week import RunnerWeek
from testkit.harness import BotHarness, onboard, shared_content

BERLIN = ZoneInfo("Europe/Berlin")
T = shared_content().texts


def legend_of(text: str) -> str:
    [line] = [line for line in text.splitlines() if " · " in line and "—" not in line]
    return line


async def test_week_has_a_one_line_legend_of_the_marks_it_shows(
    bot: BotHarness, clock: Any
) -> None:
    await onboard(bot)
    [week] = await bot.say("/week")  # Thursday: today, and Saturday to do
    assert legend_of(week["text"]) == "👉 today · ▫️ to do"
    await bot.say("done")
    clock.set(datetime(2026, 11, 28, 9, 0, tzinfo=BERLIN))  # Saturday
    [session] = await bot.say("/today")
    await bot.tap("Skip", session)
    [week] = await bot.say("/week")
    assert legend_of(week["text"]) == "✅ done · ⏭ skipped"


async def test_a_week_with_six_hard_days_says_why_there_is_no_legs_session(
    bot: BotHarness,
) -> None:
    await onboard(
        bot,
        run_days="mon tue wed thu fri sat sun",
        long_run="sun",
        hard_days="mon tue wed thu fri sat",
        sessions="2",
    )
    [week] = await bot.say("/week")
    assert "Legs" not in week["text"].split("No legs session")[0]
    assert (
        "<b>No legs session this week:</b> heavy leg work needs a day that isn't your long "
        "run, the day before or after it, or the day before a hard run — and hard runs on 6 "
        "days and the long run on Sunday leave none."
    ) in week["text"], week["text"]


async def test_a_week_with_legs_says_nothing_about_them(bot: BotHarness) -> None:
    await onboard(bot)
    [week] = await bot.say("/week")
    assert "No legs session" not in week["text"]


def test_no_legs_line_names_the_runs_that_leave_no_day() -> None:
    """For the onboarding summary and the weekly preview too."""
    from bot.messages.week import no_legs_line  # here: the journeys above run without it

    six_hard = RunnerWeek(run_days=frozenset(range(7)), hard_days=frozenset(range(6)))
    assert no_legs_line(T, six_hard) is None  # no long run: Sunday is free for legs
    every_day = RunnerWeek(run_days=frozenset(range(7)), hard_days=frozenset(range(7)))
    line = no_legs_line(T, every_day)
    assert line is not None and "hard runs on 7 days leave none" in line
    with_long = RunnerWeek(
        run_days=frozenset(range(7)), long_run_day=6, hard_days=frozenset(range(6))
    )
    line = no_legs_line(T, with_long)
    assert line is not None and "hard runs on 6 days and the long run on Sunday" in line
