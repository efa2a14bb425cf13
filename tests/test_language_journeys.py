"""A full journey in each language through the real bot (issue 16, "Tests through the real
bot"): Russian, Spanish, Brazilian Portuguese and German runners, each from /start with
their Telegram app's language_code, on both databases, time from the injected clock.

1. Onboarding by tapping every answer: the first message names the language and offers
   the change-language button; every question, label and the summary in that language.
2. Onboarding by typing, as people in that country type (days, times, lengths, race
   dates, cities, yes).
3. After setup: the reminder arrives in the language when the clock reaches its time,
   /today, "done" typed with punctuation and emoji (stored), a skip with a reason typed
   (stored), /week, a /settings change typed (stored).
4. /language mid-onboarding: the next question in the new language, no answer lost.

Every journey checks that no English leaks (no English-only message text, no common
English word outside commands and markup), and measures the button labels: each no wider
than a phone shows (``MAX_LABEL``) and each callback_data within Telegram's 64 bytes.

Texts are the language's own (``load_content().speaking(code).texts``), looked up by key,
so a translator's edit does not break these tests; a message with placeholders is checked
by its fixed parts (the words around the placeholders).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot.messages import onboarding as Q
from bot.store.db import transaction
from bot.store.models import SessionLog
from bot.texts import Texts, placeholders
from testkit.harness import CHAT, BotHarness, FakeClock, runner_row, shared_content
from tests.conftest import Make
from tests.onboarding_steps import stored_draft, stored_runner

BERLIN = ZoneInfo("Europe/Berlin")
CODES = ["ru", "es", "pt-BR", "de"]
# Telegram's language_code as each runner's app sends it (a region where apps send one).
TELEGRAM = {"ru": "ru", "es": "es-419", "pt-BR": "pt-br", "de": "de-AT"}
#: The widest inline button label any journey may show beside another button on its row,
#: in characters: two buttons share a phone's width in portrait, ~14 characters each
#: before Telegram cuts a label with "…", and a row of one ~30. The widest measured:
#: 19 Russian ("Тренировок в неделю"), 21 Spanish ("Duración de la sesión"), 18
#: Portuguese ("Treinos por semana"), 19 German ("Einheiten pro Woche").
MAX_LABEL = 24
#: A button alone on its row may be wider: ~40 characters fit a phone's width. The
#: change-language button says "Change language" after the runner's words on purpose
#: (found by a runner who cannot read the language): "🌐 Sprache ändern / Change
#: language" is 34; English's widest swap option, an exercise's name, is 36.
MAX_LONE_LABEL = 40
#: Telegram's limit on a button's callback_data.
MAX_CALLBACK_BYTES = 64
#: Common English words that no Russian, Spanish, Portuguese or German sentence of the
#: coach should hold (outside /commands and markup).
ENGLISH_WORDS = re.compile(
    r"\b(the|your|you|session|sessions|today|week|reminder|reminders|done|skip|skipped|"
    r"settings|change|tap|rest|legs|upper|looks good|all set)\b",
    re.IGNORECASE,
)


def speaking(code: str) -> Texts:
    return shared_content().speaking(code).texts


ENGLISH = speaking("en")


def berlin(day: date, hour: int) -> datetime:
    """That day's hour in Berlin, where the journeys' runners live, as UTC."""
    return datetime.combine(day, time(hour), tzinfo=BERLIN).astimezone(UTC)


# ---- what the runner sees ----------------------------------------------------------------


def fixed_parts(t: Texts, key: str) -> list[str]:
    """The words of a message around its placeholders (each at least 3 characters): what
    every rendering of the key shows, whatever the values."""
    message = t.message(key)
    forms = list(message.values()) if isinstance(message, dict) else [message]
    parts: list[str] = []
    for form in forms[-1:]:  # "other": every language has it
        parts += [p for p in re.split(r"\{[^}]*\}", str(form)) if len(p.strip()) >= 3]
    return parts


def shows(text: str, t: Texts, key: str) -> bool:
    return all(part in text for part in fixed_parts(t, key))


def labels(message: dict[str, Any]) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [button["text"] for row in markup.get("inline_keyboard", []) for button in row]


def all_rows(bot: BotHarness) -> list[list[dict[str, Any]]]:
    """Every row of inline buttons the bot showed this chat (sent, edited or re-marked-up)."""
    found: list[list[dict[str, Any]]] = []
    for call in bot.stub.calls:
        if str(call.params.get("chat_id")) != str(bot.chat_id):
            continue
        markup = call.params.get("reply_markup")
        if isinstance(markup, dict):
            found += markup.get("inline_keyboard", [])
    return found


def all_buttons(bot: BotHarness) -> list[dict[str, Any]]:
    return [button for row in all_rows(bot) for button in row]


def bare(text: str) -> str:
    """A sent text without markup, /commands and time-zone names: the coach's words."""
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"[A-Za-z]+/[A-Za-z_/]+", " ", text)  # Europe/Berlin
    return re.sub(r"/\w+", " ", text)


