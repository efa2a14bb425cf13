"""Tests for the stub Bot API server, driven by a real python-telegram-bot ``Bot``.

Why: the stub is only useful if real PTB code accepts its answers, so every test talks to it
through ``telegram.Bot`` (or a full ``Application``) rather than poking at it directly.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from typing import cast

import pytest
from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, EndPointNotFound, Forbidden, NetworkError, RetryAfter
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)

from testkit.stub_bot_api import (
    FOLDED_QUOTE_LINES,
    PHONE_LINE_CHARS,
    Call,
    StubBotAPI,
    check_html,
    folded_view,
)

TOKEN = "123456:TEST-token_abc"
CHAT = 4242


@pytest.fixture
def stub() -> Iterator[StubBotAPI]:
    """A started stub per test, so recorded calls never leak between tests."""
    server = StubBotAPI(max_poll_timeout=1.0)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        assert server.errors == [], server.errors


def keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Done", callback_data="done")],
            [
                InlineKeyboardButton("Skip", callback_data="skip"),
                InlineKeyboardButton("Later", callback_data="later"),
            ],
        ]
    )


def post(url: str, body: bytes, content_type: str) -> dict[str, object]:
    """Raw HTTP helper for checking body formats PTB itself does not use."""
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": content_type}
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


def test_urls_point_at_free_local_port(stub: StubBotAPI) -> None:
    assert stub.port > 0
    assert stub.base_url == f"http://127.0.0.1:{stub.port}/bot"
    assert stub.base_file_url == f"http://127.0.0.1:{stub.port}/file/bot"


async def test_get_me(stub: StubBotAPI) -> None:
    async with Bot(TOKEN, base_url=stub.base_url) as bot:
        me = await bot.get_me()
    assert me.id == 123456
    assert me.is_bot is True
    assert me.first_name == "Coach"
    assert me.username == "coach_test_bot"
    assert me.can_join_groups is True
    assert [c.method for c in stub.calls] == ["getMe", "getMe"]  # initialize() + explicit


def test_dispatch_answers_in_process_as_over_http(stub: StubBotAPI) -> None:
    """What testkit.harness's in-process request calls: the same answer, no HTTP."""
    status, payload = stub.dispatch(f"/bot{TOKEN}/getMe", {})
    assert status == 200 and payload["ok"] is True
    assert payload["result"]["username"] == "coach_test_bot"
    status, payload = stub.dispatch("/botnot-a-token/getMe", {})
    assert (status, payload["ok"]) == (404, False)
    assert [c.method for c in stub.calls] == ["getMe"]


def test_a_larger_listen_backlog_still_serves() -> None:
    with StubBotAPI(listen_backlog=1024) as stub:
        result = post(f"{stub.base_url}{TOKEN}/getMe", b"", "application/json")
    assert result["ok"] is True


async def test_malformed_token_is_rejected(stub: StubBotAPI) -> None:
    bot = Bot("not-a-token", base_url=stub.base_url)
    with pytest.raises(Exception):  # noqa: B017 - PTB raises InvalidToken subclasses
        await bot.get_me()
    assert stub.calls == []


async def test_send_message_with_inline_keyboard(stub: StubBotAPI) -> None:
    async with Bot(TOKEN, base_url=stub.base_url) as bot:
        first = await bot.send_message(CHAT, "Squats today?", reply_markup=keyboard())
        second = await bot.send_message(CHAT, "123")
        other_chat = await bot.send_message(7, "hello")

    assert first.message_id == 1
    assert second.message_id == 2
    assert other_chat.message_id == 1  # ids count per chat
    assert first.chat.id == CHAT
    assert first.chat.type == "private"
    assert first.from_user is not None and first.from_user.id == 123456
    assert first.reply_markup == keyboard()
    assert abs(first.date.timestamp() - time.time()) < 5

    call = stub.calls_to("sendMessage")[0]
    assert call.params["chat_id"] == str(CHAT)  # wire value kept as it arrived
    assert call.chat_id == CHAT
    assert call.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "done"
    assert stub.calls_to("sendMessage")[1].params["text"] == "123"  # not decoded to int

    assert [m["text"] for m in stub.sent_messages(CHAT)] == ["Squats today?", "123"]
    assert len(stub.sent_messages()) == 3
    assert stub.last_message(CHAT) == {
        "method": "sendMessage",
        "chat_id": CHAT,
        "message_id": 2,
        "text": "123",
        "reply_markup": None,
    }
    assert stub.last_message(999) is None


