"""aiosqlite with one thread round trip per statement instead of four.

SQLite calls block, so aiosqlite runs them on a thread of its own and the event loop
never waits on the disk (docs/architecture.md: no database call may stall the loop). But SQLAlchemy
drives an aiosqlite cursor in four steps — open it, execute, fetch all rows, close it —
and each is a round trip to that thread: a queue put, a thread wake-up, a future set
back on the loop. Profiled, those round trips were most of the time a "done" or
/today took (bench/updates.py).

Here a cursor does all four in one round trip: ``execute`` opens a sqlite3 cursor, runs
the statement, reads every row and closes it on the worker thread, and hands back the
rows, description, rowcount and lastrowid; the rest is answered from memory. Reading
every row at once is what SQLAlchemy's adapter did anyway (it buffers non-streaming
results), and the bot never streams.

A commit or rollback with no transaction open (a read-only unit of work; the pool's
reset after every commit) costs no round trip at all.

aiosqlite's private names, used here and nowhere else in the bot (aiosqlite has no public
way to do these; ``aiosqlite>=0.22.1,<0.23`` in pyproject.toml, and
tests/test_dependency_internals.py fails naming the attribute if a release moves one):

- ``Connection._execute`` (queue a call on the connection's worker thread, await it) and
  ``Connection._conn`` (its sqlite3 connection, touched only on that thread): the one hop.
  Through aiosqlite's public cursor, as SQLAlchemy drives it, a statement is the four
  round trips above. Measured through SQLAlchemy on a 1,000-row table, 5 runs of 5,000 units each
  (median), with the free commit and rollback in both: a primary-key read 0.18 ms of
  CPU and 0.20 ms wall here against 0.24 and 0.26 ms through the public cursor; an
  update and its commit 0.22 / 0.24 ms against 0.27 / 0.30 ms.
- ``Connection._thread`` (the worker, a plain thread since aiosqlite 0.22): made a daemon,
  as SQLAlchemy's own aiosqlite dialect does, or a process that exits without disposing
  its engine (a crash path, a forgotten ``dispose``) waits for that thread for ever.
"""

from __future__ import annotations

import sqlite3
from collections import deque
from collections.abc import Iterable
from functools import partial
from typing import Any

import aiosqlite

DEFAULT_ARRAYSIZE = 1


class _Result:
    """What one statement left behind, captured on the worker thread."""

    __slots__ = ("description", "lastrowid", "rowcount", "rows")

    def __init__(self, cursor: sqlite3.Cursor, fetch: bool) -> None:
        self.description = cursor.description
        self.rows: list[Any] = cursor.fetchall() if fetch and cursor.description else []
        self.rowcount = cursor.rowcount
        self.lastrowid = cursor.lastrowid


def _run(connection: sqlite3.Connection, sql: str, parameters: Any, many: bool) -> _Result:
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(sql, parameters)
        elif parameters is None:
            cursor.execute(sql)
        else:
            cursor.execute(sql, parameters)
        return _Result(cursor, fetch=not many)
    finally:
        cursor.close()


class OneHopCursor:
    """The async cursor SQLAlchemy's aiosqlite adapter expects, one hop per statement."""

    def __init__(self, connection: OneHopConnection) -> None:
        self._connection = connection
        self._rows: deque[Any] = deque()
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self.arraysize = DEFAULT_ARRAYSIZE
        self.row_factory = None

    async def __aenter__(self) -> OneHopCursor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def _run(self, sql: str, parameters: Any, many: bool) -> OneHopCursor:
        result = await self._connection.run_statement(sql, parameters, many)
        self.description = result.description
        self.rowcount = result.rowcount
        self.lastrowid = result.lastrowid
        self._rows = deque(result.rows)
        return self

    async def execute(self, sql: str, parameters: Any = None) -> OneHopCursor:
        return await self._run(sql, parameters, many=False)

    async def executemany(self, sql: str, parameters: Iterable[Any]) -> OneHopCursor:
        return await self._run(sql, list(parameters), many=True)

    async def fetchone(self) -> Any:
        return self._rows.popleft() if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        count = self.arraysize if size is None else size
        return [self._rows.popleft() for _ in range(min(count, len(self._rows)))]

    async def fetchall(self) -> list[Any]:
        rows = list(self._rows)
        self._rows.clear()
        return rows

    async def close(self) -> None:
        self._rows.clear()


class OneHopConnection(aiosqlite.Connection):
    # aiosqlite's cursor() returns an awaitable; SQLAlchemy's adapter only calls cursor()
    # and awaits the result's __aenter__, so a plain method serves it.
    def cursor(self) -> OneHopCursor:  # type: ignore[override]  # a plain call, see above
        """No round trip: the sqlite3 cursor only exists during ``execute``."""
        return OneHopCursor(self)

    async def run_statement(self, sql: str, parameters: Any, many: bool) -> _Result:
        """One statement, start to finish, in one round trip to the worker thread."""
        # aiosqlite's private _execute and _conn: see the module docstring.
        result: _Result = await self._execute(_run, self._conn, sql, parameters, many)
        return result

    def daemonize(self) -> OneHopConnection:
        """Let the process exit even if this connection was never closed (before awaiting
        it: the thread starts then)."""
        self._thread.daemon = True  # aiosqlite's private _thread: see the module docstring
        return self

    def _idle(self) -> bool:
        """Nothing to end: sqlite3 opens a transaction only before a write, so a read-only
        unit of work, and the pool's reset after a commit, find none. Reading the flag
        here is safe: the worker thread is idle whenever SQLAlchemy calls us, because it
        awaits every statement before the next call. A closed connection is not idle, so
        its commit fails as aiosqlite's does."""
        try:
            return not self.in_transaction
        except ValueError:  # aiosqlite: "no active connection"
            return False

    async def commit(self) -> None:
        if not self._idle():
            await super().commit()

    async def rollback(self) -> None:
        if not self._idle():
            await super().rollback()


def connect(database: str, **kwargs: Any) -> OneHopConnection:
    """As ``aiosqlite.connect``, with the one-hop cursor and a daemon worker thread."""
    connection = OneHopConnection(partial(sqlite3.connect, database, **kwargs), iter_chunk_size=64)
    return connection.daemonize()


async def open_connection(database: str, **kwargs: Any) -> OneHopConnection:
    """``connect``, awaited: the worker thread started and the database opened."""
    connection = connect(database, **kwargs)
    await connection  # returns the same object, typed by aiosqlite as its base class
    return connection
