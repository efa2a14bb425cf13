"""PTB persistence that keeps conversation states in the database.

PTB's PicklePersistence writes a file, which a Procfile host's ephemeral disk loses on
every deploy; here a runner halfway through onboarding continues at the same question
after a restart. Only conversations are stored: everything else already lives in tables.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram.ext import BasePersistence, PersistenceInput

from bot.store.common import upsert
from bot.store.db import SessionFactory, transaction
from bot.store.models import ConversationState
from bot.store.runners import conversation_key

# How often PTB hands changed conversation states to us; small, so a crash loses little.
FLUSH_SECONDS = 1.0

# PTB's own names for these live in a private module (telegram.ext._utils.types); the
# shapes are what BasePersistence's public signatures take: a conversation's key is a tuple
# of chat and user ids, its states any JSON-able value.
ConversationKey = tuple[int | str, ...]
ConversationDict = dict[ConversationKey, object]


async def save_state(session: AsyncSession, name: str, key: ConversationKey, state: object) -> None:
    """Store a conversation's next state inside the caller's transaction (the onboarding
    answer that leads to it), instead of in a transaction of its own afterwards."""
    await upsert(
        session,
        ConversationState,
        {"name": name, "key": conversation_key(key), "state": json.dumps(state)},
        keys=["name", "key"],
        update=["state"],
    )


async def forget_conversations(session: AsyncSession, name: str, chat_ids: list[int]) -> None:
    """Delete the stored state of ``name`` for these private chats (where the user is the
    chat), as the sweep of abandoned onboardings does."""
    if chat_ids:
        keys = [conversation_key((chat_id, chat_id)) for chat_id in chat_ids]
        await session.exec(  # type: ignore[call-overload]
            delete(ConversationState).where(
                col(ConversationState.name) == name, col(ConversationState.key).in_(keys)
            )
        )


class DatabasePersistence(BasePersistence[dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    def __init__(self, sessions: SessionFactory, update_interval: float = FLUSH_SECONDS) -> None:
        super().__init__(
            store_data=PersistenceInput(
                bot_data=False, chat_data=False, user_data=False, callback_data=False
            ),
            update_interval=update_interval,
        )
        self._sessions = sessions
        # What the table holds, as far as this process wrote or read it: PTB hands over
        # every state a handler returned, changed or not, and a state already stored
        # (by ``save_state`` with the answer that led to it) needs no second write.
        self._stored: dict[tuple[str, str], object] = {}

    def stored(self, name: str, key: ConversationKey, state: object) -> None:
        """``save_state`` committed ``state`` for this conversation."""
        self._stored[(name, conversation_key(key))] = state

    def forget(self, name: str, chat_ids: list[int]) -> None:
        """States deleted behind PTB's back (``forget_conversations``, /delete): not
        known to be stored any more, so the next one is written even if it is the same."""
        for chat_id in chat_ids:
            self._stored.pop((name, conversation_key((chat_id, chat_id))), None)

    async def get_conversations(self, name: str) -> ConversationDict:
        async with transaction(self._sessions) as session:
            rows = (
                await session.exec(select(ConversationState).where(ConversationState.name == name))
            ).all()
        found = {tuple(json.loads(row.key)): json.loads(row.state) for row in rows}
        for key, state in found.items():
            self.stored(name, key, state)
        return found

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        stored_key = conversation_key(key)
        if new_state is not None and self._stored.get((name, stored_key)) == new_state:
            return
        self._stored.pop((name, stored_key), None)  # unknown until this write commits
        async with transaction(self._sessions) as session:
            if new_state is None:
                await session.exec(  # type: ignore[call-overload]
                    delete(ConversationState).where(
                        col(ConversationState.name) == name,
                        col(ConversationState.key) == stored_key,
                    )
                )
            else:
                await save_state(session, name, key, new_state)
        if new_state is not None:
            self.stored(name, key, new_state)

    # Nothing else is kept by PTB: user, chat and bot data live in our own tables.
    async def get_user_data(self) -> dict[int, dict[Any, Any]]:
        return {}

    async def get_chat_data(self) -> dict[int, dict[Any, Any]]:
        return {}

    async def get_bot_data(self) -> dict[Any, Any]:
        return {}

    async def get_callback_data(self) -> None:
        return None

    async def update_user_data(self, user_id: int, data: dict[Any, Any]) -> None:
        return None

    async def update_chat_data(self, chat_id: int, data: dict[Any, Any]) -> None:
        return None

    async def update_bot_data(self, data: dict[Any, Any]) -> None:
        return None

    async def update_callback_data(self, data: Any) -> None:
        return None

    async def drop_chat_data(self, chat_id: int) -> None:
        return None

    async def drop_user_data(self, user_id: int) -> None:
        return None

    async def refresh_user_data(self, user_id: int, user_data: dict[Any, Any]) -> None:
        return None

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[Any, Any]) -> None:
        return None

    async def refresh_bot_data(self, bot_data: dict[Any, Any]) -> None:
        return None

    async def flush(self) -> None:
        return None
