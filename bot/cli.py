"""The ``strength-coach`` command (and ``python -m bot``): run the bot, or one of its tools.

``strength-coach`` alone (or ``strength-coach run``) starts the bot as configured;
``strength-coach demo`` starts a chat with the coach in this terminal, no token needed;
``strength-coach backup PATH`` and ``strength-coach restore PATH`` copy the database.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

USAGE = """usage: strength-coach [run | demo [--fresh] [--language CODE] [--dir FOLDER]
                      | backup PATH | restore PATH]

  run            start the bot (the default): polling, or a webhook when
                 TELEGRAM_WEBHOOK_URL is set
  demo           try the coach in this terminal: no token, no network
                 (--fresh starts over; --language ru|es|pt-BR|de speaks that
                 language; --dir keeps its data in FOLDER, default demo-data)
  backup PATH    copy the database to PATH (a folder: a dated file in it), safely
                 while the bot runs
  restore PATH   put a backup back in place of the database (bot stopped)
"""


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    command = args.pop(0) if args else "run"
    if command in {"-h", "--help", "help"}:
        print(USAGE, end="")
        return 0
    if command == "run" and not args:
        from bot.main import main as run

        return run()
    if command == "demo":
        from bot.demo import main as demo

        return demo(args)
    if command in {"backup", "restore"}:
        if len(args) != 1:
            # Which mistake, before the usage (``backup a b`` printed the usage alone).
            print(f"{command} takes one PATH, got {len(args)}", file=sys.stderr)
            print(USAGE, end="", file=sys.stderr)
            return 2
        from bot.backup import main as backup

        return backup(command, args)
    if command == "run":
        print(f"run takes no arguments, got: {' '.join(args)}", file=sys.stderr)
    else:
        print(f"unknown command: {command}", file=sys.stderr)
    print(USAGE, end="", file=sys.stderr)
    return 2


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
