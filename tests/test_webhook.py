"""Webhook mode (``TELEGRAM_WEBHOOK_URL``): the real ``python -m bot`` taking its updates
as Telegram posts them, the settings a deployer can get wrong, and requests that are not
Telegram's.

Why a real process: registering the webhook, PTB's tornado server, the 403 for a request
without the secret, what reaches the log (at DEBUG, where PTB writes the token a client
presented) and what is left at shutdown belong to the whole process. The stub Bot API
plays Telegram: it records ``setWebhook`` and POSTs each injected update to the webhook
with the secret in its header (``testkit/stub_bot_api.py``).
"""

from __future__ import annotations

import logging
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from telegram import Bot
from telegram.error import Conflict

from bot import cli
from bot import main as bot_main
from bot.app import ALLOWED_UPDATES
from bot.settings import Settings
from bot.webhook import PTB_WEBHOOK_LOGGER, RefusedRequestLog, problem, url_path
from testkit.stub_bot_api import WEBHOOK_ACTIVE, StubBotAPI
from tests.test_deploy_config import run_bot
from tests.test_process_e2e import (
    SETTINGS_VARS,
    START_TIMEOUT,
    TOKEN,
    TOKEN_SECRET,
    BotProcess,
    Chat,
    bot_env,
    onboard_runner,
    sqlite_url,
    stub,
)

__all__ = ["stub"]  # the fixture: one stub that fails a test on any call Telegram refuses

SECRET = "webhook_SECRET-3f9a1c7e5b2d4068"
RUNNER = 5151
PATH = "/telegram/updates"


def free_port() -> int:
    """A port nothing listens on now (the bot binds it a moment later)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def webhook_env(stub: StubBotAPI, database_url: str, port: int, **extra: str) -> dict[str, str]:
    """``bot_env`` (LOG_LEVEL=DEBUG, the most PTB writes) in webhook mode on ``port``."""
    return bot_env(
        stub,
        database_url,
        TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{port}{PATH}",
        WEBHOOK_SECRET=SECRET,
        WEBHOOK_LISTEN="127.0.0.1",
        WEBHOOK_PORT=str(port),
        **extra,
    )


def wait_listening(port: int, process: subprocess.Popen[bytes] | None, tail: str) -> None:
    """PTB registers the webhook, then binds: poll the port, with a deadline."""
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        if process is not None and process.poll() is not None:
            raise AssertionError(f"the bot exited ({process.returncode}):\n{tail}")
        if time.monotonic() > deadline:
            raise AssertionError(f"nothing listens on {port}:\n{tail}")
        time.sleep(0.05)


class WebhookProcess(BotProcess):
    """``python -m bot`` in webhook mode: ready once it registered and listens."""

    def __init__(self, stub: StubBotAPI, env: dict[str, str], workdir: Path, port: int) -> None:
        super().__init__(stub, env, workdir)
        self.port = port

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start and wait until the bot has set its webhook and listens on its port."""
        mark = self.spawn()
        try:
            self.stub.wait_for("setWebhook", timeout=START_TIMEOUT, since=mark)
        except TimeoutError:
            raise AssertionError(f"the bot did not set its webhook:\n{self.tail()}") from None
        wait_listening(self.port, self.process, self.tail())


@pytest.fixture
def hook(stub: StubBotAPI, tmp_path: Path) -> Iterator[WebhookProcess]:
    port = free_port()
    process = WebhookProcess(
        stub, webhook_env(stub, sqlite_url(tmp_path / "coach.db"), port), tmp_path, port
    )
    try:
        yield process
    finally:
        process.close()


def refusal_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if "Refused a webhook request" in line]


# ---- the whole process --------------------------------------------------------------------


