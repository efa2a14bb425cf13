"""The real ``python -m bot`` process, driven through the stub Bot API like a runner would.

Why a subprocess: the in-process harness swaps the network and the clock, so it cannot
show that the shipped entry point starts, polls, survives a SIGTERM or a SIGKILL and picks
up where it left off. Here nothing is swapped but Telegram itself: real settings from the
environment, a real SQLite file, real long polling over HTTP, real signals.

Expected texts come from ``content/messages.toml`` (through ``bot.content``) so a coach
rewording a message does not break these tests, while a wrong message still does.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from datetime import time as clock_time
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

import pytest

from bot.coach import answers as A
from bot.coach.plan import plan_for_date
from bot.coach.week import Equipment, Experience, Focus, RunnerWeek
from bot.content import Texts, load_content
from bot.messages.views import day_label, focus_label
from bot.settings import Settings
from testkit.stub_bot_api import Call, StubBotAPI

REPO_ROOT = Path(__file__).resolve().parent.parent
#: Shaped like a real token (digits, colon, 35 characters) so Settings accepts it.
TOKEN = "123456789:AAHfakeSECRETfakeSECRETfakeSECRET1"
TOKEN_SECRET = TOKEN.split(":", 1)[1]
#: Every variable ``bot.settings.Settings`` reads; scrubbed from the inherited environment
#: so a developer's shell (or CI) cannot change what the tests run against.
SETTINGS_VARS = frozenset(name.upper() for name in Settings.model_fields)

START_TIMEOUT = 30.0  # cold imports + migrations take ~2 s; generous for a loaded CI box
REPLY_TIMEOUT = 10.0
EXIT_TIMEOUT = 15.0
FLUSH_TIMEOUT = 5.0  # for the answer's commit to be visible to another process

RUNNER_CHAT = 4242
TYPIST_CHAT = 4343
BERLIN = "Europe/Berlin"

T: Texts = load_content().texts


def lead(key: str) -> str:
    """The fixed start of a message: its first line up to the first placeholder.

    Enough to recognise which message the bot sent without knowing the values it filled in.
    """
    return T(key).split("\n", 1)[0].split("{", 1)[0]


# ---- the bot process ----------------------------------------------------------------------


def bot_env(stub: StubBotAPI, database_url: str, **extra: str) -> dict[str, str]:
    """The environment for ``python -m bot``: the inherited one minus every bot setting.

    PYTHONPATH makes the package importable while the process runs in a scratch directory,
    so a ``.env`` in the repository (pydantic-settings reads it from the cwd) has no say.
    """
    env = {key: value for key, value in os.environ.items() if key.upper() not in SETTINGS_VARS}
    env.update(
        PYTHONPATH=str(REPO_ROOT),
        PYTHONUNBUFFERED="1",
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_BASE_URL=stub.base_url,
        DATABASE_URL=database_url,
        LOG_LEVEL="DEBUG",
    )
    env.update(extra)
    return env


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


class BotProcess:
    """``python -m bot`` as a child process, started and stopped like a deployer would.

    Its output goes to a file, not a pipe, so a chatty DEBUG log can never fill a pipe
    buffer and freeze the bot mid-test.
    """

    def __init__(self, stub: StubBotAPI, env: dict[str, str], workdir: Path) -> None:
        self.stub = stub
        self.env = env
        self.workdir = workdir
        self.log_path = workdir / "bot.log"
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def spawn(self) -> int:
        """Start ``python -m bot``; the stub's call count before it, to wait from."""
        assert self.process is None, "already running"
        mark = self.stub.call_count
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot"],
            cwd=self.workdir,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        return mark

    def start(self) -> None:
        """Start and wait until the bot polls for updates (it is then ready for the runner)."""
        mark = self.spawn()
        try:
            # deleteWebhook is the new process's own (start_polling sends it once, after
            # post_init): a getUpdates alone may be the stopped process's last long poll,
            # recorded when it ends, up to a second after ``mark``. Under load the new
            # process then took ~10 s more to poll, the whole of REPLY_TIMEOUT.
            self.stub.wait_for("deleteWebhook", timeout=START_TIMEOUT, since=mark)
            self.stub.wait_for("getUpdates", timeout=START_TIMEOUT, since=mark)
        except TimeoutError:
            raise AssertionError(f"the bot did not start polling:\n{self.tail()}") from None

    def _wait(self) -> int:
        assert self.process is not None
        try:
            code = self.process.wait(timeout=EXIT_TIMEOUT)
        finally:
            if self._log is not None:
                self._log.close()
                self._log = None
        self.process = None
        return code

    def terminate(self) -> int:
        """SIGTERM, as a host does on deploy; returns the exit code."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        return self._wait()

    def kill(self) -> int:
        """SIGKILL, as a crash or an OOM kill would."""
        assert self.process is not None
        self.process.kill()
        return self._wait()

    def close(self) -> None:
        """Never leave a bot running after a test, whatever happened."""
        if self.process is not None:
            self.process.kill()
            self._wait()

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.output().splitlines()[-lines:])


@pytest.fixture
def stub() -> Iterator[StubBotAPI]:
    """One stub for the whole test, so its transcript spans every restart of the bot."""
    with StubBotAPI() as server:
        yield server
        assert server.errors == [], server.errors


@pytest.fixture
def bot(stub: StubBotAPI, tmp_path: Path) -> Iterator[BotProcess]:
    """A not-yet-started bot on a fresh database in ``tmp_path``; always killed at the end."""
    database_url = sqlite_url(tmp_path / "coach.db")
    process = BotProcess(stub, bot_env(stub, database_url), tmp_path)
    try:
        yield process
    finally:
        process.close()


# ---- the runner's side of the chat --------------------------------------------------------


@dataclass
class Chat:
    """One runner's private chat: say things, tap buttons, wait for the bot's answer."""

    stub: StubBotAPI
    bot: BotProcess
    chat_id: int

    def say(self, text: str, expect: str) -> Call:
        """Send ``text`` and wait for a bot message containing ``expect``."""
        mark = self.stub.call_count
        self.stub.send_text(self.chat_id, text)
        return self.reply(mark, expect)

    def tap(self, label: str, expect: str) -> Call:
        """Tap the button labelled exactly ``label`` on the latest message that has one."""
        message_id, data = self.button(label)
        mark = self.stub.call_count
        self.stub.press_button(self.chat_id, message_id, data)
        return self.reply(mark, expect)

    def button(self, label: str) -> tuple[int, str]:
        for sent in reversed(self.stub.sent_messages(self.chat_id)):
            current = self.stub.message(self.chat_id, sent["message_id"]) or {}
            for row in (current.get("reply_markup") or {}).get("inline_keyboard", []):
                for button in row:
                    if button.get("text") == label:
                        return int(sent["message_id"]), str(button["callback_data"])
        raise AssertionError(f"no button {label!r}; transcript:\n{self.transcript()}")

    def reply(self, mark: int, expect: str) -> Call:
        """The first message or edit after ``mark`` that contains ``expect``.

        Reminders are ignored: if a test happens to run at the reminder minute, the
        reminder must not be mistaken for the answer to what the runner just said.
        """
        reminder = T("misc.reminder_intro")

        def match(call: Call) -> bool:
            text = str(call.params.get("text", ""))
            return expect in text and not text.startswith(reminder)

        try:
            return self.stub.wait_for(
                lambda call: call.method in ("sendMessage", "editMessageText") and match(call),
                timeout=REPLY_TIMEOUT,
                chat_id=self.chat_id,
                since=mark,
            )
        except TimeoutError:
            raise AssertionError(
                f"no reply containing {expect!r} within {REPLY_TIMEOUT}s\n"
                f"--- transcript\n{self.transcript()}\n--- bot log (tail)\n{self.bot.tail()}"
            ) from None

    def texts_since(self, mark: int) -> list[str]:
        return [
            str(call.params.get("text", ""))
            for call in self.stub.calls[mark:]
            if call.method == "sendMessage" and call.chat_id == self.chat_id
        ]

    def transcript(self) -> str:
        return self.stub.transcript(self.chat_id)


def has_buttons(call: Call) -> bool:
    markup = call.params.get("reply_markup")
    return isinstance(markup, dict) and bool(markup.get("inline_keyboard"))


# ---- what the plan says about today -------------------------------------------------------


@dataclass(frozen=True)
class DoneTarget:
    """What a typed "done" logs today: ``how`` is "planned", "earlier" or "ask"."""

    how: str
    day: date
    focus: Focus | None


def done_target(week: RunnerWeek, today: date) -> DoneTarget:
    """Mirror of the documented "done" rule (bot.services.log.log_session) for a fresh log
    of a runner who signed up today: today's planned session; else the bot asks which
    focus was done (the sessions of the days before sign-up were never theirs).
    """
    focus = plan_for_date(week, today)
    if focus is not None:
        return DoneTarget("planned", today, focus)
    return DoneTarget("ask", today, None)


def local_today(zone: str) -> date:
    return datetime.now(ZoneInfo(zone)).date()


WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def long_run_making_today_a_strength_day(today: date) -> tuple[int, RunnerWeek]:
    """A long-run day for a runner who runs daily with 3 sessions such that today is planned.

    The plan engine places sessions around the long run, and with daily runs some long-run
    day puts a session on every weekday; choosing it from the engine itself keeps the test
    deterministic on any date.
    """
    for long_run in range(7):
        week = RunnerWeek(
            run_days=frozenset(range(7)),
            long_run_day=long_run,
            experience=Experience.NEW,
            equipment=Equipment.DUMBBELLS,
            pull_up_bar=True,
            sessions_per_week=3,
            timezone="UTC",
        )
        if plan_for_date(week, today) is not None:
            return long_run, week
    raise AssertionError(f"no long-run day puts a session on {today}")


# ---- tests --------------------------------------------------------------------------------

RUNNER_WEEK = RunnerWeek(
    run_days=frozenset({0, 2, 5}),
    long_run_day=5,
    hard_days=frozenset({2}),
    experience=Experience.SOME,
    equipment=Equipment.NONE,
    pull_up_bar=False,
    sessions_per_week=3,
    reminder_time=clock_time(7, 0),
    timezone=BERLIN,
)


def onboard_runner(chat: Chat) -> None:
    """The onboarding from the brief: mostly buttons, three typed answers."""
    chat.say("/start", lead("onboarding.ask_run_days"))
    chosen: list[str] = []
    for day in (0, 2, 5):
        chosen.append(T.weekday(day, "abbreviated"))
        chat.tap(
            T.weekday(day, "abbreviated"),
            T("onboarding.ask_run_days_selected", days=", ".join(chosen)),
        )
    chat.tap(T("buttons.days_done"), T("onboarding.ask_long_run"))
    chat.tap(T.weekday(5, "abbreviated"), lead("onboarding.ask_hard_days"))
    chat.say("wed", T("onboarding.ask_experience"))
    chat.tap(T("experience.some"), T("onboarding.ask_equipment"))
    chat.tap(T("equipment.none"), T("onboarding.ask_pull_up_bar"))
    chat.tap(T("buttons.no"), lead("onboarding.ask_sessions"))
    chat.tap(T("buttons.three"), lead("onboarding.ask_time_budget"))
    chat.say("20 min", lead("onboarding.ask_reminder_time"))
    chat.say("7am", lead("onboarding.ask_timezone"))
    chat.say("Berlin", lead("onboarding.ask_race_date"))
    summary = chat.tap(T("buttons.no_race"), T("onboarding.confirm_prompt"))
    text = str(summary.params["text"])
    assert T("onboarding.summary_reminder", time="07:00", zone=BERLIN) in text, text
    # Three sessions in this week: two leg sessions (core built in) and one upper body.
    assert T("onboarding.summary_sessions_legs_upper", count=3) in text, text
    chat.tap(T("buttons.looks_good"), lead("onboarding.finished"))


def onboard_typist(chat: Chat, long_run: int) -> None:
    """A runner who types every answer (except the final confirmation, which is a button)."""
    chat.say("/start", lead("onboarding.ask_run_days"))
    chat.say("daily", T("onboarding.ask_long_run"))
    chat.say(WEEKDAY_NAMES[long_run], lead("onboarding.ask_hard_days"))
    chat.say("none", T("onboarding.ask_experience"))
    chat.say("new", T("onboarding.ask_equipment"))
    chat.say("dumbbells", T("onboarding.ask_pull_up_bar"))
    chat.say("yes", lead("onboarding.ask_sessions"))
    chat.say("3", lead("onboarding.ask_time_budget"))
    chat.say("20", lead("onboarding.ask_reminder_time"))
    chat.say("off", lead("onboarding.ask_timezone"))
    chat.say("UTC", lead("onboarding.ask_race_date"))
    chat.say("no", T("onboarding.confirm_prompt"))
    chat.tap(T("buttons.looks_good"), lead("onboarding.finished"))


def test_onboard_log_done_and_survive_a_restart(stub: StubBotAPI, bot: BotProcess) -> None:
    """The whole promise in one story: set up, log a session, restart, the log is still there.

    Two runners share the process. The first follows the brief's onboarding; whether today
    is a strength day for them depends on the real date, so what "done" does is derived
    from the plan engine. The second runner's long-run day is chosen so that today *is* a
    strength day, so "logged directly, then /today says logged" is checked on every date.
    """
    runner = Chat(stub, bot, RUNNER_CHAT)
    typist = Chat(stub, bot, TYPIST_CHAT)
    try:
        bot.start()

        # -- first runner: onboarding, /today, "done" ------------------------------------
        onboard_runner(runner)
        today = local_today(BERLIN)
        target = done_target(RUNNER_WEEK, today)
        label = day_label(T, target.day, today)

        shown = runner.say("/today", "")
        if target.how == "planned":
            assert T("today.footer") in str(shown.params["text"])
            assert has_buttons(shown)
        else:
            assert str(shown.params["text"]).startswith(lead("today.rest_day"))

        if target.how == "ask":
            runner.say("done", T("done.ask_focus"))
            core = f"{T('focus_icon.core')} {focus_label(T, Focus.CORE)}"
            logged = runner.tap(core, lead("done.logged"))
            logged_focus = Focus.CORE
        else:
            logged = runner.say("done", lead("done.logged"))
            assert target.focus is not None
            logged_focus = target.focus
        assert f"{focus_label(T, logged_focus)} — {label}" in str(logged.params["text"])

        # -- second runner: typed onboarding, today is planned, log with the button -----
        utc_today = datetime.now(UTC).date()
        long_run, typist_week = long_run_making_today_a_strength_day(utc_today)
        onboard_typist(typist, long_run)
        session = typist.say("/today", T("today.footer"))
        assert has_buttons(session)
        typist_focus = plan_for_date(typist_week, utc_today)
        assert typist_focus is not None
        done = typist.tap(T("buttons.done"), lead("done.logged"))
        assert f"{focus_label(T, typist_focus)} — {T('today.today_label')}" in str(
            done.params["text"]
        )

        # -- graceful stop, start again on the same database ------------------------------
        assert bot.terminate() == 0, bot.tail()
        bot.start()

        again = typist.say("/today", T("today.footer_done"))
        assert not has_buttons(again), "a logged session must not offer Done/Skip again"

        shown = runner.say("/today", "")
        if target.how == "planned":
            assert T("today.footer_done") in str(shown.params["text"])
            assert not has_buttons(shown)
        else:
            assert str(shown.params["text"]).startswith(lead("today.rest_day"))
        runner.say(
            "done",
            T("done.already", day=label, status=T("done.already_done_status")),
        )

        assert bot.terminate() == 0, bot.tail()
    finally:
        bot.close()
        print(f"\n=== runner {RUNNER_CHAT} (today in Berlin: {local_today(BERLIN)}) ===")
        print(runner.transcript())
        print(f"\n=== typist {TYPIST_CHAT} ===")
        print(typist.transcript())


def saved_conversation_state(database: Path, chat_id: int) -> Any:
    """The setup conversation's state as persisted for a private chat (its draft's step,
    the one record of it), or None."""
    with sqlite3.connect(database, timeout=5) as connection:
        row = connection.execute(
            "SELECT data FROM onboarding_drafts WHERE chat_id = ?", (chat_id,)
        ).fetchone()
    return json.loads(row[0]).get("step") if row else None


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll a condition the test cannot be notified about (another process's database)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.05)


@pytest.mark.parametrize("stop", ["SIGTERM", "SIGKILL"])
def test_restart_mid_onboarding_continues_at_the_same_question(
    stub: StubBotAPI, bot: BotProcess, tmp_path: Path, stop: str
) -> None:
    """A deploy (SIGTERM) or a crash (SIGKILL) halfway through setup must not start it over.

    The answers and where the runner is (the draft's step) are committed with each
    answer (SIGKILL: the test waits until that commit is visible to another process,
    then kills).
    The typed answer to the third question after the restart must be taken as that
    answer, which only works if the bot knows it is still mid-onboarding.
    """
    chat = Chat(stub, bot, RUNNER_CHAT)
    try:
        bot.start()
        chat.say("/start", lead("onboarding.ask_run_days"))
        chat.say("mon wed sat", T("onboarding.ask_long_run"))
        chat.tap(T.weekday(5, "abbreviated"), lead("onboarding.ask_hard_days"))

        if stop == "SIGKILL":
            wait_until(
                lambda: saved_conversation_state(tmp_path / "coach.db", RUNNER_CHAT) == A.HARD_DAYS,
                FLUSH_TIMEOUT,
                "the draft's step to be committed",
            )
            assert bot.kill() == -signal.SIGKILL
        else:
            assert bot.terminate() == 0, bot.tail()

        mark = stub.call_count
        bot.start()
        chat.say("wed", T("onboarding.ask_experience"))

        after = chat.texts_since(mark)
        assert not any(text.startswith(lead("onboarding.welcome")) for text in after), after
        assert not any(text.startswith(lead("onboarding.ask_run_days")) for text in after), after
        assert T("misc.unknown_text") not in after, after
        assert T("onboarding.unexpected_text") not in after, after
        assert bot.terminate() == 0, bot.tail()
    finally:
        bot.close()
