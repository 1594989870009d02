"""The driver: the one background thread that makes the stdlib's blocking pool calls.

It runs generations one after another: build a pool, submit the tasks it is
given, collect results with short timeouts, then close the pool and wait for
its processes to exit. Between waits it checks two flags set by the caller
thread: cancel (stop) and broken (a pool process died). A broken or cancelled
pool is abandoned, never waited on: no new processes, SIGKILL the rest, reap
them. Everything the caller must know travels as a note through the outbox.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
import os
import queue
import signal
import threading
import time
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mpscope.core.pool.backend import Generation, Outbox, PoolBroken
from mpscope.core.pool.book import ProcessBook, alive, returncode
from mpscope.core.pool.child_tracker import describe
from mpscope.core.pool.executor_backend import ExecutorGeneration
from mpscope.core.pool.messages import Chunk, DriverDone, GenerationEnded, PoolStarted
from mpscope.core.pool.mp_backend import PoolGeneration
from mpscope.core.pool.reference import serial_reference
from mpscope.core.text import Text

if TYPE_CHECKING:
    from mpscope.core.config import PoolConfig

Order = tuple[int, Callable[[], list[Chunk]]]  # a generation number, what makes its chunks
TICK = 0.1  # the longest any wait lasts before the flags are checked again
REAP_TIMEOUT = 5.0  # SIGKILLed processes are normally gone within milliseconds
EXIT_CODE_TIMEOUT = 1.0


class Driver:
    """Runs pool generations on a daemon thread named "mpscope-pool-driver"."""

    def __init__(
        self, config: PoolConfig, start_method: str, address: str, book: ProcessBook,
        out: Outbox,
    ) -> None:
        self.config = config
        self.context = multiprocessing.get_context(start_method)
        self.address = address
        self.book = book
        self.out = out
        self.stack_dir: str | None = None  # where pool processes dump their stacks
        self.cancel = threading.Event()
        self.generation: Generation | None = None  # read by the caller thread
        self._broken = 0  # the newest generation the caller found broken
        self._item_seconds = 0.0
        self._orders: queue.SimpleQueue[Order | None] = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._main, name="mpscope-pool-driver", daemon=True)

    # -- called from the caller thread ------------------------------------------------------
    def start(self) -> None:
        """Start the thread; it waits for its first order."""
        self.thread.start()

    def order(self, generation: int, chunks: Callable[[], list[Chunk]]) -> None:
        """Run the chunks `chunks()` makes on a new pool (generation numbers increase).

        The chunks are made here, on the driver thread: cutting 10,000 of them is
        milliseconds the caller's (GUI) thread does not spend.
        """
        self._orders.put((generation, chunks))

    def finish(self, item_seconds: float = 0.0) -> None:
        """No more generations: check results against a serial run, then end."""
        self._item_seconds = item_seconds
        self._orders.put(None)

    def mark_broken(self, generation: int) -> None:
        """A process of this generation died: abandon that pool."""
        self._broken = max(self._broken, generation)

    # -- the thread ---------------------------------------------------------------------
    def _main(self) -> None:
        error = None
        try:
            while (order := self._next_order()) is not None:
                self._run(*order)
            if not self.cancel.is_set():
                config = self.config
                self.out(serial_reference(
                    config.task, config.item_list, config.method, self._item_seconds
                ))
        except BaseException:  # noqa: BLE001 - reported to the caller, who ends the run
            error = traceback.format_exc()
        finally:
            self.out(DriverDone(error))

    def _next_order(self) -> Order | None:
        while not self.cancel.is_set():
            with contextlib.suppress(queue.Empty):
                return self._orders.get(timeout=TICK)
        return None

    def _interrupted(self, generation: int) -> bool:
        return self.cancel.is_set() or self._broken >= generation

    def _run(self, number: int, make_chunks: Callable[[], list[Chunk]]) -> None:
        config = self.config
        chunks = make_chunks()
        factory = ExecutorGeneration if config.backend == "executor" else PoolGeneration
        initargs = (self.address, config.task, number, self.stack_dir)
        context = self.book.context(self.context, number)
        try:
            generation = factory(
                context, config.processes, config.maxtasksperchild, initargs, number,
                config.method, self.out,
            )
        except Exception as exc:  # noqa: BLE001 - e.g. out of processes or descriptors
            text = Text("could not start the pool: {error}", error=describe(exc))
            self.out(GenerationEnded(number, "failed", text))
            return
        self.generation = generation
        note = Text("stopped") if self.cancel.is_set() else ""
        try:
            generation.submit(chunks)
            self.out(PoolStarted(number, len(chunks)))
            if self._collect(generation) and self._drain(generation):
                generation.finish()
                self._await_exit_codes(generation)
                self.out(GenerationEnded(number, "done"))
                return
        except PoolBroken as exc:
            note = Text("the executor reported: {error}", error=str(exc))
        except BaseException:
            self._abandon(generation)  # whatever went wrong, leave no process behind
            raise
        self._abandon(generation)
        self._await_exit_codes(generation)
        if self.cancel.is_set():
            note = Text("stopped")
        self.out(GenerationEnded(number, "abandoned", note))

    def _collect(self, generation: Generation) -> bool:
        """Wait for every result; False if interrupted first."""
        while True:
            if generation.step(TICK):
                return True
            if self._interrupted(generation.generation):
                return False

    def _drain(self, generation: Generation) -> bool:
        """Close the pool and wait for its processes to exit; False if interrupted first."""
        generation.close()
        while True:
            living = self._alive(generation)
            if not living:
                return True
            if self._interrupted(generation.generation):
                return False
            multiprocessing.connection.wait([p.sentinel for p in living], timeout=TICK)

    def _alive(self, generation: Generation) -> list[Any]:
        return [p for p in self.book.of_generation(generation.generation) if alive(p)]

    def _await_exit_codes(self, generation: Generation) -> None:
        """Give a stdlib thread that is reaping a process the moment it needs to store the code.

        mpscope reads exit codes without reaping (see `book.alive`), so it waits for
        the pool's threads to collect them; the caller names the signal from them.
        Whatever no thread collected is reaped here, once those threads are done.
        """
        deadline = time.monotonic() + EXIT_CODE_TIMEOUT
        processes = self.book.of_generation(generation.generation)
        while time.monotonic() < deadline and any(returncode(p) is None for p in processes):
            time.sleep(0.01)
        for process in processes:  # nobody reaped these: the pool's threads are done
            if returncode(process) is None:
                process.join(0)

    def _abandon(self, generation: Generation) -> None:
        """Stop the pool from spawning, SIGKILL its processes and reap them; never blocks long."""
        generation.stop_spawning()
        deadline = time.monotonic() + REAP_TIMEOUT
        while (living := self._alive(generation)) and time.monotonic() < deadline:
            self.book.mark_killed(p.pid for p in living)
            for process in living:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(process.pid, signal.SIGKILL)
            multiprocessing.connection.wait([p.sentinel for p in living], timeout=0.05)
        generation.after_kill()
        generation.salvage()
        generation.finish()
        # A process the executor started while shutting down is killed here too.
        for process in self._alive(generation):
            self.book.mark_killed([process.pid])
            with contextlib.suppress(ProcessLookupError):
                os.kill(process.pid, signal.SIGKILL)
            process.join(1.0)