def test_a_webhook_bot_registers_onboards_refuses_strangers_and_keeps_its_webhook(
    stub: StubBotAPI, hook: WebhookProcess, tmp_path: Path
) -> None:
    """One story: the webhook is registered with the secret and the update kinds; a runner
    sets up through POSTed updates; three forged requests are refused with 403 and logged
    once; SIGTERM leaves the webhook set; a polling start removes it and takes the update
    that waited meanwhile. Neither the secret nor the token reaches the log, at DEBUG."""
    hook.start()
    registered = stub.calls_to("setWebhook")[-1].params
    assert registered["url"] == f"http://127.0.0.1:{hook.port}{PATH}"
    assert registered["secret_token"] == SECRET
    assert registered["allowed_updates"] == list(ALLOWED_UPDATES)
    assert registered.get("drop_pending_updates") in (None, "false", False)
    assert not stub.calls_to("getUpdates") and not stub.calls_to("deleteWebhook")

    chat = Chat(stub, hook, RUNNER)
    onboard_runner(chat)
    delivered = stub.webhook_deliveries
    assert delivered and all(d.ok and d.url == hook.origin + PATH for d in delivered)

    url = hook.origin + PATH
    forged = {"update_id": 10**6, "message": {"message_id": 1, "date": 0, "text": "/delete"}}
    assert stub.post_webhook(url, forged) == 403
    assert stub.post_webhook(url, forged, secret_token="not-the-secret") == 403
    assert stub.post_webhook(url, forged, secret_token=SECRET[:-1]) == 403
    chat.say("/today", "")  # a real update: the run of refusals ends
    lines = refusal_lines(hook.output())
    assert len(lines) == 1, hook.output()
    assert " WARNING " in lines[0] and "from 127.0.0.1" in lines[0], lines[0]
    assert "accepted again, after 3 refused" in hook.output()

    assert hook.terminate() == 0, hook.tail()
    assert stub.webhook is not None, "a stopping instance must leave the webhook to the others"
    assert not stub.calls_to("deleteWebhook")

    # Back to polling: an update sent while nothing listens waits; polling's start deletes
    # the webhook (Telegram would refuse getUpdates) and then gets it.
    mark = stub.call_count
    stub.send_text(RUNNER, "/week")
    polling = BotProcess(stub, bot_env(stub, sqlite_url(tmp_path / "coach.db")), tmp_path)
    try:
        polling.start()
        assert stub.webhook is None
        deleted = stub.calls_to("deleteWebhook")
        assert len(deleted) == 1
        assert deleted[0].params.get("drop_pending_updates") in (None, "false", False)
        chat.bot = polling
        chat.reply(mark, "")
        assert polling.terminate() == 0, polling.tail()
    finally:
        polling.close()

    output = hook.output()
    assert "Traceback" not in output, output
    assert SECRET not in output and "not-the-secret" not in output
    assert SECRET[:-1] not in output
    assert TOKEN_SECRET not in output and TOKEN not in output


# ---- settings problems ---------------------------------------------------------------------

OFFICIAL = "https://api.telegram.org/bot"


# Each problem as ``python -m bot`` meets it: one real process for the first, in process
# for the rest (the same ``bot.cli.main``: the settings are read and judged before logging,
# the database or Telegram, so nothing of a process is left to test; a process costs 4-5 s).
WEBHOOK_PROBLEMS = [
    ({"TELEGRAM_WEBHOOK_URL": "http://coach.example.com/hook"}, "TELEGRAM_WEBHOOK_URL"),
    ({"TELEGRAM_WEBHOOK_URL": "https://coach.example.com:8080/hook"}, "TELEGRAM_WEBHOOK_URL"),
    ({"TELEGRAM_WEBHOOK_URL": "coach.example.com/hook"}, "TELEGRAM_WEBHOOK_URL"),
    ({"TELEGRAM_WEBHOOK_URL": "https://coach.example.com:port/hook"}, "TELEGRAM_WEBHOOK_URL"),
    ({"WEBHOOK_SECRET": ""}, "WEBHOOK_SECRET"),
    ({"WEBHOOK_SECRET": "sp ace$and!more"}, "WEBHOOK_SECRET"),
    ({"WEBHOOK_SECRET": "x" * 257}, "WEBHOOK_SECRET"),
]
PROBLEM_IDS = ["http", "port", "no-scheme", "bad-port", "no-secret", "bad-secret", "long-secret"]


def _problem_env(stub: StubBotAPI, tmp_path: Path, settings: dict[str, str]) -> dict[str, str]:
    env = bot_env(stub, sqlite_url(tmp_path / "coach.db"), LOG_LEVEL="DEBUG")
    env.update(
        TELEGRAM_BASE_URL=OFFICIAL,
        TELEGRAM_WEBHOOK_URL="https://coach.example.com/hook",
        WEBHOOK_SECRET=SECRET,
    )
    env.update(settings)
    return env


def _one_line_exit_2(
    stub: StubBotAPI,
    tmp_path: Path,
    env: dict[str, str],
    starts: str,
    code: int | None,
    stdout: str,
    stderr: str,
) -> None:
    output = stdout + stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith(starts + ":"), lines[0]
    assert code == 2, stderr
    assert "Traceback" not in output
    secret = env["WEBHOOK_SECRET"]
    assert not secret or secret not in output, "a secret, even a malformed one, is never echoed"
    assert TOKEN_SECRET not in output
    assert stub.calls == [], "a bad setting must stop the bot before it talks to Telegram"
    assert not (tmp_path / "coach.db").exists(), "nor touches the database"


