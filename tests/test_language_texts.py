"""Every message in every language renders, and grammar and formats come from CLDR (issue
16, points 2-3): plural forms by the language's rules (Russian's three: 1 неделя, 2 недели,
5 недель), day and month names and dates in the locale's form, times in its habit.

The property test renders every key of every shipped language with placeholder values of
the right kind and, for a plural message, every count 0-100: no exception, no placeholder
left, Telegram's HTML (only the tags it knows, balanced), at most 4096 characters.
"""

from __future__ import annotations

import csv
import io
import random
import warnings
from dataclasses import replace
from datetime import UTC, date, datetime, time
from html.parser import HTMLParser
from typing import Any

import pytest

from bench.chart_samples import generated_chart
from bot.content import load_content
from bot.messages import export as export_messages
from bot.messages import pause as pause_messages
from bot.messages import progress as progress_messages
from bot.messages import views
from bot.messages.loads import weight_text
from bot.messages.progress_chart import draw
from bot.services import export as export_service
from bot.services.export import ExportData
from bot.store.export_reads import RunnerRows
from bot.store.models import Runner
from bot.texts import PLURAL_CATEGORIES, Plural, Texts, needed_categories, placeholders

CONTENT = load_content()
CODES = sorted(CONTENT.codes)
ENGLISH = CONTENT.texts

MAX_MESSAGE = 4096  # Telegram's limit for a message's text
# The tags Telegram's HTML parse mode knows (core.telegram.org/bots/api#html-style).
TELEGRAM_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "code",
    "pre",
    "a",
    "tg-spoiler",
    "tg-emoji",
    "span",
    "blockquote",
}
# Placeholders that are numbers in the code (the rest are texts the code builds).
NUMBERS = {
    "count",
    "weeks",
    "days",
    "minutes",
    "done",
    "planned",
    "kept",
    "of",
    "level",
    "start",
    "now",
    "amount",
    "sets",
    "reps",
    "seconds",
    "rest",
    "rir",
    "number",
    "hours",
    "taper",
    "recovery",
    "year",
    "kb",
    "files",
}
COUNTS = range(0, 101)
THURSDAY = date(2026, 12, 3)
THURSDAY_0730_UTC = datetime(2026, 12, 3, 7, 30, tzinfo=UTC)


