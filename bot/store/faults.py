"""Which database errors pass if the statement is simply tried again.

A SQLite write lock held by another connection ("database is locked" after the busy
timeout), a PostgreSQL backend terminated or restarted, a dropped connection, a pool that
had no connection to give: the same statement works a moment later, on a fresh
connection where needed (the pool replaces one it saw die). Anything else — a constraint,
a bug in a statement — fails the same way every time and is not retried.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout


def transient(exc: BaseException) -> bool:
    if isinstance(exc, OperationalError | InterfaceError | PoolTimeout):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


def describe(exc: BaseException) -> str:
    """The error's kind and first line, for a log line: no statement, no parameters
    (they can hold a runner's notes), no connection URL (it can hold a password)."""
    origin = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    first = str(origin).strip().splitlines()[0][:120] if str(origin).strip() else ""
    return f"{type(origin).__name__}: {first}" if first else type(origin).__name__
