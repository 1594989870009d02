"""Built-in tasks for Process workers: CPU, I/O, memory, children, crashes and streaming.

Every task is a plain module-level function (so it pickles by reference), takes
keyword arguments whose defaults run for a few seconds, and accepts an optional
`reporter`. Several also take one positional item, so pool.py reuses them.
"""

from __future__ import annotations

import faulthandler
import multiprocessing
import multiprocessing.connection
import os
import random
import signal
import sys
import threading
import time
from collections.abc import Callable
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar

from mpscope.core.worker.reporter import NULL_REPORTER, Reporter
from mpscope.core.worker.watchdog import start_orphan_watchdog

F = TypeVar("F", bound=Callable[..., Any])

DETERMINISTIC_ATTR = "_mpscope_deterministic"
CRASH_KINDS = (
    "exit", "os_exit", "kill", "segfault", "abort", "raise", "unpicklable_error",
    "unpicklable_result",
)  # fmt: skip


def deterministic(fn: F) -> F:
    """Mark a task whose result depends only on its arguments (and that is safe to re-run)."""
    setattr(fn, DETERMINISTIC_ATTR, True)
    return fn


@deterministic
def fibonacci(n: int = 37, reporter: Reporter | None = None) -> int:
    """Naive recursive Fibonacci: exponential CPU work, progress counted in calls."""
    reporter = reporter or NULL_REPORTER
    n = int(n)
    # fib(n) is the sum of fib() over the leaves of its call tree cut 7 levels
    # down; computing those leaves one by one gives progress that is linear in
    # time (counted in calls) and a stop check every few milliseconds.
    pieces = _fib_pieces(n, depth=7)
    total = _fib_calls(n)
    done = total - sum(_fib_calls(p) for p in pieces)  # the cut-off top of the tree
    reporter.log(f"fib({n}) in {len(pieces)} pieces, {total:,} calls")
    value = 0
    for piece in pieces:
        value += _fib(piece)
        done += _fib_calls(piece)
        reporter.report(done, total, f"fib({piece})")
    return value


def _fib(n: int) -> int:
    return n if n < 2 else _fib(n - 1) + _fib(n - 2)


def _fib_pieces(n: int, depth: int) -> list[int]:
    if depth == 0 or n < 2:
        return [n]
    return _fib_pieces(n - 1, depth - 1) + _fib_pieces(n - 2, depth - 1)


def _fib_calls(n: int) -> int:
    a, b = 0, 1  # calls made by naive fib(n) = 2 * fib(n + 1) - 1
    for _ in range(n + 1):
        a, b = b, a + b
    return 2 * a - 1


def monte_carlo_pi(samples: int = 30_000_000, reporter: Reporter | None = None) -> float:
    """Estimate pi from random points in the unit square (pure-Python CPU loop)."""
    reporter = reporter or NULL_REPORTER
    samples = int(samples)
    rand = random.random
    inside = done = 0
    while done < samples:
        batch = min(20_000, samples - done)
        for _ in range(batch):
            x, y = rand(), rand()
            if x * x + y * y <= 1.0:
                inside += 1
        done += batch
        reporter.report(done, samples, f"pi ~ {4 * inside / done:.5f}")
    estimate = 4 * inside / samples if samples else 0.0
    reporter.log(f"{samples:,} samples: pi ~ {estimate:.6f}")
    return estimate


@deterministic
def count_primes(limit: int = 1_500_000, reporter: Reporter | None = None) -> int:
    """Count primes <= limit by trial division (CPU-bound); works as a pool item too."""
    reporter = reporter or NULL_REPORTER
    limit = int(limit)
    count = 0
    for k in range(limit + 1):
        if _is_prime(k):
            count += 1
        if k % 5000 == 0:
            reporter.report(k, limit, f"{count} primes so far")
    reporter.report(limit, limit, f"{count} primes")
    reporter.log(f"{count} primes <= {limit:,}")
    return count


def _is_prime(k: int) -> bool:
    if k < 2:
        return False
    if k % 2 == 0:
        return k == 2
    d = 3
    while d * d <= k:
        if k % d == 0:
            return False
        d += 2
    return True


@deterministic
def sleep_io(seconds: float = 5.0, steps: int = 50, reporter: Reporter | None = None) -> float:
    """Sleep in `steps` steps like an I/O-bound task; returns the seconds asked for."""
    reporter = reporter or NULL_REPORTER
    steps = max(1, int(steps))
    start = time.monotonic()
    for i in range(steps):
        # Sleep to a deadline so the total stays `seconds` however short each step is.
        time.sleep(max(0.0, start + seconds * (i + 1) / steps - time.monotonic()))
        reporter.report(i + 1, steps, f"{seconds * (i + 1) / steps:.2f} s of {seconds:g} s")
    reporter.log(f"slept {time.monotonic() - start:.3f} s")
    return seconds


@deterministic
def risky(x: int = 3, reporter: Reporter | None = None) -> int:
    """Return x*x, but raise ValueError when x is divisible by 3 (some inputs fail)."""
    reporter = reporter or NULL_REPORTER
    reporter.report(0, 1, f"risky({x})")
    if x % 3 == 0:
        raise ValueError(f"risky({x}): {x} is divisible by 3")
    reporter.report(1, 1, f"risky({x}) = {x * x}")
    return x * x


