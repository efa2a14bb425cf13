"""Where in the runner's week the strength sessions go.

Running is the sport; strength work has to fit around it without spoiling the
runs that matter (docs/architecture.md). Heavy leg work hurts running for up to
72 h, so some leg placements are simply forbidden; everything else is a
trade-off, scored with weighted penalties and solved by brute force, because a
week has only seven days and even three sessions give a few hundred
candidates. Brute force also makes the result easy to trust: the chosen plan
is provably the cheapest, and the tie-break is spelled out.

The week is treated as cyclic (Sunday is followed by Monday) because the same
placement repeats every week, so a Sunday session and a Monday session are
back to back in the runner's legs even though they sit in different weeks.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from functools import lru_cache
from itertools import combinations, permutations

from bot.coach.week import WEEKDAYS, Focus, PlannedDay, RunnerWeek, WeekPlan

DAYS_IN_WEEK = len(WEEKDAYS)

# A fixed Monday, so week numbers never depend on ISO week rules and never
# reset at New Year (ISO weeks 52/53 -> 1 would break the parity alternation).
EPOCH_MONDAY = date(2001, 1, 1)

MIN_SESSIONS = 1
MAX_SESSIONS = 3

# --- Rule ids -------------------------------------------------------------
# Stable strings, so tests and the "why today?" messages can refer to them.

# Hard rules: the engine never produces a plan that breaks one.
LEGS_ON_LONG_RUN = "legs-on-long-run"
LEGS_BEFORE_LONG_RUN = "legs-before-long-run"
LEGS_BEFORE_HARD_DAY = "legs-before-hard-day"
LEGS_AFTER_LONG_RUN = "legs-after-long-run"
HARD_RULES: tuple[str, ...] = (
    LEGS_ON_LONG_RUN,
    LEGS_BEFORE_LONG_RUN,
    LEGS_BEFORE_HARD_DAY,
    LEGS_AFTER_LONG_RUN,
)

# Soft rules, highest priority first.
BACK_TO_BACK = "back-to-back"
LIGHT_ON_HARD_DAY = "core-or-upper-on-hard-day"
LIGHT_ON_LONG_RUN = "core-or-upper-on-long-run"
STRENGTH_AFTER_LONG_RUN = "strength-after-long-run"
SOFT_RULES: tuple[str, ...] = (
    BACK_TO_BACK,
    LIGHT_ON_HARD_DAY,
    LIGHT_ON_LONG_RUN,
    STRENGTH_AFTER_LONG_RUN,
)

# --- Penalty weights ------------------------------------------------------
# Each tier must outweigh everything below it combined, so the weighted sum
# behaves like a strict priority order (tests check the arithmetic below):
#   small preferences: at most 3 (legs off a hard day) + 2*2 (spread: two
#     sessions one day apart) + 1 (one core/upper on an easy run) = 8
#   rule 3, one day a week:          30 > 8
#   rule 2, per session:             40 > 30 + 8
#   rule 1, per pair:               200 > 3*40 + 30 + 8 = 158
W_BACK_TO_BACK = 200
W_LIGHT_ON_RUN = 40
W_AFTER_LONG_RUN = 30
W_LEGS_OFF_HARD_DAY = 3
W_SPREAD = 2
W_LIGHT_ON_EASY_RUN = 1

SOFT_WEIGHTS: Mapping[str, int] = {
    BACK_TO_BACK: W_BACK_TO_BACK,
    LIGHT_ON_HARD_DAY: W_LIGHT_ON_RUN,
    LIGHT_ON_LONG_RUN: W_LIGHT_ON_RUN,
    STRENGTH_AFTER_LONG_RUN: W_AFTER_LONG_RUN,
}

_LIGHT = (Focus.CORE, Focus.UPPER)


def _next(day: int) -> int:
    return (day + 1) % DAYS_IN_WEEK


def _prev(day: int) -> int:
    return (day - 1) % DAYS_IN_WEEK


def clamp_sessions(sessions_per_week: int) -> int:
    """Zero sessions is the failure mode the coach exists to prevent (docs/architecture.md)."""
    return min(max(sessions_per_week, MIN_SESSIONS), MAX_SESSIONS)


def legs_blockers(week: RunnerWeek, day: int) -> list[str]:
    """Hard rules a leg session on ``day`` would break; heavy legs cost ~72 h of running."""
    broken: list[str] = []
    long_run = week.long_run_day
    if long_run is not None:
        if day == long_run:
            broken.append(LEGS_ON_LONG_RUN)
        if _next(day) == long_run:
            broken.append(LEGS_BEFORE_LONG_RUN)
    if _next(day) in week.hard_days:
        broken.append(LEGS_BEFORE_HARD_DAY)
    if long_run is not None and _prev(day) == long_run:
        broken.append(LEGS_AFTER_LONG_RUN)
    return broken


def legal_legs_days(week: RunnerWeek) -> frozenset[int]:
    """Days where legs can go at all; empty means legs must be swapped out this week."""
    return frozenset(d for d in WEEKDAYS if not legs_blockers(week, d))


def _soft_counts(week: RunnerWeek, sessions: Mapping[int, Focus]) -> Counter[str]:
    """Count soft-rule breaches; shared by the optimiser and ``explain_violations``."""
    counts: Counter[str] = Counter()
    long_run = week.long_run_day
    for day, focus in sessions.items():
        if _next(day) in sessions:
            counts[BACK_TO_BACK] += 1
        if focus in _LIGHT:
            # One breach per session even if a long run is also flagged hard,
            # so the tier arithmetic above holds.
            if day == long_run:
                counts[LIGHT_ON_LONG_RUN] += 1
            elif day in week.hard_days:
                counts[LIGHT_ON_HARD_DAY] += 1
        if long_run is not None and _prev(day) == long_run:
            counts[STRENGTH_AFTER_LONG_RUN] += 1
    return counts


def _min_cyclic_gap(days: Iterable[int]) -> int | None:
    ordered = sorted(days)
    if len(ordered) < 2:
        return None
    return min(
        (ordered[(i + 1) % len(ordered)] - ordered[i]) % DAYS_IN_WEEK for i in range(len(ordered))
    )


def _preference_penalty(week: RunnerWeek, sessions: Mapping[int, Focus]) -> int:
    """Tie-breakers between plans that satisfy rules 1-3 equally well."""
    penalty = 0
    for day, focus in sessions.items():
        if focus is Focus.LEGS and week.hard_days and day not in week.hard_days:
            # "Hard days hard": stacking legs onto a hard run keeps easy days easy.
            penalty += W_LEGS_OFF_HARD_DAY
        if focus in _LIGHT and day in week.run_days and week.is_easy_or_rest(day):
            # A rest day leaves more in the tank than an easy run does.
            penalty += W_LIGHT_ON_EASY_RUN
    gap = _min_cyclic_gap(sessions)
    if gap is not None:
        # Evenly spread sessions give each one the most recovery.
        ideal = DAYS_IN_WEEK // len(sessions)
        penalty += W_SPREAD * max(ideal - gap, 0)
    return penalty


def plan_cost(week: RunnerWeek, sessions: Mapping[int, Focus]) -> int:
    """Total weighted penalty; exposed so tests and tools can compare alternatives."""
    counts = _soft_counts(week, sessions)
    soft = sum(SOFT_WEIGHTS[rule] * n for rule, n in counts.items())
    return soft + _preference_penalty(week, sessions)


def two_legs_possible(legal: Iterable[int]) -> bool:
    """Whether two leg sessions fit on legal legs days that are not back to back (cyclic).

    Two heavy leg sessions need 48 h between them, like any hard session; a week whose
    only legal legs days touch gets one leg session and the old core/upper rotation.
    """
    days = sorted(set(legal))
    return any(
        (b - a) % DAYS_IN_WEEK not in (1, DAYS_IN_WEEK - 1) for a, b in combinations(days, 2)
    )


def _foci(sessions: int, legal: frozenset[int], odd_week: bool) -> tuple[Focus, ...]:
    """Which foci this week: lower body two or three times, upper body where there is room.

    Running economy improves with lower-body strength work done 2-3 times a week
    (Blagrove et al. 2018, Sports Med: +2-8 %), and two sessions a week are what builds
    strength in runners while one maintains it (Rønnestad & Mujika 2014). So a
    two-session week is legs + legs and a three-session week legs + legs + upper; core is
    built into the leg sessions (content/sessions.toml). Only a week that cannot hold two
    leg sessions on legal, non-adjacent days falls back to one leg session plus a
    core/upper rotation, whose alternation covers all three foci over any two weeks.
    """
    if legal and (sessions == 1 or two_legs_possible(legal)):
        return ((Focus.LEGS,), (Focus.LEGS, Focus.LEGS), (Focus.LEGS, Focus.LEGS, Focus.UPPER))[
            sessions - 1
        ]
    if legal:
        if sessions == 2:
            return (Focus.LEGS, Focus.UPPER if odd_week else Focus.CORE)
        return (Focus.LEGS, Focus.CORE, Focus.UPPER)
    if sessions == 1:
        return (Focus.CORE,)
    if sessions == 2:
        return (Focus.CORE, Focus.UPPER)
    # Three sessions without legs: one focus must repeat; alternate which one.
    if odd_week:
        return (Focus.UPPER, Focus.UPPER, Focus.CORE)
    return (Focus.CORE, Focus.CORE, Focus.UPPER)


# Distinct (running week, sessions, parity) shapes: 1,000 random runners already had more
# than 1,024, and each miss is a millisecond of search. An entry is a few hundred bytes.
SOLVE_CACHE_SIZE = 8192


@lru_cache(maxsize=SOLVE_CACHE_SIZE)
def _solve(week: RunnerWeek, sessions: int, odd_week: bool) -> tuple[tuple[int, Focus], ...]:
    """Exhaustive search; cached because next_session asks for the same week repeatedly."""
    legal = legal_legs_days(week)
    foci = _foci(sessions, legal, odd_week)
    # Rank foci by role, not name, so that legs+core and legs+upper weeks (and
    # the two no-legs variants) land on the same days: the runner's routine stays put.
    rank = {focus: foci.index(focus) for focus in foci}
    best_key: tuple[int, tuple[int, ...], tuple[int, ...]] | None = None
    best: tuple[tuple[int, Focus], ...] = ()
    for days in combinations(WEEKDAYS, sessions):
        for assignment in dict.fromkeys(permutations(foci)):
            pairs = tuple(zip(days, assignment, strict=True))
            if any(f is Focus.LEGS and d not in legal for d, f in pairs):
                continue
            placed = dict(pairs)
            # Tie-break: cheapest, then earliest days, then role order.
            key = (plan_cost(week, placed), days, tuple(rank[f] for f in assignment))
            if best_key is None or key < best_key:
                best_key = key
                best = pairs
    return best


def _planning_view(week: RunnerWeek) -> RunnerWeek:
    """Drop fields that don't affect placement so the cache isn't split by timezone etc."""
    return RunnerWeek(
        run_days=frozenset(week.run_days),
        long_run_day=week.long_run_day,
        hard_days=frozenset(week.hard_days),
    )


def plan_week(week: RunnerWeek, week_index: int = 0) -> WeekPlan:
    """Same days every week so the habit sticks; ``week_index`` parity only rotates a focus."""
    sessions = clamp_sessions(week.sessions_per_week)
    solved = _solve(_planning_view(week), sessions, week_index % 2 == 1)
    # Fresh dict every call: the cached tuple must not be mutable by callers.
    return WeekPlan(sessions=dict(solved))


def week_index_of(day: date) -> int:
    """Weeks since a fixed Monday, so parity never glitches at New Year or ISO week 53."""
    return (day - EPOCH_MONDAY).days // DAYS_IN_WEEK


def plan_for_date(week: RunnerWeek, day: date) -> Focus | None:
    """Today's focus, or None on a strength-free day."""
    return plan_week(week, week_index_of(day)).focus_on(day.weekday())


def next_session(
    week: RunnerWeek,
    after: date,
    include_today: bool = False,
    horizon_days: int = 14,
) -> PlannedDay | None:
    """First session within ``horizon_days`` after ``after``; None only if the horizon is short.

    Every week has at least one session, so a horizon of 7 days or more always finds one.
    """
    first = 0 if include_today else 1
    for offset in range(first, horizon_days + 1):
        day = after + timedelta(days=offset)
        focus = plan_for_date(week, day)
        if focus is not None:
            return PlannedDay(day=day, focus=focus)
    return None


def explain_violations(week: RunnerWeek, plan: WeekPlan) -> list[str]:
    """Rule ids a plan breaks, hard rules first then soft by priority, each once.

    Works on any plan, not just ours, so hand-edited or stored plans can be audited
    and the bot can say *why* a day was (not) picked.
    """
    broken: set[str] = set()
    for day, focus in plan.sessions.items():
        if focus is Focus.LEGS:
            broken.update(legs_blockers(week, day))
    broken.update(rule for rule, n in _soft_counts(week, plan.sessions).items() if n)
    return [rule for rule in (*HARD_RULES, *SOFT_RULES) if rule in broken]
