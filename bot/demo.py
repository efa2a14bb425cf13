"""The demo chat: ``strength-coach demo`` (also ``python -m bot demo``).

Why: a newcomer without a bot token could not see the coach at all (issue 14). Here the
real bot runs as in production -- ``bot.app.build_application`` and ``post_init``, the
real handlers, the real reminder tick, a real SQLite file of its own -- and polls
``getUpdates`` over real HTTP through PTB's ``Updater``, as ``bot.main._serve`` does; only
the other end is not Telegram but ``testkit.stub_bot_api.StubBotAPI`` on 127.0.0.1
(standard library only, shipped in the package for this). The person's lines become
updates through the stub (``send_text``, ``press_button``) and the bot's messages, edits
and pop-ups are printed as they are recorded: HTML as plain text, inline buttons as
numbered choices that a number or a label taps.

The demo's time is real time plus an offset the person moves with ``/clock``. Moving it
steps the clock to each instant where something may fall due -- the runner's next
reminder and weekly preview (read from their row), the evening check-in, a ⏰ Later the
person tapped, and every few hours as a safety net -- and runs the reminder work at each
step, so reminders arrive at their times and in order, as if the time had passed. (One
jump straight to the end would send a reminder a day late, or record it ``missed`` under
REMINDER_CATCHUP_HOURS.) The JobQueue's own tick keeps running in real time and stands
aside while the clock moves.

Settings come from code, never from the deployer's ``.env`` or environment: a token-shaped
fake token, the stand-in's address, the demo's database. Logs go to a file beside it
(WARNING and up), so the chat stays readable.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import logging
import os
import re
import shlex
import signal
import sys
import threading
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from pydantic_settings import BaseSettings, PydanticBaseSettingsSource
from telegram.ext import Application, CallbackContext, ContextTypes
from telegram.request import HTTPXRequest

from bot.app import ALLOWED_UPDATES, build_application, cancel_startup_tasks, post_init
from bot.clock import Clock, SystemClock
from bot.coach.parsing import parse_time
from bot.coach.week_change import WeekWords
from bot.content import CONTENT_DIR, Content, ContentError, Texts, load_content, load_week_words
from bot.deps import Deps, get_deps
from bot.health import PollErrorLog
from bot.jobs.reminders import reminder_tick
from bot.logging_setup import RedactTokens
from bot.messages.callbacks import SnoozeButton, SnoozeFor, button_args
from bot.services.next_reminder import next_reminder_for
from bot.settings import Settings
from bot.store import runners
from bot.store.db import (
    DatabaseProblem,
    check_writable,
    make_engine,
    make_session_factory,
    migrate,
    transaction,
)
from bot.store.lock import AlreadyRunning, lock_sqlite_file
from bot.store.models import Runner
from bot.updates import MAX_RUNNING
from testkit.stub_bot_api import StubBotAPI

App = Application[Any, Any, Any, Any, Any, Any]
log = logging.getLogger(__name__)

#: Shaped like a real token (Settings checks the shape) and obviously not one.
DEMO_TOKEN = "123456789:DEMOtokenNOTrealDEMOtokenNOTreal00"
#: The one private chat of the demo (Telegram's chat id of a private chat is the user's id).
DEMO_CHAT = 1001
DEMO_NAME = "Runner"
DATA_DIR = Path("demo-data")
DATABASE_FILE = "coach.db"
LOG_FILE = "coach.log"
#: The clock's offset, so a demo started again goes on at the demo time it had reached
#: (the runner's log and reminders are stored in demo time, which never goes back).
CLOCK_FILE = "clock.json"
#: Everything the demo writes in its folder (SQLite's journal files included).
DEMO_FILES = (
    DATABASE_FILE,
    DATABASE_FILE + "-wal",
    DATABASE_FILE + "-shm",
    DATABASE_FILE + "-journal",
    LOG_FILE,
    CLOCK_FILE,
)
#: The reminder work runs at least every 3 hours of a jump: a safety net for anything due
#: that the demo cannot see coming (a ⏰ Later tapped before a restart), well inside
#: REMINDER_CATCHUP_HOURS (6). Every hour made a month's move 3 times as many steps
#: (744 against 264; 10.5 s against ~4 s on a loaded machine).
SAFETY_STEP = timedelta(hours=3)
#: A jump farther than this is refused: a month of steps takes a few seconds, and the
#: bot's own catch-up (bot/jobs/reminders.py MAX_CATCHUP_DAYS) is 31 days.
MAX_JUMP_DAYS = 31
#: How long the demo waits for the bot to finish with one update before it prompts again
#: (a reply normally takes milliseconds; the first city lookup about a second).
UPDATE_WAIT_SECONDS = 30.0
#: Hour and minute of ``/clock 07:00``, ``/clock 7``, ``/clock 6.45pm``.
_STEP = re.compile(r"([0-9]+)\s*([wdhm])")
_UNITS = {"w": timedelta(weeks=1), "d": timedelta(days=1), "h": timedelta(hours=1)}
#: How much of a message's first line names it when only its buttons change.
ABOUT_CHARS = 40
#: The Bot API calls the terminal shows: messages, their edits, pop-ups.
SHOWN_METHODS = frozenset(
    {
        "sendMessage",
        "editMessageText",
        "editMessageReplyMarkup",
        "answerCallbackQuery",
        "sendPhoto",
        "sendDocument",
    }
)
#: Where the files the coach sends (the /progress picture, the /export files) are saved,
#: under the demo's data folder: a terminal cannot show them.
FILES_DIR = "files"
_DIGITS = re.compile(r"^[0-9]+$")
_KEY_LETTERS = re.compile(r"^[a-z]{1,2}$")
_LEADING_DIGIT = re.compile(r"^[0-9]")
#: Emoji and marks around a label ("✅ Looks good" is tapped by "looks good").
_MARKS = re.compile(r"^[\W_]+|[\W_]+$")


# ---- settings ------------------------------------------------------------------------------


class DemoSettings(Settings):
    """The bot's settings from the values given in code only: no ``.env``, no environment
    variable (a deployer's TELEGRAM_WEBHOOK_URL or DATABASE_URL must not reach the demo,
    nor their token show in it)."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)


