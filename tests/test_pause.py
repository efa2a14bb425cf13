"""⏸ /pause with a length and a reason, /resume, and the welcome back: the pure rules, then
the runner's journey through the real bot with the reminder tick on a fake clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot.coach.pause import (
    FEW_DAYS,
    WEEK_DAYS,
    WELCOME_WINDOW_DAYS,
    Length,
    PauseState,
    Reason,
    WelcomeBack,
    days_away,
    end_pause,
    returning,
    start_pause,
    welcome_back,
)
from bot.coach.progression import Entry
from bot.coach.week import Focus
from bot.messages import pause as pause_buttons
from bot.messages.callbacks import PauseButton, parse_as
from bot.services.calendar import load_calendar, slot_for
from bot.store.db import transaction
from bot.store.models import Reminder, Runner
from testkit.harness import (
    CHAT,
    BotHarness,
    button_data,
    onboard,
    runner_row,
    shared_content,
    texts,
)

BERLIN = ZoneInfo("Europe/Berlin")
T = shared_content().texts
THU = date(2026, 11, 26)  # the default onboarding: Legs Tue, Core Thu, Upper Sat, 07:00
DAY = timedelta(days=1)


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN).astimezone(UTC)


async def reminder_rows(bot: BotHarness) -> list[tuple[date, str, str]]:
    """Session reminders, snoozes and check-ins (not the weekly preview, which has rules
    of its own)."""
    async with transaction(bot.sessions) as session:
        found = (await session.exec(select(Reminder).order_by(Reminder.id))).all()
    return [(row.local_date, row.kind, row.status) for row in found if row.kind != "preview"]


def reminders_sent(bot: BotHarness) -> list[dict]:
    return [
        m
        for m in bot.stub.sent_messages(CHAT)
        if m["method"] == "sendMessage" and m["text"].startswith("⏰ Time for today")
    ]


async def tick_days(bot: BotHarness, clock, first: date, last: date) -> int:
    """Tick through every day's reminder time (and the evening); session reminders sent."""
    before = len(reminders_sent(bot))
    day = first
    while day <= last:
        for hour, minute in ((7, 0), (20, 0)):
            clock.set(at(day.year, day.month, day.day, hour, minute))
            await bot.tick()
        day += DAY
    return len(reminders_sent(bot)) - before


async def pause_for(bot: BotHarness, length: str, reason: str) -> list[dict]:
    [question] = await bot.say("/pause")
    assert "for how long" in question["text"]
    await bot.tap(length, question)
    return await bot.tap(reason)


# ---- pure: the days a pause covers ----------------------------------------------------------


def test_a_few_days_and_a_week_start_today_and_until_i_resume_has_no_end() -> None:
    few = start_pause(PauseState(), THU, Length.FEW_DAYS, Reason.HOLIDAY)
    week = start_pause(PauseState(), THU, Length.WEEK, Reason.ILLNESS)
    open_ = start_pause(PauseState(), THU, Length.OPEN, Reason.INJURY)
    assert few == PauseState(False, "holiday", THU, THU + (FEW_DAYS - 1) * DAY)
    assert week == PauseState(False, "illness", THU, date(2026, 12, 2))
    assert (WEEK_DAYS, days_away(week)) == (7, 7)
    assert open_ == PauseState(True, "injury", THU, None)
    assert [state.running(THU) for state in (few, week, open_)] == [True, True, True]
    assert not week.running(date(2026, 12, 3)) and not week.running(THU - DAY)


def test_changing_a_running_or_just_ended_pause_keeps_its_first_day() -> None:
    running = PauseState(False, "illness", THU, date(2026, 12, 2))
    later = date(2026, 11, 29)
    assert start_pause(running, later, Length.FEW_DAYS, Reason.ILLNESS).first == THU
    assert start_pause(running, later, Length.OPEN, Reason.ILLNESS) == PauseState(
        True, "illness", THU, None
    )
    # Ended yesterday: one pause, no gap of "missed" days in between.
    assert start_pause(running, date(2026, 12, 3), Length.WEEK, Reason.OTHER).first == THU
    # Ended longer ago: a new pause.
    assert start_pause(running, date(2026, 12, 5), Length.WEEK, Reason.OTHER).first == date(
        2026, 12, 5
    )


