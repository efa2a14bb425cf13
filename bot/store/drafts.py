"""Onboarding answers in progress, so a restart mid-conversation loses nothing; and
forgetting the ones abandoned long ago."""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete
from sqlalchemy import select as core_select
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.store.common import fetch_all, upsert
from bot.store.models import OnboardingDraft

# An onboarding (or /settings) nobody touched for this long is forgotten, the draft and
# the conversation's state with it: whoever comes back after a month starts afresh rather
# than half-way through questions they no longer remember.
ABANDONED_AFTER = timedelta(days=30)
# Drafts kept in memory. A draft is read again only while its runner is answering, a few
# seconds apart, so only the onboardings in progress at the same time benefit. A full
# draft's JSON is 355 characters, an entry with its bookkeeping 0.57 KB (tracemalloc;
# tests/test_records_memory.py keeps it under 0.8 KB): 4,096 entries hold at most 2.3 MB,
# where the unbounded dict kept every abandoned onboarding for the life of the process.
# Not smaller: with 256, bench.updates (1,000 runners, about 300 of them onboarding at
# once) missed often enough to cost 0.37 commits and statements more per onboarding
# answer (1.29 -> 1.66 commits; 4,096: 1.29 again). Worth keeping rather
# than dropping: a miss is a read by primary key in a transaction of its own, 0.21 ms on
# SQLite and 0.50 ms on PostgreSQL against 0.003 ms for a hit (2,000 reads each, this
# project's 2-core machine), while a whole update costs about 1.2-1.8 ms (bench.updates).
DRAFT_CACHE_SIZE = 4096

_drafts = OnboardingDraft.__table__  # type: ignore[attr-defined]
_DRAFT = core_select(_drafts.c.data, _drafts.c.updated_at).where(
    _drafts.c.chat_id == bindparam("chat_id")
)


@dataclass(frozen=True)
class StoredDraft:
    data: str  # the JSON stored
    updated_at: datetime | None


def is_abandoned(updated_at: datetime | None, now: datetime) -> bool:
    """Untouched for more than ``ABANDONED_AFTER`` (a draft from before the timestamps
    were kept counts as fresh: it is forgotten at its next write's age instead)."""
    return updated_at is not None and now - updated_at > ABANDONED_AFTER


class DraftCache:
    """The drafts being answered, by chat, as the JSON stored: one read less per answer.

    Least recently used first out, at most ``max_entries``; an entry older than
    ``ABANDONED_AFTER`` is a miss, so a draft forgotten in the database is not revived
    from memory. ``cache[chat] = json`` stamps the entry with the clock's now, the time the
    caller has just stored it at."""

    def __init__(self, now: Callable[[], datetime], max_entries: int = DRAFT_CACHE_SIZE) -> None:
        self._now = now
        self.max_entries = max_entries
        self._entries: OrderedDict[int, tuple[str, datetime]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, chat_id: object) -> bool:
        return chat_id in self._entries

    def get(self, chat_id: int) -> str | None:
        entry = self._entries.get(chat_id)
        if entry is None:
            return None
        if is_abandoned(entry[1], self._now()):
            del self._entries[chat_id]
            return None
        self._entries.move_to_end(chat_id)
        return entry[0]

    def put(self, chat_id: int, data: str, stored_at: datetime | None) -> None:
        self._entries[chat_id] = (data, stored_at or self._now())
        self._entries.move_to_end(chat_id)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def __setitem__(self, chat_id: int, data: str) -> None:
        self.put(chat_id, data, None)

    def pop(self, chat_id: int, default: str | None = None) -> str | None:
        entry = self._entries.pop(chat_id, None)
        return default if entry is None else entry[0]


async def read_draft(session: AsyncSession, chat_id: int) -> StoredDraft | None:
    """The stored draft and when it was last written."""
    rows = await fetch_all(session, _DRAFT, {"chat_id": chat_id})
    return StoredDraft(rows[0].data, rows[0].updated_at) if rows else None


async def load_draft(session: AsyncSession, chat_id: int) -> dict[str, Any]:
    draft = await session.get(OnboardingDraft, chat_id)
    return json.loads(draft.data) if draft else {}


async def save_draft(
    session: AsyncSession, chat_id: int, data: dict[str, Any], *, now: datetime
) -> str:
    """One statement per answer: onboarding saves after every question. Returns the JSON
    stored, which the handlers' cache keeps (decoding it is a cheap deep copy)."""
    text = json.dumps(data)
    await upsert(
        session,
        OnboardingDraft,
        {"chat_id": chat_id, "data": text, "updated_at": now},
        keys=["chat_id"],
        update=["data", "updated_at"],
    )
    return text


async def drop_draft(session: AsyncSession, chat_id: int) -> None:
    await session.exec(delete(OnboardingDraft).where(col(OnboardingDraft.chat_id) == chat_id))  # type: ignore[call-overload]


async def drop_abandoned(
    session: AsyncSession, *, now: datetime, chat_id: int | None = None
) -> list[int]:
    """Delete the drafts nobody touched for ``ABANDONED_AFTER`` (of one chat, or of all);
    the chats they belonged to. The age is checked by the delete itself, so a runner
    answering at this very moment keeps their draft."""
    statement = delete(_drafts).where(_drafts.c.updated_at < now - ABANDONED_AFTER)
    if chat_id is not None:
        statement = statement.where(_drafts.c.chat_id == chat_id)
    result = await session.exec(statement.returning(_drafts.c.chat_id))  # type: ignore[call-overload]
    return [row.chat_id for row in result.all()]