def demo_settings(base_url: str, database: Path) -> DemoSettings:
    return DemoSettings(
        telegram_bot_token=DEMO_TOKEN,
        telegram_base_url=base_url,
        database_url=f"sqlite+aiosqlite:///{database.resolve()}",
        log_level="WARNING",
        # One runner: one sender is enough, and each idle sender costs a statement at
        # every step of a clock move (SEND_CONCURRENCY=8 made a week's move 1.5 times slower).
        send_concurrency=1,
    )


# ---- the clock -----------------------------------------------------------------------------


class DemoClock:
    """Real time plus an offset the person moves; never back, so the bot's stored times
    (the log, the next reminder) stay in its past and future as they were."""

    def __init__(self, offset: timedelta = timedelta(0), real: Clock | None = None) -> None:
        self.offset = offset
        self._real = real or SystemClock()

    def now(self) -> datetime:
        return self._real.now() + self.offset

    def move_to(self, instant: datetime) -> None:
        self.offset = max(self.offset, instant - self._real.now())


def parse_clock(text: str, now: datetime, words: WeekWords) -> datetime | None:
    """Where ``/clock <text>`` moves the demo's time, from ``now`` (aware, in the zone the
    person reads); None when the text is not a time ahead. ``+1d``, ``+3h``, ``+30m``,
    ``+1w`` and sums (``+1d12h``) are that much later; ``07:00`` (``7``, ``7am``,
    ``6.45pm``) the next such time; ``mon 07:00`` the next such day at that time,
    ``tomorrow 07:00`` and ``today 19:00`` that day's (the words of
    content/phrases_week.toml, as the bot reads "this week" changes)."""
    text = " ".join(text.strip().lower().split())
    if text.startswith("+"):
        body = text[1:].replace(" ", "")
        if not body or _STEP.sub("", body):
            return None
        total = sum(
            (
                int(count) * _UNITS.get(unit, timedelta(minutes=1))
                for count, unit in _STEP.findall(body)
            ),
            timedelta(0),
        )
        if total <= timedelta(0):
            return None
        return (now.astimezone(UTC) + total).astimezone(now.tzinfo)
    weekday: int | None = None
    only: date | None = None
    head, _, rest = text.partition(" ")
    head = head.rstrip(",")
    if rest and head in words.days:
        weekday, text = words.days[head], rest
    elif rest and head in words.tomorrow:
        only, text = now.date() + timedelta(days=1), rest
    elif rest and head in words.today:
        only, text = now.date(), rest
    clock_time = parse_time(text)  # the bot's own reading of a typed time
    if clock_time is None:
        return None
    if only is not None:
        at = datetime.combine(only, clock_time, tzinfo=now.tzinfo)
        return at if at > now else None
    day = now.date()
    for _ in range(8):
        at = datetime.combine(day, clock_time, tzinfo=now.tzinfo)
        if at > now and (weekday is None or day.weekday() == weekday):
            return at
        day += timedelta(days=1)
    return None  # pragma: no cover - eight days always hold the next such time


def demo_time(t: Texts, instant: datetime, zone: str) -> str:
    """How the demo says a time: "Thu 2026-11-26, 07:00 (Europe/Berlin)"."""
    local = instant.astimezone(ZoneInfo(zone))
    return t(
        "demo.time_format",
        day=t.weekday(local.weekday(), "abbreviated"),
        date=local.date().isoformat(),
        clock=t.time(local.time()),
        zone=zone,
    )


# ---- what the terminal shows ---------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """One inline button as the terminal shows it: ``[2]``, or ``[b]`` when ``lettered``."""

    number: int
    label: str
    data: str
    #: The buttons of a message whose labels are numbers ("2 a week", "20 min", "07:00")
    #: are lettered, so a typed digit means one thing only: what the bot reads in it.
    lettered: bool = False

    @property
    def key(self) -> str:
        """What the person types to tap it: "2", or "b" for the second lettered button."""
        return _letters(self.number) if self.lettered else str(self.number)