def english_only_texts(code: str) -> list[str]:
    """English's texts without placeholders that the language words differently (at least
    10 characters without markup): none of them may reach this language's runner."""
    t = speaking(code)
    found = []
    for key in ENGLISH.keys():
        message = ENGLISH.message(key)
        if not isinstance(message, str) or placeholders(message) or not t.has(key):
            continue
        words = bare(message).strip()
        if len(words) >= 10 and message != t(key):
            found.append(words)
    return found


def assert_no_english(bot: BotHarness, code: str) -> None:
    """Nothing the runner read in this journey is English: no English-only text, no
    common English word (the change-language button says "Change language" on purpose)."""
    changes = {speaking(other)("languages.change_button") for other in shared_content().codes}
    shown = [m["text"] for m in bot.stub.sent_messages(bot.chat_id)]
    shown += [b["text"] for b in all_buttons(bot) if b["text"] not in changes]
    shown += bot.callback_answers()  # the toasts over the chat
    english = english_only_texts(code)
    for text in shown:
        words = bare(text)
        leaked = ENGLISH_WORDS.search(words)
        assert leaked is None, f"{code}: English {leaked.group(0)!r} in {text!r}"
        for sentence in english:
            assert sentence not in words, f"{code}: English {sentence!r} in {text!r}"


def assert_buttons_fit(bot: BotHarness, code: str) -> None:
    """Every label fits a phone; every callback_data fits Telegram's 64 bytes."""
    rows = all_rows(bot)
    assert rows, code
    shared = [button["text"] for row in rows if len(row) > 1 for button in row]
    lone = [row[0]["text"] for row in rows if len(row) == 1]
    for name, found in (("shared", shared), ("lone", lone)):
        widest = max(found, key=len, default="")
        print(f"WIDTH {code} {name} {len(widest)} {widest!r}")  # the report's figures
    for label in shared:
        assert len(label) <= MAX_LABEL, f"{code}: {label!r} too wide beside another button"
    for label in lone:
        assert len(label) <= MAX_LONE_LABEL, f"{code}: {label!r} too wide"
    for button in all_buttons(bot):
        data = button.get("callback_data")
        if data is not None:
            assert len(data.encode()) <= MAX_CALLBACK_BYTES, f"{code}: {data!r}"


def finish(bot: BotHarness, code: str) -> None:
    assert_no_english(bot, code)
    assert_buttons_fit(bot, code)


async def stored_logs(bot: BotHarness) -> list[SessionLog]:
    async with transaction(bot.sessions) as session:
        return list((await session.exec(select(SessionLog))).all())


# ---- 1. onboarding by tapping ------------------------------------------------------------


