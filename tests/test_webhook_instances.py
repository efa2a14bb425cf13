"""Several webhook instances behind one address, on one PostgreSQL database.

Why: behind a load balancer any instance gets any runner's next update. Where a runner
is in /start or /settings must then come from the database: a process that remembered
the draft as it last saw it (or remembered "no draft") would answer from a stale step,
losing an answer or taking it for ordinary text. Here one stub Bot API plays Telegram and
the balancer, sending each update to the other process than the previous one, and a
runner sets up and changes a setting with every answer crossing over. The reminders
are shared as between any instances on PostgreSQL (``FOR UPDATE SKIP LOCKED``): one each.
The lock lets webhook instances start beside each other and keeps a poller out (and the
other way round).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.coach import answers as A
from testkit.stub_bot_api import StubBotAPI
from tests.test_deploy_config import run_bot
from tests.test_process_e2e import BotProcess, Chat, T, lead, onboard_runner, stub
from tests.test_reminder_crashes import (
    SETTLE_SECONDS,
    Database,
    crash_env,
    due_runners,
    postgres_db,
    reminders_per_chat,
    wait_until,
)
from tests.test_webhook import PATH, SECRET, WebhookProcess, free_port

# The fixtures: a schema of this test's own, dropped afterwards; one stub that fails a test
# on any call Telegram refuses.
__all__ = ["postgres_db", "stub"]

RUNNER = 6161
REMINDED = 7171


def instance_env(
    stub: StubBotAPI, database_url: str, balancer: int, port: int, **extra: str
) -> dict[str, str]:
    """One instance: the public URL is the balancer's (the same for all), the port its own."""
    return crash_env(
        stub,
        database_url,
        TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{balancer}{PATH}",
        WEBHOOK_SECRET=SECRET,
        WEBHOOK_LISTEN="127.0.0.1",
        WEBHOOK_PORT=str(port),
        REMINDER_LEASE_SECONDS="60",  # nobody dies here: no lease may run out
        **extra,
    )


@pytest.fixture
def pair(
    stub: StubBotAPI, postgres_db: Database, tmp_path: Path
) -> Iterator[tuple[WebhookProcess, WebhookProcess]]:
    """Two webhook instances on one schema, behind one (pretend) address, not started."""
    balancer = free_port()
    made = []
    for name in ("a", "b"):
        workdir = tmp_path / name
        workdir.mkdir()
        port = free_port()
        env = instance_env(stub, postgres_db.url, balancer, port)
        made.append(WebhookProcess(stub, env, workdir, port))
    try:
        yield made[0], made[1]
    finally:
        for process in made:
            process.close()


def deliveries_alternate(stub: StubBotAPI, origins: tuple[str, str]) -> list[str]:
    """Where each update went; asserts every one arrived, each at the other instance than
    the one before."""
    delivered = stub.webhook_deliveries
    assert delivered and all(d.ok for d in delivered), delivered
    where = [d.url.removesuffix(PATH) for d in delivered]
    assert set(where) == set(origins), where
    assert all(one != two for one, two in itertools.pairwise(where)), where
    return where


def stored(database: Database, query: str, chat_id: int) -> list[tuple[object, ...]]:
    with database.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(query), {"chat_id": chat_id})]


def test_every_answer_to_the_other_instance_keeps_every_step_and_reminds_once(
    stub: StubBotAPI,
    postgres_db: Database,
    pair: tuple[WebhookProcess, WebhookProcess],
    tmp_path: Path,
) -> None:
    postgres_db.seed(due_runners(1, first_chat=REMINDED))
    first, second = pair
    stub.route_webhook(first.origin, second.origin)
    first.start()
    second.start()  # beside the first: webhook instances share the lock

    chat = Chat(stub, first, RUNNER)
    onboard_runner(chat)  # 15 answers, buttons and typed, each to the other instance
    (week,) = stored(
        postgres_db,
        "SELECT reminder_time, timezone, onboarded FROM runners WHERE chat_id = :chat_id",
        RUNNER,
    )
    assert week == ("07:00", "Europe/Berlin", True), week
    assert (
        stored(postgres_db, "SELECT 1 FROM onboarding_drafts WHERE chat_id = :chat_id", RUNNER)
        == []
    )

    chat.say("/settings", T("settings.menu"))
    chat.tap(T("settings_field.reminder_time"), lead("onboarding.ask_reminder_time"))
    saved = chat.tap("18:00", T("settings.saved"))
    assert T("onboarding.summary_reminder", time="18:00", zone="Europe/Berlin") in str(
        saved.params["text"]
    )
    assert stored(
        postgres_db, "SELECT reminder_time FROM runners WHERE chat_id = :chat_id", RUNNER
    ) == [("18:00",)]
    where = deliveries_alternate(stub, (first.origin, second.origin))
    assert len(where) >= 18, where  # onboarding and /settings, every update

    # Nothing unexpected on the way: no answer was taken for ordinary text.
    transcript = chat.transcript()
    assert T("misc.unknown_text") not in transcript
    assert T("onboarding.unexpected_text") not in transcript
    assert T("misc.stale_button") not in transcript
    # Each question asked once: a lost step would ask one again.
    asked = [
        str(call.params.get("text", ""))
        for call in stub.calls_to("sendMessage")
        if call.chat_id == RUNNER
    ]
    for step in (A.EXPERIENCE, A.EQUIPMENT, A.PULL_UP_BAR, A.TIMEZONE):
        wording = lead(f"onboarding.ask_{step}")
        assert sum(text.startswith(wording) for text in asked) == 1, (step, asked)

    # The seeded runner's reminder, due a few minutes ago: sent once, by one of the two.
    wait_until(lambda: reminders_per_chat(stub)[REMINDED] >= 1, "the reminder", first, second)
    time.sleep(SETTLE_SECONDS)
    assert reminders_per_chat(stub)[REMINDED] == 1

    # A poller on the same database would delete the others' webhook: it refuses.
    refused = run_bot(crash_env(stub, postgres_db.url), tmp_path)
    assert refused.returncode == 2, refused.stderr
    assert "Webhook instances of the bot are running" in refused.stderr, refused.stderr
    assert stub.webhook is not None and not stub.calls_to("deleteWebhook")

    assert first.terminate() == 0, first.tail()
    assert second.terminate() == 0, second.tail()
    for process in (first, second):
        assert "Traceback" not in process.output(), process.output()
        assert SECRET not in process.output()


def test_a_webhook_instance_refuses_to_start_beside_a_poller(
    stub: StubBotAPI, postgres_db: Database, tmp_path: Path
) -> None:
    poller_dir = tmp_path / "poller"
    poller_dir.mkdir()
    poller = BotProcess(stub, crash_env(stub, postgres_db.url), poller_dir)
    try:
        poller.start()
        env = instance_env(stub, postgres_db.url, free_port(), free_port())
        refused = run_bot(env, tmp_path)
        assert refused.returncode == 2, refused.stderr
        lines = [line for line in refused.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("A bot process is polling"), lines
        assert stub.webhook is None and not stub.calls_to("setWebhook")
        assert poller.terminate() == 0, poller.tail()
    finally:
        poller.close()
