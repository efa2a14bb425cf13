"""Startup: settings → logging → content → migrations → engine → application → run.

Everything that can be wrong with the deployment (token, content files) is checked here
first, and explained in one line with exit code 2 rather than a traceback.
"""

from __future__ import annotations

import asyncio
import gc
import signal
import sys
import traceback
from types import TracebackType
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError
from telegram import Bot
from telegram.error import InvalidToken, NetworkError

from bot.app import ALLOWED_UPDATES, build_application, post_init
from bot.content import ContentError, load_content
from bot.logging_setup import RedactTokens, setup_logging
from bot.settings import Settings
from bot.store.db import make_engine, make_session_factory, migrate
from bot.store.lock import AlreadyRunning, hold_single_instance_lock

EXIT_CONFIG = 2
GC_THRESHOLD = 50_000
EXIT_RUNTIME = 1

TOKEN_HELP = (
    "TELEGRAM_BOT_TOKEN is {problem}. Create a bot with @BotFather in Telegram "
    "(send /newbot), then put the token it gives you in .env as TELEGRAM_BOT_TOKEN=..."
)


def settle_garbage_collector() -> None:
    """Everything loaded at start (content, timezone tables, the app) lives for good: keep
    it out of the collector's way, and collect the young generation less often. With the
    defaults, full collections paused the loop for 100+ ms under load (bench/updates.py)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_THRESHOLD, 20, 20)


def load_settings() -> Settings:
    try:
        return Settings()  # type: ignore[call-arg]
    except ValidationError as exc:
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else ""
            if field == "telegram_bot_token":
                missing = error["type"] == "missing" or "is empty" in error["msg"]
                problem = "missing" if missing else "malformed"
                print(TOKEN_HELP.format(problem=problem), file=sys.stderr)
            else:
                # Never echo the input: it may be a secret.
                print(f"{field.upper()}: {error['msg']}", file=sys.stderr)
        raise SystemExit(EXIT_CONFIG) from None


async def _migrate(url: str) -> None:
    engine = make_engine(url)
    try:
        await migrate(engine)
    finally:
        await engine.dispose()


async def _check_token(settings: Settings) -> None:
    bot = Bot(settings.telegram_bot_token.get_secret_value(), base_url=settings.telegram_base_url)
    async with bot:  # initialising the bot calls getMe
        pass


def _explain_telegram_error(exc: InvalidToken | NetworkError) -> int:
    """One line for the deployer, never a traceback with the token in it."""
    if isinstance(exc, InvalidToken):
        print(TOKEN_HELP.format(problem="rejected by Telegram"), file=sys.stderr)
        return EXIT_CONFIG
    print(
        f"Cannot reach the Bot API at TELEGRAM_BASE_URL ({type(exc).__name__}). "
        "Check the network and the URL.",
        file=sys.stderr,
    )
    return EXIT_RUNTIME


def _redacting_excepthook(redact: RedactTokens) -> Any:
    """Even a crash nobody foresaw must not print the token."""

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        text = "".join(traceback.format_exception(kind, value, tb))
        print(redact.clean(text), file=sys.stderr, end="")

    return hook


def main() -> int:
    settings = load_settings()
    token = settings.telegram_bot_token.get_secret_value()
    setup_logging(settings.log_level, secrets=[token])
    sys.excepthook = _redacting_excepthook(RedactTokens([token]))
    try:
        content = load_content(settings.content_dir)
    except ContentError as exc:
        print(f"Content files are broken, the bot cannot start:\n{exc}", file=sys.stderr)
        return EXIT_CONFIG
    # Ask Telegram once whether the token is good, so a revoked token is one clear line
    # rather than PTB's retry-loop traceback.
    try:
        asyncio.run(_check_token(settings))
    except (InvalidToken, NetworkError) as exc:
        return _explain_telegram_error(exc)
    try:
        hold_single_instance_lock(settings.database_url)
    except AlreadyRunning as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_CONFIG
    # Migrations first, in their own short event loop: PTB reads persisted conversations
    # from the database while initialising, before any post_init hook runs.
    try:
        asyncio.run(_migrate(settings.database_url))
    except (OSError, SQLAlchemyError) as exc:
        print(f"DATABASE_URL: cannot open the database ({type(exc).__name__}).", file=sys.stderr)
        return EXIT_RUNTIME
    engine = make_engine(settings.database_url)
    application = build_application(
        settings, sessions=make_session_factory(engine), content=content
    )

    async def start_up(app: Any) -> None:
        await post_init(app)
        app.bot_data["watchdog"].start()
        settle_garbage_collector()

    async def shut_down(app: Any) -> None:
        app.bot_data["watchdog"].stop()
        for name in ("warm_up", "backfill"):
            task = app.bot_data.get(name)
            if task is not None and not task.done():
                task.cancel()
        await engine.dispose()

    application.post_init = start_up
    application.post_shutdown = shut_down
    try:
        if settings.poll_updates:
            application.run_polling(allowed_updates=list(ALLOWED_UPDATES))
        else:
            asyncio.run(_send_reminders_only(application))
    except (InvalidToken, NetworkError) as exc:
        return _explain_telegram_error(exc)
    return 0


async def _send_reminders_only(application: Any) -> None:
    """A second instance on PostgreSQL: reminders only, no polling (Telegram allows one
    getUpdates consumer per bot). Stops cleanly on SIGTERM or SIGINT."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    async with application:
        await application.post_init(application)
        await application.start()
        await stop.wait()
        await application.stop()
    await application.post_shutdown(application)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
