"""Onboarding typed end to end in each language, through the real bot (issue 16, point
4): after /language, every question of /start answered by typing as a runner of that
language would (days, long run, hard days, experience, equipment, pull-up bar, sessions,
length, reminder time, city, race date and distance, the summary's yes), and the runner
stored is the one those answers mean."""

from __future__ import annotations

from datetime import date

import pytest

from testkit.harness import BotHarness
from tests.onboarding_steps import stored_draft, stored_runner

# What a runner of each language types, one answer a question, in the bot's order.
TYPED = {
    "ru": ["пн, ср и сб", "в субботу", "интервалы в среду", "новичок", "ничего", "есть",
           "три", "полчаса", "в 7 утра", "Мюнхен", "12 апреля", "полумарафон", "да, всё верно"],
    "es": ["lunes, miércoles y sábado", "el sábado", "series el miércoles", "principiante",
           "nada", "sí, tengo", "tres", "media hora", "a las 7 de la mañana", "Múnich",
           "12 de abril", "media maratón", "sí, perfecto"],
    "pt-BR": ["seg qua sáb", "sábado", "tiros na quarta", "iniciante", "nada", "tenho",
              "três", "meia hora", "às 7 da manhã", "Munique", "12 de abril",
              "meia maratona", "sim, tá certo"],
    "de": ["Mo, Mi, Sa", "am Samstag", "Intervalle am Mittwoch", "Anfänger", "nichts",
           "hab ich", "dreimal", "eine halbe Stunde", "um 7 Uhr", "München", "12. April",
           "Halbmarathon", "ja, passt"],
}  # fmt: skip


@pytest.mark.parametrize("code", list(TYPED))
async def test_onboarding_typed_in_the_runners_language(bot: BotHarness, code: str) -> None:
    await bot.say(f"/language {code}")
    await bot.say("/start")
    for text in TYPED[code]:
        step = (await stored_draft(bot)).get("step")
        await bot.say(text)
        after = await stored_draft(bot)
        assert after.get("step") != step or not after, f"{code}: {text!r} not taken at {step}"
    runner = await stored_runner(bot)
    assert runner is not None, code
    assert (runner.run_days, runner.long_run_day, runner.hard_days) == ("0,2,5", 5, "2")
    assert (runner.experience, runner.equipment, runner.sessions_per_week) == ("new", "none", 3)
    assert runner.timezone == "Europe/Berlin"
    assert runner.reminder_time == "07:00"
    assert runner.time_budget == 30
    assert runner.race_date == date(2027, 4, 12)
    assert runner.race_distance == "half"
    assert runner.pull_up_bar is True
