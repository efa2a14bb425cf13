"""A feeling typed with "done" ("done - too hard today", "Done, felt hard", "done!! squat
was 60kg, felt heavy"): the feedback tap's answer, recorded on the session just logged,
while the words stay its note.

Progression reads the feedback, not the note (``coach.progression``): a feeling kept only
as a note left the next session asking "How did Thursday's session feel?" though the
runner had said it.
"""

from __future__ import annotations

from datetime import date

from telegram import Chat

from bot.deps import Deps
from bot.services.log import FeedbackResult, record_feedback
from bot.store.db import transaction


async def feeling_with_done(deps: Deps, chat: Chat, day: date | None, note: str | None) -> bool:
    """The feeling in ``note``, recorded on the session logged done on ``day`` and
    answered as its tap is; False (nothing written or sent) when the note has none."""
    if day is None or not note:
        return False
    feeling = deps.content.phrases.feeling_in(note)
    if feeling is None:
        return False
    sore = feeling == "sore"
    async with transaction(deps.sessions) as session:
        result = await record_feedback(
            session, chat.id, day, feedback=None if sore else feeling, sore=sore
        )
    if result is not FeedbackResult.RECORDED:
        return False
    await chat.send_message(deps.content.texts(f"feedback.thanks_{feeling}"))
    return True
