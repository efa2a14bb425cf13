"""What runners type outside a question: "done", "skip", "how am I doing?" and the rest of
the conversation.

One matcher (``bot.coach.intents``, over ``content/phrases.toml``) says what a message
asks for, and this router answers it with the same services and texts the commands and
buttons use, so "what do I do today?" and /today can never disagree. For two hours
after "done" (``services.notes.NOTE_WINDOW``) a recognised request is still a request
and a word of effort is the feedback tap's answer; only what is neither becomes a note.

``handlers()`` is registered after every command and button handler, so a text reaches
it only when nothing more specific took it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import timedelta

from telegram import Chat, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CommandHandler, ContextTypes, MessageHandler, filters

from bot.coach.intents import Intent, Understood
from bot.coach.progress import Progress
from bot.coach.status import LogStatus, SkipReason
from bot.coach.weights import is_pain, read_unitless, read_weights
from bot.content import Content
from bot.deps import Deps, get_deps
from bot.handlers import commands, export, loads, setup, this_week, undo
from bot.handlers import skip as skip_handler
from bot.handlers import snooze as snooze_handler
from bot.handlers import today as today_handler
from bot.handlers import week as week_handler
from bot.handlers.done_feeling import feeling_in
from bot.handlers.language import menu as language_menu
from bot.handlers.language import speaking
from bot.messages import chat as chat_messages
from bot.messages import skip as skip_messages
from bot.messages import views
from bot.messages.callbacks import SwapWhich
from bot.messages.onboarding import calendar
from bot.messages.today import today_message
from bot.services.calendar import local_today, next_slot
from bot.services.chat import Moved, glance, move_to_tomorrow, standing, yesterday_of
from bot.services.log import FeedbackResult, record_feedback
from bot.services.log_book import RecentWeeks, read_recent_weeks
from bot.services.notes import just_done, note_after_workout
from bot.services.plan import read_today
from bot.services.progress import read_progress
from bot.store import runners
from bot.store.db import transaction


async def done_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A typed message outside a question: whatever it asks for, answered."""
    message = update.effective_message
    assert message is not None
    text = message.text or ""
    await _answer(update, context, speaking(get_deps(context)).phrases.understand(text), text)


