"""Built-in pool item tasks: each is called with one item and no reporter.

count_primes, monte_carlo_pi, sleep_io and risky are the Process tasks from
builtin.py (their first parameter is the item), so one name means one function.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from mpscope.core.tasks.builtin import (
    count_primes,
    crash_now,
    deterministic,
    monte_carlo_pi,
    risky,
    sleep_io,
)


@deterministic
def square(x: float) -> float:
    """Return x*x at once: overhead-only work, where chunksize matters most."""
    return x * x


@deterministic
def uneven(x: int) -> int:
    """Burn (x % 10) ms of CPU and return x: slow items delay imap order, show chunk imbalance."""
    # Spin on this thread's CPU clock, not the wall clock, so an oversubscribed
    # pool (more processes than cores) really takes longer, as real work would.
    end = time.thread_time() + (int(x) % 10) / 1000
    while time.thread_time() < end:
        pass
    return x


def die_at(x: int, at: int = 5, kind: str = "kill") -> Any:
    """Return x, but kill this pool process (SIGKILL by default) when x == at."""
    if x == at:
        return crash_now(kind)
    return x


POOL_TASKS: tuple[Callable[..., Any], ...] = (
    square, count_primes, monte_carlo_pi, sleep_io, risky, uneven, die_at,
)  # fmt: skip
