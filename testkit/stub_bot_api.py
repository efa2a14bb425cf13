"""A small in-process stand-in for the Telegram Bot API, for tests.

Why this exists: the bot talks to Telegram over HTTP through python-telegram-bot (PTB). Mocking
PTB objects would test our assumptions about PTB rather than the bot, and the real API cannot be
used in CI. This stub speaks enough of the real wire protocol (``POST /bot<TOKEN>/<method>``,
form-encoded / multipart / JSON bodies, ``{"ok": ..., "result": ...}`` envelopes, HTTP status
equal to ``error_code``) that an unmodified ``telegram.Bot`` -- in this process or in a
``python -m bot`` subprocess pointed at :attr:`StubBotAPI.base_url` -- works against it.

It runs a :class:`http.server.ThreadingHTTPServer` in a daemon thread, so it is usable from
plain sync tests, from async tests (its threads never touch the test's event loop) and from
other processes. Everything it sees is recorded as :class:`Call` objects; updates are injected
with :meth:`StubBotAPI.send_text`, :meth:`StubBotAPI.press_button` and
:meth:`StubBotAPI.share_location` and handed out through long-polled ``getUpdates``.

It also refuses what Telegram refuses, with Telegram's own error descriptions, so every test
checks that each message the bot builds would really go out: a text longer than 4096 UTF-16
code units after its HTML is parsed, HTML that Telegram's parser rejects (only its tags,
properly nested and closed), an empty text, a callback answer over 200 characters, a second
answer to one callback query, and ``callback_data`` over 64 bytes (see :func:`check_html`).

Files go out as on Telegram: ``sendPhoto`` and ``sendDocument`` take a multipart upload
(what PTB sends for an ``InputFile`` or bytes), or the ``file_id`` of an earlier upload, and
answer with a Message carrying a ``photo`` (PhotoSize list) or ``document`` object and the
caption. Every upload is kept as an :class:`Upload` (file name, mime type, the bytes,
caption, chat): :meth:`StubBotAPI.uploads`, and :meth:`StubBotAPI.sent_messages` lists the
file messages with the text ones (``text`` is the caption; ``photo_bytes`` /
``document_bytes`` hold the file). Refused as Telegram refuses them: a caption over 1024
UTF-16 units after entities parsing or with bad HTML, an empty file, a photo over 10 MB or
that is not an image (PNG's width + height over 10000, or a side ratio over 20), a document
over 50 MB.
:func:`folded_view` says how much of a message a phone shows before anything is tapped
(an expandable quotation shows its first lines), for tests of what fits one screen.

Webhooks work as on Telegram: ``setWebhook`` registers a URL (with its ``secret_token``
and ``allowed_updates``), ``getWebhookInfo`` says so, ``getUpdates`` is then refused with
Telegram's 409, and ``deleteWebhook`` ends it. While one is set, a delivery thread POSTs
each injected update, oldest first and one at a time, to it as JSON with the
``X-Telegram-Bot-Api-Secret-Token`` header, and drops it once answered with 2xx (a
failure is retried, as Telegram does). :meth:`StubBotAPI.route_webhook` plays a load
balancer in front of several bot processes: the updates go to the given addresses in
turn. :meth:`StubBotAPI.post_webhook` POSTs one request by hand (a forged one, say).

Only the standard library is used on purpose: the stub must not add dependencies to the project.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
import traceback
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

__all__ = [
    "Call",
    "HTMLError",
    "StubBotAPI",
    "StubTimeout",
    "Upload",
    "WebhookDelivery",
    "check_html",
    "folded_view",
]

JSONDict = dict[str, Any]
ChatKey = int | str
Predicate = Callable[["Call"], bool]
MethodHandler = Callable[[JSONDict], Any]

#: Telegram tokens look like ``123456:ABC-def_ghi``; anything else gets Telegram's 404.
TOKEN_RE = re.compile(r"^(?P<bot_id>\d+):[A-Za-z0-9_-]+$")
METHOD_PATH_RE = re.compile(r"^/bot(?P<token>[^/]+)/(?P<method>[A-Za-z_]+)/?$")

#: Parameters PTB sends as JSON-encoded strings; always decoded (if they parse).
JSON_FIELDS = frozenset(
    {
        "allowed_updates",
        "button",
        "caption_entities",
        "commands",
        "entities",
        "explanation_entities",
        "input_message_content",
        "link_preview_options",
        "media",
        "menu_button",
        "message_ids",
        "options",
        "permissions",
        "prices",
        "question_entities",
        "reaction",
        "reply_markup",
        "reply_parameters",
        "results",
        "rights",
        "scope",
    }
)
#: Free-text parameters that must never be JSON-decoded, even if they look like JSON.
TEXT_FIELDS = frozenset(
    {
        "caption",
        "description",
        "explanation",
        "first_name",
        "last_name",
        "message_text",
        "name",
        "query",
        "question",
        "short_description",
        "text",
        "title",
        "url",
    }
)

#: Used by :meth:`StubBotAPI.fail_next` when no description is given (texts as Telegram sends).
DEFAULT_DESCRIPTIONS: dict[int, str] = {
    400: "Bad Request: chat not found",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; make sure that only one bot "
    "instance is running",
    429: "Too Many Requests: retry after {retry_after}",
    500: "Internal Server Error",
    502: "Bad Gateway",
}

#: Telegram's limits (Bot API docs: sendMessage "1-4096 characters after entities parsing",
#: answerCallbackQuery "0-200 characters", callback_data "1-64 bytes"). Lengths are counted
#: in UTF-16 code units, as Telegram counts entity offsets.
MAX_TEXT = 4096
MAX_CALLBACK_ANSWER = 200
MAX_CALLBACK_DATA_BYTES = 64
#: The tags Telegram's HTML parse mode knows (tdlib's parse_html); any other is refused.
HTML_TAGS = frozenset(
    {
        "a",
        "b",
        "blockquote",
        "code",
        "del",
        "em",
        "i",
        "ins",
        "pre",
        "s",
        "span",
        "strike",
        "strong",
        "tg-emoji",
        "tg-spoiler",
        "u",
    }
)
HTML_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
#: Telegram's descriptions for the refusals below, verbatim.
TOO_LONG_SEND = "Bad Request: message is too long"
TOO_LONG_EDIT = "Bad Request: MESSAGE_TOO_LONG"
EMPTY_TEXT = "Bad Request: message text is empty"
EMPTY_AFTER_PARSE = "Bad Request: text must be non-empty"
QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"
BUTTON_DATA_INVALID = "Bad Request: BUTTON_DATA_INVALID"
WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to "
    "delete the webhook first"
)
#: The header Telegram sends a webhook's ``secret_token`` in.
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
#: After a failed delivery the next attempt waits this long (Telegram waits longer; tests
#: should not).
WEBHOOK_RETRY_SECONDS = 0.1
WEBHOOK_TIMEOUT_SECONDS = 10.0

#: Methods the stub answers with plain ``true`` (no state needed for the tests).
TRUE_METHODS = frozenset(
    {
        "close",
        "deleteMyCommands",
        "logOut",
        "sendChatAction",
        "setChatMenuButton",
        "setMyName",
    }
)
#: The bot's profile, kept per ``language_code`` (None: the default for every user
#: whose language has none) and checked as Telegram checks it (Bot API docs: a command
#: is 1-32 characters of a-z, 0-9 and "_", its description 1-256 characters, at most 100
#: commands; a description 0-512 characters, a short description 0-120; language_code
#: "a two-letter ISO 639-1 language code" or empty).
PROFILE_METHODS = frozenset({"setMyCommands", "setMyDescription", "setMyShortDescription"})
MAX_COMMANDS = 100
MAX_COMMAND_DESCRIPTION = 256
MAX_DESCRIPTION = 512
MAX_SHORT_DESCRIPTION = 120
COMMAND_INVALID = "Bad Request: BOT_COMMAND_INVALID"
COMMAND_DESCRIPTION_INVALID = "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID"
TOO_MANY_COMMANDS = "Bad Request: BOT_COMMANDS_TOO_MUCH"
DESCRIPTION_INVALID = "Bad Request: BOT_DESCRIPTION_INVALID"
LANG_CODE_INVALID = "Bad Request: LANG_CODE_INVALID"
_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
_LANGUAGE_CODE = re.compile(r"[a-z]{2}")
#: Telegram's limits on files a bot sends (Bot API docs, sendPhoto: "The photo must be at
#: most 10 MB in size. The photo's width and height must not exceed 10000 in total. Width and
#: height ratio must be at most 20"; sendDocument: "up to 50 MB"; caption "0-1024 characters
#: after entities parsing").
MAX_CAPTION = 1024
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
MAX_PHOTO_SIDES = 10000
MAX_PHOTO_RATIO = 20
CAPTION_TOO_LONG = "Bad Request: message caption is too long"
EMPTY_FILE = "Bad Request: file must be non-empty"
TOO_LARGE = "Request Entity Too Large"
IMAGE_PROCESS_FAILED = "Bad Request: IMAGE_PROCESS_FAILED"
PHOTO_INVALID_DIMENSIONS = "Bad Request: PHOTO_INVALID_DIMENSIONS"
WRONG_FILE_ID = "Bad Request: wrong file identifier/HTTP URL specified"
#: The upload parameter of each file-sending method.
FILE_FIELDS = {"sendPhoto": "photo", "sendDocument": "document"}

KNOWN_METHODS = (
    TRUE_METHODS
    | PROFILE_METHODS
    | {
        "setWebhook",
        "answerCallbackQuery",
        "deleteMessage",
        "deleteWebhook",
        "editMessageReplyMarkup",
        "editMessageText",
        "getMe",
        "getMyCommands",
        "getUpdates",
        "getWebhookInfo",
        "sendDocument",
        "sendMessage",
        "sendPhoto",
    }
)
#: Telegram method names are case-insensitive; map them back to the canonical spelling.
CANONICAL_METHODS: dict[str, str] = {name.lower(): name for name in KNOWN_METHODS}


@dataclass(frozen=True)
class Call:
    """One request the bot made, as recorded by the stub (in arrival order).

    ``params`` holds the decoded request parameters: form values stay strings exactly as they
    arrived (``chat_id`` is ``"42"``, not ``42``), except JSON structures such as
    ``reply_markup`` which are decoded to dicts/lists. Uploaded files appear as dicts with
    ``filename``, ``content_type`` and ``data`` keys.
    """

    method: str
    params: JSONDict
    time: float
    token: str = ""
    ok: bool = True
    response: JSONDict = field(default_factory=dict)

    @property
    def chat_id(self) -> ChatKey | None:
        """The target chat as int where possible; tests compare chats without caring about
        the wire encoding."""
        return _chat_key(self.params.get("chat_id"))

    @property
    def result(self) -> Any:
        """The ``result`` the stub answered with (``None`` for failed calls)."""
        return self.response.get("result")


@dataclass(frozen=True)
class Upload:
    """One file the bot sent (``sendPhoto`` or ``sendDocument``) and Telegram accepted: the
    bytes as they arrived, so a test can check a PNG's signature or parse a CSV back."""

    method: str
    chat_id: ChatKey
    message_id: int
    file_id: str
    file_name: str
    mime_type: str
    data: bytes
    caption: str | None = None
    parse_mode: str | None = None

    @property
    def kind(self) -> str:
        """``"photo"`` or ``"document"``: the Message field the file came back in."""
        return FILE_FIELDS.get(self.method, "document")


