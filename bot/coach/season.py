"""Simulated seasons: the coach's decisions week by week for a runner with a fixed
pattern of feedback, printed as tables a strength coach can read.

``python -m bot.coach.season`` prints six example runners, each season followed by a
summary (sessions per focus, lower-body share, weekly minutes, the heaviest dose,
plyometric contacts, the weights logged); ``docs/seasons.md`` is its output. Tests use
the same simulation to check progression, lighter weeks, the taper and the week's dose
over twelve weeks. The summary asks what the evidence asks of a runner's strength
programme: lower-body work 2-3 times a week (Blagrove et al. 2018, running economy
+2-8 %), heavy enough to matter (Eihara et al. 2022: ≥ 85 % 1RM or ≤ 5RM), with
plyometrics dosed by ground contacts (40-100 a session).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from bot.coach.day import Coaching, DayPlan, session_on
from bot.coach.phases import is_lighter_week, race_phase
from bot.coach.progression import Entry, Feedback
from bot.coach.session_time import SessionItem
from bot.coach.status import LogStatus
from bot.coach.week import Equipment, Experience, Focus, RunnerWeek
from bot.content import Catalog, load_content

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
SHORT = {Focus.CORE: "Core", Focus.LEGS: "Legs", Focus.UPPER: "Upper"}
NONE_SHOWN = "—"

# The feedback a runner gives to their n-th session (0-based) in season week ``week``
# (1-based); None: the runner never says how it felt.
FeedbackFor = Callable[[int, int, Focus], Feedback | None]


@dataclass(frozen=True)
class Runner:
    name: str
    week: RunnerWeek
    feedback: FeedbackFor
    race_week: int | None = None  # the race is on that week's Sunday
    race_distance: str | None = None  # Coaching.race_distance
    # Weights the runner logs the first time a move comes up (exercise id -> kg); after
    # that they log the coach's target. Empty: the runner never logs a weight.
    start_kg: tuple[tuple[str, float], ...] = ()

    @property
    def logs_weights(self) -> bool:
        return bool(self.start_kg)


@dataclass(frozen=True)
class Week:
    number: int
    monday: date
    sessions: list[DayPlan]
    lighter: bool
    phase: str | None
    loads: tuple[tuple[str, float], ...] = ()  # weights logged this week, in order


def _logged(runner: Runner, plan: DayPlan, logged: set[str]) -> tuple[tuple[str, float], ...]:
    """What a weight-logging runner types after the session: the target where the coach
    gives one, their starting weight the first time a move comes up."""
    if not runner.logs_weights:
        return ()
    loads: list[tuple[str, float]] = []
    for item in plan.session.items:
        exercise_id = item.exercise.id
        target = plan.targets.get(exercise_id)
        if target is not None and target.next_kg is not None:
            loads.append((exercise_id, target.next_kg))
        elif exercise_id in dict(runner.start_kg) and exercise_id not in logged:
            loads.append((exercise_id, dict(runner.start_kg)[exercise_id]))
    logged.update(name for name, _kg in loads)
    return tuple(loads)


def simulate(catalog: Catalog, runner: Runner, start: date, weeks: int = 12) -> list[Week]:
    assert start.weekday() == 0, "a season starts on a Monday"
    race_day = start + timedelta(weeks=runner.race_week - 1, days=6) if runner.race_week else None
    coaching = Coaching(race_day=race_day, race_distance=runner.race_distance)
    history: list[Entry] = []
    season = []
    count = 0
    logged: set[str] = set()
    for number in range(1, weeks + 1):
        monday = start + timedelta(weeks=number - 1)
        sessions = []
        week_loads: list[tuple[str, float]] = []
        for offset in range(7):
            day = monday + timedelta(days=offset)
            plan = session_on(catalog, runner.week, history, day, coaching)
            if plan is None:
                continue
            sessions.append(plan)
            loads = _logged(runner, plan, logged)
            week_loads.extend(loads)
            history.append(
                Entry(
                    day,
                    plan.session.focus,
                    LogStatus.DONE,
                    runner.feedback(count, number, plan.session.focus),
                    loads=loads,
                )
            )
            count += 1
        # The week's note: its phase on Thursday (as the taper's length for the distance
        # says), else whether it was a lighter week, as session_on decided it.
        phase = race_phase(monday + timedelta(days=3), race_day, runner.race_distance)
        lighter = bool(sessions) and is_lighter_week(
            history, monday + timedelta(days=6), race_day, runner.race_distance
        )
        season.append(
            Week(
                number,
                monday,
                sessions,
                lighter,
                phase.value if phase else None,
                tuple(week_loads),
            )
        )
    return season


# --- Reading a session ------------------------------------------------------------


def contacts(item: SessionItem) -> int:
    """Ground contacts of a plyometric item: its reps count contacts, per leg if per side."""
    if item.exercise.kind != "plyo" or item.level.reps is None:
        return 0
    return item.level.sets * item.level.reps * (2 if item.level.per_side else 1)


def session_contacts(plan: DayPlan) -> int:
    return sum(contacts(item) for item in plan.session.items)


def _amount(item: SessionItem) -> int:
    return item.level.reps or item.level.seconds or 0


def rung_of(item: SessionItem) -> int:
    """Which rung of its ladder an item is (1-based), whatever sets or reps a lighter week
    or the taper took off: the exact rung, else the lowest rung of the same variant that
    holds at least as many reps (or seconds), so a cut session never overstates the dose;
    0 if none does."""
    for index, level in enumerate(item.exercise.levels, start=1):
        if level == item.level:
            return index
    shown = item.level.model_dump(exclude={"sets"})
    for index, level in enumerate(item.exercise.levels, start=1):
        if level.model_dump(exclude={"sets"}) == shown and level.sets >= item.level.sets:
            return index
    loose = {"sets", "reps", "seconds"}
    bare = item.level.model_dump(exclude=loose)
    amount = _amount(item)
    found = [
        index
        for index, level in enumerate(item.exercise.levels, start=1)
        if level.model_dump(exclude=loose) == bare and (level.reps or level.seconds or 0) >= amount
    ]
    return min(found, default=0)


def dose(item: SessionItem) -> str:
    level = item.level
    return f"{level.sets}×{level.seconds}s" if level.seconds else f"{level.sets}×{level.reps}"


def cell(plan: DayPlan) -> str:
    """Focus, level, minutes and the first exercise's dose; the contacts if it has plyo."""
    item = plan.session.items[0]
    text = (
        f"{SHORT[plan.session.focus]} L{plan.session.level} {plan.session.minutes}′"
        f" ({item.exercise.name} {dose(item)})"
    )
    jumps = session_contacts(plan)
    return f"{text} · {jumps} contacts" if jumps else text