def test_resume_ends_the_pause_yesterday_and_a_same_day_pause_leaves_nothing() -> None:
    open_ = PauseState(True, "holiday", THU, None)
    assert end_pause(open_, date(2026, 12, 6)) == PauseState(
        False, "holiday", THU, date(2026, 12, 5)
    )
    timed = PauseState(False, "injury", THU, date(2026, 12, 2))
    assert end_pause(timed, date(2026, 11, 28)).until == date(2026, 11, 27)
    assert end_pause(open_, THU) == PauseState()
    assert end_pause(timed, date(2026, 12, 3)) == timed  # over already: nothing to end


# ---- pure: the welcome back -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "days", "levels"),
    [
        ("illness", 3, 0),
        ("illness", 6, 0),
        ("illness", 7, 1),
        ("injury", 9, 1),
        ("injury", 20, 1),
        ("injury", 21, 2),
        ("illness", 90, 6),  # one more level per two weeks away, no cap at two
        ("holiday", 42, 3),
        ("other", 365, 11),  # a year away: back to the bottom of the 12 levels
        ("holiday", 7, 0),
        ("holiday", 13, 0),
        ("holiday", 14, 1),
        ("holiday", 28, 2),
        ("other", 14, 1),
        (None, 30, 2),
        ("something new", 7, 0),
        ("holiday", 0, 0),
    ],
)
def test_the_step_back_grows_with_the_time_away_and_sooner_after_illness_or_injury(
    reason: str | None, days: int, levels: int
) -> None:
    welcome = welcome_back(reason, days)
    assert welcome.step_back_levels == levels
    assert welcome.reason is Reason.of(reason)
    assert welcome.days_away == days


def test_the_welcome_back_is_due_after_the_pause_until_the_first_session_done() -> None:
    ended = PauseState(False, "illness", THU, date(2026, 12, 4))  # 9 days
    assert returning(ended, date(2026, 12, 4)) is None  # still paused
    assert returning(ended, date(2026, 12, 5)) == WelcomeBack(Reason.ILLNESS, 9, 1)
    last = date(2026, 12, 4) + WELCOME_WINDOW_DAYS * DAY
    assert returning(ended, last) is not None
    assert returning(ended, last + DAY) is None
    assert returning(ended, date(2026, 12, 8), last_done=date(2026, 12, 6)) is None
    assert returning(ended, date(2026, 12, 8), last_done=date(2026, 11, 20)) is not None
    assert returning(PauseState(True, "illness", THU, None), date(2026, 12, 8)) is None
    assert returning(PauseState(), date(2026, 12, 8)) is None


def _runner(**fields: object) -> Runner:
    return Runner(chat_id=CHAT, onboarded=True, timezone="Europe/Berlin", **fields)


def test_welcome_back_line_says_how_long_and_how_much_easier() -> None:
    ill = _runner(
        pause_reason="illness",
        paused_from=THU,
        paused_until=date(2026, 12, 4),
        experience="experienced",
    )
    line = pause_buttons.welcome_back_line(T, ill, date(2026, 12, 5))
    assert line == (
        "👋 Welcome back! 9 days off ill. "
        "We'll start one level easier and build back up from there."
    )
    hurt = _runner(pause_reason="injury", paused_from=THU, paused_until=THU)
    line = pause_buttons.welcome_back_line(T, hurt, THU + DAY)
    assert line is not None and "1 day off with an injury" in line and "Same level" in line
    assert "If an exercise hurts, skip it." in line
    away = _runner(
        pause_reason="holiday",
        paused_from=THU,
        paused_until=date(2026, 12, 24),
        experience="experienced",
    )
    line = pause_buttons.welcome_back_line(T, away, date(2026, 12, 27))
    assert line is not None and "from your holiday! 29 days away" in line and "two levels" in line
    done = [Entry(date(2026, 12, 26), Focus.CORE, "done")]
    assert pause_buttons.welcome_back_line(T, away, date(2026, 12, 27), done) is None
    assert pause_buttons.welcome_back_line(T, away, date(2026, 12, 26), done) is not None
    assert pause_buttons.welcome_back_line(T, _runner(paused=True), date(2026, 12, 27)) is None


