"""Every private name of a dependency the project still uses, checked by name.

Each one is kept for a reason written beside its use, and the dependency's version range
is bounded in pyproject.toml at the next release not yet tested. When a new release is
allowed in and moves one of these names, the test here fails with a message naming the
attribute and the file that needs it, instead of the bot failing somewhere deep inside
SQLAlchemy or at exit.
"""

from __future__ import annotations

import inspect
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import aiosqlite
import pytest
from sqlalchemy import text
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.store import sqlite_driver
from bot.store.db import make_engine

SQLITE_DRIVER = "bot/store/sqlite_driver.py (see its docstring)"


def _moved(owner: str, name: str, needed_by: str) -> str:
    return (
        f"{owner}.{name} has moved or changed in this release; {needed_by} uses it. "
        "Adapt that code (or find a public way), then raise the bound in pyproject.toml."
    )


# ------------------------------------------------------------------ aiosqlite


def test_aiosqlite_connection_still_queues_calls_through_execute() -> None:
    member = inspect.getattr_static(aiosqlite.Connection, "_execute", None)
    assert inspect.iscoroutinefunction(member), _moved(
        "aiosqlite.Connection", "_execute", SQLITE_DRIVER
    )
    parameters = list(inspect.signature(member).parameters)
    assert parameters[:2] == ["self", "fn"], _moved(
        "aiosqlite.Connection", "_execute(fn, *args, **kwargs)", SQLITE_DRIVER
    )


def test_aiosqlite_connection_still_exposes_its_sqlite3_connection_as_conn() -> None:
    assert isinstance(inspect.getattr_static(aiosqlite.Connection, "_conn", None), property), (
        _moved("aiosqlite.Connection", "_conn", SQLITE_DRIVER)
    )


def test_aiosqlite_connection_still_keeps_its_worker_thread_in_thread() -> None:
    connection = aiosqlite.Connection(lambda: sqlite3.connect(":memory:"), iter_chunk_size=64)
    # never awaited: the thread is not started, the connector never called
    worker = getattr(connection, "_thread", None)
    assert isinstance(worker, threading.Thread) and not worker.is_alive(), _moved(
        "aiosqlite.Connection", "_thread (an unstarted threading.Thread)", SQLITE_DRIVER
    )


async def test_the_one_hop_connection_runs_a_statement_on_a_daemon_thread(
    tmp_path: Path,
) -> None:
    connection = await sqlite_driver.open_connection(str(tmp_path / "one.db"))
    try:
        workers = [t for t in threading.enumerate() if t is connection._thread]
        assert workers and workers[0].daemon, _moved(
            "aiosqlite.Connection", "_thread (made a daemon before it starts)", SQLITE_DRIVER
        )
        cursor = connection.cursor()
        await cursor.execute("SELECT ?, ?", (1, "two"))
        assert await cursor.fetchall() == [(1, "two")]
        assert cursor.description[0][0] == "?"
        await connection.commit()  # nothing open: no round trip, no error
    finally:
        await connection.close()


# ------------------------------------------------------------------ SQLAlchemy


@pytest.fixture
def counted_statements(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    seen: list[str] = []
    real = sqlite_driver.OneHopConnection.run_statement

    async def counting(
        self: sqlite_driver.OneHopConnection, sql: str, parameters: object, many: bool
    ) -> object:
        seen.append(sql)
        return await real(self, sql, parameters, many)

    monkeypatch.setattr(sqlite_driver.OneHopConnection, "run_statement", counting)
    yield seen


async def test_sqlalchemy_drives_the_one_hop_cursor(
    tmp_path: Path, counted_statements: list[str]
) -> None:
    """SQLAlchemy's asyncio adapter calls ``cursor()``, awaits its ``__aenter__``, then
    ``execute`` and the fetches: if a release drives a cursor otherwise, this fails here
    rather than in every test that touches SQLite."""
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'engine.db'}")
    try:
        async with engine.connect() as connection:
            raw = await connection.get_raw_connection()
            assert isinstance(raw.driver_connection, sqlite_driver.OneHopConnection), (
                "SQLAlchemy no longer hands async_creator's connection to its aiosqlite "
                "adapter; bot/store/db.py's make_engine relies on it"
            )
            counted_statements.clear()
            rows = (await connection.execute(text("SELECT 1 AS one, 'x' AS ex"))).all()
        assert [tuple(row) for row in rows] == [(1, "x")]
        assert rows[0]._mapping["ex"] == "x"  # Row._mapping: public despite the underscore
        assert counted_statements == ["SELECT 1 AS one, 'x' AS ex"], counted_statements
    finally:
        await engine.dispose()


# ------------------------------------------------------------------ python-telegram-bot


def test_bot_still_keeps_its_get_updates_request_first_in_request() -> None:
    """tests/test_reminder_delivery.py reaches the getUpdates request (bot.app's PollWatch)
    through ``Bot._request[0]``; PTB has a public ``Bot.request`` only for the other one."""
    polling, general = HTTPXRequest(), HTTPXRequest()
    bot = Bot("123:abc", request=general, get_updates_request=polling)
    pair = getattr(bot, "_request", None)
    assert isinstance(pair, tuple) and pair[0] is polling and pair[1] is general, _moved(
        "telegram.Bot", "_request (get_updates_request, request)", "tests/test_reminder_delivery.py"
    )
    assert bot.request is general
