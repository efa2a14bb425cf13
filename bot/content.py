"""Loads and validates everything the runner reads: exercises, session templates, messages.

The files in ``content/`` are meant to be edited by a coach with a text editor, so a
mistake must stop the bot at start with a message naming the file, the entry and the
field — never surface later as a crash in the middle of a runner's morning.
"""

from __future__ import annotations

import dataclasses
import functools
import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bot.coach.intents import Matcher, Vocabulary, normalize
from bot.coach.week import Equipment, Focus
from bot.coach.week_change import WeekWords, normalise
from bot.languages import (
    ENGLISH,
    LanguageInfo,
    check_messages,
    language_folders,
    read_info,
    telegram_choice,
    translate_catalog,
    warn_gaps,
)
from bot.texts import Message, Plural, Texts, is_plural_table

if TYPE_CHECKING:
    from bot.coach.weights import LoadWords

__all__ = ["Texts"]

# English's facts, for a Content built without its folder's language.toml (tests).
ENGLISH_INFO = LanguageInfo(
    code=ENGLISH, name="English", english_name="English", locale="en_GB", telegram=["en"]
)


def _shipped_content_dir() -> Path:
    """The content the bot ships with, wherever the package was put.

    The repository keeps one copy, the top-level ``content/`` a coach edits. A wheel (and so
    ``pip install .`` or ``pip install git+...``) carries it inside the package as
    ``bot/default_content/`` (pyproject.toml maps that package onto ``content/``), because
    an installed ``bot`` has no repository beside it: site-packages/content does not exist
    and the bot stopped at start with "exercises.toml: file not found" (measured before
    issue 14). A checkout, an editable install or ``PYTHONPATH=.`` has no
    ``bot/default_content/`` and reads ``content/`` beside ``bot/``. CONTENT_DIR (settings)
    overrides both.
    """
    package = Path(__file__).resolve().parent
    installed = package / "default_content"
    return installed if installed.is_dir() else package.parent / "content"


CONTENT_DIR = _shipped_content_dir()
# English's folder: the reference every other language is checked against.
ENGLISH_DIR = CONTENT_DIR / "languages" / "en"

Need = Literal["dumbbells", "bar", "gym"]
# A runner's focus level is 1..12 (issue 13): every level has a template, and a level
# step moves each exercise one small rung up its ladder.
MAX_LEVEL = 12
# The fewest rungs a ladder may have at all; the real catalogue's ladders are longer
# (10+ for lower-body moves, 8+ for the rest: tests/test_content_ladders.py).
MIN_RUNGS = 4
# Ground contacts of one plyometric move, every rung: start near 40, stay at or under 100.
# Spurrs et al. 2003 (trained runners, 6 weeks) went from 60 to 180 contacts a session of
# plyometrics alone; here the hops share a session with strength work, so lower and capped.
PLYO_CONTACTS = (40, 100)


