"""A strength-training coach for runners that lives in Telegram."""
