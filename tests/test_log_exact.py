"""The log holds exactly what the runner did, and every reader says the same about a day:
no session from before the runner signed up; the session /today shows (after the sore-legs
swap, in race week) is the one "done" logs and /week marks; race day has no session; a
paused runner is told until when; a feedback tap answers once."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import select

from bot.coach.week import Focus
from bot.services.week import read_week
from bot.store.db import transaction
from bot.store.models import SessionLog
from testkit.harness import BotHarness, FakeClock, onboard, texts


async def stored_logs(bot: BotHarness) -> list[tuple[date, str, str]]:
    async with transaction(bot.sessions) as session:
        found = (await session.exec(select(SessionLog).order_by(SessionLog.local_date))).all()
    return [(log.local_date, log.focus, log.status) for log in found]


async def week_focus(bot: BotHarness, clock: FakeClock) -> dict[date, tuple[str, Focus | None]]:
    """What /week marks, day by day: the mark and the session of the day."""
    async with transaction(bot.sessions) as session:
        view = await read_week(session, bot.chat_id, clock.now())
    assert view is not None
    return {day.day: (day.mark.value, day.focus) for day in view.days}


# ---- 1. No session from before the runner existed ----------------------------------------


async def test_done_on_the_sign_up_sunday_logs_nothing_from_before_it(
    bot: BotHarness, clock: FakeClock
) -> None:
    """Set up on Sunday (the long run: no strength) and said "done": it was logged as
    Saturday's upper body, a day before the runner had a plan."""
    clock.set(datetime(2026, 11, 29, 9, 0, tzinfo=UTC))  # Sunday, Berlin
    await onboard(bot)
    [reply] = await bot.say("done")
    assert "Logged" not in reply["text"]
    assert "what did you do" in reply["text"]  # no session today: which one was it?
    assert await stored_logs(bot) == []
    [logged] = await bot.tap("Core", reply)
    assert "Logged: Core — today" in logged["text"]
    assert await stored_logs(bot) == [(date(2026, 11, 29), "core", "done")]


async def test_done_the_morning_after_signing_up_finds_no_session_before_sign_up(
    bot: BotHarness, clock: FakeClock
) -> None:
    """Signed up on Sunday evening, "done" on Monday (no session planned): Saturday's upper
    body, before sign-up, is not the one meant."""
    clock.set(datetime(2026, 11, 29, 19, 0, tzinfo=UTC))  # Sunday evening
    await onboard(bot)
    clock.set(datetime(2026, 11, 30, 7, 0, tzinfo=UTC))  # Monday: rest day
    [reply] = await bot.say("done")
    assert "Saturday" not in reply["text"] and "what did you do" in reply["text"]
    assert await stored_logs(bot) == []


async def test_a_button_for_a_day_before_sign_up_logs_nothing(
    bot: BotHarness, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 11, 29, 9, 0, tzinfo=UTC))
    await onboard(bot)
    [ask] = await bot.say("done")
    replies = await bot.press(ask["message_id"], "v1:did:legs:20261128")  # Saturday
    assert "before you set up your week" in texts(replies)
    assert await stored_logs(bot) == []


# ---- 2. The session logged is the session done --------------------------------------------


async def sore_on_tuesday(bot: BotHarness, clock: FakeClock) -> None:
    """Legs on Tuesday and Thursday (a hard day), upper body Saturday, the long run on
    Sunday (issue 13: 3 sessions = legs + legs + upper); Tuesday's legs done and "sore"
    after them. Thursday's legs, on sore legs 3 days before the long run, become core:
    of core and upper body, neither done yet, core comes first (``day._sore_swap``)."""
    clock.set(datetime(2026, 11, 23, 8, 0, tzinfo=UTC))  # Monday
    await onboard(bot, run_days="tue thu sun", long_run="sun", hard_days="thu")
    clock.set(datetime(2026, 11, 24, 17, 0, tzinfo=UTC))  # Tuesday
    [done] = await bot.say("done")
    assert "Logged: Legs" in done["text"]
    await bot.tap("Sore", done)
    clock.set(datetime(2026, 11, 26, 8, 0, tzinfo=UTC))  # Thursday


