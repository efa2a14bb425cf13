"""Reminder rows: one per (runner, local date, kind), the key that stops a second send.

Kinds: ``daily`` (the session reminder), ``snooze`` ("⏰ Later"), ``checkin`` (the optional
evening check-in). A row moves ready → sending → sent (or failed / blocked); ``missed``
and ``cancelled`` rows are never sent; ``scheduled`` rows wait for their ``due_utc``.

``retry``: an attempt failed for a reason that may pass (Telegram unreachable, 5xx, a
database fault before the send) and nothing was delivered. The row is sent again once
``RETRY_BACKOFF`` has passed since ``claimed_at`` (when the attempt ended), while the
catch-up rule still allows it; ``due_utc`` stays the instant it was due, which that rule
measures from. ``sending`` means the outcome of the last attempt is unknown: its sender
is at work, died, or saw a timeout (Telegram may have delivered it); after the lease
another sender takes it, as a possible duplicate.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, or_
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.store.common import insert_ignore, insert_ignore_many
from bot.store.models import Reminder, SessionLog

DAILY = "daily"
SNOOZE = "snooze"
CHECKIN = "checkin"
# The weekly preview (bot/jobs/preview.py): one per runner and local date it is sent on.
PREVIEW = "preview"
# Two snoozes of one day this close together are one double tap ("30 min" pressed twice
# before the keyboard changed), not a runner changing their mind.
SNOOZE_SAME_WITHIN = timedelta(minutes=1)

RETRY = "retry"
# How long a row in ``retry`` waits after its n-th attempt (the last for all later ones).
# The first wait reaches the next tick (REMINDER_TICK_SECONDS is 60 by default), so a
# fault that keeps coming back (a broken row) is not retried in a loop within one tick;
# the waits then double up to ten minutes, which is how late a reminder can come after
# Telegram is back: with a catch-up window of 6 hours that is about 40 attempts per
# reminder over the longest outage it may outlast, instead of one a minute.
RETRY_BACKOFF = (
    timedelta(seconds=30),
    timedelta(minutes=1),
    timedelta(minutes=2),
    timedelta(minutes=5),
    timedelta(minutes=10),
)


async def claim(
    session: AsyncSession,
    *,
    chat_id: int,
    day: date,
    focus: str,
    due: datetime,
    status: str = "ready",
    kind: str = DAILY,
) -> int | None:
    """Write the day's row of this kind; None if that day already has one (from anyone)."""
    inserted = await insert_ignore(
        session,
        Reminder,
        {
            "chat_id": chat_id,
            "local_date": day,
            "kind": kind,
            "focus": focus,
            "status": status,
            "due_utc": due,
            "attempts": 0,
        },
        ["chat_id", "local_date", "kind"],
    )
    if not inserted:
        return None
    statement = select(Reminder.id).where(
        col(Reminder.chat_id) == chat_id,
        col(Reminder.local_date) == day,
        col(Reminder.kind) == kind,
    )
    return (await session.exec(statement)).one()


async def schedule_snooze(
    session: AsyncSession,
    *,
    chat_id: int,
    day: date,
    focus: str,
    due: datetime,
    same_within: timedelta = SNOOZE_SAME_WITHIN,
) -> bool:
    """One snooze row per day; snoozing again moves it (unless it is being sent right now).

    False when nothing changed: a snooze due within ``same_within`` of this one is already
    scheduled — a double tap, both presses sent before the first answer reached the app —
    so the caller answers once, not twice.
    """
    if await claim(
        session, chat_id=chat_id, day=day, focus=focus, due=due, status="scheduled", kind=SNOOZE
    ):
        return True
    moved = await session.exec(  # type: ignore[call-overload]
        update(Reminder)
        .where(
            col(Reminder.chat_id) == chat_id,
            col(Reminder.local_date) == day,
            col(Reminder.kind) == SNOOZE,
            col(Reminder.status) != "sending",
            or_(
                col(Reminder.status) != "scheduled",
                col(Reminder.due_utc) < due - same_within,
                col(Reminder.due_utc) > due + same_within,
            ),
        )
        .values(status="scheduled", due_utc=due, focus=focus)
        .returning(col(Reminder.id))
        .execution_options(synchronize_session=False)
    )
    return moved.first() is not None


@dataclass(frozen=True)
class Taken:
    """A row this instance is now sending; ``retry`` if an earlier attempt may have gone
    out (the row was ``sending``: its outcome was unknown). ``attempts`` counts this one."""

    id: int
    chat_id: int
    day: date
    kind: str
    focus: str
    due: datetime
    retry: bool
    attempts: int = 1


