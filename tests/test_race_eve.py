"""Issue 13, point 6: nothing strength-wise the day before the race — /today, /week and
its count agree (race eve is like race day: no session, no miss, not planned)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from testkit.harness import BotHarness
from tests.onboarding_steps import REST_DAY, T, a_session_day_ahead, at_nine, tap_through


def line_of(text: str, day: date) -> str:
    short = T.weekday(day.weekday(), "abbreviated")
    return next(line for line in text.splitlines() if f" {short} — " in line)


def count_of(text: str) -> str:
    return text.strip().splitlines()[-1]


async def test_race_eve_holds_no_session_in_today_week_and_the_count(
    bot: BotHarness, clock: Any
) -> None:
    await tap_through(bot)
    await bot.tap(T("buttons.looks_good"))
    eve = await a_session_day_ahead(bot, clock)
    monday = eve - timedelta(days=eve.weekday())
    clock.set(at_nine(monday))
    before = (await bot.say("/week"))[0]["text"]
    menu = (await bot.say("/settings"))[-1]
    await bot.tap(T("settings_field.race_date"), menu)
    await bot.say((eve + timedelta(days=1)).isoformat())
    await bot.say("half")
    clock.set(at_nine(eve))
    today = (await bot.say("/today"))[0]["text"]
    # One piece of advice: the race line, then the next session (not a rest-day line too).
    assert T("race.eve") in today and REST_DAY not in today
    week = (await bot.say("/week"))[0]["text"]
    assert not any(T(f"focus.{f}") in line_of(week, eve) for f in ("core", "legs", "upper"))
    assert count_of(week) != count_of(before)  # one session fewer planned
    clock.set(at_nine(eve + timedelta(days=2)))
    week = (await bot.say("/week"))[0]["text"]
    assert line_of(week, eve).startswith(T("week.marker_rest"))  # no miss either


async def test_week_names_race_day_as_the_race(bot: BotHarness, clock: Any) -> None:
    """Re-test: /week on race day showed the run usually on that day ("🏃 long run")."""
    await tap_through(bot)
    await bot.tap(T("buttons.looks_good"))
    race = date(2026, 12, 5)  # a Saturday: the long run's day in this runner's week
    menu = (await bot.say("/settings"))[-1]
    await bot.tap(T("settings_field.race_date"), menu)
    await bot.say(race.isoformat())
    await bot.say("half")
    clock.set(at_nine(race))
    week = (await bot.say("/week"))[0]["text"]
    assert T("race.week_line") in line_of(week, race), line_of(week, race)
    assert T("onboarding.summary_long") not in line_of(week, race)
