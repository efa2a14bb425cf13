"""The statuses the coach and the store share, spelled once.

Each is a ``StrEnum``: a member is the very string stored in the database (``LogStatus.DONE
== "done"``), so rows written by earlier releases read back unchanged, and a member can go
wherever a ``str`` went (a column, a text key such as ``f"done.already_{status}_status"``).
"""

from __future__ import annotations

from enum import StrEnum


class LogStatus(StrEnum):
    """A day's session log (``session_logs.status``)."""

    DONE = "done"
    SKIPPED = "skipped"
    MOVED = "moved"  # the session went to another day ("⏭ Skip" → "Move it")


class ReminderStatus(StrEnum):
    """A reminder row (``reminders.status``): ``ready → sending → sent / failed / blocked``,
    or ``missed`` / ``cancelled`` without a send; ``retry``: deferred to a later tick;
    ``scheduled``: a snooze or check-in waiting for its ``due_utc``."""

    READY = "ready"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    BLOCKED = "blocked"
    MISSED = "missed"
    CANCELLED = "cancelled"
    RETRY = "retry"
    SCHEDULED = "scheduled"


class SkipReason(StrEnum):
    """Why a session was skipped (``session_logs.reason``), in the order the buttons show."""

    BUSY = "busy"
    TIRED = "tired"
    SORE = "sore"
    ILL = "ill"
    TRAVEL = "travel"

    @property
    def means_rest(self) -> bool:
        """Sore and ill mean rest: no offer to do the session another day."""
        return self in (SkipReason.SORE, SkipReason.ILL)
