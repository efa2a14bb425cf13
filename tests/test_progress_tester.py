"""Issue 15 as a demanding runner tries it (helper T's findings): each test shows one
problem found by living weeks of simulated time through the real bot, and is marked
``xfail(strict=True)`` until it is fixed (then the mark comes off). The steps, what was
seen and what was expected are in each test's docstring.

The default runner (``testkit.harness.onboard``): Legs Tue, Legs Thu, Upper body Sat,
Europe/Berlin; the clock starts on Thursday 26 Nov 2026 (sign-up day). The week of Monday
14 Dec is the plan's first lighter week (every 4th week).
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.coach.streaks import WeekMark
from bot.messages.progress import chart_data
from bot.services.progress import read_progress
from bot.store.db import transaction
from testkit.harness import CHAT, BotHarness, onboard, shared_content, texts

CONTENT = shared_content()
T = CONTENT.texts
BERLIN = ZoneInfo("Europe/Berlin")
LEVEL_SHOWN = re.compile(r"^Level (\d+)", re.MULTILINE)
LEVEL_MILESTONE = re.compile(r"New best: <b>(?P<focus>[^<]+?) level (?P<level>\d+)</b>")


def at(day: date, hour: int = 19, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=BERLIN)


async def session_and_done(bot: BotHarness, day: date, reply: str = "done") -> tuple[str, str]:
    """On ``day`` at 19:00: /today (the session message), then ``reply``, then "Just
    right"; the session message's text and the reply to ``reply``."""
    bot.clock.set(at(day))
    shown = texts(await bot.say("/today"))
    answered = texts(await bot.say(reply))
    await bot.tap(T("feedback.right"))
    return shown, answered


async def train(bot: BotHarness, days: list[date]) -> None:
    for day in days:
        await session_and_done(bot, day)


# Every planned session of the first three weeks (sign-up week: Thu, Sat), Thursday 10 Dec
# skipped (busy), as helper T's simulated season did.
FIRST_WEEKS = [date(2026, 11, 26), date(2026, 11, 28)] + [
    date(2026, 12, d) for d in (1, 3, 5, 8, 12)
]


async def test_a_lighter_week_session_is_not_celebrated_as_a_new_level(bot: BotHarness) -> None:
    """Steps: onboard; "done" + "Just right" on every planned session from 26 Nov, 10 Dec
    skipped ("skip, too busy"); on Tuesday 15 Dec (the first lighter week) /today, "done".

    Seen: the session message (and the week's preview, and /history afterwards) says
    Legs "Level 5", yet the "done" reply says "⬆️ New best: Legs level 6 — your first
    session at it". Expected: the milestone names the level the runner actually did (no
    level-up line on a lighter week held at the old level; the level-6 cheer on the first
    session really built at level 6). Probably bot/coach/milestones.py (level_of_done
    replays progression without the lighter week's hold that
    bot/services/log_book.shown_level applies)."""
    await onboard(bot)
    await train(bot, FIRST_WEEKS[:6])
    bot.clock.set(at(date(2026, 12, 10)))
    await bot.say("skip, too busy")
    await train(bot, [date(2026, 12, 12)])
    shown, answered = await session_and_done(bot, date(2026, 12, 15))
    [level] = LEVEL_SHOWN.findall(shown)
    for found in LEVEL_MILESTONE.finditer(answered):
        assert found["level"] == level, (shown.splitlines()[:4], answered)
    [history] = await bot.say("/history")
    assert "<b>Today</b> · 🦵 Legs · level " + level in history["text"]


async def test_the_monthly_recap_minutes_match_progress(bot: BotHarness) -> None:
    """Steps: onboard on Thursday 26 Nov; "done" on Thursday 26 and Saturday 28 Nov
    (sessions of about 17 and 16 minutes, as their messages say); /progress on Monday 30
    Nov; the weekly preview of Sunday 6 Dec (the first of December, with November's recap).

    Seen: /progress "in all: 2 sessions, 33 min" (the export's "planned minutes" 17 + 16),
    the recap "November in short: 2 of 2 sessions done, about 40 minutes of strength".
    Expected: the same two sessions give the same minutes everywhere. Probably
    bot/services/previews.py (session_minutes builds each session anew at the runner's
    time budget instead of reading the log's planned minutes as services.progress does)."""
    await onboard(bot)
    await train(bot, FIRST_WEEKS[:2])
    bot.clock.set(at(date(2026, 11, 30), 9))
    [caption] = [m.get("caption") or m.get("text") or "" for m in await bot.say("/progress")]
    found = re.search(r"in all: 2 sessions, (\d+) min", caption)
    assert found, caption
    minutes = int(found[1])
    bot.clock.set(at(date(2026, 12, 6), 18, 1))
    await bot.tick()
    recap = next(
        m["text"]
        for m in reversed(bot.stub.sent_messages(bot.chat_id))
        if "November in short" in (m.get("text") or "")
    )
    assert f"about {minutes} minutes" in recap, (caption, recap)


