"""Alembic environment: runs on a connection handed in by ``bot.store.db.migrate``.

From the command line (``alembic -c alembic.ini upgrade head``) it connects with
DATABASE_URL itself, so a deployer can migrate without starting the bot.
"""

from __future__ import annotations

import asyncio
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


def _run_from_settings() -> None:
    import os

    from bot.settings import DEFAULT_DATABASE_URL, async_database_url
    from bot.store.db import make_engine

    url = async_database_url(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL))

    async def go() -> None:
        engine = make_engine(url)
        async with engine.begin() as connection:
            await connection.run_sync(_run)
        await engine.dispose()

    asyncio.run(go())


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    _run_from_settings()
