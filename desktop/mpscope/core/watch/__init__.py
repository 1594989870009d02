"""Watch mode: run an unchanged program and see its processes, pool tasks, output and exit code.

`mpscope.attach` (inside the program) installs the hooks in hooks.py; the
parent side builds a `WatchedRun` (watched_run.py) that looks to the rest of
mpscope like a run with workers and a pool. Start one with `build_watched_run`.
"""

from __future__ import annotations

TYPE_CHECKING = False  # `typing` is not imported: a watched program's children load this package
if TYPE_CHECKING:
    from typing import Any

if TYPE_CHECKING:
    from mpscope.core.watch.watched_run import WatchedRun, build_watched_run


def __getattr__(name: str) -> Any:
    # Loaded on first use: the program's own processes import mpscope.core.watch.hooks
    # and must not pay for the parent's side (engine, psutil).
    if name in ("WatchedRun", "build_watched_run"):
        from mpscope.core.watch import watched_run

        return getattr(watched_run, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["WatchedRun", "build_watched_run"]