async def test_after_the_sore_swap_done_logs_the_session_today_showed(
    bot: BotHarness, clock: FakeClock
) -> None:
    await sore_on_tuesday(bot, clock)
    clock.set(datetime(2026, 11, 26, 6, 0, tzinfo=UTC))  # 07:00 in Berlin: the reminder
    mark = len(bot.stub.sent_messages(bot.chat_id))
    await bot.tick()
    [reminder] = bot.stub.sent_messages(bot.chat_id)[mark:]
    assert "instead of legs" in reminder["text"] and "<b>Core</b>" in reminder["text"]
    [today] = await bot.say("/today")
    assert "instead of legs" in today["text"] and "<b>Core</b>" in today["text"]
    [reply] = await bot.say("done")
    assert "Logged: Core — today" in reply["text"]
    assert (date(2026, 11, 26), "core", "done") in await stored_logs(bot)
    marks = await week_focus(bot, clock)
    assert marks[date(2026, 11, 26)] == ("done", Focus.CORE)
    assert marks[date(2026, 11, 24)] == ("done", Focus.LEGS)
    # Legs were not done, so the next legs session is not a level up: /today still
    # says what was done.
    [again] = await bot.say("/today")
    assert "Core" in again["text"] and "Legs" not in again["text"], again["text"]


async def test_the_done_button_under_the_swapped_session_logs_it_too(
    bot: BotHarness, clock: FakeClock
) -> None:
    await sore_on_tuesday(bot, clock)
    [today] = await bot.say("/today")
    [reply] = await bot.tap("Done", today)
    assert "Logged: Core" in reply["text"]
    assert (date(2026, 11, 26), "core", "done") in await stored_logs(bot)


async def test_week_shows_the_swapped_session_before_it_is_done(
    bot: BotHarness, clock: FakeClock
) -> None:
    await sore_on_tuesday(bot, clock)
    marks = await week_focus(bot, clock)
    assert marks[date(2026, 11, 26)] == ("today", Focus.CORE)
    assert marks[date(2026, 11, 29)] == ("rest", None)  # the long run


# ---- 5. Race week -------------------------------------------------------------------------


async def race_on_thursday(bot: BotHarness, clock: FakeClock) -> None:
    """Legs Monday and Wednesday (a hard day), upper body Friday (issue 13's plan); the
    race, a half marathon (the harness's answer), on Thursday 3 Dec. So race week turns
    Monday's legs (3 days out, within the 4 legs-free days before a half) into core, and
    Wednesday, race eve, holds nothing."""
    clock.set(datetime(2026, 11, 30, 6, 0, tzinfo=UTC))  # Monday of race week
    await onboard(
        bot, run_days="mon wed sat", long_run="sat", hard_days="wed", race_date="2026-12-03"
    )


async def test_race_week_legs_are_core_in_today_done_and_week_and_race_eve_holds_nothing(
    bot: BotHarness, clock: FakeClock
) -> None:
    """Race week's legs-free days: Monday's legs are core wherever the day is read. Issue
    13 took the session off race eve (it used to be the core day this test checked)."""
    await race_on_thursday(bot, clock)  # Monday 30 Nov, 07:00 in Berlin
    [today] = await bot.say("/today")
    assert "Race week" in today["text"] and "<b>Core</b>" in today["text"], today["text"]
    assert (await week_focus(bot, clock))[date(2026, 11, 30)] == ("today", Focus.CORE)
    [reply] = await bot.say("done")
    assert "Logged: Core — today" in reply["text"]
    assert await stored_logs(bot) == [(date(2026, 11, 30), "core", "done")]
    clock.set(datetime(2026, 12, 2, 6, 0, tzinfo=UTC))  # Wednesday: race eve
    [eve] = await bot.say("/today")
    assert "Race tomorrow" in eve["text"] and not eve.get("reply_markup"), eve["text"]
    assert (await week_focus(bot, clock))[date(2026, 12, 2)] == ("rest", None)
    [nothing] = await bot.say("done")
    assert "Logged" not in nothing["text"]  # no session today: which one was it?
    assert await stored_logs(bot) == [(date(2026, 11, 30), "core", "done")]


