"""The runner's language in every reply: found once per update, changed by /language.

``resolve`` (a TypeHandler before every other handler, bot/app.py) finds the chat's
language (``bot.services.languages``: the runner row, else the onboarding draft, else
Telegram's ``language_code``, else English) and keeps it for the update being handled;
every handler then speaks through ``speaking(deps)``, the Content of that language.
It is kept in a context variable: PTB handles each update in one task, its handlers one
after another, so the value set first is the one every handler of that update reads,
and no other update's (a job, a reminder, runs outside any update and names the
runner's language itself: ``deps.content.speaking(runner.language)``).

/language (and its button under /start's "I'll speak …" line) shows the shipped
languages by their own names; a tap stores the choice on the runner row, or in the
onboarding draft's answers before the row exists (``bot.coach.answers.LANGUAGE``,
carried to the row when onboarding is saved), answers in the new language and asks
the open question again in it: the draft keeps every answer.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot.coach import answers as A
from bot.content import Content
from bot.deps import Deps, get_deps
from bot.messages.callbacks import LanguageButton, parse
from bot.services.languages import ENGLISH, choose, known_english, stored_language
from bot.store import drafts, runners
from bot.store.db import transaction
from bot.store.drafts import Draft

log = logging.getLogger(__name__)

# The language of the update being handled (a content folder's code).
_CURRENT: ContextVar[str] = ContextVar("coach_language", default=ENGLISH)


def speaking(deps: Deps) -> Content:
    """The Content of the language the update being handled is answered in."""
    return deps.content.speaking(_CURRENT.get())


def current_code() -> str:
    return _CURRENT.get()


def speak(code: str) -> None:
    """Answer the rest of this update in ``code``'s language."""
    _CURRENT.set(code)


async def chat_language(deps: Deps, chat_id: int, telegram_code: str | None) -> str:
    """The language to answer a private chat in (cached: ``Deps.language_cache``)."""
    stored = deps.language_cache.get(chat_id)
    if stored is None:
        draft_json = deps.draft_cache.get(chat_id)
        telegram_choice = deps.content.for_telegram(telegram_code)
        if known_english(deps.language_cache, chat_id, draft_json, telegram_choice):
            return ENGLISH  # no read: English on the row, or no row, both mean English
        async with transaction(deps.sessions) as session:
            stored = await stored_language(session, chat_id, draft_json)
        deps.language_cache.put(chat_id, stored)
    return choose(deps.content, stored or None, telegram_code)


async def resolve(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Before every handler: the language this update is answered in. A group chat (no
    runner there) and a database that cannot answer get Telegram's choice, or English."""
    deps = get_deps(context)
    user = update.effective_user
    telegram_code = user.language_code if user is not None else None
    chat = update.effective_chat
    code = choose(deps.content, None, telegram_code)
    if chat is not None and chat.type == ChatType.PRIVATE and update.my_chat_member is None:
        try:
            code = await chat_language(deps, chat.id, telegram_code)
        except Exception:
            # The handlers meet the same database and say so; the words stay readable.
            log.warning("Could not read the language of chat %s", chat.id, exc_info=True)
    speak(code)


async def store_language(deps: Deps, chat_id: int, code: str) -> None:
    """The runner's choice: on their row, and in their draft's answers (a runner still
    onboarding has no row yet; the draft's answers reach the row when it is saved). A
    chat with neither gets a draft holding only the choice, which /start carries on."""
    now = deps.clock.now()
    async with transaction(deps.sessions) as session:
        on_row = await runners.set_language(session, chat_id, code, now=now)
        stored = deps.draft_cache.get(chat_id)
        if stored is None:
            found = await drafts.read_draft(session, chat_id)
            stored = found.data if found is not None else drafts.NO_DRAFT
        draft = Draft.from_json(stored)
        written: str | None = None
        if draft.mode is not None or draft.answers or not on_row:
            draft.answers[A.LANGUAGE] = code
            draft.language_chosen = not on_row  # the sweep keeps it (bot/store/drafts.py)
            written = await drafts.save(session, chat_id, draft, now=now)
    if written is not None:
        deps.draft_cache[chat_id] = written
    deps.language_cache.put(chat_id, code)


def forget_language(deps: Deps, chat_id: int) -> None:
    """/delete took the runner's rows and draft: nothing stored for the chat any more."""
    deps.language_cache.put(chat_id, None)


def menu(content: Content) -> InlineKeyboardMarkup:
    """Every shipped language by its own name, the one spoken now marked."""
    rows = []
    for code in content.codes:
        name = content.speaking(code).language.name
        label = (
            content.texts("languages.current", name=name) if code == content.language.code else name
        )
        rows.append([InlineKeyboardButton(label, callback_data=LanguageButton(code).pack())])
    return InlineKeyboardMarkup(rows)


def change_button(content: Content) -> InlineKeyboardMarkup:
    """🌐 Change language, under /start's line saying which language the coach speaks."""
    label = content.texts("languages.change_button")
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=LanguageButton().pack())]]
    )


