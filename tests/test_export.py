"""/export: the runner's log as a spreadsheet and everything the bot holds as JSON; /delete
offers the copy first. Journeys through the real bot (``testkit.harness``), both databases.
"""

from __future__ import annotations

import csv
import io
import json
import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import SQLModel, select

from bot.coach.day import session_on
from bot.coach.phases import is_lighter_week
from bot.coach.plyo import plyo_allowed
from bot.coach.progression import training_week
from bot.coach.week import Focus
from bot.messages.callbacks import ExportButton
from bot.messages.views import dose
from bot.services import export as export_service
from bot.services.export import ExportData
from bot.services.history import history_from
from bot.services.plan import coaching_of
from bot.store.db import transaction
from bot.store.export_reads import RunnerRows
from bot.store.models import Milestone, PausePeriod, Runner, SessionLog
from bot.store.runners import week_of
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
        assert cells["weekday"] == T.weekday(log.local_date.weekday())
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


async def test_the_json_holds_every_table_delete_empties(bot: BotHarness) -> None:
    """/delete removes the runner's rows in every table of the metadata; the JSON has
    each table (the runner's row and the logs under their own names), so it holds all
    of what /delete removes, a table added later included."""
    await onboard(bot)
    _, _, document = await exported(bot)
    data = read_json(document)
    named = {"runners": "runner", "session_logs": "logs"}
    for table in SQLModel.metadata.sorted_tables:
        assert named.get(table.name, table.name) in data, table.name


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


async def test_two_runners_exporting_at_once_each_get_their_own_files(bot: BotHarness) -> None:
    """Builds wait for each other (bot.handlers.export.EXPORT_BUILDS); both are answered."""
    for chat_id in (OTHER, CHAT):
        bot.chat_id = chat_id
        await onboard(bot)
        await bot.say(f"done, note of {chat_id}")
    bot.stub.send_text(CHAT, "/export")
    bot.stub.send_text(OTHER, "/export")
    await bot.pump()
    for chat_id in (OTHER, CHAT):
        files = bot.stub.uploads(chat_id)
        assert [upload.file_name[-4:] for upload in files] == [".csv", "json"]
        [row] = read_csv(files[0])[1:]
        assert f"note of {chat_id}" in row


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


# ---------------------------------------------------------------- the rebuilt sessions