async def tap_onboarding(
    bot: BotHarness, code: str, equipment: str = "equipment.none"
) -> list[dict[str, Any]]:
    """/start and every answer tapped: runs Mon, Wed, Sat, the long run Saturday, Wednesday
    hard, new to strength, no equipment, no bar, three sessions of 20 minutes, reminders
    at 07:00, the place shared from the location button (Munich), no race; returns the
    replies to the summary's "looks good"."""
    t = speaking(code)
    greeting, question = await bot.say("/start")
    assert greeting["text"] == (
        t("onboarding.welcome", name="Runner") + "\n\n" + t("languages.chosen")
    )
    assert labels(greeting) == [t("languages.change_button")]
    assert question["text"] == Q.question(t, "run_days", {})[0]
    assert question["text"] != Q.question(ENGLISH, "run_days", {})[0]
    assert labels(question) == [t.weekday(day, "abbreviated") for day in range(7)] + [
        t("buttons.days_done")
    ]
    for day in (0, 2, 5):
        await bot.tap(t.weekday(day, "abbreviated"))
    replies = await bot.tap(t("buttons.days_done"))
    assert replies[-1]["text"] == t("onboarding.ask_long_run")
    replies = await bot.tap(t.weekday(5, "abbreviated"))
    assert shows(replies[-1]["text"], t, "onboarding.ask_hard_days")
    await bot.tap(t.weekday(2, "abbreviated"))
    replies = await bot.tap(t("buttons.days_done"))
    assert replies[-1]["text"] == t("onboarding.ask_experience")
    replies = await bot.tap(t("experience.new"))
    assert replies[-1]["text"] == t("onboarding.ask_equipment")
    replies = await bot.tap(t(equipment))
    if equipment != "equipment.gym":  # a gym has a bar
        assert replies[-1]["text"] == t("onboarding.ask_pull_up_bar")
        replies = await bot.tap(t("buttons.no"))
    assert replies[-1]["text"] == t("onboarding.ask_sessions")
    replies = await bot.tap(t("buttons.three"))
    assert replies[-1]["text"] == t("onboarding.ask_time_budget")
    replies = await bot.tap(t("buttons.minutes", minutes=20))
    assert replies[-1]["text"] == t("onboarding.ask_reminder_time")
    replies = await bot.tap(t.time(time(7, 0)))
    assert replies[-1]["text"] == t("onboarding.ask_timezone")
    keyboard = replies[-1]["reply_markup"]["keyboard"]
    assert keyboard[0][0]["text"] == t("buttons.share_location")
    replies = await bot.share_location(48.137, 11.575)  # Munich
    assert replies[-1]["text"] == t("onboarding.ask_race_date")
    summary = (await bot.tap(t("buttons.no_race")))[-1]
    text = summary["text"]
    for key in ("onboarding.summary_long", "onboarding.summary_rest", "onboarding.confirm_prompt"):
        assert t(key) in text and ENGLISH(key) not in text, (code, key, text)
    assert t("onboarding.summary_reminder", time=t.time(time(7, 0)), zone="Europe/Berlin") in text
    assert f"{t('experience.new')} · {t(equipment)}" in text
    assert labels(summary) == [t("buttons.looks_good"), t("buttons.change")]
    replies = await bot.tap(t("buttons.looks_good"))
    assert shows(replies[-1]["text"], t, "onboarding.finished"), replies[-1]["text"]
    assert t("focus.upper") in replies[-1]["text"]  # Friday's session: the upper body
    return replies


@pytest.mark.parametrize("code", CODES)
async def test_onboarding_by_tapping_in_the_runners_language(make: Make, code: str) -> None:
    bot = await make(TELEGRAM[code])
    await tap_onboarding(bot, code)
    runner = await runner_row(bot)
    assert runner.onboarded and runner.language == code
    assert (runner.run_days, runner.long_run_day, runner.hard_days) == ("0,2,5", 5, "2")
    assert (runner.experience, runner.equipment, runner.pull_up_bar) == ("new", "none", False)
    assert (runner.sessions_per_week, runner.time_budget) == (3, 20)
    assert (runner.reminder_time, runner.timezone) == ("07:00", "Europe/Berlin")
    finish(bot, code)


# ---- 2. onboarding by typing --------------------------------------------------------------


