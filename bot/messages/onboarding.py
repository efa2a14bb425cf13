"""The questions of /start and /settings as data, and every text and keyboard around them.

One ``Question`` per answer: how it is asked (text and keyboard, showing what is already
chosen), how a typed answer is read, how a button is read, and what the closed question
shows as its answer (the echo). Onboarding and /settings share the table; the order of
questions and which ones apply live with the answers' rules (``bot.coach.answers``).

Adding a question: its key and place in ``bot.coach.answers``, one ``Question`` in
``QUESTIONS`` below, and its texts in ``content/``.

Button data: ``bot.messages.callbacks.SetupButton`` (``ob:<step>:<value>`` on the wire).

What runners may type beyond each question's own words (casual no's and yeses, "noon",
words around days, "actually …", other names of countries) is content:
``content/messages/onboarding_words.toml``, read here and handed to the pure parsers.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from bot.coach import answers as A
from bot.coach.city_table import normalise
from bot.coach.corrections import ChangeWords
from bot.coach.parsing import (
    CalendarLayer,
    CalendarWords,
    TimeWords,
    calendar_words,
    closest,
    find_date,
    fold,
    is_none_answer,
    made_of,
    parse_days,
    parse_length,
    parse_time,
    time_words,
    words_of,
)
from bot.coach.phases import RECOVERY_DAYS, TAPER_DAYS, distance_of
from bot.coach.timezones import ZoneChoice, is_valid_zone, local_city
from bot.coach.week import RunnerWeek
from bot.content import Texts
from bot.messages import views
from bot.messages.callbacks import SetupButton, parse_as
from bot.messages.preview import setting_label
from bot.messages.week import no_legs_line

Answers = dict[str, Any]  # the coach's answers format (bot.coach.answers)
Keyboard = InlineKeyboardMarkup | ReplyKeyboardMarkup

CB = SetupButton.PREFIX
# The screens between questions, and the steps a draft is at while they are shown.
CONFIRM = "confirm"
CHANGE_MENU = "change_menu"
ALREADY_SET_UP = "already_set_up"

QUICK_TIMES = ("06:30", "07:00", "12:00", "18:00", "19:30")
PREVIEW_TIMES = ("07:00", "08:00", "12:00", "18:00", "20:00")
# What to tell a runner whose race date was not taken, by what was wrong with it.
RACE_DATE_REASKS: dict[A.DateProblem, str] = {
    A.DateProblem.UNREADABLE: "onboarding.reask_race_date",
    A.DateProblem.PAST: "onboarding.race_date_past",
    A.DateProblem.TOO_FAR: "onboarding.race_date_too_far",
}
QUESTION_CACHE_SIZE = 512


# ---- buttons ------------------------------------------------------------------------


def button(text: str, step: str, value: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=SetupButton(step, value).pack())


def parse_button(data: str | None) -> SetupButton | None:
    """A setup button's step and value; None if the data is not one."""
    return parse_as(data, SetupButton)


def number(value: str, digits: int) -> int | None:
    """A button's number, of ASCII digits only: str.isdigit() also says yes to "²" and to
    other scripts' digits, and int() refuses "²" (forged data must not reach the error
    handler)."""
    if value.isascii() and value.isdigit() and len(value) <= digits:
        return int(value)
    return None


def clock_time(value: str) -> time | None:
    """A time button's "HHMM"."""
    if len(value) != 4 or (hours := number(value[:2], 2)) is None:
        return None
    minutes = number(value[2:], 2)
    return time(hours, minutes) if minutes is not None and hours < 24 and minutes < 60 else None


def _day_buttons(
    t: Texts, step: str, days: list[int], chosen: set[int]
) -> list[list[InlineKeyboardButton]]:
    buttons = [
        button(("✓ " if day in chosen else "") + t.weekday(day, "abbreviated"), step, str(day))
        for day in days
    ]
    return [buttons[:4], buttons[4:]] if len(buttons) > 4 else [buttons]


def days_text(t: Texts, days: list[int]) -> str:
    return ", ".join(t.weekday(day, "abbreviated") for day in sorted(days)) or t("buttons.none")


# ---- the questions ------------------------------------------------------------------

Asked = tuple[str, Keyboard]
# A typed answer: the answers with it taken, or the text key of the re-ask.
Typed = Answers | str
# A tapped answer: the answers with it taken and the echo; None: not this question's.
Tapped = tuple[Answers, str] | None


@dataclass(frozen=True)
class Question:
    key: str
    # Its text and keyboard, from the answers it ``shows``.
    ask: Callable[[Texts, Answers], Asked]
    # A typed answer (texts, answers, the text, now); None: typed answers are read by the
    # handler (the timezone: a place name looked up off the event loop, or a location).
    typed: Callable[[Texts, Answers, str, datetime], Typed] | None
    # A tapped button's value (a multi-select's day taps are the handler's, see ``days``).
    tapped: Callable[[Texts, Answers, str], Tapped]
    # The answers the question shows (what its built text and keyboard are cached by).
    shows: tuple[str, ...] = ()
    # A multi-select of days: the days it offers. Its day buttons tick and untick, its
    # "Done" (or a typed "done") takes the days ticked.
    days: Callable[[Answers], list[int]] | None = None
    # A multi-select that needs at least one day.
    needs_one: bool = False