class ContentError(Exception):
    """A content file is broken; the message names file, entry and field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Level(_Strict):
    variant: str = Field(min_length=1)
    sets: int = Field(ge=1, le=10)
    reps: int | None = Field(default=None, ge=1, le=100)
    seconds: int | None = Field(default=None, ge=5, le=600)
    per_side: bool = False
    rest: int = Field(ge=0, le=300)
    # Reps in reserve the set should end with ("heavy: you could do 2 more, no more"),
    # for moves done with a weight; None where effort is not the point (holds, drills).
    rir: int | None = Field(default=None, ge=0, le=6)
    # This rung adds weight and takes the reps back down (double progression): the load
    # target steps up here, and only here.
    heavier: bool = False
    # Done holding a weight (a dumbbell, the bar, a backpack): the runner can log it and
    # the next session's target steps from it.
    load: bool = False
    # Seconds each rep takes beyond the usual ~3 s (a 3-s lowering, a 2-s pause): counted
    # in the session's minutes.
    tempo: int = Field(default=0, ge=0, le=10)

    @model_validator(mode="after")
    def _reps_or_seconds(self) -> Level:
        if (self.reps is None) == (self.seconds is None):
            raise ValueError("give exactly one of 'reps' or 'seconds'")
        return self


class Exercise(_Strict):
    id: str = ""
    name: str = Field(min_length=1)
    focus: Focus
    needs: list[Need] = []
    cue: str = Field(min_length=1, max_length=200)
    alternative: str | None = None
    # No loaded knee bend (hinges, calves, hips): what ⇄ Swap offers a runner with a sore knee.
    knee_friendly: bool = False
    # strength (sets of reps or holds), plyo (hops, skips, bounds: reps count ground
    # contacts), tendon (slow heavy calf/soleus/tibialis/hamstring work), mobility.
    kind: Literal["strength", "plyo", "tendon", "mobility"] = "strength"
    # Runner-specific work (calves, hips, adductors, tendons): kept when a session is
    # trimmed to the runner's time limit, as the session's first (main) move is.
    keep: bool = False
    levels: list[Level] = Field(min_length=MIN_RUNGS)

    @property
    def loaded(self) -> bool:
        """Some rung is done with a weight the runner can tell the bot ("squat 60 kg")."""
        return any(level.load for level in self.levels)


class Template(_Strict):
    focus: Focus
    levels: list[int] = Field(min_length=1)
    slots: list[list[str]] = Field(min_length=2)


class ExercisesFile(_Strict):
    exercises: dict[str, Exercise]


class Warmup(_Strict):
    """The few minutes before a focus's session (content/sessions.toml ``[warmups]``)."""

    minutes: int = Field(ge=1, le=10)
    moves: list[Annotated[str, Field(min_length=1, max_length=80)]] = Field(
        min_length=1, max_length=6
    )


class SessionsFile(_Strict):
    templates: list[Template]
    warmups: dict[Focus, Warmup] = {}


def kit_for(equipment: Equipment, pull_up_bar: bool) -> frozenset[str]:
    """What a runner can use; a gym has a bar and dumbbells."""
    kit: set[str] = set()
    if equipment in (Equipment.DUMBBELLS, Equipment.GYM):
        kit.add("dumbbells")
    if equipment is Equipment.GYM:
        kit.update({"gym", "bar"})
    if pull_up_bar:
        kit.add("bar")
    return frozenset(kit)


@dataclass(frozen=True)
class Catalog:
    exercises: dict[str, Exercise]
    templates: list[Template]
    warmups: dict[Focus, Warmup] = dataclasses.field(default_factory=dict)

    def template_for(self, focus: Focus, level: int) -> Template:
        for template in self.templates:
            if template.focus is focus and level in template.levels:
                return template
        raise KeyError(f"no template for {focus} level {level}")

    def pick(self, slot: list[str], kit: frozenset[str]) -> Exercise:
        """First exercise in the slot the runner has the kit for, else its no-kit alternative."""
        for exercise_id in slot:
            exercise = self.exercises[exercise_id]
            if set(exercise.needs) <= kit:
                return exercise
        seen: set[str] = set()
        exercise = self.exercises[slot[0]]
        while not set(exercise.needs) <= kit:
            if exercise.alternative is None or exercise.id in seen:
                raise KeyError(f"no exercise for slot {slot} with kit {sorted(kit)}")
            seen.add(exercise.id)
            exercise = self.exercises[exercise.alternative]
        return exercise


def headline(variant: str) -> tuple[str, str]:
    """A variant as the move and how it is done ("Split squat, rear foot on a low step" →
    "Split squat", "rear foot on a low step"): the list shows the move and the folded cues
    the rest, so the catalogue's longest variants (60-odd characters) take one line."""
    cuts = [at for at in (variant.find(", "), variant.find(" (")) if at > 0]
    if not cuts:
        return variant, ""
    at = min(cuts)
    detail = variant[at:].lstrip(", ").strip()
    close = detail.find(")")
    if detail.startswith("(") and close > 0:
        # "(slow high knees), dumbbell" reads "slow high knees, dumbbell", not with a
        # stray bracket ("Suitcase march: (slow high knees), heavier dumbbell").
        detail = (detail[1:close] + detail[close + 1 :]).strip()
    return variant[:at], detail


