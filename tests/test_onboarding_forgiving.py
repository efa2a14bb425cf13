"""Typed onboarding forgives (issue 12): misspellings, plurals and ordinals, "noon" and
"nah", a country or an offset for the timezone, changing one's mind mid-way, a rejected
answer in one message, and a typed yes at the summary.

Part of the onboarding journeys (shared steps: tests/onboarding_steps.py); the words
themselves are tested in tests/test_onboarding_forgiving_words.py.
"""

from __future__ import annotations

from datetime import date

import pytest

from testkit.harness import BotHarness
from tests.onboarding_steps import (
    FRI,
    MON,
    SAT,
    SUN,
    WED,
    T,
    flat_labels,
    question_text,
    stored_draft,
    stored_runner,
    tap_through,
    texts_of,
)


async def answer_up_to(bot: BotHarness, step: str, answers: tuple[str, ...]) -> None:
    """/start, then the typed ``answers`` in turn until the draft is at ``step``."""
    await bot.say("/start")
    for answer in answers:
        if (await stored_draft(bot))["step"] == step:
            return
        await bot.say(answer)
    assert (await stored_draft(bot))["step"] == step


DEFAULT_TYPED = ("mon wed sat", "sat", "wed", "new", "none", "no", "3", "20", "7:00", "Berlin")


async def test_a_runner_who_types_like_a_person_is_understood_at_every_question(
    bot: BotHarness,
) -> None:
    await bot.say("/start")
    replies = await bot.say("monday, wendsday and Saturdays")
    assert texts_of(replies) == [question_text("ask_long_run")]
    replies = await bot.say("saturdays")
    assert texts_of(replies) == [question_text("ask_hard_days")]
    replies = await bot.say("wendsday")
    assert texts_of(replies) == [question_text("ask_experience")]
    replies = await bot.say("I'm a beginer")
    assert texts_of(replies) == [question_text("ask_equipment")]
    replies = await bot.say("dumbells")
    assert texts_of(replies) == [question_text("ask_pull_up_bar")]
    replies = await bot.say("nah")
    assert texts_of(replies) == [question_text("ask_sessions")]
    await bot.say("2")
    await bot.say("20")
    replies = await bot.say("noon")
    assert texts_of(replies) == [question_text("ask_timezone")]
    replies = await bot.say("Berln")
    assert texts_of(replies) == [
        question_text(
            "timezone_confirmed", zone="Europe/Berlin", place="Berlin, DE", local_time="07:00"
        ),
        question_text("ask_race_date"),
    ]
    replies = await bot.say("18th April")
    assert texts_of(replies) == [T("race.ask_distance")]  # the distance follows the date
    replies = await bot.say("13.1 miles")
    assert replies[-1]["text"].endswith(question_text("confirm_prompt"))
    replies = await bot.say("yes looks good")
    assert texts_of(replies)[0].startswith(T("onboarding.finished", next_line="")[:8])

    runner = await stored_runner(bot)
    assert runner is not None and runner.onboarded
    assert runner.run_days == "0,2,5" and runner.long_run_day == SAT
    assert runner.hard_days == "2"
    assert (runner.experience, runner.equipment, runner.pull_up_bar) == ("new", "dumbbells", False)
    assert runner.reminder_time == "12:00" and runner.timezone == "Europe/Berlin"
    assert runner.race_date == date(2027, 4, 18)
    assert runner.race_distance == "half"
    assert await stored_draft(bot) == {}


@pytest.mark.parametrize(
    ("step", "typed", "key", "expected"),
    [
        pytest.param("long_run", "nah", "long_run_day", None, id="no-long-run"),
        pytest.param("hard_days", "nah", "hard_days", [], id="no-hard-days"),
        pytest.param("reminder_time", "midnight", "reminder_time", "00:00", id="midnight"),
        pytest.param("reminder_time", "half past 6", "reminder_time", "06:30", id="half-past"),
        pytest.param("reminder_time", "nah", "reminder_time", None, id="no-reminders"),
        pytest.param("race_date", "nah", "race_date", None, id="no-race"),
        pytest.param("race_date", "the 3rd of May", "race_date", "2027-05-03", id="ordinal"),
    ],
)
async def test_casual_answers_are_taken(
    bot: BotHarness, step: str, typed: str, key: str, expected: object
) -> None:
    await answer_up_to(bot, step, DEFAULT_TYPED)
    await bot.say(typed)
    draft = await stored_draft(bot)
    assert draft["step"] != step, typed
    assert draft["answers"][key] == expected


