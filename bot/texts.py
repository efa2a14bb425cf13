"""Every message the runner reads, in one language: looked up by a dotted key, with the
language's plural forms and its way of writing days, dates and times.

Plural rules, day and month names, date patterns and the clock's habit come from CLDR
through Babel, not from tables kept here: Russian has three plural forms for integers
(1 сессия, 2 сессии, 5 сессий), Portuguese writes "12 de abril", German "12. April", and a
sixth language brings its own rules with its locale's name, no code.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from babel import Locale
from babel.dates import (
    format_date,
    format_skeleton,
    format_time,
    get_day_names,
    get_month_names,
)
from babel.numbers import format_decimal

# CLDR's plural categories, in its order; "other" is in every language.
PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")
# A plural message must have a form for every category its language uses for a count the
# bot can show (sessions, weeks, minutes, kilograms): 0 to 1000. Above that Spanish and
# Portuguese have "many" (1 000 000 de sesiones), which no count of the bot reaches.
PLURAL_COUNTS = range(0, 1001)

Width = Literal["wide", "abbreviated", "short"]


# The entry of a plural table that names the placeholder choosing the form, when it is
# not ``count``: ``{one = "{weeks} week", other = "{weeks} weeks", select = "weeks"}``, or
# ``select = "planned"`` in "{done} of {planned} sessions", where the noun goes with the
# second number. English's table says it; a translation's form follows English's choice.
SELECT = "select"
COUNT = "count"
# A plural table's ``zero`` form is said for a count of 0 in every language, before the
# CLDR rule: Portuguese's rule puts 0 in "one" ("0 treino"), where a Brazilian writes "0
# treinos" or "nenhum treino". (In a language whose CLDR rule has a zero category the form
# is the same one.)
ZERO = "zero"


@dataclass(frozen=True)
class Plural:
    """A message with one form per plural category: ``{one = "{count} session", other =
    "{count} sessions"}`` in a content file. The form is chosen by the ``count`` value, or
    by the placeholder the table's ``select`` entry names."""

    forms: Mapping[str, str]
    select: str = COUNT

    def __post_init__(self) -> None:
        # A table read from TOML carries its selector among its forms: take it out.
        if SELECT in self.forms:
            forms = dict(self.forms)
            object.__setattr__(self, "select", forms.pop(SELECT))
            object.__setattr__(self, "forms", forms)

    def pick(self, category: str) -> str:
        return self.forms.get(category, self.forms["other"])


Message = str | Plural


def is_plural_table(value: Mapping[str, Any]) -> bool:
    """A TOML table that is one plural message, not a group of keys: only CLDR
    categories, "other" among them, each a text, and perhaps the ``select`` entry."""
    return (
        bool(value)
        and "other" in value
        and all(
            (key in PLURAL_CATEGORIES or key == SELECT) and isinstance(text, str)
            for key, text in value.items()
        )
    )


def _one_full_stop(form: str, values: Mapping[str, Any]) -> str:
    """``form`` with the full stop after a placeholder dropped where the value already
    ends in one: a CLDR abbreviated date ends a sentence ("27 нояб.", "28. Nov.", "27 de
    nov.") and the sentence's own stop would make it "27 нояб..". One stop is how every
    language writes an abbreviation at a sentence's end; an ellipsis ("{x}...") is kept."""
    for name, value in values.items():
        if isinstance(value, str) and value.endswith(".") and not value.endswith(".."):
            form = re.sub(r"\{" + re.escape(name) + r"\}\.(?!\.)", "{" + name + "}", form)
    return form


class _Formatter(string.Formatter):
    """``str.format`` plus one spec a translation may give a value: ``{month:capital}``,
    its first letter a capital. CLDR writes a month or a weekday in lower case in
    Russian, Spanish, Portuguese ("ноябрь", "noviembre"), right mid-sentence and wrong
    where the translation opens a line with it ("📆 <b>{month:capital} вкратце</b>"):
    only the translation knows where its words fall, so it says so in its own text."""

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec == "capital":
            text = str(value)
            return text[:1].upper() + text[1:]
        return str(super().format_field(value, format_spec))


_FORMATTER = _Formatter()


# The specs a translation may give a value ("{month:capital}"), besides none.
FORMAT_SPECS = frozenset({"", "capital"})


def format_specs(message: Message) -> frozenset[str]:
    """The specs a message gives its values ("{month:capital} вкратце" → capital)."""
    forms = message.forms.values() if isinstance(message, Plural) else (message,)
    return frozenset(
        spec or "" for form in forms for _, name, spec, _ in string.Formatter().parse(form) if name
    )


def placeholders(message: Message) -> frozenset[str]:
    """The names a message fills in ("{count} sessions" → count), over all its forms."""
    forms = message.forms.values() if isinstance(message, Plural) else (message,)
    return frozenset(
        name.split(".")[0].split("[")[0]
        for form in forms
        for _, name, _, _ in string.Formatter().parse(form)
        if name
    )


@functools.cache
def needed_categories(locale: str) -> frozenset[str]:
    """The plural categories a language uses for the counts the bot shows."""
    rule = Locale.parse(locale).plural_form
    return frozenset(rule(count) for count in PLURAL_COUNTS)


