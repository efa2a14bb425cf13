"""Issue 13, point 6 (the race and lighter weeks), as pure rules over random runners.

Bosquet et al. 2007: a taper cuts volume 41-60 % and keeps intensity; race week has no
legs in its last days and nothing the day before; recovery is scaled to the distance; a
lighter week is lighter than the week before; reduced sessions never count toward a level.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.coach import answers as A
from bot.coach.day import Coaching, DayPlan, day_focus, session_on
from bot.coach.phases import (
    DISTANCES,
    LEGS_REST_AFTER_DAYS,
    NO_LEGS_DAYS,
    RECOVERY_DAYS,
    TAPER_DAYS,
    RacePhase,
    distance_of,
    is_lighter_week,
    race_phase,
    scale_level,
    work,
)
from bot.coach.progression import Entry, Feedback
from bot.coach.status import LogStatus
from bot.coach.week import Equipment, Experience, Focus, RunnerWeek
from bot.content import load_content

CATALOG = load_content().catalog
MONDAY = date(2026, 9, 7)
PROPS = settings(max_examples=60, deadline=None)


@st.composite
def weeks(draw: st.DrawFn) -> RunnerWeek:
    run_days = draw(st.frozensets(st.integers(0, 6), min_size=2))
    long_run = draw(st.none() | st.sampled_from(sorted(run_days)))
    candidates = sorted(run_days - {long_run})
    hard = draw(st.frozensets(st.sampled_from(candidates))) if candidates else frozenset()
    return RunnerWeek(
        run_days=run_days,
        long_run_day=long_run,
        hard_days=hard,
        sessions_per_week=draw(st.integers(1, 3)),
        experience=draw(st.sampled_from(list(Experience))),
        equipment=draw(st.sampled_from(list(Equipment))),
        pull_up_bar=draw(st.booleans()),
    )


feedbacks = st.sampled_from([Feedback.EASY, Feedback.RIGHT, Feedback.HARD, None])


def session_work(plan: DayPlan | None) -> int:
    return 0 if plan is None else sum(work(item.level) for item in plan.session.items)


def lived(
    week: RunnerWeek,
    days: int,
    coaching: Coaching,
    feedback: list[Feedback | None],
    first: date = MONDAY,
) -> tuple[list[Entry], dict[date, DayPlan]]:
    """A runner who does every session the coach gives for ``days`` days from ``first``,
    rating them in turn from ``feedback``."""
    history: list[Entry] = []
    plans: dict[date, DayPlan] = {}
    for offset in range(days):
        day = first + timedelta(days=offset)
        plan = session_on(CATALOG, week, history, day, coaching)
        if plan is None:
            continue
        plans[day] = plan
        rated = feedback[len(history) % len(feedback)] if feedback else None
        history.append(Entry(day, plan.session.focus, LogStatus.DONE, rated))
    return history, plans


def uncounted(history: list[Entry], race: date, distance: str) -> list[Entry]:
    """The same log with the sessions around the race unrated: counted for nothing, as the
    race's reduced sessions are, so a world without the race has the same levels."""
    return [
        Entry(e.day, e.focus, e.status, None) if race_phase(e.day, race, distance) else e
        for e in history
    ]


def rung_of(plan: DayPlan, exercise_id: str) -> int | None:
    for item in plan.session.items:
        if item.exercise.id == exercise_id:
            variants = [level.variant for level in item.exercise.levels]
            return variants.index(item.level.variant) + 1
    return None


# ---- the taper ------------------------------------------------------------------------


