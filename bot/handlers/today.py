"""/today, "done", the Done/Skip buttons and the "which focus did you do?" follow-up.

A button answers once: a second tap of the same button (two taps queued before the
first is answered, or a tap on a keyboard that was already used) gets a toast, never a
second message; a button whose data the bot could not have made gets "expired".
"""

from __future__ import annotations

from datetime import date

from telegram import CallbackQuery, Update
from telegram.ext import ContextTypes

from bot.coach.status import LogStatus, SkipReason
from bot.coach.week import Focus
from bot.deps import Deps, get_deps
from bot.handlers import skip as skip_handler
from bot.handlers.done_feeling import logged_reply, record_feeling
from bot.handlers.language import speaking
from bot.handlers.taps import tap_or_stale
from bot.handlers.weight_prompt import Known, weight_prompt
from bot.messages import skip as skip_messages
from bot.messages import views
from bot.messages.callbacks import (
    DidButton,
    FeedbackAnswer,
    FeedbackButton,
    SessionButton,
    SkipButton,
)
from bot.messages.today import outcome_text, today_message
from bot.services.activity import block_runner, wake_runner
from bot.services.calendar import local_today
from bot.services.history import history_from, runner_and_recent_log
from bot.services.log import (
    FeedbackResult,
    LogOutcome,
    LogResult,
    hold_note,
    log_session,
    record_feedback,
    take_note,
)
from bot.services.plan import read_today
from bot.store import runners
from bot.store.db import transaction
from bot.store.models import Runner


async def _runner(deps: Deps, chat_id: int) -> Runner | None:
    async with transaction(deps.sessions) as session:
        runner = await runners.read_runner(session, chat_id)
    return runner if runner is not None and runner.onboarded else None


async def wake(deps: Deps, chat_id: int) -> None:
    """Reactivate a runner marked inactive after Telegram said they blocked the bot."""
    deps.inactive.discard(chat_id)
    async with transaction(deps.sessions) as session:
        await wake_runner(session, chat_id, deps.clock.now())


async def block(deps: Deps, chat_id: int) -> None:
    """The runner blocked the bot: no reminders from now on (none would arrive), until
    they unblock it or write again (``wake``)."""
    deps.inactive.add(chat_id)
    async with transaction(deps.sessions) as session:
        await block_runner(session, chat_id, deps.clock.now())


