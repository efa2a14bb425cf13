"""The migrations build exactly the schema the models describe, on both backends: a column
added to a model without a migration would only fail on a deployed database."""

from __future__ import annotations

from datetime import date
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

import bot.store.models  # noqa: F401  (registers the tables)
from bot.store.db import alembic_config, make_engine, migrate


async def test_migrations_match_the_models(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        await migrate(engine)
        async with engine.connect() as connection:
            differences = await connection.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), SQLModel.metadata)
            )
    finally:
        await engine.dispose()
    assert differences == []


async def test_upgrading_sets_each_runners_latest_move_day(db_url: str) -> None:
    """0005 fills ``last_move_day`` from the moves already stored: the calendar reads the
    moves table only up to that day, so a missing value would hide a moved session."""
    engine = make_engine(db_url)
    runner_sql = (
        "INSERT INTO runners (chat_id, onboarded, run_days, hard_days, experience, equipment,"
        " pull_up_bar, sessions_per_week, timezone, paused, active) VALUES"
        " (:chat, true, '0,2', '', 'new', 'none', false, 2, 'UTC', false, true)"
    )
    move_sql = (
        "INSERT INTO moves (chat_id, from_date, to_date, focus)"
        " VALUES (:chat, :from_date, :to_date, 'core')"
    )
    try:
        await migrate(engine)
        await _alembic(engine, "downgrade", "0004")
        async with engine.begin() as connection:
            await connection.execute(text("DELETE FROM moves"))
            await connection.execute(text("DELETE FROM runners"))
            for chat in (1, 2):
                await connection.execute(text(runner_sql), {"chat": chat})
            for from_date, to_date in (
                (date(2026, 11, 2), date(2026, 11, 4)),
                (date(2026, 11, 20), date(2026, 11, 19)),
            ):
                await connection.execute(
                    text(move_sql), {"chat": 1, "from_date": from_date, "to_date": to_date}
                )
        await migrate(engine)
        async with engine.connect() as connection:
            rows = await connection.execute(text("SELECT chat_id, last_move_day FROM runners"))
            found = {chat: day for chat, day in rows}
            await connection.execute(text("DELETE FROM moves"))
            await connection.execute(text("DELETE FROM runners"))
            await connection.commit()
    finally:
        await engine.dispose()
    # SQLite hands the date back as text: compare as ISO dates.
    assert {chat: str(day) if day else None for chat, day in found.items()} == {
        1: "2026-11-20",
        2: None,
    }


async def test_week_changes_come_and_go_with_0006_and_runners_keep_their_rows(
    db_url: str,
) -> None:
    """0006 adds the runner's changed weeks (empty for everyone), and its downgrade drops
    them without touching the rest of the row: both ways on both backends (SQLite alters
    a table by copying it)."""
    engine = make_engine(db_url)
    runner_sql = (
        "INSERT INTO runners (chat_id, onboarded, run_days, hard_days, experience, equipment,"
        " pull_up_bar, sessions_per_week, timezone, paused, active) VALUES"
        " (7, true, '1,3,6', '1', 'new', 'none', false, 3, 'UTC', false, true)"
    )
    try:
        await migrate(engine)
        await _alembic(engine, "downgrade", "0005")
        async with engine.begin() as connection:
            await connection.execute(text("DELETE FROM runners"))
            await connection.execute(text(runner_sql))
            columns = await connection.run_sync(
                lambda sync: [c["name"] for c in inspect(sync).get_columns("runners")]
            )
        assert "week_changes" not in columns
        await migrate(engine)
        async with engine.begin() as connection:
            rows = await connection.execute(
                text("SELECT chat_id, run_days, week_changes FROM runners")
            )
            found = [tuple(row) for row in rows]
            await connection.execute(text("DELETE FROM runners"))
    finally:
        await engine.dispose()
    assert found == [(7, "1,3,6", None)]


