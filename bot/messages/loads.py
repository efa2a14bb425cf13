"""Weights as the runner reads them: the target beside a loaded move's dose.

Placeholder until the load messages land.
"""

from __future__ import annotations

from bot.coach.loads import LoadTarget
from bot.content import Texts


def target_text(t: Texts, target: LoadTarget, unit: str) -> str | None:
    """ "last time 60 kg → try 62.5 kg", or None when there is nothing to say."""
    return None
