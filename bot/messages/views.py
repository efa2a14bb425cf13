"""Turning the coach's answers into message texts and keyboards.

Every button's data is packed by its class in ``bot.messages.callbacks`` (short and
versioned, so a button from an older release or an earlier day is recognised and answered
politely instead of crashing).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.coach.day import DayPlan, ExerciseChange, changes_since
from bot.coach.parsing import clean_text
from bot.coach.plan import plan_week, week_index_of
from bot.coach.session_time import SessionItem, barbell, first_heavy
from bot.coach.status import LogStatus
from bot.coach.week import Focus, PlannedDay, RunnerWeek
from bot.content import Level, Texts, headline
from bot.messages import ask_feedback
from bot.messages.callbacks import (
    DidButton,
    DoneButton,
    FeedbackAnswer,
    FeedbackButton,
    SkipButton,
    SwapChoose,
    SwapKeep,
    SwapOptions,
    SwapWhich,
)
from bot.messages.loads import target_text

# Keyboards for a day are the same for every runner: built once and shared (PTB's objects
# are frozen), a ten-thousand-reminder minute builds one instead of ten thousand.
KEYBOARD_CACHE_SIZE = 64
# Telegram's limits, in UTF-16 code units as it counts them: a message's text, and the
# toast a button's answer shows.
MAX_MESSAGE = 4096
MAX_CALLBACK_ANSWER = 200
ELLIPSIS = "…"
# How much of a runner's own words a reply repeats back. The whole note is stored; the
# echo only shows it was understood, and a 4,000-character note echoed in full no longer
# fits beside the reply (Telegram refuses the message, and the runner read "something
# went wrong" for a note that had been saved).
ECHO_BUDGET = 300


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (astral characters such as most emoji count twice)."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def shorten(text: str, budget: int) -> str:
    """``text`` (HTML-escaped, no tags) cut to at most ``budget`` UTF-16 code units,
    ending in "…" when cut: never inside an HTML entity (``&amp;``) or between the two
    halves of an emoji, and without dangling whitespace before the "…"."""
    if len(text) <= budget and utf16_len(text) <= budget:
        return text
    room = budget - utf16_len(ELLIPSIS)
    used = 0
    cut = 0
    for index, char in enumerate(text[:room]):  # a code point is at least one unit
        used += 2 if ord(char) > 0xFFFF else 1
        if used > room:
            break
        cut = index + 1
    head = text[:cut]
    entity = head.rfind("&")
    if entity >= 0 and ";" not in head[entity:]:
        head = head[:entity]  # "&am" would show as typed, or break the parse
    return head.rstrip() + ELLIPSIS


def user_text(raw: str, budget: int = ECHO_BUDGET) -> str:
    """A runner's own words as a reply may repeat them: cleaned as the database stores
    them (no NUL, no half of a surrogate pair, which no encoder takes), whitespace-trimmed,
    escaped for Telegram's HTML (a "<3" must not read as a tag), shortened to ``budget``."""
    return shorten(html.escape(clean_text(raw).strip(), quote=False), budget)


def toast(text: str) -> str:
    """A callback answer: Telegram shows at most 200 characters (and refuses more)."""
    return shorten(text, MAX_CALLBACK_ANSWER)


def focus_label(t: Texts, focus: Focus) -> str:
    return t(f"focus.{focus.value}")


def day_label(t: Texts, day: date, today: date | None = None) -> str:
    if today is not None and day == today:
        return t("today.today_label")
    return t.weekday_day(day, "wide")


def dose(t: Texts, level: Level) -> str:
    side = "_per_side" if level.per_side else ""
    if level.seconds is not None:
        return t(f"today.dose_seconds{side}", sets=level.sets, seconds=level.seconds)
    return t(f"today.dose_reps{side}", sets=level.sets, reps=level.reps)


