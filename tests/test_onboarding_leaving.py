"""Leaving and coming back: /cancel at any step, restarts and crashes mid-onboarding.

Part of the onboarding journeys (shared steps: tests/onboarding_steps.py).
"""

from __future__ import annotations

from datetime import time
from typing import Any

from bot.coach.week import Equipment, Experience, RunnerWeek
from bot.store import runners
from testkit.harness import CHAT, BotHarness
from tests.onboarding_steps import (
    MON,
    SAT,
    WED,
    T,
    callback_count,
    conversation_states,
    flat_labels,
    labels,
    onboard,
    question_text,
    stored_draft,
    stored_runner,
    tap_days,
    texts_of,
)

# ---- leaving, restarting -------------------------------------------------------------


async def test_cancel_leaves_cleanly_at_any_step(bot: BotHarness) -> None:
    async def run_days() -> None:
        await tap_days(bot, ("Mon", "Wed", "Sat"))

    async def long_run() -> None:
        await bot.tap("Sat")

    async def hard_days() -> None:
        await tap_days(bot, ("Wed",))

    def tap(label: str) -> Any:
        async def action() -> None:
            await bot.tap(label)

        return action

    async def timezone() -> None:
        await bot.say("Berlin")

    steps = [
        run_days,
        long_run,
        hard_days,
        tap(T("experience.some")),
        tap(T("equipment.dumbbells")),
        tap(T("buttons.yes")),
        tap(T("buttons.two")),
        tap("20 min"),
        tap("07:00"),
        timezone,
        tap(T("buttons.no_race")),  # → the summary
        tap(T("buttons.change")),  # → the change menu
        tap(T("settings_field.sessions")),  # → a question inside a change
    ]
    open_step = [
        "run_days",
        "long_run",
        "hard_days",
        "experience",
        "equipment",
        "pull_up_bar",
        "sessions",
        "time_budget",
        "reminder_time",
        "timezone",
        "race_date",
        "confirm",
        "change_menu",
        "sessions",
    ]
    for done in range(len(steps) + 1):
        replies = await bot.say("/start")
        # Every fresh start begins at the first question with nothing chosen.
        assert texts_of(replies)[-1] == question_text("ask_run_days"), done
        for step in steps[:done]:
            await step()
        asked = bot.stub.sent_messages(CHAT)[-1]
        assert (await stored_draft(bot))["step"] == open_step[done]

        replies = await bot.say("/cancel")
        assert texts_of(replies) == [question_text("cancelled")], done
        assert replies[0]["reply_markup"] == {"remove_keyboard": True}
        assert await stored_draft(bot) == {}, done
        assert await stored_runner(bot) is None, done
        assert await conversation_states(bot) == {}, done

        # The conversation is really over: an answer is not taken as one …
        replies = await bot.say("Berlin")
        assert texts_of(replies) == [T("misc.unknown_text")], done
        # … and the last question's buttons are answered as expired.
        if labels(asked):
            answered = callback_count(bot)
            replies = await bot.tap(flat_labels(asked)[0], message=asked)
            assert replies == [], done
            assert bot.callback_answers()[answered:] == [T("misc.stale_button")], done
        assert await stored_draft(bot) == {}, done
        assert await stored_runner(bot) is None, done


async def test_cancel_during_settings_or_a_redo_keeps_the_old_week(bot: BotHarness) -> None:
    await onboard(bot)
    runner = await stored_runner(bot)
    assert runner is not None
    before = (runners.week_of(runner), runner.next_reminder_utc)

    await bot.say("/settings")
    await bot.tap(T("settings_field.run_days"))
    await bot.tap("Sun")
    replies = await bot.say("/cancel")
    assert texts_of(replies) == [question_text("cancelled_settings")]

    await bot.say("/start")
    await bot.tap(T("buttons.redo"))
    await tap_days(bot, ("Tue",))
    replies = await bot.say("/cancel")
    assert texts_of(replies) == [question_text("cancelled")]

    runner = await stored_runner(bot)
    assert runner is not None
    assert (runners.week_of(runner), runner.next_reminder_utc) == before
    assert await stored_draft(bot) == {}
    assert await conversation_states(bot) == {}


async def test_a_restart_mid_onboarding_continues_at_the_same_question(
    bot: BotHarness,
) -> None:
    await bot.say("/start")
    await bot.tap("Mon")
    await bot.tap("Wed")
    await bot.restart()
    # Half a multi-select survives: the next tap adds to it.
    await bot.tap("Sat")
    assert (await stored_draft(bot))["answers"]["run_days"] == [MON, WED, SAT]
    assert bot.last_text() == question_text("ask_run_days_selected", days="Mon, Wed, Sat")
    await bot.tap(T("buttons.days_done"))
    await bot.tap("Sat")
    replies = await bot.say("wed")
    experience_question = replies[-1]
    assert experience_question["text"] == question_text("ask_experience")

    await bot.restart()
    draft = await stored_draft(bot)
    assert draft["step"] == "experience"
    assert draft["answers"]["hard_days"] == [WED]
    # /start after the restart repeats the open question, no welcome, nothing lost.
    replies = await bot.say("/start")
    assert texts_of(replies) == [question_text("ask_experience")]
    # The button under the question sent before the restart still works.
    replies = await bot.tap(T("experience.some"), message=experience_question)
    assert texts_of(replies)[-1] == question_text("ask_equipment")

    await bot.say("dumbbells")
    await bot.say("no")
    await bot.say("3")
    await bot.say("20 min")
    await bot.say("7:30")
    await bot.restart()
    await bot.say("Berlin")
    await bot.restart()
    replies = await bot.say("no race")
    summary = replies[-1]
    assert summary["text"].endswith(question_text("confirm_prompt"))
    await bot.restart()
    replies = await bot.tap(T("buttons.looks_good"), message=summary)
    assert texts_of(replies)[-1].startswith(T("onboarding.finished", next_line="")[:8])

    runner = await stored_runner(bot)
    assert runner is not None
    assert runners.week_of(runner) == RunnerWeek(
        run_days=frozenset({MON, WED, SAT}),
        long_run_day=SAT,
        hard_days=frozenset({WED}),
        experience=Experience.SOME,
        equipment=Equipment.DUMBBELLS,
        pull_up_bar=False,
        sessions_per_week=3,
        reminder_time=time(7, 30),
        timezone="Europe/Berlin",
    )


async def test_a_crash_right_after_an_answer_still_continues_at_the_same_question(
    bot: BotHarness,
) -> None:
    await bot.say("/start")
    await bot.say("mon wed sat")
    await bot.say("sat")
    await bot.say("wed")
    await bot.say("new")
    await bot.say("none")
    await bot.say("no")
    await bot.say("2")
    await bot.say("20")
    await bot.say("7:00")
    assert (await stored_draft(bot))["step"] == "timezone"
    # The process dies (no graceful shutdown, so nothing is flushed) and comes back.
    crashed = bot.app
    bot.app = None
    await bot.start()
    try:
        replies = await bot.say("Berlin")
        assert texts_of(replies)[0] == question_text(
            "timezone_confirmed_zone", zone="Europe/Berlin", local_time="07:00"
        )
    finally:
        await crashed.shutdown()
