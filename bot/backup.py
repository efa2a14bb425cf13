"""Placeholder (issue 14, backup and restore): ``strength-coach backup|restore PATH``."""

from __future__ import annotations

from collections.abc import Sequence


def main(command: str, args: Sequence[str]) -> int:
    raise NotImplementedError("backup and restore are being built")
