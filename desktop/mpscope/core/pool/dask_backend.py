"""The `dask` backend's generation: chunks as Dask futures, delivered as the executor delivers them.

A Dask `Client` is a futures API, so the methods behave as the `executor`
backend's: `client.get_executor()` wraps each Dask future in a
`concurrent.futures.Future`, and `ExecutorGeneration` collects them (map: one
list at the end; imap: in order, stopping at an exception; imap_unordered: as
they complete; apply_async: a callback per item). Each chunk is one Dask task
with a key mpscope chose, `mpscope-<run token>-<task id>`, so the worker
plugin's events name the task. Only the task's name, its items and its
results cross the network.
"""

from __future__ import annotations

import time
from typing import Any, cast

from mpscope.core.pool.backend import YIELD_EVERY, Generation, Outbox
from mpscope.core.pool.child_tracker import describe
from mpscope.core.pool.dask_keys import task_key
from mpscope.core.pool.dask_plugin import run_chunk
from mpscope.core.pool.executor_backend import ExecutorGeneration
from mpscope.core.pool.messages import Chunk, TaskError
from mpscope.core.text import Text

ALLOWED_FAILURES = 1  # distributed.scheduler.allowed-failures on mpscope's own cluster


class DaskGeneration(ExecutorGeneration):
    """One batch of chunks submitted to a Dask cluster through the client's executor."""

    def __init__(self, client: Any, spec: str, token: str, generation: int, method: str,
                 out: Outbox) -> None:
        # No local processes: there is no recording context, and nothing to stall or reap.
        Generation.__init__(self, cast(Any, None), generation, method, out)
        self.client = client
        self.spec = spec
        self.token = token
        self.executor = client.get_executor()
        self._dask: list[Any] = []  # the Dask futures, when submitted with client.map
        self._init_state()

    def submit(self, chunks: list[Chunk]) -> None:
        """One Dask task per chunk, keyed by its task id, all in one `client.map` call.

        One graph update for the whole batch: a `submit` per chunk costs a message
        and a tokenisation each (row 8c of the benchmarks). Each Dask future is then
        wrapped as the client's executor wraps its own.
        """
        executor: Any = self.executor
        wrap = getattr(executor, "_wrap_future", None)
        if wrap is None:  # a Dask without the executor's wrapper: one submit per chunk
            for chunk in chunks:
                future = executor.submit(
                    run_chunk, self.spec, chunk.task_id, chunk.first_index, chunk.items,
                    chunk.star, key=task_key(self.token, chunk.task_id))
                self._futures.append((chunk.task_id, future))
            self._watch()
            return
        self._dask = self.client.map(
            run_chunk, [self.spec] * len(chunks), [c.task_id for c in chunks],
            [c.first_index for c in chunks], [c.items for c in chunks],
            [c.star for c in chunks], key=[task_key(self.token, c.task_id) for c in chunks],
            pure=False)
        for number, (chunk, future) in enumerate(zip(chunks, self._dask, strict=True)):
            if number % YIELD_EVERY == 0:
                time.sleep(0)  # let the caller thread have the GIL during a long wrap
            self._futures.append((chunk.task_id, wrap(future)))
        self._watch()

    def _error(self, task_id: int, exc: BaseException, via: str) -> None:
        self._handed.add(task_id)
        self.out(TaskError(self.generation, task_id, explain(exc), via))

    def _check_stalled(self) -> None:
        """Dask starts its own workers; nothing can stall here."""

    def processes(self) -> list[Any]:
        """The workers are not processes of this machine's pool."""
        return []

    def close(self) -> None:
        """Nothing to close: the cluster outlives the batch."""

    def stop_spawning(self) -> None:
        """Cancel every future not finished (running tasks go on: dask/distributed#4694)."""
        self.executor.shutdown(wait=False)
        waiting = [future for future in self._dask if not future.done()]
        if waiting:
            self.client.cancel(waiting)

    def finish(self) -> None:
        """Nothing to join."""


def explain(exc: BaseException) -> str:
    """A task's exception in one line; KilledWorker says what it means."""
    if type(exc).__name__ == "KilledWorker":
        return Text("{error} — Dask gave up on it: each worker that ran it died, and it was "
                    "retried as often as distributed.scheduler.allowed-failures allows (once on "
                    "mpscope's own cluster); the task may crash its process or exhaust its "
                    "worker's memory", error=describe(exc))
    index = getattr(exc, "mpscope_index", None)
    text = describe(exc)
    return f"item {index}: {text}" if isinstance(index, int) else text
