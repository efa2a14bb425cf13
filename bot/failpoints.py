"""Named points where a test can make the process die, to prove crash safety for real.

Set ``COACH_FAILPOINT`` to ``name`` or ``name:N`` (die the N-th time the point is
reached) and the process SIGKILLs itself there — no cleanup, no flush, exactly like a
crash or an OOM kill. Unset in production, where ``hit`` is a dictionary lookup.
"""

from __future__ import annotations

import os
import signal

_ENV = "COACH_FAILPOINT"
_counts: dict[str, int] = {}


def hit(name: str) -> None:
    wanted = os.environ.get(_ENV)
    if not wanted:
        return
    point, _, nth = wanted.partition(":")
    if point != name:
        return
    _counts[name] = _counts.get(name, 0) + 1
    if _counts[name] >= int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
