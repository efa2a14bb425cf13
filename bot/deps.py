"""What every handler and job needs, passed in once so tests can swap any of it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from telegram.ext import Application, CallbackContext

from bot.clock import Clock
from bot.coach.timezones import ZoneFinder
from bot.content import Content
from bot.health import Health
from bot.services.languages import LANGUAGE_CACHE_SIZE, LanguageCache
from bot.settings import Settings
from bot.store.db import SessionFactory, is_sqlite
from bot.store.drafts import DRAFT_CACHE_SIZE, DraftCache

DEPS_KEY = "deps"


@dataclass
class Deps:
    settings: Settings
    sessions: SessionFactory
    clock: Clock
    content: Content
    zones: ZoneFinder = field(default_factory=ZoneFinder)
    health: Health = field(default_factory=Health)
    # Onboarding drafts by chat as the JSON stored, written through to the database: one
    # read less per answer. Bounded (least recently used out) and blind to drafts older
    # than drafts.ABANDONED_AFTER; set up from the clock below. Off (every draft read from
    # the database) where other processes answer the same chats: ``shares_chats``.
    draft_cache: DraftCache = field(init=False)
    # The language stored for each chat (bot.services.languages), asked once per update:
    # bounded, written through on every change, off where ``shares_chats`` as above.
    language_cache: LanguageCache = field(init=False)
    # Runners Telegram said had blocked the bot, refreshed from the database every tick,
    # so a message from anyone else costs no database read to check. With several
    # webhook instances another process may have marked a runner a moment ago; this one
    # then does not wake them on their next message until its next tick has read the
    # mark (at most REMINDER_TICK_SECONDS). That costs nothing in the case that matters:
    # a runner who blocked the bot must unblock it to write, and Telegram announces that
    # with a ``my_chat_member`` update, which wakes them in whichever process gets it
    # without looking here (guards.on_my_chat_member). Only a "chat not found" runner
    # writing within that minute stays asleep, until their next message.
    inactive: set[int] = field(default_factory=set)
    # How retries wait; tests swap in one that returns at once.
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep

    def __post_init__(self) -> None:
        cached = 0 if shares_chats(self.settings) else DRAFT_CACHE_SIZE
        self.draft_cache = DraftCache(now=self.clock.now, max_entries=cached)
        self.language_cache = LanguageCache(0 if cached == 0 else LANGUAGE_CACHE_SIZE)


def shares_chats(settings: Settings) -> bool:
    """Whether other processes may answer this process's chats: webhook instances on
    PostgreSQL, behind one address, each get any runner's next update. A draft this
    process cached (or remembered as absent) may then be stale: the runner's last answer
    went to another process, and a step would be lost or asked twice. So there every
    draft is read from the database (one read by primary key per private message, the
    cost the cache saved: ``drafts.DRAFT_CACHE_SIZE``). One process polls; on SQLite one
    process runs, webhook or not."""
    return takes_webhook(settings) and not is_sqlite(settings.database_url)


def takes_webhook(settings: Settings) -> bool:
    """Whether this process takes its updates by webhook (bot/webhook.py): a URL is set,
    and it takes updates at all (``POLL_UPDATES=false`` is a reminders-only instance in
    either mode)."""
    return bool(settings.telegram_webhook_url) and settings.poll_updates


def get_deps(
    source: CallbackContext[Any, Any, Any, Any] | Application[Any, Any, Any, Any, Any, Any],
) -> Deps:
    data = source.bot_data if isinstance(source, Application) else source.application.bot_data
    deps: Deps = data[DEPS_KEY]
    return deps
