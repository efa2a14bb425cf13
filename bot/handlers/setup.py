"""The setup conversation: /start onboarding and /settings, one question per message.

One ConversationHandler serves both: onboarding walks every question, /settings walks
the chain of one answer. The state is the question being asked; the answers so far
live in the database (``onboarding_drafts``), so a restart continues at the same question.
"""

from __future__ import annotations

import asyncio
import json
from datetime import date, time
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from telegram import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.error import BadRequest
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import housekeeping
from bot.coach import answers as A
from bot.coach.parsing import clean_text, is_none_answer, parse_days, parse_time
from bot.coach.plan import next_session
from bot.content import Texts
from bot.deps import Deps, get_deps
from bot.handlers import delete
from bot.messages import views
from bot.messages.callbacks import DeleteButton
from bot.messages.preview import setting_label, setting_saved_text
from bot.services.coaching import local_today, monday_of, next_reminder_for
from bot.services.previews import next_preview_at
from bot.store import drafts, persistence, runners
from bot.store.db import transaction
from bot.store.models import Runner

CONFIRM = "confirm"
CHANGE_MENU = "change_menu"
ALREADY_SET_UP = "already_set_up"
END = ConversationHandler.END
# PTB's name for this conversation, under which its states are stored (and forgotten).
CONVERSATION_NAME = housekeeping.SETUP_CONVERSATION

QUICK_TIMES = ("06:30", "07:00", "12:00", "18:00", "19:30")
PREVIEW_TIMES = ("07:00", "08:00", "12:00", "18:00", "20:00")
CB = "ob"
# What to tell a runner whose race date was not taken, by what was wrong with it.
RACE_DATE_REASKS: dict[A.DateProblem, str] = {
    A.DateProblem.UNREADABLE: "onboarding.reask_race_date",
    A.DateProblem.PAST: "onboarding.race_date_past",
    A.DateProblem.TOO_FAR: "onboarding.race_date_too_far",
}


def _button(text: str, step: str, value: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=f"{CB}:{step}:{value}")


def _day_buttons(
    t: Texts, step: str, days: list[int], chosen: set[int]
) -> list[list[InlineKeyboardButton]]:
    buttons = [
        _button(("✓ " if day in chosen else "") + t(f"day_short.{day}"), step, str(day))
        for day in days
    ]
    return [buttons[:4], buttons[4:]] if len(buttons) > 4 else [buttons]


def _days_text(t: Texts, days: list[int]) -> str:
    return ", ".join(t(f"day_short.{day}") for day in sorted(days)) or t("buttons.none")


def _race_day_text(race: str) -> str:
    return date.fromisoformat(race).strftime("%d %b %Y")


def _coaching_lines(deps: Deps, answers: dict[str, Any]) -> str:
    """Session length and race day under a week summary: the week itself doesn't show them,
    and a runner confirming or changing answers must see every answer."""
    t = deps.content.texts
    lines = []
    if A.TIME_BUDGET in answers:
        budget = answers[A.TIME_BUDGET]
        lines.append(
            t("settings.budget_line", minutes=budget)
            if budget
            else t("onboarding.summary_no_budget")
        )
    race = answers.get(A.RACE_DATE)
    if race:
        lines.append(t("settings.race_line", day=_race_day_text(race)))
    return "".join("\n" + line for line in lines)


def _runner_answers(runner: Runner) -> dict[str, Any]:
    """A stored runner as draft answers, the coaching answers included."""
    answers = A.answers_from_week(runners.week_of(runner))
    answers[A.TIME_BUDGET] = runner.time_budget
    answers[A.RACE_DATE] = runner.race_date.isoformat() if runner.race_date else None
    answers[A.PREVIEW_DAY] = runner.preview_day
    answers[A.PREVIEW_TIME] = runner.preview_time
    return answers


# The answers each question shows (the others ask the same of everybody).
_SHOWN: dict[str, tuple[str, ...]] = {
    A.RUN_DAYS: (A.RUN_DAYS,),
    A.LONG_RUN: (A.RUN_DAYS,),
    A.HARD_DAYS: (A.RUN_DAYS, "long_run_day", A.HARD_DAYS),  # A.hard_day_candidates
    A.PREVIEW_DAY: (A.PREVIEW_DAY,),
    A.PREVIEW_TIME: (A.PREVIEW_DAY,),
}
QUESTION_CACHE_SIZE = 512


def question(deps: Deps, step: str, answers: dict[str, Any]) -> tuple[str, Any]:
    """The text and keyboard for one question, showing what is already chosen.

    Built once per question and shown answers, and shared (PTB's keyboards are frozen):
    a keyboard of day buttons was a good part of what an onboarding answer cost."""
    shown = json.dumps({key: answers.get(key) for key in _SHOWN.get(step, ())}, sort_keys=True)
    return _question(deps.content.texts, step, shown)