def _set(answers: Answers, key: str, value: object) -> Answers:
    return {**answers, key: value}


def _lowered(text: str) -> str:
    """The typed text without case and a leading "a", "i have", "my"…"""
    lowered = text.strip().casefold()
    for article in ("a ", "an ", "i have ", "i've got ", "my "):
        if lowered.startswith(article):
            lowered = lowered[len(article) :]
    return lowered


def _is(text: str, label: str) -> bool:
    return text.strip().casefold() == label.casefold()


# ---- what runners may type (content/messages/onboarding_words.toml) ----------------------


@lru_cache(maxsize=256)
def own_phrases(t: Texts, key: str) -> frozenset[str]:
    """A list of phrases from the language's content ("a|b|c"), lower case."""
    if not t.has(key):
        return frozenset()
    return frozenset(phrase.strip().casefold() for phrase in t(key).split("|") if phrase.strip())


@lru_cache(maxsize=256)
def phrases(t: Texts, key: str) -> frozenset[str]:
    """A list of phrases from content, in the runner's language and in English (a runner
    may answer either way: "да", "yes"), lower case."""
    return own_phrases(t, key) | own_phrases(t.english, key)


@lru_cache(maxsize=128)
def own_pairs(t: Texts, key: str) -> dict[str, str]:
    """A list of "phrase=value" pairs from the language's content, by phrase (lower case;
    the value as written: "uk=GB")."""
    if not t.has(key):
        return {}
    pairs = (phrase.partition("=") for phrase in t(key).split("|"))
    return {phrase.strip().casefold(): value.strip() for phrase, _, value in pairs if value}


@lru_cache(maxsize=128)
def phrase_pairs(t: Texts, key: str) -> dict[str, str]:
    """``own_pairs`` of English and of the runner's language: where both spell a phrase,
    the runner's language's meaning wins."""
    return {**own_pairs(t.english, key), **own_pairs(t, key)}


def no_words(t: Texts) -> frozenset[str]:
    return phrases(t, "onboarding_words.no")


def day_fillers(t: Texts) -> frozenset[str]:
    return phrases(t, "onboarding_words.day_fillers")


@lru_cache(maxsize=16)
def named_times(t: Texts) -> dict[str, time]:
    return {
        fold_phrase(phrase): time.fromisoformat(value)
        for phrase, value in phrase_pairs(t, "onboarding_words.times").items()
    }


@lru_cache(maxsize=64)
def folded_phrases(t: Texts, key: str) -> frozenset[str]:
    """``phrases`` folded as the parsers compare them (accents, case): built once."""
    return frozenset(fold_phrase(phrase) for phrase in phrases(t, key))


@lru_cache(maxsize=4096)
def fold_phrase(phrase: str) -> str:
    """A phrase as the parsers compare it: each word folded (accents, case)."""
    return " ".join(fold(word) for word in phrase.split())


@lru_cache(maxsize=16)
def clock_numbers(t: Texts) -> dict[str, str]:
    return {
        fold(word): value
        for word, value in phrase_pairs(t, "onboarding_words.clock_numbers").items()
    }


@lru_cache(maxsize=16)
def country_aliases(t: Texts) -> dict[str, str]:
    """Other names of countries ("uk", "Германия", "Alemanha") in both languages, keyed as
    the zone finder compares places (accents, case and dashes folded)."""
    return {
        normalise(phrase): code
        for phrase, code in phrase_pairs(t, "onboarding_words.country_aliases").items()
    }


def _layer(t: Texts) -> CalendarLayer:
    """One language's day and month words: its locale's (CLDR) and its content's."""
    return CalendarLayer(
        locale=str(t.locale),
        day_extras=own_pairs(t, "onboarding_words.day_names"),
        month_extras={
            word: int(month) for word, month in own_pairs(t, "onboarding_words.month_names").items()
        },
        everyday=own_phrases(t, "onboarding_words.everyday"),
        date_fillers=own_phrases(t, "onboarding_words.date_fillers"),
        day_ranges=own_phrases(t, "onboarding_words.day_ranges"),
        dateparser=t.locale.language,
    )


@lru_cache(maxsize=16)
def calendar(t: Texts) -> CalendarWords:
    """The days and months a runner may type: English's and their language's (which wins
    a spelling both have). Built once per language."""
    layers = [_layer(t.english)] if t.english is not t else []
    return calendar_words([*layers, _layer(t)])


@lru_cache(maxsize=16)
def clock_words(t: Texts) -> TimeWords:
    """The words around a typed hour, in both languages ("в 7 утра", "at 7")."""
    return time_words(
        phrases(t, "onboarding_words.time_before"),
        {
            phrase: (half if half in ("am", "pm", "night") else "")
            for phrase, half in phrase_pairs(t, "onboarding_words.time_after").items()
        },
        phrase_pairs(t, "onboarding_words.spoken_times"),
    )