async def today(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    deps = get_deps(context)
    chat = update.effective_chat
    assert chat is not None
    now = deps.clock.now()
    async with transaction(deps.sessions) as session:  # one transaction: runner and log
        found = await read_today(session, chat.id, now)
    if found is None:
        await chat.send_message(speaking(deps).texts("today.not_set_up"))
        return
    text, keyboard = today_message(
        speaking(deps), found.runner, found.day, now, found.status, found.history, found.calendar
    )
    await chat.send_message(text, reply_markup=keyboard)


async def log_and_reply(
    update: Update,
    deps: Deps,
    runner: Runner | None,
    *,
    status: LogStatus,
    note: str | None,
    day: date | None = None,
    focus: Focus | None = None,
    query: CallbackQuery | None = None,
    reason: SkipReason | None = None,
    feeling: str | None = None,
    pain: bool = False,
) -> LogOutcome | None:
    """Log the session and answer. From a button (``query``, not answered yet), a session
    already logged is answered in the button's toast instead of a message: that is a
    double tap, and a second message would repeat the first. A ``feeling`` typed with the
    "done" is recorded with the log, and the one reply thanks for it; words that say it
    hurt (``pain``) get the pain rule in the same reply and count as sore."""
    t = speaking(deps).texts
    recorded: str | None = None
    chat = update.effective_chat
    assert chat is not None
    now = deps.clock.now()
    async with transaction(deps.sessions) as session:
        recent = None
        if runner is None:  # read in the same transaction as the log it leads to
            runner, recent = await runner_and_recent_log(session, chat.id, now)
        if runner is not None and runner.onboarded:
            outcome = await log_session(
                session,
                runner,
                now=now,
                status=status,
                note=note,
                day=day,
                focus=focus,
                recent=recent,
            )
            if outcome.result is LogResult.ASK_FOCUS and status is LogStatus.DONE:
                deps.draft_cache[chat.id] = await hold_note(session, chat.id, note, now)
            if outcome.result is LogResult.LOGGED and outcome.status == LogStatus.DONE:
                assert outcome.day is not None
                recorded = await record_feeling(
                    session, chat.id, outcome.day, feeling or ("sore" if pain else None)
                )
    # Replies leave after the commit: a slow send must not hold a database connection.
    if runner is None or not runner.onboarded:
        await chat.send_message(t("done.not_set_up"))
        return None
    today = local_today(runner, now)
    if query is not None:
        if outcome.result is LogResult.ALREADY:
            await query.answer(views.toast(outcome_text(t, outcome, today, None)))
            return outcome
        await query.answer()
    if outcome.result is LogResult.ASK_FOCUS and status is LogStatus.SKIPPED:
        await chat.send_message(
            t("done.nothing_to_skip") + "\n" + views.next_session_line(t, outcome.following, today)
        )
        return outcome
    if outcome.result is LogResult.ASK_FOCUS:
        assert outcome.day is not None
        await chat.send_message(
            t("done.ask_focus"), reply_markup=views.focus_keyboard(t, outcome.day)
        )
        return outcome
    text = outcome_text(t, outcome, today, note if outcome.result is LogResult.LOGGED else None)
    if outcome.result is LogResult.LOGGED and status is LogStatus.SKIPPED:
        assert outcome.day is not None and outcome.focus is not None
        # The reason came with it ("skip, too tired"): answered as its tap would be.
        skipped_line = t(
            "done.skipped",
            focus=views.focus_label(t, outcome.focus),
            day=views.day_label(t, outcome.day, today),
            next_line="",
        ).strip()
        if reason is not None and await skip_handler.typed_reason(
            deps, chat, reason, [outcome.day], intro=skipped_line
        ):
            return outcome
        # Why, in one tap; then maybe move it (bot/handlers/skip.py).
        text, keyboard = skip_messages.ask_reason(t, outcome.focus, outcome.day, today)
        await chat.send_message(text, reply_markup=keyboard)
        return outcome
    if outcome.result is LogResult.LOGGED and status is LogStatus.DONE and outcome.day is not None:
        # One tap of feedback, used by progression; ↩️ Undo for a "done" by mistake; the
        # weight of a loaded move in one tap (or the question, once).
        # The runner and the log "done" read: no second read for the prompt.
        known = (
            Known(runner, history_from(recent, today), outcome.focus)
            if recent is not None and outcome.focus is not None
            else None
        )
        line, row = await weight_prompt(deps, chat.id, outcome.day, known)
        if line:
            text += "\n" + line
        if pain:
            text += "\n" + t("loads.pain_after_done")
        text, keyboard = logged_reply(t, text, outcome.day, recorded, row)
        await chat.send_message(text, reply_markup=keyboard)
        return outcome
    await chat.send_message(text)
    return outcome


async def on_feedback_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Easy / Just right / Hard / Too hard / Sore under a logged session: answered once, in
    a message (it says what the coach will do with it, worth keeping in the chat). The same
    answer again (a double tap) is acknowledged in the toast only."""
    if (tap := await tap_or_stale(update, context, FeedbackButton)) is None:
        return
    deps, t, query, chat = tap.deps, tap.t, tap.query, tap.chat
    day, answer = tap.button.day, tap.button.answer
    sore = answer is FeedbackAnswer.SORE
    async with transaction(deps.sessions) as session:
        result = await record_feedback(
            session, chat.id, day, feedback=None if sore else answer.value, sore=sore
        )
    if result is FeedbackResult.REPEATED:
        await query.answer(views.toast(t("replies.feedback_again")))
        return
    if result is FeedbackResult.NOT_DONE:
        await tap.stale()
        return
    await query.answer()
    await chat.send_message(t(f"feedback.thanks_{answer.value}"))


async def on_session_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """✅ Done / ⏭ Skip under a session, and the focus buttons after an unplanned "done".

    A day after the runner's today cannot be on a button the bot sent (it offers today's
    and re-offers past days): such data is answered as expired, not as "too long ago"."""
    if (tap := await tap_or_stale(update, context, SessionButton)) is None:
        return
    deps, query, chat, button = tap.deps, tap.query, tap.chat, tap.button
    runner = await _runner(deps, chat.id)
    if runner is None or button.day > local_today(runner, deps.clock.now()):
        await tap.stale()
        return
    note: str | None = None
    focus: Focus | None = None
    if isinstance(button, DidButton):
        focus = button.focus
        async with transaction(deps.sessions) as session:
            note, stored = await take_note(session, chat.id, deps.clock.now())
        if stored is not None:
            deps.draft_cache[chat.id] = stored
        else:
            deps.draft_cache.pop(chat.id, None)
    status = LogStatus.SKIPPED if isinstance(button, SkipButton) else LogStatus.DONE
    outcome = await log_and_reply(
        update, deps, runner, status=status, note=note, day=button.day, focus=focus, query=query
    )
    if outcome is not None and outcome.result in (
        LogResult.LOGGED,
        LogResult.ALREADY,
        LogResult.TOO_OLD,
        LogResult.BEFORE_START,
    ):
        await tap.close()
