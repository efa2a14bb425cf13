"""Configuration, read only from the environment and ``.env``.

One class so a deployer finds every knob in one place, and ``.env.example`` documents it.
"""

from __future__ import annotations

import re
from datetime import time
from pathlib import Path
from typing import Literal
from urllib.parse import quote

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

#: ``data/coach.db`` in the working directory the bot starts in (the folder with its
#: ``.env``; systemd's WorkingDirectory), made with its folder on first start. Relative on
#: purpose: it used to sit beside the package, which for ``pip install .`` meant inside
#: site-packages (measured before issue 14), where a reinstall or an upgrade deletes it.
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///data/coach.db"
TOKEN_PATTERN = re.compile(r"^\d{5,16}:[A-Za-z0-9_-]{30,}$")
#: The drivers the bot talks through, after ``async_database_url`` has normalised the URL.
#: Anything else would fail deep inside SQLAlchemy with a traceback.
SUPPORTED_DRIVERS = frozenset({"sqlite+aiosqlite", "postgresql+psycopg"})
#: A password or secret of a character or two would mask those letters in every log line.
MIN_REDACTED_SECRET = 4
URL_SHAPES = "postgresql://user:password@host:5432/dbname or sqlite:///path/to/coach.db"


def _shipped_content_dir() -> Path:
    from bot.content import CONTENT_DIR

    return CONTENT_DIR


class DatabaseSettings(BaseSettings):
    """Just the database, for tools (``alembic upgrade head``) that need no token."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    database_url: str = DEFAULT_DATABASE_URL

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        url = async_database_url(value)
        problem = database_url_problem(url)
        if problem is not None:
            raise ValueError(problem)
        return url


class Settings(DatabaseSettings):
    telegram_bot_token: SecretStr
    telegram_base_url: str = "https://api.telegram.org/bot"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    log_format: Literal["text", "json"] = "text"  # json: one object a line, for log shippers
    # Default: the content the bot ships with (bot.content.CONTENT_DIR, inside an installed
    # package or the repository's content/). A factory, so alembic's DatabaseSettings does
    # not import the content models (~0.25 s) to read a database URL.
    content_dir: Path = Field(default_factory=_shipped_content_dir)
    reminder_tick_seconds: float = Field(default=60.0, gt=0)
    reminder_catchup_hours: float = Field(default=6.0, ge=0)
    # A row stuck in "sending" this long belongs to a sender that died; send it again.
    reminder_lease_seconds: float = Field(default=120.0, gt=0)
    send_rate_limit: float = Field(default=30.0, gt=0)  # messages per second, all chats
    send_concurrency: int = Field(default=8, ge=1, le=256)
    # /progress pictures drawn at once, each off the event loop (bot/drawing.py): more
    # only queue for the same cores; the chart benchmark (bench/progress_chart.py) measures it.
    chart_concurrency: int = Field(default=2, ge=1, le=16)
    evening_checkin_time: time = time(20, 0)
    watchdog_stall_seconds: float = Field(default=90.0, gt=0)
    # False: this instance only sends reminders (a second instance on PostgreSQL).
    poll_updates: bool = True
    # Webhook mode (bot/webhook.py) instead of polling when a URL is set: the public
    # HTTPS address Telegram posts updates to, the secret it sends back in every request
    # (X-Telegram-Bot-Api-Secret-Token), and where this process listens for them.
    telegram_webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    # /healthz and /metrics over HTTP (bot/health_http.py); off unless a port is set.
    health_port: int | None = Field(default=None, ge=1, le=65535)
    health_listen: str = "127.0.0.1"

    def secrets(self) -> list[str]:
        """What no log line, error message or HTTP answer may show: the token, the
        database password if the URL has one (as typed, and as a URL spells it), and the
        webhook's secret."""
        found = [self.telegram_bot_token.get_secret_value()]
        password = make_url(self.database_url).password
        if isinstance(password, str) and len(password) >= MIN_REDACTED_SECRET:
            found += [password, quote(password, safe="")]
        secret = self.webhook_secret.get_secret_value() if self.webhook_secret else ""
        if len(secret) >= MIN_REDACTED_SECRET:
            found.append(secret)
        return found

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value().strip():
            raise ValueError("is empty")
        if not TOKEN_PATTERN.match(value.get_secret_value().strip()):
            raise ValueError("does not look like a bot token")
        return SecretStr(value.get_secret_value().strip())

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value


def async_database_url(url: str) -> str:
    """Hosts hand out ``postgres://`` URLs; the bot talks to databases through async drivers."""
    url = url.strip()
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    if url.startswith("sqlite://"):
        return "sqlite+aiosqlite://" + url[len("sqlite://") :]
    return url


def database_url_problem(url: str) -> str | None:
    """What is wrong with a (normalised) DATABASE_URL, or None.

    Checked with the settings so a typo is one line at start, not a traceback from deep in
    SQLAlchemy when the first connection is made. The words never repeat the URL: it may
    carry a database password.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        return f"is not a database URL; expected {URL_SHAPES}"
    except ValueError:  # SQLAlchemy reads the port with int()
        return f"has a port that is not a number; expected {URL_SHAPES}"
    backend = parsed.get_backend_name()
    if backend not in {"sqlite", "postgresql"}:
        return f"names a database the bot does not support ({backend}); expected {URL_SHAPES}"
    if parsed.drivername not in SUPPORTED_DRIVERS:
        return (
            f"names the driver {parsed.get_driver_name()!r}, which the bot does not use; "
            f"write {backend}://... and the bot picks its own"
        )
    if backend == "sqlite" and (parsed.host or parsed.username or parsed.port):
        # sqlite://coach.db parses as host "coach.db" and no file: an in-memory database
        # that forgets every runner at each restart.
        return (
            "has a host part, which SQLite ignores; use sqlite:///relative/path.db "
            "or sqlite:////absolute/path.db"
        )
    return None