@PROPS
@given(
    weeks(),
    st.sampled_from(DISTANCES),
    st.integers(20, 60),
    st.lists(feedbacks, min_size=1, max_size=4),
    st.data(),
)
def test_a_taper_session_keeps_40_to_60_percent_of_its_work_at_the_same_level_and_rungs(
    week: RunnerWeek,
    distance: str,
    lead_days: int,
    feedback: list[Feedback | None],
    data: st.DataObject,
) -> None:
    history, _ = lived(week, lead_days, Coaching(), feedback)
    start = MONDAY + timedelta(days=lead_days)
    to_race = data.draw(st.integers(7, TAPER_DAYS[distance]), label="days to race")
    offset = data.draw(st.integers(0, 6), label="day")
    day = start + timedelta(days=offset)
    race = day + timedelta(days=to_race)
    assume(not is_lighter_week(history, day))
    assert race_phase(day, race, distance) is RacePhase.TAPER
    tapered = session_on(CATALOG, week, history, day, Coaching(race, race_distance=distance))
    plain = session_on(CATALOG, week, uncounted(history, race, distance), day, Coaching())
    assert (tapered is None) == (plain is None)
    if tapered is None or plain is None:
        return
    assert tapered.session.focus is plain.session.focus
    assert tapered.session.level == plain.session.level  # intensity held: no "level - 2"
    assert [i.level.variant for i in tapered.session.items] == [
        i.level.variant for i in plain.session.items
    ]
    assert tapered.targets == plain.targets
    share = session_work(tapered) / session_work(plain)
    assert 0.4 <= share <= 0.6, share


@PROPS
@given(weeks(), st.sampled_from(DISTANCES), st.lists(feedbacks, min_size=1, max_size=4))
def test_the_taper_weeks_work_is_40_to_60_percent_of_the_same_weeks_untapered(
    week: RunnerWeek, distance: str, feedback: list[Feedback | None]
) -> None:
    history, _ = lived(week, 35, Coaching(), feedback)
    # The race on the Sunday after next: the week before race week is all taper.
    monday = MONDAY + timedelta(days=35)
    race = monday + timedelta(days=13)
    days = [monday + timedelta(days=n) for n in range(7)]
    assume(not any(is_lighter_week(history, day) for day in days))
    if TAPER_DAYS[distance] < 13:  # a 5 or 10 km: its taper starts mid-week
        days = [day for day in days if (race - day).days <= TAPER_DAYS[distance]]
    coaching = Coaching(race, race_distance=distance)
    tapered = sum(session_work(session_on(CATALOG, week, history, d, coaching)) for d in days)
    before = uncounted(history, race, distance)
    plain = sum(session_work(session_on(CATALOG, week, before, d, Coaching())) for d in days)
    assume(plain > 0)
    assert 0.4 <= tapered / plain <= 0.6


def test_a_prescription_keeps_about_half_its_work_with_the_same_variant() -> None:
    checked = 0
    for exercise in CATALOG.exercises.values():
        for level in exercise.levels:
            half = scale_level(level, 0.5)
            assert half.variant == level.variant and half.rest == level.rest
            assert half.sets <= level.sets
            if work(level) // (2 if level.per_side else 1) >= 4:
                assert 0.4 <= work(half) / work(level) <= 0.6, (exercise.id, level)
                checked += 1
    assert checked > 50


# ---- race week --------------------------------------------------------------------------


@PROPS
@given(weeks(), st.sampled_from(DISTANCES), st.lists(feedbacks, min_size=1, max_size=4))
def test_no_legs_in_the_last_days_and_nothing_the_day_before_the_race(
    week: RunnerWeek, distance: str, feedback: list[Feedback | None]
) -> None:
    history, _ = lived(week, 28, Coaching(), feedback)
    race = MONDAY + timedelta(days=40)
    coaching = Coaching(race, race_distance=distance)
    for to_race in range(7):
        day = race - timedelta(days=to_race)
        for placed in Focus:
            plan = session_on(CATALOG, week, history, day, coaching, focus=placed)
            decided = day_focus(week, history, day, coaching, placed)
            if to_race <= 1:  # race eve and race day: no strength session
                assert plan is None and decided is None
                continue
            assert plan is not None and decided is not None
            assert decided.focus is plan.session.focus
            if to_race <= NO_LEGS_DAYS[distance]:
                assert plan.session.focus is not Focus.LEGS
            if plan.session.focus is not Focus.LEGS:  # race week's short easy core
                assert plan.session.focus is Focus.CORE
                assert plan.adjustment.phase is RacePhase.RACE_WEEK


