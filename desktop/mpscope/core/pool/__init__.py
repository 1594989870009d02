"""The `[pool]` engine: a stdlib process pool beside the workers, with every task tracked.

How it works
------------
* **Tracking.** Each pool process connects, from the pool initializer, to a
  private Unix socket of the parent (one stream per process, so a kill
  mid-frame only cuts that stream). It notes each task in a mapped slot before
  running it (what the parent reads if it dies) and reports its tasks in
  batches, a frame every 20 ms at most. mpscope cuts the chunks itself, as the stdlib
  would, so one stdlib task (an item, or a chunk) is one tracked task.
* **Threads.** The stdlib's blocking calls run on one daemon thread,
  "mpscope-pool-driver", and never wait more than 0.1 s without checking its
  cancel and broken flags. Streams and the driver's notes are read by
  `PoolRun.poll()` on the caller's (GUI) thread, within its time budget; engine
  events are only emitted there.

Recovery when a pool process dies
---------------------------------
A process that exits without saying `Bye` (a kill, a crash, a segfault), or
exits while holding a task, is a *death*. Its task is marked **lost** at once
(within a poll or two of the kill; the exit code names the signal) and its
pool is treated as **broken**, for both backends: `multiprocessing.Pool` would
wait forever for the lost task, and if the dead process was idle it held the
pool's input lock, so no task would ever run again and even `terminate()`
would block (docs/design.md, "A pool that waits forever"); `ProcessPoolExecutor`
fails every pending future with `BrokenProcessPool` by itself.

A broken pool is **abandoned, never waited on**: the driver stops it from
starting processes (`Pool.terminate()` in a throwaway thread; executor
`shutdown(wait=False, cancel_futures=True)`), SIGKILLs the processes it has
left, reaps them, and frees the input lock a dead process may hold so the
stdlib's own threads can finish. Then, on a **rebuilt pool** (the next
*generation*), using the same method:

* a lost task is **retried once** (`retried`); lost a second time, it fails;
* tasks whose results the abandoned pool never delivered (running on a
  survivor, or finished but not yet handed over, e.g. all of `map`, whose list
  only comes at the end) are **requeued** — not counted as lost;
* delivered results are kept, and so are results an executor's futures
  already hold (`multiprocessing.Pool` keeps a partial map's results only in
  private state, so those tasks are rerun).

If the method had already raised (map with a failing item), nothing is rerun.
A process that dies before it ever reports (its start-up crashed) breaks the
pool too — the stdlib would replace it forever — and after three pools in a
row break without finishing anything, mpscope stops rebuilding and fails the
rest. `stop()` abandons the pool the same way and marks unfinished tasks
cancelled. An executor stalled by CPython gh-115634 (`max_tasks_per_child`:
no process replaces the last retired one) is reported, and topped up.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mpscope.core.pool.plan import Span, TaskRecord
    from mpscope.core.pool.pool_run import PoolRun


def __getattr__(name: str) -> Any:
    # Imported on first use: each pool process imports mpscope.core.pool.child_tracker,
    # and must not pay at start-up for the parent's side (engine, driver, psutil).
    if name == "PoolRun":
        from mpscope.core.pool.pool_run import PoolRun

        return PoolRun
    if name in ("Span", "TaskRecord"):
        from mpscope.core.pool import plan

        return getattr(plan, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["PoolRun", "Span", "TaskRecord"]