def test_a_webhook_setting_problem_is_one_line_and_exit_code_2(
    stub: StubBotAPI, tmp_path: Path
) -> None:
    settings, starts = WEBHOOK_PROBLEMS[0]
    env = _problem_env(stub, tmp_path, settings)
    result = run_bot(env, tmp_path)
    _one_line_exit_2(stub, tmp_path, env, starts, result.returncode, result.stdout, result.stderr)


@pytest.mark.parametrize(("settings", "starts"), WEBHOOK_PROBLEMS[1:], ids=PROBLEM_IDS[1:])
def test_every_webhook_setting_problem_is_one_line_and_exit_code_2(
    stub: StubBotAPI,
    tmp_path: Path,
    settings: dict[str, str],
    starts: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    env = _problem_env(stub, tmp_path, settings)
    for name in SETTINGS_VARS:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        if name.upper() in SETTINGS_VARS:
            monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)  # no .env of the repository's

    def past_the_settings(*_: object) -> None:
        raise AssertionError("a bad webhook setting got past the settings check")

    monkeypatch.setattr(bot_main, "setup_logging", past_the_settings)
    with pytest.raises(SystemExit) as stopped:
        cli.main([])
    captured = capsys.readouterr()
    code = stopped.value.code if isinstance(stopped.value.code, int) else None
    _one_line_exit_2(stub, tmp_path, env, starts, code, captured.out, captured.err)


def settings_with(**values: object) -> Settings:
    return Settings(_env_file=None, telegram_bot_token=TOKEN, **values)  # type: ignore[arg-type]


def test_plain_http_only_where_telegram_is_not_the_one_posting() -> None:
    """Telegram posts to HTTPS on ports 443, 80, 88 and 8443 only; a loopback address
    (tests, a proxy on the same machine) and a local Bot API server may use plain HTTP
    and any port."""
    local = {"webhook_secret": SECRET, "telegram_base_url": OFFICIAL}
    assert problem(settings_with(telegram_webhook_url="http://127.0.0.1:9000/h", **local)) is None
    assert problem(settings_with(telegram_webhook_url="http://localhost/h", **local)) is None
    assert problem(settings_with(telegram_webhook_url="https://c.example.com/h", **local)) is None
    assert problem(settings_with(telegram_webhook_url="https://c.example.com:88/", **local)) is None
    assert problem(settings_with(telegram_webhook_url="http://c.example.com/h", **local))
    bot_api_server = {"webhook_secret": SECRET, "telegram_base_url": "http://bot-api:8081/bot"}
    assert (
        problem(settings_with(telegram_webhook_url="http://coach:8443/h", **bot_api_server)) is None
    )
    assert problem(settings_with()) is None, "no URL: polling, nothing to check"


def test_the_server_answers_the_urls_own_path() -> None:
    assert url_path("https://c.example.com/telegram/updates") == "telegram/updates"
    assert url_path("https://c.example.com/") == ""
    assert url_path("https://c.example.com") == ""
    # PTB routes by a regular expression: a dot in the path is a dot, not any character.
    assert url_path("https://c.example.com/hook.v1") == r"hook\.v1"


# ---- refused requests in the log -----------------------------------------------------------


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def ptb_refusal(address: str, reason: str) -> logging.LogRecord:
    """The record PTB 22's webhook handler logs for a 403 (``log_exception``)."""
    import tornado.web

    error = tornado.web.HTTPError(403, reason=reason)
    return logging.LogRecord(
        PTB_WEBHOOK_LOGGER,
        logging.DEBUG,
        __file__,
        1,
        "%s - %s",
        (address, "Exception in TelegramHandler"),
        (type(error), error, None),
    )