@pytest.mark.parametrize(
    ("step", "typed", "reask"),
    [
        pytest.param("run_days", "someday", "reask_run_days", id="someday"),
        pytest.param("run_days", "friends", "reask_run_days", id="friends"),
        pytest.param("experience", "maybe", "reask_experience", id="maybe"),
        pytest.param("equipment", "a rowing machine", "reask_equipment", id="rowing"),
        pytest.param("reminder_time", "soonish", "reask_reminder_time", id="soonish"),
        pytest.param("race_date", "18th", "reask_race_date", id="no-month"),
    ],
)
async def test_what_only_looks_like_an_answer_is_asked_again_in_one_message(
    bot: BotHarness, step: str, typed: str, reask: str
) -> None:
    await answer_up_to(bot, step, DEFAULT_TYPED)
    before = await stored_draft(bot)
    replies = await bot.say(typed)
    # One message: what is expected, with the question's buttons under it.
    assert texts_of(replies) == [question_text(reask, days="Mon, Wed, Sat")], typed
    assert flat_labels(replies[0]), typed
    assert await stored_draft(bot) == before


@pytest.mark.parametrize("typed", ["later", "here", "lalala", "Xyzzyville"])
async def test_a_word_close_to_a_small_town_is_not_taken_for_it(
    bot: BotHarness, typed: str
) -> None:
    await answer_up_to(bot, "timezone", DEFAULT_TYPED)
    replies = await bot.say(typed)
    assert texts_of(replies) == [question_text("reask_timezone", text=typed)]
    assert "timezone" not in (await stored_draft(bot))["answers"]


async def test_a_country_with_one_timezone_is_taken(bot: BotHarness) -> None:
    await tap_through(bot, zone="UK", race="buttons.no_race")
    replies = await bot.say("yes")
    assert texts_of(replies)[0].startswith(T("onboarding.finished", next_line="")[:8])
    runner = await stored_runner(bot)
    assert runner is not None and runner.timezone == "Europe/London"


async def test_a_country_with_several_timezones_asks_which_city(bot: BotHarness) -> None:
    replies = await tap_through(bot, zone="USA", race=None)
    assert texts_of(replies) == [question_text("which_zone", place="USA")]
    cities = flat_labels(replies[0])
    assert cities[:3] == ["New York City", "Chicago", "Los Angeles"]
    assert (await stored_draft(bot))["step"] == "timezone"
    replies = await bot.tap("Chicago")
    assert texts_of(replies) == [
        question_text("timezone_confirmed_zone", zone="America/Chicago", local_time="00:00"),
        question_text("ask_race_date"),
    ]
    assert flat_labels(replies[0]) == []  # the choice is closed
    await bot.tap(T("buttons.no_race"))
    await bot.tap(T("buttons.looks_good"))
    runner = await stored_runner(bot)
    assert runner is not None and runner.timezone == "America/Chicago"


async def test_a_typed_city_still_answers_a_country_choice(bot: BotHarness) -> None:
    replies = await tap_through(bot, zone="Australia", race=None)
    assert texts_of(replies) == [question_text("which_zone", place="Australia")]
    replies = await bot.say("Perth")
    assert texts_of(replies)[-1] == question_text("ask_race_date")
    assert (await stored_draft(bot))["answers"]["timezone"] == "Australia/Perth"


@pytest.mark.parametrize(
    ("tapped", "zone"),
    [
        pytest.param("Berlin, DE", "Europe/Berlin", id="a-real-zone"),
        pytest.param("GMT+1 all year", "Etc/GMT-1", id="the-fixed-offset"),
    ],
)
async def test_an_offset_offers_the_real_zones_at_it_and_the_offset_itself(
    bot: BotHarness, tapped: str, zone: str
) -> None:
    replies = await tap_through(bot, zone="GMT+1", race=None)
    assert texts_of(replies) == [question_text("which_zone_offset", place="GMT+1")]
    offered = flat_labels(replies[0])
    assert {"Berlin, DE", "Paris, FR"} <= set(offered)
    assert offered[-1] == question_text("zone_fixed_offset", place="GMT+1")
    await bot.tap(tapped)
    await bot.tap(T("buttons.no_race"))
    await bot.tap(T("buttons.looks_good"))
    runner = await stored_runner(bot)
    assert runner is not None and runner.timezone == zone


async def test_actually_i_also_run_on_fridays_goes_back_to_the_run_days(bot: BotHarness) -> None:
    await answer_up_to(bot, "experience", DEFAULT_TYPED)
    replies = await bot.say("actually I also run on fridays")
    assert texts_of(replies) == [
        question_text("going_back")
        + "\n\n"
        + question_text("ask_run_days_selected", days="Mon, Wed, Fri, Sat")
    ]
    draft = await stored_draft(bot)
    assert draft["step"] == "run_days"
    assert draft["answers"]["run_days"] == [MON, WED, FRI, SAT]
    # Done: the answers that hang on the run days, then back where the runner was.
    replies = await bot.tap(T("buttons.days_done"))
    assert texts_of(replies)[-1] == question_text("ask_long_run")
    await bot.say("sat")
    replies = await bot.say("wed fri")
    assert texts_of(replies) == [question_text("ask_experience")]
    for answer in DEFAULT_TYPED[3:]:
        await bot.say(answer)
    await bot.say("no race")
    await bot.say("looks good")
    runner = await stored_runner(bot)
    assert runner is not None
    assert runner.run_days == "0,2,4,5" and runner.hard_days == "2,4"


