"""Asking once how an unrated session felt: a line and the feedback buttons for that day.

No feedback is not "easy" (bot.coach.progression holds the level until the runner
says), so the next session's message asks about the last one — once
(``progression.unrated_before`` picks the day; the session message shows this when
``DayPlan.ask_feedback`` is set). The buttons are the ones under a logged session, for
that earlier day, so a tap records the feedback on it.
"""

from __future__ import annotations

from datetime import date

from telegram import InlineKeyboardButton

from bot.content import Texts
from bot.messages.callbacks import FeedbackAnswer, FeedbackButton

# A weekday's name alone means the last such day: at most 6 days ago.
DAYS_A_WEEKDAY_NAMES = 6


def line(t: Texts, asked_day: date, today: date) -> str:
    """ "How did Tuesday's session feel? Tap below — I hold your level until you tell me."

    A weekday alone names the last one of that name, so on the same weekday ("How did
    Sunday's session feel?" in Sunday's own reminder reads as today's) or more than 6 days
    ago it would name the wrong day: then the date is said too, "the Sunday 6 Dec"."""
    ago = (today - asked_day).days
    if ago == 1:
        day = t("ask_feedback.yesterday")
    elif ago > DAYS_A_WEEKDAY_NAMES or asked_day.weekday() == today.weekday():
        day = t("ask_feedback.on_date", date=t.short_date(asked_day, weekday="wide"))
    else:
        day = t("ask_feedback.weekday", weekday=t.weekday(asked_day.weekday()))
    return t("ask_feedback.line", day=day)


def rows(t: Texts, asked_day: date) -> list[list[InlineKeyboardButton]]:
    """The feedback buttons for ``asked_day`` as rows to put under the session message's
    own, laid out as under a logged session (``views.feedback_keyboard``: easy, right /
    hard, too hard / sore). Built here, not taken from ``views``, so ``views`` can import
    this module."""

    def button(answer: FeedbackAnswer) -> InlineKeyboardButton:
        return InlineKeyboardButton(
            t(f"feedback.{answer.value}"), callback_data=FeedbackButton(asked_day, answer).pack()
        )

    felt = [answer for answer in FeedbackAnswer if answer is not FeedbackAnswer.SORE]
    return [
        [button(answer) for answer in felt[:2]],
        [button(answer) for answer in felt[2:]],
        [button(FeedbackAnswer.SORE)],
    ]
