"""The demo chat (``strength-coach demo``, bot/demo.py), as a person uses it.

The process tests run ``python -m bot demo`` for real, in a temporary working directory,
and talk to it through a pseudo-terminal (as a person at a terminal does: a prompt, the
terminal's own echo) or a pipe; the bot inside is the real application polling a local
stand-in over HTTP. The pure pieces -- how messages and buttons print, which button a
typed line taps, how ``/clock`` reads a time -- are tested on their own.
"""

from __future__ import annotations

import io
import os
import pty
import re
import select
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from bot.coach.answers import BUDGETS
from bot.content import load_content, load_week_words
from bot.demo import (
    ANSI,
    DEMO_CHAT,
    DEMO_TOKEN,
    PLAIN,
    Choice,
    DemoClock,
    Options,
    Printer,
    button_lines,
    choices,
    demo_settings,
    forget,
    main,
    parse_args,
    parse_clock,
    pick,
    plain_text,
)
from bot.messages.onboarding import QUICK_TIMES
from testkit.stub_bot_api import StubBotAPI

ROOT = Path(__file__).resolve().parent.parent
WORDS = load_week_words()
BERLIN = ZoneInfo("Europe/Berlin")
# What the person's own setup holds; none of it may reach the demo or show in it.
SECRET_TOKEN = "987654321:SECRETsecretSECRETsecretSECRETsecret"
SECRET_PASSWORD = "hunter2-db-password"
SECRET_HOOK = "webhook-secret-do-not-show"


# ---- the chat, through a pseudo-terminal -----------------------------------------------------


class Terminal:
    """``python -m bot demo`` on a pseudo-terminal: type a line, read until the prompt."""

    PROMPT = "you> "

    def __init__(self, cwd: Path, env: dict[str, str]) -> None:
        master, slave = pty.openpty()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "demo"],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=cwd,
            env=env,
            close_fds=True,
        )
        os.close(slave)
        self.master = master
        self.output = ""

    def read_until(self, done: Callable[[str], bool], timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while not done(self.output):
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"the demo did not answer in time; it showed:\n{self.output}")
            ready, _, _ = select.select([self.master], [], [], left)
            if not ready:
                continue
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # the demo ended: the terminal is gone
                chunk = b""
            if not chunk:
                raise AssertionError(f"the demo ended early; it showed:\n{self.output}")
            self.output += chunk.decode("utf-8", "replace").replace("\r\n", "\n")

    def prompt(self) -> None:
        self.read_until(lambda seen: seen.endswith(self.PROMPT))

    def type(self, line: str) -> str:
        """What the demo showed after ``line``, up to its next prompt."""
        mark = len(self.output)
        os.write(self.master, (line + "\n").encode())
        self.read_until(lambda seen: len(seen) > mark + len(line) and seen.endswith(self.PROMPT))
        return self.output[mark:]

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        os.close(self.master)


def _hostile_setup(folder: Path) -> dict[str, str]:
    """A working directory and environment as a deployer's machine may have them: a .env
    with a real-looking token, a database password, a webhook; settings the demo must not
    read (a tick interval that is not a number would stop a bot that read it)."""
    (folder / ".env").write_text(
        f"TELEGRAM_BOT_TOKEN={SECRET_TOKEN}\n"
        f"DATABASE_URL=postgresql://coach:{SECRET_PASSWORD}@db.invalid:5432/coach\n"
        "TELEGRAM_WEBHOOK_URL=https://hook.invalid/coach\n"
        f"WEBHOOK_SECRET={SECRET_HOOK}\n"
        "HEALTH_PORT=9\n",
        encoding="utf-8",
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TEST_", "PYTEST", "COV_"))
    }
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "NO_COLOR": "1",
            "TELEGRAM_BOT_TOKEN": SECRET_TOKEN,
            "DATABASE_URL": f"postgresql://coach:{SECRET_PASSWORD}@db.invalid:5432/coach",
            "REMINDER_TICK_SECONDS": "not a number",
            "LOG_LEVEL": "DEBUG",
        }
    )
    return env


def _secrets_absent(*texts: str) -> None:
    for text in texts:
        for secret in (SECRET_TOKEN, SECRET_PASSWORD, SECRET_HOOK, DEMO_TOKEN):
            assert secret not in text


