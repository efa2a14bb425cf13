"""The engine, sessions and migrations.

The engine is made by a function and passed in, never created at import time, so a test
can point the whole bot at its own database. All access is async (aiosqlite, psycopg)
so no database call stalls the event loop that also delivers reminders.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.store import sqlite_driver

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 5000

SessionFactory = async_sessionmaker[AsyncSession]

#: Exit codes, as bot/main.py uses them: 2 = fix the configuration (restarting will not
#: help), 1 = possibly passing (the server is down, the network is out).
EXIT_CONFIG = 2
EXIT_RUNTIME = 1
#: PostgreSQL answers these when it refuses the login itself: the URL is wrong, not the weather.
PG_CONFIG_REFUSALS = (
    "password authentication failed",
    "does not exist",
    "no pg_hba.conf entry",
    "role is not permitted to log in",
)
#: SQLSTATE 25006 read_only_sql_transaction: a standby, or default_transaction_read_only.
PG_READ_ONLY = "25006"
#: True on a standby or when every transaction starts read-only.
READ_ONLY_SQL = text(
    "SELECT pg_is_in_recovery() OR current_setting('transaction_read_only') = 'on'"
)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


POSTGRES_POOL_SIZE = 12


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

        async def one_hop_connection() -> sqlite_driver.OneHopConnection:
            return await sqlite_driver.open_connection(
                location, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000, check_same_thread=False
            )

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
    # PostgreSQL: enough pooled connections for a tick's parallel reservations (up to
    # SEND_CONCURRENCY, 8) and a few handlers at once. SQLAlchemy's default of 5 closed and
    # reopened 3 connections on each tick (304 connects in 100 ticks; 7 with 12, measured
    # with tests/test_reminders' tick loops in issue 15), each a PostgreSQL backend start.
    kwargs.setdefault("pool_size", POSTGRES_POOL_SIZE)
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
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


# How every migration names itself and its parent (``revision = "0007"``,
# ``down_revision = "0006"`` or ``None``); a test checks the head found
# this way against alembic's own (tests/test_idle_memory.py).
_REVISION = re.compile(r"""^revision(?:\s*:\s*str)?\s*=\s*["']([^"']+)["']""", re.MULTILINE)
_DOWN_REVISION = re.compile(
    r"""^down_revision(?:\s*:[^=]+)?\s*=\s*(?:None|["']([^"']+)["'])\s*$""", re.MULTILINE
)


def head_revision() -> str | None:
    """The newest migration's id, read from the migration files without alembic; None
    when the files do not form one plain line (a merge, a branch: alembic decides)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        revision, parent = _REVISION.search(source), _DOWN_REVISION.search(source)
        if revision is None or parent is None:
            return None
        revisions.add(revision[1])
        if parent[1] is not None:
            parents.add(parent[1])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _stored_revisions(connection: Any) -> list[str]:
    if not inspect(connection).has_table("alembic_version"):
        return []
    return list(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())


async def migrate(engine: AsyncEngine) -> None:
    """Create or upgrade the schema to the newest migration.

    A database already at the head (every start but the first after an upgrade) is seen
    with one query and alembic is not imported: importing it and running ``upgrade``
    kept ~12 MB in the bot's RSS for good (measured: idle ``python -m bot``, no runners,
    bench.memory_startup), to learn that there was nothing to do."""
    head = head_revision()
    if head is not None:
        async with engine.connect() as connection:
            stored = await connection.run_sync(_stored_revisions)
        if stored == [head]:
            return

    def _upgrade(connection: Any) -> None:
        from alembic import command

        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")

    async with engine.begin() as connection:
        await connection.run_sync(_upgrade)


class DatabaseProblem(Exception):
    """What is wrong with the database, as one line for the deployer naming DATABASE_URL.

    The line never holds the URL itself (it may carry a password), only what is wrong and
    what to do; ``exit_code`` says whether restarting can help.
    """

    def __init__(self, problem: str, *, exit_code: int = EXIT_CONFIG) -> None:
        super().__init__(f"DATABASE_URL: {problem}")
        self.exit_code = exit_code


def _first_line(text_: str, secret: str | None) -> str:
    line = text_.strip().splitlines()[0] if text_.strip() else ""
    if secret:
        line = line.replace(secret, "***")
    return line.strip()


def explain_database_error(exc: BaseException, url: str | URL) -> DatabaseProblem:
    """Turn a driver's error at start into one line without a traceback or the password.

    SQLAlchemy's own text carries the statement and a link; the driver's first line says
    what a deployer needs ("Connection refused", "role ... does not exist").
    """
    parsed = make_url(url)
    secret = parsed.password if isinstance(parsed.password, str) else None
    orig = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    reason = _first_line(str(orig), secret) or type(orig).__name__
    if parsed.get_backend_name() == "sqlite":
        if "readonly" in reason or "read-only" in reason:
            return DatabaseProblem(
                f"the SQLite database {sqlite_path(url)} is read-only ({reason}); the bot "
                "must be able to write it and its folder"
            )
        return DatabaseProblem(f"cannot open the SQLite database {sqlite_path(url)} ({reason})")
    if getattr(orig, "sqlstate", None) == PG_READ_ONLY:
        return DatabaseProblem(
            f"the PostgreSQL database is read-only ({reason}); point it at the primary, "
            "with a user that may write"
        )
    where = f"{parsed.host or 'localhost'}:{parsed.port or 5432}/{parsed.database or ''}"
    lasting = any(refusal in reason for refusal in PG_CONFIG_REFUSALS)
    return DatabaseProblem(
        f"cannot use the PostgreSQL database at {where} ({reason})",
        exit_code=EXIT_CONFIG if lasting else EXIT_RUNTIME,
    )


def sqlite_path(url: str | URL) -> Path | None:
    """The SQLite file a URL names, resolved; None for an in-memory database."""
    database = make_url(url).database
    if not database or database == ":memory:":
        return None
    return Path(database).resolve()


async def check_writable(engine: AsyncEngine) -> None:
    """Raise DatabaseProblem when PostgreSQL would refuse every write (one round trip).

    A standby or a ``default_transaction_read_only`` user passes the migrations of an
    up-to-date schema (they only read alembic_version) and would then fail every runner's
    "done". SQLite's read-only case is caught earlier, when bot/store/lock.py opens the
    file for writing.
    """
    if engine.url.get_backend_name() == "sqlite":
        return
    try:
        async with engine.connect() as connection:
            read_only = (await connection.execute(READ_ONLY_SQL)).scalar()
    except (OSError, SQLAlchemyError) as exc:
        raise explain_database_error(exc, engine.url) from None
    if read_only:
        raise DatabaseProblem(
            "the PostgreSQL database is read-only (a standby, or a user or database with "
            "default_transaction_read_only); point it at the primary, with a user that may write"
        )
