"""⏰ Later's button and the delays it offers: only those that still fit the day
(``services.snooze.fitting`` decides; the buttons show what it allows)."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.content import Texts
from bot.messages.callbacks import SnoozeFor, SnoozeOffer
from bot.messages.views import KEYBOARD_CACHE_SIZE


def snooze_button(t: Texts, day: date) -> InlineKeyboardButton:
    return InlineKeyboardButton(t("buttons.later"), callback_data=SnoozeOffer(day).pack())


@lru_cache(maxsize=KEYBOARD_CACHE_SIZE)
def snooze_keyboard(t: Texts, day: date, minutes: tuple[int, ...]) -> InlineKeyboardMarkup:
    """One button per delay in ``minutes`` (those that fit what is left of the day)."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t(f"buttons.snooze_{delay}"), callback_data=SnoozeFor(day, delay).pack()
                )
                for delay in minutes
            ]
        ]
    )


def no_time_left(t: Texts) -> str:
    """Said instead of offering delays when none fits before the day ends."""
    return t("snooze.no_time_left")