async def done_caption(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A photo (or other media) captioned "done" or "skip": the caption is the text. Any
    other caption gets the answer every non-text message gets."""
    deps = get_deps(context)
    message = update.effective_message
    assert message is not None
    understood = speaking(deps).phrases.understand(message.caption or "")
    if understood.intent in (Intent.DONE, Intent.SKIP):
        await _log(update, deps, understood)
        return
    await message.chat.send_message(speaking(deps).texts("misc.non_text"))


async def _log(update: Update, deps: Deps, understood: Understood) -> None:
    """A typed done or skip: today's session (``log_session`` picks it), or yesterday's
    when the runner said so ("did it yesterday")."""
    chat = update.effective_chat
    assert chat is not None
    status = LogStatus.DONE if understood.intent is Intent.DONE else LogStatus.SKIPPED
    day = None
    note = understood.note
    named = (
        speaking(deps).phrases.day_in(note, *_weekdays(speaking(deps)))
        if note and not understood.yesterday and status is LogStatus.DONE
        else None
    )
    if understood.yesterday or named is not None:
        async with transaction(deps.sessions) as session:
            day = await yesterday_of(session, chat.id, deps.clock.now())
    if named is not None:
        # "done tuesday", "сделал во вторник": that day's session, the latest such day up
        # to today (today's own: no day). One out of the look-back gets log_session's "too
        # long ago", not today's session logged in its place. A skip's day is ahead ("skip
        # saturday"): it stays the skip's note.
        weekday, note = named
        if day is not None:
            back = (day.weekday() + 1 - weekday) % 7
            day = day + timedelta(days=1 - back) if back else None
    understood = Understood(understood.intent, note=note, yesterday=understood.yesterday)
    reason = speaking(deps).phrases.reason_of(understood.note or "")
    await today_handler.log_and_reply(
        update,
        deps,
        None,
        status=status,
        note=understood.note,
        day=day,
        reason=SkipReason(reason) if reason is not None and status is LogStatus.SKIPPED else None,
        # "done - too hard today": the feeling is the feedback tap's answer.
        feeling=feeling_in(speaking(deps), understood.note) if status is LogStatus.DONE else None,
        # "done but my knee hurt on the squats": the pain rule, in the same reply.
        pain=status is LogStatus.DONE
        and is_pain(understood.note or "", words=speaking(deps).load_words),
    )


async def _answer(
    update: Update, context: ContextTypes.DEFAULT_TYPE, understood: Understood, text: str
) -> None:
    deps = get_deps(context)
    chat = update.effective_chat
    assert chat is not None
    intent = understood.intent
    reading = (
        read_weights(text, words=speaking(deps).load_words)
        if intent not in (Intent.SKIP, Intent.UNDO)
        else None
    )
    if reading is None and intent is Intent.DONE and understood.note:
        # "Done. squat 62.5", "done 62,5": a number after "done" is a weight in the
        # runner's unit (``typed_weights`` checks a name is one of the session's moves).
        reading = read_unitless(understood.note, words=speaking(deps).load_words)
    if reading is not None and await loads.typed_weights(update, deps, understood, reading, text):
        return  # "done, squat 60 kg", "RDL 40kg", "60" after "done"
    if intent not in (Intent.DONE, Intent.SKIP, Intent.UNDO):
        understood = _done_on_a_day(deps, text) or understood
        intent = understood.intent
    if (
        intent is Intent.SKIP
        and understood.note
        and not understood.yesterday
        and (reason := speaking(deps).phrases.reason_of(understood.note)) is not None
        and await _typed_reason(deps, chat, SkipReason(reason))
    ):
        return  # "skip, knee hurts" after today's skip: the reason it lacked, not "already"
    if intent in (Intent.DONE, Intent.SKIP):
        await _log(update, deps, understood)
    elif intent is Intent.UNDO:
        await undo.undo_typed(update, context)
    elif (
        (reason := speaking(deps).phrases.reason_of(text)) is not None
        and intent
        in (
            Intent.UNKNOWN,
            Intent.FEEDBACK,
        )
        and await _typed_reason(deps, chat, SkipReason(reason))
    ):
        return  # "busy", typed instead of tapped under "What got in the way?"
    elif is_pain(text, words=speaking(deps).load_words):
        await _pain(deps, chat)
    elif intent is Intent.FEEDBACK and understood.feeling is not None:
        await _feedback(deps, chat, understood.feeling)
    elif intent is Intent.SNOOZE:
        await snooze_handler.snooze_typed(update, context, text)  # "remind me in an hour"
    elif await this_week.typed_change(update, context):
        return  # "long run on Sunday this week"
    elif intent is Intent.MOVE:
        await _move(deps, chat)
    elif intent in _COMMANDS:
        await _COMMANDS[intent](update, context)
    elif intent is Intent.PROGRESS:
        await _standing(deps, chat, levels_only=False)
    elif intent is Intent.LEVEL:
        await _standing(deps, chat, levels_only=True)
    elif intent is Intent.LAST_WEEK:
        await _recent_weeks(deps, chat)
    elif intent is Intent.WEEK_SO_FAR:
        await _week_so_far(deps, chat)
    elif intent is Intent.NEXT:
        await next_session(update, context)
    elif intent is Intent.THANKS:
        await chat.send_message(speaking(deps).texts("chat.thanks"))
    elif intent is Intent.GREETING:
        await _hello(deps, chat)
    elif intent is Intent.UNKNOWN and _asks_language(deps, text):
        # "sprich deutsch" on an English chat: the menu, each language by its own name.
        content = speaking(deps)
        await chat.send_message(
            content.texts("languages.menu"), reply_markup=language_menu(content)
        )
    elif not await _note_after_workout(deps, chat, text):
        await _unknown(deps, chat, text)


_COMMANDS = {
    Intent.TODAY: today_handler.today,
    Intent.WEEK: week_handler.week,
    Intent.HELP: commands.help_command,
    Intent.PAUSE: commands.pause,
    Intent.RESUME: commands.resume,
    Intent.EXPORT: export.export_command,
    # "my race moved to 19 april": the /settings menu, where each is changed.
    Intent.SETTINGS: setup.settings,
}


async def next_session(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/next, "what's next", "tomorrow?": the next session after today, exercises and
    all, as /today will show it that day (without its buttons: it is not done yet)."""
    deps = get_deps(context)
    chat = update.effective_chat
    assert chat is not None
    t = speaking(deps).texts
    now = deps.clock.now()
    async with transaction(deps.sessions) as session:
        found = await read_today(session, chat.id, now)
    if found is None:
        await chat.send_message(t("today.not_set_up"))
        return
    slot = next_slot(found.runner, found.calendar, found.day, include_today=False)
    if slot is None:
        await chat.send_message(t("today.no_sessions"))
        return
    text, _buttons = today_message(
        speaking(deps), found.runner, slot.day, now, None, found.history, found.calendar
    )
    await chat.send_message(t("chat.next_header") + "\n" + text)


# Words of effort that, with no session just logged, only say "OK" ("great", "nice").
_OK = ("easy", "right")


async def _feedback(deps: Deps, chat: Chat, feeling: str) -> None:
    """A word of effort soon after "done": what the feedback button would record, and
    its answer."""
    t = speaking(deps).texts
    now = deps.clock.now()
    sore = feeling == "sore"
    result = None
    async with transaction(deps.sessions) as session:
        found = await just_done(session, chat.id, now)
        if found is not None:
            day, _today = found
            result = await record_feedback(
                session, chat.id, day, feedback=None if sore else feeling, sore=sore
            )
    if (result is None or result is FeedbackResult.NOT_DONE) and feeling in _OK:
        async with transaction(deps.sessions) as session:
            today = await glance(session, chat.id, now)
        text = t("chat.thanks") if today is None else chat_messages.ack_text(t, today)
        await chat.send_message(text)
    elif result is None or result is FeedbackResult.NOT_DONE:
        await chat.send_message(t("chat.feedback_no_session"))
    elif result is FeedbackResult.REPEATED:
        await chat.send_message(t("replies.feedback_again"))
    else:
        await chat.send_message(t(f"feedback.thanks_{feeling}"))


async def _pain(deps: Deps, chat: Chat) -> None:
    """ "🤕" alone, "sharp pain", "it hurts": the pain rule — stop that exercise; ⇄ Swap it
    or rest today. Soon after "done" it is also that session's "sore" (as the tap)."""
    t = speaking(deps).texts
    now = deps.clock.now()
    today = None
    async with transaction(deps.sessions) as session:
        found = await just_done(session, chat.id, now)
        if found is not None:
            day, today = found
            await record_feedback(session, chat.id, day, feedback=None, sore=True)
        elif (runner := await runners.read_runner(session, chat.id)) is not None:
            today = local_today(runner, now)
    keyboard = None
    if today is not None:
        swap = InlineKeyboardButton(t("swap.button"), callback_data=SwapWhich(today).pack())
        keyboard = InlineKeyboardMarkup([[swap]])
    await chat.send_message(t("loads.pain"), reply_markup=keyboard)


async def _typed_reason(deps: Deps, chat: Chat, reason: SkipReason) -> bool:
    """The reason for today's or yesterday's skip, if one of them waits for it."""
    async with transaction(deps.sessions) as session:
        day = await yesterday_of(session, chat.id, deps.clock.now())
    if day is None:
        return False
    return await skip_handler.typed_reason(deps, chat, reason, [day + timedelta(days=1), day])


async def _move(deps: Deps, chat: Chat) -> None:
    """ "Can I do it tomorrow instead?": today's session skipped for being busy and moved
    (or the move offered), as the skip buttons would."""
    t = speaking(deps).texts
    async with transaction(deps.sessions) as session:
        moved = await move_to_tomorrow(session, chat.id, deps.clock.now())
    if moved is None:
        await chat.send_message(t("today.not_set_up"))
        return
    today = moved.today
    if moved.result is Moved.NO_SESSION:
        await chat.send_message(chat_messages.move_nothing_text(t, moved.following, today))
    elif moved.result is Moved.LOGGED:
        await chat.send_message(
            chat_messages.move_logged_text(t, moved.status, moved.following, today)
        )
    elif moved.result is Moved.MOVED and moved.slot is not None and moved.target is not None:
        await chat.send_message(
            t(
                "skip.moved",
                focus=views.focus_label(t, moved.slot.focus),
                target=views.day_label(t, moved.target, today),
            )
        )
    elif moved.result is Moved.OFFER and moved.slot is not None and moved.target is not None:
        text, keyboard = skip_messages.move_offer(
            t, SkipReason.BUSY, moved.slot, today, moved.target, today
        )
        await chat.send_message(t("chat.move_not_tomorrow") + "\n" + text, reply_markup=keyboard)
    else:  # no day keeps the rules: nothing was logged, today's session is still on
        await chat.send_message(t("chat.move_no_day"))


async def _standing(deps: Deps, chat: Chat, *, levels_only: bool) -> None:
    """ "How am I doing?" (and "my streak", "how many sessions have I done?"): the streak,
    X of Y and the sessions this month and in all (``services.progress``, the numbers
    /progress shows), this week and the levels; "what level am I?": the
    levels and where each started."""
    t = speaking(deps).texts
    now = deps.clock.now()
    async with transaction(deps.sessions) as session:
        found = await standing(session, chat.id, now)
        progress = (
            await read_progress(session, chat.id, now, catalog=speaking(deps).catalog)
            if found is not None
            else None
        )
    if found is None:
        await chat.send_message(t("today.not_set_up"))
    elif levels_only:
        starts = progress.level_start if progress is not None else None
        await chat.send_message(chat_messages.levels_text(t, found.levels, starts, found.today.day))
    else:
        await chat.send_message(chat_messages.standing_text(t, found, progress))


async def _recent_and_progress(
    deps: Deps, chat: Chat
) -> tuple[RecentWeeks, Progress | None] | None:
    """Last week's and this week's logs and the runner's progress, read in one transaction
    (None, after saying so, for a runner not set up): what "last week?" and "this week so
    far?" both answer from."""
    now = deps.clock.now()
    async with transaction(deps.sessions) as session:
        recent = await read_recent_weeks(session, chat.id, now)
        progress = (
            await read_progress(session, chat.id, now, catalog=speaking(deps).catalog)
            if recent is not None
            else None
        )
    if recent is None:
        await chat.send_message(speaking(deps).texts("today.not_set_up"))
        return None
    return recent, progress


async def _recent_weeks(deps: Deps, chat: Chat) -> None:
    """ "What did I do last week?", "what did I do on Monday?": last week's and this week's
    logs as /history shows them, last week's tally and the streak."""
    t = speaking(deps).texts
    found = await _recent_and_progress(deps, chat)
    if found is None:
        return
    recent, progress = found
    tally = None
    if progress is not None:
        tally = next((week for week in progress.weeks if week.facts.monday == recent.monday), None)
    streak = progress.streak if progress is not None else None
    await chat.send_message(chat_messages.recent_weeks_text(t, recent, tally, streak))


async def _week_so_far(deps: Deps, chat: Chat) -> None:
    """ "What did I do this week?", "this week so far": this week's logs as /history shows
    them and its tally (done of planned, from ``services.progress`` as /progress counts)."""
    t = speaking(deps).texts
    found = await _recent_and_progress(deps, chat)
    if found is None:
        return
    recent, progress = found
    this_monday = recent.monday + timedelta(weeks=1)
    tally = None
    if progress is not None:
        tally = next((week for week in progress.weeks if week.facts.monday == this_monday), None)
    await chat.send_message(chat_messages.week_so_far_text(t, recent, tally))


def _done_on_a_day(deps: Deps, text: str) -> Understood | None:
    """ "hecho el martes", "am Dienstag erledigt": a done whose day stands where the strict
    reading refuses it (after "el" as after "the" in "finished the book", or before the
    phrase). Done, with the day first in its note, where ``_log`` finds it; None else."""
    phrases = speaking(deps).phrases
    found = phrases.without_day(text, *_weekdays(speaking(deps)))
    if found is None:
        return None
    day, rest = found
    again = phrases.understand(rest)
    if again.intent is not Intent.DONE or again.yesterday:
        return None
    note = f"{day}, {again.note}" if again.note else day
    return Understood(Intent.DONE, note=note)


def _weekdays(content: Content) -> tuple[Mapping[str, int], Collection[str]]:
    """Every spelling of a weekday in the language and English's (CLDR's names through
    Babel and the content's extras, as onboarding reads run days), and the whole names."""
    words = calendar(content.texts)
    return words.days, words.full_days


def _asks_language(deps: Deps, text: str) -> bool:
    """Whether ``text`` asks for a language (or the menu) in any shipped language's words:
    a runner asks for German in German ("sprich deutsch"), whatever the chat speaks now."""
    return any(
        deps.content.speaking(code).phrases.asks_language(text) for code in deps.content.codes
    )


async def _hello(deps: Deps, chat: Chat) -> None:
    t = speaking(deps).texts
    async with transaction(deps.sessions) as session:
        found = await glance(session, chat.id, deps.clock.now())
    if found is None:
        await chat.send_message(t("chat.hello_not_set_up"))
    else:
        await chat.send_message(chat_messages.hello_text(t, found))


async def _unknown(deps: Deps, chat: Chat, text: str) -> None:
    """Not understood: what the message looks like, or what the runner's day suggests."""
    async with transaction(deps.sessions) as session:
        found = await glance(session, chat.id, deps.clock.now())
    suggestion = speaking(deps).phrases.suggest(text)
    await chat.send_message(chat_messages.unknown_text(speaking(deps).texts, suggestion, found))


async def _note_after_workout(deps: Deps, chat: Chat, text: str) -> bool:
    """Free text soon after logging a session is a note on it ("planks were brutal")."""
    t = speaking(deps).texts
    async with transaction(deps.sessions) as session:
        added = await note_after_workout(session, chat.id, text, deps.clock.now())
    if added is None:
        return False
    day, today = added
    note = views.user_text(text)
    if day == today:
        await chat.send_message(t("feedback.note_added", note=note))
    else:
        await chat.send_message(t("chat.note_added_day", day=views.day_label(t, day), note=note))
    return True


def command_handlers() -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]:
    """Commands of the conversation (registered before the unknown-command answer):
    /next, and /today with words after it ("/today tomorrow"), which shows the next
    session when it is registered ahead of /today's own handler."""
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("next", next_session, filters=private),
        CommandHandler("today", today_with_words, filters=private, has_args=True),
    ]


async def today_with_words(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """ "/today tomorrow", "/today next": the next session; any other words, /today."""
    words = " ".join(context.args or [])
    understood = speaking(get_deps(context)).phrases.understand(words)
    if understood.intent is Intent.NEXT:
        await next_session(update, context)
    else:
        await today_handler.today(update, context)


def handlers() -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]:
    """Typed text, and captions ("done" under a photo logs like the text)."""
    private = filters.ChatType.PRIVATE
    return [
        MessageHandler(private & filters.TEXT, done_text),
        MessageHandler(private & filters.CAPTION, done_caption),
    ]