def session_text(
    t: Texts,
    plan: DayPlan,
    week: RunnerWeek,
    today: date,
    logged_status: str | None = None,
    unit: str = "kg",
) -> str:
    """The session as a phone shows it above its buttons: the warm-up's minutes, what
    changed, one line per exercise (the move, the effort in a word, its dose, the weight
    to try, the rest) with the ramp-up sets before the first heavy lift, and the rest
    folded into an expandable quotation whose first lines show (today's notes, why today)
    and whose warm-up moves, pain rule and cues open with a tap, so ✅ Done sits under the
    list instead of two screens down: the cues are read once, the doses at every set.
    ``unit`` is how the runner reads weights (kg | lb)."""
    session = plan.session
    lines = [
        t(
            "today.header",
            icon=t(f"focus_icon.{session.focus.value}"),
            focus=focus_label(t, session.focus),
            day_label=day_label(t, plan.day, today),
            minutes=session.minutes,
        ),
        level_line(t, plan),
    ]
    if session.warmup_minutes:
        lines.insert(1, t("session.warmup", minutes=session.warmup_minutes))
    ramp_at = first_heavy(session.items)
    for number, item in enumerate(session.items, start=1):
        if ramp_at == number - 1:
            lines.append(t("session.ramp_bar" if barbell(item.exercise) else "session.ramp_light"))
        lines.append(exercise_line(t, plan, number, item, unit))
    lines.append(folded_block(t, plan, week))
    if logged_status is None and (asked := ask_line(t, plan, today)) is not None:
        lines.append(asked)
    if logged_status == LogStatus.DONE:
        lines.append(t("today.footer_done"))
    elif logged_status == LogStatus.SKIPPED:
        lines.append(t("today.footer_skipped"))
    else:
        lines.append(t("today.footer"))
    return "\n".join(lines)


def escape(text: str) -> str:
    return html.escape(text, quote=False)


# Details that name the weight, not the move: a logged weight says it better ("empty bar"
# beside "last time 60 kg" contradicts it; the runner's own number wins). The words are the
# language's, as its exercises' variants write them (session.empty_bar: "leere Stange").
LOAD_DETAIL_KEYS = ("session.empty_bar",)


def load_details(t: Texts) -> tuple[str, ...]:
    return tuple(t(key) for key in LOAD_DETAIL_KEYS)


def shown_variant(t: Texts, variant: str, logged: bool) -> str:
    """The variant as the message names it: without a load detail once a weight is logged."""
    if not logged:
        return variant
    for words in load_details(t):
        variant = variant.replace(f", {words}", "")
    return variant


def _logged(plan: DayPlan, item: SessionItem) -> bool:
    target = plan.targets.get(item.exercise.id)
    return target is not None and target.last_kg is not None


def folded_block(t: Texts, plan: DayPlan, week: RunnerWeek) -> str:
    """Today's notes, why today, then each exercise in full with its cue, as an expandable
    block quotation: a phone shows its first lines folded and the rest after a tap."""
    cues = [
        t(
            "session.cue",
            number=number,
            variant=escape(shown_variant(t, item.level.variant, _logged(plan, item))),
            cue=escape(item.exercise.cue),
            hint=t("session.hint", hint=effort_hint(t, item.level))
            if item.level.rir is not None
            else "",
        )
        for number, item in enumerate(plan.session.items, start=1)
    ]
    why = why_text(t, week, plan.day, plan.session.focus)
    warmup = []
    if plan.session.warmup_moves:
        moves = t("session.warmup_join").join(escape(move) for move in plan.session.warmup_moves)
        warmup.append(t("session.warmup_moves", moves=moves))
    lines = [*notes(t, plan), why, *warmup, t("session.pain_rule"), *cues]
    return t("today.folded", lines="\n".join(lines))


# Reps in reserve as a runner reads them (Zourdos et al. 2016, the RIR scale; Helms et al.
# 2016): 0-2 left is heavy, 3 moderate, 4 or more light.
MODERATE_RIR = 3
LIGHT_RIR = 4


def effort_word(t: Texts, level: Level) -> str | None:
    """heavy / moderate / light for a rung with a reps-in-reserve target, else None."""
    if level.rir is None:
        return None
    if level.rir < MODERATE_RIR:
        return t("effort.heavy")
    return t("effort.moderate" if level.rir < LIGHT_RIR else "effort.light")


def hint(t: Texts, level: Level) -> str:
    return t("session.hint", hint=effort_hint(t, level)) if level.rir is not None else ""


