"""What the driver needs from a pool backend, and a guard for stdlib calls that may never return."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

from mpscope.core.pool.book import RecordingContext
from mpscope.core.pool.messages import Chunk

Outbox = Callable[[Any], None]  # the driver's note queue (thread-safe put + wake-up)
YIELD_EVERY = 256  # submissions between GIL hand-overs to the caller thread
BATCH_PAUSE = 0.02  # seconds the driver lets results pile up between two batches


class PoolBroken(Exception):
    """The backend itself reports the pool unusable (e.g. BrokenProcessPool)."""


class Generation:
    """One pool instance running one batch of tasks with one method, driven by the driver thread.

    Subclasses make the stdlib calls; none of their methods may wait longer
    than the timeout given (or, for clean-up, a few seconds at most).
    """

    def __init__(self, context: RecordingContext, generation: int, method: str,
                 out: Outbox) -> None:
        self.context = context  # the pool creates its processes through it
        self.generation = generation
        self.method = method
        self.out = out

    def submit(self, chunks: list[Chunk]) -> None:
        """Hand every chunk to the pool with the configured method."""
        raise NotImplementedError

    def step(self, timeout: float) -> bool:
        """Collect results for up to `timeout` seconds; True once every result is in."""
        raise NotImplementedError

    def close(self) -> None:
        """No more work: processes exit once their queued tasks are done (never blocks)."""
        raise NotImplementedError

    def processes(self) -> list[Any]:
        """Every Process the pool has created so far (a snapshot)."""
        return list(self.context.created)

    def stop_spawning(self) -> None:
        """Make sure the pool starts no new process (before mpscope kills the ones it has)."""
        raise NotImplementedError

    def salvage(self) -> None:
        """Before abandoning: deliver results the parent already holds but has not handed over."""

    def after_kill(self) -> None:
        """Every process is dead and reaped: let the pool's own threads finish if they can."""

    def finish(self) -> None:
        """Release the pool's threads and pipes, waiting a few seconds at most."""
        raise NotImplementedError


def bounded(call: Callable[[], Any], timeout: float, name: str) -> bool:
    """Run a call that might block forever in a throwaway daemon thread; True if it returned.

    Pool.join/terminate and Executor.shutdown(wait=True) can wait forever on a
    lock a killed process held; a stuck daemon thread is leaked, never waited on.
    """
    thread = threading.Thread(target=_quietly, args=(call,), name=name, daemon=True)
    thread.start()
    thread.join(timeout)
    return not thread.is_alive()


def _quietly(call: Callable[[], Any]) -> None:
    # Clean-up of an abandoned pool: there is nothing left to report a failure to.
    with contextlib.suppress(Exception):
        call()
