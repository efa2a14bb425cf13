"""LOG_FORMAT=json (issue 14, point 6): one JSON object per line — time, level, logger,
message, the chat id where one applies — and never the token, in the real process."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

from bot.logging_setup import JsonFormatter, RedactTokens
from testkit.stub_bot_api import StubBotAPI
from tests.test_process_e2e import TOKEN, BotProcess, Chat, bot_env, lead, sqlite_url

CHAT = 4343


def test_a_json_record_carries_the_chat_and_never_the_token() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RedactTokens([TOKEN]))
    logger = logging.getLogger("test_json_logs.unit")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    try:
        raise RuntimeError(f"https://api.telegram.org/bot{TOKEN}/getMe failed")
    except RuntimeError:
        logger.exception("calling %s", f"bot{TOKEN}/getMe", extra={"chat_id": 77})
    [line] = stream.getvalue().splitlines()
    entry = json.loads(line)
    assert entry["level"] == "ERROR" and entry["logger"] == "test_json_logs.unit"
    assert entry["chat_id"] == 77 and entry["time"].endswith("+00:00")
    assert "[token]" in entry["message"] and "[token]" in entry["exception"]
    assert TOKEN not in line


def test_the_bot_logs_one_json_object_a_line(stub: StubBotAPI, tmp_path: Path) -> None:
    env = {**bot_env(stub, sqlite_url(tmp_path / "coach.db")), "LOG_FORMAT": "JSON"}
    bot = BotProcess(stub, env, tmp_path)
    chat = Chat(stub, bot, CHAT)
    try:
        bot.start()
        chat.say("/start", lead("onboarding.ask_run_days"))
        assert bot.terminate() == 0, bot.tail()
    finally:
        bot.close()
    lines = [line for line in bot.output().splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    assert entries and all({"time", "level", "logger", "message"} <= set(e) for e in entries)
    assert any("is up" in entry["message"] for entry in entries)
    assert TOKEN not in bot.output()
