"""This week is different: what the runner reads when they change this week's runs
("This week: long run Sunday → legs moved to Wednesday."), /week's menu for it, and its
buttons' data.

The buttons are ``v1:tw:<monday>`` (the menu), ``v1:tw:<monday>:<step>`` (a day to pick,
or a change to confirm) and ``v1:tw:<monday>:<change>:y`` (make it), where ``<monday>``
is the Monday of the week the menu was shown for, so a button from an earlier week is
recognised as over, and a change is a ``week_change.Kind`` value with a weekday digit
for the kinds that take a day (``L6``: the long run on Sunday).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import ClassVar

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.coach.week import Focus
from bot.coach.week_change import Change, Kind, Refusal, Shift, WeekRuns, normalise
from bot.content import Texts
from bot.messages.callbacks import (
    MAX_DATA_BYTES,
    VERSION,
    Button,
    button_args,
    day_code,
    parse_day_code,
)

# The kinds a button asks a day for, and the step that asks it.
PICK_DAY = frozenset({Kind.LONG, Kind.HARD})
# A step: a kind to pick a day for ("L"), a change ("L6", "N"), the menu again in place
# ("m": "↩ Back"), or cancel ("x"). No step is /week's way in, which opens the menu in a
# message of its own, so /week stays in the chat as it was.
_STEP = re.compile(r"^(?:[LH][0-6]?|[NOU]|[mx])$")
CANCEL = "x"
MENU = "m"
YES = "y"


@dataclass(frozen=True)
class ThisWeekButton(Button):
    """A step of /week's "This week is different": ``step`` "" is the menu."""

    PREFIX: ClassVar[str] = f"{VERSION}:tw"
    PATTERN: ClassVar[str] = rf"^{PREFIX}(:|$)"
    monday: date
    step: str = ""
    confirmed: bool = False

    def pack(self) -> str:
        parts = [self.PREFIX, day_code(self.monday)]
        if self.step:
            parts.append(self.step)
        if self.confirmed:
            parts.append(YES)
        data = ":".join(parts)
        if len(data.encode()) > MAX_DATA_BYTES or (self.step and not _STEP.match(self.step)):
            raise ValueError(f"not a this-week button: {data!r}")
        return data

    @classmethod
    def parse(cls, data: str | None) -> ThisWeekButton | None:
        """The button ``data`` packs, or None for anything ``pack`` never makes."""
        args = button_args(data, cls.PREFIX, 1, 2, 3)
        if args is None:
            return None
        monday = parse_day_code(args[0])
        if monday is None or monday.weekday() != 0:
            return None
        step = args[1] if len(args) > 1 else ""
        if step and not _STEP.match(step):
            return None
        if len(args) == 3 and (args[2] != YES or change_of(step) is None):
            return None
        return cls(monday, step, len(args) == 3)


def step_of(change: Change) -> str:
    """A one-day change as a button step: "L6", "H3", "N", "O", "U"."""
    if change.kind in PICK_DAY:
        [day] = change.days
        return f"{change.kind.value}{day}"
    return change.kind.value


def change_of(step: str) -> Change | None:
    """The change a step names; None for a step that only asks (the menu, a day picker,
    cancel)."""
    if len(step) == 2 and step[0] in {Kind.LONG.value, Kind.HARD.value}:
        return Change(Kind(step[0]), frozenset({int(step[1])}))
    if step in {Kind.NO_HARD.value, Kind.NO_LONG.value, Kind.USUAL.value}:
        return Change(Kind(step))
    return None


# The coach's own words for a change without a day: its menu buttons ("🚫 No hard
# session") and its summaries ("no hard session").
_OWN_WORDS = {
    Kind.NO_HARD: ("this_week.menu_no_hard", "this_week.no_hard"),
    Kind.NO_LONG: ("this_week.menu_no_long", "this_week.no_long_run"),
    Kind.USUAL: ("this_week.menu_usual",),
}


def own_words_change(t: Texts, text: str) -> Change | None:
    """A change typed in the coach's own words (the menu's "🚫 Без интенсивной
    тренировки" typed instead of tapped): that change, this week. The words need no "this
    week" around them: they are the menu's answer to "what's different this week?"."""
    typed = normalise(text)
    for kind, keys in _OWN_WORDS.items():
        if any(typed == normalise(t(key)) for key in keys):
            return Change(kind)
    return None


def _button(
    label: str, monday: date, step: str = "", confirmed: bool = False
) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=ThisWeekButton(monday, step, confirmed).pack())


def entry_button(t: Texts, monday: date) -> InlineKeyboardMarkup:
    """Under /week: the way in."""
    return InlineKeyboardMarkup([[_button(t("this_week.button"), monday)]])


def menu(t: Texts, monday: date, runs: WeekRuns, changed: bool) -> tuple[str, InlineKeyboardMarkup]:
    """What can change: the long run's day, the hard session's, none of either; back to
    the usual week when this one is changed already."""
    rows = [[_button(t("this_week.menu_long"), monday, Kind.LONG.value)]]
    if runs.long_run_day is not None:
        rows.append([_button(t("this_week.menu_no_long"), monday, Kind.NO_LONG.value)])
    rows.append([_button(t("this_week.menu_hard"), monday, Kind.HARD.value)])
    if runs.hard_days:
        rows.append([_button(t("this_week.menu_no_hard"), monday, Kind.NO_HARD.value)])
    if changed:
        rows.append([_button(t("this_week.menu_usual"), monday, Kind.USUAL.value)])
    rows.append([_button(t("this_week.cancel"), monday, CANCEL)])
    return t("this_week.menu"), InlineKeyboardMarkup(rows)


