"""/progress in words: the caption under the picture, its one line of coaching, the text a
runner with no session yet gets instead of an empty chart, and the picture's data.

Everything here is built from one ``bot.coach.progress.Progress`` (what
``bot.services.progress.read_progress`` reads), so the caption and the picture show the
same figures; the words come from ``content/messages/progress.toml``.

The caption is at most 1024 UTF-16 code units, Telegram's limit for a photo's caption
(Bot API ``sendPhoto``: "0-1024 characters after entities parsing"). It is measured with
its HTML tags counted too, which only overestimates it; a caption that would not fit
drops its load lines first, then its level lines, then is shortened, so a runner with
long exercise names and all three foci still gets the picture (never a refused send).

**The coaching line** is the first of these that applies (``coaching``):

1. *back after a break*: the latest week with a session done is this week or last week,
   and two or more weeks with none come right before it (paused or not), after earlier
   sessions. Habit research on lapses: the first week back decides whether the habit
   resumes (Lally et al. 2010, "How are habits formed", Eur J Soc Psychol 40: one missed
   day did not derail habit formation, so the message is "carry on", never "you broke it");
2. *best streak yet*, once the streak is at least ``BEST_STREAK_WORTH_SAYING`` (4) weeks:
   a record worth naming (shorter runs are named by rule 6);
3. *a focus went up* since it started (the biggest gain, in the order of the runner's foci);
4. *a lift got heavier* since its first logged weight (the biggest gain in kilograms);
5. *one short*: the last week counted was one session short (``WeekMark.ALMOST``), so a
   full week now keeps the streak;
6. *a streak* of two weeks or more;
7. otherwise *the start*: every session counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.coach.loads import from_kg
from bot.coach.progress import LiftSeries, Progress
from bot.coach.streaks import WeekMark, WeekTally
from bot.coach.week import Focus
from bot.content import Content, Texts, headline
from bot.messages.loads import amount_text, weight_text
from bot.messages.progress_chart import ChartData, Series, WeekBar
from bot.messages.views import ELLIPSIS, escape, focus_label, shorten, utf16_len

#: Telegram's limit for a photo's caption, in UTF-16 code units (Bot API sendPhoto).
MAX_CAPTION = 1024
#: A streak shorter than this is "N weeks in a row", not "your best yet": two or three
#: weeks are a start more than a record (and a new runner's every week is a "best").
BEST_STREAK_WORTH_SAYING = 4
#: Weeks with no session done right before a comeback that make it one (rule 1 above).
BREAK_WEEKS = 2
#: An exercise name in the caption is cut to this many UTF-16 units ("…" at the end):
#: the catalogue's longest main-move name ("Soleus raise") is far below it; a custom
#: catalogue's longer one still leaves room for three lifts and three foci.
NAME_BUDGET = 32
#: Main lifts named in the caption (the picture shows the same ones).
CAPTION_LIFTS = 3


@dataclass(frozen=True)
class Coaching:
    """Which coaching line applies, with what it names (``coaching``)."""

    key: str
    weeks: int = 0
    focus: Focus | None = None
    levels: int = 0
    since: date | None = None
    lift: LiftSeries | None = None


def date_text(t: Texts, day: date, today: date) -> str:
    """ "14 Oct" ("14 Oct 2025" when it is not this year), in the locale's order and
    month names (CLDR): "14 окт.", "14. Okt.", "14 oct" — short, for a 1024-character
    caption."""
    return t.short_date(day, year=day.year != today.year)


def weeks_text(t: Texts, count: int) -> str:
    """ "1 week", "3 weeks", "5 недель": the language's plural forms (CLDR)."""
    return t("progress_report.weeks", count=count)


def sessions_text(t: Texts, count: int) -> str:
    return t("progress_report.sessions_many", count=count)


