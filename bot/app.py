"""All wiring in one place, in the order it runs.

``build_application`` takes everything it needs (settings, database, clock, content) so a
test builds the very same application with a fake network and a fake clock.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest, HTTPXRequest

from bot import housekeeping
from bot.clock import Clock, SystemClock
from bot.coach.timezones import ZoneFinder
from bot.content import Content
from bot.deps import DEPS_KEY, Deps, get_deps, takes_webhook
from bot.drawing import close_drawer
from bot.handlers import (
    chat,
    commands,
    delete,
    export,
    guards,
    history,
    language,
    loads,
    pause,
    progress,
    setup,
    skip,
    snooze,
    swap,
    this_week,
    today,
    undo,
    week,
)
from bot.health import Health, PollWatch, Watchdog
from bot.jobs.preview import backfill_previews
from bot.jobs.reminders import reminder_tick
from bot.messages.callbacks import SESSION_PATTERN, DeleteButton, FeedbackButton, SnoozeButton
from bot.metrics import METRICS_KEY, Metrics, metrics_of
from bot.rate_limit import PacedRateLimiter
from bot.settings import Settings
from bot.store import drafts, faults
from bot.store.db import SessionFactory, transaction
from bot.store.runners import inactive_chat_ids, non_english
from bot.updates import MAX_RUNNING, ChatOrderedProcessor

log = logging.getLogger(__name__)

# The update kinds polling asks Telegram for (and a webhook would register): what the
# handlers below answer, and nothing else. MY_CHAT_MEMBER says when a runner blocks the
# bot (no reminders from then on) and unblocks it (reminders again).
ALLOWED_UPDATES = (Update.MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER)
COMMANDS = (
    "start",
    "today",
    "next",
    "week",
    "progress",
    "history",
    "export",
    "undo",
    "units",
    "settings",
    "pause",
    "resume",
    "help",
    "language",
    "delete",
    "cancel",
)
RATE_LIMIT_RETRIES = 3


async def count_failure(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An error handler beside ``guards.on_error``: counts an update whose handler raised
    (``strength_coach_updates_failed_total``), and a database that failed it makes
    ``/healthz`` answer 503 until a reminder tick reaches the database again."""
    if isinstance(update, Update):
        metrics_of(context.application).update_failed(update)
    if context.error is not None and faults.transient(context.error):
        get_deps(context).health.database_failed(
            f"a handler failed: {faults.describe(context.error)}"
        )


async def _backfill(deps: Deps) -> None:
    try:
        filled = await backfill_previews(deps)
    except Exception:
        log.exception("Could not set the weekly preview for runners who had none yet")
        return
    if filled:
        log.info("Weekly preview scheduled for %d runners", filled)


async def fill_draft_cache(deps: Deps) -> None:
    """Every open conversation in memory (``drafts.DraftCache.fill``): a message from
    anyone else then costs no draft read, the first after a start included."""
    async with transaction(deps.sessions) as session:
        stored = await drafts.read_all(session, deps.draft_cache.max_entries)
    deps.draft_cache.fill(stored)


def profile_codes(content: Content) -> list[tuple[str | None, Content]]:
    """Each profile Telegram keeps and the language it is in: the default (no
    language_code: English, for every user whose language the coach does not speak)
    and one per other shipped language, under its ISO 639-1 code ("pt-BR" → "pt": the
    two letters Telegram's setMyCommands takes)."""
    default = content.speaking(None)
    profiles: list[tuple[str | None, Content]] = [(None, default)]
    taken = {default.language.code.split("-")[0].lower()}
    for code in content.codes:
        two = code.split("-")[0].lower()
        if two not in taken and len(two) == 2 and two.isalpha():
            taken.add(two)
            profiles.append((two, content.speaking(code)))
    return profiles