@dataclass(frozen=True)
class Typed:
    """What a runner of one language types at each question, and the week it means."""

    answers: tuple[str, ...]
    run_days: str
    long_run_day: int
    hard_days: str
    sessions: int


TYPED = {
    "ru": Typed(("пн ср сб", "в субботу", "интервалы в среду", "новичок", "ничего", "есть",
                 "три", "полчаса", "7 утра", "Мюнхен", "12 апреля", "полумарафон", "да"),
                "0,2,5", 5, "2", 3),
    "es": Typed(("lunes y jueves", "el jueves", "series el lunes", "principiante", "nada",
                 "sí, tengo", "dos", "media hora", "a las 7", "Múnich", "12 de abril",
                 "media maratón", "sí"),
                "0,3", 3, "0", 2),
    "pt-BR": Typed(("seg qua sáb", "sábado", "tiros na quarta", "iniciante", "nada", "tenho",
                    "três", "meia hora", "às 7", "Munique", "12 de abril", "meia maratona",
                    "sim"),
                   "0,2,5", 5, "2", 3),
    "de": Typed(("Mo, Mi, Sa", "am Samstag", "Intervalle am Mittwoch", "Anfänger", "nichts",
                 "hab ich", "dreimal", "eine halbe Stunde", "7 Uhr", "München", "12. April",
                 "Halbmarathon", "ja"),
                "0,2,5", 5, "2", 3),
}  # fmt: skip


@pytest.mark.parametrize("code", CODES)
async def test_onboarding_by_typing_in_the_runners_language(make: Make, code: str) -> None:
    bot = await make(TELEGRAM[code])
    t = speaking(code)
    typed = TYPED[code]
    await bot.say("/start")
    summary: dict[str, Any] = {}
    for text in typed.answers:
        step = (await stored_draft(bot)).get("step")
        replies = await bot.say(text)
        after = await stored_draft(bot)
        assert after.get("step") != step or not after, f"{code}: {text!r} not taken at {step}"
        if after.get("step") == "confirm":
            summary = replies[-1]
    assert t("onboarding.confirm_prompt") in summary["text"]
    assert t("onboarding.summary_long") in summary["text"]
    runner = await stored_runner(bot)
    assert runner is not None and runner.onboarded, code
    assert runner.language == code
    assert (runner.run_days, runner.long_run_day, runner.hard_days) == (
        typed.run_days,
        typed.long_run_day,
        typed.hard_days,
    )
    assert (runner.experience, runner.equipment, runner.pull_up_bar) == ("new", "none", True)
    assert (runner.sessions_per_week, runner.time_budget) == (typed.sessions, 30)
    assert (runner.reminder_time, runner.timezone) == ("07:00", "Europe/Berlin")
    assert (runner.race_date, runner.race_distance) == (date(2027, 4, 12), "half")
    finish(bot, code)


# ---- 3. after setup: reminder, /today, done, skip, /week, /settings ------------------------


@dataclass(frozen=True)
class Week:
    """What a runner types after setup: done, a skip with its reason, a new reminder time."""

    done: str
    skip: str
    reason: str
    reminder: str


AFTER = {
    "ru": Week("Готово! 💪", "пропускаю, устала", "tired", "в 6 утра"),
    "es": Week("¡hecho!", "hoy no, mucho trabajo", "busy", "a las 6"),
    "pt-BR": Week("feito ✅", "vou pular, estou doente", "ill", "às 6"),
    "de": Week("Erledigt!", "heute nicht, bin unterwegs", "travel", "6 Uhr"),
}


