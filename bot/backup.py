"""``strength-coach backup PATH`` and ``strength-coach restore PATH``: the database, copied.

The database named by DATABASE_URL (environment, then ``.env``: ``DatabaseSettings``, no
token needed), SQLite or PostgreSQL. Every refusal is one line on stderr and exit code 2,
never a traceback, never the database password.

**SQLite backup** runs beside the bot, which keeps running and writing: ``VACUUM INTO`` a
file beside PATH, synced, then renamed onto PATH (an interrupted backup never leaves half
a file at PATH). It reads through one read transaction, so the copy is one consistent
snapshot of every table, and in WAL mode (the bot's journal mode) a reader never blocks the
writer. It takes no lock of the bot's (bot/store/lock.py's byte lies past SQLite's range).
Measured on a 86 MB WAL database with another process committing two-row transactions
without pause (a one-off script; tests/test_backup_refusals.py repeats the check on a
smaller file): ``VACUUM INTO`` took 0.42 s, the writer's slowest commit meanwhile 60 ms,
and the copy held as many rows in both tables (one snapshot). ``Connection.backup`` in one
step was as consistent (0.20 s) but writes a WAL-mode file that needs its ``-wal`` and
``-shm`` beside it to be read; in steps (``pages=100``) it starts over whenever another
connection commits, and took 26.8 s and 115,564 steps on a 12 MB file (never finishing on
the 86 MB one). ``VACUUM INTO`` writes one self-contained file in rollback-journal mode,
compacted, which any ``sqlite3`` opens read-only.

**SQLite restore** only with the bot stopped: it takes the bot's own lock on the file
(``lock_sqlite_file``) and refuses while another process holds it. It checks PATH first
(a SQLite file, ``quick_check`` ok, an ``alembic_version`` this coach knows), keeps the
database as it was as ``<db>.before-restore-<UTC time>`` (read through SQLite, so what its
WAL held is in it), and copies PATH into the database through SQLite's backup API, so the
file keeps its inode (and the lock), and its WAL is handled by SQLite, not by deleting
files. A database file SQLite cannot read at all (the reason to restore, often) is
replaced whole instead.

**PostgreSQL**: ``pg_dump --format=custom`` of the coach's tables (``alembic_version`` and
every table of the models, in the schema the URL's search_path selects), so a database
shared with other applications is neither copied nor, on restore, touched.
``pg_restore --clean --if-exists --single-transaction``: all or nothing. The connection
parameters are the ones the bot's driver uses (the URL's query included) as a libpq
keyword string; the password goes to the child in PGPASSWORD, never on its command line.
Restore refuses while a bot polls (or webhook instances run: ``lock_polling`` conflicts
with both) and holds that lock while it works, checks the archive names a known
migration and the same schema, and first dumps the database as it was beside PATH.
Reminders-only instances (``POLL_UPDATES=false``) hold no lock: stop them first.

What a restore may send again is in README.md, "Backup and restore".
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from bot.store.db import DatabaseProblem, explain_database_error, is_sqlite, sqlite_path
from bot.store.lock import AlreadyRunning, InstanceLock, lock_polling, lock_sqlite_file

EXIT_REFUSED = 2
EXIT_FAILED = 1
USAGE = "usage: strength-coach backup PATH | strength-coach restore PATH"
#: Tables a coach database holds besides the models' (alembic's record of its migration).
ALEMBIC_TABLE = "alembic_version"
#: What pg_dump/pg_restore say when the login or the database itself is wrong (exit 2).
PG_CONFIG_REFUSALS = (
    "password authentication failed",
    "does not exist",
    "no pg_hba.conf entry",
    "role is not permitted to log in",
)


class Refused(Exception):
    """One line for the operator: the command did nothing (exit 2) or failed (exit 1)."""

    def __init__(self, line: str, exit_code: int = EXIT_REFUSED) -> None:
        super().__init__(line)
        self.exit_code = exit_code


def _runners(count: int) -> str:
    """ "1 runner", "0 runners", "2 runners" (the summary said "1 runners")."""
    return f"{count} runner" if count == 1 else f"{count} runners"


def main(command: str, args: Sequence[str]) -> int:
    """``backup PATH`` or ``restore PATH``: 0, or one line on stderr and 2 (or 1)."""
    if len(args) != 1 or args[0] in {"-h", "--help"}:
        print(USAGE, file=sys.stderr if len(args) != 1 else sys.stdout)
        return 0 if args and args[0] in {"-h", "--help"} else EXIT_REFUSED
    url = _database_url()
    if url is None:
        return EXIT_REFUSED
    password = make_url(url).password
    secret = password if isinstance(password, str) and password else None
    try:
        if command == "backup":
            if args[0].endswith(("/", os.sep)):  # a folder, made if new (Path drops the /)
                Path(args[0]).mkdir(parents=True, exist_ok=True)
            done = backup(url, Path(args[0]))
        else:
            done = restore(url, Path(args[0]))
    except Refused as exc:
        print(_masked(str(exc), secret), file=sys.stderr)
        return exc.exit_code
    except DatabaseProblem as exc:
        print(_masked(str(exc), secret), file=sys.stderr)
        return exc.exit_code
    except (OSError, sqlite3.Error) as exc:
        # A full disk, a folder it may not write, a file that vanished: one line too.
        where = f" ({exc.filename})" if isinstance(exc, OSError) and exc.filename else ""
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        print(_masked(f"{command.capitalize()} failed: {reason}{where}.", secret), file=sys.stderr)
        return EXIT_FAILED
    print(_masked(done, secret))
    return 0


def _database_url() -> str | None:
    from bot.settings import DatabaseSettings

    try:
        return DatabaseSettings().database_url
    except ValidationError as exc:
        for error in exc.errors():
            # Never the value itself: it may carry a password.
            print(f"DATABASE_URL: {error['msg'].removeprefix('Value error, ')}", file=sys.stderr)
        return None


def _masked(line: str, secret: str | None) -> str:
    return line.replace(secret, "***") if secret else line


def backup(database_url: str, target: Path) -> str:
    """Write a backup of the database to ``target`` (a folder: a dated file in it)."""
    if is_sqlite(database_url):
        return backup_sqlite(database_url, target)
    return backup_postgres(database_url, target)


def restore(database_url: str, source: Path) -> str:
    """Put the backup ``source`` in place of the database; the bot must be stopped."""
    if not source.is_file():
        raise Refused(f"Refusing to restore: no backup file at {source}.")
    if is_sqlite(database_url):
        return restore_sqlite(database_url, source)
    return restore_postgres(database_url, source)


# ---- shared -------------------------------------------------------------------------------


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def _target_file(target: Path, suffix: str) -> Path:
    """``target`` itself, or a dated file in it when it is a folder (``backups/``)."""
    if target.is_dir():
        return target / f"coach-{_stamp()}{suffix}"
    if not target.parent.is_dir():
        raise Refused(f"Cannot write the backup: the folder {target.parent} does not exist.")
    return target


def _partial(path: Path) -> Path:
    return path.with_name(f".{path.name}.partial-{os.getpid()}")


def _settle(partial: Path, path: Path) -> None:
    """Make a finished file durable, then give it its name (atomic on one file system)."""
    with partial.open("rb") as file:
        os.fsync(file.fileno())
    os.replace(partial, path)
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def known_revisions() -> set[str]:
    """Every migration this version of the coach has (a backup's revision must be one)."""
    from alembic.script import ScriptDirectory

    from bot.store.db import alembic_config

    script = ScriptDirectory.from_config(alembic_config())
    return {revision.revision for revision in script.walk_revisions()}


def migration_head() -> str | None:
    """The newest migration this version of the coach has."""
    from alembic.script import ScriptDirectory

    from bot.store.db import alembic_config

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def _check_revision(revision: str | None, source: Path) -> str:
    if revision is None:
        raise Refused(
            f"Refusing to restore: {source} is not a coach database (no {ALEMBIC_TABLE} "
            "table, or an empty one)."
        )
    if revision not in known_revisions():
        raise Refused(
            f"Refusing to restore: {source} is at schema revision {revision}, which this "
            "version of the coach does not know (a newer coach, or not a coach database); "
            "install the coach that wrote it first."
        )
    return revision


def _coach_tables() -> list[str]:
    from sqlmodel import SQLModel

    import bot.store.models  # noqa: F401  (registers the tables)

    return [ALEMBIC_TABLE, *(table.name for table in SQLModel.metadata.sorted_tables)]


@dataclass(frozen=True)
class SqliteFacts:
    revision: str | None
    runners: int | None


# ---- SQLite -------------------------------------------------------------------------------


def _sqlite_database(database_url: str) -> Path:
    path = sqlite_path(database_url)
    if path is None:
        raise Refused("DATABASE_URL names an in-memory SQLite database: nothing to copy.")
    return path


def backup_sqlite(database_url: str, target: Path) -> str:
    """``VACUUM INTO`` a partial file, synced and renamed onto the target (module doc)."""
    database = _sqlite_database(database_url)
    if not database.is_file():
        raise Refused(f"Cannot back up: there is no SQLite database at {database}.")
    path = _target_file(target, ".db")
    if path.exists() and path.resolve() in {
        database,
        Path(f"{database}-wal"),
        Path(f"{database}-shm"),
    }:
        raise Refused(f"Refusing to back up the database {database} onto itself.")
    partial = _partial(path)
    partial.unlink(missing_ok=True)
    started = time.perf_counter()
    try:
        # mode=rw: never create a database that is not there; no lock of the bot's taken.
        source = sqlite3.connect(f"file:{database}?mode=rw", uri=True, timeout=30)
        try:
            source.execute("VACUUM INTO ?", (str(partial),))
        finally:
            source.close()
        facts = sqlite_facts(partial)
        _settle(partial, path)
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise Refused(
            f"Backup failed: cannot copy the SQLite database {database} ({exc}).", EXIT_FAILED
        ) from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    took = time.perf_counter() - started
    return (
        f"Backed up {database} to {path} ({_size(path)}, schema revision "
        f"{facts.revision or 'none'}, {_runners(facts.runners or 0)}) in {took:.1f} s."
    )


def _size(path: Path) -> str:
    return f"{path.stat().st_size / 1e6:.1f} MB"


def sqlite_facts(path: Path) -> SqliteFacts:
    """A SQLite file's migration and number of runners; Refused when it is not a sound
    SQLite database. Read-only: a backup being checked is never changed."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise Refused(f"Refusing to restore: {path} cannot be opened ({exc}).") from None
    try:
        check = connection.execute("PRAGMA quick_check").fetchone()
        if not check or check[0] != "ok":
            raise Refused(f"Refusing to restore: {path} is damaged (quick_check: {check}).")
        tables = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        revision = None
        if ALEMBIC_TABLE in tables:
            row = connection.execute(f"SELECT version_num FROM {ALEMBIC_TABLE}").fetchone()
            revision = row[0] if row else None
        runners = None
        if "runners" in tables:
            runners = int(connection.execute("SELECT count(*) FROM runners").fetchone()[0])
        return SqliteFacts(revision, runners)
    except sqlite3.DatabaseError as exc:
        raise Refused(f"Refusing to restore: {path} is not a SQLite database ({exc}).") from None
    finally:
        connection.close()


def restore_sqlite(database_url: str, source: Path) -> str:
    """Check the backup, take the bot's lock, keep the old database, copy the backup in."""
    database = _sqlite_database(database_url)
    if source.resolve() == database:
        raise Refused(f"Refusing to restore {database} onto itself.")
    facts = sqlite_facts(source)
    revision = _check_revision(facts.revision, source)
    lock = _lock(database_url, lock_sqlite_file)
    try:
        kept = _keep_sqlite(database)
        try:
            _copy_into(source, database)
        except sqlite3.DatabaseError:
            _replace_whole(source, database)
        restored = sqlite_facts(database)
        if restored.revision != revision:
            raise Refused(
                f"Restore failed: {database} reads revision {restored.revision}.", EXIT_FAILED
            )
    finally:
        if lock is not None:
            lock.release()
    before = f"the database as it was is kept as {kept}" if kept else "there was no database"
    return (
        f"Restored {source} into {database} (schema revision {revision}, "
        f"{_runners(restored.runners or 0)}); {before}. Start the bot: it migrates to its "
        "schema, and reminders that were being sent when the backup was taken are sent "
        "again after REMINDER_LEASE_SECONDS (possible duplicates)."
    )


def _lock(database_url: str, take: Any) -> InstanceLock | None:
    """The bot's own lock, so no bot starts (or runs) while the database is replaced."""
    try:
        lock: InstanceLock | None = take(database_url)
    except AlreadyRunning as exc:
        raise Refused(
            f"Refusing to restore while the bot runs: {exc} Stop every bot process on "
            "this database first (systemctl stop strength-coach)."
        ) from None
    return lock


def _keep_sqlite(database: Path) -> Path | None:
    """The database as it was, as one file beside it (None when there was none)."""
    if not database.is_file() or database.stat().st_size == 0:
        return None
    kept = database.with_name(f"{database.name}.before-restore-{_stamp()}")
    try:
        connection = sqlite3.connect(f"file:{database}?mode=rw", uri=True, timeout=30)
        try:
            connection.execute("VACUUM INTO ?", (str(kept),))
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        # Not readable as a database: keep its bytes, and its journal's, as they are.
        kept.unlink(missing_ok=True)
        shutil.copy2(database, kept)
        wal = Path(f"{database}-wal")
        if wal.exists():
            shutil.copy2(wal, Path(f"{kept}-wal"))
    return kept


def _copy_into(source: Path, database: Path) -> None:
    """SQLite's backup API, in one step, into the database file in place."""
    reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    writer = sqlite3.connect(str(database), timeout=30)
    try:
        reader.backup(writer)
        writer.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    finally:
        writer.close()
        reader.close()


def _replace_whole(source: Path, database: Path) -> None:
    """For a file SQLite cannot open: a fresh copy, renamed over it, its journal gone."""
    partial = _partial(database)
    partial.unlink(missing_ok=True)
    reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        reader.execute("VACUUM INTO ?", (str(partial),))
    finally:
        reader.close()
    for journal in (Path(f"{database}-wal"), Path(f"{database}-shm")):
        journal.unlink(missing_ok=True)
    _settle(partial, database)


# ---- PostgreSQL ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Postgres:
    """How to reach the database with libpq's tools, and the schema the bot uses there."""

    conninfo: str
    env: dict[str, str]
    schema: str
    database: str


def _postgres(database_url: str) -> Postgres:
    """The bot driver's own connection parameters, the password moved to PGPASSWORD."""
    import psycopg
    from psycopg import pq
    from psycopg.conninfo import make_conninfo

    parsed = make_url(database_url)
    dialect = create_engine(database_url).dialect  # builds nothing, connects nowhere
    args, kwargs = dialect.create_connect_args(parsed)
    libpq = {default.keyword.decode() for default in pq.Conninfo.get_defaults()}
    params = {
        key: str(value) for key, value in kwargs.items() if key in libpq and value is not None
    }
    password = params.pop("password", None)
    env = dict(os.environ)  # PGPASSWORD or ~/.pgpass there serve the tools as the bot
    if password:
        env["PGPASSWORD"] = password
    try:
        with psycopg.connect(*args, **kwargs) as connection:
            row = connection.execute("SELECT current_schema(), current_database()").fetchone()
    except (OSError, psycopg.Error) as exc:
        raise explain_database_error(exc, database_url) from None
    if row is None or row[0] is None:
        raise Refused(
            "DATABASE_URL: the schema its search_path names does not exist in the database."
        )
    return Postgres(make_conninfo("", **params), env, str(row[0]), str(row[1]))


def _run(tool: str, arguments: list[str], pg: Postgres) -> str:
    """Run a PostgreSQL client tool; its stdout, or Refused with its first error line."""
    try:
        done = subprocess.run(
            [tool, *arguments], env=pg.env, capture_output=True, text=True, check=False
        )
    except FileNotFoundError:
        raise Refused(
            f"{tool} is not installed: install the PostgreSQL client tools "
            f"(apt install postgresql-client), version {tool} >= the server's."
        ) from None
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        reason = next(
            (line for line in lines if "error" in line.lower()), lines[0] if lines else ""
        )
        lasting = any(refusal in reason for refusal in PG_CONFIG_REFUSALS)
        raise Refused(
            f"{tool} failed: {reason.strip() or f'exit code {done.returncode}'}",
            EXIT_REFUSED if lasting else EXIT_FAILED,
        )
    return done.stdout


def backup_postgres(database_url: str, target: Path) -> str:
    pg = _postgres(database_url)
    path = _target_file(target, ".dump")
    partial = _partial(path)
    started = time.perf_counter()
    tables = [f"--table={_quoted(pg.schema)}.{_quoted(name)}" for name in _coach_tables()]
    try:
        _run(
            "pg_dump",
            ["--format=custom", f"--file={partial}", *tables, f"--dbname={pg.conninfo}"],
            pg,
        )
        archive = read_archive(partial, pg)
        _settle(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    took = time.perf_counter() - started
    return (
        f"Backed up the PostgreSQL database {pg.database} (schema {pg.schema}) to {path} "
        f"({_size(path)}, schema revision {archive.revision or 'none'}) in {took:.1f} s."
    )


def _quoted(name: str) -> str:
    """A pg_dump pattern matching exactly this name (quoted, so no wildcards)."""
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class Archive:
    schema: str | None
    tables: frozenset[str]
    revision: str | None


TOC_TABLE = re.compile(r"^\d+; \d+ \d+ TABLE (?!DATA )(?P<schema>\S+) (?P<name>\S+) ")


def read_archive(path: Path, pg: Postgres) -> Archive:
    """What a pg_dump archive holds: its schema, tables and migration (no database used)."""
    try:
        listing = _run("pg_restore", ["--list", str(path)], pg)
    except Refused:
        raise Refused(
            f"Refusing to restore: {path} is not a pg_dump archive (custom format, pg_dump -Fc)."
        ) from None
    schemas, tables = set(), set()
    for line in listing.splitlines():
        found = TOC_TABLE.match(line)
        if found:
            schemas.add(found["schema"])
            tables.add(found["name"])
    revision = None
    if ALEMBIC_TABLE in tables:
        data = _run(
            "pg_restore", ["--data-only", f"--table={ALEMBIC_TABLE}", "--file=-", str(path)], pg
        )
        lines = data.splitlines()
        for index, line in enumerate(lines):
            if line.startswith("COPY ") and index + 1 < len(lines) and lines[index + 1] != "\\.":
                revision = lines[index + 1].strip()
                break
    schema = schemas.pop() if len(schemas) == 1 else None
    return Archive(schema, frozenset(tables), revision)


def restore_postgres(database_url: str, source: Path) -> str:
    pg = _postgres(database_url)
    archive = read_archive(source, pg)
    revision = _check_revision(archive.revision, source)
    if archive.schema != pg.schema:
        raise Refused(
            f"Refusing to restore: {source} holds the schema {archive.schema}, while "
            f"DATABASE_URL's search_path makes the bot use {pg.schema}."
        )
    lock = _lock(database_url, lock_polling)
    try:
        kept = _keep_postgres(database_url, pg, source)
        _drop_extra_tables(database_url, pg, archive)
        _run(
            "pg_restore",
            [
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={pg.conninfo}",
                str(source),
            ],
            pg,
        )
    finally:
        if lock is not None:
            lock.release()
    before = f"the database as it was is kept in {kept}" if kept else "it held no coach tables"
    return (
        f"Restored {source} into the PostgreSQL database {pg.database} (schema {pg.schema}, "
        f"schema revision {revision}); {before}. Start the bot: it migrates to its schema, "
        "and reminders that were being sent when the backup was taken are sent again after "
        "REMINDER_LEASE_SECONDS (possible duplicates)."
    )


def _present_coach_tables(database_url: str, pg: Postgres) -> set[str]:
    import psycopg

    dialect = create_engine(database_url).dialect
    args, kwargs = dialect.create_connect_args(make_url(database_url))
    with psycopg.connect(*args, **kwargs) as connection:
        rows = connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s", (pg.schema,)
        ).fetchall()
    return {str(row[0]) for row in rows} & set(_coach_tables())


def _keep_postgres(database_url: str, pg: Postgres, source: Path) -> Path | None:
    """A pg_dump of the database as it was, beside the backup (None: no coach tables)."""
    if ALEMBIC_TABLE not in _present_coach_tables(database_url, pg):
        return None
    kept = source.with_name(f"{pg.database}.before-restore-{_stamp()}.dump")
    tables = [f"--table={_quoted(pg.schema)}.{_quoted(name)}" for name in _coach_tables()]
    _run("pg_dump", ["--format=custom", f"--file={kept}", *tables, f"--dbname={pg.conninfo}"], pg)
    return kept


def _drop_extra_tables(database_url: str, pg: Postgres, archive: Archive) -> None:
    """Coach tables the archive does not hold (a newer migration's): dropped, so the bot's
    migrations can create them again from the restored revision. ``--clean`` drops only
    what the archive holds."""
    import psycopg

    extra = _present_coach_tables(database_url, pg) - archive.tables
    if not extra:
        return
    dialect = create_engine(database_url).dialect
    args, kwargs = dialect.create_connect_args(make_url(database_url))
    with psycopg.connect(*args, **kwargs) as connection:
        for name in sorted(extra):
            connection.execute(f"DROP TABLE IF EXISTS {_quoted(pg.schema)}.{_quoted(name)} CASCADE")