def pick_day(t: Texts, monday: date, kind: Kind, today: date) -> tuple[str, InlineKeyboardMarkup]:
    """The days left in the week (today on), for the long run or the hard session."""
    first = max(today, monday)
    days = [first + timedelta(days=n) for n in range((monday + timedelta(days=6) - first).days + 1)]
    buttons = [
        _button(
            t("this_week.day_button", day=t.weekday(day.weekday(), "abbreviated")),
            monday,
            f"{kind.value}{day.weekday()}",
        )
        for day in days
    ]
    rows = [buttons[index : index + 4] for index in range(0, len(buttons), 4)]
    rows.append(
        [_button(t("this_week.back"), monday, MENU), _button(t("this_week.cancel"), monday, CANCEL)]
    )
    key = "this_week.pick_long" if kind is Kind.LONG else "this_week.pick_hard"
    return t(key), InlineKeyboardMarkup(rows)


def confirm(t: Texts, monday: date, step: str, summary: str) -> tuple[str, InlineKeyboardMarkup]:
    rows = [
        [_button(t("this_week.yes"), monday, step, confirmed=True)],
        [
            _button(t("this_week.back"), monday, MENU),
            _button(t("this_week.cancel"), monday, CANCEL),
        ],
    ]
    return t("this_week.confirm", summary=summary), InlineKeyboardMarkup(rows)


def usual_button(t: Texts, monday: date) -> InlineKeyboardMarkup:
    """Under a change: one tap back to the usual week."""
    return InlineKeyboardMarkup(
        [[_button(t("this_week.menu_usual"), monday, Kind.USUAL.value, confirmed=True)]]
    )


def _days_text(t: Texts, days: frozenset[int]) -> str:
    names = [t.weekday(day) for day in sorted(days)]
    if len(names) <= 1:
        return "".join(names)
    return t("this_week.days_join").join(names[:-1]) + t("this_week.days_last") + names[-1]


def runs_text(t: Texts, before: WeekRuns, after: WeekRuns) -> str:
    """What changed in the runs, in the runner's words: "long run Sunday", "no hard
    session", "runs Tuesday, Thursday and Saturday"."""
    parts = []
    if after.long_run_day != before.long_run_day:
        parts.append(
            t("this_week.no_long_run")
            if after.long_run_day is None
            else t("this_week.long_run_on", day=t.weekday(after.long_run_day))
        )
    if after.hard_days != before.hard_days:
        if not after.hard_days:
            parts.append(t("this_week.no_hard"))
        else:
            days = _days_text(t, after.hard_days)
            parts.append(t("this_week.hard_on_many", days=days, count=len(after.hard_days)))
    # The runs said in so many words only when they changed beyond the long run's and
    # the hard session's moves.
    expected = set(before.run_days) | set(after.hard_days)
    if after.long_run_day != before.long_run_day:
        expected.discard(before.long_run_day if before.long_run_day is not None else -1)
        if after.long_run_day is not None:
            expected.add(after.long_run_day)
    if after.run_days != expected or not parts:
        parts.append(t("this_week.runs_on", days=_days_text(t, after.run_days)))
    return t("this_week.runs_join").join(parts)


FOCUS_KEYS = {
    Focus.CORE: "this_week.focus_lower_core",
    Focus.LEGS: "this_week.focus_lower_legs",
    Focus.UPPER: "this_week.focus_lower_upper",
}


def _focus(t: Texts, focus: Focus) -> str:
    """A focus inside a sentence: "legs moved to Wednesday"."""
    return t(FOCUS_KEYS[focus])


def sessions_text(t: Texts, moved: list[Shift]) -> str:
    """What became of the sessions: "legs moved to Wednesday; no core this week"."""
    if not moved:
        return t("this_week.sessions_same")
    parts = []
    for shift in moved:
        if shift.after is None:
            parts.append(t("this_week.dropped", focus=_focus(t, shift.focus)))
        elif shift.before is None:
            parts.append(
                t(
                    "this_week.added",
                    focus=_focus(t, shift.focus),
                    day=t.weekday(shift.after.weekday()),
                )
            )
        else:
            parts.append(
                t(
                    "this_week.moved",
                    focus=_focus(t, shift.focus),
                    day=t.weekday(shift.after.weekday()),
                )
            )
    return t("this_week.sessions_join").join(parts)


def summary(t: Texts, before: WeekRuns, after: WeekRuns, moved: list[Shift], usual: bool) -> str:
    """ "This week: long run Sunday → legs moved to Wednesday." """
    key = "this_week.changed_usual" if usual else "this_week.changed"
    return t(key, runs=runs_text(t, before, after), sessions=sessions_text(t, moved))


REFUSALS = {
    Refusal.HARD_ON_LONG_RUN: "this_week.refused_hard_on_long_run",
    Refusal.NO_LONG_RUN: "this_week.refused_no_long_run",
    Refusal.NO_HARD_DAYS: "this_week.refused_no_hard_days",
    Refusal.TOO_MANY_DAYS: "this_week.refused_too_many_days",
    Refusal.PAST_DAY: "this_week.past_day",
}


def refusal(t: Texts, why: Refusal) -> str:
    return t(REFUSALS[why])
