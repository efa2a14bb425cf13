"""Webhook mode: Telegram posts each update to ``TELEGRAM_WEBHOOK_URL`` instead of the bot
polling ``getUpdates`` for it.

What a webhook deployment needs, and why each choice:

* **The settings, checked before anything else** (``problem``): one line and exit code 2,
  like every other settings problem, never the secret.

  - The URL must be ``https``: Telegram's ``setWebhook`` refuses anything else ("HTTPS url
    must be provided for webhook"), and only on ports 443, 80, 88 or 8443. A refusal at
    start names the setting; the same refusal from ``setWebhook`` would come after the
    database was migrated and would read as a Telegram error. ``http`` is allowed for a
    loopback host (127.0.0.0/8, ::1, localhost: tests, a reverse proxy on the same
    machine used through a local Bot API server) and whenever ``TELEGRAM_BASE_URL``
    points at a server other than Telegram's: a local Bot API server
    (``telegram-bot-api --local``) posts over plain HTTP to any address and port it can
    reach, often a container's name.
  - ``WEBHOOK_SECRET`` is required with the URL: without it anyone who learns the address
    can post forged updates ("done" for another runner, /delete). Telegram's rule is
    1-256 characters of ``A-Z a-z 0-9 _ -``; checked here so a typo is one line at start,
    not a ``setWebhook`` 400 after it.

* **The path** PTB's server answers is the URL's own path (``url_path``), so a reverse
  proxy that forwards the path unchanged needs no rewrite rule.

* **Starting** (``start``): PTB's ``Updater.start_webhook`` (tornado) with the secret, the
  update kinds the handlers answer (``allowed_updates``, the same list polling asks for)
  and ``drop_pending_updates=False``: updates Telegram kept while no instance was up (it
  keeps them up to 24 hours) are delivered, none is lost to a restart.

* **Refused requests** (``RefusedRequestLog``): PTB 22's handler answers 403 to a request
  without the ``X-Telegram-Bot-Api-Secret-Token`` header, with a wrong one, or whose
  Content-Type is not ``application/json``, and logs it only at DEBUG on the
  ``telegram.ext.Updater`` logger: the *presented* token in words ("Request had the wrong
  secret token: %s", which may be an old secret after a rotation) and the ``HTTPError``
  with its traceback ("%s - Exception in TelegramHandler", the client's address first).
  At INFO a deployer would see nothing of a misconfigured proxy; at DEBUG they would see
  a traceback per request and a token. So that logger is set to DEBUG in webhook mode
  and filtered: the token line is dropped, each 403 becomes one WARNING with the client's
  address (at most once a minute while refusals go on, like ``bot.health.PollErrorLog``;
  an accepted update ends the run), and every other record of that logger passes only at
  the configured ``LOG_LEVEL``. Measured on PTB 22.8 (``tests/test_webhook.py`` pins it).

* **Shutdown keeps the webhook.** Several instances behind one address share it: one of
  them stopping (a deploy rolls instance by instance) must not make Telegram stop
  delivering to the others, and while none runs Telegram keeps the updates and retries,
  so nothing is lost. PTB's ``Updater.stop`` deletes nothing, which is what is wanted. A
  deployer going back to polling needs to do nothing: ``start_polling`` calls
  ``deleteWebhook`` (without dropping pending updates) before its first ``getUpdates``,
  as Telegram refuses ``getUpdates`` with 409 while a webhook is set.
"""

from __future__ import annotations

import errno
import ipaddress
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import SplitResult, urlsplit

import tornado.web
from telegram.constants import SUPPORTED_WEBHOOK_PORTS
from telegram.error import BadRequest, InvalidToken, NetworkError, TelegramError

from bot.app import ALLOWED_UPDATES
from bot.settings import Settings
from bot.store.db import EXIT_CONFIG, EXIT_RUNTIME

log = logging.getLogger("bot.webhook")

