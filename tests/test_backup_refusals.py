"""``strength-coach backup|restore``: what a restore checks before it replaces anything, what
it keeps, and a SQLite backup's snapshot while another process writes.

Every refusal is one line on stderr, exit code 2, no traceback, never the password, and
leaves the database as it was.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
from contextlib import closing
from functools import cache
from pathlib import Path

import pytest

from bot import backup as backups
from bot.cli import main as cli
from bot.settings import async_database_url
from bot.store.lock import lock_polling, lock_sqlite_file
from tests.test_backup import two_postgres_databases

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
PASSWORD = "hunter2-not-shown"
needs_postgres = pytest.mark.skipif(
    not TEST_DATABASE_URL, reason="PostgreSQL tests need TEST_DATABASE_URL"
)


def run(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, url: str, *argv: str
) -> tuple[int, str, str]:
    """``strength-coach <argv>`` with DATABASE_URL set: (exit code, stdout, stderr)."""
    monkeypatch.setenv("DATABASE_URL", url)
    code = cli(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_line_refusal(code: int, err: str, *words: str) -> None:
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err and PASSWORD not in err
    for word in words:
        assert word in err, err


ALEMBIC_INI = Path(__file__).resolve().parent.parent / "alembic.ini"


def upgrade(url: str, to: str = "head") -> subprocess.CompletedProcess[str]:
    """``alembic upgrade head`` as a deployer runs it, DATABASE_URL from the environment."""
    return subprocess.run(
        [sys.executable, "-m", "alembic", "-c", str(ALEMBIC_INI), "upgrade", to],
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
    )


@cache
def migrated_template() -> bytes:
    """A freshly migrated coach database with one runner (chat 7), made once per run."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "coach.db"
        assert upgrade(f"sqlite:///{path}").returncode == 0
        with closing(sqlite3.connect(path)) as connection, connection:
            connection.execute(
                "INSERT INTO runners (chat_id, onboarded, run_days, hard_days, experience, "
                "equipment, pull_up_bar, sessions_per_week, timezone, paused, active, "
                "weight_unit, checkin_enabled, preview_time) "
                "VALUES (7, 1, '0,2', '', 'new', 'none', 0, 2, 'UTC', 0, 1, 'kg', 0, '18:00')"
            )
            connection.execute("PRAGMA journal_mode=DELETE")
        return path.read_bytes()


def coach_file(path: Path, revision: str | None = None) -> Path:
    """A migrated coach database with one runner (its revision rewritten if given)."""
    path.write_bytes(migrated_template())
    if revision is not None:
        with closing(sqlite3.connect(path)) as connection, connection:
            connection.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    return path


def runners_in(path: Path) -> list[int]:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        return [row[0] for row in connection.execute("SELECT chat_id FROM runners ORDER BY 1")]


@pytest.fixture
def database(tmp_path: Path) -> Path:
    """The deployment's database: a coach database whose one runner is chat 7."""
    (tmp_path / "data").mkdir()
    return coach_file(tmp_path / "data" / "coach.db")


def url_of(path: Path) -> str:
    return f"sqlite:///{path}"


