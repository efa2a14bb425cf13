"""Plain questions answered from the progress data (issue 15, point 7): "how am I doing?"
and "my streak" lead with the streak, the best and X of the last Y weeks (the numbers
/progress shows, from ``services.progress``), then this week and the levels; "what level am
I?" says where each level started; "what did I do last week?" shows last week's logs as
/history does, with the week's tally.

The default runner (``testkit.harness.onboard``): Legs Tue, Legs Thu, Upper body Sat,
Europe/Berlin; the clock starts on Thursday 26 Nov 2026 (sign-up day).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.coach.intents import Intent
from bot.messages.chat import recent_weeks_text, streak_text
from bot.messages.progress import kept_line, sessions_line, streak_line
from bot.services.log_book import read_recent_weeks
from bot.services.progress import read_progress
from bot.store.db import transaction
from bot.store.models import Runner, SessionLog
from testkit.harness import CHAT, BotHarness, onboard, shared_content

CONTENT = shared_content()
T = CONTENT.texts
BERLIN = ZoneInfo("Europe/Berlin")
OTHER = CHAT + 1
LAST_WEEK_KNOWN = bool(
    CONTENT.phrases.vocabulary.exact[Intent.LAST_WEEK]
    or CONTENT.phrases.vocabulary.contains[Intent.LAST_WEEK]
)
WAITING = pytest.mark.skipif(
    not LAST_WEEK_KNOWN,
    reason="content/phrases.toml has no [last_week] yet (bot/content.py's PhrasesFile "
    "needs 'last_week: _Asked' first)",
)
STREAK_HEAD = "🔥 <b>Streak:</b>"


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


async def train(bot: BotHarness, clock: Any, days: list[date], feeling: str = "easy") -> None:
    """Each day at 08:00: /today, "done", and how it felt."""
    for day in days:
        clock.set(at(day.year, day.month, day.day, 8, 0))
        await bot.say("/today")
        await bot.say("done")
        await bot.tap(T(f"feedback.{feeling}"))


async def progress_now(bot: BotHarness) -> Any:
    async with transaction(bot.sessions) as session:
        return await read_progress(session, CHAT, bot.clock.now(), catalog=CONTENT.catalog)


# Thursday 26 and Saturday 28 Nov (sign-up week), Tuesday 1, Thursday 3, Saturday 5 Dec.
TWO_FULL_WEEKS = [date(2026, 11, 26), date(2026, 11, 28), *(date(2026, 12, d) for d in (1, 3, 5))]


async def test_how_am_i_doing_leads_with_the_streak_then_the_week_and_levels(
    bot: BotHarness, clock: Any
) -> None:
    await onboard(bot)
    await train(bot, clock, TWO_FULL_WEEKS)
    clock.set(at(2026, 12, 8, 9, 0))  # Tuesday: this week's first session still to do
    [reply] = await bot.say("how am I doing?")
    text = reply["text"]
    progress = await progress_now(bot)
    assert progress.streak.current == 2, progress.streak
    assert text.startswith(streak_text(T, progress.streak) + "\n"), text
    assert text.startswith(f"{STREAK_HEAD} 2 weeks in a row\n✅ 2 of the last 2 weeks in full"), (
        text
    )
    assert "<b>This week:</b> 0 of 3 done." in text
    assert "<b>Levels</b>" in text  # kept: this week's count and the levels


@pytest.mark.parametrize(
    "asked",
    [
        "my streak",
        "streak?",
        "Am I on a streak?",
        "how long is my streak",
        "HOW MANY WEEKS IN A ROW",
        "Streek?",
        "whats my streak 🔥",
        "best streak?",
    ],
)
async def test_the_streak_asked_any_way_gets_it_with_the_best_and_this_week(
    bot: BotHarness, clock: Any, asked: str
) -> None:
    await onboard(bot)
    await train(bot, clock, [date(2026, 11, 26), date(2026, 11, 28), date(2026, 12, 1)])
    clock.set(at(2026, 12, 3, 20, 0))  # Thursday evening: Thursday's session not done
    [reply] = await bot.say(asked)
    text = reply["text"]
    assert text.startswith(f"{STREAK_HEAD} 1 week\n✅ 1 of 1 week in full\n"), text
    # This week's state: one of three done, the cheer for it.
    assert "<b>This week:</b> 1 of 3 done." in text, text


async def test_one_short_says_one_more_makes_the_week_full(bot: BotHarness, clock: Any) -> None:
    await onboard(bot)
    await train(bot, clock, [date(2026, 12, 1), date(2026, 12, 3)])
    [reply] = await bot.say("my streak")
    assert "<b>This week:</b> 2 of 3 done. " + T("chat.standing_cheer_almost") in reply["text"]
    assert reply["text"].startswith(T("chat.streak_none")), reply["text"]


async def test_a_streak_question_before_set_up_gets_the_usual_answer(bot: BotHarness) -> None:
    [reply] = await bot.say("my streak?")
    assert reply["text"] == T("today.not_set_up")


async def test_what_level_am_i_says_where_each_level_started(bot: BotHarness, clock: Any) -> None:
    await onboard(bot)
    [first] = await bot.say("what level am I?")
    assert "(from" not in first["text"] and "(since" not in first["text"]  # nothing done yet
    await train(bot, clock, TWO_FULL_WEEKS)
    [reply] = await bot.say("What level am i?")
    progress = await progress_now(bot)
    legs_start, legs_day = progress.level_start[
        next(f for f in progress.level_start if f == "legs")
    ]
    assert legs_day == date(2026, 11, 26)
    [legs] = [line for line in reply["text"].splitlines() if "Legs: level" in line]
    assert re.fullmatch(rf"🦵 Legs: level (\d+) \(from {legs_start} on 26 Nov\)", legs), legs
    [upper] = [line for line in reply["text"].splitlines() if "Upper body: level" in line]
    assert upper.endswith(" on 28 Nov)"), upper


async def seed(bot: BotHarness) -> None:
    """Last week (30 Nov to 6 Dec): Tuesday done with a note, Thursday skipped (busy),
    Saturday done; this week: Tuesday 8 Dec done; the sign-up week full. A second runner logs
    every day (never shown)."""
    async with transaction(bot.sessions) as session:
        session.add(Runner(chat_id=OTHER, onboarded=True, run_days="1,3,6", timezone="UTC"))
        for n in range(14):
            day = date(2026, 11, 30) + timedelta(days=n)
            session.add(SessionLog(chat_id=OTHER, local_date=day, focus="core", status="done"))
        for day, focus, status, extra in [
            (
                date(2026, 12, 1),
                "legs",
                "done",
                {"note": "squats felt strong", "feedback": "right"},
            ),
            (date(2026, 12, 3), "legs", "skipped", {"reason": "busy"}),
            (date(2026, 12, 5), "upper", "done", {"feedback": "easy"}),
            (date(2026, 12, 8), "legs", "done", {}),
            (date(2026, 11, 26), "legs", "done", {}),
            (date(2026, 11, 28), "upper", "done", {"note": "week before: not shown"}),
        ]:
            session.add(
                SessionLog(chat_id=CHAT, local_date=day, focus=focus, status=status, **extra)
            )


async def test_last_weeks_logs_come_with_the_tally_and_this_week_so_far(
    bot: BotHarness, clock: Any
) -> None:
    await onboard(bot)
    await seed(bot)
    clock.set(at(2026, 12, 9, 12, 0))  # Wednesday
    async with transaction(bot.sessions) as session:
        recent = await read_recent_weeks(session, CHAT, clock.now())
    assert recent is not None
    progress = await progress_now(bot)
    [tally] = [w for w in progress.weeks if w.facts.monday == date(2026, 11, 30)]
    text = recent_weeks_text(T, recent, tally, progress.streak)
    head = text.split("\n")[0]
    week = "📖 <b>Last week</b> (Monday 30 Nov – Sunday 6 Dec)"
    assert head == f"{week}: 2 of 3 · one short, the streak holds", head
    assert [line.split("</b>")[0] for line in text.splitlines() if line.startswith("<b>")] == [
        "<b>Tuesday 1 Dec", "<b>Thursday 3 Dec", "<b>Saturday 5 Dec",
        "<b>This week so far:", "<b>Tuesday 8 Dec",
    ]  # fmt: skip
    assert "⏭ Skipped · 📅 Busy" in text and "📝 <i>squats felt strong</i>" in text
    assert "not shown" not in text and "Core" not in text  # the week before; the other runner
    assert text.endswith(streak_text(T, progress.streak))


@WAITING
@pytest.mark.parametrize(
    "asked",
    [
        "what did I do last week?",
        "What did i do on Monday",
        "last week?",
        "how did last week go",
        "my log",
        "what did I do yesterday?",
    ],
)
async def test_what_did_i_do_last_week_typed(bot: BotHarness, clock: Any, asked: str) -> None:
    await onboard(bot)
    await seed(bot)
    clock.set(at(2026, 12, 9, 12, 0))
    [reply] = await bot.say(asked)
    assert reply["text"].startswith("📖 <b>Last week</b> (Monday 30 Nov – Sunday 6 Dec): 2 of 3")
    assert "<b>Tuesday 8 Dec</b>" in reply["text"]


@pytest.mark.parametrize(
    "asked",
    [
        "how many sessions have I done?",
        "how many sessions in total",
        "How many workouts have I done this month?",
        "how many have i done",
    ],
)
async def test_how_many_sessions_gets_the_number_in_all_this_month_and_this_week(
    bot: BotHarness, clock: Any, asked: str
) -> None:
    """A tester asked "how many sessions have I done?" and got the streak with no total.
    The answer now carries /progress's sessions line (the same figures, the same words)
    and this week's count."""
    await onboard(bot)
    await train(bot, clock, [*TWO_FULL_WEEKS, date(2026, 12, 8)])
    clock.set(at(2026, 12, 9, 12, 0))
    [reply] = await bot.say(asked)
    text = reply["text"]
    progress = await progress_now(bot)
    assert (progress.done_total, progress.done_this_month) == (6, 4)
    assert sessions_line(T, progress) in text, text
    assert "This month: 4 sessions · in all: 6 sessions" in text, text
    assert "<b>This week:</b> 1 of 3 done." in text, text


