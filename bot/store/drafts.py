"""Onboarding and /settings in progress: the one record of where a runner is in the
conversation (``Draft.step``) and what they answered so far, so a restart (or another
process) mid-conversation loses nothing; and forgetting the ones abandoned long ago.

A draft row is read and written whole, as JSON; ``Draft`` is its typed form. Old rows
(written as a plain dict by earlier versions) read the same: every key is optional, and
keys this version does not know are kept and written back.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import bindparam, delete, update
from sqlalchemy import select as core_select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.coach import answers as A
from bot.store.common import fetch_all, table_of, upsert
from bot.store.models import OnboardingDraft

# An onboarding (or /settings) nobody touched for this long is forgotten, and with its
# draft the conversation: whoever comes back after a month starts afresh rather
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
# Chats known to have no draft, kept apart (a chat id in a set, 96 bytes by tracemalloc;
# tests/test_records_memory.py keeps it under 100): every private message first asks
# whether a conversation is open, and without this a "done" from a runner outside the
# 4,096 paid a read by primary key in a transaction of its own (bench.updates: "done"
# 2.13 -> 2.52 statements and 1.00 -> 1.39 commits per update, a miss for each runner's
# first message). Needed only once the cache no longer holds every draft (``fill``).
# Two generations of this many: up to 32,768 chats, at most 3.1 MB.
ABSENT_CACHE_SIZE = 16_384

_drafts = table_of(OnboardingDraft)
_DRAFT = core_select(_drafts.c.data, _drafts.c.updated_at).where(
    _drafts.c.chat_id == bindparam("chat_id")
)
_ALL = core_select(_drafts.c.chat_id, _drafts.c.data, _drafts.c.updated_at)
_DROP = delete(_drafts).where(_drafts.c.chat_id == bindparam("chat_id"))
# A draft holding nothing but the language a runner chose before their row exists
# (``Draft(answers={"language": code})``, written by /language and kept by /cancel) is a
# stored choice, not a conversation: the sweep leaves it, as it leaves runner rows.
# Matched on the JSON ``Draft.to_json`` writes for it (no comma: no other key).
LANGUAGE_ONLY = '{"answers": {"language": "%"}}'
_OLD = _drafts.c.updated_at < bindparam("before", type_=_drafts.c.updated_at.type)
_CONVERSATION = ~(_drafts.c.data.like(LANGUAGE_ONLY) & ~_drafts.c.data.like("%,%"))
_OF_CHAT = _drafts.c.chat_id == bindparam("chat_id")
_ABANDONED = core_select(_drafts.c.chat_id, _drafts.c.data).where(_OLD, _CONVERSATION)
_DROP_ABANDONED = delete(_drafts).where(_OLD, _CONVERSATION).returning(_drafts.c.chat_id)
# The age is checked again by each statement: a runner answering meanwhile keeps all.
_KEEP_CHOICE = (
    update(_drafts)
    .where(_OLD, _CONVERSATION, _drafts.c.chat_id == bindparam("chat"))
    .values(data=bindparam("data"), updated_at=bindparam("now", type_=_drafts.c.updated_at.type))
    .returning(_drafts.c.chat_id)
)


class Mode(StrEnum):
    """Which conversation a draft belongs to."""

    ONBOARDING = "onboarding"  # /start: every question, then the summary
    SETTINGS = "settings"  # /settings: the change menu, then one answer's chain
    RESTART = "restart"  # /start when set up: "Keep it" or "Start over"


@dataclass
class Draft:
    """A runner's conversation in progress, as stored in ``onboarding_drafts.data``.

    ``step`` is where the runner is: the question (an answers key, ``bot.coach.answers``)
    or screen (confirm, change_menu, already_set_up) whose answer the bot waits for.
    Nothing else records it: the handlers route a chat's messages by it. ``listening``
    is False when the conversation was left without being given up (/delete): its
    messages are then treated as if none were open, and /start asks its question again.
    """

    mode: Mode | None = None
    step: str | None = None
    # Questions still to ask after ``step`` (those that no longer apply are skipped).
    queue: list[str] = field(default_factory=list)
    # The answers so far, in the coach's format (``bot.coach.answers``).
    answers: dict[str, Any] = field(default_factory=dict)
    # The message whose button led to ``step``: a second tap on it is known for a double tap.
    pressed: int | None = None
    chain: str | None = None  # /settings: the settings-only chain being answered
    checkin: bool | None = None  # /settings: whether the evening check-in is on
    pending_note: str | None = None  # a "done" note waiting for its focus (handlers/today)
    listening: bool = True
    # The language in ``answers`` was chosen with /language before the runner row
    # existed (not Telegram's code's): the sweep keeps it when it forgets the rest.
    language_chosen: bool = False
    # Keys a later version wrote that this one does not know: kept as they were.
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def open(self) -> bool:
        """Whether the chat's messages go to this conversation."""
        return self.step is not None and self.listening

    @property
    def language_only(self) -> bool:
        """Nothing but a chosen language (``LANGUAGE_ONLY``): no conversation."""
        return (
            self.mode is None
            and self.step is None
            and list(self.answers) == [A.LANGUAGE]
            and not self.extra
        )

    @property
    def holds_a_choice(self) -> bool:
        """Whether the language in ``answers`` was the runner's own choice."""
        return bool(self.answers.get(A.LANGUAGE)) and (self.language_chosen or self.language_only)

    @classmethod
    def from_json(cls, text: str) -> Draft:
        data: dict[str, Any] = json.loads(text)
        mode = data.pop("mode", None)
        return cls(
            mode=Mode(mode) if mode is not None else None,
            step=data.pop("step", None),
            queue=list(data.pop("queue", None) or []),
            answers=dict(data.pop("answers", None) or {}),
            pressed=data.pop("pressed", None),
            chain=data.pop("chain", None),
            checkin=data.pop("checkin", None),
            pending_note=data.pop("pending_note", None),
            listening=not data.pop("closed", False),
            language_chosen=bool(data.pop("language_chosen", False)),
            extra=data,
        )

    def to_json(self) -> str:
        """The keys earlier versions wrote, under the same names; unset ones (None, an
        empty queue) left out, which those versions read the same."""
        data: dict[str, Any] = {}
        if self.mode is not None:
            data["mode"] = self.mode.value
        if self.queue:
            data["queue"] = self.queue
        if self.mode is not None or self.answers:
            data["answers"] = self.answers
        optional = {
            "step": self.step,
            "pressed": self.pressed,
            "chain": self.chain,
            "checkin": self.checkin,
            "pending_note": self.pending_note,
        }
        data.update((key, value) for key, value in optional.items() if value is not None)
        if not self.listening:
            data["closed"] = True
        if self.language_chosen and not self.language_only:
            data["language_chosen"] = True  # a language-only draft is a choice already
        data.update(self.extra)
        return json.dumps(data)


