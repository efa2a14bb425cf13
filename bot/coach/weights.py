"""Reading the weight a runner typed: "done, squat 60 kg", "RDL 40kg", "62,5 kilos",
"135 lb", or a bare "60" (in the runner's unit).

The words are content (``content/phrases_loads.toml``): the units, the filler around a
weight that names no exercise, other names runners use for a move ("RDL"). Which
exercise a name means is decided among the loaded moves of the session it is for
(``match_exercise``, rapidfuzz): a name that fits none, or no name, is the session's first
loaded move. A weight outside 0-300 kg, or with a minus sign, is nonsense: answered, never
stored.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from rapidfuzz import fuzz, process

from bot.coach.loads import KG_PER_LB, to_kg
from bot.coach.week_change import normalise
from bot.content import ENGLISH_DIR, ContentError, Exercise

PHRASES_LOADS_FILE = "phrases_loads.toml"
# No runner's session weight is above this; a typo ("6000 kg") is not a record.
MAX_KG = 300.0
# How close a typed name must be to an exercise's (rapidfuzz's 0-100 score).
NAME_CUTOFF = 60.0


class _LoadsSection(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kg: list[str] = Field(min_length=1)
    lb: list[str] = Field(min_length=1)
    filler: list[str] = Field(min_length=1)
    done: list[str] = Field(min_length=1)
    aliases: dict[str, str] = {}


class _PainSection(BaseModel):
    model_config = ConfigDict(extra="forbid")
    phrases: list[str] = Field(min_length=1)
    alone: list[str] = []
    negations: list[str] = []


class _LoadsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # English words this language uses otherwise, left out when English's are merged in
    # (Portuguese "no" is "in the": "no joelho dói" is pain, not "no pain").
    not_english: list[str] = []
    loads: _LoadsSection
    pain: _PainSection


@dataclass(frozen=True)
class LoadWords:
    units: dict[str, str]  # what is typed -> kg | lb
    filler: frozenset[str]  # normalised words that name no exercise
    aliases: dict[str, str]  # a normalised word -> the words of an exercise's name
    pain: tuple[str, ...]  # "🤕", "sharp pain" (normalised, except emoji kept as typed)
    pain_alone: frozenset[str]  # pain words that say pain only alone ("sharp")
    negations: frozenset[str]  # "no", "not": "no pain today" is not pain
    # The pain phrases as the matcher compares them, worked out once here (is_pain ran on
    # every typed "done": normalising each phrase per call cost 0.75 ms of a 2.9 ms "done"
    # in bench.updates' profile): emoji as typed, the rest normalised, by length in words.
    pain_emoji: tuple[str, ...]
    pain_folded: frozenset[str]
    pain_spans: tuple[tuple[int, frozenset[str]], ...]  # (words, phrases of that length)
    done: frozenset[str]  # "did", "lifted": a weight typed with them is a session done
    pattern: re.Pattern[str]
    # Each exercise's English name (normalised) by id, for a language whose catalogue names
    # it otherwise: "squat 60 kg" and an alias to English's words ("присед" = "squat")
    # still find the move in a translated catalogue. Set by bot.content.
    english_names: Mapping[str, str] = field(default_factory=dict)


def _loads_file(directory: Path) -> _LoadsFile:
    path = directory / PHRASES_LOADS_FILE
    try:
        with path.open("rb") as handle:
            return _LoadsFile.model_validate(tomllib.load(handle))
    except (OSError, tomllib.TOMLDecodeError, ValidationError) as exc:
        raise ContentError(f"{directory.name}/{path.name}: {exc}") from None


def _merged(own: _LoadsFile, english: _LoadsFile) -> _LoadsFile:
    """A language's words with English's after them ("60 kg" and "squat" are typed in
    every language); an alias the language gives keeps the language's meaning."""

    left_out = {normalise(word) for word in own.not_english}

    def both(mine: list[str], theirs: list[str]) -> list[str]:
        return list(dict.fromkeys([*mine, *(w for w in theirs if normalise(w) not in left_out)]))

    loads, pain = own.loads, own.pain
    return _LoadsFile(
        loads=_LoadsSection(
            kg=both(loads.kg, english.loads.kg),
            lb=both(loads.lb, english.loads.lb),
            filler=both(loads.filler, english.loads.filler),
            done=both(loads.done, english.loads.done),
            aliases={**english.loads.aliases, **loads.aliases},
        ),
        pain=_PainSection(
            phrases=both(pain.phrases, english.pain.phrases),
            alone=both(pain.alone, english.pain.alone),
            negations=both(pain.negations, english.pain.negations),
        ),
    )


