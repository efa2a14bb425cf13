from tests.harness import CHAT, button_data
from bot.store.db import transaction
from bot.store import runners, drafts


async def test_explore(bot):
    await bot.say("/start")
    await bot.say("mon wed sat")
    await bot.say("No long run")
    await bot.say("none")
    await bot.say("No hard days")
    await bot.say("none")
    await bot.say("new")
    await bot.say("A gym")
    await bot.say("gym")
    await bot.say("3")
    await bot.say("7:00")
    # crash
    bot.app = None
    await bot.start()
    await bot.say("Berlin")
    await bot.say("/start")
    await bot.say("Berlin")
    await bot.tap("Change")
    await bot.tap("Back")
    await bot.tap("Run days")
    await bot.tap("Looks good")
    await bot.say("/start")
    await bot.say("done")
    await bot.say("/start")
    await bot.tap("Keep")
    await bot.say("/settings")
    await bot.say("hello")
    await bot.say("/cancel")
    bot.stub.send_text(-100123, "/start", chat_type="group")
    await bot.pump()
    print(bot.stub.transcript(CHAT))
    print(bot.stub.transcript(-100123))
    print(bot.callback_answers())
    assert 0
