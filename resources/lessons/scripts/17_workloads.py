"""Lesson 17: real work in a pool -- Monte Carlo pi, Fibonacci, a batch of images.

Run it:  python 17_workloads.py

Three CPU-bound jobs, each done serially and then with a Pool (one process
per CPU), three rounds each, alternating:
- Monte Carlo pi: throw random points in a square, count those inside the
  circle: pi is about 4 x inside / thrown. Each task throws its own points
  with its own random seed, and the counts are added up.
- Fibonacci: fib(n) computed the slow, recursive way, for several n.
- A batch of images: each "image" is blurred. With Pillow installed
  (pip install pillow) they are real images filtered by Pillow; without it,
  plain bytes are averaged in pure Python.
"""

import json
import multiprocessing as mp
import os
import random
import statistics
import time

try:
    from PIL import Image, ImageFilter  # optional: real images
except ImportError:
    Image = None

POINTS = 150_000  # per Monte Carlo task
TASKS = 8
SIDE = 120  # pixels: each image is SIDE x SIDE


def throw(seed):
    rng = random.Random(seed)  # its own generator: processes never share one
    inside = 0
    for _ in range(POINTS):
        x, y = rng.random(), rng.random()
        inside += x * x + y * y <= 1.0
    return inside


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def blur(seed):
    """Blur one small grey image; returns a checksum of the result."""
    rng = random.Random(seed)
    pixels = bytes(rng.randrange(256) for _ in range(SIDE * SIDE))
    if Image is not None:
        image = Image.frombytes("L", (SIDE, SIDE), pixels)
        for _ in range(10):
            image = image.filter(ImageFilter.BoxBlur(2))
        return sum(image.tobytes()) % 1000
    row = SIDE
    out = bytearray(pixels)
    for i in range(row, len(pixels) - row):  # each pixel: the mean of itself and 4 neighbours
        out[i] = (pixels[i] + pixels[i - 1] + pixels[i + 1] + pixels[i - row]
                  + pixels[i + row]) // 5
    return sum(out) % 1000


def main():
    cores = cpu_count()
    busy = cpu_busy()
    jobs = {"Monte Carlo pi": (throw, list(range(TASKS))),
            "Fibonacci": (fib, [20, 21, 22, 23] * 2),
            "images": (blur, list(range(TASKS)))}
    answers = {}
    with mp.Pool(cores) as pool:
        pool.map(fib, [1] * cores)  # start the processes before timing
        cases = {}
        for name, (task, items) in jobs.items():
            cases[(name, "serial")] = lambda task=task, items=items: list(map(task, items))
            cases[(name, "pool")] = (lambda task=task, items=items, name=name:
                                     answers.__setitem__(name, pool.map(task, items)))
        times = measure(cases)
    labels = {"Monte Carlo pi": phrase("Monte Carlo pi"), "Fibonacci": phrase("Fibonacci"),
              "images": phrase("a batch of images")}
    rows = []
    for name in jobs:
        serial, pooled = median(times[(name, "serial")]), median(times[(name, "pool")])
        rows.append([labels[name], serial, pooled, serial / pooled])
    table("Serial against a pool of one process per CPU (median of 3 rounds)",
          ["job", "serial (s)", "pool (s)", "speedup"], rows)
    pi = 4 * sum(answers["Monte Carlo pi"]) / (POINTS * TASKS)
    say("Monte Carlo: {points:,} points gave pi = {pi:.4f} (off by {error:.4f}).",
        points=POINTS * TASKS, pi=pi, error=abs(pi - 3.141592653589793))
    if Image is not None:
        say("The images were real images, blurred by Pillow.")
    else:
        say("Pillow is not installed: the images were plain bytes, averaged in Python.")
    best = max(row[3] for row in rows)
    if cores >= 2 and best < 1.3:
        if busy is not None and busy > 50:
            say("This result does NOT show the lesson's point: the CPUs were already "
                "{busy:.0f}% busy with other programs. Close them and run it again.", busy=busy)
        else:
            say("This result does NOT show the lesson's point, although the CPUs looked "
                "idle: run it again and compare.")
    else:
        say("With {cores} CPUs the pool did each job up to {best:.1f}x as fast: the work "
            "splits into independent tasks, and each runs in its own process.",
            cores=cores, best=best)
    finish("workloads")


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