async def test_0007_keeps_runners_and_logs_and_its_downgrade_drops_the_columns(
    db_url: str,
) -> None:
    """0007 adds the weights (``session_logs.loads``, empty for every log), the runner's
    unit ('kg' for everyone already there) and the race distance; runners and logs keep
    their rows both ways, and the downgrade drops the three columns."""
    engine = make_engine(db_url)
    runner_sql = (
        "INSERT INTO runners (chat_id, onboarded, run_days, hard_days, experience, equipment,"
        " pull_up_bar, sessions_per_week, timezone, paused, active) VALUES"
        " (:chat, true, '1,3,6', '1', 'some', 'gym', false, 3, 'UTC', false, true)"
    )
    log_sql = (
        "INSERT INTO session_logs (chat_id, local_date, focus, status, planned, feedback)"
        " VALUES (:chat, :day, 'legs', 'done', true, 'right')"
    )

    def columns_of(table: str) -> Any:
        return lambda sync: {c["name"] for c in inspect(sync).get_columns(table)}

    try:
        await migrate(engine)
        await _alembic(engine, "downgrade", "0006")
        async with engine.begin() as connection:
            await connection.execute(text("DELETE FROM session_logs"))
            await connection.execute(text("DELETE FROM runners"))
            for chat in (11, 12):
                await connection.execute(text(runner_sql), {"chat": chat})
                await connection.execute(text(log_sql), {"chat": chat, "day": date(2026, 11, 30)})
            before = await connection.run_sync(columns_of("session_logs"))
        assert "loads" not in before
        await migrate(engine)
        async with engine.begin() as connection:
            runners = [
                tuple(row)
                for row in await connection.execute(
                    text(
                        "SELECT chat_id, equipment, weight_unit, race_distance FROM runners"
                        " ORDER BY chat_id"
                    )
                )
            ]
            logged = [
                tuple(row)
                for row in await connection.execute(
                    text("SELECT chat_id, feedback, loads FROM session_logs ORDER BY chat_id")
                )
            ]
            await connection.execute(
                text("UPDATE session_logs SET loads = :loads WHERE chat_id = 11"),
                {"loads": '{"back_squat": 60.0}'},
            )
        await _alembic(engine, "downgrade", "0006")
        async with engine.begin() as connection:
            after_runners = await connection.run_sync(columns_of("runners"))
            after_logs = await connection.run_sync(columns_of("session_logs"))
            kept = [
                tuple(row)
                for row in await connection.execute(
                    text("SELECT chat_id, feedback FROM session_logs ORDER BY chat_id")
                )
            ]
        await migrate(engine)
        async with engine.begin() as connection:
            await connection.execute(text("DELETE FROM session_logs"))
            await connection.execute(text("DELETE FROM runners"))
    finally:
        await engine.dispose()
    assert runners == [(11, "gym", "kg", None), (12, "gym", "kg", None)]
    assert logged == [(11, "right", None), (12, "right", None)]
    assert "loads" not in after_logs
    assert not {"weight_unit", "race_distance"} & after_runners
    assert kept == [(11, "right"), (12, "right")]


async def test_0008_copies_each_runners_pause_and_its_downgrade_drops_the_tables(
    db_url: str,
) -> None:
    """0008 adds ``pause_periods`` (with the pause each runner row holds: an open one
    without an end, an ended one with its last day, none for a runner never paused),
    ``milestones`` and ``plan_periods`` (each onboarded runner's week as their plan since
    always); the downgrade drops the tables and keeps the runners."""
    engine = make_engine(db_url)
    runner_sql = (
        "INSERT INTO runners (chat_id, onboarded, run_days, hard_days, experience, equipment,"
        " pull_up_bar, sessions_per_week, timezone, paused, active, pause_reason,"
        " paused_from, paused_until) VALUES (:chat, true, '1,3,6', '1', 'new', 'none', false,"
        " 3, 'UTC', :paused, true, :reason, :first, :until)"
    )
    runners: list[dict[str, Any]] = [
        {
            "chat": 21,
            "paused": True,
            "reason": "holiday",
            "first": date(2026, 11, 20),
            "until": None,
        },
        {
            "chat": 22,
            "paused": False,
            "reason": "illness",
            "first": date(2026, 11, 1),
            "until": date(2026, 11, 7),
        },
        {"chat": 23, "paused": False, "reason": None, "first": None, "until": None},
    ]

    def tables(sync: Any) -> set[str]:
        return set(inspect(sync).get_table_names())

    try:
        await migrate(engine)
        await _alembic(engine, "downgrade", "0007")
        async with engine.begin() as connection:
            await connection.execute(text("DELETE FROM runners"))
            for runner in runners:
                await connection.execute(text(runner_sql), runner)
            before = await connection.run_sync(tables)
        await migrate(engine)
        async with engine.begin() as connection:
            copied = [
                tuple(str(value) if isinstance(value, date) else value for value in row)
                for row in await connection.execute(
                    text(
                        "SELECT chat_id, first_day, last_day, reason FROM pause_periods"
                        " ORDER BY chat_id"
                    )
                )
            ]
            planned = [
                tuple(str(value) if isinstance(value, date) else value for value in row)
                for row in await connection.execute(
                    text(
                        "SELECT chat_id, first_day, run_days, long_run_day, hard_days,"
                        " sessions_per_week, experience, equipment, pull_up_bar"
                        " FROM plan_periods ORDER BY chat_id"
                    )
                )
            ]
        await _alembic(engine, "downgrade", "0007")
        async with engine.begin() as connection:
            after = await connection.run_sync(tables)
            kept = [row[0] for row in await connection.execute(text("SELECT chat_id FROM runners"))]
        await migrate(engine)
        async with engine.begin() as connection:
            await connection.execute(text("DELETE FROM pause_periods"))
            await connection.execute(text("DELETE FROM plan_periods"))
            await connection.execute(text("DELETE FROM runners"))
    finally:
        await engine.dispose()
    assert not {"pause_periods", "milestones", "plan_periods"} & before
    # SQLite hands dates back as text: compared as ISO dates.
    assert copied == [
        (21, "2026-11-20", None, "holiday"),
        (22, "2026-11-01", "2026-11-07", "illness"),
    ]
    assert planned == [
        (chat, "2000-01-01", "1,3,6", None, "1", 3, "new", "none", False) for chat in (21, 22, 23)
    ]
    assert not {"pause_periods", "milestones", "plan_periods"} & after
    assert sorted(kept) == [21, 22, 23]


async def _alembic(engine: AsyncEngine, action: str, revision: str) -> None:
    def run(connection: Any) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        getattr(command, action)(config, revision)

    async with engine.begin() as connection:
        await connection.run_sync(run)
