"""The languages the coach speaks: one folder each under ``content/languages/``.

English (``en``) is the reference: its folder has every message and every phrase, and the
exercises' English words live in ``content/exercises.toml`` and ``sessions.toml`` beside the
numbers. Every other folder holds the same files in its language, plus ``exercises.toml``
with each exercise's name, cue and one variant per rung (the numbers are not repeated).

A shipped language has no gaps (tests/test_languages.py names the language, file and key
of any). A deployer's own folder may: a missing message or exercise falls back to English
with one warning at start naming what is missing; a broken file stops the bot naming file,
entry and field, as the rest of the content does.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel import Locale
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.coach.week import Focus
from bot.texts import (
    FORMAT_SPECS,
    Message,
    Plural,
    Texts,
    format_specs,
    needed_categories,
    placeholders,
)

log = logging.getLogger(__name__)

LANGUAGES_DIR = "languages"
ENGLISH = "en"
LANGUAGE_FILE = "language.toml"
EXERCISES_FILE = "exercises.toml"
# The vocabularies each folder may hold; English's are the reference (bot/content.py).
PHRASE_FILES = ("phrases.toml", "phrases_week.toml", "phrases_loads.toml")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LanguageInfo(_Strict):
    """``language.toml``: who the language is for and how the locale writes."""

    code: str = Field(min_length=2, max_length=10)  # the folder's name: "ru", "pt-BR"
    name: str = Field(min_length=1, max_length=30)  # in itself, for the menu: "Русский"
    english_name: str = Field(min_length=1, max_length=30)  # "Russian"
    locale: str = Field(min_length=2)  # CLDR (Babel) locale: "ru", "pt_BR", "en_GB"
    # Telegram's language_code values that choose this language at /start, lower case: a
    # full tag ("pt-br") or a primary one ("pt", which also takes "pt-pt"). Never a
    # neighbour's language: "uk" or "kk" is not "ru".
    telegram: list[str] = Field(min_length=1)


class LanguageFile(_Strict):
    language: LanguageInfo


class ExerciseWords(_Strict):
    """One exercise's words in a language: the rest of it is content/exercises.toml's."""

    name: str = Field(min_length=1)
    cue: str = Field(min_length=1, max_length=200)
    variants: list[str] = Field(min_length=1)  # one per rung, in the English file's order


class ExercisesWordsFile(_Strict):
    exercises: dict[str, ExerciseWords] = {}
    # The warm-up's moves of each focus, as many as content/sessions.toml's.
    warmups: dict[Focus, list[str]] = {}


@dataclass(frozen=True)
class Folder:
    """What one language folder said, checked against English."""

    info: LanguageInfo
    messages: dict[str, Message]
    gaps: tuple[str, ...]  # "ru: messages/pause.toml: pause.ask: missing" — empty when whole


def telegram_choice(code: str | None, infos: Iterable[LanguageInfo]) -> str | None:
    """The language a Telegram ``language_code`` chooses ("pt-BR" → pt-BR, "es-419" → es,
    "de-AT" → de), or None for one the coach does not speak: never a guess from a
    neighbour ("uk", "be", "kk" are not Russian; "ca", "gl" are not Spanish)."""
    if not code:
        return None
    tag = code.strip().lower().replace("_", "-")
    primary = tag.split("-")[0]
    infos = list(infos)
    for info in infos:
        if tag in info.telegram:
            return info.code
    for info in infos:
        if primary in info.telegram:
            return info.code
    return None


def language_folders(directory: Path) -> list[Path]:
    """Every language folder, English first."""
    root = directory / LANGUAGES_DIR
    found = sorted(path for path in root.iterdir() if path.is_dir()) if root.is_dir() else []
    return sorted(found, key=lambda path: path.name != ENGLISH)


def read_info(folder: Path, read_toml: Any, explain: Any, error: type[Exception]) -> LanguageInfo:
    path = folder / LANGUAGE_FILE
    try:
        info = LanguageFile.model_validate(read_toml(path)).language
    except ValidationError as exc:
        raise explain(path, exc) from None
    where = f"{folder.name}/{LANGUAGE_FILE}: language"
    if info.code != folder.name:
        raise error(f"{where}.code: '{info.code}' is not the folder's name")
    if info.telegram != [tag.lower() for tag in info.telegram]:
        raise error(f"{where}.telegram: write the codes in lower case")
    try:
        # The name only: the locale's data (~1 MB a language) loads on its first use.
        Locale.parse(info.locale)
    except (ValueError, LookupError) as exc:
        raise error(f"{where}.locale: unknown locale ({exc})") from None
    return info


def check_messages(
    info: LanguageInfo,
    found: Mapping[str, tuple[Message, str]],
    english: Mapping[str, tuple[Message, str]],
    error: type[Exception],
) -> Folder:
    """A language's messages against English's: a missing key or a placeholder English does
    not fill: each a gap (English stands in) or, for a placeholder no caller gives, an
    error (the message could never be sent).

    A plural form the language needs is checked apart (``plural_gaps``: the check command
    and tests/test_language_texts.py), not at start: knowing which forms Russian needs
    means loading its CLDR data, about 1 MB a language (tracemalloc: 6.5 of the 14.8 MB
    five languages took at start), which a bot whose runners speak one language would
    hold for nothing. A form left out reads as the "other" form."""
    gaps: list[str] = []
    messages: dict[str, Message] = {}
    for key, (reference, file) in english.items():
        if key not in found:
            gaps.append(f"{info.code}: {file}: {key}: missing")
            messages[key] = reference
            continue
        message, where = found[key]
        unknown = sorted(placeholders(message) - placeholders(reference))
        if unknown:
            raise error(
                f"{info.code}/{where}: {key}: '{{{unknown[0]}}}' is not a placeholder of this "
                f"message (English has: {', '.join(sorted(placeholders(reference))) or 'none'})"
            )
        if odd := sorted(format_specs(message) - FORMAT_SPECS):
            raise error(
                f"{info.code}/{where}: {key}: ':{odd[0]}' is not a way to write a value "
                f"(there is: {', '.join(sorted(FORMAT_SPECS))})"
            )
        lost = sorted(placeholders(reference) - placeholders(message))
        if lost:
            gaps.append(f"{info.code}: {where}: {key}: leaves out {{{lost[0]}}}")
        if isinstance(reference, Plural) and isinstance(message, str):
            message = Plural({"other": message})
        if isinstance(message, Plural):
            if not isinstance(reference, Plural):
                raise error(f"{info.code}/{where}: {key}: plural forms for a message with no count")
        messages[key] = message
    for key in sorted(found.keys() - english.keys()):
        gaps.append(f"{info.code}: {found[key][1]}: {key}: not a key English has (ignored)")
    return Folder(info=info, messages=messages, gaps=tuple(gaps))


def plural_gaps(code: str, texts: Texts) -> list[str]:
    """Each plural message lacking a form its language needs ("ru: pause.days_many: no
    'few' plural form"): loads the locale's CLDR data."""
    needed = needed_categories(str(texts.locale))
    gaps = []
    for key in sorted(texts.keys()):
        message = texts.message(key)
        if isinstance(message, Plural):
            missing = sorted(needed - message.forms.keys())
            if missing:
                gaps.append(f"{code}: {key}: no '{missing[0]}' plural form")
    return gaps


def translate_catalog(
    catalog: Any, folder: Path, read_toml: Any, explain: Any, error: type[Exception]
) -> tuple[Any, list[str]]:
    """The catalog with this language's names, cues, variants and warm-ups; an exercise the
    folder leaves out keeps its English words (a gap)."""
    path = folder / EXERCISES_FILE
    code = folder.name
    if not path.exists():
        return catalog, [f"{code}: {EXERCISES_FILE}: missing (exercises in English)"]
    try:
        words = ExercisesWordsFile.model_validate(read_toml(path))
    except ValidationError as exc:
        raise explain(path, exc) from None
    gaps: list[str] = []
    exercises = {}
    for exercise_id, exercise in catalog.exercises.items():
        told = words.exercises.get(exercise_id)
        if told is None:
            gaps.append(f"{code}: {EXERCISES_FILE}: exercises.{exercise_id}: missing")
            exercises[exercise_id] = exercise
            continue
        if len(told.variants) != len(exercise.levels):
            raise error(
                f"{code}/{EXERCISES_FILE}: exercises.{exercise_id}.variants: "
                f"{len(told.variants)} given, the exercise has {len(exercise.levels)} rungs"
            )
        levels = [
            level.model_copy(update={"variant": variant})
            for level, variant in zip(exercise.levels, told.variants, strict=True)
        ]
        exercises[exercise_id] = exercise.model_copy(
            update={"name": told.name, "cue": told.cue, "levels": levels}
        )
    for exercise_id in sorted(words.exercises.keys() - catalog.exercises.keys()):
        gaps.append(f"{code}: {EXERCISES_FILE}: exercises.{exercise_id}: no such exercise")
    warmups = dict(catalog.warmups)
    for focus, warmup in catalog.warmups.items():
        moves = words.warmups.get(focus)
        if moves is None:
            gaps.append(f"{code}: {EXERCISES_FILE}: warmups.{focus}: missing")
        elif len(moves) != len(warmup.moves):
            raise error(
                f"{code}/{EXERCISES_FILE}: warmups.{focus}: {len(moves)} moves given, "
                f"sessions.toml has {len(warmup.moves)}"
            )
        else:
            warmups[focus] = warmup.model_copy(update={"moves": moves})
    return dataclasses.replace(catalog, exercises=exercises, warmups=warmups), gaps


def warn_gaps(gaps: Iterable[str]) -> None:
    """One warning a language at start, naming what falls back to English."""
    by_language: dict[str, list[str]] = {}
    for gap in gaps:
        code, _, rest = gap.partition(": ")
        by_language.setdefault(code, []).append(rest)
    for code, found in by_language.items():
        shown = "; ".join(found[:20]) + (f"; and {len(found) - 20} more" if len(found) > 20 else "")
        log.warning("Language %s has %d gaps, English used for them: %s", code, len(found), shown)


# ---- a new language, and the gaps of those there are: python -m bot.languages ------------


def skeleton(directory: Path, code: str) -> Path:
    """A new language's folder with English's words in every file, to translate in place:
    messages, phrases, language.toml, and exercises.toml with each exercise's name, cue and
    variants (the numbers stay in content/exercises.toml). Refuses a folder that exists."""
    import shutil
    import tomllib

    english = directory / LANGUAGES_DIR / ENGLISH
    target = directory / LANGUAGES_DIR / code
    if target.exists():
        raise FileExistsError(f"{target} exists; translate it, or remove it first")
    shutil.copytree(english, target)
    info = (target / LANGUAGE_FILE).read_text(encoding="utf-8")
    info = info.replace('code = "en"', f'code = "{code}"')
    info = info.replace('telegram = ["en"]', f'telegram = ["{code.lower()}"]')
    (target / LANGUAGE_FILE).write_text(info, encoding="utf-8")
    with (directory / "exercises.toml").open("rb") as handle:
        exercises = tomllib.load(handle)["exercises"]
    with (directory / "sessions.toml").open("rb") as handle:
        warmups = tomllib.load(handle).get("warmups", {})
    lines = [
        f"# {code}: each exercise's words; the numbers are content/exercises.toml's.",
        "# variants: one per rung, in the English file's order (repeat a variant as it repeats).",
        "",
    ]
    for exercise_id, exercise in exercises.items():
        lines += [
            f"[exercises.{exercise_id}]",
            f"name = {_quoted(exercise['name'])}",
            f"cue = {_quoted(exercise['cue'])}",
            "variants = [",
            *(f"  {_quoted(level['variant'])}," for level in exercise["levels"]),
            "]",
            "",
        ]
    lines.append("[warmups]")
    for focus, warmup in warmups.items():
        lines += [f"{focus} = [", *(f"  {_quoted(move)}," for move in warmup["moves"]), "]"]
    (target / EXERCISES_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main(argv: list[str] | None = None) -> int:
    """``new CODE``: a folder to translate; ``check``: every language's gaps, one a line."""
    import sys

    from bot.content import CONTENT_DIR, ContentError, load_content

    args = sys.argv[1:] if argv is None else argv
    if len(args) == 2 and args[0] == "new":
        print(f"wrote {skeleton(CONTENT_DIR, args[1])}: translate every file in it")
        return 0
    if args == ["check"]:
        try:
            content = load_content(CONTENT_DIR)
        except ContentError as exc:
            print(exc, file=sys.stderr)
            return 1
        gaps = [
            gap
            for language in content.languages.values()
            for gap in [*language.gaps, *plural_gaps(language.language.code, language.texts)]
        ]
        print("\n".join(gaps) or f"no gaps in {', '.join(content.codes)}")
        return 1 if gaps else 0
    print("usage: python -m bot.languages new CODE | check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
