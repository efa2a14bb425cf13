"""Charts are drawn off the event loop, a bounded number at once (bot/drawing.py), and
the bot does not load matplotlib until the first chart (issue 15, Engineering)."""

from __future__ import annotations

import asyncio
import io
import json
import random
import subprocess
import sys
import time
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest
from PIL import Image

from bench.chart_samples import generated_chart, timed_draw
from bot.drawing import DRAWER_KEY, Drawer, close_drawer, drawer_of
from bot.messages.progress_chart import ChartData, draw
from testkit.harness import BotHarness

REPO_ROOT = Path(__file__).resolve().parent.parent
LAG_LIMIT_S = 0.050  # the goal: the loop's p99 lag under 50 ms while charts draw


def chart(seed: int, title: str | None = None) -> ChartData:
    data = generated_chart(random.Random(seed), lifts=seed % 3)
    if title is None:
        return data
    return ChartData(title, data.weeks, data.levels, data.lifts, data.lift_unit, data.legend)


async def ticker(lags: list[float], stop: asyncio.Event, every: float = 0.010) -> None:
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        asked = loop.time()
        await asyncio.sleep(every)
        lags.append(loop.time() - asked - every)


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


async def test_the_loop_keeps_turning_while_four_charts_draw() -> None:
    """Drawn on the loop, each chart would stall it for a whole chart's time, and most
    ticks would be that late. Off the loop, no wait comes near that and the 99th
    percentile stays under a quarter of it (or under the issue's 50 ms). Both bars scale
    with the CPU this test gets: the suite runs on every core beside other tests, where
    a fixed 50 ms failed 2 runs in 4 at load ~11 with lags the charts did not cause.
    bench.progress_chart measures the 50 ms goal itself (40 ms p99 here at load 12)."""
    draw(chart(9))  # matplotlib imported and warm in this process
    started = time.perf_counter()
    draw(chart(8))
    on_the_loop = time.perf_counter() - started

    drawer = Drawer(2)
    lags: list[float] = []
    stop = asyncio.Event()
    tick = asyncio.create_task(ticker(lags, stop))
    try:
        pngs = await asyncio.gather(*(drawer.draw(chart(seed)) for seed in range(4)))
    finally:
        stop.set()
        await tick
        drawer.close()
    for png in pngs:
        assert Image.open(io.BytesIO(png)).format == "PNG"
    assert len(lags) > 20, lags  # the charts took a while, and the loop ticked through it
    assert p99(lags) < max(LAG_LIMIT_S, on_the_loop / 4), (sorted(lags)[-5:], on_the_loop)
    assert max(lags) < on_the_loop, (max(lags), on_the_loop)


async def test_at_most_chart_concurrency_charts_draw_at_once() -> None:
    drawer = Drawer(2, draw=timed_draw)
    seen: list[int] = []

    async def watch() -> None:
        while True:
            seen.append(drawer.drawing)
            await asyncio.sleep(0.005)

    watcher = asyncio.create_task(watch())
    try:
        runs = [
            json.loads(r) for r in await asyncio.gather(*(drawer.draw(chart(n)) for n in range(4)))
        ]
    finally:
        watcher.cancel()
        drawer.close()
    assert all(run["bytes"] > 10_000 for run in runs)
    edges = sorted([(run["start"], 1) for run in runs] + [(run["end"], -1) for run in runs])
    running = most = 0
    for _when, change in edges:
        running += change
        most = max(most, running)
    assert most <= 2, runs  # never three (two, unless one worker started late)
    assert max(seen) <= 2


async def test_a_failed_chart_or_a_dead_worker_reaches_the_caller_and_the_next_chart_draws() -> (
    None
):
    drawer = Drawer(1, draw=timed_draw)
    try:
        with pytest.raises(ValueError, match="cannot be drawn"):
            await asyncio.wait_for(drawer.draw(chart(1, "fail")), 60)
        with pytest.raises(BrokenProcessPool):
            await asyncio.wait_for(drawer.draw(chart(2, "die")), 60)
        assert json.loads(await drawer.draw(chart(3)))["bytes"] > 10_000
    finally:
        drawer.close()
    with pytest.raises(RuntimeError, match="closed"):
        await drawer.draw(chart(4))


async def test_the_application_has_one_drawer_with_chart_concurrency_slots_closed_at_shutdown(
    bot: BotHarness,
) -> None:
    drawer = drawer_of(bot.application)
    assert drawer is drawer_of(bot.application)
    assert drawer.concurrency == bot.deps.settings.chart_concurrency == 2
    assert not drawer.started  # no worker until the first chart
    close_drawer(bot.application)
    assert drawer_of(bot.application) is not drawer
    with pytest.raises(RuntimeError, match="closed"):
        await drawer.draw(chart(1))
    # One shared from outside (a test module's) is let go, not closed: its owner closes it.
    shared = Drawer(1)
    bot.application.bot_data[DRAWER_KEY] = shared
    close_drawer(bot.application)
    assert drawer_of(bot.application) is not shared
    assert not shared.closed
    shared.close()
    assert shared.closed


BUILD_THE_BOT = """
import sys
import time
from bot.app import build_application
from bot.content import load_content
from bot.settings import Settings
from bot.store.db import make_engine, make_session_factory

url = "sqlite+aiosqlite:///" + sys.argv[1]
settings = Settings(
    _env_file=None,
    telegram_bot_token="123456789:AAHtestTOKENtestTOKENtestTOKEN123456",
    database_url=url,
)
build_application(settings, sessions=make_session_factory(make_engine(url)), content=load_content())
import bot.drawing, bot.messages.progress_chart
print(sorted(name for name in sys.modules if name.split(".")[0] in ("matplotlib", "PIL")))
"""


def test_building_the_bot_does_not_import_matplotlib(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", BUILD_THE_BOT, str(tmp_path / "coach.db")],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
