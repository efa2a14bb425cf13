"""``python -m bot`` starts the bot with long polling."""

from bot.main import main

raise SystemExit(main())
