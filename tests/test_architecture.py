"""The shape of the code, checked from its source (docs/architecture.md, "Layers").

Every module under bot/ is parsed with `ast` (nothing is imported or run) and its imports,
those inside functions and under `if TYPE_CHECKING:` included, become edges of an import
graph. Each module belongs to one layer; it may import its own layer or a lower one, never a
higher one. A failure lists every offending edge with its file and line, so the fix is
usually "move the function down a layer" or "pass it in".

The same walk checks that the code explains itself from the repository (no design note
outside it, every `docs/...` path it names exists) and that every `# type: ignore` says
which error it silences and why.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Lowest first. A module belongs to the layer of the longest prefix that names it
# (the module itself, or a package above it); "bot" is the package's __init__ alone.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "foundation",
        (
            "bot",
            "bot.clock",
            "bot.settings",
            "bot.failpoints",
            "bot.content",
            "bot.texts",
            "bot.languages",
            "bot.coach",
        ),
    ),
    ("store", ("bot.store",)),
    ("services", ("bot.services",)),
    ("messages", ("bot.messages",)),
    (
        "telegram-facing",
        (
            "bot.handlers",
            "bot.jobs",
            "bot.deps",
            "bot.sending",
            "bot.rate_limit",
            "bot.updates",
            "bot.health",
            "bot.health_http",
            "bot.metrics",
            "bot.housekeeping",
            "bot.drawing",
        ),
    ),
    (
        "wiring",
        (
            "bot.app",
            "bot.main",
            "bot.__main__",
            "bot.logging_setup",
            "bot.cli",
            "bot.webhook",
            "bot.demo",
            "bot.backup",
        ),
    ),
)

# The one way bot/ may reach test code: the demo chat (``strength-coach demo``) talks to
# the stub Bot API, which is standard library only and ships in the package for this.
DEMO_STAND_IN = ("bot.demo", "testkit.stub_bot_api")

# Pairs inside one layer that must not know each other: both call the services and the
# messages, neither calls the other.
APART = (("bot.handlers", "bot.jobs"), ("bot.jobs", "bot.handlers"))

# Libraries that do I/O: the coach's rules are pure and import none of them.
IO_LIBRARIES = (
    "telegram",
    "sqlalchemy",
    "sqlmodel",
    "aiosqlite",
    "psycopg",
    "httpx",
    "apscheduler",
)

# Statement builders: all SQL lives in bot.store, so nothing else imports these.
SQL_BUILDERS = frozenset(
    {"select", "insert", "update", "delete", "text", "func", "col", "and_", "or_", "literal"}
)

# Messages build texts and keyboards; they never call Telegram or handle its errors.
MESSAGES_MAY_NOT_IMPORT = ("telegram.ext", "telegram.error", "telegram.request", "telegram.Bot")

# Names of a file outside the repository that code once cited (built here so this file
# does not cite it either).
OUTSIDE_CITATIONS = ("DESIGN" + ".md", "../" + "shared", "/work/" + "shared")


@dataclass(frozen=True)
class Edge:
    source: str  # importing module, dotted
    target: str  # imported module (or the package a name was taken from), dotted
    path: Path
    line: int

    def __str__(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}: {self.source} -> {self.target}"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def python_files(*tops: str) -> list[Path]:
    return sorted(
        path
        for top in tops
        for path in (ROOT / top).rglob("*.py")
        if "__pycache__" not in path.parts
    )


MODULES: dict[str, Path] = {module_name(path): path for path in python_files("bot")}


def _resolve_from(source: str, path: Path, node: ast.ImportFrom) -> str:
    """The absolute module a `from X import ...` reads from (relative forms resolved)."""
    if not node.level:
        return node.module or ""
    package = source.split(".") if path.name == "__init__.py" else source.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def is_module(dotted: str) -> bool:
    where = ROOT / Path(*dotted.split("."))
    return dotted in MODULES or where.with_suffix(".py").exists() or where.is_dir()


def imports_of(path: Path, text: str | None = None) -> list[Edge]:
    """Every import of bot, testkit, tests or bench in one file: `import a.b`,
    `from a import b` (b resolved to the module a.b when that is a module), relative
    imports and `importlib.import_module("a.b")` with a literal name."""
    source = module_name(path)
    if text is None:
        text = path.read_text(encoding="utf-8")
    tree = ast.parse(text, filename=str(path))
    edges: list[Edge] = []

    def add(target: str, line: int) -> None:
        if target.split(".")[0] in ("bot", "testkit", "tests", "bench"):
            edges.append(Edge(source, target, path, line))

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = _resolve_from(source, path, node)
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                add(candidate if is_module(candidate) else base, node.lineno)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id)
            == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            add(node.args[0].value, node.lineno)
    return edges


def external_imports(path: Path) -> list[tuple[str, str, int]]:
    """(module, imported name or "", line) for every import in a file, any package."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[str, str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((alias.name, "", node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            found.extend((node.module, alias.name, node.lineno) for alias in node.names)
    return found