def time_text(t: Texts, minutes: int) -> str:
    if minutes < 60:
        return t("progress_report.time_minutes", minutes=minutes)
    return t("progress_report.time_hours", hours=minutes // 60, minutes=minutes % 60)


def plain_lift_name(content: Content, exercise_id: str) -> str:
    """The move's name without its detail ("Soleus raise (bent-knee calf raise)" →
    "Soleus raise"), cut to ``NAME_BUDGET``; an id no longer in the catalogue shows as
    itself. Plain text, as the picture shows it."""
    exercise = content.catalog.exercises.get(exercise_id)
    name = headline(exercise.name)[0] if exercise is not None else exercise_id
    return shorten(name, NAME_BUDGET)


def lift_name(content: Content, exercise_id: str) -> str:
    """The move's name as the caption shows it: as in the picture, HTML-escaped."""
    exercise = content.catalog.exercises.get(exercise_id)
    name = headline(exercise.name)[0] if exercise is not None else exercise_id
    return shorten(escape(name), NAME_BUDGET)


def streak_line(t: Texts, progress: Progress, *, said: bool = False) -> str:
    """The streak and the best; ``said``: the coaching line names the best already."""
    streak = progress.streak
    if streak.best == 0:
        return t("progress_report.streak_none")
    if streak.current == 0:
        return t("progress_report.streak_again", best=weeks_text(t, streak.best))
    if streak.current >= streak.best:
        key = "progress_report.streak_plain" if said else "progress_report.streak_best"
        return t(key, current=weeks_text(t, streak.current))
    return t(
        "progress_report.streak",
        current=weeks_text(t, streak.current),
        best=weeks_text(t, streak.best),
    )


def kept_line(t: Texts, progress: Progress) -> str | None:
    """ "9 of the last 12 weeks in full"; nothing before the first week that counted."""
    streak = progress.streak
    if streak.of <= 0:
        return None
    return t("progress_report.kept", kept=streak.kept, of=streak.of)


def sessions_line(t: Texts, progress: Progress) -> str:
    return t(
        "progress_report.sessions",
        month=sessions_text(t, progress.done_this_month),
        total=sessions_text(t, progress.done_total),
        time=time_text(t, progress.minutes_total),
    )


def level_lines(t: Texts, progress: Progress) -> list[str]:
    """One line per focus of the runner's plan: the level now and where it started."""
    lines = []
    for focus in progress.foci:
        icon, label = t(f"focus_icon.{focus.value}"), focus_label(t, focus)
        now = progress.level_now.get(focus)
        if now is None:  # a focus with no level: nothing true to say about it
            continue
        started = progress.level_start.get(focus)
        if started is None:
            lines.append(t("progress_report.level_unstarted", icon=icon, focus=label, now=now))
            continue
        level, day = started
        when = date_text(t, day, progress.today)
        # The level done (the latest session's); a level earned but not done yet is named
        # as the next session's, so the caption never claims what /history does not show.
        done = progress.level_done.get(focus, now)
        if level == done:
            line = t("progress_report.level_same", icon=icon, focus=label, now=done, date=when)
        else:
            line = t(
                "progress_report.level_up",
                icon=icon,
                focus=label,
                start=level,
                now=done,
                date=when,
            )
        if now > done:
            line += t("progress_report.level_next", level=now)
        lines.append(line)
    return lines


def lift_lines(content: Content, progress: Progress) -> list[str]:
    """ "Goblet squat: 12 → 16 kg since 14 Oct", in the runner's unit, at most
    ``CAPTION_LIFTS`` (the most logged first, as the picture shows them)."""
    t = content.texts
    unit = progress.weight_unit
    lines = []
    for lift in progress.lifts[:CAPTION_LIFTS]:
        name = lift_name(content, lift.exercise)
        (first_day, first_kg), (_, last_kg) = lift.first, lift.last
        first, last = amount_text(first_kg, unit, t), amount_text(last_kg, unit, t)
        when = date_text(t, first_day, progress.today)
        unit_label = t(f"loads.unit_{unit}")
        if first == last:
            lines.append(
                t("progress_report.lift_same", name=name, last=last, unit=unit_label, date=when)
            )
        else:
            lines.append(
                t(
                    "progress_report.lift_change",
                    name=name,
                    first=first,
                    last=last,
                    unit=unit_label,
                    date=when,
                )
            )
    return lines


def _came_back(weeks: Sequence[WeekTally]) -> bool:
    """Rule 1: sessions this week or last, ``BREAK_WEEKS`` or more empty weeks right before
    them, and sessions before those."""
    active = [index for index, week in enumerate(weeks) if week.facts.done > 0]
    if not active or active[-1] < len(weeks) - 2:
        return False
    latest = active[-1]
    # the run of sessions this comeback belongs to: this week and last, when both are done
    start = latest - 1 if latest - 1 in active and latest == len(weeks) - 1 else latest
    earlier = [index for index in active if index < start]
    return bool(earlier) and start - earlier[-1] - 1 >= BREAK_WEEKS


def _last_counted(weeks: Sequence[WeekTally]) -> WeekTally | None:
    """The latest week before this one whose mark counts (not neutral)."""
    neutral = {WeekMark.PAUSED, WeekMark.EASED, WeekMark.REST, WeekMark.NOW}
    for week in reversed(weeks):
        if week.mark not in neutral:
            return week
    return None


def coaching(progress: Progress) -> Coaching:
    """The one coaching line's rule, the first that applies (the order is in the module
    docstring)."""
    streak = progress.streak
    if _came_back(streak.weeks):
        return Coaching("progress_report.coach_back")
    if streak.current >= BEST_STREAK_WORTH_SAYING and streak.current >= streak.best:
        return Coaching("progress_report.coach_best", weeks=streak.current)
    gains = [
        (now - started[0], focus, started[1])
        for focus in progress.foci
        if (started := progress.level_start.get(focus)) is not None
        and (now := progress.level_done.get(focus, progress.level_now.get(focus))) is not None
    ]
    best_gain = max(gains, key=lambda gain: gain[0], default=None)
    if best_gain is not None and best_gain[0] > 0:
        levels, focus, since = best_gain
        return Coaching("progress_report.coach_level", focus=focus, levels=levels, since=since)
    heavier = [lift for lift in progress.lifts if lift.last[1] > lift.first[1]]
    if heavier:
        lift = max(heavier, key=lambda lift: lift.last[1] - lift.first[1])
        return Coaching("progress_report.coach_load", lift=lift, since=lift.first[0])
    last = _last_counted(streak.weeks)
    if streak.current > 0 and last is not None and last.mark is WeekMark.ALMOST:
        return Coaching("progress_report.coach_almost")
    if streak.current >= 2:
        return Coaching("progress_report.coach_streak", weeks=streak.current)
    return Coaching("progress_report.coach_start")


def coaching_line(content: Content, progress: Progress) -> str:
    t = content.texts
    rule = coaching(progress)
    since = date_text(t, rule.since, progress.today) if rule.since is not None else ""
    if rule.key == "progress_report.coach_best":
        return t("progress_report.coach_best", weeks=weeks_text(t, rule.weeks))
    if rule.key == "progress_report.coach_streak":
        return t("progress_report.coach_streak", weeks=weeks_text(t, rule.weeks))
    if rule.key == "progress_report.coach_level" and rule.focus is not None:
        levels = t("progress_report.levels_many", count=rule.levels)
        return t(
            "progress_report.coach_level",
            focus=focus_label(t, rule.focus),
            levels=levels,
            date=since,
        )
    if rule.key == "progress_report.coach_load" and rule.lift is not None:
        unit = progress.weight_unit
        gain = amount_text(rule.lift.last[1] - rule.lift.first[1], unit, t)
        return t(
            "progress_report.coach_load",
            name=lift_name(content, rule.lift.exercise),
            gain=gain,
            unit=t(f"loads.unit_{unit}"),
            date=since,
        )
    if rule.key == "progress_report.coach_back":
        return t("progress_report.coach_back")
    if rule.key == "progress_report.coach_almost":
        return t("progress_report.coach_almost")
    return t("progress_report.coach_start")


def fit(
    head: Sequence[str],
    levels: Sequence[str],
    lifts: Sequence[str],
    tail: Sequence[str],
    budget: int = MAX_CAPTION,
) -> str:
    """The caption's lines in this order, within ``budget`` UTF-16 units: the loads go first,
    one line at a time from the last, then the levels; what still does not fit (a custom
    text far longer than ours) is cut at a line end with "…", never inside a tag."""
    kept_levels, kept_lifts = list(levels), list(lifts)

    def joined() -> str:
        return "\n".join([*head, *kept_levels, *kept_lifts, *tail])

    for dropped in (kept_lifts, kept_levels):
        while dropped and utf16_len(joined()) > budget:
            dropped.pop()
    text = joined()
    if utf16_len(text) <= budget:
        return text
    lines: list[str] = []
    for line in text.split("\n"):
        if utf16_len("\n".join([*lines, line, ELLIPSIS])) > budget:
            break
        lines.append(line)
    return "\n".join([*lines, ELLIPSIS])


def caption(content: Content, progress: Progress) -> str:
    """The photo's caption (HTML): the figures, each focus's level, the loads and one line
    of coaching, within Telegram's 1024."""
    t = content.texts
    said = coaching(progress).key == "progress_report.coach_best"
    head = [t("progress_report.title"), streak_line(t, progress, said=said)]
    kept = kept_line(t, progress)
    if kept is not None:
        head.append(kept)
    head.append(sessions_line(t, progress))
    return fit(
        head,
        level_lines(t, progress),
        lift_lines(content, progress),
        [coaching_line(content, progress)],
    )


def without_picture(content: Content, progress: Progress) -> str:
    """The caption as a message when the picture could not be drawn: never silent."""
    return f"{caption(content, progress)}\n\n{content.texts('progress_report.no_picture')}"


def no_sessions_text(t: Texts) -> str:
    return t("progress_report.no_sessions")


#: The picture's words (``bot.messages.progress_chart.LEGEND_KEYS``) and their texts.
CHART_WORDS = {
    "done": "progress_chart.done",
    "planned": "progress_chart.planned",
    "skipped": "progress_chart.skipped",
    "moved": "progress_chart.moved",
    "full": "progress_chart.full",
    "almost": "progress_chart.almost",
    "short": "progress_chart.short",
    "paused": "progress_chart.paused",
    "eased": "progress_chart.eased",
    "rest": "progress_chart.rest",
    "now": "progress_chart.now",
    "sessions_axis": "progress_chart.sessions_axis",
    "levels_axis": "progress_chart.levels_axis",
}


def last_weight(t: Texts, lift: LiftSeries, unit: str) -> str | None:
    """The chart's label at a lift's last point: "16 kg", "16,5 kg" in German."""
    last = next((kg for kg in reversed(lift.kg) if kg is not None), None)
    return None if last is None else weight_text(t, last, unit)


def chart_data(content: Content, progress: Progress) -> ChartData:
    """The picture's plain data: the weeks' bars, each focus's level per week and the
    main lifts' weights in the runner's unit, with every word from content/ (plain text:
    the chart's font has no emoji, and HTML would show as typed)."""
    t = content.texts
    unit = progress.weight_unit
    unit_label = t(f"loads.unit_{unit}")
    legend = {name: t(key) for name, key in CHART_WORDS.items()}
    legend["lifts_axis"] = t("progress_chart.lifts_axis", unit=unit_label)
    weeks = tuple(
        WeekBar(
            label=t.short_date(week.facts.monday),
            planned=week.facts.planned,
            done=week.facts.done,
            mark=week.mark.value,
            skipped=week.facts.skipped,
            moved=week.facts.moved,
        )
        for week in progress.weeks
    )
    levels = tuple(
        Series(
            label=focus_label(t, focus),
            values=tuple(float(level) for level in progress.levels[focus]),
        )
        for focus in progress.foci
        if focus in progress.levels
    )
    lifts = tuple(
        Series(
            label=plain_lift_name(content, lift.exercise),
            values=tuple(None if kg is None else round(from_kg(kg, unit), 1) for kg in lift.kg),
            last_label=last_weight(t, lift, unit),
        )
        for lift in progress.lifts[:CAPTION_LIFTS]
    )
    return ChartData(
        title=t("progress_chart.title", weeks=len(weeks)),
        weeks=weeks,
        levels=levels,
        lifts=lifts,
        lift_unit=unit_label,
        legend=legend,
    )
