"""Turning "where are you?" answers into IANA zones, offline.

One ZoneFinder for the module: its city table and polygon index take about a second to
load, and the finder is meant to be shared (the bot warms one up at start).
"""

from __future__ import annotations

import pytest

from bot.coach.timezones import ZoneFinder, ZoneMatch, is_valid_zone

FINDER = ZoneFinder()


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("Berlin", "Europe/Berlin"),
        ("berlin", "Europe/Berlin"),
        ("  Berlin  ", "Europe/Berlin"),
        ("new york", "America/New_York"),
        ("New York", "America/New_York"),
        ("new-york", "America/New_York"),
        ("Europe/Berlin", "Europe/Berlin"),
        ("europe/berlin", "Europe/Berlin"),
        ("America/New_York", "America/New_York"),
        ("London", "Europe/London"),
        ("Sydney", "Australia/Sydney"),
        ("Munich", "Europe/Berlin"),  # a city, not a zone name: found via geonames
        ("Frankfurt am Main", "Europe/Berlin"),
        ("São Paulo", "America/Sao_Paulo"),
        ("Sao Paulo", "America/Sao_Paulo"),
        ("Berlin, Germany", "Europe/Berlin"),
        ("Mumbai", "Asia/Kolkata"),
        ("St. John's", "America/St_Johns"),
        ("UTC", "UTC"),
        ("utc", "UTC"),
        ("GMT", "UTC"),
    ],
)
def test_from_text_finds_zone(text: str, zone: str) -> None:
    match = FINDER.from_text(text)
    assert match is not None
    assert match.zone == zone
    assert is_valid_zone(match.zone)


def test_from_text_names_the_city_it_understood() -> None:
    # The confirmation message shows the place, so a city match says which city.
    assert FINDER.from_text("Munich") == ZoneMatch(zone="Europe/Berlin", place="Munich, DE")


@pytest.mark.parametrize(
    "text", ["Xyzzyville", "", "   ", "x" * 200, "Berlin " * 30, "Europe/Nowhere", "../etc/passwd"]
)
def test_from_text_unknown_gives_none(text: str) -> None:
    assert FINDER.from_text(text) is None


@pytest.mark.parametrize("text", ["Europe", "Australia", "Asia", "America/Argentina"])
def test_from_text_region_name_does_not_crash(text: str) -> None:
    # A runner answering "Australia" must get a re-ask, not the generic error message.
    match = FINDER.from_text(text)
    assert match is None or is_valid_zone(match.zone)


@pytest.mark.parametrize("name", ["Europe", "America"])
def test_is_valid_zone_folder_is_not_a_zone(name: str) -> None:
    assert is_valid_zone(name) is False


@pytest.mark.parametrize(
    ("name", "valid"),
    [("Europe/Berlin", True), ("UTC", True), ("Europe/Nowhere", False), ("", False)],
)
def test_is_valid_zone(name: str, valid: bool) -> None:
    assert is_valid_zone(name) is valid


@pytest.mark.parametrize(
    ("latitude", "longitude", "zone"),
    [
        (52.52, 13.40, "Europe/Berlin"),
        (40.71, -74.0, "America/New_York"),
        (-31.55, 159.08, "Australia/Lord_Howe"),
        (-44.0, -176.5, "Pacific/Chatham"),
    ],
)
def test_from_location(latitude: float, longitude: float, zone: str) -> None:
    match = FINDER.from_location(latitude, longitude)
    assert match is not None
    assert match.zone == zone
    assert match.place == f"{latitude:.2f}, {longitude:.2f}"