def layer_of(module: str) -> int | None:
    best: tuple[int, int] | None = None  # (prefix length, layer)
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            # "bot" names the package's own __init__ only, not everything under it.
            if module == prefix or (prefix != "bot" and module.startswith(prefix + ".")):
                if best is None or len(prefix) > best[0]:
                    best = (len(prefix), index)
    return None if best is None else best[1]


def within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def label(module: str) -> str:
    layer = layer_of(module)
    return f"{module} [{layer} {LAYERS[layer][0]}]" if layer is not None else module


def bot_edges() -> list[Edge]:
    return [edge for path in MODULES.values() for edge in imports_of(path)]


def report(title: str, lines: list[str]) -> str:
    return f"{title} ({len(lines)}):\n  " + "\n  ".join(lines)


# --- the import graph ----------------------------------------------------------------


def test_the_graph_sees_every_form_of_import() -> None:
    """The walker itself: absolute, `from package import module`, relative, inside a
    function, and import_module with a literal (on a module that has all of them)."""
    assert "bot.store.reminders" in MODULES and "bot.coach" in MODULES
    edges = {edge.target for edge in imports_of(MODULES["bot.app"])}
    assert edges, "bot.app imports nothing from bot? The walker is broken."
    probe = ROOT / "bot" / "store" / "_architecture_probe.py"
    text = (
        "import bot.clock\n"
        "from bot import settings\n"
        "from bot.coach import plan, week as w\n"
        "from . import logs\n"
        "from .reminders import X\n"
        "from .. import content\n"
        "def f():\n"
        "    from bot.handlers import today\n"
        "    import importlib; importlib.import_module('bot.jobs.reminders')\n"
    )
    # Read as if it lived at bot/store/_architecture_probe.py; nothing is written there.
    tree_targets = sorted(edge.target for edge in imports_of(probe, text))
    assert tree_targets == [
        "bot.clock",
        "bot.coach.plan",
        "bot.coach.week",
        "bot.content",
        "bot.handlers.today",
        "bot.jobs.reminders",
        "bot.settings",
        "bot.store.logs",
        "bot.store.reminders",
    ]


def test_every_module_under_bot_has_a_layer() -> None:
    unplaced = sorted(
        f"{path.relative_to(ROOT)} ({name})"
        for name, path in MODULES.items()
        if layer_of(name) is None
    )
    assert not unplaced, report(
        "Modules in no layer: add their prefix to LAYERS in tests/test_architecture.py "
        "and to the layers table in docs/architecture.md",
        unplaced,
    )


def upward(edges: list[Edge]) -> list[str]:
    """Edges from a module to a module of a higher layer (or of none)."""
    found = []
    for edge in edges:
        source, target = layer_of(edge.source), layer_of(edge.target)
        if not within(edge.target, "bot"):
            continue
        if target is None:
            found.append(f"{edge}  (the target is in no layer)")
        elif source is not None and target > source:
            found.append(f"{edge}  ({label(edge.source)} imports {label(edge.target)})")
    return found


def crossed(edges: list[Edge]) -> list[str]:
    return [
        str(edge)
        for edge in edges
        for a, b in APART
        if within(edge.source, a) and within(edge.target, b)
    ]


def test_the_rules_catch_what_they_are_for() -> None:
    """A message that reaches for Deps, a job that calls a handler, a store that renders:
    each is reported (on probe texts, nothing written into the package)."""
    message = ROOT / "bot" / "messages" / "_probe.py"
    job = ROOT / "bot" / "jobs" / "_probe.py"
    store = ROOT / "bot" / "store" / "_probe.py"
    edges = [
        *imports_of(message, "from bot.deps import Deps\nfrom bot.coach import plan\n"),
        *imports_of(job, "def f():\n    from bot.handlers.today import today\n"),
        *imports_of(store, "from ..messages import views\n"),
    ]
    assert [line.split("  ")[0] for line in upward(edges)] == [
        "bot/messages/_probe.py:1: bot.messages._probe -> bot.deps",
        "bot/store/_probe.py:1: bot.store._probe -> bot.messages.views",
    ]
    assert crossed(edges) == ["bot/jobs/_probe.py:2: bot.jobs._probe -> bot.handlers.today"]