class TelegramHtml(HTMLParser):
    """Collects what Telegram would refuse: an unknown tag, one left open or closed twice."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TELEGRAM_TAGS:
            self.problems.append(f"<{tag}> is not a tag Telegram knows")
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.open[-1] if self.open else 'nothing'}")
        else:
            self.open.pop()


def html_problems(text: str) -> list[str]:
    parser = TelegramHtml()
    parser.feed(text)
    parser.close()
    return parser.problems + [f"<{tag}> left open" for tag in parser.open]


def sample_values(texts: Texts, key: str) -> dict[str, Any]:
    message = texts.message(key)
    names = set(placeholders(message))
    if isinstance(message, Plural):
        names.add(texts.selector(key))
    return {name: 7 if name in NUMBERS else f"«{name}»" for name in names}


def problems_of(texts: Texts, key: str) -> list[str]:
    values = sample_values(texts, key)
    message = texts.message(key)
    if isinstance(message, Plural):
        select = texts.selector(key)
        renders = [{**values, select: count} for count in COUNTS]
    else:
        renders = [values]
    found: list[str] = []
    for given in renders:
        try:
            text = texts(key, **given)
        except (KeyError, IndexError, ValueError) as exc:
            return [f"{key}: {exc!r} with {given}"]
        if "{" in text or "}" in text:
            found.append(f"{key}: a placeholder left in {text[:80]!r}")
        if len(text) > MAX_MESSAGE:
            found.append(f"{key}: {len(text)} characters")
        found.extend(f"{key}: {problem}" for problem in html_problems(text))
        if found:
            return found
    return found


@pytest.mark.parametrize("code", CODES)
def test_every_message_renders_in_every_language_with_every_count(code: str) -> None:
    texts = CONTENT.speaking(code).texts
    found = [problem for key in sorted(texts.keys()) for problem in problems_of(texts, key)]
    assert not found, f"{code}: {len(found)} problems:\n" + "\n".join(found[:40])


def test_the_property_test_sees_plural_messages_and_catches_bad_html() -> None:
    # Guards the test above: plural tables are there, and a broken message is caught.
    plural = [key for key in ENGLISH.keys() if isinstance(ENGLISH.message(key), Plural)]
    assert len(plural) >= 25, plural
    assert html_problems("<b>bold</b> <i>x</i>") == []
    assert html_problems("<b>open") == ["<b> left open"]
    assert html_problems("<div>x</div>") == ["<div> is not a tag Telegram knows"]
    broken = Texts({"x.y": Plural({"one": "{count} <b>week", "other": "{count} weeks"})})
    assert problems_of(broken, "x.y") == ["x.y: <b> left open"]


@pytest.mark.parametrize("code", CODES)
def test_each_plural_table_has_exactly_the_forms_its_locale_needs(code: str) -> None:
    """English one/other, Russian one/few/many/other, …: a form missing reads wrong for
    some counts, a form the language never uses is a slip. Fails for a language until its
    translator writes the forms of the keys English made plural (check names them)."""
    content = CONTENT.speaking(code)
    # "other" is in every table (the form a count outside the rules would take, and what
    # a table falls back to), whether or not the locale uses it for a whole number.
    needed = needed_categories(content.language.locale) | {"other"}
    wrong = []
    for key in sorted(content.texts.keys()):
        message = content.texts.message(key)
        if isinstance(ENGLISH.message(key), Plural):
            forms = set(message.forms) if isinstance(message, Plural) else {"other"}
            # "zero" is allowed in any language (bot/texts.py: Portuguese's 0 is "one" in
            # CLDR, and "0 treino" reads wrong).
            if forms - {"zero"} != needed:
                wrong.append(f"{key}: {sorted(forms)}, needs {sorted(needed)}")
    assert not wrong, f"{code}: {len(wrong)} plural tables:\n" + "\n".join(wrong)


def test_needed_categories_are_cldrs() -> None:
    assert needed_categories("en_GB") == {"one", "other"}
    assert needed_categories("ru_RU") == {"one", "few", "many"}  # "other": fractions only
    assert needed_categories("de_DE") == {"one", "other"}
    assert set(PLURAL_CATEGORIES) >= needed_categories("pt_BR")


# ------------------------------------------------------------------ English reads right


@pytest.mark.parametrize(
    ("count", "weeks", "sessions", "levels"),
    [
        (0, "0 weeks", "0 sessions", "0 levels"),
        (1, "1 week", "1 session", "a level"),
        (2, "2 weeks", "2 sessions", "2 levels"),
        (5, "5 weeks", "5 sessions", "5 levels"),
        (21, "21 weeks", "21 sessions", "21 levels"),
    ],
)
def test_english_counts_read_right(count: int, weeks: str, sessions: str, levels: str) -> None:
    t = ENGLISH
    assert progress_messages.weeks_text(t, count) == weeks
    assert progress_messages.sessions_text(t, count) == sessions
    assert t("progress_report.levels_many", count=count) == levels
    assert t("pause.days_many", count=count) == f"{count} day" + ("" if count == 1 else "s")
    streak = t("chat.streak_many", weeks=count)
    assert streak.endswith("1 week" if count == 1 else f"{count} weeks in a row")
    kept = t("progress_report.kept", kept=0, of=count)
    assert kept.endswith(
        "of 1 week in full" if count == 1 else f"of the last {count} weeks in full"
    )
    reps = t("progress.reps", name="Squat", sign="+", amount=count)
    assert reps == f"Squat +{count} rep" + ("" if count == 1 else "s")
    why = t("why.long_run", day="Sunday", days=count)
    assert why.endswith("1 day away" if count == 1 else f"{count} days away")
    preview = t("preview.count", count=count)
    assert preview.startswith(
        "1 strength session —" if count == 1 else f"{count} strength sessions"
    )


def test_english_dates_and_times_stay_as_they_were_or_read_better() -> None:
    t = ENGLISH
    assert pause_messages.date_text(t, THURSDAY) == "Thursday 3 Dec"
    assert views.day_label(t, date(2026, 11, 26)) == "Thursday 26"
    assert progress_messages.date_text(t, date(2026, 10, 14), THURSDAY) == "14 Oct"
    assert progress_messages.date_text(t, date(2025, 12, 30), THURSDAY) == "30 Dec 2025"
    assert t.time(time(7, 30)) == "07:30"
    assert t.weekday(6) == "Sunday" and t.weekday(0, "abbreviated") == "Mon"


# ------------------------------------------------------- other locales: CLDR, not English


def russian() -> Texts:
    """Russian's locale with English's words: what a runner sees while the translation is
    missing a key still has Russian dates, and a plural table picks Russian's forms."""
    return Texts(
        {
            "x.weeks": Plural(
                {
                    "one": "{count} неделя",
                    "few": "{count} недели",
                    "many": "{count} недель",
                    "other": "{count} недели",
                }
            )
        },
        "ru_RU",
    )