@dataclass(frozen=True)
class Content:
    """Everything the runner reads and types, in one language (``language``); every language
    the coach speaks is one ``speaking()`` away from any of them."""

    catalog: Catalog
    texts: Texts
    phrases: Matcher  # what the bot understands outside onboarding (phrases.toml)
    language: LanguageInfo = dataclasses.field(default_factory=lambda: ENGLISH_INFO)
    # Every language's Content by code, English first; shared by all of them.
    languages: Mapping[str, Content] = dataclasses.field(
        default_factory=dict, repr=False, compare=False
    )
    gaps: tuple[str, ...] = ()  # what this language left to English (bot/languages.py)
    folder: Path | None = None  # content/languages/<code>/
    # The words of a this-week change (phrases_week.toml) and of weights and pain
    # (phrases_loads.toml) a runner of this language may type, English's included.
    week_words: WeekWords | None = None
    load_words: LoadWords | None = None

    def speaking(self, code: str | None) -> Content:
        """The content in ``code``'s language; English for None or one not shipped."""
        wanted = code if code is not None and code in self.languages else ENGLISH
        # Itself for its own language: a Content a test or a tool built from another
        # (dataclasses.replace with another catalogue) is the one that speaks.
        if wanted == self.language.code:
            return self
        return self.languages.get(wanted, self)

    def for_telegram(self, language_code: str | None) -> str | None:
        """The language Telegram's ``language_code`` chooses, or None (offer the menu)."""
        return telegram_choice(language_code, (c.language for c in self.languages.values()))

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(self.languages) or (self.language.code,)


PhraseList = list[str]


class _Phrases(_Strict):
    """One section of phrases.toml: each list given, none empty."""

    @model_validator(mode="after")
    def _lists_are_clean(self) -> _Phrases:
        for key, phrases in self:
            if not phrases:
                raise ValueError(f"{key}: give at least one phrase")
            for phrase in phrases:
                if not phrase.strip() or phrase != phrase.strip() or phrase != phrase.lower():
                    raise ValueError(f"{key}: '{phrase}': write phrases in lower case, trimmed")
            twice = sorted({phrase for phrase in phrases if phrases.count(phrase) > 1})
            if twice:
                raise ValueError(f"{key}: '{twice[0]}' is given twice")
        return self


class _Words(_Phrases):
    yesterday: PhraseList
    day_words: PhraseList
    lead: PhraseList
    objects: PhraseList
    trail: PhraseList
    not_after: PhraseList
    determiners: PhraseList
    polite: PhraseList


class _Done(_Phrases):
    alone: PhraseList
    with_object: PhraseList
    after_object: PhraseList
    contradicted_by: PhraseList


class _Skip(_Phrases):
    alone: PhraseList
    with_object: PhraseList


class _SkipReasons(_Phrases):
    busy: PhraseList
    tired: PhraseList
    sore: PhraseList
    ill: PhraseList
    travel: PhraseList


class _Asked(_Phrases):
    exact: PhraseList
    contains: PhraseList


class _Snooze(_Asked):
    """A typed snooze ("remind me in an hour") and the words of each delay it may name."""

    in_30: PhraseList
    in_60: PhraseList
    in_180: PhraseList


class _Opener(_Phrases):
    starts: PhraseList


class _Feedback(_Phrases):
    lead: PhraseList
    trail: PhraseList
    easy: PhraseList
    right: PhraseList
    hard: PhraseList
    too_hard: PhraseList
    sore: PhraseList
    negations: PhraseList
    contrast: PhraseList


class PhrasesFile(_Strict):
    words: _Words
    done: _Done
    skip: _Skip
    skip_reason: _SkipReasons
    undo: _Asked
    move: _Asked
    pause: _Asked
    snooze: _Snooze
    resume: _Asked
    progress: _Asked
    level: _Asked
    last_week: _Asked
    export: _Asked
    week_so_far: _Asked
    week: _Asked
    next: _Asked
    today: _Asked
    help: _Asked
    settings: _Asked
    thanks: _Opener
    greeting: _Opener
    feedback: _Feedback
    # "speak German", "говори по-русски": the language menu (Matcher.asks_language).
    language: _Asked