# ---- SQLite: what a restore checks first ----------------------------------------------------


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda p: p, ["no backup file"]),
        (lambda p: (p.write_text("# not a database\n" * 50), p)[1], ["not a SQLite database"]),
        (
            lambda p: (sqlite3.connect(p, isolation_level=None).execute("CREATE TABLE t (x)"), p)[
                1
            ],
            ["not a coach database"],
        ),
        (lambda p: coach_file(p, revision="9999"), ["9999", "does not know"]),
    ],
    ids=["missing", "not-sqlite", "no-alembic-version", "newer-revision"],
)
def test_restore_refuses_what_is_not_a_coach_backup_and_changes_nothing(
    make: object,
    words: list[str],
    database: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = make(tmp_path / "backup.db")  # type: ignore[operator]
    before = database.read_bytes()
    code, _, err = run(capsys, monkeypatch, url_of(database), "restore", str(source))
    one_line_refusal(code, err, "Refusing to restore", *words)
    assert database.read_bytes() == before
    assert not list(database.parent.glob("*.before-restore*"))


def test_restore_refuses_while_the_bot_holds_the_database_and_changes_nothing(
    database: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    backup = coach_file(tmp_path / "other.db")
    lock = lock_sqlite_file(async_database_url(url_of(database)))  # what the bot holds
    try:
        before = database.read_bytes()
        code, _, err = run(capsys, monkeypatch, url_of(database), "restore", str(backup))
        one_line_refusal(code, err, "while the bot runs", "Stop every bot process")
        assert database.read_bytes() == before
        assert not list(database.parent.glob("*.before-restore*"))
    finally:
        assert lock is not None
        lock.release()


def test_backup_refusals_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "nothing.db"
    code, _, err = run(capsys, monkeypatch, url_of(missing), "backup", str(tmp_path / "b.db"))
    one_line_refusal(code, err, "no SQLite database")
    assert not missing.exists(), "a backup must never create the database"
    code, _, err = run(capsys, monkeypatch, url_of(missing), "backup", "a", "b")
    assert code == 2 and "usage" in err
    code, _, err = run(capsys, monkeypatch, f"mysql://u:{PASSWORD}@h/db", "backup", "x")
    one_line_refusal(code, err, "DATABASE_URL")


def test_a_backup_onto_the_database_itself_is_refused(
    database: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = database.read_bytes()
    code, _, err = run(capsys, monkeypatch, url_of(database), "backup", str(database))
    one_line_refusal(code, err, "onto itself")
    assert database.read_bytes() == before


def test_a_backup_into_a_folder_gets_a_dated_name(
    database: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``backup backups/`` (what a cron line wants: no ``date`` with its ``%`` to escape)."""
    folder = tmp_path / "backups" / "daily"
    code, out, err = run(capsys, monkeypatch, url_of(database), "backup", f"{folder}/")
    assert code == 0, err
    (made,) = folder.iterdir()
    assert made.name.startswith("coach-") and made.suffix == ".db"
    assert f"to {made}" in out and runners_in(made) == [7]


def test_a_backup_that_cannot_be_written_is_one_line_and_leaves_no_partial_file(
    database: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def full_disk(*args: object) -> None:
        raise OSError(28, "No space left on device", str(args[-1]))

    monkeypatch.setattr(backups.os, "replace", full_disk)
    code, _, err = run(capsys, monkeypatch, url_of(database), "backup", str(tmp_path / "b.db"))
    assert code == 1 and err.count("\n") == 1 and "Traceback" not in err, err
    assert "Backup failed: No space left on device" in err
    assert not list(tmp_path.glob("*b.db*")), "nothing is left at the target"


# ---- SQLite: what a restore does ------------------------------------------------------------


def test_restore_puts_the_backup_in_place_and_keeps_the_database_as_it_was(
    database: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code, out, _ = run(capsys, monkeypatch, url_of(database), "backup", str(tmp_path / "b.db"))
    assert code == 0 and "1 runner)" in out
    # The deployment goes on after the backup.
    with closing(sqlite3.connect(database)) as connection, connection:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("UPDATE runners SET chat_id = 8")
    code, out, err = run(capsys, monkeypatch, url_of(database), "restore", str(tmp_path / "b.db"))
    assert code == 0, err
    assert runners_in(database) == [7]
    (kept,) = database.parent.glob("coach.db.before-restore-*")
    assert f"kept as {kept}" in out
    assert runners_in(kept) == [8]
    # The restored file stands alone: nothing of the old journal is applied to it.
    assert lock_sqlite_file(async_database_url(url_of(database))) is not None


def test_restore_replaces_a_database_sqlite_cannot_read(
    database: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    backup = coach_file(tmp_path / "b.db")
    garbage = b"this is not a database any more" * 1000
    database.write_bytes(garbage)
    code, _, err = run(capsys, monkeypatch, url_of(database), "restore", str(backup))
    assert code == 0, err
    assert runners_in(database) == [7]
    (kept,) = database.parent.glob("coach.db.before-restore-*")
    assert kept.read_bytes() == garbage


def test_restore_into_a_new_place_and_an_older_backup_is_migrated_by_the_bot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An older coach's backup (revision 0006) restores; the bot's start migrates it."""
    backup = coach_file(tmp_path / "b.db")
    with closing(sqlite3.connect(backup)) as connection, connection:
        connection.execute("ALTER TABLE runners DROP COLUMN race_distance")
        connection.execute("ALTER TABLE runners DROP COLUMN weight_unit")
        connection.execute("ALTER TABLE runners DROP COLUMN language")  # 0009's column
        connection.execute("ALTER TABLE session_logs DROP COLUMN loads")
        connection.execute("DROP TABLE pause_periods")  # 0008's tables
        connection.execute("DROP TABLE milestones")
        connection.execute("DROP TABLE plan_periods")
        connection.execute("UPDATE alembic_version SET version_num = '0006'")
    target = tmp_path / "new" / "coach.db"
    code, out, err = run(capsys, monkeypatch, url_of(target), "restore", str(backup))
    assert code == 0, err
    assert "revision 0006" in out and "there was no database" in out
    migrated = upgrade(url_of(target))
    assert migrated.returncode == 0, migrated.stderr
    with closing(sqlite3.connect(target)) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == (
            backups.migration_head(),
        )
        assert connection.execute("SELECT weight_unit FROM runners").fetchall() == [("kg",)]


# ---- SQLite: a backup while another process writes ------------------------------------------

WRITER = textwrap.dedent(
    """
    import sqlite3, sys
    connection = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    print("ready", flush=True)
    n = 0
    while True:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("INSERT INTO a (v) VALUES ('w')")
        connection.execute("INSERT INTO b (v) VALUES ('w')")
        connection.execute("COMMIT")
        n += 1
        if n % 200 == 0:
            connection.execute("UPDATE progress SET n = ?", (n,))
    """
)


def test_a_sqlite_backup_is_one_snapshot_while_another_process_commits(tmp_path: Path) -> None:
    """Tables a and b grow together in every transaction of a writer process: a backup
    taken meanwhile must hold as many rows in each, pass quick_check, stand alone (no
    -wal beside it), and the writer must go on committing while it is taken."""
    database = tmp_path / "busy.db"
    with closing(sqlite3.connect(database)) as connection, connection:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE a (id INTEGER PRIMARY KEY, v TEXT)")
        connection.execute("CREATE TABLE b (id INTEGER PRIMARY KEY, v TEXT)")
        connection.execute("CREATE TABLE progress (n INTEGER)")
        connection.execute("INSERT INTO progress VALUES (0)")
        rows = [("x" * 300,)] * 30_000
        connection.executemany("INSERT INTO a (v) VALUES (?)", rows)
        connection.executemany("INSERT INTO b (v) VALUES (?)", rows)
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(database)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
        counts = []
        for attempt in range(3):
            target = tmp_path / f"backup-{attempt}.db"
            said = backups.backup(f"sqlite+aiosqlite:///{database}", target)
            assert f"to {target}" in said
            assert not Path(f"{target}-wal").exists()
            with closing(sqlite3.connect(f"file:{target}?mode=ro", uri=True)) as copy:
                assert copy.execute("PRAGMA quick_check").fetchone() == ("ok",)
                assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
                a = copy.execute("SELECT count(*) FROM a").fetchone()[0]
                b = copy.execute("SELECT count(*) FROM b").fetchone()[0]
            assert a == b, f"backup {attempt}: {a} rows in a, {b} in b"
            counts.append(a)
        assert writer.poll() is None, "the writer stopped"
        assert counts[0] < counts[-1], f"the writer made no progress during backups: {counts}"
    finally:
        writer.kill()
        writer.wait()
    assert not list(tmp_path.glob(".*partial*")), "a partial file was left behind"


# ---- PostgreSQL ------------------------------------------------------------------------------


@needs_postgres
def test_postgres_refusals_never_show_the_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert TEST_DATABASE_URL
    from sqlalchemy.engine import make_url

    base = make_url(async_database_url(TEST_DATABASE_URL)).set(password=PASSWORD)
    missing = base.set(database="no_such_coach_db").render_as_string(hide_password=False)
    for command in ("backup", "restore"):
        (tmp_path / "x.dump").write_bytes(b"")
        code, out, err = run(capsys, monkeypatch, missing, command, str(tmp_path / "x.dump"))
        one_line_refusal(code, err, "DATABASE_URL", "does not exist")
        assert PASSWORD not in out


@needs_postgres
def test_postgres_restore_refuses_while_a_bot_polls_and_checks_the_archive(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with two_postgres_databases() as (source, target):
        for url in (source, target):
            assert upgrade(url).returncode == 0
        dump = tmp_path / "coach.dump"
        code, out, err = run(capsys, monkeypatch, source, "backup", str(dump))
        assert code == 0, err
        assert "schema revision" in out

        poller = lock_polling(target)  # a polling bot on the target
        try:
            code, _, err = run(capsys, monkeypatch, target, "restore", str(dump))
            one_line_refusal(code, err, "while the bot runs")
            assert not list(tmp_path.glob("*before-restore*"))
        finally:
            poller.release()

        not_an_archive = tmp_path / "text.dump"
        not_an_archive.write_text("hello")
        code, _, err = run(capsys, monkeypatch, target, "restore", str(not_an_archive))
        one_line_refusal(code, err, "not a pg_dump archive")

        # Another schema than the archive's: the tables would land beside the bot's.
        other = async_database_url(TEST_DATABASE_URL or "")
        code, _, err = run(capsys, monkeypatch, other, "restore", str(dump))
        one_line_refusal(code, err, "holds the schema")

        code, out, err = run(capsys, monkeypatch, target, "restore", str(dump))
        assert code == 0, err
        (kept,) = tmp_path.glob("*before-restore*.dump")
        assert f"kept in {kept}" in out


@needs_postgres
def test_postgres_restore_of_an_older_coachs_backup_is_migrated_by_the_bot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 0006 archive onto a database at head: --clean replaces the tables with 0006's,
    and the bot's migrations (alembic upgrade head) bring them to head again."""
    with two_postgres_databases() as (older, target):
        assert upgrade(older, to="0006").returncode == 0
        assert upgrade(target).returncode == 0
        dump = tmp_path / "older.dump"
        code, out, err = run(capsys, monkeypatch, older, "backup", str(dump))
        assert code == 0 and "schema revision 0006" in out, err
        code, out, err = run(capsys, monkeypatch, target, "restore", str(dump))
        assert code == 0 and "schema revision 0006" in out, err
        migrated = upgrade(target)
        assert migrated.returncode == 0, migrated.stderr
        code, out, err = run(capsys, monkeypatch, target, "backup", str(tmp_path / "now.dump"))
        assert code == 0 and f"schema revision {backups.migration_head()}" in out, err
