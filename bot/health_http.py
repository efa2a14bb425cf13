"""``/healthz`` and ``/metrics`` over HTTP, off unless ``HEALTH_PORT`` is set.

The server runs on a thread of its own (the standard library's ``ThreadingHTTPServer``),
not on the event loop: a loop stuck in a long call is exactly what ``/healthz`` must
report, and a probe answered by the loop would then time out instead of saying why. So
the answers are built only from numbers the bot keeps anyway (``bot.health.Health``,
``bot.metrics.Metrics``), never from a query: the database is judged by the last time
the bot needed it (each reminder tick, every ``REMINDER_TICK_SECONDS``, and any handler
that failed on it).

- ``/healthz``: 200 ``ok`` while reminder ticks finish and ``getUpdates`` succeeds (no
  getUpdates is watched in webhook mode); 503 with the watchdog's words, one reason a
  line, when either stalled or the database failed the last time it was needed.
- ``/metrics``: every ``strength_coach_*`` metric in Prometheus' text format (or
  OpenMetrics when the scraper asks for it), from the application's own registry.
- Anything else: 404. Nothing the server says comes from the request, and what it says
  passes through a mask of the token, the webhook secret and the database password.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Iterable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from prometheus_client.exposition import choose_encoder

from bot.deps import get_deps
from bot.health import Watchdog
from bot.jobs.reminders import reminders_in_flight
from bot.metrics import Metrics, metrics_of
from bot.rate_limit import PacedRateLimiter
from bot.updates import ChatOrderedProcessor

log = logging.getLogger(__name__)

SERVER_KEY = "health_http"
WATCHDOG_KEY = "watchdog"
MASK = "***"
TEXT = "text/plain; charset=utf-8"
#: How often the server's loop looks for a shutdown: the most ``stop`` waits.
SHUTDOWN_POLL_SECONDS = 0.2


class HealthServer:
    """The running server: where it listens, and how to stop it."""

    def __init__(self, server: ThreadingHTTPServer) -> None:
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": SHUTDOWN_POLL_SECONDS},
            name="health-http",
            daemon=True,
        )

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def host(self) -> str:
        return str(self._server.server_address[0])

    def start(self) -> HealthServer:
        self._thread.start()
        return self

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


class _Answers:
    """What each path answers; built once per server, used from its threads."""

    def __init__(self, watchdog: Watchdog, metrics: Metrics, secrets: Iterable[str]) -> None:
        self._watchdog = watchdog
        self._health = watchdog.health
        self._metrics = metrics
        self._secrets = [secret for secret in secrets if secret]

    def healthz(self) -> tuple[int, str, bytes]:
        problems = self._watchdog.problems()
        health = self._health
        now = health.now()
        if problems:
            lines = ["unhealthy", *problems]
            status = HTTPStatus.SERVICE_UNAVAILABLE
        else:
            lines = ["ok", f"last reminder tick finished {now - health.last_tick:.0f} s ago"]
            if health.watch_polling:
                lines.append(f"last getUpdates succeeded {now - health.last_poll:.0f} s ago")
            status = HTTPStatus.OK
        return status, TEXT, self._masked("\n".join(lines) + "\n")

    def metrics(self, accept: str) -> tuple[int, str, bytes]:
        encode, content_type = choose_encoder(accept)
        return HTTPStatus.OK, content_type, encode(self._metrics.registry)

    def _masked(self, text: str) -> bytes:
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        return text.encode()


def _handler(answers: _Answers) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "strength-coach"
        sys_version = ""

        def do_GET(self) -> None:
            self._answer(body=True)

        def do_HEAD(self) -> None:
            self._answer(body=False)

        def _answer(self, *, body: bool) -> None:
            path = self.path.split("?", 1)[0]
            if path == "/healthz":
                status, content_type, payload = answers.healthz()
            elif path == "/metrics":
                status, content_type, payload = answers.metrics(self.headers.get("Accept", ""))
            else:
                status, content_type, payload = HTTPStatus.NOT_FOUND, TEXT, b"not found\n"
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if body:
                self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            # Probes every few seconds would drown the log; kept for debugging only.
            log.debug("health http: " + format, *args)

    return Handler


def serve(application: Any, listen: str, port: int) -> HealthServer:
    """Serve ``/healthz`` and ``/metrics`` for ``application`` on ``listen:port`` (0: any
    free port; ``HealthServer.port`` says which). Needs ``post_init`` to have run (the
    watchdog's limits are the ones ``/healthz`` applies)."""
    deps = get_deps(application)
    watchdog: Watchdog = application.bot_data[WATCHDOG_KEY]
    metrics = metrics_of(application)
    limiter = application.bot.rate_limiter
    processor = application.update_processor
    health = deps.health
    metrics.read_at_scrape(
        waiting=limiter.waiting if isinstance(limiter, PacedRateLimiter) else lambda _: 0,
        in_flight=reminders_in_flight,
        chats_busy=(
            (lambda: processor.chats_waiting)
            if isinstance(processor, ChatOrderedProcessor)
            else (lambda: 0)
        ),
        blocked=lambda: len(deps.inactive),
        tick_age=lambda: health.now() - health.last_tick,
        poll_age=lambda: health.now() - health.last_poll if health.watch_polling else 0.0,
        healthy=lambda: not watchdog.problems(),
    )
    answers = _Answers(watchdog, metrics, deps.settings.secrets())
    server = _Server((listen, port), _handler(answers))
    return HealthServer(server).start()


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a probe that hangs must not hold up the bot's exit

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        if ":" in address[0]:  # HEALTH_LISTEN=:: or another IPv6 address
            self.address_family = socket.AF_INET6
        super().__init__(address, handler)


def start(application: Any) -> None:
    """Start serving /healthz and /metrics when ``HEALTH_PORT`` is set (``bot.main``
    calls this once ``post_init`` has run). A port that cannot be bound is one ERROR
    line; the bot itself goes on (its reminders matter more than its probe)."""
    settings = get_deps(application).settings
    if settings.health_port is None:
        return
    try:
        running = serve(application, settings.health_listen, settings.health_port)
    except OSError as exc:
        log.error(
            "Cannot serve /healthz and /metrics on %s:%d (%s); HEALTH_LISTEN and "
            "HEALTH_PORT say where. The bot runs on without them.",
            settings.health_listen,
            settings.health_port,
            exc.strerror or type(exc).__name__,
        )
        return
    application.bot_data[SERVER_KEY] = running
    log.info("Serving /healthz and /metrics on http://%s:%d", running.host, running.port)


def stop(application: Any) -> None:
    """Stop the server ``start`` started, if any."""
    running: HealthServer | None = application.bot_data.pop(SERVER_KEY, None)
    if running is not None:
        running.close()
