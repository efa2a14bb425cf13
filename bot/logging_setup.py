"""Logging that never shows the bot token.

httpx logs every request URL at INFO and the Bot API URL contains the token, so httpx
is held at WARNING and every record passes through a filter that masks the token.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

_TOKEN_RE = re.compile(r"\d{5,16}:[A-Za-z0-9_-]{30,}")


class RedactTokens(logging.Filter):
    """Masks anything shaped like a bot token, wherever it appears in a record."""

    def __init__(self, secrets: list[str] | None = None) -> None:
        super().__init__()
        self._secrets = [secret for secret in (secrets or []) if secret]

    def clean(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "[token]")
        return _TOKEN_RE.sub("[token]", text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = self.clean(message)
        if record.exc_info and record.exc_text is None:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.clean(record.exc_text)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line (``LOG_FORMAT=json``), for hosts that ship logs: the time
    (UTC, ISO 8601), level, logger, message, the chat id when a record carries one
    (``extra={"chat_id": …}``) and the exception. It formats what ``RedactTokens`` has
    cleaned already, so the token never reaches it."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        chat_id = getattr(record, "chat_id", None)
        if chat_id is not None:
            entry["chat_id"] = chat_id
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def setup_logging(level: str, secrets: list[str] | None = None, fmt: str = "text") -> None:
    """Log lines to stderr, the token masked; ``fmt`` "json" gives one JSON object a line."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    handler.addFilter(RedactTokens(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "apscheduler", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