@lru_cache(maxsize=QUESTION_CACHE_SIZE)
def _question(t: Texts, step: str, shown: str) -> tuple[str, Any]:
    answers: dict[str, Any] = {
        key: value for key, value in json.loads(shown).items() if value is not None
    }
    if step == A.RUN_DAYS:
        chosen = set(answers.get(A.RUN_DAYS, []))
        rows = _day_buttons(t, step, list(range(7)), chosen)
        rows.append([_button(t("buttons.days_done"), step, "ok")])
        text = (
            t("onboarding.ask_run_days_selected", days=_days_text(t, sorted(chosen)))
            if chosen
            else t("onboarding.ask_run_days")
        )
        return text, InlineKeyboardMarkup(rows)
    if step == A.LONG_RUN:
        rows = _day_buttons(t, step, A.run_days(answers), set())
        rows.append([_button(t("buttons.no_long_run"), step, "none")])
        return t("onboarding.ask_long_run"), InlineKeyboardMarkup(rows)
    if step == A.HARD_DAYS:
        chosen = set(answers.get(A.HARD_DAYS, []))
        rows = _day_buttons(t, step, A.hard_day_candidates(answers), chosen)
        rows.append(
            [
                _button(t("buttons.no_hard_days"), step, "none"),
                _button(t("buttons.days_done"), step, "ok"),
            ]
        )
        text = (
            t("onboarding.ask_hard_days_selected", days=_days_text(t, sorted(chosen)))
            if chosen
            else t("onboarding.ask_hard_days")
        )
        return text, InlineKeyboardMarkup(rows)
    if step == A.EXPERIENCE:
        rows = [
            [_button(t(f"experience.{value}"), step, value)]
            for value in ("new", "some", "experienced")
        ]
        return t("onboarding.ask_experience"), InlineKeyboardMarkup(rows)
    if step == A.EQUIPMENT:
        rows = [
            [_button(t(f"equipment.{value}"), step, value)]
            for value in ("none", "dumbbells", "gym")
        ]
        return t("onboarding.ask_equipment"), InlineKeyboardMarkup(rows)
    if step == A.PULL_UP_BAR:
        rows = [[_button(t("buttons.yes"), step, "y"), _button(t("buttons.no"), step, "n")]]
        return t("onboarding.ask_pull_up_bar"), InlineKeyboardMarkup(rows)
    if step == A.SESSIONS:
        rows = [[_button(t("buttons.two"), step, "2"), _button(t("buttons.three"), step, "3")]]
        return t("onboarding.ask_sessions"), InlineKeyboardMarkup(rows)
    if step == A.REMINDER_TIME:
        times = [_button(value, step, value.replace(":", "")) for value in QUICK_TIMES]
        rows = [times[:3], times[3:], [_button(t("buttons.no_reminders"), step, "off")]]
        return t("onboarding.ask_reminder_time"), InlineKeyboardMarkup(rows)
    if step == A.TIME_BUDGET:
        buttons = [_button(t("buttons.minutes", minutes=m), step, str(m)) for m in A.BUDGETS]
        rows = [buttons, [_button(t("buttons.no_limit"), step, "none")]]
        return t("onboarding.ask_time_budget"), InlineKeyboardMarkup(rows)
    if step == A.RACE_DATE:
        rows = [[_button(t("buttons.no_race"), step, "none")]]
        return t("onboarding.ask_race_date"), InlineKeyboardMarkup(rows)
    if step == A.PREVIEW_DAY:
        current = answers.get(A.PREVIEW_DAY)
        rows = _day_buttons(t, step, list(range(7)), set() if current is None else {current})
        rows.append([_button(t("preview.off_button"), step, "off")])
        return t("preview.ask_day"), InlineKeyboardMarkup(rows)
    if step == A.PREVIEW_TIME:
        times = [_button(value, step, value.replace(":", "")) for value in PREVIEW_TIMES]
        day = t(f"day_long.{answers.get(A.PREVIEW_DAY) or 0}")
        return t("preview.ask_time", day=day), InlineKeyboardMarkup([times[:3], times[3:]])
    if step == A.TIMEZONE:
        keyboard = ReplyKeyboardMarkup(
            [[KeyboardButton(t("buttons.share_location"), request_location=True)]],
            resize_keyboard=True,
            one_time_keyboard=True,
        )
        return t("onboarding.ask_timezone"), keyboard
    raise ValueError(step)


async def _load(deps: Deps, chat_id: int) -> dict[str, Any]:
    """The runner's draft; {} if there is none, or if it was abandoned long enough ago to
    be forgotten (``drafts.ABANDONED_AFTER``: then it is deleted with its state here)."""
    cached = deps.draft_cache.get(chat_id)
    if cached is not None:
        return json.loads(cached)  # a fresh copy the handler may change
    now = deps.clock.now()
    forgotten: list[int] = []
    async with transaction(deps.sessions) as session:
        stored = await drafts.read_draft(session, chat_id)
        if stored is not None and drafts.is_abandoned(stored.updated_at, now):
            forgotten = await drafts.drop_abandoned(session, now=now, chat_id=chat_id)
            await persistence.forget_conversations(session, CONVERSATION_NAME, forgotten)
            stored = None
    await housekeeping.forget(deps, forgotten)
    if stored is None:
        deps.draft_cache.put(chat_id, "{}", now)
        return {}
    deps.draft_cache.put(chat_id, stored.data, stored.updated_at)
    return json.loads(stored.data)


