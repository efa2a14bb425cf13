"""Answers typed while setting up (and in /settings) understood in the runner's language
as well as in English (issue 16, point 4): days, times, session lengths, race dates and
distances, yes/no, experience, equipment, sessions, the preview's day, and cities.

Each language's words are content (``content/languages/<code>/messages/
onboarding_words.toml``) and its CLDR locale's day and month names (Babel); these tests
read them through the same question table the bot's handlers use
(``bot.messages.onboarding.QUESTIONS``), with the language's ``Texts``. The bot itself
asks in English until the handlers pass the runner's language (helper P1): the journey
through the real bot in each language is the journey tests'.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.coach import answers as A
from bot.coach.parsing import (
    CalendarLayer,
    calendar_words,
    parse_days,
    parse_length,
    parse_time,
    read_date,
    time_words,
)
from bot.coach.timezones import ZoneChoice, ZoneFinder, ZoneMatch
from bot.content import Texts
from bot.messages import onboarding as Q
from testkit.harness import shared_content

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)  # a Thursday
TODAY = NOW.date()
# Every answer the questions may need before them: run days Mon, Wed, Sat.
BEFORE: dict[str, Any] = {A.RUN_DAYS: [0, 2, 5], A.TIMEZONE: "UTC"}
LANGUAGES = ("en", "ru", "es", "pt-BR", "de")
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def texts(code: str) -> Texts:
    return shared_content().speaking(code).texts


def typed(code: str, step: str, text: str, answers: dict[str, Any] | None = None) -> Any:
    """The answer a typed text gives to one question, or the re-ask's key."""
    return Q.QUESTIONS[step].typed(texts(code), dict(answers or BEFORE), text, NOW)


def answer(code: str, step: str, text: str, key: str | None = None) -> Any:
    found = typed(code, step, text)
    assert not isinstance(found, str), f"{code}: {text!r} at {step} was not understood ({found})"
    return found[key or step]


# ---- days ---------------------------------------------------------------------------------

DAYS = [
    ("ru", "пн ср сб", [MON, WED, SAT]),
    ("ru", "Пн, Ср, Сб", [MON, WED, SAT]),
    ("ru", "понедельник, среда и суббота", [MON, WED, SAT]),
    ("ru", "по понедельникам, средам и субботам", [MON, WED, SAT]),
    ("ru", "с понедельника по пятницу", [MON, TUE, WED, THU, FRI]),
    ("ru", "вт/чт", [TUE, THU]),
    ("ru", "суботу и воскресенье 🏃", [SAT, SUN]),  # a typo
    ("ru", "ежедневно", list(range(7))),
    ("es", "lunes y jueves", [MON, THU]),
    ("es", "Lunes, miércoles y sábado", [MON, WED, SAT]),
    ("es", "lunes, miercoles, sabado", [MON, WED, SAT]),
    ("es", "de lunes a viernes", [MON, TUE, WED, THU, FRI]),
    ("es", "los martes y los jueves", [TUE, THU]),
    ("es", "mié vie", [WED, FRI]),
    ("es", "miercles y domingo!", [WED, SUN]),  # a typo
    ("es", "todos los días", list(range(7))),
    ("pt-BR", "seg qua sáb", [MON, WED, SAT]),
    ("pt-BR", "seg, qua e sab", [MON, WED, SAT]),
    ("pt-BR", "segunda-feira e quinta-feira", [MON, THU]),
    ("pt-BR", "segunda, quarta e sábado", [MON, WED, SAT]),
    ("pt-BR", "segunda a sexta", [MON, TUE, WED, THU, FRI]),
    ("pt-BR", "terças e quintas", [TUE, THU]),
    ("pt-BR", "sabado e domingo 👍", [SAT, SUN]),
    ("de", "Mo, Mi, Sa", [MON, WED, SAT]),
    ("de", "Mo. Mi. Sa.", [MON, WED, SAT]),
    ("de", "Montag, Mittwoch und Samstag", [MON, WED, SAT]),
    ("de", "montags und donnerstags", [MON, THU]),
    ("de", "Mo bis Fr", [MON, TUE, WED, THU, FRI]),
    ("de", "Di-Do", [TUE, WED, THU]),
    ("de", "Mitwoch und Sonntag", [WED, SUN]),  # a typo
    ("de", "Sonnabend", [SAT]),
    ("de", "täglich", list(range(7))),
]


