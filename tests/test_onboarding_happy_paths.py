"""The happy paths of /start: tapping or typing every answer, the timezone from a city or a
location, questions that do not apply skipped, and the summary of the week.

Part of the onboarding journeys (shared steps: tests/onboarding_steps.py).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

import pytest

from bot.coach.plan import next_session, plan_week, week_index_of
from bot.coach.week import Equipment, Experience, Focus, RunnerWeek
from bot.messages.views import sessions_key
from bot.store import runners
from testkit.harness import CHAT, BotHarness
from tests.onboarding_steps import (
    DEFAULT_WEEK,
    FRI,
    MON,
    NEW_YORK,
    SAT,
    SUN,
    THIS_MONDAY,
    THU,
    TODAY,
    TUE,
    WED,
    T,
    conversation_states,
    current,
    flat_labels,
    labels,
    question_text,
    stored_draft,
    stored_runner,
    summary_lines,
    tap_days,
    tap_through,
    texts_of,
)

# ---- the happy paths -----------------------------------------------------------------


async def test_a_new_runner_sets_up_their_week_by_tapping_buttons(bot: BotHarness) -> None:
    replies = await bot.say("/start")
    assert texts_of(replies) == [
        T("onboarding.welcome", name="Runner") + "\n\n" + T("languages.chosen"),
        question_text("ask_run_days"),
    ]
    run_days_message = replies[1]
    assert labels(run_days_message) == [
        ["Mon", "Tue", "Wed", "Thu"],
        ["Fri", "Sat", "Sun"],
        [T("buttons.days_done")],
    ]

    # Multi-select: each tap edits the same message and ticks the day.
    for day in ("Mon", "Wed", "Sat"):
        replies = await bot.tap(day)
        assert [(m["method"], m["message_id"]) for m in replies] == [
            ("editMessageText", run_days_message["message_id"])
        ]
    shown = current(bot, run_days_message)
    assert shown["text"] == question_text("ask_run_days_selected", days="Mon, Wed, Sat")
    assert flat_labels(shown)[:7] == ["✓ Mon", "Tue", "✓ Wed", "Thu", "Fri", "✓ Sat", "Sun"]
    assert (await stored_draft(bot))["answers"]["run_days"] == [MON, WED, SAT]

    replies = await bot.tap(T("buttons.days_done"))
    # The answered question closes (its buttons go, the answer shows) and the next comes.
    closed = current(bot, run_days_message)
    assert closed["text"].endswith("→ <b>Mon, Wed, Sat</b>")
    assert "reply_markup" not in closed
    assert texts_of(replies)[-1] == question_text("ask_long_run")
    # Only run days can be the long-run day.
    assert labels(replies[-1]) == [["Mon", "Wed", "Sat"], [T("buttons.no_long_run")]]

    replies = await bot.tap("Sat")
    assert texts_of(replies)[-1] == question_text("ask_hard_days")
    # Hard days are chosen among the run days, minus the long-run day.
    assert labels(replies[-1]) == [
        ["Mon", "Wed"],
        [T("buttons.no_hard_days"), T("buttons.days_done")],
    ]
    await bot.tap("Wed")
    replies = await bot.tap(T("buttons.days_done"))
    assert texts_of(replies)[-1] == question_text("ask_experience")
    assert flat_labels(replies[-1]) == [
        T("experience.new"),
        T("experience.some"),
        T("experience.experienced"),
    ]

    replies = await bot.tap(T("experience.new"))
    assert texts_of(replies)[-1] == question_text("ask_equipment")
    assert flat_labels(replies[-1]) == [
        T("equipment.none"),
        T("equipment.dumbbells"),
        T("equipment.gym"),
    ]
    replies = await bot.tap(T("equipment.none"))
    assert texts_of(replies)[-1] == question_text("ask_pull_up_bar")
    assert flat_labels(replies[-1]) == [T("buttons.yes"), T("buttons.no")]
    replies = await bot.tap(T("buttons.no"))
    assert texts_of(replies)[-1] == question_text("ask_sessions")
    assert flat_labels(replies[-1]) == [T("buttons.two"), T("buttons.three")]
    replies = await bot.tap(T("buttons.three"))
    # How long a session may take comes right after how many.
    assert texts_of(replies)[-1] == question_text("ask_time_budget")
    assert labels(replies[-1]) == [
        [T("buttons.minutes", minutes=10), "20 min", T("buttons.minutes", minutes=30)],
        [T("buttons.no_limit")],
    ]
    budget_question = replies[-1]
    replies = await bot.tap("20 min")
    assert current(bot, budget_question)["text"].endswith("→ <b>20 min</b>")
    assert texts_of(replies)[-1] == question_text("ask_reminder_time")
    assert flat_labels(replies[-1]) == [
        "06:30",
        "07:00",
        "12:00",
        "18:00",
        "19:30",
        T("buttons.no_reminders"),
    ]
    replies = await bot.tap("07:00")
    assert texts_of(replies)[-1] == question_text("ask_timezone")
    assert replies[-1]["reply_markup"]["keyboard"] == [
        [{"text": T("buttons.share_location"), "request_location": True}]
    ]

    # Nothing is saved as the runner's week before they confirm.
    assert await stored_runner(bot) is None
    assert (await stored_draft(bot))["step"] == "timezone"

    replies = await bot.say("Berlin")
    assert texts_of(replies) == [
        question_text("timezone_confirmed_zone", zone="Europe/Berlin", local_time="07:00"),
        question_text("ask_race_date"),
    ]
    assert replies[0]["reply_markup"] == {"remove_keyboard": True}
    # The race date is optional and asked last, before the summary.
    assert labels(replies[-1]) == [[T("buttons.no_race")]]
    assert (await stored_draft(bot))["step"] == "race_date"

    replies = await bot.tap(T("buttons.no_race"))
    summary = replies[-1]
    assert summary["text"].endswith(question_text("confirm_prompt"))
    assert flat_labels(summary) == [T("buttons.looks_good"), T("buttons.change")]
    # The plan for 3 sessions: legs, legs, upper (two legs days 48 h apart: Mon and Wed).
    assert summary_lines(summary["text"]) == {
        "Mon": f"{T('onboarding.summary_run')} · 🦵 {T('focus.legs')}",
        "Tue": T("onboarding.summary_rest"),
        "Wed": f"{T('onboarding.summary_hard')} · 🦵 {T('focus.legs')}",
        "Thu": T("onboarding.summary_rest"),
        "Fri": f"💪 {T('focus.upper')}",
        "Sat": T("onboarding.summary_long"),
        "Sun": T("onboarding.summary_rest"),
    }
    assert T("onboarding.summary_reminder", time="07:00", zone="Europe/Berlin") in summary["text"]
    assert f"{T('experience.new')} · {T('equipment.none')}" in summary["text"]
    assert T("settings.budget_line", minutes=20) in summary["text"]
    assert "🏁" not in summary["text"]  # no race, no race line
    assert await stored_runner(bot) is None

    replies = await bot.tap(T("buttons.looks_good"))
    assert "reply_markup" not in current(bot, summary)
    next_line = T("onboarding.finished_next", day="Friday 27", focus=T("focus.upper"))
    assert texts_of(replies) == [T("onboarding.finished", next_line=next_line)]

    runner = await stored_runner(bot)
    assert runner is not None
    assert runner.onboarded and runner.active and not runner.paused
    assert runners.week_of(runner) == DEFAULT_WEEK
    assert runner.first_name == "Runner"
    assert (runner.time_budget, runner.race_date) == (20, None)
    # Thursday has no session; the next is Friday 07:00 Berlin = 06:00 UTC.
    assert runner.next_reminder_utc == datetime(2026, 11, 27, 6, 0, tzinfo=UTC)
    assert await stored_draft(bot) == {}
    assert await conversation_states(bot) == {}


async def test_the_welcome_greets_the_runner_by_name_safely(bot: BotHarness) -> None:
    bot.stub.send_text(CHAT, "/start", first_name="Zoë <b>&")
    await bot.pump()
    assert bot.stub.sent_messages(CHAT)[0]["text"] == T(
        "onboarding.welcome", name="Zoë &lt;b&gt;&amp;"
    ) + "\n\n" + T("languages.chosen")
    await tap_through(bot, start=False, zone=None)
    await bot.share_location(52.52, 13.40)
    await bot.tap(T("buttons.no_race"))
    await bot.tap(T("buttons.looks_good"))
    runner = await stored_runner(bot)
    # Stored as Telegram sent it; only the messages escape it.
    assert runner is not None and runner.first_name == "Zoë <b>&"


async def test_typed_answers_work_at_every_question(bot: BotHarness) -> None:
    await bot.say("/start")
    replies = await bot.say("Mon, Wed, Sat")
    assert texts_of(replies) == [question_text("ask_long_run")]
    assert (await stored_draft(bot))["answers"]["run_days"] == [MON, WED, SAT]
    replies = await bot.say("saturday")
    assert texts_of(replies) == [question_text("ask_hard_days")]
    replies = await bot.say("wed")
    assert texts_of(replies) == [question_text("ask_experience")]
    replies = await bot.say("Some")
    assert texts_of(replies) == [question_text("ask_equipment")]
    replies = await bot.say("kettlebell")
    assert texts_of(replies) == [question_text("ask_pull_up_bar")]
    replies = await bot.say("yes")
    assert texts_of(replies) == [question_text("ask_sessions")]
    replies = await bot.say("2")
    assert texts_of(replies) == [question_text("ask_time_budget")]
    replies = await bot.say("half an hour")
    assert texts_of(replies) == [question_text("ask_reminder_time")]
    replies = await bot.say("6.45 pm")
    assert texts_of(replies) == [question_text("ask_timezone")]
    replies = await bot.say("Europe/Berlin")
    assert texts_of(replies) == [
        question_text("timezone_confirmed_zone", zone="Europe/Berlin", local_time="07:00"),
        question_text("ask_race_date"),
    ]
    replies = await bot.say("18 April")
    # A race date brings its distance question; a typed length is understood.
    assert texts_of(replies) == [T("race.ask_distance")]
    replies = await bot.say("42.2 km")
    assert (
        T("onboarding.summary_reminder", time="18:45", zone="Europe/Berlin") in replies[-1]["text"]
    )
    assert T("settings.budget_line", minutes=30) in replies[-1]["text"]
    assert T("settings.race_line", day="18 Apr 2027") in replies[-1]["text"]
    await bot.tap(T("buttons.looks_good"))

    runner = await stored_runner(bot)
    assert runner is not None
    assert (runner.time_budget, runner.race_date) == (30, date(2027, 4, 18))
    assert runner.race_distance == "marathon"
    assert runners.week_of(runner) == RunnerWeek(
        run_days=frozenset({MON, WED, SAT}),
        long_run_day=SAT,
        hard_days=frozenset({WED}),
        experience=Experience.SOME,
        equipment=Equipment.DUMBBELLS,
        pull_up_bar=True,
        sessions_per_week=2,
        reminder_time=time(18, 45),
        timezone="Europe/Berlin",
    )


async def test_days_can_be_typed_in_any_common_way_and_none_is_understood(
    bot: BotHarness,
) -> None:
    await bot.say("/start")
    await bot.say("tue thu sun")
    assert (await stored_draft(bot))["answers"]["run_days"] == [TUE, THU, SUN]
    replies = await bot.say("none")  # no long run
    assert texts_of(replies) == [question_text("ask_hard_days")]
    # Without a long run every run day may be a hard day.
    assert flat_labels(replies[0])[:3] == ["Tue", "Thu", "Sun"]
    replies = await bot.say("no")  # no hard days
    assert texts_of(replies) == [question_text("ask_experience")]
    answers = (await stored_draft(bot))["answers"]
    assert answers["long_run_day"] is None
    assert answers["hard_days"] == []


async def test_every_typed_time_format_is_understood(bot: BotHarness) -> None:
    await tap_through(bot, reminder="06:30")
    for typed, stored in (
        ("7:30", "07:30"),
        ("6.45 pm", "18:45"),
        ("07:30", "07:30"),
        ("7am", "07:00"),
        ("19:05", "19:05"),
        ("no reminders", None),
    ):
        await bot.tap(T("buttons.change"))
        replies = await bot.tap(T("settings_field.reminder_time"))
        assert texts_of(replies) == [question_text("ask_reminder_time")]
        replies = await bot.say(typed)
        # Straight back to the summary, showing the new time.
        assert len(replies) == 1 and replies[0]["text"].startswith("<b>Your week</b>")
        expected_line = (
            T("onboarding.summary_reminder", time=stored, zone="Europe/Berlin")
            if stored
            else T("onboarding.summary_no_reminder", zone="Europe/Berlin")
        )
        assert expected_line in replies[0]["text"], typed
        assert (await stored_draft(bot))["answers"]["reminder_time"] == stored, typed
    await bot.tap(T("buttons.looks_good"))
    runner = await stored_runner(bot)
    assert runner is not None
    assert runner.reminder_time is None
    assert runner.next_reminder_utc is None


async def test_typed_city_or_zone_names_find_the_timezone(bot: BotHarness) -> None:
    replies = await tap_through(bot, zone="new york", race=None)
    assert texts_of(replies)[0] == question_text(
        "timezone_confirmed_zone", zone="America/New_York", local_time="01:00"
    )
    await bot.tap(T("buttons.no_race"))
    for typed, zone, local in (
        ("Berlin", "Europe/Berlin", "07:00"),
        ("Europe/Berlin", "Europe/Berlin", "07:00"),
        ("America/New_York", "America/New_York", "01:00"),
        ("Tokyo", "Asia/Tokyo", "15:00"),
    ):
        await bot.tap(T("buttons.change"))
        replies = await bot.tap(T("settings_field.timezone"))
        assert texts_of(replies) == [question_text("ask_timezone")]
        replies = await bot.say(typed)
        assert zone in replies[0]["text"], typed
        assert f"{local} there now" in replies[0]["text"], typed
        assert T("onboarding.summary_reminder", time="07:00", zone=zone) in replies[-1]["text"]
        assert (await stored_draft(bot))["answers"]["timezone"] == zone
    await bot.tap(T("buttons.looks_good"))
    runner = await stored_runner(bot)
    assert runner is not None and runner.timezone == "Asia/Tokyo"
    # Friday 07:00 in Tokyo is Thursday 22:00 UTC.
    assert runner.next_reminder_utc == datetime(2026, 11, 26, 22, 0, tzinfo=UTC)


async def test_sharing_a_location_finds_the_timezone(bot: BotHarness) -> None:
    await tap_through(bot, zone="Berlin")
    await bot.tap(T("buttons.change"))
    replies = await bot.tap(T("settings_field.timezone"))
    keyboard = replies[-1]["reply_markup"]
    assert keyboard["keyboard"][0][0]["request_location"] is True
    assert keyboard["one_time_keyboard"] is True

    replies = await bot.share_location(40.71, -74.01)  # Manhattan
    assert "<b>America/New_York</b>" in replies[0]["text"]
    assert "01:00 there now" in replies[0]["text"]
    assert replies[0]["reply_markup"] == {"remove_keyboard": True}
    assert replies[-1]["text"].endswith(question_text("confirm_prompt"))
    await bot.tap(T("buttons.looks_good"))

    runner = await stored_runner(bot)
    assert runner is not None and runner.timezone == "America/New_York"
    # 07:00 in New York; Thursday is no session day, Friday is.
    expected = datetime(2026, 11, 27, 7, 0, tzinfo=NEW_YORK).astimezone(UTC)
    assert runner.next_reminder_utc == expected


async def test_questions_that_do_not_apply_are_skipped(bot: BotHarness) -> None:
    # One run day that is also the long run: no hard days to ask about.
    await bot.say("/start")
    await tap_days(bot, ("Sun",))
    replies = await bot.tap("Sun")
    assert texts_of(replies)[-1] == question_text("ask_experience")
    await bot.tap(T("experience.experienced"))
    # A gym has a pull-up bar: that question is skipped.
    replies = await bot.tap(T("equipment.gym"))
    assert texts_of(replies)[-1] == question_text("ask_sessions")
    await bot.tap(T("buttons.two"))
    await bot.tap(T("buttons.no_limit"))
    await bot.tap(T("buttons.no_reminders"))
    await bot.say("Berlin")
    replies = await bot.tap(T("buttons.no_race"))
    assert T("onboarding.summary_no_reminder", zone="Europe/Berlin") in replies[-1]["text"]
    assert question_text("summary_no_budget") in replies[-1]["text"]
    await bot.tap(T("buttons.looks_good"))
    runner = await stored_runner(bot)
    assert runner is not None
    assert runner.run_days == "6" and runner.long_run_day == SUN and runner.hard_days == ""
    assert runner.equipment == "gym" and runner.pull_up_bar is True
    assert runner.reminder_time is None and runner.next_reminder_utc is None
    assert runner.time_budget is None and runner.race_date is None


SUMMARY_WEEKS = [
    pytest.param(
        {"run": ("Mon", "Wed", "Sat"), "long_run": "Sat", "hard": ("Wed",)},
        RunnerWeek(
            run_days=frozenset({MON, WED, SAT}),
            long_run_day=SAT,
            hard_days=frozenset({WED}),
            sessions_per_week=3,
        ),
        id="three-runs-long-sat-hard-wed-3x",
    ),
    pytest.param(
        {
            "run": ("Tue", "Thu", "Sat", "Sun"),
            "long_run": "Sun",
            "hard": ("Tue", "Thu"),
            "sessions": "buttons.two",
        },
        RunnerWeek(
            run_days=frozenset({TUE, THU, SAT, SUN}),
            long_run_day=SUN,
            hard_days=frozenset({TUE, THU}),
            sessions_per_week=2,
        ),
        id="four-runs-long-sun-hard-tue-thu-2x",
    ),
    pytest.param(
        {
            "run": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat"),
            "long_run": "Sat",
            "hard": ("Tue", "Thu"),
        },
        RunnerWeek(
            run_days=frozenset({MON, TUE, WED, THU, FRI, SAT}),
            long_run_day=SAT,
            hard_days=frozenset({TUE, THU}),
            sessions_per_week=3,
        ),
        id="six-runs-3x",
    ),
]


@pytest.mark.parametrize(("answers", "week"), SUMMARY_WEEKS)
async def test_the_summary_lists_every_day_and_the_right_strength_focus_per_day(
    bot: BotHarness, answers: dict[str, Any], week: RunnerWeek
) -> None:
    replies = await tap_through(bot, **answers)
    lines = summary_lines(replies[-1]["text"])
    assert list(lines) == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    plan = plan_week(week, week_index_of(THIS_MONDAY))
    assert len(plan.sessions) == week.sessions_per_week
    for day in range(7):
        line = lines[T.weekday(day, "abbreviated")]
        focus = plan.focus_on(day)
        for other in Focus:
            shown = f"{T(f'focus_icon.{other.value}')} {T(f'focus.{other.value}')}"
            assert (shown in line) == (other is focus), (day, line)
        if day == week.long_run_day:
            assert line.startswith(T("onboarding.summary_long")), line
        elif day in week.hard_days:
            assert line.startswith(T("onboarding.summary_hard")), line
        elif day in week.run_days:
            assert line.startswith(T("onboarding.summary_run")), line
        elif focus is None:
            assert line == T("onboarding.summary_rest"), line
    # What the sessions are comes from the plan itself: two leg sessions (core built in),
    # plus upper body as a third; the old rotation only where one leg session fits.
    count_key = sessions_key(week, THIS_MONDAY).removeprefix("onboarding.")
    assert question_text(count_key, count=week.sessions_per_week) in replies[-1]["text"]

    replies = await bot.tap(T("buttons.looks_good"))
    first = next_session(week, TODAY, include_today=True)
    assert first is not None
    day_label = T("today.today_label") if first.day == TODAY else f"{first.day:%A} {first.day.day}"
    assert (
        question_text("finished_next", day=day_label, focus=T(f"focus.{first.focus.value}"))
        in replies[-1]["text"]
    )