async def _save(
    deps: Deps, chat_id: int, draft: dict[str, Any], *, update: Update | None = None
) -> None:
    """Store the draft. With ``update``, the handler is about to return ``draft["step"]``
    as the conversation's state: it is stored in the same transaction, and PTB's own write
    of it afterwards is skipped (one commit per answer instead of two)."""
    user = update.effective_user if update is not None else None
    staged = deps.conversations if user is not None else None
    key = (chat_id, user.id) if user is not None else None
    async with transaction(deps.sessions) as session:
        stored = await drafts.save_draft(session, chat_id, draft, now=deps.clock.now())
        if staged is not None and key is not None:
            await persistence.save_state(session, CONVERSATION_NAME, key, draft["step"])
    deps.draft_cache[chat_id] = stored
    if staged is not None and key is not None:
        staged.stored(CONVERSATION_NAME, key, draft["step"])


async def _ask(update: Update, deps: Deps, draft: dict[str, Any]) -> str:
    step = draft["step"]
    text, keyboard = question(deps, step, draft["answers"])
    await update.effective_chat.send_message(text, reply_markup=keyboard)  # type: ignore[union-attr]
    return str(step)


async def _show_summary(update: Update, deps: Deps, draft: dict[str, Any]) -> str:
    t = deps.content.texts
    week = A.week_from_answers(draft["answers"])
    today = local_today(week, deps.clock.now())
    rows = [
        [
            InlineKeyboardButton(t("buttons.looks_good"), callback_data=f"{CB}:{CONFIRM}:ok"),
            InlineKeyboardButton(t("buttons.change"), callback_data=f"{CB}:{CONFIRM}:change"),
        ]
    ]
    text = (
        views.summary_text(t, week, monday_of(today))
        + _coaching_lines(deps, draft["answers"])
        + "\n\n"
        + t("onboarding.confirm_prompt")
    )
    await update.effective_chat.send_message(text, reply_markup=InlineKeyboardMarkup(rows))  # type: ignore[union-attr]
    draft["step"] = CONFIRM
    await _save(deps, update.effective_chat.id, draft, update=update)  # type: ignore[union-attr]
    return CONFIRM


async def _show_menu(update: Update, deps: Deps, draft: dict[str, Any], key: str) -> str:
    t = deps.content.texts
    buttons = [_button(t(f"settings_field.{name}"), CHANGE_MENU, name) for name in A.MENU_FIELDS]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    if draft.get("mode") == "onboarding":
        rows.append([_button(t("buttons.back"), CHANGE_MENU, "back")])
    elif draft.get("mode") == "settings":
        label = "buttons.checkin_on" if draft.get("checkin") else "buttons.checkin_off"
        rows.append([_button(t(label), CHANGE_MENU, "checkin")])
        answers = draft["answers"]
        preview = setting_label(t, answers.get(A.PREVIEW_DAY), answers.get(A.PREVIEW_TIME))
        rows.append([_button(preview, CHANGE_MENU, A.PREVIEW_DAY)])
    await update.effective_chat.send_message(t(key), reply_markup=InlineKeyboardMarkup(rows))  # type: ignore[union-attr]
    draft["step"] = CHANGE_MENU
    await _save(deps, update.effective_chat.id, draft, update=update)  # type: ignore[union-attr]
    return CHANGE_MENU


async def _advance(update: Update, deps: Deps, draft: dict[str, Any]) -> object:
    """Ask the next question that applies, or finish the chain."""
    draft["answers"] = A.tidy(draft["answers"])
    step, draft["queue"] = A.next_step(draft.get("queue", []), draft["answers"])
    if step is not None:
        draft["step"] = step
        await _save(deps, update.effective_chat.id, draft, update=update)  # type: ignore[union-attr]
        return await _ask(update, deps, draft)
    if draft.get("mode") == "settings":
        return await _finish_settings(update, deps, draft)
    return await _show_summary(update, deps, draft)


async def _store_week(update: Update, deps: Deps, draft: dict[str, Any]) -> tuple[Any, Runner]:
    chat_id = update.effective_chat.id  # type: ignore[union-attr]
    week = A.week_from_answers(draft["answers"])
    now = deps.clock.now()
    first_name = update.effective_user.first_name if update.effective_user else None
    async with transaction(deps.sessions) as session:
        runner = await runners.save_week(
            session,
            chat_id=chat_id,
            first_name=first_name,
            week=week,
            next_reminder_utc=None,
            now=now,
        )
        if A.TIME_BUDGET in draft["answers"]:
            runner.time_budget = draft["answers"][A.TIME_BUDGET]
        if A.RACE_DATE in draft["answers"]:
            race = draft["answers"][A.RACE_DATE]
            runner.race_date = date.fromisoformat(race) if race else None
        if A.PREVIEW_DAY in draft["answers"]:
            runner.preview_day = draft["answers"][A.PREVIEW_DAY]
            runner.preview_time = draft["answers"].get(A.PREVIEW_TIME) or runner.preview_time
        runner.next_reminder_utc = await next_reminder_for(session, runner, now=now)
        # From now, in the runner's (maybe new) timezone: the day, time or zone may have
        # changed. A preview already sent today is not sent again: its row keys the day.
        runner.next_preview_utc = next_preview_at(runner, now)
        session.add(runner)
        await drafts.drop_draft(session, chat_id)
        deps.draft_cache.pop(chat_id, None)
    return week, runner


