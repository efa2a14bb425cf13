"""Understanding what runners type in answers: days, times and dates. ("done" and the rest
of the conversation: ``bot.coach.intents``.)

Buttons are the fast path, but runners type; every question accepts the obvious typed
answer so nobody gets stuck because they did not tap: misspelt ("wendsday", through
rapidfuzz), plural ("Saturdays"), spoken ("noon", "half past 6") or written as people
write dates ("18th April", through dateparser when the fast formats fail).

Vocabulary the runner may use beyond the day and month names (casual no's, named times,
filler words) comes from content/ and is handed in by the caller.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache

from babel.dates import get_day_names, get_month_names
from rapidfuzz import fuzz, process


def clean_text(value: str) -> str:
    """Text as both databases (and Telegram) can take it: NUL bytes dropped (PostgreSQL's
    ``text`` refuses them outright), UTF-16 surrogates that arrived in halves joined again
    and a lone half replaced by U+FFFD (no UTF-8 encoder takes one).

    Telegram hands over whatever a client put in a JSON string, and ``"\\ud800"`` is
    valid JSON; without this a note, a name or a typed answer carrying one made the write
    (or the reply echoing it) fail, and with it the "done", the note or the onboarding it
    belonged to. ASCII text without NUL, nearly everything, costs two C-level scans.
    ``store.models.CleanText`` applies it to every text column."""
    if "\x00" in value:
        value = value.replace("\x00", "")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            value = value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return value


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """A word as typed words are compared: lower case, accents and end dots dropped ("Sáb." →
    "sab", "März" → "marz", Russian yo as ye), so "sabado" is "sábado" and "Mi" is "Mi."."""
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in text if not unicodedata.combining(ch)).strip().strip(".")


# Day codes as content files write them ("weds=wed"): Monday = 0, as ``date.weekday()``.
DAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class CalendarLayer:
    """One language's day and month words: its CLDR locale's names (every width, format
    and stand-alone) and the extra spellings its content file lists ("weds", "субботам")."""

    locale: str
    day_extras: Mapping[str, str] = field(default_factory=dict)  # spelling → DAY_CODES
    month_extras: Mapping[str, int] = field(default_factory=dict)  # spelling → 1..12
    everyday: Collection[str] = ()  # "daily", "every day"
    day_ranges: Collection[str] = ()  # "to", "bis", "a": "mon to fri"
    date_fillers: Collection[str] = ()  # "the", "of", "de"
    dateparser: str = ""  # dateparser's language code ("pt" for pt_BR)


@dataclass(frozen=True)
class CalendarWords:
    """Every spelling of a day and a month the runner may type, folded (``fold``): built
    once per language (``calendar_words``) and handed to the parsers."""

    days: Mapping[str, int]
    full_days: Mapping[str, str]  # the wide names, for typos ("wendsday"): → str(day)
    months: Mapping[str, int]
    everyday: frozenset[str]
    day_ranges: frozenset[str]
    date_fillers: frozenset[str]
    languages: tuple[str, ...]  # for dateparser, the runner's first


def calendar_words(layers: Sequence[CalendarLayer]) -> CalendarWords:
    """The words of ``layers``, the runner's language last: where two languages spell
    different days or months alike, the last one's meaning wins ("do" is Sunday in
    Spanish, Thursday in German). Babel's CLDR data give the names; layers the rest."""
    days: dict[str, int] = {}
    full_days: dict[str, str] = {}
    months: dict[str, int] = {}
    everyday: set[str] = set()
    ranges: set[str] = set()
    fillers: set[str] = set()
    languages: list[str] = []
    for layer in layers:
        for width in ("wide", "abbreviated", "short"):
            for context in ("format", "stand-alone"):
                names = get_day_names(width, context=context, locale=layer.locale)
                for day, name in names.items():
                    days[fold(name)] = day
                    if width == "wide":
                        full_days[fold(name)] = str(day)
        for spelling, code in layer.day_extras.items():
            days[fold(spelling)] = DAY_CODES.index(code)
            if len(spelling) >= FUZZY_MIN_LENGTH:  # "суботу" is a typo of an extra
                full_days[fold(spelling)] = str(DAY_CODES.index(code))
        for month_width in ("wide", "abbreviated"):
            for month_context in ("format", "stand-alone"):
                month_names = get_month_names(
                    month_width,
                    context=month_context,
                    locale=layer.locale,
                )
                for month, name in month_names.items():
                    months[fold(name)] = month
        for spelling, month in layer.month_extras.items():
            months[fold(spelling)] = month
        everyday.update(
            " ".join(fold(word) for word in phrase.split()) for phrase in layer.everyday
        )
        ranges.update(fold(word) for word in layer.day_ranges)
        fillers.update(fold(word) for word in layer.date_fillers)
        if layer.dateparser and layer.dateparser not in languages:
            languages.insert(0, layer.dateparser)
    return CalendarWords(
        days=days,
        full_days=full_days,
        months=months,
        everyday=frozenset(everyday),
        day_ranges=frozenset(ranges),
        date_fillers=frozenset(fillers),
        languages=tuple(languages),
    )