def test_no_legs_in_the_4_days_before_a_half_or_marathon_and_2_before_a_5k() -> None:
    assert {d: NO_LEGS_DAYS[d] for d in DISTANCES} == {
        "5k": 2,
        "10k": 2,
        "half": 4,
        "marathon": 4,
        "ultra": 4,
    }
    week = RunnerWeek(run_days=frozenset({0, 2, 5}), long_run_day=None, sessions_per_week=3)
    race = date(2027, 4, 18)
    for distance, legs_back in (("5k", 3), ("half", 5), (None, 5)):
        coaching = Coaching(race, race_distance=distance)
        for to_race in range(2, 7):
            day = race - timedelta(days=to_race)
            plan = session_on(CATALOG, week, [], day, coaching, focus=Focus.LEGS)
            assert plan is not None
            assert (plan.session.focus is Focus.LEGS) == (to_race >= legs_back), (distance, day)
            if plan.session.focus is Focus.LEGS:
                assert plan.adjustment.phase is RacePhase.LAST_LEGS


def test_a_race_without_a_distance_is_coached_as_a_half() -> None:
    assert distance_of(None) == "half"
    race = date(2027, 4, 18)
    for to_race in range(-30, 30):
        day = race - timedelta(days=to_race)
        assert race_phase(day, race, None) is race_phase(day, race, "half")


# ---- recovery ----------------------------------------------------------------------------


def test_legs_rest_a_week_after_a_marathon_and_a_day_after_a_5k() -> None:
    """Muscle damage after a marathon is still high a week on (Warhol 1985; Kim 2007):
    the recovery's first days hold no legs (easy core) and no hops."""
    assert LEGS_REST_AFTER_DAYS == {"5k": 1, "10k": 2, "half": 4, "marathon": 7, "ultra": 10}
    for distance, rest in LEGS_REST_AFTER_DAYS.items():
        assert rest < RECOVERY_DAYS[distance]  # legs come back inside the recovery


def test_recovery_follows_the_distance() -> None:
    race = date(2027, 4, 18)
    for distance, days in (("5k", 3), ("10k", 5), ("half", 7), ("marathon", 14), ("ultra", 21)):
        assert RECOVERY_DAYS[distance] == days
        assert race_phase(race + timedelta(days=days), race, distance) is RacePhase.RECOVERY
        assert race_phase(race + timedelta(days=days + 1), race, distance) is None


@PROPS
@given(weeks(), st.sampled_from(DISTANCES), st.lists(feedbacks, min_size=1, max_size=4))
def test_recovery_legs_are_lighter_lower_and_no_heavier(
    week: RunnerWeek, distance: str, feedback: list[Feedback | None]
) -> None:
    history, _ = lived(week, 42, Coaching(), feedback)
    race = MONDAY + timedelta(days=42)
    coaching = Coaching(race, race_distance=distance)
    for after in range(1, RECOVERY_DAYS[distance] + 1):
        day = race + timedelta(days=after)
        plain = session_on(CATALOG, week, history, day, Coaching(), focus=Focus.LEGS)
        rested = session_on(CATALOG, week, history, day, coaching, focus=Focus.LEGS)
        if plain is None or rested is None or plain.session.focus is not Focus.LEGS:
            continue
        assert not any(item.exercise.kind == "plyo" for item in rested.session.items)
        if after <= LEGS_REST_AFTER_DAYS[distance]:
            # The first days after the race hold no legs: easy core instead.
            assert rested.session.focus is Focus.CORE
            assert rested.adjustment.phase is RacePhase.LEGS_REST
            continue
        if plain.adjustment.lighter_week:  # the usual session is reduced already
            continue
        assert rested.adjustment.phase is RacePhase.RECOVERY
        assert rested.session.level < plain.session.level or plain.session.level == 1
        # Lower rungs hold more reps (bodyweight before load), so fewer sets, not less
        # sets x reps, is what "half the volume" means across two levels.
        sets = sum(item.level.sets for item in rested.session.items)
        assert sets < sum(item.level.sets for item in plain.session.items)
        for target in rested.targets.values():
            if target.next_kg is not None and target.last_kg is not None:
                assert target.next_kg <= target.last_kg


