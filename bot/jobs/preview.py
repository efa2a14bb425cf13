"""The weekly preview: on the runner's day and time (Sunday 18:00 unless they chose
otherwise in /settings, or never), one message with the coming week, day by day.

No job of its own. Runners carry an indexed ``next_preview_utc``; the reminder tick calls
``plan_previews`` before it plans the day's reminders, which writes one ``reminders`` row
of kind ``preview`` per due runner and moves the runner to next week's instant in the
same transaction. From there the reminder senders deliver it like any reminder — lease,
retries, 429s, blocked runners — and the unique (runner, local date, kind) key keeps a
restart or a second instance from sending the same preview twice.

Each instant is computed from a local date and time (``local_instant``), never by adding
seven days to the last one, so 18:00 stays 18:00 across daylight saving changes.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup

from bot.coach.calendar import History, Origin
from bot.coach.progression import Entry
from bot.coach.schedule import local_date, local_instant
from bot.content import Texts
from bot.deps import Deps
from bot.messages import views
from bot.services.coaching import calendar_view, day_plan, local_today, pauses_of
from bot.store import reminders, runners
from bot.store.db import transaction
from bot.store.models import Runner

log = logging.getLogger(__name__)

PLAN_BATCH = 100
BACKFILL_BATCH = 100
# A runner whose preview could not be planned (bad data) is looked at again after this.
RETRY_PLAN_AFTER = timedelta(hours=1)
# After a long downtime, only the previews of the last few weeks get a ("missed") row.
MAX_CATCHUP_WEEKS = 4
DEFAULT_PREVIEW_TIME = time(18, 0)
# The row's focus column names a session; a preview is about a whole week.
NO_FOCUS = ""


# ---- when ---------------------------------------------------------------------------------


def preview_time_of(runner: Runner) -> time:
    try:
        return runners.time_from_text(runner.preview_time) or DEFAULT_PREVIEW_TIME
    except ValueError:
        return DEFAULT_PREVIEW_TIME


def next_preview_at(runner: Runner, after: datetime) -> datetime | None:
    """The first preview instant strictly after ``after``, or None when previews are off.

    Found from the local date and time each week, so a daylight saving change in between
    moves the UTC instant, not the runner's 18:00.
    """
    if runner.preview_day is None:
        return None
    zone = ZoneInfo(runner.timezone)
    at = preview_time_of(runner)
    start = local_date(after, zone)
    for offset in range(8):  # today's instant may have passed: then the one a week on
        day = start + timedelta(days=offset)
        if day.weekday() != runner.preview_day:
            continue
        instant = local_instant(day, at, zone)
        if instant > after:
            return instant
    return None


def _too_late(deps: Deps, due: datetime, now: datetime, zone: ZoneInfo) -> bool:
    """The reminders' rule (jobs/reminders.py ``_too_late``, not imported: that module
    imports this one): another local day, or more than REMINDER_CATCHUP_HOURS late."""
    catchup = timedelta(hours=deps.settings.reminder_catchup_hours)
    return local_date(now, zone) != local_date(due, zone) or now - due > catchup


def _plan_runner(
    deps: Deps, runner: Runner, now: datetime, rows: list[dict[str, Any]]
) -> datetime | None:
    """Add a row for every preview instant up to now (a downtime leaves several) and return
    the runner's next instant. Pure: the batch writes the rows."""
    zone = ZoneInfo(runner.timezone)
    pauses = pauses_of(runner)
    due_at = runner.next_preview_utc
    oldest = now - timedelta(weeks=MAX_CATCHUP_WEEKS)
    if due_at is not None and due_at < oldest:
        due_at = next_preview_at(runner, oldest)
    for _ in range(MAX_CATCHUP_WEEKS + 1):
        if due_at is None or due_at > now:
            break
        day = local_date(due_at, zone)
        if any(pause.covers(day) for pause in pauses):
            status = "cancelled"  # "no sessions or reminders till then", /pause promised
        elif _too_late(deps, due_at, now, zone):
            status = "missed"
        else:
            status = "ready"
        rows.append(
            {
                "chat_id": runner.chat_id,
                "day": day,
                "focus": NO_FOCUS,
                "due": due_at,
                "status": status,
                "kind": reminders.PREVIEW,
            }
        )
        due_at = next_preview_at(runner, due_at)
    if due_at is not None and due_at <= now:
        due_at = next_preview_at(runner, now)
    return due_at


async def _plan_batch(deps: Deps, now: datetime) -> int:
    """Plan up to PLAN_BATCH due previews in one short transaction (see the reminders'
    ``_plan_batch``: small batches keep SQLite's one connection free for the handlers)."""
    async with transaction(deps.sessions) as session:
        due = await runners.due_preview_runners(session, now=now, limit=PLAN_BATCH)
        if not due:
            return 0
        rows: list[dict[str, Any]] = []
        for runner in due:
            try:
                runner.next_preview_utc = _plan_runner(deps, runner, now, rows)
            except Exception:
                # One runner's bad data must not hold back everybody else's preview.
                log.exception("Could not plan a runner's weekly preview; trying again later")
                runner.next_preview_utc = now + RETRY_PLAN_AFTER
            session.add(runner)
        await reminders.add_rows(session, rows)
    return len(due)