def _letters(number: int) -> str:
    """1 → "a", 26 → "z", 27 → "aa": spreadsheet columns, for any number of buttons."""
    key = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        key = chr(ord("a") + rest) + key
    return key


@dataclass(frozen=True)
class Style:
    """How emphasis shows: ANSI bold and italic on a terminal, nothing in a pipe or file."""

    bold: tuple[str, str] = ("", "")
    italic: tuple[str, str] = ("", "")


PLAIN = Style()
ANSI = Style(bold=("\x1b[1m", "\x1b[22m"), italic=("\x1b[3m", "\x1b[23m"))


def choices(markup: Any) -> list[list[Choice]]:
    """An inline keyboard's buttons, numbered from 1 in reading order, by row; lettered
    (a, b, c) when any label starts with a digit (after its emoji), so that a typed "2"
    never means both button 2 and the number 2 the bot reads (issue 14: "2" tapped
    "3 a week" under "[1] 2 a week [2] 3 a week")."""
    rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
    found: list[list[tuple[str, str]]] = []
    for row in rows or []:
        line = [
            (str(button.get("text", "")), str(button["callback_data"]))
            for button in row
            if isinstance(button, dict) and "callback_data" in button
        ]
        if line:
            found.append(line)
    lettered = any(
        _LEADING_DIGIT.match(_MARKS.sub("", label)) for line in found for label, _ in line
    )
    numbered: list[list[Choice]] = []
    count = 0
    for line in found:
        numbered.append([])
        for label, data in line:
            count += 1
            numbered[-1].append(Choice(count, label, data, lettered))
    return numbered


def button_lines(rows: Sequence[Sequence[Choice]]) -> list[str]:
    """ "[1] Monday  [2] Tuesday" (or "[a] 2 a week  [b] 3 a week"), a line per row."""
    return ["  ".join(f"[{choice.key}] {choice.label}" for choice in row) for row in rows]


def _folded(text: str) -> str:
    return " ".join(text.casefold().split())


def pick(typed: str, rows: Sequence[Sequence[Choice]]) -> Choice | None:
    """The button ``typed`` taps: one whose label it spells (case-insensitive, with or
    without the label's emoji: "looks good" taps "✅ Looks good"), else the one whose key
    it is ("2", ASCII digits only; "b" under lettered buttons, where a number is never a
    key); None means the line is sent as text."""
    flat = [choice for row in rows for choice in row]
    wanted = _folded(typed)
    if not wanted:
        return None
    for choice in flat:
        if _folded(choice.label) == wanted:
            return choice
    for choice in flat:
        bare = _folded(_MARKS.sub("", choice.label))
        if bare and bare == _folded(_MARKS.sub("", typed)):
            return choice
    if _DIGITS.match(wanted) or _KEY_LETTERS.match(wanted):
        return next((choice for choice in flat if choice.key == wanted.lstrip("0")), None)
    return None