@pytest.mark.parametrize("code", CODES)
async def test_a_week_in_the_runners_language(make: Make, clock: FakeClock, code: str) -> None:
    bot = await make(TELEGRAM[code])
    t = speaking(code)
    typed = AFTER[code]
    await tap_onboarding(bot, code)  # Legs Mon, Legs Wed, Upper Fri; reminders 07:00 Berlin

    # Friday 07:00 in Berlin: the reminder comes, in the runner's language.
    clock.set(berlin(date(2026, 11, 27), 7))
    assert (await bot.tick()).sent == 1
    reminder = bot.stub.sent_messages(CHAT)[-1]
    assert reminder["text"].startswith(t("misc.reminder_intro")), reminder["text"]
    assert t("buttons.done") in labels(reminder)
    assert t("focus.upper") in reminder["text"]

    # ⇄ Swap: a new runner without equipment has every fitting exercise already; the
    # toast says so in the runner's language.
    await bot.tap(t("swap.button"), reminder)
    assert bot.callback_answers()[-1] == t("swap.nothing_to_swap")

    [today] = await bot.say("/today")
    assert t("focus.upper") in today["text"] and shows(today["text"], t, "today.footer")

    replies = await bot.say(typed.done)
    [log] = await stored_logs(bot)
    assert (log.status, log.local_date) == ("done", date(2026, 11, 27)), typed.done
    assert shows(replies[0]["text"], t, "done.logged"), replies[0]["text"]

    replies = await bot.tap(t("feedback.right"))
    [log] = await stored_logs(bot)
    assert log.feedback == "right"
    assert any(shows(reply["text"], t, "feedback.thanks_right") for reply in replies), replies

    # Sunday 18:00: next week's preview, in the runner's language.
    clock.set(berlin(date(2026, 11, 29), 18))
    before = len(bot.stub.sent_messages(CHAT))
    await bot.tick()
    [preview] = bot.stub.sent_messages(CHAT)[before:]
    assert t("focus.legs") in preview["text"] and t.weekday(0) in preview["text"], preview

    # Monday: a skip with its reason, typed.
    clock.set(berlin(date(2026, 11, 30), 9))
    replies = await bot.say(typed.skip)
    skipped = [row for row in await stored_logs(bot) if row.local_date == date(2026, 11, 30)]
    assert [(row.status, row.reason) for row in skipped] == [("skipped", typed.reason)]
    assert any(t("focus.legs") in reply["text"] for reply in replies), replies
    assert replies[0]["text"].startswith(t("week.marker_skipped")), replies[0]["text"]

    [week] = await bot.say("/week")
    assert shows(week["text"], t, "week.header")
    assert t("week.marker_skipped") in week["text"]

    # /settings: the reminder time, typed.
    [menu] = await bot.say("/settings")
    assert t("settings.menu") in menu["text"]
    await bot.tap(t("settings_field.reminder_time"))
    replies = await bot.say(typed.reminder)
    six = t("onboarding.summary_reminder", time=t.time(time(6, 0)), zone="Europe/Berlin")
    assert six in replies[-1]["text"], replies[-1]["text"]
    assert (await runner_row(bot)).reminder_time == "06:00", typed.reminder
    finish(bot, code)


# ---- 4. /language mid-onboarding -----------------------------------------------------------

SATURDAY = {"ru": "в субботу", "es": "el sábado", "pt-BR": "sábado", "de": "am Samstag"}
SWITCHES = [("ru", "de"), ("es", "pt-BR"), ("pt-BR", "ru"), ("de", "es")]