async def test_progress_names_the_level_done_not_the_next_one(bot: BotHarness) -> None:
    """Steps: onboard; "done" + "Just right" on Thu 26 Nov, Sat 28 Nov, Tue 1 Dec; /progress
    and /history on Wednesday 2 Dec; "done" on Thursday 3 Dec.

    Seen: on 2 Dec the caption says "🦵 Legs: level 4 → <b>5</b> since 26 Nov" (and the
    chart's Legs line reaches 5 in that week) while /history lists Legs only at level 4;
    on 3 Dec the "done" reply cheers "New best: Legs level 5 — your first session at it".
    The caption claims a level the runner has not done (it is the next session's level),
    contradicting /history and the milestone a day later. (Over ten weeks: caption "4 → 10",
    /history's best Legs session level 9.) Expected: "now" is the level done (or worded as
    the next session's level, "next: level 5"). Probably bot/services/progress.py /
    bot/coach/progress.py (levels taken from the replay's next level) with
    bot/messages/progress.py's level_lines."""
    await onboard(bot)
    await train(bot, [*FIRST_WEEKS[:3]])
    bot.clock.set(at(date(2026, 12, 2), 9))
    [photo] = await bot.say("/progress")
    caption = photo.get("caption") or photo.get("text") or ""
    [legs] = [line for line in caption.splitlines() if "Legs: level" in line]
    [history] = await bot.say("/history")
    done_levels = [int(n) for n in re.findall(r"🦵 Legs · level (\d+)", history["text"])]
    now = int(re.findall(r"<b>(\d+)</b>", legs)[-1])
    assert now <= max(done_levels), (legs, done_levels)


async def test_a_paused_week_is_marked_paused_in_the_chart(bot: BotHarness) -> None:
    """Steps: onboard; "done" on every session up to Sat 19 Dec; Sunday 20 Dec evening
    "pause" → "A week" → "Holiday" ("Paused until Sunday 27 Dec"); "done" on 29 and 31 Dec
    and 2 Jan; /progress on Sunday 3 Jan.

    Seen: the week of 21 Dec reaches the chart as WeekFacts(planned=0, done=0,
    paused=False) with the mark "rest": an empty slot, the same as the weeks before
    sign-up, no "paused" in the legend. Expected (issue 15, point 2: "skipped, moved and
    paused weeks marked"): the week shows as paused. Probably bot/coach/progress.py
    (the week facts: the pause period not seen when it removed every planned session) and
    bot/coach/streaks.py's mark_of (REST is tested before PAUSED)."""
    await onboard(bot)
    await train(bot, [*FIRST_WEEKS, date(2026, 12, 10)])
    await train(bot, [date(2026, 12, d) for d in (15, 17, 19)])
    bot.clock.set(at(date(2026, 12, 20), 20))
    await bot.say("pause")
    await bot.tap("A week")
    replies = await bot.tap("Holiday")
    assert "Paused until" in texts(replies), texts(replies)
    await train(bot, [date(2026, 12, 29), date(2026, 12, 31), date(2027, 1, 2)])
    bot.clock.set(at(date(2027, 1, 3), 10))
    async with transaction(bot.sessions) as session:
        progress = await read_progress(session, CHAT, bot.clock.now(), catalog=CONTENT.catalog)
    assert progress is not None
    [paused] = [w for w in progress.weeks if w.facts.monday == date(2026, 12, 21)]
    assert paused.mark is WeekMark.PAUSED, paused
    [bar] = [w for w in chart_data(CONTENT, progress).weeks if w.label == "21 Dec"]
    assert bar.mark == "paused", bar