async def test_get_updates_returns_injected_updates(stub: StubBotAPI) -> None:
    async with Bot(TOKEN, base_url=stub.base_url) as bot:
        sent = await bot.send_message(CHAT, "Squats today?", reply_markup=keyboard())
        text_id = stub.send_text(CHAT, "/start now", first_name="Ana")
        button_id = stub.press_button(CHAT, sent.message_id, "skip")
        location_id = stub.share_location(CHAT, 52.52, 13.405)

        updates = await bot.get_updates(timeout=5)
        assert [u.update_id for u in updates] == [text_id, button_id, location_id]
        assert all(isinstance(u, Update) for u in updates)

        command, callback, location = updates
        assert command.message is not None
        assert command.message.text == "/start now"
        assert command.message.chat.id == CHAT
        assert command.message.from_user is not None
        assert command.message.from_user.id == CHAT
        assert command.message.from_user.first_name == "Ana"
        assert command.message.parse_entities() != {}
        assert command.message.entities[0].type == "bot_command"
        assert command.message.entities[0].length == len("/start")
        assert command.message.message_id == sent.message_id + 1  # shared per-chat counter

        query = callback.callback_query
        assert query is not None
        assert query.data == "skip"
        assert query.from_user.id == CHAT
        assert query.from_user.first_name == "Ana"  # remembered from send_text
        assert query.message is not None
        assert query.message.message_id == sent.message_id
        pressed = cast(Message, query.message)  # accessible: the stub sends the whole message
        assert pressed.text == "Squats today?"
        assert pressed.reply_markup == keyboard()

        assert location.message is not None and location.message.location is not None
        assert location.message.location.latitude == pytest.approx(52.52)
        assert location.message.location.longitude == pytest.approx(13.405)

        # Unconfirmed updates are redelivered; confirming via offset drops them.
        again = await bot.get_updates(offset=button_id, timeout=0)
        assert [u.update_id for u in again] == [button_id, location_id]
        assert await bot.get_updates(offset=location_id + 1, timeout=0) == ()
        assert stub.pending_updates() == []

    assert stub.transcript(CHAT) == "\n".join(
        [
            "bot: Squats today?",
            "     [Done]",
            "     [Skip] [Later]",
            "runner: /start now",
            "runner: (pressed [Skip])",
            "runner: (location 52.52, 13.405)",
        ]
    )


async def test_get_updates_long_polls_until_an_update_arrives(stub: StubBotAPI) -> None:
    async with Bot(TOKEN, base_url=stub.base_url) as bot:
        started = time.monotonic()
        assert await bot.get_updates(timeout=10) == ()
        waited = time.monotonic() - started
        assert 0.8 <= waited < 3  # capped at max_poll_timeout=1.0, not 10 s

        timer = threading.Timer(0.2, stub.send_text, args=(CHAT, "hi"))
        timer.start()
        started = time.monotonic()
        updates = await bot.get_updates(timeout=10)
        assert time.monotonic() - started < 0.9  # woke on the injection, not the timeout
        assert updates[0].message is not None and updates[0].message.text == "hi"
        timer.join()


async def test_drop_pending_updates(stub: StubBotAPI) -> None:
    stub.send_text(CHAT, "old")
    async with Bot(TOKEN, base_url=stub.base_url) as bot:
        assert await bot.delete_webhook(drop_pending_updates=True) is True
        assert await bot.get_updates(timeout=0) == ()


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_fail_next_429_raises_retry_after_then_recovers(stub: StubBotAPI) -> None:
    stub.fail_next("sendMessage", 429, retry_after=1)
    async with Bot(TOKEN, base_url=stub.base_url) as bot:
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(CHAT, "hi")
        # PTB 22 deprecates the int form of retry_after (hence the filterwarnings mark).
        assert caught.value.retry_after in (1, timedelta(seconds=1))
        message = await bot.send_message(CHAT, "hi again")
    assert message.text == "hi again"
    failed, ok = stub.calls_to("sendMessage")
    assert failed.ok is False and failed.response["error_code"] == 429
    assert failed.response["parameters"] == {"retry_after": 1}
    assert ok.ok is True
    assert [m["text"] for m in stub.sent_messages(CHAT)] == ["hi again"]  # failures excluded


