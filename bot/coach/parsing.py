"""Understanding what runners type: days, times and "done".

Buttons are the fast path, but runners type; every question accepts the obvious typed
answer so nobody gets stuck because they did not tap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time


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


def is_none_answer(text: str) -> bool:
    return text.strip().casefold().rstrip(".!") in _NONE_WORDS


def parse_days(text: str) -> frozenset[int] | None:
    """Weekdays named in the text ("mon wed sat", "Mon, Wed & Sat", "mon-fri"), or None."""
    cleaned = text.casefold().replace("&", " ").replace(" and ", " ").replace("–", "-")
    cleaned = re.sub(r"\s*-\s*", "-", cleaned)
    words = [word for word in re.split(r"[\s,;/+]+", cleaned) if word]
    if not words:
        return None
    days: set[int] = set()
    for word in words:
        if "-" in word and word.count("-") == 1:
            first, last = word.split("-")
            if first in _DAY_NAMES and last in _DAY_NAMES:
                start, end = _DAY_NAMES[first], _DAY_NAMES[last]
                span = (end - start) % 7
                days.update((start + step) % 7 for step in range(span + 1))
                continue
        word = word.strip(".!")
        if word in _DAY_NAMES:
            days.add(_DAY_NAMES[word])
        elif word in {"everyday", "daily"}:
            days.update(range(7))
        else:
            return None
    return frozenset(days)


_TIME_RE = re.compile(
    r"^(?P<hour>\d{1,2})(?:\s*[:.h]\s*(?P<minute>\d{2}))?\s*h?\s*(?P<ampm>a\.?m\.?|p\.?m\.?)?$"
)


def parse_time(text: str) -> time | None:
    """A clock time: "7:30", "07:30", "7am", "6.45 pm", "19h", "1930"; None if not a time."""
    cleaned = text.strip().casefold()
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


@dataclass(frozen=True)
class DoneMessage:
    note: str | None


_DONE_RE = re.compile(
    r"^\s*(?:"
    r"done|did it|i did it|finished|completed|complete|all done|just did it|did that|"
    r"✅|✔️|✔|☑️|💪"
    r")(?=$|[\s!.,:;\-–—✅✔️☑💪🎉🔥👍]|$)",
    re.IGNORECASE,
)
_LEADING_NOISE = re.compile(r"^[\s!.,:;\-–—✅✔️☑💪🎉🔥👍]+")


def parse_done(text: str) -> DoneMessage | None:
    """A "done" message and whatever else the runner said with it, kept as the note."""
    text = clean_text(text)  # the note is stored and echoed
    match = _DONE_RE.match(text)
    if match is None:
        return None
    rest = text[match.end() :]
    # "✅ Done", "💪 done!", "done done": further done-words and emoji are not a note.
    while True:
        stripped = _LEADING_NOISE.sub("", rest)
        again = _DONE_RE.match(stripped)
        if again is None or again.end() == 0:
            break
        rest = stripped[again.end() :]
    rest = _LEADING_NOISE.sub("", rest).strip()
    return DoneMessage(note=rest or None)


_SKIP_RE = re.compile(
    r"^\s*(?:skip(?:ping|ped)?(?: it| today| this one)?|⏭️?)(?=$|[\s!.,:;\-–—])", re.IGNORECASE
)


def parse_skip(text: str) -> DoneMessage | None:
    """A typed "skip" ("skipping today, knee is sore"); the rest is kept as the note."""
    text = clean_text(text)  # the note is stored and echoed
    match = _SKIP_RE.match(text)
    if match is None:
        return None
    rest = _LEADING_NOISE.sub("", text[match.end() :]).strip()
    return DoneMessage(note=rest or None)


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


def parse_date(text: str, today: date) -> date | None:
    """A date on or after ``today``: "2027-04-18", "18.4.2027", "18/4", "18 April",
    "April 18 2027". Without a year, the next such date."""
    cleaned = text.strip().casefold().replace(",", " ")
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
    return found if found >= today else None
