"""One configured run: the worker engine and, when configured, the pool, driven by one poll()."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from mpscope.core.engine.engine import Engine
from mpscope.core.engine.pause_watch import PauseWatch
from mpscope.core.engine.states import State
from mpscope.core.insight.memory_guard import MemoryGuard
from mpscope.core.insight.stack_requests import StackRequests
from mpscope.core.text import Text

if TYPE_CHECKING:
    from mpscope.core.config import RunConfig


class Run:
    """Builds the engine from a RunConfig and tracks the run's start, end and interruption."""

    def __init__(self, config: RunConfig, threaded_starts: bool = False) -> None:
        """`threaded_starts`: start processes on a starter thread (a GUI thread must not wait)."""
        self.config = config
        self.engine = Engine(config.start_method, config.grace_seconds, config.report_interval,
                             threaded_starts=threaded_starts)
        self.stacks = StackRequests(self)
        self.pauses = PauseWatch(self.engine.emit)
        self.memory = MemoryGuard(self, config.memory_limit)
        for group in config.workers:
            for index in range(group.count):
                self.engine.add_worker(
                    group.task, group.args, name=f"{group.name}-{index}", group=group.name,
                    index=index, daemon=group.daemon,
                )
        self.pool: Any = None
        if config.pool is not None and config.pool.backend == "dask":
            from mpscope.core.pool.dask_run import DaskPoolRun

            self.pool = DaskPoolRun(config.pool, self.engine, config.start_method,
                                    config.memory_limit)
        elif config.pool is not None:
            from mpscope.core.pool import PoolRun

            self.pool = PoolRun(config.pool, self.engine, config.start_method)
        self.started_at: float | None = None
        self.ended_at: float | None = None
        self.interrupted = False

    def start(self) -> None:
        self.started_at = time.time()
        self.stacks.open()
        self.engine.start_all()
        if self.pool is not None:
            self.pool.start()

    def poll(self, budget: float = 0.005) -> int:
        """Drain workers, then the pool, within one shared time budget."""
        deadline = time.monotonic() + budget
        handled = self.engine.poll(budget)
        if self.pool is not None:
            handled += self.pool.poll(max(0.001, deadline - time.monotonic()))
        self.stacks.poll()
        self.memory.poll()
        self.pauses.check(self.engine.records.values())
        if self.started_at is not None and not self.busy:
            self.ended_at = self.ended_at or time.time()
            if self.stacks.directory is not None:
                self.stacks.close()  # nothing left to ask; a restart reopens it
        return handled

    @property
    def busy(self) -> bool:
        return self.engine.busy or (self.pool is not None and self.pool.busy)

    @property
    def duration(self) -> float:
        if self.started_at is None:
            return 0.0
        return (self.ended_at or time.time()) - self.started_at

    @property
    def backlog(self) -> bool:
        """True when messages are already waiting to be read: poll again at once."""
        return self.engine.backlog

    @property
    def starting(self) -> bool:
        """True while worker starts are queued or under way (see Engine.starting)."""
        return self.engine.starting

    def wait_handles(self) -> list[Any]:
        handles = self.engine.wait_handles()
        if self.pool is not None:
            handles += self.pool.wait_handles()
        return handles

    def stop(self) -> None:
        """Stop everything cooperatively (escalating after the grace period)."""
        self.engine.stop_all()
        if self.pool is not None:
            self.pool.stop()

    def kill(self) -> None:
        self.engine.kill_all()
        if self.pool is not None:
            self.pool.kill()

    def control(self, action: str, wid: int) -> None:
        """Apply stop | terminate | kill | restart | pause | resume to one worker or pool
        process (pause and resume: SIGSTOP and SIGCONT to it and everything it started)."""
        record = self.engine.records[wid]
        if action in ("pause", "resume"):
            if record.kind == "pool" and self.pool is not None:
                self.pool.pause_process(wid, action == "pause")
            elif record.kind != "pool":
                getattr(self.engine, action)(wid)
            self.pauses.soon()
            return
        if record.kind == "pool":
            if self.pool is not None and action in ("terminate", "kill", "stop"):
                self.pool.signal_process(wid, "kill" if action == "kill" else "terminate")
            return
        if action == "restart":
            self.stacks.open()
        getattr(self.engine, action)(wid)

    def request_stack(self, wid: int) -> Text | None:
        """Ask one process for the Python stack of each of its threads, without stopping it.

        None when asked: a `stack` event with the dump as its detail follows within
        a second. Otherwise the reason it cannot answer (not instrumented, ended)."""
        return self.stacks.request(wid)

    def wid_named(self, name: str) -> int | None:
        """The id of the worker or pool process called `name` (e.g. 'fib-0', 'pool-1')."""
        return next((r.wid for r in self.engine.records.values() if r.name == name), None)

    def exit_code(self) -> int:
        """0: all succeeded; 1: anything failed, was stopped or lost; 130: interrupted."""
        if self.interrupted:
            return 130
        workers_ok = all(
            r.state is State.FINISHED for r in self.engine.records.values() if r.kind == "worker"
        )
        pool_ok = self.pool is None or self.pool.succeeded
        return 0 if workers_ok and pool_ok else 1
