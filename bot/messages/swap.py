"""⇄ Swap's pages: the session as /today shows it (a reminder keeps its greeting and
⏰ Later), "which one?", and the options for one exercise."""

from __future__ import annotations

import html

from telegram import InlineKeyboardMarkup

from bot.coach.swaps import exercise_code
from bot.content import Content, Exercise
from bot.messages import snooze, views
from bot.messages.today import today_message
from bot.services.calendar import local_today
from bot.services.swap import SwapDay


def name(exercise: Exercise) -> str:
    return html.escape(exercise.name, quote=False)


def session_page(
    content: Content, swap_day: SwapDay, reminder: bool
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The day's session as /today shows it; a ``reminder`` keeps its greeting and ⏰ Later."""
    t = content.texts
    text, keyboard = today_message(
        content, swap_day.runner, swap_day.day, swap_day.now, swap_day.status, swap_day.history
    )
    if reminder:
        text = f"{t('misc.reminder_intro')}\n\n{text}"
        if keyboard is not None and swap_day.day == local_today(swap_day.runner, swap_day.now):
            rows = [*keyboard.inline_keyboard, [snooze.snooze_button(t, swap_day.day)]]
            keyboard = InlineKeyboardMarkup(rows)
    return text, keyboard


def which_page(
    content: Content, swap_day: SwapDay, reminder: bool, choices: list[tuple[int, str, str]]
) -> tuple[str, InlineKeyboardMarkup]:
    """ "Which one?" under the session: one button per exercise (number, name, code)."""
    t = content.texts
    text, _ = session_page(content, swap_day, reminder)
    keyboard = views.swap_which_keyboard(t, swap_day.day, choices)
    return f"{text}\n\n{t('swap.which')}", keyboard


def options_page(
    content: Content,
    swap_day: SwapDay,
    reminder: bool,
    shown: Exercise,
    options: list[Exercise],
    original: str,
) -> tuple[str, InlineKeyboardMarkup]:
    """The options for ``shown`` under the session, the way back to ``original`` marked."""
    t = content.texts
    lines = [t("swap.instead_of", name=name(shown))]
    buttons = []
    for option in options:
        level = option.levels[min(swap_day.plan.session.level, len(option.levels)) - 1]
        back = option.id == original
        lines.append(
            t(
                "swap.back_option" if back else "swap.option",
                name=name(option),
                variant=html.escape(level.variant, quote=False),
                dose=views.dose(t, level),
            )
            + (t("swap.knee_friendly") if option.knee_friendly else "")
        )
        buttons.append((option.name, exercise_code(option.id), back))
    text, _ = session_page(content, swap_day, reminder)
    keyboard = views.swap_options_keyboard(t, swap_day.day, exercise_code(shown.id), buttons)
    return "\n".join([text, "", *lines]), keyboard
