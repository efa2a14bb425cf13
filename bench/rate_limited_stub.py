"""A fake Bot API that enforces Telegram's global send limit, for the fan-out benchmark.

``RateLimitedStub`` is ``testkit.stub_bot_api.StubBotAPI`` with one method changed:
``sendMessage`` is admitted by a strict sliding window (at most ``rate`` accepted messages
in any ``window`` seconds, counted at arrival); a message over the limit is answered the way
Telegram answers a flood::

    HTTP 429 {"ok": false, "error_code": 429,
              "description": "Too Many Requests: retry after 1",
              "parameters": {"retry_after": 1}}

Every ``sendMessage`` (accepted or not) is answered after ``latency`` seconds, slept in the
server's per-connection thread (the server is threaded, so requests overlap). Everything
else (getMe, …) is the plain stub without latency.

It records what the benchmark reports: accepted messages per chat (duplicates, misses),
the arrival time of every accepted message (the sustained rate), the 429s, and how many
requests were in flight (time-weighted), which says whether the sender kept enough
requests open to reach the limit at this latency (Little's law: rate = in flight / latency).

``StubProcess`` runs it in a child process: the stub's HTTP parsing and JSON would otherwise
compete with the bot for the GIL in the benchmark's process, which Telegram never does.
"""

from __future__ import annotations

import gc
import multiprocessing
import multiprocessing.connection
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

from testkit.stub_bot_api import JSONDict, StubBotAPI

RETRY_AFTER_S = 1


@dataclass
class StubStats:
    """What the stub saw; ``times`` are ``time.monotonic()`` arrivals of accepted messages."""

    accepted: int = 0
    rejected_429: int = 0
    other_errors: int = 0
    max_in_flight: int = 0
    in_flight_seconds: float = 0.0  # integral of in-flight requests over time
    cpu_seconds: float = 0.0  # the stub process's CPU time (all threads) since the last clear
    first_arrival: float | None = None
    last_arrival: float | None = None
    per_chat: dict[int, int] = field(default_factory=dict)
    times: list[float] = field(default_factory=list)
    rejected_times: list[float] = field(default_factory=list)


class RateLimitedStub(StubBotAPI):
    """The test stub plus a global sliding-window limit and latency on ``sendMessage``."""

    def __init__(self, *, rate: float, latency: float, window: float = 1.0) -> None:
        super().__init__()
        if rate <= 0 or window <= 0:
            raise ValueError("rate and window must be positive")
        self.rate = rate
        self.latency = latency
        self.window = window
        self.limit = max(1, int(rate * window + 1e-9))
        self._bench_lock = threading.Lock()
        self._window: deque[float] = deque()
        self._per_chat: Counter[int] = Counter()
        self._times: list[float] = []
        self._rejected: list[float] = []
        self._other_errors = 0
        self._in_flight = 0
        self._max_in_flight = 0
        self._in_flight_seconds = 0.0
        self._in_flight_since = time.monotonic()
        self._cpu_since = time.process_time()

    # ---- counters ------------------------------------------------------------------

    def _flight(self, change: int, now: float) -> None:
        """Track requests in the handler; holds the bench lock."""
        self._in_flight_seconds += self._in_flight * (now - self._in_flight_since)
        self._in_flight_since = now
        self._in_flight += change
        self._max_in_flight = max(self._max_in_flight, self._in_flight)

    def _admit(self, now: float) -> bool:
        """The sliding window: keep arrivals of the last ``window`` s; holds the bench lock."""
        horizon = now - self.window
        while self._window and self._window[0] <= horizon:
            self._window.popleft()
        if len(self._window) >= self.limit:
            self._rejected.append(now)
            return False
        self._window.append(now)
        return True

    def stats(self, *, details: bool = False) -> StubStats:
        with self._bench_lock:
            self._flight(0, time.monotonic())
            return StubStats(
                accepted=len(self._times),
                rejected_429=len(self._rejected),
                other_errors=self._other_errors,
                max_in_flight=self._max_in_flight,
                in_flight_seconds=self._in_flight_seconds,
                cpu_seconds=time.process_time() - self._cpu_since,
                first_arrival=self._times[0] if self._times else None,
                last_arrival=self._times[-1] if self._times else None,
                per_chat=dict(self._per_chat) if details else {},
                times=list(self._times) if details else [],
                rejected_times=list(self._rejected) if details else [],
            )

    def clear_stats(self) -> None:
        with self._bench_lock:
            self._window.clear()
            self._per_chat.clear()
            self._times.clear()
            self._rejected.clear()
            self._other_errors = self._max_in_flight = 0
            self._in_flight_seconds = 0.0
            self._in_flight_since = time.monotonic()
            self._cpu_since = time.process_time()

    # ---- the changed method --------------------------------------------------------

    def _answer(self, key: str, method: str, token: str, params: JSONDict) -> tuple[int, JSONDict]:
        if key != "sendmessage":
            return super()._answer(key, method, token, params)
        arrived = time.monotonic()
        with self._bench_lock:
            self._flight(+1, arrived)
            admitted = self._admit(arrived)
        try:
            if self.latency > 0:
                time.sleep(self.latency)
            if not admitted:
                return 429, {
                    "ok": False,
                    "error_code": 429,
                    "description": f"Too Many Requests: retry after {RETRY_AFTER_S}",
                    "parameters": {"retry_after": RETRY_AFTER_S},
                }
            status, response = super()._answer(key, method, token, params)
            chat = str(params.get("chat_id"))
            with self._bench_lock:
                if status == 200:
                    self._per_chat[int(chat) if chat.lstrip("-").isdigit() else 0] += 1
                    self._times.append(arrived)
                else:
                    self._other_errors += 1
            return status, response
        finally:
            with self._bench_lock:
                self._flight(-1, time.monotonic())


