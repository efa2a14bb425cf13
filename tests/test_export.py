"""/export: the runner's log as a spreadsheet and everything the bot holds as JSON; /delete
offers the copy first. Journeys through the real bot (``testkit.harness``), both databases.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import select

from bot.messages.callbacks import ExportButton
from bot.messages.views import dose
from bot.services import export as export_service
from bot.store.db import transaction
from bot.store.models import Milestone, PausePeriod, SessionLog
from testkit.harness import CHAT, BotHarness, onboard, shared_content
from testkit.stub_bot_api import Upload
from tests.test_today_and_done import todays_plan

T = shared_content().texts
OTHER = 5151  # another runner of the same bot
THURSDAY = date(2026, 11, 26)
# A note a spreadsheet must keep whole: commas, quotes, a line break, emoji.
NOTE = 'squats, then "planks"\nfelt 💪🏽, knee ok'


def read_csv(upload: Upload) -> list[list[str]]:
    assert upload.data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
    return list(csv.reader(io.StringIO(upload.data.decode("utf-8-sig"), newline="")))


def read_json(upload: Upload) -> dict[str, Any]:
    parsed = json.loads(upload.data.decode("utf-8"))
    assert isinstance(parsed, dict)
    return parsed


async def stored_logs(bot: BotHarness, chat_id: int = CHAT) -> list[SessionLog]:
    async with transaction(bot.sessions) as session:
        statement = select(SessionLog).where(SessionLog.chat_id == chat_id)
        return sorted((await session.exec(statement)).all(), key=lambda log: log.local_date)


async def add_logs(bot: BotHarness, chat_id: int, logs: list[dict[str, Any]]) -> None:
    """Logs written straight to the store (older sessions than the journey can reach)."""
    async with transaction(bot.sessions) as session:
        for values in logs:
            session.add(
                SessionLog(chat_id=chat_id, created_at=datetime(2026, 1, 1, tzinfo=UTC), **values)
            )


async def exported(bot: BotHarness) -> tuple[list[dict[str, Any]], Upload, Upload]:
    """/export's replies, and its two files."""
    mark = len(bot.documents())
    replies = await bot.say("/export")
    spreadsheet, document = bot.documents()[mark:]
    return replies, spreadsheet, document


async def test_export_sends_the_log_as_a_spreadsheet_and_everything_as_json(
    bot: BotHarness,
) -> None:
    await onboard(bot)
    plan = await todays_plan(bot)  # Thursday's session, as /today shows it
    await bot.say("done")
    await bot.tap("Just right")
    await add_logs(
        bot,
        CHAT,
        [
            {
                "local_date": date(2026, 11, 24),
                "focus": "legs",
                "status": "skipped",
                "reason": "busy",
                "note": NOTE,
            },
            {
                "local_date": date(2026, 11, 21),
                "focus": "upper",
                "status": "done",
                "feedback": "hard",
                "sore": True,
                "loads": json.dumps({"x": 1}),
            },
        ],
    )
    async with transaction(bot.sessions) as session:
        session.add(Milestone(chat_id=CHAT, key="export_test", local_date=THURSDAY))

    replies, spreadsheet, document = await exported(bot)
    assert [reply["method"] for reply in replies] == ["sendDocument", "sendDocument"]
    assert (spreadsheet.file_name, document.file_name) == (
        "strength-coach-2026-11-26.csv",
        "strength-coach-2026-11-26.json",
    )
    assert spreadsheet.mime_type == "text/csv" and document.mime_type == "application/json"
    assert "/delete" in (spreadsheet.caption or "")  # what /delete removes, said under it

    header, *rows = read_csv(spreadsheet)
    columns = ["date", "weekday", "focus", "level", "status", "reason", "feedback", "sore",
               "note", "planned_minutes", "exercises"]  # fmt: skip
    assert header == [T(f"export.columns.{name}") for name in columns]
    logs = await stored_logs(bot)
    assert len(rows) == len(logs) == 3
    for row, log in zip(rows, logs, strict=True):
        cells = dict(zip(columns, row, strict=True))
        assert cells["date"] == log.local_date.isoformat()  # ISO: every spreadsheet reads it
        assert cells["weekday"] == T(f"day_long.{log.local_date.weekday()}")
        assert cells["focus"] == T(f"focus.{log.focus}")
        assert cells["status"] == T(f"export.status.{log.status}")
        assert cells["note"] == (log.note or "")  # commas, quotes, a newline, emoji: whole
        assert cells["reason"] == (T(f"export.reason.{log.reason}") if log.reason else "")
        assert cells["feedback"] == (T(f"export.feedback.{log.feedback}") if log.feedback else "")
        assert cells["sore"] == ("sore" if log.sore else "")
    # Thursday's row: the level and doses /today showed that day.
    thursday = dict(zip(columns, rows[-1], strict=True))
    session = plan.session
    assert thursday["level"] == str(session.level)
    assert thursday["planned_minutes"] == str(session.minutes)
    t = shared_content().texts
    assert thursday["exercises"] == "; ".join(
        f"{item.level.variant} {dose(t, item.level)}" for item in session.items
    )

    data = read_json(document)
    assert data["what_delete_removes"] == T("export.deletes")
    assert data["runner"]["chat_id"] == CHAT and data["runner"]["run_days"]
    assert [log["note"] for log in data["logs"]] == [log.note for log in logs]
    assert [log["local_date"] for log in data["logs"]] == [
        log.local_date.isoformat() for log in logs
    ]
    assert data["logs"][-1]["level"] == session.level
    assert [move["exercise"] for move in data["logs"][-1]["exercises"]] == [
        item.exercise.id for item in session.items
    ]
    assert data["logs"][0]["loads"] == {"x": 1}  # stored JSON, held as JSON
    async with transaction(bot.sessions) as session:
        milestones = (await session.exec(select(Milestone).order_by(Milestone.id))).all()
    assert "export_test" in [m.key for m in milestones]
    assert [m["key"] for m in data["milestones"]] == [m.key for m in milestones]
    for table in ("moves", "pause_periods", "reminders", "onboarding_drafts"):
        assert table in data