def typed_time(t: Texts, text: str) -> time | None:
    """A clock time typed in the runner's language or English."""
    return parse_time(text, named_times(t), clock_numbers(t), clock_words(t))


@lru_cache(maxsize=16)
def change_words(t: Texts) -> ChangeWords:
    # English's words count unless the runner's language lets them pass around days:
    # Portuguese "no domingo" is "on Sunday", not English's "no".
    passing = own_phrases(t, "onboarding_words.day_fillers") if t.english is not t else set()

    def both(key: str) -> frozenset[str]:
        return own_phrases(t, key) | (own_phrases(t.english, key) - passing)

    return ChangeWords(
        markers=both("onboarding_words.change_markers"),
        add=both("onboarding_words.add_words"),
        remove=both("onboarding_words.remove_words"),
        long_run=phrases(t, "onboarding_words.long_run_words"),
        hard=phrases(t, "onboarding_words.hard_words"),
        run=phrases(t, "onboarding_words.run_words"),
        days=calendar(t),
    )


def _said(t: Texts, text: str, key: str, other: str, label: str) -> bool:
    """Whether the text is made of ``key``'s phrases: the runner's language's first, so a
    phrase that means ``other`` in it is not taken for English's ``key``."""
    if made_of(text, own_phrases(t, key)) or _is(text, t(label)):
        return True
    if t.english is t or made_of(text, own_phrases(t, other)):
        return False
    return made_of(text, own_phrases(t.english, key)) or _is(text, t.english(label))


def is_yes(t: Texts, text: str) -> bool:
    """A typed yes: "yes", "yes looks good", "ok 👍", "да, всё верно", or the confirm
    button's label."""
    return _said(t, text, "onboarding_words.yes", "onboarding_words.change", "buttons.looks_good")


def is_change(t: Texts, text: str) -> bool:
    """The summary's Change, typed: "no", "change something", "нет", "cambiar"."""
    return _said(t, text, "onboarding_words.change", "onboarding_words.yes", "buttons.change")


def _topic_words(t: Texts, key: str) -> frozenset[str]:
    """The single words of a topic's phrases ("long run" → "long", "run")."""
    return frozenset(word for phrase in phrases(t, key) for word in words_of(phrase))


# Run days ------------------------------------------------------------------------------


def _ask_run_days(t: Texts, answers: Answers) -> Asked:
    chosen = set(answers.get(A.RUN_DAYS, []))
    rows = _day_buttons(t, A.RUN_DAYS, list(range(7)), chosen)
    rows.append([button(t("buttons.days_done"), A.RUN_DAYS, "ok")])
    text = (
        t("onboarding.ask_run_days_selected", days=days_text(t, sorted(chosen)))
        if chosen
        else t("onboarding.ask_run_days")
    )
    return text, InlineKeyboardMarkup(rows)


def _typed_run_days(t: Texts, answers: Answers, text: str, now: datetime) -> Typed:
    days = parse_days(text, day_fillers(t), calendar(t))
    if days is None:
        return "onboarding.reask_run_days"
    if not days:
        return "onboarding.need_one_run_day"
    return _set(answers, A.RUN_DAYS, sorted(days))


def _tapped_run_days(t: Texts, answers: Answers, value: str) -> Tapped:
    if value == "ok":
        return answers, days_text(t, answers[A.RUN_DAYS])
    return None


# Long run --------------------------------------------------------------------------------


def _ask_long_run(t: Texts, answers: Answers) -> Asked:
    rows = _day_buttons(t, A.LONG_RUN, A.run_days(answers), set())
    rows.append([button(t("buttons.no_long_run"), A.LONG_RUN, "none")])
    return t("onboarding.ask_long_run"), InlineKeyboardMarkup(rows)


def _typed_long_run(t: Texts, answers: Answers, text: str, now: datetime) -> Typed:
    if is_none_answer(text, no_words(t)):
        return _set(answers, "long_run_day", None)
    fillers = day_fillers(t) | _topic_words(t, "onboarding_words.long_run_words")
    days = parse_days(text, fillers, calendar(t))
    if days is None or len(days) != 1 or not days <= set(A.run_days(answers)):
        return "onboarding.reask_long_run"
    return _set(answers, "long_run_day", next(iter(days)))


def _tapped_long_run(t: Texts, answers: Answers, value: str) -> Tapped:
    if value == "none":
        return _set(answers, "long_run_day", None), t("buttons.no_long_run")
    if (day := number(value, 1)) is not None and day in A.run_days(answers):
        return _set(answers, "long_run_day", day), t.weekday(day, "abbreviated")
    return None


# Hard days -------------------------------------------------------------------------------