# ---- lighter weeks -----------------------------------------------------------------------


@PROPS
@given(weeks(), st.lists(feedbacks, min_size=1, max_size=4))
def test_a_lighter_week_is_lighter_than_the_week_before_and_never_harder(
    week: RunnerWeek, feedback: list[Feedback | None]
) -> None:
    # Training from Monday: week 4 is the first lighter week.
    _, plans = lived(week, 28, Coaching(), feedback)
    before = [plan for day, plan in plans.items() if 14 <= (day - MONDAY).days < 21]
    lighter = [plan for day, plan in plans.items() if (day - MONDAY).days >= 21]
    assume(before and lighter)
    assert all(plan.adjustment.lighter_week for plan in lighter)
    assert sum(map(session_work, lighter)) < sum(map(session_work, before))
    for plan in lighter:
        same = [p for p in before if p.session.focus is plan.session.focus]
        if not same:
            continue
        assert plan.session.level <= max(p.session.level for p in same)
        for item in plan.session.items:
            earlier = [r for p in same if (r := rung_of(p, item.exercise.id)) is not None]
            rung = rung_of(plan, item.exercise.id)
            if earlier and rung is not None:
                assert rung <= max(earlier), item.exercise.id


# ---- reduced sessions never count --------------------------------------------------------


@PROPS
@given(
    weeks(),
    st.sampled_from(DISTANCES),
    st.lists(feedbacks, min_size=1, max_size=4),
    st.sampled_from([Feedback.EASY, Feedback.RIGHT]),
)
def test_sessions_around_a_race_never_raise_a_level(
    week: RunnerWeek, distance: str, feedback: list[Feedback | None], felt: Feedback
) -> None:
    race = MONDAY + timedelta(days=49)
    coaching = Coaching(race, race_distance=distance)
    history, _ = lived(week, 49 + RECOVERY_DAYS[distance] + 1, coaching, feedback)
    after = race + timedelta(days=RECOVERY_DAYS[distance] + 1)
    reduced = [e for e in history if race_phase(e.day, race, distance) is not None]
    assume(reduced)
    unrated = [Entry(e.day, e.focus, e.status, None) if e in reduced else e for e in history]
    easy = [Entry(e.day, e.focus, e.status, felt) if e in reduced else e for e in history]
    for placed in Focus:
        quiet = session_on(CATALOG, week, unrated, after, coaching, focus=placed)
        keen = session_on(CATALOG, week, easy, after, coaching, focus=placed)
        assert quiet is not None and keen is not None
        assert keen.state.level == quiet.state.level
        assert keen.session.level == quiet.session.level


@PROPS
@given(weeks(), st.sampled_from([Feedback.EASY, Feedback.RIGHT]))
def test_lighter_week_sessions_never_raise_a_level(week: RunnerWeek, felt: Feedback) -> None:
    history, _ = lived(week, 28, Coaching(), [Feedback.HARD])
    lighter_days = {e.day for e in history if is_lighter_week(history, e.day)}
    assume(lighter_days)
    easy = [
        Entry(e.day, e.focus, e.status, felt if e.day in lighter_days else e.feedback)
        for e in history
    ]
    day = MONDAY + timedelta(days=28)
    for placed in Focus:
        held = session_on(CATALOG, week, history, day, Coaching(), focus=placed)
        keen = session_on(CATALOG, week, easy, day, Coaching(), focus=placed)
        assert held is not None and keen is not None
        assert keen.state.level == held.state.level


# ---- the distance, typed -----------------------------------------------------------------