TIME_LINE = re.compile(r"── (\w{3}) (\d{4}-\d{2}-\d{2}), (\d{2}:\d{2}) \(Europe/Berlin\) ──")


def test_a_person_sets_up_their_week_gets_a_reminder_by_moving_the_clock_and_says_done(
    tmp_path: Path,
) -> None:
    started = time.monotonic()
    terminal = Terminal(tmp_path, _hostile_setup(tmp_path))
    try:
        terminal.prompt()
        assert "/clock" in terminal.output  # the intro says how time moves
        assert "[a] [b] [c]" in terminal.output  # and when buttons are lettered
        assert "demo-data/coach.db" in terminal.output  # and where the data lives

        shown = terminal.type("/start")
        assert "Which days do you run?" in shown
        assert "[1] Mon  [2] Tue  [3] Wed  [4] Thu" in shown
        assert "✓ Tue" in terminal.type("2")  # a number taps
        assert "✓ Thu" in terminal.type("THU")  # so does a label, in any case
        shown = terminal.type("sun")
        assert "Selected: Tue, Thu, Sun" in shown
        assert "long run" in terminal.type("done")  # "Done ➡️" without its arrow
        assert "hard sessions" in terminal.type("sun")
        terminal.type("tue")
        assert "How much strength training" in terminal.type("Done")
        assert "What can you train with?" in terminal.type("some")  # free text
        assert "pull-up bar" in terminal.type("dumbells")  # a typo the bot forgives
        # Buttons that are numbers are lettered; a typed number is text the bot reads.
        shown = terminal.type("no")
        assert "How many strength sessions" in shown
        assert "[a] 2 a week  [b] 3 a week" in shown
        shown = terminal.type("3")  # 3 a week, as the bot reads it
        assert "How long may a session take?" in shown
        assert "[a] 10 min  [b] 20 min  [c] 30 min" in shown
        shown = terminal.type("b")  # 20 min
        assert "When should I send your session?" in shown
        assert "[a] 06:30  [b] 07:00  [c] 12:00" in shown
        shown = terminal.type("7am")
        assert "Share my location" in shown  # Telegram's location button, explained
        assert "Europe/Berlin" in terminal.type("Berlni")
        shown = terminal.type("no race")
        assert "Your week" in shown
        assert "Reminders at 07:00 (Europe/Berlin)" in shown
        shown = terminal.type("looks good")
        assert "All set!" in shown
        assert re.search(
            r"Demo time: \w{3} \d{4}-\d{2}-\d{2}, \d{2}:\d{2} \(Europe/Berlin\)",
            terminal.type("/clock"),
        )

        # The demo says when the first reminder comes; /clock next goes there.
        tip = re.search(r"Your first reminder: (\w{3}) (\d{4}-\d{2}-\d{2}), 07:00", shown)
        assert tip is not None, shown
        assert f"Next reminder: {tip[1]} {tip[2]}, 07:00" in terminal.type("/clock")
        shown = terminal.type("/clock next")
        assert "✅ Done" in shown
        *_, (day, date, clock) = TIME_LINE.findall(shown)
        assert (day, date, clock) == (tip[1], tip[2], "07:00")
        assert f"Demo time is now {day} {date}, 07:00 (Europe/Berlin)" in shown

        # ⏰ Later, 30 min: the reminder comes again at 07:30 as the clock passes it.
        assert "[d] 30 min" in terminal.type("later")
        assert "07:30" in terminal.type("30 min")
        shown = terminal.type("/clock +1h")
        assert "✅ Done" in shown
        assert TIME_LINE.findall(shown.split("✅ Done")[0])[-1][2] == "07:30"

        shown = terminal.type("done")  # taps ✅ Done under the reminder
        assert "Logged" in shown
        shown = terminal.type("/week")
        assert "1 of 3 done" in shown
        assert f"✅ {day}" in shown

        # The session is logged; the job's next wake-up may be an instant where nothing
        # goes out (a re-offer of this session, which it then skips: the tester's "/clock
        # next" found nothing there). Such a wake-up, an hour on, stored as the bot would:
        # /clock names, and /clock next goes to, the next reminder that really comes.
        _wake_runner_at(tmp_path / "demo-data" / "coach.db", _demo_now(terminal) + HOUR)
        upcoming = re.search(
            r"Next reminder: (\w{3} \d{4}-\d{2}-\d{2}, 07:00)", terminal.type("/clock")
        )
        assert upcoming is not None, terminal.output[-400:]
        shown = terminal.type("/clock next")
        assert "✅ Done" in shown and "Nothing arrived" not in shown, shown
        assert f"Demo time is now {upcoming[1]}" in shown

        # Four days on: the next session (Tue, Thu and Sat hold one) falls inside the
        # jump and arrives at its time, 07:00 of its day, before the move ends -- not
        # recorded missed, as one tick at the end would (REMINDER_CATCHUP_HOURS).
        shown = terminal.type("/clock +4d")
        arrived = TIME_LINE.findall(shown)
        assert arrived == sorted(arrived, key=lambda found: (found[1], found[2]))
        end = re.search(r"Demo time is now \w{3} (\d{4}-\d{2}-\d{2})", shown)
        assert end is not None
        sessions = [
            found
            for found, block in zip(arrived, TIME_LINE.split(shown)[4::4], strict=True)
            if "✅ Done" in block
        ]
        assert any(when == "07:00" and date < end[1] for _, date, when in sessions), shown

        os.write(terminal.master, b"/quit\n")
        assert terminal.process.wait(timeout=10) == 0
        terminal.read_until(lambda seen: "Bye." in seen, timeout=5)
    finally:
        terminal.close()
    assert time.monotonic() - started < 30
    assert (tmp_path / "demo-data" / "coach.db").exists()
    log = (tmp_path / "demo-data" / "coach.log").read_text(encoding="utf-8")
    _secrets_absent(terminal.output, log)


