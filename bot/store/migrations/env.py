"""Alembic environment: runs on a connection handed in by ``bot.store.db.migrate``.

From the command line (``alembic upgrade head``, or ``alembic -c /path/to/alembic.ini
upgrade head`` from anywhere) it reads DATABASE_URL exactly as the bot does: the
environment first, then ``.env`` in the working directory, normalised and checked by
``bot.settings.DatabaseSettings``. (It used to read only the environment, so with the URL
in ``.env`` it migrated the default ``data/coach.db`` while the bot used another database.)
A bad URL or an unusable database is one line and exit code 2, as when the bot starts.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

from alembic import context
from sqlmodel import SQLModel

import bot.store.models  # noqa: F401  (registers the tables)

target_metadata = SQLModel.metadata


def _run(connection: Any) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def _database_url() -> str:
    from pydantic import ValidationError

    from bot.settings import DatabaseSettings

    try:
        return DatabaseSettings().database_url
    except ValidationError as exc:
        for error in exc.errors():
            # Never the value itself: it may carry a password.
            print(f"DATABASE_URL: {error['msg'].removeprefix('Value error, ')}", file=sys.stderr)
        raise SystemExit(2) from None


def _run_from_settings() -> None:
    from sqlalchemy.exc import SQLAlchemyError

    from bot.store.db import explain_database_error, make_engine

    url = _database_url()

    async def go() -> None:
        engine = make_engine(url)
        try:
            async with engine.begin() as connection:
                await connection.run_sync(_run)
        finally:
            await engine.dispose()

    try:
        asyncio.run(go())
    except (OSError, SQLAlchemyError) as exc:
        problem = explain_database_error(exc, url)
        print(str(problem), file=sys.stderr)
        raise SystemExit(problem.exit_code) from None


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    _run_from_settings()
