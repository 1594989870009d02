"""The code students see: the real source of functions, with the imports and constants they use."""

from __future__ import annotations

import ast
import inspect
import sys
from collections.abc import Callable
from typing import Any

HELPERS = "mpscope.core.lessons._common"


def source_of(*functions: Callable[..., Any]) -> str:
    """One listing of `functions`: an import block, then each module's part of the code.

    Functions and classes of the same module that they use, and the helpers
    they import from `_common`, are added (transitively), so the listing is all
    of what runs, reads as one valid module, and is always the current code.
    """
    shown: dict[str, list[str]] = {}  # module -> names of its functions shown
    for fn in functions:
        shown.setdefault(fn.__module__, []).append(fn.__name__)
    for module, names in shown.items():
        # File order, as in the real module: a decorator is defined before its use.
        names[:] = _closure(module, names)
    helpers = [name for module, names in shown.items() if module != HELPERS
               for name in _names_used(module, names)]
    if helpers:
        shown[HELPERS] = _closure(HELPERS, [*shown.get(HELPERS, []), *helpers])
    imports = _imports(shown)
    parts = [_module_part(module, names) for module, names in shown.items()]
    return "\n\n\n".join([imports, *parts] if imports else parts) + "\n"


def _closure(module: str, names: list[str]) -> list[str]:
    """`names` and the top-level functions and classes of `module` they use, in file order."""
    defined = {n.name: n for n in _tree(module).body
               if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    found: set[str] = set()
    todo = [name for name in names if name in defined]
    while todo:
        name = todo.pop()
        if name not in found:
            found.add(name)
            todo += sorted(_names_in(defined[name]) & defined.keys())
    return [name for name in defined if name in found]


def _imports(shown: dict[str, list[str]]) -> str:
    """One import block: what the shown code uses and does not itself define."""
    plain: set[str] = set()
    from_: dict[str, set[str]] = {}
    for module, names in shown.items():
        used = _names_used(module, names)
        for node in _tree(module).body:
            if isinstance(node, ast.Import):
                plain.update(_alias(a) for a in node.names
                             if (a.asname or a.name.split(".")[0]) in used)
            elif isinstance(node, ast.ImportFrom) and node.module not in (None, "__future__"):
                source = node.module or ""
                here = shown.get(source, [])  # shown in this listing: no import needed
                from_.setdefault(source, set()).update(
                    _alias(a) for a in node.names
                    if (a.asname or a.name) in used and a.name not in here)
    lines = [f"import {name}" for name in sorted(plain)]
    ours = [source for source in sorted(from_) if from_[source] and source.startswith("mpscope")]
    for source in sorted(from_):
        if from_[source] and source not in ours:
            lines.append(f"from {source} import {', '.join(sorted(from_[source]))}")
    if ours:  # mpscope's own imports last, after a blank line, as isort would put them
        lines.append("")
        lines += [f"from {source} import {', '.join(sorted(from_[source]))}" for source in ours]
    return "\n".join(lines).strip()


def _module_part(module: str, names: list[str]) -> str:
    """The constants and functions shown from one module, under a comment naming its file."""
    tree = _tree(module)
    text = inspect.getsource(sys.modules[module])
    used = _names_used(module, names)
    parts = []
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and _targets(node) & used:
            parts.append(ast.get_source_segment(text, node) or "")
    by_name = {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    for name in names:
        node = by_name[name]
        start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        parts.append("\n".join(text.splitlines()[start - 1 : node.end_lineno]))
    return f"# {module.replace('.', '/')}.py\n" + "\n\n\n".join(parts)


def _names_used(module: str, names: list[str]) -> set[str]:
    """Every name the given top-level functions use, plus those of the constants they use."""
    tree = _tree(module)
    used: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name in names:
            used |= _names_in(node)
    for node in tree.body:  # a constant may use an import too (one level is enough here)
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and _targets(node) & used:
            used |= _names_in(node)
    return used


def _names_in(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _targets(node: ast.Assign | ast.AnnAssign) -> set[str]:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    return {t.id for t in targets if isinstance(t, ast.Name)}


def _alias(alias: ast.alias) -> str:
    return f"{alias.name} as {alias.asname}" if alias.asname else alias.name


def _tree(module: str) -> ast.Module:
    if module not in sys.modules:
        __import__(module)
    return ast.parse(inspect.getsource(sys.modules[module]))