@pytest.mark.parametrize(("code", "text", "days"), DAYS)
def test_run_days_typed_in_the_runners_language(code: str, text: str, days: list[int]) -> None:
    assert answer(code, A.RUN_DAYS, text) == days


@pytest.mark.parametrize("code", LANGUAGES)
@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("mon wed sat", [MON, WED, SAT]),
        ("Mondays and Thursdays", [MON, THU]),
        ("tues, thurs", [TUE, THU]),
        ("mon-fri", [MON, TUE, WED, THU, FRI]),
        ("wendsday", [WED]),
    ],
)
def test_english_days_work_in_every_language(code: str, text: str, days: list[int]) -> None:
    assert answer(code, A.RUN_DAYS, text) == days


@pytest.mark.parametrize(
    ("code", "text"),
    [("ru", "когда-нибудь"), ("es", "a veces"), ("pt-BR", "quando der"), ("de", "irgendwann")],
)
def test_words_that_are_no_days_are_asked_again(code: str, text: str) -> None:
    assert typed(code, A.RUN_DAYS, text) == "onboarding.reask_run_days"


@pytest.mark.parametrize(
    ("code", "text", "day"),
    [
        ("ru", "в субботу", SAT),
        ("ru", "длинная в субботу", SAT),
        ("es", "el sábado", SAT),
        ("es", "tirada larga el sabado", SAT),
        ("pt-BR", "sábado", SAT),
        ("pt-BR", "longão no sábado", SAT),
        ("de", "Samstag", SAT),
        ("de", "langer Lauf am Samstag", SAT),
        ("ru", "нет", None),
        ("ru", "без длинной", None),
        ("es", "no", None),
        ("es", "ninguno", None),
        ("pt-BR", "sem", None),
        ("pt-BR", "não", None),
        ("de", "nein", None),
        ("de", "nie", None),
        ("de", "keinen", "onboarding.reask_long_run"),  # not a way of saying none
    ],
)
def test_the_long_run_day_or_none(code: str, text: str, day: int | str | None) -> None:
    found = typed(code, A.LONG_RUN, text)
    if isinstance(day, str):
        assert found == day
    else:
        assert found["long_run_day"] == day, text


@pytest.mark.parametrize(
    ("code", "text", "days"),
    [
        ("ru", "среда", [WED]),
        ("ru", "интервалы в среду", [WED]),
        ("ru", "нет", []),
        ("es", "miércoles", [WED]),
        ("es", "series el miércoles", [WED]),
        ("es", "ninguno", []),
        ("pt-BR", "quarta", [WED]),
        ("pt-BR", "tiros na quarta", [WED]),
        ("pt-BR", "nenhum", []),
        ("de", "Mittwoch", [WED]),
        ("de", "Intervalle am Mittwoch", [WED]),
        ("de", "keine", []),
    ],
)
def test_hard_days_or_none(code: str, text: str, days: list[int]) -> None:
    assert answer(code, A.HARD_DAYS, text) == days


@pytest.mark.parametrize(
    ("code", "text", "day"),
    [
        ("ru", "воскресенье", SUN),
        ("ru", "в воскресенье", SUN),
        ("es", "domingo", SUN),
        ("pt-BR", "domingo", SUN),
        ("de", "Sonntag", SUN),
        ("de", "So.", SUN),
        ("ru", "выключить", None),
        ("es", "desactivar", None),
        ("pt-BR", "desligar", None),
        ("de", "aus", None),
    ],
)
def test_the_preview_day_or_off(code: str, text: str, day: int | None) -> None:
    assert answer(code, A.PREVIEW_DAY, text) == day


