"""What onboarding and /settings do with the answers once they are given: the runner's
week, session length, race day and weekly preview stored, the next reminder and preview
planned, the draft gone, all in the caller's transaction."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.coach import answers as A
from bot.coach.week import RunnerWeek
from bot.services.next_reminder import next_reminder_for
from bot.services.previews import next_preview_at
from bot.store import drafts, runners
from bot.store.models import Runner


def runner_answers(runner: Runner) -> dict[str, Any]:
    """A stored runner as draft answers, the coaching answers included."""
    answers = A.answers_from_week(runners.week_of(runner))
    answers[A.TIME_BUDGET] = runner.time_budget
    answers[A.RACE_DATE] = runner.race_date.isoformat() if runner.race_date else None
    answers[A.RACE_DISTANCE] = runner.race_distance
    answers[A.PREVIEW_DAY] = runner.preview_day
    answers[A.PREVIEW_TIME] = runner.preview_time
    return answers


async def save_answers(
    session: AsyncSession,
    *,
    chat_id: int,
    first_name: str | None,
    answers: dict[str, Any],
    now: datetime,
) -> tuple[RunnerWeek, Runner]:
    """Store the answers as the runner's (onboarded from now) and drop their draft."""
    week = A.week_from_answers(answers)
    runner = await runners.save_week(
        session,
        chat_id=chat_id,
        first_name=first_name,
        week=week,
        next_reminder_utc=None,
        now=now,
    )
    if answers.get(A.LANGUAGE):
        runner.language = answers[A.LANGUAGE]
    if A.TIME_BUDGET in answers:
        runner.time_budget = answers[A.TIME_BUDGET]
    if A.RACE_DATE in answers:
        race = answers[A.RACE_DATE]
        runner.race_date = date.fromisoformat(race) if race else None
        # The distance goes with the date: a new date asks it again, no race has none.
        runner.race_distance = answers.get(A.RACE_DISTANCE) if race else None
    if A.PREVIEW_DAY in answers:
        runner.preview_day = answers[A.PREVIEW_DAY]
        runner.preview_time = answers.get(A.PREVIEW_TIME) or runner.preview_time
    runner.next_reminder_utc = await next_reminder_for(session, runner, now=now)
    # From now, in the runner's (maybe new) timezone: the day, time or zone may have
    # changed. A preview already sent today is not sent again: its row keys the day.
    runner.next_preview_utc = next_preview_at(runner, now)
    session.add(runner)
    await drafts.drop_draft(session, chat_id)
    return week, runner
