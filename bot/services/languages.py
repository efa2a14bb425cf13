"""Which language the coach speaks in a chat: the runner's stored choice (their row, or
the onboarding draft's answers before the row exists), else the one Telegram's
``language_code`` chooses, else English.

Asked once per update (``bot.handlers.language``), so the answer is cached in memory by
chat (``LanguageCache``), written through on every change this process makes.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Sequence

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.coach import answers as A
from bot.content import Content
from bot.store import drafts, runners

ENGLISH = "en"
# Chats whose stored language is kept in memory. An entry is a chat id and a shared
# code string (about 100 bytes with the dict's bookkeeping): 16,384 hold at most 1.6 MB.
# A miss is one read by primary key, the runner's language column.
LANGUAGE_CACHE_SIZE = 16_384
NOTHING_STORED = ""  # cached for a chat with no runner row and no language in its draft


class LanguageCache:
    """The language stored for each chat ("" when none is), least recently used first out.

    Off (``max_entries=0``: nothing held, every update reads) where another process may
    change a chat's language: webhook instances on PostgreSQL (``bot.deps.shares_chats``),
    as ``bot.store.drafts.DraftCache``."""

    def __init__(self, max_entries: int = LANGUAGE_CACHE_SIZE) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[int, str] = OrderedDict()
        # Every runner row's language other than English is held (``fill``): a chat not
        # held has English on its row, or no row. Lost when an entry is pushed out.
        self.complete = False
        # Chats taken out (``pop``) while ``complete``: what they store is not known
        # any more (a draft's language went; the row's stays), so each is read afresh.
        self._unknown: set[int] = set()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, chat_id: int) -> str | None:
        """The stored language ("" for none), or None when this cache does not know."""
        found = self._entries.get(chat_id)
        if found is not None:
            self._entries.move_to_end(chat_id)
        return found

    def put(self, chat_id: int, code: str | None) -> None:
        if self.max_entries <= 0:
            return
        self._entries[chat_id] = code or NOTHING_STORED
        self._entries.move_to_end(chat_id)
        self._unknown.discard(chat_id)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
            self._lose_completeness()

    def fill(self, stored: Sequence[tuple[int, str]]) -> bool:
        """At start, every runner row whose language is not English (``runners.
        non_english``, up to half of ``max_entries`` + 1): from then on a chat this cache
        does not hold speaks English whenever Telegram's code would choose English too,
        without a read (``known_english``). Whether that is so."""
        if self.max_entries <= 0 or len(stored) > self.max_entries // 2:
            return False
        for chat_id, code in stored:
            self.put(chat_id, code)
        self._unknown.clear()  # read just now: every chat's row is known
        self.complete = True
        return True

    def pop(self, chat_id: int) -> None:
        """Forget what the chat stores: the next update reads it (never "not held, so
        English": a runner row's German outlives the draft whose going popped it)."""
        self._entries.pop(chat_id, None)
        if self.complete:
            self._unknown.add(chat_id)
            if len(self._unknown) > self.max_entries:
                self._lose_completeness()

    def knows_absent(self, chat_id: int) -> bool:
        """Whether a chat this cache does not hold has English on its row, or no row."""
        return self.complete and chat_id not in self._unknown

    def _lose_completeness(self) -> None:
        self.complete = False
        self._unknown.clear()


def draft_language(data: str | None) -> str | None:
    """The language kept in a stored draft's answers (its JSON), if any."""
    if not data:
        return None
    answers = json.loads(data).get("answers") or {}
    code = answers.get(A.LANGUAGE) if isinstance(answers, dict) else None
    return code if isinstance(code, str) and code else None


async def stored_language(
    session: AsyncSession, chat_id: int, draft_json: str | None = None
) -> str | None:
    """The language stored for a chat: the runner row's, else the draft's (read here
    unless ``draft_json`` is given, the draft as the caller's cache holds it)."""
    code = await runners.language_of(session, chat_id)
    if code is not None:
        return code
    if draft_json is None:
        stored = await drafts.read_draft(session, chat_id)
        draft_json = stored.data if stored is not None else None
    return draft_language(draft_json)


def known_english(
    cache: LanguageCache, chat_id: int, draft_json: str | None, telegram_choice: str | None
) -> bool:
    """Whether a chat ``cache`` does not hold speaks English without a read: every
    non-English row is held (``complete``) and this chat's was not taken out since
    (``pop``), the draft is known (``draft_json`` from a draft cache, not None) and keeps
    no other language, and Telegram's code chooses English (or none) — so English on the
    row, or no row at all, both mean English."""
    if not cache.knows_absent(chat_id) or draft_json is None:
        return False
    return draft_language(draft_json) in (None, ENGLISH) and telegram_choice in (None, ENGLISH)


def choose(content: Content, stored: str | None, telegram_code: str | None) -> str:
    """The language to speak: the stored choice when the coach ships it, else Telegram's
    code's (never a neighbour's), else English."""
    if stored and stored in content.codes:
        return stored
    return content.for_telegram(telegram_code) or ENGLISH