def _kg(kg: float) -> str:
    return f"{kg:g}"


def weights_text(catalog: Catalog, loads: tuple[tuple[str, float], ...]) -> str:
    """Weights logged, per move in order: 'Barbell back squat 40/42.5'."""
    by_move: dict[str, list[float]] = {}
    for name, kg in loads:
        by_move.setdefault(name, []).append(kg)
    if not by_move:
        return NONE_SHOWN
    return "; ".join(
        f"{catalog.exercises[name].name if name in catalog.exercises else name} "
        + "/".join(_kg(kg) for kg in kgs)
        for name, kgs in by_move.items()
    )


def table(runner: Runner, season: list[Week], catalog: Catalog | None = None) -> str:
    weights = runner.logs_weights
    header = "| week | note | " + " | ".join(DAYS) + " | levels (core/legs/upper) |"
    rule = "|---|---|" + "---|" * 7 + "---|"
    if weights:
        header += " weights (kg) |"
        rule += "---|"
    lines = [f"### {runner.name}", "", header, rule]
    for week in season:
        cells = [""] * 7
        levels: dict[Focus, int] = {}
        for plan in week.sessions:
            cells[plan.day.weekday()] = cell(plan)
            levels[plan.session.focus] = plan.session.level
        note = week.phase or ("lighter" if week.lighter else "")
        shown = "/".join(
            str(levels.get(focus, "·")) for focus in (Focus.CORE, Focus.LEGS, Focus.UPPER)
        )
        line = f"| {week.number} | {note} | " + " | ".join(cells) + f" | {shown} |"
        if weights:
            line += f" {weights_text(catalog or load_content().catalog, week.loads)} |"
        lines.append(line)
    return "\n".join(lines)


# --- The season's summary ------------------------------------------------------------


