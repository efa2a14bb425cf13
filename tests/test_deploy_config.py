"""The database setting as a deployer meets it: ``alembic upgrade head``, a mistyped
``DATABASE_URL``, a folder or database the bot cannot write, and ``.env.example``.

Why: each of these used to end in a traceback (or, for alembic, in migrating another
database than the bot's: it ignored ``.env``), sometimes with exit code 1 as if a restart
could help, and a traceback is where a password in the URL leaks. The rule the bot keeps
for the token holds for the database: one line naming the setting and the problem, exit
code 2, no traceback, no password. These run the real processes (``python -m bot``,
``alembic``) because those properties belong to the whole process.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.settings import Settings, async_database_url
from bot.store.db import make_engine, migrate
from testkit.harness import own_schema
from testkit.stub_bot_api import StubBotAPI
from tests.test_process_e2e import REPO_ROOT, bot_env, sqlite_url

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
EXIT_WAIT = 25.0  # a refusal comes within a few seconds; a bot that starts runs forever
PASSWORD = "s3cret-Pw-9f2"  # trust authentication on the test server accepts any password
ALEMBIC = Path(sys.executable).parent / "alembic"
#: Everything the bot reads from the environment, scrubbed so the developer's shell has no say.
SETTING_NAMES = {name.upper() for name in Settings.model_fields}


@pytest.fixture
def stub() -> Iterator[StubBotAPI]:
    with StubBotAPI() as server:
        yield server


def clean_env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key.upper() not in SETTING_NAMES}
    env.update(PYTHONPATH=str(REPO_ROOT), PYTHONUNBUFFERED="1", **extra)
    return env


def run_bot(
    env: dict[str, str], cwd: Path, prefix: list[str] | None = None
) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            [*(prefix or []), sys.executable, "-m", "bot"],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=EXIT_WAIT,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise AssertionError(f"the bot started instead of refusing (ran {EXIT_WAIT} s)") from exc


def assert_one_database_line(
    result: subprocess.CompletedProcess[str], *, exit_code: int = 2
) -> str:
    """Exactly one line on stderr, naming DATABASE_URL; no traceback; no password."""
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert PASSWORD not in output, output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("DATABASE_URL"), lines[0]
    assert result.returncode == exit_code, result.stderr
    return lines[0]


# ---- 15: alembic reads DATABASE_URL exactly as the bot does ---------------------------------


def run_alembic(cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ALEMBIC), "-c", str(REPO_ROOT / "alembic.ini"), "upgrade", "head"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def tables(database: Path) -> set[str]:
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {name for (name,) in rows}


def test_alembic_upgrade_head_migrates_the_database_named_in_dot_env(tmp_path: Path) -> None:
    """The deployer's folder has a .env naming the database: alembic must migrate that one.

    (It used to read only the environment and migrate data/coach.db in the project, and
    its script_location was relative to the working directory.)
    """
    database = tmp_path / "var" / "coach-prod.db"
    (tmp_path / ".env").write_text(f"DATABASE_URL=sqlite:///{database}\n", encoding="utf-8")
    result = run_alembic(tmp_path, clean_env())
    assert result.returncode == 0, result.stderr
    assert {"runners", "reminders", "session_logs", "alembic_version"} <= tables(database)


def test_alembic_prefers_the_environment_over_dot_env_like_the_bot(tmp_path: Path) -> None:
    """pydantic-settings lets the environment win over .env; alembic must agree."""
    from_file, from_env = tmp_path / "file.db", tmp_path / "env.db"
    (tmp_path / ".env").write_text(f"DATABASE_URL=sqlite:///{from_file}\n", encoding="utf-8")
    result = run_alembic(tmp_path, clean_env(DATABASE_URL=f"sqlite:///{from_env}"))
    assert result.returncode == 0, result.stderr
    assert "runners" in tables(from_env)
    assert not from_file.exists()


def test_alembic_with_a_malformed_url_in_dot_env_is_one_line(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        f"DATABASE_URL=postgresql://coach:{PASSWORD}@db.example.com:port/coach\n",
        encoding="utf-8",
    )
    assert_one_database_line(run_alembic(tmp_path, clean_env()))


# ---- 16: a malformed URL -------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "not a url",
        f"postgresql://coach:{PASSWORD}@db.example.com:five-four-three-two/coach",
        f"mysql://coach:{PASSWORD}@db.example.com/coach",
        f"postgresql+asyncpg://coach:{PASSWORD}@db.example.com/coach",
        "sqlite://coach.db",  # two slashes: a host, no file - an in-memory database
    ],
    ids=["not-a-url", "port-not-a-number", "mysql", "other-driver", "sqlite-host"],
)
def test_a_malformed_database_url_is_one_line_without_the_password(
    stub: StubBotAPI, tmp_path: Path, url: str
) -> None:
    result = run_bot(bot_env(stub, url, LOG_LEVEL="INFO"), tmp_path)
    assert_one_database_line(result)
    assert stub.calls == [], "a bad setting must stop the bot before it talks to Telegram"


# ---- 16: a folder that cannot be created, a database that cannot be written ----------------


def without_root_override() -> list[str]:
    """A command prefix under which file permissions count: root ignores them otherwise.

    As root, ``setpriv`` drops the capabilities that override permissions
    (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER) from the process it starts; root
    then meets a file's owner bits like any user (0444 is read-only, 0555 takes no files).
    """
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("as root, this needs setpriv (util-linux) to make permissions count")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner"]


@pytest.fixture
def restore_modes(tmp_path: Path) -> Iterator[Path]:
    """tmp_path, given back writable at the end so it can be cleaned up."""
    yield tmp_path
    for folder, dirs, files in os.walk(tmp_path):
        for name in dirs + files:
            (Path(folder) / name).chmod(0o700)


def test_a_data_folder_that_cannot_be_created_is_one_line(stub: StubBotAPI, tmp_path: Path) -> None:
    """The folder of the SQLite file would have to be made inside a file."""
    (tmp_path / "blocker").write_text("not a folder", encoding="utf-8")
    database = tmp_path / "blocker" / "data" / "coach.db"
    result = run_bot(bot_env(stub, sqlite_url(database), LOG_LEVEL="INFO"), tmp_path)
    line = assert_one_database_line(result)
    assert "cannot create the folder" in line and str(tmp_path / "blocker") in line, line


def test_a_data_folder_without_permission_is_one_line(
    stub: StubBotAPI, restore_modes: Path
) -> None:
    """The data folder's parent may not be written (another user's, a read-only mount)."""
    parent = restore_modes / "srv"
    parent.mkdir()
    parent.chmod(0o555)
    database = parent / "data" / "coach.db"
    env = bot_env(stub, sqlite_url(database), LOG_LEVEL="INFO")
    result = run_bot(env, restore_modes, without_root_override())
    line = assert_one_database_line(result)
    assert "cannot create the folder" in line and "Permission denied" in line, line


@pytest.mark.parametrize("read_only", ["file", "folder"])
def test_a_read_only_sqlite_database_is_one_line(
    stub: StubBotAPI, restore_modes: Path, read_only: str
) -> None:
    """A database copied from a backup as read-only, or in a folder the bot cannot write
    (SQLite must create coach.db-wal and coach.db-shm beside it). Before, the first was
    "cannot open the database (OperationalError)" with exit code 1, the second a traceback.
    """
    folder = restore_modes / "data"
    folder.mkdir()
    database = folder / "coach.db"
    engine_url = sqlite_url(database)

    async def create() -> None:
        engine = make_engine(engine_url)
        await migrate(engine)
        await engine.dispose()

    asyncio.run(create())
    for leftover in folder.glob("coach.db-*"):
        leftover.unlink()
    if read_only == "file":
        database.chmod(0o444)
    else:
        folder.chmod(0o555)
    env = bot_env(stub, engine_url, LOG_LEVEL="INFO")
    result = run_bot(env, restore_modes, without_root_override())
    line = assert_one_database_line(result)
    assert "read-only" in line, line
    assert str(folder if read_only == "folder" else database) in line, line


# ---- 16: PostgreSQL read-only, unreachable ------------------------------------------------


@pytest.fixture
def pg_schema() -> Iterator[str]:
    """A schema of this test's own on TEST_DATABASE_URL; its URL carries a password."""
    if not TEST_DATABASE_URL:
        pytest.skip("needs PostgreSQL: set TEST_DATABASE_URL")
    with own_schema(TEST_DATABASE_URL, "deploy_config") as (_, schema):
        yield schema


