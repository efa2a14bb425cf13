"""A simulated season: the coach's decisions week by week for a runner with a fixed
sequence of feedback, printed as a table a coach can read.

``python -m bot.coach.season`` prints the three example runners; ``docs/seasons.md``
holds its output. Tests use the same simulation to check progression, lighter weeks
and the taper over twelve weeks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from bot.coach.day import Coaching, DayPlan, session_on
from bot.coach.phases import is_lighter_week, race_phase
from bot.coach.progression import Entry, Feedback
from bot.coach.status import LogStatus
from bot.coach.week import Equipment, Experience, Focus, RunnerWeek
from bot.content import Catalog, load_content

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
SHORT = {Focus.CORE: "Core", Focus.LEGS: "Legs", Focus.UPPER: "Upper"}

# The feedback a runner gives to their n-th session (0-based).
FeedbackFor = Callable[[int, Focus], Feedback]


@dataclass(frozen=True)
class Runner:
    name: str
    week: RunnerWeek
    feedback: FeedbackFor
    race_week: int | None = None  # the race is on that week's Sunday


@dataclass(frozen=True)
class Week:
    number: int
    monday: date
    sessions: list[DayPlan]
    lighter: bool
    phase: str | None


def simulate(catalog: Catalog, runner: Runner, start: date, weeks: int = 12) -> list[Week]:
    assert start.weekday() == 0, "a season starts on a Monday"
    race_day = start + timedelta(weeks=runner.race_week - 1, days=6) if runner.race_week else None
    coaching = Coaching(race_day=race_day)
    history: list[Entry] = []
    season = []
    count = 0
    for number in range(1, weeks + 1):
        monday = start + timedelta(weeks=number - 1)
        sessions = []
        for offset in range(7):
            day = monday + timedelta(days=offset)
            plan = session_on(catalog, runner.week, history, day, coaching)
            if plan is None:
                continue
            sessions.append(plan)
            history.append(
                Entry(
                    day,
                    plan.session.focus,
                    LogStatus.DONE,
                    runner.feedback(count, plan.session.focus),
                )
            )
            count += 1
        phase = race_phase(monday + timedelta(days=3), race_day)
        lighter = bool(sessions) and is_lighter_week(history, monday + timedelta(days=6))
        season.append(Week(number, monday, sessions, lighter, phase.value if phase else None))
    return season


def table(runner: Runner, season: list[Week]) -> str:
    lines = [
        f"### {runner.name}",
        "",
        "| week | note | " + " | ".join(DAYS) + " | levels (core/legs/upper) |",
        "|---|---|" + "---|" * 7 + "---|",
    ]
    for week in season:
        cells = [""] * 7
        levels: dict[Focus, int] = {}
        for plan in week.sessions:
            item = plan.session.items[0]
            dose = (
                f"{item.level.sets}×{item.level.seconds}s"
                if item.level.seconds
                else f"{item.level.sets}×{item.level.reps}"
            )
            cells[plan.day.weekday()] = (
                f"{SHORT[plan.session.focus]} L{plan.session.level} {plan.session.minutes}′"
                f" ({item.exercise.name} {dose})"
            )
            levels[plan.session.focus] = plan.session.level
        note = week.phase or ("lighter" if week.lighter else "")
        shown = "/".join(
            str(levels.get(focus, "·")) for focus in (Focus.CORE, Focus.LEGS, Focus.UPPER)
        )
        lines.append(f"| {week.number} | {note} | " + " | ".join(cells) + f" | {shown} |")
    return "\n".join(lines)


def _steady(n: int, focus: Focus) -> Feedback:
    return Feedback.HARD if n % 5 == 4 else Feedback.RIGHT


def _keen(n: int, focus: Focus) -> Feedback:
    if 15 <= n <= 18 and focus is Focus.LEGS:  # the legs sessions of weeks 6 and 7
        return Feedback.TOO_HARD
    return Feedback.EASY if n % 3 else Feedback.RIGHT


def _racer(n: int, focus: Focus) -> Feedback:
    return Feedback.RIGHT if n % 4 else Feedback.HARD


EXAMPLES = (
    Runner(
        "Beginner, no equipment, runs Tue/Thu/Sun (long run Sunday), 2 sessions a week",
        RunnerWeek(
            run_days=frozenset({1, 3, 6}),
            long_run_day=6,
            sessions_per_week=2,
            experience=Experience.NEW,
            equipment=Equipment.NONE,
        ),
        _steady,
    ),
    Runner(
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
    ),
    Runner(
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
    ),
)
SEASON_START = date(2027, 1, 4)


def main() -> None:
    catalog = load_content().catalog
    print("## Three simulated 12-week seasons\n")
    print(
        "Each cell: focus, level, estimated minutes, and the first exercise's dose. "
        "Feedback follows a fixed pattern per runner (see bot/coach/season.py).\n"
    )
    for runner in EXAMPLES:
        print(table(runner, simulate(catalog, runner, SEASON_START)))
        print()


if __name__ == "__main__":  # pragma: no cover
    main()