async def plan_previews(deps: Deps, now: datetime) -> int:
    """Write a ``preview`` row for every runner whose preview is due (``ready``, or
    ``missed`` when too late) and move each to next week's instant; runners planned."""
    planned = 0
    try:
        while (batch := await _plan_batch(deps, now)) == PLAN_BATCH:
            planned += batch
        return planned + batch
    except Exception:
        # The preview is a nicety; the day's reminders, planned right after, are not.
        log.exception("Could not plan the weekly previews; trying again next tick")
        return planned


async def backfill_previews(deps: Deps) -> int:
    """Give ``next_preview_utc`` to runners who have a preview day but no instant (set up
    before the weekly preview existed); run at start-up. Runners filled."""
    now = deps.clock.now()
    filled = 0
    after: int | None = None
    while True:
        async with transaction(deps.sessions) as session:
            batch = await runners.runners_without_preview_instant(
                session, after_chat_id=after, limit=BACKFILL_BATCH
            )
            for runner in batch:
                try:
                    runner.next_preview_utc = next_preview_at(runner, now)
                except Exception:
                    log.exception("Could not work out a runner's weekly preview; skipping them")
                    continue
                session.add(runner)
                filled += runner.next_preview_utc is not None
        if len(batch) < BACKFILL_BATCH:
            return filled
        after = batch[-1].chat_id


# ---- what ---------------------------------------------------------------------------------


def preview_week_start(day: date) -> date:
    """The Monday the preview is about: the coming one; on a Monday, the week that starts
    that day (a Monday-morning preview is about the week just begun, not one a week off)."""
    return day + timedelta(days=(7 - day.weekday()) % 7)


def _runs(t: Texts, runner: Runner, day: date) -> list[str]:
    parts = []
    if runner.race_date == day:
        parts.append(t("preview.race_day"))
    if (run := views.run_label(t, runners.week_of(runner), day.weekday())) is not None:
        parts.append(run)
    return parts


def preview_message(
    deps: Deps,
    runner: Runner,
    day: date,
    now: datetime,
    history: list[Entry],
    calendar: History | None,
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The coming week day by day: each strength session as /today will show it (the same
    calendar, plan and level), the runs the runner told us, lighter-week and race notes,
    and when the reminders come. ``day``: the local date the preview is sent on."""
    t = deps.content.texts
    today = local_today(runner, now)
    monday = preview_week_start(day)
    sunday = monday + timedelta(days=6)
    known = calendar if calendar is not None else History(pauses=pauses_of(runner), since=today)
    view = calendar_view(runner, known, today, monday, days=6)
    lines = [t("preview.header", first=views.day_label(t, monday), last=views.day_label(t, sunday))]
    lines.append("")
    notes: list[str] = []
    sessions = 0
    pauses = pauses_of(runner)
    for offset in range(7):
        current = monday + timedelta(days=offset)
        label = f"{t(f'day_short.{current.weekday()}')} {current.day}"
        if any(pause.covers(current) for pause in pauses):
            lines.append(t("preview.day", day=label, what=t("preview.paused")))
            continue
        parts = _runs(t, runner, current)
        slot = view(current)
        moved = slot is not None and slot.origin is not Origin.PLANNED
        plan = (
            day_plan(deps.content, runner, history, current, slot.focus if moved else None)
            if slot is not None
            else None
        )
        if plan is not None:
            sessions += 1
            session = plan.session
            strength = t(
                "preview.session",
                icon=t(f"focus_icon.{session.focus.value}"),
                focus=views.focus_label(t, session.focus),
                level=session.level,
                minutes=session.minutes,
            )
            if moved and slot is not None and slot.from_day is not None:
                key = "preview.moved" if slot.origin is Origin.MOVED else "preview.reoffered"
                strength += " " + t(key, day=views.day_label(t, slot.from_day))
            parts.append(strength)
            adjustment = plan.adjustment
            if adjustment.phase is not None:
                note = t(f"phase.{adjustment.phase.value}")
            elif adjustment.lighter_week:
                note = t("progress.lighter_week")
            else:
                note = ""
            if note and note not in notes:
                notes.append(note)
        what = " · ".join(parts) if parts else t("onboarding.summary_rest")
        lines.append(t("preview.day", day=label, what=what))
    lines.append("")
    if sessions == 0:
        lines.append(t("preview.no_sessions"))
    else:
        key = "preview.count_one" if sessions == 1 else "preview.count"
        lines.append(t(key, count=sessions))
    lines.extend(notes)
    if runner.reminder_time:
        lines.append(t("preview.reminder", time=runner.reminder_time))
    else:
        lines.append(t("preview.no_reminder"))
    lines.append(t("preview.footer"))
    return "\n".join(lines), None


# ---- /settings ----------------------------------------------------------------------------


def setting_label(t: Texts, preview_day: int | None, preview_time: str | None) -> str:
    """The /settings menu button, showing the current choice."""
    if preview_day is None:
        return t("preview.button_off")
    return t(
        "preview.button_on",
        day=t(f"day_short.{preview_day}"),
        time=preview_time or DEFAULT_PREVIEW_TIME.strftime("%H:%M"),
    )


def setting_saved_text(t: Texts, runner: Runner, now: datetime) -> str:
    """What /settings says once the preview day and time are saved."""
    if runner.preview_day is None or runner.next_preview_utc is None:
        return t("preview.now_off")
    return t(
        "preview.now_on",
        day=t(f"day_long.{runner.preview_day}"),
        time=preview_time_of(runner).strftime("%H:%M"),
        when=views.when_text(t, runner.next_preview_utc, runner.timezone, local_today(runner, now)),
    )
