"""One polling process per database; webhook instances side by side, never with a poller.

Two bots on one database would both answer every update Telegram hands out and, on SQLite,
both send every reminder (the unique key stops duplicate rows, not two processes racing to
send). So:

* **SQLite**: one process per database *file*, whatever path names it. The lock is on the
  database file itself (its inode), so a hard link, a symlink, ``dir/../coach.db`` or a
  bind mount all meet the same lock. (The old ``<path>.lock`` beside the database let a
  hard link in another folder through.)
* **PostgreSQL**: one *polling* process per database (per schema, see below): a session
  advisory lock, ``pg_try_advisory_lock``, taken on a connection of its own that stays
  open for the life of the process, so the lock goes when the process goes, however it
  dies. Instances with ``POLL_UPDATES=false`` take no lock: several of them share the
  reminders safely (``FOR UPDATE SKIP LOCKED``).
* **PostgreSQL, webhook mode** (``TELEGRAM_WEBHOOK_URL``): any number of instances behind
  one address, each holding a *shared* advisory lock on a second key, which the poller
  holds *exclusively*. So webhook instances start beside each other, and polling and
  webhook never run on one database at once: that makes no sense (Telegram answers
  ``getUpdates`` with 409 while a webhook is set, and a poller starting would delete the
  others' webhook), and each refusal names the one that runs. A deployer switching
  modes stops the old instances first.

How the SQLite lock lives beside SQLite's own locking. SQLite's default unix VFS locks
with POSIX ``fcntl`` byte-range locks on bytes 0x40000000-0x400001FF of the file (the
pending byte, the reserved byte and 510 shared bytes). Two traps, both checked:

1. A plain POSIX ``fcntl`` lock belongs to the *process* and is dropped when the process
   closes *any* descriptor of the file. The bot opens and closes the file through SQLite
   after taking the lock (the migration engine is disposed before the bot's own engine
   starts), so such a lock would vanish within a second of start-up. Measured with the
   experiment in tests/test_deploy_lock.py: a POSIX lock was free again after one
   ``sqlite3.connect(...).close()`` in the same process; an OFD lock was still held.
2. ``flock`` is a separate lock table on Linux (local file systems), so it does not
   disturb SQLite; but on NFS Linux emulates ``flock`` with a whole-file ``fcntl`` lock,
   which *would* collide with SQLite's byte locks in every other process (and BSD/macOS
   ``flock`` and ``fcntl`` locks interact too).

So the lock is an *open file description* lock (``F_OFD_SETLK``, Linux 3.15+): owned by
our descriptor, not by the process, so SQLite closing its descriptors cannot release it;
it conflicts with the same lock taken through any other open of the inode, in this or
another process; and it covers one byte just past SQLite's range, so it never overlaps a
lock SQLite takes: readers and writers (a backup, the ``sqlite3`` shell) work as before.
Where OFD locks do not exist (macOS), an ``flock`` on a file named after the database's
device and inode in the temporary folder does the same job.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from bot.store.db import DatabaseProblem, explain_database_error, is_sqlite, sqlite_path

#: SQLite's lock bytes are PENDING_BYTE = 0x40000000 and the 511 bytes after it; ours is the
#: first byte past them, on the "lock-byte page" SQLite never stores data in.
SQLITE_PENDING_BYTE = 0x40000000
INSTANCE_LOCK_BYTE = SQLITE_PENDING_BYTE + 512
#: The advisory lock key: the same for every process on the same database and schema (the
#: tests, and a host running two bots on one server, separate bots by schema).
POLLING_LOCK_SQL = (
    "SELECT pg_try_advisory_lock("
    "hashtextextended('runner-strength-coach polling ' || coalesce(current_schema(), ''), 0))"
)
#: The updates lock: exclusive for a poller, shared by webhook instances.
_UPDATES_KEY = (
    "hashtextextended('runner-strength-coach updates ' || coalesce(current_schema(), ''), 0)"
)
#: A poller: the polling lock (another poller?), then the updates lock exclusively
#: (webhook instances?), in one round trip; a refusal closes the connection, which
#: releases whatever was taken.
POLLER_LOCK_SQL = (
    f"SELECT CASE WHEN NOT ({POLLING_LOCK_SQL.removeprefix('SELECT ')}) THEN 'poller' "
    f"WHEN NOT pg_try_advisory_lock({_UPDATES_KEY}) THEN 'webhook' ELSE '' END"
)
WEBHOOK_LOCK_SQL = f"SELECT pg_try_advisory_lock_shared({_UPDATES_KEY})"

RUN_ONE = "Run one process per SQLite file, or use PostgreSQL (DATABASE_URL) for several instances."
POLL_ONE = (
    "Telegram lets one process poll a bot: run further instances with POLL_UPDATES=false "
    "(reminders only), or stop the other one first."
)
NOT_BOTH = (
    "Telegram refuses getUpdates while a webhook is set: stop the {running} instances "
    "first, or start this one in the same mode."
)


class AlreadyRunning(Exception):
    """Another process holds the lock; the message is one line for the deployer."""


class _Flock(ctypes.Structure):
    """``struct flock`` (fcntl(2)); ctypes lays it out with the platform's padding."""

    _fields_ = [
        ("l_type", ctypes.c_short),
        ("l_whence", ctypes.c_short),
        ("l_start", ctypes.c_int64),
        ("l_len", ctypes.c_int64),
        ("l_pid", ctypes.c_int),
    ]


