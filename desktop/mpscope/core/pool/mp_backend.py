"""The `multiprocessing` backend: one `multiprocessing.Pool` per generation.

Each configured method is the real stdlib call, with mpscope's chunks as the
items and chunksize 1 (exactly what the stdlib does inside with its own
batches), so results arrive as the method delivers them:
map/starmap are `map_async(...).get()` polled with a timeout — the same
visible behaviour as `map` (one list, at the end) without an unbounded wait;
map_async/starmap_async deliver through `callback`/`error_callback`; imap and
imap_unordered are iterated with `next(timeout)`; apply_async is one call per
item with `callback`/`error_callback`.
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing
import multiprocessing.pool
import threading
import time
from typing import Any

from mpscope.core.pool.backend import BATCH_PAUSE, YIELD_EVERY, Generation, Outbox, bounded
from mpscope.core.pool.book import RecordingContext
from mpscope.core.pool.child_tracker import describe, init_process, run_chunk
from mpscope.core.pool.messages import Chunk, Delivered, TaskError
from mpscope.core.pool.plan import MAP_LIKE


class PoolGeneration(Generation):
    """One `multiprocessing.Pool` running one batch of chunks."""

    def __init__(
        self, ctx: RecordingContext, processes: int, maxtasks: int | None,
        initargs: tuple[Any, ...], generation: int, method: str, out: Outbox,
    ) -> None:
        super().__init__(ctx, generation, method, out)
        self.pool = multiprocessing.pool.Pool(
            processes, init_process, initargs, maxtasksperchild=maxtasks, context=ctx
        )
        self._order: list[int] = []
        self._position = 0
        self._async: Any = None
        self._iterator: Any = None
        self._outstanding = 0
        self._lock = threading.Lock()
        self._all_done = threading.Event()
        self._terminator: threading.Thread | None = None

    def submit(self, chunks: list[Chunk]) -> None:
        """Call the configured Pool method with every chunk."""
        self._order = [chunk.task_id for chunk in chunks]
        plain = [chunk.plain() for chunk in chunks]
        if self.method in MAP_LIKE:
            callbacks = self.method.endswith("_async")
            self._async = self.pool.map_async(
                run_chunk, plain, 1,
                callback=self._on_map_result if callbacks else None,
                error_callback=self._on_map_error if callbacks else None,
            )
        elif self.method in ("imap", "imap_unordered"):
            self._iterator = getattr(self.pool, self.method)(run_chunk, plain)
        else:
            self._outstanding = len(chunks)
            for number, (chunk, args) in enumerate(zip(chunks, plain, strict=True)):
                if number % YIELD_EVERY == 0:
                    time.sleep(0)  # let the caller thread have the GIL during a long submit
                self.pool.apply_async(
                    run_chunk, (args,), callback=self._on_result,
                    error_callback=functools.partial(self._on_error, chunk.task_id),
                )

    def step(self, timeout: float) -> bool:
        """Wait on the map result, the iterator or the callbacks for up to `timeout`."""
        if self._async is not None:
            return self._step_map(timeout)
        if self._iterator is not None:
            return self._step_iterator(timeout)
        return self._all_done.wait(timeout)

    def _step_map(self, timeout: float) -> bool:
        self._async.wait(timeout)
        if not self._async.ready():
            return False
        if self.method.endswith("_async"):
            return True  # the callback or error_callback has already delivered
        try:
            parts = self._async.get(0)
        except Exception as exc:  # noqa: BLE001 - the task's own exception, raised by map
            self.out(TaskError(self.generation, _task_of(exc), describe(exc), self.method))
        else:
            self.out(Delivered(self.generation, tuple(parts), self.method))
        return True

    def _step_iterator(self, timeout: float) -> bool:
        """Wait up to `timeout` for a result, take every result already there, pause.

        Waiting for each result in turn woke this thread thousands of times a second
        (imap with chunksize 1), and each wake-up takes the GIL from the GUI thread;
        after a pause of BATCH_PAUSE the next step takes a whole batch at once.
        """
        deadline = time.monotonic() + timeout
        parts: list[tuple[int, list[Any]]] = []
        finished = False
        while True:
            try:
                wait = 0.0 if parts else max(0.0, deadline - time.monotonic())
                parts.append(self._iterator.next(wait))
            except StopIteration:
                finished = True
                break
            except multiprocessing.TimeoutError:
                break
            except Exception as exc:  # noqa: BLE001 - the task's exception, raised by next()
                # Ordered imap raises at the task's own position; imap_unordered does not say.
                ordered = self.method == "imap" and self._position < len(self._order)
                task_id = self._order[self._position] if ordered else _task_of(exc)
                self._flush(parts)
                self.out(TaskError(self.generation, task_id, describe(exc), self.method))
            self._position += 1
            if time.monotonic() >= deadline:
                break
        if parts and not finished:
            self._flush(parts)
            time.sleep(BATCH_PAUSE)
        self._flush(parts)
        return finished

    def _flush(self, parts: list[tuple[int, list[Any]]]) -> None:
        if parts:
            self.out(Delivered(self.generation, tuple(parts), self.method))
            parts.clear()

    # Callbacks run in the pool's result-handler thread: they only queue a note.
    def _on_map_result(self, parts: list[tuple[int, list[Any]]]) -> None:
        self.out(Delivered(self.generation, tuple(parts), "callback"))

    def _on_map_error(self, exc: BaseException) -> None:
        self.out(TaskError(self.generation, _task_of(exc), describe(exc), "error_callback"))

    def _on_result(self, part: tuple[int, list[Any]]) -> None:
        self.out(Delivered(self.generation, (part,), "callback"))
        self._one_done()

    def _on_error(self, task_id: int, exc: BaseException) -> None:
        self.out(TaskError(self.generation, task_id, describe(exc), "error_callback"))
        self._one_done()

    def _one_done(self) -> None:
        with self._lock:
            self._outstanding -= 1
            if self._outstanding <= 0:
                self._all_done.set()

    def close(self) -> None:
        """Pool.close(): workers exit after their queued tasks."""
        self.pool.close()

    def stop_spawning(self) -> None:
        """Stop the worker handler from replacing processes (terminate() on a thread)."""
        # terminate() first tells the worker handler to stop replacing processes, then
        # may block forever on the input lock of a killed idle process: so it runs in a
        # throwaway thread, and mpscope kills the processes itself.
        self._terminator = threading.Thread(
            target=self.pool.terminate, name="mpscope-pool-terminate", daemon=True
        )
        self._terminator.start()
        deadline = time.monotonic() + 2.0
        while _worker_handler_alive(self.pool) and time.monotonic() < deadline:
            time.sleep(0.01)

    def salvage(self) -> None:
        """Deliver what a partial map or an unread imap buffer already holds."""
        # Results (and exceptions) that reached the parent but that the method had not
        # handed over yet: a partial map's list, imap's out-of-order or unread items.
        parts: list[Any] = []
        errors: list[BaseException] = []
        if self._async is not None:
            parts = [part for part in _map_buffer(self._async) if part is not None]
        elif self._iterator is not None:
            for success, value in _iterator_buffer(self._iterator):
                (parts if success else errors).append(value)
        if parts:
            self.out(Delivered(self.generation, tuple(parts), "salvaged"))
        for exc in errors:
            self.out(TaskError(self.generation, _task_of(exc), describe(exc), self.method))

    def after_kill(self) -> None:
        """Let a terminate() stuck on a dead worker's input lock run to its end."""
        if self._terminator is None:
            return
        self._terminator.join(0.2)
        if self._terminator.is_alive():
            _release_input_lock(self.pool)
            self._terminator.join(2.0)

    def finish(self) -> None:
        """Join the pool's threads (bounded) after a normal close."""
        if self._terminator is None:
            bounded(self.pool.join, 3.0, "mpscope-pool-join")


