"""The import contract, read from the source by AST: what each side of a process may import.

* `mpscope.core` never imports Qt (PySide6, shiboken6, pyqtgraph) or `mpscope.gui`:
  the headless product runs where Qt cannot be installed.
* The worker side (everything a spawned worker or pool process imports) imports
  neither the parent's engine, its history, nor psutil: each start pays for every
  module it loads, and a worker must behave as the user's own code would.
* No import circles between modules.

The worker side is not a hand-kept list: it is everything reachable from the
modules a child process starts with (the fork server's preload list, the pool
processes' initializer module, and the in-program hook where there is one).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "desktop" / "mpscope"
QT = ("PySide6", "shiboken6", "pyqtgraph")
WORKER_FORBIDDEN = ("mpscope.core.engine", "mpscope.core.history", "psutil")
# Modules a child process imports first. The fork server's preload list is read from
# the starter (it names what every forkserver worker has); the others are the pool
# initializer's module, the in-program hooks (mpscope.attach, and the sitecustomize that
# `mpscope watch` puts in every process of the watched program, and what its pool processes
# unpickle) and the Dask plugin.
CHILD_ENTRIES = ("mpscope.core.pool.child_tracker", "mpscope.attach",
                 "mpscope.core.watch.pool_side", "mpscope.core.watch.sitecustomize_shim",
                 "mpscope.core.pool.dask_plugin")
# Loaded by name inside a child (tasks are resolved from strings), so worker side as a whole.
WORKER_PACKAGES = ("mpscope.core.worker", "mpscope.core.tasks")


@dataclass(frozen=True)
class Import:
    """One import statement's target, where it stands, and whether it runs when imported."""

    source: str  # importing module
    target: str  # imported module (the deepest name that is a module of ours, or as written)
    line: int
    top_level: bool  # at module level (not inside a function)
    type_only: bool  # under `if TYPE_CHECKING:`
    lazy: bool  # inside a module-level __getattr__ (PEP 562): runs only when asked for


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def all_modules(root: Path = PACKAGE) -> dict[str, Path]:
    return {module_name(path): path for path in sorted(root.rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> list[Import]:
    """Every import in one module, with absolute targets."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[Import] = []

    def add(target: str, node: ast.stmt, top: bool, type_only: bool, lazy: bool) -> None:
        found.append(Import(name, target, node.lineno, top, type_only, lazy))

    def visit(body: list[ast.stmt], top: bool, type_only: bool, lazy: bool) -> None:
        for node in body:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    add(alias.name, node, top, type_only, lazy)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - (node.level - 1)]
                    base = ".".join([*anchor, base] if base else anchor)
                for alias in node.names:
                    # `from pkg import mod` imports the module pkg.mod; `from mod import x` mod.
                    sub = f"{base}.{alias.name}"
                    add(sub if sub in modules else base, node, top, type_only, lazy)
            elif isinstance(node, ast.If):
                checking = type_only or _is_type_checking(node.test)
                visit(node.body, top, checking, lazy)
                visit(node.orelse, top, type_only, lazy)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                getattr_hook = top and node.name == "__getattr__"
                visit(node.body, False, type_only, lazy or getattr_hook)
            elif isinstance(node, ast.ClassDef):
                visit(node.body, top, type_only, lazy)
            elif isinstance(node, (ast.Try, ast.With, ast.For, ast.While)):
                for block in (getattr(node, "body", []), getattr(node, "orelse", []),
                              getattr(node, "finalbody", []),
                              *[h.body for h in getattr(node, "handlers", [])]):
                    visit(block, top, type_only, lazy)

    visit(ast.parse(path.read_text(encoding="utf-8"), str(path)).body, True, False, False)
    return found


def graph(root: Path = PACKAGE) -> tuple[dict[str, Path], list[Import]]:
    modules = all_modules(root)
    return modules, [imp for name, path in modules.items()
                     for imp in imports_of(name, path, modules)]


def _parents(target: str, modules: dict[str, Path]) -> list[str]:
    """Importing a.b.c runs a/__init__, a/b/__init__ and a/b/c: the ones that are ours."""
    parts = target.split(".")
    return [m for m in (".".join(parts[:i]) for i in range(1, len(parts) + 1)) if m in modules]


def runs_at_import(imp: Import) -> bool:
    """An import that executes in a process that imports the module and calls into it."""
    return not imp.type_only and not imp.lazy


def fork_server_preload(modules: dict[str, Path]) -> list[str]:
    """The starter's FORKSERVER_PRELOAD list, read from its source (no import needed)."""
    tree = ast.parse(modules["mpscope.core.engine.starter"].read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "FORKSERVER_PRELOAD" for t in node.targets):
            return [m for m in ast.literal_eval(node.value) if m != "__main__"]
    raise AssertionError("FORKSERVER_PRELOAD not found in mpscope.core.engine.starter")


def worker_side(modules: dict[str, Path], edges: list[Import]) -> set[str]:
    """Every module a child process may import: reachable from the child entry modules."""
    by_source: dict[str, list[Import]] = {}
    for imp in edges:
        by_source.setdefault(imp.source, []).append(imp)
    entries = [*fork_server_preload(modules), *CHILD_ENTRIES]
    entries += [m for m in modules if m.startswith(WORKER_PACKAGES)]
    todo = [p for entry in entries if entry in modules for p in _parents(entry, modules)]
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for imp in by_source.get(name, []):
            if runs_at_import(imp):
                todo += _parents(imp.target, modules)
    return seen


def _forbidden(target: str, prefixes: tuple[str, ...]) -> bool:
    return any(target == p or target.startswith(p + ".") for p in prefixes)


def core_qt_imports(edges: list[Import]) -> list[str]:
    return [f"{i.source}:{i.line} imports {i.target}" for i in edges
            if i.source.startswith("mpscope.core")
            and _forbidden(i.target, (*QT, "mpscope.gui"))]


# The Dask plugin runs only inside a Dask worker, where distributed has loaded psutil already
# (its system monitor): the host-CPU metric uses it at no cost.
ALREADY_LOADED = {("mpscope.core.pool.dask_plugin", "psutil")}


def worker_imports(modules: dict[str, Path], edges: list[Import]) -> list[str]:
    side = worker_side(modules, edges)
    return [f"{i.source}:{i.line} imports {i.target}" for i in edges
            if i.source in side and runs_at_import(i)
            and _forbidden(i.target, (*WORKER_FORBIDDEN, *QT, "mpscope.gui"))
            and (i.source, i.target) not in ALREADY_LOADED]


def import_cycles(modules: dict[str, Path], edges: list[Import]) -> list[list[str]]:
    """Circles among module-level imports (type-only ones included: they tie the design too)."""
    succ: dict[str, set[str]] = {m: set() for m in modules}
    for imp in edges:
        if imp.top_level and not imp.lazy and imp.target in modules and imp.target != imp.source:
            succ[imp.source].add(imp.target)
    # Tarjan's strongly connected components; a component of two or more is a circle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(succ[v]):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(succ):
        if v not in index:
            connect(v)
    return cycles


@pytest.fixture(scope="module")
def source() -> tuple[dict[str, Path], list[Import]]:
    return graph()


def test_the_core_never_imports_qt_or_the_gui(source):
    modules, edges = source
    assert any(m.startswith("mpscope.core.") for m in modules)
    assert core_qt_imports(edges) == []


def test_worker_side_modules_import_neither_the_engine_the_history_nor_psutil(source):
    modules, edges = source
    side = worker_side(modules, edges)
    # The walk reaches what a child really loads (tests/test_pool.py and test_tasks.py
    # look at a real child's sys.modules); these must be found, or the walk is broken.
    assert {"mpscope.core.worker.bootstrap", "mpscope.core.worker.reporter",
            "mpscope.core.worker.channel", "mpscope.core.worker.messages",
            "mpscope.core.worker.watchdog", "mpscope.core.pool.child_tracker",
            "mpscope.core.pool.messages", "mpscope.core.tasks.builtin",
            "mpscope.core.jsonsafe"} <= side
    assert not any(_forbidden(m, WORKER_FORBIDDEN) for m in side), sorted(side)
    assert worker_imports(modules, edges) == []


def test_no_import_circles(source):
    modules, edges = source
    assert import_cycles(modules, edges) == []


# -- the checks themselves fail when their rule is broken ------------------------------
def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    """A copy of the package with some modules replaced or added."""
    root = tmp_path / "mpscope"
    for path in PACKAGE.rglob("*.py"):
        target = root / path.relative_to(PACKAGE)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    for rel, text in files.items():
        (root / rel).write_text(text, encoding="utf-8")
    return root


def _with_line(rel: str, line: str) -> dict[str, str]:
    return {rel: (PACKAGE / rel).read_text(encoding="utf-8") + f"\n{line}\n"}


def _graph_of(root: Path) -> tuple[dict[str, Path], list[Import]]:
    modules = {".".join(["mpscope", *p.relative_to(root).with_suffix("").parts]).removesuffix(
        ".__init__"): p for p in sorted(root.rglob("*.py"))}
    return modules, [imp for name, path in modules.items()
                     for imp in imports_of(name, path, modules)]


@pytest.mark.parametrize("line", ["from PySide6.QtCore import QObject",
                                  "import pyqtgraph",
                                  "from mpscope.gui import theme"])
def test_a_qt_import_in_the_core_is_caught(tmp_path, line):
    _modules, edges = _graph_of(_tree(tmp_path, _with_line("core/engine/run_state.py", line)))
    assert len(core_qt_imports(edges)) == 1


@pytest.mark.parametrize(("rel", "line"), [
    ("core/worker/reporter.py", "import psutil"),
    ("core/jsonsafe.py", "from mpscope.core.engine.states import State"),
    ("core/pool/messages.py", "from mpscope.core.history import paths"),
    ("core/tasks/builtin.py", "def f():\n    from mpscope.core.engine import engine"),
])
def test_an_engine_history_or_psutil_import_on_the_worker_side_is_caught(tmp_path, rel, line):
    modules, edges = _graph_of(_tree(tmp_path, _with_line(rel, line)))
    assert worker_imports(modules, edges) != []


def test_a_module_new_on_the_worker_side_is_checked_too(tmp_path):
    # jsonsafe.py newly imports a module that imports the history: both are worker side now.
    files = {"core/helper.py": '"""x"""\nfrom mpscope.core.history import store\n',
             **_with_line("core/jsonsafe.py", "from mpscope.core import helper")}
    modules, edges = _graph_of(_tree(tmp_path, files))
    assert "mpscope.core.helper" in worker_side(modules, edges)
    assert "mpscope.core.helper:2 imports mpscope.core.history.store" in worker_imports(
        modules, edges)


def test_an_import_circle_is_caught(tmp_path):
    modules, edges = _graph_of(_tree(tmp_path, _with_line(
        "core/pool/figures.py", "from mpscope.core.pool import pool_run")))
    assert ["mpscope.core.pool.figures", "mpscope.core.pool.pool_run"] in import_cycles(
        modules, edges)