async def _finish_settings(update: Update, deps: Deps, draft: dict[str, Any]) -> object:
    t = deps.content.texts
    week, runner = await _store_week(update, deps, draft)
    if draft.get("chain") in A.SETTINGS_CHAINS:
        # The week did not change: say what did, not the whole week again.
        saved = setting_saved_text(t, runner, deps.clock.now())
        await update.effective_chat.send_message(t("settings.saved") + "\n\n" + saved)  # type: ignore[union-attr]
        return END
    today = local_today(week, deps.clock.now())
    text = (
        t("settings.saved")
        + "\n\n"
        + views.summary_text(t, week, monday_of(today))
        + _coaching_lines(deps, draft["answers"])
    )
    await update.effective_chat.send_message(text)  # type: ignore[union-attr]
    return END


# ---- entry points -------------------------------------------------------------------


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> object:
    deps = get_deps(context)
    chat_id = update.effective_chat.id  # type: ignore[union-attr]
    t = deps.content.texts
    draft = await _load(deps, chat_id)
    if draft.get("mode") == "onboarding" and draft.get("step"):
        # Already mid-way: carry on where they were rather than starting over.
        return await _resume(update, deps, draft)
    async with transaction(deps.sessions) as session:
        runner = await runners.get_runner(session, chat_id)
    if runner is not None and runner.onboarded:
        week = runners.week_of(runner)
        answers = _runner_answers(runner)
        today = local_today(week, deps.clock.now())
        rows = [
            [
                InlineKeyboardButton(
                    t("buttons.keep"), callback_data=f"{CB}:{ALREADY_SET_UP}:keep"
                ),
                InlineKeyboardButton(
                    t("buttons.redo"), callback_data=f"{CB}:{ALREADY_SET_UP}:redo"
                ),
            ]
        ]
        text = (
            t("onboarding.already_set_up")
            + "\n\n"
            + views.summary_text(t, week, monday_of(today))
            + _coaching_lines(deps, answers)
        )
        await update.effective_chat.send_message(text, reply_markup=InlineKeyboardMarkup(rows))  # type: ignore[union-attr]
        await _save(deps, chat_id, {"mode": "restart", "step": ALREADY_SET_UP, "answers": answers})
        return ALREADY_SET_UP
    name = (update.effective_user.first_name if update.effective_user else None) or "runner"
    import html

    welcome = t("onboarding.welcome", name=html.escape(clean_text(name)))
    await update.effective_chat.send_message(welcome)  # type: ignore[union-attr]
    draft = {"mode": "onboarding", "queue": list(A.STEPS), "answers": draft.get("answers", {})}
    return await _advance(update, deps, draft)


async def settings(update: Update, context: ContextTypes.DEFAULT_TYPE) -> object:
    deps = get_deps(context)
    chat_id = update.effective_chat.id  # type: ignore[union-attr]
    async with transaction(deps.sessions) as session:
        runner = await runners.get_runner(session, chat_id)
    if runner is None or not runner.onboarded:
        draft = await _load(deps, chat_id)
        if draft.get("mode") == "onboarding" and draft.get("step"):
            return await _resume(update, deps, draft)
        await update.effective_chat.send_message(deps.content.texts("settings.not_set_up"))  # type: ignore[union-attr]
        return END
    draft = {
        "mode": "settings",
        "answers": _runner_answers(runner),
        "checkin": runner.checkin_enabled,
    }
    return await _show_menu(update, deps, draft, "settings.menu")


async def _resume(update: Update, deps: Deps, draft: dict[str, Any]) -> object:
    step = draft["step"]
    if step == CONFIRM:
        return await _show_summary(update, deps, draft)
    if step == CHANGE_MENU:
        return await _show_menu(update, deps, draft, "onboarding.change_which")
    if step == ALREADY_SET_UP:
        return END
    return await _ask(update, deps, draft)


# ---- answers ------------------------------------------------------------------------


_PREVIEW_OFF_WORDS = {"off", "turn off", "turn it off", "no preview", "never", "🔕 off"}


