"""Placeholder (issue 14, /healthz and /metrics over HTTP, off unless HEALTH_PORT is set)."""

from __future__ import annotations

from typing import Any


def start(application: Any) -> None:
    """Start serving /healthz and /metrics when ``HEALTH_PORT`` is set (no-op for now)."""


def stop(application: Any) -> None:
    """Stop the server ``start`` started, if any."""
