"""Onboarding journeys' shared steps: what the runner sees, what is stored, and the
runner's actions (tap through every question, onboard), for tests/test_onboarding_*.py.

Each test there is a journey through the real Application with only the network swapped
(``testkit.harness``); it checks what the runner sees (texts and buttons) and what ends up
in the database (the ``runners`` row, the onboarding draft and the step it is at).
Texts are looked up from ``content/messages.toml`` by key, so copy edits don't break them.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import select

from bot.coach.week import Equipment, Experience, RunnerWeek
from bot.store import drafts, runners
from bot.store.db import transaction
from bot.store.models import OnboardingDraft, Runner
from testkit.harness import CHAT, BotHarness, FakeClock, shared_content

T = shared_content().texts
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
# The fake clock: Thursday 2026-11-26 06:00 UTC = 07:00 in Berlin, 01:00 in New York.
TODAY = date(2026, 11, 26)
THIS_MONDAY = date(2026, 11, 23)
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
GROUP_CHAT = -100123


# ---- what the runner sees ------------------------------------------------------------


def texts_of(messages: list[dict[str, Any]]) -> list[str]:
    return [str(message["text"]) for message in messages]


def labels(message: dict[str, Any]) -> list[list[str]]:
    """Inline button labels of a message, row by row."""
    markup = message.get("reply_markup") or {}
    return [[button["text"] for button in row] for row in markup.get("inline_keyboard", [])]


def flat_labels(message: dict[str, Any]) -> list[str]:
    return [label for row in labels(message) for label in row]


def current(bot: BotHarness, message: dict[str, Any]) -> dict[str, Any]:
    """A bot message as the runner sees it now (after edits)."""
    stored = bot.stub.message(CHAT, message["message_id"])
    assert stored is not None
    return stored


def question_text(key: str, **values: Any) -> str:
    return T(f"onboarding.{key}", **values)


def summary_lines(text: str) -> dict[str, str]:
    """'Mon — 🏃 run · 🧱 Core' lines of a summary, keyed by the short day name."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        for day in range(7):
            prefix = T.weekday(day, "abbreviated") + " — "
            if line.startswith(prefix):
                found[T.weekday(day, "abbreviated")] = line[len(prefix) :]
    return found


def callback_count(bot: BotHarness) -> int:
    return len(bot.stub.calls_to("answerCallbackQuery"))


# ---- what is stored ------------------------------------------------------------------


async def stored_runner(bot: BotHarness, chat_id: int = CHAT) -> Runner | None:
    async with transaction(bot.sessions) as session:
        return await runners.get_runner(session, chat_id)


async def stored_draft(bot: BotHarness, chat_id: int = CHAT) -> dict[str, Any]:
    async with transaction(bot.sessions) as session:
        return await drafts.load_draft(session, chat_id)


async def all_rows(bot: BotHarness, model: Any) -> list[Any]:
    async with transaction(bot.sessions) as session:
        return list((await session.exec(select(model))).all())


async def conversation_states(bot: BotHarness) -> dict[str, Any]:
    """Where each open setup conversation stands, as stored: the step of each draft that
    has one, as JSON, by PTB's old conversation key (chat and user, as JSON): the draft
    is the one record of it (it was PTB's own persisted state, kept beside the draft)."""
    states = {}
    for row in await all_rows(bot, OnboardingDraft):
        draft = drafts.Draft.from_json(row.data)
        if draft.open:
            states[runners.conversation_key((row.chat_id, row.chat_id))] = json.dumps(draft.step)
    return states


# ---- the runner's actions ------------------------------------------------------------


async def tap_days(bot: BotHarness, days: tuple[str, ...]) -> None:
    for day in days:
        await bot.tap(day)
    await bot.tap(T("buttons.days_done"))


async def tap_through(
    bot: BotHarness,
    *,
    run: tuple[str, ...] = ("Mon", "Wed", "Sat"),
    long_run: str = "Sat",
    hard: tuple[str, ...] = ("Wed",),
    experience: str = "experience.new",
    equipment: str = "equipment.none",
    bar: str | None = "buttons.no",
    sessions: str = "buttons.three",
    budget: str = "20 min",
    reminder: str = "07:00",
    zone: str | None = "Berlin",
    race: str | None = "buttons.no_race",
    start: bool = True,
) -> list[dict[str, Any]]:
    """/start and answer every question by tapping; returns the replies to the last answer.

    ``zone=None`` stops before the timezone, ``race=None`` before the race date."""
    if start:
        await bot.say("/start")
    await tap_days(bot, run)
    await bot.tap(long_run)
    if hard:
        await tap_days(bot, hard)
    else:
        await bot.tap(T("buttons.no_hard_days"))
    await bot.tap(T(experience))
    await bot.tap(T(equipment))
    if bar is not None:
        await bot.tap(T(bar))
    await bot.tap(T(sessions))
    await bot.tap(budget)
    replies = await bot.tap(reminder)
    if zone is None:
        return replies
    replies = await bot.say(zone)
    return replies if race is None else await bot.tap(T(race))


async def onboard(bot: BotHarness, **answers: Any) -> list[dict[str, Any]]:
    await tap_through(bot, **answers)
    return await bot.tap(T("buttons.looks_good"))


# The default week above: Mon/Wed/Sat runs, long run Sat, hard Wed, 3 sessions, 07:00 Berlin
# (and sessions of 20 minutes, no race).
DEFAULT_WEEK = RunnerWeek(
    run_days=frozenset({MON, WED, SAT}),
    long_run_day=SAT,
    hard_days=frozenset({WED}),
    experience=Experience.NEW,
    equipment=Equipment.NONE,
    pull_up_bar=False,
    sessions_per_week=3,
    reminder_time=time(7, 0),
    timezone="Europe/Berlin",
)


# ---- the race's tests: a day ahead that holds a session ------------------------------------

REST_DAY = T("today.rest_day", reason="|").split("|")[0]  # "No strength session today — "


def at_nine(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)


async def a_session_day_ahead(bot: BotHarness, clock: FakeClock) -> date:
    """The first day 8 to 21 days after Thursday 26 Nov whose /today holds a session (no
    race set yet): a race the day after it makes that day race eve."""
    for offset in range(8, 22):
        day = date(2026, 11, 26) + timedelta(days=offset)
        clock.set(at_nine(day))
        if REST_DAY not in (await bot.say("/today"))[0]["text"]:
            return day
    raise AssertionError("no session day 8 to 21 days ahead")
