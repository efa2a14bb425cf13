"""The project's one check command: lint, format, types, then the tests.

    python -m testkit.check [pytest arguments...]

runs, from the repository's root and with this interpreter's tools (the venv's):

1. ``ruff check .``
2. ``ruff format --check .``
3. ``mypy`` (files and settings from ``[tool.mypy]`` in pyproject.toml)
4. ``pytest`` on every core (``-n auto``) with any arguments given (e.g. ``-x``,
   ``-k reminder``, a test file; ``-n 1`` or ``-p no:xdist`` for one process)

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
# The tests on every core (pytest-xdist): about 1,950 tests on both databases took 10 min
# 18 s in one process and 6 min 27 s on two workers on the 2-core CI machine. Given
# ``-n``/``--numprocesses`` or ``-p no:xdist``, the caller's choice stands.
PARALLEL = ("-n", "auto")

Runner = Callable[[list[str], Path], int]


def project_root() -> Path:
    """The checkout this kit belongs to (where pyproject.toml is), else the current folder."""
    here = Path(__file__).resolve().parents[1]
    return here if (here / "pyproject.toml").is_file() else Path.cwd()


def _run(command: list[str], cwd: Path) -> int:
    return subprocess.run(command, cwd=cwd, check=False).returncode


def _pytest_args(given: list[str]) -> list[str]:
    chosen = any(
        arg in ("-n", "--numprocesses", "no:xdist") or arg.startswith(("-n", "--numprocesses="))
        for arg in given
    )
    return given if chosen else [*PARALLEL, *given]


def main(argv: Sequence[str] | None = None, run: Runner = _run) -> int:
    pytest_args = list(sys.argv[1:] if argv is None else argv)
    if pytest_args[:1] == ["--"]:
        pytest_args = pytest_args[1:]
    root = project_root()
    started = time.monotonic()
    for number, step in enumerate(STEPS, start=1):
        extra = _pytest_args(pytest_args) if step.name == "pytest" else []
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