#: Telegram's rule for ``secret_token`` (Bot API, setWebhook).
SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
TELEGRAM_API_HOST = "api.telegram.org"
LOCAL_HOSTS = frozenset({"localhost", "localhost.localdomain"})
#: PTB's logger for its webhook server (``telegram.ext._utils.webhookhandler`` logs as
#: ``Updater``).
PTB_WEBHOOK_LOGGER = "telegram.ext.Updater"
#: While requests keep being refused, one WARNING per this many seconds.
REFUSED_LOG_EVERY_SECONDS = 60.0
SECRET_HELP = (
    "1-256 characters, only A-Z, a-z, 0-9, _ and - (Telegram's rule); "
    "make one with: openssl rand -hex 32"
)


class WebhookProblem(Exception):
    """The webhook could not be started; ``str`` is one line for the deployer."""

    def __init__(self, message: str, exit_code: int = EXIT_CONFIG) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def problem(settings: Settings) -> str | None:
    """What is wrong with the webhook settings, in one line naming the setting; None when
    they are fine or unset. The secret is never part of the line."""
    url = (settings.telegram_webhook_url or "").strip()
    if not url:
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "TELEGRAM_WEBHOOK_URL: is not a URL with a valid port, e.g. https://coach.example.com/telegram"
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return (
            "TELEGRAM_WEBHOOK_URL: must be the public https:// address Telegram posts to, "
            "e.g. https://coach.example.com/telegram"
        )
    if parts.username or parts.password or parts.fragment:
        return "TELEGRAM_WEBHOOK_URL: must not carry a user, a password or a #fragment"
    official = _official_api(settings.telegram_base_url)
    if parts.scheme == "http" and official and not _loopback(parts.hostname):
        return (
            "TELEGRAM_WEBHOOK_URL: must start with https:// (Telegram posts to HTTPS "
            "addresses only; put a reverse proxy with a certificate in front of WEBHOOK_PORT)"
        )
    default_port = 443 if parts.scheme == "https" else 80
    if official and not _loopback(parts.hostname):
        if (port or default_port) not in SUPPORTED_WEBHOOK_PORTS:
            ports = ", ".join(str(p) for p in SUPPORTED_WEBHOOK_PORTS)
            return f"TELEGRAM_WEBHOOK_URL: Telegram posts only to ports {ports}, not {port}"
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
    if not secret:
        return (
            "WEBHOOK_SECRET: is required with TELEGRAM_WEBHOOK_URL, so only Telegram can "
            f"post updates to the bot ({SECRET_HELP})"
        )
    if not SECRET_PATTERN.match(secret):
        return f"WEBHOOK_SECRET: must be {SECRET_HELP}"
    return None


def _official_api(base_url: str) -> bool:
    try:
        host = urlsplit(base_url).hostname or ""
    except ValueError:
        return True
    return host.lower() == TELEGRAM_API_HOST


def _loopback(host: str) -> bool:
    if host.lower() in LOCAL_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url_path(url: str) -> str:
    """The path PTB's server answers: the webhook URL's own path, as a regular expression
    matching exactly that path (PTB routes with ``rf"{url_path}/?"``, a pattern)."""
    parts: SplitResult = urlsplit(url.strip())
    return re.escape(parts.path.strip("/"))


async def start(application: Any, settings: Settings) -> None:
    """Register the webhook with Telegram and serve it; raises ``WebhookProblem``.

    ``application`` is initialised and not yet started (``bot.main._serve``)."""
    assert settings.telegram_webhook_url and settings.webhook_secret
    watch_refused_requests(settings.log_level)
    try:
        await application.updater.start_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=url_path(settings.telegram_webhook_url),
            webhook_url=settings.telegram_webhook_url.strip(),
            secret_token=settings.webhook_secret.get_secret_value(),
            allowed_updates=list(ALLOWED_UPDATES),
            drop_pending_updates=False,
        )
    except InvalidToken:
        raise  # main says it as for polling
    except OSError as exc:
        raise _listen_problem(exc, settings) from None
    except TelegramError as exc:
        if isinstance(exc, NetworkError) and not isinstance(exc, BadRequest):
            raise  # Telegram unreachable: main says it, exit code 1 (PTB derives BadRequest,
            # Telegram's 400, from NetworkError)
        raise WebhookProblem(
            f"TELEGRAM_WEBHOOK_URL: Telegram refused the webhook: {exc.message}"
        ) from None
    log.info(
        "Taking updates by webhook at %s (listening on %s:%d); the webhook stays set at "
        "shutdown, for the other instances",
        settings.telegram_webhook_url.strip(),
        settings.webhook_listen,
        settings.webhook_port,
    )