def pg_url(schema: str, options: str = "") -> str:
    assert TEST_DATABASE_URL
    base = make_url(async_database_url(TEST_DATABASE_URL)).set(password=PASSWORD)
    url = base.update_query_dict({"options": f"-csearch_path={schema} {options}".strip()})
    return url.render_as_string(hide_password=False)


@pytest.mark.parametrize("migrated", [False, True], ids=["new", "migrated"])
@pytest.mark.parametrize("poll", ["true", "false"])
def test_a_read_only_postgresql_database_is_one_line(
    stub: StubBotAPI, tmp_path: Path, pg_schema: str, migrated: bool, poll: str
) -> None:
    """A standby, or a user whose transactions are read-only. An up-to-date schema used to
    pass the migrations (they only read) and start a bot that failed every write."""
    if migrated:

        async def create() -> None:
            engine = make_engine(pg_url(pg_schema))
            await migrate(engine)
            await engine.dispose()

        asyncio.run(create())
    url = pg_url(pg_schema, "-cdefault_transaction_read_only=on")
    result = run_bot(bot_env(stub, url, LOG_LEVEL="INFO", POLL_UPDATES=poll), tmp_path)
    line = assert_one_database_line(result)
    assert "read-only" in line, line


def test_an_unreachable_postgresql_is_one_line_and_may_be_retried(
    stub: StubBotAPI, tmp_path: Path
) -> None:
    """Nothing listens on the port: a passing problem (exit code 1, a supervisor may
    restart), said in one line with the driver's reason and without the password."""
    url = f"postgresql://coach:{PASSWORD}@127.0.0.1:1/coach"
    result = run_bot(bot_env(stub, url, LOG_LEVEL="INFO"), tmp_path)
    line = assert_one_database_line(result, exit_code=1)
    assert "Connection refused" in line and "127.0.0.1:1" in line, line


# ---- .env.example documents every setting -------------------------------------------------


def test_dot_env_example_lists_every_setting_with_a_comment() -> None:
    """A deployer reads .env.example, not bot/settings.py: each setting is there, under
    a comment saying what it does, and nothing else is."""
    lines = (REPO_ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    assignment = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=")
    listed: dict[str, int] = {}
    for number, line in enumerate(lines):
        found = assignment.match(line)
        if found:
            listed[found.group(1)] = number
    assert set(listed) == SETTING_NAMES
    for name, number in listed.items():
        above = lines[number - 1] if number else ""
        assert above.startswith("# ") and not assignment.match(above), (name, above)