def _apply_text(
    deps: Deps, step: str, answers: dict[str, Any], text: str
) -> tuple[bool, str | None]:
    """Apply a typed answer: (accepted, re-ask message key or None)."""
    if step == A.RUN_DAYS:
        days = parse_days(text)
        if days is None:
            return False, "onboarding.reask_run_days"
        if not days:
            return False, "onboarding.need_one_run_day"
        answers[A.RUN_DAYS] = sorted(days)
        return True, None
    if step == A.LONG_RUN:
        if is_none_answer(text):
            answers["long_run_day"] = None
            return True, None
        days = parse_days(text)
        if days is None or len(days) != 1 or not days <= set(A.run_days(answers)):
            return False, "onboarding.reask_long_run"
        answers["long_run_day"] = next(iter(days))
        return True, None
    if step == A.HARD_DAYS:
        if is_none_answer(text):
            answers[A.HARD_DAYS] = []
            return True, None
        days = parse_days(text)
        if days is None or not days <= set(A.hard_day_candidates(answers)):
            return False, "onboarding.reask_hard_days"
        answers[A.HARD_DAYS] = sorted(days)
        return True, None
    lowered = text.strip().casefold()
    for article in ("a ", "an ", "i have ", "i've got ", "my "):
        if lowered.startswith(article):
            lowered = lowered[len(article) :]
    t = deps.content.texts
    # The exact label of a button, typed, is always understood.
    labels = {
        A.EXPERIENCE: {value: t(f"experience.{value}") for value in ("new", "some", "experienced")},
        A.EQUIPMENT: {value: t(f"equipment.{value}") for value in ("none", "dumbbells", "gym")},
    }
    for value, label in labels.get(step, {}).items():
        if text.strip().casefold() == label.casefold():
            answers[step] = value
            return True, None
    if step == A.EXPERIENCE:
        for value, words in {
            "new": ("new", "none", "beginner", "never", "no"),
            "some": ("some", "a bit", "a little", "intermediate"),
            "experienced": ("experienced", "lots", "a lot", "advanced", "expert"),
        }.items():
            if any(lowered.startswith(word) for word in words):
                answers[A.EXPERIENCE] = value
                return True, None
        return False, "onboarding.reask_experience"
    if step == A.EQUIPMENT:
        for value, words in {
            "none": ("none", "no", "nothing", "bodyweight", "body weight"),
            "dumbbells": ("dumbbell", "kettlebell", "weights", "db", "kb"),
            "gym": ("gym",),
        }.items():
            if any(lowered.startswith(word) for word in words):
                answers[A.EQUIPMENT] = value
                return True, None
        return False, "onboarding.reask_equipment"
    if step == A.PULL_UP_BAR:
        if lowered.rstrip("!.") in {"yes", "y", "yep", "yeah", "sure", "i do"}:
            answers[A.PULL_UP_BAR] = True
            return True, None
        if lowered.rstrip("!.") in {"no", "n", "nope", "none", "i don't", "i dont"}:
            answers[A.PULL_UP_BAR] = False
            return True, None
        return False, "onboarding.reask_pull_up_bar"
    if step == A.SESSIONS:
        digits = "".join(ch for ch in lowered if ch.isdigit())
        words = {"two": "2", "three": "3", "twice": "2", "thrice": "3"}
        value = digits or next((v for word, v in words.items() if word in lowered), "")
        if value in {"2", "3"}:
            answers[A.SESSIONS] = int(value)
            return True, None
        return False, "onboarding.reask_sessions"
    if step == A.TIME_BUDGET:
        # The raw text: "an hour" must not lose its article like "a gym" does above.
        if A.is_no_limit(text) or text.strip().casefold() == t("buttons.no_limit").casefold():
            answers[A.TIME_BUDGET] = None
            return True, None
        minutes = A.parse_minutes(text)
        if minutes is None:
            return False, "onboarding.reask_time_budget"
        answers[A.TIME_BUDGET] = minutes
        return True, None
    if step == A.RACE_DATE:
        if A.is_no_race(text) or text.strip().casefold() == t("buttons.no_race").casefold():
            answers[A.RACE_DATE] = None
            return True, None
        zone = answers.get(A.TIMEZONE, "UTC")
        found = A.race_date_from_text(text, deps.clock.now().astimezone(ZoneInfo(zone)).date())
        if isinstance(found, A.DateProblem):
            return False, RACE_DATE_REASKS[found]
        answers[A.RACE_DATE] = found.isoformat()
        return True, None
    if step == A.PREVIEW_DAY:
        if is_none_answer(text) or lowered.rstrip("!.") in _PREVIEW_OFF_WORDS:
            answers[A.PREVIEW_DAY] = None
            return True, None
        days = parse_days(text)
        if days is None or len(days) != 1:
            return False, "preview.reask_day"
        answers[A.PREVIEW_DAY] = next(iter(days))
        return True, None
    if step == A.PREVIEW_TIME:
        parsed = parse_time(text)
        if parsed is None:
            return False, "preview.reask_time"
        answers[A.PREVIEW_TIME] = parsed.strftime("%H:%M")
        return True, None
    if step == A.REMINDER_TIME:
        if is_none_answer(text) or lowered in {"off", "no reminders", "never"}:
            answers[A.REMINDER_TIME] = None
            return True, None
        parsed = parse_time(text)
        if parsed is None:
            return False, "onboarding.reask_reminder_time"
        answers[A.REMINDER_TIME] = parsed.strftime("%H:%M")
        return True, None
    return False, None


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> object:
    deps = get_deps(context)
    t = deps.content.texts
    chat_id = update.effective_chat.id  # type: ignore[union-attr]
    draft = await _load(deps, chat_id)
    step = draft.get("step")
    # Text as the database and Telegram take it: it may be echoed in a re-ask.
    text = clean_text(update.effective_message.text or "")  # type: ignore[union-attr]
    if (
        not step
        or step == ALREADY_SET_UP
        or (draft.get("mode") == "settings" and step == CHANGE_MENU)
    ):
        # No question is being answered: the draft is gone (/delete, forgotten after a
        # month) or none was asked. Leave, and treat it as any other message: a "done"
        # must still be logged.
        return await _leave_and_handle(update, context, deps, chat_id, drop=bool(step))
    if step in (A.RUN_DAYS, A.HARD_DAYS) and _is_finish_word(text):
        chosen = draft["answers"].get(step, [])
        if step == A.RUN_DAYS and not chosen:
            await update.effective_chat.send_message(t("onboarding.need_one_run_day"))  # type: ignore[union-attr]
            return step
        draft["answers"][step] = chosen
        return await _advance(update, deps, draft)
    if step == A.TIMEZONE:
        match = await asyncio.to_thread(deps.zones.from_text, text)
        if match is None:
            await update.effective_chat.send_message(  # type: ignore[union-attr]
                t("onboarding.reask_timezone", text=views.user_text(text, 60))
            )
            return step
        return await _zone_found(update, deps, draft, match.zone, match.place)
    if step in A.STEPS or step in A.CHAINS or step in A.SETTINGS_STEPS:
        accepted, reask = _apply_text(deps, step, draft["answers"], text)
        if accepted:
            return await _advance(update, deps, draft)
        await update.effective_chat.send_message(  # type: ignore[union-attr]
            t(
                reask or "onboarding.unexpected_text",
                days=_days_text(deps.content.texts, A.run_days(draft["answers"])),
            )
        )
        return await _ask(update, deps, draft)
    key = "settings.unexpected" if draft.get("mode") == "settings" else "onboarding.unexpected_text"
    await update.effective_chat.send_message(t(key))  # type: ignore[union-attr]
    return await _resume(update, deps, draft)


