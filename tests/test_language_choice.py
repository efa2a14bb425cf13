"""Issue 16, points 1 and 5: the runner's language, from /start's first message on.

/start takes it from Telegram's ``language_code`` (never a neighbour's: "uk" and "fr" get
English and the menu), keeps it (the draft, then the runner row), and a stored choice
wins over the code; /language changes it any time, mid-onboarding too (the open question
again, in the new language, no answer lost); reminders and previews follow it; the
bot's profile (commands, description, short description) is set in every language, and
the stub refuses what Telegram refuses.

Until the translators finish, the ru/es/pt-BR/de folders may hold English words for
most keys: these tests compare with ``content.speaking(code).texts(key)``, or assert on
messages/language.toml's keys, which are translated.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from telegram.error import BadRequest

from bot.app import COMMANDS
from bot.content import Content
from bot.messages import onboarding as Q
from bot.messages.callbacks import LanguageButton
from testkit.harness import CHAT, FakeClock, onboard, runner_row, shared_content
from tests.conftest import Make
from tests.onboarding_steps import stored_draft

BERLIN = ZoneInfo("Europe/Berlin")


def speaking(code: str) -> Content:
    return shared_content().speaking(code)


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN).astimezone(UTC)


def welcome(code: str, line_key: str = "languages.chosen") -> str:
    t = speaking(code).texts
    return t("onboarding.welcome", name="Runner") + "\n\n" + t(line_key)


def first_question(code: str) -> str:
    return Q.question(speaking(code).texts, "run_days", {})[0]


def button_labels(message: dict[str, Any]) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [button["text"] for row in markup.get("inline_keyboard", []) for button in row]


def button_data(message: dict[str, Any]) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [button["callback_data"] for row in markup.get("inline_keyboard", []) for button in row]


# ---- /start: Telegram's code chooses ------------------------------------------------------


@pytest.mark.parametrize(
    ("telegram_code", "language"),
    [
        ("ru", "ru"),
        ("pt-br", "pt-BR"),
        ("pt", "pt-BR"),
        ("es-419", "es"),
        ("es-MX", "es"),
        ("de-AT", "de"),
        ("de", "de"),
        ("en", "en"),
    ],
)
async def test_start_speaks_the_language_telegram_chose_and_says_so(
    make: Make, telegram_code: str, language: str
) -> None:
    bot = await make(telegram_code)
    greeting, question = await bot.say("/start")
    assert greeting["text"] == welcome(language)
    change = speaking(language).texts("languages.change_button")
    assert button_labels(greeting) == [change]
    assert button_data(greeting) == [LanguageButton().pack()]
    assert question["text"] == first_question(language)
    # Kept in the draft, so every later answer (and the runner row) has it.
    assert (await stored_draft(bot))["answers"]["language"] == language


@pytest.mark.parametrize("telegram_code", ["uk", "fr", "kk", None])
async def test_a_language_the_coach_does_not_speak_gets_english_and_the_menu(
    make: Make, telegram_code: str | None
) -> None:
    """Never a neighbour's guess: Ukrainian is not Russian. English, and every language
    by its own name to pick from."""
    bot = await make(telegram_code)
    greeting, question = await bot.say("/start")
    assert greeting["text"] == welcome("en", "languages.not_shipped")
    names = [speaking(code).language.name for code in shared_content().codes]
    shown = button_labels(greeting)
    assert len(shown) == len(names) and "✅ English" in shown
    assert {label.removeprefix("✅ ") for label in shown} == set(names)
    assert question["text"] == first_question("en")


async def test_a_stored_choice_wins_over_telegrams_code(make: Make) -> None:
    bot = await make("ru")
    [switched] = await bot.say("/language de")
    assert switched["text"] == speaking("de").texts("languages.switched")
    greeting, question = await bot.say("/start")
    # No "I'll speak …" line: the runner chose already.
    assert greeting["text"] == speaking("de").texts("onboarding.welcome", name="Runner")
    assert question["text"] == first_question("de")


# ---- /language ----------------------------------------------------------------------------


async def test_the_menu_lists_every_language_by_its_own_name_the_current_marked(
    make: Make,
) -> None:
    bot = await make("es")
    [menu] = await bot.say("/language")
    es = speaking("es").texts
    assert menu["text"] == es("languages.menu")
    expected = [
        es("languages.current", name=speaking(code).language.name)
        if code == "es"
        else speaking(code).language.name
        for code in shared_content().codes
    ]
    assert button_labels(menu) == expected
    assert "Русский" in expected and "Deutsch" in expected and "Português (Brasil)" in expected


async def test_a_switch_mid_onboarding_asks_the_open_question_again_in_the_new_language(
    make: Make,
) -> None:
    bot = await make("en")
    await bot.say("/start")
    await bot.say("tue thu sun")  # run days, typed: the long run is asked next
    answers = (await stored_draft(bot))["answers"]
    [menu] = await bot.say("/language")
    replies = await bot.press(menu["message_id"], LanguageButton("ru").pack())
    ru = speaking("ru").texts
    assert [reply["text"] for reply in replies] == [
        ru("languages.switched"),
        Q.question(ru, "long_run", answers)[0],
    ]
    kept = (await stored_draft(bot))["answers"]
    assert kept["run_days"] == answers["run_days"] and kept["language"] == "ru"
    # The rest of onboarding by the buttons' data (labels are Russian now), to the end.
    await bot.press(replies[-1]["message_id"], button_data(replies[-1])[0])
    for _ in range(20):
        message = bot.stub.sent_messages(CHAT)[-1]
        if ru("buttons.looks_good") in button_labels(message):
            break
        data = button_data(message)
        if not data:  # the timezone: a place typed
            await bot.say("Europe/Berlin")
            continue
        done = [d for d in data if d.endswith(":ok")]
        await bot.press(message["message_id"], (done or data)[0])
    await bot.tap(ru("buttons.looks_good"))
    row = await runner_row(bot)
    assert row.onboarded and row.language == "ru"


async def test_typed_language_by_code_or_name_and_an_unknown_one(make: Make) -> None:
    bot = await make("en")
    [reply] = await bot.say("/language Deutsch")
    assert reply["text"] == speaking("de").texts("languages.switched")
    [reply] = await bot.say("/language pt-br")
    assert reply["text"] == speaking("pt-BR").texts("languages.switched")
    [reply] = await bot.say("/language klingon")
    assert reply["text"] == speaking("pt-BR").texts("languages.unknown", text="klingon")
    assert len(button_labels(reply)) == len(shared_content().codes)


async def test_stale_forged_and_double_taps_are_answered_like_any_button(make: Make) -> None:
    bot = await make("de")
    await bot.say("/start")
    [menu] = await bot.say("/language")
    before = len(bot.stub.sent_messages(CHAT))
    await bot.press(menu["message_id"], "v1:lang:xx")  # no such language
    await bot.press(menu["message_id"], "v1:lang:r:u")  # forged
    stale = speaking("de").texts("misc.stale_button")
    assert bot.callback_answers()[-2:] == [stale, stale]
    assert len(bot.stub.sent_messages(CHAT)) == before
    first = await bot.press(menu["message_id"], LanguageButton("es").pack())
    assert first[0]["text"] == speaking("es").texts("languages.switched")
    again = await bot.press(menu["message_id"], LanguageButton("es").pack())
    assert again == []  # a double tap changes nothing and says nothing twice


async def test_a_group_chat_is_answered_in_the_users_language(make: Make) -> None:
    bot = await make("ru")
    bot.stub.set_language_code(-100, "ru")
    bot.stub.send_text(-100, "/start", chat_type="group")
    await bot.pump()
    [reply] = bot.stub.sent_messages(-100)
    link = f"https://t.me/{bot.stub.bot_username}"
    assert reply["text"] == speaking("ru").texts("misc.group_only_private", link=link)


async def test_delete_forgets_the_language_with_the_rest(make: Make) -> None:
    bot = await make("ru")
    await bot.say("/language es")
    await bot.say("/delete")
    await bot.tap(speaking("es").texts("buttons.delete_yes"))
    greeting, _ = await bot.say("/start")
    assert greeting["text"] == welcome("ru")


# ---- after setup: everything the runner gets follows the language --------------------------


async def test_reminders_and_previews_come_in_the_language_chosen_after_setup(
    make: Make, clock: FakeClock
) -> None:
    clock.set(berlin(2026, 11, 26, 6, 0))
    bot = await make("en")
    await onboard(bot)  # reminders at 07:00 Berlin, a session on Thursday 26 Nov
    assert (await runner_row(bot)).language == "en"
    await bot.say("/language ru")
    assert (await runner_row(bot)).language == "ru"
    clock.set(berlin(2026, 11, 26, 7, 0))
    assert (await bot.tick()).sent == 1
    reminder = bot.stub.sent_messages(CHAT)[-1]
    assert reminder["text"].startswith(speaking("ru").texts("misc.reminder_intro"))
    labels = button_labels(reminder)
    assert speaking("ru").texts("buttons.done") in labels
    # Sunday's preview of next week: its days in Russian (CLDR), whatever words are left.
    clock.set(berlin(2026, 11, 29, 18, 0))
    await bot.tick()
    preview = bot.stub.sent_messages(CHAT)[-1]
    assert preview["message_id"] != reminder["message_id"]
    assert re.search("[а-яё]", preview["text"].casefold()), preview["text"]


async def test_a_restart_keeps_the_language(make: Make) -> None:
    bot = await make("en")
    await onboard(bot)
    await bot.say("/language de")
    await bot.restart()
    [reply] = await bot.say("/language")
    assert reply["text"] == speaking("de").texts("languages.menu")


# ---- the bot's profile in every language ------------------------------------------------


async def test_the_profile_is_set_in_every_language(make: Make) -> None:
    bot = await make("en")
    assert sorted(bot.stub.profile_languages(), key=str) == sorted(
        [None, "de", "es", "pt", "ru"], key=str
    )
    pairs = [(None, "en"), ("ru", "ru"), ("es", "es"), ("pt", "pt-BR"), ("de", "de")]
    for telegram, code in pairs:
        t = speaking(code).texts
        profile = bot.stub.profile(telegram)
        assert [c["command"] for c in profile["commands"]] == list(COMMANDS)
        assert [c["description"] for c in profile["commands"]] == [
            t(f"commands.{name}") for name in COMMANDS
        ]
        assert profile["description"] == t("about.description")
        assert profile["short_description"] == t("about.short_description")
    assert {"command": "language", "description": "Сменить язык"} in bot.stub.profile("ru")[
        "commands"
    ]


async def test_the_stub_refuses_what_telegram_refuses(make: Make) -> None:
    bot = await make("en")
    api = bot.application.bot
    from telegram import BotCommand

    with pytest.raises(BadRequest):
        await api.set_my_short_description("x" * 121, language_code="ru")
    with pytest.raises(BadRequest):
        await api.set_my_description("x" * 513)
    with pytest.raises(BadRequest):
        await api.set_my_commands([BotCommand("Start", "Set up")])
    with pytest.raises(BadRequest):
        await api.set_my_commands([BotCommand("start", "x" * 257)])
    with pytest.raises(BadRequest):
        await api.set_my_commands([BotCommand("start", "Set up")], language_code="pt-BR")
    # What it refused left the profile as it was.
    assert bot.stub.profile("ru")["short_description"] == speaking("ru").texts(
        "about.short_description"
    )


async def test_a_switch_in_settings_shows_the_settings_menu_again_in_the_new_language(
    make: Make,
) -> None:
    bot = await make("en")
    await onboard(bot)
    await bot.say("/settings")
    replies = await bot.say("/language de")
    de = speaking("de").texts
    assert replies[0]["text"] == de("languages.switched")
    assert de("settings.menu") in replies[1]["text"]
    assert button_data(replies[1]) == button_data(bot.stub.sent_messages(CHAT)[-3])


async def test_cancel_mid_onboarding_keeps_a_choice_kept_only_in_the_draft(make: Make) -> None:
    """The draft held the choice (no runner row yet); /cancel ends the conversation but
    keeps the language the runner chose, over Telegram's code (a draft holding only it)."""
    bot = await make("ru")
    await bot.say("/start")
    await bot.say("/language de")
    await bot.say("/cancel")
    [menu] = await bot.say("/language")
    assert menu["text"] == speaking("de").texts("languages.menu")