class Texts:
    """The messages of one language, and its locale's formats."""

    def __init__(
        self, messages: Mapping[str, Message], locale: str = "en_GB", english: Texts | None = None
    ) -> None:
        self._messages = dict(messages)
        # Parsed now (a name), its CLDR data loaded on the first plural or date: about 1 MB
        # a language, which a bot whose runners all speak English never loads for Russian.
        self.locale = Locale.parse(locale)
        # The reference language's texts: what a runner types is read in their language
        # and in English ("done" in a Spanish chat), so a parser asks both.
        self.english = english or self

    def __call__(self, key: str, /, **values: Any) -> str:
        message = self._messages[key]
        if isinstance(message, Plural):
            select = self.selector(key)
            count = values.get(select)
            if not isinstance(count, int) or isinstance(count, bool):
                raise KeyError(f"{key}: a plural message needs an integer '{select}'")
            message = message.pick(
                ZERO
                if count == 0 and ZERO in message.forms
                else self.locale.plural_form(abs(count))
            )
        if not values:
            return message
        return _FORMATTER.format(_one_full_stop(message, values), **values)

    def selector(self, key: str) -> str:
        """The placeholder whose number picks a plural message's form: English's table
        says which (a translation may be a plain text, or leave ``select`` out)."""
        reference = self.english._messages.get(key) if self.english is not self else None
        chosen = reference if isinstance(reference, Plural) else self._messages.get(key)
        return chosen.select if isinstance(chosen, Plural) else COUNT

    def has(self, key: str) -> bool:
        return key in self._messages

    def keys(self) -> set[str]:
        return set(self._messages)

    def message(self, key: str) -> Message:
        """The message as written, its plural forms included (for checks, not for sending)."""
        return self._messages[key]

    # ---- the locale's forms (CLDR through Babel) ------------------------------------------

    def weekday(self, day: int, width: Width = "wide") -> str:
        """Monday = 0 … Sunday = 6, as ``date.weekday()``: "Monday", "понедельник", "Mo."."""
        return _day_names(str(self.locale), width)[day]

    def month(self, month: int, width: Literal["wide", "abbreviated"] = "wide") -> str:
        """A month on its own (a heading, "November"), 1-12: the stand-alone form, which
        in Russian is the nominative "ноябрь", not the "ноября" of a date."""
        return _month_names(str(self.locale), width)[month]

    def date(self, day: dt.date, *, weekday: bool = False, year: bool = False) -> str:
        """A day as the locale writes it: "12 April", "12 апреля", "12. April",
        "12 de abril"; with the weekday or the year when asked."""
        skeleton = ("y" if year else "") + "MMMM" + ("EEEE" if weekday else "") + "d"
        return format_skeleton(skeleton, day, locale=self.locale)

    def weekday_day(
        self, day: dt.date, width: Literal["wide", "abbreviated"] = "abbreviated"
    ) -> str:
        """A day of this week by its weekday and number: "Mon 7", "пн, 7", "Mo., 7."; wide:
        "Thursday 26", "четверг, 26", "Donnerstag, 26.". CLDR's pattern for a weekday
        and a day (its order and punctuation), the weekday widened when asked."""
        return format_date(day, _weekday_day_pattern(str(self.locale), width), locale=self.locale)

    def short_date(
        self, day: dt.date, *, weekday: bool | Literal["wide"] = False, year: bool = False
    ) -> str:
        """A day in few characters, for a list or a button: "12 Apr", "12 апр.", "12. Apr.";
        with the weekday ("Sun 12 Apr"; "wide": "Sunday 12 Apr" where the locale's
        pattern has room for it) or the year ("30 Dec 2025") when asked."""
        days = {False: "", True: "E", "wide": "EEEE"}[weekday]
        skeleton = ("y" if year else "") + "MMM" + days + "d"
        return format_skeleton(skeleton, day, locale=self.locale)

    def time(self, at: dt.time) -> str:
        """A clock time in the locale's habit: "07:30" where 24 h is the norm."""
        return format_time(at, "short", locale=self.locale)

    def number(self, value: float, *, grouped: bool = True) -> str:
        """A number with the locale's decimal mark: "12.5", "12,5"; ``grouped=False``
        leaves out the thousands' separator (a weight: "1234,5", not "1.234,5")."""
        return format_decimal(value, locale=self.locale, group_separator=grouped)


@functools.cache
def _weekday_day_pattern(locale: str, width: Literal["wide", "abbreviated"]) -> str:
    pattern = str(Locale.parse(locale).datetime_skeletons["Ed"].pattern)
    if width == "abbreviated":
        return pattern
    # The weekday's letters widened to its full name; quoted literals left alone.
    return re.sub(r"('[^']*')|[Ec]+", lambda found: found.group(1) or "EEEE", pattern)


@functools.cache
def _day_names(locale: str, width: Width) -> dict[int, str]:
    return dict(get_day_names(width, context="format", locale=locale).items())


@functools.cache
def _month_names(locale: str, width: Literal["wide", "abbreviated"]) -> dict[int, str]:
    return dict(get_month_names(width, context="stand-alone", locale=locale).items())
