"""The `executor` backend: one `concurrent.futures.ProcessPoolExecutor` per generation.

Every chunk is one `submit(run_chunk, chunk)`, all submitted at once — what
`Executor.map` does inside (with `_process_chunk` over `_get_chunks`):
map/map_async/starmap* collect the futures in order and deliver the list at
the end; imap delivers them in order as they complete, and like the iterator
`executor.map` returns, an exception ends it and cancels the calls that have
not started; imap_unordered delivers as they finish (`as_completed`);
apply_async adds a done-callback per item (callback / error_callback).

CPython 3.11–3.13 deadlock with `max_tasks_per_child` (gh-115634): once every
process has retired, none is started for the queued work. When the executor
has had no live process for a moment while work remains, mpscope says so and
starts the missing processes itself, as the upstream fix does.
"""

from __future__ import annotations

import concurrent.futures as cf
import functools
import queue
import threading
import time
from concurrent.futures.process import BrokenProcessPool
from typing import Any, cast

from mpscope.core.pool.backend import YIELD_EVERY, Generation, Outbox, PoolBroken, bounded
from mpscope.core.pool.book import RecordingContext, alive
from mpscope.core.pool.child_tracker import describe, init_process, run_chunk
from mpscope.core.pool.messages import Cancelled, Chunk, Delivered, Notice, TaskError
from mpscope.core.pool.plan import MAP_LIKE
from mpscope.core.text import Text

STALL_SECONDS = 0.5  # no live process for this long while work remains: the executor stalled


