"""Changing answers: from the summary before confirming, /start again (keep or redo), and
/settings for one answer.

Part of the onboarding journeys (shared steps: tests/onboarding_steps.py).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time

from bot.coach.plan import plan_week, week_index_of
from bot.coach.week import Equipment, Experience, Focus, RunnerWeek
from bot.store import runners
from bot.store.models import Reminder, Runner
from testkit.harness import BotHarness
from tests.onboarding_steps import (
    BERLIN,
    DEFAULT_WEEK,
    FRI,
    MON,
    NEW_YORK,
    SAT,
    SUN,
    THIS_MONDAY,
    THU,
    TUE,
    WED,
    T,
    all_rows,
    current,
    flat_labels,
    labels,
    onboard,
    question_text,
    stored_draft,
    stored_runner,
    summary_lines,
    tap_through,
    texts_of,
)

# ---- changing answers ----------------------------------------------------------------


async def test_change_something_edits_one_answer_and_returns_to_the_summary(
    bot: BotHarness,
) -> None:
    replies = await tap_through(bot)
    first_summary = replies[-1]
    before = (await stored_draft(bot))["answers"]

    replies = await bot.tap(T("buttons.change"))
    assert "reply_markup" not in current(bot, first_summary)
    assert texts_of(replies) == [question_text("change_which")]
    # Every answer can be changed, listed in the order they were asked.
    assert flat_labels(replies[0]) == [
        *(T(f"settings_field.{name}") for name in ("run_days", "long_run", "hard_days")),
        *(T(f"settings_field.{name}") for name in ("experience", "equipment", "sessions")),
        T("settings_field.time_budget"),
        T("settings_field.reminder_time"),
        T("settings_field.timezone"),
        T("settings_field.race_date"),
        T("buttons.back"),
    ]

    # One answer: sessions 3 → 2; back to the summary at once, nothing else asked.
    replies = await bot.tap(T("settings_field.sessions"))
    assert texts_of(replies) == [question_text("ask_sessions")]
    replies = await bot.tap(T("buttons.two"))
    assert len(replies) == 2  # the closed question (edit) and the summary
    assert replies[-1]["text"].endswith(question_text("confirm_prompt"))
    # Two sessions in this runner's week (Mon/Wed legs fit 48 h apart): two leg sessions.
    assert question_text("summary_sessions_two_legs", count=2) in replies[-1]["text"]
    after = (await stored_draft(bot))["answers"]
    assert after == {**before, "sessions": 2}

    # Run days drag long-run and hard days along: those are asked again, prefilled.
    await bot.tap(T("buttons.change"))
    replies = await bot.tap(T("settings_field.run_days"))
    assert texts_of(replies) == [question_text("ask_run_days_selected", days="Mon, Wed, Sat")]
    await bot.tap("Sat")  # no longer a run day
    await bot.tap("Sun")
    replies = await bot.tap(T("buttons.days_done"))
    assert texts_of(replies)[-1] == question_text("ask_long_run")
    assert labels(replies[-1])[0] == ["Mon", "Wed", "Sun"]
    await bot.tap("Sun")
    replies = await bot.tap(T("buttons.days_done"))  # hard days: Wed kept from before
    summary = replies[-1]["text"]
    lines = summary_lines(summary)
    assert not lines["Sat"].startswith("🏃"), lines  # Saturday is no run day any more
    assert lines["Sun"].startswith(T("onboarding.summary_long"))
    assert lines["Wed"].startswith(T("onboarding.summary_hard"))
    assert lines["Mon"].startswith(T("onboarding.summary_run"))
    new_plan = plan_week(
        RunnerWeek(
            run_days=frozenset({MON, WED, SUN}),
            long_run_day=SUN,
            hard_days=frozenset({WED}),
            sessions_per_week=2,
        ),
        week_index_of(THIS_MONDAY),
    )
    for day, focus in new_plan.sessions.items():
        assert lines[T.weekday(day, "abbreviated")].endswith(T(f"focus.{focus.value}"))

    # Back from the menu: the summary again, unchanged.
    await bot.tap(T("buttons.change"))
    replies = await bot.tap(T("buttons.back"))
    assert replies[-1]["text"] == summary

    await bot.tap(T("buttons.looks_good"))
    runner = await stored_runner(bot)
    assert runner is not None
    week = runners.week_of(runner)
    assert week.run_days == {MON, WED, SUN}
    assert week.long_run_day == SUN
    assert week.hard_days == {WED}
    assert week.sessions_per_week == 2
    assert (week.experience, week.equipment, week.reminder_time, week.timezone) == (
        Experience.NEW,
        Equipment.NONE,
        time(7, 0),
        "Europe/Berlin",
    )


async def test_start_again_shows_the_summary_and_can_redo(bot: BotHarness) -> None:
    await onboard(bot)
    replies = await bot.say("/start")
    assert len(replies) == 1
    assert replies[0]["text"].startswith(question_text("already_set_up"))
    assert summary_lines(replies[0]["text"])["Wed"].endswith(f"🦵 {T('focus.legs')}")
    assert flat_labels(replies[0]) == [T("buttons.keep"), T("buttons.redo")]
    assert T("settings.budget_line", minutes=20) in replies[0]["text"]
    assert T("onboarding.welcome", name="Runner") not in texts_of(replies)

    replies = await bot.tap(T("buttons.redo"))
    # Starting over keeps the old answers as a starting point.
    assert texts_of(replies) == [question_text("ask_run_days_selected", days="Mon, Wed, Sat")]
    await bot.tap("Mon")
    await bot.tap("Tue")
    await bot.tap(T("buttons.days_done"))
    await bot.tap("Sat")
    await bot.tap(T("buttons.no_hard_days"))
    await bot.tap(T("experience.some"))
    await bot.tap(T("equipment.gym"))
    await bot.tap(T("buttons.two"))
    await bot.tap("30 min")
    await bot.tap("18:00")
    await bot.say("Berlin")
    await bot.say("2027-03-21")
    # Asked right after the race date. (Not "Marathon": the harness taps the first button
    # whose label contains the text, and "Half marathon" comes first.)
    await bot.tap(T("race.distance_ultra"))
    # The old week stays in force until the new one is confirmed.
    runner = await stored_runner(bot)
    assert runner is not None and runners.week_of(runner) == DEFAULT_WEEK
    await bot.tap(T("buttons.looks_good"))

    runner = await stored_runner(bot)
    assert runner is not None
    assert runners.week_of(runner) == RunnerWeek(
        run_days=frozenset({TUE, WED, SAT}),
        long_run_day=SAT,
        hard_days=frozenset(),
        experience=Experience.SOME,
        equipment=Equipment.GYM,
        pull_up_bar=True,
        sessions_per_week=2,
        reminder_time=time(18, 0),
        timezone="Europe/Berlin",
    )
    assert (runner.time_budget, runner.race_date) == (30, date(2027, 3, 21))
    assert runner.race_distance == "ultra"
    assert len(await all_rows(bot, Runner)) == 1
    assert await stored_draft(bot) == {}


async def test_settings_changes_one_answer_and_updates_the_next_reminder(
    bot: BotHarness,
) -> None:
    # Mon/Wed/Sun runs, long run Sunday, no hard days, 3 sessions: Tue legs, Thu legs, Sat
    # upper (the plan: legs + legs + upper, two legs days 48 h apart). Today is Thursday.
    await onboard(bot, run=("Mon", "Wed", "Sun"), long_run="Sun", hard=())
    runner = await stored_runner(bot)
    assert runner is not None
    week_before = runners.week_of(runner)
    plan = plan_week(week_before, week_index_of(THIS_MONDAY))
    assert plan.focus_on(THU) is Focus.LEGS
    assert plan.focus_on(FRI) is None and plan.focus_on(SAT) is Focus.UPPER
    # 07:00 today has just come (now is 07:00 Berlin): the next is Saturday 07:00.
    assert runner.next_reminder_utc == datetime(2026, 11, 28, 7, 0, tzinfo=BERLIN)

    replies = await bot.say("/settings")
    assert texts_of(replies) == [T("settings.menu")]
    assert T("buttons.back") not in flat_labels(replies[0])
    await bot.tap(T("settings_field.reminder_time"))
    replies = await bot.tap("18:00")
    assert replies[-1]["text"].startswith(T("settings.saved"))
    assert (
        T("onboarding.summary_reminder", time="18:00", zone="Europe/Berlin") in replies[-1]["text"]
    )
    runner = await stored_runner(bot)
    assert runner is not None
    assert runner.reminder_time == "18:00"
    # Today is a session day and 18:00 is still ahead: tonight, 17:00 UTC.
    assert runner.next_reminder_utc == datetime(2026, 11, 26, 17, 0, tzinfo=UTC)
    assert runners.week_of(runner) == replace(week_before, reminder_time=time(18, 0))
    assert await stored_draft(bot) == {}

    # Moving to New York keeps 18:00 local: 23:00 UTC tonight.
    await bot.say("/settings")
    await bot.tap(T("settings_field.timezone"))
    replies = await bot.say("new york")
    assert replies[-1]["text"].startswith(T("settings.saved"))
    runner = await stored_runner(bot)
    assert runner is not None and runner.timezone == "America/New_York"
    assert runner.next_reminder_utc == datetime(2026, 11, 26, 18, 0, tzinfo=NEW_YORK)

    # No reminders: nothing is due.
    await bot.say("/settings")
    await bot.tap(T("settings_field.reminder_time"))
    await bot.tap(T("buttons.no_reminders"))
    runner = await stored_runner(bot)
    assert runner is not None
    assert runner.reminder_time is None and runner.next_reminder_utc is None
    assert await all_rows(bot, Reminder) == []


async def test_settings_before_setting_up_points_to_start(bot: BotHarness) -> None:
    replies = await bot.say("/settings")
    assert texts_of(replies) == [T("settings.not_set_up")]
    # Mid-onboarding, /settings carries on with the open question.
    await bot.say("/start")
    await bot.say("mon wed")
    replies = await bot.say("/settings")
    assert texts_of(replies) == [question_text("ask_long_run")]
    assert await stored_runner(bot) is None
