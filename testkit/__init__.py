"""The project's test kit: a fake Telegram and the real bot wired to it, for tests/ and bench/.

- ``testkit.stub_bot_api``: ``StubBotAPI``, a Bot API server in a thread that speaks
  Telegram's wire protocol, refuses what Telegram refuses (too-long texts, bad HTML,
  oversized callback data, a second answer to a button), records every call and injects
  updates, faults, delays and timeouts. A ``python -m bot`` subprocess talks to it over
  HTTP; the harness talks to it in-process. Standard library only.
- ``testkit.harness``: ``BotHarness``, the real ``Application`` from ``bot.app`` with its
  real handlers, run in-process against the stub on a ``FakeClock``: one runner says
  things, taps buttons, shares a location and reads the replies; ``tick`` runs the
  reminder job once. Also the helpers tests share (``onboard``, ``runner_row``,
  ``button_data``, ``texts``) and the database fixtures' building blocks
  (``fresh_sessions``, ``own_schema``).
- ``testkit.check``: the one command that checks the whole project (ruff, ruff format,
  mypy, pytest): ``python -m testkit.check``.

The kit imports ``bot`` and never ``tests``; ``bot`` never imports the kit.
"""
