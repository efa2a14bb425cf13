"""The bot as a package (issue 14, point 2): a wheel built from the repository, installed
the way ``pip install .`` or ``pip install git+…`` installs it, runs as ``strength-coach``
from any folder; and the pinned set in ``constraints.txt`` is the one the suite runs with.

Before, the wheel carried no content (``strength-coach`` stopped at start with
"content/exercises.toml: file not found") and the default SQLite file was
``site-packages/data/coach.db``, inside the install, where an upgrade deletes it.

The wheel is built with ``pip wheel --no-deps`` (the build backend comes from the index, as
for anyone running ``pip install .``) from a copy of the repository, so no ``build/`` or
``*.egg-info`` is left in the working tree. It is installed with ``--no-deps`` into a fresh
venv, which then reaches this venv's installed dependencies through a ``.pth`` line: a path
in a ``.pth`` is added to ``sys.path`` after the venv's own site-packages and its own
``.pth`` files are not run, so the editable install here (a finder in this venv's
site-packages) cannot stand in for the wheel. Measured: copy, build and install take ~7 s.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from testkit.stub_bot_api import StubBotAPI
from tests.test_process_e2e import EXIT_TIMEOUT, SETTINGS_VARS, START_TIMEOUT, TOKEN, lead

REPO = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
CONSTRAINTS = REPO / "constraints.txt"
BUILD_TIMEOUT = 300.0  # the isolated build env fetches setuptools: ~5 s with a warm cache
CHAT = 5151
EXIT_CONFIG = 2

#: Left out of the copy the wheel is built from: what git ignores or never holds.
TOP_LEVEL_JUNK = {".git", ".venv", "build", "dist", "data", ".env"}
JUNK_ANYWHERE = {"__pycache__", ".pytest_cache", ".hypothesis", ".ruff_cache", ".mypy_cache"}


def _junk(folder: str, names: list[str]) -> set[str]:
    top = Path(folder).resolve() == REPO
    return {
        name
        for name in names
        if name in JUNK_ANYWHERE or name.endswith(".egg-info") or (top and name in TOP_LEVEL_JUNK)
    }


@dataclass(frozen=True)
class Installed:
    source: Path  # the copy of the repository the wheel was built from
    wheel: Path
    venv: Path

    @property
    def command(self) -> Path:
        return self.venv / "bin" / "strength-coach"

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"


def _run(args: list[str | Path]) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(arg) for arg in args], capture_output=True, text=True, timeout=BUILD_TIMEOUT
    )
    assert result.returncode == 0, (
        f"{shlex.join(str(arg) for arg in args)} failed:\n{result.stdout}\n{result.stderr}"
    )
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """The wheel, built once, and a venv with it installed as a user would have it."""
    root = tmp_path_factory.mktemp("packaging")
    source = root / "source"
    shutil.copytree(REPO, source, ignore=_junk, symlinks=True)
    wheels = root / "wheels"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", wheels, source])
    (wheel,) = wheels.glob("*.whl")
    venv = root / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv])
    pip = [sys.executable, "-m", "pip", "--python", venv / "bin" / "python"]
    _run([*pip, "install", "-q", "--no-deps", "--no-index", wheel])
    # Only now: with this venv's packages visible, pip would see the editable install here.
    site = _run(
        [venv / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]
    )
    Path(site.stdout.strip(), "dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
    )
    return Installed(source=source, wheel=wheel, venv=venv)


def wheel_files(installed: Installed) -> set[str]:
    with zipfile.ZipFile(installed.wheel) as archive:
        return set(archive.namelist())


# ---- what the wheel carries ----------------------------------------------------------------


def test_the_wheel_carries_the_content_the_migrations_and_the_stub_and_no_tests(
    installed: Installed,
) -> None:
    files = wheel_files(installed)
    content = installed.source / "content"
    tomls = sorted(path.relative_to(content).as_posix() for path in content.rglob("*.toml"))
    assert tomls, "no content found to compare with"
    missing = [name for name in tomls if f"bot/default_content/{name}" not in files]
    assert not missing, f"content files not in the wheel: {missing}"
    migrations = installed.source / "bot" / "store" / "migrations"
    for path in [
        *migrations.glob("*.py"),
        *migrations.glob("*.mako"),
        *migrations.glob("versions/*.py"),
    ]:
        name = path.relative_to(installed.source).as_posix()
        assert name in files, f"{name} is not in the wheel"
    coach_data = installed.source / "bot" / "coach" / "data"
    for path in coach_data.glob("*") if coach_data.is_dir() else []:
        name = path.relative_to(installed.source).as_posix()
        assert name in files, f"{name} is not in the wheel"
    assert "testkit/stub_bot_api.py" in files  # the demo and the tests talk to it
    assert not [name for name in files if name.startswith(("tests/", "content/", "bench/"))]


def test_every_module_of_the_repository_is_in_the_wheel(installed: Installed) -> None:
    """pyproject.toml lists the packages by hand (to map content/ into bot/): a new package
    under bot/ must be listed there too, or the installed bot fails to import it."""
    files = wheel_files(installed)
    modules = [
        path.relative_to(installed.source).as_posix()
        for folder in ("bot", "testkit")
        for path in (installed.source / folder).rglob("*.py")
    ]
    missing = sorted(name for name in modules if name not in files)
    assert not missing, f"add their packages to pyproject.toml [tool.setuptools]: {missing}"


# ---- the installed command ---------------------------------------------------------------


def clean_env(**extra: str) -> dict[str, str]:
    """The inherited environment minus every bot setting and PYTHONPATH: only the install
    may provide the ``bot`` package."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key.upper() not in SETTINGS_VARS and key not in {"PYTHONPATH", "VIRTUAL_ENV"}
    }
    env.update(PYTHONUNBUFFERED="1", **extra)
    return env


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        path.relative_to(folder).as_posix(): (stat.st_size, stat.st_mtime_ns)
        for path in folder.rglob("*")
        if not path.is_dir()
        for stat in [path.lstat()]
    }