async def set_profile(
    application: Application[Any, Any, Any, Any, Any, Any], content: Content
) -> None:
    """The command menu, and what a new user sees in the empty chat before /start and on
    the bot's profile, in each language: Telegram shows a user the one of their
    language_code, before they type anything."""
    bot = application.bot
    for code, spoken in profile_codes(content):
        t = spoken.texts
        await bot.set_my_commands(
            [BotCommand(name, t(f"commands.{name}")) for name in COMMANDS], language_code=code
        )
        await bot.set_my_description(t("about.description"), language_code=code)
        await bot.set_my_short_description(t("about.short_description"), language_code=code)


async def fill_language_cache(deps: Deps) -> None:
    """Every runner's language other than English in memory
    (``services.languages.LanguageCache.fill``): an English-speaking runner's message then
    costs no read to know it."""
    if deps.language_cache.max_entries <= 0:
        return
    async with transaction(deps.sessions) as session:
        stored = await non_english(session, deps.language_cache.max_entries // 2)
    deps.language_cache.fill(stored)


async def post_init(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Network and startup work: the command menu and the reminder tick."""
    deps: Deps = application.bot_data[DEPS_KEY]
    await set_profile(application, deps.content)
    async with transaction(deps.sessions) as session:
        deps.inactive = await inactive_chat_ids(session)
    await fill_draft_cache(deps)
    await fill_language_cache(deps)
    # Runners from before the weekly preview existed get their first preview instant; in
    # the background, so 100k of them do not hold back the first getUpdates.
    application.bot_data["backfill"] = asyncio.get_running_loop().create_task(
        _backfill(deps), name="backfill-previews"
    )
    if application.job_queue is not None:
        # first=0: catch up at once on whatever fell due while the bot was down.
        application.job_queue.run_repeating(
            reminder_tick, interval=deps.settings.reminder_tick_seconds, first=0, name="reminders"
        )
        # Onboardings abandoned for a month are forgotten (their drafts).
        application.job_queue.run_repeating(
            housekeeping.housekeeping_job,
            interval=housekeeping.SWEEP_SECONDS,
            first=housekeeping.SWEEP_SECONDS,
            name="housekeeping",
        )
    # Only the zone names at start (10 ms): the city table and the location polygons load
    # in the thread of the first runner who needs them (0.22 s, 0.17 s), so an idle bot
    # holds neither (+19 and +10 MB RSS; bench.memory_startup).
    application.bot_data["warm_up"] = asyncio.get_running_loop().create_task(
        asyncio.to_thread(deps.zones.load_zone_names), name="warm-up-zones"
    )
    watchdog = Watchdog(
        deps.health,
        tick_limit=max(
            deps.settings.watchdog_stall_seconds, 1.5 * deps.settings.reminder_tick_seconds
        ),
        poll_limit=deps.settings.watchdog_stall_seconds,
    )
    application.bot_data["watchdog"] = watchdog
    log.info("Bot @%s is up", application.bot.username)


def cancel_startup_tasks(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """At shutdown: the background tasks ``post_init`` started, if still running (the zone
    names' load, the preview backfill), and the chart workers, if a /progress started them."""
    for name in ("warm_up", "backfill"):
        task = application.bot_data.get(name)
        if task is not None and not task.done():
            task.cancel()
    close_drawer(application)


def build_application(
    settings: Settings,
    *,
    sessions: SessionFactory,
    content: Content,
    clock: Clock | None = None,
    zones: ZoneFinder | None = None,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
) -> Application[Any, Any, Any, Any, Any, Any]:
    defaults = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(settings.telegram_base_url)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .post_init(post_init)
    )
    # Always on: the reminder job passes rate_limit_args, which PTB refuses without one.
    limiter = PacedRateLimiter(settings.send_rate_limit, max_retries=RATE_LIMIT_RETRIES)
    builder = defaults.rate_limiter(limiter)
    # Different chats at once, each chat's updates in order (bot/updates.py).
    processor = ChatOrderedProcessor()
    builder = builder.concurrent_updates(processor)
    # Counted per application, not in prometheus-client's global registry (bot/metrics.py).
    metrics = Metrics()
    processor.observe = metrics.update_handled
    limiter.on_retry_after = metrics.rate_limited
    health = Health()
    # A webhook deployment makes no getUpdates, so none can stall.
    health.watch_polling = settings.poll_updates and not takes_webhook(settings)
    if request is not None:
        builder = builder.request(request)
    else:
        # Enough connections for the concurrent reminder sends and handlers' replies.
        builder = builder.connection_pool_size(settings.send_concurrency + MAX_RUNNING)
    builder = builder.get_updates_request(PollWatch(get_updates_request or HTTPXRequest(), health))
    application = builder.build()
    deps = Deps(
        settings=settings,
        sessions=sessions,
        clock=clock or SystemClock(),
        content=content,
        zones=zones or ZoneFinder(),
        health=health,
    )
    application.bot_data[DEPS_KEY] = deps
    application.bot_data[METRICS_KEY] = metrics

    async def backoff(seconds: float) -> None:
        await deps.sleep(seconds)  # looked up each time: tests swap in a fake clock's

    limiter.backoff_sleep = backoff

    private = filters.ChatType.PRIVATE
    # Group -4 before all: the language this update is answered in (handlers.language).
    application.add_handler(TypeHandler(Update, language.resolve), group=-4)
    # Group -3 first of all: a runner who had blocked the bot and writes again is back.
    application.add_handler(TypeHandler(Update, guards.wake_returning_runner), group=-3)
    # Group -2: in groups, answer commands with "message me privately" and stop.
    application.add_handler(TypeHandler(Update, guards.group_guard), group=-2)
    # Group -1 (setup.GROUP): a message in a chat with /start or /settings open is the
    # open question's answer, and goes no further. Group 0: everything else, /start and
    # /settings themselves and their buttons included.
    for group, handlers in setup.handlers().items():
        application.add_handlers(handlers, group=group)
    # /next, and "/today tomorrow" ahead of /today's own handler (which takes no words).
    application.add_handlers(chat.command_handlers())
    application.add_handler(CommandHandler("today", today.today, filters=private))
    application.add_handler(CommandHandler("week", week.week, filters=private))
    application.add_handler(CommandHandler("help", commands.help_command, filters=private))
    application.add_handler(CommandHandler("pause", commands.pause, filters=private))
    application.add_handler(CommandHandler("resume", commands.resume, filters=private))
    application.add_handler(CommandHandler("delete", delete.delete_command, filters=private))
    application.add_handler(CallbackQueryHandler(today.on_session_button, pattern=SESSION_PATTERN))
    application.add_handler(
        CallbackQueryHandler(delete.delete_button, pattern=DeleteButton.PATTERN)
    )
    application.add_handler(
        CallbackQueryHandler(snooze.on_snooze_button, pattern=SnoozeButton.PATTERN)
    )
    application.add_handler(
        CallbackQueryHandler(today.on_feedback_button, pattern=FeedbackButton.PATTERN)
    )
    application.add_handlers(swap.handlers())
    application.add_handlers(skip.handlers())
    application.add_handlers(pause.handlers())
    application.add_handlers(undo.handlers())
    application.add_handlers(loads.handlers())  # /units, the weight buttons
    application.add_handlers(this_week.handlers())
    application.add_handlers(progress.handlers())  # /progress: the picture and its caption
    application.add_handlers(history.handlers())  # /history and its page buttons
    application.add_handlers(export.handlers())  # /export, and "a copy first" under /delete
    application.add_handlers(language.handlers())  # /language and its buttons
    application.add_handler(MessageHandler(private & filters.COMMAND, guards.unknown_command))
    # Typed text and captions: "done", "skip", notes and the rest of the conversation.
    application.add_handlers(chat.handlers())
    application.add_handler(MessageHandler(private & ~filters.TEXT, guards.non_text))
    application.add_handler(CallbackQueryHandler(guards.stale_button))
    application.add_handler(
        ChatMemberHandler(guards.on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER)
    )
    application.add_error_handler(count_failure)
    application.add_error_handler(guards.on_error)
    return application
