"""Sending to Telegram with retries that respect its limits.

PTB's AIORateLimiter paces sends and retries 429s after ``retry_after``; this adds what it
does not: retries with capped exponential backoff for 5xx answers, timeouts and dropped
connections. 403 (blocked) and 400 (bad request, chat not found) are final: retrying
cannot help. A timeout is ambiguous — Telegram may have delivered the message before the
answer was lost — so a success after a timeout is reported as a possible duplicate.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

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


async def with_retries(
    call: Callable[[], Awaitable[T]],
    *,
    policy: RetryPolicy = RetryPolicy(),
    sleep: Sleep = asyncio.sleep,
) -> Delivered[T]:
    delay = policy.first_delay
    ambiguous = False
    for attempt in range(1, policy.attempts + 1):
        try:
            return Delivered(await call(), maybe_duplicate=ambiguous)
        except BadRequest:
            raise
        except RetryAfter as exc:
            if attempt == policy.attempts:
                raise
            # The private field is always a timedelta; the public one warns in PTB 22.
            await sleep(exc._retry_after.total_seconds())
        except NetworkError as exc:  # 5xx, timeouts, resets (BadRequest handled above)
            if attempt == policy.attempts:
                raise
            ambiguous = ambiguous or isinstance(exc, TimedOut)
            log.info("Send failed (%s), retry %d in %.1f s", type(exc).__name__, attempt, delay)
            await sleep(delay)
            delay = min(delay * 2, policy.max_delay)
    raise AssertionError("unreachable")