def effort_hint(t: Texts, level: Level) -> str:
    """The effort in full, for the notes: "Heavy: you could do 2 more, no more."."""
    rir = level.rir or 0
    if rir == 0:
        return t("effort.heavy_hint_last")
    if rir < MODERATE_RIR:
        return t("effort.heavy_hint", rir=rir)
    return t("effort.moderate_hint" if rir < LIGHT_RIR else "effort.light_hint", rir=rir)


def exercise_line(t: Texts, plan: DayPlan, number: int, item: SessionItem, unit: str) -> str:
    """One exercise: the move, the effort in a word, the dose, the weight to try, the rest
    ("1. Back squat heavy · 3 x 5 · last time 60 kg -> try 62.5 kg, rest 150 s")."""
    word = effort_word(t, item.level)
    target = plan.targets.get(item.exercise.id)
    said = target_text(t, target, unit) if target is not None else None
    return t(
        "session.exercise",
        number=number,
        name=escape(list_name(t, plan, item)),
        effort=t("session.effort", word=word) if word is not None else "",
        dose=dose(t, item.level),
        target=t("session.target", target=said) if said else "",
        rest=item.level.rest,
    )


def list_name(t: Texts, plan: DayPlan, item: SessionItem) -> str:
    """The move as the list names it; a first barbell rung with no weight logged yet says
    "empty bar" here too, not only in the folded notes a runner may never open."""
    move, detail = headline(shown_variant(t, item.level.variant, _logged(plan, item)))
    if detail in load_details(t):
        return f"{move}, {detail}"
    return move


def ask_line(t: Texts, plan: DayPlan, today: date) -> str | None:
    """The once-only question about an earlier session the runner never rated
    (``plan.ask_feedback``, its day): no feedback holds the level until the runner says."""
    if plan.ask_feedback is None:
        return None
    return ask_feedback.line(t, plan.ask_feedback, today)


def ask_rows(t: Texts, ask: date) -> list[list[InlineKeyboardButton]]:
    """The buttons of that question, under the session's own: a tap rates that day."""
    return ask_feedback.rows(t, ask)


# What changed since the last session of a focus: at most two changes, the second only if
# both fit in about 70 characters (with "Level 4 · since last time: ", two lines of a
# phone); a change left out is counted, not named.
MAX_CHANGES_NAMED = 2
CHANGES_LINE_BUDGET = 70


def level_line(t: Texts, plan: DayPlan) -> str:
    """ "Level 4 · since last time: Push-up → Incline push-up; Plank +10 s" """
    fewer = plan.adjustment.fewer_sets
    changes = [
        change
        for change in changes_since(plan.previous, plan.session)
        # A lighter week's missing set is said once, by its note, not once per exercise.
        if not (fewer and change.kind == "sets" and change.amount == -fewer)
    ]
    if not changes:
        return t("progress.level", level=plan.session.level)
    previous = plan.previous.items if plan.previous is not None else ()
    before = {item.exercise.name: item.level for item in previous}
    now = {item.exercise.name: item.level for item in plan.session.items}
    harder = plan.previous is None or plan.session.level >= plan.previous.level
    # A new move or a heavier weight matters most (a weight step shows as "-2 reps").
    changes.sort(
        key=lambda change: (
            change.kind != "variant"
            and not (harder and _heavier(before.get(change.name), now.get(change.name)))
        )
    )
    named: list[str] = []
    for change in changes[:MAX_CHANGES_NAMED]:
        # One change never takes more than the line's budget ("Single-leg calf raise off a
        # step: 3-s lowering, dumbbell or backpack" is cut with "…").
        text = change_text(t, change, before.get(change.name), harder, now.get(change.name))
        text = shorten(text, CHANGES_LINE_BUDGET)
        if named and utf16_len("; ".join([*named, text])) > CHANGES_LINE_BUDGET:
            break
        named.append(text)
    if len(changes) > len(named):
        named.append(t("progress.more", count=len(changes) - len(named)))
    return t("progress.level_changed", level=plan.session.level, changes="; ".join(named))


def _heavier(before: Level | None, now: Level | None) -> bool:
    """A loaded move that went up a weight step: its rung says heavier, or its reps came
    back down at the same sets (double progression, Ratamess et al. 2009)."""
    if before is None or now is None or not (before.load and now.load) or before == now:
        return False
    if now.heavier:
        return True
    return (
        now.reps is not None
        and before.reps is not None
        and now.reps < before.reps
        and now.sets == before.sets
        and headline(now.variant)[0] == headline(before.variant)[0]
    )