async def test_the_december_recap_counts_decembers_sessions(bot: BotHarness) -> None:
    """Steps: onboard; "done" on every session from 26 Nov to Thursday 31 Dec; /progress
    on 31 Dec evening; "done" on Saturday 2 Jan; the preview of Sunday 3 Jan 18:00.

    Seen: /progress on 31 Dec "This month: 14 sessions"; the recap three days later
    "📆 December in short: 15 of 15 sessions done" — it counts the weeks whose Thursday is
    in December (ISO 8601's rule), so Saturday 2 January is a December session. A runner
    reads two different December totals (and minutes). Expected: "December" means the
    calendar month, as /progress's "This month" does (or the recap names its weeks:
    "your weeks from 30 Nov to 3 Jan"). Probably bot/services/previews.py
    (weeks_of_month / month_recap)."""
    await onboard(bot)
    days = [date(2026, 11, 26), date(2026, 11, 28)] + [
        date(2026, 12, 1) + timedelta(weeks=w, days=k) for w in range(5) for k in (0, 2, 4)
    ]
    december = [d for d in days if d.month == 12 and d.year == 2026]
    await train(bot, [d for d in days if d <= date(2026, 12, 31)])
    bot.clock.set(at(date(2026, 12, 31), 21))
    [photo] = await bot.say("/progress")
    caption = photo.get("caption") or photo.get("text") or ""
    assert f"This month: {len(december)} sessions" in caption, caption
    await train(bot, [date(2027, 1, 2)])
    bot.clock.set(at(date(2027, 1, 3), 18, 1))
    await bot.tick()
    recap = next(
        m["text"]
        for m in reversed(bot.stub.sent_messages(bot.chat_id))
        if "December in short" in (m.get("text") or "")
    )
    assert f"{len(december)} of" in recap, (caption, recap)


async def test_how_many_sessions_gets_the_total(bot: BotHarness) -> None:
    """Steps: onboard; "done" on six sessions (26 Nov to 8 Dec); Wednesday 9 Dec type
    "how many sessions have I done?" (also "how many sessions in total").

    Seen: the streak answer (streak, X of Y weeks, "This week: 1 of 3 done", levels, next
    session) with no total anywhere; /progress's caption has it ("in all: 6 sessions").
    Expected: the number asked for (issue point 7: plain questions answered from the same
    data). Probably bot/messages/chat.py (the progress answer) or the intent's content."""
    await onboard(bot)
    await train(bot, [*FIRST_WEEKS[:6]])
    bot.clock.set(at(date(2026, 12, 9), 12))
    for asked in ("how many sessions have I done?", "how many sessions in total"):
        answer = texts(await bot.say(asked))
        assert re.search(r"\b6 sessions\b", answer), (asked, answer)


async def test_what_lvl_am_i_is_understood(bot: BotHarness) -> None:
    """Steps: onboard; type "what lvl am i". Seen: "I didn't catch that. /help lists what
    I understand." while "lvl?", "my level" and "what level am i" get the levels.
    Expected: the levels answer. Probably content/phrases.toml ([level])."""
    await onboard(bot)
    answer = texts(await bot.say("what lvl am i"))
    assert "<b>Your levels</b>" in answer, answer


async def test_the_preview_and_the_typed_last_week_mean_the_same_week(bot: BotHarness) -> None:
    """Steps: onboard; "done" on Thu 26 and Sat 28 Nov (sign-up week, 2 of 2) and on Tue 1,
    Thu 3, Sat 5 Dec (3 of 3); the weekly preview on Sunday 6 Dec at 18:00 (its default
    day and time); right after it, type "what did I do last week?".

    Seen: the preview opens "Last week: 3 of 3 ✅ · streak 2 weeks" (the week of 30 Nov,
    ending that Sunday); the typed answer a minute later is "📖 Last week (Monday 23 Nov to
    Sunday 29 Nov): 2 of 2 ✅" with 30 Nov's week as "This week so far". Two different
    weeks called "last week" in two consecutive messages (the same for a Los Angeles
    runner at its local Sunday 18:00). Expected: the answer read right after the preview
    is about the week the preview tallied (or the preview calls it "this week"). Probably
    bot/services/log_book.py (read_recent_weeks' "last week") against
    bot/services/previews.py (preview_tally's week)."""
    await onboard(bot)
    await train(bot, [*FIRST_WEEKS[:5]])
    bot.clock.set(at(date(2026, 12, 6), 18, 1))
    await bot.tick()
    preview = bot.last_text()
    # Fixed by naming it: on its own Sunday the preview tallies "This week", and typed "last
    # week" is the week before, so the two no longer say different things of one name.
    assert preview.startswith("This week: 3 of 3 ✅"), preview
    bot.clock.set(at(date(2026, 12, 6), 18, 5))
    answer = texts(await bot.say("what did I do last week?"))
    assert "(Monday 23 Nov – Sunday 29 Nov): 2 of 2" in answer, answer


