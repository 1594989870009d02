"""Every pool process of a run, caught as the stdlib creates it, shared by driver and caller.

The stdlib keeps pool processes in private containers and drops each one as
soon as it is reaped, so a process that crashes in its first milliseconds can
come and go unseen. Both pools accept a multiprocessing context, though
(`Pool(context=...)`, `ProcessPoolExecutor(mp_context=...)`), and create every
process through its `Process`: a `RecordingContext` hands each new process to
the book, which keeps it for the whole run, to read its exit code (which
signal killed it) and to kill and reap it.
"""

from __future__ import annotations

import contextlib
import multiprocessing.connection
import os
import threading
from collections.abc import Callable, Iterable
from typing import Any

from mpscope.core.engine.process_tree import signal_tree
from mpscope.core.worker.output_pipe import run_with_output


class RecordingContext:
    """A multiprocessing context that reports every Process created through it."""

    def __init__(self, context: Any, on_process: Callable[[Any, Any, Any], None]) -> None:
        self._context = context
        self._on_process = on_process  # (process, its output's read end, its write end)
        self.created: list[Any] = []  # appended by the pool's own threads (atomic)

    def Process(self, *args: Any, **kwargs: Any) -> Any:  # the stdlib's name for it
        """Create a process with the real context, its output on a pipe, and report it."""
        read_end = write_end = None
        if not args and "target" in kwargs:  # both stdlib pools pass target= and args=
            read_end, write_end = self._context.Pipe(duplex=False)
            kwargs["args"] = (write_end, kwargs["target"], tuple(kwargs.get("args", ())))
            kwargs["target"] = run_with_output
        process = self._context.Process(*args, **kwargs)
        self.created.append(process)
        self._on_process(process, read_end, write_end)
        return process

    def __getattr__(self, name: str) -> Any:
        return getattr(self._context, name)


class ProcessBook:
    """pid → (Process, generation), plus the pids mpscope itself decided to kill."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[int, tuple[Any, int]] = {}
        self._unstarted: list[tuple[Any, int]] = []  # created, no pid until start()
        self._pipes: dict[int, tuple[Any, Any]] = {}  # id(process) → its output pipe's ends
        self._outputs: dict[int, int] = {}  # pid → its output's read fd, until taken
        self._killed: set[int] = set()

    def context(self, context: Any, generation: int) -> RecordingContext:
        """A context that books every process a generation's pool creates."""
        return RecordingContext(
            context, lambda process, read, write: self.add(process, generation, read, write))

    def add(self, process: Any, generation: int, read_end: Any = None,
            write_end: Any = None) -> None:
        """Book a process (possibly not started yet) of a generation, and its output pipe."""
        with self._lock:
            self._unstarted.append((process, generation))
            if read_end is not None:
                self._pipes[id(process)] = (read_end, write_end)

    def _settle(self) -> None:
        """Key started processes by pid (call with the lock held)."""
        waiting = []
        for process, generation in self._unstarted:
            pid = process.pid
            if pid is None:
                waiting.append((process, generation))
                continue
            if pid not in self._entries:
                self._entries[pid] = (process, generation)
            if (pipe := self._pipes.pop(id(process), None)) is not None:
                # Started (a pid is set once start() has handed the write end over):
                # the parent's copy goes, so the pipe ends when the process does.
                pipe[1].close()
                with contextlib.suppress(OSError):  # out of descriptors: output not kept
                    self._outputs[pid] = os.dup(pipe[0].fileno())
                pipe[0].close()
        self._unstarted = waiting

    def take_output(self, pid: int) -> int | None:
        """The read end of a started process's output pipe (the caller owns it), once."""
        with self._lock:
            self._settle()
            return self._outputs.pop(pid, None)

    def close_outputs(self) -> None:
        """Close every output pipe nobody took (processes never started or never tracked)."""
        with self._lock:
            for read_end, write_end in self._pipes.values():
                read_end.close()
                write_end.close()
            for fd in self._outputs.values():
                with contextlib.suppress(OSError):
                    os.close(fd)
            self._pipes.clear()
            self._outputs.clear()

    def get(self, pid: int) -> Any:
        """The Process object for a pid, or None."""
        with self._lock:
            self._settle()
            entry = self._entries.get(pid)
        return entry[0] if entry else None

    def generation_of(self, pid: int) -> int:
        """The generation a pid belongs to (0 if unknown)."""
        with self._lock:
            self._settle()
            entry = self._entries.get(pid)
        return entry[1] if entry else 0

    def of_generation(self, generation: int) -> list[Any]:
        """Every started process object of one generation."""
        with self._lock:
            self._settle()
            return [p for p, g in self._entries.values() if g == generation]

    def all(self) -> list[Any]:
        """Every started process object of the run."""
        with self._lock:
            self._settle()
            return [p for p, _ in self._entries.values()]

    def pids(self) -> list[int]:
        """Every pool pid of the run, in the order first seen."""
        with self._lock:
            self._settle()
            return list(self._entries)

    def exitcode(self, pid: int, reap: bool = False) -> int | None:
        """The exit code once known; `reap=True` also collects it if nobody else has."""
        process = self.get(pid)
        if process is None:
            return None
        code = returncode(process)
        if code is None and reap:
            with contextlib.suppress(ValueError):  # a closed Process object
                code = process.exitcode
        return code

    def alive(self, pid: int) -> bool:
        """True while the process runs (see `alive`)."""
        process = self.get(pid)
        return process is not None and alive(process)

    def mark_killed(self, pids: Iterable[int]) -> None:
        """Remember that mpscope kills these (so their deaths are not counted as losses)."""
        with self._lock:
            self._killed.update(pids)

    def killed_by_us(self, pid: int) -> bool:
        """True if mpscope decided to kill this pid."""
        with self._lock:
            return pid in self._killed

    def signal(self, pid: int, signum: int) -> bool:
        """Send a signal unless the process was already reaped (its pid could be reused)."""
        if not self.alive(pid):
            return False
        return signal_tree(pid, signum)  # with everything the process started


def alive(process: Any) -> bool:
    """True while a Process runs, judged without reaping it.

    The pool's own threads reap their processes. Polling `Process.exitcode` at
    the same time races with them: under fork/spawn the loser's `waitpid` fails
    with ECHILD and reads "still running"; under forkserver the loser reads EOF
    from the status pipe and stores exit code 255 over the real one. The
    sentinel is readable as soon as the process has exited, whoever reaps it.
    """
    if returncode(process) is not None:
        return False
    try:
        return not multiprocessing.connection.wait([process.sentinel], timeout=0)
    except (ValueError, OSError):  # a closed Process object
        return False


def returncode(process: Any) -> int | None:
    """The exit code if some thread has already reaped the process, without reaping it.

    Reads `Process._popen.returncode`: the stdlib's Popen classes all keep the
    code there once `poll()` has collected it.
    """
    code = getattr(getattr(process, "_popen", None), "returncode", None)
    return code if isinstance(code, int) else None