def first_words(deps: Deps, update: Update) -> tuple[str, InlineKeyboardMarkup]:
    """/start's line under the welcome: the language Telegram's code chose, with the way
    to change it; for a code the coach does not speak, English and the menu at once."""
    user = update.effective_user
    content = speaking(deps)
    if deps.content.for_telegram(user.language_code if user is not None else None) is None:
        return content.texts("languages.not_shipped"), menu(content)
    return content.texts("languages.chosen"), change_button(content)


def named(content: Content, text: str) -> str | None:
    """The shipped language ``text`` names: its code ("de", "pt-br"), its own name or its
    English name ("Deutsch", "german"), or a Telegram code that chooses it."""
    wanted = text.strip().casefold()
    for code in content.codes:
        info = content.speaking(code).language
        if wanted in (code.casefold(), info.name.casefold(), info.english_name.casefold()):
            return code
    return content.for_telegram(wanted) if wanted.isascii() else None


async def language_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/language: the menu; "/language de" (or "/language Deutsch") switches at once."""
    deps = get_deps(context)
    chat = update.effective_chat
    assert chat is not None
    content = speaking(deps)
    words = " ".join(context.args or [])
    if not words:
        await chat.send_message(content.texts("languages.menu"), reply_markup=menu(content))
        return
    code = named(deps.content, words)
    if code is None:
        await chat.send_message(
            content.texts("languages.unknown", text=words[:40]), reply_markup=menu(content)
        )
        return
    await _switch(update, context, deps, code)


async def on_language_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """🌐 Change language (the menu) and the menu's choices. A language no longer shipped
    or forged data is answered as any stale button; a second tap on the language spoken
    now only closes the menu again."""
    deps = get_deps(context)
    query = update.callback_query
    chat = update.effective_chat
    assert query is not None and chat is not None
    content = speaking(deps)
    button = parse(query.data)
    if not isinstance(button, LanguageButton) or (
        button.code is not None and button.code not in deps.content.codes
    ):
        await query.answer(content.texts("misc.stale_button"))
        return
    if button.code is None:
        await query.answer()
        await chat.send_message(content.texts("languages.menu"), reply_markup=menu(content))
        return
    await query.answer()
    if isinstance(query.message, Message):
        try:
            await query.edit_message_reply_markup(reply_markup=None)
        except BadRequest:
            pass  # a double tap: the buttons are gone already
    if button.code == current_code() and await _stored(deps, chat.id) == button.code:
        return  # a double tap, or the language already chosen: nothing changes
    await _switch(update, context, deps, button.code)


async def _stored(deps: Deps, chat_id: int) -> str | None:
    """The language stored for the chat, read afresh (a tap is rare; the cache may be off)."""
    async with transaction(deps.sessions) as session:
        return await stored_language(session, chat_id)


async def _switch(
    update: Update, context: ContextTypes.DEFAULT_TYPE, deps: Deps, code: str
) -> None:
    chat = update.effective_chat
    assert chat is not None
    await store_language(deps, chat.id, code)
    speak(code)
    await chat.send_message(speaking(deps).texts("languages.switched"))
    from bot.handlers.setup import ask_again

    await ask_again(update, deps)


def handlers() -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("language", language_command, filters=private),
        CallbackQueryHandler(on_language_button, pattern=LanguageButton.PATTERN),
    ]