class _PlainText(HTMLParser):
    """Telegram's HTML as a reader sees it: tags gone (bold and italic as ``style`` says),
    entities decoded, a quotation's lines marked with a bar, a link's address after it."""

    def __init__(self, style: Style) -> None:
        super().__init__(convert_charrefs=True)
        self.style = style
        self.out: list[str] = []
        self._quote: int | None = None
        self._links: list[tuple[str | None, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"b", "strong"}:
            self.out.append(self.style.bold[0])
        elif tag in {"i", "em"}:
            self.out.append(self.style.italic[0])
        elif tag == "blockquote":
            self._quote = len(self.out)
        elif tag == "a":
            self._links.append((dict(attrs).get("href"), len(self.out)))

    def handle_endtag(self, tag: str) -> None:
        if tag in {"b", "strong"}:
            self.out.append(self.style.bold[1])
        elif tag in {"i", "em"}:
            self.out.append(self.style.italic[1])
        elif tag == "blockquote" and self._quote is not None:
            quoted = "".join(self.out[self._quote :]).strip("\n")
            del self.out[self._quote :]
            self.out.append("\n".join(f"│ {line}" for line in quoted.split("\n")))
            self._quote = None
        elif tag == "a" and self._links:
            href, start = self._links.pop()
            if href and href != "".join(self.out[start:]):
                self.out.append(f" ({href})")

    def handle_data(self, data: str) -> None:
        self.out.append(data)


def plain_text(html: str, style: Style = PLAIN) -> str:
    """A message's HTML as text for the terminal ("<b>Legs</b> &amp; core" → "Legs & core")."""
    parser = _PlainText(style)
    parser.feed(html)
    parser.close()
    return "".join(parser.out).strip()


# ---- the chat ------------------------------------------------------------------------------


@dataclass
class UpdateTracker:
    """Which updates the application has finished with, so the next line typed is read
    after the bot's answer to the one before (a number taps the buttons of the question
    it answers). Wraps the update processor's public ``process_update``, the one call
    PTB makes per update (telegram.ext.Application's update fetcher)."""

    done: set[int] = field(default_factory=set)
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def install(self, application: App) -> None:
        processor = application.update_processor
        handle = processor.do_process_update

        async def do_process_update(update: object, coroutine: Awaitable[Any]) -> None:
            try:
                await handle(update, coroutine)
            finally:
                update_id = getattr(update, "update_id", None)
                if isinstance(update_id, int):
                    self.done.add(update_id)
                    self.changed.set()

        # ``do_process_update`` is PTB's hook for a processor's own handling (its final
        # ``process_update`` calls it for each update); the processor is built inside
        # build_application, so the hook is wrapped on the instance.
        processor.do_process_update = do_process_update  # type: ignore[method-assign]  # see above

    async def wait(self, update_id: int) -> bool:
        """True once the update is handled; False after UPDATE_WAIT_SECONDS without."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(UPDATE_WAIT_SECONDS):
                while update_id not in self.done:
                    self.changed.clear()
                    await self.changed.wait()
        return update_id in self.done


class Printer:
    """Prints what the bot sent to the demo chat, once each, in the order the stand-in
    recorded it: messages, edits, changed buttons and pop-ups."""

    def __init__(
        self, stub: StubBotAPI, t: Texts, out: TextIO, style: Style, folder: Path = DATA_DIR
    ) -> None:
        self.stub = stub
        self.folder = folder
        self.t = t
        self.out = out
        self.style = style
        self.seen = 0
        #: The latest message the bot sent: the one whose buttons a number taps.
        self.latest: int | None = None

    def flush(self, header: str | None = None) -> int:
        """Print what arrived since the last call (under ``header``, if any did); how many
        items were printed."""
        calls = self.stub.calls[self.seen :]
        self.seen += len(calls)
        blocks = [block for call in calls if call.ok for block in [self._block(call)] if block]
        if blocks and header is not None:
            self.write(header)
        for block in blocks:
            self.write(block)
        return len(blocks)

    def write(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def _block(self, call: Any) -> str | None:
        params = call.params
        if call.method == "answerCallbackQuery":
            text = params.get("text")
            return self._lines(self.t("demo.coach_toast"), str(text)) if text else None
        if call.chat_id != DEMO_CHAT:
            return None
        markup = params.get("reply_markup")
        if call.method == "sendMessage":
            result = call.result if isinstance(call.result, dict) else {}
            self.latest = result.get("message_id", self.latest)
            lines = [plain_text(str(params.get("text", "")), self.style)]
            lines += button_lines(choices(markup))
            lines += self._reply_keyboard(markup)
            return self._lines(self.t("demo.coach"), "\n".join(lines))
        if call.method in ("sendPhoto", "sendDocument"):
            return self._file(call)
        if call.method == "editMessageText":
            lines = [plain_text(str(params.get("text", "")), self.style)]
            lines += button_lines(choices(markup))
            return self._lines(self.t("demo.coach_edited"), "\n".join(lines))
        if call.method == "editMessageReplyMarkup":
            rows = choices(markup)
            about = self._first_line(params.get("message_id"))
            if not rows:
                return self._lines(self.t("demo.coach_buttons_gone", message=about), "")
            # The buttons under a line of their own: the message's name is long.
            indent = " " * len(f"{self.t('demo.coach')}> ")
            lines = [self.t("demo.coach_buttons", message=about)]
            return "\n".join(lines + [indent + line for line in button_lines(rows)])
        return None

    def _file(self, call: Any) -> str | None:
        """A photo or a document: saved under the data folder, its path, size and caption
        printed (the bytes are what Telegram would have shown or offered to download)."""
        result = call.result if isinstance(call.result, dict) else {}
        message_id = result.get("message_id")
        upload = next((u for u in self.stub.uploads(DEMO_CHAT) if u.message_id == message_id), None)
        if upload is None:
            return None
        self.latest = message_id if isinstance(message_id, int) else self.latest
        name = upload.file_name if upload.kind == "document" else f"photo-{message_id}.png"
        path = self.folder / FILES_DIR / Path(name).name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(upload.data)
        kilobytes = max(1, round(len(upload.data) / 1024))
        lines = [self.t(f"demo.file_{upload.kind}", path=str(path), kb=kilobytes)]
        if upload.caption:
            lines.append(plain_text(upload.caption, self.style))
        lines += button_lines(choices(call.params.get("reply_markup")))
        return self._lines(self.t("demo.coach"), "\n".join(lines))

    def _first_line(self, message_id: Any) -> str:
        """Which message an edit of its buttons is about: its first line, cut short."""
        try:
            message = self.stub.message(DEMO_CHAT, int(message_id)) or {}
        except (TypeError, ValueError):
            message = {}
        line = plain_text(str(message.get("text") or "")).split("\n")[0]
        return line if len(line) <= ABOUT_CHARS else line[: ABOUT_CHARS - 1].rstrip() + "…"

    def _reply_keyboard(self, markup: Any) -> list[str]:
        rows = markup.get("keyboard") if isinstance(markup, dict) else None
        labels = [
            str(button.get("text", "")) if isinstance(button, dict) else str(button)
            for row in rows or []
            for button in row
        ]
        return [self.t("demo.reply_keyboard", label=label) for label in labels]

    @staticmethod
    def _lines(who: str, text: str) -> str:
        if not text:
            return who
        prefix = f"{who}> "
        indent = " " * len(prefix)
        lines = text.split("\n")
        return "\n".join([prefix + lines[0], *(indent + line for line in lines[1:])]).rstrip()

    def current_choices(self) -> list[list[Choice]]:
        """The buttons the latest message shows now (after any edit)."""
        if self.latest is None:
            return []
        message = self.stub.message(DEMO_CHAT, self.latest) or {}
        return choices(message.get("reply_markup"))


class Demo:
    """The running demo: the application, the stand-in, the clock and the terminal."""

    def __init__(
        self,
        app: App,
        stub: StubBotAPI,
        clock: DemoClock,
        folder: Path,
        printer: Printer,
        tracker: UpdateTracker,
    ) -> None:
        self.app = app
        self.stub = stub
        self.clock = clock
        self.folder = folder
        self.printer = printer
        self.tracker = tracker
        self.deps: Deps = get_deps(app)
        # The terminal's own words in the demo's language (--language); the /clock words
        # too (``_run`` sets the language's).
        self.t = printer.t
        self.words = load_week_words()
        #: Held while the clock moves: the JobQueue's tick stands aside.
        self.moving = asyncio.Lock()
        #: When a ⏰ Later the person tapped falls due.
        self.wakes: list[datetime] = []

    # ---- the bot's own tick, in real time ----

    def replace_tick(self) -> None:
        """The JobQueue's reminder job (bot/app.py post_init) again, the same function at
        the same interval, skipped while the clock moves (the move runs it at each step)."""
        queue = self.app.job_queue
        if queue is None:  # pragma: no cover - the job-queue extra is a dependency
            return
        for job in queue.get_jobs_by_name("reminders"):
            job.schedule_removal()

        async def tick(context: ContextTypes.DEFAULT_TYPE) -> None:
            if self.moving.locked():
                return
            async with self.moving:
                await reminder_tick(context)

        queue.run_repeating(
            tick, interval=self.deps.settings.reminder_tick_seconds, first=0, name="reminders"
        )

    # ---- the runner's zone and what falls due ----

    async def runner_zone(self) -> tuple[str, Runner | None]:
        """The runner's time zone (UTC until they are set up) and their row, as stored."""
        async with transaction(self.deps.sessions) as session:
            runner = await runners.read_runner(session, DEMO_CHAT)
        zone = runner.timezone if runner is not None and runner.onboarded else "UTC"
        return zone, runner

    async def next_reminder(self, runner: Runner | None) -> datetime | None:
        """The next reminder that will really be sent: the first reminder instant after
        now on a session day not reminded or logged yet (bot.services.next_reminder, as
        the bot stores it after a change). Not the runner's stored ``next_reminder_utc``:
        that is where the job next wakes, and after a session is logged it may be a
        re-offer of that session the job then skips (issue 14: /clock next went to a
        time where nothing came, and the reminder was two days later)."""
        if runner is None or not runner.onboarded:
            return None
        async with transaction(self.deps.sessions) as session:
            fresh = await runners.read_runner(session, runner.chat_id)
            if fresh is None:
                return None
            return await next_reminder_for(session, fresh, now=self.clock.now())

    def now_text(self, zone: str) -> str:
        return demo_time(self.t, self.clock.now(), zone)

    async def next_step(self, now: datetime, target: datetime) -> datetime | None:
        """The earliest instant after ``now``, up to ``target``, where something may fall
        due: the runner's next reminder or preview, the evening check-in, a tapped ⏰
        Later, or SAFETY_STEP after the current whole hour of the runner's day."""
        zone_name, runner = await self.runner_zone()
        zone = ZoneInfo(zone_name)
        local = now.astimezone(zone)
        hour = local.replace(minute=0, second=0, microsecond=0) + SAFETY_STEP
        found: list[datetime] = [hour.astimezone(UTC), *self.wakes]
        if runner is not None:
            found += [
                at for at in (runner.next_reminder_utc, runner.next_preview_utc) if at is not None
            ]
            if runner.checkin_enabled:
                evening = datetime.combine(
                    local.date(), self.deps.settings.evening_checkin_time, tzinfo=zone
                )
                found += [evening, evening + timedelta(days=1)]
        ahead = [at for at in found if now < at <= target]
        return min(ahead) if ahead else None

    async def tick(self) -> None:
        """The reminder job itself (``reminder_tick``: the sends, the watchdog's and
        /metrics' bookkeeping) at the demo's current time."""
        await reminder_tick(CallbackContext(self.app))

    async def move_clock(self, target: datetime, zone: str) -> None:
        self.printer.write(self.t("demo.clock_moving", time=demo_time(self.t, target, zone)))
        arrived = 0
        async with self.moving:
            await self.tick()  # whatever is due right now, before the clock moves
            arrived += self.printer.flush()
            while True:
                now = self.clock.now()
                step = await self.next_step(now, target)
                if step is None:
                    break
                self.clock.move_to(step)
                await self.tick()
                zone, _ = await self.runner_zone()
                header = self.t("demo.time_line", time=demo_time(self.t, step, zone))
                arrived += self.printer.flush(header)
            self.clock.move_to(target)
            await self.tick()
            zone, _ = await self.runner_zone()
            header = self.t("demo.time_line", time=demo_time(self.t, target, zone))
            arrived += self.printer.flush(header)
            self.wakes = [at for at in self.wakes if at > self.clock.now()]
        save_offset(self.folder, self.clock.offset)
        if not arrived:
            self.printer.write(self.t("demo.clock_nothing"))
        self.printer.write(self.t("demo.clock_moved", time=self.now_text(zone)))

    async def clock_command(self, argument: str) -> None:
        zone, runner = await self.runner_zone()
        argument = argument.strip()
        if not argument:
            self.printer.write(self.t("demo.clock_now", time=self.now_text(zone)))
            upcoming = await self.next_reminder(runner)
            if runner is not None and runner.onboarded and upcoming is not None:
                at = demo_time(self.t, upcoming, zone)
                self.printer.write(self.t("demo.clock_next", time=at))
            return
        if argument.lower() in {"help", "?"}:
            self.printer.write(self.t("demo.clock_help"))
            return
        now = self.clock.now().astimezone(ZoneInfo(zone))
        if argument.lower() == "next":
            upcoming = await self.next_reminder(runner)
            if upcoming is None or upcoming <= now:
                self.printer.write(self.t("demo.clock_no_next"))
                return
            await self.move_clock(upcoming, zone)
            return
        target = parse_clock(argument, now, self.words)
        if target is None and argument.startswith(("-", "−")):
            self.printer.write(self.t("demo.clock_backwards"))
            return
        if target is None:
            self.printer.write(self.t("demo.clock_bad", text=argument))
            return
        if target - now > timedelta(days=MAX_JUMP_DAYS):
            self.printer.write(self.t("demo.clock_too_far", days=MAX_JUMP_DAYS))
            return
        await self.move_clock(target.astimezone(UTC), zone)

    # ---- the person's lines ----

    async def say(self, line: str) -> None:
        """A line the person typed: a tap of the latest message's button, or a message."""
        _, before = await self.runner_zone()
        choice = pick(line, self.printer.current_choices())
        if choice is not None and self.printer.latest is not None:
            update_id = self.stub.press_button(DEMO_CHAT, self.printer.latest, choice.data)
        else:
            update_id = self.stub.send_text(DEMO_CHAT, line, first_name=DEMO_NAME)
        await self.tracker.wait(update_id)
        if choice is not None:
            # After the bot's answer: its "now + delay" is then never after the demo's.
            self._note_snooze(choice.data)
        self.printer.flush()
        zone, after = await self.runner_zone()
        was_set_up = before is not None and before.onboarded
        if after is not None and after.onboarded and not was_set_up:
            # Just set up: how to get to the first reminder without waiting for it.
            at = after.next_reminder_utc
            if at is not None:
                first = demo_time(self.t, at, zone)
                self.printer.write(self.t("demo.tip_first_reminder", time=first))

    def _note_snooze(self, data: str) -> None:
        args = button_args(data, SnoozeButton.PREFIX, 2)
        tapped = SnoozeButton.unpack(args) if args is not None else None
        if isinstance(tapped, SnoozeFor):
            self.wakes.append(self.clock.now() + timedelta(minutes=tapped.minutes))

    async def chat(self, lines: asyncio.Queue[str | None], stop: asyncio.Event, echo: bool) -> None:
        """Read a line, answer it, print; until /quit, the end of input or Ctrl-C. What
        arrives meanwhile (the real-time tick's reminders) is printed as it comes."""
        you = self.t("demo.you")
        watcher = asyncio.create_task(self._watch())
        try:
            while not stop.is_set():
                self.printer.flush()
                if not echo:
                    self.printer.out.write(f"{you}> ")
                    self.printer.out.flush()
                line = await _next_line(lines, stop)
                if line is None:
                    break
                line = line.strip()
                if echo and line:
                    self.printer.write(f"{you}> {line}")
                if not line:
                    continue
                command, _, argument = line.partition(" ")
                if command.lower() in {"/quit", "/exit"}:
                    break
                try:
                    if command.lower() == "/clock":
                        await self.clock_command(argument)
                    else:
                        async with self.moving:
                            await self.say(line)
                except Exception:
                    # The chat goes on; the details go to the log (and one line to stderr).
                    log.exception("The demo could not handle a line")
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher

    async def _watch(self) -> None:
        """Print what the bot sends on its own (the real-time tick) while the person types."""
        while True:
            with contextlib.suppress(TimeoutError):
                await self.stub.wait_for_async(
                    lambda call: call.method in SHOWN_METHODS, since=self.printer.seen, timeout=60
                )
            if self.moving.locked():
                async with self.moving:  # a move or an answer prints its own
                    continue
            zone, _ = await self.runner_zone()
            header = self.t("demo.time_line", time=self.now_text(zone))
            if self.printer.flush("\n" + header):
                you = self.t("demo.you")
                self.printer.out.write(f"{you}> ")
                self.printer.out.flush()


async def _next_line(lines: asyncio.Queue[str | None], stop: asyncio.Event) -> str | None:
    getting = asyncio.ensure_future(lines.get())
    stopping = asyncio.ensure_future(stop.wait())
    done, _ = await asyncio.wait({getting, stopping}, return_when=asyncio.FIRST_COMPLETED)
    for task in (getting, stopping):
        if task not in done:
            task.cancel()
    return getting.result() if getting in done else None


def _read_lines(loop: asyncio.AbstractEventLoop, lines: asyncio.Queue[str | None]) -> None:
    """Standard input, a line at a time, in a daemon thread (a blocked read must not keep
    the process alive after /quit or Ctrl-C); None at the end of input (Ctrl-D)."""

    def read() -> None:
        for raw in sys.stdin:
            loop.call_soon_threadsafe(lines.put_nowait, raw.rstrip("\n"))
        loop.call_soon_threadsafe(lines.put_nowait, None)

    threading.Thread(target=read, name="demo-stdin", daemon=True).start()


# ---- start and stop ------------------------------------------------------------------------


def load_offset(folder: Path) -> timedelta:
    try:
        stored = json.loads((folder / CLOCK_FILE).read_text(encoding="utf-8"))
        return timedelta(seconds=max(0.0, float(stored["offset_seconds"])))
    except (OSError, ValueError, KeyError, TypeError):
        return timedelta(0)


def save_offset(folder: Path, offset: timedelta) -> None:
    (folder / CLOCK_FILE).write_text(
        json.dumps({"offset_seconds": offset.total_seconds()}), encoding="utf-8"
    )


class _ErrorNotice(logging.Handler):
    """One line on stderr for an ERROR (the details are in the log file)."""

    def __init__(self, line: str) -> None:
        super().__init__(logging.ERROR)
        self.line = line

    def emit(self, record: logging.LogRecord) -> None:
        print(self.line, file=sys.stderr)


def _quiet_logs(folder: Path, t: Texts) -> None:
    """WARNING and up to a file in the demo's folder (the fake token masked like any),
    a pointer to it on stderr for an ERROR; nothing else, so the chat stays readable."""
    path = folder / LOG_FILE
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactTokens([DEMO_TOKEN]))
    root = logging.getLogger()
    root.handlers[:] = [handler, _ErrorNotice(t("demo.error", path=path))]
    root.setLevel(logging.WARNING)