async def test_nothing_to_skip_names_the_next_session_as_today_will_show_it(
    bot: BotHarness, clock: FakeClock
) -> None:
    """Sunday before a Thursday race (set up that day, no session): the next session is
    Monday's legs, named as race week's core, as /today will show it on Monday."""
    clock.set(datetime(2026, 11, 29, 9, 0, tzinfo=UTC))  # Sunday: no session
    await onboard(
        bot, run_days="mon wed sat", long_run="sat", hard_days="wed", race_date="2026-12-03"
    )
    [reply] = await bot.say("skip")
    assert "Monday 30</b> — Core" in reply["text"], reply["text"]
    clock.set(datetime(2026, 11, 30, 6, 0, tzinfo=UTC))  # Monday
    [today] = await bot.say("/today")
    assert "<b>Core</b>" in today["text"], today["text"]


async def test_race_day_has_no_session_and_wishes_luck(bot: BotHarness, clock: FakeClock) -> None:
    await race_on_thursday(bot, clock)
    clock.set(datetime(2026, 12, 3, 6, 0, tzinfo=UTC))  # Thursday: the race
    [today] = await bot.say("/today")
    assert "Good luck" in today["text"]
    assert "rest and recover" not in today["text"] and not today.get("reply_markup")
    assert (await week_focus(bot, clock))[date(2026, 12, 3)] == ("rest", None)


async def test_a_race_on_a_session_day_leaves_that_session_out_of_the_count(
    bot: BotHarness, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 11, 30, 6, 0, tzinfo=UTC))  # Monday; legs on Tue and Thu
    await onboard(bot, race_date="2026-12-03")
    clock.set(datetime(2026, 12, 1, 17, 0, tzinfo=UTC))  # Tuesday
    [reply] = await bot.say("done")
    assert "That's 1 of 2 this week" in reply["text"]
    async with transaction(bot.sessions) as session:
        view = await read_week(session, bot.chat_id, clock.now())
    assert view is not None and (view.done, view.planned) == (1, 2)


async def test_the_day_after_the_race_has_a_word_on_recovery(
    bot: BotHarness, clock: FakeClock
) -> None:
    await race_on_thursday(bot, clock)
    clock.set(datetime(2026, 12, 4, 6, 0, tzinfo=UTC))  # Friday
    [today] = await bot.say("/today")
    assert "The day after your race" in today["text"]
    clock.set(datetime(2026, 12, 5, 6, 0, tzinfo=UTC))  # Saturday: no more of it
    [later] = await bot.say("/today")
    assert "The day after your race" not in later["text"]


async def test_a_race_on_the_day_of_setting_up_gets_no_session(
    bot: BotHarness, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 11, 26, 6, 0, tzinfo=UTC))  # Thursday: legs in the plan
    await onboard(bot, race_date="2026-11-26")
    [today] = await bot.say("/today")
    assert "Good luck" in today["text"] and not today.get("reply_markup")
    [reply] = await bot.say("done")
    assert "Logged" not in reply["text"]  # nothing planned today: which one was it?
    assert await stored_logs(bot) == []


# ---- 6. Paused ------------------------------------------------------------------------------


async def test_today_while_paused_says_until_when_and_how_to_resume(
    bot: BotHarness, clock: FakeClock
) -> None:
    await onboard(bot)
    await bot.say("/pause")
    await bot.tap("A week")
    await bot.tap("Holiday")
    [today] = await bot.say("/today")
    assert "paused until" in today["text"] and "Thursday 3 Dec" in today["text"]
    assert "/resume" in today["text"]
    assert "There's no strength session in your plan yet" not in today["text"]


async def test_today_while_paused_until_resume_says_so(bot: BotHarness, clock: FakeClock) -> None:
    await onboard(bot)
    await bot.say("/pause")
    await bot.tap("Until I resume")
    await bot.tap("Other")
    clock.advance(days=2)
    [today] = await bot.say("/today")
    assert "paused until you send /resume" in today["text"]


# ---- 8. A feedback tap answers once --------------------------------------------------------


async def test_a_feedback_tap_answers_in_one_message_not_a_toast_too(bot: BotHarness) -> None:
    await onboard(bot)
    [done] = await bot.say("done")
    [thanks] = await bot.tap("Easy", done)
    assert "Noted: easy" in thanks["text"]
    assert bot.callback_answers()[-1] == ""  # the toast does not say it again
