"""The /progress benchmark: 100 runners with a year of history each ask for their picture
through the real Application and the stub Bot API, beside a baseline in the same run.

Run from the repository root::

    .venv/bin/python -m bench.progress_chart [--runners 100] [--rate 2] [--concurrency 2]
    .venv/bin/python -m bench.progress_chart --example docs/progress-example.png

What it prints, for the README's table:

* time to the photo: from the moment the ``/progress`` update is handed to the
  application's update processor (as polling hands it) to the moment the stub accepted
  the ``sendPhoto`` upload, p50 and p99 over the runners;
* the event loop's lag meanwhile (a 10 ms sleep's lateness, as bench.updates measures it),
  p99 and max;
* the same for the baseline, measured first in the same run: the same runners asking
  ``/week`` (the same runner and log read, a text answer, no picture) at the same rate;
* ``draw()`` alone: the chart module's own time per chart, one after another in this
  process, on the same runners' charts.

Requests arrive ``--rate`` a second (default 2: 100 runners within 50 s); ``--rate 0``
hands all of them over at once, so most of a request's time is its turn in the queue for
``CHART_CONCURRENCY`` workers. The runners are bot.coach.season's six example runners'
52-week seasons (the gym runner logs weights), 1 session in 10 skipped and 1 in 20 never
logged, written with the store before the clock starts. The bot's rate limiter runs
without its 30 msg/s pacing, as in bench.updates.

``--example PATH`` writes docs/progress-example.png instead: the picture of the simulated
beginner's 12-week season, drawn by the bot's own read_progress, chart_data and content.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import math
import os
import platform
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as time_of_day
from importlib.metadata import version
from pathlib import Path
from typing import Any

from telegram.request import RequestData

import bot.app as app_module
from bot.app import build_application
from bot.coach.season import BEGINNER, EXAMPLES, SEASON_START, simulate
from bot.coach.season import Runner as SeasonRunner
from bot.coach.status import LogStatus
from bot.content import load_content
from bot.deps import get_deps
from bot.drawing import close_drawer, drawer_of
from bot.messages.progress_chart import ChartData, draw
from bot.settings import Settings
from bot.store import runners as runner_store
from bot.store.db import SessionFactory, make_engine, make_session_factory, migrate, transaction
from bot.store.models import SessionLog
from testkit.harness import TOKEN, FakeClock, InProcessRequest
from testkit.stub_bot_api import StubBotAPI


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (as bench.updates); 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1))
    return ordered[rank]


@dataclass
class Round:
    """One command asked by every runner: when each was handed to the bot, when its
    answer (``sendPhoto`` for /progress, ``sendMessage`` for /week) left, the loop's lag."""

    command: str
    answer_method: str
    asked: dict[int, float] = field(default_factory=dict)
    answered: dict[int, float] = field(default_factory=dict)
    lags: list[float] = field(default_factory=list)
    wall: float = 0.0

    def latencies(self) -> list[float]:
        return [
            self.answered[chat] - at for chat, at in self.asked.items() if chat in self.answered
        ]


class AnswerTimes(InProcessRequest):
    """The harness's in-process request that notes when each chat's answer went out (the
    stub has accepted it: what the runner would then see)."""

    def __init__(self, stub: StubBotAPI) -> None:
        super().__init__(stub)
        self.round: Round | None = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        result = await super().do_request(url, method, request_data)
        current = self.round
        if current is not None and url.endswith("/" + current.answer_method) and request_data:
            chat = int(str(request_data.parameters["chat_id"]))
            current.answered.setdefault(chat, time.perf_counter())
        return result


async def watch_loop(lags: list[float], stop: asyncio.Event, every: float = 0.010) -> None:
    """The event loop's lag: how late a 10 ms sleep wakes (as bench.updates measures it)."""
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        asked = loop.time()
        await asyncio.sleep(every)
        lags.append(loop.time() - asked - every)