@dataclass(frozen=True)
class Options:
    folder: Path
    fresh: bool
    language: str = "en"  # the coach's and the terminal's language (--language)


@dataclass(frozen=True)
class WrongOption:
    """What was wrong with the options: one not known (``--dri``), or ``--dir`` without
    its folder (``option`` is then ``--dir``)."""

    option: str
    missing_folder: bool = False
    missing_language: bool = False


def parse_args(args: Sequence[str]) -> Options | WrongOption:
    folder, fresh, language = DATA_DIR, False, "en"
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if arg == "--fresh":
            fresh = True
        elif arg == "--dir":
            if not rest:
                return WrongOption(arg, missing_folder=True)
            folder = Path(rest.pop(0))
        elif arg.startswith("--dir="):
            folder = Path(arg.removeprefix("--dir="))
        elif arg == "--language":
            if not rest:
                return WrongOption(arg, missing_language=True)
            language = rest.pop(0)
        elif arg.startswith("--language="):
            language = arg.removeprefix("--language=")
        else:
            return WrongOption(arg)
    return Options(folder, fresh, language)


def fresh_command(t: Texts, folder: Path) -> str:
    """How to start this demo over: its ``--dir`` named when it is not the default
    (``--fresh`` alone would reset demo-data instead)."""
    options = "" if folder == DATA_DIR else f" --dir {shlex.quote(str(folder))}"
    return t("demo.fresh_command", options=options)