def load_phrases(path: Path, also: Path | None = None) -> Matcher:
    """The vocabulary of a language's ``phrases.toml``, checked: every list there and not
    empty, lower case, and no whole-message phrase standing for two intents (which one
    would win is an accident of the matcher's order).

    ``also``: English's file, whose phrases a runner may type in any language ("done" in
    a Spanish chat). Merged after the language's own; an English phrase that would stand
    for another intent than one of the language's own phrases (compared as the matcher
    compares them: "está" is "esta") is left out, so the runner's language wins. Two
    intents sharing a phrase of the language's own stop the start, naming the language's
    folder, the file and the phrase."""
    try:
        checked = PhrasesFile.model_validate(_read_toml(path))
    except ValidationError as exc:
        raise _in_folder(path, _explain(path, exc)) from None
    table = checked.model_dump()
    if also is not None:
        _refuse_own_clashes(path, table)
        own = {
            (section, key): {normalize(p)[0] for p in phrases}
            for section, lists in table.items()
            for key, phrases in lists.items()
        }
        try:
            english = PhrasesFile.model_validate(_read_toml(also)).model_dump()
        except ValidationError as exc:
            raise _in_folder(also, _explain(also, exc)) from None
        for section, lists in english.items():
            for key, phrases in lists.items():
                mine = own[section, key]
                table[section][key] = [
                    *table[section][key],
                    *(p for p in phrases if normalize(p)[0] not in mine),
                ]
        for phrase, owners in Vocabulary.from_table(table).owners().items():
            if len(owners) > 1:
                # English's copy goes from every list that does not hold it as the
                # language's own: the language's own meaning stays.
                for (section, key), mine in own.items():
                    if phrase not in mine:
                        table[section][key] = [
                            p for p in table[section][key] if normalize(p)[0] != phrase
                        ]
    _refuse_own_clashes(path, table)
    # Another language's own words are inflected ("сделал" / "сделаю", "hecho" / "hace"):
    # a letter changed is another word there, not a typo.
    inflected = [p for lists in checked.model_dump().values() for ps in lists.values() for p in ps]
    # English (no ``also``) compiles now; another language on its first message.
    return Matcher(
        Vocabulary.from_table(table), inflected=inflected if also else (), eager=also is None
    )


def _in_folder(path: Path, error: ContentError) -> ContentError:
    """``error`` with each line naming the language's folder ("ru/phrases.toml: …"): five
    folders hold a file of the same name."""
    lines = str(error).splitlines()
    return ContentError("\n".join(f"{path.parent.name}/{line}" for line in lines))


def _refuse_own_clashes(path: Path, table: Mapping[str, Mapping[str, list[str]]]) -> None:
    """Stop the start when one whole-message phrase stands for two intents: which one
    would win is an accident of the matcher's order."""
    for phrase, owners in sorted(Vocabulary.from_table(table).owners().items()):
        if len(owners) > 1:
            raise ContentError(
                f"{path.parent.name}/{path.name}: '{phrase}' stands for "
                f"{' and '.join(sorted(owners))}: keep it in one"
            )


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as exc:
        raise ContentError(f"{path}: file not found") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(f"{path}: not valid TOML: {exc}") from exc


def _explain(path: Path, exc: ValidationError) -> ContentError:
    problems = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"])
        problems.append(f"{path.name}: {where}: {error['msg']}")
    return ContentError("\n".join(problems))


def _flatten(prefix: str, table: dict[str, Any], out: dict[str, Message], path: Path) -> None:
    for key, value in table.items():
        full = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict) and is_plural_table(value):
            for form in value.values():
                _check_placeholders(form, full, path)
            out[full] = Plural(dict(value))
        elif isinstance(value, dict):
            _flatten(full, value, out, path)
        elif isinstance(value, str):
            _check_placeholders(value, full, path)
            out[full] = value
        else:
            raise ContentError(f"{path.name}: {full}: must be text, got {type(value).__name__}")


def _check_placeholders(value: str, key: str, path: Path) -> None:
    try:
        list(string.Formatter().parse(value))
    except ValueError as exc:
        raise ContentError(f"{path.name}: {key}: bad placeholder: {exc}") from exc


