"""A feeling typed with "done" ("done - too hard today", "Done, felt hard", "done!! squat
was 60kg, felt heavy"): the feedback tap's answer, recorded on the session just logged in
the same transaction, while the words stay its note; the one reply thanks for it instead
of asking "How did it feel?" with buttons the runner has already answered.

Progression reads the feedback, not the note (``coach.progression``): a feeling kept only
as a note left the next session asking "How did Thursday's session feel?" though the
runner had said it.
"""

from __future__ import annotations

from datetime import date

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.content import Content, Texts
from bot.messages.today import logged_keyboard, undo_button
from bot.services.log import FeedbackResult, record_feedback


def feeling_in(content: Content, note: str | None) -> str | None:
    """The feedback a "done" note carries (a ``Feedback`` value or "sore"), if any."""
    return content.phrases.feeling_in(note) if note else None


async def record_feeling(
    session: AsyncSession, chat_id: int, day: date, feeling: str | None
) -> str | None:
    """``feeling`` recorded on ``day``'s done log, in the caller's transaction; the feeling
    when it was written (the reply thanks for it), else None."""
    if feeling is None:
        return None
    sore = feeling == "sore"
    result = await record_feedback(
        session, chat_id, day, feedback=None if sore else feeling, sore=sore
    )
    return feeling if result is FeedbackResult.RECORDED else None


def logged_reply(
    t: Texts,
    text: str,
    day: date,
    recorded: str | None,
    weight_row: list[InlineKeyboardButton] | None = None,
) -> tuple[str, InlineKeyboardMarkup]:
    """ "✅ Logged" and what follows it: the thanks for a typed feeling (with ↩️ Undo only)
    or "How did it feel?" with its buttons; a loaded move's weight row on top."""
    if recorded is not None:
        text += "\n\n" + t(f"feedback.thanks_{recorded}")
        rows: list[list[InlineKeyboardButton]] = [[undo_button(t, day)]]
    else:
        text += "\n\n" + t("feedback.ask")
        rows = [list(row) for row in logged_keyboard(t, day).inline_keyboard]
    if weight_row:
        rows.insert(0, weight_row)
    return text, InlineKeyboardMarkup(rows)
