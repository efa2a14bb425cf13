"""Fix-C (issue 16): the words, grammar and formats the tester found wrong, checked
where the fix lives so every language gets it, not only the sentence the tester read."""

from __future__ import annotations

from datetime import date

import pytest

from bot.texts import Plural, Texts
from testkit.harness import shared_content


def test_an_abbreviated_date_ending_a_sentence_has_one_full_stop() -> None:
    """A CLDR abbreviated date carries its own stop ("27 нояб.", "28. Nov.", "27 de
    nov."); a message ending "{day}." must not read "27 нояб..". An ellipsis stays."""
    t = Texts({"a": "Next: {day}.", "b": "Wait {day}...", "c": "{n}. {day}"}, "ru_RU")
    assert t("a", day="27 нояб.") == "Next: 27 нояб."
    assert t("a", day="Saturday 28") == "Next: Saturday 28."
    assert t("b", day="27 нояб.") == "Wait 27 нояб...."
    assert t("c", n="1.", day="x") == "1. x"  # one stop, not a sentence's: only "{name}." goes


@pytest.mark.parametrize("code", ["ru", "de", "pt-BR", "es", "en"])
def test_every_language_writes_one_stop_after_its_short_date(code: str) -> None:
    """Every message whose placeholder is followed by a stop, filled with the language's
    abbreviated date, reads with one stop."""
    from bot.texts import _one_full_stop as one_full_stop

    t = shared_content().speaking(code).texts
    short = t.short_date(date(2026, 11, 27))
    for key in sorted(t.keys()):
        message = t.message(key)
        forms = message.forms.values() if isinstance(message, Plural) else [message]
        for form in forms:
            for name in ("day", "date", "when", "target"):
                if "{" + name + "}." in form and "{" + name + "}..." not in form:
                    marked = one_full_stop(form, {name: short})
                    rendered = marked.replace("{" + name + "}", short)
                    assert ".." not in rendered.replace("...", ""), (code, key, rendered)


def test_a_zero_form_is_said_for_zero_before_the_cldr_rule() -> None:
    """Portuguese's CLDR rule puts 0 in "one"; a table's ``zero`` form wins for 0."""
    t = Texts(
        {
            "s": Plural(
                {"zero": "{count} treinos", "one": "{count} treino", "other": "{count} treinos"}
            )
        },
        "pt_BR",
    )
    assert t("s", count=0) == "0 treinos"
    assert t("s", count=1) == "1 treino"
    assert t("s", count=2) == "2 treinos"
    plain = Texts({"s": Plural({"one": "{count} treino", "other": "{count} treinos"})}, "pt_BR")
    assert plain("s", count=0) == "0 treino"  # without a zero form, CLDR's rule


def test_brazilian_counts_that_can_be_zero_say_the_plural() -> None:
    """pt-BR's counts that can show 0 (sessions, weeks, days) read "0 treinos"."""
    t = shared_content().speaking("pt-BR").texts
    assert t("progress_report.sessions_many", count=0) == "0 treinos"
    assert t("progress_report.weeks", count=0) == "0 semanas"
    assert t("pause.days_many", count=0) == "0 dias"
    assert t("preview_tally.weeks_many", count=0) == "0 semanas"


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("de", "Samstag, 28., um 07:00"),
        ("ru", "суббота, 28 в 07:00"),
        ("es", "sábado 28 a las 7:00"),
        ("pt-BR", "às 07:00"),
    ],
)
def test_a_reminder_day_and_time_are_joined_in_words(code: str, expected: str) -> None:
    """views.when_text joins day and time with the language's word for "at"."""
    from datetime import UTC, datetime

    from bot.messages.views import when_text

    t = shared_content().speaking(code).texts
    when = when_text(t, datetime(2026, 11, 28, 7, 0, tzinfo=UTC), "UTC", date(2026, 11, 26))
    assert when.endswith(expected), when


@pytest.mark.parametrize(
    ("code", "days", "expected"),
    [
        ("ru", 3, "3 дня после"),
        ("ru", 7, "7 дней после"),
        ("ru", 21, "21 день после"),
        ("de", 7, "die 7 Tage danach"),
        ("es", 7, "los 7 días posteriores"),
        ("pt-BR", 7, "os 7 dias seguintes"),
        ("en", 7, "the 7 days after"),
    ],
)
def test_the_recovery_days_have_their_own_plural(code: str, days: int, expected: str) -> None:
    """race.distance_line's second count reads in its own form (it once followed the
    taper's table, so Russian wrote "7 дн.")."""
    t = shared_content().speaking(code).texts
    assert t("race.recovery_days", count=days) == expected
    line = t(
        "race.distance_line", distance="X", taper=t("race.taper_days", count=21), recovery=expected
    )
    assert expected in line and ".." not in line


@pytest.mark.parametrize(
    ("code", "typed", "expected"),
    [
        ("ru", "в половине восьмого", "07:30"),
        ("ru", "полвосьмого вечера", "19:30"),
        ("ru", "без четверти восемь", "07:45"),
        ("ru", "четверть восьмого", "07:15"),
        ("es", "a las siete y media", "07:30"),
        ("es", "las ocho menos cuarto", "07:45"),
        ("es", "7 y media de la tarde", "19:30"),
        ("pt-BR", "sete e meia", "07:30"),
        ("pt-BR", "quinze para as oito", "07:45"),
        ("pt-BR", "7 e meia da manhã", "07:30"),
        ("de", "halb acht", "07:30"),
        ("de", "um halb acht abends", "19:30"),
        ("de", "viertel nach sieben", "07:15"),
        ("de", "viertel vor acht", "07:45"),
        ("en", "half seven", "07:30"),
        ("en", "quarter to eight", "07:45"),
    ],
)
def test_a_time_said_around_an_hour_in_each_language(code: str, typed: str, expected: str) -> None:
    """onboarding_words.spoken_times: the half and the quarters as each language says
    them; German's and Russian's half count toward the next hour."""
    from bot.messages.onboarding import typed_time

    t = shared_content().speaking(code).texts
    found = typed_time(t, typed)
    assert found is not None and found.strftime("%H:%M") == expected, (typed, found)


@pytest.mark.parametrize(("code", "typed"), [("ru", "полчаса"), ("de", "halb"), ("es", "y media")])
def test_a_spoken_time_needs_a_real_hour(code: str, typed: str) -> None:
    from bot.messages.onboarding import typed_time

    assert typed_time(shared_content().speaking(code).texts, typed) is None


@pytest.mark.parametrize(("typed", "minutes"), [("zwanzig minuten", 20), ("dreißig minuten", 30)])
def test_german_session_lengths_in_words(typed: str, minutes: int) -> None:
    from bot.messages.onboarding import typed_minutes

    assert typed_minutes(shared_content().speaking("de").texts, typed) == minutes
