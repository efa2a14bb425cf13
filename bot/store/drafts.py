"""Onboarding answers in progress, so a restart mid-conversation loses nothing."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.store.models import OnboardingDraft


async def load_draft(session: AsyncSession, chat_id: int) -> dict[str, Any]:
    draft = await session.get(OnboardingDraft, chat_id)
    return json.loads(draft.data) if draft else {}


async def save_draft(
    session: AsyncSession, chat_id: int, data: dict[str, Any], *, now: datetime
) -> None:
    draft = await session.get(OnboardingDraft, chat_id)
    if draft is None:
        draft = OnboardingDraft(chat_id=chat_id)
    draft.data = json.dumps(data)
    draft.updated_at = now
    session.add(draft)
    await session.flush()


async def drop_draft(session: AsyncSession, chat_id: int) -> None:
    await session.exec(delete(OnboardingDraft).where(col(OnboardingDraft.chat_id) == chat_id))  # type: ignore[call-overload]
