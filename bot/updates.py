"""Handling updates of different chats at once, and each chat's in the order they came.

PTB handles updates one at a time unless told otherwise: then one runner's slow update
(a database stall of 8 s was measured holding back four other runners' ``/help`` by 5 s)
keeps everybody waiting. PTB's own concurrent processor would mix up one chat's updates
instead — a second tap overtaking the first, an onboarding answer overtaking the question
before it — which the handlers (and PTB's ``ConversationHandler``) are not written for.
So updates wait for the one before them *from the same chat* only.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from time import perf_counter
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# Handlers running at once. Each may hold a database connection for its transaction:
# SQLAlchemy's default PostgreSQL pool has 5 + 10 overflow connections (SQLite one), so
# more handlers than this would only queue for a connection inside their transaction;
# well above the two a single stalled chat needs to stall nobody else.
MAX_RUNNING = 16
# Updates accepted at once, running or waiting for their chat's turn. Waiting ones must not
# take the running slots (a stalled runner who keeps typing would block everyone), so this
# is PTB's bound and ``MAX_RUNNING`` is ours; one getUpdates answer holds at most 100.
MAX_ACCEPTED = 1024


@dataclass
class _ChatTurn:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0


def chat_key(update: object) -> Hashable:
    """Whose turn an update waits for: its chat, else its sender (a button under an
    inline message has no chat; in a private chat the two ids are the same), else the
    line of updates that have neither."""
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return update.effective_chat.id
        if update.effective_user is not None:
            return update.effective_user.id
    return None


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Different chats concurrently (at most ``running`` handlers at once), one chat's
    updates strictly in arrival order."""

    def __init__(self, running: int = MAX_RUNNING, accepted: int = MAX_ACCEPTED) -> None:
        super().__init__(max(accepted, 2))  # PTB runs updates one by one below 2
        self._running = asyncio.Semaphore(running)
        self._turns: dict[Hashable, _ChatTurn] = {}
        #: Told of every update handled and how long its handlers took, from its turn
        #: (its chat's earlier updates done) to its end (``bot.metrics``); None: nobody.
        self.observe: Callable[[object, float], None] | None = None

    @property
    def chats_waiting(self) -> int:
        """Chats with an update running or waiting (for tests and the curious)."""
        return len(self._turns)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = chat_key(update)
        turn = self._turns.get(key)
        if turn is None:
            turn = self._turns[key] = _ChatTurn()
        turn.users += 1
        try:
            # asyncio.Lock wakes its waiters first come, first served: the chat's order.
            async with turn.lock, self._running:
                if self.observe is None:
                    await coroutine
                else:
                    started = perf_counter()
                    try:
                        await coroutine
                    finally:
                        self.observe(update, perf_counter() - started)
        finally:
            turn.users -= 1
            if turn.users == 0:
                del self._turns[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down: PTB waits for running updates before calling this."""