async def test_a_reminder_sent_and_a_pause_are_in_the_json(bot: BotHarness, clock) -> None:
    clock.set(datetime(2026, 11, 26, 5, 0, tzinfo=UTC))
    await onboard(bot)
    clock.set(datetime(2026, 11, 26, 6, 0, tzinfo=UTC))
    assert (await bot.tick()).sent == 1  # 07:00 in Berlin: Thursday's reminder
    await bot.say("/pause")
    await bot.tap("A few days")
    await bot.tap("Holiday")
    _, _, document = await exported(bot)
    data = read_json(document)
    [reminder] = data["reminders"]
    assert (reminder["kind"], reminder["local_date"], reminder["status"]) == (
        "daily",
        "2026-11-26",
        "sent",
    )
    assert reminder["sent_at"].startswith("2026-11-26T06:00")
    runner = data["runner"]
    assert (runner["pause_reason"], runner["paused_until"]) == ("holiday", "2026-11-28")
    async with transaction(bot.sessions) as session:
        periods = (await session.exec(select(PausePeriod))).all()
    assert [(p["first_day"], p["reason"]) for p in data["pause_periods"]] == [
        (period.first_day.isoformat(), period.reason) for period in periods
    ]


async def test_an_export_holds_only_the_runners_own_rows(bot: BotHarness) -> None:
    bot.chat_id = OTHER
    await onboard(bot, run_days="mon wed fri", long_run="fri", hard_days="wed")
    await bot.say("done, OTHER-SECRET")
    await add_logs(bot, OTHER, [{"local_date": date(2026, 11, 20), "focus": "core",
                                 "status": "done", "note": "OTHER-OLD"}])  # fmt: skip
    bot.chat_id = CHAT
    await onboard(bot)
    await bot.say("done, mine")
    _, spreadsheet, document = await exported(bot)
    for upload in (spreadsheet, document):
        assert b"OTHER" not in upload.data and str(OTHER).encode() not in upload.data
    [row] = read_csv(spreadsheet)[1:]
    assert "mine" in row
    data = read_json(document)
    for name, rows in data.items():
        if isinstance(rows, list):
            assert all(row.get("chat_id", CHAT) == CHAT for row in rows), name
    assert [upload.chat_id for upload in bot.stub.uploads()] == [CHAT, CHAT]


async def test_export_before_setting_up_is_a_friendly_text(bot: BotHarness) -> None:
    [reply] = await bot.say("/export")
    assert reply["text"] == T("export.nothing")
    await bot.say("/start")  # half way through: a draft, no runner set up
    [reply] = await bot.say("/export")
    assert reply["text"] == T("export.nothing")
    assert bot.uploads() == []


