"""Onboarding answers in progress, so a restart mid-conversation loses nothing."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.store.common import upsert
from bot.store.models import OnboardingDraft


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