@pytest.fixture
def stub() -> Iterator[StubBotAPI]:
    with StubBotAPI() as server:
        yield server
        assert server.errors == [], server.errors


def test_the_installed_command_answers_start_with_its_database_in_the_working_folder(
    installed: Installed, stub: StubBotAPI, tmp_path: Path
) -> None:
    workdir = tmp_path / "coach-home"
    workdir.mkdir()
    before = snapshot(installed.venv)
    log = tmp_path / "bot.log"
    env = clean_env(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=stub.base_url, LOG_LEVEL="INFO")
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(installed.command)],
            cwd=workdir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            try:
                stub.wait_for("getUpdates", timeout=START_TIMEOUT)
                mark = stub.call_count
                stub.send_text(CHAT, "/start")
                stub.wait_for(
                    lambda call: lead("onboarding.ask_run_days") in str(call.params.get("text")),
                    method="sendMessage",
                    chat_id=CHAT,
                    since=mark,
                    timeout=START_TIMEOUT,
                )
            except TimeoutError:
                raise AssertionError(log.read_text(errors="replace")) from None
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=EXIT_TIMEOUT) == 0, log.read_text(errors="replace")
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    assert (workdir / "data" / "coach.db").is_file(), sorted(os.listdir(workdir))
    after = snapshot(installed.venv)
    changed = {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}
    assert not changed, f"the bot wrote into its install: {sorted(changed)}"
    assert TOKEN.split(":", 1)[1] not in log.read_text(errors="replace")