def _ask_hard_days(t: Texts, answers: Answers) -> Asked:
    chosen = set(answers.get(A.HARD_DAYS, []))
    rows = _day_buttons(t, A.HARD_DAYS, A.hard_day_candidates(answers), chosen)
    rows.append(
        [
            button(t("buttons.no_hard_days"), A.HARD_DAYS, "none"),
            button(t("buttons.days_done"), A.HARD_DAYS, "ok"),
        ]
    )
    text = (
        t("onboarding.ask_hard_days_selected", days=days_text(t, sorted(chosen)))
        if chosen
        else t("onboarding.ask_hard_days")
    )
    return text, InlineKeyboardMarkup(rows)


def _typed_hard_days(t: Texts, answers: Answers, text: str, now: datetime) -> Typed:
    if is_none_answer(text, no_words(t)):
        return _set(answers, A.HARD_DAYS, [])
    fillers = day_fillers(t) | _topic_words(t, "onboarding_words.hard_words")
    days = parse_days(text, fillers, calendar(t))
    if days is None or not days <= set(A.hard_day_candidates(answers)):
        return "onboarding.reask_hard_days"
    return _set(answers, A.HARD_DAYS, sorted(days))


def _tapped_hard_days(t: Texts, answers: Answers, value: str) -> Tapped:
    if value == "none":
        return _set(answers, A.HARD_DAYS, []), days_text(t, [])
    if value == "ok":
        return answers, days_text(t, answers.get(A.HARD_DAYS, []))
    return None


# Experience and equipment ------------------------------------------------------------------

# What each answer may be typed as: content's ``onboarding_words.<key>_<value>`` in the
# runner's language and English ("beginner", "новичок", "principiante").
EXPERIENCES = ("new", "some", "experienced")
EQUIPMENT = ("none", "dumbbells", "gym")