# English alone: what the parsers read when no language's words are handed in. The
# extras are content's too (content/languages/en/messages/onboarding_words.toml); this
# copy serves callers outside a conversation (the demo, the tests of the pure rules).
ENGLISH = CalendarLayer(
    locale="en",
    day_extras={
        "tues": "tue",
        "thur": "thu",
        "thurs": "thu",
        "weds": "wed",
    },
    month_extras={"sept": 9},
    everyday=("everyday", "daily", "every day"),
    day_ranges=("to", "through", "till", "until", "thru"),
    date_fillers=("the", "of"),
    dateparser="en",
)


@lru_cache(maxsize=1)
def english_calendar() -> CalendarWords:
    return calendar_words([ENGLISH])


_NONE_WORDS = {
    "none",
    "no",
    "nope",
    "nothing",
    "-",
    "0",
    "no day",
    "no days",
    "n/a",
    "skip",
    "no long run",
    "no long runs",
    "no hard days",
    "no hard day",
    "no hard sessions",
    "none of them",
    "not really",
}


def is_none_answer(text: str, also: Collection[str] = ()) -> bool:
    """A way of saying "none" ("no", "nope"), or one of ``also`` (content's casual no's)."""
    cleaned = text.strip().casefold().rstrip(".!")
    return cleaned in _NONE_WORDS or cleaned in also


_PUNCTUATION = re.compile(r"[,.!?;:()\[\]\"“”…~*_–—-]+")


def words_of(text: str) -> list[str]:
    """The words of a message, lower case: punctuation dropped, emoji words of their own
    ("yes👍" is "yes" and "👍"), apostrophes kept ("that's")."""
    spaced = _PUNCTUATION.sub(" ", text.casefold().replace("’", "'"))
    spaced = "".join(
        ch if ch.isalnum() or ch.isspace() or ch == "'" else f" {ch} " for ch in spaced
    )
    # Variation selectors, joiners and skin tones belong to the emoji before them.
    spaced = re.sub(r"\s+([\ufe0f\u200d\U0001f3fb-\U0001f3ff])", r"\1", spaced)
    return spaced.split()


def made_of(text: str, phrases: Collection[str]) -> bool:
    """Whether the message is nothing but these phrases ("yes looks good", "ok 👍"): each
    word belongs to one of them, and there is at least one."""
    words = words_of(text)
    spelled = {tuple(words_of(phrase)) for phrase in phrases}
    spelled.discard(())
    longest = max((len(phrase) for phrase in spelled), default=0)
    reachable = [True] + [False] * len(words)  # reachable[i]: words[:i] are phrases
    for end in range(1, len(words) + 1):
        reachable[end] = any(
            reachable[end - size] and tuple(words[end - size : end]) in spelled
            for size in range(1, min(longest, end) + 1)
        )
    return bool(words) and reachable[-1]


# A misspelt word is taken for the one it is this close to (rapidfuzz's ratio, 0-100), if
# it is at least this long and no other candidate comes within FUZZY_MARGIN: "wendsday" is
# Wednesday (82 against Tuesday's 67), "someday" is nothing (61 for Monday and Sunday).
FUZZY_CUTOFF = 80
FUZZY_MIN_LENGTH = 5
FUZZY_MARGIN = 5


