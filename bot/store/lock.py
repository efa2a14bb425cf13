"""One process per SQLite file.

SQLite has one writer, and two bots on one file would both send every reminder (the
unique key stops duplicate rows, not two processes racing to send). PostgreSQL is the
way to run several instances; on SQLite the second one refuses to start.
"""

from __future__ import annotations

import fcntl
from pathlib import Path
from typing import IO

from sqlalchemy.engine import make_url

from bot.store.db import is_sqlite

_held: list[IO[bytes]] = []  # kept open for the life of the process


class AlreadyRunning(Exception):
    pass


def hold_single_instance_lock(database_url: str) -> None:
    if not is_sqlite(database_url):
        return
    database = make_url(database_url).database
    if not database or database == ":memory:":
        return
    path = Path(database).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(f"{path}.lock", "wb")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise AlreadyRunning(
            f"Another bot process is already using the SQLite database {path}. Run one "
            "process per SQLite file, or use PostgreSQL (DATABASE_URL) for several instances."
        ) from None
    _held.append(handle)