def test_russian_plural_forms_come_from_cldr() -> None:
    t = russian()
    shown = {count: t("x.weeks", count=count) for count in (1, 2, 5, 11, 21, 22, 25)}
    assert shown == {
        1: "1 неделя",
        2: "2 недели",
        5: "5 недель",
        11: "11 недель",
        21: "21 неделя",
        22: "22 недели",
        25: "25 недель",
    }


@pytest.mark.parametrize(
    ("code", "pause_date", "day_label", "short"),
    [
        ("ru", "чт, 3 дек.", "четверг, 3", "3 дек."),
        ("de", "Do., 3. Dez.", "Donnerstag, 3.", "3. Dez."),
        ("es", "jue, 3 dic", "jueves 3", "3 dic"),
        ("pt-BR", "qui., 3 de dez.", "quinta-feira, 3", "3 de dez."),
    ],
)
def test_each_language_writes_dates_in_its_locale(
    code: str, pause_date: str, day_label: str, short: str
) -> None:
    t = CONTENT.speaking(code).texts
    assert pause_messages.date_text(t, THURSDAY) == pause_date
    assert views.day_label(t, THURSDAY) == day_label
    assert progress_messages.date_text(t, THURSDAY, THURSDAY) == short
    when = views.when_text(t, THURSDAY_0730_UTC, "UTC", date(2026, 12, 1))
    assert when == t("pause.day_at_time", day=day_label, time=t.time(time(7, 30)))


def test_the_chart_labels_weeks_by_the_locales_short_date() -> None:
    from tests.test_progress_command import progress_of  # a Progress built by hand

    progress = progress_of([3, 2, 3])
    for code in CODES:
        content = CONTENT.speaking(code)
        data = progress_messages.chart_data(content, progress)
        mondays = [week.facts.monday for week in progress.weeks]
        assert [week.label for week in data.weeks] == [
            content.texts.short_date(monday) for monday in mondays
        ], code