# Where a spelling means different days in two languages, the runner's language wins:
# "do" is Sunday in Spanish (CLDR's short "DO") and Thursday in German ("Do").
@pytest.mark.parametrize(("code", "day"), [("es", SUN), ("de", THU)])
def test_a_spelling_two_languages_share_means_the_runners_languages_day(
    code: str, day: int
) -> None:
    assert answer(code, A.RUN_DAYS, "do") == [day]


def test_the_calendar_layers_later_win_a_shared_spelling() -> None:
    spanish_last = calendar_words([CalendarLayer("de"), CalendarLayer("es")])
    german_last = calendar_words([CalendarLayer("es"), CalendarLayer("de")])
    assert parse_days("do", words=spanish_last) == {SUN}
    assert parse_days("do", words=german_last) == {THU}


ABBREVIATIONS = {
    "ru": ["пн", "вт", "ср", "чт", "пт", "сб", "вс"],
    "es": ["lun", "mar", "mié", "jue", "vie", "sáb", "dom"],
    "pt-BR": ["seg.", "ter.", "qua.", "qui.", "sex.", "sáb.", "dom."],
    "de": ["Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa.", "So."],
}


@pytest.mark.parametrize("code", list(ABBREVIATIONS))
@settings(max_examples=60, deadline=None)
@given(days=st.sets(st.integers(0, 6), min_size=1), separator=st.sampled_from([" ", ", ", ","]))
def test_any_days_written_with_the_locales_abbreviations_round_trip(
    code: str, days: set[int], separator: str
) -> None:
    """Any set of days, as the locale abbreviates them (CLDR: what the bot's own buttons
    show), typed back in any order of separators, is the same set."""
    t = texts(code)
    assert [t.weekday(day, "abbreviated") for day in range(7)] == ABBREVIATIONS[code]
    text = separator.join(t.weekday(day, "abbreviated") for day in sorted(days))
    assert parse_days(text, Q.day_fillers(t), Q.calendar(t)) == frozenset(days)
    wide = separator.join(t.weekday(day).upper() for day in sorted(days))
    assert parse_days(wide, Q.day_fillers(t), Q.calendar(t)) == frozenset(days)


# ---- times --------------------------------------------------------------------------------

TIMES = [
    ("ru", "7 утра", time(7)),
    ("ru", "в 7 утра", time(7)),
    ("ru", "7 вечера", time(19)),
    ("ru", "в 19:30", time(19, 30)),
    ("ru", "в 7", time(7)),
    ("ru", "11 ночи", time(23)),
    ("ru", "2 ночи", time(2)),
    ("ru", "12 дня", time(12)),
    ("ru", "в полдень", time(12)),
    ("ru", "семь утра", time(7)),
    ("ru", "7ч", time(7)),
    ("es", "19h", time(19)),
    ("es", "a las 7", time(7)),
    ("es", "a las 7 de la tarde", time(19)),
    ("es", "a las 10 de la noche", time(22)),
    ("es", "7 de la mañana", time(7)),
    ("es", "a las siete", time(7)),
    ("es", "mediodía", time(12)),
    ("pt-BR", "às 7", time(7)),
    ("pt-BR", "as 7", time(7)),
    ("pt-BR", "19h", time(19)),
    ("pt-BR", "7h30", time(7, 30)),
    ("pt-BR", "7 da noite", time(19)),
    ("pt-BR", "às sete da manhã", time(7)),
    ("pt-BR", "meio-dia", time(12)),
    ("de", "7 Uhr", time(7)),
    ("de", "um 7", time(7)),
    ("de", "um 19 Uhr", time(19)),
    ("de", "7:30 Uhr", time(7, 30)),
    ("de", "7 Uhr abends", time(19)),
    ("de", "um sieben", time(7)),
    ("de", "Mittag", time(12)),
]


