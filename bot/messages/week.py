"""/week's message: the week summary's lines, each marked with what became of the day."""

from __future__ import annotations

from datetime import timedelta

from bot.coach.calendar import Origin
from bot.content import Texts
from bot.messages import views
from bot.services.week import DayMark, WeekView

MARK_KEYS = {
    DayMark.MOVED: "calendar.marker_moved",
    DayMark.DONE: "week.marker_done",
    DayMark.SKIPPED: "week.marker_skipped",
    DayMark.TODAY: "week.marker_today",
    DayMark.MISSED: "week.marker_missed",
    DayMark.PLANNED: "week.marker_planned",
    DayMark.REST: "week.marker_rest",
}


def week_text(t: Texts, view: WeekView) -> str:
    marked = []
    for line, day in zip(views.week_lines(t, view.week, view.monday), view.days, strict=True):
        slot = day.slot
        if slot is not None and slot.origin is not Origin.PLANNED and slot.from_day is not None:
            # A session moved here, or offered again after a miss.
            key = "calendar.week_moved" if slot.origin is Origin.MOVED else "calendar.week_again"
            line += " · " + t(
                key,
                focus=views.focus_label(t, slot.focus),
                day=views.day_label(t, slot.from_day),
            )
        marked.append(f"{t(MARK_KEYS[day.mark])} {line}")
    header = t(
        "week.header",
        first=views.day_label(t, view.monday),
        last=views.day_label(t, view.monday + timedelta(days=6)),
    )
    count = t("week.count", count=view.done, planned=view.planned)
    return "\n".join([header, "", *marked, "", count])
