"""Lesson 9, exceptions in children: what the parent sees from Pool.map, imap and apply_async."""

from __future__ import annotations

import os
import re
from typing import Any

from mpscope.core.lessons._common import context, table
from mpscope.core.lessons.pools import fails_on_3
from mpscope.core.worker.reporter import NULL_REPORTER, Reporter
from mpscope.core.worker.watchdog import start_orphan_watchdog


def pool_exceptions(
    items: int = 8, processes: int = 2, reporter: Reporter | None = None
) -> dict[str, Any]:
    """Make item 3 fail in a pool and record, for each method, what the parent catches."""
    reporter = reporter or NULL_REPORTER
    values = list(range(1, items + 1))  # 3 and 6 fail: each is a multiple of 3
    rows: list[list[Any]] = []

    def caught(method: str, exc: BaseException | None, kept: list[int]) -> None:
        if exc is None:
            rows.append([method, "(nothing raised)", "", "", os.getpid(), str(kept)])
        else:
            rows.append([method, type(exc).__name__, str(exc), where(exc), os.getpid(), str(kept)])
        reporter.log(f"{method}: caught {rows[-1][1]}: {rows[-1][2]}; results kept: {kept}")
        reporter.report(len(rows), 4, method)

    with context().Pool(processes, initializer=start_orphan_watchdog) as pool:
        # map: one failure and the whole call raises; no result comes back at all.
        kept: list[int] = []
        try:
            kept = pool.map(fails_on_3, values)
            caught("map", None, kept)
        except ValueError as exc:
            caught("map", exc, kept)

        # imap: the results before the failing item arrive; the exception comes in its place.
        kept = []
        try:
            for result in pool.imap(fails_on_3, values):
                kept.append(result)
            caught("imap", None, kept)
        except ValueError as exc:
            caught("imap", exc, kept)

        # apply_async: each call stands alone; get() re-raises that call's exception.
        calls = [pool.apply_async(fails_on_3, (x,)) for x in values]
        kept, first = [], None
        for call in calls:
            try:
                kept.append(call.get())
            except ValueError as exc:
                first = first or exc
        caught("apply_async + get()", first, kept)

        # error_callback: the exception is handed to a function in the parent, nothing raises.
        errors: list[BaseException] = []
        kept = []
        calls = [pool.apply_async(fails_on_3, (x,), callback=kept.append,
                                  error_callback=errors.append) for x in values]
        for call in calls:
            call.wait()  # a call's callback has run by the time wait() returns
        caught("apply_async + error_callback", errors[0] if errors else None, sorted(kept))
    return table(
        "An exception in a pool process, seen from the parent",
        ["method", "exception", "message", "raised in", "caught in pid", "results kept"],
        rows,
        "the child's exception is pickled and raised again in the parent: map loses every "
        "result, imap keeps those before it, apply_async loses only the failing call",
    )


def where(exc: BaseException) -> str:
    """Where in the child the exception was raised, from the traceback the pool attaches."""
    remote = str(exc.__cause__ or "")  # a RemoteTraceback holding the child's traceback text
    lines = re.findall(r'File "([^"]+)", line (\d+), in (\w+)', remote)
    if not lines:
        return "(no traceback from the child)"
    path, line, function = lines[-1]
    return f"{function}() at {os.path.basename(path)}:{line}"