@lru_cache(maxsize=32)
def answer_words(t: Texts, key: str, values: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """value → its typed words, the runner's language's first (a word both languages
    have means what the runner's language says)."""
    taken: set[str] = set()
    found: dict[str, list[str]] = {value: [] for value in values}
    for texts in (t, t.english):
        for value in values:
            for phrase in sorted(own_phrases(texts, f"onboarding_words.{key}_{value}")):
                folded = fold_phrase(phrase)
                if folded not in taken:
                    taken.add(folded)
                    found[value].append(folded)
    return {value: tuple(words) for value, words in found.items()}


def _one_of(
    key: str,
    *,
    asks: str,
    reasks: str,
    label: Callable[[Texts, str], str],
    values: tuple[str, ...],
) -> Question:
    """A question answered by one of ``words``' keys: a button each, with its ``label``;
    typed, the exact label, a word it starts with, or a misspelling of one ("beginer",
    "dumbells") that points to one answer only (else the ``reasks`` text)."""

    def ask(t: Texts, answers: Answers) -> Asked:
        rows = [[button(label(t, value), key, value)] for value in values]
        return t(asks), InlineKeyboardMarkup(rows)

    def typed(t: Texts, answers: Answers, text: str, now: datetime) -> Typed:
        # The exact label of a button, typed, is always understood.
        for value in values:
            if _is(text, label(t, value)) or _is(text, label(t.english, value)):
                return _set(answers, key, value)
        words = answer_words(t, key, values)
        spellings = {word: value for value, starts in words.items() for word in starts}
        lowered = fold_phrase(_lowered(text))
        for value, starts in words.items():
            # A whole word it starts with: "no equipment" is none, "noon" or "not sure" not.
            if any(re.match(rf"{re.escape(word)}(?!\w)", lowered) for word in starts):
                return _set(answers, key, value)
        meant = {spellings.get(word) or closest(word, spellings) for word in words_of(lowered)}
        meant.discard(None)
        if len(meant) == 1:
            return _set(answers, key, meant.pop())
        return reasks

    def tapped(t: Texts, answers: Answers, value: str) -> Tapped:
        if value in values:
            return _set(answers, key, value), label(t, value)
        return None

    return Question(key, ask, typed, tapped)


# Pull-up bar -------------------------------------------------------------------------------


def _ask_pull_up_bar(t: Texts, answers: Answers) -> Asked:
    step = A.PULL_UP_BAR
    rows = [[button(t("buttons.yes"), step, "y"), button(t("buttons.no"), step, "n")]]
    return t("onboarding.ask_pull_up_bar"), InlineKeyboardMarkup(rows)


def _typed_pull_up_bar(t: Texts, answers: Answers, text: str, now: datetime) -> Typed:
    said = _lowered(text).rstrip("!.")
    for texts in (t, t.english):  # the runner's language first, then English
        if made_of(said, own_phrases(texts, "onboarding_words.have")) or made_of(
            said, own_phrases(texts, "onboarding_words.yes")
        ):
            return _set(answers, A.PULL_UP_BAR, True)
        if made_of(said, own_phrases(texts, "onboarding_words.have_not")) or (
            is_none_answer(said, own_phrases(texts, "onboarding_words.no"))
        ):
            return _set(answers, A.PULL_UP_BAR, False)
    return "onboarding.reask_pull_up_bar"


def _tapped_pull_up_bar(t: Texts, answers: Answers, value: str) -> Tapped:
    if value in ("y", "n"):
        return _set(answers, A.PULL_UP_BAR, value == "y"), t(
            "buttons.yes" if value == "y" else "buttons.no"
        )
    return None


# Sessions per week -------------------------------------------------------------------------


def _ask_sessions(t: Texts, answers: Answers) -> Asked:
    step = A.SESSIONS
    rows = [[button(t("buttons.two"), step, "2"), button(t("buttons.three"), step, "3")]]
    return t("onboarding.ask_sessions"), InlineKeyboardMarkup(rows)


def _typed_sessions(t: Texts, answers: Answers, text: str, now: datetime) -> Typed:
    lowered = _lowered(text)
    digits = "".join(ch for ch in lowered if ch.isdigit())
    words = words_of(fold_phrase(lowered))
    named = {
        fold_phrase(word): v for word, v in phrase_pairs(t, "onboarding_words.sessions").items()
    }
    value = digits or next((named[word] for word in words if word in named), "")
    if value in {"2", "3"}:
        return _set(answers, A.SESSIONS, int(value))
    return "onboarding.reask_sessions"


def _tapped_sessions(t: Texts, answers: Answers, value: str) -> Tapped:
    if value in ("2", "3"):
        return _set(answers, A.SESSIONS, int(value)), t(
            f"buttons.{'two' if value == '2' else 'three'}"
        )
    return None


# Reminder time -----------------------------------------------------------------------------


def _ask_reminder_time(t: Texts, answers: Answers) -> Asked:
    step = A.REMINDER_TIME
    times = [button(value, step, value.replace(":", "")) for value in QUICK_TIMES]
    rows = [times[:3], times[3:], [button(t("buttons.no_reminders"), step, "off")]]
    return t("onboarding.ask_reminder_time"), InlineKeyboardMarkup(rows)


def _typed_reminder_time(t: Texts, answers: Answers, text: str, now: datetime) -> Typed:
    if is_none_answer(text, no_words(t)) or _lowered(text).rstrip("!.") in phrases(
        t, "onboarding_words.off"
    ):
        return _set(answers, A.REMINDER_TIME, None)
    parsed = typed_time(t, text)
    if parsed is None:
        return "onboarding.reask_reminder_time"
    return _set(answers, A.REMINDER_TIME, parsed.strftime("%H:%M"))


def _tapped_reminder_time(t: Texts, answers: Answers, value: str) -> Tapped:
    if value == "off":
        return _set(answers, A.REMINDER_TIME, None), t("buttons.no_reminders")
    if (chosen := clock_time(value)) is not None:
        return _set(answers, A.REMINDER_TIME, chosen.strftime("%H:%M")), t.time(chosen)
    return None


# Session length ----------------------------------------------------------------------------


def _ask_time_budget(t: Texts, answers: Answers) -> Asked:
    step = A.TIME_BUDGET
    buttons = [button(t("buttons.minutes", minutes=m), step, str(m)) for m in A.BUDGETS]
    rows = [buttons, [button(t("buttons.no_limit"), step, "none")]]
    return t("onboarding.ask_time_budget"), InlineKeyboardMarkup(rows)


def _typed_time_budget(t: Texts, answers: Answers, text: str, now: datetime) -> Typed:
    # The raw text: "an hour" must not lose its article like "a gym" does.
    said = fold_phrase(_lowered(text).rstrip("!."))
    if (
        A.is_no_limit(text, no_words(t))
        or _is(text, t("buttons.no_limit"))
        or said in folded_phrases(t, "onboarding_words.no_limit")
    ):
        return _set(answers, A.TIME_BUDGET, None)
    minutes = A.parse_minutes(text)
    if minutes is None:
        minutes = typed_minutes(t, text)
    if minutes is None or not A.MIN_BUDGET <= minutes <= A.MAX_BUDGET:
        return "onboarding.reask_time_budget"
    return _set(answers, A.TIME_BUDGET, minutes)


def typed_minutes(t: Texts, text: str) -> int | None:
    """A session length in the runner's language ("полчаса", "media hora", "45 Minuten",
    "eine Stunde"): content's named lengths, or a number and a unit word."""
    return parse_length(
        text,
        {fold_phrase(p): int(v) for p, v in phrase_pairs(t, "onboarding_words.durations").items()},
        minutes=phrases(t, "onboarding_words.minute_words"),
        hours=phrases(t, "onboarding_words.hour_words"),
        numbers=clock_numbers(t),
    )


def _tapped_time_budget(t: Texts, answers: Answers, value: str) -> Tapped:
    if value == "none":
        return _set(answers, A.TIME_BUDGET, None), t("buttons.no_limit")
    if value in map(str, A.BUDGETS):
        return _set(answers, A.TIME_BUDGET, int(value)), t("buttons.minutes", minutes=value)
    return None


# Timezone ----------------------------------------------------------------------------------


def _ask_timezone(t: Texts, answers: Answers) -> Asked:
    keyboard = ReplyKeyboardMarkup(
        [[KeyboardButton(t("buttons.share_location"), request_location=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )
    return t("onboarding.ask_timezone"), keyboard


def _tapped_timezone(t: Texts, answers: Answers, value: str) -> Tapped:
    """A zone from the choice offered for a country or an offset ("Europe/Berlin")."""
    if is_valid_zone(value):
        return _set(answers, A.TIMEZONE, value), value
    return None


def zone_choice(t: Texts, choice: ZoneChoice) -> Asked:
    """Which zone, when a country has several or an offset was typed: a button for each
    (its biggest city) and, for an offset, the offset kept all year."""
    locale = str(t.locale)
    rows = [
        [button(local_city(label, zone, locale), A.TIMEZONE, zone)]
        for zone, label in choice.options
    ]
    if choice.offset is not None:
        rows.append(
            [
                button(
                    t("onboarding.zone_fixed_offset", place=choice.place), A.TIMEZONE, choice.offset
                )
            ]
        )
    key = "onboarding.which_zone_offset" if choice.offset else "onboarding.which_zone"
    return t(key, place=html.escape(choice.place)), InlineKeyboardMarkup(rows)


# Race date ---------------------------------------------------------------------------------


def _ask_race_date(t: Texts, answers: Answers) -> Asked:
    rows = [[button(t("buttons.no_race"), A.RACE_DATE, "none")]]
    race = answers.get(A.RACE_DATE)
    if race:  # /settings with a race set: keep its date, (re)set its distance
        rows.insert(
            0, [button(t("race.keep_date", day=_race_day_text(t, race)), A.RACE_DATE, "keep")]
        )
    return t("onboarding.ask_race_date"), InlineKeyboardMarkup(rows)


def _typed_race_date(t: Texts, answers: Answers, text: str, now: datetime) -> Typed:
    said = fold_phrase(_lowered(text).rstrip("!."))
    if (
        A.is_no_race(text, no_words(t))
        or _is(text, t("buttons.no_race"))
        or said in folded_phrases(t, "onboarding_words.no_race")
    ):
        return _set(answers, A.RACE_DATE, None)
    today = now.astimezone(ZoneInfo(answers.get(A.TIMEZONE, "UTC"))).date()
    found = race_date(t, text, today)
    if isinstance(found, A.DateProblem):
        return RACE_DATE_REASKS[found]
    return _set(answers, A.RACE_DATE, found.isoformat())


def race_date(t: Texts, text: str, today: date) -> date | A.DateProblem:
    """The race day typed in the runner's language or English ("12 апреля", "12 de abril",
    "12. April", "next Saturday"), alone or inside a sentence ("el 15 de marzo corro un
    medio maraton"), held to ``A.race_date_from_text``'s rules."""
    found = find_date(text, today, calendar(t))
    if found is None:
        return A.DateProblem.UNREADABLE
    return A.race_date_from_text(found.isoformat(), today)


def _tapped_race_date(t: Texts, answers: Answers, value: str) -> Tapped:
    if value == "none":
        return _set(answers, A.RACE_DATE, None), t("buttons.no_race")
    race = answers.get(A.RACE_DATE)
    if value == "keep" and race:
        return answers, _race_day_text(t, race)
    return None


# Race distance (right after a race date) -------------------------------------------------


DISTANCE_LABELS: dict[str, str] = {
    "5k": "race.distance_5k",
    "10k": "race.distance_10k",
    "half": "race.distance_half",
    "marathon": "race.distance_marathon",
    "ultra": "race.distance_ultra",
}


def distance_label(t: Texts, distance: str) -> str:
    """ "Half marathon": a stored distance as the runner reads it."""
    return t(DISTANCE_LABELS[distance])


def _ask_race_distance(t: Texts, answers: Answers) -> Asked:
    step = A.RACE_DISTANCE
    buttons = [button(distance_label(t, name), step, name) for name in A.RACE_DISTANCES]
    return t("race.ask_distance"), InlineKeyboardMarkup([buttons[:2], buttons[2:]])


def _typed_race_distance(t: Texts, answers: Answers, text: str, now: datetime) -> Typed:
    labels = {
        fold_phrase(distance_label(texts, name)): name
        for texts in (t.english, t)
        for name in A.RACE_DISTANCES
    }
    named = {
        fold_phrase(phrase): name
        for key in ("race_words.distances", "onboarding_words.distances")
        for phrase, name in phrase_pairs(t, key).items()
    }
    units = phrase_pairs(t, "onboarding_words.distance_units")
    typed = " ".join(
        units.get(word, word) for word in re.findall(r"\d+(?:[.,]\d+)?|\S+", fold_phrase(text))
    )
    found = A.race_distance_from_text(fold_phrase(text), {**named, **labels})
    if found is None:
        found = A.race_distance_from_text(typed, {**named, **labels})
    if found is None:
        return "race.reask_distance"
    return _set(answers, A.RACE_DISTANCE, found)


def _tapped_race_distance(t: Texts, answers: Answers, value: str) -> Tapped:
    if value in A.RACE_DISTANCES:
        return _set(answers, A.RACE_DISTANCE, value), distance_label(t, value)
    return None


# Weekly preview (asked from /settings only) ------------------------------------------------


def _ask_preview_day(t: Texts, answers: Answers) -> Asked:
    current = answers.get(A.PREVIEW_DAY)
    rows = _day_buttons(t, A.PREVIEW_DAY, list(range(7)), set() if current is None else {current})
    rows.append([button(t("preview.off_button"), A.PREVIEW_DAY, "off")])
    return t("preview.ask_day"), InlineKeyboardMarkup(rows)


def _typed_preview_day(t: Texts, answers: Answers, text: str, now: datetime) -> Typed:
    off = phrases(t, "onboarding_words.off")
    if is_none_answer(text, no_words(t)) or _lowered(text).rstrip("!.") in off:
        return _set(answers, A.PREVIEW_DAY, None)
    days = parse_days(text, day_fillers(t), calendar(t))
    if days is None or len(days) != 1:
        return "preview.reask_day"
    return _set(answers, A.PREVIEW_DAY, next(iter(days)))


def _tapped_preview_day(t: Texts, answers: Answers, value: str) -> Tapped:
    if value == "off":
        return _set(answers, A.PREVIEW_DAY, None), t("preview.off_button")
    if (day := number(value, 1)) is not None and day in range(7):
        return _set(answers, A.PREVIEW_DAY, day), t.weekday(day)
    return None


def _ask_preview_time(t: Texts, answers: Answers) -> Asked:
    times = [button(value, A.PREVIEW_TIME, value.replace(":", "")) for value in PREVIEW_TIMES]
    day = t.weekday(answers.get(A.PREVIEW_DAY) or 0)
    return t("preview.ask_time", day=day), InlineKeyboardMarkup([times[:3], times[3:]])


def _typed_preview_time(t: Texts, answers: Answers, text: str, now: datetime) -> Typed:
    parsed = typed_time(t, text)
    if parsed is None:
        return "preview.reask_time"
    return _set(answers, A.PREVIEW_TIME, parsed.strftime("%H:%M"))


def _tapped_preview_time(t: Texts, answers: Answers, value: str) -> Tapped:
    if (chosen := clock_time(value)) is not None:
        return _set(answers, A.PREVIEW_TIME, chosen.strftime("%H:%M")), t.time(chosen)
    return None


QUESTIONS: dict[str, Question] = {
    question.key: question
    for question in (
        Question(
            A.RUN_DAYS,
            _ask_run_days,
            _typed_run_days,
            _tapped_run_days,
            shows=(A.RUN_DAYS,),
            days=lambda answers: list(range(7)),
            needs_one=True,
        ),
        Question(A.LONG_RUN, _ask_long_run, _typed_long_run, _tapped_long_run, shows=(A.RUN_DAYS,)),
        Question(
            A.HARD_DAYS,
            _ask_hard_days,
            _typed_hard_days,
            _tapped_hard_days,
            shows=(A.RUN_DAYS, "long_run_day", A.HARD_DAYS),  # A.hard_day_candidates
            days=A.hard_day_candidates,
        ),
        _one_of(
            A.EXPERIENCE,
            asks="onboarding.ask_experience",
            reasks="onboarding.reask_experience",
            label=lambda t, value: t(f"experience.{value}"),
            values=EXPERIENCES,
        ),
        _one_of(
            A.EQUIPMENT,
            asks="onboarding.ask_equipment",
            reasks="onboarding.reask_equipment",
            label=lambda t, value: t(f"equipment.{value}"),
            values=EQUIPMENT,
        ),
        Question(A.PULL_UP_BAR, _ask_pull_up_bar, _typed_pull_up_bar, _tapped_pull_up_bar),
        Question(A.SESSIONS, _ask_sessions, _typed_sessions, _tapped_sessions),
        Question(A.TIME_BUDGET, _ask_time_budget, _typed_time_budget, _tapped_time_budget),
        Question(A.REMINDER_TIME, _ask_reminder_time, _typed_reminder_time, _tapped_reminder_time),
        Question(A.TIMEZONE, _ask_timezone, None, _tapped_timezone),
        Question(
            A.RACE_DATE,
            _ask_race_date,
            _typed_race_date,
            _tapped_race_date,
            shows=(A.RACE_DATE,),
        ),
        Question(A.RACE_DISTANCE, _ask_race_distance, _typed_race_distance, _tapped_race_distance),
        Question(
            A.PREVIEW_DAY,
            _ask_preview_day,
            _typed_preview_day,
            _tapped_preview_day,
            shows=(A.PREVIEW_DAY,),
        ),
        Question(
            A.PREVIEW_TIME,
            _ask_preview_time,
            _typed_preview_time,
            _tapped_preview_time,
            shows=(A.PREVIEW_DAY,),
        ),
    )
}


def question(t: Texts, step: str, answers: Answers) -> Asked:
    """The text and keyboard for one question, showing what is already chosen.

    Built once per question and shown answers, and shared (PTB's keyboards are frozen):
    a keyboard of day buttons was a good part of what an onboarding answer cost."""
    shown = json.dumps({key: answers.get(key) for key in QUESTIONS[step].shows}, sort_keys=True)
    return built_question(t, step, shown)


@lru_cache(maxsize=QUESTION_CACHE_SIZE)
def built_question(t: Texts, step: str, shown: str) -> Asked:
    """``question`` from the JSON of the answers it shows (cached by it)."""
    answers = {key: value for key, value in json.loads(shown).items() if value is not None}
    return QUESTIONS[step].ask(t, answers)


def closed_question(t: Texts, step: str, answers: Answers, echo: str) -> str:
    """An answered question as it stays in the chat: its first line and the answer."""
    first_line = question(t, step, answers)[0].split("\n")[0]
    return f"{first_line}\n→ <b>{echo}</b>"


# ---- the screens around the questions -----------------------------------------------


def _race_day_text(t: Texts, race: str) -> str:
    """The race day as the runner's locale writes it, short ("12 Apr 2027", "12. Apr.
    2027", "12 abr 2027"): CLDR's pattern for the locale, through Babel."""
    return format_skeleton("yMMMd", date.fromisoformat(race), locale=t.locale)


def coaching_lines(t: Texts, answers: Answers) -> str:
    """Session length and race day under a week summary: the week itself doesn't show them,
    and a runner confirming or changing answers must see every answer."""
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
        lines.append(t("settings.race_line", day=_race_day_text(t, race)))
        # A race set before the distance was asked is coached as a half: say so.
        distance = distance_of(answers.get(A.RACE_DISTANCE))
        lines.append(
            t(
                "race.distance_line",
                distance=distance_label(t, distance),
                # Two counts, each its own plural message: one table can follow only one.
                taper=t("race.taper_days", count=TAPER_DAYS[distance]),
                recovery=t("race.recovery_days", count=RECOVERY_DAYS[distance]),
            )
        )
    return "".join("\n" + line for line in lines)


def confirm_buttons(t: Texts) -> InlineKeyboardMarkup:
    """The summary's "Looks good" and "Change"."""
    return InlineKeyboardMarkup(
        [
            [
                button(t("buttons.looks_good"), CONFIRM, "ok"),
                button(t("buttons.change"), CONFIRM, "change"),
            ]
        ]
    )


def week_summary(t: Texts, week: RunnerWeek, monday: date) -> str:
    """The week as set up and, when it leaves no day for legs, why (``no_legs_line``): a
    runner with six hard days learns it before confirming, not from a legs-less /week."""
    text = views.summary_text(t, week, monday)
    why = no_legs_line(t, week)
    return text if why is None else text + "\n\n" + why


def summary(t: Texts, week: RunnerWeek, monday: date, answers: Answers) -> Asked:
    """The week to confirm at the end of onboarding."""
    text = (
        week_summary(t, week, monday)
        + coaching_lines(t, answers)
        + "\n\n"
        + t("onboarding.confirm_prompt")
    )
    return text, confirm_buttons(t)


def change_menu(
    t: Texts, key: str, *, onboarding: bool, checkin: bool | None, answers: Answers | None
) -> Asked:
    """Which answer to change: in onboarding with "Back" to the summary; in /settings
    (``answers`` given) with the evening check-in and the weekly preview."""
    buttons = [button(t(f"settings_field.{name}"), CHANGE_MENU, name) for name in A.MENU_FIELDS]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    if onboarding:
        rows.append([button(t("buttons.back"), CHANGE_MENU, "back")])
    elif answers is not None:
        label = "buttons.checkin_on" if checkin else "buttons.checkin_off"
        rows.append([button(t(label), CHANGE_MENU, "checkin")])
        preview = setting_label(t, answers.get(A.PREVIEW_DAY), answers.get(A.PREVIEW_TIME))
        rows.append([button(preview, CHANGE_MENU, A.PREVIEW_DAY)])
    return t(key), InlineKeyboardMarkup(rows)


def already_set_up(t: Texts, week: RunnerWeek, monday: date, answers: Answers) -> Asked:
    """/start from a runner who is set up: their week, "Keep it" or "Start over"."""
    rows = [
        [
            button(t("buttons.keep"), ALREADY_SET_UP, "keep"),
            button(t("buttons.redo"), ALREADY_SET_UP, "redo"),
        ]
    ]
    text = (
        t("onboarding.already_set_up")
        + "\n\n"
        + week_summary(t, week, monday)
        + coaching_lines(t, answers)
    )
    return text, InlineKeyboardMarkup(rows)


def settings_saved(t: Texts, week: RunnerWeek, monday: date, answers: Answers) -> str:
    """/settings done, the week changed: the new week."""
    return t("settings.saved") + "\n\n" + week_summary(t, week, monday) + coaching_lines(t, answers)
