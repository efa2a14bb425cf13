"""After tapping run days, a typed "that's all" in the runner's language is the Next
button (issue 16, point 4): "готово", "listo", "pronto", "fertig", and English's "done"
in any language. The words are content (``onboarding_words.finish_days``)."""

from __future__ import annotations

import pytest

from testkit.harness import BotHarness
from tests.onboarding_steps import flat_labels, stored_draft

FINISH = {"ru": "Готово!", "es": "listo", "pt-BR": "pronto", "de": "Fertig.", "en": "done"}


@pytest.mark.parametrize(("code", "said"), [*FINISH.items(), ("de", "done"), ("ru", "ok")])
async def test_typed_finish_after_tapping_days_moves_on(
    bot: BotHarness, code: str, said: str
) -> None:
    await bot.say(f"/language {code}")
    replies = await bot.say("/start")
    question = replies[-1]
    assert (await stored_draft(bot))["step"] == "run_days"
    first, second = flat_labels(question)[:2]
    await bot.tap(first, question)
    await bot.tap(second, question)
    await bot.say(said)
    draft = await stored_draft(bot)
    assert draft["step"] != "run_days", f"{code}: {said!r} did not finish the days"
    assert draft["answers"]["run_days"] == [0, 1]