def test_dates_name_the_month_and_button_data_is_parsed_strictly() -> None:
    assert pause_buttons.date_text(T, date(2026, 12, 3)) == "Thursday 3 Dec"
    for data in (
        "v1:pz",
        "v1:pz:20261126",
        "v1:pz:2026112x:week",
        "v1:pz:20261126:month",
        "v1:pz:20261126:week:bored",
        "v1:pz:20261126:keep:illness",
        "v1:pz:20261126:week:illness:x",
        "v1:pzz:20261126:week",
    ):
        assert parse_as(data, PauseButton) is None, data
    assert parse_as("v1:pz:20261126:open:holiday", PauseButton) is not None
    keyboard = pause_buttons.reason_keyboard(T, THU, Length.OPEN)
    assert all(
        len((button.callback_data or "").encode()) <= 64  # type: ignore[arg-type]
        for row in keyboard.inline_keyboard
        for button in row
    )


# ---- through the bot ----------------------------------------------------------------------------


async def test_a_week_off_ill_stops_reminders_and_the_next_session_day_brings_them_back(
    bot: BotHarness, clock
) -> None:
    clock.set(at(2026, 11, 26, 6, 0))
    await onboard(bot)
    [confirmation] = await pause_for(bot, "A week", "Illness")
    assert "Paused until <b>Thursday 3 Dec</b>" in confirmation["text"]
    assert "Get well soon" in confirmation["text"]
    assert "First reminder back: Thursday 3 Dec, 07:00. /resume any time." in confirmation["text"]
    assert confirmation["reply_markup"] is None
    runner = await runner_row(bot)
    assert (runner.paused, runner.pause_reason) == (False, "illness")
    assert (runner.paused_from, runner.paused_until) == (THU, date(2026, 12, 2))
    assert runner.next_reminder_utc == at(2026, 12, 3, 7, 0)

    assert await tick_days(bot, clock, THU, date(2026, 12, 2)) == 0
    assert await reminder_rows(bot) == []
    assert await tick_days(bot, clock, date(2026, 12, 3), date(2026, 12, 3)) == 1
    [reminder] = reminders_sent(bot)
    assert "You missed" not in reminder["text"]
    # Nothing was reminded, missed or re-offered for the paused days.
    assert await reminder_rows(bot) == [(date(2026, 12, 3), "daily", "sent")]
    runner = await runner_row(bot)
    async with transaction(bot.sessions) as session:
        history = await load_calendar(session, runner, date(2026, 12, 3))
    for day in (THU, date(2026, 11, 28), date(2026, 12, 1)):  # Core, Upper, Legs days
        assert slot_for(runner, day, history, date(2026, 12, 3)) is None, day


async def test_back_from_a_week_ill_the_first_session_is_a_level_easier_and_says_so(
    bot: BotHarness, clock
) -> None:
    clock.set(at(2026, 11, 26, 8, 0))
    await onboard(bot)  # some experience: level 4
    [before] = await bot.say("/today")
    assert "Level 4" in before["text"]
    await bot.say("done")
    await pause_for(bot, "A week", "Illness")
    assert await tick_days(bot, clock, date(2026, 11, 27), date(2026, 12, 3)) == 1
    [reminder] = reminders_sent(bot)
    assert "Welcome back" in reminder["text"] and "Level 3" in reminder["text"]