def change_text(
    t: Texts,
    change: ExerciseChange,
    before: Level | None,
    harder: bool,
    now: Level | None = None,
) -> str:
    """One change in plain words: "Push-up → Incline push-up", "Bird dog: 3-s hold",
    "Copenhagen plank, a step harder", "Plank +10 s", "Squat -2 reps", "Lunge +1 set",
    "Back squat: heavier, 5 x 4" (a weight step is said once, as a weight, not as fewer
    reps or a second effort word). Named as the list names the move (``now``'s headline),
    so "Split squat 2 x 7" is not "Bulgarian split squat +1 rep" one line up."""
    if harder and _heavier(before, now):
        assert now is not None
        return t("progress.heavier", move=escape(headline(now.variant)[0]), dose=dose(t, now))
    if change.kind == "variant":
        move, detail = headline(change.variant)
        old = headline(before.variant)[0] if before is not None else change.name
        if old != move:
            return t("progress.variant", old=escape(old), new=escape(move))
        if detail:
            return t("progress.variant_detail", move=escape(move), detail=escape(detail))
        key = "progress.variant_harder" if harder else "progress.variant_easier"
        return t(key, move=escape(move))
    name = escape(headline(now.variant)[0] if now is not None else change.name)
    sign = "+" if change.amount > 0 else "−"
    amount = abs(change.amount)
    # "+1 rep", "+2 reps": the language's plural forms, chosen by the amount.
    key = {"seconds": "progress.seconds", "reps": "progress.reps"}.get(change.kind, "progress.sets")
    return t(key, name=name, sign=sign, amount=int(amount))


def notes(t: Texts, plan: DayPlan) -> list[str]:
    """What makes today's session unlike the usual one: a swap, a race phase, a lighter
    week, a level changed this week."""
    found = []
    adjustment = plan.adjustment
    if plan.sore_swap:
        found.append(t("progress.sore_swap", focus=focus_label(t, plan.session.focus)))
    if adjustment.phase is not None:
        found.append(t(f"phase.{adjustment.phase.value}"))
    elif adjustment.lighter_week:
        found.append(t("progress.lighter_week"))
    if (
        plan.state.last_change is not None
        and plan.state.changed_on is not None
        and ((plan.day - plan.state.changed_on).days <= 7)
        and _level_moved(plan, plan.state.last_change.value)
    ):
        key = f"progress.changed_{plan.state.last_change.value}"
        found.append(t(key, focus=focus_label(t, plan.session.focus)))
    return found


def _level_moved(plan: DayPlan, change: str) -> bool:
    """Whether "stepped up" / "stepped back" is true of this session: its level is above
    (below) the last session of the focus. A lighter week or taper shows a lower level
    under "nothing harder", and the session after the step shows the same level again:
    neither is a step up. A break's step back is said whatever the levels."""
    if change not in ("up", "down"):
        return True
    if plan.previous is None:
        return True
    if change == "up":
        return plan.session.level > plan.previous.level
    return plan.session.level < plan.previous.level


def why_text(t: Texts, week: RunnerWeek, day: date, focus: Focus) -> str:
    """Why this session sits on this day, in one line, from what is true of the day: legs on
    a hard day ride on its fatigue; core and upper body spare the legs whatever the run,
    which is the reason on a hard or long run day, not "an easy day suits it"."""
    weekday = day.weekday()
    reasons = []
    if focus is Focus.LEGS:
        if weekday in week.hard_days:
            reasons.append(t("why.hard_today"))
    elif weekday in week.hard_days:
        reasons.append(t("why.light_on_hard_day"))
    elif weekday == week.long_run_day:
        reasons.append(t("why.light_on_long_run"))
    elif weekday in week.run_days:
        reasons.append(t("why.easy_day"))
    else:
        reasons.append(t("why.rest_day"))
    if week.long_run_day is not None:
        until = (week.long_run_day - weekday) % 7
        if until:
            reasons.append(t("why.long_run", day=t.weekday(week.long_run_day), days=until))
    if weekday not in week.hard_days:
        upcoming_hard = sorted((d - weekday) % 7 for d in week.hard_days)
        if upcoming_hard:
            reasons.append(t("why.hard_next", day=t.weekday((weekday + upcoming_hard[0]) % 7)))
    return t("why.line", reasons="; ".join(reasons) or t("why.free"))


