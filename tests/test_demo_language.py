"""The demo in the runner's language (issue 16): ``strength-coach demo --language ru`` is
the coach and the terminal in Russian, from /start to a done, with no token; a language
the coach does not speak is refused naming the ones it does."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.content import load_content
from bot.demo import Options, main, parse_args
from tests.test_demo import _piped, _secrets_absent

CONTENT = load_content()


def plain(text: str) -> str:
    """A message's first words as the terminal prints them (no HTML, no placeholder)."""
    return re.sub(r"<[^>]+>", "", text.split("{")[0]).strip()[:20]


@pytest.mark.parametrize(("option", "code"), [("ru", "ru"), ("pt-br", "pt-BR"), ("de-AT", "de")])
def test_the_demo_speaks_the_language_asked_for(tmp_path: Path, option: str, code: str) -> None:
    t = CONTENT.speaking(code).texts
    demo = _piped(tmp_path, "--language", option)
    output, _ = demo.communicate("/start\n/clock\n", timeout=60)
    assert demo.returncode == 0, output
    assert t("demo.intro").splitlines()[0] in output
    assert plain(t("languages.chosen")) in output, output
    assert plain(t("onboarding.ask_run_days")) in output, output
    assert t("demo.bye", path="demo-data/coach.db") in output
    assert "Traceback" not in output
    _secrets_absent(output)


def test_the_language_option_and_a_wrong_one(capsys: pytest.CaptureFixture[str]) -> None:
    assert parse_args(["--language", "ru"]) == Options(Path("demo-data"), False, "ru")
    assert parse_args(["--language=de"]) == Options(Path("demo-data"), False, "de")
    assert main(["--language", "fr"]) == 2
    err = capsys.readouterr().err
    assert err.splitlines()[0] == CONTENT.texts(
        "demo.unknown_language", code="fr", codes=", ".join(CONTENT.codes)
    )
    assert main(["--language"]) == 2
    err = capsys.readouterr().err
    assert err.splitlines()[0].startswith("--language needs a CODE")
    assert "[--language CODE]" in err