async def test_fail_next_403_400_502_and_scoping(stub: StubBotAPI) -> None:
    stub.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user", times=2)
    stub.fail_next("sendMessage", 400, "Bad Request: chat not found")
    stub.fail_next("sendMessage", 403, chat_id=99)
    async with Bot(TOKEN, base_url=stub.base_url) as bot:
        stub.fail_next("getMe", 502)  # after initialize(), which itself calls getMe
        for _ in range(2):
            with pytest.raises(Forbidden, match="blocked by the user"):
                await bot.send_message(CHAT, "x")
        with pytest.raises(BadRequest, match=r"(?i)chat not found"):
            await bot.send_message(CHAT, "x")
        with pytest.raises(NetworkError):
            await bot.get_me()
        assert (await bot.send_message(CHAT, "fine")).text == "fine"  # chat 99 fault skipped
        with pytest.raises(Forbidden):
            await bot.send_message(99, "x")
        assert (await bot.send_message(99, "ok")).text == "ok"


async def test_unknown_method_and_custom_handler(stub: StubBotAPI) -> None:
    async with Bot(TOKEN, base_url=stub.base_url) as bot:
        with pytest.raises(EndPointNotFound):
            await bot.do_api_request("fooBar")
        failed = stub.calls_to("fooBar")[0]
        assert failed.response == {
            "ok": False,
            "error_code": 404,
            "description": "Not Found: method not found",
        }

        uploads: list[dict[str, object]] = []

        def send_document(params: dict[str, object]) -> dict[str, object]:
            uploads.append(params)
            return {
                "message_id": 1,
                "date": int(time.time()),
                "chat": {"id": CHAT, "type": "private"},
                "document": {"file_id": "f1", "file_unique_id": "u1"},
            }

        stub.register("sendDocument", send_document)
        message = await bot.send_document(CHAT, b"plan", filename="plan.txt", caption="[1]")
    assert message.document is not None
    # multipart/form-data body: plain fields stay strings, files become dicts.
    assert uploads[0]["caption"] == "[1]"
    assert uploads[0]["chat_id"] == str(CHAT)
    assert uploads[0]["document"] == {
        "filename": "plan.txt",
        "content_type": "text/plain",  # guessed by PTB from the file name
        "data": b"plan",
    }


async def test_edits_update_state_and_transcript(stub: StubBotAPI) -> None:
    async with Bot(TOKEN, base_url=stub.base_url) as bot:
        stub.send_text(CHAT, "/start")
        sent = await bot.send_message(CHAT, "Squats today?", reply_markup=keyboard())
        stub.press_button(CHAT, sent.message_id, "done")
        edited = await bot.edit_message_text("Logged!", chat_id=CHAT, message_id=sent.message_id)
        # A chat message's edit returns the Message (True only for an inline message's).
        assert cast(Message, edited).text == "Logged!"
        assert cast(Message, edited).reply_markup is None
        new_kb = InlineKeyboardMarkup([[InlineKeyboardButton("Undo", callback_data="undo")]])
        marked = await bot.edit_message_reply_markup(CHAT, sent.message_id, reply_markup=new_kb)
        assert cast(Message, marked).reply_markup == new_kb
        assert await bot.answer_callback_query("1") is True
        assert await bot.set_my_commands([("start", "Start")]) is True
        # As Telegram: the commands just set (per language_code; none given: the default).
        assert await bot.get_my_commands() == (BotCommand("start", "Start"),)
        assert await bot.get_my_commands(language_code="ru") == ()
        assert await bot.send_chat_action(CHAT, "typing") is True
        with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
            await bot.edit_message_text("x", chat_id=CHAT, message_id=999)
        assert await bot.delete_message(CHAT, sent.message_id) is True

    assert stub.message(CHAT, sent.message_id) is None  # deleted
    assert [m["method"] for m in stub.sent_messages(CHAT)] == ["sendMessage", "editMessageText"]
    assert stub.last_message(CHAT) == {
        "method": "editMessageText",
        "chat_id": CHAT,
        "message_id": sent.message_id,
        "text": "Logged!",
        "reply_markup": None,
    }
    assert stub.transcript(CHAT).splitlines() == [
        "runner: /start",
        "bot: Squats today?",
        "     [Done]",
        "     [Skip] [Later]",
        "runner: (pressed [Done])",
        "bot: Logged!",
        "bot: (keyboard updated)",
        "     [Undo]",
    ]


async def test_not_modified_errors_opt_in() -> None:
    with StubBotAPI(not_modified_errors=True) as stub:
        async with Bot(TOKEN, base_url=stub.base_url) as bot:
            sent = await bot.send_message(CHAT, "same")
            with pytest.raises(BadRequest, match="not modified"):
                await bot.edit_message_text("same", chat_id=CHAT, message_id=sent.message_id)


