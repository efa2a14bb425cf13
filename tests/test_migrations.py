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


async def _alembic(engine: AsyncEngine, action: str, revision: str) -> None:
    def run(connection: Any) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        getattr(command, action)(config, revision)

    async with engine.begin() as connection:
        await connection.run_sync(run)
