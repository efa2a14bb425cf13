"""Issue 16, fix round: the runner's language is never lost (tester findings on /cancel).

Beyond tests/test_language_tester_findings.py's two: the other ways a draft goes (the
month-old sweep, a lazy forget), a choice equal to the phone's leaving nothing behind,
/delete after a kept choice, and the language cache's bookkeeping itself.
"""

from __future__ import annotations

import pytest

from bot.content import Content
from bot.housekeeping import forget_abandoned_setups
from bot.services.languages import LanguageCache, known_english
from testkit.harness import CHAT, BotHarness, FakeClock, onboard, shared_content
from tests.conftest import Make
from tests.onboarding_steps import stored_draft


def speaking(code: str) -> Content:
    return shared_content().speaking(code)


async def menu_text(bot: BotHarness) -> str:
    """The /language menu's heading: which language the coach speaks in the chat now."""
    [menu] = await bot.say("/language")
    return str(menu["text"])


async def test_the_sweep_of_a_set_up_runners_settings_keeps_their_language(
    make: Make, clock: FakeClock
) -> None:
    """A German runner (phone in English) left /settings open for a month: the sweep
    takes the draft, and the cache's pop must not make "not held" mean English."""
    bot = await make("en")
    await onboard(bot)
    await bot.say("/language de")
    await bot.restart()  # every non-English row held: the cache is complete
    await bot.say("/settings")
    clock.advance(days=31)
    assert await forget_abandoned_setups(bot.deps) == 1
    assert await menu_text(bot) == speaking("de").texts("languages.menu")


async def test_a_choice_kept_by_cancel_outlives_the_month_old_sweep(
    make: Make, clock: FakeClock
) -> None:
    """/language ru mid-onboarding, /cancel, a month away: the choice is a stored
    preference, not a conversation, so the sweep (and the lazy forget) leave it."""
    bot = await make("en")
    await bot.say("/start")
    await bot.say("/language ru")
    await bot.say("/cancel")
    assert await stored_draft(bot) == {"answers": {"language": "ru"}}
    clock.advance(days=40)
    assert await forget_abandoned_setups(bot.deps) == 0
    await bot.restart()
    greeting, *_ = await bot.say("/start")
    assert "Привет" in greeting["text"]


@pytest.mark.parametrize("swept", [True, False], ids=["sweep", "lazy"])
async def test_an_abandoned_onboarding_keeps_only_the_language_chosen(
    make: Make, clock: FakeClock, swept: bool
) -> None:
    """/language ru mid-onboarding, then a month away: the answers are forgotten (the
    sweep, or the lazy forget when they come back), the choice stays."""
    bot = await make("en")
    await bot.say("/start")
    await bot.say("/language ru")
    await bot.say("пн ср сб")
    clock.advance(days=31)
    if swept:
        assert await forget_abandoned_setups(bot.deps) == 1
        assert await stored_draft(bot) == {"answers": {"language": "ru"}}
    await bot.restart()
    greeting, *_ = await bot.say("/start")
    assert "Привет" in greeting["text"]
    assert "пн" not in str((await stored_draft(bot))["answers"])  # the days forgotten


async def test_an_abandoned_onboarding_in_the_phones_language_goes_whole(
    make: Make, clock: FakeClock
) -> None:
    bot = await make("ru")
    await bot.say("/start")
    await bot.say("пн ср сб")
    clock.advance(days=31)
    assert await forget_abandoned_setups(bot.deps) == 1
    assert await stored_draft(bot) == {}


async def test_a_language_chosen_with_no_draft_outlives_the_sweep(
    make: Make, clock: FakeClock
) -> None:
    bot = await make("en")
    await bot.say("/language es")
    clock.advance(days=40)
    assert await forget_abandoned_setups(bot.deps) == 0
    assert await menu_text(bot) == speaking("es").texts("languages.menu")


async def test_cancel_keeps_a_choice_that_differs_from_the_phone(make: Make) -> None:
    """A Russian phone, German chosen mid-onboarding, /cancel: still German."""
    bot = await make("ru")
    await bot.say("/start")
    await bot.say("/language de")
    await bot.say("/cancel")
    assert await menu_text(bot) == speaking("de").texts("languages.menu")


async def test_cancel_leaves_nothing_when_the_language_is_the_phones(make: Make) -> None:
    """/start then /cancel on a Russian phone: the draft goes whole (the phone says
    Russian anyway), and a phone changed later is followed."""
    bot = await make("ru")
    await bot.say("/start")
    await bot.say("/cancel")
    assert await stored_draft(bot) == {}
    bot.stub.set_language_code(CHAT, "es")
    assert await menu_text(bot) == speaking("es").texts("languages.menu")


async def test_delete_after_a_kept_choice_then_start_speaks_the_phones_language(
    make: Make,
) -> None:
    bot = await make("en")
    await bot.say("/start")
    await bot.say("/language ru")
    await bot.say("/cancel")
    await bot.say("/delete")
    await bot.tap(speaking("ru").texts("buttons.delete_yes"))
    assert await stored_draft(bot) == {}
    greeting, *_ = await bot.say("/start")
    assert greeting["text"].startswith("Hi "), greeting["text"][:80]


async def test_delete_of_a_set_up_runner_then_start_speaks_the_phones_language(
    make: Make,
) -> None:
    bot = await make("en")
    await onboard(bot)
    await bot.say("/language de")
    await bot.restart()  # the cache complete: a forgotten row must not stay German
    await bot.say("/delete")
    await bot.tap(speaking("de").texts("buttons.delete_yes"))
    greeting, *_ = await bot.say("/start")
    assert greeting["text"].startswith("Hi "), greeting["text"][:80]
    assert await menu_text(bot) == speaking("en").texts("languages.menu")


async def test_settings_cancel_keeps_a_registered_runners_language(make: Make) -> None:
    """/settings then /cancel (the draft held the row's answers): the row's German stays."""
    bot = await make("en")
    await onboard(bot)
    await bot.say("/language de")
    await bot.restart()
    await bot.say("/settings")
    await bot.say("/cancel")
    assert await menu_text(bot) == speaking("de").texts("languages.menu")
    assert await stored_draft(bot) == {}


def test_a_popped_chat_is_read_again_though_the_cache_is_complete() -> None:
    cache = LanguageCache(max_entries=8)
    assert cache.fill([(1, "de")])
    assert known_english(cache, 2, "{}", "en")
    cache.pop(1)
    cache.pop(2)
    assert not known_english(cache, 1, "{}", "en")  # its row may say German
    assert not known_english(cache, 2, "{}", "en")
    assert known_english(cache, 3, "{}", "en")  # the others stay known
    cache.put(1, "de")
    assert cache.get(1) == "de" and cache.knows_absent(3)


def test_too_many_popped_chats_give_completeness_up() -> None:
    """The set of popped chats is bounded as the cache is: past it, every chat is read."""
    cache = LanguageCache(max_entries=4)
    assert cache.fill([])
    for chat_id in range(5):
        cache.pop(chat_id)
    assert not cache.complete and not known_english(cache, 99, "{}", "en")