async def test_delay_adds_latency(stub: StubBotAPI) -> None:
    async with Bot(TOKEN, base_url=stub.base_url) as bot:
        stub.delay("sendMessage", 0.3)
        started = time.monotonic()
        await bot.send_message(CHAT, "slow")
        assert time.monotonic() - started >= 0.3
        stub.delay("sendMessage", 0)
        started = time.monotonic()
        await bot.send_message(CHAT, "fast")
        assert time.monotonic() - started < 0.3


async def test_wait_for_async(stub: StubBotAPI) -> None:
    async with Bot(TOKEN, base_url=stub.base_url) as bot:
        since = stub.call_count
        waiter = asyncio.create_task(
            stub.wait_for_async(lambda c: c.params["text"] == "b", method="sendMessage")
        )
        await asyncio.sleep(0.05)
        assert not waiter.done()
        await bot.send_message(CHAT, "a")
        await bot.send_message(CHAT, "b")
        call = await asyncio.wait_for(waiter, 5)
        assert call.params["text"] == "b"
        assert (await stub.wait_for_async("sendMessage", since=since)).params["text"] == "a"
        with pytest.raises(TimeoutError, match="no matching Bot API call"):
            await stub.wait_for_async("editMessageText", timeout=0.2)


def test_wait_for_sync_and_raw_body_formats(stub: StubBotAPI) -> None:
    url = f"{stub.base_url}{TOKEN}/sendMessage"
    results: list[Call] = []
    waiter = threading.Thread(
        target=lambda: results.append(stub.wait_for("sendMessage", chat_id=5, timeout=5))
    )
    waiter.start()

    form = post(
        url,
        b"chat_id=5&text=%5Bnot+json&reply_markup=%7B%22inline_keyboard%22%3A%5B%5D%7D",
        "application/x-www-form-urlencoded",
    )
    assert form["ok"] is True
    waiter.join(5)
    assert results and results[0].params == {
        "chat_id": "5",
        "text": "[not json",
        "reply_markup": {"inline_keyboard": []},
    }

    body = json.dumps({"chat_id": 6, "text": "json body"}).encode()
    assert post(url, body, "application/json")["ok"] is True
    assert stub.wait_for(lambda c: c.chat_id == 6, timeout=1).params["chat_id"] == 6

    # Method names are case-insensitive on Telegram.
    assert post(f"{stub.base_url}{TOKEN}/GETME", b"", "application/json")["ok"] is True
    assert stub.calls[-1].method == "getMe"

    started = time.monotonic()
    with pytest.raises(TimeoutError):
        stub.wait_for("deleteMessage", timeout=0.2)
    assert time.monotonic() - started < 1


def test_reachable_from_another_process(stub: StubBotAPI) -> None:
    """The bot under test runs as ``python -m bot``; a separate interpreter must get through."""
    script = (
        "import asyncio, sys, telegram\n"
        "async def main():\n"
        "    async with telegram.Bot(sys.argv[1], base_url=sys.argv[2]) as bot:\n"
        "        await bot.send_message(5, 'from child')\n"
        "asyncio.run(main())\n"
    )
    subprocess.run([sys.executable, "-c", script, TOKEN, stub.base_url], check=True, timeout=60)
    assert stub.wait_for("sendMessage", timeout=5).params["text"] == "from child"


def test_stop_wakes_long_poll_and_frees_port() -> None:
    stub = StubBotAPI(max_poll_timeout=30)
    stub.start()
    url = f"{stub.base_url}{TOKEN}/getUpdates"
    result: list[dict[str, object]] = []
    poller = threading.Thread(
        target=lambda: result.append(post(url, b"timeout=30", "application/x-www-form-urlencoded"))
    )
    poller.start()
    time.sleep(0.2)
    started = time.monotonic()
    stub.stop()
    poller.join(5)
    assert time.monotonic() - started < 2
    assert result == [{"ok": True, "result": []}]
    stub.stop()  # idempotent


async def test_full_application_polling_round_trip(stub: StubBotAPI) -> None:
    """What the bot's own integration tests will do: a real Application polling the stub."""

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text("Ready?", reply_markup=keyboard())

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer()
        await query.edit_message_text(f"You chose {query.data}")

    app = ApplicationBuilder().token(TOKEN).base_url(stub.base_url).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(pressed))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            stub.send_text(CHAT, "/start")
            sent = await stub.wait_for_async("sendMessage", chat_id=CHAT, timeout=5)
            stub.press_button(CHAT, sent.result["message_id"], "later")
            await stub.wait_for_async("editMessageText", chat_id=CHAT, timeout=5)
        finally:
            await app.updater.stop()
            await app.stop()

    assert stub.transcript(CHAT).splitlines() == [
        "runner: /start",
        "bot: Ready?",
        "     [Done]",
        "     [Skip] [Later]",
        "runner: (pressed [Later])",
        "bot: You chose later",
    ]
    assert stub.calls_to("answerCallbackQuery")