@dataclass(frozen=True)
class WebhookDelivery:
    """One POST of an update to a webhook: where, and the HTTP status it got (0: no
    answer, the connection failed)."""

    update_id: int
    url: str
    status: int
    time: float

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


@dataclass
class _Fault:
    """A pending injected failure, consumed by the next matching calls."""

    error_code: int
    description: str
    retry_after: int | None
    remaining: int
    chat_id: ChatKey | None


@dataclass
class _Timeout:
    """A pending injected timeout: the call is (or is not) carried out, then the client
    gets no answer."""

    delivered: bool
    remaining: int
    chat_id: ChatKey | None


class StubTimeout(Exception):
    """The stub carried a call out (or not) but gives the client no answer.

    In process (``testkit.harness.InProcessRequest``) this becomes PTB's ``TimedOut``; over
    HTTP the stub closes the connection without a response, which PTB reports as a
    ``NetworkError``."""


class _StubError(Exception):
    """Raised inside method handlers to answer with a Telegram-style error envelope."""

    def __init__(self, error_code: int, description: str) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description


def _chat_key(value: Any) -> ChatKey | None:
    """Normalise a chat id from the wire (``"42"``/``42``/``"@chan"``) to a dict key."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value)
    try:
        return int(text)
    except ValueError:
        return text


def _truthy(value: Any) -> bool:
    """Interpret a wire boolean (``"true"``, ``True``, ``"1"``)."""
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1", "yes"}
    return bool(value)


def _utf16_len(text: str) -> int:
    """Telegram entity offsets/lengths are measured in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


class HTMLError(ValueError):
    """Telegram's parser refused a text; ``str(error)`` is its reason, without the
    "Bad Request: can't parse entities: " prefix the API puts before it."""


_ENTITY_RE = re.compile(
    r"&(?:#(?:[xX](?P<hex>[0-9a-fA-F]+)|(?P<dec>[0-9]+))|(?P<name>[A-Za-z]+))(?P<semi>;?)"
)


def check_html(text: str) -> str:
    """The text a reader sees once Telegram has parsed ``text`` as HTML; raises
    :class:`HTMLError` with Telegram's reason where its parser refuses the text.

    Follows tdlib's ``parse_html`` (what the Bot API runs): only :data:`HTML_TAGS`, every
    start tag closed by its own end tag, ``<span>`` only as ``class="tg-spoiler"``, byte
    offsets in UTF-8; other attributes are ignored, as tdlib ignores them (``<blockquote
    expandable>`` is a quotation shown folded, Bot API 7.4). One deliberate difference: a
    named entity other than ``&lt;`` ``&gt;`` ``&amp;`` ``&quot;`` followed by ``;``
    (``&nbsp;``) is refused here, where Telegram would show it as typed: the Bot API
    documents only those four, so such text is a bug in the bot's escaping either way.
    """
    return _parse_html(text)[0]


#: How a phone shows an expandable block quotation before it is tapped: its first three
#: lines. A line holds about 35-40 characters on a phone held upright; 45 is generous, so
#: what :func:`folded_view` counts is never less than what a runner sees.
FOLDED_QUOTE_LINES = 3
PHONE_LINE_CHARS = 45


def folded_view(text: str) -> str:
    """What a reader sees of an HTML ``text`` before tapping anything: the parsed text
    with each ``<blockquote expandable>`` cut to the lines it shows folded
    (:data:`FOLDED_QUOTE_LINES` lines of :data:`PHONE_LINE_CHARS`; a longer line wraps
    and takes several). Raises :class:`HTMLError` as :func:`check_html` does."""
    seen, folded = _parse_html(text)
    for start, end in reversed(folded):
        seen = seen[:start] + _fold(seen[start:end]) + seen[end:]
    return seen


