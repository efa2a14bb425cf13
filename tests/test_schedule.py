"""Reminder instants across DST changes: the point of computing them from local wall time.

A reminder at 07:00 must stay at 07:00 local in every season, a wall time that does not
exist (spring forward) moves to the first minute that does, and a wall time that exists
twice (fall back) fires once. Transition dates are found by scanning with zoneinfo, so
the tests follow the tz database instead of a hard-coded calendar.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.coach.schedule import HORIZON_DAYS, local_date, local_instant, next_due

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")  # DST shift of 30 minutes
SEVEN = time(7, 0)
MINUTE = timedelta(minutes=1)

PROPERTY_ZONES = (
    "Europe/Berlin",
    "America/New_York",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
    "Pacific/Chatham",
    "America/St_Johns",
    "UTC",
)


def every_day(_: date) -> bool:
    return True


@cache
def transitions(zone_name: str, year: int) -> tuple[tuple[date, timedelta, timedelta], ...]:
    """(day, offset before, offset after) for every day whose UTC offset changes."""
    zone = ZoneInfo(zone_name)
    found = []
    day = date(year, 1, 1)
    while day.year == year:
        before = datetime.combine(day, time(0), tzinfo=zone).utcoffset()
        after = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).utcoffset()
        assert before is not None and after is not None
        if before != after:
            found.append((day, before, after))
        day += timedelta(days=1)
    return tuple(found)


def spring_forward(zone: ZoneInfo, year: int = 2026) -> tuple[date, timedelta]:
    """The day clocks go forward and by how much."""
    ((day, before, after),) = [t for t in transitions(str(zone), year) if t[2] > t[1]]
    return day, after - before


def fall_back(zone: ZoneInfo, year: int = 2026) -> tuple[date, timedelta]:
    ((day, before, after),) = [t for t in transitions(str(zone), year) if t[2] < t[1]]
    return day, before - after


def wall(instant: datetime, zone: ZoneInfo) -> datetime:
    """Naive local wall time of an instant, for comparing with what the runner asked for."""
    return instant.astimezone(zone).replace(tzinfo=None)


def occurrences(wanted: datetime, zone: ZoneInfo) -> list[datetime]:
    """Every UTC instant whose local wall time is ``wanted`` (0, 1 or 2 of them).

    An oracle independent of local_instant: try each offset the zone uses around that
    date and keep the instants that map back to the wanted wall time.
    """
    offsets = set()
    for days in (-1, 0, 1):
        probe = datetime.combine(wanted.date() + timedelta(days=days), time(12), tzinfo=zone)
        offsets.add(probe.utcoffset())
    for fold in (0, 1):
        offsets.add(wanted.replace(tzinfo=zone, fold=fold).utcoffset())
    found = set()
    for offset in offsets:
        assert offset is not None
        candidate = (wanted - offset).replace(tzinfo=UTC)
        if wall(candidate, zone) == wanted:
            found.add(candidate)
    return sorted(found)


# ------------------------------------------------------------------ transition dates


def test_transition_scan_finds_the_2026_changes() -> None:
    # Guards the helper itself: Lord Howe changes on the first Sundays of April/October.
    assert spring_forward(BERLIN) == (date(2026, 3, 29), timedelta(hours=1))
    assert fall_back(BERLIN) == (date(2026, 10, 25), timedelta(hours=1))
    assert spring_forward(NEW_YORK) == (date(2026, 3, 8), timedelta(hours=1))
    assert fall_back(NEW_YORK) == (date(2026, 11, 1), timedelta(hours=1))
    assert spring_forward(LORD_HOWE) == (date(2026, 10, 4), timedelta(minutes=30))
    assert fall_back(LORD_HOWE) == (date(2026, 4, 5), timedelta(minutes=30))


# ------------------------------------------------------------------ local_instant


@pytest.mark.parametrize("zone", [BERLIN, NEW_YORK, LORD_HOWE], ids=str)
@pytest.mark.parametrize("change", [spring_forward, fall_back], ids=lambda f: f.__name__)
def test_seven_am_stays_seven_am_across_dst_change(
    zone: ZoneInfo, change: Callable[[ZoneInfo], tuple[date, timedelta]]
) -> None:
    day, shift = change(zone)
    days = [day + timedelta(days=offset) for offset in range(-3, 4)]
    instants = [local_instant(d, SEVEN, zone) for d in days]
    for d, instant in zip(days, instants, strict=True):
        assert instant.utcoffset() == timedelta(0)
        assert wall(instant, zone) == datetime.combine(d, SEVEN)
    # The day of the change is shorter or longer by exactly the shift: a naive "+24 h"
    # scheduler would be off by that much from then on.
    gaps = [later - earlier for earlier, later in itertools.pairwise(instants)]
    sign = -1 if change is spring_forward else 1
    assert gaps[2] == timedelta(hours=24) + sign * shift
    assert all(gap == timedelta(hours=24) for index, gap in enumerate(gaps) if index != 2)


@pytest.mark.parametrize(
    ("zone", "at", "expected"),
    [
        (BERLIN, time(2, 30), time(3, 0)),
        (BERLIN, time(2, 0), time(3, 0)),
        (BERLIN, time(2, 59), time(3, 0)),
        (NEW_YORK, time(2, 30), time(3, 0)),
        (LORD_HOWE, time(2, 15), time(2, 30)),
        (LORD_HOWE, time(2, 0), time(2, 30)),
    ],
    ids=str,
)
def test_wall_time_in_spring_forward_gap_moves_to_first_valid_minute(
    zone: ZoneInfo, at: time, expected: time
) -> None:
    day, _ = spring_forward(zone)
    instant = local_instant(day, at, zone)
    assert wall(instant, zone) == datetime.combine(day, expected)
    # Nothing valid between the wanted time and the result: one minute earlier is
    # still before the gap.
    assert wall(instant - MINUTE, zone) < datetime.combine(day, at)


@pytest.mark.parametrize(
    ("zone", "at"), [(BERLIN, time(2, 30)), (NEW_YORK, time(1, 30)), (LORD_HOWE, time(1, 45))]
)
def test_wall_time_repeated_at_fall_back_gives_the_first_occurrence(
    zone: ZoneInfo, at: time
) -> None:
    day, shift = fall_back(zone)
    wanted = datetime.combine(day, at)
    first, second = occurrences(wanted, zone)
    assert second - first == shift
    assert local_instant(day, at, zone) == first
    # And next_due fires once that day: from the first occurrence it moves on to the
    # next day, never to the second occurrence.
    assert next_due(first - MINUTE, at, zone, every_day) == (first, day)
    following = next_due(first, at, zone, every_day)
    assert following is not None
    assert following[1] == day + timedelta(days=1)


@st.composite
def zone_day_time(draw: st.DrawFn) -> tuple[ZoneInfo, date, time]:
    """A zone, a date in 2026-2028 and a minute; DST days and night hours come up often."""
    zone_name = draw(st.sampled_from(PROPERTY_ZONES))
    change_days = [day for year in (2026, 2027, 2028) for day, *_ in transitions(zone_name, year)]
    any_day = st.dates(date(2026, 1, 1), date(2028, 12, 31))
    day = draw(st.one_of(any_day, st.sampled_from(change_days)) if change_days else any_day)
    hour = draw(st.one_of(st.integers(0, 23), st.integers(0, 3)))
    minute = draw(st.integers(0, 59))
    return ZoneInfo(zone_name), day, time(hour, minute)


@given(zone_day_time())
def test_local_instant_is_the_wanted_wall_time_or_the_first_valid_minute_after(
    case: tuple[ZoneInfo, date, time],
) -> None:
    zone, day, at = case
    instant = local_instant(day, at, zone)
    wanted = datetime.combine(day, at)
    got = wall(instant, zone)
    assert instant.utcoffset() == timedelta(0)
    assert got.date() == day
    existing = occurrences(wanted, zone)
    if existing:
        assert instant == existing[0]  # the earlier one when the wall time repeats
    else:
        # In a gap: later than wanted, every wall minute skipped over really does not
        # exist, and the minute before the result is still before the gap.
        assert got > wanted
        assert got - wanted <= timedelta(hours=1)
        skipped = wanted
        while skipped < got:
            assert not occurrences(skipped, zone), skipped
            skipped += MINUTE
        assert wall(instant - MINUTE, zone) < wanted


def test_29_february_2028_exists() -> None:
    instant = local_instant(date(2028, 2, 29), SEVEN, BERLIN)
    assert instant == datetime(2028, 2, 29, 6, 0, tzinfo=UTC)


# ------------------------------------------------------------------ next_due


@pytest.mark.parametrize(
    ("zone", "start", "at"),
    [
        (BERLIN, datetime(2026, 3, 10, tzinfo=UTC), SEVEN),
        (BERLIN, datetime(2026, 3, 10, tzinfo=UTC), time(2, 30)),  # gap time in March
        (BERLIN, datetime(2026, 10, 10, tzinfo=UTC), time(2, 30)),  # repeated time in Oct
        (NEW_YORK, datetime(2026, 10, 20, tzinfo=UTC), time(1, 30)),
        (LORD_HOWE, datetime(2026, 3, 20, tzinfo=UTC), time(1, 45)),
        (LORD_HOWE, datetime(2026, 9, 20, tzinfo=UTC), time(2, 15)),
        (ZoneInfo("Pacific/Chatham"), datetime(2026, 9, 15, tzinfo=UTC), time(2, 45)),
    ],
    ids=str,
)
def test_next_due_over_a_month_never_repeats_a_day_or_goes_back(
    zone: ZoneInfo, start: datetime, at: time
) -> None:
    """Daily checks across a DST change, fed back the way the reminder tick does."""
    seen: set[date] = set()
    after = start
    for _ in range(35):
        found = next_due(after, at, zone, every_day)
        assert found is not None
        instant, day = found
        assert instant > after
        assert day not in seen
        assert local_date(instant, zone) == day
        seen.add(day)
        after = instant
    # Thirty-five reminders on thirty-five consecutive days: none lost either.
    assert sorted(seen) == [min(seen) + timedelta(days=n) for n in range(35)]


@pytest.mark.parametrize("zone", [BERLIN, NEW_YORK, LORD_HOWE], ids=str)
def test_next_due_with_hourly_ticks_reminds_each_day_once(zone: ZoneInfo) -> None:
    """Like the real tick: check every hour, send what is due, remember the day sent."""
    at = time(2, 30)
    now = datetime(2026, 2, 25, tzinfo=UTC)
    sent: list[date] = []
    due = next_due(now, at, zone, every_day, frozenset(sent))
    while now < datetime(2026, 11, 15, tzinfo=UTC):
        now += timedelta(hours=1)
        assert due is not None
        if due[0] <= now:
            sent.append(due[1])
            due = next_due(max(now, due[0]), at, zone, every_day, frozenset(sent))
            assert due is not None and due[0] > now
    assert len(sent) == len(set(sent))
    assert sent == [sent[0] + timedelta(days=n) for n in range(len(sent))]


def test_next_due_is_strictly_after() -> None:
    instant = local_instant(date(2026, 6, 1), SEVEN, BERLIN)
    assert next_due(instant, SEVEN, BERLIN, every_day) == (
        local_instant(date(2026, 6, 2), SEVEN, BERLIN),
        date(2026, 6, 2),
    )
    assert next_due(instant - MINUTE, SEVEN, BERLIN, every_day) == (instant, date(2026, 6, 1))


def test_next_due_only_on_session_days() -> None:
    after = datetime(2026, 6, 1, 12, tzinfo=UTC)  # a Monday
    found = next_due(after, SEVEN, BERLIN, lambda day: day.weekday() == 3)
    assert found == (local_instant(date(2026, 6, 4), SEVEN, BERLIN), date(2026, 6, 4))


def test_next_due_honours_skip_dates_after_a_move_west() -> None:
    """Reminded at 07:00 in Berlin, then moved to New York: that date is not reminded again."""
    reminded = date(2026, 6, 1)
    sent_at = local_instant(reminded, SEVEN, BERLIN)
    # Without the skip it would be 07:00 New York on the same date, six hours later.
    assert next_due(sent_at, SEVEN, NEW_YORK, every_day) == (
        local_instant(reminded, SEVEN, NEW_YORK),
        reminded,
    )
    found = next_due(sent_at, SEVEN, NEW_YORK, every_day, frozenset({reminded}))
    assert found == (local_instant(date(2026, 6, 2), SEVEN, NEW_YORK), date(2026, 6, 2))


def test_next_due_skips_several_dates() -> None:
    after = datetime(2026, 6, 1, tzinfo=UTC)
    skip = frozenset(date(2026, 6, day) for day in (1, 2, 3))
    found = next_due(after, SEVEN, BERLIN, every_day, skip)
    assert found is not None and found[1] == date(2026, 6, 4)


def test_next_due_finds_29_february_2028() -> None:
    leap_day = date(2028, 2, 29)
    found = next_due(datetime(2028, 2, 20, tzinfo=UTC), SEVEN, BERLIN, lambda d: d == leap_day)
    assert found == (datetime(2028, 2, 29, 6, 0, tzinfo=UTC), leap_day)


def test_next_due_none_without_session_day_in_horizon() -> None:
    after = datetime(2026, 6, 1, tzinfo=UTC)
    assert next_due(after, SEVEN, BERLIN, lambda _: False) is None
    far = local_date(after, BERLIN) + timedelta(days=HORIZON_DAYS + 5)
    assert next_due(after, SEVEN, BERLIN, lambda d: d == far) is None
    # All session days in the horizon already reminded: nothing left to send.
    horizon = frozenset(date(2026, 5, 31) + timedelta(days=n) for n in range(HORIZON_DAYS + 2))
    assert next_due(after, SEVEN, BERLIN, every_day, horizon) is None
