"""``python -m bot`` is the ``strength-coach`` command (bot/cli.py): the bot, or a tool."""

from bot.cli import main

raise SystemExit(main())