_FINISH_WORDS = {"done", "ok", "okay", "next", "that's it", "thats it", "finished", "go"}


def _is_finish_word(text: str) -> bool:
    return text.strip().casefold().rstrip("!.➡️ ") in _FINISH_WORDS


async def _leave_and_handle(
    update: Update, context: ContextTypes.DEFAULT_TYPE, deps: Deps, chat_id: int, *, drop: bool
) -> object:
    """End the conversation and answer the message as if none were open; ``drop`` the
    draft of the question that was open (a draft without one, such as a "done"'s note
    waiting for its focus, is not this conversation's to drop)."""
    from bot.handlers.today import done_text

    if drop:
        await _drop(deps, chat_id)
    await done_text(update, context)
    return END


async def _drop(deps: Deps, chat_id: int) -> None:
    async with transaction(deps.sessions) as session:
        await drafts.drop_draft(session, chat_id)
    deps.draft_cache.pop(chat_id, None)


async def on_location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> object:
    deps = get_deps(context)
    draft = await _load(deps, update.effective_chat.id)  # type: ignore[union-attr]
    location = update.effective_message.location  # type: ignore[union-attr]
    if draft.get("step") != A.TIMEZONE or location is None:
        return await on_other(update, context)
    match = await asyncio.to_thread(deps.zones.from_location, location.latitude, location.longitude)
    if match is None:
        await update.effective_chat.send_message(  # type: ignore[union-attr]
            deps.content.texts("onboarding.reask_timezone", text="📍")
        )
        return A.TIMEZONE
    return await _zone_found(
        update, deps, draft, match.zone, deps.content.texts("onboarding.your_location")
    )


async def _zone_found(
    update: Update, deps: Deps, draft: dict[str, Any], zone: str, place: str
) -> object:
    import html

    draft["answers"][A.TIMEZONE] = zone
    key = "onboarding.timezone_confirmed" if place != zone else "onboarding.timezone_confirmed_zone"
    await update.effective_chat.send_message(  # type: ignore[union-attr]
        deps.content.texts(
            key,
            zone=zone,
            place=html.escape(place),
            local_time=views.local_time_text(zone, deps.clock.now()),
        ),
        reply_markup=ReplyKeyboardRemove(),
    )
    return await _advance(update, deps, draft)


