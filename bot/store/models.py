"""The tables. Times are stored as naive UTC and handed back timezone-aware.

Everything that must survive a restart lives here: runners and their week, the log of
sessions, one reminder row per (runner, local date) as the dedup key, onboarding
drafts and conversation states (PTB's own persistence would keep them in a file,
which a Procfile host's ephemeral disk loses).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Enum,
    Index,
    MetaData,
    String,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import configure_mappers
from sqlmodel import Field, SQLModel

from bot.coach.parsing import clean_text


class UTCDateTime(TypeDecorator[datetime]):
    """SQLite has no timezones; store naive UTC everywhere and return aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class CleanText(TypeDecorator[str]):
    """Every text column: what is written passes through ``clean_text`` first.

    At the store boundary, so no caller has to remember; ``_clean_every_text_column``
    gives it to every string column of every table, a column added later included."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: object) -> Any:
        # str(): a status enum (``bot.coach.status``) reaches the driver as the plain
        # string it stands for, whatever the driver would make of an Enum.
        return clean_text(str(value)) if isinstance(value, str) else value


def is_text_type(type_: Any) -> bool:
    """Whether a column type stores free text (a string that is not an enum)."""
    while isinstance(type_, TypeDecorator) and not isinstance(type_, CleanText):
        type_ = type_.impl_instance
    return isinstance(type_, String) and not isinstance(type_, Enum)


def utc_column(*, index: bool = False, nullable: bool = True) -> Column[datetime]:
    return Column(UTCDateTime(), index=index, nullable=nullable)


class Runner(SQLModel, table=True):
    __tablename__ = "runners"

    chat_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    first_name: str | None = None
    onboarded: bool = False
    # The running week: weekdays as "0,2,5" (Mon=0).
    run_days: str = ""
    long_run_day: int | None = None
    hard_days: str = ""
    experience: str = "new"
    equipment: str = "none"
    pull_up_bar: bool = False
    sessions_per_week: int = 2
    reminder_time: str | None = None  # "HH:MM" local, None = no reminders
    timezone: str = "UTC"
    paused: bool = False
    active: bool = True  # False once Telegram says the runner blocked the bot
    race_date: date | None = None
    race_distance: str | None = None  # 5k | 10k | half | marathon | ultra (asked with the date)
    # How the runner reads and types weights: kg | lb (stored in kilograms either way).
    weight_unit: str = Field(default="kg", sa_column_kwargs={"server_default": "kg"})
    time_budget: int | None = None  # minutes a session may take; None = no limit
    checkin_enabled: bool = Field(
        default=False, sa_column_kwargs={"server_default": "0"}
    )  # one evening check-in when a planned session is unlogged
    next_reminder_utc: datetime | None = Field(default=None, sa_column=utc_column(index=True))
    # /pause: why, and which local days (paused_until None = until /resume).
    pause_reason: str | None = None
    paused_from: date | None = None
    paused_until: date | None = None
    swaps: str | None = None  # JSON {exercise id: chosen exercise id}, from "⇄ Swap"
    # The latest day any of the runner's moves touches (store/moves.py keeps it): the
    # calendar reads the moves table only when a move can reach the days it looks at.
    last_move_day: date | None = None
    # Weeks unlike the usual one ("long run on Sunday this week"), as JSON
    # {Monday ISO date: {"run_days", "long_run_day", "hard_days", "from"}}; recent weeks
    # only (store/week_changes.py keeps it). On the runner row, which every reader of the
    # calendar has in hand already, so no reader needs a statement more to see them.
    week_changes: str | None = None
    # The language the coach speaks to the runner (a content/languages/ folder's code):
    # /start takes it from Telegram's language_code, /language changes it.
    language: str = Field(default="en", sa_column_kwargs={"server_default": "en"})
    preview_day: int | None = Field(default=6, sa_column_kwargs={"server_default": "6"})
    preview_time: str = Field(default="18:00", sa_column_kwargs={"server_default": "18:00"})
    next_preview_utc: datetime | None = Field(default=None, sa_column=utc_column(index=True))
    created_at: datetime | None = Field(default=None, sa_column=utc_column())
    updated_at: datetime | None = Field(default=None, sa_column=utc_column())


class Move(SQLModel, table=True):
    """A planned session the runner moved to another day ("⏭ Skip" → "Move it")."""

    __tablename__ = "moves"
    __table_args__ = (UniqueConstraint("chat_id", "from_date", name="uq_move_runner_day"),)

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    from_date: date
    to_date: date
    focus: str
    created_at: datetime | None = Field(default=None, sa_column=utc_column())


class SessionLog(SQLModel, table=True):
    __tablename__ = "session_logs"
    __table_args__ = (UniqueConstraint("chat_id", "local_date", name="uq_log_runner_day"),)

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    local_date: date
    focus: str
    status: str  # a LogStatus: done | skipped | moved (the session went to another day)
    planned: bool = True
    note: str | None = None
    reason: str | None = None  # why skipped: a SkipReason (busy | tired | sore | ill | travel)
    feedback: str | None = None  # easy | right | hard | too_hard
    sore: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    # The weights the runner said they used, JSON {exercise id: kilograms}; None = none told.
    loads: str | None = None
    created_at: datetime | None = Field(default=None, sa_column=utc_column())


class PausePeriod(SQLModel, table=True):
    """Every pause the runner took, kept after it ends: the runner row holds only the
    current one (``runners.paused_from``/``paused_until``), and a streak or a chart of past
    weeks must know which of them were paused (a paused week never breaks a streak).
    ``last_day`` None: the pause is still open. One row per pause, keyed by its first day."""

    __tablename__ = "pause_periods"
    __table_args__ = (UniqueConstraint("chat_id", "first_day", name="uq_pause_runner_first"),)

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    first_day: date
    last_day: date | None = None
    reason: str | None = None  # a bot.coach.pause Reason, as the runner row stores it
    created_at: datetime | None = Field(default=None, sa_column=utc_column())


class PlanPeriod(SQLModel, table=True):
    """The runner's week as it was from ``first_day`` on (until the next row's first day):
    the runner row holds only today's, and a past week is judged by the plan it had
    (issue 15, point 1: a week counts when the runner did what their plan asked that
    week), so going from 2 to 3 sessions a week never re-judges the weeks already done.
    Written by ``runners.save_week`` in the same transaction as the row's columns."""

    __tablename__ = "plan_periods"
    __table_args__ = (UniqueConstraint("chat_id", "first_day", name="uq_plan_runner_first"),)

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    first_day: date
    run_days: str = ""  # as runners.run_days: "1,3,6"
    long_run_day: int | None = None
    hard_days: str = ""
    sessions_per_week: int = 2
    experience: str = "new"
    equipment: str = "none"
    pull_up_bar: bool = False
    created_at: datetime | None = Field(default=None, sa_column=utc_column())


