"""The conversation's answers (``handlers.chat``): the week and levels, a greeting, and
the reply to a message the bot did not understand, which names what the runner most
likely wants rather than repeating one fixed line."""

from __future__ import annotations

from datetime import date

from bot.coach.calendar import Slot
from bot.coach.intents import Intent
from bot.coach.status import LogStatus
from bot.coach.week import Focus
from bot.content import Texts
from bot.messages import views
from bot.messages.skip import next_line
from bot.services.chat import Glance, Standing

# What an unknown message that looks like one of these is told (``Matcher.suggest``).
SUGGESTIONS = {
    Intent.DONE: "chat.unknown_done",
    Intent.SKIP: "chat.unknown_skip",
    Intent.UNDO: "chat.unknown_undo",
    Intent.MOVE: "chat.unknown_move",
    Intent.PAUSE: "chat.unknown_pause",
    Intent.RESUME: "chat.unknown_resume",
    Intent.PROGRESS: "chat.unknown_progress",
    Intent.LEVEL: "chat.unknown_level",
    Intent.NEXT: "chat.unknown_next",
    Intent.TODAY: "chat.unknown_today",
    Intent.HELP: "chat.unknown_help",
}


def _focuses(levels: dict[Focus, int]) -> list[tuple[Focus, int]]:
    return [(focus, levels[focus]) for focus in Focus if focus in levels]


def standing_text(t: Texts, standing: Standing) -> str:
    """ "This week: 1 of 3 done …, Levels: 🧱 Core 2 · 🦵 Legs 3 …, Next session: …"."""
    week = standing.week
    if week.done == 0:
        cheer = t("chat.standing_cheer_none")
    elif week.done < week.planned:
        cheer = t("chat.standing_cheer_some")
    else:
        cheer = t("chat.standing_cheer_all")
    levels = " · ".join(
        t(
            "chat.level_item",
            icon=t(f"focus_icon.{focus.value}"),
            focus=views.focus_label(t, focus),
            level=level,
        )
        for focus, level in _focuses(standing.levels)
    )
    return t(
        "chat.standing",
        count=week.done,
        planned=week.planned,
        cheer=cheer,
        levels=levels,
        next_line=next_line(t, standing.following, standing.today.day),
    )


def levels_text(t: Texts, levels: dict[Focus, int]) -> str:
    lines = "\n".join(
        t(
            "chat.level_line",
            icon=t(f"focus_icon.{focus.value}"),
            focus=views.focus_label(t, focus),
            level=level,
        )
        for focus, level in _focuses(levels)
    )
    return t("chat.levels", lines=lines)


def what_now(t: Texts, glance: Glance) -> str:
    """Today's session if it waits, else the next one."""
    today = glance.today
    if glance.slot is not None and today.status is None:
        return t("chat.hello_session", focus=views.focus_label(t, glance.slot.focus))
    if glance.slot is not None:
        return t("chat.hello_logged", next_line=next_line(t, glance.following, today.day))
    return next_line(t, glance.following, today.day)


def hello_text(t: Texts, glance: Glance) -> str:
    """A greeting with what's next."""
    return t("chat.hello", what_now=what_now(t, glance))


def ack_text(t: Texts, glance: Glance) -> str:
    """ "great", "nice" with no session just logged: taken as an OK, with what's next."""
    return t("chat.ack", what_now=what_now(t, glance))


def unknown_text(t: Texts, suggestion: Intent | None, glance: Glance | None) -> str:
    """What an unknown message is told: the request it looks like, else what the
    runner's day suggests (today's session waiting, or the next one)."""
    if glance is None:
        return t("misc.unknown_text")
    if suggestion is not None and suggestion in SUGGESTIONS:
        return t(SUGGESTIONS[suggestion])
    if glance.slot is not None and glance.today.status is None:
        return t("chat.unknown_session", focus=views.focus_label(t, glance.slot.focus))
    return t("chat.unknown_rest", next_line=next_line(t, glance.following, glance.today.day))


def move_logged_text(t: Texts, status: str | None, following: Slot | None, today: date) -> str:
    key = f"done.already_{status or LogStatus.DONE}_status"
    return t("chat.move_logged", status=t(key), next_line=next_line(t, following, today))


def move_nothing_text(t: Texts, following: Slot | None, today: date) -> str:
    return t("chat.move_nothing", next_line=next_line(t, following, today))
