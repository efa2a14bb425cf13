"""What a runner means by what they type, outside a question: "done", "skip", "undo",
"how am I doing?", "🥵"…

One pure matcher over a vocabulary that lives in ``content/phrases.toml`` (loaded and
checked at start by ``bot.content``), so a coach can teach the bot a phrase without
touching code, and the corpora in ``tests/corpus/`` pin what it must and must not take.

A false "done" logs a session that never happened, which is worse than asking again, so
"done" and "skip" are read strictly: the phrase starts the message (after harmless words
such as "ok" or "I'm"), and what directly follows may not turn it into something else
("done with work", "finished my run", "done soon"). Everything after it is the note,
less the words that only repeated what was done ("finished it 💪" has no note).
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.coach.parsing import clean_text
from bot.coach.parsing import fold as parsing_fold


class Intent(StrEnum):
    """What a message asks for, in the order the matcher tries them."""

    UNDO = "undo"
    DONE = "done"
    SKIP = "skip"
    MOVE = "move"
    FEEDBACK = "feedback"
    PAUSE = "pause"
    SNOOZE = "snooze"
    RESUME = "resume"
    EXPORT = "export"
    WEEK_SO_FAR = "week_so_far"
    LAST_WEEK = "last_week"
    PROGRESS = "progress"
    LEVEL = "level"
    WEEK = "week"
    NEXT = "next"
    TODAY = "today"
    HELP = "help"
    SETTINGS = "settings"
    THANKS = "thanks"
    GREETING = "greeting"
    UNKNOWN = "unknown"


# The intents read from an `exact` and a `contains` list, in the order they are tried.
QUESTIONS = (
    Intent.PAUSE,
    # "remind me in an hour", "напомни через час": today's reminder again later. After
    # PAUSE ("don't remind me later" is the pause), before RESUME ("remind me again in an
    # hour" is a snooze, not the end of a pause).
    Intent.SNOOZE,
    Intent.RESUME,
    # "export my data", "download my data": /export. Before the questions about the log
    # ("my log" is last week's log, "export my log" the files).
    Intent.EXPORT,
    # Before LAST_WEEK, PROGRESS and WEEK: "what did I do this week?" asks for this week's
    # log, not last week's ("what did i do"), this week's count nor the week's plan.
    Intent.WEEK_SO_FAR,
    # Before PROGRESS and WEEK: "how did I do last week?" asks for last week's log, not
    # for this week's count ("how did i do") nor the week's plan.
    Intent.LAST_WEEK,
    Intent.PROGRESS,
    Intent.LEVEL,
    Intent.WEEK,
    Intent.NEXT,
    Intent.TODAY,
    Intent.HELP,
    # "my race moved to 19 april", "remind me at 7pm instead": /settings. Last: a sentence
    # any other request reads is that request.
    Intent.SETTINGS,
)
# The delays a typed snooze may name (minutes), as the reminder's ⏰ Later buttons offer
# them: [snooze] in_30, in_60, in_180.
SNOOZE_DELAYS = (30, 60, 180)
# The intents read from a `starts` list: short messages that open with the phrase.
OPENERS = (Intent.THANKS, Intent.GREETING)
# Why a session was skipped, as the reason buttons say it (``SkipReason``'s values).
SKIP_REASONS = ("busy", "tired", "sore", "ill", "travel")
# How a session felt, as the feedback buttons say it (``FeedbackAnswer``'s values).
FEELINGS = ("easy", "right", "hard", "too_hard", "sore")
# A thanks or greeting says little else: "hi coach, how are you" is one, a paragraph isn't.
OPENER_MAX_EXTRA_WORDS = 5
# A typo is forgiven in a word at least this long ("dnoe", "thnaks"), never in a
# shorter one: "gone" or "none" are words of their own, one letter from "done".
TYPO_MIN_LENGTH = 4
# A suggestion for an unknown message is made only this close (rapidfuzz's score, 0 to 100).
SUGGEST_MIN_SCORE = 75


@dataclass(frozen=True)
class Understood:
    """A message's intent; for done and skip the note the runner added (and whether they
    spoke of yesterday), for feedback the feeling (one of ``FEELINGS``)."""

    intent: Intent
    note: str | None = None
    feeling: str | None = None
    yesterday: bool = False  # "did it yesterday": done or skip is for yesterday's session


@dataclass(frozen=True)
class Vocabulary:
    """The phrases of ``content/phrases.toml``, as written there (lower case)."""

    lead: tuple[str, ...]
    yesterday: tuple[str, ...]
    objects: tuple[str, ...]
    trail: tuple[str, ...]
    not_after: tuple[str, ...]
    determiners: tuple[str, ...]
    polite: tuple[str, ...]
    done_alone: tuple[str, ...]
    done_with_object: tuple[str, ...]
    done_after_object: tuple[str, ...]
    done_contradicted_by: tuple[str, ...]
    skip_alone: tuple[str, ...]
    skip_with_object: tuple[str, ...]
    skip_reasons: Mapping[str, tuple[str, ...]]  # SkipReason value -> its phrases
    undo_exact: tuple[str, ...]
    undo_contains: tuple[str, ...]
    move_exact: tuple[str, ...]
    move_contains: tuple[str, ...]
    exact: Mapping[Intent, tuple[str, ...]]
    contains: Mapping[Intent, tuple[str, ...]]
    starts: Mapping[Intent, tuple[str, ...]]
    feedback_lead: tuple[str, ...]
    feedback_trail: tuple[str, ...]
    feelings: Mapping[str, tuple[str, ...]]
    # "wasn't hard", "не тяжело": a word of effort these deny is no feeling (a note's).
    feedback_negations: tuple[str, ...] = ()
    # "quads burning, but good", "тяжело, но нормально": where a note's parts split.
    feedback_contrast: tuple[str, ...] = ()
    # "speak German", "говори по-русски": a request for the language menu (``asks_language``).
    language_exact: tuple[str, ...] = ()
    language_contains: tuple[str, ...] = ()
    # "on", "во", "na": single words around a weekday named with done or skip (``day_in``).
    day_words: tuple[str, ...] = ()
    # "in an hour", "через полчаса": each snooze delay (``SNOOZE_DELAYS``) and its words.
    snooze_delays: tuple[tuple[int, tuple[str, ...]], ...] = ()

    @classmethod
    def from_table(cls, table: Mapping[str, Mapping[str, Sequence[str]]]) -> Vocabulary:
        """From the TOML tables (``bot.content`` checks their shape first)."""

        def get(section: str, key: str) -> tuple[str, ...]:
            return tuple(table[section][key])

        return cls(
            lead=get("words", "lead"),
            yesterday=get("words", "yesterday"),
            objects=get("words", "objects"),
            trail=get("words", "trail"),
            not_after=get("words", "not_after"),
            determiners=get("words", "determiners"),
            polite=get("words", "polite"),
            done_alone=get("done", "alone"),
            done_with_object=get("done", "with_object"),
            done_after_object=get("done", "after_object"),
            done_contradicted_by=get("done", "contradicted_by"),
            skip_alone=get("skip", "alone"),
            skip_with_object=get("skip", "with_object"),
            skip_reasons={reason: get("skip_reason", reason) for reason in SKIP_REASONS},
            undo_exact=get("undo", "exact"),
            undo_contains=get("undo", "contains"),
            move_exact=get("move", "exact"),
            move_contains=get("move", "contains"),
            exact={i: get(i.value, "exact") for i in QUESTIONS},
            contains={i: get(i.value, "contains") for i in QUESTIONS},
            starts={i: get(i.value, "starts") for i in OPENERS},
            feedback_lead=get("feedback", "lead"),
            feedback_trail=get("feedback", "trail"),
            feelings={feeling: get("feedback", feeling) for feeling in FEELINGS},
            feedback_negations=get("feedback", "negations"),
            feedback_contrast=get("feedback", "contrast"),
            language_exact=get("language", "exact"),
            language_contains=get("language", "contains"),
            day_words=get("words", "day_words"),
            snooze_delays=tuple((delay, get("snooze", f"in_{delay}")) for delay in SNOOZE_DELAYS),
        )

    def owners(self) -> dict[str, set[str]]:
        """Each whole-message phrase and the intents it stands for: one phrase meaning
        two things is a content mistake (``bot.content`` refuses it)."""
        found: dict[str, set[str]] = {}
        lists: list[tuple[str, Iterable[str]]] = [
            ("done", self.done_alone),
            ("skip", self.skip_alone),
            ("undo", self.undo_exact),
            ("move", self.move_exact),
            *((intent.value, self.exact[intent]) for intent in QUESTIONS),
            *((intent.value, self.starts[intent]) for intent in OPENERS),
            *((f"feedback.{feeling}", self.feelings[feeling]) for feeling in FEELINGS),
        ]
        for owner, phrases in lists:
            for phrase in phrases:
                found.setdefault(normalize(phrase)[0], set()).add(owner)
        return found


# ---- text ----------------------------------------------------------------------------

_QUOTES = {"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'", "“": '"', "”": '"'}
# Emoji variation selectors and skin tones change nothing a runner means.
_INVISIBLE = {"\ufe0f", "\ufe0e", *(chr(code) for code in range(0x1F3FB, 0x1F400))}
# Each character as it is compared, once worked out (``fold``): the ASCII ones now, the
# others as they are met, up to a bound (a message of unusual characters costs no memory).
_FOLDED: dict[str, str] = {chr(code): chr(code).lower() for code in range(128)}
_FOLDED.update(_QUOTES)
_FOLDED_MAX = 20_000


def _fold_new(char: str) -> str:
    if char in _QUOTES:
        return _QUOTES[char]
    if char in "ёЁ":
        return "\u0435"  # "всё" is written with "ye" ("все") as often as not
    if char.isalpha() and "LATIN" not in unicodedata.name(char, ""):
        # A letter of another script keeps its marks: Cyrillic "й" is not "и".
        return char.casefold()
    if unicodedata.combining(char):
        return ""  # a mark typed apart from its letter ("e" + "́")
    # Latin accents fold ("terminé" = "termine", "concluído" = "concluido"), compatibility
    # forms become plain ones (a full-width question mark, the "fi" ligature), "ß" is "ss".
    decomposed = unicodedata.normalize("NFKD", char)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def fold(char: str) -> str:
    """One character as typed words are compared in every language: lower case, straight
    quotes, Latin accents and compatibility forms folded, Cyrillic "yo" as "ye"; letters of other
    scripts are kept as they are (Cyrillic, Greek…)."""
    found = _FOLDED.get(char)
    if found is None:
        found = _fold_new(char)
        if len(_FOLDED) < _FOLDED_MAX:
            _FOLDED[char] = found
    return found


def normalize(text: str) -> tuple[str, list[int]]:
    """``text`` folded (``fold``: lower case, straight quotes, Latin accents gone, Cyrillic
    "yo" as "ye"), with single spaces and no emoji modifiers, and for each character the index of
    the original one it came from (the note is cut from the original, so its case, accents
    and emoji survive)."""
    out: list[str] = []
    where: list[int] = []
    folded = _FOLDED
    for index, char in enumerate(text):
        if char in _INVISIBLE:
            continue
        if char.isspace():
            if out and out[-1] != " ":
                out.append(" ")
                where.append(index)
            continue
        lowered = folded.get(char)
        if lowered is None:
            lowered = fold(char)
        if len(lowered) == 1:
            out.append(lowered)
            where.append(index)
            continue
        for part in lowered:
            out.append(part)
            where.append(index)
    while out and out[-1] == " ":
        out.pop()
        where.pop()
    return "".join(out), where


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "'"


def _is_emoji(char: str) -> bool:
    return unicodedata.category(char) == "So" or char == "\u200d"


def _is_separator(char: str) -> bool:
    """Spaces and punctuation: what may stand between a phrase and the note."""
    return not _is_word(char) and not _is_emoji(char)


def _skip(text: str, index: int, *, emoji: bool = False) -> int:
    while index < len(text) and (_is_separator(text[index]) or (emoji and _is_emoji(text[index]))):
        index += 1
    return index


def _skip_spaces(text: str, index: int) -> int:
    while index < len(text) and text[index] == " ":
        index += 1
    return index


def _core(text: str) -> str:
    """The message without punctuation, spaces and emoji around it; an emoji-only
    message is its emoji."""
    start, end = 0, len(text)
    while start < end and not _is_word(text[start]):
        start += 1
    while end > start and not _is_word(text[end - 1]):
        end -= 1
    if start == end:
        return "".join(char for char in text if not _is_separator(char))
    return text[start:end]


def _pattern(phrases: Iterable[str]) -> re.Pattern[str]:
    """One regex for a list of phrases, longest first; an apostrophe may be left out
    ("whats") and a hyphen written as a space; a word phrase never matches inside a word
    ("done" is not in "undone" nor "doner")."""
    parts = []
    for phrase in sorted({normalize(p)[0] for p in phrases if p.strip()}, key=len, reverse=True):
        body = re.escape(phrase).replace("'", "'?").replace(r"\-", "[- ]?")
        if _is_word(phrase[0]):
            body = r"(?<![\w'])" + body
        if _is_word(phrase[-1]):
            body += r"(?![\w'])"
        parts.append(body)
    return re.compile("|".join(parts) or r"(?!)")


class Matcher:
    """A ``Vocabulary`` compiled once: ``understand`` reads a message, ``suggest`` names the
    nearest request for one it did not understand."""

    def __init__(
        self, vocabulary: Vocabulary, inflected: Iterable[str] = (), *, eager: bool = True
    ) -> None:
        """``inflected``: phrases of a language whose words change their ending to mean
        another thing ("сделал" did, "сделаю" will do; "hecho" done, "hace" does): a typo
        of one of those is only two letters swapped, one doubled or one left out, never
        one letter changed.

        ``eager=False``: the patterns are compiled on the first message read, not now.
        Compiling one language's ~270 patterns (its words and English's) takes 0.1-0.2 s of
        the start (``re``'s parser, measured with cProfile: 2.0 of 3.2 s for five
        languages); a bot whose runners speak one language need not pay for the others,
        and none pays before its first getUpdates."""
        self.vocabulary = vocabulary
        self._inflected_phrases = tuple(inflected)
        self._compiled = False
        if eager:
            self._compile()

    def __getattr__(self, name: str) -> Any:
        # Only reached for an attribute not set yet: the compiled patterns of a lazy matcher.
        if name.startswith("_") and not self.__dict__.get("_compiled", True):
            self._compile()
            return object.__getattribute__(self, name)
        raise AttributeError(name)

    def _compile(self) -> None:
        v = self.vocabulary
        self._compiled = True
        self._inflected = frozenset(normalize(phrase)[0] for phrase in self._inflected_phrases)
        self._lead = _pattern(v.lead)
        self._objects = _pattern(v.objects)
        self._trail = _pattern(v.trail)
        self._not_after = _pattern(v.not_after)
        self._determiners = _pattern(v.determiners)
        self._polite = _pattern(v.polite)
        self._polite_tail = re.compile(r"(?:[\s,.;:!?-]+(?:" + self._polite.pattern + r"))+$")
        self._with = _pattern(["with"])
        self._yesterday = _pattern(v.yesterday)
        self._contradicted = _pattern(v.done_contradicted_by)
        self._heads = {
            Intent.DONE: (
                _pattern(v.done_alone),
                _pattern(v.done_with_object),
                _pattern(v.done_after_object),
            ),
            Intent.SKIP: (_pattern(v.skip_alone), _pattern(v.skip_with_object), None),
        }
        self._undo = (_pattern(v.undo_exact), _pattern(v.undo_contains))
        self._move = (_pattern(v.move_exact), _pattern(v.move_contains))
        self._questions = [
            (intent, _pattern(v.exact[intent]), _pattern(v.contains[intent]))
            for intent in QUESTIONS
        ]
        self._openers = [(intent, _pattern(v.starts[intent])) for intent in OPENERS]
        self._feedback_lead = _pattern(v.feedback_lead)
        self._feedback_trail = _pattern(v.feedback_trail)
        self._feelings = [(feeling, _pattern(v.feelings[feeling])) for feeling in FEELINGS]
        self._negations = frozenset(normalize(word)[0] for word in v.feedback_negations)
        contrast = _pattern(v.feedback_contrast).pattern
        self._note_parts = re.compile(r"\s*(?:[,.;:!?()]+|\s-+\s|" + contrast + r")\s*")
        self._reasons = [(reason, _pattern(v.skip_reasons[reason])) for reason in SKIP_REASONS]
        self._snooze_delays = [(delay, _pattern(words)) for delay, words in v.snooze_delays]
        # Single words a typo of which is forgiven.
        self._words: set[str] = set()
        singles: list[Iterable[str]] = [
            v.undo_exact,
            v.done_alone,
            v.skip_alone,
            *(v.exact[intent] for intent in QUESTIONS),
            *(v.starts[intent] for intent in OPENERS),
        ]
        for phrases in singles:
            for phrase in phrases:
                word = normalize(phrase)[0]
                if word.isalpha() and len(word) >= TYPO_MIN_LENGTH:
                    self._words.add(word)
        # Longest first, then alphabetical: a typo one letter from two words is read as the
        # longer one ("готво" is "готово", not "готов"), the same in every process.
        self._typo_order = sorted(self._words, key=lambda known: (-len(known), known))
        # What an unknown message is compared with, for a suggestion.
        self._choices: dict[str, Intent] = {}
        for intent, phrases in [
            (Intent.DONE, v.done_alone),
            (Intent.SKIP, v.skip_alone),
            (Intent.UNDO, v.undo_contains),
            (Intent.MOVE, v.move_contains),
            *((intent, v.contains[intent]) for intent in QUESTIONS),
        ]:
            for phrase in phrases:
                key = normalize(phrase)[0]
                if any(_is_word(char) for char in key):
                    self._choices.setdefault(key, intent)
        self._several_words = sorted(
            (key for key in self._choices if " " in key), key=len, reverse=True
        )

    # ---- the entry points ------------------------------------------------------------

    def reason_of(self, text: str) -> str | None:
        """Why a skip happened, if the text says one thing ("skip, too tired" → "tired");
        None when it names no reason or two ("busy and tired": the buttons ask)."""
        core = normalize(text)[0]
        found = {reason for reason, pattern in self._reasons if pattern.search(core)}
        return found.pop() if len(found) == 1 else None

    def snooze_delay(self, text: str) -> int | None:
        """The delay (minutes, one of ``SNOOZE_DELAYS``) a typed snooze names ("remind me
        in an hour" → 60), or None when it names none ("remind me later": the buttons
        ask). The longest words win: "half an hour" is 30, not the "an hour" inside it."""
        core = normalize(clean_text(text))[0]
        best: tuple[int, int | None] = (0, None)
        for delay, pattern in self._snooze_delays:
            for match in pattern.finditer(core):
                if match.end() - match.start() > best[0]:
                    best = (match.end() - match.start(), delay)
        return best[1]

    def understand(self, text: str) -> Understood:
        """What ``text`` asks for (``Intent.UNKNOWN`` if nothing)."""
        original = clean_text(text)
        lowered, where = normalize(original)
        found = self._understand(original, lowered, where)
        if found.intent is not Intent.UNKNOWN:
            return found
        fixed = self._fix_first_word(lowered, where)
        if fixed is not None:
            return self._understand(original, *fixed)
        if (told := self._yesterday_first(original, lowered, where)) is not None:
            return told
        if "?" in original and not any(char.isalnum() for char in original):
            # No word, only marks: "?!" or "?? 🤔" ask what "?" or "??" asks.
            marks = "".join(char for char in original if char == "?")
            return self._understand(marks, *normalize(marks))
        return found

    def asks_language(self, text: str) -> bool:
        """Whether ``text`` asks for a language or the language menu in this language's
        words ("sprich deutsch", "говори по-русски", "change language"). Not one of the
        intents ``understand`` reads: a runner asks for a language in that language's
        words, which their own matcher does not hold, so the chat asks every language's
        matcher when its own understood nothing. Its two patterns are compiled on the
        first question, apart from the rest (another language's matcher is not compiled
        for it)."""
        patterns = self.__dict__.get("_language_patterns")
        if patterns is None:
            v = self.vocabulary
            patterns = (_pattern(v.language_exact), _pattern(v.language_contains))
            self.__dict__["_language_patterns"] = patterns
        exact, contains = patterns
        core = _core(normalize(clean_text(text))[0])
        return bool(core) and (exact.fullmatch(core) is not None or bool(contains.search(core)))

    def day_in(
        self, note: str, days: Mapping[str, int], full_names: Collection[str]
    ) -> tuple[int, str | None] | None:
        """The weekday a done or skip's note names first, and the note without it:
        "tuesday" → (1, None), "во вторник, тяжело" → (1, "тяжело"), "na terça" → (1,
        None). ``days``: every spelling of a weekday, folded as ``parsing.fold`` folds
        (Monday = 0, the language's CLDR names and its extras); ``full_names``: those that
        are whole names. An abbreviation counts only after a `day_words` word ("done on
        sat", never "done, sun was out"), and the day must end the note or a part of it
        (a comma, a dot): "done tuesday's plan twice" names no day. None when the note
        does not start with a day."""
        own = {parsing_fold(word) for word in self.vocabulary.day_words}
        tokens = list(_DAY_TOKEN.finditer(note))
        index, introduced = 0, False
        while index < len(tokens) and parsing_fold(tokens[index].group()) in own:
            index, introduced = index + 1, True
        if index >= len(tokens):
            return None
        word = parsing_fold(tokens[index].group())
        day = days.get(word)
        if day is None or not (introduced or word in full_names):
            return None
        end = tokens[index].end()
        index += 1
        while index < len(tokens) and parsing_fold(tokens[index].group()) in own:
            if note[end : tokens[index].start()].strip():
                break
            end = tokens[index].end()
            index += 1
        between = note[end : tokens[index].start()] if index < len(tokens) else note[end:]
        if index < len(tokens) and not between.strip():
            return None  # "done tuesday's plan": another word follows the day
        rest = note[tokens[index].start() :].strip() if index < len(tokens) else ""
        return day, rest or None

    def without_day(
        self, text: str, days: Mapping[str, int], full_names: Collection[str]
    ) -> tuple[str, str] | None:
        """A weekday named at the start or the end of ``text`` (with its day words) and
        the text without it: "hecho el martes" → ("el martes", "hecho"), "am Dienstag
        erledigt" → ("am Dienstag", "erledigt"), where
        the day words stand between the phrase and its note or before it (the strict
        reading of done refuses "hecho el …" as "finished the book" is refused). Same
        ``days`` and ``full_names`` as ``day_in``; None when no day is named there."""
        own = {parsing_fold(word) for word in self.vocabulary.day_words}
        tokens = list(_DAY_TOKEN.finditer(text))
        if len(tokens) < 2:
            return None
        words = [parsing_fold(token.group()) for token in tokens]
        for at in (0, len(tokens) - 1):
            first = last = at
            step = 1 if at == 0 else -1
            # The day is the first word not a day word from that end.
            while 0 <= first < len(tokens) and words[first] in own:
                first += step
            if not 0 <= first < len(tokens):
                continue
            introduced = first != at
            if words[first] not in days or not (introduced or words[first] in full_names):
                continue
            last = first
            nxt = first + step
            while 0 <= nxt < len(tokens) and words[nxt] in own:
                last, nxt = nxt, nxt + step
            low, high = sorted((at, last))
            rest = (text[: tokens[low].start()] + " " + text[tokens[high].end() :]).strip(" ,.;:-")
            if rest and any(char.isalnum() for char in rest):
                return text[tokens[low].start() : tokens[high].end()], rest
        return None

    def feeling_in(self, text: str) -> str | None:
        """The feeling a note typed with "done" gives ("done - too hard today", "Done, felt
        hard", "squat was 60kg, felt heavy", "planks were hard"): the first part of it
        (between commas, dots, dashes, "but") that ends in a word of effort, with nothing
        but `trail` words after it and no "not" just before it ("wasn't hard" is no
        feeling). The last such part wins: "quads burning, but good" is good. None when
        no part has one; the feeling then waits for its tap."""
        lowered = normalize(clean_text(text))[0]
        for part in reversed(self._note_parts.split(lowered)):
            part = part.strip(" -")
            if not part:
                continue
            found = self._feeling(part)
            if found is not None:
                return found
            starts = [match.start() for match in re.finditer(r"(?<![\w'])[\w']", part)]
            for index in starts[1:]:
                before = part[:index].split()
                if before and before[-1] in self._negations:
                    continue
                found = self._feeling(part[index:])
                if found is not None and not any(word in self._negations for word in before[-2:]):
                    return found
        return None

    def suggest(self, text: str) -> Intent | None:
        """The request an unknown message most looks like, if any looks close enough."""
        core = _core(normalize(clean_text(text))[0])
        if not any(_is_word(char) for char in core):
            return None
        # The whole message against each request ("tomorows sesion"), then a request
        # of several words whose words are all in a longer one ("how do I ... finished").
        best = process.extractOne(
            core, self._choices.keys(), scorer=fuzz.token_sort_ratio, score_cutoff=SUGGEST_MIN_SCORE
        )
        if best is not None:
            return self._choices[best[0]]
        words = set(re.findall(r"[\w']+", core))
        for choice in self._several_words:  # longest first
            if set(choice.split(" ")) <= words:
                return self._choices[choice]
        return None

    # ---- the steps ---------------------------------------------------------------------

    def _understand(self, original: str, lowered: str, where: list[int]) -> Understood:
        if not lowered:
            return Understood(Intent.UNKNOWN)
        core = _core(lowered)
        # "?" alone asks for help: a message of marks only is matched as it is.
        plain = self._without_polite(core) or lowered.replace(" ", "")
        if self._any(self._undo, plain):
            return Understood(Intent.UNDO)
        head = self._head(Intent.DONE, lowered)
        if head is not None and self._contradicted.search(lowered, head[0]) is None:
            end, yesterday = head
            note = self._note(original, lowered, where, end)
            return Understood(Intent.DONE, note=note, yesterday=yesterday)
        # "not today, can I do it tomorrow instead?" asks for the move, not only the skip.
        if self._any(self._move, plain):
            return Understood(Intent.MOVE)
        head = self._head(Intent.SKIP, lowered)
        if head is not None:
            end, yesterday = head
            note = self._note(original, lowered, where, end)
            return Understood(Intent.SKIP, note=note, yesterday=yesterday)
        feeling = self._feeling(lowered)
        if feeling is not None:
            return Understood(Intent.FEEDBACK, feeling=feeling)
        for intent, exact, contains in self._questions:
            if plain and (exact.fullmatch(plain) or contains.search(plain)):
                return Understood(intent)
        for intent, starts in self._openers:
            match = starts.match(core)
            if match is not None and _opener_rest_is_short(core, match.end()):
                return Understood(intent)
        return Understood(Intent.UNKNOWN)

    @staticmethod
    def _any(patterns: tuple[re.Pattern[str], re.Pattern[str]], plain: str) -> bool:
        exact, contains = patterns
        return bool(plain) and (exact.fullmatch(plain) is not None or bool(contains.search(plain)))

    def _without_polite(self, core: str) -> str:
        """``core`` without "please", "coach", "ok so"… at either end."""
        while core and (match := self._polite.match(core)) is not None and match.end() > 0:
            core = _core(core[match.end() :])
        while core and (match := self._polite_tail.search(core)) is not None:
            core = _core(core[: match.start()])
        return core

    def _head(self, intent: Intent, text: str) -> tuple[int, bool] | None:
        """Where a done or skip phrase (with its object and trailing words) ends, if the
        message starts with one (after `lead` words) and nothing right after it says
        otherwise, and whether it spoke of yesterday; else None."""
        start = _skip(text, 0)
        while True:
            end = self._head_at(intent, text, start)
            if end is not None:
                return end
            # "got through it": "got" may be a lead word or the phrase's own.
            match = self._lead.match(text, start)
            if match is None or match.end() <= start:
                return None
            start = _skip(text, match.end())

    def _head_at(self, intent: Intent, text: str, start: int) -> tuple[int, bool] | None:
        alone, with_object, after_object = self._heads[intent]
        ends = []
        if (match := alone.match(text, start)) is not None:
            ends.append(match.end())
        if (match := with_object.match(text, start)) is not None:
            objected = self._objects.match(text, _skip_spaces(text, match.end()))
            if objected is not None:
                ends.append(objected.end())
        if after_object is not None and (match := self._objects.match(text, start)) is not None:
            done = after_object.match(text, _skip_spaces(text, match.end()))
            if done is not None:
                ends.append(done.end())
        if not ends:
            return None
        end = max(ends)
        right = _skip_spaces(text, end)
        if (match := self._with.match(text, right)) is not None:
            objected = self._objects.match(text, _skip_spaces(text, match.end()))
            if objected is None:
                return None  # "done with work"
            end = right = objected.end()
        right = _skip_spaces(text, end)
        yesterday = self._yesterday.search(text, start, end) is not None
        if (match := self._yesterday.match(text, right)) is not None:
            yesterday, end = True, match.end()  # "did it yesterday"
            right = _skip_spaces(text, end)
        if self._not_after.match(text, right) is not None:
            return None  # "finished my run", "done soon", "done?"
        if (
            self._determiners.match(text, right) is not None
            and self._objects.match(text, right) is None
            and self._trail.match(text, right) is None
        ):
            return None  # "finished the book"
        end = self._after_trail(text, end, alone)
        right = _skip_spaces(text, end)
        if _asks(text) and right < len(text) and _is_word(text[right]):
            return None  # "did it hurt?", "did my workout count?": a question about it
        return end, yesterday

    def _after_trail(self, text: str, end: int, alone: re.Pattern[str]) -> int:
        """Past "today", "for today", another "done" or ✅: words that only repeat what
        was said, when the end, punctuation or an emoji follows them ("done today was
        hard" keeps "today was hard" as the note)."""
        while True:
            start = _skip_spaces(text, end)
            step = None
            for pattern in (self._trail, alone):
                match = pattern.match(text, start)
                if match is None or match.end() <= start:
                    continue
                emoji_only = not any(_is_word(char) for char in match.group())
                if emoji_only or _nothing_but_marks_next(text, match.end()):
                    step = match.end()
                    break
            if step is None:
                return end
            end = step

    def _note(self, original: str, lowered: str, where: list[int], end: int) -> str | None:
        """What the runner said after the phrase, cut from the original text."""
        start = _skip(lowered, end, emoji=True)
        if start >= len(lowered) or not any(_is_word(char) for char in lowered[start:]):
            return None
        note = original[where[start] :].strip()
        return note or None

    def _feeling(self, text: str) -> str | None:
        """The feeling of a message that is nothing but a word of effort ("pretty hard",
        "killed me", "🥵"), with `lead` and `trail` words around it."""
        index = _skip(text, 0)
        while (match := self._feedback_lead.match(text, index)) is not None and (
            match.end() > index
        ):
            index = _skip(text, match.end())
        feeling, end = self._longest_feeling(text, index)
        if feeling is None:
            return None
        while True:
            index = _skip(text, end)
            if index >= len(text):
                return feeling
            _, step = self._longest_feeling(text, index)
            match = self._feedback_trail.match(text, index)
            if match is not None and match.end() > index:
                step = max(step, match.end())
            if step <= index:
                # "foi tranquilo 💪", "easy 🙂": an emoji after the feeling adds no word.
                return feeling if not any(_is_word(char) for char in text[index:]) else None
            end = step

    def _longest_feeling(self, text: str, index: int) -> tuple[str | None, int]:
        best: tuple[str | None, int] = (None, index)
        for feeling, pattern in self._feelings:
            match = pattern.match(text, index)
            if match is not None and match.end() > best[1]:
                best = (feeling, match.end())
        return best

    def _yesterday_first(self, original: str, lowered: str, where: list[int]) -> Understood | None:
        """A done or skip said after its day: "вчера сделал", "gestern erledigt", "ayer lo
        hice", "ontem fiz", "yesterday done": the rest read as the message, for yesterday.
        Languages put the day first as often as last; the matcher reads "yesterday" only
        after the done word, so without this a Russian's commonest order was not understood."""
        match = self._yesterday.match(lowered)
        if match is None:
            return None
        start = match.end()
        while start < len(lowered) and not lowered[start].isalnum():
            start += 1
        if start >= len(lowered):
            return None
        rest = self._understand(original, lowered[start:], where[start:])
        if rest.intent not in (Intent.DONE, Intent.SKIP):
            return None
        if rest.intent is Intent.SKIP and rest.note:
            # "вчера не успел, сделал сегодня утром", "yesterday I couldn't, did it this
            # morning": yesterday's miss told as the reason for today's done, logged today.
            later = self._understand(rest.note, *normalize(rest.note))
            if later.intent is Intent.DONE and not later.yesterday:
                return later
        return dataclasses.replace(rest, yesterday=True)

    def _fix_first_word(self, lowered: str, where: list[int]) -> tuple[str, list[int]] | None:
        """The message with its first word's typo fixed ("dnoe, legs burning"), if that
        word is a typo of a word the bot knows (``_typo_of``)."""
        match = _FIRST_WORD.match(lowered)
        if match is None:
            return None
        word = match.group()
        if len(word) < TYPO_MIN_LENGTH or word in self._words:
            return None
        for known in self._typo_order:
            if _typo_of(word, known, strict=known in self._inflected):
                fixed = known + lowered[match.end() :]
                return fixed, [where[0]] * len(known) + where[match.end() :]
        return None


# A word of a note, in any script, with its hyphens ("terça-feira") and dots ("Di."): where
# a named weekday is looked for (``Matcher.day_in``).
_DAY_TOKEN = re.compile(r"[^\W_](?:[\w'’.-]*[^\W_])?\.?")
# A message's first word, in any script: the word a typo is looked for in.
_FIRST_WORD = re.compile(r"(?:[^\W\d_]|')+")


def _typo_of(word: str, known: str, *, strict: bool = False) -> bool:
    """``word`` is ``known`` mistyped: two neighbouring letters swapped ("dnoe"), a
    letter doubled ("donee") or left out ("tomorow", "helo"), or one letter wrong in a
    word of five or more ("todsy"). An extra letter that doubles none is a word of its
    own ("doner", "dones"), and so is a four-letter word one letter off ("gone")."""
    if len(word) < TYPO_MIN_LENGTH or OSA.distance(word, known) != 1:
        return False
    if len(word) == len(known):
        return sorted(word) == sorted(known) or (len(word) > TYPO_MIN_LENGTH and not strict)
    if len(word) + 1 == len(known):
        return True
    extra = next(index for index, char in enumerate(known + " ") if word[index] != char)
    return word[extra] in (word[extra - 1 : extra] + word[extra + 1 : extra + 2])


def _asks(text: str) -> bool:
    """The message ends in a question mark (emoji and other marks after it aside)."""
    end = len(text)
    while end > 0 and not _is_word(text[end - 1]):
        end -= 1
    return "?" in text[end:]


def _nothing_but_marks_next(text: str, index: int) -> bool:
    """The end, punctuation or an emoji comes next (spaces aside), not another word."""
    index = _skip_spaces(text, index)
    return index >= len(text) or not _is_word(text[index])


def _opener_rest_is_short(core: str, end: int) -> bool:
    rest = core[end:]
    return len(re.findall(r"[\w']+", rest)) <= OPENER_MAX_EXTRA_WORDS