@functools.cache
def load_words(directory: Path = ENGLISH_DIR, also: Path | None = None) -> LoadWords:
    """content/languages/<code>/phrases_loads.toml, checked; read once. ``also``:
    English's folder, whose words are understood in every language, merged after the
    language's own. A broken file raises ContentError naming it."""
    found = _loads_file(directory)
    if also is not None:
        found = _merged(found, _loads_file(also))
    units = {word.lower(): "kg" for word in found.loads.kg}
    units.update({word.lower(): "lb" for word in found.loads.lb})
    spelled = "|".join(re.escape(word) for word in sorted(units, key=len, reverse=True))
    pattern = re.compile(
        rf"(?<![\w.,])(?P<sign>[-−–]\s*)?(?P<amount>\d{{1,6}}(?:[.,]\d{{1,3}})?)\s*"
        rf"(?P<unit>{spelled})(?![^\W\d_])",
        re.IGNORECASE,
    )
    pain = tuple(phrase.strip().lower() for phrase in found.pain.phrases)
    pain_alone = frozenset(normalise(word) for word in found.pain.alone)
    folded = frozenset(normalise(p) for p in pain if normalise(p))
    return LoadWords(
        units=units,
        filler=frozenset(normalise(word) for word in found.loads.filler),
        aliases={normalise(key): normalise(value) for key, value in found.loads.aliases.items()},
        pain=pain,
        pain_alone=pain_alone,
        pain_emoji=tuple(phrase for phrase in pain if phrase and not normalise(phrase)),
        pain_folded=folded,
        pain_spans=tuple(
            (size, frozenset(p for p in folded - pain_alone if len(p.split()) == size))
            for size in sorted({len(p.split()) for p in folded - pain_alone})
        ),
        negations=frozenset(normalise(word) for word in found.pain.negations),
        done=frozenset(normalise(word) for word in found.loads.done),
        pattern=pattern,
    )


@dataclass(frozen=True)
class Told:
    """One weight as typed: the words naming its move ("squat"; "" for none), the amount
    and its unit (None: a bare number, in the runner's unit)."""

    name: str
    amount: float
    unit: str | None
    negative: bool = False  # "-5 kg": typed with a minus sign


@dataclass(frozen=True)
class Reading:
    """What a message says about weights: those told, whether one is nonsense, and the
    text with the weights and their names taken out (what else it says: "done")."""

    told: tuple[Told, ...]
    nonsense: bool
    rest: str
    # The text with each weight and the words naming its move cut out, separators tidied
    # ("squat was 60kg, felt heavy" -> "felt heavy"): what a note keeps.
    note: str = ""
    unitless: bool = False  # read from a number without a unit ("done, squat 62.5")


_BARE = re.compile(r"^\s*(?P<sign>[-−–]\s*)?(?P<amount>\d{1,6}(?:[.,]\d{1,3})?)\s*$")


def _amount(text: str) -> float:
    return float(text.replace(",", "."))


def _name(words: LoadWords, text: str) -> str:
    """The words of a move's name in ``text``: filler ("done", "did") taken out."""
    kept = [word for word in normalise(text).split() if word not in words.filler]
    return " ".join(kept)


def read_weights(text: str, words: LoadWords | None = None) -> Reading | None:
    """The weights in ``text``; None when it holds none (not a number with a unit, nor a
    bare number alone)."""
    words = words or load_words()
    bare = _BARE.match(text)
    if bare is not None:
        amount = _amount(bare["amount"])
        nonsense = bare["sign"] is not None or not 0 < amount <= MAX_KG / KG_PER_LB
        return Reading((Told("", amount, None, bare["sign"] is not None),), nonsense, "")
    matches = list(words.pattern.finditer(text))
    if not matches:
        return None
    told: list[Told] = []
    nonsense = False
    rest: list[str] = []
    kept: list[str] = []
    start = 0
    for found in matches:
        before = text[start : found.start()]
        # "done, squat": the part after the last comma names the move; before it, the rest.
        head, _sep, named = before.rpartition(",")
        kept.append(before[: len(before) - len(named)])
        name = _name(words, named)
        rest.append(head)
        rest.extend(word for word in normalise(named).split() if word in words.filler)
        unit = words.units[found["unit"].lower()]
        amount = _amount(found["amount"])
        kg = to_kg(amount, unit)
        if found["sign"] is not None or not 0 < kg <= MAX_KG:
            nonsense = True
        told.append(Told(name, amount, unit, found["sign"] is not None))
        start = found.end()
    rest.append(text[start:])
    kept.append(text[start:])
    return Reading(
        tuple(told), nonsense, " ".join(" ".join(rest).split()), note=_tidy("".join(kept))
    )


_UNITLESS = re.compile(
    r"^\s*(?P<name>[^\W\d][\w' -]*?)?[\s:=@-]*(?P<amount>\d{1,3}(?:[.,]\d{1,3})?)\s*[.!]*\s*$"
)


