"""Lesson 10, start methods: start-up cost, what must be picklable, and the __main__ guard."""

from __future__ import annotations

import multiprocessing
import pickle
import re
import tempfile
import time
from pathlib import Path
from typing import Any

from mpscope.core.lessons._common import context, end_all, median, run_python, table
from mpscope.core.worker.reporter import NULL_REPORTER, Reporter

NO_GUARD = """\
import multiprocessing

def work():
    print("the child ran")

ctx = multiprocessing.get_context("{method}")
process = ctx.Process(target=work)
process.start()
process.join()
print("child exit code", process.exitcode)
"""

WITH_GUARD = """\
import multiprocessing

def work():
    print("the child ran")

if __name__ == "__main__":
    ctx = multiprocessing.get_context("{method}")
    process = ctx.Process(target=work)
    process.start()
    process.join()
    print("child exit code", process.exitcode)
"""


def say_hello(conn: Any) -> None:
    """The first thing a new child does: tell the parent it is running."""
    conn.send("hello")


def time_one_start(ctx: Any) -> float:
    """Milliseconds from start() until the new child runs its first line."""
    reading, writing = ctx.Pipe(duplex=False)
    child = ctx.Process(target=say_hello, args=(writing,))
    try:
        start = time.perf_counter()
        child.start()
        writing.close()
        reading.recv()  # arrives once the child is running our code
        return 1000 * (time.perf_counter() - start)
    finally:
        writing.close()
        reading.close()
        end_all([child])


def start_costs(starts: int = 10, reporter: Reporter | None = None) -> dict[str, Any]:
    """Time from start() until the child runs code, for each start method (median of `starts`)."""
    reporter = reporter or NULL_REPORTER
    methods = multiprocessing.get_all_start_methods()
    rows: list[list[Any]] = []
    for n, method in enumerate(methods, 1):
        ctx = multiprocessing.get_context(method)
        try:
            # One start more than asked: the first warms up (it starts the fork server).
            times = [time_one_start(ctx) for _ in range(starts + 1)][1:]
        except OSError as exc:  # e.g. a fork server inherited by fork: it is not our child
            reporter.log(f"{method}: cannot start a process from here: {exc}")
            continue
        rows.append([method, round(median(times), 1), round(min(times), 1), round(max(times), 1)])
        reporter.log(f"{method}: median {rows[-1][1]} ms")
        reporter.report(n, len(methods), method)
    fastest, slowest = min(rows, key=lambda r: r[1]), max(rows, key=lambda r: r[1])
    return table(
        f"Time until a new process runs its first line (median of {starts})",
        ["start method", "median ms", "min ms", "max ms"],
        rows,
        f"{fastest[0]} starts in {fastest[1]} ms, {slowest[0]} in {slowest[1]} ms: spawn starts a "
        "fresh interpreter and imports everything again; fork copies the parent",
    )


def square(x: int) -> int:
    """A module-level function: pickled as its module and name, so a child can import it."""
    return x * x


# The same function as a lambda: its __name__ is "<lambda>", which no child can import.
square_lambda = lambda x: x * x  # noqa: E731 - the lambda is the lesson


def pickling_lambda(reporter: Reporter | None = None) -> dict[str, Any]:
    """Pickle a module-level function and a lambda, and send each to a Pool."""
    reporter = reporter or NULL_REPORTER
    rows: list[list[Any]] = []

    def attempt(what: str, action: Any) -> None:
        try:
            outcome, detail = "works", repr(action())
        except Exception as exc:  # noqa: BLE001 - the error text is what we show
            outcome, detail = f"fails: {type(exc).__name__}", str(exc)
        detail = re.sub(r" at 0x[0-9a-f]+", "", detail)  # addresses differ on every run
        rows.append([what, outcome, detail])
        reporter.log(f"{what}: {outcome}: {detail}")

    attempt("pickle.dumps(square)", lambda: pickle.dumps(square))
    attempt("pickle.dumps(square_lambda)", lambda: pickle.dumps(square_lambda))
    with context().Pool(2) as pool:
        attempt("pool.map(square, range(5))", lambda: pool.map(square, range(5)))
        attempt("pool.map(square_lambda, range(5))", lambda: pool.map(square_lambda, range(5)))
    return table(
        "What can be sent to another process?",
        ["what", "outcome", "detail"],
        rows,
        "a function travels as its module and name, and the child imports it; a lambda has no "
        "name to import, so it cannot be pickled and cannot be sent to a pool",
    )


def missing_main_guard(timeout: float = 20.0, reporter: Reporter | None = None) -> dict[str, Any]:
    """Run a tiny script with and without `if __name__ == "__main__":` and show what happens."""
    reporter = reporter or NULL_REPORTER
    cases = [("spawn, no guard", NO_GUARD, "spawn"), ("spawn, with guard", WITH_GUARD, "spawn")]
    if "fork" in multiprocessing.get_all_start_methods():
        cases.append(("fork, no guard", NO_GUARD, "fork"))
    rows: list[list[Any]] = []
    error = ""
    with tempfile.TemporaryDirectory() as folder:
        for n, (name, source, method) in enumerate(cases, 1):
            script = Path(folder, "lesson.py")
            script.write_text(source.format(method=method))
            code, out, err = run_python([str(script)], timeout=timeout, cwd=folder)
            text = _error_text(err)
            error = error or text
            rows.append([name, code, " / ".join(out.split("\n")).strip(" /"), text or "(none)"])
            reporter.log(f"{name}: exit code {code}; {text or 'no error'}")
            reporter.report(n, len(cases), name)
    return table(
        "The same script with and without the __main__ guard",
        ["case", "exit code", "printed", "error in the child"],
        rows,
        "under spawn the child imports the main script again; without the guard that import "
        "tries to start yet another process, and multiprocessing stops it with a RuntimeError",
        error=error,
    )


def _error_text(stderr: str) -> str:
    """The last exception line and what follows it (the explanation multiprocessing gives)."""
    match = re.search(r"^(\w+Error:.*)", stderr, flags=re.MULTILINE | re.DOTALL)
    return " ".join(match.group(1).split()) if match else ""
