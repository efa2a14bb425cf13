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
from bot.settings import Settings
from bot.store.db import SessionFactory
from bot.store.drafts import DraftCache

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
    # than drafts.ABANDONED_AFTER; set up from the clock below. What another process
    # sees: drafts.DraftCache.
    draft_cache: DraftCache = field(init=False)
    # Runners Telegram said had blocked the bot, refreshed from the database every tick,
    # so a message from anyone else costs no database read to check.
    inactive: set[int] = field(default_factory=set)
    # How retries wait; tests swap in one that returns at once.
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep

    def __post_init__(self) -> None:
        self.draft_cache = DraftCache(now=self.clock.now)


def get_deps(
    source: CallbackContext[Any, Any, Any, Any] | Application[Any, Any, Any, Any, Any, Any],
) -> Deps:
    data = source.bot_data if isinstance(source, Application) else source.application.bot_data
    deps: Deps = data[DEPS_KEY]
    return deps