def _retry_due(now: datetime) -> Any:
    """``retry`` rows whose wait after their latest attempt is over."""
    last = len(RETRY_BACKOFF)
    waits = [
        and_(col(Reminder.attempts) == n, col(Reminder.claimed_at) <= now - wait)
        for n, wait in enumerate(RETRY_BACKOFF[:-1], start=1)
    ]
    waits.append(
        and_(col(Reminder.attempts) >= last, col(Reminder.claimed_at) <= now - RETRY_BACKOFF[-1])
    )
    return and_(col(Reminder.status) == RETRY, or_(*waits))


def _lease_over(now: datetime, lease: timedelta, busy: Collection[int]) -> Any:
    """``sending`` rows nobody renewed for a lease, except this process's own ``busy``
    ones: a sender still writing down a delivered message's result keeps its row,
    however long the database makes it wait."""
    over = and_(col(Reminder.status) == "sending", col(Reminder.claimed_at) < now - lease)
    return and_(over, col(Reminder.id).not_in(list(busy))) if busy else over


def _sendable(now: datetime, lease: timedelta, busy: Collection[int]) -> Any:
    return or_(
        col(Reminder.status) == "ready",
        and_(col(Reminder.status) == "scheduled", col(Reminder.due_utc) <= now),
        _lease_over(now, lease, busy),
        _retry_due(now),
    )


async def take_sendable(
    session: AsyncSession,
    *,
    now: datetime,
    me: str,
    lease: timedelta,
    limit: int,
    busy: Collection[int] = (),
) -> list[Taken]:
    """Reserve up to ``limit`` rows to send now: ready ones, due snoozes and check-ins,
    rows whose sender vanished mid-send (its lease ran out, and it is not one of this
    process's ``busy`` rows), and rows to try again after a failure.

    ``SKIP LOCKED`` lets instances on PostgreSQL pick disjoint rows; the conditional
    UPDATE … RETURNING is what makes the reservation atomic everywhere (SQLite has no
    row locks): a row another sender took in the meantime no longer matches.
    """
    # One index range (status, due_utc) per kind of row instead of one OR over all of
    # them: the OR made SQLite sort every ready row for each reservation — quadratic in
    # a 10k fan-out. Due snoozes and check-ins first (they are few and meant for now),
    # then rows to try again and rows whose sender vanished (late already; one query
    # for both, each term its own index range, and usually empty: a query more per
    # reservation cost 1 statement per message in bench.fanout), then the day's ready
    # rows, oldest first.
    kinds = (
        and_(col(Reminder.status) == "scheduled", col(Reminder.due_utc) <= now),
        and_(
            # The IN lets SQLite read both statuses from the index; the OR alone scanned
            # the whole table (EXPLAIN QUERY PLAN).
            col(Reminder.status).in_((RETRY, "sending")),
            or_(_retry_due(now), _lease_over(now, lease, busy)),
        ),
        # The day's sessions before weekly previews, which can wait a few minutes.
        and_(col(Reminder.status) == "ready", col(Reminder.kind) != PREVIEW),
        col(Reminder.status) == "ready",
    )
    rows: list[Reminder] = []
    for kind in kinds:
        candidates = (
            select(Reminder)
            .where(kind)
            .order_by(col(Reminder.status), col(Reminder.due_utc))
            .limit(limit - len(rows))
            .with_for_update(skip_locked=True)
        )
        rows.extend((await session.exec(candidates)).all())
        if len(rows) >= limit:
            break
    taken = []
    for row in rows:
        assert row.id is not None and row.due_utc is not None
        was_sending = row.status == "sending"
        reserved = await session.exec(  # type: ignore[call-overload]
            update(Reminder)
            .where(col(Reminder.id) == row.id, _sendable(now, lease, busy))
            .values(
                status="sending",
                claimed_at=now,
                claimed_by=me,
                attempts=col(Reminder.attempts) + 1,
            )
            .returning(col(Reminder.id))
            .execution_options(synchronize_session=False)
        )
        if reserved.first() is None:
            continue
        taken.append(
            Taken(
                row.id,
                row.chat_id,
                row.local_date,
                row.kind,
                row.focus,
                row.due_utc,
                retry=was_sending,
                attempts=row.attempts + 1,
            )
        )
    return taken