async def on_other(update: Update, context: ContextTypes.DEFAULT_TYPE) -> object:
    """Anything else mid-conversation (a sticker, a photo): re-ask, never go silent."""
    deps = get_deps(context)
    draft = await _load(deps, update.effective_chat.id)  # type: ignore[union-attr]
    step = draft.get("step")
    if (
        not step
        or step == ALREADY_SET_UP
        or (draft.get("mode") == "settings" and step == CHANGE_MENU)
    ):
        if step:
            await _drop(deps, update.effective_chat.id)  # type: ignore[union-attr]
        await update.effective_chat.send_message(deps.content.texts("misc.non_text"))  # type: ignore[union-attr]
        return END
    key = "settings.unexpected" if draft.get("mode") == "settings" else "onboarding.unexpected_text"
    await update.effective_chat.send_message(deps.content.texts(key))  # type: ignore[union-attr]
    return await _resume(update, deps, draft)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> object:
    deps = get_deps(context)
    t = deps.content.texts
    query = update.callback_query
    assert query is not None and query.data is not None
    chat_id = update.effective_chat.id  # type: ignore[union-attr]
    draft = await _load(deps, chat_id)
    parts = query.data.split(":", 2)
    current = draft.get("step")
    if len(parts) != 3:
        await query.answer(t("misc.stale_button"))
        return current or END
    _, step, value = parts
    if not current:
        await query.answer(t("misc.stale_button"))
        return END
    pressed = query.message.message_id if query.message is not None else None
    if step != current:
        await query.answer()
        if pressed is not None and pressed == draft.get("pressed"):
            # Another tap on the question a tap has just answered (both left before the
            # first reply came): its answer is in and the next question is on screen.
            return current
        await update.effective_chat.send_message(t("onboarding.stale_step"))  # type: ignore[union-attr]
        return await _resume(update, deps, draft)
    # Saved with the answer this tap leads to: a second tap on the same message is then
    # known for what it is (above).
    draft["pressed"] = pressed
    answers = draft["answers"]

    if step in (A.RUN_DAYS, A.HARD_DAYS) and (day := _number(value, 1)) is not None:
        await query.answer()
        allowed = range(7) if step == A.RUN_DAYS else A.hard_day_candidates(answers)
        chosen = day in answers.get(step, [])
        # The tap means the opposite of what the runner saw: a double tap on an unticked
        # day ticks it once, instead of ticking and unticking it.
        wanted = not _shown_ticked(query, chosen)
        if day in allowed and wanted != chosen:
            draft["answers"] = A.toggle(answers, step, day)
            await _save(deps, chat_id, draft)
            text, keyboard = question(deps, step, draft["answers"])
            await _edit(query, text, keyboard)
        return step
    if step == A.RUN_DAYS and value == "ok":
        if not answers.get(A.RUN_DAYS):
            await query.answer(t("onboarding.need_one_run_day"), show_alert=True)
            return step
        return await _answered(
            update, deps, draft, _days_text(deps.content.texts, answers[A.RUN_DAYS])
        )
    if step == A.HARD_DAYS and value in ("ok", "none"):
        if value == "none":
            answers[A.HARD_DAYS] = []
        return await _answered(
            update, deps, draft, _days_text(deps.content.texts, answers.get(A.HARD_DAYS, []))
        )
    if step == A.LONG_RUN:
        if value == "none":
            answers["long_run_day"] = None
            return await _answered(update, deps, draft, t("buttons.no_long_run"))
        if (day := _number(value, 1)) is not None and day in A.run_days(answers):
            answers["long_run_day"] = day
            return await _answered(update, deps, draft, t(f"day_short.{day}"))
    if step == A.EXPERIENCE and value in ("new", "some", "experienced"):
        answers[A.EXPERIENCE] = value
        return await _answered(update, deps, draft, t(f"experience.{value}"))
    if step == A.EQUIPMENT and value in ("none", "dumbbells", "gym"):
        answers[A.EQUIPMENT] = value
        return await _answered(update, deps, draft, t(f"equipment.{value}"))
    if step == A.PULL_UP_BAR and value in ("y", "n"):
        answers[A.PULL_UP_BAR] = value == "y"
        return await _answered(
            update, deps, draft, t("buttons.yes" if value == "y" else "buttons.no")
        )
    if step == A.SESSIONS and value in ("2", "3"):
        answers[A.SESSIONS] = int(value)
        return await _answered(
            update, deps, draft, t(f"buttons.{'two' if value == '2' else 'three'}")
        )
    if step == A.REMINDER_TIME:
        if value == "off":
            answers[A.REMINDER_TIME] = None
            return await _answered(update, deps, draft, t("buttons.no_reminders"))
        if (chosen := _clock_time(value)) is not None:
            answers[A.REMINDER_TIME] = chosen.strftime("%H:%M")
            return await _answered(update, deps, draft, chosen.strftime("%H:%M"))
    if step == A.TIME_BUDGET and (value == "none" or value in map(str, A.BUDGETS)):
        answers[A.TIME_BUDGET] = None if value == "none" else int(value)
        shown = t("buttons.no_limit") if value == "none" else t("buttons.minutes", minutes=value)
        return await _answered(update, deps, draft, shown)
    if step == A.RACE_DATE and value == "none":
        answers[A.RACE_DATE] = None
        return await _answered(update, deps, draft, t("buttons.no_race"))
    if step == A.PREVIEW_DAY:
        if value == "off":
            answers[A.PREVIEW_DAY] = None
            return await _answered(update, deps, draft, t("preview.off_button"))
        if (day := _number(value, 1)) is not None and day in range(7):
            answers[A.PREVIEW_DAY] = day
            return await _answered(update, deps, draft, t(f"day_long.{day}"))
    if step == A.PREVIEW_TIME and (chosen := _clock_time(value)) is not None:
        answers[A.PREVIEW_TIME] = chosen.strftime("%H:%M")
        return await _answered(update, deps, draft, chosen.strftime("%H:%M"))
    if step == CONFIRM:
        if value == "ok":
            await query.answer()
            await query.edit_message_reply_markup(reply_markup=None)
            return await _finish_onboarding(update, deps, draft)
        if value == "change":
            await query.answer()
            await query.edit_message_reply_markup(reply_markup=None)
            return await _show_menu(update, deps, draft, "onboarding.change_which")
    if step == CHANGE_MENU:
        if value == "back" and draft.get("mode") == "onboarding":
            await query.answer()
            await query.edit_message_reply_markup(reply_markup=None)
            return await _show_summary(update, deps, draft)
        if value == "checkin" and draft.get("mode") == "settings":
            await query.answer()
            await query.edit_message_reply_markup(reply_markup=None)
            return await _toggle_checkin(update, deps, chat_id)
        if value in A.CHAINS:
            await query.answer()
            await query.edit_message_reply_markup(reply_markup=None)
            draft["queue"] = list(A.CHAINS[value])
            return await _advance(update, deps, draft)
        if value in A.SETTINGS_CHAINS and draft.get("mode") == "settings":
            await query.answer()
            await query.edit_message_reply_markup(reply_markup=None)
            draft["queue"] = list(A.SETTINGS_CHAINS[value])
            draft["chain"] = value
            return await _advance(update, deps, draft)
    if step == ALREADY_SET_UP:
        await query.answer()
        await query.edit_message_reply_markup(reply_markup=None)
        if value == "redo":
            draft = {
                "mode": "onboarding",
                "queue": list(A.STEPS),
                "answers": draft["answers"],
                "pressed": pressed,
            }
            return await _advance(update, deps, draft)
        async with transaction(deps.sessions) as session:
            await drafts.drop_draft(session, chat_id)
            deps.draft_cache.pop(chat_id, None)
        await update.effective_chat.send_message(t("onboarding.kept"))  # type: ignore[union-attr]
        return END
    await query.answer(t("misc.stale_button"))
    return current