def read_unitless(text: str, words: LoadWords | None = None) -> Reading | None:
    """ "squat 62.5", "62,5": a number without a unit, alone or after a name, at the end of
    what came with "done" — a weight in the runner's unit. None for anything else ("3 sets
    of 10", "ran 5k")."""
    words = words or load_words()
    found = _UNITLESS.match(text)
    if found is None:
        return None
    amount = _amount(found["amount"])
    name = _name(words, found["name"] or "")
    nonsense = not 0 < amount <= MAX_KG / KG_PER_LB
    return Reading((Told(name, amount, None),), nonsense, "", note="", unitless=True)


def _tidy(text: str) -> str:
    """What is left of a note once its weights are cut out: no doubled or dangling
    separators ("was , felt heavy" never shows)."""
    text = re.sub(r"\s*([,;])(?:\s*[,;])+", r"\1", text)
    text = re.sub(r"\s+([,;.!?])", r"\1", text)
    return " ".join(text.split()).strip(" ,;-")


def match_exercise(
    name: str, loaded: Sequence[Exercise], words: LoadWords | None = None
) -> Exercise | None:
    """The loaded move ``name`` means ("squat" -> Barbell back squat, "rdl" -> Barbell
    Romanian deadlift); the first loaded move for no name or no close match; None when
    the session has no loaded move. (Weights typed by the runner go through
    ``named_move``: a name that fits none is not put on another move.)"""
    if not loaded:
        return None
    return named_move(name, loaded, words) or loaded[0]


def named_move(
    name: str, loaded: Sequence[Exercise], words: LoadWords | None = None
) -> Exercise | None:
    """The loaded move ``name`` is close to, or None (no name, or none close)."""
    if not name or not loaded:
        return None
    words = words or load_words()
    wanted = " ".join(words.aliases.get(word, word) for word in name.split())
    # A real name match: one typed word (3+ letters) is a word of the move's name, or a
    # typo of one ("sqaut"); "squat" is never "Lat pulldown" however the scores fall.
    choices = {
        exercise.id: normalise(exercise.name)
        for exercise in loaded
        if _shares_word(wanted, normalise(exercise.name))
    }
    if not choices:
        # English's name of the move: what English's words and a language's aliases name
        # ("присед" is "squat"), whether or not the catalogue's names are translated.
        english = {
            exercise.id: words.english_names.get(exercise.id) or normalise(exercise.id)
            for exercise in loaded
        }
        choices = {key: name for key, name in english.items() if _shares_word(wanted, name)}
    if not choices:
        return None
    best = process.extractOne(
        wanted, choices, scorer=fuzz.token_set_ratio, score_cutoff=NAME_CUTOFF
    )
    if best is None:
        return None
    return next(exercise for exercise in loaded if exercise.id == best[2])


# How close a typed word must be to a word of a move's name to count as that word.
WORD_CUTOFF = 80.0


def _shares_word(wanted: str, name: str) -> bool:
    named = name.split()
    return any(
        len(word) >= 3 and any(fuzz.ratio(word, other) >= WORD_CUTOFF for other in named)
        for word in wanted.split()
    )


def says_done(reading: Reading, words: LoadWords | None = None) -> bool:
    """ "did it, 50 kg", "lifted 40kg": the words around the weight say it was done."""
    words = words or load_words()
    return any(word in words.done for word in normalise(reading.rest).split())


def kilograms(told: Told, unit: str) -> float:
    """A weight as stored: kilograms, from the unit typed (or the runner's)."""
    return round(to_kg(told.amount, told.unit or unit), 3)


def is_pain(text: str, words: LoadWords | None = None) -> bool:
    """ "🤕", "sharp pain", "it hurts" — alone or in a sentence ("sharp pain in my knee
    during squats", "it hurts when I squat"): the pain rule (stop that exercise). The
    session's own pain line says "Sharp pain or pain that grows", so those words must be
    understood wherever they stand; "no pain", "doesn't hurt" are not pain, and a word
    such as "sharp" is pain only alone."""
    words = words or load_words()
    stripped = text.strip().lower()
    if stripped in words.pain:
        return True
    if any(phrase in stripped for phrase in words.pain_emoji):
        return True  # an emoji ("🤕") anywhere
    # Emoji normalise to nothing: "😅" must not match "🤕" by both being empty.
    folded = normalise(text)
    if not folded:
        return False
    if folded in words.pain_folded:
        return True
    said = folded.split()
    for size, phrases in words.pain_spans:
        for index in range(len(said) - size + 1):
            if " ".join(said[index : index + size]) not in phrases:
                continue
            before = said[max(0, index - 2) : index]
            if not any(word in words.negations for word in before):
                return True
    return False
    phrases = {normalise(p) for p in words.pain if normalise(p)}
    if folded in phrases:
        return True
    said = folded.split()
    for phrase in phrases - words.pain_alone:
        size = len(phrase.split())
        for index in range(len(said) - size + 1):
            if " ".join(said[index : index + size]) != phrase:
                continue
            before = said[max(0, index - 2) : index]
            if not any(word in words.negations for word in before):
                return True
    return False