NO_DRAFT = "{}"  # what the cache holds for a chat without a draft


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

    Write-through: every write of a draft (or its deletion) goes to the database in the
    caller's transaction and then here, so this process never reads a draft older than
    its own last write. It also remembers "no draft" ("{}"), so a message from a runner
    with no conversation open costs no read. Least recently used first out, at most
    ``max_entries``; an entry older than ``ABANDONED_AFTER`` is a miss, so a draft
    forgotten in the database is not revived from memory. ``cache[chat] = json`` stamps
    the entry with the clock's now, the time the caller has just stored it at.

    Filled at start with every stored draft (``fill``; the sweep keeps them few), a
    chat it does not hold has no draft: a runner's first message after a start costs no
    read either. Every deletion of a draft in this process is followed by ``pop``, every
    write by a put.

    "No draft" is remembered apart and more widely (``ABSENT_CACHE_SIZE``): in two
    generations of at most ``max_absent`` chat ids each; when the newer is full it
    becomes the older, and the older is forgotten.

    A second process answering the same chats would not see this process's entries: it
    reads the database, which always holds the latest answer; but each process's own
    entry for a chat the other one has since answered is stale (a step lost or asked
    twice), and so is its "no draft" for a chat that has opened one there. One process
    polls per database; webhook instances on PostgreSQL answer any chat, so there the
    cache is built with ``max_entries=0``: nothing held, nothing remembered as absent,
    ``fill`` a no-op, every read from the database (``bot.deps.shares_chats``;
    ``tests/test_webhook_instances.py`` alternates a runner's answers between two
    processes)."""

    def __init__(
        self,
        now: Callable[[], datetime],
        max_entries: int = DRAFT_CACHE_SIZE,
        max_absent: int = ABSENT_CACHE_SIZE,
    ) -> None:
        self._now = now
        self.max_entries = max_entries
        self.max_absent = max_absent
        self._entries: OrderedDict[int, tuple[str, datetime]] = OrderedDict()
        self._absent: set[int] = set()  # the newer generation
        self._absent_before: set[int] = set()  # the older
        # Every draft in the database is held (``fill``): a chat not held has none.
        self._complete = False

    def __len__(self) -> int:
        """Drafts held (chats known to have none are not counted)."""
        return len(self._entries)

    def __contains__(self, chat_id: object) -> bool:
        return chat_id in self._entries or chat_id in self._absent or chat_id in self._absent_before

    def absent_held(self) -> int:
        """How many chats are remembered as having no draft."""
        return len(self._absent) + len(self._absent_before)

    def _note_absent(self, chat_id: int) -> None:
        if len(self._absent) >= self.max_absent:
            self._absent_before, self._absent = self._absent, set()
        self._absent.add(chat_id)

    def get(self, chat_id: int) -> str | None:
        if chat_id in self._absent:
            return NO_DRAFT
        if chat_id in self._absent_before:
            self._absent_before.discard(chat_id)
            self._note_absent(chat_id)
            return NO_DRAFT
        entry = self._entries.get(chat_id)
        if entry is None:
            return NO_DRAFT if self._complete else None
        if is_abandoned(entry[1], self._now()):
            del self._entries[chat_id]
            return None
        self._entries.move_to_end(chat_id)
        return entry[0]

    def put(self, chat_id: int, data: str, stored_at: datetime | None) -> None:
        if self.max_entries <= 0:
            return
        if data == NO_DRAFT:
            self._entries.pop(chat_id, None)
            if self.max_absent > 0:
                self._note_absent(chat_id)
            return
        self._absent.discard(chat_id)
        self._absent_before.discard(chat_id)
        self._entries[chat_id] = (data, stored_at or self._now())
        self._entries.move_to_end(chat_id)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
            self._complete = False  # a chat not held may have a draft from now on

    def fill(self, stored: Sequence[tuple[int, StoredDraft]]) -> bool:
        """At start, every draft in the database (``read_all``): from then on a chat this
        cache does not hold has no draft, and asking costs no read, until more drafts
        are open at once than it holds. Whether that is so (more than ``max_entries``
        stored: the cache stays a plain one)."""
        if self.max_entries <= 0 or len(stored) > self.max_entries:
            return False
        for chat_id, draft in stored:
            self.put(chat_id, draft.data, draft.updated_at)
        self._complete = True
        return True

    def __setitem__(self, chat_id: int, data: str) -> None:
        self.put(chat_id, data, None)

    def pop(self, chat_id: int, default: str | None = None) -> str | None:
        self._absent.discard(chat_id)
        self._absent_before.discard(chat_id)
        entry = self._entries.pop(chat_id, None)
        return default if entry is None else entry[0]


async def read_draft(session: AsyncSession, chat_id: int) -> StoredDraft | None:
    """The stored draft and when it was last written."""
    rows = await fetch_all(session, _DRAFT, {"chat_id": chat_id})
    return StoredDraft(rows[0].data, rows[0].updated_at) if rows else None


async def read_all(session: AsyncSession, limit: int) -> list[tuple[int, StoredDraft]]:
    """Every stored draft by chat, up to ``limit`` + 1 (more than ``limit``: too many)."""
    rows = await fetch_all(session, _ALL.limit(limit + 1), {})
    return [(row.chat_id, StoredDraft(row.data, row.updated_at)) for row in rows]


async def load(session: AsyncSession, chat_id: int) -> Draft | None:
    """The stored draft, typed; None if there is none."""
    stored = await read_draft(session, chat_id)
    return Draft.from_json(stored.data) if stored is not None else None


async def save(session: AsyncSession, chat_id: int, draft: Draft, *, now: datetime) -> str:
    """Store the draft (one statement); the JSON stored, for the cache."""
    return await _write(session, chat_id, draft.to_json(), now=now)


async def load_draft(session: AsyncSession, chat_id: int) -> dict[str, Any]:
    """The stored draft as the plain dict of its JSON ({} if none)."""
    stored = await read_draft(session, chat_id)
    return json.loads(stored.data) if stored is not None else {}


async def save_draft(
    session: AsyncSession, chat_id: int, data: dict[str, Any], *, now: datetime
) -> str:
    """One statement per answer: onboarding saves after every question. Returns the JSON
    stored, which the handlers' cache keeps (decoding it is a cheap deep copy)."""
    return await _write(session, chat_id, json.dumps(data), now=now)


