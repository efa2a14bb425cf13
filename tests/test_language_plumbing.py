"""Issue 16: every word a runner reads comes from THEIR language's Content.

``deps.content`` is English's Content (and the door to every language:
``deps.content.speaking(code)``). A handler, job or service that reads its texts,
catalogue or phrases directly speaks English to every runner, so this file reads bot/
and names each such use. Handlers speak through ``bot.handlers.language.speaking(deps)``
(the language this update is answered in); jobs through
``deps.content.speaking(runner.language)``.

The places that legitimately want English, and why:

- bot/demo.py: the terminal demo's own frame ("coach>", "(buttons gone)") and the week
  words of what the person at the terminal types; the coach inside it still speaks
  through the handlers, in the demo runner's language.
- bot/content.py, bot/languages.py: where the languages are loaded.
"""

from __future__ import annotations

import re
from pathlib import Path

BOT = Path(__file__).resolve().parents[1] / "bot"

# What ``deps.content`` may be asked without picking English's words: a language, the
# one Telegram's code chooses, the codes shipped.
LANGUAGE_NEUTRAL = ("speaking", "for_telegram", "codes")
# Files where English is wanted (the module docstring says why).
ENGLISH_ON_PURPOSE = {"demo.py", "content.py", "languages.py"}
SCANNED = ("handlers", "jobs", "services")

_USE = re.compile(r"\b(?:deps|get_deps\([^)]*\))\.content\.(\w+)")
_LOADED_WORDS = re.compile(r"\bload_week_words\(|\bload_load_words\(")


def _scanned_files() -> list[Path]:
    files = [path for folder in SCANNED for path in sorted((BOT / folder).rglob("*.py"))]
    return [*files, BOT / "app.py", BOT / "main.py", BOT / "deps.py", BOT / "housekeeping.py"]


def english_uses(text: str) -> list[tuple[int, str]]:
    """(line, what) for each read of English's words in one file's text."""
    found: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        code = line.split("#", 1)[0]
        for match in _USE.finditer(code):
            if match.group(1) not in LANGUAGE_NEUTRAL:
                found.append((number, match.group(0)))
        for match in _LOADED_WORDS.finditer(code):
            found.append((number, match.group(0)))
    return found


def test_no_handler_job_or_service_reads_englishs_words_directly() -> None:
    problems = [
        f"{path.relative_to(BOT.parent)}:{number}: {what}"
        for path in _scanned_files()
        if path.exists() and path.name not in ENGLISH_ON_PURPOSE
        for number, what in english_uses(path.read_text(encoding="utf-8"))
    ]
    assert not problems, "English's words where the runner's language belongs:\n" + "\n".join(
        problems
    )


def test_the_scan_finds_what_it_looks_for() -> None:
    """The scanner itself: each form of a direct read is named, the neutral ones are not."""
    text = (
        "t = deps.content.texts\n"
        "found = get_deps(context).content.phrases.understand(text)\n"
        "catalog = deps.content.catalog\n"
        "words = load_week_words()\n"
        "content = deps.content.speaking(runner.language)\n"
        "code = deps.content.for_telegram(code)\n"
        "# deps.content.texts in a comment is not a use\n"
    )
    assert [number for number, _ in english_uses(text)] == [1, 2, 3, 4]
