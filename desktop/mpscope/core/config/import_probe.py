"""Importing a user's module to check a task: first in a short-lived child process.

A module runs its code on import, and that code may call `os._exit()`, raise
KeyboardInterrupt or SystemExit, or never return: in mpscope's own process that
would end or hijack it. So a module not imported yet is imported once in a
spawned child first; only a clean import there is repeated here. Answers are
cached per module and source file time, so a form that checks on every edit
pays for one child per module.
"""

from __future__ import annotations

import importlib
import importlib.util
import multiprocessing
import os
import sys
from typing import Any

PROBE_TIMEOUT_S = 20.0
_cache: dict[tuple[str, float | None], str | None] = {}


def import_problem(module: str) -> str | None:
    """What goes wrong when `module` is imported in a fresh process; None when nothing does."""
    if module in sys.modules:
        return None
    origin = _origin(module.partition(".")[0])
    if origin is None:
        return None  # not found: the import here says so, with its own words
    key = (module, _mtime(origin))
    if key not in _cache:
        _cache[key] = _probe(module)
    return _cache[key]


def answered(module: str) -> bool:
    """True when `import_problem(module)` answers at once (no child process to wait for)."""
    if module in sys.modules:
        return True
    origin = _origin(module.partition(".")[0])
    return origin is None or (module, _mtime(origin)) in _cache


def task_module(task: object) -> str:
    """The module a `module:function` task names ("" for a built-in or a malformed name)."""
    if not isinstance(task, str) or ":" not in task:
        return ""
    module = task.strip().partition(":")[0]
    return module if module and all(p.isidentifier() for p in module.split(".")) else ""


def _origin(top: str) -> str | None:
    try:
        spec = importlib.util.find_spec(top)  # a top-level name: finds, imports nothing
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    return spec.origin or next(iter(spec.submodule_search_locations or []), "") or top


def _mtime(path: str) -> float | None:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return None


def _probe(module: str) -> str | None:
    context = multiprocessing.get_context("spawn")
    reader, writer = context.Pipe(duplex=False)
    process = context.Process(target=probe_main, args=(module, writer), daemon=True,
                              name="mpscope-import-check")
    try:
        process.start()
    except OSError:  # cannot start a process: fall back on the import here
        reader.close()
        writer.close()
        return None
    writer.close()
    try:
        if reader.poll(PROBE_TIMEOUT_S):
            text = reader.recv_bytes().decode("utf-8", "replace")  # bytes: nothing unpickled
            return text or None
        if process.is_alive():
            return f"importing it took more than {PROBE_TIMEOUT_S:g} s"
        raise EOFError
    except (EOFError, OSError):
        process.join(5)
        return f"importing it ended the process ({_how(process.exitcode)})"
    finally:
        reader.close()
        if process.is_alive():
            process.kill()
        process.join(5)


def _how(exitcode: int | None) -> str:
    if exitcode is None:
        return "it did not say how"
    if exitcode < 0:
        return f"signal {-exitcode}"
    return f"exit code {exitcode}"


def probe_main(module: str, conn: Any) -> None:
    """In the child: import the module, say "" or what went wrong, and leave at once."""
    try:
        importlib.import_module(module)
        answer = ""
    except BaseException as exc:  # noqa: BLE001 - the point: whatever the module does
        answer = f"{type(exc).__name__}: {exc}"
    try:
        conn.send_bytes(answer.encode("utf-8", "replace"))
        conn.close()
    finally:
        os._exit(0)  # the module may have started threads or atexit hooks: do not wait