class ExecutorGeneration(Generation):
    """One `ProcessPoolExecutor` running one batch of chunks."""

    def __init__(
        self, ctx: RecordingContext, processes: int, maxtasks: int | None,
        initargs: tuple[Any, ...], generation: int, method: str, out: Outbox,
    ) -> None:
        super().__init__(ctx, generation, method, out)
        # The recording context stands in for a real one (it forwards everything else).
        self.executor = cf.ProcessPoolExecutor(
            processes, mp_context=cast(Any, ctx), initializer=init_process, initargs=initargs,
            max_tasks_per_child=maxtasks,
        )
        self._init_state()

    def _init_state(self) -> None:
        """What collecting results needs (shared with the Dask backend, which reuses it)."""
        self._futures: list[tuple[int, cf.Future[Any]]] = []
        self._pending = 0  # imap_unordered: futures not handed over yet
        self._completed: queue.SimpleQueue[tuple[int, cf.Future[Any]]] = queue.SimpleQueue()
        self._position = 0
        self._buffer: list[tuple[int, list[Any]]] = []
        self._outstanding = 0
        self._lock = threading.Lock()
        self._all_done = threading.Event()
        self.broken = False
        self._handed: set[int] = set()  # task ids whose result or exception went out
        self._idle_since: float | None = None
        self._stopped = False  # the method raised: nothing more is ever handed over

    def submit(self, chunks: list[Chunk]) -> None:
        """Submit every chunk as one future, as Executor.map does."""
        try:
            for number, chunk in enumerate(chunks):
                if number % YIELD_EVERY == 0:
                    time.sleep(0)  # let the caller thread have the GIL during a long submit
                future = self.executor.submit(run_chunk, chunk.plain())
                self._futures.append((chunk.task_id, future))
        except BrokenProcessPool as exc:
            raise PoolBroken(describe(exc)) from exc
        self._watch()

    def _watch(self) -> None:
        """After submitting: the methods that deliver as futures complete get done-callbacks."""
        if self.method == "imap_unordered":
            # Each future reports its own completion: `cf.wait()` on every pending future
            # at each step cost O(pending), thousands of times for a many-task run.
            self._pending = len(self._futures)
            for task_id, future in self._futures:
                future.add_done_callback(functools.partial(self._on_completed, task_id))
        elif self.method == "apply_async":
            self._outstanding = len(self._futures)
            for task_id, future in self._futures:
                future.add_done_callback(functools.partial(self._on_done, task_id))

    def step(self, timeout: float) -> bool:
        """Collect finished futures for up to `timeout`, as the method delivers them."""
        if self.method == "imap_unordered":
            finished = self._step_unordered(timeout)
        elif self.method == "apply_async":
            finished = self._all_done.wait(timeout)
            if self.broken:
                raise PoolBroken("BrokenProcessPool")
        else:
            finished = self._step_ordered(timeout)
        if not finished:
            self._check_stalled()
        return finished

    def _check_stalled(self) -> None:
        """Start processes when work remains but none is left to do it (gh-115634)."""
        if any(alive(p) for p in self.processes()):
            self._idle_since = None
            return
        now = time.monotonic()
        self._idle_since = self._idle_since or now
        if now - self._idle_since < STALL_SECONDS:
            return
        self._idle_since = None
        left = sum(not future.done() for _, future in self._futures)
        text = Text("pool: the executor started no process for {count} queued tasks after the "
                    "last one retired (max_tasks_per_child: CPython gh-115634); mpscope starts "
                    "them", count=left)
        self.out(Notice(self.generation, "info", text))
        if not _spawn_missing(self.executor):
            raise PoolBroken("the executor stalled with no process left")

    def _deliver(self, parts: list[Any] | tuple[Any, ...], via: str) -> None:
        if parts:
            self._handed.update(task_id for task_id, _ in parts)
            self.out(Delivered(self.generation, tuple(parts), via))

    def _error(self, task_id: int, exc: BaseException, via: str) -> None:
        self._handed.add(task_id)
        self.out(TaskError(self.generation, task_id, describe(exc), via))

    def salvage(self) -> None:
        """Deliver results finished futures hold but the method has not handed over."""
        # Results already in the parent are kept when a broken generation is abandoned.
        if self._stopped:
            return
        parts = [future.result() for task_id, future in self._futures
                 if task_id not in self._handed and future.done() and not future.cancelled()
                 and future.exception() is None]
        self._deliver(parts, "salvaged")

    def _step_ordered(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        at_end = self.method in MAP_LIKE  # map hands over one list, at the end
        parts = self._buffer if at_end else []
        while self._position < len(self._futures):
            task_id, future = self._futures[self._position]
            try:
                parts.append(future.result(max(0.0, deadline - time.monotonic())))
            except cf.TimeoutError:
                break
            except BrokenProcessPool as exc:
                raise PoolBroken(describe(exc)) from exc
            except cf.CancelledError:
                pass  # cancelled by mpscope itself (stop); reported with the generation's end
            except Exception as exc:  # noqa: BLE001 - the task's own exception
                if at_end:  # the list never comes; nor will these results, ever
                    self._handed.update(tid for tid, _ in parts)
                    parts.clear()
                self._raised(task_id, exc, parts)
                return True
            self._position += 1
        if not at_end:
            self._deliver(parts, self.method)
        if self._position < len(self._futures):
            return False
        self._deliver(parts, self.method)  # map: the whole list, at the end
        parts.clear()
        return True

    def _raised(self, task_id: int, exc: BaseException, parts: list[Any]) -> None:
        """executor.map's iterator ends at an exception and cancels the calls not started."""
        self._deliver(parts, self.method)
        self._error(task_id, exc, self.method)
        rest = self._futures[self._position + 1 :]
        cancelled = tuple(tid for tid, future in rest if future.cancel())
        if cancelled:
            why = f"{self.method} stopped at the exception (executor.map cancels the rest)"
            self.out(Cancelled(self.generation, cancelled, why))
        self._position = len(self._futures)
        self._stopped = True

    def _step_unordered(self, timeout: float) -> bool:
        if not self._pending:
            return True
        try:
            done = [self._completed.get(timeout=timeout)]
        except queue.Empty:
            return False
        while True:  # everything else already completed, in the order it completed
            try:
                done.append(self._completed.get_nowait())
            except queue.Empty:
                break
        self._pending -= len(done)
        parts = []
        for task_id, future in done:
            if future.cancelled():
                continue
            exc = future.exception()
            if isinstance(exc, BrokenProcessPool):
                raise PoolBroken(describe(exc))
            if exc is not None:
                self._error(task_id, exc, self.method)
            else:
                parts.append(future.result())
        self._deliver(parts, self.method)
        return not self._pending

    # Runs in the executor's management thread (or here, if already done).
    def _on_completed(self, task_id: int, future: cf.Future[Any]) -> None:
        self._completed.put((task_id, future))

    # Runs in the executor's management thread (or here, if already done): only queues a note.
    def _on_done(self, task_id: int, future: cf.Future[Any]) -> None:
        try:
            if future.cancelled():
                return
            exc = future.exception()
            if isinstance(exc, BrokenProcessPool):
                self.broken = True
            elif exc is not None:
                self._error(task_id, exc, "error_callback")
            else:
                self._deliver((future.result(),), "callback")
        finally:
            with self._lock:
                self._outstanding -= 1
                if self._outstanding <= 0:
                    self._all_done.set()

    def close(self) -> None:
        """shutdown(wait=False): processes exit when the queued work is done."""
        self.executor.shutdown(wait=False)

    def stop_spawning(self) -> None:
        """shutdown(wait=False, cancel_futures=True): nothing new starts."""
        # Never blocks with wait=False; the executor then spawns nothing new for queued work.
        self.executor.shutdown(wait=False, cancel_futures=True)

    def finish(self) -> None:
        """Wait (bounded) for the executor's manager thread."""
        bounded(functools.partial(self.executor.shutdown, wait=True), 3.0, "mpscope-pool-shutdown")


def _spawn_missing(executor: Any) -> bool:
    """Top the executor up to max_workers with its own `_spawn_process` (the gh-115634 fix)."""
    spawn = getattr(executor, "_spawn_process", None)
    lock = getattr(executor, "_shutdown_lock", None)
    processes = getattr(executor, "_processes", None)
    limit = getattr(executor, "_max_workers", 0)
    if spawn is None or lock is None or not isinstance(processes, dict):
        return False
    with lock:
        if getattr(executor, "_shutdown_thread", False) or getattr(executor, "_broken", False):
            return False
        while len(processes) < limit:
            spawn()
    return True
