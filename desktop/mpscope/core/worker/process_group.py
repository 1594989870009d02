"""A child's own process group: what it starts goes with it (worker side: no psutil).

`lead_own_group` makes the child lead a process group (and, on Linux, adopt
orphaned descendants), so the parent can end it with everything it started in
one `killpg` (see mpscope.core.engine.process_tree). `end_own_tree` is the
orphan watchdog's last act: every descendant, then the group, itself included.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys

_PR_SET_CHILD_SUBREAPER = 36  # <linux/prctl.h>


def lead_own_group(subreaper: bool = True) -> None:
    """Lead a process group of our own; on Linux also become a child subreaper.

    As a subreaper, a descendant whose parent dies is re-parented to this process
    instead of init, so it is still found among this process's descendants.
    """
    with contextlib.suppress(OSError):  # already a group or session leader
        os.setpgid(0, 0)
    if subreaper and sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def own_descendants() -> list[int]:
    """Pids below this process, read from /proc (Linux; [] elsewhere)."""
    children: dict[int, list[int]] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return []
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses.
        fields = stat[stat.rfind(b")") + 2:].split()
        if len(fields) > 1:
            children.setdefault(int(fields[1]), []).append(int(entry))
    found: list[int] = []
    stack = list(children.get(os.getpid(), ()))
    while stack:
        pid = stack.pop()
        if pid not in found:
            found.append(pid)
            stack.extend(children.get(pid, ()))
    return found


def end_own_tree(signum: int = signal.SIGKILL) -> None:
    """Signal every descendant (twice: one may fork meanwhile), then our own group if we lead
    one, this process included: a Pool's handler thread here would otherwise replace its
    killed processes before this process is gone."""
    for _ in range(2):
        for pid in own_descendants():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signum)
    if os.getpgid(0) == os.getpid():
        os.killpg(0, signum)
