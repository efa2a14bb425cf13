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
from functools import cache
from typing import Any

from sqlalchemy import Executable, and_, bindparam, func, literal_column, or_
from sqlalchemy import select as core_select
from sqlalchemy import update as core_update
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.coach.status import ReminderStatus
from bot.store.common import dialect_of, fetch_all, insert_ignore, insert_ignore_many, table_of
from bot.store.models import Reminder, Runner, SessionLog
from bot.store.snapshots import LOG_COLUMNS, LoggedDay, logged_days

DAILY = "daily"
SNOOZE = "snooze"
CHECKIN = "checkin"
# The weekly preview (bot/jobs/preview.py): one per runner and local date it is sent on.
PREVIEW = "preview"
# Two snoozes of one day this close together are one double tap ("30 min" pressed twice
# before the keyboard changed), not a runner changing their mind.
SNOOZE_SAME_WITHIN = timedelta(minutes=1)

RETRY = ReminderStatus.RETRY
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
    status: str = ReminderStatus.READY,
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
        session,
        chat_id=chat_id,
        day=day,
        focus=focus,
        due=due,
        status=ReminderStatus.SCHEDULED,
        kind=SNOOZE,
    ):
        return True
    moved = await session.exec(
        update(Reminder)
        .where(
            col(Reminder.chat_id) == chat_id,
            col(Reminder.local_date) == day,
            col(Reminder.kind) == SNOOZE,
            col(Reminder.status) != ReminderStatus.SENDING,
            or_(
                col(Reminder.status) != ReminderStatus.SCHEDULED,
                col(Reminder.due_utc) < due - same_within,
                col(Reminder.due_utc) > due + same_within,
            ),
        )
        .values(status=ReminderStatus.SCHEDULED, due_utc=due, focus=focus)
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
    # When this instance's lease on it began (the reservation, or the latest ``renew``).
    leased_at: datetime | None = None


# What ``renew`` and ``check`` found, right before a send.
RENEWED = "renewed"
LOGGED = "logged"  # the runner logged the day meanwhile: do not send
LOST = "lost"  # the row is no longer this sender's


@cache
def _renew_statement() -> Executable:
    logged = (
        core_select(_logs.c.id)
        .where(
            _logs.c.chat_id == _OUTER_CHAT_ID,
            _logs.c.local_date == _OUTER_LOCAL_DATE,
        )
        .exists()
    )
    return (
        core_update(_reminders)
        .where(
            _reminders.c.id == bindparam("reminder_id"),
            _reminders.c.claimed_by == bindparam("me"),
            _reminders.c.status == ReminderStatus.SENDING,
            or_(_reminders.c.kind == PREVIEW, ~logged),
        )
        .values(claimed_at=bindparam("now"))
        .returning(_reminders.c.id)
    )


async def renew(session: AsyncSession, reminder_id: int, *, me: str, now: datetime) -> str:
    """Restart this sender's lease right before a send, in the same statement that checks
    the runner has not logged the day since the reminder was read: ``RENEWED``; else
    ``LOGGED``, or ``LOST`` if the row is no longer this sender's (it waited so long — a
    long 429 pause — that another sender took it over)."""
    params = {"reminder_id": reminder_id, "me": me, "now": now}
    if await fetch_all(session, _renew_statement(), params):
        return RENEWED
    mine = select(Reminder.id).where(
        col(Reminder.id) == reminder_id,
        col(Reminder.claimed_by) == me,
        col(Reminder.status) == ReminderStatus.SENDING,
    )
    return LOGGED if (await session.exec(mine)).first() is not None else LOST


@cache
def _check_statement() -> Executable:
    logged = (
        core_select(_logs.c.id)
        .where(
            _logs.c.chat_id == _reminders.c.chat_id,
            _logs.c.local_date == _reminders.c.local_date,
            _reminders.c.kind != PREVIEW,
        )
        .exists()
    )
    return core_select(logged.label("logged")).where(
        _reminders.c.id == bindparam("reminder_id"),
        _reminders.c.claimed_by == bindparam("me"),
        _reminders.c.status == ReminderStatus.SENDING,
    )


async def check(session: AsyncSession, reminder_id: int, *, me: str) -> str:
    """``renew`` without restarting the lease, in one read: for a sender whose lease has
    long enough to run (no other instance can take the row over meanwhile), so the check
    right before a send writes nothing and needs no commit. ``RENEWED`` (still this
    sender's, the day not logged), ``LOGGED`` or ``LOST``."""
    rows = await fetch_all(session, _check_statement(), {"reminder_id": reminder_id, "me": me})
    if not rows:
        return LOST
    return LOGGED if rows[0].logged else RENEWED


@cache
def _finish_statement(retry: bool) -> Executable:
    values: dict[str, Any] = {"status": bindparam("status")}
    if retry:
        values["claimed_at"] = bindparam("now")
    else:
        values.update(sent_at=bindparam("now"), message_id=bindparam("message_id"))
    return (
        core_update(_reminders)
        .where(
            _reminders.c.id == bindparam("reminder_id"),
            _reminders.c.claimed_by == bindparam("me"),
            _reminders.c.status.in_((ReminderStatus.SENDING, bindparam("status"))),
        )
        .values(values)
        .returning(_reminders.c.id)
    )


async def finish(
    session: AsyncSession,
    reminder_id: int,
    *,
    status: str,
    now: datetime,
    me: str,
    message_id: int | None = None,
) -> bool:
    """Record a send's result; False if the row is no longer this sender's (lease lost).

    Idempotent for its sender: a write whose commit reached the database although its
    answer was lost (the connection died) finds its own result and is still True.
    A ``retry`` row keeps ``claimed_at`` = ``now``: its wait counts from here.
    """
    params = {
        "reminder_id": reminder_id,
        "me": me,
        "status": status,
        "now": now,
        "message_id": message_id,
    }
    return bool(await fetch_all(session, _finish_statement(status == RETRY), params))


# The kinds that mark a day as reminded: its session reminder, or the evening check-in of
# a runner with no reminder time (planned alone; for others it is planned with the first).
REMINDED_KINDS = (DAILY, CHECKIN)


async def reminded_dates(session: AsyncSession, chat_id: int, since: date) -> frozenset[date]:
    statement = select(col(Reminder.local_date)).where(
        col(Reminder.chat_id) == chat_id,
        col(Reminder.local_date) >= since,
        col(Reminder.kind).in_(REMINDED_KINDS),
    )
    return frozenset((await session.exec(statement)).all())


async def reminded_dates_of(
    session: AsyncSession, chat_ids: list[int], since: date
) -> dict[int, set[date]]:
    """``reminded_dates`` for a batch of runners in one query (the reminder tick's plan)."""
    statement = select(col(Reminder.chat_id), col(Reminder.local_date)).where(
        col(Reminder.chat_id).in_(chat_ids),
        col(Reminder.local_date) >= since,
        col(Reminder.kind).in_(REMINDED_KINDS),
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
            "status": row.get("status", ReminderStatus.READY),
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


# ---- the send path: reserve with what the message needs, confirm, record -------------------
#
# Three statements per reminder, in two transactions (bench/fanout.py counts them):
# ``exchange`` records the previous row's result and reserves the next row in one
# transaction — the reservation's RETURNING carries the runner and their log, so the
# message is rendered without reading them again — and ``renew`` confirms the row right
# before its send. The statements are built once per dialect with bound parameters:
# building a SQLAlchemy expression per call cost more CPU than the database's work.

_reminders = table_of(Reminder)
_runners = table_of(Runner)
_logs = table_of(SessionLog)
_RUNNER_PREFIX = "runner_"
_LOGS_LABEL = "logs_json"
# The row being updated, as subqueries of its UPDATE see it: SQLAlchemy writes the
# UPDATE's own columns unqualified on SQLite, where a subquery would read its own table's.
_OUTER_CHAT_ID: Any = literal_column("reminders.chat_id")
_OUTER_LOCAL_DATE: Any = literal_column("reminders.local_date")
# The log read with a reservation covers the days a message can be about: back
# HISTORY_WEEKS (26, services/history.py) from a row's day, for rows up to LOG_SLACK old.
LOG_WEEKS = 26
LOG_SLACK = timedelta(days=35)


@dataclass(frozen=True)
class Reserved:
    """A reserved row with what its message needs, as the reservation read it: the
    runner (None if they are gone) and their log from ``log_first`` (``LoggedDay`` as
    ``snapshots.runner_with_logs`` gives them, oldest first)."""

    item: Taken
    runner: Runner | None
    logs: list[LoggedDay]
    log_first: date


def _retry_due_bound() -> Any:
    """``retry`` rows whose wait is over, the cut-offs bound as ``retry_1`` … ``retry_5``
    (``now`` minus each wait)."""
    last = len(RETRY_BACKOFF)
    waits = [
        and_(_reminders.c.attempts == n, _reminders.c.claimed_at <= bindparam(f"retry_{n}"))
        for n in range(1, last)
    ]
    waits.append(
        and_(_reminders.c.attempts >= last, _reminders.c.claimed_at <= bindparam(f"retry_{last}"))
    )
    return and_(_reminders.c.status == RETRY, or_(*waits))


def _lease_over_bound() -> Any:
    """``sending`` rows nobody renewed since ``lease_start``, except this process's own
    ``busy`` ones (see ``_lease_over``)."""
    return and_(
        _reminders.c.status == ReminderStatus.SENDING,
        _reminders.c.claimed_at < bindparam("lease_start"),
        _reminders.c.id.not_in(bindparam("busy", expanding=True)),
    )


def _first_of(where: Any) -> Any:
    """The id of the first row (by status, due) matching ``where``, locked for us; one
    range of the (status, due_utc) index."""
    return (
        core_select(_reminders.c.id)
        .where(where)
        .order_by(_reminders.c.status, _reminders.c.due_utc)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )


def _logs_json(dialect: str) -> Any:
    """The row's runner's log from ``log_first`` to ``log_last`` as one JSON array (in no
    particular order: sorted when read)."""
    columns = [_logs.c[name] for name in LOG_COLUMNS]
    aggregate: Any
    window = and_(
        _logs.c.chat_id == _OUTER_CHAT_ID,
        _logs.c.local_date >= bindparam("log_first"),
        _logs.c.local_date <= bindparam("log_last"),
    )
    if dialect == "postgresql":
        aggregate = func.coalesce(
            func.json_agg(func.json_build_array(*columns)), func.json_build_array()
        )
    else:
        aggregate = func.json_group_array(func.json_array(*columns))
    return core_select(aggregate).where(window).scalar_subquery()


@cache
def _reserve_statement(dialect: str, overdue: bool) -> Executable:
    """Reserve one row and return it with its runner and log, in one statement.

    Which row: due snoozes and check-ins first, then rows to try again, then the day's
    sessions, then weekly previews — each its own index range, the first non-empty one
    wins (COALESCE stops at it). ``overdue``: rows whose sender vanished (their lease ran
    out) instead; those are rare and looked for apart (``send_due_reminders``), so that
    the common reservation needs no second statement to tell the two apart.
    """
    target: Any
    if overdue:
        target = _first_of(_lease_over_bound())
        still = _lease_over_bound()
    else:
        target = func.coalesce(
            _first_of(
                and_(
                    _reminders.c.status == ReminderStatus.SCHEDULED,
                    _reminders.c.due_utc <= bindparam("now"),
                )
            ),
            _first_of(_retry_due_bound()),
            _first_of(
                and_(_reminders.c.status == ReminderStatus.READY, _reminders.c.kind != PREVIEW)
            ),
            _first_of(_reminders.c.status == ReminderStatus.READY),
        )
        still = _reminders.c.status.in_((ReminderStatus.READY, ReminderStatus.SCHEDULED, RETRY))
    runner = [
        core_select(column)
        .where(_runners.c.chat_id == _OUTER_CHAT_ID)
        .scalar_subquery()
        .label(_RUNNER_PREFIX + column.name)
        for column in _runners.c
    ]
    return (
        core_update(_reminders)
        .where(_reminders.c.id == target, still)
        .values(
            status=ReminderStatus.SENDING,
            claimed_at=bindparam("now"),
            claimed_by=bindparam("me"),
            attempts=_reminders.c.attempts + 1,
        )
        .returning(
            _reminders.c.id,
            _reminders.c.chat_id,
            _reminders.c.local_date,
            _reminders.c.kind,
            _reminders.c.focus,
            _reminders.c.due_utc,
            _reminders.c.attempts,
            *runner,
            _logs_json(dialect).label(_LOGS_LABEL),
        )
    )


async def reserve(
    session: AsyncSession,
    *,
    now: datetime,
    me: str,
    lease: timedelta,
    overdue: bool = False,
    busy: Collection[int] = (),
) -> Reserved | None:
    """Reserve the next row to send (``take_sendable`` with a limit of one) and read what
    its message needs with it; None if there is none. ``overdue``: only rows whose sender
    vanished mid-send, as possible duplicates (``Taken.retry``)."""
    log_first = now.date() - timedelta(weeks=LOG_WEEKS) - LOG_SLACK
    params: dict[str, Any] = {
        "now": now,
        "me": me,
        "lease_start": now - lease,
        "busy": list(busy),
        "log_first": log_first,
        "log_last": now.date() + timedelta(days=2),  # every zone's today, and then some
    }
    params.update({f"retry_{n}": now - wait for n, wait in enumerate(RETRY_BACKOFF, start=1)})
    rows = await fetch_all(session, _reserve_statement(dialect_of(session), overdue), params)
    if not rows:
        return None
    values = dict(rows[0]._mapping)
    item = Taken(
        values.pop("id"),
        values.pop("chat_id"),
        values.pop("local_date"),
        values.pop("kind"),
        values.pop("focus"),
        values.pop("due_utc"),
        retry=overdue,
        attempts=values.pop("attempts"),
        leased_at=now,
    )
    logged = values.pop(_LOGS_LABEL)
    logs = sorted(logged_days(logged), key=lambda day: day.local_date)
    fields = {name.removeprefix(_RUNNER_PREFIX): value for name, value in values.items()}
    runner = Runner.model_construct(**fields) if fields["chat_id"] is not None else None
    return Reserved(item, runner, logs, log_first)
