"""The weekly preview through the real bot: Sunday 18:00 by default, once, across
restarts and daylight saving; another day and time, or none, from /settings."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import select

from bot.coach.plan import plan_week, week_index_of
from bot.jobs.preview import backfill_previews, plan_previews
from bot.messages.preview import preview_week_start
from bot.services.previews import next_preview_at
from bot.store import runners
from bot.store.db import transaction
from bot.store.models import Reminder, Runner
from testkit.harness import CHAT, BotHarness, onboard, runner_row, shared_content

T = shared_content().texts
BERLIN = ZoneInfo("Europe/Berlin")
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
HEADER = "Your week ahead"


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN).astimezone(UTC)


async def preview_rows(bot: BotHarness) -> list[tuple[date, str]]:
    async with transaction(bot.sessions) as session:
        found = (
            await session.exec(
                select(Reminder).where(Reminder.kind == "preview").order_by(Reminder.id)
            )
        ).all()
    return [(row.local_date, row.status) for row in found]


def previews(bot: BotHarness) -> list[dict[str, Any]]:
    return [
        m
        for m in bot.stub.sent_messages(CHAT)
        if m["method"] == "sendMessage" and HEADER in m["text"]
    ]


def day_lines(preview: str) -> dict[str, str]:
    """ "Tue 1" -> the rest of that day's line."""
    found = {}
    for line in preview.splitlines():
        match = re.match(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (\d{1,2}) — (.*)$", line)
        if match:
            found[f"{match[1]} {match[2]}"] = match[3]
    return found


async def tick_at(bot: BotHarness, clock: Any, instant: datetime) -> int:
    """Tick at ``instant``; how many previews went out."""
    before = len(previews(bot))
    clock.set(instant)
    await bot.tick()
    return len(previews(bot)) - before


async def setup_thursday(bot: BotHarness, clock: Any, **answers: str) -> None:
    clock.set(berlin(2026, 11, 26, 6, 0))
    await onboard(bot, **answers)  # Legs Tue, Core Thu, Upper Sat; 07:00 Berlin


async def open_preview_setting(bot: BotHarness) -> list[dict[str, Any]]:
    menu = (await bot.say("/settings"))[-1]
    return await bot.tap("Weekly preview", menu)


# ---- the default: Sunday evening --------------------------------------------------------


async def test_sunday_evening_brings_one_preview_of_next_weeks_plan(bot: BotHarness, clock) -> None:
    await setup_thursday(bot, clock)
    runner = await runner_row(bot)
    assert (runner.preview_day, runner.preview_time) == (SUN, "18:00")
    assert runner.next_preview_utc == berlin(2026, 11, 29, 18, 0)

    assert await tick_at(bot, clock, berlin(2026, 11, 29, 17, 59)) == 0
    assert await tick_at(bot, clock, berlin(2026, 11, 29, 18, 0)) == 1
    assert await tick_at(bot, clock, berlin(2026, 11, 29, 18, 1)) == 0
    await bot.restart()
    for hour in (18, 20, 23):
        assert await tick_at(bot, clock, berlin(2026, 11, 29, hour, 30)) == 0
    assert await preview_rows(bot) == [(date(2026, 11, 29), "sent")]
    assert (await runner_row(bot)).next_preview_utc == berlin(2026, 12, 6, 18, 0)

    [preview] = previews(bot)
    text = preview["text"]
    assert not preview.get("reply_markup")  # nothing to tap: no Done, no Later
    assert T("preview.header", first="Monday 30", last="Sunday 6") in text
    lines = day_lines(text)
    assert list(lines) == ["Mon 30", "Tue 1", "Wed 2", "Thu 3", "Fri 4", "Sat 5", "Sun 6"]
    # The same sessions as the plan (and /week) for that week, with level and length.
    week = runners.week_of(await runner_row(bot))
    plan = plan_week(week, week_index_of(date(2026, 11, 30)))
    for weekday, (label, line) in enumerate(lines.items()):
        focus = plan.focus_on(weekday)
        if focus is None:
            assert "level" not in line, (label, line)
        else:
            assert f"<b>{T(f'focus.{focus.value}')}</b>" in line, (label, line)
            assert re.search(r"level \d · about \d+ min", line), line
    assert T("onboarding.summary_hard") in lines["Tue 1"]
    assert T("onboarding.summary_long") in lines["Sun 6"]
    assert lines["Wed 2"] == T("onboarding.summary_rest")
    assert T("preview.count", count=3) in text
    assert T("preview.reminder", time="07:00") in text
    assert "/settings" in text

    # Monday: /week shows the same strength days the preview promised.
    clock.set(berlin(2026, 11, 30, 8, 0))
    [week_reply] = await bot.say("/week")
    for weekday, label in enumerate(lines):
        focus = plan.focus_on(weekday)
        week_line = week_reply["text"].splitlines()[2 + weekday]
        if focus is not None:
            assert T(f"focus.{focus.value}") in week_line and focus.value in lines[label].lower()


async def test_the_level_in_the_preview_is_the_one_the_session_will_have(
    bot: BotHarness, clock
) -> None:
    await setup_thursday(bot, clock)
    await tick_at(bot, clock, berlin(2026, 11, 29, 18, 0))
    [preview] = previews(bot)
    # Tuesday's Legs as /today will show it on Tuesday.
    clock.set(berlin(2026, 12, 1, 6, 0))
    [today] = await bot.say("/today")
    header = today["text"].splitlines()[0]
    level = re.search(r"Level (\d)", today["text"])
    minutes = re.search(r"about (\d+) min", header)
    assert level and minutes
    assert f"level {level[1]} · about {minutes[1]} min" in day_lines(preview["text"])["Tue 1"]


async def test_a_session_logged_that_day_does_not_cancel_the_preview(
    bot: BotHarness, clock
) -> None:
    await setup_thursday(bot, clock)
    await open_preview_setting(bot)
    await bot.tap("Thu")
    replies = await bot.tap("20:00")
    assert T("settings.saved") in replies[-1]["text"]
    assert (await runner_row(bot)).next_preview_utc == berlin(2026, 11, 26, 20, 0)
    clock.set(berlin(2026, 11, 26, 7, 30))
    await bot.say("done")  # Thursday's core is logged
    assert await tick_at(bot, clock, berlin(2026, 11, 26, 20, 0)) == 1
    assert await preview_rows(bot) == [(date(2026, 11, 26), "sent")]


async def test_a_preview_missed_while_the_bot_was_down_is_not_sent_late(
    bot: BotHarness, clock
) -> None:
    await setup_thursday(bot, clock)
    assert await tick_at(bot, clock, berlin(2026, 11, 30, 9, 0)) == 0  # down until Monday
    assert await preview_rows(bot) == [(date(2026, 11, 29), "missed")]
    assert (await runner_row(bot)).next_preview_utc == berlin(2026, 12, 6, 18, 0)
    # A few hours late on the same evening is still worth sending.
    assert await tick_at(bot, clock, berlin(2026, 12, 6, 22, 0)) == 1


async def pause(bot: BotHarness, first: date, until: date | None) -> None:
    """A pause as /pause stores it: open ones set ``paused``, timed ones only their days."""
    async with transaction(bot.sessions) as session:
        runner = await session.get(Runner, CHAT)
        assert runner is not None
        runner.paused, runner.paused_from, runner.paused_until = until is None, first, until
        session.add(runner)


async def test_no_preview_while_paused_until_resume(bot: BotHarness, clock) -> None:
    await setup_thursday(bot, clock)
    await pause(bot, date(2026, 11, 26), None)
    assert await tick_at(bot, clock, berlin(2026, 11, 29, 18, 0)) == 0
    assert await preview_rows(bot) == []


async def test_no_preview_on_a_paused_day_and_paused_days_show_in_the_next_one(
    bot: BotHarness, clock
) -> None:
    await setup_thursday(bot, clock)
    await pause(bot, date(2026, 11, 26), date(2026, 12, 2))  # "a week": back on Thursday
    assert await tick_at(bot, clock, berlin(2026, 11, 29, 18, 0)) == 0
    assert await preview_rows(bot) == [(date(2026, 11, 29), "cancelled")]
    await pause(bot, date(2026, 12, 8), date(2026, 12, 9))  # a short one next week
    assert await tick_at(bot, clock, berlin(2026, 12, 6, 18, 0)) == 1
    lines = day_lines(previews(bot)[0]["text"])
    assert lines["Tue 8"] == T("preview.paused") and lines["Wed 9"] == T("preview.paused")
    assert T("onboarding.summary_long") in lines["Sun 13"]


# ---- /settings -------------------------------------------------------------------------


async def test_the_preview_can_be_turned_off_in_settings(bot: BotHarness, clock) -> None:
    await setup_thursday(bot, clock)
    menu = (await bot.say("/settings"))[-1]
    assert any(
        T("preview.button_on", day="Sun", time="18:00") == button["text"]
        for row in menu["reply_markup"]["inline_keyboard"]
        for button in row
    )
    [question] = await bot.tap("Weekly preview", menu)
    assert question["text"] == T("preview.ask_day")
    replies = await bot.tap("Off")
    assert replies[-1]["text"] == T("settings.saved") + "\n\n" + T("preview.now_off")
    runner = await runner_row(bot)
    assert (runner.preview_day, runner.next_preview_utc) == (None, None)
    for day in range(27, 27 + 12):
        for hour in (6, 18):
            assert await tick_at(bot, clock, berlin(2026, 11, 1, hour, 0) + timedelta(day)) == 0
    assert await preview_rows(bot) == []
    menu = (await bot.say("/settings"))[-1]
    assert T("preview.button_off") in str(menu["reply_markup"])
    # And on again: the week summary and reminders are untouched along the way.
    await bot.tap("Weekly preview", menu)
    await bot.tap("Sun")
    await bot.tap("18:00")
    assert (await runner_row(bot)).next_preview_utc == berlin(2026, 12, 13, 18, 0)


async def test_a_preview_moved_to_friday_morning_comes_then(bot: BotHarness, clock) -> None:
    await setup_thursday(bot, clock)
    reminder_before = (await runner_row(bot)).next_reminder_utc
    await open_preview_setting(bot)
    ask_time = (await bot.tap("Fri"))[-1]
    assert ask_time["text"] == T("preview.ask_time", day="Friday")
    replies = await bot.say("7.30am")
    runner = await runner_row(bot)
    assert (runner.preview_day, runner.preview_time) == (FRI, "07:30")
    assert runner.next_preview_utc == berlin(2026, 11, 27, 7, 30)
    assert runner.next_reminder_utc == reminder_before
    assert replies[-1]["text"] == T("settings.saved") + "\n\n" + T(
        "preview.now_on", day="Friday", time="07:30", when="Friday 27 07:30"
    )
    assert await tick_at(bot, clock, berlin(2026, 11, 27, 7, 29)) == 0
    assert await tick_at(bot, clock, berlin(2026, 11, 27, 7, 30)) == 1
    [preview] = previews(bot)
    assert T("preview.header", first="Monday 30", last="Sunday 6") in preview["text"]
    assert await tick_at(bot, clock, berlin(2026, 11, 29, 18, 0)) == 0  # no Sunday one
    assert await tick_at(bot, clock, berlin(2026, 12, 4, 7, 30)) == 1
    assert [day for day, _ in await preview_rows(bot)] == [date(2026, 11, 27), date(2026, 12, 4)]


async def test_typed_days_and_times_are_understood_and_nonsense_is_asked_again(
    bot: BotHarness, clock
) -> None:
    await setup_thursday(bot, clock)
    await open_preview_setting(bot)
    [reask] = await bot.say("someday")
    assert reask["text"] == T("preview.reask_day")
    assert reask["reply_markup"]["inline_keyboard"]  # the day buttons, under the re-ask
    await bot.say("saturday")
    [reask] = await bot.say("teatime")
    assert reask["text"] == T("preview.reask_time")
    replies = await bot.say("6pm")
    assert "Saturdays at 18:00" in replies[-1]["text"]
    assert (await runner_row(bot)).next_preview_utc == berlin(2026, 11, 28, 18, 0)
    await open_preview_setting(bot)
    await bot.say("off")
    assert (await runner_row(bot)).preview_day is None


async def test_saving_the_preview_the_same_evening_does_not_send_it_twice(
    bot: BotHarness, clock
) -> None:
    await setup_thursday(bot, clock)
    assert await tick_at(bot, clock, berlin(2026, 11, 29, 18, 0)) == 1
    clock.set(berlin(2026, 11, 29, 18, 30))
    await open_preview_setting(bot)
    await bot.tap("Sun")
    await bot.tap("20:00")  # later the same evening: today's is already sent
    assert (await runner_row(bot)).next_preview_utc == berlin(2026, 11, 29, 20, 0)
    assert await tick_at(bot, clock, berlin(2026, 11, 29, 20, 0)) == 0
    assert (await runner_row(bot)).next_preview_utc == berlin(2026, 12, 6, 20, 0)


# ---- daylight saving --------------------------------------------------------------------


async def test_sunday_six_pm_stays_six_pm_across_the_end_of_summer_time(
    bot: BotHarness, clock
) -> None:
    # Summer time in Berlin ends on Sunday 25 October 2026, at 03:00 local.
    clock.set(berlin(2026, 10, 22, 9, 0))
    await onboard(bot)
    assert (await runner_row(bot)).next_preview_utc == datetime(2026, 10, 25, 17, 0, tzinfo=UTC)
    sent_at: list[datetime] = []
    instant = berlin(2026, 10, 22, 10, 0)
    while instant < berlin(2026, 11, 2, 12, 0):
        local = instant.astimezone(BERLIN)
        # Every half hour on Sundays (UTC half hours are local ones in both seasons),
        # once a day otherwise.
        if (local.weekday() == SUN or local.hour == 12) and await tick_at(bot, clock, instant):
            sent_at.append(local)
        instant += timedelta(minutes=30)
    assert [(moment.date(), moment.strftime("%H:%M")) for moment in sent_at] == [
        (date(2026, 10, 25), "18:00"),
        (date(2026, 11, 1), "18:00"),
    ]
    assert sent_at[0].utcoffset() == timedelta(hours=1)  # already winter time
    week = day_lines(previews(bot)[0]["text"])
    assert list(week) == ["Mon 26", "Tue 27", "Wed 28", "Thu 29", "Fri 30", "Sat 31", "Sun 1"]


def test_the_next_instant_is_found_from_the_local_date_and_time() -> None:
    runner = Runner(chat_id=1, timezone="Europe/Berlin", preview_day=SUN, preview_time="18:00")
    # Summer time starts on Sunday 28 March 2027 and ends on Sunday 31 October 2027.
    assert next_preview_at(runner, berlin(2027, 3, 27, 12, 0)) == datetime(
        2027, 3, 28, 16, 0, tzinfo=UTC
    )
    assert next_preview_at(runner, berlin(2027, 3, 28, 18, 0)) == datetime(
        2027, 4, 4, 16, 0, tzinfo=UTC
    )
    assert next_preview_at(runner, berlin(2027, 10, 31, 17, 59)) == datetime(
        2027, 10, 31, 17, 0, tzinfo=UTC
    )
    # 02:30 does not exist on 28 March 2027: the first valid minute after it.
    early = Runner(chat_id=2, timezone="Europe/Berlin", preview_day=SUN, preview_time="02:30")
    assert next_preview_at(early, berlin(2027, 3, 27, 12, 0)) == datetime(
        2027, 3, 28, 1, 0, tzinfo=UTC
    )
    off = Runner(chat_id=3, timezone="Europe/Berlin", preview_day=None)
    assert next_preview_at(off, berlin(2027, 3, 27, 12, 0)) is None


def test_the_preview_is_about_the_coming_monday_or_the_week_begun_today() -> None:
    assert preview_week_start(date(2026, 11, 29)) == date(2026, 11, 30)  # Sunday
    assert preview_week_start(date(2026, 11, 27)) == date(2026, 11, 30)  # Friday
    assert preview_week_start(date(2026, 11, 30)) == date(2026, 11, 30)  # Monday


# ---- notes for the week ------------------------------------------------------------------


async def test_race_week_and_race_day_show_in_the_preview(bot: BotHarness, clock) -> None:
    await setup_thursday(bot, clock, race_date="5 Dec")
    assert await tick_at(bot, clock, berlin(2026, 11, 29, 18, 0)) == 1
    [preview] = previews(bot)
    lines = day_lines(preview["text"])
    assert T("preview.race_day") in lines["Sat 5"]
    assert T("phase.race_week") in preview["text"]
    # Race week: core only, whatever the plan said.
    sessions = [line for line in lines.values() if "level" in line]
    assert sessions and all(T("focus.core") in line for line in sessions)


# ---- runners from before the weekly preview ---------------------------------------------


async def test_the_backfill_gives_older_runners_their_sunday_preview(
    bot: BotHarness, clock
) -> None:
    await setup_thursday(bot, clock)
    now = clock.now()
    async with transaction(bot.sessions) as session:
        runner = await session.get(Runner, CHAT)
        assert runner is not None
        runner.next_preview_utc = None  # as the migration left everyone
        session.add(runner)
        for chat_id in (5001, 5002):
            other = Runner(chat_id=chat_id, onboarded=True, run_days="1,3", created_at=now)
            other.timezone = "Asia/Tokyo"
            session.add(other)
        session.add(Runner(chat_id=5003, onboarded=False, created_at=now))
    async with transaction(bot.sessions) as session:
        # Off (a NULL the insert above would replace with the column's default).
        off = await session.get(Runner, 5002)
        assert off is not None
        off.preview_day = None
        session.add(off)
    assert await backfill_previews(bot.deps) == 2
    assert (await runner_row(bot)).next_preview_utc == berlin(2026, 11, 29, 18, 0)
    tokyo = datetime(2026, 11, 29, 18, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert (await runner_row(bot, 5001)).next_preview_utc == tokyo
    assert (await runner_row(bot, 5002)).next_preview_utc is None
    assert (await runner_row(bot, 5003)).next_preview_utc is None
    assert await backfill_previews(bot.deps) == 0  # nothing left to fill
    assert await tick_at(bot, clock, berlin(2026, 11, 29, 18, 0)) == 1


async def test_many_due_previews_are_planned_in_batches(bot: BotHarness, clock) -> None:
    await setup_thursday(bot, clock)
    due = berlin(2026, 11, 29, 18, 0)
    async with transaction(bot.sessions) as session:
        for chat_id in range(10_000, 10_250):
            runner = Runner(
                chat_id=chat_id, onboarded=True, run_days="1,3", timezone="Europe/Berlin"
            )
            runner.next_preview_utc = due
            session.add(runner)
    assert await plan_previews(bot.deps, due) == 251
    assert await plan_previews(bot.deps, due) == 0
    assert len(await preview_rows(bot)) == 251
