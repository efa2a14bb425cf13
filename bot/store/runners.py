"""Runners and their week: the only place that reads or writes the ``runners`` table."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Table, bindparam, delete, or_, update
from sqlalchemy import select as core_select
from sqlmodel import SQLModel, col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.coach.pause import PauseState
from bot.coach.week import Equipment, Experience, RunnerWeek
from bot.store import pauses, plans
from bot.store.common import fetch_all, table_of
from bot.store.models import ConversationState, Runner

_runners = table_of(Runner)
_RUNNER = core_select(_runners).where(_runners.c.chat_id == bindparam("chat_id"))
_LANGUAGE = core_select(_runners.c.language).where(_runners.c.chat_id == bindparam("chat_id"))
_SET_LANGUAGE = (
    update(_runners)
    .where(_runners.c.chat_id == bindparam("chat"))
    .values(language=bindparam("code"), updated_at=bindparam("now"))
    .returning(_runners.c.chat_id)
)


def days_to_text(days: frozenset[int] | set[int]) -> str:
    return ",".join(str(day) for day in sorted(days))


def days_from_text(text: str) -> frozenset[int]:
    return frozenset(int(part) for part in text.split(",") if part.strip())


def time_from_text(text: str | None) -> time | None:
    if not text:
        return None
    hour, minute = text.split(":")
    return time(int(hour), int(minute))


def conversation_key(key: Sequence[int | str]) -> str:
    """How PTB's conversation key (chat id, user id) is stored."""
    return json.dumps(list(key))


def week_of(runner: Runner) -> RunnerWeek:
    return RunnerWeek(
        run_days=days_from_text(runner.run_days),
        long_run_day=runner.long_run_day,
        hard_days=days_from_text(runner.hard_days),
        experience=Experience(runner.experience),
        equipment=Equipment(runner.equipment),
        pull_up_bar=runner.pull_up_bar,
        sessions_per_week=runner.sessions_per_week,
        reminder_time=time_from_text(runner.reminder_time),
        timezone=runner.timezone,
    )


def week_columns(week: RunnerWeek) -> dict[str, Any]:
    return {
        "run_days": days_to_text(week.run_days),
        "long_run_day": week.long_run_day,
        "hard_days": days_to_text(week.hard_days),
        "experience": week.experience.value,
        "equipment": week.equipment.value,
        "pull_up_bar": week.pull_up_bar,
        "sessions_per_week": week.sessions_per_week,
        "reminder_time": week.reminder_time.strftime("%H:%M") if week.reminder_time else None,
        "timezone": week.timezone,
    }


async def get_runner(session: AsyncSession, chat_id: int) -> Runner | None:
    """The runner to change: tracked by the session, saved on flush."""
    return await session.get(Runner, chat_id)


async def read_runner(session: AsyncSession, chat_id: int) -> Runner | None:
    """The runner to read only: a snapshot the session does not track (adding it to the
    session fails), for the paths every update and reminder takes — "done", /today, a
    reminder — where loading a tracked object cost more than the query itself."""
    rows = await fetch_all(session, _RUNNER, {"chat_id": chat_id})
    return Runner.model_construct(**rows[0]._mapping) if rows else None


async def language_of(session: AsyncSession, chat_id: int) -> str | None:
    """The language stored for the runner; None when there is no runner row."""
    rows = await fetch_all(session, _LANGUAGE, {"chat_id": chat_id})
    return str(rows[0].language) if rows else None


_NON_ENGLISH = core_select(_runners.c.chat_id, _runners.c.language).where(
    _runners.c.language != "en"
)


async def non_english(session: AsyncSession, limit: int) -> list[tuple[int, str]]:
    """Every runner whose language is not English (chat id, code), up to ``limit`` + 1
    (more than ``limit``: too many to hold)."""
    rows = await fetch_all(session, _NON_ENGLISH.limit(limit + 1), {})
    return [(int(row.chat_id), str(row.language)) for row in rows]


async def set_language(session: AsyncSession, chat_id: int, code: str, *, now: datetime) -> bool:
    """Store the runner's language (one statement); False when there is no runner row."""
    rows = await fetch_all(session, _SET_LANGUAGE, {"chat": chat_id, "code": code, "now": now})
    return bool(rows)


async def save_week(
    session: AsyncSession,
    *,
    chat_id: int,
    first_name: str | None,
    week: RunnerWeek,
    next_reminder_utc: datetime | None,
    now: datetime,
) -> Runner:
    runner = await session.get(Runner, chat_id)
    if runner is None:
        runner = Runner(chat_id=chat_id, created_at=now)
    for key, value in week_columns(week).items():
        setattr(runner, key, value)
    runner.first_name = first_name or runner.first_name
    runner.onboarded = True
    runner.active = True
    runner.next_reminder_utc = next_reminder_utc
    runner.updated_at = now
    session.add(runner)
    await session.flush()
    # The plan from today on (the runner's day, in their timezone), in this transaction:
    # past weeks keep the plan they had (``plans``), whoever saves the week.
    day = now.astimezone(ZoneInfo(week.timezone)).date()
    await plans.record(session, chat_id, week_columns(week), day, now)
    return runner


