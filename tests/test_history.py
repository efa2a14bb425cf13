"""/history (issue 15, point 3): the runner's logs, newest first, a page at a time with
◀ ▶ buttons that edit the same message; each line the day, focus, level (the one the
session message showed), done / skipped (why) / moved (where), how it felt, the note.
Stale page buttons are answered; only the runner's own rows are shown.

The default runner (``testkit.harness.onboard``): Legs Tue, Legs Thu, Upper body Sat,
Europe/Berlin; the clock starts on Thursday 26 Nov 2026.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.coach.day import Coaching
from bot.coach.progression import Entry
from bot.coach.season import EXAMPLES, simulate
from bot.coach.season import Runner as SeasonRunner
from bot.coach.status import LogStatus
from bot.messages.callbacks import HistoryPage, parse
from bot.messages.views import utf16_len
from bot.services.log_book import shown_level
from bot.store.db import transaction
from bot.store.models import Move, Runner, SessionLog
from testkit.harness import CHAT, BotHarness, onboard, shared_content

T = shared_content().texts
BERLIN = ZoneInfo("Europe/Berlin")
OTHER = CHAT + 1
ENTRY = re.compile(r"^<b>(?P<day>[^<]+)</b> · \S+ (?P<focus>[^·\n]+?)(?: · level (?P<level>\d+))?$")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


async def add_logs(bot: BotHarness, chat_id: int, *logs: dict[str, Any]) -> None:
    """Logs written straight into the store (a season of taps would take minutes)."""
    async with transaction(bot.sessions) as session:
        for values in logs:
            session.add(SessionLog(chat_id=chat_id, **{"focus": "core", **values}))


async def add_other_runner(bot: BotHarness) -> None:
    """A second runner with logs of the same days: none of them may show."""
    async with transaction(bot.sessions) as session:
        session.add(Runner(chat_id=OTHER, onboarded=True, run_days="1,3,6", timezone="UTC"))
    await add_logs(
        bot,
        OTHER,
        *(
            {
                "local_date": date(2026, 11, 25) - timedelta(days=n),
                "status": "done",
                "note": "NOT MINE",
            }
            for n in range(30)
        ),
    )


def entries(text: str) -> list[re.Match[str]]:
    return [m for line in text.splitlines() if (m := ENTRY.match(line))]


def buttons(message: dict[str, Any]) -> dict[str, str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return {button["text"]: button["callback_data"] for row in rows for button in row}


def current(bot: BotHarness, message: dict[str, Any]) -> dict[str, Any]:
    found = bot.stub.message(CHAT, message["message_id"])
    assert found is not None
    return found


def answers_to_last_press(bot: BotHarness) -> list[str]:
    calls = bot.stub.calls_to("answerCallbackQuery")
    return [str(calls[-1].params.get("text") or "")]


async def test_not_set_up_and_nothing_logged_get_a_clear_answer(bot: BotHarness) -> None:
    [reply] = await bot.say("/history")
    assert reply["text"] == T("today.not_set_up")
    await onboard(bot)
    [reply] = await bot.say("/history")
    assert reply["text"] == T("history.empty")
    assert not reply.get("reply_markup")


async def test_pages_go_back_and_forth_in_place_newest_first_only_my_own(
    bot: BotHarness, clock: Any
) -> None:
    await onboard(bot)
    await add_other_runner(bot)
    first = date(2026, 11, 6)  # 20 logs, every day up to Wednesday 25 Nov
    await add_logs(
        bot,
        CHAT,
        *(
            {"local_date": first + timedelta(days=n), "status": "done", "note": f"day {n}"}
            for n in range(20)
        ),
    )
    [page] = await bot.say("/history")
    sent = len(bot.stub.calls_to("sendMessage"))
    edits = len(bot.stub.calls_to("editMessageText"))
    assert "NOT MINE" not in page["text"]
    shown = entries(page["text"])
    assert [m["day"] for m in shown] == [
        "Wednesday 25 Nov", "Tuesday 24 Nov", "Monday 23 Nov", "Sunday 22 Nov",
        "Saturday 21 Nov", "Friday 20 Nov", "Thursday 19 Nov", "Wednesday 18 Nov",
    ]  # fmt: skip
    assert "📝 <i>day 19</i>" in page["text"]
    assert list(buttons(page)) == [T("history.older")]  # nothing newer

    await bot.tap(T("history.older"), page)
    middle = current(bot, page)
    assert [m["day"] for m in entries(middle["text"])][::7] == ["Tuesday 17 Nov", "Tuesday 10 Nov"]
    assert list(buttons(middle)) == [T("history.older"), T("history.newer")]
    await bot.tap(T("history.older"), middle)
    oldest = current(bot, page)
    assert [m["day"] for m in entries(oldest["text"])] == [
        "Monday 9 Nov", "Sunday 8 Nov", "Saturday 7 Nov", "Friday 6 Nov",
    ]  # fmt: skip
    assert list(buttons(oldest)) == [T("history.newer")]  # nothing older
    await bot.tap(T("history.newer"), oldest)
    assert current(bot, page)["text"] == middle["text"]
    await bot.tap(T("history.newer"), middle)
    assert current(bot, page)["text"] == page["text"]
    # Every page edited the one message: /history sent one message, the rest were edits.
    assert len(bot.stub.calls_to("sendMessage")) == sent
    assert len(bot.stub.calls_to("editMessageText")) == edits + 4
    assert all(a == "" for a in bot.callback_answers()[-4:])


async def test_each_line_says_done_skipped_why_moved_where_felt_and_note(bot: BotHarness) -> None:
    await onboard(bot)
    await add_logs(
        bot,
        CHAT,
        {"local_date": date(2026, 11, 17), "focus": "legs", "status": "skipped", "reason": "ill"},
        {"local_date": date(2026, 11, 19), "focus": "legs", "status": "moved"},
        {"local_date": date(2026, 11, 21), "focus": "upper", "status": "done", "feedback": "hard"},
        {"local_date": date(2026, 11, 22), "status": "done", "planned": False, "sore": True},
        {"local_date": date(2026, 11, 24), "focus": "legs", "status": "skipped"},
    )
    async with transaction(bot.sessions) as session:
        session.add(
            Move(
                chat_id=CHAT, from_date=date(2026, 11, 19), to_date=date(2026, 11, 20), focus="legs"
            )
        )
    [page] = await bot.say("/history")
    text = page["text"]
    lines = text.split("\n\n")[1:]
    assert lines[0] == "<b>Tuesday 24 Nov</b> · 🦵 Legs\n⏭ Skipped"
    assert lines[1].startswith("<b>Sunday 22 Nov</b> · 🧱 Core · level ")
    assert lines[1].endswith("\n✅ Done (extra session) · 🤕 Sore")
    assert re.fullmatch(
        r"<b>Saturday 21 Nov</b> · 💪 Upper body · level \d+\n✅ Done · 😅 Hard", lines[2]
    ), lines[2]
    assert lines[3] == "<b>Thursday 19 Nov</b> · 🦵 Legs\n↪️ Moved to Friday 20 Nov"
    assert lines[4] == "<b>Tuesday 17 Nov</b> · 🦵 Legs\n⏭ Skipped · 🤒 Ill"
    assert not page.get("reply_markup")  # one page: no buttons


async def test_the_level_is_the_one_each_session_message_showed(
    bot: BotHarness, clock: Any
) -> None:
    """Ten sessions rated easy: levels step up, and the fourth week is a lighter one whose
    sessions show a lower level than the runner holds. /history says what /today said."""
    await onboard(bot)
    shown: dict[str, str] = {}
    days = [date(2026, 11, 26) + timedelta(days=n) for n in range(0, 22)]
    for day in days:
        if day.weekday() not in (1, 3, 5):  # Legs Tue, Legs Thu, Upper body Sat
            continue
        clock.set(at(day.year, day.month, day.day, 8, 0))
        [session] = await bot.say("/today")
        level = re.search(r"Level (\d+)", session["text"])
        assert level is not None, session["text"]
        shown[f"{T.weekday(day.weekday())} {day.day}"] = level[1]
        await bot.say("done")
        await bot.tap(T("feedback.easy"))
    # Legs stepped up (4 → 5 → 6), and the lighter week's legs show less than the level held.
    assert shown["Tuesday 1"] < shown["Thursday 3"] < shown["Thursday 10"]
    assert shown["Tuesday 15"] < shown["Thursday 10"]
    [page] = await bot.say("/history")
    found = {m["day"].rsplit(" ", 1)[0]: m["level"] for m in entries(page["text"])}
    await bot.tap(T("history.older"), page)
    found |= {m["day"].rsplit(" ", 1)[0]: m["level"] for m in entries(current(bot, page)["text"])}
    found[list(shown)[-1]] = found.pop(T("history.today"))  # the last session was today
    assert found == shown, (found, shown)


async def test_stale_page_buttons_are_answered(bot: BotHarness) -> None:
    await onboard(bot)
    await add_logs(
        bot,
        CHAT,
        *(
            {"local_date": date(2026, 11, 1) + timedelta(days=n), "status": "done"}
            for n in range(20)
        ),
    )
    [page] = await bot.say("/history")
    older = buttons(page)[T("history.older")]
    # A double tap: the same page again, answered, nothing new sent.
    answered = len(bot.stub.calls_to("answerCallbackQuery"))
    await bot.press(page["message_id"], older)
    before = len(bot.stub.calls_to("sendMessage"))
    await bot.press(page["message_id"], older)
    assert len(bot.stub.calls_to("sendMessage")) == before
    assert len(bot.stub.calls_to("answerCallbackQuery")) == answered + 2
    # Forged: "expired".
    for forged in ("v1:hist:x:20261120", "v1:hist:o", "v1:hist:o:20261131", "v1:hist:o:2026112"):
        await bot.press(page["message_id"], forged)
        assert answers_to_last_press(bot) == [T("misc.stale_button")], forged
    # After /delete: the clear "set up first", as a toast and in place of the page.
    await bot.say("/delete")
    await bot.tap("Yes")
    await bot.press(page["message_id"], older)
    assert answers_to_last_press(bot) == [T("today.not_set_up")]
    assert current(bot, page)["text"] == T("today.not_set_up")
    # Set up again with nothing logged: the page it pointed at is gone.
    await onboard(bot)
    await bot.press(page["message_id"], older)
    assert answers_to_last_press(bot) == [T("history.changed")]
    assert current(bot, page)["text"] == T("history.empty")
    # Logs again, all newer than the button's day: the newest page, with a toast.
    await add_logs(bot, CHAT, {"local_date": date(2026, 11, 25), "status": "done"})
    await bot.press(page["message_id"], older)
    assert answers_to_last_press(bot) == [T("history.changed")]
    assert [m["day"] for m in entries(current(bot, page)["text"])] == ["Wednesday 25 Nov"]


async def test_a_page_of_long_notes_fits_one_message(bot: BotHarness) -> None:
    await onboard(bot)
    note = "Legs 🦵 burning & <great>, " * 200  # ~5,000 characters each, emoji count twice
    await add_logs(
        bot,
        CHAT,
        *(
            {"local_date": date(2026, 11, 10) + timedelta(days=n), "status": "done", "note": note}
            for n in range(12)
        ),
    )
    [page] = await bot.say("/history")
    assert utf16_len(page["text"]) <= 4096
    assert page["text"].count("…</i>") == 8
    assert "&lt;great&gt;" in page["text"]


def test_the_page_button_round_trips() -> None:
    for older in (True, False):
        button = HistoryPage(older, date(2026, 11, 26))
        assert parse(button.pack()) == button
        assert len(button.pack().encode()) <= 64
    assert parse("v1:hist:o:20261126:x") is None
    assert parse("v1:hist:n:２０２６１１２６") is None


@pytest.mark.parametrize("runner", EXAMPLES, ids=[runner.name for runner in EXAMPLES])
def test_the_level_shown_is_session_ons_on_every_day_of_a_simulated_season(
    runner: SeasonRunner,
) -> None:
    """``log_book.shown_level`` (the level part of ``session_on``, without the session's
    rungs) says what the session message said, each day of a 20-week season: lighter weeks,
    taper, race week, recovery; from the log before the day, as /history reads it."""
    catalog = shared_content().catalog
    start = date(2026, 1, 5)
    season = simulate(catalog, runner, start, weeks=20)
    race_day = start + timedelta(weeks=runner.race_week - 1, days=6) if runner.race_week else None
    coaching = Coaching(race_day=race_day, race_distance=runner.race_distance)
    # The feedback as the simulation gave it (its third argument is the week number).
    history = []
    count = 0
    for week in season:
        for plan in week.sessions:
            feeling = runner.feedback(count, week.number, plan.session.focus)
            history.append(Entry(plan.day, plan.session.focus, LogStatus.DONE, feeling))
            count += 1
    wrong = []
    for week in season:
        for plan in week.sessions:
            upto = [entry for entry in history if entry.day < plan.day]
            found = shown_level(runner.week, upto, plan.day, coaching, plan.session.focus)
            if found != plan.session.level:
                wrong.append((plan.day, plan.session.focus, plan.session.level, found))
    assert wrong == []


def test_data_longer_than_telegram_carries_parses_to_nothing() -> None:
    """Found by tests/test_buttons_callbacks.py's near-miss property on a random draw: a
    setup button's data over 64 bytes parsed, and packing it back raised ValueError."""
    long = "ob:20261126:20261126:v1:0\x80\x80\x80𐀀𐀀𐀀𐀀:0000\x80\x80\x80ࠀ𐀀"
    assert len(long.encode()) > 64
    assert parse(long) is None
    assert parse("v1:hist:o:20261126" + "0" * 60) is None