def _listen_problem(exc: OSError, settings: Settings) -> WebhookProblem:
    where = f"{settings.webhook_listen}:{settings.webhook_port}"
    reason = exc.strerror or type(exc).__name__
    if exc.errno == errno.EADDRINUSE:  # may pass: an old instance still stopping
        return WebhookProblem(
            f"WEBHOOK_PORT: cannot listen on {where}: {reason} (another process uses it)",
            EXIT_RUNTIME,
        )
    return WebhookProblem(f"WEBHOOK_LISTEN/WEBHOOK_PORT: cannot listen on {where}: {reason}")


# ---- refused requests ---------------------------------------------------------------


@dataclass
class _Run:
    """The current run of refused requests: how many, since when, last logged when."""

    count: int = 0
    since: float = 0.0
    logged_at: float | None = None
    unlogged: int = 0


class RefusedRequestLog(logging.Filter):
    """On PTB's webhook logger: each refused request (403) in one WARNING line with the
    client's address, at most once every ``every`` seconds while refusals go on; the line
    with the token a client presented dropped; everything else of that logger only at the
    configured level (the logger itself is set to DEBUG so the 403s reach this filter).
    See the module docstring for what PTB 22 logs."""

    def __init__(
        self,
        threshold: int,
        *,
        every: float = REFUSED_LOG_EVERY_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.threshold = threshold
        self.every = every
        self._monotonic = monotonic
        self.run = _Run()
        self.refused_total = 0

    def filter(self, record: logging.LogRecord) -> bool:
        text = str(record.msg)
        if text.startswith(("Request had the wrong secret token", "Request did not include")):
            return False  # the presented token, or the line the 403 below says better
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, tornado.web.HTTPError) and error.status_code == 403:
            address = record.args[0] if isinstance(record.args, tuple) and record.args else "?"
            self.refused(str(address), _why(error))
            return False
        if text.startswith("Received Update with ID"):
            self.accepted()
        if record.exc_info and record.levelno < logging.ERROR:
            # PTB's DEBUG traceback of any other failed request: one line at most.
            record.exc_info, record.exc_text = None, None
        return record.levelno >= self.threshold

    def refused(self, address: str, why: str) -> None:
        now = self._monotonic()
        run = self.run
        if not run.count:
            run.since = now
        run.count += 1
        self.refused_total += 1
        if run.logged_at is not None and now - run.logged_at < self.every:
            run.unlogged += 1
            return
        before = f"; {run.unlogged} more refused since the last such line" if run.unlogged else ""
        run.logged_at, run.unlogged = now, 0
        log.warning(
            "Refused a webhook request from %s with 403: %s%s. Only Telegram knows "
            "WEBHOOK_SECRET; if these are Telegram's, check that the proxy passes the "
            "X-Telegram-Bot-Api-Secret-Token header. This line repeats at most every %.0f s "
            "while it lasts.",
            address,
            why,
            before,
            self.every,
        )

    def accepted(self) -> None:
        run = self.run
        if run.count and run.logged_at is not None:
            log.info(
                "Webhook requests are accepted again, after %d refused in %.0f s",
                run.count,
                self._monotonic() - run.since,
            )
        self.run = _Run()


def _why(error: tornado.web.HTTPError) -> str:
    reason = (error.reason or "").lower()
    if "did not include" in reason:
        return "no secret token"
    if "wrong secret" in reason:
        return "a wrong secret token"
    return "not a JSON request"


_installed: dict[str, RefusedRequestLog] = {}


def watch_refused_requests(level: str | int) -> RefusedRequestLog:
    """Install ``RefusedRequestLog`` on PTB's webhook logger (once per process)."""
    threshold = logging.getLevelName(level) if isinstance(level, str) else level
    found = _installed.get(PTB_WEBHOOK_LOGGER)
    if found is None:
        found = RefusedRequestLog(int(threshold))
        logger = logging.getLogger(PTB_WEBHOOK_LOGGER)
        logger.addFilter(found)
        logger.setLevel(logging.DEBUG)
        _installed[PTB_WEBHOOK_LOGGER] = found
    found.threshold = int(threshold)
    return found
