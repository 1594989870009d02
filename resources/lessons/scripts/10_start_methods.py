"""Lesson 10: start methods, pickling and the __main__ guard.

Run it:  python 10_start_methods.py

How a child process begins:
- fork: a copy of the parent (POSIX only). Fast, but unsafe once the parent
  runs threads; Python 3.12+ warns (DeprecationWarning) when it forks a
  process that has threads.
- spawn: a fresh interpreter that imports your main module again. Slower;
  the default on Windows and macOS.
- forkserver: each child is forked from a small, clean server process
  (POSIX only). The default on Linux from Python 3.14 (fork before).
Whatever a child or a pool task needs is pickled -- under EVERY start method,
fork included: a function travels by its module and name only.
Under spawn and forkserver the child imports the main script again: code
outside `if __name__ == "__main__":` runs again, and starting a process
there fails. Since 3.14 that is the case on Linux too.
"""

import functools
import json
import multiprocessing as mp
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import threading
import time

STARTS = 5

UNGUARDED = '''
import multiprocessing as mp

def hello():
    print("hello from the child")

mp.set_start_method("{method}")
p = mp.Process(target=hello)   # no `if __name__ == "__main__":` guard
p.start()
p.join()
print("child exit code:", p.exitcode)
'''


def nothing():
    pass


def double(x):
    return 2 * x


class Point:
    def __init__(self, x):
        self.x = x


def start_and_join(method):
    context = mp.get_context(method)
    for _ in range(STARTS):
        p = context.Process(target=nothing)
        p.start()
        p.join()


def can_pickle(value):
    try:
        pickle.dumps(value)
        return True
    except Exception:  # PicklingError, TypeError or AttributeError, depending on the object
        return False


def main():
    methods = mp.get_all_start_methods()
    say("This Python ({version}) on {system} offers {methods}; its default is {default}.",
        version=sys.version.split()[0], system=sys.platform, methods=", ".join(methods),
        default=mp.get_start_method())

    times = measure({method: (lambda method=method: start_and_join(method))
                     for method in methods})
    table("Starting and joining one child that does nothing (median of 3 rounds)",
          ["start method", "ms per child", "spread (ms)"],
          [[method, median(t) * 1000 / STARTS, spread(t) * 1000 / STARTS]
           for method, t in times.items()])

    def nested():
        pass

    class Local:
        pass
    lock = threading.Lock()
    with open(__file__) as handle:
        rows = [
            ["double", can_pickle(double), phrase("by name: the child imports it again")],
            ["Point(1)", can_pickle(Point(1)),
             phrase("its class by name, then its attributes")],
            ["functools.partial(double, 3)", can_pickle(functools.partial(double, 3)),
             phrase("a function by name plus its arguments")],
            ["lambda x: 2 * x", can_pickle(lambda x: 2 * x),
             phrase("a lambda has no name the child could import")],
            ["nested", can_pickle(nested),
             phrase("defined inside a function: the child cannot import it by name")],
            ["Local()", can_pickle(Local()),
             phrase("its class is defined inside a function")],
            ["open(__file__)", can_pickle(handle),
             phrase("an open file belongs to this process")],
            ["threading.Lock()", can_pickle(lock),
             phrase("a thread lock belongs to this process")],
            ["(i for i in range(3))", can_pickle(i for i in range(3)),
             phrase("a running generator cannot be copied")],
        ]
    table("What can be sent to another process (pickled)?",
          ["object", "can be pickled", "why"], rows)
    say("Functions defined in a Jupyter notebook live in its __main__ module: under spawn "
        "(Windows, macOS) the children cannot import them, so put them in a .py file.")

    rows = []
    for method in methods:
        with mp.get_context(method).Pool(1) as pool:
            try:
                pool.map(lambda x: 2 * x, [1])
                rows.append([method, phrase("it worked")])
            except Exception as error:
                rows.append([method, phrase("{error}: the lambda must be pickled",
                                            error=type(error).__name__)])
    table("pool.map(lambda x: 2 * x, [1]) under each start method",
          ["start method", "what happened"], rows)

    rows = []
    for method in [m for m in ("spawn", "forkserver") if m in methods]:
        with tempfile.TemporaryDirectory() as folder:
            script = os.path.join(folder, "unguarded.py")
            with open(script, "w") as out:
                out.write(UNGUARDED.replace("{method}", method))
            done = subprocess.run([sys.executable, script], capture_output=True, text=True,
                                  timeout=60)
            failed = "RuntimeError" in done.stderr
            rows.append([method, failed, "child exit code: 1" in done.stdout])
    table("A script that starts a process without the __main__ guard",
          ["start method", "the child raised RuntimeError", "child exit code 1"], rows)
    say("Without the guard, the child re-runs the script's top level while importing it and "
        "tries to start a process of its own: multiprocessing stops it with RuntimeError.")
    finish("start_methods")


# -- measuring -----------------------------------------------------------------------
def cpu_count():
    """The CPUs this program may use (Python 3.13+ also counts CPU affinity, as Pool() does)."""
    counter = getattr(os, "process_cpu_count", None) or os.cpu_count
    return counter() or 1


def measure(cases, rounds=3):
    """Time each case `rounds` times, alternating (A B C, A B C, ...): {name: [seconds, ...]}.

    Alternating spreads a moment of background load over all cases instead of
    spoiling one of them; the median then ignores the odd slow round.
    """
    times = {name: [] for name in cases}
    for _ in range(rounds):
        for name, run in cases.items():
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    return times


def median(values):
    return statistics.median(values)


def spread(values):
    """How far apart the rounds were (max - min): large means the timing is not reliable."""
    return max(values) - min(values)


def cpu_busy():
    """How busy the CPUs already are, in percent (None when this system cannot tell)."""
    try:
        import psutil  # optional (pip install psutil): a precise reading
    except ImportError:
        if hasattr(os, "getloadavg"):  # Linux and macOS: the 1-minute load average
            return min(100.0, 100.0 * os.getloadavg()[0] / cpu_count())
        return None
    return psutil.cpu_percent(interval=0.3)


# -- printing the results ------------------------------------------------------------
# Each table and finding is printed for you to read, and kept: the last line
# repeats them all as JSON ("LESSON-RESULT {...}") for programs that read them.
RESULT = {"tables": [], "findings": []}


def table(title, columns, rows):
    """Print a table, and keep it for the result line."""
    RESULT["tables"].append({"title": title, "columns": columns, "rows": rows})
    cells = [columns] + [[show(value) for value in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(columns))]
    print(f"\n{title}")
    for n, row in enumerate(cells):
        line = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        print(line.rstrip())
        if n == 0:
            print("  ".join("-" * width for width in widths))
    print()


def say(text, **values):
    """Print one finding, and keep it for the result line."""
    RESULT["findings"].append(phrase(text, **values))
    print(show(RESULT["findings"][-1]))


def phrase(text, **values):
    """Words for a table cell or a finding: the text with {names} filled in from values."""
    return {"text": text, "values": values}


def show(value):
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"
    if isinstance(value, dict):
        return value["text"].format(**value["values"])
    return str(value)


def finish(lesson):
    print("LESSON-RESULT " + json.dumps({"lesson": lesson, **RESULT}), flush=True)


if __name__ == "__main__":  # needed: under spawn, every child imports this file again
    main()