async def _write(session: AsyncSession, chat_id: int, text: str, *, now: datetime) -> str:
    await upsert(
        session,
        OnboardingDraft,
        {"chat_id": chat_id, "data": text, "updated_at": now},
        keys=["chat_id"],
        update=["data", "updated_at"],
    )
    return text


async def drop_draft(session: AsyncSession, chat_id: int) -> None:
    await fetch_all(session, _DROP, {"chat_id": chat_id})


async def drop_abandoned(
    session: AsyncSession, *, now: datetime, chat_id: int | None = None
) -> list[int]:
    """Forget the drafts nobody touched for ``ABANDONED_AFTER`` (of one chat, or of all),
    but never a language chosen before the runner row existed: a draft holding only it
    (``LANGUAGE_ONLY``) stays, and one whose choice it was (``Draft.holds_a_choice``)
    becomes such a draft. The chats whose drafts went or changed. The age is checked by
    each statement itself, so a runner answering at this very moment keeps their draft."""
    before = now - ABANDONED_AFTER
    params: dict[str, Any] = {"before": before}
    found, drop = _ABANDONED, _DROP_ABANDONED
    if chat_id is not None:
        params["chat_id"] = chat_id
        found, drop = found.where(_OF_CHAT), drop.where(_OF_CHAT)
    kept: list[int] = []
    for row in await fetch_all(session, found, params):
        draft = Draft.from_json(row.data)
        if draft.holds_a_choice:  # the choice stays, alone: no conversation left
            only = Draft(answers={A.LANGUAGE: draft.answers[A.LANGUAGE]}).to_json()
            changed = {**params, "chat": row.chat_id, "data": only, "now": now}
            kept += [int(done.chat_id) for done in await fetch_all(session, _KEEP_CHOICE, changed)]
    return kept + [int(row.chat_id) for row in await fetch_all(session, drop, params)]
