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

import html
import json
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from telegram import CallbackQuery, Chat, InlineKeyboardMarkup, Message, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from bot.coach.day import DayPlan
from bot.coach.progression import Entry
from bot.coach.swaps import exercise_by_code, exercise_code, origin_of, swap_options, with_swap
from bot.content import Exercise
from bot.deps import Deps
from bot.handlers.taps import show, tap_or_stale
from bot.messages import views
from bot.messages.callbacks import SwapButton, SwapChoose, SwapKeep, SwapOptions, SwapWhich
from bot.messages.today import today_message
from bot.services.calendar import local_today
from bot.services.history import history_of
from bot.services.log import DONE_LOOKBACK_DAYS
from bot.services.plan import day_plan, swaps_of
from bot.store import logs, runners
from bot.store.db import transaction
from bot.store.models import Runner

# Session messages are for today (reminders, /today); a button a few days old may still
# swap, one from further back is from another week's plan.
FUTURE_DAYS = 7


@dataclass(frozen=True)
class _Tap:
    """Everything one tap needs, read in one transaction."""

    runner: Runner
    day: date
    now: datetime
    status: str | None  # the day's log status (a LogStatus) or None
    history: list[Entry]
    plan: DayPlan


def handlers() -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]:
    return [CallbackQueryHandler(on_swap_button, pattern=SwapButton.PATTERN)]


async def on_swap_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if (pressed := await tap_or_stale(update, context, SwapButton)) is None:
        return
    deps, query, chat, button = pressed.deps, pressed.query, pressed.chat, pressed.button
    tap, problem = await _load(deps, chat.id, button.day)
    if tap is None:
        await query.answer(problem)
        return
    match button:
        case SwapWhich():
            await _which(deps, query, chat, tap)
        case SwapKeep():
            await query.answer()
            await show(query, chat, *_session_page(deps, tap, query))
        case SwapOptions(shown=shown):
            await _options(deps, query, chat, tap, shown)
        case SwapChoose(shown=shown, chosen=chosen):
            await _choose(deps, query, chat, tap, shown, chosen)


async def _load(deps: Deps, chat_id: int, day: date) -> tuple[_Tap | None, str]:
    """The runner, the day's log and history, and the day's plan — or why not. The day is
    checked against today before anything is read or planned for it."""
    t = deps.content.texts
    now = deps.clock.now()
    async with transaction(deps.sessions) as session:
        runner = await runners.get_runner(session, chat_id)
        if runner is None or not runner.onboarded:
            return None, t("swap.not_set_up")
        today = local_today(runner, now)
        if day < today - timedelta(days=DONE_LOOKBACK_DAYS):
            return None, t("misc.old_button_answer")
        if day > today + timedelta(days=FUTURE_DAYS):
            return None, t("misc.stale_button")
        log = await logs.log_on(session, chat_id, day)
        history = await history_of(session, chat_id, day)
    plan = day_plan(deps.content, runner, history, day)
    if plan is None:
        return None, t("swap.no_session")
    return _Tap(runner, day, now, log.status if log else None, history, plan), ""


async def _which(deps: Deps, query: CallbackQuery, chat: Chat, tap: _Tap) -> None:
    """ "Which one?": only the exercises that have something to swap to."""
    t = deps.content.texts
    choices = [
        (number, item.exercise.name, exercise_code(item.exercise.id))
        for number, item in enumerate(tap.plan.session.items, start=1)
        if _options_for(deps, tap, item.exercise.id)
    ]
    if not choices:
        await query.answer(t("swap.nothing_to_swap"))
        return
    await query.answer()
    text, _ = _session_page(deps, tap, query)
    keyboard = views.swap_which_keyboard(t, tap.day, choices)
    await show(query, chat, f"{text}\n\n{t('swap.which')}", keyboard)


async def _options(deps: Deps, query: CallbackQuery, chat: Chat, tap: _Tap, code: str) -> None:
    t = deps.content.texts
    shown = _in_session(deps, tap, code)
    if shown is None:
        await query.answer(t("swap.gone"))
        await show(query, chat, *_session_page(deps, tap, query))
        return
    options = _options_for(deps, tap, shown.id)
    if not options:
        await query.answer(t("swap.no_options", name=shown.name)[:200])
        return
    await query.answer()
    await show(query, chat, *_options_page(deps, tap, query, shown, options))


