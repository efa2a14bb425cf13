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
from collections.abc import Callable, Collection, Mapping
from datetime import date, datetime, time
from functools import lru_cache

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


_DAY_NAMES: dict[str, int] = {}
for _index, _names in enumerate(
    (
        ("monday", "mon", "mo"),
        ("tuesday", "tue", "tues", "tu"),
        ("wednesday", "wed", "we"),
        ("thursday", "thu", "thur", "thurs", "th"),
        ("friday", "fri", "fr"),
        ("saturday", "sat", "sa"),
        ("sunday", "sun", "su"),
    )
):
    for _name in _names:
        _DAY_NAMES[_name] = _index

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
_FULL_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


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


_DAY_CHOICES = {name: str(day) for day, name in enumerate(_FULL_DAY_NAMES)}


def day_of(word: str) -> int | None:
    """One weekday: "mon", "Monday", "mondays", "wendsday"; None if the word is not one."""
    word = word.strip(".!?").replace("'", "").replace("’", "")
    if word in _DAY_NAMES:
        return _DAY_NAMES[word]
    if word.endswith("s") and word[:-1] in _DAY_NAMES:  # "saturdays", "weds"
        return _DAY_NAMES[word[:-1]]
    found = closest(word.removesuffix("s"), _DAY_CHOICES)
    return int(found) if found is not None else None


def parse_days(text: str, fillers: Collection[str] = ()) -> frozenset[int] | None:
    """Weekdays named in the text ("mon wed sat", "Mon, Wed & Sat", "mon-fri",
    "Saturdays", "wendsday"), or None. Words in ``fillers`` ("on", "I", "run") are let
    pass; any other word rejects the whole answer."""
    cleaned = text.casefold().replace("&", " ").replace(" and ", " ").replace("–", "-")
    cleaned = re.sub(r"\s*-\s*", "-", cleaned)
    words = [word for word in re.split(r"[\s,;/+]+", cleaned) if word]
    if not words:
        return None
    days: set[int] = set()
    named = False
    for word in words:
        if "-" in word and word.count("-") == 1:
            first, last = (day_of(part) for part in word.split("-"))
            if first is not None and last is not None:
                span = (last - first) % 7
                days.update((first + step) % 7 for step in range(span + 1))
                named = True
                continue
        word = word.strip(".!")
        if (day := day_of(word)) is not None:
            days.add(day)
            named = True
        elif word in {"everyday", "daily"}:
            days.update(range(7))
            named = True
        elif word not in fillers:
            return None
    return frozenset(days) if named else None


_TIME_RE = re.compile(
    r"^(?P<hour>\d{1,2})(?:\s*[:.h]\s*(?P<minute>\d{2}))?\s*h?\s*(?P<ampm>a\.?m\.?|p\.?m\.?)?$"
)


_SPOKEN_TIME = re.compile(
    r"^(?:(?P<half>half)|(?P<quarter>(?:a\s+)?quarter))\s+(?P<way>past|after|to|before)\s+"
    r"(?P<hour>\d{1,2})(?P<rest>\s*(?:a\.?m\.?|p\.?m\.?)?)$"
)
_OCLOCK = re.compile(r"\s*o['’]?\s*clock")


def parse_time(
    text: str, named: Mapping[str, time] | None = None, numbers: Mapping[str, str] | None = None
) -> time | None:
    """A clock time: "7:30", "07:30", "7am", "6.45 pm", "19h", "1930", "6 o'clock",
    "half past 6", "quarter to 8", or one of ``named`` (content's "noon", "midnight");
    hours may be words of ``numbers`` ("half past six"). None if not a time."""
    cleaned = text.strip().casefold().rstrip("!.?").removeprefix("at ")
    if named and cleaned in named:
        return named[cleaned]
    if numbers:
        cleaned = re.sub(r"[a-z]+", lambda word: numbers.get(word[0], word[0]), cleaned)
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


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}


_ORDINAL = re.compile(r"(?<=\d)(?:st|nd|rd|th)\b")


def parse_date(text: str, today: date) -> date | None:
    """A date on or after ``today``: "2027-04-18", "18.4.2027", "18/4", "18 April",
    "April 18 2027", "18th April", "the 3rd of May". Without a year, the next such date.

    The formats the bot suggests are read here; anything else people write ("Sat 18
    April", "in 3 weeks") goes to dateparser, with future dates preferred."""
    found = read_date(text, today)
    return found if found is not None and found >= today else None


def read_date(text: str, today: date) -> date | None:
    """``parse_date``'s reading, even of a date already gone ("18.4.2025")."""
    return _read_date(text, today) or _dateparser_date(text, today)


def _dateparser_date(text: str, today: date) -> date | None:
    """dateparser's reading, with a day and a month required ("April 2028" is no day)."""
    cleaned = text.strip()
    if not cleaned or len(cleaned) > 60 or not any(ch.isalpha() for ch in cleaned):
        return None  # "2", "18": a number alone is no date; very long text is no answer
    parsed = _dateparser()(
        cleaned,
        languages=["en"],
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


def _read_date(text: str, today: date) -> date | None:
    """The fast path: the formats the bot suggests, the next such date without a year."""
    cleaned = _ORDINAL.sub("", text.strip().casefold().replace(",", " "))
    cleaned = " ".join(word for word in cleaned.split() if word not in ("the", "of"))
    year: int | None = None
    day: int | None = None
    month: int | None = None
    if match := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", cleaned):
        year, month, day = (int(part) for part in match.groups())
    elif match := re.fullmatch(r"(\d{1,2})[./](\d{1,2})(?:[./](\d{2,4}))?\.?", cleaned):
        day, month = int(match[1]), int(match[2])
        year = int(match[3]) if match[3] else None
    else:
        words = cleaned.replace(".", " ").split()
        # isdecimal, not isdigit: "²" is a digit that int() refuses.
        numbers = [int(word) for word in words if word.isdecimal()]
        months = [_MONTHS[word] for word in words if word in _MONTHS]
        if len(months) != 1 or not 1 <= len(numbers) <= 2 or len(words) != len(numbers) + 1:
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