async def seed(
    sessions: SessionFactory,
    chats: list[int],
    now: datetime,
    seed_: int,
    *,
    runners: tuple[SeasonRunner, ...] = EXAMPLES,
    weeks: int = 52,
    skipped: float = 0.10,
    missed: float = 0.05,
) -> None:
    """Each runner ``weeks`` of history up to ``now``: the season of one of
    bot.coach.season's example runners with its feedback (the gym runner logs weights),
    each session done, skipped (``skipped`` of them) or never logged (``missed``); the
    coach's levels then follow from the log as in the simulation. Written with the
    store: setup, not workload."""
    content = load_content()
    rng = random.Random(seed_)
    start = (now - timedelta(weeks=weeks - 1)).date()
    start -= timedelta(days=start.weekday())
    seasons = [(runner, simulate(content.catalog, runner, start, weeks)) for runner in runners]
    async with transaction(sessions) as session:
        for chat in chats:
            runner, season = seasons[chat % len(seasons)]
            await runner_store.save_week(
                session,
                chat_id=chat,
                first_name="Runner",
                week=runner.week,
                next_reminder_utc=None,
                now=datetime.combine(start, datetime.min.time(), UTC),
            )
            count = 0  # the runner's n-th session, as simulate() asks their feedback
            for week in season:
                loads = dict(week.loads)
                for plan in week.sessions:
                    feedback = runner.feedback(count, week.number, plan.session.focus)
                    count += 1
                    if plan.day >= now.date():
                        continue
                    roll = rng.random()
                    if roll < missed:
                        continue
                    status = LogStatus.SKIPPED if roll < missed + skipped else LogStatus.DONE
                    ids = {item.exercise.id for item in plan.session.items}
                    told = {name: kg for name, kg in loads.items() if name in ids}
                    done = status == LogStatus.DONE
                    # The rows logs.add_log, set_feedback and set_loads would leave, written
                    # in one go: a year for 100 runners is ~13,000 of them.
                    session.add(
                        SessionLog(
                            chat_id=chat,
                            local_date=plan.day,
                            focus=plan.session.focus.value,
                            status=status,
                            planned=True,
                            feedback=feedback.value if done and feedback is not None else None,
                            loads=json.dumps(told, sort_keys=True) if done and told else None,
                            created_at=datetime.combine(plan.day, datetime.min.time(), UTC),
                        )
                    )


async def run_round(
    app: Any, stub: StubBotAPI, request: AnswerTimes, chats: list[int], command: str, rate: float
) -> Round:
    """Every runner sends ``command``: at ``rate`` a second (0: all at once), each handed
    to the application's update processor as polling hands it; until every answer left."""
    answer = "sendPhoto" if command == "/progress" else "sendMessage"
    result = Round(command, answer)
    request.round = result
    for chat in chats:
        stub.send_text(chat, command)
    updates = list(await app.bot.get_updates(offset=_offset(app), timeout=0))
    if updates:
        app.bot_data["bench_offset"] = updates[-1].update_id + 1
        await app.bot.get_updates(offset=app.bot_data["bench_offset"], timeout=0)
    stop = asyncio.Event()
    watcher = asyncio.create_task(watch_loop(result.lags, stop))
    tasks = []
    started = time.perf_counter()
    for n, update in enumerate(updates):
        if rate > 0:
            due = started + n / rate
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
        assert update.effective_chat is not None
        result.asked[update.effective_chat.id] = time.perf_counter()
        tasks.append(
            asyncio.create_task(
                app.update_processor.process_update(update, app.process_update(update))
            )
        )
    await asyncio.gather(*tasks)
    result.wall = time.perf_counter() - started
    stop.set()
    await watcher
    request.round = None
    return result


def _offset(app: Any) -> int:
    return int(app.bot_data.get("bench_offset", 0))


async def chart_inputs(app: Any, chats: list[int], now: datetime) -> list[ChartData]:
    """The ChartData /progress draws for each runner (the data service and the message
    module's own functions)."""
    from bot.messages import progress as progress_messages
    from bot.services.progress import read_progress

    deps = get_deps(app)
    charts = []
    async with transaction(deps.sessions) as session:
        for chat in chats:
            progress = await read_progress(session, chat, now, catalog=deps.content.catalog)
            assert progress is not None
            charts.append(progress_messages.chart_data(deps.content, progress))
    return charts


def draw_alone(charts: list[ChartData]) -> list[float]:
    """draw() itself, one chart after another in this process: the module's own cost."""
    draw(charts[0])  # matplotlib's import and font cache, as a worker's first chart pays
    seconds = []
    for chart in charts:
        started = time.perf_counter()
        draw(chart)
        seconds.append(time.perf_counter() - started)
    return seconds


async def main_async(args: argparse.Namespace) -> int:
    chats = [1000 + n for n in range(args.runners)]
    now = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        engine = make_engine(url)
        await migrate(engine)
        sessions = make_session_factory(engine)
        print(f"seeding {args.runners} runners with a year of history ...", file=sys.stderr)
        await seed(sessions, chats, now, args.seed)
        with StubBotAPI() as stub, unthrottled():
            request = AnswerTimes(stub)
            settings = Settings(
                _env_file=None,
                telegram_bot_token=TOKEN,
                telegram_base_url=stub.base_url,
                database_url=url,
                chart_concurrency=args.concurrency,
            )
            app = build_application(
                settings,
                sessions=sessions,
                content=load_content(),
                clock=FakeClock(now),
                request=request,
                get_updates_request=InProcessRequest(stub),
            )
            await app.initialize()
            try:
                charts = await chart_inputs(app, chats, now)
                # The workers' start (a process each, matplotlib imported: seconds, once
                # per bot) is not a request's cost: paid before the clock starts, shown.
                started = time.perf_counter()
                drawer = drawer_of(app)
                await asyncio.gather(*(drawer.draw(chart) for chart in charts[: args.concurrency]))
                cold = time.perf_counter() - started
                # The baseline first, on the same runners at the same rate: /week reads
                # the same runner and log and answers with text.
                baseline = await run_round(app, stub, request, chats, "/week", args.rate)
                progress = await run_round(app, stub, request, chats, "/progress", args.rate)
            finally:
                close_drawer(app)
                await app.shutdown()
        await engine.dispose()
    alone = draw_alone(charts[: args.draws])
    photos = [upload for upload in stub.uploads() if upload.chat_id in set(chats)]
    print_results(args, baseline, progress, alone, photos, cold)
    missing = len(chats) - len(progress.answered)
    return 1 if missing else 0