@pytest.mark.parametrize("code", ["ru", "de", "es", "pt-BR"])
def test_the_chart_draws_each_languages_letters_without_a_missing_glyph(code: str) -> None:
    t = CONTENT.speaking(code).texts
    data = generated_chart(random.Random(5), lifts=1)
    mondays = [date(2026, 9, 7 + 7 * index) for index in range(3)]
    local = replace(
        data,
        title=f"{t.month(9)} {t.month(12)} {t.weekday(3)} · Ёё Йй Щщ Ъъ ß ü ñ ç ã õ",
        weeks=tuple(
            replace(week, label=t.short_date(mondays[index % 3]))
            for index, week in enumerate(data.weeks)
        ),
        levels=tuple(replace(s, label=f"{s.label} {t.weekday(4)}") for s in data.levels),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        draw(local)


def test_weights_take_the_locales_decimal_mark_in_messages_and_the_chart() -> None:
    from tests.test_progress_command import lift, progress_of

    german = CONTENT.speaking("de").texts
    assert weight_text(ENGLISH, 62.5, "kg") == "62.5 kg"
    assert weight_text(german, 62.5, "kg").startswith("62,5 ")
    assert weight_text(german, 1234.5, "kg").startswith("1234,5 ")  # no thousands' dot
    progress = progress_of([3, 3], lifts=[lift("goblet_squat", 12, 16.5, weeks=2)])
    english = progress_messages.chart_data(CONTENT, progress)
    assert [series.last_label for series in english.lifts] == ["16.5 kg"]
    data = progress_messages.chart_data(CONTENT.speaking("de"), progress)
    assert [series.last_label for series in data.lifts] == [weight_text(german, 16.5, "kg")]
    assert "16,5" in progress_messages.caption(CONTENT.speaking("de"), progress)


@pytest.mark.parametrize("code", CODES)
def test_the_spreadsheet_speaks_the_runners_language(code: str) -> None:
    """/export's CSV: headers, weekday, focus, status, reason and feedback words in the
    runner's language (content keys, CLDR's weekday); the date stays ISO, which every
    spreadsheet reads as a date whatever its locale."""
    content = CONTENT.speaking(code)
    t = content.texts
    runner = Runner(chat_id=1, onboarded=True, run_days="1,3,6", long_run_day=6,
                    hard_days="1", experience="some", equipment="dumbbells",
                    sessions_per_week=3, time_budget=30, timezone="Europe/Berlin")  # fmt: skip
    logs = [
        {"id": 1, "local_date": date(2026, 11, 24), "focus": "legs", "status": "done",
         "feedback": "right", "sore": False},
        {"id": 2, "local_date": date(2026, 11, 26), "focus": "core", "status": "skipped",
         "reason": "busy", "sore": False},
    ]  # fmt: skip
    data = ExportData(runner, RunnerRows({"session_logs": logs}), THURSDAY, THURSDAY_0730_UTC)
    sessions = export_service.past_sessions(content, data)
    rows = list(csv.reader(io.StringIO(export_messages.csv_bytes(t, data, sessions).decode())))
    header, done, skipped = rows
    assert header[0].lstrip("\ufeff") == t("export.columns.date")
    assert header[1:] == [t(key) for key in export_messages.COLUMN_KEYS[1:]]
    assert done[:2] == ["2026-11-24", t.weekday(1)]
    assert done[2] == t("focus.legs")
    assert done[4:7] == [t("export.status.done"), "", t("export.feedback.right")]
    assert skipped[4:6] == [t("export.status.skipped"), t("export.reason.busy")]


def test_a_logged_weight_drops_the_languages_empty_bar_words() -> None:
    """ "Kniebeuge, leere Stange" beside "letztes Mal 40 kg" contradicts it: the words a
    language's variants use for the empty bar come from its content (session.empty_bar)."""
    german = Texts({"session.empty_bar": "leere Stange"}, "de_DE")
    assert views.shown_variant(german, "Kniebeuge, leere Stange", True) == "Kniebeuge"
    assert views.shown_variant(german, "Kniebeuge, leere Stange", False) == (
        "Kniebeuge, leere Stange"
    )
    assert views.shown_variant(ENGLISH, "Back squat, empty bar", True) == "Back squat"


@pytest.mark.parametrize("code", CODES)
def test_each_languages_empty_bar_words_are_its_variants(code: str) -> None:
    """Where English's rung says "…, empty bar", the language's rung ends in its own
    session.empty_bar words, or the logged weight would sit beside them."""
    content = CONTENT.speaking(code)
    words = content.texts("session.empty_bar")
    english_words = ENGLISH("session.empty_bar")
    wrong = []
    for exercise_id, exercise in CONTENT.catalog.exercises.items():
        theirs = content.catalog.exercises[exercise_id]
        for rung, level in enumerate(exercise.levels):
            if level.variant.endswith(f", {english_words}"):
                variant = theirs.levels[rung].variant
                if not variant.endswith(f", {words}"):
                    wrong.append(f"{exercise_id} rung {rung + 1}: {variant!r}")
    assert not wrong, f"{code}: session.empty_bar is {words!r}, but:\n" + "\n".join(wrong)
