"""Task checks: resolve each task and check its arguments (these may import user modules)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from mpscope.core.config.model import (
    STARMAP_METHODS,
    KeyPath,
)
from mpscope.core.config.toml_writer import toml_value

ReportError = Callable[[KeyPath, str], None]  # Checker.error: the problem at a key path


def _resolve(error: ReportError, path: KeyPath, name: str) -> Callable[..., Any] | None:
    from mpscope.core import tasks  # lazily: config must import fast for the CLI
    from mpscope.core.config.import_probe import import_problem, task_module

    module = task_module(name)
    problem = import_problem(module) if module else None
    if problem:
        error(path, f"cannot import module {module!r} for task {toml_value(name)}: {problem}")
        return None
    try:
        return tasks.resolve(name)
    except tasks.TaskError as exc:
        error(path, str(exc))
    except Exception as exc:  # noqa: BLE001 - a user module may fail in any way on import
        error(path, f"cannot load task {toml_value(name)}: {type(exc).__name__}: {exc}")
    return None


def check_process_task(error: ReportError, base: KeyPath, name: str, args: dict[str, Any]) -> None:
    from mpscope.core import tasks

    fn = _resolve(error, (*base, "task"), name)
    if fn is None:
        return
    try:
        tasks.check_arguments(fn, args, name)
    except tasks.TaskError as exc:
        error((*base, "args"), str(exc))


def check_pool_task(error: ReportError, name: str, items: list[Any] | int, method: str) -> None:
    from mpscope.core import tasks

    fn = _resolve(error, ("pool", "task"), name)
    if fn is None:
        return
    try:
        if method not in STARMAP_METHODS:
            sample = items[0] if isinstance(items, list) and items else 0
            tasks.pool_call_check(fn, sample, name)
            return
        signature = inspect.signature(fn)
    except tasks.TaskError as exc:
        error(("pool", "task"), str(exc))
        return
    except (TypeError, ValueError):
        return  # some callables (C functions) have no signature to check against
    assert isinstance(items, list)
    for call in {len(item): item for item in items}.values():  # one per argument count
        try:
            bound = signature.bind(*call)
        except TypeError as exc:
            problem = str(exc)
        else:
            # mpscope passes no reporter to pool tasks; an argument landing there is a mistake.
            if tasks.REPORTER_PARAM not in bound.arguments:
                continue
            problem = f"an argument would be passed as {tasks.REPORTER_PARAM!r}"
        error(
            ("pool", "task"),
            f"task {name!r} cannot be called with {len(call)} argument(s) for {method}: {problem}",
        )
        return
