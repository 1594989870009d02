"""Lesson 5, how many processes: speedup and efficiency from 1 to N, and an Amdahl fit."""

from __future__ import annotations

import os
import time
from multiprocessing.connection import wait
from typing import Any

from mpscope.core.lessons._common import caution, context, cpu_busy_before, end_all, median, table
from mpscope.core.worker.reporter import NULL_REPORTER, Reporter
from mpscope.core.worker.watchdog import start_orphan_watchdog

IO_TASKS = 48  # divisible by 1, 2, 3, 4, 6, 8, 12, 16, 24: even shares for most counts


def burn(iterations: int) -> int:
    """Pure-Python CPU work."""
    total = 0
    for i in range(iterations):
        total += i * i % 7
    return total


def team_member(conn: Any) -> None:
    """A long-lived process: do each job it is sent ("cpu", iterations) or ("io", sleeps)."""
    start_orphan_watchdog()
    while (job := conn.recv()) is not None:
        kind, amount, seconds_each = job
        if kind == "cpu":
            burn(amount)
        else:
            for _ in range(amount):  # waiting for a disk or a server, played by sleep
                time.sleep(seconds_each)
        conn.send("done")


def timed_run(team: list[Any], n: int, kind: str, amount: int, serial: int,
              seconds_each: float = 0.0) -> float:
    """Wall time for the first n team members to share `amount` (after `serial` done here)."""
    start = time.perf_counter()
    burn(serial)  # the part nobody can help with: the others wait meanwhile
    shares = [amount // n + (1 if i < amount % n else 0) for i in range(n)]
    for conn, share in zip(team, shares, strict=False):
        conn.send((kind, share, seconds_each))
    waiting = list(team[:n])
    while waiting:  # until every member has answered
        ready: list[Any] = wait(waiting)
        for conn in ready:
            conn.recv()
            waiting.remove(conn)
    return time.perf_counter() - start


def amdahl_fit(ns: list[int], speedups: list[float]) -> float:
    """Serial fraction s fitted by least squares to 1/speedup = s + (1 - s)/n, kept in [0, 1]."""
    # Rewritten as 1/speedup - 1/n = s * (1 - 1/n): a line through the origin.
    x = [1 - 1 / n for n in ns]
    y = [1 / sp - 1 / n for n, sp in zip(ns, speedups, strict=True)]
    sxx = sum(a * a for a in x)
    if sxx == 0:
        return 0.0
    return min(1.0, max(0.0, sum(a * b for a, b in zip(x, y, strict=True)) / sxx))


def scaling(
    max_processes: int = 0, io_processes: int = 0, work: int = 20_000_000, serial: float = 0.1,
    io_seconds: float = 0.48, repeats: int = 3, oversubscribe: bool = False,
    reporter: Reporter | None = None,
) -> dict[str, Any]:
    """Run one CPU-bound and one I/O-bound workload on 1..N processes; speedup, efficiency, fit.

    N is `max_processes` (0: one per CPU, or two per CPU with `oversubscribe`) for the
    CPU-bound work, at most twice the CPUs, and `io_processes` (0: two per CPU) for the
    I/O-bound work, at most four times the CPUs.
    """
    reporter = reporter or NULL_REPORTER
    cpus = os.cpu_count() or 1
    max_cpu = max(1, min(int(max_processes) or cpus * (2 if oversubscribe else 1), 2 * cpus))
    max_io = max(1, min(int(io_processes) or 2 * cpus, 4 * cpus))
    serial_work = int(work * serial)
    parallel_work = work - serial_work
    repeats = max(1, int(repeats))
    ctx = context()
    busy = cpu_busy_before()  # other programs' work would skew every timing
    team, procs = [], []
    times: dict[tuple[str, int], list[float]] = {}
    try:
        for _ in range(max(max_cpu, max_io)):  # started once: start-up is not measured
            here, there = ctx.Pipe()
            proc = ctx.Process(target=team_member, args=(there,))
            proc.start()
            there.close()
            team.append(here)
            procs.append(proc)
        timed_run(team, len(team), "cpu", len(team) * 200_000, 0)  # warm-up: all running
        plan = [("cpu", n) for n in range(1, max_cpu + 1)] + [
            ("io", n) for n in range(1, max_io + 1)]
        steps = 0
        # Repeats go round the whole plan, so a noisy moment spreads over all counts.
        for _ in range(repeats):
            for kind, n in plan:
                if kind == "cpu":
                    seconds = timed_run(team, n, "cpu", parallel_work, serial_work)
                else:
                    seconds = timed_run(team, n, "io", IO_TASKS, 0, io_seconds / IO_TASKS)
                times.setdefault((kind, n), []).append(seconds)
                steps += 1
                reporter.report(steps, repeats * len(plan), f"{kind}-bound, {n} processes")
        for conn in team:
            conn.send(None)
        for proc in procs:
            proc.join(5)
    finally:
        end_all(procs)
    series = [_series("CPU-bound", "cpu", max_cpu, times, cpus),
              _series("I/O-bound (sleep)", "io", max_io, times, cpus)]
    rows: list[list[Any]] = []
    for line in series:
        for i, n in enumerate(line["n"]):
            rows.append([line["name"], n, line["seconds"][i], line["speedup"][i],
                         line["efficiency"][i], line["amdahl"][i]])
        reporter.log(f"{line['name']}: speedups {line['speedup']}, serial fraction "
                     f"{line['serial_fraction']}")
    cpu, io = series
    return table(
        "How many processes? Speedup against the number of processes",
        ["workload", "processes", "seconds", "speedup", "efficiency", "Amdahl fit"],
        rows,
        f"CPU-bound: best {max(cpu['speedup'])}x on {cpus} CPUs, fitted serial fraction "
        f"{cpu['serial_fraction']} (so never more than {_limit(cpu['serial_fraction'])}); "
        f"I/O-bound: {io['speedup'][-1]}x with {max_io} processes, because waiting needs no core"
        + caution(busy),
        series=series, cpu_count=cpus, serial_built_in=serial, busy_before=busy,
    )


def _series(name: str, kind: str, top: int, times: dict[tuple[str, int], list[float]],
            cpus: int) -> dict[str, Any]:
    ns = list(range(1, top + 1))
    seconds = [median(times[kind, n]) for n in ns]
    speedup = [seconds[0] / s for s in seconds]
    # Amdahl's law describes sharing work among cores; beyond the core count the
    # CPU-bound processes only take turns, so those points are left out of the fit.
    fit_ns = ns if kind == "io" else [n for n in ns if n <= cpus]
    s = amdahl_fit(fit_ns, speedup[: len(fit_ns)])
    return {
        "name": name, "kind": kind, "n": ns,
        "seconds": [round(t, 3) for t in seconds],
        "speedup": [round(sp, 2) for sp in speedup],
        "efficiency": [round(sp / n, 2) for n, sp in zip(ns, speedup, strict=True)],
        "ideal": ns,
        "amdahl": [round(1 / (s + (1 - s) / n), 2) for n in ns],
        "serial_fraction": round(s, 3),
    }


def _limit(s: float) -> str:
    return f"{1 / s:.1f}x however many cores" if s > 0 else "unlimited in theory"

