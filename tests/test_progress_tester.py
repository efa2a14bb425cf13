"""Issue 15 as a demanding runner tries it (helper T's findings): each test shows one
problem found by living weeks of simulated time through the real bot, and is marked
``xfail(strict=True)`` until it is fixed (then the mark comes off). The steps, what was
seen and what was expected are in each test's docstring.

The default runner (``testkit.harness.onboard``): Legs Tue, Legs Thu, Upper body Sat,
Europe/Berlin; the clock starts on Thursday 26 Nov 2026 (sign-up day). The week of Monday
14 Dec is the plan's first lighter week (every 4th week).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from testkit.harness import BotHarness, onboard, shared_content, texts

T = shared_content().texts
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


@pytest.mark.xfail(
    strict=True,
    reason="tester: a level-up is celebrated on a lighter-week session built at the old level",
)
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
    assert "<b>Tuesday 15 Dec</b> · 🦵 Legs · level " + level in history["text"]


@pytest.mark.xfail(
    strict=True,
    reason="tester: the monthly recap's minutes disagree with /progress and the export",
)
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
