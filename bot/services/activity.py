"""A runner who blocks the bot gets no reminders (none would arrive); unblocking it, or
writing again, brings them back."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.next_reminder import next_reminder_for
from bot.store import runners


async def wake_runner(session: AsyncSession, chat_id: int, now: datetime) -> None:
    """Reactivate a runner marked inactive, with their next reminder planned again."""
    runner = await runners.get_runner(session, chat_id)
    if runner is None or runner.active:
        return
    runner.active = True
    runner.next_reminder_utc = await next_reminder_for(session, runner, now=now)
    await runners.set_state(session, runner, now=now)


async def block_runner(session: AsyncSession, chat_id: int, now: datetime) -> None:
    """The runner blocked the bot: no reminders from now on, until they come back."""
    runner = await runners.get_runner(session, chat_id)
    if runner is None or not runner.active:
        return
    await runners.set_state(session, runner, now=now, active=False, next_reminder_utc=None)