def main(args: Sequence[str]) -> int:
    try:
        content = load_content(CONTENT_DIR)
    except ContentError as exc:
        print(f"{exc}", file=sys.stderr)
        return 2
    t = content.texts
    codes = ", ".join(content.codes)
    options = parse_args(args)
    if isinstance(options, WrongOption):
        if options.missing_folder:
            print(t("demo.missing_folder"), file=sys.stderr)
        elif options.missing_language:
            print(t("demo.missing_language", codes=codes), file=sys.stderr)
        else:
            print(t("demo.unknown_option", option=options.option), file=sys.stderr)
        print(t("demo.usage", codes=codes), end="", file=sys.stderr)
        return 2
    # The code as shipped ("pt-BR") or as Telegram sends it ("pt-br", "de-AT").
    language = next(
        (code for code in content.codes if code.casefold() == options.language.casefold()),
        content.for_telegram(options.language),
    )
    if language is None:
        print(t("demo.unknown_language", code=options.language, codes=codes), file=sys.stderr)
        return 2
    content = content.speaking(language)
    t = content.texts
    removed: list[str] | None = None
    # Taking the lock creates an empty database file: --fresh names only what was there.
    there = {name for name in DEMO_FILES if (options.folder / name).exists()}
    database = options.folder / DATABASE_FILE
    url = f"sqlite+aiosqlite:///{database.resolve()}"
    try:
        options.folder.mkdir(parents=True, exist_ok=True)
        lock = lock_sqlite_file(url)  # held for the life of the process
        if options.fresh:
            if lock is not None:
                lock.release()
            removed = [name for name in forget(options.folder) if name in there]
            lock = lock_sqlite_file(url)
    except AlreadyRunning:
        print(t("demo.already_running", path=options.folder), file=sys.stderr)
        return 2
    except (DatabaseProblem, OSError) as exc:
        print(t("demo.cannot_write", path=options.folder, problem=exc), file=sys.stderr)
        return 2
    _quiet_logs(options.folder, t)
    # NO_COLOR: the terminal convention (no-color.org) for plain output.
    if isinstance(sys.stdout, io.TextIOWrapper):
        # A terminal in a non-UTF-8 locale shows "?" for an emoji rather than crash.
        sys.stdout.reconfigure(errors="replace")
    style = ANSI if sys.stdout.isatty() and not os.environ.get("NO_COLOR") else PLAIN
    if removed is not None:
        if removed:
            print(t("demo.fresh_removed", files=", ".join(removed), path=options.folder))
        else:
            print(t("demo.fresh_nothing", path=options.folder))
    print(t("demo.intro"), flush=True)
    command = fresh_command(t, options.folder)
    print(t("demo.data_at", path=database, command=command), flush=True)
    try:
        return asyncio.run(_run(content, options.folder, database, style))
    except KeyboardInterrupt:  # pragma: no cover - Ctrl-C before the handler is set
        return 0
    except DatabaseProblem as exc:
        print(t("demo.cannot_write", path=options.folder, problem=exc), file=sys.stderr)
        return 2
    finally:
        if lock is not None:
            lock.release()


