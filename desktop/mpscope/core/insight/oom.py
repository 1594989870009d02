"""Was a process killed by the kernel's OOM killer? Asked of the kernel log when it can be read."""

from __future__ import annotations

import contextlib
import os
import re

MAX_RECORDS = 50_000  # the kernel's ring buffer holds far fewer; a bound all the same


def oom_killed(pid: int | None, kmsg: str = "/dev/kmsg") -> bool | None:
    """True when the kernel log says it killed `pid` for lack of memory, False when the log
    was read and does not, None when it cannot be read (no permission, not Linux)."""
    if pid is None:
        return None
    try:
        fd = os.open(kmsg, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return None
    # "Out of memory: Killed process 1234 (python)" or "oom-kill:…,pid=1234,uid=…"
    pattern = re.compile(rf"(Killed process {pid}\b|oom-kill:.*\bpid={pid}\b)")
    try:
        for _ in range(MAX_RECORDS):
            try:
                record = os.read(fd, 8192)  # one log record per read
            except BlockingIOError:
                return False  # the end of the log
            except OSError as error:
                if error.errno == 32:  # EPIPE: a record was overwritten while reading; go on
                    continue
                return None
            if not record:
                return False
            if pattern.search(record.decode("utf-8", "replace")):
                return True
        return False
    finally:
        with contextlib.suppress(OSError):
            os.close(fd)