def ptb_line(message: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord(PTB_WEBHOOK_LOGGER, logging.DEBUG, __file__, 1, message, args, None)


def test_refusals_are_one_warning_a_minute_and_an_update_ends_the_run(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = FakeMonotonic()
    refusals = RefusedRequestLog(logging.INFO, monotonic=clock)
    caplog.set_level(logging.INFO, logger="bot.webhook")

    def warnings() -> list[str]:
        return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]

    assert refusals.filter(ptb_line("Request had the wrong secret token: %s", "guess")) is False
    assert (
        refusals.filter(ptb_refusal("203.0.113.5", "Request had the wrong secret token")) is False
    )
    for _ in range(5):
        clock.now += 5
        refusals.filter(ptb_refusal("203.0.113.6", "Request did not include the secret token"))
    assert len(warnings()) == 1
    assert "from 203.0.113.5" in warnings()[0] and "a wrong secret token" in warnings()[0]
    assert "guess" not in caplog.text

    clock.now += 60
    refusals.filter(ptb_refusal("203.0.113.7", "Request did not include the secret token"))
    assert len(warnings()) == 2
    assert "no secret token; 5 more refused since the last such line" in warnings()[1]

    clock.now += 1
    assert refusals.filter(ptb_line("Received Update with ID %d on Webhook", 7)) is False
    assert "accepted again, after 7 refused in 86 s" in caplog.text
    refusals.filter(ptb_refusal("203.0.113.8", ""))
    assert len(warnings()) == 3, "a new run is reported at once"
    assert "not a JSON request" in warnings()[2]
    assert refusals.refused_total == 8


def test_other_ptb_webhook_lines_keep_the_configured_level() -> None:
    refusals = RefusedRequestLog(logging.INFO)
    assert refusals.filter(ptb_line("Webhook triggered")) is False
    info = logging.LogRecord(PTB_WEBHOOK_LOGGER, logging.INFO, __file__, 1, "x", None, None)
    assert refusals.filter(info) is True
    refusals.threshold = logging.DEBUG
    assert refusals.filter(ptb_line("Webhook triggered")) is True


# ---- the stub speaks webhook as Telegram does ----------------------------------------------


async def test_the_stub_keeps_a_webhook_and_refuses_get_updates_meanwhile(
    stub: StubBotAPI,
) -> None:
    async with Bot(TOKEN, base_url=stub.base_url) as bot:
        assert (await bot.get_webhook_info()).url == ""
        stub.send_text(RUNNER, "hi")
        await bot.set_webhook(
            "https://c.example.com/h", secret_token=SECRET, allowed_updates=["message"]
        )
        info = await bot.get_webhook_info()
        assert info.url == "https://c.example.com/h"
        assert info.allowed_updates == ("message",)
        assert info.pending_update_count == 1
        with pytest.raises(Conflict) as refused:
            await bot.get_updates()
        assert refused.value.message == WEBHOOK_ACTIVE
        assert await bot.delete_webhook() is True
        assert (await bot.get_webhook_info()).url == ""
        assert [u.message.text for u in await bot.get_updates() if u.message] == ["hi"]


def test_the_stub_posts_updates_in_turn_to_the_balancers_addresses(stub: StubBotAPI) -> None:
    """Two small servers stand for two bot processes behind one address."""
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    seen: list[tuple[int, str, str | None, int]] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            port = self.server.server_address[1]
            secret = self.headers.get("X-Telegram-Bot-Api-Secret-Token")
            seen.append((int(port), self.path, secret, int(body["update_id"])))
            self.send_response(200)
            self.end_headers()

    servers = [ThreadingHTTPServer(("127.0.0.1", 0), Handler) for _ in range(2)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        stub.route_webhook(*(f"http://127.0.0.1:{s.server_address[1]}" for s in servers))
        stub.dispatch(f"/bot{TOKEN}/setWebhook", {"url": "https://lb.example.com/h?x=1"})
        sent = [stub.send_text(RUNNER, f"message {n}") for n in range(4)]
        deadline = time.monotonic() + 10
        while len(seen) < 4 and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
    ports = [int(s.server_address[1]) for s in servers]
    assert [update for *_, update in seen] == sent
    assert [port for port, *_ in seen] == [ports[0], ports[1], ports[0], ports[1]]
    assert {path for _, path, _, _ in seen} == {"/h?x=1"}
    assert {secret for _, _, secret, _ in seen} == {None}
    assert stub.pending_updates() == []


def test_webhook_mode_on_sqlite_is_still_one_process(
    stub: StubBotAPI, hook: WebhookProcess, tmp_path: Path
) -> None:
    hook.start()
    port = free_port()
    env = webhook_env(stub, sqlite_url(tmp_path / "coach.db"), port, LOG_LEVEL="INFO")
    other = tmp_path / "other"
    other.mkdir()
    result = run_bot(env, other)
    assert result.returncode == 2, result.stderr
    assert "Another bot process is already using the SQLite database" in result.stderr