def closest(word: str, choices: Mapping[str, str]) -> str | None:
    """The value of the one choice ``word`` is a likely typo of, or None.

    ``choices`` maps spellings to what they mean (several spellings may mean the same).
    Only a clear winner counts: the best meaning's score must pass the cut-off and beat
    every other meaning's by the margin, so a word halfway between two is not guessed."""
    if len(word) < FUZZY_MIN_LENGTH:
        return None
    scored = process.extract(word, list(choices), scorer=fuzz.ratio, limit=None)
    best: dict[str, float] = {}
    for spelling, score, _ in scored:
        meaning = choices[spelling]
        best[meaning] = max(best.get(meaning, 0.0), score)
    ranked = sorted(best.items(), key=lambda item: -item[1])
    if not ranked or ranked[0][1] < FUZZY_CUTOFF:
        return None
    if len(ranked) > 1 and ranked[0][1] - ranked[1][1] < FUZZY_MARGIN:
        return None
    return ranked[0][0]


def day_of(word: str, words: CalendarWords | None = None) -> int | None:
    """One weekday: "mon", "Monday", "mondays", "wendsday", "sábados", "Mi.";
    None if the word is not one. ``words``: the language's (English when None)."""
    calendar = words or english_calendar()
    word = fold(word.strip(".!?").replace("'", "").replace("’", ""))
    if word in calendar.days:
        return calendar.days[word]
    if word.endswith("s") and word[:-1] in calendar.days:  # "saturdays", "sábados"
        return calendar.days[word[:-1]]
    found = closest(word.removesuffix("s"), calendar.full_days)
    return int(found) if found is not None else None


def parse_days(
    text: str, fillers: Collection[str] = (), words: CalendarWords | None = None
) -> frozenset[int] | None:
    """Weekdays named in the text ("mon wed sat", "Mon, Wed & Sat", "mon-fri",
    "Saturdays", "wendsday", "lunes y jueves", "seg qua sáb"), or None.
    Words in ``fillers`` ("on", "I", "run", "y") are let pass; any other word rejects the
    whole answer. ``words``: the language's day names (English when None)."""
    calendar = words or english_calendar()
    passing = {fold(filler) for filler in fillers}
    cleaned = text.casefold().replace("&", " ").replace(" and ", " ").replace("–", "-")
    cleaned = re.sub(r"\s*-\s*", "-", cleaned)
    found = [word for word in re.split(r"[\s,;/+]+", cleaned) if word]
    if not found:
        return None
    if " ".join(fold(word) for word in found).strip(".!") in calendar.everyday:
        return frozenset(range(7))  # "every day", "todos los días"
    days: set[int] = set()
    named = False
    said: list[int | None] = []  # the days in their order; None for "to" ("lunes a viernes")
    for word in found:
        whole = day_of(word, calendar) if "-" in word else None  # "segunda-feira"
        if whole is not None:
            said.append(whole)
            continue
        if "-" in word and word.count("-") == 1:
            first, last = (day_of(part, calendar) for part in word.split("-"))
            if first is not None and last is not None:
                days.update(_span(first, last))
                named = True
                continue
        word = word.strip(".!")
        if (day := day_of(word, calendar)) is not None:
            said.append(day)
        elif fold(word) in calendar.day_ranges:
            said.append(None)
        elif fold(word) in calendar.everyday:
            days.update(range(7))
            named = True
        elif fold(word) not in passing and not _is_emoji(word):
            return None
    for place, day in enumerate(said):
        if day is not None:
            days.add(day)
            named = True
        elif 0 < place < len(said) - 1:
            first, last = said[place - 1], said[place + 1]
            if first is not None and last is not None:
                days.update(_span(first, last))
    return frozenset(days) if named else None


def _span(first: int, last: int) -> set[int]:
    """The days from ``first`` to ``last``, round the weekend if need be ("fri-mon")."""
    return {(first + step) % 7 for step in range((last - first) % 7 + 1)}


def _is_emoji(word: str) -> bool:
    """A word of symbols only ("🏃", "👍"): decoration around an answer, not a word."""
    return not any(ch.isalnum() for ch in word)


_TIME_RE = re.compile(
    r"^(?P<hour>\d{1,2})(?:\s*[:.h]\s*(?P<minute>\d{2}))?\s*h?\s*(?P<ampm>a\.?m\.?|p\.?m\.?)?$"
)


