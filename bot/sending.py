"""Sending to Telegram with retries that respect its limits.

Retries with capped exponential backoff for 5xx answers, timeouts and dropped
connections, and after a 429's ``retry_after``. 403 (blocked) and 400 (bad request, chat
not found) are final: retrying cannot help. A timeout is ambiguous — Telegram may have
delivered the message before the answer was lost — so a success after a timeout is
reported as a possible duplicate, and so is a failure after one (``SendFailed``).

When every attempt failed for a reason that may pass, ``SendFailed`` says so: the caller
(the reminder job) tries again on a later tick instead of giving the message up. The
in-send attempts are kept short (4 waits, 7.5 s in all) because the reminder that waits
here holds a sender — one of ``SEND_CONCURRENCY`` — away from every other runner's.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Generic, TypeVar

from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.warnings import PTBDeprecationWarning

log = logging.getLogger(__name__)
T = TypeVar("T")

Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    first_delay: float = 0.5
    max_delay: float = 8.0


@dataclass(frozen=True)
class Delivered(Generic[T]):
    value: T
    maybe_duplicate: bool


class SendFailed(Exception):
    """Every attempt failed for a reason that may pass (5xx, timeouts, resets, 429s).

    ``maybe_delivered``: one of the attempts timed out, so Telegram may have taken the
    message although no answer said so; sending it again later may make a duplicate.
    """

    def __init__(self, last: TelegramError, *, attempts: int, maybe_delivered: bool) -> None:
        super().__init__(f"{attempts} attempts failed, the last with {type(last).__name__}")
        self.last = last
        self.attempts = attempts
        self.maybe_delivered = maybe_delivered


def retry_after_seconds(exc: RetryAfter) -> float:
    """A 429's ``retry_after`` in seconds, through PTB's public attribute.

    PTB 22 returns it as ``int`` seconds (with a deprecation warning) unless
    ``PTB_TIMEDELTA`` is set, and as a ``timedelta`` then and in its next major version;
    both are accepted, and the warning about the form PTB is moving away from is not
    passed on to the log on every 429.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value)


async def with_retries(
    call: Callable[[], Awaitable[T]],
    *,
    policy: RetryPolicy = RetryPolicy(),
    sleep: Sleep = asyncio.sleep,
) -> Delivered[T]:
    """``call()`` until it succeeds; ``SendFailed`` once the attempts are spent on
    failures that may pass, any other error at once."""
    delay = policy.first_delay
    ambiguous = False
    for attempt in range(1, policy.attempts + 1):
        try:
            return Delivered(await call(), maybe_duplicate=ambiguous)
        except BadRequest:
            raise
        except RetryAfter as exc:
            if attempt == policy.attempts:
                raise SendFailed(exc, attempts=attempt, maybe_delivered=ambiguous) from exc
            await sleep(retry_after_seconds(exc))
        except NetworkError as exc:  # 5xx, timeouts, resets (BadRequest handled above)
            ambiguous = ambiguous or isinstance(exc, TimedOut)
            if attempt == policy.attempts:
                raise SendFailed(exc, attempts=attempt, maybe_delivered=ambiguous) from exc
            log.info("Send failed (%s), retry %d in %.1f s", type(exc).__name__, attempt, delay)
            await sleep(delay)
            delay = min(delay * 2, policy.max_delay)
    raise AssertionError("unreachable")