@pytest.mark.parametrize("asked", ["what lvl am i", "What lvl am I on?", "my lvls", "lvl?"])
async def test_lvl_is_a_level_word(bot: BotHarness, asked: str) -> None:
    await onboard(bot)
    [reply] = await bot.say(asked)
    assert reply["text"].startswith("<b>Your levels</b>"), reply["text"]


async def test_the_streak_is_worded_as_the_progress_caption_words_it(
    bot: BotHarness, clock: Any
) -> None:
    """The same figure worded one way: "· best 2 weeks" (not "(best: 2)") and "of 1 week in
    full" (not "of the last week"), as /progress's caption words them."""
    await onboard(bot)
    await train(bot, clock, [date(2026, 11, 26), date(2026, 11, 28)])
    clock.set(at(2026, 12, 1, 12, 0))  # Tuesday: one week counted, in full
    [first] = await bot.say("my streak")
    progress = await progress_now(bot)
    line = kept_line(T, progress)
    assert line == "✅ 1 of 1 week in full" and line in first["text"], first["text"]
    # Two full weeks, then a week with nothing done: the streak starts again, best 2 weeks.
    await train(bot, clock, [date(2026, 12, 1), date(2026, 12, 3), date(2026, 12, 5)])
    clock.set(at(2026, 12, 14, 12, 0))
    [reply] = await bot.say("my streak")
    progress = await progress_now(bot)
    assert (progress.streak.current, progress.streak.best) == (0, 2), progress.streak
    head = reply["text"].split("\n")[0]
    assert head == "🔥 <b>Streak:</b> starts again with a full week · best 2 weeks", head
    assert streak_line(T, progress) == "🔥 Streak: starts again with a full week · best 2 weeks"
    assert "(best" not in reply["text"] and "of the last week" not in reply["text"]
    assert kept_line(T, progress) in reply["text"], reply["text"]


