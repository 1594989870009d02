"""Validation: every key of a raw run dict checked, with every problem collected in file order."""

from __future__ import annotations

import importlib.util
import math
import multiprocessing
import os
import re
import sys
from collections.abc import Mapping
from typing import Any

from mpscope.core.config.checker import (
    Checker,
    is_int,
    one_of,
    show,
    type_name,
)
from mpscope.core.config.limits import check_total
from mpscope.core.config.model import (
    BACKENDS,
    DASK_EXTRA,
    DEFAULT_GRACE_SECONDS,
    DEFAULT_REPORT_INTERVAL,
    DEFAULT_START_METHOD,
    GROUP_KEYS,
    MAX_COUNT,
    MAX_GRACE_SECONDS,
    MAX_ITEMS,
    POOL_KEYS,
    POOL_METHODS,
    REPORT_INTERVAL_RANGE,
    STARMAP_METHODS,
    START_METHODS,
    TOP_KEYS,
    WINDOWS_EXECUTOR_MAX,
    ConfigError,
    KeyPath,
    PoolConfig,
    RunConfig,
    WorkerGroup,
    short_name,
)
from mpscope.core.config.parsing import MAX_DEPTH, nesting
from mpscope.core.config.sizes import parse_size
from mpscope.core.config.task_checks import check_pool_task, check_process_task
from mpscope.core.config.toml_writer import toml_value

_TASK_WHAT = 'the task to run (a built-in name or "package.module:function")'


def build(
    raw: Mapping[str, Any], source: str, text: str | None
) -> tuple[RunConfig | None, list[ConfigError]]:
    check = Checker(source, text)
    if not isinstance(raw, Mapping):
        check.error((), f"the configuration must be a table, got {type_name(raw)}")
        return None, check.errors
    if nesting(raw) > MAX_DEPTH:  # a form's dict did not come through parse_toml's check
        check.error((), f"arrays or tables nested too deeply (more than {MAX_DEPTH} levels)")
        return None, check.errors
    check.unknown_keys(raw, (), TOP_KEYS)

    title = raw.get("title")
    if title is not None and not isinstance(title, str):
        check.error(("title",), f"must be a string, got {show(title, kind=True)}")
    start_method = check.choice(raw, ("start_method",), START_METHODS, DEFAULT_START_METHOD)
    if start_method is not None and start_method not in multiprocessing.get_all_start_methods():
        available = one_of(multiprocessing.get_all_start_methods())
        check.error(
            ("start_method",),
            f"{toml_value(start_method)} is not available on this platform"
            f" (available: {available})",
        )
        start_method = None
    grace = check.number(
        raw, ("grace_seconds",), DEFAULT_GRACE_SECONDS, lambda v: 0 < v <= MAX_GRACE_SECONDS,
        f"a number > 0 and at most {MAX_GRACE_SECONDS:g} (seconds)",
    )
    low, high = REPORT_INTERVAL_RANGE
    interval = check.number(
        raw,
        ("report_interval",),
        DEFAULT_REPORT_INTERVAL,
        lambda v: low <= v <= high,
        f"a number from {low} to {high} (seconds)",
    )
    memory_limit = None
    if raw.get("memory_limit") is not None:
        try:
            memory_limit = parse_size(raw["memory_limit"])
        except ValueError as problem:
            check.error(("memory_limit",), str(problem))
    workers = _build_workers(check, raw.get("workers"))
    pool = _build_pool(check, raw.get("pool"), start_method)
    if not raw.get("workers") and raw.get("pool") is None:
        check.error((), "nothing to run: add a [[workers]] group or a [pool] table")
    if workers is not None:
        check_total(check.error, sum(g.count for g in workers) + (pool.processes if pool else 0))

    # Report in file order; problems without a line keep their check order, last.
    errors = sorted(check.errors, key=lambda e: e.line if e.line is not None else math.inf)
    if errors:
        return None, errors
    assert start_method is not None and grace is not None and interval is not None
    assert workers is not None
    config = RunConfig(
        title=title,
        start_method=start_method,
        grace_seconds=grace,
        report_interval=interval,
        workers=workers,
        pool=pool,
        memory_limit=memory_limit,
        source=source,
    )
    return config, []


def _build_workers(check: Checker, raw: Any) -> tuple[WorkerGroup, ...] | None:
    if raw is None:
        return ()
    if not isinstance(raw, (list, tuple)):
        hint = " (write [[workers]], not [workers])" if isinstance(raw, dict) else ""
        check.error(("workers",), f"must be an array of tables, got {type_name(raw)}{hint}")
        return None
    groups: list[WorkerGroup] = []
    owners: dict[str, int] = {}  # group name -> index of the group that has it
    ok = True
    for index, entry in enumerate(raw):
        group = _build_group(check, index, entry)
        if group is None:
            ok = False
            continue
        if group.name in owners:
            path: KeyPath = ("workers", index, "name")
            problem = (
                f"{toml_value(group.name)} is already the name of workers[{owners[group.name]}];"
                " names must be unique"
            )
            if isinstance(entry, Mapping) and entry.get("name") is None:
                problem += ' (it defaults to the task\'s name: set name = "..." on this group)'
            check.error(path, problem)
            ok = False
            continue
        owners[group.name] = index
        groups.append(group)
    return tuple(groups) if ok else None