def _fold(quote: str) -> str:
    room = FOLDED_QUOTE_LINES
    shown: list[str] = []
    for line in quote.split("\n"):
        if room <= 0:
            break
        rows = max(1, -(-len(line) // PHONE_LINE_CHARS))
        shown.append(line[: min(rows, room) * PHONE_LINE_CHARS])
        room -= rows
    return "\n".join(shown)


def _parse_html(text: str) -> tuple[str, list[tuple[int, int]]]:
    """The parsed text, and where each expandable quotation starts and ends in it."""
    stripped = text.strip()
    out: list[str] = []
    open_tags: list[str] = []
    # Per open tag: where its text starts in ``out``, and whether it folds.
    starts: list[tuple[int, bool]] = []
    folded: list[tuple[int, int]] = []
    length = 0
    size = len(stripped)
    i = 0

    def at(pos: int) -> int:
        return len(stripped[:pos].encode("utf-8"))

    while i < size:
        char = stripped[i]
        if char == "&":
            match = _ENTITY_RE.match(stripped, i)
            if match is not None:
                if match.group("name") is not None:
                    decoded = HTML_NAMED_ENTITIES.get(match.group("name"))
                    if decoded is None and match.group("semi"):
                        raise HTMLError(
                            f'Unsupported HTML entity "{match.group(0)}" at byte offset {at(i)}'
                        )
                else:
                    number = (
                        int(match.group("hex"), 16)
                        if match.group("hex") is not None
                        else int(match.group("dec"))
                    )
                    decoded = chr(number) if 0 < number <= 0x10FFFF else None
                if decoded is not None:
                    out.append(decoded)
                    length += len(decoded)
                    i = match.end()
                    continue
        if char != "<":
            out.append(char)
            length += 1
            i += 1
            continue
        begin = i
        i += 1
        if i < size and stripped[i] == "/":
            if not open_tags:
                raise HTMLError(f"Unexpected end tag at byte offset {at(begin)}")
            i += 1
            name_start = i
            while i < size and not stripped[i].isspace() and stripped[i] != ">":
                i += 1
            end_name = stripped[name_start:i]
            while i < size and stripped[i].isspace():
                i += 1
            if i >= size or stripped[i] != ">":
                raise HTMLError(f"Unclosed end tag at byte offset {at(begin)}")
            expected = open_tags.pop()
            start, folds = starts.pop()
            if folds:
                folded.append((start, length))
            if end_name and end_name.lower() != expected:
                raise HTMLError(
                    f"Unmatched end tag at byte offset {at(begin)}, "
                    f'expected "</{expected}>", found "</{end_name}>"'
                )
            i += 1
            continue
        name_start = i
        while i < size and not stripped[i].isspace() and stripped[i] != ">":
            i += 1
        if i >= size:
            raise HTMLError(f"Unclosed start tag at byte offset {at(begin)}")
        tag = stripped[name_start:i].lower()
        if tag not in HTML_TAGS:
            raise HTMLError(f'Unsupported start tag "{tag}" at byte offset {at(begin)}')
        attributes: dict[str, str] = {}
        while True:
            while i < size and stripped[i].isspace():
                i += 1
            if i >= size:
                raise HTMLError(f'Unclosed start tag "{tag}" at byte offset {at(begin)}')
            if stripped[i] == ">":
                break
            attr_start = i
            while i < size and not stripped[i].isspace() and stripped[i] not in "=>/\"'":
                i += 1
            attr = stripped[attr_start:i].lower()
            if not attr:
                raise HTMLError(
                    f'Empty attribute name in the tag "{tag}" at byte offset {at(begin)}'
                )
            while i < size and stripped[i].isspace():
                i += 1
            if i >= size or stripped[i] != "=":
                attributes[attr] = ""
                continue
            i += 1
            while i < size and stripped[i].isspace():
                i += 1
            if i >= size:
                raise HTMLError(f'Unclosed start tag "{tag}" at byte offset {at(begin)}')
            if stripped[i] in "\"'":
                quote = stripped[i]
                end = stripped.find(quote, i + 1)
                if end < 0:
                    raise HTMLError(f'Unclosed start tag "{tag}" at byte offset {at(begin)}')
                value = stripped[i + 1 : end]
                i = end + 1
            else:
                value_start = i
                while i < size and (stripped[i].isalnum() or stripped[i] in ".-"):
                    i += 1
                if i < size and not stripped[i].isspace() and stripped[i] != ">":
                    raise HTMLError(f"Unexpected end of name token at byte offset {at(i)}")
                value = stripped[value_start:i]
            attributes[attr] = value
        if tag == "span" and attributes.get("class") != "tg-spoiler":
            raise HTMLError(f'Tag "span" must have class "tg-spoiler" at byte offset {at(begin)}')
        open_tags.append(tag)
        starts.append((length, tag == "blockquote" and "expandable" in attributes))
        i += 1
    if open_tags:
        raise HTMLError(f'Can\'t find end tag corresponding to start tag "{open_tags[-1]}"')
    parsed = "".join(out)
    shown = parsed.strip()
    lead = len(parsed) - len(parsed.lstrip())
    spans = [
        (max(start - lead, 0), min(end - lead, len(shown)))
        for start, end in sorted(folded)
        if end - lead > 0 and start - lead < len(shown)
    ]
    return shown, spans


def checked_text(method: str, params: JSONDict) -> str:
    """Refuse ``params["text"]`` as Telegram would for ``method`` (sendMessage or
    editMessageText); returns the text as the reader sees it."""
    raw = params.get("text")
    if raw is None or not str(raw).strip():
        raise _StubError(400, EMPTY_TEXT)
    text = str(raw)
    if str(params.get("parse_mode") or "").upper() == "HTML":
        try:
            text = check_html(text)
        except HTMLError as err:
            raise _StubError(400, f"Bad Request: can't parse entities: {err}") from None
        if not text:
            raise _StubError(400, EMPTY_AFTER_PARSE)
    if _utf16_len(text.strip()) > MAX_TEXT:
        raise _StubError(400, TOO_LONG_SEND if method == "sendMessage" else TOO_LONG_EDIT)
    _check_markup(params.get("reply_markup"))
    return text


def _check_markup(markup: Any) -> None:
    """Inline buttons' ``callback_data`` must fit Telegram's 64 bytes."""
    if not isinstance(markup, dict):
        return
    for row in markup.get("inline_keyboard") or []:
        for button in row:
            data = button.get("callback_data") if isinstance(button, dict) else None
            if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA_BYTES:
                raise _StubError(400, BUTTON_DATA_INVALID)


def checked_caption(params: JSONDict) -> str | None:
    """Refuse a file's caption as Telegram would (bad HTML with ``parse_mode``, over
    :data:`MAX_CAPTION` UTF-16 units once parsed); returns it as the reader sees it."""
    raw = params.get("caption")
    if raw is None:
        return None
    text = str(raw)
    if str(params.get("parse_mode") or "").upper() == "HTML":
        try:
            text = check_html(text)
        except HTMLError as err:
            raise _StubError(400, f"Bad Request: can't parse entities: {err}") from None
    if _utf16_len(text.strip()) > MAX_CAPTION:
        raise _StubError(400, CAPTION_TOO_LONG)
    return text


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG, (0, 0) for another image Telegram takes (JPEG, GIF,
    WebP: their sizes are not read), None for bytes that are no image."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24 and data[12:16] == b"IHDR":
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data.startswith((b"\xff\xd8\xff", b"GIF87a", b"GIF89a")):
        return 0, 0
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return 0, 0
    return None


def _check_photo(data: bytes) -> tuple[int, int]:
    """Refuse a photo Telegram refuses; its size (0, 0 where unread) otherwise."""
    size = image_size(data)
    if size is None:
        raise _StubError(400, IMAGE_PROCESS_FAILED)
    width, height = size
    if width and height:
        if width + height > MAX_PHOTO_SIDES or max(width, height) > MAX_PHOTO_RATIO * min(
            width, height
        ):
            raise _StubError(400, PHOTO_INVALID_DIMENSIONS)
    return size


def _decode_value(key: str, value: str) -> Any:
    """Decode JSON-encoded structured params but leave free text untouched.

    PTB form-encodes every parameter; non-string values are ``json.dumps``-ed. Only structures
    are decoded here so that e.g. ``text="123"`` stays the string the user typed.
    """
    if key in TEXT_FIELDS:
        return value
    stripped = value.lstrip()
    if key in JSON_FIELDS or stripped.startswith(("{", "[")):
        try:
            decoded = json.loads(value)
        except ValueError:
            return value
        if isinstance(decoded, dict | list):
            return decoded
    return value


def _render_buttons(markup: Any) -> list[str]:
    """Render an inline or reply keyboard as ``[A] [B]`` lines, one per row."""
    if not isinstance(markup, dict):
        return []
    rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
    lines: list[str] = []
    for row in rows:
        labels = []
        for button in row:
            label = button.get("text", "?") if isinstance(button, dict) else str(button)
            labels.append(f"[{label}]")
        if labels:
            lines.append(" ".join(labels))
    return lines


def _button_text(markup: Any, data: str) -> str | None:
    """Find the label of the inline button whose callback_data is ``data``."""
    if not isinstance(markup, dict):
        return None
    for row in markup.get("inline_keyboard") or []:
        for button in row:
            if isinstance(button, dict) and button.get("callback_data") == data:
                return str(button.get("text", ""))
    return None


class _Server(ThreadingHTTPServer):
    """ThreadingHTTPServer carrying a back-reference to the stub for its handlers."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, stub: StubBotAPI, backlog: int) -> None:
        self.stub = stub
        self.request_queue_size = backlog  # read by server_activate, inside __init__
        super().__init__(("127.0.0.1", 0), _Handler)


class _Handler(BaseHTTPRequestHandler):
    """Turns raw HTTP into ``StubBotAPI.dispatch`` calls; one instance per connection.

    HTTP/1.0 (one request per connection) is deliberate: no keep-alive connections survive
    :meth:`StubBotAPI.stop`, so a stopped stub really stops answering.
    """

    server: _Server
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        """Silence per-request logging; test output should only show test failures."""

    def do_GET(self) -> None:
        """Telegram accepts GET with query parameters too."""
        self._handle()

    def do_POST(self) -> None:
        """The normal PTB path: POST with a form/multipart/JSON body."""
        self._handle()

    def _handle(self) -> None:
        stub = self.server.stub
        try:
            split = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length > 0 else b""
            params: JSONDict = {}
            for key, value in parse_qsl(split.query, keep_blank_values=True):
                params[key] = _decode_value(key, value)
            params.update(_parse_body(self.headers.get("Content-Type", ""), body))
            status, payload = stub.dispatch(split.path, params)
        except StubTimeout:
            self.close_connection = True  # no answer at all: the client's request fails
            return
        except Exception:  # pragma: no cover - surfaced through stub.errors
            stub._record_error(traceback.format_exc())
            status, payload = (
                500,
                {
                    "ok": False,
                    "error_code": 500,
                    "description": "Internal Server Error: stub crashed, see StubBotAPI.errors",
                },
            )
        data = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            # Client gave up (e.g. its read timeout fired during a long poll); nothing to do.
            pass


def _parse_body(content_type: str, body: bytes) -> JSONDict:
    """Decode a request body in any of the encodings the Bot API accepts."""
    if not body:
        return {}
    mime = content_type.split(";", 1)[0].strip().lower()
    if mime == "application/json":
        decoded = json.loads(body.decode("utf-8"))
        return decoded if isinstance(decoded, dict) else {}
    if mime == "multipart/form-data":
        return _parse_multipart(content_type, body)
    # application/x-www-form-urlencoded (also the fallback for a missing header)
    return {
        key: _decode_value(key, value)
        for key, value in parse_qsl(body.decode("utf-8"), keep_blank_values=True)
    }


def _parse_multipart(content_type: str, body: bytes) -> JSONDict:
    """Parse multipart/form-data with the email package (``cgi`` is gone in 3.13)."""
    header = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(header + body)
    params: JSONDict = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        decoded = part.get_payload(decode=True)  # bytes for a non-multipart part
        payload = decoded if isinstance(decoded, bytes) else b""
        filename = part.get_filename()
        if filename is not None:
            params[str(name)] = {
                "filename": filename,
                "content_type": part.get_content_type(),
                "data": payload,
            }
        else:
            charset = part.get_content_charset() or "utf-8"
            params[str(name)] = _decode_value(str(name), payload.decode(charset))
    return params


PROFILE_FIELDS = {
    "setMyCommands": "commands",
    "setMyDescription": "description",
    "setMyShortDescription": "short_description",
}


def _check_profile(method: str, params: JSONDict) -> None:
    """setMyCommands / setMyDescription / setMyShortDescription as Telegram checks them."""
    code = str(params.get("language_code") or "")
    if code and not _LANGUAGE_CODE.fullmatch(code):
        raise _StubError(400, LANG_CODE_INVALID)
    if method == "setMyCommands":
        commands = params.get("commands")
        if isinstance(commands, str):
            commands = json.loads(commands)
        if not isinstance(commands, list):
            raise _StubError(400, COMMAND_INVALID)
        if len(commands) > MAX_COMMANDS:
            raise _StubError(400, TOO_MANY_COMMANDS)
        for command in commands:
            name = command.get("command") if isinstance(command, dict) else None
            if not isinstance(name, str) or not _COMMAND_NAME.fullmatch(name):
                raise _StubError(400, COMMAND_INVALID)
            text = command.get("description")
            if not isinstance(text, str) or not text.strip():
                raise _StubError(400, COMMAND_DESCRIPTION_INVALID)
            if _utf16_len(text) > MAX_COMMAND_DESCRIPTION:
                raise _StubError(400, COMMAND_DESCRIPTION_INVALID)
        params["commands"] = commands
        return
    limit = MAX_DESCRIPTION if method == "setMyDescription" else MAX_SHORT_DESCRIPTION
    text = params.get(PROFILE_FIELDS[method], "")
    if not isinstance(text, str) or _utf16_len(text) > limit:
        raise _StubError(400, DESCRIPTION_INVALID)


class StubBotAPI:
    """A fake Telegram Bot API server; see the module docstring for the why.

    Typical use::

        stub = StubBotAPI()
        stub.start()
        bot = telegram.Bot(TOKEN, base_url=stub.base_url)
        stub.send_text(42, "/start")
        ...  # let the bot poll
        stub.wait_for(lambda c: c.method == "sendMessage")
        stub.stop()

    All public methods are thread-safe and may be called from any thread.
    """

    def __init__(
        self,
        *,
        max_poll_timeout: float = 1.0,
        not_modified_errors: bool = False,
        bot_first_name: str = "Coach",
        bot_username: str = "coach_test_bot",
        listen_backlog: int = 5,
    ) -> None:
        """Create a stopped stub.

        ``max_poll_timeout`` caps getUpdates long-polling so a bot asking for 10 s polls
        shuts down quickly in tests. ``not_modified_errors`` makes identical edits fail with
        Telegram's 400 "message is not modified", to test that the bot copes with it.
        ``listen_backlog`` is the server socket's backlog (the standard library's 5 by
        default); a benchmark whose sender opens dozens of connections at once raises it,
        or dropped SYNs cost 1 s retransmits that Telegram would not add.
        """
        self.max_poll_timeout = max_poll_timeout
        self.listen_backlog = listen_backlog
        self.not_modified_errors = not_modified_errors
        self.bot_first_name = bot_first_name
        self.bot_username = bot_username

        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

        self._calls: list[Call] = []
        self._errors: list[str] = []
        self._updates: list[JSONDict] = []  # unconfirmed updates, ascending update_id
        self._next_update_id = 1
        self._next_callback_id = 1
        self._next_message_id: dict[ChatKey, int] = {}
        self._messages: dict[tuple[ChatKey, int], JSONDict] = {}  # current state of messages
        self._chats: dict[ChatKey, JSONDict] = {}  # chat + user info learned from injections
        # Telegram's language_code of each chat's user (absent: "en", None: not sent).
        self._language_codes: dict[ChatKey, str | None] = {}
        # The bot's profile as set, by language_code (None: the default).
        self._profile: dict[str | None, JSONDict] = {}
        self._events: list[tuple[ChatKey, str]] = []  # transcript lines in order
        self._uploads: list[Upload] = []  # files the bot sent, in order
        self._faults: dict[str, list[_Fault]] = {}
        self._delays: dict[str, float] = {}
        self._timeouts: dict[str, list[_Timeout]] = {}
        self._holds: list[tuple[str, ChatKey | None, threading.Event]] = []
        self._answered_queries: set[str] = set()
        self._issued_queries: set[str] = set()
        self._handlers: dict[str, MethodHandler] = {}
        self._async_waiters: set[Callable[[], None]] = set()
        # The webhook as setWebhook registered it (None: none set, updates wait for
        # getUpdates), the addresses that receive its updates in turn, and every POST.
        self._webhook: JSONDict | None = None
        self._routes: list[str] = []
        self._next_route = 0
        self._deliveries: list[WebhookDelivery] = []
        self._pusher: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> StubBotAPI:
        """Bind 127.0.0.1 on a free port and serve in a daemon thread; returns ``self``."""
        with self._lock:
            if self._server is not None:
                return self
            self._stopping.clear()
            self._server = _Server(self, self.listen_backlog)
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.01},  # stop() waits up to one interval
                name=f"StubBotAPI:{self.port}",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and wake any pending long polls / waiters. Safe to call twice."""
        with self._cond:
            server, thread = self._server, self._thread
            pusher, self._pusher = self._pusher, None
            self._server = None
            self._thread = None
            self._stopping.set()
            for _, _, gate in self._holds:
                gate.set()
            self._cond.notify_all()
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        if pusher is not None:
            pusher.join(timeout=WEBHOOK_TIMEOUT_SECONDS + 1)

    def __enter__(self) -> StubBotAPI:
        """``with StubBotAPI() as stub:`` -- guarantees the server thread is stopped."""
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        """Stop on leaving the ``with`` block, even when the test failed."""
        self.stop()

    @property
    def port(self) -> int:
        """The bound TCP port (only valid while started)."""
        if self._server is None:
            raise RuntimeError("StubBotAPI is not started")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """PTB ``base_url``: the token is appended, so requests hit ``/bot<TOKEN>/<method>``."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """PTB ``base_file_url``; file downloads are not served (they answer 404)."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    # ------------------------------------------------------------------ configuration

    def fail_next(
        self,
        method: str,
        error_code: int,
        description: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
        *,
        chat_id: int | str | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail like Telegram would.

        The HTTP status equals ``error_code`` (PTB maps 403 -> Forbidden, 400 -> BadRequest,
        429 + retry_after -> RetryAfter, 502 -> NetworkError). ``method="*"`` matches any
        method; ``chat_id`` restricts the fault to calls targeting that chat. ``description``
        defaults to Telegram's usual text for the code.
        """
        if times < 1:
            raise ValueError("times must be >= 1")
        if description is None:
            template = DEFAULT_DESCRIPTIONS.get(error_code, f"Error {error_code}")
            description = template.format(retry_after=retry_after)
        with self._lock:
            self._faults.setdefault(self._method_key(method), []).append(
                _Fault(error_code, description, retry_after, times, _chat_key(chat_id))
            )

    def clear_faults(self, method: str | None = None) -> None:
        """Drop pending faults (all, or for one method)."""
        with self._lock:
            if method is None:
                self._faults.clear()
            else:
                self._faults.pop(self._method_key(method), None)

    def delay(self, method: str, seconds: float) -> None:
        """Add ``seconds`` of latency to every ``method`` call (``"*"`` = all); 0 clears."""
        with self._lock:
            key = self._method_key(method)
            if seconds <= 0:
                self._delays.pop(key, None)
            else:
                self._delays[key] = seconds

    def time_out_next(
        self,
        method: str,
        times: int = 1,
        *,
        delivered: bool = True,
        chat_id: int | str | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` time out on the client's side.

        ``delivered=True``: the stub carries the call out (the message is sent and shows in
        :meth:`sent_messages`) and only the answer is lost, as when Telegram accepted a
        message but the response never arrived. ``delivered=False``: it never arrived.
        """
        if times < 1:
            raise ValueError("times must be >= 1")
        with self._lock:
            self._timeouts.setdefault(self._method_key(method), []).append(
                _Timeout(delivered, times, _chat_key(chat_id))
            )

    def hold(self, method: str, *, chat_id: int | str | None = None) -> threading.Event:
        """Hold every ``method`` call (for ``chat_id`` only, if given) until the returned
        event is set: a Bot API call that hangs, for concurrency tests, without sleeping.

        In process, ``testkit.harness.InProcessRequest`` runs held calls in a worker thread
        (see :meth:`waits`), so the event loop goes on with other updates meanwhile.
        """
        gate = threading.Event()
        with self._lock:
            self._holds.append((self._method_key(method), _chat_key(chat_id), gate))
        return gate

    def waits(self, method: str, chat_id: Any = None) -> bool:
        """Would a ``method`` call for ``chat_id`` be delayed or held right now?"""
        key = self._method_key(method)
        chat = _chat_key(chat_id)
        with self._lock:
            if self._delays.get(key, 0.0) + self._delays.get("*", 0.0) > 0:
                return True
            return self._gate_for(key, chat) is not None

    def _gate_for(self, key: str, chat: ChatKey | None) -> threading.Event | None:
        """An unreleased hold matching the call; caller holds the lock."""
        self._holds = [hold for hold in self._holds if not hold[2].is_set()]
        for held_key, held_chat, gate in self._holds:
            if held_key in (key, "*") and (held_chat is None or held_chat == chat):
                return gate
        return None

    def register(self, method: str, handler: MethodHandler) -> None:
        """Answer ``method`` with ``handler(params)``'s return value as ``result``.

        Lets a test support an extra method (or override a built-in one) without editing the
        stub. Overrides built-ins, but fault injection and delays still apply first.
        """
        with self._lock:
            self._handlers[self._method_key(method)] = handler

    def reset(self) -> None:
        """Forget calls, updates, messages, faults and delays (keeps the server running)."""
        with self._cond:
            self._calls.clear()
            self._errors.clear()
            self._updates.clear()
            self._next_message_id.clear()
            self._messages.clear()
            self._chats.clear()
            self._events.clear()
            self._uploads.clear()
            self._faults.clear()
            self._delays.clear()
            self._timeouts.clear()
            for _, _, gate in self._holds:
                gate.set()
            self._holds.clear()
            self._answered_queries.clear()
            self._issued_queries.clear()
            self._webhook = None
            self._routes = []
            self._deliveries.clear()
            self._cond.notify_all()

    # ------------------------------------------------------------------ webhooks

    @property
    def webhook(self) -> JSONDict | None:
        """The webhook as ``setWebhook`` registered it (``url``, ``secret_token``,
        ``allowed_updates``, ``max_connections``, ``drop_pending_updates``), or None."""
        with self._lock:
            return dict(self._webhook) if self._webhook is not None else None

    def route_webhook(self, *origins: str) -> None:
        """Deliver the webhook's updates to these origins (``http://127.0.0.1:8001``…) in
        turn instead of to the registered URL's own host: a load balancer in front of
        several bot processes. The registered URL's path and query are kept. Each POST
        goes to the next origin, a failed one's retry too (the balancer tries another
        instance). No origins: the registered URL again."""
        with self._cond:
            self._routes = [origin.rstrip("/") for origin in origins]
            self._next_route = 0
            self._notify()

    @property
    def webhook_deliveries(self) -> list[WebhookDelivery]:
        """Every POST of an update to a webhook, in order (failed ones included)."""
        with self._lock:
            return list(self._deliveries)

    @staticmethod
    def post_webhook(
        url: str,
        payload: JSONDict,
        *,
        secret_token: str | None = None,
        content_type: str = "application/json",
        timeout: float = WEBHOOK_TIMEOUT_SECONDS,
    ) -> int:
        """POST ``payload`` to ``url`` as Telegram posts an update (JSON, the secret in its
        header when given); the HTTP status (0: no answer)."""
        headers = {"Content-Type": content_type}
        if secret_token is not None:
            headers[SECRET_HEADER] = secret_token
        request = urllib.request.Request(
            url, data=json.dumps(payload).encode(), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return int(response.status)
        except urllib.error.HTTPError as error:
            return int(error.code)
        except (OSError, ValueError):
            return 0

    def _set_webhook(self, params: JSONDict) -> bool:
        url = str(params.get("url") or "").strip()
        with self._cond:
            if _truthy(params.get("drop_pending_updates", False)):
                self._updates.clear()
            if not url:  # Telegram: an empty URL removes the webhook
                self._webhook = None
                return True
            secret = params.get("secret_token")
            self._webhook = {
                "url": url,
                "secret_token": str(secret) if secret not in (None, "") else None,
                "allowed_updates": params.get("allowed_updates"),
                "max_connections": int(_chat_key(params.get("max_connections")) or 40),
                "drop_pending_updates": _truthy(params.get("drop_pending_updates", False)),
            }
            if self._pusher is None and not self._stopping.is_set():
                self._pusher = threading.Thread(
                    target=self._push_updates, name="StubBotAPI:webhook", daemon=True
                )
                self._pusher.start()
            self._notify()
        return True

    def _webhook_info(self) -> JSONDict:
        with self._lock:
            hook = self._webhook
            info: JSONDict = {
                "url": hook["url"] if hook else "",
                "has_custom_certificate": False,
                "pending_update_count": len(self._updates),
            }
            if hook is not None:
                info["max_connections"] = hook["max_connections"]
                if hook["allowed_updates"] is not None:
                    info["allowed_updates"] = hook["allowed_updates"]
            return info

    def _push_updates(self) -> None:
        """The delivery thread: the oldest update to the webhook, one at a time."""
        while True:
            with self._cond:
                while not self._stopping.is_set() and (self._webhook is None or not self._updates):
                    self._cond.wait(1.0)
                if self._stopping.is_set():
                    return
                assert self._webhook is not None
                update = json.loads(json.dumps(self._updates[0]))
                url = self._target(str(self._webhook["url"]))
                secret = self._webhook["secret_token"]
            status = self.post_webhook(url, update, secret_token=secret)
            with self._cond:
                self._deliveries.append(
                    WebhookDelivery(int(update["update_id"]), url, status, time.time())
                )
                if 200 <= status < 300:
                    self._updates = [
                        u for u in self._updates if u["update_id"] != update["update_id"]
                    ]
                self._notify()
            if not 200 <= status < 300:
                self._stopping.wait(WEBHOOK_RETRY_SECONDS)

    def _target(self, registered: str) -> str:
        """Where the next update goes; caller holds the lock."""
        if not self._routes:
            return registered
        origin = urlsplit(self._routes[self._next_route % len(self._routes)])
        parts = urlsplit(registered)
        self._next_route += 1
        return urlunsplit((origin.scheme, origin.netloc, parts.path, parts.query, ""))

    # ------------------------------------------------------------------ update injection

    def send_text(
        self,
        chat_id: int,
        text: str,
        first_name: str = "Runner",
        chat_type: str = "private",
        *,
        user_id: int | None = None,
    ) -> int:
        """Enqueue a text message from a user; returns its update_id.

        For private chats the sender's id equals ``chat_id`` (as in real Telegram). Text
        starting with ``/`` gets a ``bot_command`` entity so PTB's CommandHandler fires.
        """
        with self._cond:
            message = self._user_message(chat_id, first_name, chat_type, user_id)
            message["text"] = text
            if text.startswith("/"):
                command = text.split(maxsplit=1)[0]
                message["entities"] = [
                    {"type": "bot_command", "offset": 0, "length": _utf16_len(command)}
                ]
            self._events.append((chat_id, f"runner: {text}"))
            return self._enqueue({"message": message})

    def share_location(
        self,
        chat_id: int,
        latitude: float,
        longitude: float,
        first_name: str | None = None,
        chat_type: str = "private",
    ) -> int:
        """Enqueue a message carrying a location (as from the "share location" button)."""
        with self._cond:
            message = self._user_message(chat_id, first_name, chat_type, None)
            message["location"] = {"latitude": latitude, "longitude": longitude}
            self._events.append((chat_id, f"runner: (location {latitude}, {longitude})"))
            return self._enqueue({"message": message})

    def send_photo(
        self,
        chat_id: int,
        caption: str | None = None,
        first_name: str | None = None,
        chat_type: str = "private",
    ) -> int:
        """Enqueue a photo from a user, with ``caption`` if given; returns its update_id."""
        with self._cond:
            message = self._user_message(chat_id, first_name, chat_type, None)
            unique = f"photo{message['message_id']}"
            message["photo"] = [
                {
                    "file_id": f"{unique}-s",
                    "file_unique_id": f"{unique}s",
                    "width": 90,
                    "height": 60,
                    "file_size": 1200,
                },
                {
                    "file_id": f"{unique}-m",
                    "file_unique_id": f"{unique}m",
                    "width": 800,
                    "height": 533,
                    "file_size": 48000,
                },
            ]
            if caption is not None:
                message["caption"] = caption
            self._events.append((chat_id, f"runner: (photo) {caption or ''}".rstrip()))
            return self._enqueue({"message": message})

    def send_chat_member(
        self,
        chat_id: int,
        old: str,
        new: str,
        first_name: str | None = None,
    ) -> int:
        """Enqueue a ``my_chat_member`` update: the bot's status in a private chat went from
        ``old`` to ``new`` (``"kicked"`` when the user blocks the bot, ``"member"`` when
        they unblock it), as Telegram sends it; returns its update_id."""
        with self._cond:
            info = self._chat_info(chat_id, first_name, "private")
            user = dict(info["user"], id=chat_id)
            self._chats[chat_id] = {"chat": info["chat"], "user": user}
            bot_user = self._bot_user(None)

            def member(status: str) -> JSONDict:
                found: JSONDict = {"user": bot_user, "status": status}
                if status == "kicked":
                    found["until_date"] = 0
                return found

            self._events.append((chat_id, f"runner: (bot {old} -> {new})"))
            return self._enqueue(
                {
                    "my_chat_member": {
                        "chat": dict(info["chat"]),
                        "from": user,
                        "date": int(time.time()),
                        "old_chat_member": member(old),
                        "new_chat_member": member(new),
                    }
                }
            )

    def press_button(
        self,
        chat_id: int,
        message_id: int,
        data: str,
        first_name: str | None = None,
    ) -> int:
        """Enqueue a callback_query for the inline button ``data`` under a bot message.

        The query's ``message`` is the stub's current copy of that bot message (text and
        keyboard as last sent/edited), so handlers see what a real user clicked on. Unknown
        message ids get a minimal synthetic message (which is then remembered).
        """
        with self._cond:
            chat = self._chat_info(chat_id, first_name, None)
            user = dict(chat["user"])
            message = self._messages.get((chat_id, message_id))
            if message is None:
                message = {
                    "message_id": message_id,
                    "from": self._bot_user(None),
                    "chat": dict(chat["chat"]),
                    "date": int(time.time()),
                    "text": "",
                }
                self._messages[(chat_id, message_id)] = message
            label = _button_text(message.get("reply_markup"), data)
            query_id = str(1_000_000 + self._next_callback_id)
            self._next_callback_id += 1
            self._issued_queries.add(query_id)
            self._events.append((chat_id, f"runner: (pressed [{label or data}])"))
            return self._enqueue(
                {
                    "callback_query": {
                        "id": query_id,
                        "from": user,
                        "message": json.loads(json.dumps(message)),
                        "chat_instance": f"ci{chat_id}",
                        "data": data,
                    }
                }
            )

    def press_inline_button(
        self,
        user_id: int,
        data: str,
        inline_message_id: str = "AgAAAInline",
        first_name: str | None = None,
    ) -> int:
        """Enqueue a callback_query from a button under an inline-mode message: Telegram
        sends no ``message`` then, only ``inline_message_id`` (and no chat)."""
        with self._cond:
            info = self._chat_info(user_id, first_name, None)
            user = dict(info["user"], id=user_id)
            query_id = str(1_000_000 + self._next_callback_id)
            self._next_callback_id += 1
            self._issued_queries.add(query_id)
            self._events.append((user_id, f"runner: (pressed inline [{data}])"))
            return self._enqueue(
                {
                    "callback_query": {
                        "id": query_id,
                        "from": user,
                        "inline_message_id": inline_message_id,
                        "chat_instance": f"ci{user_id}",
                        "data": data,
                    }
                }
            )

    def pending_updates(self) -> list[JSONDict]:
        """Updates not yet confirmed by the bot (via a later getUpdates offset)."""
        with self._lock:
            return [json.loads(json.dumps(u)) for u in self._updates]

    # ------------------------------------------------------------------ queries

    @property
    def calls(self) -> list[Call]:
        """Snapshot of every recorded call, in order."""
        with self._lock:
            return list(self._calls)

    @property
    def call_count(self) -> int:
        """Number of recorded calls; pass as ``since=`` to wait only for newer calls."""
        with self._lock:
            return len(self._calls)

    @property
    def errors(self) -> list[str]:
        """Tracebacks of stub crashes (should stay empty; assert on it when debugging)."""
        with self._lock:
            return list(self._errors)

    def set_language_code(self, chat_id: int, code: str | None) -> None:
        """The ``language_code`` Telegram sends with this chat's user from now on (the
        language of their Telegram app: "ru", "pt-br", "es-419"; None: none sent)."""
        with self._lock:
            self._language_codes[chat_id] = code

    def profile(self, language_code: str | None = None) -> JSONDict:
        """The bot's profile as set for ``language_code`` (None: the default): the keys
        ``commands`` (a list of {"command", "description"}), ``description`` and
        ``short_description``, each present once set."""
        with self._lock:
            return dict(self._profile.get(language_code, {}))

    def profile_languages(self) -> list[str | None]:
        """Every language_code the profile was set for (None: the default)."""
        with self._lock:
            return list(self._profile)

    def calls_to(self, method: str) -> list[Call]:
        """All recorded calls of one method (case-insensitive)."""
        key = self._method_key(method)
        with self._lock:
            return [c for c in self._calls if c.method.lower() == key]

    def sent_messages(self, chat_id: int | str | None = None) -> list[JSONDict]:
        """Successful sendMessage/editMessageText calls in order, as dicts with keys
        ``method``, ``chat_id``, ``message_id``, ``text``, ``reply_markup``; sendPhoto and
        sendDocument among them, with the caption as ``text`` (``""`` without one) and
        ``upload`` (the :class:`Upload`), ``file_name``, ``mime_type`` and ``photo_bytes``
        or ``document_bytes``."""
        want = _chat_key(chat_id)
        out: list[JSONDict] = []
        with self._lock:
            uploads: dict[tuple[ChatKey, Any], Upload] = {
                (upload.chat_id, upload.message_id): upload for upload in self._uploads
            }
            for call in self._calls:
                if not call.ok or call.method not in {
                    "sendMessage",
                    "editMessageText",
                    *FILE_FIELDS,
                }:
                    continue
                if want is not None and call.chat_id != want:
                    continue
                result = call.result if isinstance(call.result, dict) else {}
                message_id = result.get("message_id", _chat_key(call.params.get("message_id")))
                entry: JSONDict = {
                    "method": call.method,
                    "chat_id": call.chat_id,
                    "message_id": message_id,
                    "text": call.params.get("text"),
                    "reply_markup": call.params.get("reply_markup"),
                }
                upload = uploads.get((call.chat_id or 0, message_id))
                if call.method in FILE_FIELDS and upload is not None:
                    entry["text"] = upload.caption or ""
                    entry["upload"] = upload
                    entry["file_name"] = upload.file_name
                    entry["mime_type"] = upload.mime_type
                    entry[f"{upload.kind}_bytes"] = upload.data
                out.append(entry)
        return out

    def uploads(self, chat_id: int | str | None = None) -> list[Upload]:
        """The files the bot sent (and Telegram accepted), oldest first; one chat's with
        ``chat_id``."""
        want = _chat_key(chat_id)
        with self._lock:
            return [u for u in self._uploads if want is None or u.chat_id == want]

    def last_message(self, chat_id: int | str) -> JSONDict | None:
        """The most recent :meth:`sent_messages` entry for the chat, or ``None``."""
        messages = self.sent_messages(chat_id)
        return messages[-1] if messages else None

    def message(self, chat_id: int | str, message_id: int) -> JSONDict | None:
        """Current state (after edits) of a bot or user message as a Message dict."""
        with self._lock:
            stored = self._messages.get((_chat_key(chat_id) or 0, message_id))
            return json.loads(json.dumps(stored)) if stored is not None else None

    def transcript(self, chat_id: int | str) -> str:
        """Human-readable conversation: ``runner: ...`` / ``bot: ...`` lines, with inline
        keyboards rendered under bot lines as ``[Button] [Button]`` (one line per row)."""
        want = _chat_key(chat_id)
        with self._lock:
            return "\n".join(line for chat, line in self._events if chat == want)

    def wait_for(
        self,
        predicate: Predicate | str | None = None,
        timeout: float = 10.0,
        *,
        method: str | None = None,
        chat_id: int | str | None = None,
        since: int = 0,
    ) -> Call:
        """Block until a recorded call matches, and return the first match.

        ``predicate`` may be a callable on :class:`Call` or a method name. ``method`` /
        ``chat_id`` pre-filter calls (so a predicate can index ``params`` safely), and
        ``since`` (e.g. a previous :attr:`call_count`) skips older calls. Uses a condition
        variable, no sleep loop. Raises :class:`TimeoutError` with recent calls listed.
        Do not call this from an event loop thread -- use :meth:`wait_for_async` there.
        """
        match = self._matcher(predicate, method, chat_id)
        deadline = time.monotonic() + timeout
        index = since
        while True:
            with self._cond:
                while len(self._calls) <= index:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        raise self._timeout_error(timeout)
                    self._cond.wait(remaining)
                batch = self._calls[index:]
            for call in batch:  # predicate runs outside the lock: it may call stub methods
                if match(call):
                    return call
            index += len(batch)

    async def wait_for_async(
        self,
        predicate: Predicate | str | None = None,
        timeout: float = 10.0,  # noqa: ASYNC109 - mirrors wait_for(); the API callers asked for
        *,
        method: str | None = None,
        chat_id: int | str | None = None,
        since: int = 0,
    ) -> Call:
        """Async twin of :meth:`wait_for` that never blocks the event loop.

        Server threads wake this coroutine through ``loop.call_soon_threadsafe`` instead of
        a worker thread, so a cancelled wait leaves nothing behind to block loop shutdown.
        """
        match = self._matcher(predicate, method, chat_id)
        loop = asyncio.get_running_loop()
        event = asyncio.Event()

        def wake() -> None:
            try:
                loop.call_soon_threadsafe(event.set)
            except RuntimeError:  # loop already closed
                pass

        deadline = loop.time() + timeout
        index = since
        with self._lock:
            self._async_waiters.add(wake)
        try:
            while True:
                with self._lock:
                    event.clear()
                    batch = self._calls[index:]
                for call in batch:
                    if match(call):
                        return call
                index += len(batch)
                remaining = deadline - loop.time()
                if remaining <= 0:
                    raise self._timeout_error(timeout)
                try:
                    async with asyncio.timeout(remaining):
                        await event.wait()
                except TimeoutError:
                    pass  # loop once more: check the last batch, then raise
        finally:
            with self._lock:
                self._async_waiters.discard(wake)

    # ------------------------------------------------------------------ internals

    @staticmethod
    def _method_key(method: str) -> str:
        return method.lower()

    @staticmethod
    def _matcher(
        predicate: Predicate | str | None, method: str | None, chat_id: int | str | None
    ) -> Predicate:
        """Combine the wait_for filters into one predicate."""
        method_key = method.lower() if method else None
        if isinstance(predicate, str):
            method_key, predicate = predicate.lower(), None
        chat = _chat_key(chat_id)

        def match(call: Call) -> bool:
            if method_key is not None and call.method.lower() != method_key:
                return False
            if chat is not None and call.chat_id != chat:
                return False
            return predicate is None or bool(predicate(call))

        return match

    def _timeout_error(self, timeout: float) -> TimeoutError:
        with self._lock:
            recent = [f"  {c.method} {c.params!r}" for c in self._calls[-15:]]
        listing = "\n".join(recent) or "  (no calls at all)"
        return TimeoutError(f"no matching Bot API call within {timeout}s; last calls:\n{listing}")

    def _record_error(self, text: str) -> None:
        with self._lock:
            self._errors.append(text)

    def _notify(self) -> None:
        """Wake sync and async waiters; caller holds the lock."""
        self._cond.notify_all()
        for wake in list(self._async_waiters):
            wake()

    def _bot_user(self, token: str | None) -> JSONDict:
        """The bot's User dict; its id is the numeric token prefix, as on Telegram."""
        bot_id = 1
        if token:
            m = TOKEN_RE.match(token)
            if m:
                bot_id = int(m.group("bot_id"))
        elif self._calls:
            m = TOKEN_RE.match(self._calls[-1].token)
            if m:
                bot_id = int(m.group("bot_id"))
        return {
            "id": bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def _chat_info(
        self, chat_id: ChatKey, first_name: str | None, chat_type: str | None
    ) -> JSONDict:
        """Remembered (or default) chat + user dicts for a chat; caller holds the lock."""
        known = self._chats.get(chat_id)
        if known is not None and first_name is None and chat_type is None:
            said = self._language_codes.get(chat_id, "en")
            same = {k: v for k, v in known["user"].items() if k != "language_code"}
            if said is not None:
                same["language_code"] = said
            return {"chat": known["chat"], "user": same}
        name = first_name or (known["user"]["first_name"] if known else "Runner")
        ctype = chat_type or (known["chat"]["type"] if known else "private")
        user: JSONDict = {"id": 0, "is_bot": False, "first_name": name}
        code = self._language_codes.get(chat_id, "en")
        if code is not None:
            user["language_code"] = code
        return {"chat": self._chat_dict(chat_id, ctype, name), "user": user}

    @staticmethod
    def _chat_dict(chat_id: ChatKey, chat_type: str, first_name: str) -> JSONDict:
        if chat_type == "private":
            return {"id": chat_id, "type": "private", "first_name": first_name}
        return {"id": chat_id, "type": chat_type, "title": f"Chat {chat_id}"}

    def _user_message(
        self, chat_id: int, first_name: str | None, chat_type: str, user_id: int | None
    ) -> JSONDict:
        """Skeleton of a user-sent Message; remembers chat info; caller holds the lock."""
        info = self._chat_info(chat_id, first_name, chat_type)
        if user_id is None:
            user_id = chat_id if chat_type == "private" else abs(chat_id)
        info["user"]["id"] = user_id
        self._chats[chat_id] = info
        message: JSONDict = {
            "message_id": self._new_message_id(chat_id),
            "from": dict(info["user"]),
            "chat": dict(info["chat"]),
            "date": int(time.time()),
        }
        self._messages[(chat_id, message["message_id"])] = message
        return message

    def _new_message_id(self, chat_id: ChatKey) -> int:
        """Message ids grow per chat and are shared by both sides, like in private chats."""
        next_id = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = next_id + 1
        return next_id

    def _enqueue(self, payload: JSONDict) -> int:
        """Add an update to the queue and wake long polls; caller holds the lock."""
        update_id = self._next_update_id
        self._next_update_id += 1
        self._updates.append({"update_id": update_id, **payload})
        self._notify()
        return update_id

    def dispatch(self, path: str, params: JSONDict) -> tuple[int, JSONDict]:
        """Answer one Bot API request (``/bot<TOKEN>/<method>`` and its decoded parameters)
        as the HTTP server does: (HTTP status, JSON envelope). The in-process request of
        testkit/harness.py calls it directly; raises ``StubTimeout`` for an injected
        timeout (the HTTP server then drops the connection without an answer)."""
        arrived = time.time()
        m = METHOD_PATH_RE.match(path)
        if m is None or TOKEN_RE.match(m.group("token")) is None:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        token = m.group("token")
        method = CANONICAL_METHODS.get(m.group("method").lower(), m.group("method"))
        key = method.lower()

        chat = _chat_key(params.get("chat_id"))
        with self._lock:
            latency = self._delays.get(key, 0.0) + self._delays.get("*", 0.0)
            gate = self._gate_for(key, chat)
            timeout = self._take_timeout(key, chat)
        if latency > 0:
            self._stopping.wait(latency)
        if gate is not None:
            gate.wait()

        if timeout is not None and not timeout.delivered:
            with self._cond:
                self._calls.append(Call(method, params, arrived, token, False, {}))
                self._notify()
            raise StubTimeout(method)
        status, response = self._answer(key, method, token, params)
        with self._cond:
            self._calls.append(
                Call(method, params, arrived, token, bool(response.get("ok")), response)
            )
            if response.get("ok"):
                self._log_transcript(method, params, response.get("result"))
            self._notify()
        if timeout is not None:
            raise StubTimeout(method)
        return status, response

    def _take_timeout(self, key: str, chat: ChatKey | None) -> _Timeout | None:
        """Consume one matching injected timeout; caller holds the lock."""
        for bucket_key in (key, "*"):
            bucket = self._timeouts.get(bucket_key, [])
            for timeout in bucket:
                if timeout.chat_id is not None and timeout.chat_id != chat:
                    continue
                timeout.remaining -= 1
                if timeout.remaining <= 0:
                    bucket.remove(timeout)
                return timeout
        return None

    def _answer(self, key: str, method: str, token: str, params: JSONDict) -> tuple[int, JSONDict]:
        """Apply faults, then custom handlers, then the built-in implementation."""
        with self._lock:
            fault = self._take_fault(key, _chat_key(params.get("chat_id")))
            handler = self._handlers.get(key)
        if fault is not None:
            body: JSONDict = {
                "ok": False,
                "error_code": fault.error_code,
                "description": fault.description,
            }
            if fault.retry_after is not None:
                body["parameters"] = {"retry_after": fault.retry_after}
            return fault.error_code, body
        try:
            self._check(method, params)
            if handler is not None:
                result = handler(params)
            else:
                result = self._builtin(method, token, params)
        except _StubError as err:
            return err.error_code, {
                "ok": False,
                "error_code": err.error_code,
                "description": err.description,
            }
        return 200, {"ok": True, "result": result}

    def _check(self, method: str, params: JSONDict) -> None:
        """Refuse what Telegram refuses (module docstring), before any handler runs."""
        if method in PROFILE_METHODS:
            _check_profile(method, params)
        elif method in {"sendMessage", "editMessageText"}:
            checked_text(method, params)
        elif method in FILE_FIELDS:
            checked_caption(params)
            _check_markup(params.get("reply_markup"))
        elif method == "editMessageReplyMarkup":
            _check_markup(params.get("reply_markup"))
        elif method == "answerCallbackQuery":
            text = params.get("text")
            if text is not None and _utf16_len(str(text)) > MAX_CALLBACK_ANSWER:
                raise _StubError(400, TOO_LONG_EDIT)
            query_id = str(params.get("callback_query_id", ""))
            with self._lock:
                if query_id in self._answered_queries:
                    raise _StubError(400, QUERY_INVALID)
                if query_id in self._issued_queries:
                    self._answered_queries.add(query_id)

    def _take_fault(self, key: str, chat: ChatKey | None) -> _Fault | None:
        """Consume one matching fault (method-specific first, then ``*``); holds the lock."""
        for bucket_key in (key, "*"):
            bucket = self._faults.get(bucket_key, [])
            for fault in bucket:
                if fault.chat_id is not None and fault.chat_id != chat:
                    continue
                fault.remaining -= 1
                if fault.remaining <= 0:
                    bucket.remove(fault)
                return fault
        return None

    def _builtin(self, method: str, token: str, params: JSONDict) -> Any:
        """The built-in method implementations."""
        if method in TRUE_METHODS:
            return True
        if method in PROFILE_METHODS:
            code = str(params.get("language_code") or "") or None
            field_name = PROFILE_FIELDS[method]
            with self._lock:
                self._profile.setdefault(code, {})[field_name] = params.get(field_name, "")
            return True
        if method == "getMe":
            return {
                **self._bot_user(token),
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
                "can_connect_to_business": False,
                "has_main_web_app": False,
            }
        if method == "getUpdates":
            if self.webhook is not None:
                raise _StubError(409, WEBHOOK_ACTIVE)
            return self._get_updates(params)
        if method == "setWebhook":
            return self._set_webhook(params)
        if method == "answerCallbackQuery":
            return True
        if method == "deleteWebhook":
            with self._cond:
                if _truthy(params.get("drop_pending_updates", False)):
                    self._updates.clear()
                self._webhook = None
                self._notify()
            return True
        if method == "getWebhookInfo":
            return self._webhook_info()
        if method == "getMyCommands":
            code = str(params.get("language_code") or "") or None
            with self._lock:
                return list(self._profile.get(code, {}).get("commands", []))
        if method == "sendMessage":
            return self._send_message(token, params)
        if method in FILE_FIELDS:
            return self._send_file(method, token, params)
        if method in {"editMessageText", "editMessageReplyMarkup"}:
            return self._edit_message(method, params)
        if method == "deleteMessage":
            with self._lock:
                chat = _chat_key(params.get("chat_id"))
                message_id = _chat_key(params.get("message_id"))
                if chat is not None and isinstance(message_id, int):
                    self._messages.pop((chat, message_id), None)
            return True
        raise _StubError(404, "Not Found: method not found")

    def _get_updates(self, params: JSONDict) -> list[JSONDict]:
        """Long-poll: confirm ids < offset, then wait up to ``timeout`` for updates."""
        offset = int(_chat_key(params.get("offset")) or 0)
        limit = max(1, min(100, int(_chat_key(params.get("limit")) or 100)))
        timeout = min(float(params.get("timeout") or 0), self.max_poll_timeout)
        deadline = time.monotonic() + timeout
        with self._cond:
            if offset > 0:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            elif offset < 0:
                self._updates = self._updates[offset:]
            while not self._updates and not self._stopping.is_set():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            return [json.loads(json.dumps(u)) for u in self._updates[:limit]]

    def _send_message(self, token: str, params: JSONDict) -> JSONDict:
        chat = _chat_key(params.get("chat_id"))
        if chat is None:
            raise _StubError(400, "Bad Request: chat_id is empty")
        text = params.get("text")
        if not text:
            raise _StubError(400, "Bad Request: message text is empty")
        with self._lock:
            info = self._chat_info(chat, None, None)
            message: JSONDict = {
                "message_id": self._new_message_id(chat),
                "from": self._bot_user(token),
                "chat": dict(info["chat"]),
                "date": int(time.time()),
                "text": str(text),
            }
            markup = params.get("reply_markup")
            if isinstance(markup, dict) and "inline_keyboard" in markup:
                message["reply_markup"] = markup
            self._messages[(chat, message["message_id"])] = message
            return json.loads(json.dumps(message))

    def _upload_of(self, method: str, params: JSONDict) -> tuple[str, str, bytes]:
        """(file name, mime type, bytes) of the file a send carries: a multipart part
        (directly or through ``attach://name``), or an earlier upload's ``file_id``."""
        field_name = FILE_FIELDS[method]
        value = params.get(field_name)
        if isinstance(value, str) and value.startswith("attach://"):
            value = params.get(value.removeprefix("attach://"))
        if isinstance(value, dict) and isinstance(value.get("data"), bytes):
            data: bytes = value["data"]
            name = str(value.get("filename") or field_name)
            mime = str(value.get("content_type") or "application/octet-stream")
            return name, mime, data
        if isinstance(value, str) and value:
            with self._lock:
                for earlier in self._uploads:
                    if earlier.file_id == value:
                        return earlier.file_name, earlier.mime_type, earlier.data
            raise _StubError(400, WRONG_FILE_ID)
        raise _StubError(400, f"Bad Request: there is no {field_name} in the request")

    def _send_file(self, method: str, token: str, params: JSONDict) -> JSONDict:
        """sendPhoto / sendDocument: check the file, keep it, answer with its Message."""
        chat = _chat_key(params.get("chat_id"))
        if chat is None:
            raise _StubError(400, "Bad Request: chat_id is empty")
        name, mime, data = self._upload_of(method, params)
        if not data:
            raise _StubError(400, EMPTY_FILE)
        limit = MAX_PHOTO_BYTES if method == "sendPhoto" else MAX_DOCUMENT_BYTES
        if len(data) > limit:
            raise _StubError(413, TOO_LARGE)
        size = _check_photo(data) if method == "sendPhoto" else None
        caption = params.get("caption")
        with self._lock:
            info = self._chat_info(chat, None, None)
            message_id = self._new_message_id(chat)
            unique = f"{FILE_FIELDS[method]}{len(self._uploads) + 1}"
            file_id = f"{unique}-{chat}-{message_id}"
            message: JSONDict = {
                "message_id": message_id,
                "from": self._bot_user(token),
                "chat": dict(info["chat"]),
                "date": int(time.time()),
            }
            if size is not None:
                width, height = size
                message["photo"] = [
                    {
                        "file_id": file_id,
                        "file_unique_id": unique,
                        "width": width,
                        "height": height,
                        "file_size": len(data),
                    }
                ]
            else:
                message["document"] = {
                    "file_id": file_id,
                    "file_unique_id": unique,
                    "file_name": name,
                    "mime_type": mime,
                    "file_size": len(data),
                }
            if caption:
                message["caption"] = str(caption)
            markup = params.get("reply_markup")
            if isinstance(markup, dict) and "inline_keyboard" in markup:
                message["reply_markup"] = markup
            self._messages[(chat, message_id)] = message
            parse_mode = params.get("parse_mode")
            self._uploads.append(
                Upload(
                    method,
                    chat,
                    message_id,
                    file_id,
                    name,
                    mime,
                    data,
                    str(caption) if caption is not None else None,
                    str(parse_mode) if parse_mode else None,
                )
            )
            return json.loads(json.dumps(message))

    def _edit_message(self, method: str, params: JSONDict) -> JSONDict | bool:
        if params.get("inline_message_id"):
            return True
        chat = _chat_key(params.get("chat_id"))
        message_id = _chat_key(params.get("message_id"))
        with self._lock:
            if chat is None or not isinstance(message_id, int):
                raise _StubError(400, "Bad Request: message to edit not found")
            message = self._messages.get((chat, message_id))
            if message is None:
                raise _StubError(400, "Bad Request: message to edit not found")
            if method == "editMessageText" and "text" not in message:
                raise _StubError(400, "Bad Request: there is no text in the message to edit")
            markup = params.get("reply_markup")
            is_inline = isinstance(markup, dict) and "inline_keyboard" in markup
            new_markup = markup if is_inline else None
            new_text = str(params["text"]) if method == "editMessageText" else message.get("text")
            if (
                self.not_modified_errors
                and new_text == message.get("text")
                and new_markup == message.get("reply_markup")
            ):
                raise _StubError(
                    400,
                    "Bad Request: message is not modified: specified new message content and "
                    "reply markup are exactly the same as a current content and reply markup "
                    "of the message",
                )
            message["text"] = new_text
            if new_markup is None:
                message.pop("reply_markup", None)
            else:
                message["reply_markup"] = new_markup
            message["edit_date"] = int(time.time())
            return json.loads(json.dumps(message))

    def _log_transcript(self, method: str, params: JSONDict, result: Any) -> None:
        """Append bot-side transcript lines for successful sends/edits; holds the lock."""
        chat = _chat_key(params.get("chat_id"))
        if chat is None:
            return
        if method == "sendMessage" or method == "editMessageText":
            lines = [f"bot: {params.get('text', '')}"]
        elif method in FILE_FIELDS and isinstance(result, dict):
            shown = result.get("document", {}).get("file_name") or "photo"
            lines = [f"bot: ({shown}) {params.get('caption') or ''}".rstrip()]
        elif method == "editMessageReplyMarkup":
            lines = ["bot: (keyboard updated)"]
        else:
            return
        lines += [f"     {row}" for row in _render_buttons(params.get("reply_markup"))]
        self._events.extend((chat, line) for line in lines)