def check_rungs(catalog: Catalog) -> None:
    """What a rung says must make sense for the exercise: effort (``rir``) belongs to a
    set of reps, a weight step (``heavier``) to a rung done with a weight, a weight to a
    target effort; a plyometric rung counts ground contacts within ``PLYO_CONTACTS``."""
    low, high = PLYO_CONTACTS
    for exercise_id, exercise in catalog.exercises.items():
        where = f"exercises.toml: exercises.{exercise_id}"
        if exercise.kind == "plyo" and exercise.focus is not Focus.LEGS:
            raise ContentError(f"{where}.kind: plyometrics are legs work, not {exercise.focus}")
        if exercise.kind == "tendon" and exercise.focus is not Focus.LEGS:
            raise ContentError(f"{where}.kind: tendon work is legs work, not {exercise.focus}")
        if exercise.kind == "mobility" and exercise.focus is not Focus.CORE:
            raise ContentError(f"{where}.kind: mobility moves have focus core")
        if exercise.keep and (exercise.focus is not Focus.LEGS or exercise.kind == "plyo"):
            raise ContentError(
                f"{where}.keep: only runner-specific legs work (calves, hips, tendons) is kept"
            )
        for index, level in enumerate(exercise.levels):
            rung = f"{where}.levels.{index}"
            if level.rir is not None and level.reps is None:
                raise ContentError(f"{rung}.rir: reps in reserve need 'reps', not 'seconds'")
            if level.heavier and not level.load:
                raise ContentError(f"{rung}.heavier: only a rung with 'load = true' gets heavier")
            if level.load and level.reps is not None and level.rir is None:
                raise ContentError(f"{rung}.rir: a loaded rung says the reps to keep in reserve")
            if exercise.kind in ("plyo", "mobility") and level.load:
                raise ContentError(f"{rung}.load: {exercise.kind} moves are not loaded")
            if exercise.kind == "plyo":
                if level.reps is None:
                    raise ContentError(f"{rung}.reps: plyometric sets count ground contacts")
                contacts = level.sets * level.reps * (2 if level.per_side else 1)
                if not low <= contacts <= high:
                    raise ContentError(
                        f"{rung}.reps: {contacts} ground contacts; keep a session's "
                        f"between {low} and {high}"
                    )


def _check_references(path: Path, catalog: Catalog) -> None:
    for exercise_id, exercise in catalog.exercises.items():
        alt = exercise.alternative
        if alt is not None:
            if alt not in catalog.exercises:
                raise ContentError(
                    f"exercises.toml: exercises.{exercise_id}.alternative: unknown exercise '{alt}'"
                )
            if catalog.exercises[alt].focus is not exercise.focus:
                raise ContentError(
                    f"exercises.toml: exercises.{exercise_id}.alternative: "
                    f"'{alt}' has another focus"
                )
    for index, template in enumerate(catalog.templates):
        for slot_index, slot in enumerate(template.slots):
            if not slot:
                raise ContentError(f"{path.name}: templates.{index}.slots.{slot_index}: empty slot")
            for exercise_id in slot:
                picked = catalog.exercises.get(exercise_id)
                if picked is None:
                    raise ContentError(
                        f"{path.name}: templates.{index}.slots.{slot_index}: "
                        f"unknown exercise '{exercise_id}'"
                    )
                # Core is built into leg sessions (a runner's two lower-body sessions
                # carry the week's core work); every other slot has the template's focus.
                if picked.focus is not template.focus and not (
                    template.focus is Focus.LEGS and picked.focus is Focus.CORE
                ):
                    raise ContentError(
                        f"{path.name}: templates.{index}.slots.{slot_index}: "
                        f"'{exercise_id}' is {picked.focus}, template is {template.focus}"
                    )
    for exercise_id, exercise in catalog.exercises.items():
        chain, current = [exercise_id], exercise
        while current.needs:
            if current.alternative is None:
                break
            if current.alternative in chain:
                raise ContentError(
                    f"exercises.toml: exercises.{exercise_id}.alternative: "
                    f"the alternatives loop ({' → '.join([*chain, current.alternative])})"
                )
            chain.append(current.alternative)
            current = catalog.exercises[current.alternative]
    kits = [kit_for(equipment, bar) for equipment in Equipment for bar in (False, True)]
    for index, template in enumerate(catalog.templates):
        for slot_index, slot in enumerate(template.slots):
            for kit in kits:
                try:
                    catalog.pick(slot, kit)
                except KeyError:
                    last = catalog.exercises[slot[0]]
                    while last.alternative is not None:
                        last = catalog.exercises[last.alternative]
                    raise ContentError(
                        f"{path.name}: templates.{index}.slots.{slot_index}: no exercise here "
                        f"works with kit {sorted(kit) or 'none'}; exercises.toml: "
                        f"exercises.{last.id}.needs: the last alternative of '{slot[0]}' "
                        f"needs {last.needs}: end the slot or the chain with an exercise "
                        f"that needs nothing"
                    ) from None
    for index, template in enumerate(catalog.templates):
        outside = [level for level in template.levels if not 1 <= level <= MAX_LEVEL]
        if outside:
            raise ContentError(
                f"{path.name}: templates.{index}.levels: level {outside[0]} is not 1-{MAX_LEVEL}"
            )
    for focus in Focus:
        for level in range(1, MAX_LEVEL + 1):
            try:
                catalog.template_for(focus, level)
            except KeyError as exc:
                raise ContentError(
                    f"{path.name}: templates: no template for {focus} level {level}"
                ) from exc
        if focus not in catalog.warmups:
            raise ContentError(f"{path.name}: warmups.{focus}: no warm-up for {focus} sessions")


