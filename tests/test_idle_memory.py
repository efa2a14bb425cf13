"""What an idle bot leaves out of memory: alembic when the schema is already at its head.

The bot idled at 159 MB RSS with no runners against 47 MB for a bare python-telegram-bot
application (bench.memory_startup, same run). Part of the difference was alembic: imported
and run at every start (~12 MB kept for good) only to learn there was nothing to do.
``bot.store.db.migrate`` now reads the stored revision first and imports alembic only
when a migration is due; these tests hold that shortcut to alembic's own answer.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import text

from bot.store.db import SessionFactory, alembic_config, head_revision, make_engine, migrate

REPO_ROOT = Path(__file__).resolve().parent.parent

MIGRATE_AGAIN = """
import asyncio, sys
from bot.store.db import make_engine, migrate

async def main(url):
    engine = make_engine(url)
    try:
        await migrate(engine)
    finally:
        await engine.dispose()

asyncio.run(main(sys.argv[1]))
print("alembic imported" if "alembic" in sys.modules else "alembic not imported")
"""


def test_the_head_read_from_the_files_is_alembics_head() -> None:
    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()


def migrate_in_a_new_process(db_url: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", MIGRATE_AGAIN, db_url],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


async def test_a_start_on_a_database_at_the_head_does_not_import_alembic(
    sessions: SessionFactory, db_url: str
) -> None:
    # ``sessions`` migrated the database to the head.
    assert migrate_in_a_new_process(db_url) == "alembic not imported"


async def test_a_database_one_migration_behind_is_upgraded_by_alembic(
    sessions: SessionFactory, db_url: str
) -> None:
    engine = make_engine(db_url)

    def downgrade(connection: Any) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, "-1")

    try:
        async with engine.begin() as connection:
            await connection.run_sync(downgrade)
        assert migrate_in_a_new_process(db_url) == "alembic imported"
        await migrate(engine)  # at the head again: nothing to do
        async with engine.connect() as connection:
            stored = await connection.execute(text("SELECT version_num FROM alembic_version"))
            assert list(stored.scalars()) == [head_revision()]
    finally:
        await engine.dispose()
