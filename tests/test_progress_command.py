"""/progress as a runner uses it: one photo with a short caption (streak, "X of the last Y
weeks", sessions, minutes, each focus's level and where it started, the loads, one line of
coaching), a friendly text before the first session, "send /start" before set-up, and the
caption as text when the picture cannot be drawn. Issue 15, points 2, 8 (the caption) and
10."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from telegram import Chat

from bot.coach.progress import CHART_WEEKS, LiftSeries, Progress
from bot.coach.streaks import WeekFacts, monday_of, tally
from bot.coach.week import Focus
from bot.drawing import DRAWER_KEY, Drawer
from bot.handlers import progress as progress_handler
from bot.messages import progress as progress_messages
from bot.messages import progress_chart
from bot.messages.progress import MAX_CAPTION, caption, chart_data, coaching
from bot.messages.progress_chart import ChartData
from bot.messages.views import utf16_len
from testkit.harness import BotHarness, onboard, shared_content

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
OTHER = 5151
SLOW_MACHINE_DRAW_S = 180.0
TODAY = date(2026, 11, 26)  # the clock fixture's Thursday


# ---------------------------------------------------------------- a Progress built by hand


def weeks_of(done: Sequence[int], planned: int = 3, *, today: date = TODAY) -> list[WeekFacts]:
    """One WeekFacts per count in ``done``, the last one this week."""
    first = monday_of(today) - timedelta(weeks=len(done) - 1)
    return [
        WeekFacts(monday=first + timedelta(weeks=index), planned=planned, done=count)
        for index, count in enumerate(done)
    ]


def progress_of(
    done: Sequence[int],
    *,
    planned: int = 3,
    foci: Sequence[Focus] = (Focus.LEGS, Focus.UPPER),
    start: dict[Focus, tuple[int, date]] | None = None,
    now: dict[Focus, int] | None = None,
    lifts: Sequence[LiftSeries] = (),
    unit: str = "kg",
    minutes_total: int = 0,
    today: date = TODAY,
) -> Progress:
    streak = tally(weeks_of(done, planned, today=today), today)
    shown = streak.weeks[-CHART_WEEKS:]
    started = start if start is not None else {focus: (2, date(2026, 10, 14)) for focus in foci}
    level_now = (
        now if now is not None else {focus: started.get(focus, (2, TODAY))[0] for focus in foci}
    )
    return Progress(
        today=today,
        weeks=shown,
        streak=streak,
        foci=tuple(foci),
        levels={focus: tuple(level_now[focus] for _ in shown) for focus in foci},
        level_now=level_now,
        level_start=started,
        done_total=sum(done),
        done_this_month=done[-1],
        minutes_total=minutes_total,
        lifts=tuple(lifts),
        first_day=None if not sum(done) else monday_of(today) - timedelta(weeks=len(done)),
        weight_unit=unit,
    )


def lift(exercise: str, first_kg: float, last_kg: float, weeks: int = CHART_WEEKS) -> LiftSeries:
    kg = tuple([None] * (weeks - 2) + [first_kg, last_kg])
    return LiftSeries(
        exercise=exercise,
        kg=kg,
        first=(date(2026, 10, 14), first_kg),
        last=(date(2026, 11, 24), last_kg),
    )


def plain(html_text: str) -> str:
    return re.sub(r"<[^>]+>", "", html_text)


# ------------------------------------------------------------------------- the caption


def test_the_caption_names_the_streak_the_weeks_the_sessions_and_each_focus() -> None:
    progress = progress_of(
        [3, 3, 2, 3, 3, 1],
        start={Focus.LEGS: (3, date(2026, 10, 14)), Focus.UPPER: (2, date(2026, 10, 17))},
        now={Focus.LEGS: 6, Focus.UPPER: 2},
        minutes_total=15 * 22,
    )
    text = plain(caption(shared_content(), progress))
    assert (
        "Streak: 4 weeks\n" in text and "4 weeks in a row — your best yet" in text
    )  # the current one is the best
    assert "4 of the last 5 weeks" in text  # this week is still going: not judged yet
    assert "This month: 1 session · in all: 15 sessions, 5 h 30 min" in text
    assert "Legs: level 3 → 6 since 14 Oct" in text
    assert "Upper body: level 2 since 17 Oct" in text


def test_a_date_of_another_year_says_the_year() -> None:
    progress = progress_of([3, 3], start={Focus.LEGS: (1, date(2025, 12, 30))}, foci=[Focus.LEGS])
    assert "since 30 Dec 2025" in plain(caption(shared_content(), progress))


def test_loads_read_first_to_latest_in_the_runners_unit() -> None:
    loads = [lift("goblet_squat", 12, 16), lift("dumbbell_rdl", 20, 20)]
    text = plain(caption(shared_content(), progress_of([3, 3], lifts=loads)))
    assert "Goblet squat: 12 → 16 kg since 14 Oct" in text
    assert "Dumbbell Romanian deadlift: 20 kg since 14 Oct" in text
    pounds = plain(caption(shared_content(), progress_of([3, 3], lifts=loads, unit="lb")))
    assert "Goblet squat: 26.5 → 35.3 lb since 14 Oct" in pounds


def test_the_caption_fits_telegrams_1024_with_long_names_and_all_three_foci() -> None:
    """Three foci, three lifts whose names are far longer than the catalogue's (an id no
    longer in the catalogue shows as itself), in pounds, with a year of weeks: within 1024
    UTF-16 units (emoji count twice), and the streak and the coaching line still there."""
    long = "🏋️ " + "Single-leg Romanian deadlift with a very long name " * 4
    progress = progress_of(
        [3] * 52,
        foci=list(Focus),
        start={focus: (1, date(2025, 12, 1)) for focus in Focus},
        now={focus: 12 for focus in Focus},
        lifts=[lift(f"{long}{index}", 100.5, 142.5) for index in range(3)],
        unit="lb",
        minutes_total=52 * 3 * 45,
    )
    text = caption(shared_content(), progress)
    assert utf16_len(text) <= MAX_CAPTION
    assert "Streak" in text and "💬" in text
    assert all(
        f"{shared_content().texts(f'focus.{focus.value}')}: level 1 → " in text for focus in Focus
    )


@settings(max_examples=60, deadline=None)
@given(
    done=st.lists(st.integers(0, 4), min_size=1, max_size=60),
    foci=st.lists(st.sampled_from(list(Focus)), min_size=1, max_size=3, unique=True),
    names=st.lists(st.text(min_size=1, max_size=300), max_size=3),
    unit=st.sampled_from(["kg", "lb"]),
)
def test_any_caption_fits_and_keeps_its_html_whole(
    done: list[int], foci: list[Focus], names: list[str], unit: str
) -> None:
    progress = progress_of(
        done,
        foci=foci,
        lifts=[lift(name, 7.5, 300.0) for name in names],
        unit=unit,
        minutes_total=sum(done) * 60,
    )
    text = caption(shared_content(), progress)
    assert utf16_len(text) <= MAX_CAPTION
    # every tag opened is closed, and a runner's words never open one
    assert text.count("<b>") == text.count("</b>") and text.count("<i>") == text.count("</i>")
    assert "<" not in re.sub(r"</?[bi]>", "", text)


# ---------------------------------------------------------------------- the coaching line


def test_coaching_back_after_a_break_comes_first() -> None:
    rule = coaching(progress_of([3, 3, 3, 3, 3, 0, 0, 1], now={Focus.LEGS: 5, Focus.UPPER: 2}))
    assert rule.key == "progress_report.coach_back"
    # not a comeback: the gap was a single week
    assert coaching(progress_of([3, 3, 0, 2])).key != "progress_report.coach_back"
    # not a comeback: nothing before the empty weeks (a slow start)
    assert coaching(progress_of([0, 0, 0, 2])).key != "progress_report.coach_back"


def test_coaching_names_a_best_streak_of_four_weeks_or_more() -> None:
    line = progress_messages.coaching_line(shared_content(), progress_of([3, 3, 3, 3, 3, 1]))
    assert "5 weeks in a row — your best yet" in line
    # three weeks is a start: a level gained is worth more
    rule = coaching(
        progress_of(
            [3, 3, 3, 0],
            start={Focus.LEGS: (3, date(2026, 10, 14))},
            now={Focus.LEGS: 5},
            foci=[Focus.LEGS],
        )
    )
    assert rule.key == "progress_report.coach_level"


def test_coaching_names_the_biggest_level_gain_with_its_date() -> None:
    progress = progress_of(
        [3, 3, 2, 0],
        start={Focus.LEGS: (3, date(2026, 10, 14)), Focus.UPPER: (2, date(2026, 10, 17))},
        now={Focus.LEGS: 5, Focus.UPPER: 3},
    )
    line = plain(progress_messages.coaching_line(shared_content(), progress))
    assert "Legs went up 2 levels since 14 Oct" in line


def test_coaching_names_a_heavier_lift_then_one_short_then_the_streak_then_the_start() -> None:
    content = shared_content()
    loads = [lift("goblet_squat", 12, 16)]
    assert "Goblet squat: 4 kg heavier since 14 Oct" in plain(
        progress_messages.coaching_line(content, progress_of([3, 0], lifts=loads))
    )
    assert coaching(progress_of([3, 3, 2, 0])).key == "progress_report.coach_almost"
    assert coaching(progress_of([3, 3, 0])).key == "progress_report.coach_streak"
    assert coaching(progress_of([3, 0])).key == "progress_report.coach_start"
    assert coaching(progress_of([0])).key == "progress_report.coach_start"


# ---------------------------------------------------------------------- the picture's data


def test_the_picture_data_has_a_bar_per_week_a_line_per_focus_and_the_lifts_in_pounds() -> None:
    progress = progress_of([3, 2, 3], lifts=[lift("goblet_squat", 12, 16, weeks=3)], unit="lb")
    data = chart_data(shared_content(), progress)
    assert isinstance(data, ChartData)
    assert [bar.done for bar in data.weeks] == [3, 2, 3]
    assert [bar.mark for bar in data.weeks] == ["full", "almost", "full"]
    assert data.weeks[-1].label == "23 Nov"
    assert [series.label for series in data.levels] == ["Legs", "Upper body"]
    [squat] = data.lifts
    assert squat.label == "Goblet squat" and squat.values == (None, 26.5, 35.3)
    assert data.lift_unit == "lb"
    for words in (data.title, *data.legend.values(), *(bar.label for bar in data.weeks)):
        assert words.isascii() or all(ord(char) < 0x2000 for char in words), words


# ------------------------------------------------------------------ through the real bot


class SharedDrawer(Drawer):
    """A drawer the file's journeys share: an application's shutdown leaves it running."""

    def close(self) -> None:
        return None

    def close_for_good(self) -> None:
        super().close()


@pytest.fixture(scope="module")
def drawer() -> Iterator[SharedDrawer]:
    """One drawer for the file's journeys: its worker process starts (and imports
    matplotlib, ~1.5 s) once, not once per test; closed after the last. Its first chart
    took 27 s on this 2-core machine at load 12 (the suite and other work beside it),
    near the bot's 30 s limit: these journeys check what is sent, not how fast, so they
    wait longer."""
    shared = SharedDrawer(1, timeout=SLOW_MACHINE_DRAW_S)
    yield shared
    shared.close_for_good()


@pytest.fixture(autouse=True)
def shared_drawer(request: pytest.FixtureRequest, drawer: SharedDrawer) -> None:
    if "bot" in request.fixturenames:
        bot: BotHarness = request.getfixturevalue("bot")
        bot.application.bot_data[DRAWER_KEY] = drawer


def photos_in(replies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [reply for reply in replies if "photo_bytes" in reply]


async def test_progress_sends_one_photo_with_a_caption_naming_the_streak_and_levels(
    bot: BotHarness,
) -> None:
    await onboard(bot)
    await bot.say("done")  # Thursday's legs session
    replies = await bot.say("/progress")
    [photo] = photos_in(replies)
    assert replies == [photo]
    assert photo["photo_bytes"].startswith(PNG_SIGNATURE)
    assert 1_000 < len(photo["photo_bytes"]) < 500_000
    text = plain(photo["text"])
    assert "Streak" in text and "Legs: level" in text and "since 26 Nov" in text
    assert "in all: 1 session" in text and "💬" in text
    # the chat showed "sending a photo…" while it drew
    calls = [(c.method, c.params.get("action")) for c in bot.stub.calls if "chat_id" in c.params]
    assert calls[-2:] == [("sendChatAction", "upload_photo"), ("sendPhoto", None)]


async def test_two_runners_see_only_their_own_figures(bot: BotHarness) -> None:
    await onboard(bot)
    other = BotHarness(stub=bot.stub, sessions=bot.sessions, clock=bot.clock, chat_id=OTHER)
    other.app = bot.app
    other.sleeps = bot.sleeps
    await onboard(other)
    await bot.say("done")
    bot.clock.advance(days=2)  # Saturday: upper body
    await bot.say("done")
    [mine] = photos_in(await bot.say("/progress"))
    assert "in all: 2 sessions" in plain(mine["text"])
    [theirs] = await other.say("/progress")
    assert "photo_bytes" not in theirs and "Nothing to chart yet" in theirs["text"]
    await other.say("done")
    [theirs] = photos_in(await other.say("/progress"))
    assert "in all: 1 session" in plain(theirs["text"])
    assert [upload.chat_id for upload in bot.stub.uploads()] == [bot.chat_id, OTHER]


async def test_before_the_first_session_a_friendly_text_not_an_empty_chart(
    bot: BotHarness,
) -> None:
    await onboard(bot)
    [reply] = await bot.say("/progress")
    assert "Nothing to chart yet" in reply["text"] and "/today" in reply["text"]
    assert bot.stub.uploads() == []


async def test_a_runner_not_set_up_is_asked_to_start(bot: BotHarness) -> None:
    [reply] = await bot.say("/progress")
    assert "/start" in reply["text"]
    assert bot.stub.uploads() == []


async def test_weights_logged_show_in_the_caption(bot: BotHarness) -> None:
    await onboard(bot, equipment="dumbbells")
    await bot.say("done, goblet squat 12 kg")
    bot.clock.advance(weeks=1)
    await bot.say("done, goblet squat 16 kg")
    [photo] = photos_in(await bot.say("/progress"))
    assert "Goblet squat: 12 → 16 kg since 26 Nov" in plain(photo["text"])
    await bot.say("/units lb")
    [photo] = photos_in(await bot.say("/progress"))
    assert "Goblet squat: 26.5 → 35.3 lb since 26 Nov" in plain(photo["text"])


class SlowSlot(Drawer):
    """A chart that waits for a free slot (many runners asked at once) until ``ready`` is
    set, then draws in the test's own process."""

    def __init__(self, ready: asyncio.Event) -> None:
        super().__init__(1)
        self.ready = ready

    async def draw(self, data: ChartData) -> bytes:
        await asyncio.wait_for(self.ready.wait(), SLOW_MACHINE_DRAW_S)  # never a hang
        return progress_chart.draw(data)