def print_results(
    args: argparse.Namespace,
    baseline: Round,
    progress: Round,
    alone: list[float],
    photos: list[Any],
    cold: float,
) -> None:
    def ms(seconds: float) -> str:
        return f"{seconds * 1000:,.0f} ms"

    print(
        f"{args.runners} runners, a year of history each; {args.rate or 'all at once'}"
        f"{' a second' if args.rate else ''}; CHART_CONCURRENCY={args.concurrency}; "
        f"{os.cpu_count()} cores; Python {platform.python_version()}, "
        f"matplotlib {version('matplotlib')}; load average before "
        f"{args.load_before:.1f}"
    )
    print()
    print("| | answered | p50 to the answer | p99 to the answer | loop lag p99 | loop lag max |")
    print("|---|---|---|---|---|---|")
    for label, one in (
        ("baseline: /week (text)", baseline),
        ("/progress (photo)", progress),
    ):
        times = one.latencies()
        print(
            f"| {label} | {len(times)}/{len(one.asked)} | {ms(percentile(times, 50))} | "
            f"{ms(percentile(times, 99))} | {ms(percentile(one.lags, 99))} | "
            f"{ms(max(one.lags, default=0.0))} |"
        )
    sizes = [len(photo.data) for photo in photos] or [0]
    print(
        f"| draw() alone, {len(alone)} charts in one process | | {ms(percentile(alone, 50))} | "
        f"{ms(percentile(alone, 99))} | | |"
    )
    print()
    print(f"photos: {len(photos)}, {min(sizes) // 1000}-{max(sizes) // 1000} kB")
    print(f"the chart workers' start and first charts (before the clock): {ms(cold)}")


@contextmanager
def unthrottled() -> Iterator[None]:
    """The bot's rate limiter without its 30 msg/s pacing (as bench.updates and the tests'
    no_flood_wait): the benchmark measures the bot, not Telegram's limit."""
    real = app_module.PacedRateLimiter

    def limiter(rate: float, max_retries: int) -> Any:
        return real(0, max_retries=max_retries)

    app_module.PacedRateLimiter = limiter  # type: ignore[misc,assignment]  # a bench's patch
    try:
        yield
    finally:
        app_module.PacedRateLimiter = real  # type: ignore[misc]  # put back


async def example_png() -> bytes:
    """The picture /progress draws for the simulated beginner of bot.coach.season (its
    12-week season, every session done as the simulation has it), on the Sunday evening
    of week 12: through the bot's own read_progress, chart_data and content/."""
    chat = 4242
    now = datetime.combine(SEASON_START + timedelta(weeks=11, days=6), time_of_day(18), UTC)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'example.db'}"
        engine = make_engine(url)
        await migrate(engine)
        sessions = make_session_factory(engine)
        await seed(sessions, [chat], now, 0, runners=(BEGINNER,), weeks=12, skipped=0, missed=0)
        content = load_content()
        app = build_application(
            Settings(_env_file=None, telegram_bot_token=TOKEN, database_url=url),
            sessions=sessions,
            content=content,
            clock=FakeClock(now),
        )
        (chart,) = await chart_inputs(app, [chat], now)
        await engine.dispose()
    return draw(chart)


def write_example(path: Path) -> int:
    png = asyncio.run(example_png())
    path.write_bytes(png)
    print(f"{path}: {len(png):,} bytes")
    return 0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.progress_chart", description=__doc__)
    parser.add_argument("--runners", type=int, default=100)
    parser.add_argument(
        "--rate", type=float, default=2.0, help="requests a second; 0: all at once (default 2)"
    )
    parser.add_argument("--concurrency", type=int, default=2, help="CHART_CONCURRENCY")
    parser.add_argument("--draws", type=int, default=30, help="charts drawn alone (default 30)")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--example", metavar="PATH", help="only write the example picture")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.load_before = os.getloadavg()[0]  # other work on the machine slows the charts
    if args.example:
        return write_example(Path(args.example))
    logging.basicConfig(level=logging.WARNING)
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    raise SystemExit(main())
