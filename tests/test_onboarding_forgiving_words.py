"""The words behind a forgiving onboarding (issue 12): typos of days and kit, plurals,
ordinals, spoken times, casual no's and yeses, changes of mind, countries and offsets.

Pure functions, with their negatives beside them: a typo taken for the wrong answer is
worse than a question asked again. The journeys are in tests/test_onboarding_forgiving.py.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.coach import answers as A
from bot.coach.corrections import Correction, correction, hedged, topic
from bot.coach.parsing import (
    day_of,
    is_none_answer,
    made_of,
    parse_date,
    parse_days,
    parse_time,
)
from bot.coach.timezones import ZoneChoice, ZoneFinder, ZoneMatch, fixed_offset_zone
from bot.messages import onboarding as Q
from testkit.harness import shared_content

T = shared_content().texts
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
FILLERS = Q.day_fillers(T)
NO = Q.no_words(T)
YES = Q.phrases(T, "onboarding_words.yes")
WORDS = Q.change_words(T)
TODAY = date(2026, 11, 26)
NOW = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)
FINDER = ZoneFinder()

# ---- days ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("wendsday", {WED}),
        ("Saturdays", {SAT}),
        ("mondays and fridays", {MON, FRI}),
        ("tusday thrusday", {TUE, THU}),
        ("I run on mondays, wednesdays and saturdays", {MON, WED, SAT}),
        ("every sunday", {SUN}),
        ("monday-firday", {MON, TUE, WED, THU, FRI}),
        ("satruday", {SAT}),
    ],
)
def test_misspelt_and_plural_days_are_read(text: str, expected: set[int]) -> None:
    assert parse_days(text, FILLERS) == frozenset(expected)


@pytest.mark.parametrize(
    "text", ["someday", "friends", "monkey", "I run", "on and on", "sundae dinner", "weekends"]
)
def test_words_that_only_look_like_days_are_not_days(text: str) -> None:
    assert parse_days(text, FILLERS) is None


def _one_typo(name: str) -> set[str]:
    """Every spelling one slip away: a letter dropped, doubled, swapped with the next."""
    slips = set()
    for index in range(1, len(name)):
        slips.add(name[:index] + name[index + 1 :])
        slips.add(name[:index] + name[index] + name[index:])
        if index + 1 < len(name):
            slips.add(name[:index] + name[index + 1] + name[index] + name[index + 2 :])
    return slips - {name}


@pytest.mark.parametrize(("day", "name"), list(enumerate(DAY_NAMES)))
def test_one_slip_in_a_day_name_never_gives_another_day(day: int, name: str) -> None:
    # Not every slip is understood ("fiday" is close to nothing else either), but none
    # may be taken for a different day.
    understood = 0
    for typo in _one_typo(name):
        found = day_of(typo)
        assert found in (day, None), (typo, found)
        understood += found == day
    assert understood >= len(_one_typo(name)) * 0.8, name


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12))
def test_a_day_is_only_found_near_a_day_name(word: str) -> None:
    # Whatever day_of finds is one typo-ish step from the day's name or an abbreviation.
    from rapidfuzz import fuzz

    found = day_of(word)
    if found is not None:
        name = DAY_NAMES[found]
        assert word.startswith(name[:2]) or fuzz.ratio(word.removesuffix("s"), name) >= 80


# ---- experience and kit ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "typed", "expected"),
    [
        (A.EXPERIENCE, "beginer", "new"),
        (A.EXPERIENCE, "I'm a begginer", "new"),
        (A.EXPERIENCE, "experianced", "experienced"),
        (A.EXPERIENCE, "intermedate", "some"),
        (A.EQUIPMENT, "dumbells", "dumbbells"),
        (A.EQUIPMENT, "a couple of kettelbells", "dumbbells"),
        (A.EQUIPMENT, "bodweight only", "none"),
    ],
)
def test_misspelt_experience_and_kit_are_read(key: str, typed: str, expected: str) -> None:
    typed_answer = Q.QUESTIONS[key].typed
    assert typed_answer is not None
    assert typed_answer(T, {}, typed, NOW) == {key: expected}


@pytest.mark.parametrize(
    ("key", "typed"),
    [
        (A.EXPERIENCE, "maybe"),
        (A.EXPERIENCE, "lalala"),
        (A.EXPERIENCE, "actually I also run on fridays"),
        (A.EQUIPMENT, "a rowing machine"),
        (A.EQUIPMENT, "a bench"),
        # Halfway between two answers: asked again, not guessed.
        (A.EQUIPMENT, "dumbells at the gym"),
    ],
)
def test_words_near_no_answer_or_near_two_are_asked_again(key: str, typed: str) -> None:
    typed_answer = Q.QUESTIONS[key].typed
    assert typed_answer is not None
    assert isinstance(typed_answer(T, {}, typed, NOW), str)


# ---- times, dates, no's and yeses --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("noon", time(12, 0)),
        ("Noon!", time(12, 0)),
        ("at noon", time(12, 0)),
        ("midday", time(12, 0)),
        ("midnight", time(0, 0)),
        ("half past 6", time(6, 30)),
        ("half past 6pm", time(18, 30)),
        ("quarter past 7", time(7, 15)),
        ("a quarter to 8", time(7, 45)),
        ("quarter to 12am", time(23, 45)),
        ("6 o'clock", time(6, 0)),
        ("7 o’clock pm", time(19, 0)),
        ("half past six", time(6, 30)),
        ("seven pm", time(19, 0)),
        ("quarter to eight pm", time(19, 45)),
        ("at ten", time(10, 0)),
    ],
)
def test_spoken_times_are_read(text: str, expected: time) -> None:
    assert parse_time(text, Q.named_times(T), Q.clock_numbers(T)) == expected


@pytest.mark.parametrize(
    "text", ["noonish", "half past", "quarter to 25", "half past noon", "sometime", "one two"]
)
def test_spoken_times_that_are_no_time_are_refused(text: str) -> None:
    assert parse_time(text, Q.named_times(T), Q.clock_numbers(T)) is None


@given(hour=st.integers(1, 12), way=st.sampled_from(["past", "to"]))
def test_half_and_quarter_past_and_to_are_minutes_from_the_hour(hour: int, way: str) -> None:
    base = datetime(2026, 1, 1, hour)  # "12" is noon, "1" is 01:00
    sign = 1 if way == "past" else -1
    quarter = parse_time(f"quarter {way} {hour}")
    assert quarter == (base + sign * timedelta(minutes=15)).time()
    if way == "past":
        assert parse_time(f"half past {hour}") == (base + timedelta(minutes=30)).time()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("18th April", date(2027, 4, 18)),
        ("April 18th", date(2027, 4, 18)),
        ("the 3rd of May", date(2027, 5, 3)),
        ("1st December", date(2026, 12, 1)),
        ("Sat 18 April", date(2027, 4, 18)),  # dateparser
        ("in 3 weeks", date(2026, 12, 17)),  # dateparser
        ("26th Nov", TODAY),
    ],
)
def test_ordinal_and_written_dates_are_read_as_future_dates(text: str, expected: date) -> None:
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize("text", ["18th", "2", "someday", "April 2028", "31st February", "soon"])
def test_what_is_no_day_and_month_is_no_date(text: str) -> None:
    assert parse_date(text, TODAY) is None


@given(st.dates(min_value=date(2026, 11, 26), max_value=date(2027, 11, 25)))
def test_every_date_of_the_coming_year_reads_back_with_its_ordinal(day: date) -> None:
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(day.day % 10 if day.day // 10 != 1 else 0, "th")
    for spelling in (f"{day.day}{suffix} {day:%B}", f"{day:%B} {day.day}{suffix}"):
        assert parse_date(spelling, TODAY) == day, spelling


@pytest.mark.parametrize("text", ["nah", "Nah.", "naw", "no thanks", "nope", "👎"])
def test_casual_nos_are_no(text: str) -> None:
    assert is_none_answer(text, NO)


@pytest.mark.parametrize("text", ["noon", "nah maybe", "yes", "not sure"])
def test_what_is_not_a_no_is_not(text: str) -> None:
    assert not is_none_answer(text, NO)


YES_PHRASES = sorted(YES)


@given(
    st.lists(st.sampled_from(YES_PHRASES), min_size=1, max_size=4),
    st.lists(st.sampled_from([" ", ", ", "! ", ". ", " - "]), min_size=4, max_size=4),
    st.booleans(),
)
def test_any_run_of_yeses_is_a_yes(phrases: list[str], joins: list[str], shout: bool) -> None:
    text = "".join(phrase + joins[index] for index, phrase in enumerate(phrases))
    text = text.upper() if shout else text
    assert made_of(text, YES), text
    assert Q.is_yes(T, text), text


@given(
    st.lists(st.sampled_from(YES_PHRASES), min_size=1, max_size=3),
    st.sampled_from(["but", "later", "change", "tuesday", "not", "maybe"]),
)
def test_a_yes_with_anything_else_is_not_a_yes(phrases: list[str], other: str) -> None:
    assert not Q.is_yes(T, " ".join([*phrases, other]))


def test_no_phrase_is_both_a_yes_and_a_change() -> None:
    change = Q.phrases(T, "onboarding_words.change")
    assert YES & change == set()


# ---- changes of mind -----------------------------------------------------------------------

ANSWERS: dict[str, Any] = {
    A.RUN_DAYS: [MON, WED, SAT],
    "long_run_day": SAT,
    A.HARD_DAYS: [WED],
    A.EXPERIENCE: "new",
}
ANSWERED = (A.RUN_DAYS, A.LONG_RUN, A.HARD_DAYS)


@pytest.mark.parametrize(
    ("text", "step", "changes"),
    [
        ("actually I also run on fridays", A.RUN_DAYS, {A.RUN_DAYS: [MON, WED, FRI, SAT]}),
        ("Oh and I run tuesdays too", A.RUN_DAYS, {A.RUN_DAYS: [MON, TUE, WED, SAT]}),
        (
            "wait, I don't run on wednesday",
            A.RUN_DAYS,
            {A.RUN_DAYS: [MON, SAT], A.HARD_DAYS: []},
        ),
        ("actually I run mon tue thu", A.RUN_DAYS, None),  # replaced: long run day gone
        (
            "oops, my long run is on sunday",
            A.LONG_RUN,
            {A.RUN_DAYS: [MON, WED, SAT, SUN], "long_run_day": SUN},
        ),
        ("sorry, intervals on monday too", A.HARD_DAYS, {A.HARD_DAYS: [MON, WED]}),
        ("actually no hard session on wednesday", A.HARD_DAYS, {A.HARD_DAYS: []}),
    ],
)
def test_a_change_of_mind_changes_that_answer(
    text: str, step: str, changes: dict[str, Any] | None
) -> None:
    found = correction(text, ANSWERS, ANSWERED, WORDS)
    assert found is not None, text
    assert found.step == step
    if changes is not None:
        assert found.answers == A.tidy({**ANSWERS, **changes})
    else:
        assert found.answers[A.RUN_DAYS] == [MON, TUE, THU]
        assert found.answers["long_run_day"] is None


@pytest.mark.parametrize(
    "text",
    [
        "I also run on fridays",  # no marker: an answer to the question at hand
        "actually sunday",  # days, but of what? (the question at hand may take it)
        "actually I'm a beginner",
        "wait what",
        "actually we run together",  # "we" is no Wednesday here
        "actually I don't run on fridays",  # not a run day: nothing to take out
    ],
)
def test_what_is_no_change_of_mind_is_none(text: str) -> None:
    found = correction(text, ANSWERS, ANSWERED, WORDS)
    assert found is None, (text, found)


def test_a_change_to_an_answer_not_given_yet_is_none() -> None:
    answers = {A.RUN_DAYS: [MON, WED]}
    assert correction("actually my long run is sunday", answers, (A.RUN_DAYS,), WORDS) is None
    assert correction("actually I also run fridays", answers, (), WORDS) is None


@given(st.sets(st.integers(0, 6), min_size=1), st.sampled_from(DAY_NAMES))
def test_also_adds_and_not_takes_out(run_days: set[int], name: str) -> None:
    answers = {A.RUN_DAYS: sorted(run_days)}
    day = DAY_NAMES.index(name)
    added = correction(f"actually I also run on {name}s", answers, ANSWERED, WORDS)
    if day in run_days:
        assert added is None  # nothing changes
    else:
        assert isinstance(added, Correction)
        assert set(added.answers[A.RUN_DAYS]) == run_days | {day}
    removed = correction(f"actually I don't run on {name}", answers, ANSWERED, WORDS)
    if day in run_days and run_days - {day}:
        assert isinstance(removed, Correction)
        assert set(removed.answers[A.RUN_DAYS]) == run_days - {day}
    else:
        assert removed is None  # nothing to take out, or no run day left


def test_hedged_is_the_answer_after_the_markers() -> None:
    assert hedged("actually, sunday", WORDS.markers) == "sunday"
    assert hedged("oh wait - 3rd of May", WORDS.markers) == "3rd of may"
    assert hedged("sunday", WORDS.markers) is None


# ---- countries and offsets ---------------------------------------------------------------

ALIASES = Q.country_aliases(T)


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("UK", "Europe/London"),
        ("the uk", "Europe/London"),
        ("England", "Europe/London"),
        ("Germany", "Europe/Berlin"),
        ("DE", "Europe/Berlin"),
        ("Berln", "Europe/Berlin"),
        ("Munchen", "Europe/Berlin"),
        ("Manchestr", "Europe/London"),
        ("Chicgo", "America/Chicago"),
        ("Parris", "Europe/Paris"),
    ],
)
def test_a_country_with_one_zone_or_a_misspelt_city_is_a_zone(text: str, zone: str) -> None:
    found = FINDER.understand(text, NOW, ALIASES)
    assert isinstance(found, ZoneMatch), text
    assert found.zone == zone


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("USA", ("America/New_York", "New York City")),
        ("Australia", ("Australia/Sydney", "Sydney")),
        ("Canada", ("America/Toronto", "Toronto")),
    ],
)
def test_a_country_with_several_zones_is_a_choice_of_its_biggest_cities(
    text: str, first: tuple[str, str]
) -> None:
    found = FINDER.understand(text, NOW, ALIASES)
    assert isinstance(found, ZoneChoice)
    assert found.options[0] == first and found.offset is None
    assert 2 <= len(found.options) <= 6
    assert len({zone for zone, _ in found.options}) == len(found.options)


@pytest.mark.parametrize(
    ("text", "fixed", "among"),
    [
        ("GMT+1", "Etc/GMT-1", "Europe/Berlin"),
        ("UTC-5", "Etc/GMT+5", "America/New_York"),
        ("utc +2", "Etc/GMT-2", "Africa/Cairo"),
        ("+05:30", None, "Asia/Kolkata"),  # no fixed zone of the tz database at +5:30
    ],
)
def test_an_offset_is_a_choice_of_the_zones_at_it_now_and_the_offset(
    text: str, fixed: str | None, among: str
) -> None:
    found = FINDER.understand(text, NOW, ALIASES)
    assert isinstance(found, ZoneChoice)
    assert found.offset == fixed
    assert among in {zone for zone, _ in found.options}


def test_an_offset_follows_the_season() -> None:
    # In July, GMT+1 is London's summer time, not Berlin's.
    july = datetime(2027, 7, 1, 6, 0, tzinfo=UTC)
    found = FINDER.understand("GMT+1", july, ALIASES)
    assert isinstance(found, ZoneChoice)
    zones = {zone for zone, _ in found.options}
    assert "Europe/London" in zones and "Europe/Berlin" not in zones


@pytest.mark.parametrize(
    "text", ["later", "here", "lalala", "hmm", "maybe", "test", "Xyzzyville", "GMT+15", "no"]
)
def test_words_near_small_towns_or_nothing_are_no_zone(text: str) -> None:
    found = FINDER.understand(text, NOW, ALIASES)
    assert found is None or (text == "no" and isinstance(found, ZoneMatch)), found
    if text == "no":  # lower case "no" is no Norway (upper case "NO" is)
        assert found is None or found.zone != "Europe/Oslo"


@given(st.integers(-12, 14))
def test_every_whole_hour_offset_has_its_fixed_zone(hours: int) -> None:
    zone = fixed_offset_zone(timedelta(hours=hours))
    assert zone is not None
    from zoneinfo import ZoneInfo

    assert ZoneInfo(zone).utcoffset(NOW) == timedelta(hours=hours)


@pytest.mark.parametrize(
    ("text", "step"),
    [
        ("my long run is sunday", A.LONG_RUN),
        ("intervals on tuesday", A.HARD_DAYS),
        ("I run hard on tuesday", A.HARD_DAYS),
        ("I also run on fridays", A.RUN_DAYS),
        ("sunday", None),
    ],
)
def test_topic_is_what_a_message_speaks_of(text: str, step: str | None) -> None:
    assert topic(text, WORDS) == step


def test_the_vocabulary_in_content_is_well_formed() -> None:
    # Read at the first answer that needs it, not at start: a slip in the file must be
    # caught here rather than by a runner.
    assert Q.named_times(T)["noon"] == time(12, 0)
    countries = FINDER.understand("Germany", NOW)  # the index of countries is loaded
    assert isinstance(countries, ZoneMatch)
    for alias, code in ALIASES.items():
        assert len(code) == 2 and code.isupper(), alias
        assert FINDER.understand(alias, NOW, ALIASES) is not None, alias
    for key in ("yes", "change", "no", "day_fillers", "change_markers", "add_words"):
        assert all(phrase == phrase.strip() for phrase in Q.phrases(T, f"onboarding_words.{key}"))
