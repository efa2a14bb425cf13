"""The conversation's answers (``handlers.chat``): the week and levels, a greeting, and
the reply to a message the bot did not understand, which names what the runner most
likely wants rather than repeating one fixed line."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from bot.coach.calendar import Slot
from bot.coach.intents import Intent
from bot.coach.progress import Progress
from bot.coach.status import LogStatus
from bot.coach.streaks import Streak, WeekMark, WeekTally
from bot.coach.week import Focus
from bot.content import Texts
from bot.messages import views
from bot.messages.history import day_text, entries
from bot.messages.progress import sessions_line, weeks_text
from bot.messages.skip import next_line
from bot.services.chat import Glance, Standing
from bot.services.log_book import RecentWeeks

# What an unknown message that looks like one of these is told (``Matcher.suggest``).
SUGGESTIONS = {
    Intent.DONE: "chat.unknown_done",
    Intent.SKIP: "chat.unknown_skip",
    Intent.UNDO: "chat.unknown_undo",
    Intent.MOVE: "chat.unknown_move",
    Intent.PAUSE: "chat.unknown_pause",
    Intent.RESUME: "chat.unknown_resume",
    Intent.PROGRESS: "chat.unknown_progress",
    Intent.LAST_WEEK: "chat.unknown_last_week",
    Intent.WEEK_SO_FAR: "chat.unknown_week_so_far",
    Intent.EXPORT: "chat.unknown_export",
    Intent.LEVEL: "chat.unknown_level",
    Intent.NEXT: "chat.unknown_next",
    Intent.TODAY: "chat.unknown_today",
    Intent.HELP: "chat.unknown_help",
}


def _focuses(levels: dict[Focus, int]) -> list[tuple[Focus, int]]:
    return [(focus, levels[focus]) for focus in Focus if focus in levels]


def streak_text(t: Texts, streak: Streak) -> str:
    """ "🔥 Streak: 5 weeks in a row · best 7 weeks" and "✅ 10 of the last 12 weeks in full"
    (the rules: ``bot.coach.streaks``), worded as /progress's caption words the same
    figures (``messages.progress.streak_line`` and ``kept_line``): a tester read "(best:
    2)" here and "best 2 weeks" there, "0 of the last week" here and "of 1 week" there."""
    if streak.current == 0 and streak.best > 0:
        line = t("chat.streak_again", best=weeks_text(t, streak.best))
    elif streak.current == 0:
        line = t("chat.streak_none")
    else:
        line = t("chat.streak_many", weeks=streak.current)
    if streak.best > streak.current > 0:
        line += t("chat.streak_best", best=weeks_text(t, streak.best))
    if streak.of > 0:
        line += "\n" + t("chat.kept", kept=streak.kept, of=streak.of)
    return line


def standing_text(t: Texts, standing: Standing, progress: Progress | None = None) -> str:
    """ "🔥 Streak: 5 weeks …, ✅ 10 of the last 12 weeks in full, 🗓 This month: 4 sessions ·
    in all: 6 sessions, …, This week: 1 of 3 done …, Levels: 🧱 Core 2 · 🦵 Legs 3 …, Next
    session: …". The sessions line is /progress's (``messages.progress.sessions_line``),
    so "how many sessions have I done?" gets the number asked, in all, this month and this
    week, from the same data."""
    week = standing.week
    if week.done == 0:
        cheer = t("chat.standing_cheer_none")
    elif week.done == week.planned - 1:
        cheer = t("chat.standing_cheer_almost")
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
    text = t(
        "chat.standing",
        count=week.done,
        planned=week.planned,
        cheer=cheer,
        levels=levels,
        next_line=next_line(t, standing.following, standing.today.day),
    )
    if progress is None:
        return text
    return "\n".join((streak_text(t, progress.streak), sessions_line(t, progress), text))


def _short_date(t: Texts, day: date, today: date) -> str:
    """ "26 Nov" (with the year when it is not this one), in the locale's order."""
    return t.short_date(day, year=day.year != today.year)


def levels_text(
    t: Texts,
    levels: dict[Focus, int],
    starts: Mapping[Focus, tuple[int, date]] | None = None,
    today: date | None = None,
) -> str:
    """Each focus's level now, and where it started: "🦵 Legs: level 6 (from 4 on 26 Nov)"
    (``starts``: ``Progress.level_start``, the level of the runner's first session of it)."""

    def since(focus: Focus, level: int) -> str:
        start = (starts or {}).get(focus)
        if start is None or today is None:
            return ""
        first, day = start
        when = _short_date(t, day, today)
        if first == level:
            return t("chat.level_since_same", day=when)
        return t("chat.level_since", start=first, day=when)

    lines = "\n".join(
        t(
            "chat.level_line",
            icon=t(f"focus_icon.{focus.value}"),
            focus=views.focus_label(t, focus),
            level=level,
        )
        + since(focus, level)
        for focus, level in _focuses(levels)
    )
    return t("chat.levels", lines=lines)


# How last week counts for the streak, after its "2 of 3".
MARKS = {
    WeekMark.FULL: "chat.mark_full",
    WeekMark.ALMOST: "chat.mark_almost",
    WeekMark.SHORT: "chat.mark_short",
    WeekMark.PAUSED: "chat.mark_paused",
    WeekMark.EASED: "chat.mark_eased",
    WeekMark.REST: "chat.mark_rest",
    WeekMark.NOW: "chat.mark_short",  # never last week's: it is over
}


def recent_weeks_text(
    t: Texts, recent: RecentWeeks, tally: WeekTally | None, streak: Streak | None
) -> str:
    """ "What did I do last week?": last week's tally and logs (/history's lines, oldest
    first), this week's so far, and the streak."""
    today = recent.today
    first, last = recent.monday, recent.monday + timedelta(days=6)
    if tally is not None:
        facts = tally.facts
        counted = t("chat.tally", done=facts.done, planned=facts.planned, mark=t(MARKS[tally.mark]))
    else:
        done = sum(1 for line in recent.last_week if line.status == LogStatus.DONE)
        counted = t("chat.tally_done", done=done)
    text = t(
        "chat.last_week",
        first=day_text(t, first, today),
        last=day_text(t, last, today),
        tally=counted,
        lines=entries(t, recent.last_week, today) or t("chat.last_week_empty"),
    )
    if recent.this_week:
        text += "\n\n" + t("chat.this_week", lines=entries(t, recent.this_week, today))
    if streak is not None:
        text += "\n\n" + streak_text(t, streak)
    return text


def week_so_far_text(t: Texts, recent: RecentWeeks, tally: WeekTally | None) -> str:
    """ "What did I do this week?", "this week so far": this week's logs (/history's
    lines, oldest first) and its tally, done of planned as /progress counts it."""
    today = recent.today
    first = recent.monday + timedelta(weeks=1)
    if tally is not None:
        counted = t("chat.week_so_far_tally", done=tally.facts.done, planned=tally.facts.planned)
    else:
        done = sum(1 for line in recent.this_week if line.status == LogStatus.DONE)
        counted = t("chat.tally_done", done=done)
    return t(
        "chat.week_so_far",
        first=day_text(t, first, today),
        last=day_text(t, first + timedelta(days=6), today),
        tally=counted,
        lines=entries(t, recent.this_week, today) or t("chat.week_so_far_empty"),
    )


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
