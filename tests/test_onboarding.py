from tests.harness import CHAT, button_data


async def test_explore(bot):
    await bot.say("/start")
    await bot.tap("Done")
    await bot.say("Mon, Wed, Sat")
    await bot.say("tue")
    await bot.say("sat")
    await bot.say("sat")
    await bot.say("wed")
    await bot.say("banana")
    await bot.say("some")
    await bot.restart()
    await bot.say("kettlebell")
    await bot.say("yes")
    await bot.say("2")
    await bot.say("25:99")
    await bot.say("6.45 pm")
    await bot.say("Xyzzyville")
    await bot.share_location(52.52, 13.40)
    await bot.tap("Change")
    await bot.tap("Reminder time")
    await bot.say("7am")
    pass
    await bot.say("/start")
    print(bot.stub.transcript(CHAT))
    print(bot.callback_answers())
    for m in bot.stub.calls_to("sendMessage")[-40:]:
        print(m.params.get("reply_markup"))
    assert 0