async def test_more_sessions_a_week_in_settings_keeps_the_streak_earned(bot: BotHarness) -> None:
    """Steps: onboard with 2 sessions a week (Legs Tue and Fri; sign-up week: Fri 27 Nov);
    "done" on every session (27 Nov, 1, 4, 8 and 11 Dec: three full weeks); on Saturday
    12 Dec "my streak" ("3 weeks in a row"), then /settings → "Sessions per week" → "3";
    "my streak" and /progress again.

    Seen (the same over five weeks, after the "4 weeks in a row" milestone was cheered):
    "🔥 Streak: none running yet — a full week starts one." and "✅ 0 of the last 3 weeks
    in full"; /progress "Streak: none yet — a full week starts it" with no best at all;
    "what did I do last week?" re-labels a 2-of-2 week "2 of 3". Every past week is judged
    again against the new plan. Expected (issue 15, point 1: a week counts when the runner
    did what their plan asked *that week*; best streak kept): the weeks already done keep
    their marks, the streak (3) and the best stand. Probably bot/services/progress.py /
    bot/coach/progress.py (past weeks' planned counts from today's runner settings instead
    of the plan each week had)."""
    await onboard(bot, sessions="2")
    await train(bot, [date(2026, 11, 27)] + [date(2026, 12, d) for d in (1, 4, 8, 11)])
    bot.clock.set(at(date(2026, 12, 12), 12))
    before = texts(await bot.say("my streak"))
    assert before.startswith("🔥 <b>Streak:</b> 3 weeks in a row"), before
    await bot.say("/settings")
    await bot.tap(T("settings_field.sessions"))
    saved = texts(await bot.say("3"))
    assert saved.startswith(T("settings.saved")), saved
    after = texts(await bot.say("my streak"))
    assert after.startswith("🔥 <b>Streak:</b> 3 weeks in a row"), after
    [photo] = await bot.say("/progress")
    caption = photo.get("caption") or photo.get("text") or ""
    assert "3 weeks" in caption, caption


def csv_rows(bot: BotHarness) -> list[list[str]]:
    [sheet] = [u for u in bot.documents() if u.file_name.endswith(".csv")][-1:]
    return list(csv.reader(io.StringIO(sheet.data.decode("utf-8-sig"), newline="")))


@pytest.mark.xfail(
    strict=True,
    reason="tester: a new experience answer in /settings rewrites the levels of the past log",
)
async def test_a_settings_change_does_not_rewrite_the_log(bot: BotHarness) -> None:
    """Steps: onboard ("some" experience); "done" on Thu 26 Nov, Sat 28 Nov, Tue 1 and
    Thu 3 Dec (the session messages say Level 4, 4, 4, 5; the reply on 3 Dec cheers "New
    best: Legs level 5"); /history and /export; then /settings → Experience → "New to
    strength training"; /history and /export again.

    Seen: every past line changes: "Thursday 26 Nov · 🦵 Legs · level 4" becomes
    "level 1", 3 Dec "level 5" becomes "level 2"; the export's level and "exercises"
    columns of those days change with them (other moves and doses than the runner did);
    /progress says "Legs: level 1 → 3 since 26 Nov". Expected: the log is what was done —
    /history and the export keep the level and doses each session had; only sessions to
    come follow the new answer. Probably bot/services/log_book.py (shown_level) and
    bot/services/export.py (sessions rebuilt from today's settings, not stored)."""
    await onboard(bot)
    await train(bot, [*FIRST_WEEKS[:4]])
    bot.clock.set(at(date(2026, 12, 4), 12))
    [before] = await bot.say("/history")
    await bot.say("/export")
    sheet_before = csv_rows(bot)
    await bot.say("/settings")
    await bot.tap(T("settings_field.experience"))
    saved = texts(await bot.tap("New to strength training"))
    assert T("settings.saved") in saved, saved
    [after] = await bot.say("/history")
    await bot.say("/export")
    assert after["text"] == before["text"]
    assert csv_rows(bot) == sheet_before


async def test_a_late_sign_up_day_is_not_held_against_the_runner(
    bot: BotHarness, clock: Any
) -> None:
    """Steps: sign up on Saturday 28 Nov at 20:00 (default week: Upper body on Saturday);
    do all three sessions of the next week (1, 3, 5 Dec); the preview on Sunday 6 Dec
    18:00; "my streak" and /progress.

    Seen: "✅ 1 of the last 2 weeks in full" in the answer and the caption, and the first
    preview's recap "📆 November in short: 0 of 1 sessions done, about 0 minutes of
    strength. Levels held steady." — for the four hours of November the runner was set
    up. Expected: a perfect first week reads as one (the sign-up week neutral when nothing
    could fairly be asked of it: "1 of the last week"), and no recap of a month with no
    session in it. Probably bot/coach/progress.py (the sign-up week's planned count) and
    bot/services/previews.py (month_recap for a month with nothing done)."""
    clock.set(at(date(2026, 11, 28), 20))
    await onboard(bot)
    await train(bot, [date(2026, 12, 1), date(2026, 12, 3), date(2026, 12, 5)])
    bot.clock.set(at(date(2026, 12, 6), 18, 1))
    await bot.tick()
    preview = bot.last_text()
    answer = texts(await bot.say("my streak"))
    assert "1 of the last 2 weeks" not in answer, answer
    assert "0 of 1 sessions" not in preview, preview
