"""Bad input: unexpected answers, typed button labels, stale buttons, double taps, other
kinds of messages, group chats.

Part of the onboarding journeys (shared steps: tests/onboarding_steps.py).
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.store import runners
from bot.store.models import OnboardingDraft, Runner
from testkit.harness import CHAT, BotHarness, button_data
from tests.onboarding_steps import (
    DEFAULT_WEEK,
    GROUP_CHAT,
    MON,
    SAT,
    WED,
    T,
    all_rows,
    callback_count,
    conversation_states,
    current,
    flat_labels,
    labels,
    question_text,
    stored_draft,
    stored_runner,
    tap_through,
    texts_of,
)

# ---- bad input, stale buttons, double taps -------------------------------------------


async def test_unexpected_answers_get_a_short_reask_saying_what_is_expected(
    bot: BotHarness,
) -> None:
    await bot.say("/start")
    answered = callback_count(bot)
    replies = await bot.tap(T("buttons.days_done"))  # nothing chosen yet
    assert replies == []
    assert bot.callback_answers()[answered:] == [question_text("need_one_run_day")]
    alert = bot.stub.calls_to("answerCallbackQuery")[-1]
    assert str(alert.params.get("show_alert")).lower() == "true"

    async def reask(text: str, key: str, question: str, **values: Any) -> None:
        step = (await stored_draft(bot))["step"]
        answers = (await stored_draft(bot))["answers"]
        replies = await bot.say(text)
        # One message: what is expected, with the question's buttons; nothing was lost.
        assert texts_of(replies) == [question_text(key, **values)], text
        assert labels(replies[0]), (text, question)
        assert (await stored_draft(bot))["step"] == step
        assert (await stored_draft(bot))["answers"] == answers

    await reask("whenever I feel like it", "reask_run_days", question_text("ask_run_days"))
    await bot.say("mon wed sat")
    days = "Mon, Wed, Sat"
    await reask("tue", "reask_long_run", question_text("ask_long_run"), days=days)
    await reask("mon wed", "reask_long_run", question_text("ask_long_run"), days=days)
    await bot.say("sat")
    # The long-run day can't also be a hard day, nor can a non-run day.
    await reask("sat", "reask_hard_days", question_text("ask_hard_days"), days=days)
    await reask("fri", "reask_hard_days", question_text("ask_hard_days"), days=days)
    await bot.say("wed")
    await reask("🤷", "reask_experience", question_text("ask_experience"))
    await bot.say("new")
    await reask("a rowing machine", "reask_equipment", question_text("ask_equipment"))
    await bot.say("none")
    await reask("maybe", "reask_pull_up_bar", question_text("ask_pull_up_bar"))
    await bot.say("no")
    await reask("5", "reask_sessions", question_text("ask_sessions"))
    await reask("lots", "reask_sessions", question_text("ask_sessions"))
    await bot.say("2")
    await reask("a while", "reask_time_budget", question_text("ask_time_budget"))
    await reask("2", "reask_time_budget", question_text("ask_time_budget"))  # 2 minutes?
    await reask("0", "reask_time_budget", question_text("ask_time_budget"))
    await reask("5 hours", "reask_time_budget", question_text("ask_time_budget"))
    await bot.say("20")
    await reask("25:99", "reask_reminder_time", question_text("ask_reminder_time"))
    await reask("13pm", "reask_reminder_time", question_text("ask_reminder_time"))
    await reask("soon", "reask_reminder_time", question_text("ask_reminder_time"))
    await bot.say("7am")

    replies = await bot.say("Xyzzyville")
    assert texts_of(replies) == [question_text("reask_timezone", text="Xyzzyville")]
    replies = await bot.say("<b>Atlantis</b>")
    assert texts_of(replies) == [
        question_text("reask_timezone", text="&lt;b&gt;Atlantis&lt;/b&gt;")
    ]
    draft = await stored_draft(bot)
    assert draft["step"] == "timezone" and "timezone" not in draft["answers"]

    replies = await bot.say("Berlin")
    assert texts_of(replies)[-1] == question_text("ask_race_date")
    await reask("someday", "reask_race_date", question_text("ask_race_date"))
    await reask("31 February", "reask_race_date", question_text("ask_race_date"))
    await reask("2026-11-25", "race_date_past", question_text("ask_race_date"))  # yesterday
    await reask("18.4.2025", "race_date_past", question_text("ask_race_date"))
    await reask("2028-04-18", "race_date_too_far", question_text("ask_race_date"))
    replies = await bot.say("no")
    assert replies[-1]["text"].endswith(question_text("confirm_prompt"))
    # Free text at the summary: one short note, with the summary's buttons.
    replies = await bot.say("hmm")
    assert texts_of(replies) == [question_text("reask_confirm")]
    assert flat_labels(replies[-1]) == [T("buttons.looks_good"), T("buttons.change")]
    await bot.tap(T("buttons.looks_good"))
    runner = await stored_runner(bot)
    assert runner is not None
    assert runner.reminder_time == "07:00" and runner.timezone == "Europe/Berlin"


@pytest.mark.parametrize(
    ("typed_at", "label", "key", "expected"),
    [
        pytest.param("long_run", "buttons.no_long_run", "long_run_day", None, id="no-long-run"),
        pytest.param("hard_days", "buttons.no_hard_days", "hard_days", [], id="no-hard-days"),
        pytest.param("equipment", "equipment.gym", "equipment", "gym", id="a-gym"),
    ],
)
async def test_typing_the_label_of_a_button_is_understood(
    bot: BotHarness, typed_at: str, label: str, key: str, expected: Any
) -> None:
    await bot.say("/start")
    for answer in ("mon wed sat", "sat", "wed", "new"):
        if (await stored_draft(bot))["step"] == typed_at:
            break
        await bot.say(answer)
    assert (await stored_draft(bot))["step"] == typed_at
    replies = await bot.say(T(label))
    assert (await stored_draft(bot))["step"] != typed_at, texts_of(replies)
    assert (await stored_draft(bot))["answers"][key] == expected


@pytest.mark.parametrize(
    ("taps", "next_question"),
    [
        pytest.param((), "ask_long_run", id="run-days"),
        pytest.param(("Mon", "Wed", "Sat", "Done", "Sat"), "ask_experience", id="hard-days"),
    ],
)
async def test_typing_done_after_tapping_days_finishes_the_question(
    bot: BotHarness, taps: tuple[str, ...], next_question: str
) -> None:
    await bot.say("/start")
    for label in taps:
        await bot.tap(label)
    await bot.tap("Wed")
    step = (await stored_draft(bot))["step"]
    replies = await bot.say("done")
    assert texts_of(replies) == [question_text(next_question)]
    assert (await stored_draft(bot))["answers"][step] == [WED]


async def test_stale_button_from_an_earlier_question_is_answered_politely(
    bot: BotHarness,
) -> None:
    replies = await bot.say("/start")
    run_days_question = replies[-1]
    await bot.say("mon wed sat")  # typed: the run-days buttons stay on screen
    assert labels(current(bot, run_days_question))

    answered = callback_count(bot)
    replies = await bot.tap("Tue", message=current(bot, run_days_question))
    assert texts_of(replies) == [question_text("stale_step"), question_text("ask_long_run")]
    assert callback_count(bot) == answered + 1  # the spinner stops
    draft = await stored_draft(bot)
    assert draft["step"] == "long_run"
    assert draft["answers"]["run_days"] == [MON, WED, SAT]  # Tue was not added

    # The re-asked question works as usual.
    replies = await bot.tap("Sat")
    assert texts_of(replies)[-1] == question_text("ask_hard_days")

    # After onboarding, any old setup button just says it has expired.
    await bot.say("none")
    for answer in ("new", "none", "no", "2", "20", "7:00", "Berlin", "no race"):
        await bot.say(answer)
    summary = bot.message_with_button(T("buttons.looks_good"))
    await bot.tap(T("buttons.looks_good"))
    answered = callback_count(bot)
    replies = await bot.press(run_days_question["message_id"], "ob:run_days:1")
    replies += await bot.press(summary["message_id"], button_data(summary, T("buttons.change")))
    assert replies == []
    assert bot.callback_answers()[answered:] == [T("misc.stale_button")] * 2
    runner = await stored_runner(bot)
    assert runner is not None and runner.run_days == "0,2,5"
    assert await stored_draft(bot) == {}


async def test_double_tap_on_looks_good_does_not_duplicate(bot: BotHarness) -> None:
    await tap_through(bot)
    summary = bot.message_with_button(T("buttons.looks_good"))
    data = button_data(summary, T("buttons.looks_good"))
    mark = len(bot.stub.sent_messages(CHAT))
    answered = callback_count(bot)
    # Both taps arrive before the bot has answered the first.
    bot.stub.press_button(CHAT, summary["message_id"], data)
    bot.stub.press_button(CHAT, summary["message_id"], data)
    await bot.pump()

    new = bot.stub.sent_messages(CHAT)[mark:]
    finished = [m for m in new if m["text"].startswith(T("onboarding.finished", next_line="")[:8])]
    assert len(finished) == 1
    assert [m for m in new if m["method"] == "sendMessage"] == finished
    assert callback_count(bot) == answered + 2  # both taps get their spinner stopped
    assert bot.callback_answers()[-1] == T("misc.stale_button")
    assert len(await all_rows(bot, Runner)) == 1
    assert await all_rows(bot, OnboardingDraft) == []
    runner = await stored_runner(bot)
    assert runner is not None and runners.week_of(runner) == DEFAULT_WEEK


async def test_double_tap_on_an_answer_does_not_skip_the_next_question(bot: BotHarness) -> None:
    await bot.say("/start")
    for answer in ("mon wed sat", "sat", "wed", "new", "none", "no", "3", "20"):
        await bot.say(answer)
    question = bot.message_with_button("07:00")
    data = button_data(question, "07:00")
    mark = len(bot.stub.sent_messages(CHAT))
    bot.stub.press_button(CHAT, question["message_id"], data)
    bot.stub.press_button(CHAT, question["message_id"], data)
    await bot.pump()

    sent = [m["text"] for m in bot.stub.sent_messages(CHAT)[mark:] if m["method"] == "sendMessage"]
    # The timezone question is asked (again after the second tap), nothing is skipped.
    assert sent[-1] == question_text("ask_timezone")
    assert set(sent) <= {question_text("ask_timezone"), question_text("stale_step")}
    draft = await stored_draft(bot)
    assert draft["step"] == "timezone"
    assert draft["answers"]["reminder_time"] == "07:00"
    replies = await bot.say("Berlin")
    assert texts_of(replies)[-1] == question_text("ask_race_date")


async def test_double_tap_on_no_race_shows_the_summary_once(bot: BotHarness) -> None:
    await tap_through(bot, race=None)
    question = bot.message_with_button(T("buttons.no_race"))
    data = button_data(question, T("buttons.no_race"))
    mark = len(bot.stub.sent_messages(CHAT))
    bot.stub.press_button(CHAT, question["message_id"], data)
    bot.stub.press_button(CHAT, question["message_id"], data)
    await bot.pump()

    sent = [m for m in bot.stub.sent_messages(CHAT)[mark:] if m["method"] == "sendMessage"]
    # The second tap is an earlier question's button now: a note and the summary again.
    assert sent[0]["text"].endswith(question_text("confirm_prompt"))
    assert {m["text"] for m in sent[1:]} <= {question_text("stale_step"), sent[0]["text"]}
    assert (await stored_draft(bot))["step"] == "confirm"
    await bot.tap(T("buttons.looks_good"))
    runner = await stored_runner(bot)
    assert runner is not None and runner.race_date is None


async def test_every_message_gets_an_answer(bot: BotHarness) -> None:
    async def answered(action: Any) -> list[str]:
        before = callback_count(bot)
        replies = await action
        said = texts_of(replies)
        said += [text for text in bot.callback_answers()[before:] if text]
        assert said, "the bot went silent"
        return said

    # Before setting up.
    assert await answered(bot.say("hello")) == [T("chat.hello_not_set_up")]
    assert await answered(bot.say("/dance")) == [T("misc.unknown_command")]
    assert await answered(bot.share_location(52.52, 13.40)) == [T("misc.non_text")]
    assert await answered(bot.say("/today")) == [T("today.not_set_up")]

    # At every question: free text, an unknown command, /help, a location.
    await bot.say("/start")
    for answer in ("mon wed sat", "sat", "wed", "new", "none", "no", "3", "20", "7:00", None, "no"):
        step = (await stored_draft(bot))["step"]
        said = await answered(bot.say("lalala"))
        assert len(said) == 1, (step, said)
        assert await answered(bot.say("/dance")) == [T("misc.unknown_command")]
        assert await answered(bot.say("/help")) == [T("help.text")]
        if step != "timezone":
            said = await answered(bot.share_location(52.52, 13.40))
            assert said[0] == question_text("unexpected_text"), step
        assert (await stored_draft(bot))["step"] == step
        if answer is None:  # the timezone, by location
            await bot.share_location(52.52, 13.40)
        else:
            await bot.say(answer)
    assert await answered(bot.say("/dance")) == [T("misc.unknown_command")]
    await bot.tap(T("buttons.looks_good"))

    # Set up.
    [greeting] = await answered(bot.say("hello"))
    assert greeting.startswith(T("chat.hello", what_now=""))
    assert await answered(bot.say("/dance")) == [T("misc.unknown_command")]
    assert await answered(bot.share_location(52.52, 13.40)) == [T("misc.non_text")]
    assert await answered(bot.press(1, "ob:confirm:ok")) == [T("misc.stale_button")]
    assert await answered(bot.press(1, "nonsense")) == [T("misc.stale_button")]
    assert bot.stub.errors == []


async def test_group_chat_command_gets_a_private_message_hint_and_stores_nothing(
    bot: BotHarness,
) -> None:
    # The runner is halfway through onboarding in private …
    await bot.say("/start")
    await bot.say("mon wed sat")
    private_before = await stored_draft(bot)

    # … and types commands in a group the bot is in.
    for command in ("/start", "/settings", "/cancel", "/start@coach_test_bot"):
        mark = len(bot.stub.sent_messages(GROUP_CHAT))
        bot.stub.send_text(GROUP_CHAT, command, chat_type="group", user_id=CHAT)
        await bot.pump()
        replies = bot.stub.sent_messages(GROUP_CHAT)[mark:]
        assert texts_of(replies) == [
            T("misc.group_only_private", link="https://t.me/coach_test_bot")
        ], command
    # Plain chatter in the group is left alone.
    mark = len(bot.stub.sent_messages(GROUP_CHAT))
    bot.stub.send_text(GROUP_CHAT, "mon wed sat", chat_type="group", user_id=CHAT)
    await bot.pump()
    assert bot.stub.sent_messages(GROUP_CHAT)[mark:] == []

    assert await stored_runner(bot, GROUP_CHAT) is None
    assert await stored_draft(bot, GROUP_CHAT) == {}
    assert [row.chat_id for row in await all_rows(bot, OnboardingDraft)] == [CHAT]
    assert await all_rows(bot, Runner) == []
    states = await conversation_states(bot)
    assert list(states) == [runners.conversation_key((CHAT, CHAT))]

    # The private conversation is untouched and carries on.
    assert await stored_draft(bot) == private_before
    replies = await bot.tap("Sat")
    assert texts_of(replies)[-1] == question_text("ask_hard_days")
