"""Every shipped language is whole, translated and consistent; a deployer's own language
with gaps still starts, in English where it is silent (issue 16, "Engineering").

Whole: no key, placeholder, plural form, exercise or warm-up missing (``Content.gaps``,
which names language, file and key). Translated: no message or exercise name left in
English's words, unless the language's glossary keeps it on purpose (``keep_english``).
Consistent: each coaching term of the glossary ("long run", "level", "lighter week") is the
same word in every message that names it.
"""

from __future__ import annotations

import logging
import re
import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest

from bot.content import CONTENT_DIR, Content, ContentError, load_content
from bot.languages import ENGLISH, skeleton, telegram_choice
from bot.texts import Message, Plural

CONTENT = load_content()
SHIPPED = ("en", "ru", "es", "pt-BR", "de")
OTHERS = [code for code in SHIPPED if code != ENGLISH]
# The terms every language's glossary gives its word for (a runner reads the same word for
# the same thing in every message).
TERMS = (
    "long_run",
    "hard_session",
    "level",
    "lighter_week",
    "session",
    "streak",
    "taper",
    "warm_up",
    "reminder",
    "race_week",
)


def glossary(code: str) -> dict[str, Any]:
    path = CONTENT_DIR / "languages" / code / "glossary.toml"
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        return tomllib.load(handle)


def forms(message: Message) -> list[str]:
    return list(message.forms.values()) if isinstance(message, Plural) else [message]


def words(text: str) -> str:
    """A message's words, without what is never translated: placeholders, HTML tags,
    commands, addresses, entities."""
    text = re.sub(r"\{[^{}]*\}|<[^>]*>|/[a-z_]+|https?://\S+|&[a-z]+;", " ", text)
    return " ".join(text.split())


def test_the_five_languages_ship() -> None:
    assert set(SHIPPED) <= set(CONTENT.codes)
    assert CONTENT.codes[0] == ENGLISH


@pytest.mark.parametrize("code", SHIPPED)
def test_a_shipped_language_has_no_gaps(code: str) -> None:
    gaps = CONTENT.speaking(code).gaps
    assert not gaps, f"{len(gaps)} gaps:\n" + "\n".join(gaps)


@pytest.mark.parametrize("code", OTHERS)
def test_a_shipped_language_leaves_no_message_in_english(code: str) -> None:
    language = CONTENT.speaking(code)
    kept = set(glossary(code).get("keep_english", []))
    english = CONTENT.texts
    untranslated = []
    for key in sorted(english.keys()):
        if key in kept:
            continue
        mine, theirs = forms(language.texts.message(key)), forms(english.message(key))
        for text in mine:
            if text in theirs and re.search(r"[A-Za-z]{4,}", words(text)):
                untranslated.append(f"{code}: {key}: {text[:60]!r}")
                break
    assert not untranslated, f"{len(untranslated)} messages in English:\n" + "\n".join(untranslated)


@pytest.mark.parametrize("code", OTHERS)
def test_a_shipped_language_names_its_exercises_in_its_words(code: str) -> None:
    language = CONTENT.speaking(code)
    kept = set(glossary(code).get("keep_english", []))
    same = [
        f"{code}: exercises.{exercise_id}.{field}"
        for exercise_id, exercise in CONTENT.catalog.exercises.items()
        for field in ("name", "cue")
        if getattr(language.catalog.exercises[exercise_id], field) == getattr(exercise, field)
        and f"exercises.{exercise_id}.{field}" not in kept
    ]
    assert not same, f"{len(same)} exercise words in English:\n" + "\n".join(same)


def test_englishs_glossary_names_the_terms_as_its_messages_write_them() -> None:
    terms = glossary(ENGLISH)["terms"]
    assert sorted(terms) == sorted(TERMS)
    for term_id, term in terms.items():
        assert term["word"] == term["english"] == term["stem"], term_id
        assert any(
            term["english"] in words(t).casefold()
            for key in CONTENT.texts.keys()
            for t in forms(CONTENT.texts.message(key))
        ), f"no message says {term_id}"


