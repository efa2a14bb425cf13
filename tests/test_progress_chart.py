"""The /progress picture (bot/messages/progress_chart.py), without Telegram: plain data in,
a PNG a phone shows well in both themes out (issue 15, points 2 and 8)."""

from __future__ import annotations

import io
import random
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest
from PIL import Image

from bench.chart_samples import LEGEND, generated_chart
from bot.messages.progress_chart import ChartData, Series, WeekBar, draw

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def picture(data: ChartData) -> Image.Image:
    png = draw(data)
    assert png.startswith(PNG_SIGNATURE)
    return Image.open(io.BytesIO(png))


def test_the_picture_is_a_modest_png_about_a_phone_screen_wide() -> None:
    png = draw(generated_chart(random.Random(1), lifts=2))
    image = Image.open(io.BytesIO(png))
    assert png.startswith(PNG_SIGNATURE)
    assert 900 <= image.width <= 1200, image.size
    assert len(png) < 200_000, len(png)


def test_the_picture_has_an_opaque_background_of_its_own_for_light_and_dark_themes() -> None:
    image = picture(generated_chart(random.Random(2))).convert("RGBA")
    for corner in ((0, 0), (image.width - 1, 0), (0, image.height - 1)):
        red, green, blue, alpha = image.getpixel(corner)  # type: ignore[misc]  # RGBA: 4 bands
        assert alpha == 255, corner
        assert min(red, green, blue) >= 230, (corner, red, green, blue)  # a light card


def test_a_third_panel_only_when_there_are_weights() -> None:
    with_weights = picture(generated_chart(random.Random(3), lifts=2))
    without = picture(generated_chart(random.Random(3), lifts=0))
    assert with_weights.width == without.width
    assert with_weights.height > without.height + 200


def test_latin_text_draws_without_a_missing_glyph_and_an_emoji_would_be_caught() -> None:
    data = generated_chart(random.Random(4), lifts=1)
    latin = replace(
        data,
        title="Tes 12 dernières semaines · Übungen ½ × ±",
        levels=tuple(replace(s, label=f"{s.label} Ñandú ç ø ß") for s in data.levels),
        legend={**LEGEND, "eased": "Semaine allégée", "lifts_axis": "kg – Gewicht"},
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        draw(latin)
        # The same check sees a glyph DejaVu Sans lacks: emoji stay out of the labels.
        with pytest.raises(UserWarning, match=r"[Gg]lyph"):
            draw(replace(data, title="Your weeks \U0001f4aa"))


def test_the_same_data_gives_the_same_bytes_also_from_several_threads_at_once() -> None:
    charts = [generated_chart(random.Random(seed), lifts=seed % 3) for seed in range(4)]
    alone = [draw(chart) for chart in charts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(draw, charts))
    assert together == alone


def test_every_mark_and_gaps_in_the_lines_draw() -> None:
    weeks = tuple(
        WeekBar(f"w{n}", planned=3 if mark != "paused" else 0, done=n % 4, mark=mark, moved=n % 2)
        for n, mark in enumerate(("full", "almost", "short", "paused", "eased", "rest", "now"))
    )
    gaps = Series("Legs", (None, 2.0, None, None, 3.0, 3.0, None))
    nothing = Series("Upper", (None,) * 7)
    data = ChartData("t", weeks, (gaps, nothing), (gaps,), "lb", LEGEND)
    assert draw(data).startswith(PNG_SIGNATURE)


def test_wrong_shapes_are_refused_where_they_are_built() -> None:
    with pytest.raises(ValueError, match="mark"):
        WeekBar("w", 3, 2, "great")
    week = WeekBar("w", 3, 2, "almost")
    with pytest.raises(ValueError, match="legend lacks"):
        ChartData("t", (week,), (), legend={"done": "Done"})
    with pytest.raises(ValueError, match="values for 1 weeks"):
        ChartData("t", (week,), (Series("Core", (1.0, 2.0)),), legend=LEGEND)
