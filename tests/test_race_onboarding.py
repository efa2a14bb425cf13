"""Issue 13, point 6: the race's distance is asked with its date (onboarding and /settings),
tapped or typed, stored, shown in the summary; a race set before the distance was asked is
coached as a half; the day before the race holds no strength session.

Through the real Application (testkit.harness.BotHarness); texts from content.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from bot.coach import answers as A
from bot.coach.phases import RECOVERY_DAYS, TAPER_DAYS
from bot.messages.callbacks import SetupButton
from bot.store import runners
from bot.store.db import transaction
from testkit.harness import BotHarness
from tests.onboarding_steps import (
    REST_DAY,
    T,
    a_session_day_ahead,
    at_nine,
    flat_labels,
    stored_runner,
    tap_through,
    texts_of,
)

RACE = date(2027, 4, 18)
LABELS = {
    "5k": T("race.distance_5k"),
    "10k": T("race.distance_10k"),
    "half": T("race.distance_half"),
    "marathon": T("race.distance_marathon"),
    "ultra": T("race.distance_ultra"),
}


def distance_line(distance: str) -> str:
    return T(
        "race.distance_line",
        distance=LABELS[distance],
        taper=T("race.taper_days", count=TAPER_DAYS[distance]),
        recovery=T("race.recovery_days", count=RECOVERY_DAYS[distance]),
    )


async def to_distance_question(bot: BotHarness) -> dict[str, Any]:
    """Onboarding up to the race date, the date typed: the distance question."""
    await tap_through(bot, race=None)
    replies = await bot.say("2027-04-18")
    assert texts_of(replies) == [T("race.ask_distance")]
    return replies[-1]


async def tap_distance(bot: BotHarness, question: dict[str, Any], distance: str) -> Any:
    data = SetupButton(A.RACE_DISTANCE, distance).pack()
    return await bot.press(question["message_id"], data)


@pytest.mark.parametrize("distance", list(LABELS))
async def test_the_distance_is_asked_after_the_race_date_and_tapped(
    bot: BotHarness, distance: str
) -> None:
    question = await to_distance_question(bot)
    assert flat_labels(question) == list(LABELS.values())
    replies = await tap_distance(bot, question, distance)
    summary = replies[-1]["text"]
    assert T("settings.race_line", day="18 Apr 2027") in summary
    assert distance_line(distance) in summary
    await bot.tap(T("buttons.looks_good"))
    runner = await stored_runner(bot)
    assert runner is not None
    assert (runner.race_date, runner.race_distance) == (RACE, distance)


@pytest.mark.parametrize(
    ("typed", "distance"),
    [
        ("half", "half"),
        ("Half marathon", "half"),
        ("21k", "half"),
        ("13.1 miles", "half"),
        ("marathon", "marathon"),
        ("42.2 km", "marathon"),
        ("10K", "10k"),
        ("5 km", "5k"),
        ("50k", "ultra"),
        ("ultra", "ultra"),
    ],
)
async def test_the_distance_can_be_typed(bot: BotHarness, typed: str, distance: str) -> None:
    await to_distance_question(bot)
    replies = await bot.say(typed)
    assert distance_line(distance) in replies[-1]["text"], typed
    await bot.tap(T("buttons.looks_good"))
    runner = await stored_runner(bot)
    assert runner is not None and runner.race_distance == distance


async def test_an_unreadable_distance_is_asked_again(bot: BotHarness) -> None:
    await to_distance_question(bot)
    replies = await bot.say("pretty far")
    assert T("race.reask_distance") in texts_of(replies)
    replies = await bot.say("marathon")
    assert distance_line("marathon") in replies[-1]["text"]


async def test_no_race_asks_no_distance(bot: BotHarness) -> None:
    replies = await tap_through(bot)  # "No race planned" tapped
    assert T("race.ask_distance") not in texts_of(replies)
    assert replies[-1]["text"].endswith(T("onboarding.confirm_prompt"))


async def test_a_race_without_a_distance_reads_as_a_half_and_settings_ask_it(
    bot: BotHarness,
) -> None:
    replies = await tap_through(bot, race=None)
    await bot.say("2027-04-18")
    await bot.say("marathon")
    await bot.tap(T("buttons.looks_good"))
    # A race set before this release: a date, no distance.
    async with transaction(bot.sessions) as session:
        runner = await runners.get_runner(session, bot.chat_id)
        assert runner is not None
        runner.race_distance = None
        session.add(runner)
    replies = await bot.say("/start")  # the runner's settings, as set up
    assert distance_line("half") in replies[0]["text"]
    await bot.tap(T("buttons.keep"))
    replies = await bot.say("/settings")
    await bot.tap(T("settings_field.race_date"), replies[-1])
    replies = await bot.say("2027-04-18")
    assert texts_of(replies) == [T("race.ask_distance")]
    replies = await bot.say("10k")
    assert distance_line("10k") in replies[-1]["text"]
    runner = await stored_runner(bot)
    assert runner is not None
    assert (runner.race_date, runner.race_distance) == (RACE, "10k")

    # The distance alone: keep the date with a tap.
    replies = await bot.say("/settings")
    await bot.tap(T("settings_field.race_date"), replies[-1])
    replies = await bot.tap(T("race.keep_date", day="18 Apr 2027"))
    assert texts_of(replies)[-1] == T("race.ask_distance")
    replies = await tap_distance(bot, replies[-1], "ultra")
    assert distance_line("ultra") in replies[-1]["text"]
    runner = await stored_runner(bot)
    assert runner is not None
    assert (runner.race_date, runner.race_distance) == (RACE, "ultra")


async def test_the_day_before_the_race_holds_no_session(bot: BotHarness, clock: Any) -> None:
    await tap_through(bot)
    await bot.tap(T("buttons.looks_good"))
    # A day that holds a session with no race set, a week or more ahead.
    eve = await a_session_day_ahead(bot, clock)
    clock.set(at_nine(date(2026, 11, 26)))
    menu = (await bot.say("/settings"))[-1]
    await bot.tap(T("settings_field.race_date"), menu)
    await bot.say((eve + timedelta(days=1)).isoformat())
    await bot.say("half")
    clock.set(at_nine(eve))
    eve_text = (await bot.say("/today"))[0]["text"]
    assert T("race.eve") in eve_text and REST_DAY not in eve_text
    # Two days before: a session again (race week's short core).
    clock.set(at_nine(eve - timedelta(days=1)))
    text = (await bot.say("/today"))[0]["text"]
    assert REST_DAY in text or T("phase.race_week") in text
