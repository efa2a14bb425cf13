"""/history (being built for issue 15; its owner fills this module)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, ContextTypes


def handlers() -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]:
    return []