# ---------------------------------------------------------------- Telegram's refusals


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<p>para</p>", 'Unsupported start tag "p" at byte offset 0'),
        ("I <3 squats", 'Unsupported start tag "3" at byte offset 2'),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("done </b>", "Unexpected end tag at byte offset 5"),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("ü <b", "Unclosed start tag at byte offset 3"),
        ('<a href="x', 'Unclosed start tag "a" at byte offset 0'),
        ("non&nbsp;breaking", 'Unsupported HTML entity "&nbsp;" at byte offset 3'),
        # A folded quotation is <blockquote expandable>; HTML's own folding tags are not Telegram's.
        (
            "<details><summary>How</summary>x</details>",
            'Unsupported start tag "details" at byte offset 0',
        ),
        (
            "<blockquote expandable>cues",
            'Can\'t find end tag corresponding to start tag "blockquote"',
        ),
        (
            "<blockquote expandable>x</i>",
            'Unmatched end tag at byte offset 24, expected "</blockquote>", found "</i>"',
        ),
    ],
)
async def test_html_telegram_refuses_is_refused(stub: StubBotAPI, text: str, reason: str) -> None:
    async with Bot(TOKEN, base_url=stub.base_url) as bot:
        with pytest.raises(BadRequest) as refused:
            await bot.send_message(CHAT, text, parse_mode="HTML")
        sent = await bot.send_message(CHAT, "ok")
        with pytest.raises(BadRequest) as edit_refused:
            await bot.edit_message_text(
                text, chat_id=CHAT, message_id=sent.message_id, parse_mode="HTML"
            )
    # PTB drops the "Bad Request: " prefix and str.capitalize()s the rest.
    assert refused.value.message == f"can't parse entities: {reason}".capitalize()
    assert edit_refused.value.message == refused.value.message
    assert stub.sent_messages(CHAT)[-1]["text"] == "ok"
    assert next(c.response.get("description") for c in stub.calls if not c.ok) == (
        f"Bad Request: can't parse entities: {reason}"
    )


async def test_html_telegram_accepts_is_accepted(stub: StubBotAPI) -> None:
    text = (
        '<b>bold</b> <i>it <u>under</u></i> <a href="https://t.me/x?a=1&amp;b=2">link</a> '
        '<span class="tg-spoiler">s</span> <code>c</code> &lt;3 &amp; &quot;q&quot; &#128512; '
        "AT&T -> fine"
    )
    async with Bot(TOKEN, base_url=stub.base_url) as bot:
        await bot.send_message(CHAT, text, parse_mode="HTML")
        # Without a parse mode nothing is parsed: tags are plain text.
        await bot.send_message(CHAT, "<p>not html</p>")
    assert len(stub.sent_messages(CHAT)) == 2


def test_check_html_returns_what_the_reader_sees() -> None:
    assert check_html("  <b>a</b> &lt;b&gt; &#x1F600; x&y  ") == "a <b> 😀 x&y"


async def test_an_expandable_quotation_is_accepted_and_counts_in_full(stub: StubBotAPI) -> None:
    """Telegram takes ``<blockquote expandable>`` (Bot API 7.4) as it takes a plain quote, and
    its 4096 characters count the folded part too: folding hides text, it does not free room."""
    folded = (
        "<b>Plank</b> 3 × 20 s\n"
        "<blockquote expandable><i>Why today</i>\nElbows under shoulders</blockquote>"
    )
    almost = "x" * 4000
    async with Bot(TOKEN, base_url=stub.base_url) as bot:
        await bot.send_message(CHAT, folded, parse_mode="HTML")
        await bot.send_message(CHAT, "<blockquote>plain</blockquote>", parse_mode="HTML")
        await bot.send_message(
            CHAT, f"{almost}<blockquote expandable>{'y' * 96}</blockquote>", parse_mode="HTML"
        )
        with pytest.raises(BadRequest, match=r"^Message is too long$"):
            await bot.send_message(
                CHAT, f"{almost}<blockquote expandable>{'y' * 97}</blockquote>", parse_mode="HTML"
            )
    assert len(stub.sent_messages(CHAT)) == 3
    assert check_html(folded) == "Plank 3 × 20 s\nWhy today\nElbows under shoulders"


