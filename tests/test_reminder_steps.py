"""The reminder send as small steps: what the observer hook reports, and what the send
costs the database (three statements and one commit per reminder, on both backends)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import event

from bot.jobs.reminders import SendObserver, TickReport, send_due_reminders
from testkit.harness import BotHarness
from tests.test_reminder_tick import NOW, reminded, seed


class Recorder(SendObserver):
    """Counts what the job reports, and the statements and commits once sending began."""

    def __init__(self) -> None:
        self.reports: list[TickReport] = []
        self.planned_runners = 0
        self.exchanges: Counter[tuple[bool, bool]] = Counter()
        self.outcomes: Counter[str | None] = Counter()
        self.sending_started = False
        self.statements = 0
        self.sql: list[str] = []
        self.commits = 0

    def tick_started(self, report: TickReport) -> None:
        self.reports.append(report)

    def planned(self, runners: int, seconds: float) -> None:
        self.planned_runners += runners

    def sending(self) -> None:
        self.sending_started = True

    def exchanged(self, recorded: bool, reserved: bool, seconds: float) -> None:
        self.exchanges[recorded, reserved] += 1

    def handled(self, outcome: str | None, seconds: float) -> None:
        self.outcomes[outcome] += 1

    def listen(self, bot: BotHarness) -> Any:
        engine = bot.sessions.kw["bind"].sync_engine

        def statement(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
            # An explicit BEGIN (SQLite's BEGIN IMMEDIATE) opens a transaction: not a statement.
            if self.sending_started and not sql.lstrip().upper().startswith("BEGIN"):
                self.statements += 1
                self.sql.append(sql[:60])

        def commit(*_args: Any) -> None:
            self.commits += self.sending_started

        event.listen(engine, "before_cursor_execute", statement)
        event.listen(engine, "commit", commit)
        return engine, statement, commit


async def test_the_observer_sees_every_step_of_every_reminder(bot: BotHarness, clock) -> None:
    clock.set(NOW)
    chats = await seed(bot, 7)
    observer = Recorder()
    report = await send_due_reminders(bot.application.bot, bot.deps, observer)
    assert observer.reports == [report]
    assert observer.planned_runners == 7
    assert observer.sending_started
    assert observer.outcomes == {"sent": 7}
    # Each row is reserved once and written down in the transaction that looks for the
    # sender's next row (which finds one, or none at the end).
    reserved = observer.exchanges[True, True] + observer.exchanges[False, True]
    recorded = observer.exchanges[True, True] + observer.exchanges[True, False]
    assert (reserved, recorded) == (7, 7)
    assert reminded(bot) == Counter(dict.fromkeys(chats, 1))


async def test_a_reminder_costs_three_statements_and_one_commit(bot: BotHarness, clock) -> None:
    clock.set(NOW)
    count = 30
    await seed(bot, count)
    observer = Recorder()
    engine, statement, commit = observer.listen(bot)
    try:
        report = await send_due_reminders(bot.application.bot, bot.deps, observer)
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine, "commit", commit)
    assert report.sent == count
    # Per reminder: reserve (with the runner and their log) and, in the same transaction,
    # the previous row's result; the check right before the send, a read (no commit)
    # while the lease has long to run. Besides: each sender's last look for a row, the
    # first look for rows whose sender vanished, and the tick's closing read of blocked
    # runners.
    senders = bot.deps.settings.send_concurrency
    extra = senders + 2 + 1
    assert observer.statements <= 3 * count + extra, Counter(observer.sql)
    assert observer.commits <= count + extra, observer.commits