async def test_a_runner_with_nothing_logged_gets_the_header_and_their_answers(
    bot: BotHarness,
) -> None:
    await onboard(bot)
    _, spreadsheet, document = await exported(bot)
    assert len(read_csv(spreadsheet)) == 1  # the header row alone
    assert spreadsheet.caption == T("export.csv_caption_empty")
    data = read_json(document)
    assert data["logs"] == [] and data["runner"]["onboarded"] is True


async def test_another_runner_is_answered_while_a_long_export_builds(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build runs off the event loop: it waits here until the other runner's /today
    has been answered, which could never happen if it blocked the loop."""
    bot.chat_id = OTHER
    await onboard(bot)
    bot.chat_id = CHAT
    await onboard(bot)
    await add_logs(
        bot,
        CHAT,
        [
            {"local_date": THURSDAY - timedelta(days=2 * n), "focus": "core", "status": "done"}
            for n in range(1, 200)
        ],
    )
    rebuild = export_service.past_sessions
    answered: list[bool] = []

    def slow_rebuild(*args: Any) -> Any:
        seen = bot.stub.wait_for("sendMessage", chat_id=OTHER, timeout=10)
        answered.append(seen is not None)
        return rebuild(*args)

    monkeypatch.setattr(export_service, "past_sessions", slow_rebuild)
    bot.stub.send_text(CHAT, "/export")
    bot.stub.send_text(OTHER, "/today")
    await bot.pump()
    assert answered == [True]
    [today] = [m for m in bot.stub.sent_messages(OTHER) if "Legs" in (m["text"] or "")][-1:]
    assert today["method"] == "sendMessage"
    rows = read_csv(bot.documents()[0])
    assert len(rows) == 1 + 199  # the header, then every log


# ---------------------------------------------------------------- /delete offers a copy


async def test_delete_offers_a_copy_first_then_asks_again(bot: BotHarness) -> None:
    await onboard(bot)
    await bot.say("done, " + NOTE.replace("\n", " "))
    [question] = await bot.say("/delete")
    assert question["text"] == T("delete.confirm")
    assert "Want a copy of your data before I delete it?" in question["text"]
    labels = [b["text"] for row in question["reply_markup"]["inline_keyboard"] for b in row]
    assert labels == [T("export.copy_first"), T("buttons.delete_yes"), T("buttons.delete_no")]

    replies = await bot.tap(T("export.copy_first"), question)
    assert [m["method"] for m in replies] == [
        "editMessageText",
        "sendDocument",
        "sendDocument",
        "sendMessage",
    ]
    assert replies[0]["text"] == T("export.copy_coming") and not replies[0]["reply_markup"]
    [_, csv_file, json_file, again] = replies
    assert csv_file["file_name"].endswith(".csv") and json_file["file_name"].endswith(".json")
    [row] = read_csv(csv_file["upload"])[1:]
    assert NOTE.replace("\n", " ") in row
    assert again["text"] == T("export.ask_again")
    labels = [b["text"] for row in again["reply_markup"]["inline_keyboard"] for b in row]
    assert labels == [T("buttons.delete_yes"), T("buttons.delete_no")]

    [gone] = await bot.tap("Yes, delete", again)
    assert gone["text"] == T("delete.done")
    assert await stored_logs(bot) == []
    # The old question's copy button, pressed after the deletion: nothing left to copy.
    replies = await bot.press(question["message_id"], ExportButton().pack())
    assert [m["text"] for m in replies if m["method"] == "sendMessage"] == [T("export.nothing")]


async def test_a_double_tap_on_a_copy_first_sends_one_copy(bot: BotHarness) -> None:
    await onboard(bot)
    [question] = await bot.say("/delete")
    bot.stub.not_modified_errors = True  # as Telegram: the same edit twice is refused
    answered = len(bot.stub.calls_to("answerCallbackQuery"))
    data = ExportButton().pack()
    bot.stub.press_button(CHAT, question["message_id"], data)
    bot.stub.press_button(CHAT, question["message_id"], data)
    await bot.pump()
    assert len(bot.documents()) == 2  # one CSV, one JSON
    assert bot.callback_answers()[answered:] == ["", T("export.copy_already")]
    assert len(bot.stub.calls_to("answerCallbackQuery")) == answered + 2


async def test_a_forged_copy_button_is_answered_as_expired(bot: BotHarness) -> None:
    await onboard(bot)
    [question] = await bot.say("/delete")
    await bot.press(question["message_id"], ExportButton().pack() + ":x")
    assert bot.callback_answers()[-1] == T("misc.stale_button")
    assert bot.uploads() == []