@dataclass(frozen=True)
class Heaviest:
    """The hardest main lift of the season: the highest rung of a session's first move,
    loaded and lower-body moves first."""

    week: int
    item: SessionItem
    rung: int

    def text(self) -> str:
        level = self.item.level
        reps = f"{level.seconds}s" if level.seconds else str(level.reps)
        rir = f", RIR {level.rir}" if level.rir is not None else ""
        full = self.item.exercise.levels[self.rung - 1] if self.rung else level
        whole = f"{full.seconds}s" if full.seconds else str(full.reps)
        cut = (
            f", cut from {full.sets} × {whole}" if (full.sets, whole) != (level.sets, reps) else ""
        )
        return (
            f"{self.item.exercise.name}: {level.variant}, {level.sets} × {reps}{rir}"
            f" (rung {self.rung}, week {self.week}{cut})"
        )


@dataclass(frozen=True)
class Summary:
    sessions: Mapping[Focus, int]
    legs_share_sessions: float  # 0..1
    legs_share_minutes: float  # 0..1
    weekly_minutes: tuple[int, ...]  # one per week
    heaviest: Heaviest | None
    contacts_per_week: tuple[int, ...]  # one per week
    weights: Mapping[str, tuple[float, float]]  # exercise id -> (first, last) kg logged


def _weight(heaviest: Heaviest) -> tuple[bool, bool, int, int]:
    """Loaded moves first, then lower body (the work that makes runners economical),
    then the highest rung, then the most work (sets times reps)."""
    item = heaviest.item
    return (
        item.exercise.loaded,
        item.exercise.focus is Focus.LEGS,
        heaviest.rung,
        item.level.sets * _amount(item),
    )


def summarize(season: list[Week]) -> Summary:
    plans = [plan for week in season for plan in week.sessions]
    per_focus = Counter(plan.session.focus for plan in plans)
    minutes = sum(plan.session.minutes for plan in plans)
    legs_minutes = sum(plan.session.minutes for plan in plans if plan.session.focus is Focus.LEGS)
    heaviest: Heaviest | None = None
    for week in season:
        for plan in week.sessions:
            if not plan.session.items:
                continue
            main = plan.session.items[0]
            candidate = Heaviest(week.number, main, rung_of(main))
            if heaviest is None or _weight(candidate) > _weight(heaviest):
                heaviest = candidate
    first: dict[str, float] = {}
    last: dict[str, float] = {}
    for week in season:
        for name, kg in week.loads:
            first.setdefault(name, kg)
            last[name] = kg
    return Summary(
        sessions={focus: per_focus.get(focus, 0) for focus in Focus},
        legs_share_sessions=per_focus.get(Focus.LEGS, 0) / len(plans) if plans else 0.0,
        legs_share_minutes=legs_minutes / minutes if minutes else 0.0,
        weekly_minutes=tuple(sum(p.session.minutes for p in week.sessions) for week in season),
        heaviest=heaviest,
        contacts_per_week=tuple(sum(session_contacts(p) for p in week.sessions) for week in season),
        weights={name: (first[name], last[name]) for name in first},
    )


def summary_table(runner: Runner, summary: Summary, catalog: Catalog | None = None) -> str:
    minutes = summary.weekly_minutes
    rows = [
        (
            "sessions per focus",
            " · ".join(f"{SHORT[focus].lower()} {summary.sessions[focus]}" for focus in Focus),
        ),
        (
            "lower-body share",
            f"{summary.legs_share_sessions:.0%} of sessions · "
            f"{summary.legs_share_minutes:.0%} of minutes",
        ),
        (
            "weekly minutes",
            f"min {min(minutes)} · avg {sum(minutes) / len(minutes):.0f} · max {max(minutes)}",
        ),
        ("heaviest dose", summary.heaviest.text() if summary.heaviest else NONE_SHOWN),
        ("plyometric contacts per week (max)", str(max(summary.contacts_per_week))),
    ]
    if runner.logs_weights:
        names = (catalog or load_content().catalog).exercises
        shown = "; ".join(
            f"{names[name].name if name in names else name} {_kg(a)} → {_kg(b)} kg"
            for name, (a, b) in summary.weights.items()
        )
        rows.append(("weights logged (first → last)", shown or NONE_SHOWN))
    return "\n".join(
        ["| summary | |", "|---|---|", *(f"| {name} | {value} |" for name, value in rows)]
    )


# --- The example runners -------------------------------------------------------------


def _steady(n: int, week: int, focus: Focus) -> Feedback:
    return Feedback.HARD if n % 5 == 4 else Feedback.RIGHT


def _keen(n: int, week: int, focus: Focus) -> Feedback:
    if week in (6, 7) and focus is Focus.LEGS:
        return Feedback.TOO_HARD
    return Feedback.EASY if n % 3 else Feedback.RIGHT