@dataclass
class InstanceLock:
    """A held lock: an open descriptor (SQLite) or an open connection (PostgreSQL).

    Kept referenced for the life of the process; ``release`` is for tests.
    """

    description: str
    fd: int | None = None
    connection: Any = field(default=None, repr=False)

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing our description releases its OFD lock / flock
            self.fd = None
        if self.connection is not None:
            self.connection.close()  # the session ends: PostgreSQL drops its advisory lock
            self.connection = None


_held: list[InstanceLock] = []  # kept for the life of the process


def hold_single_instance_lock(
    database_url: str, *, polling: bool = True, webhook: bool = False
) -> InstanceLock | None:
    """Take this process's lock on its database, or raise AlreadyRunning / DatabaseProblem.

    SQLite always (two senders on one file would double-send); PostgreSQL when this
    process takes updates (``polling``, the POLL_UPDATES setting): exclusively when it
    polls, shared when they come by ``webhook``.
    """
    if is_sqlite(database_url):
        lock = lock_sqlite_file(database_url)
    elif polling and webhook:
        lock = lock_webhook(database_url)
    elif polling:
        lock = lock_polling(database_url)
    else:
        return None
    if lock is not None:
        _held.append(lock)
    return lock


# ---- SQLite ---------------------------------------------------------------------------------


def lock_sqlite_file(database_url: str) -> InstanceLock | None:
    """Open the database file for writing and lock it (creating it, and its folder, if new).

    Opening it for writing here is also the check that the database is writable: a
    read-only file would otherwise start, migrate nothing, and fail every runner's "done".
    """
    path = sqlite_path(database_url)
    if path is None:  # in memory: nothing to share
        return None
    fd = _open_for_writing(path)
    try:
        if hasattr(fcntl, "F_OFD_SETLK"):
            _ofd_lock(fd)
            holder = fd
        else:  # pragma: no cover - macOS and other systems without OFD locks
            holder = _flock_by_inode(fd)
            os.close(fd)
    except OSError as exc:
        os.close(fd)
        if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
            raise AlreadyRunning(
                f"Another bot process is already using the SQLite database {path} "
                f"(under this or another name). {RUN_ONE}"
            ) from None
        raise DatabaseProblem(
            f"cannot lock the SQLite database {path} ({exc.strerror or type(exc).__name__})"
        ) from None
    return InstanceLock(description=f"SQLite file {path}", fd=holder)


