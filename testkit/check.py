"""The project's one check command: lint, format, types, then the tests.

    python -m testkit.check [pytest arguments...]

runs, from the repository's root and with this interpreter's tools (the venv's):

1. ``ruff check .``
2. ``ruff format --check .``
3. ``mypy`` (files and settings from ``[tool.mypy]`` in pyproject.toml)
4. ``pytest`` with any arguments given (e.g. ``-x``, ``-k reminder``, a test file)

It stops at the first step that fails, says which one, and exits with that step's code;
the slow tests run last, so a lint or type error is reported in seconds. Set
``TEST_DATABASE_URL`` (a PostgreSQL URL) to run the PostgreSQL half of the suite too.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Step:
    name: str
    command: tuple[str, ...]  # arguments after ``python -m``


STEPS = (
    Step("ruff check", ("ruff", "check", ".")),
    Step("ruff format", ("ruff", "format", "--check", ".")),
    Step("mypy", ("mypy",)),
    Step("pytest", ("pytest",)),
)

Runner = Callable[[list[str], Path], int]


def project_root() -> Path:
    """The checkout this kit belongs to (where pyproject.toml is), else the current folder."""
    here = Path(__file__).resolve().parents[1]
    return here if (here / "pyproject.toml").is_file() else Path.cwd()


def _run(command: list[str], cwd: Path) -> int:
    return subprocess.run(command, cwd=cwd, check=False).returncode


def main(argv: Sequence[str] | None = None, run: Runner = _run) -> int:
    pytest_args = list(sys.argv[1:] if argv is None else argv)
    if pytest_args[:1] == ["--"]:
        pytest_args = pytest_args[1:]
    root = project_root()
    started = time.monotonic()
    for number, step in enumerate(STEPS, start=1):
        extra = pytest_args if step.name == "pytest" else []
        command = [sys.executable, "-m", *step.command, *extra]
        print(f"==> [{number}/{len(STEPS)}] {step.name}: {' '.join(command[2:])}", flush=True)
        code = run(command, root)
        if code != 0:
            print(
                f"==> FAILED at step {number}/{len(STEPS)}: {step.name} (exit {code})", flush=True
            )
            return code if code > 0 else 1  # killed by a signal: still a failure
    print(f"==> all {len(STEPS)} checks passed in {time.monotonic() - started:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