def _task_of(exc: BaseException) -> int | None:
    task_id = getattr(exc, "mpscope_task_id", None)
    return task_id if isinstance(task_id, int) else None


# -- the only places that touch multiprocessing.Pool's private attributes ------------------
# CPython 3.11–3.13 keep these names; each use degrades gracefully if they change (then
# finished tasks of an abandoned pool are rerun, and a stuck terminate() thread is leaked).


def _map_buffer(result: Any) -> list[Any]:
    """MapResult._value: the (task_id, values) of each finished chunk, None for the others."""
    if not getattr(result, "_success", False):  # a failed map stops storing results
        return []
    value = getattr(result, "_value", None)
    return list(value) if isinstance(value, list) else []


def _iterator_buffer(iterator: Any) -> list[Any]:
    """IMapIterator._items / ._unsorted: (success, value) pairs the caller has not read yet."""
    waiting = list(getattr(iterator, "_items", ()))
    unsorted = getattr(iterator, "_unsorted", None)
    return waiting + (list(unsorted.values()) if isinstance(unsorted, dict) else [])


def _worker_handler_alive(pool: Any) -> bool:
    """True while the thread that replaces dead workers is still running."""
    handler = getattr(pool, "_worker_handler", None)
    return bool(handler is not None and handler.is_alive())


def _release_input_lock(pool: Any) -> None:
    """Free the task queue's read lock that a killed idle worker held.

    See docs/design.md, "A pool that waits forever".

    Only called when every pool process is dead: nobody else can hold or want
    the lock, and releasing it lets a stuck terminate() run to its end instead
    of leaking its thread and the pool's pipes.
    """
    lock = getattr(getattr(pool, "_inqueue", None), "_rlock", None)
    if lock is None:
        return
    with contextlib.suppress(ValueError, OSError):  # "released too many times": it was free
        lock.release()