HOUR = timedelta(hours=1)


def _demo_now(terminal: Terminal) -> datetime:
    """The demo's time, as ``/clock`` says it (to the minute)."""
    said = re.search(
        r"Demo time: \w{3} (\d{4}-\d{2}-\d{2}), (\d{2}:\d{2})", terminal.type("/clock")
    )
    assert said is not None
    return datetime.fromisoformat(f"{said[1]}T{said[2]}").replace(tzinfo=BERLIN)


def _wake_runner_at(database: Path, instant: datetime) -> None:
    """Store the runner's next wake-up as the bot stores it (the format of the value there)."""
    with closing(sqlite3.connect(database)) as connection, connection:
        (stored,) = connection.execute("SELECT next_reminder_utc FROM runners").fetchone()
        utc = instant.astimezone(UTC)
        value = utc.replace(tzinfo=None).isoformat(sep=stored[10]) if stored else utc.isoformat()
        if "." in stored and "." not in value:
            value += ".000000"
        connection.execute("UPDATE runners SET next_reminder_utc = ?", (value,))


def _piped(folder: Path, *options: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "demo", *options],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=folder,
        env=_hostile_setup(folder),
        text=True,
    )


def test_the_end_of_input_ends_the_demo_cleanly(tmp_path: Path) -> None:
    demo = _piped(tmp_path)
    output, _ = demo.communicate("/clock\n", timeout=30)
    assert demo.returncode == 0, output
    assert "you> /clock" in output  # piped lines are echoed, so the output reads as a chat
    assert "Demo time:" in output and "(UTC)" in output
    assert "Bye." in output
    assert "Traceback" not in output
    _secrets_absent(output)


def test_ctrl_c_ends_the_demo_cleanly_and_a_second_demo_on_the_same_data_is_refused(
    tmp_path: Path,
) -> None:
    demo = _piped(tmp_path)
    try:
        assert demo.stdout is not None and demo.stdin is not None
        demo.stdin.write("/clock\n")
        demo.stdin.flush()
        while "Demo time:" not in (line := demo.stdout.readline()):
            assert line, "the demo ended before answering /clock"
        second = subprocess.run(
            [sys.executable, "-m", "bot", "demo"],
            input="",
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=_hostile_setup(tmp_path),
            timeout=30,
        )
        assert second.returncode == 2
        assert "A demo already runs" in second.stderr
        demo.send_signal(signal.SIGINT)
        rest, _ = demo.communicate(timeout=15)
    finally:
        if demo.poll() is None:
            demo.kill()
    assert demo.returncode == 0, rest
    assert "Bye." in rest
    assert "Traceback" not in rest


