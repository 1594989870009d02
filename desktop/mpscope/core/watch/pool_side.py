"""What runs in a watched program's pool processes and `Process` children (see hooks.py).

The main program's hooks (hooks.py) make every pool process run `pool_worker`
or `executor_worker` below, and every `Process` target a `ProcessTarget`; all
three live in this module, so a spawned child unpickles them by name and
imports only this and client.py: stdlib modules a child has loaded anyway, no
`typing` and no message classes (a few milliseconds less in each child).
"""

from __future__ import annotations

import functools
import os
import threading
import time

from mpscope.core.watch import output_tee
from mpscope.core.watch import tags as wm
from mpscope.core.watch.client import channel

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

TRACEBACK_LIMIT = 4000

originals: dict[Any, Any] = {}  # the stdlib's own functions (hooks.py replaces them)
_local = threading.local()


POOL_KEY = "_mpscope_pool"  # keyword the start hook adds for the wrappers below


def pool_worker(inqueue: Any, outqueue: Any, *args: Any, **kwargs: Any) -> Any:
    """multiprocessing.pool.worker, with its queues observed."""
    pool = kwargs.pop(POOL_KEY, 0)
    channel().keep_flushed()
    output_tee.install()
    return _original_pool_worker()(_PoolInbox(inqueue, pool),
                                   _PoolOutbox(outqueue, pool), *args, **kwargs)


def executor_worker(call_queue: Any, result_queue: Any, *args: Any, **kwargs: Any) -> Any:
    """concurrent.futures.process._process_worker, with its queues observed."""
    pool = kwargs.pop(POOL_KEY, 0)
    channel().keep_flushed()
    output_tee.install()
    return _original_executor_worker()(_ExecutorInbox(call_queue, pool),
                                       _ExecutorOutbox(result_queue, pool),
                                       *args, **kwargs)


def _original_pool_worker() -> Any:
    import multiprocessing.pool as mp_pool

    current = mp_pool.worker  # type: ignore[attr-defined]
    # Under fork the module global is still this wrapper; spawned children import it afresh.
    return originals.get("pool_worker", current) if current is pool_worker else current


def _original_executor_worker() -> Any:
    import concurrent.futures.process as cf_process

    current = cf_process._process_worker
    if current is executor_worker:
        return originals.get("executor_worker", current)
    return current


class ProcessTarget:
    """A `Process` target that copies its process's output first (output_tee.py); pickled by
    name with the target it wraps, so a spawned child needs no hook of its own."""

    def __init__(self, target: Any) -> None:
        self.target = target

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        output_tee.install()
        return self.target(*args, **kwargs)


class _Proxy:
    """Every attribute but the one method observed goes to the real queue."""

    def __init__(self, queue: Any, pool: int) -> None:
        self._queue = queue
        self._pool = pool

    def __getattr__(self, name: str) -> Any:
        return getattr(self._queue, name)


def _before_result(ok: bool) -> None:
    """What only a frame can tell goes before the result: a failed task's traceback, and
    copies of what the task printed; the pool may terminate this process right after its
    last result. A finished task's other facts are in the slot's ring, which mpscope reads
    as it goes and once more when the process ends (see client.RING_SIZE)."""
    ch = channel()
    if (not ok or ch.copies_waiting) and ch.waiting:
        ch.copies_waiting = False
        ch.flush()


# The hot path (a tiny task costs the stdlib ~25 µs): the slot and its ring tell mpscope a
# task (client.hold_task, finish_task), frames only a failure or what has no slot; plain
# try/except rather than contextlib.suppress, one clock read per end.
_CHUNKED = frozenset({"mapstar", "starmapstar"})


class _PoolInbox(_Proxy):
    def get(self, *args: Any, **kwargs: Any) -> Any:
        task = self._queue.get(*args, **kwargs)
        try:  # the task runs whatever happens here
            if task is not None:
                job, index, func = task[0], task[1] or 0, task[2]
                items = len(task[3][0][1]) if getattr(func, "__name__", "") in _CHUNKED else 1
                now = time.time()
                _local.began = (items, now)
                ch = channel()
                if not ch.hold_task(0, self._pool, job, index, items, now):  # no slot
                    ch.task_began((wm.BEGAN, "pool", self._pool, job, index, items,
                                   os.getpid(), now))
        except Exception:  # noqa: BLE001 - nothing may reach the program
            pass
        return task


class _PoolOutbox(_Proxy):
    def put(self, obj: Any) -> Any:
        try:
            job, index, (ok, value) = obj
            index = index or 0
            ok = bool(ok)
            now = time.time()
            items, began = getattr(_local, "began", (1, now))
            ch = channel()
            in_ring = ch.finish_task(ok, 0, self._pool, job, index, items, began, now)
            if not (ok and in_ring):  # a failure's traceback, or a full ring: a frame
                error, trace = (None, None) if ok else _error_of(value)
                pid = os.getpid()
                ch.task_done((wm.DONE, "pool", self._pool, job, index, ok, error, trace, pid,
                              now),
                             (wm.RAN, "pool", self._pool, job, index, items, ok, error, trace,
                              pid, began, now), batch=in_ring)
            _before_result(ok)
        except Exception:  # noqa: BLE001
            pass
        return self._queue.put(obj)


class _ExecutorInbox(_Proxy):
    def get(self, *args: Any, **kwargs: Any) -> Any:
        item = self._queue.get(*args, **kwargs)
        try:
            if item is not None:
                items = 1
                fn = item.fn
                if isinstance(fn, functools.partial) and getattr(
                        fn.func, "__name__", "") == "_process_chunk":
                    items = len(item.args[0])
                now = time.time()
                _local.began = (items, now)
                ch = channel()
                if not ch.hold_task(1, self._pool, item.work_id, 0, items, now):
                    ch.task_began((wm.BEGAN, "executor", self._pool, item.work_id, 0, items,
                                   os.getpid(), now))
        except Exception:  # noqa: BLE001
            pass
        return item


class _ExecutorOutbox(_Proxy):
    def put(self, obj: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            work_id = getattr(obj, "work_id", None)
            if work_id is not None:
                exception = getattr(obj, "exception", None)
                ok = exception is None
                now = time.time()
                items, began = getattr(_local, "began", (1, now))
                ch = channel()
                in_ring = ch.finish_task(ok, 1, self._pool, work_id, 0, items, began, now)
                if not (ok and in_ring):
                    error, trace = (None, None) if ok else _error_of(exception)
                    pid = os.getpid()
                    ch.task_done((wm.DONE, "executor", self._pool, work_id, 0, ok, error,
                                  trace, pid, now),
                                 (wm.RAN, "executor", self._pool, work_id, 0, items, ok, error,
                                  trace, pid, began, now), batch=in_ring)
                _before_result(ok)
        except Exception:  # noqa: BLE001
            pass
        return self._queue.put(obj, *args, **kwargs)


def _error_of(value: Any) -> tuple[Any, ...]:
    """(one line, traceback text) from the stdlib's ExceptionWithTraceback (or an exception)."""
    exc = getattr(value, "exc", value)
    trace = getattr(value, "tb", None)
    if isinstance(trace, str):
        trace = trace.strip().strip('"').strip()
        if len(trace) > TRACEBACK_LIMIT:
            trace = "…" + trace[-TRACEBACK_LIMIT:]
    else:
        trace = None
    try:
        message = str(exc)
    except Exception:  # noqa: BLE001
        message = "<unprintable message>"
    name = type(exc).__name__
    return (f"{name}: {message}" if message else name), trace