async def _choose(
    deps: Deps, query: CallbackQuery, chat: Chat, tap: _Tap, shown_code: str, chosen_code: str
) -> None:
    t = deps.content.texts
    catalog = deps.content.catalog
    chosen = exercise_by_code(catalog, chosen_code)
    shown = _in_session(deps, tap, shown_code)
    in_session = {item.exercise.id for item in tap.plan.session.items}
    if shown is None:
        if chosen is not None and chosen.id in in_session:
            await query.answer(t("swap.answer_already"))  # a double tap: already in place
            return
        await query.answer(t("swap.gone"))
        await show(query, chat, *_session_page(deps, tap, query))
        return
    options = _options_for(deps, tap, shown.id)
    if chosen is None or chosen.id not in {option.id for option in options}:
        await query.answer(t("swap.option_gone"))
        if options:
            await show(query, chat, *_options_page(deps, tap, query, shown, options))
        else:
            await show(query, chat, *_session_page(deps, tap, query))
        return
    week = runners.week_of(tap.runner)
    original = origin_of(
        catalog, tap.plan.session, swaps_of(tap.runner), week.equipment, week.pull_up_bar, shown.id
    )
    async with transaction(deps.sessions) as session:
        runner = await runners.get_runner(session, tap.runner.chat_id)
        if runner is None or not runner.onboarded:  # deleted between the two reads
            await query.answer(t("swap.not_set_up"))
            return
        swaps = with_swap(swaps_of(runner), original, chosen.id)
        stored = json.dumps(swaps, sort_keys=True) if swaps else None
        await runners.set_state(session, runner, now=deps.clock.now(), swaps=stored)
    if chosen.id == original:
        await query.answer(t("swap.answer_restored"))
        note = t("swap.restored", name=_name(chosen))
    else:
        await query.answer(t("swap.answer_swapped"))
        note = t("swap.swapped", old=_name(shown), new=_name(chosen))
    # today_message plans the day again, now with the stored swap.
    text, keyboard = _session_page(deps, replace(tap, runner=runner), query)
    await show(query, chat, f"{note}\n\n{text}", keyboard)


def _name(exercise: Exercise) -> str:
    return html.escape(exercise.name, quote=False)


def _in_session(deps: Deps, tap: _Tap, code: str) -> Exercise | None:
    exercise = exercise_by_code(deps.content.catalog, code)
    in_session = {item.exercise.id for item in tap.plan.session.items}
    return exercise if exercise is not None and exercise.id in in_session else None


def _options_for(deps: Deps, tap: _Tap, shown_id: str) -> list[Exercise]:
    week = runners.week_of(tap.runner)
    return swap_options(
        deps.content.catalog,
        tap.plan.session,
        swaps_of(tap.runner),
        week.equipment,
        week.pull_up_bar,
        shown_id,
    )


def _is_reminder(deps: Deps, query: CallbackQuery) -> bool:
    message = query.message
    text = message.text if isinstance(message, Message) else None
    return bool(text and text.startswith(deps.content.texts("misc.reminder_intro")))


def _session_page(
    deps: Deps, tap: _Tap, query: CallbackQuery
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The day's session as /today shows it; a reminder keeps its greeting and ⏰ Later."""
    t = deps.content.texts
    text, keyboard = today_message(
        deps.content, tap.runner, tap.day, tap.now, tap.status, tap.history
    )
    if _is_reminder(deps, query):
        text = f"{t('misc.reminder_intro')}\n\n{text}"
        if keyboard is not None and tap.day == local_today(tap.runner, tap.now):
            rows = [*keyboard.inline_keyboard, [views.snooze_button(t, tap.day)]]
            keyboard = InlineKeyboardMarkup(rows)
    return text, keyboard


def _options_page(
    deps: Deps, tap: _Tap, query: CallbackQuery, shown: Exercise, options: list[Exercise]
) -> tuple[str, InlineKeyboardMarkup]:
    t = deps.content.texts
    week = runners.week_of(tap.runner)
    original = origin_of(
        deps.content.catalog,
        tap.plan.session,
        swaps_of(tap.runner),
        week.equipment,
        week.pull_up_bar,
        shown.id,
    )
    lines = [t("swap.instead_of", name=_name(shown))]
    buttons = []
    for option in options:
        level = option.levels[min(tap.plan.session.level, len(option.levels)) - 1]
        back = option.id == original
        lines.append(
            t(
                "swap.back_option" if back else "swap.option",
                name=_name(option),
                variant=html.escape(level.variant, quote=False),
                dose=views.dose(t, level),
            )
            + (t("swap.knee_friendly") if option.knee_friendly else "")
        )
        buttons.append((option.name, exercise_code(option.id), back))
    text, _ = _session_page(deps, tap, query)
    keyboard = views.swap_options_keyboard(t, tap.day, exercise_code(shown.id), buttons)
    return "\n".join([text, "", *lines]), keyboard
