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


def install(directory: str | None) -> bool:
    """Dump every thread's Python stack to DIR/PID.stack on STACK_SIGNAL; True when installed."""
    global _dump
    if not directory or not hasattr(faulthandler, "register"):
        return False
    try:
        # Append mode: each dump lands after the previous one, so the parent reads
        # from the size it saw before asking, and never has to truncate the file.
        handle = open(dump_path(directory, os.getpid()), "ab", buffering=0)  # noqa: SIM115
        faulthandler.register(STACK_SIGNAL, file=handle, all_threads=True, chain=False)
    except (OSError, ValueError, RuntimeError):
        return False
    _dump = handle
    return True
