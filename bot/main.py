"""Startup: settings → logging → content → engine → application (migrations in post_init) → run.

Everything that can be wrong with the deployment (token, content files) is checked here
first, and explained in one line with exit code 2 rather than a traceback.
"""

from __future__ import annotations

import sys
from typing import Any

from pydantic import ValidationError
from telegram import Update

from bot.app import build_application, post_init
from bot.content import ContentError, load_content
from bot.logging_setup import setup_logging
from bot.settings import Settings
from bot.store.db import make_engine, make_session_factory, migrate

EXIT_CONFIG = 2

TOKEN_HELP = (
    "TELEGRAM_BOT_TOKEN is {problem}. Create a bot with @BotFather in Telegram "
    "(send /newbot), then put the token it gives you in .env as TELEGRAM_BOT_TOKEN=..."
)


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


def main() -> int:
    settings = load_settings()
    token = settings.telegram_bot_token.get_secret_value()
    setup_logging(settings.log_level, secrets=[token])
    try:
        content = load_content(settings.content_dir)
    except ContentError as exc:
        print(f"Content files are broken, the bot cannot start:\n{exc}", file=sys.stderr)
        return EXIT_CONFIG
    engine = make_engine(settings.database_url)
    sessions = make_session_factory(engine)

    async def start_up(application: Any) -> None:
        # Migrations run inside the application's own event loop, before anything else.
        await migrate(engine)
        await post_init(application)

    async def shut_down(_: Any) -> None:
        await engine.dispose()

    application = build_application(settings, sessions=sessions, content=content)
    application.post_init = start_up
    application.post_shutdown = shut_down
    application.run_polling(allowed_updates=[Update.MESSAGE, Update.CALLBACK_QUERY])
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