def test_no_module_imports_a_layer_above_its_own() -> None:
    found = upward(bot_edges())
    assert not found, report(
        "Imports pointing up the layers (a module may import its own layer or lower; "
        "see docs/architecture.md, 'Layers')",
        found,
    )


def test_handlers_and_jobs_do_not_import_each_other() -> None:
    found = crossed(bot_edges())
    assert not found, report(
        "Handlers and jobs import each other (move what both need to bot.services or bot.messages)",
        found,
    )


def test_bot_never_imports_the_test_kit_or_the_tests() -> None:
    leaks = [
        str(edge)
        for edge in bot_edges()
        if (within(edge.target, "testkit") or within(edge.target, "tests"))
        and not (within(edge.source, DEMO_STAND_IN[0]) and edge.target == DEMO_STAND_IN[1])
    ]
    assert not leaks, report("bot/ imports test code", leaks)


def test_bench_and_testkit_never_import_the_tests() -> None:
    leaks = [
        str(edge)
        for path in python_files("bench", "testkit")
        for edge in imports_of(path)
        if within(edge.target, "tests")
    ]
    assert not leaks, report(
        "bench/ or testkit/ imports tests/ (shared helpers belong in testkit/)", leaks
    )


def test_the_coach_does_no_io() -> None:
    impure = [
        f"{path.relative_to(ROOT)}:{line}: {module}"
        for name, path in MODULES.items()
        if within(name, "bot.coach")
        for module, _, line in external_imports(path)
        if any(within(module, library) for library in IO_LIBRARIES)
    ]
    assert not impure, report("bot.coach imports an I/O library (its rules are pure)", impure)


def test_sql_is_built_only_in_the_store() -> None:
    outside = [
        f"{path.relative_to(ROOT)}:{line}: from {module} import {name}"
        for source, path in MODULES.items()
        if not within(source, "bot.store")
        for module, name, line in external_imports(path)
        if (within(module, "sqlalchemy") or within(module, "sqlmodel")) and name in SQL_BUILDERS
    ]
    assert not outside, report("SQL built outside bot.store", outside)


def test_services_and_the_store_know_nothing_of_telegram() -> None:
    """What the coach does for a runner, and what it stores, is the same whichever way
    the runner reached it; the handlers and jobs speak Telegram."""
    found = [
        f"{path.relative_to(ROOT)}:{line}: {module}"
        for source, path in MODULES.items()
        if within(source, "bot.services") or within(source, "bot.store")
        for module, _, line in external_imports(path)
        if within(module, "telegram")
    ]
    assert not found, report("bot.services or bot.store imports telegram", found)


def test_messages_never_talk_to_telegram() -> None:
    calls = [
        f"{path.relative_to(ROOT)}:{line}: {module}{'.' + name if name else ''}"
        for source, path in MODULES.items()
        if within(source, "bot.messages")
        for module, name, line in external_imports(path)
        if any(
            within(module, banned) or within(f"{module}.{name}", banned)
            for banned in MESSAGES_MAY_NOT_IMPORT
        )
    ]
    assert not calls, report(
        "bot.messages imports Telegram's network side (messages only build texts and keyboards)",
        calls,
    )


# --- the code explains itself from the repository ---------------------------------------

DOC_PATH = re.compile(r"\bdocs/[\w./-]*\w(?:#[\w-]+)?")
TEXT_FILES = ("*.py", "*.toml", "*.md", "*.ini", "*.cfg", "*.txt")


def repository_text_files() -> list[Path]:
    skip = {".venv", ".git", "__pycache__", "node_modules", "data"}
    found = [
        path
        for pattern in TEXT_FILES
        for path in ROOT.rglob(pattern)
        if not skip.intersection(path.relative_to(ROOT).parts)
        and not path.relative_to(ROOT).parts[0].endswith(".egg-info")
        and not within(".".join(path.relative_to(ROOT).parts), "bench.results")
    ]
    ci = ROOT / ".ci" / "run"
    return sorted({*found, *([ci] if ci.exists() else [])})


