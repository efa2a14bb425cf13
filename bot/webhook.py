"""Placeholder (issue 14, webhook mode when TELEGRAM_WEBHOOK_URL is set)."""
