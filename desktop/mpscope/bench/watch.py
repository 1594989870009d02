"""7. Watch overhead: a program's own run time under `mpscope watch` against the same run bare.

The programs are tutorial-style scripts written to a temporary folder; each
measures its own run time (from its first line to the end of its pool) into a
file, so the figure is what watching costs the program, not mpscope's own
start-up (given in the note as the whole command's wall time).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mpscope.bench.table import Median, Row

PI = '''
import multiprocessing as mp, random, sys, time
started = time.perf_counter()

def monte_carlo(samples):
    rng = random.Random(samples)
    inside = 0
    for _ in range(samples):
        x, y = rng.random(), rng.random()
        if x * x + y * y <= 1.0:
            inside += 1
    return inside

if __name__ == "__main__":
    mp.set_start_method("spawn")
    with mp.Pool(4) as pool:
        counts = pool.map(monte_carlo, [1_000_000 + i for i in range(8)])
    print(4 * sum(counts) / sum(1_000_000 + i for i in range(8)))
    open(sys.argv[1], "w").write(str(time.perf_counter() - started))
'''

SQUARES = '''
import multiprocessing as mp, sys, time
started = time.perf_counter()

def square(x):
    return x * x

if __name__ == "__main__":
    mp.set_start_method("spawn")
    with mp.Pool(2) as pool:
        total = sum(pool.map(square, range(20_000), chunksize=1))
    print(total)
    open(sys.argv[1], "w").write(str(time.perf_counter() - started))
'''


def _run(folder: Path, script: Path, watched: bool) -> tuple[float, float]:
    """(the program's own seconds, the whole command's wall seconds)."""
    timing = folder / "elapsed"
    command = [sys.executable, str(script), str(timing)]
    if watched:
        command = [sys.executable, "-m", "mpscope", "watch", "--", *command]
    env = dict(os.environ, MPSCOPE_DATA_DIR=str(folder / "data"))
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=env)
    wall = time.perf_counter() - started
    return float(timing.read_text()), wall


def _row(name: str, source: str, repeat: int, target: str) -> Row:
    with tempfile.TemporaryDirectory(prefix="mpscope-bench-watch-") as temp:
        folder = Path(temp)
        script = folder / "program.py"
        script.write_text(source)
        bare, watched = [], []
        for _ in range(repeat):  # alternated: machine noise falls on both alike
            bare.append(_run(folder, script, watched=False))
            watched.append(_run(folder, script, watched=True))
    base = [b for b, _ in bare]
    ours = [w for w, _ in watched]
    walls = statistics.median(w for _, w in watched) - statistics.median(w for _, w in bare)
    note = f"program time; the whole command's wall time +{walls:.2f} s"
    return Row(name, "s", "bare run", Median.of(base), Median.of(ours),
               target, note=note)


def measure(repeat: int) -> list[Row]:
    return [
        _row("7a. watch: Monte Carlo π (Pool(4).map, 8×1M)", PI, repeat, "<= 1.03"),
        _row("7b. watch: 20,000 tiny tasks (map, chunksize=1)", SQUARES, repeat, "<= 1.3"),
    ]
