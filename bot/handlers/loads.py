"""Weights the runner tells: typed with "done" ("done, squat 60 kg": logged and noted in
one reply), typed after it ("RDL 40kg", a bare "60"), tapped under "✅ Logged" (same /
more / less than the target), and /units kg|lb.

A weight that makes no sense ("squat 6000 kg", "-5 kg") is answered kindly and nothing is
written — not the weight, not the "done" it came with: the runner will type it again.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from telegram import Chat, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot.coach.intents import Intent, Understood
from bot.coach.loads import UNITS
from bot.coach.status import LogStatus
from bot.coach.weights import (
    MAX_KG,
    LoadWords,
    Reading,
    kilograms,
    named_move,
    read_unitless,
    read_weights,
    says_done,
)
from bot.content import Exercise, Texts
from bot.deps import Deps, get_deps
from bot.handlers import today as today_handler
from bot.handlers.done_feeling import feeling_in, logged_reply, record_feeling
from bot.handlers.language import speaking
from bot.handlers.taps import tap_or_stale
from bot.messages import views
from bot.messages.callbacks import WeightButton
from bot.messages.loads import noted_text
from bot.messages.today import outcome_text
from bot.services.calendar import local_today
from bot.services.history import history_from, runner_and_recent_log
from bot.services.loads import (
    LoggedSession,
    keep_weights,
    logged_session,
    moves_today,
    names_a_move,
    resolve,
    sensible,
    session_logged,
    set_unit,
    unit_of,
    unmatched,
)
from bot.services.log import LogResult, log_session
from bot.store.db import transaction
from bot.store.logs import LoadsResult


def _typed_unit(reading: Reading) -> str | None:
    """The unit the runner typed (the last one, if several), None for a bare number."""
    units = [told.unit for told in reading.told if told.unit is not None]
    return units[-1] if units else None


async def _nonsense(deps: Deps, chat: Chat, reading: Reading, unit: str) -> None:
    t = speaking(deps).texts
    told = reading.told[0]
    bad = next(
        (item for item in reading.told if item.negative or not 0 < kilograms(item, unit) <= MAX_KG),
        reading.told[0],
    )
    told = bad
    shown = f"{'-' if told.negative else ''}{told.amount:g}"
    weight = t("loads.weight", amount=shown, unit=t(f"loads.unit_{told.unit or unit}"))
    await chat.send_message(t("loads.nonsense", weight=views.user_text(weight)))


def _note_of(understood: Understood, words: LoadWords | None) -> str | None:
    """The words of a "done" that are not its weights ("done, legs felt heavy, squat 60
    kg" keeps "legs felt heavy"); None when the weights were all it said."""
    if not understood.note:
        return None
    reading = read_weights(understood.note, words=words) or read_unitless(
        understood.note, words=words
    )
    rest = understood.note if reading is None else reading.note
    rest = rest.strip(" ,;.-")
    return rest or None


def _not_in_session(
    t: Texts, names: list[str], loaded: tuple[Exercise, ...], shown: Mapping[str, str]
) -> str:
    """ "Today's session has no squat — its moves with a weight: Lat pulldown, Seated
    cable row. Nothing saved for it." """
    name = views.user_text(", ".join(names))
    if not loaded:
        return t("loads.not_in_session_none", name=name)
    moves = t("loads.noted_join").join(shown.get(e.id, e.name) for e in loaded)
    return t("loads.not_in_session", name=name, moves=moves)


async def typed_weights(
    update: Update, deps: Deps, understood: Understood, reading: Reading, text: str
) -> bool:
    """A message with weights in it: logged and noted. False when it is not about weights
    after all (a bare number with no session done today): the caller answers it."""
    chat = update.effective_chat
    assert chat is not None
    now = deps.clock.now()
    async with transaction(deps.sessions) as session:
        logged = await logged_session(session, speaking(deps), chat.id, now)
        moves = await moves_today(session, speaking(deps), chat.id, now) if logged is None else ()
    choices = logged.loaded if logged is not None else moves
    if reading.unitless and (
        not choices
        or any(
            names_a_move(told.name)
            and named_move(told.name, choices, words=speaking(deps).load_words) is None
            for told in reading.told
        )
    ):
        return False  # "done in 30", or no move with a weight: a "done" with a note
    if understood.intent is Intent.DONE:
        await _log_with_weights(update, deps, understood, reading)
        return True
    if logged is None:
        # Before any "done", a weight is a session done only when it says so: it names
        # one of today's loaded moves ("goblet 16kg") or says it was done ("did it, 50
        # kg"); "I weigh 70 kg", "20kg?" and a bare "60" are not.
        named = any(
            named_move(told.name, moves, words=speaking(deps).load_words) for told in reading.told
        )
        if (
            _typed_unit(reading) is None
            or "?" in text
            or not (named or says_done(reading, words=speaking(deps).load_words))
        ):
            return False
        await _log_with_weights(update, deps, understood, reading)
        return True
    await _note_weights(deps, chat, logged, reading)
    return True


async def _maybe_set_unit(deps: Deps, chat_id: int, reading: Reading, current: str) -> str:
    """The unit typed becomes the runner's unit when it differs."""
    typed = _typed_unit(reading)
    if typed is None or typed == current:
        return current
    async with transaction(deps.sessions) as session:
        await set_unit(session, chat_id, typed)
    return typed


def _switched(t: Texts, unit: str) -> str:
    """A weight typed in the other unit switched the runner's unit: said, never silent."""
    other = next(choice for choice in UNITS if choice != unit)
    return t("loads.unit_switched", unit=unit, other=other)


async def _note_weights(deps: Deps, chat: Chat, logged: LoggedSession, reading: Reading) -> None:
    """Weights typed after "done": kept on that session's log."""
    t = speaking(deps).texts
    unit = logged.unit
    if not sensible(reading, unit):
        await _nonsense(deps, chat, reading, unit)
        return
    if not logged.loaded:
        await chat.send_message(t("loads.no_loaded"))
        return
    told = resolve(reading, logged.loaded, unit, speaking(deps).load_words)
    missing = unmatched(reading, logged.loaded, speaking(deps).load_words)
    if told:
        async with transaction(deps.sessions) as session:
            await keep_weights(session, chat.id, logged.day, told)
    shown = await _maybe_set_unit(deps, chat.id, reading, unit) if told else unit
    lines = [noted_text(t, told, shown, logged.names)] if told else []
    if shown != unit:
        lines.append(_switched(t, shown))
    if missing:
        lines.append(_not_in_session(t, missing, logged.loaded, logged.names))
    await chat.send_message("\n".join(lines))


async def _log_with_weights(
    update: Update, deps: Deps, understood: Understood, reading: Reading
) -> None:
    """ "done, squat 60 kg": the session logged and the weight noted, in one reply."""
    chat = update.effective_chat
    assert chat is not None
    t = speaking(deps).texts
    now = deps.clock.now()
    note = _note_of(understood, speaking(deps).load_words)
    async with transaction(deps.sessions) as session:
        runner, recent = await runner_and_recent_log(session, chat.id, now)
    if runner is None or not runner.onboarded:
        await chat.send_message(t("done.not_set_up"))
        return
    unit = unit_of(runner)
    if not sensible(reading, unit):
        await _nonsense(deps, chat, reading, unit)
        return
    day: date | None = None
    if understood.yesterday:
        day = local_today(runner, now) - timedelta(days=1)
    async with transaction(deps.sessions) as session:
        runner, recent = await runner_and_recent_log(session, chat.id, now)
        assert runner is not None
        outcome = await log_session(
            session, runner, now=now, status=LogStatus.DONE, note=note, day=day, recent=recent
        )
        recorded = None
        if outcome.result is LogResult.LOGGED and outcome.status == LogStatus.DONE:
            assert outcome.day is not None
            recorded = await record_feeling(
                session, chat.id, outcome.day, feeling_in(speaking(deps), note)
            )
        logged = None
        told: list[tuple[Exercise, float]] = []
        missing: list[str] = []
        if outcome.result in (LogResult.LOGGED, LogResult.ALREADY) and outcome.status == (
            LogStatus.DONE
        ):
            # The session logged, built from the runner and log this transaction read
            # (``services.loads.session_logged``): no second read of the same rows.
            assert outcome.day is not None and outcome.focus is not None
            today = local_today(runner, now)
            history = history_from(recent, today)
            kept = next((e.loads for e in history if e.day == outcome.day), ())
            logged = session_logged(
                speaking(deps), runner, today, history, outcome.day, outcome.focus, kept
            )
            if logged.loaded:
                resolved = resolve(reading, logged.loaded, unit, speaking(deps).load_words)
                missing = unmatched(reading, logged.loaded, speaking(deps).load_words)
                if resolved:
                    await keep_weights(session, chat.id, logged.day, resolved)
                told = list(resolved)
            else:
                missing = unmatched(reading, (), speaking(deps).load_words)
    if logged is None:
        # Nothing to put a weight on (which focus? race day? too long ago?): the answer a
        # plain "done" gets; the weight can follow once the session is logged.
        await today_handler.log_and_reply(
            update, deps, None, status=LogStatus.DONE, note=understood.note, day=day
        )
        return
    shown = await _maybe_set_unit(deps, chat.id, reading, unit) if told else unit
    today = local_today(runner, now)
    text = outcome_text(t, outcome, today, note if outcome.result is LogResult.LOGGED else None)
    if told:
        text += "\n" + noted_text(t, told, shown, logged.names)
        if shown != unit:
            text += "\n" + _switched(t, shown)
    if missing:
        text += "\n" + _not_in_session(t, missing, logged.loaded, logged.names)
    elif not told:
        text += "\n" + t("loads.no_loaded")
    if outcome.result is LogResult.LOGGED and outcome.day is not None:
        # "done!! squat was 60kg, felt heavy": the feeling is the feedback tap's answer.
        text, keyboard = logged_reply(t, text, outcome.day, recorded)
        await chat.send_message(text, reply_markup=keyboard)
        return
    await chat.send_message(text)


async def on_weight_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """= / more / less under "✅ Logged": the weight kept for that move. A second tap of
    the same weight is a toast; a button for a session undone since, for a move the
    session does not have, or made up, is answered as expired."""
    if (tap := await tap_or_stale(update, context, WeightButton)) is None:
        return
    deps, t, query, chat, button = tap.deps, tap.t, tap.query, tap.chat, tap.button
    kg = button.grams / 1000
    async with transaction(deps.sessions) as session:
        logged = await logged_session(
            session, speaking(deps), chat.id, deps.clock.now(), button.day
        )
        exercise = next(
            (move for move in (logged.loaded if logged else ()) if move.id == button.exercise),
            None,
        )
        result = LoadsResult.NOT_DONE
        if logged is not None and exercise is not None and button.day <= logged.today:
            result = await keep_weights(session, chat.id, button.day, [(exercise, kg)])
    if logged is None or exercise is None or result is LoadsResult.NOT_DONE:
        await tap.stale()
        return
    if result is LoadsResult.SAME:
        await query.answer(views.toast(t("loads.answer_already")))
        return
    await query.answer(views.toast(t("loads.answer_noted")))
    await chat.send_message(noted_text(t, [(exercise, kg)], logged.unit, logged.names))


async def units_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/units kg or /units lb: how every weight is shown and a bare number is read;
    /units alone: which one is in use and how to switch."""
    deps = get_deps(context)
    chat = update.effective_chat
    assert chat is not None
    t = speaking(deps).texts
    words = [word.lower() for word in (context.args or [])]
    reading = (
        read_weights("1 " + words[0], words=speaking(deps).load_words) if len(words) == 1 else None
    )
    unit = _typed_unit(reading) if reading is not None else None
    if not words:
        # "/units" alone: the unit in use, and how to switch.
        async with transaction(deps.sessions) as session:
            runner, _recent = await runner_and_recent_log(session, chat.id, deps.clock.now())
        if runner is None or not runner.onboarded:
            await chat.send_message(t("today.not_set_up"))
            return
        current = unit_of(runner)
        other = next(name for name in UNITS if name != current)
        await chat.send_message(t("loads.unit_now", unit=t(f"loads.unit_{current}"), other=other))
        return
    if unit not in UNITS:
        await chat.send_message(t("loads.unit_ask"))
        return
    async with transaction(deps.sessions) as session:
        changed = await set_unit(session, chat.id, unit)
    if changed is None:
        await chat.send_message(t("today.not_set_up"))
        return
    label = t(f"loads.unit_{unit}")
    await chat.send_message(t("loads.unit_set" if changed else "loads.unit_same", unit=label))


def handlers() -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("units", units_command, filters=private),
        CallbackQueryHandler(on_weight_button, pattern=WeightButton.PATTERN),
    ]
