"""The whole bot in-process with only the network swapped.

``InProcessRequest`` is PTB's request class pointed straight at ``StubBotAPI``'s
dispatcher, so the real ``Application`` with its real handlers talks to the same fake
Telegram the process-level tests use, minus HTTP. Updates come in through
``bot.get_updates`` exactly as polling fetches them; time comes from ``FakeClock``.

Files the bot sends (``sendPhoto``, ``sendDocument``) reach the stub as the multipart
parts PTB would upload, and are kept there: ``bot.uploads()`` lists this runner's as
``testkit.stub_bot_api.Upload`` (``file_name``, ``mime_type``, ``data``, ``caption``,
``kind`` "photo" or "document"), and the replies ``say`` / ``tap`` / ``press`` return
include them, with the caption as ``text`` and the bytes as ``photo_bytes`` or
``document_bytes`` (``bot.photos()`` and ``bot.documents()`` filter them).
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlmodel import SQLModel
from telegram import Update
from telegram.error import TimedOut
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

from bot.app import build_application, post_init
from bot.coach.timezones import ZoneFinder
from bot.content import Content, load_content
from bot.deps import Deps, get_deps
from bot.drawing import close_drawer
from bot.jobs.reminders import TickReport, send_due_reminders
from bot.settings import Settings, async_database_url
from bot.store.db import SessionFactory, make_engine, make_session_factory, migrate, transaction
from bot.store.models import Runner
from testkit.stub_bot_api import METHOD_PATH_RE, StubBotAPI, StubTimeout, Upload

#: What ``bot.app.build_application`` returns.
App = Application[Any, Any, Any, Any, Any, Any]

TOKEN = "123456789:AAHtestTOKENtestTOKENtestTOKEN123456"
CHAT = 4242
_CONTENT: Content | None = None
_ZONES = ZoneFinder()


def shared_content() -> Content:
    global _CONTENT
    if _CONTENT is None:
        _CONTENT = load_content()
    return _CONTENT


class FakeClock:
    def __init__(self, start: datetime) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current

    def set(self, instant: datetime) -> None:
        self.current = instant.astimezone(UTC)

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


class InProcessRequest(BaseRequest):
    def __init__(self, stub: StubBotAPI) -> None:
        self._stub = stub

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        # PTB types the timeouts with aliases from its private telegram._utils modules.
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        params: dict[str, Any] = dict(request_data.parameters) if request_data else {}
        if request_data is not None and request_data.contains_files:
            # What the HTTP path sends as multipart parts, as the stub's parser reads them.
            for name, (file_name, content, mime_type) in request_data.multipart_data.items():
                data = content if isinstance(content, bytes) else content.read()
                params[name] = {"filename": file_name, "content_type": mime_type, "data": data}
        params.pop("timeout", None)  # never long-poll in-process
        path = urlsplit(url).path
        found = METHOD_PATH_RE.match(path)
        try:
            if found is not None and self._stub.waits(found.group("method"), params.get("chat_id")):
                # A held or delayed call hangs in a thread, as a slow network would, while
                # the event loop goes on with everything else.
                status, payload = await asyncio.to_thread(self._stub.dispatch, path, params)
            else:
                status, payload = self._stub.dispatch(path, params)
        except StubTimeout:
            raise TimedOut("Timed out (stub)") from None
        return status, json.dumps(payload).encode()


@dataclass
class BotHarness:
    """One runner's view of the bot: say things, tap buttons, read replies."""

    stub: StubBotAPI
    sessions: SessionFactory
    clock: FakeClock
    chat_id: int = CHAT
    settings_overrides: dict[str, Any] = field(default_factory=dict)
    #: The running application (None before ``start`` and after ``stop``); a test may
    #: share one between two harnesses (two runners of one bot).
    app: App | None = None
    #: Every back-off the bot waited since ``start``, in seconds (on the fake clock).
    sleeps: list[float] = field(default_factory=list)
    #: Telegram's language_code of this chat's user ("ru", "pt-br", "es-419"; None: none
    #: sent), as the runner's Telegram app sends it with every update.
    language_code: str | None = "en"
    _offset: int = 0

    def settings(self) -> Settings:
        values = {
            "telegram_bot_token": TOKEN,
            "telegram_base_url": self.stub.base_url,
            "database_url": "sqlite+aiosqlite://",
            **self.settings_overrides,
        }
        return Settings(_env_file=None, **values)

    async def start(self) -> BotHarness:
        self.stub.set_language_code(self.chat_id, self.language_code)
        request = InProcessRequest(self.stub)
        self.app = build_application(
            self.settings(),
            sessions=self.sessions,
            content=shared_content(),
            clock=self.clock,
            zones=_ZONES,
            request=request,
            get_updates_request=InProcessRequest(self.stub),
        )
        await self.app.initialize()
        await post_init(self.app)
        self.sleeps = []
        get_deps(self.app).sleep = self._no_wait
        return self

    @property
    def application(self) -> App:
        """The running application; fails plainly when the harness is not started."""
        assert self.app is not None, "the harness is not started (await harness.start())"
        return self.app

    async def _no_wait(self, seconds: float) -> None:
        """Retries back off on the fake clock: note the wait, advance time, return."""
        self.sleeps.append(seconds)
        self.clock.advance(seconds=seconds)

    async def stop(self) -> None:
        if self.app is not None:
            close_drawer(self.app)  # chart workers a /progress started, as bot.main stops them
            await self.app.shutdown()
            self.app = None

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    @property
    def deps(self) -> Deps:
        return get_deps(self.application)

    async def pump(self) -> None:
        """Fetch queued updates the way polling does and hand each one to the
        application's update processor, as its update fetcher does (updates of different
        chats run concurrently, one chat's in order); return when all are handled."""
        updates = await self.application.bot.get_updates(offset=self._offset, timeout=0)
        if updates:
            self._offset = updates[-1].update_id + 1
        await asyncio.gather(*(self.process(update) for update in updates))
        if updates:
            await self.application.bot.get_updates(offset=self._offset, timeout=0)

    def process(self, update: Update) -> asyncio.Task[None]:
        """Start handling one update through the application's update processor (what
        ``Application`` does with each update it fetches); await the task to wait for it."""
        app = self.application
        return asyncio.get_running_loop().create_task(
            app.update_processor.process_update(update, app.process_update(update))
        )

    async def fetch(self) -> list[Update]:
        """Take the queued updates off the stub, as polling does, without handling them."""
        updates = await self.application.bot.get_updates(offset=self._offset, timeout=0)
        if updates:
            self._offset = updates[-1].update_id + 1
            await self.application.bot.get_updates(offset=self._offset, timeout=0)
        return list(updates)

    def _mark(self) -> int:
        return len(self.stub.sent_messages(self.chat_id))

    def _since(self, mark: int) -> list[dict[str, Any]]:
        return self.stub.sent_messages(self.chat_id)[mark:]

    async def say(self, text: str, chat_type: str = "private") -> list[dict[str, Any]]:
        mark = self._mark()
        self.stub.send_text(self.chat_id, text, chat_type=chat_type)
        await self.pump()
        return self._since(mark)

    async def tap(self, label: str, message: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Tap the button whose label contains ``label`` on the latest message that has it."""
        target = message or self.message_with_button(label)
        data = button_data(target, label)
        mark = self._mark()
        self.stub.press_button(self.chat_id, target["message_id"], data)
        await self.pump()
        return self._since(mark)

    async def press(self, message_id: int, data: str) -> list[dict[str, Any]]:
        mark = self._mark()
        self.stub.press_button(self.chat_id, message_id, data)
        await self.pump()
        return self._since(mark)

    async def share_location(self, latitude: float, longitude: float) -> list[dict[str, Any]]:
        mark = self._mark()
        self.stub.share_location(self.chat_id, latitude, longitude)
        await self.pump()
        return self._since(mark)

    def message_with_button(self, label: str) -> dict[str, Any]:
        for sent in reversed(self.stub.sent_messages(self.chat_id)):
            current = self.stub.message(self.chat_id, sent["message_id"]) or sent
            if _find_button(current, label) is not None:
                return current
        raise AssertionError(
            f"no message with a button {label!r}; the chat so far:\n"
            + self.stub.transcript(self.chat_id)[-3000:]
        )

    def last_text(self) -> str:
        last = self.stub.last_message(self.chat_id)
        return last["text"] if last else ""

    async def tick(self) -> TickReport:
        return await send_due_reminders(self.application.bot, self.deps)

    def uploads(self) -> list[Upload]:
        """The files the bot sent this runner, oldest first (see the module docstring)."""
        return self.stub.uploads(self.chat_id)

    def photos(self) -> list[Upload]:
        return [upload for upload in self.uploads() if upload.kind == "photo"]

    def documents(self) -> list[Upload]:
        return [upload for upload in self.uploads() if upload.kind == "document"]

    def callback_answers(self) -> list[str]:
        return [
            str(call.params.get("text", "")) for call in self.stub.calls_to("answerCallbackQuery")
        ]


async def runner_row(bot: BotHarness, chat_id: int = CHAT) -> Runner:
    """The runner as stored, read outside the bot's own transactions."""
    async with transaction(bot.sessions) as session:
        runner = await session.get(Runner, chat_id)
    assert runner is not None
    return runner


def _find_button(message: dict[str, Any], label: str) -> dict[str, Any] | None:
    """The button labelled ``label`` (case-insensitive), else the first whose label contains
    it: "Marathon" taps Marathon, not the "Half marathon" before it."""
    markup = message.get("reply_markup") or {}
    buttons = [button for row in markup.get("inline_keyboard", []) for button in row]
    wanted = label.casefold()
    exact = [button for button in buttons if button["text"].casefold() == wanted]
    if exact:
        return exact[0]
    return next((button for button in buttons if wanted in button["text"].casefold()), None)


def button_data(message: dict[str, Any], label: str) -> str:
    button = _find_button(message, label)
    assert button is not None, f"no button {label!r} in {message.get('reply_markup')}"
    return str(button["callback_data"])


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n---\n".join(message["text"] for message in messages)


def as_update(payload: dict[str, Any], app: App) -> Update:
    return Update.de_json(payload, app.bot)


async def onboard(
    bot: BotHarness,
    *,
    run_days: str = "tue thu sun",
    long_run: str = "sun",
    hard_days: str = "tue",
    experience: str = "some",
    equipment: str = "none",
    pull_up_bar: str = "no",
    sessions: str = "3",
    time_budget: str = "20",
    reminder: str = "7am",
    zone: str = "Berlin",
    race_date: str = "no race",
    race_distance: str = "half",
) -> None:
    """Walk onboarding with typed answers. The default week puts Legs on Thursday 26 Nov
    (Legs Tue, Legs Thu, Upper Sat), sessions of about 20 minutes, reminders at 07:00
    Europe/Berlin, no race."""
    await bot.say("/start")
    answers = [run_days, long_run, hard_days, experience, equipment]
    if equipment != "gym":
        answers.append(pull_up_bar)
    answers += [sessions, time_budget, reminder, zone, race_date]
    if race_date != "no race":
        answers.append(race_distance)  # asked right after a race date
    for answer in answers:
        await bot.say(answer)
    replies = await bot.tap("Looks good")
    assert "All set" in texts(replies), texts(replies)


@contextmanager
def own_schema(database_url: str, prefix: str) -> Iterator[tuple[URL, str]]:
    """A PostgreSQL schema of the caller's own on ``database_url`` (the URL, in its async
    form, and the schema's name), dropped afterwards: two test runs, or two tests, against
    one server never see each other's tables."""
    import psycopg

    base = make_url(async_database_url(database_url))
    schema = f"{prefix}_{os.getpid()}_{secrets.token_hex(3)}"
    admin = base.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield base, schema
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@asynccontextmanager
async def fresh_sessions(database_url: str) -> AsyncIterator[SessionFactory]:
    """Sessions on a migrated, empty database: PostgreSQL's tables are truncated (a run's
    schema is shared by its tests), SQLite's file is new for every test."""
    engine = make_engine(database_url)
    await migrate(engine)
    if engine.dialect.name == "postgresql":
        names = ", ".join(table.name for table in SQLModel.metadata.sorted_tables)
        async with engine.begin() as connection:
            await connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY"))
    try:
        yield make_session_factory(engine)
    finally:
        await engine.dispose()