async def set_state(
    session: AsyncSession, runner: Runner, *, now: datetime, **fields: Any
) -> Runner:
    for key, value in fields.items():
        setattr(runner, key, value)
    runner.updated_at = now
    session.add(runner)
    await session.flush()
    return runner


async def due_runners(session: AsyncSession, *, now: datetime, limit: int) -> list[Runner]:
    """Runners whose reminder instant has come, oldest first; locked rows are skipped.

    ``FOR UPDATE SKIP LOCKED`` lets several instances on PostgreSQL share the work
    without claiming the same runner; SQLite ignores it (one process per file).
    """
    return await _due_by(session, Runner.next_reminder_utc, now=now, limit=limit)


async def due_preview_runners(session: AsyncSession, *, now: datetime, limit: int) -> list[Runner]:
    """Runners whose weekly preview instant has come, as ``due_runners``."""
    return await _due_by(session, Runner.next_preview_utc, now=now, limit=limit)


async def _due_by(
    session: AsyncSession, instant: Any, *, now: datetime, limit: int
) -> list[Runner]:
    statement = (
        select(Runner)
        .where(col(instant) <= now)
        .where(col(Runner.active).is_(True))
        .where(col(Runner.paused).is_(False))
        .where(col(Runner.onboarded).is_(True))
        .order_by(col(instant))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list((await session.exec(statement)).all())


async def runners_without_preview_instant(
    session: AsyncSession, *, after_chat_id: int | None, limit: int
) -> list[Runner]:
    """Onboarded runners with a preview day but no ``next_preview_utc`` (those set up
    before the weekly preview existed), by chat id from ``after_chat_id`` on: paging by
    key, so a runner whose instant cannot be computed is passed over, not read forever."""
    statement = (
        select(Runner)
        .where(col(Runner.onboarded).is_(True))
        .where(col(Runner.preview_day).is_not(None))
        .where(col(Runner.next_preview_utc).is_(None))
    )
    if after_chat_id is not None:
        statement = statement.where(col(Runner.chat_id) > after_chat_id)
    statement = (
        statement.order_by(col(Runner.chat_id)).limit(limit).with_for_update(skip_locked=True)
    )
    return list((await session.exec(statement)).all())


def runner_rows(table: Table, chat_id: int) -> Any:
    """The condition selecting ``table``'s rows that belong to the runner of ``chat_id``."""
    if "chat_id" in table.c:
        return table.c.chat_id == chat_id
    if table is table_of(ConversationState):
        # PTB's key (chat id, user id) as JSON, "[4242, 4242]": any conversation the
        # chat had, whoever the user was. LIKE's wildcards are % and _, neither in it.
        return or_(
            table.c.key == conversation_key((chat_id,)),
            table.c.key.like(f"[{chat_id}, %"),
        )
    raise LookupError(
        f"table {table.name!r} has no chat_id column: say in runners.runner_rows how "
        "its rows refer to a runner, so /delete removes them (and /export holds them)"
    )


async def delete_runner(session: AsyncSession, chat_id: int) -> int:
    """Everything we hold about a runner, gone: their rows in every table of the
    metadata, so a table added later cannot be forgotten (a forgotten ``moves`` row once
    blocked the same day's move after the runner set up again). Returns how many rows
    were deleted: 0 when there was nothing (a second "Yes, delete")."""
    deleted = 0
    for table in reversed(SQLModel.metadata.sorted_tables):
        result = await session.exec(delete(table).where(runner_rows(table, chat_id)))
        deleted += max(result.rowcount, 0)
    return deleted


async def count_active(session: AsyncSession) -> int:
    """Runners who have not blocked the bot (``/metrics``: strength_coach_runners_active)."""
    statement = select(func.count()).select_from(Runner).where(col(Runner.active).is_(True))
    return int((await session.exec(statement)).one())


async def inactive_chat_ids(session: AsyncSession) -> set[int]:
    statement = select(Runner.chat_id).where(col(Runner.active).is_(False))
    return set((await session.exec(statement)).all())


def pause_state_of(runner: Runner, today: date) -> PauseState:
    """The runner's pause columns. An open pause from before pauses had dates started,
    at the latest, when the row last changed: the best guess of which days it covers."""
    first = runner.paused_from
    if runner.paused and first is None:
        changed = runner.updated_at
        first = changed.astimezone(ZoneInfo(runner.timezone)).date() if changed else today
        first = min(first, today)
    return PauseState(runner.paused, runner.pause_reason, first, runner.paused_until)


def stored_pause_state(runner: Runner) -> PauseState:
    return PauseState(runner.paused, runner.pause_reason, runner.paused_from, runner.paused_until)


async def set_pause(
    session: AsyncSession, runner: Runner, state: PauseState, *, now: datetime
) -> None:
    """Write the runner row's pause columns, and keep ``pause_periods`` in step in the
    same transaction (``pauses.record``): every pause stays known after it ends, so a
    past week stays paused in the streak and the chart whatever pause comes later."""
    before = stored_pause_state(runner)
    runner.paused = state.paused
    runner.pause_reason = state.reason
    runner.paused_from = state.first
    runner.paused_until = state.until
    if state != before:
        await pauses.record(session, runner.chat_id, before, state, now)
