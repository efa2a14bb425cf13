"""Every inline button's callback data: one small frozen class per button, which packs
itself into the string Telegram carries and is read back by one ``parse``.

Callback data comes from the runner's client, and a button can outlive what it was for
(an old message, a deleted runner, a newer release). So ``parse`` is strict: anything
that is not exactly what ``pack`` makes (another version, a part too many or too few, a
day that is not eight ASCII digits of a plausible date, "²" where a number goes) parses to
None, and the handler answers "expired" instead of raising. It never raises itself.

The strings on the wire are those of every earlier release (old keyboards in runners'
chats keep working): ``v1:<kind>:<parts…>`` for the session's buttons, ``ob:<step>:<value>``
for onboarding and /settings. Days are ``YYYYMMDD``. Telegram allows 64 bytes; ``pack``
refuses more.

    v1:done:<day>  v1:skip:<day>  v1:did:<focus>:<day>      DoneButton SkipButton DidButton
    v1:fb:<day>:<answer>                                     FeedbackButton
    v1:snz:<day>  v1:snz:<day>:<minutes>                     SnoozeOffer SnoozeFor
    v1:swp:<day>  v1:swp:<day>:x                             SwapWhich SwapKeep
    v1:swp:<day>:<shown>  v1:swp:<day>:<shown>:<chosen>      SwapOptions SwapChoose
    v1:why:<day>:<reason>  v1:mv:<from>:<to>  v1:keep:<day>  ReasonButton MoveButton KeepSkipped
    v1:pz:<day>:<length>  v1:pz:<day>:<length>:<reason>      PauseLength PausePick
    v1:pz:<day>:keep                                         PauseKeep
    v1:del:yes  v1:del:no                                    DeleteButton
    v1:undo:<day>                                            UndoButton
    v1:hist:o:<day>  v1:hist:n:<day>                         HistoryPage
    v1:wt:<day>:<exercise>:<grams>                           WeightButton
    ob:<step>:<value>                                        SetupButton
    v1:lang  v1:lang:<code>                                  LanguageButton
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum, StrEnum
from typing import ClassVar, TypeVar

from bot.coach.pause import Length, Reason
from bot.coach.status import SkipReason
from bot.coach.week import Focus

VERSION = "v1"
# Telegram's limit on callback data, in bytes.
MAX_DATA_BYTES = 64
# Dates a button can carry: the bot started in 2026 and a button lives days, not decades;
# outside this, a day code is forged (and 0001-01-01 minus a day is an OverflowError).
FIRST_BUTTON_DAY = date(2020, 1, 1)
LAST_BUTTON_DAY = date(2100, 12, 31)
SNOOZE_MINUTES = (30, 60, 180)
# The part of v1:swp:<day>:x that means "keep the session as it is".
SWAP_KEEP = "x"
# The part of v1:pz:<day>:keep that means "keep the running pause".
PAUSE_KEEP = "keep"

Choice = TypeVar("Choice")
B = TypeVar("B", bound="Button")


class FeedbackAnswer(StrEnum):
    """One tap after "done": how it felt (``coach.progression.Feedback``'s values), or sore."""

    EASY = "easy"
    RIGHT = "right"
    HARD = "hard"
    TOO_HARD = "too_hard"
    SORE = "sore"


# ---- the parts ------------------------------------------------------------------------------


def day_code(day: date) -> str:
    return day.strftime("%Y%m%d")


def parse_day_code(code: str) -> date | None:
    """The day a button's code names, or None if it is not one the bot could have made
    (not eight ASCII digits, not a date, or far outside the years the bot runs)."""
    if len(code) != 8 or not code.isascii() or not code.isdigit():
        return None  # strptime also reads full-width digits, signs and spaces
    try:
        day = datetime.strptime(code, "%Y%m%d").date()
    except ValueError:
        return None
    return day if FIRST_BUTTON_DAY <= day <= LAST_BUTTON_DAY else None


def button_args(data: str | None, prefix: str, *counts: int) -> list[str] | None:
    """What follows ``prefix`` in a button's data, split on ":" ("v1:pz:20261126:few" with
    prefix "v1:pz" gives ["20261126", "few"]); None unless the data starts with exactly that
    prefix and has one of ``counts`` parts after it."""
    if data is None:
        return None
    head = prefix.split(":")
    parts = data.split(":")
    if parts[: len(head)] != head or len(parts) - len(head) not in counts:
        return None
    return parts[len(head) :]


def button_choice(value: str, choices: Iterable[Choice]) -> Choice | None:
    """The one of ``choices`` that ``value`` spells exactly (an enum member by its value, a
    number by its digits); None for anything else. No int() or Enum() of forged text: "²"
    passes isdigit() and then breaks int(), "٣٠" is 30 to int() but never on a button."""
    for choice in choices:
        spelled = choice.value if isinstance(choice, Enum) else choice
        if str(spelled) == value:
            return choice
    return None


def _pack(*parts: str) -> str:
    data = ":".join(parts)
    if len(data.encode()) > MAX_DATA_BYTES:
        raise ValueError(f"callback data over {MAX_DATA_BYTES} bytes: {data!r}")
    return data


def _part(value: str) -> str:
    """A free-text part (an exercise code, a setup step): it must not split."""
    if ":" in value:
        raise ValueError(f"a callback data part cannot hold ':': {value!r}")
    return value


# ---- the buttons ----------------------------------------------------------------------------


class Button:
    """A button's data. Each family shares a ``PREFIX`` (and the ``PATTERN`` its handler
    is registered with) and reads the parts after the prefix in ``unpack``."""

    PREFIX: ClassVar[str]
    PATTERN: ClassVar[str]

    def pack(self) -> str:
        raise NotImplementedError


class SessionButton(Button):
    """✅ Done / ⏭ Skip under a session, and the focus buttons after an unplanned "done"."""

    day: date


@dataclass(frozen=True)
class DoneButton(SessionButton):
    PREFIX: ClassVar[str] = f"{VERSION}:done"
    day: date

    def pack(self) -> str:
        return _pack(self.PREFIX, day_code(self.day))

    @classmethod
    def unpack(cls, args: list[str]) -> DoneButton | None:
        day = parse_day_code(args[0]) if len(args) == 1 else None
        return cls(day) if day is not None else None


@dataclass(frozen=True)
class SkipButton(SessionButton):
    PREFIX: ClassVar[str] = f"{VERSION}:skip"
    day: date

    def pack(self) -> str:
        return _pack(self.PREFIX, day_code(self.day))

    @classmethod
    def unpack(cls, args: list[str]) -> SkipButton | None:
        day = parse_day_code(args[0]) if len(args) == 1 else None
        return cls(day) if day is not None else None


@dataclass(frozen=True)
class DidButton(SessionButton):
    """ "Which focus did you do?" after a "done" with no session planned."""

    PREFIX: ClassVar[str] = f"{VERSION}:did"
    focus: Focus
    day: date

    def pack(self) -> str:
        return _pack(self.PREFIX, self.focus.value, day_code(self.day))

    @classmethod
    def unpack(cls, args: list[str]) -> DidButton | None:
        if len(args) != 2:
            return None
        focus = button_choice(args[0], Focus)
        day = parse_day_code(args[1])
        return cls(focus, day) if focus is not None and day is not None else None


SESSION_PATTERN = rf"^({DoneButton.PREFIX}|{SkipButton.PREFIX}|{DidButton.PREFIX}):"


@dataclass(frozen=True)
class FeedbackButton(Button):
    PREFIX: ClassVar[str] = f"{VERSION}:fb"
    PATTERN: ClassVar[str] = rf"^{PREFIX}:"
    day: date
    answer: FeedbackAnswer

    def pack(self) -> str:
        return _pack(self.PREFIX, day_code(self.day), self.answer.value)

    @classmethod
    def unpack(cls, args: list[str]) -> FeedbackButton | None:
        if len(args) != 2:
            return None
        day = parse_day_code(args[0])
        answer = button_choice(args[1], FeedbackAnswer)
        return cls(day, answer) if day is not None and answer is not None else None


class SnoozeButton(Button):
    """⏰ Later: the offer of delays, then one delay."""

    PREFIX: ClassVar[str] = f"{VERSION}:snz"
    PATTERN: ClassVar[str] = rf"^{PREFIX}:"
    day: date

    @classmethod
    def unpack(cls, args: list[str]) -> SnoozeButton | None:
        day = parse_day_code(args[0]) if len(args) in (1, 2) else None
        if day is None:
            return None
        if len(args) == 1:
            return SnoozeOffer(day)
        minutes = button_choice(args[1], SNOOZE_MINUTES)
        return SnoozeFor(day, minutes) if minutes is not None else None


@dataclass(frozen=True)
class SnoozeOffer(SnoozeButton):
    day: date

    def pack(self) -> str:
        return _pack(self.PREFIX, day_code(self.day))


@dataclass(frozen=True)
class SnoozeFor(SnoozeButton):
    day: date
    minutes: int

    def pack(self) -> str:
        return _pack(self.PREFIX, day_code(self.day), str(self.minutes))


class SwapButton(Button):
    """⇄ Swap, whose steps all edit the session message (exercises as
    ``coach.swaps.exercise_code`` codes)."""

    PREFIX: ClassVar[str] = f"{VERSION}:swp"
    PATTERN: ClassVar[str] = rf"^{PREFIX}(:|$)"
    day: date

    @classmethod
    def unpack(cls, args: list[str]) -> SwapButton | None:
        day = parse_day_code(args[0]) if len(args) in (1, 2, 3) else None
        if day is None:
            return None
        if len(args) == 1:
            return SwapWhich(day)
        if len(args) == 2:
            return SwapKeep(day) if args[1] == SWAP_KEEP else SwapOptions(day, args[1])
        return SwapChoose(day, args[1], args[2])


@dataclass(frozen=True)
class SwapWhich(SwapButton):
    """Which exercise? (also the Back button)"""

    day: date

    def pack(self) -> str:
        return _pack(self.PREFIX, day_code(self.day))


@dataclass(frozen=True)
class SwapKeep(SwapButton):
    """Keep the session as it is."""

    day: date

    def pack(self) -> str:
        return _pack(self.PREFIX, day_code(self.day), SWAP_KEEP)


@dataclass(frozen=True)
class SwapOptions(SwapButton):
    """The options for one exercise of the session."""

    day: date
    shown: str

    def pack(self) -> str:
        if self.shown == SWAP_KEEP:
            raise ValueError(f"{SWAP_KEEP!r} means keep, not an exercise")
        return _pack(self.PREFIX, day_code(self.day), _part(self.shown))


@dataclass(frozen=True)
class SwapChoose(SwapButton):
    """Do ``chosen`` instead of ``shown``, from now on."""

    day: date
    shown: str
    chosen: str

    def pack(self) -> str:
        return _pack(self.PREFIX, day_code(self.day), _part(self.shown), _part(self.chosen))


@dataclass(frozen=True)
class ReasonButton(Button):
    """Why a session was skipped."""

    PREFIX: ClassVar[str] = f"{VERSION}:why"
    PATTERN: ClassVar[str] = rf"^{PREFIX}:"
    day: date
    reason: SkipReason

    def pack(self) -> str:
        return _pack(self.PREFIX, day_code(self.day), self.reason.value)

    @classmethod
    def unpack(cls, args: list[str]) -> ReasonButton | None:
        if len(args) != 2:
            return None
        day = parse_day_code(args[0])
        reason = button_choice(args[1], SkipReason)
        return cls(day, reason) if day is not None and reason is not None else None


@dataclass(frozen=True)
class MoveButton(Button):
    """Move the skipped session of ``from_day`` to ``to_day``."""

    PREFIX: ClassVar[str] = f"{VERSION}:mv"
    PATTERN: ClassVar[str] = rf"^{PREFIX}:"
    from_day: date
    to_day: date

    def pack(self) -> str:
        return _pack(self.PREFIX, day_code(self.from_day), day_code(self.to_day))

    @classmethod
    def unpack(cls, args: list[str]) -> MoveButton | None:
        if len(args) != 2:
            return None
        from_day, to_day = parse_day_code(args[0]), parse_day_code(args[1])
        return cls(from_day, to_day) if from_day is not None and to_day is not None else None


@dataclass(frozen=True)
class KeepSkipped(Button):
    """ "No, just skip it" under a move offer."""

    PREFIX: ClassVar[str] = f"{VERSION}:keep"
    PATTERN: ClassVar[str] = rf"^{PREFIX}:"
    day: date

    def pack(self) -> str:
        return _pack(self.PREFIX, day_code(self.day))

    @classmethod
    def unpack(cls, args: list[str]) -> KeepSkipped | None:
        day = parse_day_code(args[0]) if len(args) == 1 else None
        return cls(day) if day is not None else None


class PauseButton(Button):
    """/pause's steps; ``day`` is the day the question was asked."""

    PREFIX: ClassVar[str] = f"{VERSION}:pz"
    PATTERN: ClassVar[str] = rf"^{PREFIX}(:|$)"
    day: date

    @classmethod
    def unpack(cls, args: list[str]) -> PauseButton | None:
        day = parse_day_code(args[0]) if len(args) in (2, 3) else None
        if day is None:
            return None
        if args[1] == PAUSE_KEEP:
            return PauseKeep(day) if len(args) == 2 else None
        length = button_choice(args[1], Length)
        if length is None:
            return None
        if len(args) == 2:
            return PauseLength(day, length)
        reason = button_choice(args[2], Reason)
        return PausePick(day, length, reason) if reason is not None else None


@dataclass(frozen=True)
class PauseLength(PauseButton):
    """How long: next, the reason question."""

    day: date
    length: Length

    def pack(self) -> str:
        return _pack(self.PREFIX, day_code(self.day), self.length.value)


@dataclass(frozen=True)
class PausePick(PauseButton):
    """How long and why: pause."""

    day: date
    length: Length
    reason: Reason

    def pack(self) -> str:
        return _pack(self.PREFIX, day_code(self.day), self.length.value, self.reason.value)


@dataclass(frozen=True)
class PauseKeep(PauseButton):
    """Keep the running pause as it is."""

    day: date

    def pack(self) -> str:
        return _pack(self.PREFIX, day_code(self.day), PAUSE_KEEP)


@dataclass(frozen=True)
class DeleteButton(Button):
    """/delete's "Yes, delete" (``confirm``) and "No, keep"."""

    PREFIX: ClassVar[str] = f"{VERSION}:del"
    PATTERN: ClassVar[str] = rf"^{PREFIX}:"
    confirm: bool

    def pack(self) -> str:
        return _pack(self.PREFIX, "yes" if self.confirm else "no")

    @classmethod
    def unpack(cls, args: list[str]) -> DeleteButton | None:
        if args == ["yes"]:
            return cls(True)
        if args == ["no"]:
            return cls(False)
        return None


@dataclass(frozen=True)
class ExportButton(Button):
    """The "📦 A copy first" button under /delete's question (and wherever a copy of the
    runner's data is offered): sends the /export files, then asks again."""

    PREFIX: ClassVar[str] = f"{VERSION}:exp"
    PATTERN: ClassVar[str] = rf"^{PREFIX}$"

    def pack(self) -> str:
        return self.PREFIX

    @classmethod
    def unpack(cls, args: list[str]) -> ExportButton | None:
        return cls() if not args else None


@dataclass(frozen=True)
class UndoButton(Button):
    """↩️ Undo under "✅ Logged": take back the log of ``day`` (a tap by mistake)."""

    PREFIX: ClassVar[str] = f"{VERSION}:undo"
    PATTERN: ClassVar[str] = rf"^{PREFIX}:"
    day: date

    def pack(self) -> str:
        return _pack(self.PREFIX, day_code(self.day))

    @classmethod
    def unpack(cls, args: list[str]) -> UndoButton | None:
        day = parse_day_code(args[0]) if len(args) == 1 else None
        return cls(day) if day is not None else None


@dataclass(frozen=True)
class SetupButton(Button):
    """An answer button of onboarding or /settings: the question (``step``, as the setup
    conversation names it) and the answer's spelling (``value``: what it means is the
    question's to say; it may hold ":")."""

    PREFIX: ClassVar[str] = "ob"
    PATTERN: ClassVar[str] = rf"^{PREFIX}:"
    step: str
    value: str

    def pack(self) -> str:
        return _pack(self.PREFIX, _part(self.step), self.value)

    @classmethod
    def unpack(cls, args: list[str]) -> SetupButton | None:
        if len(args) < 2:
            return None
        return cls(args[0], ":".join(args[1:]))


# The parts of v1:hist:<way>:<day>: the page of logs older than the day, or newer.
HISTORY_OLDER = "o"
HISTORY_NEWER = "n"


@dataclass(frozen=True)
class HistoryPage(Button):
    """◀ / ▶ under /history: the page of logs before ``day`` (``older``) or after it. A
    keyset, not a page number: the button keeps pointing at the same logs when one is
    added or undone meanwhile (``bot.store.log_pages``)."""

    PREFIX: ClassVar[str] = f"{VERSION}:hist"
    PATTERN: ClassVar[str] = rf"^{PREFIX}(:|$)"
    older: bool
    day: date

    def pack(self) -> str:
        way = HISTORY_OLDER if self.older else HISTORY_NEWER
        return _pack(self.PREFIX, way, day_code(self.day))

    @classmethod
    def unpack(cls, args: list[str]) -> HistoryPage | None:
        if len(args) != 2 or args[0] not in (HISTORY_OLDER, HISTORY_NEWER):
            return None
        day = parse_day_code(args[1])
        return cls(args[0] == HISTORY_OLDER, day) if day is not None else None


# The heaviest weight a button (or a typed message) can carry: 300 kg, in grams.
MAX_WEIGHT_GRAMS = 300_000


@dataclass(frozen=True)
class WeightButton(Button):
    """Same / more / less under "✅ Logged": the weight the runner used on ``exercise`` in the
    session of ``day``, in whole grams (kilograms as stored; no float on the wire)."""

    PREFIX: ClassVar[str] = f"{VERSION}:wt"
    PATTERN: ClassVar[str] = rf"^{PREFIX}:"
    day: date
    exercise: str
    grams: int

    def pack(self) -> str:
        return _pack(self.PREFIX, day_code(self.day), _part(self.exercise), str(self.grams))

    @classmethod
    def unpack(cls, args: list[str]) -> WeightButton | None:
        if len(args) != 3:
            return None
        day = parse_day_code(args[0])
        exercise, grams = args[1], args[2]
        if day is None or not exercise or not exercise.isascii():
            return None
        if not (exercise.replace("_", "").isalnum() and exercise.islower()):
            return None
        # Digits only, ASCII, no leading zero: exactly what pack writes.
        if not (grams.isascii() and grams.isdigit()) or grams.startswith("0"):
            return None
        value = int(grams)
        return cls(day, exercise, value) if 0 < value <= MAX_WEIGHT_GRAMS else None


@dataclass(frozen=True)
class LanguageButton(Button):
    """🌐 "Change language" (no ``code``: show the menu) and the menu's choices: a
    content/languages/ folder's code ("ru", "pt-BR"). Whether the coach ships it is the
    handler's to check (a language may be gone since the button was sent)."""

    PREFIX: ClassVar[str] = f"{VERSION}:lang"
    PATTERN: ClassVar[str] = rf"^{PREFIX}(:|$)"
    code: str | None = None

    def pack(self) -> str:
        if self.code is None:
            return self.PREFIX
        return _pack(self.PREFIX, _part(self.code))

    @classmethod
    def unpack(cls, args: list[str]) -> LanguageButton | None:
        if not args:
            return cls()
        if len(args) != 1:
            return None
        code = args[0]
        if not 2 <= len(code) <= 10 or not code.isascii():
            return None
        if not code.replace("-", "").isalpha() or code.startswith("-") or code.endswith("-"):
            return None
        return cls(code)


# ---- reading --------------------------------------------------------------------------------

_FAMILIES: dict[str, Callable[[list[str]], Button | None]] = {
    DoneButton.PREFIX: DoneButton.unpack,
    SkipButton.PREFIX: SkipButton.unpack,
    DidButton.PREFIX: DidButton.unpack,
    FeedbackButton.PREFIX: FeedbackButton.unpack,
    SnoozeButton.PREFIX: SnoozeButton.unpack,
    SwapButton.PREFIX: SwapButton.unpack,
    ReasonButton.PREFIX: ReasonButton.unpack,
    MoveButton.PREFIX: MoveButton.unpack,
    KeepSkipped.PREFIX: KeepSkipped.unpack,
    PauseButton.PREFIX: PauseButton.unpack,
    DeleteButton.PREFIX: DeleteButton.unpack,
    ExportButton.PREFIX: ExportButton.unpack,
    UndoButton.PREFIX: UndoButton.unpack,
    WeightButton.PREFIX: WeightButton.unpack,
    HistoryPage.PREFIX: HistoryPage.unpack,
    SetupButton.PREFIX: SetupButton.unpack,
    LanguageButton.PREFIX: LanguageButton.unpack,
}


def parse(data: str | None) -> Button | None:
    """The button ``data`` packs; None for anything ``pack`` never makes (expired, forged,
    or from a version the bot no longer makes). Never raises."""
    if data is None or len(data.encode("utf-8", "surrogatepass")) > MAX_DATA_BYTES:
        return None  # longer than Telegram carries: no button of this bot made it
    parts = data.split(":")
    for width in (2, 1):  # "v1:<kind>" or "ob"; a button may have no arguments ("v1:exp")
        unpack = _FAMILIES.get(":".join(parts[:width])) if len(parts) >= width else None
        if unpack is not None:
            return unpack(parts[width:])
    return None


def parse_as(data: str | None, kind: type[B]) -> B | None:
    """``parse``, when only a ``kind`` (a class or a family such as ``SwapButton``) is
    expected: anything else is None too."""
    button = parse(data)
    return button if isinstance(button, kind) else None
