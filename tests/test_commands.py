"""/help, /week, /pause, /resume, /delete and the command menu."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import select

from bot.app import COMMANDS
from bot.store.db import transaction
from bot.store.models import ConversationState, OnboardingDraft, Reminder, Runner, SessionLog
from testkit.harness import CHAT, BotHarness, onboard, shared_content


async def count_rows(bot: BotHarness, model: type) -> int:
    async with transaction(bot.sessions) as session:
        return int((await session.exec(select(func.count()).select_from(model))).one())


async def test_the_command_menu_is_set_at_start(bot: BotHarness) -> None:
    commands = bot.stub.profile()["commands"]
    names = [command["command"] for command in commands]
    assert names == list(COMMANDS)
    assert all(command["description"] for command in commands)


async def test_the_description_a_new_user_sees_is_set_at_start(bot: BotHarness) -> None:
    """The empty chat before /start shows the bot's description, and its profile the short
    one (Telegram: at most 512 and 120 characters); both from content/messages/about.toml."""
    t = shared_content().texts
    long = bot.stub.profile()["description"]
    short = bot.stub.profile()["short_description"]
    assert long == t("about.description")
    assert short == t("about.short_description")
    assert 0 < len(long) <= 512
    assert 0 < len(short) <= 120


async def test_help_lists_every_command_one_line_each(bot: BotHarness) -> None:
    [reply] = await bot.say("/help")
    for name in COMMANDS:
        assert f"/{name} — " in reply["text"], name


# Issue 15, point 10: the new commands in the menu and in /help.
ISSUE_15_COMMANDS = ("progress", "history", "export")


async def test_the_menu_offers_progress_history_and_export(bot: BotHarness) -> None:
    t = shared_content().texts
    commands = bot.stub.profile()["commands"]
    menu = {command["command"]: command["description"] for command in commands}
    for name in ISSUE_15_COMMANDS:
        assert menu.get(name) == t(f"commands.{name}"), name
        # Telegram: a command's description is 1-256 characters
        assert 0 < len(menu[name]) <= 256, name


async def test_help_names_progress_history_and_export(bot: BotHarness) -> None:
    [reply] = await bot.say("/help")
    for name in ISSUE_15_COMMANDS:
        [line] = [line for line in reply["text"].splitlines() if line.startswith(f"/{name} — ")]
        assert len(line) > len(f"/{name} — ") + 10, line  # says what it does


async def test_pause_and_resume(bot: BotHarness) -> None:
    await onboard(bot)
    [question] = await bot.say("/pause")
    assert "for how long" in question["text"]
    await bot.tap("Until I resume", question)
    [reply] = await bot.tap("Other")
    assert "Paused until you send /resume" in reply["text"]
    [again] = await bot.say("/pause")
    assert "already paused" in again["text"]
    async with transaction(bot.sessions) as session:
        runner = await session.get(Runner, CHAT)
        assert runner is not None and runner.paused and runner.next_reminder_utc is None
    [resumed] = await bot.say("/resume")
    assert "Welcome back" in resumed["text"] and "Next reminder" in resumed["text"]
    async with transaction(bot.sessions) as session:
        runner = await session.get(Runner, CHAT)
        assert runner is not None and not runner.paused and runner.next_reminder_utc is not None


async def test_delete_asks_first_and_then_removes_everything(bot: BotHarness, clock) -> None:
    await onboard(bot)
    await bot.say("done, felt great")
    [confirm] = await bot.say("/delete")
    assert "Are you sure" in confirm["text"]
    [kept] = await bot.tap("No, keep", confirm)
    assert "nothing deleted" in kept["text"]
    assert await count_rows(bot, Runner) == 1
    [confirm] = await bot.say("/delete")
    [gone] = await bot.tap("Yes, delete", confirm)
    assert "Deleted" in gone["text"]
    for model in (Runner, SessionLog, Reminder, OnboardingDraft, ConversationState):
        assert await count_rows(bot, model) == 0, model
    [today] = await bot.say("/today")
    assert "/start" in today["text"]


async def test_delete_in_the_middle_of_onboarding_leaves_the_conversation(bot: BotHarness) -> None:
    await bot.say("/start")
    await bot.say("mon wed")
    [confirm] = await bot.say("/delete")
    await bot.tap("Yes, delete", confirm)
    # Free text is no longer taken as an answer to the long-run question.
    [reply] = await bot.say("sat")
    assert "I didn't catch that" in reply["text"]
    assert await count_rows(bot, OnboardingDraft) == 0
    welcome, question = await bot.say("/start")
    assert "Hi" in welcome["text"] and "Which days do you run" in question["text"]