def anchors(markdown: str) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens."""
    slugs = set()
    for line in markdown.splitlines():
        if line.startswith("#"):
            title = line.lstrip("#").strip().lower()
            slugs.add(re.sub(r"\s", "-", re.sub(r"[^\w\s-]", "", title)))
    return slugs


def test_nothing_cites_a_file_outside_the_repository() -> None:
    cited = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in repository_text_files()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if any(name.lower() in line.lower() for name in OUTSIDE_CITATIONS)
    ]
    assert not cited, report(
        "Citations of a file outside the repository (write what is needed into "
        "docs/architecture.md and cite that)",
        cited,
    )


def test_every_docs_path_named_in_the_repository_exists() -> None:
    missing = []
    for path in repository_text_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for cited in DOC_PATH.findall(line):
                file, _, anchor = cited.partition("#")
                target = ROOT / file
                if not target.exists():
                    missing.append(f"{path.relative_to(ROOT)}:{number}: {cited} (no such file)")
                elif anchor and anchor not in anchors(target.read_text(encoding="utf-8")):
                    missing.append(f"{path.relative_to(ROOT)}:{number}: {cited} (no such heading)")
    assert not missing, report("docs/ paths that do not exist", missing)


REPO_PATH = re.compile(r"(?<![\w./-])(?:bot|bench|testkit|tests|content|docs|\.ci)/[\w./*-]*[\w*]")
# Made by a run, not kept in the repository.
GENERATED = ("bench/results",)


def test_every_path_the_documents_name_exists() -> None:
    """README.md, CONTRIBUTING.md and docs/ name files as they are; a file that moves takes its
    mentions with it (`*` in a name is a glob)."""
    documents = [
        ROOT / "README.md",
        ROOT / "CONTRIBUTING.md",
        *sorted((ROOT / "docs").glob("*.md")),
    ]
    missing = []
    for document in documents:
        if not document.exists():
            continue
        for number, line in enumerate(document.read_text(encoding="utf-8").splitlines(), 1):
            for named in REPO_PATH.findall(line):
                named = named.rstrip(".")
                if named.startswith(GENERATED):
                    continue
                if not (any(ROOT.glob(named)) if "*" in named else (ROOT / named).exists()):
                    missing.append(f"{document.relative_to(ROOT)}:{number}: {named}")
    assert not missing, report("Paths the documents name that do not exist", missing)


def test_the_architecture_document_has_the_sections_code_points_to() -> None:
    """Code comments send readers to these two sections by name."""
    document = ROOT / "docs" / "architecture.md"
    assert document.exists(), "docs/architecture.md is missing"
    slugs = anchors(document.read_text(encoding="utf-8"))
    for section in ("coaching-rules", "facts-behind-the-design", "layers"):
        assert section in slugs, f"docs/architecture.md has no section '{section}'"


def test_every_layer_prefix_is_in_the_architecture_document() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    absent = [
        prefix
        for _, prefixes in LAYERS
        for prefix in prefixes
        if prefix != "bot" and f"`{prefix}" not in text
    ]
    assert not absent, report(
        "Layer prefixes the layers table of docs/architecture.md lacks", absent
    )


# --- mypy's ignore comments ----------------------------------------------------------

IGNORE = re.compile(r"#\s*type:\s*ignore(?P<codes>\[[^\]]*\])?(?P<rest>.*)")


def ignore_comments(path: Path) -> list[tuple[int, re.Match[str], str]]:
    """(line, match, the comment on the line above or "") for every `# type: ignore`
    comment token; strings that merely contain the words do not count."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    found = []
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type != tokenize.COMMENT:
            continue
        match = IGNORE.search(token.string)
        if match:
            number = token.start[0]
            above = lines[number - 2].strip() if number >= 2 else ""
            found.append((number, match, above if above.startswith("#") else ""))
    return found


def test_every_type_ignore_names_its_error_code() -> None:
    bare = [
        f"{path.relative_to(ROOT)}:{number}: {match.group(0)}"
        for path in python_files("bot", "testkit", "bench")
        for number, match, _ in ignore_comments(path)
        if not match.group("codes") or match.group("codes") == "[]"
    ]
    assert not bare, report("`# type: ignore` without an error code in brackets", bare)


def test_every_type_ignore_says_why() -> None:
    """A reason after the code (`# type: ignore[arg-type]  # PTB types it as ...`) or in a
    comment on the line above."""
    silent = [
        f"{path.relative_to(ROOT)}:{number}: {match.group(0)}"
        for path in python_files("bot", "testkit", "bench")
        for number, match, above in ignore_comments(path)
        if not match.group("rest").strip(" #") and not above.strip(" #")
    ]
    assert not silent, report("`# type: ignore` without a reason", silent)