def season(days: int, seed: int) -> list[dict[str, Any]]:
    """A runner's log rows over ``days``: sessions every 2-3 days (a break of three weeks
    in the middle), mostly done, with every kind of feedback."""
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    day = THURSDAY - timedelta(days=days)
    while day < THURSDAY:
        if not (days // 2 <= (THURSDAY - day).days < days // 2 + 21):  # the break
            done = rng.random() < 0.85
            rows.append(
                {
                    "id": len(rows) + 1,
                    "local_date": day,
                    "focus": rng.choice(["legs", "core", "upper"]),
                    "status": "done" if done else "skipped",
                    "feedback": rng.choice([None, "easy", "right", "right", "hard", "too_hard"])
                    if done
                    else None,
                    "sore": False,
                }
            )
        day += timedelta(days=rng.choice([2, 2, 3]))
    return rows


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_for_a_first_half_year_the_rebuilt_sessions_are_the_ones_today_showed(
    seed: int,
) -> None:
    """One replay of the log (bot.services.export) gives each session done the level
    and doses bot.coach.day.session_on built that day from the log before it: the same
    as /today showed, within the half year /today reads (breaks, lighter weeks, every
    kind of feedback included)."""
    runner = Runner(chat_id=CHAT, onboarded=True, run_days="1,3,6", long_run_day=6,
                    hard_days="1", experience="some", equipment="dumbbells",
                    sessions_per_week=3, time_budget=30, timezone="Europe/Berlin")  # fmt: skip
    data = ExportData(
        runner, RunnerRows({"session_logs": season(170, seed)}), THURSDAY, datetime.now(UTC)
    )
    content = shared_content()
    rebuilt = export_service.past_sessions(content, data)
    history = history_from(data.logs, THURSDAY)
    assert len(rebuilt) == len(history) > 50
    done = [past for past in rebuilt if past.log.status == "done"]
    assert len(done) > 40
    for past in done:  # a skipped day's level: see bot.services.export
        day = past.log.local_date
        before = [entry for entry in history if entry.day < day]
        plan = session_on(content.catalog, week_of(runner), before, day, coaching_of(runner),
                          focus=Focus(past.log.focus), with_previous=False)  # fmt: skip
        assert plan is not None
        assert past.level == plan.session.level, day
        assert past.items == plan.session.items, day
        assert past.minutes == plan.session.minutes, day


def test_training_weeks_answer_as_the_coach_does() -> None:
    """The export's binary-searched training weeks, lighter weeks and hops are the
    coach's (progression.training_week, phases.is_lighter_week, plyo.plyo_allowed)."""
    week = week_of(Runner(chat_id=CHAT, run_days="1,3,6", long_run_day=6, hard_days="1"))
    for seed in (1, 2):
        logs = [export_service.LoggedSession.of(row) for row in season(400, seed)]
        history = history_from(logs, THURSDAY)
        weeks = export_service.TrainingWeeks(history)
        race = THURSDAY - timedelta(days=100)
        for offset in range(0, 420, 3):
            day = THURSDAY - timedelta(days=offset)
            assert weeks.week(day) == training_week(history, day), day
            assert weeks.lighter(day, race, "half") == is_lighter_week(history, day, race, "half")
            assert weeks.plyo(week, day) == plyo_allowed(week, history, day), day


# ---------------------------------------------------------------- the cost, measured


async def measure(count: int) -> str:
    """/export for a runner with ``count`` logs (a session every 2-3 days, 85 % done)
    through the real Application on SQLite, while another runner waits for /today: the
    phases' times and the event loop's lag meanwhile (a 10 ms sleep's overrun)."""
    import asyncio
    import tempfile
    import time
    from pathlib import Path

    from testkit.harness import FakeClock, fresh_sessions
    from testkit.stub_bot_api import StubBotAPI

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'export.db'}"
        async with fresh_sessions(url) as sessions:
            with StubBotAPI() as stub:
                clock = FakeClock(datetime(2026, 11, 26, 5, 0, tzinfo=UTC))
                bot = BotHarness(stub=stub, sessions=sessions, clock=clock)
                await bot.start()
                try:
                    bot.chat_id = OTHER
                    await onboard(bot)
                    bot.chat_id = CHAT
                    await onboard(bot)
                    rows = season(count * 7 // 3, seed=1)[-count:]
                    await add_logs(
                        bot, CHAT, [{k: v for k, v in r.items() if k != "id"} for r in rows]
                    )
                    lags: list[float] = []
                    running = True

                    async def probe() -> None:
                        while running:
                            started = time.perf_counter()
                            await asyncio.sleep(0.01)
                            lags.append(time.perf_counter() - started - 0.01)

                    task = asyncio.create_task(probe())
                    started = time.perf_counter()
                    bot.stub.send_text(CHAT, "/export")
                    bot.stub.send_text(OTHER, "/today")
                    await bot.pump()
                    total = time.perf_counter() - started
                    running = False
                    await task
                finally:
                    await bot.stop()
    lags.sort()
    sizes = " + ".join(f"{len(u.data) // 1000} kB" for u in stub.uploads(CHAT))
    return (
        f"{count} logs: /export answered in {total:.2f} s ({sizes}); event loop lag "
        f"p50 {lags[len(lags) // 2] * 1000:.0f} ms, p99 {lags[int(len(lags) * 0.99)] * 1000:.0f}"
        f" ms, max {lags[-1] * 1000:.0f} ms"
    )


if __name__ == "__main__":
    # .venv/bin/python -m tests.test_export 3000
    import asyncio
    import sys

    print(asyncio.run(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 3000)))