@pytest.mark.parametrize(("code", "text", "at"), TIMES)
def test_reminder_times_typed_in_the_runners_language(code: str, text: str, at: time) -> None:
    assert answer(code, A.REMINDER_TIME, text) == at.strftime("%H:%M")
    assert answer(code, A.PREVIEW_TIME, text) == at.strftime("%H:%M")


@pytest.mark.parametrize("code", LANGUAGES)
@pytest.mark.parametrize(
    ("text", "at"), [("7am", time(7)), ("6.45 pm", time(18, 45)), ("noon", time(12))]
)
def test_english_times_work_in_every_language(code: str, text: str, at: time) -> None:
    assert answer(code, A.REMINDER_TIME, text) == at.strftime("%H:%M")


@pytest.mark.parametrize(
    ("code", "text"),
    [("ru", "19 утра"), ("ru", "утром"), ("es", "a las 25"), ("de", "13pm"), ("pt-BR", "cedo")],
)
def test_times_that_are_none_are_asked_again(code: str, text: str) -> None:
    assert typed(code, A.REMINDER_TIME, text) == "onboarding.reask_reminder_time"


@pytest.mark.parametrize(
    ("code", "text"),
    [("ru", "выключить"), ("ru", "нет"), ("es", "no"), ("pt-BR", "não"), ("de", "nie")],
)
def test_reminders_turned_off_in_the_runners_language(code: str, text: str) -> None:
    assert answer(code, A.REMINDER_TIME, text) is None


def test_time_words_are_pure_and_fold_accents() -> None:
    words = time_words(["às", "a las"], {"da manhã": "am", "de la noche": "night"})
    assert parse_time("as 7 da manha", words=words) == time(7)
    assert parse_time("a las 11 de la noche", words=words) == time(23)
    assert parse_time("7 da manhã", words=None) is None  # English alone does not read it


# ---- session lengths and sessions ---------------------------------------------------------

LENGTHS = [
    ("ru", "полчаса", 30),
    ("ru", "час", 60),
    ("ru", "полтора часа", 90),
    ("ru", "45 минут", 45),
    ("ru", "45 мин", 45),
    ("ru", "1 час", 60),
    ("ru", "20-30 минут", 30),
    ("es", "media hora", 30),
    ("es", "una hora", 60),
    ("es", "45 minutos", 45),
    ("es", "45 min", 45),
    ("es", "hora y media", 90),
    ("pt-BR", "meia hora", 30),
    ("pt-BR", "uma hora", 60),
    ("pt-BR", "40 minutos", 40),
    ("pt-BR", "1h", 60),
    ("de", "eine halbe Stunde", 30),
    ("de", "eine Stunde", 60),
    ("de", "1 Stunde", 60),
    ("de", "45 Minuten", 45),
    ("de", "1,5 Stunden", 90),
    ("de", "eine Dreiviertelstunde", 45),
]


@pytest.mark.parametrize(("code", "text", "minutes"), LENGTHS)
def test_session_lengths_typed_in_the_runners_language(code: str, text: str, minutes: int) -> None:
    assert answer(code, A.TIME_BUDGET, text) == minutes


@pytest.mark.parametrize("code", LANGUAGES)
@pytest.mark.parametrize(("text", "minutes"), [("half an hour", 30), ("45 min", 45), ("1h", 60)])
def test_english_lengths_work_in_every_language(code: str, text: str, minutes: int) -> None:
    assert answer(code, A.TIME_BUDGET, text) == minutes


@pytest.mark.parametrize(
    ("code", "text"), [("ru", "5 часов"), ("de", "2 Minuten"), ("es", "mucho")]
)
def test_lengths_that_are_no_sensible_session_are_asked_again(code: str, text: str) -> None:
    assert typed(code, A.TIME_BUDGET, text) == "onboarding.reask_time_budget"