async def test_sending_a_photo_shows_until_a_slow_picture_is_ready(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Telegram shows a chat action for 5 s at most: a chart that waits longer for a slot
    keeps "sending a photo…" on (sent again every ACTION_REFRESH_S) until it arrives."""
    await onboard(bot)
    await bot.say("done")
    shown_three_times = asyncio.Event()
    real = progress_handler.show_uploading

    async def counted(chat: Chat) -> None:
        await real(chat)
        if len(bot.stub.calls_to("sendChatAction")) >= 3:
            shown_three_times.set()

    monkeypatch.setattr(progress_handler, "show_uploading", counted)
    monkeypatch.setattr(progress_handler, "ACTION_REFRESH_S", 0.01)
    bot.application.bot_data[DRAWER_KEY] = SlowSlot(shown_three_times)
    [photo] = photos_in(await bot.say("/progress"))
    assert photo["photo_bytes"].startswith(PNG_SIGNATURE)
    actions = [call.params.get("action") for call in bot.stub.calls_to("sendChatAction")]
    assert len(actions) >= 3 and set(actions) == {"upload_photo"}


class DeadWorkers(Drawer):
    """A drawer whose worker died (killed, out of memory): ``bot.drawing`` says so with
    ``BrokenProcessPool``."""

    async def draw(self, data: ChartData) -> bytes:
        raise BrokenProcessPool("A child process terminated abruptly")


async def test_a_picture_that_cannot_be_drawn_leaves_the_caption_as_text(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    await onboard(bot)
    await bot.say("done")
    bot.application.bot_data[DRAWER_KEY] = DeadWorkers(1)
    with caplog.at_level(logging.ERROR):
        [reply] = await bot.say("/progress")
    assert "photo_bytes" not in reply and bot.stub.uploads() == []
    assert "Streak" in reply["text"] and "Legs: level" in reply["text"]
    assert "couldn't be drawn" in reply["text"]
    assert "Could not draw the /progress picture" in caplog.text