class Milestone(SQLModel, table=True):
    """A milestone celebrated in a reply ("your 10th session"): written in the transaction
    of the reply that celebrates it, so the unique key makes a second celebration of the
    same milestone impossible, across restarts, double taps and instances."""

    __tablename__ = "milestones"
    __table_args__ = (UniqueConstraint("chat_id", "key", name="uq_milestone_runner_key"),)

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    key: str  # which milestone: bot.coach.milestones spells the keys
    local_date: date  # the runner's day it was reached on
    celebrated_at: datetime | None = Field(default=None, sa_column=utc_column())


class Reminder(SQLModel, table=True):
    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("chat_id", "local_date", "kind", name="uq_reminder_runner_day"),
        Index("ix_reminders_status_due", "status", "due_utc"),
    )

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    local_date: date
    kind: str = "daily"
    focus: str
    # A ReminderStatus: ready → sending → sent | failed | blocked; or missed / cancelled
    # without sending; retry: deferred to a later tick; scheduled: a snooze or check-in
    # waiting for due_utc.
    status: str
    due_utc: datetime | None = Field(default=None, sa_column=utc_column())
    sent_at: datetime | None = Field(default=None, sa_column=utc_column())
    message_id: int | None = None
    claimed_at: datetime | None = Field(default=None, sa_column=utc_column())
    claimed_by: str | None = None
    attempts: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class OnboardingDraft(SQLModel, table=True):
    __tablename__ = "onboarding_drafts"

    chat_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    data: str = "{}"  # JSON of the answers so far
    updated_at: datetime | None = Field(default=None, sa_column=utc_column())


class ConversationState(SQLModel, table=True):
    __tablename__ = "conversation_states"

    name: str = Field(primary_key=True)
    key: str = Field(primary_key=True)  # JSON of PTB's conversation key tuple
    state: str  # JSON of the state


def _clean_every_text_column(metadata: MetaData) -> None:
    """Give every string column the cleaning type, keeping its length: done once here,
    before any statement is built, so a column added to a model later is covered
    without anyone remembering (tests/test_records_text.py walks the columns)."""
    for table in metadata.tables.values():
        for column in table.columns:
            if is_text_type(column.type) and not isinstance(column.type, CleanText):
                column.type = CleanText(length=getattr(column.type, "length", None))


_clean_every_text_column(SQLModel.metadata)

# Mapped now, not at the first ORM query: a read-only snapshot (``runners.read_runner``)
# can be the first Runner a process touches, and its attributes only read once mapped.
configure_mappers()