def _build_group(check: Checker, index: int, entry: Any) -> WorkerGroup | None:
    base: KeyPath = ("workers", index)
    if not isinstance(entry, Mapping):
        check.error(base, f"must be a table, got {type_name(entry)}")
        return None
    before = len(check.errors)
    check.unknown_keys(entry, base, GROUP_KEYS)
    task = check.string(entry, (*base, "task"), _TASK_WHAT, required=True)
    count = check.integer(entry, (*base, "count"), 1, minimum=1, maximum=MAX_COUNT)
    daemon = check.boolean(entry, (*base, "daemon"), False)
    name = check.string(entry, (*base, "name"), "a non-empty string")
    args = entry.get("args")
    if args is None:
        args = {}
    elif not isinstance(args, Mapping):
        check.error((*base, "args"), f"must be a table of keyword arguments, got {type_name(args)}")
        args = None
    if task is not None and args is not None:
        check_process_task(check.error, base, task, dict(args))
    if len(check.errors) > before:
        return None
    assert task is not None and count is not None and daemon is not None and args is not None
    name = name if name is not None else short_name(task)
    return WorkerGroup(task, count, daemon, name, dict(args))


def _build_pool(check: Checker, raw: Any, start_method: str | None) -> PoolConfig | None:
    base: KeyPath = ("pool",)
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        hint = " (write [pool], not [[pool]])" if isinstance(raw, list) else ""
        check.error(base, f"must be a table, got {type_name(raw)}{hint}")
        return None
    before = len(check.errors)
    check.unknown_keys(raw, base, POOL_KEYS)
    task = check.string(raw, ("pool", "task"), _TASK_WHAT + " called with one item", required=True)
    method = check.choice(raw, ("pool", "method"), POOL_METHODS, "map")
    backend = check.choice(raw, ("pool", "backend"), BACKENDS, "multiprocessing")
    processes = check.integer(
        raw, ("pool", "processes"), os.cpu_count() or 1, minimum=1, maximum=MAX_COUNT
    )
    chunksize = check.integer(
        raw, ("pool", "chunksize"), 0, minimum=0, note=" (0 or omitted: the default)"
    )
    per_child = check.integer(
        raw, ("pool", "maxtasksperchild"), 0, minimum=0, note=" (0 or omitted: unlimited)"
    )
    items = _check_items(check, raw.get("items"), method)
    scheduler = check.string(raw, ("pool", "scheduler"), 'an address like "tcp://host:8786"')
    _check_dask(check, backend, scheduler, per_child)

    if backend == "executor":
        if per_child and start_method == "fork":
            check.error(
                ("pool", "maxtasksperchild"),
                'the "executor" backend cannot limit tasks per child with start_method "fork"'
                ' (the stdlib refuses it); use 0, or "spawn" or "forkserver"',
            )
        if sys.platform == "win32" and processes is not None and processes > WINDOWS_EXECUTOR_MAX:
            check.error(
                ("pool", "processes"),
                f'the "executor" backend allows at most {WINDOWS_EXECUTOR_MAX} processes'
                f" on Windows, got {processes}",
            )
    if task is not None and items is not None and method is not None:
        check_pool_task(check.error, task, items, method)
    if len(check.errors) > before:
        return None
    assert task is not None and items is not None and processes is not None
    assert method is not None and backend is not None
    return PoolConfig(
        task=task,
        items=items,
        processes=processes,
        method=method,
        chunksize=chunksize or None,
        maxtasksperchild=per_child or None,
        backend=backend,
        scheduler=scheduler.strip() if scheduler else None,
    )


def _check_dask(check: Checker, backend: str | None, scheduler: str | None,
                per_child: int | None) -> None:
    """The "dask" backend needs the extra installed; `scheduler` needs that backend."""
    if backend == "dask" and importlib.util.find_spec("distributed") is None:
        check.error(("pool", "backend"), f'"dask" needs Dask distributed: {DASK_EXTRA}')
    if backend == "dask" and per_child:
        check.error(("pool", "maxtasksperchild"),
                    'the "dask" backend has no tasks-per-child limit (Dask workers live on); '
                    "use 0 or omit it")
    if scheduler is None:
        return
    if backend != "dask":
        check.error(("pool", "scheduler"), 'is only used with backend = "dask"')
    elif not re.fullmatch(r"([a-z]+://)?\[?[\w.:-]+\]?(:\d+)?/?", scheduler.strip()):
        check.error(("pool", "scheduler"),
                    f'must be an address like "tcp://host:8786", got {toml_value(scheduler)}')


def _check_items(check: Checker, items: Any, method: str | None) -> list[Any] | int | None:
    path: KeyPath = ("pool", "items")
    wanted = "an integer >= 0 (meaning range(items)) or an array of items"
    if items is None:
        check.error(path, f"is required: {wanted}")
        return None
    if is_int(items):
        if items < 0:
            check.error(path, f"must be {wanted}, got {items}")
            return None
        if items > MAX_ITEMS:
            check.error(path, f"must be at most {MAX_ITEMS:_}, got {items:_}")
            return None
        if method in STARMAP_METHODS:
            check.error(
                path,
                f"method {toml_value(method)} needs an array of arrays"
                " (one argument list per call), got an integer",
            )
            return None
        return int(items)
    if not isinstance(items, (list, tuple)):
        check.error(path, f"must be {wanted}, got {show(items, kind=True)}")
        return None
    if len(items) > MAX_ITEMS:
        check.error(path, f"must hold at most {MAX_ITEMS:_} items, got {len(items):_}")
        return None
    if method in STARMAP_METHODS:
        for position, item in enumerate(items):
            if not isinstance(item, (list, tuple)):
                check.error(
                    path,
                    f"method {toml_value(method)} needs every item to be an array of"
                    f" arguments, but item {position} is {show(item, kind=True)}",
                )
                return None
    return list(items)
