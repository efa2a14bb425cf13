"""After "⏭ Skip": the "why?" question, the offer to move the session, and the lines that
say what comes next."""

from __future__ import annotations

from datetime import date

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.coach.calendar import Slot
from bot.coach.status import SkipReason
from bot.coach.week import Focus, PlannedDay
from bot.content import Texts
from bot.messages import views
from bot.messages.callbacks import KeepSkipped, MoveButton, ReasonButton


def reason_keyboard(t: Texts, day: date) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(
            t(f"skip.reason_{reason.value}"), callback_data=ReasonButton(day, reason).pack()
        )
        for reason in SkipReason
    ]
    return InlineKeyboardMarkup([buttons[:3], buttons[3:]])


def ask_reason(t: Texts, focus: Focus, day: date, today: date) -> tuple[str, InlineKeyboardMarkup]:
    text = t(
        "skip.ask_reason", focus=views.focus_label(t, focus), day=views.day_label(t, day, today)
    )
    return text, reason_keyboard(t, day)


def next_line(t: Texts, slot: Slot | None, today: date) -> str:
    """The next session (a calendar slot), or that there is none."""
    planned = PlannedDay(slot.day, slot.focus) if slot else None
    return views.next_session_line(t, planned, today)


def no_move_text(
    t: Texts, reason: SkipReason, slot: Slot | None, following: Slot | None, today: date
) -> str:
    """The answer to a reason when no move is offered: rest (sore, ill), no session left
    that day, or no day that keeps the rules."""
    reply = t(f"skip.reply_{reason.value}")
    line = next_line(t, following, today)
    if reason.means_rest or slot is None:
        return reply + "\n" + line
    return t("skip.no_move", reason_reply=reply, next_line=line)


def move_offer(
    t: Texts, reason: SkipReason, slot: Slot, day: date, target: date, today: date
) -> tuple[str, InlineKeyboardMarkup]:
    """ "Move it to Friday?" with the move and "keep it skipped"."""
    label = views.day_label(t, target, today)
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t("skip.move_button", target=label),
                    callback_data=MoveButton(day, target).pack(),
                )
            ],
            [InlineKeyboardButton(t("skip.keep_skipped"), callback_data=KeepSkipped(day).pack())],
        ]
    )
    text = t(
        "skip.offer_move",
        reason_reply=t(f"skip.reply_{reason.value}"),
        focus=views.focus_label(t, slot.focus),
        target=label,
    )
    return text, keyboard