def test_folded_view_shows_an_expandable_quotation_as_a_phone_shows_it_folded() -> None:
    width = PHONE_LINE_CHARS
    assert FOLDED_QUOTE_LINES == 3
    # Short lines: the first three show.
    assert folded_view("a\n<blockquote expandable>1\n2\n3\n4</blockquote>\nz") == "a\n1\n2\n3\nz"
    # A long line wraps and takes several of the three lines.
    long = "w" * (width + 1)
    assert folded_view(f"<blockquote expandable>{long}\n2\n3</blockquote>") == f"{long}\n2"
    assert folded_view(f"<blockquote expandable>1\n{'w' * width * 5}</blockquote>") == (
        "1\n" + "w" * width * 2
    )
    # Only an expandable quotation folds; entities and tags inside it are parsed first.
    assert folded_view("<blockquote>1\n2\n3\n4</blockquote>") == "1\n2\n3\n4"
    assert folded_view("<blockquote expandable><b>&lt;1&gt;</b>\n2\n3\n4</blockquote>") == (
        "<1>\n2\n3"
    )
    # Two quotations fold each on its own; text around them is kept whole.
    two = (
        "<blockquote expandable>1\n2\n3\n4</blockquote>mid"
        "<blockquote expandable>5\n6\n7\n8</blockquote>end"
    )
    assert folded_view(two) == "1\n2\n3mid5\n6\n7end"


async def test_text_length_counts_utf16_after_parsing(stub: StubBotAPI) -> None:
    fits = "<b>" + "😀" * 2048 + "</b>"  # 4096 UTF-16 units once the tags are gone
    too_long = "😀" * 2048 + "x"
    async with Bot(TOKEN, base_url=stub.base_url) as bot:
        sent = await bot.send_message(CHAT, fits, parse_mode="HTML")
        with pytest.raises(BadRequest, match=r"^Message is too long$"):
            await bot.send_message(CHAT, too_long, parse_mode="HTML")
        with pytest.raises(BadRequest, match=r"^Message_too_long$"):
            await bot.edit_message_text(too_long, chat_id=CHAT, message_id=sent.message_id)
    descriptions = [c.response.get("description") for c in stub.calls if not c.ok]
    assert descriptions == ["Bad Request: message is too long", "Bad Request: MESSAGE_TOO_LONG"]


async def test_empty_texts_are_refused(stub: StubBotAPI) -> None:
    async with Bot(TOKEN, base_url=stub.base_url) as bot:
        sent = await bot.send_message(CHAT, "x")
        with pytest.raises(BadRequest, match=r"^Message text is empty$"):
            await bot.send_message(CHAT, "  \n ")
        with pytest.raises(BadRequest, match=r"^Message text is empty$"):
            await bot.edit_message_text(" ", chat_id=CHAT, message_id=sent.message_id)
        with pytest.raises(BadRequest, match=r"^Text must be non-empty$"):
            await bot.send_message(CHAT, "<b> </b>", parse_mode="HTML")


async def test_callback_answers_are_limited_and_answered_once(stub: StubBotAPI) -> None:
    stub.press_button(CHAT, 1, "a")
    stub.press_button(CHAT, 1, "b")
    async with Bot(TOKEN, base_url=stub.base_url) as bot:
        first, second = [u.callback_query for u in await bot.get_updates()]
        assert first is not None and second is not None
        with pytest.raises(BadRequest, match=r"^Message_too_long$"):
            await first.answer("x" * 201)
        await first.answer("x" * 200)
        with pytest.raises(BadRequest, match="Query is too old"):
            await first.answer()
        await second.answer()


async def test_callback_data_over_64_bytes_is_refused(stub: StubBotAPI) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="é" * 33)]])
    async with Bot(TOKEN, base_url=stub.base_url) as bot:
        with pytest.raises(BadRequest, match="Button_data_invalid"):
            await bot.send_message(CHAT, "pick", reply_markup=markup)


# ---------------------------------------------------------------- timeouts and holds


async def test_time_out_next_over_http(stub: StubBotAPI) -> None:
    """Over HTTP the stub hangs up without an answer: PTB raises a NetworkError."""
    stub.time_out_next("sendMessage", delivered=True)
    stub.time_out_next("sendMessage", delivered=False)
    async with Bot(TOKEN, base_url=stub.base_url) as bot:
        with pytest.raises(NetworkError):
            await bot.send_message(CHAT, "delivered")
        with pytest.raises(NetworkError):
            await bot.send_message(CHAT, "lost")
        await bot.send_message(CHAT, "fine")
    assert [m["text"] for m in stub.sent_messages(CHAT)] == ["delivered", "fine"]


