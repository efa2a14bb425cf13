"""The runner's week as it was from each day on: the only place that reads or writes
``plan_periods``.

The runner row holds only today's week; a past week is judged by the plan it had (issue
15, point 1), so ``runners.save_week`` calls ``record`` in the same transaction as it
writes the row's week columns: no caller of onboarding or /settings can forget it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy import select as core_select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.store.common import fetch_all, table_of, upsert
from bot.store.models import PlanPeriod

_plans = table_of(PlanPeriod)
_PERIODS = (
    core_select(_plans).where(_plans.c.chat_id == bindparam("chat_id")).order_by(_plans.c.first_day)
)
# What a plan period keeps: the columns of the runner row that decide which sessions a
# week holds and what they ask (the reminder time and timezone change no week's count).
PLAN_COLUMNS = (
    "run_days",
    "long_run_day",
    "hard_days",
    "sessions_per_week",
    "experience",
    "equipment",
    "pull_up_bar",
)


async def periods_of(session: AsyncSession, chat_id: int) -> list[PlanPeriod]:
    """The runner's plans, earliest first (read-only: not tracked by the session)."""
    rows = await fetch_all(session, _PERIODS, {"chat_id": chat_id})
    return [PlanPeriod.model_construct(**row._mapping) for row in rows]


def plan_of(period: PlanPeriod) -> dict[str, Any]:
    return {name: getattr(period, name) for name in PLAN_COLUMNS}


async def record(
    session: AsyncSession, chat_id: int, columns: dict[str, Any], day: date, now: datetime
) -> None:
    """The runner's plan from ``day`` on is ``columns`` (the runner row's week columns;
    extra keys ignored). Nothing is written when the plan in force on ``day`` is the same
    (a /settings save that changed only the reminder time); a second change the same day
    replaces the first (one row per day: what the day ended with)."""
    plan = {name: columns[name] for name in PLAN_COLUMNS}
    earlier = [p for p in await periods_of(session, chat_id) if p.first_day < day]
    if earlier and plan_of(earlier[-1]) == plan:
        # Back to the plan the day started with: a row written earlier today goes.
        await fetch_all(
            session,
            _plans.delete().where(
                _plans.c.chat_id == bindparam("chat_id"), _plans.c.first_day == bindparam("day")
            ),
            {"chat_id": chat_id, "day": day},
        )
        return
    values = {"chat_id": chat_id, "first_day": day, **plan, "created_at": now}
    await upsert(session, PlanPeriod, values, keys=["chat_id", "first_day"], update=[*PLAN_COLUMNS])
