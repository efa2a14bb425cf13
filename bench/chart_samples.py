"""Generated /progress charts for the tests and the chart benchmark, and a timed draw for
its worker processes: a light module (a chart worker imports it; bench.progress_chart
imports the whole bot)."""

from __future__ import annotations

import json
import os
import random
import time
from collections.abc import Mapping

from bot.messages.progress_chart import LEGEND_KEYS, MARKS, ChartData, Series, WeekBar, draw

#: The legend's words for generated charts (the bot's own come from content/).
LEGEND: Mapping[str, str] = {
    "done": "Done",
    "planned": "Planned",
    "skipped": "Skipped",
    "moved": "Moved",
    "full": "All done",
    "almost": "One short",
    "short": "Short",
    "paused": "Paused",
    "eased": "Lighter week",
    "rest": "Rest",
    "now": "This week",
    "sessions_axis": "Sessions",
    "levels_axis": "Level",
    "lifts_axis": "kg",
}
assert set(LEGEND) == set(LEGEND_KEYS)
FOCUSES = ("Core", "Legs", "Upper")
LIFTS = ("Goblet squat", "Romanian deadlift", "Split squat")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def generated_chart(rng: random.Random, *, weeks: int = 12, lifts: int = 2) -> ChartData:
    """Twelve plausible weeks: mostly done, some short, a pause, a lighter week, this week
    in progress; levels creeping up; ``lifts`` lifts logged most weeks."""
    bars = []
    for n in range(weeks):
        planned = rng.choice((2, 3, 3, 4))
        mark = "now" if n == weeks - 1 else rng.choice((*MARKS[:5], "full", "full", "full"))
        done = {
            "full": planned,
            "almost": planned - 1,
            "short": rng.randint(0, max(planned - 2, 0)),
            "paused": 0,
            "eased": max(planned - 1, 1),
            "rest": 0,
            "now": rng.randint(0, planned),
        }[mark]
        if mark == "paused":
            planned = 0
        skipped = planned - done if mark == "short" else 0
        moved = int(rng.random() < 0.15) if done else 0
        day = 1 + (7 * n) % 28
        bars.append(WeekBar(f"{day} {MONTHS[(n // 4) % 12]}", planned, done, mark, skipped, moved))
    levels = []
    for name in FOCUSES:
        level = float(rng.randint(1, 4))
        values: list[float | None] = []
        for _ in range(weeks):
            level = min(12.0, level + (rng.random() < 0.3))
            values.append(level)
        levels.append(Series(name, tuple(values)))
    loads = []
    for name in LIFTS[:lifts]:
        kg = float(rng.choice((8, 12, 16, 20)))
        weights: list[float | None] = []
        for _ in range(weeks):
            kg += 2.5 * (rng.random() < 0.4)
            weights.append(kg if rng.random() < 0.8 else None)
        loads.append(Series(name, tuple(weights)))
    return ChartData(
        title="Your last 12 weeks",
        weeks=tuple(bars),
        levels=tuple(levels),
        lifts=tuple(loads),
        lift_unit="kg",
        legend=LEGEND,
    )


def timed_draw(data: ChartData) -> bytes:
    """In a chart worker: the chart drawn for real, reported as when it ran (one monotonic
    clock for every process on Linux) and its PNG's size, for the benchmark's draw()
    time and tests/test_drawing.py's count of charts at once. The titles "fail" and "die"
    ask for a drawing error and a worker killed mid-chart. Here, not in the test module,
    so a worker process imports only this light module."""
    if data.title == "fail":
        raise ValueError("this chart cannot be drawn")
    if data.title == "die":
        os._exit(3)
    start = time.monotonic()
    png = draw(data)
    return json.dumps({"start": start, "end": time.monotonic(), "bytes": len(png)}).encode()