# ---- in a child process --------------------------------------------------------------


def _serve(conn: multiprocessing.connection.Connection, rate: float, latency: float) -> None:
    """Child process: start the stub, send its base URL, answer commands until "stop".

    The collector is off in here: the stub keeps every message it answers (10k of them),
    and a full collection of those stopped all its threads for tens of milliseconds; the
    requests that queued meanwhile were then stamped as arriving together, closer than
    the bot had sent them, and drew 429s the bot had not earned (4-6 per 10k run). A
    benchmark's run is short enough for the memory that keeps.
    """
    gc.disable()
    stub = RateLimitedStub(rate=rate, latency=latency)
    # With the standard library's listen backlog of 5, a sender opening dozens of
    # connections at once (HTTP/1.0: one per request) would see dropped SYNs and 1 s
    # retransmits, a delay Telegram does not add.
    stub.listen_backlog = 1024
    stub.start()
    conn.send(stub.base_url)
    try:
        while True:
            command, argument = conn.recv()
            if command == "stats":
                conn.send(stub.stats(details=bool(argument)))
            elif command == "clear":
                stub.clear_stats()
                stub.reset()
                conn.send(True)
            elif command == "stop":
                break
    except EOFError:  # the parent went away
        pass
    finally:
        stub.stop()
        conn.close()


class StubProcess:
    """``RateLimitedStub`` in a child process; thread-safe, so a progress thread may poll."""

    def __init__(self, *, rate: float, latency: float) -> None:
        self.rate, self.latency = rate, latency
        self._lock = threading.Lock()
        context = multiprocessing.get_context("spawn")  # never fork an asyncio process
        self._conn, child = context.Pipe()
        self._process = context.Process(
            target=_serve, args=(child, rate, latency), name="rate-limited-stub", daemon=True
        )
        self._process.start()
        child.close()
        if not self._conn.poll(30):
            self._process.kill()
            raise RuntimeError("the stub process did not start within 30 s")
        self.base_url: str = self._conn.recv()

    def _ask(self, command: str, argument: Any = None) -> Any:
        with self._lock:
            self._conn.send((command, argument))
            return self._conn.recv()

    def stats(self, *, details: bool = False) -> StubStats:
        return self._ask("stats", details)

    def clear(self) -> None:
        self._ask("clear")

    def stop(self) -> None:
        with self._lock:
            try:
                self._conn.send(("stop", None))
            except (BrokenPipeError, OSError):
                pass
            self._conn.close()
        self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()

    def __enter__(self) -> StubProcess:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