async def test_until_i_resume_stops_everything_and_resume_brings_reminders_back(
    bot: BotHarness, clock
) -> None:
    clock.set(at(2026, 11, 26, 6, 0))
    await onboard(bot)
    [confirmation] = await pause_for(bot, "Until I resume", "Holiday")
    assert "Paused until you send /resume" in confirmation["text"]
    assert "Enjoy your holiday" in confirmation["text"]
    runner = await runner_row(bot)
    assert (runner.paused, runner.paused_from, runner.paused_until) == (True, THU, None)
    assert (runner.pause_reason, runner.next_reminder_utc) == ("holiday", None)

    assert await tick_days(bot, clock, THU, date(2026, 12, 10)) == 0
    clock.set(at(2026, 12, 11, 9, 0))  # Friday
    [back] = await bot.say("/resume")
    assert back["text"].startswith("▶️ Reminders are on again. 👋 Welcome back from your holiday!")
    assert "15 days away. We'll start one level easier" in back["text"]
    assert "Next reminder: Saturday 12 07:00." in back["text"]
    runner = await runner_row(bot)
    assert (runner.paused, runner.paused_from, runner.paused_until) == (
        False,
        THU,
        date(2026, 12, 10),
    )
    assert runner.next_reminder_utc == at(2026, 12, 12, 7, 0)
    assert pause_buttons.welcome_back_line(T, runner, date(2026, 12, 12)) is not None
    assert await tick_days(bot, clock, date(2026, 12, 11), date(2026, 12, 12)) == 1
    assert [row[0] for row in await reminder_rows(bot)] == [date(2026, 12, 12)]


async def test_resume_during_a_timed_pause_ends_it_early(bot: BotHarness, clock) -> None:
    clock.set(at(2026, 11, 26, 6, 0))
    await onboard(bot)
    await pause_for(bot, "A week", "Injury")
    clock.set(at(2026, 11, 28, 6, 0))  # Saturday, an Upper day
    [back] = await bot.say("/resume")
    assert "2 days off with an injury" in back["text"] and "Same level" in back["text"]
    runner = await runner_row(bot)
    assert (runner.paused, runner.paused_from, runner.paused_until) == (
        False,
        THU,
        date(2026, 11, 27),
    )
    assert runner.next_reminder_utc == at(2026, 11, 28, 7, 0)
    assert await tick_days(bot, clock, date(2026, 11, 28), date(2026, 11, 28)) == 1
    [again] = await bot.say("/resume")
    assert "nothing to resume" in again["text"]


async def test_pause_and_resume_on_the_same_day_leave_no_pause_behind(
    bot: BotHarness, clock
) -> None:
    clock.set(at(2026, 11, 26, 6, 0))
    await onboard(bot)
    await pause_for(bot, "A few days", "Other")
    [back] = await bot.say("/resume")
    assert back["text"].startswith("▶️ Welcome back! Reminders are on again.")
    runner = await runner_row(bot)
    assert (runner.paused, runner.paused_from, runner.paused_until) == (False, None, None)
    assert runner.next_reminder_utc == at(2026, 11, 26, 7, 0)


async def test_double_taps_pause_once_and_say_so(bot: BotHarness, clock) -> None:
    clock.set(at(2026, 11, 26, 6, 0))
    await onboard(bot)
    [question] = await bot.say("/pause")
    length = button_data(question, "A week")
    [asked] = await bot.press(question["message_id"], length)
    assert await bot.press(question["message_id"], length) == [asked]  # the same edit again
    assert "and what's the reason?" in asked["text"]
    reason = button_data(asked, "Holiday")
    [confirmation] = await bot.press(question["message_id"], reason)
    first = await runner_row(bot)
    assert await bot.press(question["message_id"], reason) == [confirmation]
    assert bot.callback_answers()[-2:] == ["Paused ⏸", "Already paused ✓"]
    again = await runner_row(bot)
    assert again.updated_at == first.updated_at  # nothing written twice
    sends = [m for m in bot.stub.sent_messages(CHAT) if m["method"] == "sendMessage"]
    assert sends[-1]["message_id"] == question["message_id"]  # only edits since /pause
    assert "Paused until <b>Thursday 3 Dec</b>" in confirmation["text"]


async def test_stale_and_foreign_buttons_are_answered_kindly(bot: BotHarness, clock) -> None:
    clock.set(at(2026, 11, 26, 6, 0))
    [not_set_up] = await bot.say("/pause")
    assert "nothing to pause yet" in not_set_up["text"]
    assert await bot.press(1, "v1:pz:20261126:week:illness") == []
    assert bot.callback_answers()[-1] == "Set up your running week with /start first."

    await onboard(bot)
    [question] = await bot.say("/pause")
    clock.set(at(2026, 11, 27, 9, 0))  # the next day
    assert await bot.tap("A week", question) == []
    assert bot.callback_answers()[-1].startswith("That button is from an earlier day")
    current = bot.stub.message(CHAT, question["message_id"])
    assert current is not None and not current.get("reply_markup")  # buttons taken away
    assert not (await runner_row(bot)).paused_from
    for data in ("v1:pz:yesterday:week", "v1:pz:20261127:forever", "v1:pz"):
        assert await bot.press(question["message_id"], data) == []
        assert bot.callback_answers()[-1] == T("misc.stale_button")
    assert bot.stub.errors == []


