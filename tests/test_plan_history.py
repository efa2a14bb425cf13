"""Each past week is judged by the plan it had (``plan_periods``, bot/store/plans.py;
bot/services/progress.py ``week_facts_of``), on SQLite and PostgreSQL: a change in
/settings (sessions a week, run days, experience) never re-judges the weeks already
lived, the week of a change is judged by the less demanding plan it had, and the sign-up
week asks nothing of the sign-up day (issue 15, point 1; helper T's findings in
tests/test_progress_tester.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.coach.plan import plan_for_date
from bot.coach.status import LogStatus
from bot.coach.streaks import Streak, WeekMark
from bot.coach.week import Experience, RunnerWeek
from bot.services.progress import streak_on
from bot.store import plans
from bot.store.db import transaction
from bot.store.models import Runner, SessionLog
from bot.store.runners import save_week, week_of
from testkit.harness import CHAT, BotHarness, FakeClock, onboard

BERLIN = ZoneInfo("Europe/Berlin")
DAY = timedelta(days=1)


def at(day: date, hour: int = 19) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=BERLIN)


async def runner_of(bot: BotHarness) -> Runner:
    async with transaction(bot.sessions) as session:
        runner = await session.get(Runner, CHAT)
    assert runner is not None
    return runner


def planned(week: RunnerWeek, first: date, last: date) -> list[date]:
    days, day = [], first
    while day <= last:
        if plan_for_date(week, day) is not None:
            days.append(day)
        day += DAY
    return days


async def done_on(bot: BotHarness, week: RunnerWeek, days: list[date]) -> None:
    """A "done" log on each day, with the focus the plan gives it (no plan: Core)."""
    async with transaction(bot.sessions) as session:
        for day in days:
            focus = plan_for_date(week, day)
            session.add(
                SessionLog(
                    chat_id=CHAT,
                    local_date=day,
                    focus=focus.value if focus is not None else "core",
                    status=LogStatus.DONE,
                    feedback="right",
                    created_at=at(day),
                )
            )


async def change(bot: BotHarness, week: RunnerWeek, day: date, hour: int = 12) -> None:
    """What /settings stores: the runner's week from ``day`` on."""
    async with transaction(bot.sessions) as session:
        await save_week(
            session,
            chat_id=CHAT,
            first_name=None,
            week=week,
            next_reminder_utc=None,
            now=at(day, hour),
        )


async def streak(bot: BotHarness, today: date) -> Streak:
    runner = await runner_of(bot)
    async with transaction(bot.sessions) as session:
        return await streak_on(session, runner, today)


def marks(counted: Streak, before: date) -> dict[date, tuple[WeekMark, int, int]]:
    return {
        t.facts.monday: (t.mark, t.facts.planned, t.facts.done)
        for t in counted.weeks
        if t.facts.monday < before
    }


async def periods(bot: BotHarness) -> list[tuple[date, int, str]]:
    async with transaction(bot.sessions) as session:
        rows = await plans.periods_of(session, CHAT)
    return [(row.first_day, row.sessions_per_week, row.run_days) for row in rows]


async def test_a_plan_row_is_kept_from_each_day_the_plan_changed(bot: BotHarness) -> None:
    """Sign-up writes the first; a save that changes nothing of the plan writes none; two
    changes the same day leave one row (the day's last); going back to the plan the day
    started with leaves none for that day."""
    await onboard(bot, sessions="2")
    first = await periods(bot)
    assert [(d, n) for d, n, _ in first] == [(date(2026, 11, 26), 2)]
    week = week_of(await runner_of(bot))
    await change(bot, replace(week, reminder_time=None), date(2026, 12, 2))
    assert await periods(bot) == first
    await change(bot, replace(week, sessions_per_week=3), date(2026, 12, 3), 9)
    await change(
        bot, replace(week, sessions_per_week=3, run_days=frozenset({0, 2})), date(2026, 12, 3), 10
    )
    assert [(d, n, r) for d, n, r in await periods(bot)][1:] == [(date(2026, 12, 3), 3, "0,2")]
    third = replace(week, sessions_per_week=3, run_days=frozenset({0, 2}))
    await change(bot, replace(third, sessions_per_week=2), date(2026, 12, 5))
    await change(bot, third, date(2026, 12, 5), 13)
    assert [d for d, _, _ in await periods(bot)] == [date(2026, 11, 26), date(2026, 12, 3)]