async def test_time_out_next_in_process_is_timed_out(stub: StubBotAPI) -> None:
    from telegram.error import TimedOut

    from testkit.harness import InProcessRequest

    stub.time_out_next("sendMessage", chat_id=CHAT)
    async with Bot(TOKEN, base_url=stub.base_url, request=InProcessRequest(stub)) as bot:
        await bot.send_message(CHAT + 1, "other chat")
        with pytest.raises(TimedOut):
            await bot.send_message(CHAT, "delivered")
    assert [m["text"] for m in stub.sent_messages(CHAT)] == ["delivered"]


async def test_hold_keeps_a_call_waiting_until_released(stub: StubBotAPI) -> None:
    from testkit.harness import InProcessRequest

    gate = stub.hold("sendMessage", chat_id=CHAT)
    assert stub.waits("sendMessage", CHAT) and not stub.waits("sendMessage", CHAT + 1)
    async with Bot(TOKEN, base_url=stub.base_url, request=InProcessRequest(stub)) as bot:
        held = asyncio.create_task(bot.send_message(CHAT, "held"))
        await bot.send_message(CHAT + 1, "free")  # the loop is not blocked meanwhile
        assert not held.done()
        gate.set()
        await asyncio.wait_for(held, 5)
    assert [c.params["text"] for c in stub.calls_to("sendMessage")] == ["free", "held"]
    assert not stub.waits("sendMessage", CHAT)


# ---------------------------------------------------------------- more update kinds


async def test_photo_chat_member_and_inline_button_updates_parse(stub: StubBotAPI) -> None:
    stub.send_photo(CHAT, caption="done, felt good")
    stub.send_photo(CHAT)
    stub.send_chat_member(CHAT, "member", "kicked")
    stub.send_chat_member(CHAT, "kicked", "member")
    stub.press_inline_button(CHAT, "v1:done:20261126")
    async with Bot(TOKEN, base_url=stub.base_url) as bot:
        photo, bare, kicked, back, inline = await bot.get_updates()
    assert photo.message is not None and photo.message.caption == "done, felt good"
    assert photo.message.photo and photo.message.text is None
    assert bare.message is not None and bare.message.caption is None
    assert kicked.my_chat_member is not None
    assert kicked.my_chat_member.new_chat_member.status == "kicked"
    assert kicked.effective_chat is not None and kicked.effective_chat.id == CHAT
    assert back.my_chat_member is not None
    assert back.my_chat_member.new_chat_member.status == "member"
    assert inline.callback_query is not None and inline.callback_query.message is None
    assert inline.callback_query.inline_message_id and inline.effective_chat is None
    assert inline.effective_user is not None and inline.effective_user.id == CHAT


# ---------------------------------------------------------------- files the bot sends


def png(width: int, height: int) -> bytes:
    """A PNG's signature and IHDR chunk: all the stub reads of a photo."""
    ihdr = width.to_bytes(4, "big") + height.to_bytes(4, "big") + b"\x08\x02\x00\x00\x00"
    return b"\x89PNG\r\n\x1a\n" + len(ihdr).to_bytes(4, "big") + b"IHDR" + ihdr + b"\0" * 4


@pytest.fixture(params=["http", "in-process"])
def file_bot(request: pytest.FixtureRequest, stub: StubBotAPI) -> Bot:
    """A real PTB Bot over HTTP (multipart bodies) and over the harness's in-process
    request (PTB's multipart data handed over directly): both must reach the same stub."""
    if request.param == "http":
        return Bot(TOKEN, base_url=stub.base_url)
    from testkit.harness import InProcessRequest

    return Bot(TOKEN, base_url=stub.base_url, request=InProcessRequest(stub))


async def test_a_document_upload_is_kept_and_answered_as_telegram_does(
    stub: StubBotAPI, file_bot: Bot
) -> None:
    data = '\ufeffdate,note\r\n2026-12-03,"a, ""b""\n🏃"\r\n'.encode()
    async with file_bot as bot:
        sent = await bot.send_document(
            CHAT,
            data,
            filename="strength-coach-2026-12-03.csv",
            caption="<b>Your data</b>",
            parse_mode="HTML",
            reply_markup=keyboard(),
        )
        again = await bot.send_document(CHAT, sent.document.file_id if sent.document else "")
    assert sent.document is not None and sent.caption == "<b>Your data</b>"
    assert sent.document.file_name == "strength-coach-2026-12-03.csv"
    assert sent.document.mime_type == "text/csv" and sent.document.file_size == len(data)
    assert sent.reply_markup == keyboard() and sent.text is None
    [first, second] = stub.uploads(CHAT)
    assert (first.kind, first.data, first.caption, first.parse_mode) == (
        "document",
        data,
        "<b>Your data</b>",
        "HTML",
    )
    assert second.data == data and again.document is not None  # by file_id, as on Telegram
    entry = stub.sent_messages(CHAT)[0]
    assert entry["document_bytes"] == data and entry["text"] == "<b>Your data</b>"
    assert entry["file_name"] == "strength-coach-2026-12-03.csv"
    assert stub.message(CHAT, sent.message_id) is not None  # its buttons can be pressed
    assert "bot: (strength-coach-2026-12-03.csv) <b>Your data</b>" in stub.transcript(CHAT)
    assert stub.uploads(7) == []


