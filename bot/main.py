"""Startup: settings → logging → content → database (lock, migrations) → token → run
(polling, or a webhook when ``TELEGRAM_WEBHOOK_URL`` is set: ``bot/webhook.py``).

Everything that can be wrong with the deployment (token, content files, the database and
its URL) is checked here first, and explained in one line with exit code 2 rather than a
traceback; a database password, like the token, never reaches that line or a log.
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

from bot import health_http, webhook
from bot.app import ALLOWED_UPDATES, build_application, cancel_startup_tasks, post_init
from bot.content import ContentError, load_content
from bot.deps import DEPS_KEY, takes_webhook
from bot.health import PollErrorLog
from bot.logging_setup import RedactTokens, setup_logging
from bot.settings import Settings
from bot.store.db import (
    EXIT_CONFIG,
    EXIT_RUNTIME,
    DatabaseProblem,
    check_writable,
    explain_database_error,
    make_engine,
    make_session_factory,
    migrate,
)
from bot.store.lock import AlreadyRunning, hold_single_instance_lock

GC_THRESHOLD = 50_000
#: How pydantic words a ValueError raised by a validator; the deployer needs only the rest.
PYDANTIC_VALUE_ERROR = "Value error, "

TOKEN_HELP = (
    "TELEGRAM_BOT_TOKEN is {problem}. Create a bot with @BotFather in Telegram "
    "(send /newbot), then put the token it gives you in .env as TELEGRAM_BOT_TOKEN=..."
)


def settle_garbage_collector() -> None:
    """Everything loaded at start (content, the zone names, the app) lives for good: keep
    it out of the collector's way, and collect the young generation less often. With the
    defaults, full collections paused the loop for 100+ ms under load (bench/updates.py)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_THRESHOLD, 20, 20)


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else ""
            if field == "telegram_bot_token":
                missing = error["type"] == "missing" or "is empty" in error["msg"]
                problem = "missing" if missing else "malformed"
                print(TOKEN_HELP.format(problem=problem), file=sys.stderr)
            else:
                # Never echo the input: it may be a secret (a password in DATABASE_URL).
                message = error["msg"].removeprefix(PYDANTIC_VALUE_ERROR)
                print(f"{field.upper()}: {message}", file=sys.stderr)
        raise SystemExit(EXIT_CONFIG) from None


def check_webhook(settings: Settings) -> None:
    """The webhook settings, before anything else: one line and exit code 2."""
    found = webhook.problem(settings)
    if found is not None:
        print(found, file=sys.stderr)
        raise SystemExit(EXIT_CONFIG)


async def _migrate(url: str) -> None:
    """Refuse a read-only database, then create or upgrade the schema."""
    engine = make_engine(url)
    try:
        await check_writable(engine)
        await migrate(engine)
    finally:
        await engine.dispose()


def _prepare_database(settings: Settings) -> int | None:
    """The lock, then the migrations; an exit code when the database cannot be used."""
    try:
        hold_single_instance_lock(
            settings.database_url,
            polling=settings.poll_updates,
            webhook=takes_webhook(settings),
        )
        # Migrations in their own short event loop: PTB reads persisted conversations from
        # the database while initialising, before any post_init hook runs.
        asyncio.run(_migrate(settings.database_url))
    except AlreadyRunning as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_CONFIG
    except DatabaseProblem as exc:
        print(str(exc), file=sys.stderr)
        return exc.exit_code
    except (OSError, SQLAlchemyError) as exc:
        problem = explain_database_error(exc, settings.database_url)
        print(str(problem), file=sys.stderr)
        return problem.exit_code
    return None


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
    check_webhook(settings)
    secrets = settings.secrets()
    setup_logging(settings.log_level, secrets=secrets, fmt=settings.log_format)
    sys.excepthook = _redacting_excepthook(RedactTokens(secrets))
    try:
        content = load_content(settings.content_dir)
    except ContentError as exc:
        print(f"Content files are broken, the bot cannot start:\n{exc}", file=sys.stderr)
        return EXIT_CONFIG
    # The database before Telegram: a refusal (another process, a read-only file, a bad
    # URL) then costs no Bot API call.
    refused = _prepare_database(settings)
    if refused is not None:
        return refused
    # Ask Telegram once whether the token is good, so a revoked token is one clear line
    # rather than PTB's retry-loop traceback.
    try:
        asyncio.run(_check_token(settings))
    except (InvalidToken, NetworkError) as exc:
        return _explain_telegram_error(exc)
    engine = make_engine(settings.database_url)
    application = build_application(
        settings, sessions=make_session_factory(engine), content=content
    )

    async def start_up(app: Any) -> None:
        await post_init(app)
        app.bot_data["watchdog"].start()
        health_http.start(app)  # /healthz and /metrics, when HEALTH_PORT is set
        settle_garbage_collector()

    async def shut_down(app: Any) -> None:
        app.bot_data["watchdog"].stop()
        health_http.stop(app)
        cancel_startup_tasks(app)
        await engine.dispose()

    application.post_init = start_up
    application.post_shutdown = shut_down
    try:
        asyncio.run(_serve(application, settings))
    except (InvalidToken, NetworkError) as exc:
        return _explain_telegram_error(exc)
    except webhook.WebhookProblem as exc:
        print(str(exc), file=sys.stderr)
        return exc.exit_code
    return 0


async def _serve(application: Any, settings: Settings) -> None:
    """Run until SIGTERM or SIGINT: polling for updates, taking them by webhook
    (``TELEGRAM_WEBHOOK_URL``, bot/webhook.py), or (``POLL_UPDATES=false``, a further
    instance on PostgreSQL) only sending reminders, as Telegram allows one getUpdates
    consumer per bot. At the end the webhook is left set (bot/webhook.py says why).

    The steps of PTB's ``run_polling``, spelled out because ``run_polling`` hands a failed
    getUpdates to the error handlers (a traceback each time, see bot.health.PollErrorLog)
    and offers no other ``error_callback``; ``Updater.start_polling`` does.
    """
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        async with application:  # initialize() ... shutdown()
            try:
                await application.post_init(application)
                if takes_webhook(settings):
                    await webhook.start(application, settings)
                elif settings.poll_updates:
                    await application.updater.start_polling(
                        allowed_updates=list(ALLOWED_UPDATES),
                        error_callback=PollErrorLog(application.bot_data[DEPS_KEY].health),
                    )
                await application.start()
                await stop.wait()
            finally:
                if application.updater is not None and application.updater.running:
                    await application.updater.stop()
                if application.running:
                    await application.stop()
    finally:
        await application.post_shutdown(application)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