def test_parse_length_is_pure() -> None:
    named = {"media hora": 30}
    units = {"minutes": ["min", "minutos"], "hours": ["h", "hora", "horas"]}
    assert parse_length("Media hora", named, **units) == 30
    assert parse_length("2 horas", named, **units) == 120
    assert parse_length("una hora", named, numbers={"una": "1"}, **units) == 60
    assert parse_length("mucho", named, **units) is None


@pytest.mark.parametrize(
    ("code", "text", "sessions"),
    [
        ("ru", "две", 2),
        ("ru", "три раза", 3),
        ("ru", "трижды", 3),
        ("es", "dos", 2),
        ("es", "tres veces", 3),
        ("pt-BR", "duas", 2),
        ("pt-BR", "três vezes", 3),
        ("de", "zwei", 2),
        ("de", "dreimal", 3),
        ("de", "3", 3),
    ],
)
def test_sessions_a_week_in_words(code: str, text: str, sessions: int) -> None:
    assert answer(code, A.SESSIONS, text) == sessions


# ---- yes, no and change -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "text", "has_bar"),
    [
        ("ru", "да", True),
        ("ru", "есть", True),
        ("ru", "нет", False),
        ("ru", "нету", False),
        ("es", "sí", True),
        ("es", "si", True),
        ("es", "tengo", True),
        ("es", "no", False),
        ("es", "no tengo", False),
        ("pt-BR", "sim", True),
        ("pt-BR", "tenho", True),
        ("pt-BR", "não", False),
        ("pt-BR", "nao tenho", False),
        ("de", "ja", True),
        ("de", "hab ich", True),
        ("de", "nein", False),
        ("de", "nö", False),
        ("ru", "yes", True),
        ("de", "no", False),
    ],
)
def test_the_pull_up_bar_yes_or_no(code: str, text: str, has_bar: bool) -> None:
    assert answer(code, A.PULL_UP_BAR, text) is has_bar


@pytest.mark.parametrize(
    ("code", "text"),
    [
        ("ru", "да"),
        ("ru", "Да, всё верно!"),
        ("ru", "ок 👍"),
        ("es", "sí, perfecto"),
        ("es", "vale"),
        ("pt-BR", "sim, tá certo"),
        ("pt-BR", "beleza 👍"),
        ("de", "ja, passt"),
        ("de", "Alles gut!"),
        ("ru", "yes looks good"),
        ("de", "ok"),
    ],
)
def test_a_yes_at_the_summary(code: str, text: str) -> None:
    assert Q.is_yes(texts(code), text)
    assert not Q.is_change(texts(code), text)


@pytest.mark.parametrize(
    ("code", "text"),
    [
        ("ru", "нет"),
        ("ru", "изменить"),
        ("es", "no"),
        ("es", "cambiar algo"),
        ("pt-BR", "não"),
        ("pt-BR", "mudar"),
        ("de", "nein"),
        ("de", "ändern"),
        ("es", "change something"),
    ],
)
def test_a_change_at_the_summary(code: str, text: str) -> None:
    assert Q.is_change(texts(code), text)
    assert not Q.is_yes(texts(code), text)


def test_english_alone_reads_none_of_the_other_languages_answers() -> None:
    english = texts("en")
    assert not Q.is_yes(english, "да") and not Q.is_yes(english, "sim")
    assert typed("en", A.RUN_DAYS, "пн ср сб") == "onboarding.reask_run_days"


# ---- experience and equipment -------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "text", "value"),
    [
        ("ru", "новичок", "new"),
        ("ru", "никогда", "new"),
        ("ru", "немного", "some"),
        ("ru", "опытный", "experienced"),
        ("ru", "новичек", "new"),  # a typo
        ("es", "principiante", "new"),
        ("es", "un poco", "some"),
        ("es", "avanzado", "experienced"),
        ("pt-BR", "iniciante", "new"),
        ("pt-BR", "um pouco", "some"),
        ("pt-BR", "experiente", "experienced"),
        ("de", "Anfänger", "new"),
        ("de", "Anfaenger", "new"),  # written without the umlaut, one letter off
        ("de", "ein bisschen", "some"),
        ("de", "fortgeschritten", "experienced"),
        ("de", "beginner", "new"),
    ],
)
def test_experience_in_the_runners_language(code: str, text: str, value: str) -> None:
    assert answer(code, A.EXPERIENCE, text) == value