async def test_more_sessions_a_week_keeps_the_weeks_done_and_the_streak(bot: BotHarness) -> None:
    """2 -> 3 sessions a week on Saturday 12 Dec: the three weeks done in full stay full
    (this one too: it is judged by the 2 it started with), the streak and best stay 3."""
    await onboard(bot, sessions="2")
    week = week_of(await runner_of(bot))
    await done_on(bot, week, planned(week, date(2026, 11, 26), date(2026, 12, 11)))
    saturday = date(2026, 12, 12)
    before = await streak(bot, saturday)
    assert (before.current, before.best) == (3, 3)
    await change(bot, replace(week, sessions_per_week=3), saturday)
    after = await streak(bot, saturday)
    assert (after.current, after.best) == (3, 3)
    assert marks(after, saturday + DAY) == marks(before, saturday + DAY)
    # From next week on the new plan asks 3.
    later = await streak(bot, date(2026, 12, 16))
    assert later.weeks[-1].facts.planned == len(
        planned(replace(week, sessions_per_week=3), date(2026, 12, 14), date(2026, 12, 20))
    )


async def test_fewer_sessions_a_week_leaves_a_short_week_short(bot: BotHarness) -> None:
    """A week with 1 of 3 done stays SHORT after 3 -> 2 sessions a week (today's plan
    would call it ALMOST): the past is what it was, both ways."""
    await onboard(bot)  # 3 sessions: Legs Tue, Legs Thu, Upper Sat
    week = week_of(await runner_of(bot))
    sign_up = planned(week, date(2026, 11, 26), date(2026, 11, 29))
    await done_on(bot, week, [*sign_up, date(2026, 12, 1)])
    monday = date(2026, 12, 14)
    before = await streak(bot, monday)
    await change(bot, replace(week, sessions_per_week=2), monday)
    after = await streak(bot, monday)
    assert marks(after, monday)[date(2026, 11, 30)] == (WeekMark.SHORT, 3, 1)
    assert marks(after, monday) == marks(before, monday)


async def test_the_week_of_a_change_asks_the_lesser_of_its_plans(bot: BotHarness) -> None:
    """Tue and Thu done, then on Friday 4 Dec 2 -> 3 sessions: the week asked 2, it is
    full (the new plan starts asking from the next week)."""
    await onboard(bot, sessions="2")
    week = week_of(await runner_of(bot))
    await done_on(bot, week, planned(week, date(2026, 11, 26), date(2026, 12, 4)))
    await change(bot, replace(week, sessions_per_week=3), date(2026, 12, 4), 20)
    counted = await streak(bot, date(2026, 12, 7))
    assert marks(counted, date(2026, 12, 7))[date(2026, 11, 30)][:2] == (WeekMark.FULL, 2)


async def test_new_run_days_and_experience_leave_the_past_weeks_as_they_were(
    bot: BotHarness,
) -> None:
    await onboard(bot)
    week = week_of(await runner_of(bot))
    lived = planned(week, date(2026, 11, 26), date(2026, 12, 13))
    await done_on(bot, week, [d for d in lived if d != date(2026, 12, 8)])
    monday = date(2026, 12, 14)
    before = await streak(bot, monday)
    new = replace(
        week,
        run_days=frozenset({0, 2, 5}),
        long_run_day=5,
        hard_days=frozenset({2}),
        experience=Experience.NEW,
    )
    await change(bot, new, monday)
    after = await streak(bot, monday)
    assert marks(after, monday) == marks(before, monday)
    assert (after.current, after.best, after.kept, after.of) == (
        before.current,
        before.best,
        before.kept,
        before.of,
    )


async def test_signing_up_on_saturday_evening_asks_nothing_of_that_week(
    bot: BotHarness, clock: FakeClock
) -> None:
    """The sign-up day's Upper session is not asked (nothing left that week: REST), and
    a perfect next week is "1 of the last 1"."""
    clock.set(at(date(2026, 11, 28), 20))
    await onboard(bot)
    week = week_of(await runner_of(bot))
    await done_on(bot, week, planned(week, date(2026, 11, 30), date(2026, 12, 6)))
    counted = await streak(bot, date(2026, 12, 7))
    first, second = counted.weeks[:2]
    assert (first.mark, first.facts.planned) == (WeekMark.REST, 0)
    assert second.mark is WeekMark.FULL
    assert (counted.current, counted.kept, counted.of) == (1, 1, 1)


async def test_a_sign_up_week_counts_what_was_left_and_the_day_done_is_a_bonus(
    bot: BotHarness,
) -> None:
    """Signed up on Thursday 26 Nov: not doing Thursday's session costs nothing (Saturday
    done is the week in full); doing both is full as well."""
    await onboard(bot)
    week = week_of(await runner_of(bot))
    await done_on(bot, week, [date(2026, 11, 28)])
    counted = await streak(bot, date(2026, 11, 30))
    assert (counted.weeks[0].mark, counted.weeks[0].facts.planned) == (WeekMark.FULL, 1)
    await done_on(bot, week, [date(2026, 11, 26)])
    counted = await streak(bot, date(2026, 11, 30))
    assert (counted.weeks[0].mark, counted.weeks[0].facts.planned) == (WeekMark.FULL, 2)
