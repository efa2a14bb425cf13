"""/export's two files and captions, and the /delete question that offers them first.

The spreadsheet (CSV) is what a runner opens: one row per log, the words from
``content/messages/export.toml``, written by the ``csv`` module (RFC 4180: a field with a
comma, a quote or a line break is quoted, quotes doubled, rows end in CRLF) in UTF-8 with
a byte-order mark, without which Excel reads UTF-8 as the local code page (Microsoft:
"Opening CSV UTF-8 files correctly in Excel"), and with ISO dates, which every
spreadsheet reads as dates whatever its locale. The JSON file is everything the bot holds
(every table's rows of the runner, ``bot.store.export_reads``), with the sessions rebuilt
and a line saying what /delete removes.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.content import Texts
from bot.messages.callbacks import DeleteButton, ExportButton
from bot.messages.loads import weight_text
from bot.messages.views import dose
from bot.services.export import ExportData, PastSession
from bot.store.models import Runner, SessionLog

#: Columns stored as JSON text: the file holds them as JSON, not as a string of it.
JSON_COLUMNS = frozenset({"swaps", "week_changes", "loads", "data", "state"})
#: Columns of the spreadsheet, in order (their headers: ``export.columns.<name>``).
COLUMNS = (
    "date",
    "weekday",
    "focus",
    "level",
    "status",
    "reason",
    "feedback",
    "sore",
    "note",
    "planned_minutes",
    "exercises",
)
#: Their header texts' keys (tests/test_export.py checks each exists).
COLUMN_KEYS = tuple(f"export.columns.{name}" for name in COLUMNS)
#: Bumped when the JSON file's shape changes, so a reader of an old file can tell.
JSON_FORMAT = "strength-coach-export/1"


def file_names(t: Texts, today: date) -> tuple[str, str]:
    """The CSV's and the JSON's file names: "strength-coach-2026-12-03.csv"."""
    day = today.isoformat()
    return t("export.csv_name", day=day), t("export.json_name", day=day)


def csv_caption(t: Texts, data: ExportData) -> str:
    count = data.log_count
    return t("export.csv_caption", count=count) if count else t("export.csv_caption_empty")


def json_caption(t: Texts) -> str:
    return t("export.json_caption")


def _word(t: Texts, section: str, value: str | None) -> str:
    """A stored value in the spreadsheet's words; one the content does not know, as stored."""
    if not value:
        return ""
    key = f"export.{section}.{value}"
    return t(key) if t.has(key) else value


def exercises_cell(t: Texts, past: PastSession, unit: str) -> str:
    """ "Goblet squat 3 x 10 @ 16 kg; Side plank 3 x 30 s": the session's moves and doses,
    with the weight the runner logged for a move where they logged one."""
    parts = []
    for item in past.items:
        name, shown = item.level.variant, dose(t, item.level)
        kg = past.loads.get(item.exercise.id)
        if kg is None:
            parts.append(t("export.cells.exercise", name=name, dose=shown))
        else:
            weight = weight_text(t, kg, unit)
            parts.append(t("export.cells.exercise_load", name=name, dose=shown, weight=weight))
    return "; ".join(parts)


def csv_row(t: Texts, past: PastSession, unit: str) -> list[str]:
    log = past.log
    return [
        log.local_date.isoformat(),
        t.weekday(log.local_date.weekday()),
        t(f"focus.{log.focus}") if t.has(f"focus.{log.focus}") else log.focus,
        "" if past.level is None else str(past.level),
        _word(t, "status", log.status),
        _word(t, "reason", log.reason),
        _word(t, "feedback", log.feedback),
        t("export.cells.sore") if log.sore else "",
        log.note or "",
        "" if past.minutes is None else str(past.minutes),
        exercises_cell(t, past, unit),
    ]


def csv_bytes(t: Texts, data: ExportData, sessions: list[PastSession]) -> bytes:
    """The spreadsheet: a header row, then one row per log, oldest first."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)  # the excel dialect: RFC 4180 quoting, CRLF line ends
    writer.writerow([t(key) for key in COLUMN_KEYS])
    unit = data.runner.weight_unit or "kg"
    writer.writerows(csv_row(t, past, unit) for past in sessions)
    return buffer.getvalue().encode("utf-8-sig")


def _plain(value: Any) -> Any:
    """A stored value as JSON holds it: ISO dates and instants."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _row(row: dict[str, Any]) -> dict[str, Any]:
    """One stored row, JSON-ready: JSON text columns parsed, dates in ISO."""
    out: dict[str, Any] = {}
    for name, value in row.items():
        if name in JSON_COLUMNS and isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                pass  # kept as stored: a damaged value is still the runner's data
        out[name] = _plain(value)
    return out


def _session(past: PastSession, row: dict[str, Any]) -> dict[str, Any]:
    """A log row with the session of its day: level, minutes, moves and doses."""
    return {
        **_row(row),
        "level": past.level,
        "planned_minutes": past.minutes,
        "exercises": [
            {
                "exercise": item.exercise.id,
                "name": item.level.variant,
                "sets": item.level.sets,
                "reps": item.level.reps,
                "seconds": item.level.seconds,
                "per_side": item.level.per_side,
                "rest_seconds": item.level.rest,
                "load_kg": past.loads.get(item.exercise.id),
            }
            for item in past.items
        ],
    }


def json_bytes(t: Texts, data: ExportData, sessions: list[PastSession]) -> bytes:
    """Everything the bot holds about the runner: the runner's row (their answers and
    settings, swaps and week changes parsed), the logs with their sessions, then every
    other table's rows under the table's name (moves, pause_periods, reminders,
    milestones, onboarding_drafts, ...), and what /delete removes.

    Its keys and stored values stay the tables' English identifiers ("status": "done"),
    whatever the runner's language: programs read JSON, and one reading two runners'
    files must find the same keys and values. The sentence a person reads in it
    (``what_delete_removes``) is in the runner's language, as the spreadsheet's words are."""
    runners = data.rows.of(Runner)
    log_rows = {row["id"]: row for row in data.rows.of(SessionLog)}
    document: dict[str, Any] = {
        "format": JSON_FORMAT,
        "exported_at": _plain(data.now),
        "today": data.today.isoformat(),
        "what_delete_removes": t("export.deletes"),
        "runner": _row(runners[0]) if runners else None,
        "logs": [_session(past, log_rows.get(past.log.id, {})) for past in sessions],
    }
    for name, rows in data.rows.tables.items():
        if name in ("runners", "session_logs"):
            continue
        document[name] = [_row(row) for row in rows]
    text = json.dumps(document, ensure_ascii=False, indent=2, default=str)
    return (text + "\n").encode("utf-8")


def delete_keyboard(t: Texts, *, copy_first: bool = True) -> InlineKeyboardMarkup:
    """/delete's question: [📦 A copy first] [Yes, delete] [No, keep] (the copy left out
    when it has just been sent)."""
    rows = [
        [InlineKeyboardButton(t("buttons.delete_yes"), callback_data=DeleteButton(True).pack())],
        [InlineKeyboardButton(t("buttons.delete_no"), callback_data=DeleteButton(False).pack())],
    ]
    if copy_first:
        copy = InlineKeyboardButton(t("export.copy_first"), callback_data=ExportButton().pack())
        rows.insert(0, [copy])
    return InlineKeyboardMarkup(rows)