def _open_for_writing(path: Path) -> int:
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseProblem(
            f"cannot create the folder {folder} for the SQLite database "
            f"({exc.strerror or type(exc).__name__})"
        ) from None
    existed = path.exists()
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except IsADirectoryError:
        raise DatabaseProblem(f"{path} is a folder, not a SQLite database file") from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        if existed and exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise DatabaseProblem(
                f"the SQLite database {path} is read-only ({reason}); the bot must be able "
                "to write it"
            ) from None
        raise DatabaseProblem(f"cannot create the SQLite database {path} ({reason})") from None
    if not os.access(folder, os.W_OK):
        os.close(fd)
        raise DatabaseProblem(
            f"the folder {folder} of the SQLite database is read-only; SQLite writes its "
            f"journal ({path.name}-wal, {path.name}-shm) beside the database"
        )
    return fd


def _ofd_lock(fd: int) -> None:
    request = _Flock(fcntl.F_WRLCK, os.SEEK_SET, INSTANCE_LOCK_BYTE, 1, 0)  # l_pid must be 0
    fcntl.fcntl(fd, fcntl.F_OFD_SETLK, bytes(request))


def _flock_by_inode(fd: int) -> int:  # pragma: no cover - exercised where OFD locks are missing
    stat = os.fstat(fd)
    name = f"runner-strength-coach-{stat.st_dev}-{stat.st_ino}.lock"
    holder = os.open(Path(tempfile.gettempdir()) / name, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(holder, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(holder)
        raise
    return holder


# ---- PostgreSQL -----------------------------------------------------------------------------


def lock_polling(database_url: str) -> InstanceLock:
    """The polling lock: one connection and one round trip (``POLLER_LOCK_SQL``).

    A plain psycopg connection, not an SQLAlchemy engine: an engine's first connection
    also runs the dialect's set-up queries, three more round trips for a connection that
    only ever holds a lock. The connection arguments are the dialect's own, so it reaches
    the very database (host, options, search_path) the bot's engine does. Autocommit, so
    the idle connection holds no transaction (no snapshot holding back VACUUM).
    """
    connection, held = _try(database_url, POLLER_LOCK_SQL)
    if held == "":
        return InstanceLock(description="PostgreSQL polling lock", connection=connection)
    connection.close()
    if held == "webhook":
        raise AlreadyRunning(
            f"Webhook instances of the bot are running on {_where(database_url)}. "
            + NOT_BOTH.format(running="webhook")
        )
    raise AlreadyRunning(
        f"Another bot process is already polling Telegram for {_where(database_url)} "
        f"(it holds the polling lock). {POLL_ONE}"
    )


def lock_webhook(database_url: str) -> InstanceLock:
    """A webhook instance's lock: shared with the other webhook instances, refused while a
    poller holds it (``WEBHOOK_LOCK_SQL``, one round trip)."""
    connection, held = _try(database_url, WEBHOOK_LOCK_SQL)
    if held:
        return InstanceLock(description="PostgreSQL webhook lock (shared)", connection=connection)
    connection.close()
    raise AlreadyRunning(
        f"A bot process is polling Telegram for {_where(database_url)}. "
        + NOT_BOTH.format(running="polling")
    )


def _try(database_url: str, statement: str) -> tuple[Any, Any]:
    """A connection of its own, and the first column of ``statement``'s row.

    psycopg is imported here, on PostgreSQL only: imported with the module it cost a
    SQLite bot 9 MB of idle RSS (101.7 -> 92.2 MB, bench.memory_startup), the difference
    between 2.14 and 1.96 times a bare PTB application's."""
    import psycopg

    dialect = create_engine(database_url).dialect  # builds nothing, connects nowhere
    args, kwargs = dialect.create_connect_args(make_url(database_url))
    try:
        connection = psycopg.connect(*args, **kwargs, autocommit=True)
        row = connection.execute(statement).fetchone()
    except (OSError, psycopg.Error) as exc:
        raise explain_database_error(exc, database_url) from None
    return connection, row[0] if row else None


def _where(database_url: str) -> str:
    """The database in words, never its password."""
    parsed = make_url(database_url)
    return f"the PostgreSQL database {parsed.database or ''} on {parsed.host or 'localhost'}"
