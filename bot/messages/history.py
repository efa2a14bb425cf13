"""/history's page and its ◀ ▶ buttons, and the log lines the typed questions reuse ("what
did I do last week?" shows the same lines).

Each logged day: the day, the focus, the level it was done at, done / skipped (and why) /
moved (and where to), how it felt, and the runner's note, cut to ``NOTE_BUDGET`` so a
page of ``services.log_book.PAGE_SIZE`` entries stays inside Telegram's 4096 characters
whatever the notes hold (8 x (300 + ~150 of the rest) + the header: about 3,700).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.coach.status import LogStatus, SkipReason
from bot.content import Texts
from bot.messages import views
from bot.messages.callbacks import HistoryPage
from bot.services.log_book import LogLine, LogPage

# A note's share of a page, in UTF-16 units as Telegram counts them (``views.shorten``).
NOTE_BUDGET = 300
# The feedback a log keeps, as the feedback buttons label it ([feedback]); "sore" is apart.
FEELINGS = {
    "easy": "feedback.easy",
    "right": "feedback.right",
    "hard": "feedback.hard",
    "too_hard": "feedback.too_hard",
}

REASONS = frozenset(reason.value for reason in SkipReason)


def day_text(t: Texts, day: date, today: date) -> str:
    """ "Today", "Thursday 26 Nov", or with the year when it is not this one (the
    locale's order and names, CLDR)."""
    if day == today:
        return t("history.today")
    return t.short_date(day, weekday="wide", year=day.year != today.year)


def _status(t: Texts, line: LogLine, today: date) -> str:
    parts: list[str] = []
    if line.status == LogStatus.DONE:
        status = t("history.done" if line.planned else "history.done_extra")
        if line.feedback in FEELINGS:
            parts.append(t(FEELINGS[line.feedback]))
        if line.sore:
            parts.append(t("feedback.sore"))
    elif line.status == LogStatus.MOVED:
        status = (
            t("history.moved_to", day=day_text(t, line.moved_to, today))
            if line.moved_to is not None
            else t("history.moved")
        )
    else:
        status = t("history.skipped")
        if line.reason in REASONS:
            parts.append(t(f"skip.reason_{line.reason}"))
    return status + "".join(t("history.part", part=part) for part in parts)


def entry(t: Texts, line: LogLine, today: date) -> str:
    """One logged day: "<b>Thursday 26 Nov</b> · 🦵 Legs · level 4 / ✅ Done · 👍 Just right",
    then the note."""
    text = t(
        "history.entry",
        day=day_text(t, line.day, today),
        icon=t(f"focus_icon.{line.focus.value}"),
        focus=views.focus_label(t, line.focus),
        level=t("history.level", level=line.level) if line.level is not None else "",
        status=_status(t, line, today),
    )
    if line.note and line.note.strip():
        text += "\n" + t("history.note", note=views.user_text(line.note, NOTE_BUDGET))
    return text


def entries(t: Texts, lines: Sequence[LogLine], today: date) -> str:
    return "\n\n".join(entry(t, line, today) for line in lines)


def keyboard(t: Texts, page: LogPage) -> InlineKeyboardMarkup | None:
    """◀ Older and Newer ▶, each only where there is a page to go to."""
    row = []
    if page.older is not None:
        row.append(
            InlineKeyboardButton(
                t("history.older"), callback_data=HistoryPage(True, page.older).pack()
            )
        )
    if page.newer is not None:
        row.append(
            InlineKeyboardButton(
                t("history.newer"), callback_data=HistoryPage(False, page.newer).pack()
            )
        )
    return InlineKeyboardMarkup([row]) if row else None


def page_text(t: Texts, page: LogPage) -> str:
    assert page.today is not None
    return t("history.header") + "\n\n" + entries(t, page.lines, page.today)


def empty_text(t: Texts) -> str:
    return t("history.empty")