@pytest.mark.parametrize(("first", "then"), SWITCHES)
async def test_a_switch_mid_onboarding_loses_no_answer(make: Make, first: str, then: str) -> None:
    """Two answers in the first language (days tapped, the long run typed), /language to
    another: the next question in the new one, the rest typed in it, every answer kept."""
    bot = await make(TELEGRAM[first])
    old, new = speaking(first), speaking(then)
    await bot.say("/start")
    for day in (0, 2, 5):
        await bot.tap(old.weekday(day, "abbreviated"))
    await bot.tap(old("buttons.days_done"))
    await bot.say(SATURDAY[first])  # the long run
    answers = (await stored_draft(bot))["answers"]
    replies = await bot.say(f"/language {then}")
    assert [reply["text"] for reply in replies] == [
        new("languages.switched"),
        Q.question(new, "hard_days", answers)[0],
    ]
    assert labels(replies[-1])[:2] == [new.weekday(0, "abbreviated"), new.weekday(2, "abbreviated")]
    # The rest typed in the new language (its hard day, Wednesday, is one of the run days).
    rest = list(TYPED[then].answers[2:])
    if then == "es":  # Spanish's typed week runs Monday and Thursday: Wednesday here
        rest[0] = "series el miércoles"
    for text in rest:
        step = (await stored_draft(bot)).get("step")
        await bot.say(text)
        after = await stored_draft(bot)
        assert after.get("step") != step or not after, f"{then}: {text!r} not taken at {step}"
    runner = await runner_row(bot)
    assert runner.onboarded and runner.language == then
    assert (runner.run_days, runner.long_run_day, runner.hard_days) == ("0,2,5", 5, "2")
    assert (runner.experience, runner.equipment, runner.pull_up_bar) == ("new", "none", True)
    assert (runner.time_budget, runner.reminder_time) == (30, "07:00")
    assert (runner.race_date, runner.race_distance) == (date(2027, 4, 12), "half")
    # Only the messages after the switch must be in the new language.
    switched_at = replies[0]["message_id"]
    after_switch = [m for m in bot.stub.sent_messages(CHAT) if m["message_id"] >= switched_at]
    for message in after_switch:
        leaked = ENGLISH_WORDS.search(bare(message["text"]))
        assert leaked is None, f"{then}: English {leaked.group(0)!r} in {message['text']!r}"
    assert_buttons_fit(bot, then)


# ---- what the journeys found --------------------------------------------------------------


async def typed_until_summary(bot: BotHarness, code: str) -> list[dict[str, Any]]:
    """Onboarding typed as in ``TYPED``, up to the summary (not confirmed): every reply."""
    replies = await bot.say("/start")
    for text in TYPED[code].answers[:-1]:
        replies += await bot.say(text)
    return replies


@pytest.mark.parametrize("code", CODES)
async def test_the_summarys_race_line_ends_in_one_full_stop(make: Make, code: str) -> None:
    bot = await make(TELEGRAM[code])
    summary = (await typed_until_summary(bot, code))[-1]["text"]
    assert re.search(r"(?<!\.)\.\.(?!\.)", summary) is None, summary


@pytest.mark.parametrize("code", CODES)
async def test_the_city_typed_comes_back_in_the_runners_language(make: Make, code: str) -> None:
    bot = await make(TELEGRAM[code])
    replies = await typed_until_summary(bot, code)
    city = TYPED[code].answers[9]
    [confirmed] = [r for r in replies if "Europe/Berlin" in r["text"] and "(" in r["text"]][:1]
    assert "Munich" not in confirmed["text"], (city, confirmed["text"])


@pytest.mark.parametrize("code", CODES)
async def test_swap_buttons_name_exercises_in_the_runners_language(
    make: Make, clock: FakeClock, code: str
) -> None:
    """A gym runner's Friday: each exercise's swap options, their names as button labels
    (the widest labels the coach shows), in the language and fitting a phone."""
    bot = await make(TELEGRAM[code])
    t = speaking(code)
    await tap_onboarding(bot, code, equipment="equipment.gym")
    clock.set(berlin(date(2026, 11, 27), 7))
    assert (await bot.tick()).sent == 1
    reminder = bot.stub.sent_messages(CHAT)[-1]
    await bot.tap(t("swap.button"), reminder)
    which = bot.stub.message(CHAT, reminder["message_id"])
    assert which is not None and which["text"].endswith(t("swap.which")), which
    exercises = [label for label in labels(which) if label != t("swap.keep")]
    assert len(exercises) >= 3, exercises
    for label in exercises:
        await bot.tap(label, which)
        options = bot.stub.message(CHAT, reminder["message_id"])
        assert options is not None and shows(options["text"], t, "swap.instead_of"), options
    assert_no_english(bot, code)
    assert_buttons_fit(bot, code)
