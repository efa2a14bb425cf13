"""Asking once how an unrated session felt: a line and the feedback buttons for that day.

No feedback is not "easy" (bot.coach.progression holds the level until the runner
says), so the next session's message asks about the last one — once
(``progression.unrated_before`` picks the day; the session message shows this when
``DayPlan.ask_feedback`` is set). The buttons are the ones under a logged session, for
that earlier day, so a tap records the feedback on it.
"""

from __future__ import annotations

from datetime import date, timedelta

from telegram import InlineKeyboardButton

from bot.content import Texts
from bot.messages.callbacks import FeedbackAnswer, FeedbackButton


def line(t: Texts, asked_day: date, today: date) -> str:
    """ "How did Tuesday's session feel? Tap below — I hold your level until you tell me." """
    if asked_day == today - timedelta(days=1):
        day = t("ask_feedback.yesterday")
    else:
        day = t("ask_feedback.weekday", weekday=t(f"day_long.{asked_day.weekday()}"))
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
