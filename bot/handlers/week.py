"""/week: this week's plan with done and skipped days marked."""

from __future__ import annotations

from datetime import timedelta

from telegram import Update
from telegram.ext import ContextTypes

from bot.coach.calendar import Origin
from bot.coach.plan import plan_week, week_index_of
from bot.coach.status import LogStatus
from bot.deps import get_deps
from bot.messages import views
from bot.services.calendar import load_calendar, local_today, monday_of, slot_for
from bot.store import logs, runners
from bot.store.db import transaction


async def week(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    deps = get_deps(context)
    t = deps.content.texts
    chat = update.effective_chat
    assert chat is not None
    async with transaction(deps.sessions) as session:
        runner = await runners.read_runner(session, chat.id)
        if runner is None or not runner.onboarded:
            await chat.send_message(t("today.not_set_up"))
            return
        today = local_today(runner, deps.clock.now())
        monday = monday_of(today)
        sunday = monday + timedelta(days=6)
        logged = {
            log.local_date: log for log in await logs.logs_between(session, chat.id, monday, sunday)
        }
        calendar = await load_calendar(session, runner, today)
    plan_of_week = runners.week_of(runner)
    # Days before the runner joined are not misses.
    joined = local_today(runner, runner.created_at) if runner.created_at else None
    plan = plan_week(plan_of_week, week_index_of(monday))
    lines = views.week_lines(t, plan_of_week, monday)
    marked = []
    for weekday, line in enumerate(lines):
        day = monday + timedelta(days=weekday)
        log = logged.get(day)
        slot = slot_for(runner, day, calendar, today)
        if slot is not None and slot.origin is not Origin.PLANNED and slot.from_day is not None:
            # A session moved here, or offered again after a miss.
            key = "calendar.week_moved" if slot.origin is Origin.MOVED else "calendar.week_again"
            line += " · " + t(
                key,
                focus=views.focus_label(t, slot.focus),
                day=views.day_label(t, slot.from_day),
            )
        if log is not None and log.status == LogStatus.MOVED:
            marker = t("calendar.marker_moved")
        elif log is not None:
            marker = t(
                "week.marker_done" if log.status == LogStatus.DONE else "week.marker_skipped"
            )
        elif joined is not None and day < joined:
            marker = t("week.marker_rest")
        elif day == today:
            marker = t("week.marker_today")
        elif (
            slot is None
            and day < today
            and plan.focus_on(weekday) is not None
            and not any(pause.covers(day) for pause in calendar.pauses)
        ):
            marker = t("week.marker_missed")  # missed (and maybe offered again later)
        elif slot is None:
            marker = t("week.marker_rest")
        elif day < today:
            marker = t("week.marker_missed")
        else:
            marker = t("week.marker_planned")
        marked.append(f"{marker} {line}")
    done = sum(1 for log in logged.values() if log.status == LogStatus.DONE)
    header = t(
        "week.header",
        first=views.day_label(t, monday),
        last=views.day_label(t, sunday),
    )
    count = t("week.count", count=done, planned=len(plan.sessions))
    await chat.send_message("\n".join([header, "", *marked, "", count]))