@deterministic
def memory_hog(megabytes: int = 200, seconds: float = 5.0, reporter: Reporter | None = None) -> int:
    """Grow resident memory steadily by 1 MiB blocks over `seconds`; returns the peak MiB held."""
    reporter = reporter or NULL_REPORTER
    megabytes = int(megabytes)
    blocks: list[bytearray] = []
    start = time.monotonic()
    for i in range(megabytes):
        block = bytearray(1 << 20)
        block[::4096] = b"\x01" * 256  # write to each 4 KiB page so it is really resident
        blocks.append(block)
        reporter.report(i + 1, megabytes, f"{i + 1} MiB held")
        time.sleep(max(0.0, start + seconds * (i + 1) / megabytes - time.monotonic()))
    peak = len(blocks)
    blocks.clear()
    reporter.log(f"held {peak} MiB at peak, now freed")
    return peak


def spawn_children(
    children: int = 2, seconds: float = 3.0, reporter: Reporter | None = None
) -> list[int]:
    """Start child processes that sleep `seconds`; fails in a daemonic worker (by design)."""
    reporter = reporter or NULL_REPORTER
    # Use the start method this worker was started with (None means the default).
    method = getattr(multiprocessing.current_process(), "_start_method", None)
    ctx = multiprocessing.get_context(method)
    procs: list[BaseProcess] = []
    try:
        for i in range(int(children)):
            proc = ctx.Process(target=_child_main, args=(seconds,), name=f"mpscope-child-{i}")
            # A daemonic worker gets AssertionError("daemonic processes are not
            # allowed to have children") here: left uncaught, it is the lesson.
            proc.start()
            procs.append(proc)
            reporter.log(f"started child pid {proc.pid}")
        start = time.monotonic()
        while any(p.is_alive() for p in procs):
            alive = sum(p.is_alive() for p in procs)
            reporter.report(time.monotonic() - start, seconds, f"{alive} children alive")
            multiprocessing.connection.wait([p.sentinel for p in procs], timeout=0.1)
        reporter.report(seconds, seconds, "all children done")
    finally:
        for child in procs:  # on stop or error, take the children down with us
            if child.is_alive():
                child.terminate()
            child.join()
    return [p.pid for p in procs if p.pid is not None]


def _child_main(seconds: float) -> None:
    start_orphan_watchdog()
    time.sleep(seconds)


class UnpicklableError(RuntimeError):
    """An exception holding a lock, so it cannot be pickled back to a parent."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.lock = threading.Lock()


def crash(
    kind: str = "os_exit", code: int = 3, after: float = 0.5, reporter: Reporter | None = None
) -> Any:
    """Die after `after` seconds in a chosen way: exit, os_exit, kill, segfault, abort, raise..."""
    reporter = reporter or NULL_REPORTER
    _check_kind(kind)
    reporter.log(f"crashing with {kind!r} in {after:g} s")
    reporter.report(0, 1, f"{kind} in {after:g} s")
    time.sleep(after)
    return crash_now(kind, code)


def crash_now(kind: str, code: int = 3) -> Any:
    """Crash the calling process now in the given way (see CRASH_KINDS)."""
    _check_kind(kind)
    if kind in ("segfault", "abort", "kill"):
        _no_core_dump()
    if kind == "exit":
        sys.exit(code)
    if kind == "os_exit":
        os._exit(code)
    if kind == "kill":  # what the OOM killer does: no cleanup, no message
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))
        time.sleep(5)  # the signal is asynchronous; never return a result meanwhile
    if kind == "segfault":
        import ctypes

        ctypes.string_at(0)
    if kind == "abort":
        os.abort()
    if kind == "raise":
        raise RuntimeError(f"crash(kind='raise'): deliberate error (code {code})")
    if kind == "unpicklable_error":
        raise UnpicklableError("crash(kind='unpicklable_error'): this exception holds a lock")
    return threading.Lock()  # unpicklable_result


def _check_kind(kind: str) -> None:
    if kind not in CRASH_KINDS:
        raise ValueError(f"unknown crash kind {kind!r}; choose one of: {', '.join(CRASH_KINDS)}")


def _no_core_dump() -> None:
    # A deliberate crash should not leave a core file (or wake a crash reporter),
    # nor a faulthandler dump inherited from a parent that enabled it (pytest does).
    faulthandler.disable()
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ImportError, ValueError, OSError):
        pass


@deterministic
def stream(
    messages: int = 10_000,
    payload_bytes: int = 0,
    interval: float = 0.0,
    reporter: Reporter | None = None,
) -> int:
    """Send `messages` raw (i, payload) values, one message each, to measure throughput."""
    reporter = reporter or NULL_REPORTER
    messages = int(messages)
    payload = b"x" * int(payload_bytes)
    for i in range(messages):
        reporter.send((i, payload))
        reporter.report(i + 1, messages)
        if interval > 0:
            time.sleep(interval)
    reporter.log(f"sent {messages:,} messages of {len(payload)} payload bytes")
    return messages


PROCESS_TASKS: tuple[Callable[..., Any], ...] = (
    monte_carlo_pi, fibonacci, count_primes, sleep_io, risky, memory_hog, spawn_children,
    crash, stream,
)  # fmt: skip
