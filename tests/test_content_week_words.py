"""A broken content/phrases_week.toml stops the start, naming the file, like every other
content file: not a runner's first "long run on Sunday this week"."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.content import CONTENT_DIR, ContentError, load_content


def test_a_broken_week_phrases_file_stops_loading_and_names_it(tmp_path: Path) -> None:
    copy = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, copy)
    path = copy / "languages" / "en" / "phrases_week.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("this_week = [", "this_wek = [", 1))
    with pytest.raises(ContentError, match=r"phrases_week\.toml"):
        load_content(copy)
