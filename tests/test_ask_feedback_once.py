"""Asking once how an unrated session felt (README: no feedback is not "easy").

A tester saw one unrated Sunday asked about in six reminders in a row (Wed 9 to Sun 20),
among them Sunday 13's own reminder, where "How did Sunday's session feel?" read as
today's: every session day asked until another session was *done*. Now only the first
session message after the unrated day asks (the calendar's next session day, whether it
is done, skipped or missed), and a weekday that could name the wrong day comes with its
date.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.coach.calendar import History, Move
from bot.coach.day import session_on
from bot.coach.progression import BREAK_DAYS, Entry, Feedback, unrated_before
from bot.coach.status import LogStatus
from bot.coach.week import Equipment, Experience, Focus, RunnerWeek
from bot.content import load_content
from bot.messages.ask_feedback import line
from testkit.harness import BotHarness, onboard

CONTENT = load_content()
T = CONTENT.texts
SUNDAY = date(2026, 12, 6)
BERLIN_7AM = timedelta(hours=6)  # 07:00 Europe/Berlin in winter
# The words of the question, whatever day it names.
ASKS = T("ask_feedback.line", day="§").split("§")[-1].strip()[:20]


def done(day: date, feedback: Feedback | None = None) -> Entry:
    return Entry(day=day, focus=Focus.LEGS, status=LogStatus.DONE, feedback=feedback)


def messages_on(days: set[date]):  # type: ignore[no-untyped-def]
    return lambda first, last: sorted(d for d in days if first <= d <= last)


# ---- the pure rule -----------------------------------------------------------------------


def test_the_tester_s_sunday_is_asked_about_on_wednesday_only() -> None:
    # Sessions Wed, Fri, Sun; Sunday 6 done, not rated; nothing logged after it.
    sessions = {SUNDAY + timedelta(days=n) for n in (3, 5, 7, 10, 12, 14)}
    history = [done(SUNDAY)]
    asked = [d for d in sorted(sessions) if unrated_before(history, d, messages_on(sessions))]
    assert asked == [SUNDAY + timedelta(days=3)]  # Wednesday 9, not Fri 11 .. Sun 20


def test_a_skipped_or_missed_next_session_already_asked() -> None:
    wednesday, friday = SUNDAY + timedelta(days=3), SUNDAY + timedelta(days=5)
    skipped = [done(SUNDAY), Entry(day=wednesday, focus=Focus.CORE, status=LogStatus.SKIPPED)]
    assert unrated_before(skipped, friday, messages_on({wednesday, friday})) is None
    missed = [done(SUNDAY)]  # Wednesday's reminder went out, nothing logged
    assert unrated_before(missed, friday, messages_on({wednesday, friday})) is None
    assert unrated_before(missed, wednesday, messages_on({wednesday, friday})) == SUNDAY


def test_a_rated_session_or_one_before_a_break_is_not_asked_about() -> None:
    later = SUNDAY + timedelta(days=3)
    assert unrated_before([done(SUNDAY, Feedback.RIGHT)], later, messages_on({later})) is None
    far = SUNDAY + timedelta(days=BREAK_DAYS + 1)
    assert unrated_before([done(SUNDAY)], far, messages_on({far})) is None


@settings(max_examples=200, deadline=None)
@given(
    st.sets(st.integers(1, BREAK_DAYS + 6), max_size=12),
    st.sampled_from([None, *Feedback]),
)
def test_exactly_the_first_message_after_an_unrated_session_asks(
    offsets: set[int], feedback: Feedback | None
) -> None:
    """Whatever the calendar's session days after a done session: the unrated one is asked
    about on the first of them only (none if it is rated or that day is past a break)."""
    days = {SUNDAY + timedelta(days=n) for n in offsets}
    history = [done(SUNDAY, feedback)]
    asked = [d for d in sorted(days) if unrated_before(history, d, messages_on(days))]
    first = min(offsets, default=None)
    expected = [] if feedback or first is None or first > BREAK_DAYS else [SUNDAY]
    assert [unrated_before(history, d, messages_on(days)) for d in asked] == expected
    assert asked == ([SUNDAY + timedelta(days=first)] if expected and first else [])


# ---- the calendar places the sessions (coach.day.session_on) -----------------------------

WEEK = RunnerWeek(
    run_days=frozenset({1, 3, 6}),
    long_run_day=6,
    hard_days=frozenset({1}),
    experience=Experience.SOME,
    equipment=Equipment.NONE,
    sessions_per_week=3,
)


def _asks(history: list[Entry], day: date, calendar: History | None = None) -> date | None:
    plan = session_on(CONTENT.catalog, WEEK, history, day, calendar=calendar)
    assert plan is not None, day
    return plan.ask_feedback


def _session_days(first: date, days: int) -> list[date]:
    from bot.coach.calendar import slots_between

    history = History(since=first)
    return [s.day for s in slots_between(WEEK, first, first + timedelta(days=days), history, first)]


def test_session_on_asks_on_the_calendar_s_next_session_day_only() -> None:
    unrated, *after = _session_days(date(2026, 11, 30), 20)
    history = [done(unrated)]
    asked = [d for d in after if _asks(history, d) is not None]
    assert asked == [after[0]], (unrated, after)
    # The next session moved a day later: its reminder went out on its own day, so the
    # day it moved to does not ask again.
    moved = History(
        logged={unrated: "done"},
        moves=(Move(after[0], after[0] + timedelta(days=1), Focus.LEGS),),
        since=unrated,
    )
    if (plan := session_on(CONTENT.catalog, WEEK, history, after[0] + timedelta(days=1))) and (
        plan.focus is not None
    ):
        assert _asks(history, after[1], moved) is None


# ---- the words -----------------------------------------------------------------------------


def test_the_same_weekday_or_more_than_6_days_ago_is_named_by_its_date() -> None:
    assert "Sunday 6 Dec" in line(T, SUNDAY, SUNDAY + timedelta(days=7))  # same weekday
    assert "Sunday 6 Dec" in line(T, SUNDAY, SUNDAY + timedelta(days=9))  # 9 days ago
    assert "Sunday's" in line(T, SUNDAY, SUNDAY + timedelta(days=3))
    assert "6 Dec" not in line(T, SUNDAY, SUNDAY + timedelta(days=6))  # Saturday: last Sunday
    assert "yesterday's" in line(T, SUNDAY, SUNDAY + timedelta(days=1))


# ---- the journey through the real Application ---------------------------------------------


async def _reminders(bot: BotHarness, clock, first: date, days: int) -> dict[date, str]:  # type: ignore[no-untyped-def]
    """Each day's 07:00 reminder from ``first`` on, nothing answered."""
    sent: dict[date, str] = {}
    for n in range(days):
        day = first + timedelta(days=n)
        clock.set(datetime(day.year, day.month, day.day, tzinfo=UTC) + BERLIN_7AM)
        if (await bot.tick()).sent:
            sent[day] = bot.stub.sent_messages(bot.chat_id)[-1]["text"]
    return sent