@pytest.mark.parametrize("how", ["strength-coach", "python -m bot"])
def test_the_installed_command_without_a_token_says_so_in_one_line(
    installed: Installed, tmp_path: Path, how: str
) -> None:
    args = [installed.command] if how == "strength-coach" else [installed.python, "-m", "bot"]
    result = subprocess.run(
        [str(arg) for arg in args],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT,
        check=False,
    )
    assert result.returncode == EXIT_CONFIG, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("TELEGRAM_BOT_TOKEN is missing"), lines
    assert not (tmp_path / "data").exists()


def test_content_dir_still_overrides_the_content_the_install_ships(
    installed: Installed, tmp_path: Path
) -> None:
    own = tmp_path / "my-content"
    own.mkdir()
    result = subprocess.run(
        [str(installed.command)],
        cwd=tmp_path,
        env=clean_env(TELEGRAM_BOT_TOKEN=TOKEN, CONTENT_DIR=str(own)),
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT,
        check=False,
    )
    assert result.returncode == EXIT_CONFIG, result.stderr
    assert f"{own / 'exercises.toml'}: file not found" in result.stderr, result.stderr


# ---- the pinned set ------------------------------------------------------------------------


def pins() -> dict[str, str]:
    found: dict[str, str] = {}
    for line in CONSTRAINTS.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, separator, version = line.partition("==")
        assert separator and version.strip(), f"constraints.txt: {line!r} is not name==version"
        found[canonicalize_name(name)] = version.strip()
    return found


def needed(requirements: list[str], extras: frozenset[str]) -> dict[str, list[Requirement]]:
    """Every distribution the requirements pull in, with what asks for it, by reading the
    installed distributions' metadata (markers evaluated for this Python)."""
    wanted: dict[str, list[Requirement]] = {}
    walked: set[tuple[str, frozenset[str]]] = set()
    queue = [(Requirement(text), extras) for text in requirements]
    while queue:
        requirement, with_extras = queue.pop()
        environments = [{**default_environment(), "extra": extra} for extra in with_extras or {""}]
        if requirement.marker and not any(requirement.marker.evaluate(e) for e in environments):
            continue
        name = canonicalize_name(requirement.name)
        wanted.setdefault(name, []).append(requirement)
        key = (name, frozenset(requirement.extras))
        if key not in walked:
            walked.add(key)
            for text in metadata.requires(requirement.name) or []:
                queue.append((Requirement(text), frozenset(requirement.extras)))
    return wanted


def test_constraints_pin_every_package_the_project_and_its_checks_install() -> None:
    project = PYPROJECT["project"]
    wanted = needed(
        [*project["dependencies"], *project["optional-dependencies"]["test"]], frozenset()
    )
    pinned = pins()
    unpinned = sorted(set(wanted) - set(pinned))
    assert not unpinned, f"not in constraints.txt (regenerate it, see its header): {unpinned}"
    outside = {
        f"{name}=={pinned[name]}": refused
        for name, asks in wanted.items()
        for refused in [[str(r) for r in asks if not r.specifier.contains(pinned[name], True)]]
        if refused
    }
    assert not outside, f"pins outside what is required: {outside}"


def test_the_suite_runs_with_the_pinned_versions() -> None:
    """The pins are the tested set: where the suite runs, what is installed is what is
    pinned (a fresh .venv from the README's command always is)."""
    drift = {}
    for name, version in pins().items():
        try:
            here = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue  # pinned for another platform's or Python's markers
        if here != version:
            drift[name] = f"{here} installed, {version} pinned"
    assert not drift, (
        f"{drift}: reinstall with .venv/bin/pip install -c constraints.txt -e '.[test]'"
    )


def test_readme_commands_install_the_pinned_set_and_ci_runs_the_readme_test_command() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.*?)\n```", quick_start, flags=re.DOTALL)
    installs = [line for block in commands for line in block.splitlines() if "pip install" in line]
    assert len(installs) >= 2, commands
    for line in installs:
        assert "-c constraints.txt" in line, line
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    ci_test_command = next(line for line in ci.splitlines() if "testkit.check" in line)
    assert ci_test_command in installs, (ci_test_command, installs)
