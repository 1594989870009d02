"""Process trees: a process leads its own group, and whatever it starts goes with it.

Reusable by anything that runs processes for the user (workers, pool processes,
watched programs): the child calls mpscope.core.worker.process_group.lead_own_group
(and `place_in_own_group` closes the race from the parent); `signal_tree` to terminate,
kill, pause or resume a process with every descendant (what htop's tree kill
does); `kill_group` for what is left of a group once its leader was reaped;
`is_paused` to tell a SIGSTOPped process from a busy one. Parent side only
(worker processes never import psutil).
"""

from __future__ import annotations

import contextlib
import os
import time
from typing import Any

_PPID_CACHE_S = 0.25  # a kill_all over hundreds of workers walks /proc once, not per worker
_ppid_cache: tuple[float, dict[int, int]] = (0.0, {})


def place_in_own_group(pid: int) -> None:
    """Parent side of `lead_own_group`: closes the race before the child runs it itself."""
    with contextlib.suppress(OSError):  # not our child (forkserver), or it has exec'd
        os.setpgid(pid, pid)


def leads_group(pid: int) -> bool:
    try:
        return os.getpgid(pid) == pid
    except OSError:
        return False


def descendants(pid: int, fresh: bool = False) -> list[int]:
    """Every process below `pid` (children, theirs, …), parents first; [] when it is gone."""
    children: dict[int, list[int]] = {}
    for child, parent in _ppid_map(fresh).items():
        children.setdefault(parent, []).append(child)
    found: list[int] = []
    stack = list(children.get(pid, ()))
    while stack:
        child = stack.pop()
        if child not in found:
            found.append(child)
            stack.extend(children.get(child, ()))
    return found


def signal_tree(pid: int, signum: int, *, include_root: bool = True) -> bool:
    """Send `signum` to `pid`, its process group (when it leads one) and every descendant.

    The descendants are listed before anything is signalled: once a parent is
    killed its children are re-parented and no longer found below it. The caller
    must know `pid` is not yet reaped (its number could be reused). True if the
    root (or, with include_root=False, anything) was signalled.
    """
    below = descendants(pid)
    sent = False
    if include_root:
        try:
            if leads_group(pid):
                os.killpg(pid, signum)
            else:
                os.kill(pid, signum)
            sent = True
        except (ProcessLookupError, PermissionError):
            return False
    for child in below:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(child, signum)
            sent = True
    return sent


def kill_group(pgid: int, signum: int) -> bool:
    """Signal what is left of a process group; False when nothing is (its leader was reaped,
    and the number of a group stays taken while any member lives, so it names no one else)."""
    try:
        os.killpg(pgid, signum)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def is_paused(pid: int) -> bool:
    """True when the process is stopped by a signal (SIGSTOP, SIGTSTP, …) or a tracer."""
    import psutil

    try:
        status = psutil.Process(pid).status()
    except psutil.Error:
        return False
    return status in (psutil.STATUS_STOPPED, psutil.STATUS_TRACING_STOP)


def paused_pids(pids: list[int]) -> set[int]:
    """Which of `pids` are paused: one small /proc read each on Linux, psutil elsewhere."""
    if not os.path.isdir("/proc/self"):
        return {pid for pid in pids if is_paused(pid)}
    found = set()
    for pid in pids:
        try:  # os.open: open() would add an fstat and an isatty per file, once a second
            fd = os.open(f"/proc/{pid}/stat", os.O_RDONLY)
            try:
                stat = os.read(fd, 512)
            finally:
                os.close(fd)
        except OSError:
            continue
        # "pid (comm) S …": T is stopped by a signal, t by a tracer.
        if stat[stat.rfind(b")") + 2 : stat.rfind(b")") + 3] in (b"T", b"t"):
            found.add(pid)
    return found


def _ppid_map(fresh: bool) -> dict[int, int]:
    global _ppid_cache
    now = time.monotonic()
    if not fresh and now - _ppid_cache[0] < _PPID_CACHE_S:
        return _ppid_cache[1]
    import psutil

    ppid_map: Any = getattr(psutil, "_ppid_map", None)
    if ppid_map is not None:
        mapping = dict(ppid_map())
    else:
        mapping = {}
        for proc in psutil.process_iter(["ppid"]):
            with contextlib.suppress(psutil.Error):
                mapping[proc.pid] = proc.info["ppid"]
    _ppid_cache = (now, mapping)
    return mapping