def _number(value: str, digits: int) -> int | None:
    """A button's number, of ASCII digits only: str.isdigit() also says yes to "²" and to
    other scripts' digits, and int() refuses "²" (forged data must not reach the error
    handler)."""
    if value.isascii() and value.isdigit() and len(value) <= digits:
        return int(value)
    return None


def _clock_time(value: str) -> time | None:
    """A time button's "HHMM"."""
    if len(value) != 4 or (hours := _number(value[:2], 2)) is None:
        return None
    minutes = _number(value[2:], 2)
    return time(hours, minutes) if minutes is not None and hours < 24 and minutes < 60 else None


def _shown_ticked(query: CallbackQuery, default: bool) -> bool:
    """Whether the tapped day button showed ✓ on the message as the runner saw it."""
    message = query.message
    if isinstance(message, Message) and message.reply_markup is not None:
        for row in message.reply_markup.inline_keyboard:
            for button in row:
                if button.callback_data == query.data:
                    return button.text.startswith("✓ ")
    return default


async def _edit(query: CallbackQuery, text: str, keyboard: InlineKeyboardMarkup) -> None:
    """Edit the question in place; the same content again (a tap raced an earlier edit)
    is not an error."""
    try:
        await query.edit_message_text(text, reply_markup=keyboard)
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise


async def _answered(update: Update, deps: Deps, draft: dict[str, Any], shown: str) -> object:
    """Close the answered question (its buttons go, the answer shows) and move on."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    step = draft["step"]
    first_line = question(deps, step, draft["answers"])[0].split("\n")[0]
    try:
        await query.edit_message_text(f"{first_line}\n→ <b>{shown}</b>", reply_markup=None)
    except Exception:
        pass
    return await _advance(update, deps, draft)


async def _toggle_checkin(update: Update, deps: Deps, chat_id: int) -> object:
    t = deps.content.texts
    async with transaction(deps.sessions) as session:
        runner = await runners.get_runner(session, chat_id)
        if runner is not None:
            await runners.set_state(
                session, runner, now=deps.clock.now(), checkin_enabled=not runner.checkin_enabled
            )
        await drafts.drop_draft(session, chat_id)
        deps.draft_cache.pop(chat_id, None)
    enabled = runner is not None and runner.checkin_enabled
    text = (
        t("settings.checkin_now_on", time=deps.settings.evening_checkin_time.strftime("%H:%M"))
        if enabled
        else t("settings.checkin_now_off")
    )
    await update.effective_chat.send_message(text)  # type: ignore[union-attr]
    return END


async def _finish_onboarding(update: Update, deps: Deps, draft: dict[str, Any]) -> object:
    t = deps.content.texts
    week, _ = await _store_week(update, deps, draft)
    today = local_today(week, deps.clock.now())
    planned = next_session(week, today, include_today=True)
    if planned is not None:
        next_line = t(
            "onboarding.finished_next",
            day=views.day_label(t, planned.day, today),
            focus=views.focus_label(t, planned.focus),
        )
    else:
        next_line = ""
    await update.effective_chat.send_message(t("onboarding.finished", next_line=next_line))  # type: ignore[union-attr]
    return END


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> object:
    deps = get_deps(context)
    chat_id = update.effective_chat.id  # type: ignore[union-attr]
    draft = await _load(deps, chat_id)
    async with transaction(deps.sessions) as session:
        await drafts.drop_draft(session, chat_id)
        deps.draft_cache.pop(chat_id, None)
    key = (
        "onboarding.cancelled_settings"
        if draft.get("mode") == "settings"
        else "onboarding.cancelled"
    )
    await update.effective_chat.send_message(
        deps.content.texts(key), reply_markup=ReplyKeyboardRemove()
    )  # type: ignore[union-attr]
    return END


def build_setup_conversation(extra_fallbacks: list[Any]) -> ConversationHandler[Any]:
    private = filters.ChatType.PRIVATE
    answer_handlers = [
        CallbackQueryHandler(on_button, pattern=rf"^{CB}:"),
        MessageHandler(private & filters.TEXT & ~filters.COMMAND, on_text),
        MessageHandler(private & filters.LOCATION, on_location),
    ]
    questions = dict.fromkeys((*A.STEPS, *A.CHAINS, *A.SETTINGS_STEPS))  # each question once
    states = {step: answer_handlers for step in (*questions, CONFIRM, CHANGE_MENU, ALREADY_SET_UP)}
    return ConversationHandler(
        entry_points=[
            CommandHandler("start", start, filters=private),
            CommandHandler("settings", settings, filters=private),
        ],
        states=states,  # type: ignore[arg-type]
        fallbacks=[
            CommandHandler("cancel", cancel, filters=private),
            # "Yes, delete" from a confirmation sent before this conversation opened: the
            # draft and state go with everything else, so the conversation ends with them
            # (left open, the runner's next message went to a question that was gone).
            CallbackQueryHandler(delete.delete_button, pattern=DeleteButton.PATTERN),
            *extra_fallbacks,
            MessageHandler(private & ~filters.COMMAND, on_other),
        ],
        name=CONVERSATION_NAME,
        persistent=True,
        allow_reentry=True,
    )
