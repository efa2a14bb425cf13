"""⇄ Swap: replace one exercise of a session with another of the same focus, for good.

The flow lives on the session message itself: its keyboard turns into "which one?",
then into the options, and a choice turns the message into the updated session. Every
step is an edit, so a double tap changes nothing twice and sends nothing twice.

The buttons (``bot.messages.callbacks``, exercises as short codes, see
``coach.swaps.exercise_code``): ``SwapWhich`` (which exercise? also the Back button),
``SwapKeep`` (keep the session as it is), ``SwapOptions`` (the options for one exercise),
``SwapChoose`` (choose one: stored on the runner, remembered).
"""

from __future__ import annotations

from dataclasses import replace

from telegram import CallbackQuery, Chat, Message, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from bot.coach.swaps import exercise_by_code, exercise_code
from bot.deps import Deps
from bot.handlers.language import speaking
from bot.handlers.taps import show, tap_or_stale
from bot.messages import swap as pages
from bot.messages.callbacks import SwapButton, SwapChoose, SwapKeep, SwapOptions, SwapWhich
from bot.services.swap import (
    SwapDay,
    SwapProblem,
    in_session,
    options_for,
    original_of,
    plan_swap_day,
    read_swap_day,
    store_swap,
)
from bot.store.db import transaction

PROBLEM_KEYS = {
    SwapProblem.NOT_SET_UP: "swap.not_set_up",
    SwapProblem.OLD: "misc.old_button_answer",
    SwapProblem.FORGED: "misc.stale_button",
    SwapProblem.NO_SESSION: "swap.no_session",
}


def handlers() -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]:
    return [CallbackQueryHandler(on_swap_button, pattern=SwapButton.PATTERN)]


async def on_swap_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if (pressed := await tap_or_stale(update, context, SwapButton)) is None:
        return
    deps, query, chat, button = pressed.deps, pressed.query, pressed.chat, pressed.button
    async with transaction(deps.sessions) as session:
        read = await read_swap_day(session, chat.id, button.day, deps.clock.now())
    found = plan_swap_day(speaking(deps), read) if not isinstance(read, SwapProblem) else read
    if isinstance(found, SwapProblem):
        await query.answer(speaking(deps).texts(PROBLEM_KEYS[found]))
        return
    reminder = _is_reminder(deps, query)
    match button:
        case SwapWhich():
            await _which(deps, query, chat, found, reminder)
        case SwapKeep():
            await query.answer()
            await show(query, chat, *pages.session_page(speaking(deps), found, reminder))
        case SwapOptions(shown=shown):
            await _options(deps, query, chat, found, reminder, shown)
        case SwapChoose(shown=shown, chosen=chosen):
            await _choose(deps, query, chat, found, reminder, shown, chosen)


async def _which(
    deps: Deps, query: CallbackQuery, chat: Chat, swap_day: SwapDay, reminder: bool
) -> None:
    """ "Which one?": only the exercises that have something to swap to."""
    content = speaking(deps)
    choices = [
        (number, item.exercise.name, exercise_code(item.exercise.id))
        for number, item in enumerate(swap_day.plan.session.items, start=1)
        if options_for(content, swap_day, item.exercise.id)
    ]
    if not choices:
        await query.answer(content.texts("swap.nothing_to_swap"))
        return
    await query.answer()
    await show(query, chat, *pages.which_page(content, swap_day, reminder, choices))


async def _options(
    deps: Deps, query: CallbackQuery, chat: Chat, swap_day: SwapDay, reminder: bool, code: str
) -> None:
    content, t = speaking(deps), speaking(deps).texts
    shown = in_session(content, swap_day, code)
    if shown is None:
        await query.answer(t("swap.gone"))
        await show(query, chat, *pages.session_page(content, swap_day, reminder))
        return
    options = options_for(content, swap_day, shown.id)
    if not options:
        await query.answer(t("swap.no_options", name=shown.name)[:200])
        return
    await query.answer()
    original = original_of(content, swap_day, shown.id)
    page = pages.options_page(content, swap_day, reminder, shown, options, original)
    await show(query, chat, *page)


async def _choose(
    deps: Deps,
    query: CallbackQuery,
    chat: Chat,
    swap_day: SwapDay,
    reminder: bool,
    shown_code: str,
    chosen_code: str,
) -> None:
    content, t = speaking(deps), speaking(deps).texts
    chosen = exercise_by_code(content.catalog, chosen_code)
    shown = in_session(content, swap_day, shown_code)
    if shown is None:
        if chosen is not None and in_session(content, swap_day, chosen_code) is not None:
            await query.answer(t("swap.answer_already"))  # a double tap: already in place
            return
        await query.answer(t("swap.gone"))
        await show(query, chat, *pages.session_page(content, swap_day, reminder))
        return
    options = options_for(content, swap_day, shown.id)
    original = original_of(content, swap_day, shown.id)
    if chosen is None or chosen.id not in {option.id for option in options}:
        await query.answer(t("swap.option_gone"))
        if options:
            page = pages.options_page(content, swap_day, reminder, shown, options, original)
            await show(query, chat, *page)
        else:
            await show(query, chat, *pages.session_page(content, swap_day, reminder))
        return
    async with transaction(deps.sessions) as session:
        runner = await store_swap(
            session, swap_day.runner.chat_id, original, chosen.id, deps.clock.now()
        )
    if runner is None:  # deleted between the two reads
        await query.answer(t("swap.not_set_up"))
        return
    if chosen.id == original:
        await query.answer(t("swap.answer_restored"))
        note = t("swap.restored", name=pages.name(chosen))
    else:
        await query.answer(t("swap.answer_swapped"))
        note = t("swap.swapped", old=pages.name(shown), new=pages.name(chosen))
    # today_message plans the day again, now with the stored swap.
    text, keyboard = pages.session_page(content, replace(swap_day, runner=runner), reminder)
    await show(query, chat, f"{note}\n\n{text}", keyboard)


def _is_reminder(deps: Deps, query: CallbackQuery) -> bool:
    """Whether the tapped message is a reminder (it keeps its greeting and ⏰ Later)."""
    message = query.message
    text = message.text if isinstance(message, Message) else None
    if not text:
        return False
    # In any language: the reminder may have been sent before the runner changed theirs.
    intros = {
        deps.content.speaking(code).texts("misc.reminder_intro") for code in deps.content.codes
    }
    return any(text.startswith(intro) for intro in intros)
