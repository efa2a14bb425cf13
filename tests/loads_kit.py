"""What the weight tests share: a catalogue whose leg moves all take a weight, the bot built
on it, and today's loaded moves as the bot builds them."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import pytest

import testkit.harness as harness_module
from bot.coach.week import Focus
from bot.content import Content, Exercise, headline
from bot.services.loads import loaded_moves
from bot.services.plan import plan_of_session, read_today, session_of_day
from bot.store.db import SessionFactory, transaction
from testkit.harness import BotHarness, FakeClock, shared_content
from testkit.stub_bot_api import StubBotAPI


def loaded_content(content: Content) -> Content:
    """Every rung of every leg move done with a weight: a session always has one to log."""

    def loaded(exercise: Exercise) -> Exercise:
        if exercise.focus is not Focus.LEGS:
            return exercise
        levels = [level.model_copy(update={"load": True}) for level in exercise.levels]
        return exercise.model_copy(update={"levels": levels})

    exercises = {key: loaded(value) for key, value in content.catalog.exercises.items()}
    return dataclasses.replace(
        content, catalog=dataclasses.replace(content.catalog, exercises=exercises)
    )


LOADED = loaded_content(shared_content())


async def loaded_bot(
    stub: StubBotAPI,
    sessions: SessionFactory,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[BotHarness]:
    """The real Application on ``LOADED`` (a module's ``bot`` fixture yields from it)."""
    monkeypatch.setattr(harness_module, "shared_content", lambda: LOADED)
    harness = BotHarness(stub=stub, sessions=sessions, clock=clock)
    await harness.start()
    yield harness
    await harness.stop()


async def loaded_today(bot: BotHarness) -> tuple[Exercise, ...]:
    """Today's session's loaded moves (in its order), as the bot builds it."""
    async with transaction(bot.sessions) as session:
        found = await read_today(session, bot.chat_id, bot.clock.now())
    assert found is not None
    day = session_of_day(found.runner, found.calendar, found.history, found.day, found.day)
    if day is None:
        return ()
    return loaded_moves(plan_of_session(LOADED, found.runner, found.calendar, found.history, day))


async def shown_names(bot: BotHarness) -> dict[str, str]:
    """Today's loaded moves as the session's list names them (``content.headline`` of the
    rung's variant): the name the replies about a weight use."""
    async with transaction(bot.sessions) as session:
        found = await read_today(session, bot.chat_id, bot.clock.now())
    assert found is not None
    day = session_of_day(found.runner, found.calendar, found.history, found.day, found.day)
    assert day is not None
    plan = plan_of_session(LOADED, found.runner, found.calendar, found.history, day)
    assert plan is not None
    return {item.exercise.id: headline(item.level.variant)[0] for item in plan.session.items}