@pytest.mark.parametrize(
    ("code", "text", "value"),
    [
        ("ru", "ничего", "none"),
        ("ru", "свой вес", "none"),
        ("ru", "гантели", "dumbbells"),
        ("ru", "гири", "dumbbells"),
        ("ru", "зал", "gym"),
        ("ru", "тренажерный зал", "gym"),
        ("es", "nada", "none"),
        ("es", "mancuernas", "dumbbells"),
        ("es", "gimnasio", "gym"),
        ("pt-BR", "nada", "none"),
        ("pt-BR", "halteres", "dumbbells"),
        ("pt-BR", "academia", "gym"),
        ("de", "nichts", "none"),
        ("de", "Kurzhanteln", "dumbbells"),
        ("de", "Fitnessstudio", "gym"),
        ("de", "dumbbells", "dumbbells"),
    ],
)
def test_equipment_in_the_runners_language(code: str, text: str, value: str) -> None:
    assert answer(code, A.EQUIPMENT, text) == value


# ---- race dates and distances -------------------------------------------------------------

DATES = [
    ("ru", "12 апреля", date(2027, 4, 12)),
    ("ru", "12 апреля 2027", date(2027, 4, 12)),
    ("ru", "12 апреля 2027 г.", date(2027, 4, 12)),
    ("ru", "1 марта", date(2027, 3, 1)),
    ("ru", "12 апр", date(2027, 4, 12)),
    ("ru", "12/04", date(2027, 4, 12)),
    ("es", "12 de abril", date(2027, 4, 12)),
    ("es", "12 de abril de 2027", date(2027, 4, 12)),
    ("es", "12 abr", date(2027, 4, 12)),
    ("es", "12/04", date(2027, 4, 12)),
    ("pt-BR", "12 de abril", date(2027, 4, 12)),
    ("pt-BR", "12 de março de 2027", date(2027, 3, 12)),
    ("pt-BR", "12 de marco", date(2027, 3, 12)),
    ("pt-BR", "12/04", date(2027, 4, 12)),
    ("de", "12. April", date(2027, 4, 12)),
    ("de", "12. März 2027", date(2027, 3, 12)),
    ("de", "12. Marz", date(2027, 3, 12)),
    ("de", "12.04.", date(2027, 4, 12)),
    ("de", "am 12. April", date(2027, 4, 12)),
    ("ru", "April 12", date(2027, 4, 12)),  # English in every language
    ("de", "18th April 2027", date(2027, 4, 18)),
]


@pytest.mark.parametrize(("code", "text", "day"), DATES)
def test_race_dates_typed_in_the_runners_language(code: str, text: str, day: date) -> None:
    assert answer(code, A.RACE_DATE, text) == day.isoformat()


@pytest.mark.parametrize(
    ("code", "text"),
    [
        ("ru", "через 3 недели"),
        ("es", "en 3 semanas"),
        ("pt-BR", "em 3 semanas"),
        ("de", "in 3 Wochen"),
    ],
)
def test_relative_race_dates_read_by_dateparser_in_the_runners_language(
    code: str, text: str
) -> None:
    # dateparser, given the runner's language and English; three weeks from 3 December.
    assert answer(code, A.RACE_DATE, text) == "2026-12-24"


def test_a_race_date_gone_is_asked_again_in_any_language() -> None:
    assert typed("ru", A.RACE_DATE, "1 декабря 2026") == Q.RACE_DATE_REASKS[A.DateProblem.PAST]