async def test_other_text_moves_on_and_the_question_still_works_today(
    bot: BotHarness, clock
) -> None:
    clock.set(at(2026, 11, 26, 7, 30))
    await onboard(bot)
    [question] = await bot.say("/pause")
    [done] = await bot.say("done")
    assert "Logged" in done["text"]
    [week] = await bot.say("/week")
    assert "Your week" in week["text"]
    await bot.tap("A few days", question)
    [confirmation] = await bot.tap("Other")
    assert "Paused until <b>Sunday 29 Nov</b>" in confirmation["text"]
    assert "Take the time you need." in confirmation["text"]


async def test_pause_while_paused_offers_to_keep_or_change_it(bot: BotHarness, clock) -> None:
    clock.set(at(2026, 11, 26, 6, 0))
    await onboard(bot)
    await pause_for(bot, "A week", "Illness")
    clock.set(at(2026, 11, 28, 9, 0))
    [status] = await bot.say("/pause")
    assert "already paused until <b>Thursday 3 Dec</b>" in status["text"]
    keep = button_data(status, "Keep it")
    [kept] = await bot.tap("Keep it", status)
    assert "stays as it is" in kept["text"]
    assert (await runner_row(bot)).paused_until == date(2026, 12, 2)
    [other] = await bot.say("/pause")
    await bot.say("/resume")
    assert await bot.press(other["message_id"], keep) == []  # resumed since: nothing to keep
    assert bot.callback_answers()[-1] == T("misc.stale_button")
    await bot.say("/pause")  # and pause again, for the change below
    await bot.tap("A week")
    await bot.tap("Illness")
    assert (await runner_row(bot)).paused_from == THU  # ended yesterday: still one pause

    [status] = await bot.say("/pause")
    await bot.tap("Until I resume", status)
    [changed] = await bot.tap("Injury")
    assert "Paused until you send /resume" in changed["text"]
    assert "see a doctor or physio" in changed["text"]
    runner = await runner_row(bot)
    assert (runner.paused, runner.paused_from, runner.paused_until) == (True, THU, None)
    [status] = await bot.say("/pause")
    assert "already paused until you send /resume" in status["text"]
    clock.set(at(2026, 12, 1, 9, 0))
    [back] = await bot.say("/resume")
    assert "5 days off with an injury" in back["text"]


async def test_an_open_pause_from_before_pauses_had_dates_resumes_cleanly(
    bot: BotHarness, clock
) -> None:
    clock.set(at(2026, 11, 26, 6, 0))
    await onboard(bot)
    async with transaction(bot.sessions) as session:
        runner = await session.get(Runner, CHAT)
        assert runner is not None
        runner.paused, runner.next_reminder_utc = True, None
        runner.updated_at = at(2026, 11, 26, 6, 0)
        session.add(runner)
    clock.set(at(2026, 11, 29, 9, 0))
    [status] = await bot.say("/pause")
    assert "already paused until you send /resume" in status["text"]
    [back] = await bot.say("/resume")
    assert "3 days away" in back["text"]
    runner = await runner_row(bot)
    assert (runner.paused, runner.paused_from, runner.paused_until) == (
        False,
        THU,
        date(2026, 11, 28),
    )


async def test_a_snooze_from_before_the_pause_is_not_sent_on_a_paused_day(
    bot: BotHarness, clock
) -> None:
    clock.set(at(2026, 11, 26, 6, 0))
    await onboard(bot)
    clock.set(at(2026, 11, 26, 7, 0))
    assert (await bot.tick()).sent == 1
    await bot.tap("Later")
    await bot.tap("30 min")
    await pause_for(bot, "A week", "Illness")
    clock.set(at(2026, 11, 26, 7, 31))
    assert (await bot.tick()).sent == 0
    assert texts(reminders_sent(bot)).count("⏰") == 1
