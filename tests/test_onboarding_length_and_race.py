"""Session length and race date: typed in any common way, kept sensible, changed from the
summary, and what they do to the sessions.

Part of the onboarding journeys (shared steps: tests/onboarding_steps.py).
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.coach.phases import FIVE_K, HALF, MARATHON, RECOVERY_DAYS, TAPER_DAYS, TEN_K, ULTRA
from bot.coach.plan import plan_for_date
from bot.coach.week import Focus
from bot.store import runners
from testkit.harness import CHAT, BotHarness
from testkit.harness import onboard as onboard_by_typing
from tests.onboarding_steps import (
    DEFAULT_WEEK,
    TODAY,
    T,
    flat_labels,
    question_text,
    stored_draft,
    stored_runner,
    tap_through,
    texts_of,
)

# ---- session length and race date ----------------------------------------------------


def about_minutes(today_text: str) -> int:
    """The "about N min" of a /today message."""
    return int(today_text.split("about ")[1].split(" min")[0])


async def test_session_length_can_be_typed_in_any_common_way(bot: BotHarness) -> None:
    await tap_through(bot, sessions="buttons.two", budget=T("buttons.no_limit"))
    for typed, minutes in (
        ("20", 20),
        ("20 min", 20),
        ("10 minutes", 10),
        ("half an hour", 30),
        ("about 15", 15),
        ("an hour", 60),
        ("1h", 60),
        ("twenty", 20),
        ("20-30 min", 30),
        (T("buttons.minutes", minutes=10), 10),
        ("no limit", None),
        ("25'", 25),
        ("no", None),
    ):
        await bot.tap(T("buttons.change"))
        replies = await bot.tap(T("settings_field.time_budget"))
        assert texts_of(replies) == [question_text("ask_time_budget")]
        replies = await bot.say(typed)
        # Straight back to the summary, showing the new length.
        assert len(replies) == 1 and replies[0]["text"].endswith(question_text("confirm_prompt"))
        expected = (
            T("settings.budget_line", minutes=minutes)
            if minutes
            else question_text("summary_no_budget")
        )
        assert expected in replies[0]["text"], typed
        assert (await stored_draft(bot))["answers"]["time_budget"] == minutes, typed
    await bot.tap(T("buttons.looks_good"))
    runner = await stored_runner(bot)
    assert runner is not None and runner.time_budget is None


async def test_nonsense_session_length_is_asked_again_kindly(bot: BotHarness) -> None:
    await bot.say("/start")
    for answer in ("mon wed sat", "sat", "wed", "new", "none", "no", "3"):
        await bot.say(answer)
    for nonsense in ("as long as my coffee lasts", "7am", "3", "three hours", "🤷"):
        replies = await bot.say(nonsense)
        assert texts_of(replies) == [question_text("reask_time_budget")], nonsense
        assert flat_labels(replies[-1])[-1] == T("buttons.no_limit")
        draft = await stored_draft(bot)
        assert draft["step"] == "time_budget" and "time_budget" not in draft["answers"]
    replies = await bot.tap("30 min")
    assert texts_of(replies)[-1] == question_text("ask_reminder_time")
    assert (await stored_draft(bot))["answers"]["time_budget"] == 30


async def test_a_race_date_can_be_typed_and_is_kept_within_a_year(bot: BotHarness) -> None:
    # Today is Thursday 26 November 2026 in Berlin.
    await tap_through(bot, race=None)
    distances = iter(
        (
            ("half", HALF),
            ("10k", TEN_K),
            ("42.2 km", MARATHON),
            ("5 km", FIVE_K),
            ("Ultra", ULTRA),  # the button's label, typed
            ("marathon", MARATHON),
            ("21k", HALF),
        )
    )
    for typed, expected in (
        ("12 April", date(2027, 4, 12)),  # no year: the next 12 April
        ("2026-12-06", date(2026, 12, 6)),
        ("6.12.", date(2026, 12, 6)),
        ("March 21 2027", date(2027, 3, 21)),
        ("someday", None),
        ("today", date(2026, 11, 26)),  # read by dateparser
        ("26 Nov", date(2026, 11, 26)),  # race day today still counts
        ("25 Nov", date(2027, 11, 25)),  # without a year, yesterday means next year's
    ):
        replies = await bot.say(typed)
        if expected is None:
            assert texts_of(replies)[0] == question_text("reask_race_date"), typed
            continue
        # A race date is followed by its distance, asked once, before the summary.
        assert texts_of(replies) == [T("race.ask_distance")], typed
        assert (await stored_draft(bot))["answers"]["race_date"] == expected.isoformat()
        said, distance = next(distances)
        replies = await bot.say(said)
        summary = replies[-1]["text"]
        assert summary.endswith(question_text("confirm_prompt")), typed
        assert T("settings.race_line", day=T.short_date(expected, year=True)) in summary, typed
        assert (
            T(
                "race.distance_line",
                distance=T(f"race.distance_{distance}"),
                taper=T("race.taper_days", count=TAPER_DAYS[distance]),
                recovery=T("race.recovery_days", count=RECOVERY_DAYS[distance]),
            )
            in summary
        ), said
        answers = (await stored_draft(bot))["answers"]
        assert (answers["race_date"], answers["race_distance"]) == (expected.isoformat(), distance)
        await bot.tap(T("buttons.change"))
        await bot.tap(T("settings_field.race_date"))

    # With a race set, the question offers to keep its date (and set only the distance).
    keep = T("race.keep_date", day="25 Nov 2027")
    for typed, key in (
        ("2026-11-25", "race_date_past"),
        ("1 May 2026", "race_date_past"),
        ("2027-11-28", "race_date_too_far"),
        ("April 2028", "reask_race_date"),
    ):
        replies = await bot.say(typed)
        assert texts_of(replies) == [question_text(key)], typed
        assert flat_labels(replies[0]) == [keep, T("buttons.no_race")], typed
        assert (await stored_draft(bot))["step"] == "race_date"

    replies = await bot.say("No race planned")  # the button's label, typed
    assert "🏁" not in replies[-1]["text"]
    assert (await stored_draft(bot))["answers"]["race_date"] is None


async def test_the_race_date_uses_the_runners_own_today(bot: BotHarness) -> None:
    # 06:00 UTC on Thursday is still Wednesday 25 November in Los Angeles: "25 Nov" is today.
    await tap_through(bot, zone="Los Angeles", race=None)
    await bot.say("25 Nov")
    replies = await bot.say("10k")  # the distance, asked right after the date
    assert T("settings.race_line", day="25 Nov 2026") in replies[-1]["text"]


async def test_session_length_and_race_date_are_changed_from_the_summary_and_saved(
    bot: BotHarness,
) -> None:
    await tap_through(bot, race=None)
    [budget_question] = [
        m
        for m in bot.stub.sent_messages(CHAT)
        if m["method"] == "sendMessage" and m["text"] == question_text("ask_time_budget")
    ]
    await bot.say("2027-04-18")
    replies = await bot.say("half")  # the distance, asked right after the date
    summary = replies[-1]["text"]
    assert T("settings.budget_line", minutes=20) in summary
    assert T("settings.race_line", day="18 Apr 2027") in summary

    # Session length: 20 → 10, tapped; only that is asked, then the summary again.
    await bot.tap(T("buttons.change"))
    replies = await bot.tap(T("settings_field.time_budget"))
    assert texts_of(replies) == [question_text("ask_time_budget")]
    replies = await bot.tap("10 min")
    assert replies[-1]["text"].endswith(question_text("confirm_prompt"))
    assert T("settings.budget_line", minutes=10) in replies[-1]["text"]
    assert T("settings.race_line", day="18 Apr 2027") in replies[-1]["text"]

    # A late tap on the first session-length question (a slow network): answered kindly,
    # nothing changes.
    replies = await bot.press(budget_question["message_id"], "ob:time_budget:30")
    assert texts_of(replies)[0] == question_text("stale_step")
    assert replies[-1]["text"].endswith(question_text("confirm_prompt"))
    assert (await stored_draft(bot))["answers"]["time_budget"] == 10

    # Race date: typed anew, then dropped with the button.
    await bot.tap(T("buttons.change"))
    replies = await bot.tap(T("settings_field.race_date"))
    assert texts_of(replies) == [question_text("ask_race_date")]
    replies = await bot.say("6 Dec")
    assert texts_of(replies) == [T("race.ask_distance")]  # asked again with a new date
    replies = await bot.tap(T("race.distance_10k"))
    assert T("settings.race_line", day="6 Dec 2026") in replies[-1]["text"]
    await bot.tap(T("buttons.change"))
    await bot.tap(T("settings_field.race_date"))
    replies = await bot.tap(T("buttons.no_race"))
    assert "🏁" not in replies[-1]["text"]
    await bot.tap(T("buttons.change"))
    await bot.tap(T("settings_field.race_date"))
    await bot.say("2026-12-13")
    await bot.say("marathon")

    await bot.tap(T("buttons.looks_good"))
    runner = await stored_runner(bot)
    assert runner is not None
    assert (runner.time_budget, runner.race_date) == (10, date(2026, 12, 13))
    assert runner.race_distance == MARATHON
    assert runners.week_of(runner) == DEFAULT_WEEK

    # /start afterwards shows them with the week.
    replies = await bot.say("/start")
    assert T("settings.budget_line", minutes=10) in replies[0]["text"]
    assert T("settings.race_line", day="13 Dec 2026") in replies[0]["text"]


@pytest.mark.parametrize(
    ("typed", "short"),
    [
        pytest.param("10", True, id="10-minutes"),
        pytest.param("no limit", False, id="no-limit"),
    ],
)
async def test_a_session_after_onboarding_fits_the_length_chosen(
    bot: BotHarness, typed: str, short: bool
) -> None:
    # Legs on Thursdays (today) under the plan (3 sessions: legs, legs, upper): even the
    # first session of an experienced runner (easy variants of moves never done) takes
    # well over 12 minutes in full.
    await onboard_by_typing(bot, experience="experienced", equipment="gym", time_budget=typed)
    runner = await stored_runner(bot)
    assert runner is not None and runner.time_budget == (10 if short else None)
    focus = plan_for_date(runners.week_of(runner), TODAY)
    assert focus is Focus.LEGS
    [today] = await bot.say("/today")
    assert today["text"].startswith(T(f"focus_icon.{focus.value}"))
    assert (about_minutes(today["text"]) <= 12) is short, today["text"]


async def test_a_race_date_given_in_onboarding_brings_the_taper(bot: BotHarness) -> None:
    await onboard_by_typing(bot, race_date="6 Dec")  # ten days ahead
    runner = await stored_runner(bot)
    assert runner is not None and runner.race_date == date(2026, 12, 6)
    [today] = await bot.say("/today")
    assert T("phase.taper") in today["text"]