@lru_cache(maxsize=KEYBOARD_CACHE_SIZE)
def session_keyboard(t: Texts, day: date, ask: date | None = None) -> InlineKeyboardMarkup:
    """Done and Skip first, ⇄ Swap on a row of its own: a rarer choice, away from the thumb;
    then, once, the question about an unrated earlier session (``ask``, its day). Cached
    by day and question, so a day's keyboard with the question never serves one without."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(t("buttons.done"), callback_data=DoneButton(day).pack()),
                InlineKeyboardButton(t("buttons.skip"), callback_data=SkipButton(day).pack()),
            ],
            [InlineKeyboardButton(t("swap.button"), callback_data=SwapWhich(day).pack())],
            *(ask_rows(t, ask) if ask is not None else []),
        ]
    )


def swap_which_keyboard(
    t: Texts, day: date, choices: list[tuple[int, str, str]]
) -> InlineKeyboardMarkup:
    """ "Which one?": one button per swappable exercise (number, name, code), then Keep."""
    rows = [
        [
            InlineKeyboardButton(
                t("swap.exercise_button", number=number, name=name),
                callback_data=SwapOptions(day, exercise).pack(),
            )
        ]
        for number, name, exercise in choices
    ]
    rows.append([InlineKeyboardButton(t("swap.keep"), callback_data=SwapKeep(day).pack())])
    return InlineKeyboardMarkup(rows)


def swap_options_keyboard(
    t: Texts, day: date, shown: str, options: list[tuple[str, str, bool]]
) -> InlineKeyboardMarkup:
    """The moves to pick from (name, code, is the way back to the original), then Back."""
    rows = [
        [
            InlineKeyboardButton(
                t("swap.back_button" if back else "swap.option_button", name=name),
                callback_data=SwapChoose(day, shown, exercise).pack(),
            )
        ]
        for name, exercise, back in options
    ]
    rows.append([InlineKeyboardButton(t("buttons.back"), callback_data=SwapWhich(day).pack())])
    return InlineKeyboardMarkup(rows)


@lru_cache(maxsize=KEYBOARD_CACHE_SIZE)
def feedback_keyboard(t: Texts, day: date) -> InlineKeyboardMarkup:
    def button(answer: FeedbackAnswer) -> InlineKeyboardButton:
        return InlineKeyboardButton(
            t(f"feedback.{answer.value}"), callback_data=FeedbackButton(day, answer).pack()
        )

    felt = [answer for answer in FeedbackAnswer if answer is not FeedbackAnswer.SORE]
    return InlineKeyboardMarkup(
        [
            [button(answer) for answer in felt[:2]],
            [button(answer) for answer in felt[2:]],
            [button(FeedbackAnswer.SORE)],
        ]
    )


@lru_cache(maxsize=KEYBOARD_CACHE_SIZE)
def focus_keyboard(t: Texts, day: date) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    f"{t(f'focus_icon.{focus.value}')} {focus_label(t, focus)}",
                    callback_data=DidButton(focus, day).pack(),
                )
                for focus in Focus
            ]
        ]
    )


def next_session_line(t: Texts, planned: PlannedDay | None, today: date) -> str:
    if planned is None:
        return t("today.no_sessions")
    return t(
        "today.next_session",
        day=day_label(t, planned.day, today),
        focus=focus_label(t, planned.focus),
    )


def rest_day_text(t: Texts, week: RunnerWeek, today: date, planned: PlannedDay | None) -> str:
    weekday = today.weekday()
    if weekday == week.long_run_day:
        reason = t("today.rest_reason_long")
    elif weekday in week.run_days:
        reason = t("today.rest_reason_run")
    else:
        reason = t("today.rest_reason_rest")
    return "\n".join([t("today.rest_day", reason=reason), next_session_line(t, planned, today)])


def run_label(t: Texts, week: RunnerWeek, weekday: int) -> str | None:
    """The day's run as the week summary and the preview name it: long, hard, easy."""
    if weekday == week.long_run_day:
        return t("onboarding.summary_long")
    if weekday in week.hard_days:
        return t("onboarding.summary_hard")
    if weekday in week.run_days:
        return t("onboarding.summary_run")
    return None