_SPOKEN_TIME = re.compile(
    r"^(?:(?P<half>half)|(?P<quarter>(?:a\s+)?quarter))\s+(?P<way>past|after|to|before)\s+"
    r"(?P<hour>\d{1,2})(?P<rest>\s*(?:a\.?m\.?|p\.?m\.?)?)$"
)
_OCLOCK = re.compile(r"\s*o['’]?\s*clock")


@dataclass(frozen=True)
class TimeWords:
    """A language's words around a clock time (content's ``onboarding_words``): what may
    come before the hour ("at", "в", "um", "às", "a las") and after it, with what it
    says of the half of the day ("утра" = am, "de la tarde" = pm, "Uhr" = nothing)."""

    before: tuple[str, ...] = ()  # longest first
    after: Mapping[str, str] = field(default_factory=dict)  # → "am", "pm", "night" or ""
    # Times said around an hour, each with its minutes from that hour: "{hour} y media"
    # +30, German "halb {hour}" and Russian "пол{hour}" -30 (half TO the hour: "halb acht"
    # is 07:30), "quarter to {hour}" -15. Longest first.
    spoken: tuple[tuple[re.Pattern[str], int], ...] = ()


def time_words(
    before: Iterable[str], after: Mapping[str, str], spoken: Mapping[str, str] | None = None
) -> TimeWords:
    """``TimeWords`` with its phrases folded and the longest tried first ("a las" before
    "a"). ``spoken``: "phrase with {hour}" → minutes from the hour ("halb {hour}" → "-30")."""
    patterns = []
    for phrase, offset in sorted((spoken or {}).items(), key=lambda item: -len(item[0])):
        if "{hour}" not in phrase or not re.fullmatch(r"[+-]?\d+", offset.strip()):
            continue
        parts = [" ".join(map(fold, part.split(" "))) for part in phrase.split("{hour}")]
        pattern = _SPOKEN_HOUR.join(re.escape(part) for part in parts)
        patterns.append((re.compile(pattern), int(offset)))
    return TimeWords(
        before=tuple(sorted({fold(word) for word in before if word}, key=len, reverse=True)),
        after={fold(phrase): half for phrase, half in after.items() if phrase},
        spoken=tuple(patterns),
    )


# The hour inside a spoken time: digits or a word of the language's clock numbers.
_SPOKEN_HOUR = r"(?P<hour>\d{1,2}|[^\W\d_]+)"


def _spoken_around_hour(
    cleaned: str, words: TimeWords, numbers: Mapping[str, str] | None
) -> str | None:
    """``cleaned`` ("sete e meia", "halb acht", "полвосьмого") as "H:MM", or None when no
    spoken pattern of the language matches with a real hour."""
    for pattern, offset in words.spoken:
        found = pattern.fullmatch(cleaned)
        if found is None:
            continue
        hour = found["hour"]
        hour = hour if hour.isdigit() else (numbers or {}).get(hour, "")
        if not hour.isdigit() or not 0 <= int(hour) <= 24:
            continue
        minutes = (int(hour) * 60 + offset) % (24 * 60)
        return f"{minutes // 60}:{minutes % 60:02d}"
    return None


