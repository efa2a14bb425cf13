"""The engine, sessions and migrations.

The engine is made by a function and passed in, never created at import time, so a test
can point the whole bot at its own database. All access is async (aiosqlite, psycopg)
so no database call stalls the event loop that also delivers reminders.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.store import sqlite_driver

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 5000

SessionFactory = async_sessionmaker[AsyncSession]


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(url: str, **kwargs: Any) -> AsyncEngine:
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        # One connection, shared in turn: SQLite has one writer anyway, and with a single
        # connection no transaction can read a snapshot that another one's commit makes
        # stale ("database is locked" at once, whatever the busy timeout). The reminder
        # tick and the handlers queue for it for a few milliseconds instead.
        location = database or ":memory:"

        async def one_hop_connection() -> Any:
            connection = sqlite_driver.connect(
                location, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000, check_same_thread=False
            )
            connection._thread.daemon = True  # as SQLAlchemy does for plain aiosqlite
            return await connection

        engine = create_async_engine(
            url,
            async_creator=one_hop_connection,
            pool_size=1,
            max_overflow=0,
            pool_timeout=60,
        )

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            # WAL lets readers in other processes (a backup, sqlite3) run beside the
            # writer; the busy timeout turns their locks into a short wait.
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_async_engine(url, pool_pre_ping=True, **kwargs)


def make_session_factory(engine: AsyncEngine) -> SessionFactory:
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


@asynccontextmanager
async def transaction(factory: SessionFactory) -> AsyncIterator[AsyncSession]:
    """A short unit of work: commit on success, roll back on error."""
    async with factory() as session:
        async with session.begin():
            yield session


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


async def migrate(engine: AsyncEngine) -> None:
    """Create or upgrade the schema to the newest migration."""

    def _upgrade(connection: Any) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")

    async with engine.begin() as connection:
        await connection.run_sync(_upgrade)