def test_read_date_is_pure_with_the_languages_words() -> None:
    russian = calendar_words([CalendarLayer("en"), CalendarLayer("ru", dateparser="ru")])
    assert read_date("12 апреля", TODAY, russian) == date(2027, 4, 12)
    assert read_date("12 апреля", TODAY) is None  # English alone


@pytest.mark.parametrize(
    ("code", "text", "distance"),
    [
        ("ru", "полумарафон", "half"),
        ("ru", "Полумарафон!", "half"),
        ("ru", "марафон", "marathon"),
        ("ru", "десятка", "10k"),
        ("ru", "21 км", "half"),
        ("ru", "42,2 км", "marathon"),
        ("es", "media maratón", "half"),
        ("es", "media maraton", "half"),
        ("es", "maratón", "marathon"),
        ("es", "10 km", "10k"),
        ("pt-BR", "meia maratona", "half"),
        ("pt-BR", "maratona", "marathon"),
        ("pt-BR", "ultramaratona", "ultra"),
        ("de", "Halbmarathon", "half"),
        ("de", "Marathon", "marathon"),
        ("de", "5 Kilometer", "5k"),
        ("de", "half marathon", "half"),
        ("ru", "42.2 km", "marathon"),
    ],
)
def test_race_distances_typed_in_the_runners_language(code: str, text: str, distance: str) -> None:
    answers = {**BEFORE, A.RACE_DATE: "2027-04-12"}
    found = typed(code, A.RACE_DISTANCE, text, answers)
    assert not isinstance(found, str), (code, text)
    assert found[A.RACE_DISTANCE] == distance


# ---- cities and countries -----------------------------------------------------------------

CITIES = [
    ("ru", "Мюнхен", "Europe/Berlin"),
    ("es", "Múnich", "Europe/Berlin"),
    ("pt-BR", "Munique", "Europe/Berlin"),
    ("de", "München", "Europe/Berlin"),
    ("ru", "Москва", "Europe/Moscow"),
    ("ru", "москва", "Europe/Moscow"),
    ("ru", "Нью-Йорк", "America/New_York"),
    ("ru", "Нью Йорк", "America/New_York"),
    ("es", "Ciudad de México", "America/Mexico_City"),
    ("es", "ciudad de mexico", "America/Mexico_City"),
    ("pt-BR", "São Paulo", "America/Sao_Paulo"),
    ("pt-BR", "sao paulo", "America/Sao_Paulo"),
    ("de", "Köln", "Europe/Berlin"),
    ("en", "Cologne", "Europe/Berlin"),
    ("ru", "Кёльн", "Europe/Berlin"),
    ("ru", "Кельн", "Europe/Berlin"),
    ("ru", "Мюнхн", "Europe/Berlin"),  # a typo
    ("ru", "Санкт-Петербург", "Europe/Moscow"),
    ("ru", "Алматы", "Asia/Almaty"),
    ("de", "Wien", "Europe/Vienna"),
    ("ru", "Германия", "Europe/Berlin"),
    ("es", "Alemania", "Europe/Berlin"),
    ("pt-BR", "Alemanha", "Europe/Berlin"),
    ("de", "Deutschland", "Europe/Berlin"),
    ("es", "España", "Europe/Madrid"),
    ("pt-BR", "Portugal", "Europe/Lisbon"),
    ("de", "Österreich", "Europe/Vienna"),
]


@pytest.fixture(scope="module")
def zones() -> ZoneFinder:
    return ZoneFinder()


@pytest.mark.parametrize(("code", "text", "zone"), CITIES)
def test_cities_and_countries_as_people_write_them_in_their_language(
    zones: ZoneFinder, code: str, text: str, zone: str
) -> None:
    found = zones.understand(text, NOW, Q.country_aliases(texts(code)))
    if isinstance(found, ZoneChoice):  # a country of several zones: its biggest first
        assert found.options[0][0] == zone, (code, text, found)
    else:
        assert isinstance(found, ZoneMatch), (code, text, found)
        assert found.zone == zone


