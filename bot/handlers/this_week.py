"""This week is different: the runner changes only this week's runs ("long run on Sunday
this week", or from /week's buttons); the week's sessions are placed again by the same
rules, and next week is back to normal."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, ContextTypes


async def typed_change(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """A typed change of this week's runs, handled (True), or not one (False)."""
    return False  # being written (issue 12, point 12)


def handlers() -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]:
    """/week's "This week is different" buttons."""
    return []
