"""Fix round two (issue 16), E: a value that opens a line is written with a capital where
the translation says so (``{month:capital}``), and a skip logged twice is not praised.

Russian words are kept in SEEN, out of docstrings (ruff's RUF002 reads Cyrillic letters
there as confusable Latin ones).
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.coach.answers import DateProblem
from bot.content import ContentError, load_content
from bot.languages import LanguageInfo, check_messages
from bot.messages import onboarding
from bot.texts import Texts
from testkit.harness import BotHarness, onboard, texts

SEEN = {
    "skip": "пропусти",
    "again": "пропуск",
    "already_skip": "Сегодня: уже отмечено (пропуск). Добавлять нечего.",
    "praise": "молодец",
    "month": "ноябрь",
    "heading": "{month:capital} вкратце",
    "heading_got": "Ноябрь вкратце",
    "race_sentence": "12 апреля бегу полумарафон",
    "no_hard_typed": "без интенсивной тренировки",
    "no_hard_got": "На этой неделе:</b> без интенсивной тренировки",
}

RU = LanguageInfo(code="ru", name="Russian", english_name="Russian", locale="ru", telegram=["ru"])


def test_a_value_written_with_a_capital_where_the_translation_says_so() -> None:
    """CLDR's month is lower case in Russian; the heading that opens with it asks for a
    capital, and the same value mid-sentence keeps its lower case."""
    t = Texts({"recap": SEEN["heading"], "plain": "{month}"}, "ru")
    assert t("recap", month=SEEN["month"]) == SEEN["heading_got"]
    assert t("plain", month=SEEN["month"]) == SEEN["month"]


def test_an_unknown_way_to_write_a_value_is_refused_at_start() -> None:
    """A typo such as ``{month:capitals}`` would fail when the message is sent; the
    language's check refuses it when the coach starts instead."""
    english = {"recap": ("{month} in short", "preview.toml")}
    with pytest.raises(ContentError, match="capitals"):
        check_messages(RU, {"recap": ("{month:capitals}", "preview.toml")}, english, ContentError)
    found = {"recap": (SEEN["heading"], "preview.toml")}
    checked = check_messages(RU, found, english, ContentError)
    assert checked.gaps == ()


async def test_russian_skip_logged_twice_opens_with_a_capital_and_no_praise(
    bot: BotHarness,
) -> None:
    """A Russian runner skips today, then says skip again: the line opens with a capital
    and does not praise the skip."""
    await onboard(bot)
    await bot.say("/language ru")
    await bot.say(SEEN["skip"])
    reply = texts(await bot.say(SEEN["again"]))
    assert SEEN["already_skip"] in reply and SEEN["praise"] not in reply, reply


async def test_english_skip_logged_twice_is_not_praised(bot: BotHarness) -> None:
    """'nice work' is for a session done: a second skip gets the plain line, a second
    done keeps the praise."""
    await onboard(bot)
    await bot.say("skip")
    again = texts(await bot.say("skip"))
    assert "already logged today (skipped)" in again and "nice work" not in again, again


async def test_english_done_logged_twice_keeps_its_praise(bot: BotHarness) -> None:
    """The done branch is unchanged: 'Nothing to add — nice work.'"""
    await onboard(bot)
    await bot.say("done")
    again = texts(await bot.say("done"))
    assert "already logged today (done)" in again and "nice work" in again, again


@pytest.mark.parametrize(("code", "done", "button", "cell"), [
    ("es", "hecho", "🤕 Con agujetas", "con molestias"),
    ("pt-BR", "feito", "🤕 Com dor muscular", "com incômodo"),
])  # fmt: skip
async def test_sore_tapped_reads_as_discomfort_in_the_csv(
    bot: BotHarness, code: str, done: str, button: str, cell: str
) -> None:
    """The 🤕 tap after a session is muscle soreness (its reply swaps heavy legs): the
    spreadsheet's cell says discomfort, which also covers a pain said after "done", not
    "pain" ('dolor/molestias', 'com dor'); Portuguese's button says muscle soreness as
    its reply does."""
    await onboard(bot)
    await bot.say(f"/language {code}")
    await bot.say(done)
    await bot.tap(button)
    await bot.say("/export")
    [csv_file] = [u for u in bot.documents() if u.file_name.endswith(".csv")]
    header, row = csv_file.data.decode("utf-8-sig").splitlines()[:2]
    assert cell in row.split(","), (header, row)
    assert "dolor" not in header + row and "dor/" not in header + row, (header, row)


@pytest.mark.parametrize(("code", "typed", "race"), [
    ("es", "el 15 de marzo corro un medio maraton", date(2027, 3, 15)),
    ("pt-BR", "dia 15 de marco corro uma meia maratona", date(2027, 3, 15)),
    ("de", "am 12. april laufe ich meinen ersten halbmarathon", date(2027, 4, 12)),
    ("ru", SEEN["race_sentence"], date(2027, 4, 12)),
    ("en", "my half marathon is on 18 april, wish me luck", date(2027, 4, 18)),
])  # fmt: skip
def test_a_race_date_is_read_inside_a_sentence(code: str, typed: str, race: date) -> None:
    """The race date question answered in a sentence: the date inside it is read."""
    t = load_content().speaking(code).texts
    assert onboarding.race_date(t, typed, date(2026, 12, 4)) == race


@pytest.mark.parametrize("typed", ["I run 21 km in April", "10 km", "in april 2027"])
def test_a_sentence_without_a_day_is_still_no_date(typed: str) -> None:
    """Words around a month without its day do not make a date up."""
    t = load_content().texts
    assert onboarding.race_date(t, typed, date(2026, 12, 4)) is DateProblem.UNREADABLE


@pytest.mark.parametrize(("code", "typed", "said"), [
    ("ru", SEEN["no_hard_typed"], SEEN["no_hard_got"]),
    ("en", "No hard session", "no hard session"),
    ("es", "sin sesión intensa", "sin sesión intensa"),
])  # fmt: skip
async def test_the_coachs_own_words_change_this_week(
    bot: BotHarness, code: str, typed: str, said: str
) -> None:
    """/week → ✏️, and the menu's "🚫 No hard session" typed instead of tapped (no "this
    week" around it: the menu asked about this week): the change is made."""
    await onboard(bot)
    await bot.say(f"/language {code}")
    await bot.say("/week")
    await bot.tap("✏️")
    reply = texts(await bot.say(typed))
    assert "🗓" in reply and said in reply, reply
