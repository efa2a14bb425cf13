"""Placeholder (issue 14, demo chat): ``strength-coach demo``."""

from __future__ import annotations

from collections.abc import Sequence


def main(args: Sequence[str]) -> int:
    raise NotImplementedError("the demo chat is being built")