def load_content(directory: Path = CONTENT_DIR) -> Content:
    """Read and validate all content files, every language's; raise ContentError naming
    what is wrong. A language's gaps (English stands in) are logged once, here."""
    exercises_path = directory / "exercises.toml"
    sessions_path = directory / "sessions.toml"
    try:
        exercises = ExercisesFile.model_validate(_read_toml(exercises_path)).exercises
    except ValidationError as exc:
        raise _explain(exercises_path, exc) from None
    exercises = {key: value.model_copy(update={"id": key}) for key, value in exercises.items()}
    try:
        sessions = SessionsFile.model_validate(_read_toml(sessions_path))
    except ValidationError as exc:
        raise _explain(sessions_path, exc) from None
    catalog = Catalog(exercises=exercises, templates=sessions.templates, warmups=sessions.warmups)
    check_rungs(catalog)
    _check_references(sessions_path, catalog)
    folders = language_folders(directory)
    if not folders or folders[0].name != ENGLISH:
        raise ContentError(f"{directory / 'languages' / ENGLISH}: the English folder is missing")
    english_folder = folders[0]
    english_messages = _read_messages(english_folder)
    shared: dict[str, Content] = {}
    from bot.coach.weights import load_words

    info = _info(english_folder)
    # The week and weight words read (and checked) now, so a broken phrases_week.toml
    # stops the start, not a runner's "long run on Sunday this week".
    english = Content(
        catalog=catalog,
        texts=_texts(english_messages, info.locale),
        phrases=load_phrases(english_folder / "phrases.toml"),
        language=info,
        languages=shared,
        folder=english_folder,
        week_words=load_week_words(english_folder),
        load_words=load_words(english_folder),
    )
    shared[ENGLISH] = english
    english_names = {key: normalise(exercise.name) for key, exercise in catalog.exercises.items()}
    all_gaps: list[str] = []
    for folder in folders[1:]:
        info = _info(folder)
        checked = check_messages(info, _read_messages(folder), english_messages, ContentError)
        translated, exercise_gaps = translate_catalog(
            catalog, folder, _read_toml, _explain, ContentError
        )
        phrases_path = folder / "phrases.toml"
        gaps = [*checked.gaps, *exercise_gaps]
        if phrases_path.exists():
            phrases = load_phrases(phrases_path, also=english_folder / "phrases.toml")
        else:
            phrases = english.phrases
            gaps.append(f"{info.code}: phrases.toml: missing (English phrases only)")
        shared[info.code] = Content(
            catalog=translated,
            texts=Texts(checked.messages, info.locale, english=english.texts),
            phrases=phrases,
            language=info,
            languages=shared,
            gaps=tuple(gaps),
            folder=folder,
            # The language's own words, with English's after them (issue 16, point 4).
            week_words=load_week_words(folder, also=english_folder),
            load_words=dataclasses.replace(
                load_words(folder, also=english_folder), english_names=english_names
            ),
        )
        all_gaps.extend(gaps)
    warn_gaps(all_gaps)
    return english