@pytest.mark.parametrize("code", OTHERS)
def test_a_glossary_term_is_one_word_in_every_message(code: str) -> None:
    terms = glossary(code).get("terms", {})
    assert sorted(TERMS) == sorted(set(TERMS) & set(terms)), f"{code}: glossary lacks terms"
    language = CONTENT.speaking(code)
    english = CONTENT.texts
    astray = []
    for term_id in TERMS:
        term = terms[term_id]
        english_term = re.compile(r"(?<![\w])" + re.escape(term["english"]), re.IGNORECASE)
        stem = term["stem"].casefold()
        exempt = set(term.get("except", []))
        for key in sorted(english.keys()):
            if key in exempt or not any(
                english_term.search(words(t)) for t in forms(english.message(key))
            ):
                continue
            if not any(stem in text.casefold() for text in forms(language.texts.message(key))):
                astray.append(f"{code}: {key}: no '{stem}' ({term['english']})")
    assert not astray, f"{len(astray)} messages name a term otherwise:\n" + "\n".join(astray)


@pytest.mark.parametrize(
    ("telegram", "expected"),
    [
        ("ru", "ru"),
        ("pt-BR", "pt-BR"),
        ("pt-br", "pt-BR"),
        ("pt", "pt-BR"),
        ("pt-PT", "pt-BR"),
        ("es", "es"),
        ("es-419", "es"),
        ("es-MX", "es"),
        ("de", "de"),
        ("de-AT", "de"),
        ("de-CH", "de"),
        ("en", "en"),
        ("en-GB", "en"),
        # Never a neighbour's language: Ukrainian, Belarusian, Kazakh are not Russian;
        # Catalan and Galician not Spanish; none of them is guessed.
        ("uk", None),
        ("be", None),
        ("kk", None),
        ("ca", None),
        ("gl", None),
        ("fr", None),
        ("", None),
        (None, None),
    ],
)
def test_telegrams_language_code_chooses_a_language(
    telegram: str | None, expected: str | None
) -> None:
    assert CONTENT.for_telegram(telegram) == expected
    assert telegram_choice(telegram, [c.language for c in CONTENT.languages.values()]) == expected


# ---- a deployer's own language -----------------------------------------------------------


def own_language(tmp_path: Path, code: str = "fr") -> Path:
    folder = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, folder)
    skeleton(folder, code)
    return folder / "languages" / code


def test_a_deployers_language_with_gaps_starts_in_english_for_them_with_one_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = own_language(tmp_path)
    pause = folder / "messages" / "pause.toml"
    text = pause.read_text(encoding="utf-8")
    first_key = next(line for line in text.splitlines() if re.match(r"^[a-z_]+ = ", line))
    pause.write_text(text.replace(first_key + "\n", "", 1), encoding="utf-8")
    exercises = folder / "exercises.toml"
    body = exercises.read_text(encoding="utf-8")
    start = body.index("[exercises.plank]")
    exercises.write_text(body[:start] + body[body.index("[exercises.", start + 1) :])
    with caplog.at_level(logging.WARNING):
        content = load_content(folder.parents[1])
    french: Content = content.speaking("fr")
    assert french.language.code == "fr"
    assert any("messages/pause.toml" in gap for gap in french.gaps), french.gaps
    assert "fr: exercises.toml: exercises.plank: missing" in french.gaps
    assert french.catalog.exercises["plank"].name == CONTENT.catalog.exercises["plank"].name
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and " fr " in r.message]
    assert len(warnings) == 1, [r.message for r in warnings]
    assert "messages/pause.toml" in warnings[0].message and "exercises.plank" in warnings[0].message


def test_a_placeholder_english_does_not_fill_stops_the_start_naming_file_and_key(
    tmp_path: Path,
) -> None:
    folder = own_language(tmp_path)
    path = folder / "messages.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("{name}", "{nombre}", 1), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_content(folder.parents[1])
    assert "fr/messages.toml" in str(caught.value) and "{nombre}" in str(caught.value)


def test_an_exercise_with_another_number_of_rungs_stops_the_start_naming_it(
    tmp_path: Path,
) -> None:
    folder = own_language(tmp_path)
    path = folder / "exercises.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('  "Plank from the knees",\n', "", 1), encoding="utf-8")
    with pytest.raises(ContentError, match=r"fr/exercises\.toml: exercises\.plank\.variants"):
        load_content(folder.parents[1])


def test_a_language_folder_must_say_its_own_code(tmp_path: Path) -> None:
    folder = own_language(tmp_path)
    path = folder / "language.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('code = "fr"', 'code = "xx"'))
    with pytest.raises(ContentError, match=r"fr/language\.toml: language\.code"):
        load_content(folder.parents[1])
