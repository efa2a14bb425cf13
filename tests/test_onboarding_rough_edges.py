"""Rough edges found in QA, now fixed; and one transaction per answer.

Part of the onboarding journeys (shared steps: tests/onboarding_steps.py).
"""

from __future__ import annotations

from typing import Any

from bot.coach.plan import plan_for_date
from bot.coach.week import Focus
from bot.store import logs, runners
from bot.store.db import transaction
from testkit.harness import CHAT, BotHarness
from tests.onboarding_steps import (
    TODAY,
    T,
    callback_count,
    conversation_states,
    current,
    onboard,
    question_text,
    stored_draft,
    stored_runner,
    tap_through,
    texts_of,
)

# ---- rough edges found in QA, now fixed -------------------------------------------------


async def test_a_done_after_start_on_a_set_up_week_is_still_logged(bot: BotHarness) -> None:
    # Mon/Wed/Sun runs, long run Sunday, 3 sessions: Thursday (today) holds a session under
    # the plan (Tue legs, Thu legs, Sat upper).
    await onboard(bot, run=("Mon", "Wed", "Sun"), long_run="Sun", hard=())
    runner = await stored_runner(bot)
    assert runner is not None
    focus = plan_for_date(runners.week_of(runner), TODAY)
    assert focus is Focus.LEGS
    await bot.say("/start")  # shows the week with Keep it / Start over
    replies = await bot.say("done")
    assert question_text("unexpected_text") not in texts_of(replies)
    async with transaction(bot.sessions) as session:
        log = await logs.log_on(session, CHAT, TODAY)
    assert log is not None and log.status == "done" and log.focus == focus.value


async def test_keep_it_is_acknowledged(bot: BotHarness) -> None:
    await onboard(bot)
    await bot.say("/start")
    answered = callback_count(bot)
    replies = await bot.tap(T("buttons.keep"))
    said = texts_of(replies) + [t for t in bot.callback_answers()[answered:] if t]
    assert said


async def test_free_text_during_settings_is_not_called_setting_up(bot: BotHarness) -> None:
    await onboard(bot, long_run=T("buttons.no_long_run"), hard=())
    await bot.say("/settings")
    replies = await bot.say("done")
    assert question_text("unexpected_text") not in texts_of(replies)


async def test_back_from_the_change_menu_closes_the_menu(bot: BotHarness) -> None:
    await tap_through(bot)
    replies = await bot.tap(T("buttons.change"))
    menu = replies[-1]
    await bot.tap(T("buttons.back"))
    assert "reply_markup" not in current(bot, menu)


async def test_a_malformed_setup_button_is_answered_as_expired(bot: BotHarness) -> None:
    await bot.say("/start")
    for answer in ("mon wed sat", "sat", "wed", "new", "none", "no", "3", "20"):
        await bot.say(answer)
    answered = callback_count(bot)
    replies = await bot.press(1, "ob:reminder_time:2599")
    replies += await bot.press(1, "ob:bogus")
    assert T("misc.error") not in texts_of(replies)
    assert bot.callback_answers()[answered:] == [T("misc.stale_button")] * 2
    assert (await stored_draft(bot))["step"] == "reminder_time"


async def test_an_answer_and_the_next_question_are_stored_in_one_transaction(
    bot: BotHarness,
) -> None:
    """When the next question reaches the runner, the answer and the conversation's new
    state are already committed, together: a crash right after the reply can neither
    keep the answer and lose the step, nor the other way round. PTB's own write of the
    same state afterwards is skipped (one commit per answer, not two)."""
    from sqlalchemy import event

    await bot.say("/start")
    await bot.say("mon wed sat")
    engine = bot.sessions.kw["bind"].sync_engine
    commits: list[object] = []

    def on_commit(connection: Any) -> None:
        commits.append(connection)

    event.listen(engine, "commit", on_commit)
    try:
        replies = await bot.say("sat")
    finally:
        event.remove(engine, "commit", on_commit)
    assert texts_of(replies)[-1].startswith(question_text("ask_hard_days")[:20])
    assert len(commits) == 1
    assert (await stored_draft(bot))["step"] == "hard_days"
    # What is stored is what the answer stored.
    stored = await conversation_states(bot)
    assert stored == {f"[{CHAT}, {CHAT}]": '"hard_days"'}
