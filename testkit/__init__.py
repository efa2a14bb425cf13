"""The stub Bot API and the harness that drive the real Application, for tests/ and bench/."""
