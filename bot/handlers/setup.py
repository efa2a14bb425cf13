"""The setup conversation: /start onboarding and /settings, one question per message.

Onboarding walks every question, /settings the chain of one answer. Where a runner is
lives in one place: their draft in the database (``bot.store.drafts.Draft.step``), read
through the write-through cache in ``Deps.draft_cache``. No ConversationHandler: plain
handlers (``handlers()``) find the open draft. ``on_message`` runs before every other
message handler and takes a private chat's message when that chat has a conversation
open; otherwise the message goes on to the others ("done", unknown text…). Each answer
is one transaction (the answer and the next step together), so a restart, or another
process, continues at the same question. The step is stored *before* the question or
screen is sent: a runner can only answer what they have seen, so their answer finds its
step in the database even when it reaches another process (webhook instances behind one
address, tests/test_webhook_instances.py) while this one is still finishing.

The questions themselves (texts, keyboards, parsers, echoes) are data:
``bot.messages.onboarding.QUESTIONS``.
"""

from __future__ import annotations

import asyncio
import html
import logging

from telegram import (
    CallbackQuery,
    Chat,
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.error import BadRequest
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import housekeeping
from bot.coach import answers as A
from bot.coach.corrections import Correction, correction, hedged, topic
from bot.coach.parsing import clean_text, closest
from bot.coach.timezones import ZoneChoice, local_place
from bot.coach.week import RunnerWeek
from bot.deps import Deps, get_deps
from bot.handlers import language
from bot.handlers.language import speaking
from bot.messages import onboarding as Q
from bot.messages import views
from bot.messages.callbacks import SetupButton
from bot.messages.onboarding import ALREADY_SET_UP, CHANGE_MENU, CONFIRM, Answers
from bot.messages.preview import setting_saved_text
from bot.services.calendar import local_today, monday_of
from bot.services.languages import choose, draft_language
from bot.services.next_reminder import set_checkin
from bot.services.onboarding import runner_answers, save_answers
from bot.services.plan import first_session
from bot.store import drafts, runners
from bot.store.db import transaction
from bot.store.drafts import Draft, Mode
from bot.store.models import Runner
from bot.texts import Texts

log = logging.getLogger(__name__)

# The cached question builder; ``_question.__wrapped__`` builds without the cache.
_question = Q.built_question


def question(deps: Deps, step: str, answers: Answers) -> Q.Asked:
    """The text and keyboard of one question (``bot.messages.onboarding.question``)."""
    return Q.question(speaking(deps).texts, step, answers)


# ---- the draft ----------------------------------------------------------------------


def _chat(update: Update) -> Chat:
    chat = update.effective_chat
    assert chat is not None  # every update routed here comes from a chat (guards.py)
    return chat


async def _load(deps: Deps, chat_id: int) -> Draft:
    """The runner's draft; an empty one if there is none, or if it was abandoned long
    enough ago to be forgotten (``drafts.ABANDONED_AFTER``: then it is deleted here)."""
    cached = deps.draft_cache.get(chat_id)
    if cached is not None:
        return Draft.from_json(cached)  # a fresh copy the handler may change
    now = deps.clock.now()
    forgotten: list[int] = []
    async with transaction(deps.sessions) as session:
        stored = await drafts.read_draft(session, chat_id)
        if stored is not None and drafts.is_abandoned(stored.updated_at, now):
            forgotten = await drafts.drop_abandoned(session, now=now, chat_id=chat_id)
            if forgotten:  # gone, or only the language chosen left of it
                stored = await drafts.read_draft(session, chat_id)
    await housekeeping.forget(deps, forgotten)
    if stored is None:
        deps.draft_cache.put(chat_id, drafts.NO_DRAFT, now)
        return Draft()
    deps.draft_cache.put(chat_id, stored.data, stored.updated_at)
    return Draft.from_json(stored.data)


async def _save(deps: Deps, chat_id: int, draft: Draft) -> None:
    """Store the draft: the answer and the step it leads to, in one statement."""
    async with transaction(deps.sessions) as session:
        stored = await drafts.save(session, chat_id, draft, now=deps.clock.now())
    deps.draft_cache[chat_id] = stored


async def _drop(deps: Deps, update: Update) -> None:
    """The conversation ends and its draft goes, but never the runner's language: a
    runner row keeps its own, and before the row exists a language other than the one
    Telegram's code chooses (so picked with /language) stays in a draft holding only it,
    as ``language.store_language`` writes for a chat with nothing else. The language
    cache then holds what the chat stores, read in the same transaction."""
    chat_id = _chat(update).id
    user = update.effective_user
    phone = choose(deps.content, None, user.language_code if user is not None else None)
    held = deps.draft_cache.get(chat_id)
    async with transaction(deps.sessions) as session:
        if held is None:
            found = await drafts.read_draft(session, chat_id)
            held = found.data if found is not None else drafts.NO_DRAFT
        chosen = draft_language(held)
        on_row = await runners.language_of(session, chat_id)
        kept: str | None = None
        if (
            on_row is None
            and chosen is not None
            and (chosen != phone or Draft.from_json(held).holds_a_choice)
        ):
            only = Draft(answers={A.LANGUAGE: chosen})
            kept = await drafts.save(session, chat_id, only, now=deps.clock.now())
        else:
            await drafts.drop_draft(session, chat_id)
    if kept is not None:
        deps.draft_cache[chat_id] = kept
    else:
        deps.draft_cache.pop(chat_id, None)
    deps.language_cache.put(chat_id, on_row if on_row is not None else (chosen if kept else None))


# ---- asking -------------------------------------------------------------------------


async def _send(
    update: Update,
    text: str,
    keyboard: InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None = None,
) -> None:
    await _chat(update).send_message(text, reply_markup=keyboard)


async def _ask(update: Update, deps: Deps, draft: Draft) -> None:
    assert draft.step is not None
    text, keyboard = question(deps, draft.step, draft.answers)
    await _send(update, text, keyboard)


async def _show_summary(update: Update, deps: Deps, draft: Draft) -> None:
    week = A.week_from_answers(draft.answers)
    today = local_today(week, deps.clock.now())
    text, keyboard = Q.summary(speaking(deps).texts, week, monday_of(today), draft.answers)
    draft.step = CONFIRM
    await _save(deps, _chat(update).id, draft)  # stored before the runner can answer it
    await _send(update, text, keyboard)


def _menu(deps: Deps, draft: Draft, key: str) -> Q.Asked:
    return Q.change_menu(
        speaking(deps).texts,
        key,
        onboarding=draft.mode == Mode.ONBOARDING,
        checkin=draft.checkin,
        answers=draft.answers if draft.mode == Mode.SETTINGS else None,
    )


async def _show_menu(update: Update, deps: Deps, draft: Draft, key: str) -> None:
    text, keyboard = _menu(deps, draft, key)
    draft.step = CHANGE_MENU
    await _save(deps, _chat(update).id, draft)  # stored before the runner can answer it
    await _send(update, text, keyboard)


async def _advance(update: Update, deps: Deps, draft: Draft) -> None:
    """Ask the next question that applies, or finish the chain."""
    draft.answers = A.tidy(draft.answers)
    step, draft.queue = A.next_step(draft.queue, draft.answers)
    if step is not None:
        draft.step = step
        await _save(deps, _chat(update).id, draft)
        return await _ask(update, deps, draft)
    if draft.mode == Mode.SETTINGS:
        return await _finish_settings(update, deps, draft)
    return await _show_summary(update, deps, draft)


async def _resume(update: Update, deps: Deps, draft: Draft) -> None:
    """Show the open question (or screen) again."""
    if not draft.listening:  # left by /delete: open again
        draft.listening = True
        await _save(deps, _chat(update).id, draft)
    if draft.step == CONFIRM:
        return await _show_summary(update, deps, draft)
    if draft.step == CHANGE_MENU:
        return await _show_menu(update, deps, draft, "onboarding.change_which")
    if draft.step == ALREADY_SET_UP:
        return None
    return await _ask(update, deps, draft)


async def _reask(update: Update, deps: Deps, draft: Draft, text: str) -> None:
    """An answer not taken: one message saying what is expected, with the open question's
    buttons under it (not the error and then the whole question again)."""
    keyboard: InlineKeyboardMarkup | ReplyKeyboardMarkup | None = None
    if draft.step in Q.QUESTIONS:
        keyboard = question(deps, draft.step, draft.answers)[1]
    elif draft.step == CONFIRM:
        keyboard = Q.confirm_buttons(speaking(deps).texts)
    elif draft.step == CHANGE_MENU:
        keyboard = _menu(deps, draft, "onboarding.change_which")[1]
    await _send(update, text, keyboard)


def _answered(draft: Draft) -> list[str]:
    """The questions of onboarding already behind the runner."""
    return [step for step in A.STEPS if step != draft.step and step not in draft.queue]


def _correction(deps: Deps, draft: Draft, text: str) -> Correction | None:
    """An "actually …" changing an earlier answer of onboarding, if the text is one."""
    if draft.mode != Mode.ONBOARDING:
        return None
    words = Q.change_words(speaking(deps).texts)
    return correction(text, draft.answers, _answered(draft), words)


async def _go_back(update: Update, deps: Deps, draft: Draft, fix: Correction) -> None:
    """Take the change, then ask again what depends on it, and come back to where the
    runner was. Days are shown again with the change ticked, for a look and a Done."""
    t = speaking(deps).texts
    answered = _answered(draft)
    draft.answers = fix.answers
    again = [step for step in A.CHAINS[fix.step][1:] if step in answered]
    here = [draft.step] if draft.step in Q.QUESTIONS else []
    draft.queue = again + [step for step in here + draft.queue if step not in again]
    if Q.QUESTIONS[fix.step].days is not None:
        draft.step = fix.step
        await _save(deps, _chat(update).id, draft)
        text, keyboard = question(deps, fix.step, draft.answers)
        return await _send(update, t("onboarding.going_back") + "\n\n" + text, keyboard)
    day = draft.answers.get("long_run_day")
    changed = t("buttons.no_long_run") if day is None else t.weekday(day)
    await _send(update, t("onboarding.long_run_changed", day=changed))
    await _advance(update, deps, draft)


# ---- finishing ----------------------------------------------------------------------


async def _store_week(update: Update, deps: Deps, draft: Draft) -> tuple[RunnerWeek, Runner]:
    chat_id = _chat(update).id
    first_name = update.effective_user.first_name if update.effective_user else None
    async with transaction(deps.sessions) as session:
        week, runner = await save_answers(
            session,
            chat_id=chat_id,
            first_name=first_name,
            answers=draft.answers,
            now=deps.clock.now(),
        )
    deps.draft_cache.pop(chat_id, None)
    return week, runner


async def _finish_onboarding(update: Update, deps: Deps, draft: Draft) -> None:
    t = speaking(deps).texts
    week, runner = await _store_week(update, deps, draft)
    today = local_today(week, deps.clock.now())
    # As /today will say it: none on race day, the race week's core, this week's changes.
    planned = first_session(runner, today)
    next_line = (
        t(
            "onboarding.finished_next",
            day=views.day_label(t, planned.day, today),
            focus=views.focus_label(t, planned.focus),
        )
        if planned is not None
        else ""
    )
    await _send(update, t("onboarding.finished", next_line=next_line))


async def _finish_settings(update: Update, deps: Deps, draft: Draft) -> None:
    t = speaking(deps).texts
    week, runner = await _store_week(update, deps, draft)
    if draft.chain in A.SETTINGS_CHAINS:
        # The week did not change: say what did, not the whole week again.
        saved = setting_saved_text(t, runner, deps.clock.now())
        return await _send(update, t("settings.saved") + "\n\n" + saved)
    today = local_today(week, deps.clock.now())
    await _send(update, Q.settings_saved(t, week, monday_of(today), draft.answers))


async def _toggle_checkin(update: Update, deps: Deps, chat_id: int) -> None:
    t = speaking(deps).texts
    async with transaction(deps.sessions) as session:
        runner = await runners.get_runner(session, chat_id)
        if runner is not None:
            # Planned with it: a runner with no daily reminder is woken for the check-in.
            await set_checkin(session, runner, not runner.checkin_enabled, now=deps.clock.now())
        await drafts.drop_draft(session, chat_id)
    deps.draft_cache.pop(chat_id, None)
    enabled = runner is not None and runner.checkin_enabled
    text = (
        t("settings.checkin_now_on", time=t.time(deps.settings.evening_checkin_time))
        if enabled
        else t("settings.checkin_now_off")
    )
    await _send(update, text)


# ---- entry points -------------------------------------------------------------------


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    deps = get_deps(context)
    chat_id = _chat(update).id
    t = speaking(deps).texts
    draft = await _load(deps, chat_id)
    if draft.mode == Mode.ONBOARDING and draft.step:
        # Already mid-way: carry on where they were rather than starting over.
        return await _resume(update, deps, draft)
    async with transaction(deps.sessions) as session:
        runner = await runners.get_runner(session, chat_id)
    if runner is not None and runner.onboarded:
        week = runners.week_of(runner)
        answers = runner_answers(runner)
        today = local_today(week, deps.clock.now())
        text, keyboard = Q.already_set_up(t, week, monday_of(today), answers)
        restart = Draft(mode=Mode.RESTART, step=ALREADY_SET_UP, answers=answers)
        await _save(deps, chat_id, restart)  # stored before the runner can answer it
        return await _send(update, text, keyboard)
    name = (update.effective_user.first_name if update.effective_user else None) or "runner"
    welcome = t("onboarding.welcome", name=html.escape(clean_text(name)))
    answers = dict(draft.answers)
    if runner is None and not answers.get(A.LANGUAGE):
        # The language Telegram's code chose (or English), said once with the way to
        # change it, and kept: the runner row gets it when onboarding is saved.
        line, keyboard = language.first_words(deps, update)
        answers[A.LANGUAGE] = language.current_code()
        await _send(update, welcome + "\n\n" + line, keyboard)
        deps.language_cache.put(chat_id, answers[A.LANGUAGE])
    else:
        await _send(update, welcome)
    chosen = runner is None and draft.holds_a_choice  # kept by the sweep (drafts.py)
    fresh = Draft(
        mode=Mode.ONBOARDING, queue=list(A.STEPS), answers=answers, language_chosen=chosen
    )
    await _advance(update, deps, fresh)


async def ask_again(update: Update, deps: Deps) -> None:
    """The open question (or screen) of onboarding or /settings once more, in the
    language just chosen (/language): the draft keeps every answer so far."""
    draft = await _load(deps, _chat(update).id)
    if draft.open and draft.mode == Mode.SETTINGS and draft.step == CHANGE_MENU:
        await _show_menu(update, deps, draft, "settings.menu")
    elif draft.open and draft.mode in (Mode.ONBOARDING, Mode.SETTINGS):
        await _resume(update, deps, draft)


async def settings(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    deps = get_deps(context)
    chat_id = _chat(update).id
    async with transaction(deps.sessions) as session:
        runner = await runners.get_runner(session, chat_id)
    if runner is None or not runner.onboarded:
        draft = await _load(deps, chat_id)
        if draft.mode == Mode.ONBOARDING and draft.step:
            return await _resume(update, deps, draft)
        return await _send(update, speaking(deps).texts("settings.not_set_up"))
    draft = Draft(
        mode=Mode.SETTINGS, answers=runner_answers(runner), checkin=runner.checkin_enabled
    )
    await _show_menu(update, deps, draft, "settings.menu")


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    deps = get_deps(context)
    chat_id = _chat(update).id
    draft = await _load(deps, chat_id)
    await _drop(deps, update)
    key = "onboarding.cancelled_settings" if draft.mode == Mode.SETTINGS else "onboarding.cancelled"
    await _send(update, speaking(deps).texts(key), ReplyKeyboardRemove())


async def leave_for_delete(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/delete leaves an open conversation (the draft stays, not listening), so no
    half-answered question outlives a confirmed deletion; then /delete runs as ever
    (handlers in a later group)."""
    deps = get_deps(context)
    chat_id = _chat(update).id
    try:
        draft = await _load(deps, chat_id)
        if draft.open:
            draft.listening = False
            await _save(deps, chat_id, draft)
    except Exception:
        # The confirmation is still asked for (it needs no database); the question stays
        # open, which a confirmed deletion ends anyway.
        log.warning("Could not leave the open setup of chat %s for /delete", chat_id, exc_info=True)


# ---- messages while a conversation is open ------------------------------------------


async def on_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A private chat's message (not a command): the open conversation's, if there is
    one (and then no other handler sees it); otherwise left to the other handlers."""
    deps = get_deps(context)
    try:
        draft = await _load(deps, _chat(update).id)
    except Exception as exc:
        # Reported as any handler's error (one answer), and the message goes no further:
        # the handlers after this one would only meet the same database.
        await context.application.process_error(update, exc)
        raise ApplicationHandlerStop from exc
    if not draft.open:
        return
    message = update.effective_message
    assert message is not None
    if message.text:
        await on_text(update, context, draft)
    elif message.location is not None:
        await on_location(update, context, draft)
    else:
        await on_other(update, context, draft)
    raise ApplicationHandlerStop


def _waits_for_a_button(draft: Draft) -> bool:
    """A screen a typed message does not answer: leave it for the message's own sake."""
    return draft.step == ALREADY_SET_UP or (
        draft.mode == Mode.SETTINGS and draft.step == CHANGE_MENU
    )


def _unexpected_key(draft: Draft) -> str:
    return "settings.unexpected" if draft.mode == Mode.SETTINGS else "onboarding.unexpected_text"


def _is_finish_word(t: Texts, text: str) -> bool:
    """ "Done", "готово", "listo" after tapping days: the days tapped are all of them
    (content: ``onboarding_words.finish_days``, the runner's language and English's)."""
    return text.strip().casefold().rstrip("!.➡️→ ") in Q.phrases(t, "onboarding_words.finish_days")


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE, draft: Draft) -> None:
    deps = get_deps(context)
    t = speaking(deps).texts
    message = update.effective_message
    assert message is not None and draft.step is not None
    step = draft.step
    # Text as the database and Telegram take it: it may be echoed in a re-ask.
    text = clean_text(message.text or "")
    if _waits_for_a_button(draft):
        # No question is being answered. Leave, and treat it as any other message: a
        # "done" must still be logged.
        from bot.handlers.chat import done_text

        await _drop(deps, update)
        await done_text(update, context)
        return
    asked = Q.QUESTIONS.get(step)
    if asked is None:  # the summary or the change menu
        return await _on_screen_text(update, deps, draft, text)
    if asked.days is not None and _is_finish_word(t, text):
        chosen = draft.answers.get(step, [])
        if asked.needs_one and not chosen:
            return await _reask(update, deps, draft, t("onboarding.need_one_run_day"))
        draft.answers[step] = chosen
        return await _advance(update, deps, draft)
    if asked.typed is None:  # the timezone: a place
        return await _on_place(update, deps, draft, text)
    taken = asked.typed(t, draft.answers, text, deps.clock.now())
    if not isinstance(taken, dict):
        # "actually I also run on fridays": a change to an earlier answer …
        if (fix := _correction(deps, draft, text)) is not None:
            return await _go_back(update, deps, draft, fix)
        # … or "actually sunday", "oh, none": an answer to this question after all (not
        # when it speaks of another: "I also run on fridays" names no hard day).
        words = Q.change_words(t)
        rest = hedged(text, words.markers)
        if rest is not None and topic(rest, words) in (None, step):
            again = asked.typed(t, draft.answers, rest, deps.clock.now())
            taken = again if isinstance(again, dict) else taken
    if isinstance(taken, dict):
        draft.answers = taken
        return await _advance(update, deps, draft)
    await _reask(update, deps, draft, t(taken, days=Q.days_text(t, A.run_days(draft.answers))))


async def _on_screen_text(update: Update, deps: Deps, draft: Draft, text: str) -> None:
    """Typed at the summary (a yes confirms, a no opens the change menu, an "actually …"
    changes that answer) or at the change menu (an answer's name opens it)."""
    t = speaking(deps).texts
    if (fix := _correction(deps, draft, text)) is not None:
        return await _go_back(update, deps, draft, fix)
    if draft.step == CONFIRM:
        if Q.is_yes(t, text):
            return await _finish_onboarding(update, deps, draft)
        if Q.is_change(t, text):
            return await _show_menu(update, deps, draft, "onboarding.change_which")
        return await _reask(update, deps, draft, t("onboarding.reask_confirm"))
    if draft.step == CHANGE_MENU:
        fields = {t(f"settings_field.{name}").casefold(): name for name in A.MENU_FIELDS}
        typed = " ".join(text.casefold().split())
        field = fields.get(typed) or closest(typed, fields)
        if field is not None:
            draft.queue = list(A.CHAINS[field])
            return await _advance(update, deps, draft)
    await _reask(update, deps, draft, t(_unexpected_key(draft)))


async def _on_place(update: Update, deps: Deps, draft: Draft, text: str) -> None:
    """A typed answer to "where are you?": a zone, a choice of zones, or a re-ask."""
    t = speaking(deps).texts
    aliases = Q.country_aliases(t)
    # A yes or a no is an answer, never a place ("no" is a town in Ghana).
    answers = Q.phrases(t, "onboarding_words.no") | Q.phrases(t, "onboarding_words.yes")
    found = await asyncio.to_thread(deps.zones.understand, text, deps.clock.now(), aliases, answers)
    if found is None:
        if (fix := _correction(deps, draft, text)) is not None:
            return await _go_back(update, deps, draft, fix)
        return await _send(update, t("onboarding.reask_timezone", text=views.user_text(text, 60)))
    if isinstance(found, ZoneChoice):
        return await _send(update, *Q.zone_choice(t, found))
    return await _zone_found(update, deps, draft, found.zone, found.place)


async def on_location(update: Update, context: ContextTypes.DEFAULT_TYPE, draft: Draft) -> None:
    deps = get_deps(context)
    message = update.effective_message
    location = message.location if message is not None else None
    if draft.step != A.TIMEZONE or location is None:
        return await on_other(update, context, draft)
    match = await asyncio.to_thread(deps.zones.from_location, location.latitude, location.longitude)
    if match is None:
        return await _send(update, speaking(deps).texts("onboarding.reask_timezone", text="📍"))
    await _zone_found(
        update, deps, draft, match.zone, speaking(deps).texts("onboarding.your_location")
    )


async def _zone_found(update: Update, deps: Deps, draft: Draft, zone: str, place: str) -> None:
    draft.answers[A.TIMEZONE] = zone
    key = "onboarding.timezone_confirmed" if place != zone else "onboarding.timezone_confirmed_zone"
    place = local_place(place, zone, str(speaking(deps).texts.locale))
    text = speaking(deps).texts(
        key,
        zone=views.zone_label(speaking(deps).texts, zone),
        place=html.escape(place),
        local_time=views.local_time_text(zone, deps.clock.now()),
    )
    await _send(update, text, ReplyKeyboardRemove())
    await _advance(update, deps, draft)


async def on_other(update: Update, context: ContextTypes.DEFAULT_TYPE, draft: Draft) -> None:
    """Anything else mid-conversation (a sticker, a photo): re-ask, never go silent."""
    deps = get_deps(context)
    if _waits_for_a_button(draft):
        await _drop(deps, update)
        return await _send(update, speaking(deps).texts("misc.non_text"))
    await _reask(update, deps, draft, speaking(deps).texts(_unexpected_key(draft)))


# ---- buttons ------------------------------------------------------------------------


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    deps = get_deps(context)
    t = speaking(deps).texts
    query = update.callback_query
    assert query is not None and query.data is not None
    chat_id = _chat(update).id
    draft = await _load(deps, chat_id)
    parsed = Q.parse_button(query.data)
    if parsed is None or not draft.open:
        await query.answer(t("misc.stale_button"))
        return
    step, value = parsed.step, parsed.value
    pressed = query.message.message_id if query.message is not None else None
    if step != draft.step:
        await query.answer()
        if pressed is not None and pressed == draft.pressed:
            # Another tap on the question a tap has just answered (both left before the
            # first reply came): its answer is in and the next question is on screen.
            return
        await _send(update, t("onboarding.stale_step"))
        return await _resume(update, deps, draft)
    # Saved with the answer this tap leads to: a second tap on the same message is then
    # known for what it is (above).
    draft.pressed = pressed
    asked = Q.QUESTIONS.get(step)
    if asked is not None:
        return await _on_answer_button(update, deps, draft, query, asked, value)
    if step == CONFIRM and value in ("ok", "change"):
        await _close(query)
        if value == "ok":
            return await _finish_onboarding(update, deps, draft)
        return await _show_menu(update, deps, draft, "onboarding.change_which")
    if step == CHANGE_MENU:
        return await _on_menu_button(update, deps, draft, query, value)
    if step == ALREADY_SET_UP:
        await _close(query)
        if value == "redo":
            redo = Draft(
                mode=Mode.ONBOARDING,
                queue=list(A.STEPS),
                answers=draft.answers,
                pressed=pressed,
            )
            return await _advance(update, deps, redo)
        await _drop(deps, update)
        return await _send(update, t("onboarding.kept"))
    await query.answer(t("misc.stale_button"))


async def _on_answer_button(
    update: Update, deps: Deps, draft: Draft, query: CallbackQuery, asked: Q.Question, value: str
) -> None:
    t = speaking(deps).texts
    step = asked.key
    if asked.days is not None and (day := Q.number(value, 1)) is not None:
        await query.answer()
        chosen = day in draft.answers.get(step, [])
        # The tap means the opposite of what the runner saw: a double tap on an unticked
        # day ticks it once, instead of ticking and unticking it.
        wanted = not _shown_ticked(query, chosen)
        if day in asked.days(draft.answers) and wanted != chosen:
            draft.answers = A.toggle(draft.answers, step, day)
            await _save(deps, _chat(update).id, draft)
            text, keyboard = question(deps, step, draft.answers)
            await _edit(query, text, keyboard)
        return
    if asked.needs_one and value == "ok" and not draft.answers.get(step):
        await query.answer(t("onboarding.need_one_run_day"), show_alert=True)
        return
    tapped = asked.tapped(t, draft.answers, value)
    if tapped is None:
        await query.answer(t("misc.stale_button"))
        return
    draft.answers, echo = tapped
    if step == A.TIMEZONE:  # a zone of the choice offered: confirmed like a typed one
        await _close(query)
        return await _zone_found(update, deps, draft, draft.answers[A.TIMEZONE], echo)
    # Close the answered question (its buttons go, the answer shows) and move on.
    await query.answer()
    try:
        await query.edit_message_text(
            Q.closed_question(t, step, draft.answers, echo), reply_markup=None
        )
    except Exception:
        pass
    await _advance(update, deps, draft)


async def _on_menu_button(
    update: Update, deps: Deps, draft: Draft, query: CallbackQuery, value: str
) -> None:
    if value == "back" and draft.mode == Mode.ONBOARDING:
        await _close(query)
        return await _show_summary(update, deps, draft)
    if value == "checkin" and draft.mode == Mode.SETTINGS:
        await _close(query)
        return await _toggle_checkin(update, deps, _chat(update).id)
    if value in A.CHAINS:
        await _close(query)
        draft.queue = list(A.CHAINS[value])
        return await _advance(update, deps, draft)
    if value in A.SETTINGS_CHAINS and draft.mode == Mode.SETTINGS:
        await _close(query)
        draft.queue = list(A.SETTINGS_CHAINS[value])
        draft.chain = value
        return await _advance(update, deps, draft)
    await query.answer(speaking(deps).texts("misc.stale_button"))


async def _close(query: CallbackQuery) -> None:
    """Answer the tap and take the buttons off the message it came from."""
    await query.answer()
    await query.edit_message_reply_markup(reply_markup=None)


def _shown_ticked(query: CallbackQuery, default: bool) -> bool:
    """Whether the tapped day button showed ✓ on the message as the runner saw it."""
    message = query.message
    if isinstance(message, Message) and message.reply_markup is not None:
        for row in message.reply_markup.inline_keyboard:
            for button in row:
                if button.callback_data == query.data:
                    return button.text.startswith("✓ ")
    return default


async def _edit(
    query: CallbackQuery, text: str, keyboard: InlineKeyboardMarkup | ReplyKeyboardMarkup
) -> None:
    """Edit the question in place; the same content again (a tap raced an earlier edit)
    is not an error."""
    assert isinstance(keyboard, InlineKeyboardMarkup)  # day questions have inline buttons
    try:
        await query.edit_message_text(text, reply_markup=keyboard)
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise


# ---- wiring -------------------------------------------------------------------------

# The group of ``on_message`` and ``leave_for_delete``: after the guards (groups -3 and
# -2, bot/app.py), before every other handler (group 0).
GROUP = -1


def handlers() -> dict[int, list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]]:
    """The setup conversation's handlers, by group."""
    private = filters.ChatType.PRIVATE
    return {
        GROUP: [
            MessageHandler(private & ~filters.COMMAND, on_message),
            CommandHandler("delete", leave_for_delete, filters=private),
        ],
        0: [
            CommandHandler("start", start, filters=private),
            CommandHandler("settings", settings, filters=private),
            CommandHandler("cancel", cancel, filters=private),
            CallbackQueryHandler(on_button, pattern=SetupButton.PATTERN),
        ],
    }