async def test_a_photo_upload_comes_back_with_its_size(stub: StubBotAPI, file_bot: Bot) -> None:
    picture = png(1200, 900)
    async with file_bot as bot:
        sent = await bot.send_photo(CHAT, picture, caption="12 weeks")
        await bot.send_chat_action(CHAT, "upload_photo")
    assert sent.photo and (sent.photo[-1].width, sent.photo[-1].height) == (1200, 900)
    assert sent.caption == "12 weeks"
    [upload] = stub.uploads(CHAT)
    assert upload.kind == "photo" and upload.data == picture
    assert stub.sent_messages(CHAT)[0]["photo_bytes"] == picture


@pytest.mark.parametrize(
    ("caption", "parse_mode", "ok"),
    [
        ("x" * 1024, None, True),
        ("x" * 1025, None, False),
        ("🏃" * 512, None, True),  # 1024 UTF-16 units
        ("🏃" * 513, None, False),
        ("<b>" + "x" * 1024 + "</b>", "HTML", True),  # counted after entities parsing
        ("<b>unclosed", "HTML", False),
        ("<b>unclosed", None, True),
    ],
)
async def test_captions_are_refused_as_telegram_refuses_them(
    stub: StubBotAPI, caption: str, parse_mode: str | None, ok: bool
) -> None:
    async with Bot(TOKEN, base_url=stub.base_url) as bot:
        if ok:
            await bot.send_document(
                CHAT, b"x", filename="a.txt", caption=caption, parse_mode=parse_mode
            )
        else:
            with pytest.raises(BadRequest):
                await bot.send_document(
                    CHAT, b"x", filename="a.txt", caption=caption, parse_mode=parse_mode
                )
    assert len(stub.uploads()) == (1 if ok else 0)


async def test_files_telegram_refuses_are_refused(stub: StubBotAPI, file_bot: Bot) -> None:
    async with file_bot as bot:
        with pytest.raises(BadRequest, match=r"(?i)non-empty"):
            await bot.send_document(CHAT, b"", filename="empty.csv")
        with pytest.raises(BadRequest, match=r"(?i)image_process_failed"):
            await bot.send_photo(CHAT, b"not an image")
        with pytest.raises(BadRequest, match=r"(?i)photo_invalid_dimensions"):
            await bot.send_photo(CHAT, png(8000, 2001))
        with pytest.raises(BadRequest, match=r"(?i)photo_invalid_dimensions"):
            await bot.send_photo(CHAT, png(2100, 100))
        with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
            await bot.send_document(CHAT, "no-such-file-id")
        document = await bot.send_document(CHAT, b"x", filename="ok.bin")
        with pytest.raises(BadRequest, match=r"(?i)no text in the message"):
            await bot.edit_message_text("hi", chat_id=CHAT, message_id=document.message_id)
    assert [u.file_name for u in stub.uploads()] == ["ok.bin"]


async def test_files_over_telegrams_sizes_are_refused(stub: StubBotAPI) -> None:
    """In process only: 60 MB over local HTTP is seconds of copying that prove nothing
    more (the HTTP path's multipart parsing is the tests above)."""
    from testkit.harness import InProcessRequest
    from testkit.stub_bot_api import MAX_DOCUMENT_BYTES, MAX_PHOTO_BYTES

    async with Bot(TOKEN, base_url=stub.base_url, request=InProcessRequest(stub)) as bot:
        big_photo = png(100, 100) + b"\0" * MAX_PHOTO_BYTES
        with pytest.raises(NetworkError, match="Too Large"):
            await bot.send_photo(CHAT, big_photo)
        with pytest.raises(NetworkError, match="Too Large"):
            await bot.send_document(CHAT, b"\0" * (MAX_DOCUMENT_BYTES + 1), filename="big.bin")
        await bot.send_document(CHAT, b"x" * MAX_PHOTO_BYTES, filename="ok.bin")
    assert [u.file_name for u in stub.uploads()] == ["ok.bin"]
