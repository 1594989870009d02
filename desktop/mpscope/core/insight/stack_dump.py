"""Child side of stacks on demand: a spare signal makes the process write every thread's stack.

Runs in mpscope's own children (worker bootstrap, pool initializer), so it is
Qt-free and imports only the stdlib. `faulthandler` writes the dump from its
C signal handler, at once, without waiting for the GIL: a process stuck in a
long computation or a blocking call answers within milliseconds and goes on.
"""

from __future__ import annotations

import faulthandler
import os
import signal
from typing import BinaryIO

# A real-time signal: no library uses it, and nothing else of the process changes.
# Until the handler is installed its default action would end the process, so the
# parent only sends it to a process that said the handler is there.
STACK_SIGNAL: int = (signal.SIGRTMIN + 4) if hasattr(signal, "SIGRTMIN") else signal.SIGUSR2

_dump: BinaryIO | None = None  # kept open for the life of the process


def dump_path(directory: str, pid: int) -> str:
    """Where process `pid` writes its stacks (one file per process, dumps appended)."""
    return os.path.join(directory, f"{pid}.stack")


ANONYMOUS = os.path.isdir("/proc/self/fd")  # Linux: the parent reads /proc/PID/fd/FD


def install(directory: str | None) -> int:
    """Dump every thread's Python stack on STACK_SIGNAL. → where: the descriptor of an
    anonymous file (> 0, Linux), -1 for DIR/PID.stack, 0 when not installed.

    The anonymous file is unlinked from the start: it goes with the process,
    however it ends, so nothing is ever left on disk. Dumps are appended, so the
    parent reads from the size it saw before asking and never truncates.
    """
    if not hasattr(faulthandler, "register") or not (ANONYMOUS or directory):
        return 0
    try:
        if ANONYMOUS:
            import tempfile  # here: a watched program's processes install without it

            handle: BinaryIO = tempfile.TemporaryFile("a+b", buffering=0)  # noqa: SIM115
        else:
            assert directory is not None
            handle = open(dump_path(directory, os.getpid()), "ab", buffering=0)  # noqa: SIM115
        register(handle)
    except (OSError, ValueError, RuntimeError):
        return 0
    return handle.fileno() if ANONYMOUS else -1


def register(handle: BinaryIO) -> None:
    """Make STACK_SIGNAL write every thread's stack into `handle` (kept open from now on)."""
    global _dump
    faulthandler.register(STACK_SIGNAL, file=handle, all_threads=True, chain=False)
    _dump = handle
