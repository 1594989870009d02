"""Lesson 11, terminate() and a shared Queue: why writers stall; a channel each avoids it."""

from __future__ import annotations

import multiprocessing
import queue as queue_module
import random
import time
from typing import Any

from mpscope.core.lessons._common import context, end_all, table
from mpscope.core.worker.reporter import NULL_REPORTER, Reporter
from mpscope.core.worker.watchdog import start_orphan_watchdog


def queue_writer(shared: Any, wid: int, messages: int) -> None:
    """Put `messages` small tuples on the ONE queue all writers share, as fast as possible."""
    start_orphan_watchdog()
    for i in range(messages):
        shared.put((wid, i))
    # At exit the queue's feeder thread must send everything still buffered: to
    # write, it takes the queue's lock, the one lock every writer shares.


def shared_queue_trial(ctx: Any, writers: int, messages: int, stall_timeout: float) -> bool:
    """One trial: writers share one Queue, one is terminated mid-put; True if the others stall."""
    shared = ctx.Queue()
    procs = [ctx.Process(target=queue_writer, args=(shared, wid, messages))
             for wid in range(writers)]
    victim = random.choice(procs)
    others = [proc for proc in procs if proc is not victim]
    try:
        for proc in procs:
            proc.start()
        heard: set[int] = set()
        kill_at: float | None = None
        terminated = False
        last_message = time.monotonic()
        while True:
            try:
                wid, _ = shared.get(timeout=0.01)  # keep reading, or every writer blocks
                heard.add(wid)
                last_message = time.monotonic()
            except queue_module.Empty:
                pass
            now = time.monotonic()
            if kill_at is None and len(heard) == writers:  # all of them are writing now
                kill_at = now + random.uniform(0.0, 0.03)
            if not terminated and kill_at is not None and now >= kill_at:
                victim.terminate()  # it may be holding the queue's lock right now
                terminated = True
            if terminated and all(proc.exitcode is not None for proc in others):
                return False  # all the others finished
            if now - last_message > stall_timeout:
                # Nothing arrives any more, yet the others have not finished: a stall.
                return terminated
    finally:
        end_all(procs, timeout=0.2)
        shared.close()


def engine_trial(method: str, writers: int, messages: int, stall_timeout: float) -> bool:
    """The same with mpscope's Engine: each worker has its own channel; True if the others stall."""
    from mpscope.core.engine.engine import Engine  # the engine that runs these lessons, nested

    engine = Engine(method, grace_seconds=stall_timeout, report_interval=0.05)
    records = [engine.add_worker("stream", {"messages": messages}, name=f"writer-{wid}")
               for wid in range(writers)]
    victim = random.choice(records)
    try:
        engine.start_all()
        while not all(r.data_messages for r in records):  # all of them are writing now
            engine.poll(0.01)
            if any(r.state.is_final for r in records):
                break
            time.sleep(0.002)
        time.sleep(random.uniform(0.0, 0.03))
        engine.terminate(victim.wid)
        others = [r for r in records if r is not victim]
        last_count, last_change = -1, time.monotonic()
        while engine.busy:
            engine.poll(0.02)
            count = sum(r.received for r in others)
            if count != last_count:
                last_count, last_change = count, time.monotonic()
            if all(r.state.is_final for r in others):
                return False
            if time.monotonic() - last_change > stall_timeout:
                return True
            time.sleep(0.002)
        return False
    finally:
        engine.kill_all()
        engine.run_until_done(timeout=10)


def terminate_shared_queue(
    trials: int = 20, writers: int = 3, messages: int = 5000, stall_timeout: float = 1.0,
    method: str = "", reporter: Reporter | None = None,
) -> dict[str, Any]:
    """Terminate one of several writers mid-put, many times; count the trials where others stall."""
    reporter = reporter or NULL_REPORTER
    # fork where there is one: it starts writers in milliseconds, so 20 trials stay short.
    if not method and "fork" in multiprocessing.get_all_start_methods():
        method = "fork"
    ctx = context(method)
    method = ctx.get_start_method()
    stalls = {"one shared multiprocessing.Queue": 0, "mpscope: one channel per worker": 0}
    for trial in range(1, trials + 1):
        if shared_queue_trial(ctx, writers, messages, stall_timeout):
            stalls["one shared multiprocessing.Queue"] += 1
            reporter.log(f"trial {trial}: the shared Queue stalled: the survivors cannot finish")
        if engine_trial(method, writers, messages, stall_timeout):
            stalls["mpscope: one channel per worker"] += 1
            reporter.log(f"trial {trial}: mpscope's writers stalled")
        reporter.report(trial, trials, f"stalls so far: {list(stalls.values())}")
    rows = [[name, trials, count, f"{100 * count / trials:.0f}%"] for name, count in stalls.items()]
    return table(
        f"{writers} writers, one of them terminated mid-write, {trials} trials",
        ["approach", "trials", "stalled", "stalled %"],
        rows,
        f"with one shared Queue the other writers stalled in {rows[0][2]} of {trials} trials "
        f"(a writer died holding the queue's lock); with a channel per worker in {rows[1][2]}",
    )
