"""The design the bot rejected, built only so ``bench.memory_startup`` can measure it.

A bot of the common design keeps one APScheduler job per runner: at start it reads every
runner from its database and calls ``job_queue.run_daily`` once each. docs/architecture.md rejects
it because every job costs kilobytes of RSS and scheduling 100k of them delays start-up;
this script exists so that claim is re-measured on the same machine, against the same stub
Bot API and the same seeded database, in the same run as the real bot.

Run as ``python -m bench._jobqueue_baseline`` with ``TELEGRAM_BOT_TOKEN``,
``TELEGRAM_BASE_URL`` and ``BENCH_DATABASE`` (a SQLite file path) in the environment. It
prints ``jobs=<count>`` on stdout once the jobs are queued, so the benchmark can check that
it measured what it thinks it measured, then polls until SIGTERM.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import sys
from typing import Any
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes

# The same runners the real bot would remind: onboarded, active, not paused, with a time.
RUNNERS_SQL = (
    "SELECT chat_id, run_days, long_run_day, hard_days, sessions_per_week, reminder_time, "
    "timezone FROM runners WHERE onboarded = 1 AND active = 1 AND paused = 0 "
    "AND reminder_time IS NOT NULL"
)


def _days(text: str) -> set[int]:
    return {int(part) for part in text.split(",") if part.strip()}


def strength_days(
    run_days: str, long_run_day: int | None, hard_days: str, sessions: int
) -> tuple[int, ...]:
    """A plausible set of reminder weekdays in PTB's numbering (0 = Sunday).

    The bot's plan engine is deliberately not imported: this process must carry only what a
    bot of the job-per-runner design carries. The days do not change a job's cost anyway.
    Rest days come first, then easy run days, never the long run.
    """
    runs, hard = _days(run_days), _days(hard_days)
    rest = [day for day in range(7) if day not in runs]
    easy = [day for day in sorted(runs) if day not in hard and day != long_run_day]
    chosen = (rest + easy)[:sessions] or [0]
    return tuple(sorted((day + 1) % 7 for day in chosen))  # Mon=0 → PTB's Sun=0


async def remind(context: ContextTypes.DEFAULT_TYPE) -> None:
    """What each job would do; never fires during the benchmark (all times are ahead)."""
    job = context.job
    assert job is not None and job.chat_id is not None
    await context.bot.send_message(job.chat_id, "Time for your strength session.")


async def schedule_everyone(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """One ``run_daily`` job per runner, in post_init, where the real bot adds its one job."""
    job_queue = application.job_queue
    assert job_queue is not None, "install python-telegram-bot[job-queue]"
    zones: dict[str, ZoneInfo] = {}
    count = 0
    with sqlite3.connect(os.environ["BENCH_DATABASE"]) as connection:
        for chat_id, run_days, long_run, hard, sessions, at, zone_name in connection.execute(
            RUNNERS_SQL
        ):
            zone = zones.get(zone_name) or zones.setdefault(zone_name, ZoneInfo(zone_name))
            hour, minute = (int(part) for part in at.split(":"))
            job_queue.run_daily(
                remind,
                time=dt.time(hour, minute, tzinfo=zone),
                days=strength_days(run_days, long_run, hard, sessions),
                chat_id=chat_id,
                name=str(chat_id),
            )
            count += 1
    print(f"jobs={count}", flush=True)


def main() -> int:
    application = (
        ApplicationBuilder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(os.environ["TELEGRAM_BASE_URL"])
        .post_init(schedule_everyone)
        .build()
    )
    application.run_polling(allowed_updates=[Update.MESSAGE, Update.CALLBACK_QUERY])
    return 0


if __name__ == "__main__":
    sys.exit(main())