def forget(folder: Path) -> list[str]:
    """``--fresh``: the demo's own files go, nothing else in the folder (``--dir`` may
    name a folder that holds more); the names of those that were there."""
    removed = []
    for name in DEMO_FILES:
        path = folder / name
        if path.exists():
            path.unlink()
            removed.append(name)
    return removed


async def _run(content: Content, folder: Path, database: Path, style: Style) -> int:
    stub = StubBotAPI(bot_first_name="Coach", bot_username="strength_coach_demo_bot").start()
    # The demo's runner writes from a Telegram app in the demo's language: /start picks it.
    stub.set_language_code(DEMO_CHAT, content.language.telegram[0])
    settings = demo_settings(stub.base_url, database)
    engine = make_engine(settings.database_url)
    try:
        await check_writable(engine)
        await migrate(engine)
        clock = DemoClock(load_offset(folder))
        # trust_env off: a proxy set in the environment must not carry 127.0.0.1's traffic.
        no_proxy = {"trust_env": False}
        app = build_application(
            settings,
            sessions=make_session_factory(engine),
            content=content.speaking(None),  # English, every language one speaking() away
            clock=clock,
            request=HTTPXRequest(
                connection_pool_size=settings.send_concurrency + MAX_RUNNING,
                httpx_kwargs=no_proxy,
            ),
            get_updates_request=HTTPXRequest(httpx_kwargs=no_proxy),
        )
        tracker = UpdateTracker()
        tracker.install(app)
        printer = Printer(stub, content.texts, sys.stdout, style, folder)
        demo = Demo(app, stub, clock, folder, printer, tracker)
        demo.words = content.week_words or demo.words
        await _serve(demo)
    finally:
        await engine.dispose()
        stub.stop()
    print(content.texts("demo.bye", path=database), flush=True)
    return 0


async def _serve(demo: Demo) -> None:
    """``bot.main._serve``'s steps, with the chat in the terminal in place of waiting for
    a signal."""
    app = demo.app
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGINT, stop.set)
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    lines: asyncio.Queue[str | None] = asyncio.Queue()
    _read_lines(loop, lines)
    async with app:
        try:
            await post_init(app)
            demo.replace_tick()
            assert app.updater is not None
            await app.updater.start_polling(
                allowed_updates=list(ALLOWED_UPDATES),
                error_callback=PollErrorLog(demo.deps.health),
            )
            await app.start()
            await demo.chat(lines, stop, echo=not sys.stdin.isatty())
        finally:
            if app.updater is not None and app.updater.running:
                await app.updater.stop()
            if app.running:
                await app.stop()
            cancel_startup_tasks(app)
    save_offset(demo.folder, demo.clock.offset)


__all__ = [
    "Choice",
    "DemoClock",
    "button_lines",
    "choices",
    "demo_time",
    "main",
    "parse_clock",
    "pick",
    "plain_text",
]
