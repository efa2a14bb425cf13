"""The one-statement read of a runner and their log (``bot/store/snapshots.py``) gives
exactly what reading the runner and the log separately gives, on both backends: the JSON
the database aggregates must come back with the same dates, times, flags and order."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from bot.services.history import history_of, runner_and_history, runner_and_recent_log
from bot.store import logs, runners, snapshots
from bot.store.db import transaction
from bot.store.models import Runner, SessionLog

CHAT = 4242
NOW = datetime(2026, 11, 26, 23, 30, tzinfo=UTC)  # already the 27th in Berlin


async def _store(sessions: Any) -> None:
    async with transaction(sessions) as session:
        session.add(
            Runner(
                chat_id=CHAT,
                onboarded=True,
                run_days="0,2,4",
                timezone="Europe/Berlin",
                created_at=datetime(2026, 5, 1, 8, 0, tzinfo=UTC),
                paused_from=date(2026, 10, 1),
                paused_until=date(2026, 10, 5),
                pause_reason="ill",
            )
        )
        session.add(Runner(chat_id=CHAT + 1, timezone="UTC"))
        rows = [
            (date(2026, 4, 1), "core", "done", None, False),  # older than half a year
            (date(2026, 11, 2), "legs", "done", "hard", True),
            (date(2026, 11, 20), "upper", "skipped", None, False),
            (date(2026, 11, 25), "core", "done", "easy", False),
            (date(2026, 11, 27), "legs", "done", None, False),  # Berlin's today
        ]
        for day, focus, status, feedback, sore in reversed(rows):  # order must not matter
            session.add(
                SessionLog(
                    chat_id=CHAT,
                    local_date=day,
                    focus=focus,
                    status=status,
                    feedback=feedback,
                    sore=sore,
                    created_at=datetime(day.year, day.month, day.day, 18, 5, 9, 123456, UTC),
                )
            )


async def test_the_runner_and_log_match_separate_reads(sessions: Any) -> None:
    await _store(sessions)
    first, last = date(2026, 11, 1), date(2026, 11, 26)
    async with transaction(sessions) as session:
        runner, found = await snapshots.runner_with_logs(session, CHAT, first, last)
        tracked = await runners.get_runner(session, CHAT)
        separate = await logs.logs_between(session, CHAT, first, last)
    assert runner is not None and tracked is not None
    for column in Runner.__table__.columns.keys():  # type: ignore[attr-defined]
        assert getattr(runner, column) == getattr(tracked, column), column
    assert [tuple(day) for day in found] == [
        (log.local_date, log.focus, log.status, log.feedback, log.sore, log.created_at, log.loads)
        for log in separate
    ]
    assert [day.local_date for day in found] == [
        date(2026, 11, 2),
        date(2026, 11, 20),
        date(2026, 11, 25),
    ]
    assert found[0].created_at == datetime(2026, 11, 2, 18, 5, 9, 123456, UTC)
    assert found[0].sore is True and found[1].sore is False


async def test_no_log_and_no_runner(sessions: Any) -> None:
    await _store(sessions)
    async with transaction(sessions) as session:
        runner, found = await snapshots.runner_with_logs(session, CHAT + 1, date(2026, 1, 1))
        missing = await snapshots.runner_with_logs(session, 999, date(2026, 1, 1))
    assert runner is not None and runner.chat_id == CHAT + 1 and found == []
    assert missing == (None, [])


async def test_history_and_recent_log_for_the_runners_own_today(sessions: Any) -> None:
    """At 23:30 UTC it is already tomorrow in Berlin: the one-statement reads must reach
    that day, exactly as the separate reads for the runner's local date do."""
    await _store(sessions)
    async with transaction(sessions) as session:
        runner, history = await runner_and_history(session, CHAT, NOW)
        expected = await history_of(session, CHAT, date(2026, 11, 27))
        _, recent = await runner_and_recent_log(session, CHAT, NOW)
    assert runner is not None
    assert history == expected
    assert history[-1].day == date(2026, 11, 27)
    assert date(2026, 4, 1) not in {entry.day for entry in history}
    # As far back as progression reads (sore legs change a session), and nothing after is cut.
    assert [day.local_date for day in recent] == [
        date(2026, 11, 2),
        date(2026, 11, 20),
        date(2026, 11, 25),
        date(2026, 11, 27),
    ]
