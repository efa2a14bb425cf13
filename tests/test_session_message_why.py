"""Why today, in words that are true of the day: "1 day away" (not "1 days"), and never
"an easy day suits it" on a hard run day or the long run's day."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.coach.week import Focus, RunnerWeek
from bot.content import Texts
from bot.messages.views import why_text
from testkit.harness import BotHarness, onboard, shared_content

T = shared_content().texts
DAY_NAMES = {T.weekday(weekday): weekday for weekday in range(7)}


def why_of(text: str) -> str:
    [line] = [line for line in text.splitlines() if "Why today" in line]
    return line


async def test_the_day_before_the_long_run_is_one_day_away(bot: BotHarness, clock) -> None:
    await onboard(bot)  # Upper body on Saturday 28, the long run on Sunday
    clock.set(datetime(2026, 11, 28, 8, 0, tzinfo=UTC))
    [reply] = await bot.say("/today")
    assert "Upper body" in reply["text"]
    why = why_of(reply["text"])
    assert "your long run is Sunday, 1 day away" in why
    assert "1 days" not in why


async def test_core_on_a_hard_day_is_not_told_an_easy_day_suits_it(bot: BotHarness, clock) -> None:
    # Runs Sun-Tue, the long run on Tuesday, hard days Sunday and Monday. Issue 13's plan
    # wants two legs days 48 h apart; this week has only one legal legs day (Thursday:
    # Saturday is the eve of a hard run), so the old rotation holds and core goes on a hard
    # day (Monday). (The old Mon-Wed week now puts upper body there, not core.)
    await onboard(bot, run_days="mon tue sun", long_run="tue", hard_days="mon sun")
    clock.set(datetime(2026, 11, 30, 8, 0, tzinfo=UTC))  # Monday
    [reply] = await bot.say("/today")
    assert "<b>Core</b>" in reply["text"], reply["text"]
    why = why_of(reply["text"])
    assert T("why.easy_day") not in why and T("why.hard_today") not in why
    assert T("why.light_on_hard_day") in why
    assert "your long run is Tuesday, 1 day away" in why


# ---- every day of random weeks: each reason given is true of that day ------------------


@st.composite
def weeks(draw: st.DrawFn) -> RunnerWeek:
    """Weeks as onboarding stores them: the long run and hard days are run days, and the
    long run is not also a hard day."""
    run_days = draw(st.frozensets(st.integers(0, 6), min_size=1))
    long_run = draw(st.none() | st.sampled_from(sorted(run_days)))
    hard_days = draw(st.frozensets(st.sampled_from(sorted(run_days - {long_run}) or [0])))
    return RunnerWeek(
        run_days=run_days,
        long_run_day=long_run,
        hard_days=hard_days & (run_days - {long_run}),
    )


def reasons_are_true(t: Texts, week: RunnerWeek, day: date, focus: Focus, why: str) -> None:
    weekday = day.weekday()
    hard, long_run = weekday in week.hard_days, weekday == week.long_run_day
    # What kind of day it is, said only when true, and always said for core and upper body.
    said = {
        "easy": t("why.easy_day") in why,
        "rest": t("why.rest_day") in why,
        "legs_on_hard": t("why.hard_today") in why,
        "light_on_hard": t("why.light_on_hard_day") in why,
        "light_on_long": t("why.light_on_long_run") in why,
    }
    truth = {
        "easy": focus is not Focus.LEGS and weekday in week.run_days and not hard and not long_run,
        "rest": focus is not Focus.LEGS and weekday not in week.run_days,
        "legs_on_hard": focus is Focus.LEGS and hard,
        "light_on_hard": focus is not Focus.LEGS and hard,
        "light_on_long": focus is not Focus.LEGS and long_run,
    }
    assert said == truth, (week, day, focus, why)
    # The long run: its day, and how many days away, in the right number.
    long_runs = re.findall(r"your long run is (\w+), (\d+) (days?) away", why)
    if week.long_run_day is None or long_run:
        assert long_runs == []
    else:
        [(name, count, unit)] = long_runs
        assert DAY_NAMES[name] == week.long_run_day
        assert int(count) == (week.long_run_day - weekday) % 7
        assert unit == ("day" if int(count) == 1 else "days")
    assert not re.search(r"\b1 days\b", why)
    # The next hard day is the nearest one after today.
    hard_next = re.findall(r"(\w+) is your next hard day", why)
    if hard or not week.hard_days:
        assert hard_next == []
    else:
        nearest = min(week.hard_days, key=lambda hard_day: (hard_day - weekday) % 7)
        assert [DAY_NAMES[name] for name in hard_next] == [nearest]


@settings(max_examples=200, deadline=None)
@given(
    week=weeks(),
    monday=st.dates(date(2024, 1, 1), date(2030, 12, 31)).map(
        lambda day: day - timedelta(days=day.weekday())
    ),
    focus=st.sampled_from(Focus),
)
def test_every_reason_why_today_is_true_of_that_day(
    week: RunnerWeek, monday: date, focus: Focus
) -> None:
    t = shared_content().texts
    for offset in range(21):  # every weekday of three weeks
        day = monday + timedelta(days=offset)
        reasons_are_true(t, week, day, focus, why_text(t, week, day, focus))