async def test_two_weeks_of_reminders_ask_once_about_an_unrated_session(
    bot: BotHarness, clock
) -> None:
    await onboard(bot)  # a session on Thursday 26 Nov, 07:00 Berlin
    thursday = date(2026, 11, 26)
    await bot.say("done")  # no feedback tapped
    sent = await _reminders(bot, clock, thursday + timedelta(days=1), 14)
    assert len(sent) >= 4, sent
    asking = [day for day, text in sent.items() if ASKS in text]
    assert asking == [min(sent)], sent  # the next session's reminder only
    [first] = asking
    assert T("ask_feedback.weekday", weekday="Thursday") in sent[first] or (
        T("ask_feedback.yesterday") in sent[first]
    )
    # /today of that day asks too; a later day's does not.
    clock.set(datetime(first.year, first.month, first.day, 12, tzinfo=UTC))
    assert ASKS in (await bot.say("/today"))[-1]["text"]
    later = sorted(sent)[1]
    clock.set(datetime(later.year, later.month, later.day, 12, tzinfo=UTC))
    assert ASKS not in (await bot.say("/today"))[-1]["text"]


async def test_back_from_a_week_s_pause_on_the_same_weekday_the_question_names_the_date(
    bot: BotHarness, clock
) -> None:
    """Thursday 26 done, not rated, then a week's pause (Thu 26 - Wed 2): the first session
    after it is Thursday 3 Dec, whose reminder must not say "How did Thursday's session
    feel?" (that reads as today's)."""
    await onboard(bot)  # a session on Thursday 26 Nov
    await bot.say("done")  # no feedback tapped
    [question] = await bot.say("/pause")
    [_reasons] = await bot.tap("A week", question)
    await bot.tap("Holiday")
    sent = await _reminders(bot, clock, date(2026, 11, 27), 14)
    asking = {day: text for day, text in sent.items() if ASKS in text}
    assert list(asking) == [date(2026, 12, 3)], sent
    text = asking[date(2026, 12, 3)]
    assert T("ask_feedback.line", day=T("ask_feedback.on_date", date="Thursday 26 Nov")) in text
    assert "Thursday's session" not in text