def parse_time(
    text: str,
    named: Mapping[str, time] | None = None,
    numbers: Mapping[str, str] | None = None,
    words: TimeWords | None = None,
) -> time | None:
    """A clock time: "7:30", "07:30", "7am", "6.45 pm", "19h", "1930", "6 o'clock",
    "half past 6", "quarter to 8", or one of ``named`` (content's "noon", "midnight");
    hours may be words of ``numbers`` ("half past six"). ``words``: a language's words
    around the hour ("в 7 утра", "um 7 Uhr", "às 7 da noite"). None if not a time."""
    cleaned = text.strip().casefold().rstrip("!.?").removeprefix("at ")
    if named and cleaned in named:
        return named[cleaned]
    half = ""
    if words is not None:
        cleaned = " ".join(fold(word) for word in cleaned.split())
        if named and cleaned in named:
            return named[cleaned]
        for before in words.before:
            if cleaned.startswith(before + " "):
                cleaned = cleaned[len(before) :].strip()
                break
        for phrase, meaning in sorted(words.after.items(), key=lambda item: -len(item[0])):
            if cleaned.endswith(" " + phrase) or (
                cleaned.endswith(phrase) and cleaned[: -len(phrase)][-1:].isdigit()
            ):
                cleaned, half = cleaned[: -len(phrase)].strip(), meaning
                break
        if named and cleaned in named:
            return named[cleaned]
        cleaned = _spoken_around_hour(cleaned, words, numbers) or cleaned
    if numbers:
        cleaned = re.sub(r"[^\W\d_]+", lambda word: numbers.get(word[0], word[0]), cleaned)
    if half in ("am", "pm", "night"):
        plain = parse_time(cleaned)
        if plain is None or plain.hour > 12 or re.search(r"[ap]\.?m", cleaned):
            # "19 вечера" says it twice; "19 утра" or "7pm утра" contradicts itself.
            return plain if plain is not None and plain.hour > 12 and half == "pm" else None
        # The night is late evening and small hours: "11 at night" is 23:00, "2 at night"
        # 02:00 and "12" of it midnight; a pm "12" is noon.
        later = half == "pm" or (half == "night" and 6 <= plain.hour <= 11)
        return time(plain.hour % 12 + (12 if later else 0), plain.minute)
    cleaned = _OCLOCK.sub("", cleaned).strip()
    if spoken := _SPOKEN_TIME.match(cleaned.rstrip("!?")):
        base = parse_time(spoken["hour"] + spoken["rest"])
        if base is None:
            return None
        minutes = base.hour * 60 + (30 if spoken["half"] else 15) * (
            -1 if spoken["way"] in ("to", "before") else 1
        )
        return time((minutes // 60) % 24, minutes % 60)
    compact = re.fullmatch(r"(\d{3,4})\s*(a\.?m\.?|p\.?m\.?)?", cleaned)
    if compact:  # "1930", "730am"
        digits = compact[1]
        cleaned = f"{digits[:-2]}:{digits[-2:]}{compact[2] or ''}"
    match = _TIME_RE.match(cleaned)
    if match is None:
        return None
    hour = int(match["hour"])
    minute = int(match["minute"] or 0)
    ampm = (match["ampm"] or "").replace(".", "")
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return time(hour, minute)


_ORDINAL = re.compile(r"(?<=\d)(?:st|nd|rd|th)\b")


def parse_date(text: str, today: date, words: CalendarWords | None = None) -> date | None:
    """A date on or after ``today``: "2027-04-18", "18.4.2027", "18/4", "18 April",
    "April 18 2027", "18th April", "the 3rd of May". Without a year, the next such date.

    The formats the bot suggests are read here; anything else people write ("Sat 18
    April", "in 3 weeks") goes to dateparser, with future dates preferred."""
    found = read_date(text, today, words)
    return found if found is not None and found >= today else None


def read_date(text: str, today: date, words: CalendarWords | None = None) -> date | None:
    """``parse_date``'s reading, even of a date already gone ("18.4.2025"), in the
    language of ``words`` and English ("12 апреля", "12 de abril", "12. April")."""
    calendar = words or english_calendar()
    return _read_date(text, today, calendar) or _dateparser_date(text, today, calendar)


def find_date(text: str, today: date, words: CalendarWords | None = None) -> date | None:
    """``read_date``'s reading of the whole text, else a date inside a sentence ("el 15
    de marzo corro un medio maraton", "dia 15 de marco corro uma meia maratona"): the
    longest run of up to four words that is one of the forms the bot suggests. Only the
    fast path reads a part: dateparser would find a date in nearly any words."""
    found = read_date(text, today, words)
    if found is not None:
        return found
    calendar = words or english_calendar()
    parts = re.sub(r"[,;:!?()]", " ", text).split()
    for size in range(min(4, len(parts) - 1), 1, -1):
        for start in range(len(parts) - size + 1):
            if (
                inside := _read_date(" ".join(parts[start : start + size]), today, calendar)
            ) is not None:
                return inside
    return None


def _dateparser_date(text: str, today: date, calendar: CalendarWords) -> date | None:
    """dateparser's reading, with a day and a month required ("April 2028" is no day)."""
    cleaned = text.strip()
    if not cleaned or len(cleaned) > 60 or not any(ch.isalpha() for ch in cleaned):
        return None  # "2", "18": a number alone is no date; very long text is no answer
    parsed = _dateparser()(
        cleaned,
        languages=list(calendar.languages or ("en",)),
        settings={
            "PREFER_DATES_FROM": "future",
            "RELATIVE_BASE": datetime(today.year, today.month, today.day),
            "REQUIRE_PARTS": ["day", "month"],
        },
    )
    return parsed.date() if parsed is not None else None


_DateParser = Callable[..., datetime | None]


@lru_cache(maxsize=1)
def _dateparser() -> _DateParser:
    """dateparser.parse, imported on the first date that needs it (it takes a while)."""
    import dateparser  # type: ignore[import-untyped]  # dateparser ships no type hints

    parse: _DateParser = dateparser.parse
    return parse


def _read_date(text: str, today: date, calendar: CalendarWords) -> date | None:
    """The fast path: the formats the bot suggests, the next such date without a year."""
    cleaned = _ORDINAL.sub("", text.strip().casefold().replace(",", " "))
    cleaned = " ".join(word for word in cleaned.split() if fold(word) not in calendar.date_fillers)
    year: int | None = None
    day: int | None = None
    month: int | None = None
    if match := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", cleaned):
        year, month, day = (int(part) for part in match.groups())
    elif match := re.fullmatch(r"(\d{1,2})[./](\d{1,2})(?:[./](\d{2,4}))?\.?", cleaned):
        day, month = int(match[1]), int(match[2])
        year = int(match[3]) if match[3] else None
    else:
        typed = [fold(word) for word in cleaned.replace(".", " ").split()]
        typed = [word for word in typed if word and word not in calendar.date_fillers]
        # isdecimal, not isdigit: "²" is a digit that int() refuses.
        numbers = [int(word) for word in typed if word.isdecimal()]
        months = [calendar.months[word] for word in typed if word in calendar.months]
        if len(months) != 1 or not 1 <= len(numbers) <= 2 or len(typed) != len(numbers) + 1:
            return None
        month = months[0]
        day = next((n for n in numbers if n <= 31), None)
        year = next((n for n in numbers if n > 31), None)
    if year is not None and year < 100:
        year += 2000
    if day is None:  # "April 2027": no day
        return None
    try:
        found = date(year or today.year, month, day)
        if year is None and found < today:
            found = date(today.year + 1, month, day)
    except (ValueError, OverflowError):  # a year of 20 digits overflows
        return None
    return found


def parse_length(
    text: str,
    named: Mapping[str, int],
    *,
    minutes: Collection[str],
    hours: Collection[str],
    numbers: Mapping[str, str] | None = None,
    fillers: Collection[str] = (),
) -> int | None:
    """A length in minutes, in a language's words: one of ``named`` ("полчаса" = 30,
    "media hora" = 30), or a number ("45", "eine" through ``numbers``) and a unit of
    ``minutes`` or ``hours`` ("45 Minuten", "1 Stunde", "uma hora", "20-30 min" means up
    to 30). None if it is not one; whether it is a sensible session length is the
    caller's rule."""
    folded_named = {
        " ".join(fold(word) for word in phrase.split()): value for phrase, value in named.items()
    }
    minute_units = {fold(word) for word in minutes}
    hour_units = {fold(word) for word in hours}
    passing = {fold(word) for word in fillers}
    words = [fold(word) for word in re.split(r"[\s~≈]+", text.strip().rstrip("!.?")) if word]
    cleaned = " ".join(word for word in words if word and word not in passing)
    if cleaned in folded_named:
        return folded_named[cleaned]
    if numbers:
        cleaned = " ".join(numbers.get(word, word) for word in cleaned.split())
    cleaned = re.sub(r"^\d+(?:[.,]\d+)?\s*[-–]\s*(?=\d)", "", cleaned)  # "20-30" → "30"
    match = re.fullmatch(r"(?P<value>\d+(?:[.,]\d+)?)\s*(?P<unit>[^\W\d_]+)?", cleaned)
    if match is None:
        return None
    value = float(match["value"].replace(",", "."))
    unit = match["unit"] or ""
    if unit in hour_units:
        return round(value * 60)
    if unit in minute_units or unit == "":
        return round(value)
    return None
