"""Starting the bot: configuration mistakes, the token's secrecy, broken content, settings.

Why: the first person to meet these code paths is a deployer with a wrong ``.env`` or a
coach who mistyped a TOML file. They must get one line that says what to fix (exit code
2, no traceback), and the token must never end up in a log that gets pasted into an
issue. Most of these run ``python -m bot`` for real, because a traceback or a leaked
token is a property of the whole process, not of one function.
"""

from __future__ import annotations

import io
import logging
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.content import CONTENT_DIR, ContentError, load_content
from bot.logging_setup import RedactTokens
from bot.settings import Settings, async_database_url
from testkit.stub_bot_api import StubBotAPI
from tests.test_process_e2e import (
    TOKEN,
    TOKEN_SECRET,
    BotProcess,
    Chat,
    T,
    bot_env,
    lead,
    sqlite_url,
)

RUN_TIMEOUT = 60.0
CHAT = 4242


@pytest.fixture
def stub() -> Iterator[StubBotAPI]:
    with StubBotAPI() as server:
        yield server


def run_bot(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``python -m bot`` to completion (for runs that are expected to exit by themselves)."""
    return subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )


def config_env(stub: StubBotAPI, tmp_path: Path, **changes: str | None) -> dict[str, str]:
    """The process environment with some settings changed (``None`` removes one)."""
    env = bot_env(stub, sqlite_url(tmp_path / "coach.db"))
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def assert_one_line_token_help(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "TELEGRAM_BOT_TOKEN" in lines[0]
    assert "@BotFather" in lines[0]
    return lines[0]


# ---- (a), (b): the token is missing or malformed -----------------------------------------


def test_missing_token_is_one_line_with_exit_code_2(stub: StubBotAPI, tmp_path: Path) -> None:
    """No token: the deployer is told where to get one, not shown a pydantic traceback."""
    result = run_bot(config_env(stub, tmp_path, TELEGRAM_BOT_TOKEN=None), tmp_path)
    line = assert_one_line_token_help(result)
    assert "missing" in line
    assert stub.calls == [], "nothing may be sent to Telegram without a token"


@pytest.mark.parametrize(
    "bad_token",
    ["hello", "123456789:short-Secret-Value", "bot123456789:AAHfakeSECRETfakeSECRETfakeSECRET1"],
    ids=["word", "short-secret", "bot-prefix"],
)
def test_malformed_token_is_one_line_and_not_echoed(
    stub: StubBotAPI, tmp_path: Path, bad_token: str
) -> None:
    """A malformed token is often a real one pasted wrongly: never print it back."""
    result = run_bot(config_env(stub, tmp_path, TELEGRAM_BOT_TOKEN=bad_token), tmp_path)
    line = assert_one_line_token_help(result)
    assert "malformed" in line
    assert bad_token not in result.stderr + result.stdout
    assert bad_token.split(":")[-1] not in result.stderr + result.stdout
    assert stub.calls == []


def test_bad_log_level_is_one_line_without_echo(stub: StubBotAPI, tmp_path: Path) -> None:
    """Other settings errors follow the same rule: one line naming the variable."""
    result = run_bot(config_env(stub, tmp_path, LOG_LEVEL="chatty"), tmp_path)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("LOG_LEVEL"), result.stderr
    assert "chatty" not in result.stderr


def test_rejected_token_is_one_line_and_not_echoed(stub: StubBotAPI, tmp_path: Path) -> None:
    """A well-formed but revoked token: Telegram answers getMe with 401 Unauthorized."""
    stub.fail_next("getMe", 401, times=5)
    result = run_bot(config_env(stub, tmp_path, LOG_LEVEL="INFO"), tmp_path)
    assert TOKEN not in result.stdout + result.stderr
    assert TOKEN_SECRET not in result.stdout + result.stderr
    assert_one_line_token_help(result)


# ---- (c): the token never reaches a log ---------------------------------------------------


def test_token_never_appears_in_debug_output(stub: StubBotAPI, tmp_path: Path) -> None:
    """With LOG_LEVEL=DEBUG PTB logs every Bot API call; not one line may carry the token."""
    bot = BotProcess(stub, bot_env(stub, sqlite_url(tmp_path / "coach.db")), tmp_path)
    chat = Chat(stub, bot, CHAT)
    try:
        bot.start()
        chat.say("/start", lead("onboarding.ask_run_days"))
        chat.tap(
            T.weekday(0, "abbreviated"),
            T("onboarding.ask_run_days_selected", days=T.weekday(0, "abbreviated")),
        )
        chat.say("mon wed sat", T("onboarding.ask_long_run"))
        assert bot.terminate() == 0, bot.tail()
    finally:
        bot.close()

    output = bot.output()
    assert "Traceback" not in output
    # The log really is verbose and covers the exchange (otherwise this proves nothing) ...
    assert "DEBUG" in output
    assert "Bot @coach_test_bot is up" in output
    assert "sendMessage" in output and "getUpdates" in output
    # ... PTB logs the Bot API URL at DEBUG: seeing it masked shows the filter met a real leak.
    assert "[token]" in output
    assert TOKEN not in output
    assert TOKEN_SECRET not in output
    # Requests went out with the token, so it was in play all along.
    assert {call.token for call in stub.calls} == {TOKEN}


def _redacting_logger(secrets: list[str] | None) -> tuple[logging.Logger, io.StringIO]:
    """A private logger wired like setup_logging does it: the filter sits on the handler."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactTokens(secrets))
    logger = logging.getLogger(f"test_startup.redact.{id(stream)}")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    return logger, stream


@pytest.mark.parametrize("secrets", [[TOKEN], None], ids=["known-secret", "by-shape"])
def test_redact_tokens_masks_a_url_argument(secrets: list[str] | None) -> None:
    """The httpx-style leak: the token inside a request URL passed as a %-argument."""
    logger, stream = _redacting_logger(secrets)
    url = f"https://api.telegram.org/bot{TOKEN}/getUpdates"
    logger.info('HTTP Request: POST %s "%s"', url, "HTTP/1.1 200 OK")
    out = stream.getvalue()
    assert TOKEN not in out and TOKEN_SECRET not in out
    assert 'POST https://api.telegram.org/bot[token]/getUpdates "HTTP/1.1 200 OK"' in out


def test_redact_tokens_masks_an_exception_traceback() -> None:
    """A traceback whose exception message carries the token (as PTB's InvalidToken does)."""
    logger, stream = _redacting_logger([TOKEN])
    try:
        raise RuntimeError(f"The token `{TOKEN}` was rejected by the server.")
    except RuntimeError:
        logger.exception("Startup failed for %s", f"/bot{TOKEN}/getMe")
    out = stream.getvalue()
    assert "Traceback (most recent call last)" in out
    assert "RuntimeError: The token `[token]` was rejected" in out
    assert "Startup failed for /bot[token]/getMe" in out
    assert TOKEN not in out and TOKEN_SECRET not in out


def test_redact_tokens_masks_a_secret_that_is_not_token_shaped() -> None:
    """Explicit secrets are masked verbatim even where the token pattern would miss them."""
    logger, stream = _redacting_logger(["s3cr3t-value"])
    logger.warning("connecting with %s", "s3cr3t-value")
    assert "s3cr3t-value" not in stream.getvalue()
    assert "connecting with [token]" in stream.getvalue()


# ---- the first start on an empty database -------------------------------------------------


def test_first_start_on_an_empty_database(stub: StubBotAPI, tmp_path: Path) -> None:
    """A new deployment has no tables yet; the bot promises to create them itself."""
    bot = BotProcess(stub, bot_env(stub, sqlite_url(tmp_path / "new.db")), tmp_path)
    try:
        bot.start()
        Chat(stub, bot, CHAT).say("/start", lead("onboarding.ask_run_days"))
        assert bot.terminate() == 0
    finally:
        bot.close()


# ---- (d): broken content files ------------------------------------------------------------


def _copy_content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


def _break_exercise_sets(content: Path) -> tuple[str, ...]:
    """Append an exercise whose third level has ``sets = 0``; returns what the error names."""
    path = content / "exercises.toml"
    levels = ", ".join(
        f'{{ variant = "Step {n}", sets = {0 if n == 2 else 2}, reps = 8, rest = 30 }}'
        for n in range(4)
    )
    entry = (
        "\n[exercises.broken_move]\n"
        'name = "Broken move"\nfocus = "core"\nneeds = []\ncue = "Mind the sets."\n'
        f"levels = [{levels}]\n"
    )
    path.write_text(path.read_text(encoding="utf-8") + entry, encoding="utf-8")
    return ("exercises.toml", "exercises.broken_move.levels.2.sets", "greater than or equal to 1")


def _break_session_reference(content: Path) -> tuple[str, ...]:
    """Append a template that names an exercise that does not exist."""
    path = content / "sessions.toml"
    index = len(tomllib.loads(path.read_text(encoding="utf-8"))["templates"])
    entry = '\n[[templates]]\nfocus = "core"\nlevels = [1]\nslots = [["no_such_move"], ["plank"]]\n'
    path.write_text(path.read_text(encoding="utf-8") + entry, encoding="utf-8")
    return ("sessions.toml", f"templates.{index}.slots.0", "unknown exercise 'no_such_move'")


BREAKAGES = {
    "exercise-sets-zero": _break_exercise_sets,
    "session-unknown-exercise": _break_session_reference,
}


@pytest.mark.parametrize("breakage", list(BREAKAGES))
def test_broken_content_stops_the_bot_with_file_entry_and_field(
    stub: StubBotAPI, tmp_path: Path, breakage: str
) -> None:
    """A coach's typo must stop the bot at start, saying where, before any runner sees it."""
    content = _copy_content(tmp_path)
    load_content(content)  # the untouched copy is fine: the breakage below is the only fault
    expected = BREAKAGES[breakage](content)

    with pytest.raises(ContentError) as caught:
        load_content(content)
    for part in expected:
        assert part in str(caught.value)

    result = run_bot(config_env(stub, tmp_path, CONTENT_DIR=str(content)), tmp_path)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    for part in expected:
        assert part in result.stderr
    assert str(caught.value) in result.stderr
    assert stub.calls == [], "broken content must stop the bot before it talks to Telegram"


# ---- (e): settings ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u:p@h:5432/db", "postgresql+psycopg://u:p@h:5432/db"),
        (" postgres://u@h/db \n", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:////data/coach.db", "sqlite+aiosqlite:////data/coach.db"),
        ("sqlite+aiosqlite:///coach.db", "sqlite+aiosqlite:///coach.db"),
    ],
)
def test_async_database_url(given: str, expected: str) -> None:
    """Hosts hand out ``postgres://``; the bot needs an async driver in the URL."""
    assert async_database_url(given) == expected


def test_settings_normalise_database_url_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The normalisation happens where the deployer's value comes in: Settings."""
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", f"  {TOKEN}\n")
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/db")
    monkeypatch.setenv("LOG_LEVEL", "debug")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]  # pydantic-settings' init-only option
    assert settings.database_url == "postgresql+psycopg://u@h/db"
    assert settings.telegram_bot_token.get_secret_value() == TOKEN
    assert settings.log_level == "DEBUG"
    assert TOKEN not in repr(settings) and TOKEN not in str(settings)