def test_taper_length_follows_the_distance() -> None:
    # Bosquet 2007: 1-2 weeks; a 5 or 10 km ~7-10 days, a half 14, a marathon or ultra 21.
    assert TAPER_DAYS == {"5k": 10, "10k": 10, "half": 14, "marathon": 21, "ultra": 21}
    race = date(2027, 4, 18)
    for distance, days in TAPER_DAYS.items():
        assert race_phase(race - timedelta(days=days), race, distance) is RacePhase.TAPER
        assert race_phase(race - timedelta(days=days + 1), race, distance) is None


@given(st.floats(1, 200), st.sampled_from(["k", "km", " km", "K", " kilometres"]))
def test_a_typed_length_in_km_is_the_distance_it_tapers_like(km: float, unit: str) -> None:
    typed = f"{km:.1f}{unit}"
    found = A.race_distance_from_text(typed, {})
    assert found == A.distance_for_km(float(f"{km:.1f}"))
    assert found in DISTANCES


def test_race_distances_typed_by_name_or_length() -> None:
    named = {"half marathon": "half", "hm": "half", "full": "marathon"}
    for typed, distance in (
        ("half", "half"),
        ("21k", "half"),
        ("21.1 km", "half"),
        ("13.1", "half"),
        ("13.1 miles", "half"),
        ("Half marathon", "half"),
        ("HM", "half"),
        ("marathon", "marathon"),
        ("42.2 km", "marathon"),
        ("26.2", "marathon"),
        ("full", "marathon"),
        ("10K", "10k"),
        ("10 km", "10k"),
        ("5k", "5k"),
        ("5000m", "5k"),
        ("50k", "ultra"),
        ("100 miles", "ultra"),
    ):
        assert A.race_distance_from_text(typed, named) == distance, typed
    for nonsense in ("far", "", "0", "a long one", "-5k"):
        assert A.race_distance_from_text(nonsense, named) is None, nonsense


def test_no_lighter_week_straight_after_the_race_phases() -> None:
    # Training from Monday 7 Sep; week 12 (from 23 Nov) would be lighter, but the week
    # before it is a half marathon's recovery (race Sunday 15 Nov): it already unloaded.
    history = [
        Entry(MONDAY + timedelta(days=n), Focus.LEGS, LogStatus.DONE, Feedback.RIGHT)
        for n in range(0, 7 * 12, 3)
    ]
    week_12 = MONDAY + timedelta(weeks=11, days=1)
    assert is_lighter_week(history, week_12)
    race = MONDAY + timedelta(weeks=10, days=-1)
    assert race_phase(week_12 - timedelta(days=7), race, "half") is RacePhase.RECOVERY
    assert not is_lighter_week(history, week_12, race, "half")
    assert is_lighter_week(history, week_12, race - timedelta(weeks=3), "half")


@PROPS
@given(
    weeks(),
    st.sampled_from(DISTANCES),
    st.integers(15, 60),
    st.lists(feedbacks, min_size=1, max_size=4),
)
def test_a_taper_under_a_time_limit_keeps_the_moves_of_the_same_session_untapered(
    week: RunnerWeek, distance: str, budget: int, feedback: list[Feedback | None]
) -> None:
    """ "Same moves, same weight": a taper session is cut to the time limit after its sets
    are halved, so it holds every move the untapered session would (the tester saw a
    30-minute limit turn five moves into three under "same moves")."""
    history, _ = lived(week, 35, Coaching(budget_minutes=budget), feedback)
    # The taper starts on day 35 (TAPER_DAYS before the race): nothing lived is reduced.
    race = MONDAY + timedelta(days=35 + TAPER_DAYS[distance])
    tapered = Coaching(race, budget_minutes=budget, race_distance=distance)
    for offset in range(7):
        day = MONDAY + timedelta(days=35 + offset)
        plain = session_on(CATALOG, week, history, day, Coaching(budget_minutes=budget))
        taper = session_on(CATALOG, week, history, day, tapered)
        if plain is None or taper is None or taper.adjustment.phase is not RacePhase.TAPER:
            continue
        if plain.adjustment.lighter_week:
            continue
        kept = {item.exercise.id for item in taper.session.items}
        assert {item.exercise.id for item in plain.session.items} <= kept
