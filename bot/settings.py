"""Configuration, read only from the environment and ``.env``.

One class so a deployer finds every knob in one place, and ``.env.example`` documents it.
"""

from __future__ import annotations

import re
from datetime import time
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite+aiosqlite:///{PROJECT_DIR / 'data' / 'coach.db'}"
TOKEN_PATTERN = re.compile(r"^\d{5,16}:[A-Za-z0-9_-]{30,}$")


class DatabaseSettings(BaseSettings):
    """Just the database, for tools (``alembic upgrade head``) that need no token."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    database_url: str = DEFAULT_DATABASE_URL

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        return async_database_url(value)


class Settings(DatabaseSettings):
    telegram_bot_token: SecretStr
    telegram_base_url: str = "https://api.telegram.org/bot"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    content_dir: Path = PROJECT_DIR / "content"
    reminder_tick_seconds: float = Field(default=60.0, gt=0)
    reminder_catchup_hours: float = Field(default=6.0, ge=0)
    # A row stuck in "sending" this long belongs to a sender that died; send it again.
    reminder_lease_seconds: float = Field(default=120.0, gt=0)
    send_rate_limit: float = Field(default=30.0, gt=0)  # messages per second, all chats
    send_concurrency: int = Field(default=8, ge=1, le=256)
    evening_checkin_time: time = time(20, 0)
    watchdog_stall_seconds: float = Field(default=90.0, gt=0)
    # False: this instance only sends reminders (a second instance on PostgreSQL).
    poll_updates: bool = True

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


def async_database_url(url: str) -> str:
    """Hosts hand out ``postgres://`` URLs; the bot talks to databases through async drivers."""
    url = url.strip()
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    if url.startswith("sqlite://"):
        return "sqlite+aiosqlite://" + url[len("sqlite://") :]
    return url