# ---- the cost: a read only when the answer could be another language ------------------


async def test_after_a_start_an_english_runners_message_costs_no_language_read(
    make: Make, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At start every non-English runner row is held (``LanguageCache.fill``): a runner
    not held whose Telegram app says English speaks English whatever their row says, so
    nothing is read for them. One whose app says Russian is read once (their row may
    say English: the stored choice wins), then held."""
    from bot.store import runners

    bot = await make("en")
    await onboard(bot)
    await bot.restart()
    assert bot.deps.language_cache.complete
    reads: list[int] = []
    real = runners.language_of

    async def counted(session: Any, chat_id: int) -> str | None:
        reads.append(chat_id)
        return await real(session, chat_id)

    monkeypatch.setattr(runners, "language_of", counted)
    await bot.say("/week")
    await bot.say("/today")
    assert reads == []
    bot.stub.set_language_code(CHAT, "ru")
    [menu] = await bot.say("/language")
    assert menu["text"] == speaking("en").texts("languages.menu")  # the row's English wins
    await bot.say("/week")
    assert reads == [CHAT]


async def test_a_reminder_sent_before_a_switch_stays_a_reminder_when_swapped(
    make: Make, clock: FakeClock
) -> None:
    """Swapping an exercise on a reminder keeps its ⏰ Later button; one sent in English
    before the runner chose German is still known for a reminder."""
    clock.set(berlin(2026, 11, 26, 6, 0))
    bot = await make("en")
    await onboard(bot)
    clock.set(berlin(2026, 11, 26, 7, 0))
    assert (await bot.tick()).sent == 1
    reminder = bot.stub.sent_messages(CHAT)[-1]
    await bot.say("/language de")
    swap = next(data for data in button_data(reminder) if data.startswith("v1:swp:"))
    [which] = await bot.press(reminder["message_id"], swap)
    [options] = await bot.press(which["message_id"], button_data(which)[0])
    [done] = await bot.press(options["message_id"], button_data(options)[0])
    assert any(data.startswith("v1:snz:") for data in button_data(done)), button_data(done)