def _info(folder: Path) -> LanguageInfo:
    return read_info(folder, _read_toml, _explain, ContentError)


def _texts(messages: Mapping[str, tuple[Message, str]], locale: str) -> Texts:
    return Texts({key: message for key, (message, _) in messages.items()}, locale)


def _read_messages(folder: Path) -> dict[str, tuple[Message, str]]:
    """A language's messages by key, each with the file it is in (messages.toml, then one
    file per feature in messages/: skip.toml, pause.toml, …)."""
    messages: dict[str, tuple[Message, str]] = {}
    for path in [folder / "messages.toml", *sorted((folder / "messages").glob("*.toml"))]:
        if not path.exists() and path.name == "messages.toml" and folder.name != ENGLISH:
            continue
        found: dict[str, Message] = {}
        _flatten("", _read_toml(path), found, path)
        twice = sorted(found.keys() & messages.keys())
        if twice:
            raise ContentError(f"{path.name}: {twice[0]}: already defined in another file")
        where = str(path.relative_to(folder))
        messages.update({key: (message, where) for key, message in found.items()})
    return messages


# ---- this week's runs: the words of content/phrases_week.toml --------------------------
# (bot/coach/week_change.py reads a this-week change with them).

PHRASES_WEEK_FILE = "phrases_week.toml"


class WeekPhrasesFile(_Strict):
    """content/phrases_week.toml: the phrases of a this-week change, each list non-empty."""

    this_week: list[str] = Field(min_length=1)
    usual: list[str] = Field(min_length=1)
    long_run: list[str] = Field(min_length=1)
    hard: list[str] = Field(min_length=1)
    negation: list[str] = Field(min_length=1)
    runs: list[str] = Field(min_length=1)
    today: list[str] = Field(min_length=1)
    tomorrow: list[str] = Field(min_length=1)
    # Words that join two changes in one message ("long run on Sunday and no hard session").
    joiners: list[str] = Field(min_length=1)
    # English words this language uses otherwise, left out when English's are merged in
    # (Portuguese "no" is "in the": "longão no domingo" is no negation).
    not_english: list[str] = []
    days: dict[str, int]


def _week_file(directory: Path) -> WeekPhrasesFile:
    path = directory / PHRASES_WEEK_FILE
    try:
        found = WeekPhrasesFile.model_validate(_read_toml(path).get("week_phrases", {}))
    except ValidationError as exc:
        raise _in_folder(path, _explain(path, exc)) from None
    bad = sorted(name for name, day in found.days.items() if not 0 <= day <= 6)
    if bad:
        raise ContentError(
            f"{directory.name}/{path.name}: week_phrases.days.{bad[0]}: a day is 0 (Mon) to 6"
        )
    return found


@functools.cache
def load_week_words(directory: Path = ENGLISH_DIR, also: Path | None = None) -> WeekWords:
    """The words of a this-week change, validated and normalised as the coach matches
    them; read once. ``also``: English's folder, whose words a runner may type in any
    language, merged after the language's own (a day's name the language gives another
    day keeps the language's). A broken file raises ContentError naming it."""
    own = _week_file(directory)
    files = [own, *([_week_file(also)] if also is not None else [])]
    left_out = {normalise(word) for word in own.not_english}

    def phrases(pick: str) -> tuple[str, ...]:
        values = [normalise(value) for value in getattr(own, pick)]
        for found in files[1:]:
            values.extend(v for v in map(normalise, getattr(found, pick)) if v not in left_out)
        return tuple(dict.fromkeys(value for value in values if value))

    days = {normalise(name): day for name, day in own.days.items()}
    for found in files[1:]:
        for name, day in found.days.items():
            if normalise(name) not in left_out:
                days.setdefault(normalise(name), day)
    return WeekWords(
        this_week=phrases("this_week"),
        usual=phrases("usual"),
        long_run=phrases("long_run"),
        hard=phrases("hard"),
        negation=phrases("negation"),
        runs=phrases("runs"),
        today=phrases("today"),
        tomorrow=phrases("tomorrow"),
        joiners=phrases("joiners"),
        days=days,
    )
