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
from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import ConversationDict, ConversationKey

from bot.store.common import upsert
from bot.store.db import SessionFactory, transaction
from bot.store.models import ConversationState
from bot.store.runners import conversation_key

# How often PTB hands changed conversation states to us; small, so a crash loses little.
FLUSH_SECONDS = 1.0


class DatabasePersistence(BasePersistence[dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    def __init__(self, sessions: SessionFactory, update_interval: float = FLUSH_SECONDS) -> None:
        super().__init__(
            store_data=PersistenceInput(
                bot_data=False, chat_data=False, user_data=False, callback_data=False
            ),
            update_interval=update_interval,
        )
        self._sessions = sessions

    async def get_conversations(self, name: str) -> ConversationDict:
        async with transaction(self._sessions) as session:
            rows = (
                await session.exec(select(ConversationState).where(ConversationState.name == name))
            ).all()
        return {tuple(json.loads(row.key)): json.loads(row.state) for row in rows}

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        stored_key = conversation_key(key)
        async with transaction(self._sessions) as session:
            if new_state is None:
                await session.exec(  # type: ignore[call-overload]
                    delete(ConversationState).where(
                        col(ConversationState.name) == name,
                        col(ConversationState.key) == stored_key,
                    )
                )
            else:  # one statement per answer: this runs after every onboarding step
                await upsert(
                    session,
                    ConversationState,
                    {"name": name, "key": stored_key, "state": json.dumps(new_state)},
                    keys=["name", "key"],
                    update=["state"],
                )

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
