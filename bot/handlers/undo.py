"""Undo: "undo", "oops, I tapped done by mistake" or the ↩️ Undo button under a
confirmation removes that day's log and says so."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, ContextTypes


async def undo_typed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A typed undo (the conversation router, ``handlers.chat``, recognises it)."""
    raise NotImplementedError  # being written (issue 12, point 3)


def handlers() -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]:
    """The ↩️ Undo button and /undo."""
    return []