def test_fresh_forgets_the_demo_and_nothing_else_in_its_folder(tmp_path: Path) -> None:
    for name in ("coach.db", "coach.db-wal", "coach.log", "clock.json", "notes.txt"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert forget(tmp_path) == ["coach.db", "coach.db-wal", "coach.log", "clock.json"]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["notes.txt"]
    assert forget(tmp_path) == []


def test_the_start_over_hint_names_the_folder_and_fresh_says_what_it_removed(
    tmp_path: Path,
) -> None:
    demo = _piped(tmp_path, "--dir", "r1")
    output, _ = demo.communicate("", timeout=30)
    assert demo.returncode == 0, output
    assert "Your demo data: r1/coach.db" in output
    assert "(start over: strength-coach demo --fresh --dir r1)" in output
    assert "Started over" not in output

    demo = _piped(tmp_path, "--dir", "r1", "--fresh")
    output, _ = demo.communicate("", timeout=30)
    assert demo.returncode == 0, output
    assert (
        output.splitlines()[0] == "Started over: removed coach.db, coach.log, clock.json from r1."
    )

    demo = _piped(tmp_path, "--fresh")
    output, _ = demo.communicate("", timeout=30)
    assert demo.returncode == 0, output
    assert output.splitlines()[0] == "Started over: there was no demo data in demo-data yet."
    assert "(start over: strength-coach demo --fresh)" in output


def test_the_clock_says_it_only_goes_forward(tmp_path: Path) -> None:
    demo = _piped(tmp_path)
    output, _ = demo.communicate("/clock -1d\n/clock -3h\n/clock yesterday\n", timeout=30)
    assert demo.returncode == 0, output
    assert output.count("The demo's clock only goes forward") == 2, output
    assert "I can't read “-1d” as a time" not in output
    assert "I can't read “yesterday” as a time" in output


def test_the_options_and_a_wrong_one(capsys: pytest.CaptureFixture[str]) -> None:
    default = parse_args([])
    assert default is not None and default.folder == Path("demo-data") and not default.fresh
    options = parse_args(["--fresh", "--dir", "elsewhere"])
    assert options is not None and options.fresh and options.folder == Path("elsewhere")
    assert parse_args(["--dir=x"]) == Options(Path("x"), False)
    assert main(["--frsh"]) == 2
    err = capsys.readouterr().err
    assert err.splitlines()[0] == "unknown option for demo: --frsh"
    assert "usage: strength-coach demo [--fresh] [--language CODE] [--dir FOLDER]" in err
    assert main(["--fresh", "--dir"]) == 2
    assert capsys.readouterr().err.splitlines()[0] == "--dir needs a FOLDER"


# ---- settings from code ----------------------------------------------------------------------


def test_the_demo_reads_no_setting_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    _hostile_setup(tmp_path)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", SECRET_TOKEN)
    monkeypatch.setenv("TELEGRAM_WEBHOOK_URL", "https://hook.invalid/coach")
    monkeypatch.setenv("REMINDER_TICK_SECONDS", "not a number")
    settings = demo_settings("http://127.0.0.1:1/bot", tmp_path / "demo.db")
    assert settings.telegram_bot_token.get_secret_value() == DEMO_TOKEN
    assert settings.telegram_base_url == "http://127.0.0.1:1/bot"
    assert settings.database_url.endswith(f"{tmp_path}/demo.db")
    assert settings.telegram_webhook_url is None
    assert settings.webhook_secret is None
    assert settings.health_port is None
    assert settings.reminder_tick_seconds == 60


# ---- what the terminal shows -------------------------------------------------------------------


KEYBOARD = {
    "inline_keyboard": [
        [{"text": "Mon", "callback_data": "a"}, {"text": "✓ Tue", "callback_data": "b"}],
        [{"text": "Done ➡️", "callback_data": "c"}],
    ]
}


def test_buttons_are_numbered_in_reading_order_a_line_per_row() -> None:
    rows = choices(KEYBOARD)
    assert button_lines(rows) == ["[1] Mon  [2] ✓ Tue", "[3] Done ➡️"]
    assert choices(None) == [] and choices({"keyboard": [["📍 Share"]]}) == []


@pytest.mark.parametrize(
    ("typed", "data"),
    [
        ("1", "a"),
        ("3", "c"),
        ("mon", "a"),
        ("MON", "a"),
        ("tue", "b"),  # the label without its mark
        ("✓ tue", "b"),
        ("done", "c"),
        ("  Done ➡️ ", "c"),
        ("4", None),  # no button 4: sent as text
        ("0", None),
        ("²", None),  # not an ASCII number
        ("monday", None),  # not a label: the bot reads it
        ("mon wed", None),
        ("", None),
    ],
)
def test_a_typed_line_taps_the_button_it_numbers_or_spells(typed: str, data: str | None) -> None:
    choice = pick(typed, choices(KEYBOARD))
    assert (choice.data if choice is not None else None) == data


def test_a_label_that_is_a_number_wins_over_the_position() -> None:
    rows = [[Choice(1, "2", "two", lettered=True), Choice(2, "1", "one", lettered=True)]]
    assert pick("1", rows) == Choice(2, "1", "one", lettered=True)
    assert pick("a", rows) == Choice(1, "2", "two", lettered=True)


def _keyboard(*rows: list[str]) -> dict[str, object]:
    return {
        "inline_keyboard": [
            [{"text": label, "callback_data": f"data:{label}"} for label in row] for row in rows
        ]
    }


TEXTS = load_content().texts
#: The setup's questions whose buttons are numbers, with their labels from content/.
SESSIONS = _keyboard([TEXTS("buttons.two"), TEXTS("buttons.three")])
LENGTHS = _keyboard(
    [TEXTS("buttons.minutes", minutes=m) for m in BUDGETS], [TEXTS("buttons.no_limit")]
)
TIMES = _keyboard(list(QUICK_TIMES[:3]), list(QUICK_TIMES[3:]), [TEXTS("buttons.no_reminders")])


@pytest.mark.parametrize(
    ("keyboard", "shown", "typed", "label"),
    [
        (SESSIONS, ["[a] 2 a week  [b] 3 a week"], "2", None),  # the bot reads 2 a week
        (SESSIONS, ["[a] 2 a week  [b] 3 a week"], "1", None),
        (SESSIONS, ["[a] 2 a week  [b] 3 a week"], "b", "3 a week"),
        (SESSIONS, ["[a] 2 a week  [b] 3 a week"], "B", "3 a week"),
        (SESSIONS, ["[a] 2 a week  [b] 3 a week"], "2 a week", "2 a week"),
        (LENGTHS, ["[a] 10 min  [b] 20 min  [c] 30 min", "[d] No limit"], "2", None),
        (LENGTHS, ["[a] 10 min  [b] 20 min  [c] 30 min", "[d] No limit"], "20", None),
        (LENGTHS, ["[a] 10 min  [b] 20 min  [c] 30 min", "[d] No limit"], "c", "30 min"),
        (LENGTHS, ["[a] 10 min  [b] 20 min  [c] 30 min", "[d] No limit"], "d", "No limit"),
        (
            TIMES,
            ["[a] 06:30  [b] 07:00  [c] 12:00", "[d] 18:00  [e] 19:30", "[f] No reminders"],
            "7",
            None,
        ),
        (
            TIMES,
            ["[a] 06:30  [b] 07:00  [c] 12:00", "[d] 18:00  [e] 19:30", "[f] No reminders"],
            "b",
            "07:00",
        ),
        (
            TIMES,
            ["[a] 06:30  [b] 07:00  [c] 12:00", "[d] 18:00  [e] 19:30", "[f] No reminders"],
            "07:00",
            "07:00",
        ),
        (KEYBOARD, ["[1] Mon  [2] ✓ Tue", "[3] Done ➡️"], "a", None),  # no number in any label
    ],
)
def test_buttons_that_are_numbers_are_lettered_and_a_typed_number_is_text(
    keyboard: dict[str, object], shown: list[str], typed: str, label: str | None
) -> None:
    """A digit never means two things: "2" under "[1] 2 a week [2] 3 a week" tapped
    "3 a week" where the bot reads a typed "2" as 2 a week (issue 14)."""
    rows = choices(keyboard)
    assert button_lines(rows) == shown
    choice = pick(typed, rows)
    assert (choice.label if choice is not None else None) == label


def test_keys_go_on_after_z() -> None:
    rows = choices(_keyboard([f"{n} min" for n in range(1, 29)]))
    assert [choice.key for choice in rows[0]][25:] == ["z", "aa", "ab"]
    assert pick("aa", rows) == rows[0][26]


def test_html_prints_as_plain_text() -> None:
    html = (
        "<b>Legs</b> &amp; <i>core</i> &lt;20 min&gt;\n"
        "<blockquote expandable>Why today: rest day\nCue: knees out</blockquote>\n"
        '<a href="https://example.org/x">the paper</a> <code>60 kg</code>'
    )
    assert plain_text(html) == (
        "Legs & core <20 min>\n│ Why today: rest day\n│ Cue: knees out\n"
        "the paper (https://example.org/x) 60 kg"
    )
    assert plain_text("<b>Legs</b>", ANSI) == "\x1b[1mLegs\x1b[22m"


def _bot_call(stub: StubBotAPI, method: str, **params: object) -> dict[str, object]:
    """A Bot API call as the bot makes it (form values as strings, the keyboard decoded),
    answered by the stand-in's dispatcher."""
    wire = {key: value if isinstance(value, dict) else str(value) for key, value in params.items()}
    _, answer = stub.dispatch(f"/bot{DEMO_TOKEN}/{method}", wire)
    assert answer["ok"], answer
    result = answer["result"]
    return result if isinstance(result, dict) else {}


def test_messages_edits_changed_buttons_and_pop_ups_print_once_each_in_order() -> None:
    stub = StubBotAPI()
    out = io.StringIO()
    printer = Printer(stub, load_content().texts, out, PLAIN)
    sent = _bot_call(
        stub,
        "sendMessage",
        chat_id=DEMO_CHAT,
        text="<b>Which days</b> do you run?",
        parse_mode="HTML",
        reply_markup=KEYBOARD,
    )
    assert printer.flush("── header ──") == 1
    assert out.getvalue() == (
        "── header ──\ncoach> Which days do you run?\n       [1] Mon  [2] ✓ Tue\n"
        "       [3] Done ➡️\n"
    )
    assert printer.latest == sent["message_id"]
    assert button_lines(printer.current_choices()) == ["[1] Mon  [2] ✓ Tue", "[3] Done ➡️"]
    assert printer.flush() == 0  # nothing twice
    _bot_call(
        stub,
        "editMessageText",
        chat_id=DEMO_CHAT,
        message_id=sent["message_id"],
        text="Which days do you run?\n→ Tue",
        parse_mode="HTML",
    )
    _bot_call(stub, "answerCallbackQuery", callback_query_id="1", text="Saved")
    _bot_call(
        stub,
        "editMessageReplyMarkup",
        chat_id=DEMO_CHAT,
        message_id=sent["message_id"],
        reply_markup={"inline_keyboard": []},
    )
    out.seek(0)
    out.truncate()
    assert printer.flush() == 3
    assert out.getvalue() == (
        "coach (edited)> Which days do you run?\n                → Tue\n"
        "coach (pop-up)> Saved\n"
        "coach (no more buttons under “Which days do you run?”)\n"
    )
    assert printer.current_choices() == []  # the edit took the buttons away


def test_a_photo_and_a_document_are_saved_and_named_with_their_caption(tmp_path: Path) -> None:
    """/progress and /export send files: the terminal names where each was saved."""
    stub = StubBotAPI()
    out = io.StringIO()
    printer = Printer(stub, load_content().texts, out, PLAIN, tmp_path)
    image = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(image, format="PNG")
    png = image.getvalue()
    stub.dispatch(
        f"/bot{DEMO_TOKEN}/sendPhoto",
        {
            "chat_id": str(DEMO_CHAT),
            "photo": {"data": png, "filename": "progress.png", "content_type": "image/png"},
            "caption": "<b>Streak:</b> 3 weeks",
            "parse_mode": "HTML",
        },
    )
    stub.dispatch(
        f"/bot{DEMO_TOKEN}/sendDocument",
        {
            "chat_id": str(DEMO_CHAT),
            "document": {
                "data": b"date,focus\n",
                "filename": "log.csv",
                "content_type": "text/csv",
            },
        },
    )
    assert printer.flush() == 2
    files = sorted(path.name for path in (tmp_path / "files").iterdir())
    assert files == ["log.csv", next(name for name in files if name.startswith("photo-"))]
    assert (tmp_path / "files" / "log.csv").read_bytes() == b"date,focus\n"
    photo = next(path for path in (tmp_path / "files").iterdir() if path.suffix == ".png")
    assert photo.read_bytes() == png
    printed = out.getvalue()
    assert f"[picture saved: {photo}, 1 kB]" in printed and "Streak: 3 weeks" in printed
    assert f"[file saved: {tmp_path / 'files' / 'log.csv'}, 1 kB]" in printed


# ---- the demo's clock --------------------------------------------------------------------------


THURSDAY_1805 = datetime(2026, 11, 26, 18, 5, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+1d", datetime(2026, 11, 27, 18, 5, tzinfo=BERLIN)),
        ("+3h", datetime(2026, 11, 26, 21, 5, tzinfo=BERLIN)),
        ("+30m", datetime(2026, 11, 26, 18, 35, tzinfo=BERLIN)),
        ("+1w", datetime(2026, 12, 3, 18, 5, tzinfo=BERLIN)),
        ("+1d12h", datetime(2026, 11, 28, 6, 5, tzinfo=BERLIN)),
        ("+ 2d", datetime(2026, 11, 28, 18, 5, tzinfo=BERLIN)),
        ("07:00", datetime(2026, 11, 27, 7, 0, tzinfo=BERLIN)),  # today's is past
        ("19:30", datetime(2026, 11, 26, 19, 30, tzinfo=BERLIN)),  # today's is ahead
        ("7", datetime(2026, 11, 27, 7, 0, tzinfo=BERLIN)),
        ("7am", datetime(2026, 11, 27, 7, 0, tzinfo=BERLIN)),
        ("6.45pm", datetime(2026, 11, 26, 18, 45, tzinfo=BERLIN)),
        ("12am", datetime(2026, 11, 27, 0, 0, tzinfo=BERLIN)),
        ("mon 07:00", datetime(2026, 11, 30, 7, 0, tzinfo=BERLIN)),
        ("Monday 7:00", datetime(2026, 11, 30, 7, 0, tzinfo=BERLIN)),
        ("thu 18:00", datetime(2026, 12, 3, 18, 0, tzinfo=BERLIN)),  # today's is past
        ("thu 19:00", datetime(2026, 11, 26, 19, 0, tzinfo=BERLIN)),
        ("tomorrow 19:00", datetime(2026, 11, 27, 19, 0, tzinfo=BERLIN)),  # not tonight's
        ("tomorrow 7am", datetime(2026, 11, 27, 7, 0, tzinfo=BERLIN)),
        ("today 19:00", datetime(2026, 11, 26, 19, 0, tzinfo=BERLIN)),
    ],
)
def test_clock_reads_a_step_or_the_next_such_time(text: str, expected: datetime) -> None:
    assert parse_clock(text, THURSDAY_1805, WORDS) == expected