async def test_a_change_of_mind_at_the_summary_comes_back_to_the_summary(
    bot: BotHarness,
) -> None:
    await tap_through(bot)
    replies = await bot.say("oh wait, my long run is on sunday")
    assert texts_of(replies) == [
        question_text("long_run_changed", day=T.weekday(6)),
        question_text("ask_hard_days_selected", days="Wed"),
    ]
    replies = await bot.tap(T("buttons.days_done"))
    assert replies[-1]["text"].endswith(question_text("confirm_prompt"))
    replies = await bot.say("👍")
    runner = await stored_runner(bot)
    assert runner is not None and runner.long_run_day == SUN
    assert runner.run_days == "0,2,5,6"


async def test_a_hedged_answer_answers_the_question_at_hand(bot: BotHarness) -> None:
    # At the long run, "actually sunday" is the answer itself, not a change of run days.
    await answer_up_to(bot, "run_days", DEFAULT_TYPED)
    await bot.say("mon wed sun")
    replies = await bot.say("actually sunday")
    assert texts_of(replies) == [question_text("ask_hard_days")]
    draft = await stored_draft(bot)
    assert draft["answers"]["run_days"] == [MON, WED, SUN]
    assert draft["answers"]["long_run_day"] == SUN


@pytest.mark.parametrize("typed", ["yes", "Yes!", "yes looks good", "looks good 👍", "ok", "✅"])
async def test_a_typed_yes_at_the_summary_confirms(bot: BotHarness, typed: str) -> None:
    await tap_through(bot)
    replies = await bot.say(typed)
    assert texts_of(replies)[0].startswith(T("onboarding.finished", next_line="")[:8]), typed
    runner = await stored_runner(bot)
    assert runner is not None and runner.onboarded
    assert await stored_draft(bot) == {}


@pytest.mark.parametrize("typed", ["no", "change something"])
async def test_a_typed_no_at_the_summary_opens_the_change_menu(bot: BotHarness, typed: str) -> None:
    await tap_through(bot)
    replies = await bot.say(typed)
    assert texts_of(replies) == [question_text("change_which")]
    replies = await bot.say("timezone")  # an answer's name, typed, opens it
    assert texts_of(replies) == [question_text("ask_timezone")]


@pytest.mark.parametrize("typed", ["yes but later", "what?", "hmm"])
async def test_anything_else_at_the_summary_is_one_short_message(
    bot: BotHarness, typed: str
) -> None:
    await tap_through(bot)
    replies = await bot.say(typed)
    assert texts_of(replies) == [question_text("reask_confirm")]
    assert flat_labels(replies[0]) == [T("buttons.looks_good"), T("buttons.change")]
    assert (await stored_runner(bot)) is None


async def test_a_change_of_run_days_at_the_hard_days_question_is_not_a_hard_day(
    bot: BotHarness,
) -> None:
    # Friday is a run day already offered as a hard day: "I also run on fridays" still
    # speaks of running, so it is no answer to "which days are hard?".
    await answer_up_to(bot, "hard_days", ("mon wed fri sat", "sat"))
    replies = await bot.say("actually I also run on fridays")  # as said: no change
    assert texts_of(replies) == [question_text("reask_hard_days", days="Mon, Wed, Fri, Sat")]
    assert (await stored_draft(bot))["answers"]["hard_days"] == []
    replies = await bot.say("actually I also run on tuesdays")
    assert texts_of(replies)[0].startswith(question_text("going_back"))
    draft = await stored_draft(bot)
    assert draft["step"] == "run_days" and draft["answers"]["hard_days"] == []
    assert draft["answers"]["run_days"] == [MON, 1, WED, FRI, SAT]
    replies = await bot.say("done")
    assert texts_of(replies) == [question_text("ask_long_run")]
    replies = await bot.say("sat")
    assert texts_of(replies) == [question_text("ask_hard_days")]
    replies = await bot.say("actually tuesday")  # the question at hand, hedged
    assert texts_of(replies) == [question_text("ask_experience")]
    assert (await stored_draft(bot))["answers"]["hard_days"] == [1]


async def test_settings_take_a_country_and_a_city_of_its_choice(bot: BotHarness) -> None:
    await tap_through(bot)
    await bot.tap(T("buttons.looks_good"))
    await bot.say("/settings")
    await bot.tap(T("settings_field.timezone"))
    replies = await bot.say("United States")
    assert texts_of(replies) == [question_text("which_zone", place="United States")]
    replies = await bot.tap("Denver")
    assert texts_of(replies)[-1].startswith(T("settings.saved"))
    runner = await stored_runner(bot)
    assert runner is not None and runner.timezone == "America/Denver"
    assert await stored_draft(bot) == {}