def _racer(n: int, week: int, focus: Focus) -> Feedback:
    return Feedback.RIGHT if n % 4 else Feedback.HARD


def _silent(n: int, week: int, focus: Focus) -> None:
    return None


BEGINNER = Runner(
    "Beginner, no equipment, runs Tue/Thu/Sun (long run Sunday), 2 sessions a week",
    RunnerWeek(
        run_days=frozenset({1, 3, 6}),
        long_run_day=6,
        sessions_per_week=2,
        experience=Experience.NEW,
        equipment=Equipment.NONE,
    ),
    _steady,
)
INTERMEDIATE = Runner(
    "Intermediate with dumbbells, runs 5 days (long run Sunday, intervals Tuesday), "
    "3 a week; legs felt too hard in weeks 6 and 7",
    RunnerWeek(
        run_days=frozenset({0, 1, 3, 4, 6}),
        long_run_day=6,
        hard_days=frozenset({1}),
        sessions_per_week=3,
        experience=Experience.SOME,
        equipment=Equipment.DUMBBELLS,
    ),
    _keen,
)
RACER = Runner(
    "Experienced, gym, race on Sunday of week 10, runs 5 days, 3 a week",
    RunnerWeek(
        run_days=frozenset({1, 2, 3, 5, 6}),
        long_run_day=6,
        hard_days=frozenset({1, 3}),
        sessions_per_week=3,
        experience=Experience.EXPERIENCED,
        equipment=Equipment.GYM,
        pull_up_bar=True,
    ),
    _racer,
    race_week=10,
)
NO_FEEDBACK = Runner(
    "New to strength work, gym, runs Tue/Thu/Sat (long run Saturday), 3 a week; "
    "never says how a session felt",
    RunnerWeek(
        run_days=frozenset({1, 3, 5}),
        long_run_day=5,
        sessions_per_week=3,
        experience=Experience.NEW,
        equipment=Equipment.GYM,
    ),
    _silent,
)
GYM = Runner(
    "Some experience, gym and pull-up bar, runs Mon/Wed/Fri/Sun (long run Sunday, "
    "tempo Wednesday), 3 a week, steady feedback; logs the weights (back squat from 40 kg)",
    RunnerWeek(
        run_days=frozenset({0, 2, 4, 6}),
        long_run_day=6,
        hard_days=frozenset({2}),
        sessions_per_week=3,
        experience=Experience.SOME,
        equipment=Equipment.GYM,
        pull_up_bar=True,
    ),
    _steady,
    start_kg=(("back_squat", 40.0),),
)
MARATHONER = Runner(
    "Marathoner, experienced, gym, marathon on Sunday of week 10, runs 6 days "
    "(long run Sunday, workouts Tue/Thu), 3 a week",
    RunnerWeek(
        run_days=frozenset({1, 2, 3, 4, 5, 6}),
        long_run_day=6,
        hard_days=frozenset({1, 3}),
        sessions_per_week=3,
        experience=Experience.EXPERIENCED,
        equipment=Equipment.GYM,
        pull_up_bar=True,
    ),
    _racer,
    race_week=10,
    race_distance="marathon",
)
EXAMPLES = (BEGINNER, INTERMEDIATE, RACER, NO_FEEDBACK, GYM, MARATHONER)
SEASON_START = date(2027, 1, 4)


def main() -> None:
    catalog = load_content().catalog
    print(f"## {len(EXAMPLES)} simulated 12-week seasons\n")
    print(
        "Generated by `python -m bot.coach.season > docs/seasons.md`. "
        "Each cell: focus, level, estimated minutes, and the first exercise's dose; "
        "the plyometric ground contacts when the session has hops, skips or bounds. "
        "Feedback follows a fixed pattern per runner (see bot/coach/season.py). "
        "Each season ends with a summary: sessions per focus, the lower-body share of "
        "sessions and of minutes, weekly minutes, the heaviest main lift (highest rung, "
        "loaded and lower-body moves first), the most plyometric contacts in a week, "
        "and the weights logged by a runner who logs them.\n"
    )
    for runner in EXAMPLES:
        season = simulate(catalog, runner, SEASON_START)
        print(table(runner, season, catalog))
        print()
        print(summary_table(runner, summarize(season), catalog))
        print()


if __name__ == "__main__":  # pragma: no cover
    main()