def test_a_russian_runner_may_still_name_a_country_in_english(zones: ZoneFinder) -> None:
    found = zones.understand("Germany", NOW, Q.country_aliases(texts("ru")))
    assert isinstance(found, ZoneMatch) and found.zone == "Europe/Berlin"


# ---- what the questions show --------------------------------------------------------------


def test_a_tapped_time_and_day_echo_in_the_locales_words() -> None:
    german = texts("de")
    _, echo = Q.QUESTIONS[A.LONG_RUN].tapped(german, dict(BEFORE), "5") or ({}, "")
    assert echo == german.weekday(SAT, "abbreviated") == "Sa."
    _, shown = Q.QUESTIONS[A.REMINDER_TIME].tapped(german, dict(BEFORE), "0730") or ({}, "")
    assert shown == german.time(time(7, 30))
    race = {**BEFORE, A.RACE_DATE: "2027-04-12"}
    _, keyboard = Q.QUESTIONS[A.RACE_DATE].ask(texts("ru"), race)
    assert "12 апр. 2027" in str(keyboard)  # "keep 12 апр. 2027", CLDR's Russian


@pytest.mark.parametrize(
    ("code", "text"),
    [
        ("ru", "без ограничений"),
        ("es", "sin límite"),
        ("pt-BR", "sem limite"),
        ("de", "kein Limit"),
        ("de", "egal"),
        ("ru", "no limit"),
    ],
)
def test_no_limit_on_the_session_length(code: str, text: str) -> None:
    assert answer(code, A.TIME_BUDGET, text) is None


@pytest.mark.parametrize(
    ("code", "text"),
    [
        ("ru", "нет забега"),
        ("ru", "пока не планирую"),
        ("es", "sin carrera"),
        ("pt-BR", "sem prova"),
        ("de", "kein Wettkampf"),
        ("de", "no race"),
    ],
)
def test_no_race_in_the_runners_language(code: str, text: str) -> None:
    assert answer(code, A.RACE_DATE, text) is None


# ---- corrections ("actually …") -----------------------------------------------------------

ANSWERED = {A.RUN_DAYS: [MON, WED, SAT], "long_run_day": SAT, A.HARD_DAYS: [WED]}


@pytest.mark.parametrize(
    ("code", "text", "step", "key", "value"),
    [
        ("ru", "кстати, ещё бегаю по пятницам", A.RUN_DAYS, A.RUN_DAYS, [MON, WED, FRI, SAT]),
        ("ru", "ой, длинная в воскресенье", A.LONG_RUN, "long_run_day", SUN),
        ("es", "en realidad también corro los viernes", A.RUN_DAYS, A.RUN_DAYS,
         [MON, WED, FRI, SAT]),
        ("es", "perdón, la tirada larga el domingo", A.LONG_RUN, "long_run_day", SUN),
        ("pt-BR", "na verdade também corro na sexta", A.RUN_DAYS, A.RUN_DAYS,
         [MON, WED, FRI, SAT]),
        ("pt-BR", "ops, o longão é no domingo", A.LONG_RUN, "long_run_day", SUN),
        ("de", "eigentlich laufe ich auch freitags", A.RUN_DAYS, A.RUN_DAYS,
         [MON, WED, FRI, SAT]),
        ("de", "Moment, der lange Lauf ist am Sonntag", A.LONG_RUN, "long_run_day", SUN),
    ],
)  # fmt: skip
def test_a_correction_in_the_runners_language(
    code: str, text: str, step: str, key: str, value: Any
) -> None:
    from bot.coach.corrections import correction

    answers = {**BEFORE, **ANSWERED}
    found = correction(text, answers, set(A.STEPS), Q.change_words(texts(code)))
    assert found is not None, (code, text)
    assert (found.step, found.answers[key]) == (step, value)