# What ``renew`` found, right before a send.
RENEWED = "renewed"
LOGGED = "logged"  # the runner logged the day meanwhile: do not send
LOST = "lost"  # the row is no longer this sender's


def _no_log_for_the_day() -> Any:
    """No session is logged for the row's runner and day (previews are about next
    week: a log never stops one)."""
    logged = exists().where(
        col(SessionLog.chat_id) == col(Reminder.chat_id),
        col(SessionLog.local_date) == col(Reminder.local_date),
    )
    return or_(col(Reminder.kind) == PREVIEW, ~logged)


async def renew(session: AsyncSession, reminder_id: int, *, me: str, now: datetime) -> str:
    """Restart this sender's lease right before a send, in the same statement that checks
    the runner has not logged the day since the reminder was read: ``RENEWED``; else
    ``LOGGED``, or ``LOST`` if the row is no longer this sender's (it waited so long — a
    long 429 pause — that another sender took it over)."""
    result = await session.exec(  # type: ignore[call-overload]
        update(Reminder)
        .where(
            col(Reminder.id) == reminder_id,
            col(Reminder.claimed_by) == me,
            col(Reminder.status) == "sending",
            _no_log_for_the_day(),
        )
        .values(claimed_at=now)
        .returning(col(Reminder.id))
        .execution_options(synchronize_session=False)
    )
    if result.first() is not None:
        return RENEWED
    mine = select(Reminder.id).where(
        col(Reminder.id) == reminder_id,
        col(Reminder.claimed_by) == me,
        col(Reminder.status) == "sending",
    )
    return LOGGED if (await session.exec(mine)).first() is not None else LOST


async def finish(
    session: AsyncSession,
    reminder_id: int,
    *,
    status: str,
    now: datetime,
    message_id: int | None = None,
    me: str | None = None,
) -> bool:
    """Record a send's result; False if the row is no longer this sender's (lease lost).

    Idempotent for its sender: a write whose commit reached the database although its
    answer was lost (the connection died) finds its own result and is still True.
    A ``retry`` row keeps ``claimed_at`` = ``now``: its wait counts from here.
    """
    statement = update(Reminder).where(col(Reminder.id) == reminder_id)
    if me is not None:
        statement = statement.where(
            col(Reminder.claimed_by) == me, col(Reminder.status).in_(("sending", status))
        )
    values: dict[str, Any] = {"status": status}
    if status == RETRY:
        values["claimed_at"] = now
    else:
        values.update(sent_at=now, message_id=message_id)
    result = await session.exec(  # type: ignore[call-overload]
        statement.values(**values)
        .returning(col(Reminder.id))
        .execution_options(synchronize_session=False)
    )
    return result.first() is not None


async def reminded_dates(session: AsyncSession, chat_id: int, since: date) -> frozenset[date]:
    statement = select(Reminder.local_date).where(
        col(Reminder.chat_id) == chat_id,
        col(Reminder.local_date) >= since,
        col(Reminder.kind) == DAILY,
    )
    return frozenset((await session.exec(statement)).all())


async def reminded_dates_of(
    session: AsyncSession, chat_ids: list[int], since: date
) -> dict[int, set[date]]:
    """``reminded_dates`` for a batch of runners in one query (the reminder tick's plan)."""
    statement = select(Reminder.chat_id, Reminder.local_date).where(
        col(Reminder.chat_id).in_(chat_ids),
        col(Reminder.local_date) >= since,
        col(Reminder.kind) == DAILY,
    )
    found: dict[int, set[date]] = {}
    for chat_id, day in (await session.exec(statement)).all():
        found.setdefault(chat_id, set()).add(day)
    return found


async def add_rows(session: AsyncSession, rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Write many rows (keys as ``claim`` takes them) in one statement, skipping days that
    already have one; (status, kind) of each row written."""
    values = [
        {
            "chat_id": row["chat_id"],
            "local_date": row["day"],
            "kind": row.get("kind", DAILY),
            "focus": row["focus"],
            "status": row.get("status", "ready"),
            "due_utc": row["due"],
            "attempts": 0,
        }
        for row in rows
    ]
    written = await insert_ignore_many(
        session, Reminder, values, ["chat_id", "local_date", "kind"], ["status", "kind"]
    )
    return [(status, kind) for status, kind in written]


async def count_by_status(session: AsyncSession) -> dict[str, int]:
    from sqlmodel import func

    statement = select(Reminder.status, func.count()).group_by(col(Reminder.status))
    return {status: int(count) for status, count in (await session.exec(statement)).all()}
