"""What an idle bot leaves out of memory (alembic when the schema is already at its head),
and how bench.memory_startup holds it to the goal.

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

from bench.memory_startup import (
    BASELINE,
    IDLE_SETTLED_S,
    OURS,
    RSS_NOISE_FLOOR_KB,
    RSS_SAMPLE_EVERY_S,
    Summary,
    render,
    settled,
)
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


def summary(design: str, rss_mb_0: float) -> Summary:
    return Summary(
        design=design,
        rss_mb_0=rss_mb_0,
        rss_mb_n=rss_mb_0 + 2,
        peak_mb_n=rss_mb_0 + 3,
        start_s_0=0.5,
        start_s_n=1.0,
        kb_per_runner=0.1,
        kb_noise=0.01,
        kb_per_runner_all=[0.1],
        start_s_n_all=[1.0],
    )


HEADER = {
    "cpu_count": 2,
    "python": "3.11",
    "python-telegram-bot": "22",
    "APScheduler": "3",
    "SQLAlchemy": "2.1",
}


def test_the_benchmark_prints_idle_rss_beside_the_bare_ptb_application_with_a_verdict() -> None:
    first = [
        {
            "first_city_s": 0.3,
            "first_city_cpu_s": 0.25,
            "city_table_kb": 19_000,
            "next_city_s": 0.01,
            "first_location_s": 0.2,
            "polygons_kb": 10_000,
        }
    ]
    text, verdicts = render(summary(OURS, 92.0), summary(BASELINE, 47.0), 1000, 1, HEADER, first)
    assert (
        "idle RSS, no runners: ours 92.0 MB, bare PTB application (the baseline with no jobs) "
        "47.0 MB: 1.96× (goal ≤ 2×, ≤ 94.0 MB) PASS"
    ) in text
    assert verdicts["goals"]["idle_rss_ratio"]["pass"] is True
    assert "first typed city on a cold process: 0.30 s (0.25 s CPU; " in text
    assert verdicts["goals"]["first_city_s"]["pass"] is True
    text, verdicts = render(summary(OURS, 159.0), summary(BASELINE, 47.0), 1000, 1, HEADER)
    assert "3.38× (goal ≤ 2×, ≤ 94.0 MB) MISS" in text
    assert verdicts["goals"]["idle_rss_ratio"]["pass"] is False


def test_idle_rss_counts_once_it_stops_growing() -> None:
    """The old bot built its city index in a child process after the first getUpdates: a
    fixed 3 s read 108.7 MB on a loaded machine instead of 159 MB."""
    steps = round(IDLE_SETTLED_S / RSS_SAMPLE_EVERY_S)
    assert not settled([100_000] * steps)  # not watched long enough yet
    assert settled([100_000] * (steps + 1))
    assert not settled([100_000] * steps + [140_000])
    assert settled([140_000] * steps + [140_000 + RSS_NOISE_FLOOR_KB])
