"""The draft is the one record of where a runner is in /start or /settings, typed
(``bot.store.drafts.Draft``) and stored as the same JSON the earlier code wrote as a plain
dict: a runner mid-onboarding during a deploy keeps their answers and their question."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.store import drafts
from bot.store.db import transaction
from bot.store.drafts import Draft, Mode
from testkit.harness import CHAT, BotHarness, shared_content, texts

T = shared_content().texts
ANSWERS = {
    "run_days": [0, 2, 5],
    "long_run_day": 5,
    "hard_days": [2],
    "experience": "some",
    "equipment": "dumbbells",
    "pull_up_bar": False,
    "sessions": 3,
    "time_budget": 20,
    "reminder_time": "07:00",
    "timezone": "Europe/Berlin",
    "race_date": None,
}
# Drafts as the code before the typed draft stored them (a dict, json.dumps'ed).
OLD_DRAFTS: list[dict[str, Any]] = [
    {
        "mode": "onboarding",
        "queue": ["hard_days", "experience"],
        "answers": {"run_days": [0, 2, 5]},
        "step": "long_run",
    },
    {
        "mode": "onboarding",
        "queue": [],
        "answers": ANSWERS,
        "step": "confirm",
        "pressed": 123456,
    },
    {"mode": "restart", "step": "already_set_up", "answers": ANSWERS},
    {
        "mode": "settings",
        "answers": {**ANSWERS, "preview_day": 6, "preview_time": "18:00"},
        "checkin": False,
        "step": "preview_time",
        "queue": [],
        "chain": "preview_day",
        "pressed": 77,
    },
    {"pending_note": "planks were hard"},
    {
        "mode": "onboarding",
        "queue": [],
        "answers": {},
        "step": "run_days",
        "pending_note": "x",
    },
]


@pytest.mark.parametrize("old", OLD_DRAFTS, ids=lambda old: str(old.get("step", "note")))
def test_an_old_draft_reads_typed_and_writes_back_the_same(old: dict[str, Any]) -> None:
    draft = Draft.from_json(json.dumps(old))
    assert draft.step == old.get("step")
    assert draft.mode == (Mode(old["mode"]) if "mode" in old else None)
    assert draft.answers == old.get("answers", {})
    assert draft.queue == old.get("queue", [])
    assert draft.pending_note == old.get("pending_note")
    assert draft.open == ("step" in old)
    # Written back: the same keys and values, unset ones (None, no queue left) left out.
    unset = {key for key, value in old.items() if value is None or (key == "queue" and not value)}
    assert json.loads(draft.to_json()) == {k: v for k, v in old.items() if k not in unset}
    assert Draft.from_json(draft.to_json()) == draft


def test_keys_the_draft_does_not_know_are_kept() -> None:
    stored = {"mode": "onboarding", "queue": ["race_date"], "answers": {}, "step": "sessions"}
    stored["later"] = [1]
    draft = Draft.from_json(json.dumps(stored))
    assert draft.extra == {"later": [1]}
    assert json.loads(draft.to_json()) == stored


def test_a_draft_left_by_delete_is_not_listening_and_says_so() -> None:
    draft = Draft(mode=Mode.ONBOARDING, step="long_run", answers={"run_days": [0]})
    draft.listening = False
    assert not draft.open
    again = Draft.from_json(draft.to_json())
    assert again == draft and not again.open
    assert json.loads(draft.to_json())["closed"] is True


async def test_a_runner_mid_onboarding_during_a_deploy_carries_on(bot: BotHarness) -> None:
    """The draft the earlier code stored (its dict, mid-way at the long-run question) is
    taken by this code as it is: the typed answer goes to that question."""
    old = {
        "mode": "onboarding",
        "queue": [
            "hard_days",
            "experience",
            "equipment",
            "pull_up_bar",
            "sessions",
            "time_budget",
            "reminder_time",
            "timezone",
            "race_date",
        ],
        "answers": {"run_days": [0, 2, 5]},
        "step": "long_run",
        "pressed": None,
    }
    async with transaction(bot.sessions) as session:
        await drafts.save_draft(session, CHAT, old, now=datetime(2026, 11, 26, 6, tzinfo=UTC))
    await bot.restart()
    replies = await bot.say("sat")
    assert texts(replies) == T("onboarding.ask_hard_days")
    async with transaction(bot.sessions) as session:
        stored = await drafts.load(session, CHAT)
    assert stored is not None and stored.step == "hard_days"
    assert stored.answers["long_run_day"] == 5 and stored.answers["run_days"] == [0, 2, 5]


async def test_delete_leaves_the_question_and_start_asks_it_again(bot: BotHarness) -> None:
    """/delete mid-onboarding leaves the conversation (its answers are kept until the
    deletion is confirmed): a typed answer is no longer taken, /start asks the question
    again, and the next answer is taken."""
    await bot.say("/start")
    await bot.say("mon wed sat")
    [confirm] = await bot.say("/delete")
    await bot.tap(T("buttons.delete_no"), confirm)
    replies = await bot.say("sat")
    assert texts(replies) == T("misc.unknown_text")
    replies = await bot.say("/start")
    assert texts(replies) == T("onboarding.ask_long_run")
    replies = await bot.say("sat")
    assert texts(replies) == T("onboarding.ask_hard_days")


async def test_a_database_fault_reading_the_draft_is_answered_once(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every private message first asks whether a conversation is open: if the draft
    cannot be read, the runner gets one "something went wrong", not a second answer
    from the handlers after it."""

    async def broken(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("database gone")

    # A cache that does not know this chat (one filled at start knows it has no draft).
    bot.deps.draft_cache = drafts.DraftCache(now=bot.clock.now)
    monkeypatch.setattr(drafts, "read_draft", broken)
    replies = await bot.say("done")
    assert [reply["text"] for reply in replies] == [T("misc.error")]
    monkeypatch.undo()
    replies = await bot.say("/start")
    assert texts(replies).endswith(T("onboarding.ask_run_days"))
