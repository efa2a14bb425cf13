"""This week is different: the runner changes only this week's runs ("long run on Sunday
this week", or from /week's buttons); the week's sessions are placed again by the same
rules, and next week is back to normal."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from bot.coach.week_change import Kind, parse_change
from bot.content import Texts
from bot.deps import get_deps
from bot.handlers.language import speaking
from bot.handlers.taps import show
from bot.messages import this_week as messages
from bot.messages.this_week import CANCEL, MENU, ThisWeekButton, change_of
from bot.services.this_week import Outcome, WeekChange, change_week, this_week
from bot.store.db import transaction

PROBLEMS = {
    Outcome.NOT_SET_UP: "today.not_set_up",
    Outcome.OVER: "this_week.over",
    Outcome.UNCHANGED: "this_week.no_change",
}


def _reply(
    t: Texts, result: WeekChange, *, step: str | None = None
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The answer to a change: what changed (with the way back to the usual week), what
    it would change (``step``: the change a button asks to confirm), or why not."""
    if result.outcome in PROBLEMS:
        return t(PROBLEMS[result.outcome]), None
    if result.outcome is Outcome.REFUSED and result.refusal is not None:
        return messages.refusal(t, result.refusal), None
    assert result.before is not None and result.after is not None and result.monday is not None
    summary = messages.summary(t, result.before, result.after, list(result.moved), result.usual)
    if step is not None:
        return messages.confirm(t, result.monday, step, summary)
    return summary, None if result.usual else messages.usual_button(t, result.monday)


async def typed_change(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """A typed change of this week's runs, handled (True), or not one (False)."""
    message = update.effective_message
    chat = update.effective_chat
    if message is None or chat is None or not message.text:
        return False
    deps = get_deps(context)
    words = speaking(deps).week_words
    assert words is not None  # every language's Content has them (bot.content)
    text = message.text
    now = deps.clock.now()
    t = speaking(deps).texts
    own = messages.own_words_change(t, text)
    # Most texts name no change of the week at all: no read for them.
    if own is None and not parse_change(text, words, now.date()):
        return False
    async with transaction(deps.sessions) as session:
        result = await change_week(
            session,
            chat.id,
            now,
            (own,) if own is not None else lambda today: parse_change(text, words, today),
        )
    # Answered after the commit: no reply is sent while a transaction holds a connection.
    reply, keyboard = _reply(t, result)
    await chat.send_message(reply, reply_markup=keyboard)
    return True


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A step of /week's "This week is different": the menu, a day, the confirmation."""
    query = update.callback_query
    if query is None:
        return
    deps = get_deps(context)
    t = speaking(deps).texts
    chat = update.effective_chat
    button = ThisWeekButton.parse(query.data)
    if chat is None or button is None:
        await query.answer(t("misc.stale_button"))
        return
    now = deps.clock.now()
    if button.step == CANCEL:
        await query.answer()
        await show(query, chat, t("this_week.cancelled"), None)
        return
    change = change_of(button.step)
    if change is None:
        async with transaction(deps.sessions) as session:
            week = await this_week(session, chat.id, now)
        if week is None or week.monday != button.monday:
            await query.answer(t("today.not_set_up" if week is None else "this_week.over"))
            return
        await query.answer()
        if button.step not in ("", MENU):
            await show(
                query, chat, *messages.pick_day(t, week.monday, Kind(button.step), week.today)
            )
            return
        text, keyboard = messages.menu(t, week.monday, week.runs, week.changed)
        if button.step == MENU:
            await show(query, chat, text, keyboard)
        else:
            await chat.send_message(text, reply_markup=keyboard)
        return
    async with transaction(deps.sessions) as session:
        result = await change_week(
            session, chat.id, now, (change,), monday=button.monday, store=button.confirmed
        )
    if result.outcome in (Outcome.NOT_SET_UP, Outcome.OVER):
        await query.answer(_reply(t, result)[0])
        return
    done = button.confirmed and result.outcome is Outcome.CHANGED
    await query.answer(t("this_week.answer_done") if done else None)
    await show(query, chat, *_reply(t, result, step=None if button.confirmed else button.step))


def handlers() -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]:
    """/week's "This week is different" buttons."""
    return [CallbackQueryHandler(on_button, pattern=ThisWeekButton.PATTERN)]
