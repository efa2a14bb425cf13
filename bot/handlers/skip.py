"""After "⏭ Skip": why, in one tap, and moving the session to a day that keeps the rules.

A skip is logged at once (nothing is lost if the runner never answers); the reason and
the move are follow-ups. Which day a session may move to is the coach's call
(``bot.coach.calendar.move_target``), so a moved session never lands before a long run
or a hard day, or next to another strength session.
"""

from __future__ import annotations

from datetime import date

from telegram import Chat, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from bot.coach.status import SkipReason
from bot.deps import Deps
from bot.handlers.language import speaking
from bot.handlers.taps import show, tap_or_stale
from bot.messages import skip as skip_messages
from bot.messages import views
from bot.messages.callbacks import KeepSkipped, MoveButton, ReasonButton
from bot.services.calendar import next_slot
from bot.services.skip import (
    MoveResult,
    ReasonResult,
    Skipped,
    give_reason,
    move_offer,
    move_skipped,
    skipped,
)
from bot.store.db import transaction


async def on_reason(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if (tap := await tap_or_stale(update, context, ReasonButton)) is None:
        return
    deps, query, chat = tap.deps, tap.query, tap.chat
    day, reason = tap.button.day, tap.button.reason
    # Answers go out after the transaction: SQLite's one connection must not wait on the
    # network while other chats' updates are handled.
    async with transaction(deps.sessions) as session:
        result, found = await give_reason(session, chat.id, day, reason, deps.clock.now())
    if result is ReasonResult.STALE:
        await tap.stale()
        return
    if result is ReasonResult.ANSWERED or found is None:
        # Answered already: a second tap (both left before the first reply came), or
        # another reason on the same keyboard. The first one stands.
        await query.answer()
        return
    await query.answer()
    await tap.close()
    await _follow_reason(deps, chat, found, day, reason)


async def _follow_reason(
    deps: Deps, chat: Chat, found: Skipped, day: date, reason: SkipReason, intro: str = ""
) -> None:
    """After the reason: rest (sore, ill), or the day the session may move to; ``intro``
    (the skip's own line, when the reason came with it) goes first."""
    t = speaking(deps).texts
    offer = move_offer(found, day, reason)
    keyboard = None
    if offer.target is None or offer.slot is None:
        text = skip_messages.no_move_text(t, reason, offer.slot, offer.following, found.today)
    else:
        text, keyboard = skip_messages.move_offer(
            t, reason, offer.slot, day, offer.target, found.today
        )
    await chat.send_message(intro + "\n" + text if intro else text, reply_markup=keyboard)


async def typed_reason(
    deps: Deps, chat: Chat, reason: SkipReason, days: list[date], intro: str = ""
) -> bool:
    """A reason typed instead of tapped ("skip, too tired", or "busy" after "What got in
    the way?"): stored for the first of ``days`` logged as skipped with no reason yet, and
    answered as the tap would be. False (nothing written) when none of them is one."""
    for day in days:
        async with transaction(deps.sessions) as session:
            result, found = await give_reason(session, chat.id, day, reason, deps.clock.now())
        if result is ReasonResult.RECORDED and found is not None:
            await _follow_reason(deps, chat, found, day, reason, intro)
            return True
    return False


# What to say when a move did not happen (a stale button is answered as expired).
MOVE_PROBLEMS = {
    MoveResult.GONE: "skip.move_gone",
    MoveResult.NOT_STORED: "records.move_not_stored",
}


async def on_move(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if (tap := await tap_or_stale(update, context, MoveButton)) is None:
        return
    deps, t, query, chat = tap.deps, tap.t, tap.query, tap.chat
    from_day, to_day = tap.button.from_day, tap.button.to_day
    # Answered after the transaction, so SQLite's one connection never waits on the network.
    async with transaction(deps.sessions) as session:
        move = await move_skipped(session, chat.id, from_day, to_day, deps.clock.now())
    if move.result is MoveResult.STALE:
        await tap.stale()
        return
    await query.answer()
    await tap.close()
    if move.result is not MoveResult.MOVED or move.slot is None or move.today is None:
        await chat.send_message(t(MOVE_PROBLEMS.get(move.result, "skip.move_gone")))
        return
    await chat.send_message(
        t(
            "skip.moved",
            focus=views.focus_label(t, move.slot.focus),
            target=views.day_label(t, to_day, move.today),
        )
    )


async def on_keep(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """ "No, just skip it": the offer turns into the answer (an edit, so a second tap adds
    nothing); only for a day that is logged as skipped."""
    if (tap := await tap_or_stale(update, context, KeepSkipped)) is None:
        return
    deps, t, query, chat, day = tap.deps, tap.t, tap.query, tap.chat, tap.button.day
    async with transaction(deps.sessions) as session:
        found = await skipped(session, chat.id, day, deps.clock.now())
    if found is None:
        await tap.stale()
        return
    await query.answer()
    following = next_slot(found.runner, found.calendar, found.today, include_today=False)
    text = t("skip.kept", next_line=skip_messages.next_line(t, following, found.today))
    await show(query, chat, text, None)


def handlers() -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]:
    return [
        CallbackQueryHandler(on_reason, pattern=ReasonButton.PATTERN),
        CallbackQueryHandler(on_move, pattern=MoveButton.PATTERN),
        CallbackQueryHandler(on_keep, pattern=KeepSkipped.PATTERN),
    ]
