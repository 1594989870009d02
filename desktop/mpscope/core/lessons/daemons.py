"""Lesson 8, daemon processes: at exit daemons are terminated, non-daemons are waited for."""

from __future__ import annotations

import multiprocessing
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from mpscope.core.lessons._common import context, run_python, table
from mpscope.core.worker.reporter import NULL_REPORTER, Reporter
from mpscope.core.worker.watchdog import start_orphan_watchdog

KINDS = {"daemon": True, "non-daemon": False}


def work_and_mark(folder: str, name: str, seconds: float) -> None:
    """Write <name>.started, work for `seconds`, then write <name>.finished."""
    start_orphan_watchdog()
    Path(folder, f"{name}.started").write_text(str(os.getpid()))
    time.sleep(seconds)
    Path(folder, f"{name}.finished").write_text(str(os.getpid()))


def main_program(folder: str, seconds: float, method: str) -> None:
    """The little program under test: start one daemon and one non-daemon child, then end."""
    ctx: Any = multiprocessing.get_context(method)
    for name, daemon in KINDS.items():
        ctx.Process(target=work_and_mark, args=(folder, name, seconds), daemon=daemon).start()
    deadline = time.monotonic() + 30
    while not all(Path(folder, f"{name}.started").exists() for name in KINDS):
        if time.monotonic() > deadline:
            break
        time.sleep(0.01)
    print(time.time(), flush=True)  # the moment the main program reaches its last line
    # Falling off the end: Python's exit handler now terminates the daemon child
    # and join()s the non-daemon one, so the program ends only when that is done.


def daemon_exit(seconds: float = 2.0, reporter: Reporter | None = None) -> dict[str, Any]:
    """Run main_program in a fresh Python; report which child finished its work."""
    reporter = reporter or NULL_REPORTER
    method = context().get_start_method()
    with tempfile.TemporaryDirectory() as folder:
        code = (f"from mpscope.core.lessons.daemons import main_program; "
                f"main_program({folder!r}, {seconds!r}, {method!r})")
        reporter.report(0, 1, f"running a program whose children work {seconds:g} s")
        code_exit, out, err = run_python(["-c", code], timeout=seconds + 60)
        ended = time.time()
        done = {name: Path(folder, f"{name}.finished").exists() for name in KINDS}
        started = {name: Path(folder, f"{name}.started").exists() for name in KINDS}
    try:
        waited = round(ended - float(out.split()[-1]), 2)
    except (ValueError, IndexError):  # no timestamp: the program failed
        waited = None
        reporter.log(f"the program failed (exit code {code_exit}): {err.strip()[-500:]}")
    rows = [[name, daemon, started[name], done[name], _fate(started[name], done[name], daemon)]
            for name, daemon in KINDS.items()]
    reporter.report(1, 1, "done")
    return table(
        "What happens to children when the main program ends",
        ["child", "daemon", "started", "finished its work", "at exit"],
        rows,
        f"the main program reached its end, then took {waited} s more to exit: it waited for "
        f"the non-daemon child (which works {seconds:g} s) but killed the daemon one",
        waited=waited, exit_code=code_exit,
    )


def _fate(started: bool, done: bool, daemon: bool) -> str:
    if not started:
        return "never started"
    if done:
        return "finished: the exit waited for it" if not daemon else "finished before the exit"
    return "terminated when the program ended" if daemon else "lost: it did not finish"