def week_lines(
    t: Texts,
    week: RunnerWeek,
    monday: date,
    sessions: Mapping[int, Focus | None] | None = None,
    race_day: date | None = None,
) -> list[str]:
    """The week day by day: runs and strength. ``sessions`` (weekday -> focus or None)
    overrides the plan's strength with what the days actually hold (/week: a sore swap,
    race week's core, no session on race day), so the line and /today never disagree;
    ``race_day``, in this week, reads as the race, not as the run usually on that day."""
    plan = plan_week(week, week_index_of(monday))
    lines = []
    for weekday in range(7):
        parts: list[str] = []
        if race_day is not None and monday + timedelta(days=weekday) == race_day:
            parts.append(t("race.week_line"))
        elif (run := run_label(t, week, weekday)) is not None:
            parts.append(run)
        focus = plan.focus_on(weekday)
        if sessions is not None and weekday in sessions:
            focus = sessions[weekday]
        if focus is not None:
            parts.append(
                t(
                    "onboarding.summary_strength",
                    icon=t(f"focus_icon.{focus.value}"),
                    focus=focus_label(t, focus),
                )
            )
        what = " · ".join(parts) if parts else t("onboarding.summary_rest")
        lines.append(t("onboarding.summary_day", day=t.weekday(weekday, "abbreviated"), what=what))
    return lines


def zone_label(t: Texts, zone: str) -> str:
    """A timezone as a runner reads it. The tz database names its fixed offsets with the
    POSIX sign, the opposite of what people write ("Etc/GMT-1" is UTC+1): shown as
    "UTC+1 all year" instead. Every other zone by its name ("Europe/Berlin")."""
    match = re.fullmatch(r"Etc/GMT(?:([+-])(\d{1,2}))?", zone)
    if match is None:
        return zone
    if match[1] is None:
        return t("onboarding.fixed_offset_zone", offset="")
    return t("onboarding.fixed_offset_zone", offset=("-" if match[1] == "+" else "+") + match[2])


def sessions_key(week: RunnerWeek, monday: date) -> str:
    """What the week's sessions are, from the plan itself (``plan.plan_week``), not from
    the count alone: two leg sessions with core built in, plus upper body as a third; a
    week with room for one leg session only rotates core and upper body."""
    foci = list(plan_week(week, week_index_of(monday)).sessions.values())
    legs = foci.count(Focus.LEGS)
    if legs == 2 and len(foci) == 2:
        return "onboarding.summary_sessions_two_legs"
    if legs == 2 and foci.count(Focus.UPPER) == 1 and len(foci) == 3:
        return "onboarding.summary_sessions_legs_upper"
    if legs == 1 and len(foci) == 2:
        return "onboarding.summary_sessions_alternating"
    return "onboarding.summary_sessions"


def summary_text(t: Texts, week: RunnerWeek, monday: date) -> str:
    key = sessions_key(week, monday)
    if week.reminder_time is not None:
        reminder = t(
            "onboarding.summary_reminder",
            time=t.time(week.reminder_time),
            zone=zone_label(t, week.timezone),
        )
    else:
        reminder = t("onboarding.summary_no_reminder", zone=zone_label(t, week.timezone))
    return t(
        "onboarding.summary",
        days="\n".join(week_lines(t, week, monday)),
        sessions_line=t(key, count=week.sessions_per_week),
        reminder_line=reminder,
        experience=t(f"experience.{week.experience.value}"),
        equipment=t(f"equipment.{week.equipment.value}"),
    )


def local_time_text(zone: str, now: datetime, t: Texts | None = None) -> str:
    """The clock there now, in the runner's locale's habit ("07:30"; without ``t``, 24 h)."""
    local = now.astimezone(ZoneInfo(zone))
    return t.time(local.time()) if t is not None else local.strftime("%H:%M")


def when_text(t: Texts, instant: datetime, zone: str, today: date) -> str:
    """The day and the time of a reminder, joined by the language's words (German's
    "Samstag, 28., um 07:00": a bare "28. 07:00" reads as a date in July)."""
    local = instant.astimezone(ZoneInfo(zone))
    return t("pause.day_at_time", day=day_label(t, local.date(), today), time=t.time(local.time()))
