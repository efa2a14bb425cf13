"""This week is different (issue 12, point 12): a runner changes only this week's runs,
typed or from /week's buttons; the week's sessions are placed again by the plan's rules,
reminders follow them, next week is the usual one, and what was lived stays as it was.

The default runner (``testkit.harness.onboard``) runs Tue (hard), Thu and Sun (long):
Legs Tue, Legs Thu, Upper body Sat (issue 13's plan: legs twice, 48 h apart, where the
week allows), reminders at 07:00 in Berlin. With the long run on Saturday instead, only
the upper body moves (to Sunday: not on the long run's day). With the hard session on
Friday instead of Tuesday every session moves: Upper body Monday, Legs Wednesday and
Friday (legs never go the day before a hard session, so not Thursday).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from testkit.harness import BotHarness, onboard, runner_row, texts

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = date(2026, 11, 30)


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


async def reminder_on(bot: BotHarness, clock: Any, *day: int) -> str | None:
    """The session reminder sent at 07:00 on ``day`` (its text), or None."""
    clock.set(at(*day, 7, 0))
    mark = len(bot.stub.sent_messages(bot.chat_id))
    report = await bot.tick()
    sent = bot.stub.sent_messages(bot.chat_id)[mark:]
    assert report.sent == len(sent)
    return sent[0]["text"] if sent else None


def line_of(week: str, day: str) -> str:
    [line] = [line for line in week.splitlines() if f" {day} — " in line]
    return line


async def test_a_typed_change_places_the_weeks_sessions_again_and_says_what_changed(
    bot: BotHarness, clock: Any
) -> None:
    await onboard(bot)
    clock.set(at(2026, 11, 30, 6, 30))  # Monday, before the day's reminder
    [reply] = await bot.say("long run on Saturday this week")
    assert reply["text"].startswith(
        "🗓 <b>This week:</b> long run Saturday → upper body moved to Sunday."
    ), reply["text"]
    assert "legs" not in reply["text"]  # Tuesday and Thursday still keep the rules
    assert "Next week is back to your usual one" in reply["text"]
    [week] = await bot.say("/week")
    assert line_of(week["text"], "Mon").endswith("rest")
    assert "🦵 Legs" in line_of(week["text"], "Tue")
    assert "🦵 Legs" in line_of(week["text"], "Thu")
    assert "long run" in line_of(week["text"], "Sat")
    assert "Upper body" not in line_of(week["text"], "Sat")
    assert "💪 Upper body" in line_of(week["text"], "Sun")


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("No hard session this week", "no hard session"),
        ("this week I run mon wed fri", "runs Monday, Wednesday and Friday"),
        ("This week my long run is on saturday", "long run Saturday"),
        ("skipping intervals this week", "no hard session"),
        ("just this week: long-run SAT", "long run Saturday"),
        ("this week the long run moves to tomorrow", "long run Tuesday"),
        ("long run on wendsday this week", "long run Wednesday"),
        ("long run saturday and tempo on thursday this week", "hard session Thursday"),
    ],
)
async def test_a_change_is_understood_as_people_type_it(
    bot: BotHarness, clock: Any, said: str, expected: str
) -> None:
    await onboard(bot)
    clock.set(at(2026, 11, 30, 6, 30))
    [reply] = await bot.say(said)
    assert "This week:" in reply["text"] and expected in reply["text"], reply["text"]
    assert (await runner_row(bot)).week_changes is not None


@pytest.mark.parametrize(
    "said",
    [
        "this week was hard",
        "how many sessions this week?",
        "done this week",
        "long run on Saturday",  # no word of this week: perhaps for good, /settings
        "I ran long this week on sunday",
        "my legs are sore from the long run",
        "great week, thanks",
    ],
)
async def test_texts_that_change_nothing_leave_the_week_alone(
    bot: BotHarness, clock: Any, said: str
) -> None:
    await onboard(bot)
    clock.set(at(2026, 11, 30, 6, 30))
    replies = await bot.say(said)
    # A week change's reply opens "🗓 This week:" (the progress answer's "🗓 This month"
    # line is no change of the week).
    assert "🗓 <b>This week:</b>" not in texts(replies)
    assert (await runner_row(bot)).week_changes is None


async def test_reminders_follow_the_changed_week_and_next_week_is_the_usual_one(
    bot: BotHarness, clock: Any
) -> None:
    await onboard(bot)
    clock.set(at(2026, 11, 30, 6, 30))
    [reply] = await bot.say("hard session on Friday this week")
    assert reply["text"].startswith(
        "🗓 <b>This week:</b> hard session Friday → upper body moved to Monday; "
        "legs moved to Wednesday; legs moved to Friday."
    ), reply["text"]
    monday = await reminder_on(bot, clock, 2026, 11, 30)
    assert monday is not None and "Upper body" in monday
    assert await reminder_on(bot, clock, 2026, 12, 1) is None  # Tuesday's legs went
    wednesday = await reminder_on(bot, clock, 2026, 12, 2)
    assert wednesday is not None and "Legs" in wednesday
    assert await reminder_on(bot, clock, 2026, 12, 3) is None  # Thursday's legs went
    friday = await reminder_on(bot, clock, 2026, 12, 4)
    assert friday is not None and "Legs" in friday
    assert await reminder_on(bot, clock, 2026, 12, 5) is None  # Saturday's upper body went
    # Next week: the usual week again.
    assert await reminder_on(bot, clock, 2026, 12, 7) is None
    tuesday = await reminder_on(bot, clock, 2026, 12, 8)
    assert tuesday is not None and "Legs" in tuesday
    [week] = await bot.say("/week")
    assert "🦵 Legs" in line_of(week["text"], "Tue")
    assert "Changed for this week only" not in week["text"]


async def test_a_day_the_change_emptied_is_no_miss_on_week(bot: BotHarness, clock: Any) -> None:
    await onboard(bot)
    clock.set(at(2026, 11, 30, 6, 30))
    await bot.say("hard session on Friday this week")
    clock.set(at(2026, 12, 2, 8, 0))  # Wednesday: Monday's upper body missed, Tuesday empty
    [week] = await bot.say("/week")
    assert line_of(week["text"], "Mon").startswith("▪️") and "Upper body" in week["text"]
    assert line_of(week["text"], "Tue") == "· Tue — 🏃 run"  # its legs went, its hard run too
    assert line_of(week["text"], "Wed").startswith("👉") and "Legs" in week["text"]


async def test_week_buttons_change_this_week_after_a_confirmation(
    bot: BotHarness, clock: Any
) -> None:
    await onboard(bot)
    clock.set(at(2026, 11, 30, 6, 30))
    [week] = await bot.say("/week")
    [menu] = await bot.tap("This week is different", week)
    assert "What's different this week?" in menu["text"]
    # /week itself stays in the chat as it was.
    assert bot.stub.message(bot.chat_id, week["message_id"])["text"] == week["text"]
    await bot.tap("Long run on another day", menu)
    days = bot.message_with_button("Sat")
    assert "Which day is your long run" in days["text"]
    await bot.tap("Sat", days)
    ask = bot.message_with_button("Yes, this week only")
    assert "long run Saturday → upper body moved to Sunday" in ask["text"]
    assert (await runner_row(bot)).week_changes is None  # nothing changed before the yes
    await bot.tap("Yes, this week only", ask)
    done = bot.stub.message(bot.chat_id, ask["message_id"])
    assert done["text"].startswith("🗓 <b>This week:</b> long run Saturday")
    assert "Changed for this week 👍" in bot.callback_answers()
    [changed] = await bot.say("/week")
    assert "💪 Upper body" in line_of(changed["text"], "Sun")
    # And back to the usual week, from the button under the change.
    clock.set(at(2026, 11, 30, 9, 0))
    await bot.tap("Back to my usual week", done)
    back = bot.stub.message(bot.chat_id, done["message_id"])
    assert back["text"].startswith("🗓 <b>Back to your usual week:</b> long run Sunday")
    assert (await runner_row(bot)).week_changes is None
    [usual] = await bot.say("/week")
    assert "💪 Upper body" in line_of(usual["text"], "Sat")
    assert line_of(usual["text"], "Sun").endswith("long run")


async def test_never_mind_changes_nothing(bot: BotHarness, clock: Any) -> None:
    await onboard(bot)
    [week] = await bot.say("/week")
    [menu] = await bot.tap("This week is different", week)
    await bot.tap("No hard session", menu)
    ask = bot.message_with_button("Yes, this week only")
    assert "no hard session" in ask["text"]
    await bot.tap("Never mind", ask)
    assert bot.stub.message(bot.chat_id, ask["message_id"])["text"] == (
        "Nothing changed — your week stays as it is."
    )
    assert (await runner_row(bot)).week_changes is None


async def test_a_button_from_last_week_is_over(bot: BotHarness, clock: Any) -> None:
    await onboard(bot)
    [week] = await bot.say("/week")  # the week of Monday 23 November
    [menu] = await bot.tap("This week is different", week)
    clock.set(at(2026, 11, 30, 9, 0))
    await bot.tap("No hard session", menu)
    assert bot.callback_answers()[-1] == "That week is over — /week shows this one."
    assert (await runner_row(bot)).week_changes is None


async def test_a_mid_week_change_keeps_the_days_already_lived(bot: BotHarness, clock: Any) -> None:
    """Set up on Thursday 26 Nov, Legs done that morning, then the long run moves to
    Saturday: Thursday keeps its log, the days before it their plan (no session appears
    on a day already gone, none is missed), and only Friday on is placed again."""
    await onboard(bot)
    await bot.say("done")
    [reply] = await bot.say("long run on Saturday this week")
    assert "This week:" in reply["text"], reply["text"]
    assert "upper body moved to Sunday" in reply["text"]  # Saturday's, off the long run
    assert "legs" not in reply["text"]  # done today or gone by: not moved anywhere
    [week] = await bot.say("/week")
    thursday = line_of(week["text"], "Thu")
    assert thursday.startswith("✅") and "Legs" in thursday
    assert "🦵 Legs" in line_of(week["text"], "Tue")  # as it was
    assert "💪 Upper body" in line_of(week["text"], "Sun")
    assert "1 of 3 done" in week["text"]
    clock.set(at(2026, 11, 29, 12, 0))  # Sunday: no "missed" Tuesday
    [today] = await bot.say("/today")
    assert "Upper body" in today["text"]
    assert "missed" not in today["text"].lower()


@pytest.mark.parametrize(
    ("said", "answer"),
    [
        ("hard session on sunday this week", "Your long run is that day this week"),
        ("long run on monday this week", "already behind us"),
        ("no long run this week and no long run this week", None),
    ],
)
async def test_a_change_that_cannot_be_made_is_refused_plainly(
    bot: BotHarness, clock: Any, said: str, answer: str | None
) -> None:
    await onboard(bot)
    clock.set(at(2026, 12, 2, 6, 30))  # Wednesday
    replies = await bot.say(said)
    if answer is not None:
        [reply] = replies
        assert answer in reply["text"], reply["text"]
    assert (await runner_row(bot)).week_changes is None or answer is None


async def test_a_change_asked_for_twice_says_it_is_already_so(bot: BotHarness, clock: Any) -> None:
    await onboard(bot)
    clock.set(at(2026, 11, 30, 6, 30))
    await bot.say("no hard session this week")
    [again] = await bot.say("no hard session this week please")
    assert "There's no hard session in this week already" in again["text"]


async def test_someone_not_set_up_is_pointed_to_start(bot: BotHarness) -> None:
    [reply] = await bot.say("long run on sunday this week")
    assert "/start" in reply["text"]
