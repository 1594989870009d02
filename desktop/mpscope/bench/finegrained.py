"""11. Fine-grained pools and the fixed cost of `mpscope run`, each whole process timed.

`mpscope run` (the real command, recording its history as by default, into a
temporary data directory) against a script making the same bare stdlib call:
20,000 tiny `square` tasks on 2 spawn processes with chunksize 1, per method
and backend; then one tiny worker against a bare `Process` start and join.
The CPU of each process and its children is printed too: on a shared machine
it says more than the wall time.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mpscope.bench.table import Absolute, Median, Row, alternate

ITEMS = 20_000
FIXED_COST_LIMIT_MS = 60.0

_BARE = {
    ("multiprocessing", "imap_unordered"):
        "with mp.get_context('spawn').Pool(2) as pool:\n"
        "    list(pool.imap_unordered(square, range(N), 1))\n",
    ("multiprocessing", "apply_async"):
        "with mp.get_context('spawn').Pool(2) as pool:\n"
        "    calls = [pool.apply_async(square, (i,), callback=done) for i in range(N)]\n"
        "    [call.get() for call in calls]\n",
    ("executor", "imap_unordered"):
        "with cf.ProcessPoolExecutor(2, mp_context=mp.get_context('spawn')) as ex:\n"
        "    list(f.result() for f in cf.as_completed([ex.submit(square, i) for i in range(N)]))\n",
    ("executor", "apply_async"):
        "with cf.ProcessPoolExecutor(2, mp_context=mp.get_context('spawn')) as ex:\n"
        "    futures = [ex.submit(square, i) for i in range(N)]\n"
        "    for f in futures:\n"
        "        f.add_done_callback(done)\n"
        "    [f.result() for f in futures]\n",
}
_HEADER = ("import concurrent.futures as cf\nimport multiprocessing as mp\n"
           "from mpscope.core.tasks.pool import square\nN = {n}\n"
           "def done(value):\n    pass\n"
           "if __name__ == '__main__':\n")
_ONE_BARE = ("import multiprocessing as mp\nfrom mpscope.core.tasks.builtin import sleep_io\n"
             "if __name__ == '__main__':\n"
             "    p = mp.get_context('spawn').Process(target=sleep_io, args=(0.0, 1))\n"
             "    p.start()\n    p.join()\n")
_ONE_CONFIG = ('start_method = "spawn"\n[[workers]]\ntask = "sleep_io"\n'
               "args = { seconds = 0.0, steps = 1 }\n")


def _pool_config(backend: str, method: str) -> str:
    return (f'start_method = "spawn"\n[pool]\ntask = "square"\nitems = {ITEMS}\n'
            f'processes = 2\nmethod = "{method}"\nchunksize = 1\nbackend = "{backend}"\n')


class _Timer:
    """Runs a command to its end; keeps the CPU (user + system) it and its children used."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.cpu: list[float] = []

    def __call__(self, argv: list[str]) -> float:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(argv, env=self.env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True, check=False)
        elapsed = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} failed: {done.stderr[-2000:]}")
        self.cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        return elapsed


def _env(data_dir: str) -> dict[str, str]:
    env = dict(os.environ, MPSCOPE_DATA_DIR=data_dir)
    # An installed mpscope has its bytecode cached; compiling ~100 modules at every
    # start would be measured instead (a development shell may forbid the cache).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    desktop = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (desktop, env.get("PYTHONPATH")) if p)
    return env


def _pair(repeat: int, env: dict[str, str], bare: list[str],
          ours: list[str]) -> tuple[float, float, str]:
    base_timer, our_timer = _Timer(env), _Timer(env)
    base_timer(bare)  # warm-up: bytecode caches, page cache
    our_timer(ours)
    base_timer.cpu.clear()
    our_timer.cpu.clear()
    base, measured = alternate(repeat, lambda: base_timer(bare), lambda: our_timer(ours))
    cpu_base, cpu_ours = Median.of(base_timer.cpu), Median.of(our_timer.cpu)
    return base, measured, f"CPU {cpu_ours:.2f} s vs {cpu_base:.2f} s bare"


def measure(repeat: int) -> list[Row | Absolute]:
    rows: list[Row | Absolute] = []
    with tempfile.TemporaryDirectory(prefix="mpscope-bench-") as tmp:
        env = _env(os.path.join(tmp, "data"))
        for (backend, method), body in _BARE.items():
            script = Path(tmp, f"{backend}_{method}.py")
            config = Path(tmp, f"{backend}_{method}.toml")
            script.write_text(_HEADER.format(n=ITEMS) + "    " + body.replace("\n", "\n    "))
            config.write_text(_pool_config(backend, method))
            base, ours, note = _pair(repeat, env, [sys.executable, str(script)],
                                     [sys.executable, "-m", "mpscope", "run", str(config)])
            per_task = 1e6 * (ours - base) / ITEMS
            rows.append(Row(f"11. fine-grained pool: {backend} {method} (20,000 square, "
                            "chunksize 1, 2 spawn procs)", "s", "bare stdlib call", base, ours,
                            "<= 1.2", note=f"whole process; {note}; {per_task:+.0f} µs/task"))
        script, config = Path(tmp, "one.py"), Path(tmp, "one.toml")
        script.write_text(_ONE_BARE)
        config.write_text(_ONE_CONFIG)
        base, ours, note = _pair(repeat, env, [sys.executable, str(script)],
                                 [sys.executable, "-m", "mpscope", "run", str(config)])
        rows.append(Absolute("11e. fixed cost of mpscope run (one tiny worker), over a bare "
                             "Process start+join", "ms", 1000 * (ours - base),
                             FIXED_COST_LIMIT_MS,
                             note=f"whole process: {1000 * ours:.0f} ms vs {1000 * base:.0f} ms "
                                  f"bare; {note}"))
    return rows