# ---- typed /export and "what did I do this week?" -----------------------------------------


@pytest.mark.parametrize(
    "asked", ["export", "export my data", "download my data", "can I get my data?"]
)
async def test_export_typed_sends_the_export_files(bot: BotHarness, asked: str) -> None:
    await onboard(bot)
    replies = await bot.say(asked)
    assert [reply["method"] for reply in replies] == ["sendDocument", "sendDocument"], replies
    assert len(bot.documents()) == 2


@pytest.mark.parametrize(
    "asked", ["what did I do this week?", "this week so far", "So far this week?"]
)
async def test_what_did_i_do_this_week_shows_this_weeks_logs_and_tally(
    bot: BotHarness, clock: Any, asked: str
) -> None:
    await onboard(bot)
    await seed(bot)
    clock.set(at(2026, 12, 9, 12, 0))  # Wednesday: Tuesday 8 Dec done
    [reply] = await bot.say(asked)
    text = reply["text"]
    progress = await progress_now(bot)
    [tally] = [w for w in progress.weeks if w.facts.monday == date(2026, 12, 7)]
    assert (tally.facts.done, tally.facts.planned) == (1, 3)
    head = text.split("\n")[0]
    week = "📖 <b>This week so far</b> (Monday 7 Dec – Sunday 13 Dec)"
    assert head == f"{week}: 1 of 3 done", head
    assert [line.split("</b>")[0] for line in text.splitlines() if line.startswith("<b>")] == [
        "<b>Tuesday 8 Dec"
    ]
    assert "Last week" not in text and "squats felt strong" not in text  # last week's


async def test_this_week_with_nothing_logged_yet_says_so(bot: BotHarness, clock: Any) -> None:
    await onboard(bot)
    clock.set(at(2026, 11, 30, 12, 0))  # Monday after sign-up: nothing this week yet
    [reply] = await bot.say("what did I do this week?")
    assert reply["text"].endswith("\n" + T("chat.week_so_far_empty")), reply["text"]
    assert ": 0 of 3 done" in reply["text"], reply["text"]