@pytest.mark.parametrize(
    "text",
    [
        "+",
        "+0h",
        "-1d",
        "+1x",
        "25:00",
        "7:60",
        "13pm",
        "0am",
        "soon",
        "mon",
        "xyz 7:00",
        "today 07:00",  # past
    ],
)
def test_clock_refuses_what_is_not_a_time_ahead(text: str) -> None:
    assert parse_clock(text, THURSDAY_1805, WORDS) is None


def test_clock_steps_count_real_hours_across_a_change_of_summer_time() -> None:
    # Europe/Berlin leaves summer time on 25 Oct 2026 at 03:00: 3 h after 01:00 is 03:00.
    before = datetime(2026, 10, 25, 1, 0, tzinfo=BERLIN)
    after = parse_clock("+3h", before, WORDS)
    assert after is not None
    assert after.astimezone(UTC) == datetime(2026, 10, 25, 2, 0, tzinfo=UTC)  # 03:00 CET
    assert (after.astimezone(UTC) - before.astimezone(UTC)).total_seconds() == 3 * 3600


class _Fixed:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


def test_the_demo_clock_is_real_time_plus_an_offset_that_never_goes_back() -> None:
    real = _Fixed(datetime(2026, 11, 26, 12, 0, tzinfo=UTC))
    clock = DemoClock(real=real)
    clock.move_to(datetime(2026, 11, 27, 7, 0, tzinfo=UTC))
    assert clock.now() == datetime(2026, 11, 27, 7, 0, tzinfo=UTC)
    clock.move_to(datetime(2026, 11, 26, 20, 0, tzinfo=UTC))  # back: refused
    assert clock.now() == datetime(2026, 11, 27, 7, 0, tzinfo=UTC)
    real.at = datetime(2026, 11, 26, 12, 30, tzinfo=UTC)  # real time goes on
    assert clock.now() == datetime(2026, 11, 27, 7, 30, tzinfo=UTC)
