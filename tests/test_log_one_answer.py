"""The one answer to "which session is on this day": the exercises /today builds
(``session_on``) and the focus "done" logs and /week marks (``day_focus``) agree for any
week, log, race and placed session."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.coach.day import Coaching, day_focus, session_on
from bot.coach.phases import RacePhase, legs_allowed, no_session, race_phase
from bot.coach.progression import Entry, Feedback
from bot.coach.status import LogStatus
from bot.coach.week import Experience, Focus, RunnerWeek
from bot.content import load_content
from bot.services.plan import first_session
from bot.store.models import Runner

CATALOG = load_content().catalog
MONDAY = date(2026, 11, 23)

DAYS = st.dates(min_value=MONDAY, max_value=MONDAY + timedelta(days=27))


@settings(max_examples=200, deadline=None)
@given(
    runs=st.frozensets(st.integers(0, 6), min_size=1),
    long_run=st.integers(0, 6),
    hard=st.frozensets(st.integers(0, 6), max_size=2),
    placed=st.sampled_from(list(Focus)),
    day=DAYS,
    race=st.none() | DAYS,
    sore_days_ago=st.none() | st.integers(0, 4),
)
def test_the_session_built_for_a_day_is_the_one_day_focus_names(
    runs: frozenset[int],
    long_run: int,
    hard: frozenset[int],
    placed: Focus,
    day: date,
    race: date | None,
    sore_days_ago: int | None,
) -> None:
    """/today builds its exercises with ``session_on``; "done" and /week ask ``day_focus``:
    for any week, log, race and placed session they name the same focus, and race day
    and race eve have none (issue 13: the day before the race holds no session)."""
    week = RunnerWeek(
        run_days=runs | {long_run},
        long_run_day=long_run,
        hard_days=hard - {long_run},
        sessions_per_week=3,
        experience=Experience.SOME,
    )
    history = [Entry(day - timedelta(days=9), Focus.UPPER, LogStatus.DONE, Feedback.RIGHT)]
    if sore_days_ago is not None:
        history.append(
            Entry(day - timedelta(days=sore_days_ago), Focus.CORE, LogStatus.SKIPPED, sore=True)
        )
    coaching = Coaching(race_day=race)
    decided = day_focus(week, history, day, coaching, placed)
    plan = session_on(CATALOG, week, history, day, coaching, focus=placed)
    if no_session(day, race):
        assert race is not None and 0 <= (race - day).days <= 1  # race day or race eve
        assert decided is None and plan is None
        return
    assert decided is not None and plan is not None
    assert plan.session.focus is decided.focus
    assert plan.sore_swap == decided.sore_swap
    if race_phase(day, race) is RacePhase.RACE_WEEK:
        # Race week is short easy core, but for legs placed before the legs-free last days
        # (4 before a half, the distance a race without one reads as): the taper's last
        # legs (issue 13, RacePhase.LAST_LEGS).
        last_legs = placed is Focus.LEGS and legs_allowed(day, race) and not decided.sore_swap
        assert decided.focus is (Focus.LEGS if last_legs else Focus.CORE)
        assert (decided.phase is RacePhase.LAST_LEGS) == last_legs


@settings(max_examples=100, deadline=None)
@given(placed=st.sampled_from(list(Focus)), done=st.sampled_from(list(Focus)), day=DAYS)
def test_a_day_logged_done_holds_what_was_done(placed: Focus, done: Focus, day: date) -> None:
    """ "Sore" tapped after today's session, or a session logged by its focus button: the
    day's session is what the log says, not what the swap would make of it now."""
    week = RunnerWeek(
        run_days=frozenset({1, 3, 6}),
        long_run_day=6,
        hard_days=frozenset({3}),
        sessions_per_week=3,
        experience=Experience.SOME,
    )
    history = [Entry(day, done, LogStatus.DONE, sore=True)]
    decided = day_focus(week, history, day, Coaching(), placed)
    assert decided is not None and decided.focus is done


def test_the_first_session_after_setting_up_on_race_day_is_after_the_race() -> None:
    """For the "All set!" message: setting up on race day (a session is placed on
    Thursdays) names the next session after it, not a session today; in race week the legs
    in the last days before the race are core."""
    runner = Runner(
        chat_id=1,
        onboarded=True,
        run_days="1,3,6",
        long_run_day=6,
        hard_days="1",
        experience="some",
        sessions_per_week=3,
        timezone="Europe/Berlin",
        race_date=date(2026, 11, 26),
    )
    found = first_session(runner, date(2026, 11, 26))
    assert found is not None and found.day == date(2026, 11, 28)  # Saturday's upper body
    runner.race_date = date(2026, 12, 3)
    found = first_session(runner, date(2026, 11, 30))  # Monday of race week
    assert found is not None and (found.day, found.focus) == (date(2026, 12, 1), Focus.CORE)
